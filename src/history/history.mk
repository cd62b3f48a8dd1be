# sources of src/history, appended to the core library or the program
HISTORY_SOURCES =
