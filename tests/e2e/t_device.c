// SPDX-License-Identifier: GPL-2.0
/* e2e: device rules on confined tasks: mknod, open by number, ptys, block-device mounts. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <linux/minix_fs.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_device"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define COMPLAIN	CGFENCE_MODE_COMPLAIN

#define R		CGFENCE_DEV_READ
#define W		CGFENCE_DEV_WRITE
#define M		CGFENCE_DEV_MKNOD
#define CHR		CGFENCE_DEV_CHAR
#define BLK		CGFENCE_DEV_BLOCK
#define ANY		CGFENCE_DEV_ANY

#define DEV(i, eff, type, maj, min, acc) {					\
	.id = (i), .kind = CGFENCE_RULE_DEVICE, .effect = (eff), .dev_type = (type),	\
	.major = (maj), .minor = (min), .dev_access = (acc),			\
}
#define FILE_RULE(i, eff, perm, p) {						\
	.id = (i), .kind = CGFENCE_RULE_FILE, .effect = (eff), .perms = (perm),	\
	.path = (p),								\
}
#define MOUNT_RULE(i, eff, type, tgt) {						\
	.id = (i), .kind = CGFENCE_RULE_MOUNT, .effect = (eff),			\
	.mount_ops = CGFENCE_MOUNT_NEW, .fstype = (type), .target = (tgt),	\
}

static int check(const char *what, int got, int want)
{
	return expect_err(what, got, want);
}

static int check_open(const char *path, int flags, int want)
{
	char what[320];

	snprintf(what, sizeof(what), "open(%s, %s)", path,
		 (flags & O_ACCMODE) == O_RDONLY ? "O_RDONLY" :
		 (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDWR");
	return check(what, try_open(path, flags), want);
}

static int check_mknod(const char *path, mode_t type, unsigned int maj, unsigned int min,
		       int want)
{
	char what[320];
	struct stat st;
	int err;

	snprintf(what, sizeof(what), "mknod %s %c %u:%u", path, S_ISBLK(type) ? 'b' : 'c', maj,
		 min);
	err = as_err(mknod(path, type | 0600, makedev(maj, min)));
	if (check(what, err, want))
		return -1;
	if (lstat(path, &st))
		return want ? 0 : tap_fail("%s: the node is not there", what);
	if (want)
		return tap_fail("%s: refused, yet the node exists", what);
	if ((st.st_mode & S_IFMT) != type || st.st_rdev != makedev(maj, min))
		return tap_fail("%s: made %c %u:%u", what, S_ISBLK(st.st_mode) ? 'b' : 'c',
				major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

/* The host makes a node, by whatever name it likes: the container cannot do that. */
static int host_node(const char *path, mode_t type, unsigned int maj, unsigned int min)
{
	unlink(path);
	if (mknod(path, type | 0666, makedev(maj, min)))
		return tap_fail("host: mknod %s: %s", path, errname(-errno));
	return 0;
}

/* The loop driver (a disk to open), and minix too (a filesystem on it to mount). */
static bool have_loop, have_block;

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

/*
 * Reports, all in one case so that the node-wide rate limit of the kernel log (20 lines
 * in 5 s) is not yet spent: complain mode lets devices the profile does not list open
 * and be made, logged would-deny; enforce logs denied, with the device as the object and
 * the id of the deny rule that decided (0: no rule allowed it).
 */
#define REP BASE "/rep"

static int child_rep_open_zero(void *arg)
{
	(void)arg;
	return check_open("/dev/zero", O_RDONLY, 0);
}

static int child_rep_mknod(void *arg)
{
	unlink(REP "/null");
	return check_mknod(REP "/null", S_IFCHR, 1, 3, *(const int *)arg);
}

static int child_rep_open_mem(void *arg)
{
	(void)arg;
	return check_open(REP "/harmless", O_RDONLY, -EACCES);
}

