// SPDX-License-Identifier: GPL-2.0
/* e2e: a container's entrypoint for t_runtimes: its very first action reads one file refused, one allowed. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* "0" or the errno's name, for the few answers the test expects. */
static const char *answer(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return "0";
	}
	switch (errno) {
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	default:
		return strerror(errno);
	}
}

/*
 * As the entrypoint: the reads first, then it waits to be killed, for runc exec and the
 * checks of the running container. With "exec": the reads, and it exits.
 */
int main(int argc, char **argv)
{
	const char *denied = answer("/proc/kcore");
	const char *allowed = answer("/etc/hostname");

	printf("%s: kcore=%s hostname=%s\n", argc > 1 ? argv[1] : "first", denied, allowed);
	fflush(stdout);
	if (argc > 1)
		return 0;
	for (;;)
		pause();
}
