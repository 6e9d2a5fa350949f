/* trend.c - `tally trend`: a series' rounds side by side, the change
 * between the last two, and the objection register; as JSON (core's
 * snd_trend_build, as is), text or Markdown.
 *
 * The text and Markdown writers share one model: per question, rows of
 * (measure, one cell per round, the change), cells made by core's
 * snd_fmt_* (fmt.c), so a share reads the same here as in `tally summary`.
 *
 * Invariants:
 *   1. The forms are one series in round order, each held by the database,
 *      or nothing is written (exit 1 naming the problem).
 *   2. Every figure comes from the trend document; the writers only lay
 *      it out.
 *   3. Output goes through struct out: whole or not at all.
 */
#include "tally.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char trend_usage[] =
	"usage: tally trend --db DB --form R1.json --form R2.json [--form ...]\n"
	"                   [--by ATTR] [--weight delegate|entity]\n"
	"                   [--format text|json|md] [--no-verify] [--out FILE]\n"
	"\n"
	"Puts the rounds of one series side by side (the forms in round order, all\n"
	"answered in DB): per question each round's figures and the change between\n"
	"the last two rounds (shares of answered, means, consensus), then the\n"
	"objection register: every (question, entity) that objected in any round,\n"
	"sustained first, then new, silent and withdrawn.  Questions are matched by\n"
	"id, or by a later round's \"was\".  Before counting, every stored answer is\n"
	"checked against its hash and the chain (as `tally summary` does); answers\n"
	"made with revoked links are set aside.\n"
	"\n"
	"options:\n"
	"  --db DB          the collector's database\n"
	"  --form FILE      a round's questionnaire file, once per round, earliest first\n"
	"  --by ATTR        add a breakdown by a token attribute (or entity)\n"
	"  --weight WEIGHT  delegate (default) or entity (one voice per administration)\n"
	"  --format FORMAT  text (default), json (the trend object: every round's\n"
	"                   figures, the changes and the register) or md (Markdown)\n"
	"  --no-verify      skip the check before counting\n"
	"  --out FILE       write to FILE (whole or not at all) instead of stdout\n"
	"  --help           print this help\n"
	"\n"
	"exit status: 0 written, 1 invalid input (a database, form or check that\n"
	"fails), 2 usage error.\n";

enum tfmt { TF_TEXT, TF_JSON, TF_MD };

/* ------------------------------------------------------------ the model */

#define CELLS 16 /* rounds shown side by side in text and Markdown */

struct row {
	char label[96];
	char cell[CELLS][SND_FMT_LEN];
	char change[SND_FMT_LEN];
};

struct rows {
	struct row r[256];
	size_t n;
};

enum kind { K_SHARE, K_STAT, K_COUNT };

/* The signed change cell: "▲ +10.0 pts", "▼ -0.25", "= 0", or a dash. */
static void change_cell(char out[SND_FMT_LEN], const cJSON *v, enum kind k)
{
	char num[SND_FMT_LEN];
	double d;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
		snprintf(out, SND_FMT_LEN, "\xe2\x80\x94");
		return;
	}
	d = v->valuedouble;
	if (k == K_SHARE) {
		snprintf(num, sizeof num, "%.1f pts", fabs(d) * 100);
		if (strcmp(num, "0.0 pts") == 0) {
			snprintf(out, SND_FMT_LEN, "= 0.0 pts");
			return;
		}
	} else {
		snd_fmt_stat(num, fabs(d), 1, TALLY_DEC);
		if (strcmp(num, "0.00") == 0) {
			snprintf(out, SND_FMT_LEN, "= 0.00");
			return;
		}
	}
	snprintf(out, SND_FMT_LEN, "%s %c%.32s", d > 0 ? "\xe2\x96\xb2" : "\xe2\x96\xbc",
	         d > 0 ? '+' : '-', num);
}

/* The share count/answered of a round's question summary. */
static void share_cell(char out[SND_FMT_LEN], const cJSON *qs, const char *key)
{
	double n = snd_json_num0(qs, "answered");
	if (!cJSON_IsObject(qs) || n <= 0) {
		snprintf(out, SND_FMT_LEN, "\xe2\x80\x94");
		return;
	}
	snd_fmt_pct(out, snd_json_num0(qs, key) / n, TALLY_DEC);
}

