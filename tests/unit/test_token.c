/* test_token.c - the token modules (core/encoding.c,
 * keys.c, paseto.c, claims.c) and the key/token commands of the collector:
 * base64url, RFC 3339, PASERK, PASETO v4.public (the official test vectors,
 * through the library and through `collector token verify`), claims, and
 * `collector keygen` / `collector issue` end to end.
 *
 * Environment: SND_COLLECTOR (the collector binary), SND_TEST_DATA
 * (tests/data, holding paseto/v4-public.json and paseto/k4-pid.json).
 */
#include "sounding.h"
#include "json_int.h"

#include <check.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */

static char tmpdir[256];

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	snprintf(tmpdir, sizeof tmpdir, "/tmp/snd-test-token-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

static const char *path_in(const char *name)
{
	static char buf[32][512];
	static int k;
	k = (k + 1) % 32; /* a few live at once in an args array */
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
	return buf[k];
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

static char *read_text(const char *path)
{
	char *p = NULL;
	size_t n;
	ck_assert_int_eq(snd_read_file(path, 1 << 24, &p, &n), SND_OK);
	return p;
}

static cJSON *load_vectors(const char *name)
{
	char path[1024], *text;
	const char *dir = getenv("SND_TEST_DATA");
	cJSON *j;
	ck_assert_msg(dir != NULL, "SND_TEST_DATA is not set");
	snprintf(path, sizeof path, "%s/paseto/%s", dir, name);
	text = read_text(path);
	j = cJSON_Parse(text);
	free(text);
	ck_assert_ptr_nonnull(j);
	return j;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void hex(const char *h, uint8_t *out, size_t n)
{
	size_t got = 0;
	ck_assert_int_eq(sodium_hex2bin(out, n, h, strlen(h), NULL, &got, NULL), 0);
	ck_assert_uint_eq(got, n);
}

/* When set, the collector's stdin comes from this file. */
static const char *stdin_path;

/* Runs the collector with args (NULL-terminated), stdout and stderr into
 * malloc'ed strings; returns the exit status. */
static int run_collector(const char *const *args, char **out, char **err)
{
	const char *bin = getenv("SND_COLLECTOR");
	const char *argv[32];
	char opath[600], epath[600];
	int fo, fe, status = -1, i;
	pid_t pid;
	ck_assert_msg(bin != NULL, "SND_COLLECTOR is not set");
	argv[0] = bin;
	for (i = 0; args[i] != NULL; i++) {
		ck_assert_int_lt(i, 30);
		argv[i + 1] = args[i];
	}
	argv[i + 1] = NULL;
	snprintf(opath, sizeof opath, "%s/.stdout", tmpdir);
	snprintf(epath, sizeof epath, "%s/.stderr", tmpdir);
	fo = open(opath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(fo >= 0 && fe >= 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
		dup2(null, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fo);
	close(fe);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	*out = read_text(opath);
	*err = read_text(epath);
	ck_assert_msg(WIFEXITED(status), "collector crashed: %s", *err);
	return WEXITSTATUS(status);
}

/* ------------------------------------------------------------ base64url */

START_TEST(test_b64url_roundtrips_every_length)
{
	uint8_t in[40], *dec = NULL;
	size_t n, len;
	for (n = 0; n < sizeof in; n++) {
		char *enc;
		randombytes_buf(in, n);
		enc = snd_b64url_encode(in, n);
		ck_assert_ptr_nonnull(enc);
		ck_assert_ptr_null(strpbrk(enc, "+/="));
		ck_assert_int_eq(snd_b64url_decode(enc, strlen(enc), &dec, &len), SND_OK);
		ck_assert_uint_eq(len, n);
		ck_assert_int_eq(memcmp(dec, in, n), 0);
		free(dec);
		free(enc);
	}
}
END_TEST

START_TEST(test_b64url_rejects_padding_whitespace_and_noncanonical_bits)
{
	static const char *const bad[] = {
		"Zg==",   /* padding */
		"Zg=",    /* padding */
		"Zh",     /* "f" with non-zero trailing bits (canonical: "Zg") */
		"Zm9",    /* trailing bits again (canonical "Zm8") */
		"Z",      /* 1 mod 4 can never be canonical */
		"Zm 9v",  /* whitespace */
		"Zm9v\n", /* newline */
		"+/8",    /* standard alphabet, not URL-safe */
		"Zm9v.",  /* separator */
	};
	uint8_t *dec = NULL;
	size_t i, len;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(snd_b64url_decode(bad[i], strlen(bad[i]), &dec, &len) == SND_EINVAL,
		              "accepted %s", bad[i]);
	ck_assert_int_eq(snd_b64url_decode("Zm9v\0Zm9v", 9, &dec, &len), SND_EINVAL);
	/* Regression (fuzz_token): libsodium 1.0.18 reads some bytes >= 0x80 as
	 * '_' or '-'; every non-alphabet byte must be refused. */
	{
		char hi[] = "Zm9vYmF_";
		int c;
		for (c = 0x80; c <= 0xff; c++) {
			hi[7] = (char)c;
			ck_assert_msg(snd_b64url_decode(hi, 8, &dec, &len) == SND_EINVAL,
			              "accepted byte 0x%02x", c);
		}
	}
	ck_assert_int_eq(snd_b64url_decode("Zg", 2, &dec, &len), SND_OK);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(dec[0], 'f');
	free(dec);
	ck_assert_int_eq(snd_b64url_decode("_-8", 3, &dec, &len), SND_OK);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(dec[0], 0xff);
	ck_assert_int_eq(dec[1], 0xef);
	free(dec);
}
END_TEST

/* ------------------------------------------------------------ RFC 3339 */

START_TEST(test_time_parse_accepts_utc_offsets_and_fractions)
{
	int64_t t = 0;
	ck_assert_int_eq(snd_time_parse("1970-01-01T00:00:00Z", &t), SND_OK);
	ck_assert_int_eq(t, 0);
	ck_assert_int_eq(snd_time_parse("2026-01-26T08:00:00Z", &t), SND_OK);
	ck_assert_int_eq(t, 1769414400);
	ck_assert_int_eq(snd_time_parse("2026-01-26T10:00:00+02:00", &t), SND_OK);
	ck_assert_int_eq(t, 1769414400);
	ck_assert_int_eq(snd_time_parse("2026-01-26T02:30:00-05:30", &t), SND_OK);
	ck_assert_int_eq(t, 1769414400);
	ck_assert_int_eq(snd_time_parse("2026-01-26t08:00:00.999999999z", &t), SND_OK);
	ck_assert_int_eq(t, 1769414400);
	ck_assert_int_eq(snd_time_parse("2022-01-01T00:00:00+00:00", &t), SND_OK);
	ck_assert_int_eq(t, 1640995200);
	ck_assert_int_eq(snd_time_parse("2022-01-01T00:00:00-00:00", &t), SND_OK);
	ck_assert_int_eq(t, 1640995200);
	ck_assert_int_eq(snd_time_parse("1969-12-31T23:59:59Z", &t), SND_OK);
	ck_assert_int_eq(t, -1);
	/* leap days */
	ck_assert_int_eq(snd_time_parse("2000-02-29T00:00:00Z", &t), SND_OK);
	ck_assert_int_eq(t, 951782400);
	ck_assert_int_eq(snd_time_parse("2024-02-29T12:00:00Z", &t), SND_OK);
	ck_assert_int_eq(t, 1709208000);
	ck_assert_int_eq(snd_time_parse("9999-12-31T23:59:59Z", &t), SND_OK);
	ck_assert_int_eq(t, 253402300799);
}
END_TEST

START_TEST(test_time_parse_rejects_out_of_range_and_malformed)
{
	static const char *const bad[] = {
		"2026-02-29T00:00:00Z", /* not a leap year */
		"1900-02-29T00:00:00Z", /* century, not leap */
		"2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
		"2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z", "2026-01-01T24:00:00Z",
		"2026-01-01T23:60:00Z", "2026-01-01T23:59:60Z", "2026-01-01T00:00:00+24:00",
		"2026-01-01T00:00:00+01:60", "2026-01-01T00:00:00",   /* no offset */
		"2026-01-01T00:00:00+0100", "2026-01-01 00:00:00Z",    /* space */
		"2026-1-01T00:00:00Z", "2026-01-01T00:00:00.Z",        /* empty fraction */
		"2026-01-01T00:00:00Zjunk", "+2026-01-01T00:00:00Z", "", "2026-01-01",
		"2026-01-01T00:00:00Z ", "２０２６-01-01T00:00:00Z",
		"2026-01-01T00:00:00.0000000000000000000000000000000000000000000000000000Z",
	};
	size_t i;
	int64_t t = 42;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(snd_time_parse(bad[i], &t) == SND_EINVAL, "accepted '%s'", bad[i]);
	ck_assert_int_eq(t, 42); /* untouched on failure */
	ck_assert_int_eq(snd_time_parse(NULL, &t), SND_EINVAL);
}
END_TEST

START_TEST(test_time_format_roundtrips_and_clamps)
{
	static const int64_t ts[] = {0, -1, 951782400, 1709208000, 1769414400, 4102444799,
	                             -2208988800, 253402300799};
	char out[21];
	size_t i;
	for (i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		int64_t back = 0;
		snd_time_format(ts[i], out);
		ck_assert_uint_eq(strlen(out), 20);
		ck_assert_int_eq(snd_time_parse(out, &back), SND_OK);
		ck_assert_int_eq(back, ts[i]);
	}
	snd_time_format(951782400, out);
	ck_assert_str_eq(out, "2000-02-29T00:00:00Z");
	snd_time_format(-1, out);
	ck_assert_str_eq(out, "1969-12-31T23:59:59Z");
	snd_time_format(INT64_MAX, out);
	ck_assert_str_eq(out, "9999-12-31T23:59:59Z");
	snd_time_format(INT64_MIN, out);
	ck_assert_str_eq(out, "0000-01-01T00:00:00Z");
}
END_TEST

/* ------------------------------------------------------------ PASERK */

START_TEST(test_paserk_roundtrips_public_and_secret)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64];
	char pub[SND_PASERK_PUBLIC_LEN + 1], sec[SND_PASERK_SECRET_LEN + 1], hexs[65], padded[80];
	ck_assert_int_eq(snd_keypair(pk, sk), SND_OK);
	snd_paserk_public(pk, pub);
	snd_paserk_secret(sk, sec);
	ck_assert_uint_eq(strlen(pub), SND_PASERK_PUBLIC_LEN);
	ck_assert_uint_eq(strlen(sec), SND_PASERK_SECRET_LEN);
	ck_assert_int_eq(strncmp(pub, "k4.public.", 10), 0);
	ck_assert_int_eq(strncmp(sec, "k4.secret.", 10), 0);
	ck_assert_int_eq(snd_paserk_parse_public(pub, pk2), SND_OK);
	ck_assert_int_eq(memcmp(pk, pk2, 32), 0);
	ck_assert_int_eq(snd_paserk_parse_secret(sec, sk2), SND_OK);
	ck_assert_int_eq(memcmp(sk, sk2, 64), 0);
	/* hex, and surrounding whitespace */
	sodium_bin2hex(hexs, sizeof hexs, pk, 32);
	memset(pk2, 0, 32);
	ck_assert_int_eq(snd_paserk_parse_public(hexs, pk2), SND_OK);
	ck_assert_int_eq(memcmp(pk, pk2, 32), 0);
	snprintf(padded, sizeof padded, "  %s\n", pub);
	ck_assert_int_eq(snd_paserk_parse_public(padded, pk2), SND_OK);
}
END_TEST

START_TEST(test_paserk_rejects_wrong_type_version_and_mismatched_halves)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64], other_pk[32], other_sk[64];
	char pub[SND_PASERK_PUBLIC_LEN + 1], sec[SND_PASERK_SECRET_LEN + 1], buf[128];
	ck_assert_int_eq(snd_keypair(pk, sk), SND_OK);
	ck_assert_int_eq(snd_keypair(other_pk, other_sk), SND_OK);
	snd_paserk_public(pk, pub);
	snd_paserk_secret(sk, sec);
	ck_assert_int_eq(snd_paserk_parse_public(sec, pk2), SND_EINVAL);
	ck_assert_int_eq(snd_paserk_parse_secret(pub, sk2), SND_EINVAL);
	memcpy(buf, pub, sizeof pub);
	buf[1] = '3'; /* k3.public */
	ck_assert_int_eq(snd_paserk_parse_public(buf, pk2), SND_EINVAL);
	memcpy(buf, pub, sizeof pub);
	buf[SND_PASERK_PUBLIC_LEN - 1] = '\0'; /* truncated */
	ck_assert_int_eq(snd_paserk_parse_public(buf, pk2), SND_EINVAL);
	ck_assert_int_eq(snd_paserk_parse_public("0123456789abcdef0123456789abcdef0123456789abcdef"
	                                         "0123456789abcdeg", pk2), SND_EINVAL);
	/* a secret key whose public half belongs to another key */
	memcpy(sk + 32, other_pk, 32);
	snd_paserk_secret(sk, sec);
	ck_assert_int_eq(snd_paserk_parse_secret(sec, sk2), SND_EINVAL);
}
END_TEST

START_TEST(test_paserk_pid_matches_official_vectors)
{
	cJSON *doc = load_vectors("k4-pid.json"), *t;
	int n = 0;
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "tests"))
	{
		uint8_t pk[32];
		char pid[SND_PASERK_PID_LEN + 1];
		hex(jstr(t, "key"), pk, 32);
		snd_paserk_pid(pk, pid);
		ck_assert_str_eq(pid, jstr(t, "paserk"));
		n++;
	}
	ck_assert_int_eq(n, 3);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_key_load_public_from_string_hex_and_file)
{
	uint8_t pk[32], sk[64], pk2[32];
	char pub[SND_PASERK_PUBLIC_LEN + 1], hexs[65], err[256], line[128];
	ck_assert_int_eq(snd_keypair(pk, sk), SND_OK);
	snd_paserk_public(pk, pub);
	sodium_bin2hex(hexs, sizeof hexs, pk, 32);
	ck_assert_int_eq(snd_key_load_public(pub, pk2, err, sizeof err), SND_OK);
	ck_assert_int_eq(snd_key_load_public(hexs, pk2, err, sizeof err), SND_OK);
	snprintf(line, sizeof line, "%s\n", pub);
	write_text(path_in("k.public"), line);
	memset(pk2, 0, 32);
	ck_assert_int_eq(snd_key_load_public(path_in("k.public"), pk2, err, sizeof err), SND_OK);
	ck_assert_int_eq(memcmp(pk, pk2, 32), 0);
	snprintf(line, sizeof line, "%s\n", hexs);
	write_text(path_in("k.hex"), line);
	ck_assert_int_eq(snd_key_load_public(path_in("k.hex"), pk2, err, sizeof err), SND_OK);
}
END_TEST

