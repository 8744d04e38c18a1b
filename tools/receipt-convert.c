/* receipt-convert: a receipt JPEG (or its base64 text) to the ESC/POS bytes
 * cashdrawerd sends the printer, through src/receipt/. For tests, the bench
 * and a look by hand (send the output to escpos-sim --receipts DIR):
 *   receipt-convert [options] INPUT OUTPUT
 * On a refusal: "receipt-convert: REASON: message" on stderr, exit 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "receipt/receipt.h"

static const char usage[] =
	"usage: receipt-convert [options] INPUT.jpg OUTPUT.bin\n"
	"  --dots N             printer dots per line (default 512)\n"
	"  --cut full|partial|none   (default partial)\n"
	"  --feed N             lines fed before the cut (default 0)\n"
	"  --band-rows N        rows per GS v 0 command (default 255)\n"
	"  --bw edge-dither|threshold|dither|contrast-dither   (default edge-dither)\n"
	"  --max-width N, --max-height N   JPEG limits in pixels\n"
	"  --base64             INPUT is base64 text, as Odoo sends it\n"
	"  --measure            print the header's figures only, write nothing\n";

static int write_file(void *context, const uint8_t *bytes, size_t len, char *err, size_t errlen)
{
	if (fwrite(bytes, 1, len, context) != len) {
		snprintf(err, errlen, "write: %s", strerror(errno));
		return -EIO;
	}
	return 0;
}

static int read_all(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n;

	*len = 0;
	*data = NULL;
	if (f == NULL)
		return -errno;
	*data = malloc(cap);
	while (*data && (n = fread(*data + *len, 1, cap - *len, f)) > 0) {
		*len += n;
		if (*len == cap)
			*data = realloc(*data, cap *= 2);
	}
	fclose(f);
	return *data ? 0 : -ENOMEM;
}

static int parse_unsigned(const char *text, unsigned *value)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v > 65535)
		return -1;
	*value = (unsigned)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct receipt_options *o, int *base64,
		      int *measure, const char **paths)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;

		if (strcmp(a, "--base64") == 0) {
			*base64 = 1;
			continue;
		}
		if (strcmp(a, "--measure") == 0) {
			*measure = 1;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (n == 2)
				return -1;
			paths[n++] = a;
			continue;
		}
		if (v == NULL)
			return -1;
		i++;
		if (strcmp(a, "--dots") == 0)
			bad = parse_unsigned(v, &o->dot_width);
		else if (strcmp(a, "--feed") == 0)
			bad = parse_unsigned(v, &o->feed_lines);
		else if (strcmp(a, "--band-rows") == 0)
			bad = parse_unsigned(v, &o->band_rows);
		else if (strcmp(a, "--max-width") == 0)
			bad = parse_unsigned(v, &o->max_width);
		else if (strcmp(a, "--max-height") == 0)
			bad = parse_unsigned(v, &o->max_height);
		else if (strcmp(a, "--cut") == 0)
			o->cut = strcmp(v, "full") == 0      ? RECEIPT_CUT_FULL
				 : strcmp(v, "partial") == 0 ? RECEIPT_CUT_PARTIAL
				 : strcmp(v, "none") == 0    ? RECEIPT_CUT_NONE
							     : (bad = -1, o->cut);
		else if (strcmp(a, "--bw") == 0)
			o->bw = strcmp(v, "edge-dither") == 0       ? RECEIPT_BW_EDGE_DITHER
				: strcmp(v, "contrast-dither") == 0 ? RECEIPT_BW_CONTRAST_DITHER
				: strcmp(v, "threshold") == 0     ? RECEIPT_BW_THRESHOLD
				: strcmp(v, "dither") == 0        ? RECEIPT_BW_DITHER
								  : (bad = -1, o->bw);
		else
			bad = -1;
		if (bad)
			return -1;
	}
	return n == 2 || (*measure && n == 1) ? 0 : -1;
}

static int run(int argc, char **argv)
{
	struct receipt_options options;
	struct receipt_result result;
	const char *paths[2] = {NULL, NULL};
	uint8_t *input = NULL, *jpeg;
	size_t len, jpeg_len;
	int base64 = 0, measure = 0, rc;
	char err[512];
	FILE *out = NULL;

	receipt_options_init(&options);
	if (parse_args(argc, argv, &options, &base64, &measure, paths) < 0) {
		fputs(usage, stderr);
		return 2;
	}
	rc = read_all(paths[0], &input, &len);
	if (rc < 0) {
		fprintf(stderr, "receipt-convert: %s: %s\n", paths[0], strerror(-rc));
		return 2;
	}
	jpeg = input;
	jpeg_len = len;
	if (base64) {
		jpeg = malloc(receipt_base64_decoded_max(len) + 1);
		if (jpeg == NULL || receipt_base64_decode((char *)input, len, jpeg, len, &jpeg_len,
							  err, sizeof err) < 0) {
			fprintf(stderr, "receipt-convert: %s: %s\n",
				receipt_reason_name(RECEIPT_NOT_BASE64), jpeg ? err : "out of memory");
			rc = -EINVAL;
			goto out;
		}
	}
	if (measure) {
		rc = receipt_measure_jpeg(jpeg, jpeg_len, &options, &result, err, sizeof err);
	} else {
		out = fopen(paths[1], "wb");
		if (out == NULL) {
			fprintf(stderr, "receipt-convert: %s: %s\n", paths[1], strerror(errno));
			rc = -errno;
			goto out;
		}
		rc = receipt_print_jpeg(jpeg, jpeg_len, &options, write_file, out, &result, err,
					sizeof err);
	}
	if (rc < 0)
		fprintf(stderr, "receipt-convert: %s: %s\n", receipt_reason_name(result.reason), err);
	else
		printf("jpeg %ux%u printed %ux%u in %u bands, %zu bytes\n", result.jpeg_width,
		       result.jpeg_height, result.image_width, result.image_height, result.bands,
		       result.bytes);
out:
	if (out != NULL && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "receipt-convert: %s: %s\n", paths[1], strerror(errno));
		rc = -EIO;
	}
	if (jpeg != input)
		free(jpeg);
	free(input);
	return rc < 0 ? 1 : 0;
}

#ifdef _WIN32
/* The Windows build links with -municode (wmain): the arguments in UTF-8. */
int wmain(int argc, wchar_t **wargv)
{
	char **argv = compat_utf8_argv(argc, wargv);

	return argv != NULL ? run(argc, argv) : 2;
}
#else
int main(int argc, char **argv)
{
	return run(argc, argv);
}
#endif
