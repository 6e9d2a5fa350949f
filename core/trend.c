/* trend.c - a sounding across rounds: which forms make a series (checks
 * of "previous" and "was" across files), the tracks that follow a
 * question from round to round, and the trend document of interface.md
 * ("Rounds and the objection register"): each round's summary side by
 * side and the change between the last two.
 *
 * Every figure comes from the tally engine (snd_tally_run, once per
 * round's form); this file only matches questions and subtracts.  The
 * objection register is register.c's.
 *
 * Invariants:
 *   1. The rounds are one series in strictly increasing round order, or
 *      nothing is built (snd_series_order says why).
 *   2. A question is matched across rounds by id, or through "was" to the
 *      previous round's id; a round that does not ask it shows null.
 *   3. "change" compares the last two rounds only, and only a question
 *      both ask with the same type; a figure either round lacks (no
 *      answers, no mean) gives null, never 0.
 *   4. Same inputs, same bytes: questions in the last round's form order,
 *      groups in the order the last round's summary gives them, then the
 *      ones only earlier rounds had.
 */
#include "trend_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ tracks */

struct track_key {
	struct track t;
	int last;      /* last round that asks it */
	size_t made;   /* creation order */
};

static int cmp_track(const void *a, const void *b)
{
	const struct track_key *x = a, *y = b;
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	if (x->t.qi[x->last] != y->t.qi[y->last])
		return x->t.qi[x->last] < y->t.qi[y->last] ? -1 : 1;
	return x->made < y->made ? -1 : x->made > y->made;
}

enum snd_err tracks_make(const struct snd_form *const *forms, size_t n, struct track **out,
                         size_t *nout)
{
	struct track_key *k;
	struct track *t;
	size_t cap = 0, nt = 0, r, i, j;
	for (r = 0; r < n; r++)
		cap += forms[r]->nquestions;
	if ((k = calloc(cap ? cap : 1, sizeof *k)) == NULL)
		return SND_ENOMEM;
	for (r = 0; r < n; r++) {
		const struct snd_form *f = forms[r];
		for (i = 0; i < f->nquestions; i++) {
			const struct snd_question *q = &f->questions[i];
			const char *old = q->was ? q->was : q->id;
			size_t found = nt;
			for (j = 0; r > 0 && j < nt; j++) {
				int p = k[j].t.qi[r - 1];
				if (p >= 0 && k[j].t.qi[r] < 0 &&
				    strcmp(forms[r - 1]->questions[p].id, old) == 0) {
					found = j;
					break;
				}
			}
			if (found == nt) {
				size_t m;
				if ((k[nt].t.qi = malloc(n * sizeof *k[nt].t.qi)) == NULL)
					goto nomem;
				for (m = 0; m < n; m++)
					k[nt].t.qi[m] = -1;
				k[nt].made = nt;
				nt++;
			}
			k[found].t.qi[r] = (int)i;
			k[found].t.id = q->id;
			k[found].t.type = q->type;
			k[found].last = (int)r;
		}
	}
	qsort(k, nt, sizeof *k, cmp_track);
	if ((t = calloc(nt ? nt : 1, sizeof *t)) == NULL)
		goto nomem;
	for (j = 0; j < nt; j++)
		t[j] = k[j].t;
	free(k);
	*out = t;
	*nout = nt;
	return SND_OK;
nomem:
	for (j = 0; j < nt; j++)
		free(k[j].t.qi);
	free(k);
	return SND_ENOMEM;
}

void tracks_free(struct track *t, size_t n)
{
	size_t i;
	if (t == NULL)
		return;
	for (i = 0; i < n; i++)
		free(t[i].qi);
	free(t);
}

/* ------------------------------------------------------------ series */

enum snd_err snd_series_order(const struct snd_form *const *forms, size_t n, char *errbuf,
                              size_t errlen)
{
	size_t i;
	if (n == 0) {
		snprintf(errbuf, errlen, "no questionnaire given");
		return SND_EINVAL;
	}
	for (i = 0; i < n; i++) {
		const struct snd_form *f = forms[i];
		if (f->series == NULL) {
			snprintf(errbuf, errlen, "questionnaire '%s' belongs to no series (it has no "
			         "\"series\" and \"round\")", f->id);
			return SND_EINVAL;
		}
		if (i == 0)
			continue;
		if (strcmp(f->series, forms[0]->series) != 0) {
			snprintf(errbuf, errlen, "questionnaire '%s' is of series '%s', '%s' of series "
			         "'%s': give the rounds of one series", f->id, f->series, forms[0]->id,
			         forms[0]->series);
			return SND_EINVAL;
		}
		if (f->round <= forms[i - 1]->round) {
			snprintf(errbuf, errlen, "questionnaire '%s' (round %d) comes after '%s' (round "
			         "%d): give the rounds in round order, each once", f->id, f->round,
			         forms[i - 1]->id, forms[i - 1]->round);
			return SND_EINVAL;
		}
	}
	return SND_OK;
}

