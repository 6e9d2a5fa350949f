/* test_urlenc.c - urlencoded bodies (escapes, '+', NUL, UTF-8, field cap)
 * and HTML form posts turned into answers with the field names of
 * sounding.h, against tests/data/forms/minimal.json. */
#include "sounding.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct snd_form *form;

static void setup(void)
{
	char path[4096];
	const char *data = getenv("SND_TEST_DATA");
	snprintf(path, sizeof path, "%s/forms/minimal.json", data ? data : "tests/data");
	ck_assert_int_eq(snd_form_load(path, &form, NULL), SND_OK);
}

static void teardown(void)
{
	snd_form_free(form);
	form = NULL;
}

START_TEST(test_urlenc_decodes_plus_and_escapes)
{
	struct snd_kvlist l;
	char ebuf[128];
	const char *body = "a=1&b=hello+world&c=%C3%A9t%c3%A9&d&=e&&f=x%3Dy%26z&a=2";
	ck_assert_int_eq(snd_urlenc_parse(body, strlen(body), &l, ebuf, sizeof ebuf), SND_OK);
	ck_assert_uint_eq(l.n, 7);
	ck_assert_str_eq(snd_kvlist_get(&l, "a"), "1"); /* first wins */
	ck_assert_str_eq(snd_kvlist_get(&l, "b"), "hello world");
	ck_assert_str_eq(snd_kvlist_get(&l, "c"), "\xc3\xa9t\xc3\xa9");
	ck_assert_str_eq(snd_kvlist_get(&l, "d"), "");
	ck_assert_str_eq(snd_kvlist_get(&l, ""), "e");
	ck_assert_str_eq(snd_kvlist_get(&l, "f"), "x=y&z");
	ck_assert_ptr_null(snd_kvlist_get(&l, "g"));
	ck_assert_str_eq(l.items[6].value, "2");
	snd_kvlist_free(&l);
	snd_kvlist_free(&l); /* idempotent */
	ck_assert_int_eq(snd_urlenc_parse("", 0, &l, ebuf, sizeof ebuf), SND_OK);
	ck_assert_uint_eq(l.n, 0);
	snd_kvlist_free(&l);
}
END_TEST

START_TEST(test_urlenc_rejects_bad_escapes_nul_and_utf8)
{
	static const char *const bad[] = {"a=%", "a=%4", "a=%zz", "a=1&b=%00", "a=%C3", "%FF=1",
	                                  "a=%ED%A0%80"};
	size_t i;
	char ebuf[128];
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct snd_kvlist l = {NULL, 0, 0};
		ck_assert_msg(snd_urlenc_parse(bad[i], strlen(bad[i]), &l, ebuf, sizeof ebuf) == SND_EINVAL,
		              "accepted %s", bad[i]);
		ck_assert_ptr_null(l.items);
		ck_assert_ptr_nonnull(strstr(ebuf, "field"));
	}
	ck_assert_int_eq(snd_urlenc_parse("a=1&b=%00", 9, &(struct snd_kvlist){0}, ebuf, sizeof ebuf),
	                 SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(ebuf, "field 2"));
}
END_TEST

START_TEST(test_urlenc_caps_fields)
{
	struct snd_buf b;
	struct snd_kvlist l;
	int i;
	snd_buf_init(&b, 0);
	for (i = 0; i < SND_URLENC_MAX_FIELDS; i++)
		snd_buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	ck_assert_int_eq(snd_urlenc_parse(b.data, b.len, &l, NULL, 0), SND_OK);
	ck_assert_uint_eq(l.n, SND_URLENC_MAX_FIELDS);
	snd_kvlist_free(&l);
	snd_buf_puts(&b, "&one=more");
	ck_assert_int_eq(snd_urlenc_parse(b.data, b.len, &l, NULL, 0), SND_ETOOBIG);
	snd_buf_free(&b);
}
END_TEST

static cJSON *answers;
static struct snd_diag errs;

static enum snd_err post(const char *body)
{
	struct snd_kvlist l;
	enum snd_err e;
	cJSON_Delete(answers);
	answers = NULL;
	snd_diag_free(&errs);
	ck_assert_int_eq(snd_urlenc_parse(body, strlen(body), &l, NULL, 0), SND_OK);
	e = snd_form_answers_from_post(form, &l, &answers, &errs);
	snd_kvlist_free(&l);
	ck_assert_ptr_nonnull(answers);
	return e;
}

static char *canon(void)
{
	struct snd_buf b;
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_canon_json(answers, &b), SND_OK);
	return snd_buf_steal(&b, NULL);
}

START_TEST(test_post_builds_every_shape)
{
	char *s;
	cJSON *clean = NULL;
	ck_assert_int_eq(post("_csrf=abc&_lang=fr&colour=red&tools=email&tools=chat&tools="
	                      "&clear=none&per_sg.sg2=4&per_sg.sg3=none"
	                      "&order.alpha=2&order.beta=&order.gamma=1"
	                      "&proposal=object&proposal.reason=too+many%0D%0Ameetings"
	                      "&how_many=+12+&ratio=-0%2C5&wiki_name=&unknown=1"),
	                 SND_OK);
	s = canon();
	ck_assert_str_eq(s, "{\"clear\":null,\"colour\":\"red\",\"how_many\":12,"
	                    "\"order\":[\"gamma\",\"alpha\"],\"per_sg\":{\"sg2\":4,\"sg3\":null},"
	                    "\"proposal\":{\"position\":\"object\",\"reason\":\"too many\\nmeetings\"},"
	                    "\"ratio\":-0.5,\"tools\":[\"email\",\"chat\"]}");
	free(s);
	/* and the result passes the form's checks */
	ck_assert_int_eq(snd_form_check_answers(form, answers, &clean, &errs), SND_OK);
	cJSON_Delete(clean);
}
END_TEST

