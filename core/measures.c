/* measures.c - the tally's measures as pure functions over counts: what a
 * summary says about the numbers the engine (tally_rows.c) added up.
 * tally_json.c calls them while it writes each question.
 *
 * This file owns:
 *   1. the leader of a choice question;
 *   2. the scale's mean, lower median and Tastle-Wierman consensus, Leik's
 *      ordinal dispersion and van der Eijk's agreement A;
 *   3. the medians of number questions, plain, weighted and binned, and
 *      their histogram bins;
 *   4. the Borda order, Schulze's order (winning votes, widest paths by
 *      Floyd-Warshall) and the Condorcet winner.
 *
 * Invariants (measures.h has them in full):
 *   1. Pure: no allocation, no global state; scratch is the caller's.
 *   2. Ties by feq (relative 1e-9), so the order of ballots does not matter.
 *   3. Orders are stable: equal scores keep form order.
 */
#include "measures.h"

#include <stdlib.h>

int measure_leader(const double *count, size_t n, double answered)
{
	double best = 0;
	int leader = -1, tie = 0;
	for (size_t i = 0; i < n; i++) {
		double c = count[i];
		if (leader < 0 || fgt(c, best)) {
			leader = (int)i;
			best = c;
			tie = 0;
		} else if (feq(c, best)) {
			tie = 1;
		}
	}
	return answered > 0 && leader >= 0 && !tie ? leader : -1;
}

double measure_scale_mean(int min, int np, const double *dist, double n)
{
	double mean = 0;
	for (int i = 0; i < np; i++)
		mean += (double)(min + i) * dist[i];
	return mean / n;
}

int measure_lower_median(const double *dist, int np, double n)
{
	double cum = 0;
	for (int i = 0; i < np; i++) {
		cum += dist[i];
		if (cum >= n / 2 || feq(cum, n / 2))
			return i;
	}
	return -1;
}

