/* test_turnout.c - turnout against the roll (core/turnout.c): who was
 * invited, who answered with a link that is not revoked, who is revoked,
 * who has not answered; the chair's object (snd_tally_turnout) and
 * `tally turnout`'s (snd_turnout_roll).  Databases are built through the
 * real store: snd_store_append with a receipt key, snd_store_roll_add,
 * snd_store_revoke. */
#include "sounding.h"

#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], dbpath[128];
static uint8_t rpk[SND_PK_BYTES], rsk[SND_SK_BYTES];

#define FORM_T(anon)                                                                         \
	"{\"id\":\"t\",\"languages\":[\"en\"],\"title\":\"T\",\"anonymity\":\"" anon "\","         \
	"\"sections\":[{\"id\":\"s\",\"title\":\"S\",\"questions\":["                           \
	"{\"id\":\"colour\",\"type\":\"single\",\"text\":\"C?\",\"options\":[\"red\",\"blue\"]}]}]}"

static struct snd_form *form;
static struct snd_store *st;

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	snprintf(dir, sizeof dir, "/tmp/snd_turnout_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	ck_assert_int_eq(snd_keypair(rpk, rsk), SND_OK);
	form = NULL;
	st = NULL;
}

static void teardown(void)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char p[200];
	size_t i;
	snd_store_close(st);
	snd_form_free(form);
	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", dbpath, sfx[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void open_db(const char *json)
{
	struct snd_diag d;
	char err[256];
	snd_diag_init(&d);
	ck_assert_int_eq(snd_form_parse(json, strlen(json), "t.json", &form, &d), SND_OK);
	snd_diag_free(&d);
	ck_assert_msg(snd_store_open(dbpath, SND_STORE_WRITE, &st, err, sizeof err) == SND_OK, "%s",
	              err);
	ck_assert_int_eq(snd_store_put_form(st, form), SND_OK);
}

/* One revision of delegate sub made with link jti (the stored sub is a
 * pseudonym on pseudonymous forms, as the collector stores it). */
static void answer(const char *sub, const char *ent, const char *jti, int64_t at)
{
	static const char canon[] = "{\"colour\":\"red\"}";
	struct snd_submission sb;
	char hex[65], psub[33];
	char *receipt = NULL;
	int64_t rev = 0;
	cJSON *a = cJSON_Parse(canon);
	struct snd_buf b;
	snd_buf_init(&b, 0);
	ck_assert_int_eq(snd_answers_hash(a, &b, hex), SND_OK);
	memset(&sb, 0, sizeof sb);
	sb.qid = "t";
	if (form->anonymity == SND_PSEUDONYMOUS) {
		snd_pseudonym(rsk, "t", sub, psub);
		sb.sub = psub;
	} else {
		sb.sub = sub;
	}
	sb.ent = ent;
	sb.attrs = "{}";
	sb.jti = jti;
	sb.answers = b.data;
	sb.answers_len = b.len;
	sb.hash = hex;
	ck_assert_int_eq(snd_store_begin(st), SND_OK);
	ck_assert_msg(snd_store_append(st, &sb, rsk, at, &rev, &receipt) == SND_OK, "%s",
	              snd_store_errmsg(st));
	ck_assert_int_eq(snd_store_commit(st), SND_OK);
	free(receipt);
	snd_buf_free(&b);
	cJSON_Delete(a);
}

