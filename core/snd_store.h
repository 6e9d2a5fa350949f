/* snd_store.h - part of the public interface of libsounding: the SQLite store (store*.c).
 * Included by sounding.h (include that, never this file directly): split
 * out so that each header stays one room a reader can hold. */
#ifndef SOUNDING_STORE_H
#define SOUNDING_STORE_H

#ifndef SOUNDING_H
#error "include sounding.h, not snd_store.h"
#endif

/* ---------- store (store.c, store_write.c, store_read.c, store_sched.c,
 * store_roll.c)
 * The SQLite database: see docs/schema.md.  A struct snd_store is one
 * connection and must be used by one thread at a time.  The collector has
 * one writer connection (owned by its writer thread) and one read
 * connection per request thread. */

struct snd_store;

enum snd_store_mode {
	SND_STORE_READ,     /* read only; the file must exist */
	SND_STORE_WRITE,    /* read/write; creates and migrates the schema */
};

enum snd_err snd_store_open(const char *path, enum snd_store_mode mode, struct snd_store **out,
                            char *errbuf, size_t errlen);
void snd_store_close(struct snd_store *s);
/* The last SQLite error message of this connection. */
const char *snd_store_errmsg(const struct snd_store *s);

/* Records the questionnaire definition (id, source, hash); idempotent. */
enum snd_err snd_store_put_form(struct snd_store *s, const struct snd_form *f);

/* One stored revision.  Strings owned by whoever produced the struct: rows
 * handed to a callback are valid only during the callback. */
struct snd_revision {
	int64_t seq;            /* position in the database's hash chain, 1.. */
	const char *qid;
	const char *sub;        /* delegate id, or pseudonym in pseudonymous mode */
	const char *ent;
	const char *attrs;      /* JSON object text of string attributes */
	const char *jti;
	int64_t rev;            /* 1.. per (qid, sub) */
	const char *answers;    /* canonical JSON text */
	size_t answers_len;
	const char *hash;       /* SHA-256 hex of salt bytes ‖ answers (snd_answers_digest) */
	const char *receipt;    /* v4.public receipt token */
	int64_t submitted_at;   /* Unix milliseconds */
	const char *prev;       /* chain link of seq - 1 (64 zeros for the first) */
	const char *link;       /* SHA-256 hex chain link of this row */
	int revoked;            /* its token has been revoked since */
	const char *salt;       /* 32 lowercase hex digits, or NULL (stored before salts) */
};

/* The chain link of a revision: SHA-256 hex over
 * prev "\n" qid "\n" sub "\n" rev "\n" submitted_at "\n" hash "\n" receipt
 * "\n" ent "\n" jti "\n" attrs  (NULL strings count as empty). */
void snd_chain_link(const struct snd_revision *r, char out[65]);
/* The text snd_chain_link hashes, written to out[0..n) when it fits in cap
 * bytes (no NUL added); returns its length n either way.  The tally's
 * check hashes it itself, many rows at a time (tally_stream.c). */
size_t snd_chain_input(const struct snd_revision *r, char *out, size_t cap);

/* What a request thread hands the writer to store. */
struct snd_submission {
	const char *qid;
	const char *sub;
	const char *ent;
	const char *attrs;      /* JSON object text */
	const char *jti;
	const char *answers;    /* canonical JSON text of the checked answers */
	size_t answers_len;
	const char *hash;       /* SHA-256 hex of salt bytes ‖ answers (snd_answers_digest) */
	const char *salt;       /* 32 lowercase hex digits, or NULL: unsalted */
};

/* Writer side.  begin/commit wrap a batch (group commit); append assigns the
 * next rev for (qid, sub), signs the receipt with receipt_sk (claims aud,
 * sub, rev, hash, salt when there is one, iat), extends the chain and
 * inserts the row (with its salt).  On success
 * *rev gets the revision and *receipt a malloc'ed receipt token.
 * rollback undoes the batch and restores the in-memory chain head. */
