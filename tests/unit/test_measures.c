/* test_measures.c - the tally's measures (core/measures.c) as pure
 * functions, on published worked examples and cases computed by hand:
 * Schulze's method on the 45-voter example of Wikipedia's "Schulze method"
 * article (E > A > C > B > D, no Condorcet winner), Tastle and Wierman's
 * consensus at its ends (one point: 1; the two ends: 0) and in between,
 * Borda points, leaders and medians with ties; Leik's D and van der
 * Eijk's A on the published (30,40,210,130,530,50,10) and (2,0,1,1), at
 * their ends, and against slow implementations of their definitions on
 * 1000 random distributions with whole and fractional (entity) weights;
 * the number histogram's bins.  The engine's own tests
 * (test_tally.c) check the same measures through a whole database. */
#include "measures.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>

/* Ballots as strings of option letters, best first: count x ranking. */
struct ballots {
	int count;
	const char *order;
};

static void add_ballots(size_t m, const struct ballots *b, size_t n, double *borda, double *pw)
{
	unsigned char mark[26];
	int o[26];
	for (size_t i = 0; i < n; i++) {
		int k = 0;
		for (const char *p = b[i].order; *p; p++)
			o[k++] = *p - 'A';
		for (int c = 0; c < b[i].count; c++)
			measure_rank_ballot(m, o, k, mark, borda, pw);
	}
}

/* Wikipedia, "Schulze method", the example with 45 voters and 5 candidates. */
static const struct ballots wiki45[] = {
	{5, "ACBED"}, {5, "ADECB"}, {8, "BEDAC"}, {3, "CABED"},
	{7, "CAEBD"}, {2, "CBADE"}, {7, "DCEBA"}, {8, "EBADC"},
};

START_TEST(test_schulze_wikipedia_45_voters_orders_e_a_c_b_d)
{
	double borda[5] = {0}, d[25] = {0}, p[25];
	size_t wins[5], ord[5];
	add_ballots(5, wiki45, sizeof wiki45 / sizeof wiki45[0], borda, d);
	/* the article's matrix of pairwise preferences, row A and column A */
	ck_assert_double_eq(d[0 * 5 + 1], 20);
	ck_assert_double_eq(d[0 * 5 + 2], 26);
	ck_assert_double_eq(d[0 * 5 + 3], 30);
	ck_assert_double_eq(d[0 * 5 + 4], 22);
	ck_assert_double_eq(d[1 * 5 + 0], 25);
	ck_assert_double_eq(d[2 * 5 + 0], 19);
	ck_assert_double_eq(d[3 * 5 + 0], 15);
	ck_assert_double_eq(d[4 * 5 + 0], 23);
	measure_schulze_order(d, 5, p, wins, ord);
	ck_assert_uint_eq(ord[0], 4); /* E */
	ck_assert_uint_eq(ord[1], 0); /* A */
	ck_assert_uint_eq(ord[2], 2); /* C */
	ck_assert_uint_eq(ord[3], 1); /* B */
	ck_assert_uint_eq(ord[4], 3); /* D */
	/* the strongest paths of the article: p[E][A] = 25 > p[A][E] = 24 */
	ck_assert_double_eq(p[4 * 5 + 0], 25);
	ck_assert_double_eq(p[0 * 5 + 4], 24);
	ck_assert_double_eq(p[4 * 5 + 3], 31);
	/* C beats E head to head (24 to 21), so no one beats every other */
	ck_assert_int_eq(measure_condorcet_winner(d, 5), -1);
}
END_TEST

START_TEST(test_condorcet_winner_beats_every_other_head_to_head)
{
	static const struct ballots b[] = {{4, "ABC"}, {3, "BCA"}, {2, "CAB"}};
	double borda[3] = {0}, d[9] = {0}, p[9];
	size_t wins[3], ord[3];
	add_ballots(3, b, 3, borda, d);
	/* A over B 6:3, A over C 4:5 -> C beats A; B over C 7:2: a cycle */
	ck_assert_int_eq(measure_condorcet_winner(d, 3), -1);
	static const struct ballots b2[] = {{4, "ABC"}, {3, "BAC"}, {2, "CAB"}};
	double borda2[3] = {0}, d2[9] = {0};
	add_ballots(3, b2, 3, borda2, d2);
	ck_assert_int_eq(measure_condorcet_winner(d2, 3), 0);
	measure_schulze_order(d2, 3, p, wins, ord);
	ck_assert_uint_eq(ord[0], 0);
}
END_TEST

