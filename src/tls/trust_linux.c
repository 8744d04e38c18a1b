/* The Linux trust of the service's authority (see trust.h): the system
 * store (/usr/local/share/ca-certificates, update-ca-certificates: curl,
 * wget, Python, anything that reads /etc/ssl/certs) and the NSS databases
 * Chromium (~/.pki/nssdb) and Firefox (each profile's cert9.db) read, by
 * certutil (libnss3-tools). Which users: root and every user whose home is
 * there (uid 1000 and up); a user without ~/.pki/nssdb gets one, so that
 * Chromium finds the authority at its first start. certutil runs in a home
 * as the home's user, as root only in root's own (see run_as).
 * Everything is named after the authority's fingerprint, so that removing
 * takes away exactly what installing added. For the tests,
 * CASHDRAWERD_TRUST_ROOT moves the system store's folder and
 * CASHDRAWERD_TRUST_HOMES (homes separated by ':') replaces the users. */
#include "tls/trust.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/errno_text.h"

#define SYSTEM_STORE "/usr/local/share/ca-certificates"
#define PATH_MAX_TEXT 4096
/* The fingerprint's first 16 hex digits name the files and NSS entries. */
#define NAME_MAX_TEXT 64

struct authority {
	char pem[16384];
	size_t length;
	char id[17]; /* SHA-256 fingerprint, first 16 hex digits */
};

