/* tally_rows.c - one row of answers: decoding it when the strict scanner
 * (scan.c) will not, and adding it to an accumulator block.
 *
 * This file owns:
 *   1. the cJSON fallback decoder (any answers text the scanner refuses);
 *   2. adding a decoded row, weight 1, to a block: counts ("no view"
 *      answers of scales and matrix rows beside them), Borda points and
 *      pairwise preferences (measure_rank_ballot), sums and bins of
 *      numbers, min and max;
 *   3. the kept texts: each objection's reason and comment decoded once
 *      per row, handed to kept.c per scope;
 *   4. --weight entity's blocks, one per (scope, entity).
 *
 * Invariants:
 *   1. A row costs no allocation in the common case: its texts go to one
 *      reused buffer (t->rowtext), map keys to t->key.
 *   2. An answer that does not fit the form is skipped and counted
 *      (t->invalid); the rest of the row still counts.
 *   3. Failures set t->err (sticky) and never leave a half-added answer in
 *      a count that the summary reads without checking t->err.
 */
#include "tally_int.h"

#include <stdlib.h>
#include <string.h>

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
cJSON *tally_cjson_decode(struct tally *t, const char *txt, size_t n)
{
	cJSON *root = cJSON_ParseWithLength(txt, n), *it;
	tally_reset_row(t);
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
		t->err = tally_kept_err(&t->kept);
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
			} else {
				x[1 + l->npoints] += 1;
			}
			break;
		case SND_Q_MATRIX: {
			const int *cells = t->pool + l->pool;
			int any = 0;
			for (size_t r = 0; r < q->nrows; r++) {
				double *y = x + 1 + r * l->row_len;
				if (cells[r] == CELL_ABSENT)
					continue;
				if (cells[r] == CELL_NOVIEW) {
					y[1 + l->npoints] += 1;
					continue;
				}
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
			measure_rank_ballot(m, o, n, t->mark, borda, pw);
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
		e = tally_smap_add(&t->blkmap, &t->arena, t->key.p, t->key.len, (uint32_t)t->nblk);
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

void tally_apply_scope(struct tally *t, uint32_t si)
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
