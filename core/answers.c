/* answers.c - checking an answers object against a loaded form
 * (snd_form_check_answers): the shapes of interface.md per question type,
 * show_if, required questions, and the cleaned copy that gets stored; the
 * same checks less the completeness rules for drafts (snd_form_check_draft).
 *
 * Invariants:
 *   1. Answer checking never trusts the shape of its input and never stops
 *      at the first bad answer: each question gets its own reason, keyed
 *      by its id, in words a delegate can act on.
 *   2. The cleaned answers hold only questions that apply (show_if, decided
 *      in one pass in form order since show_if only points backwards), in
 *      form order, with unanswered questions omitted.
 *   3. On failure *clean is untouched; nothing is half built.
 */
#include "form_int.h"
#include "json_int.h"

#include <stdio.h>
#include <stdlib.h>

static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* A whole number within [lo, hi], or -1. */
static int answer_int(const cJSON *v, int lo, int hi, int *out)
{
	long l;
	if (get_int(v, lo, hi, &l) != 0)
		return -1;
	*out = (int)l;
	return 0;
}

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

/* Each check_* returns a new cleaned value, or NULL with errs filled (or
 * with *empty set when the answer counts as not given). */

static cJSON *check_single(const struct snd_question *q, const cJSON *a, struct snd_diag *errs)
{
	if (!cJSON_IsString(a)) {
		snd_diag_add(errs, q->id, "choose one of the options");
		return NULL;
	}
	if (option_index(q->options, q->noptions, a->valuestring) < 0) {
		snd_diag_add(errs, q->id, "that is not one of the options; choose one of them");
		return NULL;
	}
	return cJSON_CreateString(a->valuestring);
}

