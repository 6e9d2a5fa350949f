/* store_sched.c - revocations and the schedule: what decides, on each
 * request, whether a token still counts and whether a questionnaire is open.
 *
 * This file owns the revoked and schedule tables' rows (migrations 1, 3
 * and 7 in store.c), the revocation chain (snd_revocation_link) and the
 * effective window of a questionnaire: the schedule row if there is one,
 * else the form's own opens/closes.
 *
 * Invariants:
 *   1. A revocation is never removed, and revoking twice keeps the first
 *      time (ON CONFLICT DO NOTHING): the change counter only grows.
 *   2. A schedule row replaces the form's window as a whole (store
 *      invariant 7); NULL bounds mean "no bound on that side".
 *   3. Schedule times are stored in milliseconds and read back in seconds
 *      rounded down (ms_to_s), so a bound never moves later than it was
 *      set, also before 1970.
 *   4. Both are read straight from the database on every call, so a row
 *      written by another process counts at once.
 *   5. Revocations are a hash chain (store invariant 2's rule on their own
 *      rows): seq dense from 1, prev = the link of seq - 1 (64 zeros for
 *      the first), link = snd_revocation_link.  The head is read from the
 *      table inside the write transaction on every revoke (revocations
 *      are rare), in the row's own savepoint, so two writers cannot fork
 *      it and a failed revoke leaves the batch as it was.
 */
#include "store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------- revocation */

void snd_revocation_link(const struct snd_revocation *r, char out[65])
{
	char num[2][24];
	const char *part[4];

	snprintf(num[0], sizeof num[0], "%" PRId64, r->seq);
	snprintf(num[1], sizeof num[1], "%" PRId64, r->revoked_at);
	part[0] = r->prev;
	part[1] = num[0];
	part[2] = r->jti;
	part[3] = num[1];
	store_link(part, NULL, 4, out);
}

enum snd_err snd_store_revoke(struct snd_store *s, const char *jti, int64_t now)
{
	struct snd_revocation v;
	sqlite3_stmt *st;
	char prev[65], link[65];
	int own = 0, rc;
	enum snd_err e;

	if (s->mode != SND_STORE_WRITE)
		return fail_msg(s, SND_EINVAL, "opened read-only");
	if (!text_ok(jti, 4096) || jti[0] == '\0' || strchr(jti, '\n') != NULL)
		return fail_msg(s, SND_EINVAL, "revoke: the token id is empty or malformed");
	if ((e = store_row_begin(s, &own)) != SND_OK)
		return e;
	/* Invariant 1: revoking again keeps the first record. */
	if ((st = stmt(s, ST_IS_REVOKED)) == NULL) {
		e = SND_EDB;
		goto end;
	}
	bind_text(st, 1, jti);
	rc = sqlite3_step(st);
	if ((e = finish(s, st, rc)) != SND_OK)
		goto end;
	if (rc == SQLITE_ROW)
		goto end;
	memset(&v, 0, sizeof v);
	/* the chain head inside the write transaction (invariant 5) */
	if ((e = store_chain_head(s, ST_REVOKED_HEAD, "the last revocation's link is malformed", &v.seq, prev)) != SND_OK)
		goto end;
	v.seq++;
	v.jti = jti;
	v.revoked_at = now;
	v.prev = prev;
	snd_revocation_link(&v, link);
	if ((st = stmt(s, ST_REVOKE)) == NULL) {
		e = SND_EDB;
		goto end;
	}
	bind_text(st, 1, jti);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, v.seq);
	bind_text(st, 4, prev);
	bind_text(st, 5, link);
	e = run(s, st);
end:
	return store_row_end(s, own, e);
}

