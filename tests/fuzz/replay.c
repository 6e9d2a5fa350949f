/* replay.c - runs a libFuzzer harness's entry point without libFuzzer, on
 * files or on every file of directories (in name order), so that ctest
 * replays each harness's regression inputs (tests/fuzz/regressions/<harness>/)
 * and seed corpus (tests/fuzz/corpus/<harness>/) in every build, with the
 * compiler and sanitizers of that build.  A harness reports a failed
 * property with abort(), which fails the test.  A missing directory counts
 * as empty. */
#include "sounding.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int one(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	uint8_t *copy;
	if (snd_read_file(path, (size_t)16 << 20, &data, &len) != SND_OK) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return -1;
	}
	/* an exact-size copy, so ASan sees reads past the end of the input */
	copy = malloc(len ? len : 1);
	if (copy == NULL) {
		free(data);
		return -1;
	}
	memcpy(copy, data, len);
	free(data);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

int main(int argc, char **argv)
{
	size_t total = 0;
	int i, bad = 0;
	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;
		char **names = NULL;
		size_t n = 0, cap = 0, k;
		if (stat(argv[i], &st) != 0)
			continue; /* no such directory yet: nothing to replay */
		if (!S_ISDIR(st.st_mode)) {
			bad |= one(argv[i]) != 0;
			total++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL)
			return 2;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			if (n == cap) {
				char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
				if (nn == NULL)
					return 2;
				names = nn;
			}
			if ((names[n++] = strdup(e->d_name)) == NULL)
				return 2;
		}
		closedir(d);
		qsort(names, n, sizeof *names, by_name);
		for (k = 0; k < n; k++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[i], names[k]);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				bad |= one(path) != 0;
				total++;
			}
			free(names[k]);
		}
		free(names);
	}
	printf("replayed %zu input(s)\n", total);
	return bad ? 1 : 0;
}
