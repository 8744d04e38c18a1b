/* Fuzzes the query of GET /logs (rotlog_query_*). The input is the query
 * as libmicrohttpd hands it over once decoded: arguments separated by '&',
 * each cut at its first '=' (none: no value); a decoded %00 is a NUL byte
 * inside a key or value. Each key and value gets its own allocation of its
 * exact size, not NUL-terminated, so a read past it is caught. Properties:
 * no argument is today's file; a day is given only for exactly one
 * date=YYYY-MM-DD, and its archive name is "cashdrawer.log." followed by
 * exactly those 10 bytes (no path can be smuggled into the name). */
#include "fuzz.h"
#include "log/rotlog.h"

#define ARGUMENTS_MAX 64

static char *piece(const uint8_t *start, size_t size)
{
	char *copy = malloc(size > 0 ? size : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, start, size);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *keys[ARGUMENTS_MAX], *values[ARGUMENTS_MAX];
	size_t key_sizes[ARGUMENTS_MAX], value_sizes[ARGUMENTS_MAX], count = 0;
	struct rotlog_query query;
	struct rotlog_date date = {0};
	enum rotlog_query_result result;
	char name[ROTLOG_ARCHIVE_NAME_MAX + 8];

	/* an empty query string has no argument */
	for (size_t start = 0; size > 0 && start <= size && count < ARGUMENTS_MAX; count++) {
		const uint8_t *amp = memchr(data + start, '&', size - start);
		size_t end = amp != NULL ? (size_t)(amp - data) : size;
		const uint8_t *eq = memchr(data + start, '=', end - start);
		size_t key_end = eq != NULL ? (size_t)(eq - data) : end;

		key_sizes[count] = key_end - start;
		keys[count] = piece(data + start, key_sizes[count]);
		values[count] = eq != NULL ? piece(eq + 1, end - key_end - 1) : NULL;
		value_sizes[count] = eq != NULL ? end - key_end - 1 : 0;
		start = end + 1;
	}
	rotlog_query_init(&query);
	for (size_t i = 0; i < count; i++)
		rotlog_query_add(&query, keys[i], key_sizes[i], values[i], value_sizes[i]);
	result = rotlog_query_result(&query, &date);
	FUZZ_CHECK(result <= ROTLOG_QUERY_BAD_DATE, "result %d", (int)result);
	FUZZ_CHECK((result == ROTLOG_QUERY_TODAY) == (count == 0), "%zu arguments: result %d", count,
		   (int)result);
	FUZZ_CHECK((result == ROTLOG_QUERY_BAD_QUERY) ==
			   (count > 1 || (count == 1 && (key_sizes[0] != 4 ||
							 memcmp(keys[0], "date", 4) != 0))),
		   "bad query %d for %zu arguments", result == ROTLOG_QUERY_BAD_QUERY, count);
	if (result == ROTLOG_QUERY_DAY) {
		FUZZ_CHECK(values[0] != NULL && value_sizes[0] == 10, "a day from a %zu-byte value",
			   value_sizes[0]);
		rotlog_archive_name(name, sizeof name, date);
		FUZZ_CHECK(strlen(name) == sizeof ROTLOG_BASENAME + 10 &&
				   strncmp(name, ROTLOG_BASENAME ".", sizeof ROTLOG_BASENAME) == 0 &&
				   memcmp(name + sizeof ROTLOG_BASENAME, values[0], 10) == 0,
			   "date=%.10s names the file '%s'", values[0], name);
		FUZZ_CHECK(rotlog_is_archive_name(name, NULL), "'%s' is no archive name", name);
	}
	for (size_t i = 0; i < count; i++) {
		free(keys[i]);
		free(values[i]);
	}
	return 0;
}
