/* --setup-tls and --remove-tls: the service's certificate and the trust of
 * its authority on this machine, made, renewed and taken away. */
#ifndef CASHDRAWERD_TLS_SETUP_H
#define CASHDRAWERD_TLS_SETUP_H

#include <stdbool.h>
#include <stddef.h>

/* A new authority and certificate (authority.h) written at cert_path,
 * key_path and cashdrawerd-ca.pem beside cert_path, the authority trusted
 * here (trust.h), then the one made before, if any, taken out of the trust.
 * The files belong to the owner of their folder when that is not us (the
 * service's user: the package makes the folder for it). Says what it did
 * on standard output. Files already at cert_path or key_path are written
 * over only when the authority beside issued that certificate (a renewal):
 * an admin's own are refused, untouched. 0, or -1 with why filled. */
int tls_setup(const char *cert_path, const char *key_path, char *why, size_t why_size);

/* The authority beside cert_path out of the trust and its file deleted;
 * the certificate and key too when that authority issued the certificate
 * (an admin's own stay). 0 (also when there was nothing), or -1 with why
 * filled. */
int tls_remove(const char *cert_path, const char *key_path, char *why, size_t why_size);

/* The authority's file beside cert_path ("tls/cashdrawerd-ca.pem"). */
void tls_authority_path(const char *cert_path, char *path, size_t size);

#endif
