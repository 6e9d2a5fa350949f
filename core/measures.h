/* measures.h - internal to libsounding: the tally's measures as pure
 * functions over counts (measures.c), so each can be checked on published
 * and hand-computed examples (tests/unit/test_measures.c) apart from the
 * engine that accumulates the counts.
 *
 * Owns: the comparison of weighted sums (feq, fgt), the leader of a choice
 * question, the scale's mean, lower median and Tastle-Wierman consensus,
 * the medians of number questions, the Borda order, Schulze's order
 * (winning votes), the Condorcet winner, the position consensus, and how a
 * ranked ballot adds to the Borda points and the pairwise matrix.
 *
 * Invariants:
 *   1. Pure: no allocation, no global state; the caller gives any scratch
 *      space.  Only the medians of value lists touch their input (they sort
 *      it in place).
 *   2. Ties are decided by feq with a relative 1e-9, so results do not
 *      depend on the order the ballots were added in (tally.c invariant 4).
 *   3. Orders are stable: equal scores keep form order.
 *
 * Not part of the public interface: only core/ and its unit tests include
 * this file.
 */
#ifndef SND_MEASURES_H
#define SND_MEASURES_H

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Equality of weighted sums: exact for integer counts below 1e9, and
 * forgiving of the last bits of sums of fractions such as 1/3 + 1/3 + 1/3. */
static inline int feq(double a, double b)
{
	double m = fmax(1.0, fmax(fabs(a), fabs(b)));
	return fabs(a - b) <= 1e-9 * m;
}

static inline int fgt(double a, double b)
{
	return a > b && !feq(a, b);
}

/* The option with the most of count[0..n), or -1 on a tie for the most or
 * when answered is 0. */
int measure_leader(const double *count, size_t n, double answered);

/* A scale of np points min..min+np-1 with dist[i] answers on point min+i,
 * n of them in all (n > 0). */
double measure_scale_mean(int min, int np, const double *dist, double n);
/* The lower median's index: the first i whose cumulative count reaches
 * n / 2; -1 when none does (the counts sum to less than n). */
int measure_lower_median(const double *dist, int np, double n);
/* Tastle and Wierman's consensus, 1 + sum p_i log2(1 - |X_i - mean| /
 * width), in [0, 1]: 1 when every answer is on one point, 0 when they are
 * split evenly between the two ends; 1 for a one-point scale. */
double measure_consensus(int min, int np, const double *dist, double n, double mean);

/* The lower median of n values (sorted in place, O(n log n)); n > 0. */
double measure_values_median(double *v, size_t n);
/* A value with its weight, for the weighted median. */
struct measure_wv {
	double v, w;
};
/* The lower weighted median of a[0..n) (sorted in place by value): the
 * first value whose cumulative weight reaches total / 2, else the largest. */
double measure_weighted_median(struct measure_wv *a, size_t n, double total);

/* Borda order: ord[0..m) gets the options by borda[] score, highest first,
 * ties in form order. */
void measure_borda_order(const double *borda, size_t m, size_t *ord);
/* Schulze's method with winning votes over the pairwise matrix d (d[i*m+j]:
 * the weight of ballots ranking i above j): ord[0..m) gets the options by
 * their number of beatpath wins, most first, ties in form order.  p (m*m
 * doubles) and wins (m) are scratch.  O(m^3). */
void measure_schulze_order(const double *d, size_t m, double *p, size_t *wins, size_t *ord);
/* The option that beats every other head to head in d, or -1. */
int measure_condorcet_winner(const double *d, size_t m);

/* A position question has consensus when it was answered and nobody
 * objected. */
static inline int measure_position_consensus(double answered, double objections)
{
	return answered > 0 && objections == 0;
}

/* Adds one ranked ballot, weight 1, to the Borda points and the pairwise
 * matrix of m options: o[0..n) ranked in order (n > 0), the others
 * unranked.  The k-th ranked gets m - k Borda points (the first m - 1);
 * ranked beats unranked; unranked ones tie.  mark (m bytes) is scratch.
 * Inline: the tally calls it once per ranked answer. */
static inline void measure_rank_ballot(size_t m, const int *o, int n, unsigned char *mark,
                                       double *borda, double *pw)
{
	memset(mark, 0, m);
	for (int k = 0; k < n; k++) {
		borda[o[k]] += (double)(m - (size_t)(k + 1));
		mark[o[k]] = 1;
		for (int j = k + 1; j < n; j++)
			pw[(size_t)o[k] * m + (size_t)o[j]] += 1;
	}
	for (int k = 0; k < n; k++)
		for (size_t u = 0; u < m; u++)
			if (!mark[u])
				pw[(size_t)o[k] * m + u] += 1;
}

#endif
