/* The service's own authority and certificate (see authority.h), with
 * GnuTLS's x509 API. */
#include "tls/authority.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "tls/files.h"

struct tls_authority {
	gnutls_x509_crt_t certificate;
	gnutls_x509_privkey_t key;
};

/* Back-dated a little: a till whose clock is a few minutes behind the one
 * that made the certificate would see it as "not yet valid". */
#define BACKDATE_S (60 * 60)

static int failed(int rc, const char *what, char *why, size_t why_size)
{
	snprintf(why, why_size, "%s : %s (GnuTLS)", what, gnutls_strerror(rc));
	return -EIO;
}

static int new_key(gnutls_x509_privkey_t *key)
{
	int rc = gnutls_x509_privkey_init(key);

	if (rc < 0)
		return rc;
	rc = gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
					  GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	if (rc < 0) {
		gnutls_x509_privkey_deinit(*key);
		*key = NULL;
	}
	return rc;
}

/* A random positive 20-byte serial (RFC 5280, 4.1.2.2). */
static int set_serial(gnutls_x509_crt_t certificate)
{
	unsigned char serial[20];
	int rc = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);

	if (rc < 0)
		return rc;
	serial[0] &= 0x7f;
	serial[0] |= 0x01;
	return gnutls_x509_crt_set_serial(certificate, serial, sizeof serial);
}

static int set_common(gnutls_x509_crt_t certificate, gnutls_x509_privkey_t key, const char *name,
		      time_t now, unsigned days)
{
	int rc;

	if ((rc = gnutls_x509_crt_set_version(certificate, 3)) < 0 ||
	    (rc = set_serial(certificate)) < 0 ||
	    (rc = gnutls_x509_crt_set_activation_time(certificate, now - BACKDATE_S)) < 0 ||
	    (rc = gnutls_x509_crt_set_expiration_time(certificate,
						      now + (time_t)days * 86400)) < 0 ||
	    (rc = gnutls_x509_crt_set_dn_by_oid(certificate, GNUTLS_OID_X520_COMMON_NAME, 0, name,
						(unsigned)strlen(name))) < 0 ||
	    (rc = gnutls_x509_crt_set_key(certificate, key)) < 0)
		return rc;
	return 0;
}

/* Permitted subtrees: DNS localhost, IP 127.0.0.1/32 and ::1/128, nothing
 * else (RFC 5280, 4.2.1.10), marked critical. */
static int constrain(gnutls_x509_crt_t certificate)
{
	static const unsigned char v4[8] = {127, 0, 0, 1, 255, 255, 255, 255};
	unsigned char v6[32] = {0};
	gnutls_x509_name_constraints_t constraints;
	gnutls_datum_t localhost = {(unsigned char *)"localhost", 9};
	gnutls_datum_t ip4 = {(unsigned char *)v4, sizeof v4};
	gnutls_datum_t ip6 = {v6, sizeof v6};
	int rc;

	v6[15] = 1;
	memset(v6 + 16, 0xff, 16);
	if ((rc = gnutls_x509_name_constraints_init(&constraints)) < 0)
		return rc;
	if ((rc = gnutls_x509_name_constraints_add_permitted(constraints, GNUTLS_SAN_DNSNAME,
							     &localhost)) >= 0 &&
	    (rc = gnutls_x509_name_constraints_add_permitted(constraints, GNUTLS_SAN_IPADDRESS,
							     &ip4)) >= 0 &&
	    (rc = gnutls_x509_name_constraints_add_permitted(constraints, GNUTLS_SAN_IPADDRESS,
							     &ip6)) >= 0)
		rc = gnutls_x509_crt_set_name_constraints(certificate, constraints, 1);
	gnutls_x509_name_constraints_deinit(constraints);
	return rc;
}

