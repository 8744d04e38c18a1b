/* Every GnuTLS function the daemon calls, its own (src/tls/) and the static
 * libmicrohttpd's, as one list for library.c (which defines each, forwarding
 * to the library loaded with dlopen) and for packaging/linux/gnutls_depends.c.
 * Each entry has the prototype of GnuTLS's headers, which the compiler checks
 * against theirs. A function newly called is added here, or the link fails
 * (undefined reference). gnutls_global_init and gnutls_global_deinit are not
 * here: library.c has its own (libmicrohttpd's constructor calls them).
 *   VALUE(return type, name, (parameters), (arguments))
 *   VOID(name, (parameters), (arguments)) */
#ifndef CASHDRAWERD_TLS_LIBRARY_FUNCTIONS_H
#define CASHDRAWERD_TLS_LIBRARY_FUNCTIONS_H

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define TLS_LIBRARY_FUNCTIONS(VALUE, VOID) \
	VALUE(const char *, gnutls_strerror, (int a0), (a0)) \
	VALUE(gnutls_cipher_algorithm_t, gnutls_cipher_get, (gnutls_session_t a0), (a0)) \
	VALUE(gnutls_protocol_t, gnutls_protocol_get_version, (gnutls_session_t a0), (a0)) \
	VALUE(int, gnutls_alpn_set_protocols, (gnutls_session_t a0, const gnutls_datum_t *a1, unsigned int a2, unsigned int a3), (a0, a1, a2, a3)) \
	VALUE(int, gnutls_bye, (gnutls_session_t a0, gnutls_close_request_t a1), (a0, a1)) \
	VALUE(int, gnutls_certificate_allocate_credentials, (gnutls_certificate_credentials_t *a0), (a0)) \
	VALUE(int, gnutls_certificate_set_x509_key_mem, (gnutls_certificate_credentials_t a0, const gnutls_datum_t *a1, const gnutls_datum_t *a2, gnutls_x509_crt_fmt_t a3), (a0, a1, a2, a3)) \
	VALUE(int, gnutls_certificate_set_x509_key_mem2, (gnutls_certificate_credentials_t a0, const gnutls_datum_t *a1, const gnutls_datum_t *a2, gnutls_x509_crt_fmt_t a3, const char *a4, unsigned int a5), (a0, a1, a2, a3, a4, a5)) \
	VALUE(int, gnutls_certificate_set_x509_trust_mem, (gnutls_certificate_credentials_t a0, const gnutls_datum_t *a1, gnutls_x509_crt_fmt_t a2), (a0, a1, a2)) \
	VALUE(int, gnutls_credentials_set, (gnutls_session_t a0, gnutls_credentials_type_t a1, void *a2), (a0, a1, a2)) \
	VALUE(int, gnutls_dh_params_import_pkcs3, (gnutls_dh_params_t a0, const gnutls_datum_t *a1, gnutls_x509_crt_fmt_t a2), (a0, a1, a2)) \
	VALUE(int, gnutls_dh_params_init, (gnutls_dh_params_t *a0), (a0)) \
	VALUE(int, gnutls_handshake, (gnutls_session_t a0), (a0)) \
	VALUE(int, gnutls_init, (gnutls_session_t *a0, unsigned int a1), (a0, a1)) \
	VALUE(int, gnutls_priority_init, (gnutls_priority_t *a0, const char *a1, const char **a2), (a0, a1, a2)) \
	VALUE(int, gnutls_priority_set, (gnutls_session_t a0, gnutls_priority_t a1), (a0, a1)) \
	VALUE(int, gnutls_psk_allocate_server_credentials, (gnutls_psk_server_credentials_t *a0), (a0)) \
	VALUE(int, gnutls_record_get_direction, (gnutls_session_t a0), (a0)) \
	VALUE(int, gnutls_rnd, (gnutls_rnd_level_t a0, void *a1, size_t a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_export2, (gnutls_x509_crt_t a0, gnutls_x509_crt_fmt_t a1, gnutls_datum_t *a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_get_fingerprint, (gnutls_x509_crt_t a0, gnutls_digest_algorithm_t a1, void *a2, size_t *a3), (a0, a1, a2, a3)) \
	VALUE(int, gnutls_x509_crt_get_key_id, (gnutls_x509_crt_t a0, unsigned int a1, unsigned char *a2, size_t *a3), (a0, a1, a2, a3)) \
	VALUE(int, gnutls_x509_crt_import, (gnutls_x509_crt_t a0, const gnutls_datum_t *a1, gnutls_x509_crt_fmt_t a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_init, (gnutls_x509_crt_t *a0), (a0)) \
	VALUE(int, gnutls_x509_crt_set_activation_time, (gnutls_x509_crt_t a0, time_t a1), (a0, a1)) \
	VALUE(int, gnutls_x509_crt_set_authority_key_id, (gnutls_x509_crt_t a0, const void *a1, size_t a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_set_basic_constraints, (gnutls_x509_crt_t a0, unsigned int a1, int a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_set_dn_by_oid, (gnutls_x509_crt_t a0, const char *a1, unsigned int a2, const void *a3, unsigned int a4), (a0, a1, a2, a3, a4)) \
	VALUE(int, gnutls_x509_crt_set_expiration_time, (gnutls_x509_crt_t a0, time_t a1), (a0, a1)) \
	VALUE(int, gnutls_x509_crt_set_key, (gnutls_x509_crt_t a0, gnutls_x509_privkey_t a1), (a0, a1)) \
	VALUE(int, gnutls_x509_crt_set_key_purpose_oid, (gnutls_x509_crt_t a0, const void *a1, unsigned int a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_set_key_usage, (gnutls_x509_crt_t a0, unsigned int a1), (a0, a1)) \
	VALUE(int, gnutls_x509_crt_set_name_constraints, (gnutls_x509_crt_t a0, gnutls_x509_name_constraints_t a1, unsigned int a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_set_serial, (gnutls_x509_crt_t a0, const void *a1, size_t a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_set_subject_alt_name, (gnutls_x509_crt_t a0, gnutls_x509_subject_alt_name_t a1, const void *a2, unsigned int a3, unsigned int a4), (a0, a1, a2, a3, a4)) \
	VALUE(int, gnutls_x509_crt_set_subject_key_id, (gnutls_x509_crt_t a0, const void *a1, size_t a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_crt_set_version, (gnutls_x509_crt_t a0, unsigned int a1), (a0, a1)) \
	VALUE(int, gnutls_x509_crt_sign2, (gnutls_x509_crt_t a0, gnutls_x509_crt_t a1, gnutls_x509_privkey_t a2, gnutls_digest_algorithm_t a3, unsigned int a4), (a0, a1, a2, a3, a4)) \
	VALUE(int, gnutls_x509_name_constraints_add_permitted, (gnutls_x509_name_constraints_t a0, gnutls_x509_subject_alt_name_t a1, const gnutls_datum_t *a2), (a0, a1, a2)) \
	VALUE(int, gnutls_x509_name_constraints_init, (gnutls_x509_name_constraints_t *a0), (a0)) \
	VALUE(int, gnutls_x509_privkey_export2_pkcs8, (gnutls_x509_privkey_t a0, gnutls_x509_crt_fmt_t a1, const char *a2, unsigned int a3, gnutls_datum_t *a4), (a0, a1, a2, a3, a4)) \
	VALUE(int, gnutls_x509_privkey_generate, (gnutls_x509_privkey_t a0, gnutls_pk_algorithm_t a1, unsigned int a2, unsigned int a3), (a0, a1, a2, a3)) \
	VALUE(int, gnutls_x509_privkey_init, (gnutls_x509_privkey_t *a0), (a0)) \
	VALUE(size_t, gnutls_record_check_pending, (gnutls_session_t a0), (a0)) \
	VALUE(ssize_t, gnutls_record_recv, (gnutls_session_t a0, void *a1, size_t a2), (a0, a1, a2)) \
	VALUE(ssize_t, gnutls_record_send, (gnutls_session_t a0, const void *a1, size_t a2), (a0, a1, a2)) \
	VALUE(time_t, gnutls_x509_crt_get_activation_time, (gnutls_x509_crt_t a0), (a0)) \
	VALUE(time_t, gnutls_x509_crt_get_expiration_time, (gnutls_x509_crt_t a0), (a0)) \
	VALUE(unsigned, gnutls_x509_crt_check_issuer, (gnutls_x509_crt_t a0, gnutls_x509_crt_t a1), (a0, a1)) \
	VALUE(void *, gnutls_session_get_ptr, (gnutls_session_t a0), (a0)) \
	VOID(gnutls_certificate_free_credentials, (gnutls_certificate_credentials_t a0), (a0)) \
	VOID(gnutls_certificate_server_set_request, (gnutls_session_t a0, gnutls_certificate_request_t a1), (a0, a1)) \
	VOID(gnutls_certificate_set_dh_params, (gnutls_certificate_credentials_t a0, gnutls_dh_params_t a1), (a0, a1)) \
	VOID(gnutls_certificate_set_retrieve_function2, (gnutls_certificate_credentials_t a0, gnutls_certificate_retrieve_function2 *a1), (a0, a1)) \
	VOID(gnutls_certificate_set_retrieve_function3, (gnutls_certificate_credentials_t a0, gnutls_certificate_retrieve_function3 *a1), (a0, a1)) \
	VOID(gnutls_deinit, (gnutls_session_t a0), (a0)) \
	VOID(gnutls_dh_params_deinit, (gnutls_dh_params_t a0), (a0)) \
	VOID(gnutls_memset, (void *a0, int a1, size_t a2), (a0, a1, a2)) \
	VOID(gnutls_priority_deinit, (gnutls_priority_t a0), (a0)) \
	VOID(gnutls_psk_free_server_credentials, (gnutls_psk_server_credentials_t a0), (a0)) \
	VOID(gnutls_psk_set_server_credentials_function, (gnutls_psk_server_credentials_t a0, gnutls_psk_server_credentials_function *a1), (a0, a1)) \
	VOID(gnutls_session_set_ptr, (gnutls_session_t a0, void *a1), (a0, a1)) \
	VOID(gnutls_transport_set_int2, (gnutls_session_t a0, int a1, int a2), (a0, a1, a2)) \
	VOID(gnutls_x509_crt_deinit, (gnutls_x509_crt_t a0), (a0)) \
	VOID(gnutls_x509_name_constraints_deinit, (gnutls_x509_name_constraints_t a0), (a0)) \
	VOID(gnutls_x509_privkey_deinit, (gnutls_x509_privkey_t a0), (a0))


#endif
