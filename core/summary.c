/* summary.c - the summary CSV: the one writer behind both
 * `tally summary --format csv` and the CSV download of the collector's
 * chair dashboard, so the two give the same bytes for the same summary.
 *
 * Owns: the long format (header group,question,type,item,measure,value,
 * one row per (group, question, item, measure)) and the exact number
 * format (snd_num_exact) that tally's other writers share.  Measures:
 * scales and matrix rows answered, mean, median, consensus, leik,
 * agreement, count per point, no_view; numbers answered, min, max, mean,
 * median, then histogram per bin (item "FROM..TO"); positions the four
 * counts, consensus, objection per item, divided_POSITION per divided
 * delegation (item the entity, --weight entity only).
 *
 * Invariants:
 *   1. RFC 4180 with CRLF; every cell goes through snd_buf_csv (quoting and
 *      the spreadsheet formula guard).
 *   2. Numbers are exact: integers bare, other values with the fewest
 *      digits (15..17) that read back to the same double.
 *   3. Entities are left out of objections and comments of pseudonymous
 *      questionnaires.
 *   4. A question the form does not know, or a missing field, is skipped
 *      or written empty, never a crash.
 */
#include "sounding.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void snd_num_exact(char out[40], double v)
{
	if (!isfinite(v)) {
		snprintf(out, 40, "null");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		/* Integers (every count with delegate weighting) without printf. */
		long long i = (long long)v;
		char tmp[24];
		size_t n = 0, k = 0;
		unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
		do {
			tmp[n++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (i < 0)
			out[k++] = '-';
		while (n)
			out[k++] = tmp[--n];
		out[k] = '\0';
		return;
	}
	/* The shortest of 15, 16, 17 significant digits that reads back. */
	snprintf(out, 40, "%.15g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, 40, "%.16g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, 40, "%.17g", v);
}

/* The fixed cells of the rows being written: group, question, type; and,
 * when streaming, where the objections and comments come from and where
 * the bytes go. */
struct csvw {
	struct snd_buf *b;
	const char *group;
	const char *qid;
	const char *type;
	struct snd_tally *t;   /* NULL: the lists are in the tree */
	const char *tgroup;    /* the group for snd_tally_each_item (NULL: the whole) */
	int pseudo;
	const char *measure;   /* "objection" or "comment" */
	FILE *fp;              /* streaming: flushed here past CSV_FLUSH bytes */
	int failed;            /* a write to fp failed */
};

#define CSV_FLUSH ((size_t)1 << 20)

static void csv_flush(struct csvw *w)
{
	if (w->fp == NULL || w->b->len == 0)
		return;
	if (!w->b->failed && !w->failed && fwrite(w->b->data, 1, w->b->len, w->fp) != w->b->len)
		w->failed = 1;
	snd_buf_reset(w->b);
}

static void csv_row(struct csvw *w, const char *item, const char *measure, const char *value)
{
	snd_buf_csv(w->b, w->group);
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, w->qid);
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, w->type);
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, item ? item : "");
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, measure);
	snd_buf_putc(w->b, ',');
	snd_buf_csv(w->b, value ? value : "");
	snd_buf_puts(w->b, "\r\n");
}

/* A row whose value is o[key]: exact when a number, else empty. */
static void csv_num(struct csvw *w, const char *item, const char *measure, const cJSON *o,
                    const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char n[40];
	if (cJSON_IsNumber(v))
		snd_num_exact(n, v->valuedouble);
	else
		n[0] = '\0';
	csv_row(w, item, measure, n);
}

/* The rows of a scale (or of one matrix row, item prefix `row`). */
static void csv_scale(struct csvw *w, const struct snd_question *q, const cJSON *o,
                      const char *row)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(o, "distribution");
	char item[SND_ID_MAX + 24], key[16];
	int v;
	csv_num(w, row, "answered", o, "answered");
	csv_num(w, row, "mean", o, "mean");
	csv_num(w, row, "median", o, "median");
	csv_num(w, row, "consensus", o, "consensus");
	csv_num(w, row, "leik", o, "leik");
	csv_num(w, row, "agreement", o, "agreement");
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		snprintf(item, sizeof item, "%s%s%d", row ? row : "", row ? ":" : "", v);
		csv_num(w, item, "count", dist, key);
	}
	csv_num(w, row, "no_view", o, "no_view");
}

