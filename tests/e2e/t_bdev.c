// SPDX-License-Identifier: GPL-2.0
/* e2e: every block device a mount opens is judged by number; block sources are never names. */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>
#include <linux/loop.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_bdev"
#define IMAGES		"/e2e/images"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define R		CGFENCE_DEV_READ
#define W		CGFENCE_DEV_WRITE

#define MOUNT_RULE(i, eff, type, src, tgt) {					\
	.id = (i), .kind = CGFENCE_RULE_MOUNT, .effect = (eff),		\
	.mount_ops = CGFENCE_MOUNT_NEW, .fstype = (type), .source = (src),	\
	.target = (tgt),							\
}
/* The children unmount what they mounted. */
#define UMOUNT_RULE(i) {							\
	.id = (i), .kind = CGFENCE_RULE_MOUNT, .effect = ALLOW,		\
	.mount_ops = CGFENCE_MOUNT_UMOUNT, .target = BASE "/mnt",		\
}
#define DEV(i, minor_, acc) {							\
	.id = (i), .kind = CGFENCE_RULE_DEVICE, .effect = ALLOW,		\
	.dev_type = CGFENCE_DEV_BLOCK, .dev_access = (acc), .major = 7,	\
	.minor = (minor_),							\
}

static int check(const char *what, int got, int want)
{
	return expect_err(what, got, want);
}

/* A loop device over a copy of @image (the guest's images are read-only to keep). */
struct loopdev {
	char dev[32];
	unsigned int minor;
	int fd;
};

static int loop_attach(struct loopdev *l, const char *image, const char *copy)
{
	char cmd[256];
	int ctl, img, n;

	l->fd = -1;
	snprintf(cmd, sizeof(cmd), "cp %s %s", image, copy);
	if (system(cmd))
		return tap_fail("host: %s failed", cmd);
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	n = ctl < 0 ? -1 : ioctl(ctl, LOOP_CTL_GET_FREE);
	if (ctl >= 0)
		close(ctl);
	if (n < 0)
		return tap_fail("host: a free loop device: %s", errname(-errno));
	l->minor = n;
	snprintf(l->dev, sizeof(l->dev), "/dev/loop%d", n);
	l->fd = open(l->dev, O_RDWR | O_CLOEXEC);
	img = open(copy, O_RDWR | O_CLOEXEC);
	if (l->fd < 0 || img < 0 || ioctl(l->fd, LOOP_SET_FD, img)) {
		tap_fail("host: bind %s to %s: %s", copy, l->dev, errname(-errno));
		if (img >= 0)
			close(img);
		return -1;
	}
	close(img);
	return 0;
}

static void loop_detach(struct loopdev *l)
{
	if (l->fd < 0)
		return;
	if (ioctl(l->fd, LOOP_CLR_FD))
		tap_diag("cleanup: LOOP_CLR_FD %s: %s", l->dev, errname(-errno));
	close(l->fd);
	l->fd = -1;
}

static struct loopdev fs_dev = { .fd = -1 }, journal_dev = { .fd = -1 };
static char journal_opt[64];

/* What a confined mount should get; each from a working directory of its own. */
struct mount_want {
	const char *cwd;	/* chdir() first */
	const char *source;	/* as given to mount(2) */
	int err;
};

static int child_mounts(void *arg)
{
	const struct mount_want *w;
	char what[160];
	int ret = 0, err;

	for (w = arg; w->source; w++) {
		if (chdir(w->cwd))
			return tap_fail("chdir %s: %s", w->cwd, errname(-errno));
		err = as_err(mount(w->source, BASE "/mnt", "ext4", 0, journal_opt));
		snprintf(what, sizeof(what), "mount(2) ext4 from \"%s\" in %s, %s", w->source,
			 w->cwd, journal_opt);
		ret |= check(what, err, w->err);
		if (!err && umount2(BASE "/mnt", 0))
			ret |= tap_fail("umount: %s", errname(-errno));
	}
	return ret;
}

