/* What every fuzz harness shares: the libFuzzer entry point, the check that
 * turns a broken property into a crash, and a few helpers on inputs. */
#ifndef CASHDRAWERD_FUZZ_H
#define CASHDRAWERD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Called by libFuzzer (or by replay.c in builds without it) once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold: when it does not, say which and abort, which
 * libFuzzer reports as a crash and saves the input. */
#define FUZZ_CHECK(condition, ...)                                                          \
	do {                                                                                \
		if (!(condition)) {                                                         \
			fprintf(stderr, "%s:%d: property failed: %s: ", __FILE__, __LINE__, \
				#condition);                                                \
			fprintf(stderr, __VA_ARGS__);                                       \
			fputc('\n', stderr);                                                \
			abort();                                                            \
		}                                                                           \
	} while (0)

/* The input as a C string in its own allocation (cut at its first NUL), so
 * that AddressSanitizer sees any read past its end. Free it. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

/* A copy of text with ASCII letters upper-cased (upper) or lower-cased. */
static inline char *fuzz_recase(const char *text, int upper)
{
	size_t len = strlen(text);
	char *copy = malloc(len + 1);

	if (copy == NULL)
		abort();
	for (size_t i = 0; i <= len; i++) {
		char c = text[i];

		if (upper && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!upper && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		copy[i] = c;
	}
	return copy;
}

/* True when buf holds a NUL within size bytes. */
static inline int fuzz_terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

#endif
