/* form_question.c - the questionnaire's sections and questions: each
 * question's keys by type (options, rows, counts, scales, numbers, text
 * lengths) and show_if, resolved once every question is known.
 *
 * Part of the form loader (form.c says how the three files divide it).
 *
 * Invariants:
 *   1. Caps first: FORM_MAX_SECTIONS sections, FORM_MAX_QUESTIONS
 *      questions, FORM_MAX_OPTIONS options or rows per question,
 *      FORM_MAX_SCALE_SPAN points per scale, max_length at most
 *      FORM_MAX_TEXT.
 *   2. Every id matches [a-z0-9_]{1,64}; question and section ids are
 *      unique in the form, option and row ids within their question.
 *   3. No key is silently ignored: an unknown one is reported (with a near
 *      miss suggested), and so is one the question's type does not take.
 *   4. show_if only points backwards, at a single, multi, rank, scale or
 *      position question, with values that question can hold; so one pass
 *      in form order decides which questions apply (form.c invariant 3).
 */
#include "form_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options or rows: [{"id", "label"}] or ["id", ...]. */
static void parse_choices(struct form_ctx *c, const cJSON *q, const char *qpath, const char *key,
                          size_t minimum, const char *qtype, struct snd_option **out, size_t *nout)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, key), *m;
	static const char *const okeys[] = {"id", "label"};
	const char *what = strcmp(key, "rows") == 0 ? "row" : "option";
	char p[FORM_PATH_MAX], pp[FORM_PATH_MAX];
	size_t n, i, j;
	subpath(p, qpath, key);
	if (v == NULL) {
		form_err(c, qpath, "a %s question needs \"%s\" (at least %zu)", qtype, key, minimum);
		return;
	}
	if (!cJSON_IsArray(v)) {
		form_err(c, p, "must be a list of %ss", what);
		return;
	}
	n = (size_t)cJSON_GetArraySize(v);
	if (n < minimum) {
		form_err(c, p, "a %s question needs at least %zu %s%s", qtype, minimum, what,
		    minimum == 1 ? "" : "s");
		if (n == 0)
			return;
	}
	if (n > FORM_MAX_OPTIONS) {
		form_err(c, p, "at most %d %ss are allowed", FORM_MAX_OPTIONS, what);
		return;
	}
	*out = xcalloc(c, n, sizeof **out);
	if (*out == NULL)
		return;
	i = 0;
	for (m = v->child; m; m = m->next, i++) {
		struct snd_option *o = &(*out)[i];
		const char *id = NULL;
		form_pathf(pp, sizeof pp, "%s[%zu]", p, i);
		if (cJSON_IsString(m)) {
			if (!is_id(m->valuestring)) {
				form_err(c, pp, "\"%.64s\" is not a valid %s id (plain-string %ss are used as ids: "
				    "1 to 64 characters of a-z, 0-9 and _; use {\"id\": ..., \"label\": ...} "
				    "for a label)", m->valuestring, what, what);
				continue;
			}
			id = m->valuestring;
			if (c->nerr == 0 && !c->langs_broken) {
				size_t nl = c->f->nlanguages, l;
				o->label.text = xcalloc(c, nl, sizeof *o->label.text);
				for (l = 0; o->label.text && l < nl; l++)
					o->label.text[l] = xstrdup(c, id);
			}
		} else if (cJSON_IsObject(m)) {
			const cJSON *idv = cJSON_GetObjectItemCaseSensitive(m, "id");
			char ip[FORM_PATH_MAX];
			form_check_keys(c, m, pp, okeys, 2, what);
			subpath(ip, pp, "id");
			if (idv == NULL)
				form_err(c, pp, "the %s needs an \"id\"", what);
			else if (!cJSON_IsString(idv) || !is_id(idv->valuestring))
				form_err(c, ip, "%s ids are 1 to 64 characters of a-z, 0-9 and _", what);
			else
				id = idv->valuestring;
			form_member_label(c, m, "label", pp, &o->label, 1, *what == 'r' ? "the row" : "the option");
		} else {
			form_err(c, pp, "must be an id or an object {\"id\": ..., \"label\": ...}");
			continue;
		}
		if (id == NULL)
			continue;
		for (j = 0; j < i; j++)
			if ((*out)[j].id && strcmp((*out)[j].id, id) == 0)
				break;
		if (j < i) {
			char first[FORM_PATH_MAX];
			form_pathf(first, sizeof first, "%s[%zu]", p, j);
			form_err(c, pp, "duplicate %s id \"%s\" (first used at %s)", what, id, first);
			continue;
		}
		o->id = xstrdup(c, id);
	}
	*nout = n;
}