START_TEST(test_rank_ballot_gives_borda_points_and_ranked_beats_unranked)
{
	static const struct ballots b[] = {{2, "ABC"}, {1, "BCA"}};
	double borda[3] = {0}, d[9] = {0};
	size_t ord[3];
	add_ballots(3, b, 2, borda, d);
	ck_assert_double_eq(borda[0], 4); /* 2 + 2 + 0 */
	ck_assert_double_eq(borda[1], 4); /* 1 + 1 + 2 */
	ck_assert_double_eq(borda[2], 1); /* 0 + 0 + 1 */
	measure_borda_order(borda, 3, ord);
	ck_assert_uint_eq(ord[0], 0); /* a tie keeps form order */
	ck_assert_uint_eq(ord[1], 1);
	ck_assert_uint_eq(ord[2], 2);

	/* a partial ballot: B alone beats both unranked, which tie */
	double bo[3] = {0}, pw[9] = {0};
	unsigned char mark[3];
	int o[1] = {1};
	measure_rank_ballot(3, o, 1, mark, bo, pw);
	ck_assert_double_eq(bo[1], 2);
	ck_assert_double_eq(pw[1 * 3 + 0], 1);
	ck_assert_double_eq(pw[1 * 3 + 2], 1);
	ck_assert_double_eq(pw[0 * 3 + 2], 0);
	ck_assert_double_eq(pw[2 * 3 + 0], 0);
}
END_TEST

START_TEST(test_consensus_one_point_is_one_and_two_ends_is_zero)
{
	double one[5] = {0, 0, 7, 0, 0}, ends[5] = {3, 0, 0, 0, 3};
	double m = measure_scale_mean(1, 5, one, 7);
	ck_assert_double_eq(m, 3);
	ck_assert_double_eq_tol(measure_consensus(1, 5, one, 7, m), 1, 1e-12);
	m = measure_scale_mean(1, 5, ends, 6);
	ck_assert_double_eq(m, 3);
	ck_assert_double_eq_tol(measure_consensus(1, 5, ends, 6, m), 0, 1e-12);
	/* a one-point scale has nothing to disagree on */
	double single[1] = {4};
	ck_assert_double_eq(measure_consensus(1, 1, single, 4, 1), 1);
}
END_TEST

START_TEST(test_consensus_between_the_ends_by_hand)
{
	/* half on 1, half on 2 of 1..5: mean 1.5, 1 + log2(1 - 0.5/4) */
	double half[5] = {5, 5, 0, 0, 0};
	double m = measure_scale_mean(1, 5, half, 10);
	ck_assert_double_eq(m, 1.5);
	ck_assert_double_eq_tol(measure_consensus(1, 5, half, 10, m), 1 + log2(0.875), 1e-12);
	ck_assert_double_eq_tol(measure_consensus(1, 5, half, 10, m), 0.807355, 1e-6);
	/* uniform on 1..5: 1 + 0.2 (2 log2 0.5 + 2 log2 0.75) = 0.433985 */
	double uni[5] = {2, 2, 2, 2, 2};
	m = measure_scale_mean(1, 5, uni, 10);
	ck_assert_double_eq_tol(measure_consensus(1, 5, uni, 10, m), 0.433985, 1e-6);
	/* the points' values do not matter, only their distances */
	ck_assert_double_eq_tol(measure_consensus(-2, 5, uni, 10, measure_scale_mean(-2, 5, uni, 10)),
	                        0.433985, 1e-6);
}
END_TEST

