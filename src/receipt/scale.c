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

/* The same taps, TAPS_MAX or fewer for each output pixel (so always when
 * the picture shrinks by less than 3/1, as it does after libjpeg's own
 * scaling), as a fixed number for all: weights of 0 pad the shorter, whose
 * first tap moves left when the row would end before the last. A loop of
 * a known length, which the compiler unrolls. */
#define TAPS_MAX 4
static int make_fixed_taps(struct receipt_scaler *s)
{
	unsigned taps = 0;

	for (unsigned x = 0; x < s->out_width; x++)
		if (s->offset[x + 1] - s->offset[x] > taps)
			taps = s->offset[x + 1] - s->offset[x];
	if (taps > TAPS_MAX || taps > s->in_width)
		return 0;
	s->base = calloc(s->out_width, sizeof(*s->base));
	s->fixed = calloc((size_t)s->out_width * taps, sizeof(*s->fixed));
	if (!s->base || !s->fixed)
		return -ENOMEM;
	for (unsigned x = 0; x < s->out_width; x++) {
		uint32_t base = s->first[x] + taps <= s->in_width ? s->first[x] : s->in_width - taps;

		s->base[x] = base;
		for (uint32_t k = s->offset[x]; k < s->offset[x + 1]; k++)
			s->fixed[(size_t)x * taps + s->first[x] - base + k - s->offset[x]] = s->weight[k];
	}
	s->taps = taps;
	return 0;
}

/* The means of make_phases's sums without doubles: a dot is round(total /
 * area), halves up, with area = in_height * (P + 1) its area in the
 * blocks' units, i.e. floor(n / d) for n = 2 total + area and d = 2 area,
 * which is floor(n * magic / 2^k) with magic = ceil(2^k / d): magic * d =
 * 2^k + e, 0 <= e < d, adds n * e / (d * 2^k) < 1 / d to n / d whenever
 * n * d <= 2^k, too little to cross the next integer. n <= 256 d (total
 * <= 255 area), so 2^k >= 256 d^2 will do: k = 31 + floor(log2 d) gives
 * it while d <= 2^22, and magic < 2^32, n < 2^30: a 32 x 32 -> 64-bit
 * multiply, which SSE2 does for two dots at once (pmuludq), for half the
 * instructions of the doubles. Larger areas keep the doubles (magic 0). */
static void make_magic(struct receipt_scaler *s, uint64_t area)
{
	uint64_t d = 2 * area;
	unsigned log2 = 0;

	if (d > (1u << 22))
		return;
	while ((d >> (log2 + 1)) != 0)
		log2++;
	s->magic_shift = log2 - 1; /* k - 32, k = 31 + log2; d >= 2: log2 >= 1 */
	s->magic = (uint32_t)(((uint64_t)1 << (31 + log2)) / d +
			      (((uint64_t)1 << (31 + log2)) % d != 0));
	s->area = (uint32_t)area;
}

/* The periodic case of receipt_internal.h (period). On the reduced axis an
 * input pixel is P units, a dot P + 1: dot p of a block covers [p(P + 1),
 * (p + 1)(P + 1)), so P - p of input pixel p and p + 1 of pixel p + 1,
 * the same taps as make_taps's divided by unit. Every weighted sum is at
 * most 255 * (P + 1): 16 bits when P < 257, so that the block's loop is
 * one 16-bit multiply-add a dot, which the compiler vectorises (SSE2: 8
 * dots an instruction). */
