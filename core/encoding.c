/* encoding.c - base64url and RFC 3339 times: the two text encodings every
 * token, key and receipt passes through; and the strict reader of the
 * lowercase hex that stored hashes, links and salts are written in.
 *
 * Owns: the strict decoders and the encoders of both, the hex decoder.  No
 * state; every function is thread-safe.
 *
 * Invariants:
 *   1. Decoders are strict: base64url without padding, whitespace or
 *      non-zero trailing bits; RFC 3339 with every field range-checked; so
 *      each value has one accepted spelling.
 *   2. Untrusted input meets its cap first: time strings TIME_MAX_LEN
 *      bytes; a base64url decode never writes past the room it is given.
 *   3. The table encoder is not constant time: for public bytes only
 *      (tokens, signatures); key bytes go through libsodium's encoder
 *      (keys.c).
 *   4. Times are proleptic Gregorian UTC seconds computed by arithmetic:
 *      no timegm, no time zone, no locale.
 */
#include "token_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TIME_MAX_LEN 64

/* ------------------------------------------------------------------ hex */

/* Each lowercase hex digit's value plus one; 0 for any other byte. */
static const uint8_t hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* Not constant time either (invariant 3): for stored, public digests.  By
 * table, without a branch per digit (random digits, as hashes and
 * salts are, mispredict half of them): the tally's check before counting
 * reads three per row. */
int snd_hex_parse(const char *hex, uint8_t *out, size_t n)
{
	unsigned bad = 0;
	if (hex == NULL || strnlen(hex, 2 * n + 1) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned hi = hexv[(unsigned char)hex[2 * i]] - 1u;
		unsigned lo = hexv[(unsigned char)hex[2 * i + 1]] - 1u;
		bad |= hi | lo;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return bad > 15 ? -1 : 0;
}

/* ------------------------------------------------------------ base64url */

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Writes b64_len(n) characters and a NUL.  By table, so not constant
 * time: for public bytes only (tokens, signatures); keys go through
 * libsodium's constant-time encoder. */
void snd_b64url_encode_into(char *out, const uint8_t *p, size_t n)
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
	snd_b64url_encode_into(out, p, n);
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
int snd_b64url_decode_into(const char *s, size_t n, uint8_t *buf, size_t max, size_t *outlen)
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
	if (snd_b64url_decode_into(s, n, buf, max, &got) != 0) {
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
