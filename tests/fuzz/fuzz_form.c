/* fuzz_form.c - libFuzzer: questionnaire files.  Any input must either load
 * (and then answer lookups and an empty answers check sanely) or fail with
 * diagnostics, without leaks or undefined behaviour. */
#include "sounding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snd_form *f = NULL;
	struct snd_diag d;
	size_t i;
	snd_diag_init(&d);
	if (snd_form_parse((const char *)data, size, "fuzz.json", &f, &d) == SND_OK) {
		cJSON *empty = cJSON_CreateObject(), *clean = NULL;
		if (d.n != 0)
			abort();
		for (i = 0; i < f->nquestions; i++)
			if (snd_form_question(f, f->questions[i].id) != (int)i)
				abort();
		struct snd_diag errs;
		snd_diag_init(&errs);
		if (snd_form_check_answers(f, empty, &clean, &errs) == SND_OK)
			cJSON_Delete(clean);
		snd_diag_free(&errs);
		(void)snd_form_lang_accept(f, "fr-CH, en;q=0.5");
		cJSON_Delete(empty);
		snd_form_free(f);
	} else if (f != NULL) {
		abort();
	}
	for (i = 0; i < d.n; i++)
		if (d.items[i].where[0] != '$')
			abort();
	snd_diag_free(&d);
	return 0;
}
