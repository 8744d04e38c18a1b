/* Connection budget (pure): every connection together, the till's
 * included, stays within max_connections, whichever listening socket and
 * server (HTTP, HTTPS, the till's lanes) takes it; non-loopback clients are
 * capped in total and per address, so that the till itself (loopback)
 * always finds room however many connections the LAN opens or holds. Not
 * thread-safe: the caller serialises calls. */
#ifndef CASHDRAWERD_CONNLIMIT_H
#define CASHDRAWERD_CONNLIMIT_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

/* The share of max_connections that LAN clients can never take: 1/4. */
#define CONNLIMIT_LOOPBACK_RESERVE(max) ((max) / 4 > 0 ? (max) / 4 : 1)

struct connlimit_peer {
	uint8_t address[16]; /* IPv4 as ::ffff:a.b.c.d */
	unsigned count;
};

struct connlimit {
	unsigned max_connections; /* every client together */
	unsigned per_ip;          /* each non-loopback address */
	unsigned lan_max;         /* non-loopback clients together */
	unsigned open;            /* every client's, the till's included */
	unsigned lan_open;
	uint64_t refused;
	struct connlimit_peer *peers; /* one per non-loopback address with connections */
	size_t peer_count;
};

/* Either admission is counted: connlimit_release when the connection closes. */
enum connlimit_verdict {
	CONNLIMIT_LOOPBACK,     /* admitted, the till: capped only by max_connections */
	CONNLIMIT_ADMITTED,     /* admitted, a LAN client */
	CONNLIMIT_PER_IP_FULL,  /* refused: this address holds per_ip connections */
	CONNLIMIT_LAN_FULL,     /* refused: the LAN holds lan_max connections */
	CONNLIMIT_FULL,         /* refused: max_connections are open, the till's included */
};

/* Returns 0, or -ENOMEM. lan_max = max_connections - CONNLIMIT_LOOPBACK_RESERVE. */
int connlimit_init(struct connlimit *limit, unsigned max_connections, unsigned per_ip);
void connlimit_free(struct connlimit *limit);

/* Decides on a new connection from peer, and counts it when admitted. */
enum connlimit_verdict connlimit_admit(struct connlimit *limit, const struct sockaddr *peer);

/* A connection admitted (CONNLIMIT_ADMITTED or CONNLIMIT_LOOPBACK) has closed. */
void connlimit_release(struct connlimit *limit, const struct sockaddr *peer);

/* Connections peer holds now (0 for loopback, never counted). */
unsigned connlimit_count(const struct connlimit *limit, const struct sockaddr *peer);

#endif
