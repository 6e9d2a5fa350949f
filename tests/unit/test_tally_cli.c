/* test_tally_cli.c - the `tally` program end to end: a database is built
 * through the real store (snd_store_append with a receipt key, answers
 * checked by snd_form_check_answers), then the binary named by SND_TALLY is
 * run and its output checked: summary in every format, export round trips
 * (with the formula guard), a self-contained report, verify on clean and
 * tampered data (altered row, deleted row), merge, usage errors and --help.
 * Every test works in its own mkdtemp directory, removed by the fixture. */
#include "sounding.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];
static char formpath[128], pubpath[128], dbpath[128];
static uint8_t pk[SND_PK_BYTES], sk[SND_SK_BYTES];
static char *out_text, *err_text;

static const char form_json[] =
	"{\"id\":\"t\",\"languages\":[\"en\",\"fr\"],"
	"\"title\":{\"en\":\"Test form\",\"fr\":\"Formulaire\"},"
	"\"sections\":[{\"id\":\"main\",\"title\":\"Main\",\"questions\":["
	"{\"id\":\"colour\",\"type\":\"single\",\"text\":\"Colour?\","
	" \"options\":[{\"id\":\"red\",\"label\":\"Red\"},{\"id\":\"blue\",\"label\":\"Blue\"}]},"
	"{\"id\":\"tools\",\"type\":\"multi\",\"text\":\"Tools?\",\"options\":[\"email\",\"wiki\",\"chat\"]},"
	"{\"id\":\"clear\",\"type\":\"scale\",\"min\":1,\"max\":5,\"no_view\":true,\"text\":\"Clear?\"},"
	"{\"id\":\"per_sg\",\"type\":\"matrix\",\"min\":1,\"max\":5,\"no_view\":true,\"text\":\"Per SG\","
	" \"rows\":[{\"id\":\"sg2\",\"label\":\"SG2\"},{\"id\":\"sg3\",\"label\":\"SG3\"}]},"
	"{\"id\":\"order\",\"type\":\"rank\",\"text\":\"Rank\",\"options\":[\"alpha\",\"beta\",\"gamma\"]},"
	"{\"id\":\"proposal\",\"type\":\"position\",\"text\":\"Proposal\"},"
	"{\"id\":\"how_many\",\"type\":\"number\",\"min\":0,\"max\":20,\"integer\":true,\"text\":\"How many?\"},"
	"{\"id\":\"why\",\"type\":\"text\",\"text\":\"Why?\"}"
	"]}]}";

/* The same questionnaire in pseudonymous mode (another id). */
static const char pseudo_json[] =
	"{\"id\":\"p\",\"languages\":[\"en\"],\"title\":\"Pseudo\",\"anonymity\":\"pseudonymous\","
	"\"public_attributes\":[\"region\"],\"sections\":[{\"id\":\"main\",\"title\":\"Main\",\"questions\":["
	"{\"id\":\"proposal\",\"type\":\"position\",\"text\":\"Proposal\"},"
	"{\"id\":\"why\",\"type\":\"text\",\"text\":\"Why?\"}]}]}";

struct sub {
	const char *sub, *ent, *attrs, *answers;
	int64_t at;
};

/* d3 answers twice: its second revision is the one that counts. */
static const struct sub base[] = {
	{"d1", "ADM-A", "{\"category\":\"ms\",\"region\":\"EUR\"}",
	 "{\"colour\":\"red\",\"tools\":[\"email\",\"wiki\"],\"clear\":4,"
	 "\"per_sg\":{\"sg2\":5,\"sg3\":null},\"order\":[\"alpha\",\"beta\",\"gamma\"],"
	 "\"proposal\":{\"position\":\"support\"},\"how_many\":3,"
	 "\"why\":\"=HYPERLINK(\\\"x\\\")\"}", 1000},
	{"d2", "ADM-B", "{\"region\":\"AMS\"}",
	 "{\"colour\":\"blue\",\"tools\":[\"chat\"],\"clear\":2,"
	 "\"per_sg\":{\"sg2\":3,\"sg3\":4},\"order\":[\"beta\",\"alpha\"],"
	 "\"proposal\":{\"position\":\"object\",\"reason\":\"Too fast, <b>no</b>\"},"
	 "\"how_many\":5,\"why\":\"Comma, \\\"quote\\\"\\nnewline\"}", 2000},
	{"d3", "ADM-A", "{\"region\":\"EUR\"}",
	 "{\"colour\":\"blue\",\"clear\":1,\"proposal\":{\"position\":\"abstain\"}}", 3000},
	{"d3", "ADM-A", "{\"region\":\"EUR\"}",
	 "{\"colour\":\"red\",\"clear\":5,\"order\":[\"alpha\"],"
	 "\"proposal\":{\"position\":\"live_with\"},\"how_many\":4}", 4000},
};

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq((int)fwrite(text, 1, strlen(text), f), (int)strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

static char *read_text(const char *path)
{
	char *t = NULL;
	size_t n;
	ck_assert_msg(snd_read_file(path, (size_t)64 << 20, &t, &n) == SND_OK, "read %s", path);
	return t;
}

static void setup(void)
{
	char paserk[SND_PASERK_PUBLIC_LEN + 1];
	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof dir, "/tmp/snd_tcli_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(formpath, sizeof formpath, "%s/form.json", dir);
	snprintf(pubpath, sizeof pubpath, "%s/receipt.public", dir);
	snprintf(dbpath, sizeof dbpath, "%s/a.db", dir);
	write_text(formpath, form_json);
	ck_assert_int_eq(snd_keypair(pk, sk), SND_OK);
	snd_paserk_public(pk, paserk);
	write_text(pubpath, paserk);
	out_text = err_text = NULL;
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	if (getenv("SND_KEEP_TMP") != NULL) { /* for looking at the files by hand */
		if (d)
			closedir(d);
		return;
	}
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* The delegate whose revisions build_db stores without a salt, as the
 * store did before salts existed (NULL: every revision is salted). */
static const char *unsalted_sub;

/* Builds a database at path holding the submissions of list[0..n) of the
 * form text json, through the real store, each revision salted as the
 * collector does (but unsalted_sub's). */
static void build_db(const char *path, const char *json, const struct sub *list, size_t n)
{
	struct snd_form *f = NULL;
	struct snd_store *s = NULL;
	struct snd_diag d;
	char err[512];
	size_t i;

	snd_diag_init(&d);
	ck_assert_msg(snd_form_parse(json, strlen(json), "form.json", &f, &d) == SND_OK,
	              "form: %s %s", d.n ? d.items[0].where : "", d.n ? d.items[0].msg : "");
	ck_assert_msg(snd_store_open(path, SND_STORE_WRITE, &s, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_int_eq(snd_store_put_form(s, f), SND_OK);
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	for (i = 0; i < n; i++) {
		cJSON *a = cJSON_Parse(list[i].answers), *clean = NULL;
		struct snd_buf canon;
		struct snd_submission sb;
		char hex[65], jti[32], psub[33], salt_hex[33];
		uint8_t salt[SND_SALT_BYTES];
		char *receipt = NULL;
		int64_t rev = 0;
		int salted = unsalted_sub == NULL || strcmp(unsalted_sub, list[i].sub) != 0;
		ck_assert_ptr_nonnull(a);
		ck_assert_msg(snd_form_check_answers(f, a, &clean, &d) == SND_OK, "answers %zu: %s: %s",
		              i, d.n ? d.items[0].where : "", d.n ? d.items[0].msg : "");
		snd_buf_init(&canon, 0);
		snd_salt_new(salt, salt_hex);
		ck_assert_int_eq(snd_answers_hash_salted(clean, salted ? salt : NULL, &canon, hex),
		                 SND_OK);
		/* a delegate's later links: j-SUB-2, j-SUB-3... (a reissued link) */
		size_t k, nth = 1;
		for (k = 0; k < i; k++)
			nth += strcmp(list[k].sub, list[i].sub) == 0;
		if (nth == 1)
			snprintf(jti, sizeof jti, "j-%s", list[i].sub);
		else
			snprintf(jti, sizeof jti, "j-%s-%zu", list[i].sub, nth);
		memset(&sb, 0, sizeof sb);
		sb.qid = f->id;
		if (f->anonymity == SND_PSEUDONYMOUS) {
			snd_pseudonym(sk, f->id, list[i].sub, psub);
			sb.sub = psub;
		} else {
			sb.sub = list[i].sub;
		}
		sb.ent = list[i].ent;
		sb.attrs = list[i].attrs;
		sb.jti = jti;
		sb.answers = canon.data;
		sb.answers_len = canon.len;
		sb.hash = hex;
		sb.salt = salted ? salt_hex : NULL;
		ck_assert_msg(snd_store_append(s, &sb, sk, list[i].at, &rev, &receipt) == SND_OK,
		              "append: %s", snd_store_errmsg(s));
		free(receipt);
		snd_buf_free(&canon);
		cJSON_Delete(a);
		cJSON_Delete(clean);
	}
	ck_assert_int_eq(snd_store_commit(s), SND_OK);
	snd_store_close(s);
	snd_form_free(f);
	snd_diag_free(&d);
}

/* Runs the tally binary with the given arguments (NULL-terminated);
 * stdout and stderr land in out_text / err_text.  Returns the exit code. */
static int run(const char *arg, ...)
{
	const char *tally = getenv("SND_TALLY");
	const char *argv[32];
	char op[160], ep[160];
	va_list ap;
	int n = 0, status = 0;
	pid_t pid;

	ck_assert_msg(tally != NULL, "SND_TALLY is not set (run through ctest)");
	argv[n++] = tally;
	va_start(ap, arg);
	for (; arg && n < 31; arg = va_arg(ap, const char *))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	snprintf(op, sizeof op, "%s/stdout.txt", dir);
	snprintf(ep, sizeof ep, "%s/stderr.txt", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int o = open(op, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		execv(tally, (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	free(out_text);
	free(err_text);
	out_text = read_text(op);
	err_text = read_text(ep);
	ck_assert_msg(WIFEXITED(status), "tally died");
	return WEXITSTATUS(status);
}

static void sql(const char *path, const char *stmt)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, stmt, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", stmt,
	              msg ? msg : "");
	sqlite3_close(db);
}

/* The integer the query's first row starts with. */
static long long sql_count(const char *path, const char *q)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static const cJSON *question(const cJSON *sum, const char *id)
{
	const cJSON *q;
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(sum, "questions")) {
		const cJSON *qid = cJSON_GetObjectItemCaseSensitive(q, "id");
		if (cJSON_IsString(qid) && strcmp(qid->valuestring, id) == 0)
			return q;
	}
	ck_abort_msg("question %s missing", id);
	return NULL;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

static double option_count(const cJSON *q, const char *id)
{
	const cJSON *o;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(q, "options"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(o, "id")->valuestring, id) == 0)
			return num(o, "count");
	ck_abort_msg("option %s missing", id);
	return -1;
}

/* ----------------------------------------------------------------- summary */

/* --out naming something that is not a regular file (a pipe here; as root
 * /dev/stdout, which bench/outputs.sh used) is written in place: renaming a
 * temporary file over it replaced it with a regular file. */
START_TEST(test_out_to_a_pipe_writes_into_it_and_keeps_it)
{
	char fifo[160], got[65536];
	struct stat st;
	ssize_t n;
	int rfd;
	build_db(dbpath, form_json, base, 4);
	snprintf(fifo, sizeof fifo, "%s/out.fifo", dir);
	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* a reader first, non-blocking, so tally's open for writing returns */
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rfd, 0);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
	                     "--out", fifo, NULL), 0);
	ck_assert_int_eq(stat(fifo, &st), 0);
	ck_assert_msg(S_ISFIFO(st.st_mode), "--out replaced the pipe with another file");
	n = read(rfd, got, sizeof got - 1);
	close(rfd);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_ptr_nonnull(strstr(got, "\"questionnaire\": \"t\""));
	unlink(fifo);
}
END_TEST

START_TEST(test_summary_json_has_the_counts_of_latest_revisions)
{
	cJSON *sum;
	const cJSON *q, *objs;
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
	                     NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(sum, "questionnaire")->valuestring, "t");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(sum, "weight")->valuestring, "delegate");
	ck_assert(num(sum, "responses") == 3);
	q = question(sum, "colour");
	ck_assert(num(q, "answered") == 3);
	ck_assert(option_count(q, "red") == 2);
	ck_assert(option_count(q, "blue") == 1);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(q, "leader")->valuestring, "red");
	q = question(sum, "proposal");
	ck_assert(num(q, "support") == 1);
	ck_assert(num(q, "live_with") == 1);
	ck_assert(num(q, "object") == 1);
	ck_assert(num(q, "abstain") == 0);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(q, "consensus")));
	objs = cJSON_GetObjectItemCaseSensitive(q, "objections");
	ck_assert_int_eq(cJSON_GetArraySize(objs), 1);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(objs->child, "entity")->valuestring,
	                 "ADM-B");
	q = question(sum, "clear");
	ck_assert(num(q, "answered") == 3);
	cJSON_Delete(sum);

	/* --by and --weight entity: two entities, groups by region. */
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
	                     "--by", "region", "--weight", "entity", NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	ck_assert(num(sum, "responses") == 2);
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(sum, "groups"), "EUR"));
	cJSON_Delete(sum);
}
END_TEST

