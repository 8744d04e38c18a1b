/* CORS preflight answers (pure): which request headers a listed origin may
 * send. The decision of which origin is listed is access_judge_origin's. */
#ifndef CASHDRAWERD_CORS_H
#define CASHDRAWERD_CORS_H

#include <stddef.h>

#define CORS_ALLOW_METHODS "GET, HEAD, OPTIONS"
/* Seconds a browser may cache a preflight answer (Chromium caps at 7200). */
#define CORS_MAX_AGE_S "600"

/* Access-Control-Allow-Headers for an Access-Control-Request-Headers value
 * (NULL if absent): "Content-Type, Authorization", then each requested
 * header that is safe for this service (Accept, Accept-Language,
 * Content-Language, Cache-Control, Pragma, X-Requested-With), once, as
 * spelled by the browser. Unsafe or malformed names are left out, so the
 * browser refuses its own request. out is always NUL-terminated. */
void cors_allow_headers(const char *requested, char *out, size_t size);

#endif
