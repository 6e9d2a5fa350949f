/* tally_json.c - the summary out of a finished tally: one emitter with two
 * back ends, and what each question type says (its measures from
 * measures.c).
 *
 * This file owns:
 *   1. the emitter (struct emit): a cJSON tree (snd_tally_tree: the
 *      collector, the report, the text/CSV/Markdown writers) or pretty JSON
 *      written straight to a stream (snd_tally_write_json: `tally summary
 *      --format json`);
 *   2. the JSON string escaper of the stream (SSE2 when there is one);
 *   3. the per-type output: choice, scale (no_view, leik, agreement),
 *      matrix, rank, position (divided delegations under --weight
 *      entity), number (median, histogram), text, and the kept items,
 *      streamed from kept.c;
 *   4. the summary document of interface.md and its groups' order.
 *
 * Invariants:
 *   1. One piece of code computes every figure whatever the destination:
 *      the stream's bytes are those of the tree pretty-printed (two-space
 *      indents, ": ", "{}" and "[]" when empty, numbers by snd_num_exact,
 *      strings as snd_buf_json_str escapes them).
 *   2. The stream holds at most EMIT_BUF bytes, never the document.
 *   3. A failure (t->oom, t->err, a failed write) stops the output at the
 *      next question and is what emit_done reports; a partial tree is
 *      freed, never returned.
 *   4. Groups come in natural order of their names (tally_natcmp).
 */
#include "tally_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
/* measure_agreement's scratch: forms allow scales of at most 21 points
 * (form_question.c); a larger one would show agreement null. */
#define SCALE_SCRATCH 128
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
	/* --weight entity, attributed: the blocks by (scope, entity), for the
	 * divided delegations (ent_index); built on first need */
	struct blk_ent *ents;
	size_t nents, *ent_start;      /* ent_start[si]..ent_start[si + 1] */
	int ents_built;
};

/* One --weight entity block: its scope, entity and index. */
struct blk_ent {
	uint32_t si, blk;
	const char *ent;
	size_t len;
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
	double answered = x[0];
	int leader = measure_leader(x + 1, q->noptions, answered);
	e_begin(e, "options", 0);
	for (size_t i = 0; i < q->noptions; i++) {
		double c = x[1 + i];
		e_begin(e, NULL, 1);
		e_str(e, "id", q->options[i].id);
		e_num(e, "count", c);
		e_num(e, "share", answered > 0 ? c / answered : 0);
		e_end(e);
	}
	e_end(e);
	e_str(e, "leader", leader >= 0 ? q->options[leader].id : NULL);
}

/* Scale fields from a slot [answered, dist...] of a scale with points
 * min..min+np-1, and the "no view" count after it (tally.c invariant 7). */
static void out_scale(struct emit *e, int min, int np, const double *x)
{
	char key[16];
	double n = x[0], mean = 0, cons = 1, leik = 0, agr = 0, scratch[SCALE_SCRATCH];
	int median = min;
	e_begin(e, "distribution", 1);
	e->dupkey = 1;
	for (int i = 0; i < np; i++) {
		snprintf(key, sizeof key, "%d", min + i);
		e_num(e, key, x[1 + i]);
	}
	e->dupkey = 0;
	e_end(e);
	e_num(e, "no_view", x[1 + np]);
	if (n > 0) {
		int i = measure_lower_median(x + 1, np, n);
		mean = measure_scale_mean(min, np, x + 1, n);
		if (i >= 0)
			median = min + i;
		cons = measure_consensus(min, np, x + 1, n, mean);
		leik = measure_leik(x + 1, np, n);
		if (np >= 3 && np <= SCALE_SCRATCH)
			agr = measure_agreement(x + 1, np, n, scratch);
	}
	e_num_or_null(e, "mean", mean, n > 0);
	e_num_or_null(e, "median", median, n > 0);
	e_num_or_null(e, "consensus", cons, n > 0);
	e_num_or_null(e, "leik", leik, n > 0);
	e_num_or_null(e, "agreement", agr, n > 0 && np >= 3 && np <= SCALE_SCRATCH);
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
	size_t *wins = malloc((m ? m : 1) * sizeof *wins);
	double *p = malloc((m ? m * m : 1) * sizeof *p);
	if (!ord || !wins || !p) {
		t->oom = 1;
		goto done;
	}

	/* Borda, highest first; ties keep form order. */
	measure_borda_order(borda, m, ord);
	e_begin(e, "borda", 0);
	for (size_t k = 0; k < m; k++) {
		e_begin(e, NULL, 1);
		e_str(e, "id", q->options[ord[k]].id);
		e_num(e, "score", borda[ord[k]]);
		e_end(e);
	}
	e_end(e);

	/* Schulze, winning votes. */
	measure_schulze_order(d, m, p, wins, ord);
	e_begin(e, "schulze", 0);
	for (size_t k = 0; k < m; k++)
		e_str(e, NULL, q->options[ord[k]].id);
	e_end(e);

	/* Condorcet winner: beats every other option head to head. */
	int cw = x[0] > 0 ? measure_condorcet_winner(d, m) : -1;
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
		t->err = tally_kept_err(&t->kept);
	e_end(e);
}

