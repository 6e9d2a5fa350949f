/* cmd_schedule.c - `collector open`, `collector close` and `collector
 * status`: the secretariat opens and closes a questionnaire at once (or at
 * a given time) without editing the form or restarting the collector, and
 * sees when each questionnaire accepts answers.
 *
 * Owns: the command-line side of the schedule table (core/store.c keeps
 * the table; the collector reads it on every request that asks "open?").
 *
 * What the commands write: one schedule row per questionnaire that, when
 * present, replaces the form's opens/closes as a whole (NULL = no bound).
 *   close [--at T]   closes = T (default now); opens kept as it was.
 *   open  [--at T]   opens = T (default now); closes = --until if given,
 *                    else the current closing time if it is after T, else
 *                    the form's if that is after T, else none (stays open
 *                    until closed again).  Without --at, on a questionnaire
 *                    that is open now, open changes nothing (or only the
 *                    closing time, with --until).
 *
 * Invariants:
 *   1. Idempotent: a command whose row would not change writes nothing and
 *      still exits 0; `close` on a closed questionnaire keeps the time it
 *      closed.
 *   2. A missing DB is an error (never created here), so a mistyped path
 *      cannot report "closed" while the real collector keeps accepting.
 *   3. An unknown questionnaire id is an error that lists the ids the DB
 *      knows (from the questionnaire table, written by `collector serve`).
 *   4. open/close report what they did on stderr, one line naming the DB
 *      and questionnaire; status prints data on stdout.  Exit 0 done,
 *      1 failed, 2 usage.
 */
#include "commands.h"
#include "sounding.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char close_usage[] =
	"usage: collector close --db DB --form QID [--at TIME]\n"
	"\n"
	"Closes questionnaire QID now, or at TIME: from then on the collector running\n"
	"on DB answers submissions with 409 (not open), from the next request on; no\n"
	"restart, and the form file is not touched.  Answers already given stay.\n"
	"Closing a closed questionnaire changes nothing.  Undo with `collector open`.\n"
	"\n"
	"options:\n"
	"  --db DB      the collector's SQLite database (as given to `collector serve`)\n"
	"  --form QID   the questionnaire id (the form's \"id\"; `collector status` lists them)\n"
	"  --at TIME    RFC 3339 time to close at, e.g. 2026-02-06T18:00:00Z (default: now;\n"
	"               a time in the past closes at once)\n"
	"  --help       print this help\n"
	"\n"
	"exit status: 0 done (or nothing to change), 1 failed (no such database or\n"
	"questionnaire), 2 usage error.\n";

static const char open_usage[] =
	"usage: collector open --db DB --form QID [--at TIME] [--until TIME]\n"
	"\n"
	"Opens questionnaire QID now, or at TIME, on the collector running on DB, from\n"
	"the next request on; no restart, and the form file is not touched.  It then\n"
	"stays open until --until, else until the closing time it had if that is still\n"
	"ahead (the form's \"closes\" or a `collector close --at`), else until closed\n"
	"with `collector close`.  Opening an open questionnaire changes nothing.\n"
	"Delegates' links expire 30 days after the form's \"closes\" (see `collector\n"
	"issue --expires`): reopening later than that needs new links.\n"
	"\n"
	"options:\n"
	"  --db DB       the collector's SQLite database (as given to `collector serve`)\n"
	"  --form QID    the questionnaire id (the form's \"id\"; `collector status` lists them)\n"
	"  --at TIME     RFC 3339 time to open at, e.g. 2026-01-26T08:00:00Z (default: now;\n"
	"                a time in the future schedules the opening and closes it until then)\n"
	"  --until TIME  RFC 3339 time to close at (after the opening)\n"
	"  --help        print this help\n"
	"\n"
	"exit status: 0 done (or nothing to change), 1 failed (no such database or\n"
	"questionnaire), 2 usage error.\n";

