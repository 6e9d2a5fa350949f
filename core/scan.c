/* scan.c - the strict scanner of stored answers: decodes one row's
 * canonical answers object straight into the tally's decoded row (struct
 * dq, scan.h) with no allocation, the hot path of every tally.
 *
 * Invariants:
 *   1. It accepts only canonical JSON (RFC 8785) as snd_canon_json writes
 *      it: no whitespace, object members sorted by code units.  Question,
 *      option and row ids are [a-z0-9_], so their code-unit order is their
 *      byte order and they never need escapes.
 *   2. Anything else makes it give up (return -1) and the row goes to the
 *      cJSON fallback in tally_rows.c (tally_cjson_decode); giving up is never an
 *      error, only slower.
 *   3. Every step checks the end of the text before reading: a row is
 *      read within [txt, txt + n), with no NUL terminator needed.
 */
#include "scan.h"

#include <stdlib.h>

static int sc_lit(struct scan *c, const char *lit, size_t n)
{
	if ((size_t)(c->e - c->p) < n || !bytes_eq(c->p, lit, n))
		return -1;
	c->p += n;
	return 0;
}

/* A JSON number.  Short integers (the common case: scale points, counts)
 * are converted by hand; anything else through strtod on a bounded copy. */
static int sc_num(struct scan *c, double *out)
{
	const char *p = c->p, *b = p;
	int neg = 0;
	if (p < c->e && *p == '-') {
		neg = 1;
		p++;
	}
	const char *d = p;
	long long v = 0;
	while (p < c->e && *p >= '0' && *p <= '9' && p - d < 16)
		v = v * 10 + (*p++ - '0');
	if (p == d)
		return -1;
	if (p >= c->e || (*p != '.' && *p != 'e' && *p != 'E' && !(*p >= '0' && *p <= '9'))) {
		if (*d == '0' && p - d > 1)
			return -1;
		*out = neg ? -(double)v : (double)v;
		c->p = p;
		return 0;
	}
	while (p < c->e && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' ||
	                    *p == '+' || *p == '-'))
		p++;
	char tmp[64];
	size_t n = (size_t)(p - b);
	if (n >= sizeof tmp)
		return -1;
	memcpy(tmp, b, n);
	tmp[n] = '\0';
	char *end;
	double x = strtod(tmp, &end);
	if (end != tmp + n || !isfinite(x))
		return -1;
	*out = x;
	c->p = p;
	return 0;
}

/* A scale point as canonical JSON writes it: a short integer, checked
 * against the scale with integer compares (no double, no floor). */
