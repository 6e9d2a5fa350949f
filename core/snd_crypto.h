/* snd_crypto.h - part of the public interface of libsounding: tokens and keys (encoding.c, keys.c, paseto.c, claims.c) and canonical JSON with its hashes (canon.c).
 * Included by sounding.h (include that, never this file directly): split
 * out so that each header stays one room a reader can hold. */
#ifndef SOUNDING_CRYPTO_H
#define SOUNDING_CRYPTO_H

#ifndef SOUNDING_H
#error "include sounding.h, not snd_crypto.h"
#endif

/* ------------------- tokens (encoding.c, keys.c, paseto.c, claims.c) */

#define SND_PK_BYTES 32
#define SND_SK_BYTES 64
/* "k4.public." + 43 base64url chars; "k4.secret." + 86 */
#define SND_PASERK_PUBLIC_LEN 53
#define SND_PASERK_SECRET_LEN 96
/* "k4.pid." + 44 base64url chars (BLAKE2b-264 of the PASERK public string) */
#define SND_PASERK_PID_LEN 51
/* Caps on untrusted token input: a whole token (and so its payload), one
 * claim string (aud, sub, jti, ent, an attrs key or value), attrs entries. */
#define SND_TOKEN_MAX_LEN 8192
#define SND_CLAIM_MAX_LEN 1024
#define SND_CLAIMS_MAX_ATTRS 64

/* base64url without padding (RFC 4648 section 5).  encode returns a malloc'ed
 * string; decode rejects padding, whitespace and non-canonical trailing bits. */
char *snd_b64url_encode(const uint8_t *p, size_t n);
enum snd_err snd_b64url_decode(const char *s, size_t n, uint8_t **out, size_t *outlen);

/* RFC 3339 times <-> Unix seconds (UTC).  parse accepts "Z" or +hh:mm
 * offsets and fractional seconds (truncated); format writes
 * "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
enum snd_err snd_time_parse(const char *s, int64_t *out);
void snd_time_format(int64_t t, char out[21]);

/* Key generation and PASERK strings.  Secret key material is wiped with
 * sodium_memzero by every function that copies it. */
enum snd_err snd_keypair(uint8_t pk[SND_PK_BYTES], uint8_t sk[SND_SK_BYTES]);
void snd_paserk_public(const uint8_t pk[SND_PK_BYTES], char out[SND_PASERK_PUBLIC_LEN + 1]);
void snd_paserk_secret(const uint8_t sk[SND_SK_BYTES], char out[SND_PASERK_SECRET_LEN + 1]);
/* k4.pid.<...> of a public key: the kid in token footers. */
void snd_paserk_pid(const uint8_t pk[SND_PK_BYTES], char out[SND_PASERK_PID_LEN + 1]);
/* Parses "k4.public.<b64>" or 64 hex digits (surrounding whitespace ok). */
enum snd_err snd_paserk_parse_public(const char *s, uint8_t pk[SND_PK_BYTES]);
/* Parses "k4.secret.<b64>"; checks the embedded public half matches. */
enum snd_err snd_paserk_parse_secret(const char *s, uint8_t sk[SND_SK_BYTES]);
/* Loads a key given as a PASERK string / hex, or a path to a file holding
 * one.  errbuf names the file and what is wrong. */
enum snd_err snd_key_load_public(const char *arg, uint8_t pk[SND_PK_BYTES], char *errbuf, size_t errlen);
enum snd_err snd_key_load_secret(const char *path, uint8_t sk[SND_SK_BYTES], char *errbuf, size_t errlen);

/* PASETO v4.public.  sign: *out is a malloc'ed token; footer and implicit
 * may be NULL (= empty).  verify: checks the header, base64url, length and
 * the Ed25519 signature over PAE(h, m, f, i); on success *payload and
 * *footer (malloc'ed, NUL-terminated, either may be passed as NULL to skip)
 * receive the message and footer.  No claim is looked at here. */
enum snd_err snd_paseto_sign(const uint8_t sk[SND_SK_BYTES], const char *payload, size_t plen,
                             const char *footer, const char *implicit, char **out);
enum snd_err snd_paseto_verify(const uint8_t pk[SND_PK_BYTES], const char *token, size_t tlen,
                               const char *implicit, char **payload, size_t *plen,
                               char **footer);
/* snd_paseto_verify that also writes why a token was refused, in plain
 * words ("wrong version or purpose: ...", "the footer is not valid
 * base64url", "the signature does not verify ..."), into errbuf. */
enum snd_err snd_paseto_verify_why(const uint8_t pk[SND_PK_BYTES], const char *token,
                                   size_t tlen, const char *implicit, char **payload,
                                   size_t *plen, char **footer, char *errbuf, size_t errlen);

enum snd_role { SND_ROLE_DELEGATE, SND_ROLE_CHAIR, SND_ROLE__MAX };
extern const char *const snd_role_names[SND_ROLE__MAX];

struct snd_attr {
	char *key;
	char *value;
};

/* The claim set of interface.md.  All strings owned by the struct. */
struct snd_claims {
	char *aud;            /* questionnaire id */
	char *sub;            /* delegate id */
	char *jti;            /* token id */
	char *ent;            /* entity */
	enum snd_role role;
	struct snd_attr *attrs; /* in payload order */
	size_t nattrs;
	int64_t iat, nbf, exp; /* Unix seconds; 0 when absent (iat) */
	int has_nbf, has_exp;
};

