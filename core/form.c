/* form.c - questionnaire JSON -> immutable struct snd_form.
 *
 * Owns: loading and validating form files (the schema of interface.md and
 * forms/README.md) and the lookups on a loaded form.  Checking an answers
 * object against a form is answers.c; what the two share is form_int.h.
 *
 * Invariants:
 *   1. A form is handed out only when the whole file validated; a file with
 *      problems yields every problem found (not just the first), each as a
 *      JSON path and a message the secretariat can act on.
 *   2. Caps first: SND_FORM_MAX_BYTES of text, FORM_MAX_QUESTIONS questions,
 *      FORM_MAX_OPTIONS options or rows per question, FORM_MAX_SECTIONS
 *      sections; the JSON itself passes snd_json_parse's guards.
 *   3. In a loaded form every label has a text for every language (missing
 *      translations hold a copy of the default language's text), every id
 *      matches [a-z0-9_]{1,64}, and show_if only points backwards, so one
 *      pass in form order decides which questions apply.
 *   4. A loaded form is never written again; it may be shared by threads.
 */
#include "form_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FORM_MAX_QUESTIONS 500
#define FORM_MAX_SECTIONS 500
#define FORM_MAX_SCALE_SPAN 20
#define FORM_MAX_TEXT 100000
#define FORM_DEFAULT_TEXT 2000
#define FORM_PATH_MAX 320
/* Past this many problems the rest are counted, not described: a file that
 * bad needs its first problems fixed, and describing each costs time. */
#define FORM_MAX_ERRORS 200

const char *const snd_qtype_names[SND_Q__MAX] = {
	[SND_Q_SINGLE] = "single", [SND_Q_MULTI] = "multi",   [SND_Q_SCALE] = "scale",
	[SND_Q_MATRIX] = "matrix", [SND_Q_RANK] = "rank",     [SND_Q_POSITION] = "position",
	[SND_Q_NUMBER] = "number", [SND_Q_TEXT] = "text",
};

const char *const snd_position_names[SND_POS__MAX] = {
	[SND_POS_SUPPORT] = "support", [SND_POS_LIVE_WITH] = "live_with",
	[SND_POS_OBJECT] = "object",   [SND_POS_ABSTAIN] = "abstain",
};

static const char *const anonymity_names[SND_ANON__MAX] = {
	[SND_ATTRIBUTED] = "attributed", [SND_PSEUDONYMOUS] = "pseudonymous",
};

/* ------------------------------------------------------------ loading */

struct qinfo {
	char path[64];           /* "$.sections[i].questions[j]" */
	const cJSON *show_if;    /* resolved after every question is known */
	int type_ok;
};

struct ctx {
	struct snd_form *f;
	struct snd_diag *d;
	size_t nerr;
	int oom;
	int langs_broken;        /* languages unusable: label keys not checked */
	struct qinfo *qi;
};

static void err(struct ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err(struct ctx *c, const char *path, const char *fmt, ...)
{
	struct snd_buf m;
	va_list ap;
	c->nerr++;
	if (c->d == NULL || c->nerr > FORM_MAX_ERRORS)
		return;
	snd_buf_init(&m, 4096);
	va_start(ap, fmt);
	snd_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	snd_diag_add(c->d, path, "%s", m.data ? m.data : "");
	snd_buf_free(&m);
}

static char *xstrdup(struct ctx *c, const char *s)
{
	char *p = strdup(s);
	if (p == NULL)
		c->oom = 1;
	return p;
}

static void *xcalloc(struct ctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p == NULL)
		c->oom = 1;
	return p;
}

/* JSON paths are short by construction (ids <= 64, keys cut at 64); a
 * longer one is cut, never overrun. */
static void pathf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

static void subpath(char *out, const char *path, const char *key)
{
	pathf(out, FORM_PATH_MAX, "%s.%.64s", path, key);
}

static void idxpath(char *out, const char *path, const char *key, size_t i)
{
	pathf(out, FORM_PATH_MAX, "%s.%s[%zu]", path, key, i);
}

static int is_id(const char *s)
{
	size_t n = 0;
	if (s == NULL)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n >= 1 && n <= SND_ID_MAX;
}

/* Questionnaire ids appear in URLs and token audiences: [a-z0-9][a-z0-9_-]{0,63}. */
static int is_form_id(const char *s)
{
	size_t n;
	if (s == NULL || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (n = 1; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
		      s[n] == '-'))
			return 0;
	return n <= SND_ID_MAX;
}

/* [a-z]{2,3}(-[A-Za-z0-9]{2,8})? */
static int is_lang(const char *s)
{
	size_t n = 0, m = 0;
	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	if (n < 2 || n > 3)
		return 0;
	if (s[n] == '\0')
		return 1;
	if (s[n] != '-')
		return 0;
	s += n + 1;
	while (isalnum((unsigned char)s[m]) && s[m])
		m++;
	return s[m] == '\0' && m >= 2 && m <= 8;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[65];
	if (la > 64 || lb > 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0], cur;
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);
			cur = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			prev = cur;
			row[j] = best;
		}
	}
	return row[lb];
}

