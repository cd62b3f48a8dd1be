# sources of src/match, appended to the core library or the program
MATCH_SOURCES =
