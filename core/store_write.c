/* store_write.c - the writer's side of the store: batches, append and
 * import, the hash chain, receipts and pseudonyms, deferred checkpoints.
 *
 * This file owns:
 *   - the writer's in-memory chain head (head_seq/head_link of struct
 *     snd_store) and the batch it belongs to (batch_seq/batch_link);
 *   - the chain link of a row (snd_chain_link) and the receipt a row is
 *     stored with (snd_receipt_sign, the footer cached per key);
 *   - the per-row savepoint around every append and import.
 *
 * Invariants (store.c states the store's; these are the ones kept here):
 *   1. Store invariant 2: a row's seq is head_seq + 1 and its prev is
 *      head_link; the head moves only once the row is in (insert_row).
 *   2. Store invariant 3: begin re-reads the head under the write lock;
 *      rollback (and a failed commit) restores the head saved at begin.
 *   3. Store invariant 5: a failed append/import rolls back its own
 *      savepoint and restores the head saved before it (row_end), keeping
 *      the error message of the first failure.
 *   4. Every field is checked (UTF-8, length caps, hash shape) before a
 *      statement is touched, so a malformed submission changes nothing.
 *   5. snd_store_append is the writer's hot path (~30 us per row): every
 *      helper it calls per row is defined here or static inline in
 *      store_int.h.
 *   6. The revision limit (snd_store_set_max_revisions) is judged on the
 *      delegate's max rev read inside the row's savepoint, under the write
 *      lock: no two appends can both see room for one more.  A refusal
 *      (SND_ELIMIT) rolls back only its own savepoint.
 *   7. An append deletes the delegate's draft in its own savepoint: a
 *      submitted draft is gone exactly when the revision is committed.
 */
#include "store_int.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Far above any request body the collector accepts, far below INT_MAX
 * (what sqlite3_bind_text takes). */
#define ANSWERS_MAX ((size_t)16 << 20)
/* ------------------------------------------------------------ chain head */

enum snd_err store_load_head(struct snd_store *s)
{
	sqlite3_stmt *st = stmt(s, ST_HEAD);
	int rc;
	if (st == NULL)
		return SND_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *l = col_text(st, 1);
		if (strlen(l) != 64) {
			done(st);
			return fail_msg(s, SND_EDB, "the last revision's link is malformed");
		}
		s->head_seq = sqlite3_column_int64(st, 0);
		memcpy(s->head_link, l, 65);
	} else if (rc == SQLITE_DONE) {
		s->head_seq = 0;
		memcpy(s->head_link, SND_ZERO_LINK, 65);
	}
	return finish(s, st, rc);
}

/* ----------------------------------------------------------- chain, keys */

/* "%" PRId64 without the printf machinery (per row in the tally's check). */
static size_t fmt_i64(char out[24], int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, k = 0;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		out[k++] = '-';
	while (n > 0)
		out[k++] = tmp[--n];
	out[k] = '\0';
	return k;
}

/* The ten parts of the text a chain link hashes, in order; NULL strings
 * count as empty.  num holds the two numbers' digits. */
static void chain_parts(const struct snd_revision *r, char num[2][24], const char *part[10],
                        size_t len[10])
{
	len[3] = fmt_i64(num[0], r->rev);
	len[4] = fmt_i64(num[1], r->submitted_at);
	part[0] = r->prev;
	part[1] = r->qid;
	part[2] = r->sub;
	part[3] = num[0];
	part[4] = num[1];
	part[5] = r->hash;
	part[6] = r->receipt;
	part[7] = r->ent;
	part[8] = r->jti;
	part[9] = r->attrs;
	for (int i = 0; i < 10; i++) {
		if (part[i] == NULL)
			part[i] = "";
		if (i != 3 && i != 4)
			len[i] = strlen(part[i]);
	}
}

