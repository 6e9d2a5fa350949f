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
 */
#include "sounding.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANON_MAX_DEPTH 1000

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
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
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
		const cJSON **m;
		for (c = v->child; c; c = c->next) {
			if (c->string == NULL)
				return SND_EINVAL;
			n++;
		}
		if (n == 0) {
			snd_buf_puts(out, "{}");
			break;
		}
		m = malloc(n * sizeof *m);
		if (m == NULL)
			return SND_ENOMEM;
		i = 0;
		for (c = v->child; c; c = c->next)
			m[i++] = c;
		qsort(m, n, sizeof *m, cmp_members);
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

void snd_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, 65, h, sizeof h);
}

enum snd_err snd_answers_hash(const cJSON *answers, struct snd_buf *canonbuf, char hex[65])
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
		snd_sha256_hex(b->data + start, b->len - start, hex);
	if (b == &tmp)
		snd_buf_free(&tmp);
	return e;
}
