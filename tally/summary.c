/* summary.c - the `tally summary` and `tally report` commands: options,
 * the engine run, and the choice of writer (text.c, tables.c, fmt.c's
 * JSON, core/report.c's HTML).
 *
 * The numbers all come from snd_tally_run (and snd_tally_turnout for the
 * report); the writers only present them.  JSON is the engine's object as
 * is, numbers with enough digits to read back exactly, written by the
 * engine as it is made (snd_tally_write_json); CSV is core's writer
 * (snd_summary_csv_write); text and Markdown read the tree without its
 * lists (snd_tally_tree) and take the objections and comments from the
 * engine as they go (fmt.c's entries_each), flushing the output as it
 * grows.  Only the report holds the whole summary.
 *
 * Invariants:
 *   1. The engine runs once per command; every writer reads its result.
 *   2. A breakdown by an attribute a pseudonymous form does not declare
 *      public is refused here (exit 1) before the engine refuses it too.
 *   3. Output goes through struct out: whole or not at all.
 */
#include "tally.h"

#include <errno.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MD, FMT__MAX };
static const char *const fmt_names[FMT__MAX] = {"text", "json", "csv", "md"};

/* -------------------------------------------------------------- commands */

static const char summary_usage[] =
	"usage: tally summary --db DB --form FORM [--by ATTR] [--weight delegate|entity]\n"
	"                     [--format text|json|csv|md] [--lang xx] [--limit N|all]\n"
	"                     [--include-revoked] [--no-verify] [--out FILE]\n"
	"\n"
	"Aggregates every delegate's latest revision.  A revision made with a revoked\n"
	"link is set aside (the delegate's latest one made with a valid link counts).\n"
	"Before counting, every stored answer is checked against its hash and the hash\n"
	"chain (exit 1 naming the first bad revision; `tally verify` tells more).\n"
	"Every format is written as it is made, in flat memory; past 4 MB of objection\n"
	"and comment texts they are sorted through a temporary file in $TMPDIR (or\n"
	"/tmp).\n"
	"\n"
	"options:\n"
	"  --db DB            the collector's database\n"
	"  --form FORM        the questionnaire file\n"
	"  --by ATTR          add a breakdown by a token attribute (or entity; exit 1\n"
	"                     when no delegate has it)\n"
	"  --weight WEIGHT    delegate (default: one voice each) or entity (one voice\n"
	"                     per administration)\n"
	"  --format FORMAT    text (default: tables for a terminal), json (the summary\n"
	"                     object: forms/README.md per question type,\n"
	"                     docs/operations.md section 6), csv (one row per group,\n"
	"                     question, item and measure) or md (Markdown tables)\n"
	"  --lang xx          the language of labels, one of the form's (default: its\n"
	"                     first)\n"
	"  --limit N|all      objections and comments listed per question in text\n"
	"                     output (default 20; the other formats list all)\n"
	"  --include-revoked  count revisions made with revoked links too\n"
	"  --no-verify        skip the check before counting (the output says so)\n"
	"  --out FILE         write to FILE (whole or not at all) instead of stdout\n"
	"  --help             print this help\n"
	"\n"
	"exit status: 0 written, 1 invalid input (a database, form or check that\n"
	"fails), 2 usage error.\n";

static const char report_usage[] =
	"usage: tally report --db DB --form FORM [--out report.html] [--by ATTR]\n"
	"                    [--weight delegate|entity] [--lang xx]\n"
	"                    [--include-revoked] [--no-verify]\n"
	"                    [--previous EARLIER.json ...]\n"
	"\n"
	"Writes one self-contained HTML file (inline CSS and SVG charts, no script,\n"
	"no external requests) with turnout, every question and the breakdown.\n"
	"Revoked links and the check before counting: as for `tally summary`.\n"
	"\n"
	"options:\n"
	"  --db DB            the collector's database\n"
	"  --form FORM        the questionnaire file\n"
	"  --out FILE         write the HTML to FILE (whole or not at all; default:\n"
	"                     standard output)\n"
	"  --by ATTR          add a breakdown by a token attribute (or entity)\n"
	"  --weight WEIGHT    delegate (default) or entity (one voice per\n"
	"                     administration)\n"
	"  --lang xx          the report's language, one of the form's (default: its\n"
	"                     first)\n"
	"  --include-revoked  count revisions made with revoked links too\n"
	"  --no-verify        skip the check before counting (the report says so)\n"
	"  --previous FILE    an earlier round of FORM's series (repeat it for several,\n"
	"                     earliest first): the report then holds the objection\n"
	"                     register across those rounds\n"
	"  --help             print this help\n"
	"\n"
	"exit status: 0 written, 1 invalid input (a database, form or check that\n"
	"fails), 2 usage error.\n";

