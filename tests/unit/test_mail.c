/* test_mail.c - core/mail.c: templates, placeholders, RFC 2047 subjects,
 * quoted-printable bodies, addresses, and whole messages read back by a
 * real parser (Python's email package, when python3 is installed). */
#include "sounding.h"

#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const langs[6] = {"en", "fr", "es", "ar", "zh", "ru"};

/* Long texts: 2.6 KB of Arabic and Chinese without a line break. */
static const char arabic[] = "تدعوكم الأمانة إلى المشاركة في الاستشارة بشأن مفهوم لجنة الدراسات "
                             "الرائدة، ويُرجى تقديم ردودكم قبل الموعد المحدد. ";
static const char chinese[] = "秘书处诚邀您参与关于牵头研究组概念的征询，请在截止日期前通过您的个人链接作答。";

static char *repeat(const char *s, int times)
{
	struct snd_buf b;
	int i;
	snd_buf_init(&b, 0);
	for (i = 0; i < times; i++)
		snd_buf_puts(&b, s);
	return snd_buf_steal(&b, NULL);
}

/* A quoted-printable decoder written apart from the encoder: soft breaks
 * vanish, =XX is a byte, CRLF is LF. */
static char *qp_decode(const char *s)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, "");
	while (*s) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=') {
			char hex[3] = {s[1], s[2], 0};
			ck_assert_msg(strspn(hex, "0123456789ABCDEF") == 2, "bad escape at %.10s", s);
			snd_buf_putc(&b, (char)strtol(hex, NULL, 16));
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			snd_buf_putc(&b, '\n');
			s += 2;
		} else {
			ck_assert_msg(s[0] != '\r' && s[0] != '\n', "a bare CR or LF");
			snd_buf_putc(&b, *s++);
		}
	}
	return snd_buf_steal(&b, NULL);
}

/* Every line of text ends in CRLF, is printable ASCII (or TAB) and at most
 * max chars long. */
static void assert_lines(const char *text, size_t max)
{
	const char *p = text;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		const char *q;
		ck_assert_msg(e != NULL, "a line without CRLF: %.40s", p);
		ck_assert_msg((size_t)(e - p) <= max, "a line of %zu chars: %.*s", (size_t)(e - p),
		              (int)(e - p), p);
		for (q = p; q < e; q++)
			ck_assert_msg((*q >= 0x20 && *q < 0x7f) || *q == '\t', "byte 0x%02x in %.*s",
			              (unsigned char)*q, (int)(e - p), p);
		p = e + 2;
	}
}

START_TEST(test_mail_builtin_templates_parse_in_every_language_and_kind)
{
	struct snd_mail_template t;
	char err[200];
	size_t line = 0, i, k;
	for (k = 0; k < SND_MAIL_KIND__MAX; k++)
		for (i = 0; i < 6; i++) {
			const char *text = snd_mail_template_builtin((enum snd_mail_kind)k, langs[i]);
			ck_assert_ptr_nonnull(text);
			ck_assert_msg(snd_mail_template_parse(text, strlen(text), &t, &line, err,
			                                      sizeof err) == SND_OK,
			              "%s.%s:%zu: %s", snd_mail_kind_names[k], langs[i], line, err);
			ck_assert_ptr_nonnull(strstr(t.subject, "{title}"));
			ck_assert_ptr_nonnull(strstr(t.body, "{link}"));
			ck_assert_ptr_nonnull(strstr(t.body, "{name}"));
			ck_assert_ptr_nonnull(strstr(t.body, "{closes}"));
			ck_assert(t.body[0] != '\n');
			snd_mail_template_free(&t);
			snd_mail_template_free(&t); /* twice is fine */
		}
	ck_assert_ptr_eq(snd_mail_template_builtin(SND_MAIL_REMIND, "fr-CA"),
	                 snd_mail_template_builtin(SND_MAIL_REMIND, "fr"));
	ck_assert_ptr_ne(snd_mail_template_builtin(SND_MAIL_REMIND, "fr"),
	                 snd_mail_template_builtin(SND_MAIL_INVITE, "fr"));
	ck_assert_ptr_null(snd_mail_template_builtin(SND_MAIL_INVITE, "de"));
	ck_assert_ptr_null(snd_mail_template_builtin(SND_MAIL_INVITE, "e"));
	ck_assert_ptr_null(snd_mail_template_builtin(SND_MAIL_INVITE, NULL));
	ck_assert_ptr_null(snd_mail_template_builtin(SND_MAIL_KIND__MAX, "en"));
	/* a reminder says the answers have not come yet */
	ck_assert_ptr_nonnull(strstr(snd_mail_template_builtin(SND_MAIL_REMIND, "en"),
	                             "not yet received"));
	ck_assert_ptr_nonnull(strstr(snd_mail_template_builtin(SND_MAIL_REMIND, "fr"),
	                             "pas encore re\xC3\xA7u"));
	snd_mail_template_free(NULL);
}
END_TEST

