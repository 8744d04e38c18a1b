/* Fuzzes status decoding: DLE EOT replies recorded one by one
 * (escpos_status_record), then the same bytes read by the drawer's status
 * check and kick read-back (drawer_printer_check, drawer_printer_kick)
 * from a fake printer. Input: a byte of flags (open fails, the transport
 * cannot read, the open level, the worker thought the printer silent, no
 * read-back after a kick),
 * then pairs (n, reply) for the first part and the printer's bytes for the
 * second: 0xFF x reads as a timeout (x even) or an I/O error (x odd).
 * Properties: a refused reply changes nothing; every decoded field, the
 * drawer, paper and error stay inside their enums with a name; the check
 * asks DLE EOT 1, 2, 4 and 3 only after an error, stops at the first
 * missing reply, skips at most 16 bytes of noise per question, reads the
 * drawer from pin 3 and reports one of its known problems. */
#include <errno.h>

#include "base/clock.h"
#include "drawer/drawer_printer.h"
#include "drawer/escpos.h"
#include "fuzz.h"

#define NOISE_MAX 16 /* as drawer_printer.c */

static struct {
	const uint8_t *bytes;
	size_t size, pos;
	int open_fails;
	unsigned reads;
	unsigned queries[64];
	size_t query_count;
	int kicks;
} printer;

static int fake_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	(void)transport;
	(void)deadline_ms;
	if (printer.open_fails) {
		snprintf(err, errlen, "fake printer: refused");
		return TRANSPORT_ERR_REFUSED;
	}
	return 0;
}

static int fake_write(struct transport *transport, const void *buf, size_t len,
		      int64_t deadline_ms, char *err, size_t errlen)
{
	const uint8_t *bytes = buf;

	(void)transport;
	(void)deadline_ms;
	(void)err;
	(void)errlen;
	if (len == ESCPOS_STATUS_QUERY_LEN && bytes[0] == 0x10 && bytes[1] == 0x04) {
		FUZZ_CHECK(printer.query_count < 64, "more than 64 questions");
		printer.queries[printer.query_count++] = bytes[2];
	} else {
		FUZZ_CHECK(len == ESCPOS_KICK_LEN && bytes[0] == 0x1B, "wrote %zu bytes, not a kick",
			   len);
		printer.kicks++;
	}
	return 0;
}

static int fake_read(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		     char *err, size_t errlen)
{
	(void)transport;
	(void)deadline_ms;
	FUZZ_CHECK(len >= 1, "read of %zu bytes", len);
	printer.reads++;
	if (printer.pos >= printer.size || printer.bytes[printer.pos] == 0xFF) {
		int io_error = printer.pos + 1 < printer.size && printer.bytes[printer.pos + 1] % 2;

		printer.pos += 2;
		snprintf(err, errlen, "fake printer: %s", io_error ? "I/O error" : "no answer");
		return io_error ? TRANSPORT_ERR_IO : TRANSPORT_ERR_TIMEOUT;
	}
	*(uint8_t *)buf = printer.bytes[printer.pos++];
	return 1;
}

static void fake_close(struct transport *transport)
{
	(void)transport;
}

static const struct transport_ops reading_ops = {
	.name = "fuzz", .open = fake_open, .write = fake_write, .read = fake_read,
	.close = fake_close,
};
static const struct transport_ops writing_ops = {
	.name = "fuzz-write-only", .open = fake_open, .write = fake_write, .close = fake_close,
};

static void check_status(const struct escpos_status *status, int open_level_high)
{
	const enum escpos_flag flags[] = {status->pin3_high, status->offline, status->cover_open,
					  status->paper_stopped, status->error_occurred};
	enum escpos_paper paper = escpos_status_paper(status);
	enum escpos_error error = escpos_status_error(status);
	enum escpos_drawer drawer = escpos_status_drawer(status, open_level_high);

	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		FUZZ_CHECK(flags[i] <= ESCPOS_FLAG_YES, "flag %zu is %d", i, (int)flags[i]);
		FUZZ_CHECK(escpos_flag_name(flags[i]) != NULL, "flag %zu unnamed", i);
	}
	FUZZ_CHECK(status->paper <= ESCPOS_PAPER_OUT && paper <= ESCPOS_PAPER_OUT, "paper %d/%d",
		   (int)status->paper, (int)paper);
	FUZZ_CHECK(status->error_cause <= ESCPOS_ERROR_OTHER && error <= ESCPOS_ERROR_OTHER,
		   "error %d/%d", (int)status->error_cause, (int)error);
	FUZZ_CHECK(drawer <= ESCPOS_DRAWER_CLOSED, "drawer %d", (int)drawer);
	FUZZ_CHECK(escpos_paper_name(paper) != NULL && escpos_drawer_name(drawer) != NULL,
		   "unnamed paper or drawer");
	FUZZ_CHECK((error == ESCPOS_ERROR_NONE) == (escpos_error_name(error) == NULL),
		   "error %d named %s", (int)error, escpos_error_name(error));
	/* what each answer implies */
	FUZZ_CHECK((drawer == ESCPOS_DRAWER_UNKNOWN) == (status->pin3_high == ESCPOS_FLAG_UNKNOWN),
		   "drawer %d with pin 3 %d", (int)drawer, (int)status->pin3_high);
	FUZZ_CHECK((error == ESCPOS_ERROR_UNKNOWN) == (status->error_occurred == ESCPOS_FLAG_UNKNOWN),
		   "error %d with error_occurred %d", (int)error, (int)status->error_occurred);
	FUZZ_CHECK(status->error_occurred != ESCPOS_FLAG_YES || error >= ESCPOS_ERROR_AUTOCUTTER,
		   "an error occurred, reported as %d", (int)error);
	FUZZ_CHECK(status->paper_stopped != ESCPOS_FLAG_YES || paper == ESCPOS_PAPER_OUT,
		   "stopped by paper end, paper %d", (int)paper);
}