enum snd_err snd_store_begin(struct snd_store *s);
enum snd_err snd_store_append(struct snd_store *s, const struct snd_submission *sub,
                              const uint8_t receipt_sk[SND_SK_BYTES], int64_t now_ms,
                              int64_t *rev, char **receipt);
enum snd_err snd_store_commit(struct snd_store *s);
enum snd_err snd_store_rollback(struct snd_store *s);
/* The most revisions append stores per (qid, sub) on this connection (0,
 * the default: no limit).  Past it append refuses with SND_ELIMIT and
 * changes nothing, so the batch around it may go on; checked against the
 * database inside the write transaction, it holds exactly whatever the
 * concurrency of the callers.  merge (import) is not limited. */
void snd_store_set_max_revisions(struct snd_store *s, int64_t max_revs);
/* append for a caller that signed the receipt itself, off the writer (the
 * collector signs on its request threads): `receipt` was made by
 * snd_receipt_sign with receipt_sk for (sub, signed_rev, now_ms).  It is
 * stored as is when signed_rev is the delegate's next rev; otherwise (a
 * guess that lost a race, or that followed a rolled-back batch) a receipt
 * for the right rev is signed here and returned in *resigned (malloc'ed;
 * NULL when `receipt` was stored).  *rev gets the rev stored either way. */
enum snd_err snd_store_append_signed(struct snd_store *s, const struct snd_submission *sub,
                                     const uint8_t receipt_sk[SND_SK_BYTES], int64_t now_ms,
                                     int64_t signed_rev, const char *receipt, int64_t *rev,
                                     char **resigned);
/* Checkpoints out of COMMIT (writers): from now on this connection does not
 * copy the WAL into the database inside the COMMIT that passes `frames`
 * WAL frames; snd_store_checkpoint_due says when it has, and
 * snd_store_checkpoint (outside a batch) runs the PASSIVE checkpoint SQLite
 * would have run, so the caller can answer the batch first. */
enum snd_err snd_store_defer_checkpoints(struct snd_store *s, int frames);
int snd_store_checkpoint_due(const struct snd_store *s);
enum snd_err snd_store_checkpoint(struct snd_store *s);
/* The receipt of a revision, as append signs it: a v4.public token with
 * claims aud (qid), sub, rev, hash, salt (when sub->salt is not NULL), iat
 * (at_ms to the second) and the footer
 * {"kid":"<PASERK pid of the key>"}.  footer: snd_receipt_footer's text for
 * this key, or NULL to build it (a hash and an allocation per call).  On
 * SND_OK *receipt is malloc'ed (the caller frees). */
enum snd_err snd_receipt_footer(const uint8_t receipt_sk[SND_SK_BYTES], char **footer);
enum snd_err snd_receipt_sign(const uint8_t receipt_sk[SND_SK_BYTES], const char *footer,
                              const struct snd_submission *sub, int64_t rev, int64_t at_ms,
                              char **receipt);

/* Reader side.  latest: the newest revision of (qid, sub) passed to cb. */
typedef int (*snd_revision_cb)(void *ctx, const struct snd_revision *r); /* nonzero stops */
enum snd_err snd_store_latest(struct snd_store *s, const char *qid, const char *sub,
                              snd_revision_cb cb, void *ctx);
/* Every delegate's latest revision for qid, in seq order. */
enum snd_err snd_store_each_latest(struct snd_store *s, const char *qid, snd_revision_cb cb, void *ctx);
/* The tally's walk since issue 12 (interface.md, "What the tally may count,
 * and checks before counting"): the rows a tally counts, in one read
 * transaction (one snapshot).  A revision made with a revoked token is not
 * counted: the delegate's newest earlier revision made with a token that
 * is not revoked counts instead (found through prior_seq; none: the
 * delegate is not counted), unless SND_WALK_INCLUDE_REVOKED.
 * SND_WALK_CHAIN walks every revision of the database in seq order instead
 * (a row with check set, r the whole row, for the caller to check its hash
 * and chain link), counting the latest ones as above; a revision counted in
 * place of a revoked one comes again, after its own check, with check 0. */