static cJSON *check_choices(const struct snd_question *q, const cJSON *a, struct snd_diag *errs,
                            int *empty)
{
	const cJSON *m;
	cJSON *out;
	size_t n = 0, i;
	unsigned char seen[FORM_MAX_OPTIONS];
	int rank = q->type == SND_Q_RANK;
	if (!cJSON_IsArray(a)) {
		snd_diag_add(errs, q->id, rank ? "give the options in your order of preference"
		                               : "choose from the options");
		return NULL;
	}
	memset(seen, 0, sizeof seen);
	for (m = a->child; m; m = m->next, n++) {
		int k;
		if (!cJSON_IsString(m) || (k = option_index(q->options, q->noptions, m->valuestring)) < 0) {
			snd_diag_add(errs, q->id, "that is not one of the options");
			return NULL;
		}
		if (seen[k]) {
			snd_diag_add(errs, q->id, rank ? "each option can be ranked only once"
			                               : "each option can be chosen only once");
			return NULL;
		}
		seen[k] = 1;
	}
	if (n == 0) {
		*empty = 1;
		return NULL;
	}
	if ((long)n < q->min) {
		snd_diag_add(errs, q->id, rank ? "rank at least %d option%s" : "choose at least %d option%s",
		             q->min, plural(q->min));
		return NULL;
	}
	if ((long)n > q->max) {
		snd_diag_add(errs, q->id, rank ? "rank at most %d option%s" : "choose at most %d option%s",
		             q->max, plural(q->max));
		return NULL;
	}
	out = cJSON_CreateArray();
	for (m = a->child, i = 0; out && m; m = m->next, i++) {
		cJSON *s = cJSON_CreateString(m->valuestring);
		if (s == NULL || !cJSON_AddItemToArray(out, s)) {
			cJSON_Delete(s);
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}

static cJSON *check_scale(const struct snd_question *q, const cJSON *a, struct snd_diag *errs)
{
	int pt;
	if (cJSON_IsNull(a)) {
		if (!q->no_view) {
			snd_diag_add(errs, q->id, "choose a point from %d to %d", q->min, q->max);
			return NULL;
		}
		return cJSON_CreateNull();
	}
	if (answer_int(a, q->min, q->max, &pt) != 0) {
		snd_diag_add(errs, q->id, "choose a point from %d to %d", q->min, q->max);
		return NULL;
	}
	return cJSON_CreateNumber(pt);
}

static cJSON *check_matrix(const struct snd_question *q, const cJSON *a, struct snd_diag *errs,
                           int *empty)
{
	const cJSON *m;
	cJSON *out;
	size_t i, given = 0;
	if (!cJSON_IsObject(a)) {
		snd_diag_add(errs, q->id, "give one point per row");
		return NULL;
	}
	for (m = a->child; m; m = m->next) {
		int pt;
		if (option_index(q->rows, q->nrows, m->string) < 0) {
			snd_diag_add(errs, q->id, "there is no row \"%.64s\"", m->string);
			return NULL;
		}
		if (cJSON_IsNull(m) ? !q->no_view : answer_int(m, q->min, q->max, &pt) != 0) {
			snd_diag_add(errs, q->id, "for each row choose a point from %d to %d%s", q->min,
			             q->max, q->no_view ? " or \"no view\"" : "");
			return NULL;
		}
		given++;
	}
	if (given == 0) {
		*empty = 1;
		return NULL;
	}
	if (q->required && given < q->nrows) {
		snd_diag_add(errs, q->id, "answer every row (%zu of %zu answered)", given, q->nrows);
		return NULL;
	}
	out = cJSON_CreateObject();
	for (i = 0; out && i < q->nrows; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, q->rows[i].id);
		cJSON *c;
		if (v == NULL)
			continue;
		c = cJSON_IsNull(v) ? cJSON_CreateNull() : cJSON_CreateNumber(floor(v->valuedouble));
		if (c == NULL || !cJSON_AddItemToObject(out, q->rows[i].id, c)) {
			cJSON_Delete(c);
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}

static cJSON *check_position(const struct snd_question *q, const cJSON *a, struct snd_diag *errs,
                             int *empty, int draft)
{
	const cJSON *pos, *reason, *m;
	cJSON *out;
	int k;
	const char *r = NULL;
	if (!cJSON_IsObject(a)) {
		snd_diag_add(errs, q->id, "choose support, can live with, object or abstain");
		return NULL;
	}
	for (m = a->child; m; m = m->next) {
		if (strcmp(m->string, "position") != 0 && strcmp(m->string, "reason") != 0) {
			snd_diag_add(errs, q->id, "unexpected field \"%.64s\" (only position and reason)",
			             m->string);
			return NULL;
		}
	}
	pos = cJSON_GetObjectItemCaseSensitive(a, "position");
	reason = cJSON_GetObjectItemCaseSensitive(a, "reason");
	if (reason && !cJSON_IsNull(reason)) {
		if (!cJSON_IsString(reason)) {
			snd_diag_add(errs, q->id, "the reason must be text");
			return NULL;
		}
		if (!is_blank(reason->valuestring))
			r = reason->valuestring;
	}
	if (pos == NULL || cJSON_IsNull(pos)) {
		if (r == NULL) {
			*empty = 1;
			return NULL;
		}
		snd_diag_add(errs, q->id, "choose support, can live with, object or abstain");
		return NULL;
	}
	if (!cJSON_IsString(pos) || (k = position_index(pos->valuestring)) < 0) {
		snd_diag_add(errs, q->id, "choose support, can live with, object or abstain");
		return NULL;
	}
	if (k == SND_POS_OBJECT && r == NULL && !draft) {
		snd_diag_add(errs, q->id, "give a reason for your objection");
		return NULL;
	}
	if (r && utf8_len(r) > q->max_length) {
		snd_diag_add(errs, q->id, "the reason is too long: at most %zu characters (it has %zu)",
		             q->max_length, utf8_len(r));
		return NULL;
	}
	out = cJSON_CreateObject();
	if (out == NULL || !cJSON_AddStringToObject(out, "position", snd_position_names[k]) ||
	    (r && !cJSON_AddStringToObject(out, "reason", r))) {
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

static void fmt_num(char *out, size_t n, double v)
{
	snprintf(out, n, "%.15g", v);
}

static cJSON *check_number(const struct snd_question *q, const cJSON *a, struct snd_diag *errs)
{
	char lo[32], hi[32];
	double v;
	if (!cJSON_IsNumber(a) || !isfinite(a->valuedouble)) {
		snd_diag_add(errs, q->id, "enter a number");
		return NULL;
	}
	v = a->valuedouble;
	if (q->integer && v != floor(v)) {
		snd_diag_add(errs, q->id, "enter a whole number");
		return NULL;
	}
	if (v < q->nmin || v > q->nmax) {
		fmt_num(lo, sizeof lo, q->nmin);
		fmt_num(hi, sizeof hi, q->nmax);
		if (isfinite(q->nmin) && isfinite(q->nmax))
			snd_diag_add(errs, q->id, "enter a number from %s to %s", lo, hi);
		else if (isfinite(q->nmin))
			snd_diag_add(errs, q->id, "enter a number of at least %s", lo);
		else
			snd_diag_add(errs, q->id, "enter a number of at most %s", hi);
		return NULL;
	}
	return cJSON_CreateNumber(v == 0 ? 0 : v);
}

static cJSON *check_text(const struct snd_question *q, const cJSON *a, struct snd_diag *errs,
                         int *empty)
{
	size_t n;
	if (!cJSON_IsString(a)) {
		snd_diag_add(errs, q->id, "write your answer as text");
		return NULL;
	}
	if (is_blank(a->valuestring)) {
		*empty = 1;
		return NULL;
	}
	n = utf8_len(a->valuestring);
	if (n > q->max_length) {
		snd_diag_add(errs, q->id, "too long: at most %zu characters (yours has %zu)",
		             q->max_length, n);
		return NULL;
	}
	return cJSON_CreateString(a->valuestring);
}

/* Does the (cleaned) answer v of question t match one of q's show_if values? */
static int show_if_matches(const struct snd_question *q, const struct snd_question *t,
                           const cJSON *v)
{
	size_t i;
	const char *s = NULL;
	char num[32];
	const cJSON *m;
	if (v == NULL)
		return 0;
	switch (t->type) {
	case SND_Q_SINGLE:
		s = v->valuestring;
		break;
	case SND_Q_RANK:
		if (v->child)
			s = v->child->valuestring;
		break;
	case SND_Q_POSITION:
		m = cJSON_GetObjectItemCaseSensitive(v, "position");
		if (cJSON_IsString(m))
			s = m->valuestring;
		break;
	case SND_Q_SCALE:
		if (cJSON_IsNumber(v)) {
			snprintf(num, sizeof num, "%d", (int)v->valuedouble);
			s = num;
		}
		break;
	case SND_Q_MULTI:
		for (m = v->child; m; m = m->next)
			for (i = 0; i < q->nshow_if_values; i++)
				if (strcmp(m->valuestring, q->show_if_values[i]) == 0)
					return 1;
		return 0;
	default:
		return 0;
	}
	if (s == NULL)
		return 0;
	for (i = 0; i < q->nshow_if_values; i++)
		if (strcmp(s, q->show_if_values[i]) == 0)
			return 1;
	return 0;
}

/* snd_form_check_answers, and snd_form_check_draft when draft: a draft
 * skips what only a complete submission needs (required questions, every
 * row of a required matrix, the fewest choices or ranks, the reason of an
 * objection) and keeps every other check. */
static enum snd_err check(const struct snd_form *f, const cJSON *answers, cJSON **clean,
                          struct snd_diag *errs, int draft)
{
	cJSON *out = NULL;
	const cJSON **cleaned = NULL, **given = NULL, *m;
	unsigned char *applies = NULL;
	size_t i, nerr = 0;
	enum snd_err e = SND_ENOMEM;
	struct snd_diag local;
	struct snd_diag *d = errs;

	if (d == NULL) {
		snd_diag_init(&local);
		d = &local;
	}
	if (!cJSON_IsObject(answers)) {
		snd_diag_add(d, "$", "the answers must be a JSON object keyed by question id");
		e = SND_EINVAL;
		goto fail;
	}
	out = cJSON_CreateObject();
	cleaned = calloc(f->nquestions ? f->nquestions : 1, sizeof *cleaned);
	applies = calloc(f->nquestions ? f->nquestions : 1, 1);
	given = calloc(f->nquestions ? f->nquestions : 1, sizeof *given);
	if (out == NULL || cleaned == NULL || applies == NULL || given == NULL)
		goto fail;
	/* each member to its question once (the first, as
	 * cJSON_GetObjectItemCaseSensitive would find it) */
	for (m = answers->child; m; m = m->next) {
		int qi = m->string ? snd_form_question(f, m->string) : -1;
		if (qi < 0) {
			snd_diag_add(d, m->string ? m->string : "$", "there is no such question");
			nerr++;
		} else if (given[qi] == NULL) {
			given[qi] = m;
		}
	}
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		struct snd_question relaxed;
		const cJSON *a;
		cJSON *c = NULL;
		int empty = 0;
		size_t n0 = d->n;
		if (draft) { /* the same question without its completeness rules */
			relaxed = *q;
			relaxed.required = 0;
			if (q->type == SND_Q_MULTI || q->type == SND_Q_RANK)
				relaxed.min = 0;
			q = &relaxed;
		}
		if (q->show_if_q >= 0) {
			size_t t = (size_t)q->show_if_q;
			if (!applies[t] || !show_if_matches(q, &f->questions[t], cleaned[t]))
				continue; /* does not apply: not required, answer dropped */
		}
		applies[i] = 1;
		a = given[i];
		if (a == NULL || (cJSON_IsNull(a) && q->type != SND_Q_SCALE)) {
			empty = 1;
		} else {
			switch (q->type) {
			case SND_Q_SINGLE:
				c = check_single(q, a, d);
				break;
			case SND_Q_MULTI:
			case SND_Q_RANK:
				c = check_choices(q, a, d, &empty);
				break;
			case SND_Q_SCALE:
				c = check_scale(q, a, d);
				break;
			case SND_Q_MATRIX:
				c = check_matrix(q, a, d, &empty);
				break;
			case SND_Q_POSITION:
				c = check_position(q, a, d, &empty, draft);
				break;
			case SND_Q_NUMBER:
				c = check_number(q, a, d);
				break;
			case SND_Q_TEXT:
				c = check_text(q, a, d, &empty);
				break;
			default:
				break;
			}
		}
		if (c != NULL) {
			if (!cJSON_AddItemToObject(out, q->id, c)) {
				cJSON_Delete(c);
				goto fail;
			}
			cleaned[i] = c;
			continue;
		}
		if (empty) {
			if (q->required) {
				snd_diag_add(d, q->id, "this question is required");
				nerr++;
			}
			continue;
		}
		if (d->n == n0) /* no reason recorded: allocation failed */
			goto fail;
		nerr++;
	}
	if (nerr) {
		e = SND_EINVAL;
		goto fail;
	}
	free(cleaned);
	free(applies);
	free(given);
	if (d == &local)
		snd_diag_free(&local);
	*clean = out;
	return SND_OK;
fail:
	cJSON_Delete(out);
	free(cleaned);
	free(applies);
	free(given);
	if (d == &local)
		snd_diag_free(&local);
	return e;
}

enum snd_err snd_form_check_answers(const struct snd_form *f, const cJSON *answers,
                                    cJSON **clean, struct snd_diag *errs)
{
	return check(f, answers, clean, errs, 0);
}

enum snd_err snd_form_check_draft(const struct snd_form *f, const cJSON *answers, cJSON **clean,
                                  struct snd_diag *errs)
{
	return check(f, answers, clean, errs, 1);
}

/* ------------------------------------------------------------ from a body
 * snd_answers_from_body: the checks above, on the strict reader's nodes
 * (json_int.h) instead of cJSON, writing the canonical text of the clean
 * answers as it goes.  It never explains a refusal: anything it does not
 * accept is left to the general path, which gives the reasons.  Every
 * check mirrors its check_* counterpart above; tests/fuzz/fuzz_answers.c
 * checks that the two agree. */

struct fast_q {
	const struct jnode *a; /* the answer, when the question applies and has a clean one */
	int k;                 /* single/position: option or position index; scale: point */
	int null;              /* scale: "no view" */
	const char *reason;    /* position: the reason kept, or NULL */
};

/* get_int for a node: a whole number within [lo, hi]. */
static int fast_int(const struct jnode *v, long lo, long hi, long *out)
{
	if (v->type != JT_NUM || !isfinite(v->num) || v->num != floor(v->num) ||
	    v->num < (double)lo || v->num > (double)hi)
		return -1;
	*out = (long)v->num;
	return 0;
}

static int fast_show_if(const struct jdoc *d, const struct snd_question *q,
                        const struct snd_question *t, const struct fast_q *st)
{
	const char *s = NULL;
	char num[24];
	const struct jnode *m;
	size_t i;
	if (st->a == NULL)
		return 0;
	switch (t->type) {
	case SND_Q_SINGLE:
		s = st->a->s;
		break;
	case SND_Q_RANK:
		s = jdoc_child(d, st->a)->s;
		break;
	case SND_Q_POSITION:
		s = snd_position_names[st->k];
		break;
	case SND_Q_SCALE:
		if (st->null)
			return 0;
		snprintf(num, sizeof num, "%d", st->k);
		s = num;
		break;
	case SND_Q_MULTI:
		for (m = jdoc_child(d, st->a); m; m = jdoc_next(d, m))
			for (i = 0; i < q->nshow_if_values; i++)
				if (strcmp(m->s, q->show_if_values[i]) == 0)
					return 1;
		return 0;
	default:
		return 0;
	}
	for (i = 0; i < q->nshow_if_values; i++)
		if (strcmp(s, q->show_if_values[i]) == 0)
			return 1;
	return 0;
}

/* Checks answer a of q; 1 clean (st filled), 0 empty (not answered), -1
 * refused. */
static int fast_check(const struct jdoc *d, const struct snd_question *q, const struct jnode *a,
                      struct fast_q *st)
{
	const struct jnode *m;
	long pt;
	size_t n = 0;
	switch (q->type) {
	case SND_Q_SINGLE:
		if (a->type != JT_STR || (st->k = option_index(q->options, q->noptions, a->s)) < 0)
			return -1;
		return 1;
	case SND_Q_MULTI:
	case SND_Q_RANK: {
		unsigned char seen[FORM_MAX_OPTIONS];
		if (a->type != JT_ARR)
			return -1;
		memset(seen, 0, sizeof seen);
		for (m = jdoc_child(d, a); m; m = jdoc_next(d, m), n++) {
			int k;
			if (m->type != JT_STR || (k = option_index(q->options, q->noptions, m->s)) < 0 ||
			    seen[k])
				return -1;
			seen[k] = 1;
		}
		if (n == 0)
			return 0;
		if ((long)n < q->min || (long)n > q->max)
			return -1;
		return 1;
	}
	case SND_Q_SCALE:
		if (a->type == JT_NULL) {
			st->null = 1;
			return q->no_view ? 1 : -1;
		}
		if (fast_int(a, q->min, q->max, &pt) != 0)
			return -1;
		st->k = (int)pt;
		return 1;
	case SND_Q_MATRIX:
		if (a->type != JT_OBJ)
			return -1;
		for (m = jdoc_child(d, a); m; m = jdoc_next(d, m), n++) {
			if (option_index(q->rows, q->nrows, m->key) < 0)
				return -1;
			if (m->type == JT_NULL ? !q->no_view : fast_int(m, q->min, q->max, &pt) != 0)
				return -1;
		}
		if (n == 0)
			return 0;
		if (q->required && n < q->nrows)
			return -1;
		return 1;
	case SND_Q_POSITION: {
		const struct jnode *pos, *reason;
		if (a->type != JT_OBJ)
			return -1;
		for (m = jdoc_child(d, a); m; m = jdoc_next(d, m))
			if (strcmp(m->key, "position") != 0 && strcmp(m->key, "reason") != 0)
				return -1;
		pos = snd_jdoc_get(d, a, "position");
		reason = snd_jdoc_get(d, a, "reason");
		st->reason = NULL;
		if (reason && reason->type != JT_NULL) {
			if (reason->type != JT_STR)
				return -1;
			if (!is_blank(reason->s))
				st->reason = reason->s;
		}
		if (pos == NULL || pos->type == JT_NULL)
			return st->reason == NULL ? 0 : -1;
		if (pos->type != JT_STR || (st->k = position_index(pos->s)) < 0)
			return -1;
		if (st->k == SND_POS_OBJECT && st->reason == NULL)
			return -1;
		if (st->reason && utf8_len(st->reason) > q->max_length)
			return -1;
		return 1;
	}
	case SND_Q_NUMBER:
		if (a->type != JT_NUM || !isfinite(a->num))
			return -1;
		if (q->integer && a->num != floor(a->num))
			return -1;
		if (a->num < q->nmin || a->num > q->nmax)
			return -1;
		return 1;
	case SND_Q_TEXT:
		if (a->type != JT_STR)
			return -1;
		if (is_blank(a->s))
			return 0;
		if (utf8_len(a->s) > q->max_length)
			return -1;
		return 1;
	default:
		return -1;
	}
}

/* The canonical text of q's clean answer (what canon() writes for the
 * cJSON value the check_* above would build). */
static enum snd_err fast_emit(struct snd_buf *out, const struct jdoc *d,
                              const struct snd_question *q, const struct fast_q *st)
{
	const struct jnode *m;
	enum snd_err e = SND_OK;
	size_t i, j, nr;
	switch (q->type) {
	case SND_Q_SINGLE:
	case SND_Q_TEXT:
		return snd_canon_str(out, st->a->s);
	case SND_Q_MULTI:
	case SND_Q_RANK:
		snd_buf_putc(out, '[');
		for (m = jdoc_child(d, st->a); m && e == SND_OK; m = jdoc_next(d, m)) {
			if (m != jdoc_child(d, st->a))
				snd_buf_putc(out, ',');
			e = snd_canon_str(out, m->s);
		}
		snd_buf_putc(out, ']');
		break;
	case SND_Q_SCALE:
		if (st->null)
			return snd_buf_puts(out, "null");
		return snd_canon_num(out, (double)st->k);
	case SND_Q_MATRIX: {
		/* the rows given, in row-id order (ids are ASCII: strcmp is the
		 * UTF-16 order canon() sorts by) */
		const struct jnode *rows[FORM_MAX_OPTIONS];
		nr = 0;
		for (m = jdoc_child(d, st->a); m; m = jdoc_next(d, m)) {
			for (j = nr; j > 0 && strcmp(rows[j - 1]->key, m->key) > 0; j--)
				rows[j] = rows[j - 1];
			rows[j] = m;
			nr++;
		}
		snd_buf_putc(out, '{');
		for (i = 0; i < nr && e == SND_OK; i++) {
			if (i > 0)
				snd_buf_putc(out, ',');
			snd_canon_str(out, rows[i]->key);
			snd_buf_putc(out, ':');
			e = rows[i]->type == JT_NULL ? snd_buf_puts(out, "null")
			                             : snd_canon_num(out, floor(rows[i]->num));
		}
		snd_buf_putc(out, '}');
		break;
	}
	case SND_Q_POSITION:
		snd_buf_puts(out, "{\"position\":");
		snd_canon_str(out, snd_position_names[st->k]);
		if (st->reason) {
			snd_buf_puts(out, ",\"reason\":");
			snd_canon_str(out, st->reason);
		}
		snd_buf_putc(out, '}');
		break;
	case SND_Q_NUMBER:
		return snd_canon_num(out, st->a->num == 0 ? 0 : st->a->num);
	default:
		return SND_EINVAL;
	}
	if (e != SND_OK)
		return e;
	return out->failed ? SND_ENOMEM : SND_OK;
}

#define FAST_MAX_QUESTIONS 256

enum snd_err snd_answers_from_body(const struct snd_form *f, const char *body, size_t len,
                                   size_t max_len, struct snd_buf *canon, char hex[65])
{
	return snd_answers_from_body_salted(f, body, len, max_len, NULL, canon, hex);
}

enum snd_err snd_answers_from_body_salted(const struct snd_form *f, const char *body, size_t len,
                                          size_t max_len, const uint8_t *salt,
                                          struct snd_buf *canon, char hex[65])
{
	struct jnode nodes[256];
	char strs[4096];
	struct jdoc d;
	struct fast_q st[FAST_MAX_QUESTIONS];
	const struct jnode *given[FAST_MAX_QUESTIONS];
	size_t order[FAST_MAX_QUESTIONS];
	const struct jnode *doc, *answers, *m;
	size_t i, j, n = 0, start = canon->len;
	int first = 1;
	enum snd_err e = SND_EINVAL;

	snd_jdoc_init(&d, nodes, sizeof nodes / sizeof nodes[0], strs, sizeof strs);
	if (f->nquestions > FAST_MAX_QUESTIONS || len > max_len || canon->failed ||
	    snd_jdoc_parse(&d, body, len, SND_JSON_MAX_DEPTH) != 0)
		goto out;
	doc = &d.nodes[0];
	answers = snd_jdoc_get(&d, doc, "answers");
	if (answers == NULL || answers->type != JT_OBJ)
		goto out;
	memset(st, 0, f->nquestions * sizeof st[0]);
	memset(given, 0, f->nquestions * sizeof given[0]);
	for (m = jdoc_child(&d, answers); m; m = jdoc_next(&d, m)) {
		int qi = snd_form_question(f, m->key);
		if (qi < 0)
			goto out;
		given[qi] = m; /* keys are unique: the reader refuses repeats */
	}
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		const struct jnode *a;
		int r;
		if (q->show_if_q >= 0) {
			size_t t = (size_t)q->show_if_q;
			/* a question that did not apply has st[t].a == NULL */
			if (!fast_show_if(&d, q, &f->questions[t], &st[t]))
				continue;
		}
		a = given[i];
		if (a == NULL || (a->type == JT_NULL && q->type != SND_Q_SCALE)) {
			r = 0;
		} else {
			r = fast_check(&d, q, a, &st[i]);
			if (r < 0)
				goto out;
		}
		if (r == 0) {
			if (q->required)
				goto out;
			continue;
		}
		st[i].a = a;
		/* insert into the id order of canonical JSON (ids are ASCII) */
		for (j = n; j > 0 && strcmp(f->questions[order[j - 1]].id, q->id) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	snd_buf_putc(canon, '{');
	for (j = 0; j < n; j++) {
		const struct snd_question *q = &f->questions[order[j]];
		if (!first)
			snd_buf_putc(canon, ',');
		first = 0;
		snd_canon_str(canon, q->id);
		snd_buf_putc(canon, ':');
		if ((e = fast_emit(canon, &d, q, &st[order[j]])) != SND_OK)
			goto out;
	}
	snd_buf_putc(canon, '}');
	if (canon->failed) {
		e = SND_ENOMEM;
		goto out;
	}
	snd_answers_digest(salt, canon->data + start, canon->len - start, hex);
	e = SND_OK;
out:
	if (e != SND_OK && !canon->failed && canon->data != NULL) {
		canon->len = start; /* nothing half written */
		canon->data[start] = '\0';
	}
	snd_jdoc_free(&d);
	return e;
}
