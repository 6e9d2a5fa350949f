/* test_trend.c - rounds (core/trend.c, core/register.c): two rounds of
 * designed answers in one database through the real store, then the
 * objection register's four statuses at entity level (an entity objects
 * when any of its delegates does), a question renamed with "was", the
 * change between rounds to the last bit, the pseudonymous register
 * without entities, the series' order, and the hook for dispositions. */
#include "sounding.h"

#include <check.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], dbpath[128];
static uint8_t pk[SND_PK_BYTES], sk[SND_SK_BYTES];

#define FORM(ID, ROUND, PREV, ANON, QS)                                                          \
	"{\"id\":\"" ID "\",\"series\":\"s\",\"round\":" #ROUND PREV ANON ",\"languages\":[\"en\"]," \
	"\"title\":\"T\",\"sections\":[{\"id\":\"main\",\"title\":\"M\",\"questions\":[" QS "]}]}"

#define R1_QS                                                                                    \
	"{\"id\":\"p1\",\"type\":\"position\",\"text\":\"P1\"},"                                   \
	"{\"id\":\"p2\",\"type\":\"position\",\"text\":\"P2\"},"                                   \
	"{\"id\":\"old_name\",\"type\":\"position\",\"text\":\"Old\"},"                            \
	"{\"id\":\"sc\",\"type\":\"scale\",\"min\":1,\"max\":5,\"text\":\"Scale\"},"               \
	"{\"id\":\"ch\",\"type\":\"single\",\"text\":\"Choice\",\"options\":[\"a\",\"b\"]},"       \
	"{\"id\":\"gone\",\"type\":\"text\",\"text\":\"Dropped later\"}"
#define R2_QS                                                                                    \
	"{\"id\":\"p1\",\"type\":\"position\",\"text\":\"P1 revised\"},"                           \
	"{\"id\":\"p2\",\"type\":\"position\",\"text\":\"P2\"},"                                   \
	"{\"id\":\"new_name\",\"was\":\"old_name\",\"type\":\"position\",\"text\":\"New\"},"       \
	"{\"id\":\"sc\",\"type\":\"scale\",\"min\":1,\"max\":5,\"text\":\"Scale\"},"               \
	"{\"id\":\"ch\",\"type\":\"single\",\"text\":\"Choice\",\"options\":[\"a\",\"b\"]},"       \
	"{\"id\":\"fresh\",\"type\":\"text\",\"text\":\"New in round 2\"}"

static const char r1_json[] = FORM("r1", 1, "", "", R1_QS);
static const char r2_json[] = FORM("r2", 2, ",\"previous\":\"r1\"", "", R2_QS);
static const char p1_json[] = FORM("q1", 1, "", ",\"anonymity\":\"pseudonymous\"", R1_QS);
static const char p2_json[] =
	FORM("q2", 2, ",\"previous\":\"q1\"", ",\"anonymity\":\"pseudonymous\"", R2_QS);

struct sub {
	const char *sub, *ent, *answers;
};

#define OBJ(R) "{\"position\":\"object\",\"reason\":\"" R "\"}"
#define POS(P) "{\"position\":\"" P "\"}"

/* Round 1.  A objects to p1 (and will sustain it); B's two delegates
 * support p1 (one objects in round 2: new); C objects to p1 (withdrawn in
 * round 2); D objects to p1 (answers nothing in round 2: silent); E's two
 * delegates object to old_name with different reasons (sustained by one
 * in round 2 under its new name); F objects to p2 and does not come back
 * (silent). */