START_TEST(test_summary_text_csv_md_show_the_figures)
{
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Test form"));
	ck_assert_ptr_nonnull(strstr(out_text, "[colour] Colour?"));
	ck_assert_ptr_nonnull(strstr(out_text, "leader: Red"));
	ck_assert_ptr_nonnull(strstr(out_text, "Proposals at a glance"));
	ck_assert_ptr_nonnull(strstr(out_text, "  proposal                        1        1        1"
	                                       "        0  1 sustained objection\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "1 sustained objection:"));
	ck_assert_ptr_nonnull(strstr(out_text, "ADM-B: Too fast, <b>no</b>"));
	ck_assert_ptr_nonnull(strstr(out_text, "\xe2\x96\x88")); /* bar glyphs */
	ck_assert_ptr_nonnull(strstr(out_text, "66.7%"));
	ck_assert_ptr_nonnull(strstr(out_text, "IQR "));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--limit", "0", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "and 1 more objection (--limit all"));
	ck_assert_ptr_nonnull(strstr(out_text, "and 2 more comments"));
	ck_assert_ptr_null(strstr(out_text, "Too fast"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--limit", "x", NULL), 2);

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     NULL), 0);
	ck_assert_ptr_eq(strstr(out_text, "group,question,type,item,measure,value\r\n"), out_text);
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n,colour,single,red,count,2\r\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n,proposal,position,,consensus,false\r\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n,proposal,position,ADM-B,objection,"
	                                       "\"Too fast, <b>no</b>\"\r\n"));
	/* the formula guard reaches summary CSV too */
	ck_assert_ptr_nonnull(strstr(out_text, "comment,\"'=HYPERLINK(\"\"x\"\")\""));

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "md",
	                     "--lang", "fr", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "# Formulaire"));
	ck_assert_ptr_nonnull(strstr(out_text, "| Red | 2 | 66.7% |"));
	ck_assert_ptr_nonnull(strstr(out_text, "**1 sustained objection:**"));
	ck_assert_ptr_nonnull(strstr(out_text, "| Proposal | 1 | 1 | 1 | 0 | 1 sustained objection |\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "Too fast, \\<b\\>no\\</b\\>"));
}
END_TEST

/* The base data under --weight entity: ADM-A's delegates took different
 * positions (d1 support, d3 can live with), which every output names; the
 * new measures reach JSON, text, CSV, Markdown and the report. */
START_TEST(test_summary_shows_no_view_measures_histogram_and_divided)
{
	cJSON *sum;
	char outp[160], *html;
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json", NULL),
	                 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	/* clear: 4, 2, 5 of 1..5: F = 0, 1/3, 1/3, 2/3, so D = 2 (1) / 4; A: one
	 * layer 01011, TU 4, TDU 2: U = (3*4 - 4*2) / (3*6) = 2/9, A = 2/9 * 1/2 */
	const cJSON *c = question(sum, "clear");
	ck_assert_double_eq_tol(num(c, "leik"), 0.5, 1e-12);
	ck_assert_double_eq_tol(num(c, "agreement"), 1.0 / 9, 1e-12);
	ck_assert_double_eq(num(c, "no_view"), 0);
	const cJSON *sg3 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(question(sum, "per_sg"),
	                                                                       "rows"), 1);
	ck_assert_double_eq(num(sg3, "answered"), 1);
	ck_assert_double_eq(num(sg3, "no_view"), 1);
	const cJSON *h = question(sum, "how_many");
	ck_assert_double_eq(num(h, "median"), 4);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(h, "histogram")), 21);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(question(sum, "proposal"), "divided"));
	cJSON_Delete(sum);

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
	                     "--weight", "entity", NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(question(sum, "proposal"), "divided");
	ck_assert_int_eq(cJSON_GetArraySize(dv), 1);
	const cJSON *e = cJSON_GetArrayItem(dv, 0);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(e, "entity")->valuestring, "ADM-A");
	const cJSON *cn = cJSON_GetObjectItemCaseSensitive(e, "counts");
	ck_assert_double_eq(num(cn, "support"), 1);
	ck_assert_double_eq(num(cn, "live_with"), 1);
	ck_assert_double_eq(num(cn, "object"), 0);
	ck_assert_double_eq(num(cn, "abstain"), 0);
	cJSON_Delete(sum);

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--weight", "entity",
	                     NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "divided delegations (one entity's delegates "
	                                       "disagree):\n    - ADM-A: support 1, can live with 1\n"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "dispersion 0.50 (Leik"));
	ck_assert_ptr_nonnull(strstr(out_text, "agreement 0.11 (van der Eijk"));
	ck_assert_ptr_nonnull(strstr(out_text, "  histogram:\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "no view (not in the shares)"));
	ck_assert_ptr_null(strstr(out_text, "divided"));

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "csv", NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n,clear,scale,,leik,0.5\r\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n,clear,scale,,no_view,0\r\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n,per_sg,matrix,sg3,no_view,1\r\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n,how_many,number,4..4,histogram,1\r\n"));
	ck_assert_ptr_null(strstr(out_text, "divided"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--weight", "entity", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n,proposal,position,ADM-A,divided_support,1\r\n"
	                                       ",proposal,position,ADM-A,divided_live_with,1\r\n"));

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "md",
	                     "--weight", "entity", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "| all | 2 | 0 | 3.25 | 2 | 0.45 | 0.62 | 0.33 | 0 | 1 | 0 | 0.50 | 0.50 |\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "- **ADM-A**: support 1, can live with 1\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "| value | count |\n"));

	snprintf(outp, sizeof outp, "%s/report.html", dir);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--out", outp,
	                     "--weight", "entity", NULL), 0);
	html = read_text(outp);
	ck_assert_ptr_nonnull(strstr(html, "<ul class=\"snd-divided\"><li>Divided: <bdi "
	                                   "class=\"snd-ent\">ADM-A</bdi> (support 1, can live with "
	                                   "1)</li></ul>"));
	ck_assert_ptr_nonnull(strstr(html, "No view: 1</text>"));
	ck_assert_ptr_nonnull(strstr(html, "<dt>dispersion (Leik)</dt><dd>"));
	ck_assert_ptr_nonnull(strstr(html, "<dt>agreement (van der Eijk)</dt><dd>"));
	ck_assert_ptr_nonnull(strstr(html, "snd-chart snd-hist"));
	free(html);
}
END_TEST

/* Free text cannot drive the chair's terminal: escape sequences and bidi
 * overrides in a comment are neutralised in text output. */
START_TEST(test_summary_text_neutralises_terminal_escapes)
{
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "UPDATE revision SET answers='{\"colour\":\"red\",\"why\":"
	            "\"\\u001b]0;pwned\\u0007\\u001b[2J \xe2\x80\xae evil\"}' WHERE seq=1");
	/* the edit breaks the hash: the check refuses the database... */
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 1);
	/* ...and without it the text still cannot reach the terminal raw */
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--no-verify", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Integrity check skipped (--no-verify)\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "pwned"));
	ck_assert_ptr_null(strchr(out_text, 0x1b));
	ck_assert_ptr_null(strchr(out_text, 0x07));
	ck_assert_ptr_null(strstr(out_text, "\xe2\x80\xae"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "md",
	                     "--no-verify", NULL), 0);
	ck_assert_ptr_null(strchr(out_text, 0x1b));
	ck_assert_ptr_null(strstr(out_text, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(out_text, "[U+202E] evil"));
}
END_TEST

START_TEST(test_summary_refuses_a_form_the_database_does_not_hold)
{
	char other[160];
	build_db(dbpath, form_json, base, 1);
	snprintf(other, sizeof other, "%s/other.json", dir);
	write_text(other, pseudo_json);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", other, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: "));
	ck_assert_ptr_nonnull(strstr(err_text, "'p'"));
	ck_assert_int_eq(run("summary", "--db", "/nonexistent/x.db", "--form", formpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "/nonexistent/x.db"));
}
END_TEST

/* ------------------------------------------------------------------ export */

START_TEST(test_export_csv_has_every_answer_and_guards_formulas)
{
	struct snd_csv c;
	char err[256], outp[160];
	char *text;
	size_t line = 0, i;
	int col_why, col_tools, col_order, col_sg3, col_reason, col_sub;

	build_db(dbpath, form_json, base, 4);
	snprintf(outp, sizeof outp, "%s/export.csv", dir);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--out", outp, NULL), 0);
	ck_assert_str_eq(out_text, "");
	text = read_text(outp);
	ck_assert_ptr_eq(strstr(text, "sub,entity,category,region,revision,submitted_at,hash,salt,"
	                              "colour,tools,clear,per_sg.sg2,per_sg.sg3,order,"
	                              "proposal,proposal.reason,how_many,why,revoked\r\n"), text);
	ck_assert_msg(snd_csv_parse(text, strlen(text), &c, &line, err, sizeof err) == SND_OK,
	              "line %zu: %s", line, err);
	ck_assert_int_eq((int)c.nrows, 4);
	for (i = 1; i < c.nrows; i++)
		ck_assert_int_eq((int)c.rows[i].nfields, (int)c.rows[0].nfields);
	col_sub = snd_csv_column(&c, "sub");
	col_why = snd_csv_column(&c, "why");
	col_tools = snd_csv_column(&c, "tools");
	col_order = snd_csv_column(&c, "order");
	col_sg3 = snd_csv_column(&c, "per_sg.sg3");
	col_reason = snd_csv_column(&c, "proposal.reason");
	for (i = 1; i < c.nrows; i++) {
		char **r = c.rows[i].fields;
		if (strcmp(r[col_sub], "d1") == 0) {
			ck_assert_str_eq(r[col_why], "'=HYPERLINK(\"x\")");
			ck_assert_str_eq(r[col_tools], "email;wiki");
			ck_assert_str_eq(r[col_order], "alpha>beta>gamma");
			ck_assert_str_eq(r[col_sg3], "none");
			ck_assert_str_eq(r[snd_csv_column(&c, "region")], "EUR");
			ck_assert_str_eq(r[snd_csv_column(&c, "revision")], "1");
			ck_assert_str_eq(r[snd_csv_column(&c, "submitted_at")], "1970-01-01T00:00:01.000Z");
		} else if (strcmp(r[col_sub], "d2") == 0) {
			ck_assert_str_eq(r[col_why], "Comma, \"quote\"\nnewline");
			ck_assert_str_eq(r[col_reason], "Too fast, <b>no</b>");
			ck_assert_str_eq(r[snd_csv_column(&c, "category")], "");
		} else {
			ck_assert_str_eq(r[col_sub], "d3");
			ck_assert_str_eq(r[snd_csv_column(&c, "revision")], "2");
			ck_assert_str_eq(r[snd_csv_column(&c, "colour")], "red");
			ck_assert_str_eq(r[snd_csv_column(&c, "how_many")], "4");
		}
	}
	snd_csv_free(&c);
	free(text);

	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--bom", NULL), 0);
	ck_assert(memcmp(out_text, "\xef\xbb\xbfsub,", 7) == 0);
}
END_TEST

/* Every exported answers object hashes, after the exported salt, to the
 * exported hash, i.e. it is exactly what was stored and receipted. */
static void check_record(const cJSON *rec)
{
	const cJSON *ans = cJSON_GetObjectItemCaseSensitive(rec, "answers");
	const cJSON *hash = cJSON_GetObjectItemCaseSensitive(rec, "hash");
	const cJSON *salt = cJSON_GetObjectItemCaseSensitive(rec, "salt");
	uint8_t sb[SND_SALT_BYTES];
	char hex[65];
	ck_assert(cJSON_IsObject(ans));
	ck_assert(cJSON_IsString(hash));
	ck_assert(cJSON_IsString(salt));
	ck_assert_int_eq(snd_salt_parse(salt->valuestring, sb), 0);
	ck_assert_int_eq(snd_answers_hash_salted(ans, sb, NULL, hex), SND_OK);
	ck_assert_str_eq(hex, hash->valuestring);
	ck_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, "entity")));
	ck_assert(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(rec, "attrs")));
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(rec, "revision")));
}

START_TEST(test_export_json_and_ndjson_round_trip)
{
	cJSON *arr, *rec;
	char *line, *save = NULL;
	int n = 0;
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "json", NULL),
	                 0);
	arr = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(arr);
	ck_assert_int_eq(cJSON_GetArraySize(arr), 3);
	cJSON_ArrayForEach(rec, arr)
		check_record(rec);
	cJSON_Delete(arr);

	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "ndjson",
	                     NULL), 0);
	for (line = strtok_r(out_text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		rec = cJSON_Parse(line);
		ck_assert_ptr_nonnull(rec);
		check_record(rec);
		cJSON_Delete(rec);
		n++;
	}
	ck_assert_int_eq(n, 3);
}
END_TEST

START_TEST(test_export_leaves_out_a_damaged_row_with_a_warning)
{
	struct snd_csv c;
	char err[256];
	size_t line = 0;
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "UPDATE revision SET answers='{\"colour\":' WHERE seq=1");
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv", NULL),
	                 1); /* the check before counting refuses it */
	ck_assert_ptr_nonnull(strstr(err_text, "revision 1 (delegate d1): its answers do not match "
	                                       "their stored hash"));
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--no-verify", NULL), 0);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: warning: revision 1 (rev 1): stored answers "
	                                       "are damaged"));
	ck_assert_int_eq(snd_csv_parse(out_text, strlen(out_text), &c, &line, err, sizeof err),
	                 SND_OK);
	ck_assert_int_eq((int)c.nrows, 3);
	snd_csv_free(&c);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
	                     "--no-verify", NULL), 0);
}
END_TEST

