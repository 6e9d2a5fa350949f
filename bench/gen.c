/* gen.c - data for the benchmarks: delegate tokens, varied valid answer
 * bodies, and databases of synthetic responses written through the real
 * store (snd_store_begin/append/commit).
 *
 *   gen tokens  --key ISSUER.secret --form FORM -n N [--role delegate|chair]
 *               [--seed S] [--width W]
 *       N tokens, one per line, each padded with spaces to W bytes (default
 *       720) so a load script can seek straight to its own slice.
 *   gen answers --form FORM -n N --format json|urlenc [--seed S]
 *       N answer bodies, one per line: {"answers":{...}} for the API, or the
 *       urlencoded fields of the HTML form (without _csrf).
 *   gen store   --db DB --form FORM --receipt-key RECEIPT.secret -n N
 *               [--batch B] [--seed S]
 *       N delegates' responses (one revision each) in batches of B (1000).
 *
 * Every answers object is checked with snd_form_check_answers before it is
 * used, and every urlencoded body is parsed back with the collector's own
 * functions, so a generator bug stops the run instead of turning into 422s.
 *
 * The answers are generic over the form: every question type, skewed choices
 * (so tallies have leaders and consensus varies), "no view" answers, rank
 * prefixes, objections with reasons, free text in the six ITU languages with
 * characters that need escaping, and show_if cases both ways (a dependent
 * question answered when it applies, and sometimes answered when it does not,
 * which the server must drop).
 *
 * Built by bench/run.sh with a plain cc line against build-bench/libsounding.a.
 */
#include "sounding.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ rng */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd64(void) /* splitmix64: fast, fine for test data */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rnd(int n) /* 0..n-1 */
{
	return n <= 1 ? 0 : (int)(rnd64() % (uint64_t)n);
}

static int chance(int percent)
{
	return rnd(100) < percent;
}

/* A skewed pick of 0..n-1: lower indexes likelier, with a per-question
 * twist so questions differ (some have a clear leader, some are split). */
static int skewed(int n, int twist)
{
	int a = rnd(n), b = rnd(n);
	int v = twist % 3 == 0 ? (a < b ? a : b) : twist % 3 == 1 ? (a > b ? a : b) : a;
	return v;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ------------------------------------------------------------ delegates */

static const char *const categories[] = {"MS", "MS", "MS", "MS", "MS", "MS",
                                         "SM", "SM", "SM", "Academia", "Associate"};
static const char *const sgs[] = {"sg2", "sg3", "sg5", "sg11", "sg12",
                                  "sg13", "sg15", "sg17", "sg20", "tsag"};
static const char *const regions[] = {"AMS", "EUR", "ASP", "ARB", "AFR", "CIS"};

struct delegate {
	char sub[32], ent[48], jti[32];
	const char *category, *sg, *region, *hod;
};

/* Delegates in order: entities of 1-3 delegates each; an entity keeps its
 * category and region, each delegate has its own study group. */
struct entity_walk {
	long ent_no;
	int left, first;
	const char *category, *region;
};

static void next_delegate(struct entity_walk *w, long i, const char *prefix, struct delegate *d)
{
	if (w->left == 0) {
		w->ent_no++;
		w->left = 1 + rnd(3);
		w->first = 1;
		w->category = categories[rnd((int)(sizeof categories / sizeof *categories))];
		w->region = regions[rnd((int)(sizeof regions / sizeof *regions))];
	}
	snprintf(d->sub, sizeof d->sub, "%s%07ld", prefix, i);
	if (strcmp(w->category, "MS") == 0)
		snprintf(d->ent, sizeof d->ent, "Administration %05ld", w->ent_no);
	else
		snprintf(d->ent, sizeof d->ent, "%s member %05ld", w->category, w->ent_no);
	snprintf(d->jti, sizeof d->jti, "jti-%s-%07ld", prefix, i);
	d->category = w->category;
	d->region = w->region;
	d->sg = sgs[rnd((int)(sizeof sgs / sizeof *sgs))];
	d->hod = w->first ? "yes" : "no";
	w->first = 0;
	w->left--;
}

/* ------------------------------------------------------------- answers */

static const char *const phrases[] = {
	"The lead study group should coordinate, not decide.",
	"Coordination works well for IoT; less so for AI.",
	"We need \"clear\" mandates & fewer overlaps <b>now</b>.",
	"Le GSR doit coordonner les travaux, pas les trancher.",
	"El grupo de estudio rector debería informar más a menudo.",
	"ينبغي أن تنسق لجنة الدراسات الرائدة العمل",
	"牵头研究组应加强协调，避免重复工作。",
	"Ведущая исследовательская комиссия должна координировать работу.",
	"Line one\nline two, with a tab\tand a backslash \\ too.",
	"Résumé: naïve façade — 50% of SGs agree; 100 € ≈ 5 × 20.",
	"See Resolution 1, clause 2.2; WTSA-24 and TSAG.",
	"No strong view.",
};

static void add_text(struct snd_buf *b, size_t max_cp)
{
	int n = 1 + (chance(25) ? rnd(3) : 0), i;
	(void)max_cp; /* phrases are short: 4 of them stay far below 2000 code points */
	for (i = 0; i < n; i++) {
		if (i > 0)
			snd_buf_putc(b, ' ');
		snd_buf_puts(b, phrases[rnd((int)(sizeof phrases / sizeof *phrases))]);
	}
}

static cJSON *text_value(size_t max_cp)
{
	struct snd_buf b;
	cJSON *v;
	snd_buf_init(&b, 0);
	add_text(&b, max_cp);
	v = cJSON_CreateString(b.data);
	snd_buf_free(&b);
	return v;
}

/* What show_if compares against: option id, position name or scale point. */
static void match_value(const struct snd_question *q, const cJSON *a, char *out, size_t n)
{
	out[0] = '\0';
	if (a == NULL)
		return;
	if (cJSON_IsString(a))
		snprintf(out, n, "%s", a->valuestring);
	else if (cJSON_IsNumber(a))
		snprintf(out, n, "%d", a->valueint);
	else if (q->type == SND_Q_POSITION && cJSON_IsObject(a)) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(a, "position");
		if (cJSON_IsString(p))
			snprintf(out, n, "%s", p->valuestring);
	}
}

