/* fuzz_pages.c - libFuzzer: hostile answers rendered by the collector's
 * pages (collector/page_*.c) for the real questionnaire (forms/lsg-review.json).
 *
 * Input: first byte picks the language and the path; the rest is either a
 * JSON answers object (the API's shape) or an urlencoded form post (the
 * browser's).  The answers are rendered the way the server does: the form
 * page prefilled with them (a 422 page refills even unchecked answers, with
 * the errors beside their fields), and, when they pass the check, the
 * receipt page of the clean set.  What must hold for any input:
 *   - the markup is the renderer's own: every tag name and attribute name in
 *     the output was already used by the renderer for benign answers (so
 *     "<img onerror=...>", "<script>", "<svg onload=...>" in an answer can
 *     never become markup);
 *   - no raw bidi override/isolate control (U+202A..U+202E, U+2066..U+2069)
 *     reaches the page;
 *   - the output is valid UTF-8 without NUL.
 */
#include "pages.h"
#include "sounding.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snd_form *form;

#define MAX_NAMES 512
static char *names[MAX_NAMES]; /* "t:tag" and "a:attr" seen in benign pages */
static size_t nnames;
static int learning;

static int known(const char *kind, const char *p, size_t n)
{
	size_t i;
	char key[80];
	if (n > 60)
		return 0;
	snprintf(key, sizeof key, "%s:%.*s", kind, (int)n, p);
	for (i = 0; key[i]; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	for (i = 0; i < nnames; i++)
		if (strcmp(names[i], key) == 0)
			return 1;
	if (!learning) {
		fprintf(stderr, "fuzz_pages: unknown markup %s\n", key);
		return 0;
	}
	if (nnames == MAX_NAMES || (names[nnames] = strdup(key)) == NULL)
		abort();
	nnames++;
	return 1;
}

static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == ':';
}

/* Walks the markup: every tag and attribute name must be known. */
static void check_markup(const char *h, size_t len)
{
	size_t i;
	if (memchr(h, '\0', len) != NULL || !snd_utf8_valid(h, len, NULL))
		abort();
	for (i = 0; i + 2 < len; i++) {
		unsigned char c0 = (unsigned char)h[i], c1 = (unsigned char)h[i + 1],
		              c2 = (unsigned char)h[i + 2];
		if (c0 == 0xE2 && ((c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) ||
		                   (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9)))
			abort(); /* a raw bidi control */
	}
	i = 0;
	while (i < len) {
		size_t s;
		if (h[i] != '<') {
			i++;
			continue;
		}
		i++;
		if (i < len && (h[i] == '!' || h[i] == '/'))
			i++;
		s = i;
		while (i < len && name_char(h[i]))
			i++;
		if (i == s)
			continue;
		if (!known("t", h + s, i - s))
			abort();
		while (i < len && h[i] != '>') { /* attributes up to '>' */
			if (h[i] == '"' || h[i] == '\'') {
				char q = h[i++];
				while (i < len && h[i] != q)
					i++;
				i++;
				continue;
			}
			if (name_char(h[i])) {
				s = i;
				while (i < len && name_char(h[i]))
					i++;
				if (!known("a", h + s, i - s))
					abort();
				continue;
			}
			i++;
		}
	}
}

static void render(int lang, const cJSON *answers, const struct snd_diag *errs,
                   const cJSON *clean)
{
	struct page_req p;
	struct snd_buf b;
	memset(&p, 0, sizeof p);
	p.form = form;
	p.lang = lang;
	p.csrf = "0123456789abcdef0123456789abcdef";
	p.sub = "delegate-1";
	p.ent = "Entity <1>";
	p.now = 1769414400; /* while the questionnaire is open */
	snd_buf_init(&b, 0);
	page_form(&b, &p, answers, errs, errs && errs->n ? 0 : 3);
	if (b.failed)
		abort();
	check_markup(b.data, b.len);
	snd_buf_free(&b);
	if (clean != NULL) {
		snd_buf_init(&b, 0);
		page_receipt(&b, &p, 3, "00aa", "00112233445566778899aabbccddeeff", "v4.public.abc",
		             clean, 1769414400000LL);
		if (b.failed)
			abort();
		check_markup(b.data, b.len);
		snd_buf_free(&b);
	}
}

