/* Fuzzes the HTTPS side's handshake: the input is everything a client sends,
 * fed to a GnuTLS server session set up as libmicrohttpd sets up ours
 * (TLS_PRIORITIES, an ECDSA certificate for localhost signed by an
 * authority of tls_authority_create), until the session fails or the input
 * ends. Seeds: ClientHellos of a TLS 1.3 client, a TLS 1.2 client, one
 * asking for SNI evil.test and ALPN h2 only, TLS 1.0-1.1 only, and TLS 1.2
 * with CBC ciphers only (made with Python's ssl module).
 * Properties: whatever the client offers, the server never chooses less than
 * TLS 1.2, a cipher suite outside TLS_PRIORITIES (AEAD with forward
 * secrecy) or compression, and it answers with at most 16 KiB (no
 * amplification). GnuTLS itself carries no coverage here, so libFuzzer is
 * steered only by this file's own parsing of the answer: mutations of the
 * seeds, checked by AddressSanitizer and these properties. */
#include <gnutls/gnutls.h>
#include <time.h>

#include "fuzz.h"
#include "tls/authority.h"
#include "tls/credentials.h"

#define ANSWER_MAX (16 * 1024)

static gnutls_certificate_credentials_t credentials;
static gnutls_priority_t priorities;

static struct {
	const uint8_t *data;
	size_t size, pos;
	uint8_t answer[ANSWER_MAX + 4096];
	size_t answered;
} wire;

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t size)
{
	size_t left = wire.size - wire.pos;

	(void)ptr;
	if (size > left)
		size = left;
	memcpy(buf, wire.data + wire.pos, size);
	wire.pos += size;
	return (ssize_t)size; /* 0 once all is read: the client closed */
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *buf, size_t size)
{
	size_t room = sizeof wire.answer - wire.answered;

	(void)ptr;
	memcpy(wire.answer + wire.answered, buf, size < room ? size : room);
	wire.answered += size < room ? size : room;
	FUZZ_CHECK(wire.answered <= ANSWER_MAX, "the server answered more than %d bytes",
		   ANSWER_MAX);
	return (ssize_t)size;
}

static void set_up(void)
{
	static const char *const names[] = {"localhost"};
	static const char *const addresses[] = {"127.0.0.1", "::1"};
	struct tls_authority *authority;
	char why[256], *cert_pem, *key_pem;
	gnutls_datum_t cert, key;
	time_t now = time(NULL);

	FUZZ_CHECK(gnutls_global_init() == 0, "gnutls_global_init");
	FUZZ_CHECK(tls_authority_create(&authority, now, 30, why, sizeof why) == 0, "%s", why);
	FUZZ_CHECK(tls_authority_sign(authority, names, 1, addresses, 2, now, 30, &cert_pem,
				      &key_pem, why, sizeof why) == 0,
		   "%s", why);
	tls_authority_destroy(authority);
	cert = (gnutls_datum_t){(unsigned char *)cert_pem, (unsigned)strlen(cert_pem)};
	key = (gnutls_datum_t){(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
	FUZZ_CHECK(gnutls_certificate_allocate_credentials(&credentials) == 0, "credentials");
	FUZZ_CHECK(gnutls_certificate_set_x509_key_mem2(credentials, &cert, &key,
							GNUTLS_X509_FMT_PEM, NULL, 0) == 0,
		   "the certificate and key");
	FUZZ_CHECK(gnutls_priority_init(&priorities, TLS_PRIORITIES, NULL) == 0, "TLS_PRIORITIES");
	free(cert_pem);
	free(key_pem);
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static int allowed_suite(unsigned suite)
{
	static const unsigned suites[] = {
		0x1301, 0x1302, 0x1303,	/* TLS 1.3: AES-128-GCM, AES-256-GCM, CHACHA20 */
		0xC02B, 0xC02C, 0xCCA9, /* ECDHE-ECDSA: AES-128-GCM, AES-256-GCM, CHACHA20 */
		0xC02F, 0xC030, 0xCCA8, /* ECDHE-RSA: the same */
	};

	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (suites[i] == suite)
			return 1;
	return 0;
}

/* The ServerHello's extensions: the version chosen, when it says one. */
static unsigned chosen_version(const uint8_t *ext, size_t size, unsigned legacy)
{
	while (size >= 4) {
		unsigned type = be16(ext), length = be16(ext + 2);

		if (length > size - 4)
			break;
		if (type == 0x002B && length == 2) /* supported_versions */
			return be16(ext + 4);
		ext += 4 + length;
		size -= 4 + length;
	}
	return legacy;
}

/* The first handshake record of the answer, when it holds a ServerHello:
 * its version, suite and compression must be ours. */
static void check_server_hello(void)
{
	const uint8_t *record = wire.answer, *hello;
	size_t length, size, at, sid;
	unsigned version;

	if (wire.answered < 5 || record[0] != 0x16)
		return; /* an alert, or nothing */
	length = be16(record + 3);
	if (length > wire.answered - 5 || length < 4 || record[5] != 2)
		return;
	size = (size_t)record[6] << 16 | (size_t)record[7] << 8 | record[8];
	if (size > length - 4)
		return; /* a ServerHello split over records: not seen from GnuTLS */
	hello = record + 9;
	FUZZ_CHECK(size >= 2 + 32 + 1, "a ServerHello of %zu bytes", size);
	FUZZ_CHECK(be16(hello) == 0x0303, "ServerHello legacy version %04x", be16(hello));
	sid = hello[34];
	at = 35 + sid;
	FUZZ_CHECK(at + 3 <= size, "a ServerHello cut before its suite");
	FUZZ_CHECK(allowed_suite(be16(hello + at)), "suite %04x chosen", be16(hello + at));
	FUZZ_CHECK(hello[at + 2] == 0, "compression %u chosen", hello[at + 2]);
	at += 3;
	version = 0x0303;
	if (at + 2 <= size && be16(hello + at) <= size - at - 2)
		version = chosen_version(hello + at + 2, be16(hello + at), 0x0303);
	FUZZ_CHECK(version == 0x0303 || version == 0x0304, "version %04x chosen", version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	gnutls_session_t session;
	int rc;

	if (!ready) {
		set_up();
		ready = 1;
	}
	wire.data = data;
	wire.size = size;
	wire.pos = 0;
	wire.answered = 0;
	FUZZ_CHECK(gnutls_init(&session, GNUTLS_SERVER) == 0, "gnutls_init");
	gnutls_priority_set(session, priorities);
	gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, credentials);
	gnutls_transport_set_pull_function(session, pull);
	gnutls_transport_set_push_function(session, push);
	/* a bound on the retries: GnuTLS asks again after a non-fatal error */
	for (int i = 0; i < 64; i++) {
		rc = gnutls_handshake(session);
		if (rc == 0 || gnutls_error_is_fatal(rc))
			break;
	}
	check_server_hello();
	gnutls_deinit(session);
	return 0;
}
