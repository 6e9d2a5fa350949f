/* fuzz_answers.c - libFuzzer: answers objects (as JSON text) checked against
 * the minimal form of tests/data/forms/minimal.json (embedded), then
 * canonicalised and hashed.  A clean object must pass its own check again
 * and canonicalise. */
#include "sounding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char form_json[] =
	"{\"id\":\"minimal\",\"languages\":[\"en\",\"fr\"],\"drafts\":[\"fr\"],\"title\":{\"en\":\"Every question type"
	"\",\"fr\":\"Tous les types de question\"},\"intro\":\"A small questionnaire for the tests.\",\"opens"
	"\":\"2026-01-26T08:00:00Z\",\"closes\":\"2026-02-06T18:00:00+01:00\",\"anonymity\":\"pseudonymous\",\""
	"sections\":[{\"id\":\"one\",\"title\":\"First\",\"intro\":{\"en\":\"Choices\",\"fr\":\"Choix\"},\"questions\":["
	"{\"id\":\"colour\",\"type\":\"single\",\"required\":true,\"text\":{\"en\":\"Favourite colour?\",\"fr\":\"Coul"
	"eur pr\\u00e9f\\u00e9r\\u00e9e ?\"},\"help\":\"Pick one.\",\"options\":[{\"id\":\"red\",\"label\":{\"en\":\"R"
	"ed\",\"fr\":\"Rouge\"}},{\"id\":\"blue\",\"label\":\"Blue\"}]},{\"id\":\"why_blue\",\"type\":\"text\",\"max_leng"
	"th\":10,\"required\":true,\"text\":\"Why blue?\",\"show_if\":{\"question\":\"colour\",\"any_of\":[\"blue\"]"
	"}},{\"id\":\"tools\",\"type\":\"multi\",\"min\":1,\"max\":2,\"text\":\"Which tools?\",\"options\":[\"email\",\""
	"wiki\",\"chat\"]},{\"id\":\"wiki_name\",\"type\":\"text\",\"text\":\"Which wiki?\",\"show_if\":{\"question\":"
	"\"tools\",\"any_of\":[\"wiki\"]}},{\"id\":\"clear\",\"type\":\"scale\",\"min\":1,\"max\":5,\"no_view\":true,\"t"
	"ext\":\"How clear?\",\"labels\":{\"1\":\"Not at all\",\"5\":{\"en\":\"Completely\",\"fr\":\"Tout \\u00e0 fait"
	"\"}}},{\"id\":\"unclear\",\"type\":\"text\",\"text\":\"What is unclear?\",\"show_if\":{\"question\":\"clear\""
	",\"any_of\":[1,\"2\"]}}]},{\"id\":\"two\",\"title\":\"Second\",\"questions\":[{\"id\":\"per_sg\",\"type\":\"mat"
	"rix\",\"min\":1,\"max\":5,\"required\":true,\"no_view\":true,\"text\":\"How well does each group work?"
	"\",\"rows\":[{\"id\":\"sg2\",\"label\":\"SG2\"},\"sg3\"]},{\"id\":\"order\",\"type\":\"rank\",\"max\":2,\"text\":\"R"
	"ank these.\",\"options\":[\"alpha\",\"beta\",\"gamma\"]},{\"id\":\"after_alpha\",\"type\":\"single\",\"text\""
	":\"Alpha first: why?\",\"options\":[\"a\",\"b\"],\"show_if\":{\"question\":\"order\",\"any_of\":[\"alpha\"]}"
	"},{\"id\":\"proposal\",\"type\":\"position\",\"required\":true,\"max_length\":20,\"text\":\"Meetings shou"
	"ld start on time.\"},{\"id\":\"objected\",\"type\":\"text\",\"text\":\"Anything to add to your objecti"
	"on?\",\"show_if\":{\"question\":\"proposal\",\"any_of\":[\"object\"]}},{\"id\":\"how_many\",\"type\":\"numbe"
	"r\",\"min\":0,\"max\":20,\"integer\":true,\"text\":\"How many?\"},{\"id\":\"ratio\",\"type\":\"number\",\"min\""
	":-1.5,\"text\":\"Any ratio?\"}]}]}";

static struct snd_form *form;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *a = NULL, *clean = NULL, *again = NULL;
	struct snd_diag errs;
	char hex[65];
	if (form == NULL && snd_form_parse(form_json, sizeof form_json - 1, "minimal", &form, NULL) != SND_OK)
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