static int case_reports(void *arg)
{
	static const struct cgf_rule_spec deny_wins[] = {
		DEV(1, ALLOW, CHR, 1, ANY, R | W),
		DEV(2, DENY, CHR, 1, 1, R | W),
	};
	static const int allowed = 0, refused = -EPERM;
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(REP) || host_node(REP "/harmless", S_IFCHR, 1, 1))
		goto out;
	if (box_make_spec(&b, "box", "d-complain", COMPLAIN, ALLOW, NULL, 0) ||
	    expect_klog(&b, NULL, child_rep_open_zero, NULL, "would-deny op=device_open",
			"d-complain", 0, "c 1:5") ||
	    expect_klog(&b, NULL, child_rep_mknod, (void *)&allowed, "would-deny op=device_mknod",
			"d-complain", 0, "c 1:3"))
		goto out_box;
	box_drop(&b);
	if (box_make_spec(&b, "box", "d-none", ENFORCE, ALLOW, NULL, 0) ||
	    expect_klog(&b, NULL, child_rep_mknod, (void *)&refused, "denied op=device_mknod",
			"d-none", 0, "c 1:3") ||
	    expect_klog(&b, NULL, child_rep_open_mem, NULL, "denied op=device_open", "d-none", 0,
			"c 1:1"))
		goto out_box;
	box_drop(&b);
	/* The host's node named harmless is c 1:1: deny c 1:1 wins over allow c 1:*. */
	if (box_make_spec(&b, "box", "d-wild", ENFORCE, ALLOW, deny_wins, ARRAY_SIZE(deny_wins)))
		goto out_box;
	ret = expect_klog(&b, NULL, child_rep_open_mem, NULL, "denied op=device_open", "d-wild", 2,
			  "c 1:1");
out_box:
	box_drop(&b);
out:
	remove_tree(REP);
	return ret;
}

/*
 * mknod of a device needs "m" for its type and number, and "c" on the new name; a FIFO
 * needs no device rule. 10:300 checks the decoding of mknod's dev argument: its low
 * byte alone would read 10:44.
 */
#define MKN BASE "/mk"

static int child_mknod_none(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check_mknod(MKN "/null", S_IFCHR, 1, 3, -EPERM);
	ret |= check_mknod(MKN "/sda", S_IFBLK, 8, 0, -EPERM);
	ret |= check("mknod a FIFO (no device)", as_err(mknod(MKN "/fifo", S_IFIFO | 0600, 0)), 0);
	return ret;
}

static int child_mknod(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check_mknod(MKN "/ok/null", S_IFCHR, 1, 3, 0);
	ret |= check_mknod(MKN "/ok/sda", S_IFBLK, 8, 0, 0);
	ret |= check_mknod(MKN "/ok/big", S_IFCHR, 10, 300, 0);
	ret |= check_mknod(MKN "/ok/small", S_IFCHR, 10, 44, -EPERM);
	ret |= check_mknod(MKN "/ok/b1_3", S_IFBLK, 1, 3, -EPERM);
	ret |= check_mknod(MKN "/ok/zero", S_IFCHR, 1, 5, -EPERM);
	ret |= check_mknod(MKN "/ok/mem", S_IFCHR, 1, 1, -EPERM);
	/* The device is allowed, the name is not. */
	ret |= check_mknod(MKN "/noc/null", S_IFCHR, 1, 3, -EACCES);
	return ret;
}