static const struct sub round1[] = {
	{"d1", "A", "{\"p1\":" OBJ("too many") ",\"sc\":2,\"ch\":\"a\"}"},
	{"d2", "B", "{\"p1\":" POS("support") ",\"sc\":4,\"ch\":\"b\"}"},
	{"d3", "B", "{\"p1\":" POS("support") "}"},
	{"d4", "C", "{\"p1\":" OBJ("no") "}"},
	{"d5", "D", "{\"p1\":" OBJ("unclear") "}"},
	{"d6", "E", "{\"old_name\":" OBJ("x") "}"},
	{"d7", "E", "{\"old_name\":" OBJ("y") "}"},
	{"d8", "F", "{\"p2\":" OBJ("never") "}"},
};
static const struct sub round2[] = {
	{"d1", "A", "{\"p1\":" OBJ("still too many") ",\"sc\":4,\"ch\":\"a\"}"},
	{"d2", "B", "{\"p1\":" POS("support") ",\"sc\":4,\"ch\":\"a\"}"},
	{"d3", "B", "{\"p1\":" OBJ("late") "}"},
	{"d4", "C", "{\"p1\":" POS("live_with") "}"},
	{"d5", "D", "{\"p2\":" POS("support") "}"},
	{"d6", "E", "{\"new_name\":" OBJ("x") "}"},
	{"d7", "E", "{\"new_name\":" POS("live_with") "}"},
};

static struct snd_form *parse(const char *json)
{
	struct snd_form *f = NULL;
	struct snd_diag d;
	snd_diag_init(&d);
	ck_assert_msg(snd_form_parse(json, strlen(json), "f.json", &f, &d) == SND_OK, "form: %s: %s",
	              d.n ? d.items[0].where : "", d.n ? d.items[0].msg : "");
	snd_diag_free(&d);
	return f;
}

