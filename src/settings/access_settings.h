/* The access policy (src/admission) as the settings give it. */
#ifndef CASHDRAWERD_ACCESS_SETTINGS_H
#define CASHDRAWERD_ACCESS_SETTINGS_H

#include <stddef.h>

#include "admission/access.h"
#include "settings/config.h"

/* Builds policy from allowed_origins, allowed_networks and token. Returns 0
 * or -EINVAL with err as "key: reason". */
int settings_access_policy(const struct config *config, struct access_policy *policy, char *err,
			   size_t errlen);

#endif