START_TEST(test_mail_template_parse_reads_subject_body_bom_crlf)
{
	static const char text[] = "\xEF\xBB\xBFsubject:   Hello {name}  \r\n\r\n\r\nDear {name},\r\n"
	                           "\r\n{link}\r\nSee {not a placeholder} and {open\r\n";
	struct snd_mail_template t;
	char err[200];
	size_t line = 0;
	ck_assert_int_eq(snd_mail_template_parse(text, strlen(text), &t, &line, err, sizeof err),
	                 SND_OK);
	ck_assert_str_eq(t.subject, "Hello {name}");
	ck_assert_str_eq(t.body, "Dear {name},\n\n{link}\nSee {not a placeholder} and {open\n");
	snd_mail_template_free(&t);
}
END_TEST

START_TEST(test_mail_template_errors_name_the_line)
{
	static const struct {
		const char *text;
		size_t line;
		const char *says;
	} bad[] = {
		{"Hello\n{link}\n", 1, "first line must be 'Subject: ...'"},
		{"\n\nSubject: x\n{link}\n", 1, "first line"},
		{"Subject:  \t \n\n{link}\n", 1, "subject is empty"},
		{"Subject: x\n\nDear {nmae},\n{link}\n", 3, "unknown placeholder {nmae}"},
		{"Subject: {Title}\n\n{link}\n", 1, "unknown placeholder {Title}"},
		{"Subject: Your link {link}\n\n{link}\n", 1, "may not be in the subject"},
		{"Subject: x\n\nno link at all\n", 3, "no {link}"},
		{"Subject: x\r\n\r\n{link}\r\nLatin-1 \xE9t\xE9\r\n", 4, "UTF-8"},
		{"Subject: x\n\n{link}\nan \x1b[31m escape\n", 4, "control character"},
	};
	struct snd_mail_template t = {(char *)"keep", (char *)"me"};
	char err[200], *big;
	size_t line, i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		line = 0;
		ck_assert_int_eq(snd_mail_template_parse(bad[i].text, strlen(bad[i].text), &t, &line,
		                                         err, sizeof err), SND_EINVAL);
		ck_assert_msg(line == bad[i].line, "case %zu: line %zu, want %zu (%s)", i, line,
		              bad[i].line, err);
		ck_assert_msg(strstr(err, bad[i].says) != NULL, "case %zu: %s", i, err);
	}
	line = 0;
	ck_assert_int_eq(snd_mail_template_parse("Subject: x\n{link}\nx\0y\n", 22, &t, &line, err,
	                                         sizeof err), SND_EINVAL);
	ck_assert_uint_eq(line, 3);
	ck_assert_ptr_nonnull(strstr(err, "NUL"));
	big = calloc(1, SND_MAIL_TEMPLATE_MAX + 2);
	memcpy(big, "Subject: x\n{link}\n", 18);
	memset(big + 18, 'a', SND_MAIL_TEMPLATE_MAX - 17);
	ck_assert_int_eq(snd_mail_template_parse(big, strlen(big), &t, &line, err, sizeof err),
	                 SND_ETOOBIG);
	big[SND_MAIL_TEMPLATE_MAX] = '\0'; /* exactly at the cap is fine */
	ck_assert_int_eq(snd_mail_template_parse(big, strlen(big), &t, &line, err, sizeof err),
	                 SND_OK);
	snd_mail_template_free(&t);
	free(big);
	t.subject = (char *)"keep";
	ck_assert_int_eq(snd_mail_template_parse("", 0, &t, NULL, NULL, 0), SND_EINVAL);
	ck_assert_str_eq(t.subject, "keep"); /* untouched on failure */
}
END_TEST

