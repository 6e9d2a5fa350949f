/* tally_int.h - internal to libsounding: what the pieces of the tally
 * engine share.  The engine is split by concern:
 *
 *   tally.c         the layout of the accumulators, the scopes, and the
 *                   public entry points (snd_tally_run, _free, _each_item...)
 *   tally_maps.c    the arena, the string map, natural order
 *   tally_rows.c    decoding (the cJSON fallback) and adding up one row
 *   tally_groups.c  which scopes a row counts in (--by); token attributes
 *   tally_stream.c  the reader and the worker thread over the store's rows
 *   tally_json.c    the emitter: the summary as a cJSON tree or as JSON text
 *   measures.c      the measures, pure functions over the counts
 *   turnout.c       turnout by category, sg and region
 *   scan.c, kept.c  the strict scanner of stored answers; the kept texts
 *
 * Owns: the engine's types (struct tally, scope, slot, vlist; the arena,
 * the string map, scratch bytes), its limits, and the helpers the per-row
 * path calls (smap_find, scratch_put: static inline, as they were when the
 * engine was one file, so the hot loops cost what they did).
 *
 * Invariants: tally.c's file comment states the engine's; in addition
 *   1. A struct tally is used by one thread at a time: the reader thread
 *      fills batches, the worker applies them (tally_stream.c), never both
 *      on the same fields.
 *   2. Every string a map or a scope names lives in the tally's arena, freed
 *      only with the tally.
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_TALLY_INT_H
#define SND_TALLY_INT_H

#include "kept.h"
#include "measures.h"
#include "scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* ------------------------------------------------- arena (tally_maps.c) */

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

char *tally_arena_alloc(struct arena *a, size_t n);
char *tally_arena_strndup(struct arena *a, const char *s, size_t n);
void tally_arena_free(struct arena *a);

/* --------------------------------------------- string map (tally_maps.c) */

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

static inline uint32_t fnv(const char *k, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

/* Finds key k; returns its entry or NULL.  Inline: called per row. */
static inline struct sent *smap_find(const struct smap *m, const char *k, size_t n)
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
struct sent *tally_smap_add(struct smap *m, struct arena *a, const char *k, size_t n,
                            uint32_t val);
void tally_smap_free(struct smap *m);

/* Natural order for group names: digit runs compare as numbers, so "SG2"
 * comes before "SG11"; ties fall back to bytes so the order is total. */
int tally_natcmp(const char *a, const char *b);

/* Growable scratch bytes (map keys made of several parts, decoded texts).
 * Inline: called per row. */
struct scratch {
	char *p;
	size_t len, cap;
};

static inline int scratch_put(struct scratch *s, const void *p, size_t n)
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

/* The array p of *cap elements of size bytes, with room for element n:
 * p itself when there is room, else p reallocated to twice the capacity
 * (first when empty) and *cap updated.  NULL when out of memory (p is
 * then unchanged, still the caller's). */
static inline void *tally_grow(void *p, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n < *cap)
		return p;
	size_t nc = *cap ? *cap * 2 : first;
	void *q = realloc(p, nc * size);
	if (q != NULL)
		*cap = nc;
	return q;
}

/* A kept.c failure as the engine reports it. */
static inline enum snd_err tally_kept_err(const struct kept_store *k)
{
	return k->err == KEPT_EIO ? SND_EIO : SND_ENOMEM;
}

/* The first revision the check of SND_TALLY_VERIFY refused. */
struct tally_bad {
	int64_t seq;          /* 0: none */
	char sub[128];        /* the delegate, control characters as '?' */
	const char *what;     /* a static phrase */
};

/* ------------------------------------------------------ layout (tally.c) */

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
	/* issue 12: what is counted and checked (snd_tally_run_ex) */
	unsigned flags;       /* SND_TALLY_* and TALLY_CHECK_ONLY */
	int64_t revoked;      /* delegates whose latest revision has a revoked token */
	int64_t invited;
	int has_invited;
	struct tally_bad bad; /* the check's first failure (bad.seq 0: none) */
	enum snd_err err;
	int oom;              /* JSON building ran out of memory */
	cJSON *dispositions, *outcomes; /* the chair's record (snd_record_json) */
};

/* snd_tally_check: the walk checks, nothing is counted (tally.c). */
#define TALLY_CHECK_ONLY 0x100

/* Records a failure in *b unless it holds an earlier one. */
void tally_bad_note(struct tally_bad *b, int64_t seq, const char *sub, const char *what);

/* The public handle: the engine and a copy of the options. */
struct snd_tally {
	struct tally t;
	struct snd_tally_opts o;  /* a copy: by points into the caller's string */
};

/* Lays out one block and sizes the decoded-row buffers (tally.c). */
enum snd_err tally_layout(struct tally *t);
/* A new scope named name (arena string; NULL for the whole): its index, or
 * -1 when out of memory. */
int tally_new_scope(struct tally *t, const char *name);
/* Frees everything t holds (not t itself). */
void tally_release(struct tally *t);
void tally_errf(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* --------------------------------------------- one row (tally_rows.c) */

static inline void tally_reset_row(struct tally *t)
{
	memset(t->dq, 0, t->f->nquestions * sizeof *t->dq);
}

/* Decodes the row with cJSON, question by question: an answer that does
 * not fit the form is skipped (and counted) while the rest of the row
 * counts.  The tree is handed back (caller deletes it after the row is
 * applied) so the strings in t->dq stay valid. */
cJSON *tally_cjson_decode(struct tally *t, const char *txt, size_t n);
/* Adds the decoded row to scope si (to its entity's block under --weight
 * entity); t->err on failure. */
void tally_apply_scope(struct tally *t, uint32_t si);

/* ------------------------------------------- groups (tally_groups.c) */

/* The scopes of one row: the groups its --by value names. */
struct row_scopes {
	struct tally *t;
	uint32_t *ids;
	size_t n, cap;
};

/* Adds the scope of group value p[0..len) to rs (created on first sight);
 * -1 when out of memory.  An each-piece callback. */
int tally_add_row_scope(void *ctx, const char *p, size_t len);
/* Looks up attribute key in the attrs object text: *v, *n the raw value
 * (into attrs, or into *tree, which the caller deletes); *v NULL when
 * absent or not a string. */
void tally_attr_value(const char *attrs, const char *key, const char **v, size_t *n,
                      cJSON **tree);
/* Calls fn once for each distinct trimmed piece of v[0..n) (split on ';'
 * when split), or with "(none)" when there is none.  -1 when fn fails. */
int tally_each_piece(const char *v, size_t n, int split,
                     int (*fn)(void *ctx, const char *p, size_t len), void *ctx);

/* 1 when key is one of the ", "-joined names of snd_tally_attrs. */
int tally_has_attr(const char *names, const char *key);

/* ---------------------------------------- streaming (tally_stream.c) */

/* Reads every latest revision of questionnaire qid into t, with the
 * scopes of --by; then, under --weight entity, adds the blocks up.  t->err
 * for the engine's own failures; SND_ENOMEM when a batch could not grow;
 * else the store's error. */
enum snd_err tally_stream(struct tally *t, struct snd_store *s, const char *qid);

#endif
