/* fuzz_escape.c - libFuzzer: the output escapers of core/buf.c, which stand
 * between answers and every page, report and export.  For any input string:
 *   - snd_buf_html leaves no & < > " ' of its own (each & starts one of the
 *     five entities it writes), no raw bidi control, and undoing the
 *     entities and markers gives the input back;
 *   - snd_buf_csv writes one RFC 4180 field that reads back (snd_csv_parse)
 *     as the input with its bidi controls as markers ("[U+202E]"), prefixed
 *     with ' exactly when a spreadsheet could take the cell for a formula
 *     (after leading blanks, = + @ TAB CR LF, their full-width forms, or -
 *     not followed by a plain number);
 *   - snd_buf_json_str writes a JSON string that parses back to the input.
 */
#include "sounding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_html(const char *s)
{
	struct snd_buf b, back;
	size_t i;
	snd_buf_init(&b, 0);
	snd_buf_init(&back, 0);
	if (snd_buf_html(&b, s) != SND_OK)
		abort();
	for (i = 0; i < b.len;) {
		const char *p = b.data + i;
		static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
		static const char lit[] = "&<>\"'";
		size_t k;
		if (*p == '<' || *p == '>' || *p == '"' || *p == '\'')
			abort();
		if (*p == '&') {
			for (k = 0; k < 5; k++)
				if (strncmp(p, ents[k], strlen(ents[k])) == 0)
					break;
			if (k == 5)
				abort();
			snd_buf_putc(&back, lit[k]);
			i += strlen(ents[k]);
			continue;
		}
		if (strncmp(p, "[U+", 3) == 0 && i + 8 <= b.len && p[7] == ']') {
			unsigned long cp = strtoul(p + 3, NULL, 16);
			if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
				char u[3] = {(char)0xE2, (char)(0x80 | (cp >> 6 & 0x3F)),
				             (char)(0x80 | (cp & 0x3F))};
				/* only a marker when the input had the control there */
				snd_buf_append(&back, u, 3);
				i += 8;
				continue;
			}
		}
		if ((unsigned char)p[0] == 0xE2 && i + 2 < b.len) {
			unsigned char c1 = (unsigned char)p[1], c2 = (unsigned char)p[2];
			if ((c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) ||
			    (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9))
				abort();
		}
		snd_buf_putc(&back, *p);
		i++;
	}
	/* A literal "[U+202E]" typed by someone reads back as the control: compare
	 * only when the input has no such text. */
	if (strstr(s, "[U+") == NULL && (back.len != strlen(s) || memcmp(back.data ? back.data : "", s, back.len) != 0))
		abort();
	snd_buf_free(&b);
	snd_buf_free(&back);
}

static int plain_negative_number(const char *s)
{
	char *end;
	size_t i;
	if (s[0] != '-')
		return 0;
	for (i = 1; s[i]; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '.' && s[i] != 'e' && s[i] != 'E' &&
		    s[i] != '+' && s[i] != '-')
			return 0;
	(void)strtod(s, &end);
	return end != s && *end == '\0';
}

/* Whether a spreadsheet could take cell s for a formula: after any leading
 * space, VT, FF, U+00A0 or U+3000, one of = + - @ TAB CR LF or their
 * full-width forms U+FF1D U+FF0B U+FF0D U+FF20; a plain negative number is
 * data. */
static int formula_like(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (;;) {
		if (*p == ' ' || *p == '\v' || *p == '\f')
			p++;
		else if (p[0] == 0xC2 && p[1] == 0xA0)
			p += 2;
		else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
			p += 3;
		else
			break;
	}
	if (*p == '=' || *p == '+' || *p == '-' || *p == '@' || *p == '\t' || *p == '\r' ||
	    *p == '\n')
		return !plain_negative_number(s);
	return p[0] == 0xEF && p[1] == 0xBC &&
	       (p[2] == 0x9D || p[2] == 0x8B || p[2] == 0x8D || p[2] == 0xA0);
}

/* s as its CSV cell must read back: every bidi control as its marker. */
static void with_markers(struct snd_buf *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) {
			snd_buf_printf(o, "[U+%04X]", 0x202Au + (p[2] - 0xAAu));
			p += 2;
		} else if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9) {
			snd_buf_printf(o, "[U+%04X]", 0x2066u + (p[2] - 0xA6u));
			p += 2;
		} else {
			snd_buf_putc(o, (char)*p);
		}
	}
}

static void check_csv(const char *s)
{
	struct snd_buf b, want;
	struct snd_csv c;
	char err[128];
	int want_guard = formula_like(s);
	const char *got;
	snd_buf_init(&b, 0);
	snd_buf_init(&want, 0);
	if (want_guard)
		snd_buf_putc(&want, '\'');
	with_markers(&want, s);
	if (snd_buf_csv(&b, s) != SND_OK || want.failed)
		abort();
	snd_buf_puts(&b, ",end\n");
	if (snd_csv_parse(b.data, b.len, &c, NULL, err, sizeof err) != SND_OK)
		abort(); /* escaper output must always read back */
	if (c.nrows != 1 || c.rows[0].nfields != 2 || strcmp(c.rows[0].fields[1], "end") != 0)
		abort();
	got = c.rows[0].fields[0];
	if (strcmp(got, want.data ? want.data : "") != 0)
		abort();
	snd_csv_free(&c);
	snd_buf_free(&b);
	snd_buf_free(&want);
}

static void check_json(const char *s, size_t n)
{
	struct snd_buf b;
	cJSON *v = NULL;
	snd_buf_init(&b, 0);
	if (snd_buf_json_str(&b, s) != SND_OK)
		abort();
	if (snd_json_parse(b.data, b.len, (size_t)1 << 24, 4, &v, NULL, 0) != SND_OK ||
	    !cJSON_IsString(v) || strlen(v->valuestring) != n || memcmp(v->valuestring, s, n) != 0)
		abort();
	cJSON_Delete(v);
	snd_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	if (size > 8192 || !snd_utf8_valid((const char *)data, size, NULL))
		return 0; /* the escapers see only checked text: valid UTF-8, no NUL */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_html(s);
	check_json(s, size);
	/* an empty line and a leading BOM are skipped by the CSV reader */
	if (size > 0 && !(size >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0))
		check_csv(s);
	free(s);
	return 0;
}
