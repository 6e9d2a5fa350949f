/* tally.c - the tally engine's frame: the layout of the accumulators, the
 * scopes, and the public entry points (snd_tally_run, snd_tally_free,
 * snd_tally_each_item, snd_tally_count_items, snd_tally_summary).  The
 * summary of interface.md ("The tally") is made in one pass over every
 * delegate's latest revision; tally_int.h lists the pieces.
 *
 * This file owns:
 *   1. the accumulator layout: one flat array of doubles per scope (the
 *      whole questionnaire, and each --by group), with a fixed offset for
 *      every question, matrix row, option, scale point and pairwise cell;
 *   2. the scopes and the tally's lifetime (tally_new_scope, tally_release);
 *   3. the checks made before a pass (weighting, pseudonymous breakdowns)
 *      and the errors told to the caller.
 *
 * Invariants of the engine (every tally_*.c file keeps them):
 *   1. One pass: snd_store_walk reads in one read transaction, so every
 *      figure comes from one consistent snapshot even while the collector
 *      writes.  The rows are each delegate's latest revision made with a
 *      token that is not revoked (unless SND_TALLY_INCLUDE_REVOKED); under
 *      SND_TALLY_VERIFY every revision of the chain passes the check first
 *      and a failure counts nothing.  Memory is bounded by the form's size times the number of
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
 *   7. "No view" answers are counted beside each scale and matrix row, in a
 *      double no slot covers, so --weight entity's division by the slot's
 *      answered count (tally_stream.c) leaves it alone.  Under --weight
 *      entity an entity counts 1 in no_view when its delegates who took up
 *      the question all said "no view", else 0 (its weight went to their
 *      values): answered + no_view is then the number of entities that
 *      took the question up, each once (add_no_view_entities).
 */
#include "tally_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const snd_weight_names[SND_WEIGHT__MAX] = {"delegate", "entity"};

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
	struct slot *s = tally_grow(t->slots, t->nslots, cap, sizeof *s, 32);
	if (s == NULL)
		return -1;
	t->slots = s;
	t->slots[t->nslots].off = off;
	t->slots[t->nslots].len = len;
	t->nslots++;
	return 0;
}

/* Lays out one block: [responses] then each question's slot in form order
 * (a matrix: its [answered] slot, then one slot per row); a scale's slot
 * and each matrix row's are followed by their "no view" count, which no
 * slot covers.  Sizes the decoded-row buffers. */