/* JSON path of question qi of f, as the loader names it. */
static void question_path(const struct snd_form *f, size_t qi, const char *key, char *out,
                          size_t len)
{
	const struct snd_question *q = &f->questions[qi];
	snprintf(out, len, "$.sections[%zu].questions[%zu].%s", q->section,
	         qi - f->sections[q->section].first, key);
}

void snd_series_check(const struct snd_form *const *forms, size_t n, struct snd_diag *diags)
{
	size_t i, j, k;
	char p[160];
	for (i = 0; i < n; i++) {
		const struct snd_form *f = forms[i], *prev = NULL;
		for (j = 0; j < i; j++)
			if (strcmp(forms[j]->id, f->id) == 0)
				break;
		if (j < i)
			snd_diag_add(&diags[i], "$.id", "another file given is questionnaire \"%s\" too",
			             f->id);
		if (f->previous == NULL)
			continue;
		for (j = 0; j < n && prev == NULL; j++)
			if (j != i && strcmp(forms[j]->id, f->previous) == 0)
				prev = forms[j];
		if (prev == NULL) {
			snd_diag_add(&diags[i], "$.previous", "names \"%s\", which is not among the files "
			             "given; check the rounds together (collector check ROUND1.json "
			             "ROUND2.json)", f->previous);
			continue;
		}
		if (prev->series == NULL || strcmp(prev->series, f->series) != 0) {
			snd_diag_add(&diags[i], "$.previous", "names \"%s\", which is not a round of "
			             "series \"%s\" (its series: %s)", f->previous, f->series,
			             prev->series ? prev->series : "none");
			continue;
		}
		if (prev->round >= f->round) {
			snd_diag_add(&diags[i], "$.previous", "names \"%s\", round %d, which is not an "
			             "earlier round than this one (round %d)", f->previous, prev->round,
			             f->round);
			continue;
		}
		for (k = 0; k < f->nquestions; k++) {
			const struct snd_question *q = &f->questions[k];
			const char *old = q->was ? q->was : q->id;
			size_t m;
			if (q->was && snd_form_question(prev, q->was) < 0) {
				question_path(f, k, "was", p, sizeof p);
				snd_diag_add(&diags[i], p, "names \"%s\", which is no question of the "
				             "previous round \"%s\"", q->was, prev->id);
				continue;
			}
			if (snd_form_question(prev, old) < 0)
				continue;
			for (m = 0; m < k; m++) {
				const struct snd_question *o = &f->questions[m];
				if (strcmp(o->was ? o->was : o->id, old) == 0)
					break;
			}
			if (m < k) {
				question_path(f, k, q->was ? "was" : "id", p, sizeof p);
				snd_diag_add(&diags[i], p, "question \"%s\" of the previous round is already "
				             "continued by \"%s\"; give one of them another \"was\" or id",
				             old, f->questions[m].id);
			}
		}
	}
}

/* ------------------------------------------------------------ change */

/* The difference b - a of the finite numbers a[key] and b[key], or null. */
static cJSON *diff(const cJSON *a, const cJSON *b, const char *key)
{
	double x, y;
	if (snd_json_num(a, key, &x) && snd_json_num(b, key, &y))
		return cJSON_CreateNumber(y - x);
	return cJSON_CreateNull();
}

/* The difference of two shares count/answered, or null when a round has
 * no answers. */
static cJSON *share_diff(const cJSON *a, const cJSON *b, const char *key)
{
	double na = snd_json_num0(a, "answered"), nb = snd_json_num0(b, "answered");
	if (na <= 0 || nb <= 0)
		return cJSON_CreateNull();
	return cJSON_CreateNumber(snd_json_num0(b, key) / nb - snd_json_num0(a, key) / na);
}

/* The member of list whose "id" is id, or NULL. */
static const cJSON *by_id(const cJSON *list, const char *id)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, list) {
		const char *s = snd_json_str(e, "id");
		if (s && strcmp(s, id) == 0)
			return e;
	}
	return NULL;
}

static void scale_change(cJSON *to, const cJSON *a, const cJSON *b)
{
	cJSON_AddItemToObject(to, "mean", diff(a, b, "mean"));
	cJSON_AddItemToObject(to, "consensus", diff(a, b, "consensus"));
}

/* The change from question summary a to b (both of type t), or NULL when
 * out of memory. */
