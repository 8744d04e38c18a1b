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

int access_policy_init(struct access_policy *policy, const struct config *config, char *err,
		       size_t errlen)
{
	char reason[512];

	memset(policy, 0, sizeof *policy);
	for (size_t i = 0; i < config->allowed_origins_count; i++) {
		if (origin_normalize(config->allowed_origins[i], policy->origins[i], ORIGIN_MAX,
				     reason, sizeof reason) < 0) {
			snprintf(err, errlen, "allowed_origins: %s", reason);
			return -EINVAL;
		}
	}
	policy->origin_count = config->allowed_origins_count;
	for (size_t i = 0; i < config->allowed_networks_count; i++) {
		if (cidr_parse(config->allowed_networks[i], &policy->networks[i], reason,
			       sizeof reason) < 0) {
			snprintf(err, errlen, "allowed_networks: %s", reason);
			return -EINVAL;
		}
	}
	policy->network_count = config->allowed_networks_count;
	if (strlen(config->token) >= sizeof policy->token) {
		snprintf(err, errlen, "token: longer than %zu characters", sizeof policy->token - 1);
		return -EINVAL;
	}
	strcpy(policy->token, config->token);
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

void access_decide(const struct access_policy *policy, enum access_route route,
		   const struct sockaddr *peer, const struct access_headers *headers, bool preflight,
		   struct access_decision *decision)
{
	bool loopback = access_is_loopback(peer);
	bool loopback_host = headers->host == NULL || origin_host_is_loopback(headers->host);

	access_judge_origin(policy, headers, &decision->origin);
	decision->outcome = ACCESS_ALLOWED;
	if (route == ACCESS_ROUTE_LOOPBACK_ONLY) {
		if (!loopback)
			decision->outcome = ACCESS_NOT_LOCAL;
		else if (!loopback_host)
			decision->outcome = ACCESS_HOST_NOT_ALLOWED;
		else if (!decision->origin.allowed)
			decision->outcome = ACCESS_ORIGIN_NOT_ALLOWED;
		return;
	}
	if (loopback && loopback_host)
		return; /* the till itself */
	if (!network_allowed(policy, peer))
		decision->outcome = ACCESS_NETWORK_NOT_ALLOWED;
	else if (policy->token[0] != '\0' && !preflight) {
		if (headers->authorization == NULL)
			decision->outcome = ACCESS_TOKEN_REQUIRED;
		else if (!access_token_matches(headers->authorization, policy->token))
			decision->outcome = ACCESS_TOKEN_INVALID;
	}
}

const char *access_outcome_code(enum access_outcome outcome)
{
	switch (outcome) {
	case ACCESS_ALLOWED:
		return NULL;
	case ACCESS_NOT_LOCAL:
		return "not_local";
	case ACCESS_HOST_NOT_ALLOWED:
		return "host_not_allowed";
	case ACCESS_ORIGIN_NOT_ALLOWED:
		return "origin_not_allowed";
	case ACCESS_NETWORK_NOT_ALLOWED:
		return "network_not_allowed";
	case ACCESS_TOKEN_REQUIRED:
		return "token_required";
	case ACCESS_TOKEN_INVALID:
		return "token_invalid";
	}
	return "access_denied";
}

unsigned access_outcome_status(enum access_outcome outcome)
{
	switch (outcome) {
	case ACCESS_ALLOWED:
		return 200;
	case ACCESS_TOKEN_REQUIRED:
	case ACCESS_TOKEN_INVALID:
		return 401;
	default:
		return 403;
	}
}

const char *access_outcome_message(enum access_outcome outcome)
{
	switch (outcome) {
	case ACCESS_ALLOWED:
		return "Accès autorisé";
	case ACCESS_NOT_LOCAL:
		return "Accès refusé - Local uniquement";
	case ACCESS_HOST_NOT_ALLOWED:
		return "Accès refusé - nom d'hôte non autorisé : appelez http://localhost ou "
		       "http://127.0.0.1";
	case ACCESS_ORIGIN_NOT_ALLOWED:
		return "Accès refusé - page web non autorisée (allowed_origins)";
	case ACCESS_NETWORK_NOT_ALLOWED:
		return "Accès refusé - réseau non autorisé (allowed_networks)";
	case ACCESS_TOKEN_REQUIRED:
		return "Jeton d'accès requis : en-tête Authorization: Bearer JETON";
	case ACCESS_TOKEN_INVALID:
		return "Jeton d'accès invalide";
	}
	return "Accès refusé";
}
