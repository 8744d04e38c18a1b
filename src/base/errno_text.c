/* errno values in French (pure data): those a printer, a socket or the log's
 * disk can give. */
#include "base/errno_text.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

struct errno_word {
	int number;
	const char *text; /* "words (NAME)" */
};

#define WORD(name, words) {name, words " (" #name ")"},

/* The first entry of a number wins (EAGAIN and EWOULDBLOCK may be one). */
static const struct errno_word words[] = {
	WORD(EPERM, "opération non permise")
	WORD(ENOENT, "aucun fichier ou dossier de ce nom")
	WORD(EINTR, "appel système interrompu")
	WORD(EIO, "erreur d'entrée-sortie")
	WORD(ENXIO, "aucun périphérique à cette adresse")
	WORD(EBADF, "descripteur de fichier invalide")
	WORD(EAGAIN, "ressource momentanément indisponible")
	WORD(ENOMEM, "mémoire insuffisante")
	WORD(EACCES, "accès refusé")
	WORD(EBUSY, "périphérique ou ressource occupé")
	WORD(EEXIST, "le fichier existe déjà")
	WORD(ENODEV, "aucun périphérique de ce type")
	WORD(ENOTDIR, "n'est pas un dossier")
	WORD(EISDIR, "est un dossier")
	WORD(EINVAL, "argument invalide")
	WORD(ENFILE, "trop de fichiers ouverts sur le système")
	WORD(EMFILE, "trop de fichiers ouverts par le service")
	WORD(ENOTTY, "n'est pas un terminal")
	WORD(EFBIG, "fichier trop grand")
	WORD(ENOSPC, "plus de place sur le disque")
	WORD(EROFS, "disque en lecture seule")
	WORD(EMLINK, "trop de liens")
	WORD(EPIPE, "connexion ou tube rompu")
	WORD(ENAMETOOLONG, "nom trop long")
	WORD(ENOSYS, "fonction non disponible")
#ifdef ELOOP
	WORD(ELOOP, "trop de niveaux de liens symboliques")
#endif
#ifdef EDQUOT
	WORD(EDQUOT, "quota de disque dépassé")
#endif
#ifdef EPROTO
	WORD(EPROTO, "erreur de protocole")
#endif
#ifdef ENOTSUP
	WORD(ENOTSUP, "opération non prise en charge")
#endif
#ifdef EOPNOTSUPP
	WORD(EOPNOTSUPP, "opération non prise en charge")
#endif
#ifdef EAFNOSUPPORT
	WORD(EAFNOSUPPORT, "famille d'adresses non prise en charge")
#endif
#ifdef EADDRINUSE
	WORD(EADDRINUSE, "adresse déjà utilisée")
#endif
#ifdef EADDRNOTAVAIL
	WORD(EADDRNOTAVAIL, "adresse absente de cette machine")
#endif
#ifdef ENETDOWN
	WORD(ENETDOWN, "réseau hors service")
#endif
#ifdef ENETUNREACH
	WORD(ENETUNREACH, "réseau injoignable")
#endif
#ifdef ECONNABORTED
	WORD(ECONNABORTED, "connexion abandonnée")
#endif
#ifdef ECONNRESET
	WORD(ECONNRESET, "connexion réinitialisée par l'autre côté")
#endif
#ifdef ENOBUFS
	WORD(ENOBUFS, "plus de mémoire pour le réseau")
#endif
#ifdef ENOTCONN
	WORD(ENOTCONN, "pas de connexion")
#endif
#ifdef ETIMEDOUT
	WORD(ETIMEDOUT, "délai de connexion dépassé")
#endif
#ifdef ECONNREFUSED
	WORD(ECONNREFUSED, "connexion refusée")
#endif
#ifdef EHOSTDOWN
	WORD(EHOSTDOWN, "hôte éteint")
#endif
#ifdef EHOSTUNREACH
	WORD(EHOSTUNREACH, "aucune route vers l'hôte")
#endif
};

const char *errno_text(int errnum)
{
	static _Thread_local char unknown[32];

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (words[i].number == errnum)
			return words[i].text;
	snprintf(unknown, sizeof unknown, "erreur système %d", errnum);
	return unknown;
}
