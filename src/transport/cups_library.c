/* Loads libcups.so.2 with dlopen when the printer is a CUPS queue, and
 * finds each function of CUPS_LIBRARY_FUNCTIONS in it. */
#include "transport/cups_library.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

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
	void *handle;
	void *symbol;
	const char *missing = NULL;
	int rc = 0;

	memset(library, 0, sizeof *library);
	/* RTLD_LOCAL: libcups's symbols and those of what it pulls in stay out
	 * of the global scope; RTLD_NOW: a broken install shows at start-up,
	 * not at the first opening of the drawer. */
	handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		const char *why = dlerror();

		snprintf(cause, causelen,
			 "%s ne peut pas être chargée (« %s ») : installez libcups2 (apt install "
			 "libcups2)", file, why != NULL ? why : "?");
		return -1;
	}
#define CUPS_LIBRARY_FIND(name)                                                             \
	if (missing == NULL) {                                                              \
		symbol = dlsym(handle, #name);                                              \
		if (symbol == NULL)                                                         \
			missing = #name;                                                    \
		else                                                                        \
			library->name = (__typeof__(library->name))symbol;                  \
	}
	CUPS_LIBRARY_FUNCTIONS(CUPS_LIBRARY_FIND)
#undef CUPS_LIBRARY_FIND
	if (missing != NULL) {
		snprintf(cause, causelen,
			 "%s n'a pas %s (antérieure à CUPS " CUPS_LIBRARY_OLDEST
			 " ?) : installez libcups2 " CUPS_LIBRARY_OLDEST " ou plus récente (apt install "
			 "libcups2)",
			 file, missing);
		memset(library, 0, sizeof *library);
		dlclose(handle);
		rc = -1;
	}
	return rc;
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