START_TEST(test_lower_median_is_the_first_point_reaching_half)
{
	double a[2] = {1, 1}, b[3] = {0, 3, 1}, c[3] = {1.0 / 3 + 1.0 / 3 + 1.0 / 3, 0, 1};
	ck_assert_int_eq(measure_lower_median(a, 2, 2), 0);
	ck_assert_int_eq(measure_lower_median(b, 3, 4), 1);
	ck_assert_int_eq(measure_lower_median(c, 3, 2), 0); /* reaches 1 up to rounding */
	ck_assert_int_eq(measure_lower_median(b, 3, 100), -1);
}
END_TEST

START_TEST(test_number_medians_plain_and_weighted)
{
	double v[4] = {5, 1, 3, 2};
	ck_assert_double_eq(measure_values_median(v, 4), 2.5); /* the mean of 2 and 3 */
	double odd[5] = {9, 1, 4, 4, 2};
	ck_assert_double_eq(measure_values_median(odd, 5), 4);
	double one[1] = {7};
	ck_assert_double_eq(measure_values_median(one, 1), 7);
	/* 1 (0.5), 2 (0.5), 10 (1): half of 2 is reached exactly after 2 */
	struct measure_wv w[3] = {{10, 1}, {2, 0.5}, {1, 0.5}};
	ck_assert_double_eq(measure_weighted_median(w, 3, 2), 6);
	/* 1/3 + 1/3 + 1/3 reaches 1 only up to rounding: still exactly half */
	struct measure_wv t[4] = {{1, 1.0 / 3}, {2, 1.0 / 3}, {3, 1.0 / 3}, {10, 1}};
	ck_assert_double_eq(measure_weighted_median(t, 4, 2), 6.5);
	struct measure_wv u[3] = {{1, 0.5}, {5, 1}, {7, 0.25}};
	ck_assert_double_eq(measure_weighted_median(u, 3, 1.75), 5); /* passes half inside 5 */
	struct measure_wv x[2] = {{4, 0.1}, {9, 0.1}};
	ck_assert_double_eq(measure_weighted_median(x, 2, 5), 9); /* never reached: the largest */
}
END_TEST

START_TEST(test_leader_is_none_on_a_tie_or_without_answers)
{
	double a[3] = {3, 1, 0}, b[3] = {2, 2, 1}, c[2] = {1.0 / 3 + 1.0 / 3 + 1.0 / 3, 1};
	ck_assert_int_eq(measure_leader(a, 3, 4), 0);
	ck_assert_int_eq(measure_leader(b, 3, 5), -1);
	ck_assert_int_eq(measure_leader(c, 2, 2), -1);
	ck_assert_int_eq(measure_leader(a, 3, 0), -1);
	ck_assert_int_eq(measure_position_consensus(3, 0), 1);
	ck_assert_int_eq(measure_position_consensus(3, 1), 0);
	ck_assert_int_eq(measure_position_consensus(0, 0), 0);
}
END_TEST

START_TEST(test_binned_median_takes_the_mean_across_empty_bins)
{
	double a[6] = {1, 0, 0, 1, 0, 0}; /* values 10 and 13 */
	ck_assert_double_eq(measure_binned_median(a, 6, 10, 2), 11.5);
	double b[3] = {1, 1, 1}; /* 0, 1, 2 */
	ck_assert_double_eq(measure_binned_median(b, 3, 0, 3), 1);
	double c[3] = {2, 0, 2};
	ck_assert_double_eq(measure_binned_median(c, 3, 5, 4), 6);
	double d[3] = {0, 3, 0};
	ck_assert_double_eq(measure_binned_median(d, 3, -1, 3), 0);
	/* with unit counts it is measure_values_median */
	unsigned s = 7;
	for (int trial = 0; trial < 200; trial++) {
		double bins[12] = {0}, vals[64];
		size_t n = 0;
		for (int i = 0; i < 12; i++) {
			s = s * 1103515245u + 12345u;
			bins[i] = (s >> 16) % 4;
			for (int k = 0; k < (int)bins[i]; k++)
				vals[n++] = 3 + i;
		}
		if (n == 0)
			continue;
		ck_assert_double_eq(measure_binned_median(bins, 12, 3, (double)n),
		                    measure_values_median(vals, n));
	}
}
END_TEST