enum snd_walk_flags {
	SND_WALK_ATTRS = 1,           /* fill attrs (else "") */
	SND_WALK_INCLUDE_REVOKED = 2, /* count revisions of revoked tokens too */
	SND_WALK_CHAIN = 4,           /* every revision, in seq order */
};
struct snd_walk_row {
	const char *ent;
	const char *attrs;      /* JSON object text, or "" */
	const char *answers;    /* canonical JSON text */
	size_t answers_len;
	int64_t seq;
	const char *sub;        /* "" when the walk does not read it */
	int count;              /* the tally counts this row */
	int check;              /* SND_WALK_CHAIN: a chain row, in seq order */
	const struct snd_revision *r; /* SND_WALK_CHAIN rows: the whole row (its
	                         * revoked flag is not set); else NULL */
};
typedef int (*snd_walk_cb)(void *ctx, const struct snd_walk_row *w); /* nonzero stops */
/* *revoked (may be NULL) gets the number of delegates whose latest
 * revision was made with a revoked token (counted or not). */
enum snd_err snd_store_walk(struct snd_store *s, const char *qid, unsigned flags,
                            snd_walk_cb cb, void *ctx, int64_t *revoked);
/* snd_store_each_latest with the same rule: the revision that counts for
 * each delegate (full rows; in seq order of the latest revisions, a row
 * that stands in for a revoked one in its place).  *revoked as above. */
enum snd_err snd_store_each_counted(struct snd_store *s, const char *qid, int include_revoked,
                                    snd_revision_cb cb, void *ctx, int64_t *revoked);
/* How many delegates the roll invited to qid (distinct delegate ids of
 * role delegate); *found 0 (and *invited 0) when the database has no roll
 * for qid (no roll table, or no delegate of qid on it). */
enum snd_err snd_store_invited(struct snd_store *s, const char *qid, int64_t *invited,
                               int *found);
/* Every revision in the database, in seq order (for verify and merge). */
enum snd_err snd_store_each_revision(struct snd_store *s, snd_revision_cb cb, void *ctx);
/* A number that grows whenever a revision, a revocation or a roll entry is
 * committed (for caches). */
enum snd_err snd_store_version(struct snd_store *s, int64_t *version);

/* Revocation. */
/* Revocations form a hash chain of their own (interface.md, "Keys and
 * tokens"; docs/schema.md): seq dense from 1, prev the link of seq - 1 (64
 * zeros for the first), link = snd_revocation_link of the row.  revoke
 * appends one at the head in one transaction (its own, or the caller's
 * batch); revoking a jti again changes nothing and keeps the first time. */
struct snd_revocation {
	int64_t seq;            /* 1.. (0: a row without one, added by hand) */
	const char *jti;
	int64_t revoked_at;     /* Unix milliseconds */
	const char *prev;       /* link of seq - 1 (64 zeros for the first) */
	const char *link;
};
/* SHA-256 hex over prev "\n" seq "\n" jti "\n" revoked_at (NULL strings
 * count as empty). */
void snd_revocation_link(const struct snd_revocation *r, char out[65]);
typedef int (*snd_revocation_cb)(void *ctx, const struct snd_revocation *r); /* nonzero stops */
/* Every revocation in seq order (rows without a seq first, as seq 0). */
enum snd_err snd_store_each_revocation(struct snd_store *s, snd_revocation_cb cb, void *ctx);
enum snd_err snd_store_revoke(struct snd_store *s, const char *jti, int64_t now_ms);
enum snd_err snd_store_is_revoked(struct snd_store *s, const char *jti, int *revoked);
/* One read snapshot across several reads: the reads between begin and end
 * share one read transaction (one lock of the WAL index, and after another
 * connection's commit one re-read of the pages they need, instead of one
 * per statement).  Does nothing (*began 0) when a transaction is already
 * open; end commits only what begin began.  Hold it briefly: a snapshot
 * keeps a checkpoint from restarting the WAL. */
