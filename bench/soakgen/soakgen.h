/* soakgen, the soak's load generator (bench/soak.sh): many connections on
 * one epoll loop send a fixed mix of requests (good, refused and malformed),
 * check every answer against what the daemon is designed to say, and count
 * what the daemon's log must therefore contain. */
#ifndef SOAKGEN_H
#define SOAKGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* How a request's bytes are sent. */
enum send_mode {
	SEND_WHOLE,     /* all at once, then read the answer(s) */
	SEND_THEN_SHUT, /* a request cut short: sent, then the client's side shut;
			 * the server must close (at once, or at request_timeout_s) */
	SEND_TRICKLE,   /* slowloris: a header line now and then until the server cuts */
};

/* What the body of an expected answer must be. */
enum body_check {
	BODY_ANY,
	BODY_NONE,    /* HEAD, 204 */
	BODY_OPEN,    /* {"status":"success",...,"coalesced":B,"drawer":"..."} */
	BODY_STATUS,  /* /status JSON */
	BODY_ERROR,   /* {"status":"error","error":"<code>",...} */
	BODY_METRICS, /* Prometheus text */
	BODY_PAGE,    /* the status page */
	BODY_ARCHIVE, /* exactly the archive file's bytes */
	BODY_LOG,     /* today's log: whole lines */
};

/* Which line of the daemon's log a request leaves, besides access lines. */
enum unanswered_line {
	UNANSWERED_NONE,
	UNANSWERED_REJECTED, /* "PEER - URI - rejected - ..." (MHD refused the headers) */
	UNANSWERED_GONE,     /* "client_gone" or "timeout": which one depends on timing */
	UNANSWERED_MALFORMED, /* "PEER - - - malformed - ..." (no request line MHD took) */
	/* a request line cut short: "malformed", or "timeout" when MHD read the
	 * bytes and the end of the stream in one go and missed the latter */
	UNANSWERED_CUT_LINE,
};

struct kind {
	const char *name;
	unsigned weight;     /* share in the mix, per thousand */
	const char *request; /* {host}, {token}, {date}, {bigheader} are expanded */
	enum send_mode send;
	unsigned responses; /* pipelined requests: more than one */
	unsigned status;    /* expected status; 0: no answer, the server closes */
	enum body_check body;
	const char *code; /* BODY_ERROR's code; the access line's outcome */
	bool cors;        /* Access-Control-Allow-Origin must be there */
	bool fresh;       /* on a new connection, closed after */
	bool logged;      /* an access line "PEER METHOD PATH STATUS OUTCOME" */
	enum unanswered_line unanswered;
	/* libmicrohttpd 0.9.75 sends this answer twice, the copy starting inside
	 * the first one's body: what follows the first answer is not checked */
	bool sent_twice;
};

/* A mix: the kinds of one client (loopback or LAN). */
struct mix {
	const char *name;
	const struct kind *kinds;
	size_t count;
	const struct kind *slow;      /* the slowloris kind, or NULL */
	const struct kind *log_today; /* GET /logs, sent every logs_every requests */
};

const struct mix *mix_find(const char *name);
/* The deterministic order of the kinds: every kind weight times per thousand. */
size_t mix_schedule(const struct mix *mix, const struct kind **schedule, size_t size);
/* The request's bytes with the placeholders filled in (malloc'd, *length set). */
char *mix_expand(const char *template, const char *host, const char *token, const char *date,
		 size_t *length);

/* Counts per kind and status, and the log lines the daemon owes. */
#define STATUS_SLOTS 600
struct kind_tally {
	uint64_t sent, answered, closed_as_expected, failures;
	uint64_t status[STATUS_SLOTS];
};

struct tally {
	struct kind_tally *kinds; /* one per kind of the mix, slow and log_today last */
	uint64_t requests, opened, coalesced, failures, bytes_received;
	uint64_t rejected_lines, gone_lines, malformed_lines, cut_line_lines, connections;
	/* access lines owed: [status] and outcome, kept as "STATUS OUTCOME" counters */
	struct outcome_count {
		unsigned status;
		const char *outcome;
		uint64_t count;
	} outcomes[64];
	size_t outcome_count;
};

void tally_outcome(struct tally *tally, unsigned status, const char *outcome);

/* One parsed answer. */
struct response {
	unsigned status;
	bool has_length, close, chunked, cors;
	uint64_t length;
	size_t header_length; /* bytes up to and including the blank line */
};

/* Parses the head of an answer in buf[0..len): 1 when complete (*out set),
 * 0 when more bytes are needed, -1 when it is not HTTP. */
int response_parse(const char *buf, size_t len, struct response *out);

struct options {
	const struct mix *mix;
	struct sockaddr_storage targets[2];
	socklen_t target_lengths[2];
	char hosts[2][80]; /* Host header for each target */
	size_t target_count;
	unsigned connections;
	uint64_t requests;
	unsigned max_seconds;
	unsigned timeout_s;  /* per answer */
	unsigned slow_cut_s; /* a slowloris must be cut within this */
	unsigned logs_every; /* GET /logs every this many requests (0: never) */
	unsigned slow_every; /* a slowloris every this many requests (0: never) */
	const char *token, *date;
	char *archive; /* the archive's bytes, BODY_ARCHIVE */
	size_t archive_length;
	const char *report; /* JSON report file */
};

/* Runs the mix until options->requests are sent and answered or the time is
 * up; returns 0, or -1 when the loop itself failed (epoll). */
int load_run(const struct options *options, struct tally *tally, bool *time_up, double *seconds);

/* One failure, printed (the first few) and counted. */
void failure(struct tally *tally, struct kind_tally *kind_tally, const struct kind *kind,
	     const char *format, ...) __attribute__((format(printf, 4, 5)));

#endif
