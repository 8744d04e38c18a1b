/* Fuzzes the access decision of one request (access_decide): the peer, the
 * route, the policy and the headers Host, Origin, Referer, Sec-Fetch-Site
 * and Authorization. Input: a byte of flags (route, preflight, which
 * headers are present), a byte choosing the peer, a byte choosing the
 * policy, then the header values separated by '\n'. Properties: the
 * loopback-only route is never allowed to another peer, another Host or an
 * unlisted origin; a network route asks the token of everyone but the till;
 * CORS only for a listed Origin; the case of Host, Origin and Referer
 * changes nothing; the outcome's code, status and message agree. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "admission/access.h"
#include "settings/config.h"
#include "fuzz.h"

#define TOKEN "fuzz-token-0123456789abcdef"

static const char *const peers[] = {
	"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "192.168.1.20", "10.0.0.5",
	"fd00::5", "::ffff:192.168.1.20", "2001:db8::1", "0.0.0.0", "::",
};
#define PEER_COUNT (sizeof peers / sizeof peers[0])

static struct access_policy policies[3]; /* open; origins and networks; those and a token */

static void init_policies(void)
{
	static const char *const settings[][2] = {
		{"allowed_origins", "https://shop.odoo.com, http://localhost:8069, http://[::1]:8069"},
		{"allowed_networks", "192.168.1.0/24, fd00::/8"},
		{"token", TOKEN},
	};
	struct config config;
	char err[512];

	for (int p = 0; p < 3; p++) {
		config_defaults(&config);
		for (int s = 0; s < p * 2 && s < 3; s++)
			FUZZ_CHECK(config_set(&config, settings[s][0], settings[s][1], err, sizeof err) == 0,
				   "%s", err);
		FUZZ_CHECK(access_policy_init(&policies[p], &config, err, sizeof err) == 0, "%s", err);
	}
}

static void make_peer(unsigned choice, struct sockaddr_storage *peer)
{
	const char *text = peers[choice % PEER_COUNT];
	struct sockaddr_in *v4 = (struct sockaddr_in *)peer;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)peer;

	memset(peer, 0, sizeof *peer);
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
		v4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1)
		v6->sin6_family = AF_INET6;
}

static int is_listed(const struct access_policy *policy, const char *origin)
{
	for (size_t i = 0; i < policy->origin_count; i++)
		if (strcmp(policy->origins[i], origin) == 0)
			return 1;
	return 0;
}

static void check_decision(const struct access_policy *policy, enum access_route route,
			   const struct sockaddr *peer, const struct access_headers *headers,
			   int preflight, const struct access_decision *decision)
{
	const struct access_origin_verdict *verdict = &decision->origin;
	enum access_outcome outcome = decision->outcome;
	const char *code = access_outcome_code(outcome);
	unsigned status = access_outcome_status(outcome);
	int till = access_is_loopback(peer) &&
		   (headers->host == NULL || origin_host_is_loopback(headers->host));
	char described[ORIGIN_MAX + 128];

	FUZZ_CHECK(outcome <= ACCESS_TOKEN_INVALID, "outcome %d", (int)outcome);
	FUZZ_CHECK((outcome == ACCESS_ALLOWED) == (code == NULL) &&
			   (outcome == ACCESS_ALLOWED) == (status == 200),
		   "outcome %d: code %s, status %u", (int)outcome, code ? code : "NULL", status);
	FUZZ_CHECK(access_outcome_message(outcome)[0] != '\0', "no message");
	FUZZ_CHECK(verdict->basis <= ACCESS_BASIS_FETCH_SITE, "basis %d", (int)verdict->basis);
	FUZZ_CHECK(fuzz_terminated(verdict->origin, sizeof verdict->origin), "origin not terminated");
	FUZZ_CHECK(!verdict->cors || (headers->origin != NULL && is_listed(policy, verdict->origin)),
		   "CORS for '%s', not a listed Origin", verdict->origin);
	FUZZ_CHECK(policy->origin_count > 0 || (verdict->allowed && !verdict->cors),
		   "open policy, yet origin '%s' refused or given CORS", verdict->origin);
	access_describe_origin(verdict, described, sizeof described);
	FUZZ_CHECK(described[0] != '\0', "no description");

	if (route == ACCESS_ROUTE_LOOPBACK_ONLY) {
		FUZZ_CHECK(outcome != ACCESS_ALLOWED || till, "loopback-only allowed to another peer or Host");
		FUZZ_CHECK(outcome != ACCESS_ALLOWED || verdict->allowed,
			   "loopback-only allowed to origin '%s' not allowed", verdict->origin);
		FUZZ_CHECK(outcome <= ACCESS_ORIGIN_NOT_ALLOWED, "loopback-only: outcome %d",
			   (int)outcome);
		return;
	}
	FUZZ_CHECK(outcome == ACCESS_ALLOWED || outcome >= ACCESS_NETWORK_NOT_ALLOWED,
		   "network route: outcome %d", (int)outcome);
	if (till) {
		FUZZ_CHECK(outcome == ACCESS_ALLOWED, "the till refused: %d", (int)outcome);
		return;
	}
	if (outcome == ACCESS_ALLOWED && policy->token[0] != '\0' && !preflight)
		FUZZ_CHECK(access_token_matches(headers->authorization, policy->token),
			   "allowed without the token");
}

