/* Fuzzes printer URIs (printer_uri_parse, serial settings included).
 * Properties: a refusal says why; what parses holds values of its enums and
 * lists; its canonical form parses back to the same URI and formats the
 * same (so /status and the log show a URI that means what was configured);
 * a transport is chosen without I/O. */
#include <errno.h>

#include "fuzz.h"
#include "settings/printer_uri.h"
#include "transport/transport.h"

static int baud_listed(unsigned baud)
{
	for (const unsigned *b = printer_uri_serial_bauds; *b != 0; b++)
		if (*b == baud)
			return 1;
	return 0;
}

static void check_values(const struct printer_uri *uri)
{
	FUZZ_CHECK(uri->scheme <= PRINTER_URI_SPOOL, "scheme %d", (int)uri->scheme);
	FUZZ_CHECK(fuzz_terminated(uri->host, sizeof uri->host) &&
			   fuzz_terminated(uri->path, sizeof uri->path),
		   "host or path not terminated");
	switch (uri->scheme) {
	case PRINTER_URI_TCP:
		FUZZ_CHECK(uri->host[0] != '\0' && uri->port >= 1 && uri->port <= 65535,
			   "tcp host '%s' port %u", uri->host, uri->port);
		break;
	case PRINTER_URI_SERIAL:
		FUZZ_CHECK(baud_listed(uri->serial.baud), "baud %u", uri->serial.baud);
		FUZZ_CHECK(uri->serial.data_bits == 7 || uri->serial.data_bits == 8, "data bits %u",
			   uri->serial.data_bits);
		FUZZ_CHECK(uri->serial.stop_bits == 1 || uri->serial.stop_bits == 2, "stop bits %u",
			   uri->serial.stop_bits);
		FUZZ_CHECK(uri->serial.parity <= PRINTER_URI_PARITY_ODD, "parity %d",
			   (int)uri->serial.parity);
		FUZZ_CHECK(uri->serial.flow <= PRINTER_URI_FLOW_XONXOFF, "flow %d",
			   (int)uri->serial.flow);
		FUZZ_CHECK(uri->path[0] != '\0', "empty device");
		break;
	default:
		FUZZ_CHECK(uri->path[0] != '\0', "empty path or queue name");
		break;
	}
}

static int same_uri(const struct printer_uri *a, const struct printer_uri *b)
{
	if (a->scheme != b->scheme || strcmp(a->path, b->path) != 0)
		return 0;
	if (a->scheme == PRINTER_URI_TCP)
		return strcmp(a->host, b->host) == 0 && a->port == b->port;
	if (a->scheme == PRINTER_URI_SERIAL)
		return a->serial.baud == b->serial.baud && a->serial.data_bits == b->serial.data_bits &&
		       a->serial.parity == b->serial.parity &&
		       a->serial.stop_bits == b->serial.stop_bits && a->serial.flow == b->serial.flow;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	static char formatted[4096], again_formatted[4096];
	struct printer_uri uri, again;
	struct transport transport;
	char err[1024];
	int rc;

	memset(err, 0, sizeof err);
	rc = printer_uri_parse(text, &uri, err, sizeof err);
	if (rc != 0) {
		FUZZ_CHECK(rc == -EINVAL && err[0] != '\0', "refused (%d) without a reason", rc);
		goto out;
	}
	check_values(&uri);
	printer_uri_format(&uri, formatted, sizeof formatted);
	FUZZ_CHECK(strlen(formatted) < sizeof formatted - 1, "canonical form cut");
	rc = printer_uri_parse(formatted, &again, err, sizeof err);
	FUZZ_CHECK(rc == 0, "'%s' formats as '%s', which does not parse: %s", text, formatted, err);
	FUZZ_CHECK(same_uri(&uri, &again), "'%s' formats as '%s', which means another printer",
		   text, formatted);
	printer_uri_format(&again, again_formatted, sizeof again_formatted);
	FUZZ_CHECK(strcmp(formatted, again_formatted) == 0, "'%s' formats as '%s' then '%s'", text,
		   formatted, again_formatted);
	/* chooses a backend, opens nothing; the text it keeps is the canonical form */
	rc = transport_init(&transport, &uri, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == TRANSPORT_ERR_UNSUPPORTED, "transport_init returned %d", rc);
	FUZZ_CHECK(strcmp(transport.uri_text, formatted) == 0, "transport shows '%s', not '%s'",
		   transport.uri_text, formatted);
out:
	free(text);
	return 0;
}
