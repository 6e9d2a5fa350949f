/* fmt.c - what the summary writers (text.c, tables.c, summary.c) share.
 *
 * This file owns:
 *   1. display cells: fields of the engine's summary object through core's
 *      formats (core/fmt.c: snd_fmt_*, snd_json_*), with a point;
 *   2. the document walk (walk_summary: the whole, then each group), the
 *      position questions "at a glance" (each_glance), outcomes and their
 *      wording, section headings, option labels;
 *   3. the objections and comments, from the tree or straight from the
 *      engine (struct lists), flushed to the output as they come.
 * (The summary's JSON is written by the engine itself: snd_tally_write_json;
 * tally_json_pretty prints other trees, turnout's and trend's, the same way.)
 *
 * Invariants:
 *   1. Display formats round; no number is formatted here but through
 *      core's snd_fmt_* (one way to show a share everywhere).
 *   2. A missing or mistyped field reads as absent (NULL, 0 or "—"), never
 *      as a crash: the writers trust the engine, not blindly.
 *   3. An overflowed statistic (inf, nan) reads as printf shows it, as
 *      `tally` always wrote it; everything else is core's snd_fmt_*.
 */
#include "tally.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------- display cells */

/* A field of the summary tree through core's display formats (fmt.c).
 * One thing is kept as `tally` always printed it: a statistic that
 * overflowed (the mean of `number` answers near DBL_MAX: inf, which the
 * JSON writes as null) reads as printf shows it, where core would show a
 * dash. */
void cell_stat(char out[SND_FMT_LEN], const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	double d = 0;
	int def = snd_json_num(o, key, &d);
	if (!def && cJSON_IsNumber(v)) /* non-finite */
		snprintf(out, SND_FMT_LEN, "%.2f", v->valuedouble);
	else
		snd_fmt_stat(out, d, def, TALLY_DEC);
}

void cell_value(char out[SND_FMT_LEN], const cJSON *o, const char *key)
{
	double d = 0;
	int def = snd_json_num(o, key, &d);
	snd_fmt_value(out, d, def, TALLY_DEC);
}

void cell_point(char out[SND_FMT_LEN], const cJSON *o, const char *key)
{
	double d = 0;
	if (snd_json_num(o, key, &d))
		snd_fmt_count(out, d, TALLY_DEC);
	else
		snd_fmt_stat(out, 0, 0, TALLY_DEC); /* the dash */
}

/* ------------------------------------------------------ summary reading */

const char *entry_entity(const struct snd_form *f, const cJSON *entry)
{
	return f->anonymity == SND_PSEUDONYMOUS ? NULL : snd_json_str(entry, "entity");
}

enum outcome position_outcome(const cJSON *qs, char n[SND_FMT_LEN], const char **plural)
{
	double objections = snd_json_num0(qs, "object");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus")))
		return OUTCOME_CONSENSUS;
	if (objections > 0) {
		snd_fmt_count(n, objections, TALLY_DEC);
		*plural = objections == 1 ? "" : "s";
		return OUTCOME_OBJECTED;
	}
	return OUTCOME_NONE;
}

void put_outcome(struct snd_buf *b, enum outcome oc, const char *n, const char *plural,
                 const struct outcome_words *w)
{
	if (oc == OUTCOME_CONSENSUS)
		snd_buf_puts(b, w->consensus);
	else if (oc == OUTCOME_OBJECTED)
		snd_buf_printf(b, "%s%s sustained objection%s%s", w->pre, n, plural, w->post);
	else
		snd_buf_puts(b, w->none);
}

const char *opt_label(const struct snd_form *f, int lang, const struct snd_option *opts,
                             size_t n, const char *id)
{
	const struct snd_option *o = find_option(opts, n, id);
	const char *l = o ? label_in(f, &o->label, lang) : NULL;
	return l ? l : (id ? id : "?");
}

