/* Counters of what the service answered, fed by every request's answer
 * (endpoint, method, status, outcome code, duration): openings by result,
 * refusals by reason, printer errors by code, a duration histogram per
 * endpoint, and today's openings for the status page. Recording is lock-free
 * (atomics) except for openings, which are rare. A new refusal code is
 * counted as it appears: no list of codes to keep in step here. */
#ifndef CASHDRAWERD_METRICS_H
#define CASHDRAWERD_METRICS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/strbuf.h"

/* The endpoints told apart in the histogram; every other path is "other",
 * so a scanner's random paths never grow the series. */
enum metrics_endpoint {
	METRICS_ENDPOINT_PAGE,
	METRICS_ENDPOINT_OPEN,
	METRICS_ENDPOINT_STATUS,
	METRICS_ENDPOINT_LOGS,
	METRICS_ENDPOINT_METRICS,
	METRICS_ENDPOINT_OTHER,
	METRICS_ENDPOINT_COUNT
};

/* What a GET /open-cash-drawer came to. */
enum metrics_opening {
	METRICS_OPENING_SUCCESS,       /* 200, a pulse of its own */
	METRICS_OPENING_COALESCED,     /* 200, shared a pulse */
	METRICS_OPENING_REFUSED,       /* 4xx: not allowed (not_local, ...) */
	METRICS_OPENING_PRINTER_ERROR, /* 5xx: the printer (or the service) failed */
	METRICS_OPENING_COUNT
};

/* Upper bounds of the duration buckets, in microseconds; a last bucket
 * (+Inf) follows. From a cached /status (~0.1 ms) to an opening that waits
 * its whole timeout_ms (2 s by default, 60 s at most). */
#define METRICS_BUCKET_COUNT 14
extern const uint64_t metrics_bucket_bounds_us[METRICS_BUCKET_COUNT];

/* ---- pure ---- */

const char *metrics_endpoint_name(enum metrics_endpoint endpoint);
enum metrics_endpoint metrics_endpoint_of(const char *path);
const char *metrics_opening_name(enum metrics_opening result);

/* The bucket of a duration: the first whose bound is >= it, or
 * METRICS_BUCKET_COUNT (+Inf). */
size_t metrics_bucket_index(uint64_t duration_us);

/* Which opening result an answer is, or -1 when it is not an opening (other
 * endpoints, HEAD). */
int metrics_opening_of(enum metrics_endpoint endpoint, const char *method, unsigned status,
		       const char *outcome);

/* YYYYMMDD of t's local day. */
long metrics_day_key(time_t t);

/* ---- counters ---- */

/* Counters with a label taken from the answers (refusal reasons, error
 * codes): slots claimed once, then counted with atomics. */
#define METRICS_LABELS_MAX 48
#define METRICS_LABEL_LENGTH 48
struct metrics_label_slot {
	atomic_int state; /* 0 free, 1 being claimed, 2 ready */
	char name[METRICS_LABEL_LENGTH];
	atomic_uint_fast64_t count;
};
struct metrics_labels {
	struct metrics_label_slot slots[METRICS_LABELS_MAX];
	atomic_uint_fast64_t overflow; /* counted as "other" once the slots are taken */
};

struct metrics_histogram {
	atomic_uint_fast64_t buckets[METRICS_BUCKET_COUNT + 1]; /* not cumulative; last: +Inf */
	atomic_uint_fast64_t sum_us;
	atomic_uint_fast64_t count;
};

/* Today's openings: reset at the first opening or read of a new local day. */
struct metrics_today {
	long day;                                /* YYYYMMDD */
	uint64_t openings[METRICS_OPENING_COUNT];
	/* the day is looked up again only outside [from, until): localtime_r
	 * at every /status would cost more than the rest of the counting */
	time_t from, until;
};

struct metrics {
	atomic_uint_fast64_t openings[METRICS_OPENING_COUNT];
	struct metrics_labels refusals;       /* every 4xx answer, by its code */
	struct metrics_labels printer_errors; /* every 5xx answer to an opening, by its code */
	struct metrics_labels unanswered;     /* requests cut short: timeout, client_gone... */
	struct metrics_histogram durations[METRICS_ENDPOINT_COUNT];
	pthread_mutex_t today_lock;
	struct metrics_today today;
};

void metrics_init(struct metrics *metrics);
void metrics_destroy(struct metrics *metrics);

/* Counts one answer. now: wall-clock time (for today's counts). */
void metrics_record(struct metrics *metrics, const char *path, const char *method,
		    unsigned status, const char *outcome, uint64_t duration_us, time_t now);

/* Counts a request that got no answer (reason: timeout, client_gone...). */
void metrics_record_unanswered(struct metrics *metrics, const char *reason);

void metrics_labels_add(struct metrics_labels *labels, const char *name);
/* The count of name, 0 if never counted. */
uint64_t metrics_labels_get(const struct metrics_labels *labels, const char *name);

/* Today's openings as of now (zeros once the day has changed). */
void metrics_get_today(struct metrics *metrics, time_t now, struct metrics_today *today);

/* ---- exposition (metrics_format.c) ---- */

/* What /metrics shows beside the counters: the service's state. */
struct metrics_gauges {
	const char *version;
	double start_time_s;    /* Unix time the service started */
	const char *drawer;     /* "open", "closed" or "unknown" */
	int printer_reachable;  /* 1, 0, or -1 for unknown */
	int printer_online;     /* 1, 0, -1 */
	const char *paper;      /* "ok", "near_end", "out", "unknown" */
	double printer_checked_s; /* Unix time of the last check, 0 if never */
	uint64_t log_lines_written;
	uint64_t log_write_failures;
	uint64_t syslog_sent;
	uint64_t syslog_dropped;
};

/* Appends every metric in the Prometheus text format (version 0.0.4). */
void metrics_format(struct strbuf *out, const struct metrics *metrics,
		    const struct metrics_gauges *gauges);

#endif
