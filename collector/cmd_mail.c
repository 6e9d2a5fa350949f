/* cmd_mail.c - `collector mail` (interface.md, "The roll, turnout and
 * mail"): one invitation or reminder per delegate of the roll, in their
 * language, carrying their personal link, sent over SMTP with libcurl or
 * written as .eml files.
 *
 * Owns: choosing who gets a message (the roll, the links file, the mail
 * log, the schedule), the SMTP session, the dry-run files.  Composing a
 * message is core/mail.c's; the roll and the mail log are
 * core/store_roll.c's.
 *
 * Invariants:
 *   1. Everything is checked before the first message goes out: options,
 *      the form, every template needed, every recipient's link and
 *      address.  A mistake stops the run with nothing sent.
 *   2. A message is recorded in the mail log only after the SMTP server
 *      accepted it, and at once (one row, its own transaction), so an
 *      interrupted run loses nothing and a rerun sends nothing twice
 *      (--resend sends again).  A refused message is reported with the
 *      server's reason, not recorded, and so retried on the next run.
 *   3. Secrets never reach stderr: links and tokens are only in the
 *      messages; the SMTP password comes from the environment
 *      (SOUNDING_SMTP_PASSWORD), goes only to libcurl, and curl's verbose
 *      output is never turned on.  Credentials in the --smtp URL are
 *      refused, since argv is visible to every user of the machine.
 *   4. One SMTP connection serves the whole run (one curl easy handle,
 *      reused); --rate N spaces message starts at least 60/N s apart.
 *   5. --dry-run writes DIR/SUB.eml (0600; DIR made 0700) and neither
 *      sends nor records anything.
 */
#include "commands.h"
#include "sounding.h"

#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DRY_RUN_FROM "sounding@example.invalid"
#define MAX_RATE 100000

static const char mail_usage[] =
	"usage: collector mail --db DB --form FORM --links LINKS.csv --kind invite|remind\n"
	"                      [--smtp URL] [--from ADDR] [--templates DIR] [--dry-run DIR]\n"
	"                      [--rate N] [--resend]\n"
	"\n"
	"E-mails each delegate on the roll of DB (role delegate) their personal link\n"
	"from LINKS.csv (the file `collector issue` wrote, matched by jti: the roll\n"
	"never holds tokens), in their lang (else the form's first language), with\n"
	"the questionnaire's title and closing time.  Every accepted message is\n"
	"recorded in DB, so a rerun sends nothing twice.  Progress goes to stderr\n"
	"(\"mail: 12/40 sent, 1 failed\"); a refused recipient is reported with the\n"
	"server's reason and retried on the next run.\n"
	"\n"
	"options:\n"
	"  --kind invite   every delegate not yet sent an invitation\n"
	"  --kind remind   every delegate who has not answered and is not revoked,\n"
	"                  and not yet sent a reminder; only while the questionnaire\n"
	"                  is open (schedule overrides from `collector close` count)\n"
	"  --db DB         the collector's database: the roll, answers, revocations,\n"
	"                  and the log of messages sent\n"
	"  --form FORM     the questionnaire file (title, languages, closing time)\n"
	"  --links FILE    the links file; its optional 'name' column addresses the\n"
	"                  delegate ({name}; else the delegate id)\n"
	"  --smtp URL      smtp://HOST[:PORT] (STARTTLS when the server offers it;\n"
	"                  required when credentials are set and the host is not\n"
	"                  loopback) or smtps://HOST[:PORT] (TLS from the start).\n"
	"                  Credentials only from the environment: SOUNDING_SMTP_USER\n"
	"                  and SOUNDING_SMTP_PASSWORD.  Required unless --dry-run.\n"
	"  --from ADDR     sender address, name@example.org (required unless --dry-run)\n"
	"  --templates DIR override the built-in templates with DIR/invite.LANG.txt or\n"
	"                  DIR/remind.LANG.txt where present: first line 'Subject: ...',\n"
	"                  then the body; placeholders {name} {link} {closes} {title}\n"
	"  --dry-run DIR   write DIR/SUB.eml (mode 0600; DIR made 0700 if missing) for\n"
	"                  each message instead of sending; records nothing\n"
	"  --rate N        send at most N messages a minute, 1 to 100000 (default: no\n"
	"                  limit)\n"
	"  --resend        also send to delegates already sent this kind of message\n"
	"  --help          print this help\n"
	"\n"
	"exit status: 0 all sent, 1 invalid input or any message failed, 2 usage error.\n";