static int applies(const struct snd_form *f, const struct snd_question *q, char (*vals)[SND_ID_MAX + 1])
{
	size_t i;
	if (q->show_if_q < 0)
		return 1;
	for (i = 0; i < q->nshow_if_values; i++)
		if (strcmp(vals[q->show_if_q], q->show_if_values[i]) == 0)
			return 1;
	(void)f;
	return 0;
}

static cJSON *scale_point(const struct snd_question *q, int qi)
{
	if (q->no_view && chance(6))
		return cJSON_CreateNull();
	return cJSON_CreateNumber(q->min + skewed(q->max - q->min + 1, qi));
}

static void shuffle(int *a, int n)
{
	int i;
	for (i = n - 1; i > 0; i--) {
		int j = rnd(i + 1), t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

/* One question's answer, or NULL for "not answered". */
static cJSON *answer_for(const struct snd_question *q, int qi)
{
	int perm[256], n, k, i, lo, hi;
	cJSON *v;
	switch (q->type) {
	case SND_Q_SINGLE:
		return cJSON_CreateString(q->options[skewed((int)q->noptions, qi)].id);
	case SND_Q_MULTI:
		n = (int)q->noptions;
		lo = q->min > 0 ? q->min : 1;
		hi = q->max > 0 && q->max < n ? q->max : n;
		k = lo + rnd(hi - lo + 1);
		for (i = 0; i < n && i < 256; i++)
			perm[i] = i;
		shuffle(perm, n);
		v = cJSON_CreateArray();
		for (i = 0; i < n; i++) { /* the first k of perm, in form order */
			int j, chosen = 0;
			for (j = 0; j < k; j++)
				chosen |= perm[j] == i;
			if (chosen)
				cJSON_AddItemToArray(v, cJSON_CreateString(q->options[i].id));
		}
		return v;
	case SND_Q_SCALE:
		return scale_point(q, qi);
	case SND_Q_MATRIX:
		v = cJSON_CreateObject();
		for (i = 0; i < (int)q->nrows; i++)
			cJSON_AddItemToObject(v, q->rows[i].id, scale_point(q, qi + i));
		return v;
	case SND_Q_RANK:
		n = (int)q->noptions;
		lo = q->min > 0 ? q->min : 1;
		hi = q->max > 0 && q->max < n ? q->max : n;
		k = chance(60) ? hi : lo + rnd(hi - lo + 1);
		for (i = 0; i < n && i < 256; i++)
			perm[i] = i;
		/* a skewed first choice, the rest shuffled */
		shuffle(perm, n);
		i = skewed(n, qi);
		for (lo = 0; lo < n; lo++)
			if (perm[lo] == i) {
				perm[lo] = perm[0];
				perm[0] = i;
				break;
			}
		v = cJSON_CreateArray();
		for (i = 0; i < k; i++)
			cJSON_AddItemToArray(v, cJSON_CreateString(q->options[perm[i]].id));
		return v;
	case SND_Q_POSITION: {
		static const int weights[SND_POS__MAX] = {55, 25, 12, 8};
		int r = rnd(100), p = 0, acc = weights[0];
		while (r >= acc && p < SND_POS__MAX - 1)
			acc += weights[++p];
		if (qi % 5 == 4 && p == SND_POS_LIVE_WITH)
			p = SND_POS_OBJECT; /* some questions are contested */
		v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "position", snd_position_names[p]);
		if (p == SND_POS_OBJECT || chance(8))
			cJSON_AddItemToObject(v, "reason", text_value(q->max_length));
		return v;
	}
	case SND_Q_NUMBER:
		if (q->integer)
			return cJSON_CreateNumber(
				(double)((long)q->nmin + rnd((int)(q->nmax - q->nmin) + 1) / (1 + rnd(3))));
		return cJSON_CreateNumber(q->nmin + (q->nmax - q->nmin) * (double)rnd(1000) / 1000.0);
	case SND_Q_TEXT:
		return text_value(q->max_length);
	default:
		return NULL;
	}
}

/* A fresh, valid answers object for f (checked; dies if the form rejects it). */
static cJSON *make_answers(const struct snd_form *f, cJSON **clean)
{
	char (*vals)[SND_ID_MAX + 1] = calloc(f->nquestions, sizeof *vals);
	cJSON *a = cJSON_CreateObject();
	struct snd_diag errs;
	size_t i;
	enum snd_err e;

	if (vals == NULL || a == NULL)
		die("out of memory");
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		int want;
		cJSON *v;
		if (!applies(f, q, vals))
			want = chance(8); /* answered although hidden: must be dropped */
		else if (q->required)
			want = 1;
		else
			want = q->show_if_q >= 0 ? chance(85) : chance(q->type == SND_Q_TEXT ? 35 : 80);
		if (!want)
			continue;
		v = answer_for(q, (int)i);
		if (v == NULL)
			continue;
		match_value(q, v, vals[i], sizeof vals[i]);
		cJSON_AddItemToObject(a, q->id, v);
	}
	free(vals);
	snd_diag_init(&errs);
	e = snd_form_check_answers(f, a, clean, &errs);
	if (e != SND_OK) {
		char *t = cJSON_PrintUnformatted(a);
		die("generated answers were refused (%s: %s): %s", errs.n ? errs.items[0].where : "$",
		    errs.n ? errs.items[0].msg : snd_strerror(e), t ? t : "?");
	}
	snd_diag_free(&errs);
	return a;
}

