/* kept.h - internal to libsounding: the tally's kept texts (objection
 * reasons and comments), sorted for output without holding them all.
 *
 * Owns: the items (scope, question, entity, text) the tally keeps, their
 * order - by scope, question, then entity and text as strcmp orders them -
 * and, in spill mode, a temporary file of sorted runs merged on the way out
 * (an external merge sort).  See kept.c for the invariants.
 *
 * Not part of the public interface: only core/ includes this file.
 */
#ifndef SND_KEPT_H
#define SND_KEPT_H

#include <stddef.h>
#include <stdint.h>

struct kept_run;

#define KEPT_ENOMEM 1
#define KEPT_EIO 2

struct kept_store {
	/* the buffer being filled: records, and their offsets */
	unsigned char *buf;
	size_t len, cap;
	uint64_t *idx;          /* offsets into buf (sorted at a spill) */
	size_t n, capidx;
	size_t budget;          /* 0: never spill (everything stays in memory) */
	/* sorted runs: the spilled ones in the file, the last one in buf */
	struct kept_run *runs;
	size_t nruns, capruns;
	int fd;                 /* the temporary file, -1 until the first spill */
	uint64_t fsize;
	int finished;
	int err;                /* sticky: 0, KEPT_ENOMEM or KEPT_EIO */
	unsigned char *scratch; /* merge: one buffer per run */
};

/* budget: bytes of records held in memory before a sorted run is written
 * to a temporary file in $TMPDIR (or /tmp); 0 keeps everything in memory
 * and never touches the file system (the collector's sandbox has none). */
void kept_init(struct kept_store *k, size_t budget);
void kept_free(struct kept_store *k);

/* Adds one item; the strings are copied (ent may be NULL: pseudonymous).
 * 0, or -1 when out of memory or the spill failed (k->err is set and
 * every later call fails too). */
int kept_add(struct kept_store *k, uint32_t scope, uint32_t q, const char *ent, size_t entlen,
             const char *text, size_t textlen);

/* Ends adding: sorts what is in memory.  0 or -1. */
int kept_finish(struct kept_store *k);

/* Calls cb for each item of (scope, q) in order, with NUL-terminated
 * strings (ent "" when none) and their lengths, valid during the call.  Returns -1 on an
 * error reading the spill (k->err set), the callback's nonzero value when
 * it stops, else 0.  Any (scope, q) order; kept_finish must have run. */
typedef int (*kept_cb)(void *ctx, const char *ent, size_t entlen, const char *text,
                       size_t textlen);
int kept_each(struct kept_store *k, uint32_t scope, uint32_t q, kept_cb cb, void *ctx);

/* Number of items of (scope, q). */
size_t kept_count(const struct kept_store *k, uint32_t scope, uint32_t q);

#endif
