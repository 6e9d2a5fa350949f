/* form.c - questionnaire JSON -> immutable struct snd_form: the entry
 * points (snd_form_parse, snd_form_load, snd_form_free), the
 * questionnaire's own keys, and the loader's error reporting.
 *
 * The loader is three files around form_int.h (struct form_ctx and the
 * helpers they share):
 *   form.c           top-level keys ($.id, opens/closes, anonymity), the
 *                    list of problems (form_err, unknown keys), free, lookups
 *   form_question.c  $.sections, each question by type, show_if
 *   form_lang.c      labels in every language, $.languages, $.drafts,
 *                    language lookups and Accept-Language
 * Checking an answers object against a form is answers.c.
 *
 * Invariants (of the whole loader):
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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *const snd_results_names[SND_RESULTS__MAX] = {
	[SND_RESULTS_CHAIRS] = "chairs", [SND_RESULTS_AFTER_CLOSE] = "after_close",
	[SND_RESULTS_LIVE] = "live",
};

static const char *const anonymity_names[SND_ANON__MAX] = {
	[SND_ATTRIBUTED] = "attributed", [SND_PSEUDONYMOUS] = "pseudonymous",
};

void form_err(struct form_ctx *c, const char *path, const char *fmt, ...)
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

void form_pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
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
/* Reports members of obj not in known[], suggesting a near miss. */
void form_check_keys(struct form_ctx *c, const cJSON *obj, const char *path,
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
			form_err(c, p, "unknown key \"%.64s\" in %s (did you mean \"%s\"?)", m->string, what,
			    known[bi]);
		else
			form_err(c, p, "unknown key \"%.64s\" in %s", m->string, what);
	}
}
void form_get_bool(struct form_ctx *c, const cJSON *obj, const char *key, const char *path, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[FORM_PATH_MAX];
	if (v == NULL)
		return;
	if (!cJSON_IsBool(v)) {
		subpath(p, path, key);
		form_err(c, p, "must be true or false, not %s", json_kind(v));
		return;
	}
	*out = cJSON_IsTrue(v);
}
static void parse_time(struct form_ctx *c, const cJSON *root, const char *key, int64_t *t, int *has)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
	char p[FORM_PATH_MAX];
	if (v == NULL)
		return;
	subpath(p, "$", key);
	if (!cJSON_IsString(v) || snd_time_parse(v->valuestring, t) != SND_OK) {
		form_err(c, p, "must be an RFC 3339 time such as \"2026-02-06T18:00:00Z\"");
		return;
	}
	*has = 1;
}
/* The highest round number a series may reach: far past any real one, and
 * small enough to print in a fixed buffer. */
#define FORM_MAX_ROUND 1000

/* "series", "round" and "previous": each alone is typed here; together
 * they must make sense (a round needs its series, round 1 has no previous
 * round).  Whether "previous" names an earlier round of the series is a
 * question about several files: collector check and tally trend ask it. */
static void parse_series(struct form_ctx *c, const cJSON *root)
{
	struct snd_form *f = c->f;
	const cJSON *se = cJSON_GetObjectItemCaseSensitive(root, "series");
	const cJSON *ro = cJSON_GetObjectItemCaseSensitive(root, "round");
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(root, "previous");
	long n;
	int ok = 1;
	if (se && (!cJSON_IsString(se) || !is_form_id(se->valuestring))) {
		form_err(c, "$.series", "series ids are 1 to 64 characters of a-z, 0-9, _ and -, "
		               "starting with a letter or digit");
		ok = 0;
	} else if (se) {
		f->series = xstrdup(c, se->valuestring);
	}
	if (ro && get_int(ro, 1, FORM_MAX_ROUND, &n) != 0) {
		form_err(c, "$.round", "must be a whole number from 1 to %d", FORM_MAX_ROUND);
		ok = 0;
	} else if (ro) {
		f->round = (int)n;
	}
	if (pr && (!cJSON_IsString(pr) || !is_form_id(pr->valuestring))) {
		form_err(c, "$.previous", "must be the id of the previous round's questionnaire");
		ok = 0;
	} else if (pr) {
		f->previous = xstrdup(c, pr->valuestring);
	}
	if (!ok)
		return;
	if (se && ro == NULL)
		form_err(c, "$", "a questionnaire with a \"series\" needs its \"round\" (1 for the first)");
	if (ro && se == NULL)
		form_err(c, "$.round", "a \"round\" needs the \"series\" it belongs to");
	if (pr && (se == NULL || ro == NULL))
		form_err(c, "$.previous", "\"previous\" needs \"series\" and \"round\": the id of "
		             "the series and this questionnaire's round number");
	else if (pr && f->round == 1)
		form_err(c, "$.previous", "round 1 has no previous round; leave \"previous\" out "
		             "(or raise \"round\")");
	else if (pr && f->id && strcmp(pr->valuestring, f->id) == 0)
		form_err(c, "$.previous", "a questionnaire cannot be its own previous round");
}

