/* fuzz_csv.c - libFuzzer harness for core/csv.c.
 *
 * Parses any input as a delegate list and checks what a caller relies on:
 * every field is valid UTF-8 without NUL, rows start on increasing lines
 * within the text, every row has at least one field, caps hold, and a
 * failure reports a line inside the text.
 */
#include "sounding.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snd_csv c;
	char err[256];
	size_t line = 0, i, j, lines = 1;
	const char *s = (const char *)data;
	for (i = 0; i < size; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == size || s[i + 1] != '\n')))
			lines++;
	if (snd_csv_parse(s, size, &c, &line, err, sizeof err) != SND_OK) {
		if (line < 1 || line > lines || err[0] == '\0')
			abort();
		return 0;
	}
	if (c.nrows > SND_CSV_MAX_ROWS)
		abort();
	for (i = 0; i < c.nrows; i++) {
		const struct snd_csv_row *r = &c.rows[i];
		if (r->nfields < 1 || r->nfields > SND_CSV_MAX_FIELDS || r->line < 1 ||
		    r->line > lines || (i > 0 && r->line <= c.rows[i - 1].line))
			abort();
		for (j = 0; j < r->nfields; j++) {
			size_t n = strlen(r->fields[j]);
			if (n > SND_CSV_MAX_FIELD_LEN || !snd_utf8_valid(r->fields[j], n, NULL))
				abort();
		}
	}
	(void)snd_csv_column(&c, "id");
	snd_csv_free(&c);
	return 0;
}
