/* Specifies how libcups is loaded at run time: every function the CUPS
 * transport calls is found in the installed libcups.so.2; a library that
 * lacks one, or no library at all, is refused with the cause and the fix;
 * and transport_init loads it for a CUPS printer only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "transport/cups_library.h"
#include "settings/printer_uri.h"
#include "transport/transport.h"

static bool all_zero(const void *memory, size_t size)
{
	const unsigned char *byte = memory;

	for (size_t i = 0; i < size; i++)
		if (byte[i] != 0)
			return false;
	return true;
}

static void test_every_function_of_the_list_is_found_in_libcups(void **state)
{
	struct cups_library library;
	char cause[512] = "untouched";
	size_t found = 0, listed = 0;

	(void)state;
	assert_int_equal(cups_library_open(CUPS_LIBRARY_FILE, &library, cause, sizeof cause), 0);
	assert_string_equal(cause, "untouched");
#define COUNT(name)                                                                         \
	listed++;                                                                           \
	if (library.name != NULL)                                                           \
		found++;
	CUPS_LIBRARY_FUNCTIONS(COUNT)
#undef COUNT
	assert_int_equal(found, listed);
	assert_int_equal(listed * sizeof(void (*)(void)), sizeof library);
}

static void test_loaded_libcups_names_ipp_statuses_as_the_messages_say(void **state)
{
	struct cups_library library;
	char cause[512];

	(void)state;
	assert_int_equal(cups_library_open(CUPS_LIBRARY_FILE, &library, cause, sizeof cause), 0);
	/* the names tests/unit/test_cups_status.c expects in its messages */
	assert_string_equal(library.ippErrorString(IPP_STATUS_ERROR_FORBIDDEN), "client-error-forbidden");
	assert_string_equal(library.ippErrorString(IPP_STATUS_ERROR_NOT_AUTHENTICATED),
			    "client-error-not-authenticated");
	assert_string_equal(library.ippErrorString(IPP_STATUS_ERROR_NOT_AUTHORIZED),
			    "client-error-not-authorized");
	assert_string_equal(library.ippErrorString(IPP_STATUS_ERROR_DOCUMENT_FORMAT_NOT_SUPPORTED),
			    "client-error-document-format-not-supported");
	assert_string_equal(library.ippErrorString(IPP_STATUS_ERROR_INTERNAL),
			    "server-error-internal-error");
	assert_string_equal(library.ippErrorString(IPP_STATUS_ERROR_BUSY), "server-error-busy");
}

static void test_a_library_without_the_functions_is_refused_naming_the_first_missing(void **state)
{
	struct cups_library library;
	char cause[512];

	(void)state;
	memset(&library, 0xa5, sizeof library);
	/* the C library: loadable, but without any of libcups's functions */
	assert_true(cups_library_open("libc.so.6", &library, cause, sizeof cause) < 0);
	assert_string_equal(cause, "libc.so.6 n'a pas cupsEncryption (antérieure à CUPS 2.2 ?) : "
				   "installez libcups2 2.2 ou plus récente (apt install libcups2)");
	assert_true(all_zero(&library, sizeof library));
}

static void test_a_missing_library_is_refused_saying_install_libcups2(void **state)
{
	struct cups_library library;
	char cause[512];

	(void)state;
	memset(&library, 0xa5, sizeof library);
	assert_true(cups_library_open("libcups-absent.so.9", &library, cause, sizeof cause) < 0);
	/* dlerror's words, quoted */
	assert_string_equal(cause, "libcups-absent.so.9 ne peut pas être chargée (« libcups-absent.so.9: "
				   "cannot open shared object file: No such file or directory ») : "
				   "installez libcups2 (apt install libcups2)");
	assert_true(all_zero(&library, sizeof library));
}

static void test_the_cause_fits_a_small_buffer(void **state)
{
	struct cups_library library;
	char cause[12];

	(void)state;
	memset(cause, 'z', sizeof cause);
	assert_true(cups_library_open("libcups-absent.so.9", &library, cause, sizeof cause) < 0);
	assert_string_equal(cause, "libcups-abs");
}

static void test_cups_printers_load_libcups_at_init_and_others_do_not(void **state)
{
	struct printer_uri uri;
	struct transport transport;
	char err[512] = "untouched";

	(void)state;
	/* a tcp:// printer needs no libcups: it stays unloaded */
	assert_int_equal(printer_uri_parse("tcp://127.0.0.1:9", &uri, err, sizeof err), 0);
	assert_int_equal(transport_init(&transport, &uri, err, sizeof err), 0);
	assert_null(cups_library()->httpConnect2);
	/* a queue loads it, once for all */
	assert_int_equal(printer_uri_parse("cups:TICKET", &uri, err, sizeof err), 0);
	assert_int_equal(transport_init(&transport, &uri, err, sizeof err), 0);
	assert_string_equal(err, "untouched");
	assert_non_null(cups_library()->httpConnect2);
	assert_non_null(cups_library()->ippWrite);
	assert_int_equal(cups_library_load("TICKET", err, sizeof err), 0);
	assert_string_equal(err, "untouched");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_function_of_the_list_is_found_in_libcups),
		cmocka_unit_test(test_loaded_libcups_names_ipp_statuses_as_the_messages_say),
		cmocka_unit_test(test_a_library_without_the_functions_is_refused_naming_the_first_missing),
		cmocka_unit_test(test_a_missing_library_is_refused_saying_install_libcups2),
		cmocka_unit_test(test_the_cause_fits_a_small_buffer),
		cmocka_unit_test(test_cups_printers_load_libcups_at_init_and_others_do_not),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
