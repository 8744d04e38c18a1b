/* Unit tests of receipt_print_jpeg and receipt_measure_jpeg on JPEGs made
 * here with libjpeg: exact bytes for tiny images (centred, scaled), and
 * every refusal: not a JPEG, cut short, corrupt, a header claiming 60000 x
 * 60000, zero width, progressive, CMYK, a failing sink, bad options. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jpeglib.h>

#include "receipt/receipt.h"

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})
/* actual holds exactly the bytes listed, at its start */
#define EXPECT_BYTES(actual, ...)                                       \
	do {                                                            \
		const uint8_t expected_[] = {__VA_ARGS__};                   \
		assert_memory_equal(actual, expected_, sizeof expected_);     \
	} while (0)

enum kind { GREY, YCBCR, RGB, CMYK, PROGRESSIVE, ARITHMETIC };

/* pixel(x, y): the grey level of the test picture */
typedef uint8_t (*picture_fn)(unsigned x, unsigned y, unsigned width);

static uint8_t left_half_black(unsigned x, unsigned y, unsigned width)
{
	(void)y;
	return x < width / 2 ? 0 : 255;
}

static uint8_t all_black(unsigned x, unsigned y, unsigned width)
{
	(void)x, (void)y, (void)width;
	return 0;
}

struct jpeg {
	unsigned char *data;
	unsigned long len;
};

static struct jpeg make_jpeg(unsigned width, unsigned height, enum kind kind, picture_fn pixel)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	struct jpeg out = {NULL, 0};
	int components = kind == GREY ? 1 : kind == CMYK ? 4 : 3;
	unsigned char *row = malloc((size_t)width * components);

	c.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out.data, &out.len);
	c.image_width = width;
	c.image_height = height;
	c.input_components = components;
	c.in_color_space = kind == GREY ? JCS_GRAYSCALE : kind == CMYK ? JCS_CMYK : JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 100, TRUE);
	if (kind == RGB)
		jpeg_set_colorspace(&c, JCS_RGB);
	if (kind == PROGRESSIVE)
		jpeg_simple_progression(&c);
	if (kind == ARITHMETIC)
		c.arith_code = TRUE;
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < height) {
		for (unsigned x = 0; x < width; x++)
			for (int k = 0; k < components; k++)
				row[x * components + k] = kind == CMYK ? 255 - pixel(x, c.next_scanline, width)
									: pixel(x, c.next_scanline, width);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	return out;
}

static struct {
	uint8_t data[1 << 20];
	size_t len, calls;
	size_t fail_after; /* refuse once this many bytes were taken (0: never) */
} printer;

static int to_printer(void *context, const uint8_t *bytes, size_t len, char *err, size_t errlen)
{
	(void)context;
	if (printer.fail_after && printer.len + len > printer.fail_after) {
		snprintf(err, errlen, "printer tcp://10.0.0.5:9100: connection reset");
		return -ECONNRESET;
	}
	assert_true(printer.len + len <= sizeof printer.data);
	memcpy(printer.data + printer.len, bytes, len);
	printer.len += len;
	printer.calls++;
	return 0;
}

static struct receipt_options options;
static struct receipt_result result;
static char err[512];

static int print(const uint8_t *jpeg, size_t len)
{
	printer.len = printer.calls = 0;
	err[0] = '\0';
	return receipt_print_jpeg(jpeg, len, &options, to_printer, NULL, &result, err, sizeof err);
}

static int print_jpeg(struct jpeg j)
{
	int rc = print(j.data, j.len);

	free(j.data);
	return rc;
}

static int setup(void **unused)
{
	(void)unused;
	receipt_options_init(&options);
	printer.fail_after = 0;
	return 0;
}

/* The offset of the SOF marker's height field (SOF0, SOF1, SOF2: FF C0..C2). */
static size_t sof_dimensions(const struct jpeg *j)
{
	for (size_t i = 2; i + 9 < j->len; i++)
		if (j->data[i] == 0xFF && j->data[i + 1] >= 0xC0 && j->data[i + 1] <= 0xC2)
			return i + 5;
	fail_msg("no SOF marker");
	return 0;
}

static void set_dimensions(struct jpeg *j, unsigned width, unsigned height)
{
	size_t at = sof_dimensions(j);

	j->data[at] = (uint8_t)(height >> 8);
	j->data[at + 1] = (uint8_t)height;
	j->data[at + 2] = (uint8_t)(width >> 8);
	j->data[at + 3] = (uint8_t)width;
}

