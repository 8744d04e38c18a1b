/* src/receipt/ owns the receipt pipeline, pure and streaming: strict base64
 * (base64.c), JPEG decoding with libjpeg (jpeg.c), scaling to the printer's
 * dot width (scale.c), black and white (bw.c), and the ESC/POS raster framing
 * with feed and cut (raster.c). No I/O: the bytes go to a caller's sink.
 * Depends on the C library, libjpeg and these headers only. */
#ifndef CASHDRAWERD_RECEIPT_H
#define CASHDRAWERD_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

/* Why a receipt was refused, as a stable code the caller maps to its
 * protocol's errors (receipt_reason_name gives the English identifier). */
enum receipt_reason {
	RECEIPT_OK = 0,
	RECEIPT_BAD_OPTIONS,      /* the options are out of range (a setting bug) */
	RECEIPT_NOT_BASE64,       /* the text is not strict base64 */
	RECEIPT_NOT_JPEG,         /* the bytes do not start with a JPEG SOI marker */
	RECEIPT_CORRUPT_JPEG,     /* libjpeg refused the data: truncated, corrupt, hostile */
	RECEIPT_UNSUPPORTED_JPEG, /* a valid JPEG we do not print: progressive, CMYK, 12-bit */
	RECEIPT_EMPTY_IMAGE,      /* zero width or height */
	RECEIPT_TOO_WIDE,         /* wider than max_width pixels (checked from the header) */
	RECEIPT_TOO_TALL,         /* taller than max_height pixels (checked from the header) */
	RECEIPT_OUTPUT_FAILED,    /* the sink refused the bytes (the printer write failed) */
	RECEIPT_NO_MEMORY,        /* an allocation failed */
};

/* "ok", "bad_options", "not_base64", "not_jpeg", "corrupt_jpeg",
 * "unsupported_jpeg", "empty_image", "image_too_wide", "image_too_tall",
 * "output_failed", "no_memory"; "unknown" for a value not listed. */
const char *receipt_reason_name(enum receipt_reason reason);

/* --- base64 (RFC 4648 section 4, the standard alphabet), strict ---------
 * Accepted: only A-Z a-z 0-9 + /, in groups of four, with one or two '='
 * padding the last group and zero unused bits in its last character, as
 * canvas.toDataURL writes it. Refused: whitespace of any kind (Odoo sends
 * none; line breaks would mean another sender), a "data:" URL prefix (Odoo
 * strips it), the URL-safe alphabet (- _), missing or misplaced padding,
 * and an empty text. */

/* The most bytes len characters of base64 can decode to. */
size_t receipt_base64_decoded_max(size_t len);

/* Decodes text[0..len) into out (outcap bytes, at least
 * receipt_base64_decoded_max(len)), *outlen the bytes written; out may be
 * text itself (decoding in place). Returns 0, or
 * -EINVAL (not base64: err names the offset and the character) or -ENOBUFS
 * (outcap too small), with the reason in err. */
int receipt_base64_decode(const char *text, size_t len, uint8_t *out, size_t outcap,
			  size_t *outlen, char *err, size_t errlen);

/* --- the printed image ---------------------------------------------------- */

enum receipt_cut {
	RECEIPT_CUT_PARTIAL, /* GS V 66 0: feed to the cutter, cut leaving one point */
	RECEIPT_CUT_FULL,    /* GS V 65 0: feed to the cutter, cut through */
	RECEIPT_CUT_NONE,    /* no GS V: only the feed_lines feed */
};

/* How grey becomes black and white; docs/receipts.md says why the default. */
enum receipt_bw {
	RECEIPT_BW_EDGE_DITHER,     /* threshold on edges, Floyd-Steinberg elsewhere (default) */
	RECEIPT_BW_THRESHOLD,       /* black below mid-grey */
	RECEIPT_BW_DITHER,          /* Floyd-Steinberg (Odoo's IoT box: PIL's), paper absorbing */
	RECEIPT_BW_CONTRAST_DITHER, /* a contrast curve, then Floyd-Steinberg */
};

