/* tally.c - streaming aggregation of every delegate's latest revision into
 * the summary of interface.md ("The tally"), and turnout for the chair.
 *
 * This file owns:
 *   - the accumulator layout: one flat array of doubles per scope (the
 *     whole questionnaire, and each --by group), with a fixed offset for
 *     every question, matrix row, option, scale point and pairwise cell;
 *   - the decoding of stored answers: the strict scanner for the canonical
 *     JSON the writer stores (no allocation per row) is scan.c; here is the
 *     cJSON fallback for anything the scanner does not expect;
 *   - the measures: shares and leader, scale distribution / mean / lower
 *     median / Tastle-Wierman consensus, Borda, Schulze (winning votes),
 *     Condorcet winner, position consensus, number statistics;
 *   - for large tallies, one worker thread that decodes batches of rows
 *     while the calling thread reads the next batch from the store (the
 *     store connection itself is only ever used by the calling thread);
 *   - the output: one emitter that builds the cJSON tree or writes the
 *     same document as pretty JSON to a stream as it is made.
 *
 * Invariants:
 *   1. One pass: snd_store_each_latest runs one SQL statement, so every
 *      figure comes from one consistent snapshot even while the collector
 *      writes.  Memory is bounded by the form's size times the number of
 *      scopes, not by the number of responses - except the objections and
 *      comments (kept.c: bounded by its budget when the caller gives one,
 *      the rest in sorted runs in a temporary file), the values of `number`
 *      questions that cannot be binned (8 bytes each, 12 with --weight
 *      entity), and --weight entity's per-(scope, entity) blocks.
 *   2. Every accumulator is a sum of one ballot's indicators (counts,
 *      Borda points, pairwise preferences, sums of numbers), so it is
 *      linear in the ballots.  --weight entity relies on it: each
 *      (scope, entity) gets its own block of the same layout, filled with
 *      weight 1 per delegate; at the end each slot of a block (a question
 *      or a matrix row) is divided by the number of the entity's delegates
 *      who answered that slot and added to its scope.  That is exactly
 *      "weight 1 split equally among its delegates who answered", in one
 *      pass; it costs (layout size x 8 bytes) per (scope, entity) pair.
 *   3. "Answered" means a value that counts: a scale or matrix row answered
 *      "no view" (null) is not answered, and takes no share of its
 *      entity's weight.  A matrix question is answered when at least one of
 *      its rows is; a rank question when at least one option is ranked.
 *   4. Results do not depend on the order of the rows: counts are sums,
 *      comparisons of weighted sums allow a relative 1e-9 for rounding, and
 *      objections and comments are sorted (by entity, then text) rather
 *      than listed in submission order - which in pseudonymous mode also
 *      keeps submission times from pairing comments with people.
 *   5. Undefined figures are JSON null: mean, median, consensus, min and
 *      max when nothing was answered, leader on a tie or with no answers.
 *      Shares are 0 when answered is 0 so charts need no special case.
 *   6. Stored answers were validated when written; an answer that does not
 *      fit the form (a hand-edited database) is skipped, counted, and
 *      reported once with snd_log - never fatal, never printed.
 */
#include "scan.h"
#include "kept.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const snd_weight_names[SND_WEIGHT__MAX] = {"delegate", "entity"};

/* Groups beyond this many distinct values are pooled in "(other)", so a
 * --by on a near-unique attribute cannot grow memory without bound. */
#define MAX_GROUPS 1000
#define GROUP_NONE "(none)"
#define GROUP_OTHER "(other)"
/* Integer number questions with at most this many values are binned in the
 * layout (exact median, linear, no value list).  --weight entity copies the
 * layout per (scope, entity), so there bins must stay few. */
#define MAX_BINS 1024
#define MAX_BINS_ENTITY 64

/* ----------------------------------------------------------- small tools */

/* Chunked arena for kept strings (objection reasons, comments, interned
 * entities, map keys): freed all at once, no per-string malloc. */
struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct arena {
	struct chunk *head;
};

static char *arena_alloc(struct arena *a, size_t n)
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

static char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head != NULL) {
		struct chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
}

/* Open-addressing string map (FNV-1a) of byte keys to uint32 values; keys
 * are copied into the arena.  Load factor <= 1/2. */
struct sent {
	const char *k; /* NULL: empty */
	size_t klen;
	uint32_t h, val;
};

struct smap {
	struct sent *tab;
	size_t cap, n;
};

