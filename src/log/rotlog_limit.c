/* Rotating log, the lines a client can cause at will (refused, unknown or
 * malformed requests): budgets per client and for the LAN together, and the
 * counts of the lines left out, summed up later in one line (pure: the
 * caller gives the time and holds the log's lock). */
#include "log/rotlog.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* The messages of the HTTP library (no client address): their own key. */
#define HTTP_LIBRARY_KEY "HTTP"

void rotlog_client_key(const char *address, char *key, size_t size, bool *loopback)
{
	unsigned char bytes[16];
	char text[INET6_ADDRSTRLEN];

	*loopback = false;
	if (size == 0)
		return;
	if (address == NULL) {
		snprintf(key, size, "%s", HTTP_LIBRARY_KEY);
		return;
	}
	if (inet_pton(AF_INET, address, bytes) == 1) {
		*loopback = bytes[0] == 127;
	} else if (inet_pton(AF_INET6, address, bytes) == 1) {
		static const unsigned char one[16] = {[15] = 1};

		*loopback = memcmp(bytes, one, sizeof one) == 0;
		/* the till's peers are formatted v4-mapped as IPv4 already
		 * (access_format_address): any other IPv6 address is keyed by its /64 */
		if (!*loopback) {
			memset(bytes + 8, 0, 8);
			if (inet_ntop(AF_INET6, bytes, text, sizeof text) != NULL) {
				snprintf(key, size, "%s/64", text);
				return;
			}
		}
	}
	snprintf(key, size, "%s", address);
}

void rotlog_limit_init(struct rotlog_limit *limit)
{
	memset(limit, 0, sizeof *limit);
	/* INT64_MIN: every budget full, whatever the monotonic clock's start */
	limit->lan_due_ms = limit->loopback_due_ms = INT64_MIN;
	for (size_t i = 0; i < ROTLOG_CLIENTS_MAX; i++)
		limit->clients[i].due_ms = INT64_MIN;
}

/* GCRA: a budget of `burst` lines refilled one every `interval` ms is one
 * instant, `due`, when it would be full again. */
static bool budget_allows(int64_t due, int64_t interval, int64_t burst, int64_t now)
{
	return due <= now || due - now <= interval * (burst - 1);
}

static void budget_take(int64_t *due, int64_t interval, int64_t now)
{
	*due = (*due > now ? *due : now) + interval;
}

static struct rotlog_client *find(struct rotlog_limit *limit, const char *key)
{
	for (size_t i = 0; i < ROTLOG_CLIENTS_MAX; i++)
		if (limit->clients[i].key[0] != '\0' && strcmp(limit->clients[i].key, key) == 0)
			return &limit->clients[i];
	return NULL;
}

/* A slot for a new client: a free one, or the least recently seen, whose
 * lines left out go to the others' count. */
static struct rotlog_client *make_room(struct rotlog_limit *limit)
{
	struct rotlog_client *oldest = &limit->clients[0];

	for (size_t i = 0; i < ROTLOG_CLIENTS_MAX; i++) {
		if (limit->clients[i].key[0] == '\0')
			return &limit->clients[i];
		if (limit->clients[i].seen_ms < oldest->seen_ms)
			oldest = &limit->clients[i];
	}
	if (oldest->left_out > 0) {
		if (limit->others_left_out == 0 || oldest->left_out_ms < limit->others_ms) {
			limit->others_ms = oldest->left_out_ms;
			limit->others_since = oldest->left_out_since;
		}
		limit->others_left_out += oldest->left_out;
		limit->others_clients++;
	}
	return oldest;
}

bool rotlog_limit_admit(struct rotlog_limit *limit, const char *key, bool loopback,
			int64_t now_ms, time_t now)
{
	struct rotlog_client *client = find(limit, key);
	int64_t *shared = loopback ? &limit->loopback_due_ms : &limit->lan_due_ms;

	if (client == NULL) {
		client = make_room(limit);
		memset(client, 0, sizeof *client);
		snprintf(client->key, sizeof client->key, "%s", key);
		client->loopback = loopback;
		client->due_ms = INT64_MIN;
	}
	client->seen_ms = now_ms;
	if (budget_allows(client->due_ms, ROTLOG_CLIENT_INTERVAL_MS, ROTLOG_CLIENT_BURST, now_ms) &&
	    budget_allows(*shared, ROTLOG_LAN_INTERVAL_MS, ROTLOG_LAN_BURST, now_ms)) {
		budget_take(&client->due_ms, ROTLOG_CLIENT_INTERVAL_MS, now_ms);
		budget_take(shared, ROTLOG_LAN_INTERVAL_MS, now_ms);
		return true;
	}
	if (client->left_out++ == 0) {
		client->left_out_ms = now_ms;
		client->left_out_since = now;
	}
	return false;
}

