/* The HTTPS part of --install-service and --uninstall-service on Windows
 * (see service_tls_win32.h). */
#include "service_tls_win32.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "settings/config.h"
#include "tls/setup.h"

/* The settings --install-service was given (file, then command line), or
 * false when they cannot be read (--check-config refused them already). */
static bool read_settings(struct config *config, int argc, char **argv)
{
	static char diag[4096];
	struct config_args args;
	char *full[80];
	char err[512];

	if (argc + 2 > (int)(sizeof full / sizeof full[0]))
		return false;
	full[0] = "cashdrawerd";
	for (int i = 0; i < argc; i++)
		full[i + 1] = argv[i];
	full[argc + 1] = NULL;
	config_defaults(config);
	if (config_parse_args(argc + 1, full, &args, err, sizeof err) < 0)
		return false;
	if (args.config_path != NULL &&
	    config_load_file(config, args.config_path, diag, sizeof diag) < 0)
		return false;
	return config_apply_args(config, &args, err, sizeof err) == 0;
}

static bool file_exists(const char *path)
{
	struct stat info;

	return stat(path, &info) == 0;
}

int service_tls_install(int argc, char **argv)
{
	static struct config config, defaults; /* large: not on the stack */
	char why[1024];

	config_defaults(&defaults);
	if (!read_settings(&config, argc, argv) || !config.tls)
		return 0;
	/* the admin's own certificate: theirs to make and to trust */
	if (strcmp(config.tls_cert, defaults.tls_cert) != 0 ||
	    strcmp(config.tls_key, defaults.tls_key) != 0) {
		printf("HTTPS : certificat et clé donnés (tls_cert, tls_key) : --setup-tls n'est pas "
		       "lancé.\n");
		return 0;
	}
	if (file_exists(config.tls_cert)) {
		printf("HTTPS : certificat déjà là (%s), gardé ; --setup-tls le renouvelle.\n",
		       config.tls_cert);
		return 0;
	}
	if (tls_setup(config.tls_cert, config.tls_key, why, sizeof why) < 0) {
		fprintf(stderr,
			"cashdrawerd : HTTPS pas en place (le service répond en HTTP) : %s\n"
			"cashdrawerd : une fois corrigé, lancez en administrateur : "
			"cashdrawerd.exe --setup-tls, puis sc stop cashdrawerd et sc start "
			"cashdrawerd\n",
			why);
		return 1;
	}
	return 0;
}

int service_tls_uninstall(void)
{
	static struct config defaults;
	char ca[4200], why[1024], folder[4200];
	const char *separator;

	config_defaults(&defaults);
	tls_authority_path(defaults.tls_cert, ca, sizeof ca);
	if (!file_exists(ca))
		return 0;
	if (tls_remove(defaults.tls_cert, defaults.tls_key, why, sizeof why) < 0) {
		fprintf(stderr, "cashdrawerd : %s\n", why);
		return 1;
	}
	/* the folder --setup-tls made, when nothing else is left in it */
	separator = strrchr(defaults.tls_cert, '/');
	if (separator != NULL) {
		snprintf(folder, sizeof folder, "%.*s", (int)(separator - defaults.tls_cert),
			 defaults.tls_cert);
		rmdir(folder);
	}
	return 0;
}
