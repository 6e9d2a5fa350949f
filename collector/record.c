/* record.c - the chair's record over HTTP: dispositions of objections and
 * outcome statements (interface.md, "Rounds and the objection register").
 *
 *   GET  /api/v1/questionnaires/QID/dispositions   the latest per key (chair)
 *   POST /api/v1/questionnaires/QID/dispositions   {"question","entity","status","note"}
 *   GET  /api/v1/questionnaires/QID/outcomes
 *   POST /api/v1/questionnaires/QID/outcomes       {"question","text"}
 *   GET  /chair/QID/record                         the page of forms (page_record.c)
 *   POST /chair/QID/record                         one form of it: 303 back, with a notice
 *
 * Invariants:
 *   1. Only a chair token of this questionnaire records or reads the record
 *      (authenticate, request.c): a delegate token is 403.  The API's posts
 *      take a bearer token only; the page's post takes the session cookie
 *      and must carry the session's _csrf (read_session_post) and no other
 *      site's Origin, as the delegate's form post does.
 *   2. Every field is checked (check_fields, then snd_record_check) before
 *      the writer sees the record: 400 for a body that is not an object of
 *      strings, 422 naming the field otherwise; nothing is stored.
 *   3. 201 and 303 are sent by the committed handlers only, after the
 *      writer's COMMIT of the record (request.c invariant 3).
 *   4. The record is one malloc'ed block (struct rec_block) owned by the
 *      request (http.c frees r->item.record), so the writer can read it
 *      while the connection is suspended.
 *   5. The recorder is the token's sub: a chair cannot record in another's
 *      name.  The time is the writer's (writer_submit).
 */
#include "request.h"
#include "routes.h"
#include "tally_cache.h"

#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A record and its strings in one allocation (invariant 4). */
struct rec_block {
	struct snd_record rec;
	char data[];
};

/* The fields of a record as posted (borrowed from the body's parse). */
struct rec_in {
	enum snd_record_kind kind;
	const char *question, *entity, *status, *text;
};

static struct snd_record *rec_new(const struct rec_in *in, const char *qid, const char *by)
{
	const char *src[6] = {qid, in->question, in->entity ? in->entity : "",
	                      in->status ? in->status : "", in->text ? in->text : "", by};
	size_t len[6], total = 0, i;
	struct rec_block *b;
	char *p;

	for (i = 0; i < 6; i++)
		total += (len[i] = strlen(src[i])) + 1;
	if ((b = calloc(1, sizeof *b + total)) == NULL)
		return NULL;
	p = b->data;
	for (i = 0; i < 6; i++) {
		memcpy(p, src[i], len[i] + 1);
		src[i] = p;
		p += len[i] + 1;
	}
	b->rec.kind = in->kind;
	b->rec.qid = src[0];
	b->rec.question = src[1];
	b->rec.entity = src[2];
	b->rec.status = src[3];
	b->rec.text = src[4];
	b->rec.by = src[5];
	return &b->rec;
}

/* The checks that name a field for people and programs (invariant 2):
 * adds each problem to errs.  0 when none. */