/* ------------------------------------------------- Leik, van der Eijk */

/* Published: the frequency vector (30, 40, 210, 130, 530, 50, 10) of
 * van der Eijk (2001) and of R's agrmt documentation: A = 0.6113333 and
 * Leik's D = 0.287 (3 decimals). */
START_TEST(test_leik_and_agreement_published_values)
{
	double v[7] = {30, 40, 210, 130, 530, 50, 10}, w[7];
	ck_assert_double_eq_tol(measure_agreement(v, 7, 1000, w), 0.6113333, 5e-8);
	ck_assert_double_eq_tol(measure_leik(v, 7, 1000), 0.287, 5e-4);
	ck_assert_double_eq_tol(measure_leik(v, 7, 1000), 0.86 / 3, 1e-12);
	double x[4] = {2, 0, 1, 1};
	ck_assert_double_eq_tol(measure_agreement(x, 4, 4, w), 1.0 / 12, 1e-12); /* 0.0833 */
}
END_TEST

START_TEST(test_agreement_uniform_ends_and_one_point)
{
	double w[9];
	for (int k = 3; k <= 9; k++) {
		double uni[9], ends[9] = {0}, one[9] = {0};
		for (int i = 0; i < k; i++)
			uni[i] = 4;
		ends[0] = ends[k - 1] = 5;
		one[k / 2] = 7;
		ck_assert_double_eq_tol(measure_agreement(uni, k, 4.0 * k, w), 0, 1e-12);
		ck_assert_double_eq_tol(measure_agreement(ends, k, 10, w), -1, 1e-12);
		ck_assert_double_eq_tol(measure_agreement(one, k, 7, w), 1, 1e-12);
		/* Leik: 0 on one point, 1 split between the ends */
		ck_assert_double_eq_tol(measure_leik(one, k, 7), 0, 1e-12);
		ck_assert_double_eq_tol(measure_leik(ends, k, 10), 1, 1e-12);
	}
	/* fractional weights that sum to whole ones up to rounding */
	double third = 1.0 / 3, f[3] = {third + third + third, 1, 1}, g[3] = {third, 0, third};
	ck_assert_double_eq_tol(measure_agreement(f, 3, 3, w), 0, 1e-12);
	ck_assert_double_eq_tol(measure_agreement(g, 3, 2 * third, w), -1, 1e-12);
	double two[2] = {1, 1};
	ck_assert_double_eq_tol(measure_leik(two, 2, 2), 1, 1e-12);
	double single[1] = {3};
	ck_assert_double_eq(measure_leik(single, 1, 3), 0);
}
END_TEST

/* A by its definition, slowly: layers peeled as in van der Eijk (2001),
 * each layer's pattern judged on every triple of points i < j < l. */
static double slow_agreement(const double *dist, int k)
{
	double v[32], n = 0, a = 0;
	for (int i = 0; i < k; i++)
		n += v[i] = dist[i];
	for (;;) {
		double m = 0;
		int p[32], s = 0;
		for (int i = 0; i < k; i++) {
			p[i] = v[i] > n * 1e-12;
			if (p[i] && (s++ == 0 || v[i] < m))
				m = v[i];
		}
		if (s == 0)
			return a;
		long tu = 0, tdu = 0;
		for (int i = 0; i < k; i++)
			for (int j = i + 1; j < k; j++)
				for (int l = j + 1; l < k; l++) {
					if (p[i] && !p[j] && p[l])
						tdu++;
					else if ((p[i] && p[j] && !p[l]) || (!p[i] && p[j] && p[l]))
						tu++;
				}
		double u = tu + tdu == 0 ? 1
		                         : ((k - 2) * (double)tu - (k - 1) * (double)tdu) /
		                               ((k - 2) * (double)(tu + tdu));
		a += m * s / n * u * (1 - (double)(s - 1) / (k - 1));
		for (int i = 0; i < k; i++)
			if (p[i])
				v[i] = v[i] - m > n * 1e-12 ? v[i] - m : 0;
	}
}

