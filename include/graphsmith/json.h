/* JSON strings from model and user text, which need not be UTF-8. */
#ifndef GRAPHSMITH_JSON_H
#define GRAPHSMITH_JSON_H

#include <jansson.h>

/* A JSON string of s; jansson refuses invalid UTF-8 (the value would be
 * dropped), so such text is given escaped instead.  NULL gives null. */
json_t *gs_json_str(const char *s);

#endif
