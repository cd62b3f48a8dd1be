/*
 * Unit tests for the command layer: splitting, the table, the dispatcher
 * and completion, against a workspace whose B is built in memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "graphsmith/cmd.h"
#include "graphsmith/fuse.h"
#include "graphsmith/pass.h"

/* ---- output capture ---- */
struct capture {
	char text[16384];
	size_t len;
};

static void capture_write(void *ctx, enum gs_out_kind kind, const char *line)
{
	struct capture *c = ctx;

	c->len += (size_t)snprintf(c->text + c->len, sizeof(c->text) - c->len, "%s%s\n",
				   kind == GS_OUT_ERROR ? "E:" : "", line);
}

/* x -> Conv "conv_a" -> y -> Relu "conv_b" -> z -> Relu (unnamed) -> w */
static struct gs_model *tiny_model(void)
{
	struct gs_model *m = gs_model_new();
	struct gs_graph *g = gs_graph_new(m, NULL, "tiny");
	int x, y, z, w, in[1], out[1];

	m->graph = g;
	m->producer_name = "test";
	m->producer_version = "";
	x = gs_graph_add_value(g, "x");
	g->values[x]->kind = GS_VALUE_INPUT;
	y = gs_graph_add_value(g, "y");
	z = gs_graph_add_value(g, "z");
	w = gs_graph_add_value(g, "w");
	in[0] = x; out[0] = y;
	gs_graph_add_node(g, "Conv", "", "conv_a", 1, in, 1, out);
	in[0] = y; out[0] = z;
	gs_graph_add_node(g, "Relu", "", "conv_b", 1, in, 1, out);
	in[0] = z; out[0] = w;
	gs_graph_add_node(g, "Relu", "", "", 1, in, 1, out);
	gs_graph_set_outputs(g, 1, &w);
	return m;
}

struct fixture {
	struct gs_workspace ws;
	struct capture cap;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	gs_workspace_init(&f->ws);
	f->ws.out.write = capture_write;
	f->ws.out.ctx = &f->cap;
	*state = f;
	return 0;
}

static int setup_model(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	f->ws.b = tiny_model();
	f->ws.path_b = strdup("tiny.onnx");
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	gs_workspace_release(&f->ws);
	free(f);
	return 0;
}

/* ---- split ---- */
static void split_ok(const char *line, int want_argc, const char *const *want)
{
	struct gs_error err;
	char **argv;
	int argc, i;

	assert_int_equal(gs_cmd_split(line, &argc, &argv, &err), 0);
	assert_int_equal(argc, want_argc);
	for (i = 0; i < argc; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[argc]);
	gs_cmd_free_argv(argc, argv);
}

