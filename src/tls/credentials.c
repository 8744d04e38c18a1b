/* The service's certificate and key, read and checked (see credentials.h). */
#include "tls/credentials.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/errno_text.h"
#include "tls/library.h"

/* Far more than a certificate chain and a key in PEM. */
#define PEM_FILE_MAX (256 * 1024)

/* The file's bytes, NUL-terminated, into *text. */
static int read_pem(const char *path, const char *what, char **text, char *why, size_t why_size)
{
	FILE *file = fopen(path, "rb");
	size_t length = 0;
	char *buffer = NULL;
	int rc = 0;

	*text = NULL;
	if (file == NULL) {
		rc = -errno;
		snprintf(why, why_size, "%s %s illisible : %s", what, path, errno_text(-rc));
		return rc;
	}
	if ((buffer = malloc(PEM_FILE_MAX + 1)) == NULL) {
		rc = -ENOMEM;
		snprintf(why, why_size, "%s %s : mémoire insuffisante", what, path);
		goto out;
	}
	length = fread(buffer, 1, PEM_FILE_MAX + 1, file);
	if (ferror(file) || length > PEM_FILE_MAX || length == 0) {
		rc = -EINVAL;
		snprintf(why, why_size, "%s %s : %s", what, path,
			 length == 0 ? "fichier vide" : "fichier trop grand ou illisible");
		goto out;
	}
	buffer[length] = '\0';
	*text = buffer;
	buffer = NULL;
out:
	if (buffer != NULL)
		free(buffer);
	fclose(file);
	return rc;
}

static bool exists(const char *path)
{
	struct stat info;

	return stat(path, &info) == 0;
}

/* The dates of the first certificate of the chain. */
static int read_dates(struct tls_credentials *credentials, const char *cert_path, char *why,
		      size_t why_size)
{
	gnutls_datum_t pem = {(unsigned char *)credentials->cert_pem,
			      (unsigned)strlen(credentials->cert_pem)};
	gnutls_x509_crt_t certificate;
	int rc;

	if (gnutls_x509_crt_init(&certificate) < 0)
		return -ENOMEM;
	rc = gnutls_x509_crt_import(certificate, &pem, GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		/* GnuTLS's words are English: its code only, for the log */
		snprintf(why, why_size, "certificat %s illisible : un certificat PEM est attendu "
			 "(code GnuTLS %d)", cert_path, rc);
		gnutls_x509_crt_deinit(certificate);
		return -EINVAL;
	}
	credentials->not_before = gnutls_x509_crt_get_activation_time(certificate);
	credentials->not_after = gnutls_x509_crt_get_expiration_time(certificate);
	gnutls_x509_crt_deinit(certificate);
	return 0;
}

/* The first certificate of the PEM file at path, or NULL. */
static gnutls_x509_crt_t read_certificate(const char *path)
{
	char why[256], *text;
	gnutls_x509_crt_t certificate = NULL;
	gnutls_datum_t pem;

	if (read_pem(path, "certificat", &text, why, sizeof why) < 0)
		return NULL;
	pem = (gnutls_datum_t){(unsigned char *)text, (unsigned)strlen(text)};
	if (gnutls_x509_crt_init(&certificate) < 0 ||
	    gnutls_x509_crt_import(certificate, &pem, GNUTLS_X509_FMT_PEM) < 0) {
		if (certificate != NULL)
			gnutls_x509_crt_deinit(certificate);
		certificate = NULL;
	}
	free(text);
	return certificate;
}

int tls_credentials_origin(const char *cert_path, const char *key_path, const char *ca_path,
			   char *why, size_t why_size)
{
	gnutls_x509_crt_t certificate, ca;
	bool issued;

	if (!exists(cert_path))
		return exists(key_path) ? TLS_CREDENTIALS_OTHER : TLS_CREDENTIALS_NONE;
	if (tls_library_load(why, why_size) < 0)
		return -1;
	certificate = read_certificate(cert_path);
	ca = read_certificate(ca_path);
	issued = certificate != NULL && ca != NULL &&
		 gnutls_x509_crt_check_issuer(certificate, ca) != 0;
	if (certificate != NULL)
		gnutls_x509_crt_deinit(certificate);
	if (ca != NULL)
		gnutls_x509_crt_deinit(ca);
	return issued ? TLS_CREDENTIALS_SETUP : TLS_CREDENTIALS_OTHER;
}

