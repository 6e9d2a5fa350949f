/* canon.c - RFC 8785 (JCS) canonical JSON and SHA-256 hashes of answers.
 *
 * The canonical text of a value is what receipts and the revision chain
 * hash, so it must be byte-identical to what any other JCS implementation
 * writes for the same value.
 *
 * Invariants:
 *   1. Object members are written sorted by their names as UTF-16 code-unit
 *      sequences (not UTF-8 bytes: the two orders differ for characters
 *      above U+FFFF against U+E000..U+FFFF); repeated names are refused.
 *   2. Numbers follow ECMAScript Number.prototype.toString: the shortest
 *      digit string that reads back as the same double, -0 as 0, plain
 *      notation for exponents -7 < e < 21, else d.ddde+x.  NaN and the
 *      infinities are refused (SND_EINVAL).
 *   3. Strings escape only '"', '\\' and U+0000..U+001F (the named escapes
 *      \b \f \n \r \t, else \u00xx in lowercase hex); all else is literal.
 *   4. Recursion is capped at CANON_MAX_DEPTH levels.
 *   5. SHA-256 runs on the CPU's SHA extensions when it has them (x86-64
 *      SHA-NI, checked once with CPUID) and on libsodium's otherwise; both
 *      give the same digest, which tests/unit/test_canon.c checks against
 *      libsodium for every length that pads differently.
 */
#include "json_int.h"
#include "sha256_int.h"

#include <math.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SND_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#define CANON_MAX_DEPTH 1000
/* Objects with at most this many members are sorted without malloc. */
#define CANON_SMALL 32

