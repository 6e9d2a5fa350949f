/* trend_int.h - internal to libsounding: what trend.c (rounds side by
 * side) and register.c (the objection register) share: the tracks that
 * match a question across rounds.
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_TREND_INT_H
#define SND_TREND_INT_H

#include "sounding.h"

/* One question followed across rounds: qi[r] is its index in forms[r]'s
 * questions, or -1 when round r does not ask it.  id is its id in the last
 * round that asks it (a string of that form). */
struct track {
	const char *id;
	enum snd_qtype type;   /* of the last round that asks it */
	int *qi;
};

/* Matches the questions of forms[0..n) (one series in round order): a
 * question of round r continues the track of round r-1's question whose
 * id is its "was" (or, without one, its own id).  Order: the last round's
 * questions in form order, then those dropped earlier, each in the order
 * of the round that last asked it.  On SND_OK *out (free with
 * tracks_free) has *nout tracks. */
enum snd_err tracks_make(const struct snd_form *const *forms, size_t n, struct track **out,
                         size_t *nout);
void tracks_free(struct track *t, size_t n);

#endif