static void split_fails(const char *line, const char *msg)
{
	struct gs_error err;
	char **argv;
	int argc;

	assert_int_equal(gs_cmd_split(line, &argc, &argv, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_null(argv);
}

static void test_split(void **state)
{
	(void)state;
	split_ok("", 0, NULL);
	split_ok("   \t ", 0, NULL);
	split_ok("prune magnitude 0.5", 3, (const char *const[]){ "prune", "magnitude", "0.5" });
	split_ok("  a   b  ", 2, (const char *const[]){ "a", "b" });
	split_ok("select 'a b' \"c d\"", 3, (const char *const[]){ "select", "a b", "c d" });
	split_ok("x 'it''s' \"q\\\"uote\\\\\"", 3, (const char *const[]){ "x", "its", "q\"uote\\" });
	split_ok("x '\\n' \"\\n\" \\n", 4, (const char *const[]){ "x", "\\n", "\\n", "n" });
	split_ok("a\\ b c", 2, (const char *const[]){ "a b", "c" });
	split_ok("x '' \"\"", 3, (const char *const[]){ "x", "", "" });
	split_ok("pre'fix'\"ed\" w", 2, (const char *const[]){ "prefixed", "w" });
	split_ok("find a#b # comment 'open", 2, (const char *const[]){ "find", "a#b" });
	split_ok("# only a comment", 0, NULL);
	split_fails("select 'abc", "unterminated single quote");
	split_fails("select \"abc", "unterminated double quote");
	split_fails("x \"a\\\"", "unterminated double quote");
	split_fails("select abc\\", "backslash at the end of the line");
}

/* The one lexer's modes: where a command ends, which words were quoted,
 * what completion sees of text being typed. */
static void test_lex(void **state)
{
	const char *s = "find 'a;b' x\\;y ; undo # c; d\nredo";
	struct gs_cmd_words w;
	struct gs_error err;

	(void)state;
	assert_int_equal(gs_cmd_lex(s, strlen(s), GS_LEX_COMMAND, &w, &err), 0);
	assert_int_equal(w.argc, 3);
	assert_string_equal(w.argv[1], "a;b");
	assert_string_equal(w.argv[2], "x;y");
	assert_true(w.quoted[1]);
	assert_false(w.quoted[0] || w.quoted[2]);
	assert_int_equal(s[w.end], ';');
	assert_null(w.argv[3]);
	s += w.end + 1;
	gs_cmd_words_free(&w);
	/* the comment runs to the end of its line, not to its ';' */
	assert_int_equal(gs_cmd_lex(s, strlen(s), GS_LEX_COMMAND, &w, &err), 0);
	assert_int_equal(w.argc, 1);
	assert_string_equal(w.argv[0], "undo");
	assert_int_equal(s[w.end], '\n');
	gs_cmd_words_free(&w);
	/* without GS_LEX_COMMAND ';' is a character and lines go on */
	s = "a;b # c\nd";
	assert_int_equal(gs_cmd_lex(s, strlen(s), 0, &w, &err), 0);
	assert_int_equal(w.argc, 2);
	assert_string_equal(w.argv[0], "a;b");
	assert_string_equal(w.argv[1], "d");
	assert_true(w.open);
	gs_cmd_words_free(&w);
	/* a newline inside quotes ends a command: unterminated */
	s = "find 'a\nb'";
	assert_int_equal(gs_cmd_lex(s, strlen(s), GS_LEX_COMMAND, &w, &err), -1);
	assert_string_equal(err.msg, "unterminated single quote");
	/* partial: the open quote is the word being typed */
	s = "open A \"my fi";
	assert_int_equal(gs_cmd_lex(s, strlen(s), GS_LEX_PARTIAL, &w, &err), 0);
	assert_int_equal(w.argc, 3);
	assert_string_equal(w.argv[2], "my fi");
	assert_true(w.open && w.quoted[2]);
	gs_cmd_words_free(&w);
	s = "prune ";
	assert_int_equal(gs_cmd_lex(s, strlen(s), GS_LEX_PARTIAL, &w, &err), 0);
	assert_int_equal(w.argc, 1);
	assert_false(w.open);
	gs_cmd_words_free(&w);
	s = "x \\";
	assert_int_equal(gs_cmd_lex(s, strlen(s), GS_LEX_PARTIAL, &w, &err), 0);
	assert_int_equal(w.argc, 2);
	assert_string_equal(w.argv[1], "");
	gs_cmd_words_free(&w);
	assert_int_equal(gs_cmd_lex("", 0, GS_LEX_COMMAND, &w, &err), 0);
	assert_int_equal(w.argc, 0);
	assert_null(w.argv[0]);
	assert_false(w.open);
	gs_cmd_words_free(&w);
}

/* apply keeps undo records only for a script that undoes */
static void test_script_undoes(void **state)
{
	(void)state;
	assert_true(gs_cmd_script_undoes("undo"));
	assert_true(gs_cmd_script_undoes("prune magnitude 0.5; undo"));
	assert_true(gs_cmd_script_undoes("# first\nprune magnitude 0.5\n  undo  # again"));
	assert_true(gs_cmd_script_undoes("find ';'; undo!"));
	assert_false(gs_cmd_script_undoes(""));
	assert_false(gs_cmd_script_undoes("prune magnitude 0.5"));
	assert_false(gs_cmd_script_undoes("# undo\nprune magnitude 0.5 # ; undo"));
	assert_false(gs_cmd_script_undoes("find 'x; undo'"));
	assert_false(gs_cmd_script_undoes("find undo"));
	assert_false(gs_cmd_script_undoes("redo"));
}

/* ---- table ---- */
static void test_table(void **state)
{
	const struct gs_cmd_entry *const *t;
	struct gs_error err;
	int n, i;

	(void)state;
	t = gs_cmd_table(&n);
	assert_true(n >= 10);
	for (i = 1; i < n; i++)
		assert_true(strcmp(t[i - 1]->name, t[i]->name) < 0);	/* sorted, unique */
	for (i = 0; i < n; i++) {
		assert_non_null(t[i]->usage);
		assert_non_null(t[i]->help);
		assert_non_null(t[i]->exec);
		assert_int_equal(strncmp(t[i]->usage, t[i]->name, strlen(t[i]->name)), 0);
	}
	assert_string_equal(gs_cmd_find("select", &err)->name, "select");
	assert_string_equal(gs_cmd_find("q", &err)->name, "quit");		/* alias */
	assert_string_equal(gs_cmd_find("?", &err)->name, "help");
	assert_string_equal(gs_cmd_find("expl", &err)->name, "explain");	/* prefix */
	assert_string_equal(gs_cmd_find("trac", &err)->name, "trace");
	assert_null(gs_cmd_find("tr", &err));		/* trace, transplant */
	assert_non_null(strstr(err.msg, "trace, transplant"));
	assert_string_equal(gs_cmd_find("find", &err)->name, "find");
	assert_null(gs_cmd_find("s", &err));
	assert_int_equal(strncmp(err.msg, "ambiguous command 's': could be ", 32), 0);
	assert_non_null(strstr(err.msg, "save"));
	assert_non_null(strstr(err.msg, "select"));
	assert_null(gs_cmd_find("fi", &err));
	assert_non_null(strstr(err.msg, "filter, find"));
	assert_null(gs_cmd_find("zz", &err));
	assert_string_equal(err.msg, "unknown command 'zz' (try 'help')");
	assert_null(gs_cmd_find("", &err));
	assert_string_equal(err.msg, "unknown command '' (try 'help')");
	assert_null(gs_cmd_find("x\033y", &err));	/* escaped, never raw */
	assert_string_equal(err.msg, "unknown command 'x\\ey' (try 'help')");
}

/* ---- run ---- */
static void test_run_blank(void **state)
{
	struct fixture *f = *state;
	struct gs_error err;

	assert_int_equal(gs_cmd_run(&f->ws, "", &err), 0);
	assert_int_equal(gs_cmd_run(&f->ws, "  ;; ; \n\n # help\n# x; help", &err), 0);
	assert_int_equal(f->cap.len, 0);
}

static void test_run_sequence(void **state)
{
	struct fixture *f = *state;
	struct gs_error err;

	assert_int_equal(gs_cmd_run(&f->ws, "help q # not ; a command\nhelp ?", &err), 0);
	assert_non_null(strstr(f->cap.text, "usage: quit [--force]\n"));
	assert_non_null(strstr(f->cap.text, "usage: help [CMD]\n"));
	f->cap.len = 0;
	f->cap.text[0] = 0;
	/* a ';' inside quotes does not split; the first error stops the run */
	assert_int_equal(gs_cmd_run(&f->ws, "help 'q;x'; help q", &err), -1);
	assert_string_equal(err.msg, "unknown command 'q;x' (try 'help')");
	assert_int_equal(f->cap.len, 0);
	assert_int_equal(gs_cmd_run(&f->ws, "help q; bogus; help ?", &err), -1);
	assert_string_equal(err.msg, "unknown command 'bogus' (try 'help')");
	assert_null(strstr(f->cap.text, "usage: help"));
	assert_int_equal(gs_cmd_run(&f->ws, "help \"q", &err), -1);
	assert_string_equal(err.msg, "unterminated double quote");
}

static void test_run_flags(void **state)
{
	struct fixture *f = *state;
	struct gs_error err;

	assert_int_equal(gs_cmd_run(&f->ws, "info", &err), -1);
	assert_string_equal(err.msg, "no model open (use 'open FILE')");
	assert_int_equal(gs_cmd_run(&f->ws, "select x", &err), -1);
	assert_string_equal(err.msg, "no model open (use 'open FILE')");
	assert_int_equal(gs_cmd_run(&f->ws, "diff", &err), -1);
	assert_string_equal(err.msg, "two models needed (use 'open A FILE' and 'open B FILE')");
	assert_int_equal(gs_cmd_run(&f->ws, "open /nonexistent/m.onnx", &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/m.onnx"));
	assert_int_equal(gs_cmd_run(&f->ws, "help", &err), 0);	/* needs nothing */
	assert_int_equal(f->cap.len > 0, 1);
}

static void test_run_quit(void **state)
{
	struct fixture *f = *state;
	struct gs_error err;

	f->ws.unsaved = true;
	assert_int_equal(gs_cmd_run(&f->ws, "quit", &err), -1);
	assert_string_equal(err.msg, "B has unsaved edits (save them, or 'quit!' to discard)");
	assert_false(f->ws.quit);
	/* quit! is quit --force; nothing after it runs */
	assert_int_equal(gs_cmd_run(&f->ws, "quit!; bogus", &err), GS_CHANGED_QUIT);
	assert_true(f->ws.quit);
}

static void test_run_select(void **state)
{
	struct fixture *f = *state;
	struct gs_error err;

	assert_int_equal(gs_cmd_run(&f->ws, "select conv_b", &err), 0);
	assert_int_equal(strncmp(f->cap.text, "B  conv_b  Relu\n", 16), 0);
	assert_int_equal(f->ws.sel_node, 1);
	f->cap.len = 0;
	assert_int_equal(gs_cmd_run(&f->ws, "select Relu:1", &err), 0);	/* unnamed */
	assert_int_equal(strncmp(f->cap.text, "B  Relu:1  Relu\n", 16), 0);
	assert_int_equal(gs_cmd_run(&f->ws, "select z", &err), 0);	/* value -> producer */
	assert_int_equal(f->ws.sel_node, 1);
	assert_int_equal(gs_cmd_run(&f->ws, "select @0", &err), 0);
	assert_int_equal(f->ws.sel_node, 0);
	assert_int_equal(gs_cmd_run(&f->ws, "select conv", &err), -1);
	assert_string_equal(err.msg, "ambiguous node 'conv': could be 'conv_a', 'conv_b'");
	assert_int_equal(gs_cmd_run(&f->ws, "select nothing", &err), -1);
	assert_string_equal(err.msg, "no node 'nothing' in B");
	assert_int_equal(gs_cmd_run(&f->ws, "select -a conv_a", &err), -1);
	assert_string_equal(err.msg, "no model open as A");
	f->cap.len = 0;
	f->cap.text[0] = 0;
	assert_int_equal(gs_cmd_run(&f->ws, "trace conv_b", &err), 0);
	assert_string_equal(f->cap.text,
			    "B  conv_b\nupstream (1)\n  conv_a                                   Conv\n"
			    "downstream (1)\n  Relu:1                                   Relu\n");
	f->cap.len = 0;
	f->cap.text[0] = 0;
	assert_int_equal(gs_cmd_run(&f->ws, "find RELU", &err), 0);
	assert_string_equal(f->cap.text,
			    "B  conv_b                                   Relu\n"
			    "B  Relu:1                                   Relu\n2 matches\n");
}

/* ---- completion ---- */
static void complete_is(struct gs_workspace *ws, const char *line, const char *const *want, int n)
{
	char **got;
	int i, count = gs_complete(ws, line, (int)strlen(line), &got);

	for (i = 0; i < count && i < n; i++)
		assert_string_equal(got[i], want[i]);
	assert_int_equal(count, n);
	assert_null(got[count]);
	gs_cmd_free_argv(count, got);
}

static void test_complete(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/gs-complete-XXXXXX", path[256], line[300];
	FILE *fp;

	complete_is(&f->ws, "sel", (const char *const[]){ "select" }, 1);
	complete_is(&f->ws, "s", (const char *const[]){ "save", "select", "show", "slots" }, 4);
	complete_is(&f->ws, "  qui", (const char *const[]){ "quit" }, 1);
	complete_is(&f->ws, "zz", NULL, 0);
	complete_is(&f->ws, "help fi", (const char *const[]){ "filter", "find" }, 2);
	complete_is(&f->ws, "select conv_", (const char *const[]){ "conv_a", "conv_b" }, 2);
	complete_is(&f->ws, "select ", (const char *const[]){ "Relu:1", "conv_a", "conv_b" }, 3);
	complete_is(&f->ws, "sel 'conv_", (const char *const[]){ "conv_a", "conv_b" }, 2);
	complete_is(&f->ws, "help q; select conv_b", (const char *const[]){ "conv_b" }, 1);
	complete_is(&f->ws, "find R", (const char *const[]){ "Relu" }, 1);
	complete_is(&f->ws, "filter o", (const char *const[]){ "off", "on" }, 2);
	complete_is(&f->ws, "filter on ", NULL, 0);
	/* float16 is quantize fp16's other name, from the spec */
	complete_is(&f->ws, "quantize fl", (const char *const[]){ "float16" }, 1);
	complete_is(&f->ws, "quantize float16 --a", (const char *const[]){ "--all" }, 1);
	complete_is(&f->ws, "quit ", NULL, 0);
	complete_is(&f->ws, "bogus ", NULL, 0);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m1.onnx", dir);
	fp = fopen(path, "w");
	fclose(fp);
	snprintf(path, sizeof(path), "%s/m2.onnx", dir);
	fp = fopen(path, "w");
	fclose(fp);
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(line, sizeof(line), "open B %s/m", dir);
	{
		char a[256], b[256];

		snprintf(a, sizeof(a), "%s/m1.onnx", dir);
		snprintf(b, sizeof(b), "%s/m2.onnx", dir);
		complete_is(&f->ws, line, (const char *const[]){ a, b }, 2);
		snprintf(line, sizeof(line), "save %s/s", dir);
		snprintf(a, sizeof(a), "%s/sub/", dir);
		complete_is(&f->ws, line, (const char *const[]){ a }, 1);
	}
	rmdir(path);
	snprintf(path, sizeof(path), "%s/m1.onnx", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/m2.onnx", dir);
	unlink(path);
	rmdir(dir);
}

/* ---- passes as commands ---- */
static void test_pass_spec(void **state)
{
	const struct gs_cmd_entry *const *t;
	const char *const *names = gs_fuse_pattern_names();
	const struct gs_pass_arg *a = &gs_pass_fuse.args[0];
	char buf[512];
	int n, i, k, passes = 0;

	(void)state;
	t = gs_cmd_table(&n);
	for (i = 0; i < n; i++) {
		if (!t[i]->pass)
			continue;
		passes++;
		/* the entry's usage is the one the spec gives */
		assert_string_equal(gs_pass_usage(t[i]->pass, buf, sizeof(buf)), t[i]->usage);
	}
	assert_true(passes >= 2);
	/* fuse's words are the patterns fuse.h knows, in another order */
	for (i = 0; names[i]; i++) {
		for (k = 0; a->words[k] && strcmp(a->words[k], names[i]); k++)
			;
		assert_non_null(a->words[k]);
	}
	for (k = 0; a->words[k]; k++)
		;
	assert_int_equal(i, k);
}

/* Every command that changes B is a pass, so one spec parses, completes and
 * documents it; the exceptions and why. */
static void test_mutating_are_passes(void **state)
{
	static const char *const exceptions[] = {
		NULL
	};
	const struct gs_cmd_entry *const *t;
	int n, i, k;

	(void)state;
	t = gs_cmd_table(&n);
	for (i = 0; i < n; i++) {
		if (!(t[i]->flags & GS_CMD_MUTATES))
			continue;
		for (k = 0; exceptions[k] && strcmp(exceptions[k], t[i]->name); k++)
			;
		if (exceptions[k])
			assert_null(t[i]->pass);	/* converted: drop it from the list */
		else if (!t[i]->pass)
			fail_msg("'%s' changes B but is not a pass", t[i]->name);
	}
}

static void parse_fails(const struct gs_pass *p, const char *line, const char *msg)
{
	struct gs_pass_args a;
	struct gs_error err;
	char **argv;
	int argc;

	assert_int_equal(gs_cmd_split(line, &argc, &argv, &err), 0);
	assert_int_equal(gs_pass_parse(p, argc, argv, &a, &err), -1);
	assert_string_equal(err.msg, msg);
	gs_cmd_free_argv(argc, argv);
}

static void test_pass_parse(void **state)
{
	struct gs_pass_args a;
	struct gs_error err;
	char **argv;
	int argc;

	(void)state;
	assert_int_equal(gs_cmd_split("convert opset --list 13", &argc, &argv, &err), 0);
	assert_int_equal(gs_pass_parse(&gs_pass_convert, argc, argv, &a, &err), 0);
	assert_true(gs_pass_get(&a, "--list")->set);
	assert_false(gs_pass_get(&a, "--dry-run")->set);
	assert_int_equal(gs_pass_get(&a, "opset")->i, 13);
	assert_false(gs_pass_get(&a, "--nothing")->set);
	gs_cmd_free_argv(argc, argv);
	parse_fails(&gs_pass_convert, "convert opset x", "convert: opset 'x' is not a positive integer");
	parse_fails(&gs_pass_convert, "convert opset 0", "convert: opset '0' is not a positive integer");
	parse_fails(&gs_pass_convert, "convert opset 9 10", "convert: unexpected argument '10'");
	parse_fails(&gs_pass_convert, "convert ops 9", "usage: convert opset N [--dry-run] [--list]");
	parse_fails(&gs_pass_convert, "convert opset", "usage: convert opset N [--dry-run] [--list]");
	parse_fails(&gs_pass_convert, "convert opset 9 --lis", "convert: unknown option '--lis'");
	parse_fails(&gs_pass_convert, "convert opset 9 --list=1", "convert: --list takes no value");
	parse_fails(&gs_pass_fuse, "fuse conv-relu", "unknown fuse pattern 'conv-relu'");
	parse_fails(&gs_pass_fuse, "fuse", "usage: fuse affine|conv-bn|gemm|layernorm|gelu|identity|"
		    "constants|all");
	/* options of one method, optional positionals, required options */
	parse_fails(&gs_pass_prune, "prune nm 2:4 --global",
		    "prune: --global goes with 'magnitude' or 'importance'");
	parse_fails(&gs_pass_prune, "prune channels 0.5 --threshold 0.1",
		    "prune: --threshold goes with 'importance'");
	parse_fails(&gs_pass_prune, "prune", "usage: prune magnitude|nm|channels|importance [AMOUNT] "
		    "[--global] [--only PATTERN] [--data FILE.npz] [--labels FILE.npy] "
		    "[--threshold A]");
	parse_fails(&gs_pass_prune, "prune magnitude 0.5 0.6", "prune: unexpected argument '0.6'");
	parse_fails(&gs_pass_distill, "distill --data d.npz", "usage: distill --teacher SLOT|FILE "
		    "--data FILE.npz [--labels FILE.npy] [--steps N] [--lr X] [--temperature T] "
		    "[--alpha A] [--batch B] [--seed S]");
	parse_fails(&gs_pass_distill, "distill --teacher A --data d.npz --alpha 2",
		    "distill: --alpha '2' is not a number from 0 to 1");
	parse_fails(&gs_pass_reconstruct, "reconstruct x", "reconstruct: unexpected argument 'x'");
	assert_int_equal(gs_cmd_split("prune importance --threshold 0.1 --global --data d.npz",
				      &argc, &argv, &err), 0);
	assert_int_equal(gs_pass_parse(&gs_pass_prune, argc, argv, &a, &err), 0);
	assert_false(gs_pass_get(&a, "amount")->set);
	assert_string_equal(gs_pass_get(&a, "--data")->s, "d.npz");
	gs_cmd_free_argv(argc, argv);
}

/* ---- slots ---- */
static void test_slots(void **state)
{
	struct fixture *f = *state;
	struct gs_error err;
	const char *name;

	f->ws.a = tiny_model();
	f->ws.path_a = strdup("tiny-a.onnx");
	f->ws.slots = calloc(1, sizeof(*f->ws.slots));
	f->ws.slots[0].name = strdup("Cx");
	f->ws.slots[0].path = strdup("c.onnx");
	f->ws.slots[0].model = tiny_model();
	f->ws.n_slots = 1;
	assert_true(gs_slot_name_ok("teacher_2-b"));
	assert_false(gs_slot_name_ok("m.onnx"));
	assert_false(gs_slot_name_ok("dir/m"));
	assert_false(gs_slot_name_ok("2x"));
	complete_is(&f->ws, "show Cx", (const char *const[]){ "Cx" }, 1);
	complete_is(&f->ws, "convert opset 13 --", (const char *const[]){ "--dry-run", "--list" }, 2);
	complete_is(&f->ws, "convert o", (const char *const[]){ "opset" }, 1);
	complete_is(&f->ws, "convert opset ", NULL, 0);
	complete_is(&f->ws, "fuse con", (const char *const[]){ "constants", "conv-bn" }, 2);
	complete_is(&f->ws, "fuse all ", NULL, 0);
	assert_ptr_equal(gs_workspace_model_arg(&f->ws, "Cx", &err), f->ws.slots[0].model);
	assert_ptr_equal(gs_workspace_model_arg(&f->ws, "a", &err), f->ws.a);
	assert_null(gs_workspace_model_arg(&f->ws, "Dx", &err));
	assert_string_equal(err.msg, "no slot or file 'Dx' (see 'slots')");
	assert_int_equal(gs_cmd_run(&f->ws, "show A Cx", &err), GS_CHANGED_OPENED | GS_CHANGED_VIEW);
	assert_ptr_equal(gs_workspace_shown(&f->ws, 1, &name, NULL), f->ws.slots[0].model);
	assert_string_equal(name, "Cx");
	assert_int_equal(gs_cmd_run(&f->ws, "show Cx Cx", &err), -1);
	assert_string_equal(err.msg, "show two different models (that is one model twice)");
	assert_int_equal(gs_cmd_run(&f->ws, "close B", &err), -1);
	assert_int_equal(gs_cmd_run(&f->ws, "close Cx", &err), GS_CHANGED_OPENED | GS_CHANGED_VIEW);
	assert_int_equal(f->ws.n_slots, 0);
	/* the pane it was shown in went back to B */
	assert_ptr_equal(gs_workspace_shown(&f->ws, 1, &name, NULL), f->ws.b);
	assert_string_equal(name, "B");
	assert_int_equal(gs_cmd_run(&f->ws, "close Cx", &err), -1);
	assert_string_equal(err.msg, "no slot 'Cx' (see 'slots')");
	assert_int_equal(gs_cmd_run(&f->ws, "open 1x y.onnx", &err), -1);
	assert_string_equal(err.msg, "'1x' is no slot name (a letter, then letters, digits, '_' or '-')");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_lex),
		cmocka_unit_test(test_script_undoes),
		cmocka_unit_test(test_table),
		cmocka_unit_test_setup_teardown(test_run_blank, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_quit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_select, setup_model, teardown),
		cmocka_unit_test_setup_teardown(test_complete, setup_model, teardown),
		cmocka_unit_test(test_pass_spec),
		cmocka_unit_test(test_pass_parse),
		cmocka_unit_test(test_mutating_are_passes),
		cmocka_unit_test_setup_teardown(test_slots, setup_model, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
