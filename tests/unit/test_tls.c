/* src/tls: the authority --setup-tls makes vouches for the loopback names
 * and for nothing else (its name constraints bite, checked by GnuTLS's own
 * verifier); the certificate's end is warned about 30 days before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tls/authority.h"
#include "tls/credentials.h"

#define NOW ((time_t)1796601600) /* 2026-12-07 00:00 UTC */

static gnutls_x509_crt_t import(const char *pem)
{
	gnutls_x509_crt_t certificate;
	gnutls_datum_t datum = {(unsigned char *)pem, (unsigned)strlen(pem)};

	assert_int_equal(gnutls_x509_crt_init(&certificate), 0);
	assert_int_equal(gnutls_x509_crt_import(certificate, &datum, GNUTLS_X509_FMT_PEM), 0);
	return certificate;
}

/* GnuTLS's verdict (0: trusted) on a certificate for names signed by a new
 * authority, checked for hostname. */
static unsigned verdict_for(const char *const dns[], size_t dns_count, const char *const ips[],
			    size_t ip_count, const char *hostname)
{
	struct tls_authority *authority;
	gnutls_x509_trust_list_t trust;
	gnutls_x509_crt_t ca, server;
	char *ca_pem, *cert_pem, *key_pem, why[256];
	unsigned verdict = 0;

	assert_int_equal(tls_authority_create(&authority, NOW, TLS_VALIDITY_DAYS, why, sizeof why), 0);
	assert_int_equal(tls_authority_sign(authority, dns, dns_count, ips, ip_count, NOW,
					    TLS_VALIDITY_DAYS, &cert_pem, &key_pem, why, sizeof why),
			 0);
	assert_int_equal(tls_authority_certificate(authority, &ca_pem, why, sizeof why), 0);
	tls_authority_destroy(authority);
	ca = import(ca_pem);
	server = import(cert_pem);
	assert_int_equal(gnutls_x509_trust_list_init(&trust, 0), 0);
	assert_int_equal(gnutls_x509_trust_list_add_cas(trust, &ca, 1, 0), 1);
	gnutls_typed_vdata_st data[] = {
		{.type = GNUTLS_DT_DNS_HOSTNAME, .data = (unsigned char *)hostname, .size = 0},
		{.type = GNUTLS_DT_KEY_PURPOSE_OID, .data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER,
		 .size = 0},
	};

	assert_int_equal(gnutls_x509_trust_list_verify_crt2(trust, &server, 1, data, 2, 0, &verdict,
							    NULL),
			 0);
	gnutls_x509_trust_list_deinit(trust, 1); /* frees ca */
	gnutls_x509_crt_deinit(server);
	free(ca_pem);
	free(cert_pem);
	free(key_pem);
	return verdict;
}

static void test_the_loopback_certificate_is_trusted_for_localhost(void **state)
{
	static const char *const dns[] = {"localhost"};
	static const char *const ips[] = {"127.0.0.1", "::1"};

	(void)state;
	/* the chain holds (constraints included); the time is GnuTLS's now, after NOW */
	assert_int_equal(verdict_for(dns, 1, ips, 2, "localhost"), 0);
}

static void test_a_name_outside_the_constraints_is_refused(void **state)
{
	static const char *const dns[] = {"evil.example"};

	(void)state;
	assert_true(verdict_for(dns, 1, NULL, 0, "evil.example") &
		    GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE);
}

static void test_a_lan_address_outside_the_constraints_is_refused(void **state)
{
	static const char *const dns[] = {"localhost"};
	static const char *const ips[] = {"127.0.0.1", "192.168.1.10"};

	(void)state;
	assert_true(verdict_for(dns, 1, ips, 2, "localhost") &
		    GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE);
}

static void test_a_subdomain_of_localhost_is_within_the_constraint(void **state)
{
	static const char *const dns[] = {"a.localhost"};

	(void)state;
	/* RFC 5280: a DNS constraint covers its subdomains; *.localhost is loopback too */
	assert_int_equal(verdict_for(dns, 1, NULL, 0, "a.localhost"), 0);
}

static void test_no_warning_more_than_30_days_before_the_end(void **state)
{
	char text[256];

	(void)state;
	assert_int_equal(tls_expiry_check(NOW + 31 * 86400, NOW, text, sizeof text), 31);
	assert_string_equal(text, "");
	assert_int_equal(tls_expiry_check(NOW + 30 * 86400, NOW, text, sizeof text), 30);
	assert_string_equal(text, "");
}

static void test_a_warning_within_30_days(void **state)
{
	char text[256];

	(void)state;
	assert_int_equal(tls_expiry_check(NOW + 29 * 86400 + 10, NOW, text, sizeof text), 29);
	assert_string_equal(text, "le certificat HTTPS arrive à échéance dans 29 jour(s) "
				  "(renouvelez-le : cashdrawerd --setup-tls)");
	assert_int_equal(tls_expiry_check(NOW + 10, NOW, text, sizeof text), 0);
}

static void test_an_ended_certificate_says_since_when(void **state)
{
	char text[256];

	(void)state;
	assert_int_equal(tls_expiry_check(NOW - 1, NOW, text, sizeof text), -1);
	assert_int_equal(tls_expiry_check(NOW - 2 * 86400, NOW, text, sizeof text), -2);
	assert_string_equal(text, "le certificat HTTPS n'est plus valable depuis 2 jour(s) : les "
				  "navigateurs le refusent (renouvelez-le : cashdrawerd --setup-tls)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_loopback_certificate_is_trusted_for_localhost),
		cmocka_unit_test(test_a_name_outside_the_constraints_is_refused),
		cmocka_unit_test(test_a_lan_address_outside_the_constraints_is_refused),
		cmocka_unit_test(test_a_subdomain_of_localhost_is_within_the_constraint),
		cmocka_unit_test(test_no_warning_more_than_30_days_before_the_end),
		cmocka_unit_test(test_a_warning_within_30_days),
		cmocka_unit_test(test_an_ended_certificate_says_since_when),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
