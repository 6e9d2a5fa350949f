/* test_canon.c - RFC 8785 canonical JSON: the RFC's examples (Appendix B
 * numbers, section 3.2.2/3.2.3 sorting and strings), refusal of NaN and
 * infinities, the integer fast path against the general one, and SHA-256
 * (SHA-NI or portable) against libsodium's. */
#include "sounding.h"

#include <check.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *canon_text(const char *json)
{
	cJSON *v = NULL;
	struct snd_buf b;
	char ebuf[128];
	ck_assert_int_eq(snd_json_parse(json, strlen(json), 1 << 20, 32, &v, ebuf, sizeof ebuf),
	                 SND_OK);
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_canon_json(v, &b), SND_OK);
	cJSON_Delete(v);
	return snd_buf_steal(&b, NULL);
}

static char *canon_double(uint64_t bits)
{
	double d;
	cJSON *v;
	struct snd_buf b;
	memcpy(&d, &bits, sizeof d);
	v = cJSON_CreateNumber(d);
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_canon_json(v, &b), SND_OK);
	cJSON_Delete(v);
	return snd_buf_steal(&b, NULL);
}

/* RFC 8785 Appendix B, and sample lines of the es6testfile. */
START_TEST(test_canon_numbers_follow_es6)
{
	static const struct {
		uint64_t bits;
		const char *want;
	} t[] = {
		{0x0000000000000000ull, "0"},
		{0x8000000000000000ull, "0"},
		{0x0000000000000001ull, "5e-324"},
		{0x8000000000000001ull, "-5e-324"},
		{0x7fefffffffffffffull, "1.7976931348623157e+308"},
		{0xffefffffffffffffull, "-1.7976931348623157e+308"},
		{0x4340000000000000ull, "9007199254740992"},
		{0xc340000000000000ull, "-9007199254740992"},
		{0x4340000000000001ull, "9007199254740994"},
		{0x4340000000000002ull, "9007199254740996"},
		{0x4430000000000000ull, "295147905179352830000"},
		{0x44b52d02c7e14af5ull, "9.999999999999997e+22"},
		{0x44b52d02c7e14af6ull, "1e+23"},
		{0x44b52d02c7e14af7ull, "1.0000000000000001e+23"},
		{0x444b1ae4d6e2ef4eull, "999999999999999700000"},
		{0x444b1ae4d6e2ef4full, "999999999999999900000"},
		{0x444b1ae4d6e2ef50ull, "1e+21"},
		{0x3eb0c6f7a0b5ed8cull, "9.999999999999997e-7"},
		{0x3eb0c6f7a0b5ed8dull, "0.000001"},
		{0x41b3de4355555553ull, "333333333.3333332"},
		{0x41b3de4355555554ull, "333333333.33333325"},
		{0x41b3de4355555555ull, "333333333.3333333"},
		{0x41b3de4355555556ull, "333333333.3333334"},
		{0x41b3de4355555557ull, "333333333.33333343"},
		{0xbecbf647612f3696ull, "-0.0000033333333333333333"},
		{0x43143ff3c1cb0959ull, "1424953923781206.2"},
	};
	size_t i;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *s = canon_double(t[i].bits);
		ck_assert_msg(strcmp(s, t[i].want) == 0, "%016llx: got %s, want %s",
		              (unsigned long long)t[i].bits, s, t[i].want);
		free(s);
	}
}
END_TEST

START_TEST(test_canon_number_text_forms)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{"[1e+21, 1e21, 1E21]", "[1e+21,1e+21,1e+21]"},
		{"[1e20, 123e18]", "[100000000000000000000,123000000000000000000]"},
		{"[1e-7, 1e-6, 0.0000012]", "[1e-7,0.000001,0.0000012]"},
		{"[-0, -0.0, 0e10]", "[0,0,0]"},
		{"[4.50, 2e-3, 1E30, 0.000000000000000000000000001]", "[4.5,0.002,1e+30,1e-27]"},
		{"[333333333.33333329]", "[333333333.3333333]"},
		{"[1.5e300, -1.25e-300, 12345678901234567890]",
		 "[1.5e+300,-1.25e-300,12345678901234567000]"},
		{"[0.1, 0.2, 100, -3]", "[0.1,0.2,100,-3]"},
	};
	size_t i;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *s = canon_text(t[i].in);
		ck_assert_msg(strcmp(s, t[i].want) == 0, "%s: got %s", t[i].in, s);
		free(s);
	}
}
END_TEST

