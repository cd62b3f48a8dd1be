/* Splitting a command into words, the way a shell does: 'single quotes'
 * keep everything, "double quotes" allow \" \\ \$ escapes, a backslash
 * outside quotes escapes any character, '#' at the start of a word starts
 * a comment. */
#include <stdlib.h>
#include <string.h>

#include "graphsmith/cmd.h"

struct word {
	char *s;
	size_t len, alloc;
};

static void word_add(struct word *w, char c)
{
	GS_GROW(w->s, w->len + 2, w->alloc);
	w->s[w->len++] = c;
	w->s[w->len] = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int gs_cmd_split(const char *line, int *argc, char ***argv, struct gs_error *err)
{
	char **words = NULL;
	size_t n = 0, alloc = 0;
	const char *p = line;
	struct word w;

	*argc = 0;
	*argv = NULL;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p || *p == '#')
			break;
		memset(&w, 0, sizeof(w));
		word_add(&w, 0);	/* "" is a word too */
		w.len = 0;
		while (*p && !is_space(*p)) {
			char q = *p;

			if (q == '\\') {
				if (!p[1])
					goto trailing;
				word_add(&w, p[1]);
				p += 2;
			} else if (q == '\'' || q == '"') {
				for (p++; *p != q; p++) {
					if (!*p) {
						free(w.s);
						gs_cmd_free_argv((int)n, words);
						return gs_error_set(err, "unterminated %s quote",
								    q == '"' ? "double" : "single");
					}
					if (q == '"' && *p == '\\' && p[1] &&
					    strchr("\"\\$`", p[1]))
						p++;
					word_add(&w, *p);
				}
				p++;
			} else {
				word_add(&w, *p++);
			}
		}
		GS_GROW(words, n + 2, alloc);
		words[n++] = w.s;
		words[n] = NULL;
	}
	if (!words)
		words = gs_xcalloc(1, sizeof(*words));
	*argc = (int)n;
	*argv = words;
	return 0;
trailing:
	free(w.s);
	gs_cmd_free_argv((int)n, words);
	return gs_error_set(err, "backslash at the end of the line");
}

void gs_cmd_free_argv(int argc, char **argv)
{
	int i;

	if (!argv)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
