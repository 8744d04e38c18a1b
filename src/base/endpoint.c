/* The endpoint table (see endpoint.h). */
#include "base/endpoint.h"

#include <stdio.h>
#include <string.h>

#define ENDPOINT_ROW(name, path_, protection_, methods_, max_body_, answers_)               \
	[ENDPOINT_##name] = {.path = path_,                                                 \
			     .protection = ENDPOINT_##protection_,                          \
			     .methods = methods_,                                           \
			     .max_body = max_body_,                                         \
			     .answers = ENDPOINT_##answers_},
const struct endpoint_info endpoint_table[ENDPOINT_COUNT] = {
	ENDPOINTS(ENDPOINT_ROW)[ENDPOINT_OTHER] = {.path = "other", .protection = ENDPOINT_NETWORK},
};
#undef ENDPOINT_ROW

enum endpoint endpoint_of_path(const char *path)
{
	for (int i = 0; path != NULL && i < ENDPOINT_OTHER; i++)
		if (strcmp(path, endpoint_table[i].path) == 0)
			return (enum endpoint)i;
	return ENDPOINT_OTHER;
}

static const struct {
	const char *name;
	unsigned bit;
} methods[] = {
	{"GET", ENDPOINT_GET},
	{"HEAD", ENDPOINT_HEAD},
	{"OPTIONS", ENDPOINT_OPTIONS},
	{"POST", ENDPOINT_POST},
};

unsigned endpoint_method_of(const char *method)
{
	for (size_t i = 0; method != NULL && i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(method, methods[i].name) == 0)
			return methods[i].bit;
	return 0;
}

void endpoint_allow(enum endpoint endpoint, char *buf, size_t size)
{
	unsigned set = endpoint_table[endpoint < ENDPOINT_COUNT ? endpoint : ENDPOINT_OTHER].methods;
	size_t used = 0;

	if (size > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof methods / sizeof methods[0] && used < size; i++)
		if (set & methods[i].bit)
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 used > 0 ? ", " : "", methods[i].name);
}

void endpoint_list(char *buf, size_t size)
{
	size_t used = 0;

	if (size > 0)
		buf[0] = '\0';
	for (int i = 0; i < ENDPOINT_OTHER && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i > 0 ? ", " : "",
					 endpoint_table[i].path);
}

bool endpoint_query_flag(bool present, const char *value)
{
	static const char *const off[] = {"false", "0", "no", "off"};

	if (!present)
		return false;
	for (size_t i = 0; value != NULL && i < sizeof off / sizeof off[0]; i++)
		if (strcmp(value, off[i]) == 0)
			return false;
	return true;
}
