/* Finding a command in a table by exact name, alias or unique prefix.
 * Below the commands: the table is handed in, so `help` and `preview`
 * look up the one their context (ws->commands) gives them. */
#include <stdio.h>
#include <string.h>

#include "cmd/internal.h"

const struct gs_cmd_entry *gs_cmd_lookup(const struct gs_cmd_entry *const *table, int n,
					 const char *name, struct gs_error *err)
{
	const struct gs_cmd_entry *found = NULL;
	size_t i, len = strlen(name);
	int hits = 0;
	char list[512], eb[128];
	size_t o = 0;

	for (i = 0; i < (size_t)n; i++)
		if (!strcmp(table[i]->name, name))
			return table[i];
	for (i = 0; i < (size_t)n; i++)
		if (table[i]->alias && !strcmp(table[i]->alias, name))
			return table[i];
	list[0] = 0;
	for (i = 0; len && i < (size_t)n; i++) {
		if (strncmp(table[i]->name, name, len))
			continue;
		found = table[i];
		hits++;
		if (o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
					      hits > 1 ? ", " : "", table[i]->name);
	}
	if (hits == 1)
		return found;
	if (hits > 1)
		gs_error_set(err, "ambiguous command '%s': could be %s",
			     gs_escape(name, eb, sizeof(eb)), list);
	else
		gs_error_set(err, "unknown command '%s' (try 'help')", gs_escape(name, eb, sizeof(eb)));
	return NULL;
}
