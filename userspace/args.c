// SPDX-License-Identifier: GPL-2.0
/* Values the command line gives: PIDs, record numbers, profile names. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "policy.h"

/* A leading sign or space would slip through strtol(): only digits are numbers here. */
int cgf_parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > INT_MAX)
		return -EINVAL;
	*pid = (pid_t)v;
	return 0;
}

int cgf_parse_seq(const char *s, uint64_t *seq)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*seq = v;
	return 0;
}

/* Refused here, a bad name is a usage error (exit 2) before any module is asked. */
int cgf_check_profile_arg(const char *name, char *err, size_t len)
{
	const char *why;
	size_t off;

	why = cgf_policy_check_profile_name(name, strlen(name), &off);
	if (!why)
		return 0;
	snprintf(err, len, "invalid profile name '%.64s': %s", name, why);
	return -1;
}
