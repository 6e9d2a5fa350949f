/* readers.c - the per-thread read connections to the database (srv.h).
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
static _Thread_local struct snd_store *tl_reader;

struct snd_store *srv_reader(struct srv *s)
{
	struct snd_store *st = NULL;
	char err[256];
	if (tl_reader != NULL)
		return tl_reader;
	if (snd_store_open(s->db_path, SND_STORE_READ, &st, err, sizeof err) != SND_OK) {
		snd_log(SND_LOG_ERROR, "cannot open a read connection: %s", err);
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
	tl_reader = st;
	return st;
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
