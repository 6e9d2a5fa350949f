/* draft.c - the delegate's drafts: partial answers kept between visits
 * until they submit (interface.md, "Operations").  The form's "Save draft"
 * button (delegate.c) and POST /api/v1/questionnaires/QID/draft (api.c)
 * save through here; the form page and the API read through here.
 *
 * Why drafts do not go through the writer thread: a draft is not a
 * revision (no rev, no receipt, no chain link), so the writer's
 * reservation of revs, its signing and its chain head have nothing to do
 * for it, and writer.c's queue item is a revision.  A save is instead one
 * short IMMEDIATE transaction (an upsert of one row) on this thread's own
 * write connection (srv_drafter, readers.c).  SQLite's write lock orders it
 * with the writer's batches (each waits up to the busy timeout for the
 * other), the writer re-reads the chain head under that lock (store.c
 * invariant 3) and a draft never touches the chain anyway; the commit is
 * synchronous=FULL in WAL mode like the writer's, so a draft is durable
 * before the 200 or 303 that says it is saved.  The cost is one fsync per
 * save, not shared with other saves: drafts are rare next to submissions
 * (a delegate saves a few times per questionnaire).
 *
 * Invariants:
 *   1. A draft is checked (snd_form_check_draft: every check but the
 *      completeness rules) before it is stored: nothing invalid is kept.
 *   2. Stored as canonical JSON, the same text a revision of the same
 *      answers would hold, so a draft refills the form like a revision.
 *   3. Committed before draft_save returns 0 (store_draft.c invariant 3).
 *   4. A submission deletes the draft in the transaction of its revision
 *      (store_write.c invariant 7); a draft saved after that submission is
 *      newer than it and is what the form shows next.
 */
#include "draft.h"

#include "auth.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int draft_load(struct req *r, struct draft *d)
{
	struct snd_store *rd = srv_reader(r->s);
	memset(d, 0, sizeof *d);
	if (rd == NULL || snd_store_draft(rd, form_of(r)->id, r->auth->store_sub, &d->answers,
	                                  &d->answers_len, &d->saved_at_ms, &d->found) != SND_OK) {
		memset(d, 0, sizeof *d);
		return -1;
	}
	return 0;
}

void draft_free(struct draft *d)
{
	free(d->answers);
	d->answers = NULL;
}

int draft_save(struct req *r, const cJSON *clean, int64_t *saved_at_ms)
{
	struct snd_store *w = srv_drafter(r->s);
	struct snd_buf canon;
	char hash[65];
	int64_t at = now_ms();
	int ok;

	if (w == NULL)
		return -1;
	snd_buf_init(&canon, 0);
	ok = snd_answers_hash(clean, &canon, hash) == SND_OK && !canon.failed &&
	     snd_store_put_draft(w, form_of(r)->id, r->auth->store_sub,
	                         canon.data ? canon.data : "{}", canon.len, at) == SND_OK;
	if (!ok) /* never the answers: the store's message only */
		snd_log(SND_LOG_ERROR, "draft not saved: %s", snd_store_errmsg(w));
	snd_buf_free(&canon);
	if (!ok)
		return -1;
	*saved_at_ms = at;
	return 0;
}

int draft_newer(const struct draft *d, const struct latest *l)
{
	return d->found && (!l->found || d->saved_at_ms >= l->submitted_at);
}