static uint32_t fnv(const char *k, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

static void smap_free(struct smap *m)
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

/* Finds key k; returns its entry or NULL. */
static struct sent *smap_find(const struct smap *m, const char *k, size_t n)
{
	if (m->cap == 0)
		return NULL;
	uint32_t h = fnv(k, n);
	for (size_t j = h & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
		struct sent *e = &m->tab[j];
		if (e->k == NULL)
			return NULL;
		if (e->h == h && e->klen == n && memcmp(e->k, k, n) == 0)
			return e;
	}
}

/* Inserts k with value val (caller checked it is absent).  Returns the
 * entry, or NULL when out of memory. */
static struct sent *smap_add(struct smap *m, struct arena *a, const char *k, size_t n,
                             uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap && smap_grow(m) != 0)
		return NULL;
	char *copy = arena_strndup(a, k, n);
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

/* Growable scratch bytes (map keys made of several parts). */
struct scratch {
	char *p;
	size_t len, cap;
};

static int scratch_put(struct scratch *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 256;
		while (cap < s->len + n)
			cap *= 2;
		char *q = realloc(s->p, cap);
		if (q == NULL)
			return -1;
		s->p = q;
		s->cap = cap;
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	return 0;
}

/* Equality of weighted sums: exact for integer counts below 1e9, and
 * forgiving of the last bits of sums of fractions such as 1/3 + 1/3 + 1/3. */
static int feq(double a, double b)
{
	double m = fmax(1.0, fmax(fabs(a), fabs(b)));
	return fabs(a - b) <= 1e-9 * m;
}

static int fgt(double a, double b)
{
	return a > b && !feq(a, b);
}

/* Natural order for group names: digit runs compare as numbers, so "SG2"
 * comes before "SG11"; ties fall back to bytes so the order is total. */
static int natcmp(const char *a, const char *b)
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

/* ---------------------------------------------------------------- layout */

/* One slot: a question or a matrix row; entity weighting divides it by its
 * own answered count (the slot's first double). */
struct slot {
	size_t off, len;
};

/* Values of an unbinned number question in one scope. */
struct vlist {
	double *v;
	uint32_t *blk;    /* --weight entity: the block each value came from */
	size_t n, cap;
};

struct scope {
	const char *name;   /* group value (arena); NULL for the whole */
	double *acc;        /* layout doubles */
	double *nmin, *nmax;/* per number question */
	struct vlist *vals; /* per number question */
	uint32_t entities;  /* --weight entity: blocks of this scope */
};

struct tally {
	const struct snd_form *f;
	const struct snd_tally_opts *o;
	int entity_mode, pseudo;
	struct qlay *ql;
	struct slot *slots;
	size_t nslots;
	size_t L;           /* doubles per block */
	int nnum;           /* number questions */
	size_t *qidlen;     /* strlen of each question id */
	uint16_t *idlen;    /* strlen of each option (matrix: row) id, per question at ql->ids */
	int *idsorted;      /* matrix: row indices in id order, at ql->ids */
	int *sorted;        /* question indices sorted by id (bytes) */
	/* the current row */
	struct dq *dq;
	int *pool;
	size_t npool;
	unsigned char *mark; /* rank: ranked flags, max noptions */
	const char *row_ent;
	struct scratch rowtext; /* the row's decoded texts (dq kept_off) */
	/* scopes: [0] is the whole */
	struct scope *sc;
	size_t nsc, capsc;
	struct smap groups;   /* group value -> scope index */
	size_t named_groups;  /* groups other than "(none)" and "(other)" */
	/* --weight entity */
	struct smap blkmap;   /* (scope index, entity) -> block */
	double *blocks;
	uint32_t *blk_scope;
	size_t nblk, capblk;
	struct kept_store kept; /* objections and comments, by scope and question */
	struct arena arena;
	struct scratch key;
	struct scan_form scan; /* the scanner's view of ql, dq, pool and the id tables */
	size_t invalid;
	enum snd_err err;
	int oom;              /* JSON building ran out of memory */
};

static int qtype_slot_len(const struct snd_question *q, struct qlay *l)
{
	switch (q->type) {
	case SND_Q_SINGLE:
	case SND_Q_MULTI:
		return 1 + (int)q->noptions;
	case SND_Q_SCALE:
		return 1 + l->npoints;
	case SND_Q_MATRIX:
		return 1;
	case SND_Q_RANK:
		return 1 + (int)q->noptions + (int)(q->noptions * q->noptions);
	case SND_Q_POSITION:
		return 1 + SND_POS__MAX;
	case SND_Q_NUMBER:
		return 2 + l->nbins;
	case SND_Q_TEXT:
	default:
		return 1;
	}
}

static int add_slot(struct tally *t, size_t off, size_t len, size_t *cap)
{
	if (t->nslots == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct slot *s = realloc(t->slots, nc * sizeof *s);
		if (s == NULL)
			return -1;
		t->slots = s;
		*cap = nc;
	}
	t->slots[t->nslots].off = off;
	t->slots[t->nslots].len = len;
	t->nslots++;
	return 0;
}

/* Lays out one block: [responses] then each question's slot in form order
 * (a matrix: its [answered] slot, then one slot per row).  Sizes the
 * decoded-row buffers. */
static enum snd_err layout(struct tally *t)
{
	const struct snd_form *f = t->f;
	size_t nq = f->nquestions, off = 1, capslots = 0, maxopt = 1, nids = 0;
	t->ql = calloc(nq ? nq : 1, sizeof *t->ql);
	t->dq = calloc(nq ? nq : 1, sizeof *t->dq);
	t->qidlen = calloc(nq ? nq : 1, sizeof *t->qidlen);
	t->sorted = calloc(nq ? nq : 1, sizeof *t->sorted);
	if (!t->ql || !t->dq || !t->qidlen || !t->sorted)
		return SND_ENOMEM;
	if (add_slot(t, 0, 1, &capslots))
		return SND_ENOMEM;
	for (size_t i = 0; i < nq; i++) {
		const struct snd_question *q = &f->questions[i];
		struct qlay *l = &t->ql[i];
		l->numi = -1;
		t->qidlen[i] = strlen(q->id);
		t->sorted[i] = (int)i;
		if (q->type == SND_Q_SCALE || q->type == SND_Q_MATRIX)
			l->npoints = q->max >= q->min ? q->max - q->min + 1 : 1;
		if (q->type == SND_Q_NUMBER) {
			l->numi = t->nnum++;
			if (q->integer && isfinite(q->nmin) && isfinite(q->nmax) &&
			    q->nmax >= q->nmin &&
			    q->nmax - q->nmin < (t->entity_mode ? MAX_BINS_ENTITY : MAX_BINS) &&
			    floor(q->nmin) == q->nmin) {
				l->lo = q->nmin;
				l->nbins = (int)(floor(q->nmax) - q->nmin) + 1;
			}
		}
		if (q->noptions > maxopt)
			maxopt = q->noptions;
		l->off = off;
		size_t len = (size_t)qtype_slot_len(q, l);
		if (add_slot(t, off, len, &capslots))
			return SND_ENOMEM;
		off += len;
		l->ids = nids;
		nids += q->type == SND_Q_MATRIX ? q->nrows : q->noptions;
		l->pool = t->npool;
		if (q->type == SND_Q_MULTI || q->type == SND_Q_RANK)
			t->npool += q->noptions;
		if (q->type == SND_Q_MATRIX) {
			t->npool += q->nrows;
			l->row_len = 1 + (size_t)l->npoints;
			for (size_t r = 0; r < q->nrows; r++) {
				if (add_slot(t, off, l->row_len, &capslots))
					return SND_ENOMEM;
				off += l->row_len;
			}
		}
	}
	t->L = off;
	t->idlen = calloc(nids ? nids : 1, sizeof *t->idlen);
	t->idsorted = calloc(nids ? nids : 1, sizeof *t->idsorted);
	if (!t->idlen || !t->idsorted)
		return SND_ENOMEM;
	for (size_t i = 0; i < nq; i++) {
		const struct snd_question *q = &f->questions[i];
		const struct snd_option *o = q->type == SND_Q_MATRIX ? q->rows : q->options;
		size_t n = q->type == SND_Q_MATRIX ? q->nrows : q->noptions;
		uint16_t *lens = t->idlen + t->ql[i].ids;
		int *srt = t->idsorted + t->ql[i].ids;
		for (size_t k = 0; k < n; k++) {
			size_t len = strlen(o[k].id);
			lens[k] = (uint16_t)(len < UINT16_MAX ? len : UINT16_MAX); /* ids are <= 64 */
			srt[k] = (int)k;
			for (size_t j = k; j > 0 && strcmp(o[srt[j - 1]].id, o[k].id) > 0; j--) {
				srt[j] = srt[j - 1];
				srt[j - 1] = (int)k;
			}
		}
	}
	t->pool = calloc(t->npool ? t->npool : 1, sizeof *t->pool);
	t->mark = calloc(maxopt, 1);
	if (!t->pool || !t->mark)
		return SND_ENOMEM;
	/* Question ids in byte order, for snd_scan_answers' merge walk.  Insertion
	 * sort: forms are small, and qsort would need a global for its context
	 * (the collector tallies from several threads). */
	for (size_t i = 1; i < nq; i++) {
		int v = t->sorted[i];
		size_t j = i;
		while (j > 0 && strcmp(f->questions[t->sorted[j - 1]].id, f->questions[v].id) > 0) {
			t->sorted[j] = t->sorted[j - 1];
			j--;
		}
		t->sorted[j] = v;
	}
	t->scan.f = f;
	t->scan.ql = t->ql;
	t->scan.dq = t->dq;
	t->scan.pool = t->pool;
	t->scan.qidlen = t->qidlen;
	t->scan.idlen = t->idlen;
	t->scan.idsorted = t->idsorted;
	t->scan.sorted = t->sorted;
	return SND_OK;
}

static int new_scope(struct tally *t, const char *name)
{
	if (t->nsc == t->capsc) {
		size_t nc = t->capsc ? t->capsc * 2 : 8;
		struct scope *s = realloc(t->sc, nc * sizeof *s);
		if (s == NULL)
			return -1;
		t->sc = s;
		t->capsc = nc;
	}
	struct scope *s = &t->sc[t->nsc];
	memset(s, 0, sizeof *s);
	s->name = name;
	s->acc = calloc(t->L, sizeof *s->acc);
	size_t nn = t->nnum ? (size_t)t->nnum : 1;
	s->nmin = malloc(nn * sizeof *s->nmin);
	s->nmax = malloc(nn * sizeof *s->nmax);
	s->vals = calloc(nn, sizeof *s->vals);
	if (!s->acc || !s->nmin || !s->nmax || !s->vals) {
		free(s->acc);
		free(s->nmin);
		free(s->nmax);
		free(s->vals);
		return -1;
	}
	for (size_t i = 0; i < nn; i++) {
		s->nmin[i] = INFINITY;
		s->nmax[i] = -INFINITY;
	}
	return (int)t->nsc++;
}

static void tally_free(struct tally *t)
{
	for (size_t i = 0; i < t->nsc; i++) {
		struct scope *s = &t->sc[i];
		for (int k = 0; k < t->nnum; k++) {
			free(s->vals[k].v);
			free(s->vals[k].blk);
		}
		free(s->vals);
		free(s->acc);
		free(s->nmin);
		free(s->nmax);
	}
	free(t->sc);
	free(t->ql);
	free(t->slots);
	free(t->qidlen);
	free(t->idlen);
	free(t->idsorted);
	free(t->sorted);
	free(t->dq);
	free(t->pool);
	free(t->mark);
	free(t->blocks);
	free(t->blk_scope);
	free(t->key.p);
	smap_free(&t->groups);
	smap_free(&t->blkmap);
	kept_free(&t->kept);
	free(t->rowtext.p);
	arena_free(&t->arena);
}

/* ------------------------------------------------------- the cJSON path */

static int find_opt(const struct snd_option *o, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (o[i].id[0] == s[0] && strncmp(o[i].id, s, len) == 0 && o[i].id[len] == '\0')
			return (int)i;
	return -1;
}

/* A scale point: an integer in [min, max], or null when no_view. */
static int check_point(const struct snd_question *q, double x, int *pt)
{
	if (x != floor(x) || x < q->min || x > q->max)
		return -1;
	*pt = (int)x;
	return 0;
}

static void reset_row(struct tally *t)
{
	memset(t->dq, 0, t->f->nquestions * sizeof *t->dq);
}

static int cj_optlist(const cJSON *v, const struct snd_question *q, int *pool, int *n)
{
	const cJSON *it;
	int k = 0;
	if (!cJSON_IsArray(v))
		return -1;
	cJSON_ArrayForEach(it, v) {
		int o;
		if (!cJSON_IsString(it) || (size_t)k >= q->noptions ||
		    (o = find_opt(q->options, q->noptions, it->valuestring,
		                  strlen(it->valuestring))) < 0)
			return -1;
		for (int j = 0; j < k; j++)
			if (pool[j] == o)
				return -1;
		pool[k++] = o;
	}
	*n = k;
	return 0;
}

static int cj_point(const cJSON *v, const struct snd_question *q, int *pt)
{
	if (cJSON_IsNull(v) && q->no_view) {
		*pt = CELL_NOVIEW;
		return 0;
	}
	if (!cJSON_IsNumber(v))
		return -1;
	return check_point(q, v->valuedouble, pt);
}

static int cj_value(struct tally *t, int qi, const cJSON *v)
{
	const struct snd_question *q = &t->f->questions[qi];
	const struct qlay *l = &t->ql[qi];
	struct dq *d = &t->dq[qi];
	const cJSON *it;

	switch (q->type) {
	case SND_Q_SINGLE:
		if (!cJSON_IsString(v) ||
		    (d->v = find_opt(q->options, q->noptions, v->valuestring,
		                     strlen(v->valuestring))) < 0)
			return -1;
		break;
	case SND_Q_MULTI:
	case SND_Q_RANK:
		if (cj_optlist(v, q, t->pool + l->pool, &d->v))
			return -1;
		break;
	case SND_Q_SCALE:
		if (cj_point(v, q, &d->v))
			return -1;
		break;
	case SND_Q_MATRIX: {
		int *cells = t->pool + l->pool;
		for (size_t r = 0; r < q->nrows; r++)
			cells[r] = CELL_ABSENT;
		if (!cJSON_IsObject(v))
			return -1;
		cJSON_ArrayForEach(it, v) {
			int r = find_opt(q->rows, q->nrows, it->string, strlen(it->string));
			int pt;
			if (r < 0 || cells[r] != CELL_ABSENT || cj_point(it, q, &pt))
				return -1;
			cells[r] = pt;
		}
		break;
	}
	case SND_Q_POSITION: {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(v, "position");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(v, "reason");
		if (!cJSON_IsObject(v) || !cJSON_IsString(p) ||
		    (d->v = find_pos(p->valuestring, strlen(p->valuestring))) < 0)
			return -1;
		if (r != NULL && !cJSON_IsString(r))
			return -1;
		if (r != NULL) {
			d->s = r->valuestring;
			d->slen = strlen(r->valuestring);
		}
		break;
	}
	case SND_Q_NUMBER:
		if (!cJSON_IsNumber(v) || check_number(q, l, v->valuedouble))
			return -1;
		d->num = v->valuedouble;
		break;
	case SND_Q_TEXT:
		if (!cJSON_IsString(v))
			return -1;
		d->s = v->valuestring;
		d->slen = strlen(v->valuestring);
		break;
	default:
		return -1;
	}
	d->present = 1;
	return 0;
}

/* Decodes the row with cJSON, question by question: an answer that does not
 * fit the form is skipped (and counted) while the rest of the row counts.
 * The tree is handed back so the strings in t->dq stay valid until the row
 * is applied. */
static cJSON *cjson_decode(struct tally *t, const char *txt, size_t n)
{
	cJSON *root = cJSON_ParseWithLength(txt, n), *it;
	reset_row(t);
	if (!cJSON_IsObject(root)) {
		t->invalid++;
		return root;
	}
	cJSON_ArrayForEach(it, root) {
		int qi = snd_form_question(t->f, it->string);
		if (qi < 0 || t->dq[qi].present) {
			t->invalid++;
			continue;
		}
		if (cj_value(t, qi, it) != 0) {
			memset(&t->dq[qi], 0, sizeof t->dq[qi]);
			t->invalid++;
		}
	}
	return root;
}

/* -------------------------------------------------------- accumulating */

/* Appends the inside of a JSON string literal, decoded, when its escapes
 * are all one-character ones (\" \\ \/ \b \f \n \r \t: what canonical JSON
 * writes for everything but other control characters); those decode the
 * same in any JSON parser.  -1 (nothing appended, t->err untouched) when
 * there is a \u or anything else: the caller asks cJSON.  -1 with
 * *out's room unchanged also when out of memory (the caller retries). */
static int unescape(struct scratch *out, const char *s, size_t n)
{
	size_t start = out->len;
	const char *e = s + n;
	while (s < e) {
		const char *b = memchr(s, '\\', (size_t)(e - s));
		size_t run = (size_t)((b ? b : e) - s);
		if (run > 0 && scratch_put(out, s, run) != 0)
			goto fail;
		if (b == NULL)
			return 0;
		if (b + 1 >= e)
			goto fail;
		char c;
		switch (b[1]) {
		case '"': c = '"'; break;
		case '\\': c = '\\'; break;
		case '/': c = '/'; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		default: goto fail;
		}
		if (scratch_put(out, &c, 1) != 0)
			goto fail;
		s = b + 2;
	}
	return 0;
fail:
	out->len = start;
	return -1;
}

/* The row's text (comment or reason) as kept: decoded once per row however
 * many scopes keep it, into t->rowtext.  Up to the first NUL, as a C
 * string would have it.  0, or -1 when out of memory (t->err set). */
static int keep_text(struct tally *t, struct dq *d, const char **text, size_t *n)
{
	if (!d->kept) {
		const char *src = d->s ? d->s : "";
		size_t len = d->s ? d->slen : 0;
		cJSON *v = NULL;
		d->kept_off = t->rowtext.len;
		if (d->s_json && unescape(&t->rowtext, src, len) == 0) {
			/* decoded in place: the common escapes, as cJSON decodes them */
			len = t->rowtext.len - d->kept_off;
			src = t->rowtext.p + d->kept_off;
			const char *nul = memchr(src, '\0', len);
			if (nul != NULL)
				len = (size_t)(nul - src);
			t->rowtext.len = d->kept_off + len;
			d->kept_len = len;
			d->kept = 1;
			goto have;
		}
		if (t->err != SND_OK)
			return -1;
		if (d->s_json) {
			/* \u escapes: let cJSON decode the literal (quotes are just outside). */
			v = cJSON_ParseWithLength(d->s - 1, d->slen + 2);
			if (cJSON_IsString(v)) {
				src = v->valuestring;
				len = strlen(src);
			} /* else a bad escape the scanner let through: keep the bytes */
		}
		const char *nul = memchr(src, '\0', len);
		if (nul != NULL)
			len = (size_t)(nul - src);
		d->kept_len = len;
		int bad = len > 0 && scratch_put(&t->rowtext, src, len);
		cJSON_Delete(v);
		if (bad) {
			t->err = SND_ENOMEM;
			return -1;
		}
		d->kept = 1;
	}
have:
	*text = t->rowtext.p ? t->rowtext.p + d->kept_off : "";
	*n = d->kept_len;
	return 0;
}

/* Keeps the row's answer to question qi (an objection or comment) in scope
 * s: with the row's entity unless the questionnaire is pseudonymous. */
static void keep(struct tally *t, struct scope *s, int qi)
{
	const char *text, *ent = t->pseudo ? NULL : t->row_ent;
	size_t n;
	if (keep_text(t, &t->dq[qi], &text, &n) != 0)
		return;
	if (kept_add(&t->kept, (uint32_t)(s - t->sc), (uint32_t)qi, ent, ent ? strlen(ent) : 0,
	             text, n) != 0)
		t->err = t->kept.err == KEPT_EIO ? SND_EIO : SND_ENOMEM;
}

static void keep_value(struct tally *t, struct vlist *vl, double v, uint32_t blk)
{
	if (vl->n == vl->cap) {
		size_t nc = vl->cap ? vl->cap * 2 : 64;
		double *nv = realloc(vl->v, nc * sizeof *nv);
		if (nv == NULL) {
			t->err = SND_ENOMEM;
			return;
		}
		vl->v = nv;
		if (t->entity_mode) {
			uint32_t *nb = realloc(vl->blk, nc * sizeof *nb);
			if (nb == NULL) {
				t->err = SND_ENOMEM;
				return;
			}
			vl->blk = nb;
		}
		vl->cap = nc;
	}
	vl->v[vl->n] = v;
	if (t->entity_mode)
		vl->blk[vl->n] = blk;
	vl->n++;
}

/* Adds the decoded row, weight 1, to accumulator block a; lists (kept
 * texts, number values, min/max) go to scope s directly. */
static void apply(struct tally *t, struct scope *s, double *a, uint32_t blk)
{
	const struct snd_form *f = t->f;
	a[0] += 1;
	for (size_t qi = 0; qi < f->nquestions; qi++) {
		struct dq *d = &t->dq[qi];
		const struct snd_question *q = &f->questions[qi];
		const struct qlay *l = &t->ql[qi];
		double *x = a + l->off;
		if (!d->present)
			continue;
		switch (q->type) {
		case SND_Q_SINGLE:
			x[0] += 1;
			x[1 + d->v] += 1;
			break;
		case SND_Q_MULTI: {
			const int *o = t->pool + l->pool;
			x[0] += 1;
			for (int k = 0; k < d->v; k++)
				x[1 + o[k]] += 1;
			break;
		}
		case SND_Q_SCALE:
			if (d->v != CELL_NOVIEW) {
				x[0] += 1;
				x[1 + d->v - q->min] += 1;
			}
			break;
		case SND_Q_MATRIX: {
			const int *cells = t->pool + l->pool;
			int any = 0;
			for (size_t r = 0; r < q->nrows; r++) {
				double *y = x + 1 + r * l->row_len;
				if (cells[r] == CELL_ABSENT || cells[r] == CELL_NOVIEW)
					continue;
				any = 1;
				y[0] += 1;
				y[1 + cells[r] - q->min] += 1;
			}
			if (any)
				x[0] += 1;
			break;
		}
		case SND_Q_RANK: {
			const int *o = t->pool + l->pool;
			size_t m = q->noptions;
			double *borda = x + 1, *pw = x + 1 + m;
			int n = d->v;
			if (n == 0)
				break;
			x[0] += 1;
			memset(t->mark, 0, m);
			for (int k = 0; k < n; k++) {
				borda[o[k]] += (double)(m - (size_t)(k + 1));
				t->mark[o[k]] = 1;
				for (int j = k + 1; j < n; j++)
					pw[(size_t)o[k] * m + (size_t)o[j]] += 1;
			}
			/* Ranked beats unranked; unranked ones tie. */
			for (int k = 0; k < n; k++)
				for (size_t u = 0; u < m; u++)
					if (!t->mark[u])
						pw[(size_t)o[k] * m + u] += 1;
			break;
		}
		case SND_Q_POSITION:
			x[0] += 1;
			x[1 + d->v] += 1;
			if (d->v == SND_POS_OBJECT)
				keep(t, s, (int)qi);
			break;
		case SND_Q_NUMBER: {
			int ni = l->numi;
			x[0] += 1;
			x[1] += d->num;
			if (l->nbins > 0)
				x[2 + (int)(d->num - l->lo)] += 1;
			else
				keep_value(t, &s->vals[ni], d->num, blk);
			if (d->num < s->nmin[ni])
				s->nmin[ni] = d->num;
			if (d->num > s->nmax[ni])
				s->nmax[ni] = d->num;
			break;
		}
		case SND_Q_TEXT:
			x[0] += 1;
			keep(t, s, (int)qi);
			break;
		default:
			break;
		}
	}
}

/* The block of (scope si, the row's entity), created on first sight. */
static double *entity_block(struct tally *t, uint32_t si, uint32_t *blk)
{
	uint32_t idx = si;
	t->key.len = 0;
	if (scratch_put(&t->key, &idx, sizeof idx) ||
	    scratch_put(&t->key, t->row_ent, strlen(t->row_ent)))
		return NULL;
	struct sent *e = smap_find(&t->blkmap, t->key.p, t->key.len);
	if (e == NULL) {
		if (t->nblk == t->capblk) {
			size_t nc = t->capblk ? t->capblk * 2 : 64;
			double *b = realloc(t->blocks, nc * t->L * sizeof *b);
			if (b == NULL)
				return NULL;
			t->blocks = b;
			uint32_t *bs = realloc(t->blk_scope, nc * sizeof *bs);
			if (bs == NULL)
				return NULL;
			t->blk_scope = bs;
			t->capblk = nc;
		}
		if (t->nblk >= UINT32_MAX)
			return NULL;
		e = smap_add(&t->blkmap, &t->arena, t->key.p, t->key.len, (uint32_t)t->nblk);
		if (e == NULL)
			return NULL;
		memset(t->blocks + t->nblk * t->L, 0, t->L * sizeof *t->blocks);
		t->blk_scope[t->nblk] = si;
		t->sc[si].entities++;
		t->nblk++;
	}
	*blk = e->val;
	return t->blocks + (size_t)e->val * t->L;
}

static void apply_scope(struct tally *t, uint32_t si)
{
	if (!t->entity_mode) {
		apply(t, &t->sc[si], t->sc[si].acc, 0);
		return;
	}
	uint32_t blk;
	double *a = entity_block(t, si, &blk);
	if (a == NULL) {
		t->err = SND_ENOMEM;
		return;
	}
	apply(t, &t->sc[si], a, blk);
}

/* ---------------------------------------------------------------- groups */

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
	e = smap_add(&t->groups, &t->arena, v, n, 0);
	if (e == NULL)
		return -1;
	int si = new_scope(t, e->k);
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
static void attr_value(const char *attrs, const char *key, const char **v, size_t *n,
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
		if (c.p < c.e && *c.p == ',') {
			c.p++;
			continue;
		}
		if (sc_char(&c, '}'))
			goto slow;
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

/* Calls fn for each value of a multi-valued attribute ("SG2;SG13": each
 * piece, trimmed, once); "(none)" when there is none. */
static int each_piece(const char *v, size_t n, int split,
                      int (*fn)(void *ctx, const char *p, size_t len), void *ctx)
{
	int any = 0;
	size_t i = 0;
	while (v != NULL && i < n) {
		size_t j = i;
		while (j < n && !(split && v[j] == ';'))
			j++;
		size_t a = i, b = j;
		while (a < b && (v[a] == ' ' || v[a] == '\t'))
			a++;
		while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
			b--;
		if (b > a) {
			/* once per distinct piece */
			int dup = 0;
			for (size_t k = 0; k < i && !dup;) {
				size_t e = k;
				while (e < n && !(split && v[e] == ';'))
					e++;
				size_t ka = k, kb = e;
				while (ka < kb && (v[ka] == ' ' || v[ka] == '\t'))
					ka++;
				while (kb > ka && (v[kb - 1] == ' ' || v[kb - 1] == '\t'))
					kb--;
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

struct row_scopes {
	struct tally *t;
	uint32_t *ids;
	size_t n, cap;
};

static int add_row_scope(void *ctx, const char *p, size_t len)
{
	struct row_scopes *rs = ctx;
	int si = group_scope(rs->t, p, len);
	if (si < 0)
		return -1;
	for (size_t i = 0; i < rs->n; i++)
		if (rs->ids[i] == (uint32_t)si)
			return 0; /* two pieces pooled in "(other)" */
	if (rs->n == rs->cap) {
		size_t nc = rs->cap ? rs->cap * 2 : 8;
		uint32_t *ids = realloc(rs->ids, nc * sizeof *ids);
		if (ids == NULL)
			return -1;
		rs->ids = ids;
		rs->cap = nc;
	}
	rs->ids[rs->n++] = (uint32_t)si;
	return 0;
}

/* ------------------------------------------------------------ streaming
 * Two stages.  The store's callback (the reader) copies each row's entity,
 * attributes and answers into a batch; a worker thread decodes and
 * accumulates whole batches while SQLite reads the next one.  With two
 * batches the two stages overlap, so a large tally takes about as long as
 * the slower stage instead of their sum (the store's read and our decode
 * cost about the same per row).  Rows are applied in read order, so the
 * results are those of a single thread.  The worker starts only when the
 * first batch fills: a small tally (the chair's live view early in a
 * meeting) never creates a thread, and if one cannot be created the reader
 * applies its batches itself.  Cost: two batches of BATCH_ROWS rows
 * (about 2 MB each for the LSG form) and one copy per row. */

#define BATCH_ROWS 2048
#define BATCH_BYTES ((size_t)1 << 20)
#define PREDECODE_BYTES ((size_t)4 << 20)

struct brow {
	size_t ent, attrs, answers, answers_len; /* offsets into bytes */
};

struct batch {
	struct brow rows[BATCH_ROWS];
	size_t n;
	char *bytes;
	size_t len, cap;
	int ready;           /* handed to the worker, not yet done (atomic) */
	/* rows the reader decoded while the worker was busy (see predecode) */
	unsigned char dec[BATCH_ROWS];
	struct dq *dqs;      /* nquestions per row, for the first maxdec rows */
	int *pools;          /* npool per row */
};

struct pass {
	struct tally *t;
	struct row_scopes rs;
	struct batch *b[2];
	int cur;             /* the batch the reader fills */
	int threaded;        /* the worker runs */
	int nothread;        /* pthread_create failed: the reader applies batches */
	int copy_failed;     /* the reader could not copy a row (out of memory) */
	int need_attrs;      /* --by names a token attribute */
	size_t maxdec;       /* rows per batch the reader may decode (0: none) */
	struct scan_form rscan; /* the reader's scanner view (its own dq, pool) */
	pthread_t worker;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* under mu: */
	int stop;            /* no more batches will come */
	int err;             /* the worker failed: the reader stops reading */
};

/* Decodes one row and adds it to the whole and to its groups. */
static void row_apply(struct pass *p, const char *ent, const char *attrs, const char *answers,
                      size_t answers_len, struct dq *dq, int *pool)
{
	struct tally *t = p->t;
	struct dq *own_dq = t->dq;
	int *own_pool = t->pool;
	cJSON *tree = NULL;

	t->row_ent = ent != NULL ? ent : "";
	t->rowtext.len = 0;
	if (dq != NULL) {
		/* Decoded by the reader (the same values the scan below gives):
		 * added from where it lies, t->dq and t->pool lent for the row. */
		t->dq = dq;
		t->pool = pool;
	} else {
		reset_row(t);
		if (answers == NULL || snd_scan_answers(&t->scan, answers, answers_len) != 0)
			tree = cjson_decode(t, answers ? answers : "", answers ? answers_len : 0);
	}

	apply_scope(t, 0);
	if (t->o->by != NULL && t->err == SND_OK) {
		const char *v;
		size_t n;
		cJSON *tattrs = NULL;
		int is_ent = strcmp(t->o->by, "entity") == 0;
		if (is_ent) {
			v = t->row_ent;
			n = strlen(v);
		} else {
			attr_value(attrs, t->o->by, &v, &n, &tattrs);
		}
		p->rs.n = 0;
		if (each_piece(v, n, !is_ent, add_row_scope, &p->rs) != 0)
			t->err = SND_ENOMEM;
		cJSON_Delete(tattrs);
		for (size_t i = 0; i < p->rs.n && t->err == SND_OK; i++)
			apply_scope(t, p->rs.ids[i]);
	}
	t->dq = own_dq;
	t->pool = own_pool;
	cJSON_Delete(tree);
}

static void batch_apply(struct pass *p, struct batch *b)
{
	size_t nq = p->t->f->nquestions, np = p->t->npool;
	for (size_t i = 0; i < b->n && p->t->err == SND_OK; i++) {
		const struct brow *r = &b->rows[i];
		int d = i < p->maxdec && b->dec[i];
		row_apply(p, b->bytes + r->ent, b->bytes + r->attrs, b->bytes + r->answers,
		          r->answers_len, d ? b->dqs + i * nq : NULL, d ? b->pools + i * np : NULL);
	}
	if (p->maxdec > 0)
		memset(b->dec, 0, b->n < p->maxdec ? b->n : p->maxdec);
	b->n = 0;
	b->len = 0;
}

static void *worker_main(void *arg)
{
	struct pass *p = arg;
	int idx = 0;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!__atomic_load_n(&p->b[idx]->ready, __ATOMIC_RELAXED) && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!__atomic_load_n(&p->b[idx]->ready, __ATOMIC_RELAXED)) { /* stop, and nothing left */
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		pthread_mutex_unlock(&p->mu);
		batch_apply(p, p->b[idx]);
		pthread_mutex_lock(&p->mu);
		__atomic_store_n(&p->b[idx]->ready, 0, __ATOMIC_RELEASE);
		if (p->t->err != SND_OK)
			p->err = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		idx ^= 1;
	}
}

/* While the worker is still busy with the other batch, the reader decodes
 * rows of its full one instead of waiting: the scanner is a pure function
 * of the row, so the worker then copies the decoded row instead of
 * scanning it, and the two threads share the decoding as their loads
 * allow (the reader's SQLite reads cost less than the worker's decoding
 * and adding up).  Rows are still added in read order by the worker, so
 * results are unchanged.  A row the scanner refuses is left to the worker
 * (its cJSON fallback). */
static void predecode(struct pass *p, struct batch *b)
{
	struct tally *t = p->t;
	size_t nq = t->f->nquestions, np = t->npool;
	struct batch *other = p->b[p->cur ^ 1];
	if (p->maxdec == 0 || b->dqs == NULL)
		return;
	for (size_t i = 0; i < b->n && i < p->maxdec; i++) {
		if (!__atomic_load_n(&other->ready, __ATOMIC_ACQUIRE))
			return; /* the worker is free: hand over now */
		const struct brow *r = &b->rows[i];
		struct dq *dq = b->dqs + i * nq;
		int *pool = b->pools + i * np;
		memset(dq, 0, nq * sizeof *dq);
		if (np > 0)
			memset(pool, 0, np * sizeof *pool);
		p->rscan.dq = dq;
		p->rscan.pool = pool;
		b->dec[i] = snd_scan_answers(&p->rscan, b->bytes + r->answers, r->answers_len) == 0;
	}
}

/* Hands the reader's full batch over and waits for the other one to be
 * free.  Without a worker (not started yet, or no thread to be had) the
 * reader applies the batch itself.  Returns nonzero to stop reading. */
static int batch_flush(struct pass *p, int full)
{
	struct batch *b = p->b[p->cur];
	if (b->n == 0)
		return 0;
	if (full && !p->threaded && !p->nothread) {
		/* the first full batch: a large tally, worth a second thread */
		if (pthread_create(&p->worker, NULL, worker_main, p) == 0)
			p->threaded = 1;
		else
			p->nothread = 1;
	}
	if (!p->threaded) {
		batch_apply(p, b);
		return p->t->err != SND_OK;
	}
	predecode(p, b);
	pthread_mutex_lock(&p->mu);
	__atomic_store_n(&b->ready, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&p->cv);
	p->cur ^= 1;
	while (__atomic_load_n(&p->b[p->cur]->ready, __ATOMIC_RELAXED))
		pthread_cond_wait(&p->cv, &p->mu);
	int stop = p->err;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

static int batch_put(struct batch *b, const char *s, size_t n, size_t *off)
{
	if (b->cap - b->len < n + 1) {
		size_t cap = b->cap ? b->cap : 65536; /* small tallies stay small */
		while (cap - b->len < n + 1)
			cap *= 2;
		char *q = realloc(b->bytes, cap);
		if (q == NULL)
			return -1;
		b->bytes = q;
		b->cap = cap;
	}
	*off = b->len;
	if (n > 0)
		memcpy(b->bytes + b->len, s, n);
	b->bytes[b->len + n] = '\0';
	b->len += n + 1;
	return 0;
}

/* The store's callback: copy the row into the batch being filled. */
static int on_row(void *ctx, const struct snd_answers_row *r)
{
	struct pass *p = ctx;
	struct batch *b = p->b[p->cur];
	struct brow *w = &b->rows[b->n];
	const char *ent = r->ent, *attrs = p->need_attrs ? r->attrs : "";
	const char *ans = r->answers;
	size_t alen = r->answers_len;

	if (batch_put(b, ent, strlen(ent), &w->ent) || batch_put(b, attrs, strlen(attrs), &w->attrs) ||
	    batch_put(b, ans, alen, &w->answers)) {
		p->copy_failed = 1;
		return 1;
	}
	w->answers_len = alen;
	b->n++;
	if (b->n == BATCH_ROWS || b->len >= BATCH_BYTES)
		return batch_flush(p, 1);
	return 0;
}

/* Reads every latest revision through the two stages; afterwards the
 * worker is gone and t holds the sums.  SND_ENOMEM when a batch could not
 * grow (t->err says so for the worker's own failures). */
static enum snd_err stream_rows(struct pass *p, struct snd_store *s, const char *qid)
{
	enum snd_err e;
	int oom = 0;
	for (int i = 0; i < 2; i++)
		if ((p->b[i] = calloc(1, sizeof *p->b[i])) == NULL)
			oom = 1;
	if (oom) {
		free(p->b[0]);
		free(p->b[1]);
		return SND_ENOMEM;
	}
	/* Room for decoded rows: up to PREDECODE_BYTES per batch. */
	size_t rowb = p->t->f->nquestions * sizeof(struct dq) + p->t->npool * sizeof(int);
	p->maxdec = rowb > 0 ? PREDECODE_BYTES / rowb : 0;
	if (p->maxdec > BATCH_ROWS)
		p->maxdec = BATCH_ROWS;
	for (int i = 0; i < 2 && p->maxdec > 0; i++) {
		p->b[i]->dqs = malloc(p->maxdec * p->t->f->nquestions * sizeof(struct dq) + 1);
		p->b[i]->pools = malloc(p->maxdec * p->t->npool * sizeof(int) + 1);
		if (p->b[i]->dqs == NULL || p->b[i]->pools == NULL)
			p->maxdec = 0; /* not needed: the worker decodes everything */
	}
	p->rscan = p->t->scan;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	e = snd_store_each_latest_answers(s, qid, p->need_attrs, on_row, p);
	oom = p->copy_failed;
	if (e == SND_OK && !oom)
		batch_flush(p, 0); /* the last, partial batch */
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->worker, NULL);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	for (int i = 0; i < 2; i++) {
		free(p->b[i]->bytes);
		free(p->b[i]->dqs);
		free(p->b[i]->pools);
		free(p->b[i]);
		p->b[i] = NULL;
	}
	if (oom && e == SND_OK)
		e = SND_ENOMEM;
	return e;
}

/* --weight entity: each block's slots divided by their answered counts
 * (the entity's delegates who answered), added to the block's scope. */
static void combine_blocks(struct tally *t)
{
	for (size_t b = 0; b < t->nblk; b++) {
		const double *blk = t->blocks + b * t->L;
		double *acc = t->sc[t->blk_scope[b]].acc;
		for (size_t k = 0; k < t->nslots; k++) {
			const struct slot *sl = &t->slots[k];
			double n = blk[sl->off];
			if (n <= 0)
				continue;
			acc[sl->off] += 1;
			for (size_t i = 1; i < sl->len; i++)
				acc[sl->off + i] += blk[sl->off + i] / n;
		}
	}
}

/* ------------------------------------------------------------- output
 * One emitter, two back ends, so the figures are computed by one piece of
 * code whatever the destination: a cJSON tree (snd_tally_tree: the
 * collector, the report, the text/CSV/Markdown writers) or pretty JSON
 * written straight to a stream (snd_tally_write_json: `tally summary
 * --format json`), byte for byte what `tally summary` has always printed
 * for the tree (a pretty printer over it, until the JSON was streamed) -
 * two-space indents, ": ", "{}" and "[]" when empty, numbers by
 * snd_num_exact, strings as snd_buf_json_str escapes them - without
 * holding the document. */

#define EMIT_DEPTH 16
#define EMIT_BUF ((size_t)256 << 10)

struct emit {
	struct tally *t;
	int stream;
	int depth;                     /* containers open */
	int lists;                     /* objections and comments included */
	int dupkey;                    /* tree: the keys are data, copy them */
	/* tree */
	cJSON *node[EMIT_DEPTH];
	cJSON *root;
	/* stream: bytes wait in ob until it fills, then go to fp */
	FILE *fp;
	char *ob;
	size_t olen;
	size_t nch[EMIT_DEPTH];        /* children written so far */
	unsigned char obj[EMIT_DEPTH]; /* an object (else an array) */
	int failed;                    /* a write failed */
};

static void ob_flush(struct emit *e)
{
	if (e->olen > 0 && !e->failed && fwrite(e->ob, 1, e->olen, e->fp) != e->olen)
		e->failed = 1;
	e->olen = 0;
}

static inline void ob_put(struct emit *e, const void *p, size_t n)
{
	if (EMIT_BUF - e->olen < n) {
		ob_flush(e);
		if (n > EMIT_BUF) { /* a long text goes straight through */
			if (!e->failed && fwrite(p, 1, n, e->fp) != n)
				e->failed = 1;
			return;
		}
	}
	memcpy(e->ob + e->olen, p, n);
	e->olen += n;
}

static inline void ob_putc(struct emit *e, char c)
{
	if (e->olen == EMIT_BUF)
		ob_flush(e);
	e->ob[e->olen++] = c;
}

/* Bytes JSON strings escape: what snd_buf_json_str escapes (controls, DEL,
 * the quote and backslash, and '<' so the JSON can sit in a script). */
static const unsigned char json_esc[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1, ['<'] = 1, [0x7f] = 1,
};

/* The first byte of [p, e) that json_esc marks, or e; 16 bytes at a time
 * with SSE2 (never reading past e). */
static inline const unsigned char *esc_stop(const unsigned char *p, const unsigned char *e)
{
#ifdef __SSE2__
	const __m128i ctl = _mm_set1_epi8(0x1f), q = _mm_set1_epi8('"'),
	              bs = _mm_set1_epi8('\\'), lt = _mm_set1_epi8('<'), del = _mm_set1_epi8(0x7f);
	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v), _mm_cmpeq_epi8(v, q)),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, bs), _mm_cmpeq_epi8(v, lt)),
			             _mm_cmpeq_epi8(v, del)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (p < e && !json_esc[*p])
		p++;
	return p;
}

/* s[0..n) as a JSON string literal: snd_buf_json_str's bytes (which stops
 * at a NUL; the strings here hold none), a run at a time. */
static void put_jstr(struct emit *e, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)str, *end = p + n, *run = p;
	ob_putc(e, '"');
	for (;;) {
		p = esc_stop(p, end);
		if (p == end)
			break;
		char tmp[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
		const char *rep = tmp;
		size_t k = 6;
		switch (*p) {
		case '"': rep = "\\\""; k = 2; break;
		case '\\': rep = "\\\\"; k = 2; break;
		case '\n': rep = "\\n"; k = 2; break;
		case '\r': rep = "\\r"; k = 2; break;
		case '\t': rep = "\\t"; k = 2; break;
		case '<': rep = "\\u003c"; break;
		default: break;
		}
		ob_put(e, run, (size_t)(p - run));
		ob_put(e, rep, k);
		run = ++p;
	}
	ob_put(e, run, (size_t)(p - run));
	ob_putc(e, '"');
}

static void put_indent(struct emit *e, int depth)
{
	static const char spaces[] = "\n                                ";
	size_t n = (size_t)depth * 2 + 1;
	ob_put(e, spaces, n < sizeof spaces - 1 ? n : sizeof spaces - 1); /* depth <= 16 */
}

/* Stream: what precedes a value - the parent's opening bracket or a
 * comma, the indent, and the key inside an object. */
static void s_start(struct emit *e, const char *key)
{
	int d = e->depth - 1;
	if (d < 0)
		return;
	ob_putc(e, e->nch[d] == 0 ? (e->obj[d] ? '{' : '[') : ',');
	e->nch[d]++;
	put_indent(e, e->depth);
	if (e->obj[d]) {
		key = key ? key : "";
		put_jstr(e, key, strlen(key));
		ob_put(e, ": ", 2);
	}
}

/* Tree: adds item to the open container (or makes it the root). */
static cJSON *t_add(struct emit *e, const char *key, cJSON *item)
{
	cJSON *parent = e->depth > 0 ? e->node[e->depth - 1] : NULL;
	if (item == NULL)
		goto oom;
	if (e->depth == 0) {
		cJSON_Delete(e->root);
		e->root = item;
		return item;
	}
	if (parent == NULL)
		goto oom;
	/* Keys are string literals or the form library's static name tables
	 * unless e->dupkey says they are data (option ids, group names, scale
	 * points): those are copied, the others linked (cJSON's "CS" keys), one
	 * malloc less per member of what can be a large tree. */
	if (cJSON_IsObject(parent)
	            ? !(e->dupkey ? cJSON_AddItemToObject(parent, key ? key : "", item)
	                          : cJSON_AddItemToObjectCS(parent, key ? key : "", item))
	            : !cJSON_AddItemToArray(parent, item))
		goto oom;
	return item;
oom:
	cJSON_Delete(item);
	e->t->oom = 1;
	return NULL;
}

static void e_begin(struct emit *e, const char *key, int obj)
{
	if (e->depth >= EMIT_DEPTH) { /* the summary is 6 deep: a bug */
		e->t->oom = 1;
		return;
	}
	if (e->stream) {
		s_start(e, key);
		e->nch[e->depth] = 0;
		e->obj[e->depth] = (unsigned char)obj;
	} else {
		e->node[e->depth] = t_add(e, key, obj ? cJSON_CreateObject() : cJSON_CreateArray());
	}
	e->depth++;
}

static void e_end(struct emit *e)
{
	if (e->depth <= 0)
		return;
	e->depth--;
	if (!e->stream)
		return;
	if (e->nch[e->depth] == 0) {
		ob_put(e, e->obj[e->depth] ? "{}" : "[]", 2);
	} else {
		put_indent(e, e->depth);
		ob_putc(e, e->obj[e->depth] ? '}' : ']');
	}
}

static void e_num(struct emit *e, const char *key, double v)
{
	if (e->stream) {
		char n[40];
		s_start(e, key);
		snd_num_exact(n, v);
		ob_put(e, n, strlen(n));
	} else {
		t_add(e, key, cJSON_CreateNumber(v));
	}
}

/* A number, or null when undefined. */
static void e_num_or_null(struct emit *e, const char *key, double v, int defined)
{
	if (defined) {
		e_num(e, key, v);
	} else if (e->stream) {
		s_start(e, key);
		ob_put(e, "null", 4);
	} else {
		t_add(e, key, cJSON_CreateNull());
	}
}

/* A string of n bytes, or null when s is NULL. */
static void e_strn(struct emit *e, const char *key, const char *s, size_t n)
{
	if (s == NULL) {
		e_num_or_null(e, key, 0, 0);
	} else if (e->stream) {
		s_start(e, key);
		put_jstr(e, s, n);
	} else {
		t_add(e, key, cJSON_CreateString(s));
	}
}

static void e_str(struct emit *e, const char *key, const char *s)
{
	e_strn(e, key, s, s ? strlen(s) : 0);
}

static void e_bool(struct emit *e, const char *key, int v)
{
	if (e->stream) {
		s_start(e, key);
		if (v)
			ob_put(e, "true", 4);
		else
			ob_put(e, "false", 5);
	} else {
		t_add(e, key, cJSON_CreateBool(v));
	}
}

static void out_choice(struct emit *e, const struct snd_question *q, const double *x)
{
	double answered = x[0], best = 0;
	int leader = -1, tie = 0;
	e_begin(e, "options", 0);
	for (size_t i = 0; i < q->noptions; i++) {
		double c = x[1 + i];
		e_begin(e, NULL, 1);
		e_str(e, "id", q->options[i].id);
		e_num(e, "count", c);
		e_num(e, "share", answered > 0 ? c / answered : 0);
		e_end(e);
		if (leader < 0 || fgt(c, best)) {
			leader = (int)i;
			best = c;
			tie = 0;
		} else if (feq(c, best)) {
			tie = 1;
		}
	}
	e_end(e);
	e_str(e, "leader", answered > 0 && leader >= 0 && !tie ? q->options[leader].id : NULL);
}

/* Scale fields from a slot [answered, dist...] of a scale with points
 * min..min+np-1. */
static void out_scale(struct emit *e, int min, int np, const double *x)
{
	char key[16];
	double n = x[0], mean = 0, cum = 0, cons = 1;
	int median = min;
	e_begin(e, "distribution", 1);
	e->dupkey = 1;
	for (int i = 0; i < np; i++) {
		snprintf(key, sizeof key, "%d", min + i);
		e_num(e, key, x[1 + i]);
	}
	e->dupkey = 0;
	e_end(e);
	if (n > 0) {
		for (int i = 0; i < np; i++)
			mean += (double)(min + i) * x[1 + i];
		mean /= n;
		/* Lower median: the first point whose cumulative share reaches 1/2. */
		for (int i = 0; i < np; i++) {
			cum += x[1 + i];
			if (cum >= n / 2 || feq(cum, n / 2)) {
				median = min + i;
				break;
			}
		}
		/* Tastle-Wierman: 1 + sum p_i log2(1 - |X_i - mean| / width).  A
		 * one-point scale has nothing to disagree on. */
		if (np > 1) {
			double width = np - 1, s = 0;
			for (int i = 0; i < np; i++) {
				double p = x[1 + i] / n;
				if (p <= 0)
					continue;
				double arg = 1 - fabs((double)(min + i) - mean) / width;
				s += p * log2(arg > 0 ? arg : 1e-300);
			}
			cons = 1 + s;
			cons = cons < 0 ? 0 : cons > 1 ? 1 : cons;
		}
	}
	e_num_or_null(e, "mean", mean, n > 0);
	e_num_or_null(e, "median", median, n > 0);
	e_num_or_null(e, "consensus", cons, n > 0);
}

static void out_matrix(struct emit *e, const struct snd_question *q, const struct qlay *l,
                       const double *x)
{
	e_begin(e, "rows", 0);
	for (size_t r = 0; r < q->nrows; r++) {
		const double *y = x + 1 + r * l->row_len;
		e_begin(e, NULL, 1);
		e_str(e, "id", q->rows[r].id);
		e_num(e, "answered", y[0]);
		out_scale(e, q->min, l->npoints, y);
		e_end(e);
	}
	e_end(e);
}

static void out_rank(struct emit *e, const struct snd_question *q, const double *x)
{
	struct tally *t = e->t;
	size_t m = q->noptions;
	const double *borda = x + 1, *d = x + 1 + m;
	size_t *ord = malloc((m ? m : 1) * sizeof *ord);
	size_t *wins = calloc(m ? m : 1, sizeof *wins);
	double *p = malloc((m ? m * m : 1) * sizeof *p);
	if (!ord || !wins || !p) {
		t->oom = 1;
		goto done;
	}

	/* Borda, highest first; ties keep form order (insertion sort is stable). */
	for (size_t i = 0; i < m; i++) {
		size_t j = i;
		while (j > 0 && fgt(borda[i], borda[ord[j - 1]])) {
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = i;
	}
	e_begin(e, "borda", 0);
	for (size_t k = 0; k < m; k++) {
		e_begin(e, NULL, 1);
		e_str(e, "id", q->options[ord[k]].id);
		e_num(e, "score", borda[ord[k]]);
		e_end(e);
	}
	e_end(e);

	/* Schulze, winning votes: a link i->j is d[i][j] when i beats j; widest
	 * paths by Floyd-Warshall, O(m^3). */
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++)
			p[i * m + j] = i != j && fgt(d[i * m + j], d[j * m + i]) ? d[i * m + j] : 0;
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++) {
			if (i == j)
				continue;
			for (size_t k = 0; k < m; k++) {
				if (k == i || k == j)
					continue;
				double w = fmin(p[j * m + i], p[i * m + k]);
				if (w > p[j * m + k])
					p[j * m + k] = w;
			}
		}
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++)
			if (i != j && fgt(p[i * m + j], p[j * m + i]))
				wins[i]++;
	for (size_t i = 0; i < m; i++) {
		size_t j = i;
		while (j > 0 && wins[i] > wins[ord[j - 1]]) {
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = i;
	}
	e_begin(e, "schulze", 0);
	for (size_t k = 0; k < m; k++)
		e_str(e, NULL, q->options[ord[k]].id);
	e_end(e);

	/* Condorcet winner: beats every other option head to head. */
	int cw = -1;
	for (size_t i = 0; i < m && x[0] > 0 && cw < 0; i++) {
		size_t j;
		for (j = 0; j < m; j++)
			if (j != i && !fgt(d[i * m + j], d[j * m + i]))
				break;
		if (j == m)
			cw = (int)i;
	}
	e_str(e, "condorcet_winner", cw >= 0 ? q->options[cw].id : NULL);

	e_begin(e, "pairwise", 1);
	e->dupkey = 1;
	for (size_t i = 0; i < m; i++) {
		e_begin(e, q->options[i].id, 1);
		for (size_t j = 0; j < m; j++)
			if (j != i)
				e_num(e, q->options[j].id, d[i * m + j]);
		e_end(e);
	}
	e->dupkey = 0;
	e_end(e);
done:
	free(ord);
	free(wins);
	free(p);
}

