/* register.c - the objection register: one entry per (question, entity)
 * that objected in any round of a series, with each round's position and
 * reasons side by side and a status comparing the last two rounds that
 * ask the question: sustained, new, silent, withdrawn.
 *
 * It reads the store directly, not the engine's summary: a status needs
 * to know whether an entity that objected before answered now, and how,
 * which no summary says.  Two passes over each round's latest revisions:
 * the first finds every objection (so memory follows the objections, not
 * the responses), the second what those entities answered.
 *
 * Invariants:
 *   1. Entity level: an entity objects in a round when any of its
 *      delegates' latest revisions objects; its reason is every objecting
 *      delegate's reason (distinct ones, sorted, one per line).  When none
 *      objects, its position is the most reserved one its delegates took
 *      (live_with, then support, then abstain).
 *   2. The revision that counts per delegate is the tally's
 *      (snd_store_each_counted): one made with a revoked token is set
 *      aside for the delegate's newest one made with a valid token.
 *   3. Order: sustained, new, silent, withdrawn; then the question's place
 *      (the last round's form order); then the entity (byte order).
 *   4. On a pseudonymous questionnaire (any round) no entry names an
 *      entity or gives reasons: one entry per (question, status) with the
 *      count of entities, so the register cannot link answers across
 *      rounds to anyone.
 *   5. disposition is the chair's record (store_record.c) of the last
 *      round's questionnaire: snd_register_fill_dispositions attaches the
 *      latest per (question, entity); snd_register_build leaves it NULL.
 */
#include "trend_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const snd_objection_status_names[SND_OBJ__MAX] = {
	[SND_OBJ_SUSTAINED] = "sustained", [SND_OBJ_NEW] = "new",
	[SND_OBJ_SILENT] = "silent",       [SND_OBJ_WITHDRAWN] = "withdrawn",
};

/* How reserved a position is, for an entity whose delegates differ. */
static int reserve(enum snd_position p)
{
	static const int r[SND_POS__MAX] = {
		[SND_POS_ABSTAIN] = 0, [SND_POS_SUPPORT] = 1, [SND_POS_LIVE_WITH] = 2,
		[SND_POS_OBJECT] = 3,
	};
	return r[p];
}

/* One objection found in pass 1. */
struct obj {
	size_t track;
	size_t round;
	char *entity;
	char *reason;  /* NULL when none */
};

/* Where the passes are. */
struct scan {
	const struct snd_form *f;
	size_t round;
	const struct track *t;
	size_t nt;
	int pass;
	/* pass 1 */
	struct obj *o;
	size_t no, co;
	/* pass 2 */
	struct snd_register_entry *e;
	size_t ne;
	int oom, bad;
};

static int cmp_obj(const void *a, const void *b)
{
	const struct obj *x = a, *y = b;
	int c;
	if (x->track != y->track)
		return x->track < y->track ? -1 : 1;
	if ((c = strcmp(x->entity, y->entity)) != 0)
		return c;
	if (x->round != y->round)
		return x->round < y->round ? -1 : 1;
	if (x->reason == NULL || y->reason == NULL)
		return (x->reason != NULL) - (y->reason != NULL);
	return strcmp(x->reason, y->reason);
}

struct ekey {
	size_t track;
	const char *entity;
};

static int cmp_entry_key(const void *k, const void *el)
{
	const struct ekey *x = k;
	const struct snd_register_entry *y = el;
	if (x->track != y->track_)
		return x->track < y->track_ ? -1 : 1;
	return strcmp(x->entity, y->entity);
}

static int add_obj(struct scan *sc, size_t track, const char *ent, const char *reason)
{
	struct obj *o;
	if (sc->no == sc->co) {
		size_t nc = sc->co ? sc->co * 2 : 64;
		struct obj *p = realloc(sc->o, nc * sizeof *p);
		if (p == NULL)
			return -1;
		sc->o = p;
		sc->co = nc;
	}
	o = &sc->o[sc->no];
	o->track = track;
	o->round = sc->round;
	o->entity = strdup(ent);
	o->reason = reason ? strdup(reason) : NULL;
	if (o->entity == NULL || (reason && o->reason == NULL)) {
		free(o->entity);
		free(o->reason);
		return -1;
	}
	sc->no++;
	return 0;
}

