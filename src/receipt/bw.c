/* Grey rows to printer dots: a threshold, Floyd-Steinberg error diffusion
 * (two rows of error), a contrast curve before it, or the threshold on
 * edges and the dither elsewhere (which needs the row below: rows come out
 * one behind). docs/receipts.md says how the default was chosen. Pure. */
#include "receipt_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int receipt_bw_init(struct receipt_bw_state *bw, enum receipt_bw mode, unsigned width)
{
	memset(bw, 0, sizeof(*bw));
	bw->mode = mode;
	bw->width = width;
	bw->error_this = calloc(width + 2, sizeof(*bw->error_this));
	bw->error_next = calloc(width + 2, sizeof(*bw->error_next));
	bw->above = malloc(width);
	bw->row = malloc(width);
	bw->below = malloc(width);
	bw->low = malloc(width);
	bw->high = malloc(width);
	if (!bw->error_this || !bw->error_next || !bw->above || !bw->row || !bw->below ||
	    !bw->low || !bw->high) {
		receipt_bw_free(bw);
		return -ENOMEM;
	}
	return 0;
}

void receipt_bw_free(struct receipt_bw_state *bw)
{
	free(bw->error_this);
	free(bw->error_next);
	free(bw->above);
	free(bw->row);
	free(bw->below);
	free(bw->low);
	free(bw->high);
	bw->error_this = bw->error_next = NULL;
	bw->above = bw->row = bw->below = bw->low = bw->high = NULL;
}

/* Anti-aliased glyph edges and JPEG ringing around text are near-white or
 * near-black: they become white or black, and only real mid-tones (a logo,
 * a photo) are left for the dither to render. */
uint8_t receipt_contrast(uint8_t grey)
{
	if (grey <= RECEIPT_CONTRAST_BLACK)
		return 0;
	if (grey >= RECEIPT_CONTRAST_WHITE)
		return 255;
	return (uint8_t)(((unsigned)(grey - RECEIPT_CONTRAST_BLACK) * 255 +
			  (RECEIPT_CONTRAST_WHITE - RECEIPT_CONTRAST_BLACK) / 2) /
			 (RECEIPT_CONTRAST_WHITE - RECEIPT_CONTRAST_BLACK));
}

/* The darkest and lightest grey of each pixel's 3 x 3 neighbourhood, in
 * bw->low and bw->high (the image's edge repeats its last pixels). */
static void neighbourhood(struct receipt_bw_state *bw)
{
	unsigned w = bw->width;

	for (unsigned x = 0; x < w; x++) {
		uint8_t a = bw->above[x], b = bw->row[x], c = bw->below[x];
		uint8_t lo = a < b ? a : b, hi = a > b ? a : b;

		bw->low[x] = lo < c ? lo : c;
		bw->high[x] = hi > c ? hi : c;
	}
	for (unsigned x = 0, lo_left = bw->low[0], hi_left = bw->high[0]; x < w; x++) {
		unsigned lo = bw->low[x], hi = bw->high[x];
		unsigned lo_right = x + 1 < w ? bw->low[x + 1] : lo;
		unsigned hi_right = x + 1 < w ? bw->high[x + 1] : hi;
		unsigned new_lo = lo < lo_left ? lo : lo_left, new_hi = hi > hi_left ? hi : hi_left;

		lo_left = lo;
		hi_left = hi;
		bw->low[x] = (uint8_t)(new_lo < lo_right ? new_lo : lo_right);
		bw->high[x] = (uint8_t)(new_hi > hi_right ? new_hi : hi_right);
	}
}

/* Left to right on every row, the 7/16, 3/16, 5/16, 1/16 weights, as PIL's
 * convert("1") does; errors kept in 1/16ths. error_this[x + 1] is pixel x's.
 * RECEIPT_BW_EDGE_DITHER: a pixel whose neighbourhood spans at least
 * RECEIPT_EDGE_CONTRAST grey levels is on an edge (text, rules, bars): it
 * is thresholded and neither takes nor gives error, so glyphs keep their
 * outline and the JPEG noise beside them cannot add up into dots. */
static void dither_row(struct receipt_bw_state *bw, uint8_t *dots)
{
	int32_t *here = bw->error_this, *below = bw->error_next;
	bool curve = bw->mode == RECEIPT_BW_CONTRAST_DITHER, edges = bw->mode == RECEIPT_BW_EDGE_DITHER;

	if (edges)
		neighbourhood(bw);
	memset(below, 0, (bw->width + 2) * sizeof(*below));
	for (unsigned x = 0; x < bw->width; x++) {
		uint8_t grey = curve ? receipt_contrast(bw->row[x]) : bw->row[x];
		int32_t want, got, e;

		if (edges && bw->high[x] - bw->low[x] >= RECEIPT_EDGE_CONTRAST) {
			if (grey < 128)
				dots[x / 8] |= (uint8_t)(0x80 >> (x % 8));
			continue;
		}
		/* clipped to the grey range, as PIL does: a long run of black or
		 * white cannot bank error that then bleeds far along the row */
		want = grey * 16 + here[x + 1];
		want = want < 0 ? 0 : want > 255 * 16 ? 255 * 16 : want;
		got = want < 128 * 16 ? 0 : 255 * 16;
		e = want - got;
		if (got == 0)
			dots[x / 8] |= (uint8_t)(0x80 >> (x % 8));
		here[x + 2] += e * 7 / 16;
		below[x] += e * 3 / 16;
		below[x + 1] += e * 5 / 16;
		below[x + 2] += e / 16;
	}
	bw->error_this = below;
	bw->error_next = here;
}

/* Makes the dots of bw->row, its neighbours being bw->above and bw->below. */
static void make_dots(struct receipt_bw_state *bw, uint8_t *dots)
{
	memset(dots, 0, (bw->width + 7) / 8);
	if (bw->mode != RECEIPT_BW_THRESHOLD) {
		dither_row(bw, dots);
		return;
	}
	for (unsigned x = 0; x < bw->width; x++)
		if (bw->row[x] < 128)
			dots[x / 8] |= (uint8_t)(0x80 >> (x % 8));
}

int receipt_bw_push(struct receipt_bw_state *bw, const uint8_t *grey, uint8_t *dots)
{
	uint8_t *oldest = bw->above;

	if (bw->rows_in++ == 0) {
		/* the first row is its own row above */
		memcpy(bw->row, grey, bw->width);
		memcpy(bw->above, grey, bw->width);
		return 0;
	}
	memcpy(bw->below, grey, bw->width);
	make_dots(bw, dots);
	/* rotate: row becomes above, below becomes row */
	bw->above = bw->row;
	bw->row = bw->below;
	bw->below = oldest;
	return 1;
}

int receipt_bw_finish(struct receipt_bw_state *bw, uint8_t *dots)
{
	if (bw->rows_in == 0)
		return 0;
	/* the last row is its own row below */
	memcpy(bw->below, bw->row, bw->width);
	make_dots(bw, dots);
	bw->rows_in = 0;
	return 1;
}
