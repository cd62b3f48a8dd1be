/* Model files are hostile input: a tensor named "\e[2J" must not clear the
 * user's screen.  Everything from a file reaches the terminal through here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphsmith/alloc.h"
#include "graphsmith/util.h"

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid. */
static size_t utf8_len(const unsigned char *s, unsigned *cp)
{
	size_t n, i;
	unsigned c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2; c &= 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3; c &= 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4; c &= 0x07; min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	/* C1 controls are as dangerous as C0 ones on many terminals */
	if (c >= 0x80 && c < 0xa0)
		return 0;
	*cp = c;
	return n;
}

static const char *escape(const char *s, char *buf, size_t len, int ascii)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0, n;
	unsigned cp;
	char tmp[16];

	if (!len)
		return buf;
	while (*p) {
		unsigned raw;

		n = utf8_len(p, &cp);
		if (!n && (n = gs_bytestr_escape_at((const char *)p, &raw))) {
			/* a NUL or C0 byte of the file, as the IR stores it */
			snprintf(tmp, sizeof(tmp), "\\x%02x", raw);
		} else if (n == 1 && cp >= 0x20 && cp < 0x7f && cp != '\\') {
			tmp[0] = (char)cp;
			tmp[1] = '\0';
		} else if (n == 1 && cp == '\\') {
			strcpy(tmp, "\\\\");
		} else if (n == 1 && cp == '\n') {
			strcpy(tmp, "\\n");
		} else if (n == 1 && cp == '\t') {
			strcpy(tmp, "\\t");
		} else if (n == 1 && cp == 0x1b) {
			strcpy(tmp, "\\e");
		} else if (n > 1 && !ascii) {
			memcpy(tmp, p, n);
			tmp[n] = '\0';
		} else if (n > 1) {
			snprintf(tmp, sizeof(tmp), "\\u{%x}", cp);
		} else {
			snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
			n = 1;
		}
		if (o + strlen(tmp) + 4 > len) {
			if (len >= 4)
				strcpy(buf + (o < len - 4 ? o : len - 4), "...");
			else
				buf[0] = '\0';
			return buf;
		}
		strcpy(buf + o, tmp);
		o += strlen(tmp);
		p += n ? n : 1;
	}
	buf[o] = '\0';
	return buf;
}

const char *gs_escape(const char *s, char *buf, size_t len)
{
	return escape(s, buf, len, 0);
}

const char *gs_escape_ascii(const char *s, char *buf, size_t len)
{
	return escape(s, buf, len, 1);
}

bool gs_is_printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	size_t n;

	while (*p) {
		n = utf8_len(p, &cp);
		if (!n || cp < 0x20 || cp == 0x7f || cp == '\\')
			return false;
		p += n;
	}
	return true;
}

char *gs_dims_text(int rank, const int64_t *dims)
{
	size_t len = 3 + (size_t)(rank > 0 ? rank : 0) * 21;
	char *buf = gs_xmalloc(len), *o = buf;
	int i;

	*o++ = '[';
	for (i = 0; i < rank; i++)
		o += sprintf(o, dims[i] >= 0 ? "%s%lld" : "%s?", i ? "," : "",
			     (long long)dims[i]);
	*o++ = ']';
	*o = 0;
	return buf;
}

const char *gs_format_dims(int rank, const int64_t *dims, char *buf, size_t len)
{
	char *t = gs_dims_text(rank, dims);

	snprintf(buf, len, "%s", t);
	free(t);
	return buf;
}

const char *gs_format_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

void gs_defang(char *s, size_t size)
{
	char out[2048];
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;
	unsigned cp;

	if (size > sizeof(out))
		size = sizeof(out);
	while (*p && o + 8 < size) {
		unsigned raw;

		n = utf8_len(p, &cp);
		if (!n && (n = gs_bytestr_escape_at((const char *)p, &raw))) {
			/* a NUL or C0 byte of the file, as the IR stores it */
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", raw);
		} else if (n == 1 && (cp < 0x20 || cp == 0x7f)) {
			o += (size_t)snprintf(out + o, size - o, cp == 0x1b ? "\\e" : "\\x%02x", cp);
		} else if (n == 0) {
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", *p);
			n = 1;
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (*p && size >= 4)
		strcpy(out + (o < size - 4 ? o : size - 4), "...");
	else
		out[o] = '\0';
	memcpy(s, out, strlen(out) + 1);
}
