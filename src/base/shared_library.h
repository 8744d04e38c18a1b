/* A shared library loaded at run time (dlopen; POSIX only): one call loads
 * it and finds every symbol of the caller's list, or says which is missing.
 * The daemon's loaders of the libraries it maps only when needed use it:
 * libcups (transport/cups_library.c) and GnuTLS (tls/library.c). */
#ifndef CASHDRAWERD_SHARED_LIBRARY_H
#define CASHDRAWERD_SHARED_LIBRARY_H

#include <stddef.h>

/* A symbol to find, and where its address goes. A function pointer is given
 * as (void **)&pointer, as POSIX's own dlsym example writes it. */
struct shared_library_symbol {
	const char *name;
	void **slot;
};

/* What shared_library_open returns when it fails. */
enum {
	/* no such file, or the dynamic linker refused it */
	SHARED_LIBRARY_NOT_LOADED = -1,
	/* loaded, but a symbol of the list is not in it (an older version) */
	SHARED_LIBRARY_SYMBOL_MISSING = -2,
};

/* What the reason ends with, the fix for the user: after "FILE ne peut pas
 * être chargée (« ... »)", and after "FILE n'a pas NAME" (that one may start
 * with a guess: " (antérieure à 2.2 ?) : installez ..."). */
struct shared_library_fixes {
	const char *not_loaded;
	const char *symbol_missing;
};

/* Loads file (a soname) and puts the address of each of the count symbols
 * in its slot. Returns 0 with every slot filled and the library left loaded
 * for good; or SHARED_LIBRARY_NOT_LOADED with why "FILE ne peut pas être
 * chargée (« the dynamic linker's words »)" and fixes->not_loaded, or
 * SHARED_LIBRARY_SYMBOL_MISSING with why "FILE n'a pas NAME" (the first
 * missing of the list) and fixes->symbol_missing: then every slot is NULL
 * and nothing is left loaded. */
int shared_library_open(const char *file, const struct shared_library_symbol *symbols,
			size_t count, const struct shared_library_fixes *fixes, char *why,
			size_t why_size);

#endif
