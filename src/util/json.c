/* One way to put untrusted text into JSON (graphsmith/json.h). */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/json.h"
#include "graphsmith/util.h"

json_t *gs_json_str(const char *s)
{
	char buf[1024];
	json_t *j;

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	if (!gs_bytestr_is_stored_plain(s)) {
		/* NUL bytes of a file's name, stored escaped: JSON says \u0000 */
		char *raw = malloc(strlen(s) + 1);

		j = raw ? json_stringn(raw, gs_bytestr_raw(s, raw)) : NULL;
		free(raw);
		if (j)
			return j;
	}
	return json_string(gs_escape_ascii(s, buf, sizeof(buf)));
}
