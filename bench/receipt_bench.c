/* receipt-bench (bench/receipt.sh): times a receipt JPEG through src/receipt
 * beside libjpeg's decode alone of the same file, and measures the peak
 * memory growth of each (VmHWM after /proc/self/clear_refs reset it).
 *   receipt-bench FILE.jpg [RUNS]
 * One line per measure: "NAME best_ms median_ms peak_growth_kib best_cpu_ms
 * median_cpu_ms" (growth of a run after a first one; the thread's CPU time,
 * which other processes on a busy machine do not inflate), and the growth
 * of the very first conversion; also
 * receipt_base64_decode of the file's base64 text, the step before the JPEG
 * in the daemon (Odoo sends the JPEG in base64). The file is read into
 * memory first: the JPEG is the caller's, not counted. Linux. */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jpeglib.h>

#include "receipt/receipt.h"

static size_t sunk;

static int discard(void *context, const uint8_t *bytes, size_t len, char *err, size_t errlen)
{
	(void)context, (void)bytes, (void)err, (void)errlen;
	sunk += len;
	return 0;
}

/* libjpeg alone, every row to out_space (JCS_GRAYSCALE: what src/receipt
 * asks for; JCS_RGB: a plain decode). Exits on a libjpeg error. */
static void decode_only(const uint8_t *jpeg, size_t len, J_COLOR_SPACE out_space)
{
	struct jpeg_decompress_struct c;
	struct jpeg_error_mgr jerr;
	JSAMPROW row;

	c.err = jpeg_std_error(&jerr);
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, jpeg, (unsigned long)len);
	jpeg_read_header(&c, TRUE);
	c.out_color_space = out_space;
	jpeg_start_decompress(&c);
	row = malloc((size_t)c.output_width * c.output_components);
	while (c.output_scanline < c.output_height)
		jpeg_read_scanlines(&c, &row, 1);
	jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
	free(row);
}

static void convert(const uint8_t *jpeg, size_t len, unsigned dots)
{
	struct receipt_options o;
	char err[512];

	receipt_options_init(&o);
	o.dot_width = dots;
	if (receipt_print_jpeg(jpeg, len, &o, discard, NULL, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "receipt-bench: %s\n", err);
		exit(1);
	}
}

/* The JPEG as Odoo sends it, and room for it decoded. */
static char *base64_text;
static size_t base64_len;
static uint8_t *base64_out;

static void base64_encode(const uint8_t *in, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o;

	base64_text = o = malloc((len + 2) / 3 * 4 + 1);
	base64_out = malloc(len + 3);
	if (base64_text == NULL || base64_out == NULL)
		exit(1);
	for (size_t i = 0; i < len; i += 3) {
		unsigned long g = (unsigned long)in[i] << 16 |
				  (i + 1 < len ? (unsigned long)in[i + 1] << 8 : 0) |
				  (i + 2 < len ? in[i + 2] : 0);

		*o++ = alphabet[g >> 18 & 63];
		*o++ = alphabet[g >> 12 & 63];
		*o++ = i + 1 < len ? alphabet[g >> 6 & 63] : '=';
		*o++ = i + 2 < len ? alphabet[g & 63] : '=';
	}
	base64_len = (size_t)(o - base64_text);
}

static void base64_decode(size_t len)
{
	char err[256];
	size_t outlen;

	if (receipt_base64_decode(base64_text, base64_len, base64_out, len + 3, &outlen, err,
				  sizeof err) < 0 || outlen != len) {
		fprintf(stderr, "receipt-bench: %s\n", err);
		exit(1);
	}
}

static long hwm_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* Linux >= 4.0: writing 5 resets VmHWM to the current resident size. */
static long reset_hwm(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (f == NULL || fputs("5", f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "receipt-bench: /proc/self/clear_refs: %s\n", strerror(errno));
		exit(1);
	}
	return hwm_kib();
}

static double clock_ms(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

enum what { DECODE_GREY, DECODE_RGB, CONVERT_DOTS, CONVERT_SMALLER, BASE64 };

static void run_once(enum what what, const uint8_t *jpeg, size_t len, unsigned dots)
{
	switch (what) {
	case DECODE_GREY: decode_only(jpeg, len, JCS_GRAYSCALE); break;
	case DECODE_RGB: decode_only(jpeg, len, JCS_RGB); break;
	case CONVERT_DOTS: convert(jpeg, len, dots); break;
	case CONVERT_SMALLER: convert(jpeg, len, 512); break;
	case BASE64: base64_decode(len); break;
	}
}

static void measure(const char *name, enum what what, const uint8_t *jpeg, size_t len,
		    unsigned dots, int runs)
{
	double *ms = calloc((size_t)runs, sizeof(*ms)), *cpu = calloc((size_t)runs, sizeof(*cpu));
	long before, growth;

	run_once(what, jpeg, len, dots); /* warm: code paged in, allocator primed */
	before = reset_hwm();
	run_once(what, jpeg, len, dots);
	growth = hwm_kib() - before;
	for (int i = 0; i < runs; i++) {
		double start = clock_ms(CLOCK_MONOTONIC), start_cpu = clock_ms(CLOCK_THREAD_CPUTIME_ID);

		run_once(what, jpeg, len, dots);
		ms[i] = clock_ms(CLOCK_MONOTONIC) - start;
		cpu[i] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - start_cpu;
	}
	qsort(ms, (size_t)runs, sizeof(*ms), by_value);
	qsort(cpu, (size_t)runs, sizeof(*cpu), by_value);
	printf("%s %.2f %.2f %ld %.2f %.2f\n", name, ms[0], ms[runs / 2], growth, cpu[0],
	       cpu[runs / 2]);
	free(ms);
	free(cpu);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 20;
	uint8_t *jpeg;
	long size;
	FILE *f;
	struct jpeg_decompress_struct c;
	struct jpeg_error_mgr jerr;

	if (argc < 2 || runs < 1) {
		fprintf(stderr, "usage: receipt-bench FILE.jpg [RUNS]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "receipt-bench: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	jpeg = malloc((size_t)size);
	if (jpeg == NULL || fread(jpeg, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "receipt-bench: %s: cannot read it\n", argv[1]);
		return 2;
	}
	fclose(f);
	c.err = jpeg_std_error(&jerr);
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, jpeg, (unsigned long)size);
	jpeg_read_header(&c, TRUE);
	printf("jpeg %ux%u %ld\n", c.image_width, c.image_height, size);
	/* the first conversion of the process: libjpeg's and our code paged in,
	 * the allocator's first arenas, all counted */
	{
		long before = reset_hwm();

		convert(jpeg, (size_t)size, c.image_width);
		printf("convert_first_growth_kib %ld\n", hwm_kib() - before);
	}
	measure("decode_grey", DECODE_GREY, jpeg, (size_t)size, c.image_width, runs);
	measure("decode_rgb", DECODE_RGB, jpeg, (size_t)size, c.image_width, runs);
	/* the image's own width (no scaling), then 512 dots (scaled down) */
	measure("convert", CONVERT_DOTS, jpeg, (size_t)size, c.image_width, runs);
	measure("convert_to_512", CONVERT_SMALLER, jpeg, (size_t)size, c.image_width, runs);
	base64_encode(jpeg, (size_t)size);
	measure("base64", BASE64, jpeg, (size_t)size, c.image_width, runs);
	free(base64_text);
	free(base64_out);
	jpeg_destroy_decompress(&c);
	free(jpeg);
	return 0;
}
