/* auth.c - token verification for the collector, with a bounded cache.
 *
 * A delegate who revises sends the same token many times; an Ed25519 verify
 * costs ~50 us, a cache hit a BLAKE2b and a lock.  The cache maps a keyed
 * BLAKE2b-128 of the token text to the parsed, verified claims.
 *
 * Invariants:
 *   1. Only tokens whose signature verified, whose claims parsed and whose
 *      aud names a loaded questionnaire enter the cache.  Nothing that can
 *      change with time (exp, nbf, revocation) is decided at cache time:
 *      auth_check runs on every request, so a revoked token stops at once.
 *   2. The cache is direct-mapped with CACHE_SLOTS slots (a colliding entry
 *      replaces the old one): memory is bounded whatever clients send.
 *      Slots are guarded by CACHE_STRIPES mutexes (slot % stripes).
 *   3. A struct auth is immutable after it is published; holders share it
 *      by reference count, the last auth_release frees it.
 *   4. The hash key is random per process, so nobody can aim collisions.
 */
#include "auth.h"
#include "metrics.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 65536u /* power of two */
#define CACHE_STRIPES 64u

struct slot {
	uint8_t key[16];
	struct auth *a;
};

struct token_cache {
	uint8_t hkey[crypto_generichash_KEYBYTES];
	pthread_mutex_t locks[CACHE_STRIPES];
	struct slot slots[CACHE_SLOTS];
};

struct token_cache *auth_cache_new(void)
{
	struct token_cache *tc = calloc(1, sizeof *tc);
	size_t i;
	if (tc == NULL)
		return NULL;
	randombytes_buf(tc->hkey, sizeof tc->hkey);
	for (i = 0; i < CACHE_STRIPES; i++)
		pthread_mutex_init(&tc->locks[i], NULL);
	return tc;
}

static void auth_free(struct auth *a)
{
	snd_claims_free(&a->c);
	free(a->store_sub);
	free(a->attrs_json);
	free(a);
}

void auth_release(struct auth *a)
{
	if (a != NULL && atomic_fetch_sub(&a->refs, 1) == 1)
		auth_free(a);
}

void auth_cache_free(struct token_cache *tc)
{
	size_t i;
	if (tc == NULL)
		return;
	for (i = 0; i < CACHE_SLOTS; i++)
		auth_release(tc->slots[i].a);
	for (i = 0; i < CACHE_STRIPES; i++)
		pthread_mutex_destroy(&tc->locks[i]);
	free(tc);
}

void auth_derive_csrf_key(const uint8_t receipt_sk[SND_SK_BYTES], uint8_t key[32])
{
	static const char ctx[] = "sounding collector csrf key v1";
	/* The seed half of the Ed25519 secret key keys the derivation. */
	crypto_generichash(key, 32, (const unsigned char *)ctx, sizeof ctx - 1, receipt_sk, 32);
}

static void csrf_value(const uint8_t key[32], const char *qid, const char *jti, char out[33])
{
	crypto_generichash_state st;
	uint8_t mac[16];
	crypto_generichash_init(&st, key, 32, sizeof mac);
	crypto_generichash_update(&st, (const unsigned char *)"csrf\n", 5);
	crypto_generichash_update(&st, (const unsigned char *)qid, strlen(qid));
	crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
	crypto_generichash_update(&st, (const unsigned char *)jti, strlen(jti));
	crypto_generichash_final(&st, mac, sizeof mac);
	sodium_bin2hex(out, 33, mac, sizeof mac);
}

int auth_csrf_eq(const char *want, const char *posted)
{
	if (posted == NULL || strlen(posted) != 32)
		return 0;
	return sodium_memcmp(want, posted, 32) == 0;
}

int auth_csrf_ok(const struct auth *a, const char *posted)
{
	return auth_csrf_eq(a->csrf, posted);
}

void auth_switch_csrf(const struct srv *s, const struct auth *a, const char *current,
                      char out[33])
{
	crypto_generichash_state st;
	uint8_t mac[16];
	const char *cur = current ? current : "";
	crypto_generichash_init(&st, s->csrf_key, 32, sizeof mac);
	crypto_generichash_update(&st, (const unsigned char *)"switch\n", 7);
	crypto_generichash_update(&st, (const unsigned char *)a->c.aud, strlen(a->c.aud));
	crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
	crypto_generichash_update(&st, (const unsigned char *)a->c.jti, strlen(a->c.jti));
	crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
	crypto_generichash_update(&st, (const unsigned char *)cur, strlen(cur));
	crypto_generichash_final(&st, mac, sizeof mac);
	sodium_bin2hex(out, 33, mac, sizeof mac);
}

static int find_form(const struct srv *s, const char *qid, size_t *idx)
{
	size_t i;
	for (i = 0; i < s->nforms; i++)
		if (strcmp(s->forms[i]->id, qid) == 0) {
			*idx = i;
			return 1;
		}
	return 0;
}

