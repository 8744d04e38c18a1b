/* Specifies how a shared library is loaded with a list of its symbols (the
 * loaders of libcups and GnuTLS use it), on the system's own libraries: every
 * symbol found and callable, the library kept; a missing library or symbol
 * named, every slot emptied and nothing left loaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dlfcn.h>
#include <string.h>

#include "base/shared_library.h"

#define COUNT(array) (sizeof(array) / sizeof(array)[0])

static const struct shared_library_fixes fixes = {
	.not_loaded = " : installez-la",
	.symbol_missing = " (trop ancienne ?) : installez la dernière",
};

/* what a slot holds before the call: a failure must put NULL there */
static char untouched;
#define UNTOUCHED ((void *)&untouched)

static bool is_loaded(const char *file)
{
	void *handle = dlopen(file, RTLD_NOW | RTLD_NOLOAD);

	if (handle == NULL)
		return false;
	dlclose(handle);
	return true;
}

static void test_every_symbol_is_found_callable_and_the_library_kept(void **state)
{
	double (*cosine)(double) = NULL;
	double (*square_root)(double) = NULL;
	const struct shared_library_symbol symbols[] = {
		{"cos", (void **)&cosine},
		{"sqrt", (void **)&square_root},
	};
	char why[256] = "untouched";

	(void)state;
	assert_int_equal(
		shared_library_open("libm.so.6", symbols, COUNT(symbols), &fixes, why, sizeof why), 0);
	assert_string_equal(why, "untouched");
	assert_true(cosine(0.0) == 1.0);
	assert_true(square_root(16.0) == 4.0);
	assert_true(is_loaded("libm.so.6"));
}

static void test_a_missing_library_is_named_with_the_dynamic_linkers_words(void **state)
{
	void *first = UNTOUCHED, *second = UNTOUCHED;
	const struct shared_library_symbol symbols[] = {
		{"strlen", &first},
		{"strcmp", &second},
	};
	char why[256];

	(void)state;
	assert_int_equal(shared_library_open("libcashdrawerd-absent.so.9", symbols, COUNT(symbols),
					     &fixes, why, sizeof why),
			 SHARED_LIBRARY_NOT_LOADED);
	assert_string_equal(why, "libcashdrawerd-absent.so.9 ne peut pas être chargée "
				 "(« libcashdrawerd-absent.so.9: cannot open shared object file: "
				 "No such file or directory ») : installez-la");
	assert_null(first);
	assert_null(second);
}

static void test_a_missing_symbol_is_named_and_nothing_is_kept(void **state)
{
	void *found = UNTOUCHED, *missing = UNTOUCHED, *after = UNTOUCHED;
	/* zlib: loaded by nothing else in this test */
	const struct shared_library_symbol symbols[] = {
		{"zlibVersion", &found},
		{"cashdrawerd_absent_one", &missing},
		{"cashdrawerd_absent_two", &after},
	};
	char why[256];

	(void)state;
	assert_false(is_loaded("libz.so.1"));
	assert_int_equal(
		shared_library_open("libz.so.1", symbols, COUNT(symbols), &fixes, why, sizeof why),
		SHARED_LIBRARY_SYMBOL_MISSING);
	/* the first missing of the list */
	assert_string_equal(why, "libz.so.1 n'a pas cashdrawerd_absent_one (trop ancienne ?) : "
				 "installez la dernière");
	/* zlibVersion was found, then let go with the library */
	assert_null(found);
	assert_null(missing);
	assert_null(after);
	assert_false(is_loaded("libz.so.1"));
}

static void test_the_reason_fits_a_small_buffer(void **state)
{
	void *slot = UNTOUCHED;
	const struct shared_library_symbol symbols[] = {{"cashdrawerd_absent", &slot}};
	char why[12];

	(void)state;
	memset(why, 'z', sizeof why);
	assert_int_equal(
		shared_library_open("libc.so.6", symbols, COUNT(symbols), &fixes, why, sizeof why),
		SHARED_LIBRARY_SYMBOL_MISSING);
	assert_string_equal(why, "libc.so.6 n");
	assert_null(slot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_symbol_is_found_callable_and_the_library_kept),
		cmocka_unit_test(test_a_missing_library_is_named_with_the_dynamic_linkers_words),
		cmocka_unit_test(test_a_missing_symbol_is_named_and_nothing_is_kept),
		cmocka_unit_test(test_the_reason_fits_a_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
