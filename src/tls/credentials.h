/* The service's certificate and key as the HTTPS server takes them: read,
 * checked (they match, the certificate is in its dates) and kept in memory,
 * with the certificate's end date for /status and the log's warning. */
#ifndef CASHDRAWERD_TLS_CREDENTIALS_H
#define CASHDRAWERD_TLS_CREDENTIALS_H

#include <stddef.h>
#include <time.h>

/* TLS 1.3 and 1.2 only, GnuTLS's NORMAL ciphers (AEAD first, forward
 * secrecy), no compression, safe renegotiation required (and none started
 * by us: libmicrohttpd never asks for one). */
#define TLS_PRIORITIES                                                                      \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-COMP-ALL:%SAFE_RENEGOTIATION:-CIPHER-ALL:" \
	"+CHACHA20-POLY1305:+AES-256-GCM:+AES-128-GCM:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:"     \
	"+ECDHE-RSA"

/* The certificate's end date is near: warned in the log and /status. */
#define TLS_EXPIRY_WARNING_DAYS 30

struct tls_credentials {
	char *cert_pem; /* NUL-terminated, as libmicrohttpd takes them */
	char *key_pem;
	time_t not_before, not_after;
};

/* Reads and checks the certificate and key files. Returns 0; -ENOENT when
 * neither file is there (no HTTPS yet: --setup-tls makes them); another
 * negative errno with why naming the file, the cause and the fix. */
int tls_credentials_load(struct tls_credentials *credentials, const char *cert_path,
			 const char *key_path, char *why, size_t why_size);
/* Whose are the certificate and key files at cert_path and key_path. */
enum tls_credentials_origin {
	TLS_CREDENTIALS_NONE,  /* neither file is there */
	TLS_CREDENTIALS_SETUP, /* --setup-tls's: the authority at ca_path issued the certificate */
	TLS_CREDENTIALS_OTHER, /* someone else's (an admin's own), or unreadable */
};

/* Tells it, GnuTLS's issuer check deciding (the issuer's name, and its
 * key's identifier when both say one); GnuTLS is loaded only when there is
 * a certificate to read. The origin, or -1 when GnuTLS cannot be loaded,
 * with why filled. */
int tls_credentials_origin(const char *cert_path, const char *key_path, const char *ca_path,
			   char *why, size_t why_size);

/* Frees, wiping the key's bytes first. */
void tls_credentials_free(struct tls_credentials *credentials);

/* Days left before not_after at now (negative once expired), and in text
 * the warning to show when fewer than TLS_EXPIRY_WARNING_DAYS are left ("",
 * none). Pure. */
long tls_expiry_check(time_t not_after, time_t now, char *text, size_t size);

#endif
