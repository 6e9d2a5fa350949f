/* scan.h - internal to libsounding: the strict scanner of stored answers
 * (scan.c) and what it shares with the tally engine: tally.c lays out the
 * tables the scanner reads, the scanner writes the decoded row that
 * tally_rows.c adds up.
 *
 * Owns: the decoded-row types (struct dq, the matrix cell sentinels), the
 * per-question layout record (struct qlay), the scanner's view of a tally
 * (struct scan_form) and the scanner's primitives that the engine also uses
 * (strings and characters of attrs text in tally_groups.c; position names
 * and number checks, shared with the cJSON fallback).
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_SCAN_H
#define SND_SCAN_H

#include "sounding.h"

#include <limits.h>
#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Sentinels in the decoded row's matrix cells. */
#define CELL_ABSENT INT_MIN
#define CELL_NOVIEW (INT_MIN + 1)

/* Where a question lives in an accumulator block (see tally_layout() in tally.c). */
struct qlay {
	size_t off;      /* the question's slot: [answered, ...] */
	size_t row_len;  /* matrix: each row's slot and its no-view count (2 + npoints) */
	int npoints;     /* scale/matrix: max - min + 1 */
	int nbins;       /* number: > 0 when binned */
	double lo;       /* number: the value of bin 0 */
	size_t pool;     /* offset in the decoded row's int pool */
	size_t ids;      /* offset in t->idlen / t->idsorted: options, or matrix rows */
	int numi;        /* number: index among number questions, else -1 */
};

/* One decoded answer of the current row. */
struct dq {
	int present;
	int v;            /* single: option; scale: point or CELL_NOVIEW; position: enum;
	                   * multi/rank: number of options in the pool */
	double num;       /* number */
	const char *s;    /* text / position reason: bytes (JSON-escaped when s_json) */
	size_t slen;
	int s_json;       /* s holds the inside of a JSON string literal with escapes */
	int kept;         /* the decoded text is in the row's text buffer: */
	size_t kept_off, kept_len; /* at kept_off, kept_len bytes (no NUL inside) */
};

/* The scanner's view of a tally: the form, its layout and the decoded row.
 * Borrowed: tally.c owns every array (allocated once by tally_layout(),
 * freed by tally_release) and points this at them once they exist. */
struct scan_form {
	const struct snd_form *f;
	const struct qlay *ql;   /* per question */
	struct dq *dq;           /* the current row, per question */
	int *pool;               /* multi/rank options, matrix cells, at ql->pool */
	const size_t *qidlen;    /* strlen of each question id */
	const uint16_t *idlen;   /* strlen of each option (matrix: row) id, at ql->ids */
	const int *idsorted;     /* matrix: row indices in id order, at ql->ids */
	const int *sorted;       /* question indices sorted by id (bytes) */
};

/* Decodes one canonical answers object (as the writer stored it) into
 * t->dq and t->pool, which the caller has zeroed.  0 on success; -1 when
 * the text is anything the scanner does not expect (the caller then falls
 * back to cJSON, tally_rows.c's tally_cjson_decode), leaving t->dq partly
 * filled. */
int snd_scan_answers(const struct scan_form *t, const char *txt, size_t n);

/* The scanner's small steps run ~60 times per row: inlined, a row costs
 * about 10% fewer instructions (callgrind, LSG form). */
#if defined(__GNUC__)
#define HOT static inline __attribute__((always_inline))
#else
#define HOT static inline
#endif

struct scan {
	const char *p, *e;
};

/* The first '"' or '\\' in [p, e), or e.  With SSE2 (every x86-64) 16 bytes
 * at a time, never reading past e; most literals are ids and end within
 * the first block. */
HOT const char *str_stop(const char *p, const char *e)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
		if (m != 0)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	while (p < e && *p != '"' && *p != '\\')
		p++;
	return p;
}

/* A string literal: *s, *n = its inside (still escaped); *esc when it holds
 * a backslash. */
HOT int sc_str(struct scan *c, const char **s, size_t *n, int *esc)
{
	const char *p = c->p, *e = c->e;
	int bs = 0;
	if (p >= e || *p != '"')
		return -1;
	const char *b = ++p;
	for (;;) {
		p = str_stop(p, e);
		if (p >= e)
			return -1;
		if (*p == '"')
			break;
		bs = 1; /* skip the escaped character */
		p += 2;
		if (p > e)
			return -1;
	}
	*s = b;
	*n = (size_t)(p - b);
	*esc = bs;
	c->p = p + 1;
	return 0;
}

HOT int sc_char(struct scan *c, char ch)
{
	if (c->p >= c->e || *c->p != ch)
		return -1;
	c->p++;
	return 0;
}

/* After a member of an object or an element of an array: 1 when a ','
 * follows (consumed: another comes), 0 at the closing byte close
 * (consumed), -1 on anything else. */
HOT int sc_next(struct scan *c, char close)
{
	if (c->p < c->e && *c->p == ',') {
		c->p++;
		return 1;
	}
	return sc_char(c, close) ? -1 : 0;
}

/* a[0..n) == b[0..n), inline: the ids and names compared here are a few
 * bytes long, where a call to memcmp costs more than the comparison (it
 * was ~7% of a tally's instructions, ~54 calls per row). */
static inline uint64_t ld64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t ld32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline int bytes_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	if (n >= 8) {
		size_t i = 0;
		for (; i + 8 < n; i += 8)
			if (ld64(p + i) != ld64(q + i))
				return 0;
		return ld64(p + n - 8) == ld64(q + n - 8); /* the last 8, overlapping */
	}
	if (n >= 4)
		return ld32(p) == ld32(q) && ld32(p + n - 4) == ld32(q + n - 4);
	for (; n > 0; n--)
		if (*p++ != *q++)
			return 0;
	return 1;
}

static inline int find_pos(const char *s, size_t len)
{
	int i;
	switch (len ? s[0] : 0) {
	case 's': i = SND_POS_SUPPORT; break;
	case 'l': i = SND_POS_LIVE_WITH; break;
	case 'o': i = SND_POS_OBJECT; break;
	case 'a': i = SND_POS_ABSTAIN; break;
	default: return -1;
	}
	/* Length first: s may hold NUL bytes (a damaged row), and strncmp would
	 * stop at one and let names[i][len] read past the name. */
	if (strlen(snd_position_names[i]) != len || !bytes_eq(snd_position_names[i], s, len))
		return -1;
	return i;
}

static inline int check_number(const struct snd_question *q, const struct qlay *l, double x)
{
	if (!isfinite(x))
		return -1;
	if (q->integer && x != floor(x))
		return -1;
	if (l->nbins > 0 && (x < l->lo || x >= l->lo + l->nbins))
		return -1;
	return 0;
}

#endif
