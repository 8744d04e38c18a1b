/* Windows print queues (spool:NAME, or a bare NAME such as the default
 * TICKET) through the spooler, as the replaced system did: the bytes go as
 * one RAW job, which the spooler hands to the printer's port untouched. Each
 * write is one job that opens the queue, checks it is not paused, sends and
 * closes it, on a thread bounded by the deadline. */
#include <stdio.h>
#include <string.h>
#include <winspool.h>

#include "base/clock.h"
#include "transport/transport.h"

#define DOCUMENT_NAME L"cashdrawerd : ouverture du tiroir-caisse"

/* Windows' own description of error, in the system's language, as UTF-8:
 * quoted, as the words of the system. */
static void describe_error(DWORD error, char *text, size_t size)
{
	wchar_t wide[256];
	char *utf8 = NULL;
	size_t length = 0;

	if (FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, error,
			   0, wide, sizeof wide / sizeof wide[0], NULL) > 0)
		utf8 = compat_utf8(wide);
	if (utf8 != NULL)
		length = strlen(utf8);
	while (length > 0 && (utf8[length - 1] == '\n' || utf8[length - 1] == '\r' ||
			      utf8[length - 1] == ' ' || utf8[length - 1] == '.'))
		utf8[--length] = '\0';
	snprintf(text, size, "erreur Windows %lu%s%s%s", (unsigned long)error,
		 length > 0 ? " : « " : "", length > 0 ? utf8 : "", length > 0 ? " »" : "");
	free(utf8);
}

/* The transport_error for a failed spooler call, with err saying what to do. */
static int spool_error(struct transport *transport, const char *step, DWORD error, char *err,
		       size_t errlen)
{
	const char *name = transport->uri->path;
	char why[320];

	switch (error) {
	case ERROR_INVALID_PRINTER_NAME:
	case ERROR_UNKNOWN_PRINTER_DRIVER:
		snprintf(err, errlen,
			 "imprimante %s : aucune imprimante nommée %s : vérifiez Paramètres > "
			 "Imprimantes et scanners (le nom doit être le même, accents et majuscules "
			 "compris) ou corrigez le réglage printer=%s",
			 transport->uri_text, name, transport->uri_text);
		return TRANSPORT_ERR_QUEUE_NOT_FOUND;
	case RPC_S_SERVER_UNAVAILABLE:
	case RPC_S_CALL_FAILED:
	case ERROR_SERVICE_NOT_ACTIVE:
	case ERROR_SPOOL_FILE_NOT_FOUND:
		snprintf(err, errlen,
			 "imprimante %s : le spouleur d'impression de Windows ne répond pas (erreur "
			 "Windows %lu) : démarrez le service « Spouleur d'impression » (services.msc) "
			 "et mettez-le en démarrage automatique",
			 transport->uri_text, (unsigned long)error);
		return TRANSPORT_ERR_SPOOLER_DOWN;
	case ERROR_ACCESS_DENIED:
		snprintf(err, errlen,
			 "imprimante %s : Windows refuse que ce compte imprime sur %s : autorisez-le "
			 "dans Propriétés de l'imprimante > Sécurité (le service tourne sous le "
			 "compte Système local)",
			 transport->uri_text, name);
		return TRANSPORT_ERR_PERMISSION;
	case ERROR_INVALID_DATATYPE:
		snprintf(err, errlen,
			 "imprimante %s : le pilote de %s ne prend pas les données RAW : installez le "
			 "pilote ESC/POS de l'imprimante (par exemple « Epson Advanced Printer "
			 "Driver ») ou « Générique / Texte seul » pour cette file",
			 transport->uri_text, name);
		return TRANSPORT_ERR_IO;
	case ERROR_PRINT_CANCELLED:
	case ERROR_PRINTER_DELETED:
		snprintf(err, errlen, "imprimante %s : le travail a été annulé ou l'imprimante "
				      "supprimée entre-temps : réessayez",
			 transport->uri_text);
		return TRANSPORT_ERR_IO;
	default:
		describe_error(error, why, sizeof why);
		snprintf(err, errlen, "imprimante %s : échec de %s : %s", transport->uri_text, step,
			 why);
		return TRANSPORT_ERR_IO;
	}
}

