/* Unit tests of the receipt pipeline's pure stages on tiny synthetic rows:
 * the area-average scaler, black and white (threshold, Floyd-Steinberg,
 * contrast curve) with exact expected bits, and the ESC/POS framing with
 * exact expected bytes (GS v 0 bands, ESC d, GS V). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "receipt/receipt_internal.h"

#define BYTES(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})
/* actual holds exactly the bytes listed, at its start */
#define EXPECT_BYTES(actual, ...)                                       \
	do {                                                            \
		const uint8_t expected_[] = {__VA_ARGS__};                   \
		assert_memory_equal(actual, expected_, sizeof expected_);     \
	} while (0)

/* --- scaler --- */

struct rows {
	uint8_t data[64][64];
	unsigned count, width;
};

static int collect(void *context, const uint8_t *row)
{
	struct rows *rows = context;

	assert_true(rows->count < 64);
	memcpy(rows->data[rows->count++], row, rows->width);
	return 0;
}

static void scale(const uint8_t *pixels, unsigned in_w, unsigned in_h, unsigned out_w,
		  unsigned out_h, struct rows *rows)
{
	struct receipt_scaler scaler;

	memset(rows, 0, sizeof(*rows));
	rows->width = out_w;
	assert_int_equal(receipt_scaler_init(&scaler, in_w, in_h, out_w, out_h), 0);
	for (unsigned y = 0; y < in_h; y++)
		assert_int_equal(receipt_scaler_push(&scaler, pixels + y * in_w, collect, rows), 0);
	receipt_scaler_free(&scaler);
	assert_int_equal(rows->count, out_h);
}

static void test_scaler_halves_by_the_mean_of_each_2x2_block(void **unused)
{
	(void)unused;
	static const uint8_t in[] = {0, 100, 200, 255, 0, 100, 200, 255};
	struct rows rows;

	scale(in, 4, 2, 2, 1, &rows);
	assert_int_equal(rows.data[0][0], 50);
	assert_int_equal(rows.data[0][1], 228); /* 227.5 rounds up */
}

static void test_scaler_shares_a_pixel_between_the_outputs_it_overlaps(void **unused)
{
	(void)unused;
	/* 3 -> 2: the middle pixel is half in each output; each output is
	 * (1.0 * outer + 0.5 * middle) / 1.5 */
	static const uint8_t in[] = {0, 255, 0};
	struct rows rows;

	scale(in, 3, 1, 2, 1, &rows);
	assert_int_equal(rows.data[0][0], 85);
	assert_int_equal(rows.data[0][1], 85);
}

static void test_scaler_emits_exactly_the_output_rows_for_uneven_ratios(void **unused)
{
	(void)unused;
	uint8_t in[13 * 7];
	struct rows rows;

	for (size_t i = 0; i < sizeof in; i++)
		in[i] = 200;
	scale(in, 7, 13, 3, 5, &rows);
	for (unsigned y = 0; y < 5; y++)
		for (unsigned x = 0; x < 3; x++)
			assert_int_equal(rows.data[y][x], 200); /* a flat grey stays flat */
	scale(in, 7, 13, 7, 13, &rows); /* 1:1 passes through */
	assert_int_equal(rows.data[12][6], 200);
}

static void test_scaler_keeps_a_vertical_edge_sharp_on_whole_ratios(void **unused)
{
	(void)unused;
	uint8_t in[4 * 8];
	struct rows rows;

	for (unsigned y = 0; y < 4; y++)
		for (unsigned x = 0; x < 8; x++)
			in[y * 8 + x] = x < 4 ? 0 : 255;
	scale(in, 8, 4, 4, 2, &rows);
	EXPECT_BYTES(rows.data[0], 0, 0, 255, 255);
	EXPECT_BYTES(rows.data[1], 0, 0, 255, 255);
}

/* The same picture through the scaler with its sums in 32 bits (what a
 * receipt's size allows) and in 64 (what a huge JPEG needs): the same
 * dots, whether the taps are a fixed number per dot or not. */