/* Appends the submissions of list[0..n) to form f in the database. */
static void add(const struct snd_form *f, const struct sub *list, size_t n)
{
	struct snd_store *s = NULL;
	struct snd_diag d;
	char err[512];
	size_t i;
	snd_diag_init(&d);
	ck_assert_msg(snd_store_open(dbpath, SND_STORE_WRITE, &s, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_int_eq(snd_store_put_form(s, f), SND_OK);
	ck_assert_int_eq(snd_store_begin(s), SND_OK);
	for (i = 0; i < n; i++) {
		cJSON *a = cJSON_Parse(list[i].answers), *clean = NULL;
		struct snd_buf canon;
		struct snd_submission sb;
		char hex[65], jti[64], psub[33];
		char *receipt = NULL;
		int64_t rev = 0;
		ck_assert_ptr_nonnull(a);
		ck_assert_msg(snd_form_check_answers(f, a, &clean, &d) == SND_OK, "answers %zu: %s: %s",
		              i, d.n ? d.items[0].where : "", d.n ? d.items[0].msg : "");
		snd_buf_init(&canon, 0);
		ck_assert_int_eq(snd_answers_hash(clean, &canon, hex), SND_OK);
		snprintf(jti, sizeof jti, "j-%s-%s", f->id, list[i].sub);
		memset(&sb, 0, sizeof sb);
		sb.qid = f->id;
		if (f->anonymity == SND_PSEUDONYMOUS) {
			snd_pseudonym(sk, f->id, list[i].sub, psub);
			sb.sub = psub;
		} else {
			sb.sub = list[i].sub;
		}
		sb.ent = list[i].ent;
		sb.attrs = "{\"region\":\"EUR\"}";
		sb.jti = jti;
		sb.answers = canon.data;
		sb.answers_len = canon.len;
		sb.hash = hex;
		ck_assert_msg(snd_store_append(s, &sb, sk, 1769414400000 + (int64_t)i, &rev, &receipt) ==
		                  SND_OK,
		              "append: %s", snd_store_errmsg(s));
		free(receipt);
		snd_buf_free(&canon);
		cJSON_Delete(a);
		cJSON_Delete(clean);
	}
	ck_assert_int_eq(snd_store_commit(s), SND_OK);
	snd_store_close(s);
	snd_diag_free(&d);
}

static struct snd_form *F[2];
static struct snd_store *S;

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof dir, "/tmp/snd_trend_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof dbpath, "%s/a.db", dir);
	ck_assert_int_eq(snd_keypair(pk, sk), SND_OK);
	S = NULL;
	F[0] = F[1] = NULL;
}

static void teardown(void)
{
	char p[256];
	snd_store_close(S);
	snd_form_free(F[0]);
	snd_form_free(F[1]);
	snprintf(p, sizeof p, "%s/a.db", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/a.db-wal", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/a.db-shm", dir);
	unlink(p);
	rmdir(dir);
}

/* Both rounds of r1_json/r2_json (or the pseudonymous pair) in the
 * database, opened for reading. */
static void two_rounds(const char *a, const char *b)
{
	char err[512];
	F[0] = parse(a);
	F[1] = parse(b);
	add(F[0], round1, sizeof round1 / sizeof round1[0]);
	add(F[1], round2, sizeof round2 / sizeof round2[0]);
	ck_assert_msg(snd_store_open(dbpath, SND_STORE_READ, &S, err, sizeof err) == SND_OK, "%s", err);
}

static const struct snd_form *const *forms(void)
{
	return (const struct snd_form *const *)F;
}

START_TEST(test_register_has_the_four_statuses_at_entity_level_in_order)
{
	static const struct {
		const char *q, *ent, *status;
	} want[] = {
		{"p1", "A", "sustained"}, {"new_name", "E", "sustained"}, {"p1", "B", "new"},
		{"p1", "D", "silent"},    {"p2", "F", "silent"},          {"p1", "C", "withdrawn"},
	};
	struct snd_register *g = NULL;
	char err[256] = "";
	size_t i;
	two_rounds(r1_json, r2_json);
	ck_assert_msg(snd_register_build(S, forms(), 2, &g, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_uint_eq(g->n, sizeof want / sizeof want[0]);
	for (i = 0; i < g->n; i++) {
		const struct snd_register_entry *e = &g->entries[i];
		ck_assert_msg(strcmp(e->question, want[i].q) == 0 && strcmp(e->entity, want[i].ent) == 0 &&
		                  strcmp(snd_objection_status_names[e->status], want[i].status) == 0,
		              "entry %zu: %s %s %s, want %s %s %s", i, e->question, e->entity,
		              snd_objection_status_names[e->status], want[i].q, want[i].ent, want[i].status);
		ck_assert_ptr_null(e->disposition);
	}
	/* A: object in both rounds, each round's reason */
	ck_assert_int_eq(g->entries[0].rounds[0].position, SND_POS_OBJECT);
	ck_assert_str_eq(g->entries[0].rounds[0].reason, "too many");
	ck_assert_str_eq(g->entries[0].rounds[1].reason, "still too many");
	/* E: both delegates' reasons in round 1; one objector is enough in round 2 */
	ck_assert_str_eq(g->entries[1].rounds[0].reason, "x\ny");
	ck_assert_int_eq(g->entries[1].rounds[1].position, SND_POS_OBJECT);
	ck_assert_str_eq(g->entries[1].rounds[1].reason, "x");
	/* B: supported in round 1, objects through one delegate in round 2 */
	ck_assert_int_eq(g->entries[2].rounds[0].answered, 1);
	ck_assert_int_eq(g->entries[2].rounds[0].position, SND_POS_SUPPORT);
	ck_assert_ptr_null(g->entries[2].rounds[0].reason);
	ck_assert_str_eq(g->entries[2].rounds[1].reason, "late");
	/* D: no answer to p1 in round 2 (it answered another question) */
	ck_assert_int_eq(g->entries[3].rounds[1].answered, 0);
	/* C: answered otherwise */
	ck_assert_int_eq(g->entries[5].rounds[1].position, SND_POS_LIVE_WITH);
	snd_register_free(g);
}
END_TEST

START_TEST(test_register_json_and_the_disposition_hook)
{
	struct snd_register *g = NULL;
	struct snd_register_entry *e;
	char err[256] = "";
	cJSON *j, *first, *r0;
	two_rounds(r1_json, r2_json);
	ck_assert_int_eq(snd_register_build(S, forms(), 2, &g, err, sizeof err), SND_OK);
	e = snd_register_find(g, "p1", "C");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(snd_register_find(g, "p1", "Z"));
	e->disposition = cJSON_Parse("{\"status\":\"addressed\",\"note\":\"text revised\"}");
	j = snd_register_json(g);
	ck_assert_ptr_nonnull(j);
	first = cJSON_GetArrayItem(j, 0);
	ck_assert_str_eq(snd_json_str(first, "question"), "p1");
	ck_assert_str_eq(snd_json_str(first, "entity"), "A");
	ck_assert_str_eq(snd_json_str(first, "status"), "sustained");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(first, "disposition")));
	r0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(first, "rounds"), 0);
	ck_assert_int_eq((int)snd_json_num0(r0, "round"), 1);
	ck_assert_str_eq(snd_json_str(r0, "position"), "object");
	ck_assert_str_eq(snd_json_str(r0, "reason"), "too many");
	ck_assert_str_eq(snd_json_str(cJSON_GetObjectItemCaseSensitive(
	                     cJSON_GetArrayItem(j, 5), "disposition"), "status"), "addressed");
	/* D's round 2: no answer, null position and reason */
	r0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(j, 3), "rounds"), 1);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r0, "position")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r0, "reason")));
	cJSON_Delete(j);
	snd_register_free(g);
}
END_TEST