static struct row *add_row(struct rows *rs, const char *label)
{
	struct row *r;
	if (rs->n == sizeof rs->r / sizeof rs->r[0])
		return NULL;
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->label, sizeof r->label, "%s", label);
	return r;
}

/* The element of list whose "id" is id. */
static const cJSON *with_id(const cJSON *list, const char *id)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, list) {
		const char *s = snd_json_str(e, "id");
		if (s && strcmp(s, id) == 0)
			return e;
	}
	return NULL;
}

/* Rows for one question of the trend (q: {"id","type","rounds","change"}). */
static void question_rows(struct rows *rs, const cJSON *q, size_t nr)
{
	const char *type = snd_json_str(q, "type");
	const cJSON *rounds = cJSON_GetObjectItemCaseSensitive(q, "rounds");
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(q, "change"), *last = NULL, *e;
	struct row *r;
	size_t i;
	int k;
	rs->n = 0;
	if (type == NULL)
		return;
	for (i = 0; i < nr; i++)
		if (cJSON_IsObject(cJSON_GetArrayItem(rounds, (int)i)))
			last = cJSON_GetArrayItem(rounds, (int)i);
	if ((r = add_row(rs, "answered")) != NULL) {
		for (i = 0; i < nr && i < CELLS; i++) {
			const cJSON *x = cJSON_GetArrayItem(rounds, (int)i);
			if (cJSON_IsObject(x))
				snd_fmt_count(r->cell[i], snd_json_num0(x, "answered"), TALLY_DEC);
			else
				snprintf(r->cell[i], SND_FMT_LEN, "\xe2\x80\x94");
		}
		snprintf(r->change, SND_FMT_LEN, " ");
	}
	if (strcmp(type, "position") == 0) {
		for (k = 0; k < SND_POS__MAX; k++) {
			if ((r = add_row(rs, snd_position_names[k])) == NULL)
				break;
			for (i = 0; i < nr && i < CELLS; i++)
				share_cell(r->cell[i], cJSON_GetArrayItem(rounds, (int)i), snd_position_names[k]);
			change_cell(r->change, cJSON_GetObjectItemCaseSensitive(ch, snd_position_names[k]),
			            K_SHARE);
		}
		if ((r = add_row(rs, "consensus")) != NULL) {
			for (i = 0; i < nr && i < CELLS; i++) {
				const cJSON *x = cJSON_GetArrayItem(rounds, (int)i);
				const cJSON *c = cJSON_GetObjectItemCaseSensitive(x, "consensus");
				snprintf(r->cell[i], SND_FMT_LEN, "%s",
				         !cJSON_IsObject(x) || snd_json_num0(x, "answered") <= 0
				             ? "\xe2\x80\x94"
				             : cJSON_IsTrue(c) ? "yes" : "no");
			}
			snprintf(r->change, SND_FMT_LEN, " ");
		}
	} else if (strcmp(type, "single") == 0 || strcmp(type, "multi") == 0) {
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(last, "options")) {
			const char *id = snd_json_str(e, "id");
			if (id == NULL || (r = add_row(rs, id)) == NULL)
				continue;
			for (i = 0; i < nr && i < CELLS; i++) {
				const cJSON *x = cJSON_GetArrayItem(rounds, (int)i);
				const cJSON *o = with_id(cJSON_GetObjectItemCaseSensitive(x, "options"), id);
				double v;
				if (o && snd_json_num(o, "share", &v) && snd_json_num0(x, "answered") > 0)
					snd_fmt_pct(r->cell[i], v, TALLY_DEC);
				else
					snprintf(r->cell[i], SND_FMT_LEN, "\xe2\x80\x94");
			}
			change_cell(r->change,
			            cJSON_GetObjectItemCaseSensitive(
			                cJSON_GetObjectItemCaseSensitive(ch, "options"), id),
			            K_SHARE);
		}
	} else if (strcmp(type, "scale") == 0 || strcmp(type, "number") == 0) {
		static const char *const keys[] = {"mean", "consensus"};
		for (k = 0; k < (strcmp(type, "scale") == 0 ? 2 : 1); k++) {
			if ((r = add_row(rs, keys[k])) == NULL)
				break;
			for (i = 0; i < nr && i < CELLS; i++)
				cell_stat(r->cell[i], cJSON_GetArrayItem(rounds, (int)i), keys[k]);
			change_cell(r->change, cJSON_GetObjectItemCaseSensitive(ch, keys[k]), K_STAT);
		}
	} else if (strcmp(type, "matrix") == 0) {
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(last, "rows")) {
			static const char *const keys[] = {"mean", "consensus"};
			const char *id = snd_json_str(e, "id");
			char lab[96];
			for (k = 0; id && k < 2; k++) {
				snprintf(lab, sizeof lab, "%s %s", id, keys[k]);
				if ((r = add_row(rs, lab)) == NULL)
					break;
				for (i = 0; i < nr && i < CELLS; i++) {
					const cJSON *x = cJSON_GetArrayItem(rounds, (int)i);
					cell_stat(r->cell[i], with_id(cJSON_GetObjectItemCaseSensitive(x, "rows"), id),
					          keys[k]);
				}
				change_cell(r->change,
				            cJSON_GetObjectItemCaseSensitive(
				                cJSON_GetObjectItemCaseSensitive(
				                    cJSON_GetObjectItemCaseSensitive(ch, "rows"), id),
				                keys[k]),
				            K_STAT);
			}
		}
	} else if (strcmp(type, "rank") == 0 && (r = add_row(rs, "first (Schulze)")) != NULL) {
		for (i = 0; i < nr && i < CELLS; i++) {
			const cJSON *x = cJSON_GetArrayItem(rounds, (int)i);
			const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(x, "schulze"), 0);
			snprintf(r->cell[i], SND_FMT_LEN, "%.40s",
			         cJSON_IsString(s) && snd_json_num0(x, "answered") > 0 ? s->valuestring
			                                                              : "\xe2\x80\x94");
		}
		snprintf(r->change, SND_FMT_LEN, " ");
	}
}

