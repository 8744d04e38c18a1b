/* trust-check.exe install|remove|has CA_PEM: src/tls/trust_win32.c driven
 * from tests/e2e/wine/test_wine_trust.py, which checks each step in Wine's
 * registry too. "has" looks for the authority in the Local Machine's Root
 * store on its own (CryptoAPI, by SHA-1), not through the code under test:
 * exit 0 when there, 1 when not. install and remove print the French reason
 * and exit 1 when they fail. */
#include "tls/trust.h"

#include <wincrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has(const char *path)
{
	FILE *file = fopen(path, "rb");
	static char pem[65536];
	BYTE der[16384], sha1[20];
	DWORD der_size = sizeof(der), sha1_size = sizeof(sha1);
	CRYPT_HASH_BLOB fingerprint = {sizeof(sha1), sha1};
	HCERTSTORE store;
	PCCERT_CONTEXT found;
	size_t length;

	if (file == NULL)
		return 2;
	length = fread(pem, 1, sizeof(pem) - 1, file);
	fclose(file);
	if (!CryptStringToBinaryA(pem, (DWORD)length, CRYPT_STRING_BASE64HEADER, der, &der_size,
				  NULL, NULL) ||
	    !CryptHashCertificate(0, CALG_SHA1, 0, der, der_size, sha1, &sha1_size))
		return 2;
	store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
			      CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG, L"Root");
	if (store == NULL)
		return 2;
	found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH,
					   &fingerprint, NULL);
	if (found != NULL)
		CertFreeCertificateContext(found);
	CertCloseStore(store, 0);
	return found != NULL ? 0 : 1;
}

static int run(int argc, char **argv)
{
	char why[512] = "";
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: trust-check install|remove|has CA_PEM\n");
		return 2;
	}
	if (strcmp(argv[1], "has") == 0)
		return has(argv[2]);
	if (strcmp(argv[1], "install") == 0)
		rc = tls_trust_install(argv[2], why, sizeof(why));
	else if (strcmp(argv[1], "remove") == 0)
		rc = tls_trust_remove(argv[2], why, sizeof(why));
	else
		return 2;
	if (rc != 0) {
		/* UTF-8, read back as such by the test */
		fwrite(why, 1, strlen(why), stdout);
		fputc('\n', stdout);
		return 1;
	}
	return 0;
}

/* -municode (the Windows build's link): the arguments as UTF-8. */
int wmain(int argc, wchar_t **wargv)
{
	char **argv = compat_utf8_argv(argc, wargv);

	return argv != NULL ? run(argc, argv) : 2;
}
