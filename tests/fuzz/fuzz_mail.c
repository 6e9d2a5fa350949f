/* fuzz_mail.c - libFuzzer harness for core/mail.c.
 *
 * Input: NUL-separated parts "TEMPLATE \0 NAME \0 TITLE \0 CLOSES \0 TO"
 * (missing parts are empty; an empty TO reads as delegate@example.org).
 * The template is parsed as an override template, filled and composed;
 * what the mail command will rely on is checked:
 *   - a refused template names a line inside the text and says why;
 *   - a parsed template has a one-line subject and a body holding {link};
 *   - filling fails only for values that are not UTF-8, or past a cap;
 *   - an address snd_mail_addr_check accepts has no byte that could end a
 *     header or an address, and comes back in To as <addr>;
 *   - the message is ASCII with CRLF line ends, header lines within 78
 *     (a line holding just a long address within 262) and body lines
 *     within 76 chars, has exactly the eight headers compose
 *     writes (no value ever adds one), its Subject decodes (plain or
 *     RFC 2047 words of whole characters, at most 75 chars) to the filled
 *     subject with controls as spaces, and its body decodes from
 *     quoted-printable to the filled body, the personal link included.
 */
#include "sounding.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINK "https://sounding.example.org/t/v4.public.eyJzdWIiOiJkMSJ9"

static const char std_headers[] = "From\nTo\nSubject\nDate\nMessage-ID\nMIME-Version\n"
                                  "Content-Type\nContent-Transfer-Encoding\n";

static void check(int ok)
{
	if (!ok)
		abort();
}

/* What compose makes of a subject: controls and line separators as spaces. */
static void fold(const char *s, struct snd_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n = strlen(s);
	snd_buf_puts(out, "");
	for (i = 0; i < n; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f) {
			snd_buf_putc(out, ' ');
		} else if (u[i] == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F) {
			snd_buf_putc(out, ' ');
			i++;
		} else if (u[i] == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
		           (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
			snd_buf_putc(out, ' ');
			i += 2;
		} else {
			snd_buf_putc(out, (char)u[i]);
		}
	}
}

