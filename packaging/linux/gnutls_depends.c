/* Built by make deb, never installed: the daemon loads GnuTLS with dlopen
 * (src/tls/library.c), which dpkg-shlibdeps cannot see. This program links
 * GnuTLS and uses every function of TLS_LIBRARY_FUNCTIONS, so dpkg-shlibdeps
 * gives the package and the oldest version that has them all, as it does for
 * linked libraries. */
#include <stddef.h>

#include "library_functions.h"

int main(void)
{
	static const void *const used[] = {
#define GNUTLS_DEPENDS_VALUE(type, name, parameters, arguments) (const void *)name,
#define GNUTLS_DEPENDS_VOID(name, parameters, arguments) (const void *)name,
		TLS_LIBRARY_FUNCTIONS(GNUTLS_DEPENDS_VALUE, GNUTLS_DEPENDS_VOID)
#undef GNUTLS_DEPENDS_VALUE
#undef GNUTLS_DEPENDS_VOID
		(const void *)gnutls_global_init,
		(const void *)gnutls_global_deinit,
	};
	/* read through a volatile pointer: the table, and so every function in
	 * it, stays in the program whatever the optimiser sees */
	const void *const *volatile kept = used;

	return kept[0] == NULL;
}