/* Leik's D from the answers one by one: F_i counted as the weight of the
 * answers at or below point i. */
static double slow_leik(const int *point, const double *weight, int n, int k)
{
	double total = 0, d = 0;
	for (int a = 0; a < n; a++)
		total += weight[a];
	for (int i = 0; i < k - 1; i++) {
		double below = 0;
		for (int a = 0; a < n; a++)
			if (point[a] <= i)
				below += weight[a];
		double F = below / total;
		d += F <= 0.5 ? F : 1 - F;
	}
	return 2 * d / (k - 1);
}

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* 1000 random distributions, each with delegate weights (whole counts) and
 * entity weights (each entity's weight 1 split among its delegates, so the
 * counts are fractions such as 1/3 and 1/7). */
START_TEST(test_leik_and_agreement_match_brute_force_on_random_data)
{
	unsigned s = 2026;
	double w[21];
	for (int trial = 0; trial < 1000; trial++) {
		int k = 3 + (int)(rnd(&s) % 9), n = 1 + (int)(rnd(&s) % 40);
		int point[64], ent[64];
		double dw[64], ew[64], ddist[21] = {0}, edist[21] = {0}, ne = 0;
		int nent = 1 + (int)(rnd(&s) % 8), size[8] = {0};
		/* mostly near one point, sometimes anywhere */
		int centre = (int)(rnd(&s) % (unsigned)k), spread = 1 + (int)(rnd(&s) % (unsigned)k);
		for (int a = 0; a < n; a++) {
			int p = centre + (int)(rnd(&s) % (unsigned)(2 * spread + 1)) - spread;
			point[a] = p < 0 ? 0 : p >= k ? k - 1 : p;
			ent[a] = (int)(rnd(&s) % (unsigned)nent);
			size[ent[a]]++;
			dw[a] = 1;
		}
		for (int e = 0; e < nent; e++)
			ne += size[e] > 0;
		for (int a = 0; a < n; a++) {
			ew[a] = 1.0 / size[ent[a]];
			ddist[point[a]] += 1;
			edist[point[a]] += ew[a];
		}
		ck_assert_double_eq_tol(measure_agreement(ddist, k, n, w), slow_agreement(ddist, k),
		                        1e-9);
		ck_assert_double_eq_tol(measure_agreement(edist, k, ne, w), slow_agreement(edist, k),
		                        1e-9);
		ck_assert_double_eq_tol(measure_leik(ddist, k, n), slow_leik(point, dw, n, k), 1e-9);
		ck_assert_double_eq_tol(measure_leik(edist, k, ne), slow_leik(point, ew, n, k), 1e-9);
		/* both measures depend on shares only */
		double twice[21];
		for (int i = 0; i < k; i++)
			twice[i] = 2 * ddist[i];
		ck_assert_double_eq_tol(measure_agreement(twice, k, 2.0 * n, w),
		                        measure_agreement(ddist, k, n, w), 1e-9);
		double a = measure_agreement(edist, k, ne, w), l = measure_leik(edist, k, ne);
		ck_assert(a >= -1 && a <= 1 && l >= 0 && l <= 1);
	}
}
END_TEST

/* ------------------------------------------------------------ histogram */