enum snd_err snd_store_each_revocation(struct snd_store *s, snd_revocation_cb cb, void *ctx)
{
	sqlite3_stmt *st = stmt(s, ST_REVOKED_EACH);
	int rc;
	if (st == NULL)
		return SND_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct snd_revocation v;
		v.seq = sqlite3_column_int64(st, 0);
		v.jti = col_text(st, 1);
		v.revoked_at = sqlite3_column_int64(st, 2);
		v.prev = col_text(st, 3);
		v.link = col_text(st, 4);
		if (cb(ctx, &v) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return finish(s, st, rc);
}

enum snd_err snd_store_is_revoked(struct snd_store *s, const char *jti, int *revoked)
{
	sqlite3_stmt *st = stmt(s, ST_IS_REVOKED);
	int rc;
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, jti);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		*revoked = rc == SQLITE_ROW;
	return finish(s, st, rc);
}

/* ---------------------------------------------------------------- schedule */

static int64_t ms_to_s(int64_t ms)
{
	/* Floor, also before 1970: a bound never moves later than it was set. */
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

enum snd_err snd_store_set_window(struct snd_store *s, const char *qid, int has_opens,
                                  int64_t opens_ms, int has_closes, int64_t closes_ms,
                                  int64_t now)
{
	sqlite3_stmt *st;
	if (s->mode != SND_STORE_WRITE)
		return fail_msg(s, SND_EINVAL, "opened read-only");
	if (!text_ok(qid, SND_ID_MAX) || qid[0] == '\0')
		return fail_msg(s, SND_EINVAL, "schedule: the questionnaire id is empty or malformed");
	if ((st = stmt(s, ST_WINDOW_SET)) == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	if (has_opens)
		sqlite3_bind_int64(st, 2, opens_ms);
	else
		sqlite3_bind_null(st, 2);
	if (has_closes)
		sqlite3_bind_int64(st, 3, closes_ms);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, now);
	return run(s, st);
}

/* The schedule row of qid; *set_at 0 when there is none. */
static enum snd_err window_row(struct snd_store *s, const char *qid, int *has_opens,
                               int64_t *opens_ms, int *has_closes, int64_t *closes_ms,
                               int *found, int64_t *set_at)
{
	sqlite3_stmt *st = stmt(s, ST_WINDOW_GET);
	int rc;
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		*has_opens = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*opens_ms = *has_opens ? sqlite3_column_int64(st, 0) : 0;
		*has_closes = sqlite3_column_type(st, 1) != SQLITE_NULL;
		*closes_ms = *has_closes ? sqlite3_column_int64(st, 1) : 0;
		*set_at = sqlite3_column_int64(st, 2);
	} else if (rc == SQLITE_DONE) {
		*found = 0;
		*has_opens = *has_closes = 0;
		*opens_ms = *closes_ms = *set_at = 0;
	}
	return finish(s, st, rc);
}

enum snd_err snd_store_window(struct snd_store *s, const char *qid, int *has_opens,
                              int64_t *opens_ms, int *has_closes, int64_t *closes_ms,
                              int *found)
{
	int64_t set_at;
	return window_row(s, qid, has_opens, opens_ms, has_closes, closes_ms, found, &set_at);
}

enum snd_err snd_store_effective_window(struct snd_store *s, const struct snd_form *f,
                                        struct snd_window *w)
{
	int64_t o = 0, c = 0, set_at = 0;
	int ho = 0, hc = 0, found = 0;
	enum snd_err e = window_row(s, f->id, &ho, &o, &hc, &c, &found, &set_at);
	if (e != SND_OK)
		return e;
	snd_form_window(f, w);
	if (found) {
		w->overridden = 1;
		w->set_at_ms = set_at;
		w->has_opens = ho;
		w->opens = ho ? ms_to_s(o) : 0;
		w->has_closes = hc;
		w->closes = hc ? ms_to_s(c) : 0;
	}
	return SND_OK;
}

enum snd_err snd_store_schedule_get(struct snd_store *s, const char *qid,
                                    struct snd_schedule *out)
{
	struct snd_schedule r;
	enum snd_err e = window_row(s, qid, &r.has_opens, &r.opens_ms, &r.has_closes, &r.closes_ms,
	                            &r.found, &r.set_at_ms);
	if (e == SND_OK)
		*out = r;
	return e;
}