/* ------------------------------------------------------------ writers */

/* Display width of UTF-8 text (code points; good enough for the labels,
 * figures and arrows these tables hold). */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static void pad(struct snd_buf *b, const char *s, size_t w, int right)
{
	size_t n = width(s);
	if (right)
		for (; n < w; n++)
			snd_buf_putc(b, ' ');
	snd_buf_puts(b, s);
	if (!right)
		for (; n < w; n++)
			snd_buf_putc(b, ' ');
}

/* Text or Markdown text: control characters become spaces; Markdown also
 * escapes the punctuation that starts inline syntax or ends a cell. */
static void put_text(struct snd_buf *b, const char *s, int md)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			snd_buf_putc(b, ' ');
		else if (md && strchr("\\`*_{}[]<>()#+-.!|~&", *p))
			snd_buf_printf(b, "\\%c", *p);
		else
			snd_buf_putc(b, (char)*p);
	}
}

static void write_rows(struct snd_buf *b, const struct rows *rs, const cJSON *ids, size_t nr,
                       int md)
{
	size_t wl = 7, wc[CELLS], wch = 6, i, j;
	char head[CELLS][16];
	for (j = 0; j < nr && j < CELLS; j++) {
		snprintf(head[j], sizeof head[j], "R%zu", j + 1);
		wc[j] = width(head[j]);
	}
	(void)ids;
	for (i = 0; i < rs->n; i++) {
		if (width(rs->r[i].label) > wl)
			wl = width(rs->r[i].label);
		for (j = 0; j < nr && j < CELLS; j++)
			if (width(rs->r[i].cell[j]) > wc[j])
				wc[j] = width(rs->r[i].cell[j]);
		if (width(rs->r[i].change) > wch)
			wch = width(rs->r[i].change);
	}
	if (md) {
		snd_buf_puts(b, "| measure |");
		for (j = 0; j < nr && j < CELLS; j++)
			snd_buf_printf(b, " %s |", head[j]);
		snd_buf_puts(b, " change |\n|---|");
		for (j = 0; j < nr && j < CELLS; j++)
			snd_buf_puts(b, "---:|");
		snd_buf_puts(b, "---:|\n");
		for (i = 0; i < rs->n; i++) {
			snd_buf_puts(b, "| ");
			put_text(b, rs->r[i].label, 1);
			snd_buf_puts(b, " |");
			for (j = 0; j < nr && j < CELLS; j++)
				snd_buf_printf(b, " %s |", rs->r[i].cell[j]);
			snd_buf_printf(b, " %s |\n", rs->r[i].change);
		}
		snd_buf_puts(b, "\n");
		return;
	}
	snd_buf_puts(b, "  ");
	pad(b, "", wl, 0);
	for (j = 0; j < nr && j < CELLS; j++) {
		snd_buf_puts(b, "  ");
		pad(b, head[j], wc[j], 1);
	}
	snd_buf_puts(b, "  ");
	pad(b, "change", wch, 1);
	snd_buf_puts(b, "\n");
	for (i = 0; i < rs->n; i++) {
		snd_buf_puts(b, "  ");
		pad(b, rs->r[i].label, wl, 0);
		for (j = 0; j < nr && j < CELLS; j++) {
			snd_buf_puts(b, "  ");
			pad(b, rs->r[i].cell[j], wc[j], 1);
		}
		snd_buf_puts(b, "  ");
		pad(b, rs->r[i].change, wch, 1);
		snd_buf_puts(b, "\n");
	}
	snd_buf_puts(b, "\n");
}

