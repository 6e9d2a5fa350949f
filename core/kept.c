/* kept.c - the tally's kept texts (objection reasons and comments) in
 * output order, with memory bounded by a budget: an external merge sort.
 *
 * Invariants:
 *   1. An item is one record: [u32 keylen][u32 entlen] then the key:
 *      scope (4 bytes, big-endian), question (4, big-endian), entity, NUL,
 *      text, NUL.  Entity and text hold no NUL (the tally copies C
 *      strings), so comparing keys as bytes orders by scope, question, then
 *      entity and text exactly as strcmp does - the order the summary has
 *      always had - and equal keys are equal items, so any sort gives the
 *      same output.
 *   2. Records are appended to one buffer.  When it holds `budget` bytes
 *      (and budget > 0) its offsets are sorted (sort8) and the records are
 *      written in that order to an unlinked temporary file as one run;
 *      each run keeps a directory of its (scope, question) segments.  The
 *      last buffer is sorted in place and stays in memory as the last run.
 *   3. kept_each merges the segments of one (scope, question) from every
 *      run with a binary heap, reading each run through its own buffer
 *      (CURSORS_TOTAL shared by the runs, 4 to 64 KiB each; more for a
 *      record that does not fit).  Memory is the budget plus those buffers
 *      (8 MiB up to 2,048 runs, then 4 KiB a run); the file holds every
 *      item once.  Small runs sort faster (a 4 MiB buffer stays in the
 *      CPU's caches): measured on 1M responses, a 4 MiB budget tallies
 *      ~8% faster than 16 MiB.
 *   4. Errors are sticky (k->err): after a failed allocation or I/O
 *      every call fails, and nothing is half-reported as success.
 */
#include "kept.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HDR 8                 /* keylen, entlen */
#define PFX 8                 /* scope, question */
/* Read buffers of the merge: CURSORS_TOTAL bytes shared by the runs, each
 * between CURSOR_MIN and CURSOR_MAX. */
#define CURSORS_TOTAL ((size_t)8 << 20)
#define CURSOR_MIN ((size_t)4 << 10)
#define CURSOR_MAX ((size_t)64 << 10)
#define WBUF_BYTES ((size_t)256 << 10)

struct seg {
	uint32_t scope, q;
	uint64_t off;   /* file runs: byte offset of the first record; memory run: index in idx */
	uint64_t n;     /* items */
	uint64_t bytes; /* file runs: bytes of the segment */
};

struct kept_run {
	struct seg *segs;
	size_t nsegs;
	int in_memory;  /* the last run: records in k->buf, order in k->idx */
};

struct cursor {
	unsigned char *b;   /* buffer */
	size_t cap, have, pos;
	uint64_t foff, fend; /* file range still to read */
	uint64_t left;       /* items left */
	const unsigned char *rec; /* current record */
	const unsigned char *mem; /* memory run: k->buf */
	const uint64_t *midx;     /* memory run: next offsets */
};

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void kept_init(struct kept_store *k, size_t budget)
{
	memset(k, 0, sizeof *k);
	k->budget = budget;
	k->fd = -1;
}

void kept_free(struct kept_store *k)
{
	for (size_t i = 0; i < k->nruns; i++)
		free(k->runs[i].segs);
	free(k->runs);
	free(k->buf);
	free(k->idx);
	if (k->fd >= 0)
		close(k->fd);
	if (k->scratch != NULL)
		for (size_t i = 0; i < k->nruns; i++)
			free(((struct cursor *)(void *)k->scratch)[i].b);
	free(k->scratch);
	memset(k, 0, sizeof *k);
	k->fd = -1;
}

static int fail(struct kept_store *k)
{
	k->err = KEPT_ENOMEM;
	return -1;
}

static int fail_io(struct kept_store *k)
{
	k->err = KEPT_EIO;
	return -1;
}

/* ------------------------------------------------------------- sorting */