/* A paused queue, or one set to "Use Printer Offline", would keep the job and
 * open the drawer whenever someone resumes it, maybe hours later: refuse. */
static int check_queue_state(struct transport *transport, char *err, size_t errlen)
{
	DWORD needed = 0;
	PRINTER_INFO_2W *info;
	int rc = 0;

	GetPrinterW(transport->backend, 2, NULL, 0, &needed);
	if (needed == 0)
		return 0; /* state unknown: let the job go, as the replaced system did */
	info = malloc(needed);
	if (info == NULL)
		return 0;
	if (GetPrinterW(transport->backend, 2, (BYTE *)info, needed, &needed)) {
		if (info->Status & PRINTER_STATUS_PAUSED) {
			snprintf(err, errlen,
				 "imprimante %s : la file %s est suspendue : reprenez-la (Paramètres > "
				 "Imprimantes et scanners > %s > Ouvrir la file d'attente > Imprimante > "
				 "Suspendre l'impression)",
				 transport->uri_text, transport->uri->path, transport->uri->path);
			rc = TRANSPORT_ERR_QUEUE_STOPPED;
		} else if (info->Attributes & PRINTER_ATTRIBUTE_WORK_OFFLINE) {
			snprintf(err, errlen,
				 "imprimante %s : la file %s est réglée sur « Utiliser l'imprimante hors "
				 "connexion » : décochez-le dans le menu Imprimante de sa file d'attente",
				 transport->uri_text, transport->uri->path);
			rc = TRANSPORT_ERR_QUEUE_STOPPED;
		}
	}
	free(info);
	return rc;
}

/* The job itself: the bytes as one RAW document, handed to the port by
 * EndDocPrinter; a failure deletes the half job. */
static int send_job(struct transport *transport, const void *buf, size_t len, char *err,
		    size_t errlen)
{
	DOC_INFO_1W document = {DOCUMENT_NAME, NULL, L"RAW"};
	const char *p = buf;
	const char *step = "StartDocPrinter";
	bool page = false;
	DWORD error = 0;

	if (StartDocPrinterW(transport->backend, 1, (BYTE *)&document) == 0)
		return spool_error(transport, step, GetLastError(), err, errlen);
	step = "StartPagePrinter";
	page = StartPagePrinter(transport->backend);
	if (!page)
		goto fail;
	step = "WritePrinter";
	while (len > 0) {
		DWORD written = 0;

		if (!WritePrinter(transport->backend, (void *)p, (DWORD)len, &written) || written == 0)
			goto fail;
		p += written;
		len -= written;
	}
	page = false;
	step = "EndPagePrinter";
	if (!EndPagePrinter(transport->backend))
		goto fail;
	/* The job is handed to the printer's port here. */
	step = "EndDocPrinter";
	if (!EndDocPrinter(transport->backend))
		return spool_error(transport, step, GetLastError(), err, errlen);
	return 0;
fail:
	error = GetLastError();
	if (page)
		EndPagePrinter(transport->backend);
	AbortPrinter(transport->backend); /* no half job: the spooler deletes it */
	return spool_error(transport, step, error, err, errlen);
}

/* The spooler's calls cannot be given a deadline, and a hung spooler would
 * hold the drawer past timeout_ms: each job runs on a thread of its own,
 * with copies of what it needs, and is abandoned (it frees itself) when the
 * deadline passes. */
struct spool_job {
	volatile LONG users; /* the waiter and the thread */
	HANDLE done;
	struct printer_uri uri;
	struct transport transport; /* uses uri above, never the caller's */
	int rc;
	char err[512];
	size_t length; /* 0: only check the queue */
	unsigned char data[];
};

static void release_job(struct spool_job *job)
{
	if (InterlockedDecrement(&job->users) != 0)
		return;
	CloseHandle(job->done);
	free(job);
}

/* Opens the queue and checks its state; on success transport->backend is
 * the printer's HANDLE. */