static void write_questions(struct snd_buf *b, const cJSON *qs, size_t nr, int md,
                            const char *hprefix)
{
	const cJSON *q;
	static struct rows rs;
	cJSON_ArrayForEach(q, qs) {
		const char *id = snd_json_str(q, "id"), *type = snd_json_str(q, "type");
		question_rows(&rs, q, nr);
		if (md) {
			snd_buf_printf(b, "%s ", hprefix);
			put_text(b, id, 1);
			snd_buf_printf(b, " (%s)\n\n", type ? type : "?");
		} else {
			snd_buf_printf(b, "%s (%s)\n", id ? id : "?", type ? type : "?");
		}
		write_rows(b, &rs, NULL, nr, md);
	}
}

/* The register: one block per entry, each round's position and reasons. */
static void write_register(struct snd_buf *b, const cJSON *reg, size_t nr, int md)
{
	const cJSON *e;
	if (md)
		snd_buf_puts(b, "## Objection register\n\n");
	else
		snd_buf_puts(b, "Objection register (sustained first, then new, silent, withdrawn)\n");
	if (cJSON_GetArraySize(reg) == 0) {
		snd_buf_puts(b, md ? "No objections in any round.\n" : "  No objections in any round.\n");
		return;
	}
	if (md) {
		size_t j;
		snd_buf_puts(b, "| status | question | entity |");
		for (j = 0; j < nr; j++)
			snd_buf_printf(b, " R%zu |", j + 1);
		snd_buf_puts(b, "\n|---|---|---|");
		for (j = 0; j < nr; j++)
			snd_buf_puts(b, "---|");
		snd_buf_puts(b, "\n");
	}
	cJSON_ArrayForEach(e, reg) {
		const char *st = snd_json_str(e, "status"), *q = snd_json_str(e, "question");
		const char *ent = snd_json_str(e, "entity");
		const cJSON *rounds = cJSON_GetObjectItemCaseSensitive(e, "rounds"), *r;
		char cnt[SND_FMT_LEN];
		size_t j = 0;
		snd_fmt_count(cnt, snd_json_num0(e, "count"), TALLY_DEC);
		if (md) {
			snd_buf_printf(b, "| **%s** | ", st ? st : "?");
			put_text(b, q, 1);
			snd_buf_puts(b, " | ");
			if (ent)
				put_text(b, ent, 1);
			else
				snd_buf_printf(b, "%s entit%s", cnt, strcmp(cnt, "1") == 0 ? "y" : "ies");
			snd_buf_puts(b, " |");
			cJSON_ArrayForEach(r, rounds) {
				const char *pos = snd_json_str(r, "position"), *why = snd_json_str(r, "reason");
				snd_buf_printf(b, " %s", pos ? pos : "\xe2\x80\x94");
				if (why) {
					snd_buf_puts(b, ": ");
					put_text(b, why, 1);
				}
				snd_buf_puts(b, " |");
				j++;
			}
			for (; j < nr; j++)
				snd_buf_puts(b, " |");
			snd_buf_puts(b, "\n");
			continue;
		}
		snd_buf_printf(b, "  %-9s  %s  ", st ? st : "?", q ? q : "?");
		if (ent)
			put_text(b, ent, 0);
		else
			snd_buf_printf(b, "%s entit%s", cnt, strcmp(cnt, "1") == 0 ? "y" : "ies");
		snd_buf_puts(b, "\n");
		cJSON_ArrayForEach(r, rounds) {
			const char *pos = snd_json_str(r, "position"), *why = snd_json_str(r, "reason");
			snd_buf_printf(b, "      R%zu %s", ++j, pos ? pos : "no answer");
			if (why) {
				snd_buf_puts(b, ": ");
				put_text(b, why, 0); /* several reasons: their line breaks read as spaces */
			}
			snd_buf_puts(b, "\n");
		}
	}
	if (md)
		snd_buf_puts(b, "\n");
}

