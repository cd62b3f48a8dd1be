/*
 * A text field of a model file may hold any byte, a NUL among them, while
 * the IR and everything above it keep strings NUL-terminated.  So a string
 * from a file is stored with two escapes: a NUL byte as C0 80 and a C0 byte
 * as C0 81.  C0 never occurs in valid UTF-8, so every ordinary name is
 * stored exactly as it is, and the mapping is one to one: the writer turns
 * a stored string back into the file's bytes, and a round trip is byte for
 * byte.  (Java's "modified UTF-8" stores NUL the same way.)
 */
#include <string.h>

#include "graphsmith/util.h"

enum { LEAD = 0xc0, NUL_BYTE = 0x80, LEAD_BYTE = 0x81 };

size_t gs_bytestr_stored_len(const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t len = n, i;

	for (i = 0; i < n; i++)
		len += p[i] == 0 || p[i] == LEAD;
	return len;
}

void gs_bytestr_store(const void *data, size_t n, char *out)
{
	const unsigned char *p = data;
	unsigned char *o = (unsigned char *)out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == 0 || p[i] == LEAD) {
			*o++ = LEAD;
			*o++ = p[i] ? LEAD_BYTE : NUL_BYTE;
		} else {
			*o++ = p[i];
		}
	}
	*o = 0;
}

bool gs_bytestr_is_stored_plain(const char *s)
{
	return !strchr(s, LEAD);
}

size_t gs_bytestr_raw(const char *s, void *out)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char *o = out;

	while (*p) {
		/* a lone C0 (typed by a user, not read from a file) stays */
		if (p[0] == LEAD && (p[1] == NUL_BYTE || p[1] == LEAD_BYTE)) {
			*o++ = p[1] == NUL_BYTE ? 0 : LEAD;
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	return (size_t)(o - (unsigned char *)out);
}

size_t gs_bytestr_escape_at(const char *s, unsigned *byte)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] != LEAD || (p[1] != NUL_BYTE && p[1] != LEAD_BYTE))
		return 0;
	*byte = p[1] == NUL_BYTE ? 0 : LEAD;
	return 2;
}
