/* A main for the fuzz harnesses in builds without libFuzzer (gcc): runs the
 * harness once on each file given, and on each file of each folder given,
 * so that the seed corpora and the saved crashes are replayed by every
 * build's ctest. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;
	int rc = -1;

	if (file == NULL || fseek(file, 0, SEEK_END) < 0 || (size = ftell(file)) < 0 ||
	    fseek(file, 0, SEEK_SET) < 0)
		goto out;
	/* exactly size bytes (at least one for malloc), so that a read past the
	 * input's end is an error under AddressSanitizer */
	data = malloc(size > 0 ? (size_t)size : 1);
	if (data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size)
		goto out;
	LLVMFuzzerTestOneInput(data, (size_t)size);
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
	free(data);
	if (file != NULL)
		fclose(file);
	return rc;
}

/* Replays path, a file or a folder of files (not recursive). Returns the
 * count of inputs replayed, or -1. */
static long replay(const char *path)
{
	struct stat info;
	struct dirent *entry;
	DIR *dir;
	long count = 0;

	if (stat(path, &info) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(info.st_mode))
		return replay_file(path) < 0 ? -1 : 1;
	dir = opendir(path);
	if (dir == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((entry = readdir(dir)) != NULL) {
		char child[4096];

		if (entry->d_name[0] == '.')
			continue;
		snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
		if (stat(child, &info) < 0 || !S_ISREG(info.st_mode))
			continue;
		if (replay_file(child) < 0) {
			count = -1;
			break;
		}
		count++;
	}
	closedir(dir);
	return count;
}

int main(int argc, char **argv)
{
	long total = 0;

	for (int i = 1; i < argc; i++) {
		long count = replay(argv[i]);

		if (count < 0)
			return 1;
		total += count;
	}
	printf("replayed %ld inputs: every property held\n", total);
	return 0;
}
