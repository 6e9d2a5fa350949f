/* test_json.c - snd_json_parse: the guards in front of cJSON (size, UTF-8,
 * NUL, \u0000, lone surrogates, depth before recursion, strict grammar,
 * repeated keys) and the line/column in its messages. */
#include "sounding.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char ebuf[256];

static enum snd_err parse(const char *s, cJSON **out)
{
	cJSON *tmp = NULL;
	enum snd_err e = snd_json_parse(s, strlen(s), 1 << 20, SND_JSON_MAX_DEPTH,
	                                out ? out : &tmp, ebuf, sizeof ebuf);
	cJSON_Delete(tmp);
	return e;
}

START_TEST(test_json_accepts_plain_values)
{
	cJSON *v = NULL;
	ck_assert_int_eq(parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"]}\n", &v), SND_OK);
	ck_assert_ptr_nonnull(v);
	ck_assert_double_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(v, "a"), 1)->valuedouble, -2500);
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(v, "a"), 5)->valuestring,
	                 "x\xc3\xa9\xf0\x9f\x98\x80");
	cJSON_Delete(v);
	ck_assert_int_eq(parse("0", NULL), SND_OK);
	ck_assert_int_eq(parse("\"\"", NULL), SND_OK);
	ck_assert_int_eq(parse("[]", NULL), SND_OK);
	ck_assert_int_eq(parse("{}", NULL), SND_OK);
}
END_TEST

START_TEST(test_json_rejects_over_size_cap)
{
	cJSON *v = NULL;
	ck_assert_int_eq(snd_json_parse("[1,2,3]", 7, 6, 8, &v, ebuf, sizeof ebuf), SND_ETOOBIG);
	ck_assert_ptr_null(v);
}
END_TEST

START_TEST(test_json_rejects_invalid_utf8_and_nul)
{
	cJSON *v = NULL;
	ck_assert_int_eq(parse("\"\xc0\xaf\"", NULL), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(ebuf, "UTF-8"));
	ck_assert_int_eq(snd_json_parse("\"a\0b\"", 5, 100, 8, &v, ebuf, sizeof ebuf), SND_EINVAL);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(parse("\"\\u0000\"", NULL), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(ebuf, "u0000"));
}
END_TEST

START_TEST(test_json_rejects_lone_surrogate_escapes)
{
	ck_assert_int_eq(parse("\"\\ud800\"", NULL), SND_EINVAL);
	ck_assert_int_eq(parse("\"\\udc00\"", NULL), SND_EINVAL);
	ck_assert_int_eq(parse("\"\\ud800\\u0041\"", NULL), SND_EINVAL);
	ck_assert_int_eq(parse("\"\\ud800x\"", NULL), SND_EINVAL);
	ck_assert_int_eq(parse("\"\\ud83d\\ude00\"", NULL), SND_OK);
}
END_TEST

START_TEST(test_json_rejects_deep_nesting_cheaply)
{
	size_t n = 10000, i;
	char *s = malloc(2 * n + 1);
	cJSON *v = NULL;
	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[n + i] = ']';
	}
	s[2 * n] = '\0';
	ck_assert_int_eq(snd_json_parse(s, 2 * n, 1 << 20, SND_JSON_MAX_DEPTH, &v, ebuf, sizeof ebuf),
	                 SND_EINVAL);
	ck_assert_ptr_null(v);
	ck_assert_ptr_nonnull(strstr(ebuf, "deep"));
	ck_assert_ptr_nonnull(strstr(ebuf, "column 33"));
	/* exactly the cap is fine */
	ck_assert_int_eq(snd_json_parse(s + n - 4, 8, 100, 4, &v, ebuf, sizeof ebuf), SND_OK);
	cJSON_Delete(v);
	v = NULL;
	ck_assert_int_eq(snd_json_parse(s + n - 5, 10, 100, 4, &v, ebuf, sizeof ebuf), SND_EINVAL);
	free(s);
}
END_TEST

