/* buf.c - capped growable buffers, escaping for HTML/JSON/CSV, UTF-8
 * validation, whole-file I/O, diagnostics lists and error names.
 *
 * Invariants of struct snd_buf:
 *   1. data is NULL or NUL-terminated at data[len]; len < cap when data != NULL.
 *   2. len <= max.  An append that would pass max fails the whole append
 *      (nothing of it is written) and sets the sticky `failed` flag.
 */
#include "sounding.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const err_names[SND_ERR__MAX] = {
	[SND_OK] = "success",
	[SND_ENOMEM] = "out of memory or over a size limit",
	[SND_EINVAL] = "invalid input",
	[SND_EIO] = "input/output error",
	[SND_ETOKEN] = "malformed token",
	[SND_ESIG] = "signature does not verify",
	[SND_EEXPIRED] = "token has expired",
	[SND_ENOTYET] = "token is not valid yet",
	[SND_EAUDIENCE] = "token is for another questionnaire",
	[SND_EREVOKED] = "token has been revoked",
	[SND_EDB] = "database error",
	[SND_EBUSY] = "busy, try again",
	[SND_ETOOBIG] = "too large",
	[SND_ENOTFOUND] = "not found",
	[SND_EEXIST] = "already exists",
	[SND_ECLOSED] = "questionnaire is not open",
	[SND_ELIMIT] = "over a configured limit",
};

const char *snd_strerror(enum snd_err e)
{
	if ((unsigned)e >= SND_ERR__MAX || err_names[e] == NULL)
		return "unknown error";
	return err_names[e];
}

void snd_buf_init(struct snd_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : SND_BUF_DEFAULT_MAX;
	b->failed = 0;
}

