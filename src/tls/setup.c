/* --setup-tls and --remove-tls (see setup.h). */
#include "tls/setup.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/errno_text.h"
#include "tls/authority.h"
#include "tls/credentials.h"
#include "tls/files.h"
#include "tls/library.h"
#include "tls/trust.h"

#define CA_FILE "cashdrawerd-ca.pem"

void tls_authority_path(const char *cert_path, char *path, size_t size)
{
	const char *slash = tls_files_last_separator(cert_path);

	if (slash == NULL)
		snprintf(path, size, CA_FILE);
	else
		snprintf(path, size, "%.*s" CA_FILE, (int)(slash - cert_path) + 1, cert_path);
}

int tls_setup(const char *cert_path, const char *key_path, char *why, size_t why_size)
{
	char ca[4200], previous[4300];
	struct stat info;
	bool renewing;
	long uid, gid;

	/* GnuTLS makes the authority: a till without it is told so, and its
	 * files and trust stay as they were */
	if (tls_library_load(why, why_size) < 0)
		return -1;
	tls_authority_path(cert_path, ca, sizeof ca);
	/* an admin's own certificate and key (tls_cert, tls_key) are never
	 * written over: only a certificate the authority beside it issued is */
	if (tls_credentials_origin(cert_path, key_path, ca, why, why_size) == TLS_CREDENTIALS_OTHER) {
		snprintf(why, why_size,
			 "%s et %s ne sont pas ceux que --setup-tls a faits (aucune autorité %s "
			 "ne les a signés) : laissés tels quels ; pour le certificat de cashdrawerd, "
			 "retirez tls_cert et tls_key des réglages s'ils sont les vôtres, ou "
			 "supprimez ces deux fichiers si son autorité a été effacée",
			 cert_path, key_path, ca);
		return -1;
	}
	snprintf(previous, sizeof previous, "%s.precedente", ca);
	/* the old authority is kept aside until the new one is trusted */
	renewing = rename(ca, previous) == 0;
	tls_files_owner(key_path, &uid, &gid);
	if (tls_setup_files(cert_path, key_path, ca, uid, gid, time(NULL), why, why_size) < 0)
		goto fail;
	printf("Autorité de ce poste créée (limitée à localhost, 127.0.0.1 et ::1, valable %d jours, "
	       "sa clé détruite) : %s\nCertificat du service : %s, clé : %s\n",
	       TLS_VALIDITY_DAYS, ca, cert_path, key_path);
	if (tls_trust_install(ca, why, why_size) < 0)
		goto fail;
	printf("Autorité ajoutée à la confiance de ce poste.\n");
	if (renewing) {
		if (tls_trust_remove(previous, why, why_size) < 0)
			goto fail;
		unlink(previous);
		printf("Autorité précédente retirée de la confiance de ce poste.\n");
	}
	return 0;
fail:
	if (renewing && stat(ca, &info) != 0)
		rename(previous, ca);
	return -1;
}

int tls_remove(const char *cert_path, const char *key_path, char *why, size_t why_size)
{
	const char *files[3] = {NULL, cert_path, key_path};
	char ca[4200];
	int origin;

	tls_authority_path(cert_path, ca, sizeof ca);
	files[0] = ca;
	/* the certificate and its key go only if they are --setup-tls's: an
	 * admin's own (tls_cert, tls_key) stay, as after any uninstall */
	if ((origin = tls_credentials_origin(cert_path, key_path, ca, why, why_size)) < 0)
		return -1;
	if (tls_trust_remove(ca, why, why_size) < 0)
		return -1;
	for (size_t i = 0; i < (origin == TLS_CREDENTIALS_SETUP ? 3 : 1); i++)
		if (unlink(files[i]) < 0 && errno != ENOENT) {
			snprintf(why, why_size, "suppression de %s impossible : %s", files[i],
				 errno_text(errno));
			return -1;
		}
	if (origin != TLS_CREDENTIALS_OTHER)
		printf("Autorité retirée de la confiance de ce poste ; certificat et clé supprimés.\n");
	else
		printf("Autorité retirée de la confiance de ce poste ; %s et %s laissés en place : "
		       "ce ne sont pas ceux de --setup-tls.\n",
		       cert_path, key_path);
	return 0;
}
