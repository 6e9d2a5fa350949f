/* fuzz_answers.c - libFuzzer: answers objects (as JSON text) checked against
 * the minimal form of tests/data/forms/minimal.json, then
 * canonicalised and hashed.  A clean object must pass its own check again
 * and canonicalise.  snd_answers_from_body on {"answers": INPUT} (and on
 * the input itself as a body) must never accept what the general path
 * (snd_json_parse + snd_form_check_answers + snd_answers_hash) refuses, and
 * when it accepts it must give the same canonical text and hash. */
#include "sounding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef SND_SOURCE_DIR
#define SND_SOURCE_DIR "."
#endif

static struct snd_form *form;

/* The one-pass path against the general one, on a whole body. */
static void from_body(const char *text, size_t len)
{
	struct snd_buf fast, slow;
	char hfast[65], hslow[65];
	cJSON *doc = NULL, *clean = NULL;
	const cJSON *answers;
	enum snd_err ef, eg = SND_EINVAL;
	snd_buf_init(&fast, 0);
	snd_buf_init(&slow, 0);
	ef = snd_answers_from_body(form, text, len, 65536, &fast, hfast);
	if (snd_json_parse(text, len, 65536, SND_JSON_MAX_DEPTH, &doc, NULL, 0) == SND_OK) {
		answers = cJSON_GetObjectItemCaseSensitive(doc, "answers");
		if (cJSON_IsObject(doc) && cJSON_IsObject(answers) &&
		    snd_form_check_answers(form, answers, &clean, NULL) == SND_OK)
			eg = snd_answers_hash(clean, &slow, hslow);
	}
	if (ef == SND_OK) {
		if (eg != SND_OK || fast.len != slow.len || memcmp(fast.data, slow.data, fast.len) != 0 ||
		    strcmp(hfast, hslow) != 0)
			abort(); /* accepted what the general path refuses, or wrote other bytes */
	} else if (fast.len != 0) {
		abort(); /* a refusal left text behind */
	}
	cJSON_Delete(clean);
	cJSON_Delete(doc);
	snd_buf_free(&fast);
	snd_buf_free(&slow);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *a = NULL, *clean = NULL, *again = NULL;
	struct snd_diag errs;
	char hex[65];
	if (form == NULL &&
	    snd_form_load(SND_SOURCE_DIR "/tests/data/forms/minimal.json", &form, NULL) != SND_OK)
		abort();
	from_body((const char *)data, size);
	{
		struct snd_buf body;
		snd_buf_init(&body, 0);
		snd_buf_puts(&body, "{\"answers\":");
		snd_buf_append(&body, data, size);
		snd_buf_putc(&body, '}');
		if (!body.failed)
			from_body(body.data, body.len);
		snd_buf_free(&body);
	}
	if (snd_json_parse((const char *)data, size, 65536, SND_JSON_MAX_DEPTH, &a, NULL, 0) != SND_OK)
		return 0;
	snd_diag_init(&errs);
	if (snd_form_check_answers(form, a, &clean, &errs) == SND_OK) {
		struct snd_buf b;
		if (errs.n != 0)
			abort();
		snd_buf_init(&b, 0);
		if (snd_answers_hash(clean, &b, hex) != SND_OK)
			abort();
		/* cleaning is idempotent */
		if (snd_form_check_answers(form, clean, &again, &errs) != SND_OK)
			abort();
		{
			struct snd_buf b2;
			char hex2[65];
			snd_buf_init(&b2, 0);
			if (snd_answers_hash(again, &b2, hex2) != SND_OK || strcmp(hex, hex2) != 0)
				abort();
			snd_buf_free(&b2);
		}
		snd_buf_free(&b);
		cJSON_Delete(again);
		cJSON_Delete(clean);
	} else if (errs.n == 0) {
		abort(); /* a refusal always says why */
	}
	snd_diag_free(&errs);
	cJSON_Delete(a);
	return 0;
}