struct common {
	const char *cmd; /* "summary" or "report", for usage errors */
	const char *db, *form, *by, *weight, *format, *out, *lang, *limit;
	const char *include_revoked, *no_verify;
	const char **previous;   /* report: earlier rounds (--previous), NULL-terminated */
	size_t nprevious;
};

/* Parses the shared options and validates the choices; 0, 1 (help shown)
 * or EXIT_USAGE. */
static int parse_common(int argc, char **argv, struct common *c, const char *use, int report)
{
	struct opt opts[] = {
		{"db", 1, &c->db, NULL, NULL},         {"form", 1, &c->form, NULL, NULL},
		{"by", 1, &c->by, NULL, NULL},         {"weight", 1, &c->weight, NULL, NULL},
		{"format", 1, &c->format, NULL, NULL}, {"out", 1, &c->out, NULL, NULL},
		{"lang", 1, &c->lang, NULL, NULL},     {"limit", 1, &c->limit, NULL, NULL},
		{"include-revoked", 0, &c->include_revoked, NULL, NULL},
		{"no-verify", 0, &c->no_verify, NULL, NULL},
		{"previous", 1, NULL, &c->previous, &c->nprevious},
		{NULL, 0, NULL, NULL, NULL},
	};
	int help, rc;
	memset(c, 0, sizeof *c);
	c->cmd = argv[0];
	if (report) { /* the report has every format and limit fixed */
		opts[4].name = "no-such-option-format";
		opts[7].name = "no-such-option-limit";
	} else {
		opts[10].name = "no-such-option-previous";
	}
	rc = opts_parse(argc, argv, opts, &help, NULL, NULL);
	if (help) {
		fputs(use, stdout);
		return 1;
	}
	if (rc)
		return rc;
	if (c->db == NULL || c->form == NULL)
		return tally_usage(c->cmd, "%s is required", c->db == NULL ? "--db" : "--form");
	if (c->weight && strcmp(c->weight, "delegate") != 0 && strcmp(c->weight, "entity") != 0)
		return tally_usage(c->cmd, "--weight must be delegate or entity, not '%s'",
		                   c->weight);
	if (c->by && c->by[0] == '\0')
		return tally_usage(c->cmd, "--by needs an attribute name");
	if (out_clobbers(c->out, c->db, c->form))
		return EXIT_USAGE;
	return 0;
}

/* Bytes of objection and comment texts held in memory before a sorted run
 * goes to a temporary file: with the counters, the SQLite cache, the read
 * batches and the merge's buffers, `tally summary` stays near 30 MB however
 * many responses.  4 MiB sorts in the CPU's caches (kept.c). */
#define KEPT_BUDGET ((size_t)4 << 20)

/* The engine's flags for the common options. */
static unsigned run_flags(const struct common *c)
{
	return SND_TALLY_BY_MUST_EXIST | (c->no_verify ? 0 : SND_TALLY_VERIFY) |
	       (c->include_revoked ? SND_TALLY_INCLUDE_REVOKED : 0);
}

/* Frees what run_summary made (any of it NULL). */
static void run_free(struct snd_form *f, struct snd_store *s, struct snd_tally *t, cJSON *sum)
{
	cJSON_Delete(sum);
	snd_tally_free(t);
	snd_store_close(s);
	snd_form_free(f);
}

/* Loads form and database, finds the language, runs the engine: *t, and
 * when sum is not NULL the summary tree too. */
static int run_summary(const struct common *c, struct snd_form **f, struct snd_store **s,
                       int *lang, struct snd_tally **t, cJSON **sum)
{
	struct snd_tally_opts o;
	struct progress prog;
	char err[512] = "";
	enum snd_err e;

	if (open_form_db(c->form, c->db, f, s) != 0)
		return 1;
	*lang = 0;
	if (c->lang && (*lang = snd_form_lang(*f, c->lang)) < 0) {
		char has[SND_FORM_MAX_LANGS * 8 + 1] = "";
		size_t i, n = 0;
		for (i = 0; i < (*f)->nlanguages && n + 1 < sizeof has; i++)
			n += (size_t)snprintf(has + n, sizeof has - n, " %s", (*f)->languages[i]);
		return tally_usage(c->cmd, "--lang %s: %s has no such language (it has:%s)",
		                   c->lang, c->form, has);
	}
	if (c->by && !snd_form_attr_public(*f, c->by)) {
		/* Pseudonymous: only the attributes the form declares public
		 * ("public_attributes") may break the results down. */
		char pub[512];
		tally_err("--by %s: %s is pseudonymous; a breakdown by %s is not allowed; its public "
		          "attributes: %s", c->by, c->form, c->by,
		          snd_form_public_list(*f, pub, sizeof pub));
		return 1;
	}
	o.by = c->by;
	o.weight = c->weight && strcmp(c->weight, "entity") == 0 ? SND_WEIGHT_ENTITY
	                                                         : SND_WEIGHT_DELEGATE;
	progress_init(&prog, "tallying");
	progress_note(&prog);
	e = snd_tally_run_ex(*s, *f, &o, run_flags(c), KEPT_BUDGET, t, err, sizeof err);
	if (e == SND_OK && sum != NULL && (e = snd_tally_tree(*t, 1, sum)) != SND_OK)
		snprintf(err, sizeof err, "%s", "out of memory while tallying");
	progress_done(&prog);
	if (e == SND_ENOTFOUND && c->by) {
		tally_err("--by %s: %s", c->by, err);
		return 1;
	}
	if (e != SND_OK) {
		tally_err("%s: %s", c->db, err[0] ? err : snd_strerror(e));
		return 1;
	}
	return 0;
}