/* The weight of value i of list vl: 1, or under --weight entity 1 over the
 * number of its entity's delegates who answered the question. */
static inline double value_weight(const struct tally *t, const struct vlist *vl,
                                  const struct qlay *l, size_t i)
{
	return t->entity_mode ? 1 / t->blocks[(size_t)vl->blk[i] * t->L + l->off] : 1;
}

/* The median of a number question (measures.h: the usual one, by weight):
 * binned, or from the value list (sorted in place: O(n log n); weights
 * from each value's block). */
static double number_median(struct tally *t, struct scope *s, const struct qlay *l,
                            const double *x)
{
	double n = x[0];
	if (l->nbins > 0)
		return measure_binned_median(x + 2, l->nbins, l->lo, n);
	struct vlist *vl = &s->vals[l->numi];
	if (!t->entity_mode)
		return measure_values_median(vl->v, vl->n);
	struct measure_wv *a = malloc(vl->n * sizeof *a);
	if (a == NULL) {
		t->oom = 1;
		return 0;
	}
	for (size_t i = 0; i < vl->n; i++) {
		a[i].v = vl->v[i];
		a[i].w = value_weight(t, vl, l, i);
	}
	double med = measure_weighted_median(a, vl->n, n);
	free(a);
	return med;
}

/* A number question's "histogram" (measures.h has the bins): counted from
 * the layout's bins when it has them, else from the kept values; O(bins)
 * or O(values). */
static void out_histogram(struct emit *e, const struct snd_question *q, struct scope *s,
                          const struct qlay *l, const double *x)
{
	struct tally *t = e->t;
	struct measure_hist h;
	double count[MEASURE_HIST_VALUES] = {0};
	int nb = measure_hist_plan(&h, q->integer, q->nmin, q->nmax,
	                           x[0] > 0 ? s->nmin[l->numi] : INFINITY,
	                           x[0] > 0 ? s->nmax[l->numi] : -INFINITY);
	if (x[0] > 0 && nb > 0) {
		if (l->nbins > 0) {
			for (int i = 0; i < l->nbins; i++)
				if (x[2 + i] > 0)
					count[measure_hist_bin(&h, l->lo + i)] += x[2 + i];
		} else {
			const struct vlist *vl = &s->vals[l->numi];
			for (size_t i = 0; i < vl->n; i++)
				count[measure_hist_bin(&h, vl->v[i])] += value_weight(t, vl, l, i);
		}
	}
	e_begin(e, "histogram", 0);
	for (int k = 0; k < nb; k++) {
		e_begin(e, NULL, 1);
		e_num(e, "from", measure_hist_from(&h, k));
		e_num(e, "to", measure_hist_to(&h, k));
		e_num(e, "count", count[k]);
		e_end(e);
	}
	e_end(e);
}

static int cmp_blk_ent(const void *a, const void *b)
{
	const struct blk_ent *x = a, *y = b;
	if (x->si != y->si)
		return x->si < y->si ? -1 : 1;
	size_t m = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->ent, y->ent, m);
	return c ? c : x->len < y->len ? -1 : x->len > y->len;
}

/* The blocks by scope, then entity (strcmp's order, as the objections):
 * from the block map's keys (the scope's index, then the entity's bytes).
 * O(blocks log blocks), once per output. */
static int ent_index(struct emit *e)
{
	struct tally *t = e->t;
	size_t k = 0;
	if (e->ents_built)
		return e->ents != NULL;
	e->ents_built = 1;
	e->ents = malloc((t->nblk ? t->nblk : 1) * sizeof *e->ents);
	e->ent_start = calloc(t->nsc + 1, sizeof *e->ent_start);
	if (e->ents == NULL || e->ent_start == NULL) {
		free(e->ents);
		e->ents = NULL;
		t->oom = 1;
		return 0;
	}
	for (size_t j = 0; j < t->blkmap.cap && k < t->nblk; j++) {
		const struct sent *se = &t->blkmap.tab[j];
		if (se->k == NULL || se->klen < sizeof(uint32_t))
			continue;
		e->ents[k].blk = se->val;
		e->ents[k].si = t->blk_scope[se->val];
		e->ents[k].ent = se->k + sizeof(uint32_t);
		e->ents[k].len = se->klen - sizeof(uint32_t);
		k++;
	}
	e->nents = k;
	qsort(e->ents, k, sizeof *e->ents, cmp_blk_ent);
	for (size_t i = 0; i < k; i++)
		e->ent_start[e->ents[i].si + 1]++;
	for (size_t i = 0; i < t->nsc; i++)
		e->ent_start[i + 1] += e->ent_start[i];
	return 1;
}

