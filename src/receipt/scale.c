/* Area-average downscaling of grey rows, streaming: one input row in, the
 * output rows it completes out. Pure. */
#include "receipt_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

unsigned receipt_scaled_height(unsigned in_width, unsigned in_height, unsigned out_width)
{
	uint64_t h = ((uint64_t)in_height * out_width + in_width / 2) / in_width;

	return h == 0 ? 1 : (unsigned)h;
}

int receipt_scaler_init(struct receipt_scaler *scaler, unsigned in_width, unsigned in_height,
			unsigned out_width, unsigned out_height)
{
	memset(scaler, 0, sizeof(*scaler));
	scaler->in_width = in_width;
	scaler->in_height = in_height;
	scaler->out_width = out_width;
	scaler->out_height = out_height;
	scaler->scaled = calloc(out_width, sizeof(*scaler->scaled));
	scaler->sum = calloc(out_width, sizeof(*scaler->sum));
	scaler->out = malloc(out_width);
	if (!scaler->scaled || !scaler->sum || !scaler->out) {
		receipt_scaler_free(scaler);
		return -ENOMEM;
	}
	return 0;
}

void receipt_scaler_free(struct receipt_scaler *scaler)
{
	free(scaler->scaled);
	free(scaler->sum);
	free(scaler->out);
	scaler->scaled = NULL;
	scaler->sum = NULL;
	scaler->out = NULL;
}

/* On a common axis of in * out units, input pixel i covers [i*out, (i+1)*out)
 * and output pixel x covers [x*in, (x+1)*in): each input pixel is shared
 * between the outputs it overlaps, by the length of the overlap. */
static void scale_row(const struct receipt_scaler *s, const uint8_t *row)
{
	const uint64_t in = s->in_width, out = s->out_width;
	uint64_t acc = 0, pos = 0, edge = in;
	unsigned x = 0;

	for (unsigned i = 0; i < s->in_width; i++) {
		uint64_t left = out;

		while (left > 0) {
			uint64_t take = edge - pos < left ? edge - pos : left;

			acc += row[i] * take;
			pos += take;
			left -= take;
			if (pos == edge) {
				/* mean of in units, kept with 8 fraction bits */
				s->scaled[x++] = (uint32_t)((acc * 256 + in / 2) / in);
				acc = 0;
				edge += in;
			}
		}
	}
}

int receipt_scaler_push(struct receipt_scaler *scaler, const uint8_t *row, receipt_row_fn emit,
			void *context)
{
	const uint64_t in = scaler->in_height, out = scaler->out_height;
	uint64_t left = out; /* this input row's height in vertical units */

	scale_row(scaler, row);
	while (left > 0 && scaler->out_row < scaler->out_height) {
		uint64_t take = in - scaler->filled < left ? in - scaler->filled : left;
		int rc;

		for (unsigned x = 0; x < scaler->out_width; x++)
			scaler->sum[x] += scaler->scaled[x] * take;
		scaler->filled += take;
		left -= take;
		if (scaler->filled < in)
			continue;
		for (unsigned x = 0; x < scaler->out_width; x++) {
			uint64_t v = (scaler->sum[x] + in * 128) / (in * 256);

			scaler->out[x] = (uint8_t)(v > 255 ? 255 : v);
			scaler->sum[x] = 0;
		}
		scaler->filled = 0;
		scaler->out_row++;
		rc = emit(context, scaler->out);
		if (rc != 0)
			return rc;
	}
	return 0;
}