static void write_trend(struct snd_buf *b, const cJSON *tr, int md)
{
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(tr, "rounds");
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(tr, "responses"), *x, *g;
	const char *by = snd_json_str(tr, "by");
	size_t nr = (size_t)cJSON_GetArraySize(ids), j = 0;
	char c[SND_FMT_LEN];
	if (md)
		snd_buf_puts(b, "# Trend of ");
	else
		snd_buf_puts(b, "Trend of ");
	put_text(b, snd_json_str(tr, "series"), md);
	snd_buf_printf(b, " (weight: %s)\n\n", snd_json_str(tr, "weight"));
	cJSON_ArrayForEach(x, ids) {
		snd_fmt_count(c, cJSON_IsNumber(cJSON_GetArrayItem(resp, (int)j))
		                     ? cJSON_GetArrayItem(resp, (int)j)->valuedouble
		                     : 0,
		              TALLY_DEC);
		snd_buf_printf(b, "%sR%zu: ", md ? "- " : "  ", j + 1);
		put_text(b, x->valuestring, md);
		snd_buf_printf(b, ", %s responses\n", c);
		j++;
	}
	snd_buf_puts(b, md ? "\nChange: the last round minus the one before (shares in percentage "
	                     "points).\n\n"
	                   : "  change: the last round minus the one before (shares in percentage "
	                     "points)\n\n");
	write_questions(b, cJSON_GetObjectItemCaseSensitive(tr, "questions"), nr, md,
	                md ? "##" : "");
	if (by) {
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(tr, "groups")) {
			if (md) {
				snd_buf_puts(b, "## ");
				put_text(b, by, 1);
				snd_buf_puts(b, " = ");
				put_text(b, g->string, 1);
				snd_buf_puts(b, "\n\n");
			} else {
				snd_buf_printf(b, "== %s = ", by);
				put_text(b, g->string, 0);
				snd_buf_puts(b, " ==\n\n");
			}
			write_questions(b, cJSON_GetObjectItemCaseSensitive(g, "questions"), nr, md,
			                md ? "###" : "");
		}
	}
	write_register(b, cJSON_GetObjectItemCaseSensitive(tr, "objections"), nr, md);
}

/* ------------------------------------------------------------ command */

