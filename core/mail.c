/* mail.c - invitation and reminder messages (see sounding.h, "mail").
 *
 * Owns: choosing a built-in template (the texts are in mail_text.h),
 * parsing override templates, filling their placeholders, and turning a
 * filled message into RFC 5322 text (RFC 2047 subjects and display names,
 * RFC 2045 quoted-printable bodies).  No I/O:
 * the collector's `mail` command sends or writes what this returns.
 *
 * Invariants:
 *   1. Nothing a value or a template holds can start a header: everything
 *      written above the blank line is either fixed text, a checked address,
 *      printable ASCII without line breaks, or base64 inside encoded-words;
 *      the body is quoted-printable, so it is ASCII with CRLF line ends and
 *      never holds a bare CR or LF.
 *   2. Every output line ends in CRLF; header lines are at most 78 chars
 *      (but a line holding only a long address, which cannot be folded),
 *      body lines at most 76; encoded-words are at most 75 chars and each a
 *      whole number of UTF-8 characters (so each decodes on its own).
 *   3. Untrusted text (override templates, values) meets a cap and a UTF-8
 *      check before anything else; errors name the line or the value.
 *   4. On failure out-parameters are left untouched: results are built in
 *      local buffers and handed over at the end.
 */
#include "sounding.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mail_text.h"

const char *const snd_mail_kind_names[SND_MAIL_KIND__MAX] = {"invite", "remind"};

const char *snd_mail_template_builtin(enum snd_mail_kind kind, const char *lang)
{
	size_t i, n;
	if ((unsigned)kind >= SND_MAIL_KIND__MAX || lang == NULL)
		return NULL;
	n = strcspn(lang, "-_"); /* "fr-CA" reads as "fr" */
	for (i = 0; i < NLANGS; i++)
		if (n == 2 && strncasecmp(lang, builtin_langs[i], 2) == 0)
			return builtin[kind][i];
	return NULL;
}

/* ------------------------------------------------------------ templates */

static const char *const placeholders[] = {"name", "link", "closes", "title"};
#define NPLACE (sizeof placeholders / sizeof placeholders[0])

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* If s[0] == '{' starts "{word}", its length with the braces (else 0) and
 * the placeholder index in *which (-1 for an unknown word). */
static size_t placeholder_at(const char *s, size_t n, int *which)
{
	size_t k = 1, i;
	if (n == 0 || s[0] != '{')
		return 0;
	while (k < n && is_word(s[k]))
		k++;
	if (k == 1 || k >= n || s[k] != '}')
		return 0;
	*which = -1;
	for (i = 0; i < NPLACE; i++)
		if (strlen(placeholders[i]) == k - 1 && memcmp(s + 1, placeholders[i], k - 1) == 0)
			*which = (int)i;
	return k + 1;
}

/* Checks one line (no line break in it) of a template; sets *has_link. */
static enum snd_err check_line(const char *s, size_t n, int is_subject, int *has_link,
                               char *err, size_t errlen)
{
	size_t i, k;
	int which;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			set_err(err, errlen, "a control character (0x%02x); templates are plain text",
			        c);
			return SND_EINVAL;
		}
		if ((k = placeholder_at(s + i, n - i, &which)) == 0)
			continue;
		if (which < 0) {
			set_err(err, errlen, "unknown placeholder %.*s (use {name}, {link}, {closes} "
			        "or {title})", (int)(k > 64 ? 64 : k), s + i);
			return SND_EINVAL;
		}
		if (which == 1 && is_subject) {
			set_err(err, errlen, "{link} may not be in the subject: a link is a secret "
			        "and subjects are logged; put it in the body");
			return SND_EINVAL;
		}
		if (which == 1)
			*has_link = 1;
		i += k - 1;
	}
	return SND_OK;
}

