/* turnout.c - turnout: who answered, in total and per group, and, when the
 * database holds the roll (store_roll.c), against who was invited.
 *
 * This file owns:
 *   1. the turnout count (struct turnout): one pass over the latest
 *      revisions that count (snd_store_each_counted: a revoked link's answer
 *      is set aside, as the summary sets it aside), and one over the roll;
 *   2. the chair's turnout object (snd_tally_turnout's cJSON);
 *   3. the roll's turnout (snd_turnout_roll: `tally turnout`,
 *      interface.md "The roll, turnout and mail").
 *
 * Invariants:
 *   1. An entity counts once per value however many of its delegates
 *      answered (a set of (attribute, value, entity) keys).
 *   2. Every attribute but entity is multi-valued (split on ';'), as in
 *      --by (tally_groups.c); "(none)" for delegates without it; values in
 *      natural order.
 *   3. Memory grows with the distinct (value, entity) pairs and with the
 *      delegates who have not answered, not with the responses.
 *   4. On the roll a delegate is one id (sub) of role delegate, whatever
 *      the number of links issued to it; the newest link gives entity and
 *      attributes.  It is answered when a revision was made with one of
 *      its links that is not revoked (the answer the tally counts), else
 *      revoked when every one of its links is revoked, else missing:
 *      invited = answered + revoked + missing, always.
 *   5. Who has not answered (sub, entity) leaves this file only for
 *      attributed questionnaires; pseudonymous ones get counts only.
 */
#include "tally_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const turnout_attrs[] = {"category", "sg", "region"};
#define NTURNOUT (sizeof turnout_attrs / sizeof turnout_attrs[0])

struct turnout_val {
	uint32_t delegates, entities;
	uint32_t invited, answered;   /* on the roll */
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
	int roll;                     /* counting the roll: invited, answered */
	int answered;                 /* the roll's delegate being counted answered */
	enum snd_err err;
};

/* Marks key (built in tu->key) as seen; 1 when it is new. */
static int seen_once(struct turnout *tu)
{
	if (smap_find(&tu->seen, tu->key.p, tu->key.len) != NULL)
		return 0;
	if (tally_smap_add(&tu->seen, &tu->arena, tu->key.p, tu->key.len, 0) == NULL) {
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
		struct turnout_val *nv = tally_grow(tu->tv[a], tu->ntv[a], &tu->captv[a], sizeof *nv, 16);
		if (nv == NULL)
			return -1;
		tu->tv[a] = nv;
		e = tally_smap_add(&tu->vals[a], &tu->arena, v, n, (uint32_t)tu->ntv[a]);
		if (e == NULL)
			return -1;
		memset(&tu->tv[a][tu->ntv[a]], 0, sizeof tu->tv[a][0]);
		tu->tv[a][tu->ntv[a]].name = e->k;
		tu->ntv[a]++;
	}
	struct turnout_val *tv = &tu->tv[a][e->val];
	if (tu->roll) {
		tv->invited++;
		tv->answered += tu->answered != 0;
		return 0;
	}
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
		tally_attr_value(r->attrs, turnout_attrs[a], &v, &n, &tree);
		tu->attr = (int)a;
		if (tally_each_piece(v, n, 1, turnout_piece, tu) != 0 && tu->err == SND_OK)
			tu->err = SND_ENOMEM;
		cJSON_Delete(tree);
	}
	return tu->err != SND_OK;
}

static int cmp_tv(const void *a, const void *b)
{
	return tally_natcmp(((const struct turnout_val *)a)->name, ((const struct turnout_val *)b)->name);
}

/* ------------------------------------------------------------ the roll */

/* One delegate of the roll, gathered from its links (invariant 4). */
struct roll_del {
	const char *sub, *ent, *attrs;   /* of its newest link */
	int answered, revoked;
};
/* Nonzero stops the walk: out of memory. */
typedef int (*roll_del_fn)(void *ctx, const struct roll_del *d);

struct roll_walk {
	struct scratch cur;        /* sub NUL ent NUL attrs NUL of the delegate gathered */
	size_t ent_at, attrs_at;
	int have, answered, all_revoked, failed;
	roll_del_fn fn;
	void *ctx;
};