/* Parses and checks the claim set: required aud, sub, jti, role, ent;
 * attrs string->string; times RFC 3339.  errbuf names the claim at fault. */
enum snd_err snd_claims_parse(const char *payload, size_t len, struct snd_claims *c,
                              char *errbuf, size_t errlen);
/* SND_OK, SND_EEXPIRED or SND_ENOTYET against `now` (Unix seconds), with
 * 60 s of clock skew allowed. */
enum snd_err snd_claims_check_time(const struct snd_claims *c, int64_t now);
const char *snd_claims_attr(const struct snd_claims *c, const char *key);
void snd_claims_free(struct snd_claims *c);
/* Serialises claims to the JSON payload (malloc'ed). */
char *snd_claims_json(const struct snd_claims *c);

/* ------------------------------------------------ canonical JSON (canon.c)
 * RFC 8785 (JCS): object members sorted by UTF-16 code units, no
 * insignificant whitespace, ES6 number formatting, minimal string escapes. */
enum snd_err snd_canon_json(const cJSON *v, struct snd_buf *out);
/* Lowercase hex SHA-256 of p[0..n). */
void snd_sha256_hex(const void *p, size_t n, char out[65]);
/* SHA-256 in pieces: init, update as often as needed, final (which wipes
 * the context).  Uses the CPU's SHA instructions when it has them (x86-64
 * SHA-NI), about 3x libsodium's portable code; same digests. */
struct snd_sha256 {
	uint32_t h[8];
	uint64_t total;       /* bytes so far */
	uint8_t block[64];    /* a partial block */
	size_t fill;          /* bytes in block */
};
void snd_sha256_init(struct snd_sha256 *c);
void snd_sha256_update(struct snd_sha256 *c, const void *p, size_t n);
void snd_sha256_final(struct snd_sha256 *c, uint8_t out[32]);
/* The SHA-256 of a[0..na) and of b[0..nb) at once: with SHA-NI the two
 * are interleaved (one hash's rounds wait on latency the other fills),
 * ~1.2x the throughput of two calls in a row; same digests. */
void snd_sha256_pair(const void *a, size_t na, const void *b, size_t nb, uint8_t outa[32],
                     uint8_t outb[32]);
/* Many SHA-256 at once (sha256_many.c): each job's p[0..n) hashed into its
 * out (32 bytes).  Sixteen at a time on AVX-512 when the CPU has it (~1.8x
 * snd_sha256_pair's throughput), else two at a time; same digests. */
struct snd_sha256_job {
	const void *p;
	size_t n;
	uint8_t *out;
};
void snd_sha256_many(const struct snd_sha256_job *jobs, size_t n);
/* SHA-256's 64 round constants (FIPS 180-4 4.2.2), shared by canon.c's
 * and sha256_many.c's implementations. */
extern const uint32_t snd_sha256_k[64];
/* 32 bytes as 64 lowercase hex digits and a NUL. */
void snd_hex32(const uint8_t h[32], char out[65]);
/* Exactly 2n lowercase hex digits (then the string's end) into out[0..n):
 * 0, else -1 (out then undefined).  encoding.c. */
int snd_hex_parse(const char *hex, uint8_t *out, size_t n);
/* Salts (interface.md, "The collector"): each revision gets 16 fresh
 * random bytes, and its stored `hash` is the lowercase hex SHA-256 of those
 * bytes followed by the canonical JSON of its answers, so equal answers
 * never show equal hashes.  Revisions stored before salts existed have no
 * salt, and their hash is the SHA-256 of the canonical JSON alone. */
#define SND_SALT_BYTES 16
#define SND_SALT_HEX 32
/* 16 fresh random bytes (randombytes_buf) and their 32 lowercase hex digits. */
void snd_salt_new(uint8_t salt[SND_SALT_BYTES], char hex[SND_SALT_HEX + 1]);
/* Exactly 32 lowercase hex digits into 16 bytes: 0, else -1. */
int snd_salt_parse(const char *hex, uint8_t salt[SND_SALT_BYTES]);
/* Lowercase hex SHA-256 of salt[0..16) followed by canon[0..n); salt NULL:
 * of canon alone (an unsalted revision). */
void snd_answers_digest(const uint8_t *salt, const void *canon, size_t n, char hex[65]);
/* The hash a stored row must carry: salt_hex is the row's salt column
 * (NULL: unsalted).  SND_EINVAL when salt_hex is not 32 lowercase hex. */
enum snd_err snd_revision_hash(const char *salt_hex, const void *canon, size_t n, char hex[65]);
/* Canonical JSON of answers into canon (if not NULL) and its SHA-256 hex
 * (unsalted). */
enum snd_err snd_answers_hash(const cJSON *answers, struct snd_buf *canon, char hex[65]);
/* The same with a salt (NULL: unsalted), as snd_answers_digest. */
enum snd_err snd_answers_hash_salted(const cJSON *answers, const uint8_t *salt,
                                     struct snd_buf *canon, char hex[65]);

#endif /* SOUNDING_CRYPTO_H */
