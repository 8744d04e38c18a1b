/* Request bodies (pure): which framing is refused, and which body a route
 * takes. */
#include "http/request_body.h"

#include <stddef.h>

bool request_body_announced(const struct request_framing *framing)
{
	return framing->transfer_encoding || framing->content_length > 0;
}

bool request_framing_refused(const struct request_framing *framing,
			     struct request_body_refusal *refusal)
{
	/* Two lengths are two readings of where the request ends: one proxy
	 * could take the first, the service the second, and bytes of a body
	 * would be read as a request of their own (request smuggling). */
	if (framing->content_lengths < 2)
		return false;
	*refusal = (struct request_body_refusal){
		400, "duplicate_content_length",
		"Requête invalide : plusieurs en-têtes Content-Length"};
	return true;
}

bool request_body_refused(const struct request_framing *framing, uint64_t max_body,
			  struct request_body_refusal *refusal)
{
	if (!request_body_announced(framing))
		return false;
	if (max_body == 0)
		*refusal = (struct request_body_refusal){
			413, "body_not_allowed",
			"Corps de requête refusé : cette adresse n'en prend pas"};
	else if (framing->transfer_encoding)
		*refusal = (struct request_body_refusal){
			411, "length_required",
			"Longueur du corps requise : envoyez un en-tête Content-Length"};
	else if (framing->content_length > max_body)
		*refusal = (struct request_body_refusal){
			413, "body_too_large", "Corps de requête trop grand pour cette adresse"};
	else
		return false;
	return true;
}
