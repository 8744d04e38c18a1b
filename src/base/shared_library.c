/* Loads a shared library with dlopen and finds a list of its symbols (see
 * shared_library.h). */
#include "base/shared_library.h"

#include <dlfcn.h>
#include <stdio.h>

static void empty_slots(const struct shared_library_symbol *symbols, size_t count)
{
	for (size_t i = 0; i < count; i++)
		*symbols[i].slot = NULL;
}

int shared_library_open(const char *file, const struct shared_library_symbol *symbols,
			size_t count, const struct shared_library_fixes *fixes, char *why,
			size_t why_size)
{
	void *handle;
	int rc = 0;

	empty_slots(symbols, count);
	/* RTLD_LOCAL: the library's symbols and those of what it pulls in stay
	 * out of the global scope; RTLD_NOW: a broken install shows here, not
	 * at the first call of one of its functions. */
	handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		const char *cause = dlerror();

		snprintf(why, why_size, "%s ne peut pas être chargée (« %s »)%s", file,
			 cause != NULL ? cause : "?", fixes->not_loaded);
		return SHARED_LIBRARY_NOT_LOADED;
	}
	for (size_t i = 0; i < count; i++) {
		*symbols[i].slot = dlsym(handle, symbols[i].name);
		if (*symbols[i].slot == NULL) {
			snprintf(why, why_size, "%s n'a pas %s%s", file, symbols[i].name,
				 fixes->symbol_missing);
			rc = SHARED_LIBRARY_SYMBOL_MISSING;
			goto out;
		}
	}
out:
	if (rc < 0) {
		empty_slots(symbols, count);
		dlclose(handle);
	}
	return rc;
}