static int case_mknod(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		FILE_RULE(1, ALLOW, CGFENCE_FILE_CREATE, MKN "/ok/**"),
		DEV(2, ALLOW, CHR, 1, 3, M),
		DEV(3, ALLOW, BLK, 8, 0, M),
		DEV(4, ALLOW, CHR, 10, 300, M),
		DEV(5, ALLOW, CHR, 1, 5, R | W),
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(MKN "/ok") || mkdir_p(MKN "/noc"))
		goto out;
	/* Files allowed by default, no device rule. */
	if (box_make_spec(&b, "box", "d-none", ENFORCE, ALLOW, NULL, 0) ||
	    run_confined(&b, NULL, child_mknod_none, NULL))
		goto out_box;
	box_drop(&b);
	/* Files denied by default but "c" below ok/. */
	if (box_make_spec(&b, "box", "d-mknod", ENFORCE, DENY, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_confined(&b, NULL, child_mknod, NULL);
out_box:
	box_drop(&b);
out:
	remove_tree(MKN);
	return ret;
}

/*
 * Opening a device is judged by its number: the host's nodes under other names, in a
 * directory the container reaches, are the same devices. The node's path is judged too.
 */
#define OPN BASE "/op"

static int child_open(void *arg)
{
	int fd, ret = 0;

	(void)arg;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ret |= check("open(/dev/null, O_RDWR)", fd < 0 ? -errno : 0, 0);
	if (fd >= 0) {
		ret |= check("write /dev/null", write(fd, "x", 1) == 1 ? 0 : -EIO, 0);
		close(fd);
	}
	ret |= check_open(OPN "/mem", O_RDWR, 0);		/* c 1:3 named mem */
	ret |= check_open(OPN "/harmless", O_RDONLY, -EACCES);	/* c 1:1 */
	ret |= check_open("/dev/mem", O_RDONLY, -EACCES);
	ret |= check_open("/dev/zero", O_RDONLY, -EACCES);	/* c 1:5: no rule */
	ret |= check_open(OPN "/disk", O_RDONLY, -EACCES);	/* b 7:0 */
	if (access("/dev/loop0", F_OK) == 0)
		ret |= check_open("/dev/loop0", O_RDONLY, -EACCES);
	ret |= check_open(OPN "/b1_3", O_RDONLY, -EACCES);	/* b 1:3: "c" rules only */
	ret |= check_open(OPN "/nopath", O_RDWR, -EACCES);	/* c 1:3, path denied */
	/* O_PATH opens nothing: no access is asked of the device. */
	ret |= check_open(OPN "/harmless", O_PATH, 0);
	return ret;
}

/* r and w are separate: a device allowed "r" opens for reading only. */
static int child_open_access(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check_open("/dev/zero", O_RDONLY, 0);
	ret |= check_open("/dev/zero", O_WRONLY, -EACCES);
	ret |= check_open("/dev/zero", O_RDWR, -EACCES);
	ret |= check_open("/dev/null", O_WRONLY, 0);		/* "w" without "r" */
	ret |= check_open("/dev/null", O_RDONLY, -EACCES);
	ret |= check_open("/dev/null", O_RDWR, -EACCES);
	ret |= check_open("/dev/full", O_RDONLY, 0);		/* deny w leaves r */
	ret |= check_open("/dev/full", O_WRONLY, -EACCES);
	ret |= check_open("/dev/full", O_RDWR, -EACCES);
	ret |= check_open(OPN "/disk", O_RDWR, -EACCES);
	/* Unbound, the loop device opens; without the loop driver, ENXIO comes after us. */
	ret |= check_open(OPN "/disk", O_RDONLY, have_loop ? 0 : -ENXIO);
	return ret;
}

static int child_open_deny_wins(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check_open("/dev/null", O_RDWR, 0);
	ret |= check_open("/dev/zero", O_RDWR, 0);
	ret |= check_open("/dev/full", O_RDWR, 0);
	ret |= check_open("/dev/urandom", O_RDONLY, 0);
	/* c 1:11: the device rule allows it; reading the kernel log needs the kernel rule syslog. */
	ret |= check_open("/dev/kmsg", O_WRONLY, 0);
	ret |= check_open("/dev/kmsg", O_RDONLY, -EPERM);
	ret |= check_open("/dev/mem", O_RDONLY, -EACCES);
	ret |= check_open(OPN "/harmless", O_RDONLY, -EACCES);
	ret |= check_open("/dev/ptmx", O_RDWR, -EACCES);	/* c 5:2: another major */
	ret |= check_open(OPN "/b1_3", O_RDONLY, -EACCES);	/* b: another type */
	return ret;
}

static int case_open(void *arg)
{
	static const struct cgf_rule_spec null_only[] = {
		FILE_RULE(1, DENY, CGFENCE_FILE_READ | CGFENCE_FILE_WRITE, OPN "/nopath"),
		DEV(2, ALLOW, CHR, 1, 3, R | W),
	};
	static const struct cgf_rule_spec access_bits[] = {
		DEV(1, ALLOW, CHR, 1, 5, R),
		DEV(2, ALLOW, CHR, 1, 3, W),
		DEV(3, ALLOW, BLK, 7, 0, R),
		DEV(4, ALLOW, CHR, 1, 7, R | W),
		DEV(5, DENY, CHR, 1, 7, W),
	};
	static const struct cgf_rule_spec deny_wins[] = {
		DEV(1, ALLOW, CHR, 1, ANY, R | W),
		DEV(2, DENY, CHR, 1, 1, R | W),
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(OPN) || host_node(OPN "/harmless", S_IFCHR, 1, 1) ||
	    host_node(OPN "/mem", S_IFCHR, 1, 3) || host_node(OPN "/disk", S_IFBLK, 7, 0) ||
	    host_node(OPN "/b1_3", S_IFBLK, 1, 3) || host_node(OPN "/nopath", S_IFCHR, 1, 3))
		goto out;
	/* Controls: the host opens what the container may not. */
	if (check_open(OPN "/harmless", O_RDONLY, 0) ||
	    check_open(OPN "/disk", O_RDONLY, have_loop ? 0 : -ENXIO))
		goto out;
	if (box_make_spec(&b, "box", "d-open", ENFORCE, ALLOW, null_only, ARRAY_SIZE(null_only)) ||
	    run_confined(&b, NULL, child_open, NULL))
		goto out_box;
	box_drop(&b);
	if (box_make_spec(&b, "box", "d-access", ENFORCE, ALLOW, access_bits,
			  ARRAY_SIZE(access_bits)) ||
	    run_confined(&b, NULL, child_open_access, NULL))
		goto out_box;
	box_drop(&b);
	/* allow c 1:* rw with deny c 1:1 rw: the deny wins. */
	if (box_make_spec(&b, "box", "d-wild", ENFORCE, ALLOW, deny_wins, ARRAY_SIZE(deny_wins)))
		goto out_box;
	ret = run_confined(&b, NULL, child_open_deny_wins, NULL);
out_box:
	box_drop(&b);
out:
	remove_tree(OPN);
	return ret;
}

/*
 * A terminal under the shipped docker-default profile, loaded through the tool: ptmx
 * (5:2) and the pty slave (136:N, allowed by 136:*) open, and the terminal carries
 * data. A devpts of its own is mounted in a private namespace before confinement.
 */
#define PTY BASE "/pty"

/* Opens a pty pair: 0 and both descriptors, or -errno of the step that failed. */
static int open_pty(int *master, int *slave, char *name, size_t size)
{
	int err;

	*slave = -1;
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return -errno;
	if (grantpt(*master) || unlockpt(*master) || ptsname_r(*master, name, size)) {
		err = -errno;
		close(*master);
		return tap_fail("grantpt/unlockpt/ptsname: %s", errname(err));
	}
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0) {
		err = -errno;
		close(*master);
		return err;
	}
	return 0;
}