/* One delegate to write to. */
struct target {
	char *sub, *email, *lang, *jti;
	size_t row;          /* in the links file */
};

struct plan {
	struct target *t;
	size_t n, cap;
	/* the delegate being gathered from the roll (rows come sorted by sub) */
	char *cur_sub;
	int cur_answered, cur_live, cur_delegate;
	struct target best;  /* newest live link of cur_sub that is in LINKS.csv */
	int have_best;
	size_t revoked, answered, already, no_email;
	int failed;          /* out of memory */
	/* inputs */
	struct snd_store *db;
	const char *qid, *kind;
	int remind, resend;
	const struct links_file *lf;
	const size_t *by_jti;  /* link rows sorted by jti */
	size_t nby_jti;
	const char *links_path, *db_path;
};

static const struct links_file *sort_lf; /* qsort has no context argument */

static int cmp_row_jti(const void *a, const void *b)
{
	return strcmp(links_cell(sort_lf, *(const size_t *)a, sort_lf->jti),
	              links_cell(sort_lf, *(const size_t *)b, sort_lf->jti));
}

static size_t find_link(const struct plan *p, const char *jti)
{
	size_t lo = 0, hi = p->nby_jti;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(jti, links_cell(p->lf, p->by_jti[mid], p->lf->jti));
		if (c == 0)
			return p->by_jti[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static void target_free(struct target *t)
{
	free(t->sub);
	free(t->email);
	free(t->lang);
	free(t->jti);
	memset(t, 0, sizeof *t);
}

/* Decides about the delegate gathered so far: a target, or counted as why
 * not. */
static void plan_flush(struct plan *p)
{
	int64_t sent = 0;
	if (p->cur_sub == NULL)
		return;
	if (!p->cur_delegate) {
		/* chairs are not mailed */
	} else if (!p->cur_live) {
		p->revoked++;
	} else if (p->remind && p->cur_answered) {
		p->answered++;
	} else if (snd_store_mail_count(p->db, p->qid, p->cur_sub, p->kind, &sent) != SND_OK) {
		p->failed = 2;
	} else if (sent > 0 && !p->resend) {
		p->already++;
	} else if (!p->have_best) {
		die_msg("%s: delegate '%s' has no link in this file (no row with the jti of a link "
		        "the roll lists for them); give the links file `collector issue` wrote",
		        p->links_path, p->cur_sub);
		p->failed = 3;
	} else if (p->best.email[0] == '\0') {
		die_msg("%s: delegate '%s' has no email on the roll; skipped (add an email column "
		        "to the delegate list and issue again)", p->db_path, p->cur_sub);
		p->no_email++;
	} else {
		if (p->n == p->cap) {
			size_t cap = p->cap ? 2 * p->cap : 64;
			struct target *t = realloc(p->t, cap * sizeof *t);
			if (t == NULL) {
				p->failed = 1;
				goto out;
			}
			p->t = t;
			p->cap = cap;
		}
		p->t[p->n++] = p->best;
		memset(&p->best, 0, sizeof p->best);
	}
out:
	target_free(&p->best);
	p->have_best = 0;
	free(p->cur_sub);
	p->cur_sub = NULL;
}

static int plan_row(void *ctx, const struct snd_roll_entry *e)
{
	struct plan *p = ctx;
	size_t row;
	if (p->cur_sub == NULL || strcmp(p->cur_sub, e->sub) != 0) {
		plan_flush(p);
		if (p->failed)
			return 1;
		if ((p->cur_sub = strdup(e->sub)) == NULL)
			return p->failed = 1;
		p->cur_answered = p->cur_live = p->cur_delegate = 0;
	}
	p->cur_answered |= e->answered;
	p->cur_delegate |= strcmp(e->role, "delegate") == 0;
	if (e->revoked || strcmp(e->role, "delegate") != 0)
		return 0;
	p->cur_live = 1;
	/* Rows come newest first: the first live one in the file wins. */
	if (!p->have_best && (row = find_link(p, e->jti)) != 0) {
		p->best.sub = strdup(e->sub);
		p->best.email = strdup(e->email);
		p->best.lang = strdup(e->lang);
		p->best.jti = strdup(e->jti);
		p->best.row = row;
		p->have_best = 1;
		if (!p->best.sub || !p->best.email || !p->best.lang || !p->best.jti)
			return p->failed = 1;
	}
	return 0;
}

/* ------------------------------------------------------------- templates */

struct tmpl_cache {
	struct snd_mail_template t[SND_FORM_MAX_LANGS];
	int loaded[SND_FORM_MAX_LANGS];
};

/* The template of kind for language li of the form: DIR/KIND.LANG.txt when
 * DIR has it, else the built-in one.  0 when ready; 1 after reporting. */
static int tmpl_get(struct tmpl_cache *tc, const struct snd_form *f, size_t li,
                    enum snd_mail_kind kind, const char *dir)
{
	char path[4096], err[200];
	const char *lang = f->languages[li];
	char *text = NULL;
	size_t len = 0, errline = 0;
	struct stat sb;
	enum snd_err e;
	if (tc->loaded[li])
		return 0;
	if (dir != NULL) {
		snprintf(path, sizeof path, "%s/%s.%s.txt", dir, snd_mail_kind_names[kind], lang);
		if (stat(path, &sb) == 0) {
			errno = 0;
			if ((e = snd_read_file(path, SND_MAIL_TEMPLATE_MAX, &text, &len)) != SND_OK) {
				die_msg("%s: cannot read: %s", path,
				        e == SND_ETOOBIG ? "too large" : errno ? strerror(errno)
				                                               : snd_strerror(e));
				return 1;
			}
			e = snd_mail_template_parse(text, len, &tc->t[li], &errline, err, sizeof err);
			free(text);
			if (e != SND_OK) {
				die_msg("%s:%zu: %s", path, errline, err);
				return 1;
			}
			tc->loaded[li] = 1;
			return 0;
		}
	}
	if ((text = (char *)snd_mail_template_builtin(kind, lang)) == NULL) {
		die_msg("no built-in %s template in '%s'; write %s/%s.%s.txt (first line "
		        "'Subject: ...') and pass --templates", snd_mail_kind_names[kind], lang,
		        dir ? dir : "DIR", snd_mail_kind_names[kind], lang);
		return 1;
	}
	if (snd_mail_template_parse(text, strlen(text), &tc->t[li], &errline, err, sizeof err) !=
	    SND_OK) {
		die_msg("built-in %s template '%s': %s", snd_mail_kind_names[kind], lang, err);
		return 1;
	}
	tc->loaded[li] = 1;
	return 0;
}

/* ------------------------------------------------------------------ SMTP */

struct reader {
	const char *p;
	size_t left;
};

static size_t read_msg(char *buf, size_t size, size_t n, void *arg)
{
	struct reader *r = arg;
	size_t k = size * n < r->left ? size * n : r->left;
	memcpy(buf, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

/* The host of an smtp(s):// URL is loopback (a local relay may take a
 * password without TLS). */
static int url_is_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0 ||
	       strncmp(h, "[::1]", 5) == 0;
}

static CURL *smtp_open(const char *url, const char *from, char *errbuf)
{
	const char *user = getenv("SOUNDING_SMTP_USER"), *pass = getenv("SOUNDING_SMTP_PASSWORD");
	CURL *c = curl_easy_init();
	if (c == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_msg);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (user != NULL && user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pass ? pass : "");
	}
	/* STARTTLS when offered; a password never crosses the network in
	 * clear (invariant 3). */
	curl_easy_setopt(c, CURLOPT_USE_SSL,
	                 (user != NULL && user[0] != '\0' && !url_is_loopback(url))
	                         ? (long)CURLUSESSL_ALL
	                         : (long)CURLUSESSL_TRY);
	return c;
}

/* Sends one message; 0 when the server accepted it, else 1 with the reason
 * in why. */
static int smtp_send(CURL *c, const char *to, const struct snd_buf *msg, char *errbuf,
                     char *why, size_t whylen)
{
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	struct reader r = {msg->data, msg->len};
	long code = 0;
	CURLcode rc;
	if (rcpt == NULL) {
		snprintf(why, whylen, "out of memory");
		return 1;
	}
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return 0;
	if (code > 0)
		snprintf(why, whylen, "%s (SMTP %ld)", errbuf[0] ? errbuf : curl_easy_strerror(rc),
		         code);
	else
		snprintf(why, whylen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return 1;
}

/* --------------------------------------------------------------- dry run */

/* DIR/SUB.eml with every byte of SUB outside [A-Za-z0-9@+_-] and a leading
 * '.' written %XX, so no id can leave DIR or name a hidden file. */
static int eml_path(char *out, size_t outlen, const char *dir, const char *sub)
{
	size_t n = (size_t)snprintf(out, outlen, "%s/", dir);
	const unsigned char *p;
	for (p = (const unsigned char *)sub; *p && n + 8 < outlen; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '@' || *p == '+' || *p == '_' || *p == '-' ||
		    (*p == '.' && p != (const unsigned char *)sub))
			out[n++] = (char)*p;
		else
			n += (size_t)snprintf(out + n, outlen - n, "%%%02X", *p);
	}
	if (*p || n + 5 > outlen)
		return 1;
	memcpy(out + n, ".eml", 5);
	return 0;
}

/* ------------------------------------------------------------------ main */

/* "2026-02-06 18:00 UTC" */
static void format_closes(const struct snd_window *w, char *out, size_t outlen)
{
	struct tm tm;
	time_t t = (time_t)w->closes;
	if (!w->has_closes || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, outlen, "(no closing time set)");
		return;
	}
	strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm);
}

