/* Strict base64 decoding (RFC 4648 section 4) of the receipt Odoo's POS sends:
 * the policy is in receipt.h. Pure. */
#include "receipt/receipt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* 0..63 for the alphabet (A-Z a-z 0-9 + /), -1 for anything else ('='
 * included): a table, not comparisons, because the characters of a JPEG's
 * base64 follow no pattern a branch predictor can learn, and a receipt is
 * half a million of them (bench/receipt.sh: 3.2 ms with comparisons for a
 * 576 x 3000 receipt, as long as decoding its JPEG). */
static const signed char sextets[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int sextet(unsigned char c)
{
	return sextets[c];
}

size_t receipt_base64_decoded_max(size_t len)
{
	return len / 4 * 3 + (len % 4 ? 3 : 0);
}

/* Names a character for a message: 'A', space, newline, byte 0x.. */
static void describe_char(unsigned char c, char *buf, size_t buflen)
{
	if (c == ' ')
		snprintf(buf, buflen, "une espace");
	else if (c == '\n' || c == '\r' || c == '\t')
		snprintf(buf, buflen, "%s", c == '\t' ? "une tabulation" : "un saut de ligne");
	else if (c > 0x20 && c < 0x7F)
		snprintf(buf, buflen, "'%c'", c);
	else
		snprintf(buf, buflen, "l'octet 0x%02X", c);
}

int receipt_base64_decode(const char *text, size_t len, uint8_t *out, size_t outcap,
			  size_t *outlen, char *err, size_t errlen)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t padding = 0, o = 0;
	char what[24];

	*outlen = 0;
	if (len >= 5 && strncmp(text, "data:", 5) == 0) {
		snprintf(err, errlen, "base64 : commence par un préfixe d'URL data: : n'envoyez que "
			 "le texte base64 qui suit la virgule");
		return -EINVAL;
	}
	if (len == 0) {
		snprintf(err, errlen, "base64 : texte vide (aucune image)");
		return -EINVAL;
	}
	if (len % 4 != 0) {
		snprintf(err, errlen, "base64 : %zu caractères, pas un multiple de 4 (texte coupé, ou "
			 "remplissage '=' manquant)", len);
		return -EINVAL;
	}
	if (t[len - 1] == '=')
		padding = t[len - 2] == '=' ? 2 : 1;
	if (outcap < len / 4 * 3 - padding) {
		snprintf(err, errlen, "base64 : %zu octets de place pour %zu octets décodés",
			 outcap, len / 4 * 3 - padding);
		return -ENOBUFS;
	}
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		size_t data_chars = last ? 4 - padding : 4;
		unsigned long group = 0;

		for (size_t k = 0; k < 4; k++) {
			int v = k < data_chars ? sextet(t[i + k]) : 0;

			if (v < 0) {
				describe_char(t[i + k], what, sizeof what);
				snprintf(err, errlen, "base64 : %s à la position %zu n'est pas un "
					 "caractère base64 (A-Z a-z 0-9 + /, '=' seulement à la fin)",
					 what, i + k);
				return -EINVAL;
			}
			group = group << 6 | (unsigned long)v;
		}
		/* Unused low bits must be zero: only one text encodes the bytes. */
		if ((padding == 1 && last && (group & 0xFF)) ||
		    (padding == 2 && last && (group & 0xFFFF))) {
			snprintf(err, errlen, "base64 : le caractère avant le remplissage, à la "
				 "position %zu, a des bits inutilisés non nuls (base64 non canonique)",
				 len - padding - 1);
			return -EINVAL;
		}
		out[o++] = (uint8_t)(group >> 16);
		if (data_chars > 2)
			out[o++] = (uint8_t)(group >> 8);
		if (data_chars > 3)
			out[o++] = (uint8_t)group;
	}
	*outlen = o;
	return 0;
}
