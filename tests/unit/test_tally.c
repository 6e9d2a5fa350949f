/* test_tally.c - the tally engine: every measure of interface.md against
 * cases computed by hand and published worked examples (Schulze's 45-voter
 * example; Tastle and Wierman's consensus, with the agrmt package's sample),
 * and properties: ballot order does not matter, duplicating every ballot
 * doubles counts and keeps shares, entity weighting with one delegate per
 * entity equals delegate weighting, pseudonymous output names no entity;
 * and the streamed JSON (snd_tally_write_json) against exact expected bytes
 * and against the pretty-printed tree, with lists in memory or spilled.
 *
 * Databases are built through the real store: forms through snd_form_parse,
 * answers through snd_form_check_answers and snd_answers_hash, rows through
 * snd_store_append with a fresh receipt key, exactly as the collector does.
 * Each test works in its own mkdtemp directory, removed by the fixture. */
#include "sounding.h"

#include <check.h>
#include <sqlite3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static int ndb;
static uint8_t rpk[SND_PK_BYTES], rsk[SND_SK_BYTES];

struct db {
	char path[128];
	struct snd_store *st;
	struct snd_form *f;
	int64_t now;
};

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/snd_tally_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(snd_keypair(rpk, rsk), SND_OK);
	ndb = 0;
}

static void teardown(void)
{
	char p[256];
	for (int i = 0; i < ndb; i++) {
		static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
		for (size_t k = 0; k < 4; k++) {
			snprintf(p, sizeof p, "%s/t%d.db%s", dir, i, sfx[k]);
			unlink(p);
		}
	}
	rmdir(dir);
}

/* ------------------------------------------------------------- helpers */

#define ALL_QUESTIONS \
	"{\"id\":\"pick\",\"type\":\"single\",\"text\":\"t\",\"options\":[\"a\",\"b\",\"c\"]}," \
	"{\"id\":\"tools\",\"type\":\"multi\",\"text\":\"t\",\"options\":[\"a\",\"b\",\"c\"]}," \
	"{\"id\":\"clear\",\"type\":\"scale\",\"min\":1,\"max\":5,\"no_view\":true,\"text\":\"t\"}," \
	"{\"id\":\"grid\",\"type\":\"matrix\",\"min\":1,\"max\":3,\"no_view\":true,\"text\":\"t\"," \
	" \"rows\":[{\"id\":\"r1\",\"label\":\"R1\"},{\"id\":\"r2\",\"label\":\"R2\"}]}," \
	"{\"id\":\"order\",\"type\":\"rank\",\"text\":\"t\",\"options\":[\"x\",\"y\",\"z\"]}," \
	"{\"id\":\"prop\",\"type\":\"position\",\"text\":\"t\"}," \
	"{\"id\":\"count\",\"type\":\"number\",\"min\":0,\"max\":20,\"integer\":true,\"text\":\"t\"}," \
	"{\"id\":\"ratio\",\"type\":\"number\",\"text\":\"t\"}," \
	"{\"id\":\"why\",\"type\":\"text\",\"text\":\"t\"}"

#define FORM(anon, questions) \
	"{\"id\":\"q1\",\"languages\":[\"en\"],\"title\":\"T\",\"anonymity\":\"" anon "\"," \
	"\"public_attributes\":[\"category\",\"sg\",\"region\"],\"min_group\":1," \
	"\"sections\":[{\"id\":\"s\",\"title\":\"S\",\"questions\":[" questions "]}]}"

static const char *const form_all = FORM("attributed", ALL_QUESTIONS);
static const char *const form_all_pseudo = FORM("pseudonymous", ALL_QUESTIONS);

static void db_open(struct db *d, const char *form_json)
{
	struct snd_diag diag;
	char err[512];
	enum snd_err e;

	memset(d, 0, sizeof *d);
	snprintf(d->path, sizeof d->path, "%s/t%d.db", dir, ndb++);
	snd_diag_init(&diag);
	e = snd_form_parse(form_json, strlen(form_json), "test.json", &d->f, &diag);
	ck_assert_msg(e == SND_OK, "form: %s: %s", diag.n ? diag.items[0].where : "",
	              diag.n ? diag.items[0].msg : "");
	snd_diag_free(&diag);
	e = snd_store_open(d->path, SND_STORE_WRITE, &d->st, err, sizeof err);
	ck_assert_msg(e == SND_OK, "open: %s", err);
	ck_assert_int_eq(snd_store_put_form(d->st, d->f), SND_OK);
	ck_assert_int_eq(snd_store_begin(d->st), SND_OK);
	d->now = 1769414400000; /* 2026-01-26 */
}

static void db_close(struct db *d)
{
	snd_store_close(d->st);
	snd_form_free(d->f);
}

/* Stores raw answers text as is (for rows the collector would never write). */
static void put_raw(struct db *d, const char *sub, const char *ent, const char *attrs,
                    const char *answers)
{
	struct snd_submission m;
	char hash[65], jti[80];
	int64_t rev;
	char *receipt = NULL;

	snd_sha256_hex(answers, strlen(answers), hash);
	snprintf(jti, sizeof jti, "jti-%s", sub);
	memset(&m, 0, sizeof m);
	m.qid = d->f->id;
	m.sub = sub;
	m.ent = ent;
	m.attrs = attrs ? attrs : "{}";
	m.jti = jti;
	m.answers = answers;
	m.answers_len = strlen(answers);
	m.hash = hash;
	ck_assert_msg(snd_store_append(d->st, &m, rsk, d->now++, &rev, &receipt) == SND_OK,
	              "append: %s", snd_store_errmsg(d->st));
	free(receipt);
}

/* Checks answers against the form and stores their canonical JSON, as the
 * collector does. */
static void put(struct db *d, const char *sub, const char *ent, const char *attrs,
                const char *answers)
{
	struct snd_diag errs;
	struct snd_buf canon;
	cJSON *a = cJSON_Parse(answers), *clean = NULL;
	char hex[65];

	ck_assert_msg(a != NULL, "bad test JSON: %s", answers);
	snd_diag_init(&errs);
	ck_assert_msg(snd_form_check_answers(d->f, a, &clean, &errs) == SND_OK, "answers %s: %s: %s",
	              answers, errs.n ? errs.items[0].where : "", errs.n ? errs.items[0].msg : "");
	snd_diag_free(&errs);
	snd_buf_init(&canon, 0);
	ck_assert_int_eq(snd_answers_hash(clean, &canon, hex), SND_OK);
	put_raw(d, sub, ent, attrs, canon.data);
	snd_buf_free(&canon);
	cJSON_Delete(clean);
	cJSON_Delete(a);
}

/* Like put(), but stores the checked answers pretty-printed (whitespace,
 * form order): text the fast scanner refuses, so the cJSON path reads it. */
static void put_pretty(struct db *d, const char *sub, const char *ent, const char *attrs,
                       const char *answers)
{
	struct snd_diag errs;
	cJSON *a = cJSON_Parse(answers), *clean = NULL;
	ck_assert_ptr_nonnull(a);
	snd_diag_init(&errs);
	ck_assert_int_eq(snd_form_check_answers(d->f, a, &clean, &errs), SND_OK);
	snd_diag_free(&errs);
	char *text = cJSON_Print(clean);
	put_raw(d, sub, ent, attrs, text);
	free(text);
	cJSON_Delete(clean);
	cJSON_Delete(a);
}

static cJSON *summary_of(struct db *d, const char *by, enum snd_weight w)
{
	struct snd_tally_opts o = {by, w};
	cJSON *out = NULL;
	char err[256] = "";
	ck_assert_int_eq(snd_store_commit(d->st), SND_OK);
	enum snd_err e = snd_tally_summary(d->st, d->f, &o, &out, err, sizeof err);
	ck_assert_msg(e == SND_OK, "summary: %s: %s", snd_strerror(e), err);
	ck_assert_int_eq(snd_store_begin(d->st), SND_OK);
	return out;
}

static cJSON *summary(struct db *d)
{
	return summary_of(d, NULL, SND_WEIGHT_DELEGATE);
}

static const cJSON *item(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	ck_assert_msg(v != NULL, "no \"%s\" in %s", k, o && o->string ? o->string : "object");
	return v;
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = item(o, k);
	ck_assert_msg(cJSON_IsNumber(v), "\"%s\" is not a number", k);
	return v->valuedouble;
}

static int is_null(const cJSON *o, const char *k)
{
	return cJSON_IsNull(item(o, k));
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = item(o, k);
	ck_assert_msg(cJSON_IsString(v), "\"%s\" is not a string", k);
	return v->valuestring;
}

/* The summary of question id in a questions array's owner. */
static const cJSON *question(const cJSON *sum, const char *id)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, item(sum, "questions"))
		if (strcmp(str(it, "id"), id) == 0)
			return it;
	ck_abort_msg("no question %s", id);
	return NULL;
}

/* The element of array arr whose "id" is id. */
static const cJSON *by_id(const cJSON *arr, const char *id)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		if (strcmp(str(it, "id"), id) == 0)
			return it;
	ck_abort_msg("no element %s", id);
	return NULL;
}

