/* Fuzzes web origins: origin_normalize (allowed_origins, Origin headers),
 * origin_from_url (Referer) and origin_host_is_loopback (Host). Properties:
 * a normalised origin is lower-case, keeps no default port and normalises
 * to itself; each function gives the same answer whatever the case of the
 * input; an origin is also a URL with that origin; a loopback Host really
 * names 127.0.0.0/8, ::1, ::ffff:127.x.x.x or localhost. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include "fuzz.h"
#include "admission/origin.h"

static void check_normalised(const char *origin, const char *from)
{
	char again[ORIGIN_MAX];
	const char *authority = strstr(origin, "://");
	size_t len = strlen(origin);

	FUZZ_CHECK(authority != NULL && authority[3] != '\0', "'%s' from '%s' has no host", origin,
		   from);
	for (const char *c = origin; *c != '\0'; c++)
		FUZZ_CHECK(!(*c >= 'A' && *c <= 'Z'), "'%s' from '%s' is not lower-case", origin,
			   from);
	FUZZ_CHECK(strpbrk(authority + 3, "/?#@") == NULL, "'%s' from '%s' is more than an origin",
		   origin, from);
	FUZZ_CHECK(!(strncmp(origin, "http://", 7) == 0 && len > 3 &&
		     strcmp(origin + len - 3, ":80") == 0) &&
			   !(strncmp(origin, "https://", 8) == 0 && len > 4 &&
			     strcmp(origin + len - 4, ":443") == 0),
		   "'%s' from '%s' keeps its default port", origin, from);
	FUZZ_CHECK(origin_normalize(origin, again, sizeof again, NULL, 0) == 0 &&
			   strcmp(origin, again) == 0,
		   "'%s' from '%s' normalises to '%s'", origin, from, again);
}

static void check_host(const char *host)
{
	const char *close;
	char name[INET6_ADDRSTRLEN + 1];
	size_t name_len;
	unsigned char address[16];

	if (!origin_host_is_loopback(host))
		return;
	if (host[0] == '[') {
		close = strchr(host, ']');
		FUZZ_CHECK(close != NULL && (size_t)(close - host - 1) < sizeof name,
			   "'%s' is loopback", host);
		memcpy(name, host + 1, (size_t)(close - host - 1));
		name[close - host - 1] = '\0';
		FUZZ_CHECK(inet_pton(AF_INET6, name, address) == 1 &&
				   (memcmp(address, &in6addr_loopback, 16) == 0 ||
				    (memcmp(address, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0 &&
				     address[12] == 127)),
			   "'%s' is loopback", host);
		return;
	}
	name_len = strcspn(host, ":");
	if (name_len == 9 && strncasecmp(host, "localhost", 9) == 0)
		return;
	FUZZ_CHECK(name_len < sizeof name, "'%s' is loopback", host);
	memcpy(name, host, name_len);
	name[name_len] = '\0';
	FUZZ_CHECK(inet_pton(AF_INET, name, address) == 1 && address[0] == 127,
		   "'%s' is loopback", host);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char *cased[2] = {fuzz_recase(text, 1), fuzz_recase(text, 0)};
	char origin[ORIGIN_MAX], url_origin[ORIGIN_MAX], other[ORIGIN_MAX], err[1024];
	int rc, url_rc;
	int loopback = origin_host_is_loopback(text);

	memset(err, 0, sizeof err);
	rc = origin_normalize(text, origin, sizeof origin, err, sizeof err);
	FUZZ_CHECK(rc == 0 || (origin[0] == '\0' && err[0] != '\0'),
		   "'%s' refused leaving '%s', reason '%s'", text, origin, err);
	if (rc == 0)
		check_normalised(origin, text);
	url_rc = origin_from_url(text, url_origin, sizeof url_origin);
	FUZZ_CHECK(url_rc == 0 || url_origin[0] == '\0', "'%s' refused leaving '%s'", text,
		   url_origin);
	if (url_rc == 0)
		check_normalised(url_origin, text);
	/* an origin is a URL too, with itself as origin */
	FUZZ_CHECK(rc != 0 || (url_rc == 0 && strcmp(origin, url_origin) == 0),
		   "origin '%s' is '%s', as a URL '%s'", text, origin, url_origin);

	for (int i = 0; i < 2; i++) {
		int other_rc = origin_normalize(cased[i], other, sizeof other, NULL, 0);

		FUZZ_CHECK(other_rc == rc && (rc != 0 || strcmp(origin, other) == 0),
			   "'%s' gives %d '%s', '%s' gives %d '%s'", text, rc, origin, cased[i],
			   other_rc, other);
		other_rc = origin_from_url(cased[i], other, sizeof other);
		FUZZ_CHECK(other_rc == url_rc && (url_rc != 0 || strcmp(url_origin, other) == 0),
			   "URL '%s' gives %d '%s', '%s' gives %d '%s'", text, url_rc, url_origin,
			   cased[i], other_rc, other);
		FUZZ_CHECK(origin_host_is_loopback(cased[i]) == loopback,
			   "Host '%s' loopback %d, '%s' not", text, loopback, cased[i]);
	}
	check_host(text);
	free(cased[0]);
	free(cased[1]);
	free(text);
	return 0;
}
