/* tally_groups.c - which scopes a row counts in: the groups of --by, and
 * the token attributes they come from (also read by turnout.c).
 *
 * This file owns:
 *   1. the groups: one scope per distinct value, created on first sight;
 *   2. reading one attribute out of a row's attrs text (the scanner's
 *      steps, cJSON when the text is unusual);
 *   3. multi-valued attributes ("SG2;SG13"): each trimmed piece once.
 *
 * Invariants:
 *   1. At most MAX_GROUPS named groups; values beyond are pooled in
 *      "(other)", so memory does not grow with a near-unique attribute.
 *   2. A delegate without the attribute counts in "(none)"; a delegate
 *      whose pieces name one group twice counts in it once.
 */
#include "tally_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The scope of group value v[0..n), created on first sight (up to
 * MAX_GROUPS, then "(other)").  Returns -1 when out of memory. */
static int group_scope(struct tally *t, const char *v, size_t n)
{
	struct sent *e = smap_find(&t->groups, v, n);
	int named = !(n == strlen(GROUP_NONE) && memcmp(v, GROUP_NONE, n) == 0) &&
	            !(n == strlen(GROUP_OTHER) && memcmp(v, GROUP_OTHER, n) == 0);
	if (e != NULL)
		return (int)e->val;
	if (named && t->named_groups >= MAX_GROUPS) {
		v = GROUP_OTHER;
		n = strlen(GROUP_OTHER);
		if ((e = smap_find(&t->groups, v, n)) != NULL)
			return (int)e->val;
		named = 0;
	}
	e = tally_smap_add(&t->groups, &t->arena, v, n, 0);
	if (e == NULL)
		return -1;
	int si = tally_new_scope(t, e->k);
	if (si < 0)
		return -1;
	e->val = (uint32_t)si;
	t->named_groups += (size_t)named;
	return si;
}

/* Looks up attribute `key` in the attrs object text.  On success *v, *n is
 * the raw value (pointing into attrs, or into *tree when the text needed
 * cJSON: escapes, whitespace oddities); *v NULL when absent or not a
 * string.  The caller deletes *tree. */
void tally_attr_value(const char *attrs, const char *key, const char **v, size_t *n,
                       cJSON **tree)
{
	size_t klen = strlen(key);
	*v = NULL;
	*n = 0;
	*tree = NULL;
	if (attrs == NULL)
		return;
	struct scan c = {attrs, attrs + strlen(attrs)};
	if (sc_char(&c, '{'))
		goto slow;
	if (c.p < c.e && *c.p == '}')
		return;
	for (;;) {
		const char *k, *s;
		size_t kl, sl;
		int esc, vesc;
		if (sc_str(&c, &k, &kl, &esc) || esc || sc_char(&c, ':') ||
		    sc_str(&c, &s, &sl, &vesc))
			goto slow;
		if (kl == klen && memcmp(k, key, kl) == 0) {
			if (vesc)
				goto slow;
			*v = s;
			*n = sl;
			return;
		}
		int more = sc_next(&c, '}');
		if (more < 0)
			goto slow;
		if (!more)
			return;
	}
slow:
	*tree = cJSON_Parse(attrs);
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(*tree, key);
	if (cJSON_IsString(it)) {
		*v = it->valuestring;
		*n = strlen(it->valuestring);
	}
}

/* The piece of v[0..n) that starts at i: it ends at j (a ';' when split,
 * else n), returned; [*a, *b) is it without spaces and tabs around. */
static size_t piece(const char *v, size_t n, int split, size_t i, size_t *a, size_t *b)
{
	size_t j = i;
	while (j < n && !(split && v[j] == ';'))
		j++;
	*a = i;
	*b = j;
	while (*a < *b && (v[*a] == ' ' || v[*a] == '\t'))
		(*a)++;
	while (*b > *a && (v[*b - 1] == ' ' || v[*b - 1] == '\t'))
		(*b)--;
	return j;
}

/* Calls fn for each value of a multi-valued attribute ("SG2;SG13": each
 * piece, trimmed, once); "(none)" when there is none. */