enum snd_err snd_store_snapshot_begin(struct snd_store *s, int *began);
void snd_store_snapshot_end(struct snd_store *s, int began);
/* Copies a whole revision row as is (for tally merge): keeps its receipt,
 * rev and times; re-links it onto this database's chain. */
enum snd_err snd_store_import(struct snd_store *s, const struct snd_revision *r);

/* Opening-time overrides: the schedule table, written by `collector open`
 * and `collector close`.  A row, when present, replaces the form's
 * opens/closes as a whole; has_opens/has_closes 0 store NULL, meaning no
 * bound on that side.  Times are Unix milliseconds.  set_window replaces
 * the row of qid (writers only); window reads it (*found 0 and every
 * out-parameter zeroed when there is none). */
enum snd_err snd_store_set_window(struct snd_store *s, const char *qid, int has_opens,
                                  int64_t opens_ms, int has_closes, int64_t closes_ms,
                                  int64_t now_ms);
enum snd_err snd_store_window(struct snd_store *s, const char *qid, int *has_opens,
                              int64_t *opens_ms, int *has_closes, int64_t *closes_ms,
                              int *found);

/* The schedule row of qid as stored (for tally merge, which copies it):
 * found 0 and the rest zero when there is none. */
struct snd_schedule {
	int found;
	int has_opens, has_closes;
	int64_t opens_ms, closes_ms;
	int64_t set_at_ms;
};
enum snd_err snd_store_schedule_get(struct snd_store *s, const char *qid,
                                    struct snd_schedule *out);

/* When a questionnaire accepts answers, in Unix seconds (override times
 * are floored to the second). */
struct snd_window {
	int64_t opens, closes;
	int has_opens, has_closes;
	int overridden;          /* from the schedule table, not the form */
	int64_t set_at_ms;       /* when the override was set (0: none) */
};
/* The form's own window (form.c, with snd_window_is_open). */
void snd_form_window(const struct snd_form *f, struct snd_window *w);
/* The effective window: the schedule row of f->id if any, else f's. */
enum snd_err snd_store_effective_window(struct snd_store *s, const struct snd_form *f,
                                        struct snd_window *w);
/* SND_OK when open at `now` (Unix seconds), else SND_ECLOSED; the same
 * rule as snd_form_is_open. */
enum snd_err snd_window_is_open(const struct snd_window *w, int64_t now);

/* The newest stored version of every questionnaire, by id (source is the
 * form file's text, valid during the callback). */
typedef int (*snd_form_row_cb)(void *ctx, const char *qid, const char *source, size_t len,
                               int64_t stored_at_ms); /* nonzero stops */
enum snd_err snd_store_each_form(struct snd_store *s, snd_form_row_cb cb, void *ctx);
/* How many delegates have answered qid, and how many revisions it holds. */
enum snd_err snd_store_counts(struct snd_store *s, const char *qid, int64_t *delegates,
                              int64_t *revisions);

/* The roll (store_roll.c): who was invited, one row per issued link, never
 * the token.  Written by `collector issue --db` and `collector roll
 * import`; read by revoke --sub, mail and turnout. */
