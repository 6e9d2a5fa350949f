/* ratelimit.c - the revision rate limit: per (questionnaire, delegate), N
 * revisions a minute with a burst of N, as GCRA (the generic cell rate
 * algorithm, a token bucket kept as one timestamp: the "theoretical
 * arrival time" tat; the bucket is full when tat <= now).
 *
 * Invariants:
 *   1. Memory is fixed at creation: RL_SETS * RL_WAYS entries of 16 bytes
 *      (1 MiB), whatever clients send.  A delegate new to a full set takes
 *      the way whose bucket is fullest (smallest tat), so what eviction
 *      forgets is the least state there is; a delegate evicted starts again
 *      with a full bucket.  Only authenticated delegates reach the table
 *      (request.c checks the token first), so a flood needs many valid
 *      links, and even then costs memory nothing.
 *   2. Keys are SipHash-2-4 of the delegate's stored id under a random
 *      per-process key, mixed with the questionnaire's index: nobody can aim
 *      two delegates at one entry or one set.
 *   3. One lookup per submission under one of RL_STRIPES mutexes (set %
 *      stripes); no allocation after creation.
 *   4. The state is per process and lost on restart: the limit is a brake
 *      on a flood, not an account (max-revisions, in the store, is exact).
 */
#include "ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define RL_SETS 16384u /* power of two */
#define RL_WAYS 4u
#define RL_STRIPES 64u
#define MINUTE_US 60000000LL

struct rl_entry {
	uint64_t key; /* 0: free */
	int64_t tat;  /* microseconds; the bucket is full when tat <= now */
};

struct ratelimit {
	int64_t interval_us; /* one revision's worth of time: 60 s / N */
	int64_t burst_us;    /* N * interval: how far tat may run ahead of now */
	uint8_t hkey[crypto_shorthash_KEYBYTES];
	pthread_mutex_t locks[RL_STRIPES];
	struct rl_entry e[RL_SETS * RL_WAYS];
};

struct ratelimit *ratelimit_new(unsigned per_minute)
{
	struct ratelimit *rl;
	size_t i;
	if (per_minute == 0 || (rl = calloc(1, sizeof *rl)) == NULL)
		return NULL;
	rl->interval_us = MINUTE_US / per_minute;
	if (rl->interval_us < 1)
		rl->interval_us = 1;
	rl->burst_us = rl->interval_us * (int64_t)per_minute;
	randombytes_buf(rl->hkey, sizeof rl->hkey);
	for (i = 0; i < RL_STRIPES; i++)
		pthread_mutex_init(&rl->locks[i], NULL);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	size_t i;
	if (rl == NULL)
		return;
	for (i = 0; i < RL_STRIPES; i++)
		pthread_mutex_destroy(&rl->locks[i]);
	free(rl);
}

static uint64_t key_of(const struct ratelimit *rl, size_t form, const char *sub)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t k;
	crypto_shorthash(h, (const unsigned char *)sub, strlen(sub), rl->hkey);
	memcpy(&k, h, sizeof k);
	k ^= ((uint64_t)form + 1) * 0x9e3779b97f4a7c15ULL;
	return k ? k : 1;
}

int ratelimit_take(struct ratelimit *rl, size_t form, const char *sub, int64_t now_us,
                   unsigned *retry_s)
{
	uint64_t key = key_of(rl, form, sub);
	size_t set = (size_t)(key >> 32) & (RL_SETS - 1), i;
	struct rl_entry *ways = rl->e + set * RL_WAYS, *en = NULL;
	pthread_mutex_t *lk = &rl->locks[set % RL_STRIPES];
	int64_t tat, wait;
	int ok;

	pthread_mutex_lock(lk);
	for (i = 0; i < RL_WAYS; i++)
		if (ways[i].key == key) {
			en = &ways[i];
			break;
		}
	if (en == NULL) { /* invariant 1: a free way, else the fullest bucket */
		en = &ways[0];
		for (i = 0; i < RL_WAYS; i++) {
			if (ways[i].key == 0) {
				en = &ways[i];
				break;
			}
			if (ways[i].tat < en->tat)
				en = &ways[i];
		}
		en->key = key;
		en->tat = now_us;
	}
	tat = en->tat > now_us ? en->tat : now_us;
	tat += rl->interval_us;
	ok = tat - now_us <= rl->burst_us;
	if (ok)
		en->tat = tat;
	pthread_mutex_unlock(lk);
	if (!ok) {
		wait = tat - now_us - rl->burst_us;
		*retry_s = (unsigned)((wait + 999999) / 1000000);
		if (*retry_s == 0)
			*retry_s = 1;
	}
	return ok;
}
