# sources of src/cmd, appended to the core library or the program
CMD_SOURCES =