struct snd_roll_entry {
	const char *qid;
	const char *sub;        /* delegate id as issued (the token's sub) */
	const char *ent;
	const char *attrs;      /* JSON object text of string attributes */
	const char *role;       /* "delegate" or "chair" */
	const char *jti;        /* unique across the roll */
	int64_t expires;        /* the token's exp, Unix seconds */
	const char *email;      /* "" when unknown */
	const char *lang;       /* "" when unknown */
	int64_t issued_at;      /* Unix milliseconds */
	/* Read side only (snd_store_roll_each); ignored by roll_add. */
	int revoked;            /* this jti is revoked */
	int answered;           /* a revision was stored with this jti, or
	                         * (attributed) by this delegate */
};
/* Adds one link to the roll (writers; inside a batch for all-or-nothing).
 * Every text is checked (UTF-8, no control characters, within the claim
 * caps; attrs a JSON object of strings) before a statement runs.  An
 * existing row with the same jti and the same qid, sub, ent, attrs, role,
 * expires, email and lang is no change (*added = 0); one that differs is
 * SND_EEXIST with the differing field in the error.  *added = 1 for a new
 * row.  issued_at is not compared (the first one is kept). */
enum snd_err snd_store_roll_add(struct snd_store *s, const struct snd_roll_entry *e,
                                int *added);
/* Every roll row of qid (of one delegate when sub is not NULL), ordered by
 * sub then newest issued first; rows valid during cb only.  Nonzero from
 * cb stops the walk (SND_OK). */
typedef int (*snd_roll_cb)(void *ctx, const struct snd_roll_entry *e);
enum snd_err snd_store_roll_each(struct snd_store *s, const char *qid, const char *sub,
                                 snd_roll_cb cb, void *ctx);
/* Turnout's walk of the roll: every link of role delegate of qid, ordered
 * as snd_store_roll_each (by sub, newest issued first), with answered
 * meaning "a revision of qid was made with a link that is not revoked":
 * this link, or, when attributed (stored sub = delegate id), any link of
 * the same delegate; revoked as in roll_each.  *found 0 when the database
 * has no roll for qid (no roll table, or no delegate link of qid).  One
 * statement, one snapshot; O(revisions of qid) once per walk. */
enum snd_err snd_store_roll_turnout(struct snd_store *s, const char *qid, int attributed,
                                    snd_roll_cb cb, void *ctx, int *found);
/* The mail log: record_mail notes a message an SMTP server accepted
 * (kind "invite" or "remind"; writers); mail_count says how many of kind
 * were recorded for (qid, sub). */
enum snd_err snd_store_mail_record(struct snd_store *s, const char *qid, const char *sub,
                                   const char *kind, const char *message_id, int64_t now_ms);
enum snd_err snd_store_mail_count(struct snd_store *s, const char *qid, const char *sub,
                                  const char *kind, int64_t *count);

/* The chair's record (store_record.c): dispositions of objections and
 * outcome statements of questions, each a row of its own hash chain (the
 * record table; docs/schema.md).  Rows are only ever added: the latest row
 * per (qid, kind, question, entity) is the one that counts. */
enum snd_record_kind { SND_REC_DISPOSITION, SND_REC_OUTCOME, SND_REC__MAX };
extern const char *const snd_record_kind_names[SND_REC__MAX];
enum snd_disposition { SND_DISP_OPEN, SND_DISP_ADDRESSED, SND_DISP_NOTED, SND_DISP_RESOLVED,
                       SND_DISP__MAX };
extern const char *const snd_disposition_names[SND_DISP__MAX];
/* The longest note or outcome text, in bytes. */
#define SND_RECORD_TEXT_MAX 4000

/* One record.  Strings are owned by whoever made the struct: rows handed to
 * a callback are valid only during it. */
struct snd_record {
	int64_t seq;            /* position in the record chain, 1.. */
	enum snd_record_kind kind;
	const char *qid;
	const char *question;   /* a question id of the questionnaire */
	const char *entity;     /* dispositions: the objecting entity ("" on a
	                         * pseudonymous questionnaire); outcomes: "" */
	const char *status;     /* dispositions: snd_disposition_names; outcomes: "" */
	const char *text;       /* the note, or the outcome statement (may be "") */
	const char *by;         /* the chair's id (the token's sub) */
	int64_t at;             /* Unix milliseconds */
	const char *prev;       /* link of record seq - 1 (64 zeros for the first) */
	const char *link;       /* SHA-256 hex chain link of this record */
};
/* The chain link of a record: SHA-256 hex over prev "\n" kind "\n" qid "\n"
 * question "\n" entity "\n" status "\n" by "\n" at "\n" text (the one
 * field that may hold a newline comes last; NULL strings count as empty). */