enum snd_err snd_mail_template_parse(const char *text, size_t len,
                                     struct snd_mail_template *out, size_t *errline,
                                     char *err, size_t errlen)
{
	struct snd_buf body;
	char *subject = NULL;
	size_t pos = 0, line = 1, bad = 0, i, a, b;
	int has_link = 0, body_started = 0;
	enum snd_err e;
	snd_buf_init(&body, SND_MAIL_TEMPLATE_MAX + 1);
	set_err(err, errlen, "%s", "");
	if (len > SND_MAIL_TEMPLATE_MAX) {
		set_err(err, errlen, "larger than %zu bytes", SND_MAIL_TEMPLATE_MAX);
		e = SND_ETOOBIG;
		goto fail;
	}
	if (!snd_utf8_valid(text, len, &bad)) {
		for (i = 0; i < bad; i++)
			if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= bad || text[i + 1] != '\n')))
				line++;
		if (text[bad] == '\0')
			set_err(err, errlen, "contains a NUL byte");
		else
			set_err(err, errlen, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
			        (unsigned char)text[bad]);
		e = SND_EINVAL;
		goto fail;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos <= len) {
		size_t start = pos, end;
		while (pos < len && text[pos] != '\n' && text[pos] != '\r')
			pos++;
		end = pos;
		if (line == 1) {
			if (end - start < 8 || strncasecmp(text + start, "Subject:", 8) != 0) {
				set_err(err, errlen, "the first line must be 'Subject: ...'");
				e = SND_EINVAL;
				goto fail;
			}
			for (a = start + 8; a < end && (text[a] == ' ' || text[a] == '\t'); a++)
				;
			for (b = end; b > a && (text[b - 1] == ' ' || text[b - 1] == '\t'); b--)
				;
			if (a == b) {
				set_err(err, errlen, "the subject is empty");
				e = SND_EINVAL;
				goto fail;
			}
			if ((e = check_line(text + a, b - a, 1, &has_link, err, errlen)) != SND_OK)
				goto fail;
			if ((subject = malloc(b - a + 1)) == NULL) {
				e = SND_ENOMEM;
				goto fail;
			}
			memcpy(subject, text + a, b - a);
			subject[b - a] = '\0';
		} else {
			if ((e = check_line(text + start, end - start, 0, &has_link, err, errlen)) !=
			    SND_OK)
				goto fail;
			if (end > start || body_started) { /* blank lines after the subject go */
				body_started = 1;
				snd_buf_append(&body, text + start, end - start);
				if (pos < len)
					snd_buf_putc(&body, '\n');
			}
		}
		if (pos >= len)
			break;
		pos += (text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n') ? 2 : 1;
		line++;
	}
	if (!has_link) { /* named at the last line: the text ended without one */
		if (line > 1 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			line--;
		set_err(err, errlen, "the text has no {link}: the delegate would get no link");
		e = SND_EINVAL;
		goto fail;
	}
	if (body.failed) {
		e = SND_ENOMEM;
		goto fail;
	}
	if ((out->body = snd_buf_steal(&body, NULL)) == NULL) {
		e = SND_ENOMEM;
		goto fail;
	}
	out->subject = subject;
	return SND_OK;
fail:
	if (errline)
		*errline = line;
	if (e == SND_ENOMEM)
		set_err(err, errlen, "out of memory");
	free(subject);
	snd_buf_free(&body);
	return e;
}

void snd_mail_template_free(struct snd_mail_template *t)
{
	if (t == NULL)
		return;
	free(t->subject);
	free(t->body);
	t->subject = t->body = NULL;
}

/* ------------------------------------------------------------ filling */

/* Appends value v as plain text: in a header every control character and
 * Unicode line or paragraph separator becomes a space; in the body line
 * breaks become LF and other controls but TAB a space. */
static void put_value(struct snd_buf *b, const char *v, int header)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t i, n = strlen(v);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '\r' || c == '\n') {
			if (header) {
				snd_buf_putc(b, ' ');
			} else {
				snd_buf_putc(b, '\n');
				if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
					i++;
			}
		} else if (c < 0x20 || c == 0x7f) {
			snd_buf_putc(b, (c == '\t' && !header) ? '\t' : ' ');
		} else if (c == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) {
			snd_buf_putc(b, ' '); /* C1 controls, U+0085 NEL among them */
			i++;
		} else if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 &&
		           (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
			snd_buf_putc(b, header ? ' ' : '\n'); /* U+2028, U+2029 */
			i += 2;
		} else {
			snd_buf_putc(b, (char)c);
		}
	}
}