static int keycmp(const unsigned char *a, const unsigned char *b, size_t d)
{
	size_t la = rd32(a), lb = rd32(b), m = la < lb ? la : lb;
	int c = m > d ? memcmp(a + HDR + d, b + HDR + d, m - d) : 0;
	return c != 0 ? c : (la > lb) - (la < lb);
}

/* A sort entry: 8 key bytes from the current depth, and the record. */
struct sk {
	uint64_t c;
	uint64_t off;
};

/* Key bytes d..d+7 of rec as a big-endian number, zeros past the end.  Two
 * keys with equal chunks that both end inside them are equal: a key holds
 * exactly two NULs, its last byte and the one after the entity (invariant
 * 1), so zero padding cannot stand for bytes of another key. */
static uint64_t chunk(const unsigned char *rec, size_t d)
{
	size_t len = rd32(rec);
	const unsigned char *k = rec + HDR;
	uint64_t v = 0;
	if (d + 8 <= len) {
		memcpy(&v, k + d, 8);
		return __builtin_bswap64(v);
	}
	for (size_t i = d; i < len; i++)
		v |= (uint64_t)k[i] << (56 - 8 * (i - d));
	return v;
}

static const unsigned char *qbase; /* for qsort's comparator only (see below) */

static int cmp_sk(const void *x, const void *y)
{
	return keycmp(qbase + ((const struct sk *)x)->off, qbase + ((const struct sk *)y)->off, 0);
}

static void swap_sk(struct sk *a, size_t i, size_t j)
{
	struct sk t = a[i];
	a[i] = a[j];
	a[j] = t;
}

/* Multikey quicksort (Bentley & Sedgewick) eight key bytes at a time: the
 * entries a[0..n) agree on their first d key bytes and a[].c holds bytes
 * d..d+7.  Partitioning compares integers in the entry array, so a record
 * is read once per 8 bytes of key it shares with others, not once per
 * comparison (entities share long prefixes: "Academia member 00042").
 * Depth-limited: input that defeats the median of three goes to qsort
 * (whose comparator needs the base in a global, so under a mutex: the
 * collector tallies from several threads). */
static void sort8(const unsigned char *base, struct sk *a, size_t n, size_t d, int depth)
{
	while (n > 1) {
		if (n < 16) {
			for (size_t i = 1; i < n; i++)
				for (size_t j = i; j > 0; j--) {
					const struct sk *x = &a[j - 1], *y = &a[j];
					if (x->c < y->c ||
					    (x->c == y->c && keycmp(base + x->off, base + y->off, d) <= 0))
						break;
					swap_sk(a, j, j - 1);
				}
			return;
		}
		if (depth > 128) {
			static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
			pthread_mutex_lock(&mu);
			qbase = base;
			qsort(a, n, sizeof *a, cmp_sk);
			pthread_mutex_unlock(&mu);
			return;
		}
		uint64_t x = a[0].c, y = a[n / 2].c, z = a[n - 1].c;
		uint64_t v = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		size_t lt = 0, i = 0, gt = n;
		while (i < gt) {
			uint64_t c = a[i].c;
			if (c < v)
				swap_sk(a, lt++, i++);
			else if (c > v)
				swap_sk(a, i, --gt);
			else
				i++;
		}
		sort8(base, a, lt, d, depth + 1);
		sort8(base, a + gt, n - gt, d, depth + 1);
		a += lt;
		n = gt - lt;
		if (n < 2 || rd32(base + a[0].off) <= d + 8)
			return; /* the keys end in this chunk: all equal */
		d += 8;
		for (size_t k = 0; k < n; k++)
			a[k].c = chunk(base + a[k].off, d);
		depth++;
	}
}

/* Sorts the buffer's offsets by key.  0 or -1 (out of memory). */
static int sort_idx(struct kept_store *k)
{
	if (k->n < 2)
		return 0;
	struct sk *a = malloc(k->n * sizeof *a);
	if (a == NULL)
		return -1;
	for (size_t i = 0; i < k->n; i++) {
		a[i].off = k->idx[i];
		a[i].c = chunk(k->buf + k->idx[i], 0);
	}
	sort8(k->buf, a, k->n, 0, 0);
	for (size_t i = 0; i < k->n; i++)
		k->idx[i] = a[i].off;
	free(a);
	return 0;
}

