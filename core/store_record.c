/* store_record.c - the chair's record: dispositions of objections and
 * outcome statements of questions (interface.md, "Rounds and the objection
 * register"), in the record table of migration 5.
 *
 * This file owns:
 *   - the record chain: its link (snd_record_link) and the appending of a
 *     record at its head (snd_store_record_add);
 *   - the checks a record meets before anything is stored
 *     (snd_record_check);
 *   - the reads: every record (verify), the latest per key (the summary,
 *     the chair's page and API, the objection register).
 *
 * Invariants (store.c states the store's; these are the record's):
 *   1. Records are only ever inserted, never updated or deleted; the latest
 *      row per (qid, kind, question, entity) is the one that counts.
 *   2. The chain is the revision chain's rule on its own rows: seq dense
 *      from 1, prev = the link of seq - 1 (64 zeros for the first), link =
 *      snd_record_link of the row.  The head is read from the table inside
 *      the write transaction on every add (records are rare: no in-memory
 *      head to restore after a rollback), so two writers cannot fork it.
 *   3. Each add runs in its own savepoint (store.c invariant 5): a failed
 *      one leaves the batch as it was.
 *   4. Every field is checked (snd_record_check) before a statement runs.
 */
#include "store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const snd_record_kind_names[SND_REC__MAX] = {
	[SND_REC_DISPOSITION] = "disposition",
	[SND_REC_OUTCOME] = "outcome",
};

const char *const snd_disposition_names[SND_DISP__MAX] = {
	[SND_DISP_OPEN] = "open",
	[SND_DISP_ADDRESSED] = "addressed",
	[SND_DISP_NOTED] = "noted",
	[SND_DISP_RESOLVED] = "resolved",
};

void snd_record_link(const struct snd_record *r, char out[65])
{
	char at[24];
	const char *part[9];

	snprintf(at, sizeof at, "%" PRId64, r->at);
	part[0] = r->prev;
	part[1] = (unsigned)r->kind < SND_REC__MAX ? snd_record_kind_names[r->kind] : "";
	part[2] = r->qid;
	part[3] = r->question;
	part[4] = r->entity;
	part[5] = r->status;
	part[6] = r->by;
	part[7] = at;
	part[8] = r->text;
	store_link(part, NULL, 9, out);
}

/* Valid UTF-8 of at most max bytes without control characters (so the
 * newline-joined link stays unambiguous). */