void snd_chain_link(const struct snd_revision *r, char out[65])
{
	/* Streamed rather than concatenated into a buffer: this cannot fail,
	 * and the bytes hashed are exactly those of the documented string.
	 * Claims carry no control characters (token.c refuses them) and attrs
	 * is JSON text with escaped newlines placed last, so joining with "\n"
	 * is unambiguous. */
	char num[2][24];
	const char *part[10];
	size_t len[10];

	chain_parts(r, num, part, len);
	store_link(part, len, 10, out); /* SHA-NI when the CPU has it (canon.c) */
}

size_t snd_chain_input(const struct snd_revision *r, char *out, size_t cap)
{
	char num[2][24];
	const char *part[10];
	size_t len[10], n = 9, k = 0;

	chain_parts(r, num, part, len);
	for (int i = 0; i < 10; i++)
		n += len[i];
	if (n > cap)
		return n;
	for (int i = 0; i < 10; i++) {
		if (i > 0)
			out[k++] = '\n';
		memcpy(out + k, part[i], len[i]);
		k += len[i];
	}
	return n;
}

void snd_pseudonym(const uint8_t receipt_sk[SND_SK_BYTES], const char *qid, const char *sub,
                   char out[33])
{
	static const char label[] = "sounding pseudonym v1";
	crypto_generichash_state h;
	uint8_t key[32], md[16];

	crypto_generichash_init(&h, NULL, 0, sizeof key);
	crypto_generichash_update(&h, (const uint8_t *)label, sizeof label - 1);
	crypto_generichash_update(&h, receipt_sk, SND_SK_BYTES);
	crypto_generichash_final(&h, key, sizeof key);

	crypto_generichash_init(&h, key, sizeof key, sizeof md);
	crypto_generichash_update(&h, (const uint8_t *)qid, strlen(qid));
	crypto_generichash_update(&h, (const uint8_t *)"\n", 1);
	crypto_generichash_update(&h, (const uint8_t *)sub, strlen(sub));
	crypto_generichash_final(&h, md, sizeof md);
	sodium_bin2hex(out, 33, md, sizeof md);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&h, sizeof h);
}

enum snd_err snd_receipt_footer(const uint8_t sk[SND_SK_BYTES], char **out)
{
	uint8_t pk[SND_PK_BYTES];
	char pid[SND_PASERK_PID_LEN + 1];
	struct snd_buf b;

	crypto_sign_ed25519_sk_to_pk(pk, sk);
	snd_paserk_pid(pk, pid);
	snd_buf_init(&b, 256);
	snd_buf_puts(&b, "{\"kid\":");
	snd_buf_json_str(&b, pid);
	snd_buf_putc(&b, '}');
	if (b.failed) {
		snd_buf_free(&b);
		return SND_ENOMEM;
	}
	*out = snd_buf_steal(&b, NULL);
	return *out ? SND_OK : SND_ENOMEM;
}

enum snd_err snd_receipt_sign(const uint8_t sk[SND_SK_BYTES], const char *footer,
                              const struct snd_submission *sub, int64_t rev, int64_t at_ms,
                              char **receipt)
{
	struct snd_buf b;
	char iat[21], *own = NULL;
	enum snd_err e;

	if (footer == NULL) {
		if ((e = snd_receipt_footer(sk, &own)) != SND_OK)
			return e;
		footer = own;
	}
	snd_time_format(at_ms / 1000, iat); /* as tally verify reads it */
	snd_buf_init(&b, 512);
	snd_buf_puts(&b, "{\"aud\":");
	snd_buf_json_str(&b, sub->qid);
	snd_buf_puts(&b, ",\"sub\":");
	snd_buf_json_str(&b, sub->sub);
	snd_buf_printf(&b, ",\"rev\":%" PRId64 ",\"hash\":", rev);
	snd_buf_json_str(&b, sub->hash);
	if (sub->salt != NULL) {
		snd_buf_puts(&b, ",\"salt\":");
		snd_buf_json_str(&b, sub->salt);
	}
	snd_buf_puts(&b, ",\"iat\":");
	snd_buf_json_str(&b, iat);
	snd_buf_putc(&b, '}');
	if (b.failed) {
		snd_buf_free(&b);
		free(own);
		return SND_ENOMEM;
	}
	e = snd_paseto_sign(sk, b.data, b.len, footer, NULL, receipt);
	snd_buf_free(&b);
	free(own);
	return e;
}