START_TEST(test_key_load_names_the_file_and_the_problem)
{
	uint8_t pk[32], sk[64];
	char sec[SND_PASERK_SECRET_LEN + 1], pub[SND_PASERK_PUBLIC_LEN + 1], err[256];
	ck_assert_int_eq(snd_keypair(pk, sk), SND_OK);
	snd_paserk_secret(sk, sec);
	snd_paserk_public(pk, pub);
	ck_assert_int_eq(snd_key_load_public(path_in("missing"), pk, err, sizeof err), SND_EIO);
	ck_assert_ptr_nonnull(strstr(err, "missing"));
	ck_assert_ptr_nonnull(strstr(err, "cannot read"));
	write_text(path_in("s"), sec);
	ck_assert_int_eq(snd_key_load_public(path_in("s"), pk, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, path_in("s")));
	ck_assert_ptr_nonnull(strstr(err, "k4.secret"));
	write_text(path_in("p"), pub);
	ck_assert_int_eq(snd_key_load_secret(path_in("p"), sk, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "k4.public"));
	write_text(path_in("junk"), "hello\n");
	ck_assert_int_eq(snd_key_load_secret(path_in("junk"), sk, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "junk"));
	ck_assert_int_eq(snd_key_load_secret(path_in("s"), sk, err, sizeof err), SND_OK);
}
END_TEST

/* ------------------------------------------------------------ PASETO vectors */