/* Runs @want confined by @rules; the host's mount table must gain @want_added. */
static int bdev_round(const char *profile, const struct cgf_rule_spec *rules, unsigned int n,
		      const struct mount_want *want, const char *log_object, __u32 log_rule,
		      const char *log_op)
{
	char *before = mountinfo_read(), *after, added[512];
	struct box b;
	int ret;

	ret = box_make_spec(&b, "box", profile, ENFORCE, CGFENCE_EFFECT_ALLOW, rules, n);
	if (!ret)
		ret = run_confined(&b, NULL, child_mounts, (void *)want);
	if (!ret && log_op)
		ret = expect_klog(&b, NULL, child_mounts, (void *)want, log_op, profile,
				  log_rule, log_object);
	box_drop(&b);
	after = mountinfo_read();
	if (!before || !after) {
		ret = tap_fail("cannot read the mount table");
	} else {
		mountinfo_added(before, after, added, sizeof(added));
		if (added[0])
			ret = tap_fail("%s: the host's namespace still holds \"%s\"", profile,
				       added);
	}
	free(before);
	free(after);
	umount_below(BASE "/mnt");
	return ret;
}

/*
 * ext4 with its journal on another device: the journal is opened by ext4 itself, by
 * number, while the mount runs (no superblock names it). Without w on it, ext4 cannot
 * open it and makes EINVAL of the refusal (6.9 and later pass the EPERM on); with it,
 * the mount works.
 */
static int case_journal(void *arg)
{
	char object[32];
	const struct cgf_rule_spec fs_only[] = {
		MOUNT_RULE(1, ALLOW, "ext4", NULL, BASE "/mnt"),
		DEV(2, fs_dev.minor, R | W),
	};
	const struct cgf_rule_spec journal_ro[] = {
		MOUNT_RULE(1, ALLOW, "ext4", NULL, BASE "/mnt"),
		DEV(2, fs_dev.minor, R | W),
		DEV(3, journal_dev.minor, R),
	};
	const struct cgf_rule_spec both[] = {
		MOUNT_RULE(1, ALLOW, "ext4", NULL, BASE "/mnt"),
		DEV(2, fs_dev.minor, R | W),
		DEV(3, journal_dev.minor, R | W),
		UMOUNT_RULE(4),
	};
	const struct mount_want refused[] = {
		{ "/", fs_dev.dev, kernel_at_least(6, 9) ? -EPERM : -EINVAL }, { NULL }
	};
	const struct mount_want works[] = { { "/", fs_dev.dev, 0 }, { NULL } };
	int ret;

	(void)arg;
	snprintf(object, sizeof(object), "b 7:%u", journal_dev.minor);
	ret = bdev_round("j-fs-only", fs_only, ARRAY_SIZE(fs_only), refused, object, 0,
			 "denied op=bdev_open");
	ret |= bdev_round("j-ro", journal_ro, ARRAY_SIZE(journal_ro), refused, NULL, 0, NULL);
	/* Control: both devices allowed, the same mount works (and is unmounted again). */
	ret |= bdev_round("j-both", both, ARRAY_SIZE(both), works, NULL, 0, NULL);
	return ret;
}

/*
 * A deny rule naming the device's path refuses the mount however the path is written:
 * absolute, relative to "/" or to "/dev". A block filesystem's source is never a name.
 */
