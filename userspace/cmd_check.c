// SPDX-License-Identifier: GPL-2.0
/* The check command: parse policy files as the load command would, without the module. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_check.h"
#include "output.h"
#include "policy.h"

/* Standard input has no directory: its includes are looked up from where we run. */
static int parse_stdin(struct cgf_policy *policy, char *err, size_t err_len)
{
	size_t len = 0, cap = 0;
	char *text = NULL, *bigger;
	ssize_t r;
	int ret;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			bigger = realloc(text, cap);
			if (!bigger) {
				free(text);
				snprintf(err, err_len, "<stdin>: error: cannot read: %s",
					 strerror(ENOMEM));
				return -ENOMEM;
			}
			text = bigger;
		}
		r = read(STDIN_FILENO, text + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			free(text);
			snprintf(err, err_len, "<stdin>: error: cannot read: %s", strerror(-ret));
			return ret;
		}
		if (!r)
			break;
		len += r;
	}
	ret = cgf_policy_parse_buffer("<stdin>", text, len, ".", policy, err, err_len);
	free(text);
	return ret;
}

/* Kernel rules are counted only where a profile has any: most have none. */
static void print_plain(const char *file, const struct cgf_policy_profile *p)
{
	cgf_safe_text(stdout, file);
	printf(": ok: profile %s, %zu rule%s (%zu file, %zu mount, %zu device", p->name,
	       p->nr_rules, p->nr_rules == 1 ? "" : "s", p->nr_file, p->nr_mount, p->nr_device);
	if (p->nr_kernel)
		printf(", %zu kernel", p->nr_kernel);
	fputs(")\n", stdout);
}

static void print_json(const char *file, const struct cgf_policy_profile *p)
{
	fputs("{\"file\":", stdout);
	cgf_json_string(stdout, file);
	fputs(",\"profile\":", stdout);
	cgf_json_string(stdout, p->name);
	printf(",\"mode\":\"%s\",\"default\":\"%s\"", cgf_policy_mode_name(p->mode),
	       cgf_policy_effect_name(p->file_default));
	printf(",\"rules\":%zu,\"file_rules\":%zu,\"mount_rules\":%zu,\"device_rules\":%zu",
	       p->nr_rules, p->nr_file, p->nr_mount, p->nr_device);
	printf(",\"kernel_rules\":%zu}\n", p->nr_kernel);
}

/* Every file is checked even after a bad one: one run shows what each file needs. */
int cgf_cmd_check(const struct cgf_inv *inv)
{
	bool json = cgf_opt_set(inv, CGF_OPT_JSON);
	char err[CGF_POLICY_ERR_MAX];
	struct cgf_policy policy;
	int rc = CGF_EXIT_OK;
	const char *file;
	size_t i;
	int a;

	for (a = 0; a < inv->argc; a++) {
		file = inv->argv[a];
		if (!strcmp(file, "-") ? parse_stdin(&policy, err, sizeof(err)) :
		    cgf_policy_parse_file(file, &policy, err, sizeof(err))) {
			/* Compiler style, without the tool's prefix, so editors can jump to it. */
			cgf_safe_text(stderr, err);
			fputc('\n', stderr);
			rc = CGF_EXIT_POLICY;
			continue;
		}
		if (!strcmp(file, "-"))
			file = "<stdin>";
		for (i = 0; i < policy.nr_profiles; i++) {
			if (json)
				print_json(file, &policy.profiles[i]);
			else
				print_plain(file, &policy.profiles[i]);
		}
		cgf_policy_free(&policy);
	}
	return rc;
}