static void roll(const char *sub, const char *ent, const char *attrs, const char *role,
                 const char *jti, int64_t issued_at)
{
	struct snd_roll_entry e;
	int added;
	memset(&e, 0, sizeof e);
	e.qid = "t";
	e.sub = sub;
	e.ent = ent;
	e.attrs = attrs;
	e.role = role;
	e.jti = jti;
	e.expires = 4102444800;
	e.email = "";
	e.lang = "";
	e.issued_at = issued_at;
	ck_assert_msg(snd_store_roll_add(st, &e, &added) == SND_OK, "%s", snd_store_errmsg(st));
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

static cJSON *turnout(const char *by, int missing, enum snd_err want, char *err, size_t errlen)
{
	struct snd_turnout_opts o = {by, missing};
	cJSON *t = NULL;
	err[0] = '\0';
	ck_assert_int_eq(snd_turnout_roll(st, form, &o, &t, err, errlen), want);
	return t;
}

/* a: answered; b: answered with a link revoked since, then again with a
 * new one (answered); c: answered with a revoked link only (revoked); d:
 * two links, the older revoked (not answered, not revoked); e: never
 * answered, its only link revoked (revoked); a chair (not invited). */
static void five(void)
{
	roll("a", "ENT-1", "{\"sg\":\"SG2; SG13\"}", "delegate", "ja", 10);
	roll("b", "ENT-2", "{\"sg\":\"SG2\"}", "delegate", "jb1", 10);
	roll("b", "ENT-2", "{\"sg\":\"SG5\"}", "delegate", "jb2", 20); /* newest: its attrs */
	roll("c", "ENT-3", "{}", "delegate", "jc", 10);
	roll("d", "ENT-4", "{\"sg\":\"SG2\"}", "delegate", "jd1", 10);
	roll("d", "ENT-4", "{\"sg\":\"SG2\"}", "delegate", "jd2", 20);
	roll("e", "ENT-5", "{}", "delegate", "je", 10);
	roll("chair", "TSB", "{}", "chair", "jchair", 10);
	answer("a", "ENT-1", "ja", 1000);
	answer("b", "ENT-2", "jb1", 2000);
	answer("c", "ENT-3", "jc", 3000);
	ck_assert_int_eq(snd_store_revoke(st, "jb1", 4000), SND_OK);
	answer("b", "ENT-2", "jb2", 5000);
	ck_assert_int_eq(snd_store_revoke(st, "jc", 6000), SND_OK);
	ck_assert_int_eq(snd_store_revoke(st, "jd1", 6000), SND_OK);
	ck_assert_int_eq(snd_store_revoke(st, "je", 6000), SND_OK);
}

START_TEST(test_turnout_counts_a_delegate_once_and_only_answers_with_valid_links)
{
	char err[512];
	cJSON *t;
	open_db(FORM_T("attributed"));
	five();
	t = turnout(NULL, 1, SND_OK, err, sizeof err);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(t, "questionnaire")->valuestring, "t");
	ck_assert(num(t, "invited") == 5);
	ck_assert(num(t, "answered") == 2);
	ck_assert(num(t, "revoked") == 2);
	ck_assert(num(t, "rate") == 0.4);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(t, "groups"));
	{
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(t, "missing");
		ck_assert_int_eq(cJSON_GetArraySize(m), 1);
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m->child, "sub")->valuestring, "d");
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m->child, "entity")->valuestring,
		                 "ENT-4");
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m->child, "sg")->valuestring, "SG2");
	}
	cJSON_Delete(t);
	/* groups: pieces trimmed, the newest link's attributes, "(none)" */
	t = turnout("sg", 0, SND_OK, err, sizeof err);
	{
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(t, "groups"), *v;
		const char *order[] = {"(none)", "SG2", "SG5", "SG13"};
		int i = 0;
		cJSON_ArrayForEach(v, g) {
			ck_assert_int_lt(i, 4);
			ck_assert_str_eq(v->string, order[i++]);
		}
		ck_assert_int_eq(i, 4);
		v = cJSON_GetObjectItemCaseSensitive(g, "SG2");
		ck_assert(num(v, "invited") == 2 && num(v, "answered") == 1 && num(v, "rate") == 0.5);
		v = cJSON_GetObjectItemCaseSensitive(g, "SG5");
		ck_assert(num(v, "invited") == 1 && num(v, "answered") == 1);
		v = cJSON_GetObjectItemCaseSensitive(g, "(none)");
		ck_assert(num(v, "invited") == 2 && num(v, "answered") == 0 && num(v, "rate") == 0);
	}
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(t, "missing"));
	cJSON_Delete(t);
}
END_TEST

