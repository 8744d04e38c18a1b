/* The printer operations of the drawer: the kick with its read-back, and
 * the status check (DLE EOT 1..4). Run on the drawer's worker thread only. */
#include "drawer/drawer_printer.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"

/* A reply is one byte; bytes that are no status reply (ASB packets, noise)
 * are skipped, up to this many per query. */
#define NOISE_MAX 16

/* The size of a detail (struct drawer_result.detail), for its copies. */
#define DETAIL_MAX sizeof ((struct drawer_result *)NULL)->detail

enum reply { REPLY_OK, REPLY_NONE, REPLY_INVALID, REPLY_UNREADABLE, REPLY_FAILED };

static int64_t earlier(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Sends DLE EOT n and reads its reply byte into *byte. On REPLY_FAILED,
 * *error holds the transport error and detail says why. */
static enum reply query(struct drawer_printer *printer, unsigned n, int64_t deadline_ms,
			uint8_t *byte, int *error, char *detail, size_t detaillen)
{
	uint8_t command[ESCPOS_STATUS_QUERY_LEN];
	int64_t reply_deadline;
	bool noise = false;
	int rc;

	escpos_encode_status_query(n, command);
	rc = transport_write(&printer->transport, command, sizeof command, deadline_ms, detail,
			     detaillen);
	if (rc < 0) {
		*error = rc;
		return REPLY_FAILED;
	}
	reply_deadline = earlier(clock_monotonic_ms() + printer->status_timeout_ms, deadline_ms);
	for (int i = 0; i < NOISE_MAX; i++) {
		rc = transport_read(&printer->transport, byte, 1, reply_deadline, detail, detaillen);
		if (rc == TRANSPORT_ERR_UNSUPPORTED)
			return REPLY_UNREADABLE;
		if (rc == TRANSPORT_ERR_TIMEOUT)
			return noise ? REPLY_INVALID : REPLY_NONE;
		if (rc < 0) {
			*error = rc;
			return REPLY_FAILED;
		}
		if (escpos_status_byte_is_valid(*byte))
			return REPLY_OK;
		noise = true;
	}
	return REPLY_INVALID;
}

/* drawer_printer_kick, without the words it puts before a lost connection's. */
static int kick(struct drawer_printer *printer, bool read_back, int64_t deadline_ms,
		enum escpos_drawer *drawer, char *detail, size_t detaillen)
{
	struct escpos_status status;
	char why[DETAIL_MAX];
	uint8_t byte;
	int rc, error;

	*drawer = ESCPOS_DRAWER_UNKNOWN;
	rc = transport_open(&printer->transport, deadline_ms, detail, detaillen);
	if (rc < 0)
		return rc;
	rc = transport_write(&printer->transport, printer->kick, printer->kick_length,
			     deadline_ms, detail, detaillen);
	if (rc < 0)
		goto out;
	if (!read_back || printer->silent || !transport_can_read(&printer->transport))
		goto confirm;
	/* DLE EOT is answered at once, ahead of the buffered pulse: read pin 3
	 * once the pulse had time to throw the drawer. A valid reply proves the
	 * printer received the kick, sent before the query on the same stream. */
	clock_sleep_until_ms(earlier(clock_monotonic_ms() + printer->pulse_ms, deadline_ms));
	switch (query(printer, 1, deadline_ms, &byte, &error, detail, detaillen)) {
	case REPLY_OK:
		escpos_status_init(&status);
		escpos_status_record(&status, 1, byte);
		*drawer = escpos_status_drawer(&status, printer->open_level_high);
		detail[0] = '\0';
		goto out;
	case REPLY_NONE:
	case REPLY_UNREADABLE: /* a plain file: nothing will ever answer */
		printer->silent = true;
		detail[0] = '\0';
		break;
	case REPLY_INVALID:
		snprintf(detail, detaillen, "tiroir non relu : aucune réponse d'état valide");
		break;
	case REPLY_FAILED: {
		char cause[DETAIL_MAX];

		/* Closed or reset before any reply: the printer may have lost the
		 * kick with its connection (an interface restarting, a printer busy
		 * with another computer). Any other failure of the read-back says
		 * nothing of the kick, and the log tells it. */
		if (error == TRANSPORT_ERR_CONNECTION_LOST) {
			rc = error;
			goto out;
		}
		snprintf(cause, sizeof cause, "%s", detail);
		snprintf(detail, detaillen, "tiroir non relu : %s", cause);
		break;
	}
	}
confirm:
	/* No reply vouches for the kick: the transport must (tcp: every byte
	 * acknowledged, and no FIN or RST before or with that). */
	rc = transport_confirm(&printer->transport, deadline_ms, why, sizeof why);
	if (rc < 0)
		snprintf(detail, detaillen, "%s", why);
out:
	transport_close(&printer->transport);
	return rc;
}

int drawer_printer_kick(struct drawer_printer *printer, bool read_back, int64_t deadline_ms,
			enum escpos_drawer *drawer, char *detail, size_t detaillen)
{
	int rc = kick(printer, read_back, deadline_ms, drawer, detail, detaillen);

	/* Whether the printer hung up as the connection opened, before the
	 * kick, or before anything vouched for it, the log says the same. */
	if (rc == TRANSPORT_ERR_CONNECTION_LOST) {
		char cause[DETAIL_MAX];

		snprintf(cause, sizeof cause, "%s", detail);
		snprintf(detail, detaillen, "ordre d'ouverture non confirmé : %s", cause);
	}
	return rc;
}

int drawer_printer_print(struct drawer_printer *printer, const uint8_t *bytes, size_t length,
			 int64_t deadline_ms, char *detail, size_t detaillen)
{
	int rc = transport_open(&printer->transport, deadline_ms, detail, detaillen);

	if (rc < 0)
		return rc;
	rc = transport_write(&printer->transport, bytes, length, deadline_ms, detail, detaillen);
	if (rc == 0)
		rc = transport_confirm(&printer->transport, deadline_ms, detail, detaillen);
	transport_close(&printer->transport);
	return rc;
}

void drawer_printer_unreadable(struct drawer_printer_state *state)
{
	memset(state, 0, sizeof *state);
	escpos_status_init(&state->status);
	state->can_read = false;
	state->reachable = ESCPOS_FLAG_UNKNOWN;
	state->drawer = ESCPOS_DRAWER_UNKNOWN;
	state->checked_at = clock_wall();
}

void drawer_printer_check(struct drawer_printer *printer, int64_t deadline_ms,
			  struct drawer_printer_state *state, char *detail, size_t detaillen)
{
	static const unsigned order[] = {1, 2, 4, 3};
	int rc;

	drawer_printer_unreadable(state);
	state->can_read = true;
	rc = transport_open(&printer->transport, deadline_ms, detail, detaillen);
	if (rc < 0) {
		state->reachable = ESCPOS_FLAG_NO;
		state->error = rc;
		return;
	}
	state->reachable = ESCPOS_FLAG_YES;
	if (!transport_can_read(&printer->transport)) {
		/* a plain file, a device opened write-only: a query would only be written */
		state->can_read = false;
		transport_close(&printer->transport);
		return;
	}
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		unsigned n = order[i];
		uint8_t byte;
		int error = 0;

		/* the error cause is asked only when DLE EOT 2 reports an error */
		if (n == 3 && state->status.error_occurred != ESCPOS_FLAG_YES)
			break;
		switch (query(printer, n, deadline_ms, &byte, &error, detail, detaillen)) {
		case REPLY_OK:
			escpos_status_record(&state->status, n, byte);
			printer->silent = false;
			continue;
		case REPLY_NONE:
			state->reply_problem = "no_status_reply";
			if (n == 1)
				printer->silent = true;
			break;
		case REPLY_INVALID:
			state->reply_problem = "invalid_status_reply";
			break;
		case REPLY_UNREADABLE:
			state->can_read = false;
			break;
		case REPLY_FAILED:
			state->error = error;
			break;
		}
		break;
	}
	state->drawer = escpos_status_drawer(&state->status, printer->open_level_high);
	transport_close(&printer->transport);
}
