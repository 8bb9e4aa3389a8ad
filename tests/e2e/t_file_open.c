// SPDX-License-Identifier: GPL-2.0
/* e2e: with cgfence loaded and nothing attached, file opens behave exactly as without it. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

#define SECRET	"/tmp/t_file_open.secret"
#define OPENS	10000

static int case_read_passwd(void *arg)
{
	char buf[64] = "";
	ssize_t n;
	int fd;

	(void)arg;
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open /etc/passwd: %s", errname(-errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0 || strncmp(buf, "root:x:0:0:", 11))
		return tap_fail("/etc/passwd does not start with root's line");
	return 0;
}

static int case_tmpfs_write(void *arg)
{
	static const char data[] = "cgfence e2e\n";
	char path[64], buf[32] = "";
	ssize_t n;
	int fd;

	(void)arg;
	snprintf(path, sizeof(path), "/tmp/t_file_open.%d", getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return tap_fail("create %s: %s", path, errname(-errno));
	n = write(fd, data, sizeof(data) - 1);
	close(fd);
	if (n != sizeof(data) - 1) {
		unlink(path);
		return tap_fail("write %s: %zd", path, n);
	}
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		unlink(path);
		return tap_fail("reopen %s read-write: %s", path, errname(-errno));
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(path);
	if (n != sizeof(data) - 1 || strcmp(buf, data))
		return tap_fail("read back %zd bytes \"%s\"", n, buf);
	return 0;
}

/* The module must not turn the kernel's own errors into others. */
static int case_missing(void *arg)
{
	int fd;

	(void)arg;
	fd = open("/etc/no-such-file", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return expect_err("open /etc/no-such-file", fd < 0 ? -errno : 0, -ENOENT);
}

static int case_dac(void *arg)
{
	int fd, err;

	(void)arg;
	err = become_user(NOBODY, NOBODY);
	if (err)
		return tap_fail("become nobody: %s", errname(err));
	fd = open(SECRET, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	if (expect_err("nobody opens a 0600 root file", fd < 0 ? -errno : 0, -EACCES))
		return -1;
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("nobody opens /etc/passwd: %s", errname(-errno));
	close(fd);
	return 0;
}

/* exec opens the binary through the same hook. */
static int case_exec(void *arg)
{
	int status;
	pid_t pid;

	(void)arg;
	pid = fork();
	if (pid < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid: %s", errname(-errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return tap_fail("/bin/true: wait status 0x%x", status);
	return 0;
}

static int case_many_opens(void *arg)
{
	int i, fd;

	(void)arg;
	for (i = 0; i < OPENS; i++) {
		fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return tap_fail("open number %d: %s", i, errname(-errno));
		close(fd);
	}
	return 0;
}

static const struct {
	const char *desc;
	tap_case_fn fn;
} file_cases[] = {
	{ "read /etc/passwd", case_read_passwd },
	{ "create, write, reopen read-write and read back a tmpfs file", case_tmpfs_write },
	{ "open a missing file: ENOENT", case_missing },
	{ "nobody: 0600 root file is EACCES, /etc/passwd opens", case_dac },
	{ "exec /bin/true", case_exec },
	{ "10000 opens of /etc/passwd", case_many_opens },
};

static void run_file_cases(const char *when)
{
	char desc[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(file_cases); i++) {
		snprintf(desc, sizeof(desc), "%s: %s", when, file_cases[i].desc);
		tap_case(desc, file_cases[i].fn, NULL);
	}
}

static int case_load(void *arg)
{
	(void)arg;
	return expect_err("finit_module(cgfence.ko)", cgf_load(), 0);
}

static int case_unload(void *arg)
{
	(void)arg;
	return expect_err("delete_module(cgfence)", cgf_unload(), 0);
}

int main(int argc, char **argv)
{
	int fd;

	tap_init(argc, argv);
	tap_plan(2 + 2 * ARRAY_SIZE(file_cases));
	fd = open(SECRET, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		tap_diag("create %s: %s", SECRET, errname(-errno));
	else
		close(fd);

	/* Same cases, same expectations, before and with the module: the host sees no change. */
	run_file_cases("without cgfence");
	tap_case("insmod cgfence.ko", case_load, NULL);
	run_file_cases("with cgfence, no policy");
	tap_case("rmmod cgfence", case_unload, NULL);

	unlink(SECRET);
	return tap_done();
}