START_TEST(test_export_pseudonymous_hides_entities)
{
	static const struct sub ps[] = {
		{"alice", "ADM-A", "{\"region\":\"EUR\",\"name\":\"Alice\"}",
		 "{\"proposal\":{\"position\":\"object\",\"reason\":\"No\"},\"why\":\"x\"}", 1000},
	};
	char pform[160];
	cJSON *arr;
	snprintf(pform, sizeof pform, "%s/p.json", dir);
	write_text(pform, pseudo_json);
	build_db(dbpath, pseudo_json, ps, 1);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", pform, "--format", "csv", NULL), 0);
	ck_assert_ptr_eq(strstr(out_text, "sub,region,revision,"), out_text);
	ck_assert_ptr_null(strstr(out_text, "ADM-A"));
	ck_assert_ptr_null(strstr(out_text, "alice"));
	ck_assert_ptr_null(strstr(out_text, "Alice"));
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", pform, "--format", "json", NULL), 0);
	arr = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(arr);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(arr->child, "entity"));
	ck_assert_int_eq((int)strlen(cJSON_GetObjectItemCaseSensitive(arr->child, "sub")->valuestring),
	                 32);
	cJSON_Delete(arr);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", pform, NULL), 0);
	ck_assert_ptr_null(strstr(out_text, "ADM-A"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", pform, "--by", "name", NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "pseudonymous"));
	ck_assert_int_ne(run("report", "--db", dbpath, "--form", pform, "--by", "entity", NULL), 0);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", pform, "--by", "region", NULL), 0);
}
END_TEST

/* A delegate list's column names are kept as written ("Name", "EMAIL" from
 * a spreadsheet): they name people just the same. */
START_TEST(test_export_pseudonymous_hides_identifying_columns_in_any_case)
{
	static const struct sub ps[] = {
		{"alice", "ADM-A", "{\"region\":\"EUR\",\"Name\":\"Alice Liddell\",\"EMAIL\":\"al@x.example\"}",
		 "{\"proposal\":{\"position\":\"support\"}}", 1000},
	};
	char pform[160];
	snprintf(pform, sizeof pform, "%s/p.json", dir);
	write_text(pform, pseudo_json);
	build_db(dbpath, pseudo_json, ps, 1);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", pform, "--format", "csv", NULL), 0);
	ck_assert_msg(strstr(out_text, "Liddell") == NULL && strstr(out_text, "al@x") == NULL, "%s",
	              out_text);
	ck_assert_ptr_eq(strstr(out_text, "sub,region,revision,"), out_text);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", pform, "--format", "ndjson", NULL),
	                 0);
	ck_assert_msg(strstr(out_text, "Liddell") == NULL && strstr(out_text, "al@x") == NULL, "%s",
	              out_text);
	ck_assert_int_ne(run("summary", "--db", dbpath, "--form", pform, "--by", "Name", NULL), 0);
	ck_assert_ptr_null(strstr(out_text, "Liddell"));
}
END_TEST

/* ------------------------------------------------------------------ report */

START_TEST(test_report_is_self_contained_html)
{
	char outp[160], *html;
	build_db(dbpath, form_json, base, 4);
	setenv("SOURCE_DATE_EPOCH", "1796638500", 1); /* the same bytes twice, below */
	snprintf(outp, sizeof outp, "%s/report.html", dir);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--out", outp, "--by",
	                     "region", NULL), 0);
	html = read_text(outp);
	ck_assert_ptr_eq(strstr(html, "<!DOCTYPE html>"), html);
	ck_assert_ptr_nonnull(strstr(html, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_nonnull(strstr(html, "<svg"));
	ck_assert_ptr_nonnull(strstr(html, "</html>"));
	ck_assert_ptr_nonnull(strstr(html, "Too fast, &lt;b&gt;no&lt;/b&gt;"));
	ck_assert_ptr_null(strstr(html, "<b>no"));
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "http://"));
	ck_assert_ptr_null(strstr(html, "https://"));
	ck_assert_ptr_null(strstr(html, "src="));
	ck_assert_ptr_null(strstr(html, "url("));
	ck_assert_ptr_nonnull(strstr(html, "region = EUR"));
	free(html);
	/* the same data gives the same bytes */
	html = NULL;
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--by", "region", NULL),
	                 0);
	html = read_text(outp);
	ck_assert_str_eq(html, out_text);
	free(html);
}
END_TEST

/* ------------------------------------------------------------------ verify */

START_TEST(test_verify_passes_on_clean_data)
{
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);
	ck_assert_ptr_eq(strstr(out_text, "verified 4 revisions: ok\nchain head: revision 4, link "),
	                 out_text);
	ck_assert_str_eq(err_text, "");
}
END_TEST

/* Removing the newest rows leaves no gap; a published head catches it. */
START_TEST(test_verify_checks_a_published_head)
{
	char head[65], head3[65];
	char *p;
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);
	p = strstr(out_text, ", link ");
	ck_assert_ptr_nonnull(p);
	memcpy(head, p + 7, 64);
	head[64] = '\0';
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, "--head", head,
	                     NULL), 0);
	/* a head published earlier: found, with the rows added since */
	{
		sqlite3 *db;
		sqlite3_stmt *st;
		ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT link FROM revision WHERE seq=3", -1, &st,
		                                    NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		memcpy(head3, sqlite3_column_text(st, 0), 65);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, "--head", head3,
	                     NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "published head found at revision 3; 1 revision "
	                                       "added since"));
	sql(dbpath, "DELETE FROM revision WHERE seq=4; UPDATE delegate SET latest_seq=3 "
	            "WHERE sub='d3'");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, "--head", head,
	                     NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "does not hold the published head"));
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, "--head", "abc",
	                     NULL), 2);
}
END_TEST

START_TEST(test_verify_names_an_altered_revision)
{
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "UPDATE revision SET answers='{\"colour\":\"blue\"}' WHERE seq=3");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 3 (t, d3, rev 1): answers do not "
	                                       "match their hash"));
	ck_assert_ptr_null(strstr(err_text, "revision 2 "));
	ck_assert_ptr_null(strstr(err_text, "revision 4 "));
	ck_assert_ptr_nonnull(strstr(out_text, "verified 4 revisions: "));
	ck_assert_ptr_null(strstr(out_text, ": ok"));
	/* the report does not depend on the number of checking threads */
	{
		char *one;
		ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, "--jobs", "1",
		                     NULL), 1);
		one = strdup(err_text);
		ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, "--jobs", "3",
		                     NULL), 1);
		ck_assert_str_eq(one, err_text);
		free(one);
		ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, "--jobs", "0",
		                     NULL), 2);
	}
}
END_TEST

START_TEST(test_verify_catches_a_rewritten_hash_and_a_bad_key)
{
	char other[160], paserk[SND_PASERK_PUBLIC_LEN + 1];
	uint8_t pk2[SND_PK_BYTES], sk2[SND_SK_BYTES];
	build_db(dbpath, form_json, base, 4);
	/* a forger who also fixes the hash still breaks the receipt and chain */
	sql(dbpath, "UPDATE revision SET answers='{\"colour\":\"blue\"}', "
	            "hash='4d8ec8ab2dd0e87c37dd70e2c4e7e3ee5ffcc4fd6b0d3a93b4ee1bd3c5c4e1e7' WHERE seq=2");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 2 (t, d2, rev 1): receipt hash"));
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 2 (t, d2, rev 1): chain link"));

	ck_assert_int_eq(snd_keypair(pk2, sk2), SND_OK);
	snd_paserk_public(pk2, paserk);
	snprintf(other, sizeof other, "%s/other.public", dir);
	write_text(other, paserk);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", other, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "revision 1 (t, d1, rev 1): receipt signature"));
}
END_TEST

START_TEST(test_verify_detects_an_altered_latest_pointer)
{
	/* every row still verifies, but the tally would count d3's first answer */
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "UPDATE delegate SET latest_seq=3 WHERE sub='d3'");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 3 (t, d3, rev 1): counted as the "
	                                       "delegate's latest answer, but revision 4 is newer"));
	ck_assert_ptr_nonnull(strstr(out_text, "verified 4 revisions: 1 problem\n"));
}
END_TEST

/* Issue 13, item 3.  A revision stored before salts (no salt, hash over
 * the canonical answers alone, a receipt without a salt claim) still
 * verifies, counts, exports and merges; an altered salt is caught by
 * verify and by the check before counting. */
START_TEST(test_verify_salts_old_rows_and_an_altered_salt)
{
	char mpath[160];
	unsalted_sub = "d2";
	build_db(dbpath, form_json, base, 4);
	unsalted_sub = NULL;
	ck_assert_int_eq(sql_count(dbpath, "SELECT count(*) FROM revision WHERE salt IS NULL"), 1);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);
	ck_assert_str_eq(err_text, "");
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "ndjson",
	                     NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\"salt\":null,"));
	snprintf(mpath, sizeof mpath, "%s/m.db", dir);
	ck_assert_int_eq(run("merge", "--out", mpath, dbpath, NULL), 0);
	ck_assert_int_eq(sql_count(mpath, "SELECT count(*) FROM revision WHERE salt IS NULL"), 1);
	ck_assert_int_eq(run("verify", "--db", mpath, "--receipt-pub", pubpath, NULL), 0);

	/* the same row, now given a salt by hand: its hash no longer matches */
	sql(dbpath, "UPDATE revision SET salt = '00112233445566778899aabbccddeeff' WHERE seq = 2");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 2 (t, d2, rev 1): answers do not "
	                                       "match their hash"));
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 2 (t, d2, rev 1): receipt salt"));
	/* a salted row's salt altered: caught by verify and before counting */
	sql(dbpath, "UPDATE revision SET salt = NULL WHERE seq = 2; "
	            "UPDATE revision SET salt = '00112233445566778899aabbccddeeff' WHERE seq = 3");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 3 (t, d3, rev 1): answers do not "
	                                       "match their hash"));
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 3 (t, d3, rev 1): receipt salt "
	                                       "differs"));
	ck_assert_ptr_null(strstr(err_text, "revision 2 "));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 1);
	ck_assert_msg(strstr(err_text, "revision 3 (delegate d3): its answers do not match their "
	                               "stored hash") != NULL, "%s", err_text);
	/* a salt that is not hex */
	sql(dbpath, "UPDATE revision SET salt = 'zz' WHERE seq = 3");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "revision 3 (t, d3, rev 1): salt is not 32"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "its salt is not 32 lowercase hex digits"));
}
END_TEST

/* Equal answers, different hashes: the salt is per revision. */
START_TEST(test_equal_answers_get_different_hashes)
{
	static const struct sub same[] = {
		{"d1", "ADM-A", "{}", "{\"colour\":\"red\"}", 1000},
		{"d2", "ADM-B", "{}", "{\"colour\":\"red\"}", 2000},
	};
	build_db(dbpath, form_json, same, 2);
	ck_assert_int_eq(sql_count(dbpath, "SELECT count(DISTINCT hash) FROM revision"), 2);
	ck_assert_int_eq(sql_count(dbpath, "SELECT count(DISTINCT salt) FROM revision"), 2);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);
}
END_TEST

/* Issue 13, item 5: revocations are a chain of their own; deleting or
 * altering one is named, and a published head catches the newest
 * deleted. */
START_TEST(test_verify_checks_the_revocation_chain)
{
	struct snd_store *s = NULL;
	char err[256], head[65], dbpath2[160], *p;
	snprintf(dbpath2, sizeof dbpath2, "%s/b.db", dir);
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_WRITE, &s, err, sizeof err), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "j-x1", 5000), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "j-x2", 6000), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "j-x3", 7000), SND_OK);
	snd_store_close(s);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "verified 3 revocations: ok\n"
	                                       "revocation chain head: revocation 3, link "));
	p = strstr(out_text, "revocation chain head: revocation 3, link ");
	memcpy(head, p + strlen("revocation chain head: revocation 3, link "), 64);
	head[64] = '\0';
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath,
	                     "--revocations-head", head, NULL), 0);

	/* an altered time */
	sql(dbpath, "UPDATE revoked SET revoked_at = 9999 WHERE jti = 'j-x2'");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revocation 2 (j-x2): its link does not "
	                                       "match its fields"));
	ck_assert_ptr_nonnull(strstr(out_text, "verified 3 revocations: 1 problem\n"));
	sql(dbpath, "UPDATE revoked SET revoked_at = 6000 WHERE jti = 'j-x2'");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);

	/* a deleted one in the middle: the gap names it */
	sql(dbpath, "DELETE FROM revoked WHERE jti = 'j-x2'");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revocation 3 (j-x3): follows revocation 1: "
	                                       "1 revocation(s) are missing (deleted)"));
	/* a row added by hand, outside the chain */
	sql(dbpath, "INSERT INTO revoked (jti, revoked_at) VALUES ('j-x9', 1)");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revocation 0 (j-x9)"));

	/* the newest deleted leaves no gap: only the published head shows it
	 * (the same revocations at the same times make the same chain, so the
	 * head published above is this database's too) */
	build_db(dbpath2, form_json, base, 4);
	ck_assert_int_eq(snd_store_open(dbpath2, SND_STORE_WRITE, &s, err, sizeof err), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "j-x1", 5000), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "j-x2", 6000), SND_OK);
	ck_assert_int_eq(snd_store_revoke(s, "j-x3", 7000), SND_OK);
	snd_store_close(s);
	ck_assert_int_eq(run("verify", "--db", dbpath2, "--receipt-pub", pubpath,
	                     "--revocations-head", head, NULL), 0);
	sql(dbpath2, "DELETE FROM revoked WHERE jti = 'j-x3'");
	ck_assert_int_eq(run("verify", "--db", dbpath2, "--receipt-pub", pubpath, NULL), 0);
	ck_assert_int_eq(run("verify", "--db", dbpath2, "--receipt-pub", pubpath,
	                     "--revocations-head", head, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "revocation chain does not hold the published head"));
	ck_assert_int_eq(run("verify", "--db", dbpath2, "--receipt-pub", pubpath,
	                     "--revocations-head", "abc", NULL), 2);
}
END_TEST