void snd_buf_free(struct snd_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

void snd_buf_reset(struct snd_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *snd_buf_steal(struct snd_buf *b, size_t *len)
{
	char *p;
	if (b->failed)
		return NULL;
	if (b->data == NULL && snd_buf_append(b, "", 0) != SND_OK)
		return NULL;
	p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

static enum snd_err grow(struct snd_buf *b, size_t need)
{
	size_t cap;
	char *p;
	if (b->max == 0)
		b->max = SND_BUF_DEFAULT_MAX;
	if (b->failed || need > b->max - b->len) {
		b->failed = 1;
		return SND_ENOMEM;
	}
	if (b->data != NULL && b->len + need < b->cap)
		return SND_OK;
	cap = b->cap ? b->cap : 256;
	while (cap <= b->len + need)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->failed = 1;
		return SND_ENOMEM;
	}
	b->data = p;
	b->cap = cap;
	return SND_OK;
}

enum snd_err snd_buf_append(struct snd_buf *b, const void *p, size_t n)
{
	if (grow(b, n) != SND_OK)
		return SND_ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SND_OK;
}

enum snd_err snd_buf_puts(struct snd_buf *b, const char *s)
{
	return snd_buf_append(b, s, strlen(s));
}

enum snd_err snd_buf_putc(struct snd_buf *b, char c)
{
	return snd_buf_append(b, &c, 1);
}

enum snd_err snd_buf_vprintf(struct snd_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	va_copy(aq, ap);
	if (b->data != NULL && !b->failed) {
		/* Straight into the room there is (one formatting pass, not two);
		 * only when that is too small, measure, grow and format again. */
		size_t room = b->cap - b->len;
		n = vsnprintf(b->data + b->len, room, fmt, aq);
		va_end(aq);
		if (n >= 0 && (size_t)n < room && (size_t)n <= b->max - b->len) {
			b->len += (size_t)n;
			return SND_OK;
		}
		b->data[b->len] = '\0'; /* undo the partial text */
	} else {
		n = vsnprintf(NULL, 0, fmt, aq);
		va_end(aq);
	}
	if (n < 0 || grow(b, (size_t)n) != SND_OK) {
		b->failed = 1;
		return SND_ENOMEM;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return SND_OK;
}

enum snd_err snd_buf_printf(struct snd_buf *b, const char *fmt, ...)
{
	va_list ap;
	enum snd_err e;
	va_start(ap, fmt);
	e = snd_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

/* The code point of a bidi control at s (3-byte UTF-8 E2 80 AA..AE or
 * E2 81 A6..A9), or 0. */
static unsigned bidi_control(const unsigned char *s)
{
	if (s[0] != 0xE2)
		return 0;
	if (s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE)
		return 0x202Au + (s[2] - 0xAAu);
	if (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)
		return 0x2066u + (s[2] - 0xA6u);
	return 0;
}

/* snd_buf_html and snd_buf_html_value: the same escapes, but a bidi
 * control becomes a visible marker, or (value) a character reference. */
static enum snd_err html_escape(struct snd_buf *b, const char *s, int value)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;
	unsigned cp;
	for (; *p; p++) {
		const char *rep = NULL;
		char tmp[16];
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (*p == 0xE2 && p[1] && p[2] && (cp = bidi_control(p)) != 0) {
				if (value)
					snprintf(tmp, sizeof tmp, "&#x%04X;", cp);
				else
					snprintf(tmp, sizeof tmp, "[U+%04X]", cp);
				rep = tmp;
			}
			break;
		}
		if (rep == NULL)
			continue;
		snd_buf_append(b, run, (size_t)(p - run));
		snd_buf_puts(b, rep);
		if (*p == 0xE2)
			p += 2;
		run = p + 1;
	}
	snd_buf_append(b, run, (size_t)(p - run));
	return b->failed ? SND_ENOMEM : SND_OK;
}

enum snd_err snd_buf_html(struct snd_buf *b, const char *s)
{
	return html_escape(b, s, 0);
}

enum snd_err snd_buf_html_value(struct snd_buf *b, const char *s)
{
	return html_escape(b, s, 1);
}

enum snd_err snd_buf_json_str(struct snd_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run;
	snd_buf_putc(b, '"');
	for (run = p; *p; p++) {
		char tmp[8];
		const char *rep = NULL;
		if (*p == '"')
			rep = "\\\"";
		else if (*p == '\\')
			rep = "\\\\";
		else if (*p == '\n')
			rep = "\\n";
		else if (*p == '\r')
			rep = "\\r";
		else if (*p == '\t')
			rep = "\\t";
		else if (*p < 0x20 || *p == 0x7f) {
			snprintf(tmp, sizeof tmp, "\\u%04x", *p);
			rep = tmp;
		} else if (*p == '<') {
			rep = "\\u003c"; /* safe to embed in HTML <script> */
		}
		if (rep == NULL)
			continue;
		snd_buf_append(b, run, (size_t)(p - run));
		snd_buf_puts(b, rep);
		run = p + 1;
	}
	snd_buf_append(b, run, (size_t)(p - run));
	snd_buf_putc(b, '"');
	return b->failed ? SND_ENOMEM : SND_OK;
}

/* The length of the formula trigger s starts with, or 0: what makes a
 * spreadsheet read a cell as a formula (= + - @), or hide what follows
 * (TAB, CR, LF), or their full-width forms, which some spreadsheets fold
 * to ASCII (U+FF1D = EF BC 9D, U+FF0B + EF BC 8B, U+FF0D - EF BC 8D,
 * U+FF20 @ EF BC A0). */
static size_t csv_trigger(const unsigned char *s)
{
	if (*s != '\0' && strchr("=+-@\t\r\n", *s) != NULL)
		return 1;
	if (s[0] == 0xEF && s[1] == 0xBC &&
	    (s[2] == 0x9D || s[2] == 0x8B || s[2] == 0x8D || s[2] == 0xA0))
		return 3;
	return 0;
}

/* The length of the blank s starts with, or 0: a space, VT, FF, no-break
 * space (U+00A0) or ideographic space (U+3000), which spreadsheets may trim
 * before they look for a formula.  (TAB, CR and LF are triggers.) */
static size_t csv_blank(const unsigned char *s)
{
	if (*s == ' ' || *s == '\v' || *s == '\f')
		return 1;
	if (s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	return 0;
}

/* 1 when s is a plain negative decimal number ("-3", "-0.5", "-1e-3"):
 * data, not a formula.  Only digits, '.', 'e', 'E', '+' and '-' may
 * follow, so strtod's "-inf", "-nan(...)" and hexadecimal forms stay
 * guarded. */
static int csv_negative_number(const char *s)
{
	char *end;
	if (s[0] != '-' || strspn(s + 1, "0123456789.eE+-") != strlen(s + 1))
		return 0;
	errno = 0;
	(void)strtod(s, &end);
	return end != s && *end == '\0';
}

enum snd_err snd_buf_csv(struct snd_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int quote = 0, guard;
	unsigned cp;
	size_t n;

	/* A trigger at the start, or after leading blanks (OWASP). */
	while ((n = csv_blank(p)) != 0)
		p += n;
	guard = csv_trigger(p) != 0 && !csv_negative_number(s);
	for (p = (const unsigned char *)s; *p; p++)
		if (*p == '"' || *p == ',' || *p == '\n' || *p == '\r' || *p == ';')
			quote = 1;
	if (quote || guard)
		snd_buf_putc(b, '"');
	if (guard)
		snd_buf_putc(b, '\'');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"') {
			snd_buf_puts(b, "\"\"");
		} else if (*p == 0xE2 && p[1] && p[2] && (cp = bidi_control(p)) != 0) {
			/* shown, not obeyed, as snd_buf_html does */
			snd_buf_printf(b, "[U+%04X]", cp);
			p += 2;
		} else {
			snd_buf_putc(b, (char)*p);
		}
	}
	if (quote || guard)
		snd_buf_putc(b, '"');
	return b->failed ? SND_ENOMEM : SND_OK;
}

/* Length of the valid UTF-8 sequence (2..4 bytes) that starts s[0..n), or
 * 0: no overlongs, no surrogates, nothing past U+10FFFF. */
size_t snd_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp;
	size_t len, k;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

int snd_utf8_valid(const char *str, size_t n, size_t *bad_at)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c;
		size_t len;
		/* eight ASCII bytes at a time while none is NUL or >= 0x80 */
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (((w | ((w - UINT64_C(0x0101010101010101)) & ~w)) &
			     UINT64_C(0x8080808080808080)) != 0)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		c = s[i];
		if (c == 0)
			goto bad;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((len = snd_utf8_seq(s + i, n - i)) == 0)
			goto bad;
		i += len;
	}
	return 1;