/* The key is the certificate's: what GnuTLS checks when the server loads them. */
static int check_pair(const struct tls_credentials *credentials, const char *cert_path,
		      const char *key_path, char *why, size_t why_size)
{
	gnutls_certificate_credentials_t pair;
	gnutls_datum_t cert = {(unsigned char *)credentials->cert_pem,
			       (unsigned)strlen(credentials->cert_pem)};
	gnutls_datum_t key = {(unsigned char *)credentials->key_pem,
			      (unsigned)strlen(credentials->key_pem)};
	int rc;

	if (gnutls_certificate_allocate_credentials(&pair) < 0)
		return -ENOMEM;
	rc = gnutls_certificate_set_x509_key_mem(pair, &cert, &key, GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(pair);
	if (rc < 0) {
		snprintf(why, why_size,
			 "certificat %s et clé %s inutilisables ensemble : %s (code GnuTLS %d ; "
			 "refaites-les avec cashdrawerd --setup-tls, ou donnez la clé de ce certificat)",
			 cert_path, key_path,
			 rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH ? "la clé n'est pas celle du certificat"
								 : "clé illisible ou d'un type inconnu",
			 rc);
		return -EINVAL;
	}
	return 0;
}

int tls_credentials_load(struct tls_credentials *credentials, const char *cert_path,
			 const char *key_path, char *why, size_t why_size)
{
	int rc;

	memset(credentials, 0, sizeof *credentials);
	if (!exists(cert_path) && !exists(key_path)) {
		snprintf(why, why_size, "ni certificat %s ni clé %s (lancez cashdrawerd --setup-tls)",
			 cert_path, key_path);
		return -ENOENT;
	}
	/* GnuTLS is loaded from here on, not for a till without a certificate */
	if (tls_library_load(why, why_size) < 0) {
		rc = -ENOPKG;
		goto out;
	}
	if ((rc = read_pem(cert_path, "certificat", &credentials->cert_pem, why, why_size)) < 0 ||
	    (rc = read_pem(key_path, "clé", &credentials->key_pem, why, why_size)) < 0 ||
	    (rc = read_dates(credentials, cert_path, why, why_size)) < 0 ||
	    (rc = check_pair(credentials, cert_path, key_path, why, why_size)) < 0)
		goto out;
	return 0;
out:
	if (rc == -ENOENT)
		rc = -EIO; /* one of the two only: not "no HTTPS yet" */
	tls_credentials_free(credentials);
	return rc;
}

void tls_credentials_free(struct tls_credentials *credentials)
{
	if (credentials->key_pem != NULL) {
		volatile char *wipe = credentials->key_pem;

		for (size_t i = 0; wipe[i] != '\0'; i++)
			wipe[i] = '\0';
	}
	free(credentials->key_pem);
	free(credentials->cert_pem);
	credentials->key_pem = credentials->cert_pem = NULL;
}

long tls_expiry_check(time_t not_after, time_t now, char *text, size_t size)
{
	/* whole days, rounded down: "expires in 0 days" on its last day */
	long days = (long)((not_after - now) / 86400);

	if (not_after < now)
		days = -(long)((now - not_after + 86399) / 86400);
	text[0] = '\0';
	if (not_after < now)
		snprintf(text, size, "le certificat HTTPS n'est plus valable depuis %ld jour(s) : les navigateurs "
			 "le refusent (renouvelez-le : cashdrawerd --setup-tls)", -days);
	else if (days < TLS_EXPIRY_WARNING_DAYS)
		snprintf(text, size, "le certificat HTTPS arrive à échéance dans %ld jour(s) (renouvelez-le : "
			 "cashdrawerd --setup-tls)", days);
	return days;
}
