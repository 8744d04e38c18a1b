/* Web origins (pure): normalising origins, the origin of a Referer, loopback
 * Host values. Serialisation follows the WHATWG URL standard, so that an
 * origin written in the settings compares equal to what a browser sends. */
#include "admission/origin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FAIL(...)                                                                           \
	do {                                                                                \
		if (err != NULL && errlen > 0)                                              \
			snprintf(err, errlen, __VA_ARGS__);                                 \
		return -EINVAL;                                                             \
	} while (0)

static const struct {
	const char *name;
	unsigned default_port; /* 0: none */
} schemes[] = {
	{"http", 80},
	{"https", 443},
	{"chrome-extension", 0},
	{"moz-extension", 0},
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	c = lower(c);
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

/* WHATWG IPv6 serialisation: lower-case hex, the first longest run of two
 * or more zero pieces written "::", no embedded dotted quad. */
static void format_ipv6(const struct in6_addr *address, char *out, size_t size)
{
	unsigned pieces[8];
	int best = -1, best_len = 0;
	size_t used = 0;

	for (int i = 0; i < 8; i++)
		pieces[i] = (unsigned)address->s6_addr[2 * i] << 8 | address->s6_addr[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && pieces[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8 && used < size; i++) {
		if (i == best) {
			used += (size_t)snprintf(out + used, size - used, "::");
			i += best_len - 1;
			continue;
		}
		used += (size_t)snprintf(out + used, size - used, "%s%x",
					 i > 0 && i != best + best_len ? ":" : "", pieces[i]);
	}
}

/* host[:port] of length len (no path), for scheme (index in schemes):
 * appended to out, normalised. */
static int parse_authority(const char *text, size_t len, size_t scheme, char *out,
			   size_t outsize, const char *whole, char *err, size_t errlen)
{
	char host[ORIGIN_MAX];
	size_t used = strlen(out), host_len = 0;
	const char *port = NULL;
	unsigned long port_value = 0;

	if (memchr(text, '@', len) != NULL)
		FAIL("'%s' has user information before '@': an origin is scheme://host[:port]",
		     whole);
	if (len > 0 && text[0] == '[') {
		const char *close = memchr(text, ']', len);
		char bare[INET6_ADDRSTRLEN + 1];
		struct in6_addr address;

		if (close == NULL || (size_t)(close - text - 1) >= sizeof bare)
			FAIL("'%s': the IPv6 address has no closing ']'", whole);
		memcpy(bare, text + 1, (size_t)(close - text - 1));
		bare[close - text - 1] = '\0';
		if (inet_pton(AF_INET6, bare, &address) != 1)
			FAIL("'%s': '%s' is not an IPv6 address", whole, bare);
		host[0] = '[';
		format_ipv6(&address, host + 1, sizeof host - 2);
		strcat(host, "]");
		host_len = strlen(host);
		if ((size_t)(close + 1 - text) < len) {
			if (close[1] != ':')
				FAIL("'%s': unexpected text after the IPv6 address", whole);
			port = close + 2;
		}
	} else {
		for (host_len = 0; host_len < len && text[host_len] != ':'; host_len++) {
			char c = text[host_len];

			if (c == '*')
				FAIL("'%s': wildcards are not supported; list each origin "
				     "(e.g. https://myshop.odoo.com)", whole);
			if ((unsigned char)c >= 0x80)
				FAIL("'%s': non-ASCII characters cannot appear in a host name "
				     "(write an internationalised name in its xn-- form)", whole);
			if (!is_alnum(c) && c != '-' && c != '.' && c != '_')
				FAIL("'%s': '%c' cannot appear in a host name", whole, c);
			if (host_len + 1 >= sizeof host)
				FAIL("'%s': the host name is too long", whole);
			host[host_len] = lower(c);
		}
		host[host_len] = '\0';
		if (host_len < len)
			port = text + host_len + 1;
	}
	if (host_len == 0)
		FAIL("'%s' has no host name", whole);
	if (port != NULL) {
		size_t digits = len - (size_t)(port - text);

		if (digits == 0 || digits > 5 || strspn(port, "0123456789") < digits)
			FAIL("'%s': the port must be a number from 1 to 65535", whole);
		for (size_t i = 0; i < digits; i++)
			port_value = port_value * 10 + (unsigned long)(port[i] - '0');
		if (port_value == 0 || port_value > 65535)
			FAIL("'%s': the port must be a number from 1 to 65535", whole);
	}
	if (port != NULL && port_value != schemes[scheme].default_port)
		used += (size_t)snprintf(out + used, outsize - used, "%s:%lu", host, port_value);
	else
		used += (size_t)snprintf(out + used, outsize - used, "%s", host);
	if (used >= outsize)
		FAIL("'%s' is too long", whole);
	return 0;
}

/* "scheme://" at the start of text: the scheme's index, and where the
 * authority starts. */
static int parse_scheme(const char *text, size_t *scheme, const char **authority, char *out,
			size_t outsize, char *err, size_t errlen)
{
	const char *sep = strstr(text, "://");
	size_t len;

	if (strcmp(text, "null") == 0)
		FAIL("'null' is the opaque origin of sandboxed pages and local files; it cannot "
		     "be allowed");
	if (sep == NULL || sep == text)
		FAIL("'%s' is not an origin: expected scheme://host[:port], e.g. "
		     "https://shop.odoo.com or http://10.0.0.5:8069", text);
	len = (size_t)(sep - text);
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
		if (strlen(schemes[i].name) != len)
			continue;
		size_t j = 0;

		while (j < len && lower(text[j]) == schemes[i].name[j])
			j++;
		if (j == len) {
			*scheme = i;
			*authority = sep + 3;
			if (snprintf(out, outsize, "%s://", schemes[i].name) >= (int)outsize)
				FAIL("'%s' is too long", text);
			return 0;
		}
	}
	FAIL("'%s': scheme '%.*s' is not a web origin's (http, https, chrome-extension or "
	     "moz-extension)", text, (int)len, text);
}

int origin_normalize(const char *text, char *out, size_t outsize, char *err, size_t errlen)
{
	const char *authority;
	size_t scheme, len;
	int rc;

	if (outsize == 0)
		return -EINVAL;
	out[0] = '\0';
	if ((rc = parse_scheme(text, &scheme, &authority, out, outsize, err, errlen)) < 0)
		return rc;
	len = strcspn(authority, "/?#");
	if (authority[len] != '\0') {
		out[0] = '\0';
		FAIL("'%s' has a %s: an origin is scheme://host[:port] only (write %.*s)", text,
		     authority[len] == '/' ? "path" : authority[len] == '?' ? "query" : "fragment",
		     (int)(authority + len - text), text);
	}
	if ((rc = parse_authority(authority, len, scheme, out, outsize, text, err, errlen)) < 0)
		out[0] = '\0';
	return rc;
}

int origin_from_url(const char *url, char *out, size_t outsize)
{
	const char *authority;
	size_t scheme;
	int rc;

	if (outsize == 0)
		return -EINVAL;
	out[0] = '\0';
	if (parse_scheme(url, &scheme, &authority, out, outsize, NULL, 0) < 0)
		return -EINVAL;
	rc = parse_authority(authority, strcspn(authority, "/?#"), scheme, out, outsize, url, NULL,
			     0);
	if (rc < 0)
		out[0] = '\0';
	return rc;
}

/* A dotted quad of four decimal numbers 0..255 without leading zeros. */
static bool is_loopback_ipv4(const char *text, size_t len)
{
	unsigned parts = 0, value = 0;
	size_t digits = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || text[i] == '.') {
			if (digits == 0 || (digits > 1 && text[i - digits] == '0') || value > 255)
				return false;
			if (parts == 0 && value != 127)
				return false;
			parts++;
			value = 0;
			digits = 0;
			continue;
		}
		if (!is_digit(text[i]) || ++digits > 3)
			return false;
		value = value * 10 + (unsigned)(text[i] - '0');
	}
	return parts == 4;
}

