/* fmt.c - small helpers shared by the summary writers (text.c, tables.c,
 * summary.c): typed reads of the engine's summary object, display
 * formatting of counts, shares and statistics, option labels, and the
 * objections and comments from the tree or from the engine (struct lists).
 * (The JSON is written by the engine itself: snd_tally_write_json.)
 *
 * Invariants:
 *   1. Display formats round.
 *   2. A missing or mistyped field reads as absent (NULL, 0 or "—"), never
 *      as a crash: the writers trust the engine, not blindly.
 */
#include "tally.h"

#include <math.h>
#include <string.h>

/* --------------------------------------------------------- json helpers */

const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int jnum(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v))
		return 0;
	*out = v->valuedouble;
	return 1;
}

double jnum0(const cJSON *o, const char *key)
{
	double d = 0;
	return jnum(o, key, &d) ? d : 0;
}

/* ------------------------------------------------------ display helpers */

void fmt_count(char out[40], double v)
{
	if (fabs(v - round(v)) < 1e-9)
		snprintf(out, 40, "%.0f", round(v) == 0 ? 0.0 : round(v));
	else
		snprintf(out, 40, "%.2f", v);
}

void fmt_pct(char out[40], double share)
{
	snprintf(out, 40, "%.1f%%", isfinite(share) && fabs(share) >= 0.0005 ? share * 100 : 0.0);
}

void fmt_stat(char out[40], const cJSON *o, const char *key)
{
	double d;
	if (!jnum(o, key, &d))
		snprintf(out, 40, "\xe2\x80\x94");
	else
		snprintf(out, 40, "%.2f", fabs(d) < 0.005 ? 0.0 : d);
}

/* An answer value (min, max, median of a number question): integers bare,
 * else six significant digits. */
void fmt_value(char out[40], const cJSON *o, const char *key)
{
	double d;
	if (!jnum(o, key, &d))
		snprintf(out, 40, "\xe2\x80\x94");
	else if (fabs(d - round(d)) < 1e-9)
		snprintf(out, 40, "%.0f", round(d) == 0 ? 0.0 : round(d));
	else
		snprintf(out, 40, "%.6g", d);
}

/* A scale point (a median): integers bare, weights 2 decimals, a dash
 * when absent. */
void fmt_point(char out[40], const cJSON *o, const char *key)
{
	double d;
	if (jnum(o, key, &d))
		fmt_count(out, d);
	else
		snprintf(out, 40, "\xe2\x80\x94");
}

/* ------------------------------------------------------ summary reading */

const char *entry_entity(const struct snd_form *f, const cJSON *entry)
{
	return f->anonymity == SND_PSEUDONYMOUS ? NULL : jstr(entry, "entity");
}

enum outcome position_outcome(const cJSON *qs, char n[40], const char **plural)
{
	double objections = jnum0(qs, "object");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(qs, "consensus")))
		return OUTCOME_CONSENSUS;
	if (objections > 0) {
		fmt_count(n, objections);
		*plural = objections == 1 ? "" : "s";
		return OUTCOME_OBJECTED;
	}
	return OUTCOME_NONE;
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
	const char *id = jstr(qs, "id");
	int i = id ? snd_form_question(f, id) : -1;
	return i >= 0 ? &f->questions[i] : NULL;
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
	const char *id = jstr(qs, "id");
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
	const char *id = jstr(qs, "id");
	if (ls == NULL || ls->t == NULL) {
		const cJSON *it;
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(qs, list)) {
			if (max >= 0 && max-- == 0)
				break;
			fn(ctx, entry_entity(f, it), jstr(it, field));
		}
		return;
	}
	struct each e = {ls, f->anonymity == SND_PSEUDONYMOUS, max, fn, ctx};
	if (id != NULL && max != 0 &&
	    snd_tally_each_item(ls->t, ls->group, id, each_item, &e) != SND_OK)
		ls->failed = 1;
}
