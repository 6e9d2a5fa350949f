/* jdoc.c - the strict flat JSON reader of json_int.h: a known shape (token
 * claims, answer bodies) read into an array of nodes without a cJSON tree.
 *
 * It follows json.c's scan_text grammar and snd_utf8_valid's UTF-8 rules
 * byte for byte, but builds nodes as it goes and declines (-1) instead of
 * explaining; the caller then falls back to snd_json_parse, which says what
 * is wrong.
 *
 * Invariants:
 *   1. Accepts a subset of what snd_json_parse accepts, never more, and
 *      yields the values cJSON would (strings decoded the same way, numbers
 *      by strtod of the literal with the locale's decimal point).
 *   2. Nodes and strings go into the caller's arrays first; only past
 *      their capacity does it allocate, and snd_jdoc_free releases exactly
 *      what it allocated.  Decoded strings never move once written, so a
 *      node's string pointer stays valid until snd_jdoc_free.
 *   3. Never deeper than max_depth (clamped to SND_JSON_DEPTH_HARD); the
 *      recursion is bounded by it.
 */
#include "json_int.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	struct jdoc *d;
	const unsigned char *s;
	size_t n, i;
	int max_depth;
};

void snd_jdoc_init(struct jdoc *d, struct jnode *nodes, size_t ncap, char *str, size_t scap)
{
	memset(d, 0, sizeof *d);
	d->nodes = nodes;
	d->ncap = ncap;
	d->str = str;
	d->scap = scap;
}

void snd_jdoc_free(struct jdoc *d)
{
	size_t i;
	if (d == NULL)
		return;
	free(d->own_nodes);
	for (i = 0; i < d->nchunks; i++)
		free(d->chunks[i]);
	free(d->chunks);
	memset(d, 0, sizeof *d);
}

#define JP_NONODE UINT32_MAX

/* A new node's index, or JP_NONODE when out of memory. */
static uint32_t jp_node(struct jp *p, enum jtype t)
{
	struct jdoc *d = p->d;
	struct jnode *v;
	if (d->nn == d->ncap) {
		size_t ncap = d->ncap ? d->ncap * 2 : 64;
		struct jnode *nn;
		if (ncap >= UINT32_MAX)
			return JP_NONODE;
		if (d->own_nodes == NULL) {
			if ((nn = malloc(ncap * sizeof *nn)) == NULL)
				return JP_NONODE;
			if (d->nn)
				memcpy(nn, d->nodes, d->nn * sizeof *nn);
		} else if ((nn = realloc(d->own_nodes, ncap * sizeof *nn)) == NULL) {
			return JP_NONODE;
		}
		d->nodes = d->own_nodes = nn;
		d->ncap = ncap;
	}
	v = &d->nodes[d->nn];
	memset(v, 0, sizeof *v);
	v->type = t;
	return (uint32_t)d->nn++;
}

/* Room for n bytes of decoded string; strings never move once written. */
static char *jp_room(struct jp *p, size_t n)
{
	struct jdoc *d = p->d;
	char *c, **nc;
	size_t cap;
	if (d->str != NULL && d->scap - d->sused >= n)
		return d->str + d->sused;
	cap = d->scap * 2 > n ? d->scap * 2 : n + 256;
	if ((c = malloc(cap)) == NULL)
		return NULL;
	if ((nc = realloc(d->chunks, (d->nchunks + 1) * sizeof *nc)) == NULL) {
		free(c);
		return NULL;
	}
	d->chunks = nc;
	d->chunks[d->nchunks++] = c;
	d->str = c;
	d->scap = cap;
	d->sused = 0;
	return c;
}