START_TEST(test_canon_rejects_nan_and_infinity)
{
	cJSON *v = cJSON_CreateArray();
	struct snd_buf b;
	cJSON_AddItemToArray(v, cJSON_CreateNumber(NAN));
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_canon_json(v, &b), SND_EINVAL);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(INFINITY);
	snd_buf_reset(&b);
	ck_assert_int_eq(snd_canon_json(v, &b), SND_EINVAL);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(-INFINITY);
	ck_assert_int_eq(snd_canon_json(v, &b), SND_EINVAL);
	cJSON_Delete(v);
	/* 1e999 reads as infinity */
	v = NULL;
	ck_assert_int_eq(snd_json_parse("1e999", 5, 100, 4, &v, NULL, 0), SND_OK);
	ck_assert_int_eq(snd_canon_json(v, &b), SND_EINVAL);
	cJSON_Delete(v);
	snd_buf_free(&b);
}
END_TEST

/* RFC 8785 section 3.2.2 example (strings, literals, numbers). */
START_TEST(test_canon_rfc_example_values)
{
	char *s = canon_text(
		"{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
		"  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
		"  \"literals\": [null, true, false]\n}");
	ck_assert_str_eq(s, "{\"literals\":[null,true,false],"
	                    "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
	                    "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	free(s);
}
END_TEST

/* RFC 8785 section 3.2.3: sorting by UTF-16 code units. */
START_TEST(test_canon_sorts_by_utf16_code_units)
{
	char *s = canon_text(
		"{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", "
		"\"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\", "
		"\"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\", "
		"\"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}");
	ck_assert_str_eq(s, "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
	                    "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
	                    "\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
	                    "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
	free(s);
	/* prefixes sort first; nested objects are sorted too */
	s = canon_text("{\"ab\":{\"z\":1,\"a\":[{\"y\":2,\"x\":1}]},\"a\":0,\"\":1}");
	ck_assert_str_eq(s, "{\"\":1,\"a\":0,\"ab\":{\"a\":[{\"x\":1,\"y\":2}],\"z\":1}}");
	free(s);
}
END_TEST

START_TEST(test_canon_escapes_minimally)
{
	char *s = canon_text("[\"\\u0001\\b\\f\\t\\u001f\\u007f\\u2028</\\/>\"]");
	ck_assert_str_eq(s, "[\"\\u0001\\b\\f\\t\\u001f\x7f\xe2\x80\xa8<//>\"]");
	free(s);
}
END_TEST

START_TEST(test_canon_refuses_repeated_member_names)
{
	cJSON *o = cJSON_CreateObject();
	struct snd_buf b;
	cJSON_AddNumberToObject(o, "a", 1);
	cJSON_AddNumberToObject(o, "a", 2);
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_canon_json(o, &b), SND_EINVAL);
	snd_buf_free(&b);
	cJSON_Delete(o);
}
END_TEST

START_TEST(test_sha256_hex_matches_known_digest)
{
	char hex[65];
	snd_sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	snd_sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(test_answers_hash_is_sha256_of_canonical_text)
{
	const char *a = "{ \"b\": [2, 1.0], \"a\": \"x\" }";
	const char *b = "{\"a\":\"x\",\"b\":[2,1]}";
	cJSON *va = NULL, *vb = NULL;
	struct snd_buf canon;
	char ha[65], hb[65], want[65];
	ck_assert_int_eq(snd_json_parse(a, strlen(a), 1000, 8, &va, NULL, 0), SND_OK);
	ck_assert_int_eq(snd_json_parse(b, strlen(b), 1000, 8, &vb, NULL, 0), SND_OK);
	snd_buf_init(&canon, 0);
	ck_assert_int_eq(snd_answers_hash(va, &canon, ha), SND_OK);
	ck_assert_str_eq(canon.data, b);
	ck_assert_int_eq(snd_answers_hash(vb, NULL, hb), SND_OK);
	ck_assert_str_eq(ha, hb);
	snd_sha256_hex(b, strlen(b), want);
	ck_assert_str_eq(ha, want);
	snd_buf_free(&canon);
	cJSON_Delete(va);
	cJSON_Delete(vb);
}
END_TEST


/* Whole numbers below 2^53 take a fast path (no snprintf/strtod); its text
 * must be what the general shortest-digits path writes, which is what
 * ECMAScript prints.  Around the edge, 2^53 and above go the general way. */
START_TEST(test_canon_integers_print_as_plain_decimals)
{
	static const struct {
		double v;
		const char *want;
	} t[] = {
		{1, "1"}, {-1, "-1"}, {7, "7"}, {10, "10"}, {100, "100"}, {-250, "-250"},
		{123456789, "123456789"}, {1e15, "1000000000000000"},
		{9007199254740991.0, "9007199254740991"}, {-9007199254740991.0, "-9007199254740991"},
		{9007199254740992.0, "9007199254740992"}, {1e20, "100000000000000000000"},
		{1e21, "1e+21"}, {1152921504606846976.0, "1152921504606847000"},
		{0.5, "0.5"}, {-2.5, "-2.5"}, {4503599627370495.5, "4503599627370495.5"},
	};
	size_t i;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint64_t bits;
		char *s;
		memcpy(&bits, &t[i].v, sizeof bits);
		s = canon_double(bits);
		ck_assert_msg(strcmp(s, t[i].want) == 0, "%.17g: got %s, want %s", t[i].v, s, t[i].want);
		free(s);
	}
}
END_TEST

/* Every length that pads differently (0..200 covers 55/56/63/64 and the
 * two-block tails), fed whole and in uneven pieces, against libsodium. */
START_TEST(test_sha256_matches_libsodium_at_every_length)
{
	static uint8_t data[4200];
	size_t n, i;
	ck_assert_int_ge(sodium_init(), 0);
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 131 + (i >> 7));
	for (n = 0; n <= sizeof data; n = n < 200 ? n + 1 : n * 2 + 7) {
		uint8_t want[32], got[32];
		char wanthex[65], hex[65];
		struct snd_sha256 c;
		size_t off = 0, step = 1;
		if (n > sizeof data)
			break;
		crypto_hash_sha256(want, data, n);
		sodium_bin2hex(wanthex, sizeof wanthex, want, sizeof want);
		snd_sha256_hex(data, n, hex);
		ck_assert_msg(strcmp(hex, wanthex) == 0, "length %zu, whole", n);
		snd_sha256_init(&c);
		while (off < n) {
			size_t k = step < n - off ? step : n - off;
			snd_sha256_update(&c, data + off, k);
			off += k;
			step = step * 3 % 97 + 1;
		}
		snd_sha256_final(&c, got);
		ck_assert_msg(memcmp(got, want, 32) == 0, "length %zu, in pieces", n);
	}
}
END_TEST

