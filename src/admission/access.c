/* Access decisions (pure): loopback peers, and who may use which endpoint
 * (Host, origin, network, token). */
#include "admission/access.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* ::ffff:a.b.c.d, an IPv4 peer seen through a dual-stack IPv6 socket. */
static bool is_v4_mapped(const struct in6_addr *address)
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	return memcmp(address->s6_addr, prefix, sizeof prefix) == 0;
}

bool access_is_loopback(const struct sockaddr *address)
{
	if (address == NULL)
		return false;
	if (address->sa_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;

		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	if (address->sa_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;

		if (memcmp(&v6->sin6_addr, &in6addr_loopback, sizeof in6addr_loopback) == 0)
			return true;
		return is_v4_mapped(&v6->sin6_addr) && v6->sin6_addr.s6_addr[12] == 127;
	}
	return false;
}

void access_format_address(const struct sockaddr *address, char *buf, size_t size)
{
	const char *text = NULL;

	if (size == 0)
		return;
	if (address != NULL && address->sa_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;

		text = inet_ntop(AF_INET, &v4->sin_addr, buf, (socklen_t)size);
	} else if (address != NULL && address->sa_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;

		if (is_v4_mapped(&v6->sin6_addr))
			text = inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], buf, (socklen_t)size);
		else
			text = inet_ntop(AF_INET6, &v6->sin6_addr, buf, (socklen_t)size);
	}
	if (text == NULL)
		snprintf(buf, size, "unknown");
}

