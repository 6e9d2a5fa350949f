/* api.c - the JSON API for answers: POST
 * /api/v1/questionnaires/QID/responses (201 with the receipt once
 * committed, 422 with the reasons per field) and GET .../responses/me (the
 * newest revision as stored), and the draft: POST and GET
 * .../draft (draft.c; 200 once committed, no writer, no receipt).  The
 * questionnaire's JSON and the summary are http_resp.c's and chair.c's.
 *
 * Invariants:
 *   1. Bearer tokens only (no cookie): a delegate token, for the
 *      questionnaire of the URL (request.c invariant 1).
 *   2. A valid body takes one pass (snd_answers_from_body_salted: parse,
 *      check, canonical JSON, salted hash) with no cJSON tree and no copy
 *      before the
 *      writer; anything else takes the general steps, which give the
 *      status and the reasons.  The bytes stored are the same either way.
 *   3. Errors are JSON ({"error":{"code","message","fields"}}).
 */
#include "draft.h"
#include "request.h"
#include "routes.h"

#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum MHD_Result h_api_post(struct req *r)
{
	const struct snd_form *f = form_of(r);
	struct snd_diag errs;
	cJSON *doc = NULL, *answers, *clean = NULL;
	enum MHD_Result ret;
	enum snd_err rc;

	if (!authenticate_open(r, 1, 0, SND_ROLE_DELEGATE, &ret))
		return ret;
	if (!content_type_is(r, "application/json"))
		return http_error(r, 400, "bad_request",
		                  "the body must be JSON (Content-Type: application/json)", NULL);
	/* A valid body in one pass (parse, check, canonical JSON, hash) with
	 * no cJSON tree; anything else takes the general steps below, which
	 * give the status and the reasons (same bytes stored either way). */
	{
		struct snd_buf canon;
		snd_buf_init(&canon, 0);
		/* The salt is chosen here, before the writer signs the receipt
		 * (on this thread) that carries it. */
		snd_salt_new(r->salt_bin, r->salt);
		rc = snd_answers_from_body_salted(f, r->body.data ? r->body.data : "", r->body.len,
		                                  r->s->max_body, r->salt_bin, &canon, r->hash);
		if (rc == SND_OK)
			return submit_canon(r, &canon);
		snd_buf_free(&canon);
		if (rc == SND_ENOMEM)
			return http_busy(r);
	}
	if (!read_json_body(r, &doc, &ret))
		return ret;
	answers = cJSON_GetObjectItemCaseSensitive(doc, "answers");
	if (!cJSON_IsObject(doc) || !cJSON_IsObject(answers)) {
		cJSON_Delete(doc);
		return http_error(r, 400, "bad_request",
		                  "the body must be an object {\"answers\":{...}}", NULL);
	}
	snd_diag_init(&errs);
	rc = snd_form_check_answers(f, answers, &clean, &errs);
	if (rc == SND_EINVAL)
		ret = http_error(r, 422, "invalid_answers", "some answers are invalid", &errs);
	else if (rc != SND_OK)
		ret = http_busy(r);
	else
		ret = submit(r, clean);
	cJSON_Delete(doc);
	cJSON_Delete(clean);
	snd_diag_free(&errs);
	return ret;
}

/* The writer committed the API post: 201 with the receipt (or the store
 * refused it for the revision limit: 429 too_many_revisions). */
enum MHD_Result h_api_committed(struct req *r)
{
	struct snd_buf b;
	if (r->item.rc == SND_ELIMIT)
		return limit_error(r, 1, 0);
	snd_buf_init(&b, 0);
	/* A receipt is PASETO text (base64url and dots), the hash and the salt
	 * hex: none needs JSON escaping. */
	snd_buf_puts(&b, "{\"receipt\":\"");
	snd_buf_puts(&b, r->item.receipt);
	snd_buf_printf(&b, "\",\"revision\":%lld,\"hash\":\"%s\",\"salt\":\"%s\"}\n",
	               (long long)r->item.rev, r->hash, r->salt);
	return http_send_json(r, 201, &b);
}