static cJSON *change_of(enum snd_qtype t, const cJSON *a, const cJSON *b)
{
	cJSON *c = cJSON_CreateObject(), *m;
	const cJSON *e;
	int i;
	if (c == NULL)
		return NULL;
	switch (t) {
	case SND_Q_POSITION:
		for (i = 0; i < SND_POS__MAX; i++)
			cJSON_AddItemToObject(c, snd_position_names[i],
			                      share_diff(a, b, snd_position_names[i]));
		break;
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
		m = cJSON_AddObjectToObject(c, "options");
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(b, "options")) {
			const char *id = snd_json_str(e, "id");
			const cJSON *old;
			if (id == NULL || m == NULL)
				continue;
			old = by_id(cJSON_GetObjectItemCaseSensitive(a, "options"), id);
			cJSON_AddItemToObject(m, id, old && snd_json_num0(a, "answered") > 0 &&
			                                     snd_json_num0(b, "answered") > 0
			                                 ? diff(old, e, "share")
			                                 : cJSON_CreateNull());
		}
		break;
	case SND_Q_SCALE:
		scale_change(c, a, b);
		break;
	case SND_Q_MATRIX:
		m = cJSON_AddObjectToObject(c, "rows");
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(b, "rows")) {
			const char *id = snd_json_str(e, "id");
			const cJSON *old;
			cJSON *r;
			if (id == NULL || m == NULL)
				continue;
			old = by_id(cJSON_GetObjectItemCaseSensitive(a, "rows"), id);
			if (old == NULL) {
				cJSON_AddNullToObject(m, id);
				continue;
			}
			if ((r = cJSON_AddObjectToObject(m, id)) != NULL)
				scale_change(r, old, e);
		}
		break;
	case SND_Q_NUMBER:
		cJSON_AddItemToObject(c, "mean", diff(a, b, "mean"));
		break;
	default: /* rank and text: their figures are orders and words */
		break;
	}
	return c;
}

/* The question summary of round r for track t in that round's list qs. */
static const cJSON *round_q(const struct track *t, size_t r, const struct snd_form *f,
                            const cJSON *qs)
{
	const cJSON *e;
	if (t->qi[r] < 0 || qs == NULL)
		return NULL;
	e = cJSON_GetArrayItem(qs, t->qi[r]);
	if (e && snd_json_str(e, "id") && strcmp(snd_json_str(e, "id"), f->questions[t->qi[r]].id) == 0)
		return e;
	return by_id(qs, f->questions[t->qi[r]].id);
}

/* "questions" of the trend from each round's questions list (qs[r] NULL
 * when that round has none, as a --by group it lacks). */
static cJSON *questions_of(const struct snd_form *const *forms, size_t n, const struct track *t,
                           size_t nt, const cJSON *const *qs)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, r;
	for (i = 0; arr && i < nt; i++) {
		cJSON *o = cJSON_CreateObject(), *rs, *ch = NULL;
		const cJSON *a = NULL, *b = NULL;
		if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto nomem;
		}
		cJSON_AddStringToObject(o, "id", t[i].id);
		cJSON_AddStringToObject(o, "type", snd_qtype_names[t[i].type]);
		if ((rs = cJSON_AddArrayToObject(o, "rounds")) == NULL)
			goto nomem;
		for (r = 0; r < n; r++) {
			const cJSON *q = round_q(&t[i], r, forms[r], qs[r]);
			cJSON *d = q ? cJSON_Duplicate(q, 1) : cJSON_CreateNull();
			if (d == NULL || !cJSON_AddItemToArray(rs, d)) {
				cJSON_Delete(d);
				goto nomem;
			}
		}
		if (n >= 2) {
			a = round_q(&t[i], n - 2, forms[n - 2], qs[n - 2]);
			b = round_q(&t[i], n - 1, forms[n - 1], qs[n - 1]);
		}
		if (a && b && forms[n - 2]->questions[t[i].qi[n - 2]].type == t[i].type) {
			if ((ch = change_of(t[i].type, a, b)) == NULL)
				goto nomem;
			cJSON_AddItemToObject(o, "change", ch);
		} else {
			cJSON_AddNullToObject(o, "change");
		}
	}
	return arr;
nomem:
	cJSON_Delete(arr);
	return NULL;
}

/* The groups of a --by trend: every group name any round has, the last
 * round's order first. */