static void put_utf8(char **o, unsigned cp)
{
	unsigned char *u = (unsigned char *)*o;
	if (cp < 0x80) {
		*u++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*u++ = (unsigned char)(0xC0 | cp >> 6);
		*u++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*u++ = (unsigned char)(0xE0 | cp >> 12);
		*u++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*u++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*u++ = (unsigned char)(0xF0 | cp >> 18);
		*u++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		*u++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*u++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	*o = (char *)u;
}

/* At the opening quote: decodes into the string arena (NUL-terminated). */
static int jp_string(struct jp *p, const char **out, size_t *outlen)
{
	const unsigned char *s = p->s;
	size_t i = p->i + 1, start = i, len;
	char *o, *o0;
	int esc = 0;
	/* first pass: find the end, check the bytes */
	while (i < p->n && s[i] != '"') {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '\\') {
			i++; /* plain ASCII: the common case first */
			continue;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			esc = 1;
			i += 2;
			continue;
		}
		if (c >= 0x80) {
			size_t k = snd_utf8_seq(s + i, p->n - i);
			if (k == 0)
				return -1;
			i += k;
			continue;
		}
		i++;
	}
	if (i >= p->n)
		return -1;
	len = i - start;
	if ((o0 = o = jp_room(p, len + 1)) == NULL)
		return -1;
	if (!esc) {
		memcpy(o, s + start, len);
		o += len;
	} else {
		size_t j;
		for (j = start; j < i;) {
			unsigned u, lo;
			if (s[j] != '\\') {
				*o++ = (char)s[j++];
				continue;
			}
			switch (s[j + 1]) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '/': *o++ = '/'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u':
				if (i - j < 6 || hex4(s + j + 2, &u) != 0 || u == 0 ||
				    (u >= 0xDC00 && u <= 0xDFFF))
					return -1;
				if (u >= 0xD800 && u <= 0xDBFF) {
					if (i - j < 12 || s[j + 6] != '\\' || s[j + 7] != 'u' ||
					    hex4(s + j + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
						return -1;
					u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
					j += 6;
				}
				put_utf8(&o, u);
				j += 6;
				continue;
			default:
				return -1;
			}
			j += 2;
		}
		/* an escape's second byte may have been the closing quote */
		if (j != i)
			return -1;
	}
	*o = '\0';
	*out = o0;
	*outlen = (size_t)(o - o0);
	p->d->sused += (size_t)(o - o0) + 1;
	p->i = i + 1;
	return 0;
}

static void jp_ws(struct jp *p)
{
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->i++;
	}
}

/* scan_number's grammar; the value as cJSON reads it (strtod of the
 * literal with the locale's decimal point), short integers directly. */
static int jp_number(struct jp *p, double *out)
{
	const unsigned char *s = p->s;
	size_t start = p->i, i = p->i, intdigits;
	int neg = 0, plain = 1;
	if (s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= p->n || !is_digit(s[i]))
		return -1;
	if (s[i] == '0') {
		i++;
		if (i < p->n && is_digit(s[i]))
			return -1;
	} else {
		while (i < p->n && is_digit(s[i]))
			i++;
	}
	intdigits = i - start - (size_t)neg;
	if (i < p->n && s[i] == '.') {
		plain = 0;
		i++;
		if (i >= p->n || !is_digit(s[i]))
			return -1;
		while (i < p->n && is_digit(s[i]))
			i++;
	}
	if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
		plain = 0;
		i++;
		if (i < p->n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= p->n || !is_digit(s[i]))
			return -1;
		while (i < p->n && is_digit(s[i]))
			i++;
	}
	if (i - start > SND_JSON_NUMBER_MAX)
		return -1;
	if (plain && intdigits <= 15) {
		/* below 10^15 < 2^53: exact, as strtod would round it */
		uint64_t v = 0;
		size_t k;
		for (k = start + (size_t)neg; k < i; k++)
			v = v * 10 + (uint64_t)(s[k] - '0');
		*out = neg ? -(double)v : (double)v;
	} else {
		char num[SND_JSON_NUMBER_MAX + 1];
		const char *dp = localeconv()->decimal_point;
		size_t k;
		for (k = 0; k < i - start; k++)
			num[k] = s[start + k] == '.' && dp && dp[0] ? dp[0] : (char)s[start + k];
		num[k] = '\0';
		*out = strtod(num, NULL);
	}
	p->i = i;
	return 0;
}

static int jp_value(struct jp *p, uint32_t *out, int depth);

