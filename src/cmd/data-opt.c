/* --data FILE.npz / --labels FILE.npy for the data-driven commands, and
 * the default: the workspace's sample inputs when they are a .npz. */
#include <string.h>

#include "cmd/internal.h"

int gs_cmd_data_option(struct gs_workspace *ws, const char *cmd, bool fallback, int *argc,
		       char **argv, const char **data, const char **labels, struct gs_error *err)
{
	int i, n = 0;

	*data = NULL;
	if (labels)
		*labels = NULL;
	for (i = 0; i < *argc; i++) {
		const char **to = !strcmp(argv[i], "--data") ? data :
				  labels && !strcmp(argv[i], "--labels") ? labels : NULL;

		if (to) {
			if (i + 1 >= *argc)
				return gs_error_set(err, "%s: %s needs a file", cmd, argv[i]);
			*to = argv[++i];
		} else if (!strncmp(argv[i], "--data=", 7)) {
			*data = argv[i] + 7;
		} else if (labels && !strncmp(argv[i], "--labels=", 9)) {
			*labels = argv[i] + 9;
		} else {
			argv[n++] = argv[i];
		}
	}
	*argc = n;
	if (!*data && fallback)
		*data = gs_workspace_data_source(ws, labels && !*labels ? labels : NULL);
	return 0;
}