START_TEST(test_paseto_official_vectors_through_library)
{
	cJSON *doc = load_vectors("v4-public.json"), *t;
	const char *spk = NULL;
	int ok = 0, failed = 0;
	/* failure vectors without a public key are checked with the 4-S key */
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "tests"))
		if (spk == NULL && jstr(t, "public-key"))
			spk = jstr(t, "public-key");
	ck_assert_ptr_nonnull(spk);
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "tests"))
	{
		uint8_t pk[32];
		const char *tok = jstr(t, "token"), *ia = jstr(t, "implicit-assertion");
		char *payload = NULL, *footer = NULL, why[256];
		size_t plen = 0;
		enum snd_err e;
		hex(jstr(t, "public-key") ? jstr(t, "public-key") : spk, pk, 32);
		e = snd_paseto_verify_why(pk, tok, strlen(tok), ia, &payload, &plen, &footer, why,
		                          sizeof why);
		if (cJSON_IsTrue(cJSON_GetObjectItem(t, "expect-fail"))) {
			ck_assert_msg(e != SND_OK, "%s verified", jstr(t, "name"));
			ck_assert_msg(why[0] != '\0', "%s: no reason", jstr(t, "name"));
			failed++;
		} else {
			ck_assert_msg(e == SND_OK, "%s: %s", jstr(t, "name"), why);
			ck_assert_str_eq(payload, jstr(t, "payload"));
			ck_assert_uint_eq(plen, strlen(jstr(t, "payload")));
			ck_assert_str_eq(footer, jstr(t, "footer"));
			free(payload);
			free(footer);
			ok++;
		}
	}
	ck_assert_int_eq(ok, 3);
	ck_assert_int_eq(failed, 4);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_paseto_sign_reproduces_official_vectors)
{
	cJSON *doc = load_vectors("v4-public.json"), *t;
	int n = 0;
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "tests"))
	{
		uint8_t sk[64];
		char *tok = NULL;
		const char *f = jstr(t, "footer"), *ia = jstr(t, "implicit-assertion");
		if (cJSON_IsTrue(cJSON_GetObjectItem(t, "expect-fail")))
			continue;
		hex(jstr(t, "secret-key"), sk, 64);
		ck_assert_int_eq(snd_paseto_sign(sk, jstr(t, "payload"), strlen(jstr(t, "payload")),
		                                 f, ia, &tok), SND_OK);
		ck_assert_str_eq(tok, jstr(t, "token")); /* Ed25519 is deterministic */
		free(tok);
		n++;
	}
	ck_assert_int_eq(n, 3);
	cJSON_Delete(doc);
}
END_TEST

START_TEST(test_paseto_official_vectors_through_collector_token_verify)
{
	cJSON *doc = load_vectors("v4-public.json"), *t;
	const char *spk = "1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2";
	int n = 0;
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(doc, "tests"))
	{
		const char *pk = jstr(t, "public-key") ? jstr(t, "public-key") : spk;
		const char *ia = jstr(t, "implicit-assertion");
		const char *args[8] = {"token", "verify", "--pub", pk, NULL, NULL, NULL, NULL};
		char *out, *err;
		int rc, k = 4;
		if (ia && *ia) {
			args[k++] = "--implicit";
			args[k++] = ia;
		}
		args[k] = jstr(t, "token");
		rc = run_collector(args, &out, &err);
		if (cJSON_IsTrue(cJSON_GetObjectItem(t, "expect-fail"))) {
			ck_assert_msg(rc == 1, "%s: exit %d", jstr(t, "name"), rc);
			ck_assert_str_eq(out, "");
			ck_assert_msg(strncmp(err, "collector: ", 11) == 0 && strlen(err) > 20,
			              "%s: no reason: %s", jstr(t, "name"), err);
		} else {
			cJSON *o = cJSON_Parse(out), *want = cJSON_Parse(jstr(t, "payload"));
			ck_assert_msg(rc == 0, "%s: exit %d: %s", jstr(t, "name"), rc, err);
			ck_assert_ptr_nonnull(o);
			ck_assert(cJSON_Compare(cJSON_GetObjectItem(o, "payload"), want, 1));
			ck_assert_str_eq(jstr(o, "footer"), jstr(t, "footer"));
			cJSON_Delete(o);
			cJSON_Delete(want);
		}
		free(out);
		free(err);
		n++;
	}
	ck_assert_int_eq(n, 7);
	cJSON_Delete(doc);
}
END_TEST

/* ------------------------------------------------------------ PASETO: own cases */

struct signed_tok {
	uint8_t pk[32], sk[64];
	char *tok;
};

static void make_token(struct signed_tok *s, const char *payload, const char *footer,
                       const char *implicit)
{
	ck_assert_int_eq(snd_keypair(s->pk, s->sk), SND_OK);
	ck_assert_int_eq(snd_paseto_sign(s->sk, payload, strlen(payload), footer, implicit,
	                                 &s->tok), SND_OK);
}

static enum snd_err verify_str(const uint8_t pk[32], const char *tok, const char *implicit,
                               char *why, size_t whylen)
{
	char *p = NULL, *f = NULL;
	size_t plen;
	enum snd_err e = snd_paseto_verify_why(pk, tok, strlen(tok), implicit, &p, &plen, &f, why,
	                                       whylen);
	free(p);
	free(f);
	return e;
}

START_TEST(test_paseto_roundtrips_payload_footer_and_implicit)
{
	struct signed_tok s;
	char *p = NULL, *f = NULL;
	size_t plen = 0;
	make_token(&s, "{\"a\":1}", "{\"kid\":\"x\"}", "bound-to-this");
	ck_assert_int_eq(strncmp(s.tok, "v4.public.", 10), 0);
	ck_assert_int_eq(snd_paseto_verify(s.pk, s.tok, strlen(s.tok), "bound-to-this", &p, &plen,
	                                   &f), SND_OK);
	ck_assert_str_eq(p, "{\"a\":1}");
	ck_assert_uint_eq(plen, 7);
	ck_assert_str_eq(f, "{\"kid\":\"x\"}");
	free(p);
	free(f);
	free(s.tok);
	/* no footer: no trailing part, and an empty footer comes back */
	make_token(&s, "x", NULL, NULL);
	ck_assert_ptr_null(strchr(s.tok + 10, '.'));
	ck_assert_int_eq(snd_paseto_verify(s.pk, s.tok, strlen(s.tok), NULL, NULL, NULL, &f),
	                 SND_OK);
	ck_assert_str_eq(f, "");
	free(f);
	free(s.tok);
}
END_TEST

START_TEST(test_paseto_rejects_tampered_payload)
{
	struct signed_tok s;
	char why[256], *body;
	uint8_t *dec;
	size_t n;
	char *enc, tampered[1024];
	make_token(&s, "{\"sub\":\"alice\"}", "{\"kid\":\"k\"}", NULL);
	/* re-encode the body with one payload byte changed */
	body = s.tok + 10;
	n = (size_t)(strchr(body, '.') - body);
	ck_assert_int_eq(snd_b64url_decode(body, n, &dec, &n), SND_OK);
	dec[9] = 'b'; /* alice -> blice */
	enc = snd_b64url_encode(dec, n);
	snprintf(tampered, sizeof tampered, "v4.public.%s%s", enc, strchr(body, '.'));
	ck_assert_int_eq(verify_str(s.pk, tampered, NULL, why, sizeof why), SND_ESIG);
	ck_assert_ptr_nonnull(strstr(why, "signature"));
	free(enc);
	free(dec);
	free(s.tok);
}
END_TEST

START_TEST(test_paseto_rejects_tampered_footer)
{
	struct signed_tok s;
	char why[256], tampered[1024], *enc;
	make_token(&s, "{}", "{\"kid\":\"k1\"}", NULL);
	enc = snd_b64url_encode((const uint8_t *)"{\"kid\":\"k2\"}", 12);
	snprintf(tampered, sizeof tampered, "%.*s.%s",
	         (int)(strrchr(s.tok, '.') - s.tok), s.tok, enc);
	ck_assert_int_eq(verify_str(s.pk, tampered, NULL, why, sizeof why), SND_ESIG);
	/* dropping the footer breaks the signature as well */
	*strrchr(s.tok, '.') = '\0';
	ck_assert_int_eq(verify_str(s.pk, s.tok, NULL, why, sizeof why), SND_ESIG);
	free(enc);
	free(s.tok);
}
END_TEST

START_TEST(test_paseto_rejects_wrong_key)
{
	struct signed_tok s;
	uint8_t pk2[32], sk2[64];
	char why[256];
	make_token(&s, "{}", NULL, NULL);
	ck_assert_int_eq(snd_keypair(pk2, sk2), SND_OK);
	ck_assert_int_eq(verify_str(pk2, s.tok, NULL, why, sizeof why), SND_ESIG);
	free(s.tok);
}
END_TEST

START_TEST(test_paseto_rejects_truncated_tokens)
{
	struct signed_tok s;
	char why[256];
	size_t n, len;
	make_token(&s, "{\"x\":1}", NULL, NULL);
	len = strlen(s.tok);
	for (n = 0; n < len; n++) {
		char *cut = strndup(s.tok, n);
		ck_assert_msg(verify_str(s.pk, cut, NULL, why, sizeof why) != SND_OK,
		              "accepted a %zu-byte prefix", n);
		ck_assert(why[0] != '\0');
		free(cut);
	}
	free(s.tok);
}
END_TEST