bad:
	if (bad_at)
		*bad_at = i;
	return 0;
}

enum snd_err snd_read_file(const char *path, size_t max, char **out, size_t *lenp)
{
	FILE *f;
	char *p = NULL;
	size_t len = 0, cap = 0, n;
	enum snd_err e = SND_EIO;
	if ((f = fopen(path, "rb")) == NULL)
		return SND_EIO;
	for (;;) {
		if (cap - len < 4096 + 1) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *np;
			if (ncap > max + 4096 + 1)
				ncap = max + 4096 + 1;
			if (ncap <= cap) {
				e = SND_ETOOBIG;
				goto fail;
			}
			if ((np = realloc(p, ncap)) == NULL) {
				e = SND_ENOMEM;
				goto fail;
			}
			p = np;
			cap = ncap;
		}
		n = fread(p + len, 1, cap - len - 1, f);
		len += n;
		if (len > max) {
			e = SND_ETOOBIG;
			goto fail;
		}
		if (n == 0) {
			if (ferror(f))
				goto fail;
			break;
		}
	}
	fclose(f);
	p[len] = '\0';
	*out = p;
	if (lenp)
		*lenp = len;
	return SND_OK;
fail:
	fclose(f);
	free(p);
	return e;
}

enum snd_err snd_write_file(const char *path, const void *data, size_t len, unsigned mode,
                            int excl)
{
	struct snd_buf tmp;
	int fd = -1;
	const char *p = data;
	enum snd_err e = SND_EIO;
	snd_buf_init(&tmp, 4096);
	if (snd_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid()) != SND_OK)
		return SND_ENOMEM;
	if (excl && access(path, F_OK) == 0) {
		e = SND_EEXIST;
		goto out;
	}
	if ((fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode)) < 0)
		goto out;
	if (fchmod(fd, (mode_t)mode) != 0)
		goto out;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (excl) {
		/* link() fails if path exists: no window where a key is replaced. */
		if (link(tmp.data, path) != 0) {
			e = errno == EEXIST ? SND_EEXIST : SND_EIO;
			goto out;
		}
		unlink(tmp.data);
	} else if (rename(tmp.data, path) != 0) {
		goto out;
	}
	e = SND_OK;
out:
	if (fd >= 0)
		close(fd);
	if (e != SND_OK)
		unlink(tmp.data);
	snd_buf_free(&tmp);
	return e;
}

void snd_diag_init(struct snd_diag *d)
{
	d->items = NULL;
	d->n = d->cap = 0;
}

void snd_diag_free(struct snd_diag *d)
{
	size_t i;
	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].where);
		free(d->items[i].msg);
	}
	free(d->items);
	snd_diag_init(d);
}

void snd_diag_add(struct snd_diag *d, const char *where, const char *fmt, ...)
{
	struct snd_buf m;
	va_list ap;
	char *w, *msg;
	if (d == NULL)
		return;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 8;
		struct snd_diag_item *ni = realloc(d->items, ncap * sizeof *ni);
		if (ni == NULL)
			return;
		d->items = ni;
		d->cap = ncap;
	}
	snd_buf_init(&m, 1 << 16);
	va_start(ap, fmt);
	snd_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	msg = snd_buf_steal(&m, NULL);
	w = strdup(where ? where : "$");
	if (msg == NULL || w == NULL) {
		free(msg);
		free(w);
		snd_buf_free(&m);
		return;
	}
	d->items[d->n].where = w;
	d->items[d->n].msg = msg;
	d->n++;
}

const char *snd_diag_find(const struct snd_diag *d, const char *where)
{
	size_t i;
	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].where, where) == 0)
			return d->items[i].msg;
	return NULL;
}