/* Next code point of a valid UTF-8 string; advances *p. */
static unsigned next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	if (c < 0xE0 && s[1]) {
		*p = s + 2;
		return (c & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if (c < 0xF0 && s[1] && s[2]) {
		*p = s + 3;
		return (c & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	if (s[1] && s[2] && s[3]) {
		*p = s + 4;
		return (c & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 | (s[3] & 0x3F);
	}
	*p = s + 1; /* malformed: take the byte as is */
	return c;
}

/* Compares two UTF-8 strings by their UTF-16 code units. */
static int cmp_utf16(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	/* The equal ASCII prefix first (ids are ASCII): each of its bytes is a
	 * code point of its own, so p and q stay at code point starts. */
	while (*p && *p == *q && *p < 0x80) {
		p++;
		q++;
	}
	if (*p < 0x80 && *q < 0x80)
		return (*p > *q) - (*p < *q); /* ASCII or an end: byte order is code-unit order */
	while (*p && *q) {
		unsigned x = next_cp(&p), y = next_cp(&q), ux, uy;
		if (x == y)
			continue;
		/* first code unit: the high surrogate for non-BMP characters */
		ux = x < 0x10000 ? x : 0xD800 + ((x - 0x10000) >> 10);
		uy = y < 0x10000 ? y : 0xD800 + ((y - 0x10000) >> 10);
		if (ux != uy)
			return ux < uy ? -1 : 1;
		/* same high surrogate: the low ones order like the code points */
		return x < y ? -1 : 1;
	}
	return (*p != 0) - (*q != 0);
}

static int cmp_members(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return cmp_utf16(x->string, y->string);
}

static void put_string(struct snd_buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;
	snd_buf_putc(out, '"');
	for (; *p; p++) {
		const char *esc = NULL;
		char u[7];
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		if (*p == 0)
			break;
		snd_buf_append(out, run, (size_t)(p - run));
		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			u[0] = '\\';
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hex[*p >> 4];
			u[5] = hex[*p & 15];
			u[6] = '\0';
			esc = u;
		}
		snd_buf_puts(out, esc);
		run = p + 1;
	}
	snd_buf_append(out, run, (size_t)(p - run));
	snd_buf_putc(out, '"');
}

/* Shortest decimal digits of |v| (v finite, nonzero): digits[0..k) and the
 * exponent n such that |v| = 0.d1d2...dk x 10^n. */
static int shortest(double v, char digits[24], int *k, int *n)
{
	char tmp[40];
	int p;
	double a = fabs(v);
	for (p = 1; p <= 17; p++) {
		int len = snprintf(tmp, sizeof tmp, "%.*e", p - 1, a);
		char *e;
		int i, j, exp10;
		unsigned long long m;
		int try;
		if (len <= 0 || (size_t)len >= sizeof tmp)
			return -1;
		e = strchr(tmp, 'e');
		if (e == NULL)
			return -1;
		exp10 = atoi(e + 1);
		m = 0;
		for (i = 0; tmp + i < e; i++)
			if (tmp[i] >= '0' && tmp[i] <= '9')
				m = m * 10 + (unsigned)(tmp[i] - '0');
		/* The correctly rounded p-digit value first; at a power of two the
		 * round-trip interval is lopsided, so its neighbours may read back
		 * when it does not. */
		for (try = 0; try < 3; try++) {
			unsigned long long mm = m;
			char num[40], ds[24];
			int nd, ex = exp10;
			if (try == 1)
				mm = m + 1;
			else if (try == 2) {
				if (m <= 1)
					continue;
				mm = m - 1;
			}
			nd = snprintf(ds, sizeof ds, "%llu", mm);
			if (nd > p) { /* 99..9 + 1 */
				ex++;
				nd = p;
				ds[nd] = '\0';
			} else if (nd < p) { /* 10..0 - 1 dropped a digit */
				continue;
			}
			snprintf(num, sizeof num, "%se%d", ds, ex - (p - 1));
			if (strtod(num, NULL) == a) {
				/* strip trailing zeros */
				j = nd;
				while (j > 1 && ds[j - 1] == '0')
					j--;
				memcpy(digits, ds, (size_t)j);
				digits[j] = '\0';
				*k = j;
				*n = ex + 1;
				return 0;
			}
		}
	}
	return -1;
}

/* Writes v as ECMAScript's Number.prototype.toString would. */
static enum snd_err put_number(struct snd_buf *out, double v)
{
	char d[24];
	int k, n, i;
	if (!isfinite(v))
		return SND_EINVAL;
	if (v == 0) {
		snd_buf_putc(out, '0');
		return SND_OK;
	}
	/* Whole numbers below 2^53 are exact: their shortest digits are the
	 * integer's own, printed plainly since n <= 16 < 21. */
	if (fabs(v) < 9007199254740992.0 && v == floor(v)) {
		char t[24];
		uint64_t u = (uint64_t)fabs(v);
		i = (int)sizeof t;
		while (u > 0) {
			t[--i] = (char)('0' + u % 10);
			u /= 10;
		}
		if (v < 0)
			t[--i] = '-';
		snd_buf_append(out, t + i, sizeof t - (size_t)i);
		return SND_OK;
	}
	if (shortest(v, d, &k, &n) != 0)
		return SND_EINVAL;
	if (v < 0)
		snd_buf_putc(out, '-');
	if (k <= n && n <= 21) {
		snd_buf_append(out, d, (size_t)k);
		for (i = 0; i < n - k; i++)
			snd_buf_putc(out, '0');
	} else if (0 < n && n <= 21) {
		snd_buf_append(out, d, (size_t)n);
		snd_buf_putc(out, '.');
		snd_buf_append(out, d + n, (size_t)(k - n));
	} else if (-6 < n && n <= 0) {
		snd_buf_puts(out, "0.");
		for (i = 0; i < -n; i++)
			snd_buf_putc(out, '0');
		snd_buf_append(out, d, (size_t)k);
	} else {
		snd_buf_putc(out, d[0]);
		if (k > 1) {
			snd_buf_putc(out, '.');
			snd_buf_append(out, d + 1, (size_t)(k - 1));
		}
		snd_buf_printf(out, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
	}
	return SND_OK;
}

static enum snd_err canon(const cJSON *v, struct snd_buf *out, int depth)
{
	enum snd_err e = SND_OK;
	const cJSON *c;
	if (v == NULL || depth > CANON_MAX_DEPTH)
		return SND_EINVAL;
	switch (v->type & 0xFF) {
	case cJSON_NULL:
		snd_buf_puts(out, "null");
		break;
	case cJSON_True:
		snd_buf_puts(out, "true");
		break;
	case cJSON_False:
		snd_buf_puts(out, "false");
		break;
	case cJSON_Number:
		e = put_number(out, v->valuedouble);
		break;
	case cJSON_String:
		if (v->valuestring == NULL)
			return SND_EINVAL;
		put_string(out, v->valuestring);
		break;
	case cJSON_Array:
		snd_buf_putc(out, '[');
		for (c = v->child; c && e == SND_OK; c = c->next) {
			if (c != v->child)
				snd_buf_putc(out, ',');
			e = canon(c, out, depth + 1);
		}
		snd_buf_putc(out, ']');
		break;
	case cJSON_Object: {
		size_t n = 0, i;
		const cJSON **m, *small[CANON_SMALL];
		for (c = v->child; c; c = c->next) {
			if (c->string == NULL)
				return SND_EINVAL;
			n++;
		}
		if (n == 0) {
			snd_buf_puts(out, "{}");
			break;
		}
		/* Answers objects are small: sort them on the stack by insertion. */
		m = n <= CANON_SMALL ? small : malloc(n * sizeof *m);
		if (m == NULL)
			return SND_ENOMEM;
		i = 0;
		for (c = v->child; c; c = c->next)
			m[i++] = c;
		if (n <= CANON_SMALL) {
			size_t j;
			for (i = 1; i < n; i++) {
				const cJSON *x = m[i];
				for (j = i; j > 0 && cmp_utf16(m[j - 1]->string, x->string) > 0; j--)
					m[j] = m[j - 1];
				m[j] = x;
			}
		} else {
			qsort(m, n, sizeof *m, cmp_members);
		}
		snd_buf_putc(out, '{');
		for (i = 0; i < n && e == SND_OK; i++) {
			if (i > 0) {
				if (strcmp(m[i - 1]->string, m[i]->string) == 0) {
					e = SND_EINVAL;
					break;
				}
				snd_buf_putc(out, ',');
			}
			put_string(out, m[i]->string);
			snd_buf_putc(out, ':');
			e = canon(m[i], out, depth + 1);
		}
		snd_buf_putc(out, '}');
		if (m != small)
			free(m);
		break;
	}
	default: /* cJSON_Raw, cJSON_Invalid */
		return SND_EINVAL;
	}
	if (e != SND_OK)
		return e;
	return out->failed ? SND_ENOMEM : SND_OK;
}

enum snd_err snd_canon_json(const cJSON *v, struct snd_buf *out)
{
	return canon(v, out, 0);
}

enum snd_err snd_canon_str(struct snd_buf *out, const char *s)
{
	put_string(out, s);
	return out->failed ? SND_ENOMEM : SND_OK;
}

enum snd_err snd_canon_num(struct snd_buf *out, double v)
{
	enum snd_err e = put_number(out, v);
	if (e != SND_OK)
		return e;
	return out->failed ? SND_ENOMEM : SND_OK;
}

/* ------------------------------------------------------------ SHA-256 */

/* FIPS 180-4 section 4.2.2; sha256_many.c's lanes use it too. */
const uint32_t snd_sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

/* FIPS 180-4 section 6.2.2, one block at a time, in portable C. */
static void sha256_blocks_c(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	for (; nblocks > 0; nblocks--, p += 64) {
		uint32_t w[64], a, b, c, d, e, f, g, hh;
		int t;
		for (t = 0; t < 16; t++)
			w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
			       (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
		for (t = 16; t < 64; t++) {
			uint32_t s0 = ror32(w[t - 15], 7) ^ ror32(w[t - 15], 18) ^ (w[t - 15] >> 3);
			uint32_t s1 = ror32(w[t - 2], 17) ^ ror32(w[t - 2], 19) ^ (w[t - 2] >> 10);
			w[t] = w[t - 16] + s0 + w[t - 7] + s1;
		}
		a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
		for (t = 0; t < 64; t++) {
			uint32_t t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
			              snd_sha256_k[t] + w[t];
			uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
			hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
		}
		h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
	}
}

#ifdef SND_SHA_NI
/* The same with the SHA-NI instructions (Intel's published sequence: the
 * state kept as ABEF/CDGH, four rounds per sha256rnds2 pair). */
#define SHA_NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

#define SHA_RND4(msg, i)                                                                   \
	do {                                                                                  \
		__m128i w_ = _mm_add_epi32((msg), _mm_loadu_si128((const __m128i *)&snd_sha256_k[i])); \
		s1 = _mm_sha256rnds2_epu32(s1, s0, w_);                                            \
		w_ = _mm_shuffle_epi32(w_, 0x0E);                                                  \
		s0 = _mm_sha256rnds2_epu32(s0, s1, w_);                                            \
	} while (0)
/* m0 (W[t-16..t-13]) becomes W[t..t+3] from m1, m2, m3 (the next 12). */
#define SHA_SCHED(m0, m1, m2, m3)                                                           \
	(m0) = _mm_sha256msg2_epu32(                                                        \
	    _mm_add_epi32(_mm_sha256msg1_epu32((m0), (m1)), _mm_alignr_epi8((m3), (m2), 4)), (m3))

SHA_NI_TARGET static void sha256_blocks_ni(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i s0, s1, t, m0, m1, m2, m3, save0, save1;

	t = _mm_loadu_si128((const __m128i *)&h[0]);
	s1 = _mm_loadu_si128((const __m128i *)&h[4]);
	t = _mm_shuffle_epi32(t, 0xB1);          /* CDAB */
	s1 = _mm_shuffle_epi32(s1, 0x1B);        /* EFGH */
	s0 = _mm_alignr_epi8(t, s1, 8);          /* ABEF */
	s1 = _mm_blend_epi16(s1, t, 0xF0);       /* CDGH */
	for (; nblocks > 0; nblocks--, p += 64) {
		save0 = s0;
		save1 = s1;
		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);
		SHA_RND4(m0, 0);
		SHA_RND4(m1, 4);
		SHA_RND4(m2, 8);
		SHA_RND4(m3, 12);
		SHA_SCHED(m0, m1, m2, m3); SHA_RND4(m0, 16);
		SHA_SCHED(m1, m2, m3, m0); SHA_RND4(m1, 20);
		SHA_SCHED(m2, m3, m0, m1); SHA_RND4(m2, 24);
		SHA_SCHED(m3, m0, m1, m2); SHA_RND4(m3, 28);
		SHA_SCHED(m0, m1, m2, m3); SHA_RND4(m0, 32);
		SHA_SCHED(m1, m2, m3, m0); SHA_RND4(m1, 36);
		SHA_SCHED(m2, m3, m0, m1); SHA_RND4(m2, 40);
		SHA_SCHED(m3, m0, m1, m2); SHA_RND4(m3, 44);
		SHA_SCHED(m0, m1, m2, m3); SHA_RND4(m0, 48);
		SHA_SCHED(m1, m2, m3, m0); SHA_RND4(m1, 52);
		SHA_SCHED(m2, m3, m0, m1); SHA_RND4(m2, 56);
		SHA_SCHED(m3, m0, m1, m2); SHA_RND4(m3, 60);
		s0 = _mm_add_epi32(s0, save0);
		s1 = _mm_add_epi32(s1, save1);
	}
	t = _mm_shuffle_epi32(s0, 0x1B);         /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);        /* DCHG */
	s0 = _mm_blend_epi16(t, s1, 0xF0);       /* DCBA */
	s1 = _mm_alignr_epi8(s1, t, 8);          /* ABEF */
	_mm_storeu_si128((__m128i *)&h[0], s0);
	_mm_storeu_si128((__m128i *)&h[4], s1);
}

/* Two independent messages at once, nblocks blocks of each: the rounds of
 * one hash wait on the latency of sha256rnds2, so interleaving a second
 * chain fills those cycles (~1.2-1.3x the throughput of one stream here). */
#define SHA_RND4_2(msg, nmsg, i)                                                           \
	do {                                                                                  \
		__m128i k_ = _mm_loadu_si128((const __m128i *)&snd_sha256_k[i]);                      \
		__m128i w_ = _mm_add_epi32((msg), k_), v_ = _mm_add_epi32((nmsg), k_);            \
		s1 = _mm_sha256rnds2_epu32(s1, s0, w_);                                            \
		r1 = _mm_sha256rnds2_epu32(r1, r0, v_);                                            \
		w_ = _mm_shuffle_epi32(w_, 0x0E);                                                  \
		v_ = _mm_shuffle_epi32(v_, 0x0E);                                                  \
		s0 = _mm_sha256rnds2_epu32(s0, s1, w_);                                            \
		r0 = _mm_sha256rnds2_epu32(r0, r1, v_);                                            \
	} while (0)
#define SHA_STEP_2(a0, a1, a2, a3, b0, b1, b2, b3, i)                                       \
	do {                                                                                  \
		SHA_SCHED(a0, a1, a2, a3);                                                        \
		SHA_SCHED(b0, b1, b2, b3);                                                        \
		SHA_RND4_2(a0, b0, i);                                                            \
	} while (0)

SHA_NI_TARGET static void sha256_blocks2_ni(uint32_t h[8], const uint8_t *p, uint32_t g[8],
                                            const uint8_t *q, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i s0, s1, r0, r1, t, m0, m1, m2, m3, n0, n1, n2, n3, a0, a1, b0, b1;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B);
	s0 = _mm_alignr_epi8(t, s1, 8);
	s1 = _mm_blend_epi16(s1, t, 0xF0);
	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&g[0]), 0xB1);
	r1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&g[4]), 0x1B);
	r0 = _mm_alignr_epi8(t, r1, 8);
	r1 = _mm_blend_epi16(r1, t, 0xF0);
	for (; nblocks > 0; nblocks--, p += 64, q += 64) {
		a0 = s0, a1 = s1, b0 = r0, b1 = r1;
		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
		n0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(q + 0)), bswap);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
		n1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(q + 16)), bswap);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
		n2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(q + 32)), bswap);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);
		n3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(q + 48)), bswap);
		SHA_RND4_2(m0, n0, 0);
		SHA_RND4_2(m1, n1, 4);
		SHA_RND4_2(m2, n2, 8);
		SHA_RND4_2(m3, n3, 12);
		for (int i = 16; i < 64; i += 16) {
			SHA_STEP_2(m0, m1, m2, m3, n0, n1, n2, n3, i);
			SHA_STEP_2(m1, m2, m3, m0, n1, n2, n3, n0, i + 4);
			SHA_STEP_2(m2, m3, m0, m1, n2, n3, n0, n1, i + 8);
			SHA_STEP_2(m3, m0, m1, m2, n3, n0, n1, n2, i + 12);
		}
		s0 = _mm_add_epi32(s0, a0);
		s1 = _mm_add_epi32(s1, a1);
		r0 = _mm_add_epi32(r0, b0);
		r1 = _mm_add_epi32(r1, b1);
	}
	t = _mm_shuffle_epi32(s0, 0x1B);
	s1 = _mm_shuffle_epi32(s1, 0xB1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, s1, 0xF0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(s1, t, 8));
	t = _mm_shuffle_epi32(r0, 0x1B);
	r1 = _mm_shuffle_epi32(r1, 0xB1);
	_mm_storeu_si128((__m128i *)&g[0], _mm_blend_epi16(t, r1, 0xF0));
	_mm_storeu_si128((__m128i *)&g[4], _mm_alignr_epi8(r1, t, 8));
}

