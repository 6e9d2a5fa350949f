/* sha256_many.c - many independent SHA-256 at once (the tally's check
 * before counting hashes two messages per stored row: its answers and the
 * text of its chain link).
 *
 * On a CPU with AVX-512 (F and BW) sixteen messages go through the rounds
 * side by side, one per 32-bit lane of the vector registers: ~3.7 GB/s on
 * one core of the bench machine, against ~2.1 GB/s for two interleaved
 * SHA-NI streams (canon.c's snd_sha256_pair) and ~1.7 GB/s for one.  A lane
 * whose message ends takes the next job, so lanes stay busy until the jobs
 * run out.  Without AVX-512, or for a handful of jobs, they go two at a
 * time through snd_sha256_pair.
 *
 * Invariants:
 *   1. The digests are exactly SHA-256 (FIPS 180-4): tests/unit/test_canon.c
 *      checks them against libsodium for every length that pads
 *      differently, in every lane.
 *   2. A message is read only within p[0..n); its last partial block and
 *      the padding are copied into its lane's buffer, and the lanes' buffers
 *      and states are wiped once, when all the jobs are done.
 *   3. The CPU is asked once (__builtin_cpu_supports, which also asks the
 *      OS whether it saves the vector registers); valgrind hides AVX-512,
 *      so profiles under it take the pairwise path.
 */
#include "sounding.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SND_X16 1
#include "sha256_int.h"

#include <immintrin.h>
#endif

/* Fewer jobs than this go pairwise: sixteen lanes cost the same per step
 * however many are busy. */
#define X16_MIN_JOBS 12

static void many_pairwise(const struct snd_sha256_job *jobs, size_t n)
{
	size_t i = 0;
	for (; i + 1 < n; i += 2)
		snd_sha256_pair(jobs[i].p, jobs[i].n, jobs[i + 1].p, jobs[i + 1].n, jobs[i].out,
		                jobs[i + 1].out);
	if (i < n) {
		struct snd_sha256 c;
		snd_sha256_init(&c);
		snd_sha256_update(&c, jobs[i].p, jobs[i].n);
		snd_sha256_final(&c, jobs[i].out);
	}
}

#ifdef SND_X16
#define X16_TARGET __attribute__((target("avx512f,avx512bw")))

/* One lane: its message (sha256_int.h) and where its digest goes. */
struct lane {
	struct sha_msg m;
	uint8_t *out;        /* NULL: the lane is idle */
};

static void lane_start(struct lane *l, const struct snd_sha256_job *j, uint32_t st[8][16],
                       int i)
{
	uint32_t iv[8];
	sha_msg_start(&l->m, j->p, j->n);
	l->out = j->out;
	sha256_iv(iv);
	for (int w = 0; w < 8; w++)
		st[w][i] = iv[w];
}

/* The lane's next block (moving on to the tail when the whole blocks are
 * done). */
static const uint8_t *lane_block(struct lane *l)
{
	const uint8_t *b;
	(void)sha_msg_next(&l->m);
	b = l->m.p;
	l->m.p += 64;
	l->m.left--;
	return b;
}

/* 4x4 transposes of 32-bit words inside each 128-bit chunk of four rows:
 * u[m] chunk k = the rows' word 4k+m. */
#define X16_T4(a, b, c, d, u)                                                               \
	do {                                                                                  \
		__m512i t0_ = _mm512_unpacklo_epi32(a, b), t1_ = _mm512_unpackhi_epi32(a, b);     \
		__m512i t2_ = _mm512_unpacklo_epi32(c, d), t3_ = _mm512_unpackhi_epi32(c, d);     \
		(u)[0] = _mm512_unpacklo_epi64(t0_, t2_);                                          \
		(u)[1] = _mm512_unpackhi_epi64(t0_, t2_);                                          \
		(u)[2] = _mm512_unpacklo_epi64(t1_, t3_);                                          \
		(u)[3] = _mm512_unpackhi_epi64(t1_, t3_);                                          \
	} while (0)

#define ROR(x, n) _mm512_ror_epi32((x), (n))

