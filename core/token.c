/* token.c - base64url, RFC 3339 times, PASERK keys, PASETO v4.public and the
 * claim set of interface.md.
 *
 * Owns: every encoding that a delegate token or key passes through.  Nothing
 * here keeps state between calls; every function is thread-safe once
 * sodium_init() has run (snd_keypair runs it itself).
 *
 * Invariants:
 *   1. Decoders are strict: base64url without padding, whitespace or
 *      non-zero trailing bits; RFC 3339 with every field range-checked; a
 *      token or key is accepted only in its one canonical spelling.
 *   2. Untrusted input meets its cap first: tokens SND_TOKEN_MAX_LEN bytes,
 *      time strings 64, key files 4 KiB, claim strings SND_CLAIM_MAX_LEN,
 *      attrs SND_CLAIMS_MAX_ATTRS entries.
 *   3. Every copy of secret key material (decoded PASERK bytes, key file
 *      text, derived key pairs) is wiped with sodium_memzero before it is
 *      freed or goes out of scope.
 *   4. PASETO v4.public signs PAE("v4.public.", m, f, i) exactly as the
 *      PASETO specification says (LE64 counts with the top bit cleared).
 */
#include "json_int.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define V4_HEADER "v4.public."
#define V4_HEADER_LEN (sizeof V4_HEADER - 1)
#define SIG_BYTES crypto_sign_BYTES
#define KEY_FILE_MAX 4096
#define TIME_MAX_LEN 64

const char *const snd_role_names[SND_ROLE__MAX] = {"delegate", "chair"};

/* ------------------------------------------------------------ base64url */

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Characters of base64url without padding for n bytes. */
static size_t b64_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

/* Writes b64_len(n) characters and a NUL.  By table, so not constant
 * time: for public bytes only (tokens, signatures); keys go through
 * libsodium's constant-time encoder. */
static void b64_encode_into(char *out, const uint8_t *p, size_t n)
{
	size_t i;
	for (i = 0; i + 3 <= n; i += 3, out += 4) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[0] = b64_alphabet[v >> 18];
		out[1] = b64_alphabet[v >> 12 & 63];
		out[2] = b64_alphabet[v >> 6 & 63];
		out[3] = b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		out[0] = b64_alphabet[p[i] >> 2];
		out[1] = b64_alphabet[(p[i] & 3) << 4];
		out += 2;
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];
		out[0] = b64_alphabet[v >> 10];
		out[1] = b64_alphabet[v >> 4 & 63];
		out[2] = b64_alphabet[(v & 15) << 2];
		out += 3;
	}
	*out = '\0';
}

char *snd_b64url_encode(const uint8_t *p, size_t n)
{
	char *out;
	if (n > (SIZE_MAX / 4) - 4)
		return NULL;
	if ((out = malloc(b64_len(n) + 1)) == NULL)
		return NULL;
	b64_encode_into(out, p, n);
	return out;
}

