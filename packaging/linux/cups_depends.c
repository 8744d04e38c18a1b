/* Built by make deb, never installed: the daemon loads libcups with dlopen,
 * which dpkg-shlibdeps cannot see. This program links libcups and uses every
 * function of CUPS_LIBRARY_FUNCTIONS, so dpkg-shlibdeps gives the package
 * and the oldest version that has them all, as it does for linked libraries. */
#include <stddef.h>

#include "cups_library.h"

int main(void)
{
	static const struct cups_library used = {
#define CUPS_DEPENDS_USE(name) .name = name,
		CUPS_LIBRARY_FUNCTIONS(CUPS_DEPENDS_USE)
#undef CUPS_DEPENDS_USE
	};
	/* read through a volatile pointer: the table, and so every function in
	 * it, stays in the program whatever the optimiser sees */
	const struct cups_library *volatile kept = &used;

	return kept->cupsServer == NULL;
}