#define ck_assert_near(a, b) \
	ck_assert_msg(fabs((double)(a) - (double)(b)) <= 1e-9 * fmax(1, fabs((double)(b))), \
	              "%s = %.17g, expected %.17g", #a, (double)(a), (double)(b))

/* The ids of a JSON array of strings, joined by spaces. */
static void join_ids(const cJSON *arr, char *out, size_t n)
{
	const cJSON *it;
	size_t len = 0;
	out[0] = '\0';
	cJSON_ArrayForEach(it, arr) {
		const char *s = cJSON_IsString(it) ? it->valuestring : str(it, "id");
		int w = snprintf(out + len, n - len, "%s%s", len ? " " : "", s);
		ck_assert(w > 0 && (size_t)w < n - len);
		len += (size_t)w;
	}
}

/* Numbers equal up to rounding, everything else exactly. */
static int json_close(const cJSON *a, const cJSON *b)
{
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return fabs(a->valuedouble - b->valuedouble) <=
		       1e-9 * fmax(1, fmax(fabs(a->valuedouble), fabs(b->valuedouble)));
	if ((a->type & 0xff) != (b->type & 0xff))
		return 0;
	if (cJSON_IsArray(a) || cJSON_IsObject(a)) {
		const cJSON *x = a->child, *y = b->child;
		for (; x && y; x = x->next, y = y->next) {
			if (cJSON_IsObject(a) && strcmp(x->string, y->string) != 0)
				return 0;
			if (!json_close(x, y))
				return 0;
		}
		return x == NULL && y == NULL;
	}
	return cJSON_Compare(a, b, 1);
}

static void assert_close(const cJSON *a, const cJSON *b)
{
	if (!json_close(a, b)) {
		char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
		ck_abort_msg("summaries differ:\n%.1500s\n%.1500s", x, y); /* Check caps messages */
	}
}

/* ------------------------------------------------------- single, multi */

START_TEST(test_single_counts_shares_and_leader)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"pick\":\"a\"}");
	put(&d, "d2", "E2", NULL, "{\"pick\":\"a\"}");
	put(&d, "d3", "E3", NULL, "{\"pick\":\"b\"}");
	put(&d, "d4", "E4", NULL, "{\"clear\":3}");
	cJSON *s = summary(&d);
	ck_assert_str_eq(str(s, "questionnaire"), "q1");
	ck_assert_str_eq(str(s, "weight"), "delegate");
	ck_assert_int_eq(num(s, "responses"), 4);
	const cJSON *q = question(s, "pick");
	ck_assert_str_eq(str(q, "type"), "single");
	ck_assert_int_eq(num(q, "answered"), 3);
	char ids[64];
	join_ids(item(q, "options"), ids, sizeof ids);
	ck_assert_str_eq(ids, "a b c"); /* form order */
	ck_assert_int_eq(num(by_id(item(q, "options"), "a"), "count"), 2);
	ck_assert_near(num(by_id(item(q, "options"), "a"), "share"), 2.0 / 3);
	ck_assert_near(num(by_id(item(q, "options"), "b"), "share"), 1.0 / 3);
	ck_assert_int_eq(num(by_id(item(q, "options"), "c"), "count"), 0);
	ck_assert_int_eq(num(by_id(item(q, "options"), "c"), "share"), 0);
	ck_assert_str_eq(str(q, "leader"), "a");
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_single_tie_has_no_leader)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"pick\":\"a\"}");
	put(&d, "d2", "E2", NULL, "{\"pick\":\"c\"}");
	cJSON *s = summary(&d);
	ck_assert(is_null(question(s, "pick"), "leader"));
	/* nothing answered: no leader, shares 0 */
	ck_assert(is_null(question(s, "tools"), "leader"));
	ck_assert_int_eq(num(by_id(item(question(s, "tools"), "options"), "a"), "share"), 0);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_multi_share_is_of_respondents)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"tools\":[\"a\",\"b\"]}");
	put(&d, "d2", "E2", NULL, "{\"tools\":[\"a\"]}");
	put(&d, "d3", "E3", NULL, "{\"tools\":[\"c\",\"a\"]}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "tools"), *o = item(q, "options");
	ck_assert_int_eq(num(q, "answered"), 3);
	ck_assert_int_eq(num(by_id(o, "a"), "count"), 3);
	ck_assert_near(num(by_id(o, "a"), "share"), 1.0);
	ck_assert_near(num(by_id(o, "b"), "share"), 1.0 / 3);
	ck_assert_near(num(by_id(o, "c"), "share"), 1.0 / 3);
	ck_assert_str_eq(str(q, "leader"), "a");
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* ---------------------------------------------------------- scale, matrix */

START_TEST(test_scale_distribution_mean_lower_median_consensus)
{
	struct db d;
	db_open(&d, form_all);
	/* 1, 2, 2, 4 and one "no view" */
	put(&d, "d1", "E1", NULL, "{\"clear\":1}");
	put(&d, "d2", "E2", NULL, "{\"clear\":2}");
	put(&d, "d3", "E3", NULL, "{\"clear\":2}");
	put(&d, "d4", "E4", NULL, "{\"clear\":4}");
	put(&d, "d5", "E5", NULL, "{\"clear\":null}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "clear"), *dist = item(q, "distribution");
	ck_assert_int_eq(num(q, "answered"), 4); /* no view is not counted */
	ck_assert_int_eq(cJSON_GetArraySize(dist), 5); /* the whole scale */
	ck_assert_int_eq(num(dist, "1"), 1);
	ck_assert_int_eq(num(dist, "2"), 2);
	ck_assert_int_eq(num(dist, "3"), 0);
	ck_assert_int_eq(num(dist, "4"), 1);
	ck_assert_int_eq(num(dist, "5"), 0);
	ck_assert_near(num(q, "mean"), 2.25);
	/* cumulative shares 0.25, 0.75: the smallest point reaching 0.5 is 2 */
	ck_assert_int_eq(num(q, "median"), 2);
	/* mu = 2.25, width 4: 1 + .25 log2(1 - 1.25/4) + .5 log2(1 - .25/4)
	 *                      + .25 log2(1 - 1.75/4) */
	ck_assert_near(num(q, "consensus"), 0.6107844528241617);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_scale_median_is_the_lower_one_on_an_even_split)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"clear\":2}");
	put(&d, "d2", "E2", NULL, "{\"clear\":5}");
	cJSON *s = summary(&d);
	ck_assert_int_eq(num(question(s, "clear"), "median"), 2);
	ck_assert_near(num(question(s, "clear"), "mean"), 3.5);
	/* nothing answered: the statistics are null */
	const cJSON *g = by_id(item(question(s, "grid"), "rows"), "r1");
	ck_assert(is_null(g, "mean") && is_null(g, "median") && is_null(g, "consensus"));
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* Consensus of a distribution over 1..5 given as counts. */
static double consensus_of(const int counts[5])
{
	struct db d;
	char sub[32], ans[64];
	int k = 0;
	db_open(&d, form_all);
	for (int pt = 0; pt < 5; pt++)
		for (int i = 0; i < counts[pt]; i++) {
			snprintf(sub, sizeof sub, "d%d", k++);
			snprintf(ans, sizeof ans, "{\"clear\":%d}", pt + 1);
			put(&d, sub, sub, NULL, ans);
		}
	cJSON *s = summary(&d);
	double c = num(question(s, "clear"), "consensus");
	cJSON_Delete(s);
	db_close(&d);
	return c;
}

START_TEST(test_tastle_wierman_extremes_and_uniform)
{
	/* Tastle & Wierman (2007): an even split between the ends is no
	 * consensus at all, everyone on one point is full consensus. */
	static const int split[5] = {1, 0, 0, 0, 1};
	static const int one[5] = {0, 0, 3, 0, 0};
	static const int uniform[5] = {1, 1, 1, 1, 1};
	ck_assert_near(consensus_of(split), 0.0);
	ck_assert_near(consensus_of(one), 1.0);
	/* Uniform over 1..5: mu = 3, 1 + 2(.2 log2 .5) + 2(.2 log2 .75)
	 * = 1 - .4 + .4 log2 .75 = 0.43398500028846... (computed from the formula;
	 * 0.4172 sometimes quoted does not follow from it). */
	ck_assert_near(consensus_of(uniform), 0.6 + 0.4 * log2(0.75));
	ck_assert_near(consensus_of(uniform), 0.43398500028846243);
}
END_TEST

START_TEST(test_tastle_wierman_agrees_with_agrmt_sample_on_seven_points)
{
	/* The R package agrmt documents consensus(c(30,40,210,130,530,50,10))
	 * = 0.7256876 on a 7-point scale; the same shares at a tenth of the
	 * counts give the same measure. */
	static const int counts[7] = {3, 4, 21, 13, 53, 5, 1};
	struct db d;
	char sub[32], ans[64];
	int k = 0;
	db_open(&d, FORM("attributed",
	                 "{\"id\":\"s7\",\"type\":\"scale\",\"min\":1,\"max\":7,\"text\":\"t\"}"));
	for (int pt = 0; pt < 7; pt++)
		for (int i = 0; i < counts[pt]; i++) {
			snprintf(sub, sizeof sub, "d%d", k++);
			snprintf(ans, sizeof ans, "{\"s7\":%d}", pt + 1);
			put(&d, sub, "E", NULL, ans);
		}
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "s7");
	ck_assert_int_eq(num(q, "answered"), 100);
	ck_assert_msg(fabs(num(q, "consensus") - 0.7256876) < 5e-8, "consensus %.9f",
	              num(q, "consensus"));
	ck_assert_int_eq(num(q, "median"), 5); /* cumulative 3,7,28,41,94 of 100 */
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_matrix_rows_are_scales_and_no_view_is_not_answered)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"grid\":{\"r1\":1,\"r2\":3}}");
	put(&d, "d2", "E2", NULL, "{\"grid\":{\"r1\":3,\"r2\":null}}");
	put(&d, "d3", "E3", NULL, "{\"grid\":{\"r1\":null}}");
	put(&d, "d4", "E4", NULL, "{\"grid\":{\"r2\":3}}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "grid");
	ck_assert_str_eq(str(q, "type"), "matrix");
	ck_assert_int_eq(num(q, "answered"), 3); /* d3 only said "no view" */
	const cJSON *r1 = by_id(item(q, "rows"), "r1"), *r2 = by_id(item(q, "rows"), "r2");
	ck_assert_int_eq(num(r1, "answered"), 2);
	ck_assert_int_eq(num(item(r1, "distribution"), "1"), 1);
	ck_assert_int_eq(num(item(r1, "distribution"), "2"), 0);
	ck_assert_int_eq(num(item(r1, "distribution"), "3"), 1);
	ck_assert_near(num(r1, "mean"), 2);
	ck_assert_int_eq(num(r1, "median"), 1);
	ck_assert_near(num(r1, "consensus"), 0); /* split between the ends */
	ck_assert_int_eq(num(r2, "answered"), 2);
	ck_assert_near(num(r2, "consensus"), 1);
	ck_assert_int_eq(num(r2, "median"), 3);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* ------------------------------------------------------------------ rank */

START_TEST(test_rank_borda_pairwise_and_partial_ballots)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"order\":[\"x\",\"y\",\"z\"]}");
	put(&d, "d2", "E2", NULL, "{\"order\":[\"y\"]}");
	put(&d, "d3", "E3", NULL, "{\"order\":[\"z\",\"x\"]}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "order"), *pw = item(q, "pairwise");
	char ids[64];
	ck_assert_int_eq(num(q, "answered"), 3);
	/* m = 3: first 2, second 1, third or unranked 0.  x 2+0+1, y 1+2+0,
	 * z 0+0+2; x and y tie and keep form order. */
	join_ids(item(q, "borda"), ids, sizeof ids);
	ck_assert_str_eq(ids, "x y z");
	ck_assert_int_eq(num(by_id(item(q, "borda"), "x"), "score"), 3);
	ck_assert_int_eq(num(by_id(item(q, "borda"), "y"), "score"), 3);
	ck_assert_int_eq(num(by_id(item(q, "borda"), "z"), "score"), 2);
	/* ranked beats unranked (d2: y over x and z), unranked ones tie (d2: x
	 * vs z counts for neither) */
	ck_assert_int_eq(num(item(pw, "x"), "y"), 2);
	ck_assert_int_eq(num(item(pw, "y"), "x"), 1);
	ck_assert_int_eq(num(item(pw, "x"), "z"), 1);
	ck_assert_int_eq(num(item(pw, "z"), "x"), 1);
	ck_assert_int_eq(num(item(pw, "y"), "z"), 2);
	ck_assert_int_eq(num(item(pw, "z"), "y"), 1);
	ck_assert_int_eq(cJSON_GetArraySize(item(pw, "x")), 2); /* no diagonal */
	/* x ties z head to head: no Condorcet winner.  Schulze: x->y (2),
	 * y->z (2) so x->z by path 2 > 0: x beats 2, y beats 1. */
	ck_assert(is_null(q, "condorcet_winner"));
	join_ids(item(q, "schulze"), ids, sizeof ids);
	ck_assert_str_eq(ids, "x y z");
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_rank_condorcet_winner_beats_every_other_option)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"order\":[\"z\",\"x\",\"y\"]}");
	put(&d, "d2", "E2", NULL, "{\"order\":[\"z\",\"y\"]}");
	put(&d, "d3", "E3", NULL, "{\"order\":[\"y\",\"z\",\"x\"]}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "order");
	char ids[64];
	ck_assert_str_eq(str(q, "condorcet_winner"), "z");
	join_ids(item(q, "schulze"), ids, sizeof ids);
	ck_assert_str_eq(ids, "z y x");
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

#define FIVE_OPTS "[\"a\",\"b\",\"c\",\"d\",\"e\"]"

START_TEST(test_schulze_wikipedia_example_orders_e_a_c_b_d)
{
	/* Schulze's 45-voter example (Wikipedia, "Schulze method"). */
	static const struct {
		int n;
		const char *order;
	} groups[] = {
		{5, "acbed"}, {5, "adecb"}, {8, "bedac"}, {3, "cabed"},
		{7, "caebd"}, {2, "cbade"}, {7, "dceba"}, {8, "ebadc"},
	};
	/* d[X][Y] from the example's pairwise table */
	static const int dtab[5][5] = {
		{0, 20, 26, 30, 22}, {25, 0, 16, 33, 18}, {19, 29, 0, 17, 24},
		{15, 12, 28, 0, 14}, {23, 27, 21, 31, 0},
	};
	struct db d;
	char sub[32], ans[128];
	int k = 0;
	db_open(&d, FORM("attributed", "{\"id\":\"w\",\"type\":\"rank\",\"text\":\"t\",\"options\":" FIVE_OPTS "}"));
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		for (int i = 0; i < groups[g].n; i++) {
			const char *o = groups[g].order;
			snprintf(sub, sizeof sub, "v%d", k++);
			snprintf(ans, sizeof ans, "{\"w\":[\"%c\",\"%c\",\"%c\",\"%c\",\"%c\"]}", o[0] | 0x20,
			         o[1] | 0x20, o[2] | 0x20, o[3] | 0x20, o[4] | 0x20);
			put(&d, sub, sub, NULL, ans);
		}
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "w"), *pw = item(q, "pairwise");
	char ids[64], a[2] = "a", b[2] = "a";
	ck_assert_int_eq(num(q, "answered"), 45);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 5; j++) {
			if (i == j)
				continue;
			a[0] = (char)('a' + i);
			b[0] = (char)('a' + j);
			ck_assert_msg(num(item(pw, a), b) == dtab[i][j], "d[%s][%s] = %g, expected %d", a, b,
			              num(item(pw, a), b), dtab[i][j]);
		}
	join_ids(item(q, "schulze"), ids, sizeof ids);
	ck_assert_str_eq(ids, "e a c b d");
	ck_assert(is_null(q, "condorcet_winner")); /* A>C>B>E>A... a cycle */
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* -------------------------------------------------------------- position */