START_TEST(test_histogram_one_bin_per_value_up_to_30_values)
{
	struct measure_hist h;
	ck_assert_int_eq(measure_hist_plan(&h, 1, 0, 20, 3, 7), 21);
	ck_assert(h.per_value);
	ck_assert_double_eq(measure_hist_from(&h, 4), 4);
	ck_assert_double_eq(measure_hist_to(&h, 4), 4);
	ck_assert_int_eq(measure_hist_bin(&h, 0), 0);
	ck_assert_int_eq(measure_hist_bin(&h, 20), 20);
	ck_assert_int_eq(measure_hist_plan(&h, 1, 1, 30, INFINITY, -INFINITY), 30);
	/* 31 values: ten bins over the declared range */
	ck_assert_int_eq(measure_hist_plan(&h, 1, 0, 30, 5, 5), 10);
	ck_assert(!h.per_value);
	ck_assert_double_eq(measure_hist_from(&h, 0), 0);
	ck_assert_double_eq(measure_hist_to(&h, 0), 3);
	ck_assert_double_eq(measure_hist_from(&h, 9), 27);
	ck_assert_double_eq(measure_hist_to(&h, 9), 30);
	ck_assert_int_eq(measure_hist_bin(&h, 2.999), 0);
	ck_assert_int_eq(measure_hist_bin(&h, 3), 1);   /* [from, to) */
	ck_assert_int_eq(measure_hist_bin(&h, 30), 9);  /* the last is closed */
	/* an integer question without a declared max: ten bins, observed max */
	ck_assert_int_eq(measure_hist_plan(&h, 1, 0, INFINITY, 2, 5), 10);
	ck_assert_double_eq(measure_hist_to(&h, 9), 5);
}
END_TEST

START_TEST(test_histogram_ten_bins_edges_decide)
{
	struct measure_hist h;
	/* not integer: observed bounds where undeclared */
	ck_assert_int_eq(measure_hist_plan(&h, 0, -INFINITY, INFINITY, 0, 1), 10);
	for (int k = 0; k < 10; k++) {
		ck_assert_double_eq(measure_hist_to(&h, k), measure_hist_from(&h, k + 1));
		/* a value on an edge is in the bin that edge opens */
		ck_assert_int_eq(measure_hist_bin(&h, measure_hist_from(&h, k)), k);
	}
	ck_assert_double_eq(measure_hist_from(&h, 3), 0.3);
	ck_assert_int_eq(measure_hist_bin(&h, 0.3), 3); /* 0.3 / 0.1 rounds to 2.999... */
	ck_assert_int_eq(measure_hist_bin(&h, 1), 9);
	ck_assert_int_eq(measure_hist_bin(&h, -5), 0);  /* clamped */
	/* a single observed value: one closed bin */
	ck_assert_int_eq(measure_hist_plan(&h, 0, -INFINITY, INFINITY, 2.5, 2.5), 1);
	ck_assert_double_eq(measure_hist_from(&h, 0), 2.5);
	ck_assert_double_eq(measure_hist_to(&h, 0), 2.5);
	ck_assert_int_eq(measure_hist_bin(&h, 2.5), 0);
	/* nothing declared, nothing answered: no bins */
	ck_assert_int_eq(measure_hist_plan(&h, 0, -INFINITY, INFINITY, INFINITY, -INFINITY), 0);
	/* declared both: bins even with no answers */
	ck_assert_int_eq(measure_hist_plan(&h, 0, -1, 1, INFINITY, -INFINITY), 10);
	ck_assert_double_eq(measure_hist_from(&h, 5), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("measures");
	TCase *tc = tcase_create("measures");
	tcase_add_test(tc, test_schulze_wikipedia_45_voters_orders_e_a_c_b_d);
	tcase_add_test(tc, test_condorcet_winner_beats_every_other_head_to_head);
	tcase_add_test(tc, test_rank_ballot_gives_borda_points_and_ranked_beats_unranked);
	tcase_add_test(tc, test_consensus_one_point_is_one_and_two_ends_is_zero);
	tcase_add_test(tc, test_consensus_between_the_ends_by_hand);
	tcase_add_test(tc, test_lower_median_is_the_first_point_reaching_half);
	tcase_add_test(tc, test_number_medians_plain_and_weighted);
	tcase_add_test(tc, test_leader_is_none_on_a_tie_or_without_answers);
	tcase_add_test(tc, test_binned_median_takes_the_mean_across_empty_bins);
	tcase_add_test(tc, test_leik_and_agreement_published_values);
	tcase_add_test(tc, test_agreement_uniform_ends_and_one_point);
	tcase_add_test(tc, test_leik_and_agreement_match_brute_force_on_random_data);
	tcase_add_test(tc, test_histogram_one_bin_per_value_up_to_30_values);
	tcase_add_test(tc, test_histogram_ten_bins_edges_decide);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