START_TEST(test_verify_detects_a_deleted_row)
{
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "DELETE FROM revision WHERE seq=2");
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: revision 3 (t, d3, rev 1): chain gap: "
	                                       "revision 2 is missing"));
	ck_assert_ptr_nonnull(strstr(out_text, "verified 3 revisions: "));
}
END_TEST

/* What a tampering analyst with SQL access (but no receipt key) can do to
 * the chain: it is unkeyed, so recompute prev and link of every row from
 * seq on, as snd_chain_link documents them. */
static void relink_from(const char *path, int64_t from)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *up = NULL;
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT seq, qid, sub, ent, attrs, jti, rev, hash, "
	                                    "receipt, submitted_at, link FROM revision ORDER BY seq",
	                                    -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE revision SET prev=?1, link=?2 WHERE seq=?3",
	                                    -1, &up, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct snd_revision r;
		char link[65];
		memset(&r, 0, sizeof r);
		r.seq = sqlite3_column_int64(st, 0);
		r.qid = (const char *)sqlite3_column_text(st, 1);
		r.sub = (const char *)sqlite3_column_text(st, 2);
		r.ent = (const char *)sqlite3_column_text(st, 3);
		r.attrs = (const char *)sqlite3_column_text(st, 4);
		r.jti = (const char *)sqlite3_column_text(st, 5);
		r.rev = sqlite3_column_int64(st, 6);
		r.hash = (const char *)sqlite3_column_text(st, 7);
		r.receipt = (const char *)sqlite3_column_text(st, 8);
		r.submitted_at = sqlite3_column_int64(st, 9);
		if (r.seq < from) {
			memcpy(prev, sqlite3_column_text(st, 10), 65);
			continue;
		}
		r.prev = prev;
		snd_chain_link(&r, link);
		sqlite3_bind_text(up, 1, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 2, link, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(up, 3, r.seq);
		ck_assert_int_eq(sqlite3_step(up), SQLITE_DONE);
		sqlite3_reset(up);
		memcpy(prev, link, 65);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	sqlite3_close(db);
}

/* An older revision copied in again as the newest row (its receipt is
 * genuine, the chain relinked, the latest pointer moved to it): the tally
 * would count d3's first answer, so verify must say so. */
START_TEST(test_verify_detects_a_replayed_revision)
{
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);
	sql(dbpath, "INSERT INTO revision (seq, qid, sub, ent, attrs, jti, rev, answers, hash, "
	            "receipt, submitted_at, prev, link, prior_seq, salt) SELECT 5, qid, sub, ent, "
	            "attrs, jti, rev, answers, hash, receipt, submitted_at, prev, link, 4, salt "
	            "FROM revision WHERE seq=3; UPDATE delegate SET latest_seq=5 WHERE sub='d3'");
	relink_from(dbpath, 5);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_msg(strstr(err_text, "tally: revision 5 (t, d3, rev 1): receipt is the same as "
	                               "revision 3's") != NULL, "%s", err_text);
	ck_assert_ptr_nonnull(strstr(out_text, "verified 5 revisions: 1 problem\n"));
}
END_TEST

/* submitted_at decides which revision wins a merge; the receipt's iat
 * (signed) pins it to the second. */
START_TEST(test_verify_detects_a_moved_submission_time)
{
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "UPDATE revision SET submitted_at=9000 WHERE seq=3");
	relink_from(dbpath, 3);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_msg(strstr(err_text, "tally: revision 3 (t, d3, rev 1): receipt time (iat) "
	                               "differs from submitted_at") != NULL, "%s", err_text);
	ck_assert_ptr_nonnull(strstr(out_text, "verified 4 revisions: 1 problem\n"));
}
END_TEST

/* A delegate row that never answered, whose latest pointer names another
 * delegate's revision: the tally counts that answer twice, so verify must
 * say so even though every revision row is intact. */
START_TEST(test_verify_detects_a_revision_counted_twice)
{
	cJSON *sum;
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "INSERT INTO delegate (qid, sub, ent, attrs, role, first_seen, last_seen, "
	            "latest_seq, max_rev) VALUES ('t', 'ghost', 'ADM-X', '{}', 'delegate', 0, 0, 2, 1)");
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
	                     "--no-verify", NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	ck_assert_int_eq((int)num(sum, "responses"), 4); /* d2 counted twice */
	cJSON_Delete(sum);
	/* the checked walk reads each revision once, so it counts it once */
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
	                     NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	ck_assert_int_eq((int)num(sum, "responses"), 3);
	cJSON_Delete(sum);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 1);
	ck_assert_msg(strstr(err_text, "tally: revision 2 (t, d2, rev 1): counted more than once")
	              != NULL, "%s", err_text);
	ck_assert_ptr_nonnull(strstr(out_text, "verified 4 revisions: 1 problem\n"));
}
END_TEST

/* ------------------------------------------------------------------- merge */

START_TEST(test_merge_takes_the_union_and_latest_revision)
{
	/* Collector A saw d1 and d2; collector B saw d3 and, later, d2 again
	 * (its rev 1 there conflicts with A's rev 1). */
	static const struct sub b_list[] = {
		{"d3", "ADM-C", "{\"region\":\"ASP\"}",
		 "{\"colour\":\"blue\",\"proposal\":{\"position\":\"support\"}}", 1500},
		{"d2", "ADM-B", "{\"region\":\"AMS\"}",
		 "{\"colour\":\"red\",\"proposal\":{\"position\":\"support\"}}", 5000},
	};
	char bpath[160], mpath[160], m2path[160], cpath[160], pform[160];
	cJSON *sum;
	const cJSON *q;

	build_db(dbpath, form_json, base, 2);
	{ /* a revocation in A travels with the merge */
		struct snd_store *st = NULL;
		char err[256];
		ck_assert_int_eq(snd_store_open(dbpath, SND_STORE_WRITE, &st, err, sizeof err), SND_OK);
		ck_assert_int_eq(snd_store_revoke(st, "j-d1", 9000), SND_OK);
		snd_store_close(st);
	}
	snprintf(bpath, sizeof bpath, "%s/b.db", dir);
	snprintf(mpath, sizeof mpath, "%s/m.db", dir);
	snprintf(m2path, sizeof m2path, "%s/m2.db", dir);
	build_db(bpath, form_json, b_list, 2);

	ck_assert_int_eq(run("merge", "--out", mpath, dbpath, bpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "4 revisions imported, 0 duplicates skipped, "
	                                       "1 conflict"));
	ck_assert_ptr_nonnull(strstr(err_text, "conflict"));
	ck_assert_ptr_nonnull(strstr(err_text, "d2"));

	ck_assert_int_eq(run("summary", "--db", mpath, "--form", formpath, "--format", "json",
	                     NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	ck_assert(num(sum, "responses") == 2); /* d1's only answer: a revoked link */
	ck_assert(num(sum, "revoked") == 1);
	q = question(sum, "colour");
	ck_assert(option_count(q, "red") == 1);  /* d2's later answer */
	ck_assert(option_count(q, "blue") == 1); /* d3 */
	cJSON_Delete(sum);
	ck_assert_int_eq(run("summary", "--db", mpath, "--form", formpath, "--format", "json",
	                     "--include-revoked", NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	ck_assert(num(sum, "responses") == 3);
	ck_assert(num(sum, "revoked") == 1);
	q = question(sum, "colour");
	ck_assert(option_count(q, "red") == 2);  /* d1, and d2's later answer */
	ck_assert(option_count(q, "blue") == 1); /* d3 */
	q = question(sum, "proposal");
	ck_assert(num(q, "object") == 0);
	cJSON_Delete(sum);

	ck_assert_int_eq(run("export", "--db", mpath, "--form", formpath, "--format", "ndjson", NULL),
	                 0);
	ck_assert_ptr_null(strstr(out_text, "{\"sub\":\"d1\"")); /* set aside */
	ck_assert_ptr_nonnull(strstr(err_text, "tally: 1 record set aside: made with a revoked link"));
	ck_assert_int_eq(run("export", "--db", mpath, "--form", formpath, "--format", "ndjson",
	                     "--include-revoked", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "{\"sub\":\"d1\""));
	ck_assert_ptr_nonnull(strstr(strstr(out_text, "{\"sub\":\"d1\""), "\"revoked\":true"));
	ck_assert_ptr_null(strstr(strstr(out_text, "{\"sub\":\"d2\""), "\"revoked\":true"));

	/* the merged chain verifies with the receipts kept as they were */
	ck_assert_int_eq(run("verify", "--db", mpath, "--receipt-pub", pubpath, NULL), 0);

	/* merging a file with itself adds nothing */
	ck_assert_int_eq(run("merge", "--out", m2path, dbpath, dbpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "2 revisions imported, 2 duplicates skipped, "
	                                       "0 conflicts"));

	/* never overwrites */
	ck_assert_int_eq(run("merge", "--out", mpath, dbpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "already exists"));

	/* another questionnaire is refused, naming the file */
	snprintf(cpath, sizeof cpath, "%s/c.db", dir);
	snprintf(pform, sizeof pform, "%s/m3.db", dir);
	build_db(cpath, pseudo_json, NULL, 0);
	ck_assert_int_eq(run("merge", "--out", pform, dbpath, cpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, cpath));
	ck_assert_int_eq(access(pform, F_OK), -1);
}
END_TEST


/* ------------------------------------------ what the tally may count */

static void revoke_jti(const char *path, const char *jti)
{
	struct snd_store *st = NULL;
	char err[256];
	ck_assert_msg(snd_store_open(path, SND_STORE_WRITE, &st, err, sizeof err) == SND_OK, "%s",
	              err);
	ck_assert_int_eq(snd_store_revoke(st, jti, 9000), SND_OK);
	snd_store_close(st);
}

static cJSON *summary_json(const char *extra)
{
	cJSON *sum;
	if (extra)
		ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
		                     extra, NULL), 0);
	else
		ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
		                     NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	return sum;
}

/* d3's second revision was made with a link revoked since: it never
 * counts, d3's first (another link) counts instead; --include-revoked
 * counts it anyway, and every output says what it did. */
START_TEST(test_revoked_link_counts_the_delegates_earlier_valid_revision)
{
	char rpath[160];
	cJSON *sum;
	const cJSON *q;
	build_db(dbpath, form_json, base, 4);
	revoke_jti(dbpath, "j-d3-2");

	sum = summary_json(NULL);
	ck_assert(num(sum, "responses") == 3);
	ck_assert(num(sum, "revoked") == 1);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sum, "verified")));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(sum, "revoked_included"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(sum, "invited")); /* no roll */
	q = question(sum, "colour");
	ck_assert(option_count(q, "red") == 1);  /* d1 */
	ck_assert(option_count(q, "blue") == 2); /* d2, and d3's first revision */
	q = question(sum, "proposal");
	ck_assert(num(q, "abstain") == 1);
	ck_assert(num(q, "live_with") == 0);
	/* "revoked" comes right after "responses" */
	ck_assert_ptr_nonnull(strstr(out_text, "\"responses\": 3,\n  \"revoked\": 1,\n"));
	cJSON_Delete(sum);

	sum = summary_json("--include-revoked");
	ck_assert(num(sum, "responses") == 3);
	ck_assert(num(sum, "revoked") == 1);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sum, "revoked_included")));
	q = question(sum, "colour");
	ck_assert(option_count(q, "red") == 2);
	ck_assert(option_count(q, "blue") == 1);
	cJSON_Delete(sum);

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\n1 answer set aside: made with a revoked link "
	                                       "(--include-revoked counts it)\n"));
	ck_assert_ptr_null(strstr(out_text, "Integrity check skipped"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "md",
	                     "--include-revoked", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\n1 answer made with a revoked link counted "
	                                       "(--include-revoked)\n"));
	snprintf(rpath, sizeof rpath, "%s/r.html", dir);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--out", rpath, NULL), 0);
	{
		char *html = read_text(rpath);
		ck_assert_ptr_nonnull(strstr(html, "<p class=\"snd-meta\">1 answer set aside: made "
		                                   "with a revoked link.</p>"));
		free(html);
	}

	/* the export holds the revision that counts */
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "ndjson",
	                     NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "{\"sub\":\"d3\""));
	ck_assert_ptr_nonnull(strstr(strstr(out_text, "{\"sub\":\"d3\""), "\"revision\":1,"));
	ck_assert_ptr_nonnull(strstr(err_text, "1 record set aside"));

	{ /* with a roll: "invited", delegates only (a chair's link is not an invitation) */
		static const char *const subs[] = {"d1", "d2", "d3", "d3", "d4", "c1"};
		struct snd_store *st = NULL;
		char err[256], jti[32];
		ck_assert_msg(snd_store_open(dbpath, SND_STORE_WRITE, &st, err, sizeof err) == SND_OK,
		              "%s", err);
		for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
			struct snd_roll_entry e;
			int added = 0;
			memset(&e, 0, sizeof e);
			snprintf(jti, sizeof jti, "roll-%zu", i);
			e.qid = "t";
			e.sub = subs[i];
			e.ent = "ADM-A";
			e.attrs = "{}";
			e.role = subs[i][0] == 'c' ? "chair" : "delegate";
			e.jti = jti;
			e.expires = 4000000000;
			e.email = "";
			e.lang = "";
			e.issued_at = 1;
			ck_assert_msg(snd_store_roll_add(st, &e, &added) == SND_OK, "%s",
			              snd_store_errmsg(st));
		}
		snd_store_close(st);
		sum = summary_json(NULL);
		ck_assert(num(sum, "invited") == 4);
		ck_assert_ptr_nonnull(strstr(out_text, "\"revoked\": 1,\n  \"invited\": 4,\n"));
		cJSON_Delete(sum);
	}

	/* both of d3's links revoked: d3 is not counted at all */
	revoke_jti(dbpath, "j-d3");
	sum = summary_json(NULL);
	ck_assert(num(sum, "responses") == 2);
	ck_assert(num(sum, "revoked") == 1);
	cJSON_Delete(sum);
	sum = summary_json("--no-verify"); /* the slim walk agrees */
	ck_assert(num(sum, "responses") == 2);
	ck_assert(num(sum, "revoked") == 1);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(sum, "verified")));
	cJSON_Delete(sum);
}
END_TEST