START_TEST(test_position_counts_consensus_and_objections)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "Ruritania", NULL, "{\"prop\":{\"position\":\"support\"}}");
	put(&d, "d2", "Freedonia", NULL, "{\"prop\":{\"position\":\"live_with\"}}");
	put(&d, "d3", "Syldavia", NULL,
	    "{\"prop\":{\"position\":\"object\",\"reason\":\"Too \\\"early\\\"\\n\\u00e9t\\u00e9\"}}");
	put(&d, "d4", "Borduria", NULL, "{\"prop\":{\"position\":\"abstain\"}}");
	put(&d, "d5", "Elbonia", NULL, "{\"prop\":{\"position\":\"object\",\"reason\":\"Costs\"}}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "prop"), *ob = item(q, "objections");
	ck_assert_int_eq(num(q, "answered"), 5);
	ck_assert_int_eq(num(q, "support"), 1);
	ck_assert_int_eq(num(q, "live_with"), 1);
	ck_assert_int_eq(num(q, "object"), 2);
	ck_assert_int_eq(num(q, "abstain"), 1);
	ck_assert(cJSON_IsFalse(item(q, "consensus")));
	ck_assert_int_eq(cJSON_GetArraySize(ob), 2);
	/* sorted by entity, so results do not depend on submission order */
	ck_assert_str_eq(str(cJSON_GetArrayItem(ob, 0), "entity"), "Elbonia");
	ck_assert_str_eq(str(cJSON_GetArrayItem(ob, 0), "reason"), "Costs");
	ck_assert_str_eq(str(cJSON_GetArrayItem(ob, 1), "entity"), "Syldavia");
	ck_assert_str_eq(str(cJSON_GetArrayItem(ob, 1), "reason"), "Too \"early\"\n\xc3\xa9t\xc3\xa9");
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_position_consensus_needs_answers_and_no_objection)
{
	struct db d;
	db_open(&d, FORM("attributed", "{\"id\":\"p1\",\"type\":\"position\",\"text\":\"t\"},"
	                               "{\"id\":\"p2\",\"type\":\"position\",\"text\":\"t\"}"));
	put(&d, "d1", "E1", NULL, "{\"p1\":{\"position\":\"support\"}}");
	put(&d, "d2", "E2", NULL, "{\"p1\":{\"position\":\"live_with\",\"reason\":\"fine\"}}");
	cJSON *s = summary(&d);
	ck_assert(cJSON_IsTrue(item(question(s, "p1"), "consensus")));
	ck_assert_int_eq(cJSON_GetArraySize(item(question(s, "p1"), "objections")), 0);
	ck_assert(cJSON_IsFalse(item(question(s, "p2"), "consensus"))); /* nobody answered */
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* ---------------------------------------------------------- number, text */

START_TEST(test_number_min_max_mean_usual_median)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"count\":8,\"ratio\":2.5}");
	put(&d, "d2", "E2", NULL, "{\"count\":3,\"ratio\":-1.25}");
	put(&d, "d3", "E3", NULL, "{\"count\":10,\"ratio\":1e3}");
	put(&d, "d4", "E4", NULL, "{\"count\":5}");
	cJSON *s = summary(&d);
	const cJSON *c = question(s, "count"), *r = question(s, "ratio");
	ck_assert_int_eq(num(c, "answered"), 4);
	ck_assert_int_eq(num(c, "min"), 3);
	ck_assert_int_eq(num(c, "max"), 10);
	ck_assert_near(num(c, "mean"), 6.5);
	ck_assert_near(num(c, "median"), 6.5); /* the mean of 5 and 8 (binned) */
	ck_assert_int_eq(num(r, "answered"), 3);
	ck_assert_near(num(r, "min"), -1.25);
	ck_assert_near(num(r, "max"), 1000);
	ck_assert_near(num(r, "mean"), (2.5 - 1.25 + 1000) / 3);
	ck_assert_near(num(r, "median"), 2.5);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_number_without_answers_is_null)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"pick\":\"a\"}");
	cJSON *s = summary(&d);
	const cJSON *r = question(s, "ratio");
	ck_assert_int_eq(num(r, "answered"), 0);
	ck_assert(is_null(r, "min") && is_null(r, "max") && is_null(r, "mean") &&
	          is_null(r, "median"));
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_text_comments_are_collated_with_entity)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "Zembla", NULL, "{\"why\":\"Because \\\"SG13\\\" leads.\"}");
	put(&d, "d2", "Arstotzka", NULL, "{\"why\":\"\\u0645\\u0631\\u062d\\u0628\\u0627\"}");
	put(&d, "d3", "Arstotzka", NULL, "{\"pick\":\"a\"}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "why"), *c = item(q, "comments");
	ck_assert_int_eq(num(q, "answered"), 2);
	ck_assert_int_eq(cJSON_GetArraySize(c), 2);
	ck_assert_str_eq(str(cJSON_GetArrayItem(c, 0), "entity"), "Arstotzka");
	ck_assert_str_eq(str(cJSON_GetArrayItem(c, 0), "text"),
	                 "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7");
	ck_assert_str_eq(str(cJSON_GetArrayItem(c, 1), "entity"), "Zembla");
	ck_assert_str_eq(str(cJSON_GetArrayItem(c, 1), "text"), "Because \"SG13\" leads.");
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* --------------------------------------------------------------- general */

START_TEST(test_only_the_latest_revision_counts)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"pick\":\"a\",\"why\":\"first\"}");
	put(&d, "d2", "E2", NULL, "{\"pick\":\"a\"}");
	put(&d, "d1", "E1", NULL, "{\"pick\":\"b\"}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "pick");
	ck_assert_int_eq(num(s, "responses"), 2);
	ck_assert_int_eq(num(by_id(item(q, "options"), "a"), "count"), 1);
	ck_assert_int_eq(num(by_id(item(q, "options"), "b"), "count"), 1);
	ck_assert_int_eq(num(question(s, "why"), "answered"), 0);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_questions_come_in_form_order_with_id_type_answered)
{
	static const char *const want[] = {"pick", "tools", "clear", "grid", "order",
	                                   "prop", "count", "ratio", "why"};
	static const char *const types[] = {"single", "multi", "scale", "matrix", "rank",
	                                    "position", "number", "number", "text"};
	struct db d;
	db_open(&d, form_all);
	cJSON *s = summary(&d);
	const cJSON *qs = item(s, "questions");
	ck_assert_int_eq(cJSON_GetArraySize(qs), 9);
	ck_assert_int_eq(num(s, "responses"), 0);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(s, "groups"));
	for (int i = 0; i < 9; i++) {
		const cJSON *q = cJSON_GetArrayItem(qs, i);
		ck_assert_str_eq(str(q, "id"), want[i]);
		ck_assert_str_eq(str(q, "type"), types[i]);
		ck_assert_int_eq(num(q, "answered"), 0);
	}
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_rows_the_scanner_does_not_expect_fall_back_to_cjson)
{
	struct db d;
	db_open(&d, form_all);
	/* whitespace and unsorted keys: not canonical, still counted */
	put_raw(&d, "d1", "E1", NULL, "{ \"pick\" : \"a\", \"clear\" : 4 }");
	/* an option the form does not have: that answer is skipped, the rest counts */
	put_raw(&d, "d2", "E2", NULL, "{\"clear\":2,\"pick\":\"zzz\"}");
	/* an unknown question, and a row that is not JSON at all */
	put_raw(&d, "d3", "E3", NULL, "{\"nope\":1,\"pick\":\"b\"}");
	put_raw(&d, "d4", "E4", NULL, "not json");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "pick");
	ck_assert_int_eq(num(s, "responses"), 4);
	ck_assert_int_eq(num(q, "answered"), 2);
	ck_assert_int_eq(num(by_id(item(q, "options"), "a"), "count"), 1);
	ck_assert_int_eq(num(by_id(item(q, "options"), "b"), "count"), 1);
	ck_assert_int_eq(num(question(s, "clear"), "answered"), 2);
	ck_assert_near(num(question(s, "clear"), "mean"), 3);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* ---------------------------------------------------------------- groups */

START_TEST(test_by_attribute_counts_multi_valued_in_each_group)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", "{\"region\":\"EUR\",\"sg\":\"SG2;SG13\"}", "{\"pick\":\"a\"}");
	put(&d, "d2", "E2", "{\"region\":\"AFR\",\"sg\":\"SG13\"}", "{\"pick\":\"b\"}");
	put(&d, "d3", "E3", "{\"region\":\"EUR\"}", "{\"pick\":\"b\"}");
	cJSON *s = summary_of(&d, "sg", SND_WEIGHT_DELEGATE);
	const cJSON *g = item(s, "groups");
	ck_assert_int_eq(num(s, "responses"), 3);
	ck_assert_int_eq(cJSON_GetArraySize(g), 3);
	/* natural order: (none), SG2, SG13 */
	ck_assert_str_eq(cJSON_GetArrayItem(g, 0)->string, "(none)");
	ck_assert_str_eq(cJSON_GetArrayItem(g, 1)->string, "SG2");
	ck_assert_str_eq(cJSON_GetArrayItem(g, 2)->string, "SG13");
	ck_assert_int_eq(num(item(g, "SG13"), "responses"), 2);
	ck_assert_int_eq(num(item(g, "SG2"), "responses"), 1);
	ck_assert_int_eq(num(item(g, "(none)"), "responses"), 1);
	const cJSON *q = question(item(g, "SG13"), "pick");
	ck_assert_int_eq(num(by_id(item(q, "options"), "a"), "count"), 1);
	ck_assert_int_eq(num(by_id(item(q, "options"), "b"), "count"), 1);
	ck_assert(is_null(q, "leader"));
	ck_assert_int_eq(cJSON_GetArraySize(item(item(g, "SG2"), "questions")), 9);
	cJSON_Delete(s);

	s = summary_of(&d, "entity", SND_WEIGHT_DELEGATE);
	ck_assert_int_eq(cJSON_GetArraySize(item(s, "groups")), 3);
	ck_assert_int_eq(num(item(item(s, "groups"), "E2"), "responses"), 1);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_by_entity_is_refused_for_pseudonymous_forms)
{
	struct db d;
	struct snd_tally_opts o = {"entity", SND_WEIGHT_DELEGATE};
	cJSON *out = NULL;
	char err[256] = "";
	db_open(&d, form_all_pseudo);
	put(&d, "d1", "E1", NULL, "{\"pick\":\"a\"}");
	ck_assert_int_eq(snd_store_commit(d.st), SND_OK);
	ck_assert_int_eq(snd_tally_summary(d.st, d.f, &o, &out, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(err, "pseudonymous"));
	ck_assert_int_eq(snd_store_begin(d.st), SND_OK);
	db_close(&d);
}
END_TEST

/* ------------------------------------------------------------- weighting */

START_TEST(test_weight_entity_splits_weight_among_delegates_who_answered)
{
	struct db d;
	db_open(&d, form_all);
	/* E1 has two delegates, E2 one. */
	put(&d, "d1", "E1", NULL, "{\"pick\":\"a\",\"clear\":5,\"prop\":{\"position\":\"support\"}}");
	put(&d, "d2", "E1", NULL, "{\"pick\":\"b\",\"clear\":null,"
	                          "\"prop\":{\"position\":\"object\",\"reason\":\"no\"}}");
	put(&d, "d3", "E2", NULL, "{\"pick\":\"b\",\"clear\":1}");
	cJSON *s = summary_of(&d, NULL, SND_WEIGHT_ENTITY);
	ck_assert_str_eq(str(s, "weight"), "entity");
	ck_assert_near(num(s, "responses"), 2);
	const cJSON *q = question(s, "pick"), *o = item(q, "options");
	ck_assert_near(num(q, "answered"), 2);
	ck_assert_near(num(by_id(o, "a"), "count"), 0.5);
	ck_assert_near(num(by_id(o, "b"), "count"), 1.5);
	ck_assert_near(num(by_id(o, "b"), "share"), 0.75);
	ck_assert_str_eq(str(q, "leader"), "b");
	/* d2's "no view" takes no weight: d1 speaks for E1 alone */
	q = question(s, "clear");
	ck_assert_near(num(q, "answered"), 2);
	ck_assert_near(num(item(q, "distribution"), "5"), 1);
	ck_assert_near(num(item(q, "distribution"), "1"), 1);
	ck_assert_near(num(q, "mean"), 3);
	ck_assert_int_eq(num(q, "median"), 1);
	/* only E1 answered the position; its two delegates weigh 0.5 each */
	q = question(s, "prop");
	ck_assert_near(num(q, "answered"), 1);
	ck_assert_near(num(q, "support"), 0.5);
	ck_assert_near(num(q, "object"), 0.5);
	ck_assert(cJSON_IsFalse(item(q, "consensus")));
	ck_assert_str_eq(str(cJSON_GetArrayItem(item(q, "objections"), 0), "entity"), "E1");
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_weight_entity_rank_and_number_use_fractions)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", NULL, "{\"order\":[\"x\"],\"ratio\":1,\"count\":1}");
	put(&d, "d2", "E1", NULL, "{\"order\":[\"y\"],\"ratio\":2,\"count\":2}");
	put(&d, "d3", "E1", NULL, "{\"order\":[\"y\"],\"ratio\":3,\"count\":3}");
	put(&d, "d4", "E2", NULL, "{\"order\":[\"x\"],\"ratio\":10,\"count\":10}");
	cJSON *s = summary_of(&d, NULL, SND_WEIGHT_ENTITY);
	const cJSON *q = question(s, "order");
	/* x: 1/3 + 1 = 4/3 over y: 2/3 */
	ck_assert_near(num(item(item(q, "pairwise"), "x"), "y"), 4.0 / 3);
	ck_assert_near(num(item(item(q, "pairwise"), "y"), "x"), 2.0 / 3);
	ck_assert_str_eq(str(q, "condorcet_winner"), "x");
	ck_assert_near(num(by_id(item(q, "borda"), "x"), "score"), 2 * 4.0 / 3);
	/* weights 1/3, 1/3, 1/3, 1 over values 1, 2, 3, 10: mean 2/2 + 10/2,
	 * cumulative 1/3, 2/3, 1, 2 of 2: the halfway point 1 falls exactly
	 * between 3 and 10, so the median is their mean */
	const char *ids[] = {"ratio", "count"};
	for (int i = 0; i < 2; i++) {
		q = question(s, ids[i]);
		ck_assert_near(num(q, "answered"), 2);
		ck_assert_near(num(q, "mean"), (6.0 / 3 + 10) / 2);
		ck_assert_near(num(q, "median"), 6.5);
		ck_assert_near(num(q, "min"), 1);
		ck_assert_near(num(q, "max"), 10);
	}
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_weight_entity_within_each_group)
{
	struct db d;
	db_open(&d, form_all);
	put(&d, "d1", "E1", "{\"region\":\"EUR\"}", "{\"pick\":\"a\"}");
	put(&d, "d2", "E1", "{\"region\":\"AFR\"}", "{\"pick\":\"b\"}");
	put(&d, "d3", "E1", "{\"region\":\"AFR\"}", "{\"pick\":\"c\"}");
	cJSON *s = summary_of(&d, "region", SND_WEIGHT_ENTITY);
	const cJSON *g = item(s, "groups");
	ck_assert_near(num(s, "responses"), 1);
	ck_assert_near(num(item(g, "EUR"), "responses"), 1);
	ck_assert_near(num(item(g, "AFR"), "responses"), 1);
	const cJSON *o = item(question(item(g, "AFR"), "pick"), "options");
	ck_assert_near(num(by_id(o, "b"), "count"), 0.5);
	ck_assert_near(num(by_id(o, "c"), "count"), 0.5);
	o = item(question(s, "pick"), "options");
	ck_assert_near(num(by_id(o, "a"), "count"), 1.0 / 3);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* ------------------------------------------------------------ properties */

static unsigned rng_next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* Valid, varied answers for form_all, deterministic in i. */
static void gen_answers(int i, char *out, size_t n)
{
	static const char *const opts[] = {"a", "b", "c"};
	static const char *const rk[] = {"x", "y", "z"};
	static const char *const pos[] = {"support", "live_with", "object", "abstain"};
	unsigned s = (unsigned)i * 2654435761u + 7;
	size_t len = 0;
#define PUT(...) do { int w_ = snprintf(out + len, n - len, __VA_ARGS__); \
	ck_assert(w_ >= 0 && (size_t)w_ < n - len); len += (size_t)w_; } while (0)
	PUT("{\"pick\":\"%s\"", opts[rng_next(&s) % 3]);
	unsigned m = rng_next(&s) % 7 + 1; /* non-empty subset */
	PUT(",\"tools\":[");
	for (int k = 0, first = 1; k < 3; k++)
		if (m & (1u << k)) {
			PUT("%s\"%s\"", first ? "" : ",", opts[k]);
			first = 0;
		}
	PUT("]");
	unsigned c = rng_next(&s) % 6;
	if (c == 5)
		PUT(",\"clear\":null");
	else
		PUT(",\"clear\":%u", c + 1);
	PUT(",\"grid\":{\"r1\":%u", rng_next(&s) % 3 + 1);
	if (rng_next(&s) % 3 == 0)
		PUT(",\"r2\":null");
	else if (rng_next(&s) % 2)
		PUT(",\"r2\":%u", rng_next(&s) % 3 + 1);
	PUT("}");
	unsigned start = rng_next(&s) % 3, nr = rng_next(&s) % 3 + 1, dir2 = rng_next(&s) % 2;
	PUT(",\"order\":[");
	for (unsigned k = 0; k < nr; k++)
		PUT("%s\"%s\"", k ? "," : "", rk[(start + (dir2 ? k : 3 - k)) % 3]);
	PUT("]");
	unsigned p = rng_next(&s) % 4;
	PUT(",\"prop\":{\"position\":\"%s\"", pos[p]);
	if (p == 2)
		PUT(",\"reason\":\"reason %u \\\"q\\\"\"", rng_next(&s) % 3);
	PUT("}");
	PUT(",\"count\":%u", rng_next(&s) % 21);
	PUT(",\"ratio\":%u.%02u", rng_next(&s) % 50, rng_next(&s) % 100);
	if (rng_next(&s) % 3 == 0)
		PUT(",\"why\":\"comment %u\"", rng_next(&s) % 4);
	PUT("}");
#undef PUT
}

