/* Grey rows to printer dots: a threshold, Floyd-Steinberg error diffusion
 * (two rows of error), a contrast curve before it, or the threshold on
 * edges and the dither elsewhere (which needs the row below: rows come out
 * one behind). docs/receipts.md says how the default was chosen. Pure. */
#include "receipt/receipt_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Rows with ink are worked on in spans between blocks of this many pixels
 * of paper. */
#define PAPER_BLOCK 16

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
	bw->low = malloc(width + 2);
	bw->high = malloc(width + 2);
	bw->edge = malloc(width);
	bw->flat = calloc(width + 8, 1); /* read eight at a time */
	bw->curved = malloc(width);
	bw->spans = malloc((width / PAPER_BLOCK + 1) * 2 * sizeof(*bw->spans));
	if (!bw->error_this || !bw->error_next || !bw->above || !bw->row || !bw->below ||
	    !bw->low || !bw->high || !bw->edge || !bw->flat || !bw->curved ||
	    !bw->spans) {
		receipt_bw_free(bw);
		return -ENOMEM;
	}
	/* white, for a caller that fills only part of each row (receipt_bw_next) */
	memset(bw->above, 255, width);
	memset(bw->row, 255, width);
	memset(bw->below, 255, width);
	/* nothing written in either error row yet: empty ranges */
	bw->this_from = bw->next_from = width + 2;
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
	free(bw->edge);
	free(bw->flat);
	free(bw->curved);
	free(bw->spans);
	bw->spans = NULL;
	bw->error_this = bw->error_next = NULL;
	bw->above = bw->row = bw->below = bw->low = bw->high = bw->edge = NULL;
	bw->flat = bw->curved = NULL;
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

/* Marks in bw->edge the pixels whose 3 x 3 neighbourhood spans at least
 * RECEIPT_EDGE_CONTRAST grey levels (the image's border repeats its last
 * pixels): the darkest and lightest of each column of three, then of three
 * columns. Plain loops over bytes, vectorised (-ftree-vectorize, CMake). */
static void column_extremes(const uint8_t *restrict a, const uint8_t *restrict b,
			    const uint8_t *restrict c, uint8_t *restrict lo, uint8_t *restrict hi,
			    unsigned w)
{
	for (unsigned x = 0; x < w; x++) {
		uint8_t l = a[x] < b[x] ? a[x] : b[x], h = a[x] > b[x] ? a[x] : b[x];

		lo[x] = l < c[x] ? l : c[x];
		hi[x] = h > c[x] ? h : c[x];
	}
}

/* lo and hi: w + 2 columns, the pixel x's own at x + 1 */
static void mark_edges(const uint8_t *restrict lo, const uint8_t *restrict hi,
		       uint8_t *restrict edge, unsigned w)
{
	for (size_t x = 0; x < w; x++) {
		uint8_t l = lo[x] < lo[x + 1] ? lo[x] : lo[x + 1];
		uint8_t h = hi[x] > hi[x + 1] ? hi[x] : hi[x + 1];

		l = l < lo[x + 2] ? l : lo[x + 2];
		h = h > hi[x + 2] ? h : hi[x + 2];
		/* in bytes throughout (h >= l): an int would stop the vectoriser */
		edge[x] = (uint8_t)((uint8_t)(h - l) >= RECEIPT_EDGE_CONTRAST);
	}
}

/* Marks bw->edge over the span [x0, x1) of the row, from its columns and
 * their neighbours (the image's border repeats its last pixels). */
static void find_edges(struct receipt_bw_state *bw, unsigned x0, unsigned x1)
{
	const unsigned w = bw->width, a = x0 > 0 ? x0 - 1 : 0, b = x1 < w ? x1 + 1 : w;

	column_extremes(bw->above + a, bw->row + a, bw->below + a, bw->low + 1 + a,
			bw->high + 1 + a, b - a);
	if (a == 0) {
		bw->low[0] = bw->low[1];
		bw->high[0] = bw->high[1];
	}
	if (b == w) {
		bw->low[w + 1] = bw->low[w];
		bw->high[w + 1] = bw->high[w];
	}
	mark_edges(bw->low + x0, bw->high + x0, bw->edge + x0, x1 - x0);
}

/* Whether every byte of grey[0..w) is paper: their AND keeps the top five bits. */
static bool all_paper(const uint8_t *restrict grey, size_t w)
{
	uint8_t all = 0xFF;

	for (size_t x = 0; x < w; x++)
		all &= grey[x];
	return (all & 0xF8) == 0xF8;
}

/* Whether grey[0..16) are all paper: the AND of its two halves keeps the
 * top five bits of every byte. */
static bool paper_block(const uint8_t *grey)
{
	const uint64_t top5 = 0xF8F8F8F8F8F8F8F8u;
	uint64_t a, b;

	memcpy(&a, grey, sizeof a);
	memcpy(&b, grey + 8, sizeof b);
	return (a & b & top5) == top5;
}

