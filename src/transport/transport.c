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
			 "printer '%s': the Windows version drives printers through the spooler or a "
			 "serial port: use --printer spool:NAME (or just the printer's name, as shown "
			 "in Settings > Printers & scanners) or --printer serial:COM3",
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
		 "printer '%s': this build has no transport for it (spool: is the Windows "
		 "spooler): use --printer tcp://HOST[:PORT] (Ethernet printer, port 9100), "
		 "serial:/dev/ttyUSB0, file:/dev/usb/lp0 (USB)%s",
		 transport->uri_text,
#ifdef CASHDRAWERD_HAVE_CUPS
		 " or cups:NAME (a CUPS queue)"
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
		snprintf(err, errlen, "printer %s: %s", transport->uri_text,
			 transport->write_only
				 ? "cannot read back: a plain file, or a device this service may only write to"
				 : "this transport cannot read the printer's answers");
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

const char *transport_error_code(int error)
{
	switch (error) {
	case TRANSPORT_ERR_REFUSED:
		return "printer_refused";
	case TRANSPORT_ERR_UNREACHABLE:
		return "printer_unreachable";
	case TRANSPORT_ERR_TIMEOUT:
		return "printer_timeout";
	case TRANSPORT_ERR_IO:
		return "printer_io_error";
	case TRANSPORT_ERR_NOT_FOUND:
		return "printer_not_found";
	case TRANSPORT_ERR_PERMISSION:
		return "printer_permission_denied";
	case TRANSPORT_ERR_UNSUPPORTED:
		return "printer_unsupported";
	case TRANSPORT_ERR_QUEUE_NOT_FOUND:
		return "printer_queue_not_found";
	case TRANSPORT_ERR_QUEUE_STOPPED:
		return "printer_queue_stopped";
	case TRANSPORT_ERR_SPOOLER_DOWN:
		return "printer_spooler_down";
	case TRANSPORT_ERR_CONNECTION_LOST:
		return "printer_connection_lost";
	default:
		return "printer_error";
	}
}

const char *transport_error_message_fr(int error)
{
	switch (error) {
	case TRANSPORT_ERR_REFUSED:
		return "L'imprimante refuse la connexion : vérifiez qu'elle est allumée et que "
		       "son adresse est la bonne.";
	case TRANSPORT_ERR_UNREACHABLE:
		return "Imprimante injoignable sur le réseau : vérifiez son câble, son adresse "
		       "et qu'elle est allumée.";
	case TRANSPORT_ERR_TIMEOUT:
		return "L'imprimante ne répond pas à temps : vérifiez qu'elle est allumée, en "
		       "ligne et sans bourrage papier.";
	case TRANSPORT_ERR_IO:
		return "Erreur de communication avec l'imprimante : vérifiez le câble puis "
		       "réessayez.";
	case TRANSPORT_ERR_NOT_FOUND:
		return "Imprimante introuvable : vérifiez qu'elle est branchée et allumée.";
	case TRANSPORT_ERR_PERMISSION:
		return "Le système refuse l'accès à l'imprimante : le service n'a pas les droits "
		       "sur le périphérique (groupe lp).";
	case TRANSPORT_ERR_UNSUPPORTED:
		return "Ce type d'imprimante n'est pas pris en charge par cette version.";
	case TRANSPORT_ERR_QUEUE_NOT_FOUND:
		return "File d'impression introuvable : vérifiez le nom de l'imprimante dans les "
		       "réglages du service et du système.";
	case TRANSPORT_ERR_QUEUE_STOPPED:
		return "La file d'impression est suspendue : réactivez l'imprimante dans les "
		       "réglages d'impression du système.";
	case TRANSPORT_ERR_SPOOLER_DOWN:
		return "Le service d'impression du système ne répond pas : redémarrez-le (CUPS "
		       "ou le spouleur Windows).";
	case TRANSPORT_ERR_CONNECTION_LOST:
		return "L'imprimante a coupé la connexion avant de confirmer l'ordre d'ouverture : "
		       "le tiroir ne s'est peut-être pas ouvert. Vérifiez l'imprimante puis "
		       "réessayez.";
	default:
		return "Erreur d'imprimante : vérifiez l'imprimante puis réessayez.";
	}
}