START_TEST(test_paseto_rejects_wrong_version_or_purpose)
{
	struct signed_tok s;
	char why[256], other[1024];
	static const char *const hdr[] = {"v3.public.", "v4.local.", "v2.public.", "V4.public.",
	                                  "v4.secret."};
	size_t i;
	make_token(&s, "{}", NULL, NULL);
	for (i = 0; i < sizeof hdr / sizeof hdr[0]; i++) {
		snprintf(other, sizeof other, "%s%s", hdr[i], s.tok + 10);
		ck_assert_int_eq(verify_str(s.pk, other, NULL, why, sizeof why), SND_ETOKEN);
	}
	snprintf(other, sizeof other, "v4.local.%s", s.tok + 10);
	ck_assert_int_eq(verify_str(s.pk, other, NULL, why, sizeof why), SND_ETOKEN);
	ck_assert_ptr_nonnull(strstr(why, "v4.local."));
	free(s.tok);
}
END_TEST

START_TEST(test_paseto_rejects_bad_base64)
{
	struct signed_tok s;
	char why[256], bad[1024];
	size_t blen;
	make_token(&s, "{}", "f", NULL);
	blen = (size_t)(strrchr(s.tok, '.') - s.tok);
	/* a character outside the URL-safe alphabet in the body */
	snprintf(bad, sizeof bad, "%s", s.tok);
	bad[12] = '+';
	ck_assert_int_eq(verify_str(s.pk, bad, NULL, why, sizeof why), SND_ETOKEN);
	ck_assert_ptr_nonnull(strstr(why, "base64url"));
	/* padding */
	snprintf(bad, sizeof bad, "%.*s==%s", (int)blen, s.tok, s.tok + blen);
	ck_assert_int_eq(verify_str(s.pk, bad, NULL, why, sizeof why), SND_ETOKEN);
	/* footer not base64url */
	snprintf(bad, sizeof bad, "%.*s.Z*", (int)blen, s.tok);
	ck_assert_int_eq(verify_str(s.pk, bad, NULL, why, sizeof why), SND_ETOKEN);
	ck_assert_ptr_nonnull(strstr(why, "footer"));
	/* extra part, empty footer part, NUL inside */
	snprintf(bad, sizeof bad, "%s.Zg", s.tok);
	ck_assert_int_eq(verify_str(s.pk, bad, NULL, why, sizeof why), SND_ETOKEN);
	snprintf(bad, sizeof bad, "%.*s.", (int)blen, s.tok);
	ck_assert_int_eq(verify_str(s.pk, bad, NULL, why, sizeof why), SND_ETOKEN);
	ck_assert_int_eq(snd_paseto_verify(s.pk, s.tok, strlen(s.tok) + 1, NULL, NULL, NULL, NULL),
	                 SND_ETOKEN);
	free(s.tok);
}
END_TEST

START_TEST(test_paseto_rejects_wrong_implicit_assertion)
{
	struct signed_tok s;
	char why[256];
	make_token(&s, "{}", NULL, "questionnaire=a");
	ck_assert_int_eq(verify_str(s.pk, s.tok, "questionnaire=b", why, sizeof why), SND_ESIG);
	ck_assert_int_eq(verify_str(s.pk, s.tok, NULL, why, sizeof why), SND_ESIG);
	ck_assert_int_eq(verify_str(s.pk, s.tok, "questionnaire=a", why, sizeof why), SND_OK);
	free(s.tok);
}
END_TEST

START_TEST(test_paseto_rejects_oversized_tokens)
{
	uint8_t pk[32], sk[64];
	char *big = malloc(SND_TOKEN_MAX_LEN + 2), *tok = NULL;
	ck_assert_int_eq(snd_keypair(pk, sk), SND_OK);
	memset(big, 'A', SND_TOKEN_MAX_LEN + 1);
	memcpy(big, "v4.public.", 10);
	big[SND_TOKEN_MAX_LEN + 1] = '\0';
	ck_assert_int_eq(snd_paseto_verify(pk, big, strlen(big), NULL, NULL, NULL, NULL),
	                 SND_ETOOBIG);
	/* and sign will not make one */
	memset(big, 'x', SND_TOKEN_MAX_LEN);
	big[SND_TOKEN_MAX_LEN] = '\0';
	ck_assert_int_eq(snd_paseto_sign(sk, big, strlen(big), NULL, NULL, &tok), SND_ETOOBIG);
	free(big);
}
END_TEST

/* ------------------------------------------------------------ claims */

static const char good_claims[] =
	"{\"aud\":\"lsg-review\",\"sub\":\"d-17\",\"jti\":\"abc\",\"role\":\"chair\","
	"\"ent\":\"France\",\"attrs\":{\"region\":\"EUR\",\"sg\":\"SG2\"},"
	"\"iat\":\"2026-01-20T00:00:00Z\",\"nbf\":\"2026-01-20T00:00:00Z\","
	"\"exp\":\"2026-03-08T18:00:00+01:00\",\"iss\":\"ignored\"}";

START_TEST(test_claims_parse_reads_every_claim)
{
	struct snd_claims c;
	char err[256];
	ck_assert_int_eq(snd_claims_parse(good_claims, strlen(good_claims), &c, err, sizeof err),
	                 SND_OK);
	ck_assert_str_eq(c.aud, "lsg-review");
	ck_assert_str_eq(c.sub, "d-17");
	ck_assert_str_eq(c.jti, "abc");
	ck_assert_str_eq(c.ent, "France");
	ck_assert_int_eq(c.role, SND_ROLE_CHAIR);
	ck_assert_uint_eq(c.nattrs, 2);
	ck_assert_str_eq(c.attrs[0].key, "region"); /* payload order */
	ck_assert_str_eq(snd_claims_attr(&c, "sg"), "SG2");
	ck_assert_ptr_null(snd_claims_attr(&c, "hod"));
	ck_assert_int_eq(c.iat, 1768867200);
	ck_assert(c.has_nbf && c.has_exp);
	ck_assert_int_eq(c.exp, 1772989200);
	snd_claims_free(&c);
	snd_claims_free(NULL);
}
END_TEST

START_TEST(test_claims_json_roundtrips)
{
	struct snd_claims c, d;
	char err[256], *j;
	ck_assert_int_eq(snd_claims_parse(good_claims, strlen(good_claims), &c, err, sizeof err),
	                 SND_OK);
	j = snd_claims_json(&c);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(snd_claims_parse(j, strlen(j), &d, err, sizeof err), SND_OK);
	ck_assert_str_eq(d.aud, c.aud);
	ck_assert_str_eq(d.sub, c.sub);
	ck_assert_int_eq(d.role, c.role);
	ck_assert_uint_eq(d.nattrs, 2);
	ck_assert_int_eq(d.exp, c.exp);
	ck_assert_int_eq(d.nbf, c.nbf);
	ck_assert_int_eq(d.iat, c.iat);
	ck_assert_ptr_nonnull(strstr(j, "\"exp\":\"2026-03-08T17:00:00Z\""));
	free(j);
	snd_claims_free(&c);
	snd_claims_free(&d);
}
END_TEST

START_TEST(test_claims_reject_wrong_types_naming_the_claim)
{
	static const struct {
		const char *json, *needle;
	} bad[] = {
		{"{\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\"}", "\"aud\""},
		{"{\"aud\":\"a\",\"sub\":5,\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\"}", "\"sub\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":null,\"role\":\"delegate\",\"ent\":\"e\"}", "\"jti\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"admin\",\"ent\":\"e\"}", "\"role\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":[]}", "\"ent\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"\"}", "\"ent\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\","
		 "\"attrs\":[\"x\"]}", "\"attrs\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\","
		 "\"attrs\":{\"hod\":true}}", "attrs.hod"},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\","
		 "\"exp\":1700000000}", "\"exp\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\","
		 "\"nbf\":\"2026-02-30T00:00:00Z\"}", "\"nbf\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\","
		 "\"iat\":\"yesterday\"}", "\"iat\""},
		{"{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\","
		 "\"ent\":\"France\\nBrazil\"}", "control characters"},
		{"{\"aud\":\"a\",\"sub\":\"s\\u0007\",\"jti\":\"j\",\"role\":\"delegate\","
		 "\"ent\":\"e\"}", "\"sub\""},
		{"[1,2]", "object"},
		{"{\"aud\":", "JSON"},
	};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct snd_claims c;
		char err[256] = "";
		ck_assert_msg(snd_claims_parse(bad[i].json, strlen(bad[i].json), &c, err, sizeof err) !=
		                  SND_OK, "accepted %s", bad[i].json);
		ck_assert_msg(strstr(err, bad[i].needle) != NULL, "%s: '%s' lacks %s", bad[i].json,
		              err, bad[i].needle);
	}
}
END_TEST