/* The receipt footer naming the receipt key; rebuilt only when the key
 * changes, since the writer signs with the same key for its lifetime. */
static const char *receipt_footer(struct snd_store *s, const uint8_t sk[SND_SK_BYTES])
{
	uint8_t pk[SND_PK_BYTES];
	char *f;

	crypto_sign_ed25519_sk_to_pk(pk, sk);
	if (s->footer != NULL && memcmp(pk, s->footer_pk, sizeof pk) == 0)
		return s->footer;
	if (snd_receipt_footer(sk, &f) != SND_OK)
		return NULL;
	free(s->footer);
	s->footer = f;
	memcpy(s->footer_pk, pk, sizeof pk);
	return s->footer;
}

static enum snd_err sign_receipt(struct snd_store *s, const struct snd_submission *sub,
                                 int64_t rev, int64_t at_ms, const uint8_t sk[SND_SK_BYTES],
                                 char **receipt)
{
	const char *footer = receipt_footer(s, sk);
	enum snd_err e;

	if (footer == NULL)
		return fail_msg(s, SND_ENOMEM, "out of memory building the receipt footer");
	e = snd_receipt_sign(sk, footer, sub, rev, at_ms, receipt);
	if (e == SND_ENOMEM)
		return fail_msg(s, e, "out of memory building the receipt");
	if (e != SND_OK)
		return fail_msg(s, e, "signing the receipt failed");
	return SND_OK;
}

/* ----------------------------------------------------------------- writer */

enum snd_err snd_store_begin(struct snd_store *s)
{
	enum snd_err e;
	if (s->mode != SND_STORE_WRITE)
		return fail_msg(s, SND_EINVAL, "opened read-only");
	if (s->in_batch)
		return fail_msg(s, SND_EINVAL, "a batch is already open");
	if ((e = run_id(s, ST_BEGIN)) != SND_OK)
		return e;
	/* Invariant 3: the lock is ours now, so the head read here is the
	 * head our appends extend, whoever wrote last. */
	if ((e = store_load_head(s)) != SND_OK) {
		run_id(s, ST_ROLLBACK);
		return e;
	}
	s->batch_seq = s->head_seq;
	memcpy(s->batch_link, s->head_link, 65);
	s->in_batch = 1;
	return SND_OK;
}

enum snd_err snd_store_commit(struct snd_store *s)
{
	enum snd_err e;
	if (!s->in_batch)
		return fail_msg(s, SND_EINVAL, "no batch is open");
	e = run_id(s, ST_COMMIT);
	if (e != SND_OK) {
		/* A failed COMMIT may leave the transaction open (SQLITE_BUSY)
		 * or rolled back; either way nothing is acknowledged, so end
		 * it and restore the head. */
		char keep[sizeof s->err];
		memcpy(keep, s->err, sizeof keep);
		snd_store_rollback(s);
		memcpy(s->err, keep, sizeof keep);
		return e;
	}
	s->in_batch = 0;
	return SND_OK;
}

enum snd_err snd_store_rollback(struct snd_store *s)
{
	enum snd_err e = SND_OK;
	if (!s->in_batch)
		return SND_OK;
	if (!sqlite3_get_autocommit(s->db))
		e = run_id(s, ST_ROLLBACK);
	s->head_seq = s->batch_seq;
	memcpy(s->head_link, s->batch_link, 65);
	s->in_batch = 0;
	return e;
}

/* The delegate's highest rev so far and latest seq (both 0 when new). */
static enum snd_err delegate_state(struct snd_store *s, const char *qid, const char *sub,
                                   int64_t *max_rev, int64_t *latest_seq)
{
	sqlite3_stmt *st = stmt(s, ST_DELEGATE_STATE);
	int rc;
	if (st == NULL)
		return SND_EDB;
	bind_text(st, 1, qid);
	bind_text(st, 2, sub);
	rc = sqlite3_step(st);
	*max_rev = *latest_seq = 0;
	if (rc == SQLITE_ROW) {
		*max_rev = sqlite3_column_int64(st, 0);
		*latest_seq = sqlite3_column_int64(st, 1);
	}
	return finish(s, st, rc);
}

