/* test_buf.c - capped buffers, escaping, UTF-8 validation, diagnostics,
 * file I/O and log redaction. */
#include "sounding.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *html(const char *s)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_buf_html(&b, s), SND_OK);
	return snd_buf_steal(&b, NULL);
}

static char *csv(const char *s)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_buf_csv(&b, s), SND_OK);
	return snd_buf_steal(&b, NULL);
}

START_TEST(test_buf_cap_fails_whole_append_and_sticks)
{
	struct snd_buf b;
	snd_buf_init(&b, 8);
	ck_assert_int_eq(snd_buf_puts(&b, "12345"), SND_OK);
	ck_assert_int_eq(snd_buf_puts(&b, "6789"), SND_ENOMEM);
	ck_assert_str_eq(b.data, "12345");
	ck_assert_int_eq(snd_buf_puts(&b, "6"), SND_ENOMEM); /* sticky */
	ck_assert_ptr_null(snd_buf_steal(&b, NULL));
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_buf_printf_grows_and_terminates)
{
	struct snd_buf b;
	int i;
	snd_buf_init(&b, 0);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(snd_buf_printf(&b, "%d,", i), SND_OK);
	ck_assert_uint_eq(strlen(b.data), b.len);
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_html_escapes_markup_and_quotes)
{
	char *s = html("<script>alert('x')</script>\"&");
	ck_assert_str_eq(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;");
	free(s);
}
END_TEST

START_TEST(test_html_shows_bidi_overrides_as_inert_markers)
{
	char *s = html("abc\xE2\x80\xAE" "def\xE2\x81\xA6");
	ck_assert_str_eq(s, "abc[U+202E]def[U+2066]");
	free(s);
	s = html("\xD8\xA7\xD9\x84"); /* ordinary Arabic passes through */
	ck_assert_str_eq(s, "\xD8\xA7\xD9\x84");
	free(s);
}
END_TEST

START_TEST(test_json_str_escapes_controls_and_lt)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	snd_buf_json_str(&b, "a\"b\\c\n\x01<");
	ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\n\\u0001\\u003c\"");
	snd_buf_free(&b);
}
END_TEST

START_TEST(test_csv_quotes_and_guards_formulas)
{
	char *s;
	s = csv("plain");
	ck_assert_str_eq(s, "plain");
	free(s);
	s = csv("a,b \"c\"");
	ck_assert_str_eq(s, "\"a,b \"\"c\"\"\"");
	free(s);
	s = csv("=HYPERLINK(\"x\")");
	ck_assert_str_eq(s, "\"'=HYPERLINK(\"\"x\"\")\"");
	free(s);
	s = csv("@SUM(A1)");
	ck_assert_str_eq(s, "\"'@SUM(A1)\"");
	free(s);
	s = csv("-3.5"); /* a negative number is data */
	ck_assert_str_eq(s, "-3.5");
	free(s);
	s = csv("-1+cmd");
	ck_assert_str_eq(s, "\"'-1+cmd\"");
	free(s);
}
END_TEST

/* ASCII is checked eight bytes at a time: a NUL or a bad byte is still
 * found, at its exact offset, wherever it falls in or after a word. */
START_TEST(test_utf8_finds_bad_bytes_at_every_offset_of_long_ascii)
{
	char s[41];
	size_t at, bad;
	for (at = 0; at < sizeof s; at++) {
		memset(s, 'a', sizeof s);
		s[at] = '\0';
		bad = 999;
		ck_assert_int_eq(snd_utf8_valid(s, sizeof s, &bad), 0);
		ck_assert_uint_eq(bad, at);
		s[at] = (char)0xFF;
		ck_assert_int_eq(snd_utf8_valid(s, sizeof s, &bad), 0);
		ck_assert_uint_eq(bad, at);
		s[at] = 0x7F;
		ck_assert_int_eq(snd_utf8_valid(s, sizeof s, NULL), 1);
		if (at + 1 < sizeof s) {
			s[at] = (char)0xC3;
			s[at + 1] = (char)0xA9;
			ck_assert_int_eq(snd_utf8_valid(s, sizeof s, NULL), 1);
			ck_assert_int_eq(snd_utf8_valid(s, at + 1, &bad), 0); /* cut in the middle */
			ck_assert_uint_eq(bad, at);
		}
	}
}
END_TEST

