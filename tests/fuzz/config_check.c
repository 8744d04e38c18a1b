/* Properties of any settings the loaders accept: see config_check.h. */
#include "settings/access_settings.h"
#include "config_check.h"

#include <stdbool.h>

#include "admission/access.h"
#include "fuzz.h"
#include "settings/printer_uri.h"

static const void *field(const struct config *config, const struct config_option *option)
{
	return (const char *)config + option->offset;
}

static size_t list_count(const struct config *config, const struct config_option *option)
{
	return *(const size_t *)(const void *)((const char *)config + option->count_offset);
}

/* Sets name to value again, in a config of its own: the option's own
 * parsing and check must accept what the loader kept. (Setting one option
 * never depends on the others, so that config is made once.) */
static void check_accepted(const struct config_option *option, const char *value)
{
	static struct config scratch; /* 40 KB: not on the stack */
	static int ready;
	char err[600];

	if (!ready) {
		config_defaults(&scratch);
		ready = 1;
	}
	config_clear(&scratch, option);
	FUZZ_CHECK(config_set(&scratch, option->name, value, err, sizeof err) == 0,
		   "%s = '%s' was kept but is refused when set again: %s", option->name, value,
		   err);
}

void fuzz_check_config(const struct config *config)
{
	struct access_policy policy;
	struct printer_uri uri;
	char err[600], number[16];

	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];

		switch (option->type) {
		case CONFIG_UINT: {
			unsigned value = *(const unsigned *)field(config, option);

			FUZZ_CHECK(value >= option->min && value <= option->max,
				   "%s = %u is outside %u..%u", option->name, value, option->min,
				   option->max);
			snprintf(number, sizeof number, "%u", value);
			check_accepted(option, number);
			break;
		}
		case CONFIG_STRING: {
			const char *value = field(config, option);

			FUZZ_CHECK(fuzz_terminated(value, CONFIG_STRING_MAX), "%s is not terminated",
				   option->name);
			check_accepted(option, value);
			break;
		}
		case CONFIG_ENUM: {
			char word[64];

			/* the word it holds is one of its own, and is accepted again */
			config_format_value(config, option, word, sizeof word);
			FUZZ_CHECK(strcmp(word, "?") != 0, "%s holds %u, none of %s", option->name,
				   *(const unsigned *)field(config, option), option->metavar);
			check_accepted(option, word);
			break;
		}
		case CONFIG_BOOL: {
			unsigned char byte;

			/* read as a byte: a bool holding anything but 0 or 1 is itself the bug */
			memcpy(&byte, field(config, option), 1);
			FUZZ_CHECK(byte <= 1, "%s holds %u, not a bool", option->name, byte);
			break;
		}
		case CONFIG_LIST: {
			const char(*items)[CONFIG_LIST_ITEM_MAX] = field(config, option);
			size_t count = list_count(config, option);

			FUZZ_CHECK(count <= CONFIG_LIST_MAX, "%s has %zu items", option->name, count);
			for (size_t k = 0; k < count; k++) {
				FUZZ_CHECK(fuzz_terminated(items[k], CONFIG_LIST_ITEM_MAX),
					   "%s item %zu is not terminated", option->name, k);
				FUZZ_CHECK(items[k][0] != '\0' && strchr(items[k], ',') == NULL &&
						   items[k][0] != ' ' &&
						   items[k][strlen(items[k]) - 1] != ' ',
					   "%s item '%s' is empty, has a comma or surrounding spaces",
					   option->name, items[k]);
				check_accepted(option, items[k]);
			}
			break;
		}
		case CONFIG_RETIRED:
			FUZZ_CHECK(0, "%s: a retired setting in the table", option->name);
			break;
		}
	}
	/* what single options accept, the whole accepts */
	FUZZ_CHECK(config_validate(config, err, sizeof err) == 0,
		   "options each valid, together refused: %s", err);
	FUZZ_CHECK(settings_access_policy(config, &policy, err, sizeof err) == 0,
		   "allowed_origins/allowed_networks/token accepted, policy refused: %s", err);
	FUZZ_CHECK(printer_uri_parse(config->printer, &uri, err, sizeof err) == 0,
		   "printer '%s' accepted, does not parse: %s", config->printer, err);
}

int fuzz_same_config(const struct config *a, const struct config *b)
{
	for (size_t i = 0; i < config_option_count; i++) {
		const struct config_option *option = &config_options[i];

		switch (option->type) {
		case CONFIG_UINT:
		case CONFIG_ENUM:
			if (*(const unsigned *)field(a, option) != *(const unsigned *)field(b, option))
				return 0;
			break;
		case CONFIG_BOOL:
			if (*(const bool *)field(a, option) != *(const bool *)field(b, option))
				return 0;
			break;
		case CONFIG_STRING:
			if (strcmp(field(a, option), field(b, option)) != 0)
				return 0;
			break;
		case CONFIG_LIST: {
			const char(*items_a)[CONFIG_LIST_ITEM_MAX] = field(a, option);
			const char(*items_b)[CONFIG_LIST_ITEM_MAX] = field(b, option);
			size_t count = list_count(a, option);

			if (count != list_count(b, option))
				return 0;
			for (size_t k = 0; k < count; k++)
				if (strcmp(items_a[k], items_b[k]) != 0)
					return 0;
			break;
		}
		case CONFIG_RETIRED:
			return 0; /* never in the table */
		}
	}
	return a->retired_seen == b->retired_seen;
}