static int check_fields(const struct snd_form *f, const struct rec_in *in, struct snd_diag *errs)
{
	const char *tkey = in->kind == SND_REC_DISPOSITION ? "note" : "text";
	int qi = in->question ? snd_form_question(f, in->question) : -1;

	if (in->question == NULL || in->question[0] == '\0')
		snd_diag_add(errs, "question", "a question id is required");
	else if (qi < 0)
		snd_diag_add(errs, "question", "this questionnaire has no question with that id");
	else if (in->kind == SND_REC_DISPOSITION && f->questions[qi].type != SND_Q_POSITION)
		snd_diag_add(errs, "question",
		             "objections (and so dispositions) belong to position questions only");
	if (in->kind == SND_REC_DISPOSITION) {
		int i;
		if (f->anonymity == SND_PSEUDONYMOUS) {
			if (in->entity && in->entity[0])
				snd_diag_add(errs, "entity",
				             "this questionnaire is pseudonymous: a disposition covers the "
				             "question's objections as a whole, leave entity out");
		} else if (in->entity == NULL || in->entity[0] == '\0') {
			snd_diag_add(errs, "entity", "the objecting entity is required");
		}
		for (i = 0; in->status && i < SND_DISP__MAX; i++)
			if (strcmp(in->status, snd_disposition_names[i]) == 0)
				break;
		if (in->status == NULL || i == SND_DISP__MAX)
			snd_diag_add(errs, "status", "must be open, addressed, noted or resolved");
	}
	if (in->text && strlen(in->text) > SND_RECORD_TEXT_MAX)
		snd_diag_add(errs, tkey, "is longer than %d bytes", SND_RECORD_TEXT_MAX);
	if (in->kind == SND_REC_OUTCOME && (in->text == NULL || in->text[0] == '\0'))
		snd_diag_add(errs, "text", "the outcome statement is required");
	return errs->n == 0 ? 0 : -1;
}

/* Checks in and hands the record to the writer; on a problem queues the
 * 422 (naming the field) and stores nothing. */
static enum MHD_Result record_submit(struct req *r, const struct rec_in *in)
{
	const struct snd_form *f = form_of(r);
	struct snd_diag errs;
	struct snd_record *rec;
	const char *field;
	enum MHD_Result ret;

	snd_diag_init(&errs);
	if (check_fields(f, in, &errs) == 0 &&
	    (rec = rec_new(in, f->id, r->auth->c.sub)) != NULL) {
		rec->at = 1; /* snd_record_check's view; the writer sets the time */
		if (snd_record_check(rec, &field) == 0) {
			snd_diag_free(&errs);
			r->item.record = rec;
			return submit_record(r);
		}
		free(rec);
		/* what remains: invalid UTF-8, control characters */
		snd_diag_add(&errs, field,
		             strcmp(field, "entity") == 0 || strcmp(field, "question") == 0
		                     ? "must be UTF-8 text of at most 1024 bytes without control "
		                       "characters"
		                     : "must be UTF-8 text without carriage returns");
	} else if (errs.n == 0) {
		snd_diag_free(&errs);
		return http_busy(r);
	}
	ret = http_error(r, 422, "invalid_record",
	                 r->api ? "the record is invalid; nothing was stored"
	                        : "This entry was not recorded: some of its fields are invalid.",
	                 &errs);
	snd_diag_free(&errs);
	return ret;
}

/* ---------------------------------------------------------------- API */

/* The body as an object of string members, each of names[] at most once
 * and no other; 0 with vals[] set (NULL: absent), else the 400 or 422 is
 * queued into *ret. */
static int read_body(struct req *r, const char *const *names, size_t nn, const char **vals,
                     cJSON **doc, enum MHD_Result *ret)
{
	const cJSON *m;
	size_t i;

	if (!read_json_body(r, doc, ret))
		return -1;
	if (!cJSON_IsObject(*doc)) {
		*ret = http_error(r, 400, "bad_request", "malformed JSON: the body must be an object",
		                  NULL);
		cJSON_Delete(*doc);
		*doc = NULL;
		return -1;
	}
	for (i = 0; i < nn; i++)
		vals[i] = NULL;
	cJSON_ArrayForEach(m, *doc) {
		struct snd_diag errs;
		for (i = 0; i < nn; i++)
			if (strcmp(m->string, names[i]) == 0)
				break;
		if (i < nn && cJSON_IsString(m)) {
			vals[i] = m->valuestring;
			continue;
		}
		snd_diag_init(&errs);
		snd_diag_add(&errs, m->string, i < nn ? "must be a string" : "is not a member of a record");
		*ret = http_error(r, 422, "invalid_record", "the record is invalid; nothing was stored",
		                  &errs);
		snd_diag_free(&errs);
		cJSON_Delete(*doc);
		*doc = NULL;
		return -1;
	}
	return 0;
}

