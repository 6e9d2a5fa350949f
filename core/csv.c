/* csv.c - an RFC 4180 reader for delegate lists (see sounding.h, "CSV").
 *
 * Owns: turning untrusted CSV text into rows of NUL-terminated fields, each
 * row tagged with the line it starts on so that callers can say
 * "LIST.csv:12: ..."; and telling which separator a spreadsheet used.
 *
 * Invariants:
 *   1. Caps are checked before work: the whole text (SND_CSV_MAX_BYTES), then
 *      rows, fields per row and bytes per field as they are met.
 *   2. The text is checked as UTF-8 without NUL bytes before it is split, so
 *      every field handed out is valid UTF-8 (a quote or separator is ASCII
 *      and never splits a multi-byte sequence).
 *   3. Line numbers count LF, CRLF and lone CR as one line break each,
 *      including breaks inside quoted fields.
 *   4. On failure nothing is handed out and everything built is freed.
 *   5. One separator per text (',', ';' or TAB).  When detected, it is the
 *      first of them met outside quotes in the header record, ',' when the
 *      header has none (then it is one column); data rows never decide it.
 */
#include "sounding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *s;
	size_t len, pos, line;
	char sep;
	struct snd_csv out;
	size_t rows_cap;
	size_t errline;
	char *errbuf;
	size_t errlen;
};

static void row_free(struct snd_csv_row *r)
{
	size_t i;
	for (i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	free(r->fields);
	r->fields = NULL;
	r->nfields = 0;
}

void snd_csv_free(struct snd_csv *c)
{
	size_t i;
	if (c == NULL)
		return;
	for (i = 0; i < c->nrows; i++)
		row_free(&c->rows[i]);
	free(c->rows);
	c->rows = NULL;
	c->nrows = 0;
}

int snd_csv_column(const struct snd_csv *c, const char *name)
{
	size_t i;
	if (c->nrows == 0)
		return -1;
	for (i = 0; i < c->rows[0].nfields && i < (size_t)SND_CSV_MAX_FIELDS; i++)
		if (strcmp(c->rows[0].fields[i], name) == 0)
			return (int)i;
	return -1;
}

static enum snd_err fail_at(struct parser *p, size_t line, enum snd_err e, const char *msg)
{
	p->errline = line;
	if (p->errbuf && p->errlen)
		snprintf(p->errbuf, p->errlen, "%s", msg);
	return e;
}

/* 1-based line of byte offset off. */
static size_t line_of(const char *s, size_t off)
{
	size_t i, line = 1;
	for (i = 0; i < off; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= off || s[i + 1] != '\n')))
			line++;
	return line;
}

/* Consumes a line break at p->pos if there is one; 1 if it did. */
static int eat_newline(struct parser *p)
{
	if (p->pos < p->len && p->s[p->pos] == '\n') {
		p->pos++;
		p->line++;
		return 1;
	}
	if (p->pos < p->len && p->s[p->pos] == '\r') {
		p->pos++;
		if (p->pos < p->len && p->s[p->pos] == '\n')
			p->pos++;
		p->line++;
		return 1;
	}
	return 0;
}

/* Reads one field at p->pos into *out (malloc'ed). */
static enum snd_err read_field(struct parser *p, char **out)
{
	struct snd_buf b;
	enum snd_err e;
	snd_buf_init(&b, SND_CSV_MAX_FIELD_LEN);
	if (p->pos < p->len && p->s[p->pos] == '"') {
		size_t open_line = p->line;
		p->pos++;
		for (;;) {
			char c;
			if (p->pos >= p->len) {
				e = fail_at(p, open_line, SND_EINVAL,
				            "quoted field is never closed (missing '\"')");
				goto fail;
			}
			c = p->s[p->pos];
			if (c == '"') {
				if (p->pos + 1 < p->len && p->s[p->pos + 1] == '"') {
					snd_buf_putc(&b, '"');
					p->pos += 2;
					continue;
				}
				p->pos++;
				break;
			}
			if (c == '\n' || (c == '\r' && (p->pos + 1 >= p->len || p->s[p->pos + 1] != '\n')))
				p->line++;
			snd_buf_putc(&b, c);
			p->pos++;
		}
		if (p->pos < p->len && p->s[p->pos] != p->sep && p->s[p->pos] != '\n' &&
		    p->s[p->pos] != '\r') {
			e = fail_at(p, p->line, SND_EINVAL,
			            "text after a closing quote (write \"\" for a quote inside a "
			            "quoted field)");
			goto fail;
		}
	} else {
		size_t start = p->pos;
		while (p->pos < p->len) {
			char c = p->s[p->pos];
			if (c == p->sep || c == '\n' || c == '\r')
				break;
			if (c == '"') {
				e = fail_at(p, p->line, SND_EINVAL,
				            "'\"' inside an unquoted field (quote the whole field and "
				            "double the '\"')");
				goto fail;
			}
			p->pos++;
		}
		snd_buf_append(&b, p->s + start, p->pos - start);
	}
	if (b.failed) {
		char msg[96];
		snprintf(msg, sizeof msg, "a field is longer than %d bytes", SND_CSV_MAX_FIELD_LEN);
		e = fail_at(p, p->line, SND_ETOOBIG, msg);
		goto fail;
	}
	if ((*out = snd_buf_steal(&b, NULL)) == NULL) {
		e = fail_at(p, p->line, SND_ENOMEM, "out of memory");
		goto fail;
	}
	return SND_OK;
fail:
	snd_buf_free(&b);
	return e;
}

