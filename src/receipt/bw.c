/* Grey rows to printer dots: a threshold, Floyd-Steinberg error diffusion
 * (two rows of error), or a contrast curve before it. docs/receipts.md says
 * how the default was chosen. Pure. */
#include "receipt_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int receipt_bw_init(struct receipt_bw_state *bw, enum receipt_bw mode, unsigned width)
{
	memset(bw, 0, sizeof(*bw));
	bw->mode = mode;
	bw->width = width;
	if (mode == RECEIPT_BW_THRESHOLD)
		return 0;
	bw->error_this = calloc(width + 2, sizeof(*bw->error_this));
	bw->error_next = calloc(width + 2, sizeof(*bw->error_next));
	if (!bw->error_this || !bw->error_next) {
		receipt_bw_free(bw);
		return -ENOMEM;
	}
	return 0;
}

void receipt_bw_free(struct receipt_bw_state *bw)
{
	free(bw->error_this);
	free(bw->error_next);
	bw->error_this = bw->error_next = NULL;
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

/* Left to right on every row, the 7/16, 3/16, 5/16, 1/16 weights, as PIL's
 * convert("1") does; errors kept in 1/16ths. error_this[x + 1] is pixel x's. */
static void dither_row(struct receipt_bw_state *bw, const uint8_t *grey, uint8_t *dots, bool curve)
{
	int32_t *here = bw->error_this, *below = bw->error_next;

	memset(below, 0, (bw->width + 2) * sizeof(*below));
	for (unsigned x = 0; x < bw->width; x++) {
		int32_t want = (curve ? receipt_contrast(grey[x]) : grey[x]) * 16 + here[x + 1];
		int32_t got;

		/* clipped to the grey range, as PIL does: a long run of black or
		 * white cannot bank error that then bleeds far along the row */
		want = want < 0 ? 0 : want > 255 * 16 ? 255 * 16 : want;
		got = want < 128 * 16 ? 0 : 255 * 16;
		int32_t e = want - got;

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

void receipt_bw_row(struct receipt_bw_state *bw, const uint8_t *grey, uint8_t *dots)
{
	memset(dots, 0, (bw->width + 7) / 8);
	if (bw->mode != RECEIPT_BW_THRESHOLD) {
		dither_row(bw, grey, dots, bw->mode == RECEIPT_BW_CONTRAST_DITHER);
		return;
	}
	for (unsigned x = 0; x < bw->width; x++)
		if (grey[x] < 128)
			dots[x / 8] |= (uint8_t)(0x80 >> (x % 8));
}
