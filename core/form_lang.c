/* form_lang.c - the questionnaire's languages: $.languages and $.drafts,
 * labels with a text for every language, and the lookups that pick a
 * language (by code, ?lang=, Accept-Language).
 *
 * Part of the form loader (form.c says how the three files divide it).
 *
 * Invariants:
 *   1. $.languages is 1 to SND_FORM_MAX_LANGS distinct codes of the form
 *      [a-z]{2,3}(-[A-Za-z0-9]{2,8})?; the first is the default language,
 *      which can never be a draft.
 *   2. Every label of a loaded form has a text for every language: a
 *      missing translation holds a copy of the default language's text.
 *   3. Label keys and drafts name languages exactly as $.languages spells
 *      them; the lookups for requests (?lang=, headers) are case-blind.
 *   4. An Accept-Language header is read within caps (64 items, 4 KiB) and
 *      always yields a language of the form (the default when none fits).
 */
#include "form_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
void form_parse_label(struct form_ctx *c, const cJSON *v, const char *path, struct snd_label *out)
{
	struct snd_form *f = c->f;
	size_t nl = f->nlanguages ? f->nlanguages : 1, i;
	char p[FORM_PATH_MAX];
	const cJSON *m;
	const char *def = NULL;
	if (cJSON_IsString(v)) {
		if (is_blank(v->valuestring)) {
			form_err(c, path, "must not be empty");
			return;
		}
		def = v->valuestring;
	} else if (cJSON_IsObject(v)) {
		int bad = 0;
		for (m = v->child; m; m = m->next) {
			subpath(p, path, m->string);
			if (!c->langs_broken && lang_exact(f, m->string) < 0) {
				form_err(c, p, "\"%.64s\" is not one of the languages listed in $.languages",
				    m->string);
				bad = 1;
			} else if (!cJSON_IsString(m) || is_blank(m->valuestring)) {
				form_err(c, p, "must be a non-empty string");
				bad = 1;
			}
		}
		if (c->langs_broken)
			return;
		m = cJSON_GetObjectItemCaseSensitive(v, f->languages[0]);
		if (m == NULL) {
			form_err(c, path, "the text in the default language \"%s\" is missing",
			    f->languages[0]);
			return;
		}
		if (bad || !cJSON_IsString(m))
			return;
		def = m->valuestring;
	} else {
		form_err(c, path, "must be a string or an object of texts by language, not %s",
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

void form_label_free(struct snd_label *l, size_t n)
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
void form_member_label(struct form_ctx *c, const cJSON *obj, const char *key, const char *path,
                         struct snd_label *out, int required, const char *what)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[FORM_PATH_MAX];
	subpath(p, path, key);
	if (v == NULL) {
		if (required)
			form_err(c, path, "%s needs a \"%s\"", what, key);
		return;
	}
	form_parse_label(c, v, p, out);
}

void form_parse_languages(struct form_ctx *c, const cJSON *root)
{
	struct snd_form *f = c->f;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "languages"), *m;
	char p[FORM_PATH_MAX];
	size_t n, i, j;
	if (v == NULL) {
		form_err(c, "$", "the questionnaire needs \"languages\", e.g. [\"en\"]");
		c->langs_broken = 1;
		return;
	}
	if (!cJSON_IsArray(v) || (n = (size_t)cJSON_GetArraySize(v)) == 0) {
		form_err(c, "$.languages", "must be a non-empty list of language codes, e.g. [\"en\", \"fr\"]");
		c->langs_broken = 1;
		return;
	}
	if (n > SND_FORM_MAX_LANGS) {
		form_err(c, "$.languages", "at most %d languages are allowed", SND_FORM_MAX_LANGS);
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
			form_err(c, p, "not a language code (use lowercase codes such as \"en\", \"fr\", \"zh\")");
			continue;
		}
		for (j = 0; j < f->nlanguages; j++)
			if (strcmp(f->languages[j], m->valuestring) == 0)
				break;
		if (j < f->nlanguages) {
			form_err(c, p, "language \"%s\" is listed twice", m->valuestring);
			continue;
		}
		if ((f->languages[f->nlanguages] = xstrdup(c, m->valuestring)) == NULL)
			return;
		f->nlanguages++;
	}
	if (f->nlanguages == 0)
		c->langs_broken = 1; /* bad entries alone are skipped, the rest is usable */
}

void form_parse_drafts(struct form_ctx *c, const cJSON *root)
{
	struct snd_form *f = c->f;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "drafts"), *m;
	char p[FORM_PATH_MAX];
	size_t n, i, j;
	if (v == NULL)
		return;
	if (!cJSON_IsArray(v)) {
		form_err(c, "$.drafts", "must be a list of language codes");
		return;
	}
	n = (size_t)cJSON_GetArraySize(v);
	if (n > SND_FORM_MAX_LANGS) {
		form_err(c, "$.drafts", "lists more languages than the form has");
		return;
	}
	f->draft_languages = xcalloc(c, n, sizeof *f->draft_languages);
	if (f->draft_languages == NULL)
		return;
	i = 0;
	for (m = v->child; m; m = m->next, i++) {
		idxpath(p, "$", "drafts", i);
		if (!cJSON_IsString(m)) {
			form_err(c, p, "must be a language code");
			continue;
		}
		if (!c->langs_broken) {
			int l = lang_exact(f, m->valuestring);
			if (l < 0) {
				form_err(c, p, "\"%.64s\" is not one of the languages listed in $.languages",
				    m->valuestring);
				continue;
			}
			if (l == 0) {
				form_err(c, p, "\"%s\" is the default language; it cannot be a draft translation",
				    m->valuestring);
				continue;
			}
		}
		for (j = 0; j < f->ndraft_languages; j++)
			if (strcmp(f->draft_languages[j], m->valuestring) == 0)
				break;
		if (j < f->ndraft_languages) {
			form_err(c, p, "language \"%.64s\" is listed twice", m->valuestring);
			continue;
		}
		if ((f->draft_languages[f->ndraft_languages] = xstrdup(c, m->valuestring)) == NULL)
			return;
		f->ndraft_languages++;
	}
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