struct item_ctx {
	struct emit *e;
	const char *field;
	/* stream: the constant bytes around an item's two strings */
	char pre[96], mid[64], post[48];
	size_t npre, nmid, npost;
};

static int out_item(void *ctx, const char *ent, size_t entlen, const char *text,
                    size_t textlen)
{
	struct item_ctx *c = ctx;
	struct emit *e = c->e;
	if (e->stream) {
		/* What e_begin, e_strn and e_end write, with the indents and keys
		 * made once per list (out_kept): most of the output is items. */
		int d = e->depth - 1;
		ob_putc(e, e->nch[d]++ == 0 ? '[' : ',');
		ob_put(e, c->pre, c->npre);
		if (!e->t->pseudo) {
			put_jstr(e, ent, entlen);
			ob_put(e, c->mid, c->nmid);
		}
		put_jstr(e, text, textlen);
		ob_put(e, c->post, c->npost);
		return e->failed;
	}
	e_begin(e, NULL, 1);
	if (!e->t->pseudo)
		e_strn(e, "entity", ent, entlen);
	e_strn(e, c->field, text, textlen);
	e_end(e);
	return e->t->oom;
}

/* pre: indent, "{", indent, the first key; mid: ",", indent, the second
 * key; post: indent, "}" - for items at depth d (d + 1 inside them). */
