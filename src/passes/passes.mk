# sources of src/passes, appended to the core library or the program
PASSES_SOURCES =
