// SPDX-License-Identifier: GPL-2.0
/* TAP output and the per-case runner for the e2e test programs (see tap.h). */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CASE_TIMEOUT_S	30

static const char *tap_name = "test";
static unsigned int tap_count;
static unsigned int tap_failed;
static int tap_planned = -1;

void tap_init(int argc, char **argv)
{
	const char *slash;

	if (argc > 0 && argv[0]) {
		slash = strrchr(argv[0], '/');
		tap_name = slash ? slash + 1 : argv[0];
	}
	/* Children inherit stdout: unflushed lines would be printed twice after fork(). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IONBF, 0);
}

void tap_plan(unsigned int n)
{
	if (tap_planned >= 0 || tap_count) {
		tap_diag("tap_plan(%u) called twice or after results: a bug in the test", n);
		tap_failed++;
		return;
	}
	tap_planned = n;
	printf("1..%u\n", n);
	fflush(stdout);
}

/* A directive is what follows the first '#' of a description (TAP), if it starts with TODO. */
static bool is_todo(const char *desc)
{
	const char *h = strchr(desc, '#');

	if (!h)
		return false;
	for (h++; *h == ' ' || *h == '\t'; h++)
		;
	return !strncasecmp(h, "TODO", 4);
}

static void tap_vdiag(const char *fmt, va_list ap)
{
	char line[2048];
	char *p, *nl;

	vsnprintf(line, sizeof(line), fmt, ap);
	/* A multi-line message stays a comment on every line. */
	for (p = line; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		if (*p || nl)
			printf("# %s\n", p);
	}
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
}

int tap_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
	return -1;
}

void tap_result(bool ok, const char *fmt, ...)
{
	char desc[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	tap_count++;
	/* A "# TODO" directive marks a known gap: reported, but it does not fail the program. */
	if (!ok && !is_todo(desc))
		tap_failed++;
	printf("%sok %u - %s\n", ok ? "" : "not ", tap_count, desc);
	fflush(stdout);
}

/* The child checks where it runs: a case outside its own cgroup would test the wrong thing. */
static int check_own_cgroup(const char *cgname)
{
	char want[256], got[256] = "";
	FILE *f;

	snprintf(want, sizeof(want), "0::/%s\n", cgname);
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return tap_fail("open /proc/self/cgroup: %s", strerror(errno));
	if (!fgets(got, sizeof(got), f))
		got[0] = '\0';
	fclose(f);
	if (strcmp(got, want))
		return tap_fail("case runs in cgroup %s, not in /%s", got, cgname);
	return 0;
}

unsigned int tap_seconds(unsigned int seconds)
{
	const char *slow = getenv("E2E_SLOW");

	return slow && atoi(slow) > 1 ? seconds * atoi(slow) : seconds;
}

static void child_run(int go_fd, const char *cgname, tap_case_fn fn, void *arg)
{
	char go;
	int ret;

	/* The parent says go once it has moved us into the case's cgroup. */
	if (read(go_fd, &go, 1) != 1)
		_exit(2);
	close(go_fd);
	alarm(tap_seconds(CASE_TIMEOUT_S));
	ret = check_own_cgroup(cgname);
	if (!ret)
		ret = fn(arg);
	fflush(stdout);
	_exit(ret ? 1 : 0);
}

static bool report_child(const char *desc, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		tap_result(true, "%s", desc);
		return true;
	}
	if (WIFSIGNALED(status))
		tap_diag("case killed by signal %d (%s)%s", WTERMSIG(status),
			 strsignal(WTERMSIG(status)),
			 WTERMSIG(status) == SIGALRM ? ": timed out" : "");
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 1)
		tap_diag("case exited with status %d", WEXITSTATUS(status));
	tap_result(false, "%s", desc);
	return false;
}

/* Moves the child into its own new cgroup @cgdir and lets it run. */
static int start_child(pid_t pid, int go_fd, const char *cgdir)
{
	char procs[224], pidstr[24];
	int err;

	if (mkdir(cgdir, 0755)) {
		tap_diag("mkdir %s: %s", cgdir, strerror(errno));
		return -1;
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgdir);
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	err = write_file(procs, pidstr);
	if (err) {
		tap_diag("move case into %s: %s", cgdir, strerror(-err));
		return -1;
	}
	if (write(go_fd, "g", 1) != 1) {
		tap_diag("start case: %s", strerror(errno));
		return -1;
	}
	return 0;
}

bool tap_case(const char *desc, tap_case_fn fn, void *arg)
{
	char cgname[128], cgdir[192];
	int go[2], status;
	bool ok = false;
	pid_t pid;

	fflush(stdout);
	if (pipe2(go, O_CLOEXEC)) {
		tap_diag("pipe: %s", strerror(errno));
		tap_result(false, "%s", desc);
		return false;
	}
	pid = fork();
	if (pid < 0) {
		tap_diag("fork: %s", strerror(errno));
		tap_result(false, "%s", desc);
		close(go[0]);
		close(go[1]);
		return false;
	}
	snprintf(cgname, sizeof(cgname), "%s-%d", tap_name, pid ? pid : getpid());
	if (pid == 0) {
		close(go[1]);
		child_run(go[0], cgname, fn, arg);
	}
	close(go[0]);

	snprintf(cgdir, sizeof(cgdir), CGROUP_ROOT "/%s", cgname);
	if (start_child(pid, go[1], cgdir))
		kill(pid, SIGKILL);
	close(go[1]);

	if (waitpid(pid, &status, 0) != pid) {
		tap_diag("waitpid: %s", strerror(errno));
		tap_result(false, "%s", desc);
	} else {
		ok = report_child(desc, status);
	}
	if (rmdir(cgdir) && errno != ENOENT)
		tap_diag("rmdir %s: %s", cgdir, strerror(errno));
	return ok;
}

int tap_done(void)
{
	if (tap_planned < 0) {
		tap_diag("no tap_plan() before the results: a bug in the test");
		return 1;
	}
	if ((unsigned int)tap_planned != tap_count) {
		tap_diag("planned %d results, printed %u", tap_planned, tap_count);
		return 1;
	}
	return tap_failed ? 1 : 0;
}