static const char *const question_keys[] = {
	"id", "type", "required", "text", "help", "show_if", "was", "options", "rows",
	"min", "max", "labels", "no_view", "integer", "max_length",
};
#define NQKEYS (sizeof question_keys / sizeof question_keys[0])

/* Which of the type-specific keys each type takes. */
static int key_applies(enum snd_qtype t, const char *k)
{
	static const char *const by_type[SND_Q__MAX] = {
		[SND_Q_SINGLE] = " options ",
		[SND_Q_MULTI] = " options min max ",
		[SND_Q_SCALE] = " min max labels no_view ",
		[SND_Q_MATRIX] = " rows min max labels no_view ",
		[SND_Q_RANK] = " options min max ",
		[SND_Q_POSITION] = " max_length ",
		[SND_Q_NUMBER] = " min max integer ",
		[SND_Q_TEXT] = " max_length ",
	};
	char pat[80];
	if (in_list(k, question_keys, 7))
		return 1;
	snprintf(pat, sizeof pat, " %s ", k);
	return strstr(by_type[t], pat) != NULL;
}

static void parse_counts(struct form_ctx *c, const cJSON *q, const char *qpath, struct snd_question *qq)
{
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(q, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(q, "max");
	char p[FORM_PATH_MAX];
	long lo = qq->type == SND_Q_RANK ? 1 : 0, hi = (long)qq->noptions;
	int ok = 1;
	if (qq->noptions == 0)
		return; /* the options are wrong; counts cannot be judged */
	if (mn) {
		subpath(p, qpath, "min");
		if (get_int(mn, 0, (long)qq->noptions, &lo) != 0) {
			form_err(c, p, "must be a whole number of options from 0 to %zu", qq->noptions);
			ok = 0;
		}
	}
	if (mx) {
		subpath(p, qpath, "max");
		if (get_int(mx, 1, (long)qq->noptions, &hi) != 0) {
			form_err(c, p, "must be a whole number of options from 1 to %zu", qq->noptions);
			ok = 0;
		}
	}
	if (ok && lo > hi) {
		subpath(p, qpath, "min");
		form_err(c, p, "min (%ld) is greater than max (%ld)", lo, hi);
	}
	qq->min = (int)lo;
	qq->max = (int)hi;
}

static void parse_scale(struct form_ctx *c, const cJSON *q, const char *qpath, struct snd_question *qq)
{
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(q, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(q, "max");
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(q, "labels"), *m;
	char p[FORM_PATH_MAX], lp[FORM_PATH_MAX];
	long lo = 0, hi = 0;
	int ok = 1;
	const char *tn = snd_qtype_names[qq->type];
	if (mn == NULL || mx == NULL) {
		form_err(c, qpath, "a %s question needs integer \"min\" and \"max\" (e.g. 1 and 5)", tn);
		ok = 0;
	}
	if (mn && get_int(mn, -1000000, 1000000, &lo) != 0) {
		subpath(p, qpath, "min");
		form_err(c, p, "must be a whole number");
		ok = 0;
	}
	if (mx && get_int(mx, -1000000, 1000000, &hi) != 0) {
		subpath(p, qpath, "max");
		form_err(c, p, "must be a whole number");
		ok = 0;
	}
	if (ok && lo >= hi) {
		subpath(p, qpath, "max");
		form_err(c, p, "max (%ld) must be greater than min (%ld)", hi, lo);
		ok = 0;
	}
	if (ok && hi - lo > FORM_MAX_SCALE_SPAN) {
		subpath(p, qpath, "max");
		form_err(c, p, "a scale may have at most %d points (%ld to %ld has %ld)",
		    FORM_MAX_SCALE_SPAN + 1, lo, hi, hi - lo + 1);
		ok = 0;
	}
	form_get_bool(c, q, "no_view", qpath, &qq->no_view);
	if (!ok)
		return;
	qq->min = (int)lo;
	qq->max = (int)hi;
	if (labels == NULL)
		return;
	subpath(p, qpath, "labels");
	if (!cJSON_IsObject(labels)) {
		form_err(c, p, "must be an object of labels by point, e.g. {\"1\": \"Disagree\"}");
		return;
	}
	qq->scale_labels = xcalloc(c, (size_t)(hi - lo + 1), sizeof *qq->scale_labels);
	if (qq->scale_labels == NULL)
		return;
	for (m = labels->child; m; m = m->next) {
		char *end;
		long pt;
		const char *k = m->string;
		subpath(lp, p, k);
		errno = 0;
		pt = strtol(k, &end, 10);
		if (*k == '\0' || *end != '\0' || errno != 0 || (k[0] == '0' && k[1]) ||
		    k[0] == '+' || (k[0] == '-' && k[1] == '0') || isspace((unsigned char)k[0])) {
			form_err(c, lp, "label keys are the scale's points (whole numbers from %ld to %ld)",
			    lo, hi);
			continue;
		}
		if (pt < lo || pt > hi) {
			form_err(c, lp, "point %ld is outside the scale (%ld to %ld)", pt, lo, hi);
			continue;
		}
		form_parse_label(c, m, lp, &qq->scale_labels[pt - lo]);
	}
}

static void parse_number(struct form_ctx *c, const cJSON *q, const char *qpath, struct snd_question *qq)
{
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(q, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(q, "max");
	char p[FORM_PATH_MAX];
	int ok = 1;
	qq->nmin = -HUGE_VAL;
	qq->nmax = HUGE_VAL;
	if (mn) {
		subpath(p, qpath, "min");
		if (!cJSON_IsNumber(mn) || !isfinite(mn->valuedouble)) {
			form_err(c, p, "must be a number");
			ok = 0;
		} else {
			qq->nmin = mn->valuedouble;
		}
	}
	if (mx) {
		subpath(p, qpath, "max");
		if (!cJSON_IsNumber(mx) || !isfinite(mx->valuedouble)) {
			form_err(c, p, "must be a number");
			ok = 0;
		} else {
			qq->nmax = mx->valuedouble;
		}
	}
	if (ok && qq->nmin > qq->nmax) {
		subpath(p, qpath, "min");
		form_err(c, p, "min (%g) is greater than max (%g)", qq->nmin, qq->nmax);
	}
	form_get_bool(c, q, "integer", qpath, &qq->integer);
}

static void parse_max_length(struct form_ctx *c, const cJSON *q, const char *qpath,
                             struct snd_question *qq)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "max_length");
	char p[FORM_PATH_MAX];
	long n;
	qq->max_length = FORM_DEFAULT_TEXT;
	if (v == NULL)
		return;
	subpath(p, qpath, "max_length");
	if (get_int(v, 1, FORM_MAX_TEXT, &n) != 0) {
		form_err(c, p, "must be a whole number of characters from 1 to %d", FORM_MAX_TEXT);
		return;
	}
	qq->max_length = (size_t)n;
}

/* "was": the question's id in the previous round.  That it names a
 * question there is checked across files (collector check, tally trend);
 * here only that it is an id, not the question's own, on a form with a
 * previous round (parse_series ran first). */
static void parse_was(struct form_ctx *c, const cJSON *q, const char *path,
                      struct snd_question *qq)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "was");
	char p[FORM_PATH_MAX];
	if (v == NULL)
		return;
	subpath(p, path, "was");
	if (!cJSON_IsString(v) || !is_id(v->valuestring))
		form_err(c, p, "must be the question's id in the previous round (1 to 64 characters "
		             "of a-z, 0-9 and _)");
	else if (qq->id && strcmp(v->valuestring, qq->id) == 0)
		form_err(c, p, "names the question's own id; leave \"was\" out when the id is "
		             "unchanged");
	else if (c->f->previous == NULL)
		form_err(c, p, "\"was\" needs \"previous\" at the top: the round whose question "
		             "this one renames");
	else
		qq->was = xstrdup(c, v->valuestring);
}