static int on_row(void *ctx, const struct snd_revision *rv)
{
	struct scan *sc = ctx;
	cJSON *root = NULL;
	char err[128];
	size_t i;
	if (snd_json_parse(rv->answers, rv->answers_len, rv->answers_len + 1, SND_JSON_MAX_DEPTH,
	                   &root, err, sizeof err) != SND_OK) {
		sc->bad = 1;
		return 1;
	}
	for (i = 0; i < sc->nt; i++) {
		const struct track *t = &sc->t[i];
		const struct snd_question *q;
		const cJSON *a, *pos, *why;
		int k;
		if (t->qi[sc->round] < 0)
			continue;
		q = &sc->f->questions[t->qi[sc->round]];
		if (q->type != SND_Q_POSITION)
			continue;
		a = cJSON_GetObjectItemCaseSensitive(root, q->id);
		pos = cJSON_GetObjectItemCaseSensitive(a, "position");
		if (!cJSON_IsString(pos))
			continue;
		for (k = 0; k < SND_POS__MAX && strcmp(pos->valuestring, snd_position_names[k]); k++)
			;
		if (k == SND_POS__MAX)
			continue;
		if (sc->pass == 1) {
			if (k != SND_POS_OBJECT)
				continue;
			why = cJSON_GetObjectItemCaseSensitive(a, "reason");
			if (add_obj(sc, i, rv->ent ? rv->ent : "",
			            cJSON_IsString(why) ? why->valuestring : NULL) != 0) {
				sc->oom = 1;
				break;
			}
		} else {
			struct ekey key = {i, rv->ent ? rv->ent : ""};
			struct snd_register_entry *e =
				bsearch(&key, sc->e, sc->ne, sizeof *sc->e, cmp_entry_key);
			struct snd_register_round *rr;
			if (e == NULL)
				continue;
			rr = &e->rounds[sc->round];
			if (!rr->answered || reserve((enum snd_position)k) > reserve(rr->position))
				rr->position = (enum snd_position)k;
			rr->answered = 1;
		}
	}
	cJSON_Delete(root);
	return sc->oom;
}

/* The status of e by the last two rounds that ask its question. */
static enum snd_objection_status status_of(const struct track *t, size_t n,
                                           const struct snd_register_entry *e)
{
	size_t r, last = n, prev = n;
	for (r = n; r-- > 0;) {
		if (t->qi[r] < 0)
			continue;
		if (last == n)
			last = r;
		else if (prev == n) {
			prev = r;
			break;
		}
	}
	if (last == n)
		return SND_OBJ_SILENT;
	if (e->rounds[last].answered && e->rounds[last].position == SND_POS_OBJECT)
		return prev < n && e->rounds[prev].answered && e->rounds[prev].position == SND_POS_OBJECT
		           ? SND_OBJ_SUSTAINED
		           : SND_OBJ_NEW;
	return e->rounds[last].answered ? SND_OBJ_WITHDRAWN : SND_OBJ_SILENT;
}

static int cmp_out(const void *a, const void *b)
{
	const struct snd_register_entry *x = a, *y = b;
	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if (x->track_ != y->track_)
		return x->track_ < y->track_ ? -1 : 1;
	if (x->entity == NULL || y->entity == NULL)
		return 0;
	return strcmp(x->entity, y->entity);
}

static void entry_clear(struct snd_register_entry *e, size_t nrounds)
{
	size_t r;
	free(e->question);
	free(e->entity);
	for (r = 0; e->rounds && r < nrounds; r++)
		free(e->rounds[r].reason);
	free(e->rounds);
	cJSON_Delete(e->disposition);
}

void snd_register_free(struct snd_register *g)
{
	size_t i;
	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++)
		entry_clear(&g->entries[i], g->nrounds);
	free(g->entries);
	for (i = 0; i < g->nrounds; i++)
		free(g->round_ids[i]);
	free(g->round_ids);
	free(g->round_numbers);
	free(g);
}

/* Entries from the sorted objections: one per (track, entity), reasons
 * joined per round. */
static int make_entries(struct scan *sc, size_t n)
{
	size_t i = 0, ne = 0;
	for (i = 0; i < sc->no; i++)
		if (i == 0 || sc->o[i].track != sc->o[i - 1].track ||
		    strcmp(sc->o[i].entity, sc->o[i - 1].entity) != 0)
			ne++;
	if ((sc->e = calloc(ne ? ne : 1, sizeof *sc->e)) == NULL)
		return -1;
	for (i = 0; i < sc->no; i++) {
		struct snd_register_entry *e;
		struct snd_register_round *rr;
		const struct obj *o = &sc->o[i];
		if (i == 0 || o->track != sc->o[i - 1].track || strcmp(o->entity, sc->o[i - 1].entity) != 0) {
			e = &sc->e[sc->ne++];
			e->track_ = o->track;
			e->count = 1;
			if ((e->entity = strdup(o->entity)) == NULL ||
			    (e->question = strdup(sc->t[o->track].id)) == NULL ||
			    (e->rounds = calloc(n, sizeof *e->rounds)) == NULL)
				return -1;
		}
		e = &sc->e[sc->ne - 1];
		rr = &e->rounds[o->round];
		if (o->reason == NULL || (i > 0 && cmp_obj(o, &sc->o[i - 1]) == 0))
			continue; /* no reason, or the same words as the one before */
		if (rr->reason == NULL) {
			rr->reason = strdup(o->reason);
		} else {
			size_t l1 = strlen(rr->reason), l2 = strlen(o->reason);
			char *p = realloc(rr->reason, l1 + l2 + 2);
			if (p == NULL)
				return -1;
			p[l1] = '\n';
			memcpy(p + l1 + 1, o->reason, l2 + 1);
			rr->reason = p;
		}
		if (rr->reason == NULL)
			return -1;
	}
	return 0;
}