static void test_default_options_are_512_dots_partial_cut_255_row_bands(void **unused)
{
	(void)unused;
	assert_int_equal(options.dot_width, 512);
	assert_int_equal(options.cut, RECEIPT_CUT_PARTIAL);
	assert_int_equal(options.band_rows, 255);
	assert_int_equal(options.feed_lines, 0);
	assert_int_equal(options.bw, RECEIPT_BW_EDGE_DITHER);
	assert_int_equal(receipt_options_check(&options, err, sizeof err), 0);
}

static void test_narrow_image_is_centred_on_the_paper_exact_bytes(void **unused)
{
	(void)unused;
	options.dot_width = 32;
	/* 8 x 2 black on 32 dots: 12 white dots, 8 black, 12 white */
	assert_int_equal(print_jpeg(make_jpeg(8, 2, GREY, all_black)), 0);
	assert_int_equal(printer.len, 2 + 8 + 8 + 2 * 4 + 8 + 4);
	EXPECT_BYTES(printer.data, 0x1B, 0x40, 0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x00,
		     0x1D, 0x76, 0x30, 0x00, 0x04, 0x00, 0x02, 0x00, 0x00, 0x0F, 0xF0, 0x00, 0x00,
		     0x0F, 0xF0, 0x00, 0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x01, 0x1D, 0x56,
		     0x42, 0x00);
	assert_int_equal(result.reason, RECEIPT_OK);
	assert_int_equal(result.image_width, 8);
	assert_int_equal(result.bands, 1);
	assert_int_equal(result.bytes, printer.len);
}

static void check_left_half_rows(unsigned rows, unsigned width_bytes)
{
	EXPECT_BYTES(printer.data + 10, 0x1D, 0x76, 0x30, 0x00);
	assert_int_equal(printer.data[14], width_bytes);
	assert_int_equal(printer.data[16], rows);
	for (unsigned y = 0; y < rows; y++)
		for (unsigned x = 0; x < width_bytes; x++)
			assert_int_equal(printer.data[18 + y * width_bytes + x],
					 x < width_bytes / 2 ? 0xFF : 0x00);
}

static void test_image_at_the_dot_width_prints_one_dot_per_pixel(void **unused)
{
	(void)unused;
	options.dot_width = 32;
	assert_int_equal(print_jpeg(make_jpeg(32, 16, GREY, left_half_black)), 0);
	check_left_half_rows(16, 4);
	assert_int_equal(result.image_height, 16);
}

static void test_wider_image_is_scaled_down_keeping_proportions(void **unused)
{
	(void)unused;
	options.dot_width = 32;
	/* 64 x 16 -> 32 x 8 (libjpeg's DCT scaling by 4/8) */
	assert_int_equal(print_jpeg(make_jpeg(64, 16, YCBCR, left_half_black)), 0);
	check_left_half_rows(8, 4);
	assert_int_equal(result.jpeg_width, 64);
	assert_int_equal(result.image_width, 32);
	assert_int_equal(result.image_height, 8);
	/* 48 x 24 -> 32 x 16 (the area-average scaler alone, 3:2) */
	assert_int_equal(print_jpeg(make_jpeg(48, 24, YCBCR, left_half_black)), 0);
	check_left_half_rows(16, 4);
	/* 576 x 100 -> 512 x 89, 9:8 */
	options.dot_width = 512;
	assert_int_equal(print_jpeg(make_jpeg(576, 100, YCBCR, left_half_black)), 0);
	assert_int_equal(result.image_height, 89);
	assert_int_equal(printer.len, 2 + 8 + 8 + 64 * 89 + 8 + 4);
}

static void test_grey_rgb_and_arithmetic_jpegs_print_the_same_dots(void **unused)
{
	(void)unused;
	uint8_t first[4096];
	size_t first_len;

	options.dot_width = 32;
	assert_int_equal(print_jpeg(make_jpeg(32, 16, GREY, left_half_black)), 0);
	memcpy(first, printer.data, printer.len);
	first_len = printer.len;
	assert_int_equal(print_jpeg(make_jpeg(32, 16, RGB, left_half_black)), 0);
	assert_int_equal(printer.len, first_len);
	assert_memory_equal(printer.data, first, first_len);
	assert_int_equal(print_jpeg(make_jpeg(32, 16, ARITHMETIC, left_half_black)), 0);
	assert_memory_equal(printer.data, first, first_len);
}