static enum snd_err fill_one(const char *tmpl, const char *const vals[NPLACE], int header,
                             struct snd_buf *b)
{
	size_t i, k, n = strlen(tmpl);
	int which;
	for (i = 0; i < n; i++) {
		if ((k = placeholder_at(tmpl + i, n - i, &which)) != 0 && which >= 0) {
			put_value(b, vals[which], header);
			i += k - 1;
		} else {
			snd_buf_putc(b, tmpl[i]);
		}
	}
	return b->failed ? SND_ETOOBIG : SND_OK;
}

enum snd_err snd_mail_fill(const struct snd_mail_template *t, const struct snd_mail_values *v,
                           char **subject, char **body, char *err, size_t errlen)
{
	const char *vals[NPLACE];
	struct snd_buf sb, bb;
	char *s_out = NULL, *b_out = NULL;
	enum snd_err e = SND_OK;
	size_t i;
	vals[0] = v->name;
	vals[1] = v->link;
	vals[2] = v->closes;
	vals[3] = v->title;
	for (i = 0; i < NPLACE; i++) {
		if (vals[i] == NULL)
			vals[i] = "";
		if (!snd_utf8_valid(vals[i], strlen(vals[i]), NULL)) {
			set_err(err, errlen, "the value of {%s} is not valid UTF-8", placeholders[i]);
			return SND_EINVAL;
		}
	}
	snd_buf_init(&sb, SND_MAIL_SUBJECT_MAX);
	snd_buf_init(&bb, SND_MAIL_BODY_MAX);
	if (fill_one(t->subject, vals, 1, &sb) != SND_OK) {
		set_err(err, errlen, "the filled subject is longer than %d bytes",
		        SND_MAIL_SUBJECT_MAX);
		e = SND_ETOOBIG;
	} else if (fill_one(t->body, vals, 0, &bb) != SND_OK) {
		set_err(err, errlen, "the filled text is longer than %zu bytes", SND_MAIL_BODY_MAX);
		e = SND_ETOOBIG;
	} else if ((s_out = snd_buf_steal(&sb, NULL)) == NULL ||
	           (b_out = snd_buf_steal(&bb, NULL)) == NULL) {
		set_err(err, errlen, "out of memory");
		free(s_out);
		e = SND_ENOMEM;
	} else {
		*subject = s_out;
		*body = b_out;
	}
	snd_buf_free(&sb);
	snd_buf_free(&bb);
	return e;
}

/* ------------------------------------------------------------ addresses */

/* RFC 5322 atext, the characters of a dot-atom besides '.'. */
static int is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != 0 && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

