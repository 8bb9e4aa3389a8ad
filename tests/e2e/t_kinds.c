// SPDX-License-Identifier: GPL-2.0
/* e2e: namespace files and POSIX message queues are judged as kinds of their own. */

#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define R		CGFENCE_FILE_READ
#define W		(CGFENCE_FILE_WRITE | CGFENCE_FILE_APPEND)

#define QUEUE		"/t_kinds"

static int check(const char *what, int got, int want)
{
	return expect_err(what, got, want);
}

/* What the confined child should get; 0 or -errno each. */
struct kinds_want {
	int ns_open;		/* open /proc/self/ns/net read-only */
	int ns_setns;		/* setns() through it, into the namespace the task is in */
	int eventfd_reopen;	/* re-open an eventfd (anon_inode:): ENXIO is the kernel's */
	int mq_write;		/* mq_open(QUEUE, O_WRONLY) and mq_send() */
	int mq_read;		/* mq_open(QUEUE, O_RDONLY) */
};

/* The queue the host makes for each round: mq_open() reads a mode with O_CREAT. */
static int mq_make(void)
{
	mqd_t q = mq_open(QUEUE, O_CREAT | O_RDWR, 0600, NULL);

	if (q == (mqd_t)-1)
		return -errno;
	mq_close(q);
	return 0;
}

static int mq_try(int flags, bool send)
{
	mqd_t q = mq_open(QUEUE, flags);
	int err = 0;

	if (q == (mqd_t)-1)
		return -errno;
	if (send && mq_send(q, "m", 1, 0))
		err = -errno;
	mq_close(q);
	return err;
}

static int child_kinds(void *arg)
{
	const struct kinds_want *w = arg;
	char path[64];
	int ret = 0, fd, efd, err;

	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	ret |= check("open /proc/self/ns/net", err, w->ns_open);
	if (fd >= 0) {
		ret |= check("setns() through it", as_err(setns(fd, CLONE_NEWNET)), w->ns_setns);
		close(fd);
	}
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return tap_fail("eventfd: %s", errname(-errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", efd);
	ret |= check("re-open an eventfd", try_open(path, O_RDWR), w->eventfd_reopen);
	close(efd);
	ret |= check("mq_open O_WRONLY + mq_send", mq_try(O_WRONLY, true), w->mq_write);
	ret |= check("mq_open O_RDONLY", mq_try(O_RDONLY, false), w->mq_read);
	return ret;
}

/* Messages in the host's queue: what a refused mq_open could not have sent. */
static long queue_messages(void)
{
	struct mq_attr attr;
	mqd_t q = mq_open(QUEUE, O_RDONLY);
	long n = -1;

	if (q == (mqd_t)-1)
		return tap_fail("host: mq_open %s: %s", QUEUE, errname(-errno));
	if (!mq_getattr(q, &attr))
		n = attr.mq_curmsgs;
	mq_close(q);
	return n;
}

static int kinds_round(const char *profile, const struct cgf_rule_spec *rules, unsigned int n,
		       const struct kinds_want *w, long want_messages)
{
	struct box b;
	long got;
	int ret;

	mq_unlink(QUEUE);
	if (mq_make())
		return tap_fail("host: create %s: %s", QUEUE, errname(-errno));
	ret = box_make_spec(&b, "box", profile, ENFORCE, ALLOW, rules, n);
	if (!ret)
		ret = run_confined(&b, NULL, child_kinds, (void *)w);
	box_drop(&b);
	got = queue_messages();
	if (got != want_messages)
		ret = tap_fail("%s: the host's queue holds %ld messages, want %ld", profile, got,
			       want_messages);
	mq_unlink(QUEUE);
	return ret;
}

#define FILE_RULE(i, eff, p, obj) {						\
	.id = (i), .kind = CGFENCE_RULE_FILE, .effect = (eff), .perms = (p),	\
	.path = (obj),								\
}

/* Namespace files are "nsfs:", not "anon_inode:": a rule on one leaves the other alone. */
static int case_nsfs(void *arg)
{
	static const struct cgf_rule_spec deny_ns[] = {
		FILE_RULE(1, DENY, R, CGFENCE_OBJECT_NSFS),
	};
	static const struct cgf_rule_spec deny_anon[] = {
		FILE_RULE(1, DENY, R | W, CGFENCE_OBJECT_ANON_INODE),
	};
	static const struct kinds_want ns_refused = { -EACCES, 0, -ENXIO, 0, 0 };
	static const struct kinds_want anon_refused = { 0, 0, -EACCES, 0, 0 };
	static const struct kinds_want defaults = { 0, 0, -ENXIO, 0, 0 };
	struct box b;
	int ret;

	(void)arg;
	ret = kinds_round("k-nsfs", deny_ns, ARRAY_SIZE(deny_ns), &ns_refused, 1);
	ret |= kinds_round("k-anon", deny_anon, ARRAY_SIZE(deny_anon), &anon_refused, 1);
	/* The default, no rule naming either: everything but exec. */
	ret |= kinds_round("k-default", NULL, 0, &defaults, 1);
	if (ret)
		return ret;
	ret = box_make_spec(&b, "box", "k-nsfs-log", ENFORCE, ALLOW, deny_ns,
			    ARRAY_SIZE(deny_ns));
	if (!ret && !mq_make())
		ret = expect_klog(&b, NULL, child_kinds, (void *)&ns_refused, "denied op=open",
				  "k-nsfs-log", 1, CGFENCE_OBJECT_NSFS);
	box_drop(&b);
	mq_unlink(QUEUE);
	return ret;
}

/* mq_open() opens on the ipc namespace's internal mount: "mqueue:", whatever is mounted. */
static int case_mqueue(void *arg)
{
	static const struct cgf_rule_spec deny_w[] = {
		FILE_RULE(1, DENY, W, CGFENCE_OBJECT_MQUEUE),
	};
	static const struct cgf_rule_spec deny_anon[] = {
		FILE_RULE(1, DENY, R | W, CGFENCE_OBJECT_ANON_INODE),
		FILE_RULE(2, DENY, R | W, CGFENCE_OBJECT_NSFS),
	};
	static const struct kinds_want w_refused = { 0, 0, -ENXIO, -EACCES, 0 };
	static const struct kinds_want others = { -EACCES, 0, -EACCES, 0, 0 };
	struct box b;
	int ret;

	(void)arg;
	/* Nothing was sent: the queue the host made stays empty. */
	ret = kinds_round("k-mq", deny_w, ARRAY_SIZE(deny_w), &w_refused, 0);
	ret |= kinds_round("k-mq-others", deny_anon, ARRAY_SIZE(deny_anon), &others, 1);
	if (ret)
		return ret;
	ret = box_make_spec(&b, "box", "k-mq-log", ENFORCE, ALLOW, deny_w, ARRAY_SIZE(deny_w));
	if (!ret && !mq_make())
		ret = expect_klog(&b, NULL, child_kinds, (void *)&w_refused, "denied op=open",
				  "k-mq-log", 1, CGFENCE_OBJECT_MQUEUE);
	box_drop(&b);
	mq_unlink(QUEUE);
	return ret;
}

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(4);
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	tap_case("/proc/self/ns/net is nsfs: (deny r nsfs: EACCES; deny anon_inode: leaves it"
		 " and setns alone; default allows); logged as nsfs:", case_nsfs, NULL);
	tap_case("mq_open is mqueue: (deny w mqueue: EACCES for O_WRONLY, O_RDONLY allowed, the"
		 " host's queue stays empty; rules on other kinds leave it); logged as mqueue:",
		 case_mqueue, NULL);
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	mq_unlink(QUEUE);
	return tap_done();
}
