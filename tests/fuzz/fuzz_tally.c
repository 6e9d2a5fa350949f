/* fuzz_tally.c - libFuzzer: the tally's reading of stored answers.
 *
 * The tally decodes each stored answers text with a strict scanner and falls
 * back to cJSON for anything the scanner does not expect; a row that fits
 * neither is skipped.  Stored text normally comes from the collector's
 * writer, but a database can be edited or damaged, so the reader must hold
 * against any bytes.  Each input becomes the answers column of the latest
 * revision of one of three delegates (two entities) in a real store on the
 * LSG questionnaire; the harness then runs the summary with both weightings
 * and a breakdown (as a tree, and streamed with its texts spilled to a
 * temporary file in runs of 64 bytes), and the turnout.  Properties: never
 * a crash or a failed call on damaged rows, and the summary always counts
 * at most 3 responses.
 */
#include "sounding.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef SND_SOURCE_DIR
#define SND_SOURCE_DIR "."
#endif

static struct snd_form *form;
static struct snd_store *store;
static sqlite3 *raw;
static sqlite3_stmt *upd;
static char dir[] = "/tmp/snd-fuzz-tally-XXXXXX";

/* Leaves no temporary database behind (ctest replays this harness). */
static void cleanup(void)
{
	static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm"};
	char p[128];
	size_t i;
	sqlite3_finalize(upd);
	sqlite3_close(raw);
	snd_store_close(store);
	snd_form_free(form);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void setup(void)
{
	char db[128], err[256];
	uint8_t pk[SND_PK_BYTES], sk[SND_SK_BYTES];
	static const char *const subs[3] = {"d1", "d2", "d3"};
	static const char *const ents[3] = {"Entity A", "Entity A", "Entity B"};
	static const char answers[] = "{\"now\":\"coordination\"}";
	char hex[65];
	int64_t rev;
	size_t i;

	if (snd_form_load(SND_SOURCE_DIR "/forms/lsg-review.json", &form, NULL) != SND_OK)
		abort();
	snd_log_set_level(SND_LOG_ERROR); /* skipped rows are expected here */
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(db, sizeof db, "%s/t.db", dir);
	if (snd_store_open(db, SND_STORE_WRITE, &store, err, sizeof err) != SND_OK ||
	    snd_store_put_form(store, form) != SND_OK || snd_keypair(pk, sk) != SND_OK)
		abort();
	snd_sha256_hex(answers, sizeof answers - 1, hex);
	if (snd_store_begin(store) != SND_OK)
		abort();
	for (i = 0; i < 3; i++) {
		struct snd_submission s = {
			.qid = form->id, .sub = subs[i], .ent = ents[i],
			.attrs = "{\"region\":\"EUR\",\"sg\":\"SG2;SG13\"}", .jti = subs[i],
			.answers = answers, .answers_len = sizeof answers - 1, .hash = hex,
		};
		char *receipt = NULL;
		if (snd_store_append(store, &s, sk, 1769414400000 + (int64_t)i, &rev, &receipt) !=
		    SND_OK)
			abort();
		free(receipt);
	}
	if (snd_store_commit(store) != SND_OK)
		abort();
	/* A second connection edits rows behind the store's back, as a damaged
	 * or hand-edited file would look. */
	if (sqlite3_open(db, &raw) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw, "UPDATE revision SET answers = ?1 WHERE seq = ?2", -1, &upd,
	                       NULL) != SQLITE_OK)
		abort();
}

static void summary(const struct snd_tally_opts *o)
{
	cJSON *out = NULL, *n;
	char err[256];
	struct snd_tally *t = NULL;
	FILE *sink;
	if (snd_tally_summary(store, form, o, &out, err, sizeof err) != SND_OK)
		abort(); /* damaged rows are skipped, never fatal */
	n = cJSON_GetObjectItemCaseSensitive(out, "responses");
	if (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble > 3)
		abort();
	cJSON_Delete(out);
	/* The streamed JSON, with the kept texts spilled in tiny sorted runs. */
	if (snd_tally_run(store, form, o, 64, &t, err, sizeof err) != SND_OK ||
	    (sink = fopen("/dev/null", "w")) == NULL)
		abort();
	if (snd_tally_write_json(t, sink) != SND_OK)
		abort();
	fclose(sink);
	snd_tally_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snd_tally_opts by_delegate = {NULL, SND_WEIGHT_DELEGATE};
	struct snd_tally_opts by_entity = {"region", SND_WEIGHT_ENTITY};
	cJSON *turnout = NULL;
	char err[256];
	if (store == NULL)
		setup();
	if (size > 65536)
		return 0;
	/* Damage delegate 1 or 2 (the input's first byte picks which); text is
	 * bound as given, NUL bytes and invalid UTF-8 included. */
	sqlite3_bind_text(upd, 1, (const char *)data, (int)size, SQLITE_TRANSIENT);
	sqlite3_bind_int64(upd, 2, size > 0 && (data[0] & 1) ? 2 : 1);
	if (sqlite3_step(upd) != SQLITE_DONE)
		abort();
	sqlite3_reset(upd);
	summary(&by_delegate);
	summary(&by_entity);
	if (snd_tally_turnout(store, form, &turnout, err, sizeof err) != SND_OK)
		abort();
	cJSON_Delete(turnout);
	return 0;
}
