/* The command table, generated from commands.def so that the table, `help`
 * and completion list the same commands. */
#include <stdlib.h>
#include <string.h>

#include "cmd/internal.h"

static const struct gs_cmd_entry *const table[] = {
#define GS_COMMAND(n) &gs_cmd_##n,
#include "cmd/commands.def"
#undef GS_COMMAND
};

const struct gs_cmd_entry *const *gs_cmd_table(int *count)
{
	*count = (int)(sizeof(table) / sizeof(*table));
	return table;
}

const struct gs_cmd_entry *gs_cmd_find(const char *name, struct gs_error *err)
{
	const struct gs_cmd_entry *found = NULL;
	size_t i, len = strlen(name);
	int hits = 0;
	char list[512], eb[128];
	size_t o = 0;

	for (i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (!strcmp(table[i]->name, name))
			return table[i];
	for (i = 0; i < sizeof(table) / sizeof(*table); i++)
		if (table[i]->alias && !strcmp(table[i]->alias, name))
			return table[i];
	list[0] = 0;
	for (i = 0; len && i < sizeof(table) / sizeof(*table); i++) {
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
