/* token_int.h - internal to libsounding: what the token modules share.
 * encoding.c owns base64url; paseto.c (tokens) and keys.c (PASERK) decode
 * and encode through the same strict table-driven routines, so there is one
 * definition of canonical base64url (encoding.c, invariant 1).  WHY() is
 * the refusal message of paseto.c and claims.c.
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_TOKEN_INT_H
#define SND_TOKEN_INT_H

#include "sounding.h"

#include <sodium.h>
#include <stdio.h>

/* libsodium's name for the only base64 the token modules use. */
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* Says why a token, key or claim set was refused, into the caller's
 * errbuf/errlen when it gave one (paseto.c, claims.c). */
#define WHY(...) ((errbuf && errlen) ? (void)snprintf(errbuf, errlen, __VA_ARGS__) : (void)0)

/* Characters of base64url without padding for n bytes. */
static inline size_t b64_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

/* Writes b64_len(n) characters and a NUL.  By table, so not constant
 * time: for public bytes only (tokens, signatures); keys go through
 * libsodium's constant-time encoder. */
void snd_b64url_encode_into(char *out, const uint8_t *p, size_t n);

/* Decodes exactly s[0..n) into buf (room for max bytes); 0 on success.
 * Only the URL-safe alphabet passes (so no padding, whitespace, NUL or
 * bytes >= 0x80); the bits after the last whole byte must be zero (so each
 * byte string has one spelling); a length of 1 mod 4 can never be
 * canonical. */
int snd_b64url_decode_into(const char *s, size_t n, uint8_t *buf, size_t max, size_t *outlen);

#endif