START_TEST(test_json_rejects_what_cjson_would_let_through)
{
	static const char *const bad[] = {
		"01", "1.", "-.5", ".5", "+1", "1e", "1e+", "--1", "0x10", "NaN", "Infinity",
		"[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "'x'", "\"a\tb\"", "\"\\x\"",
		"\"abc", "[", "{", "", "   ", "\x0c[]", "[]\x0b", "tru", "nul", "[1]x", "{} {}",
		"\"\\u12\"", "\"\\uzzzz\"",
		"1234567890123456789012345678901234567890123456789012345678901234567890",
	};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *v = NULL;
		ck_assert_msg(snd_json_parse(bad[i], strlen(bad[i]), 1000, 8, &v, ebuf, sizeof ebuf) ==
		                  SND_EINVAL, "accepted %s", bad[i]);
		ck_assert_ptr_null(v);
		ck_assert_ptr_nonnull(strstr(ebuf, "line "));
	}
}
END_TEST

START_TEST(test_json_rejects_repeated_keys_with_position)
{
	ck_assert_int_eq(parse("{\"a\":1,\n \"b\":{\"x\":1},\n \"c\":{\"x\":1, \"x\":2}}", NULL),
	                 SND_EINVAL);
	ck_assert_str_eq(ebuf, "line 3, column 14: repeated object key \"x\"");
	ck_assert_int_eq(parse("[{\"k\":1},{\"k\":1,\"j\":[{}],\"k\":3}]", NULL), SND_EINVAL);
	ck_assert_str_eq(ebuf, "line 1, column 26: repeated object key \"k\"");
	ck_assert_int_eq(parse("{\"a\":1,\"A\":2}", NULL), SND_OK);
	/* several repeats: the smallest key's second occurrence, whether the
	 * object is small (checked pairwise) or large (checked by sorting) */
	ck_assert_int_eq(parse("{\"b\":1,\"b\":2,\"a\":3,\"a\":4,\"a\":5}", NULL), SND_EINVAL);
	ck_assert_str_eq(ebuf, "line 1, column 20: repeated object key \"a\"");
	ck_assert_int_eq(parse("{\"m0\":0,\"m1\":0,\"m2\":0,\"m3\":0,\"m4\":0,\"m5\":0,\"m6\":0,"
	                       "\"m7\":0,\"m8\":0,\"m9\":0,\"n0\":0,\"n1\":0,\"n2\":0,\"n3\":0,"
	                       "\"b\":1,\"b\":2,\"a\":3,\"a\":4,\"a\":5}", NULL), SND_EINVAL);
	ck_assert_str_eq(ebuf, "line 1, column 118: repeated object key \"a\"");
}
END_TEST

START_TEST(test_json_reports_line_and_column)
{
	ck_assert_int_eq(parse("{\n  \"a\": 1,\n  \"b\": tru\n}", NULL), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(ebuf, "line 3, column 8"));
}
END_TEST

START_TEST(test_json_accepts_text_without_terminating_nul)
{
	char buf[8] = {'[', '1', ']', 'x', 'x', 'x', 'x', 'x'};
	cJSON *v = NULL;
	ck_assert_int_eq(snd_json_parse(buf, 3, 100, 4, &v, ebuf, sizeof ebuf), SND_OK);
	ck_assert(cJSON_IsArray(v));
	cJSON_Delete(v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;
	tcase_add_test(tc, test_json_accepts_plain_values);
	tcase_add_test(tc, test_json_rejects_over_size_cap);
	tcase_add_test(tc, test_json_rejects_invalid_utf8_and_nul);
	tcase_add_test(tc, test_json_rejects_lone_surrogate_escapes);
	tcase_add_test(tc, test_json_rejects_deep_nesting_cheaply);
	tcase_add_test(tc, test_json_rejects_what_cjson_would_let_through);
	tcase_add_test(tc, test_json_rejects_repeated_keys_with_position);
	tcase_add_test(tc, test_json_reports_line_and_column);
	tcase_add_test(tc, test_json_accepts_text_without_terminating_nul);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
