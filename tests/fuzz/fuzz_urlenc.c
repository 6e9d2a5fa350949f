/* fuzz_urlenc.c - libFuzzer: urlencoded form posts parsed and turned into
 * answers for the minimal form (embedded), then checked and canonicalised. */
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
	struct snd_kvlist l;
	cJSON *a = NULL, *clean = NULL;
	struct snd_diag errs;
	char ebuf[128];
	enum snd_err e;
	size_t i;
	if (form == NULL && snd_form_parse(form_json, sizeof form_json - 1, "minimal", &form, NULL) != SND_OK)
		abort();
	if (snd_urlenc_parse((const char *)data, size, &l, ebuf, sizeof ebuf) != SND_OK)
		return 0;
	for (i = 0; i < l.n; i++)
		if (!snd_utf8_valid(l.items[i].name, strlen(l.items[i].name), NULL) ||
		    !snd_utf8_valid(l.items[i].value, strlen(l.items[i].value), NULL))
			abort();
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
