/* json.c - guarded JSON parsing of untrusted text.
 *
 * cJSON is lenient (it skips any byte <= 0x20 as whitespace, accepts "01",
 * "1.", "-.5", raw control characters in strings and repeated keys) and
 * recursive.  So every text first passes a strict, non-recursive scan
 * against the RFC 8259 grammar here, and only a text that passed is handed
 * to cJSON.
 *
 * Invariants:
 *   1. Nothing reaches cJSON that is over max_len bytes, invalid UTF-8, holds
 *      a NUL byte, a "\u0000" escape or a lone surrogate escape, or nests
 *      deeper than max_depth (clamped to SND_JSON_DEPTH_HARD) levels.  The
 *      scan costs O(len) time and O(depth) memory, so a 10,000-deep input is
 *      refused after reading max_depth + 1 brackets.
 *   2. A tree handed out has no object with a repeated key.
 *   3. Errors name the line and column (both 1-based, the column counted in
 *      bytes) of the first offending byte.
 */
#include "json_int.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cJSON refuses deeper input anyway (CJSON_NESTING_LIMIT). */
#define SND_JSON_DEPTH_HARD 1000
/* cJSON copies a number into a 64-byte buffer; longer literals would be
 * misread, so they are refused here. */
#define SND_JSON_NUMBER_MAX 63

struct scan {
	const unsigned char *s;
	size_t n, i;
	int max_depth;
	/* Locate mode: stop at member `want_member` (0-based) of the object
	 * that is `want_object`-th (0-based) in document order. */
	long want_object, want_member;
	size_t found_at;
	const char *why;
	size_t why_at;
};