START_TEST(test_turnout_summary_invited_is_the_same_count)
{
	int64_t invited = -1;
	int found = -1;
	open_db(FORM_T("attributed"));
	ck_assert_int_eq(snd_store_invited(st, "t", &invited, &found), SND_OK);
	ck_assert_int_eq(found, 0);
	five();
	ck_assert_int_eq(snd_store_invited(st, "t", &invited, &found), SND_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq((int)invited, 5);
	ck_assert_int_eq(snd_store_invited(st, "other", &invited, &found), SND_OK);
	ck_assert_int_eq(found, 0);
}
END_TEST

START_TEST(test_turnout_without_a_roll_or_attribute_says_what_to_do)
{
	char err[512];
	open_db(FORM_T("attributed"));
	answer("a", "ENT-1", "ja", 1000);
	ck_assert_ptr_null(turnout(NULL, 0, SND_ENOTFOUND, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "no roll for t"));
	ck_assert_ptr_nonnull(strstr(err, "collector roll import"));
	five();
	ck_assert_ptr_null(turnout("region", 0, SND_ENOTFOUND, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "--by region"));
	ck_assert_ptr_nonnull(strstr(err, "the roll has: entity, sg"));
}
END_TEST

START_TEST(test_turnout_pseudonymous_matches_by_link_and_never_names)
{
	char err[512];
	cJSON *t;
	open_db(FORM_T("pseudonymous"));
	five();
	ck_assert_ptr_null(turnout(NULL, 1, SND_EINVAL, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "pseudonymous"));
	ck_assert_ptr_null(turnout("entity", 0, SND_EINVAL, err, sizeof err));
	t = turnout(NULL, 0, SND_OK, err, sizeof err);
	/* the stored sub is a pseudonym: answers are found through the link */
	ck_assert(num(t, "invited") == 5 && num(t, "answered") == 2 && num(t, "revoked") == 2);
	cJSON_Delete(t);
	ck_assert_int_eq(snd_tally_turnout(st, form, &t, err, sizeof err), SND_OK);
	ck_assert(num(t, "invited") == 5 && num(t, "missing_count") == 1);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(t, "missing"));
	{
		char *s = cJSON_PrintUnformatted(t);
		ck_assert_ptr_null(strstr(s, "ENT-"));
		free(s);
	}
	cJSON_Delete(t);
}
END_TEST

START_TEST(test_chair_turnout_caps_who_has_not_answered_in_order)
{
	char err[512], sub[16], ent[16], jti[16];
	const cJSON *m, *it;
	cJSON *t;
	int i, n = 0;
	open_db(FORM_T("attributed"));
	ck_assert_int_eq(snd_tally_turnout(st, form, &t, err, sizeof err), SND_OK);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(t, "invited")); /* no roll */
	cJSON_Delete(t);
	ck_assert_int_eq(snd_store_begin(st), SND_OK);
	for (i = SND_TURNOUT_MISSING_MAX + 9; i >= 0; i--) {
		snprintf(sub, sizeof sub, "x%d", i);
		snprintf(ent, sizeof ent, "E%d", i % 3);
		snprintf(jti, sizeof jti, "j%d", i);
		roll(sub, ent, "{\"region\":\"EUR\"}", "delegate", jti, 10);
	}
	ck_assert_int_eq(snd_store_commit(st), SND_OK);
	answer("x0", "E0", "j0", 1000);
	ck_assert_int_eq(snd_tally_turnout(st, form, &t, err, sizeof err), SND_OK);
	ck_assert(num(t, "invited") == SND_TURNOUT_MISSING_MAX + 10);
	ck_assert(num(t, "answered") == 1);
	ck_assert(num(t, "missing_count") == SND_TURNOUT_MISSING_MAX + 9);
	m = cJSON_GetObjectItemCaseSensitive(t, "missing");
	ck_assert_int_eq(cJSON_GetArraySize(m), SND_TURNOUT_MISSING_MAX);
	/* by entity then id, in natural order: E0 x3, E0 x6, ... */
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m->child, "entity")->valuestring, "E0");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m->child, "sub")->valuestring, "x3");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(m->child->next, "sub")->valuestring, "x6");
	cJSON_ArrayForEach(it, m)
		n++;
	ck_assert_int_eq(n, SND_TURNOUT_MISSING_MAX);
	it = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(t, "by"), "region"), "EUR");
	ck_assert(num(it, "invited") == SND_TURNOUT_MISSING_MAX + 10 && num(it, "answered") == 1);
	cJSON_Delete(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("turnout");
	TCase *t = tcase_create("turnout");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_turnout_counts_a_delegate_once_and_only_answers_with_valid_links);
	tcase_add_test(t, test_turnout_summary_invited_is_the_same_count);
	tcase_add_test(t, test_turnout_without_a_roll_or_attribute_says_what_to_do);
	tcase_add_test(t, test_turnout_pseudonymous_matches_by_link_and_never_names);
	tcase_add_test(t, test_chair_turnout_caps_who_has_not_answered_in_order);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	int failed;
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