bool origin_host_is_loopback(const char *host)
{
	static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	size_t len, name_len;

	if (host == NULL)
		return false;
	len = strlen(host);
	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		char bare[INET6_ADDRSTRLEN + 1];
		struct in6_addr address;

		if (close == NULL || (size_t)(close - host - 1) >= sizeof bare)
			return false;
		memcpy(bare, host + 1, (size_t)(close - host - 1));
		bare[close - host - 1] = '\0';
		if (inet_pton(AF_INET6, bare, &address) != 1)
			return false;
		if (memcmp(&address, &in6addr_loopback, sizeof address) != 0 &&
		    !(memcmp(address.s6_addr, mapped_prefix, sizeof mapped_prefix) == 0 &&
		      address.s6_addr[12] == 127))
			return false;
		name_len = (size_t)(close + 1 - host);
	} else {
		name_len = strcspn(host, ":");
		if (!(name_len == 9 && strncasecmp(host, "localhost", 9) == 0) &&
		    !is_loopback_ipv4(host, name_len))
			return false;
	}
	if (name_len == len)
		return true;
	/* :port, 1..5 digits */
	return host[name_len] == ':' && len - name_len - 1 >= 1 && len - name_len - 1 <= 5 &&
	       strspn(host + name_len + 1, "0123456789") == len - name_len - 1;
}