static int make_phases(struct receipt_scaler *s)
{
	unsigned a = s->in_width, b = s->out_width, period;

	while (b != 0) {
		unsigned r = a % b;

		a = b;
		b = r;
	}
	period = s->out_width / a;
	if (!s->narrow || s->in_width / a != period + 1 || period + 1 > 257)
		return 0;
	s->phase_left = calloc(period, sizeof(*s->phase_left));
	s->phase_right = calloc(period, sizeof(*s->phase_right));
	s->scaled16 = calloc(s->out_width, sizeof(*s->scaled16));
	if (!s->phase_left || !s->phase_right || !s->scaled16)
		return -ENOMEM;
	for (unsigned p = 0; p < period; p++) {
		s->phase_left[p] = (uint16_t)(period - p);
		s->phase_right[p] = (uint16_t)(p + 1);
	}
	s->period = period;
	s->unit = a;
	make_magic(s, s->in_height * (period + 1));
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
	scaler->sum32 = calloc(out_width, sizeof(*scaler->sum32));
	/* every sum is at most 255 * in_width * in_height */
	scaler->narrow = (uint64_t)255 * in_width * in_height <= INT32_MAX;
	scaler->out = malloc(out_width);
	if (!scaler->scaled || !scaler->sum || !scaler->sum32 || !scaler->out || make_taps(scaler) < 0 ||
	    make_fixed_taps(scaler) < 0 || make_phases(scaler) < 0) {
		receipt_scaler_free(scaler);
		return -ENOMEM;
	}
	return 0;
}

void receipt_scaler_free(struct receipt_scaler *scaler)
{
	free(scaler->scaled);
	free(scaler->sum);
	free(scaler->sum32);
	scaler->sum32 = NULL;
	free(scaler->out);
	free(scaler->first);
	free(scaler->offset);
	free(scaler->weight);
	free(scaler->base);
	free(scaler->fixed);
	scaler->base = scaler->fixed = NULL;
	free(scaler->phase_left);
	free(scaler->phase_right);
	free(scaler->scaled16);
	scaler->phase_left = scaler->phase_right = scaler->scaled16 = NULL;
	scaler->period = 0;
	scaler->magic = 0;
	scaler->taps = 0;
	scaler->scaled = NULL;
	scaler->sum = NULL;
	scaler->out = NULL;
	scaler->first = scaler->offset = scaler->weight = NULL;
}

/* The fixed taps of make_fixed_taps, n of them. */
static inline void scale_row_fixed(const struct receipt_scaler *s, const uint8_t *row,
				   unsigned n)
{
	for (unsigned x = 0; x < s->out_width; x++) {
		const uint8_t *from = row + s->base[x];
		const uint32_t *w = s->fixed + (size_t)x * n;
		uint32_t acc = 0;

		for (unsigned k = 0; k < n; k++)
			acc += from[k] * w[k];
		s->scaled[x] = acc;
	}
}

/* make_phases's blocks: P + 1 pixels in, P dots out; n = P, a constant
 * where inlined for the common periods (one vector a block for 8). */
static inline void scale_row_phases_n(uint16_t *restrict to, const uint8_t *restrict from,
				      const uint16_t *restrict left,
				      const uint16_t *restrict right, unsigned blocks, unsigned n)
{
	for (unsigned b = 0; b < blocks; b++, from += n + 1, to += n)
		for (unsigned p = 0; p < n; p++)
			to[p] = (uint16_t)(from[p] * left[p] + from[p + 1] * right[p]);
}

static void scale_row_phases(const struct receipt_scaler *s, const uint8_t *row)
{
	const unsigned n = s->period, blocks = s->out_width / n;
	uint16_t *to = s->scaled16;

	switch (n) {
	case 2: scale_row_phases_n(to, row, s->phase_left, s->phase_right, blocks, 2); return;
	case 3: scale_row_phases_n(to, row, s->phase_left, s->phase_right, blocks, 3); return;
	case 8: scale_row_phases_n(to, row, s->phase_left, s->phase_right, blocks, 8); return;
	default: scale_row_phases_n(to, row, s->phase_left, s->phase_right, blocks, n); return;
	}
}

static void scale_row(const struct receipt_scaler *s, const uint8_t *row)
{
	switch (s->taps) {
	case 2: scale_row_fixed(s, row, 2); return;
	case 3: scale_row_fixed(s, row, 3); return;
	case 4: scale_row_fixed(s, row, 4); return;
	default: break;
	}
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
	/* sum < 255 * 65500 * 65500 < 2^63: through int64_t, the one
	 * instruction of a signed conversion, and the same double */
	double v = (double)(int64_t)sum * inverse + 0.5 + 1e-11;

	return (uint8_t)(v >= 255.0 ? 255 : (unsigned)v);
}