START_TEST(test_pseudonymous_register_names_no_entity)
{
	struct snd_register *g = NULL;
	char err[256] = "";
	cJSON *j, *e;
	char *text;
	two_rounds(p1_json, p2_json);
	ck_assert_int_eq(snd_register_build(S, forms(), 2, &g, err, sizeof err), SND_OK);
	ck_assert_int_eq(g->pseudonymous, 1);
	/* (p1 sustained), (new_name sustained), (p1 new), (p1 silent), (p2 silent), (p1 withdrawn) */
	ck_assert_uint_eq(g->n, 6);
	j = snd_register_json(g);
	cJSON_ArrayForEach(e, j) {
		ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(e, "entity"));
		ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(e, "rounds"));
		ck_assert_int_eq((int)snd_json_num0(e, "count"), 1);
	}
	text = cJSON_PrintUnformatted(j);
	ck_assert_ptr_null(strstr(text, "too many")); /* no reasons linked across rounds */
	ck_assert_ptr_null(strstr(text, "\"A\""));
	free(text);
	cJSON_Delete(j);
	snd_register_free(g);
}
END_TEST

static const cJSON *tq(const cJSON *tr, const char *id)
{
	const cJSON *q;
	cJSON_ArrayForEach(q, cJSON_GetObjectItemCaseSensitive(tr, "questions"))
		if (strcmp(snd_json_str(q, "id"), id) == 0)
			return q;
	ck_abort_msg("no question %s in the trend", id);
	return NULL;
}

static double chg(const cJSON *q, const char *a, const char *b)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(q, "change");
	if (a)
		c = cJSON_GetObjectItemCaseSensitive(c, a);
	c = cJSON_GetObjectItemCaseSensitive(c, b);
	ck_assert_msg(cJSON_IsNumber(c), "change %s.%s is not a number", a ? a : "", b);
	return c->valuedouble;
}

