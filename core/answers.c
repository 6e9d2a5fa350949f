/* answers.c - checking an answers object against a loaded form
 * (snd_form_check_answers): the shapes of interface.md per question type,
 * show_if, required questions, and the cleaned copy that gets stored.
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
                             int *empty)
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
	if (k == SND_POS_OBJECT && r == NULL) {
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
	fmt_num(lo, sizeof lo, q->nmin);
	fmt_num(hi, sizeof hi, q->nmax);
	if (v < q->nmin || v > q->nmax) {
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

enum snd_err snd_form_check_answers(const struct snd_form *f, const cJSON *answers,
                                    cJSON **clean, struct snd_diag *errs)
{
	cJSON *out = NULL;
	const cJSON **cleaned = NULL, *m;
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
	for (m = answers->child; m; m = m->next) {
		if (m->string == NULL || snd_form_question(f, m->string) < 0) {
			snd_diag_add(d, m->string ? m->string : "$", "there is no such question");
			nerr++;
		}
	}
	out = cJSON_CreateObject();
	cleaned = calloc(f->nquestions ? f->nquestions : 1, sizeof *cleaned);
	applies = calloc(f->nquestions ? f->nquestions : 1, 1);
	if (out == NULL || cleaned == NULL || applies == NULL)
		goto fail;
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		const cJSON *a;
		cJSON *c = NULL;
		int empty = 0;
		size_t n0 = d->n;
		if (q->show_if_q >= 0) {
			size_t t = (size_t)q->show_if_q;
			if (!applies[t] || !show_if_matches(q, &f->questions[t], cleaned[t]))
				continue; /* does not apply: not required, answer dropped */
		}
		applies[i] = 1;
		a = cJSON_GetObjectItemCaseSensitive(answers, q->id);
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
				c = check_position(q, a, d, &empty);
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
	if (d == &local)
		snd_diag_free(&local);
	*clean = out;
	return SND_OK;
fail:
	cJSON_Delete(out);
	free(cleaned);
	free(applies);
	if (d == &local)
		snd_diag_free(&local);
	return e;
}