static void gen_attrs(int i, char *out, size_t n)
{
	if (i % 7 == 3)
		snprintf(out, n, "{\"region\":\"R%d\"}", i % 3);
	else
		snprintf(out, n, "{\"region\":\"R%d\",\"sg\":\"SG%d;SG%d\"}", i % 3, i % 4, i % 5 + 2);
}

#define NBALLOTS 60

/* Fills a database with ballots perm[0..n) (ballot i: delegate "d<i>"),
 * entity E<i % nent> (or E<i> when nent == 0), each `copies` times (copy c
 * as delegate "d<i>c<c>"). */
static void fill(struct db *d, const int *perm, int n, int nent, int copies)
{
	char sub[32], ent[32], attrs[96], ans[1024];
	for (int k = 0; k < n; k++) {
		int i = perm[k];
		gen_answers(i, ans, sizeof ans);
		gen_attrs(i, attrs, sizeof attrs);
		snprintf(ent, sizeof ent, "E%d", nent ? i % nent : i);
		for (int c = 0; c < copies; c++) {
			snprintf(sub, sizeof sub, "d%dc%d", i, c);
			put(d, sub, ent, attrs, ans);
		}
	}
}

START_TEST(test_ballot_order_does_not_change_any_result)
{
	int perm[NBALLOTS], rev[NBALLOTS];
	unsigned s = 42;
	for (int i = 0; i < NBALLOTS; i++)
		perm[i] = rev[NBALLOTS - 1 - i] = i;
	for (int i = NBALLOTS - 1; i > 0; i--) { /* Fisher-Yates */
		int j = (int)(rng_next(&s) % (unsigned)(i + 1)), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	struct db a, b, c;
	db_open(&a, form_all);
	db_open(&b, form_all);
	db_open(&c, form_all);
	int ident[NBALLOTS];
	for (int i = 0; i < NBALLOTS; i++)
		ident[i] = i;
	fill(&a, ident, NBALLOTS, 7, 1);
	fill(&b, perm, NBALLOTS, 7, 1);
	fill(&c, rev, NBALLOTS, 7, 1);
	static const char *const bys[] = {NULL, "sg", "entity"};
	for (int w = 0; w < SND_WEIGHT__MAX; w++)
		for (int k = 0; k < 3; k++) {
			cJSON *x = summary_of(&a, bys[k], (enum snd_weight)w);
			cJSON *y = summary_of(&b, bys[k], (enum snd_weight)w);
			cJSON *z = summary_of(&c, bys[k], (enum snd_weight)w);
			assert_close(x, y);
			assert_close(x, z);
			cJSON_Delete(x);
			cJSON_Delete(y);
			cJSON_Delete(z);
		}
	db_close(&a);
	db_close(&b);
	db_close(&c);
}
END_TEST

/* b is a with every count doubled and every share, mean, median, consensus
 * and ordering the same; kept lists hold each item twice. */
static void assert_doubled(const cJSON *a, const cJSON *b, int doubling, const char *path)
{
	static const char *const counted[] = {"responses", "answered", "count", "score", "support",
	                                      "live_with", "object", "abstain", "no_view"};
	if (cJSON_IsNumber(a)) {
		int dbl = doubling;
		for (size_t i = 0; i < sizeof counted / sizeof counted[0] && a->string; i++)
			if (strcmp(a->string, counted[i]) == 0)
				dbl = 1;
		ck_assert_msg(cJSON_IsNumber(b), "%s: not a number", path);
		double want = dbl ? 2 * a->valuedouble : a->valuedouble;
		ck_assert_msg(fabs(b->valuedouble - want) <= 1e-9 * fmax(1, fabs(want)),
		              "%s: %.17g, expected %.17g", path, b->valuedouble, want);
		return;
	}
	if (cJSON_IsArray(a) && a->string &&
	    (strcmp(a->string, "comments") == 0 || strcmp(a->string, "objections") == 0)) {
		int n = cJSON_GetArraySize(a);
		ck_assert_int_eq(cJSON_GetArraySize(b), 2 * n);
		for (int i = 0; i < n; i++) {
			ck_assert(cJSON_Compare(cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, 2 * i), 1));
			ck_assert(cJSON_Compare(cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, 2 * i + 1), 1));
		}
		return;
	}
	if (cJSON_IsArray(a) || cJSON_IsObject(a)) {
		const cJSON *x, *y;
		char sub[256];
		int dist = a->string && (strcmp(a->string, "distribution") == 0 ||
		                         strcmp(a->string, "pairwise") == 0);
		ck_assert_msg(cJSON_GetArraySize(a) == cJSON_GetArraySize(b), "%s: sizes", path);
		for (x = a->child, y = b->child; x; x = x->next, y = y->next) {
			snprintf(sub, sizeof sub, "%s.%s", path, x->string ? x->string : "[]");
			if (x->string)
				ck_assert_str_eq(x->string, y->string);
			assert_doubled(x, y, doubling || dist, sub);
		}
		return;
	}
	ck_assert_msg(cJSON_Compare(a, b, 1), "%s differs", path);
}

START_TEST(test_duplicating_every_ballot_doubles_counts_and_keeps_shares)
{
	int ident[NBALLOTS];
	for (int i = 0; i < NBALLOTS; i++)
		ident[i] = i;
	struct db a, b;
	db_open(&a, form_all);
	db_open(&b, form_all);
	fill(&a, ident, NBALLOTS, 0, 1);
	fill(&b, ident, NBALLOTS, 0, 2);
	static const char *const bys[] = {NULL, "sg"};
	for (int k = 0; k < 2; k++) {
		cJSON *x = summary_of(&a, bys[k], SND_WEIGHT_DELEGATE);
		cJSON *y = summary_of(&b, bys[k], SND_WEIGHT_DELEGATE);
		assert_doubled(x, y, 0, "$");
		cJSON_Delete(x);
		cJSON_Delete(y);
	}
	db_close(&a);
	db_close(&b);
}
END_TEST

/* ------------------------------------- no view, histogram, Leik, A, divided */

/* Three delegates, two entities, every figure known:
 *   d1 E1: clear 5,    grid r1 1, r2 no view, prop support,   count 2, ratio 0.5
 *   d2 E1: clear none, grid r1 3, r2 no view, prop object,    count 4, ratio 1.5
 *   d3 E2: clear 1,    grid r1 3,             prop support,   count 4, ratio 9.5 */
static void three_delegates(struct db *d, const char *form)
{
	db_open(d, form);
	put(d, "d1", "E1", NULL, "{\"clear\":5,\"grid\":{\"r1\":1,\"r2\":null},"
	    "\"prop\":{\"position\":\"support\"},\"count\":2,\"ratio\":0.5}");
	put(d, "d2", "E1", NULL, "{\"clear\":null,\"grid\":{\"r1\":3,\"r2\":null},"
	    "\"prop\":{\"position\":\"object\",\"reason\":\"no\"},\"count\":4,\"ratio\":1.5}");
	put(d, "d3", "E2", NULL, "{\"clear\":1,\"grid\":{\"r1\":3},"
	    "\"prop\":{\"position\":\"support\"},\"count\":4,\"ratio\":9.5}");
}

/* The keys of object o, joined by spaces. */
static void keys_of(const cJSON *o, char *out, size_t n)
{
	const cJSON *it;
	size_t len = 0;
	out[0] = '\0';
	cJSON_ArrayForEach(it, o) {
		int w = snprintf(out + len, n - len, "%s%s", len ? " " : "", it->string);
		ck_assert(w > 0 && (size_t)w < n - len);
		len += (size_t)w;
	}
}

/* The histogram bin of a number question whose from is x. */
static const cJSON *bin_from(const cJSON *q, double x)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, item(q, "histogram"))
		if (fabs(num(it, "from") - x) < 1e-12)
			return it;
	ck_abort_msg("no bin from %g", x);
	return NULL;
}