/* Header i of the '\n'-separated values, or NULL when flag bit is clear. */
static const char *header(char **values, size_t count, size_t i, unsigned flags, unsigned bit)
{
	return (flags & bit) && i < count ? values[i] : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char *text, *values[5] = {NULL}, *cased[3];
	struct access_headers headers, upper;
	struct access_decision decision, again;
	struct sockaddr_storage peer;
	const struct access_policy *policy;
	enum access_route route;
	unsigned flags;
	size_t count = 0;
	int preflight;

	if (!ready) {
		init_policies();
		ready = 1;
	}
	if (size < 3)
		return 0;
	flags = data[0];
	make_peer(data[1], &peer);
	policy = &policies[data[2] % 3];
	route = flags & 1 ? ACCESS_ROUTE_NETWORK : ACCESS_ROUTE_LOOPBACK_ONLY;
	preflight = (flags & 2) != 0;
	text = fuzz_string(data + 3, size - 3);
	for (char *p = text; count < 5 && p != NULL; count++) {
		values[count] = p;
		p = strchr(p, '\n');
		if (p != NULL)
			*p++ = '\0';
	}
	headers = (struct access_headers){
		.host = header(values, count, 0, flags, 4),
		.origin = header(values, count, 1, flags, 8),
		.referer = header(values, count, 2, flags, 16),
		.fetch_site = header(values, count, 3, flags, 32),
		.authorization = header(values, count, 4, flags, 64),
	};
	access_decide(policy, route, (const struct sockaddr *)&peer, &headers, preflight, &decision);
	check_decision(policy, route, (const struct sockaddr *)&peer, &headers, preflight, &decision);

	/* Host, Origin and Referer are case-insensitive where it matters */
	upper = headers;
	cased[0] = headers.host ? fuzz_recase(headers.host, 1) : NULL;
	cased[1] = headers.origin ? fuzz_recase(headers.origin, 1) : NULL;
	cased[2] = headers.referer ? fuzz_recase(headers.referer, 1) : NULL;
	upper.host = cased[0];
	upper.origin = cased[1];
	upper.referer = cased[2];
	access_decide(policy, route, (const struct sockaddr *)&peer, &upper, preflight, &again);
	FUZZ_CHECK(again.outcome == decision.outcome && again.origin.allowed == decision.origin.allowed &&
			   again.origin.cors == decision.origin.cors &&
			   again.origin.basis == decision.origin.basis,
		   "upper-cased headers decide %d, not %d", (int)again.outcome, (int)decision.outcome);
	for (int i = 0; i < 3; i++)
		free(cased[i]);
	free(text);
	return 0;
}
