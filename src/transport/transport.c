/* Transport selection from the printer URI, and what each error means for
 * the people at the till. */
#include "transport/transport.h"

#include <stdio.h>
#include <string.h>

static int select_backend(struct transport *transport, const struct printer_uri *uri, char *err,
			  size_t errlen)
{
	memset(transport, 0, sizeof *transport);
	transport->uri = uri;
	transport->fd = -1;
	printer_uri_format(uri, transport->uri_text, sizeof transport->uri_text);
	switch (uri->scheme) {
#ifdef _WIN32
	/* Windows: a bare name is a spooler queue; tcp and file are POSIX-only for now. */
	case PRINTER_URI_QUEUE:
	case PRINTER_URI_SPOOL:
		transport->ops = &transport_spool_ops;
		return 0;
	case PRINTER_URI_SERIAL:
		transport->ops = &transport_serial_ops;
		return 0;
	case PRINTER_URI_TCP:
	case PRINTER_URI_FILE:
	case PRINTER_URI_CUPS:
		snprintf(err, errlen,
			 "imprimante '%s' : la version Windows passe par le spouleur ou par un port "
			 "série : utilisez --printer spool:NOM (ou simplement le nom de l'imprimante, "
			 "tel que Paramètres > Imprimantes et scanners le montre) ou --printer serial:COM3",
			 transport->uri_text);
		return TRANSPORT_ERR_UNSUPPORTED;
#else
	case PRINTER_URI_TCP:
		transport->ops = &transport_tcp_ops;
		return 0;
	case PRINTER_URI_FILE:
		transport->ops = &transport_file_ops;
		return 0;
	case PRINTER_URI_SERIAL:
		transport->ops = &transport_serial_ops;
		return 0;
#ifdef CASHDRAWERD_HAVE_CUPS
	/* A bare name is a CUPS queue wherever CUPS is the platform's spooler. */
	case PRINTER_URI_QUEUE:
	case PRINTER_URI_CUPS:
		transport->ops = &transport_cups_ops;
		return 0;
#else
	case PRINTER_URI_QUEUE:
	case PRINTER_URI_CUPS:
#endif
	case PRINTER_URI_SPOOL:
		break;
#endif
	}
	snprintf(err, errlen,
		 "imprimante '%s' : cette version ne sait pas la joindre (spool: est le spouleur "
		 "de Windows) : utilisez --printer tcp://HÔTE[:PORT] (imprimante Ethernet, port "
		 "9100), serial:/dev/ttyUSB0, file:/dev/usb/lp0 (USB)%s",
		 transport->uri_text,
#ifdef CASHDRAWERD_HAVE_CUPS
		 " ou cups:NOM (une file CUPS)"
#else
		 ""
#endif
	);
	return TRANSPORT_ERR_UNSUPPORTED;
}

int transport_init(struct transport *transport, const struct printer_uri *uri, char *err,
		   size_t errlen)
{
	int rc = select_backend(transport, uri, err, errlen);

	if (rc == 0 && transport->ops->init != NULL)
		rc = transport->ops->init(transport, err, errlen);
	return rc;
}

int transport_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	return transport->ops->open(transport, deadline_ms, err, errlen);
}

int transport_write(struct transport *transport, const void *buf, size_t len,
		    int64_t deadline_ms, char *err, size_t errlen)
{
	return transport->ops->write(transport, buf, len, deadline_ms, err, errlen);
}

int transport_read(struct transport *transport, void *buf, size_t len, int64_t deadline_ms,
		   char *err, size_t errlen)
{
	if (!transport_can_read(transport)) {
		snprintf(err, errlen, "imprimante %s : %s", transport->uri_text,
			 transport->write_only
				 ? "lecture impossible : un simple fichier, ou un périphérique où le "
				   "service ne peut qu'écrire"
				 : "cette liaison ne lit pas les réponses de l'imprimante");
		return TRANSPORT_ERR_UNSUPPORTED;
	}
	return transport->ops->read(transport, buf, len, deadline_ms, err, errlen);
}

int transport_confirm(struct transport *transport, int64_t deadline_ms, char *err,
		      size_t errlen)
{
	if (transport->ops->confirm == NULL)
		return 0;
	return transport->ops->confirm(transport, deadline_ms, err, errlen);
}

int transport_check(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	if (transport->ops->check == NULL)
		return 0;
	return transport->ops->check(transport, deadline_ms, err, errlen);
}

bool transport_can_read(const struct transport *transport)
{
	return transport->ops->read != NULL && !transport->write_only;
}

void transport_close(struct transport *transport)
{
	if (transport->ops != NULL)
		transport->ops->close(transport);
}