static int roll_flush(struct roll_walk *w)
{
	struct roll_del d;
	if (!w->have)
		return 0;
	w->have = 0;
	d.sub = w->cur.p;
	d.ent = w->cur.p + w->ent_at;
	d.attrs = w->cur.p + w->attrs_at;
	d.answered = w->answered;
	d.revoked = !w->answered && w->all_revoked;
	if (w->fn(w->ctx, &d) != 0)
		w->failed = 1;
	return w->failed;
}

/* Links come ordered by sub, newest first: a new sub is a new delegate. */
static int roll_link(void *ctx, const struct snd_roll_entry *e)
{
	struct roll_walk *w = ctx;
	if (!w->have || strcmp(w->cur.p, e->sub) != 0) {
		if (roll_flush(w))
			return 1;
		w->cur.len = 0;
		if (scratch_put(&w->cur, e->sub, strlen(e->sub) + 1) ||
		    (w->ent_at = w->cur.len, scratch_put(&w->cur, e->ent, strlen(e->ent) + 1)) ||
		    (w->attrs_at = w->cur.len, scratch_put(&w->cur, e->attrs, strlen(e->attrs) + 1))) {
			w->failed = 1;
			return 1;
		}
		w->have = 1;
		w->answered = 0;
		w->all_revoked = 1;
	}
	w->answered |= e->answered != 0;
	w->all_revoked &= e->revoked != 0;
	return 0;
}

/* Calls fn once per delegate on f's roll, in sub order.  *found 0 when the
 * database has no roll for f.  SND_ENOMEM when fn (or gathering) failed. */
static enum snd_err roll_walk(struct snd_store *s, const struct snd_form *f, roll_del_fn fn,
                              void *ctx, int *found, char *errbuf, size_t errlen)
{
	struct roll_walk w;
	enum snd_err e;
	memset(&w, 0, sizeof w);
	w.fn = fn;
	w.ctx = ctx;
	e = snd_store_roll_turnout(s, f->id, f->anonymity != SND_PSEUDONYMOUS, roll_link, &w,
	                           found);
	if (e == SND_OK && !w.failed)
		roll_flush(&w);
	free(w.cur.p);
	if (e != SND_OK) {
		tally_errf(errbuf, errlen, "reading the roll: %s", snd_store_errmsg(s));
		return e;
	}
	if (w.failed) {
		tally_errf(errbuf, errlen, "%s", "out of memory while counting turnout");
		return SND_ENOMEM;
	}
	return SND_OK;
}

/* Who has not answered: copies in an arena, sorted by entity then id. */
struct miss {
	const char *sub, *ent, *attrs;
};
struct missing {
	struct arena arena;
	struct miss *m;
	size_t n, cap;
};

static int missing_add(struct missing *ms, const struct roll_del *d)
{
	struct miss *m = tally_grow(ms->m, ms->n, &ms->cap, sizeof *m, 64);
	if (m == NULL)
		return -1;
	ms->m = m;
	m = &ms->m[ms->n];
	if ((m->sub = tally_arena_strndup(&ms->arena, d->sub, strlen(d->sub))) == NULL ||
	    (m->ent = tally_arena_strndup(&ms->arena, d->ent, strlen(d->ent))) == NULL ||
	    (m->attrs = tally_arena_strndup(&ms->arena, d->attrs, strlen(d->attrs))) == NULL)
		return -1;
	ms->n++;
	return 0;
}

static int cmp_miss(const void *a, const void *b)
{
	const struct miss *x = a, *y = b;
	int c = tally_natcmp(x->ent, y->ent);
	return c != 0 ? c : tally_natcmp(x->sub, y->sub);
}

static void missing_free(struct missing *ms)
{
	free(ms->m);
	tally_arena_free(&ms->arena);
}

/* The first max (0: all) of ms, sorted, as [{"sub","entity"[,attrs...]}]
 * added to o under "missing".  Attributes named sub or entity are left
 * out: the roll's own fields win.  0, or -1 when out of memory. */
