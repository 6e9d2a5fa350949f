/* ratelimit.h - the revision rate limit (serve --revision-rate): a token
 * bucket per delegate and questionnaire, in memory, bounded (ratelimit.c).
 */
#ifndef SND_RATELIMIT_H
#define SND_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* A limiter of per_minute revisions per minute with a burst of per_minute
 * (per_minute > 0).  NULL when out of memory. */
struct ratelimit *ratelimit_new(unsigned per_minute);
/* NULL is ok. */
void ratelimit_free(struct ratelimit *rl);

/* Takes one revision from the bucket of (form, sub) at now_us (a monotonic
 * clock): 1 when there was one; else 0, nothing taken, and *retry_s the
 * whole seconds until there is one (at least 1). */
int ratelimit_take(struct ratelimit *rl, size_t form, const char *sub, int64_t now_us,
                   unsigned *retry_s);

#endif