static void test_measure_predicts_the_exact_byte_count_without_printing(void **unused)
{
	(void)unused;
	static const unsigned sizes[][2] = {{512, 1000}, {576, 300}, {384, 256}, {1200, 700}, {8, 1}};

	options.feed_lines = 3;
	options.band_rows = 100;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct jpeg j = make_jpeg(sizes[i][0], sizes[i][1], YCBCR, left_half_black);
		struct receipt_result measured;

		assert_int_equal(receipt_measure_jpeg(j.data, j.len, &options, &measured, err,
						      sizeof err), 0);
		assert_int_equal(print_jpeg(j), 0);
		assert_int_equal(measured.bytes, printer.len);
		assert_int_equal(measured.bands, result.bands);
		assert_int_equal(measured.image_height, result.image_height);
	}
}

static void test_into_a_buffer_of_the_measured_size_then_one_byte_less(void **unused)
{
	(void)unused;
	struct jpeg j = make_jpeg(100, 50, GREY, left_half_black);
	struct receipt_result measured;
	struct receipt_buffer buffer;

	assert_int_equal(receipt_measure_jpeg(j.data, j.len, &options, &measured, err, sizeof err),
			 0);
	buffer.data = malloc(measured.bytes);
	buffer.len = 0;
	buffer.capacity = measured.bytes;
	assert_int_equal(receipt_print_jpeg(j.data, j.len, &options, receipt_buffer_sink, &buffer,
					    &result, err, sizeof err), 0);
	assert_int_equal(buffer.len, measured.bytes);
	buffer.len = 0;
	buffer.capacity = measured.bytes - 1;
	assert_int_equal(receipt_print_jpeg(j.data, j.len, &options, receipt_buffer_sink, &buffer,
					    &result, err, sizeof err), -ENOBUFS);
	assert_int_equal(result.reason, RECEIPT_OUTPUT_FAILED);
	free(buffer.data);
	free(j.data);
}

static void test_not_a_jpeg_is_refused_naming_its_first_bytes(void **unused)
{
	(void)unused;
	assert_int_equal(print(BYTES(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)), -EINVAL);
	assert_int_equal(result.reason, RECEIPT_NOT_JPEG);
	assert_string_equal(err, "pas un JPEG : 8 octets commençant par 89 50 (un JPEG commence par "
				 "FF D8 FF)");
	assert_int_equal(print((const uint8_t *)"", 0), -EINVAL);
	assert_int_equal(result.reason, RECEIPT_NOT_JPEG);
	assert_int_equal(printer.len, 0);
	assert_string_equal(receipt_reason_name(RECEIPT_NOT_JPEG), "not_jpeg");
}

static void test_truncated_jpeg_is_refused_before_any_byte_is_sent(void **unused)
{
	(void)unused;
	struct jpeg j = make_jpeg(512, 200, YCBCR, left_half_black);

	assert_int_equal(print(j.data, j.len / 2), -EINVAL);
	assert_int_equal(result.reason, RECEIPT_CORRUPT_JPEG);
	assert_non_null(strstr(err, "JPEG coupé"));
	assert_int_equal(printer.calls, 0);
	free(j.data);
}

static void test_cut_jpeg_with_an_end_marker_glued_on_is_refused_as_corrupt(void **unused)
{
	(void)unused;
	struct jpeg j = make_jpeg(512, 600, YCBCR, left_half_black);
	size_t half = j.len / 2;

	j.data[half] = 0xFF;
	j.data[half + 1] = 0xD9;
	assert_int_equal(print(j.data, half + 2), -EINVAL);
	assert_int_equal(result.reason, RECEIPT_CORRUPT_JPEG);
	assert_non_null(strstr(err, "données JPEG corrompues ou coupées : « Corrupt JPEG data"));
	/* found while decoding: the first bands went, no cut */
	assert_int_equal(result.bytes, printer.len);
	assert_true(printer.len < 2 + 600 * 64);
	free(j.data);
}

static void test_header_claiming_60000_by_60000_is_refused_before_decoding(void **unused)
{
	(void)unused;
	struct jpeg j = make_jpeg(16, 16, YCBCR, left_half_black);

	set_dimensions(&j, 60000, 60000);
	assert_int_equal(print(j.data, j.len), -EFBIG);
	assert_int_equal(result.reason, RECEIPT_TOO_WIDE);
	assert_string_equal(err, "JPEG de 60000 x 60000 pixels : plus large que les 2048 permis "
				 "(réglage receipt_max_width)");
	assert_int_equal(printer.calls, 0);
	options.max_width = 65500;
	assert_int_equal(print(j.data, j.len), -EFBIG);
	assert_int_equal(result.reason, RECEIPT_TOO_TALL);
	assert_int_equal(result.jpeg_height, 60000);
	set_dimensions(&j, 16, 65535); /* past libjpeg's own 65500 */
	options.max_height = 65500;
	assert_int_equal(print(j.data, j.len), -EFBIG);
	assert_int_equal(result.reason, RECEIPT_TOO_TALL);
	assert_int_equal(printer.calls, 0);
	free(j.data);
}

