/* fuzz_token.c - libFuzzer harness for core/paseto.c and core/claims.c.
 *
 * Feeds the same input to every token-side parser and checks properties
 * that must hold for any input, not just "does not crash":
 *   - snd_paseto_verify under a fixed key never accepts a token it did not
 *     sign (the input is never a valid signature by chance);
 *   - a payload signed here verifies and comes back byte for byte;
 *   - snd_b64url_decode accepts only canonical text (re-encoding gives the
 *     input back);
 *   - snd_time_parse -> snd_time_format -> snd_time_parse is stable;
 *   - claims that parse serialise and parse again to the same claims, and
 *     snd_claims_parse (with its cJSON-free fast path) answers exactly as
 *     snd_claims_parse_general does: same code, message and claims;
 *   - PASERK parsers never crash and round-trip what they accept.
 */
#include "sounding.h"
#include "json_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t pk[SND_PK_BYTES], sk[SND_SK_BYTES];
static int ready;

static void init(void)
{
	uint8_t seed[32];
	if (ready)
		return;
	if (sodium_init() < 0)
		abort();
	memset(seed, 7, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	ready = 1;
}

static void check_b64(const char *s, size_t n)
{
	uint8_t *dec = NULL;
	size_t len = 0;
	char *enc;
	if (snd_b64url_decode(s, n, &dec, &len) != SND_OK)
		return;
	enc = snd_b64url_encode(dec, len);
	if (enc == NULL || strlen(enc) != n || memcmp(enc, s, n) != 0)
		abort(); /* accepted a non-canonical spelling */
	free(enc);
	free(dec);
}

static void check_time(const char *s)
{
	int64_t t, back;
	char out[21];
	if (snd_time_parse(s, &t) != SND_OK)
		return;
	snd_time_format(t, out);
	if (t >= -62167219200 && t <= 253402300799) {
		if (snd_time_parse(out, &back) != SND_OK || back != t)
			abort();
	}
}

static void check_claims(const char *s, size_t n)
{
	struct snd_claims c, d, g;
	char err[256], gerr[256], *j, *gj;
	enum snd_err rc = snd_claims_parse(s, n, &c, err, sizeof err);
	if (snd_claims_parse_general(s, n, &g, gerr, sizeof gerr) != rc)
		abort(); /* the fast path disagrees with the general one */
	if (rc != SND_OK) {
		if (strcmp(err, gerr) != 0)
			abort();
		return;
	}
	j = snd_claims_json(&c);
	gj = snd_claims_json(&g);
	if (j == NULL || gj == NULL || strcmp(j, gj) != 0 || c.iat != g.iat || c.nattrs != g.nattrs)
		abort();
	free(gj);
	snd_claims_free(&g);
	if (j == NULL)
		abort();
	if (snd_claims_parse(j, strlen(j), &d, err, sizeof err) != SND_OK)
		abort();
	if (strcmp(c.aud, d.aud) || strcmp(c.sub, d.sub) || strcmp(c.jti, d.jti) ||
	    strcmp(c.ent, d.ent) || c.role != d.role || c.nattrs != d.nattrs ||
	    c.has_exp != d.has_exp || c.has_nbf != d.has_nbf)
		abort();
	(void)snd_claims_check_time(&c, 0);
	free(j);
	snd_claims_free(&c);
	snd_claims_free(&d);
}

static void check_paserk(const char *s)
{
	uint8_t k[SND_SK_BYTES], k2[SND_PK_BYTES];
	char pub[SND_PASERK_PUBLIC_LEN + 1], sec[SND_PASERK_SECRET_LEN + 1];
	if (snd_paserk_parse_public(s, k) == SND_OK) {
		snd_paserk_public(k, pub);
		if (snd_paserk_parse_public(pub, k2) != SND_OK || memcmp(k, k2, SND_PK_BYTES) != 0)
			abort();
	}
	if (snd_paserk_parse_secret(s, k) == SND_OK) {
		snd_paserk_secret(k, sec);
		sodium_memzero(sec, sizeof sec);
	}
}

static void check_paseto(const char *s, size_t n)
{
	char *p = NULL, *f = NULL, *tok = NULL, why[256];
	size_t plen = 0;
	if (snd_paseto_verify_why(pk, s, n, NULL, &p, &plen, &f, why, sizeof why) == SND_OK) {
		/* Only if the input is a token this key signed: re-signing the
		 * same payload and footer must give the same (deterministic) token. */
		if (snd_paseto_sign(sk, p, plen, f, NULL, &tok) != SND_OK || strlen(tok) != n ||
		    memcmp(tok, s, n) != 0)
			abort();
		free(tok);
		tok = NULL;
	}
	free(p);
	free(f);
	p = f = NULL;
	/* Sign the input as a payload: it must verify and come back intact. */
	if (n <= 1024 && snd_paseto_sign(sk, s, n, "{\"kid\":\"x\"}", "ia", &tok) == SND_OK) {
		if (snd_paseto_verify(pk, tok, strlen(tok), "ia", &p, &plen, &f) != SND_OK ||
		    plen != n || memcmp(p, s, n) != 0 || strcmp(f, "{\"kid\":\"x\"}") != 0)
			abort();
		if (snd_paseto_verify(pk, tok, strlen(tok), "ib", NULL, NULL, NULL) != SND_ESIG)
			abort();
		free(tok);
		free(p);
		free(f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	init();
	if (size > 16384)
		return 0;
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_paseto(s, size);
	check_claims(s, size);
	check_b64(s, size);
	if (memchr(s, '\0', size) == NULL) {
		check_time(s);
		check_paserk(s);
	}
	free(s);
	return 0;
}
