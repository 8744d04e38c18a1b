/* A receipt JPEG to ESC/POS, streaming: libjpeg decodes grey rows one at a
 * time (its errors and warnings caught with setjmp/longjmp, never exit()),
 * scale.c fits them to the dot width, bw.c makes dots, raster.c frames them.
 * What is accepted: baseline and extended sequential JPEG, grey, YCbCr or
 * RGB, 8-bit; what canvas.toDataURL("image/jpeg") writes. docs/receipts.md. */
#include "receipt/receipt_internal.h"

#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/* libjpeg's virtual arrays (never needed for what we accept) are held to
 * this; beyond it libjpeg fails rather than grows. */
#define RECEIPT_JPEG_MEMORY (4L * 1024 * 1024)

struct guard {
	struct jpeg_error_mgr base;
	jmp_buf jump;
	char message[JMSG_LENGTH_MAX];
};

struct job {
	struct jpeg_decompress_struct cinfo;
	struct guard guard;
	bool created;
	const struct receipt_options *options;
	struct receipt_result *result;
	const uint8_t *jpeg;
	size_t len;
	receipt_sink_fn sink;
	void *context;
	unsigned decoded_width, decoded_height; /* what libjpeg outputs (after its DCT scaling) */
	unsigned image_width, image_height;     /* printed dots */
	unsigned offset;                        /* white dots left of a narrower image */
	bool scaling;
	uint8_t *line, *dots;
	struct receipt_scaler scaler;
	struct receipt_bw_state bw;
	struct receipt_raster raster;
	char *err;
	size_t errlen;
};

static void on_error(j_common_ptr cinfo)
{
	struct guard *guard = (struct guard *)cinfo->err;

	cinfo->err->format_message(cinfo, guard->message);
	longjmp(guard->jump, 1);
}

/* Warnings (level -1) are corrupt data libjpeg would paper over with grey:
 * refused, so that a damaged receipt is not printed as if it were whole. */
static void on_message(j_common_ptr cinfo, int level)
{
	if (level < 0)
		on_error(cinfo); /* its msg_code, a JWRN_ one, reads as corrupt data */
}

static int refuse(struct job *job, enum receipt_reason reason, int rc)
{
	job->result->reason = reason;
	return rc;
}

/* After a longjmp: which reason libjpeg's message means. */
static int refuse_libjpeg(struct job *job)
{
	const struct jpeg_decompress_struct *c = &job->cinfo;
	const char *m = job->guard.message;

	switch (job->guard.base.msg_code) {
	case JERR_EMPTY_IMAGE:
		snprintf(job->err, job->errlen, "JPEG de %u x %u pixels : image vide (« %s »)",
			 c->image_width, c->image_height, m);
		return refuse(job, RECEIPT_EMPTY_IMAGE, -EINVAL);
	case JERR_IMAGE_TOO_BIG:
	case JERR_WIDTH_OVERFLOW:
		snprintf(job->err, job->errlen, "l'en-tête JPEG annonce %u x %u pixels : au-delà de "
			 "la limite de %u x %u (« %s »)", c->image_width, c->image_height,
			 job->options->max_width, job->options->max_height, m);
		return c->image_width > job->options->max_width
			       ? refuse(job, RECEIPT_TOO_WIDE, -EFBIG)
			       : refuse(job, RECEIPT_TOO_TALL, -EFBIG);
	case JERR_BAD_PRECISION:
	case JERR_NOT_COMPILED:
	case JERR_CONVERSION_NOTIMPL:
	case JERR_ARITH_NOTIMPL:
	case JERR_CCIR601_NOTIMPL:
		snprintf(job->err, job->errlen, "JPEG non pris en charge : « %s » (envoyez un JPEG "
			 "baseline 8 bits, comme le fait canvas.toDataURL(\"image/jpeg\"))", m);
		return refuse(job, RECEIPT_UNSUPPORTED_JPEG, -ENOTSUP);
	case JERR_OUT_OF_MEMORY:
	case JERR_NO_BACKING_STORE:
		snprintf(job->err, job->errlen, "le décodage du JPEG demande plus de mémoire que "
			 "permis : « %s »", m);
		return refuse(job, RECEIPT_NO_MEMORY, -ENOMEM);
	default:
		snprintf(job->err, job->errlen, "données JPEG corrompues ou coupées : « %s »", m);
		return refuse(job, RECEIPT_CORRUPT_JPEG, -EINVAL);
	}
}

