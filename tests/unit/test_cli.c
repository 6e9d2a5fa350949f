/* test_cli.c - the command line of both programs as a new user meets it,
 * table-driven over every subcommand of `collector` and `tally` (the real
 * binaries, SND_COLLECTOR and SND_TALLY):
 *   1. --help prints, on stdout with exit 0, the same sections in the same
 *      order: "usage:" line(s), one paragraph of description, "options:",
 *      "exit status: 0 ..., 1 ..., 2 ..." last;
 *   2. an unknown option is exactly two lines on stderr, "PROG CMD: unknown
 *      option '--x'" and "try 'PROG CMD --help'", exit 2, nothing on stdout;
 *   3. a missing required option and a bad value exit 2 with the same two
 *      lines, naming the option; a value that names a missing file or
 *      database exits 1;
 *   4. `collector serve` leaves no database behind when its port is taken,
 *      and names the missing directory of --db.
 * Every test works in its own mkdtemp directory, removed by the fixture. */
#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/snd-cli-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Runs PROG (collector or tally) with args (NULL-terminated; "@" in an
 * argument is replaced by the test's directory); returns the exit status. */
static int run(const char *prog, const char *const *args, char **out, char **err)
{
	const char *bin = getenv(strcmp(prog, "collector") == 0 ? "SND_COLLECTOR" : "SND_TALLY");
	char *argv[32], opath[128], epath[128];
	int fo, fe, status = -1, i;
	pid_t pid;
	ck_assert_msg(bin != NULL, "SND_COLLECTOR or SND_TALLY is not set");
	argv[0] = (char *)bin;
	for (i = 0; args[i] != NULL; i++) {
		const char *at = strchr(args[i], '@');
		ck_assert_int_lt(i, 30);
		if (at != NULL) {
			size_t n = strlen(args[i]) + strlen(dir) + 1;
			argv[i + 1] = malloc(n);
			snprintf(argv[i + 1], n, "%.*s%s%s", (int)(at - args[i]), args[i], dir, at + 1);
		} else {
			argv[i + 1] = strdup(args[i]);
		}
	}
	argv[i + 1] = NULL;
	snprintf(opath, sizeof opath, "%s/.stdout", dir);
	snprintf(epath, sizeof epath, "%s/.stderr", dir);
	fo = open(opath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(fo >= 0 && fe >= 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(bin, argv);
		_exit(127);
	}
	close(fo);
	close(fe);
	for (i = 1; argv[i] != NULL; i++)
		free(argv[i]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	*out = slurp(opath);
	*err = slurp(epath);
	ck_assert_msg(WIFEXITED(status), "%s crashed: %s", prog, *err);
	return WEXITSTATUS(status);
}

/* Every subcommand, as the words after the program's name. */
struct cmd {
	const char *prog, *name; /* name: "" for the program itself */
	const char *words[3];
};

static const struct cmd cmds[] = {
	{"collector", "", {NULL}},
	{"collector", "keygen", {"keygen", NULL}},
	{"collector", "issue", {"issue", NULL}},
	{"collector", "token verify", {"token", "verify", NULL}},
	{"collector", "revoke", {"revoke", NULL}},
	{"collector", "roll import", {"roll", "import", NULL}},
	{"collector", "roll list", {"roll", "list", NULL}},
	{"collector", "mail", {"mail", NULL}},
	{"collector", "close", {"close", NULL}},
	{"collector", "open", {"open", NULL}},
	{"collector", "status", {"status", NULL}},
	{"collector", "check", {"check", NULL}},
	{"collector", "serve", {"serve", NULL}},
	{"tally", "", {NULL}},
	{"tally", "summary", {"summary", NULL}},
	{"tally", "export", {"export", NULL}},
	{"tally", "report", {"report", NULL}},
	{"tally", "verify", {"verify", NULL}},
	{"tally", "merge", {"merge", NULL}},
	{"tally", "turnout", {"turnout", NULL}},
	{"tally", "trend", {"trend", NULL}},
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

/* words + extra into args (NULL-terminated). */
static void build(const struct cmd *c, const char *const *extra, const char **args)
{
	size_t n = 0, i;
	for (i = 0; c->words[i] != NULL; i++)
		args[n++] = c->words[i];
	for (i = 0; extra[i] != NULL; i++)
		args[n++] = extra[i];
	args[n] = NULL;
}

START_TEST(test_help_has_the_same_sections_in_the_same_order)
{
	const struct cmd *c = &cmds[_i];
	static const char *const help[] = {"--help", NULL};
	const char *args[40];
	char *out, *err, *desc, *opts, *ex, *p, want[64];
	build(c, help, args);
	ck_assert_msg(run(c->prog, args, &out, &err) == 0, "%s %s --help: not exit 0", c->prog,
	              c->name);
	ck_assert_msg(err[0] == '\0', "%s %s --help wrote to stderr: %s", c->prog, c->name, err);
	/* usage lines naming the command, a blank line, one paragraph, a blank
	 * line, then a section */
	snprintf(want, sizeof want, "%s %s", c->prog, c->name);
	desc = strstr(out, "\n\n");
	ck_assert_ptr_nonnull(desc);
	ck_assert_msg(strncmp(out, "usage: ", 7) == 0, "%s %s --help does not start with usage:",
	              c->prog, c->name);
	p = strstr(out, want);
	ck_assert_msg(p != NULL && p < desc, "%s %s --help: its usage lines do not name it",
	              c->prog, c->name);
	desc += 2;
	ck_assert_msg(desc[0] != ' ' && desc[0] != '\n', "%s %s: no description after usage",
	              c->prog, c->name);
	p = strstr(desc, "\n\n");
	ck_assert_ptr_nonnull(p);
	p += 2;
	if (c->name[0] == '\0') { /* the program's own help lists its commands first */
		ck_assert_msg(strncmp(p, "commands:\n", 10) == 0, "%s --help: no commands:", c->prog);
		p = strstr(p, "\n\n");
		ck_assert_ptr_nonnull(p);
		p += 2;
	}
	ck_assert_msg(strncmp(p, "options:\n", 9) == 0,
	              "%s %s --help: the description is not one paragraph followed by options:",
	              c->prog, c->name);
	opts = p;
	ck_assert_ptr_nonnull(strstr(opts, "  --help "));
	ex = strstr(opts, "\n\nexit status: 0 ");
	ck_assert_msg(ex != NULL, "%s %s --help: no 'exit status: 0 ...' after options:", c->prog,
	              c->name);
	for (p = ex + 2; *p; p++) /* the words, whatever the line breaks */
		if (*p == '\n' && p[1] != '\0' && p[1] != '\n')
			*p = ' ';
	ck_assert_msg(strstr(ex, ", 1 ") != NULL && strstr(ex, ", 2 usage error") != NULL,
	              "%s %s --help: exit status lacks 1 or 2: %s", c->prog, c->name, ex);
	ck_assert_msg(strstr(ex + 2, "\n\n") == NULL, "%s %s --help: exit status is not last",
	              c->prog, c->name);
	ck_assert_msg(out[strlen(out) - 1] == '\n', "no final newline");
	free(out);
	free(err);
}
END_TEST

START_TEST(test_unknown_option_is_one_line_and_a_hint)
{
	const struct cmd *c = &cmds[_i];
	static const char *const bogus[] = {"--no-such-option", NULL};
	const char *args[40];
	char *out, *err, want[256];
	build(c, bogus, args);
	ck_assert_msg(run(c->prog, args, &out, &err) == 2, "%s %s --no-such-option: not exit 2",
	              c->prog, c->name);
	snprintf(want, sizeof want, "%s%s%s: unknown option '--no-such-option'\ntry '%s%s%s --help'\n",
	         c->prog, c->name[0] ? " " : "", c->name, c->prog, c->name[0] ? " " : "", c->name);
	ck_assert_str_eq(err, want);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
}
END_TEST

/* A usage error: exit 2, nothing on stdout, "PROG CMD: ...says..." and the
 * hint, nothing more. */
struct bad {
	const char *prog, *name;
	const char *args[16];
	const char *says;
};

static const struct bad bads[] = {
	/* missing required options, each named */
	{"collector", "keygen", {"keygen", NULL}, "--out DIR is required"},
	{"collector", "issue", {"issue", "--key", "k", NULL}, "--form is required"},
	{"collector", "token verify", {"token", "verify", "TOKEN", NULL}, "--pub KEY is required"},
	{"collector", "revoke", {"revoke", "--jti", "j", NULL}, "--db is required"},
	{"collector", "roll list", {"roll", "list", "--db", "x.db", NULL}, "--form QID is required"},
	{"collector", "mail", {"mail", "--db", "x.db", "--form", "f", "--links", "l", NULL},
	 "--kind is required"},
	{"collector", "close", {"close", "--db", "x.db", NULL}, "--form is required"},
	{"collector", "status", {"status", NULL}, "--db is required"},
	{"collector", "check", {"check", NULL}, "name at least one questionnaire file"},
	{"collector", "serve", {"serve", "--form", "f", "--db", "d", "--issuer-pub", "p", NULL},
	 "--receipt-key is required"},
	{"tally", "summary", {"summary", "--db", "x.db", NULL}, "--form is required"},
	{"tally", "export", {"export", "--db", "x.db", "--form", "f", NULL}, "--format is required"},
	{"tally", "report", {"report", "--form", "f", NULL}, "--db is required"},
	{"tally", "verify", {"verify", "--db", "x.db", NULL}, "--receipt-pub is required"},
	{"tally", "merge", {"merge", "a.db", NULL}, "--out is required"},
	{"tally", "turnout", {"turnout", "--db", "x.db", NULL}, "--form is required"},
	{"tally", "trend", {"trend", "--db", "x.db", NULL}, "--form (once per round) is required"},
	{"tally", "trend", {"trend", "--db", "x.db", "--form", "a", "--format", "csv", NULL},
	 "--format must be text, json or md, not 'csv'"},
	/* a value that needs one */
	{"collector", "issue", {"issue", "--key", NULL}, "--key needs a value"},
	{"tally", "summary", {"summary", "--db", NULL}, "--db needs a value"},
	/* bad values */
	{"collector", "issue",
	 {"issue", "--key", "k", "--form", "f", "--delegates", "d", "--expires",
	  "2001-01-01T00:00:00Z", NULL},
	 "--expires '2001-01-01T00:00:00Z': that time has passed"},
	{"collector", "issue",
	 {"issue", "--key", "k", "--form", "f", "--delegates", "d", "--expires", "soon", NULL},
	 "--expires 'soon': not an RFC 3339 time"},
	{"collector", "issue",
	 {"issue", "--key", "k", "--form", "f", "--delegates", "d", "--role", "king", NULL},
	 "--role 'king': expected delegate or chair"},
	{"collector", "issue",
	 {"issue", "--key", "k", "--form", "f", "--delegates", "d", "--base-url", "ftp://x", NULL},
	 "--base-url 'ftp://x'"},
	{"collector", "revoke", {"revoke", "--db", "x.db", "--jti", "", NULL}, "--jti"},
	{"collector", "mail",
	 {"mail", "--db", "x.db", "--form", "f", "--links", "l", "--kind", "shout", NULL},
	 "--kind 'shout': expected invite or remind"},
	{"collector", "mail",
	 {"mail", "--db", "x.db", "--form", "f", "--links", "l", "--kind", "invite", "--dry-run",
	  "@/eml", "--rate", "0", NULL},
	 "--rate '0'"},
	{"collector", "mail",
	 {"mail", "--db", "x.db", "--form", "f", "--links", "l", "--kind", "invite", "--smtp",
	  "http://mail", "--from", "a@example.org", NULL},
	 "--smtp 'http://mail'"},
	{"collector", "close", {"close", "--db", "x.db", "--form", "q", "--at", "tomorrow", NULL},
	 "--at 'tomorrow': not an RFC 3339 time"},
	{"collector", "open", {"open", "--db", "x.db", "--form", "q", "--until", "later", NULL},
	 "--until 'later': not an RFC 3339 time"},
	{"collector", "status", {"status", "--db", "x.db", "--format", "xml", NULL},
	 "--format 'xml': expected text or json"},
	{"collector", "serve",
	 {"serve", "--form", "f", "--db", "d", "--issuer-pub", "p", "--receipt-key", "r",
	  "--threads", "0", NULL},
	 "--threads: '0' is not a number from 1 to 256"},
	{"collector", "serve",
	 {"serve", "--form", "f", "--db", "d", "--issuer-pub", "p", "--receipt-key", "r",
	  "--timeout", "x", NULL},
	 "--timeout: 'x' is not a number"},
	{"collector", "serve",
	 {"serve", "--form", "f", "--db", "d", "--issuer-pub", "p", "--receipt-key", "r",
	  "--log-level", "loud", NULL},
	 "--log-level: 'loud'"},
	{"collector", "serve",
	 {"serve", "--form", "f", "--db", "d", "--issuer-pub", "p", "--receipt-key", "r",
	  "--listen", "8080", NULL},
	 "--listen: '8080' is not ADDR:PORT"},
	{"tally", "summary", {"summary", "--db", "x.db", "--form", "f", "--format", "xml", NULL},
	 "--format must be text, json, csv or md, not 'xml'"},
	{"tally", "summary", {"summary", "--db", "x.db", "--form", "f", "--weight", "heavy", NULL},
	 "--weight must be delegate or entity, not 'heavy'"},
	{"tally", "summary", {"summary", "--db", "x.db", "--form", "f", "--limit", "-1", NULL},
	 "--limit must be a count or all, not '-1'"},
	{"tally", "report", {"report", "--db", "x.db", "--form", "f", "--weight", "x", NULL},
	 "--weight must be delegate or entity"},
	{"tally", "report", {"report", "--db", "x.db", "--form", "f", "--format", "json", NULL},
	 "unknown option '--format'"},
	{"tally", "export", {"export", "--db", "x.db", "--form", "f", "--format", "xls", NULL},
	 "--format must be csv, json or ndjson, not 'xls'"},
	{"tally", "export",
	 {"export", "--db", "x.db", "--form", "f", "--format", "json", "--bom", NULL},
	 "--bom applies to --format csv only"},
	{"tally", "verify", {"verify", "--db", "x.db", "--receipt-pub", "k", "--jobs", "0", NULL},
	 "--jobs must be a number from 1 to"},
	{"tally", "verify", {"verify", "--db", "x.db", "--receipt-pub", "k", "--head", "ab", NULL},
	 "--head must be a chain link"},
	{"tally", "turnout", {"turnout", "--db", "x.db", "--form", "f", "--format", "md", NULL},
	 "--format must be text, json or csv, not 'md'"},
	{"tally", "summary", {"summary", "--db", "x.db", "--form", "f", "--no-verify=1", NULL},
	 "--no-verify takes no value"},
};
#define NBADS (sizeof bads / sizeof bads[0])

START_TEST(test_usage_errors_exit_2_with_the_option_and_a_hint)
{
	const struct bad *b = &bads[_i];
	char *out, *err, head[128], hint[128];
	int st = run(b->prog, b->args, &out, &err);
	ck_assert_msg(st == 2, "%s %s (%s): exit %d, not 2: %s", b->prog, b->name, b->says, st, err);
	snprintf(head, sizeof head, "%s %s: ", b->prog, b->name);
	snprintf(hint, sizeof hint, "\ntry '%s %s --help'\n", b->prog, b->name);
	ck_assert_msg(strncmp(err, head, strlen(head)) == 0, "stderr does not start '%s': %s", head,
	              err);
	ck_assert_msg(strstr(err, b->says) != NULL, "stderr does not say '%s': %s", b->says, err);
	ck_assert_msg(strlen(err) > strlen(hint) && strcmp(err + strlen(err) - strlen(hint), hint) == 0
	                      && strchr(err, '\n') == err + strlen(err) - strlen(hint),
	              "stderr is not one line and the hint: %s", err);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
}
END_TEST

/* A well-formed value naming a file or database that is not there: invalid
 * input, exit 1, and nothing is created. */
START_TEST(test_missing_files_exit_1)
{
	static const struct {
		const char *prog, *args[12];
	} ones[] = {
		{"collector", {"status", "--db", "@/none.db", NULL}},
		{"collector", {"close", "--db", "@/none.db", "--form", "q", NULL}},
		{"collector", {"revoke", "--db", "@/none.db", "--jti", "j", NULL}},
		{"collector", {"roll", "list", "--db", "@/none.db", "--form", "q", NULL}},
		{"collector", {"check", "@/none.json", NULL}},
		{"collector", {"token", "verify", "--pub", "@/none.public", "v4.public.x", NULL}},
		{"tally", {"summary", "--db", "@/none.db", "--form", "@/none.json", NULL}},
		{"tally", {"turnout", "--db", "@/none.db", "--form", "@/none.json", NULL}},
		{"tally", {"verify", "--db", "@/none.db", "--receipt-pub", "@/none.public", NULL}},
	};
	size_t i;
	char *out, *err, p[128];
	for (i = 0; i < sizeof ones / sizeof ones[0]; i++) {
		int st = run(ones[i].prog, ones[i].args, &out, &err);
		ck_assert_msg(st == 1, "%s %s: exit %d, not 1: %s", ones[i].prog, ones[i].args[0], st,
		              err);
		free(out);
		free(err);
	}
	snprintf(p, sizeof p, "%s/none.db", dir);
	ck_assert_msg(access(p, F_OK) != 0, "a missing database was created");
}
END_TEST

/* "not a Sounding database": the same words from both programs. */
START_TEST(test_not_a_database_is_said_one_way)
{
	static const char *const c1[] = {"status", "--db", "@/junk.db", NULL};
	static const char *const t1[] = {"summary", "--db", "@/junk.db", "--form", "@/f.json", NULL};
	char *out, *err, *err2, p[128];
	FILE *f;
	snprintf(p, sizeof p, "%s/junk.db", dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not a database, but it is long enough to look like one to nobody\n", f);
	fclose(f);
	snprintf(p, sizeof p, "%s/f.json", dir);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"id\":\"t\",\"languages\":[\"en\"],\"title\":\"T\",\"sections\":[{\"id\":\"s\",\"title\":\"S\","
	      "\"questions\":[{\"id\":\"q\",\"type\":\"text\",\"text\":\"Q?\"}]}]}",
	      f);
	fclose(f);
	ck_assert_int_eq(run("collector", c1, &out, &err), 1);
	free(out);
	ck_assert_int_eq(run("tally", t1, &out, &err2), 1);
	free(out);
	ck_assert_msg(strstr(err, "not a Sounding database (not an SQLite file)") != NULL, "%s", err);
	ck_assert_msg(strstr(err2, "not a Sounding database (not an SQLite file)") != NULL, "%s",
	              err2);
	free(err);
	free(err2);
}
END_TEST

START_TEST(test_report_out_is_optional_in_the_usage)
{
	static const char *const h[] = {"--help", NULL};
	static const char *const r[] = {"report", "--help", NULL};
	char *out, *err;
	ck_assert_int_eq(run("tally", h, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "report --db DB --form FORM [--out report.html]"));
	free(out);
	free(err);
	ck_assert_int_eq(run("tally", r, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "[--out report.html]"));
	free(out);
	free(err);
}
END_TEST

/* ------------------------------------------------------------- serve */

static void keys_and_form(char *form, size_t n)
{
	static const char *const kg[] = {"keygen", "--out", "@/keys", NULL};
	const char *src = getenv("SND_SOURCE_DIR");
	char *out, *err;
	ck_assert_ptr_nonnull(src);
	ck_assert_int_eq(run("collector", kg, &out, &err), 0);
	free(out);
	free(err);
	snprintf(form, n, "%s/forms/lsg-review.json", src);
}

START_TEST(test_serve_on_a_taken_port_leaves_no_database)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	char form[600], listen_on[64], db[128];
	const char *args[20] = {"serve", "--form", form, "--db", "@/new.db", "--issuer-pub",
	                        "@/keys/issuer.public", "--receipt-key", "@/keys/receipt.secret",
	                        "--listen", listen_on, "--allow-root", "--no-sandbox", NULL};
	char *out, *err;
	int fd = socket(AF_INET, SOCK_STREAM, 0), st;
	keys_and_form(form, sizeof form);
	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	snprintf(listen_on, sizeof listen_on, "127.0.0.1:%u", ntohs(a.sin_port));
	st = run("collector", args, &out, &err);
	close(fd);
	ck_assert_msg(st == 1, "exit %d: %s", st, err);
	ck_assert_msg(strstr(err, "cannot listen on") != NULL, "%s", err);
	snprintf(db, sizeof db, "%s/new.db", dir);
	ck_assert_msg(access(db, F_OK) != 0, "serve left %s behind", db);
	snprintf(db, sizeof db, "%s/new.db-wal", dir);
	ck_assert_msg(access(db, F_OK) != 0, "serve left %s behind", db);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_serve_names_the_missing_directory_of_db)
{
	char form[600], want[256];
	const char *args[20] = {"serve", "--form", form, "--db", "@/x/y/z.db", "--issuer-pub",
	                        "@/keys/issuer.public", "--receipt-key", "@/keys/receipt.secret",
	                        "--listen", "127.0.0.1:0", "--allow-root", "--no-sandbox", NULL};
	char *out, *err;
	int st;
	keys_and_form(form, sizeof form);
	st = run("collector", args, &out, &err);
	ck_assert_msg(st == 1, "exit %d: %s", st, err);
	snprintf(want, sizeof want, "serve: --db %s/x/y/z.db: the directory %s/x/y does not exist",
	         dir, dir);
	ck_assert_msg(strstr(err, want) != NULL, "stderr: %s", err);
	free(out);
	free(err);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cli");
	TCase *t = tcase_create("cli");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_loop_test(t, test_help_has_the_same_sections_in_the_same_order, 0, (int)NCMDS);
	tcase_add_loop_test(t, test_unknown_option_is_one_line_and_a_hint, 0, (int)NCMDS);
	tcase_add_loop_test(t, test_usage_errors_exit_2_with_the_option_and_a_hint, 0, (int)NBADS);
	tcase_add_test(t, test_missing_files_exit_1);
	tcase_add_test(t, test_not_a_database_is_said_one_way);
	tcase_add_test(t, test_report_out_is_optional_in_the_usage);
	tcase_add_test(t, test_serve_on_a_taken_port_leaves_no_database);
	tcase_add_test(t, test_serve_names_the_missing_directory_of_db);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	int failed;
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