START_TEST(test_claims_cap_attrs_and_string_sizes)
{
	struct snd_buf b;
	struct snd_claims c;
	char err[256];
	int i;
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, "{\"aud\":\"a\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\","
	                 "\"attrs\":{");
	for (i = 0; i <= SND_CLAIMS_MAX_ATTRS; i++)
		snd_buf_printf(&b, "%s\"k%d\":\"v\"", i ? "," : "", i);
	snd_buf_puts(&b, "}}");
	ck_assert_int_eq(snd_claims_parse(b.data, b.len, &c, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "attrs"));
	snd_buf_reset(&b);
	snd_buf_puts(&b, "{\"aud\":\"a\",\"sub\":\"");
	for (i = 0; i <= SND_CLAIM_MAX_LEN; i++)
		snd_buf_putc(&b, 's');
	snd_buf_puts(&b, "\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"e\"}");
	ck_assert_int_eq(snd_claims_parse(b.data, b.len, &c, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "\"sub\""));
	snd_buf_free(&b);
}
END_TEST


/* The table-driven decoder against libsodium's (with the alphabet check
 * the library always did first): the same verdict and bytes for every
 * string of up to 3 characters over a mixed alphabet, and for random
 * longer ones. */
static int b64_reference(const char *s, size_t n, uint8_t *out, size_t max, size_t *got)
{
	size_t i;
	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return -1;
	}
	return sodium_base642bin(out, max, s, n, NULL, got, NULL,
	                         sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

START_TEST(test_b64url_decode_agrees_with_libsodium)
{
	static const char alpha[] = "AQgw_-09zZ+/=. \x80\xff";
	const size_t na = sizeof alpha - 1;
	char s[64];
	size_t n, i, k, trials = 0;
	uint32_t x = 12345;
	for (n = 0; n <= 40; n++) {
		size_t combos = n <= 3 ? 1 : 3000;
		if (n <= 3)
			for (k = 0; k < n; k++)
				combos *= na;
		for (i = 0; i < combos; i++, trials++) {
			uint8_t want[64], *got = NULL;
			size_t wlen = 0, glen = 0, c = i;
			int r1;
			enum snd_err r2;
			for (k = 0; k < n; k++) {
				if (n <= 3) {
					s[k] = alpha[c % na];
					c /= na;
				} else {
					x = x * 1103515245u + 12345u;
					/* mostly valid characters, so the tail rules get exercised */
					s[k] = (x >> 16) % 8 ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[(x >> 8) % 64]
					                     : alpha[(x >> 8) % na];
				}
			}
			r1 = b64_reference(s, n, want, sizeof want, &wlen);
			r2 = snd_b64url_decode(s, n, &got, &glen);
			ck_assert_msg((r1 == 0) == (r2 == SND_OK), "verdicts differ on \"%.*s\"", (int)n, s);
			if (r2 == SND_OK) {
				ck_assert_uint_eq(wlen, glen);
				ck_assert(memcmp(want, got, glen) == 0);
				ck_assert_int_eq(got[glen], 0);
			}
			free(got);
		}
	}
	ck_assert_uint_gt(trials, 4000);
}
END_TEST

/* snd_claims_parse reads plain payloads without cJSON; whatever it is
 * given, it must answer exactly as the general path does (same code, same
 * message, same claims). */
static void claims_agree(const char *p)
{
	struct snd_claims a, b;
	char ea[256], eb[256];
	enum snd_err ra, rb;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	ra = snd_claims_parse(p, strlen(p), &a, ea, sizeof ea);
	rb = snd_claims_parse_general(p, strlen(p), &b, eb, sizeof eb);
	ck_assert_msg(ra == rb, "codes differ on %s", p);
	if (ra == SND_OK) {
		char *ja = snd_claims_json(&a), *jb = snd_claims_json(&b);
		size_t i;
		ck_assert_str_eq(ja, jb);
		ck_assert_int_eq(a.iat, b.iat);
		ck_assert_int_eq(a.has_nbf, b.has_nbf);
		ck_assert_int_eq(a.has_exp, b.has_exp);
		ck_assert_uint_eq(a.nattrs, b.nattrs);
		for (i = 0; i < a.nattrs; i++) {
			ck_assert_str_eq(a.attrs[i].key, b.attrs[i].key);
			ck_assert_str_eq(a.attrs[i].value, b.attrs[i].value);
		}
		free(ja);
		free(jb);
		snd_claims_free(&a);
		snd_claims_free(&b);
	} else {
		ck_assert_str_eq(ea, eb);
	}
}

START_TEST(test_claims_fast_path_agrees_with_the_general_one)
{
	static const char *const t[] = {
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"E\"}",
		"{\"aud\":\"q\",\"sub\":\"s\\u00e9\\ud83d\\ude00\",\"jti\":\"j\",\"role\":\"delegate\",\"ent\":\"A \\\"B\\\" \\u003c\\/C\"}",
		" {\"aud\" : \"q\" ,\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\",\"attrs\":{}}\n",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\",\"attrs\":{\"a\":\"1\",\"a\":\"2\"}}",
		"{\"aud\":\"q\",\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"}",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\",\"attrs\":{\"a\":1}}",
		"{\"aud\":\"q\",\"sub\":\"\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"}",
		"{\"aud\":\"q\",\"sub\":\"a\\u0001\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"}",
		"{\"aud\":\"q\",\"sub\":\"a\\u0000\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"}",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"Chair\",\"ent\":\"E\"}",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\",\"exp\":\"2026-02-30T00:00:00Z\"}",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\",\"exp\":5}",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\",\"x\":[1,2.5e3,-0,{\"y\":null}],\"z\":true}",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\",\"x\":01}",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"} x",
		"{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\",}",
		"{\"aud\":\"q\",\"sub\":\"\\ud800\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"}",
		"{\"aud\":\"q\",\"sub\":\"s\xc3\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"}",
		"{\"aud\":\"q\",\"sub\":\"s\xed\xa0\x80\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"}",
		"\xef\xbb\xbf{\"aud\":\"q\",\"sub\":\"s\",\"jti\":\"j\",\"role\":\"chair\",\"ent\":\"E\"}",
		"[]", "", "{", "\"s\"", "{\"aud\":\"q\"}",
	};
	size_t i;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		claims_agree(t[i]);
	claims_agree(good_claims);
}
END_TEST

/* The table encoder against libsodium's, at every length to 200. */
START_TEST(test_b64url_encode_agrees_with_libsodium)
{
	uint8_t data[200];
	char want[300];
	size_t n, i;
	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 97 + 13);
	for (n = 0; n <= sizeof data; n++) {
		char *got = snd_b64url_encode(data, n);
		sodium_bin2base64(want, sizeof want, data, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, want);
		free(got);
	}
}
END_TEST

START_TEST(test_claims_check_time_allows_60s_skew)
{
	struct snd_claims c;
	memset(&c, 0, sizeof c);
	c.has_nbf = c.has_exp = 1;
	c.nbf = 1000;
	c.exp = 2000;
	ck_assert_int_eq(snd_claims_check_time(&c, 1500), SND_OK);
	ck_assert_int_eq(snd_claims_check_time(&c, 2059), SND_OK);
	ck_assert_int_eq(snd_claims_check_time(&c, 2060), SND_EEXPIRED);
	ck_assert_int_eq(snd_claims_check_time(&c, 940), SND_OK);
	ck_assert_int_eq(snd_claims_check_time(&c, 939), SND_ENOTYET);
	c.has_nbf = c.has_exp = 0;
	ck_assert_int_eq(snd_claims_check_time(&c, 0), SND_OK);
}
END_TEST

/* ------------------------------------------------------------ keygen */

START_TEST(test_keygen_writes_four_parseable_keys_secret_ones_0600)
{
	const char *args[] = {"keygen", "--out", path_in("keys"), NULL};
	static const char *const names[4] = {"issuer.secret", "issuer.public", "receipt.secret",
	                                     "receipt.public"};
	char *out, *err, p[600];
	uint8_t pk[32], sk[64], pk2[32];
	struct stat st;
	int i;
	ck_assert_int_eq(run_collector(args, &out, &err), 0);
	free(out);
	free(err);
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/keys/%s", tmpdir, names[i]);
		ck_assert_int_eq(stat(p, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, i % 2 == 0 ? 0600 : 0644);
	}
	snprintf(p, sizeof p, "%s/keys/issuer.secret", tmpdir);
	ck_assert_int_eq(snd_key_load_secret(p, sk, p, sizeof p), SND_OK);
	snprintf(p, sizeof p, "%s/keys/issuer.public", tmpdir);
	ck_assert_int_eq(snd_key_load_public(p, pk, p, sizeof p), SND_OK);
	crypto_sign_ed25519_sk_to_pk(pk2, sk);
	ck_assert_int_eq(memcmp(pk, pk2, 32), 0);
	/* the two pairs differ */
	snprintf(p, sizeof p, "%s/keys/receipt.public", tmpdir);
	ck_assert_int_eq(snd_key_load_public(p, pk2, p, sizeof p), SND_OK);
	ck_assert_int_ne(memcmp(pk, pk2, 32), 0);
}
END_TEST