static const char status_usage[] =
	"usage: collector status --db DB [--form QID] [--format text|json]\n"
	"\n"
	"Prints, for each questionnaire in DB (or only QID), when it accepts answers as\n"
	"the collector decides it now (the form's opens/closes, or the times set with\n"
	"`collector open`/`close`), and how many delegates and revisions it holds.  Text\n"
	"columns: QID, STATE (open, closed, or pending: opens later), OPENS and CLOSES\n"
	"(RFC 3339, UTC; - for no bound), SET BY (form, or the time of the `collector\n"
	"open/close` that set them), DELEGATES, REVISIONS.\n"
	"\n"
	"options:\n"
	"  --db DB          the collector's SQLite database (read only)\n"
	"  --form QID       only this questionnaire\n"
	"  --format FORMAT  text (default: one aligned line per questionnaire) or json\n"
	"  --help           print this help\n"
	"\n"
	"exit status: 0 printed, 1 failed (no such database or questionnaire), 2 usage\n"
	"error.\n";

enum which { W_OPEN, W_CLOSE, W_STATUS };

struct args {
	const char *db, *qid, *at, *until, *format;
};

/* --name VALUE / --name=VALUE; 0 ok, 1 --help printed, 2 usage error. */
static int parse_args(enum which w, int argc, char **argv, struct args *a, const char *usage)
{
	static const char *const cmd[] = {"open", "close", "status"};
	int i;
	memset(a, 0, sizeof *a);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq;
		const char **slot = NULL;
		size_t nlen;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
		eq = strchr(arg, '=');
		nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		if (nlen == 4 && strncmp(arg, "--db", 4) == 0)
			slot = &a->db;
		else if (nlen == 6 && strncmp(arg, "--form", 6) == 0)
			slot = &a->qid;
		else if (nlen == 4 && strncmp(arg, "--at", 4) == 0 && w != W_STATUS)
			slot = &a->at;
		else if (nlen == 7 && strncmp(arg, "--until", 7) == 0 && w == W_OPEN)
			slot = &a->until;
		else if (nlen == 8 && strncmp(arg, "--format", 8) == 0 && w == W_STATUS)
			slot = &a->format;
		if (slot == NULL)
			return usage_err(cmd[w], "%s '%s'",
			                 arg[0] == '-' ? "unknown option" : "unexpected argument", arg);
		if (*slot != NULL)
			return usage_err(cmd[w], "%.*s given twice", (int)nlen, arg);
		if (eq != NULL)
			*slot = eq + 1;
		else if (i + 1 < argc)
			*slot = argv[++i];
		else
			return usage_err(cmd[w], "%s needs a value", arg);
	}
	if (a->db == NULL)
		return usage_err(cmd[w], "--db is required");
	if (a->qid == NULL && w != W_STATUS)
		return usage_err(cmd[w], "--form is required (the questionnaire id)");
	if (a->format != NULL && strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0)
		return usage_err(cmd[w], "--format '%s': expected text or json", a->format);
	return 0;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t floor_s(int64_t ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

/* "YYYY-MM-DDTHH:MM:SSZ" of a time in ms, or "-" when there is none. */
static void fmt_ms(int has, int64_t ms, char out[24])
{
	if (!has) {
		snprintf(out, 24, "-");
		return;
	}
	snd_time_format(floor_s(ms), out);
}

/* ------------------------------------------------- the questionnaires */

struct qinfo {
	char *qid;
	struct snd_form *f;              /* the newest stored version; NULL: did not parse */
	int has_opens, has_closes;       /* the form's own window, in ms */
	int64_t opens, closes;
	int bad;                         /* the stored form did not parse */
};

struct qlist {
	struct qinfo *q;
	size_t n, cap;
	int oom;
};

static int form_cb(void *ctx, const char *qid, const char *source, size_t len, int64_t at)
{
	struct qlist *l = ctx;
	struct snd_form *f = NULL;
	struct snd_diag d;
	struct qinfo *q;
	(void)at;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct qinfo *nq = realloc(l->q, ncap * sizeof *nq);
		if (nq == NULL) {
			l->oom = 1;
			return 1;
		}
		l->q = nq;
		l->cap = ncap;
	}
	q = &l->q[l->n];
	memset(q, 0, sizeof *q);
	if ((q->qid = strdup(qid)) == NULL) {
		l->oom = 1;
		return 1;
	}
	l->n++;
	snd_diag_init(&d);
	if (snd_form_parse(source, len, qid, &f, &d) == SND_OK) {
		q->has_opens = f->has_opens;
		q->opens = f->opens * 1000;
		q->has_closes = f->has_closes;
		q->closes = f->closes * 1000;
		q->f = f;
	} else {
		q->bad = 1;
	}
	snd_diag_free(&d);
	return 0;
}