static bool due(int64_t since_ms, int64_t now_ms, bool every)
{
	return every || now_ms - since_ms >= ROTLOG_SUMMARY_MS;
}

bool rotlog_limit_take_summary(struct rotlog_limit *limit, const char *key, int64_t now_ms,
			       bool every, struct rotlog_summary *summary)
{
	memset(summary, 0, sizeof *summary);
	for (size_t i = 0; i < ROTLOG_CLIENTS_MAX; i++) {
		struct rotlog_client *client = &limit->clients[i];

		if (client->key[0] == '\0' || client->left_out == 0)
			continue;
		if (key != NULL ? strcmp(client->key, key) != 0
				: !due(client->left_out_ms, now_ms, every))
			continue;
		snprintf(summary->key, sizeof summary->key, "%s", client->key);
		summary->count = client->left_out;
		summary->since = client->left_out_since;
		client->left_out = 0;
		return true;
	}
	if (key == NULL && limit->others_left_out > 0 && due(limit->others_ms, now_ms, every)) {
		summary->count = limit->others_left_out;
		summary->clients = limit->others_clients;
		summary->since = limit->others_since;
		limit->others_left_out = 0;
		limit->others_clients = 0;
		return true;
	}
	return false;
}

int64_t rotlog_limit_next_due(const struct rotlog_limit *limit)
{
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < ROTLOG_CLIENTS_MAX; i++) {
		const struct rotlog_client *client = &limit->clients[i];

		if (client->key[0] != '\0' && client->left_out > 0 &&
		    client->left_out_ms + ROTLOG_SUMMARY_MS < next)
			next = client->left_out_ms + ROTLOG_SUMMARY_MS;
	}
	if (limit->others_left_out > 0 && limit->others_ms + ROTLOG_SUMMARY_MS < next)
		next = limit->others_ms + ROTLOG_SUMMARY_MS;
	return next;
}

void rotlog_summary_message(char *buf, size_t size, const struct rotlog_summary *summary,
			    const struct tm *since)
{
	char when[16] = "?";
	bool many = summary->count > 1;

	if (since != NULL)
		snprintf(when, sizeof when, "%02d:%02d:%02d", since->tm_hour, since->tm_min,
			 since->tm_sec);
	if (strcmp(summary->key, HTTP_LIBRARY_KEY) == 0)
		snprintf(buf, size,
			 "%llu message%s de plus du serveur HTTP non écrit%s depuis %s (au plus %d "
			 "lignes d'une source, puis une toutes les %d s)",
			 (unsigned long long)summary->count, many ? "s" : "", many ? "s" : "", when,
			 ROTLOG_CLIENT_BURST, ROTLOG_CLIENT_INTERVAL_MS / 1000);
	else if (summary->key[0] == '\0')
		snprintf(buf, size,
			 "%llu requête%s de plus de %u autre%s adresse%s non écrite%s depuis %s (au "
			 "plus %d lignes par client, puis une toutes les %d s)",
			 (unsigned long long)summary->count, many ? "s" : "", summary->clients,
			 summary->clients > 1 ? "s" : "", summary->clients > 1 ? "s" : "",
			 many ? "s" : "", when, ROTLOG_CLIENT_BURST, ROTLOG_CLIENT_INTERVAL_MS / 1000);
	else
		snprintf(buf, size,
			 "%llu requête%s de plus de %s non écrite%s depuis %s (au plus %d lignes par "
			 "client, puis une toutes les %d s)",
			 (unsigned long long)summary->count, many ? "s" : "", summary->key,
			 many ? "s" : "", when, ROTLOG_CLIENT_BURST, ROTLOG_CLIENT_INTERVAL_MS / 1000);
}