static int missing_json(cJSON *o, struct missing *ms, size_t max, int with_attrs)
{
	cJSON *arr = cJSON_AddArrayToObject(o, "missing");
	if (arr == NULL)
		return -1;
	if (ms->n > 1)
		qsort(ms->m, ms->n, sizeof *ms->m, cmp_miss);
	for (size_t i = 0; i < ms->n && (max == 0 || i < max); i++) {
		cJSON *mo = cJSON_CreateObject(), *at, *it;
		if (mo == NULL || !cJSON_AddItemToArray(arr, mo))
			return cJSON_Delete(mo), -1;
		if (cJSON_AddStringToObject(mo, "sub", ms->m[i].sub) == NULL ||
		    cJSON_AddStringToObject(mo, "entity", ms->m[i].ent) == NULL)
			return -1;
		if (!with_attrs)
			continue;
		at = cJSON_Parse(ms->m[i].attrs); /* checked when added: an object of strings */
		cJSON_ArrayForEach(it, at) {
			if (!cJSON_IsString(it) || it->string == NULL || strcmp(it->string, "sub") == 0 ||
			    strcmp(it->string, "entity") == 0 ||
			    cJSON_GetObjectItemCaseSensitive(mo, it->string) != NULL)
				continue;
			if (cJSON_AddStringToObject(mo, it->string, it->valuestring) == NULL) {
				cJSON_Delete(at);
				return -1;
			}
		}
		cJSON_Delete(at);
	}
	return 0;
}

/* rate = answered / invited, null when nobody was invited. */
static int add_rate(cJSON *o, uint32_t answered, uint32_t invited)
{
	if (invited == 0)
		return cJSON_AddNullToObject(o, "rate") != NULL ? 0 : -1;
	return cJSON_AddNumberToObject(o, "rate", (double)answered / (double)invited) != NULL ? 0
	                                                                                      : -1;
}

/* The chair's pass over the roll: totals, the turnout tables' values, and
 * who has not answered (attributed forms only). */
struct chair_roll {
	struct turnout *tu;
	struct missing ms;
	uint32_t invited, answered, revoked, nmissing;
	int attributed;
};

static int chair_roll_del(void *ctx, const struct roll_del *d)
{
	struct chair_roll *cr = ctx;
	struct turnout *tu = cr->tu;
	cr->invited++;
	cr->answered += d->answered != 0;
	cr->revoked += d->revoked != 0;
	if (!d->answered && !d->revoked) {
		cr->nmissing++;
		if (cr->attributed && missing_add(&cr->ms, d) != 0)
			return -1;
	}
	tu->roll = 1;
	tu->answered = d->answered;
	for (size_t a = 0; a < NTURNOUT && tu->err == SND_OK; a++) {
		const char *v;
		size_t n;
		cJSON *tree;
		tally_attr_value(d->attrs, turnout_attrs[a], &v, &n, &tree);
		tu->attr = (int)a;
		if (tally_each_piece(v, n, 1, turnout_piece, tu) != 0 && tu->err == SND_OK)
			tu->err = SND_ENOMEM;
		cJSON_Delete(tree);
	}
	return tu->err != SND_OK;
}

/* Turnout over the latest revisions: delegates and distinct entities, in
 * total and per value of category, sg (multi-valued, split on ';') and
 * region; "(none)" for delegates without the attribute.  Values in natural
 * order.  With a roll, also who was invited (invariant 4).  *out (caller
 * deletes) is set only on SND_OK. */
/* A group with fewer respondents than the form's min_group shows no
 * figures (interface.md; 1, the attributed default, suppresses nothing). */
static int turnout_small(const struct snd_form *f, double answered)
{
	return f->min_group > 1 && answered < (double)f->min_group;
}