/* First part: (n, byte) pairs straight into a status. */
static size_t record_replies(const uint8_t *data, size_t size, int open_level_high)
{
	struct escpos_status status, before;
	size_t pos = 0;

	escpos_status_init(&status);
	check_status(&status, open_level_high);
	for (; pos + 1 < size && data[pos] != 0xFE; pos += 2) {
		unsigned n = data[pos] % 8; /* 0..7: 1..4 and some that are not */
		uint8_t byte = data[pos + 1];
		int valid = n >= 1 && n <= 4 && escpos_status_byte_is_valid(byte);

		before = status;
		FUZZ_CHECK(escpos_status_record(&status, n, byte) == (valid ? 0 : -EINVAL),
			   "DLE EOT %u reply %02X", n, byte);
		FUZZ_CHECK(valid || memcmp(&before, &status, sizeof status) == 0,
			   "refused DLE EOT %u reply %02X changed the status", n, byte);
		check_status(&status, open_level_high);
	}
	return pos + 1 < size ? pos + 1 : size; /* after the 0xFE that ends it */
}

static void check_questions(const struct drawer_printer_state *state)
{
	static const unsigned order[] = {1, 2, 4, 3};

	FUZZ_CHECK(printer.query_count <= 4, "%zu questions", printer.query_count);
	for (size_t i = 0; i < printer.query_count; i++)
		FUZZ_CHECK(printer.queries[i] == order[i], "question %zu is DLE EOT %u", i,
			   printer.queries[i]);
	FUZZ_CHECK(printer.query_count < 4 || state->status.error_occurred == ESCPOS_FLAG_YES,
		   "DLE EOT 3 asked without an error");
	FUZZ_CHECK(printer.reads <= printer.query_count * NOISE_MAX, "%u reads for %zu questions",
		   printer.reads, printer.query_count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drawer_printer dp;
	struct drawer_printer_state state;
	struct printer_uri uri = {.scheme = PRINTER_URI_TCP};
	enum escpos_drawer drawer;
	const char *problem;
	char detail[256];
	unsigned flags;
	size_t start;
	bool read_back;
	int rc;

	if (size < 1)
		return 0;
	flags = data[0];
	start = 1 + record_replies(data + 1, size - 1, flags & 4);

	memset(&printer, 0, sizeof printer);
	printer.bytes = data + start;
	printer.size = size - start;
	printer.open_fails = flags & 1;
	memset(&dp, 0, sizeof dp);
	dp.transport.ops = flags & 2 ? &writing_ops : &reading_ops;
	dp.transport.uri = &uri;
	dp.transport.fd = -1;
	dp.kick[0] = 0x1B;
	dp.kick[1] = 0x70;
	dp.kick_length = ESCPOS_KICK_LEN;
	dp.pulse_ms = 0;
	dp.status_timeout_ms = 1000;
	dp.open_level_high = flags & 4;
	dp.silent = flags & 8;
	read_back = !(flags & 16);

	drawer_printer_check(&dp, clock_monotonic_ms() + 10000, &state, detail, sizeof detail);
	check_status(&state.status, dp.open_level_high);
	check_questions(&state);
	FUZZ_CHECK(state.drawer == escpos_status_drawer(&state.status, dp.open_level_high),
		   "state drawer %d", (int)state.drawer);
	FUZZ_CHECK(state.reachable == (printer.open_fails ? ESCPOS_FLAG_NO : ESCPOS_FLAG_YES),
		   "reachable %d", (int)state.reachable);
	FUZZ_CHECK(state.reply_problem == NULL || strcmp(state.reply_problem, "no_status_reply") == 0 ||
			   strcmp(state.reply_problem, "invalid_status_reply") == 0,
		   "reply problem %s", state.reply_problem);
	FUZZ_CHECK(!(flags & 2) || printer.open_fails || (!state.can_read && printer.query_count == 0),
		   "a write-only transport was asked");
	problem = drawer_printer_state_error(&state);
	FUZZ_CHECK(problem == NULL || problem[0] != '\0', "empty problem code");
	FUZZ_CHECK((problem == NULL) == (state.error == 0 && state.reply_problem == NULL &&
					  (!state.can_read ||
					   escpos_status_error(&state.status) <= ESCPOS_ERROR_NONE)),
		   "problem %s", problem ? problem : "NULL");

	/* the kick's read-back: the printer goes on with the bytes left */
	printer.query_count = 0;
	printer.reads = 0;
	printer.kicks = 0;
	rc = drawer_printer_kick(&dp, read_back, clock_monotonic_ms() + 10000, &drawer, detail, sizeof detail);
	FUZZ_CHECK(rc == 0 || (printer.open_fails && rc == TRANSPORT_ERR_REFUSED), "kick: %d", rc);
	FUZZ_CHECK(printer.kicks == !printer.open_fails, "%d kicks", printer.kicks);
	FUZZ_CHECK(drawer <= ESCPOS_DRAWER_CLOSED, "kick read back drawer %d", (int)drawer);
	FUZZ_CHECK(printer.query_count <= 1 && (printer.query_count == 0 || printer.queries[0] == 1),
		   "the kick asked %zu questions", printer.query_count);
	FUZZ_CHECK(read_back || printer.query_count == 0, "read back with read_back = false");
	FUZZ_CHECK(printer.reads <= NOISE_MAX, "the kick read %u bytes", printer.reads);
	FUZZ_CHECK(drawer == ESCPOS_DRAWER_UNKNOWN || printer.query_count == 1,
		   "drawer %d without asking", (int)drawer);
	return 0;
}