/* sum += scaled * take, and out = the means of sum, which is cleared: plain
 * loops on restrict arrays, for the vectoriser; in 32 bits when every sum
 * fits (scaler->narrow: a receipt of 576 x 3000 pixels does), where both
 * vectorise whole (four sums a vector, the int32 -> double conversion in
 * SSE2), and the doubles are the same. */
static void accumulate(uint64_t *restrict sum, const uint32_t *restrict scaled, uint32_t take,
		       unsigned n)
{
	/* 32 x 32 -> 64 bits: one SSE2 instruction for two pixels */
	for (unsigned x = 0; x < n; x++)
		sum[x] += (uint64_t)scaled[x] * take;
}

static void means(uint8_t *restrict out, uint64_t *restrict sum, double inverse, unsigned n)
{
	for (unsigned x = 0; x < n; x++) {
		out[x] = mean(sum[x], inverse);
		sum[x] = 0;
	}
}

static void accumulate32(int32_t *restrict sum, const uint32_t *restrict scaled, uint32_t take,
			 unsigned n)
{
	for (unsigned x = 0; x < n; x++)
		sum[x] += (int32_t)(scaled[x] * take);
}

/* make_phases's vertical sums: row * take (take <= in_height <= 65500,
 * and every sum here fits: 16 x 16 -> 32-bit multiplies, 8 dots an SSE2
 * pair). The first input row of a dot row sets the sums, so that nothing
 * clears them. */
static void set_phases(int32_t *restrict sum, const uint16_t *restrict scaled, uint16_t take,
		       unsigned n)
{
	for (unsigned x = 0; x < n; x++)
		sum[x] = (int32_t)((uint32_t)scaled[x] * take);
}

static void add_phases(int32_t *restrict sum, const uint16_t *restrict scaled, uint16_t take,
		       unsigned n)
{
	for (unsigned x = 0; x < n; x++)
		sum[x] += (int32_t)((uint32_t)scaled[x] * take);
}

/* The last input row of a dot row with the means, in one pass. The sums
 * are unit times smaller than make_taps's: inverse is unit / (in_width *
 * in_height), which changes no byte, by mean()'s argument (its relative
 * error is a few 1e-16). The mean is at most 255.5 + 1e-11, so it needs
 * no clamp, and 0.5 + 1e-11 is one constant. */
static void means_phases(uint8_t *restrict out, const int32_t *restrict sum,
			 const uint16_t *restrict scaled, uint16_t take, double inverse,
			 unsigned n)
{
	for (unsigned x = 0; x < n; x++) {
		int32_t total = sum[x] + (int32_t)((uint32_t)scaled[x] * take);

		out[x] = (uint8_t)(int32_t)((double)total * inverse + (0.5 + 1e-11));
	}
}

static void means_phases_alone(uint8_t *restrict out, const uint16_t *restrict scaled,
			       uint16_t take, double inverse, unsigned n)
{
	for (unsigned x = 0; x < n; x++) {
		int32_t total = (int32_t)((uint32_t)scaled[x] * take);

		out[x] = (uint8_t)(int32_t)((double)total * inverse + (0.5 + 1e-11));
	}
}

/* make_magic's means of sum + scaled * take (sum NULL: 0). */
static void means_magic(uint8_t *restrict out, const int32_t *restrict sum,
			const uint16_t *restrict scaled, uint16_t take, uint32_t magic,
			uint32_t area, unsigned shift, unsigned n)
{
	for (unsigned x = 0; x < n; x++) {
		uint32_t total = (uint32_t)sum[x] + (uint32_t)scaled[x] * take;
		uint32_t twice = 2 * total + area;

		out[x] = (uint8_t)((uint32_t)(((uint64_t)twice * magic) >> 32) >> shift);
	}
}