/* ------------------------------------------------------------ urlencoded */

static void urlenc(struct snd_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			snd_buf_putc(b, (char)c);
		else if (c == ' ')
			snd_buf_putc(b, '+');
		else if (c == '\n') /* browsers send textarea line breaks as CRLF */
			snd_buf_puts(b, "%0D%0A");
		else {
			snd_buf_putc(b, '%');
			snd_buf_putc(b, hex[c >> 4]);
			snd_buf_putc(b, hex[c & 15]);
		}
	}
}

static void field(struct snd_buf *b, const char *name, const char *sub, const char *value)
{
	if (b->len > 0)
		snd_buf_putc(b, '&');
	urlenc(b, name);
	if (sub) {
		snd_buf_putc(b, '.');
		urlenc(b, sub);
	}
	snd_buf_putc(b, '=');
	urlenc(b, value);
}

static void point_str(const cJSON *v, char *out, size_t n)
{
	if (cJSON_IsNumber(v))
		snprintf(out, n, "%d", v->valueint);
	else
		snprintf(out, n, "none");
}

/* The fields a browser posts for answers a (every form control present, as a
 * browser sends unselected rank places as ""). */
static void answers_to_post(const struct snd_form *f, const cJSON *a, struct snd_buf *b)
{
	char num[64];
	size_t i, j, k;
	for (i = 0; i < f->nquestions; i++) {
		const struct snd_question *q = &f->questions[i];
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, q->id), *x;
		switch (q->type) {
		case SND_Q_SINGLE:
		case SND_Q_TEXT:
			if (v)
				field(b, q->id, NULL, v->valuestring);
			else if (q->type == SND_Q_TEXT)
				field(b, q->id, NULL, ""); /* an empty textarea is sent */
			break;
		case SND_Q_SCALE:
			if (v) {
				point_str(v, num, sizeof num);
				field(b, q->id, NULL, num);
			}
			break;
		case SND_Q_NUMBER:
			if (v)
				snprintf(num, sizeof num, "%.17g", v->valuedouble);
			field(b, q->id, NULL, v ? num : "");
			break;
		case SND_Q_MULTI:
			cJSON_ArrayForEach(x, v) field(b, q->id, NULL, x->valuestring);
			break;
		case SND_Q_MATRIX:
			for (j = 0; v && j < q->nrows; j++) {
				x = cJSON_GetObjectItemCaseSensitive(v, q->rows[j].id);
				if (x) {
					point_str(x, num, sizeof num);
					field(b, q->id, q->rows[j].id, num);
				}
			}
			break;
		case SND_Q_RANK:
			for (j = 0; j < q->noptions; j++) {
				size_t place = 0;
				k = 0;
				cJSON_ArrayForEach(x, v) {
					k++;
					if (strcmp(x->valuestring, q->options[j].id) == 0)
						place = k;
				}
				if (place)
					snprintf(num, sizeof num, "%zu", place);
				field(b, q->id, q->options[j].id, place ? num : "");
			}
			break;
		case SND_Q_POSITION:
			if (v) {
				x = cJSON_GetObjectItemCaseSensitive(v, "position");
				field(b, q->id, NULL, x->valuestring);
				x = cJSON_GetObjectItemCaseSensitive(v, "reason");
				field(b, q->id, "reason", x ? x->valuestring : "");
			} else
				field(b, q->id, "reason", "");
			break;
		default:
			break;
		}
	}
}