/* Inserts one revision at the head of the chain inside the caller's
 * savepoint; advances the in-memory head only once the row is in.  prior
 * is the delegate's latest seq before it (0: none).  Sets r->seq, r->prev
 * (pointing at the head) and r->link (pointing at link, the caller's
 * buffer). */
static enum snd_err insert_row(struct snd_store *s, struct snd_revision *r, int64_t prior,
                               char link[65])
{
	sqlite3_stmt *st;
	enum snd_err e;

	r->seq = s->head_seq + 1;
	r->prev = s->head_link;
	snd_chain_link(r, link);
	r->link = link;

	if ((st = stmt(s, ST_DELEGATE_UPSERT)) == NULL)
		return SND_EDB;
	bind_text(st, 1, r->qid);
	bind_text(st, 2, r->sub);
	bind_text(st, 3, r->ent);
	bind_text(st, 4, r->attrs);
	sqlite3_bind_int64(st, 5, r->submitted_at);
	sqlite3_bind_int64(st, 6, r->seq);
	sqlite3_bind_int64(st, 7, r->rev);
	if ((e = run(s, st)) != SND_OK)
		return e;

	if ((st = stmt(s, ST_INSERT_REV)) == NULL)
		return SND_EDB;
	sqlite3_bind_int64(st, 1, r->seq);
	bind_text(st, 2, r->qid);
	bind_text(st, 3, r->sub);
	bind_text(st, 4, r->ent);
	bind_text(st, 5, r->attrs);
	bind_text(st, 6, r->jti);
	sqlite3_bind_int64(st, 7, r->rev);
	/* answers_len 0 means NUL-terminated (answers are never empty: at
	 * least "{}"); the callers capped it far below INT_MAX. */
	sqlite3_bind_text(st, 8, r->answers, r->answers_len ? (int)r->answers_len : -1,
	                  SQLITE_STATIC);
	bind_text(st, 9, r->hash);
	bind_text(st, 10, r->receipt);
	sqlite3_bind_int64(st, 11, r->submitted_at);
	bind_text(st, 12, r->prev);
	bind_text(st, 13, r->link);
	if (prior > 0)
		sqlite3_bind_int64(st, 14, prior);
	else
		sqlite3_bind_null(st, 14);
	if (r->salt != NULL)
		bind_text(st, 15, r->salt);
	else
		sqlite3_bind_null(st, 15);
	if ((e = run(s, st)) != SND_OK)
		return e;

	s->head_seq = r->seq;
	memcpy(s->head_link, link, 65);
	return SND_OK;
}

static int hash_ok(const char *h)
{
	uint8_t b[32];
	return snd_hex_parse(h, b, sizeof b) == 0;
}

/* NULL (unsalted) or 32 lowercase hex digits. */
static int salt_ok(const char *salt)
{
	uint8_t b[SND_SALT_BYTES];
	return salt == NULL || snd_salt_parse(salt, b) == 0;
}

enum snd_err store_row_begin(struct snd_store *s, int *own)
{
	enum snd_err e;
	*own = 0;
	if (s->mode != SND_STORE_WRITE)
		return fail_msg(s, SND_EINVAL, "opened read-only");
	if (!s->in_batch) {
		if ((e = snd_store_begin(s)) != SND_OK)
			return e;
		*own = 1;
	}
	if ((e = run_id(s, ST_SAVEPOINT)) != SND_OK) {
		if (*own)
			snd_store_rollback(s);
		return e;
	}
	return SND_OK;
}

enum snd_err store_row_end(struct snd_store *s, int own, enum snd_err e)
{
	char keep[sizeof s->err];
	if (e == SND_OK && (e = run_id(s, ST_RELEASE)) == SND_OK)
		return own ? snd_store_commit(s) : SND_OK;
	memcpy(keep, s->err, sizeof keep);
	run_id(s, ST_ROLLBACK_TO);
	run_id(s, ST_RELEASE);
	if (own)
		snd_store_rollback(s);
	memcpy(s->err, keep, sizeof keep);
	return e;
}