/* The checks made on the raw bytes, before libjpeg reads them. */
static int check_bytes(struct job *job, const uint8_t *jpeg, size_t len)
{
	if (len < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[2] != 0xFF) {
		snprintf(job->err, job->errlen, "pas un JPEG : %zu octets commençant par %02X %02X (un "
			 "JPEG commence par FF D8 FF)", len, len > 0 ? jpeg[0] : 0,
			 len > 1 ? jpeg[1] : 0);
		return refuse(job, RECEIPT_NOT_JPEG, -EINVAL);
	}
	/* A body cut short loses its end: refused before any byte is printed. */
	if (jpeg[len - 2] != 0xFF || jpeg[len - 1] != 0xD9) {
		snprintf(job->err, job->errlen, "JPEG coupé : ses %zu octets ne finissent pas par le "
			 "marqueur de fin d'image FF D9 (corps de la requête tronqué ?)", len);
		return refuse(job, RECEIPT_CORRUPT_JPEG, -EINVAL);
	}
	if ((unsigned long)len != len) {
		snprintf(job->err, job->errlen, "JPEG de %zu octets : trop grand pour libjpeg", len);
		return refuse(job, RECEIPT_TOO_TALL, -EFBIG);
	}
	return 0;
}

/* The header's checks and the output geometry. Called under setjmp. */
static int read_header(struct job *job, const uint8_t *jpeg, size_t len)
{
	struct jpeg_decompress_struct *c = &job->cinfo;
	const struct receipt_options *o = job->options;
	unsigned scale = 8;

	jpeg_create_decompress(c);
	job->created = true;
	c->mem->max_memory_to_use = RECEIPT_JPEG_MEMORY;
	jpeg_mem_src(c, jpeg, (unsigned long)len);
	jpeg_read_header(c, TRUE);
	job->result->jpeg_width = c->image_width;
	job->result->jpeg_height = c->image_height;
	if (c->image_width > o->max_width) {
		snprintf(job->err, job->errlen, "JPEG de %u x %u pixels : plus large que les %u "
			 "permis (réglage receipt_max_width)", c->image_width, c->image_height,
			 o->max_width);
		return refuse(job, RECEIPT_TOO_WIDE, -EFBIG);
	}
	if (c->image_height > o->max_height) {
		snprintf(job->err, job->errlen, "JPEG de %u x %u pixels : plus haut que les %u "
			 "permis (réglage receipt_max_height)", c->image_width, c->image_height,
			 o->max_height);
		return refuse(job, RECEIPT_TOO_TALL, -EFBIG);
	}
	/* Progressive JPEG holds the whole image's coefficients in memory
	 * (5 MB for 576 x 3000) and may have any number of scans; no browser
	 * canvas writes one. */
	if (c->progressive_mode) {
		snprintf(job->err, job->errlen, "JPEG non pris en charge : progressif (envoyez un JPEG "
			 "baseline, comme le fait canvas.toDataURL(\"image/jpeg\"))");
		return refuse(job, RECEIPT_UNSUPPORTED_JPEG, -ENOTSUP);
	}
	if (c->jpeg_color_space != JCS_GRAYSCALE && c->jpeg_color_space != JCS_YCbCr &&
	    c->jpeg_color_space != JCS_RGB) {
		snprintf(job->err, job->errlen, "JPEG non pris en charge : %d composantes de couleur "
			 "dans l'espace de couleur %d (CMJN ?) ; envoyez un JPEG en gris ou en couleur "
			 "(YCbCr)",
			 c->num_components, (int)c->jpeg_color_space);
		return refuse(job, RECEIPT_UNSUPPORTED_JPEG, -ENOTSUP);
	}
	/* Grey only: for YCbCr it is the Y plane, Y = 0.299 R + 0.587 G +
	 * 0.114 B; the colour planes are not transformed. */
	c->out_color_space = JCS_GRAYSCALE;
	/* A JPEG twice as wide as the paper or more: the IDCT scales it by
	 * n/8 first (cheaply), to the smallest width still >= the dot width. */
	while (scale > 1 && ((uint64_t)c->image_width * (scale - 1) + 7) / 8 >= o->dot_width)
		scale--;
	c->scale_num = scale;
	c->scale_denom = 8;
	jpeg_calc_output_dimensions(c);
	job->decoded_width = c->output_width;
	job->decoded_height = c->output_height;
	if (c->image_width > o->dot_width) {
		job->scaling = true;
		job->image_width = o->dot_width;
		job->image_height = receipt_scaled_height(c->image_width, c->image_height,
							  o->dot_width);
		if (job->image_height > job->decoded_height)
			job->image_height = job->decoded_height;
	} else {
		job->image_width = c->image_width;
		job->image_height = c->image_height;
		job->offset = (o->dot_width - c->image_width) / 2;
	}
	job->result->image_width = job->image_width;
	job->result->image_height = job->image_height;
	job->result->bytes = receipt_raster_size(o->dot_width / 8, job->image_height, o->band_rows,
						 o->feed_lines, o->cut);
	job->result->bands = (job->image_height + o->band_rows - 1) / o->band_rows;
	return 0;
}