/* A number question's histogram: one row per bin, item "FROM..TO" (one
 * value per bin: "4..4"), measure "histogram", value the count. */
static void csv_histogram(struct csvw *w, const cJSON *qs)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "histogram")) {
		char a[40], b[40], item[84];
		snd_num_exact(a, snd_json_num0(it, "from"));
		snd_num_exact(b, snd_json_num0(it, "to"));
		snprintf(item, sizeof item, "%s..%s", a, b);
		csv_num(w, item, "histogram", it, "count");
	}
}

/* --weight entity: a divided delegation's counts, item the entity,
 * measure "divided_" + the position, for the positions someone took. */
static void csv_divided(struct csvw *w, const cJSON *qs)
{
	const cJSON *it;
	if (w->pseudo)
		return;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "divided")) {
		const cJSON *cn = cJSON_GetObjectItemCaseSensitive(it, "counts");
		for (int i = 0; i < SND_POS__MAX; i++) {
			char m[40];
			if (snd_json_num0(cn, snd_position_names[i]) <= 0)
				continue;
			snprintf(m, sizeof m, "divided_%s", snd_position_names[i]);
			csv_num(w, snd_json_str(it, "entity"), m, cn, snd_position_names[i]);
		}
	}
}

static void csv_row(struct csvw *w, const char *item, const char *measure, const char *value);

/* One objection or comment from the engine (snd_tally_each_item). */
static int csv_item(void *ctx, const char *entity, const char *text)
{
	struct csvw *w = ctx;
	csv_row(w, w->pseudo ? NULL : entity, w->measure, text);
	if (w->b->len >= CSV_FLUSH)
		csv_flush(w);
	return w->failed || w->b->failed;
}

static void csv_items(struct csvw *w, const cJSON *qs, const char *list, const char *field,
                      const char *measure)
{
	const cJSON *it;
	if (w->t != NULL) {
		w->measure = measure;
		if (snd_tally_each_item(w->t, w->tgroup, w->qid, csv_item, w) != SND_OK)
			w->failed = 1;
		return;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, list))
		csv_row(w, w->pseudo ? NULL : snd_json_str(it, "entity"), measure, snd_json_str(it, field));
}