/* One stored answer altered with SQL: summary, report and export refuse to
 * count, naming the revision and `tally verify`; --no-verify goes on and
 * says so. */
START_TEST(test_altered_answer_stops_summary_report_and_export)
{
	char rpath[160];
	cJSON *sum;
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "UPDATE revision SET answers = replace(answers, 'blue', 'red') WHERE seq = 2");
	snprintf(rpath, sizeof rpath, "%s/r.html", dir);

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 1);
	ck_assert_msg(strstr(err_text, "revision 2 (delegate d2): its answers do not match their "
	                               "stored hash") != NULL, "%s", err_text);
	ck_assert_ptr_nonnull(strstr(err_text, "tally verify"));
	ck_assert_str_eq(out_text, "");
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json",
	                     NULL), 1);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--out", rpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "revision 2 (delegate d2)"));
	ck_assert_int_eq(access(rpath, F_OK), -1);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv", NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err_text, "revision 2 (delegate d2)"));
	ck_assert_str_eq(out_text, "");

	sum = summary_json("--no-verify");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(sum, "verified")));
	ck_assert(option_count(question(sum, "colour"), "red") == 3); /* the altered figure */
	cJSON_Delete(sum);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--no-verify", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\nIntegrity check skipped (--no-verify)\n"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "md",
	                     "--no-verify", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\nIntegrity check skipped (--no-verify)\n"));
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--out", rpath,
	                     "--no-verify", NULL), 0);
	{
		char *html = read_text(rpath);
		ck_assert_ptr_nonnull(strstr(html, "Integrity check skipped (--no-verify)."));
		free(html);
	}
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--no-verify", NULL), 0);
	ck_assert_ptr_nonnull(strstr(err_text, "integrity check skipped (--no-verify)"));
}
END_TEST

/* The chain: a row whose fields changed (its link no longer matches), and
 * a row removed from the middle. */
START_TEST(test_broken_chain_stops_the_summary)
{
	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "UPDATE revision SET ent = 'ADM-Z' WHERE seq = 3");
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 1);
	ck_assert_msg(strstr(err_text, "revision 3 (delegate d3): its chain link does not match "
	                               "the row") != NULL, "%s", err_text);

	build_db(dbpath, form_json, base, 4);
	sql(dbpath, "PRAGMA foreign_keys = OFF; DELETE FROM revision WHERE seq = 1");
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 1);
	ck_assert_msg(strstr(err_text, "revision 2 (delegate d2): revisions before it are missing")
	              != NULL, "%s", err_text);
}
END_TEST

START_TEST(test_by_unknown_attribute_exits_1_naming_those_that_exist)
{
	char rpath[160];
	build_db(dbpath, form_json, base, 4);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "Region", NULL),
	                 1);
	ck_assert_msg(strstr(err_text, "tally: --by Region: no delegate has this attribute; "
	                               "attributes: category, region\n") != NULL, "%s", err_text);
	ck_assert_str_eq(out_text, "");
	snprintf(rpath, sizeof rpath, "%s/r.html", dir);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--by", "Region", "--out",
	                     rpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "--by Region: no delegate has this attribute"));
	ck_assert_int_eq(access(rpath, F_OK), -1);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "region", NULL),
	                 0);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "category",
	                     NULL), 0); /* some have it: the others are "(none)" */
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "entity", NULL),
	                 0);
}
END_TEST

static void set_closes(const char *path, int64_t closes_ms)
{
	struct snd_store *st = NULL;
	char err[256];
	ck_assert_msg(snd_store_open(path, SND_STORE_WRITE, &st, err, sizeof err) == SND_OK, "%s",
	              err);
	ck_assert_int_eq(snd_store_set_window(st, "t", 0, 0, 1, closes_ms, 7000), SND_OK);
	snd_store_close(st);
}

static struct snd_schedule schedule_of(const char *path)
{
	struct snd_store *st = NULL;
	struct snd_schedule r;
	char err[256];
	ck_assert_msg(snd_store_open(path, SND_STORE_READ, &st, err, sizeof err) == SND_OK, "%s",
	              err);
	ck_assert_int_eq(snd_store_schedule_get(st, "t", &r), SND_OK);
	snd_store_close(st);
	return r;
}

/* A closed questionnaire stays closed in the merged database; inputs that
 * disagree are refused unless --schedule-from names the one to keep. */
START_TEST(test_merge_keeps_the_schedule)
{
	char bpath[160], mpath[160], other[160];
	struct snd_schedule r;
	build_db(dbpath, form_json, base, 2);
	snprintf(bpath, sizeof bpath, "%s/b.db", dir);
	snprintf(mpath, sizeof mpath, "%s/m.db", dir);
	snprintf(other, sizeof other, "%s/other.db", dir);
	build_db(bpath, form_json, base + 2, 2);

	/* neither has a schedule: none in the result */
	ck_assert_int_eq(run("merge", "--out", mpath, dbpath, bpath, NULL), 0);
	ck_assert_int_eq(schedule_of(mpath).found, 0);
	unlink(mpath);

	set_closes(dbpath, 5000);
	ck_assert_int_eq(run("merge", "--out", mpath, dbpath, bpath, NULL), 1);
	ck_assert_msg(strstr(err_text, "questionnaire 't': ") != NULL &&
	              strstr(err_text, dbpath) != NULL && strstr(err_text, bpath) != NULL &&
	              strstr(err_text, "disagree on its schedule") != NULL &&
	              strstr(err_text, "--schedule-from") != NULL, "%s", err_text);
	ck_assert_int_eq(access(mpath, F_OK), -1);

	set_closes(bpath, 5000);
	ck_assert_int_eq(run("merge", "--out", mpath, dbpath, bpath, NULL), 0);
	r = schedule_of(mpath);
	ck_assert_int_eq(r.found, 1);
	ck_assert_int_eq(r.has_opens, 0);
	ck_assert_int_eq(r.has_closes, 1);
	ck_assert_int_eq((int)r.closes_ms, 5000);
	ck_assert_int_eq((int)r.set_at_ms, 7000);
	unlink(mpath);

	set_closes(bpath, 6000);
	ck_assert_int_eq(run("merge", "--out", mpath, dbpath, bpath, NULL), 1);
	ck_assert_int_eq(run("merge", "--out", mpath, "--schedule-from", bpath, dbpath, bpath, NULL),
	                 0);
	ck_assert_int_eq((int)schedule_of(mpath).closes_ms, 6000);
	unlink(mpath);
	ck_assert_int_eq(run("merge", "--out", mpath, "--schedule-from", dbpath, dbpath, bpath, NULL),
	                 0);
	ck_assert_int_eq((int)schedule_of(mpath).closes_ms, 5000);
	unlink(mpath);

	build_db(other, form_json, base, 1);
	ck_assert_int_eq(run("merge", "--out", mpath, "--schedule-from", other, dbpath, bpath, NULL),
	                 2);
	ck_assert_ptr_nonnull(strstr(err_text, "not one of the databases to merge"));
}
END_TEST

/* ------------------------------------------------------------------- usage */

START_TEST(test_usage_errors_exit_2_and_help_exits_0)
{
	static const char *const cmds[] = {"summary", "export", "report", "verify", "merge"};
	size_t i;
	ck_assert_int_eq(run(NULL), 2);
	ck_assert_int_eq(run("--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "usage: tally"));
	ck_assert_int_eq(run("frobnicate", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err_text, "tally: unknown command"));
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		ck_assert_int_eq(run(cmds[i], "--help", NULL), 0);
		ck_assert_ptr_nonnull(strstr(out_text, "usage: tally"));
		ck_assert_int_eq(run(cmds[i], NULL), 2);
		ck_assert_int_eq(run(cmds[i], "--bogus", NULL), 2);
	}
	ck_assert_int_eq(run("summary", "--db", "x", "--form", "y", "--format", "xml", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err_text, "--format"));
	ck_assert_int_eq(run("summary", "--db", "x", "--form", "y", "--weight", "nation", NULL), 2);
	ck_assert_int_eq(run("export", "--db", "x", "--form", "y", "--format", "xls", NULL), 2);
	ck_assert_int_eq(run("summary", "--db", NULL), 2);
	/* never writes over its own input */
	build_db(dbpath, form_json, base, 1);
	/* a language the form lacks: one line naming those it has, and the hint */
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--lang", "de", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err_text, "--lang de: "));
	ck_assert_ptr_nonnull(strstr(err_text, "has no such language (it has: en fr)\n"
	                                       "try 'tally summary --help'\n"));
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--out", dbpath, NULL), 2);
	ck_assert_ptr_nonnull(strstr(err_text, "refusing to overwrite"));
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--out", formpath, NULL), 2);
	ck_assert_int_eq(run("verify", "--db", dbpath, "--receipt-pub", pubpath, NULL), 0);
}
END_TEST

/* ------------------------------------------ issue 12, items 9 and 10 */

/* 2026-12-07 10:15 UTC, as SOURCE_DATE_EPOCH. */
#define MADE "1796638500"

/* Replaces the schedule row of questionnaire "t" (times in seconds). */
static void set_window(int has_opens, int64_t opens, int has_closes, int64_t closes)
{
	struct snd_store *s = NULL;
	char err[256];
	ck_assert_msg(snd_store_open(dbpath, SND_STORE_WRITE, &s, err, sizeof err) == SND_OK, "%s",
	              err);
	ck_assert_int_eq(snd_store_set_window(s, "t", has_opens, opens * 1000, has_closes,
	                                      closes * 1000, 1000),
	                 SND_OK);
	snd_store_close(s);
}

START_TEST(test_report_head_says_when_it_was_made_and_the_schedule)
{
	int64_t made = 1796638500;
	build_db(dbpath, form_json, base, 4);
	setenv("SOURCE_DATE_EPOCH", MADE, 1);
	/* the form has no opens/closes */
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "<p class=\"snd-meta snd-when\">Made 2026-12-07 "
	                                       "10:15 UTC \xc2\xb7 Open, with no closing time set</p>"));
	/* the store's schedule wins over the form's */
	set_window(1, made - 86400, 1, made + 3 * 86400 + 6 * 3600 + 45 * 60);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Made 2026-12-07 10:15 UTC \xc2\xb7 Open until "
	                                       "2026-12-10 17:00 UTC</p>"));
	set_window(1, made - 86400, 1, made);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Closed since 2026-12-07 10:15 UTC</p>"));
	set_window(1, made + 60, 0, 0);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Opens 2026-12-07 10:16 UTC</p>"));
	set_window(1, made + 60, 1, made + 86400);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--lang", "fr", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Établi le 2026-12-07 10:15 UTC \xc2\xb7 Ouverture le "
	                                       "2026-12-07 10:16 UTC, clôture le 2026-12-08 10:15 "
	                                       "UTC</p>"));
	/* a fixed time gives fixed bytes; a bad one is refused */
	{
		char *one = strdup(out_text);
		ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--lang", "fr", NULL),
		                 0);
		ck_assert_str_eq(one, out_text);
		free(one);
	}
	setenv("SOURCE_DATE_EPOCH", "12x", 1);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, NULL), 2);
	ck_assert_ptr_nonnull(strstr(err_text, "SOURCE_DATE_EPOCH"));
	/* without it, the clock */
	unsetenv("SOURCE_DATE_EPOCH");
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "<p class=\"snd-meta snd-when\">Made 20"));
}
END_TEST