/* One block of each of the sixteen lanes: blk[i] is lane i's 64 bytes. */
X16_TARGET static void compress16(uint32_t st[8][16], const uint8_t *const blk[16])
{
	const __m512i bswap = _mm512_broadcast_i32x4(
	    _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3));
	__m512i r[16], u[4][4], w[16], s[8], v[8];

	for (int i = 0; i < 16; i++)
		r[i] = _mm512_shuffle_epi8(_mm512_loadu_si512((const void *)blk[i]), bswap);
	/* Transposed: w[j] holds word j of every lane's block. */
	for (int g = 0; g < 4; g++)
		X16_T4(r[4 * g], r[4 * g + 1], r[4 * g + 2], r[4 * g + 3], u[g]);
	for (int m = 0; m < 4; m++) {
		__m512i x0 = _mm512_shuffle_i32x4(u[0][m], u[1][m], 0x44);
		__m512i x1 = _mm512_shuffle_i32x4(u[0][m], u[1][m], 0xEE);
		__m512i x2 = _mm512_shuffle_i32x4(u[2][m], u[3][m], 0x44);
		__m512i x3 = _mm512_shuffle_i32x4(u[2][m], u[3][m], 0xEE);
		w[m] = _mm512_shuffle_i32x4(x0, x2, 0x88);
		w[4 + m] = _mm512_shuffle_i32x4(x0, x2, 0xDD);
		w[8 + m] = _mm512_shuffle_i32x4(x1, x3, 0x88);
		w[12 + m] = _mm512_shuffle_i32x4(x1, x3, 0xDD);
	}
	for (int i = 0; i < 8; i++)
		s[i] = v[i] = _mm512_loadu_si512((const void *)st[i]);
	for (int t = 0; t < 64; t++) {
		__m512i wt;
		if (t < 16) {
			wt = w[t];
		} else {
			__m512i w15 = w[(t - 15) & 15], w2 = w[(t - 2) & 15];
			__m512i s0 = _mm512_ternarylogic_epi32(ROR(w15, 7), ROR(w15, 18),
			                                       _mm512_srli_epi32(w15, 3), 0x96);
			__m512i s1 = _mm512_ternarylogic_epi32(ROR(w2, 17), ROR(w2, 19),
			                                       _mm512_srli_epi32(w2, 10), 0x96);
			wt = _mm512_add_epi32(_mm512_add_epi32(w[t & 15], s0),
			                      _mm512_add_epi32(w[(t - 7) & 15], s1));
			w[t & 15] = wt;
		}
		/* Σ1(e), Ch(e,f,g), Σ0(a), Maj(a,b,c) */
		__m512i S1 = _mm512_ternarylogic_epi32(ROR(v[4], 6), ROR(v[4], 11), ROR(v[4], 25), 0x96);
		__m512i ch = _mm512_ternarylogic_epi32(v[4], v[5], v[6], 0xCA);
		__m512i t1 = _mm512_add_epi32(_mm512_add_epi32(v[7], S1),
		                              _mm512_add_epi32(ch, _mm512_add_epi32(
		                                                       wt, _mm512_set1_epi32(
		                                                               (int)snd_sha256_k[t]))));
		__m512i S0 = _mm512_ternarylogic_epi32(ROR(v[0], 2), ROR(v[0], 13), ROR(v[0], 22), 0x96);
		__m512i mj = _mm512_ternarylogic_epi32(v[0], v[1], v[2], 0xE8);
		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = _mm512_add_epi32(v[3], t1);
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = _mm512_add_epi32(t1, _mm512_add_epi32(S0, mj));
	}
	for (int i = 0; i < 8; i++)
		_mm512_storeu_si512((void *)st[i], _mm512_add_epi32(s[i], v[i]));
}

static void many_x16(const struct snd_sha256_job *jobs, size_t n)
{
	static const uint8_t idle[64];
	struct lane ln[16];
	uint32_t st[8][16];
	const uint8_t *blk[16];
	size_t next = 0;
	int busy = 0;

	memset(st, 0, sizeof st);
	for (int i = 0; i < 16; i++) {
		ln[i].out = NULL;
		if (next < n) {
			lane_start(&ln[i], &jobs[next++], st, i);
			busy++;
		}
	}
	while (busy > 0) {
		for (int i = 0; i < 16; i++)
			blk[i] = ln[i].out != NULL ? lane_block(&ln[i]) : idle;
		compress16(st, blk);
		for (int i = 0; i < 16; i++) {
			struct lane *l = &ln[i];
			if (l->out == NULL || l->m.left > 0 || !l->m.in_tail)
				continue;
			for (int w = 0; w < 8; w++) {
				l->out[4 * w] = (uint8_t)(st[w][i] >> 24);
				l->out[4 * w + 1] = (uint8_t)(st[w][i] >> 16);
				l->out[4 * w + 2] = (uint8_t)(st[w][i] >> 8);
				l->out[4 * w + 3] = (uint8_t)st[w][i];
			}
			l->out = NULL;
			busy--;
			if (next < n) {
				lane_start(l, &jobs[next++], st, i);
				busy++;
			}
		}
	}
	sodium_memzero(ln, sizeof ln);
	sodium_memzero(st, sizeof st);
}

static int have_x16(void)
{
	static _Atomic int known = -1;
	int k = atomic_load_explicit(&known, memory_order_relaxed);
	if (k < 0) {
		__builtin_cpu_init();
		k = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
		atomic_store_explicit(&known, k, memory_order_relaxed);
	}
	return k;
}
#endif

void snd_sha256_many(const struct snd_sha256_job *jobs, size_t n)
{
#ifdef SND_X16
	if (n >= X16_MIN_JOBS && have_x16()) {
		many_x16(jobs, n);
		return;
	}
#endif
	many_pairwise(jobs, n);
}
