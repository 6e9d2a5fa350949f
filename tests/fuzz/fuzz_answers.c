/* fuzz_answers.c - libFuzzer: answers objects (as JSON text) checked against
 * the minimal form of tests/data/forms/minimal.json, then
 * canonicalised and hashed.  A clean object must pass its own check again
 * and canonicalise. */
#include "sounding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef SND_SOURCE_DIR
#define SND_SOURCE_DIR "."
#endif

static struct snd_form *form;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *a = NULL, *clean = NULL, *again = NULL;
	struct snd_diag errs;
	char hex[65];
	if (form == NULL &&
	    snd_form_load(SND_SOURCE_DIR "/tests/data/forms/minimal.json", &form, NULL) != SND_OK)
		abort();
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
