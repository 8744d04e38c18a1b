/* Loads libcups.so.2 with dlopen when the printer is a CUPS queue, and
 * finds each function of CUPS_LIBRARY_FUNCTIONS in it (base/shared_library.h). */
#include "transport/cups_library.h"

#include <pthread.h>
#include <stdio.h>

#include "base/shared_library.h"
#include "transport/transport.h"

/* The oldest CUPS this code was written against (CMakeLists.txt asks for it). */
#define CUPS_LIBRARY_OLDEST "2.2"

static struct cups_library loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_result;
static char load_cause[512];

int cups_library_open(const char *file, struct cups_library *library, char *cause,
		      size_t causelen)
{
	static const struct shared_library_fixes fixes = {
		.not_loaded = " : installez libcups2 (apt install libcups2)",
		.symbol_missing = " (antérieure à CUPS " CUPS_LIBRARY_OLDEST " ?) : installez libcups2 "
				  CUPS_LIBRARY_OLDEST " ou plus récente (apt install libcups2)",
	};
	const struct shared_library_symbol symbols[] = {
#define CUPS_LIBRARY_SYMBOL(name) {#name, (void **)&library->name},
		CUPS_LIBRARY_FUNCTIONS(CUPS_LIBRARY_SYMBOL)
#undef CUPS_LIBRARY_SYMBOL
	};

	if (shared_library_open(file, symbols, sizeof symbols / sizeof symbols[0], &fixes, cause,
				causelen) < 0)
		return -1;
	return 0;
}

static void load(void)
{
	load_result = cups_library_open(CUPS_LIBRARY_FILE, &loaded, load_cause, sizeof load_cause);
}

int cups_library_load(const char *printer, char *err, size_t errlen)
{
	pthread_once(&load_once, load);
	if (load_result == 0)
		return 0;
	snprintf(err, errlen, "imprimante %s : %s", printer, load_cause);
	return TRANSPORT_ERR_UNSUPPORTED;
}

const struct cups_library *cups_library(void)
{
	return &loaded;
}