static void scale_wide_sums(const uint8_t *pixels, unsigned in_w, unsigned in_h, unsigned out_w,
			    unsigned out_h, bool narrow, struct rows *rows)
{
	struct receipt_scaler scaler;

	memset(rows, 0, sizeof(*rows));
	rows->width = out_w;
	assert_int_equal(receipt_scaler_init(&scaler, in_w, in_h, out_w, out_h), 0);
	assert_true(scaler.narrow);
	scaler.narrow = narrow;
	for (unsigned y = 0; y < in_h; y++)
		assert_int_equal(receipt_scaler_push(&scaler, pixels + y * in_w, collect, rows), 0);
	receipt_scaler_free(&scaler);
	assert_int_equal(rows->count, out_h);
}

static void test_scaler_means_are_the_same_in_32_and_64_bits(void **unused)
{
	(void)unused;
	static const unsigned sizes[][4] = {{61, 47, 23, 17}, {61, 47, 13, 10}, {200, 9, 199, 8}};
	static struct rows a, b;
	uint8_t in[200 * 47];
	uint32_t seed = 12345;

	for (size_t i = 0; i < sizeof in; i++) {
		seed = seed * 1103515245u + 12345u;
		in[i] = (uint8_t)(seed >> 16);
	}
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		scale_wide_sums(in, sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3], true, &a);
		scale_wide_sums(in, sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3], false, &b);
		assert_memory_equal(a.data, b.data, sizeof a.data);
	}
}

/* Widths whose ratio reduces to P + 1 : P (576 to 512 is 9 : 8) take the
 * scaler's periodic blocks; the same picture through its general taps
 * (period 0) must give the same dots, at any height ratio, a dot row made
 * of one input row (same height) included. */
static void scale_by(const uint8_t *pixels, unsigned in_w, unsigned in_h, unsigned out_w,
		     unsigned out_h, bool periodic, bool doubles, struct rows *rows)
{
	struct receipt_scaler scaler;

	memset(rows, 0, sizeof(*rows));
	rows->width = out_w;
	assert_int_equal(receipt_scaler_init(&scaler, in_w, in_h, out_w, out_h), 0);
	assert_int_not_equal(scaler.period, 0);
	if (!periodic)
		scaler.period = 0;
	else if (doubles)
		scaler.magic = 0;
	for (unsigned y = 0; y < in_h; y++)
		assert_int_equal(receipt_scaler_push(&scaler, pixels + y * in_w, collect, rows), 0);
	receipt_scaler_free(&scaler);
	assert_int_equal(rows->count, out_h);
}

static void test_scaler_periodic_blocks_make_the_same_dots_as_the_taps(void **unused)
{
	(void)unused;
	static const unsigned sizes[][4] = {
		{72, 100, 64, 64}, {72, 71, 64, 63}, {72, 64, 64, 64}, {48, 90, 32, 60},
		{64, 50, 48, 37},  {18, 3, 16, 1},   {2, 40, 1, 39},   {72, 127, 64, 64},
	};
	static struct rows a, b;
	static uint8_t in[72 * 127];
	uint32_t seed = 777;

	for (size_t i = 0; i < sizeof in; i++) {
		seed = seed * 1103515245u + 12345u;
		/* noise, with runs of paper and ink where the sums are extreme */
		in[i] = i % 97 < 20 ? 255 : i % 89 < 10 ? 0 : (uint8_t)(seed >> 16);
	}
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		scale_by(in, sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3], true, false, &a);
		scale_by(in, sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3], false, false, &b);
		assert_memory_equal(a.data, b.data, sizeof a.data);
		/* the means in doubles rather than by make_magic's multiply */
		scale_by(in, sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3], true, true, &b);
		assert_memory_equal(a.data, b.data, sizeof a.data);
	}
}

