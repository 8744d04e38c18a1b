/* The access policy as the settings give it (see access_settings.h). */
#include "settings/access_settings.h"

_Static_assert(CONFIG_LIST_MAX <= ACCESS_LIST_MAX, "every listed origin and network fits the policy");

int settings_access_policy(const struct config *config, struct access_policy *policy, char *err,
			   size_t errlen)
{
	const char *origins[CONFIG_LIST_MAX], *networks[CONFIG_LIST_MAX];

	for (size_t i = 0; i < config->allowed_origins_count; i++)
		origins[i] = config->allowed_origins[i];
	for (size_t i = 0; i < config->allowed_networks_count; i++)
		networks[i] = config->allowed_networks[i];
	return access_policy_init(policy, origins, config->allowed_origins_count, networks,
				  config->allowed_networks_count, config->token, err, errlen);
}
