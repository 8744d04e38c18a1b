/* The ESC/POS bytes of a receipt image: ESC @, GS v 0 bands, ESC d, GS V,
 * gathered in chunks for the caller's sink. Pure. Epson ESC/POS reference:
 *   ESC @        1B 40             initialise (print buffer cleared, ESC a left)
 *   GS ( D       1D 28 44 03 00 14 01 b   real-time DLE DC4 fn=1 (the drawer pulse)
 *                disabled (b = 0) around the image, enabled again (b = 1) after:
 *                image data may hold 10 14 01 m t, which the printer would
 *                otherwise execute as a pulse (Epson's advice for graphics)
 *   GS v 0       1D 76 30 m xL xH yL yH d1..dk   raster image, m = 0 normal
 *                density, x bytes per row, y rows, k = x * y, MSB = left dot
 *   ESC d n      1B 64 n           print and feed n lines
 *   GS V 65 n    1D 56 41 n        feed to the cutter (+ n motion units), full cut
 *   GS V 66 n    1D 56 42 n        the same, partial cut (one point left) */
#include "receipt/receipt_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define GS_V_0_HEADER 8
#define REALTIME_SWITCH 8 /* GS ( D 3 0 20 1 b */

size_t receipt_raster_size(unsigned width_bytes, unsigned rows, unsigned band_rows,
			   unsigned feed_lines, enum receipt_cut cut)
{
	size_t bands = (rows + band_rows - 1) / band_rows;

	return 2 + 2 * REALTIME_SWITCH + bands * GS_V_0_HEADER + (size_t)width_bytes * rows +
	       (feed_lines ? 3 : 0) + (cut == RECEIPT_CUT_NONE ? 0 : 4);
}

/* GS ( D pL=3 pH=0 m=20 a=1 b: DLE DC4 fn=1 enabled (1) or not (0). */
static void realtime_pulse(uint8_t out[REALTIME_SWITCH], uint8_t enabled)
{
	const uint8_t bytes[REALTIME_SWITCH] = {0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, enabled};

	memcpy(out, bytes, sizeof bytes);
}

static int flush(struct receipt_raster *r, char *err, size_t errlen)
{
	int rc;

	if (r->held == 0)
		return 0;
	rc = r->sink(r->context, r->chunk, r->held, err, errlen);
	if (rc < 0) {
		r->sink_errno = -rc;
		return rc;
	}
	r->bytes += r->held;
	r->held = 0;
	return 0;
}

static int put(struct receipt_raster *r, const uint8_t *bytes, size_t len, char *err,
	       size_t errlen)
{
	if (r->sink_errno)
		return -r->sink_errno;
	while (len > 0) {
		size_t room = sizeof(r->chunk) - r->held, n = len < room ? len : room;
		int rc;

		memcpy(r->chunk + r->held, bytes, n);
		r->held += n;
		bytes += n;
		len -= n;
		if (r->held == sizeof(r->chunk) && (rc = flush(r, err, errlen)) < 0)
			return rc;
	}
	return 0;
}

int receipt_raster_begin(struct receipt_raster *raster, receipt_sink_fn sink, void *context,
			 unsigned width_bytes, unsigned rows, unsigned band_rows, char *err,
			 size_t errlen)
{
	uint8_t start[2 + REALTIME_SWITCH] = {0x1B, 0x40};

	raster->sink = sink;
	raster->context = context;
	raster->width_bytes = width_bytes;
	raster->rows = rows;
	raster->band_rows = band_rows;
	raster->rows_done = raster->bands = 0;
	raster->bytes = raster->held = 0;
	raster->sink_errno = 0;
	if (width_bytes == 0 || width_bytes > 0xFFFF || rows == 0 || band_rows == 0 ||
	    band_rows > RECEIPT_BAND_ROWS_MAX) {
		snprintf(err, errlen, "raster : %u octets x %u lignes en bandes de %u, ce n'est pas une "
			 "image GS v 0 (1..65535 octets, bandes de 1..%u lignes)", width_bytes, rows,
			 band_rows, RECEIPT_BAND_ROWS_MAX);
		return -EINVAL;
	}
	realtime_pulse(start + 2, 0);
	return put(raster, start, sizeof start, err, errlen);
}

int receipt_raster_row(struct receipt_raster *raster, const uint8_t *dots, char *err,
		       size_t errlen)
{
	int rc;

	if (raster->rows_done >= raster->rows) {
		snprintf(err, errlen, "raster : ligne %u d'une image de %u lignes",
			 raster->rows_done + 1, raster->rows);
		return -EINVAL;
	}
	if (raster->rows_done % raster->band_rows == 0) {
		unsigned left = raster->rows - raster->rows_done;
		unsigned y = left < raster->band_rows ? left : raster->band_rows;
		const uint8_t header[GS_V_0_HEADER] = {
			0x1D, 0x76, 0x30, 0x00, (uint8_t)(raster->width_bytes & 0xFF),
			(uint8_t)(raster->width_bytes >> 8), (uint8_t)(y & 0xFF), (uint8_t)(y >> 8)};

		rc = put(raster, header, sizeof header, err, errlen);
		if (rc < 0)
			return rc;
		raster->bands++;
	}
	raster->rows_done++;
	return put(raster, dots, raster->width_bytes, err, errlen);
}

int receipt_raster_end(struct receipt_raster *raster, unsigned feed_lines, enum receipt_cut cut,
		       char *err, size_t errlen)
{
	const uint8_t feed[] = {0x1B, 0x64, (uint8_t)feed_lines};
	const uint8_t cut_bytes[] = {0x1D, 0x56, cut == RECEIPT_CUT_FULL ? 65 : 66, 0};
	uint8_t enable[REALTIME_SWITCH];
	int rc;

	if (raster->rows_done != raster->rows) {
		snprintf(err, errlen, "raster : image finie après %u de ses %u lignes",
			 raster->rows_done, raster->rows);
		return -EINVAL;
	}
	realtime_pulse(enable, 1);
	rc = put(raster, enable, sizeof enable, err, errlen);
	if (rc == 0 && feed_lines > 0)
		rc = put(raster, feed, sizeof feed, err, errlen);
	if (rc == 0 && cut != RECEIPT_CUT_NONE)
		rc = put(raster, cut_bytes, sizeof cut_bytes, err, errlen);
	if (rc == 0)
		rc = flush(raster, err, errlen);
	return rc;
}