static void one(int lang, int post, const char *s, size_t n)
{
	cJSON *answers = NULL, *clean = NULL;
	struct snd_diag errs;
	snd_diag_init(&errs);
	if (post) {
		struct snd_kvlist kv;
		char ebuf[128];
		enum snd_err e;
		if (snd_urlenc_parse(s, n, &kv, ebuf, sizeof ebuf) != SND_OK)
			goto out;
		e = snd_form_answers_from_post(form, &kv, &answers, &errs);
		snd_kvlist_free(&kv);
		if (e != SND_OK && e != SND_EINVAL)
			goto out;
	} else {
		if (snd_json_parse(s, n, 65536, SND_JSON_MAX_DEPTH, &answers, NULL, 0) != SND_OK)
			goto out;
		if (!cJSON_IsObject(answers))
			goto out;
	}
	if (errs.n == 0 && snd_form_check_answers(form, answers, &clean, &errs) != SND_OK)
		clean = NULL;
	render(lang, answers, &errs, clean);
out:
	cJSON_Delete(answers);
	cJSON_Delete(clean);
	snd_diag_free(&errs);
}

/* A full answer set for the form, built from its definition: variant 0
 * answers every question with its first choice (objecting, with a reason),
 * variant 1 with its last choice or "no view". */
static cJSON *full_answers(int variant)
{
	cJSON *a = cJSON_CreateObject(), *v;
	size_t i, k;
	for (i = 0; i < form->nquestions; i++) {
		const struct snd_question *q = &form->questions[i];
		switch (q->type) {
		case SND_Q_SINGLE:
			v = cJSON_CreateString(q->options[variant ? q->noptions - 1 : 0].id);
			break;
		case SND_Q_MULTI:
		case SND_Q_RANK:
			v = cJSON_CreateArray();
			for (k = 0; k < q->noptions && k < (q->max > 0 ? (size_t)q->max : 1); k++)
				cJSON_AddItemToArray(v, cJSON_CreateString(q->options[k].id));
			break;
		case SND_Q_SCALE:
			v = variant && q->no_view ? cJSON_CreateNull() : cJSON_CreateNumber(q->min);
			break;
		case SND_Q_MATRIX:
			v = cJSON_CreateObject();
			for (k = 0; k < q->nrows; k++)
				cJSON_AddItemToObject(v, q->rows[k].id,
				                      variant && q->no_view ? cJSON_CreateNull()
				                                            : cJSON_CreateNumber(q->max));
			break;
		case SND_Q_POSITION:
			v = cJSON_CreateObject();
			cJSON_AddStringToObject(v, "position", variant ? "support" : "object");
			cJSON_AddStringToObject(v, "reason", "a reason");
			break;
		case SND_Q_NUMBER:
			v = cJSON_CreateNumber(q->nmin > 0 ? q->nmin : 1);
			break;
		default:
			v = cJSON_CreateString("some text");
			break;
		}
		cJSON_AddItemToObject(a, q->id, v);
	}
	return a;
}

static void learn(void)
{
	/* Benign renders teach the checker the renderer's own vocabulary. */
	struct snd_diag d;
	int l, variant;
	snd_diag_init(&d);
	if (snd_form_load(SND_SOURCE_DIR "/forms/lsg-review.json", &form, &d) != SND_OK)
		abort();
	snd_diag_free(&d);
	learning = 1;
	for (l = 0; l < (int)form->nlanguages; l++)
		for (variant = 0; variant < 3; variant++) {
			cJSON *a = variant == 2 ? cJSON_CreateObject() : full_answers(variant);
			cJSON *clean = NULL;
			struct snd_diag errs;
			snd_diag_init(&errs);
			if (snd_form_check_answers(form, a, &clean, &errs) != SND_OK)
				clean = NULL;
			render(l, a, &errs, clean);
			if (clean != NULL)
				render(l, clean, NULL, clean);
			/* and with an error beside a field */
			snd_diag_add(&errs, form->questions[0].id, "pick one");
			render(l, a, &errs, NULL);
			snd_diag_free(&errs);
			cJSON_Delete(a);
			cJSON_Delete(clean);
		}
	learning = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (form == NULL)
		learn();
	if (size < 1 || size > 70000)
		return 0;
	one((int)(data[0] % form->nlanguages), data[0] & 0x80, (const char *)data + 1, size - 1);
	return 0;
}
