/* store_roll.c - the roll (who was invited) and the mail log: what lets the
 * secretariat ask "who still has to answer?" and send each delegate their
 * link once.
 *
 * This file owns the rows of the roll and mail_sent tables (migration 4 in
 * store.c).  The roll has one row per issued link: delegate id, entity,
 * attributes, role, jti, expiry and contact details.  mail_sent has one row
 * per message an SMTP server accepted.
 *
 * Invariants:
 *   1. The roll never holds a token: a link's secret part stays in the
 *      links file the secretariat keeps; jti is the key.
 *   2. A roll row is never updated or deleted.  Adding a jti again with
 *      the same content is no change (so importing a file twice is
 *      harmless); with different content it is an error naming the field,
 *      since two tokens cannot share an id.
 *   3. Every text is checked before a statement is touched, so a bad entry
 *      changes nothing; all-or-nothing over many entries is the caller's
 *      batch (snd_store_begin/commit).
 *   4. answered and revoked are derived when read (store invariant 1): a
 *      revision stored with the link's jti, a revocation of that jti.
 *      Turnout's walk (snd_store_roll_turnout) counts as answered only a
 *      revision made with a link that is not revoked, as the tally counts.
 */
#include "store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A roll text: UTF-8, no control characters, at most max bytes.  email and
 * lang may be empty; the others may not (empty_ok). */