const struct snd_question *question_of(const struct snd_form *f, const cJSON *qs)
{
	const char *id = snd_json_str(qs, "id");
	int i = id ? snd_form_question(f, id) : -1;
	return i >= 0 ? &f->questions[i] : NULL;
}


const char *section_heading(const struct snd_form *f, int lang, const struct snd_question *q,
                            int headings, size_t *cur)
{
	const char *t;
	if (!headings || q->section == *cur || q->section >= f->nsections)
		return NULL;
	*cur = q->section;
	t = label_in(f, &f->sections[q->section].title, lang);
	return t ? t : f->sections[q->section].id;
}

/* ------------------------------------------------------ document walk */

void each_glance(const struct snd_form *f, const cJSON *questions, glance_fn fn, void *ctx)
{
	const cJSON *qs;
	int first = 1;
	cJSON_ArrayForEach(qs, questions) {
		struct glance g;
		g.q = question_of(f, qs);
		if (g.q == NULL || g.q->type != SND_Q_POSITION)
			continue;
		for (int i = 0; i < SND_POS__MAX; i++)
			snd_fmt_count(g.count[i], snd_json_num0(qs, snd_position_names[i]), TALLY_DEC);
		g.oc = position_outcome(qs, g.n, &g.plural);
		fn(ctx, &g, first);
		first = 0;
	}
}

void walk_summary(struct lists *ls, const cJSON *sum, const struct summary_writer *w, void *ctx)
{
	const cJSON *g, *questions = cJSON_GetObjectItemCaseSensitive(sum, "questions");
	const char *weight = snd_json_str(sum, "weight");
	char a[SND_FMT_LEN];
	snd_fmt_count(a, snd_json_num0(sum, "responses"), TALLY_DEC);
	w->head(ctx, a, weight && strcmp(weight, "entity") == 0 ? "entity" : "delegate", questions,
	        sum);
	ls->group = NULL;
	w->questions(ctx, questions, 1);
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(sum, "groups")) {
		ls->group = g->string;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "suppressed"))) {
			/* fewer respondents than the form's min_group: no figures */
			snprintf(a, sizeof a, "fewer than %.0f", snd_json_num0(g, "fewer_than"));
			w->group(ctx, g->string, a);
			continue;
		}
		snd_fmt_count(a, snd_json_num0(g, "responses"), TALLY_DEC);
		w->group(ctx, g->string, a);
		w->questions(ctx, cJSON_GetObjectItemCaseSensitive(g, "questions"), 0);
	}
}

/* --------------------------------------------------------------- lists */

void lists_flush(struct lists *ls, int force)
{
	struct snd_buf *b = ls->b;
	if (ls->fp == NULL || b == NULL || b->len == 0 || (!force && b->len < ((size_t)1 << 20)))
		return;
	if (!b->failed && !ls->failed && fwrite(b->data, 1, b->len, ls->fp) != b->len)
		ls->failed = 1;
	snd_buf_reset(b);
}

long entries_count(struct lists *ls, const cJSON *qs, const char *list)
{
	const char *id = snd_json_str(qs, "id");
	if (ls == NULL || ls->t == NULL)
		return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(qs, list));
	return id ? (long)snd_tally_count_items(ls->t, ls->group, id) : 0;
}

struct each {
	struct lists *ls;
	int pseudo;
	long left;
	entry_fn fn;
	void *ctx;
};

static int each_item(void *ctx, const char *entity, const char *text)
{
	struct each *e = ctx;
	if (e->left == 0)
		return 1;
	if (e->left > 0)
		e->left--;
	e->fn(e->ctx, e->pseudo ? NULL : entity, text);
	lists_flush(e->ls, 0);
	return e->ls->failed;
}

