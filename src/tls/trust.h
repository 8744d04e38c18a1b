/* src/tls/trust.h: the platform's trust of the service's own authority.
 * One file per platform: trust_linux.c (the system store and the NSS
 * databases of Chromium and Firefox), trust_win32.c (the Windows Root store). */
#ifndef CASHDRAWERD_TLS_TRUST_H
#define CASHDRAWERD_TLS_TRUST_H

#include <stddef.h>

/* Adds the authority (a PEM file) to the platform's trust; 0, or -1 with a French reason in why. */
int tls_trust_install(const char *ca_pem_path, char *why, size_t why_size);
/* Removes the authority whose PEM file is given (found by its fingerprint); 0 when removed or absent. */
int tls_trust_remove(const char *ca_pem_path, char *why, size_t why_size);

#endif