static int line_ok(const char *t, size_t max)
{
	const unsigned char *p;
	if (!text_ok(t, max))
		return 0;
	for (p = (const unsigned char *)t; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int status_index(const char *s)
{
	int i;
	for (i = 0; s && i < SND_DISP__MAX; i++)
		if (strcmp(s, snd_disposition_names[i]) == 0)
			return i;
	return -1;
}

int snd_record_check(const struct snd_record *r, const char **field)
{
	int disp = r->kind == SND_REC_DISPOSITION;
	*field = "kind";
	if ((unsigned)r->kind >= SND_REC__MAX)
		return -1;
	*field = "questionnaire";
	if (!line_ok(r->qid, SND_ID_MAX) || r->qid[0] == '\0')
		return -1;
	*field = "question";
	if (!line_ok(r->question, SND_ID_MAX) || r->question[0] == '\0')
		return -1;
	*field = "entity";
	if (!line_ok(r->entity, SND_CLAIM_MAX_LEN) || (!disp && r->entity[0] != '\0'))
		return -1;
	*field = "status";
	if (disp ? status_index(r->status) < 0 : (r->status == NULL || r->status[0] != '\0'))
		return -1;
	*field = disp ? "note" : "text";
	if (!text_ok(r->text, SND_RECORD_TEXT_MAX) || strchr(r->text, '\r') != NULL)
		return -1;
	*field = "by";
	if (!line_ok(r->by, SND_CLAIM_MAX_LEN) || r->by[0] == '\0')
		return -1;
	*field = NULL;
	return 0;
}

enum snd_err snd_store_record_add(struct snd_store *s, struct snd_record *r, char link_out[65])
{
	sqlite3_stmt *st;
	char prev[65];
	const char *field;
	int own = 0;
	enum snd_err e;

	if (snd_record_check(r, &field) != 0) {
		char m[80];
		snprintf(m, sizeof m, "record: the field %s is missing or malformed", field);
		return fail_msg(s, SND_EINVAL, m);
	}
	if ((e = store_row_begin(s, &own)) != SND_OK)
		return e;
	/* the chain head inside the write transaction (invariant 2) */
	if ((e = store_chain_head(s, ST_RECORD_HEAD, "the last record's link is malformed", &r->seq, prev)) != SND_OK)
		goto end;
	r->seq++;
	r->prev = prev;
	snd_record_link(r, link_out);
	r->link = link_out;
	if ((st = stmt(s, ST_RECORD_INSERT)) == NULL) {
		e = SND_EDB;
		goto end;
	}
	sqlite3_bind_int64(st, 1, r->seq);
	bind_text(st, 2, snd_record_kind_names[r->kind]);
	bind_text(st, 3, r->qid);
	bind_text(st, 4, r->question);
	bind_text(st, 5, r->entity);
	bind_text(st, 6, r->status);
	bind_text(st, 7, r->text);
	bind_text(st, 8, r->by);
	sqlite3_bind_int64(st, 9, r->at);
	bind_text(st, 10, prev);
	bind_text(st, 11, link_out);
	e = run(s, st);
end:
	r->prev = NULL; /* prev was this function's buffer */
	return store_row_end(s, own, e);
}

/* Steps st (bound, reading the record columns in ST_RECORD_EACH's order)
 * and passes each row to cb. */
static enum snd_err each(struct snd_store *s, sqlite3_stmt *st, snd_record_cb cb, void *ctx)
{
	struct snd_record r;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = col_text(st, 1);
		memset(&r, 0, sizeof r);
		r.seq = sqlite3_column_int64(st, 0);
		r.kind = strcmp(kind, snd_record_kind_names[SND_REC_OUTCOME]) == 0 ? SND_REC_OUTCOME
		         : strcmp(kind, snd_record_kind_names[SND_REC_DISPOSITION]) == 0
		                 ? SND_REC_DISPOSITION
		                 : SND_REC__MAX; /* altered: verify says so */
		r.qid = col_text(st, 2);
		r.question = col_text(st, 3);
		r.entity = col_text(st, 4);
		r.status = col_text(st, 5);
		r.text = col_text(st, 6);
		r.by = col_text(st, 7);
		r.at = sqlite3_column_int64(st, 8);
		r.prev = col_text(st, 9);
		r.link = col_text(st, 10);
		if (cb(ctx, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return finish(s, st, rc);
}

enum snd_err snd_store_each_record(struct snd_store *s, snd_record_cb cb, void *ctx)
{
	sqlite3_stmt *st = stmt(s, ST_RECORD_EACH);
	return st ? each(s, st, cb, ctx) : SND_EDB;
}

enum snd_err snd_store_each_latest_record(struct snd_store *s, const char *qid,
                                          enum snd_record_kind kind, snd_record_cb cb,
                                          void *ctx)
{
	sqlite3_stmt *st;
	if ((unsigned)kind >= SND_REC__MAX)
		return fail_msg(s, SND_EINVAL, "unknown record kind");
	if ((st = stmt(s, ST_RECORD_LATEST)) == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	bind_text(st, 2, snd_record_kind_names[kind]);
	return each(s, st, cb, ctx);
}

enum snd_err snd_store_each_disposition(struct snd_store *s, const char *qid, snd_record_cb cb,
                                        void *ctx)
{
	return snd_store_each_latest_record(s, qid, SND_REC_DISPOSITION, cb, ctx);
}

/* ------------------------------------------------------------- as JSON */

struct to_json {
	const struct snd_form *f;
	cJSON *items;   /* one array per question of f, then one for the rest */
	int failed;
};

static int add_json(void *ctx, const struct snd_record *r)
{
	struct to_json *c = ctx;
	char when[21];
	int qi = snd_form_question(c->f, r->question);
	cJSON *o = cJSON_CreateObject(), *into;
	if (o == NULL) {
		c->failed = 1;
		return 1;
	}
	into = cJSON_GetArrayItem(c->items, qi >= 0 ? qi : (int)c->f->nquestions);
	snd_time_format(r->at / 1000, when);
	cJSON_AddStringToObject(o, "question", r->question);
	if (r->kind == SND_REC_DISPOSITION) {
		if (c->f->anonymity != SND_PSEUDONYMOUS)
			cJSON_AddStringToObject(o, "entity", r->entity);
		cJSON_AddStringToObject(o, "status", r->status);
		cJSON_AddStringToObject(o, "note", r->text);
	} else {
		cJSON_AddStringToObject(o, "text", r->text);
	}
	cJSON_AddStringToObject(o, "by", r->by);
	cJSON_AddStringToObject(o, "at", when);
	if (into == NULL || !cJSON_AddItemToArray(into, o)) {
		cJSON_Delete(o);
		c->failed = 1;
		return 1;
	}
	return 0;
}

/* The latest records of kind, in form order of the questions, into a new
 * array *out. */
static enum snd_err kind_json(struct snd_store *s, const struct snd_form *f,
                              enum snd_record_kind kind, cJSON **out)
{
	struct to_json c = {f, cJSON_CreateArray(), 0};
	cJSON *all = cJSON_CreateArray(), *a, *o;
	enum snd_err e = SND_ENOMEM;
	size_t i;

	for (i = 0; c.items && i <= f->nquestions; i++) {
		cJSON *q = cJSON_CreateArray();
		if (q == NULL || !cJSON_AddItemToArray(c.items, q)) {
			cJSON_Delete(q);
			goto fail;
		}
	}
	if (c.items == NULL || all == NULL)
		goto fail;
	if ((e = snd_store_each_latest_record(s, f->id, kind, add_json, &c)) != SND_OK)
		goto fail;
	e = SND_ENOMEM;
	if (c.failed)
		goto fail;
	cJSON_ArrayForEach(a, c.items) {
		while ((o = cJSON_DetachItemFromArray(a, 0)) != NULL)
			if (!cJSON_AddItemToArray(all, o)) {
				cJSON_Delete(o);
				goto fail;
			}
	}
	cJSON_Delete(c.items);
	*out = all;
	return SND_OK;
fail:
	cJSON_Delete(c.items);
	cJSON_Delete(all);
	return e;
}

enum snd_err snd_record_json(struct snd_store *s, const struct snd_form *f, cJSON **dispositions,
                             cJSON **outcomes)
{
	cJSON *d = NULL, *o = NULL;
	enum snd_err e;
	if ((e = kind_json(s, f, SND_REC_DISPOSITION, &d)) != SND_OK)
		return e;
	if ((e = kind_json(s, f, SND_REC_OUTCOME, &o)) != SND_OK) {
		cJSON_Delete(d);
		return e;
	}
	*dispositions = d;
	*outcomes = o;
	return SND_OK;
}