/* An append's store_row_end: a row not kept also restores the head saved
 * before it (invariant 3). */
static enum snd_err row_end(struct snd_store *s, int own, enum snd_err e, int64_t seq,
                            const char *link)
{
	if ((e = store_row_end(s, own, e)) != SND_OK) {
		s->head_seq = seq;
		memcpy(s->head_link, link, 65);
	}
	return e;
}

/* Both appends: signs a receipt unless `given` was signed for exactly the
 * rev this row gets (*receipt then stays NULL). */
static enum snd_err append(struct snd_store *s, const struct snd_submission *sub,
                           const uint8_t receipt_sk[SND_SK_BYTES], int64_t now,
                           int64_t given_rev, const char *given, int64_t *rev, char **receipt)
{
	struct snd_revision r;
	char *token = NULL;
	char saved_link[65], link[65];
	int64_t saved_seq = s->head_seq, max_rev = 0, prior = 0;
	int own = 0;
	enum snd_err e;

	if (!text_ok(sub->qid, 4096) || !text_ok(sub->sub, 4096) || !text_ok(sub->ent, 4096) ||
	    !text_ok(sub->attrs, 1 << 20) || !text_ok(sub->jti, 4096) || sub->answers == NULL ||
	    sub->answers_len > ANSWERS_MAX || !hash_ok(sub->hash) || !salt_ok(sub->salt))
		return fail_msg(s, SND_EINVAL, "append: a field is missing or malformed");
	if ((e = store_row_begin(s, &own)) != SND_OK)
		return e;
	saved_seq = s->head_seq;
	memcpy(saved_link, s->head_link, 65);

	if ((e = delegate_state(s, sub->qid, sub->sub, &max_rev, &prior)) != SND_OK)
		goto fail;
	/* Invariant 6: read inside the write transaction, so exact. */
	if (s->max_revs > 0 && max_rev >= s->max_revs) {
		e = fail_msg(s, SND_ELIMIT, "append: the delegate has reached the revision limit");
		goto fail;
	}
	if ((given == NULL || given_rev != max_rev + 1) &&
	    (e = sign_receipt(s, sub, max_rev + 1, now, receipt_sk, &token)) != SND_OK)
		goto fail;
	memset(&r, 0, sizeof r);
	r.qid = sub->qid;
	r.sub = sub->sub;
	r.ent = sub->ent;
	r.attrs = sub->attrs;
	r.jti = sub->jti;
	r.rev = max_rev + 1;
	r.answers = sub->answers;
	r.answers_len = sub->answers_len;
	r.hash = sub->hash;
	r.salt = sub->salt;
	r.receipt = token ? token : given;
	r.submitted_at = now;
	if ((e = insert_row(s, &r, prior, link)) != SND_OK ||
	    (e = store_draft_drop(s, sub->qid, sub->sub)) != SND_OK)
		goto fail;
	if ((e = row_end(s, own, SND_OK, saved_seq, saved_link)) != SND_OK) {
		free(token);
		return e;
	}
	*rev = max_rev + 1;
	*receipt = token;
	return SND_OK;
fail:
	free(token);
	return row_end(s, own, e, saved_seq, saved_link);
}

void snd_store_set_max_revisions(struct snd_store *s, int64_t max_revs)
{
	s->max_revs = max_revs > 0 ? max_revs : 0;
}

enum snd_err snd_store_append(struct snd_store *s, const struct snd_submission *sub,
                              const uint8_t receipt_sk[SND_SK_BYTES], int64_t now,
                              int64_t *rev, char **receipt)
{
	return append(s, sub, receipt_sk, now, 0, NULL, rev, receipt);
}