START_TEST(test_mail_fill_replaces_placeholders_as_plain_text)
{
	static const char text[] = "Subject: {title} for {name}\n\nDear {name},\n{link}\n"
	                           "Closes {closes}. {title}\n";
	struct snd_mail_template t;
	struct snd_mail_values v = {"Ana \"Ñ\" <x>", "https://s.example.org/t/v4.public.abc",
	                            "6 February 2026", "LSG review"};
	char err[200], *subj = NULL, *body = NULL, *longv;
	size_t line;
	ck_assert_int_eq(snd_mail_template_parse(text, strlen(text), &t, &line, err, sizeof err),
	                 SND_OK);
	ck_assert_int_eq(snd_mail_fill(&t, &v, &subj, &body, err, sizeof err), SND_OK);
	ck_assert_str_eq(subj, "LSG review for Ana \"Ñ\" <x>");
	ck_assert_str_eq(body, "Dear Ana \"Ñ\" <x>,\nhttps://s.example.org/t/v4.public.abc\n"
	                       "Closes 6 February 2026. LSG review\n");
	free(subj);
	free(body);
	/* a value holding {link} is not filled again; NULL is empty; line
	 * breaks fold to spaces in the subject and become LF in the body */
	v.name = "{link}\r\nBcc: evil@example.org";
	v.title = "T\xE2\x80\xA8X\xC2\x85Y\tZ";
	v.closes = NULL;
	ck_assert_int_eq(snd_mail_fill(&t, &v, &subj, &body, err, sizeof err), SND_OK);
	ck_assert_str_eq(subj, "T X Y Z for {link}  Bcc: evil@example.org");
	ck_assert_str_eq(body, "Dear {link}\nBcc: evil@example.org,\n"
	                       "https://s.example.org/t/v4.public.abc\nCloses . T\nX Y\tZ\n");
	free(subj);
	free(body);
	/* a value that is not UTF-8 is named; nothing is handed out */
	subj = body = NULL;
	v.title = "caf\xE9";
	ck_assert_int_eq(snd_mail_fill(&t, &v, &subj, &body, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "{title}"));
	ck_assert_ptr_null(subj);
	longv = repeat("x", SND_MAIL_SUBJECT_MAX);
	v.title = longv;
	ck_assert_int_eq(snd_mail_fill(&t, &v, &subj, &body, err, sizeof err), SND_ETOOBIG);
	ck_assert_ptr_nonnull(strstr(err, "subject"));
	ck_assert_ptr_null(subj);
	ck_assert_ptr_null(body);
	free(longv);
	snd_mail_template_free(&t);
}
END_TEST

START_TEST(test_mail_qp_roundtrips_long_arabic_and_chinese_within_76)
{
	char *ar = repeat(arabic, 20), *zh = repeat(chinese, 30), *dec, *want;
	const char *texts[4];
	struct snd_buf b, w;
	size_t i, j;
	texts[0] = ar;
	texts[1] = zh;
	texts[2] = "a=b  \ntrailing tab\t\r\n.\nFrom the chair\r.dot\n\n=?UTF-8?B?x?=\n";
	texts[3] = "no final newline ends with space ";
	for (i = 0; i < 4; i++) {
		snd_buf_init(&b, 0);
		snd_buf_init(&w, 0);
		ck_assert_int_eq(snd_mail_qp(texts[i], strlen(texts[i]), &b), SND_OK);
		snd_buf_puts(&b, "\r\n"); /* assert_lines wants every line ended */
		assert_lines(b.data, 76);
		b.len -= 2;
		b.data[b.len] = '\0';
		for (j = 0; texts[i][j]; j++) /* CRLF and CR read as LF */
			if (texts[i][j] == '\r') {
				snd_buf_putc(&w, '\n');
				if (texts[i][j + 1] == '\n')
					j++;
			} else {
				snd_buf_putc(&w, texts[i][j]);
			}
		want = w.data;
		dec = qp_decode(b.data);
		ck_assert_str_eq(dec, want);
		free(dec);
		snd_buf_free(&b);
		snd_buf_free(&w);
	}
	/* the unsafe spots are escaped: '=', line-ending blanks, ".", "From " */
	snd_buf_init(&b, 0);
	snd_mail_qp(texts[2], strlen(texts[2]), &b);
	ck_assert_str_eq(b.data, "a=3Db =20\r\ntrailing tab=09\r\n=2E\r\n=46rom the chair\r\n=2Edot"
	                         "\r\n\r\n=3D?UTF-8?B?x?=3D\r\n");
	snd_buf_free(&b);
	/* a soft break never splits a character: every encoded line ends
	 * between whole =XX groups of one UTF-8 sequence */
	snd_buf_init(&b, 0);
	snd_mail_qp(zh, strlen(zh), &b);
	{
		char *p = b.data, *e;
		while ((e = strstr(p, "=\r\n")) != NULL) {
			unsigned next;
			ck_assert_int_eq(sscanf(e + 3, "=%2X", &next), 1);
			ck_assert_msg((next & 0xC0) != 0x80, "a continuation byte starts a line");
			p = e + 3;
		}
	}
	snd_buf_free(&b);
	free(ar);
	free(zh);
}
END_TEST

