/* The receipt options (defaults and ranges), the reason codes' names and the
 * fixed-buffer sink. Pure. */
#include "receipt/receipt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *receipt_reason_name(enum receipt_reason reason)
{
	switch (reason) {
	case RECEIPT_OK: return "ok";
	case RECEIPT_BAD_OPTIONS: return "bad_options";
	case RECEIPT_NOT_BASE64: return "not_base64";
	case RECEIPT_NOT_JPEG: return "not_jpeg";
	case RECEIPT_CORRUPT_JPEG: return "corrupt_jpeg";
	case RECEIPT_UNSUPPORTED_JPEG: return "unsupported_jpeg";
	case RECEIPT_EMPTY_IMAGE: return "empty_image";
	case RECEIPT_TOO_WIDE: return "image_too_wide";
	case RECEIPT_TOO_TALL: return "image_too_tall";
	case RECEIPT_OUTPUT_FAILED: return "output_failed";
	case RECEIPT_NO_MEMORY: return "no_memory";
	}
	return "unknown";
}

void receipt_options_init(struct receipt_options *options)
{
	memset(options, 0, sizeof(*options));
	options->dot_width = 512;
	/* Odoo sends 512 pixels wide; 2048 leaves room for a 4x page zoom. A
	 * long receipt of 100 lines of 27 px text is about 4000 pixels high. */
	options->max_width = 2048;
	options->max_height = 30000;
	options->cut = RECEIPT_CUT_PARTIAL;
	options->feed_lines = 0;
	options->band_rows = 255;
	options->bw = RECEIPT_BW_EDGE_DITHER;
}

int receipt_options_check(const struct receipt_options *o, char *err, size_t errlen)
{
	if (o->dot_width < RECEIPT_DOT_WIDTH_MIN || o->dot_width > RECEIPT_DOT_WIDTH_MAX ||
	    o->dot_width % 8 != 0) {
		snprintf(err, errlen, "largeur du ticket de %u points : un multiple de 8 compris dans "
			 "%u..%u (512 pour du papier de 80 mm, 384 pour 58 mm)", o->dot_width,
			 RECEIPT_DOT_WIDTH_MIN, RECEIPT_DOT_WIDTH_MAX);
		return -EINVAL;
	}
	if (o->max_width < 1 || o->max_width > RECEIPT_MAX_WIDTH_LIMIT || o->max_height < 1 ||
	    o->max_height > RECEIPT_MAX_WIDTH_LIMIT) {
		snprintf(err, errlen, "limites d'image du ticket %u x %u : chacune doit être comprise "
			 "dans 1..%u pixels", o->max_width, o->max_height, RECEIPT_MAX_WIDTH_LIMIT);
		return -EINVAL;
	}
	if (o->cut != RECEIPT_CUT_PARTIAL && o->cut != RECEIPT_CUT_FULL &&
	    o->cut != RECEIPT_CUT_NONE) {
		snprintf(err, errlen, "coupe du ticket %d : ni 'full', ni 'partial', ni 'none'", (int)o->cut);
		return -EINVAL;
	}
	if (o->feed_lines > RECEIPT_FEED_LINES_MAX) {
		snprintf(err, errlen, "avance du ticket de %u lignes : doit être comprise dans 0..%u",
			 o->feed_lines,
			 RECEIPT_FEED_LINES_MAX);
		return -EINVAL;
	}
	if (o->band_rows < 1 || o->band_rows > RECEIPT_BAND_ROWS_MAX) {
		snprintf(err, errlen, "bande du ticket de %u lignes : doit être comprise dans 1..%u",
			 o->band_rows,
			 RECEIPT_BAND_ROWS_MAX);
		return -EINVAL;
	}
	if (o->bw != RECEIPT_BW_EDGE_DITHER && o->bw != RECEIPT_BW_THRESHOLD &&
	    o->bw != RECEIPT_BW_DITHER && o->bw != RECEIPT_BW_CONTRAST_DITHER) {
		snprintf(err, errlen, "mode noir et blanc du ticket %d : inconnu", (int)o->bw);
		return -EINVAL;
	}
	return 0;
}

int receipt_buffer_sink(void *buffer, const uint8_t *bytes, size_t len, char *err, size_t errlen)
{
	struct receipt_buffer *b = buffer;

	if (len > b->capacity - b->len) {
		snprintf(err, errlen, "tampon du ticket de %zu octets plein (%zu octets de trop)",
			 b->capacity, len - (b->capacity - b->len));
		return -ENOBUFS;
	}
	memcpy(b->data + b->len, bytes, len);
	b->len += len;
	return 0;
}
