/* CORS preflight answers (pure): the Access-Control-Allow-Headers list. */
#include "admission/cors.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const always[] = {"Content-Type", "Authorization"};
static const char *const safe[] = {"accept",        "accept-language", "content-language",
				   "cache-control", "pragma",          "x-requested-with",
				   "content-type",  "authorization"};

static bool is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static bool in_list(const char *const *list, size_t count, const char *name, size_t len)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], name, len) == 0)
			return true;
	return false;
}

void cors_allow_headers(const char *requested, char *out, size_t size)
{
	const char *added[sizeof safe / sizeof safe[0]];
	size_t added_len[sizeof safe / sizeof safe[0]], added_count = 0, used;
	const char *p = requested;

	if (size == 0)
		return;
	used = (size_t)snprintf(out, size, "%s, %s", always[0], always[1]);
	while (p != NULL && *p != '\0') {
		size_t len;
		bool keep;

		p += strspn(p, " \t,");
		len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		keep = len > 0 && in_list(safe, sizeof safe / sizeof safe[0], p, len) &&
		       !in_list(always, 2, p, len);
		for (size_t i = 0; keep && i < len; i++)
			keep = is_token_char(p[i]);
		for (size_t i = 0; keep && i < added_count; i++)
			keep = !(added_len[i] == len && strncasecmp(added[i], p, len) == 0);
		if (keep && used + len + 2 < size) {
			used += (size_t)snprintf(out + used, size - used, ", %.*s", (int)len, p);
			added[added_count] = p;
			added_len[added_count++] = len;
		}
		p += strcspn(p, ",");
	}
}