START_TEST(test_post_empty_fields_are_unanswered)
{
	char *s;
	ck_assert_int_eq(post("colour=&tools=&clear=&per_sg.sg2=&order.alpha=&proposal=&proposal.reason="
	                      "&how_many=&why_blue="),
	                 SND_OK);
	s = canon();
	ck_assert_str_eq(s, "{}");
	free(s);
	ck_assert_int_eq(post(""), SND_OK);
	/* a reason without a position is kept, for check_answers to flag */
	ck_assert_int_eq(post("proposal.reason=because"), SND_OK);
	s = canon();
	ck_assert_str_eq(s, "{\"proposal\":{\"reason\":\"because\"}}");
	free(s);
}
END_TEST

START_TEST(test_post_conversion_errors_by_question)
{
	ck_assert_int_eq(post("how_many=12x&clear=high&per_sg.sg2=four&order.alpha=1&order.beta=1"
	                      "&ratio=1e&colour=red"),
	                 SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(snd_diag_find(&errs, "how_many"), "whole number"));
	ck_assert_ptr_nonnull(snd_diag_find(&errs, "clear"));
	ck_assert_ptr_nonnull(snd_diag_find(&errs, "per_sg"));
	ck_assert_ptr_nonnull(strstr(snd_diag_find(&errs, "order"), "place 1"));
	ck_assert_ptr_nonnull(snd_diag_find(&errs, "ratio"));
	ck_assert_ptr_null(snd_diag_find(&errs, "colour"));
	/* answers still set, with what converted, to refill the page */
	ck_assert_str_eq(cJSON_GetObjectItem(answers, "colour")->valuestring, "red");
	ck_assert_int_eq(post("order.alpha=4"), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(snd_diag_find(&errs, "order"), "1 to 3"));
	ck_assert_int_eq(post("how_many=0x10"), SND_EINVAL);
	ck_assert_int_eq(post("ratio=nan"), SND_EINVAL);
	ck_assert_int_eq(post("ratio=inf"), SND_EINVAL);
	ck_assert_int_eq(post("ratio=1e999"), SND_EINVAL);
	ck_assert_int_eq(post("ratio=1,000.5"), SND_EINVAL);
}
END_TEST

START_TEST(test_post_rank_gaps_keep_order)
{
	char *s;
	ck_assert_int_eq(post("order.alpha=3&order.beta=1"), SND_OK);
	s = canon();
	ck_assert_str_eq(s, "{\"order\":[\"beta\",\"alpha\"]}");
	free(s);
}
END_TEST

START_TEST(test_urlenc_repeated_single_valued_field_is_named)
{
	struct snd_kvlist l = {0};
	char err[100];
	/* a multi question's id repeats legitimately, once per checked option */
	ck_assert_int_eq(snd_urlenc_parse("_csrf=x&tools=email&tools=wiki&colour=red", 41, &l, err,
	                                  sizeof err), SND_OK);
	ck_assert_ptr_null(snd_kvlist_repeated(&l, form));
	/* with no form, no field may repeat */
	ck_assert_str_eq(snd_kvlist_repeated(&l, NULL), "tools");
	snd_kvlist_free(&l);
	/* single, scale, text, number, position, rank places, the CSRF field */
	{
		static const char *const twice[][2] = {
			{"colour=red&_csrf=a&colour=blue", "colour"},
			{"_csrf=a&tools=wiki&_csrf=b", "_csrf"},
			{"clear=1&clear=5", "clear"},
			{"why_blue=a&why_blue=b", "why_blue"},
			{"how_many=1&how_many=2", "how_many"},
			{"proposal=support&proposal=object", "proposal"},
			{"proposal.reason=a&proposal.reason=b", "proposal.reason"},
			{"order.alpha=1&order.alpha=2", "order.alpha"},
			{"per_sg.sg2=1&per_sg.sg2=2", "per_sg.sg2"},
			{"a=1&b=2&c=3&a=", "a"},
		};
		size_t i;
		for (i = 0; i < sizeof twice / sizeof twice[0]; i++) {
			ck_assert_int_eq(snd_urlenc_parse(twice[i][0], strlen(twice[i][0]), &l, err,
			                                  sizeof err), SND_OK);
			ck_assert_msg(snd_kvlist_repeated(&l, form) != NULL &&
			                      strcmp(snd_kvlist_repeated(&l, form), twice[i][1]) == 0,
			              "%s", twice[i][0]);
			snd_kvlist_free(&l);
		}
	}
	ck_assert_ptr_null(snd_kvlist_repeated(&l, form)); /* empty list */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("urlenc");
	TCase *tc = tcase_create("parse"), *pc = tcase_create("post");
	SRunner *sr;
	int failed;
	tcase_add_test(tc, test_urlenc_decodes_plus_and_escapes);
	tcase_add_test(tc, test_urlenc_rejects_bad_escapes_nul_and_utf8);
	tcase_add_test(tc, test_urlenc_caps_fields);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(pc, setup, teardown);
	tcase_add_test(pc, test_post_builds_every_shape);
	tcase_add_test(pc, test_post_empty_fields_are_unanswered);
	tcase_add_test(pc, test_post_conversion_errors_by_question);
	tcase_add_test(pc, test_post_rank_gaps_keep_order);
	tcase_add_test(pc, test_urlenc_repeated_single_valued_field_is_named);
	suite_add_tcase(s, pc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	cJSON_Delete(answers);
	snd_diag_free(&errs);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
