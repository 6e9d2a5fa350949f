/* test_measures.c - the tally's measures (core/measures.c) as pure
 * functions, on published worked examples and cases computed by hand:
 * Schulze's method on the 45-voter example of Wikipedia's "Schulze method"
 * article (E > A > C > B > D, no Condorcet winner), Tastle and Wierman's
 * consensus at its ends (one point: 1; the two ends: 0) and in between,
 * Borda points, leaders and medians with ties.  The engine's own tests
 * (test_tally.c) check the same measures through a whole database. */
#include "measures.h"

#include <check.h>
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
	ck_assert_double_eq(measure_values_median(v, 4), 2);
	double one[1] = {7};
	ck_assert_double_eq(measure_values_median(one, 1), 7);
	struct measure_wv w[3] = {{10, 1}, {2, 0.5}, {1, 0.5}};
	ck_assert_double_eq(measure_weighted_median(w, 3, 2), 2);
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
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