static int jp_container(struct jp *p, uint32_t me, int depth)
{
	int obj = p->d->nodes[me].type == JT_OBJ;
	unsigned char close = obj ? '}' : ']';
	uint32_t last = 0, first_member = 0;
	if (depth >= p->max_depth)
		return -1;
	p->i++;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		size_t klen = 0;
		uint32_t v;
		if (obj) {
			if (p->i >= p->n || p->s[p->i] != '"' || jp_string(p, &key, &klen) != 0)
				return -1;
			jp_ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return -1;
			p->i++;
			jp_ws(p);
		}
		if (jp_value(p, &v, depth + 1) != 0)
			return -1;
		if (obj) {
			uint32_t k;
			/* a repeated key: compare with the earlier members */
			for (k = first_member; k != 0; k = p->d->nodes[k].next)
				if (p->d->nodes[k].klen == klen && memcmp(p->d->nodes[k].key, key, klen) == 0)
					return -1;
			p->d->nodes[v].key = key;
			p->d->nodes[v].klen = klen;
		}
		if (last)
			p->d->nodes[last].next = v;
		else
			p->d->nodes[me].child = first_member = v;
		last = v;
		if (++p->d->nodes[me].n > JDOC_MAX_MEMBERS && obj)
			return -1;
		jp_ws(p);
		if (p->i >= p->n)
			return -1;
		if (p->s[p->i] == ',') {
			p->i++;
			jp_ws(p);
			continue;
		}
		if (p->s[p->i] == close) {
			p->i++;
			return 0;
		}
		return -1;
	}
}

static int jp_value(struct jp *p, uint32_t *out, int depth)
{
	const unsigned char *s = p->s;
	uint32_t v;
	if (p->i >= p->n)
		return -1;
	switch (s[p->i]) {
	case '{':
	case '[':
		if ((v = jp_node(p, s[p->i] == '{' ? JT_OBJ : JT_ARR)) == JP_NONODE)
			return -1;
		if (jp_container(p, v, depth) != 0)
			return -1;
		break;
	case '"': {
		const char *str;
		size_t len;
		if ((v = jp_node(p, JT_STR)) == JP_NONODE)
			return -1;
		if (jp_string(p, &str, &len) != 0)
			return -1;
		p->d->nodes[v].s = str;
		p->d->nodes[v].slen = len;
		break;
	}
	case 't':
	case 'f':
	case 'n': {
		static const char *const lits[] = {"true", "false", "null"};
		static const enum jtype types[] = {JT_TRUE, JT_FALSE, JT_NULL};
		int k = s[p->i] == 't' ? 0 : s[p->i] == 'f' ? 1 : 2;
		size_t l = strlen(lits[k]);
		if (p->n - p->i < l || memcmp(s + p->i, lits[k], l) != 0)
			return -1;
		if ((v = jp_node(p, types[k])) == JP_NONODE)
			return -1;
		p->i += l;
		break;
	}
	default: {
		double d;
		if (s[p->i] != '-' && !is_digit(s[p->i]))
			return -1;
		if (jp_number(p, &d) != 0)
			return -1;
		if ((v = jp_node(p, JT_NUM)) == JP_NONODE)
			return -1;
		p->d->nodes[v].num = d;
		break;
	}
	}
	*out = v;
	return 0;
}

int snd_jdoc_parse(struct jdoc *d, const char *text, size_t len, int max_depth)
{
	struct jp p;
	uint32_t root;
	if (text == NULL)
		return -1;
	p.d = d;
	p.s = (const unsigned char *)text;
	p.n = len;
	p.i = 0;
	p.max_depth = max_depth < 0 ? 0 : max_depth > SND_JSON_DEPTH_HARD ? SND_JSON_DEPTH_HARD
	                                                                    : max_depth;
	d->nn = 0;
	jp_ws(&p);
	if (jp_value(&p, &root, 0) != 0)
		return -1;
	jp_ws(&p);
	return p.i == p.n ? 0 : -1;
}

const struct jnode *snd_jdoc_get(const struct jdoc *d, const struct jnode *o, const char *key)
{
	const struct jnode *m;
	size_t klen;
	if (o == NULL || o->type != JT_OBJ)
		return NULL;
	klen = strlen(key);
	for (m = jdoc_child(d, o); m != NULL; m = jdoc_next(d, m))
		if (m->klen == klen && memcmp(m->key, key, klen) == 0)
			return m;
	return NULL;
}