static void test_zero_width_image_is_refused_as_empty(void **unused)
{
	(void)unused;
	struct jpeg j = make_jpeg(16, 16, YCBCR, left_half_black);

	set_dimensions(&j, 0, 16);
	assert_int_equal(print(j.data, j.len), -EINVAL);
	assert_int_equal(result.reason, RECEIPT_EMPTY_IMAGE);
	assert_non_null(strstr(err, "image vide"));
	assert_int_equal(printer.calls, 0);
	free(j.data);
}

static void test_progressive_and_cmyk_jpegs_are_refused_as_unsupported(void **unused)
{
	(void)unused;
	assert_int_equal(print_jpeg(make_jpeg(64, 64, PROGRESSIVE, left_half_black)), -ENOTSUP);
	assert_int_equal(result.reason, RECEIPT_UNSUPPORTED_JPEG);
	assert_non_null(strstr(err, "progressif"));
	assert_int_equal(print_jpeg(make_jpeg(64, 64, CMYK, left_half_black)), -ENOTSUP);
	assert_int_equal(result.reason, RECEIPT_UNSUPPORTED_JPEG);
	assert_non_null(strstr(err, "CMJN"));
	assert_int_equal(printer.calls, 0);
}

static void test_failing_printer_stops_the_job_with_its_error(void **unused)
{
	(void)unused;
	printer.fail_after = 20000;
	assert_int_equal(print_jpeg(make_jpeg(512, 1000, YCBCR, left_half_black)), -ECONNRESET);
	assert_int_equal(result.reason, RECEIPT_OUTPUT_FAILED);
	assert_string_equal(err, "printer tcp://10.0.0.5:9100: connection reset");
	assert_int_equal(result.bytes, RECEIPT_CHUNK_MAX);
}

static void test_bad_options_are_refused_naming_the_option(void **unused)
{
	(void)unused;
	static const uint8_t soi[] = {0xFF, 0xD8, 0xFF, 0xD9};

	options.dot_width = 500;
	assert_int_equal(print(soi, sizeof soi), -EINVAL);
	assert_int_equal(result.reason, RECEIPT_BAD_OPTIONS);
	assert_non_null(strstr(err, "largeur du ticket de 500 points"));
	options.dot_width = 512;
	options.band_rows = 0;
	assert_int_equal(receipt_options_check(&options, err, sizeof err), -EINVAL);
	options.band_rows = 2304;
	assert_int_equal(receipt_options_check(&options, err, sizeof err), -EINVAL);
	options.band_rows = 2303;
	options.feed_lines = 256;
	assert_int_equal(receipt_options_check(&options, err, sizeof err), -EINVAL);
	options.feed_lines = 255;
	assert_int_equal(receipt_options_check(&options, err, sizeof err), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup(name, setup)
	const struct CMUnitTest tests[] = {
		T(test_default_options_are_512_dots_partial_cut_255_row_bands),
		T(test_narrow_image_is_centred_on_the_paper_exact_bytes),
		T(test_image_at_the_dot_width_prints_one_dot_per_pixel),
		T(test_wider_image_is_scaled_down_keeping_proportions),
		T(test_grey_rgb_and_arithmetic_jpegs_print_the_same_dots),
		T(test_measure_predicts_the_exact_byte_count_without_printing),
		T(test_into_a_buffer_of_the_measured_size_then_one_byte_less),
		T(test_not_a_jpeg_is_refused_naming_its_first_bytes),
		T(test_truncated_jpeg_is_refused_before_any_byte_is_sent),
		T(test_cut_jpeg_with_an_end_marker_glued_on_is_refused_as_corrupt),
		T(test_header_claiming_60000_by_60000_is_refused_before_decoding),
		T(test_zero_width_image_is_refused_as_empty),
		T(test_progressive_and_cmyk_jpegs_are_refused_as_unsupported),
		T(test_failing_printer_stops_the_job_with_its_error),
		T(test_bad_options_are_refused_naming_the_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
