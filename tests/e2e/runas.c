// SPDX-License-Identifier: GPL-2.0
/* runas UID GID -- CMD [ARG...]: run CMD as another user for the guest's shell tests. */

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_id(const char *s, unsigned int *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v > 0xfffffffeUL)
		return -1;
	*id = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int uid, gid;

	if (argc < 5 || strcmp(argv[3], "--") != 0 ||
	    parse_id(argv[1], &uid) || parse_id(argv[2], &gid)) {
		fprintf(stderr, "usage: runas UID GID -- CMD [ARG...]\n");
		return 125;
	}
	/*
	 * Groups first, then gid, then uid: after setuid() we could no longer change the
	 * others. Dropping uid 0 this way also clears every capability.
	 */
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) {
		fprintf(stderr, "runas: cannot switch to %u:%u: %s\n", uid, gid, strerror(errno));
		return 126;
	}
	execvp(argv[4], &argv[4]);
	fprintf(stderr, "runas: %s: %s\n", argv[4], strerror(errno));
	return 127;
}