static void csv_questions(struct snd_buf *b, const struct snd_form *f, const cJSON *questions,
                          const char *group, struct csvw *stream)
{
	const cJSON *qs, *it, *jt;
	char n[40], item[2 * SND_ID_MAX + 8];
	int pseudo = f->anonymity == SND_PSEUDONYMOUS, i;

	cJSON_ArrayForEach(qs, questions) {
		const char *id = snd_json_str(qs, "id");
		int qi = id ? snd_form_question(f, id) : -1;
		const struct snd_question *q;
		struct csvw w;
		if (qi < 0)
			continue;
		q = &f->questions[qi];
		if (stream != NULL)
			w = *stream;
		else
			memset(&w, 0, sizeof w);
		w.b = b;
		w.group = group;
		w.pseudo = pseudo;
		w.qid = q->id;
		w.type = snd_qtype_names[q->type];
		switch (q->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI:
			csv_num(&w, NULL, "answered", qs, "answered");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "options")) {
				csv_num(&w, snd_json_str(it, "id"), "count", it, "count");
				csv_num(&w, snd_json_str(it, "id"), "share", it, "share");
			}
			csv_row(&w, NULL, "leader", snd_json_str(qs, "leader"));
			break;
		case SND_Q_SCALE:
			csv_scale(&w, q, qs, NULL);
			break;
		case SND_Q_MATRIX:
			csv_num(&w, NULL, "answered", qs, "answered");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "rows"))
				csv_scale(&w, q, it, snd_json_str(it, "id"));
			break;
		case SND_Q_RANK:
			csv_num(&w, NULL, "answered", qs, "answered");
			i = 0;
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "schulze")) {
				snprintf(n, sizeof n, "%d", ++i);
				csv_row(&w, cJSON_IsString(it) ? it->valuestring : "", "schulze_place", n);
			}
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "borda"))
				csv_num(&w, snd_json_str(it, "id"), "borda", it, "score");
			csv_row(&w, NULL, "condorcet_winner", snd_json_str(qs, "condorcet_winner"));
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "pairwise"))
				cJSON_ArrayForEach(jt, it) {
					snprintf(item, sizeof item, "%s>%s", it->string, jt->string);
					csv_num(&w, item, "pairwise", it, jt->string);
				}
			break;
		case SND_Q_POSITION:
			csv_num(&w, NULL, "answered", qs, "answered");
			for (i = 0; i < SND_POS__MAX; i++)
				csv_num(&w, NULL, snd_position_names[i], qs, snd_position_names[i]);
			csv_row(&w, NULL, "consensus",
			        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus")) ? "true"
			                                                                       : "false");
			csv_items(&w, qs, "objections", "reason", "objection");
			csv_divided(&w, qs);
			break;
		case SND_Q_NUMBER:
			csv_num(&w, NULL, "answered", qs, "answered");
			csv_num(&w, NULL, "min", qs, "min");
			csv_num(&w, NULL, "max", qs, "max");
			csv_num(&w, NULL, "mean", qs, "mean");
			csv_num(&w, NULL, "median", qs, "median");
			csv_histogram(&w, qs);
			break;
		case SND_Q_TEXT:
			csv_num(&w, NULL, "answered", qs, "answered");
			csv_items(&w, qs, "comments", "text", "comment");
			break;
		default:
			break;
		}
		if (stream != NULL) {
			stream->failed |= w.failed;
			csv_flush(stream);
		}
	}
}

/* The document; with stream set, lists come from stream->t and bytes go
 * to stream->fp as they are made. */
static enum snd_err csv_doc(struct snd_buf *out, const struct snd_form *f, const cJSON *summary,
                            struct csvw *stream)
{
	const cJSON *g;
	struct csvw w;
	memset(&w, 0, sizeof w);
	snd_buf_puts(out, "group,question,type,item,measure,value\r\n");
	w.b = out;
	w.group = "";
	w.qid = "";
	w.type = "";
	csv_num(&w, NULL, "responses", summary, "responses");
	csv_questions(out, f, cJSON_GetObjectItemCaseSensitive(summary, "questions"), "", stream);
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(summary, "groups")) {
		w.group = g->string;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "suppressed"))) {
			/* fewer respondents than the form's min_group: no figures */
			char n[40];
			snprintf(n, sizeof n, "fewer than %.0f", snd_json_num0(g, "fewer_than"));
			csv_row(&w, NULL, "responses", n);
			continue;
		}
		csv_num(&w, NULL, "responses", g, "responses");
		if (stream != NULL)
			stream->tgroup = g->string;
		csv_questions(out, f, cJSON_GetObjectItemCaseSensitive(g, "questions"), g->string,
		              stream);
	}
	if (out->failed)
		return SND_ENOMEM;
	if (stream != NULL) {
		csv_flush(stream);
		if (stream->failed)
			return SND_EIO;
	}
	return SND_OK;
}

enum snd_err snd_summary_csv(struct snd_buf *out, const struct snd_form *f, const cJSON *summary)
{
	return csv_doc(out, f, summary, NULL);
}

enum snd_err snd_summary_csv_write(FILE *fp, const struct snd_form *f, struct snd_tally *t)
{
	struct snd_buf b;
	struct csvw w;
	cJSON *summary = NULL;
	enum snd_err e = snd_tally_tree(t, 0, &summary);
	if (e != SND_OK)
		return e;
	memset(&w, 0, sizeof w);
	snd_buf_init(&b, (size_t)1 << 30);
	w.b = &b;
	w.t = t;
	w.fp = fp;
	e = csv_doc(&b, f, summary, &w);
	snd_buf_free(&b);
	cJSON_Delete(summary);
	return e;
}