/* The periodic blocks' means by a multiply (make_magic) are round(total /
 * area), halves up, for every total a dot can have: all of them for the
 * 576 x 3000 receipt at 512 dots (area 3000 x 9), and around every half for
 * the largest area it takes, whose magic needs the most bits. */
static unsigned magic_mean(const struct receipt_scaler *s, uint32_t total)
{
	return (unsigned)((((uint64_t)(2 * total + s->area) * s->magic) >> 32) >> s->magic_shift);
}

static void test_scaler_means_by_multiply_are_exact(void **unused)
{
	(void)unused;
	struct receipt_scaler s;

	assert_int_equal(receipt_scaler_init(&s, 576, 3000, 512, 2667), 0);
	assert_int_equal(s.period, 8);
	assert_int_equal(s.area, 3000 * 9);
	assert_int_not_equal(s.magic, 0);
	for (uint32_t t = 0; t <= 255u * s.area; t++)
		if (magic_mean(&s, t) != (2 * t + s.area) / (2 * s.area))
			fail_msg("total %u: %u", t, magic_mean(&s, t));
	receipt_scaler_free(&s);
	/* area 2^21 (d = 2^22, the largest): 16384 x 128 */
	assert_int_equal(receipt_scaler_init(&s, 128, 16384, 127, 1000), 0);
	assert_int_equal(s.area, 1u << 21);
	assert_int_not_equal(s.magic, 0);
	for (uint32_t q = 0; q <= 255; q++)
		for (uint32_t t = q * s.area; t <= 255u * s.area && t < q * s.area + s.area; t += 1) {
			if (t > q * s.area + 64 && t + 64 < q * s.area + s.area / 2)
				t = q * s.area + s.area / 2 - 64;
			if (t > q * s.area + s.area / 2 + 64 && t + 64 < q * s.area + s.area)
				t = q * s.area + s.area - 64;
			if (magic_mean(&s, t) != (2 * t + s.area) / (2 * s.area))
				fail_msg("total %u: %u", t, magic_mean(&s, t));
		}
	receipt_scaler_free(&s);
	/* beyond: the doubles */
	assert_int_equal(receipt_scaler_init(&s, 128, 16385, 127, 1000), 0);
	assert_int_equal(s.magic, 0);
	receipt_scaler_free(&s);
}

static int stop_at_second(void *context, const uint8_t *row)
{
	(void)row;
	return ++*(int *)context == 2 ? -EPIPE : 0;
}

static void test_scaler_stops_at_the_first_failure_of_emit(void **unused)
{
	(void)unused;
	static const uint8_t in[4] = {1, 2, 3, 4};
	struct receipt_scaler scaler;
	int calls = 0;

	assert_int_equal(receipt_scaler_init(&scaler, 1, 4, 1, 4), 0);
	assert_int_equal(receipt_scaler_push(&scaler, in, stop_at_second, &calls), 0);
	assert_int_equal(receipt_scaler_push(&scaler, in + 1, stop_at_second, &calls), -EPIPE);
	receipt_scaler_free(&scaler);
	assert_int_equal(calls, 2);
}

static void test_scaled_height_keeps_proportions_and_at_least_one_row(void **unused)
{
	(void)unused;
	assert_int_equal(receipt_scaled_height(1024, 400, 512), 200);
	assert_int_equal(receipt_scaled_height(576, 3000, 512), 2667);
	assert_int_equal(receipt_scaled_height(1000, 1, 512), 1);
	assert_int_equal(receipt_scaled_height(3000, 1, 8), 1);
}

/* --- black and white --- */

/* One row alone: it is its own neighbour above and below. */
static void bw_row(enum receipt_bw mode, const uint8_t *grey, unsigned width, uint8_t *dots)
{
	struct receipt_bw_state bw;

	assert_int_equal(receipt_bw_init(&bw, mode, width), 0);
	assert_int_equal(receipt_bw_push(&bw, grey, dots), 0);
	assert_int_equal(receipt_bw_finish(&bw, dots), 1);
	assert_int_equal(receipt_bw_finish(&bw, dots), 0);
	receipt_bw_free(&bw);
}

