/* tally_maps.c - the tally's containers: a chunked arena for strings, an
 * open-addressing string map over it, and the natural order of group
 * names.
 *
 * This file owns:
 *   1. the arena (struct arena): strings that live as long as the tally or
 *      the turnout count, freed all at once;
 *   2. the string map's growth and insertion (lookups are inline in
 *      tally_int.h: the per-row path calls them);
 *   3. tally_natcmp, the order of groups and turnout values.
 *
 * Invariants:
 *   1. The map's capacity is a power of two and its load at most 1/2, so
 *      every probe sequence ends at an empty slot.
 *   2. A key, once added, never moves in the arena: entries may point at it
 *      (scope names, turnout values) until the arena is freed.
 *   3. tally_natcmp is a total order: digit runs compare as numbers, ties
 *      fall back to the bytes.
 */
#include "tally_int.h"

#include <stdlib.h>
#include <string.h>

char *tally_arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > 65536 - sizeof *c ? n : 65536 - sizeof *c;
		c = malloc(sizeof *c + cap);
		if (c == NULL)
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

char *tally_arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = tally_arena_alloc(a, n + 1);
	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void tally_arena_free(struct arena *a)
{
	while (a->head != NULL) {
		struct chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
}

void tally_smap_free(struct smap *m)
{
	free(m->tab);
	m->tab = NULL;
	m->cap = m->n = 0;
}

static int smap_grow(struct smap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct sent *t = calloc(cap, sizeof *t);
	if (t == NULL)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		struct sent *e = &m->tab[i];
		if (e->k == NULL)
			continue;
		size_t j = e->h & (cap - 1);
		while (t[j].k != NULL)
			j = (j + 1) & (cap - 1);
		t[j] = *e;
	}
	free(m->tab);
	m->tab = t;
	m->cap = cap;
	return 0;
}


/* Inserts k with value val (caller checked it is absent).  Returns the
 * entry, or NULL when out of memory. */
struct sent *tally_smap_add(struct smap *m, struct arena *a, const char *k, size_t n,
                             uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap && smap_grow(m) != 0)
		return NULL;
	char *copy = tally_arena_strndup(a, k, n);
	if (copy == NULL)
		return NULL;
	uint32_t h = fnv(k, n);
	size_t j = h & (m->cap - 1);
	while (m->tab[j].k != NULL)
		j = (j + 1) & (m->cap - 1);
	m->tab[j].k = copy;
	m->tab[j].klen = n;
	m->tab[j].h = h;
	m->tab[j].val = val;
	m->n++;
	return &m->tab[j];
}

/* Natural order for group names: digit runs compare as numbers, so "SG2"
 * comes before "SG11"; ties fall back to bytes so the order is total. */
int tally_natcmp(const char *a, const char *b)
{
	const char *p = a, *q = b;
	while (*p && *q) {
		if (*p >= '0' && *p <= '9' && *q >= '0' && *q <= '9') {
			while (*p == '0')
				p++;
			while (*q == '0')
				q++;
			size_t lp = 0, lq = 0;
			while (p[lp] >= '0' && p[lp] <= '9')
				lp++;
			while (q[lq] >= '0' && q[lq] <= '9')
				lq++;
			if (lp != lq)
				return lp < lq ? -1 : 1;
			int c = memcmp(p, q, lp);
			if (c != 0)
				return c;
			p += lp;
			q += lq;
			continue;
		}
		if (*p != *q)
			return (unsigned char)*p < (unsigned char)*q ? -1 : 1;
		p++;
		q++;
	}
	if (*p || *q)
		return *p ? 1 : -1;
	return strcmp(a, b);
}