START_TEST(test_keygen_refuses_if_any_key_exists_and_writes_none)
{
	const char *args[] = {"keygen", "--out", path_in("keys"), NULL};
	char *out, *err, p[600];
	ck_assert_int_eq(mkdir(path_in("keys"), 0700), 0);
	snprintf(p, sizeof p, "%s/keys/receipt.public", tmpdir);
	write_text(p, "precious\n");
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_ptr_nonnull(strstr(err, "receipt.public"));
	ck_assert_ptr_nonnull(strstr(err, "refusing"));
	free(out);
	free(err);
	snprintf(p, sizeof p, "%s/keys/issuer.secret", tmpdir);
	ck_assert_int_ne(access(p, F_OK), 0);
	snprintf(p, sizeof p, "%s/keys/issuer.public", tmpdir);
	ck_assert_int_ne(access(p, F_OK), 0);
	snprintf(p, sizeof p, "%s/keys/receipt.secret", tmpdir);
	ck_assert_int_ne(access(p, F_OK), 0);
	snprintf(p, sizeof p, "%s/keys/receipt.public", tmpdir);
	out = read_text(p);
	ck_assert_str_eq(out, "precious\n");
	free(out);
}
END_TEST

START_TEST(test_commands_help_exits_0_and_usage_errors_exit_2)
{
	static const char *const h1[] = {"keygen", "--help", NULL};
	static const char *const h2[] = {"issue", "--help", NULL};
	static const char *const h3[] = {"token", "verify", "--help", NULL};
	static const char *const u1[] = {"keygen", NULL};
	static const char *const u2[] = {"issue", "--key", "x", NULL};
	static const char *const u3[] = {"token", "verify", "TOKEN", NULL};
	static const char *const u4[] = {"token", "check", NULL};
	static const char *const u5[] = {"keygen", "--out", "a", "--bogus", NULL};
	const char *const *help[] = {h1, h2, h3}, *const *usage[] = {u1, u2, u3, u4, u5};
	char *out, *err;
	size_t i;
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(run_collector((const char **)help[i], &out, &err), 0);
		ck_assert_ptr_nonnull(strstr(out, "usage: collector"));
		free(out);
		free(err);
	}
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(run_collector((const char **)usage[i], &out, &err), 2);
		ck_assert_ptr_nonnull(strstr(err, "collector "));
		ck_assert_ptr_nonnull(strstr(err, "\ntry 'collector "));
		ck_assert_str_eq(out, "");
		free(out);
		free(err);
	}
}
END_TEST

/* ------------------------------------------------------------ token verify CLI */

START_TEST(test_token_verify_reports_why_and_accepts_key_files)
{
	struct signed_tok s;
	char pub[SND_PASERK_PUBLIC_LEN + 1], line[80], *out, *err, saved;
	const char *args[] = {"token", "verify", "--pub", path_in("k.public"), NULL, NULL};
	make_token(&s, "{\"aud\":\"q\"}", "{\"kid\":\"k\"}", NULL);
	snd_paserk_public(s.pk, pub);
	snprintf(line, sizeof line, "%s\n", pub);
	write_text(path_in("k.public"), line);
	args[4] = s.tok;
	ck_assert_int_eq(run_collector(args, &out, &err), 0);
	ck_assert_str_eq(out, "{\"payload\":{\"aud\":\"q\"},\"footer\":\"{\\\"kid\\\":\\\"k\\\"}\"}\n");
	free(out);
	free(err);
	/* a tampered token: exit 1, reason on stderr, nothing on stdout */
	saved = s.tok[15];
	s.tok[15] = s.tok[15] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(strstr(err, "does not verify"));
	free(out);
	free(err);
	/* TOKEN '-' reads it from stdin, surrounding newline and all */
	s.tok[15] = saved;
	{
		char *withnl = malloc(strlen(s.tok) + 2);
		snprintf(withnl, strlen(s.tok) + 2, "%s\n", s.tok);
		write_text(path_in("tok.txt"), withnl);
		free(withnl);
	}
	stdin_path = path_in("tok.txt");
	args[4] = "-";
	ck_assert_int_eq(run_collector(args, &out, &err), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"payload\":{\"aud\":\"q\"}"));
	stdin_path = NULL;
	free(out);
	free(err);
	/* a missing key file is named */
	args[3] = path_in("nope.public");
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_ptr_nonnull(strstr(err, "nope.public"));
	free(out);
	free(err);
	free(s.tok);
}
END_TEST

/* ------------------------------------------------------------ issue */

static const char form_json[] =
	"{\"id\":\"t-form\",\"languages\":[\"en\"],\"title\":\"Test\","
	"\"closes\":\"2090-02-06T18:00:00Z\",\"sections\":[{\"id\":\"s1\",\"title\":\"S\","
	"\"questions\":[{\"id\":\"q1\",\"type\":\"text\",\"text\":\"Why?\"}]}]}";

static void make_keys(void)
{
	const char *args[] = {"keygen", "--out", path_in("keys"), NULL};
	char *out, *err;
	ck_assert_int_eq(run_collector(args, &out, &err), 0);
	free(out);
	free(err);
	write_text(path_in("form.json"), form_json);
}

START_TEST(test_issue_reports_every_bad_row_and_writes_nothing)
{
	char key[600], *out, *err;
	const char *args[] = {"issue", "--key", key, "--form", path_in("form.json"),
	                      "--delegates", path_in("list.csv"), NULL};
	make_keys();
	snprintf(key, sizeof key, "%s/keys/issuer.secret", tmpdir);
	write_text(path_in("list.csv"),
	           "id,entity,region\n"   /* 1 */
	           "d1,France,EUR\n"      /* 2 */
	           ",Kenya,AFR\n"         /* 3: missing id */
	           "d1,Spain,EUR\n"       /* 4: duplicate of line 2 */
	           "d4,,AMS\n"            /* 5: missing entity */
	           "d5,Chile\n"           /* 6: wrong column count */
	           "\"d6\",\"Peru\",\"AMS\"\n" /* 7: fine */
	           "d1,Mali,AFR\n");      /* 8: duplicate again */
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "list.csv:3: missing id") != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "list.csv:4: duplicate id 'd1' (first on line 2)"));
	ck_assert_ptr_nonnull(strstr(err, "list.csv:5: missing entity"));
	ck_assert_ptr_nonnull(strstr(err, "list.csv:6: expected 3 fields"));
	ck_assert_ptr_nonnull(strstr(err, "list.csv:8: duplicate id 'd1'"));
	ck_assert_ptr_null(strstr(err, "list.csv:7"));
	ck_assert_ptr_null(strstr(err, "list.csv:2"));
	free(out);
	free(err);
	/* a header without the required columns */
	write_text(path_in("list.csv"), "name,country\nx,y\n");
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(strstr(err, "list.csv:1: no 'id' column"));
	ck_assert_ptr_nonnull(strstr(err, "list.csv:1: no 'entity' column"));
	free(out);
	free(err);
	/* CSV syntax errors carry the line */
	write_text(path_in("list.csv"), "id,entity\nd1,France\nd2,\"Ken\"ya\n");
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(strstr(err, "list.csv:3: "));
	free(out);
	free(err);
}
END_TEST