/* The Subject header's text, unfolded and decoded. */
static void decode_subject(const char *msg, struct snd_buf *out)
{
	const char *p = strstr(msg, "\r\nSubject: "), *e;
	check(p != NULL);
	p += 11;
	snd_buf_puts(out, "");
	if (strncmp(p, "=?UTF-8?B?", 10) != 0) {
		e = strstr(p, "\r\n");
		check(e[2] != ' ');
		snd_buf_append(out, p, (size_t)(e - p));
		return;
	}
	for (;;) {
		unsigned char bin[64];
		size_t binlen = 0;
		check(strncmp(p, "=?UTF-8?B?", 10) == 0);
		e = strstr(p + 10, "?=");
		check(e != NULL && e + 2 - p <= 75);
		check(sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(e - p - 10), NULL, &binlen,
		                        NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
		check(snd_utf8_valid((const char *)bin, binlen, NULL)); /* whole characters */
		snd_buf_append(out, bin, binlen);
		p = e + 2;
		if (strncmp(p, "\r\n ", 3) != 0)
			break;
		p += 3;
	}
	check(strncmp(p, "\r\n", 2) == 0);
}

/* Checks the lines and headers; decodes the quoted-printable body. */
static void check_message(const char *msg, struct snd_buf *body)
{
	const char *p = msg, *end = strstr(msg, "\r\n\r\n");
	struct snd_buf names;
	snd_buf_init(&names, 0);
	snd_buf_puts(&names, "");
	check(end != NULL);
	while (*p) {
		const char *e = strstr(p, "\r\n"), *q;
		check(e != NULL);
		/* an address is never folded: its line may pass 78 (not 998) */
		check((size_t)(e - p) <= (p <= end ? 78u : 76u) ||
		      (p <= end && (size_t)(e - p) <= SND_MAIL_ADDR_MAX + 8 &&
		       (p[0] == ' ' || strncmp(p, "To: <", 5) == 0) && memchr(p, '<', 8) != NULL));
		for (q = p; q < e; q++)
			check((*q >= 0x20 && *q < 0x7f) || *q == '\t');
		if (p <= end && e > p && *p != ' ') {
			q = memchr(p, ':', (size_t)(e - p));
			check(q != NULL);
			snd_buf_append(&names, p, (size_t)(q - p));
			snd_buf_putc(&names, '\n');
		}
		p = e + 2;
	}
	check(strcmp(names.data, std_headers) == 0);
	snd_buf_free(&names);
	snd_buf_puts(body, "");
	for (p = end + 4; *p;) {
		if (p[0] == '=' && p[1] == '\r') {
			p += 3;
		} else if (p[0] == '=') {
			char hex[3] = {p[1], p[2], 0};
			check(strspn(hex, "0123456789ABCDEF") == 2);
			snd_buf_putc(body, (char)strtol(hex, NULL, 16));
			p += 3;
		} else if (p[0] == '\r') {
			snd_buf_putc(body, '\n');
			p += 2;
		} else {
			snd_buf_putc(body, *p++);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[5] = {"", "", "", "", ""};
	char *copy = malloc(size + 1), *subj = NULL, *body = NULL, err[256];
	struct snd_mail_template t;
	struct snd_mail_values v;
	struct snd_mail m;
	struct snd_buf msg, got, want;
	size_t i, np = 1, tlen, line = 0, lines = 1;
	enum snd_err e;
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	part[0] = copy;
	tlen = strlen(copy);
	for (i = 0; i < size && np < 5; i++)
		if (copy[i] == '\0')
			part[np++] = copy + i + 1;
	for (i = 0; i < tlen; i++)
		if (copy[i] == '\n' || (copy[i] == '\r' && copy[i + 1] != '\n'))
			lines++;
	err[0] = '\0';
	if (snd_mail_template_parse(copy, tlen, &t, &line, err, sizeof err) != SND_OK) {
		check(line >= 1 && line <= lines && err[0] != '\0');
		free(copy);
		return 0;
	}
	check(strchr(t.subject, '\n') == NULL && strchr(t.subject, '\r') == NULL);
	check(strchr(t.body, '\r') == NULL && strstr(t.body, "{link}") != NULL);
	v.name = part[1];
	v.title = part[2];
	v.closes = part[3];
	v.link = LINK;
	e = snd_mail_fill(&t, &v, &subj, &body, err, sizeof err);
	if (e != SND_OK) {
		check(e == SND_ETOOBIG || !snd_utf8_valid(part[1], strlen(part[1]), NULL) ||
		      !snd_utf8_valid(part[2], strlen(part[2]), NULL) ||
		      !snd_utf8_valid(part[3], strlen(part[3]), NULL));
		snd_mail_template_free(&t);
		free(copy);
		return 0;
	}
	memset(&m, 0, sizeof m);
	m.from = "secretariat@itu.example.org";
	m.to = part[4][0] ? part[4] : "delegate@example.org";
	m.to_name = part[1];
	m.subject = subj;
	m.body = body;
	if (snd_mail_addr_check(m.to, err, sizeof err) == SND_OK)
		check(strpbrk(m.to, " \t\r\n<>,;\"()") == NULL);
	snd_buf_init(&msg, 0);
	snd_buf_init(&got, 0);
	snd_buf_init(&want, 0);
	if (snd_mail_compose(&m, 1770400800, &msg, err, sizeof err) == SND_OK) {
		check(snd_mail_addr_check(m.to, NULL, 0) == SND_OK);
		snd_buf_printf(&want, "<%s>\r\nSubject: ", m.to);
		check(strstr(msg.data, want.data) != NULL);
		snd_buf_reset(&want);
		decode_subject(msg.data, &got);
		fold(subj, &want);
		check(strcmp(got.data, want.data) == 0);
		snd_buf_reset(&got);
		snd_buf_reset(&want);
		check_message(msg.data, &got);
		snd_buf_puts(&want, body);
		if (want.len > 0 && want.data[want.len - 1] != '\n')
			snd_buf_putc(&want, '\n');
		check(strcmp(got.data, want.data) == 0 && strstr(got.data, LINK) != NULL);
	} else {
		check(msg.len == 0 && err[0] != '\0');
	}
	snd_buf_free(&msg);
	snd_buf_free(&got);
	snd_buf_free(&want);
	free(subj);
	free(body);
	snd_mail_template_free(&t);
	free(copy);
	return 0;
}