/* Reads one record (p->pos is at its first byte, not a line break). */
static enum snd_err read_row(struct parser *p, struct snd_csv_row *r)
{
	size_t cap = 0;
	enum snd_err e;
	r->line = p->line;
	for (;;) {
		char *f = NULL;
		if (r->nfields == SND_CSV_MAX_FIELDS) {
			char msg[96];
			snprintf(msg, sizeof msg, "more than %d fields in a row", SND_CSV_MAX_FIELDS);
			return fail_at(p, r->line, SND_ETOOBIG, msg);
		}
		if (r->nfields == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **nf = realloc(r->fields, ncap * sizeof *nf);
			if (nf == NULL)
				return fail_at(p, r->line, SND_ENOMEM, "out of memory");
			r->fields = nf;
			cap = ncap;
		}
		if ((e = read_field(p, &f)) != SND_OK)
			return e;
		r->fields[r->nfields++] = f;
		if (p->pos >= p->len || eat_newline(p))
			return SND_OK;
		p->pos++; /* the separator */
	}
}

/* The separator of the header record starting at text[pos]: the first ',',
 * ';' or TAB outside quotes before the header's line break; ',' if none.
 * O(length of the header). */
static char detect_sep(const char *s, size_t len, size_t pos)
{
	int quoted = 0;
	for (; pos < len; pos++) {
		char c = s[pos];
		if (c == '"')
			quoted = !quoted; /* "" inside quotes toggles twice: no change */
		else if (!quoted && (c == ',' || c == ';' || c == '\t'))
			return c;
		else if (!quoted && (c == '\n' || c == '\r'))
			break;
	}
	return ',';
}

enum snd_err snd_csv_parse(const char *text, size_t len, struct snd_csv *out, size_t *errline,
                           char *errbuf, size_t errlen)
{
	return snd_csv_parse_sep(text, len, ',', out, errline, errbuf, errlen);
}

enum snd_err snd_csv_parse_sep(const char *text, size_t len, int sep, struct snd_csv *out,
                               size_t *errline, char *errbuf, size_t errlen)
{
	struct parser p;
	size_t bad = 0;
	enum snd_err e;
	memset(&p, 0, sizeof p);
	p.s = text;
	p.len = len;
	p.line = 1;
	p.errbuf = errbuf;
	p.errlen = errlen;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (len > SND_CSV_MAX_BYTES) {
		char msg[96];
		snprintf(msg, sizeof msg, "larger than %zu bytes", SND_CSV_MAX_BYTES);
		e = fail_at(&p, 1, SND_ETOOBIG, msg);
		goto fail;
	}
	if (!snd_utf8_valid(text, len, &bad)) {
		char msg[96];
		if (text[bad] == '\0')
			snprintf(msg, sizeof msg, "contains a NUL byte");
		else
			snprintf(msg, sizeof msg, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
			         (unsigned char)text[bad]);
		e = fail_at(&p, line_of(text, bad), SND_EINVAL, msg);
		goto fail;
	}
	if (sep != 0 && sep != ',' && sep != ';' && sep != '\t') {
		e = fail_at(&p, 1, SND_EINVAL, "the separator must be ',', ';' or a tab");
		goto fail;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p.pos = 3;
	if (sep == 0) {
		size_t h = p.pos;
		while (h < len && (text[h] == '\n' || text[h] == '\r'))
			h++; /* empty lines before the header are skipped below too */
		sep = detect_sep(text, len, h);
	}
	p.sep = (char)sep;
	p.out.sep = p.sep;
	while (p.pos < p.len) {
		struct snd_csv_row *r;
		if (eat_newline(&p))
			continue; /* an empty line is no record */
		if (p.out.nrows == SND_CSV_MAX_ROWS) {
			char msg[96];
			snprintf(msg, sizeof msg, "more than %d rows", SND_CSV_MAX_ROWS);
			e = fail_at(&p, p.line, SND_ETOOBIG, msg);
			goto fail;
		}
		if (p.out.nrows == p.rows_cap) {
			size_t ncap = p.rows_cap ? p.rows_cap * 2 : 64;
			struct snd_csv_row *nr = realloc(p.out.rows, ncap * sizeof *nr);
			if (nr == NULL) {
				e = fail_at(&p, p.line, SND_ENOMEM, "out of memory");
				goto fail;
			}
			p.out.rows = nr;
			p.rows_cap = ncap;
		}
		r = &p.out.rows[p.out.nrows++];
		memset(r, 0, sizeof *r);
		if ((e = read_row(&p, r)) != SND_OK)
			goto fail;
	}
	*out = p.out;
	return SND_OK;
fail:
	if (errline)
		*errline = p.errline;
	snd_csv_free(&p.out);
	return e;
}
