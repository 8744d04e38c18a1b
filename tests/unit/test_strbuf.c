/* Specifies the text buffer and its escaping: HTML for the status page (log
 * lines carry client-chosen paths) and Prometheus label values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/strbuf.h"

static char *html(const char *text, size_t length)
{
	struct strbuf buf = {0};

	strbuf_append_html(&buf, text, length);
	return strbuf_take(&buf, NULL);
}

static void expect_html(const char *text, const char *expected)
{
	char *got = html(text, strlen(text));

	assert_string_equal(got, expected);
	free(got);
}

static void test_html_escapes_the_five_special_characters(void **state)
{
	(void)state;
	expect_html("&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
}

static void test_html_script_tag_in_a_path_is_shown_not_run(void **state)
{
	(void)state;
	expect_html("127.0.0.1 GET /<script>alert(1)</script> 404 not_found",
		    "127.0.0.1 GET /&lt;script&gt;alert(1)&lt;/script&gt; 404 not_found");
}

static void test_html_attribute_breakout_is_escaped(void **state)
{
	(void)state;
	expect_html("\" onmouseover=\"x()", "&quot; onmouseover=&quot;x()");
	expect_html("' autofocus onfocus='x()", "&#39; autofocus onfocus=&#39;x()");
}

static void test_html_keeps_plain_text_utf8_and_newlines(void **state)
{
	(void)state;
	expect_html("Accès refusé - Local uniquement\nligne 2", "Accès refusé - Local uniquement\nligne 2");
	expect_html("", "");
}

static void test_html_escapes_only_length_bytes(void **state)
{
	char *got = html("a<b<c", 3);

	(void)state;
	assert_string_equal(got, "a&lt;b");
	free(got);
}

static void test_html_every_byte_outside_the_five_is_unchanged(void **state)
{
	struct strbuf buf = {0};
	char all[256], expected[256 + 5 * 5], *got;
	size_t length, at = 0;

	(void)state;
	for (int i = 0; i < 256; i++) {
		const char *entity = i == '&' ? "&amp;" : i == '<' ? "&lt;" : i == '>' ? "&gt;"
				     : i == '"' ? "&quot;" : i == '\'' ? "&#39;" : NULL;

		all[i] = (char)i;
		if (entity != NULL) {
			memcpy(expected + at, entity, strlen(entity));
			at += strlen(entity);
		} else {
			expected[at++] = (char)i;
		}
	}
	strbuf_append_html(&buf, all, sizeof all);
	got = strbuf_take(&buf, &length);
	assert_int_equal(length, at);
	assert_memory_equal(got, expected, at);
	free(got);
}

static void test_label_escapes_backslash_quote_newline(void **state)
{
	struct strbuf buf = {0};
	char *got;

	(void)state;
	strbuf_puts_label(&buf, "a\\b\"c\nd");
	got = strbuf_take(&buf, NULL);
	assert_string_equal(got, "a\\\\b\\\"c\\nd");
	free(got);
}

static void test_printf_and_append_grow_past_the_first_allocation(void **state)
{
	struct strbuf buf = {0};
	size_t length;
	char *got;

	(void)state;
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&buf, "%04d,", i);
	got = strbuf_take(&buf, &length);
	assert_int_equal(length, 5000);
	assert_int_equal(strlen(got), 5000);
	assert_memory_equal(got, "0000,0001,", 10);
	assert_memory_equal(got + 4995, "0999,", 5);
	free(got);
	assert_null(buf.text);
}

static void test_take_of_an_empty_buffer_is_an_empty_text(void **state)
{
	struct strbuf buf = {0};
	size_t length = 99;
	char *got = strbuf_take(&buf, &length);

	(void)state;
	assert_non_null(got);
	assert_string_equal(got, "");
	assert_int_equal(length, 0);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escapes_the_five_special_characters),
		cmocka_unit_test(test_html_script_tag_in_a_path_is_shown_not_run),
		cmocka_unit_test(test_html_attribute_breakout_is_escaped),
		cmocka_unit_test(test_html_keeps_plain_text_utf8_and_newlines),
		cmocka_unit_test(test_html_escapes_only_length_bytes),
		cmocka_unit_test(test_html_every_byte_outside_the_five_is_unchanged),
		cmocka_unit_test(test_label_escapes_backslash_quote_newline),
		cmocka_unit_test(test_printf_and_append_grow_past_the_first_allocation),
		cmocka_unit_test(test_take_of_an_empty_buffer_is_an_empty_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