/* ------------------------------------------------------------- adding */

static int add_run(struct kept_store *k, struct kept_run *r)
{
	if (k->nruns == k->capruns) {
		size_t nc = k->capruns ? k->capruns * 2 : 8;
		struct kept_run *nr = realloc(k->runs, nc * sizeof *nr);
		if (nr == NULL)
			return -1;
		k->runs = nr;
		k->capruns = nc;
	}
	k->runs[k->nruns++] = *r;
	return 0;
}

/* The segments of the sorted buffer; for a file run, off/bytes are byte
 * positions from file_off on. */
static int make_segs(struct kept_store *k, struct kept_run *r, int file, uint64_t file_off)
{
	size_t cap = 0;
	uint64_t pos = file_off;
	r->segs = NULL;
	r->nsegs = 0;
	for (size_t i = 0; i < k->n; i++) {
		const unsigned char *rec = k->buf + k->idx[i];
		uint32_t sc = be32(rec + HDR), q = be32(rec + HDR + 4);
		uint64_t sz = HDR + (uint64_t)rd32(rec);
		struct seg *s = r->nsegs ? &r->segs[r->nsegs - 1] : NULL;
		if (s == NULL || s->scope != sc || s->q != q) {
			if (r->nsegs == cap) {
				size_t nc = cap ? cap * 2 : 32;
				struct seg *ns = realloc(r->segs, nc * sizeof *ns);
				if (ns == NULL) {
					free(r->segs);
					r->segs = NULL;
					return -1;
				}
				r->segs = ns;
				cap = nc;
			}
			s = &r->segs[r->nsegs++];
			s->scope = sc;
			s->q = q;
			s->off = file ? pos : i;
			s->n = 0;
			s->bytes = 0;
		}
		s->n++;
		s->bytes += sz;
		pos += sz;
	}
	return 0;
}