static int in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Reports members of obj not in known[], suggesting a near miss. */
static void check_keys(struct ctx *c, const cJSON *obj, const char *path,
                       const char *const *known, size_t nknown, const char *what)
{
	const cJSON *m;
	char p[FORM_PATH_MAX];
	for (m = obj->child; m; m = m->next) {
		size_t i, best = 99, bi = 0;
		if (in_list(m->string, known, nknown))
			continue;
		for (i = 0; i < nknown && c->nerr < FORM_MAX_ERRORS; i++) {
			size_t dist = edit_distance(m->string, known[i]);
			if (dist < best) {
				best = dist;
				bi = i;
			}
		}
		subpath(p, path, m->string);
		if (best <= 2)
			err(c, p, "unknown key \"%.64s\" in %s (did you mean \"%s\"?)", m->string, what,
			    known[bi]);
		else
			err(c, p, "unknown key \"%.64s\" in %s", m->string, what);
	}
}

static const char *json_kind(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "true/false";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "a list";
	return "an object";
}

static void get_bool(struct ctx *c, const cJSON *obj, const char *key, const char *path, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[FORM_PATH_MAX];
	if (v == NULL)
		return;
	if (!cJSON_IsBool(v)) {
		subpath(p, path, key);
		err(c, p, "must be true or false, not %s", json_kind(v));
		return;
	}
	*out = cJSON_IsTrue(v);
}

/* Label keys and drafts name languages exactly as $.languages spells them
 * (snd_form_lang is case-blind, for ?lang= and headers). */
static int lang_exact(const struct snd_form *f, const char *code)
{
	size_t i;
	for (i = 0; i < f->nlanguages; i++)
		if (strcmp(f->languages[i], code) == 0)
			return (int)i;
	return -1;
}

/* A label: a non-empty string (the default language's text) or an object
 * keyed by the form's languages holding the default language. */
static void parse_label(struct ctx *c, const cJSON *v, const char *path, struct snd_label *out)
{
	struct snd_form *f = c->f;
	size_t nl = f->nlanguages ? f->nlanguages : 1, i;
	char p[FORM_PATH_MAX];
	const cJSON *m;
	const char *def = NULL;
	if (cJSON_IsString(v)) {
		if (is_blank(v->valuestring)) {
			err(c, path, "must not be empty");
			return;
		}
		def = v->valuestring;
	} else if (cJSON_IsObject(v)) {
		int bad = 0;
		for (m = v->child; m; m = m->next) {
			subpath(p, path, m->string);
			if (!c->langs_broken && lang_exact(f, m->string) < 0) {
				err(c, p, "\"%.64s\" is not one of the languages listed in $.languages",
				    m->string);
				bad = 1;
			} else if (!cJSON_IsString(m) || is_blank(m->valuestring)) {
				err(c, p, "must be a non-empty string");
				bad = 1;
			}
		}
		if (c->langs_broken)
			return;
		m = cJSON_GetObjectItemCaseSensitive(v, f->languages[0]);
		if (m == NULL) {
			err(c, path, "the text in the default language \"%s\" is missing",
			    f->languages[0]);
			return;
		}
		if (bad || !cJSON_IsString(m))
			return;
		def = m->valuestring;
	} else {
		err(c, path, "must be a string or an object of texts by language, not %s",
		    json_kind(v));
		return;
	}
	if (c->langs_broken || c->nerr)
		return; /* the form will not be handed out; skip the copies */
	out->text = xcalloc(c, nl, sizeof *out->text);
	if (out->text == NULL)
		return;
	for (i = 0; i < nl; i++) {
		const char *s = def;
		if (cJSON_IsObject(v)) {
			m = cJSON_GetObjectItemCaseSensitive(v, f->languages[i]);
			if (cJSON_IsString(m))
				s = m->valuestring;
		}
		out->text[i] = xstrdup(c, s);
	}
}

static void label_free(struct snd_label *l, size_t n)
{
	size_t i;
	if (l->text == NULL)
		return;
	for (i = 0; i < n; i++)
		free(l->text[i]);
	free(l->text);
	l->text = NULL;
}

/* A required or optional label member of obj. */
static void member_label(struct ctx *c, const cJSON *obj, const char *key, const char *path,
                         struct snd_label *out, int required, const char *what)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[FORM_PATH_MAX];
	subpath(p, path, key);
	if (v == NULL) {
		if (required)
			err(c, path, "%s needs a \"%s\"", what, key);
		return;
	}
	parse_label(c, v, p, out);
}