/* "public_attributes" (pseudonymous forms: the attributes that may be
 * shown; attributed forms show every attribute, so there it changes
 * nothing) and "min_group" (groups with fewer respondents show no
 * figures; default 3 on a pseudonymous form, 1, no suppression, on an
 * attributed one). */
static int is_attr_name(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n >= 1 && n <= 64;
}

static void parse_privacy(struct form_ctx *c, const cJSON *root)
{
	struct snd_form *f = c->f;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "public_attributes"), *it;
	long n;
	f->min_group = f->anonymity == SND_PSEUDONYMOUS ? 3 : 1;
	if (v != NULL && !cJSON_IsArray(v)) {
		form_err(c, "$.public_attributes", "must be an array of attribute names");
	} else if (v != NULL) {
		size_t cap = (size_t)cJSON_GetArraySize(v), i = 0;
		f->public_attributes = cap ? calloc(cap, sizeof *f->public_attributes) : NULL;
		if (cap && f->public_attributes == NULL) {
			form_err(c, "$.public_attributes", "out of memory");
			cap = 0;
		}
		cJSON_ArrayForEach(it, v) {
			char p[FORM_PATH_MAX];
			size_t j;
			snprintf(p, sizeof p, "$.public_attributes[%zu]", i++);
			if (!cJSON_IsString(it) || !is_attr_name(it->valuestring)) {
				form_err(c, p, "attribute names are 1 to 64 characters of a-z, 0-9 and _");
				continue;
			}
			if (strcmp(it->valuestring, "entity") == 0 || strcmp(it->valuestring, "sub") == 0 ||
			    strcmp(it->valuestring, "id") == 0) {
				form_err(c, p, "\"%s\" identifies delegates and cannot be public",
				         it->valuestring);
				continue;
			}
			for (j = 0; j < f->npublic_attributes; j++)
				if (strcmp(f->public_attributes[j], it->valuestring) == 0)
					break;
			if (j < f->npublic_attributes) {
				form_err(c, p, "\"%s\" is listed twice", it->valuestring);
				continue;
			}
			if (f->npublic_attributes < cap)
				f->public_attributes[f->npublic_attributes++] = xstrdup(c, it->valuestring);
		}
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "min_group");
	if (v != NULL) {
		if (get_int(v, 1, 1000000, &n) != 0)
			form_err(c, "$.min_group", "must be a whole number of at least 1");
		else
			f->min_group = (int)n;
	}
}

int snd_form_attr_public(const struct snd_form *f, const char *name)
{
	if (name == NULL || strcmp(name, "entity") == 0)
		return f->anonymity != SND_PSEUDONYMOUS && name != NULL;
	if (f->anonymity != SND_PSEUDONYMOUS)
		return 1;
	for (size_t i = 0; i < f->npublic_attributes; i++)
		if (strcmp(f->public_attributes[i], name) == 0)
			return 1;
	return 0;
}

const char *snd_form_public_list(const struct snd_form *f, char *buf, size_t len)
{
	size_t used = 0;
	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < f->npublic_attributes; i++) {
		int k = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", f->public_attributes[i]);
		if (k < 0 || (size_t)k >= len - used)
			break;
		used += (size_t)k;
	}
	if (used == 0)
		snprintf(buf, len, "%s", "none");
	return buf;
}

