/* paseto.c - PASETO v4.public tokens: signing and verifying.
 *
 * Owns: the token format (header, base64url body and footer) and the
 * pre-authentication encoding (PAE) that Ed25519 signs.  Claims inside the
 * payload are claims.c's.  No state; thread-safe once sodium_init() ran.
 *
 * Invariants:
 *   1. A token is accepted only in its one canonical spelling: the
 *      "v4.public." header, strict base64url (encoding.c), a body at least
 *      a signature long.
 *   2. Untrusted tokens meet their cap first: SND_TOKEN_MAX_LEN bytes.
 *   3. v4.public signs PAE("v4.public.", m, f, i) exactly as the PASETO
 *      specification says (LE64 counts with the top bit cleared).
 *   4. The PAE of a typical token is built on the stack (PAE_STACK); only
 *      larger ones allocate, and every allocation is freed on every path.
 *   5. Verification runs on every delegate request (~42 us, the Ed25519
 *      verify most of it); on any failure nothing is handed back and errbuf
 *      (when given) says why in words a secretariat can act on.
 */
#include "token_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V4_HEADER "v4.public."
#define V4_HEADER_LEN (sizeof V4_HEADER - 1)
#define SIG_BYTES crypto_sign_BYTES

/* LE64 of the PASETO spec: little-endian, the top bit cleared. */
static void put_le64(uint8_t *o, uint64_t n)
{
	int i;
	n &= UINT64_C(0x7fffffffffffffff);
	for (i = 0; i < 8; i++) {
		o[i] = (uint8_t)(n & 0xff);
		n >>= 8;
	}
}

/* PAE bytes that fit on the stack; a typical token or receipt needs ~600. */
#define PAE_STACK 2048

enum snd_err snd_paseto_sign(const uint8_t sk[SND_SK_BYTES], const char *payload, size_t plen,
                             const char *footer, const char *implicit, char **out)
{
	size_t flen = footer ? strlen(footer) : 0;
	size_t ilen = implicit ? strlen(implicit) : 0;
	size_t size, tlen, blen;
	uint8_t stackbuf[PAE_STACK], *pae_buf = stackbuf, *heap = NULL, *m, *f;
	char *tok;
	enum snd_err e = SND_ENOMEM;
	if (plen > SND_TOKEN_MAX_LEN || flen > SND_TOKEN_MAX_LEN || ilen > SND_TOKEN_MAX_LEN)
		return SND_ETOOBIG;
	/* PAE("v4.public.", m, f, i) in one buffer; afterwards the signature
	 * is written right after m there, so m || sig is encoded in place. */
	size = 8 + 8 + V4_HEADER_LEN + 8 + plen + 8 + flen + 8 + ilen + SIG_BYTES;
	if (size > sizeof stackbuf) {
		if ((heap = malloc(size)) == NULL)
			return SND_ENOMEM;
		pae_buf = heap;
	}
	m = pae_buf + 8 + 8 + V4_HEADER_LEN + 8;
	f = m + plen + 8;
	put_le64(pae_buf, 4);
	put_le64(pae_buf + 8, V4_HEADER_LEN);
	memcpy(pae_buf + 16, V4_HEADER, V4_HEADER_LEN);
	put_le64(m - 8, plen);
	if (plen)
		memcpy(m, payload, plen);
	put_le64(m + plen, flen);
	if (flen)
		memcpy(f, footer, flen);
	put_le64(f + flen, ilen);
	if (ilen)
		memcpy(f + flen + 8, implicit, ilen);
	{
		uint8_t sig[SIG_BYTES];
		if (crypto_sign_detached(sig, NULL, pae_buf, (size_t)(f + flen + 8 + ilen - pae_buf), sk) !=
		    0) {
			e = SND_EIO;
			goto fail;
		}
		memcpy(m + plen, sig, SIG_BYTES); /* PAE is not needed any more */
	}
	blen = b64_len(plen + SIG_BYTES);
	tlen = V4_HEADER_LEN + blen + (flen > 0 ? 1 + b64_len(flen) : 0);
	if (tlen > SND_TOKEN_MAX_LEN) {
		e = SND_ETOOBIG;
		goto fail;
	}
	if ((tok = malloc(tlen + 1)) == NULL)
		goto fail;
	memcpy(tok, V4_HEADER, V4_HEADER_LEN);
	snd_b64url_encode_into(tok + V4_HEADER_LEN, m, plen + SIG_BYTES);
	if (flen > 0) {
		tok[V4_HEADER_LEN + blen] = '.';
		snd_b64url_encode_into(tok + V4_HEADER_LEN + blen + 1, (const uint8_t *)footer, flen);
	}
	*out = tok;
	e = SND_OK;
fail:
	free(heap);
	return e;
}