static void means_magic_alone(uint8_t *restrict out, const uint16_t *restrict scaled,
			      uint16_t take, uint32_t magic, uint32_t area, unsigned shift,
			      unsigned n)
{
	for (unsigned x = 0; x < n; x++) {
		uint32_t twice = 2 * ((uint32_t)scaled[x] * take) + area;

		out[x] = (uint8_t)((uint32_t)(((uint64_t)twice * magic) >> 32) >> shift);
	}
}

/* receipt_scaler_push when make_phases applies. */
static int push_phases(struct receipt_scaler *s, const uint8_t *row, receipt_row_fn emit,
		       void *context)
{
	const uint32_t in = s->in_height;
	const double inverse = s->inverse * s->unit;
	uint32_t left = s->out_height; /* this input row's height in vertical units */

	scale_row_phases(s, row);
	while (left > 0 && s->out_row < s->out_height) {
		uint32_t take = in - (uint32_t)s->filled < left ? in - (uint32_t)s->filled : left;
		uint8_t *to = s->into ? s->into : s->out;
		int rc;

		left -= take;
		if ((uint32_t)s->filled + take < in) {
			if (s->filled == 0)
				set_phases(s->sum32, s->scaled16, (uint16_t)take, s->out_width);
			else
				add_phases(s->sum32, s->scaled16, (uint16_t)take, s->out_width);
			s->filled += take;
			continue;
		}
		if (s->magic != 0 && s->filled == 0)
			means_magic_alone(to, s->scaled16, (uint16_t)take, s->magic, s->area,
					  s->magic_shift, s->out_width);
		else if (s->magic != 0)
			means_magic(to, s->sum32, s->scaled16, (uint16_t)take, s->magic, s->area,
				    s->magic_shift, s->out_width);
		else if (s->filled == 0)
			means_phases_alone(to, s->scaled16, (uint16_t)take, inverse,
					   s->out_width);
		else
			means_phases(to, s->sum32, s->scaled16, (uint16_t)take, inverse,
				     s->out_width);
		s->filled = 0;
		s->out_row++;
		rc = emit(context, to);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void means32(uint8_t *restrict out, int32_t *restrict sum, double inverse, unsigned n)
{
	for (unsigned x = 0; x < n; x++) {
		double v = (double)sum[x] * inverse + 0.5 + 1e-11; /* as mean() */

		out[x] = (uint8_t)(v >= 255.0 ? 255 : (int32_t)v);
		sum[x] = 0;
	}
}

int receipt_scaler_push(struct receipt_scaler *scaler, const uint8_t *row, receipt_row_fn emit,
			void *context)
{
	const uint64_t in = scaler->in_height, out = scaler->out_height;
	uint64_t left = out; /* this input row's height in vertical units */

	if (scaler->period != 0 && scaler->narrow)
		return push_phases(scaler, row, emit, context);
	scale_row(scaler, row);
	while (left > 0 && scaler->out_row < scaler->out_height) {
		uint64_t take = in - scaler->filled < left ? in - scaler->filled : left;
		uint8_t *to = scaler->into ? scaler->into : scaler->out;
		int rc;

		/* take <= in_height <= 65500 */
		if (scaler->narrow)
			accumulate32(scaler->sum32, scaler->scaled, (uint32_t)take, scaler->out_width);
		else
			accumulate(scaler->sum, scaler->scaled, (uint32_t)take, scaler->out_width);
		scaler->filled += take;
		left -= take;
		if (scaler->filled < in)
			continue;
		if (scaler->narrow)
			means32(to, scaler->sum32, scaler->inverse, scaler->out_width);
		else
			means(to, scaler->sum, scaler->inverse, scaler->out_width);
		scaler->filled = 0;
		scaler->out_row++;
		rc = emit(context, to);
		if (rc != 0)
			return rc;
	}
	return 0;
}