static void parse_question(struct form_ctx *c, const cJSON *q, size_t si, size_t qi)
{
	struct snd_form *f = c->f;
	struct snd_question *qq = &f->questions[f->nquestions];
	struct qinfo *info = &c->qi[f->nquestions];
	const cJSON *v, *m;
	char p[FORM_PATH_MAX];
	const char *path = info->path;
	int t;
	form_pathf(info->path, sizeof info->path, "$.sections[%zu].questions[%zu]", si, qi);
	f->nquestions++;
	qq->section = si;
	qq->show_if_q = -1;
	if (!cJSON_IsObject(q)) {
		form_err(c, path, "a question must be an object, not %s", json_kind(q));
		return;
	}
	form_check_keys(c, q, path, question_keys, NQKEYS, "a question");

	v = cJSON_GetObjectItemCaseSensitive(q, "id");
	subpath(p, path, "id");
	if (v == NULL) {
		form_err(c, path, "the question needs an \"id\"");
	} else if (!cJSON_IsString(v) || !is_id(v->valuestring)) {
		form_err(c, p, "question ids are 1 to 64 characters of a-z, 0-9 and _");
	} else {
		size_t j;
		for (j = 0; j + 1 < f->nquestions; j++)
			if (f->questions[j].id && strcmp(f->questions[j].id, v->valuestring) == 0)
				break;
		if (j + 1 < f->nquestions)
			form_err(c, p, "duplicate question id \"%s\" (first used at %s)", v->valuestring,
			    c->qi[j].path);
		else
			qq->id = xstrdup(c, v->valuestring);
	}

	v = cJSON_GetObjectItemCaseSensitive(q, "type");
	subpath(p, path, "type");
	t = -1;
	if (v == NULL) {
		form_err(c, path, "the question needs a \"type\" (single, multi, scale, matrix, rank, "
		             "position, number or text)");
	} else if (cJSON_IsString(v)) {
		for (t = 0; t < SND_Q__MAX; t++)
			if (strcmp(v->valuestring, snd_qtype_names[t]) == 0)
				break;
		if (t == SND_Q__MAX) {
			form_err(c, p, "unknown type \"%.64s\" (use single, multi, scale, matrix, rank, "
			          "position, number or text)", v->valuestring);
			t = -1;
		}
	} else {
		form_err(c, p, "must be a string such as \"single\"");
	}

	form_get_bool(c, q, "required", path, &qq->required);
	form_member_label(c, q, "text", path, &qq->text, 1, "the question");
	form_member_label(c, q, "help", path, &qq->help, 0, "the question");
	info->show_if = cJSON_GetObjectItemCaseSensitive(q, "show_if");
	parse_was(c, q, path, qq);
	if (t < 0)
		return;
	qq->type = (enum snd_qtype)t;
	info->type_ok = 1;
	for (m = q->child; m; m = m->next) {
		if (in_list(m->string, question_keys, NQKEYS) && !key_applies(qq->type, m->string)) {
			subpath(p, path, m->string);
			form_err(c, p, "\"%s\" does not apply to a %s question", m->string,
			    snd_qtype_names[t]);
		}
	}
	switch (qq->type) {
	case SND_Q_SINGLE:
		parse_choices(c, q, path, "options", 2, "single", &qq->options, &qq->noptions);
		break;
	case SND_Q_MULTI:
	case SND_Q_RANK:
		parse_choices(c, q, path, "options", 2, snd_qtype_names[t], &qq->options,
		              &qq->noptions);
		parse_counts(c, q, path, qq);
		break;
	case SND_Q_SCALE:
		parse_scale(c, q, path, qq);
		break;
	case SND_Q_MATRIX:
		parse_scale(c, q, path, qq);
		parse_choices(c, q, path, "rows", 1, "matrix", &qq->rows, &qq->nrows);
		break;
	case SND_Q_NUMBER:
		parse_number(c, q, path, qq);
		break;
	case SND_Q_TEXT:
	case SND_Q_POSITION:
		parse_max_length(c, q, path, qq);
		break;
	default:
		break;
	}
}