static int roll_text_ok(const char *t, size_t max, int empty_ok)
{
	const unsigned char *p;
	if (!text_ok(t, max) || (!empty_ok && t[0] == '\0'))
		return 0;
	for (p = (const unsigned char *)t; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* attrs: a JSON object whose values are all strings. */
static int attrs_ok(const char *attrs)
{
	cJSON *j, *it;
	int ok;
	if (!text_ok(attrs, (size_t)SND_CLAIM_MAX_LEN * 64))
		return 0;
	if ((j = cJSON_Parse(attrs)) == NULL)
		return 0;
	ok = cJSON_IsObject(j);
	cJSON_ArrayForEach(it, j) {
		if (!cJSON_IsString(it))
			ok = 0;
	}
	cJSON_Delete(j);
	return ok;
}

static enum snd_err check_entry(struct snd_store *s, const struct snd_roll_entry *e)
{
	const char *bad = NULL;
	if (!roll_text_ok(e->qid, SND_ID_MAX, 0))
		bad = "qid";
	else if (!roll_text_ok(e->sub, SND_CLAIM_MAX_LEN, 0))
		bad = "sub";
	else if (!roll_text_ok(e->ent, SND_CLAIM_MAX_LEN, 0))
		bad = "entity";
	else if (!roll_text_ok(e->jti, SND_CLAIM_MAX_LEN, 0))
		bad = "jti";
	else if (!attrs_ok(e->attrs))
		bad = "attrs (a JSON object of strings)";
	else if (e->role == NULL ||
	         (strcmp(e->role, "delegate") != 0 && strcmp(e->role, "chair") != 0))
		bad = "role (delegate or chair)";
	else if (!roll_text_ok(e->email, SND_MAIL_ADDR_MAX, 1))
		bad = "email";
	else if (!roll_text_ok(e->lang, 35, 1))
		bad = "lang";
	if (bad != NULL) {
		char m[120];
		snprintf(m, sizeof m, "roll: the %s is empty, too long or malformed", bad);
		return fail_msg(s, SND_EINVAL, m);
	}
	return SND_OK;
}

enum snd_err snd_store_roll_add(struct snd_store *s, const struct snd_roll_entry *e, int *added)
{
	sqlite3_stmt *st;
	enum snd_err err;
	int rc;
	if (s->mode != SND_STORE_WRITE)
		return fail_msg(s, SND_EINVAL, "opened read-only");
	if ((err = check_entry(s, e)) != SND_OK)
		return err;
	if ((st = stmt(s, ST_ROLL_GET)) == NULL)
		return SND_EDB;
	bind_text(st, 1, e->jti);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		/* Invariant 2: the same link again is no change. */
		const char *field = NULL;
		if (strcmp(col_text(st, 0), e->qid) != 0)
			field = "questionnaire";
		else if (strcmp(col_text(st, 1), e->sub) != 0)
			field = "delegate id";
		else if (strcmp(col_text(st, 2), e->ent) != 0)
			field = "entity";
		else if (strcmp(col_text(st, 3), e->attrs) != 0)
			field = "attributes";
		else if (strcmp(col_text(st, 4), e->role) != 0)
			field = "role";
		else if (sqlite3_column_int64(st, 5) != e->expires)
			field = "expiry";
		else if (strcmp(col_text(st, 6), e->email) != 0)
			field = "email";
		else if (strcmp(col_text(st, 7), e->lang) != 0)
			field = "lang";
		done(st);
		if (field != NULL) {
			char m[200];
			snprintf(m, sizeof m,
			         "roll: token id %.80s is already on the roll with another %s", e->jti,
			         field);
			return fail_msg(s, SND_EEXIST, m);
		}
		*added = 0;
		return SND_OK;
	}
	if ((err = finish(s, st, rc)) != SND_OK)
		return err;
	if ((st = stmt(s, ST_ROLL_INSERT)) == NULL)
		return SND_EDB;
	bind_text(st, 1, e->jti);
	bind_text(st, 2, e->qid);
	bind_text(st, 3, e->sub);
	bind_text(st, 4, e->ent);
	bind_text(st, 5, e->attrs);
	bind_text(st, 6, e->role);
	sqlite3_bind_int64(st, 7, e->expires);
	bind_text(st, 8, e->email);
	bind_text(st, 9, e->lang);
	sqlite3_bind_int64(st, 10, e->issued_at);
	if ((err = run(s, st)) != SND_OK)
		return err;
	*added = 1;
	return SND_OK;
}

/* Fills e from a row of ST_ROLL_EACH or ST_ROLL_TURNOUT (the same
 * columns); e points into st. */
static void roll_read(sqlite3_stmt *st, struct snd_roll_entry *e)
{
	e->qid = col_text(st, 0);
	e->sub = col_text(st, 1);
	e->ent = col_text(st, 2);
	e->attrs = col_text(st, 3);
	e->role = col_text(st, 4);
	e->jti = col_text(st, 5);
	e->expires = sqlite3_column_int64(st, 6);
	e->email = col_text(st, 7);
	e->lang = col_text(st, 8);
	e->issued_at = sqlite3_column_int64(st, 9);
	e->revoked = sqlite3_column_int(st, 10) != 0;
	e->answered = sqlite3_column_int(st, 11) != 0;
}

enum snd_err snd_store_roll_each(struct snd_store *s, const char *qid, const char *sub,
                                 snd_roll_cb cb, void *ctx)
{
	sqlite3_stmt *st = stmt(s, ST_ROLL_EACH);
	int rc;
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	if (sub != NULL)
		bind_text(st, 2, sub);
	else
		sqlite3_bind_null(st, 2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct snd_roll_entry e;
		roll_read(st, &e);
		if (cb(ctx, &e) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return finish(s, st, rc);
}

/* *has 1 when the database has the roll table (ST_HAS_ROLL: it arrives
 * with a later schema step, so it is asked for, not assumed). */
static enum snd_err has_roll(struct snd_store *s, int *has)
{
	sqlite3_stmt *st = stmt(s, ST_HAS_ROLL);
	enum snd_err e;
	*has = 0;
	if (st == NULL)
		return SND_EDB;
	if ((e = step_row(s, st)) != SND_OK)
		return e;
	*has = sqlite3_column_int(st, 0);
	done(st);
	return SND_OK;
}

enum snd_err snd_store_invited(struct snd_store *s, const char *qid, int64_t *invited,
                               int *found)
{
	sqlite3_stmt *q = NULL;
	enum snd_err e;
	int has;
	*invited = 0;
	*found = 0;
	if ((e = has_roll(s, &has)) != SND_OK || !has)
		return e;
	if ((e = store_prepare_once(s, ST_ROLL_INVITED, &q)) != SND_OK)
		return e;
	bind_text(q, 1, qid);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*invited = sqlite3_column_int64(q, 0);
		*found = *invited > 0; /* links issued elsewhere, never imported: no roll */
		e = SND_OK;
	} else {
		e = fail_db(s, rc);
	}
	sqlite3_finalize(q);
	return e;
}

/* Turnout's walk (ST_ROLL_TURNOUT): one statement, so one snapshot of the
 * roll, the revocations and the revisions together. */
enum snd_err snd_store_roll_turnout(struct snd_store *s, const char *qid, int attributed,
                                    snd_roll_cb cb, void *ctx, int *found)
{
	sqlite3_stmt *q = NULL;
	enum snd_err e;
	int rc, has;
	*found = 0;
	if ((e = has_roll(s, &has)) != SND_OK || !has)
		return e;
	if ((e = store_prepare_once(s, ST_ROLL_TURNOUT, &q)) != SND_OK)
		return e;
	bind_text(q, 1, qid);
	sqlite3_bind_int(q, 2, attributed != 0);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct snd_roll_entry r;
		*found = 1;
		roll_read(q, &r);
		if (cb(ctx, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	e = rc == SQLITE_DONE ? SND_OK : fail_db(s, rc);
	sqlite3_finalize(q);
	return e;
}

/* --------------------------------------------------------------- mail log */

enum snd_err snd_store_mail_record(struct snd_store *s, const char *qid, const char *sub,
                                   const char *kind, const char *message_id, int64_t now)
{
	sqlite3_stmt *st;
	if (s->mode != SND_STORE_WRITE)
		return fail_msg(s, SND_EINVAL, "opened read-only");
	if (!roll_text_ok(qid, SND_ID_MAX, 0) || !roll_text_ok(sub, SND_CLAIM_MAX_LEN, 0) ||
	    !roll_text_ok(kind, 16, 0) || !roll_text_ok(message_id, SND_MAIL_MSGID_MAX, 0))
		return fail_msg(s, SND_EINVAL, "mail log: a field is empty, too long or malformed");
	if ((st = stmt(s, ST_MAIL_RECORD)) == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	bind_text(st, 2, sub);
	bind_text(st, 3, kind);
	bind_text(st, 4, message_id);
	sqlite3_bind_int64(st, 5, now);
	return run(s, st);
}

enum snd_err snd_store_mail_count(struct snd_store *s, const char *qid, const char *sub,
                                  const char *kind, int64_t *count)
{
	sqlite3_stmt *st = stmt(s, ST_MAIL_COUNT);
	enum snd_err e;
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	bind_text(st, 2, sub);
	bind_text(st, 3, kind);
	if ((e = step_row(s, st)) != SND_OK)
		return e;
	*count = sqlite3_column_int64(st, 0);
	done(st);
	return SND_OK;
}