static enum MHD_Result api_post(struct req *r, enum snd_record_kind kind)
{
	static const char *const dnames[] = {"question", "entity", "status", "note"};
	static const char *const onames[] = {"question", "text"};
	const char *vals[4];
	struct rec_in in;
	cJSON *doc;
	enum MHD_Result ret;
	int disp = kind == SND_REC_DISPOSITION;

	if (!authenticate(r, 1, 0, SND_ROLE_CHAIR, &ret))
		return ret;
	if (read_body(r, disp ? dnames : onames, disp ? 4 : 2, vals, &doc, &ret) != 0)
		return ret;
	memset(&in, 0, sizeof in);
	in.kind = kind;
	in.question = vals[0];
	if (disp) {
		in.entity = vals[1];
		in.status = vals[2];
		in.text = vals[3];
	} else {
		in.text = vals[1];
	}
	ret = record_submit(r, &in);
	cJSON_Delete(doc);
	return ret;
}

enum MHD_Result h_api_disposition_post(struct req *r)
{
	return api_post(r, SND_REC_DISPOSITION);
}

enum MHD_Result h_api_outcome_post(struct req *r)
{
	return api_post(r, SND_REC_OUTCOME);
}

/* 201 with the record as stored (invariant 3). */
enum MHD_Result h_api_record_committed(struct req *r)
{
	const struct snd_record *rec = r->item.record;
	struct snd_buf b;
	char when[21];

	if (r->item.rc != SND_OK || rec == NULL)
		return http_busy(r);
	snd_time_format(rec->at / 1000, when);
	snd_buf_init(&b, 0);
	snd_buf_printf(&b, "{\"seq\":%lld,\"kind\":\"%s\",\"question\":", (long long)rec->seq,
	               snd_record_kind_names[rec->kind]);
	snd_buf_json_str(&b, rec->question);
	if (rec->kind == SND_REC_DISPOSITION) {
		if (form_of(r)->anonymity != SND_PSEUDONYMOUS) {
			snd_buf_puts(&b, ",\"entity\":");
			snd_buf_json_str(&b, rec->entity);
		}
		snd_buf_puts(&b, ",\"status\":");
		snd_buf_json_str(&b, rec->status);
		snd_buf_puts(&b, ",\"note\":");
	} else {
		snd_buf_puts(&b, ",\"text\":");
	}
	snd_buf_json_str(&b, rec->text);
	snd_buf_puts(&b, ",\"by\":");
	snd_buf_json_str(&b, rec->by);
	snd_buf_printf(&b, ",\"at\":\"%s\",\"link\":\"%s\"}\n", when, r->item.record_link);
	return http_send_json(r, 201, &b);
}

static enum MHD_Result api_list(struct req *r, enum snd_record_kind kind)
{
	struct snd_store *rd;
	cJSON *d = NULL, *o = NULL, *doc;
	struct snd_buf b;
	enum MHD_Result ret;
	char *text;

	if (!authenticate(r, 1, 1, SND_ROLE_CHAIR, &ret))
		return ret;
	if ((rd = srv_reader(r->s)) == NULL || snd_record_json(rd, form_of(r), &d, &o) != SND_OK)
		return http_busy(r);
	doc = cJSON_CreateObject();
	if (doc == NULL ||
	    !cJSON_AddItemToObject(doc, kind == SND_REC_DISPOSITION ? "dispositions" : "outcomes",
	                           kind == SND_REC_DISPOSITION ? d : o)) {
		cJSON_Delete(doc);
		cJSON_Delete(d);
		cJSON_Delete(o);
		return http_busy(r);
	}
	cJSON_Delete(kind == SND_REC_DISPOSITION ? o : d);
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (text == NULL)
		return http_busy(r);
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, text);
	snd_buf_putc(&b, '\n');
	cJSON_free(text);
	return http_send_json(r, 200, &b);
}

enum MHD_Result h_api_dispositions(struct req *r)
{
	return api_list(r, SND_REC_DISPOSITION);
}

enum MHD_Result h_api_outcomes(struct req *r)
{
	return api_list(r, SND_REC_OUTCOME);
}

/* --------------------------------------------------------------- page */