static int open_queue(struct transport *transport, char *err, size_t errlen)
{
	PRINTER_DEFAULTSW defaults = {NULL, NULL, PRINTER_ACCESS_USE};
	wchar_t *name = compat_wide(transport->uri->path);
	HANDLE printer = NULL;
	int rc;

	if (name == NULL) {
		snprintf(err, errlen, "imprimante %s : le nom n'est pas en UTF-8 valide",
			 transport->uri_text);
		return TRANSPORT_ERR_QUEUE_NOT_FOUND;
	}
	if (!OpenPrinterW(name, &printer, &defaults)) {
		rc = spool_error(transport, "OpenPrinter", GetLastError(), err, errlen);
		free(name);
		return rc;
	}
	free(name);
	transport->backend = printer;
	return check_queue_state(transport, err, errlen);
}

static DWORD WINAPI run_job(void *arg)
{
	struct spool_job *job = arg;

	job->rc = open_queue(&job->transport, job->err, sizeof job->err);
	if (job->rc == 0 && job->length > 0)
		job->rc = send_job(&job->transport, job->data, job->length, job->err,
				   sizeof job->err);
	if (job->transport.backend != NULL)
		ClosePrinter(job->transport.backend); /* always closed */
	SetEvent(job->done);
	release_job(job);
	return 0;
}

/* Runs open_queue (and send_job when len > 0) by deadline_ms. */
static int run_bounded(struct transport *transport, const void *buf, size_t len,
		       int64_t deadline_ms, char *err, size_t errlen)
{
	struct spool_job *job = calloc(1, sizeof *job + len);
	int64_t left = deadline_ms - clock_monotonic_ms();
	HANDLE thread;
	int rc;

	if (job == NULL) {
		snprintf(err, errlen, "imprimante %s : mémoire insuffisante", transport->uri_text);
		return TRANSPORT_ERR_IO;
	}
	job->uri = *transport->uri;
	job->transport = *transport;
	job->transport.uri = &job->uri;
	job->transport.backend = NULL;
	job->length = len;
	if (len > 0)
		memcpy(job->data, buf, len);
	job->users = 2;
	job->done = CreateEventW(NULL, TRUE, FALSE, NULL);
	thread = job->done != NULL ? CreateThread(NULL, 0, run_job, job, 0, NULL) : NULL;
	if (thread == NULL) {
		snprintf(err, errlen, "imprimante %s : impossible de lancer le fil du travail "
			 "d'impression (erreur Windows %lu)",
			 transport->uri_text, (unsigned long)GetLastError());
		if (job->done != NULL)
			CloseHandle(job->done);
		free(job);
		return TRANSPORT_ERR_IO;
	}
	CloseHandle(thread);
	if (WaitForSingleObject(job->done, left <= 0 ? 0 : left > 60000 ? 60000 : (DWORD)left) ==
	    WAIT_OBJECT_0) {
		rc = job->rc;
		if (rc < 0)
			snprintf(err, errlen, "%s", job->err);
	} else {
		snprintf(err, errlen,
			 "imprimante %s : le spouleur d'impression de Windows n'a pas répondu à temps : "
			 "redémarrez le service « Spouleur d'impression » (services.msc) si cela "
			 "continue",
			 transport->uri_text);
		rc = TRANSPORT_ERR_SPOOLER_DOWN;
	}
	release_job(job);
	return rc;
}

/* Nothing to open ahead: the job opens the queue, writes and closes it, all
 * within its deadline. */
static int spool_open(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	(void)transport;
	(void)deadline_ms;
	(void)err;
	(void)errlen;
	return 0;
}

/* One RAW job with buf, through an open, checked queue. */
static int spool_write(struct transport *transport, const void *buf, size_t len,
		       int64_t deadline_ms, char *err, size_t errlen)
{
	if (len == 0)
		return 0;
	return run_bounded(transport, buf, len, deadline_ms, err, errlen);
}

static void spool_close(struct transport *transport)
{
	(void)transport; /* each job closed its queue */
}

/* The queue exists, is not paused or offline, and the spooler answers. */
static int spool_check(struct transport *transport, int64_t deadline_ms, char *err, size_t errlen)
{
	return run_bounded(transport, NULL, 0, deadline_ms, err, errlen);
}

const struct transport_ops transport_spool_ops = {
	.name = "spool",
	.open = spool_open,
	.write = spool_write,
	.read = NULL, /* the spooler is write-only */
	.close = spool_close,
	.check = spool_check,
};