static int open_tmp(struct kept_store *k)
{
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
#ifdef O_TMPFILE
	k->fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (k->fd >= 0)
		return 0;
#endif
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/sounding-tally-XXXXXX", dir) >= sizeof path)
		return -1;
	k->fd = mkstemp(path);
	if (k->fd < 0)
		return -1;
	unlink(path);
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sorts the buffer and writes it to the file as a run (invariant 2). */
static int spill(struct kept_store *k)
{
	struct kept_run r = {NULL, 0, 0};
	unsigned char *w = NULL;
	size_t wl = 0;
	if (k->fd < 0 && open_tmp(k) != 0)
		return fail_io(k);
	if (sort_idx(k) != 0)
		return fail(k);
	if (make_segs(k, &r, 1, k->fsize) != 0 || (w = malloc(WBUF_BYTES)) == NULL) {
		free(w);
		return fail(k);
	}
	for (size_t i = 0; i < k->n; i++) {
		const unsigned char *rec = k->buf + k->idx[i];
		size_t sz = HDR + (size_t)rd32(rec);
		if (wl + sz > WBUF_BYTES) {
			if (write_all(k->fd, w, wl) != 0)
				goto bad;
			wl = 0;
		}
		if (sz > WBUF_BYTES) {
			if (write_all(k->fd, rec, sz) != 0)
				goto bad;
		} else {
			memcpy(w + wl, rec, sz);
			wl += sz;
		}
		k->fsize += sz;
	}
	if (write_all(k->fd, w, wl) != 0 || add_run(k, &r) != 0)
		goto bad;
	free(w);
	k->len = 0;
	k->n = 0;
	return 0;
bad:
	free(w);
	free(r.segs);
	return fail_io(k);
}

int kept_add(struct kept_store *k, uint32_t scope, uint32_t q, const char *ent, size_t entlen,
             const char *text, size_t textlen)
{
	if (k->err || k->finished)
		return -1;
	if (ent == NULL)
		entlen = 0;
	size_t keylen = PFX + entlen + 1 + textlen + 1, sz = HDR + keylen;
	if (keylen > UINT32_MAX)
		return fail(k);
	if (k->budget > 0 && k->n > 0 && k->len + sz > k->budget && spill(k) != 0)
		return -1;
	if (k->cap - k->len < sz) {
		size_t cap = k->cap ? k->cap : 65536;
		while (cap - k->len < sz)
			cap *= 2;
		unsigned char *nb = realloc(k->buf, cap);
		if (nb == NULL)
			return fail(k);
		k->buf = nb;
		k->cap = cap;
	}
	if (k->n == k->capidx) {
		size_t nc = k->capidx ? k->capidx * 2 : 1024;
		uint64_t *ni = realloc(k->idx, nc * sizeof *ni);
		if (ni == NULL)
			return fail(k);
		k->idx = ni;
		k->capidx = nc;
	}
	unsigned char *p = k->buf + k->len;
	uint32_t kl = (uint32_t)keylen, el = (uint32_t)entlen;
	memcpy(p, &kl, 4);
	memcpy(p + 4, &el, 4);
	p += HDR;
	p[0] = (unsigned char)(scope >> 24);
	p[1] = (unsigned char)(scope >> 16);
	p[2] = (unsigned char)(scope >> 8);
	p[3] = (unsigned char)scope;
	p[4] = (unsigned char)(q >> 24);
	p[5] = (unsigned char)(q >> 16);
	p[6] = (unsigned char)(q >> 8);
	p[7] = (unsigned char)q;
	p += PFX;
	if (entlen)
		memcpy(p, ent, entlen);
	p[entlen] = '\0';
	p += entlen + 1;
	if (textlen)
		memcpy(p, text, textlen);
	p[textlen] = '\0';
	k->idx[k->n++] = k->len;
	k->len += sz;
	return 0;
}

int kept_finish(struct kept_store *k)
{
	struct kept_run r = {NULL, 0, 1};
	if (k->err)
		return -1;
	if (k->finished)
		return 0;
	k->finished = 1;
	if (sort_idx(k) != 0)
		return fail(k);
	if (make_segs(k, &r, 0, 0) != 0 || add_run(k, &r) != 0) {
		free(r.segs);
		return fail(k);
	}
	if (k->nruns > 1 && (k->scratch = calloc(k->nruns, sizeof(struct cursor))) == NULL)
		return fail(k);
	return 0;
}

/* ------------------------------------------------------------- reading */

static const struct seg *find_seg(const struct kept_run *r, uint32_t scope, uint32_t q)
{
	size_t lo = 0, hi = r->nsegs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct seg *s = &r->segs[mid];
		if (s->scope < scope || (s->scope == scope && s->q < q))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->nsegs && r->segs[lo].scope == scope && r->segs[lo].q == q)
		return &r->segs[lo];
	return NULL;
}

size_t kept_count(const struct kept_store *k, uint32_t scope, uint32_t q)
{
	size_t n = 0;
	for (size_t i = 0; i < k->nruns; i++) {
		const struct seg *s = find_seg(&k->runs[i], scope, q);
		if (s != NULL)
			n += (size_t)s->n;
	}
	return n;
}

/* Makes c->rec the next record; 0, 1 at the end, -1 on a read error. */
static int cur_next(struct kept_store *k, struct cursor *c)
{
	if (c->left == 0)
		return 1;
	c->left--;
	if (c->mem != NULL) {
		c->rec = c->mem + *c->midx++;
		return 0;
	}
	for (;;) {
		size_t avail = c->have - c->pos;
		if (avail >= HDR) {
			size_t sz = HDR + (size_t)rd32(c->b + c->pos);
			if (avail >= sz) {
				c->rec = c->b + c->pos;
				c->pos += sz;
				return 0;
			}
			if (sz > c->cap) {
				unsigned char *nb = realloc(c->b, sz);
				if (nb == NULL)
					return -1;
				c->b = nb;
				c->cap = sz;
			}
		}
		if (c->foff >= c->fend)
			return -1; /* the run ends inside a record: a damaged file */
		memmove(c->b, c->b + c->pos, avail);
		c->have = avail;
		c->pos = 0;
		size_t want = c->cap - c->have;
		if (want > c->fend - c->foff)
			want = (size_t)(c->fend - c->foff);
		ssize_t got = pread(k->fd, c->b + c->have, want, (off_t)c->foff);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		c->have += (size_t)got;
		c->foff += (uint64_t)got;
	}
}