/* snd_sha256_pair against libsodium for every pair of lengths that pad
 * differently, the two streams ending in either order and together. */
START_TEST(test_sha256_pair_matches_libsodium_for_every_pair_of_lengths)
{
	static uint8_t data[1200];
	static const size_t len[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 640, 901, 1100};
	size_t i, j, n = sizeof len / sizeof len[0];
	ck_assert_int_ge(sodium_init(), 0);
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 37 + (i >> 5));
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			uint8_t wa[32], wb[32], ga[32], gb[32];
			crypto_hash_sha256(wa, data, len[i]);
			crypto_hash_sha256(wb, data + 77, len[j]);
			snd_sha256_pair(data, len[i], data + 77, len[j], ga, gb);
			ck_assert_msg(memcmp(ga, wa, 32) == 0, "lengths %zu, %zu: the first", len[i], len[j]);
			ck_assert_msg(memcmp(gb, wb, 32) == 0, "lengths %zu, %zu: the second", len[i], len[j]);
		}
	}
}
END_TEST

/* snd_sha256_many: every length that pads differently in every lane, lanes
 * refilled as their messages end (more jobs than lanes), and a handful of
 * jobs (the pairwise path). */
START_TEST(test_sha256_many_matches_libsodium_in_every_lane)
{
	static uint8_t data[1300], got[300][32];
	static struct snd_sha256_job jobs[300];
	size_t i, n;
	ck_assert_int_ge(sodium_init(), 0);
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 53 + (i >> 6));
	for (n = 0; n <= 300; n = n < 20 ? n + 1 : n + 70) {
		for (i = 0; i < n; i++) {
			/* lengths 0..200 and long ones, starting anywhere */
			jobs[i].n = i % 3 == 2 ? 900 + i % 101 : (i * 7) % 201;
			jobs[i].p = data + (i * 13) % 300;
			jobs[i].out = got[i];
		}
		snd_sha256_many(jobs, n);
		for (i = 0; i < n; i++) {
			uint8_t want[32];
			crypto_hash_sha256(want, jobs[i].p, jobs[i].n);
			ck_assert_msg(memcmp(got[i], want, 32) == 0, "%zu jobs: job %zu (length %zu)", n, i,
			              jobs[i].n);
		}
	}
}
END_TEST