/* The value of each base64url character, -1 for every other byte. */
static const signed char b64_value[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Decodes exactly s[0..n) into buf (room for max bytes); 0 on success.
 * Only the URL-safe alphabet passes (so no padding, whitespace, NUL or
 * bytes >= 0x80); the bits after the last whole byte must be zero (so each
 * byte string has one spelling); a length of 1 mod 4 can never be
 * canonical.  Four characters make three bytes per step, by table. */
static int b64_decode_into(const char *s, size_t n, uint8_t *buf, size_t max, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t full = n / 4, rem = n % 4, need, i;
	uint8_t *o = buf;
	if (rem == 1)
		return -1;
	need = full * 3 + (rem ? rem - 1 : 0);
	if (need > max)
		return -1;
	for (i = 0; i < full; i++, p += 4, o += 3) {
		int a = b64_value[p[0]], b = b64_value[p[1]], c = b64_value[p[2]], d = b64_value[p[3]];
		uint32_t v;
		if ((a | b | c | d) < 0)
			return -1;
		v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
		o[0] = (uint8_t)(v >> 16);
		o[1] = (uint8_t)(v >> 8);
		o[2] = (uint8_t)v;
	}
	if (rem == 2) {
		int a = b64_value[p[0]], b = b64_value[p[1]];
		if ((a | b) < 0 || (b & 0x0F) != 0)
			return -1;
		o[0] = (uint8_t)(a << 2 | b >> 4);
	} else if (rem == 3) {
		int a = b64_value[p[0]], b = b64_value[p[1]], c = b64_value[p[2]];
		if ((a | b | c) < 0 || (c & 0x03) != 0)
			return -1;
		o[0] = (uint8_t)(a << 2 | b >> 4);
		o[1] = (uint8_t)((b & 0x0F) << 4 | c >> 2);
	}
	*outlen = need;
	return 0;
}

enum snd_err snd_b64url_decode(const char *s, size_t n, uint8_t **out, size_t *outlen)
{
	size_t max = n / 4 * 3 + 3, got;
	uint8_t *buf;
	if ((buf = malloc(max + 1)) == NULL)
		return SND_ENOMEM;
	if (b64_decode_into(s, n, buf, max, &got) != 0) {
		free(buf);
		return SND_EINVAL;
	}
	buf[got] = 0; /* convenient for text; not counted */
	*out = buf;
	*outlen = got;
	return SND_OK;
}

/* ------------------------------------------------------------ RFC 3339 */

/* Days since 1970-01-01 of a proleptic Gregorian date (any year), by the
 * era arithmetic of Hinnant's "chrono-compatible low-level date algorithms":
 * no timegm, no time zone, no locale. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Exactly n ASCII digits at s (no sign, no locale). */
static int digits(const char *s, int n, int *out)
{
	int v = 0, i;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

enum snd_err snd_time_parse(const char *s, int64_t *out)
{
	int year, mon, day, hh, mm, ss, oh = 0, om = 0, sign = 0;
	size_t len, i;
	int64_t t;
	if (s == NULL)
		return SND_EINVAL;
	len = strnlen(s, TIME_MAX_LEN + 1);
	if (len > TIME_MAX_LEN || len < 20)
		return SND_EINVAL;
	/* YYYY-MM-DDTHH:MM:SS */
	if (digits(s, 4, &year) || s[4] != '-' || digits(s + 5, 2, &mon) || s[7] != '-' ||
	    digits(s + 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
	    digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mm) || s[16] != ':' ||
	    digits(s + 17, 2, &ss))
		return SND_EINVAL;
	if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) || hh > 23 ||
	    mm > 59 || ss > 59) /* leap second 60 cannot be told apart in Unix time */
		return SND_EINVAL;
	i = 19;
	if (s[i] == '.') { /* fraction: at least one digit; truncated */
		size_t start = ++i;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return SND_EINVAL;
	}
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '-' ? -1 : 1;
		if (digits(s + i + 1, 2, &oh) || s[i + 3] != ':' || digits(s + i + 4, 2, &om))
			return SND_EINVAL;
		if (oh > 23 || om > 59)
			return SND_EINVAL;
		i += 6;
	} else {
		return SND_EINVAL;
	}
	if (i != len)
		return SND_EINVAL;
	t = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
	t -= (int64_t)sign * (oh * 3600 + om * 60); /* local = UTC + offset */
	*out = t;
	return SND_OK;
}