static void qlist_free(struct qlist *l)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		free(l->q[i].qid);
		snd_form_free(l->q[i].f);
	}
	free(l->q);
}

/* Loads every stored questionnaire; 0 ok, else 1 (reported, l freed). */
static int load_forms(struct snd_store *s, struct qlist *l)
{
	enum snd_err e;
	memset(l, 0, sizeof *l);
	e = snd_store_each_form(s, form_cb, l);
	if (e != SND_OK || l->oom) {
		die_msg("%s (reading the questionnaires: %s)", snd_store_errmsg(s),
		        snd_strerror(e != SND_OK ? e : SND_ENOMEM));
		qlist_free(l);
		return 1;
	}
	return 0;
}

/* The entry for qid, or NULL after reporting which ids the DB knows. */
static struct qinfo *find_form(struct qlist *l, const char *db, const char *qid)
{
	struct snd_buf known;
	size_t i;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->q[i].qid, qid) == 0)
			return &l->q[i];
	if (l->n == 0) {
		die_msg("%s: --form: no questionnaire '%s': this database holds no questionnaire "
		        "yet (`collector serve --form FORM --db %s` stores it when it starts)",
		        db, qid, db);
		return NULL;
	}
	snd_buf_init(&known, 1 << 16);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			snd_buf_puts(&known, ", ");
		snd_buf_puts(&known, l->q[i].qid);
	}
	die_msg("%s: --form: no questionnaire '%s' (known: %s)", db, qid,
	        known.data ? known.data : "");
	snd_buf_free(&known);
	return NULL;
}

/* ---------------------------------------------------------- windows */

/* A window in ms with its origin. */
struct win {
	int has_opens, has_closes;
	int64_t opens, closes;
	int overridden;
	int64_t set_at;
};

/* The effective window: the schedule row if any, else the form's. */
static enum snd_err current_window(struct snd_store *s, const struct qinfo *q, struct win *w)
{
	int found = 0;
	enum snd_err e;
	memset(w, 0, sizeof *w);
	e = snd_store_window(s, q->qid, &w->has_opens, &w->opens, &w->has_closes, &w->closes,
	                     &found);
	if (e != SND_OK)
		return e;
	if (found) {
		w->overridden = 1;
	} else {
		w->has_opens = q->has_opens;
		w->opens = q->opens;
		w->has_closes = q->has_closes;
		w->closes = q->closes;
	}
	return SND_OK;
}

static int win_is_open(const struct win *w, int64_t now)
{
	return !(w->has_opens && now < w->opens) && !(w->has_closes && now >= w->closes);
}

enum state { S_OPEN, S_CLOSED, S_PENDING };
static const char *const state_names[] = {"open", "closed", "pending"};

static enum state win_state(const struct win *w, int64_t now)
{
	if (win_is_open(w, now))
		return S_OPEN;
	if (w->has_closes && (now >= w->closes || (w->has_opens && w->closes <= w->opens)))
		return S_CLOSED;
	return S_PENDING;
}