static void test_threshold_blackens_below_128_msb_first(void **unused)
{
	(void)unused;
	static const uint8_t grey[] = {0, 127, 128, 255, 10, 200, 90, 130, 0};
	uint8_t dots[2];

	bw_row(RECEIPT_BW_THRESHOLD, grey, 9, dots);
	EXPECT_BYTES(dots, 0xCA, 0x80); /* x0 x1 x4 x6 | x8, bits past 9 are 0 */
}

static void test_dither_first_row_diffuses_error_to_the_right(void **unused)
{
	(void)unused;
	/* 100: black (error +100 -> 7/16 right); 100 + 43.75: white; then
	 * 100 - 48.7: black; 100 + 22.4: black (by hand, in 1/16ths) */
	static const uint8_t grey[] = {100, 100, 100, 100};
	uint8_t dots[1];

	bw_row(RECEIPT_BW_DITHER, grey, 4, dots);
	assert_int_equal(dots[0], 0xB0);
}

static unsigned black_dots(enum receipt_bw mode, uint8_t level, unsigned size)
{
	struct receipt_bw_state bw;
	uint8_t grey[64], dots[8];
	unsigned black = 0;

	assert_true(size <= 64);
	memset(grey, level, size);
	assert_int_equal(receipt_bw_init(&bw, mode, size), 0);
	for (unsigned y = 0; y <= size; y++) {
		if (y < size ? !receipt_bw_push(&bw, grey, dots) : !receipt_bw_finish(&bw, dots))
			continue;
		for (unsigned x = 0; x < size; x++)
			black += (dots[x / 8] >> (7 - x % 8)) & 1;
	}
	receipt_bw_free(&bw);
	return black;
}

static void test_dither_renders_a_flat_grey_with_its_share_of_black(void **unused)
{
	(void)unused;
	/* 64 x 64 = 4096 dots: grey g gives about (255 - g) / 255 black */
	unsigned quarter = black_dots(RECEIPT_BW_DITHER, 191, 64);
	unsigned half = black_dots(RECEIPT_BW_DITHER, 128, 64);

	assert_in_range(quarter, 4096 / 4 - 60, 4096 / 4 + 60);
	assert_in_range(half, 4096 / 2 - 60, 4096 / 2 + 60);
	assert_int_equal(black_dots(RECEIPT_BW_THRESHOLD, 128, 64), 0);
	assert_int_equal(black_dots(RECEIPT_BW_THRESHOLD, 127, 64), 4096);
}

static void test_pure_white_and_black_stay_so_in_every_mode(void **unused)
{
	(void)unused;
	for (int mode = RECEIPT_BW_EDGE_DITHER; mode <= RECEIPT_BW_CONTRAST_DITHER; mode++) {
		assert_int_equal(black_dots((enum receipt_bw)mode, 255, 64), 0);
		assert_int_equal(black_dots((enum receipt_bw)mode, 0, 64), 4096);
	}
}

static void test_near_white_jpeg_noise_speckles_plain_dither_not_contrast_dither(void **unused)
{
	(void)unused;
	/* 245 is the light halo JPEG leaves around text: plain Floyd-Steinberg
	 * prints 4 % of it as scattered dots, the contrast curve none */
	assert_true(black_dots(RECEIPT_BW_DITHER, 245, 64) > 100);
	assert_int_equal(black_dots(RECEIPT_BW_CONTRAST_DITHER, 245, 64), 0);
	assert_int_equal(black_dots(RECEIPT_BW_CONTRAST_DITHER, 60, 64), 4096);
	assert_int_equal(black_dots(RECEIPT_BW_THRESHOLD, 245, 64), 0);
}

