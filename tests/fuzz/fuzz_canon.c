/* fuzz_canon.c - libFuzzer: canonical JSON is a fixed point.  parse ->
 * canon -> parse -> canon must give the same bytes, and the canonical text
 * must itself be accepted by the guarded parser. */
#include "sounding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *v = NULL, *w = NULL;
	struct snd_buf a, b;
	char ebuf[160];
	if (snd_json_parse((const char *)data, size, 65536, SND_JSON_MAX_DEPTH, &v, NULL, 0) != SND_OK)
		return 0;
	snd_buf_init(&a, 0);
	snd_buf_init(&b, 0);
	if (snd_canon_json(v, &a) != SND_OK)
		goto out; /* e.g. 1e999 reads as infinity: refused, fine */
	if (snd_json_parse(a.data, a.len, (size_t)1 << 24, SND_JSON_MAX_DEPTH, &w, ebuf,
	                   sizeof ebuf) != SND_OK)
		abort();
	if (snd_canon_json(w, &b) != SND_OK)
		abort();
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
out:
	snd_buf_free(&a);
	snd_buf_free(&b);
	cJSON_Delete(v);
	cJSON_Delete(w);
	return 0;
}