char *auth_attrs_json(const struct snd_claims *c)
{
	struct snd_buf b;
	size_t i;
	snd_buf_init(&b, 0);
	snd_buf_putc(&b, '{');
	for (i = 0; i < c->nattrs; i++) {
		if (i)
			snd_buf_putc(&b, ',');
		snd_buf_json_str(&b, c->attrs[i].key);
		snd_buf_putc(&b, ':');
		snd_buf_json_str(&b, c->attrs[i].value);
	}
	snd_buf_putc(&b, '}');
	if (b.failed) {
		snd_buf_free(&b);
		return NULL;
	}
	return snd_buf_steal(&b, NULL);
}

/* Verifies and parses a token that was not in the cache. */
static enum snd_err build(struct srv *s, const char *token, size_t len, struct auth **out,
                          char *why, size_t whylen)
{
	struct auth *a = NULL;
	char *payload = NULL;
	size_t plen = 0;
	enum snd_err rc;
	char pseud[33];

	rc = snd_paseto_verify(s->issuer_pk, token, len, NULL, &payload, &plen, NULL);
	if (rc != SND_OK) {
		rc = rc == SND_ESIG ? SND_ESIG : SND_ETOKEN;
		goto fail;
	}
	if ((a = calloc(1, sizeof *a)) == NULL) {
		rc = SND_ENOMEM;
		goto fail;
	}
	rc = snd_claims_parse(payload, plen, &a->c, why, whylen);
	if (rc != SND_OK) {
		free(a);
		a = NULL;
		rc = rc == SND_ENOMEM ? SND_ENOMEM : SND_EINVAL;
		goto fail;
	}
	if (!find_form(s, a->c.aud, &a->form)) {
		rc = SND_EAUDIENCE;
		goto fail;
	}
	if (s->forms[a->form]->anonymity == SND_PSEUDONYMOUS) {
		snd_pseudonym(s->receipt_sk, a->c.aud, a->c.sub, pseud);
		a->store_sub = strdup(pseud);
	} else {
		a->store_sub = strdup(a->c.sub);
	}
	a->attrs_json = auth_attrs_json(&a->c);
	if (a->store_sub == NULL || a->attrs_json == NULL) {
		rc = SND_ENOMEM;
		goto fail;
	}
	csrf_value(s->csrf_key, a->c.aud, a->c.jti, a->csrf);
	atomic_init(&a->refs, 1);
	free(payload);
	*out = a;
	return SND_OK;

fail:
	if (a != NULL) {
		snd_claims_free(&a->c);
		free(a->store_sub);
		free(a->attrs_json);
		free(a);
	}
	free(payload);
	return rc;
}

enum snd_err auth_verify(struct srv *s, const char *token, size_t len, struct auth **out,
                         char *why, size_t whylen)
{
	struct token_cache *tc = s->tokens;
	uint8_t key[16];
	uint32_t idx;
	pthread_mutex_t *lk;
	struct auth *a, *old;
	enum snd_err rc;
	size_t i;

	if (why && whylen)
		why[0] = '\0';
	if (len == 0 || len > AUTH_TOKEN_MAX || strncmp(token, "v4.public.", len < 10 ? len : 10) != 0 ||
	    len <= 10)
		return SND_ETOKEN;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)token[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return SND_ETOKEN;
	}
	crypto_generichash(key, sizeof key, (const unsigned char *)token, len, tc->hkey,
	                   sizeof tc->hkey);
	memcpy(&idx, key, sizeof idx);
	idx &= CACHE_SLOTS - 1;
	lk = &tc->locks[idx % CACHE_STRIPES];

	pthread_mutex_lock(lk);
	a = tc->slots[idx].a;
	if (a != NULL && sodium_memcmp(tc->slots[idx].key, key, sizeof key) == 0) {
		atomic_fetch_add(&a->refs, 1);
		pthread_mutex_unlock(lk);
		metrics_token_cache(1);
		*out = a;
		return SND_OK;
	}
	pthread_mutex_unlock(lk);
	metrics_token_cache(0);

	rc = build(s, token, len, &a, why, whylen);
	if (rc != SND_OK)
		return rc;
	atomic_fetch_add(&a->refs, 1); /* one for the cache, one for the caller */
	pthread_mutex_lock(lk);
	old = tc->slots[idx].a;
	tc->slots[idx].a = a;
	memcpy(tc->slots[idx].key, key, sizeof key);
	pthread_mutex_unlock(lk);
	auth_release(old);
	*out = a;
	return SND_OK;
}

enum snd_err auth_check(const struct auth *a, struct snd_store *rd, int64_t now)
{
	enum snd_err rc;
	int revoked = 0;
	rc = snd_claims_check_time(&a->c, now);
	if (rc != SND_OK)
		return rc;
	if (snd_store_is_revoked(rd, a->c.jti, &revoked) != SND_OK)
		return SND_EDB;
	return revoked ? SND_EREVOKED : SND_OK;
}