int cmd_mail(int argc, char **argv)
{
	const char *db_path = NULL, *form_path = NULL, *links_path = NULL, *kind_s = NULL,
	           *smtp = NULL, *from = NULL, *tdir = NULL, *dry = NULL, *rate_s = NULL,
	           *pos[1] = {NULL};
	const struct opt opts[] = {{"--db", &db_path},         {"--form", &form_path},
	                           {"--links", &links_path},   {"--kind", &kind_s},
	                           {"--smtp", &smtp},          {"--from", &from},
	                           {"--templates", &tdir},     {"--dry-run", &dry},
	                           {"--rate", &rate_s}};
	struct plan p;
	struct links_file lf;
	struct tmpl_cache tc;
	struct snd_form *form = NULL;
	struct snd_diag diag;
	struct snd_window win;
	struct snd_buf msg;
	struct stat sb;
	char **args = NULL, err[600], closes[64], curl_err[CURL_ERROR_SIZE];
	size_t npos, i, *by_jti = NULL, sent = 0, failed = 0;
	int nargs = 0, resend = 0, rc = 1, res, loaded = 0, remind = 0, curl_up = 0;
	long rate = 0;
	enum snd_mail_kind kind = SND_MAIL_INVITE;
	CURL *curl = NULL;
	struct timespec t0;
	enum snd_err e;

	memset(&p, 0, sizeof p);
	memset(&tc, 0, sizeof tc);
	snd_diag_init(&diag);
	snd_buf_init(&msg, SND_MAIL_BODY_MAX * 4);
	/* --resend is a flag: take it out before the value options. */
	if ((args = calloc((size_t)argc + 1, sizeof *args)) == NULL) {
		die_msg("out of memory");
		goto done;
	}
	for (i = 0; i < (size_t)argc; i++) {
		if (i > 0 && strcmp(argv[i], "--resend") == 0)
			resend = 1;
		else
			args[nargs++] = argv[i];
	}
	if ((res = cmd_parse_opts("mail", nargs, args, opts, sizeof opts / sizeof opts[0], pos, 0,
	                          &npos, mail_usage)) != 0) {
		rc = res < 0 ? 0 : res;
		goto done;
	}
	if (db_path == NULL || form_path == NULL || links_path == NULL || kind_s == NULL) {
		rc = usage_err("mail", "%s is required",
		               db_path == NULL     ? "--db"
		               : form_path == NULL ? "--form"
		               : links_path == NULL ? "--links"
		                                    : "--kind");
		goto done;
	}
	if (strcmp(kind_s, "invite") == 0) {
		kind = SND_MAIL_INVITE;
	} else if (strcmp(kind_s, "remind") == 0) {
		kind = SND_MAIL_REMIND;
		remind = 1;
	} else {
		rc = usage_err("mail", "--kind '%s': expected invite or remind", kind_s);
		goto done;
	}
	if (dry == NULL && smtp == NULL) {
		rc = usage_err("mail", "--smtp URL is required (or --dry-run DIR to write the messages)");
		goto done;
	}
	if (smtp != NULL) {
		const char *h = strstr(smtp, "://"), *at;
		if (strncmp(smtp, "smtp://", 7) != 0 && strncmp(smtp, "smtps://", 8) != 0) {
			rc = usage_err("mail", "--smtp '%s': expected smtp://HOST[:PORT] or "
			               "smtps://HOST[:PORT]", smtp);
			goto done;
		}
		at = strchr(h + 3, '@');
		if (at != NULL && (strchr(h + 3, '/') == NULL || at < strchr(h + 3, '/'))) {
			rc = usage_err("mail", "--smtp: credentials do not belong in the URL (other users "
			               "can read the command line); set SOUNDING_SMTP_USER and "
			               "SOUNDING_SMTP_PASSWORD");
			goto done;
		}
		if (has_control(smtp)) {
			rc = usage_err("mail", "--smtp: the URL holds a control character");
			goto done;
		}
	}
	if (from == NULL && dry == NULL) {
		rc = usage_err("mail", "--from ADDR is required to send");
		goto done;
	}
	if (from == NULL)
		from = DRY_RUN_FROM;
	if (snd_mail_addr_check(from, err, sizeof err) != SND_OK) {
		rc = usage_err("mail", "--from '%s': %s", has_control(from) ? "?" : from, err);
		goto done;
	}
	if (rate_s != NULL) {
		char *end;
		errno = 0;
		rate = strtol(rate_s, &end, 10);
		if (errno || end == rate_s || *end || rate < 1 || rate > MAX_RATE) {
			rc = usage_err("mail", "--rate '%s': expected messages per minute, 1 to %d",
			               rate_s, MAX_RATE);
			goto done;
		}
	}

	/* Invariant 1: every input, before any message. */
	if ((e = snd_form_load(form_path, &form, &diag)) != SND_OK) {
		print_form_diag(form_path, &diag, e);
		goto done;
	}
	if (stat(db_path, &sb) != 0) {
		die_msg("%s: no such database (check the path; `collector issue --db` or "
		        "`collector roll import` makes the roll)", db_path);
		goto done;
	}
	if (snd_store_open(db_path, SND_STORE_WRITE, &p.db, err, sizeof err) != SND_OK) {
		die_msg("%s", err);
		goto done;
	}
	if (snd_store_effective_window(p.db, form, &win) != SND_OK) {
		die_msg("%s", snd_store_errmsg(p.db));
		goto done;
	}
	if (remind && snd_window_is_open(&win, (int64_t)time(NULL)) != SND_OK) {
		int early = win.has_opens && (int64_t)time(NULL) < win.opens;
		die_msg("'%s' is %s; reminders go out only while it is open (`collector status "
		        "--db %s` shows its times; nothing sent)", form->id,
		        early ? "not open yet" : "closed", db_path);
		goto done;
	}
	format_closes(&win, closes, sizeof closes);
	if (links_load(links_path, &lf) != 0)
		goto done;
	loaded = 1;
	if (lf.link < 0) {
		die_msg("%s:%zu: no 'link' column; give the links file `collector issue` wrote",
		        links_path, lf.csv.rows[0].line);
		goto done;
	}
	if (lf.csv.nrows > 1 && (by_jti = malloc((lf.csv.nrows - 1) * sizeof *by_jti)) == NULL) {
		die_msg("out of memory");
		goto done;
	}
	for (i = 1; i < lf.csv.nrows; i++)
		by_jti[i - 1] = i;
	sort_lf = &lf;
	if (by_jti != NULL)
		qsort(by_jti, lf.csv.nrows - 1, sizeof *by_jti, cmp_row_jti);
	p.qid = form->id;
	p.kind = snd_mail_kind_names[kind];
	p.remind = remind;
	p.resend = resend;
	p.lf = &lf;
	p.by_jti = by_jti;
	p.nby_jti = lf.csv.nrows - 1;
	p.links_path = links_path;
	p.db_path = db_path;
	e = snd_store_roll_each(p.db, form->id, NULL, plan_row, &p);
	if (e == SND_OK && !p.failed)
		plan_flush(&p);
	if (e != SND_OK || p.failed) {
		if (e != SND_OK || p.failed == 2)
			die_msg("%s", snd_store_errmsg(p.db));
		else if (p.failed == 1)
			die_msg("out of memory");
		else
			die_msg("%s: nothing sent", links_path);
		goto done;
	}
	for (i = 0; i < p.n; i++) {
		struct target *t = &p.t[i];
		int li = snd_form_lang(form, t->lang[0] ? t->lang : form->languages[0]);
		if (li < 0)
			li = 0;
		if (snd_mail_addr_check(t->email, err, sizeof err) != SND_OK) {
			die_msg("%s: delegate '%s': email on the roll: %s (nothing sent)", db_path,
			        t->sub, err);
			goto done;
		}
		if (tmpl_get(&tc, form, (size_t)li, kind, tdir) != 0)
			goto done;
		free(t->lang);
		if ((t->lang = strdup(form->languages[li])) == NULL) {
			die_msg("out of memory");
			goto done;
		}
	}
	if (p.n == 0) {
		fprintf(stderr, "mail: nothing to send for '%s' (%s): %zu already sent%s, %zu revoked"
		        "%s%zu without email\n", form->id, p.kind, p.already,
		        resend ? "" : " (--resend to send again)", p.revoked,
		        remind ? ", " : "", p.no_email);
		if (remind)
			fprintf(stderr, "mail: %zu delegates have answered\n", p.answered);
		rc = 0;
		goto done;
	}
	if (dry != NULL && stat(dry, &sb) != 0 && (errno != ENOENT || mkdir(dry, 0700) != 0)) {
		die_msg("--dry-run %s: cannot create the directory: %s", dry, strerror(errno));
		goto done;
	}
	if (dry == NULL) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
		    (curl = smtp_open(smtp, from, curl_err)) == NULL) {
			die_msg("cannot start libcurl");
			goto done;
		}
		curl_up = 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < p.n; i++) {
		struct target *t = &p.t[i];
		struct snd_mail m;
		struct snd_mail_values v;
		char *subject = NULL, *body = NULL, msgid[SND_MAIL_MSGID_MAX], why[4800], path[4096];
		const char *name = links_cell(&lf, t->row, lf.name);
		int li = snd_form_lang(form, t->lang);
		int bad = 0;
		if (rate > 0 && i > 0) {
			/* Invariant 4: message i starts no sooner than i * 60/rate s in. */
			struct timespec now, wait;
			double due = (double)i * 60.0 / (double)rate, el;
			clock_gettime(CLOCK_MONOTONIC, &now);
			el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
			if (due > el) {
				wait.tv_sec = (time_t)(due - el);
				wait.tv_nsec = (long)((due - el - (double)wait.tv_sec) * 1e9);
				while (nanosleep(&wait, &wait) != 0 && errno == EINTR)
					;
			}
		}
		v.name = name[0] ? name : t->sub;
		v.link = links_cell(&lf, t->row, lf.link);
		v.closes = closes;
		v.title = form->title.text[li];
		memset(&m, 0, sizeof m);
		msg.len = 0;
		msg.failed = 0;
		if (snd_mail_fill(&tc.t[li], &v, &subject, &body, err, sizeof err) != SND_OK ||
		    snd_mail_message_id(from, msgid, sizeof msgid) != SND_OK) {
			snprintf(why, sizeof why, "cannot compose: %s", err);
			bad = 1;
		} else {
			m.from = from;
			m.to = t->email;
			m.subject = subject;
			m.body = body;
			m.message_id = msgid;
			if (snd_mail_compose(&m, (int64_t)time(NULL), &msg, err, sizeof err) != SND_OK) {
				snprintf(why, sizeof why, "cannot compose: %s", err);
				bad = 1;
			}
		}
		free(subject);
		if (body != NULL) /* it holds the delegate's personal link: a secret */
			sodium_memzero(body, strlen(body));
		free(body);
		if (!bad && dry != NULL) {
			errno = 0;
			if (eml_path(path, sizeof path, dry, t->sub) != 0) {
				snprintf(why, sizeof why, "the file name would be too long");
				bad = 1;
			} else if ((e = snd_write_file(path, msg.data, msg.len, 0600, 0)) != SND_OK) {
				snprintf(why, sizeof why, "%s: cannot write: %s", path,
				         errno ? strerror(errno) : snd_strerror(e));
				bad = 1;
			}
		} else if (!bad) {
			bad = smtp_send(curl, t->email, &msg, curl_err, why, sizeof why);
			if (!bad && snd_store_mail_record(p.db, form->id, t->sub, p.kind, msgid,
			                                  (int64_t)time(NULL) * 1000) != SND_OK) {
				/* Sent but not recorded: say so loudly, it may go twice. */
				die_msg("%s: delegate '%s': the message was sent but could not be "
				        "recorded (%s); a rerun may send it again",
				        db_path, t->sub, snd_store_errmsg(p.db));
			}
		}
		if (bad) {
			failed++;
			die_msg("mail: delegate '%s' <%s>: %s", t->sub, t->email, why);
		} else {
			sent++;
		}
		fprintf(stderr, "mail: %zu/%zu %s, %zu failed\n", sent, p.n,
		        dry ? "written" : "sent", failed);
	}
	if (dry != NULL)
		fprintf(stderr, "mail: dry run: %zu messages in %s; nothing sent or recorded\n", sent,
		        dry);
	if (failed > 0)
		die_msg("%zu of %zu messages failed; run the same command again to retry them "
		        "(the others are not sent twice)", failed, p.n);
	rc = failed > 0 ? 1 : 0;
	goto done;
done:
	if (curl != NULL)
		curl_easy_cleanup(curl);
	if (curl_up)
		curl_global_cleanup();
	for (i = 0; i < SND_FORM_MAX_LANGS; i++)
		if (tc.loaded[i])
			snd_mail_template_free(&tc.t[i]);
	for (i = 0; i < p.n; i++)
		target_free(&p.t[i]);
	free(p.t);
	target_free(&p.best);
	free(p.cur_sub);
	free(by_jti);
	if (loaded)
		links_free(&lf);
	snd_store_close(p.db);
	snd_form_free(form);
	snd_diag_free(&diag);
	if (msg.data != NULL) /* the last message, with its personal link */
		sodium_memzero(msg.data, msg.cap);
	snd_buf_free(&msg);
	free(args);
	return rc;
}