/* "open until ...", "closed since ...", ... for the line open/close print. */
static void describe(const struct win *w, int64_t now, char *out, size_t n)
{
	char a[24], b[24];
	fmt_ms(w->has_opens, w->opens, a);
	fmt_ms(w->has_closes, w->closes, b);
	switch (win_state(w, now)) {
	case S_OPEN:
		if (w->has_closes)
			snprintf(out, n, "open, closes at %s", b);
		else
			snprintf(out, n, "open, with no closing time");
		break;
	case S_CLOSED:
		if (w->has_closes && now >= w->closes)
			snprintf(out, n, "closed since %s", b);
		else
			snprintf(out, n, "closed (it closes at %s, before it would open at %s)", b, a);
		break;
	default:
		if (w->has_closes)
			snprintf(out, n, "not open until %s, then open until %s", a, b);
		else
			snprintf(out, n, "not open until %s, then open with no closing time", a);
		break;
	}
}

static int same_window(const struct win *x, const struct win *y)
{
	return x->has_opens == y->has_opens && x->has_closes == y->has_closes &&
	       (!x->has_opens || x->opens == y->opens) &&
	       (!x->has_closes || x->closes == y->closes);
}

/* Opens DB for writing, refusing a missing file (invariant 2). */
static struct snd_store *open_db(const char *db, enum snd_store_mode mode)
{
	struct snd_store *s = NULL;
	struct stat sb;
	char err[600];
	if (stat(db, &sb) != 0) {
		die_msg("%s: no such database (check the path; `collector serve --db %s` creates it)",
		        db, db);
		return NULL;
	}
	if (snd_store_open(db, mode, &s, err, sizeof err) != SND_OK) {
		die_msg("%s", err);
		return NULL;
	}
	return s;
}

static int parse_time_arg(const char *cmd, const char *flag, const char *v, int64_t *ms)
{
	int64_t t;
	if (snd_time_parse(v, &t) != SND_OK || t > INT64_MAX / 1000 || t < INT64_MIN / 1000) {
		usage_err(cmd, "%s '%s': not an RFC 3339 time (e.g. 2026-02-06T18:00:00Z)", flag, v);
		return 0;
	}
	*ms = t * 1000;
	return 1;
}

/* open and close. */
static int set_cmd(enum which which, int argc, char **argv)
{
	const char *name = which == W_OPEN ? "open" : "close";
	struct args a;
	struct snd_store *s = NULL;
	struct qlist l;
	struct qinfo *q;
	struct win cur, nw;
	int64_t now = wall_ms(), at = now, until = 0;
	char what[200], before[200];
	enum snd_err e;
	int rc;

	rc = parse_args(which, argc, argv, &a, which == W_OPEN ? open_usage : close_usage);
	if (rc == 1)
		return 0;
	if (rc == 2)
		goto usage;
	if (a.at != NULL && !parse_time_arg(name, "--at", a.at, &at))
		goto usage;
	if (a.until != NULL && !parse_time_arg(name, "--until", a.until, &until))
		goto usage;

	if ((s = open_db(a.db, SND_STORE_WRITE)) == NULL)
		return 1;
	if (load_forms(s, &l) != 0) {
		snd_store_close(s);
		return 1;
	}
	rc = 1;
	if ((q = find_form(&l, a.db, a.qid)) == NULL)
		goto out;
	if (q->bad) {
		die_msg("%s: questionnaire '%s': the stored form does not parse any more; "
		        "start `collector serve` with its file once to store it again", a.db, a.qid);
		goto out;
	}
	if ((e = current_window(s, q, &cur)) != SND_OK)
		goto dbfail;
	nw = cur;
	describe(&cur, now, before, sizeof before);

	if (which == W_CLOSE) {
		/* Closing a closed questionnaire keeps the time it closed. */
		if (a.at == NULL && cur.has_closes && cur.closes <= now) {
			die_msg("%s: %s is already %s; nothing changed", a.db, a.qid, before);
			rc = 0;
			goto out;
		}
		nw.has_closes = 1;
		nw.closes = at;
	} else {
		if (a.at == NULL && win_is_open(&cur, now)) {
			if (a.until == NULL) {
				die_msg("%s: %s is already %s; nothing changed", a.db, a.qid, before);
				rc = 0;
				goto out;
			}
		} else {
			nw.has_opens = 1;
			nw.opens = at;
		}
		if (a.until != NULL) {
			if (nw.has_opens && until <= nw.opens) {
				usage_err(name, "--until %s is not after the opening time", a.until);
				rc = 2;
				goto usage_out;
			}
			nw.has_closes = 1;
			nw.closes = until;
		} else if (!(cur.has_closes && (!nw.has_opens || cur.closes > nw.opens))) {
			/* The closing time it had is behind the new opening: fall
			 * back to the form's when that is ahead, else none. */
			if (q->has_closes && (!nw.has_opens || q->closes > nw.opens)) {
				nw.has_closes = 1;
				nw.closes = q->closes;
			} else {
				nw.has_closes = 0;
				nw.closes = 0;
			}
		}
	}

	if (cur.overridden && same_window(&cur, &nw)) {
		die_msg("%s: %s is already %s; nothing changed", a.db, a.qid, before);
		rc = 0;
		goto out;
	}
	e = snd_store_set_window(s, a.qid, nw.has_opens, nw.has_opens ? nw.opens : 0,
	                         nw.has_closes, nw.has_closes ? nw.closes : 0, now);
	if (e != SND_OK)
		goto dbfail;
	describe(&nw, now, what, sizeof what);
	die_msg("%s: %s is now %s (was %s); a running collector follows from its next request",
	        a.db, a.qid, what, before);
	rc = 0;
	goto out;
dbfail:
	die_msg("%s (%s %s: %s)", snd_store_errmsg(s), which == W_OPEN ? "opening" : "closing",
	        a.qid, snd_strerror(e));
	rc = 1;
out:
	qlist_free(&l);
	snd_store_close(s);
	return rc;
usage_out:
	qlist_free(&l);
	snd_store_close(s);
usage:
	return 2;
}

