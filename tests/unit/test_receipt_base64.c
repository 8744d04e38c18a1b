/* Unit tests of the receipt's strict base64 decoder (src/receipt/base64.c):
 * what canvas.toDataURL writes decodes; anything else is refused in words. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "receipt/receipt.h"

static uint8_t out[256];
static size_t out_len;
static char err[256];

static int decode(const char *text)
{
	memset(out, 0xAA, sizeof out);
	err[0] = '\0';
	return receipt_base64_decode(text, strlen(text), out, sizeof out, &out_len, err, sizeof err);
}

static void test_rfc4648_vectors_decode(void **unused)
{
	(void)unused;
	static const struct {
		const char *text, *bytes;
	} vectors[] = {{"Zg==", "f"},         {"Zm8=", "fo"},         {"Zm9v", "foo"},
		       {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"}};

	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		assert_int_equal(decode(vectors[i].text), 0);
		assert_int_equal(out_len, strlen(vectors[i].bytes));
		assert_memory_equal(out, vectors[i].bytes, out_len);
	}
}

static void test_every_byte_value_and_the_plus_and_slash_characters_decode(void **unused)
{
	(void)unused;
	/* FF FE FD ... as base64 uses '/' and '+' */
	assert_int_equal(decode("//79"), 0);
	assert_int_equal(out_len, 3);
	assert_memory_equal(out, ((uint8_t[]){0xFF, 0xFE, 0xFD}), 3);
	assert_int_equal(decode("+++A"), 0);
	assert_memory_equal(out, ((uint8_t[]){0xFB, 0xEF, 0x80}), 3);
	assert_int_equal(decode("/9j/4AAQ"), 0); /* how every JPEG's base64 starts */
	assert_memory_equal(out, ((uint8_t[]){0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10}), 6);
}

static void test_data_url_prefix_is_refused_saying_to_send_what_follows_the_comma(void **unused)
{
	(void)unused;
	assert_int_equal(decode("data:image/jpeg;base64,/9j/4AAQ"), -EINVAL);
	assert_non_null(strstr(err, "préfixe d'URL data:"));
	assert_non_null(strstr(err, "qui suit la virgule"));
}

static void test_whitespace_anywhere_is_refused_naming_it_and_its_offset(void **unused)
{
	(void)unused;
	assert_int_equal(decode("Zm9v\nYmFy"), -EINVAL); /* 9 chars: not a multiple of 4 */
	assert_int_equal(decode("Zm9v\r\nYmE="), -EINVAL);
	assert_int_equal(decode("Zm 9"), -EINVAL);
	assert_string_equal(err, "base64 : une espace à la position 2 n'est pas un caractère base64 "
				 "(A-Z a-z 0-9 + /, '=' seulement à la fin)");
	assert_int_equal(decode("Zm9\tYmFy"), -EINVAL);
	assert_non_null(strstr(err, "une tabulation à la position 3"));
	assert_int_equal(decode("Zm9v\nYmF"), -EINVAL);
	assert_non_null(strstr(err, "un saut de ligne à la position 4"));
}

static void test_url_safe_alphabet_is_refused(void **unused)
{
	(void)unused;
	assert_int_equal(decode("-_-_"), -EINVAL);
	assert_non_null(strstr(err, "'-' à la position 0"));
	assert_int_equal(decode("AA_A"), -EINVAL);
	assert_non_null(strstr(err, "'_' à la position 2"));
}

static void test_missing_padding_is_refused_as_not_a_multiple_of_4(void **unused)
{
	(void)unused;
	assert_int_equal(decode("Zg"), -EINVAL);
	assert_string_equal(err, "base64 : 2 caractères, pas un multiple de 4 (texte coupé, ou "
				 "remplissage '=' manquant)");
	assert_int_equal(decode("Zm9vYmE"), -EINVAL);
}

static void test_padding_anywhere_but_the_end_is_refused(void **unused)
{
	(void)unused;
	assert_int_equal(decode("Zg==Zm9v"), -EINVAL);
	assert_non_null(strstr(err, "'=' à la position 2"));
	assert_int_equal(decode("Z=g="), -EINVAL);
	assert_int_equal(decode("===="), -EINVAL);
	assert_int_equal(decode("A==="), -EINVAL);
}