START_TEST(test_no_view_leik_agreement_on_three_delegates)
{
	struct db d;
	char keys[512];
	three_delegates(&d, form_all);
	cJSON *s = summary(&d);
	const cJSON *c = question(s, "clear");
	keys_of(c, keys, sizeof keys);
	ck_assert_str_eq(keys, "id type answered distribution no_view mean median consensus leik "
	                       "agreement");
	ck_assert_int_eq(num(c, "answered"), 2);
	ck_assert_int_eq(num(c, "no_view"), 1);
	ck_assert_near(num(c, "consensus"), 0); /* split between the two ends */
	ck_assert_near(num(c, "leik"), 1);
	ck_assert_near(num(c, "agreement"), -1);
	const cJSON *rows = item(question(s, "grid"), "rows");
	const cJSON *r1 = by_id(rows, "r1"), *r2 = by_id(rows, "r2");
	keys_of(r1, keys, sizeof keys);
	ck_assert_str_eq(keys, "id answered distribution no_view mean median consensus leik "
	                       "agreement");
	/* (1, 0, 2): F = 1/3, 1/3; A: layer 101 (A -1, weight 2/3), layer 001 (1, 1/3) */
	ck_assert_int_eq(num(r1, "no_view"), 0);
	ck_assert_near(num(r1, "leik"), 2.0 / 3);
	ck_assert_near(num(r1, "agreement"), -1.0 / 3);
	ck_assert_int_eq(num(r2, "answered"), 0);
	ck_assert_int_eq(num(r2, "no_view"), 2);
	ck_assert(is_null(r2, "leik") && is_null(r2, "agreement") && is_null(r2, "mean"));
	ck_assert_int_eq(num(question(s, "grid"), "answered"), 3);
	cJSON_Delete(s);

	/* --weight entity: E1's weight goes to its values (d1's 5 on clear);
	 * r2: E1 said only "no view" (1), E2 did not answer it */
	s = summary_of(&d, NULL, SND_WEIGHT_ENTITY);
	c = question(s, "clear");
	ck_assert_near(num(c, "answered"), 2);
	ck_assert_near(num(c, "no_view"), 0);
	ck_assert_near(num(item(c, "distribution"), "5"), 1);
	rows = item(question(s, "grid"), "rows");
	r1 = by_id(rows, "r1");
	r2 = by_id(rows, "r2");
	ck_assert_near(num(item(r1, "distribution"), "1"), 0.5);
	ck_assert_near(num(item(r1, "distribution"), "3"), 1.5);
	/* (1/2, 0, 3/2): F = 1/4, 1/4 -> D = 1/2; A = -1 * 1/2 + 1 * 1/2 = 0 */
	ck_assert_near(num(r1, "leik"), 0.5);
	ck_assert_near(num(r1, "agreement"), 0);
	ck_assert_near(num(r2, "no_view"), 1);
	ck_assert_near(num(r2, "answered"), 0);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_agreement_is_null_on_a_two_point_scale)
{
	struct db d;
	db_open(&d, FORM("attributed", "{\"id\":\"yn\",\"type\":\"scale\",\"min\":0,\"max\":1,"
	                               "\"text\":\"t\"}"));
	put(&d, "d1", "E1", NULL, "{\"yn\":0}");
	put(&d, "d2", "E2", NULL, "{\"yn\":1}");
	cJSON *s = summary(&d);
	const cJSON *q = question(s, "yn");
	ck_assert(is_null(q, "agreement"));
	ck_assert_near(num(q, "leik"), 1);
	ck_assert_int_eq(num(q, "no_view"), 0);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_number_median_and_histogram_on_three_delegates)
{
	struct db d;
	char keys[512];
	three_delegates(&d, form_all);
	cJSON *s = summary(&d);
	const cJSON *c = question(s, "count"), *r = question(s, "ratio");
	keys_of(c, keys, sizeof keys);
	ck_assert_str_eq(keys, "id type answered min max mean median histogram");
	ck_assert_near(num(c, "median"), 4);
	/* integer 0..20: one bin per value */
	ck_assert_int_eq(cJSON_GetArraySize(item(c, "histogram")), 21);
	ck_assert_near(num(bin_from(c, 2), "to"), 2);
	ck_assert_near(num(bin_from(c, 2), "count"), 1);
	ck_assert_near(num(bin_from(c, 4), "count"), 2);
	ck_assert_near(num(bin_from(c, 3), "count"), 0);
	/* undeclared: ten bins over the observed 0.5..9.5, width 0.9 */
	ck_assert_near(num(r, "median"), 1.5);
	ck_assert_int_eq(cJSON_GetArraySize(item(r, "histogram")), 10);
	ck_assert_near(num(bin_from(r, 0.5), "count"), 1);
	ck_assert_near(num(bin_from(r, 0.5), "to"), 1.4);
	ck_assert_near(num(bin_from(r, 1.4), "count"), 1);
	ck_assert_near(num(cJSON_GetArrayItem(item(r, "histogram"), 9), "to"), 9.5);
	ck_assert_near(num(cJSON_GetArrayItem(item(r, "histogram"), 9), "count"), 1);
	cJSON_Delete(s);

	/* entity weights: count 2 (1/2), 4 (1/2 + 1); ratio 0.5, 1.5 (1/2 each),
	 * 9.5 (1): half of 2 is reached exactly after 1.5 */
	s = summary_of(&d, NULL, SND_WEIGHT_ENTITY);
	c = question(s, "count");
	r = question(s, "ratio");
	ck_assert_near(num(c, "median"), 4);
	ck_assert_near(num(bin_from(c, 2), "count"), 0.5);
	ck_assert_near(num(bin_from(c, 4), "count"), 1.5);
	ck_assert_near(num(r, "median"), 5.5);
	ck_assert_near(num(bin_from(r, 0.5), "count"), 0.5);
	ck_assert_near(num(cJSON_GetArrayItem(item(r, "histogram"), 9), "count"), 1);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_number_histogram_empty_and_declared)
{
	struct db d;
	db_open(&d, FORM("attributed",
	                 "{\"id\":\"big\",\"type\":\"number\",\"min\":0,\"max\":100,\"integer\":true,"
	                 "\"text\":\"t\"},{\"id\":\"free\",\"type\":\"number\",\"text\":\"t\"}"));
	put(&d, "d1", "E1", NULL, "{\"big\":10}");
	put(&d, "d2", "E2", NULL, "{\"big\":100}");
	cJSON *s = summary(&d);
	const cJSON *b = question(s, "big"), *f = question(s, "free");
	ck_assert_int_eq(cJSON_GetArraySize(item(b, "histogram")), 10);
	ck_assert_near(num(bin_from(b, 10), "count"), 1); /* [10, 20) */
	ck_assert_near(num(bin_from(b, 90), "count"), 1); /* [90, 100] */
	ck_assert_near(num(b, "median"), 55);
	ck_assert_int_eq(cJSON_GetArraySize(item(f, "histogram")), 0);
	ck_assert(is_null(f, "median"));
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_divided_delegations_under_entity_weight)
{
	struct db d;
	char keys[512];
	three_delegates(&d, form_all);
	put(&d, "d4", "E0", NULL, "{\"prop\":{\"position\":\"abstain\"}}");
	put(&d, "d5", "E0", NULL, "{\"prop\":{\"position\":\"live_with\"}}");
	put(&d, "d6", "E3", NULL, "{\"prop\":{\"position\":\"support\"}}");
	put(&d, "d7", "E3", NULL, "{\"prop\":{\"position\":\"support\"}}");
	cJSON *s = summary(&d);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(question(s, "prop"), "divided"));
	cJSON_Delete(s);

	s = summary_of(&d, NULL, SND_WEIGHT_ENTITY);
	const cJSON *p = question(s, "prop"), *dv = item(p, "divided");
	keys_of(p, keys, sizeof keys);
	ck_assert_str_eq(keys, "id type answered support live_with object abstain consensus "
	                       "objections divided");
	ck_assert_near(num(p, "support"), 0.5 + 1 + 1);
	ck_assert_near(num(p, "object"), 0.5);
	/* E3 agrees with itself; E0 and E1 are divided, in entity order */
	ck_assert_int_eq(cJSON_GetArraySize(dv), 2);
	const cJSON *e0 = cJSON_GetArrayItem(dv, 0), *e1 = cJSON_GetArrayItem(dv, 1);
	ck_assert_str_eq(str(e0, "entity"), "E0");
	ck_assert_str_eq(str(e1, "entity"), "E1");
	keys_of(item(e1, "counts"), keys, sizeof keys);
	ck_assert_str_eq(keys, "support live_with object abstain");
	ck_assert_int_eq(num(item(e1, "counts"), "support"), 1);
	ck_assert_int_eq(num(item(e1, "counts"), "object"), 1);
	ck_assert_int_eq(num(item(e1, "counts"), "live_with"), 0);
	ck_assert_int_eq(num(item(e0, "counts"), "abstain"), 1);
	ck_assert_int_eq(num(item(e0, "counts"), "live_with"), 1);
	cJSON_Delete(s);

	/* each group lists its own: by entity, E1's group holds E1 only */
	s = summary_of(&d, "entity", SND_WEIGHT_ENTITY);
	const cJSON *g = item(item(s, "groups"), "E1");
	dv = item(question(g, "prop"), "divided");
	ck_assert_int_eq(cJSON_GetArraySize(dv), 1);
	ck_assert_str_eq(str(cJSON_GetArrayItem(dv, 0), "entity"), "E1");
	ck_assert_int_eq(cJSON_GetArraySize(item(question(item(item(s, "groups"), "E3"), "prop"),
	                                         "divided")), 0);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_divided_is_left_out_of_pseudonymous_summaries)
{
	struct db d;
	three_delegates(&d, form_all_pseudo);
	cJSON *s = summary_of(&d, NULL, SND_WEIGHT_ENTITY);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(question(s, "prop"), "divided"));
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* Removes every "divided" list (--weight entity only), asserting each
 * is empty. */
static void drop_divided(cJSON *v)
{
	cJSON *it, *dv = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "divided") : NULL;
	if (dv != NULL) {
		ck_assert_int_eq(cJSON_GetArraySize(dv), 0);
		cJSON_DeleteItemFromObjectCaseSensitive(v, "divided");
	}
	cJSON_ArrayForEach(it, v)
		drop_divided(it);
}

START_TEST(test_entity_weighting_with_one_delegate_per_entity_equals_delegate_weighting)
{
	int ident[NBALLOTS];
	for (int i = 0; i < NBALLOTS; i++)
		ident[i] = i;
	struct db a;
	db_open(&a, form_all);
	fill(&a, ident, NBALLOTS, 0, 1); /* entity E<i>: one delegate each */
	static const char *const bys[] = {NULL, "sg", "region"};
	for (int k = 0; k < 3; k++) {
		cJSON *x = summary_of(&a, bys[k], SND_WEIGHT_DELEGATE);
		cJSON *y = summary_of(&a, bys[k], SND_WEIGHT_ENTITY);
		cJSON_ReplaceItemInObjectCaseSensitive(y, "weight", cJSON_CreateString("delegate"));
		drop_divided(y); /* one delegate per entity: never divided */
		assert_close(x, y);
		cJSON_Delete(x);
		cJSON_Delete(y);
	}
	db_close(&a);
}
END_TEST

/* Fails if any object anywhere has an "entity" key. */
static void assert_no_entity(const cJSON *v)
{
	const cJSON *it;
	if (v->string)
		ck_assert_msg(strcmp(v->string, "entity") != 0, "an \"entity\" key in pseudonymous output");
	cJSON_ArrayForEach(it, v)
		assert_no_entity(it);
}

START_TEST(test_pseudonymous_output_has_no_entity_anywhere)
{
	int ident[NBALLOTS];
	for (int i = 0; i < NBALLOTS; i++)
		ident[i] = i;
	struct db a;
	db_open(&a, form_all_pseudo);
	fill(&a, ident, NBALLOTS, 5, 1);
	for (int w = 0; w < SND_WEIGHT__MAX; w++) {
		cJSON *x = summary_of(&a, w ? "sg" : NULL, (enum snd_weight)w);
		assert_no_entity(x);
		char *text = cJSON_PrintUnformatted(x);
		for (int e = 0; e < 5; e++) {
			char ent[8];
			snprintf(ent, sizeof ent, "\"E%d\"", e);
			ck_assert_msg(strstr(text, ent) == NULL, "entity %s in output", ent);
		}
		/* the objections and comments are still there, without names */
		ck_assert_int_gt(cJSON_GetArraySize(item(question(x, "prop"), "objections")), 0);
		ck_assert_int_gt(cJSON_GetArraySize(item(question(x, "why"), "comments")), 0);
		free(text);
		cJSON_Delete(x);
	}
	db_close(&a);
}
END_TEST

/* ---------------------------------------------------------------- turnout */

START_TEST(test_turnout_counts_delegates_and_entities_by_attribute)
{
	struct db d;
	cJSON *t = NULL;
	char err[256];
	db_open(&d, form_all);
	put(&d, "d1", "E1", "{\"category\":\"Member State\",\"sg\":\"SG2;SG13\",\"region\":\"EUR\"}",
	    "{\"pick\":\"a\"}");
	put(&d, "d2", "E1", "{\"category\":\"Member State\",\"sg\":\"SG13\",\"region\":\"EUR\"}",
	    "{\"pick\":\"a\"}");
	put(&d, "d3", "E2", "{\"category\":\"Sector Member\",\"sg\":\"SG13\"}", "{\"pick\":\"b\"}");
	put(&d, "d1", "E1", "{\"category\":\"Member State\",\"sg\":\"SG2;SG13\",\"region\":\"EUR\"}",
	    "{\"pick\":\"b\"}"); /* a revision: still one delegate */
	ck_assert_int_eq(snd_store_commit(d.st), SND_OK);
	ck_assert_int_eq(snd_tally_turnout(d.st, d.f, &t, err, sizeof err), SND_OK);
	ck_assert_int_eq(num(t, "delegates"), 3);
	ck_assert_int_eq(num(t, "entities"), 2);
	const cJSON *by = item(t, "by");
	ck_assert_int_eq(num(item(item(by, "category"), "Member State"), "delegates"), 2);
	ck_assert_int_eq(num(item(item(by, "category"), "Member State"), "entities"), 1);
	ck_assert_int_eq(num(item(item(by, "category"), "Sector Member"), "entities"), 1);
	ck_assert_int_eq(num(item(item(by, "sg"), "SG13"), "delegates"), 3);
	ck_assert_int_eq(num(item(item(by, "sg"), "SG13"), "entities"), 2);
	ck_assert_int_eq(num(item(item(by, "sg"), "SG2"), "delegates"), 1);
	ck_assert_int_eq(num(item(item(by, "region"), "EUR"), "delegates"), 2);
	ck_assert_int_eq(num(item(item(by, "region"), "(none)"), "delegates"), 1);
	ck_assert_str_eq(cJSON_GetArrayItem(item(by, "sg"), 0)->string, "SG2");
	cJSON_Delete(t);
	ck_assert_int_eq(snd_store_begin(d.st), SND_OK);
	db_close(&d);
}
END_TEST

START_TEST(test_fast_scanner_and_cjson_fallback_agree)
{
	char attrs[96], ans[1024], sub[32], ent[32];
	struct db a, b;
	db_open(&a, form_all);
	db_open(&b, form_all);
	for (int i = 0; i < NBALLOTS; i++) {
		gen_answers(i, ans, sizeof ans);
		gen_attrs(i, attrs, sizeof attrs);
		snprintf(sub, sizeof sub, "d%d", i);
		snprintf(ent, sizeof ent, "E%d", i % 9);
		put(&a, sub, ent, attrs, ans);
		put_pretty(&b, sub, ent, attrs, ans);
	}
	for (int w = 0; w < SND_WEIGHT__MAX; w++) {
		cJSON *x = summary_of(&a, "sg", (enum snd_weight)w);
		cJSON *y = summary_of(&b, "sg", (enum snd_weight)w);
		ck_assert_int_eq(num(x, "responses") > 0, 1);
		assert_close(x, y);
		cJSON_Delete(x);
		cJSON_Delete(y);
	}
	db_close(&a);
	db_close(&b);
}
END_TEST