int tls_authority_create(struct tls_authority **out, time_t now, unsigned days, char *why,
			 size_t why_size)
{
	struct tls_authority *authority = calloc(1, sizeof *authority);
	char name[128], host[64] = "";
	unsigned char id[20];
	size_t id_size = sizeof id;
	int rc;

	*out = NULL;
	if (authority == NULL)
		return -ENOMEM;
	gethostname(host, sizeof host - 1);
	/* the name shown in the browsers' certificate lists: which till, when */
	snprintf(name, sizeof name, "cashdrawerd %.40s (localhost seulement) %ld", host, (long)now);
	if ((rc = new_key(&authority->key)) < 0 ||
	    (rc = gnutls_x509_crt_init(&authority->certificate)) < 0 ||
	    (rc = set_common(authority->certificate, authority->key, name, now, days)) < 0 ||
	    (rc = gnutls_x509_crt_set_basic_constraints(authority->certificate, 1, 0)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_usage(authority->certificate,
						GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN)) < 0 ||
	    (rc = constrain(authority->certificate)) < 0 ||
	    (rc = gnutls_x509_crt_get_key_id(authority->certificate, 0, id, &id_size)) < 0 ||
	    (rc = gnutls_x509_crt_set_subject_key_id(authority->certificate, id, id_size)) < 0 ||
	    (rc = gnutls_x509_crt_sign2(authority->certificate, authority->certificate,
					authority->key, GNUTLS_DIG_SHA256, 0)) < 0) {
		tls_authority_destroy(authority);
		return failed(rc, "création de l'autorité impossible", why, why_size);
	}
	*out = authority;
	return 0;
}

static int export_pem(gnutls_datum_t *datum, char **pem)
{
	*pem = malloc(datum->size + 1);
	if (*pem == NULL) {
		gnutls_free(datum->data);
		return -ENOMEM;
	}
	memcpy(*pem, datum->data, datum->size);
	(*pem)[datum->size] = '\0';
	gnutls_memset(datum->data, 0, datum->size);
	gnutls_free(datum->data);
	return 0;
}

static int fill_names(gnutls_x509_crt_t certificate, const char *const dns_names[],
		      size_t dns_count, const char *const addresses[], size_t address_count)
{
	int rc = 0;

	for (size_t i = 0; i < dns_count && rc >= 0; i++)
		rc = gnutls_x509_crt_set_subject_alt_name(certificate, GNUTLS_SAN_DNSNAME,
							  dns_names[i], (unsigned)strlen(dns_names[i]),
							  GNUTLS_FSAN_APPEND);
	for (size_t i = 0; i < address_count && rc >= 0; i++) {
		unsigned char raw[16];
		int v6 = strchr(addresses[i], ':') != NULL;

		if (inet_pton(v6 ? AF_INET6 : AF_INET, addresses[i], raw) != 1)
			return GNUTLS_E_INVALID_REQUEST;
		rc = gnutls_x509_crt_set_subject_alt_name(certificate, GNUTLS_SAN_IPADDRESS, raw,
							  v6 ? 16 : 4, GNUTLS_FSAN_APPEND);
	}
	return rc;
}

