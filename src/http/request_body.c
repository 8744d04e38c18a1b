/* Request bodies (pure): which framing is refused, and which body a route
 * takes. */
#include "http/request_body.h"

#include <stddef.h>

bool request_body_announced(const struct request_framing *framing)
{
	return framing->transfer_encoding || framing->content_length > 0;
}

enum outcome request_framing_refused(const struct request_framing *framing)
{
	/* Two lengths are two readings of where the request ends: one proxy
	 * could take the first, the service the second, and bytes of a body
	 * would be read as a request of their own (request smuggling). */
	return framing->content_lengths < 2 ? OUTCOME_OK : OUTCOME_DUPLICATE_CONTENT_LENGTH;
}

enum outcome request_body_refused(const struct request_framing *framing, uint64_t max_body)
{
	if (!request_body_announced(framing))
		return OUTCOME_OK;
	if (max_body == 0)
		return OUTCOME_BODY_NOT_ALLOWED;
	if (framing->transfer_encoding)
		return OUTCOME_LENGTH_REQUIRED;
	if (framing->content_length > max_body)
		return OUTCOME_BODY_TOO_LARGE;
	return OUTCOME_OK;
}