int access_policy_init(struct access_policy *policy, const char *const *origins,
		       size_t origin_count, const char *const *networks, size_t network_count,
		       const char *token, char *err, size_t errlen)
{
	char reason[512];

	memset(policy, 0, sizeof *policy);
	if (origin_count > ACCESS_LIST_MAX || network_count > ACCESS_LIST_MAX) {
		snprintf(err, errlen, "%s: more than %d items",
			 origin_count > ACCESS_LIST_MAX ? "allowed_origins" : "allowed_networks",
			 ACCESS_LIST_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < origin_count; i++) {
		if (origin_normalize(origins[i], policy->origins[i], ORIGIN_MAX, reason,
				     sizeof reason) < 0) {
			snprintf(err, errlen, "allowed_origins: %s", reason);
			return -EINVAL;
		}
	}
	policy->origin_count = origin_count;
	for (size_t i = 0; i < network_count; i++) {
		if (cidr_parse(networks[i], &policy->networks[i], reason, sizeof reason) < 0) {
			snprintf(err, errlen, "allowed_networks: %s", reason);
			return -EINVAL;
		}
	}
	policy->network_count = network_count;
	if (strlen(token) >= sizeof policy->token) {
		snprintf(err, errlen, "token: longer than %zu characters", sizeof policy->token - 1);
		return -EINVAL;
	}
	strcpy(policy->token, token);
	return 0;
}

static bool is_listed(const struct access_policy *policy, const char *origin)
{
	for (size_t i = 0; i < policy->origin_count; i++)
		if (strcmp(policy->origins[i], origin) == 0)
			return true;
	return false;
}

/* Keeps text for the log even when it is no origin (rotlog escapes it). */
static void keep_raw(char *out, const char *text)
{
	snprintf(out, ORIGIN_MAX, "%s", text);
}

void access_judge_origin(const struct access_policy *policy, const struct access_headers *headers,
			 struct access_origin_verdict *verdict)
{
	bool open = policy->origin_count == 0;
	const char *site = headers->fetch_site;

	memset(verdict, 0, sizeof *verdict);
	if (headers->origin != NULL) {
		verdict->basis = ACCESS_BASIS_ORIGIN;
		/* "null" (sandboxed page, file:, some redirects) is never listed */
		if (origin_normalize(headers->origin, verdict->origin, ORIGIN_MAX, NULL, 0) < 0) {
			keep_raw(verdict->origin, headers->origin);
			verdict->allowed = open;
			return;
		}
		verdict->cors = is_listed(policy, verdict->origin);
		verdict->allowed = open || verdict->cors;
		return;
	}
	if (headers->referer != NULL && headers->referer[0] != '\0') {
		verdict->basis = ACCESS_BASIS_REFERER;
		if (origin_from_url(headers->referer, verdict->origin, ORIGIN_MAX) < 0) {
			keep_raw(verdict->origin, headers->referer);
			verdict->allowed = open;
			return;
		}
		verdict->allowed = open || is_listed(policy, verdict->origin);
		return;
	}
	if (site != NULL) {
		verdict->basis = ACCESS_BASIS_FETCH_SITE;
		keep_raw(verdict->origin, site);
		/* same-site is not same-origin: another port or subdomain of the host */
		verdict->allowed = open || strcmp(site, "same-origin") == 0 || strcmp(site, "none") == 0;
		return;
	}
	verdict->basis = ACCESS_BASIS_NONE;
	verdict->allowed = true;
}

void access_describe_origin(const struct access_origin_verdict *verdict, char *buf, size_t size)
{
	const char *verb = verdict->allowed ? "autorisée" : "non autorisée";

	switch (verdict->basis) {
	case ACCESS_BASIS_ORIGIN:
		snprintf(buf, size, "origine %s %s (Origin)", verdict->origin, verb);
		break;
	case ACCESS_BASIS_REFERER:
		snprintf(buf, size, "origine %s %s (Referer)", verdict->origin, verb);
		break;
	case ACCESS_BASIS_FETCH_SITE:
		snprintf(buf, size, "origine inconnue %s (Sec-Fetch-Site: %s, ni Origin ni Referer)",
			 verb, verdict->origin);
		break;
	case ACCESS_BASIS_NONE:
		snprintf(buf, size, "aucune origine (client hors navigateur)");
		break;
	}
}

bool access_token_matches(const char *authorization, const char *token)
{
	size_t given_len, token_len = strlen(token);
	unsigned char diff;

	if (authorization == NULL || strncasecmp(authorization, "Bearer ", 7) != 0)
		return false;
	authorization += 7;
	authorization += strspn(authorization, " ");
	given_len = strlen(authorization);
	while (given_len > 0 && authorization[given_len - 1] == ' ')
		given_len--;
	/* constant time over the expected token: a timing probe learns nothing of it */
	diff = given_len != token_len;
	for (size_t i = 0; i < token_len; i++)
		diff |= (unsigned char)(token[i] ^ (i < given_len ? authorization[i] : 0));
	return token_len > 0 && diff == 0;
}

static bool network_allowed(const struct access_policy *policy, const struct sockaddr *peer)
{
	if (policy->network_count == 0)
		return true;
	for (size_t i = 0; i < policy->network_count; i++)
		if (cidr_contains(&policy->networks[i], peer))
			return true;
	return false;
}

void access_decide(const struct access_policy *policy, enum endpoint_protection route,
		   const struct sockaddr *peer, const struct access_headers *headers, bool preflight,
		   struct access_decision *decision)
{
	bool loopback = access_is_loopback(peer);
	bool loopback_host = headers->host == NULL || origin_host_is_loopback(headers->host);

	access_judge_origin(policy, headers, &decision->origin);
	decision->outcome = OUTCOME_OK;
	if (route == ENDPOINT_LOOPBACK_ONLY) {
		if (!loopback)
			decision->outcome = OUTCOME_NOT_LOCAL;
		else if (!loopback_host)
			decision->outcome = OUTCOME_HOST_NOT_ALLOWED;
		else if (!decision->origin.allowed)
			decision->outcome = OUTCOME_ORIGIN_NOT_ALLOWED;
		return;
	}
	if (loopback && loopback_host)
		return; /* the till itself */
	if (!network_allowed(policy, peer))
		decision->outcome = OUTCOME_NETWORK_NOT_ALLOWED;
	else if (policy->token[0] != '\0' && !preflight) {
		if (headers->authorization == NULL)
			decision->outcome = OUTCOME_TOKEN_REQUIRED;
		else if (!access_token_matches(headers->authorization, policy->token))
			decision->outcome = OUTCOME_TOKEN_INVALID;
	}
}