enum MHD_Result h_record_page(struct req *r)
{
	struct record_view v;
	struct page_req p;
	struct snd_store *rd;
	struct snap *sn = NULL;
	struct snd_buf b;
	cJSON *d = NULL, *o = NULL;
	enum MHD_Result ret;
	char err[256];
	const char *saved = query(r, "saved");

	r->lang = pick_lang(r, NULL, NULL);
	if (!authenticate(r, 1, 1, SND_ROLE_CHAIR, &ret))
		return ret;
	if ((rd = srv_reader(r->s)) == NULL || snd_record_json(rd, form_of(r), &d, &o) != SND_OK)
		return http_busy(r);
	/* the objecting entities; without a tally the page still lists those
	 * with a disposition */
	if (get_snap(r->s, r->form, NULL, SND_WEIGHT_DELEGATE, 0, &sn, err, sizeof err) != SND_OK)
		sn = NULL;
	memset(&v, 0, sizeof v);
	v.summary = sn ? sn->summary : NULL;
	v.dispositions = d;
	v.outcomes = o;
	v.saved = saved != NULL && strcmp(saved, "1") == 0;
	page_req_init(r, &p);
	p.csrf = r->auth->csrf;
	snd_buf_init(&b, 0);
	page_record(&b, &p, &v);
	if (sn)
		snap_release(sn);
	cJSON_Delete(d);
	cJSON_Delete(o);
	return http_send_html(r, 200, &b);
}

enum MHD_Result h_record_post(struct req *r)
{
	struct snd_kvlist kv = {0};
	struct rec_in in;
	const char *kind;
	enum MHD_Result ret;

	r->lang = pick_lang(r, NULL, NULL);
	if (!same_origin(r, &ret) || !authenticate(r, 0, 1, SND_ROLE_CHAIR, &ret) ||
	    !read_session_post(r, NULL, &kv, &ret))
		return ret;
	kind = snd_kvlist_get(&kv, "kind");
	memset(&in, 0, sizeof in);
	if (kind != NULL && strcmp(kind, "disposition") == 0) {
		in.kind = SND_REC_DISPOSITION;
		in.entity = snd_kvlist_get(&kv, "entity");
		in.status = snd_kvlist_get(&kv, "status");
		in.text = snd_kvlist_get(&kv, "note");
	} else if (kind != NULL && strcmp(kind, "outcome") == 0) {
		in.kind = SND_REC_OUTCOME;
		in.text = snd_kvlist_get(&kv, "text");
	} else {
		snd_kvlist_free(&kv);
		return http_error(r, 400, "bad_request", "The form names no kind of record.", NULL);
	}
	in.question = snd_kvlist_get(&kv, "question");
	/* a textarea's line breaks arrive as CRLF: stored as LF */
	if (in.text != NULL) {
		char *t = (char *)in.text, *w = t;
		for (; *t; t++)
			if (!(t[0] == '\r' && t[1] == '\n'))
				*w++ = *t;
		*w = '\0';
	}
	ret = record_submit(r, &in);
	snd_kvlist_free(&kv);
	return ret;
}

/* 303 back to the record page with "Recorded." (invariant 3). */
enum MHD_Result h_record_committed(struct req *r)
{
	const struct snd_form *f = form_of(r);
	struct snd_buf loc;
	enum MHD_Result ret;
	if (r->item.rc != SND_OK)
		return http_busy(r);
	snd_buf_init(&loc, 0);
	snd_buf_printf(&loc, "/chair/%s/record?saved=1", f->id);
	if (r->lang > 0)
		snd_buf_printf(&loc, "&lang=%s", f->languages[r->lang]);
	if (r->item.record && snd_form_question(f, r->item.record->question) >= 0)
		snd_buf_printf(&loc, "#q-%d", snd_form_question(f, r->item.record->question));
	if (loc.failed) {
		snd_buf_free(&loc);
		return http_busy(r);
	}
	ret = http_redirect(r, loc.data, NULL);
	snd_buf_free(&loc);
	return ret;
}