static void parse_languages(struct ctx *c, const cJSON *root)
{
	struct snd_form *f = c->f;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "languages"), *m;
	char p[FORM_PATH_MAX];
	size_t n, i, j;
	if (v == NULL) {
		err(c, "$", "the questionnaire needs \"languages\", e.g. [\"en\"]");
		c->langs_broken = 1;
		return;
	}
	if (!cJSON_IsArray(v) || (n = (size_t)cJSON_GetArraySize(v)) == 0) {
		err(c, "$.languages", "must be a non-empty list of language codes, e.g. [\"en\", \"fr\"]");
		c->langs_broken = 1;
		return;
	}
	if (n > SND_FORM_MAX_LANGS) {
		err(c, "$.languages", "at most %d languages are allowed", SND_FORM_MAX_LANGS);
		c->langs_broken = 1;
		return;
	}
	f->languages = xcalloc(c, n, sizeof *f->languages);
	if (f->languages == NULL)
		return;
	i = 0;
	for (m = v->child; m; m = m->next, i++) {
		idxpath(p, "$", "languages", i);
		if (!cJSON_IsString(m) || !is_lang(m->valuestring)) {
			err(c, p, "not a language code (use lowercase codes such as \"en\", \"fr\", \"zh\")");
			continue;
		}
		for (j = 0; j < f->nlanguages; j++)
			if (strcmp(f->languages[j], m->valuestring) == 0)
				break;
		if (j < f->nlanguages) {
			err(c, p, "language \"%s\" is listed twice", m->valuestring);
			continue;
		}
		if ((f->languages[f->nlanguages] = xstrdup(c, m->valuestring)) == NULL)
			return;
		f->nlanguages++;
	}
	if (f->nlanguages == 0)
		c->langs_broken = 1; /* bad entries alone are skipped, the rest is usable */
}

static void parse_drafts(struct ctx *c, const cJSON *root)
{
	struct snd_form *f = c->f;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "drafts"), *m;
	char p[FORM_PATH_MAX];
	size_t n, i, j;
	if (v == NULL)
		return;
	if (!cJSON_IsArray(v)) {
		err(c, "$.drafts", "must be a list of language codes");
		return;
	}
	n = (size_t)cJSON_GetArraySize(v);
	if (n > SND_FORM_MAX_LANGS) {
		err(c, "$.drafts", "lists more languages than the form has");
		return;
	}
	f->draft_languages = xcalloc(c, n, sizeof *f->draft_languages);
	if (f->draft_languages == NULL)
		return;
	i = 0;
	for (m = v->child; m; m = m->next, i++) {
		idxpath(p, "$", "drafts", i);
		if (!cJSON_IsString(m)) {
			err(c, p, "must be a language code");
			continue;
		}
		if (!c->langs_broken) {
			int l = lang_exact(f, m->valuestring);
			if (l < 0) {
				err(c, p, "\"%.64s\" is not one of the languages listed in $.languages",
				    m->valuestring);
				continue;
			}
			if (l == 0) {
				err(c, p, "\"%s\" is the default language; it cannot be a draft translation",
				    m->valuestring);
				continue;
			}
		}
		for (j = 0; j < f->ndraft_languages; j++)
			if (strcmp(f->draft_languages[j], m->valuestring) == 0)
				break;
		if (j < f->ndraft_languages) {
			err(c, p, "language \"%.64s\" is listed twice", m->valuestring);
			continue;
		}
		if ((f->draft_languages[f->ndraft_languages] = xstrdup(c, m->valuestring)) == NULL)
			return;
		f->ndraft_languages++;
	}
}

static void parse_time(struct ctx *c, const cJSON *root, const char *key, int64_t *t, int *has)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	char p[FORM_PATH_MAX];
	if (v == NULL)
		return;
	subpath(p, "$", key);
	if (!cJSON_IsString(v) || snd_time_parse(v->valuestring, t) != SND_OK) {
		err(c, p, "must be an RFC 3339 time such as \"2026-02-06T18:00:00Z\"");
		return;
	}
	*has = 1;
}