enum snd_err snd_paseto_verify_why(const uint8_t pk[SND_PK_BYTES], const char *token,
                                   size_t tlen, const char *implicit, char **payload,
                                   size_t *plen, char **footer, char *errbuf, size_t errlen)
{
	const char *body, *dot, *fpart = NULL;
	size_t blen, fplen = 0, mlen, flen = 0, ilen, i, declen = 0, bmax, fmax, size;
	uint8_t stackbuf[PAE_STACK], *pae_buf = stackbuf, *heap = NULL, *m, *f;
	uint8_t sig[SIG_BYTES];
	char *pout = NULL, *fout = NULL;
	enum snd_err e = SND_ETOKEN;
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (token == NULL) {
		WHY("no token");
		goto fail;
	}
	if (tlen > SND_TOKEN_MAX_LEN) {
		WHY("token is longer than %d bytes", SND_TOKEN_MAX_LEN);
		e = SND_ETOOBIG;
		goto fail;
	}
	if (memchr(token, '\0', tlen) != NULL) {
		WHY("token contains a NUL byte");
		goto fail;
	}
	if (tlen < V4_HEADER_LEN || memcmp(token, V4_HEADER, V4_HEADER_LEN) != 0) {
		/* Name the header we found when it is short and plain. */
		size_t dots = 0, n = 0;
		for (i = 0; i < tlen && i < 16 && dots < 2; i++, n++) {
			char c = token[i];
			if (c == '.')
				dots++;
			else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
				break;
		}
		if (dots == 2)
			WHY("wrong version or purpose: expected \"v4.public.\", got \"%.*s\"", (int)n,
			    token);
		else
			WHY("not a PASETO token (expected it to start with \"v4.public.\")");
		goto fail;
	}
	body = token + V4_HEADER_LEN;
	blen = tlen - V4_HEADER_LEN;
	if ((dot = memchr(body, '.', blen)) != NULL) {
		fpart = dot + 1;
		fplen = (size_t)(token + tlen - fpart);
		blen = (size_t)(dot - body);
		if (memchr(fpart, '.', fplen) != NULL) {
			WHY("too many '.'-separated parts");
			goto fail;
		}
		if (fplen == 0) {
			WHY("empty footer part after the last '.'");
			goto fail;
		}
	}
	/* One buffer holds PAE("v4.public.", m, f, i): the body is decoded
	 * straight to m's place, the footer to f's, so nothing is copied but
	 * the signature (which sits where LE64(|f|) goes) and i. */
	ilen = implicit ? strlen(implicit) : 0;
	bmax = blen / 4 * 3 + 3;
	fmax = fplen / 4 * 3 + 3;
	if (ilen > SIZE_MAX / 2 - bmax - fmax - 64) {
		e = SND_ENOMEM;
		goto fail;
	}
	size = 8 + 8 + V4_HEADER_LEN + 8 + bmax + 8 + fmax + 8 + ilen;
	if (size > sizeof stackbuf) {
		if ((heap = malloc(size)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		pae_buf = heap;
	}
	m = pae_buf + 8 + 8 + V4_HEADER_LEN + 8;
	if (snd_b64url_decode_into(body, blen, m, bmax, &declen) != 0) {
		WHY("the token body is not valid base64url");
		goto fail;
	}
	if (declen < SIG_BYTES) {
		WHY("the token is too short to hold a signature (truncated?)");
		goto fail;
	}
	mlen = declen - SIG_BYTES;
	memcpy(sig, m + mlen, SIG_BYTES);
	f = m + mlen + 8;
	if (fpart != NULL) {
		if (snd_b64url_decode_into(fpart, fplen, f, fmax, &flen) != 0) {
			WHY("the footer is not valid base64url");
			goto fail;
		}
		if (memchr(f, '\0', flen) != NULL) {
			WHY("the footer contains a NUL byte");
			goto fail;
		}
	}
	put_le64(pae_buf, 4);
	put_le64(pae_buf + 8, V4_HEADER_LEN);
	memcpy(pae_buf + 16, V4_HEADER, V4_HEADER_LEN);
	put_le64(m - 8, mlen);
	put_le64(m + mlen, flen);
	put_le64(f + flen, ilen);
	if (ilen)
		memcpy(f + flen + 8, implicit, ilen);
	if (crypto_sign_verify_detached(sig, pae_buf, (size_t)(f + flen + 8 + ilen - pae_buf), pk) !=
	    0) {
		WHY("the signature does not verify (wrong key or implicit assertion, or the token "
		    "was altered)");
		e = SND_ESIG;
		goto fail;
	}
	if (payload != NULL) {
		if ((pout = malloc(mlen + 1)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		memcpy(pout, m, mlen);
		pout[mlen] = '\0';
	}
	if (footer != NULL) {
		if ((fout = malloc(flen + 1)) == NULL) {
			e = SND_ENOMEM;
			goto fail;
		}
		memcpy(fout, f, flen);
		fout[flen] = '\0';
		*footer = fout;
		fout = NULL;
	}
	if (payload != NULL)
		*payload = pout;
	if (plen != NULL)
		*plen = mlen;
	pout = NULL;
	e = SND_OK;
fail:
	free(pout);
	free(fout);
	free(heap);
	return e;
}

enum snd_err snd_paseto_verify(const uint8_t pk[SND_PK_BYTES], const char *token, size_t tlen,
                               const char *implicit, char **payload, size_t *plen,
                               char **footer)
{
	return snd_paseto_verify_why(pk, token, tlen, implicit, payload, plen, footer, NULL, 0);
}
