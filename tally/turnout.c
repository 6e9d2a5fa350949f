/* turnout.c - `tally turnout`: who was invited, who answered, who has not
 * (interface.md, "The roll, turnout and mail"), as text for a terminal,
 * JSON or CSV.
 *
 * The numbers all come from snd_turnout_roll (core/turnout.c); this file
 * only checks the options and lays them out.
 *
 * Invariants:
 *   1. Who has not answered is shown only for attributed questionnaires:
 *      --missing (and --by entity) on a pseudonymous one is refused (exit
 *      2) before the database is read; counts are always given.
 *   2. No roll, or a --by attribute nobody on the roll has, exits 1 with
 *      what to do (how to record the roll; the attributes that exist).
 *   3. Output goes through struct out: whole or not at all.  Text cells
 *      pass term_text (no control or bidi characters reach the terminal);
 *      CSV cells pass snd_buf_csv (the formula guard).
 */
#include "tally.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tfmt { T_TEXT, T_JSON, T_CSV, T__MAX };
static const char *const tfmt_names[T__MAX] = {"text", "json", "csv"};

static const char turnout_usage[] =
	"usage: tally turnout --db DB --form FORM [--by ATTR] [--format text|json|csv]\n"
	"                     [--missing] [--out FILE]\n"
	"\n"
	"Who was invited (the roll, recorded by `collector issue --db` or `collector\n"
	"roll import`) and who answered: invited delegates, answered (a stored answer\n"
	"made with a link that is not revoked, what the summary counts), revoked (every\n"
	"link revoked, no answer that counts) and the rate answered / invited.\n"
	"\n"
	"options:\n"
	"  --db DB          the collector's database\n"
	"  --form FORM      the questionnaire file\n"
	"  --by ATTR        break it down by a roll attribute (or entity; \"SG2;SG13\"\n"
	"                   counts in each group, as in `tally summary --by`)\n"
	"  --format FORMAT  text (default: aligned tables), json (invited, answered,\n"
	"                   revoked and rate, overall and per group) or csv (one row\n"
	"                   per group:\n"
	"                   group,invited,answered,rate, the whole first with the group\n"
	"                   empty; with --missing one row per delegate who has not\n"
	"                   answered: sub,entity,attributes)\n"
	"  --missing        list the invited delegates who have neither answered nor\n"
	"                   been revoked, by entity then id, with their attributes;\n"
	"                   refused on a pseudonymous questionnaire (counts only)\n"
	"  --out FILE       write to FILE (whole or not at all) instead of stdout\n"
	"  --help           print this help\n"
	"\n"
	"exit status: 0 written, 1 invalid input (no roll in the database, no delegate\n"
	"has ATTR), 2 usage error.\n";

/* ------------------------------------------------------------------ text */

/* Columns s takes on a terminal (as term_text prints it). */
static size_t cols_of(const char *s)
{
	struct snd_buf t;
	size_t n;
	snd_buf_init(&t, 0);
	n = term_text(&t, s, 0, 0, -1);
	snd_buf_free(&t);
	return n;
}

static void rate_cell(char out[SND_FMT_LEN], const cJSON *o)
{
	double r;
	if (snd_json_num(o, "rate", &r))
		snd_fmt_pct(out, r, TALLY_DEC);
	else
		snprintf(out, SND_FMT_LEN, "%s", "\xe2\x80\x94");
}

/* One row of the groups table: name padded to w, then right-aligned numbers. */
static void text_row(struct snd_buf *b, const char *name, size_t w, const cJSON *o)
{
	char inv[SND_FMT_LEN], ans[SND_FMT_LEN], rate[SND_FMT_LEN];
	snd_fmt_count(inv, snd_json_num0(o, "invited"), TALLY_DEC);
	snd_fmt_count(ans, snd_json_num0(o, "answered"), TALLY_DEC);
	rate_cell(rate, o);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "suppressed"))) {
		/* fewer respondents than the form's min_group: no figures */
		snd_buf_puts(b, "  ");
		term_text(b, name, 40, w, -1);
		snd_buf_printf(b, "  %8s  fewer than %.0f\n", inv, snd_json_num0(o, "fewer_than"));
		return;
	}
	snd_buf_puts(b, "  ");
	term_text(b, name, 40, w, -1);
	/* the rate's dash is one column in three bytes: pad by columns */
	snd_buf_printf(b, "  %8s  %8s  %*s\n", inv, ans, (int)(7 + strlen(rate) - cols_of(rate)),
	               rate);
}

/* "region=AFR, sg=SG2;SG13": the attributes of a missing entry. */
static void attrs_line(struct snd_buf *b, const cJSON *m)
{
	const cJSON *it;
	int first = 1;
	cJSON_ArrayForEach(it, m) {
		if (!cJSON_IsString(it) || strcmp(it->string, "sub") == 0 ||
		    strcmp(it->string, "entity") == 0)
			continue;
		snd_buf_puts(b, first ? "" : ", ");
		term_text(b, it->string, 0, 0, -1);
		snd_buf_putc(b, '=');
		term_text(b, it->valuestring, 0, 0, -1);
		first = 0;
	}
}

