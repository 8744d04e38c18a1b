/* An errno value in French, for the log and the answers: the system's own
 * text (strerror) is English in the service's C locale. */
#ifndef CASHDRAWERD_ERRNO_TEXT_H
#define CASHDRAWERD_ERRNO_TEXT_H

/* errnum (positive) as "plus de place sur le disque (ENOSPC)": French words,
 * then the errno name, which stays the same in every language and can be
 * looked up. "erreur système N" for a value without words here. Thread-safe;
 * the text stays valid until the thread's next call. */
const char *errno_text(int errnum);

#endif