/* Marks in flat the pixels the dither must work on: neither paper nor ink,
 * nor (edge given) on an edge. Returns whether there is one. Plain loops
 * over bytes, one per case, for the vectoriser. */
static bool mark_flat_grey(const uint8_t *restrict grey, const uint8_t *restrict edge,
			   uint8_t *restrict flat, size_t w)
{
	uint8_t any = 0;

	if (edge != NULL)
		for (size_t x = 0; x < w; x++) {
			flat[x] = (uint8_t)((grey[x] > RECEIPT_INK) & (grey[x] < RECEIPT_PAPER) &
					    (edge[x] ^ 1));
			any |= flat[x];
		}
	else
		for (size_t x = 0; x < w; x++) {
			flat[x] = (uint8_t)((grey[x] > RECEIPT_INK) & (grey[x] < RECEIPT_PAPER));
			any |= flat[x];
		}
	return any != 0;
}

/* Black below mid-grey, eight dots a byte (dots: (w + 7) / 8 bytes): the
 * top bits of eight greys, inverted, gathered into one byte by a multiply
 * (byte i's bit 8i moves to bit 63 - i; no two land on the same bit, so
 * nothing carries). Little-endian; a plain loop otherwise. */
static void threshold_row(const uint8_t *restrict grey, uint8_t *restrict dots, size_t w)
{
	size_t x = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; x + 8 <= w; x += 8) {
		uint64_t eight;

		memcpy(&eight, grey + x, sizeof eight);
		eight = (~eight & 0x8080808080808080u) >> 7;
		dots[x / 8] = (uint8_t)((eight * 0x8040201008040201u) >> 56);
	}
#endif
	for (; x < w; x += 8) {
		unsigned byte = 0;

		for (size_t k = 0; k < 8 && x + k < w; k++)
			byte |= (unsigned)(grey[x + k] < 128) << (7 - k);
		dots[x / 8] = (uint8_t)byte;
	}
}

/* The error rows are cleared only where they were written to: most rows of
 * a receipt hold no grey to dither, and clearing 4 bytes a dot for each
 * was a tenth of the conversion. */
static void swap_errors(struct receipt_bw_state *bw)
{
	int32_t *here = bw->error_this;
	unsigned from = bw->this_from, to = bw->this_to;

	bw->error_this = bw->error_next;
	bw->this_from = bw->next_from;
	bw->this_to = bw->next_to;
	bw->error_next = here;
	bw->next_from = from;
	bw->next_to = to;
}

static void clear_next_errors(struct receipt_bw_state *bw)
{
	if (bw->next_from < bw->next_to)
		memset(bw->error_next + bw->next_from, 0,
		       (bw->next_to - bw->next_from) * sizeof(*bw->error_next));
	bw->next_from = bw->width + 2;
	bw->next_to = 0;
}

/* One flat grey pixel x of the Floyd-Steinberg pass (dither_row). */
static inline void dither_pixel(struct receipt_bw_state *bw, const uint8_t *grey, uint8_t *dots,
				unsigned x)
{
	int32_t *here = bw->error_this, *below = bw->error_next;
	int32_t want, got, e;

	/* clipped to the grey range, as PIL does: a long run of black or white
	 * cannot bank error that then bleeds far along the row */
	want = grey[x] * 16 + here[x + 1];
	want = want < 0 ? 0 : want > 255 * 16 ? 255 * 16 : want;
	got = want < 128 * 16 ? 0 : 255 * 16;
	e = want - got;
	if (got == 0)
		dots[x / 8] |= (uint8_t)(0x80 >> (x % 8));
	else
		dots[x / 8] &= (uint8_t)~(0x80 >> (x % 8));
	/* less than one grey level: invisible, and passing it on would keep
	 * every pixel after a speck of JPEG noise on the slow path */
	if (e > -16 && e < 16)
		return;
	here[x + 2] += e * 7 / 16;
	below[x] += e * 3 / 16;
	below[x + 1] += e * 5 / 16;
	below[x + 2] += e / 16;
	/* written: [x + 2] of this row's errors, [x, x + 2] of the next's */
	bw->this_from = bw->this_from < x + 2 ? bw->this_from : x + 2;
	bw->this_to = bw->this_to > x + 3 ? bw->this_to : x + 3;
	bw->next_from = bw->next_from < x ? bw->next_from : x;
	bw->next_to = bw->next_to > x + 3 ? bw->next_to : x + 3;
}

