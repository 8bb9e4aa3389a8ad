// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the policy compiler on any bytes, with includes resolved in a private
 * directory of small profiles (one includes another, one itself, two each other). A policy that
 * parses is written back out and must parse again, with and without origin comments, into a
 * policy that is written out the same, byte for byte.
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
static char *write_back(const struct cgf_policy *p, unsigned int flags, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	size_t i;

	if (!f)
		abort();
	for (i = 0; i < p->nr_profiles; i++)
		if (cgf_policy_write_profile(f, &p->profiles[i], flags))
			abort();
	if (fclose(f))
		abort();
	return text;
}

/*
 * @text, written from a policy whose plain text is @plain, must parse, and the result must be
 * written as @plain again: same profiles, modes, defaults, rules, in the same order. No include
 * directory: what the writer produces has its includes expanded and must stand alone.
 */
static void check_reparse(const char *text, size_t len, const char *plain, size_t plain_len)
{
	struct cgf_policy again = { 0 };
	char err[CGF_POLICY_ERR_MAX];
	size_t again_len;
	char *again_text;

	if (cgf_policy_parse_buffer("written.cgf", text, len, NULL, &again, err, sizeof(err))) {
		fprintf(stderr, "written back, the policy does not parse: %s\n%s\n", err, text);
		abort();
	}
	again_text = write_back(&again, 0, &again_len);
	if (again_len != plain_len || memcmp(again_text, plain, plain_len)) {
		fprintf(stderr, "written back:\n%s\nread and written again:\n%s\n", plain,
			again_text);
		abort();
	}
	free(again_text);
	cgf_policy_free(&again);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct cgf_policy p = { 0 };
	char err[CGF_POLICY_ERR_MAX];
	size_t plain_len, len;
	char *plain, *text;

	if (cgf_policy_parse_buffer("fuzz.cgf", (const char *)data, size, include_dir, &p, err,
				    sizeof(err)))
		return 0;
	plain = write_back(&p, 0, &plain_len);
	check_reparse(plain, plain_len, plain, plain_len);
	/* Origins are comments after the rules: they must change nothing that is read. */
	text = write_back(&p, CGF_POLICY_WRITE_ORIGIN, &len);
	check_reparse(text, len, plain, plain_len);
	free(text);
	free(plain);
	cgf_policy_free(&p);
	return 0;
}