enum snd_err snd_mail_addr_check(const char *addr, char *err, size_t errlen)
{
	const char *at, *p, *label;
	size_t n, i;
	if (addr == NULL || addr[0] == '\0') {
		set_err(err, errlen, "no address");
		return SND_EINVAL;
	}
	n = strnlen(addr, SND_MAIL_ADDR_MAX + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c == '\r' || c == '\n') {
			set_err(err, errlen, "the address holds a line break");
			return SND_EINVAL;
		}
		if (c <= ' ' || c == 0x7f) {
			set_err(err, errlen, "the address holds a space or control character");
			return SND_EINVAL;
		}
		if (c >= 0x80) {
			set_err(err, errlen, "the address is not ASCII (internationalised addresses "
			        "are not supported)");
			return SND_EINVAL;
		}
	}
	if (n > SND_MAIL_ADDR_MAX) {
		set_err(err, errlen, "the address is longer than %d bytes", SND_MAIL_ADDR_MAX);
		return SND_EINVAL;
	}
	if ((at = strchr(addr, '@')) == NULL || strchr(at + 1, '@') != NULL) {
		set_err(err, errlen, "expected one '@' (name@example.org)");
		return SND_EINVAL;
	}
	if (at == addr || at - addr > 64) {
		set_err(err, errlen, "the part before '@' is empty or longer than 64 bytes");
		return SND_EINVAL;
	}
	for (p = addr; p < at; p++)
		if (!(is_atext((unsigned char)*p) ||
		      (*p == '.' && p > addr && p + 1 < at && p[1] != '.'))) {
			set_err(err, errlen, "the part before '@' holds '%c' where it may not", *p);
			return SND_EINVAL;
		}
	if (strchr(at + 1, '.') == NULL) {
		set_err(err, errlen, "the domain '%s' has no '.' (name@example.org)", at + 1);
		return SND_EINVAL;
	}
	for (label = p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || p - label > 63 || *label == '-' || p[-1] == '-') {
				set_err(err, errlen, "the domain '%s' is not a host name", at + 1);
				return SND_EINVAL;
			}
			if (*p == '\0')
				break;
			label = p + 1;
		} else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		             (*p >= '0' && *p <= '9') || *p == '-')) {
			set_err(err, errlen, "the domain '%s' is not a host name", at + 1);
			return SND_EINVAL;
		}
	}
	return SND_OK;
}

enum snd_err snd_mail_message_id(const char *from, char *out, size_t outlen)
{
	uint8_t rnd[16];
	char hex[33];
	int n;
	if (snd_mail_addr_check(from, NULL, 0) != SND_OK)
		return SND_EINVAL;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	n = snprintf(out, outlen, "<%s@%s>", hex, strchr(from, '@') + 1);
	return (n < 0 || (size_t)n >= outlen) ? SND_ETOOBIG : SND_OK;
}

/* A Message-ID given by the caller: "<left@right>", printable ASCII
 * without spaces, '<' or '>' inside. */
static int msgid_ok(const char *s)
{
	size_t i, n = strlen(s);
	if (n < 5 || n >= SND_MAIL_MSGID_MAX || s[0] != '<' || s[n - 1] != '>')
		return 0;
	for (i = 1; i + 1 < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f || s[i] == '<' ||
		    s[i] == '>')
			return 0;
	return strchr(s, '@') != NULL && s[1] != '@' && s[n - 2] != '@';
}

/* ------------------------------------------------------------ encoders */

static const char hexdig[] = "0123456789ABCDEF";

/* The quoted-printable text of one unit (a byte, or a whole UTF-8
 * character of u[0..used)) into tok (at least 12 bytes); its length. */
static size_t qp_unit(const unsigned char *u, size_t used, int eol, int at_start, int from,
                      char *tok)
{
	size_t k, tl = 0;
	unsigned char c = u[0];
	if (used == 1 && (((c == ' ' || c == '\t') && !eol) ||
	                  (c > ' ' && c < 0x7f && c != '=' && !(at_start && (c == '.' || from))))) {
		tok[0] = (char)c;
		return 1;
	}
	for (k = 0; k < used; k++) {
		tok[tl++] = '=';
		tok[tl++] = hexdig[u[k] >> 4];
		tok[tl++] = hexdig[u[k] & 15];
	}
	return tl;
}

