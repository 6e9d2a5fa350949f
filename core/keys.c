/* keys.c - Ed25519 key pairs, their PASERK spellings (k4.public,
 * k4.secret, k4.pid) and key files.
 *
 * Owns: making keys, writing and parsing PASERK text, loading a key from
 * a file or from the command line.  No state; thread-safe once
 * sodium_init() has run (snd_keypair runs it itself).
 *
 * Invariants:
 *   1. A key is accepted only in its one canonical PASERK spelling (strict
 *      base64url, encoding.c); surrounding white space is the only slack.
 *   2. Key files are capped at KEY_FILE_MAX bytes before they are read.
 *   3. Every copy of secret key material (decoded PASERK bytes, key file
 *      text, derived key pairs) is wiped with sodium_memzero before it is
 *      freed or goes out of scope.
 *   4. Secret key bytes are encoded by libsodium's constant-time encoder,
 *      never by the table encoder.
 */
#include "token_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_FILE_MAX 4096

enum snd_err snd_keypair(uint8_t pk[SND_PK_BYTES], uint8_t sk[SND_SK_BYTES])
{
	if (sodium_init() < 0)
		return SND_EIO;
	if (crypto_sign_keypair(pk, sk) != 0)
		return SND_EIO;
	return SND_OK;
}

void snd_paserk_public(const uint8_t pk[SND_PK_BYTES], char out[SND_PASERK_PUBLIC_LEN + 1])
{
	memcpy(out, "k4.public.", 10);
	sodium_bin2base64(out + 10, SND_PASERK_PUBLIC_LEN + 1 - 10, pk, SND_PK_BYTES, B64_VARIANT);
}

void snd_paserk_secret(const uint8_t sk[SND_SK_BYTES], char out[SND_PASERK_SECRET_LEN + 1])
{
	memcpy(out, "k4.secret.", 10);
	sodium_bin2base64(out + 10, SND_PASERK_SECRET_LEN + 1 - 10, sk, SND_SK_BYTES, B64_VARIANT);
}