START_TEST(test_groups_beyond_the_cap_are_pooled_in_other)
{
	struct db d;
	char sub[32], attrs[64];
	db_open(&d, form_all);
	for (int i = 0; i < 1003; i++) {
		snprintf(sub, sizeof sub, "d%d", i);
		snprintf(attrs, sizeof attrs, "{\"room\":\"R%d\"}", i);
		put(&d, sub, "E", attrs, "{\"pick\":\"a\"}");
	}
	put(&d, "dx", "E", "{}", "{\"pick\":\"b\"}");
	cJSON *s = summary_of(&d, "room", SND_WEIGHT_DELEGATE);
	const cJSON *g = item(s, "groups");
	ck_assert_int_eq(cJSON_GetArraySize(g), 1000 + 2); /* + (other), (none) */
	ck_assert_int_eq(num(item(g, "(other)"), "responses"), 3);
	ck_assert_int_eq(num(item(g, "(none)"), "responses"), 1);
	ck_assert_int_eq(num(item(g, "R0"), "responses"), 1);
	ck_assert_str_eq(cJSON_GetArrayItem(g, 2)->string, "R0"); /* after "(none)", "(other)" */
	ck_assert_str_eq(cJSON_GetArrayItem(g, 3)->string, "R1");
	ck_assert_str_eq(cJSON_GetArrayItem(g, 4)->string, "R2");
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

START_TEST(test_empty_by_is_refused)
{
	struct db d;
	struct snd_tally_opts o = {"", SND_WEIGHT_DELEGATE};
	cJSON *out = NULL;
	char err[256] = "";
	db_open(&d, form_all);
	ck_assert_int_eq(snd_store_commit(d.st), SND_OK);
	ck_assert_int_eq(snd_tally_summary(d.st, d.f, &o, &out, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_int_gt(strlen(err), 0);
	ck_assert_int_eq(snd_store_begin(d.st), SND_OK);
	db_close(&d);
}
END_TEST

/* Canonical answers with one byte changed or cut short: whatever the
 * scanner or cJSON make of them, the tally counts what fits and never
 * fails (ASan/UBSan watch the scanner's bounds). */
START_TEST(test_damaged_rows_are_skipped_without_failing)
{
	static const char alphabet[] = "\"{}[],:\\0123456789eE.-+nul \x01\xc3";
	char ans[1024], sub[32];
	unsigned rs = 7;
	struct db d;
	db_open(&d, form_all);
	for (int i = 0; i < 300; i++) {
		struct snd_diag errs;
		struct snd_buf canon;
		char hex[65];
		cJSON *clean = NULL;
		gen_answers(i, ans, sizeof ans);
		cJSON *a = cJSON_Parse(ans);
		snd_diag_init(&errs);
		ck_assert_int_eq(snd_form_check_answers(d.f, a, &clean, &errs), SND_OK);
		snd_buf_init(&canon, 0);
		ck_assert_int_eq(snd_answers_hash(clean, &canon, hex), SND_OK);
		size_t at = rng_next(&rs) % canon.len;
		if (i % 3 == 0)
			canon.data[at] = '\0'; /* cut short */
		else
			canon.data[at] = alphabet[rng_next(&rs) % (sizeof alphabet - 1)];
		if (canon.data[0] == '\0')
			canon.data[0] = '{';
		snprintf(sub, sizeof sub, "d%d", i);
		put_raw(&d, sub, i % 2 ? "E1" : "E2", "{\"sg\":\"SG2\"}", canon.data);
		snd_buf_free(&canon);
		snd_diag_free(&errs);
		cJSON_Delete(clean);
		cJSON_Delete(a);
	}
	for (int w = 0; w < SND_WEIGHT__MAX; w++) {
		cJSON *x = summary_of(&d, "sg", (enum snd_weight)w);
		ck_assert_int_eq(num(item(item(x, "groups"), "SG2"), "responses"), w ? 2 : 300);
		cJSON_Delete(x);
	}
	db_close(&d);
}
END_TEST

/* More rows than one batch: the reader and the worker thread overlap, and
 * every row must be counted exactly once, in any weighting or grouping. */
START_TEST(test_large_tally_counts_every_row_once)
{
	enum { N = 5000 };
	char attrs[96], ans[1024], sub[32], ent[32];
	double pick[3] = {0}, sum = 0, objects = 0;
	struct db d;
	db_open(&d, form_all);
	for (int i = 0; i < N; i++) {
		gen_answers(i, ans, sizeof ans);
		gen_attrs(i, attrs, sizeof attrs);
		snprintf(sub, sizeof sub, "d%d", i);
		snprintf(ent, sizeof ent, "E%d", i % 40);
		put(&d, sub, ent, attrs, ans);
		cJSON *a = cJSON_Parse(ans);
		pick[str(a, "pick")[0] - 'a']++;
		sum += num(a, "count");
		objects += strcmp(str(item(a, "prop"), "position"), "object") == 0;
		cJSON_Delete(a);
	}
	cJSON *s = summary(&d);
	const cJSON *o = item(question(s, "pick"), "options");
	ck_assert_int_eq(num(s, "responses"), N);
	ck_assert_int_eq(num(by_id(o, "a"), "count"), pick[0]);
	ck_assert_int_eq(num(by_id(o, "b"), "count"), pick[1]);
	ck_assert_int_eq(num(by_id(o, "c"), "count"), pick[2]);
	ck_assert_near(num(question(s, "count"), "mean"), sum / N);
	ck_assert_int_eq(num(question(s, "prop"), "object"), objects);
	ck_assert_int_eq(cJSON_GetArraySize(item(question(s, "prop"), "objections")), (int)objects);
	cJSON_Delete(s);
	s = summary_of(&d, "sg", SND_WEIGHT_ENTITY);
	ck_assert_near(num(s, "responses"), 40);
	ck_assert_near(num(question(s, "pick"), "answered"), 40);
	cJSON_Delete(s);
	db_close(&d);
}
END_TEST

/* ------------------------------------------------------------- streaming
 * snd_tally_write_json writes the summary as it is made; it must give the
 * bytes `tally summary --format json` has always printed: the tree of
 * snd_tally_tree through the pretty printer below (tally/fmt.c's
 * json_pretty before the engine streamed, kept here as the reference:
 * two-space indents, ": ", "{}"/"[]" when empty, numbers by
 * snd_num_exact, strings by snd_buf_json_str), whether the objections and
 * comments stay in memory or go through sorted runs in a temporary file. */

static void pretty(struct snd_buf *b, const cJSON *v, int depth)
{
	const cJSON *c;
	char n[40];
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		int obj = cJSON_IsObject(v);
		if (v->child == NULL) {
			snd_buf_puts(b, obj ? "{}" : "[]");
			return;
		}
		snd_buf_putc(b, obj ? '{' : '[');
		for (c = v->child; c; c = c->next) {
			snd_buf_printf(b, "\n%*s", (depth + 1) * 2, "");
			if (obj) {
				snd_buf_json_str(b, c->string);
				snd_buf_puts(b, ": ");
			}
			pretty(b, c, depth + 1);
			if (c->next)
				snd_buf_putc(b, ',');
		}
		snd_buf_printf(b, "\n%*s", depth * 2, "");
		snd_buf_putc(b, obj ? '}' : ']');
	} else if (cJSON_IsString(v)) {
		snd_buf_json_str(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snd_num_exact(n, v->valuedouble);
		snd_buf_puts(b, n);
	} else if (cJSON_IsBool(v)) {
		snd_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
	} else {
		snd_buf_puts(b, "null");
	}
}

/* The streamed JSON of d (malloc'ed), with `budget` bytes of kept texts in
 * memory (0: all). */
static char *stream_of(struct db *d, const char *by, enum snd_weight w, size_t budget)
{
	struct snd_tally_opts o = {by, w};
	struct snd_tally *t = NULL;
	char err[256] = "", *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(snd_store_commit(d->st), SND_OK);
	enum snd_err e = snd_tally_run(d->st, d->f, &o, budget, &t, err, sizeof err);
	ck_assert_msg(e == SND_OK, "run: %s: %s", snd_strerror(e), err);
	ck_assert_int_eq(snd_tally_write_json(t, fp), SND_OK);
	ck_assert_int_eq(fclose(fp), 0);
	snd_tally_free(t);
	ck_assert_int_eq(snd_store_begin(d->st), SND_OK);
	ck_assert_uint_eq(strlen(text), len); /* no NUL inside */
	return text;
}

/* Check's messages are short: on a mismatch, name the first differing byte. */
static void assert_same_text(const char *got, const char *want)
{
	size_t i = 0;
	while (got[i] && got[i] == want[i])
		i++;
	ck_assert_msg(got[i] == want[i], "differs at byte %zu: got \"%.60s\" want \"%.60s\"", i,
	              got + i, want + i);
}

/* The old way: the whole tree, pretty-printed, and a newline. */
static char *tree_of(struct db *d, const char *by, enum snd_weight w)
{
	struct snd_buf b;
	cJSON *s = summary_of(d, by, w);
	snd_buf_init(&b, (size_t)1 << 30);
	pretty(&b, s, 0);
	snd_buf_putc(&b, '\n');
	cJSON_Delete(s);
	ck_assert(!b.failed);
	return snd_buf_steal(&b, NULL);
}

#define FORM_SMALL(anon) \
	FORM(anon, "{\"id\":\"prop\",\"type\":\"position\",\"text\":\"t\"}," \
	           "{\"id\":\"why\",\"type\":\"text\",\"text\":\"t\"}")

/* Texts that need escaping, with the entities they come from. */
static void fill_small(struct db *d)
{
	put(d, "d1", "ADM <A>", "{\"region\":\"EUR\"}",
	    "{\"prop\":{\"position\":\"object\",\"reason\":\"</script><script>x()</script>\"},"
	    "\"why\":\"line1\\nline2\\t\\\"q\\\" \\\\ end\"}");
	put(d, "d2", "ADM-B", "{\"region\":\"AMS\"}",
	    "{\"prop\":{\"position\":\"object\",\"reason\":\"\xc3\xa9 \xd8\xb9 \xe4\xb8\xad\"},"
	    "\"why\":\"\\u0001ctl\\u007f\"}");
	put(d, "d3", "ADM <A>", "{\"region\":\"EUR\"}",
	    "{\"prop\":{\"position\":\"support\"},\"why\":\"Alpha\"}");
	put(d, "d4", "ADM-B", "{\"region\":\"EUR\"}",
	    "{\"prop\":{\"position\":\"object\",\"reason\":\"Alpha\"}}");
}

static const char expect_small[] =
	"{\n"
	"  \"questionnaire\": \"q1\",\n"
	"  \"weight\": \"delegate\",\n"
	"  \"responses\": 4,\n"
	"  \"revoked\": 0,\n"
	"  \"verified\": false,\n"
	"  \"questions\": [\n"
	"    {\n"
	"      \"id\": \"prop\",\n"
	"      \"type\": \"position\",\n"
	"      \"answered\": 4,\n"
	"      \"support\": 1,\n"
	"      \"live_with\": 0,\n"
	"      \"object\": 3,\n"
	"      \"abstain\": 0,\n"
	"      \"consensus\": false,\n"
	"      \"objections\": [\n"
	"        {\n"
	"          \"entity\": \"ADM \\u003cA>\",\n"
	"          \"reason\": \"\\u003c/script>\\u003cscript>x()\\u003c/script>\"\n"
	"        },\n"
	"        {\n"
	"          \"entity\": \"ADM-B\",\n"
	"          \"reason\": \"Alpha\"\n"
	"        },\n"
	"        {\n"
	"          \"entity\": \"ADM-B\",\n"
	"          \"reason\": \"\xc3\xa9 \xd8\xb9 \xe4\xb8\xad\"\n"
	"        }\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"id\": \"why\",\n"
	"      \"type\": \"text\",\n"
	"      \"answered\": 3,\n"
	"      \"comments\": [\n"
	"        {\n"
	"          \"entity\": \"ADM \\u003cA>\",\n"
	"          \"text\": \"Alpha\"\n"
	"        },\n"
	"        {\n"
	"          \"entity\": \"ADM \\u003cA>\",\n"
	"          \"text\": \"line1\\nline2\\t\\\"q\\\" \\\\ end\"\n"
	"        },\n"
	"        {\n"
	"          \"entity\": \"ADM-B\",\n"
	"          \"text\": \"\\u0001ctl\\u007f\"\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ],\n"
	"  \"dispositions\": [],\n"
	"  \"outcomes\": []\n"
	"}\n";

START_TEST(test_stream_json_has_the_expected_bytes_and_escapes)
{
	struct db d;
	db_open(&d, FORM_SMALL("attributed"));
	fill_small(&d);
	for (size_t budget = 0; budget <= 64; budget += 64) {
		char *s = stream_of(&d, NULL, SND_WEIGHT_DELEGATE, budget);
		assert_same_text(s, expect_small);
		free(s);
	}
	db_close(&d);
}
END_TEST

static const char expect_pseudo_by_region[] =
	"{\n"
	"  \"questionnaire\": \"q1\",\n"
	"  \"weight\": \"entity\",\n"
	"  \"responses\": 2,\n"
	"  \"revoked\": 0,\n"
	"  \"verified\": false,\n"
	"  \"questions\": [\n"
	"    {\n"
	"      \"id\": \"prop\",\n"
	"      \"type\": \"position\",\n"
	"      \"answered\": 2,\n"
	"      \"support\": 0.5,\n"
	"      \"live_with\": 0,\n"
	"      \"object\": 1.5,\n"
	"      \"abstain\": 0,\n"
	"      \"consensus\": false,\n"
	"      \"objections\": [\n"
	"        {\n"
	"          \"reason\": \"\\u003c/script>\\u003cscript>x()\\u003c/script>\"\n"
	"        },\n"
	"        {\n"
	"          \"reason\": \"Alpha\"\n"
	"        },\n"
	"        {\n"
	"          \"reason\": \"\xc3\xa9 \xd8\xb9 \xe4\xb8\xad\"\n"
	"        }\n"
	"      ]\n"
	"    },\n"
	"    {\n"
	"      \"id\": \"why\",\n"
	"      \"type\": \"text\",\n"
	"      \"answered\": 2,\n"
	"      \"comments\": [\n"
	"        {\n"
	"          \"text\": \"\\u0001ctl\\u007f\"\n"
	"        },\n"
	"        {\n"
	"          \"text\": \"Alpha\"\n"
	"        },\n"
	"        {\n"
	"          \"text\": \"line1\\nline2\\t\\\"q\\\" \\\\ end\"\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ],\n"
	"  \"groups\": {\n"
	"    \"AMS\": {\n"
	"      \"responses\": 1,\n"
	"      \"questions\": [\n"
	"        {\n"
	"          \"id\": \"prop\",\n"
	"          \"type\": \"position\",\n"
	"          \"answered\": 1,\n"
	"          \"support\": 0,\n"
	"          \"live_with\": 0,\n"
	"          \"object\": 1,\n"
	"          \"abstain\": 0,\n"
	"          \"consensus\": false,\n"
	"          \"objections\": [\n"
	"            {\n"
	"              \"reason\": \"\xc3\xa9 \xd8\xb9 \xe4\xb8\xad\"\n"
	"            }\n"
	"          ]\n"
	"        },\n"
	"        {\n"
	"          \"id\": \"why\",\n"
	"          \"type\": \"text\",\n"
	"          \"answered\": 1,\n"
	"          \"comments\": [\n"
	"            {\n"
	"              \"text\": \"\\u0001ctl\\u007f\"\n"
	"            }\n"
	"          ]\n"
	"        }\n"
	"      ]\n"
	"    },\n"
	"    \"EUR\": {\n"
	"      \"responses\": 2,\n"
	"      \"questions\": [\n"
	"        {\n"
	"          \"id\": \"prop\",\n"
	"          \"type\": \"position\",\n"
	"          \"answered\": 2,\n"
	"          \"support\": 0.5,\n"
	"          \"live_with\": 0,\n"
	"          \"object\": 1.5,\n"
	"          \"abstain\": 0,\n"
	"          \"consensus\": false,\n"
	"          \"objections\": [\n"
	"            {\n"
	"              \"reason\": \"\\u003c/script>\\u003cscript>x()\\u003c/script>\"\n"
	"            },\n"
	"            {\n"
	"              \"reason\": \"Alpha\"\n"
	"            }\n"
	"          ]\n"
	"        },\n"
	"        {\n"
	"          \"id\": \"why\",\n"
	"          \"type\": \"text\",\n"
	"          \"answered\": 1,\n"
	"          \"comments\": [\n"
	"            {\n"
	"              \"text\": \"Alpha\"\n"
	"            },\n"
	"            {\n"
	"              \"text\": \"line1\\nline2\\t\\\"q\\\" \\\\ end\"\n"
	"            }\n"
	"          ]\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  },\n"
	"  \"dispositions\": [],\n"
	"  \"outcomes\": []\n"
	"}\n";

START_TEST(test_stream_json_pseudonymous_by_region_weight_entity)
{
	struct db d;
	db_open(&d, FORM_SMALL("pseudonymous"));
	fill_small(&d);
	for (size_t budget = 0; budget <= 64; budget += 64) {
		char *s = stream_of(&d, "region", SND_WEIGHT_ENTITY, budget);
		assert_same_text(s, expect_pseudo_by_region);
		free(s);
	}
	db_close(&d);
}
END_TEST

START_TEST(test_stream_json_of_an_empty_database)
{
	struct db d;
	db_open(&d, FORM_SMALL("attributed"));
	char *s = stream_of(&d, "region", SND_WEIGHT_DELEGATE, 64);
	ck_assert_str_eq(s, "{\n"
	                    "  \"questionnaire\": \"q1\",\n"
	                    "  \"weight\": \"delegate\",\n"
	                    "  \"responses\": 0,\n"
	                    "  \"revoked\": 0,\n"
	                    "  \"verified\": false,\n"
	                    "  \"questions\": [\n"
	                    "    {\n"
	                    "      \"id\": \"prop\",\n"
	                    "      \"type\": \"position\",\n"
	                    "      \"answered\": 0,\n"
	                    "      \"support\": 0,\n"
	                    "      \"live_with\": 0,\n"
	                    "      \"object\": 0,\n"
	                    "      \"abstain\": 0,\n"
	                    "      \"consensus\": false,\n"
	                    "      \"objections\": []\n"
	                    "    },\n"
	                    "    {\n"
	                    "      \"id\": \"why\",\n"
	                    "      \"type\": \"text\",\n"
	                    "      \"answered\": 0,\n"
	                    "      \"comments\": []\n"
	                    "    }\n"
	                    "  ],\n"
	                    "  \"groups\": {},\n"
	                    "  \"dispositions\": [],\n"
	                    "  \"outcomes\": []\n"
	                    "}\n");
	free(s);
	char *t = tree_of(&d, "region", SND_WEIGHT_DELEGATE);
	s = stream_of(&d, NULL, SND_WEIGHT_ENTITY, 0);
	free(t);
	t = tree_of(&d, NULL, SND_WEIGHT_ENTITY);
	assert_same_text(s, t);
	free(s);
	free(t);
	db_close(&d);
}
END_TEST

/* Every question type, every breakdown and weighting: the streamed bytes
 * are the pretty-printed tree, with the lists in memory or spilled in runs
 * of a few hundred bytes (dozens of runs merged per list). */
START_TEST(test_stream_json_equals_the_tree_in_every_variant)
{
	static const char *const bys[] = {NULL, "region", "sg", "entity"};
	char attrs[96], ans[1024], sub[32], ent[32];
	struct db d;
	db_open(&d, form_all);
	for (int i = 0; i < 400; i++) {
		gen_answers(i, ans, sizeof ans);
		gen_attrs(i, attrs, sizeof attrs);
		snprintf(sub, sizeof sub, "d%d", i);
		snprintf(ent, sizeof ent, "E%d", i % 37);
		put(&d, sub, ent, attrs, ans);
	}
	for (size_t b = 0; b < sizeof bys / sizeof bys[0]; b++)
		for (int w = 0; w < SND_WEIGHT__MAX; w++) {
			char *t = tree_of(&d, bys[b], (enum snd_weight)w);
			char *s = stream_of(&d, bys[b], (enum snd_weight)w, 0);
			char *r = stream_of(&d, bys[b], (enum snd_weight)w, 300);
			assert_same_text(s, t);
			assert_same_text(r, t);
			free(t);
			free(s);
			free(r);
		}
	db_close(&d);
}
END_TEST

/* The CSV written as it is made (lists from the engine, spilled or not)
 * has the bytes of snd_summary_csv on the whole tree (the chair's). */
START_TEST(test_csv_written_as_it_goes_equals_the_tree_csv)
{
	static const char *const bys[] = {NULL, "sg", "entity"};
	char attrs[96], ans[1024], sub[32], ent[32];
	struct db d;
	db_open(&d, form_all);
	for (int i = 0; i < 300; i++) {
		gen_answers(i, ans, sizeof ans);
		gen_attrs(i, attrs, sizeof attrs);
		snprintf(sub, sizeof sub, "d%d", i);
		snprintf(ent, sizeof ent, "E%d", i % 29);
		put(&d, sub, ent, attrs, ans);
	}
	for (size_t b = 0; b < sizeof bys / sizeof bys[0]; b++)
		for (size_t budget = 0; budget <= 200; budget += 200) {
			struct snd_tally_opts o = {bys[b], SND_WEIGHT_ENTITY};
			struct snd_tally *t = NULL;
			struct snd_buf want;
			char err[256], *text = NULL;
			size_t len = 0;
			cJSON *s = summary_of(&d, bys[b], SND_WEIGHT_ENTITY);
			snd_buf_init(&want, (size_t)1 << 30);
			ck_assert_int_eq(snd_summary_csv(&want, d.f, s), SND_OK);
			cJSON_Delete(s);
			ck_assert_int_eq(snd_store_commit(d.st), SND_OK);
			ck_assert_int_eq(snd_tally_run(d.st, d.f, &o, budget, &t, err, sizeof err), SND_OK);
			FILE *fp = open_memstream(&text, &len);
			ck_assert_ptr_nonnull(fp);
			ck_assert_int_eq(snd_summary_csv_write(fp, d.f, t), SND_OK);
			ck_assert_int_eq(fclose(fp), 0);
			snd_tally_free(t);
			ck_assert_int_eq(snd_store_begin(d.st), SND_OK);
			assert_same_text(text, want.data);
			free(text);
			snd_buf_free(&want);
		}
	db_close(&d);
}
END_TEST

struct items {
	char buf[512];
	int n;
};

static int collect(void *ctx, const char *entity, const char *text)
{
	struct items *it = ctx;
	size_t l = strlen(it->buf);
	snprintf(it->buf + l, sizeof it->buf - l, "%s%s|%s", it->n++ ? ";" : "", entity, text);
	return 0;
}

START_TEST(test_each_item_lists_a_group_in_summary_order)
{
	struct db d;
	struct snd_tally_opts o = {"region", SND_WEIGHT_DELEGATE};
	struct snd_tally *t = NULL;
	struct items it;
	char err[256];
	db_open(&d, FORM_SMALL("attributed"));
	fill_small(&d);
	ck_assert_int_eq(snd_store_commit(d.st), SND_OK);
	ck_assert_int_eq(snd_tally_run(d.st, d.f, &o, 64, &t, err, sizeof err), SND_OK);
	memset(&it, 0, sizeof it);
	ck_assert_int_eq(snd_tally_each_item(t, "EUR", "prop", collect, &it), SND_OK);
	ck_assert_str_eq(it.buf, "ADM <A>|</script><script>x()</script>;ADM-B|Alpha");
	memset(&it, 0, sizeof it);
	ck_assert_int_eq(snd_tally_each_item(t, NULL, "why", collect, &it), SND_OK);
	ck_assert_int_eq(it.n, 3);
	ck_assert_int_eq(snd_tally_each_item(t, "nowhere", "why", collect, &it), SND_ENOTFOUND);
	ck_assert_int_eq(snd_tally_each_item(t, NULL, "nothing", collect, &it), SND_ENOTFOUND);
	/* the tree without lists has them empty */
	cJSON *s = NULL;
	ck_assert_int_eq(snd_tally_tree(t, 0, &s), SND_OK);
	ck_assert_int_eq(cJSON_GetArraySize(item(question(s, "prop"), "objections")), 0);
	ck_assert_int_eq(num(question(s, "prop"), "object"), 3);
	cJSON_Delete(s);
	snd_tally_free(t);
	db_close(&d);
}
END_TEST

START_TEST(test_spill_to_a_missing_directory_fails_cleanly)
{
	struct db d;
	struct snd_tally_opts o = {NULL, SND_WEIGHT_DELEGATE};
	struct snd_tally *t = NULL;
	char err[256] = "", *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	db_open(&d, FORM_SMALL("attributed"));
	fill_small(&d);
	ck_assert_int_eq(snd_store_commit(d.st), SND_OK);
	setenv("TMPDIR", "/nonexistent/snd-tally-test", 1);
	ck_assert_int_eq(snd_tally_run(d.st, d.f, &o, 64, &t, err, sizeof err), SND_EIO);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/snd-tally-test"));
	/* in memory, no file is needed */
	ck_assert_int_eq(snd_tally_run(d.st, d.f, &o, 0, &t, err, sizeof err), SND_OK);
	snd_tally_free(t);
	if (old) {
		setenv("TMPDIR", old, 1);
		free(old);
	} else {
		unsetenv("TMPDIR");
	}
	db_close(&d);
}
END_TEST


/* issue 12 in the library: revoked links set aside (both walks agree),
 * the check, the info, and an unknown --by refused on request. */
START_TEST(test_run_ex_sets_aside_revoked_checks_and_refuses_an_unknown_by)
{
	struct db d;
	struct snd_tally *t = NULL;
	struct snd_tally_info info;
	struct snd_tally_opts o = {NULL, SND_WEIGHT_DELEGATE};
	char err[256] = "", *names = NULL;
	db_open(&d, form_all);
	put(&d, "d1", "A", "{\"region\":\"EUR\"}", "{\"pick\":\"a\"}");
	put(&d, "d2", "B", "{\"region\":\"AMS\"}", "{\"pick\":\"b\"}");
	put(&d, "d3", "C", "{}", "{\"pick\":\"b\"}");
	ck_assert_int_eq(snd_store_commit(d.st), SND_OK);
	ck_assert_int_eq(snd_store_revoke(d.st, "jti-d2", 1), SND_OK);
	for (unsigned fl = 0; fl <= SND_TALLY_VERIFY; fl += SND_TALLY_VERIFY) {
		ck_assert_int_eq(snd_tally_run_ex(d.st, d.f, &o, fl, 0, &t, err, sizeof err), SND_OK);
		snd_tally_info(t, &info);
		ck_assert_int_eq((int)info.revoked, 1);
		ck_assert_int_eq(info.verified, fl != 0);
		ck_assert_int_eq(info.revoked_included, 0);
		ck_assert_int_eq(info.has_invited, 0);
		cJSON *sum = NULL;
		ck_assert_int_eq(snd_tally_tree(t, 1, &sum), SND_OK);
		ck_assert(num(sum, "responses") == 2);
		cJSON_Delete(sum);
		snd_tally_free(t);
		t = NULL;
	}
	ck_assert_int_eq(snd_tally_run_ex(d.st, d.f, &o, SND_TALLY_INCLUDE_REVOKED, 0, &t, err,
	                                  sizeof err), SND_OK);
	snd_tally_info(t, &info);
	ck_assert_int_eq(info.revoked_included, 1);
	snd_tally_free(t);
	t = NULL;
	ck_assert_int_eq(snd_tally_check(d.st, d.f, err, sizeof err), SND_OK);

	o.by = "Region";
	ck_assert_int_eq(snd_tally_run_ex(d.st, d.f, &o, SND_TALLY_BY_MUST_EXIST, 0, &t, err,
	                                  sizeof err), SND_ENOTFOUND);
	ck_assert_ptr_null(t);
	ck_assert_str_eq(err, "no delegate has this attribute; attributes: region");
	ck_assert_int_eq(snd_tally_run_ex(d.st, d.f, &o, 0, 0, &t, err, sizeof err), SND_OK);
	snd_tally_free(t); /* without the flag: one group "(none)", as before */
	ck_assert_int_eq(snd_tally_attrs(d.st, d.f, &names, err, sizeof err), SND_OK);
	ck_assert_str_eq(names, "region");
	free(names);
	ck_assert_int_eq(snd_store_begin(d.st), SND_OK);
	db_close(&d);
}
END_TEST
/* ------------------------------------------- the check, on many rows
 * More rows than one batch, so the worker thread runs and the hashes are
 * shared between the two threads in blocks of rows (tally_stream.c): every
 * kind of damage is still found, in the row where it is, and the first in
 * seq order is the one reported whichever thread found it. */

/* put(), with a salt (as the collector stores answers today). */
static void put_salted(struct db *d, const char *sub, const char *ent, const char *attrs,
                       const char *answers)
{
	struct snd_diag errs;
	struct snd_buf canon;
	struct snd_submission m;
	cJSON *a = cJSON_Parse(answers), *clean = NULL;
	uint8_t salt[SND_SALT_BYTES];
	char salthex[SND_SALT_HEX + 1], hex[65], jti[80], *receipt = NULL;
	int64_t rev;

	ck_assert_ptr_nonnull(a);
	snd_diag_init(&errs);
	ck_assert_int_eq(snd_form_check_answers(d->f, a, &clean, &errs), SND_OK);
	snd_diag_free(&errs);
	snd_buf_init(&canon, 0);
	ck_assert_int_eq(snd_canon_json(clean, &canon), SND_OK);
	snd_salt_new(salt, salthex);
	snd_answers_digest(salt, canon.data, canon.len, hex);
	snprintf(jti, sizeof jti, "jti-%s", sub);
	memset(&m, 0, sizeof m);
	m.qid = d->f->id;
	m.sub = sub;
	m.ent = ent;
	m.attrs = attrs;
	m.jti = jti;
	m.answers = canon.data;
	m.answers_len = canon.len;
	m.hash = hex;
	m.salt = salthex;
	ck_assert_msg(snd_store_append(d->st, &m, rsk, d->now++, &rev, &receipt) == SND_OK,
	              "append: %s", snd_store_errmsg(d->st));
	free(receipt);
	snd_buf_free(&canon);
	cJSON_Delete(clean);
	cJSON_Delete(a);
}

/* The checked tally's error ("" when it passes). */
static const char *checked(struct db *d, char *err, size_t n)
{
	struct snd_tally *t = NULL;
	struct snd_tally_opts o = {NULL, SND_WEIGHT_DELEGATE};
	err[0] = '\0';
	enum snd_err e = snd_tally_run_ex(d->st, d->f, &o, SND_TALLY_VERIFY, 0, &t, err, n);
	if (e == SND_OK) {
		struct snd_tally_info info;
		snd_tally_info(t, &info);
		ck_assert_int_eq((int)info.verified, 1);
		snd_tally_free(t);
		ck_assert_str_eq(err, "");
	} else {
		ck_assert_int_eq(e, SND_EINVAL);
		ck_assert_ptr_null(t);
	}
	return err;
}

/* Damages the rows `which` (a WHERE clause) with stmt behind d's back,
 * checks that the checked tally refuses with want, puts the rows back
 * and checks that it passes again. */
static void damaged(struct db *d, const char *which, const char *stmt, const char *want)
{
	sqlite3 *db = NULL;
	char err[512], q[512];
	ck_assert_int_eq(sqlite3_open(d->path, &db), SQLITE_OK);
	snprintf(q, sizeof q, "CREATE TEMP TABLE bak AS SELECT * FROM revision WHERE %s", which);
	ck_assert_int_eq(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, stmt, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", stmt,
	              sqlite3_errmsg(db));
	checked(d, err, sizeof err);
	ck_assert_msg(strstr(err, want) != NULL, "%s: got \"%s\", want \"%s\"", stmt, err, want);
	snprintf(q, sizeof q, "DELETE FROM revision WHERE %s; INSERT INTO revision SELECT * FROM bak;"
	         " DROP TABLE bak", which);
	ck_assert_int_eq(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	checked(d, err, sizeof err);
	ck_assert_msg(err[0] == '\0', "after putting back %s: %s", which, err);
}

#define ALTER_ANSWERS(seqs)                                                            \
	"UPDATE revision SET answers = replace(answers, '\"pick\":', '\"pick\" :') WHERE seq IN " seqs

START_TEST(test_check_on_many_rows_finds_each_damage_where_it_is)
{
	enum { N = 5000 };
	char attrs[96], ans[1024], sub[32], ent[32], err[512];
	struct db d;
	db_open(&d, form_all);
	for (int i = 0; i < N; i++) {
		gen_answers(i, ans, sizeof ans);
		gen_attrs(i, attrs, sizeof attrs);
		snprintf(sub, sizeof sub, "d%d", i + 1);
		snprintf(ent, sizeof ent, "E%d", i % 40);
		if (i % 3 == 0)
			put(&d, sub, ent, attrs, ans); /* unsalted, as rows stored before salts */
		else
			put_salted(&d, sub, ent, attrs, ans);
	}
	ck_assert_int_eq(snd_store_commit(d.st), SND_OK);
	ck_assert_str_eq(checked(&d, err, sizeof err), "");

	/* the answers of a salted row and of an unsalted one; a salt */
	damaged(&d, "seq = 4712", ALTER_ANSWERS("(4712)"),
	        "revision 4712 (delegate d4712): its answers do not match their stored hash");
	damaged(&d, "seq = 3001", ALTER_ANSWERS("(3001)"),
	        "revision 3001 (delegate d3001): its answers do not match their stored hash");
	damaged(&d, "seq = 2222",
	        "UPDATE revision SET salt = iif(substr(salt, 1, 1) = 'a', 'b', 'a') || "
	        "substr(salt, 2) WHERE seq = 2222",
	        "revision 2222 (delegate d2222): its answers do not match their stored hash");
	damaged(&d, "seq = 2222", "UPDATE revision SET salt = upper(salt) WHERE seq = 2222",
	        "revision 2222 (delegate d2222): its salt is not 32 lowercase hex digits");
	/* a field the link covers; the stored link; the stored hash */
	damaged(&d, "seq = 3500", "UPDATE revision SET ent = 'E99' WHERE seq = 3500",
	        "revision 3500 (delegate d3500): its chain link does not match the row");
	damaged(&d, "seq = 10", "UPDATE revision SET link = replace(link, substr(link, 5, 1), "
	                        "iif(substr(link, 5, 1) = 'a', 'b', 'a')) WHERE seq = 10",
	        "revision 10 (delegate d10): its chain link does not match the row");
	damaged(&d, "seq = 4999", "UPDATE revision SET hash = 'x' || substr(hash, 2) WHERE seq = 4999",
	        "revision 4999 (delegate d4999): its stored hash is not a SHA-256");
	/* prev: a row whose prev is not the link before it (its own link made
	 * to match, as someone who can compute links would) */
	damaged(&d, "seq = 2049",
	        "UPDATE revision SET prev = (SELECT link FROM revision WHERE seq = 2000) "
	        "WHERE seq = 2049",
	        "revision 2049 (delegate d2049): its prev does not match the link of the revision "
	        "before it");
	/* a row removed; two rows swapped in seq order (out of order is a gap
	 * or a repeat at the first of them) */
	damaged(&d, "seq = 4000", "DELETE FROM revision WHERE seq = 4000",
	        "revision 4001 (delegate d4001): revisions before it are missing");
	/* two damages: the first in seq order is reported, whichever thread
	 * finds it (a link in the reader's batch, answers in the worker's) */
	damaged(&d, "seq IN (1500, 4800)",
	        "UPDATE revision SET ent = 'E99' WHERE seq = 4800; " ALTER_ANSWERS("(1500)"),
	        "revision 1500 (delegate d1500): its answers do not match their stored hash");
	damaged(&d, "seq IN (1500, 4800)",
	        "UPDATE revision SET ent = 'E99' WHERE seq = 1500; " ALTER_ANSWERS("(4800)"),
	        "revision 1500 (delegate d1500): its chain link does not match the row");
	damaged(&d, "seq IN (1500, 4800)",
	        "DELETE FROM revision WHERE seq = 4800; " ALTER_ANSWERS("(1500)"),
	        "revision 1500 (delegate d1500): its answers do not match their stored hash");
	/* both in one row: the link is named first, as `tally verify` does */
	damaged(&d, "seq = 3333",
	        "UPDATE revision SET ent = 'E99' WHERE seq = 3333; " ALTER_ANSWERS("(3333)"),
	        "revision 3333 (delegate d3333): its chain link does not match the row");
	ck_assert_int_eq(snd_store_begin(d.st), SND_OK);
	db_close(&d);
}
END_TEST

static Suite *tally_suite(void)
{
	Suite *s = suite_create("tally");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_single_counts_shares_and_leader);
	tcase_add_test(tc, test_single_tie_has_no_leader);
	tcase_add_test(tc, test_multi_share_is_of_respondents);
	tcase_add_test(tc, test_scale_distribution_mean_lower_median_consensus);
	tcase_add_test(tc, test_scale_median_is_the_lower_one_on_an_even_split);
	tcase_add_test(tc, test_tastle_wierman_extremes_and_uniform);
	tcase_add_test(tc, test_tastle_wierman_agrees_with_agrmt_sample_on_seven_points);
	tcase_add_test(tc, test_matrix_rows_are_scales_and_no_view_is_not_answered);
	tcase_add_test(tc, test_rank_borda_pairwise_and_partial_ballots);
	tcase_add_test(tc, test_rank_condorcet_winner_beats_every_other_option);
	tcase_add_test(tc, test_schulze_wikipedia_example_orders_e_a_c_b_d);
	tcase_add_test(tc, test_position_counts_consensus_and_objections);
	tcase_add_test(tc, test_position_consensus_needs_answers_and_no_objection);
	tcase_add_test(tc, test_number_min_max_mean_usual_median);
	tcase_add_test(tc, test_no_view_leik_agreement_on_three_delegates);
	tcase_add_test(tc, test_agreement_is_null_on_a_two_point_scale);
	tcase_add_test(tc, test_number_median_and_histogram_on_three_delegates);
	tcase_add_test(tc, test_number_histogram_empty_and_declared);
	tcase_add_test(tc, test_divided_delegations_under_entity_weight);
	tcase_add_test(tc, test_divided_is_left_out_of_pseudonymous_summaries);
	tcase_add_test(tc, test_number_without_answers_is_null);
	tcase_add_test(tc, test_text_comments_are_collated_with_entity);
	tcase_add_test(tc, test_only_the_latest_revision_counts);
	tcase_add_test(tc, test_questions_come_in_form_order_with_id_type_answered);
	tcase_add_test(tc, test_rows_the_scanner_does_not_expect_fall_back_to_cjson);
	tcase_add_test(tc, test_by_attribute_counts_multi_valued_in_each_group);
	tcase_add_test(tc, test_by_entity_is_refused_for_pseudonymous_forms);
	tcase_add_test(tc, test_weight_entity_splits_weight_among_delegates_who_answered);
	tcase_add_test(tc, test_weight_entity_rank_and_number_use_fractions);
	tcase_add_test(tc, test_weight_entity_within_each_group);
	tcase_add_test(tc, test_ballot_order_does_not_change_any_result);
	tcase_add_test(tc, test_duplicating_every_ballot_doubles_counts_and_keeps_shares);
	tcase_add_test(tc, test_entity_weighting_with_one_delegate_per_entity_equals_delegate_weighting);
	tcase_add_test(tc, test_pseudonymous_output_has_no_entity_anywhere);
	tcase_add_test(tc, test_turnout_counts_delegates_and_entities_by_attribute);
	tcase_add_test(tc, test_fast_scanner_and_cjson_fallback_agree);
	tcase_add_test(tc, test_groups_beyond_the_cap_are_pooled_in_other);
	tcase_add_test(tc, test_empty_by_is_refused);
	tcase_add_test(tc, test_damaged_rows_are_skipped_without_failing);
	tcase_add_test(tc, test_large_tally_counts_every_row_once);
	tcase_add_test(tc, test_stream_json_has_the_expected_bytes_and_escapes);
	tcase_add_test(tc, test_stream_json_pseudonymous_by_region_weight_entity);
	tcase_add_test(tc, test_stream_json_of_an_empty_database);
	tcase_add_test(tc, test_stream_json_equals_the_tree_in_every_variant);
	tcase_add_test(tc, test_each_item_lists_a_group_in_summary_order);
	tcase_add_test(tc, test_csv_written_as_it_goes_equals_the_tree_csv);
	tcase_add_test(tc, test_spill_to_a_missing_directory_fails_cleanly);
	tcase_add_test(tc, test_run_ex_sets_aside_revoked_checks_and_refuses_an_unknown_by);
	tcase_add_test(tc, test_check_on_many_rows_finds_each_damage_where_it_is);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tally_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