/* Decodes one "=?UTF-8?B?...?=" word; checks it is whole UTF-8 by itself. */
static void decode_word(const char *w, size_t n, struct snd_buf *out)
{
	unsigned char bin[64];
	size_t binlen = 0;
	ck_assert_msg(n <= 75, "a word of %zu chars", n);
	ck_assert(n > 12 && strncmp(w, "=?UTF-8?B?", 10) == 0 && strncmp(w + n - 2, "?=", 2) == 0);
	ck_assert_int_eq(sodium_base642bin(bin, sizeof bin, w + 10, n - 12, NULL, &binlen, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL), 0);
	ck_assert_msg(snd_utf8_valid((const char *)bin, binlen, NULL), "a word splits a character");
	snd_buf_append(out, bin, binlen);
}

START_TEST(test_mail_encoded_words_decode_back_and_split_on_characters)
{
	char *ar = repeat(arabic, 3), *zh = repeat(chinese, 4);
	const char *subjects[4] = {"Rappel\xC2\xA0: consultation «\xC2\xA0LSG\xC2\xA0» — réponses",
	                           NULL, NULL, "\xF0\x9F\x93\xA8 emoji and ASCII"};
	size_t i, col;
	subjects[1] = ar;
	subjects[2] = zh;
	for (i = 0; i < 4; i++)
		for (col = 0; col <= 70; col += 10) {
			struct snd_buf b, dec;
			char *p, *e;
			snd_buf_init(&b, 0);
			snd_buf_init(&dec, 0);
			snd_buf_puts(&dec, "");
			while (b.len < col)
				snd_buf_putc(&b, 'H');
			ck_assert_int_eq(snd_mail_encode_words(subjects[i], strlen(subjects[i]), col, &b),
			                 SND_OK);
			snd_buf_puts(&b, "\r\n");
			assert_lines(b.data, 78);
			p = b.data + col;
			while (*p) {
				while (*p == ' ' || *p == '\r' || *p == '\n')
					p++;
				if (*p == '\0')
					break;
				e = strstr(p, "?=");
				ck_assert_ptr_nonnull(e);
				decode_word(p, (size_t)(e + 2 - p), &dec);
				p = e + 2;
			}
			ck_assert_str_eq(dec.data, subjects[i]);
			snd_buf_free(&b);
			snd_buf_free(&dec);
		}
	free(ar);
	free(zh);
}
END_TEST