static void write_turnout_text(struct snd_buf *b, const struct snd_form *f, const cJSON *t,
                               const char *by)
{
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(t, "groups");
	const cJSON *missing = cJSON_GetObjectItemCaseSensitive(t, "missing"), *g, *m;
	const char *title = label_in(f, &f->title, 0);
	double inv = snd_json_num0(t, "invited"), ans = snd_json_num0(t, "answered");
	double rev = snd_json_num0(t, "revoked");
	char a[SND_FMT_LEN], i[SND_FMT_LEN], r[SND_FMT_LEN], v[SND_FMT_LEN], n[SND_FMT_LEN];

	term_text(b, title ? title : f->id, 0, 0, -1);
	snd_buf_printf(b, "\nquestionnaire %s \xc2\xb7 turnout%s\n", f->id,
	               f->anonymity == SND_PSEUDONYMOUS ? " \xc2\xb7 pseudonymous" : "");
	snd_fmt_count(i, inv, TALLY_DEC);
	snd_fmt_count(a, ans, TALLY_DEC);
	snd_fmt_count(v, rev, TALLY_DEC);
	snd_fmt_count(n, inv - ans - rev, TALLY_DEC);
	rate_cell(r, t);
	snd_buf_printf(b, "%s of %s invited answered (%s) \xc2\xb7 %s revoked \xc2\xb7 "
	               "%s not answered yet\n", a, i, r, v, n);

	if (by != NULL && cJSON_IsObject(groups)) {
		size_t w = cols_of(by);
		cJSON_ArrayForEach(g, groups) {
			size_t c = cols_of(g->string);
			if (c > w)
				w = c;
		}
		if (w > 40)
			w = 40;
		snd_buf_puts(b, "\n  ");
		term_text(b, by, 40, w, -1);
		snd_buf_printf(b, "  %8s  %8s  %7s\n", "invited", "answered", "rate");
		cJSON_ArrayForEach(g, groups)
			text_row(b, g->string, w, g);
	}
	if (cJSON_IsArray(missing)) {
		size_t we = strlen("entity"), ws = strlen("id");
		cJSON_ArrayForEach(m, missing) {
			size_t ce = cols_of(snd_json_str(m, "entity")), cs = cols_of(snd_json_str(m, "sub"));
			we = ce > we ? ce : we;
			ws = cs > ws ? cs : ws;
		}
		we = we > 40 ? 40 : we;
		ws = ws > 40 ? 40 : ws;
		snd_fmt_count(n, cJSON_GetArraySize(missing), TALLY_DEC);
		snd_buf_printf(b, "\nnot answered yet (%s), by entity then id:\n", n);
		if (missing->child == NULL) {
			snd_buf_puts(b, "  nobody\n");
			return;
		}
		snd_buf_puts(b, "  ");
		term_text(b, "entity", 0, we, -1);
		snd_buf_puts(b, "  ");
		term_text(b, "id", 0, ws, -1);
		snd_buf_puts(b, "  attributes\n");
		cJSON_ArrayForEach(m, missing) {
			snd_buf_puts(b, "  ");
			term_text(b, snd_json_str(m, "entity"), 40, we, -1);
			snd_buf_puts(b, "  ");
			term_text(b, snd_json_str(m, "sub"), 40, ws, -1);
			snd_buf_puts(b, "  ");
			attrs_line(b, m);
			snd_buf_putc(b, '\n');
		}
	}
}

/* ------------------------------------------------------------------- csv */

static void csv_num(struct snd_buf *b, const cJSON *o, const char *key)
{
	char n[40];
	double v;
	snd_buf_putc(b, ',');
	if (snd_json_num(o, key, &v)) {
		snd_num_exact(n, v);
		snd_buf_puts(b, n);
	}
}

static void csv_group(struct snd_buf *b, const char *name, const cJSON *o)
{
	snd_buf_csv(b, name);
	csv_num(b, o, "invited");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "suppressed"))) {
		/* fewer respondents than the form's min_group: no figure */
		snd_buf_printf(b, ",fewer than %.0f,", snd_json_num0(o, "fewer_than"));
		snd_buf_puts(b, "\r\n");
		return;
	}
	csv_num(b, o, "answered");
	csv_num(b, o, "rate"); /* empty when null */
	snd_buf_puts(b, "\r\n");
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* sub,entity, then the union of the attribute names sorted byte-wise (as
 * `tally export`), one row per delegate who has not answered. */
