/* print-tables: the service's outcome and endpoint tables as tab-separated
 * lines, so that the docs, --help and /metrics are checked against the
 * program's own tables (tests/e2e/test_readme.py), not against its sources.
 *   outcome CODE STATUS LEVEL MESSAGE LOG   (LOG: how its line is written)
 *   endpoint PATH PROTECTION ALLOW */
#include <stdio.h>

#include "base/endpoint.h"
#include "base/outcome.h"

int main(void)
{
	static const char *const levels[] = {"INFO", "WARNING", "ERROR"};
	static const char *const logs[] = {"routine", "always", "limited", "noise"};
	_Static_assert(sizeof logs / sizeof *logs == OUTCOME_LOG_NOISE + 1, "a name per treatment");
	char allow[32];

	for (int o = 0; o < OUTCOME_COUNT; o++)
		printf("outcome\t%s\t%u\t%s\t%s\t%s\n", outcome_table[o].code,
		       outcome_table[o].status, levels[outcome_table[o].level],
		       outcome_table[o].message, logs[outcome_table[o].log]);
	for (int e = 0; e < ENDPOINT_OTHER; e++) {
		endpoint_allow((enum endpoint)e, allow, sizeof allow);
		printf("endpoint\t%s\t%s\t%s\n", endpoint_table[e].path,
		       endpoint_table[e].protection == ENDPOINT_LOOPBACK_ONLY ? "loopback" : "network",
		       allow);
	}
	return 0;
}