static void parse_form(struct form_ctx *c, const cJSON *root)
{
	static const char *const fkeys[] = {"id", "languages", "drafts", "title", "intro",
	                                    "opens", "closes", "anonymity", "sections",
	                                    "previous", "results", "series", "round",
	                                    "public_attributes", "min_group"};
	struct snd_form *f = c->f;
	const cJSON *v;
	if (!cJSON_IsObject(root)) {
		form_err(c, "$", "a questionnaire must be a JSON object, not %s", json_kind(root));
		return;
	}
	form_check_keys(c, root, "$", fkeys, sizeof fkeys / sizeof fkeys[0], "the questionnaire");
	v = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (v == NULL)
		form_err(c, "$", "the questionnaire needs an \"id\"");
	else if (!cJSON_IsString(v) || !is_form_id(v->valuestring))
		form_err(c, "$.id", "questionnaire ids are 1 to 64 characters of a-z, 0-9, _ and -, "
		               "starting with a letter or digit");
	else
		f->id = xstrdup(c, v->valuestring);
	form_parse_languages(c, root);
	form_parse_drafts(c, root);
	form_member_label(c, root, "title", "$", &f->title, 1, "the questionnaire");
	form_member_label(c, root, "intro", "$", &f->intro, 0, "the questionnaire");
	parse_time(c, root, "opens", &f->opens, &f->has_opens);
	parse_time(c, root, "closes", &f->closes, &f->has_closes);
	if (f->has_opens && f->has_closes && f->opens >= f->closes)
		form_err(c, "$.closes", "the questionnaire must close after it opens");
	v = cJSON_GetObjectItemCaseSensitive(root, "anonymity");
	f->anonymity = SND_ATTRIBUTED;
	if (v) {
		if (cJSON_IsString(v) && strcmp(v->valuestring, anonymity_names[SND_PSEUDONYMOUS]) == 0)
			f->anonymity = SND_PSEUDONYMOUS;
		else if (!cJSON_IsString(v) || strcmp(v->valuestring, anonymity_names[SND_ATTRIBUTED]) != 0)
			form_err(c, "$.anonymity", "must be \"attributed\" or \"pseudonymous\"");
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "results");
	f->results = SND_RESULTS_CHAIRS;
	if (v) {
		int i;
		for (i = 0; i < SND_RESULTS__MAX; i++)
			if (cJSON_IsString(v) && strcmp(v->valuestring, snd_results_names[i]) == 0)
				break;
		if (i == SND_RESULTS__MAX)
			form_err(c, "$.results", "must be \"chairs\", \"after_close\" or \"live\"");
		else
			f->results = (enum snd_results)i;
	}
	parse_series(c, root);
	parse_privacy(c, root);
	form_parse_sections(c, root);
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
		form_label_free(&q->text, nl);
		form_label_free(&q->help, nl);
		for (j = 0; j < q->noptions; j++) {
			free(q->options[j].id);
			form_label_free(&q->options[j].label, nl);
		}
		free(q->options);
		for (j = 0; j < q->nrows; j++) {
			free(q->rows[j].id);
			form_label_free(&q->rows[j].label, nl);
		}
		free(q->rows);
		if (q->scale_labels) {
			for (j = 0; q->max > q->min && j <= (size_t)(q->max - q->min); j++)
				form_label_free(&q->scale_labels[j], nl);
			free(q->scale_labels);
		}
		for (j = 0; j < q->nshow_if_values; j++)
			free(q->show_if_values[j]);
		free(q->show_if_values);
		free(q->was);
	}
	free(f->questions);
	for (i = 0; i < f->nsections; i++) {
		free(f->sections[i].id);
		form_label_free(&f->sections[i].title, nl);
		form_label_free(&f->sections[i].intro, nl);
	}
	free(f->sections);
	form_label_free(&f->title, nl);
	form_label_free(&f->intro, nl);
	for (i = 0; i < f->nlanguages; i++)
		free(f->languages[i]);
	free(f->languages);
	for (i = 0; i < f->ndraft_languages; i++)
		free(f->draft_languages[i]);
	free(f->draft_languages);
	free(f->id);
	free(f->series);
	free(f->previous);
	for (i = 0; i < f->npublic_attributes; i++)
		free(f->public_attributes[i]);
	free(f->public_attributes);
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
	struct form_ctx c;
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

/* The window rule lives here, with the form's own opens/closes;
 * snd_store_effective_window (store_sched.c) applies it to a schedule
 * override too. */
void snd_form_window(const struct snd_form *f, struct snd_window *w)
{
	memset(w, 0, sizeof *w);
	w->has_opens = f->has_opens;
	w->opens = f->opens;
	w->has_closes = f->has_closes;
	w->closes = f->closes;
}

enum snd_err snd_window_is_open(const struct snd_window *w, int64_t now)
{
	if (w->has_opens && now < w->opens)
		return SND_ECLOSED;
	if (w->has_closes && now >= w->closes)
		return SND_ECLOSED;
	return SND_OK;
}

enum snd_err snd_form_is_open(const struct snd_form *f, int64_t now)
{
	struct snd_window w;
	snd_form_window(f, &w);
	return snd_window_is_open(&w, now);
}