enum snd_err snd_mail_qp(const char *s, size_t n, struct snd_buf *out)
{
	size_t i = 0, col = 0;
	while (i < n) {
		const unsigned char *u = (const unsigned char *)s + i;
		size_t used = 1, tl, seq;
		char tok[12];
		int eol, pass;
		if (u[0] == '\r' || u[0] == '\n') {
			i += (u[0] == '\r' && i + 1 < n && u[1] == '\n') ? 2 : 1;
			snd_buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		if (u[0] >= 0x80 && (seq = snd_utf8_seq(u, n - i)) >= 2)
			used = seq; /* one character is never split by a soft break */
		eol = i + used == n || s[i + used] == '\r' || s[i + used] == '\n';
		for (pass = 0;; pass++) {
			int from = col == 0 && n - i >= 5 && memcmp(s + i, "From ", 5) == 0;
			tl = qp_unit(u, used, eol, col == 0, from, tok);
			/* the last unit of a line may reach column 76; others leave room
			 * for the '=' of a soft break */
			if (col + tl <= (eol ? 76u : 75u) || pass > 0)
				break;
			snd_buf_puts(out, "=\r\n");
			col = 0;
		}
		snd_buf_append(out, tok, tl);
		col += tl;
		i += used;
	}
	return out->failed ? SND_ENOMEM : SND_OK;
}

/* snd_mail_encode_words, giving the column after the last word. */
static size_t encode_words(const char *s, size_t n, size_t col, struct snd_buf *out)
{
	size_t i = 0;
	char b64[80];
	while (i < n) {
		size_t room, maxbytes, j = i, seq;
		/* a word is 12 chars plus its base64; at most 75, and the line 78 */
		room = col + 12 + 8 <= 78 ? 78 - col - 12 : 0;
		if (room > 63)
			room = 63;
		maxbytes = room / 4 * 3;
		while (j < n) {
			seq = (unsigned char)s[j] >= 0x80 ? snd_utf8_seq((const unsigned char *)s + j,
			                                                 n - j) : 1;
			if (seq == 0)
				seq = 1;
			if (j + seq - i > maxbytes)
				break;
			j += seq;
		}
		if (j == i) { /* not even one character fits here: go to a new line */
			snd_buf_puts(out, "\r\n ");
			col = 1;
			continue;
		}
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, j - i,
		                  sodium_base64_VARIANT_ORIGINAL);
		snd_buf_printf(out, "=?UTF-8?B?%s?=", b64);
		col += 12 + strlen(b64);
		i = j;
		if (i < n) {
			snd_buf_puts(out, "\r\n ");
			col = 1;
		}
	}
	return col;
}

enum snd_err snd_mail_encode_words(const char *s, size_t n, size_t col, struct snd_buf *out)
{
	(void)encode_words(s, n, col, out);
	return out->failed ? SND_ENOMEM : SND_OK;
}

/* 1 when text can stand as is after col: printable ASCII, no "=?" that a
 * reader would take for an encoded-word, and the line within 78 chars. */
static int plain_ok(const char *t, size_t col)
{
	size_t i, n = strlen(t);
	for (i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || (unsigned char)t[i] > 0x7e)
			return 0;
	return strstr(t, "=?") == NULL && col + n <= 78;
}

static void put_subject(struct snd_buf *b, const char *t)
{
	snd_buf_puts(b, "Subject: ");
	if (plain_ok(t, 9))
		snd_buf_puts(b, t);
	else
		(void)encode_words(t, strlen(t), 9, b);
	snd_buf_puts(b, "\r\n");
}

/* "From: Name <addr>": the name as a quoted-string when it is short ASCII,
 * else as encoded-words (RFC 2047 section 5, a phrase). */
static void put_address(struct snd_buf *b, const char *hname, const char *name,
                        const char *addr)
{
	size_t col = strlen(hname) + 2, i;
	snd_buf_printf(b, "%s: ", hname);
	if (name != NULL && name[0] != '\0') {
		if (plain_ok(name, col + 2 + strlen(name))) { /* room for the escapes */
			snd_buf_putc(b, '"');
			for (i = 0; name[i]; i++) {
				if (name[i] == '"' || name[i] == '\\')
					snd_buf_putc(b, '\\');
				snd_buf_putc(b, name[i]);
			}
			snd_buf_putc(b, '"');
			col = 78; /* the address goes on its own line: simple and safe */
		} else {
			col = encode_words(name, strlen(name), col, b);
		}
		if (col + 3 + strlen(addr) > 78)
			snd_buf_puts(b, "\r\n");
		snd_buf_putc(b, ' ');
	}
	snd_buf_printf(b, "<%s>\r\n", addr);
}

/* ------------------------------------------------------------ compose */