int tls_authority_sign(struct tls_authority *authority, const char *const dns_names[],
		       size_t dns_count, const char *const addresses[], size_t address_count,
		       time_t now, unsigned days, char **cert_pem, char **key_pem, char *why,
		       size_t why_size)
{
	gnutls_x509_crt_t certificate = NULL;
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t out = {NULL, 0};
	unsigned char id[20];
	size_t id_size = sizeof id;
	int rc;

	*cert_pem = *key_pem = NULL;
	if ((rc = new_key(&key)) < 0 || (rc = gnutls_x509_crt_init(&certificate)) < 0 ||
	    (rc = set_common(certificate, key, dns_count > 0 ? dns_names[0] : addresses[0], now,
			     days)) < 0 ||
	    (rc = fill_names(certificate, dns_names, dns_count, addresses, address_count)) < 0 ||
	    (rc = gnutls_x509_crt_set_basic_constraints(certificate, 0, -1)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_usage(certificate, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_purpose_oid(certificate, GNUTLS_KP_TLS_WWW_SERVER,
						      0)) < 0 ||
	    (rc = gnutls_x509_crt_get_key_id(certificate, 0, id, &id_size)) < 0 ||
	    (rc = gnutls_x509_crt_set_subject_key_id(certificate, id, id_size)) < 0 ||
	    (rc = gnutls_x509_crt_get_key_id(authority->certificate, 0, id, &(size_t){sizeof id})) < 0 ||
	    (rc = gnutls_x509_crt_set_authority_key_id(certificate, id, 20)) < 0 ||
	    (rc = gnutls_x509_crt_sign2(certificate, authority->certificate, authority->key,
					GNUTLS_DIG_SHA256, 0)) < 0 ||
	    (rc = gnutls_x509_crt_export2(certificate, GNUTLS_X509_FMT_PEM, &out)) < 0 ||
	    (rc = export_pem(&out, cert_pem)) < 0 ||
	    (rc = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
						    &out)) < 0 ||
	    (rc = export_pem(&out, key_pem)) < 0) {
		free(*cert_pem);
		free(*key_pem);
		*cert_pem = *key_pem = NULL;
		rc = failed(rc, "signature du certificat du service impossible", why, why_size);
	}
	if (certificate != NULL)
		gnutls_x509_crt_deinit(certificate);
	if (key != NULL)
		gnutls_x509_privkey_deinit(key);
	return rc < 0 ? rc : 0;
}

int tls_authority_certificate(struct tls_authority *authority, char **pem, char *why,
			      size_t why_size)
{
	gnutls_datum_t out;
	int rc = gnutls_x509_crt_export2(authority->certificate, GNUTLS_X509_FMT_PEM, &out);

	if (rc < 0 || (rc = export_pem(&out, pem)) < 0)
		return failed(rc, "export de l'autorité impossible", why, why_size);
	return 0;
}

void tls_authority_destroy(struct tls_authority *authority)
{
	if (authority == NULL)
		return;
	/* GnuTLS wipes the key's numbers as it frees them */
	if (authority->key != NULL)
		gnutls_x509_privkey_deinit(authority->key);
	if (authority->certificate != NULL)
		gnutls_x509_crt_deinit(authority->certificate);
	free(authority);
}

int tls_setup_files(const char *cert_path, const char *key_path, const char *ca_path,
		    long owner_uid, long owner_gid, time_t now, char *why, size_t why_size)
{
	static const char *const dns[] = {"localhost"};
	static const char *const addresses[] = {"127.0.0.1", "::1"};
	struct tls_authority *authority = NULL;
	char *cert = NULL, *key = NULL, *ca = NULL;
	int rc;

	if ((rc = tls_authority_create(&authority, now, TLS_VALIDITY_DAYS, why, why_size)) < 0 ||
	    (rc = tls_authority_sign(authority, dns, 1, addresses, 2, now, TLS_VALIDITY_DAYS, &cert,
				     &key, why, why_size)) < 0 ||
	    (rc = tls_authority_certificate(authority, &ca, why, why_size)) < 0)
		goto out;
	/* the authority's key goes before any file is written */
	tls_authority_destroy(authority);
	authority = NULL;
	tls_files_make_folder(key_path, owner_uid, owner_gid);
	tls_files_make_folder(cert_path, owner_uid, owner_gid);
	tls_files_make_folder(ca_path, owner_uid, owner_gid);
	if ((rc = tls_files_write(key_path, key, true, owner_uid, owner_gid, why, why_size)) < 0 ||
	    (rc = tls_files_write(cert_path, cert, false, owner_uid, owner_gid, why, why_size)) < 0 ||
	    (rc = tls_files_write(ca_path, ca, false, owner_uid, owner_gid, why, why_size)) < 0)
		goto out;
out:
	tls_authority_destroy(authority);
	if (key != NULL) {
		volatile char *wipe = key;

		for (size_t i = 0; wipe[i] != '\0'; i++)
			wipe[i] = '\0';
	}
	free(key);
	free(cert);
	free(ca);
	return rc;
}