double measure_consensus(int min, int np, const double *dist, double n, double mean)
{
	double width = np - 1, s = 0, cons;
	if (np <= 1) /* a one-point scale has nothing to disagree on */
		return 1;
	for (int i = 0; i < np; i++) {
		double p = dist[i] / n;
		if (p <= 0)
			continue;
		double arg = 1 - fabs((double)(min + i) - mean) / width;
		s += p * log2(arg > 0 ? arg : 1e-300);
	}
	cons = 1 + s;
	return cons < 0 ? 0 : cons > 1 ? 1 : cons;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_wv(const void *a, const void *b)
{
	double x = ((const struct measure_wv *)a)->v, y = ((const struct measure_wv *)b)->v;
	return x < y ? -1 : x > y;
}

double measure_leik(const double *dist, int np, double n)
{
	double cum = 0, s = 0;
	if (np <= 1)
		return 0;
	for (int i = 0; i < np - 1; i++) {
		cum += dist[i];
		double F = cum / n;
		s += F < 1 - F ? F : 1 - F;
	}
	s = 2 * s / (np - 1);
	return s < 0 ? 0 : s > 1 ? 1 : s;
}

/* A of one layer's pattern: on[i] says point i is non-empty.  TU counts
 * the triples of points (i < j < l) whose pattern is 110 or 011, TDU those
 * that are 101; for each empty point z with a ones before it and b after,
 * there are C(a,2) + C(b,2) of the first and a*b of the second, so O(K). */
static double layer_agreement(const double *w, int K)
{
	double tu = 0, tdu = 0, u;
	int S = 0, before = 0;
	for (int i = 0; i < K; i++)
		S += w[i] > 0;
	for (int z = 0; z < K; z++) {
		if (w[z] > 0) {
			before++;
			continue;
		}
		double a = before, b = S - before;
		tu += a * (a - 1) / 2 + b * (b - 1) / 2;
		tdu += a * b;
	}
	if (tu + tdu == 0)
		u = 1;
	else
		u = ((K - 2) * tu - (K - 1) * tdu) / ((K - 2) * (tu + tdu));
	return u * (1 - (double)(S - 1) / (K - 1));
}

double measure_agreement(const double *dist, int np, double n, double *w)
{
	/* Counts left below eps of the total are rounding left over from
	 * fractional weights (1/3 + 1/3 + 1/3 - 1), not a layer. */
	double eps = n * 1e-12, a = 0;
	for (int i = 0; i < np; i++)
		w[i] = dist[i] > eps ? dist[i] : 0;
	for (;;) {
		double m = INFINITY;
		int S = 0;
		for (int i = 0; i < np; i++)
			if (w[i] > 0) {
				S++;
				if (w[i] < m)
					m = w[i];
			}
		if (S == 0)
			break;
		a += m * S / n * layer_agreement(w, np);
		for (int i = 0; i < np; i++)
			if (w[i] > 0) {
				w[i] -= m;
				if (w[i] <= eps)
					w[i] = 0;
			}
	}
	return a < -1 ? -1 : a > 1 ? 1 : a;
}

double measure_values_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double measure_weighted_median(struct measure_wv *a, size_t n, double total)
{
	double cum = 0;
	qsort(a, n, sizeof *a, cmp_wv);
	for (size_t i = 0; i < n; i++) {
		cum += a[i].w;
		if (feq(cum, total / 2))
			return i + 1 < n ? (a[i].v + a[i + 1].v) / 2 : a[i].v;
		if (cum > total / 2)
			return a[i].v;
	}
	return a[n - 1].v;
}

double measure_binned_median(const double *count, int nbins, double lo, double n)
{
	double cum = 0;
	for (int i = 0; i < nbins; i++) {
		if (count[i] <= 0)
			continue;
		cum += count[i];
		if (feq(cum, n / 2)) {
			int j = i + 1;
			while (j < nbins && count[j] <= 0)
				j++;
			return j < nbins ? lo + (i + j) / 2.0 : lo + i;
		}
		if (cum > n / 2)
			return lo + i;
	}
	return lo + (nbins > 0 ? nbins - 1 : 0);
}

int measure_hist_plan(struct measure_hist *h, int integer, double dmin, double dmax,
                      double omin, double omax)
{
	memset(h, 0, sizeof *h);
	if (integer && isfinite(dmin) && isfinite(dmax) && dmax >= dmin &&
	    floor(dmax) - ceil(dmin) + 1 <= MEASURE_HIST_VALUES && floor(dmax) >= ceil(dmin)) {
		h->lo = ceil(dmin);
		h->hi = floor(dmax);
		h->per_value = 1;
		h->nbins = (int)(h->hi - h->lo) + 1;
		return h->nbins;
	}
	h->lo = isfinite(dmin) ? dmin : omin;
	h->hi = isfinite(dmax) ? dmax : omax;
	if (!isfinite(h->lo) || !isfinite(h->hi) || h->hi < h->lo)
		return 0;
	h->nbins = h->hi > h->lo ? MEASURE_HIST_BINS : 1;
	return h->nbins;
}

double measure_hist_from(const struct measure_hist *h, int k)
{
	if (h->per_value)
		return h->lo + k;
	return k <= 0 ? h->lo : k >= h->nbins ? h->hi : h->lo + (h->hi - h->lo) * k / h->nbins;
}

double measure_hist_to(const struct measure_hist *h, int k)
{
	return h->per_value ? h->lo + k : measure_hist_from(h, k + 1);
}

int measure_hist_bin(const struct measure_hist *h, double v)
{
	int k, last = h->nbins - 1;
	if (last <= 0 || !(v > h->lo))
		return 0;
	if (h->per_value) {
		k = (int)floor(v - h->lo + 0.5);
	} else {
		double x = floor((v - h->lo) / (h->hi - h->lo) * h->nbins);
		k = x > last ? last : (int)x;
		/* the edges as printed decide, not the division's rounding */
		while (k < last && v >= measure_hist_from(h, k + 1))
			k++;
		while (k > 0 && v < measure_hist_from(h, k))
			k--;
	}
	return k < 0 ? 0 : k > last ? last : k;
}

void measure_borda_order(const double *borda, size_t m, size_t *ord)
{
	/* insertion sort: stable, and m is small */
	for (size_t i = 0; i < m; i++) {
		size_t j = i;
		while (j > 0 && fgt(borda[i], borda[ord[j - 1]])) {
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = i;
	}
}

void measure_schulze_order(const double *d, size_t m, double *p, size_t *wins, size_t *ord)
{
	/* a link i->j is d[i][j] when i beats j; widest paths by Floyd-Warshall */
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++)
			p[i * m + j] = i != j && fgt(d[i * m + j], d[j * m + i]) ? d[i * m + j] : 0;
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++) {
			if (i == j)
				continue;
			for (size_t k = 0; k < m; k++) {
				if (k == i || k == j)
					continue;
				double w = fmin(p[j * m + i], p[i * m + k]);
				if (w > p[j * m + k])
					p[j * m + k] = w;
			}
		}
	for (size_t i = 0; i < m; i++) {
		wins[i] = 0;
		for (size_t j = 0; j < m; j++)
			if (i != j && fgt(p[i * m + j], p[j * m + i]))
				wins[i]++;
	}
	for (size_t i = 0; i < m; i++) {
		size_t j = i;
		while (j > 0 && wins[i] > wins[ord[j - 1]]) {
			ord[j] = ord[j - 1];
			j--;
		}
		ord[j] = i;
	}
}

int measure_condorcet_winner(const double *d, size_t m)
{
	for (size_t i = 0; i < m; i++) {
		size_t j;
		for (j = 0; j < m; j++)
			if (j != i && !fgt(d[i * m + j], d[j * m + i]))
				break;
		if (j == m)
			return (int)i;
	}
	return -1;
}