static void item_frame(struct item_ctx *c, int d, int pseudo)
{
	char in0[40], in1[40];
	int n0 = d * 2 < 32 ? d * 2 : 32, n1 = n0 + 2 < 34 ? n0 + 2 : 34;
	memset(in0, ' ', sizeof in0);
	memset(in1, ' ', sizeof in1);
	in0[n0] = '\0';
	in1[n1] = '\0';
	c->npre = (size_t)snprintf(c->pre, sizeof c->pre, "\n%s{\n%s\"%s\": ", in0, in1,
	                           pseudo ? c->field : "entity");
	c->nmid = (size_t)snprintf(c->mid, sizeof c->mid, ",\n%s\"%s\": ", in1, c->field);
	c->npost = (size_t)snprintf(c->post, sizeof c->post, "\n%s}", in0);
}

/* The kept items of question qi in scope si, in their order (kept.c). */
static void out_kept(struct emit *e, const char *key, const char *field, size_t si, size_t qi)
{
	struct tally *t = e->t;
	struct item_ctx c;
	c.e = e;
	c.field = field;
	e_begin(e, key, 0);
	if (e->stream)
		item_frame(&c, e->depth, t->pseudo);
	if (e->lists && kept_each(&t->kept, (uint32_t)si, (uint32_t)qi, out_item, &c) < 0 &&
	    t->err == SND_OK)
		t->err = t->kept.err == KEPT_EIO ? SND_EIO : SND_ENOMEM;
	e_end(e);
}