void entries_each(struct lists *ls, const struct snd_form *f, const cJSON *qs, const char *list,
                  const char *field, long max, entry_fn fn, void *ctx)
{
	const char *id = snd_json_str(qs, "id");
	if (ls == NULL || ls->t == NULL) {
		const cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, list)) {
			if (max >= 0 && max-- == 0)
				break;
			fn(ctx, entry_entity(f, it), snd_json_str(it, field));
		}
		return;
	}
	struct each e = {ls, f->anonymity == SND_PSEUDONYMOUS, max, fn, ctx};
	if (id != NULL && max != 0 &&
	    snd_tally_each_item(ls->t, ls->group, id, each_item, &e) != SND_OK)
		ls->failed = 1;
}

/* ------------------------------------------------ what was set aside
 * The lines under a summary's head (interface.md, "What the tally may
 * count"): answers set aside for a revoked link, or counted anyway, and a
 * check that was skipped.  Nothing when there is nothing to say, so the
 * usual output keeps its bytes. */
void trust_lines(struct snd_buf *b, const cJSON *sum, const char *pre, const char *post)
{
	double rv = snd_json_num0(sum, "revoked");
	const cJSON *inc = cJSON_GetObjectItemCaseSensitive(sum, "revoked_included");
	char a[SND_FMT_LEN];
	snd_fmt_count(a, rv, TALLY_DEC);
	if (rv > 0 && cJSON_IsTrue(inc))
		snd_buf_printf(b, "%s%s answer%s made with a revoked link counted "
		               "(--include-revoked)%s", pre, a, rv == 1 ? "" : "s", post);
	else if (rv > 0)
		snd_buf_printf(b, "%s%s answer%s set aside: made with a revoked link "
		               "(--include-revoked counts %s)%s", pre, a, rv == 1 ? "" : "s",
		               rv == 1 ? "it" : "them", post);
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(sum, "verified")))
		snd_buf_printf(b, "%sIntegrity check skipped (--no-verify)%s", pre, post);
}

/* ---------------------------------------------------- invited and answered */

void invited_line(struct snd_buf *b, const cJSON *sum, const char *pre, const char *post)
{
	double inv, ans;
	char a[SND_FMT_LEN], i[SND_FMT_LEN], r[SND_FMT_LEN];
	if (!snd_json_num(sum, "invited", &inv))
		return;
	if (!snd_json_num(sum, "invited_answered", &ans))
		ans = snd_json_num0(sum, "responses");
	snd_fmt_count(a, ans, TALLY_DEC);
	snd_fmt_count(i, inv, TALLY_DEC);
	if (inv > 0)
		snd_fmt_pct(r, ans / inv, TALLY_DEC);
	else
		snprintf(r, sizeof r, "%s", "\xe2\x80\x94");
	snd_buf_printf(b, "%s%s of %s invited answered (%s)%s", pre, a, i, r, post);
}

/* ---------------------------------------------------------------- JSON */

/* A tree as pretty JSON, as `tally summary --format json` prints the
 * summary: two-space indents, ": ", "{}"/"[]" when empty, numbers by
 * snd_num_exact (tally turnout and trend). */
void tally_json_pretty(struct snd_buf *b, const cJSON *v, int depth)
{
	const cJSON *it;
	char n[40];
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		int obj = cJSON_IsObject(v);
		if (v->child == NULL) {
			snd_buf_puts(b, obj ? "{}" : "[]");
			return;
		}
		snd_buf_putc(b, obj ? '{' : '[');
		cJSON_ArrayForEach(it, v) {
			snd_buf_printf(b, "\n%*s", 2 * (depth + 1), "");
			if (obj) {
				snd_buf_json_str(b, it->string);
				snd_buf_puts(b, ": ");
			}
			tally_json_pretty(b, it, depth + 1);
			if (it->next)
				snd_buf_putc(b, ',');
		}
		snd_buf_printf(b, "\n%*s%c", 2 * depth, "", obj ? '}' : ']');
	} else if (cJSON_IsString(v)) {
		snd_buf_json_str(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snd_num_exact(n, v->valuedouble);
		snd_buf_puts(b, n);
	} else if (cJSON_IsBool(v)) {
		snd_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
	} else {
		snd_buf_puts(b, "null");
	}
}