static int write_missing_csv(struct snd_buf *b, const cJSON *missing)
{
	const cJSON *m, *it;
	const char **k = NULL;
	size_t nk = 0, cap = 0, i, j;
	cJSON_ArrayForEach(m, missing) {
		cJSON_ArrayForEach(it, m) {
			if (strcmp(it->string, "sub") == 0 || strcmp(it->string, "entity") == 0)
				continue;
			for (j = 0; j < nk && strcmp(k[j], it->string) != 0; j++)
				;
			if (j < nk)
				continue;
			if (nk == cap) {
				const char **nkp = realloc(k, (cap ? cap * 2 : 16) * sizeof *k);
				if (nkp == NULL) {
					free(k);
					return -1;
				}
				k = nkp;
				cap = cap ? cap * 2 : 16;
			}
			k[nk++] = it->string;
		}
	}
	if (nk > 1)
		qsort(k, nk, sizeof *k, cmp_cstr);
	snd_buf_puts(b, "sub,entity");
	for (i = 0; i < nk; i++) {
		snd_buf_putc(b, ',');
		snd_buf_csv(b, k[i]);
	}
	snd_buf_puts(b, "\r\n");
	cJSON_ArrayForEach(m, missing) {
		snd_buf_csv(b, snd_json_str(m, "sub"));
		snd_buf_putc(b, ',');
		snd_buf_csv(b, snd_json_str(m, "entity"));
		for (i = 0; i < nk; i++) {
			const char *v = snd_json_str(m, k[i]);
			snd_buf_putc(b, ',');
			snd_buf_csv(b, v ? v : "");
		}
		snd_buf_puts(b, "\r\n");
	}
	free(k);
	return 0;
}

/* ------------------------------------------------------------------ json */

/* --------------------------------------------------------------- command */

int cmd_turnout(int argc, char **argv)
{
	const char *db = NULL, *form = NULL, *by = NULL, *format = NULL, *outp = NULL,
	           *missing = NULL;
	struct opt opts[] = {
		{"db", 1, &db, NULL, NULL},         {"form", 1, &form, NULL, NULL},
		{"by", 1, &by, NULL, NULL},         {"format", 1, &format, NULL, NULL},
		{"out", 1, &outp, NULL, NULL},      {"missing", 0, &missing, NULL, NULL},
		{NULL, 0, NULL, NULL, NULL},
	};
	struct snd_turnout_opts to;
	struct snd_form *f = NULL;
	struct snd_store *s = NULL;
	cJSON *t = NULL;
	struct snd_buf b;
	struct out o;
	char err[1024] = "";
	enum snd_err e;
	enum tfmt fmt = T_TEXT;
	int help, rc, i;

	rc = opts_parse(argc, argv, opts, &help, NULL, NULL);
	if (help) {
		fputs(turnout_usage, stdout);
		return 0;
	}
	if (rc)
		return rc;
	if (db == NULL || form == NULL)
		return tally_usage("turnout", "%s is required", db == NULL ? "--db" : "--form");
	if (format) {
		for (i = 0; i < T__MAX && strcmp(format, tfmt_names[i]) != 0; i++)
			;
		if (i == T__MAX)
			return tally_usage("turnout", "--format must be text, json or csv, not '%s'",
			                   format);
		fmt = (enum tfmt)i;
	}
	if (by && by[0] == '\0')
		return tally_usage("turnout", "--by needs an attribute name");
	if (out_clobbers(outp, db, form))
		return EXIT_USAGE;
	if (open_form_db(form, db, &f, &s) != 0)
		return 1;
	rc = EXIT_USAGE;
	if (f->anonymity == SND_PSEUDONYMOUS && missing) {
		tally_err("--missing: %s is pseudonymous; who has not answered is never shown, only "
		          "how many (leave out --missing)", form);
		goto done;
	}
	if (f->anonymity == SND_PSEUDONYMOUS && by && !snd_form_attr_public(f, by)) {
		char pub[512];
		rc = 1;
		tally_err("--by %s: %s is pseudonymous; a breakdown by %s is not allowed; its public "
		          "attributes: %s", by, form, by, snd_form_public_list(f, pub, sizeof pub));
		goto done;
	}
	rc = 1;
	to.by = by;
	to.missing = missing != NULL;
	if ((e = snd_turnout_roll(s, f, &to, &t, err, sizeof err)) != SND_OK) {
		tally_err("%s: %s", db, err[0] ? err : snd_strerror(e));
		goto done;
	}
	snd_buf_init(&b, (size_t)1 << 30);
	if (fmt == T_JSON) {
		tally_json_pretty(&b, t, 0);
		snd_buf_putc(&b, '\n');
	} else if (fmt == T_CSV && missing) {
		if (write_missing_csv(&b, cJSON_GetObjectItemCaseSensitive(t, "missing")) != 0)
			b.failed = 1;
	} else if (fmt == T_CSV) {
		const cJSON *g;
		snd_buf_puts(&b, "group,invited,answered,rate\r\n");
		csv_group(&b, "", t);
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(t, "groups"))
			csv_group(&b, g->string, g);
	} else {
		write_turnout_text(&b, f, t, by);
	}
	if (b.failed) {
		tally_err("out of memory");
	} else if (out_open(&o, outp) == 0) {
		if (out_buf(&o, &b) != 0)
			out_abort(&o);
		else
			rc = out_close(&o);
	}
	snd_buf_free(&b);
done:
	cJSON_Delete(t);
	snd_store_close(s);
	snd_form_free(f);
	return rc;
}
