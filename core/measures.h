/* measures.h - internal to libsounding: the tally's measures as pure
 * functions over counts (measures.c), so each can be checked on published
 * and hand-computed examples (tests/unit/test_measures.c) apart from the
 * engine that accumulates the counts.
 *
 * Owns: the comparison of weighted sums (feq, fgt), the leader of a choice
 * question, the scale's mean, lower median, Tastle-Wierman consensus,
 * Leik's ordinal dispersion and van der Eijk's agreement A, the medians
 * and histogram bins of number questions, the Borda order, Schulze's order
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

/* Leik's ordinal dispersion D = 2 sum_{i=1}^{k-1} min(F_i, 1 - F_i) / (k - 1),
 * F_i the cumulative share of the first i points, over a scale of np
 * points with n answers in dist (n > 0): 0 when every answer is on one
 * point, 1 when they are split evenly between the two ends; 0 for a
 * one-point scale.  O(np). */
double measure_leik(const double *dist, int np, double n);

/* Van der Eijk's agreement A (Quality & Quantity 35, 2001: 325-341), by
 * layers as R's agrmt::agreement computes it: the distribution is peeled
 * into layers (each time the smallest non-empty count, taken from every
 * non-empty point), each layer's pattern of non-empty points gets A =
 * U (1 - (S - 1) / (K - 1)), S its non-empty points, U from its triples
 * of points (unimodal 110 and 011 against bimodal 101), and A is the
 * average of the layers' A weighted by the answers in each.  1 when
 * every answer is on one point, 0 for a uniform distribution, -1 for an
 * even split between the two ends.  np >= 3 and n > 0 (the caller shows
 * null otherwise); the counts may be fractions.  scratch: np doubles.
 * O(np^2). */
double measure_agreement(const double *dist, int np, double n, double *scratch);

/* The median of n values (sorted in place, O(n log n)); n > 0.  The usual
 * one: the middle value, or the mean of the two middle values when n is
 * even. */
double measure_values_median(double *v, size_t n);
/* A value with its weight, for the weighted median. */
struct measure_wv {
	double v, w;
};
/* The weighted median of a[0..n) (sorted in place by value), total their
 * weight: the value at which the cumulative weight passes total / 2; when
 * it reaches total / 2 exactly (feq) after a value, the halfway point
 * falls between two values and the median is the mean of that value and
 * the next.  With unit weights this is measure_values_median. */
double measure_weighted_median(struct measure_wv *a, size_t n, double total);
/* The same rule over binned counts: count[i] answers of value lo + i. */
double measure_binned_median(const double *count, int nbins, double lo, double n);

/* A number question's histogram bins (interface.md): an integer question
 * whose declared range spans at most MEASURE_HIST_VALUES whole numbers
 * gets one bin per value (from = to); any other question 10 equal-width
 * bins over its declared min..max, the observed min or max standing in
 * for a bound it did not declare, each [from, to) but the last closed.
 * One bin [v, v] when the range is the single value v; none when a bound
 * is neither declared nor observed (nobody answered). */
#define MEASURE_HIST_VALUES 30
#define MEASURE_HIST_BINS 10
struct measure_hist {
	double lo, hi;   /* the first bin's from, the last bin's to */
	int nbins;       /* 0 .. MEASURE_HIST_VALUES */
	int per_value;   /* one bin per whole number lo..hi */
};
/* Plans the bins; dmin/dmax the declared bounds (+-INFINITY when not
 * declared), omin/omax the observed ones (+-INFINITY when none).
 * Returns h->nbins. */
int measure_hist_plan(struct measure_hist *h, int integer, double dmin, double dmax,
                      double omin, double omax);
/* Bin k's bounds: to(k) is from(k + 1) exactly, so the edges line up. */
double measure_hist_from(const struct measure_hist *h, int k);
double measure_hist_to(const struct measure_hist *h, int k);
/* The bin of value v (clamped to the first or last). */
int measure_hist_bin(const struct measure_hist *h, double v);

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