void snd_paserk_pid(const uint8_t pk[SND_PK_BYTES], char out[SND_PASERK_PID_LEN + 1])
{
	/* PASERK ID operation, v4: "k4.pid." || base64url(BLAKE2b-264(h || p))
	 * where p is the whole k4.public PASERK string. */
	char pub[SND_PASERK_PUBLIC_LEN + 1];
	uint8_t d[33];
	crypto_generichash_state st;
	snd_paserk_public(pk, pub);
	crypto_generichash_init(&st, NULL, 0, sizeof d);
	crypto_generichash_update(&st, (const unsigned char *)"k4.pid.", 7);
	crypto_generichash_update(&st, (const unsigned char *)pub, SND_PASERK_PUBLIC_LEN);
	crypto_generichash_final(&st, d, sizeof d);
	memcpy(out, "k4.pid.", 7);
	sodium_bin2base64(out + 7, SND_PASERK_PID_LEN + 1 - 7, d, sizeof d, B64_VARIANT);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims ASCII whitespace: s[*start..*end). */
static void trim(const char *s, size_t *start, size_t *end)
{
	size_t a = 0, b = strlen(s);
	while (a < b && is_space(s[a]))
		a++;
	while (b > a && is_space(s[b - 1]))
		b--;
	*start = a;
	*end = b;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

enum snd_err snd_paserk_parse_public(const char *s, uint8_t pk[SND_PK_BYTES])
{
	size_t a, b, n, got, i;
	uint8_t tmp[SND_PK_BYTES + 3];
	if (s == NULL || strnlen(s, KEY_FILE_MAX + 1) > KEY_FILE_MAX)
		return SND_EINVAL;
	trim(s, &a, &b);
	n = b - a;
	if (n == 64) {
		for (i = 0; i < 64; i++)
			if (!is_hex(s[a + i]))
				return SND_EINVAL;
		if (sodium_hex2bin(tmp, SND_PK_BYTES, s + a, 64, NULL, &got, NULL) != 0 ||
		    got != SND_PK_BYTES)
			return SND_EINVAL;
		memcpy(pk, tmp, SND_PK_BYTES);
		return SND_OK;
	}
	if (n != SND_PASERK_PUBLIC_LEN || memcmp(s + a, "k4.public.", 10) != 0)
		return SND_EINVAL;
	if (snd_b64url_decode_into(s + a + 10, n - 10, tmp, sizeof tmp, &got) != 0 || got != SND_PK_BYTES)
		return SND_EINVAL;
	memcpy(pk, tmp, SND_PK_BYTES);
	return SND_OK;
}

enum snd_err snd_paserk_parse_secret(const char *s, uint8_t sk[SND_SK_BYTES])
{
	size_t a, b, n, got = 0;
	uint8_t tmp[SND_SK_BYTES + 3];
	uint8_t pk2[SND_PK_BYTES], sk2[SND_SK_BYTES];
	enum snd_err e = SND_EINVAL;
	if (s == NULL || strnlen(s, KEY_FILE_MAX + 1) > KEY_FILE_MAX)
		return SND_EINVAL;
	trim(s, &a, &b);
	n = b - a;
	if (n != SND_PASERK_SECRET_LEN || memcmp(s + a, "k4.secret.", 10) != 0)
		goto fail;
	if (snd_b64url_decode_into(s + a + 10, n - 10, tmp, sizeof tmp, &got) != 0 || got != SND_SK_BYTES)
		goto fail;
	/* The second half must be the public key of the first (the seed). */
	if (sodium_init() < 0 || crypto_sign_seed_keypair(pk2, sk2, tmp) != 0) {
		e = SND_EIO;
		goto fail;
	}
	if (sodium_memcmp(pk2, tmp + 32, SND_PK_BYTES) != 0)
		goto fail;
	memcpy(sk, tmp, SND_SK_BYTES);
	e = SND_OK;
fail:
	sodium_memzero(tmp, sizeof tmp);
	sodium_memzero(sk2, sizeof sk2);
	return e;
}

/* Reads a key file (capped); the text is for the caller to wipe and free. */
static enum snd_err read_key_file(const char *path, char **text, char *errbuf, size_t errlen)
{
	enum snd_err e;
	size_t len;
	errno = 0;
	e = snd_read_file(path, KEY_FILE_MAX, text, &len);
	if (e == SND_ETOOBIG) {
		snprintf(errbuf, errlen, "%s: too large for a key file (over %d bytes)", path,
		         KEY_FILE_MAX);
		return SND_EINVAL;
	}
	if (e != SND_OK) {
		snprintf(errbuf, errlen, "%s: cannot read: %s", path,
		         errno ? strerror(errno) : snd_strerror(e));
		return SND_EIO;
	}
	if (memchr(*text, '\0', len) != NULL) {
		snprintf(errbuf, errlen, "%s: contains a NUL byte; not a key file", path);
		sodium_memzero(*text, len);
		free(*text);
		*text = NULL;
		return SND_EINVAL;
	}
	return SND_OK;
}

static const char *key_kind(const char *s)
{
	size_t a, b;
	trim(s, &a, &b);
	if (b - a >= 10 && memcmp(s + a, "k4.secret.", 10) == 0)
		return "a k4.secret key";
	if (b - a >= 10 && memcmp(s + a, "k4.public.", 10) == 0)
		return "a k4.public key";
	if (b - a >= 3 && s[a] == 'k' && s[a + 1] >= '0' && s[a + 1] <= '9' && s[a + 2] == '.')
		return "a PASERK key of another version or type";
	return NULL;
}

enum snd_err snd_key_load_public(const char *arg, uint8_t pk[SND_PK_BYTES], char *errbuf,
                                 size_t errlen)
{
	char *text = NULL;
	const char *kind;
	enum snd_err e;
	if (snd_paserk_parse_public(arg, pk) == SND_OK)
		return SND_OK;
	kind = key_kind(arg);
	if (kind != NULL || strnlen(arg, KEY_FILE_MAX + 1) == 0) {
		/* It looks like a key, not a path: say what is wrong with it. */
		if (kind != NULL && strcmp(kind, "a k4.secret key") == 0)
			snprintf(errbuf, errlen, "that is a secret key; give the k4.public key");
		else
			snprintf(errbuf, errlen, "not a valid k4.public key or 64 hex digits");
		return SND_EINVAL;
	}
	if ((e = read_key_file(arg, &text, errbuf, errlen)) != SND_OK)
		return e;
	if (snd_paserk_parse_public(text, pk) != SND_OK) {
		kind = key_kind(text);
		if (kind != NULL && strcmp(kind, "a k4.public key") != 0)
			snprintf(errbuf, errlen, "%s: holds %s, not a k4.public key", arg, kind);
		else
			snprintf(errbuf, errlen,
			         "%s: not a valid k4.public PASERK key or 64 hex digits", arg);
		e = SND_EINVAL;
	}
	sodium_memzero(text, strlen(text));
	free(text);
	return e;
}

enum snd_err snd_key_load_secret(const char *path, uint8_t sk[SND_SK_BYTES], char *errbuf,
                                 size_t errlen)
{
	char *text = NULL;
	const char *kind;
	enum snd_err e;
	if ((e = read_key_file(path, &text, errbuf, errlen)) != SND_OK)
		return e;
	if (snd_paserk_parse_secret(text, sk) != SND_OK) {
		kind = key_kind(text);
		if (kind != NULL && strcmp(kind, "a k4.secret key") != 0)
			snprintf(errbuf, errlen, "%s: holds %s, not a k4.secret key", path, kind);
		else if (kind != NULL)
			snprintf(errbuf, errlen,
			         "%s: damaged k4.secret key (bad length, encoding, or public half)",
			         path);
		else
			snprintf(errbuf, errlen, "%s: not a k4.secret PASERK key", path);
		e = SND_EINVAL;
	}
	sodium_memzero(text, strlen(text));
	free(text);
	return e;
}
