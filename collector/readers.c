/* readers.c - the per-thread connections to the database (srv.h): one
 * read connection per thread, and, on the threads that save drafts, one
 * write connection for those saves.
 *
 * Invariants:
 *   1. A thread opens at most one read connection (srv_reader, on first
 *      use) and uses only its own: SQLite connections are not shared
 *      between threads here.
 *   2. Every connection opened is in the readers list, so that
 *      srv_readers_close can close them all once their threads have stopped.
 */
#include "srv.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snd_store **readers;
static size_t nreaders, readers_cap;
static _Thread_local struct snd_store *tl_reader, *tl_drafter;

/* This thread's connection of that mode in *tl, opened on first use. */
static struct snd_store *thread_store(struct srv *s, enum snd_store_mode mode,
                                      struct snd_store **tl)
{
	struct snd_store *st = NULL;
	char err[256];
	if (*tl != NULL)
		return *tl;
	if (snd_store_open(s->db_path, mode, &st, err, sizeof err) != SND_OK) {
		snd_log(SND_LOG_ERROR, "cannot open a %s connection: %s",
		        mode == SND_STORE_READ ? "read" : "draft", err);
		return NULL;
	}
	pthread_mutex_lock(&readers_lock);
	if (nreaders == readers_cap) {
		size_t ncap = readers_cap ? readers_cap * 2 : 16;
		struct snd_store **n = realloc(readers, ncap * sizeof *n);
		if (n == NULL) {
			pthread_mutex_unlock(&readers_lock);
			snd_store_close(st);
			return NULL;
		}
		readers = n;
		readers_cap = ncap;
	}
	readers[nreaders++] = st;
	pthread_mutex_unlock(&readers_lock);
	*tl = st;
	return st;
}

struct snd_store *srv_reader(struct srv *s)
{
	return thread_store(s, SND_STORE_READ, &tl_reader);
}

struct snd_store *srv_drafter(struct srv *s)
{
	return thread_store(s, SND_STORE_WRITE, &tl_drafter);
}

void srv_readers_close(void)
{
	size_t i;
	pthread_mutex_lock(&readers_lock);
	for (i = 0; i < nreaders; i++)
		snd_store_close(readers[i]);
	free(readers);
	readers = NULL;
	nreaders = readers_cap = 0;
	pthread_mutex_unlock(&readers_lock);
}