int cmd_summary(int argc, char **argv)
{
	struct common c;
	struct snd_form *f = NULL;
	struct snd_store *s = NULL;
	struct snd_tally *t = NULL;
	cJSON *sum = NULL;
	struct snd_buf b;
	struct out o;
	struct lists ls = {NULL, NULL, NULL, NULL, 0};
	enum snd_err e;
	enum fmt fmt = FMT_TEXT;
	int rc, lang = 0, i;
	long limit = 20;

	if ((rc = parse_common(argc, argv, &c, summary_usage, 0)) != 0)
		return rc == 1 ? 0 : rc;
	if (c.format) {
		for (i = 0; i < FMT__MAX && strcmp(c.format, fmt_names[i]) != 0; i++)
			;
		fmt = (enum fmt)i;
		if (i == FMT__MAX)
			return tally_usage("summary", "--format must be text, json, csv or md, not '%s'",
			                   c.format);
	}
	if (c.limit) {
		char *end;
		if (strcmp(c.limit, "all") == 0) {
			limit = -1;
		} else {
			limit = strtol(c.limit, &end, 10);
			if (c.limit[0] == '\0' || *end != '\0' || limit < 0)
				return tally_usage("summary", "--limit must be a count or all, not '%s'",
				                   c.limit);
		}
	}
	snd_buf_init(&b, (size_t)1 << 30);
	if ((rc = run_summary(&c, &f, &s, &lang, &t, NULL)) != 0)
		goto done;
	rc = 1;
	if (fmt == FMT_JSON || fmt == FMT_CSV) {
		/* Written as it is made: no whole-document buffer, and the
		 * objections and comments never in memory all at once. */
		if (out_open(&o, c.out) != 0)
			goto done;
		e = fmt == FMT_JSON ? snd_tally_write_json(t, o.fp) : snd_summary_csv_write(o.fp, f, t);
		if (e != SND_OK) {
			if (e == SND_EIO)
				tally_err("%s: writing the summary failed: %s",
				          c.out ? c.out : "standard output", strerror(errno));
			else
				tally_err("%s: %s", c.db, snd_strerror(e));
			out_abort(&o);
			goto done;
		}
		rc = out_close(&o);
		goto done;
	}
	/* Text and Markdown: the tree without the lists, which come from the
	 * engine while the output is flushed as it grows. */
	if ((e = snd_tally_tree(t, 0, &sum)) != SND_OK) {
		tally_err("%s: %s", c.db, snd_strerror(e));
		goto done;
	}
	if (cJSON_GetObjectItemCaseSensitive(sum, "invited") != NULL) {
		/* "N of M invited answered": N from the roll (turnout.c), so a
		 * respondent the roll does not name is not counted as invited. */
		struct snd_turnout_opts to = {NULL, 0};
		cJSON *tt = NULL;
		char err[512] = "";
		if ((e = snd_turnout_roll(s, f, &to, &tt, err, sizeof err)) != SND_OK) {
			tally_err("%s: %s", c.db, err[0] ? err : snd_strerror(e));
			goto done;
		}
		if (cJSON_AddNumberToObject(sum, "invited_answered",
		                            snd_json_num0(tt, "answered")) == NULL) {
			cJSON_Delete(tt);
			tally_err("out of memory");
			goto done;
		}
		cJSON_Delete(tt);
	}
	if (out_open(&o, c.out) != 0)
		goto done;
	ls.t = t;
	ls.fp = o.fp;
	ls.b = &b;
	if (fmt == FMT_MD)
		write_md(&b, &ls, f, lang, sum, c.by);
	else
		write_text(&b, &ls, f, lang, sum, c.by, limit);
	if (!ls.failed)
		lists_flush(&ls, 1);
	if (ls.failed || b.failed) {
		tally_err("%s: writing the summary failed", c.out ? c.out : "standard output");
		out_abort(&o);
		goto done;
	}
	rc = out_close(&o);
done:
	snd_buf_free(&b);
	run_free(f, s, t, sum);
	return rc;
}