struct wv {
	double v, w;
};

static int cmp_wv(const void *a, const void *b)
{
	double x = ((const struct wv *)a)->v, y = ((const struct wv *)b)->v;
	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Lower median of a number question: binned, or from the value list
 * (sorted in place: O(n log n); weights from each value's block). */
static double number_median(struct tally *t, struct scope *s, const struct qlay *l,
                            const double *x)
{
	double n = x[0], cum = 0;
	if (l->nbins > 0) {
		for (int i = 0; i < l->nbins; i++) {
			cum += x[2 + i];
			if (cum >= n / 2 || feq(cum, n / 2))
				return l->lo + i;
		}
		return l->lo + l->nbins - 1;
	}
	struct vlist *vl = &s->vals[l->numi];
	if (!t->entity_mode) {
		qsort(vl->v, vl->n, sizeof *vl->v, cmp_double);
		return vl->v[(vl->n - 1) / 2];
	}
	struct wv *a = malloc(vl->n * sizeof *a);
	if (a == NULL) {
		t->oom = 1;
		return 0;
	}
	for (size_t i = 0; i < vl->n; i++) {
		a[i].v = vl->v[i];
		a[i].w = 1 / t->blocks[(size_t)vl->blk[i] * t->L + l->off];
	}
	qsort(a, vl->n, sizeof *a, cmp_wv);
	double med = a[vl->n - 1].v;
	for (size_t i = 0; i < vl->n; i++) {
		cum += a[i].w;
		if (cum >= n / 2 || feq(cum, n / 2)) {
			med = a[i].v;
			break;
		}
	}
	free(a);
	return med;
}

static void out_questions(struct emit *e, size_t si)
{
	struct tally *t = e->t;
	struct scope *s = &t->sc[si];
	const struct snd_form *f = t->f;
	e_begin(e, "questions", 0);
	for (size_t qi = 0; qi < f->nquestions && !t->oom && !e->failed && t->err == SND_OK; qi++) {
		const struct snd_question *q = &f->questions[qi];
		const struct qlay *l = &t->ql[qi];
		const double *x = s->acc + l->off;
		e_begin(e, NULL, 1);
		e_str(e, "id", q->id);
		e_str(e, "type", snd_qtype_names[q->type]);
		e_num(e, "answered", x[0]);
		switch (q->type) {
		case SND_Q_SINGLE:
		case SND_Q_MULTI:
			out_choice(e, q, x);
			break;
		case SND_Q_SCALE:
			out_scale(e, q->min, l->npoints, x);
			break;
		case SND_Q_MATRIX:
			out_matrix(e, q, l, x);
			break;
		case SND_Q_RANK:
			out_rank(e, q, x);
			break;
		case SND_Q_POSITION:
			for (int i = 0; i < SND_POS__MAX; i++)
				e_num(e, snd_position_names[i], x[1 + i]);
			e_bool(e, "consensus", x[0] > 0 && x[1 + SND_POS_OBJECT] == 0);
			out_kept(e, "objections", "reason", si, qi);
			break;
		case SND_Q_NUMBER: {
			int def = x[0] > 0;
			e_num_or_null(e, "min", s->nmin[l->numi], def);
			e_num_or_null(e, "max", s->nmax[l->numi], def);
			e_num_or_null(e, "mean", def ? x[1] / x[0] : 0, def);
			e_num_or_null(e, "median", def ? number_median(t, s, l, x) : 0, def);
			break;
		}
		case SND_Q_TEXT:
			out_kept(e, "comments", "text", si, qi);
			break;
		default:
			break;
		}
		e_end(e);
	}
	e_end(e);
}

static int cmp_scope_name(const void *a, const void *b)
{
	const struct scope *const *x = a, *const *y = b;
	return natcmp((*x)->name, (*y)->name);
}

/* The whole summary through e: the document of interface.md. */
static void out_summary(struct emit *e)
{
	struct tally *t = e->t;
	e_begin(e, NULL, 1);
	e_str(e, "questionnaire", t->f->id);
	e_str(e, "weight", snd_weight_names[t->o->weight]);
	e_num(e, "responses", t->sc[0].acc[0]);
	out_questions(e, 0);
	if (t->o->by != NULL && !t->oom) {
		size_t ng = t->nsc - 1;
		struct scope **order = malloc((ng ? ng : 1) * sizeof *order);
		if (order == NULL)
			t->oom = 1;
		for (size_t i = 0; order && i < ng; i++)
			order[i] = &t->sc[i + 1];
		if (order && ng > 1)
			qsort(order, ng, sizeof *order, cmp_scope_name);
		e_begin(e, "groups", 1);
		for (size_t i = 0; order && i < ng && !t->oom && !e->failed && t->err == SND_OK; i++) {
			e->dupkey = 1;
			e_begin(e, order[i]->name, 1);
			e->dupkey = 0;
			e_num(e, "responses", order[i]->acc[0]);
			out_questions(e, (size_t)(order[i] - t->sc));
			e_end(e);
		}
		e_end(e);
		free(order);
	}
	e_end(e);
}

static void errf(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* Breakdowns that name a person or an administration, refused on
 * pseudonymous forms wherever the summary is asked for (the collector's
 * chair view as well as `tally`): the list `tally export` hides, in any case. */
static int identifying_attr(const char *by)
{
	static const char *const ids[] = {"entity", "ent", "id", "sub", "name", "email"};
	size_t i;
	for (i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (strcasecmp(by, ids[i]) == 0)
			return 1;
	return 0;
}

struct snd_tally {
	struct tally t;
	struct snd_tally_opts o;  /* a copy: by points into the caller's string */
};

void snd_tally_free(struct snd_tally *st)
{
	if (st == NULL)
		return;
	tally_free(&st->t);
	free(st);
}

/* One pass over the latest revisions; see the file comment for what is
 * kept.  `by` may be "entity" or any token attribute; a multi-valued
 * attribute ("SG2;SG13") counts the delegate in each of its groups, a
 * delegate without it goes to "(none)", and values beyond the 1000th
 * distinct one are pooled in "(other)".  Each group is tallied as if it were
 * the whole questionnaire: under --weight entity an entity has weight 1 in
 * every group it appears in, split among its delegates in that group.
 * Pseudonymous forms: no entity anywhere in the output, and a by that names
 * people ("entity", "name", "email"...: identifying_attr) is refused
 * (SND_EINVAL). */
enum snd_err snd_tally_run(struct snd_store *s, const struct snd_form *f,
                           const struct snd_tally_opts *o, size_t kept_budget,
                           struct snd_tally **out, char *errbuf, size_t errlen)
{
	struct snd_tally *st;
	struct tally *t;
	struct pass p;
	struct snd_tally_opts dflt = {NULL, SND_WEIGHT_DELEGATE};
	enum snd_err e;

	if (o == NULL)
		o = &dflt;
	if ((unsigned)o->weight >= SND_WEIGHT__MAX) {
		errf(errbuf, errlen, "%s", "unknown weighting");
		return SND_EINVAL;
	}
	if (o->by != NULL && f->anonymity == SND_PSEUDONYMOUS && identifying_attr(o->by)) {
		errf(errbuf, errlen, "questionnaire %s is pseudonymous: a breakdown by %s would "
		     "reveal who answered what; break down by category, sg or region instead", f->id,
		     strcmp(o->by, "entity") == 0 ? "entity" : "an attribute that names people");
		return SND_EINVAL;
	}
	if (o->by != NULL && o->by[0] == '\0') {
		errf(errbuf, errlen, "%s", "--by needs an attribute name");
		return SND_EINVAL;
	}
	if ((st = calloc(1, sizeof *st)) == NULL) {
		errf(errbuf, errlen, "%s", "out of memory while tallying");
		return SND_ENOMEM;
	}
	st->o = *o;
	t = &st->t;
	memset(&p, 0, sizeof p);
	t->f = f;
	t->o = &st->o;
	t->entity_mode = o->weight == SND_WEIGHT_ENTITY;
	t->pseudo = f->anonymity == SND_PSEUDONYMOUS;
	kept_init(&t->kept, kept_budget);
	p.t = t;
	p.rs.t = t;
	if ((e = layout(t)) != SND_OK || new_scope(t, NULL) != 0) {
		e = SND_ENOMEM;
		goto fail;
	}

	p.need_attrs = o->by != NULL && strcmp(o->by, "entity") != 0;
	e = stream_rows(&p, s, f->id);
	if (t->err != SND_OK) {
		e = t->err;
		goto fail;
	}
	if (e != SND_OK) {
		errf(errbuf, errlen, "reading responses: %s", snd_store_errmsg(s));
		goto fail;
	}
	if (t->entity_mode)
		combine_blocks(t);
	if (kept_finish(&t->kept) != 0) {
		e = t->kept.err == KEPT_EIO ? SND_EIO : SND_ENOMEM;
		goto fail;
	}
	if (t->invalid > 0)
		snd_log(SND_LOG_WARN, "tally %s: %zu stored answers did not fit the form and were "
		        "skipped", f->id, t->invalid);
	free(p.rs.ids);
	*out = st;
	return SND_OK;
fail:
	if (e == SND_ENOMEM)
		errf(errbuf, errlen, "%s", "out of memory while tallying");
	else if (e == SND_EIO)
		errf(errbuf, errlen, "writing the objections and comments to a temporary file in "
		     "%s failed (set TMPDIR to a directory with room)",
		     getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	free(p.rs.ids);
	snd_tally_free(st);
	return e;
}

static enum snd_err emit_done(struct emit *e)
{
	struct tally *t = e->t;
	if (t->err != SND_OK)
		return t->err;
	if (t->oom)
		return SND_ENOMEM;
	return e->failed ? SND_EIO : SND_OK;
}

enum snd_err snd_tally_tree(struct snd_tally *st, int lists, cJSON **out)
{
	struct emit e;
	enum snd_err err;
	memset(&e, 0, sizeof e);
	e.t = &st->t;
	e.lists = lists;
	out_summary(&e);
	if ((err = emit_done(&e)) != SND_OK || e.root == NULL) {
		cJSON_Delete(e.root);
		return err != SND_OK ? err : SND_ENOMEM;
	}
	*out = e.root;
	return SND_OK;
}

enum snd_err snd_tally_write_json(struct snd_tally *st, FILE *fp)
{
	struct emit e;
	memset(&e, 0, sizeof e);
	e.t = &st->t;
	e.stream = 1;
	e.lists = 1;
	e.fp = fp;
	if ((e.ob = malloc(EMIT_BUF)) == NULL)
		return SND_ENOMEM;
	out_summary(&e);
	ob_putc(&e, '\n');
	ob_flush(&e);
	free(e.ob);
	return emit_done(&e);
}

struct item_fwd {
	snd_tally_item_cb cb;
	void *ctx;
};

static int item_fwd(void *ctx, const char *ent, size_t entlen, const char *text, size_t textlen)
{
	const struct item_fwd *fw = ctx;
	(void)entlen;
	(void)textlen;
	return fw->cb(fw->ctx, ent, text);
}

enum snd_err snd_tally_each_item(struct snd_tally *st, const char *group, const char *qid,
                                 snd_tally_item_cb cb, void *ctx)
{
	struct tally *t = &st->t;
	size_t si = 0;
	int qi = snd_form_question(t->f, qid);
	if (qi < 0)
		return SND_ENOTFOUND;
	if (group != NULL) {
		struct sent *g = smap_find(&t->groups, group, strlen(group));
		if (g == NULL)
			return SND_ENOTFOUND;
		si = g->val;
	}
	struct item_fwd fw = {cb, ctx};
	int rc = kept_each(&t->kept, (uint32_t)si, (uint32_t)qi, item_fwd, &fw);
	if (rc < 0)
		return t->kept.err == KEPT_EIO ? SND_EIO : SND_ENOMEM;
	return SND_OK;
}

size_t snd_tally_count_items(struct snd_tally *st, const char *group, const char *qid)
{
	struct tally *t = &st->t;
	size_t si = 0;
	int qi = snd_form_question(t->f, qid);
	if (qi < 0)
		return 0;
	if (group != NULL) {
		struct sent *g = smap_find(&t->groups, group, strlen(group));
		if (g == NULL)
			return 0;
		si = g->val;
	}
	return kept_count(&t->kept, (uint32_t)si, (uint32_t)qi);
}

/* The summary as one cJSON tree: snd_tally_run with every list in memory,
 * then the tree.  *out (caller cJSON_Delete's it) is set only on SND_OK. */
enum snd_err snd_tally_summary(struct snd_store *s, const struct snd_form *f,
                               const struct snd_tally_opts *o, cJSON **out,
                               char *errbuf, size_t errlen)
{
	struct snd_tally *st = NULL;
	enum snd_err e = snd_tally_run(s, f, o, 0, &st, errbuf, errlen);
	if (e != SND_OK)
		return e;
	if ((e = snd_tally_tree(st, 1, out)) != SND_OK && e == SND_ENOMEM)
		errf(errbuf, errlen, "%s", "out of memory while tallying");
	snd_tally_free(st);
	return e;
}

/* --------------------------------------------------------------- turnout */

static const char *const turnout_attrs[] = {"category", "sg", "region"};
#define NTURNOUT (sizeof turnout_attrs / sizeof turnout_attrs[0])

struct turnout_val {
	uint32_t delegates, entities;
	const char *name;
};

struct turnout {
	struct arena arena;
	struct smap vals[NTURNOUT];   /* value -> index in tv[attr] */
	struct turnout_val *tv[NTURNOUT];
	size_t ntv[NTURNOUT], captv[NTURNOUT];
	struct smap seen;             /* (attr, value, entity) and (entity) sets */
	struct scratch key;
	uint32_t delegates, entities;
	int attr;                     /* the attribute being counted */
	const char *ent;
	enum snd_err err;
};

/* Marks key (built in tu->key) as seen; 1 when it is new. */
static int seen_once(struct turnout *tu)
{
	if (smap_find(&tu->seen, tu->key.p, tu->key.len) != NULL)
		return 0;
	if (smap_add(&tu->seen, &tu->arena, tu->key.p, tu->key.len, 0) == NULL) {
		tu->err = SND_ENOMEM;
		return 0;
	}
	return 1;
}

static int turnout_piece(void *ctx, const char *v, size_t n)
{
	struct turnout *tu = ctx;
	int a = tu->attr;
	struct sent *e = smap_find(&tu->vals[a], v, n);
	if (e == NULL) {
		if (tu->ntv[a] == tu->captv[a]) {
			size_t nc = tu->captv[a] ? tu->captv[a] * 2 : 16;
			struct turnout_val *nv = realloc(tu->tv[a], nc * sizeof *nv);
			if (nv == NULL)
				return -1;
			tu->tv[a] = nv;
			tu->captv[a] = nc;
		}
		e = smap_add(&tu->vals[a], &tu->arena, v, n, (uint32_t)tu->ntv[a]);
		if (e == NULL)
			return -1;
		tu->tv[a][tu->ntv[a]].delegates = 0;
		tu->tv[a][tu->ntv[a]].entities = 0;
		tu->tv[a][tu->ntv[a]].name = e->k;
		tu->ntv[a]++;
	}
	struct turnout_val *tv = &tu->tv[a][e->val];
	char tag = (char)('0' + a);
	tv->delegates++;
	tu->key.len = 0;
	if (scratch_put(&tu->key, &tag, 1) || scratch_put(&tu->key, v, n) ||
	    scratch_put(&tu->key, "", 1) || scratch_put(&tu->key, tu->ent, strlen(tu->ent)))
		return -1;
	if (seen_once(tu))
		tv->entities++;
	return tu->err != SND_OK ? -1 : 0;
}

static int turnout_row(void *ctx, const struct snd_revision *r)
{
	struct turnout *tu = ctx;
	char tag = 'e';
	tu->ent = r->ent != NULL ? r->ent : "";
	tu->delegates++;
	tu->key.len = 0;
	if (scratch_put(&tu->key, &tag, 1) || scratch_put(&tu->key, tu->ent, strlen(tu->ent))) {
		tu->err = SND_ENOMEM;
		return 1;
	}
	if (seen_once(tu))
		tu->entities++;
	for (size_t a = 0; a < NTURNOUT && tu->err == SND_OK; a++) {
		const char *v;
		size_t n;
		cJSON *tree;
		attr_value(r->attrs, turnout_attrs[a], &v, &n, &tree);
		tu->attr = (int)a;
		if (each_piece(v, n, 1, turnout_piece, tu) != 0 && tu->err == SND_OK)
			tu->err = SND_ENOMEM;
		cJSON_Delete(tree);
	}
	return tu->err != SND_OK;
}

static int cmp_tv(const void *a, const void *b)
{
	return natcmp(((const struct turnout_val *)a)->name, ((const struct turnout_val *)b)->name);
}

/* Turnout over the latest revisions: delegates and distinct entities, in
 * total and per value of category, sg (multi-valued, split on ';') and
 * region; "(none)" for delegates without the attribute.  Values in natural
 * order.  *out (caller deletes) is set only on SND_OK. */
enum snd_err snd_tally_turnout(struct snd_store *s, const struct snd_form *f, cJSON **out,
                               char *errbuf, size_t errlen)
{
	struct turnout tu;
	enum snd_err e;
	cJSON *root = NULL;
	int oom = 0;

	memset(&tu, 0, sizeof tu);
	e = snd_store_each_latest(s, f->id, turnout_row, &tu);
	if (tu.err != SND_OK) {
		e = tu.err;
		goto done;
	}
	if (e != SND_OK) {
		errf(errbuf, errlen, "reading responses: %s", snd_store_errmsg(s));
		goto done;
	}
	root = cJSON_CreateObject();
	if (root == NULL ||
	    cJSON_AddNumberToObject(root, "delegates", tu.delegates) == NULL ||
	    cJSON_AddNumberToObject(root, "entities", tu.entities) == NULL) {
		oom = 1;
		goto done;
	}
	cJSON *by = cJSON_AddObjectToObject(root, "by");
	for (size_t a = 0; a < NTURNOUT && by && !oom; a++) {
		cJSON *ao = cJSON_AddObjectToObject(by, turnout_attrs[a]);
		if (ao == NULL) {
			oom = 1;
			break;
		}
		if (tu.ntv[a] > 1)
			qsort(tu.tv[a], tu.ntv[a], sizeof *tu.tv[a], cmp_tv);
		for (size_t i = 0; i < tu.ntv[a]; i++) {
			cJSON *vo = cJSON_AddObjectToObject(ao, tu.tv[a][i].name);
			if (vo == NULL ||
			    cJSON_AddNumberToObject(vo, "delegates", tu.tv[a][i].delegates) == NULL ||
			    cJSON_AddNumberToObject(vo, "entities", tu.tv[a][i].entities) == NULL) {
				oom = 1;
				break;
			}
		}
	}
	if (by == NULL)
		oom = 1;
done:
	if (oom && e == SND_OK)
		e = SND_ENOMEM;
	if (e == SND_ENOMEM)
		errf(errbuf, errlen, "%s", "out of memory while counting turnout");
	for (size_t a = 0; a < NTURNOUT; a++) {
		smap_free(&tu.vals[a]);
		free(tu.tv[a]);
	}
	smap_free(&tu.seen);
	free(tu.key.p);
	arena_free(&tu.arena);
	if (e != SND_OK) {
		cJSON_Delete(root);
		return e;
	}
	*out = root;
	return SND_OK;
}
