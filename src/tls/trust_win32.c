/* src/tls/trust_win32.c: the service's authority in the Local Machine's Root
 * store (CryptoAPI), which Chrome, Edge and the system's TLS read. */
#include "tls/trust.h"

#include "base/errno_text.h"

#include <wincrypt.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An authority's PEM file is a few kilobytes; more is not one. */
#define TRUST_PEM_MAX (64 * 1024)

/* The Windows failures an admin can meet here, in words, with the fix. */
static const char *windows_error_text(DWORD error)
{
	switch (error) {
	case ERROR_ACCESS_DENIED:
	case (DWORD)E_ACCESSDENIED:
		return "accès refusé (lancez-le en administrateur, ou comme service)";
	case ERROR_CANCELLED:
	case (DWORD)HRESULT_FROM_WIN32(ERROR_CANCELLED):
		return "refusé par l'utilisateur";
	case (DWORD)CRYPT_E_ASN1_BADTAG:
	case (DWORD)CRYPT_E_ASN1_CORRUPT:
	case (DWORD)CRYPT_E_ASN1_EOD:
		return "certificat illisible (DER invalide)";
	default:
		return NULL;
	}
}

static void describe_failure(char *why, size_t why_size, const char *path, const char *step,
			     DWORD error)
{
	const char *text = windows_error_text(error);

	if (text != NULL)
		snprintf(why, why_size, "autorité %s : %s : %s", path, step, text);
	else
		snprintf(why, why_size, "autorité %s : %s : erreur Windows 0x%08lx", path, step,
			 (unsigned long)error);
}

/* The PEM file's first certificate, as DER (malloc'd in *der). */
static int read_authority(const char *path, BYTE **der, DWORD *der_size, char *why,
			  size_t why_size)
{
	FILE *file;
	char *pem = NULL;
	size_t length;
	DWORD size = 0;
	int rc = -1;

	*der = NULL;
	file = fopen(path, "rb");
	if (file == NULL) {
		snprintf(why, why_size, "autorité %s : lecture impossible : %s", path,
			 errno_text(errno));
		return -1;
	}
	pem = malloc(TRUST_PEM_MAX + 1);
	if (pem == NULL) {
		snprintf(why, why_size, "autorité %s : mémoire insuffisante", path);
		goto out;
	}
	length = fread(pem, 1, TRUST_PEM_MAX + 1, file);
	if (ferror(file) || length > TRUST_PEM_MAX) {
		snprintf(why, why_size, "autorité %s : lecture impossible (fichier de plus de %d octets ?)",
			 path, TRUST_PEM_MAX);
		goto out;
	}
	pem[length] = '\0';
	/* CRYPT_STRING_BASE64HEADER: the first -----BEGIN ...----- block */
	if (!CryptStringToBinaryA(pem, (DWORD)length, CRYPT_STRING_BASE64HEADER, NULL, &size, NULL,
				  NULL) ||
	    size == 0) {
		snprintf(why, why_size,
			 "autorité %s : aucun certificat PEM (-----BEGIN CERTIFICATE-----) dedans", path);
		goto out;
	}
	*der = malloc(size);
	if (*der == NULL) {
		snprintf(why, why_size, "autorité %s : mémoire insuffisante", path);
		goto out;
	}
	if (!CryptStringToBinaryA(pem, (DWORD)length, CRYPT_STRING_BASE64HEADER, *der, &size, NULL,
				  NULL)) {
		describe_failure(why, why_size, path, "décodage du PEM", GetLastError());
		goto out;
	}
	*der_size = size;
	rc = 0;
out:
	if (rc != 0) {
		free(*der);
		*der = NULL;
	}
	free(pem);
	fclose(file);
	return rc;
}

/* The machine's Root store: what every user and the services trust. */
static HCERTSTORE open_root_store(const char *path, char *why, size_t why_size)
{
	HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
					 CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root");

	if (store == NULL)
		describe_failure(why, why_size, path,
				 "ouverture du magasin Root de l'ordinateur local", GetLastError());
	return store;
}

int tls_trust_install(const char *ca_pem_path, char *why, size_t why_size)
{
	HCERTSTORE store = NULL;
	BYTE *der = NULL;
	DWORD der_size = 0;
	int rc = -1;

	if (read_authority(ca_pem_path, &der, &der_size, why, why_size) != 0)
		return -1;
	store = open_root_store(ca_pem_path, why, why_size);
	if (store == NULL)
		goto out;
	/* the same authority again (a second --setup-tls) replaces itself */
	if (!CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, der_size,
					      CERT_STORE_ADD_REPLACE_EXISTING, NULL)) {
		describe_failure(why, why_size, ca_pem_path,
				 "ajout au magasin Root de l'ordinateur local", GetLastError());
		goto out;
	}
	rc = 0;
out:
	if (store != NULL)
		CertCloseStore(store, 0);
	free(der);
	return rc;
}

int tls_trust_remove(const char *ca_pem_path, char *why, size_t why_size)
{
	HCERTSTORE store = NULL;
	BYTE *der = NULL;
	DWORD der_size = 0;
	BYTE sha1[20];
	CRYPT_HASH_BLOB fingerprint = {sizeof(sha1), sha1};
	DWORD sha1_size = sizeof(sha1);
	PCCERT_CONTEXT found;
	int rc = -1;

	if (read_authority(ca_pem_path, &der, &der_size, why, why_size) != 0)
		return -1;
	if (!CryptHashCertificate(0, CALG_SHA1, 0, der, der_size, sha1, &sha1_size)) {
		describe_failure(why, why_size, ca_pem_path, "calcul de l'empreinte SHA-1",
				 GetLastError());
		goto out;
	}
	store = open_root_store(ca_pem_path, why, why_size);
	if (store == NULL)
		goto out;
	/* every copy: the store holds one per fingerprint, but be thorough */
	while ((found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH,
						   &fingerprint, NULL)) != NULL) {
		/* frees found, whatever the outcome */
		if (!CertDeleteCertificateFromStore(found)) {
			describe_failure(why, why_size, ca_pem_path,
					 "retrait du magasin Root de l'ordinateur local",
					 GetLastError());
			goto out;
		}
	}
	/* Windows writes a deletion from a system store at once; Wine 8 keeps
	 * it in memory and never writes it unless asked (its registry keeps
	 * the certificate): asked here, a no-op where it is written already. */
	CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
	rc = 0;
out:
	if (store != NULL)
		CertCloseStore(store, 0);
	free(der);
	return rc;
}