/* The row in receipt_bw_next's buffer is whole: dotted, framed. */
static int take_row(struct job *job)
{
	if (!receipt_bw_take(&job->bw, job->dots))
		return 0;
	return receipt_raster_row(&job->raster, job->dots, job->err, job->errlen);
}

/* One printed row of grey from the scaler (image_width wide), which wrote
 * it where bw.c reads it (scaler.into); the next goes to the next row. */
static int print_row(void *context, const uint8_t *row)
{
	struct job *job = context;
	int rc;

	if (row != receipt_bw_next(&job->bw) + job->offset)
		memcpy(receipt_bw_next(&job->bw) + job->offset, row, job->image_width);
	rc = take_row(job);
	job->scaler.into = receipt_bw_next(&job->bw) + job->offset;
	return rc;
}

static int allocate(struct job *job)
{
	unsigned dots = job->options->dot_width;

	job->line = malloc(job->decoded_width);
	job->dots = malloc(dots / 8);
	if (!job->line || !job->dots)
		return -ENOMEM;
	if (receipt_bw_init(&job->bw, job->options->bw, dots) < 0)
		return -ENOMEM;
	if (job->scaling && receipt_scaler_init(&job->scaler, job->decoded_width,
						job->decoded_height, job->image_width,
						job->image_height) < 0)
		return -ENOMEM;
	if (job->scaling)
		job->scaler.into = receipt_bw_next(&job->bw) + job->offset;
	return 0;
}