START_TEST(test_issue_output_verifies_and_carries_the_right_claims)
{
	char key[600], pubpath[600], errbuf[256], *out, *err;
	const char *args[] = {"issue", "--key", key, "--form", path_in("form.json"),
	                      "--delegates", path_in("list.csv"),
	                      "--base-url", "https://vote.example.org/", NULL};
	struct snd_csv csv;
	uint8_t pk[32];
	char kid[SND_PASERK_PID_LEN + 1], want_footer[128];
	int64_t before = (int64_t)time(NULL), closes = 0;
	size_t r, line;
	int ti, li, rc;
	make_keys();
	snprintf(key, sizeof key, "%s/keys/issuer.secret", tmpdir);
	snprintf(pubpath, sizeof pubpath, "%s/keys/issuer.public", tmpdir);
	write_text(path_in("list.csv"),
	           "\xEF\xBB\xBFid,entity,category,sg,region,hod\r\n"
	           "d1,France,administration,SG2,EUR,yes\r\n"
	           "d2,\"Acme, Inc.\",sector member,SG3,AMS,\r\n");
	rc = run_collector(args, &out, &err);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_int_eq(snd_csv_parse(out, strlen(out), &csv, &line, errbuf, sizeof errbuf), SND_OK);
	ck_assert_uint_eq(csv.nrows, 3);
	ck_assert_uint_eq(csv.rows[0].nfields, 9);
	ti = snd_csv_column(&csv, "token");
	li = snd_csv_column(&csv, "link");
	ck_assert_int_eq(snd_csv_column(&csv, "jti"), 6); /* the input columns, then jti */
	ck_assert_int_eq(ti, 7);
	ck_assert_int_eq(li, 8);
	ck_assert_int_eq(snd_csv_column(&csv, "id"), 0);
	ck_assert_int_eq(snd_key_load_public(pubpath, pk, errbuf, sizeof errbuf), SND_OK);
	snd_paserk_pid(pk, kid);
	snprintf(want_footer, sizeof want_footer, "{\"kid\":\"%s\"}", kid);
	ck_assert_int_eq(snd_time_parse("2090-02-06T18:00:00Z", &closes), SND_OK);
	for (r = 1; r < 3; r++) {
		const char *tok = csv.rows[r].fields[ti];
		char *payload = NULL, *footer = NULL, link[4096];
		size_t plen;
		struct snd_claims c;
		ck_assert_int_eq(snd_paseto_verify(pk, tok, strlen(tok), NULL, &payload, &plen,
		                                   &footer), SND_OK);
		ck_assert_str_eq(footer, want_footer);
		ck_assert_int_eq(snd_claims_parse(payload, plen, &c, errbuf, sizeof errbuf), SND_OK);
		ck_assert_str_eq(c.aud, "t-form");
		ck_assert_str_eq(c.sub, csv.rows[r].fields[0]);
		ck_assert_str_eq(c.ent, csv.rows[r].fields[1]);
		ck_assert_int_eq(c.role, SND_ROLE_DELEGATE);
		ck_assert_uint_eq(c.nattrs, 4);
		ck_assert_str_eq(snd_claims_attr(&c, "category"), csv.rows[r].fields[2]);
		ck_assert_str_eq(snd_claims_attr(&c, "sg"), csv.rows[r].fields[3]);
		ck_assert_str_eq(snd_claims_attr(&c, "region"), csv.rows[r].fields[4]);
		ck_assert_str_eq(snd_claims_attr(&c, "hod"), csv.rows[r].fields[5]);
		ck_assert_ptr_null(snd_claims_attr(&c, "id"));
		ck_assert(c.has_nbf && c.has_exp);
		ck_assert_int_ge(c.iat, before);
		ck_assert_int_le(c.iat, (int64_t)time(NULL));
		ck_assert_int_eq(c.nbf, c.iat);
		ck_assert_int_eq(c.exp, closes + 30 * 86400);
		ck_assert_uint_ge(strlen(c.jti), 22);
		ck_assert_str_eq(csv.rows[r].fields[6], c.jti); /* revoke --jti takes it */
		snprintf(link, sizeof link, "https://vote.example.org/t/%s", tok);
		ck_assert_str_eq(csv.rows[r].fields[li], link);
		snd_claims_free(&c);
		free(payload);
		free(footer);
	}
	ck_assert_str_eq(csv.rows[2].fields[1], "Acme, Inc.");
	ck_assert_str_ne(csv.rows[1].fields[ti], csv.rows[2].fields[ti]);
	snd_csv_free(&csv);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_issue_honours_role_and_expires)
{
	char key[600], errbuf[256], *out, *err;
	const char *args[] = {"issue", "--key", key, "--form", path_in("form.json"),
	                      "--delegates", path_in("list.csv"), "--role", "chair",
	                      "--expires", "2091-01-01T00:00:00+01:00", NULL};
	struct snd_csv csv;
	struct snd_claims c;
	char *payload = NULL;
	size_t plen, line;
	uint8_t pk[32];
	int rc;
	make_keys();
	snprintf(key, sizeof key, "%s/keys/issuer.secret", tmpdir);
	write_text(path_in("list.csv"), "entity,id\nITU,chair1\n");
	rc = run_collector(args, &out, &err);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_int_eq(snd_csv_parse(out, strlen(out), &csv, &line, errbuf, sizeof errbuf), SND_OK);
	snprintf(key, sizeof key, "%s/keys/issuer.public", tmpdir);
	ck_assert_int_eq(snd_key_load_public(key, pk, errbuf, sizeof errbuf), SND_OK);
	ck_assert_int_eq(snd_csv_column(&csv, "token"), 3);
	ck_assert_int_eq(snd_paseto_verify(pk, csv.rows[1].fields[3], strlen(csv.rows[1].fields[3]),
	                                   NULL, &payload, &plen, NULL), SND_OK);
	ck_assert_int_eq(snd_claims_parse(payload, plen, &c, errbuf, sizeof errbuf), SND_OK);
	ck_assert_int_eq(c.role, SND_ROLE_CHAIR);
	ck_assert_str_eq(c.sub, "chair1");
	ck_assert_uint_eq(c.nattrs, 0);
	ck_assert_int_eq(c.exp, 3818444400);
	ck_assert_ptr_nonnull(strstr(csv.rows[1].fields[4], "http://127.0.0.1:8080/t/v4.public."));
	ck_assert_str_eq(csv.rows[1].fields[2], c.jti);
	snd_claims_free(&c);
	free(payload);
	snd_csv_free(&csv);
	free(out);
	free(err);
	/* a bad --expires is a usage error, and so is a past one, named */
	args[10] = "next tuesday";
	ck_assert_int_eq(run_collector(args, &out, &err), 2);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	args[10] = "2001-01-01T00:00:00Z";
	ck_assert_int_eq(run_collector(args, &out, &err), 2);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "--expires '2001-01-01T00:00:00Z': that time has passed") != NULL,
	              "%s", err);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_issue_out_writes_0600_and_never_overwrites)
{
	char key[600], *out, *err, *first;
	const char *args[] = {"issue", "--key", key, "--form", path_in("form.json"),
	                      "--delegates", path_in("list.csv"), "--out", path_in("links.csv"),
	                      NULL};
	struct stat st;
	int rc;
	make_keys();
	snprintf(key, sizeof key, "%s/keys/issuer.secret", tmpdir);
	write_text(path_in("list.csv"), "id,entity\nd1,France\nd2,Kenya\n");
	umask(022); /* the demo's umask: --out must not follow it */
	rc = run_collector(args, &out, &err);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_str_eq(out, ""); /* the links go to the file, not stdout */
	ck_assert_ptr_nonnull(strstr(err, "links.csv"));
	free(out);
	free(err);
	ck_assert_int_eq(stat(path_in("links.csv"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	first = read_text(path_in("links.csv"));
	ck_assert_int_eq(strncmp(first, "id,entity,jti,token,link\r\nd1,France,", 36), 0);
	/* a second run refuses, names the file, and leaves it as it was */
	rc = run_collector(args, &out, &err);
	ck_assert_int_eq(rc, 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "links.csv: the file exists; refusing to overwrite") != NULL,
	              "%s", err);
	free(out);
	free(err);
	out = read_text(path_in("links.csv"));
	ck_assert_str_eq(out, first);
	free(out);
	free(first);
	/* a bad list writes no file at all */
	args[8] = path_in("links2.csv");
	write_text(path_in("list.csv"), "id,entity\nd1,\n");
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_int_ne(access(path_in("links2.csv"), F_OK), 0);
	free(out);
	free(err);
	/* --out with no name is a usage error */
	args[8] = "";
	ck_assert_int_eq(run_collector(args, &out, &err), 2);
	free(out);
	free(err);
}
END_TEST

START_TEST(test_issue_reads_a_semicolon_export_and_keeps_email_and_lang_out_of_claims)
{
	char key[600], pubpath[600], errbuf[256], *out, *err, *payload = NULL;
	const char *args[] = {"issue", "--key", key, "--form", path_in("form2.json"),
	                      "--delegates", path_in("list.csv"), NULL};
	struct snd_csv csv;
	struct snd_claims c;
	uint8_t pk[32];
	size_t plen, line;
	int rc, ti;
	make_keys();
	write_text(path_in("form2.json"),
	           "{\"id\":\"t-form\",\"languages\":[\"en\",\"fr\"],\"title\":{\"en\":\"Test\","
	           "\"fr\":\"Essai\"},\"closes\":\"2090-02-06T18:00:00Z\",\"sections\":[{\"id\":\"s1\","
	           "\"title\":{\"en\":\"S\",\"fr\":\"S\"},\"questions\":[{\"id\":\"q1\",\"type\":"
	           "\"text\",\"text\":{\"en\":\"Why?\",\"fr\":\"Pourquoi ?\"}}]}]}");
	snprintf(key, sizeof key, "%s/keys/issuer.secret", tmpdir);
	/* as a spreadsheet in a French locale saves it: BOM, ';', CRLF */
	write_text(path_in("list.csv"),
	           "\xEF\xBB\xBFid;entity;email;lang;region\r\n"
	           "d1;\"R\xC3\xA9publique fran\xC3\xA7" "aise; Minist\xC3\xA8re\";h.dupont@example.fr;fr;EUR\r\n"
	           "d2;Kenya;;;AFR\r\n");
	rc = run_collector(args, &out, &err);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(err, "';'-separated"));
	ck_assert_int_eq(snd_csv_parse(out, strlen(out), &csv, &line, errbuf, sizeof errbuf), SND_OK);
	ck_assert_uint_eq(csv.rows[0].nfields, 8);
	ck_assert_str_eq(csv.rows[1].fields[1], "R\xC3\xA9publique fran\xC3\xA7" "aise; Minist\xC3\xA8re");
	ck_assert_str_eq(csv.rows[1].fields[snd_csv_column(&csv, "email")], "h.dupont@example.fr");
	ck_assert_str_eq(csv.rows[1].fields[snd_csv_column(&csv, "lang")], "fr");
	ti = snd_csv_column(&csv, "token");
	snprintf(pubpath, sizeof pubpath, "%s/keys/issuer.public", tmpdir);
	ck_assert_int_eq(snd_key_load_public(pubpath, pk, errbuf, sizeof errbuf), SND_OK);
	ck_assert_int_eq(snd_paseto_verify(pk, csv.rows[1].fields[ti], strlen(csv.rows[1].fields[ti]),
	                                   NULL, &payload, &plen, NULL), SND_OK);
	ck_assert_int_eq(snd_claims_parse(payload, plen, &c, errbuf, sizeof errbuf), SND_OK);
	ck_assert_uint_eq(c.nattrs, 1); /* region only: contact details are no claims */
	ck_assert_str_eq(snd_claims_attr(&c, "region"), "EUR");
	ck_assert_ptr_null(snd_claims_attr(&c, "email"));
	ck_assert_ptr_null(snd_claims_attr(&c, "lang"));
	ck_assert_ptr_null(strstr(payload, "example.fr"));
	snd_claims_free(&c);
	free(payload);
	snd_csv_free(&csv);
	free(out);
	free(err);
	/* a tab-separated list reads too */
	write_text(path_in("list.csv"), "id\tentity\tregion\nd1\tFrance, Republic of\tEUR\n");
	rc = run_collector(args, &out, &err);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_ptr_nonnull(strstr(out, "d1,\"France, Republic of\",EUR,"));
	free(out);
	free(err);
}
END_TEST

START_TEST(test_issue_reports_bad_email_and_lang_with_their_lines)
{
	char key[600], *out, *err;
	const char *args[] = {"issue", "--key", key, "--form", path_in("form.json"),
	                      "--delegates", path_in("list.csv"), NULL};
	make_keys();
	snprintf(key, sizeof key, "%s/keys/issuer.secret", tmpdir);
	write_text(path_in("list.csv"),
	           "id,entity,email,lang\n"                           /* 1 */
	           "d1,France,a@example.org,en\n"                     /* 2: fine */
	           "d2,Kenya,kenya.example.org,\n"                    /* 3: no @ */
	           "d3,Chile,\"c@example.org\nBcc: x@evil.org\",\n"   /* 4-5: a line break */
	           "d4,Peru,p@example.org,fr\n"                       /* 6: not a form language */
	           "d5,Mali,m@localhost,\n");                        /* 7: no dot in the domain */
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "list.csv:3: column 'email': expected one '@'") != NULL, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "list.csv:4: column 'email': the address holds a line break"));
	ck_assert_ptr_nonnull(strstr(err, "list.csv:6: column 'lang': 'fr' is not one of the form's "
	                                  "languages (en)"));
	ck_assert_ptr_nonnull(strstr(err, "list.csv:7: column 'email'"));
	ck_assert_ptr_null(strstr(err, "list.csv:2"));
	ck_assert_ptr_null(strstr(err, "evil"));
	free(out);
	free(err);
	/* jti is reserved: the output adds it */
	write_text(path_in("list.csv"), "id,entity,jti\nd1,France,x\n");
	ck_assert_int_eq(run_collector(args, &out, &err), 1);
	ck_assert_ptr_nonnull(strstr(err, "list.csv:1: column 'jti' is reserved"));
	free(out);
	free(err);
}
END_TEST