/* Options or rows: [{"id", "label"}] or ["id", ...]. */
static void parse_choices(struct ctx *c, const cJSON *q, const char *qpath, const char *key,
                          size_t minimum, const char *qtype, struct snd_option **out, size_t *nout)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, key), *m;
	static const char *const okeys[] = {"id", "label"};
	const char *what = strcmp(key, "rows") == 0 ? "row" : "option";
	char p[FORM_PATH_MAX], pp[FORM_PATH_MAX];
	size_t n, i, j;
	subpath(p, qpath, key);
	if (v == NULL) {
		err(c, qpath, "a %s question needs \"%s\" (at least %zu)", qtype, key, minimum);
		return;
	}
	if (!cJSON_IsArray(v)) {
		err(c, p, "must be a list of %ss", what);
		return;
	}
	n = (size_t)cJSON_GetArraySize(v);
	if (n < minimum) {
		err(c, p, "a %s question needs at least %zu %s%s", qtype, minimum, what,
		    minimum == 1 ? "" : "s");
		if (n == 0)
			return;
	}
	if (n > FORM_MAX_OPTIONS) {
		err(c, p, "at most %d %ss are allowed", FORM_MAX_OPTIONS, what);
		return;
	}
	*out = xcalloc(c, n, sizeof **out);
	if (*out == NULL)
		return;
	i = 0;
	for (m = v->child; m; m = m->next, i++) {
		struct snd_option *o = &(*out)[i];
		const char *id = NULL;
		pathf(pp, sizeof pp, "%s[%zu]", p, i);
		if (cJSON_IsString(m)) {
			if (!is_id(m->valuestring)) {
				err(c, pp, "\"%.64s\" is not a valid %s id (plain-string %ss are used as ids: "
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
			check_keys(c, m, pp, okeys, 2, what);
			subpath(ip, pp, "id");
			if (idv == NULL)
				err(c, pp, "the %s needs an \"id\"", what);
			else if (!cJSON_IsString(idv) || !is_id(idv->valuestring))
				err(c, ip, "%s ids are 1 to 64 characters of a-z, 0-9 and _", what);
			else
				id = idv->valuestring;
			member_label(c, m, "label", pp, &o->label, 1, *what == 'r' ? "the row" : "the option");
		} else {
			err(c, pp, "must be an id or an object {\"id\": ..., \"label\": ...}");
			continue;
		}
		if (id == NULL)
			continue;
		for (j = 0; j < i; j++)
			if ((*out)[j].id && strcmp((*out)[j].id, id) == 0)
				break;
		if (j < i) {
			char first[FORM_PATH_MAX];
			pathf(first, sizeof first, "%s[%zu]", p, j);
			err(c, pp, "duplicate %s id \"%s\" (first used at %s)", what, id, first);
			continue;
		}
		o->id = xstrdup(c, id);
	}
	*nout = n;
}

static const char *const question_keys[] = {
	"id", "type", "required", "text", "help", "show_if", "options", "rows",
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
	if (in_list(k, question_keys, 6))
		return 1;
	snprintf(pat, sizeof pat, " %s ", k);
	return strstr(by_type[t], pat) != NULL;
}

static void parse_counts(struct ctx *c, const cJSON *q, const char *qpath, struct snd_question *qq)
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
			err(c, p, "must be a whole number of options from 0 to %zu", qq->noptions);
			ok = 0;
		}
	}
	if (mx) {
		subpath(p, qpath, "max");
		if (get_int(mx, 1, (long)qq->noptions, &hi) != 0) {
			err(c, p, "must be a whole number of options from 1 to %zu", qq->noptions);
			ok = 0;
		}
	}
	if (ok && lo > hi) {
		subpath(p, qpath, "min");
		err(c, p, "min (%ld) is greater than max (%ld)", lo, hi);
	}
	qq->min = (int)lo;
	qq->max = (int)hi;
}

static void parse_scale(struct ctx *c, const cJSON *q, const char *qpath, struct snd_question *qq)
{
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(q, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(q, "max");
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(q, "labels"), *m;
	char p[FORM_PATH_MAX], lp[FORM_PATH_MAX];
	long lo = 0, hi = 0;
	int ok = 1;
	const char *tn = snd_qtype_names[qq->type];
	if (mn == NULL || mx == NULL) {
		err(c, qpath, "a %s question needs integer \"min\" and \"max\" (e.g. 1 and 5)", tn);
		ok = 0;
	}
	if (mn && get_int(mn, -1000000, 1000000, &lo) != 0) {
		subpath(p, qpath, "min");
		err(c, p, "must be a whole number");
		ok = 0;
	}
	if (mx && get_int(mx, -1000000, 1000000, &hi) != 0) {
		subpath(p, qpath, "max");
		err(c, p, "must be a whole number");
		ok = 0;
	}
	if (ok && lo >= hi) {
		subpath(p, qpath, "max");
		err(c, p, "max (%ld) must be greater than min (%ld)", hi, lo);
		ok = 0;
	}
	if (ok && hi - lo > FORM_MAX_SCALE_SPAN) {
		subpath(p, qpath, "max");
		err(c, p, "a scale may have at most %d points (%ld to %ld has %ld)",
		    FORM_MAX_SCALE_SPAN + 1, lo, hi, hi - lo + 1);
		ok = 0;
	}
	get_bool(c, q, "no_view", qpath, &qq->no_view);
	if (!ok)
		return;
	qq->min = (int)lo;
	qq->max = (int)hi;
	if (labels == NULL)
		return;
	subpath(p, qpath, "labels");
	if (!cJSON_IsObject(labels)) {
		err(c, p, "must be an object of labels by point, e.g. {\"1\": \"Disagree\"}");
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
			err(c, lp, "label keys are the scale's points (whole numbers from %ld to %ld)",
			    lo, hi);
			continue;
		}
		if (pt < lo || pt > hi) {
			err(c, lp, "point %ld is outside the scale (%ld to %ld)", pt, lo, hi);
			continue;
		}
		parse_label(c, m, lp, &qq->scale_labels[pt - lo]);
	}
}

static void parse_number(struct ctx *c, const cJSON *q, const char *qpath, struct snd_question *qq)
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
			err(c, p, "must be a number");
			ok = 0;
		} else {
			qq->nmin = mn->valuedouble;
		}
	}
	if (mx) {
		subpath(p, qpath, "max");
		if (!cJSON_IsNumber(mx) || !isfinite(mx->valuedouble)) {
			err(c, p, "must be a number");
			ok = 0;
		} else {
			qq->nmax = mx->valuedouble;
		}
	}
	if (ok && qq->nmin > qq->nmax) {
		subpath(p, qpath, "min");
		err(c, p, "min (%g) is greater than max (%g)", qq->nmin, qq->nmax);
	}
	get_bool(c, q, "integer", qpath, &qq->integer);
}

