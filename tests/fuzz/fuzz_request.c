/* fuzz_request.c - libFuzzer: what the collector does with one API request,
 * through the public core functions its static HTTP code calls, against the
 * real questionnaire (forms/lsg-review.json, six languages, every type).
 *
 * Input: "ACCEPT-LANGUAGE\nLANG\nBODY".  Checks, for any input:
 *   - snd_form_lang_accept and snd_form_lang pick a language of the form
 *     (an index in range, or -1 for an unknown ?lang=), with the same length
 *     caps as the collector (request.c: 1024 and 16 bytes);
 *   - the body goes through snd_json_parse with the server's caps (64 KiB,
 *     depth 32); a document {"answers":{...}} is checked against the form;
 *     a refusal always names a reason; an accepted set is clean (checking it
 *     again gives the same canonical bytes and hash) and every stored string
 *     is valid UTF-8 without NUL;
 *   - the parser's error message is NUL-terminated and fits its buffer.
 */
#include "sounding.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct snd_form *form;

static void load_form(void)
{
	struct snd_diag d;
	snd_diag_init(&d);
	if (snd_form_load(SND_SOURCE_DIR "/forms/lsg-review.json", &form, &d) != SND_OK) {
		fprintf(stderr, "fuzz_request: cannot load the LSG form\n");
		abort();
	}
	snd_diag_free(&d);
}

/* Every string in v is valid UTF-8 without NUL. */
static void check_strings(const cJSON *v)
{
	const cJSON *c;
	if (cJSON_IsString(v) &&
	    !snd_utf8_valid(v->valuestring, strlen(v->valuestring), NULL))
		abort();
	if (v->string && !snd_utf8_valid(v->string, strlen(v->string), NULL))
		abort();
	for (c = v->child; c; c = c->next)
		check_strings(c);
}

static void check_body(const char *body, size_t len)
{
	cJSON *doc = NULL, *answers, *clean = NULL, *again = NULL;
	struct snd_diag errs;
	struct snd_buf c1, c2;
	char err[200], h1[65], h2[65];
	enum snd_err rc;

	memset(err, 'x', sizeof err);
	rc = snd_json_parse(body, len, 65536, SND_JSON_MAX_DEPTH, &doc, err, sizeof err);
	if (rc != SND_OK) {
		if (doc != NULL || memchr(err, '\0', sizeof err) == NULL)
			abort();
		return;
	}
	answers = cJSON_GetObjectItemCaseSensitive(doc, "answers");
	if (!cJSON_IsObject(doc) || !cJSON_IsObject(answers)) {
		cJSON_Delete(doc);
		return;
	}
	snd_diag_init(&errs);
	rc = snd_form_check_answers(form, answers, &clean, &errs);
	if (rc == SND_OK) {
		if (clean == NULL || errs.n != 0)
			abort();
		check_strings(clean);
		snd_buf_init(&c1, 0);
		snd_buf_init(&c2, 0);
		if (snd_answers_hash(clean, &c1, h1) != SND_OK)
			abort();
		if (snd_form_check_answers(form, clean, &again, &errs) != SND_OK ||
		    snd_answers_hash(again, &c2, h2) != SND_OK || strcmp(h1, h2) != 0 ||
		    c1.len != c2.len || memcmp(c1.data, c2.data, c1.len) != 0)
			abort();
		/* the canonical text is what the store keeps: it must parse back */
		{
			cJSON *back = NULL;
			if (snd_json_parse(c1.data, c1.len, (size_t)1 << 24, SND_JSON_MAX_DEPTH, &back,
			                   NULL, 0) != SND_OK)
				abort();
			cJSON_Delete(back);
		}
		snd_buf_free(&c1);
		snd_buf_free(&c2);
		cJSON_Delete(again);
		cJSON_Delete(clean);
	} else if (rc == SND_EINVAL) {
		size_t i;
		if (errs.n == 0 || clean != NULL)
			abort();
		for (i = 0; i < errs.n; i++)
			if (errs.items[i].where == NULL || errs.items[i].msg == NULL ||
			    errs.items[i].msg[0] == '\0')
				abort();
	} else if (rc != SND_ENOMEM) {
		abort();
	}
	snd_diag_free(&errs);
	cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl, *nl2;
	char *al, *lang;
	size_t alen, llen;
	int i;

	if (form == NULL)
		load_form();
	if (size > 70000)
		return 0;
	nl = memchr(s, '\n', size);
	alen = nl ? (size_t)(nl - s) : size;
	nl2 = nl ? memchr(nl + 1, '\n', size - alen - 1) : NULL;
	llen = nl2 ? (size_t)(nl2 - nl - 1) : 0;

	/* MHD hands header values as C strings: cut at a NUL like it does */
	if ((al = strndup(s, alen)) == NULL)
		return 0;
	if (strlen(al) <= 1024) {
		i = snd_form_lang_accept(form, al);
		if (i < 0 || (size_t)i >= form->nlanguages)
			abort();
	}
	free(al);
	if (nl2 != NULL) {
		if ((lang = strndup(nl + 1, llen)) == NULL)
			return 0;
		if (strlen(lang) <= 16) {
			i = snd_form_lang(form, lang);
			if (i < -1 || (i >= 0 && strcasecmp(form->languages[i], lang) != 0))
				abort();
		}
		free(lang);
		check_body(nl2 + 1, size - (size_t)(nl2 + 1 - s));
	}
	return 0;
}