enum snd_err snd_tally_turnout(struct snd_store *s, const struct snd_form *f, cJSON **out,
                               char *errbuf, size_t errlen)
{
	struct turnout tu;
	struct chair_roll cr;
	enum snd_err e;
	cJSON *root = NULL;
	int oom = 0, found = 0;

	memset(&tu, 0, sizeof tu);
	memset(&cr, 0, sizeof cr);
	e = snd_store_each_counted(s, f->id, 0, turnout_row, &tu, NULL);
	if (tu.err != SND_OK) {
		e = tu.err;
		goto done;
	}
	if (e != SND_OK) {
		tally_errf(errbuf, errlen, "reading responses: %s", snd_store_errmsg(s));
		goto done;
	}
	cr.tu = &tu;
	cr.attributed = f->anonymity != SND_PSEUDONYMOUS;
	if ((e = roll_walk(s, f, chair_roll_del, &cr, &found, errbuf, errlen)) != SND_OK)
		goto done;
	root = cJSON_CreateObject();
	if (root == NULL ||
	    cJSON_AddNumberToObject(root, "delegates", tu.delegates) == NULL ||
	    cJSON_AddNumberToObject(root, "entities", tu.entities) == NULL) {
		oom = 1;
		goto done;
	}
	if (found &&
	    (cJSON_AddNumberToObject(root, "invited", cr.invited) == NULL ||
	     cJSON_AddNumberToObject(root, "answered", cr.answered) == NULL ||
	     cJSON_AddNumberToObject(root, "revoked", cr.revoked) == NULL ||
	     add_rate(root, cr.answered, cr.invited) != 0 ||
	     cJSON_AddNumberToObject(root, "missing_count", cr.nmissing) == NULL ||
	     (cr.attributed && missing_json(root, &cr.ms, SND_TURNOUT_MISSING_MAX, 0) != 0))) {
		oom = 1;
		goto done;
	}
	cJSON *by = cJSON_AddObjectToObject(root, "by");
	for (size_t a = 0; a < NTURNOUT && by && !oom; a++) {
		cJSON *ao;
		if (!snd_form_attr_public(f, turnout_attrs[a]))
			continue; /* pseudonymous: only its public attributes */
		ao = cJSON_AddObjectToObject(by, turnout_attrs[a]);
		if (ao == NULL) {
			oom = 1;
			break;
		}
		if (tu.ntv[a] > 1)
			qsort(tu.tv[a], tu.ntv[a], sizeof *tu.tv[a], cmp_tv);
		for (size_t i = 0; i < tu.ntv[a]; i++) {
			const struct turnout_val *tv = &tu.tv[a][i];
			cJSON *vo = cJSON_AddObjectToObject(ao, tv->name);
			if (vo != NULL && turnout_small(f, tv->delegates)) {
				/* fewer respondents than min_group: no count of them */
				if (cJSON_AddTrueToObject(vo, "suppressed") == NULL ||
				    cJSON_AddNumberToObject(vo, "fewer_than", f->min_group) == NULL ||
				    (found && cJSON_AddNumberToObject(vo, "invited", tv->invited) == NULL)) {
					oom = 1;
					break;
				}
				continue;
			}
			if (vo == NULL || cJSON_AddNumberToObject(vo, "delegates", tv->delegates) == NULL ||
			    cJSON_AddNumberToObject(vo, "entities", tv->entities) == NULL ||
			    (found && (cJSON_AddNumberToObject(vo, "invited", tv->invited) == NULL ||
			               cJSON_AddNumberToObject(vo, "answered", tv->answered) == NULL))) {
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
		tally_errf(errbuf, errlen, "%s", "out of memory while counting turnout");
	for (size_t a = 0; a < NTURNOUT; a++) {
		tally_smap_free(&tu.vals[a]);
		free(tu.tv[a]);
	}
	tally_smap_free(&tu.seen);
	free(tu.key.p);
	tally_arena_free(&tu.arena);
	missing_free(&cr.ms);
	if (e != SND_OK) {
		cJSON_Delete(root);
		return e;
	}
	*out = root;
	return SND_OK;
}

/* -------------------------------------------------------- tally turnout */

struct rgroup {
	uint32_t invited, answered;
	const char *name;
};

struct roll_turnout {
	const char *by;            /* NULL: no groups */
	int is_ent, by_seen, want_missing, answered;
	struct arena arena;
	struct smap gmap;          /* value -> index in g */
	struct rgroup *g;
	size_t ng, capg;
	struct missing ms;
	uint32_t invited, nanswered, revoked;
};

static int rgroup_piece(void *ctx, const char *v, size_t n)
{
	struct roll_turnout *rt = ctx;
	struct sent *e = smap_find(&rt->gmap, v, n);
	if (e == NULL) {
		struct rgroup *ng = tally_grow(rt->g, rt->ng, &rt->capg, sizeof *ng, 16);
		if (ng == NULL)
			return -1;
		rt->g = ng;
		if ((e = tally_smap_add(&rt->gmap, &rt->arena, v, n, (uint32_t)rt->ng)) == NULL)
			return -1;
		rt->g[rt->ng].invited = rt->g[rt->ng].answered = 0;
		rt->g[rt->ng].name = e->k;
		rt->ng++;
	}
	rt->g[e->val].invited++;
	rt->g[e->val].answered += rt->answered != 0;
	return 0;
}

static int roll_turnout_del(void *ctx, const struct roll_del *d)
{
	struct roll_turnout *rt = ctx;
	rt->invited++;
	rt->nanswered += d->answered != 0;
	rt->revoked += d->revoked != 0;
	if (!d->answered && !d->revoked && rt->want_missing && missing_add(&rt->ms, d) != 0)
		return -1;
	if (rt->by == NULL)
		return 0;
	rt->answered = d->answered;
	if (rt->is_ent) {
		rt->by_seen = 1;
		return rgroup_piece(rt, d->ent, strlen(d->ent));
	}
	const char *v;
	size_t n;
	cJSON *tree;
	int rc;
	tally_attr_value(d->attrs, rt->by, &v, &n, &tree);
	rt->by_seen |= v != NULL;
	rc = tally_each_piece(v, n, 1, rgroup_piece, rt);
	cJSON_Delete(tree);
	return rc != 0;
}

static int cmp_rgroup(const void *a, const void *b)
{
	return tally_natcmp(((const struct rgroup *)a)->name, ((const struct rgroup *)b)->name);
}

/* The attribute names on the roll, for the unknown --by message: a second
 * walk, taken only on that error path. */
struct attr_names {
	struct arena arena;
	struct smap names;
	const char **v;
	size_t n, cap;
};

static int attr_names_del(void *ctx, const struct roll_del *d)
{
	struct attr_names *an = ctx;
	cJSON *at = cJSON_Parse(d->attrs), *it;
	int rc = 0;
	cJSON_ArrayForEach(it, at) {
		size_t n;
		struct sent *e;
		const char **nv;
		if (it->string == NULL)
			continue;
		n = strlen(it->string);
		if (smap_find(&an->names, it->string, n) != NULL)
			continue;
		if ((nv = tally_grow(an->v, an->n, &an->cap, sizeof *nv, 16)) == NULL ||
		    (an->v = nv, e = tally_smap_add(&an->names, &an->arena, it->string, n, 0)) == NULL) {
			rc = -1;
			break;
		}
		an->v[an->n++] = e->k;
	}
	cJSON_Delete(at);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void unknown_by(struct snd_store *s, const struct snd_form *f, const char *by,
                       char *errbuf, size_t errlen)
{
	struct attr_names an;
	char ignored[8];
	int found;
	size_t len;
	memset(&an, 0, sizeof an);
	if (roll_walk(s, f, attr_names_del, &an, &found, ignored, sizeof ignored) != SND_OK)
		an.n = 0;
	if (an.n > 1)
		qsort(an.v, an.n, sizeof *an.v, cmp_str);
	tally_errf(errbuf, errlen, "--by %s: no delegate on the roll of %s has that attribute; "
	           "the roll has: %s", by, f->id,
	           f->anonymity == SND_PSEUDONYMOUS ? "" : "entity");
	for (size_t i = 0, shown = 0; i < an.n; i++) {
		if (!snd_form_attr_public(f, an.v[i]))
			continue; /* pseudonymous: only the public attributes are named */
		len = strlen(errbuf);
		if (len + 1 < errlen)
			snprintf(errbuf + len, errlen - len, "%s%s",
			         shown++ == 0 && f->anonymity == SND_PSEUDONYMOUS ? "" : ", ", an.v[i]);
	}
	if (an.n == 0 && f->anonymity == SND_PSEUDONYMOUS) {
		len = strlen(errbuf);
		if (len + 1 < errlen)
			snprintf(errbuf + len, errlen - len, "%s", "no attributes");
	}
	free(an.v);
	tally_smap_free(&an.names);
	tally_arena_free(&an.arena);
}

enum snd_err snd_turnout_roll(struct snd_store *s, const struct snd_form *f,
                              const struct snd_turnout_opts *o, cJSON **out, char *errbuf,
                              size_t errlen)
{
	struct roll_turnout rt;
	enum snd_err e;
	cJSON *root = NULL;
	int found = 0, pseudo = f->anonymity == SND_PSEUDONYMOUS;

	if (pseudo && o->missing) {
		tally_errf(errbuf, errlen, "%s is pseudonymous: who has not answered is never shown, "
		           "only how many (leave out --missing)", f->id);
		return SND_EINVAL;
	}
	if (pseudo && o->by != NULL && !snd_form_attr_public(f, o->by)) {
		char pub[512];
		tally_errf(errbuf, errlen, "--by %s: %s is pseudonymous; a breakdown by %s is not "
		           "allowed; its public attributes: %s", o->by, f->id, o->by,
		           snd_form_public_list(f, pub, sizeof pub));
		return SND_EINVAL;
	}
	memset(&rt, 0, sizeof rt);
	rt.by = o->by;
	rt.is_ent = o->by != NULL && strcmp(o->by, "entity") == 0;
	rt.want_missing = o->missing != 0;
	if ((e = roll_walk(s, f, roll_turnout_del, &rt, &found, errbuf, errlen)) != SND_OK)
		goto done;
	if (!found) {
		tally_errf(errbuf, errlen, "the database has no roll for %s: record who was invited "
		           "with `collector issue --db DB` or `collector roll import --db DB "
		           "LINKS.csv`", f->id);
		e = SND_ENOTFOUND;
		goto done;
	}
	if (rt.by != NULL && !rt.by_seen) {
		unknown_by(s, f, rt.by, errbuf, errlen);
		e = SND_ENOTFOUND;
		goto done;
	}
	e = SND_ENOMEM;
	root = cJSON_CreateObject();
	if (root == NULL || cJSON_AddStringToObject(root, "questionnaire", f->id) == NULL ||
	    cJSON_AddNumberToObject(root, "invited", rt.invited) == NULL ||
	    cJSON_AddNumberToObject(root, "answered", rt.nanswered) == NULL ||
	    cJSON_AddNumberToObject(root, "revoked", rt.revoked) == NULL ||
	    add_rate(root, rt.nanswered, rt.invited) != 0)
		goto done;
	if (rt.by != NULL) {
		cJSON *go = cJSON_AddObjectToObject(root, "groups");
		if (go == NULL)
			goto done;
		if (rt.ng > 1)
			qsort(rt.g, rt.ng, sizeof *rt.g, cmp_rgroup);
		for (size_t i = 0; i < rt.ng; i++) {
			cJSON *vo = cJSON_AddObjectToObject(go, rt.g[i].name);
			if (vo != NULL && turnout_small(f, rt.g[i].answered)) {
				if (cJSON_AddNumberToObject(vo, "invited", rt.g[i].invited) == NULL ||
				    cJSON_AddNullToObject(vo, "answered") == NULL ||
				    cJSON_AddNullToObject(vo, "rate") == NULL ||
				    cJSON_AddTrueToObject(vo, "suppressed") == NULL ||
				    cJSON_AddNumberToObject(vo, "fewer_than", f->min_group) == NULL)
					goto done;
				continue;
			}
			if (vo == NULL || cJSON_AddNumberToObject(vo, "invited", rt.g[i].invited) == NULL ||
			    cJSON_AddNumberToObject(vo, "answered", rt.g[i].answered) == NULL ||
			    add_rate(vo, rt.g[i].answered, rt.g[i].invited) != 0)
				goto done;
		}
	}
	if (rt.want_missing && missing_json(root, &rt.ms, 0, 1) != 0)
		goto done;
	e = SND_OK;
done:
	if (e == SND_ENOMEM)
		tally_errf(errbuf, errlen, "%s", "out of memory while counting turnout");
	free(rt.g);
	tally_smap_free(&rt.gmap);
	tally_arena_free(&rt.arena);
	missing_free(&rt.ms);
	if (e != SND_OK) {
		cJSON_Delete(root);
		return e;
	}
	*out = root;
	return SND_OK;
}
