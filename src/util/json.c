/* One way to put untrusted text into JSON (graphsmith/json.h). */
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
	return json_string(gs_escape_ascii(s, buf, sizeof(buf)));
}