START_TEST(test_mail_addr_check_refuses_injection_and_bad_shapes)
{
	static const char *const bad[] = {
		"", "a@b.org\r\nBcc: x@y.org", "a@b.org\n", "a@b.org\r", "no-at.example.org",
		"a@@b.org", "a@b@c.org", "a@localhost", "a b@c.org", "<a@b.org>", "a@b.org>",
		"a@b.org,c@d.org", ".a@b.org", "a.@b.org", "a..b@c.org", "a@-b.org", "a@b-.org",
		"a@b..org", "a@.b.org", "a@b.org.", "\"q\"@b.org", "a@[127.0.0.1]", "jos\xC3\xA9@b.org",
		"a\t@b.org", "(c)a@b.org",
	};
	char err[200], big[400];
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(snd_mail_addr_check(bad[i], err, sizeof err) == SND_EINVAL,
		              "accepted: %s", bad[i]);
	ck_assert_int_eq(snd_mail_addr_check(NULL, err, sizeof err), SND_EINVAL);
	ck_assert_int_eq(snd_mail_addr_check("a@b.org\r\nBcc: x@y.org", err, sizeof err),
	                 SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "line break"));
	ck_assert_int_eq(snd_mail_addr_check("ab.org", err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'@'"));
	ck_assert_int_eq(snd_mail_addr_check("first.last+tag@sub.example-1.org", err, sizeof err),
	                 SND_OK);
	ck_assert_int_eq(snd_mail_addr_check("o'brien!#$%&*/=?^_`{|}~@x.io", err, sizeof err),
	                 SND_OK);
	/* lengths: 64 bytes before '@', 254 in all */
	memset(big, 'a', 65);
	snprintf(big + 65, sizeof big - 65, "%s", "@b.org");
	ck_assert_int_eq(snd_mail_addr_check(big, err, sizeof err), SND_EINVAL);
	snprintf(big + 64, sizeof big - 64, "%s", "@b.org");
	ck_assert_int_eq(snd_mail_addr_check(big, err, sizeof err), SND_OK);
	for (i = 70; i < 250; i += 2)
		memcpy(big + i, ".b", 2);
	snprintf(big + 250, sizeof big - 250, "%s", ".org"); /* 254 bytes */
	ck_assert_int_eq(snd_mail_addr_check(big, err, sizeof err), SND_OK);
	snprintf(big + 250, sizeof big - 250, "%s", ".orgg");
	ck_assert_int_eq(snd_mail_addr_check(big, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "longer than 254"));
}
END_TEST

/* The header section of msg: the names of its header lines, one per line,
 * continuation lines checked to start with a space. */
static void header_names(const char *msg, struct snd_buf *names)
{
	const char *p = msg, *end = strstr(msg, "\r\n\r\n"), *colon;
	ck_assert_ptr_nonnull(end);
	while (p < end) {
		const char *e = strstr(p, "\r\n");
		if (*p != ' ') {
			colon = memchr(p, ':', (size_t)(e - p));
			ck_assert_ptr_nonnull(colon);
			snd_buf_append(names, p, (size_t)(colon - p));
			snd_buf_putc(names, '\n');
		}
		p = e + 2;
	}
}

static const char std_headers[] = "From\nTo\nSubject\nDate\nMessage-ID\nMIME-Version\n"
                                  "Content-Type\nContent-Transfer-Encoding\n";

START_TEST(test_mail_compose_writes_the_headers_and_refuses_injection)
{
	struct snd_mail m = {"secretariat@itu.example.org", "TSAG \"Secretariat\"",
	                     "delegate@example.org", NULL, "Reminder: LSG review",
	                     "Dear delegate,\n\nhttps://s.example.org/t/v4.public.x\n", NULL};
	struct snd_buf out, names;
	char err[200];
	const char *mid;
	snd_buf_init(&out, 0);
	snd_buf_init(&names, 0);
	ck_assert_int_eq(snd_mail_compose(&m, 1770400800, &out, err, sizeof err), SND_OK);
	assert_lines(out.data, 78);
	header_names(out.data, &names);
	ck_assert_str_eq(names.data, std_headers);
	ck_assert_ptr_nonnull(strstr(out.data, "From: \"TSAG \\\"Secretariat\\\"\"\r\n"
	                                       " <secretariat@itu.example.org>\r\n"
	                                       "To: <delegate@example.org>\r\n"
	                                       "Subject: Reminder: LSG review\r\n"
	                                       "Date: Fri, 06 Feb 2026 18:00:00 +0000\r\n"
	                                       "Message-ID: <"));
	mid = strstr(out.data, "Message-ID: <") + 13;
	ck_assert_uint_eq(strspn(mid, "0123456789abcdef"), 32);
	ck_assert_int_eq(strncmp(mid + 32, "@itu.example.org>\r\n", 19), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
	                                       "charset=UTF-8\r\nContent-Transfer-Encoding: "
	                                       "quoted-printable\r\n\r\nDear delegate,\r\n\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "v4.public.x\r\n"));
	/* a given Message-ID is used; a subject holding CR LF stays one header */
	snd_buf_reset(&out);
	snd_buf_reset(&names);
	m.message_id = "<fixed.1@itu.example.org>";
	m.subject = "Hi\r\nBcc: evil@example.org\r\n\r\nfake body";
	m.to_name = "Evil\r\nX-Injected: 1";
	m.body = "no newline at the end";
	ck_assert_int_eq(snd_mail_compose(&m, 0, &out, err, sizeof err), SND_OK);
	header_names(out.data, &names);
	ck_assert_str_eq(names.data, std_headers);
	ck_assert_ptr_nonnull(strstr(out.data, "Message-ID: <fixed.1@itu.example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "Subject: Hi  Bcc: evil@example.org    fake body\r\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "\r\n\r\nno newline at the end\r\n"));
	/* bad fields are refused and named; out is unchanged */
	{
		struct snd_mail bad = m;
		size_t len = out.len;
		bad.to = "a@b.org\r\nBcc: evil@example.org";
		ck_assert_int_eq(snd_mail_compose(&bad, 0, &out, err, sizeof err), SND_EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "To: "));
		bad = m;
		bad.from = "secretariat";
		ck_assert_int_eq(snd_mail_compose(&bad, 0, &out, err, sizeof err), SND_EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "From: "));
		bad = m;
		bad.message_id = "<a@b>\r\nBcc: x@y.org";
		ck_assert_int_eq(snd_mail_compose(&bad, 0, &out, err, sizeof err), SND_EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "Message-ID"));
		bad = m;
		bad.body = "caf\xE9";
		ck_assert_int_eq(snd_mail_compose(&bad, 0, &out, err, sizeof err), SND_EINVAL);
		bad = m;
		bad.subject = "\xFF";
		ck_assert_int_eq(snd_mail_compose(&bad, 0, &out, err, sizeof err), SND_EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "subject"));
		ck_assert_int_eq(snd_mail_compose(&m, -1, &out, err, sizeof err), SND_EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "Date"));
		ck_assert_uint_eq(out.len, len);
	}
	/* a long ASCII subject and non-ASCII names are encoded-words */
	snd_buf_reset(&out);
	m.subject = "A rather long subject line that would not fit on one header line of 78";
	m.to_name = "Zhāng Wěi 张伟";
	ck_assert_int_eq(snd_mail_compose(&m, 0, &out, err, sizeof err), SND_OK);
	assert_lines(out.data, 78);
	ck_assert_ptr_nonnull(strstr(out.data, "Subject: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(out.data, "To: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(out.data, " <delegate@example.org>\r\n"));
	{
		char id[SND_MAIL_MSGID_MAX], id2[SND_MAIL_MSGID_MAX];
		ck_assert_int_eq(snd_mail_message_id("x@example.org", id, sizeof id), SND_OK);
		ck_assert_int_eq(snd_mail_message_id("x@example.org", id2, sizeof id2), SND_OK);
		ck_assert_str_ne(id, id2);
		ck_assert_int_eq(snd_mail_message_id("x@example.org", id, 20), SND_ETOOBIG);
		ck_assert_int_eq(snd_mail_message_id("x@example", id, sizeof id), SND_EINVAL);
	}
	snd_buf_free(&out);
	snd_buf_free(&names);
}
END_TEST