static void test_edge_dither_keeps_a_glyph_edge_where_plain_dither_smears_it(void **unused)
{
	(void)unused;
	/* a glyph's edge: black, then two anti-aliased 150s, then paper. Plain
	 * Floyd-Steinberg leaves the first 150 white and carries its error into
	 * a dot on the second, one pixel outside the glyph (0xE8); the edge
	 * dither thresholds every pixel whose 3 x 3 neighbourhood spans 64
	 * levels or more, as the threshold does (0xE0) */
	static const uint8_t grey[16] = {0,   0,   0,   150, 150, 255, 255, 255,
					 255, 255, 255, 255, 255, 255, 255, 255};
	uint8_t dots[2];

	bw_row(RECEIPT_BW_DITHER, grey, 16, dots);
	EXPECT_BYTES(dots, 0xE8, 0x00);
	bw_row(RECEIPT_BW_EDGE_DITHER, grey, 16, dots);
	EXPECT_BYTES(dots, 0xE0, 0x00);
	bw_row(RECEIPT_BW_THRESHOLD, grey, 16, dots);
	EXPECT_BYTES(dots, 0xE0, 0x00);
}

static void test_edge_dither_renders_flat_grey_as_the_dither_does(void **unused)
{
	(void)unused;
	assert_int_equal(black_dots(RECEIPT_BW_EDGE_DITHER, 128, 64),
			 black_dots(RECEIPT_BW_DITHER, 128, 64));
	assert_int_equal(black_dots(RECEIPT_BW_EDGE_DITHER, 191, 64),
			 black_dots(RECEIPT_BW_DITHER, 191, 64));
}

static void test_rows_come_out_one_behind_with_the_row_below_seen(void **unused)
{
	(void)unused;
	/* a one-pixel horizontal line of grey 100 between white rows: an
	 * edge (contrast 155), so thresholded black, only on its own row */
	static const uint8_t white[8] = {255, 255, 255, 255, 255, 255, 255, 255};
	static const uint8_t line[8] = {100, 100, 100, 100, 100, 100, 100, 100};
	struct receipt_bw_state bw;
	uint8_t dots[1];

	assert_int_equal(receipt_bw_init(&bw, RECEIPT_BW_EDGE_DITHER, 8), 0);
	assert_int_equal(receipt_bw_push(&bw, white, dots), 0);
	assert_int_equal(receipt_bw_push(&bw, line, dots), 1);
	assert_int_equal(dots[0], 0x00); /* row 0 */
	assert_int_equal(receipt_bw_push(&bw, white, dots), 1);
	assert_int_equal(dots[0], 0xFF); /* row 1, the line, every dot */
	assert_int_equal(receipt_bw_finish(&bw, dots), 1);
	assert_int_equal(dots[0], 0x00); /* row 2 */
	receipt_bw_free(&bw);
}

static void test_paper_absorbs_the_error_of_a_grey_band_beside_it(void **unused)
{
	(void)unused;
	/* a band of grey 128, 8 dots wide, on white: its dots stay in the band;
	 * the error it owes stops at the paper instead of travelling through it
	 * into stray dots (256 of the 512 dots, half, are black) */
	struct receipt_bw_state bw;
	uint8_t grey[64], dots[8];
	unsigned in_band = 0, outside = 0;

	memset(grey, 255, sizeof grey);
	memset(grey + 16, 128, 8);
	assert_int_equal(receipt_bw_init(&bw, RECEIPT_BW_DITHER, 64), 0);
	for (unsigned y = 0; y <= 64; y++) {
		if (y < 64 ? !receipt_bw_push(&bw, grey, dots) : !receipt_bw_finish(&bw, dots))
			continue;
		for (int k = 0; k < 8; k++) {
			for (int bit = 0; bit < 8; bit++)
				in_band += k == 2 && (dots[k] >> bit & 1);
			outside += k != 2 && dots[k] != 0;
		}
	}
	receipt_bw_free(&bw);
	assert_in_range(in_band, 512 / 4, 512 / 2 + 16);
	assert_int_equal(outside, 0);
}