enum MHD_Result h_api_me(struct req *r)
{
	struct latest l;
	struct snd_buf b;
	enum MHD_Result ret;
	char when[21];

	if (!authenticate(r, 1, 0, SND_ROLE_DELEGATE, &ret))
		return ret;
	if (load_latest(r, &l) != 0)
		return http_busy(r);
	if (!l.found)
		return http_error(r, 404, "not_found", "no answers recorded for this token's delegate",
		                  NULL);
	snd_time_format(l.submitted_at / 1000, when);
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, "{\"answers\":");
	snd_buf_append(&b, l.answers, l.answers_len); /* canonical JSON as stored */
	snd_buf_printf(&b, ",\"revision\":%lld,\"hash\":\"%s\",", (long long)l.rev, l.hash);
	/* null for a revision stored before salts existed */
	if (l.salt[0] != '\0')
		snd_buf_printf(&b, "\"salt\":\"%s\",", l.salt);
	else
		snd_buf_puts(&b, "\"salt\":null,");
	snd_buf_puts(&b, "\"receipt\":");
	snd_buf_json_str(&b, l.receipt);
	snd_buf_printf(&b, ",\"submitted_at\":\"%s\"}\n", when);
	latest_free(&l);
	return http_send_json(r, 200, &b);
}

/* POST .../draft: {"answers":{...}} checked as a draft (every check but
 * completeness), stored (committed) as the delegate's one draft, 200
 * {"saved_at":"RFC 3339"}.  A draft is not a revision: no receipt. */
enum MHD_Result h_api_draft_post(struct req *r)
{
	const struct snd_form *f = form_of(r);
	struct snd_diag errs;
	struct snd_buf b;
	cJSON *doc = NULL, *answers, *clean = NULL;
	enum MHD_Result ret;
	enum snd_err rc;
	int64_t at;
	char when[21];

	if (!authenticate(r, 1, 0, SND_ROLE_DELEGATE, &ret) || !require_open(r, &ret))
		return ret;
	if (!read_json_body(r, &doc, &ret))
		return ret;
	answers = cJSON_GetObjectItemCaseSensitive(doc, "answers");
	if (!cJSON_IsObject(doc) || !cJSON_IsObject(answers)) {
		cJSON_Delete(doc);
		return http_error(r, 400, "bad_request",
		                  "the body must be an object {\"answers\":{...}}", NULL);
	}
	snd_diag_init(&errs);
	rc = snd_form_check_draft(f, answers, &clean, &errs);
	if (rc == SND_EINVAL) {
		ret = http_error(r, 422, "invalid_answers", "some answers are invalid", &errs);
	} else if (rc != SND_OK || draft_save(r, clean, &at) != 0) {
		ret = http_busy(r);
	} else {
		snd_time_format(at / 1000, when);
		snd_buf_init(&b, 0);
		snd_buf_printf(&b, "{\"saved_at\":\"%s\"}\n", when);
		ret = http_send_json(r, 200, &b);
	}
	cJSON_Delete(doc);
	cJSON_Delete(clean);
	snd_diag_free(&errs);
	return ret;
}

/* GET .../draft: the delegate's draft as stored, or 404. */
enum MHD_Result h_api_draft_get(struct req *r)
{
	struct draft d;
	struct snd_buf b;
	enum MHD_Result ret;
	char when[21];

	if (!authenticate(r, 1, 0, SND_ROLE_DELEGATE, &ret))
		return ret;
	if (draft_load(r, &d) != 0)
		return http_busy(r);
	if (!d.found)
		return http_error(r, 404, "not_found", "no draft saved for this token's delegate",
		                  NULL);
	snd_time_format(d.saved_at_ms / 1000, when);
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, "{\"answers\":");
	snd_buf_append(&b, d.answers, d.answers_len); /* canonical JSON as stored */
	snd_buf_printf(&b, ",\"saved_at\":\"%s\"}\n", when);
	draft_free(&d);
	return http_send_json(r, 200, &b);
}