enum snd_err snd_store_append_signed(struct snd_store *s, const struct snd_submission *sub,
                                     const uint8_t receipt_sk[SND_SK_BYTES], int64_t now_ms,
                                     int64_t signed_rev, const char *receipt, int64_t *rev,
                                     char **resigned)
{
	/* The caller's own signature (snd_receipt_sign): its shape, not a
	 * UTF-8 scan, on the writer's serial path. */
	if (receipt == NULL || strncmp(receipt, "v4.public.", 10) != 0 ||
	    strnlen(receipt, 1 << 16) >= 1 << 16)
		return fail_msg(s, SND_EINVAL, "append: the receipt is missing or malformed");
	return append(s, sub, receipt_sk, now_ms, signed_rev, receipt, rev, resigned);
}

enum snd_err snd_store_import(struct snd_store *s, const struct snd_revision *in)
{
	struct snd_revision r;
	sqlite3_stmt *st;
	char saved_link[65], link[65];
	int64_t saved_seq, max_rev, prior;
	int own = 0, rc;
	enum snd_err e = SND_OK;

	if (!text_ok(in->qid, 4096) || !text_ok(in->sub, 4096) || !text_ok(in->ent, 4096) ||
	    !text_ok(in->attrs, 1 << 20) || !text_ok(in->jti, 4096) || in->answers == NULL ||
	    in->answers_len > ANSWERS_MAX || in->hash == NULL || !text_ok(in->receipt, 1 << 16) ||
	    in->rev < 1 || !salt_ok(in->salt))
		return fail_msg(s, SND_EINVAL, "import: a field is missing or malformed");
	if ((e = store_row_begin(s, &own)) != SND_OK)
		return e;
	saved_seq = s->head_seq;
	memcpy(saved_link, s->head_link, 65);

	if ((st = stmt(s, ST_IMPORT_EXISTS)) == NULL) {
		e = SND_EDB;
		goto fail;
	}
	bind_text(st, 1, in->qid);
	bind_text(st, 2, in->sub);
	sqlite3_bind_int64(st, 3, in->rev);
	bind_text(st, 4, in->hash);
	bind_text(st, 5, in->receipt);
	rc = sqlite3_step(st);
	if ((e = finish(s, st, rc)) != SND_OK)
		goto fail;
	if (rc == SQLITE_ROW) /* already here: merging twice adds nothing */
		return row_end(s, own, SND_OK, saved_seq, saved_link);

	if ((e = delegate_state(s, in->qid, in->sub, &max_rev, &prior)) != SND_OK)
		goto fail;
	r = *in;
	if ((e = insert_row(s, &r, prior, link)) != SND_OK)
		goto fail;
	return row_end(s, own, SND_OK, saved_seq, saved_link);
fail:
	return row_end(s, own, e, saved_seq, saved_link);
}

/* ------------------------------------------------------------ checkpoints
 * SQLite checkpoints inside the COMMIT that takes the WAL past 1000 frames,
 * so that batch's answers wait for the copy and its fsync.  Deferred, the
 * writer answers the batch first and checkpoints after (the same PASSIVE
 * checkpoint, at the same threshold), while the request threads already
 * work on the next requests. */

static int wal_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
	struct snd_store *s = ctx;
	(void)db;
	(void)name;
	s->wal_frames = frames;
	return SQLITE_OK;
}

enum snd_err snd_store_defer_checkpoints(struct snd_store *s, int frames)
{
	if (s->mode != SND_STORE_WRITE)
		return fail_msg(s, SND_EINVAL, "opened read-only");
	if (frames <= 0)
		return fail_msg(s, SND_EINVAL, "checkpoint threshold must be positive");
	/* replaces SQLite's auto-checkpoint hook on this connection */
	sqlite3_wal_hook(s->db, wal_hook, s);
	s->ckpt_frames = frames;
	s->wal_frames = 0;
	return SND_OK;
}

int snd_store_checkpoint_due(const struct snd_store *s)
{
	return s->ckpt_frames > 0 && s->wal_frames >= s->ckpt_frames;
}

enum snd_err snd_store_checkpoint(struct snd_store *s)
{
	int rc;
	if (s->in_batch)
		return fail_msg(s, SND_EINVAL, "a batch is open");
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	/* The WAL restarts from its start at the next write once all of it
	 * is copied; until then the next commit reports the frames again. */
	s->wal_frames = 0;
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return fail_db(s, rc);
	return SND_OK;
}
