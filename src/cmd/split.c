/* The one lexer of command lines, the way a shell splits words: 'single
 * quotes' keep everything, "double quotes" allow \" \\ \$ \` escapes, a
 * backslash outside quotes escapes any character, '#' at the start of a
 * word starts a comment that runs to the end of its line.  The dispatcher
 * (';' and newlines end a command), completion (an open quote is the word
 * being typed) and key bindings all call it. */
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

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void push(struct gs_cmd_words *out, size_t *alloc, struct word *w, bool quoted)
{
	if (!w->s)
		word_add(w, 0), w->len = 0;	/* "" is a word too */
	if (out->argc + 2 > (int)*alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		out->argv = gs_xrealloc(out->argv, *alloc * sizeof(*out->argv));
		out->quoted = gs_xrealloc(out->quoted, *alloc * sizeof(*out->quoted));
	}
	out->quoted[out->argc] = quoted;
	out->argv[out->argc++] = w->s;
	out->argv[out->argc] = NULL;
	memset(w, 0, sizeof(*w));
}

int gs_cmd_lex(const char *s, size_t len, unsigned flags, struct gs_cmd_words *out,
	       struct gs_error *err)
{
	bool command = flags & GS_LEX_COMMAND, partial = flags & GS_LEX_PARTIAL;
	const char *msg = NULL;
	struct word w = { 0 };
	size_t i = 0, alloc = 0, word_end = 0;
	bool quoted;
	char q;

	memset(out, 0, sizeof(*out));
	for (;;) {
		while (i < len && is_blank(s[i]) && !(command && s[i] == '\n'))
			i++;
		if (i < len && s[i] == '#')
			while (i < len && s[i] != '\n')
				i++;
		if (i >= len || (command && (s[i] == ';' || s[i] == '\n')))
			break;
		if (i < len && is_blank(s[i]))
			continue;	/* the newline after a comment */
		quoted = false;
		while (i < len && !is_blank(s[i]) && !(command && s[i] == ';')) {
			q = s[i];
			if (q == '\\') {
				if (i + 1 >= len || s[i + 1] == '\n') {
					msg = "backslash at the end of the line";
					i++;
					break;
				}
				word_add(&w, s[i + 1]);
				i += 2;
			} else if (q == '\'' || q == '"') {
				quoted = true;
				for (i++; i < len && s[i] != q && !(command && s[i] == '\n'); i++) {
					if (q == '"' && s[i] == '\\' && i + 1 < len &&
					    strchr("\"\\$`", s[i + 1]))
						i++;
					word_add(&w, s[i]);
				}
				if (i >= len || s[i] != q) {
					msg = q == '"' ? "unterminated double quote" :
					      "unterminated single quote";
					break;
				}
				i++;
			} else {
				word_add(&w, s[i++]);
			}
		}
		if (msg && !partial) {
			free(w.s);
			gs_cmd_words_free(out);
			return gs_error_set(err, "%s", msg);
		}
		push(out, &alloc, &w, quoted);
		word_end = i;
		if (msg)
			break;
	}
	if (!out->argv) {
		out->argv = gs_xcalloc(1, sizeof(*out->argv));
		out->quoted = gs_xcalloc(1, sizeof(*out->quoted));
	}
	out->end = i;
	out->open = out->argc && word_end >= len;	/* nothing after the last word */
	return 0;
}

void gs_cmd_words_free(struct gs_cmd_words *w)
{
	gs_cmd_free_argv(w->argc, w->argv);
	free(w->quoted);
	memset(w, 0, sizeof(*w));
}

int gs_cmd_split(const char *line, int *argc, char ***argv, struct gs_error *err)
{
	struct gs_cmd_words w;

	*argc = 0;
	*argv = NULL;
	if (gs_cmd_lex(line, strlen(line), 0, &w, err) < 0)
		return -1;
	free(w.quoted);
	*argc = w.argc;
	*argv = w.argv;
	return 0;
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