/* Left to right on every row, the 7/16, 3/16, 5/16, 1/16 weights, as PIL's
 * convert("1") does; errors kept in 1/16ths. error_this[x + 1] is pixel x's.
 * Paper stays paper and ink stays ink, and both absorb the error owed to
 * them (most of a receipt). Without that, the darkness of JPEG noise
 * travels through the white paper, from pixel to pixel, until it adds up
 * to a stray dot somewhere. Paper and ink include the few grey levels that
 * JPEG brings flat white and black back with.
 * RECEIPT_BW_EDGE_DITHER: a pixel whose neighbourhood spans at least
 * RECEIPT_EDGE_CONTRAST grey levels is on an edge (text, rules, bars): it
 * is thresholded and neither takes nor gives error, so glyphs keep their
 * outline and the JPEG noise beside them cannot add up into dots.
 * So every pixel but the flat grey ones is thresholded and touches no
 * error: the row is thresholded whole, then the flat grey pixels alone
 * are dithered, in order. */
static void dither_row(struct receipt_bw_state *bw, uint8_t *dots)
{
	const bool edges = bw->mode == RECEIPT_BW_EDGE_DITHER;
	const uint8_t *grey = bw->row;
	const unsigned w = bw->width;
	unsigned spans = 0;
	bool any = false;

	clear_next_errors(bw);
	/* a row of paper (half a receipt): no dot, and the error owed is absorbed */
	if (all_paper(grey, w)) {
		memset(dots, 0, (w + 7) / 8);
		swap_errors(bw);
		return;
	}
	if (bw->mode == RECEIPT_BW_CONTRAST_DITHER) {
		for (unsigned x = 0; x < w; x++)
			bw->curved[x] = receipt_contrast(grey[x]);
		grey = bw->curved;
	}
	/* A row of text is mostly paper between the glyphs: blocks of paper
	 * have no dot and nothing to dither (whatever their edges), and only
	 * the spans between them are worked on. */
	memset(dots, 0, (w + 7) / 8);
	/* bw->flat is read only in the spans, which mark_flat_grey writes whole
	 * (and in the 8 bytes after the row, 0 since receipt_bw_init) */
	for (unsigned x0 = 0, x1; x0 < w; x0 = x1) {
		if (x0 + PAPER_BLOCK <= w && paper_block(bw->row + x0)) {
			x1 = x0 + PAPER_BLOCK;
			continue;
		}
		for (x1 = x0 + PAPER_BLOCK; x1 < w; x1 += PAPER_BLOCK)
			if (x1 + PAPER_BLOCK <= w && paper_block(bw->row + x1))
				break;
		x1 = x1 < w ? x1 : w;
		bw->spans[2 * spans] = x0;
		bw->spans[2 * spans++ + 1] = x1;
		if (edges)
			find_edges(bw, x0, x1);
		threshold_row(grey + x0, dots + x0 / 8, x1 - x0);
		any |= mark_flat_grey(grey + x0, edges ? bw->edge + x0 : NULL, bw->flat + x0,
				      x1 - x0);
	}
	/* a row of text: every pixel paper, ink or on an edge, the same dots
	 * as the threshold's, and no error to pass on */
	if (!any) {
		swap_errors(bw);
		return;
	}
	/* the flat pixels in order, eight marks at a time (spans start at a
	 * multiple of 16) */
	for (unsigned i = 0; i < spans; i++) {
		for (unsigned x8 = bw->spans[2 * i]; x8 < bw->spans[2 * i + 1]; x8 += 8) {
			uint64_t eight;

			memcpy(&eight, bw->flat + x8, sizeof eight);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
			/* each mark is bit 0 of its byte: the lowest set bit, the leftmost */
			for (; eight != 0; eight &= eight - 1)
				dither_pixel(bw, grey, dots, x8 + (unsigned)__builtin_ctzll(eight) / 8);
#else
			for (unsigned k = 0; eight != 0 && k < 8; k++)
				if (bw->flat[x8 + k])
					dither_pixel(bw, grey, dots, x8 + k);
#endif
		}
	}
	swap_errors(bw);
}

/* Makes the dots of bw->row, its neighbours being bw->above and bw->below. */
static void make_dots(struct receipt_bw_state *bw, uint8_t *dots)
{
	if (bw->mode == RECEIPT_BW_THRESHOLD) {
		threshold_row(bw->row, dots, bw->width);
		return;
	}
	dither_row(bw, dots);
}

uint8_t *receipt_bw_next(struct receipt_bw_state *bw)
{
	return bw->rows_in == 0 ? bw->row : bw->below;
}

int receipt_bw_take(struct receipt_bw_state *bw, uint8_t *dots)
{
	uint8_t *oldest = bw->above;

	if (bw->rows_in++ == 0) {
		/* the first row is its own row above */
		memcpy(bw->above, bw->row, bw->width);
		return 0;
	}
	make_dots(bw, dots);
	/* rotate: row becomes above, below becomes row */
	bw->above = bw->row;
	bw->row = bw->below;
	bw->below = oldest;
	return 1;
}

int receipt_bw_push(struct receipt_bw_state *bw, const uint8_t *grey, uint8_t *dots)
{
	memcpy(receipt_bw_next(bw), grey, bw->width);
	return receipt_bw_take(bw, dots);
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
