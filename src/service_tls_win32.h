/* The HTTPS part of --install-service and --uninstall-service on Windows,
 * as the .deb's postinst and prerm do on Linux (docs/https.md). */
#ifndef CASHDRAWERD_SERVICE_TLS_WIN32_H
#define CASHDRAWERD_SERVICE_TLS_WIN32_H

/* After the service is installed with these options (argv: what follows
 * --install-service, --config made absolute): --setup-tls's authority and
 * certificate beside the .exe (the current folder must be the .exe's), unless
 * tls is off, the settings name files of their own (tls_cert or tls_key), or
 * the certificate is there already (made before: kept). A failure is said
 * with the command to run later; the service then serves HTTP only. Returns
 * 0, or 1 when the setup failed. */
int service_tls_install(int argc, char **argv);

/* After the service is removed: what --install-service made (the default
 * files beside the .exe, its authority in the Root store, the tls folder when
 * left empty) taken away, when its authority is there. 0, or 1 on failure. */
int service_tls_uninstall(void);

#endif