/* Decodes and prints every row. Called under setjmp, after read_header. */
static int decode(struct job *job, receipt_sink_fn sink, void *context)
{
	struct jpeg_decompress_struct *c = &job->cinfo;
	const struct receipt_options *o = job->options;
	int rc;

	if (allocate(job) < 0) {
		snprintf(job->err, job->errlen, "ticket : mémoire insuffisante pour des lignes de %u "
			 "pixels",
			 job->decoded_width);
		return refuse(job, RECEIPT_NO_MEMORY, -ENOMEM);
	}
	rc = receipt_raster_begin(&job->raster, sink, context, o->dot_width / 8, job->image_height,
				  o->band_rows, job->err, job->errlen);
	jpeg_start_decompress(c);
	while (rc == 0 && c->output_scanline < c->output_height) {
		/* not scaled: libjpeg writes the row, centred, where bw.c reads it
		 * (its margins stay white) */
		JSAMPROW rows[1] = {job->scaling ? job->line
						 : receipt_bw_next(&job->bw) + job->offset};

		jpeg_read_scanlines(c, rows, 1);
		rc = job->scaling ? receipt_scaler_push(&job->scaler, job->line, print_row, job)
				  : take_row(job);
	}
	if (rc == 0 && receipt_bw_finish(&job->bw, job->dots))
		rc = receipt_raster_row(&job->raster, job->dots, job->err, job->errlen);
	if (rc == 0) {
		jpeg_finish_decompress(c);
		rc = receipt_raster_end(&job->raster, o->feed_lines, o->cut, job->err, job->errlen);
	}
	job->result->bytes = job->raster.bytes;
	job->result->bands = job->raster.bands;
	if (rc < 0)
		return refuse(job, RECEIPT_OUTPUT_FAILED, rc);
	return 0;
}

/* libjpeg's errors land here by longjmp; only job, on the heap, is read after. */
static int guarded(struct job *job)
{
	int rc;

	if (setjmp(job->guard.jump)) {
		if (job->raster.sink)
			job->result->bytes = job->raster.bytes;
		return refuse_libjpeg(job);
	}
	rc = read_header(job, job->jpeg, job->len);
	if (rc == 0 && job->sink != NULL)
		rc = decode(job, job->sink, job->context);
	return rc;
}

static int run(const uint8_t *jpeg, size_t len, const struct receipt_options *options,
	       receipt_sink_fn sink, void *context, struct receipt_result *result, char *err,
	       size_t errlen)
{
	struct receipt_result unused;
	struct job *job;
	int rc;

	if (result == NULL)
		result = &unused;
	memset(result, 0, sizeof(*result));
	if (receipt_options_check(options, err, errlen) < 0) {
		result->reason = RECEIPT_BAD_OPTIONS;
		return -EINVAL;
	}
	job = calloc(1, sizeof(*job));
	if (job == NULL) {
		snprintf(err, errlen, "ticket : mémoire insuffisante");
		result->reason = RECEIPT_NO_MEMORY;
		return -ENOMEM;
	}
	job->options = options;
	job->result = result;
	job->err = err;
	job->errlen = errlen;
	job->jpeg = jpeg;
	job->len = len;
	job->sink = sink;
	job->context = context;
	rc = check_bytes(job, jpeg, len);
	if (rc < 0)
		goto out;
	job->cinfo.err = jpeg_std_error(&job->guard.base);
	job->guard.base.error_exit = on_error;
	job->guard.base.emit_message = on_message;
	rc = guarded(job);
out:
	if (job->created)
		jpeg_destroy_decompress(&job->cinfo);
	receipt_scaler_free(&job->scaler);
	receipt_bw_free(&job->bw);
	free(job->line);
	free(job->dots);
	free(job);
	return rc;
}

int receipt_measure_jpeg(const uint8_t *jpeg, size_t len, const struct receipt_options *options,
			 struct receipt_result *result, char *err, size_t errlen)
{
	return run(jpeg, len, options, NULL, NULL, result, err, errlen);
}

int receipt_print_jpeg(const uint8_t *jpeg, size_t len, const struct receipt_options *options,
		       receipt_sink_fn sink, void *context, struct receipt_result *result,
		       char *err, size_t errlen)
{
	if (sink == NULL) {
		snprintf(err, errlen, "ticket : aucune destination pour les octets de l'imprimante");
		if (result)
			result->reason = RECEIPT_BAD_OPTIONS;
		return -EINVAL;
	}
	return run(jpeg, len, options, sink, context, result, err, errlen);
}