/* Pseudonymous: one entry per (track, status), counting entities. */
static int fold(struct snd_register *g)
{
	size_t i, j = 0;
	for (i = 0; i < g->n; i++) {
		struct snd_register_entry *e = &g->entries[i];
		if (j > 0 && g->entries[j - 1].track_ == e->track_ &&
		    g->entries[j - 1].status == e->status) {
			g->entries[j - 1].count++;
			entry_clear(e, g->nrounds);
			continue;
		}
		free(e->entity);
		e->entity = NULL;
		for (size_t r = 0; e->rounds && r < g->nrounds; r++)
			free(e->rounds[r].reason);
		free(e->rounds);
		e->rounds = NULL;
		g->entries[j++] = *e;
	}
	g->n = j;
	return 0;
}

enum snd_err snd_register_build(struct snd_store *s, const struct snd_form *const *forms,
                                size_t n, struct snd_register **out, char *errbuf,
                                size_t errlen)
{
	struct snd_register *g = NULL;
	struct scan sc;
	struct track *t = NULL;
	size_t nt = 0, r, i;
	enum snd_err e;
	int pseudo = 0;

	memset(&sc, 0, sizeof sc);
	if ((e = snd_series_order(forms, n, errbuf, errlen)) != SND_OK)
		return e;
	e = SND_ENOMEM;
	if (tracks_make(forms, n, &t, &nt) != SND_OK)
		goto fail;
	sc.t = t;
	sc.nt = nt;
	for (sc.pass = 1; sc.pass <= 2; sc.pass++) {
		for (r = 0; r < n; r++) {
			sc.f = forms[r];
			sc.round = r;
			if ((e = snd_store_each_counted(s, forms[r]->id, 0, on_row, &sc, NULL)) != SND_OK) {
				snprintf(errbuf, errlen, "reading the answers to '%s': %s", forms[r]->id,
				         snd_strerror(e));
				goto fail;
			}
			e = SND_ENOMEM;
			if (sc.oom)
				goto fail;
			if (sc.bad) {
				snprintf(errbuf, errlen, "a stored answer to '%s' is not valid JSON (run "
				         "tally verify)", forms[r]->id);
				e = SND_EINVAL;
				goto fail;
			}
		}
		if (sc.pass == 1) {
			if (sc.no > 1)
				qsort(sc.o, sc.no, sizeof *sc.o, cmp_obj);
			if (make_entries(&sc, n) != 0)
				goto fail;
		}
	}
	if ((g = calloc(1, sizeof *g)) == NULL ||
	    (g->round_ids = calloc(n, sizeof *g->round_ids)) == NULL ||
	    (g->round_numbers = calloc(n, sizeof *g->round_numbers)) == NULL)
		goto fail;
	g->nrounds = n;
	for (r = 0; r < n; r++) {
		if (forms[r]->anonymity == SND_PSEUDONYMOUS)
			pseudo = 1;
		g->round_numbers[r] = forms[r]->round;
		if ((g->round_ids[r] = strdup(forms[r]->id)) == NULL)
			goto fail;
	}
	for (i = 0; i < sc.ne; i++)
		sc.e[i].status = status_of(&t[sc.e[i].track_], n, &sc.e[i]);
	g->entries = sc.e;
	g->n = sc.ne;
	sc.e = NULL;
	sc.ne = 0;
	if (g->n > 1)
		qsort(g->entries, g->n, sizeof *g->entries, cmp_out);
	g->pseudonymous = pseudo;
	if (pseudo)
		fold(g);
	*out = g;
	g = NULL;
	e = SND_OK;
fail:
	if (e == SND_ENOMEM)
		snprintf(errbuf, errlen, "out of memory");
	snd_register_free(g);
	for (i = 0; i < sc.ne; i++)
		entry_clear(&sc.e[i], n);
	free(sc.e);
	for (i = 0; i < sc.no; i++) {
		free(sc.o[i].entity);
		free(sc.o[i].reason);
	}
	free(sc.o);
	tracks_free(t, nt);
	return e;
}