/* Second pass: show_if may only name an earlier question. */
static void resolve_show_if(struct form_ctx *c, size_t qi)
{
	struct snd_form *f = c->f;
	struct snd_question *qq = &f->questions[qi];
	const cJSON *s = c->qi[qi].show_if, *qv, *any, *m;
	static const char *const skeys[] = {"question", "any_of"};
	char p[FORM_PATH_MAX], ap[FORM_PATH_MAX], vp[FORM_PATH_MAX];
	const struct snd_question *t;
	size_t j, n, i;
	if (s == NULL)
		return;
	subpath(p, c->qi[qi].path, "show_if");
	if (!cJSON_IsObject(s)) {
		form_err(c, p, "must be an object {\"question\": ..., \"any_of\": [...]}");
		return;
	}
	form_check_keys(c, s, p, skeys, 2, "show_if");
	qv = cJSON_GetObjectItemCaseSensitive(s, "question");
	any = cJSON_GetObjectItemCaseSensitive(s, "any_of");
	subpath(ap, p, "any_of");
	if (any == NULL)
		form_err(c, p, "show_if needs \"any_of\": the answers that make this question apply");
	else if (!cJSON_IsArray(any) || cJSON_GetArraySize(any) == 0)
		form_err(c, ap, "must be a non-empty list of answers");
	subpath(vp, p, "question");
	if (qv == NULL) {
		form_err(c, p, "show_if needs \"question\": the id of an earlier question");
		return;
	}
	if (!cJSON_IsString(qv)) {
		form_err(c, vp, "must be the id of an earlier question");
		return;
	}
	for (j = 0; j < f->nquestions; j++)
		if (f->questions[j].id && strcmp(f->questions[j].id, qv->valuestring) == 0)
			break;
	if (j == f->nquestions) {
		form_err(c, vp, "no question has the id \"%.64s\"", qv->valuestring);
		return;
	}
	if (j == qi) {
		form_err(c, vp, "a question cannot depend on itself");
		return;
	}
	if (j > qi) {
		form_err(c, vp, "show_if must name an earlier question; \"%s\" comes later (at %s)",
		    qv->valuestring, c->qi[j].path);
		return;
	}
	if (!c->qi[j].type_ok)
		return;
	t = &f->questions[j];
	if (t->type == SND_Q_MATRIX || t->type == SND_Q_NUMBER || t->type == SND_Q_TEXT) {
		form_err(c, vp, "show_if cannot depend on a %s question (\"%s\"); use a single, multi, "
		           "rank, scale or position question", snd_qtype_names[t->type], t->id);
		return;
	}
	qq->show_if_q = (int)j;
	if (any == NULL || !cJSON_IsArray(any))
		return;
	n = (size_t)cJSON_GetArraySize(any);
	if (n > FORM_MAX_OPTIONS) {
		form_err(c, ap, "too many values");
		return;
	}
	qq->show_if_values = xcalloc(c, n, sizeof *qq->show_if_values);
	if (qq->show_if_values == NULL)
		return;
	i = 0;
	for (m = any->child; m; m = m->next, i++) {
		char ip[FORM_PATH_MAX], num[32];
		const char *val = NULL;
		form_pathf(ip, sizeof ip, "%s[%zu]", ap, i);
		switch (t->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI:
		case SND_Q_RANK:
			if (!cJSON_IsString(m) || option_index(t->options, t->noptions, m->valuestring) < 0)
				form_err(c, ip, "not an option id of question \"%s\"", t->id);
			else
				val = m->valuestring;
			break;
		case SND_Q_POSITION:
			if (!cJSON_IsString(m) || position_index(m->valuestring) < 0)
				form_err(c, ip, "must be support, live_with, object or abstain");
			else
				val = m->valuestring;
			break;
		case SND_Q_SCALE: {
			long pt = 0;
			int ok = 0;
			if (cJSON_IsNumber(m)) {
				ok = get_int(m, t->min, t->max, &pt) == 0;
			} else if (cJSON_IsString(m) && m->valuestring[0]) {
				char *end;
				const char *sv = m->valuestring;
				errno = 0;
				pt = strtol(sv, &end, 10);
				ok = *end == '\0' && errno == 0 && !isspace((unsigned char)sv[0]) &&
				     sv[0] != '+' && pt >= t->min && pt <= t->max;
			}
			if (!ok) {
				form_err(c, ip, "must be a point of the scale of \"%s\" (%d to %d)", t->id,
				    t->min, t->max);
			} else {
				snprintf(num, sizeof num, "%ld", pt);
				val = num;
			}
			break;
		}
		default:
			break;
		}
		if (val && (qq->show_if_values[qq->nshow_if_values] = xstrdup(c, val)) != NULL)
			qq->nshow_if_values++;
	}
}