int tally_each_piece(const char *v, size_t n, int split,
                      int (*fn)(void *ctx, const char *p, size_t len), void *ctx)
{
	int any = 0;
	size_t i = 0;
	while (v != NULL && i < n) {
		size_t a, b, j = piece(v, n, split, i, &a, &b);
		if (b > a) {
			/* once per distinct piece */
			int dup = 0;
			for (size_t k = 0; k < i && !dup;) {
				size_t ka, kb, e = piece(v, n, split, k, &ka, &kb);
				dup = kb - ka == b - a && memcmp(v + ka, v + a, b - a) == 0;
				k = e + 1;
			}
			if (!dup) {
				if (fn(ctx, v + a, b - a))
					return -1;
				any = 1;
			}
		}
		i = j + 1;
	}
	if (!any)
		return fn(ctx, GROUP_NONE, strlen(GROUP_NONE));
	return 0;
}

int tally_add_row_scope(void *ctx, const char *p, size_t len)
{
	struct row_scopes *rs = ctx;
	int si = group_scope(rs->t, p, len);
	if (si < 0)
		return -1;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->ids[i] == (uint32_t)si)
			return 0; /* two pieces pooled in "(other)" */
	uint32_t *ids = tally_grow(rs->ids, rs->n, &rs->cap, sizeof *ids, 8);
	if (ids == NULL)
		return -1;
	rs->ids = ids;
	rs->ids[rs->n++] = (uint32_t)si;
	return 0;
}

/* --------------------------------------------- the attributes that exist
 * snd_tally_attrs: only on the error path of an unknown --by, so a plain
 * walk with cJSON per row, and a short sorted list of distinct keys
 * (at most MAX_ATTR_KEYS; a database with more is not one we made). */

#define MAX_ATTR_KEYS 256

struct attr_keys {
	char *k[MAX_ATTR_KEYS];
	size_t n;
	const struct snd_form *f;
	int oom;
};

static int attr_keys_row(void *ctx, const struct snd_walk_row *w)
{
	struct attr_keys *a = ctx;
	cJSON *o, *it;
	if (!w->count || w->attrs[0] == '\0')
		return 0;
	if ((o = cJSON_Parse(w->attrs)) == NULL)
		return 0; /* the engine skips such rows too */
	cJSON_ArrayForEach(it, o) {
		size_t i = 0;
		if (it->string == NULL || !snd_form_attr_public(a->f, it->string))
			continue;
		while (i < a->n && strcmp(a->k[i], it->string) < 0)
			i++;
		if ((i < a->n && strcmp(a->k[i], it->string) == 0) || a->n == MAX_ATTR_KEYS)
			continue;
		char *d = strdup(it->string);
		if (d == NULL) {
			a->oom = 1;
			break;
		}
		memmove(&a->k[i + 1], &a->k[i], (a->n - i) * sizeof a->k[0]);
		a->k[i] = d;
		a->n++;
	}
	cJSON_Delete(o);
	return a->oom;
}

enum snd_err snd_tally_attrs(struct snd_store *s, const struct snd_form *f, char **names,
                             char *errbuf, size_t errlen)
{
	struct attr_keys a;
	struct snd_buf b;
	enum snd_err e;
	memset(&a, 0, sizeof a);
	a.f = f;
	e = snd_store_walk(s, f->id, SND_WALK_ATTRS, attr_keys_row, &a, NULL);
	if (e == SND_OK && a.oom)
		e = SND_ENOMEM;
	snd_buf_init(&b, 0);
	for (size_t i = 0; i < a.n; i++) {
		if (e == SND_OK)
			snd_buf_printf(&b, "%s%s", i ? ", " : "", a.k[i]);
		free(a.k[i]);
	}
	if (e == SND_OK && (*names = snd_buf_steal(&b, NULL)) == NULL)
		e = SND_ENOMEM;
	snd_buf_free(&b);
	if (e == SND_ENOMEM)
		tally_errf(errbuf, errlen, "%s", "out of memory while listing attributes");
	else if (e != SND_OK)
		tally_errf(errbuf, errlen, "reading responses: %s", snd_store_errmsg(s));
	return e;
}

int tally_has_attr(const char *names, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = names; *p;) {
		const char *q = strstr(p, ", ");
		size_t len = q ? (size_t)(q - p) : strlen(p);
		if (len == n && memcmp(p, key, n) == 0)
			return 1;
		if (q == NULL)
			break;
		p = q + 2;
	}
	return 0;
}
