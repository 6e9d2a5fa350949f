/* test_fmt.c - core/fmt.c: how numbers are shown to people. */
#include "sounding.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>

START_TEST(test_fmt_count_is_bare_for_integers_and_two_decimals_for_weights)
{
	char o[SND_FMT_LEN];
	snd_fmt_count(o, 12, '.');
	ck_assert_str_eq(o, "12");
	snd_fmt_count(o, -0.0000000001, '.');
	ck_assert_str_eq(o, "0");
	snd_fmt_count(o, 1.5, '.');
	ck_assert_str_eq(o, "1.50");
	snd_fmt_count(o, 1.5, ',');
	ck_assert_str_eq(o, "1,50");
	snd_fmt_count(o, NAN, '.');
	ck_assert_str_eq(o, "\xe2\x80\x94");
}
END_TEST

START_TEST(test_fmt_pct_rounds_to_one_decimal_and_never_shows_minus_zero)
{
	char o[SND_FMT_LEN];
	snd_fmt_pct(o, 0.375, '.');
	ck_assert_str_eq(o, "37.5%");
	snd_fmt_pct(o, 1.0 / 3.0, ',');
	ck_assert_str_eq(o, "33,3\xc2\xa0%"); /* a no-break space before % with a comma */
	snd_fmt_pct(o, -0.0001, '.');
	ck_assert_str_eq(o, "0.0%");
	snd_fmt_pct(o, INFINITY, '.');
	ck_assert_str_eq(o, "0.0%");
}
END_TEST

START_TEST(test_fmt_stat_and_value_show_a_dash_when_absent)
{
	char o[SND_FMT_LEN];
	snd_fmt_stat(o, 3.14159, 1, '.');
	ck_assert_str_eq(o, "3.14");
	snd_fmt_stat(o, -0.001, 1, '.');
	ck_assert_str_eq(o, "0.00");
	snd_fmt_stat(o, 3, 0, '.');
	ck_assert_str_eq(o, "\xe2\x80\x94");
	snd_fmt_value(o, 4, 1, '.');
	ck_assert_str_eq(o, "4");
	snd_fmt_value(o, 2.25, 1, ',');
	ck_assert_str_eq(o, "2,25");
	snd_fmt_value(o, 1234567.5, 1, '.');
	ck_assert_str_eq(o, "1.23457e+06");
	snd_fmt_value(o, 1e30, 1, '.');
	ck_assert_str_eq(o, "1e+30");
	snd_fmt_stat(o, -1e308, 1, '.');
	ck_assert_str_eq(o, "-1e+308");
	snd_fmt_count(o, 1e300, ',');
	ck_assert_str_eq(o, "1e+300");
	snd_fmt_value(o, 0, 0, '.');
	ck_assert_str_eq(o, "\xe2\x80\x94");
}
END_TEST

START_TEST(test_fmt_decimal_follows_the_language)
{
	ck_assert_int_eq(snd_fmt_decimal("fr"), ',');
	ck_assert_int_eq(snd_fmt_decimal("es"), ',');
	ck_assert_int_eq(snd_fmt_decimal("ru"), ',');
	ck_assert_int_eq(snd_fmt_decimal("en"), '.');
	ck_assert_int_eq(snd_fmt_decimal("zh"), '.');
	ck_assert_int_eq(snd_fmt_decimal("ar"), '.');
	ck_assert_int_eq(snd_fmt_decimal(NULL), '.');
}
END_TEST

START_TEST(test_json_reads_are_typed)
{
	cJSON *o = cJSON_Parse("{\"a\":1.5,\"s\":\"x\",\"n\":null}");
	double d = 7;
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(snd_json_num(o, "a", &d), 1);
	ck_assert(d == 1.5);
	ck_assert_int_eq(snd_json_num(o, "s", &d), 0);
	ck_assert(snd_json_num0(o, "n") == 0);
	ck_assert_str_eq(snd_json_str(o, "s"), "x");
	ck_assert_ptr_null(snd_json_str(o, "a"));
	ck_assert_ptr_null(snd_json_str(NULL, "a"));
	cJSON_Delete(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fmt");
	TCase *tc = tcase_create("fmt");
	SRunner *sr;
	int failed;
	tcase_add_test(tc, test_fmt_count_is_bare_for_integers_and_two_decimals_for_weights);
	tcase_add_test(tc, test_fmt_pct_rounds_to_one_decimal_and_never_shows_minus_zero);
	tcase_add_test(tc, test_fmt_stat_and_value_show_a_dash_when_absent);
	tcase_add_test(tc, test_fmt_decimal_follows_the_language);
	tcase_add_test(tc, test_json_reads_are_typed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