START_TEST(test_trend_matches_questions_and_gives_exact_changes)
{
	struct snd_tally_opts o = {NULL, SND_WEIGHT_DELEGATE};
	char err[256] = "";
	cJSON *tr = NULL;
	const cJSON *q, *rs;
	double tw;
	two_rounds(r1_json, r2_json);
	ck_assert_msg(snd_trend_build(S, forms(), 2, &o, SND_TALLY_VERIFY, NULL, &tr, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_str_eq(snd_json_str(tr, "series"), "s");
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(tr, "rounds"), 1)->valuestring,
	                 "r2");
	/* order: round 2's questions, then the one only round 1 asked */
	q = cJSON_GetObjectItemCaseSensitive(tr, "questions");
	ck_assert_int_eq(cJSON_GetArraySize(q), 7);
	ck_assert_str_eq(snd_json_str(cJSON_GetArrayItem(q, 2), "id"), "new_name");
	ck_assert_str_eq(snd_json_str(cJSON_GetArrayItem(q, 5), "id"), "fresh");
	ck_assert_str_eq(snd_json_str(cJSON_GetArrayItem(q, 6), "id"), "gone");
	/* was: round 1's old_name is round 2's new_name */
	rs = cJSON_GetObjectItemCaseSensitive(tq(tr, "new_name"), "rounds");
	ck_assert_str_eq(snd_json_str(cJSON_GetArrayItem(rs, 0), "id"), "old_name");
	ck_assert_int_eq((int)snd_json_num0(cJSON_GetArrayItem(rs, 0), "object"), 2);
	ck_assert_int_eq((int)snd_json_num0(cJSON_GetArrayItem(rs, 1), "object"), 1);
	ck_assert_double_eq(chg(tq(tr, "new_name"), NULL, "object"), 1.0 / 2 - 2.0 / 2);
	ck_assert_double_eq(chg(tq(tr, "new_name"), NULL, "live_with"), 1.0 / 2 - 0.0 / 2);
	/* present in one round only: null there, no change */
	rs = cJSON_GetObjectItemCaseSensitive(tq(tr, "gone"), "rounds");
	ck_assert(cJSON_IsObject(cJSON_GetArrayItem(rs, 0)));
	ck_assert(cJSON_IsNull(cJSON_GetArrayItem(rs, 1)));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(tq(tr, "gone"), "change")));
	ck_assert(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(tq(tr, "fresh"), "rounds"), 0)));
	/* p1: 2 support, 3 object of 5; then 1 support, 1 live_with, 2 object of 4 */
	q = tq(tr, "p1");
	ck_assert_double_eq(chg(q, NULL, "support"), 1.0 / 4 - 2.0 / 5);
	ck_assert_double_eq(chg(q, NULL, "live_with"), 1.0 / 4 - 0.0 / 5);
	ck_assert_double_eq(chg(q, NULL, "object"), 2.0 / 4 - 3.0 / 5);
	ck_assert_double_eq(chg(q, NULL, "abstain"), 0.0);
	/* scale: 2 and 4, then 4 and 4 */
	q = tq(tr, "sc");
	ck_assert_double_eq(chg(q, NULL, "mean"), 1.0);
	tw = 1 + log2(0.75); /* Tastle-Wierman of {2, 4} on 1..5 */
	ck_assert_double_eq_tol(chg(q, NULL, "consensus"), 1.0 - tw, 1e-12);
	/* single: a, b; then a, a */
	q = tq(tr, "ch");
	ck_assert_double_eq(chg(q, "options", "a"), 0.5);
	ck_assert_double_eq(chg(q, "options", "b"), -0.5);
	/* the register comes with it */
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tr, "objections")), 6);
	cJSON_Delete(tr);
}
END_TEST

START_TEST(test_trend_by_attribute_has_groups)
{
	struct snd_tally_opts o = {"region", SND_WEIGHT_ENTITY};
	char err[256] = "";
	cJSON *tr = NULL;
	const cJSON *g;
	two_rounds(r1_json, r2_json);
	ck_assert_msg(snd_trend_build(S, forms(), 2, &o, SND_TALLY_VERIFY, NULL, &tr, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_str_eq(snd_json_str(tr, "weight"), "entity");
	g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(tr, "groups"), "EUR");
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(g, "questions")), 7);
	/* entity weight: A, B, C answer p1 in round 2 (B split half and half);
	 * A, B, C, D in round 1 */
	ck_assert_double_eq(chg(tq(g, "p1"), NULL, "object"),
	                    (1.0 + 0.5) / 3 - 3.0 / 4);
	cJSON_Delete(tr);
}
END_TEST

START_TEST(test_series_order_refuses_mixed_or_unordered_rounds)
{
	struct snd_form *a = parse(r1_json), *b = parse(r2_json), *c = parse(p1_json), *x;
	const struct snd_form *fs[2];
	char err[256];
	static const char alone[] = "{\"id\":\"z\",\"languages\":[\"en\"],\"title\":\"T\","
	                            "\"sections\":[{\"id\":\"m\",\"title\":\"M\",\"questions\":["
	                            "{\"id\":\"p\",\"type\":\"position\",\"text\":\"P\"}]}]}";
	fs[0] = b;
	fs[1] = a;
	ck_assert_int_eq(snd_series_order(fs, 2, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "round order"));
	fs[0] = a;
	fs[1] = b;
	ck_assert_int_eq(snd_series_order(fs, 2, err, sizeof err), SND_OK);
	x = parse(alone);
	fs[1] = x;
	ck_assert_int_eq(snd_series_order(fs, 2, err, sizeof err), SND_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "belongs to no series"));
	/* same series name, but c is round 1 too */
	fs[1] = c;
	ck_assert_int_eq(snd_series_order(fs, 2, err, sizeof err), SND_EINVAL);
	snd_form_free(a);
	snd_form_free(b);
	snd_form_free(c);
	snd_form_free(x);
}
END_TEST

