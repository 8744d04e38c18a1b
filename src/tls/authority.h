/* The service's own certificate authority, made on the till: name-constrained
 * to localhost, 127.0.0.1 and ::1 (critical), so that even a stolen copy of
 * it could vouch for no other site; it signs the service's certificate and
 * its private key is then destroyed, never written anywhere. */
#ifndef CASHDRAWERD_TLS_AUTHORITY_H
#define CASHDRAWERD_TLS_AUTHORITY_H

#include <stddef.h>
#include <time.h>

/* Validity of the authority and of the certificate it signs, in days. The
 * 398-day limit of Chrome and Apple applies only to publicly trusted roots,
 * not to one installed locally (Chromium's net/docs/certificate_lifetimes.md,
 * Apple's support note HT211025); Apple keeps 825 days for every TLS server
 * certificate, locally trusted ones included (HT210176): 825. */
#define TLS_VALIDITY_DAYS 825

struct tls_authority; /* the authority while its key exists */

/* A new authority (ECDSA P-256) valid from now for days. 0 or a negative
 * errno with why filled. */
int tls_authority_create(struct tls_authority **authority, time_t now, unsigned days, char *why,
			 size_t why_size);
/* A server certificate and key (ECDSA P-256, PEM, malloc'd) for the names
 * given (DNS names, then IP addresses in text), signed by the authority. The
 * authority signs whatever it is asked: the name constraints are what
 * browsers check (the unit test asks for a name outside them). */
int tls_authority_sign(struct tls_authority *authority, const char *const dns_names[],
		       size_t dns_count, const char *const addresses[], size_t address_count,
		       time_t now, unsigned days, char **cert_pem, char **key_pem, char *why,
		       size_t why_size);
/* The authority's certificate (PEM, malloc'd). */
int tls_authority_certificate(struct tls_authority *authority, char **pem, char *why,
			      size_t why_size);
/* Destroys the private key (wiped by GnuTLS) and frees. NULL is fine. */
void tls_authority_destroy(struct tls_authority *authority);

/* --setup-tls: a new authority, the service's certificate for localhost,
 * 127.0.0.1 and ::1, the authority's key destroyed; writes cert_path,
 * key_path (readable by the service only: mode 0600 owned by owner_uid when
 * not -1, or Windows' protected DACL) and the authority's certificate at
 * ca_path, each replaced whole (tls/files.h). 0 or a negative errno with why
 * filled. */
int tls_setup_files(const char *cert_path, const char *key_path, const char *ca_path,
		    long owner_uid, long owner_gid, time_t now, char *why, size_t why_size);

#endif
