/* turnout.c - turnout for the chair: how many delegates and distinct
 * entities answered, in total and per value of category, sg and region.
 *
 * This file owns:
 *   1. the turnout count (struct turnout): one pass over the latest
 *      revisions that count (snd_store_each_counted: a revoked link's answer
 *      is set aside, as the summary sets it aside);
 *   2. the turnout object (snd_tally_turnout's cJSON).
 *
 * Invariants:
 *   1. An entity counts once per value however many of its delegates
 *      answered (a set of (attribute, value, entity) keys).
 *   2. sg is multi-valued (split on ';'), as in --by; "(none)" for
 *      delegates without the attribute; values in natural order.
 *   3. Memory grows with the distinct (value, entity) pairs, not with the
 *      responses.
 */
#include "tally_int.h"

#include <stdlib.h>
#include <string.h>

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
	e = snd_store_each_counted(s, f->id, 0, turnout_row, &tu, NULL);
	if (tu.err != SND_OK) {
		e = tu.err;
		goto done;
	}
	if (e != SND_OK) {
		tally_errf(errbuf, errlen, "reading responses: %s", snd_store_errmsg(s));
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
		tally_errf(errbuf, errlen, "%s", "out of memory while counting turnout");
	for (size_t a = 0; a < NTURNOUT; a++) {
		tally_smap_free(&tu.vals[a]);
		free(tu.tv[a]);
	}
	tally_smap_free(&tu.seen);
	free(tu.key.p);
	tally_arena_free(&tu.arena);
	if (e != SND_OK) {
		cJSON_Delete(root);
		return e;
	}
	*out = root;
	return SND_OK;
}