START_TEST(test_register_sets_aside_a_revoked_answer)
{
	struct snd_register *g = NULL;
	struct snd_store *w = NULL;
	struct snd_register_entry *e;
	char err[256] = "";
	two_rounds(r1_json, r2_json);
	ck_assert_msg(snd_store_open(dbpath, SND_STORE_WRITE, &w, err, sizeof err) == SND_OK, "%s", err);
	ck_assert_int_eq(snd_store_revoke(w, "j-r2-d1", 1769414500000), SND_OK);
	snd_store_close(w);
	ck_assert_int_eq(snd_register_build(S, forms(), 2, &g, err, sizeof err), SND_OK);
	/* A's only round 2 answer was made with the revoked link: no answer now */
	e = snd_register_find(g, "p1", "A");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->rounds[1].answered, 0);
	ck_assert_str_eq(snd_objection_status_names[e->status], "silent");
	snd_register_free(g);
}
END_TEST

START_TEST(test_register_shows_the_chairs_latest_disposition)
{
	struct snd_register *g = NULL;
	struct snd_store *w = NULL;
	struct snd_record rec;
	char err[256] = "", link[65];
	cJSON *j;
	const cJSON *d;
	two_rounds(r1_json, r2_json);
	ck_assert_msg(snd_store_open(dbpath, SND_STORE_WRITE, &w, err, sizeof err) == SND_OK, "%s", err);
	memset(&rec, 0, sizeof rec);
	rec.kind = SND_REC_DISPOSITION;
	rec.qid = "r2";
	rec.question = "p1";
	rec.entity = "A";
	rec.status = "open";
	rec.text = "";
	rec.by = "chair-1";
	rec.at = 1769500000000;
	ck_assert_int_eq(snd_store_record_add(w, &rec, link), SND_OK);
	rec.status = "addressed";
	rec.text = "text revised in round 2";
	rec.at = 1769500060000;
	ck_assert_int_eq(snd_store_record_add(w, &rec, link), SND_OK);
	snd_store_close(w);
	ck_assert_int_eq(snd_register_build(S, forms(), 2, &g, err, sizeof err), SND_OK);
	ck_assert_ptr_null(g->entries[0].disposition);
	ck_assert_int_eq(snd_register_fill_dispositions(g, S), SND_OK);
	j = snd_register_json(g);
	d = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(j, 0), "disposition");
	ck_assert_str_eq(snd_json_str(cJSON_GetArrayItem(j, 0), "entity"), "A");
	ck_assert_str_eq(snd_json_str(d, "status"), "addressed");
	ck_assert_str_eq(snd_json_str(d, "note"), "text revised in round 2");
	ck_assert_str_eq(snd_json_str(d, "by"), "chair-1");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(j, 1), "disposition")));
	cJSON_Delete(j);
	snd_register_free(g);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trend");
	TCase *t = tcase_create("rounds");
	SRunner *sr;
	int failed;
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_register_has_the_four_statuses_at_entity_level_in_order);
	tcase_add_test(t, test_register_json_and_the_disposition_hook);
	tcase_add_test(t, test_pseudonymous_register_names_no_entity);
	tcase_add_test(t, test_trend_matches_questions_and_gives_exact_changes);
	tcase_add_test(t, test_trend_by_attribute_has_groups);
	tcase_add_test(t, test_series_order_refuses_mixed_or_unordered_rounds);
	tcase_add_test(t, test_register_sets_aside_a_revoked_answer);
	tcase_add_test(t, test_register_shows_the_chairs_latest_disposition);
	suite_add_tcase(s, t);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