static void parse_max_length(struct ctx *c, const cJSON *q, const char *qpath,
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
		err(c, p, "must be a whole number of characters from 1 to %d", FORM_MAX_TEXT);
		return;
	}
	qq->max_length = (size_t)n;
}

static void parse_question(struct ctx *c, const cJSON *q, size_t si, size_t qi)
{
	struct snd_form *f = c->f;
	struct snd_question *qq = &f->questions[f->nquestions];
	struct qinfo *info = &c->qi[f->nquestions];
	const cJSON *v, *m;
	char p[FORM_PATH_MAX];
	const char *path = info->path;
	int t;
	pathf(info->path, sizeof info->path, "$.sections[%zu].questions[%zu]", si, qi);
	f->nquestions++;
	qq->section = si;
	qq->show_if_q = -1;
	if (!cJSON_IsObject(q)) {
		err(c, path, "a question must be an object, not %s", json_kind(q));
		return;
	}
	check_keys(c, q, path, question_keys, NQKEYS, "a question");

	v = cJSON_GetObjectItemCaseSensitive(q, "id");
	subpath(p, path, "id");
	if (v == NULL) {
		err(c, path, "the question needs an \"id\"");
	} else if (!cJSON_IsString(v) || !is_id(v->valuestring)) {
		err(c, p, "question ids are 1 to 64 characters of a-z, 0-9 and _");
	} else {
		size_t j;
		for (j = 0; j + 1 < f->nquestions; j++)
			if (f->questions[j].id && strcmp(f->questions[j].id, v->valuestring) == 0)
				break;
		if (j + 1 < f->nquestions)
			err(c, p, "duplicate question id \"%s\" (first used at %s)", v->valuestring,
			    c->qi[j].path);
		else
			qq->id = xstrdup(c, v->valuestring);
	}

	v = cJSON_GetObjectItemCaseSensitive(q, "type");
	subpath(p, path, "type");
	t = -1;
	if (v == NULL) {
		err(c, path, "the question needs a \"type\" (single, multi, scale, matrix, rank, "
		             "position, number or text)");
	} else if (cJSON_IsString(v)) {
		for (t = 0; t < SND_Q__MAX; t++)
			if (strcmp(v->valuestring, snd_qtype_names[t]) == 0)
				break;
		if (t == SND_Q__MAX) {
			err(c, p, "unknown type \"%.64s\" (use single, multi, scale, matrix, rank, "
			          "position, number or text)", v->valuestring);
			t = -1;
		}
	} else {
		err(c, p, "must be a string such as \"single\"");
	}

	get_bool(c, q, "required", path, &qq->required);
	member_label(c, q, "text", path, &qq->text, 1, "the question");
	member_label(c, q, "help", path, &qq->help, 0, "the question");
	info->show_if = cJSON_GetObjectItemCaseSensitive(q, "show_if");
	if (t < 0)
		return;
	qq->type = (enum snd_qtype)t;
	info->type_ok = 1;
	for (m = q->child; m; m = m->next) {
		if (in_list(m->string, question_keys, NQKEYS) && !key_applies(qq->type, m->string)) {
			subpath(p, path, m->string);
			err(c, p, "\"%s\" does not apply to a %s question", m->string,
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
static void resolve_show_if(struct ctx *c, size_t qi)
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
		err(c, p, "must be an object {\"question\": ..., \"any_of\": [...]}");
		return;
	}
	check_keys(c, s, p, skeys, 2, "show_if");
	qv = cJSON_GetObjectItemCaseSensitive(s, "question");
	any = cJSON_GetObjectItemCaseSensitive(s, "any_of");
	subpath(ap, p, "any_of");
	if (any == NULL)
		err(c, p, "show_if needs \"any_of\": the answers that make this question apply");
	else if (!cJSON_IsArray(any) || cJSON_GetArraySize(any) == 0)
		err(c, ap, "must be a non-empty list of answers");
	subpath(vp, p, "question");
	if (qv == NULL) {
		err(c, p, "show_if needs \"question\": the id of an earlier question");
		return;
	}
	if (!cJSON_IsString(qv)) {
		err(c, vp, "must be the id of an earlier question");
		return;
	}
	for (j = 0; j < f->nquestions; j++)
		if (f->questions[j].id && strcmp(f->questions[j].id, qv->valuestring) == 0)
			break;
	if (j == f->nquestions) {
		err(c, vp, "no question has the id \"%.64s\"", qv->valuestring);
		return;
	}
	if (j == qi) {
		err(c, vp, "a question cannot depend on itself");
		return;
	}
	if (j > qi) {
		err(c, vp, "show_if must name an earlier question; \"%s\" comes later (at %s)",
		    qv->valuestring, c->qi[j].path);
		return;
	}
	if (!c->qi[j].type_ok)
		return;
	t = &f->questions[j];
	if (t->type == SND_Q_MATRIX || t->type == SND_Q_NUMBER || t->type == SND_Q_TEXT) {
		err(c, vp, "show_if cannot depend on a %s question (\"%s\"); use a single, multi, "
		           "rank, scale or position question", snd_qtype_names[t->type], t->id);
		return;
	}
	qq->show_if_q = (int)j;
	if (any == NULL || !cJSON_IsArray(any))
		return;
	n = (size_t)cJSON_GetArraySize(any);
	if (n > FORM_MAX_OPTIONS) {
		err(c, ap, "too many values");
		return;
	}
	qq->show_if_values = xcalloc(c, n, sizeof *qq->show_if_values);
	if (qq->show_if_values == NULL)
		return;
	i = 0;
	for (m = any->child; m; m = m->next, i++) {
		char ip[FORM_PATH_MAX], num[32];
		const char *val = NULL;
		pathf(ip, sizeof ip, "%s[%zu]", ap, i);
		switch (t->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI:
		case SND_Q_RANK:
			if (!cJSON_IsString(m) || option_index(t->options, t->noptions, m->valuestring) < 0)
				err(c, ip, "not an option id of question \"%s\"", t->id);
			else
				val = m->valuestring;
			break;
		case SND_Q_POSITION:
			if (!cJSON_IsString(m) || position_index(m->valuestring) < 0)
				err(c, ip, "must be support, live_with, object or abstain");
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
				err(c, ip, "must be a point of the scale of \"%s\" (%d to %d)", t->id,
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

static void parse_sections(struct ctx *c, const cJSON *root)
{
	struct snd_form *f = c->f;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "sections"), *s, *q;
	static const char *const skeys[] = {"id", "title", "intro", "questions"};
	size_t ns, total = 0, si, qi, j;
	char p[FORM_PATH_MAX], pp[FORM_PATH_MAX];
	if (v == NULL) {
		err(c, "$", "the questionnaire needs \"sections\" (a list of sections of questions)");
		return;
	}
	if (!cJSON_IsArray(v) || (ns = (size_t)cJSON_GetArraySize(v)) == 0) {
		err(c, "$.sections", "must be a non-empty list of sections");
		return;
	}
	if (ns > FORM_MAX_SECTIONS) {
		err(c, "$.sections", "at most %d sections are allowed", FORM_MAX_SECTIONS);
		return;
	}
	for (s = v->child; s; s = s->next) {
		q = cJSON_GetObjectItemCaseSensitive(s, "questions");
		if (cJSON_IsArray(q))
			total += (size_t)cJSON_GetArraySize(q);
	}
	if (total > FORM_MAX_QUESTIONS) {
		err(c, "$.sections", "the questionnaire has %zu questions; at most %d are allowed",
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
		pathf(p, sizeof p, "$.sections[%zu]", si);
		f->nsections++;
		sec->first = f->nquestions;
		if (!cJSON_IsObject(s)) {
			err(c, p, "a section must be an object, not %s", json_kind(s));
			continue;
		}
		check_keys(c, s, p, skeys, 4, "a section");
		id = cJSON_GetObjectItemCaseSensitive(s, "id");
		subpath(pp, p, "id");
		if (id == NULL) {
			err(c, p, "the section needs an \"id\"");
		} else if (!cJSON_IsString(id) || !is_id(id->valuestring)) {
			err(c, pp, "section ids are 1 to 64 characters of a-z, 0-9 and _");
		} else {
			for (j = 0; j < si; j++)
				if (f->sections[j].id && strcmp(f->sections[j].id, id->valuestring) == 0)
					break;
			if (j < si)
				err(c, pp, "duplicate section id \"%s\" (first used at $.sections[%zu])",
				    id->valuestring, j);
			else
				sec->id = xstrdup(c, id->valuestring);
		}
		member_label(c, s, "title", p, &sec->title, 1, "the section");
		member_label(c, s, "intro", p, &sec->intro, 0, "the section");
		q = cJSON_GetObjectItemCaseSensitive(s, "questions");
		subpath(pp, p, "questions");
		if (q == NULL) {
			err(c, p, "the section needs \"questions\"");
			continue;
		}
		if (!cJSON_IsArray(q) || cJSON_GetArraySize(q) == 0) {
			err(c, pp, "must be a non-empty list of questions");
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

static void parse_form(struct ctx *c, const cJSON *root)
{
	static const char *const fkeys[] = {"id", "languages", "drafts", "title", "intro",
	                                    "opens", "closes", "anonymity", "sections"};
	struct snd_form *f = c->f;
	const cJSON *v;
	if (!cJSON_IsObject(root)) {
		err(c, "$", "a questionnaire must be a JSON object, not %s", json_kind(root));
		return;
	}
	check_keys(c, root, "$", fkeys, sizeof fkeys / sizeof fkeys[0], "the questionnaire");
	v = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (v == NULL)
		err(c, "$", "the questionnaire needs an \"id\"");
	else if (!cJSON_IsString(v) || !is_form_id(v->valuestring))
		err(c, "$.id", "questionnaire ids are 1 to 64 characters of a-z, 0-9, _ and -, "
		               "starting with a letter or digit");
	else
		f->id = xstrdup(c, v->valuestring);
	parse_languages(c, root);
	parse_drafts(c, root);
	member_label(c, root, "title", "$", &f->title, 1, "the questionnaire");
	member_label(c, root, "intro", "$", &f->intro, 0, "the questionnaire");
	parse_time(c, root, "opens", &f->opens, &f->has_opens);
	parse_time(c, root, "closes", &f->closes, &f->has_closes);
	if (f->has_opens && f->has_closes && f->opens >= f->closes)
		err(c, "$.closes", "the questionnaire must close after it opens");
	v = cJSON_GetObjectItemCaseSensitive(root, "anonymity");
	f->anonymity = SND_ATTRIBUTED;
	if (v) {
		if (cJSON_IsString(v) && strcmp(v->valuestring, anonymity_names[SND_PSEUDONYMOUS]) == 0)
			f->anonymity = SND_PSEUDONYMOUS;
		else if (!cJSON_IsString(v) || strcmp(v->valuestring, anonymity_names[SND_ATTRIBUTED]) != 0)
			err(c, "$.anonymity", "must be \"attributed\" or \"pseudonymous\"");
	}
	parse_sections(c, root);
}

void snd_form_free(struct snd_form *f)
{
	size_t i, j, nl;
	if (f == NULL)
		return;
	nl = f->nlanguages ? f->nlanguages : 1;
	for (i = 0; i < f->nquestions; i++) {
		struct snd_question *q = &f->questions[i];
		free(q->id);
		label_free(&q->text, nl);
		label_free(&q->help, nl);
		for (j = 0; j < q->noptions; j++) {
			free(q->options[j].id);
			label_free(&q->options[j].label, nl);
		}
		free(q->options);
		for (j = 0; j < q->nrows; j++) {
			free(q->rows[j].id);
			label_free(&q->rows[j].label, nl);
		}
		free(q->rows);
		if (q->scale_labels) {
			for (j = 0; q->max > q->min && j <= (size_t)(q->max - q->min); j++)
				label_free(&q->scale_labels[j], nl);
			free(q->scale_labels);
		}
		for (j = 0; j < q->nshow_if_values; j++)
			free(q->show_if_values[j]);
		free(q->show_if_values);
	}
	free(f->questions);
	for (i = 0; i < f->nsections; i++) {
		free(f->sections[i].id);
		label_free(&f->sections[i].title, nl);
		label_free(&f->sections[i].intro, nl);
	}
	free(f->sections);
	label_free(&f->title, nl);
	label_free(&f->intro, nl);
	for (i = 0; i < f->nlanguages; i++)
		free(f->languages[i]);
	free(f->languages);
	for (i = 0; i < f->ndraft_languages; i++)
		free(f->draft_languages[i]);
	free(f->draft_languages);
	free(f->id);
	free(f->source);
	free(f);
}

/* Errors are found in passes (show_if last); the report reads in file
 * order: the questionnaire's own keys first, then question by question,
 * keeping the order found within one question. */
struct diag_key {
	long sec, q;
	size_t orig;
	struct snd_diag_item item;
};

static void diag_pos(const char *w, long *sec, long *q)
{
	*sec = *q = -1;
	if (strncmp(w, "$.sections[", 11) != 0)
		return;
	*sec = strtol(w + 11, NULL, 10);
	w = strstr(w, "].questions[");
	if (w)
		*q = strtol(w + 12, NULL, 10);
}

static int cmp_diag(const void *a, const void *b)
{
	const struct diag_key *x = a, *y = b;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->q != y->q)
		return x->q < y->q ? -1 : 1;
	return x->orig < y->orig ? -1 : x->orig > y->orig;
}

static void sort_diag(struct snd_diag *d, size_t from)
{
	size_t n = d->n - from, i;
	struct diag_key *k;
	if (n < 2 || (k = malloc(n * sizeof *k)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		k[i].item = d->items[from + i];
		k[i].orig = i;
		diag_pos(k[i].item.where, &k[i].sec, &k[i].q);
	}
	qsort(k, n, sizeof *k, cmp_diag);
	for (i = 0; i < n; i++)
		d->items[from + i] = k[i].item;
	free(k);
}

enum snd_err snd_form_parse(const char *json, size_t len, const char *name,
                            struct snd_form **out, struct snd_diag *diag)
{
	struct ctx c;
	cJSON *root = NULL;
	char ebuf[256];
	enum snd_err e;
	size_t nbefore;
	(void)name; /* diagnostics carry JSON paths; callers prefix the file name */

	memset(&c, 0, sizeof c);
	c.d = diag;
	nbefore = diag ? diag->n : 0;
	if (len > SND_FORM_MAX_BYTES) {
		snd_diag_add(diag, "$", "the file is %zu bytes; at most %zu are allowed", len,
		             SND_FORM_MAX_BYTES);
		return SND_ETOOBIG;
	}
	e = snd_json_parse(json, len, SND_FORM_MAX_BYTES, SND_JSON_MAX_DEPTH, &root, ebuf,
	                   sizeof ebuf);
	if (e != SND_OK) {
		snd_diag_add(diag, "$", "not valid JSON: %s", ebuf);
		return e == SND_ENOMEM ? SND_ENOMEM : SND_EINVAL;
	}
	c.f = calloc(1, sizeof *c.f);
	if (c.f == NULL) {
		e = SND_ENOMEM;
		goto fail;
	}
	parse_form(&c, root);
	if (diag)
		sort_diag(diag, nbefore);
	if (c.nerr > FORM_MAX_ERRORS)
		snd_diag_add(diag, "$", "%zu more problems not shown; fix the ones above first",
		             c.nerr - FORM_MAX_ERRORS);
	if (c.oom) {
		e = SND_ENOMEM;
		goto fail;
	}
	if (c.nerr) {
		e = SND_EINVAL;
		goto fail;
	}
	c.f->source = malloc(len + 1);
	if (c.f->source == NULL) {
		e = SND_ENOMEM;
		goto fail;
	}
	memcpy(c.f->source, json, len);
	c.f->source[len] = '\0';
	c.f->source_len = len;
	snd_sha256_hex(json, len, c.f->source_hash);
	cJSON_Delete(root);
	free(c.qi);
	*out = c.f;
	return SND_OK;
fail:
	if (e == SND_ENOMEM)
		snd_diag_add(diag, "$", "out of memory while loading the questionnaire");
	cJSON_Delete(root);
	free(c.qi);
	snd_form_free(c.f);
	return e;
}

enum snd_err snd_form_load(const char *path, struct snd_form **out, struct snd_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	enum snd_err e = snd_read_file(path, SND_FORM_MAX_BYTES, &text, &len);
	if (e == SND_ETOOBIG) {
		snd_diag_add(diag, "$", "the file is larger than %zu bytes", SND_FORM_MAX_BYTES);
		return e;
	}
	if (e != SND_OK) {
		snd_diag_add(diag, "$", "cannot read the file: %s", strerror(errno));
		return e;
	}
	e = snd_form_parse(text, len, path, out, diag);
	free(text);
	return e;
}

/* ------------------------------------------------------------ lookups */

int snd_form_question(const struct snd_form *f, const char *id)
{
	size_t i;
	if (f == NULL || id == NULL)
		return -1;
	for (i = 0; i < f->nquestions; i++) /* first byte inline: most misses end there */
		if (f->questions[i].id && f->questions[i].id[0] == id[0] &&
		    strcmp(f->questions[i].id, id) == 0)
			return (int)i;
	return -1;
}

int snd_form_lang(const struct snd_form *f, const char *code)
{
	size_t i;
	if (f == NULL || code == NULL)
		return -1;
	for (i = 0; i < f->nlanguages; i++)
		if (strcasecmp(f->languages[i], code) == 0)
			return (int)i;
	return -1;
}

/* The primary subtag length ("fr" of "fr-CH"). */
static size_t primary_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != '-')
		i++;
	return i;
}

int snd_form_lang_accept(const struct snd_form *f, const char *al)
{
	int best = 0;
	double bestq = 0;
	int items = 0;
	const char *p = al;
	if (f == NULL || al == NULL)
		return 0;
	while (*p && items < 64 && p - al < 4096) {
		const char *tag, *q;
		size_t tl, i;
		double qv = 1.0;
		int match = -1;
		items++;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		tag = p;
		while (*p && *p != ';' && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		tl = (size_t)(p - tag);
		/* parameters: only q matters */
		while (*p && *p != ',') {
			if (*p == ';') {
				q = p + 1;
				while (*q == ' ' || *q == '\t')
					q++;
				if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
					char *end;
					qv = strtod(q + 2, &end);
					if (end == q + 2 || qv != qv)
						qv = 0;
				}
			}
			p++;
		}
		if (tl == 0 || qv <= 0)
			continue;
		if (tl == 1 && tag[0] == '*') {
			match = 0;
		} else {
			for (i = 0; i < f->nlanguages && match < 0; i++) {
				const char *l = f->languages[i];
				if (strlen(l) == tl && strncasecmp(l, tag, tl) == 0)
					match = (int)i;
			}
			for (i = 0; i < f->nlanguages && match < 0; i++) {
				const char *l = f->languages[i];
				size_t a = primary_len(tag, tl), b = primary_len(l, strlen(l));
				if (a == b && strncasecmp(l, tag, a) == 0)
					match = (int)i;
			}
		}
		if (match >= 0 && qv > bestq) {
			best = match;
			bestq = qv;
		}
	}
	return best;
}

enum snd_err snd_form_is_open(const struct snd_form *f, int64_t now)
{
	if (f->has_opens && now < f->opens)
		return SND_ECLOSED;
	if (f->has_closes && now >= f->closes)
		return SND_ECLOSED;
	return SND_OK;
}
