/* Strict base64 decoding (RFC 4648 section 4) of the receipt Odoo's POS sends:
 * the policy is in receipt.h. Pure. */
#include "receipt/receipt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* 0..63 for the alphabet (A-Z a-z 0-9 + /), BAD (its top bit) for anything
 * else ('=' included): a table, not comparisons, because the characters of
 * a JPEG's base64 follow no pattern a branch predictor can learn, and a
 * receipt is half a million of them (bench/receipt.sh: 3.2 ms with
 * comparisons for a 576 x 3000 receipt, as long as decoding its JPEG). */
#define BAD 0x80
static const uint8_t sextets[256] = {
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, 62, BAD, BAD, BAD, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, BAD, BAD, BAD, BAD, BAD,
	BAD, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
	BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD,
};
#undef BAD

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

/* The refusal of group text[i..i+4), which holds a character off the alphabet. */
static int refuse_group(const unsigned char *t, size_t i, size_t data_chars, char *err,
			size_t errlen)
{
	char what[24];
	size_t k = 0;

	while (k + 1 < data_chars && !(sextets[t[i + k]] & 0x80))
		k++;
	describe_char(t[i + k], what, sizeof what);
	snprintf(err, errlen, "base64 : %s à la position %zu n'est pas un caractère base64 (A-Z "
		 "a-z 0-9 + /, '=' seulement à la fin)", what, i + k);
	return -EINVAL;
}

int receipt_base64_decode(const char *text, size_t len, uint8_t *out, size_t outcap,
			  size_t *outlen, char *err, size_t errlen)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t padding = 0, o = 0, i = 0, data_chars;
	uint32_t group;
	unsigned bad;

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
	/* Every group but the last: four characters, three bytes, one test of
	 * the four characters' BAD bits together. The bytes land at 3/4 of
	 * where their characters were read: out may be text itself. */
	for (; i + 4 < len; i += 4) {
		bad = sextets[t[i]] | sextets[t[i + 1]] | sextets[t[i + 2]] | sextets[t[i + 3]];
		if (bad & 0x80)
			return refuse_group(t, i, 4, err, errlen);
		group = (uint32_t)sextets[t[i]] << 18 | (uint32_t)sextets[t[i + 1]] << 12 |
			(uint32_t)sextets[t[i + 2]] << 6 | sextets[t[i + 3]];
		out[o] = (uint8_t)(group >> 16);
		out[o + 1] = (uint8_t)(group >> 8);
		out[o + 2] = (uint8_t)group;
		o += 3;
	}
	/* The last group: padding stands for its last one or two characters. */
	data_chars = 4 - padding;
	group = 0;
	bad = 0;
	for (size_t k = 0; k < 4; k++) {
		uint8_t v = k < data_chars ? sextets[t[i + k]] : 0;

		bad |= v;
		group = group << 6 | (v & 63);
	}
	if (bad & 0x80)
		return refuse_group(t, i, data_chars, err, errlen);
	/* Unused low bits must be zero: only one text encodes the bytes. */
	if ((padding == 1 && (group & 0xFF)) || (padding == 2 && (group & 0xFFFF))) {
		snprintf(err, errlen, "base64 : le caractère avant le remplissage, à la position %zu, "
			 "a des bits inutilisés non nuls (base64 non canonique)", len - padding - 1);
		return -EINVAL;
	}
	out[o++] = (uint8_t)(group >> 16);
	if (data_chars > 2)
		out[o++] = (uint8_t)(group >> 8);
	if (data_chars > 3)
		out[o++] = (uint8_t)group;
	*outlen = o;
	return 0;
}
