/* Strict base64 decoding (RFC 4648 section 4) of the receipt Odoo's POS sends:
 * the policy is in receipt.h. Pure. */
#include "receipt/receipt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A character's sextet: 0..63 for the alphabet (A-Z a-z 0-9 + /), -1 for
 * anything else ('=' included). */
#define SEXTET(c)                                                                        \
	((c) >= 'A' && (c) <= 'Z'   ? (c) - 'A'                                          \
	 : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                                     \
	 : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                                     \
	 : (c) == '+'               ? 62                                                 \
	 : (c) == '/'               ? 63                                                 \
				    : -1)
/* Tables, not comparisons, because the characters of a JPEG's base64
 * follow no pattern a branch predictor can learn, and a receipt is half a
 * million of them (bench/receipt.sh: 3.2 ms with comparisons for a 576 x
 * 3000 receipt, as long as decoding its JPEG). One table per place in a
 * group of four, the sextet already shifted there, and BAD (a top byte no
 * sextet reaches) for a character off the alphabet: the four entries ORed
 * are the group's 24 bits, and one test of the top byte checks all four. */
#define BAD 0xFF000000u
#define ENTRY(c, shift) (SEXTET(c) < 0 ? BAD : (uint32_t)SEXTET(c) << (shift))
#define E4(c, s) ENTRY(c, s), ENTRY(c + 1, s), ENTRY(c + 2, s), ENTRY(c + 3, s)
#define E16(c, s) E4(c, s), E4(c + 4, s), E4(c + 8, s), E4(c + 12, s)
#define E64(c, s) E16(c, s), E16(c + 16, s), E16(c + 32, s), E16(c + 48, s)
#define E256(s) E64(0, s), E64(64, s), E64(128, s), E64(192, s)
static const uint32_t place0[256] = {E256(18)}, place1[256] = {E256(12)},
		      place2[256] = {E256(6)}, place3[256] = {E256(0)};

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

	while (k + 1 < data_chars && place3[t[i + k]] != BAD)
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
	 * the four characters together. The bytes land at 3/4 of where their
	 * characters were read: out may be text itself. */
	for (; i + 4 < len; i += 4) {
		group = place0[t[i]] | place1[t[i + 1]] | place2[t[i + 2]] | place3[t[i + 3]];
		if (group & BAD)
			return refuse_group(t, i, 4, err, errlen);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
		/* four bytes at once, the fourth (0) overwritten by the next
		 * group's: not the last group, so out has room for it */
		group = __builtin_bswap32(group << 8);
		memcpy(out + o, &group, sizeof group);
#else
		out[o] = (uint8_t)(group >> 16);
		out[o + 1] = (uint8_t)(group >> 8);
		out[o + 2] = (uint8_t)group;
#endif
		o += 3;
	}
	/* The last group: padding stands for its last one or two characters. */
	data_chars = 4 - padding;
	group = 0;
	for (size_t k = 0; k < 4; k++) {
		uint32_t sextet = k < data_chars ? place3[t[i + k]] : 0;

		if (sextet & BAD)
			return refuse_group(t, i, data_chars, err, errlen);
		group = group << 6 | sextet;
	}
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
