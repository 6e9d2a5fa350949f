/* form_int.h - internal to libsounding: what the form loader (form.c,
 * form_question.c, form_lang.c) and answers.c (checking answers against a
 * form) share: the cap on options, and the small readers all apply to
 * untrusted JSON (whole numbers, blank text, option ids, position names);
 * then, for the loader's files only, its context and helpers.
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_FORM_INT_H
#define SND_FORM_INT_H

#include "sounding.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Options (or matrix rows) per question; answers.c sizes its
 * seen-an-option flags by it. */
#define FORM_MAX_OPTIONS 200

/* An integer within [lo, hi] (JSON 3 or 3.0); 0 when it is one. */
static inline int get_int(const cJSON *v, long lo, long hi, long *out)
{
	double d;
	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi)
		return -1;
	*out = (long)d;
	return 0;
}

/* 1 when s is empty or only white space. */
static inline int is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* Index of the option (or matrix row) with that id, or -1. */
static inline int option_index(const struct snd_option *o, size_t n, const char *id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (o[i].id && o[i].id[0] == id[0] && strcmp(o[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Index of a position name ("support", "live_with", ...), or -1. */
static inline int position_index(const char *s)
{
	int i;
	for (i = 0; i < SND_POS__MAX; i++)
		if (strcmp(s, snd_position_names[i]) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------ loading
 * What the loader's three files share: form.c (the questionnaire's own
 * keys, errors, the entry points), form_question.c (sections, questions,
 * show_if) and form_lang.c (labels, languages).  answers.c uses none of it. */

#define FORM_MAX_QUESTIONS 500
#define FORM_MAX_SECTIONS 500
#define FORM_MAX_SCALE_SPAN 20
#define FORM_MAX_TEXT 100000
#define FORM_DEFAULT_TEXT 2000
#define FORM_PATH_MAX 320

struct qinfo {
	char path[64];           /* "$.sections[i].questions[j]" */
	const cJSON *show_if;    /* resolved after every question is known */
	int type_ok;
};

struct form_ctx {
	struct snd_form *f;
	struct snd_diag *d;
	size_t nerr;
	int oom;
	int langs_broken;        /* languages unusable: label keys not checked */
	struct qinfo *qi;
};

/* Records one problem at path (counted past FORM_MAX_ERRORS, not kept). */
void form_err(struct form_ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* JSON paths are short by construction (ids <= 64, keys cut at 64); a
 * longer one is cut, never overrun. */
void form_pathf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports members of obj not in known[], suggesting a near miss. */
void form_check_keys(struct form_ctx *c, const cJSON *obj, const char *path,
                     const char *const *known, size_t nknown, const char *what);
/* An optional true/false member of obj into *out. */
void form_get_bool(struct form_ctx *c, const cJSON *obj, const char *key, const char *path,
                   int *out);

/* form_lang.c: a label (a string, or an object keyed by the form's
 * languages) into out->text[] with a text for every language; a required or
 * optional label member of obj; freeing a label of n languages;
 * $.languages and $.drafts. */
void form_parse_label(struct form_ctx *c, const cJSON *v, const char *path, struct snd_label *out);
void form_member_label(struct form_ctx *c, const cJSON *obj, const char *key, const char *path,
                       struct snd_label *out, int required, const char *what);
void form_label_free(struct snd_label *l, size_t n);
void form_parse_languages(struct form_ctx *c, const cJSON *root);
void form_parse_drafts(struct form_ctx *c, const cJSON *root);

/* form_question.c: $.sections and every question in them, then show_if. */
void form_parse_sections(struct form_ctx *c, const cJSON *root);

static inline char *xstrdup(struct form_ctx *c, const char *s)
{
	char *p = strdup(s);
	if (p == NULL)
		c->oom = 1;
	return p;
}

static inline void *xcalloc(struct form_ctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p == NULL)
		c->oom = 1;
	return p;
}

static inline void subpath(char *out, const char *path, const char *key)
{
	form_pathf(out, FORM_PATH_MAX, "%s.%.64s", path, key);
}

static inline void idxpath(char *out, const char *path, const char *key, size_t i)
{
	form_pathf(out, FORM_PATH_MAX, "%s.%s[%zu]", path, key, i);
}

/* An id of a question, option, row or section: [a-z0-9_]{1,64}. */
static inline int is_id(const char *s)
{
	size_t n = 0;
	if (s == NULL)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n >= 1 && n <= SND_ID_MAX;
}

static inline int in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static inline const char *json_kind(const cJSON *v)
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

#endif