/* --weight entity, attributed: the entities of scope si whose delegates
 * took different positions on the question at slot off, with their
 * delegates' counts per position. */
static void out_divided(struct emit *e, size_t si, size_t off)
{
	struct tally *t = e->t;
	e_begin(e, "divided", 0);
	if (ent_index(e)) {
		for (size_t i = e->ent_start[si]; i < e->ent_start[si + 1]; i++) {
			const double *x = t->blocks + (size_t)e->ents[i].blk * t->L + off;
			int kinds = 0;
			for (int p = 0; p < SND_POS__MAX; p++)
				kinds += x[1 + p] > 0;
			if (kinds < 2)
				continue;
			e_begin(e, NULL, 1);
			e_strn(e, "entity", e->ents[i].ent, e->ents[i].len);
			e_begin(e, "counts", 1);
			for (int p = 0; p < SND_POS__MAX; p++)
				e_num(e, snd_position_names[p], x[1 + p]);
			e_end(e);
			e_end(e);
		}
	}
	e_end(e);
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
			e_bool(e, "consensus", measure_position_consensus(x[0], x[1 + SND_POS_OBJECT]));
			out_kept(e, "objections", "reason", si, qi);
			if (t->entity_mode && !t->pseudo)
				out_divided(e, si, l->off);
			break;
		case SND_Q_NUMBER: {
			int def = x[0] > 0;
			e_num_or_null(e, "min", s->nmin[l->numi], def);
			e_num_or_null(e, "max", s->nmax[l->numi], def);
			e_num_or_null(e, "mean", def ? x[1] / x[0] : 0, def);
			e_num_or_null(e, "median", def ? number_median(t, s, l, x) : 0, def);
			out_histogram(e, q, s, l, x);
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
	return tally_natcmp((*x)->name, (*y)->name);
}

/* The chair's record (snd_record_json's arrays of flat objects of
 * strings) as the summary's key; an empty array when there is none. */
static void out_records(struct emit *e, const char *key, const cJSON *items)
{
	const cJSON *o, *m;
	e_begin(e, key, 0);
	cJSON_ArrayForEach(o, items) {
		e_begin(e, NULL, 1);
		/* the keys belong to items, which the tree outlives: copied */
		e->dupkey = 1;
		cJSON_ArrayForEach(m, o) {
			if (cJSON_IsString(m))
				e_str(e, m->string, m->valuestring);
		}
		e->dupkey = 0;
		e_end(e);
	}
	e_end(e);
}

/* The whole summary through e: the document of interface.md. */
static void out_summary(struct emit *e)
{
	struct tally *t = e->t;
	e_begin(e, NULL, 1);
	e_str(e, "questionnaire", t->f->id);
	e_str(e, "weight", snd_weight_names[t->o->weight]);
	e_num(e, "responses", t->sc[0].acc[0]);
	/* What was set aside and whether the data was checked (interface.md,
	 * "What the tally may count, and checks before counting"). */
	e_num(e, "revoked", (double)t->revoked);
	if (t->flags & SND_TALLY_INCLUDE_REVOKED)
		e_bool(e, "revoked_included", 1);
	if (t->has_invited)
		e_num(e, "invited", (double)t->invited);
	e_bool(e, "verified", (t->flags & SND_TALLY_VERIFY) != 0);
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
			if (order[i]->acc[0] < (double)t->f->min_group) {
				/* Too few to show (the form's min_group): no figure at
				 * all, not even how few, only that there are fewer. */
				e_num_or_null(e, "responses", 0, 0);
				e_bool(e, "suppressed", 1);
				e_num(e, "fewer_than", (double)t->f->min_group);
				e_end(e);
				continue;
			}
			e_num(e, "responses", order[i]->acc[0]);
			out_questions(e, (size_t)(order[i] - t->sc));
			e_end(e);
		}
		e_end(e);
		free(order);
	}
	out_records(e, "dispositions", t->dispositions);
	out_records(e, "outcomes", t->outcomes);
	e_end(e);
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
	free(e.ents);
	free(e.ent_start);
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
	free(e.ents);
	free(e.ent_start);
	return emit_done(&e);
}
