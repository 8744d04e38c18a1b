/* Web origins (pure): parsing and normalising "scheme://host[:port]" as
 * browsers send them in Origin, the origin of a Referer URL, and whether a
 * Host header names the loopback. No I/O. */
#ifndef CASHDRAWERD_ORIGIN_H
#define CASHDRAWERD_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

/* Longest normalised origin kept, terminating NUL included. */
#define ORIGIN_MAX 256

/* Normalises an origin as the WHATWG URL standard serialises it: scheme and
 * host lower-case, the scheme's default port dropped (http 80, https 443),
 * IPv6 addresses compressed in brackets. Schemes: http, https,
 * chrome-extension, moz-extension. "null" (an opaque origin), a path, a
 * query, a fragment, user info, a wildcard, an empty or bad port are
 * refused. Returns 0, or -EINVAL with err saying what is wrong (err may be
 * NULL). */
int origin_normalize(const char *text, char *out, size_t outsize, char *err, size_t errlen);

/* The origin of an absolute URL (a Referer): its scheme://host[:port],
 * normalised; path, query and fragment dropped. Returns 0 or -EINVAL. */
int origin_from_url(const char *url, char *out, size_t outsize);

/* True when a Host header value names the loopback: localhost, an IPv4
 * address of 127.0.0.0/8 in dotted-quad form, or a bracketed IPv6 loopback
 * ([::1], [::ffff:127.x.x.x]); each with an optional :port. Case-insensitive.
 * Anything else (another name, a trailing dot, junk) is false. */
bool origin_host_is_loopback(const char *host);

#endif