/* 1 when the CPU has SHA-NI (with SSSE3 and SSE4.1); asked once (CPUID
 * traps to the hypervisor in a VM, so it is not asked per hash). */
static int have_sha_ni(void)
{
	static _Atomic int known = -1;
	int k = atomic_load_explicit(&known, memory_order_relaxed);
	if (k < 0) {
		unsigned a, b, c, d;
		int ssse3_sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19));
		k = ssse3_sse41 && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
		atomic_store_explicit(&known, k, memory_order_relaxed);
	}
	return k;
}
#endif

static void sha256_blocks(uint32_t h[8], const uint8_t *p, size_t nblocks)
{
#ifdef SND_SHA_NI
	if (have_sha_ni()) {
		sha256_blocks_ni(h, p, nblocks);
		return;
	}
#endif
	sha256_blocks_c(h, p, nblocks);
}

void snd_sha256_init(struct snd_sha256 *c)
{
	sha256_iv(c->h);
	c->total = 0;
	c->fill = 0;
}

void snd_sha256_update(struct snd_sha256 *c, const void *data, size_t n)
{
	const uint8_t *p = data;
	c->total += n;
	if (c->fill > 0) {
		size_t take = 64 - c->fill < n ? 64 - c->fill : n;
		memcpy(c->block + c->fill, p, take);
		c->fill += take;
		p += take;
		n -= take;
		if (c->fill < 64)
			return;
		sha256_blocks(c->h, c->block, 1);
		c->fill = 0;
	}
	if (n >= 64) {
		sha256_blocks(c->h, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	if (n > 0) {
		memcpy(c->block, p, n);
		c->fill = n;
	}
}

void snd_sha256_final(struct snd_sha256 *c, uint8_t out[32])
{
	uint64_t bits = c->total * 8;
	int i;
	c->block[c->fill++] = 0x80;
	if (c->fill > 56) {
		memset(c->block + c->fill, 0, 64 - c->fill);
		sha256_blocks(c->h, c->block, 1);
		c->fill = 0;
	}
	memset(c->block + c->fill, 0, 56 - c->fill);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_blocks(c->h, c->block, 1);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
	sodium_memzero(c, sizeof *c);
}

#ifdef SND_SHA_NI
/* One message of snd_sha256_pair: its hash so far and where it is. */
struct sha_pair_msg {
	uint32_t h[8];
	struct sha_msg m;
};

static void sha_msg_end(struct sha_pair_msg *x, uint8_t out[32])
{
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(x->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(x->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(x->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)x->h[i];
	}
	sodium_memzero(x->m.tail, sizeof x->m.tail);
}

#endif

void snd_sha256_pair(const void *a, size_t na, const void *b, size_t nb, uint8_t outa[32],
                     uint8_t outb[32])
{
#ifdef SND_SHA_NI
	struct sha_pair_msg x, y, *m;
	if (!have_sha_ni()) {
#endif
		crypto_hash_sha256(outa, a, na);
		crypto_hash_sha256(outb, b, nb);
		return;
#ifdef SND_SHA_NI
	}
	sha256_iv(x.h);
	sha256_iv(y.h);
	sha_msg_start(&x.m, a, na);
	sha_msg_start(&y.m, b, nb);
	for (;;) {
		size_t kx = sha_msg_next(&x.m), ky = sha_msg_next(&y.m), k = kx < ky ? kx : ky;
		if (k == 0)
			break;
		sha256_blocks2_ni(x.h, x.m.p, y.h, y.m.p, k);
		x.m.p += k * 64, x.m.left -= k;
		y.m.p += k * 64, y.m.left -= k;
	}
	/* One of the two is done; the other goes on alone. */
	m = x.m.left > 0 ? &x : &y;
	while (sha_msg_next(&m->m) > 0) {
		sha256_blocks_ni(m->h, m->m.p, m->m.left);
		m->m.left = 0;
	}
	sha_msg_end(&x, outa);
	sha_msg_end(&y, outb);
#endif
}

void snd_hex32(const uint8_t h[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	int i;
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[64] = '\0';
}

void snd_sha256_hex(const void *p, size_t n, char out[65])
{
	struct snd_sha256 c;
	uint8_t h[32];
#ifdef SND_SHA_NI
	if (!have_sha_ni()) {
#endif
		/* libsodium's portable code is a little faster than ours */
		crypto_hash_sha256(h, p, n);
		snd_hex32(h, out);
		return;
#ifdef SND_SHA_NI
	}
#endif
	snd_sha256_init(&c);
	snd_sha256_update(&c, p, n);
	snd_sha256_final(&c, h);
	snd_hex32(h, out);
}

/* Salts are taken from a pool per thread, filled by randombytes_buf (the
 * kernel's getrandom(2)) 32 salts at a time: one system call per 32
 * submissions instead of one each (~1 us of a request's CPU).  A salt's
 * bytes are wiped from the pool as it is handed out. */
#define SALT_POOL (32 * SND_SALT_BYTES)
static _Thread_local uint8_t salt_pool[SALT_POOL];
static _Thread_local size_t salt_used = SALT_POOL;

void snd_salt_new(uint8_t salt[SND_SALT_BYTES], char hex[SND_SALT_HEX + 1])
{
	if (salt_used + SND_SALT_BYTES > SALT_POOL) {
		randombytes_buf(salt_pool, SALT_POOL);
		salt_used = 0;
	}
	memcpy(salt, salt_pool + salt_used, SND_SALT_BYTES);
	sodium_memzero(salt_pool + salt_used, SND_SALT_BYTES);
	salt_used += SND_SALT_BYTES;
	sodium_bin2hex(hex, SND_SALT_HEX + 1, salt, SND_SALT_BYTES);
}

int snd_salt_parse(const char *hex, uint8_t salt[SND_SALT_BYTES])
{
	return snd_hex_parse(hex, salt, SND_SALT_BYTES);
}

void snd_answers_digest(const uint8_t *salt, const void *canon, size_t n, char hex[65])
{
	struct snd_sha256 c;
	uint8_t h[32];
	if (salt == NULL) {
		snd_sha256_hex(canon, n, hex);
		return;
	}
#ifdef SND_SHA_NI
	if (!have_sha_ni()) {
#endif
		crypto_hash_sha256_state st;
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, salt, SND_SALT_BYTES);
		crypto_hash_sha256_update(&st, canon, n);
		crypto_hash_sha256_final(&st, h);
		snd_hex32(h, hex);
		return;
#ifdef SND_SHA_NI
	}
#endif
	snd_sha256_init(&c);
	snd_sha256_update(&c, salt, SND_SALT_BYTES);
	snd_sha256_update(&c, canon, n);
	snd_sha256_final(&c, h);
	snd_hex32(h, hex);
}

enum snd_err snd_revision_hash(const char *salt_hex, const void *canon, size_t n, char hex[65])
{
	uint8_t salt[SND_SALT_BYTES];
	if (salt_hex == NULL) {
		snd_answers_digest(NULL, canon, n, hex);
		return SND_OK;
	}
	if (snd_salt_parse(salt_hex, salt) != 0)
		return SND_EINVAL;
	snd_answers_digest(salt, canon, n, hex);
	return SND_OK;
}

enum snd_err snd_answers_hash(const cJSON *answers, struct snd_buf *canonbuf, char hex[65])
{
	return snd_answers_hash_salted(answers, NULL, canonbuf, hex);
}

enum snd_err snd_answers_hash_salted(const cJSON *answers, const uint8_t *salt,
                                     struct snd_buf *canonbuf, char hex[65])
{
	struct snd_buf tmp;
	struct snd_buf *b = canonbuf;
	size_t start;
	enum snd_err e;
	if (b == NULL) {
		snd_buf_init(&tmp, 0);
		b = &tmp;
	}
	start = b->len;
	e = snd_canon_json(answers, b);
	if (e == SND_OK)
		snd_answers_digest(salt, b->data + start, b->len - start, hex);
	if (b == &tmp)
		snd_buf_free(&tmp);
	return e;
}
