/* GnuTLS with dlopen (see library.h): every function of
 * library_functions.h is defined here with GnuTLS's prototype and forwards
 * to the library's own, found once (base/shared_library.h). The program is
 * linked without -lgnutls, so nothing maps it before the first call. These
 * definitions are not in the program's dynamic symbol table (nothing links
 * against the program), so GnuTLS's calls to itself never land here. */
#include "tls/library.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/shared_library.h"
#include "tls/library_functions.h"

/* Debian 12's, the one built against (GnuTLS 3.7: libgnutls30). */
#define TLS_LIBRARY_FILE "libgnutls.so.30"

static struct {
#define TLS_LIBRARY_VALUE_POINTER(type, name, parameters, arguments) type(*name) parameters;
#define TLS_LIBRARY_VOID_POINTER(name, parameters, arguments) void(*name) parameters;
	TLS_LIBRARY_FUNCTIONS(TLS_LIBRARY_VALUE_POINTER, TLS_LIBRARY_VOID_POINTER)
	int (*gnutls_global_init)(void);
	void (*gnutls_global_deinit)(void);
} library;

/* GnuTLS's allocation functions are variables of the library (gnutls.h's
 * gnutls_free() reads one; libmicrohttpd calls gnutls_malloc): the library's
 * values, copied once it is loaded. */
gnutls_alloc_function gnutls_malloc;
gnutls_free_function gnutls_free;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static atomic_int load_result = -1; /* 0 once loaded */
static char load_why[512];
/* gnutls_global_init calls made before the library was loaded (libmicrohttpd's
 * constructor makes one): the library initialises itself when loaded, so they
 * are answered here, and as many gnutls_global_deinit calls with them */
static atomic_int inits_answered_here;

static void load(void)
{
	/* gnutls_malloc and gnutls_free are variables: their addresses here,
	 * their values copied once every symbol is found */
	void *malloc_variable, *free_variable;
	static const struct shared_library_fixes fixes = {
		.not_loaded = " : installez libgnutls30 (apt install libgnutls30)",
		.symbol_missing = " (GnuTLS antérieure à 3.7 ?) : installez libgnutls30 3.7 ou plus "
				  "récente (apt install libgnutls30)",
	};
	const struct shared_library_symbol symbols[] = {
#define TLS_LIBRARY_SYMBOL(name) {#name, (void **)&library.name},
#define TLS_LIBRARY_SYMBOL_VALUE(type, name, parameters, arguments) TLS_LIBRARY_SYMBOL(name)
#define TLS_LIBRARY_SYMBOL_VOID(name, parameters, arguments) TLS_LIBRARY_SYMBOL(name)
		TLS_LIBRARY_FUNCTIONS(TLS_LIBRARY_SYMBOL_VALUE, TLS_LIBRARY_SYMBOL_VOID)
		TLS_LIBRARY_SYMBOL(gnutls_global_init)
		TLS_LIBRARY_SYMBOL(gnutls_global_deinit)
		{"gnutls_malloc", &malloc_variable},
		{"gnutls_free", &free_variable},
	};

	if (shared_library_open(TLS_LIBRARY_FILE, symbols, sizeof symbols / sizeof symbols[0],
				&fixes, load_why, sizeof load_why) < 0)
		return;
	gnutls_malloc = *(gnutls_alloc_function *)malloc_variable;
	gnutls_free = *(gnutls_free_function *)free_variable;
	/* the library initialised itself at load (its own constructor) */
	atomic_store(&load_result, 0);
}

int tls_library_load(char *why, size_t why_size)
{
	pthread_once(&load_once, load);
	if (atomic_load(&load_result) < 0) {
		snprintf(why, why_size, "%s", load_why);
		return -1;
	}
	return 0;
}

/* A GnuTLS function called before tls_library_load: loaded now, or the
 * program cannot go on (it would call through a null pointer). */
static void require(void)
{
	pthread_once(&load_once, load);
	if (atomic_load(&load_result) < 0) {
		fprintf(stderr, "cashdrawerd : GnuTLS : %s\n", load_why);
		abort();
	}
}

#define TLS_LIBRARY_DEFINE_VALUE(type, name, parameters, arguments)                          \
	type name parameters                                                                \
	{                                                                                   \
		require();                                                                  \
		return library.name arguments;                                              \
	}
#define TLS_LIBRARY_DEFINE_VOID(name, parameters, arguments)                                 \
	void name parameters                                                                \
	{                                                                                   \
		require();                                                                  \
		library.name arguments;                                                     \
	}
TLS_LIBRARY_FUNCTIONS(TLS_LIBRARY_DEFINE_VALUE, TLS_LIBRARY_DEFINE_VOID)

/* libmicrohttpd's constructor calls it at the program's start: that must not
 * load the library (GnuTLS initialises itself when it is loaded). */
int gnutls_global_init(void)
{
	if (atomic_load(&load_result) == 0)
		return library.gnutls_global_init();
	atomic_fetch_add(&inits_answered_here, 1);
	return 0;
}

void gnutls_global_deinit(void)
{
	if (atomic_load(&inits_answered_here) > 0) {
		atomic_fetch_sub(&inits_answered_here, 1);
		return;
	}
	if (atomic_load(&load_result) == 0)
		library.gnutls_global_deinit();
}