enum snd_err snd_mail_compose(const struct snd_mail *m, int64_t now, struct snd_buf *out,
                              char *err, size_t errlen)
{
	static const char *const wday[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct snd_buf msg, clean[3];
	const char *texts[3] = {m->subject, m->from_name, m->to_name};
	static const char *const what[3] = {"the subject", "the From name", "the To name"};
	char why[128], msgid[SND_MAIL_MSGID_MAX];
	struct tm tm;
	time_t t = (time_t)now;
	enum snd_err e = SND_EINVAL;
	size_t i, body_len;
	snd_buf_init(&msg, SND_MAIL_BODY_MAX * 4);
	for (i = 0; i < 3; i++)
		snd_buf_init(&clean[i], SND_MAIL_SUBJECT_MAX);
	if (snd_mail_addr_check(m->from, why, sizeof why) != SND_OK) {
		set_err(err, errlen, "From: %s", why);
		goto done;
	}
	if (snd_mail_addr_check(m->to, why, sizeof why) != SND_OK) {
		set_err(err, errlen, "To: %s", why);
		goto done;
	}
	for (i = 0; i < 3; i++) {
		const char *x = texts[i] ? texts[i] : "";
		if (!snd_utf8_valid(x, strlen(x), NULL)) {
			set_err(err, errlen, "%s is not valid UTF-8", what[i]);
			goto done;
		}
		put_value(&clean[i], x, 1); /* no line break can reach a header */
		if (clean[i].failed || snd_buf_puts(&clean[i], "") != SND_OK) {
			set_err(err, errlen, "%s is longer than %d bytes", what[i], SND_MAIL_SUBJECT_MAX);
			e = SND_ETOOBIG;
			goto done;
		}
	}
	body_len = m->body ? strlen(m->body) : 0;
	if (body_len > SND_MAIL_BODY_MAX) {
		set_err(err, errlen, "the text is longer than %zu bytes", SND_MAIL_BODY_MAX);
		e = SND_ETOOBIG;
		goto done;
	}
	if (body_len > 0 && !snd_utf8_valid(m->body, body_len, NULL)) {
		set_err(err, errlen, "the text is not valid UTF-8");
		goto done;
	}
	if (m->message_id != NULL) {
		if (!msgid_ok(m->message_id)) {
			set_err(err, errlen, "Message-ID: expected <left@right> in printable ASCII");
			goto done;
		}
		snprintf(msgid, sizeof msgid, "%s", m->message_id);
	} else if (snd_mail_message_id(m->from, msgid, sizeof msgid) != SND_OK) {
		set_err(err, errlen, "Message-ID: cannot make one");
		goto done;
	}
	if (now < 0 || (int64_t)t != now || gmtime_r(&t, &tm) == NULL || tm.tm_year > 9999 - 1900) {
		set_err(err, errlen, "Date: the time is out of range");
		goto done;
	}
	put_address(&msg, "From", clean[1].data, m->from);
	put_address(&msg, "To", clean[2].data, m->to);
	put_subject(&msg, clean[0].data);
	snd_buf_printf(&msg, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", wday[tm.tm_wday],
	               tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	               tm.tm_sec);
	snd_buf_printf(&msg, "Message-ID: %s\r\n", msgid);
	snd_buf_puts(&msg, "MIME-Version: 1.0\r\n"
	                   "Content-Type: text/plain; charset=UTF-8\r\n"
	                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	if (body_len > 0) {
		snd_mail_qp(m->body, body_len, &msg);
		if (m->body[body_len - 1] != '\n' && m->body[body_len - 1] != '\r')
			snd_buf_puts(&msg, "\r\n");
	}
	if (msg.failed || snd_buf_append(out, msg.data, msg.len) != SND_OK) {
		set_err(err, errlen, "out of memory");
		e = SND_ENOMEM;
		goto done;
	}
	e = SND_OK;
done:
	snd_buf_free(&msg);
	for (i = 0; i < 3; i++)
		snd_buf_free(&clean[i]);
	return e;
}