enum snd_err tally_layout(struct tally *t)
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
		if (q->type == SND_Q_SCALE)
			off++; /* its "no view" count, outside the slot (invariant 7) */
		l->ids = nids;
		nids += q->type == SND_Q_MATRIX ? q->nrows : q->noptions;
		l->pool = t->npool;
		if (q->type == SND_Q_MULTI || q->type == SND_Q_RANK)
			t->npool += q->noptions;
		if (q->type == SND_Q_MATRIX) {
			t->npool += q->nrows;
			l->row_len = 2 + (size_t)l->npoints; /* the slot, then "no view" */
			for (size_t r = 0; r < q->nrows; r++) {
				if (add_slot(t, off, l->row_len - 1, &capslots))
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

int tally_new_scope(struct tally *t, const char *name)
{
	struct scope *sc = tally_grow(t->sc, t->nsc, &t->capsc, sizeof *sc, 8);
	if (sc == NULL)
		return -1;
	t->sc = sc;
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

void tally_release(struct tally *t)
{
	cJSON_Delete(t->dispositions);
	cJSON_Delete(t->outcomes);
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
	tally_smap_free(&t->groups);
	tally_smap_free(&t->blkmap);
	kept_free(&t->kept);
	free(t->rowtext.p);
	tally_arena_free(&t->arena);
}

void tally_errf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* --weight entity: each block whose "no view" count is positive while its
 * question (or matrix row) has no answered value adds 1 to its scope's
 * no_view (invariant 7).  O(blocks x scale questions and rows). */
static void add_no_view_entities(struct tally *t)
{
	const struct snd_form *f = t->f;
	for (size_t b = 0; b < t->nblk; b++) {
		const double *blk = t->blocks + b * t->L;
		double *acc = t->sc[t->blk_scope[b]].acc;
		for (size_t qi = 0; qi < f->nquestions; qi++) {
			const struct snd_question *q = &f->questions[qi];
			const struct qlay *l = &t->ql[qi];
			size_t np = (size_t)l->npoints;
			if (q->type == SND_Q_SCALE) {
				size_t nv = l->off + 1 + np;
				if (blk[l->off] <= 0 && blk[nv] > 0)
					acc[nv] += 1;
			} else if (q->type == SND_Q_MATRIX) {
				for (size_t r = 0; r < q->nrows; r++) {
					size_t y = l->off + 1 + r * l->row_len;
					if (blk[y] <= 0 && blk[y + 1 + np] > 0)
						acc[y + 1 + np] += 1;
				}
			}
		}
	}
}

void snd_tally_free(struct snd_tally *st)
{
	if (st == NULL)
		return;
	tally_release(&st->t);
	free(st);
}

/* One pass over the latest revisions; see the file comment for what is
 * kept.  `by` may be "entity" or any token attribute; a multi-valued
 * attribute ("SG2;SG13") counts the delegate in each of its groups, a
 * delegate without it goes to "(none)", and values beyond the 1000th
 * distinct one are pooled in "(other)".  Each group is tallied as if it were
 * the whole questionnaire: under --weight entity an entity has weight 1 in
 * every group it appears in, split among its delegates in that group.
 * Pseudonymous forms: no entity anywhere in the output, and a by that is
 * not one of the form's "public_attributes" is refused (SND_EINVAL);
 * groups smaller than the form's min_group show no figures (tally_json.c). */
void tally_bad_note(struct tally_bad *b, int64_t seq, const char *sub, const char *what)
{
	size_t i = 0;
	if (b->seq != 0 && b->seq <= seq)
		return;
	b->seq = seq;
	b->what = what;
	for (; sub != NULL && sub[i] && i + 1 < sizeof b->sub; i++)
		b->sub[i] = ((unsigned char)sub[i] < 0x20 || sub[i] == 0x7f) ? '?' : sub[i];
	b->sub[i] = '\0';
}

/* After the pass: a --by attribute that no counted delegate carries (every
 * one went to "(none)") is a mistake, most likely its spelling; say which
 * attributes exist.  Nothing to say while nobody has answered. */
static enum snd_err by_check(struct snd_store *s, struct tally *t, char *errbuf, size_t errlen)
{
	char *names = NULL;
	enum snd_err e;
	if (t->o->by == NULL || strcmp(t->o->by, "entity") == 0 || t->named_groups > 0 ||
	    t->sc[0].acc[0] <= 0)
		return SND_OK;
	if ((e = snd_tally_attrs(s, t->f, &names, errbuf, errlen)) != SND_OK)
		return e;
	if (tally_has_attr(names, t->o->by)) { /* present, but every value empty */
		free(names);
		return SND_OK;
	}
	tally_errf(errbuf, errlen, "no delegate has this attribute; attributes: %s",
	           names[0] ? names : "none");
	free(names);
	return SND_ENOTFOUND;
}

enum snd_err snd_tally_run(struct snd_store *s, const struct snd_form *f,
                           const struct snd_tally_opts *o, size_t kept_budget,
                           struct snd_tally **out, char *errbuf, size_t errlen)
{
	return snd_tally_run_ex(s, f, o, 0, kept_budget, out, errbuf, errlen);
}

enum snd_err snd_tally_run_ex(struct snd_store *s, const struct snd_form *f,
                              const struct snd_tally_opts *o, unsigned flags,
                              size_t kept_budget, struct snd_tally **out, char *errbuf,
                              size_t errlen)
{
	struct snd_tally *st;
	struct tally *t;
	struct snd_tally_opts dflt = {NULL, SND_WEIGHT_DELEGATE};
	enum snd_err e;

	if (o == NULL)
		o = &dflt;
	if ((unsigned)o->weight >= SND_WEIGHT__MAX) {
		tally_errf(errbuf, errlen, "%s", "unknown weighting");
		return SND_EINVAL;
	}
	if (o->by != NULL && o->by[0] != '\0' && !snd_form_attr_public(f, o->by)) {
		char pub[512];
		tally_errf(errbuf, errlen, "questionnaire %s is pseudonymous: a breakdown by %s is "
		     "not allowed; its public attributes: %s", f->id, o->by,
		     snd_form_public_list(f, pub, sizeof pub));
		return SND_EINVAL;
	}
	if (o->by != NULL && o->by[0] == '\0') {
		tally_errf(errbuf, errlen, "%s", "--by needs an attribute name");
		return SND_EINVAL;
	}
	if ((st = calloc(1, sizeof *st)) == NULL) {
		tally_errf(errbuf, errlen, "%s", "out of memory while tallying");
		return SND_ENOMEM;
	}
	st->o = *o;
	t = &st->t;
	t->f = f;
	t->o = &st->o;
	t->entity_mode = o->weight == SND_WEIGHT_ENTITY;
	t->pseudo = f->anonymity == SND_PSEUDONYMOUS;
	t->flags = flags;
	kept_init(&t->kept, kept_budget);
	if ((e = tally_layout(t)) != SND_OK || tally_new_scope(t, NULL) != 0) {
		e = SND_ENOMEM;
		goto fail;
	}

	e = tally_stream(t, s, f->id);
	if (t->bad.seq != 0) {
		tally_errf(errbuf, errlen, "revision %lld (delegate %s): %s; nothing was counted "
		           "(run `tally verify` on the database for every problem)",
		           (long long)t->bad.seq, t->bad.sub, t->bad.what);
		e = SND_EINVAL;
		goto fail_msg;
	}
	if (e == SND_OK && t->err == SND_OK && t->entity_mode)
		add_no_view_entities(t);
	if (t->err != SND_OK) {
		e = t->err;
		goto fail;
	}
	if (e != SND_OK) {
		tally_errf(errbuf, errlen, "reading responses: %s", snd_store_errmsg(s));
		goto fail;
	}
	if (kept_finish(&t->kept) != 0) {
		e = tally_kept_err(&t->kept);
		goto fail;
	}
	if ((flags & SND_TALLY_BY_MUST_EXIST) && (e = by_check(s, t, errbuf, errlen)) != SND_OK)
		goto fail_msg;
	if (!(flags & TALLY_CHECK_ONLY) &&
	    snd_store_invited(s, f->id, &t->invited, &t->has_invited) != SND_OK) {
		e = SND_EDB;
		tally_errf(errbuf, errlen, "reading the roll: %s", snd_store_errmsg(s));
		goto fail_msg;
	}
	/* The chair's record, read after the answers: a record added in
	 * between shows with answers a moment older, never the reverse of
	 * what a chair saw when recording it. */
	if ((e = snd_record_json(s, f, &t->dispositions, &t->outcomes)) != SND_OK) {
		if (e != SND_ENOMEM)
			tally_errf(errbuf, errlen, "reading the chair's record: %s", snd_store_errmsg(s));
		goto fail;
	}
	if (t->invalid > 0)
		snd_log(SND_LOG_WARN, "tally %s: %zu stored answers did not fit the form and were "
		        "skipped", f->id, t->invalid);
	*out = st;
	return SND_OK;
fail:
	if (e == SND_ENOMEM)
		tally_errf(errbuf, errlen, "%s", "out of memory while tallying");
	else if (e == SND_EIO)
		tally_errf(errbuf, errlen, "writing the objections and comments to a temporary file in "
		     "%s failed (set TMPDIR to a directory with room)",
		     getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
fail_msg:
	snd_tally_free(st);
	return e;
}

enum snd_err snd_tally_check(struct snd_store *s, const struct snd_form *f, char *errbuf,
                             size_t errlen)
{
	struct snd_tally *t = NULL;
	enum snd_err e = snd_tally_run_ex(s, f, NULL, SND_TALLY_VERIFY | TALLY_CHECK_ONLY, 0, &t,
	                                  errbuf, errlen);
	snd_tally_free(t);
	return e;
}

void snd_tally_info(const struct snd_tally *st, struct snd_tally_info *out)
{
	const struct tally *t = &st->t;
	memset(out, 0, sizeof *out);
	out->revoked = t->revoked;
	out->invited = t->invited;
	out->has_invited = t->has_invited;
	out->revoked_included = (t->flags & SND_TALLY_INCLUDE_REVOKED) != 0;
	out->verified = (t->flags & SND_TALLY_VERIFY) != 0;
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

/* Where the items of question qid in group (NULL: the whole) are kept:
 * 0 with *si, *qi set, or -1 when the tally has no such question or group. */
static int item_place(struct tally *t, const char *group, const char *qid, size_t *si, int *qi)
{
	*si = 0;
	if ((*qi = snd_form_question(t->f, qid)) < 0)
		return -1;
	if (group != NULL) {
		struct sent *g = smap_find(&t->groups, group, strlen(group));
		if (g == NULL)
			return -1;
		*si = g->val;
	}
	return 0;
}

enum snd_err snd_tally_each_item(struct snd_tally *st, const char *group, const char *qid,
                                 snd_tally_item_cb cb, void *ctx)
{
	struct tally *t = &st->t;
	size_t si;
	int qi;
	if (item_place(t, group, qid, &si, &qi) != 0)
		return SND_ENOTFOUND;
	struct item_fwd fw = {cb, ctx};
	int rc = kept_each(&t->kept, (uint32_t)si, (uint32_t)qi, item_fwd, &fw);
	if (rc < 0)
		return tally_kept_err(&t->kept);
	return SND_OK;
}

size_t snd_tally_count_items(struct snd_tally *st, const char *group, const char *qid)
{
	struct tally *t = &st->t;
	size_t si;
	int qi;
	if (item_place(t, group, qid, &si, &qi) != 0)
		return 0;
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
		tally_errf(errbuf, errlen, "%s", "out of memory while tallying");
	snd_tally_free(st);
	return e;
}