static int child_pty_docker(void *arg)
{
	char name[64], buf[64];
	int master, slave, ret = 0, err;
	ssize_t n;

	(void)arg;
	err = open_pty(&master, &slave, name, sizeof(name));
	if (err)
		return tap_fail("open a pty (/dev/ptmx, then its slave): %s", errname(err));
	tap_diag("pty slave %s", name);
	ret |= check("write the terminal", write(slave, "ping\n", 5) == 5 ? 0 : -errno, 0);
	n = read(master, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (strncmp(buf, "ping", 4))
		ret |= tap_fail("read from the master: \"%s\", want ping", buf);
	close(slave);
	close(master);
	/* The rest of docker-default's device list, and what it leaves out. */
	ret |= check_open("/dev/null", O_RDWR, 0);
	ret |= check_open("/dev/urandom", O_RDONLY, 0);
	ret |= check_open("/dev/mem", O_RDONLY, -EACCES);
	ret |= check_mknod(PTY "/null", S_IFCHR, 1, 3, 0);
	ret |= check_mknod(PTY "/sda", S_IFBLK, 8, 0, -EPERM);
	ret |= check_mknod(PTY "/fuse", S_IFCHR, 10, 229, -EPERM);
	ret |= check("mount tmpfs (docker-default has no mount rule)",
		     as_err(mount("tmpfs", PTY, "tmpfs", 0, NULL)), -EPERM);
	return ret;
}

static int child_pty_no_pts(void *arg)
{
	char name[64];
	int master, slave, err;

	(void)arg;
	err = open_pty(&master, &slave, name, sizeof(name));
	if (!err) {
		close(slave);
		close(master);
	}
	return check("open the pty slave without a 136:* rule", err, -EACCES);
}

static int case_pty(void *arg)
{
	static const struct cgf_rule_spec ptmx_only[] = {
		DEV(1, ALLOW, CHR, 5, 2, R | W),
		DEV(2, ALLOW, CHR, 136, 1000, R | W),
	};
	struct box b = { 0 };
	bool made_pts = false;
	int ret = -1;

	(void)arg;
	if (mkdir_p(PTY))
		goto out;
	made_pts = mkdir("/dev/pts", 0755) == 0;
	if (!made_pts && errno != EEXIST) {
		tap_fail("mkdir /dev/pts: %s", errname(-errno));
		goto out;
	}
	if (box_make_shipped(&b, "box", "docker-default"))
		goto out_box;
	if (run_confined(&b, pre_devpts, child_pty_docker, NULL))
		goto out_box;
	box_drop(&b);
	if (box_make_spec(&b, "box", "d-ptmx", ENFORCE, ALLOW, ptmx_only, ARRAY_SIZE(ptmx_only)))
		goto out_box;
	ret = run_confined(&b, pre_devpts, child_pty_no_pts, NULL);
out_box:
	box_drop(&b);
out:
	if (made_pts)
		rmdir("/dev/pts");
	remove_tree(PTY);
	return ret;
}

/*
 * A filesystem on a block device is judged by the device's number when its superblock
 * is made, whatever path named it: mount(2) of /dev/loopN or of a host alias, and
 * fsconfig(FSCONFIG_CMD_CREATE). The device is a loop device over a minix image the
 * test writes itself (the VM has no mkfs for any filesystem it could mount).
 */
#define BLKD BASE "/blk"
#define IMG_BLOCKS 64

/* A valid minix v1 filesystem: boot, super, inode map, zone map, inodes, root dir. */
static int write_minix_image(const char *path)
{
	static unsigned char img[IMG_BLOCKS * 1024];
	struct minix_super_block *sb = (void *)(img + 1024);
	struct minix_inode *root = (void *)(img + 4 * 1024);
	struct minix_dir_entry *de;
	int fd;

	memset(img, 0, sizeof(img));
	sb->s_ninodes = 32;
	sb->s_nzones = IMG_BLOCKS;
	sb->s_imap_blocks = 1;
	sb->s_zmap_blocks = 1;
	sb->s_firstdatazone = 5;
	sb->s_log_zone_size = 0;
	sb->s_max_size = (7 + 512 + 512 * 512) * 1024;
	sb->s_magic = MINIX_SUPER_MAGIC;
	sb->s_state = MINIX_VALID_FS;
	img[2 * 1024] = 0x03;	/* inode map: bit 0 reserved, inode 1 (root) */
	img[3 * 1024] = 0x03;	/* zone map: bit 0 reserved, zone 5 (root's data) */
	root->i_mode = S_IFDIR | 0755;
	root->i_size = 32;
	root->i_nlinks = 2;
	root->i_zone[0] = 5;
	de = (void *)(img + 5 * 1024);
	de->inode = MINIX_ROOT_INO;
	strcpy(de->name, ".");
	de = (void *)(img + 5 * 1024 + 16);
	de->inode = MINIX_ROOT_INO;
	strcpy(de->name, "..");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, img, sizeof(img)) != (ssize_t)sizeof(img)) {
		tap_fail("write %s: %s", path, errname(-errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

struct blk_ctx {
	char dev[32];		/* /dev/loopN */
	unsigned int minor;
	int loop_fd;
	bool bound;
};

static int blk_setup(struct blk_ctx *k)
{
	int ctl, img, n;

	k->loop_fd = -1;
	if (mkdir_p(BLKD "/mnt") || mkdir_p(BLKD "/mnt2") || mkdir_p(BLKD "/hostmnt") ||
	    write_minix_image(BLKD "/img"))
		return -1;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return tap_fail("open /dev/loop-control: %s", errname(-errno));
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0)
		return tap_fail("LOOP_CTL_GET_FREE: %s", errname(-errno));
	k->minor = n;
	snprintf(k->dev, sizeof(k->dev), "/dev/loop%d", n);
	k->loop_fd = open(k->dev, O_RDWR | O_CLOEXEC);
	img = open(BLKD "/img", O_RDWR | O_CLOEXEC);
	if (k->loop_fd < 0 || img < 0)
		return tap_fail("open %s and the image: %s", k->dev, errname(-errno));
	if (ioctl(k->loop_fd, LOOP_SET_FD, img)) {
		close(img);
		return tap_fail("LOOP_SET_FD: %s", errname(-errno));
	}
	close(img);
	k->bound = true;
	if (host_node(BLKD "/harmless", S_IFBLK, 7, k->minor))
		return -1;
	/* Control: the image is a filesystem the host can mount from the device. */
	if (mount(k->dev, BLKD "/hostmnt", "minix", MS_RDONLY, NULL))
		return tap_fail("host: mount %s (minix) read-only: %s", k->dev, errname(-errno));
	if (umount2(BLKD "/hostmnt", 0))
		return tap_fail("host: umount: %s", errname(-errno));
	return 0;
}

static void blk_teardown(struct blk_ctx *k)
{
	umount_below(BLKD);
	if (k->bound && ioctl(k->loop_fd, LOOP_CLR_FD))
		tap_diag("cleanup: LOOP_CLR_FD: %s", errname(-errno));
	if (k->loop_fd >= 0)
		close(k->loop_fd);
	remove_tree(BLKD);
}

/* fsopen("minix") + source + ro + FSCONFIG_CMD_CREATE: where the superblock is made. */
static int fsconfig_create(const char *source)
{
	int fs, err = 0;

	fs = syscall(SYS_fsopen, "minix", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", source, 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		err = -errno;
	close(fs);
	return err;
}

struct blk_want {
	const struct blk_ctx *k;
	int rw;		/* mount(2) read-write */
	int create;	/* fsconfig(FSCONFIG_CMD_CREATE), read-only */
	int ro;		/* mount(2) read-only */
};

static int child_blk(void *arg)
{
	const struct blk_want *w = arg;
	struct statfs sf;
	int ret = 0, err;

	/* Read-write first: once a read-only superblock exists, it would be EBUSY. */
	ret |= check("mount(2) the alias read-write", as_err(mount(BLKD "/harmless", BLKD "/mnt",
								   "minix", 0, NULL)), w->rw);
	if (!w->rw)
		ret |= check("umount it", as_err(umount2(BLKD "/mnt", 0)), 0);
	/* Mount rules are judged when the tree is attached; the device, right here. */
	ret |= check("fsconfig CMD_CREATE of minix on the device, ro",
		     fsconfig_create(w->k->dev), w->create);
	ret |= check("mount(2) the alias read-only",
		     as_err(mount(BLKD "/harmless", BLKD "/mnt", "minix", MS_RDONLY, NULL)), w->ro);
	/* Elsewhere: the same superblock twice on one mount point would be EBUSY. */
	err = as_err(mount(w->k->dev, BLKD "/mnt2", "minix", MS_RDONLY, NULL));
	ret |= check("mount(2) the device read-only", err, w->ro);
	if (!err && (statfs(BLKD "/mnt2", &sf) || sf.f_type != MINIX_SUPER_MAGIC))
		ret |= tap_fail("the mount is not minix");
	return ret;
}

static int child_blk_ro(void *arg)
{
	const struct blk_want *w = arg;

	return check("mount(2) the device read-only",
		     as_err(mount(w->k->dev, BLKD "/mnt2", "minix", MS_RDONLY, NULL)), w->ro);
}

static int blk_round(const char *profile, const struct cgf_rule_spec *rules, unsigned int n,
		     const struct blk_want *w, const char *want_added, bool log)
{
	char *before = mountinfo_read(), *after, added[512], object[32];
	struct box b;
	int ret;

	ret = box_make_spec(&b, "box", profile, ENFORCE, ALLOW, rules, n);
	if (!ret)
		ret = run_confined(&b, NULL, child_blk, (void *)w);
	snprintf(object, sizeof(object), "b 7:%u", w->k->minor);
	/*
	 * The refusal is the device's: no rule allows it (rule 0). Since 6.9 the mount's
	 * open of its device by path passes the judged by-number open: refused there.
	 */
	if (!ret && log)
		ret = expect_klog(&b, NULL, child_blk_ro, (void *)w,
				  kernel_at_least(6, 9) ? "denied op=bdev_open" : "denied op=device_mount",
				  profile, 0, object);
	box_drop(&b);
	after = mountinfo_read();
	if (before && after) {
		mountinfo_added(before, after, added, sizeof(added));
		if (strcmp(added, want_added))
			ret = tap_fail("%s: new mounts in the host's namespace: \"%s\","
				       " want \"%s\"", profile, added, want_added);
	}
	free(before);
	free(after);
	umount_below(BLKD "/mnt");
	umount_below(BLKD "/mnt2");
	return ret;
}

/*
 * A read-only mount allowed by "r" alone, then remounted read-write (the profile allows
 * remounts): the filesystem on the device ends up writable. "w unless read-only" has to
 * hold for the mount the remount results in, or "r" is as good as "rw".
 */
static int child_blk_remount(void *arg)
{
	const struct blk_want *w = arg;
	int ret, err;

	ret = check("mount(2) the device read-only",
		    as_err(mount(w->k->dev, BLKD "/mnt2", "minix", MS_RDONLY, NULL)), 0);
	if (ret)
		return ret;
	err = as_err(mount(NULL, BLKD "/mnt2", NULL, MS_REMOUNT, NULL));
	if (check("remount it read-write without 'w' on the device", err, -EPERM) && !err) {
		tap_diag("create a file on the device's filesystem: %s",
			 errname(try_open(BLKD "/mnt2/written", O_CREAT | O_WRONLY)));
		return -1;
	}
	return ret;
}

static int blk_remount_round(const struct blk_ctx *k)
{
	const struct cgf_rule_spec rules[] = {
		MOUNT_RULE(1, ALLOW, "minix", BLKD "/mnt*"),
		DEV(2, ALLOW, BLK, 7, k->minor, R),
		{ .id = 3, .kind = CGFENCE_RULE_MOUNT, .effect = ALLOW,
		  .mount_ops = CGFENCE_MOUNT_REMOUNT, .target = BLKD "/mnt*" },
	};
	const struct blk_want w = { k, -EPERM, 0, 0 };
	struct box b;
	int ret;

	ret = box_make_spec(&b, "box", "b-remount", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules));
	if (!ret)
		ret = run_confined(&b, NULL, child_blk_remount, (void *)&w);
	box_drop(&b);
	umount_below(BLKD "/mnt2");
	return ret;
}

static int case_block_mount(void *arg)
{
	struct blk_ctx k = { .loop_fd = -1 };
	int ret = -1;

	(void)arg;
	if (blk_setup(&k))
		goto out;
	{
		const struct cgf_rule_spec no_mount_rule[] = {
			DEV(1, ALLOW, BLK, 7, k.minor, R | W),
		};
		const struct cgf_rule_spec no_device_rule[] = {
			MOUNT_RULE(1, ALLOW, "minix", BLKD "/mnt*"),
			DEV(2, ALLOW, BLK, 7, k.minor + 1, R | W),	/* another loop device */
			DEV(3, ALLOW, CHR, 7, k.minor, R | W),		/* another type */
		};
		const struct cgf_rule_spec read_only[] = {
			MOUNT_RULE(1, ALLOW, "minix", BLKD "/mnt*"),
			DEV(2, ALLOW, BLK, 7, k.minor, R),
		};
		const struct cgf_rule_spec read_write[] = {
			MOUNT_RULE(1, ALLOW, "minix", BLKD "/mnt*"),
			DEV(2, ALLOW, BLK, 7, k.minor, R | W),
			{ .id = 3, .kind = CGFENCE_RULE_MOUNT, .effect = ALLOW,
			  .mount_ops = CGFENCE_MOUNT_UMOUNT, .target = BLKD "/mnt" },
		};
		const struct blk_want none = { &k, -EPERM, 0, -EPERM };
		const struct blk_want nodev = { &k, -EPERM, -EPERM, -EPERM };
		const struct blk_want ro = { &k, -EPERM, 0, 0 };
		const struct blk_want rw = { &k, 0, 0, 0 };

		/* First: its kernel log check wants the rate limit unspent. */
		ret = blk_round("b-nodev", no_device_rule, ARRAY_SIZE(no_device_rule), &nodev, "",
				true);
		ret |= blk_round("b-nomount", no_mount_rule, ARRAY_SIZE(no_mount_rule), &none, "",
				 false);
		ret |= blk_round("b-ro", read_only, ARRAY_SIZE(read_only), &ro,
				 "minix:" BLKD "/mnt minix:" BLKD "/mnt2", false);
		ret |= blk_round("b-rw", read_write, ARRAY_SIZE(read_write), &rw,
				 "minix:" BLKD "/mnt minix:" BLKD "/mnt2", false);
	}
out:
	blk_teardown(&k);
	return ret;
}

/*
 * A descriptor opened for reading must not drive the disk: BLKROSET (make the device
 * read-only) and LOOP_CLR_FD (detach the loop device) need w on the device, whatever the
 * descriptor was opened for. With w, the same calls reach the driver.
 */
struct blk_ioctl_arg {
	const struct blk_ctx *k;
	bool w;
};

static int child_blk_ioctl(void *arg)
{
	const struct blk_ioctl_arg *a = arg;
	int fd, ro = 0, ret = 0;

	fd = open(a->k->dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s O_RDONLY: %s", a->k->dev, errname(-errno));
	ret |= check("BLKROGET", as_err(ioctl(fd, BLKROGET, &ro)), a->w ? 0 : -EACCES);
	ro = 0;
	/* Setting it to what it is changes nothing, and still asks the driver. */
	ret |= check("BLKROSET 0", as_err(ioctl(fd, BLKROSET, &ro)), a->w ? 0 : -EACCES);
	ret |= check("LOOP_GET_STATUS64", as_err(ioctl(fd, LOOP_GET_STATUS64,
						      &(struct loop_info64){ 0 })),
		     a->w ? 0 : -EACCES);
	if (!a->w)
		ret |= check("LOOP_CLR_FD", as_err(ioctl(fd, LOOP_CLR_FD)), -EACCES);
	close(fd);
	return ret;
}

static int case_block_ioctl(void *arg)
{
	struct blk_ctx k = { .loop_fd = -1 };
	struct blk_ioctl_arg a = { &k, false };
	struct loop_info64 info;
	struct box b;
	int ret = -1;

	(void)arg;
	if (blk_setup(&k))
		goto out;
	{
		const struct cgf_rule_spec ro[] = { DEV(1, ALLOW, BLK, 7, k.minor, R) };
		const struct cgf_rule_spec rw[] = { DEV(1, ALLOW, BLK, 7, k.minor, R | W) };

		if (box_make_spec(&b, "box", "b-ioctl-r", ENFORCE, ALLOW, ro, 1))
			goto out_box;
		if (run_confined(&b, NULL, child_blk_ioctl, &a))
			goto out_box;
		box_drop(&b);
		/* The host side: the loop device is still bound. */
		if (ioctl(k.loop_fd, LOOP_GET_STATUS64, &info)) {
			tap_fail("the loop device was detached: %s", errname(-errno));
			goto out;
		}
		a.w = true;
		if (box_make_spec(&b, "box", "b-ioctl-rw", ENFORCE, ALLOW, rw, 1))
			goto out_box;
		ret = run_confined(&b, NULL, child_blk_ioctl, &a);
	}
out_box:
	box_drop(&b);
out:
	blk_teardown(&k);
	return ret;
}

static int case_block_remount(void *arg)
{
	struct blk_ctx k = { .loop_fd = -1 };
	int ret = -1;

	(void)arg;
	if (!blk_setup(&k))
		ret = blk_remount_round(&k);
	blk_teardown(&k);
	return ret;
}

int main(int argc, char **argv)
{
	int loop, minix;

	tap_init(argc, argv);
	tap_plan(10);
	umount_below(BASE);
	remove_tree(BASE);
	mkdir_p(BASE);
	loop = stock_module_load("loop");
	minix = stock_module_load("minix");
	have_loop = loop > 0;
	have_block = loop > 0 && minix > 0;
	/* The image builder puts both in (tests/e2e/lib.sh): absent or refused is a failure. */
	tap_result(have_block, "the stock loop.ko and minix.ko from " E2E_MODULES
		   " load (loop %d, minix %d)", loop, minix);
	tap_case("insmod cgfence.ko", case_load, NULL);
	/* The cases that read the kernel log first: later ones flood its rate limit. */
	tap_case("kernel log: complain mode lets device open and mknod through as would-deny;"
		 " enforce: denied, naming the device and the deny rule that won",
		 case_reports, NULL);
	if (have_block)
		tap_case("block-device mount by number: EPERM without 'allow b 7:N r'; ro allowed"
			 " by r, rw needs w; alias path and fsconfig CREATE alike",
			 case_block_mount, NULL);
	else
		tap_result(false, "block-device mount by number: not run without loop.ko and minix.ko");
	tap_case("mknod c 1:3, b 8:0: EPERM with no device rule; allowed by 'm' rules (+ file 'c');"
		 " type, number, access letter, 'c' on the name all count",
		 case_mknod, NULL);
	tap_case("open by number: /dev/null allowed by c 1:3 rw; c 1:1 and b 7:0 EACCES also under"
		 " host-made names; r/w apart; deny c 1:1 beats allow c 1:*",
		 case_open, NULL);
	if (have_block)
		/* A read-write remount writes to the device: judged by number again. */
		tap_case("remount rw of a block-device filesystem mounted ro under 'allow b 7:N r'"
			 " needs 'w': EPERM", case_block_remount, NULL);
	else
		tap_result(false, "remount rw of a block-device filesystem: not run without loop.ko"
			   " and minix.ko");
	tap_case("block-device ioctls need w: BLKROGET, BLKROSET, LOOP_GET_STATUS64, LOOP_CLR_FD"
		 " EACCES through a descriptor allowed r (the loop device stays bound); with rw they"
		 " reach the driver", case_block_ioctl, NULL);
	tap_case("docker-default (loaded by the tool): ptmx + /dev/pts/N open (136:*), the terminal"
		 " works; without 136:* the slave is EACCES", case_pty, NULL);
	tap_case("rmmod cgfence", case_unload, NULL);
	remove_tree(BASE);
	return tap_done();
}