int cmd_close(int argc, char **argv)
{
	return set_cmd(W_CLOSE, argc, argv);
}

int cmd_open(int argc, char **argv)
{
	return set_cmd(W_OPEN, argc, argv);
}

/* ------------------------------------------------------------ status */

static cJSON *json_time(int has, int64_t ms)
{
	char t[24];
	if (!has)
		return cJSON_CreateNull();
	fmt_ms(1, ms, t);
	return cJSON_CreateString(t);
}

int cmd_status(int argc, char **argv)
{
	struct args a;
	struct snd_store *s = NULL;
	struct qlist l;
	struct snd_buf out;
	cJSON *arr = NULL;
	int64_t now = wall_ms();
	size_t i, wq = 3;
	int rc, json, bad = 0;
	enum snd_err e = SND_OK;

	rc = parse_args(W_STATUS, argc, argv, &a, status_usage);
	if (rc == 1)
		return 0;
	if (rc == 2)
		return 2;
	json = a.format != NULL && strcmp(a.format, "json") == 0;
	if ((s = open_db(a.db, SND_STORE_READ)) == NULL)
		return 1;
	if (load_forms(s, &l) != 0) {
		snd_store_close(s);
		return 1;
	}
	rc = 1;
	if (a.qid != NULL && find_form(&l, a.db, a.qid) == NULL)
		goto out;
	if (l.n == 0)
		die_msg("%s: no questionnaire yet (`collector serve` stores its forms when it starts)",
		        a.db);
	for (i = 0; i < l.n; i++)
		if (strlen(l.q[i].qid) > wq)
			wq = strlen(l.q[i].qid);
	snd_buf_init(&out, 0);
	if (json)
		arr = cJSON_CreateArray();
	else
		snd_buf_printf(&out, "%-*s  %-7s  %-20s  %-20s  %-20s  %9s  %9s\n", (int)wq, "QID",
		               "STATE", "OPENS", "CLOSES", "SET BY", "DELEGATES", "REVISIONS");
	for (i = 0; i < l.n; i++) {
		const struct qinfo *q = &l.q[i];
		struct snd_form bare;
		struct snd_window sw;
		struct win w;
		int64_t dels = 0, revs = 0;
		char o[24], c[24], by[24];
		if (a.qid != NULL && strcmp(q->qid, a.qid) != 0)
			continue;
		if (q->bad) {
			die_msg("%s: questionnaire '%s': the stored form does not parse; its own "
			        "opens/closes are unknown (shown as none)", a.db, q->qid);
			bad = 1;
		}
		memset(&bare, 0, sizeof bare);
		bare.id = q->qid;
		if ((e = snd_store_effective_window(s, q->f ? q->f : &bare, &sw)) != SND_OK ||
		    (e = snd_store_counts(s, q->qid, &dels, &revs)) != SND_OK)
			break;
		memset(&w, 0, sizeof w);
		w.has_opens = sw.has_opens;
		w.opens = sw.opens * 1000;
		w.has_closes = sw.has_closes;
		w.closes = sw.closes * 1000;
		w.overridden = sw.overridden;
		w.set_at = sw.set_at_ms;
		fmt_ms(w.has_opens, w.opens, o);
		fmt_ms(w.has_closes, w.closes, c);
		if (json) {
			cJSON *it = cJSON_CreateObject(), *f = cJSON_CreateObject(), *ov;
			cJSON_AddStringToObject(it, "qid", q->qid);
			cJSON_AddStringToObject(it, "state", state_names[win_state(&w, now)]);
			cJSON_AddItemToObject(it, "opens", json_time(w.has_opens, w.opens));
			cJSON_AddItemToObject(it, "closes", json_time(w.has_closes, w.closes));
			cJSON_AddItemToObject(f, "opens", json_time(q->has_opens, q->opens));
			cJSON_AddItemToObject(f, "closes", json_time(q->has_closes, q->closes));
			cJSON_AddItemToObject(it, "form", f);
			if (w.overridden) {
				ov = cJSON_CreateObject();
				cJSON_AddItemToObject(ov, "opens", json_time(w.has_opens, w.opens));
				cJSON_AddItemToObject(ov, "closes", json_time(w.has_closes, w.closes));
				cJSON_AddItemToObject(ov, "set_at", json_time(1, w.set_at));
				cJSON_AddItemToObject(it, "override", ov);
			} else {
				cJSON_AddNullToObject(it, "override");
			}
			cJSON_AddNumberToObject(it, "delegates", (double)dels);
			cJSON_AddNumberToObject(it, "revisions", (double)revs);
			cJSON_AddItemToArray(arr, it);
		} else {
			if (w.overridden)
				fmt_ms(1, w.set_at, by);
			else
				snprintf(by, sizeof by, "form");
			snd_buf_printf(&out, "%-*s  %-7s  %-20s  %-20s  %-20s  %9" PRId64 "  %9" PRId64 "\n",
			               (int)wq, q->qid, state_names[win_state(&w, now)], o, c, by, dels,
			               revs);
		}
	}
	if (e != SND_OK) {
		die_msg("%s (reading the schedule: %s)", snd_store_errmsg(s), snd_strerror(e));
		snd_buf_free(&out);
		cJSON_Delete(arr);
		rc = 1;
		goto out;
	}
	if (json) {
		char *t = cJSON_PrintUnformatted(arr);
		if (t != NULL) {
			snd_buf_puts(&out, t);
			snd_buf_putc(&out, '\n');
		} else {
			out.failed = 1; /* reported below */
		}
		free(t);
		cJSON_Delete(arr);
	}
	if (out.failed) {
		die_msg("out of memory");
		snd_buf_free(&out);
		rc = 1;
		goto out;
	}
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	snd_buf_free(&out);
	rc = bad ? 1 : 0;
	if (fflush(stdout) != 0) {
		die_msg("writing the status: %s", "standard output failed");
		rc = 1;
	}
out:
	qlist_free(&l);
	snd_store_close(s);
	return rc;
}
