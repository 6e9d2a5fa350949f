/* auth.h - delegate and chair tokens as the collector sees them: signature
 * and claims checked once and cached, times and revocation checked on every
 * request, the anti-CSRF value of a session.
 */
#ifndef SND_AUTH_H
#define SND_AUTH_H

#include "srv.h"

#include <stdatomic.h>

/* Longest token accepted at all (claims with many attrs fit easily). */
#define AUTH_TOKEN_MAX 4096

/* A verified token: immutable once published in the cache; shared by
 * reference count. */
struct auth {
	atomic_int refs;
	struct snd_claims c;
	size_t form;          /* index of c.aud in srv->forms */
	char *store_sub;      /* the sub stored with answers: pseudonym when the form says so */
	char *attrs_json;     /* c.attrs as a JSON object text */
	char csrf[33];        /* hex BLAKE2b-128 of "csrf\n" aud "\n" jti */
};

struct token_cache;

struct token_cache *auth_cache_new(void);
void auth_cache_free(struct token_cache *tc);

/* Verifies token[0..len) (signature with the issuer key, claim set, aud is a
 * loaded questionnaire), from the cache when it was seen before.  On SND_OK
 * *out holds a reference (auth_release it).  Errors: SND_ETOKEN (malformed
 * or too long), SND_ESIG (signature), SND_EINVAL (claims: *why says which),
 * SND_EAUDIENCE (no such questionnaire here), SND_ENOMEM. */
enum snd_err auth_verify(struct srv *s, const char *token, size_t len, struct auth **out,
                         char *why, size_t whylen);

/* The checks that can change between requests: nbf/exp against now and
 * revocation on the reader connection rd.  SND_OK, SND_EEXPIRED,
 * SND_ENOTYET, SND_EREVOKED, or SND_EDB when rd failed. */
enum snd_err auth_check(const struct auth *a, struct snd_store *rd, int64_t now);

void auth_release(struct auth *a);

/* The attrs of a claim set as the JSON object text stored with each
 * revision (key order kept), which the roll stores too (cmd_issue.c,
 * cmd_roll.c) so the two compare as bytes; malloc'ed, NULL when out of
 * memory. */
char *auth_attrs_json(const struct snd_claims *c);

/* Constant-time comparison of a posted _csrf value with a's; 1 when equal. */
int auth_csrf_ok(const struct auth *a, const char *posted);

/* The anti-CSRF value of "continue as the delegate of a" on the page that
 * asks before replacing a session (delegate.c): hex BLAKE2b-128 under the
 * CSRF key of "switch\n" aud "\n" jti "\n" current, where current is the
 * session cookie's text as the browser sent it ("" when none).  Bound to
 * both, so a page made for one session cannot switch another, and nobody
 * without the server's key and the victim's cookie can forge it. */
void auth_switch_csrf(const struct srv *s, const struct auth *a, const char *current,
                      char out[33]);
/* Constant-time comparison of two 32-hex-digit values; 1 when equal. */
int auth_csrf_eq(const char *want, const char *posted);

/* Derives the CSRF key from the receipt secret key. */
void auth_derive_csrf_key(const uint8_t receipt_sk[SND_SK_BYTES], uint8_t key[32]);

#endif
