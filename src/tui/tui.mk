# The terminal workbench: linked into the program only, never into the core.
TUI_SOURCES =
