/* The receipt pipeline's stages, shared by jpeg.c and the unit tests: the
 * row scaler (scale.c), black and white (bw.c), the ESC/POS framing
 * (raster.c). Pure, one row at a time. Not for other modules: receipt.h is. */
#ifndef CASHDRAWERD_RECEIPT_INTERNAL_H
#define CASHDRAWERD_RECEIPT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "receipt/receipt.h"

/* --- scale.c: area-average downscaling of 8-bit grey rows --------------------
 * Each output pixel is the mean of the input area it covers, partial pixels
 * weighted by their share; the picture is never enlarged. */
struct receipt_scaler {
	unsigned in_width, in_height, out_width, out_height;
	unsigned out_row;      /* output rows emitted so far */
	uint64_t filled;       /* vertical units of the current output row filled */
	uint32_t *scaled;      /* the input row's horizontal weighted sums */
	uint64_t *sum;         /* the current output row's weighted sums */
	int32_t *sum32;        /* the same when they fit in 31 bits (narrow) */
	bool narrow;
	uint8_t *out;          /* the output row handed to emit */
	uint8_t *into;         /* if set, where the next output row goes instead (the
				* caller's buffer: no copy); the caller may change it in emit */
	uint32_t *first, *offset, *weight; /* the horizontal taps (scale.c) */
	unsigned taps;                     /* the same, taps per pixel when fixed, else 0 */
	uint32_t *base, *fixed;            /* fixed: first input pixel, taps * weights */
	/* When in_width : out_width reduce to P + 1 : P (576 to 512 is 9 : 8,
	 * 576 to 384 3 : 2, 512 to 384 4 : 3) and the sums are narrow: each
	 * block of P + 1 pixels makes P dots by the same two weights per phase,
	 * divided by unit = in_width / (P + 1); 0 otherwise (scale.c). */
	unsigned period;                   /* P, or 0 */
	uint32_t unit;
	uint16_t *phase_left, *phase_right; /* P weights each */
	uint16_t *scaled16;                /* the input row's sums in those weights */
	uint32_t magic, area;              /* the means by a multiply (scale.c), or magic 0 */
	unsigned magic_shift;
	double inverse;        /* 1 / (in_width * in_height) */
};

/* The rows an image of in_width x in_height keeps when scaled to out_width
 * dots wide in proportion (at least 1). */
unsigned receipt_scaled_height(unsigned in_width, unsigned in_height, unsigned out_width);

/* out_width <= in_width and out_height <= in_height, all > 0. Returns 0 or -ENOMEM. */
int receipt_scaler_init(struct receipt_scaler *scaler, unsigned in_width, unsigned in_height,
			unsigned out_width, unsigned out_height);
void receipt_scaler_free(struct receipt_scaler *scaler);

/* Takes the next input row (in_width bytes); calls emit with each output row
 * (out_width bytes) it completes, in order, and stops at emit's first
 * non-zero return, which it returns. */
typedef int (*receipt_row_fn)(void *context, const uint8_t *row);
int receipt_scaler_push(struct receipt_scaler *scaler, const uint8_t *row, receipt_row_fn emit,
			void *context);

/* --- bw.c: grey (0 black .. 255 white) to dots (1 = black, MSB first) ------
 * Rows go in one at a time and come out one behind: the edge test needs
 * the row below. */
struct receipt_bw_state {
	enum receipt_bw mode;
	unsigned width;
	unsigned rows_in;                 /* rows pushed since the start */
	int32_t *error_this, *error_next; /* Floyd-Steinberg: width + 2 each, 1/16ths */
	unsigned this_from, this_to;      /* [from, to): where error_this may be non-zero */
	unsigned next_from, next_to;      /* the same of error_next */
	uint8_t *above, *row, *below;     /* grey rows around the one being made */
	uint8_t *low, *high;              /* each column's darkest, lightest of 3 (+1 each side) */
	uint8_t *edge;                    /* 1: the pixel's 3 x 3 spans an edge */
	uint8_t *flat;                    /* 1: a grey for the dither (neither paper, ink nor edge) */
	uint8_t *curved;                  /* the row through the contrast curve */
	unsigned *spans;                  /* [start, end) of each span with ink in the row */
};

