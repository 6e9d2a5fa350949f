/* measures.c - the tally's measures as pure functions over counts: what a
 * summary says about the numbers the engine (tally_rows.c) added up.
 * tally_json.c calls them while it writes each question.
 *
 * This file owns:
 *   1. the leader of a choice question;
 *   2. the scale's mean, lower median and Tastle-Wierman consensus;
 *   3. the lower medians of number questions, plain and weighted;
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

double measure_values_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return v[(n - 1) / 2];
}

double measure_weighted_median(struct measure_wv *a, size_t n, double total)
{
	double cum = 0;
	qsort(a, n, sizeof *a, cmp_wv);
	for (size_t i = 0; i < n; i++) {
		cum += a[i].w;
		if (cum >= total / 2 || feq(cum, total / 2))
			return a[i].v;
	}
	return a[n - 1].v;
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