static int call(kept_cb cb, void *ctx, const unsigned char *rec)
{
	const char *ent = (const char *)rec + HDR + PFX;
	size_t entlen = rd32(rec + 4);
	return cb(ctx, ent, entlen, ent + entlen + 1, rd32(rec) - PFX - entlen - 2);
}

static int rec_less(const unsigned char *a, const unsigned char *b)
{
	return keycmp(a, b, PFX) < 0;
}

int kept_each(struct kept_store *k, uint32_t scope, uint32_t q, kept_cb cb, void *ctx)
{
	struct cursor one, *cs = k->nruns > 1 ? (struct cursor *)(void *)k->scratch : &one;
	struct cursor *heap[64], **h = heap;
	size_t nc = 0;
	int rc = 0;

	if (k->err || !k->finished)
		return -1;
	for (size_t i = 0; i < k->nruns; i++) {
		const struct kept_run *r = &k->runs[i];
		const struct seg *s = find_seg(r, scope, q);
		struct cursor *c = &cs[nc];
		if (s == NULL)
			continue;
		if (c == &one)
			memset(c, 0, sizeof *c);
		c->left = s->n;
		c->have = c->pos = 0;
		if (r->in_memory) {
			c->mem = k->buf;
			c->midx = k->idx + s->off;
		} else {
			c->mem = NULL;
			c->foff = s->off;
			c->fend = s->off + s->bytes;
			if (c->b == NULL) {
				size_t sz = CURSORS_TOTAL / k->nruns;
				sz = sz < CURSOR_MIN ? CURSOR_MIN : sz > CURSOR_MAX ? CURSOR_MAX : sz;
				if ((c->b = malloc(sz)) == NULL)
					return fail(k);
				c->cap = sz;
			}
		}
		nc++;
	}
	if (nc == 0)
		return 0;
	if (nc > sizeof heap / sizeof heap[0] && (h = malloc(nc * sizeof *h)) == NULL)
		return fail(k);
	/* a binary heap of cursors by their current record */
	size_t hn = 0;
	for (size_t i = 0; i < nc; i++) {
		int e = cur_next(k, &cs[i]);
		if (e < 0)
			goto io;
		if (e > 0)
			continue;
		size_t j = hn++;
		while (j > 0 && rec_less(cs[i].rec, h[(j - 1) / 2]->rec)) {
			h[j] = h[(j - 1) / 2];
			j = (j - 1) / 2;
		}
		h[j] = &cs[i];
	}
	while (hn > 0) {
		struct cursor *top = h[0];
		if ((rc = call(cb, ctx, top->rec)) != 0)
			goto out;
		int e = cur_next(k, top);
		if (e < 0)
			goto io;
		if (e > 0)
			top = h[--hn];
		/* sift top down from the root */
		size_t j = 0;
		for (;;) {
			size_t l = 2 * j + 1, m = j;
			const unsigned char *best = top->rec;
			if (l < hn && rec_less(h[l]->rec, best)) {
				m = l;
				best = h[l]->rec;
			}
			if (l + 1 < hn && rec_less(h[l + 1]->rec, best))
				m = l + 1;
			if (m == j)
				break;
			h[j] = h[m];
			j = m;
		}
		if (hn > 0)
			h[j] = top;
	}
out:
	if (h != heap)
		free(h);
	if (cs == &one)
		free(one.b);
	return rc;
io:
	if (h != heap)
		free(h);
	if (cs == &one)
		free(one.b);
	return fail_io(k);
}