START_TEST(test_utf8_rejects_overlong_surrogate_nul_and_truncation)
{
	size_t at = 99;
	ck_assert(snd_utf8_valid("h\xC3\xA9llo \xE4\xB8\xAD \xF0\x9F\x98\x80", 15, NULL));
	ck_assert(!snd_utf8_valid("\xC0\xAF", 2, &at));          /* overlong '/' */
	ck_assert_uint_eq(at, 0);
	ck_assert(!snd_utf8_valid("ab\xE0\x80\xAF", 5, &at));    /* overlong 3-byte */
	ck_assert_uint_eq(at, 2);
	ck_assert(!snd_utf8_valid("\xED\xA0\x80", 3, NULL));     /* surrogate */
	ck_assert(!snd_utf8_valid("a\0b", 3, &at));              /* NUL */
	ck_assert_uint_eq(at, 1);
	ck_assert(!snd_utf8_valid("\xE4\xB8", 2, NULL));         /* truncated */
	ck_assert(!snd_utf8_valid("\xF4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
	ck_assert(!snd_utf8_valid("\xFF", 1, NULL));
}
END_TEST

START_TEST(test_diag_collects_and_finds)
{
	struct snd_diag d;
	snd_diag_init(&d);
	snd_diag_add(&d, "q1", "choose at most %d options", 3);
	snd_diag_add(&d, "$.id", "bad id");
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(snd_diag_find(&d, "q1"), "choose at most 3 options");
	ck_assert_ptr_null(snd_diag_find(&d, "q2"));
	snd_diag_free(&d);
	snd_diag_free(NULL);
}
END_TEST

START_TEST(test_write_file_excl_refuses_existing_and_sets_mode)
{
	char dir[] = "/tmp/snd-buf-XXXXXX", path[256], *data = NULL;
	struct stat st;
	size_t len;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/key", dir);
	ck_assert_int_eq(snd_write_file(path, "secret", 6, 0600, 1), SND_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(snd_write_file(path, "other", 5, 0600, 1), SND_EEXIST);
	ck_assert_int_eq(snd_read_file(path, 100, &data, &len), SND_OK);
	ck_assert_str_eq(data, "secret");
	free(data);
	ck_assert_int_eq(snd_read_file(path, 3, &data, &len), SND_ETOOBIG);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_log_redacts_tokens_keys_and_link_paths)
{
	char s[] = "GET /t/v4.public.eyJhdWQiOiJ4In0abc 200 key=k4.secret.AAAAAAAAAAAAAAAAAAAA "
	           "auth Bearer v4.public.zzzzzzzzzzzzzzzzzzzz";
	snd_log_redact(s);
	ck_assert_ptr_null(strstr(s, "eyJhdWQ"));
	ck_assert_ptr_null(strstr(s, "AAAAAAAA"));
	ck_assert_ptr_null(strstr(s, "zzzz"));
	ck_assert_ptr_nonnull(strstr(s, "/t/[redacted]"));
	ck_assert_ptr_nonnull(strstr(s, " 200 "));
}
END_TEST

START_TEST(test_strerror_names_every_error)
{
	int e;
	for (e = 0; e < SND_ERR__MAX; e++)
		ck_assert_str_ne(snd_strerror((enum snd_err)e), "unknown error");
	ck_assert_str_eq(snd_strerror(SND_ERR__MAX), "unknown error");
}
END_TEST

/* Item 10 of issue 12: what passed the formula guard before. */
static void csv_is(const char *in, const char *want)
{
	char *s = csv(in);
	ck_assert_msg(strcmp(s, want) == 0, "csv of [%s]: got [%s], want [%s]", in, s, want);
	free(s);
}

START_TEST(test_csv_guards_a_leading_line_feed)
{
	csv_is("\n=1+1", "\"'\n=1+1\"");
	csv_is("\n", "\"'\n\"");
	csv_is("a\nb", "\"a\nb\""); /* inside a cell: quoted, no guard */
}
END_TEST

START_TEST(test_csv_guards_each_full_width_trigger)
{
	csv_is("\xef\xbc\x9d" "1+1", "\"'\xef\xbc\x9d" "1+1\"");     /* U+FF1D = */
	csv_is("\xef\xbc\x8b" "1", "\"'\xef\xbc\x8b" "1\"");         /* U+FF0B + */
	csv_is("\xef\xbc\x8d" "1", "\"'\xef\xbc\x8d" "1\"");         /* U+FF0D - */
	csv_is("\xef\xbc\xa0" "SUM(A1)", "\"'\xef\xbc\xa0" "SUM(A1)\""); /* U+FF20 @ */
	/* other full-width forms and a trigger after the first character are text */
	csv_is("\xef\xbc\xa1", "\xef\xbc\xa1");                       /* U+FF21 Ａ */
	csv_is("a\xef\xbc\x9d" "1", "a\xef\xbc\x9d" "1");
}
END_TEST

START_TEST(test_csv_guards_a_trigger_after_leading_blanks)
{
	csv_is(" =HYPERLINK(\"x\")", "\"' =HYPERLINK(\"\"x\"\")\"");
	csv_is("   @SUM(A1)", "\"'   @SUM(A1)\"");
	csv_is("\xc2\xa0+1", "\"'\xc2\xa0+1\"");                     /* U+00A0 */
	csv_is("\xe3\x80\x80\xef\xbc\x9d" "1", "\"'\xe3\x80\x80\xef\xbc\x9d" "1\""); /* U+3000 */
	csv_is(" \t-2", "\"' \t-2\"");
	csv_is("\v@x", "\"'\v@x\"");
	csv_is(" -5", "\"' -5\""); /* not a plain number once blanks lead */
	csv_is("  text", "  text");
	csv_is(" ", " ");
}
END_TEST

START_TEST(test_csv_keeps_plain_negative_numbers_but_guards_other_strtod_forms)
{
	csv_is("-3.5", "-3.5");
	csv_is("-1e-3", "-1e-3");
	csv_is("-inf", "\"'-inf\"");
	csv_is("-nan(cmd)", "\"'-nan(cmd)\"");
	csv_is("-0x1p3", "\"'-0x1p3\"");
	csv_is("-", "\"'-\"");
}
END_TEST

START_TEST(test_csv_shows_each_bidi_control_as_a_marker)
{
	static const char *const ctl[] = {
		"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae",
		"\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9"};
	static const unsigned cps[] = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
	                               0x2066, 0x2067, 0x2068, 0x2069};
	size_t i;
	for (i = 0; i < sizeof ctl / sizeof ctl[0]; i++) {
		char in[32], want[48];
		snprintf(in, sizeof in, "a%sb", ctl[i]);
		snprintf(want, sizeof want, "a[U+%04X]b", cps[i]);
		csv_is(in, want);
	}
	/* a marker at the start leaves no trigger first; a quoted cell keeps it */
	csv_is("\xe2\x80\xae=1+1", "[U+202E]=1+1");
	csv_is("=\xe2\x80\xae", "\"'=[U+202E]\"");
	csv_is("x,\xe2\x81\xa6y\xe2\x81\xa9", "\"x,[U+2066]y[U+2069]\"");
	/* neighbours of the ranges are not controls */
	csv_is("\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
	       "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;
	tcase_add_test(tc, test_buf_cap_fails_whole_append_and_sticks);
	tcase_add_test(tc, test_buf_printf_grows_and_terminates);
	tcase_add_test(tc, test_html_escapes_markup_and_quotes);
	tcase_add_test(tc, test_html_shows_bidi_overrides_as_inert_markers);
	tcase_add_test(tc, test_json_str_escapes_controls_and_lt);
	tcase_add_test(tc, test_csv_quotes_and_guards_formulas);
	tcase_add_test(tc, test_utf8_rejects_overlong_surrogate_nul_and_truncation);
	tcase_add_test(tc, test_utf8_finds_bad_bytes_at_every_offset_of_long_ascii);
	tcase_add_test(tc, test_diag_collects_and_finds);
	tcase_add_test(tc, test_write_file_excl_refuses_existing_and_sets_mode);
	tcase_add_test(tc, test_log_redacts_tokens_keys_and_link_paths);
	tcase_add_test(tc, test_strerror_names_every_error);
	tcase_add_test(tc, test_csv_guards_a_leading_line_feed);
	tcase_add_test(tc, test_csv_guards_each_full_width_trigger);
	tcase_add_test(tc, test_csv_guards_a_trigger_after_leading_blanks);
	tcase_add_test(tc, test_csv_keeps_plain_negative_numbers_but_guards_other_strtod_forms);
	tcase_add_test(tc, test_csv_shows_each_bidi_control_as_a_marker);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
