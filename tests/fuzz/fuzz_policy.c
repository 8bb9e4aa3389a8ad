// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the policy compiler on any bytes, with includes resolved in a private
 * directory of small profiles (one includes another, one itself, two each other). A policy that
 * parses is written back out and must parse again to the same number of rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"

static char include_dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", include_dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f)) {
		perror(path);
		abort();
	}
}

static void remove_fixtures(void)
{
	static const char *const names[] = {
		"set-a.cgf", "set-b.cgf", "self.cgf", "ping.cgf", "pong.cgf", "dev.cgf",
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", include_dir, names[i]);
		unlink(path);
	}
	rmdir(include_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(include_dir, sizeof(include_dir), "/tmp/cgf-fuzz-policy.XXXXXX");
	if (!mkdtemp(include_dir)) {
		perror("mkdtemp");
		abort();
	}
	put("set-a.cgf", "profile set-a {\n    mode enforce;\n    default deny;\n"
	    "    file {\n        allow r /usr/lib/**;\n"
	    "        deny w /etc/*;\n    }\n}\n");
	put("set-b.cgf", "profile set-b {\n    mode enforce;\n    default deny;\n"
	    "    include set-a;\n    mount {\n"
	    "        allow tmpfs -> /tmp;\n    }\n}\n");
	put("self.cgf", "profile self {\n    mode enforce;\n    default deny;\n"
	    "    include self;\n}\n");
	put("ping.cgf", "profile ping {\n    mode enforce;\n    default deny;\n"
	    "    file { include pong; }\n}\n");
	put("pong.cgf", "profile pong {\n    mode enforce;\n    default deny;\n"
	    "    include ping;\n}\n");
	put("dev.cgf", "profile dev {\n    mode enforce;\n    default deny;\n"
	    "    device {\n        allow c 1:3 rw;\n    }\n"
	    "    kernel {\n        allow ptrace;\n    }\n}\n");
	atexit(remove_fixtures);
	return 0;
}

/* Writes every profile of @p as text, into a buffer the caller frees. */
static char *write_back(const struct cgf_policy *p, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	size_t i;

	if (!f)
		abort();
	for (i = 0; i < p->nr_profiles; i++)
		if (cgf_policy_write_profile(f, &p->profiles[i], 0))
			abort();
	if (fclose(f))
		abort();
	return text;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct cgf_policy p = { 0 }, again = { 0 };
	char err[512], err2[512];
	size_t i, len, rules = 0, rules_again = 0;
	char *text;

	if (cgf_policy_parse_buffer("fuzz.cgf", (const char *)data, size, include_dir, &p, err,
				    sizeof(err)))
		return 0;
	text = write_back(&p, &len);
	if (cgf_policy_parse_buffer("written.cgf", text, len, include_dir, &again, err2,
				    sizeof(err2))) {
		fprintf(stderr, "written back, the policy does not parse: %s\n%s\n", err2, text);
		abort();
	}
	for (i = 0; i < p.nr_profiles; i++)
		rules += p.profiles[i].nr_rules;
	for (i = 0; i < again.nr_profiles; i++)
		rules_again += again.profiles[i].nr_rules;
	if (again.nr_profiles != p.nr_profiles || rules_again != rules) {
		fprintf(stderr, "written back: %zu profiles, %zu rules; read again: %zu, %zu\n%s\n",
			p.nr_profiles, rules, again.nr_profiles, rules_again, text);
		abort();
	}
	free(text);
	cgf_policy_free(&again);
	cgf_policy_free(&p);
	return 0;
}