/* The contrast curve: at or below this grey is black, at or above white. */
#define RECEIPT_CONTRAST_BLACK 80
#define RECEIPT_CONTRAST_WHITE 200
/* The dithers print grey at or above RECEIPT_PAPER as paper and at or below
 * RECEIPT_INK as ink, absorbing the error owed there: JPEG brings flat
 * white and black back a few levels off (q 0.92: within 7), and that noise
 * must not add up into specks. */
#define RECEIPT_PAPER 248
#define RECEIPT_INK 7
/* RECEIPT_BW_EDGE_DITHER: a 3 x 3 neighbourhood spanning this many grey
 * levels or more is an edge, thresholded. */
#define RECEIPT_EDGE_CONTRAST 64

int receipt_bw_init(struct receipt_bw_state *bw, enum receipt_bw mode, unsigned width);
void receipt_bw_free(struct receipt_bw_state *bw);
/* Takes the next grey row (width bytes). Returns 1 with dots ((width + 7) /
 * 8 bytes, bits past width 0) holding the previous row's dots, 0 for the
 * first row (nothing out yet). */
int receipt_bw_push(struct receipt_bw_state *bw, const uint8_t *grey, uint8_t *dots);
/* The same without a copy: the caller writes the next row into
 * receipt_bw_next's buffer (width bytes, white from receipt_bw_init
 * wherever no row was ever written), then calls receipt_bw_take. */
uint8_t *receipt_bw_next(struct receipt_bw_state *bw);
int receipt_bw_take(struct receipt_bw_state *bw, uint8_t *dots);
/* After the last row: returns 1 with its dots, 0 if no row was pushed. */
int receipt_bw_finish(struct receipt_bw_state *bw, uint8_t *dots);
/* The contrast curve alone (RECEIPT_BW_CONTRAST_DITHER's first step). */
uint8_t receipt_contrast(uint8_t grey);

/* --- raster.c: ESC @, GS ( D, GS v 0 bands, GS ( D, ESC d, GS V --------------- */
struct receipt_raster {
	receipt_sink_fn sink;
	void *context;
	unsigned width_bytes, rows, band_rows, rows_done, bands;
	size_t bytes;                     /* given to the sink so far */
	size_t held;                      /* bytes in chunk not yet given */
	int sink_errno;                   /* the sink's failure, once it failed */
	uint8_t chunk[RECEIPT_CHUNK_MAX];
};

/* The bytes receipt_raster_* send for rows rows of width_bytes each. */
size_t receipt_raster_size(unsigned width_bytes, unsigned rows, unsigned band_rows,
			   unsigned feed_lines, enum receipt_cut cut);

/* Starts a job of rows rows (> 0) of width_bytes (1..65535): sends ESC @
 * and GS ( D disabling the real-time drawer pulse (DLE DC4 1) during the image. */
int receipt_raster_begin(struct receipt_raster *raster, receipt_sink_fn sink, void *context,
			 unsigned width_bytes, unsigned rows, unsigned band_rows, char *err,
			 size_t errlen);
/* One row of dots; each band's GS v 0 header goes before its first row.
 * Returns 0 or the sink's -errno (err filled); rows past `rows` are -EINVAL. */
int receipt_raster_row(struct receipt_raster *raster, const uint8_t *dots, char *err,
		       size_t errlen);
/* After the last row: GS ( D enabling the real-time pulse again, ESC d
 * feed_lines (if any), the cut, and the last chunk. */
int receipt_raster_end(struct receipt_raster *raster, unsigned feed_lines, enum receipt_cut cut,
		       char *err, size_t errlen);

#endif
