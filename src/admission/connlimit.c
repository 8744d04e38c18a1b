/* Connection budget (pure): every connection counted, LAN connections also
 * in total and per address, with a reserve only loopback can use. */
#include "admission/connlimit.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "admission/access.h"

/* The peer's address as 16 bytes, IPv4 mapped; false for other families. */
static bool peer_key(const struct sockaddr *peer, uint8_t key[16])
{
	if (peer == NULL)
		return false;
	if (peer->sa_family == AF_INET) {
		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)peer)->sin_addr, 4);
		return true;
	}
	if (peer->sa_family == AF_INET6) {
		memcpy(key, ((const struct sockaddr_in6 *)peer)->sin6_addr.s6_addr, 16);
		return true;
	}
	return false;
}

static struct connlimit_peer *find(const struct connlimit *limit, const uint8_t key[16])
{
	for (size_t i = 0; i < limit->peer_count; i++)
		if (memcmp(limit->peers[i].address, key, 16) == 0)
			return &limit->peers[i];
	return NULL;
}

int connlimit_init(struct connlimit *limit, unsigned max_connections, unsigned per_ip)
{
	memset(limit, 0, sizeof *limit);
	limit->max_connections = max_connections;
	limit->per_ip = per_ip;
	limit->lan_max = max_connections > CONNLIMIT_LOOPBACK_RESERVE(max_connections)
				 ? max_connections - CONNLIMIT_LOOPBACK_RESERVE(max_connections)
				 : 0;
	/* at most one entry per LAN connection */
	limit->peers = calloc(limit->lan_max > 0 ? limit->lan_max : 1, sizeof *limit->peers);
	return limit->peers != NULL ? 0 : -ENOMEM;
}

void connlimit_free(struct connlimit *limit)
{
	free(limit->peers);
	limit->peers = NULL;
	limit->peer_count = 0;
}

enum connlimit_verdict connlimit_admit(struct connlimit *limit, const struct sockaddr *peer)
{
	struct connlimit_peer *entry;
	uint8_t key[16];

	if (limit->open >= limit->max_connections) {
		limit->refused++;
		return CONNLIMIT_FULL;
	}
	if (access_is_loopback(peer)) {
		limit->open++;
		return CONNLIMIT_LOOPBACK;
	}
	/* an address of no IP family has no key: it counts against the LAN total only
	 * through a shared all-zero key */
	if (!peer_key(peer, key))
		memset(key, 0, sizeof key);
	entry = find(limit, key);
	if (entry != NULL && entry->count >= limit->per_ip) {
		limit->refused++;
		return CONNLIMIT_PER_IP_FULL;
	}
	if (limit->lan_open >= limit->lan_max) {
		limit->refused++;
		return CONNLIMIT_LAN_FULL;
	}
	if (entry == NULL) {
		if (limit->per_ip == 0) {
			limit->refused++;
			return CONNLIMIT_PER_IP_FULL;
		}
		entry = &limit->peers[limit->peer_count++];
		memcpy(entry->address, key, sizeof key);
		entry->count = 0;
	}
	entry->count++;
	limit->lan_open++;
	limit->open++;
	return CONNLIMIT_ADMITTED;
}

void connlimit_release(struct connlimit *limit, const struct sockaddr *peer)
{
	struct connlimit_peer *entry;
	uint8_t key[16];

	if (access_is_loopback(peer)) {
		if (limit->open > 0)
			limit->open--;
		return;
	}
	if (!peer_key(peer, key))
		memset(key, 0, sizeof key);
	entry = find(limit, key);
	if (entry == NULL || entry->count == 0)
		return; /* never admitted: nothing to give back */
	limit->open--;
	limit->lan_open--;
	if (--entry->count == 0)
		*entry = limit->peers[--limit->peer_count];
}

unsigned connlimit_count(const struct connlimit *limit, const struct sockaddr *peer)
{
	const struct connlimit_peer *entry;
	uint8_t key[16];

	if (access_is_loopback(peer) || !peer_key(peer, key))
		return 0;
	entry = find(limit, key);
	return entry != NULL ? entry->count : 0;
}