/* Parses a posted body back with the collector's own functions. */
static void check_post(const struct snd_form *f, const char *body)
{
	struct snd_kvlist kv = {0};
	struct snd_diag errs;
	cJSON *a = NULL, *clean = NULL;
	char err[256];
	if (snd_urlenc_parse(body, strlen(body), &kv, err, sizeof err) != SND_OK)
		die("urlencoded body does not parse: %s", err);
	snd_diag_init(&errs);
	if (snd_form_answers_from_post(f, &kv, &a, &errs) != SND_OK ||
	    snd_form_check_answers(f, a, &clean, &errs) != SND_OK)
		die("urlencoded body is refused (%s: %s): %s", errs.n ? errs.items[0].where : "$",
		    errs.n ? errs.items[0].msg : "?", body);
	snd_diag_free(&errs);
	cJSON_Delete(a);
	cJSON_Delete(clean);
	snd_kvlist_free(&kv);
}

/* ----------------------------------------------------------- commands */

struct args {
	const char *key, *form, *db, *format, *role;
	long n, batch, width;
	uint64_t seed;
};

static void parse_args(int argc, char **argv, struct args *a)
{
	int i;
	memset(a, 0, sizeof *a);
	a->batch = 1000;
	a->width = 720;
	a->role = "delegate";
	a->format = "json";
	a->seed = 1;
	for (i = 2; i < argc; i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v == NULL)
			die("option %s needs a value", o);
		if (strcmp(o, "--key") == 0 || strcmp(o, "--receipt-key") == 0)
			a->key = v;
		else if (strcmp(o, "--form") == 0)
			a->form = v;
		else if (strcmp(o, "--db") == 0)
			a->db = v;
		else if (strcmp(o, "--format") == 0)
			a->format = v;
		else if (strcmp(o, "--role") == 0)
			a->role = v;
		else if (strcmp(o, "-n") == 0)
			a->n = atol(v);
		else if (strcmp(o, "--batch") == 0)
			a->batch = atol(v);
		else if (strcmp(o, "--width") == 0)
			a->width = atol(v);
		else if (strcmp(o, "--seed") == 0)
			a->seed = strtoull(v, NULL, 10);
		else
			die("unknown option %s", o);
	}
	if (a->form == NULL || a->n <= 0)
		die("--form and -n N are required");
	rng_state ^= a->seed * 0x2545f4914f6cdd1dull;
}