static void test_non_zero_unused_bits_before_padding_are_refused(void **unused)
{
	(void)unused;
	assert_int_equal(decode("Zh=="), -EINVAL); /* 'h' leaves bits that "Zg==" keeps 0 */
	assert_non_null(strstr(err, "non canonique"));
	assert_int_equal(decode("Zm9="), -EINVAL);
	assert_int_equal(decode("Zm8="), 0);
}

static void test_empty_text_and_nul_and_high_bytes_are_refused(void **unused)
{
	(void)unused;
	assert_int_equal(decode(""), -EINVAL);
	assert_non_null(strstr(err, "vide"));
	assert_int_equal(receipt_base64_decode("Zm\0v", 4, out, sizeof out, &out_len, err,
					       sizeof err), -EINVAL);
	assert_non_null(strstr(err, "l'octet 0x00 à la position 2"));
	assert_int_equal(decode("Zm\xc3\xa9"), -EINVAL);
	assert_non_null(strstr(err, "l'octet 0xC3 à la position 2"));
}

static void test_output_room_is_checked_before_writing(void **unused)
{
	(void)unused;
	uint8_t small[5] = {0};

	assert_int_equal(receipt_base64_decode("Zm9vYmFy", 8, small, sizeof small, &out_len, err,
					       sizeof err), -ENOBUFS);
	assert_int_equal(out_len, 0);
	assert_memory_equal(small, ((uint8_t[5]){0}), 5);
	assert_int_equal(receipt_base64_decode("Zm9vYg==", 8, small, 4, &out_len, err, sizeof err),
			 0);
	assert_int_equal(out_len, 4);
}

static void test_decoded_max_covers_every_length(void **unused)
{
	(void)unused;
	assert_int_equal(receipt_base64_decoded_max(0), 0);
	assert_int_equal(receipt_base64_decoded_max(4), 3);
	assert_int_equal(receipt_base64_decoded_max(5), 6);
	assert_int_equal(receipt_base64_decoded_max(8), 6);
}

static void test_round_trip_of_every_byte_through_a_reference_encoder(void **unused)
{
	(void)unused;
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t bytes[256];
	char text[400];
	size_t t = 0;

	for (int i = 0; i < 256; i++)
		bytes[i] = (uint8_t)(255 - i);
	for (size_t i = 0; i < 255; i += 3) {
		uint32_t g = (uint32_t)bytes[i] << 16 | (uint32_t)bytes[i + 1] << 8 | bytes[i + 2];
		for (int k = 3; k >= 0; k--)
			text[t++] = alphabet[(g >> (6 * k)) & 63];
	}
	/* the 256th byte alone: two characters and "==" */
	text[t++] = alphabet[bytes[255] >> 2];
	text[t++] = alphabet[(bytes[255] & 3) << 4];
	text[t++] = '=';
	text[t++] = '=';
	assert_int_equal(receipt_base64_decode(text, t, out, sizeof out, &out_len, err, sizeof err),
			 0);
	assert_int_equal(out_len, 256);
	assert_memory_equal(out, bytes, 256);
	/* in place, as the daemon decodes the receipt in the request's body */
	assert_int_equal(receipt_base64_decode(text, t, (uint8_t *)text, t, &out_len, err,
					       sizeof err),
			 0);
	assert_int_equal(out_len, 256);
	assert_memory_equal(text, bytes, 256);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors_decode),
		cmocka_unit_test(test_every_byte_value_and_the_plus_and_slash_characters_decode),
		cmocka_unit_test(
			test_data_url_prefix_is_refused_saying_to_send_what_follows_the_comma),
		cmocka_unit_test(test_whitespace_anywhere_is_refused_naming_it_and_its_offset),
		cmocka_unit_test(test_url_safe_alphabet_is_refused),
		cmocka_unit_test(test_missing_padding_is_refused_as_not_a_multiple_of_4),
		cmocka_unit_test(test_padding_anywhere_but_the_end_is_refused),
		cmocka_unit_test(test_non_zero_unused_bits_before_padding_are_refused),
		cmocka_unit_test(test_empty_text_and_nul_and_high_bytes_are_refused),
		cmocka_unit_test(test_output_room_is_checked_before_writing),
		cmocka_unit_test(test_decoded_max_covers_every_length),
		cmocka_unit_test(test_round_trip_of_every_byte_through_a_reference_encoder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
