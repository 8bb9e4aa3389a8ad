// SPDX-License-Identifier: GPL-2.0
/* e2e: unix sockets: a path-named peer is judged by the file rules, an abstract one outside by kind. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_unix"
#define HOSTDIR		BASE "/host"		/* where the host's services bind */
#define VIEW		BASE "/view"		/* HOSTDIR bind-mounted, in the container only */
#define HIDDEN		BASE "/hidden"		/* a tmpfs the container unmounts */
#define STREAM_SOCK	"/api.sock"
#define DGRAM_SOCK	"/log.sock"
#define HOST_ABSTRACT	"cgf-t_unix-host"
#define BOX_ABSTRACT	"cgf-t_unix-box"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE

static socklen_t addr_path(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return sizeof(*a);
}

/* An abstract name: a leading NUL, and the length says where it ends. */
static socklen_t addr_abstract(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

/* A host service: bound (and listening, for a stream) by the test itself, outside. */
static int host_bind(int type, const struct sockaddr_un *a, socklen_t len)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return tap_fail("socket: %s", errname(-errno));
	if (bind(fd, (const struct sockaddr *)a, len) ||
	    (type == SOCK_STREAM && listen(fd, 16))) {
		tap_fail("host bind/listen: %s", errname(-errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* How many connections (stream) or datagrams wait at the host's socket; drains them. */
static int host_pending(int fd, int type)
{
	char buf[64];
	int n = 0, c;

	for (;;) {
		if (type == SOCK_STREAM) {
			c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				break;
			close(c);
		} else if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0) {
			break;
		}
		n++;
	}
	return n;
}

static int try_connect(int type, const struct sockaddr_un *a, socklen_t len)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	err = as_err(connect(fd, (const struct sockaddr *)a, len));
	close(fd);
	return err;
}

static int try_sendto(const struct sockaddr_un *a, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	err = sendto(fd, "x", 1, 0, (const struct sockaddr *)a, len) == 1 ? 0 : -errno;
	close(fd);
	return err;
}

/*
 * The Docker socket layout: the host's service binds in a host directory, the runtime
 * bind-mounts it into the container (here at VIEW, in the container's own mount
 * namespace, where HOSTDIR stays visible too).
 */
static int pre_view(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("private mount namespace: %s", errname(-errno));
	if (mount(HOSTDIR, VIEW, NULL, MS_BIND, NULL))
		return tap_fail("bind %s on %s: %s", HOSTDIR, VIEW, errname(-errno));
	return 0;
}

/* Both names of each host socket: @want for every connect and send. */
static int child_named(void *arg)
{
	int want = arg ? -EACCES : 0, ret = 0;
	struct sockaddr_un a;
	socklen_t len;

	len = addr_path(&a, VIEW STREAM_SOCK);
	ret |= expect_err("connect " VIEW STREAM_SOCK, try_connect(SOCK_STREAM, &a, len), want);
	len = addr_path(&a, HOSTDIR STREAM_SOCK);
	ret |= expect_err("connect " HOSTDIR STREAM_SOCK " (the same socket, its other name)",
			  try_connect(SOCK_STREAM, &a, len), want);
	len = addr_path(&a, VIEW DGRAM_SOCK);
	ret |= expect_err("sendto " VIEW DGRAM_SOCK, try_sendto(&a, len), want);
	ret |= expect_err("connect (datagram) " VIEW DGRAM_SOCK,
			  try_connect(SOCK_DGRAM, &a, len), want);
	return ret;
}

static int case_named(void *arg)
{
	static const struct cgf_file_rule deny_api[] = {
		{ 1, DENY, CGFENCE_FILE_WRITE, VIEW STREAM_SOCK },
		{ 2, DENY, CGFENCE_FILE_WRITE, VIEW DGRAM_SOCK },
	};
	static const struct cgf_file_rule deny_other[] = {
		{ 1, DENY, CGFENCE_FILE_WRITE, VIEW "/other.sock" },
	};
	struct sockaddr_un a;
	int stream = -1, dgram = -1, n, ret = -1;
	struct box b;

	(void)arg;
	if (mkdir_p(HOSTDIR) || mkdir_p(VIEW))
		return -1;
	unlink(HOSTDIR STREAM_SOCK);
	unlink(HOSTDIR DGRAM_SOCK);
	stream = host_bind(SOCK_STREAM, &a, addr_path(&a, HOSTDIR STREAM_SOCK));
	dgram = host_bind(SOCK_DGRAM, &a, addr_path(&a, HOSTDIR DGRAM_SOCK));
	if (stream < 0 || dgram < 0)
		goto out;
	if (box_make(&b, "box", "unix-deny", ENFORCE, ALLOW, deny_api, 2))
		goto out;
	if (run_confined(&b, pre_view, child_named, (void *)1))
		goto out_box;
	n = host_pending(stream, SOCK_STREAM) + host_pending(dgram, SOCK_DGRAM);
	if (n) {
		tap_fail("the host's sockets got %d connections or datagrams", n);
		goto out_box;
	}
	box_drop(&b);
	/* Control: a rule on another name; both names reach the host's sockets. */
	if (box_make(&b, "box", "unix-other", ENFORCE, ALLOW, deny_other, 1) ||
	    run_confined(&b, pre_view, child_named, NULL))
		goto out_box;
	n = host_pending(stream, SOCK_STREAM);
	if (n != 2) {
		tap_fail("%d connections reached the host's stream socket, not 2", n);
		goto out_box;
	}
	n = host_pending(dgram, SOCK_DGRAM);
	if (n != 1) {
		tap_fail("%d datagrams reached the host's datagram socket, not 1", n);
		goto out_box;
	}
	ret = 0;
out_box:
	box_drop(&b);
out:
	if (stream >= 0)
		close(stream);
	if (dgram >= 0)
		close(dgram);
	return ret;
}

/*
 * A socket on a mount the container's namespace does not have (it unmounted the host's
 * tmpfs), reached through a descriptor it kept: "unreachable:", refused unless a rule
 * grants w on that kind.
 */
static int hidden_fd = -1;

static int pre_hide(void *arg)
{
	(void)arg;
	hidden_fd = open(HIDDEN STREAM_SOCK, O_PATH);
	if (hidden_fd < 0)
		return tap_fail("open O_PATH %s: %s", HIDDEN STREAM_SOCK, errname(-errno));
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    umount2(HIDDEN, MNT_DETACH))
		return tap_fail("unmount %s in a new mount namespace: %s", HIDDEN, errname(-errno));
	return 0;
}

static int child_hidden(void *arg)
{
	struct sockaddr_un a;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", hidden_fd);
	return expect_err("connect through /proc/self/fd to a socket on no mount of the namespace",
			  try_connect(SOCK_STREAM, &a, addr_path(&a, path)), arg ? 0 : -EACCES);
}

static int case_unreachable(void *arg)
{
	static const struct cgf_file_rule allow_unreachable[] = {
		{ 1, ALLOW, CGFENCE_FILE_WRITE, CGFENCE_OBJECT_UNREACHABLE },
	};
	struct sockaddr_un a;
	int fd = -1, n, ret = -1;
	struct box b;

	(void)arg;
	if (mkdir_p(HIDDEN) || mount("tmpfs", HIDDEN, "tmpfs", 0, NULL))
		return tap_fail("mount tmpfs on %s: %s", HIDDEN, errname(-errno));
	fd = host_bind(SOCK_STREAM, &a, addr_path(&a, HIDDEN STREAM_SOCK));
	if (fd < 0 || box_make(&b, "box", "unix-hidden", ENFORCE, ALLOW, NULL, 0))
		goto out;
	if (run_confined(&b, pre_hide, child_hidden, NULL))
		goto out_box;
	n = host_pending(fd, SOCK_STREAM);
	if (n) {
		tap_fail("%d connections reached the hidden socket", n);
		goto out_box;
	}
	box_drop(&b);
	if (box_make(&b, "box", "unix-hidden-ok", ENFORCE, ALLOW, allow_unreachable, 1) ||
	    run_confined(&b, pre_hide, child_hidden, (void *)1))
		goto out_box;
	n = host_pending(fd, SOCK_STREAM);
	if (n != 1) {
		tap_fail("%d connections reached the hidden socket under allow w unreachable:, not 1",
			 n);
		goto out_box;
	}
	ret = 0;
out_box:
	box_drop(&b);
out:
	if (fd >= 0)
		close(fd);
	umount2(HIDDEN, MNT_DETACH);
	return ret;
}

/*
 * Abstract names: the host's service (bound outside the container) is "abstract:", which
 * nothing is granted without a rule; a service the container binds itself is not judged.
 */
static int child_abstract(void *arg)
{
	int want = arg ? 0 : -EACCES, own, ret = 0;
	struct sockaddr_un a;
	socklen_t len;

	len = addr_abstract(&a, HOST_ABSTRACT);
	ret |= expect_err("connect @" HOST_ABSTRACT " (the host's)",
			  try_connect(SOCK_STREAM, &a, len), want);
	len = addr_abstract(&a, BOX_ABSTRACT);
	own = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (own < 0 || bind(own, (struct sockaddr *)&a, len) || listen(own, 4))
		return tap_fail("bind @" BOX_ABSTRACT " in the container: %s", errname(-errno));
	ret |= expect_err("connect @" BOX_ABSTRACT " (the container's own)",
			  try_connect(SOCK_STREAM, &a, len), 0);
	close(own);
	return ret;
}

static int case_abstract(void *arg)
{
	static const struct cgf_file_rule allow_abstract[] = {
		{ 1, ALLOW, CGFENCE_FILE_WRITE, CGFENCE_OBJECT_ABSTRACT },
	};
	struct sockaddr_un a;
	int fd, n, ret = -1;
	struct box b;

	(void)arg;
	fd = host_bind(SOCK_STREAM, &a, addr_abstract(&a, HOST_ABSTRACT));
	if (fd < 0)
		return -1;
	if (box_make(&b, "box", "unix-abs", ENFORCE, ALLOW, NULL, 0) ||
	    run_confined(&b, NULL, child_abstract, NULL))
		goto out_box;
	n = host_pending(fd, SOCK_STREAM);
	if (n) {
		tap_fail("%d connections reached the host's abstract socket", n);
		goto out_box;
	}
	box_drop(&b);
	if (box_make(&b, "box", "unix-abs-ok", ENFORCE, ALLOW, allow_abstract, 1) ||
	    run_confined(&b, NULL, child_abstract, (void *)1))
		goto out_box;
	n = host_pending(fd, SOCK_STREAM);
	if (n != 1) {
		tap_fail("%d connections reached the host's abstract socket under allow w abstract:",
			 n);
		goto out_box;
	}
	ret = 0;
out_box:
	box_drop(&b);
	close(fd);
	return ret;
}

static int child_one_connect(void *arg)
{
	struct sockaddr_un a;

	(void)arg;
	return expect_err("connect", try_connect(SOCK_STREAM, &a, addr_path(&a, VIEW STREAM_SOCK)),
			  -EACCES);
}

static int case_record(void *arg)
{
	static const struct cgf_file_rule deny_api[] = {
		{ 7, DENY, CGFENCE_FILE_WRITE, VIEW STREAM_SOCK },
	};
	struct sockaddr_un a;
	int fd, ret = -1;
	struct box b;

	(void)arg;
	unlink(HOSTDIR STREAM_SOCK);
	fd = host_bind(SOCK_STREAM, &a, addr_path(&a, HOSTDIR STREAM_SOCK));
	if (fd < 0)
		return -1;
	if (!box_make(&b, "box", "unix-rec", ENFORCE, ALLOW, deny_api, 1))
		ret = expect_klog(&b, pre_view, child_one_connect, NULL, "denied op=unix_connect",
				  "unix-rec", 7, VIEW STREAM_SOCK);
	box_drop(&b);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(6);
	umount_below(BASE);
	remove_tree(BASE);
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	tap_case("a host socket bind-mounted in: deny w on its container path refuses connect,"
		 " sendto and datagram connect (EACCES) under both names it has there, nothing"
		 " reaches the host; with a rule on another path all get through",
		 case_named, NULL);
	tap_case("a socket on no mount of the container's namespace (through /proc/self/fd) is"
		 " unreachable: EACCES, and connects under allow w unreachable:",
		 case_unreachable, NULL);
	tap_case("the host's abstract socket: EACCES without a rule, connects under allow w"
		 " abstract:; the container's own abstract socket connects either way",
		 case_abstract, NULL);
	tap_case("a refused connect is recorded as op=unix_connect with the container's path",
		 case_record, NULL);
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	umount_below(BASE);
	remove_tree(BASE);
	return tap_done();
}
