/* Connection traffic (pure): what the bytes no logged request accounts for
 * amount to. */
#include "http/traffic.h"

/* A FIN takes one sequence number: one "byte" more can be the end of the
 * stream and nothing else. */
static bool data_came(const struct traffic *since, const struct traffic *now)
{
	uint64_t bytes = now->received - since->received;

	if (bytes >= 2)
		return true;
	/* one: a FIN, or one byte of data (then a data segment came too) */
	return bytes == 1 && now->segments_known &&
	       now->received_segments != since->received_segments;
}

enum traffic_leftover traffic_leftover(const struct traffic *since, const struct traffic *now,
				       bool timed_out)
{
	/* Every answer of the service's own ends a logged request, which takes
	 * a new reading: written bytes since then are the library's error
	 * answer to a request it never passed on (the FIN may add one). */
	if (now->written_known && now->written - since->written >= 2)
		return TRAFFIC_ANSWERED;
	if (!data_came(since, now))
		return TRAFFIC_NOTHING;
	return timed_out ? TRAFFIC_TIMED_OUT : TRAFFIC_UNANSWERED;
}

/* HTTPS: what the counters cannot tell from a request's bytes is TLS's own
 * close, a close_notify record (at most 31 bytes with the AEAD suites served:
 * TLS 1.2's GCM adds a 5-byte header, an 8-byte nonce and a 16-byte tag to
 * its 2 bytes) and the FIN, each way. Beyond it, bytes came or an answer
 * went; a client cut by the watchdog had not closed: any data counts. A
 * dozen bytes or less in one record, then a close, go unseen. */
#define TLS_CLOSE_BYTES 32

enum traffic_leftover traffic_tls_leftover(const struct traffic *since, const struct traffic *now,
					   bool timed_out)
{
	uint64_t bytes = now->received - since->received;

	if (now->written_known && now->written - since->written > TLS_CLOSE_BYTES)
		return TRAFFIC_ANSWERED;
	if (timed_out)
		return data_came(since, now) ? TRAFFIC_TIMED_OUT : TRAFFIC_NOTHING;
	if (bytes > TLS_CLOSE_BYTES ||
	    (now->segments_known && now->received_segments - since->received_segments >= 2))
		return TRAFFIC_UNANSWERED;
	return TRAFFIC_NOTHING;
}
