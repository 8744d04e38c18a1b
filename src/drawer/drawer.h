/* The drawer: one printer operation at a time on a worker thread, and the
 * solenoid's protection: requests within min_interval_ms of a pulse share it.
 * Every request is answered by its arrival + timeout_ms (plus scheduling). */
#ifndef CASHDRAWERD_DRAWER_H
#define CASHDRAWERD_DRAWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/outcome.h"
#include "drawer/escpos.h"
#include "transport/printer_address.h"
#include "transport/transport.h"

/* Errors of the drawer itself, beside the transport's. */
enum drawer_error {
	DRAWER_ERR_BUSY = OUTCOME_ERROR(PRINTER_BUSY),         /* waited its whole timeout
								  * behind other openings */
	DRAWER_ERR_STOPPING = OUTCOME_ERROR(SERVICE_STOPPING), /* the service is shutting down */
};

struct drawer_options {
	const struct printer_uri *uri;
	unsigned pin, pulse_on_ms, pulse_off_ms;
	bool both_pins;             /* pin 2, then pin 5 (pin is then not read) */
	bool realtime;              /* DLE DC4 instead of ESC p */
	unsigned realtime_pulse_ms; /* DLE DC4: on and off time */
	bool open_level_high;       /* pin 3 HIGH means open (the usual switch) */
	unsigned timeout_ms;
	unsigned min_interval_ms;
	unsigned status_cache_ms;   /* a status check is reused this long */
	unsigned status_timeout_ms; /* longest wait for one DLE EOT reply */
	unsigned print_timeout_ms;  /* a receipt: longest from its arrival to its last byte taken */
	/* NULL: chosen from uri. Set by tests to drive a transport of their own. */
	const struct transport_ops *ops;
};

/* What the last status check of the printer found. Fields the transport
 * cannot read back, or the printer did not validly answer, stay unknown. */
struct drawer_printer_state {
	bool can_read;                /* the transport reads back (tcp, serial, devices) */
	enum escpos_flag reachable;   /* the check could open the transport */
	struct escpos_status status;  /* what the printer answered */
	enum escpos_drawer drawer;    /* from pin 3 and the open level */
	int error;                    /* the transport error of the check, or 0 */
	const char *reply_problem;    /* NULL, "no_status_reply" or "invalid_status_reply" */
	time_t checked_at;            /* wall-clock time of the check, 0 if never */
};

/* The machine code of the state's problem for /status: the transport's
 * error, the reply problem, the printer's own error, or NULL if none. */
const char *drawer_printer_state_error(const struct drawer_printer_state *state);

struct drawer_result {
	int error;      /* 0, a transport_error or a drawer_error */
	bool coalesced; /* shared a pulse asked by another request */
	/* opening: the drawer read back after the pulse, UNKNOWN when nobody
	 * sharing the pulse asked for it (read_back) or the printer cannot tell */
	enum escpos_drawer drawer;
	struct drawer_printer_state state; /* status request: the printer's state */
	char detail[512]; /* French, for the log: what failed and what to check */
	/* opening: the number of the pulse that answered it (1, 2, ...), 0 when
	 * no pulse was tried for it; its caller says drawer_logged once its line
	 * is written */
	uint64_t pulse;
};

enum drawer_request_kind { DRAWER_REQUEST_OPEN, DRAWER_REQUEST_STATUS, DRAWER_REQUEST_PRINT };

struct drawer_request {
	/* Set by the caller before drawer_open; called once when the request
	 * was queued: from the drawer's thread, or at shutdown from the thread
	 * calling drawer_stop. Must not block. */
	void (*on_done)(struct drawer_request *request);
	void *context;
	/* drawer_print: the bytes to send, the caller's until on_done */
	const uint8_t *job;
	size_t job_length;
	/* drawer_open: wait the pulse and read the drawer back (result.drawer),
	 * where the printer answers status; false answers once the printer has
	 * the kick. A pulse is read back when its first request or one waiting
	 * with it asks; a request that joins a pulse already under way, or
	 * comes within min_interval_ms of it, gets what that pulse found. */
	bool read_back;
	struct drawer_result result;
	/* private */
	enum drawer_request_kind kind;
	int64_t arrived_ms;
	struct drawer_request *next;
};

struct drawer_stats {
	uint64_t pulses;    /* pulses sent */
	uint64_t coalesced; /* requests answered by a shared pulse */
	uint64_t failures;  /* requests answered with an error */
	time_t last_pulse;  /* wall-clock time of the last pulse, 0 if none */
};

struct drawer;

/* Validates the kick, selects the transport, starts the worker. Returns 0 or
 * a negative code with err filled. */
int drawer_create(struct drawer **drawer, const struct drawer_options *options, char *err,
		  size_t errlen);

/* Asks for an opening. Returns true when request->result is already final
 * (a coalesced answer, or the service stopping): on_done is then NOT called.
 * Returns false when queued: on_done will be called exactly once. */
bool drawer_open(struct drawer *drawer, struct drawer_request *request);

/* Asks for the printer's state (result.state). Returns true when it is
 * already final: a check younger than status_cache_ms, a transport that
 * cannot read back, or the service stopping (on_done NOT called). Returns
 * false when a check is queued: on_done will be called exactly once, by
 * arrival + timeout_ms. Concurrent requests share one check. */
bool drawer_query(struct drawer *drawer, struct drawer_request *request);

/* drawer_query without queueing: true with result.state final when no check
 * is needed, false (nothing queued, on_done never called) otherwise. Lets a
 * caller skip suspending its connection in the common case. */
bool drawer_query_cached(struct drawer *drawer, struct drawer_request *request);

/* Asks for request->job (a receipt's ESC/POS bytes) to be sent, in turn
 * with the kicks and checks: one operation at a time, so a receipt and a
 * kick never interleave at the printer. result.error is 0 once the printer
 * took every byte (as for a kick: transport_confirm), by arrival +
 * print_timeout_ms. Returns true when already final (the service
 * stopping: on_done NOT called), false when queued (on_done called once). */
bool drawer_print(struct drawer *drawer, struct drawer_request *request);

/* A status check if the last one is older than status_cache_ms and none is
 * queued, answered to nobody: the next drawer_last_state sees it. Never
 * waits. */
void drawer_refresh(struct drawer *drawer);

/* The last check's state however old, never contacting the printer
 * (checked_at 0 when there was none). */
void drawer_last_state(struct drawer *drawer, struct drawer_printer_state *state);

void drawer_get_stats(struct drawer *drawer, struct drawer_stats *stats);

/* The log line of an opening answered by pulse (result.pulse; 0 is
 * ignored) is written. The worker sends no pulse before the previous one's
 * line is written, up to DRAWER_LOG_WAIT_MS, so that a process killed at
 * any moment loses the line of the pulse under way at most. */
#define DRAWER_LOG_WAIT_MS 500
void drawer_logged(struct drawer *drawer, uint64_t pulse);

/* Stops taking openings (later ones get DRAWER_ERR_STOPPING at once),
 * finishes the operation under way, answers every waiting request with
 * DRAWER_ERR_STOPPING and stops the worker. The drawer stays usable by
 * drawer_open and drawer_get_stats until drawer_destroy, so that HTTP threads
 * still running at shutdown never touch freed memory. Idempotent; NULL is fine. */
void drawer_stop(struct drawer *drawer);

/* drawer_stop, then frees. Call once nothing can call the drawer any more.
 * NULL is fine. */
void drawer_destroy(struct drawer *drawer);

#endif