static void test_contrast_curve_is_0_then_linear_then_255(void **unused)
{
	(void)unused;
	assert_int_equal(receipt_contrast(0), 0);
	assert_int_equal(receipt_contrast(RECEIPT_CONTRAST_BLACK), 0);
	assert_int_equal(receipt_contrast(RECEIPT_CONTRAST_BLACK + 1), 2);
	assert_int_equal(receipt_contrast(140), 128);
	assert_int_equal(receipt_contrast(RECEIPT_CONTRAST_WHITE - 1), 253);
	assert_int_equal(receipt_contrast(RECEIPT_CONTRAST_WHITE), 255);
	for (int g = 1; g < 256; g++)
		assert_true(receipt_contrast((uint8_t)g) >= receipt_contrast((uint8_t)(g - 1)));
}

/* --- framing --- */

struct capture {
	uint8_t data[1 << 20];
	size_t len, calls, largest;
	size_t fail_after; /* refuse once this many bytes were taken (0: never) */
};

static int capture_sink(void *context, const uint8_t *bytes, size_t len, char *err,
			size_t errlen)
{
	struct capture *c = context;

	if (c->fail_after && c->len + len > c->fail_after) {
		snprintf(err, errlen, "printer gone");
		return -EPIPE;
	}
	assert_true(c->len + len <= sizeof c->data);
	memcpy(c->data + c->len, bytes, len);
	c->len += len;
	c->calls++;
	c->largest = len > c->largest ? len : c->largest;
	return 0;
}

static struct capture capture;
static char err[256];

static int frame(unsigned width_bytes, unsigned rows, unsigned band_rows, unsigned feed,
		 enum receipt_cut cut)
{
	struct receipt_raster *raster = malloc(sizeof(*raster));
	uint8_t row[64];
	int rc;

	memset(&capture.data, 0, capture.len);
	capture.len = capture.calls = capture.largest = 0;
	rc = receipt_raster_begin(raster, capture_sink, &capture, width_bytes, rows, band_rows,
				  err, sizeof err);
	for (unsigned y = 0; rc == 0 && y < rows; y++) {
		for (unsigned x = 0; x < width_bytes; x++)
			row[x] = (uint8_t)(0x10 * (y + 1) + x);
		rc = receipt_raster_row(raster, row, err, sizeof err);
	}
	if (rc == 0)
		rc = receipt_raster_end(raster, feed, cut, err, sizeof err);
	free(raster);
	return rc;
}

/* GS ( D pL pH m a b: the real-time pulse (DLE DC4 1) off, then on again */
#define PULSE_OFF 0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x00
#define PULSE_ON 0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x01

static void test_small_image_frames_as_esc_at_bands_feed_and_partial_cut(void **unused)
{
	(void)unused;
	assert_int_equal(frame(2, 3, 2, 3, RECEIPT_CUT_PARTIAL), 0);
	assert_int_equal(capture.len, receipt_raster_size(2, 3, 2, 3, RECEIPT_CUT_PARTIAL));
	EXPECT_BYTES(capture.data, 0x1B, 0x40,                             /* ESC @ */
		     PULSE_OFF,                                            /* GS ( D ... 0 */
		     0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00,       /* 2 x 2 */
		     0x10, 0x11, 0x20, 0x21,                               /* rows 1, 2 */
		     0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x01, 0x00,       /* 2 x 1 */
		     0x30, 0x31,                                           /* row 3 */
		     PULSE_ON,                                             /* GS ( D ... 1 */
		     0x1B, 0x64, 0x03,                                     /* ESC d 3 */
		     0x1D, 0x56, 0x42, 0x00);                              /* GS V 66 0 */
	assert_int_equal(capture.len, 2 + 8 + 8 + 4 + 8 + 2 + 8 + 3 + 4);
}