static int case_relative(void *arg)
{
	const char *name = fs_dev.dev + strlen("/dev/");
	const struct cgf_rule_spec deny_path[] = {
		MOUNT_RULE(1, ALLOW, "ext4", NULL, BASE "/mnt"),
		DEV(2, fs_dev.minor, R | W),
		DEV(3, journal_dev.minor, R | W),
		MOUNT_RULE(4, DENY, "ext4", "/dev/loop*", "/**"),
	};
	const struct cgf_rule_spec allow_name[] = {
		MOUNT_RULE(1, ALLOW, "ext4", name, BASE "/mnt"),
		DEV(2, fs_dev.minor, R | W),
		DEV(3, journal_dev.minor, R | W),
	};
	const struct cgf_rule_spec allow_any[] = {
		MOUNT_RULE(1, ALLOW, "ext4", NULL, BASE "/mnt"),
		DEV(2, fs_dev.minor, R | W),
		DEV(3, journal_dev.minor, R | W),
		UMOUNT_RULE(4),
	};
	const struct mount_want refused[] = {
		{ "/", fs_dev.dev, -EPERM },
		{ "/", fs_dev.dev + 1, -EPERM },
		{ "/dev", name, -EPERM },
		{ "/dev", "./loop-none/../", -EPERM },
		{ NULL },
	};
	const struct mount_want works[] = {
		{ "/", fs_dev.dev + 1, 0 },
		{ "/dev", name, 0 },
		{ NULL },
	};
	const struct mount_want relative[] = { { "/", fs_dev.dev + 1, -EPERM }, { NULL } };
	int ret;

	(void)arg;
	ret = bdev_round("r-deny", deny_path, ARRAY_SIZE(deny_path), refused, NULL, 0, NULL);
	/* A rule naming "loopN" is a name: it never matches the device's path. */
	ret |= bdev_round("r-name", allow_name, ARRAY_SIZE(allow_name), refused + 2, NULL, 0,
			  NULL);
	/* Control: without the deny rule, the same relative sources mount. */
	ret |= bdev_round("r-any", allow_any, ARRAY_SIZE(allow_any), works, NULL, 0, NULL);
	ret |= bdev_round("r-deny-log", deny_path, ARRAY_SIZE(deny_path), relative, NULL, 4,
			  "denied op=mount");
	return ret;
}

int main(int argc, char **argv)
{
	bool have;

	tap_init(argc, argv);
	tap_plan(5);
	umount_below(BASE);
	remove_tree(BASE);
	mkdir_p(BASE "/mnt");
	/* The image builder puts them in (tests/e2e/lib.sh); ext4 always wants crc32c. */
	have = stock_module_load("loop") > 0 && stock_module_load("crc16") > 0 &&
	       stock_module_load("crc32c_generic") > 0 &&
	       stock_module_load("mbcache") > 0 && stock_module_load("jbd2") > 0 &&
	       stock_module_load("ext4") > 0 &&
	       !loop_attach(&fs_dev, IMAGES "/ext4.img", BASE "/ext4.img") &&
	       !loop_attach(&journal_dev, IMAGES "/journal.img", BASE "/journal.img");
	snprintf(journal_opt, sizeof(journal_opt), "journal_path=%s", journal_dev.dev);
	/* Control: the host mounts the filesystem with its journal. */
	if (have && (mount(fs_dev.dev, BASE "/mnt", "ext4", 0, journal_opt) ||
		     umount2(BASE "/mnt", 0)))
		have = !tap_fail("host: mount ext4 %s: %s", journal_opt, errname(-errno));
	tap_result(have, "loop, ext4 and its modules load; the host mounts ext4 with its journal"
		   " on a second loop device");
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	if (have) {
		tap_case("ext4 external journal: EINVAL (EPERM since 6.9) without rw on the journal"
			 " device (logged bdev_open of it) or with r only; works with rw; the host sees no mount",
			 case_journal, NULL);
		tap_case("a deny naming /dev/loop* refuses the source written \"/dev/loopN\","
			 " \"dev/loopN\" from /, \"loopN\" from /dev; a rule naming \"loopN\" never"
			 " allows it; without the deny they mount", case_relative, NULL);
	} else {
		tap_result(false, "ext4 external journal: not run without the modules and images");
		tap_result(false, "relative block sources: not run without the modules and images");
	}
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	loop_detach(&fs_dev);
	loop_detach(&journal_dev);
	umount_below(BASE);
	remove_tree(BASE);
	return tap_done();
}