/* --------------------------------------------- read back by a real parser */

static const char py_check[] =
	"import email, email.policy, sys\n"
	"d = sys.argv[1]\n"
	"def rd(n): return open(d + '/' + n, encoding='utf-8').read()\n"
	"m = email.message_from_bytes(open(d + '/msg.eml', 'rb').read(), policy=email.policy.default)\n"
	"bad = []\n"
	"def want(what, got, exp):\n"
	"    if got != exp: bad.append('%s: %r != %r' % (what, got, exp))\n"
	"want('subject', str(m['subject']), rd('subject'))\n"
	"want('body', m.get_content().replace('\\r\\n', '\\n'), rd('body'))\n"
	"want('type', m.get_content_type(), 'text/plain')\n"
	"want('charset', m.get_content_charset(), 'utf-8')\n"
	"want('to', m['to'].addresses[0].addr_spec, 'delegate@example.org')\n"
	"want('to name', m['to'].addresses[0].display_name, rd('name'))\n"
	"want('from', m['from'].addresses[0].addr_spec, 'secretariat@itu.example.org')\n"
	"want('date', int(m['date'].datetime.timestamp()), 1770400800)\n"
	"want('one recipient', len(m['to'].addresses), 1)\n"
	"want('headers', sorted(m.keys()), sorted(['From', 'To', 'Subject', 'Date', "
	"'Message-ID', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding']))\n"
	"want('message id', str(m['message-id']).endswith('@itu.example.org>'), True)\n"
	"for k in m.keys():\n"
	"    if m[k].defects: bad.append('%s: %s' % (k, m[k].defects))\n"
	"if m.defects: bad.append('message: %s' % m.defects)\n"
	"print('\\n'.join(bad)); sys.exit(1 if bad else 0)\n";

static void write_file(const char *dir, const char *name, const char *text, size_t n)
{
	char path[512];
	FILE *fp;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(text, 1, n, fp), n);
	ck_assert_int_eq(fclose(fp), 0);
}