static void where(const char *text, size_t len, size_t at, size_t *line, size_t *col)
{
	size_t i, l = 1, c = 1;
	for (i = 0; i < at && i < len; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int fail(struct scan *sc, size_t at, const char *why)
{
	sc->why = why;
	sc->why_at = at;
	return -1;
}

static void skip_ws(struct scan *sc)
{
	while (sc->i < sc->n) {
		unsigned char c = sc->s[sc->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->i++;
	}
}

static int hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	int k;
	for (k = 0; k < 4; k++) {
		unsigned c = p[k], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* At the opening quote; leaves i after the closing one. */
static int scan_string(struct scan *sc)
{
	size_t start = sc->i;
	sc->i++;
	while (sc->i < sc->n) {
		unsigned char c = sc->s[sc->i];
		if (c == '"') {
			sc->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(sc, sc->i, "control character in a string (escape it)");
		if (c != '\\') {
			sc->i++;
			continue;
		}
		if (sc->i + 1 >= sc->n)
			break;
		c = sc->s[sc->i + 1];
		if (strchr("\"\\/bfnrt", c) != NULL && c != '\0') {
			sc->i += 2;
			continue;
		}
		if (c != 'u')
			return fail(sc, sc->i, "invalid escape in a string");
		{
			unsigned u, lo;
			if (sc->n - sc->i < 6 || hex4(sc->s + sc->i + 2, &u) != 0)
				return fail(sc, sc->i, "invalid \\u escape");
			if (u == 0)
				return fail(sc, sc->i, "\\u0000 is not allowed");
			if (u >= 0xDC00 && u <= 0xDFFF)
				return fail(sc, sc->i, "lone low surrogate escape");
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (sc->n - sc->i < 12 || sc->s[sc->i + 6] != '\\' ||
				    sc->s[sc->i + 7] != 'u' || hex4(sc->s + sc->i + 8, &lo) != 0 ||
				    lo < 0xDC00 || lo > 0xDFFF)
					return fail(sc, sc->i, "lone high surrogate escape");
				sc->i += 12;
			} else {
				sc->i += 6;
			}
		}
	}
	return fail(sc, start, "unterminated string");
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int scan_number(struct scan *sc)
{
	size_t start = sc->i;
	const unsigned char *s = sc->s;
	if (sc->i < sc->n && s[sc->i] == '-')
		sc->i++;
	if (sc->i >= sc->n || !is_digit(s[sc->i]))
		return fail(sc, start, "invalid number");
	if (s[sc->i] == '0') {
		sc->i++;
		if (sc->i < sc->n && is_digit(s[sc->i]))
			return fail(sc, start, "numbers may not have leading zeros");
	} else {
		while (sc->i < sc->n && is_digit(s[sc->i]))
			sc->i++;
	}
	if (sc->i < sc->n && s[sc->i] == '.') {
		sc->i++;
		if (sc->i >= sc->n || !is_digit(s[sc->i]))
			return fail(sc, start, "invalid number (digit expected after '.')");
		while (sc->i < sc->n && is_digit(s[sc->i]))
			sc->i++;
	}
	if (sc->i < sc->n && (s[sc->i] == 'e' || s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < sc->n && (s[sc->i] == '+' || s[sc->i] == '-'))
			sc->i++;
		if (sc->i >= sc->n || !is_digit(s[sc->i]))
			return fail(sc, start, "invalid number (digit expected in exponent)");
		while (sc->i < sc->n && is_digit(s[sc->i]))
			sc->i++;
	}
	if (sc->i - start > SND_JSON_NUMBER_MAX)
		return fail(sc, start, "number literal too long");
	return 0;
}

static int scan_literal(struct scan *sc)
{
	static const char *const lits[] = {"true", "false", "null"};
	size_t k;
	for (k = 0; k < 3; k++) {
		size_t l = strlen(lits[k]);
		if (sc->n - sc->i >= l && memcmp(sc->s + sc->i, lits[k], l) == 0) {
			sc->i += l;
			return 0;
		}
	}
	return fail(sc, sc->i, "unexpected character (a value was expected)");
}

/* The whole grammar without recursion: `stack` holds '{' or '[' per level
 * and `members` counts the members seen at each level (locate mode). */
static int scan_text(struct scan *sc)
{
	unsigned char stack[SND_JSON_DEPTH_HARD + 1];
	long objnum[SND_JSON_DEPTH_HARD + 1], members[SND_JSON_DEPTH_HARD + 1];
	int depth = 0;
	long objects = 0;

	if (sc->n >= 3 && memcmp(sc->s, "\xEF\xBB\xBF", 3) == 0)
		sc->i = 3; /* a byte order mark, as cJSON skips it too */
	skip_ws(sc);
	for (;;) {
		/* expecting a value */
		if (sc->i >= sc->n)
			return fail(sc, sc->i, depth ? "unexpected end of text" : "empty text");
		switch (sc->s[sc->i]) {
		case '{':
		case '[':
			if (depth >= sc->max_depth)
				return fail(sc, sc->i, "nested too deeply");
			stack[depth] = sc->s[sc->i];
			members[depth] = 0;
			objnum[depth] = sc->s[sc->i] == '{' ? objects++ : -1;
			depth++;
			sc->i++;
			skip_ws(sc);
			if (sc->i < sc->n && sc->s[sc->i] == (stack[depth - 1] == '{' ? '}' : ']')) {
				sc->i++;
				depth--;
				goto after_value;
			}
			if (stack[depth - 1] == '[')
				continue;
			goto member_key;
		case '"':
			if (scan_string(sc) != 0)
				return -1;
			goto after_value;
		case '-':
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			if (scan_number(sc) != 0)
				return -1;
			goto after_value;
		default:
			if (scan_literal(sc) != 0)
				return -1;
			goto after_value;
		}
	member_key:
		if (sc->i >= sc->n || sc->s[sc->i] != '"')
			return fail(sc, sc->i, "object key (a string) expected");
		if (objnum[depth - 1] == sc->want_object && members[depth - 1] == sc->want_member) {
			sc->found_at = sc->i;
			return 0;
		}
		members[depth - 1]++;
		if (scan_string(sc) != 0)
			return -1;
		skip_ws(sc);
		if (sc->i >= sc->n || sc->s[sc->i] != ':')
			return fail(sc, sc->i, "':' expected after an object key");
		sc->i++;
		skip_ws(sc);
		continue;
	after_value:
		skip_ws(sc);
		if (depth == 0) {
			if (sc->i != sc->n)
				return fail(sc, sc->i, "unexpected text after the JSON value");
			return 0;
		}
		if (sc->i >= sc->n)
			return fail(sc, sc->i, "unexpected end of text");
		if (sc->s[sc->i] == ',') {
			sc->i++;
			skip_ws(sc);
			if (stack[depth - 1] == '{')
				goto member_key;
			continue;
		}
		if (sc->s[sc->i] == (stack[depth - 1] == '{' ? '}' : ']')) {
			sc->i++;
			depth--;
			goto after_value;
		}
		return fail(sc, sc->i, stack[depth - 1] == '{' ? "',' or '}' expected"
		                                               : "',' or ']' expected");
	}
}

/* Objects up to this size are checked for repeats pairwise (n^2/2
 * strcmp, no allocation); larger ones by sorting. */
#define DUP_SMALL 16

static int cmp_keys(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string, y->string);
}

/* Pre-order walk (the order of '{' in the text).  On a repeated key sets
 * *obj to the object's ordinal, *member to the repeat's index, *key. */
static int find_duplicate(const cJSON *v, long *ordinal, long *obj, long *member,
                          const char **key)
{
	const cJSON *c;
	if (cJSON_IsObject(v)) {
		long me = (*ordinal)++;
		size_t n = 0, k;
		const cJSON **keys;
		for (c = v->child; c; c = c->next)
			n++;
		if (n > 1 && n <= DUP_SMALL) {
			/* small objects (nearly all): each key against the later ones,
			 * no allocation; the first repeat found is the same one the
			 * sort below reports (its smallest repeated key's pair) */
			const cJSON *best = NULL, *bestlater = NULL;
			const cJSON *d1;
			for (c = v->child; c; c = c->next)
				for (d1 = c->next; d1; d1 = d1->next)
					if (strcmp(c->string, d1->string) == 0 &&
					    (best == NULL || strcmp(c->string, best->string) < 0)) {
						best = c;
						bestlater = d1;
					}
			if (best != NULL) {
				long idx = 0, i2 = -1;
				for (c = v->child; c; c = c->next, idx++)
					if (c == bestlater)
						i2 = idx;
				*obj = me;
				*member = i2;
				*key = best->string;
				return -1;
			}
		} else if (n > 1) {
			keys = malloc(n * sizeof *keys);
			if (keys == NULL)
				return -2;
			k = 0;
			for (c = v->child; c; c = c->next)
				keys[k++] = c;
			qsort(keys, n, sizeof *keys, cmp_keys);
			for (k = 1; k < n; k++) {
				if (strcmp(keys[k - 1]->string, keys[k]->string) == 0) {
					/* report the later occurrence */
					const cJSON *dup = keys[k - 1], *d2 = keys[k];
					long idx = 0, i1 = -1, i2 = -1;
					for (c = v->child; c; c = c->next, idx++) {
						if (c == dup)
							i1 = idx;
						if (c == d2)
							i2 = idx;
					}
					*obj = me;
					*member = i1 > i2 ? i1 : i2;
					*key = dup->string;
					free(keys);
					return -1;
				}
			}
			free(keys);
		}
	}
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		for (c = v->child; c; c = c->next) {
			int r = find_duplicate(c, ordinal, obj, member, key);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

static void set_err(char *errbuf, size_t errlen, const char *text, size_t len, size_t at,
                    const char *msg, const char *arg)
{
	size_t line, col;
	if (errbuf == NULL || errlen == 0)
		return;
	where(text, len, at, &line, &col);
	if (arg)
		snprintf(errbuf, errlen, "line %zu, column %zu: %s \"%.60s\"", line, col, msg, arg);
	else
		snprintf(errbuf, errlen, "line %zu, column %zu: %s", line, col, msg);
}

enum snd_err snd_json_parse(const char *text, size_t len, size_t max_len, int max_depth,
                            cJSON **out, char *errbuf, size_t errlen)
{
	struct scan sc;
	size_t bad = 0;
	cJSON *root = NULL;
	const char *end = NULL;
	long ordinal = 0, obj = -1, member = -1;
	const char *dupkey = NULL;
	int r;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (text == NULL) {
		set_err(errbuf, errlen, "", 0, 0, "no text", NULL);
		return SND_EINVAL;
	}
	if (len > max_len) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "the text is %zu bytes, over the limit of %zu", len,
			         max_len);
		return SND_ETOOBIG;
	}
	if (!snd_utf8_valid(text, len, &bad)) {
		set_err(errbuf, errlen, text, len, bad,
		        text[bad] == '\0' ? "NUL byte in the text" : "invalid UTF-8", NULL);
		return SND_EINVAL;
	}
	memset(&sc, 0, sizeof sc);
	sc.s = (const unsigned char *)text;
	sc.n = len;
	sc.max_depth = max_depth < 0 ? 0 : max_depth > SND_JSON_DEPTH_HARD ? SND_JSON_DEPTH_HARD
	                                                                    : max_depth;
	sc.want_object = sc.want_member = -1;
	if (scan_text(&sc) != 0) {
		set_err(errbuf, errlen, text, len, sc.why_at, sc.why, NULL);
		return SND_EINVAL;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (root == NULL) {
		/* The scan accepted it, so this is an allocation failure. */
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "out of memory while parsing");
		return SND_ENOMEM;
	}
	while (end && (size_t)(end - text) < len && strchr(" \t\r\n", *end) && *end)
		end++;
	if (end == NULL || (size_t)(end - text) != len) {
		cJSON_Delete(root);
		set_err(errbuf, errlen, text, len, end ? (size_t)(end - text) : 0,
		        "unexpected text after the JSON value", NULL);
		return SND_EINVAL;
	}
	r = find_duplicate(root, &ordinal, &obj, &member, &dupkey);
	if (r == -2) {
		cJSON_Delete(root);
		return SND_ENOMEM;
	}
	if (r != 0) {
		memset(&sc, 0, sizeof sc);
		sc.s = (const unsigned char *)text;
		sc.n = len;
		sc.max_depth = SND_JSON_DEPTH_HARD;
		sc.want_object = obj;
		sc.want_member = member;
		scan_text(&sc);
		set_err(errbuf, errlen, text, len, sc.found_at, "repeated object key", dupkey);
		cJSON_Delete(root);
		return SND_EINVAL;
	}
	*out = root;
	return SND_OK;
}

/* ------------------------------------------------------------ jdoc
 * The strict reader of json_int.h.  It follows scan_text's grammar and
 * snd_utf8_valid's UTF-8 rules byte for byte, but builds nodes as it goes
 * and declines (-1) instead of explaining. */

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
