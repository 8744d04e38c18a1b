/* Fuzzes the receipt pipeline (src/receipt): strict base64, then the JPEG to
 * ESC/POS raster path with libjpeg. Input: a byte choosing the options (dot
 * width, band height, feed, cut, black and white, base64 or raw), then the
 * JPEG (or its base64 text). Properties: a text that decodes is canonical
 * base64 (re-encoding gives it back); a success's bytes are ESC @, GS ( D
 * disabling the real-time pulse, bands of GS v 0 whose declared sizes match
 * their data and add up to the image's height, GS ( D enabling the pulse,
 * then the feed and cut asked for, exactly as many bytes as
 * receipt_measure_jpeg predicted; a refusal has a reason and a message, and
 * what it sent first is a valid prefix of that framing. */
#include <errno.h>

#include "fuzz.h"
#include "receipt/receipt.h"

#define OUTPUT_MAX (4u << 20)

static uint8_t output[OUTPUT_MAX];
static size_t output_len;

static int capture(void *context, const uint8_t *bytes, size_t len, char *err, size_t errlen)
{
	(void)context;
	FUZZ_CHECK(len > 0 && len <= RECEIPT_CHUNK_MAX, "a chunk of %zu bytes", len);
	if (len > OUTPUT_MAX - output_len) {
		snprintf(err, errlen, "harness buffer full");
		return -ENOBUFS;
	}
	memcpy(output + output_len, bytes, len);
	output_len += len;
	return 0;
}

static void check_canonical(const uint8_t *text, size_t len, const uint8_t *bytes, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t t = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t g = (uint32_t)bytes[i] << 16 | (i + 1 < n ? (uint32_t)bytes[i + 1] << 8 : 0) |
			     (i + 2 < n ? bytes[i + 2] : 0);
		char group[4] = {alphabet[g >> 18], alphabet[(g >> 12) & 63],
				 i + 1 < n ? alphabet[(g >> 6) & 63] : '=', i + 2 < n ? alphabet[g & 63] : '='};

		FUZZ_CHECK(t + 4 <= len && memcmp(text + t, group, 4) == 0,
			   "decoded text does not re-encode the same at %zu", t);
		t += 4;
	}
	FUZZ_CHECK(t == len, "%zu characters decoded, %zu re-encoded", len, t);
}

/* Walks output as the framing; complete: the whole job must be there. */
static void check_framing(const struct receipt_options *o, const struct receipt_result *r,
			  int complete)
{
	static const uint8_t start[10] = {0x1B, 0x40, 0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x00};
	static const uint8_t pulse_on[8] = {0x1D, 0x28, 0x44, 0x03, 0x00, 0x14, 0x01, 0x01};
	const unsigned width = o->dot_width / 8;
	size_t pos = sizeof start, rows = 0;

	if (output_len == 0 && !complete)
		return;
	/* ESC @, then DLE DC4 1 disabled (GS ( D) before any image data */
	FUZZ_CHECK(output_len >= sizeof start && memcmp(output, start, sizeof start) == 0,
		   "no ESC @ and GS ( D first");
	while (pos < output_len && output[pos] == 0x1D && output[pos + 1] == 0x76) {
		FUZZ_CHECK(complete ? pos + 8 <= output_len : 1, "band header cut");
		if (pos + 8 > output_len)
			return;
		unsigned x = output[pos + 4] | (unsigned)output[pos + 5] << 8;
		unsigned y = output[pos + 6] | (unsigned)output[pos + 7] << 8;

		FUZZ_CHECK(output[pos + 2] == 0x30 && output[pos + 3] == 0, "not GS v 0 m=0");
		FUZZ_CHECK(x == width, "band of %u bytes per row, the paper has %u", x, width);
		FUZZ_CHECK(y >= 1 && y <= o->band_rows, "band of %u rows (at most %u)", y,
			   o->band_rows);
		rows += y;
		pos += 8 + (size_t)x * y;
		if (!complete && pos >= output_len)
			return;
		FUZZ_CHECK(pos <= output_len, "band data past the end");
		FUZZ_CHECK(rows == r->image_height || y == o->band_rows,
			   "a short band of %u rows before the last", y);
	}
	if (!complete)
		return;
	FUZZ_CHECK(rows == r->image_height, "%zu rows sent, image of %u", rows, r->image_height);
	FUZZ_CHECK(pos + 8 <= output_len && memcmp(output + pos, pulse_on, 8) == 0,
		   "no GS ( D enabling the pulse again after the image");
	pos += 8;
	if (o->feed_lines > 0) {
		FUZZ_CHECK(pos + 3 <= output_len && output[pos] == 0x1B && output[pos + 1] == 0x64 &&
				   output[pos + 2] == o->feed_lines, "no ESC d %u", o->feed_lines);
		pos += 3;
	}
	if (o->cut != RECEIPT_CUT_NONE) {
		FUZZ_CHECK(pos + 4 <= output_len && output[pos] == 0x1D && output[pos + 1] == 0x56 &&
				   output[pos + 2] == (o->cut == RECEIPT_CUT_FULL ? 65 : 66) &&
				   output[pos + 3] == 0, "no GS V cut");
		pos += 4;
	}
	FUZZ_CHECK(pos == output_len, "%zu bytes after the cut", output_len - pos);
}

