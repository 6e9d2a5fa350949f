/* sha256_int.h - what canon.c's and sha256_many.c's SHA-256 share: the
 * initial hash value, and a message walked block by block for the
 * multi-message hashes (snd_sha256_pair, snd_sha256_many): its whole
 * blocks where they lie, then its last partial block and the padding (one
 * or two blocks) in a tail of its own.
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_SHA256_INT_H
#define SND_SHA256_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* FIPS 180-4 section 5.3.3. */
static inline void sha256_iv(uint32_t h[8])
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(h, iv, sizeof iv);
}

struct sha_msg {
	const uint8_t *p;    /* the next block */
	size_t left;         /* blocks left at p */
	int in_tail;         /* p points into tail */
	size_t ntail;
	uint8_t tail[128];   /* the caller wipes it when done */
};

static inline void sha_msg_start(struct sha_msg *m, const void *data, size_t n)
{
	size_t whole = n / 64, r = n % 64;
	uint64_t bits = (uint64_t)n * 8;
	m->p = data;
	m->left = whole;
	m->in_tail = 0;
	m->ntail = r + 1 + 8 <= 64 ? 1 : 2;
	if (r > 0)
		memcpy(m->tail, (const uint8_t *)data + whole * 64, r);
	m->tail[r] = 0x80;
	memset(m->tail + r + 1, 0, m->ntail * 64 - 8 - (r + 1));
	for (int i = 0; i < 8; i++)
		m->tail[m->ntail * 64 - 8 + i] = (uint8_t)(bits >> (56 - 8 * i));
}

/* The blocks left at m->p, moving on to the tail when the whole blocks
 * are done; 0 when m is done. */
static inline size_t sha_msg_next(struct sha_msg *m)
{
	if (m->left == 0 && !m->in_tail) {
		m->p = m->tail;
		m->left = m->ntail;
		m->in_tail = 1;
	}
	return m->left;
}

#endif