static void test_image_data_cannot_pulse_the_drawer_while_it_is_sent(void **unused)
{
	(void)unused;
	/* a row of dots that reads DLE DC4 1 0 8, the real-time pulse: the
	 * printer takes it as data only while GS ( D has the pulse disabled */
	struct receipt_raster *raster = malloc(sizeof(*raster));
	static const uint8_t pulse_like[5] = {0x10, 0x14, 0x01, 0x00, 0x08};
	size_t off = 0, on = 0;

	capture.len = 0;
	assert_int_equal(receipt_raster_begin(raster, capture_sink, &capture, 5, 1, 8, err,
					      sizeof err), 0);
	assert_int_equal(receipt_raster_row(raster, pulse_like, err, sizeof err), 0);
	assert_int_equal(receipt_raster_end(raster, 0, RECEIPT_CUT_NONE, err, sizeof err), 0);
	free(raster);
	for (size_t i = 0; i + 8 <= capture.len; i++) {
		if (memcmp(capture.data + i, ((uint8_t[]){PULSE_OFF}), 8) == 0)
			off = i + 1;
		if (memcmp(capture.data + i, ((uint8_t[]){PULSE_ON}), 8) == 0)
			on = i + 1;
	}
	assert_true(off > 0 && on > 0);
	assert_true(off - 1 < 18 && on - 1 == 18 + 5); /* before the data, just after it */
	assert_memory_equal(capture.data + 18, pulse_like, 5);
}

static void test_full_cut_is_gs_v_65_0_and_none_sends_no_gs_v(void **unused)
{
	(void)unused;
	assert_int_equal(frame(1, 1, 255, 0, RECEIPT_CUT_FULL), 0);
	EXPECT_BYTES(capture.data, 0x1B, 0x40, PULSE_OFF, 0x1D, 0x76, 0x30, 0x00, 0x01, 0x00,
		     0x01, 0x00, 0x10, PULSE_ON, 0x1D, 0x56, 0x41, 0x00);
	assert_int_equal(capture.len, 31);
	assert_int_equal(frame(1, 1, 255, 4, RECEIPT_CUT_NONE), 0);
	EXPECT_BYTES(capture.data, 0x1B, 0x40, PULSE_OFF, 0x1D, 0x76, 0x30, 0x00, 0x01, 0x00,
		     0x01, 0x00, 0x10, PULSE_ON, 0x1B, 0x64, 0x04);
	assert_int_equal(capture.len, 30);
	assert_int_equal(receipt_raster_size(1, 1, 255, 4, RECEIPT_CUT_NONE), 30);
}

static void test_band_heights_use_yh_past_255_rows(void **unused)
{
	(void)unused;
	assert_int_equal(frame(1, 600, 300, 0, RECEIPT_CUT_NONE), 0);
	EXPECT_BYTES(capture.data + 10, 0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x2C, 0x01);
	EXPECT_BYTES(capture.data + 10 + 8 + 300, 0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x2C, 0x01);
	assert_int_equal(capture.len, 10 + 2 * 8 + 600 + 8);
}

static void test_bands_of_255_rows_for_a_tall_image_in_chunks_of_at_most_16k(void **unused)
{
	(void)unused;
	size_t pos = 10;

	assert_int_equal(frame(64, 1000, 255, 0, RECEIPT_CUT_PARTIAL), 0);
	assert_int_equal(capture.len, receipt_raster_size(64, 1000, 255, 0, RECEIPT_CUT_PARTIAL));
	for (unsigned band = 0, left = 1000; left > 0; band++) {
		unsigned y = left < 255 ? left : 255;

		EXPECT_BYTES(capture.data + pos, 0x1D, 0x76, 0x30, 0x00, 64, 0, (uint8_t)y, 0);
		pos += 8 + (size_t)64 * y;
		left -= y;
	}
	assert_int_equal(pos + 8 + 4, capture.len);
	assert_true(capture.largest <= RECEIPT_CHUNK_MAX);
	assert_true(capture.calls >= capture.len / RECEIPT_CHUNK_MAX);
}

