/* Properties of any settings the loaders accept (config_file.c,
 * config_cli.c): every value is one its option's own validation accepts. */
#ifndef CASHDRAWERD_FUZZ_CONFIG_CHECK_H
#define CASHDRAWERD_FUZZ_CONFIG_CHECK_H

#include "settings/config.h"

/* Aborts (a libFuzzer crash) unless every value of config is within its
 * option's bounds and passes its check when set again, and the whole is
 * accepted by config_validate and access_policy_init. */
void fuzz_check_config(const struct config *config);

/* True when a and b hold the same settings (every option compared). */
int fuzz_same_config(const struct config *a, const struct config *b);

#endif
