/* Area-average downscaling of grey rows, streaming: one input row in, the
 * output rows it completes out. Pure. */
#include "receipt/receipt_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

unsigned receipt_scaled_height(unsigned in_width, unsigned in_height, unsigned out_width)
{
	uint64_t h = ((uint64_t)in_height * out_width + in_width / 2) / in_width;

	return h == 0 ? 1 : (unsigned)h;
}

/* The horizontal taps: output pixel x is the sum of weight[k] * row[first[x]
 * + k - offset[x]] for k in offset[x]..offset[x + 1], weights in units of
 * 1 / in_width (they add up to in_width). On a common axis of in * out
 * units, input pixel i covers [i*out, (i+1)*out) and output pixel x covers
 * [x*in, (x+1)*in): each input pixel is shared between the outputs it
 * overlaps, by the length of the overlap. Computed once per image. */
static int make_taps(struct receipt_scaler *s)
{
	const uint64_t in = s->in_width, out = s->out_width;
	uint64_t pos = 0, edge = in;
	size_t k = 0, most = (size_t)s->out_width * (s->in_width / s->out_width + 2);
	unsigned x = 0;

	s->first = calloc(s->out_width, sizeof(*s->first));
	s->offset = calloc((size_t)s->out_width + 1, sizeof(*s->offset));
	s->weight = calloc(most, sizeof(*s->weight));
	if (!s->first || !s->offset || !s->weight)
		return -ENOMEM;
	for (unsigned i = 0; i < s->in_width; i++) {
		uint64_t left = out;

		while (left > 0) {
			uint64_t take = edge - pos < left ? edge - pos : left;

			if (k == s->offset[x])
				s->first[x] = i;
			s->weight[k++] = (uint32_t)take;
			pos += take;
			left -= take;
			if (pos == edge) {
				s->offset[++x] = (uint32_t)k;
				edge += in;
			}
		}
	}
	return 0;
}

int receipt_scaler_init(struct receipt_scaler *scaler, unsigned in_width, unsigned in_height,
			unsigned out_width, unsigned out_height)
{
	memset(scaler, 0, sizeof(*scaler));
	scaler->in_width = in_width;
	scaler->in_height = in_height;
	scaler->out_width = out_width;
	scaler->out_height = out_height;
	/* the output is the mean: the weighted sum over in_width * in_height */
	scaler->inverse = 1.0 / ((double)in_width * in_height);
	scaler->scaled = calloc(out_width, sizeof(*scaler->scaled));
	scaler->sum = calloc(out_width, sizeof(*scaler->sum));
	scaler->out = malloc(out_width);
	if (!scaler->scaled || !scaler->sum || !scaler->out || make_taps(scaler) < 0) {
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
	free(scaler->first);
	free(scaler->offset);
	free(scaler->weight);
	scaler->scaled = NULL;
	scaler->sum = NULL;
	scaler->out = NULL;
	scaler->first = scaler->offset = scaler->weight = NULL;
}

static void scale_row(const struct receipt_scaler *s, const uint8_t *row)
{
	for (unsigned x = 0; x < s->out_width; x++) {
		const uint8_t *from = row + s->first[x] - s->offset[x];
		uint32_t acc = 0;

		for (uint32_t k = s->offset[x]; k < s->offset[x + 1]; k++)
			acc += from[k] * s->weight[k];
		s->scaled[x] = acc;
	}
}

/* round(sum / (in_width * in_height)), halves up, exactly: the double's
 * error (< 1e-13 for a mean <= 255) is far below the 1e-11 added to round
 * an exact half up, itself below the smallest step 1 / (65500 * 65500). */
static uint8_t mean(uint64_t sum, double inverse)
{
	double v = (double)sum * inverse + 0.5 + 1e-11;

	return (uint8_t)(v >= 255.0 ? 255 : (unsigned)v);
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
			scaler->sum[x] += (uint64_t)scaler->scaled[x] * take;
		scaler->filled += take;
		left -= take;
		if (scaler->filled < in)
			continue;
		for (unsigned x = 0; x < scaler->out_width; x++) {
			scaler->out[x] = mean(scaler->sum[x], scaler->inverse);
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
