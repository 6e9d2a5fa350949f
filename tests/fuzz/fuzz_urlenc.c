/* fuzz_urlenc.c - libFuzzer: urlencoded form posts parsed and turned into
 * answers for tests/data/forms/minimal.json, then checked and canonicalised;
 * the repeated-field check (snd_kvlist_repeated) names only fields sent at
 * least twice. */
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
	struct snd_kvlist l;
	cJSON *a = NULL, *clean = NULL;
	struct snd_diag errs;
	char ebuf[128];
	enum snd_err e;
	size_t i;
	if (form == NULL &&
	    snd_form_load(SND_SOURCE_DIR "/tests/data/forms/minimal.json", &form, NULL) != SND_OK)
		abort();
	if (snd_urlenc_parse((const char *)data, size, &l, ebuf, sizeof ebuf) != SND_OK)
		return 0;
	for (i = 0; i < l.n; i++)
		if (!snd_utf8_valid(l.items[i].name, strlen(l.items[i].name), NULL) ||
		    !snd_utf8_valid(l.items[i].value, strlen(l.items[i].value), NULL))
			abort();
	{
		/* a repeated field named is one sent at least twice, and never a
		 * multi question's own (those may repeat) */
		const char *dup = snd_kvlist_repeated(&l, form), *any = snd_kvlist_repeated(&l, NULL);
		size_t seen = 0;
		if (dup != NULL && any == NULL)
			abort();
		for (i = 0; dup != NULL && i < l.n; i++)
			seen += strcmp(l.items[i].name, dup) == 0;
		if (dup != NULL && seen < 2)
			abort();
	}
	snd_diag_init(&errs);
	e = snd_form_answers_from_post(form, &l, &a, &errs);
	if (e == SND_OK || e == SND_EINVAL) {
		if (a == NULL)
			abort();
		if (e == SND_OK && snd_form_check_answers(form, a, &clean, &errs) == SND_OK) {
			struct snd_buf b;
			char hex[65];
			snd_buf_init(&b, 0);
			if (snd_answers_hash(clean, &b, hex) != SND_OK)
				abort();
			snd_buf_free(&b);
			cJSON_Delete(clean);
		}
		cJSON_Delete(a);
	}
	snd_diag_free(&errs);
	snd_kvlist_free(&l);
	return 0;
}