/* When the report is made, for its head: SOURCE_DATE_EPOCH when set (the
 * reproducible-builds convention, so tests and bench/outputs.sh can fix the
 * bytes), else the clock.  EXIT_USAGE when the variable is not a plain
 * count of seconds. */
static int report_made(int64_t *made)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;
	if (e == NULL) {
		*made = (int64_t)time(NULL);
		return 0;
	}
	errno = 0;
	v = strtoll(e, &end, 10);
	if (e[0] < '0' || e[0] > '9' || *end != '\0' || errno != 0 || v > 253402300799LL) {
		tally_err("SOURCE_DATE_EPOCH must be a count of seconds since 1970, not '%s'", e);
		return EXIT_USAGE;
	}
	*made = (int64_t)v;
	return 0;
}

/* --previous: the objection register of the earlier rounds and FORM,
 * attached to the summary as "register" and "register_rounds" for
 * snd_report_page.  0, or 1 after a message. */
static int report_register(const struct common *c, const struct snd_form *f,
                           struct snd_store *s, cJSON *sum)
{
	const struct snd_form **forms = calloc(c->nprevious + 1, sizeof *forms);
	struct snd_register *reg = NULL;
	char err[512] = "";
	size_t i, n = 0;
	int rc = 1;
	if (forms == NULL) {
		tally_err("out of memory");
		return 1;
	}
	for (i = 0; i < c->nprevious; i++, n++) {
		struct snd_form *pf = NULL;
		struct snd_store *ps = NULL;
		if (open_form_db(c->previous[i], c->db, &pf, &ps) != 0)
			goto done;
		snd_store_close(ps);
		forms[n] = pf;
	}
	forms[n++] = f;
	if (snd_register_build(s, forms, n, &reg, err, sizeof err) != SND_OK) {
		tally_err("--previous: %s", err);
		goto done;
	}
	if (snd_register_fill_dispositions(reg, s) != SND_OK) {
		tally_err("%s: reading the chairs' dispositions failed", c->db);
		goto done;
	}
	cJSON_AddItemToObject(sum, "register", snd_register_json(reg));
	cJSON_AddItemToObject(sum, "register_rounds", snd_register_rounds_json(reg));
	rc = 0;
done:
	snd_register_free(reg);
	for (i = 0; i < n; i++)
		if (forms[i] != f)
			snd_form_free((struct snd_form *)forms[i]);
	free(forms);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct common c;
	struct snd_form *f = NULL;
	struct snd_store *s = NULL;
	struct snd_tally *t = NULL;
	cJSON *sum = NULL, *turnout = NULL;
	struct snd_buf b;
	struct out o;
	char err[512] = "";
	enum snd_err e;
	int rc, lang = 0;
	struct snd_window w;
	struct snd_report_when when = {0, &w};

	if ((rc = parse_common(argc, argv, &c, report_usage, 1)) != 0)
		return rc == 1 ? 0 : rc;
	if ((rc = report_made(&when.made)) != 0)
		return rc;
	snd_buf_init(&b, (size_t)1 << 30);
	if ((rc = run_summary(&c, &f, &s, &lang, &t, &sum)) != 0)
		goto done;
	rc = 1;
	if ((e = snd_tally_turnout(s, f, &turnout, err, sizeof err)) != SND_OK) {
		tally_err("%s: turnout: %s", c.db, err[0] ? err : snd_strerror(e));
		goto done;
	}
	if (c.nprevious > 0 && report_register(&c, f, s, sum) != 0)
		goto done;
	/* The report names the --by attribute in its breakdown headings. */
	if (c.by && cJSON_GetObjectItemCaseSensitive(sum, "by") == NULL)
		cJSON_AddStringToObject(sum, "by", c.by);
	if ((e = snd_store_effective_window(s, f, &w)) != SND_OK) {
		tally_err("%s: reading the schedule: %s", c.db, snd_strerror(e));
		goto done;
	}
	if ((e = snd_report_page(&b, f, lang, sum, turnout, &when)) != SND_OK) {
		tally_err("building the report failed: %s", snd_strerror(e));
		goto done;
	}
	if (out_open(&o, c.out) != 0)
		goto done;
	if (out_buf(&o, &b) != 0) {
		out_abort(&o);
		goto done;
	}
	rc = out_close(&o);
done:
	snd_buf_free(&b);
	cJSON_Delete(turnout);
	run_free(f, s, t, sum);
	free(c.previous);
	return rc;
}