START_TEST(test_report_in_french_has_french_words_and_decimal_commas)
{
	build_db(dbpath, form_json, base, 4);
	setenv("SOURCE_DATE_EPOCH", MADE, 1);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--lang", "fr", "--by",
	                     "category", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Ventilation par catégorie"));
	ck_assert_ptr_nonnull(strstr(out_text, "catégorie = (sans valeur)"));
	ck_assert_ptr_null(strstr(out_text, "par category"));
	ck_assert_ptr_null(strstr(out_text, "(none)"));
	/* colour: red 2 of 3 */
	ck_assert_ptr_nonnull(strstr(out_text, "2 (66,7\xc2\xa0%)"));
	ck_assert_ptr_null(strstr(out_text, "66.7"));
	ck_assert_ptr_nonnull(strstr(out_text, "choix unique"));
	/* an attribute with no word is shown as a name */
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--lang", "fr", "--by",
	                     "entity", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Ventilation par <code>entity</code>"));
	ck_assert_ptr_nonnull(strstr(out_text, "<code>entity</code> = ADM-A"));
	/* English keeps its words */
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--by", "category", NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Breakdown by category"));
	ck_assert_ptr_nonnull(strstr(out_text, "category = (none)"));
	ck_assert_ptr_nonnull(strstr(out_text, "2 (66.7%)"));
}
END_TEST

/* Text answers, an entity and an attribute that a spreadsheet would take
 * for formulas, or that would reorder a line: every CSV and Markdown
 * output shows them inert. */
static const struct sub hostile[] = {
	{"h1", "ADM-A", "{\"region\":\"EUR\"}", "{\"why\":\"\\n=1+1\"}", 1000},
	{"h2", "ADM-B", "{\"region\":\"\xe2\x80\xaeRUE\"}",
	 "{\"why\":\"\xef\xbc\x9dHYPERLINK(1)\"}", 2000},
	{"h3", "ADM-C", "{\"region\":\"EUR\"}", "{\"why\":\" @SUM(A1)\"}", 3000},
	{"h4", "ADM-D", "{\"region\":\"EUR\"}",
	 "{\"why\":\"a\xe2\x81\xa6" "b\xe2\x81\xa9" "c\",\"proposal\":{\"position\":\"object\","
	 "\"reason\":\"\xef\xbc\x8b" "1\"}}", 4000},
	{"h5", "\xef\xbc\xa0" "ADM", "{\"region\":\"EUR\"}", "{\"why\":\"\xef\xbc\x8d" "1\"}", 5000},
};

static void assert_no_raw_bidi(const char *t)
{
	const unsigned char *p = (const unsigned char *)t;
	for (; *p; p++)
		ck_assert_msg(!(p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
		                                 (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9))),
		              "raw bidi control at offset %zu", (size_t)(p - (const unsigned char *)t));
}

START_TEST(test_csv_and_markdown_defuse_full_width_formulas_and_bidi_controls)
{
	build_db(dbpath, form_json, hostile, sizeof hostile / sizeof hostile[0]);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv", NULL),
	                 0);
	assert_no_raw_bidi(out_text);
	ck_assert_ptr_nonnull(strstr(out_text, ",\"'\n=1+1\","));
	ck_assert_ptr_nonnull(strstr(out_text, ",\"'\xef\xbc\x9dHYPERLINK(1)\","));
	ck_assert_ptr_nonnull(strstr(out_text, ",\"' @SUM(A1)\","));
	ck_assert_ptr_nonnull(strstr(out_text, ",a[U+2066]b[U+2069]c,"));
	ck_assert_ptr_nonnull(strstr(out_text, ",\"'\xef\xbc\x8b" "1\","));
	ck_assert_ptr_nonnull(strstr(out_text, ",\"'\xef\xbc\x8d" "1\","));
	ck_assert_ptr_nonnull(strstr(out_text, "h5,\"'\xef\xbc\xa0" "ADM\","));
	ck_assert_ptr_nonnull(strstr(out_text, ",[U+202E]RUE,"));
	/* JSON keeps the exact text */
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "json", NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\"a\xe2\x81\xa6" "b\xe2\x81\xa9" "c\""));

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--by", "region", NULL), 0);
	assert_no_raw_bidi(out_text);
	ck_assert_ptr_nonnull(strstr(out_text, ",\"'\n=1+1\""));
	ck_assert_ptr_nonnull(strstr(out_text, ",\"'\xef\xbc\x9dHYPERLINK(1)\""));
	ck_assert_ptr_nonnull(strstr(out_text, ",\"' @SUM(A1)\""));
	ck_assert_ptr_nonnull(strstr(out_text, ",a[U+2066]b[U+2069]c"));
	ck_assert_ptr_nonnull(strstr(out_text, ",\"'\xef\xbc\x8b" "1\""));
	ck_assert_ptr_nonnull(strstr(out_text, "\r\n[U+202E]RUE,"));

	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "md",
	                     "--by", "region", NULL), 0);
	assert_no_raw_bidi(out_text);
	ck_assert_ptr_nonnull(strstr(out_text, "a[U+2066]b[U+2069]c"));
	ck_assert_ptr_nonnull(strstr(out_text, "[U+202E]RUE"));
}
END_TEST

/* ---------------------------------------------------- tally turnout (issue 14)
 * A roll of five delegates (and a chair, who is not invited): d1, d2, d3
 * answered; d4 answered with a link revoked since (its answer does not
 * count: revoked); d5 has not answered, though an older link of its was
 * revoked (one live link: missing, not revoked).  Expected: invited 5,
 * answered 3, revoked 1, rate 0.6, missing d5. */

struct roll_row {
	const char *sub, *ent, *attrs, *role, *jti;
	int64_t issued_at;
};

static const struct roll_row roll5[] = {
	{"d1", "ADM-A", "{\"region\":\"EUR\",\"sg\":\"SG2;SG13\"}", "delegate", "j-d1", 10},
	{"d2", "ADM-B", "{\"region\":\"AMS\",\"sg\":\"SG13\"}", "delegate", "j-d2", 10},
	{"d3", "ADM-A", "{\"region\":\"EUR\"}", "delegate", "j-d3", 10},
	{"d4", "ADM-C", "{\"region\":\"AFR\",\"sg\":\"SG2\"}", "delegate", "j-d4", 10},
	{"d5", "ADM-D", "{\"region\":\"AMS\"}", "delegate", "j-d5x", 5},
	{"d5", "ADM-D", "{\"region\":\"AMS\"}", "delegate", "j-d5", 10},
	{"c1", "TSB", "{}", "chair", "j-c1", 10},
};

static const struct sub turnout_subs[] = {
	{"d4", "ADM-C", "{\"region\":\"AFR\"}", "{\"colour\":\"red\"}", 5000},
};

/* Adds roll rows for questionnaire qid to the database at path, then
 * revokes the jtis of the NULL-terminated list. */
static void add_roll(const char *path, const char *qid, const struct roll_row *rows, size_t n,
                     const char *const *revoke)
{
	struct snd_store *s = NULL;
	char err[256];
	size_t i;
	int added;
	ck_assert_msg(snd_store_open(path, SND_STORE_WRITE, &s, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	for (i = 0; i < n; i++) {
		struct snd_roll_entry e;
		memset(&e, 0, sizeof e);
		e.qid = qid;
		e.sub = rows[i].sub;
		e.ent = rows[i].ent;
		e.attrs = rows[i].attrs;
		e.role = rows[i].role;
		e.jti = rows[i].jti;
		e.expires = 4102444800;
		e.email = "";
		e.lang = "";
		e.issued_at = rows[i].issued_at;
		ck_assert_msg(snd_store_roll_add(s, &e, &added) == SND_OK, "%s", snd_store_errmsg(s));
	}
	ck_assert_int_eq(snd_store_commit(s), SND_OK);
	for (i = 0; revoke && revoke[i]; i++)
		ck_assert_int_eq(snd_store_revoke(s, revoke[i], 9000), SND_OK);
	snd_store_close(s);
}

static const char *const roll5_revoked[] = {"j-d4", "j-d5x", NULL};

/* base (d1, d2, d3 twice) and d4, then the roll of five. */
static void build_turnout_db(void)
{
	struct sub all[5];
	memcpy(all, base, sizeof base);
	all[4] = turnout_subs[0];
	build_db(dbpath, form_json, all, 5);
	add_roll(dbpath, "t", roll5, sizeof roll5 / sizeof roll5[0], roll5_revoked);
}

START_TEST(test_turnout_json_counts_invited_answered_revoked_exactly)
{
	build_turnout_db();
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--format", "json", NULL),
	                 0);
	ck_assert_str_eq(out_text, "{\n  \"questionnaire\": \"t\",\n  \"invited\": 5,\n"
	                           "  \"answered\": 3,\n  \"revoked\": 1,\n  \"rate\": 0.6\n}\n");
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--format", "json",
	                     "--by", "region", "--missing", NULL), 0);
	ck_assert_str_eq(out_text,
	                 "{\n  \"questionnaire\": \"t\",\n  \"invited\": 5,\n  \"answered\": 3,\n"
	                 "  \"revoked\": 1,\n  \"rate\": 0.6,\n  \"groups\": {\n"
	                 "    \"AFR\": {\n      \"invited\": 1,\n      \"answered\": 0,\n"
	                 "      \"rate\": 0\n    },\n"
	                 "    \"AMS\": {\n      \"invited\": 2,\n      \"answered\": 1,\n"
	                 "      \"rate\": 0.5\n    },\n"
	                 "    \"EUR\": {\n      \"invited\": 2,\n      \"answered\": 2,\n"
	                 "      \"rate\": 1\n    }\n  },\n"
	                 "  \"missing\": [\n    {\n      \"sub\": \"d5\",\n"
	                 "      \"entity\": \"ADM-D\",\n      \"region\": \"AMS\"\n    }\n  ]\n}\n");
	/* sg is multi-valued: d1 counts in SG2 and in SG13, as in summary --by */
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--by", "sg", NULL), 0);
	ck_assert_str_eq(out_text, "group,invited,answered,rate\r\n,5,3,0.6\r\n(none),2,1,0.5\r\n"
	                           "SG2,2,1,0.5\r\nSG13,2,2,1\r\n");
	/* by entity: ADM-A's two delegates both answered */
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--by", "entity", NULL), 0);
	ck_assert_str_eq(out_text, "group,invited,answered,rate\r\n,5,3,0.6\r\nADM-A,2,2,1\r\n"
	                           "ADM-B,1,1,1\r\nADM-C,1,0,0\r\nADM-D,1,0,0\r\n");
}
END_TEST

START_TEST(test_turnout_text_and_csv_show_the_groups_and_who_has_not_answered)
{
	build_turnout_db();
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--by", "region",
	                     "--missing", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "Test form\nquestionnaire t \xc2\xb7 turnout\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "3 of 5 invited answered (60.0%) \xc2\xb7 1 revoked "
	                                       "\xc2\xb7 1 not answered yet\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "  region   invited  answered     rate\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "  AFR            1         0     0.0%\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "  AMS            2         1    50.0%\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "  EUR            2         2   100.0%\n"));
	ck_assert_ptr_nonnull(strstr(out_text, "not answered yet (1), by entity then id:\n"
	                                       "  entity  id  attributes\n"
	                                       "  ADM-D   d5  region=AMS\n"));
	ck_assert_ptr_null(strstr(out_text, "d4"));
	/* CSV with --missing: one row per delegate who has not answered */
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--format", "csv",
	                     "--missing", NULL), 0);
	ck_assert_str_eq(out_text, "sub,entity,region\r\nd5,ADM-D,AMS\r\n");
	/* --out writes the same bytes to a file */
	{
		char op[160];
		char *t;
		snprintf(op, sizeof op, "%s/turnout.csv", dir);
		ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--format", "csv",
		                     "--missing", "--out", op, NULL), 0);
		t = read_text(op);
		ck_assert_str_eq(t, "sub,entity,region\r\nd5,ADM-D,AMS\r\n");
		free(t);
	}
}
END_TEST