static struct snd_form *load_form(const char *path)
{
	struct snd_form *f;
	struct snd_diag d;
	snd_diag_init(&d);
	if (snd_form_load(path, &f, &d) != SND_OK)
		die("%s: %s: %s", path, d.n ? d.items[0].where : "$", d.n ? d.items[0].msg : "cannot load");
	snd_diag_free(&d);
	return f;
}

static int cmd_tokens(const struct args *a)
{
	struct snd_form *f = load_form(a->form);
	struct entity_walk w = {0};
	struct snd_claims cl;
	struct snd_attr attrs[4];
	uint8_t sk[SND_SK_BYTES], pk[SND_PK_BYTES];
	char err[512], kid[SND_PASERK_PID_LEN + 1], footer[SND_PASERK_PID_LEN + 16];
	int64_t now = (int64_t)time(NULL);
	int chair = strcmp(a->role, "chair") == 0;
	long i;

	if (a->key == NULL || snd_key_load_secret(a->key, sk, err, sizeof err) != SND_OK)
		die("--key: %s", a->key ? err : "required");
	memcpy(pk, sk + 32, sizeof pk);
	snd_paserk_pid(pk, kid);
	snprintf(footer, sizeof footer, "{\"kid\":\"%s\"}", kid);
	memset(&cl, 0, sizeof cl);
	for (i = 0; i < a->n; i++) {
		struct delegate d;
		char *payload, *tok = NULL;
		size_t len;
		next_delegate(&w, i, chair ? "chair" : "d", &d);
		cl.aud = f->id;
		cl.sub = d.sub;
		cl.jti = d.jti;
		cl.ent = chair ? "TSAG management" : d.ent;
		cl.role = chair ? SND_ROLE_CHAIR : SND_ROLE_DELEGATE;
		attrs[0] = (struct snd_attr){"category", (char *)d.category};
		attrs[1] = (struct snd_attr){"sg", (char *)d.sg};
		attrs[2] = (struct snd_attr){"region", (char *)d.region};
		attrs[3] = (struct snd_attr){"hod", (char *)d.hod};
		cl.attrs = attrs;
		cl.nattrs = 4;
		cl.iat = cl.nbf = now - 120;
		cl.exp = now + 30 * 86400;
		cl.has_nbf = cl.has_exp = 1;
		if ((payload = snd_claims_json(&cl)) == NULL ||
		    snd_paseto_sign(sk, payload, strlen(payload), footer, NULL, &tok) != SND_OK)
			die("cannot sign token %ld", i);
		len = strlen(tok);
		if ((long)len + 1 > a->width)
			die("token %ld is %zu bytes, over --width %ld", i, len, a->width);
		printf("%s%*s\n", tok, (int)(a->width - 1 - (long)len), "");
		free(payload);
		free(tok);
	}
	sodium_memzero(sk, sizeof sk);
	snd_form_free(f);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_answers(const struct args *a)
{
	struct snd_form *f = load_form(a->form);
	int json = strcmp(a->format, "json") == 0;
	struct snd_buf b;
	long i;
	if (!json && strcmp(a->format, "urlenc") != 0)
		die("--format json|urlenc");
	snd_buf_init(&b, 0);
	for (i = 0; i < a->n; i++) {
		cJSON *clean = NULL, *ans = make_answers(f, &clean);
		snd_buf_reset(&b);
		if (json) {
			cJSON *wrap = cJSON_CreateObject();
			char *t;
			cJSON_AddItemToObject(wrap, "answers", ans);
			t = cJSON_PrintUnformatted(wrap);
			if (t == NULL)
				die("out of memory");
			puts(t);
			free(t);
			cJSON_Delete(wrap);
		} else {
			answers_to_post(f, ans, &b);
			if (b.failed)
				die("out of memory");
			check_post(f, b.data);
			puts(b.data);
			cJSON_Delete(ans);
		}
		cJSON_Delete(clean);
	}
	snd_buf_free(&b);
	snd_form_free(f);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_store(const struct args *a)
{
	struct snd_form *f = load_form(a->form);
	struct snd_store *s = NULL;
	struct entity_walk w = {0};
	struct snd_buf canon, attrs;
	uint8_t sk[SND_SK_BYTES];
	char err[512];
	int64_t t0 = 1769414400000; /* 2026-01-26T08:00:00Z: the form's opening */
	long i;
	time_t started = time(NULL);

	if (a->db == NULL || a->key == NULL)
		die("--db and --receipt-key are required");
	if (snd_key_load_secret(a->key, sk, err, sizeof err) != SND_OK)
		die("--receipt-key: %s", err);
	if (snd_store_open(a->db, SND_STORE_WRITE, &s, err, sizeof err) != SND_OK)
		die("--db: %s", err);
	if (snd_store_put_form(s, f) != SND_OK)
		die("%s: %s", a->db, snd_store_errmsg(s));
	snd_buf_init(&canon, 0);
	snd_buf_init(&attrs, 0);
	for (i = 0; i < a->n; i++) {
		struct delegate d;
		struct snd_submission sub;
		cJSON *clean = NULL, *ans;
		char hash[65], *receipt = NULL;
		int64_t rev;
		enum snd_err e;

		if (i % a->batch == 0 && snd_store_begin(s) != SND_OK)
			die("begin: %s", snd_store_errmsg(s));
		next_delegate(&w, i, "d", &d);
		ans = make_answers(f, &clean);
		snd_buf_reset(&canon);
		if (snd_answers_hash(clean, &canon, hash) != SND_OK)
			die("canonical JSON failed");
		snd_buf_reset(&attrs);
		snd_buf_printf(&attrs, "{\"category\":\"%s\",\"sg\":\"%s\",\"region\":\"%s\",\"hod\":\"%s\"}",
		               d.category, d.sg, d.region, d.hod);
		sub.qid = f->id;
		sub.sub = d.sub;
		sub.ent = d.ent;
		sub.attrs = attrs.data;
		sub.jti = d.jti;
		sub.answers = canon.data;
		sub.answers_len = canon.len;
		sub.hash = hash;
		sub.salt = NULL; /* unsalted: hash is the SHA-256 of the canonical answers */
		e = snd_store_append(s, &sub, sk, t0 + i * 7, &rev, &receipt);
		if (e != SND_OK)
			die("append %ld: %s (%s)", i, snd_strerror(e), snd_store_errmsg(s));
		free(receipt);
		cJSON_Delete(ans);
		cJSON_Delete(clean);
		if ((i + 1) % a->batch == 0 || i + 1 == a->n) {
			if (snd_store_commit(s) != SND_OK)
				die("commit: %s", snd_store_errmsg(s));
			if ((i + 1) % 100000 == 0)
				fprintf(stderr, "gen: %ld responses stored (%lds)\n", i + 1,
				        (long)(time(NULL) - started));
		}
	}
	snd_buf_free(&canon);
	snd_buf_free(&attrs);
	sodium_memzero(sk, sizeof sk);
	snd_store_close(s);
	snd_form_free(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct args a;
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fputs("usage: gen tokens|answers|store [options] (see the comment in bench/gen.c)\n",
		      stderr);
		return 2;
	}
	parse_args(argc, argv, &a);
	if (strcmp(argv[1], "tokens") == 0)
		return cmd_tokens(&a);
	if (strcmp(argv[1], "answers") == 0)
		return cmd_answers(&a);
	if (strcmp(argv[1], "store") == 0)
		return cmd_store(&a);
	die("unknown command '%s'", argv[1]);
}
