/* verify_chains.c - `tally verify`'s walks of the two side chains: the
 * chair's record (dispositions, outcomes) and the revocations, each its own
 * hash chain (seq dense from 1, prev = the link of seq - 1, link recomputed
 * from the fields); and the terminal-safe copy of stored text that every
 * message of verify.c uses.
 *
 * Invariants:
 *   1. A walk only reads and reports: every problem is one line on stderr
 *      naming the row (seq, kind or token id) and counted in v->problems.
 *   2. Stored text reaches the terminal only through verify_safe (control
 *      characters become '?').
 */
#include "tally.h"

#include <stdio.h>
#include <string.h>

/* Copies s for a terminal: control characters become '?'. */
void verify_safe(char *dst, size_t n, const char *s)
{
	size_t i = 0;
	if (s == NULL)
		s = "(null)";
	for (; *s && i + 1 < n; s++, i++)
		dst[i] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	dst[i] = '\0';
}


static void rproblem(struct rverify *v, const struct snd_record *r, const char *what)
{
	char q[80], k[16];
	verify_safe(q, sizeof q, r->question);
	verify_safe(k, sizeof k, (unsigned)r->kind < SND_REC__MAX ? snd_record_kind_names[r->kind] : "?");
	fprintf(stderr, "tally: record %lld (%s, %s): %s\n", (long long)r->seq, k, q, what);
	v->problems++;
}

int verify_record(void *ctx, const struct snd_record *r)
{
	struct rverify *v = ctx;
	char link[65], m[160];
	const char *field;
	v->n++;
	if (r->seq != v->last_seq + 1) {
		snprintf(m, sizeof m, "follows record %lld: %lld record(s) are missing (deleted)",
		         (long long)v->last_seq, (long long)(r->seq - v->last_seq - 1));
		rproblem(v, r, m);
	}
	if (strcmp(r->prev ? r->prev : "", v->last_link) != 0)
		rproblem(v, r, "its prev is not the link of the record before it (a record was "
		               "removed or altered)");
	snd_record_link(r, link);
	if (strcmp(link, r->link ? r->link : "") != 0)
		rproblem(v, r, "its link does not match its fields (the record was altered)");
	if ((unsigned)r->kind >= SND_REC__MAX || snd_record_check(r, &field) != 0) {
		snprintf(m, sizeof m, "its %s is malformed",
		         (unsigned)r->kind >= SND_REC__MAX ? "kind" : field);
		rproblem(v, r, m);
	}
	v->last_seq = r->seq;
	snprintf(v->last_link, sizeof v->last_link, "%s", r->link ? r->link : "");
	return 0;
}


static void kproblem(struct kverify *v, const struct snd_revocation *k, const char *what)
{
	char j[80];
	verify_safe(j, sizeof j, k->jti);
	fprintf(stderr, "tally: revocation %lld (%s): %s\n", (long long)k->seq, j, what);
	v->problems++;
}

int verify_revocation(void *ctx, const struct snd_revocation *k)
{
	struct kverify *v = ctx;
	char link[65], m[160];
	v->n++;
	if (k->seq != v->last_seq + 1) {
		if (k->seq > v->last_seq + 1)
			snprintf(m, sizeof m, "follows revocation %lld: %lld revocation(s) are missing "
			         "(deleted)", (long long)v->last_seq,
			         (long long)(k->seq - v->last_seq - 1));
		else
			snprintf(m, sizeof m, "its sequence number is out of order (after %lld; a "
			         "revocation added outside the chain)", (long long)v->last_seq);
		kproblem(v, k, m);
	}
	if (strcmp(k->prev ? k->prev : "", v->last_link) != 0)
		kproblem(v, k, "its prev is not the link of the revocation before it (a revocation "
		               "was removed or altered)");
	snd_revocation_link(k, link);
	if (strcmp(link, k->link ? k->link : "") != 0)
		kproblem(v, k, "its link does not match its fields (the revocation was altered)");
	if (k->jti == NULL || k->jti[0] == '\0')
		kproblem(v, k, "its token id is empty");
	v->last_seq = k->seq;
	snprintf(v->last_link, sizeof v->last_link, "%s", k->link ? k->link : "");
	if (v->want_head && v->head_seq == 0 && k->link && strcmp(k->link, v->want_head) == 0)
		v->head_seq = k->seq;
	return 0;
}