START_TEST(test_turnout_without_a_roll_or_with_an_unknown_attribute_exits_1)
{
	build_db(dbpath, form_json, base, 2);
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "no roll"));
	ck_assert_ptr_nonnull(strstr(err_text, "collector issue --db"));
	ck_assert_ptr_nonnull(strstr(err_text, "collector roll import"));
	add_roll(dbpath, "t", roll5, sizeof roll5 / sizeof roll5[0], NULL);
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--by", "country", NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err_text, "--by country"));
	ck_assert_ptr_nonnull(strstr(err_text, "the roll has: entity, region, sg"));
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--format", "xml", NULL),
	                 2);
	ck_assert_int_eq(run("turnout", "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "usage: tally turnout"));
	ck_assert_int_eq(run("turnout", NULL), 2);
	ck_assert_int_eq(run("turnout", "--bogus", NULL), 2);
	ck_assert_int_eq(run("--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "  turnout --db DB --form FORM"));
}
END_TEST

START_TEST(test_turnout_pseudonymous_gives_counts_and_never_names)
{
	static const struct roll_row proll[] = {
		{"d1", "ADM-A", "{\"region\":\"EUR\"}", "delegate", "j-d1", 10},
		{"d2", "ADM-B", "{\"region\":\"AMS\"}", "delegate", "j-d2", 10},
		{"d9", "ADM-Z", "{\"region\":\"AMS\"}", "delegate", "j-d9", 10},
	};
	static const struct sub psubs[] = {
		{"d1", "ADM-A", "{\"region\":\"EUR\"}", "{\"proposal\":{\"position\":\"support\"}}", 1000},
		{"d2", "ADM-B", "{\"region\":\"AMS\"}", "{\"proposal\":{\"position\":\"live_with\"}}", 2000},
	};
	write_text(formpath, pseudo_json);
	build_db(dbpath, pseudo_json, psubs, 2);
	add_roll(dbpath, "p", proll, 3, NULL);
	/* answered is found through the link's id: the stored sub is a pseudonym */
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--format", "json",
	                     "--by", "region", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\"invited\": 3,\n  \"answered\": 2,\n"));
	/* one answer in AMS: fewer than min_group (3), so no count */
	ck_assert_ptr_nonnull(strstr(out_text, "\"AMS\": {\n      \"invited\": 2,\n"
	                                       "      \"answered\": null,\n"));
	ck_assert_ptr_null(strstr(out_text, "ADM-"));
	ck_assert_ptr_null(strstr(out_text, "d9"));
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--missing", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err_text, "pseudonymous"));
	ck_assert_str_eq(out_text, "");
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--by", "entity", NULL),
	                 1);
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "2 of 3 invited answered (66.7%)"));
	ck_assert_ptr_null(strstr(out_text, "ADM-"));
}
END_TEST

START_TEST(test_summary_says_how_many_of_the_invited_answered)
{
	cJSON *sum;
	build_turnout_db();
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json", NULL),
	                 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	ck_assert(num(sum, "invited") == 5); /* delegates only: the chair's link is not counted */
	ck_assert_ptr_nonnull(strstr(out_text, "  \"invited\": 5,\n"));
	ck_assert(strstr(out_text, "\"responses\"") < strstr(out_text, "\"invited\""));
	cJSON_Delete(sum);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\n3 of 5 invited answered (60.0%)\n"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "md", NULL),
	                 0);
	ck_assert_ptr_nonnull(strstr(out_text, "\n3 of 5 invited answered (60.0%)\n"));
	/* without a roll: no "invited", no line */
	unlink(dbpath);
	build_db(dbpath, form_json, base, 2);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--format", "json", NULL),
	                 0);
	ck_assert_ptr_null(strstr(out_text, "invited"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_null(strstr(out_text, "invited"));
}
END_TEST

START_TEST(test_report_has_the_roll_in_its_turnout_section)
{
	build_turnout_db();
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "3 of 5 invited delegates answered (60.0%)"));
	ck_assert_ptr_nonnull(strstr(out_text, "1 revoked"));
	ck_assert_ptr_null(strstr(out_text, "ADM-D")); /* a report circulates: no names */
	unlink(dbpath);
	build_db(dbpath, form_json, base, 2);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, NULL), 0);
	ck_assert_ptr_null(strstr(out_text, "invited"));
}
END_TEST

/* ------------------------------------------------------------ trend */

static const char trend_r1[] =
	"{\"id\":\"t1\",\"series\":\"t\",\"round\":1,\"languages\":[\"en\"],\"title\":\"T\","
	"\"sections\":[{\"id\":\"m\",\"title\":\"M\",\"questions\":["
	"{\"id\":\"proposal\",\"type\":\"position\",\"text\":\"P\"},"
	"{\"id\":\"clear\",\"type\":\"scale\",\"min\":1,\"max\":5,\"text\":\"C\"}]}]}";
static const char trend_r2[] =
	"{\"id\":\"t2\",\"series\":\"t\",\"round\":2,\"previous\":\"t1\",\"languages\":[\"en\"],"
	"\"title\":\"T\",\"sections\":[{\"id\":\"m\",\"title\":\"M\",\"questions\":["
	"{\"id\":\"proposal_v2\",\"was\":\"proposal\",\"type\":\"position\",\"text\":\"P2\"},"
	"{\"id\":\"clear\",\"type\":\"scale\",\"min\":1,\"max\":5,\"text\":\"C\"}]}]}";
static const struct sub trend_a[] = {
	{"d1", "ADM-A", "{}", "{\"proposal\":{\"position\":\"object\",\"reason\":\"Too vague\"},\"clear\":2}", 1769414400000},
	{"d2", "ADM-B", "{}", "{\"proposal\":{\"position\":\"object\",\"reason\":\"No\"},\"clear\":3}", 1769414401000},
	{"d3", "ADM-C", "{}", "{\"proposal\":{\"position\":\"support\"},\"clear\":4}", 1769414402000},
};
static const struct sub trend_b[] = {
	{"d1", "ADM-A", "{}", "{\"proposal_v2\":{\"position\":\"object\",\"reason\":\"Still vague\"},\"clear\":4}", 1769500800000},
	{"d2", "ADM-B", "{}", "{\"proposal_v2\":{\"position\":\"support\"},\"clear\":4}", 1769500801000},
	{"d3", "ADM-C", "{}", "{\"proposal_v2\":{\"position\":\"object\",\"reason\":\"Worse\"},\"clear\":4}", 1769500802000},
};

/* Two rounds in dbpath; their forms at dir/t1.json and dir/t2.json. */
static void trend_db(char *p1, char *p2, size_t n)
{
	snprintf(p1, n, "%s/t1.json", dir);
	snprintf(p2, n, "%s/t2.json", dir);
	write_text(p1, trend_r1);
	write_text(p2, trend_r2);
	build_db(dbpath, trend_r1, trend_a, 3);
	build_db(dbpath, trend_r2, trend_b, 3);
}

START_TEST(test_trend_json_has_rounds_change_and_register)
{
	char p1[160], p2[160];
	cJSON *tr, *q, *reg;
	trend_db(p1, p2, sizeof p1);
	ck_assert_msg(run("trend", "--db", dbpath, "--form", p1, "--form", p2, "--format", "json",
	                  NULL) == 0, "%s", err_text);
	/* laid out as every other JSON of tally: two-space indents, no tabs */
	ck_assert_msg(strncmp(out_text, "{\n  \"", 5) == 0 && strchr(out_text, '\t') == NULL,
	              "%.200s", out_text);
	tr = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(tr);
	ck_assert_str_eq(cJSON_GetObjectItem(tr, "series")->valuestring, "t");
	q = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "questions"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(q, "id")->valuestring, "proposal_v2");
	ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(q, "change"), "object")->valuedouble,
	                    2.0 / 3 - 2.0 / 3);
	ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(q, "change"), "support")->valuedouble,
	                    1.0 / 3 - 1.0 / 3);
	q = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "questions"), 1);
	ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(q, "change"), "mean")->valuedouble,
	                    4.0 - 3.0);
	reg = cJSON_GetObjectItem(tr, "objections");
	ck_assert_int_eq(cJSON_GetArraySize(reg), 3);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(reg, 0), "entity")->valuestring, "ADM-A");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(reg, 0), "status")->valuestring, "sustained");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(reg, 1), "status")->valuestring, "new");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(reg, 2), "status")->valuestring, "withdrawn");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(reg, 0), "disposition")));
	cJSON_Delete(tr);
}
END_TEST

START_TEST(test_trend_text_and_markdown_side_by_side)
{
	char p1[160], p2[160];
	trend_db(p1, p2, sizeof p1);
	ck_assert_msg(run("trend", "--db", dbpath, "--form", p1, "--form", p2, NULL) == 0, "%s",
	              err_text);
	ck_assert_ptr_nonnull(strstr(out_text, "Trend of t"));
	ck_assert_ptr_nonnull(strstr(out_text, "proposal_v2 (position)"));
	ck_assert_ptr_nonnull(strstr(out_text, "\xe2\x96\xb2 +1.00")); /* clear's mean: 3 -> 4 */
	ck_assert_ptr_nonnull(strstr(out_text, "= 0.0 pts"));           /* object: 2/3 both times */
	ck_assert_ptr_nonnull(strstr(out_text, "sustained  proposal_v2  ADM-A"));
	ck_assert_ptr_nonnull(strstr(out_text, "R2 object: Still vague"));
	ck_assert_ptr_nonnull(strstr(out_text, "withdrawn  proposal_v2  ADM-B"));
	ck_assert_msg(strstr(out_text, "sustained") < strstr(out_text, "withdrawn  "), "%s", out_text);
	ck_assert_msg(run("trend", "--db", dbpath, "--form", p1, "--form", p2, "--format", "md",
	                  NULL) == 0, "%s", err_text);
	ck_assert_ptr_nonnull(strstr(out_text, "# Trend of t"));
	ck_assert_ptr_nonnull(strstr(out_text, "| measure | R1 | R2 | change |"));
	ck_assert_ptr_nonnull(strstr(out_text, "## Objection register"));
	ck_assert_ptr_nonnull(strstr(out_text, "| **sustained** | proposal\\_v2 | ADM\\-A |"));
}
END_TEST

START_TEST(test_trend_refuses_rounds_out_of_order_and_bad_usage)
{
	char p1[160], p2[160];
	trend_db(p1, p2, sizeof p1);
	ck_assert_int_eq(run("trend", "--db", dbpath, "--form", p2, "--form", p1, NULL), 1);
	ck_assert_msg(strstr(err_text, "round order") != NULL, "%s", err_text);
	ck_assert_int_eq(run("trend", "--db", dbpath, "--form", p1, "--form", formpath, NULL), 1);
	ck_assert_int_eq(run("trend", "--db", dbpath, NULL), 2);
	ck_assert_int_eq(run("trend", "--db", dbpath, "--form", p1, "--format", "csv", NULL), 2);
	ck_assert_int_eq(run("trend", "--help", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out_text, "usage: tally trend"));
}
END_TEST

START_TEST(test_report_with_previous_rounds_has_the_register)
{
	char p1[160], p2[160], rp[200];
	char *html;
	trend_db(p1, p2, sizeof p1);
	snprintf(rp, sizeof rp, "%s/report.html", dir);
	ck_assert_msg(run("report", "--db", dbpath, "--form", p2, "--previous", p1, "--out", rp,
	                  NULL) == 0, "%s", err_text);
	html = read_text(rp);
	ck_assert_ptr_nonnull(strstr(html, "<h2>Objection register</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "<tr class=\"snd-reg-sustained\"><td><strong>sustained"));
	ck_assert_ptr_nonnull(strstr(html, "<q>Still vague</q>"));
	ck_assert(strstr(html, "snd-reg-sustained") < strstr(html, "snd-reg-withdrawn"));
	free(html);
	/* without --previous: no register; the wrong order: exit 1 */
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", p2, "--out", rp, NULL), 0);
	html = read_text(rp);
	ck_assert_ptr_null(strstr(html, "Objection register"));
	free(html);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", p1, "--previous", p2, "--out", rp,
	                     NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "round order"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", p2, "--previous", p1, NULL), 2);
}
END_TEST

/* ------------------------------------------- pseudonymous means pseudonymous
 * Issue 13 item 1: a pseudonymous form names the attributes that may be
 * shown ("public_attributes", default none); any other is refused as --by
 * (exit 1 naming the public ones) and left out of exports; groups with
 * fewer than "min_group" respondents (default 3) show no figures. */

static const char pub_json[] =
	"{\"id\":\"p\",\"languages\":[\"en\"],\"title\":\"Pseudo\",\"anonymity\":\"pseudonymous\","
	"\"public_attributes\":[\"region\",\"category\"],\"sections\":[{\"id\":\"main\","
	"\"title\":\"Main\",\"questions\":["
	"{\"id\":\"proposal\",\"type\":\"position\",\"text\":\"Proposal\"},"
	"{\"id\":\"why\",\"type\":\"text\",\"text\":\"Why?\"}]}]}";

/* Three in EUR, one (Zoe, who objects) alone in AMS. */
static const struct sub named[] = {
	{"d1", "ADM-A", "{\"region\":\"EUR\",\"full_name\":\"Ann Archer\"}",
	 "{\"proposal\":{\"position\":\"support\"},\"why\":\"fine\"}", 1000},
	{"d2", "ADM-B", "{\"region\":\"EUR\",\"full_name\":\"Bo Baker\"}",
	 "{\"proposal\":{\"position\":\"support\"}}", 2000},
	{"d3", "ADM-C", "{\"region\":\"EUR\",\"full_name\":\"Cy Cole\"}",
	 "{\"proposal\":{\"position\":\"live_with\"}}", 3000},
	{"d4", "ADM-D", "{\"region\":\"AMS\",\"full_name\":\"Zoe Zimmer\"}",
	 "{\"proposal\":{\"position\":\"object\",\"reason\":\"Zoe's secret reason\"},"
	 "\"why\":\"Zoe's comment\"}", 4000},
};

START_TEST(test_pseudonymous_refuses_a_by_that_is_not_public)
{
	char outp[160];
	write_text(formpath, pub_json);
	build_db(dbpath, pub_json, named, 4);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "full_name",
	                     NULL), 1);
	ck_assert_msg(strstr(err_text, "region, category") != NULL, "%s", err_text);
	ck_assert_ptr_null(strstr(out_text, "Zimmer"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "full_name",
	                     "--format", "json", NULL), 1);
	ck_assert_ptr_null(strstr(out_text, "Zimmer"));
	snprintf(outp, sizeof outp, "%s/r.html", dir);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--out", outp, "--by",
	                     "full_name", NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "public attributes: region, category"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "entity", NULL),
	                 1);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "region", NULL),
	                 0);
	ck_assert_ptr_null(strstr(out_text, "Zimmer"));
}
END_TEST