static int read_authority(const char *path, struct authority *authority, char *why,
			  size_t why_size)
{
	FILE *file = fopen(path, "rb");
	gnutls_x509_crt_t certificate;
	gnutls_datum_t datum;
	unsigned char digest[32];
	size_t digest_size = sizeof digest;
	int rc;

	if (file == NULL) {
		snprintf(why, why_size, "autorité %s illisible : %s", path, errno_text(errno));
		return -1;
	}
	authority->length = fread(authority->pem, 1, sizeof authority->pem - 1, file);
	fclose(file);
	authority->pem[authority->length] = '\0';
	datum = (gnutls_datum_t){(unsigned char *)authority->pem, (unsigned)authority->length};
	if (gnutls_x509_crt_init(&certificate) < 0)
		return -1;
	rc = gnutls_x509_crt_import(certificate, &datum, GNUTLS_X509_FMT_PEM);
	if (rc == 0)
		rc = gnutls_x509_crt_get_fingerprint(certificate, GNUTLS_DIG_SHA256, digest,
						     &digest_size);
	gnutls_x509_crt_deinit(certificate);
	if (rc < 0) {
		snprintf(why, why_size, "autorité %s illisible : %s (un certificat PEM est attendu)",
			 path, gnutls_strerror(rc));
		return -1;
	}
	for (size_t i = 0; i < 8; i++)
		snprintf(authority->id + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

/* Whose NSS databases: a home's user. Root runs certutil in a user's home
 * as that user, never as root: the home is the user's to arrange (a .pki
 * that is a link to /etc, a cert9.db that is a link to a system file), and
 * root following those links would create, write or hand over files
 * outside it. */
struct home_user {
	uid_t uid;
	gid_t gid;
};

/* Runs argv (found in PATH), its output left to ours: as user when we are
 * root and user is another (NULL: as we are); the authority's PEM on its
 * standard input when input (the authority's file may sit in a folder the
 * user cannot read), its errors dropped when quiet. First makes the
 * folders of mkdirs (0700, as the user, so theirs). Its exit code, -1 when
 * it could not start (127: not installed). */
static int run_as(const struct home_user *user, char *const argv[],
		  const struct authority *input, const char *const mkdirs[], bool quiet)
{
	int feed[2] = {-1, -1}, status;
	void (*previous)(int);
	pid_t pid;

	if (input != NULL && pipe(feed) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(input != NULL ? feed[0] : null, 0) < 0 ||
		    (quiet && dup2(null, 2) < 0))
			_exit(126);
		if (input != NULL) { /* else its end of the pipe keeps the reader waiting */
			close(feed[0]);
			close(feed[1]);
		}
		if (user != NULL && geteuid() == 0 && user->uid != 0 &&
		    (setgroups(0, NULL) < 0 || setgid(user->gid) < 0 || setuid(user->uid) < 0))
			_exit(126);
		for (size_t i = 0; mkdirs != NULL && mkdirs[i] != NULL; i++)
			if (mkdir(mkdirs[i], 0700) < 0 && errno != EEXIST)
				_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (input != NULL) {
		close(feed[0]);
		/* a program that ends without reading must not end us */
		previous = signal(SIGPIPE, SIG_IGN);
		for (size_t done = 0; pid > 0 && done < input->length;) {
			ssize_t n = write(feed[1], input->pem + done, input->length - done);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break; /* its exit code says what went wrong */
			done += (size_t)n;
		}
		close(feed[1]);
		signal(SIGPIPE, previous);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void store_path(const struct authority *authority, char *path, size_t size)
{
	const char *root = getenv("CASHDRAWERD_TRUST_ROOT");

	snprintf(path, size, "%s" SYSTEM_STORE "/cashdrawerd-%s.crt", root != NULL ? root : "",
		 authority->id);
}

static bool is_real_system(void)
{
	return getenv("CASHDRAWERD_TRUST_ROOT") == NULL;
}

static int system_store_add(const struct authority *authority, char *why, size_t why_size)
{
	char path[PATH_MAX_TEXT], folder[PATH_MAX_TEXT];
	char *update[] = {"update-ca-certificates", NULL};
	FILE *file;
	int rc;

	store_path(authority, path, sizeof path);
	snprintf(folder, sizeof folder, "%.*s", (int)(strrchr(path, '/') - path), path);
	mkdir(folder, 0755);
	if ((file = fopen(path, "wb")) == NULL ||
	    fwrite(authority->pem, 1, authority->length, file) != authority->length ||
	    fclose(file) != 0) {
		snprintf(why, why_size, "écriture de %s impossible : %s (lancez --setup-tls en root)",
			 path, errno_text(errno));
		return -1;
	}
	chmod(path, 0644);
	if (is_real_system() && (rc = run_as(NULL, update, NULL, NULL, false)) != 0) {
		snprintf(why, why_size, "update-ca-certificates a échoué (code %d)%s", rc,
			 rc == 127 ? " : installez le paquet ca-certificates" : "");
		return -1;
	}
	return 0;
}

static int system_store_remove(const struct authority *authority, char *why, size_t why_size)
{
	char path[PATH_MAX_TEXT];
	char *update[] = {"update-ca-certificates", "--fresh", NULL};
	int rc;

	store_path(authority, path, sizeof path);
	if (unlink(path) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, why_size, "suppression de %s impossible : %s", path, errno_text(errno));
		return -1;
	}
	if (is_real_system() && (rc = run_as(NULL, update, NULL, NULL, false)) != 0) {
		snprintf(why, why_size, "update-ca-certificates a échoué (code %d)", rc);
		return -1;
	}
	return 0;
}

/* One NSS database (sql:DIR): the authority added as a trusted issuer of
 * server certificates (C,,), or removed. */
static int nss_add(const struct home_user *user, const char *dir,
		   const struct authority *authority)
{
	char database[PATH_MAX_TEXT + 8], nickname[NAME_MAX_TEXT];
	char *argv[] = {"certutil", "-A", "-d", database, "-n", nickname, "-t", "C,,", NULL};

	snprintf(database, sizeof database, "sql:%.3000s", dir);
	snprintf(nickname, sizeof nickname, "cashdrawerd %s", authority->id);
	return run_as(user, argv, authority, NULL, false);
}

static void nss_remove(const struct home_user *user, const char *dir,
		       const struct authority *authority)
{
	char database[PATH_MAX_TEXT + 8], nickname[NAME_MAX_TEXT];
	char *argv[] = {"certutil", "-D", "-d", database, "-n", nickname, NULL};

	snprintf(database, sizeof database, "sql:%.3000s", dir);
	snprintf(nickname, sizeof nickname, "cashdrawerd %s", authority->id);
	/* certutil says "not found" when it is not there: that is fine, and not worth showing */
	run_as(user, argv, NULL, NULL, true);
}

/* A new, empty ~/.pki/nssdb, made by the home's user. */
static int nss_create(const struct home_user *user, const char *home, const char *dir)
{
	char pki[PATH_MAX_TEXT], database[PATH_MAX_TEXT + 8];
	char *argv[] = {"certutil", "-N", "-d", database, "--empty-password", NULL};
	const char *mkdirs[] = {pki, dir, NULL};

	snprintf(pki, sizeof pki, "%.3000s/.pki", home);
	snprintf(database, sizeof database, "sql:%.3000s", dir);
	return run_as(user, argv, NULL, mkdirs, false);
}

static bool has_database(const char *dir)
{
	char file[PATH_MAX_TEXT + 16];

	snprintf(file, sizeof file, "%.3000s/cert9.db", dir);
	return access(file, F_OK) == 0;
}

/* Calls each(dir) for the NSS databases of one home: Chromium's (made when
 * missing, on install) and each Firefox profile's. Returns the failures. */
static int each_database(const struct home_user *user, const char *home, bool install,
			 const struct authority *authority)
{
	char dir[PATH_MAX_TEXT], profiles[PATH_MAX_TEXT];
	int failures = 0;
	DIR *folder;
	struct dirent *entry;

	snprintf(dir, sizeof dir, "%.3000s/.pki/nssdb", home);
	if (install) {
		if (!has_database(dir) && nss_create(user, home, dir) != 0)
			failures++;
		else if (nss_add(user, dir, authority) != 0)
			failures++;
	} else if (has_database(dir)) {
		nss_remove(user, dir, authority);
	}
	snprintf(profiles, sizeof profiles, "%.3000s/.mozilla/firefox", home);
	if ((folder = opendir(profiles)) == NULL)
		return failures;
	while ((entry = readdir(folder)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof dir, "%.3000s/%.255s", profiles, entry->d_name);
		if (!has_database(dir))
			continue;
		if (!install)
			nss_remove(user, dir, authority);
		else if (nss_add(user, dir, authority) != 0)
			failures++;
	}
	closedir(folder);
	return failures;
}

static bool in_path(const char *program)
{
	const char *path = getenv("PATH");
	char copy[PATH_MAX_TEXT], file[PATH_MAX_TEXT + 64], *save = NULL;

	snprintf(copy, sizeof copy, "%s", path != NULL ? path : "/usr/bin:/bin");
	for (char *dir = strtok_r(copy, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
		snprintf(file, sizeof file, "%.3000s/%s", dir, program);
		if (access(file, X_OK) == 0)
			return true;
	}
	return false;
}

/* Every home whose browsers are concerned: CASHDRAWERD_TRUST_HOMES (each
 * the user who owns it), else root's and those of uid 1000 and up that
 * exist and are their user's. Returns the failures. */
static int each_home(bool install, const struct authority *authority, char *why,
		     size_t why_size)
{
	const char *homes = getenv("CASHDRAWERD_TRUST_HOMES");
	int failures = 0;
	struct passwd *user;
	struct stat info;

	/* without certutil, only the system store: said, not fatal on removal */
	if (!in_path("certutil")) {
		if (install)
			snprintf(why, why_size, "certutil introuvable : les navigateurs (Chromium, "
				 "Firefox) ne connaîtront pas l'autorité (installez libnss3-tools puis "
				 "relancez --setup-tls)");
		return install ? 1 : 0;
	}
	if (homes != NULL) {
		char copy[PATH_MAX_TEXT], *save = NULL;

		snprintf(copy, sizeof copy, "%s", homes);
		for (char *home = strtok_r(copy, ":", &save); home != NULL;
		     home = strtok_r(NULL, ":", &save)) {
			if (stat(home, &info) < 0) {
				failures++;
				continue;
			}
			failures += each_database(&(struct home_user){info.st_uid, info.st_gid},
						  home, install, authority);
		}
	} else {
		setpwent();
		while ((user = getpwent()) != NULL)
			if ((user->pw_uid == 0 || user->pw_uid >= 1000) && user->pw_uid != 65534 &&
			    stat(user->pw_dir, &info) == 0 && S_ISDIR(info.st_mode) &&
			    info.st_uid == user->pw_uid)
				failures += each_database(
					&(struct home_user){user->pw_uid, user->pw_gid},
					user->pw_dir, install, authority);
		endpwent();
	}
	if (failures > 0 && install)
		snprintf(why, why_size, "%d base(s) NSS (navigateurs) n'ont pas pris l'autorité "
			 "(certutil a échoué : voir ses messages ci-dessus)", failures);
	return failures;
}

int tls_trust_install(const char *ca_pem_path, char *why, size_t why_size)
{
	struct authority authority;

	if (read_authority(ca_pem_path, &authority, why, why_size) < 0 ||
	    system_store_add(&authority, why, why_size) < 0 ||
	    each_home(true, &authority, why, why_size) > 0)
		return -1;
	return 0;
}

int tls_trust_remove(const char *ca_pem_path, char *why, size_t why_size)
{
	struct authority authority;

	if (read_authority(ca_pem_path, &authority, why, why_size) < 0)
		return access(ca_pem_path, F_OK) == 0 ? -1 : 0;
	each_home(false, &authority, why, why_size);
	return system_store_remove(&authority, why, why_size);
}
