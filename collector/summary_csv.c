/* summary_csv.c - a summary (snd_tally_summary's JSON) as CSV, for the chair
 * dashboard's download link (GET .../summary?format=csv).
 *
 * The shape is that of `tally summary --format csv` (tally/summary.c), so a
 * chair gets the same file from the dashboard as an analyst from the
 * command line: one row per figure, columns group,question,type,item,
 * measure,value; RFC 4180 cells through snd_buf_csv (formula guard
 * included); numbers written exactly (the shortest of 15-17 significant
 * digits that reads back).  Entities are left out of objections and
 * comments of pseudonymous questionnaires.  Kept in step with tally by
 * hand: both could move to core/ as one writer.
 */
#include "http_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csvw {
	struct snd_buf *b;
	const char *group, *qid, *type;
};

static void num_exact(char out[40], double v)
{
	if (!isfinite(v)) {
		snprintf(out, 40, "null");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(out, 40, "%.0f", v == 0 ? 0.0 : v);
		return;
	}
	snprintf(out, 40, "%.15g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, 40, "%.16g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, 40, "%.17g", v);
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void row(struct csvw *w, const char *item, const char *measure, const char *value)
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

static void num(struct csvw *w, const char *item, const char *measure, const cJSON *o,
                const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char n[40];
	if (cJSON_IsNumber(v))
		num_exact(n, v->valuedouble);
	else
		n[0] = '\0';
	row(w, item, measure, n);
}

static void scale(struct csvw *w, const struct snd_question *q, const cJSON *o, const char *rowid)
{
	const cJSON *dist = cJSON_GetObjectItemCaseSensitive(o, "distribution");
	char item[SND_ID_MAX + 24], key[16];
	int v;
	num(w, rowid, "answered", o, "answered");
	num(w, rowid, "mean", o, "mean");
	num(w, rowid, "median", o, "median");
	num(w, rowid, "consensus", o, "consensus");
	for (v = q->min; v <= q->max; v++) {
		snprintf(key, sizeof key, "%d", v);
		snprintf(item, sizeof item, "%s%s%d", rowid ? rowid : "", rowid ? ":" : "", v);
		num(w, item, "count", dist, key);
	}
}

static void questions(struct snd_buf *b, const struct snd_form *f, const cJSON *qsums,
                      const char *group)
{
	const cJSON *qs, *it, *jt;
	char n[40], item[2 * SND_ID_MAX + 8];
	int pseudo = f->anonymity == SND_PSEUDONYMOUS, i;

	cJSON_ArrayForEach(qs, qsums) {
		const char *id = jstr(qs, "id");
		int qi = id ? snd_form_question(f, id) : -1;
		const struct snd_question *q;
		struct csvw w;
		if (qi < 0)
			continue;
		q = &f->questions[qi];
		w.b = b;
		w.group = group;
		w.qid = q->id;
		w.type = snd_qtype_names[q->type];
		switch (q->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI:
			num(&w, NULL, "answered", qs, "answered");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "options")) {
				num(&w, jstr(it, "id"), "count", it, "count");
				num(&w, jstr(it, "id"), "share", it, "share");
			}
			row(&w, NULL, "leader", jstr(qs, "leader"));
			break;
		case SND_Q_SCALE:
			scale(&w, q, qs, NULL);
			break;
		case SND_Q_MATRIX:
			num(&w, NULL, "answered", qs, "answered");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "rows"))
				scale(&w, q, it, jstr(it, "id"));
			break;
		case SND_Q_RANK:
			num(&w, NULL, "answered", qs, "answered");
			i = 0;
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "schulze")) {
				snprintf(n, sizeof n, "%d", ++i);
				row(&w, cJSON_IsString(it) ? it->valuestring : "", "schulze_place", n);
			}
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "borda"))
				num(&w, jstr(it, "id"), "borda", it, "score");
			row(&w, NULL, "condorcet_winner", jstr(qs, "condorcet_winner"));
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "pairwise"))
				cJSON_ArrayForEach(jt, it) {
					snprintf(item, sizeof item, "%s>%s", it->string, jt->string);
					num(&w, item, "pairwise", it, jt->string);
				}
			break;
		case SND_Q_POSITION:
			num(&w, NULL, "answered", qs, "answered");
			for (i = 0; i < SND_POS__MAX; i++)
				num(&w, NULL, snd_position_names[i], qs, snd_position_names[i]);
			row(&w, NULL, "consensus",
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus")) ? "true"
			                                                                   : "false");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "objections"))
				row(&w, pseudo ? NULL : jstr(it, "entity"), "objection", jstr(it, "reason"));
			break;
		case SND_Q_NUMBER:
			num(&w, NULL, "answered", qs, "answered");
			num(&w, NULL, "min", qs, "min");
			num(&w, NULL, "max", qs, "max");
			num(&w, NULL, "mean", qs, "mean");
			num(&w, NULL, "median", qs, "median");
			break;
		case SND_Q_TEXT:
			num(&w, NULL, "answered", qs, "answered");
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, "comments"))
				row(&w, pseudo ? NULL : jstr(it, "entity"), "comment", jstr(it, "text"));
			break;
		default:
			break;
		}
	}
}

void summary_csv(struct snd_buf *b, const struct snd_form *f, const cJSON *sum)
{
	const cJSON *g;
	struct csvw w;
	snd_buf_puts(b, "group,question,type,item,measure,value\r\n");
	w.b = b;
	w.group = "";
	w.qid = "";
	w.type = "";
	num(&w, NULL, "responses", sum, "responses");
	questions(b, f, cJSON_GetObjectItemCaseSensitive(sum, "questions"), "");
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(sum, "groups")) {
		w.group = g->string;
		num(&w, NULL, "responses", g, "responses");
		questions(b, f, cJSON_GetObjectItemCaseSensitive(g, "questions"), g->string);
	}
}