START_TEST(test_pseudonymous_without_public_attributes_has_no_by)
{
	char j[1024], *at, *end;
	/* the same data, on a form that declares nothing public */
	snprintf(j, sizeof j, "%s", pub_json);
	at = strstr(j, "\"public_attributes\"");
	end = strstr(at, "],") + 2;
	memmove(at, end, strlen(end) + 1);
	write_text(formpath, j);
	build_db(dbpath, j, named, 4);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "region", NULL),
	                 1);
	ck_assert_ptr_nonnull(strstr(err_text, "public attributes: none"));
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv", NULL),
	                 0);
	ck_assert_msg(strstr(out_text, "EUR") == NULL && strstr(out_text, "region") == NULL, "%s",
	              out_text);
	ck_assert_ptr_eq(strstr(out_text, "sub,revision,"), out_text);
}
END_TEST

START_TEST(test_pseudonymous_export_leaves_out_non_public_attributes)
{
	write_text(formpath, pub_json);
	build_db(dbpath, pub_json, named, 4);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "csv", NULL),
	                 0);
	ck_assert_msg(strstr(out_text, "full_name") == NULL && strstr(out_text, "Zimmer") == NULL,
	              "%s", out_text);
	ck_assert_ptr_eq(strstr(out_text, "sub,region,revision,"), out_text);
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "json", NULL),
	                 0);
	ck_assert_msg(strstr(out_text, "full_name") == NULL && strstr(out_text, "Zimmer") == NULL,
	              "%s", out_text);
	ck_assert_ptr_nonnull(strstr(out_text, "\"region\":\"EUR\""));
	ck_assert_int_eq(run("export", "--db", dbpath, "--form", formpath, "--format", "ndjson",
	                     NULL), 0);
	ck_assert_ptr_null(strstr(out_text, "full_name"));
}
END_TEST

START_TEST(test_pseudonymous_small_groups_show_no_figures_in_any_format)
{
	static const struct roll_row nroll[] = {
		{"d1", "ADM-A", "{\"region\":\"EUR\"}", "delegate", "j-d1", 10},
		{"d2", "ADM-B", "{\"region\":\"EUR\"}", "delegate", "j-d2", 10},
		{"d3", "ADM-C", "{\"region\":\"EUR\"}", "delegate", "j-d3", 10},
		{"d4", "ADM-D", "{\"region\":\"AMS\"}", "delegate", "j-d4", 10},
		{"d5", "ADM-E", "{\"region\":\"AMS\"}", "delegate", "j-d5", 10},
	};
	cJSON *sum, *g;
	char outp[160], *html;
	write_text(formpath, pub_json);
	build_db(dbpath, pub_json, named, 4);
	add_roll(dbpath, "p", nroll, 5, NULL);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "region",
	                     "--format", "json", NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sum, "groups"), "AMS");
	ck_assert_ptr_nonnull(g);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(g, "responses")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "suppressed")));
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(g, "fewer_than")->valuedouble, 3);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(g, "questions"));
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sum, "groups"), "EUR");
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(g, "responses")->valuedouble, 3);
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(g, "questions"));
	cJSON_Delete(sum);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "region", NULL),
	                 0);
	ck_assert_msg(strstr(out_text, "region = AMS (responses fewer than 3)") != NULL, "%s",
	              out_text);
	ck_assert_ptr_nonnull(strstr(out_text, "region = EUR (responses 3)"));
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "region",
	                     "--format", "md", NULL), 0);
	ck_assert_msg(strstr(out_text, "## region = AMS (responses fewer than 3)") != NULL, "%s",
	              out_text);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "region",
	                     "--format", "csv", NULL), 0);
	ck_assert_msg(strstr(out_text, "AMS,,,,responses,fewer than 3\r\n") != NULL, "%s",
	              out_text);
	ck_assert_ptr_null(strstr(out_text, "AMS,proposal"));
	ck_assert_ptr_nonnull(strstr(out_text, "EUR,proposal"));
	snprintf(outp, sizeof outp, "%s/r.html", dir);
	ck_assert_int_eq(run("report", "--db", dbpath, "--form", formpath, "--out", outp, "--by",
	                     "region", NULL), 0);
	html = read_text(outp);
	ck_assert_msg(strstr(html, "fewer than 3") != NULL, "%s", html);
	ck_assert_ptr_nonnull(strstr(html, "region = EUR"));
	free(html);
	/* turnout: AMS has 1 answer of 2 invited, so no count of answers */
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--by", "region",
	                     "--format", "json", NULL), 0);
	sum = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(sum);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sum, "groups"), "AMS");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(g, "answered")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "suppressed")));
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sum, "groups"), "EUR");
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(g, "answered")->valuedouble, 3);
	cJSON_Delete(sum);
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--by", "region", NULL),
	                 0);
	ck_assert_msg(strstr(out_text, "fewer than 3") != NULL, "%s", out_text);
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--by", "region",
	                     "--format", "csv", NULL), 0);
	ck_assert_msg(strstr(out_text, "AMS,2,fewer than 3,\r\n") != NULL, "%s", out_text);
	ck_assert_int_eq(run("turnout", "--db", dbpath, "--form", formpath, "--by", "full_name",
	                     NULL), 1);
	ck_assert_ptr_nonnull(strstr(err_text, "region, category"));
}
END_TEST

/* min_group is the form's: 1 shows every group, even on a pseudonymous form. */
START_TEST(test_min_group_of_the_form_sets_the_threshold)
{
	char j[1100];
	cJSON *sum, *g;
	snprintf(j, sizeof j, "{\"min_group\":1,%s", pub_json + 1);
	write_text(formpath, j);
	build_db(dbpath, j, named, 4);
	ck_assert_int_eq(run("summary", "--db", dbpath, "--form", formpath, "--by", "region",
	                     "--format", "json", NULL), 0);
	sum = cJSON_Parse(out_text);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sum, "groups"), "AMS");
	ck_assert_int_eq((int)cJSON_GetObjectItemCaseSensitive(g, "responses")->valuedouble, 1);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(g, "suppressed"));
	cJSON_Delete(sum);
}
END_TEST

/* tally trend across pseudonymous rounds: the same allow-list, and a
 * suppressed group has no figure in any round (null). */
START_TEST(test_trend_of_pseudonymous_rounds_only_public_and_small_groups_null)
{
	static const char u1[] =
		"{\"id\":\"u1\",\"series\":\"u\",\"round\":1,\"languages\":[\"en\"],\"title\":\"T\","
		"\"anonymity\":\"pseudonymous\",\"public_attributes\":[\"region\"],\"sections\":[{"
		"\"id\":\"main\",\"title\":\"Main\",\"questions\":["
		"{\"id\":\"proposal\",\"type\":\"position\",\"text\":\"Proposal\"},"
		"{\"id\":\"why\",\"type\":\"text\",\"text\":\"Why?\"}]}]}";
	static const char u2[] =
		"{\"id\":\"u2\",\"series\":\"u\",\"round\":2,\"previous\":\"u1\",\"languages\":[\"en\"],"
		"\"title\":\"T\",\"anonymity\":\"pseudonymous\",\"public_attributes\":[\"region\"],"
		"\"sections\":[{\"id\":\"main\",\"title\":\"Main\",\"questions\":["
		"{\"id\":\"proposal\",\"type\":\"position\",\"text\":\"Proposal\"},"
		"{\"id\":\"why\",\"type\":\"text\",\"text\":\"Why?\"}]}]}";
	char p1[160], p2[160];
	cJSON *tr, *g, *resp;
	snprintf(p1, sizeof p1, "%s/u1.json", dir);
	snprintf(p2, sizeof p2, "%s/u2.json", dir);
	write_text(p1, u1);
	write_text(p2, u2);
	build_db(dbpath, u1, named, 4);
	build_db(dbpath, u2, named, 4);
	ck_assert_int_eq(run("trend", "--db", dbpath, "--form", p1, "--form", p2, "--by",
	                     "full_name", NULL), 1);
	ck_assert_msg(strstr(err_text, "public attributes: region") != NULL, "%s", err_text);
	ck_assert_ptr_null(strstr(out_text, "Zimmer"));
	ck_assert_int_eq(run("trend", "--db", dbpath, "--form", p1, "--form", p2, "--by", "region",
	                     "--format", "json", NULL), 0);
	ck_assert_ptr_null(strstr(out_text, "Zimmer"));
	tr = cJSON_Parse(out_text);
	ck_assert_ptr_nonnull(tr);
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tr, "groups"), "AMS");
	ck_assert_ptr_nonnull(g);
	resp = cJSON_GetObjectItemCaseSensitive(g, "responses");
	ck_assert(cJSON_IsNull(cJSON_GetArrayItem(resp, 0)) && cJSON_IsNull(cJSON_GetArrayItem(resp, 1)));
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tr, "groups"), "EUR");
	ck_assert_int_eq((int)cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(g, "responses"), 1)
	                     ->valuedouble, 3);
	cJSON_Delete(tr);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tally_cli");
	TCase *t = tcase_create("cli");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_summary_json_has_the_counts_of_latest_revisions);
	tcase_add_test(t, test_out_to_a_pipe_writes_into_it_and_keeps_it);
	tcase_add_test(t, test_summary_text_csv_md_show_the_figures);
	tcase_add_test(t, test_summary_shows_no_view_measures_histogram_and_divided);
	tcase_add_test(t, test_summary_text_neutralises_terminal_escapes);
	tcase_add_test(t, test_summary_refuses_a_form_the_database_does_not_hold);
	tcase_add_test(t, test_export_csv_has_every_answer_and_guards_formulas);
	tcase_add_test(t, test_export_json_and_ndjson_round_trip);
	tcase_add_test(t, test_export_leaves_out_a_damaged_row_with_a_warning);
	tcase_add_test(t, test_export_pseudonymous_hides_entities);
	tcase_add_test(t, test_export_pseudonymous_hides_identifying_columns_in_any_case);
	tcase_add_test(t, test_report_is_self_contained_html);
	tcase_add_test(t, test_verify_passes_on_clean_data);
	tcase_add_test(t, test_verify_checks_a_published_head);
	tcase_add_test(t, test_verify_names_an_altered_revision);
	tcase_add_test(t, test_verify_catches_a_rewritten_hash_and_a_bad_key);
	tcase_add_test(t, test_verify_detects_an_altered_latest_pointer);
	tcase_add_test(t, test_verify_detects_a_deleted_row);
	tcase_add_test(t, test_verify_detects_a_replayed_revision);
	tcase_add_test(t, test_verify_detects_a_moved_submission_time);
	tcase_add_test(t, test_verify_detects_a_revision_counted_twice);
	tcase_add_test(t, test_merge_takes_the_union_and_latest_revision);
	tcase_add_test(t, test_revoked_link_counts_the_delegates_earlier_valid_revision);
	tcase_add_test(t, test_altered_answer_stops_summary_report_and_export);
	tcase_add_test(t, test_broken_chain_stops_the_summary);
	tcase_add_test(t, test_by_unknown_attribute_exits_1_naming_those_that_exist);
	tcase_add_test(t, test_merge_keeps_the_schedule);
	tcase_add_test(t, test_usage_errors_exit_2_and_help_exits_0);
	tcase_add_test(t, test_report_head_says_when_it_was_made_and_the_schedule);
	tcase_add_test(t, test_report_in_french_has_french_words_and_decimal_commas);
	tcase_add_test(t, test_csv_and_markdown_defuse_full_width_formulas_and_bidi_controls);
	tcase_add_test(t, test_turnout_json_counts_invited_answered_revoked_exactly);
	tcase_add_test(t, test_turnout_text_and_csv_show_the_groups_and_who_has_not_answered);
	tcase_add_test(t, test_turnout_without_a_roll_or_with_an_unknown_attribute_exits_1);
	tcase_add_test(t, test_turnout_pseudonymous_gives_counts_and_never_names);
	tcase_add_test(t, test_summary_says_how_many_of_the_invited_answered);
	tcase_add_test(t, test_report_has_the_roll_in_its_turnout_section);
	tcase_add_test(t, test_trend_json_has_rounds_change_and_register);
	tcase_add_test(t, test_trend_text_and_markdown_side_by_side);
	tcase_add_test(t, test_trend_refuses_rounds_out_of_order_and_bad_usage);
	tcase_add_test(t, test_report_with_previous_rounds_has_the_register);
	tcase_add_test(t, test_verify_salts_old_rows_and_an_altered_salt);
	tcase_add_test(t, test_equal_answers_get_different_hashes);
	tcase_add_test(t, test_verify_checks_the_revocation_chain);
	tcase_add_test(t, test_pseudonymous_refuses_a_by_that_is_not_public);
	tcase_add_test(t, test_pseudonymous_without_public_attributes_has_no_by);
	tcase_add_test(t, test_pseudonymous_export_leaves_out_non_public_attributes);
	tcase_add_test(t, test_pseudonymous_small_groups_show_no_figures_in_any_format);
	tcase_add_test(t, test_min_group_of_the_form_sets_the_threshold);
	tcase_add_test(t, test_trend_of_pseudonymous_rounds_only_public_and_small_groups_null);
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
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