/* n decimal digits of v (0 <= v < 10^n), zero-padded. */
static void put_digits(char *out, int v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void snd_time_format(int64_t t, char out[21])
{
	/* Clamped to what the fixed-width form can spell: years 0000..9999. */
	static const int64_t lo = -62167219200;  /* 0000-01-01T00:00:00Z */
	static const int64_t hi = 253402300799;  /* 9999-12-31T23:59:59Z */
	int64_t days, secs, y;
	int m, d;
	if (t < lo)
		t = lo;
	if (t > hi)
		t = hi;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	put_digits(out, (int)y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = 'T';
	put_digits(out + 11, (int)(secs / 3600), 2);
	out[13] = ':';
	put_digits(out + 14, (int)(secs / 60 % 60), 2);
	out[16] = ':';
	put_digits(out + 17, (int)(secs % 60), 2);
	out[19] = 'Z';
	out[20] = '\0';
}

/* ------------------------------------------------------------ keys */

enum snd_err snd_keypair(uint8_t pk[SND_PK_BYTES], uint8_t sk[SND_SK_BYTES])
{
	if (sodium_init() < 0)
		return SND_EIO;
	if (crypto_sign_keypair(pk, sk) != 0)
		return SND_EIO;
	return SND_OK;
}

void snd_paserk_public(const uint8_t pk[SND_PK_BYTES], char out[SND_PASERK_PUBLIC_LEN + 1])
{
	memcpy(out, "k4.public.", 10);
	sodium_bin2base64(out + 10, SND_PASERK_PUBLIC_LEN + 1 - 10, pk, SND_PK_BYTES, B64_VARIANT);
}

void snd_paserk_secret(const uint8_t sk[SND_SK_BYTES], char out[SND_PASERK_SECRET_LEN + 1])
{
	memcpy(out, "k4.secret.", 10);
	sodium_bin2base64(out + 10, SND_PASERK_SECRET_LEN + 1 - 10, sk, SND_SK_BYTES, B64_VARIANT);
}

void snd_paserk_pid(const uint8_t pk[SND_PK_BYTES], char out[SND_PASERK_PID_LEN + 1])
{
	/* PASERK ID operation, v4: "k4.pid." || base64url(BLAKE2b-264(h || p))
	 * where p is the whole k4.public PASERK string. */
	char pub[SND_PASERK_PUBLIC_LEN + 1];
	uint8_t d[33];
	crypto_generichash_state st;
	snd_paserk_public(pk, pub);
	crypto_generichash_init(&st, NULL, 0, sizeof d);
	crypto_generichash_update(&st, (const unsigned char *)"k4.pid.", 7);
	crypto_generichash_update(&st, (const unsigned char *)pub, SND_PASERK_PUBLIC_LEN);
	crypto_generichash_final(&st, d, sizeof d);
	memcpy(out, "k4.pid.", 7);
	sodium_bin2base64(out + 7, SND_PASERK_PID_LEN + 1 - 7, d, sizeof d, B64_VARIANT);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims ASCII whitespace: s[*start..*end). */
static void trim(const char *s, size_t *start, size_t *end)
{
	size_t a = 0, b = strlen(s);
	while (a < b && is_space(s[a]))
		a++;
	while (b > a && is_space(s[b - 1]))
		b--;
	*start = a;
	*end = b;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

enum snd_err snd_paserk_parse_public(const char *s, uint8_t pk[SND_PK_BYTES])
{
	size_t a, b, n, got, i;
	uint8_t tmp[SND_PK_BYTES + 3];
	if (s == NULL || strnlen(s, KEY_FILE_MAX + 1) > KEY_FILE_MAX)
		return SND_EINVAL;
	trim(s, &a, &b);
	n = b - a;
	if (n == 64) {
		for (i = 0; i < 64; i++)
			if (!is_hex(s[a + i]))
				return SND_EINVAL;
		if (sodium_hex2bin(tmp, SND_PK_BYTES, s + a, 64, NULL, &got, NULL) != 0 ||
		    got != SND_PK_BYTES)
			return SND_EINVAL;
		memcpy(pk, tmp, SND_PK_BYTES);
		return SND_OK;
	}
	if (n != SND_PASERK_PUBLIC_LEN || memcmp(s + a, "k4.public.", 10) != 0)
		return SND_EINVAL;
	if (b64_decode_into(s + a + 10, n - 10, tmp, sizeof tmp, &got) != 0 || got != SND_PK_BYTES)
		return SND_EINVAL;
	memcpy(pk, tmp, SND_PK_BYTES);
	return SND_OK;
}

enum snd_err snd_paserk_parse_secret(const char *s, uint8_t sk[SND_SK_BYTES])
{
	size_t a, b, n, got = 0;
	uint8_t tmp[SND_SK_BYTES + 3];
	uint8_t pk2[SND_PK_BYTES], sk2[SND_SK_BYTES];
	enum snd_err e = SND_EINVAL;
	if (s == NULL || strnlen(s, KEY_FILE_MAX + 1) > KEY_FILE_MAX)
		return SND_EINVAL;
	trim(s, &a, &b);
	n = b - a;
	if (n != SND_PASERK_SECRET_LEN || memcmp(s + a, "k4.secret.", 10) != 0)
		goto fail;
	if (b64_decode_into(s + a + 10, n - 10, tmp, sizeof tmp, &got) != 0 || got != SND_SK_BYTES)
		goto fail;
	/* The second half must be the public key of the first (the seed). */
	if (sodium_init() < 0 || crypto_sign_seed_keypair(pk2, sk2, tmp) != 0) {
		e = SND_EIO;
		goto fail;
	}
	if (sodium_memcmp(pk2, tmp + 32, SND_PK_BYTES) != 0)
		goto fail;
	memcpy(sk, tmp, SND_SK_BYTES);
	e = SND_OK;
fail:
	sodium_memzero(tmp, sizeof tmp);
	sodium_memzero(sk2, sizeof sk2);
	return e;
}

/* Reads a key file (capped); the text is for the caller to wipe and free. */
static enum snd_err read_key_file(const char *path, char **text, char *errbuf, size_t errlen)
{
	enum snd_err e;
	size_t len;
	errno = 0;
	e = snd_read_file(path, KEY_FILE_MAX, text, &len);
	if (e == SND_ETOOBIG) {
		snprintf(errbuf, errlen, "%s: too large for a key file (over %d bytes)", path,
		         KEY_FILE_MAX);
		return SND_EINVAL;
	}
	if (e != SND_OK) {
		snprintf(errbuf, errlen, "%s: cannot read: %s", path,
		         errno ? strerror(errno) : snd_strerror(e));
		return SND_EIO;
	}
	if (memchr(*text, '\0', len) != NULL) {
		snprintf(errbuf, errlen, "%s: contains a NUL byte; not a key file", path);
		sodium_memzero(*text, len);
		free(*text);
		*text = NULL;
		return SND_EINVAL;
	}
	return SND_OK;
}

static const char *key_kind(const char *s)
{
	size_t a, b;
	trim(s, &a, &b);
	if (b - a >= 10 && memcmp(s + a, "k4.secret.", 10) == 0)
		return "a k4.secret key";
	if (b - a >= 10 && memcmp(s + a, "k4.public.", 10) == 0)
		return "a k4.public key";
	if (b - a >= 3 && s[a] == 'k' && s[a + 1] >= '0' && s[a + 1] <= '9' && s[a + 2] == '.')
		return "a PASERK key of another version or type";
	return NULL;
}

enum snd_err snd_key_load_public(const char *arg, uint8_t pk[SND_PK_BYTES], char *errbuf,
                                 size_t errlen)
{
	char *text = NULL;
	const char *kind;
	enum snd_err e;
	if (snd_paserk_parse_public(arg, pk) == SND_OK)
		return SND_OK;
	kind = key_kind(arg);
	if (kind != NULL || strnlen(arg, KEY_FILE_MAX + 1) == 0) {
		/* It looks like a key, not a path: say what is wrong with it. */
		if (kind != NULL && strcmp(kind, "a k4.secret key") == 0)
			snprintf(errbuf, errlen, "that is a secret key; give the k4.public key");
		else
			snprintf(errbuf, errlen, "not a valid k4.public key or 64 hex digits");
		return SND_EINVAL;
	}
	if ((e = read_key_file(arg, &text, errbuf, errlen)) != SND_OK)
		return e;
	if (snd_paserk_parse_public(text, pk) != SND_OK) {
		kind = key_kind(text);
		if (kind != NULL && strcmp(kind, "a k4.public key") != 0)
			snprintf(errbuf, errlen, "%s: holds %s, not a k4.public key", arg, kind);
		else
			snprintf(errbuf, errlen,
			         "%s: not a valid k4.public PASERK key or 64 hex digits", arg);
		e = SND_EINVAL;
	}
	sodium_memzero(text, strlen(text));
	free(text);
	return e;
}

enum snd_err snd_key_load_secret(const char *path, uint8_t sk[SND_SK_BYTES], char *errbuf,
                                 size_t errlen)
{
	char *text = NULL;
	const char *kind;
	enum snd_err e;
	if ((e = read_key_file(path, &text, errbuf, errlen)) != SND_OK)
		return e;
	if (snd_paserk_parse_secret(text, sk) != SND_OK) {
		kind = key_kind(text);
		if (kind != NULL && strcmp(kind, "a k4.secret key") != 0)
			snprintf(errbuf, errlen, "%s: holds %s, not a k4.secret key", path, kind);
		else if (kind != NULL)
			snprintf(errbuf, errlen,
			         "%s: damaged k4.secret key (bad length, encoding, or public half)",
			         path);
		else
			snprintf(errbuf, errlen, "%s: not a k4.secret PASERK key", path);
		e = SND_EINVAL;
	}
	sodium_memzero(text, strlen(text));
	free(text);
	return e;
}

/* ------------------------------------------------------------ PASETO */

/* LE64 of the PASETO spec: little-endian, the top bit cleared. */
static void put_le64(uint8_t *o, uint64_t n)
{
	int i;
	n &= UINT64_C(0x7fffffffffffffff);
	for (i = 0; i < 8; i++) {
		o[i] = (uint8_t)(n & 0xff);
		n >>= 8;
	}
}

/* PAE bytes that fit on the stack; a typical token or receipt needs ~600. */
#define PAE_STACK 2048

enum snd_err snd_paseto_sign(const uint8_t sk[SND_SK_BYTES], const char *payload, size_t plen,
                             const char *footer, const char *implicit, char **out)
{
	size_t flen = footer ? strlen(footer) : 0;
	size_t ilen = implicit ? strlen(implicit) : 0;
	size_t size, tlen, blen;
	uint8_t stackbuf[PAE_STACK], *pae_buf = stackbuf, *heap = NULL, *m, *f;
	char *tok;
	enum snd_err e = SND_ENOMEM;
	if (plen > SND_TOKEN_MAX_LEN || flen > SND_TOKEN_MAX_LEN || ilen > SND_TOKEN_MAX_LEN)
		return SND_ETOOBIG;
	/* PAE("v4.public.", m, f, i) in one buffer; afterwards the signature
	 * is written right after m there, so m || sig is encoded in place. */
	size = 8 + 8 + V4_HEADER_LEN + 8 + plen + 8 + flen + 8 + ilen + SIG_BYTES;
	if (size > sizeof stackbuf) {
		if ((heap = malloc(size)) == NULL)
			return SND_ENOMEM;
		pae_buf = heap;
	}
	m = pae_buf + 8 + 8 + V4_HEADER_LEN + 8;
	f = m + plen + 8;
	put_le64(pae_buf, 4);
	put_le64(pae_buf + 8, V4_HEADER_LEN);
	memcpy(pae_buf + 16, V4_HEADER, V4_HEADER_LEN);
	put_le64(m - 8, plen);
	if (plen)
		memcpy(m, payload, plen);
	put_le64(m + plen, flen);
	if (flen)
		memcpy(f, footer, flen);
	put_le64(f + flen, ilen);
	if (ilen)
		memcpy(f + flen + 8, implicit, ilen);
	{
		uint8_t sig[SIG_BYTES];
		if (crypto_sign_detached(sig, NULL, pae_buf, (size_t)(f + flen + 8 + ilen - pae_buf), sk) !=
		    0) {
			e = SND_EIO;
			goto fail;
		}
		memcpy(m + plen, sig, SIG_BYTES); /* PAE is not needed any more */
	}
	blen = b64_len(plen + SIG_BYTES);
	tlen = V4_HEADER_LEN + blen + (flen > 0 ? 1 + b64_len(flen) : 0);
	if (tlen > SND_TOKEN_MAX_LEN) {
		e = SND_ETOOBIG;
		goto fail;
	}
	if ((tok = malloc(tlen + 1)) == NULL)
		goto fail;
	memcpy(tok, V4_HEADER, V4_HEADER_LEN);
	b64_encode_into(tok + V4_HEADER_LEN, m, plen + SIG_BYTES);
	if (flen > 0) {
		tok[V4_HEADER_LEN + blen] = '.';
		b64_encode_into(tok + V4_HEADER_LEN + blen + 1, (const uint8_t *)footer, flen);
	}
	*out = tok;
	e = SND_OK;
fail:
	free(heap);
	return e;
}

#define WHY(...) ((errbuf && errlen) ? (void)snprintf(errbuf, errlen, __VA_ARGS__) : (void)0)

enum snd_err snd_paseto_verify_why(const uint8_t pk[SND_PK_BYTES], const char *token,
                                   size_t tlen, const char *implicit, char **payload,
                                   size_t *plen, char **footer, char *errbuf, size_t errlen)
{
	const char *body, *dot, *fpart = NULL;
	size_t blen, fplen = 0, mlen, flen = 0, ilen, i, declen = 0, bmax, fmax, size;
	uint8_t stackbuf[PAE_STACK], *pae_buf = stackbuf, *heap = NULL, *m, *f;
	uint8_t sig[SIG_BYTES];
	char *pout = NULL, *fout = NULL;
	enum snd_err e = SND_ETOKEN;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (token == NULL) {
		WHY("no token");
		goto fail;
	}
	if (tlen > SND_TOKEN_MAX_LEN) {
		WHY("token is longer than %d bytes", SND_TOKEN_MAX_LEN);
		e = SND_ETOOBIG;
		goto fail;
	}
	if (memchr(token, '\0', tlen) != NULL) {
		WHY("token contains a NUL byte");
		goto fail;
	}
	if (tlen < V4_HEADER_LEN || memcmp(token, V4_HEADER, V4_HEADER_LEN) != 0) {
		/* Name the header we found when it is short and plain. */
		size_t dots = 0, n = 0;
		for (i = 0; i < tlen && i < 16 && dots < 2; i++, n++) {
			char c = token[i];
			if (c == '.')
				dots++;
			else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
				break;
		}
		if (dots == 2)
			WHY("wrong version or purpose: expected \"v4.public.\", got \"%.*s\"", (int)n,
			    token);
		else
			WHY("not a PASETO token (expected it to start with \"v4.public.\")");
		goto fail;
	}
	body = token + V4_HEADER_LEN;
	blen = tlen - V4_HEADER_LEN;
	if ((dot = memchr(body, '.', blen)) != NULL) {
		fpart = dot + 1;
		fplen = (size_t)(token + tlen - fpart);
		blen = (size_t)(dot - body);
		if (memchr(fpart, '.', fplen) != NULL) {
			WHY("too many '.'-separated parts");
			goto fail;
		}
		if (fplen == 0) {
			WHY("empty footer part after the last '.'");
			goto fail;
		}
	}
	/* One buffer holds PAE("v4.public.", m, f, i): the body is decoded
	 * straight to m's place, the footer to f's, so nothing is copied but
	 * the signature (which sits where LE64(|f|) goes) and i. */
	ilen = implicit ? strlen(implicit) : 0;
	bmax = blen / 4 * 3 + 3;
	fmax = fplen / 4 * 3 + 3;
	if (ilen > SIZE_MAX / 2 - bmax - fmax - 64) {
		e = SND_ENOMEM;
		goto fail;
	}
	size = 8 + 8 + V4_HEADER_LEN + 8 + bmax + 8 + fmax + 8 + ilen;
	if (size > sizeof stackbuf) {
		if ((heap = malloc(size)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		pae_buf = heap;
	}
	m = pae_buf + 8 + 8 + V4_HEADER_LEN + 8;
	if (b64_decode_into(body, blen, m, bmax, &declen) != 0) {
		WHY("the token body is not valid base64url");
		goto fail;
	}
	if (declen < SIG_BYTES) {
		WHY("the token is too short to hold a signature (truncated?)");
		goto fail;
	}
	mlen = declen - SIG_BYTES;
	memcpy(sig, m + mlen, SIG_BYTES);
	f = m + mlen + 8;
	if (fpart != NULL) {
		if (b64_decode_into(fpart, fplen, f, fmax, &flen) != 0) {
			WHY("the footer is not valid base64url");
			goto fail;
		}
		if (memchr(f, '\0', flen) != NULL) {
			WHY("the footer contains a NUL byte");
			goto fail;
		}
	}
	put_le64(pae_buf, 4);
	put_le64(pae_buf + 8, V4_HEADER_LEN);
	memcpy(pae_buf + 16, V4_HEADER, V4_HEADER_LEN);
	put_le64(m - 8, mlen);
	put_le64(m + mlen, flen);
	put_le64(f + flen, ilen);
	if (ilen)
		memcpy(f + flen + 8, implicit, ilen);
	if (crypto_sign_verify_detached(sig, pae_buf, (size_t)(f + flen + 8 + ilen - pae_buf), pk) !=
	    0) {
		WHY("the signature does not verify (wrong key or implicit assertion, or the token "
		    "was altered)");
		e = SND_ESIG;
		goto fail;
	}
	if (payload != NULL) {
		if ((pout = malloc(mlen + 1)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		memcpy(pout, m, mlen);
		pout[mlen] = '\0';
	}
	if (footer != NULL) {
		if ((fout = malloc(flen + 1)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		memcpy(fout, f, flen);
		fout[flen] = '\0';
		*footer = fout;
		fout = NULL;
	}
	if (payload != NULL)
		*payload = pout;
	if (plen != NULL)
		*plen = mlen;
	pout = NULL;
	e = SND_OK;
fail:
	free(pout);
	free(fout);
	free(heap);
	return e;
}

enum snd_err snd_paseto_verify(const uint8_t pk[SND_PK_BYTES], const char *token, size_t tlen,
                               const char *implicit, char **payload, size_t *plen,
                               char **footer)
{
	return snd_paseto_verify_why(pk, token, tlen, implicit, payload, plen, footer, NULL, 0);
}

/* ------------------------------------------------------------ claims */

static char *dupstr(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

void snd_claims_free(struct snd_claims *c)
{
	size_t i;
	if (c == NULL)
		return;
	free(c->aud);
	free(c->sub);
	free(c->jti);
	free(c->ent);
	for (i = 0; i < c->nattrs; i++) {
		free(c->attrs[i].key);
		free(c->attrs[i].value);
	}
	free(c->attrs);
	memset(c, 0, sizeof *c);
}

/* A required, non-empty, capped string claim. */
static enum snd_err claim_str(const cJSON *o, const char *name, char **out, char *errbuf,
                              size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	size_t n;
	if (v == NULL) {
		WHY("claim \"%s\" is missing", name);
		return SND_EINVAL;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		WHY("claim \"%s\" must be a string", name);
		return SND_EINVAL;
	}
	n = strlen(v->valuestring);
	if (n == 0) {
		WHY("claim \"%s\" is empty", name);
		return SND_EINVAL;
	}
	if (n > SND_CLAIM_MAX_LEN) {
		WHY("claim \"%s\" is longer than %d bytes", name, SND_CLAIM_MAX_LEN);
		return SND_EINVAL;
	}
	/* No control characters: ids and entities are shown in pages and logs
	 * and joined by newlines in the database's chain links. */
	for (const unsigned char *c = (const unsigned char *)v->valuestring; *c; c++) {
		if (*c < 0x20 || *c == 0x7f) {
			WHY("claim \"%s\" must not contain control characters", name);
			return SND_EINVAL;
		}
	}
	if ((*out = dupstr(v->valuestring)) == NULL)
		return SND_ENOMEM;
	return SND_OK;
}

/* An optional RFC 3339 time claim. */
static enum snd_err claim_time(const cJSON *o, const char *name, int64_t *t, int *has,
                               char *errbuf, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	*has = 0;
	if (v == NULL)
		return SND_OK;
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		WHY("claim \"%s\" must be an RFC 3339 time string", name);
		return SND_EINVAL;
	}
	if (snd_time_parse(v->valuestring, t) != SND_OK) {
		WHY("claim \"%s\" is not a valid RFC 3339 time", name);
		return SND_EINVAL;
	}
	*has = 1;
	return SND_OK;
}

/* A string claim as claim_str accepts it (non-empty, capped, no control
 * characters), copied; -1 for anything claim_str would refuse. */
static int fast_str(const struct jnode *v, char **out)
{
	const unsigned char *c;
	if (v == NULL || v->type != JT_STR || v->slen == 0 || v->slen > SND_CLAIM_MAX_LEN)
		return -1;
	for (c = (const unsigned char *)v->s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return -1;
	if ((*out = malloc(v->slen + 1)) == NULL)
		return -1;
	memcpy(*out, v->s, v->slen + 1);
	return 0;
}

static int fast_time(const struct jdoc *d, const struct jnode *root, const char *name,
                     int64_t *t, int *has)
{
	const struct jnode *v = snd_jdoc_get(d, root, name);
	*has = 0;
	if (v == NULL)
		return 0;
	if (v->type != JT_STR || snd_time_parse(v->s, t) != SND_OK)
		return -1;
	*has = 1;
	return 0;
}

/* snd_claims_parse for a payload that is valid in every way, without a
 * cJSON tree: 0 and *out filled exactly as the general path would, or -1
 * (anything wrong or unusual: the general path then says what). */
static int claims_fast(const char *payload, size_t len, struct snd_claims *out)
{
	struct jnode nodes[48];
	char strs[1024];
	struct jdoc d;
	const struct jnode *root, *v, *a;
	struct snd_claims c;
	int has_iat = 0, r = -1;
	size_t i;
	memset(&c, 0, sizeof c);
	snd_jdoc_init(&d, nodes, sizeof nodes / sizeof nodes[0], strs, sizeof strs);
	if (snd_jdoc_parse(&d, payload, len, SND_JSON_MAX_DEPTH) != 0)
		goto out;
	root = &d.nodes[0];
	if (root->type != JT_OBJ || fast_str(snd_jdoc_get(&d, root, "aud"), &c.aud) != 0 ||
	    fast_str(snd_jdoc_get(&d, root, "sub"), &c.sub) != 0 ||
	    fast_str(snd_jdoc_get(&d, root, "jti"), &c.jti) != 0 ||
	    fast_str(snd_jdoc_get(&d, root, "ent"), &c.ent) != 0)
		goto out;
	v = snd_jdoc_get(&d, root, "role");
	if (v == NULL || v->type != JT_STR)
		goto out;
	for (i = 0; i < SND_ROLE__MAX; i++)
		if (strcmp(v->s, snd_role_names[i]) == 0)
			break;
	if (i == SND_ROLE__MAX)
		goto out;
	c.role = (enum snd_role)i;
	if ((a = snd_jdoc_get(&d, root, "attrs")) != NULL) {
		if (a->type != JT_OBJ || a->n > SND_CLAIMS_MAX_ATTRS)
			goto out;
		if (a->n > 0 && (c.attrs = calloc(a->n, sizeof *c.attrs)) == NULL)
			goto out;
		for (v = jdoc_child(&d, a); v != NULL; v = jdoc_next(&d, v)) {
			struct snd_attr *at = &c.attrs[c.nattrs];
			if (v->type != JT_STR || v->klen > SND_CLAIM_MAX_LEN || v->slen > SND_CLAIM_MAX_LEN)
				goto out;
			at->key = malloc(v->klen + 1);
			at->value = malloc(v->slen + 1);
			c.nattrs++;
			if (at->key == NULL || at->value == NULL)
				goto out;
			memcpy(at->key, v->key, v->klen + 1);
			memcpy(at->value, v->s, v->slen + 1);
		}
	}
	if (fast_time(&d, root, "iat", &c.iat, &has_iat) != 0 ||
	    fast_time(&d, root, "nbf", &c.nbf, &c.has_nbf) != 0 ||
	    fast_time(&d, root, "exp", &c.exp, &c.has_exp) != 0)
		goto out;
	if (!has_iat)
		c.iat = 0;
	if (!c.has_nbf)
		c.nbf = 0;
	if (!c.has_exp)
		c.exp = 0;
	*out = c;
	memset(&c, 0, sizeof c);
	r = 0;
out:
	snd_claims_free(&c);
	snd_jdoc_free(&d);
	return r;
}

enum snd_err snd_claims_parse(const char *payload, size_t len, struct snd_claims *out,
                              char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (len > SND_TOKEN_MAX_LEN) {
		WHY("payload is longer than %d bytes", SND_TOKEN_MAX_LEN);
		return SND_ETOOBIG;
	}
	if (claims_fast(payload, len, out) == 0)
		return SND_OK;
	return snd_claims_parse_general(payload, len, out, errbuf, errlen);
}

enum snd_err snd_claims_parse_general(const char *payload, size_t len, struct snd_claims *out,
                                      char *errbuf, size_t errlen)
{
	cJSON *root = NULL;
	const cJSON *v, *a;
	struct snd_claims c;
	char jerr[160];
	int has_iat = 0;
	size_t i;
	enum snd_err e = SND_EINVAL;
	memset(&c, 0, sizeof c);
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (len > SND_TOKEN_MAX_LEN) {
		WHY("payload is longer than %d bytes", SND_TOKEN_MAX_LEN);
		return SND_ETOOBIG;
	}
	jerr[0] = '\0';
	e = snd_json_parse(payload, len, SND_TOKEN_MAX_LEN, SND_JSON_MAX_DEPTH, &root, jerr,
	                   sizeof jerr);
	if (e != SND_OK) {
		WHY("payload is not valid JSON: %s", jerr);
		return e == SND_ENOMEM ? SND_ENOMEM : SND_EINVAL;
	}
	e = SND_EINVAL;
	if (!cJSON_IsObject(root)) {
		WHY("payload is not a JSON object");
		goto fail;
	}
	if ((e = claim_str(root, "aud", &c.aud, errbuf, errlen)) != SND_OK ||
	    (e = claim_str(root, "sub", &c.sub, errbuf, errlen)) != SND_OK ||
	    (e = claim_str(root, "jti", &c.jti, errbuf, errlen)) != SND_OK ||
	    (e = claim_str(root, "ent", &c.ent, errbuf, errlen)) != SND_OK)
		goto fail;
	e = SND_EINVAL;
	v = cJSON_GetObjectItemCaseSensitive(root, "role");
	if (v == NULL) {
		WHY("claim \"role\" is missing");
		goto fail;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		WHY("claim \"role\" must be a string");
		goto fail;
	}
	for (i = 0; i < SND_ROLE__MAX; i++)
		if (strcmp(v->valuestring, snd_role_names[i]) == 0)
			break;
	if (i == SND_ROLE__MAX) {
		WHY("claim \"role\" must be \"delegate\" or \"chair\"");
		goto fail;
	}
	c.role = (enum snd_role)i;
	if ((a = cJSON_GetObjectItemCaseSensitive(root, "attrs")) != NULL) {
		size_t n = 0;
		if (!cJSON_IsObject(a)) {
			WHY("claim \"attrs\" must be an object of strings");
			goto fail;
		}
		for (v = a->child; v != NULL; v = v->next)
			n++;
		if (n > SND_CLAIMS_MAX_ATTRS) {
			WHY("claim \"attrs\" has more than %d entries", SND_CLAIMS_MAX_ATTRS);
			goto fail;
		}
		if (n > 0 && (c.attrs = calloc(n, sizeof *c.attrs)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		for (v = a->child; v != NULL; v = v->next) {
			if (!cJSON_IsString(v) || v->valuestring == NULL) {
				WHY("claim \"attrs.%.64s\" must be a string", v->string);
				goto fail;
			}
			if (strlen(v->string) > SND_CLAIM_MAX_LEN ||
			    strlen(v->valuestring) > SND_CLAIM_MAX_LEN) {
				WHY("claim \"attrs.%.64s\" is longer than %d bytes", v->string,
				    SND_CLAIM_MAX_LEN);
				goto fail;
			}
			c.attrs[c.nattrs].key = dupstr(v->string);
			c.attrs[c.nattrs].value = dupstr(v->valuestring);
			c.nattrs++;
			if (c.attrs[c.nattrs - 1].key == NULL || c.attrs[c.nattrs - 1].value == NULL) {
				e = SND_ENOMEM;
				goto fail;
			}
		}
	}
	if (claim_time(root, "iat", &c.iat, &has_iat, errbuf, errlen) != SND_OK ||
	    claim_time(root, "nbf", &c.nbf, &c.has_nbf, errbuf, errlen) != SND_OK ||
	    claim_time(root, "exp", &c.exp, &c.has_exp, errbuf, errlen) != SND_OK)
		goto fail;
	if (!has_iat)
		c.iat = 0;
	if (!c.has_nbf)
		c.nbf = 0;
	if (!c.has_exp)
		c.exp = 0;
	cJSON_Delete(root);
	*out = c;
	return SND_OK;
fail:
	cJSON_Delete(root);
	snd_claims_free(&c);
	return e;
}

enum snd_err snd_claims_check_time(const struct snd_claims *c, int64_t now)
{
	const int64_t skew = 60;
	if (c->has_exp && now >= c->exp + skew)
		return SND_EEXPIRED;
	if (c->has_nbf && now + skew < c->nbf)
		return SND_ENOTYET;
	return SND_OK;
}

const char *snd_claims_attr(const struct snd_claims *c, const char *key)
{
	size_t i;
	for (i = 0; i < c->nattrs; i++)
		if (strcmp(c->attrs[i].key, key) == 0)
			return c->attrs[i].value;
	return NULL;
}

static void json_member(struct snd_buf *b, const char *name, const char *value, int first)
{
	if (!first)
		snd_buf_putc(b, ',');
	snd_buf_json_str(b, name);
	snd_buf_putc(b, ':');
	snd_buf_json_str(b, value);
}

char *snd_claims_json(const struct snd_claims *c)
{
	struct snd_buf b;
	char t[21];
	size_t i;
	if (c->aud == NULL || c->sub == NULL || c->jti == NULL || c->ent == NULL ||
	    (unsigned)c->role >= SND_ROLE__MAX)
		return NULL;
	snd_buf_init(&b, 0);
	snd_buf_putc(&b, '{');
	json_member(&b, "aud", c->aud, 1);
	json_member(&b, "sub", c->sub, 0);
	json_member(&b, "jti", c->jti, 0);
	json_member(&b, "role", snd_role_names[c->role], 0);
	json_member(&b, "ent", c->ent, 0);
	snd_buf_puts(&b, ",\"attrs\":{");
	for (i = 0; i < c->nattrs; i++)
		json_member(&b, c->attrs[i].key, c->attrs[i].value, i == 0);
	snd_buf_putc(&b, '}');
	if (c->iat != 0) {
		snd_time_format(c->iat, t);
		json_member(&b, "iat", t, 0);
	}
	if (c->has_nbf) {
		snd_time_format(c->nbf, t);
		json_member(&b, "nbf", t, 0);
	}
	if (c->has_exp) {
		snd_time_format(c->exp, t);
		json_member(&b, "exp", t, 0);
	}
	snd_buf_putc(&b, '}');
	if (b.failed) {
		snd_buf_free(&b);
		return NULL;
	}
	return snd_buf_steal(&b, NULL);
}