struct receipt_options {
	unsigned dot_width;  /* printer dots per line: 512 (80 mm, TM-T88V), 576, 384 (58 mm) */
	unsigned max_width;  /* JPEG pixels; wider is refused before decoding */
	unsigned max_height; /* JPEG pixels; taller is refused before decoding */
	enum receipt_cut cut;
	unsigned feed_lines; /* ESC d n before the cut, 0..255 lines */
	unsigned band_rows;  /* rows per GS v 0 command, 1..RECEIPT_BAND_ROWS_MAX */
	enum receipt_bw bw;
};

#define RECEIPT_DOT_WIDTH_MIN 8
#define RECEIPT_DOT_WIDTH_MAX 4096
#define RECEIPT_MAX_WIDTH_LIMIT 65500 /* libjpeg's own JPEG_MAX_DIMENSION */
#define RECEIPT_BAND_ROWS_MAX 2303    /* GS v 0: yL + yH * 256 with yH <= 8 */
#define RECEIPT_FEED_LINES_MAX 255    /* ESC d n */

/* Defaults: 512 dots, JPEGs up to 2048 x 30000 pixels, partial cut, no
 * extra feed, 255-row bands (as Odoo's box; docs/receipts.md), edge dither. */
void receipt_options_init(struct receipt_options *options);

/* 0, or -EINVAL with the option, its value and its range in err. */
int receipt_options_check(const struct receipt_options *options, char *err, size_t errlen);

/* Takes the next bytes for the printer, in order. Returns 0, or -errno with
 * the reason in err (the conversion then stops with RECEIPT_OUTPUT_FAILED and
 * that errno). Called with chunks of at most RECEIPT_CHUNK_MAX bytes. */
typedef int (*receipt_sink_fn)(void *context, const uint8_t *bytes, size_t len, char *err,
			       size_t errlen);
#define RECEIPT_CHUNK_MAX 16384

/* A sink into a caller's fixed buffer: -ENOBUFS once it would overflow. */
struct receipt_buffer {
	uint8_t *data;
	size_t len, capacity;
};
int receipt_buffer_sink(void *buffer, const uint8_t *bytes, size_t len, char *err,
			size_t errlen);

/* What was printed, for the log and the tests. */
struct receipt_result {
	enum receipt_reason reason;
	unsigned jpeg_width, jpeg_height;     /* from the header, 0 if not read */
	unsigned image_width, image_height;   /* printed dots (before centring) */
	unsigned bands;                       /* GS v 0 commands sent */
	size_t bytes;                         /* bytes given to the sink */
};

/* Reads only the JPEG's header: checks it and the limits as
 * receipt_print_jpeg does, and fills result with the dimensions and, in
 * result->bytes, the exact number of bytes receipt_print_jpeg will send.
 * Lets a caller that must print nothing of a bad JPEG allocate a
 * receipt_buffer of that size, convert into it, then send it. Returns 0 or
 * -errno as receipt_print_jpeg. */
int receipt_measure_jpeg(const uint8_t *jpeg, size_t len, const struct receipt_options *options,
			 struct receipt_result *result, char *err, size_t errlen);

/* Decodes jpeg[0..len) and sends it to sink as ESC/POS: ESC @, GS ( D
 * disabling the real-time drawer pulse (image data may hold DLE DC4 1), the
 * image in GS v 0 bands of options->dot_width dots (scaled down, keeping its
 * proportions, when the JPEG is wider; centred when narrower), GS ( D
 * enabling the pulse again, then ESC d feed_lines and the cut. Dimensions are checked from the header before any
 * pixel is decoded; a few rows live at a time. A JPEG cut short (no EOI
 * marker at its end) is refused before any byte is sent; one whose
 * compressed data is corrupt further on is found only there, after the first
 * bands went to the sink (result->bytes says how many): stream to the printer
 * and accept that, or convert into a buffer (receipt_measure_jpeg) first.
 * Returns 0, or -errno (-EINVAL bad data or options, -ENOTSUP unsupported
 * JPEG, -EFBIG too large, -ENOMEM, or the sink's own) with result->reason set
 * and the reason in err. result may be NULL. */
int receipt_print_jpeg(const uint8_t *jpeg, size_t len, const struct receipt_options *options,
		       receipt_sink_fn sink, void *context, struct receipt_result *result,
		       char *err, size_t errlen);

#endif