static void test_sink_failure_stops_the_job_with_its_errno(void **unused)
{
	(void)unused;
	capture.fail_after = 20000;
	assert_int_equal(frame(64, 1000, 255, 0, RECEIPT_CUT_PARTIAL), -EPIPE);
	capture.fail_after = 0;
	assert_string_equal(err, "printer gone");
	assert_int_equal(capture.len, RECEIPT_CHUNK_MAX); /* the one chunk taken */
}

static void test_rows_past_the_declared_height_or_missing_are_refused(void **unused)
{
	(void)unused;
	struct receipt_raster *raster = malloc(sizeof(*raster));
	uint8_t row[1] = {0};

	assert_int_equal(receipt_raster_begin(raster, capture_sink, &capture, 1, 1, 8, err,
					      sizeof err), 0);
	assert_int_equal(receipt_raster_end(raster, 0, RECEIPT_CUT_NONE, err, sizeof err), -EINVAL);
	assert_int_equal(receipt_raster_row(raster, row, err, sizeof err), 0);
	assert_int_equal(receipt_raster_row(raster, row, err, sizeof err), -EINVAL);
	assert_int_equal(receipt_raster_begin(raster, capture_sink, &capture, 0, 1, 8, err,
					      sizeof err), -EINVAL);
	assert_int_equal(receipt_raster_begin(raster, capture_sink, &capture, 1, 1, 2304, err,
					      sizeof err), -EINVAL);
	free(raster);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scaler_halves_by_the_mean_of_each_2x2_block),
		cmocka_unit_test(test_scaler_shares_a_pixel_between_the_outputs_it_overlaps),
		cmocka_unit_test(test_scaler_emits_exactly_the_output_rows_for_uneven_ratios),
		cmocka_unit_test(test_scaler_keeps_a_vertical_edge_sharp_on_whole_ratios),
		cmocka_unit_test(test_scaler_means_are_the_same_in_32_and_64_bits),
		cmocka_unit_test(test_scaler_periodic_blocks_make_the_same_dots_as_the_taps),
		cmocka_unit_test(test_scaler_means_by_multiply_are_exact),
		cmocka_unit_test(test_scaler_stops_at_the_first_failure_of_emit),
		cmocka_unit_test(test_scaled_height_keeps_proportions_and_at_least_one_row),
		cmocka_unit_test(test_threshold_blackens_below_128_msb_first),
		cmocka_unit_test(test_dither_first_row_diffuses_error_to_the_right),
		cmocka_unit_test(test_dither_renders_a_flat_grey_with_its_share_of_black),
		cmocka_unit_test(test_pure_white_and_black_stay_so_in_every_mode),
		cmocka_unit_test(
			test_near_white_jpeg_noise_speckles_plain_dither_not_contrast_dither),
		cmocka_unit_test(test_edge_dither_keeps_a_glyph_edge_where_plain_dither_smears_it),
		cmocka_unit_test(test_edge_dither_renders_flat_grey_as_the_dither_does),
		cmocka_unit_test(test_rows_come_out_one_behind_with_the_row_below_seen),
		cmocka_unit_test(test_paper_absorbs_the_error_of_a_grey_band_beside_it),
		cmocka_unit_test(test_contrast_curve_is_0_then_linear_then_255),
		cmocka_unit_test(test_small_image_frames_as_esc_at_bands_feed_and_partial_cut),
		cmocka_unit_test(test_image_data_cannot_pulse_the_drawer_while_it_is_sent),
		cmocka_unit_test(test_full_cut_is_gs_v_65_0_and_none_sends_no_gs_v),
		cmocka_unit_test(test_band_heights_use_yh_past_255_rows),
		cmocka_unit_test(
			test_bands_of_255_rows_for_a_tall_image_in_chunks_of_at_most_16k),
		cmocka_unit_test(test_sink_failure_stops_the_job_with_its_errno),
		cmocka_unit_test(test_rows_past_the_declared_height_or_missing_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