HOT int sc_point(struct scan *c, const struct snd_question *q, int *pt)
{
	const char *p = c->p, *e = c->e;
	int neg = 0, v = 0, nd = 0;
	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	while (p < e && *p >= '0' && *p <= '9' && nd < 9) {
		v = v * 10 + (*p++ - '0');
		nd++;
	}
	if (nd == 0 || (nd > 1 && c->p[neg] == '0') ||
	    (p < e && (*p == '.' || *p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9'))))
		return -1;
	v = neg ? -v : v;
	if (v < q->min || v > q->max)
		return -1;
	*pt = v;
	c->p = p;
	return 0;
}

/* find_opt with the ids' lengths known: a length compare rejects most
 * candidates before any byte is compared. */
static int find_id(const struct snd_option *o, const uint16_t *lens, size_t n, const char *s,
                   size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (lens[i] == len && bytes_eq(o[i].id, s, len))
			return (int)i;
	return -1;
}

/* A matrix row by id: object keys come sorted, so walk the rows in id order
 * from where the last key matched (*cur), falling back to a full search. */
static int find_row(const struct snd_question *q, const int *sorted, const uint16_t *lens,
                    const char *s, size_t len, size_t *cur)
{
	while (*cur < q->nrows) {
		int r = sorted[(*cur)++];
		if (lens[r] == len && bytes_eq(q->rows[r].id, s, len))
			return r;
		int c = strncmp(q->rows[r].id, s, len);
		if (c > 0 || (c == 0 && lens[r] > len))
			break; /* passed it: not in order, or not a row */
	}
	return find_id(q->rows, lens, q->nrows, s, len);
}

/* A list of distinct option ids into pool; *n gets the count. */
static int sc_optlist(struct scan *c, const struct snd_question *q, const uint16_t *lens,
                      int *pool, int *n)
{
	int k = 0;
	if (sc_char(c, '['))
		return -1;
	if (c->p < c->e && *c->p == ']') {
		c->p++;
		*n = 0;
		return 0;
	}
	for (;;) {
		const char *s;
		size_t len;
		int esc, o;
		if (sc_str(c, &s, &len, &esc) || esc)
			return -1;
		if ((o = find_id(q->options, lens, q->noptions, s, len)) < 0 || (size_t)k >= q->noptions)
			return -1;
		for (int j = 0; j < k; j++)
			if (pool[j] == o)
				return -1;
		pool[k++] = o;
		int more = sc_next(c, ']');
		if (more < 0)
			return -1;
		if (more)
			continue;
		*n = k;
		return 0;
	}
}

static int sc_value(const struct scan_form *t, int qi, struct scan *c)
{
	const struct snd_question *q = &t->f->questions[qi];
	const struct qlay *l = &t->ql[qi];
	struct dq *d = &t->dq[qi];
	const char *s;
	size_t len;
	int esc;

	switch (q->type) {
	case SND_Q_SINGLE:
		if (sc_str(c, &s, &len, &esc) || esc)
			return -1;
		if ((d->v = find_id(q->options, t->idlen + l->ids, q->noptions, s, len)) < 0)
			return -1;
		break;
	case SND_Q_MULTI:
	case SND_Q_RANK:
		if (sc_optlist(c, q, t->idlen + l->ids, t->pool + l->pool, &d->v))
			return -1;
		break;
	case SND_Q_SCALE:
		if (c->p < c->e && *c->p == 'n') {
			if (sc_lit(c, "null", 4) || !q->no_view)
				return -1;
			d->v = CELL_NOVIEW;
		} else if (sc_point(c, q, &d->v)) {
			return -1;
		}
		break;
	case SND_Q_MATRIX: {
		int *cells = t->pool + l->pool;
		size_t cur = 0;
		for (size_t r = 0; r < q->nrows; r++)
			cells[r] = CELL_ABSENT;
		if (sc_char(c, '{'))
			return -1;
		if (c->p < c->e && *c->p == '}') {
			c->p++;
			break;
		}
		for (;;) {
			int r, pt;
			if (sc_str(c, &s, &len, &esc) || esc || sc_char(c, ':'))
				return -1;
			if ((r = find_row(q, t->idsorted + l->ids, t->idlen + l->ids, s, len, &cur)) < 0 ||
			    cells[r] != CELL_ABSENT)
				return -1;
			if (c->p < c->e && *c->p == 'n') {
				if (sc_lit(c, "null", 4) || !q->no_view)
					return -1;
				cells[r] = CELL_NOVIEW;
			} else if (sc_point(c, q, &pt)) {
				return -1;
			} else {
				cells[r] = pt;
			}
			int more = sc_next(c, '}');
			if (more < 0)
				return -1;
			if (!more)
				break;
		}
		break;
	}
	case SND_Q_POSITION: {
		int pos = -1, have_reason = 0;
		if (sc_char(c, '{'))
			return -1;
		for (;;) {
			const char *k;
			size_t klen;
			if (sc_str(c, &k, &klen, &esc) || esc || sc_char(c, ':'))
				return -1;
			if (klen == 8 && memcmp(k, "position", 8) == 0 && pos < 0) {
				if (sc_str(c, &s, &len, &esc) || esc || (pos = find_pos(s, len)) < 0)
					return -1;
			} else if (klen == 6 && memcmp(k, "reason", 6) == 0 && !have_reason) {
				if (sc_str(c, &d->s, &d->slen, &d->s_json))
					return -1;
				have_reason = 1;
			} else {
				return -1;
			}
			int more = sc_next(c, '}');
			if (more < 0)
				return -1;
			if (!more)
				break;
		}
		if (pos < 0)
			return -1;
		d->v = pos;
		break;
	}
	case SND_Q_NUMBER:
		if (sc_num(c, &d->num) || check_number(q, l, d->num))
			return -1;
		break;
	case SND_Q_TEXT:
		if (sc_str(c, &d->s, &d->slen, &d->s_json))
			return -1;
		break;
	default:
		return -1;
	}
	d->present = 1;
	return 0;
}

HOT int idcmp(const struct scan_form *t, int qi, const char *k, size_t n)
{
	const char *id = t->f->questions[qi].id;
	size_t ql = t->qidlen[qi];
	/* ids mostly differ in their first byte: settle those without a call */
	if (id[0] != k[0])
		return (unsigned char)id[0] < (unsigned char)k[0] ? -1 : 1;
	/* then eight bytes at a time as big-endian numbers (ids that share a
	 * first byte, "mech_...", are short): cheaper than a call to memcmp */
	const unsigned char *a = (const unsigned char *)id, *b = (const unsigned char *)k;
	size_t i = 0, m = ql < n ? ql : n;
	for (; i + 8 <= m; i += 8) {
		uint64_t x = ld64(a + i), y = ld64(b + i);
		if (x != y) {
			x = __builtin_bswap64(x);
			y = __builtin_bswap64(y);
			return x < y ? -1 : 1;
		}
	}
	for (; i < m; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return ql < n ? -1 : ql > n ? 1 : 0;
}

/* Decodes one canonical answers object into t->dq.  Keys come in sorted
 * order, so matching them against the sorted question ids is one merge
 * walk: O(questions + keys) per row, no hashing, no allocation. */
int snd_scan_answers(const struct scan_form *t, const char *txt, size_t n)
{
	struct scan c = {txt, txt + n};
	size_t cur = 0, nq = t->f->nquestions;
	if (sc_char(&c, '{'))
		return -1;
	if (c.p < c.e && *c.p == '}')
		return c.p + 1 == c.e ? 0 : -1;
	for (;;) {
		const char *k;
		size_t klen;
		int esc, cmp = 1;
		if (sc_str(&c, &k, &klen, &esc) || esc || sc_char(&c, ':'))
			return -1;
		while (cur < nq && (cmp = idcmp(t, t->sorted[cur], k, klen)) < 0)
			cur++;
		if (cur == nq || cmp != 0)
			return -1;
		if (sc_value(t, t->sorted[cur++], &c))
			return -1;
		if (c.p < c.e && *c.p == ',') {
			c.p++;
			continue;
		}
		if (sc_char(&c, '}'))
			return -1;
		return c.p == c.e ? 0 : -1;
	}
}