START_TEST(test_mail_messages_in_fr_ar_zh_read_back_exactly_with_python_email)
{
	static const struct {
		const char *lang, *name, *title, *closes;
	} cases[] = {
		{"fr", "Mme Hélène Dupont-Lefèvre", "Examen du concept de commission d'études "
		 "directrice (CED) — réponses attendues avant la plénière", "6 février 2026 à 18 h UTC"},
		{"ar", "السيدة فاطمة الزهراء", "استعراض مفهوم لجنة الدراسات الرائدة", "٦ فبراير ٢٠٢٦"},
		{"zh", "张伟先生", "关于牵头研究组概念的审议征询（全会前答复）", "2026年2月6日18:00（UTC）"},
	};
	char dir[] = "/tmp/test_mail_XXXXXX", cmd[1024], outbuf[4096];
	size_t i, k;
	if (system("python3 -c 'import email.policy' >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_mail: python3 with the email package is missing; skipped\n");
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "check.py", py_check, strlen(py_check));
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (k = 0; k < SND_MAIL_KIND__MAX; k++) {
			const char *text = snd_mail_template_builtin((enum snd_mail_kind)k, cases[i].lang);
			struct snd_mail_template t;
			struct snd_mail_values v = {cases[i].name,
			                            "https://sounding.example.org/t/v4.public.eyJhdWQiOiJ"
			                            "sc2ctcmV2aWV3In0abcdefghijklmnopqrstuvwxyz0123456789",
			                            cases[i].closes, cases[i].title};
			struct snd_mail m = {"secretariat@itu.example.org", "Secrétariat du TSAG",
			                     "delegate@example.org", cases[i].name, NULL, NULL, NULL};
			struct snd_buf out;
			char err[200], *subj, *body;
			size_t line;
			FILE *p;
			int rc;
			ck_assert_int_eq(snd_mail_template_parse(text, strlen(text), &t, &line, err,
			                                         sizeof err), SND_OK);
			ck_assert_int_eq(snd_mail_fill(&t, &v, &subj, &body, err, sizeof err), SND_OK);
			m.subject = subj;
			m.body = body;
			snd_buf_init(&out, 0);
			ck_assert_int_eq(snd_mail_compose(&m, 1770400800, &out, err, sizeof err), SND_OK);
			assert_lines(out.data, 78);
			ck_assert_ptr_nonnull(strstr(out.data, "Subject: =?UTF-8?B?"));
			write_file(dir, "msg.eml", out.data, out.len);
			write_file(dir, "subject", subj, strlen(subj));
			write_file(dir, "body", body, strlen(body));
			write_file(dir, "name", cases[i].name, strlen(cases[i].name));
			snprintf(cmd, sizeof cmd, "python3 %s/check.py %s 2>&1", dir, dir);
			ck_assert_ptr_nonnull(p = popen(cmd, "r"));
			outbuf[fread(outbuf, 1, sizeof outbuf - 1, p)] = '\0';
			rc = pclose(p);
			ck_assert_msg(rc == 0, "%s.%s: %s\n%s", snd_mail_kind_names[k], cases[i].lang,
			              outbuf, out.data);
			snd_buf_free(&out);
			free(subj);
			free(body);
			snd_mail_template_free(&t);
		}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *t = tcase_create("templates");
	tcase_add_test(t, test_mail_builtin_templates_parse_in_every_language_and_kind);
	tcase_add_test(t, test_mail_template_parse_reads_subject_body_bom_crlf);
	tcase_add_test(t, test_mail_template_errors_name_the_line);
	tcase_add_test(t, test_mail_fill_replaces_placeholders_as_plain_text);
	suite_add_tcase(s, t);
	t = tcase_create("encoding");
	tcase_add_test(t, test_mail_qp_roundtrips_long_arabic_and_chinese_within_76);
	tcase_add_test(t, test_mail_encoded_words_decode_back_and_split_on_characters);
	tcase_add_test(t, test_mail_addr_check_refuses_injection_and_bad_shapes);
	tcase_add_test(t, test_mail_compose_writes_the_headers_and_refuses_injection);
	tcase_add_test(t, test_mail_messages_in_fr_ar_zh_read_back_exactly_with_python_email);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mail_suite());
	int failed;
	if (sodium_init() < 0)
		return EXIT_FAILURE;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
