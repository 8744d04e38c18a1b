/* libcups, loaded at run time: only a daemon whose printer is a CUPS queue
 * maps libcups.so.2 and the libraries it pulls in (GnuTLS, Kerberos, Avahi,
 * D-Bus: about 3 MiB of resident memory a tcp://, serial: or file: printer
 * never uses). One list of the functions used; the pointers have the types
 * <cups/cups.h> declares, so every call is checked by the compiler. */
#ifndef CASHDRAWERD_CUPS_LIBRARY_H
#define CASHDRAWERD_CUPS_LIBRARY_H

#include <cups/cups.h>
#include <stddef.h>

/* Every libcups function the CUPS transport calls. */
#define CUPS_LIBRARY_FUNCTIONS(X)                                                           \
	X(cupsEncryption)                                                                   \
	X(cupsLastErrorString)                                                              \
	X(cupsServer)                                                                       \
	X(cupsSetServer)                                                                    \
	X(cupsUser)                                                                         \
	X(httpAssembleURIf)                                                                 \
	X(httpClearFields)                                                                  \
	X(httpClose)                                                                        \
	X(httpConnect2)                                                                     \
	X(httpError)                                                                        \
	X(httpFlush)                                                                        \
	X(httpGetField)                                                                     \
	X(httpGetState)                                                                     \
	X(httpPost)                                                                         \
	X(httpReconnect2)                                                                   \
	X(httpSetField)                                                                     \
	X(httpSetLength)                                                                    \
	X(httpSetTimeout)                                                                   \
	X(httpUpdate)                                                                       \
	X(httpWrite2)                                                                       \
	X(ippAddString)                                                                     \
	X(ippAddStrings)                                                                    \
	X(ippDelete)                                                                        \
	X(ippErrorString)                                                                   \
	X(ippFindAttribute)                                                                 \
	X(ippGetBoolean)                                                                    \
	X(ippGetInteger)                                                                    \
	X(ippGetStatusCode)                                                                 \
	X(ippGetString)                                                                     \
	X(ippLength)                                                                        \
	X(ippNew)                                                                           \
	X(ippNewRequest)                                                                    \
	X(ippPort)                                                                          \
	X(ippRead)                                                                          \
	X(ippWrite)

/* The library's soname: what dlopen asks the dynamic linker for. */
#ifdef __APPLE__
#define CUPS_LIBRARY_FILE "libcups.2.dylib"
#else
#define CUPS_LIBRARY_FILE "libcups.so.2"
#endif

struct cups_library {
#define CUPS_LIBRARY_POINTER(name) __typeof__(name) *name;
	CUPS_LIBRARY_FUNCTIONS(CUPS_LIBRARY_POINTER)
#undef CUPS_LIBRARY_POINTER
};

/* Loads CUPS_LIBRARY_FILE once per process (the first call does, later ones
 * answer the same). 0, or TRANSPORT_ERR_UNSUPPORTED with err naming the
 * printer (as the user wrote it), the cause and the fix. Thread-safe. */
int cups_library_load(const char *printer, char *err, size_t errlen);

/* The loaded functions: only after cups_library_load returned 0. */
const struct cups_library *cups_library(void);

/* What cups_library_load does, for any file (the tests also give it
 * libraries that lack libcups's functions): 0 with *library filled and the
 * library left loaded, or a negative value with *library zeroed, nothing
 * left loaded and cause filled with the cause and the fix ("libcups.so.2
 * has no httpConnect2 (...): install ..."). */
int cups_library_open(const char *file, struct cups_library *library, char *cause,
		      size_t causelen);

#endif