void form_parse_sections(struct form_ctx *c, const cJSON *root)
{
	struct snd_form *f = c->f;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "sections"), *s, *q;
	static const char *const skeys[] = {"id", "title", "intro", "questions"};
	size_t ns, total = 0, si, qi, j;
	char p[FORM_PATH_MAX], pp[FORM_PATH_MAX];
	if (v == NULL) {
		form_err(c, "$", "the questionnaire needs \"sections\" (a list of sections of questions)");
		return;
	}
	if (!cJSON_IsArray(v) || (ns = (size_t)cJSON_GetArraySize(v)) == 0) {
		form_err(c, "$.sections", "must be a non-empty list of sections");
		return;
	}
	if (ns > FORM_MAX_SECTIONS) {
		form_err(c, "$.sections", "at most %d sections are allowed", FORM_MAX_SECTIONS);
		return;
	}
	for (s = v->child; s; s = s->next) {
		q = cJSON_GetObjectItemCaseSensitive(s, "questions");
		if (cJSON_IsArray(q))
			total += (size_t)cJSON_GetArraySize(q);
	}
	if (total > FORM_MAX_QUESTIONS) {
		form_err(c, "$.sections", "the questionnaire has %zu questions; at most %d are allowed",
		    total, FORM_MAX_QUESTIONS);
		return;
	}
	f->sections = xcalloc(c, ns, sizeof *f->sections);
	f->questions = xcalloc(c, total, sizeof *f->questions);
	c->qi = xcalloc(c, total, sizeof *c->qi);
	if (c->oom)
		return;
	si = 0;
	for (s = v->child; s; s = s->next, si++) {
		struct snd_section *sec = &f->sections[si];
		const cJSON *id;
		form_pathf(p, sizeof p, "$.sections[%zu]", si);
		f->nsections++;
		sec->first = f->nquestions;
		if (!cJSON_IsObject(s)) {
			form_err(c, p, "a section must be an object, not %s", json_kind(s));
			continue;
		}
		form_check_keys(c, s, p, skeys, 4, "a section");
		id = cJSON_GetObjectItemCaseSensitive(s, "id");
		subpath(pp, p, "id");
		if (id == NULL) {
			form_err(c, p, "the section needs an \"id\"");
		} else if (!cJSON_IsString(id) || !is_id(id->valuestring)) {
			form_err(c, pp, "section ids are 1 to 64 characters of a-z, 0-9 and _");
		} else {
			for (j = 0; j < si; j++)
				if (f->sections[j].id && strcmp(f->sections[j].id, id->valuestring) == 0)
					break;
			if (j < si)
				form_err(c, pp, "duplicate section id \"%s\" (first used at $.sections[%zu])",
				    id->valuestring, j);
			else
				sec->id = xstrdup(c, id->valuestring);
		}
		form_member_label(c, s, "title", p, &sec->title, 1, "the section");
		form_member_label(c, s, "intro", p, &sec->intro, 0, "the section");
		q = cJSON_GetObjectItemCaseSensitive(s, "questions");
		subpath(pp, p, "questions");
		if (q == NULL) {
			form_err(c, p, "the section needs \"questions\"");
			continue;
		}
		if (!cJSON_IsArray(q) || cJSON_GetArraySize(q) == 0) {
			form_err(c, pp, "must be a non-empty list of questions");
			continue;
		}
		qi = 0;
		for (q = q->child; q; q = q->next, qi++)
			parse_question(c, q, si, qi);
		sec->count = f->nquestions - sec->first;
	}
	for (j = 0; j < f->nquestions; j++)
		resolve_show_if(c, j);
}