void snd_record_link(const struct snd_record *r, char out[65]);
/* Checks a record's fields before anything is stored: kind and status,
 * question (1..SND_ID_MAX bytes), entity and by (valid UTF-8 without
 * control characters, at most SND_CLAIM_MAX_LEN bytes; entity empty for an
 * outcome), text (valid UTF-8, at most SND_RECORD_TEXT_MAX bytes).  0 ok;
 * else -1 with *field naming the first bad one ("question", "entity",
 * "status", "note" or "text", "by"). */
int snd_record_check(const struct snd_record *r, const char **field);
/* Appends r at the head of the record chain (writers; inside the caller's
 * batch, or in a transaction of its own when none is open).  Sets r->seq,
 * r->prev (NULL afterwards: the previous link is not kept) and copies the
 * new link into link_out (r->link points at it).  SND_EINVAL when
 * snd_record_check refuses r, with nothing written. */
enum snd_err snd_store_record_add(struct snd_store *s, struct snd_record *r, char link_out[65]);
typedef int (*snd_record_cb)(void *ctx, const struct snd_record *r); /* nonzero stops */
/* Every record in the database, in seq order (for verify). */
enum snd_err snd_store_each_record(struct snd_store *s, snd_record_cb cb, void *ctx);
/* The latest record of kind per key of questionnaire qid, ordered by
 * question then entity (bytes). */
enum snd_err snd_store_each_latest_record(struct snd_store *s, const char *qid,
                                          enum snd_record_kind kind, snd_record_cb cb,
                                          void *ctx);
/* The latest disposition of each (question, entity) of qid: for the
 * objection register (`tally trend`, the chair page). */
enum snd_err snd_store_each_disposition(struct snd_store *s, const char *qid, snd_record_cb cb,
                                        void *ctx);
/* The summary's "dispositions" ([{question, entity, status, note, by, at}])
 * and "outcomes" ([{question, text, by, at}]) of f, latest per key, in form
 * order of the questions (a question the form no longer has goes last),
 * then by entity; at as RFC 3339.  Entities are left out on pseudonymous
 * questionnaires.  Both are new arrays the caller deletes. */
enum snd_err snd_record_json(struct snd_store *s, const struct snd_form *f, cJSON **dispositions,
                             cJSON **outcomes);
/* Drafts (store_draft.c): a delegate's partial answers, one per (qid, sub),
 * outside the hash chain and never counted.  put_draft replaces the row in
 * its own transaction, committed before it returns (a writer connection,
 * outside a batch); answers is the canonical JSON of checked answers.
 * draft reads it: *found 0 when there is none, else *answers malloc'ed
 * (NUL-terminated, the caller frees), *len and *saved_at_ms (Unix ms) set.
 * A committed append deletes its delegate's draft. */
enum snd_err snd_store_put_draft(struct snd_store *s, const char *qid, const char *sub,
                                 const char *answers, size_t len, int64_t saved_at_ms);
enum snd_err snd_store_draft(struct snd_store *s, const char *qid, const char *sub,
                             char **answers, size_t *len, int64_t *saved_at_ms, int *found);

/* Pseudonym of a delegate for a questionnaire: hex of keyed BLAKE2b-128 of
 * "qid\nsub" under a key derived from the receipt secret key. */
void snd_pseudonym(const uint8_t receipt_sk[SND_SK_BYTES], const char *qid, const char *sub,
                   char out[33]);

#endif /* SOUNDING_STORE_H */