START_TEST(test_issue_help_documents_out_jti_contacts_and_separators)
{
	static const char *const args[] = {"issue", "--help", NULL};
	static const char *const says[] = {"--out FILE", "0600", "never replaced", "`jti`",
	                                   "`email` and `lang`", "not token claims", "';' or tabs",
	                                   "in the future"};
	char *out, *err;
	size_t i;
	ck_assert_int_eq(run_collector((const char **)args, &out, &err), 0);
	for (i = 0; i < sizeof says / sizeof says[0]; i++)
		ck_assert_msg(strstr(out, says[i]) != NULL, "--help does not say %s", says[i]);
	free(out);
	free(err);
}
END_TEST

/* ------------------------------------------------------------ suite */

static Suite *token_suite(void)
{
	Suite *s = suite_create("token");
	TCase *t;

	t = tcase_create("base64url and times");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_b64url_roundtrips_every_length);
	tcase_add_test(t, test_b64url_rejects_padding_whitespace_and_noncanonical_bits);
	tcase_add_test(t, test_time_parse_accepts_utc_offsets_and_fractions);
	tcase_add_test(t, test_time_parse_rejects_out_of_range_and_malformed);
	tcase_add_test(t, test_time_format_roundtrips_and_clamps);
	suite_add_tcase(s, t);

	t = tcase_create("keys");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_paserk_roundtrips_public_and_secret);
	tcase_add_test(t, test_paserk_rejects_wrong_type_version_and_mismatched_halves);
	tcase_add_test(t, test_paserk_pid_matches_official_vectors);
	tcase_add_test(t, test_key_load_public_from_string_hex_and_file);
	tcase_add_test(t, test_key_load_names_the_file_and_the_problem);
	suite_add_tcase(s, t);

	t = tcase_create("paseto");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_paseto_official_vectors_through_library);
	tcase_add_test(t, test_paseto_sign_reproduces_official_vectors);
	tcase_add_test(t, test_paseto_official_vectors_through_collector_token_verify);
	tcase_add_test(t, test_paseto_roundtrips_payload_footer_and_implicit);
	tcase_add_test(t, test_paseto_rejects_tampered_payload);
	tcase_add_test(t, test_paseto_rejects_tampered_footer);
	tcase_add_test(t, test_paseto_rejects_wrong_key);
	tcase_add_test(t, test_paseto_rejects_truncated_tokens);
	tcase_add_test(t, test_paseto_rejects_wrong_version_or_purpose);
	tcase_add_test(t, test_paseto_rejects_bad_base64);
	tcase_add_test(t, test_paseto_rejects_wrong_implicit_assertion);
	tcase_add_test(t, test_paseto_rejects_oversized_tokens);
	suite_add_tcase(s, t);

	t = tcase_create("claims");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_claims_parse_reads_every_claim);
	tcase_add_test(t, test_claims_json_roundtrips);
	tcase_add_test(t, test_claims_reject_wrong_types_naming_the_claim);
	tcase_add_test(t, test_claims_cap_attrs_and_string_sizes);
	tcase_add_test(t, test_claims_check_time_allows_60s_skew);
	tcase_add_test(t, test_claims_fast_path_agrees_with_the_general_one);
	tcase_add_test(t, test_b64url_decode_agrees_with_libsodium);
	tcase_add_test(t, test_b64url_encode_agrees_with_libsodium);
	suite_add_tcase(s, t);

	t = tcase_create("commands");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_keygen_writes_four_parseable_keys_secret_ones_0600);
	tcase_add_test(t, test_keygen_refuses_if_any_key_exists_and_writes_none);
	tcase_add_test(t, test_commands_help_exits_0_and_usage_errors_exit_2);
	tcase_add_test(t, test_token_verify_reports_why_and_accepts_key_files);
	tcase_add_test(t, test_issue_reports_every_bad_row_and_writes_nothing);
	tcase_add_test(t, test_issue_output_verifies_and_carries_the_right_claims);
	tcase_add_test(t, test_issue_honours_role_and_expires);
	tcase_add_test(t, test_issue_out_writes_0600_and_never_overwrites);
	tcase_add_test(t, test_issue_reads_a_semicolon_export_and_keeps_email_and_lang_out_of_claims);
	tcase_add_test(t, test_issue_reports_bad_email_and_lang_with_their_lines);
	tcase_add_test(t, test_issue_help_documents_out_jti_contacts_and_separators);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(token_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
