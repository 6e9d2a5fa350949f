/* json.c - guarded JSON parsing of untrusted text (snd_json_parse).  The
 * flat reader for known shapes on the request paths is jdoc.c; the grammar
 * pieces both use are in json_int.h.
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