struct snd_register_entry *snd_register_find(struct snd_register *g, const char *question,
                                             const char *entity)
{
	size_t i;
	if (g == NULL || question == NULL)
		return NULL;
	for (i = 0; i < g->n; i++) {
		struct snd_register_entry *e = &g->entries[i];
		if (strcmp(e->question, question) != 0)
			continue;
		if (entity == NULL ? e->entity == NULL : e->entity && strcmp(e->entity, entity) == 0)
			return e;
	}
	return NULL;
}

cJSON *snd_register_json(const struct snd_register *g)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, r;
	for (i = 0; arr && g && i < g->n; i++) {
		const struct snd_register_entry *e = &g->entries[i];
		cJSON *o = cJSON_CreateObject(), *rs, *d;
		if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto nomem;
		}
		cJSON_AddStringToObject(o, "question", e->question);
		if (e->entity)
			cJSON_AddStringToObject(o, "entity", e->entity);
		cJSON_AddStringToObject(o, "status", snd_objection_status_names[e->status]);
		if (g->pseudonymous) {
			cJSON_AddNumberToObject(o, "count", (double)e->count);
		} else {
			if ((rs = cJSON_AddArrayToObject(o, "rounds")) == NULL)
				goto nomem;
			for (r = 0; r < g->nrounds; r++) {
				const struct snd_register_round *rr = &e->rounds[r];
				cJSON *x = cJSON_CreateObject();
				if (x == NULL || !cJSON_AddItemToArray(rs, x)) {
					cJSON_Delete(x);
					goto nomem;
				}
				cJSON_AddNumberToObject(x, "round", g->round_numbers[r]);
				cJSON_AddStringToObject(x, "questionnaire", g->round_ids[r]);
				if (rr->answered)
					cJSON_AddStringToObject(x, "position", snd_position_names[rr->position]);
				else
					cJSON_AddNullToObject(x, "position");
				if (rr->reason)
					cJSON_AddStringToObject(x, "reason", rr->reason);
				else
					cJSON_AddNullToObject(x, "reason");
			}
		}
		d = e->disposition ? cJSON_Duplicate(e->disposition, 1) : cJSON_CreateNull();
		if (d == NULL)
			goto nomem;
		cJSON_AddItemToObject(o, "disposition", d);
	}
	return arr;
nomem:
	cJSON_Delete(arr);
	return NULL;
}

cJSON *snd_register_rounds_json(const struct snd_register *g)
{
	cJSON *arr = cJSON_CreateArray();
	size_t r;
	for (r = 0; arr && g && r < g->nrounds; r++) {
		cJSON *x = cJSON_CreateObject();
		if (x == NULL || !cJSON_AddItemToArray(arr, x)) {
			cJSON_Delete(x);
			cJSON_Delete(arr);
			return NULL;
		}
		cJSON_AddNumberToObject(x, "round", g->round_numbers[r]);
		cJSON_AddStringToObject(x, "questionnaire", g->round_ids[r]);
	}
	return arr;
}

struct disp_ctx {
	struct snd_register *g;
	int oom;
};

static int on_disposition(void *ctx, const struct snd_record *r)
{
	struct disp_ctx *c = ctx;
	struct snd_register_entry *e;
	cJSON *d;
	char at[21];
	if (c->g->pseudonymous || r->question == NULL || r->entity == NULL)
		return 0;
	if ((e = snd_register_find(c->g, r->question, r->entity)) == NULL)
		return 0; /* a disposition of an objection the register no longer holds */
	if ((d = cJSON_CreateObject()) == NULL) {
		c->oom = 1;
		return 1;
	}
	snd_time_format(r->at / 1000, at);
	cJSON_AddStringToObject(d, "status", r->status ? r->status : "");
	cJSON_AddStringToObject(d, "note", r->text ? r->text : "");
	cJSON_AddStringToObject(d, "by", r->by ? r->by : "");
	cJSON_AddStringToObject(d, "at", at);
	cJSON_Delete(e->disposition);
	e->disposition = d;
	return 0;
}

enum snd_err snd_register_fill_dispositions(struct snd_register *g, struct snd_store *s)
{
	struct disp_ctx c = {g, 0};
	enum snd_err e;
	if (g == NULL || g->nrounds == 0 || g->pseudonymous)
		return SND_OK;
	e = snd_store_each_disposition(s, g->round_ids[g->nrounds - 1], on_disposition, &c);
	if (e == SND_OK && c.oom)
		e = SND_ENOMEM;
	return e;
}