int cmd_trend(int argc, char **argv)
{
	const char *db = NULL, *by = NULL, *weight = NULL, *format = NULL, *outp = NULL;
	const char *no_verify = NULL;
	const char **forms = NULL;
	size_t nforms = 0, i;
	struct opt opts[] = {
		{"db", 1, &db, NULL, NULL},         {"form", 1, NULL, &forms, &nforms},
		{"by", 1, &by, NULL, NULL},         {"weight", 1, &weight, NULL, NULL},
		{"format", 1, &format, NULL, NULL}, {"out", 1, &outp, NULL, NULL},
		{"no-verify", 0, &no_verify, NULL, NULL},
		{NULL, 0, NULL, NULL, NULL},
	};
	struct snd_form **f = NULL;
	struct snd_store *s = NULL;
	struct snd_tally_opts o;
	cJSON *tr = NULL;
	struct snd_buf b;
	struct out out;
	char err[512] = "";
	enum tfmt fmt = TF_TEXT;
	int help, rc;

	snd_buf_init(&b, (size_t)1 << 30);
	rc = opts_parse(argc, argv, opts, &help, NULL, NULL);
	if (help) {
		fputs(trend_usage, stdout);
		rc = 0;
		goto done;
	}
	if (rc)
		goto done;
	rc = EXIT_USAGE;
	if (db == NULL || nforms == 0) {
		tally_usage("trend", "%s is required", db == NULL ? "--db" : "--form (once per round)");
		goto done;
	}
	if (format) {
		if (strcmp(format, "json") == 0)
			fmt = TF_JSON;
		else if (strcmp(format, "md") == 0)
			fmt = TF_MD;
		else if (strcmp(format, "text") != 0) {
			tally_usage("trend", "--format must be text, json or md, not '%s'", format);
			goto done;
		}
	}
	if (weight && strcmp(weight, "delegate") != 0 && strcmp(weight, "entity") != 0) {
		tally_usage("trend", "--weight must be delegate or entity, not '%s'", weight);
		goto done;
	}
	if (by && by[0] == '\0') {
		tally_usage("trend", "--by needs an attribute name");
		goto done;
	}
	for (i = 0; i < nforms; i++)
		if (out_clobbers(outp, db, forms[i]))
			goto done;
	rc = 1;
	if ((f = calloc(nforms, sizeof *f)) == NULL) {
		tally_err("out of memory");
		goto done;
	}
	for (i = 0; i < nforms; i++) {
		struct snd_store *si = NULL;
		if (open_form_db(forms[i], db, &f[i], &si) != 0)
			goto done;
		if (s == NULL)
			s = si;
		else
			snd_store_close(si);
	}
	if (snd_series_order((const struct snd_form *const *)f, nforms, err, sizeof err) != SND_OK) {
		tally_err("%s", err);
		goto done;
	}
	if (by) {
		/* pseudonymous rounds: only the attributes each declares public */
		for (i = 0; i < nforms; i++) {
			char pub[512];
			if (snd_form_attr_public(f[i], by))
				continue;
			tally_err("--by %s: %s is pseudonymous; a breakdown by %s is not allowed; its "
			          "public attributes: %s", by, forms[i], by,
			          snd_form_public_list(f[i], pub, sizeof pub));
			rc = 1;
			goto done;
		}
	}
	o.by = by;
	o.weight = weight && strcmp(weight, "entity") == 0 ? SND_WEIGHT_ENTITY : SND_WEIGHT_DELEGATE;
	if (no_verify)
		tally_err("warning: --no-verify: the stored answers and the chain were not checked");
	if (snd_trend_build(s, (const struct snd_form *const *)f, nforms, &o,
	                    no_verify ? 0u : (unsigned)SND_TALLY_VERIFY, NULL, &tr, err,
	                    sizeof err) != SND_OK) {
		tally_err("%s: %s", db, err[0] ? err : "the trend failed");
		goto done;
	}
	if (fmt == TF_JSON) {
		tally_json_pretty(&b, tr, 0);
		snd_buf_putc(&b, '\n');
	} else {
		write_trend(&b, tr, fmt == TF_MD);
	}
	if (b.failed) {
		tally_err("out of memory");
		goto done;
	}
	if (out_open(&out, outp) != 0)
		goto done;
	if (out_buf(&out, &b) != 0) {
		out_abort(&out);
		goto done;
	}
	rc = out_close(&out);
done:
	cJSON_Delete(tr);
	snd_store_close(s);
	for (i = 0; f && i < nforms; i++)
		snd_form_free(f[i]);
	free(f);
	free(forms);
	snd_buf_free(&b);
	return rc;
}
