/* --check-config beyond the settings: what the start would refuse on this
 * machine, as things are, tried without starting and leaving nothing. */
#ifndef CASHDRAWERD_STARTUP_CHECK_H
#define CASHDRAWERD_STARTUP_CHECK_H

#include <stddef.h>

#include "settings/config.h"

/* Checks the log folder (rotlog_check_dir) and binds every listening
 * address on the port as the start does, releasing them at once. Each
 * problem is appended to diag as a line worded as the start would word it.
 * Returns the number of problems. */
int startup_check(const struct config *config, char *diag, size_t diagsize);

#endif