static cJSON *groups_of(const struct snd_form *const *forms, size_t n, const struct track *t,
                        size_t nt, cJSON *const *sums)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON **qs = calloc(n, sizeof *qs);
	size_t r, k;
	if (out == NULL || qs == NULL)
		goto nomem;
	for (r = n; r-- > 0;) {
		const cJSON *g;
		cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(sums[r], "groups")) {
			cJSON *o, *resp, *q;
			if (g->string == NULL || cJSON_GetObjectItemCaseSensitive(out, g->string))
				continue;
			if ((o = cJSON_AddObjectToObject(out, g->string)) == NULL ||
			    (resp = cJSON_AddArrayToObject(o, "responses")) == NULL)
				goto nomem;
			for (k = 0; k < n; k++) {
				const cJSON *gk = cJSON_GetObjectItemCaseSensitive(
					cJSON_GetObjectItemCaseSensitive(sums[k], "groups"), g->string);
				qs[k] = gk ? cJSON_GetObjectItemCaseSensitive(gk, "questions") : NULL;
				/* null: the round lacks the group, or it is smaller than
				 * min_group there and shows no figures (tally_json.c) */
				cJSON_AddItemToArray(resp, gk && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(
				                                 gk, "responses"))
				                              ? cJSON_CreateNumber(snd_json_num0(gk, "responses"))
				                              : cJSON_CreateNull());
			}
			if ((q = questions_of(forms, n, t, nt, qs)) == NULL)
				goto nomem;
			cJSON_AddItemToObject(o, "questions", q);
		}
	}
	free(qs);
	return out;
nomem:
	free(qs);
	cJSON_Delete(out);
	return NULL;
}

enum snd_err snd_trend_build(struct snd_store *s, const struct snd_form *const *forms, size_t n,
                             const struct snd_tally_opts *o, unsigned flags,
                             const struct snd_register *reg, cJSON **out, char *errbuf,
                             size_t errlen)
{
	cJSON **sums, *root = NULL, *arr, *q;
	const cJSON **qs = NULL;
	struct track *t = NULL;
	struct snd_register *own = NULL;
	size_t nt = 0, r;
	enum snd_err e;

	if ((e = snd_series_order(forms, n, errbuf, errlen)) != SND_OK)
		return e;
	if ((sums = calloc(n, sizeof *sums)) == NULL || (qs = calloc(n, sizeof *qs)) == NULL) {
		e = SND_ENOMEM;
		goto fail;
	}
	for (r = 0; r < n; r++) {
		struct snd_tally *tl = NULL;
		e = snd_tally_run_ex(s, forms[r], o, flags, 0, &tl, errbuf, errlen);
		if (e == SND_OK)
			e = snd_tally_tree(tl, 1, &sums[r]);
		snd_tally_free(tl);
		if (e != SND_OK)
			goto fail;
		qs[r] = cJSON_GetObjectItemCaseSensitive(sums[r], "questions");
	}
	if (reg == NULL) {
		if ((e = snd_register_build(s, forms, n, &own, errbuf, errlen)) != SND_OK)
			goto fail;
		if ((e = snd_register_fill_dispositions(own, s)) != SND_OK) {
			snprintf(errbuf, errlen, "reading the chairs' dispositions: %s", snd_strerror(e));
			goto fail;
		}
		reg = own;
	}
	e = SND_ENOMEM;
	if (tracks_make(forms, n, &t, &nt) != SND_OK || (root = cJSON_CreateObject()) == NULL)
		goto fail;
	cJSON_AddStringToObject(root, "series", forms[0]->series);
	cJSON_AddStringToObject(root, "weight", snd_weight_names[o->weight]);
	if ((arr = cJSON_AddArrayToObject(root, "rounds")) == NULL)
		goto fail;
	for (r = 0; r < n; r++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(forms[r]->id));
	if ((arr = cJSON_AddArrayToObject(root, "responses")) == NULL)
		goto fail;
	for (r = 0; r < n; r++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(snd_json_num0(sums[r], "responses")));
	if ((q = questions_of(forms, n, t, nt, qs)) == NULL)
		goto fail;
	cJSON_AddItemToObject(root, "questions", q);
	if (o->by) {
		cJSON_AddStringToObject(root, "by", o->by);
		if ((q = groups_of(forms, n, t, nt, sums)) == NULL)
			goto fail;
		cJSON_AddItemToObject(root, "groups", q);
	}
	if ((q = snd_register_json(reg)) == NULL)
		goto fail;
	cJSON_AddItemToObject(root, "objections", q);
	e = SND_OK;
	*out = root;
	root = NULL;
fail:
	if (e == SND_ENOMEM && errbuf && errlen)
		snprintf(errbuf, errlen, "out of memory");
	cJSON_Delete(root);
	tracks_free(t, nt);
	snd_register_free(own);
	for (r = 0; sums && r < n; r++)
		cJSON_Delete(sums[r]);
	free(sums);
	free(qs);
	return e;
}