/* snd_hex_parse (hashes, links and salts as stored): exactly 2n lowercase
 * hex digits, every byte value both ways, anything else refused. */
START_TEST(test_hex_parse_is_strict_lowercase)
{
	/* 64 zeros, then each spoilt: short, a non-digit, uppercase, long */
	static const struct {
		size_t at;
		char c;
	} bad[] = {{0, 0}, {1, 0}, {62, 0}, {63, 'g'}, {63, 'A'}, {64, ' '}, {64, '0'}};
	uint8_t in[32], out[32];
	char hex[65];
	for (int b = 0; b < 256; b += 32) {
		for (int i = 0; i < 32; i++)
			in[i] = (uint8_t)(b + i);
		snd_hex32(in, hex);
		ck_assert_int_eq(snd_hex_parse(hex, out, 32), 0);
		ck_assert(memcmp(in, out, 32) == 0);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char t[66];
		memset(t, '0', 64);
		t[64] = t[65] = '\0';
		t[bad[i].at] = bad[i].c;
		ck_assert_msg(snd_hex_parse(t, out, 32) == -1, "accepted \"%s\"", t);
	}
	ck_assert_int_eq(snd_hex_parse(NULL, out, 32), -1);
	ck_assert_int_eq(snd_hex_parse("0f", out, 1), 0);
	ck_assert_int_eq(out[0], 0x0f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("canon");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;
	tcase_add_test(tc, test_canon_numbers_follow_es6);
	tcase_add_test(tc, test_canon_number_text_forms);
	tcase_add_test(tc, test_canon_rejects_nan_and_infinity);
	tcase_add_test(tc, test_canon_rfc_example_values);
	tcase_add_test(tc, test_canon_sorts_by_utf16_code_units);
	tcase_add_test(tc, test_canon_escapes_minimally);
	tcase_add_test(tc, test_canon_refuses_repeated_member_names);
	tcase_add_test(tc, test_sha256_hex_matches_known_digest);
	tcase_add_test(tc, test_canon_integers_print_as_plain_decimals);
	tcase_add_test(tc, test_sha256_matches_libsodium_at_every_length);
	tcase_add_test(tc, test_sha256_pair_matches_libsodium_for_every_pair_of_lengths);
	tcase_add_test(tc, test_sha256_many_matches_libsodium_in_every_lane);
	tcase_add_test(tc, test_hex_parse_is_strict_lowercase);
	tcase_add_test(tc, test_answers_hash_is_sha256_of_canonical_text);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
