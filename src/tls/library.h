/* GnuTLS, loaded only when it is needed (Linux): a daemon serving plain HTTP
 * never maps libgnutls and what it pulls in (p11-kit, nettle, hogweed, gmp,
 * libtasn1, libidn2, libunistring), some 2.3 MiB of resident memory
 * (bench/RESULTS.md, HTTPS). On Windows GnuTLS is linked, static, and this
 * always succeeds. */
#ifndef CASHDRAWERD_TLS_LIBRARY_H
#define CASHDRAWERD_TLS_LIBRARY_H

#include <stddef.h>

/* Loads libgnutls (once; later calls answer the same). Returns 0, or -1 with
 * why naming the library, the cause and the fix. Every GnuTLS function loads
 * it too when called first, but can only stop the program if that fails:
 * the HTTPS server calls this first, to serve HTTP alone instead. */
#ifdef CASHDRAWERD_TLS_DLOPEN
int tls_library_load(char *why, size_t why_size);
#else
static inline int tls_library_load(char *why, size_t why_size)
{
	(void)why, (void)why_size;
	return 0;
}
#endif

#endif
