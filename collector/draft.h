/* draft.h - the delegate's drafts, shared by the form (delegate.c) and the
 * API (api.c): see draft.c's invariants. */
#ifndef SND_DRAFT_H
#define SND_DRAFT_H

#include "request.h"

/* The authenticated delegate's draft (draft_free it). */
struct draft {
	int found;
	int64_t saved_at_ms;
	char *answers;          /* canonical JSON, NUL-terminated */
	size_t answers_len;
};
/* 0 ok (d->found says if there is one), -1 the database failed. */
int draft_load(struct req *r, struct draft *d);
void draft_free(struct draft *d);
/* Stores clean (checked by snd_form_check_draft) as the delegate's draft,
 * committed before it returns 0 (*saved_at_ms set); -1 when it was not
 * stored (the caller answers 503). */
int draft_save(struct req *r, const cJSON *clean, int64_t *saved_at_ms);
/* 1 when the draft should fill the form: it is newer than the delegate's
 * latest revision (l may have found none). */
int draft_newer(const struct draft *d, const struct latest *l);

#endif
