/* soakgen: command line, the run, and its JSON report (read by
 * bench/soak_check.py, which holds it against the daemon's log).
 *   soakgen --mix loopback|lan --target ADDR [--target ADDR] --port PORT
 *           --requests N [--connections C] [--max-seconds S] --report FILE ...
 * Exit 0 when every request got its designed answer, 1 if not, 2 on usage. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "soakgen.h"

static const char usage[] =
	"usage: soakgen --mix loopback|lan --target ADDR [--target ADDR] --port PORT\n"
	"               --requests N --report FILE [--connections C] [--max-seconds S]\n"
	"               [--timeout-s S] [--slow-cut-s S] [--logs-every N] [--slow-every N]\n"
	"               [--token TOKEN] [--date YYYY-MM-DD --archive FILE]\n";

static int parse_target(struct options *options, const char *address, unsigned port)
{
	struct sockaddr_storage *storage = &options->targets[options->target_count];
	struct sockaddr_in *v4 = (struct sockaddr_in *)storage;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)storage;
	char *host = options->hosts[options->target_count];

	if (options->target_count == 2)
		return -1;
	memset(storage, 0, sizeof *storage);
	if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		options->target_lengths[options->target_count] = sizeof *v4;
		snprintf(host, sizeof options->hosts[0], "%s:%u", address, port);
	} else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		options->target_lengths[options->target_count] = sizeof *v6;
		snprintf(host, sizeof options->hosts[0], "[%s]:%u", address, port);
	} else {
		return -1;
	}
	options->target_count++;
	return 0;
}

static int read_file(const char *path, char **out, size_t *length)
{
	struct stat info;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0 || fstat(fd, &info) < 0)
		goto out;
	*out = malloc((size_t)info.st_size + 1);
	if (*out == NULL || read(fd, *out, (size_t)info.st_size) != info.st_size)
		goto out;
	*length = (size_t)info.st_size;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

static unsigned long number(const char *text, const char *name, unsigned long max)
{
	char *end;
	unsigned long value;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || *text == '\0' || value > max) {
		fprintf(stderr, "soakgen: --%s %s: not a number up to %lu\n", name, text, max);
		exit(2);
	}
	return value;
}

static int parse_args(int argc, char **argv, struct options *options)
{
	static const struct option long_options[] = {{"mix", required_argument, NULL, 'm'},
						     {"target", required_argument, NULL, 't'},
						     {"port", required_argument, NULL, 'p'},
						     {"requests", required_argument, NULL, 'n'},
						     {"connections", required_argument, NULL, 'c'},
						     {"max-seconds", required_argument, NULL, 's'},
						     {"timeout-s", required_argument, NULL, 'T'},
						     {"slow-cut-s", required_argument, NULL, 'C'},
						     {"logs-every", required_argument, NULL, 'L'},
						     {"slow-every", required_argument, NULL, 'S'},
						     {"token", required_argument, NULL, 'k'},
						     {"date", required_argument, NULL, 'd'},
						     {"archive", required_argument, NULL, 'a'},
						     {"report", required_argument, NULL, 'r'},
						     {NULL, 0, NULL, 0}};
	const char *targets[2] = {NULL, NULL}, *archive = NULL;
	unsigned port = 0, target_count = 0;
	int opt;

	options->connections = 8;
	options->max_seconds = 600;
	options->timeout_s = 30;
	options->slow_cut_s = 15;
	options->token = "";
	options->date = "2000-01-01";
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (opt) {
		case 'm': options->mix = mix_find(optarg); break;
		case 't':
			if (target_count == 2)
				return -1;
			targets[target_count++] = optarg;
			break;
		case 'p': port = (unsigned)number(optarg, "port", 65535); break;
		case 'n': options->requests = number(optarg, "requests", 100000000); break;
		case 'c':
			options->connections = (unsigned)number(optarg, "connections", 1024);
			break;
		case 's':
			options->max_seconds = (unsigned)number(optarg, "max-seconds", 86400);
			break;
		case 'T': options->timeout_s = (unsigned)number(optarg, "timeout-s", 3600); break;
		case 'C': options->slow_cut_s = (unsigned)number(optarg, "slow-cut-s", 3600); break;
		case 'L':
			options->logs_every = (unsigned)number(optarg, "logs-every", 100000000);
			break;
		case 'S':
			options->slow_every = (unsigned)number(optarg, "slow-every", 100000000);
			break;
		case 'k': options->token = optarg; break;
		case 'd': options->date = optarg; break;
		case 'a': archive = optarg; break;
		case 'r': options->report = optarg; break;
		default: return -1;
		}
	}
	if (optind != argc || options->mix == NULL || target_count == 0 || port == 0 ||
	    options->report == NULL || options->connections == 0 || options->requests == 0)
		return -1;
	for (unsigned i = 0; i < target_count; i++)
		if (parse_target(options, targets[i], port) < 0) {
			fprintf(stderr, "soakgen: --target %s: not an IP address\n", targets[i]);
			return -1;
		}
	if (archive != NULL &&
	    read_file(archive, &options->archive, &options->archive_length) < 0) {
		fprintf(stderr, "soakgen: --archive %s: %s\n", archive, strerror(errno));
		return -1;
	}
	return 0;
}

static void write_kind(FILE *out, const struct kind *kind, const struct kind_tally *t, bool last)
{
	bool first = true;

	fprintf(out,
		"    {\"name\": \"%s\", \"sent\": %llu, \"answered\": %llu, \"closed\": %llu, "
		"\"failures\": %llu, \"status\": {",
		kind->name, (unsigned long long)t->sent, (unsigned long long)t->answered,
		(unsigned long long)t->closed_as_expected, (unsigned long long)t->failures);
	for (unsigned s = 0; s < STATUS_SLOTS; s++) {
		if (t->status[s] == 0)
			continue;
		fprintf(out, "%s\"%u\": %llu", first ? "" : ", ", s,
			(unsigned long long)t->status[s]);
		first = false;
	}
	fprintf(out, "}}%s\n", last ? "" : ",");
}

static int write_report(const struct options *options, const struct tally *tally, bool time_up,
			double seconds)
{
	const struct mix *mix = options->mix;
	FILE *out = fopen(options->report, "w");

	if (out == NULL)
		return -1;
	fprintf(out,
		"{\n  \"mix\": \"%s\", \"requests_asked\": %llu, \"requests\": %llu, "
		"\"time_up\": %s, \"seconds\": %.3f,\n  \"connections\": %llu, "
		"\"bytes_received\": %llu, \"failures\": %llu,\n  "
		"\"opened\": %llu, \"coalesced\": %llu, "
		"\"rejected_lines\": %llu, \"gone_lines\": %llu, \"malformed_lines\": %llu, "
		"\"cut_line_lines\": %llu,\n  \"access_lines\": [",
		mix->name, (unsigned long long)options->requests,
		(unsigned long long)tally->requests, time_up ? "true" : "false", seconds,
		(unsigned long long)tally->connections, (unsigned long long)tally->bytes_received,
		(unsigned long long)tally->failures, (unsigned long long)tally->opened,
		(unsigned long long)tally->coalesced, (unsigned long long)tally->rejected_lines,
		(unsigned long long)tally->gone_lines, (unsigned long long)tally->malformed_lines,
		(unsigned long long)tally->cut_line_lines);
	for (size_t i = 0; i < tally->outcome_count; i++)
		fprintf(out, "%s{\"status\": %u, \"outcome\": \"%s\", \"count\": %llu}",
			i ? ", " : "", tally->outcomes[i].status, tally->outcomes[i].outcome,
			(unsigned long long)tally->outcomes[i].count);
	fprintf(out, "],\n  \"kinds\": [\n");
	for (size_t i = 0; i < mix->count; i++)
		write_kind(out, &mix->kinds[i], &tally->kinds[i],
			   i + 1 == mix->count && mix->slow == NULL && mix->log_today == NULL);
	if (mix->slow != NULL)
		write_kind(out, mix->slow, &tally->kinds[mix->count], mix->log_today == NULL);
	if (mix->log_today != NULL)
		write_kind(out, mix->log_today, &tally->kinds[mix->count + 1], true);
	fprintf(out, "  ]\n}\n");
	return fclose(out) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct options options = {0};
	struct tally tally = {0};
	bool time_up;
	double seconds;
	int rc;

	if (parse_args(argc, argv, &options) < 0) {
		fputs(usage, stderr);
		return 2;
	}
	tally.kinds = calloc(options.mix->count + 2, sizeof *tally.kinds);
	if (tally.kinds == NULL)
		return 1;
	rc = load_run(&options, &tally, &time_up, &seconds);
	if (rc < 0)
		fprintf(stderr, "soakgen: the event loop failed: %s\n", strerror(errno));
	if (write_report(&options, &tally, time_up, seconds) < 0) {
		fprintf(stderr, "soakgen: --report %s: %s\n", options.report, strerror(errno));
		rc = -1;
	}
	printf("soakgen %s: %llu requests in %.1f s (%.0f/s), %llu failures%s\n", options.mix->name,
	       (unsigned long long)tally.requests, seconds,
	       seconds > 0 ? (double)tally.requests / seconds : 0.0,
	       (unsigned long long)tally.failures, time_up ? ", TIME LIMIT REACHED" : "");
	free(tally.kinds);
	free(options.archive);
	return rc < 0 || time_up || tally.failures > 0 || tally.requests < options.requests ? 1 : 0;
}
