/* The outcome table (see outcome.h). */
#include "base/outcome.h"

#define OUTCOME_ROW(name, code_, status_, level_, log_, metric_, message_)                  \
	[OUTCOME_##name] = {.code = code_,                                                  \
			    .status = status_,                                              \
			    .level = OUTCOME_##level_,                                      \
			    .log = OUTCOME_LOG_##log_,                                      \
			    .metric = OUTCOME_METRIC_##metric_,                             \
			    .message = message_},
const struct outcome_info outcome_table[OUTCOME_COUNT] = {OUTCOMES(OUTCOME_ROW)};
#undef OUTCOME_ROW

const struct outcome_info *outcome_info(enum outcome outcome)
{
	return &outcome_table[(unsigned)outcome < OUTCOME_COUNT ? outcome : OUTCOME_INTERNAL_ERROR];
}

const char *outcome_code(enum outcome outcome)
{
	return outcome_info(outcome)->code;
}

const char *outcome_message(enum outcome outcome)
{
	return outcome_info(outcome)->message;
}

enum outcome outcome_of_error(int error)
{
	int index = -error - OUTCOME_ERROR_BASE;

	return index >= 0 && index < OUTCOME_COUNT ? (enum outcome)index : OUTCOME_PRINTER_ERROR;
}