/* Decoding in place (as the daemon does, in the request's body) gives
 * what decoding into another buffer gave: rc, bytes, message. */
static void check_in_place(const char *text, size_t len, int rc, const uint8_t *decoded,
			   size_t decoded_len, const char *err)
{
	char *copy = malloc(len > 0 ? len : 1), err2[256] = "";
	size_t len2;
	int rc2;

	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	rc2 = receipt_base64_decode(copy, len, (uint8_t *)copy, len, &len2, err2, sizeof err2);
	FUZZ_CHECK(rc2 == rc, "in place rc %d, else %d", rc2, rc);
	if (rc == 0)
		FUZZ_CHECK(len2 == decoded_len && memcmp(copy, decoded, len2) == 0,
			   "in place: other bytes");
	else
		FUZZ_CHECK(strcmp(err, err2) == 0, "in place: '%s', else '%s'", err2, err);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned dots[] = {384, 512, 576, 64};
	static const unsigned bands[] = {255, 24, 1, 2303};
	struct receipt_options o;
	struct receipt_result result, measured;
	uint8_t *decoded = NULL;
	const uint8_t *jpeg;
	size_t len;
	char err[512], err2[512];
	int rc, rc2;

	if (size < 1)
		return 0;
	receipt_options_init(&o);
	o.dot_width = dots[data[0] & 3];
	o.band_rows = bands[(data[0] >> 2) & 3];
	o.cut = (enum receipt_cut)((data[0] >> 4) % 3);
	o.feed_lines = (data[0] >> 4) & 1 ? 3 : 0;
	o.bw = (enum receipt_bw)((data[0] >> 5) & 3);
	/* smaller than the defaults, so that a header claiming the maximum
	 * still decodes quickly */
	o.max_width = 1024;
	o.max_height = 2048;
	jpeg = data + 1;
	len = size - 1;
	if (data[0] & 0x80) {
		decoded = malloc(receipt_base64_decoded_max(len) + 1);
		if (decoded == NULL)
			abort();
		err[0] = '\0';
		rc = receipt_base64_decode((const char *)jpeg, len, decoded, len, &len, err, sizeof err);
		FUZZ_CHECK(rc == 0 || (rc == -EINVAL && err[0]), "base64 rc %d '%s'", rc, err);
		check_in_place((const char *)data + 1, size - 1, rc, decoded, len, err);
		if (rc < 0)
			goto out;
		check_canonical(data + 1, size - 1, decoded, len);
		jpeg = decoded;
	}
	output_len = 0;
	err[0] = err2[0] = '\0';
	rc = receipt_print_jpeg(jpeg, len, &o, capture, NULL, &result, err, sizeof err);
	rc2 = receipt_measure_jpeg(jpeg, len, &o, &measured, err2, sizeof err2);
	FUZZ_CHECK(fuzz_terminated(err, sizeof err), "message not terminated");
	FUZZ_CHECK(result.bytes == output_len, "result says %zu bytes, %zu sent", result.bytes,
		   output_len);
	if (rc == 0) {
		FUZZ_CHECK(result.reason == RECEIPT_OK, "success with reason %d", (int)result.reason);
		FUZZ_CHECK(rc2 == 0 && measured.bytes == output_len,
			   "measured %zu bytes (rc %d), printed %zu", measured.bytes, rc2, output_len);
		FUZZ_CHECK(result.image_width <= o.dot_width && result.image_height >= 1 &&
				   result.jpeg_width <= o.max_width && result.jpeg_height <= o.max_height,
			   "image %ux%u from %ux%u", result.image_width, result.image_height,
			   result.jpeg_width, result.jpeg_height);
		check_framing(&o, &result, 1);
	} else {
		FUZZ_CHECK(result.reason != RECEIPT_OK && err[0] != '\0', "rc %d, reason %d, '%s'",
			   rc, (int)result.reason, err);
		FUZZ_CHECK(strcmp(receipt_reason_name(result.reason), "unknown") != 0, "reason %d",
			   (int)result.reason);
		/* the header's refusals are the same without decoding */
		if (output_len == 0 && result.reason != RECEIPT_CORRUPT_JPEG &&
		    result.reason != RECEIPT_OUTPUT_FAILED && result.reason != RECEIPT_NO_MEMORY)
			FUZZ_CHECK(rc2 == rc && measured.reason == result.reason,
				   "measure rc %d reason %d, print rc %d reason %d", rc2,
				   (int)measured.reason, rc, (int)result.reason);
		check_framing(&o, &result, 0);
	}
out:
	free(decoded);
	return 0;
}
