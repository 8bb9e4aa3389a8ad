// SPDX-License-Identifier: GPL-2.0
/* e2e: confined work of every kind in parallel with profile replaces, attach churn and a flood. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

/* Seconds of load; STRESS_SECONDS (make stress) sets more. */
#define DEFAULT_SECONDS	15
#define DIR		"/tmp/t_stress"
#define BOX_PROFILE	"st-box"
#define FLOOD_PROFILE	"st-flood"
#define OTHER_PROFILE	"st-other"
#define NR_CONFINED	4

enum { FILES, EXEC_DEV, MOUNTS, FLOOD };
static const char *const confined_names[NR_CONFINED] = {
	"files (open, create, rename, unlink)", "exec, devices, delete_module, /proc/1",
	"mounts in its own namespace", "denial flood",
};

enum { REPLACE, CHURN, OTHER, READ, NR_HOST };
static const char *const host_names[NR_HOST] = {
	"replace " BOX_PROFILE " with the same rules", "attach, detach, rmdir cgroups",
	"load, switch mode, remove " OTHER_PROFILE, "dump profiles, attachments, denials",
};

/* One worker's account, in memory shared with the parent. */
struct account {
	unsigned long ops, wrong;
	char first_wrong[160];
};

/* What the listener on the denials group heard, from its join to the drain. */
struct heard {
	volatile int joined;		/* 1 when listening, -errno when it could not */
	unsigned long records, malformed, overruns;
	__u64 first_seq, last_seq, seq_gaps, lost_sum;
	unsigned long flood_records;
	__u64 flood_lost, flood_cgroup_id;
};

struct shared {
	volatile int stop, drain;
	struct account confined[NR_CONFINED];
	struct account host[NR_HOST];
	struct heard heard;
};

static struct shared *sh;

#define R		CGFENCE_FILE_READ
#define W		CGFENCE_FILE_WRITE
#define T		CGFENCE_FILE_TRUNCATE
#define X		CGFENCE_FILE_EXEC
#define DENY		CGFENCE_EFFECT_DENY
#define ALLOW		CGFENCE_EFFECT_ALLOW

/* Default allow: what these rules refuse is all a worker may see refused. */
static const struct cgf_rule_spec box_rules[] = {
	{ .id = 1, .kind = CGFENCE_RULE_FILE, .effect = DENY, .perms = R, .path = DIR "/secret" },
	{ .id = 2, .kind = CGFENCE_RULE_FILE, .effect = DENY, .perms = W | T, .path = DIR "/ro" },
	{ .id = 3, .kind = CGFENCE_RULE_FILE, .effect = DENY, .perms = X, .path = DIR "/noexec" },
	{ .id = 4, .kind = CGFENCE_RULE_DEVICE, .effect = ALLOW, .dev_type = CGFENCE_DEV_CHAR,
	  .dev_access = CGFENCE_DEV_READ | CGFENCE_DEV_WRITE, .major = 1, .minor = 3 },
	{ .id = 5, .kind = CGFENCE_RULE_MOUNT, .effect = ALLOW, .mount_ops = CGFENCE_MOUNT_NEW,
	  .fstype = "tmpfs", .target = DIR "/mnt/**" },
	{ .id = 6, .kind = CGFENCE_RULE_MOUNT, .effect = ALLOW, .mount_ops = CGFENCE_MOUNT_UMOUNT,
	  .target = DIR "/mnt/**" },
	/* Changes nothing for the workers: the replacer adds it every other time. */
	{ .id = 7, .kind = CGFENCE_RULE_FILE, .effect = ALLOW, .perms = R, .path = "/nowhere/**" },
};

static const struct cgf_rule_spec flood_rules[] = {
	{ .id = 1, .kind = CGFENCE_RULE_FILE, .effect = DENY, .perms = R, .path = DIR "/flood" },
};

static time_t deadline;

static bool running(void)
{
	return !sh->stop && time(NULL) < deadline;
}

/* Counts an answer; a wrong one is kept (the first) for the diagnostic. */
static void expect(struct account *a, const char *what, int got, int want)
{
	a->ops++;
	if (got == want)
		return;
	if (!a->wrong++)
		snprintf(a->first_wrong, sizeof(a->first_wrong), "%s: %s, expected %s", what,
			 errname(got), errname(want));
}

static int files(void *arg)
{
	struct account *a = arg;
	char f[64], g[64];
	int fd;

	snprintf(f, sizeof(f), DIR "/w/f.%d", getpid());
	snprintf(g, sizeof(g), DIR "/w/g.%d", getpid());
	while (running()) {
		expect(a, "open ok", try_open(DIR "/ok", O_RDONLY), 0);
		expect(a, "open secret", try_open(DIR "/secret", O_RDONLY), -EACCES);
		expect(a, "open ro for writing", try_open(DIR "/ro", O_WRONLY), -EACCES);
		expect(a, "truncate ro", as_err(truncate(DIR "/ro", 0)), -EACCES);
		fd = open(f, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		expect(a, "create", fd < 0 ? -errno : 0, 0);
		if (fd >= 0)
			close(fd);
		expect(a, "rename", as_err(rename(f, g)), 0);
		expect(a, "unlink", as_err(unlink(g)), 0);
	}
	return 0;
}

static int run_prog(const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		execl(path, path, (char *)NULL);
		_exit(errno == EACCES ? 126 : 127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 126 ? -EACCES : -EIO;
}

static int exec_dev(void *arg)
{
	struct account *a = arg;

	while (running()) {
		expect(a, "exec true", run_prog(DIR "/true"), 0);
		expect(a, "exec noexec", run_prog(DIR "/noexec"), -EACCES);
		expect(a, "open /dev/null", try_open("/dev/null", O_RDWR), 0);
		expect(a, "open /dev/zero", try_open("/dev/zero", O_RDONLY), -EACCES);
		expect(a, "delete_module(cgfence)",
		       as_err(syscall(SYS_delete_module, "cgfence", O_NONBLOCK)), -EPERM);
		/*
		 * Refused by the ptrace check, recorded while the kernel holds init's task
		 * lock: with the flood recording beside it, the debug kernel's lockdep sees
		 * any lock the recording takes under its own (it once took the caller's).
		 */
		expect(a, "open /proc/1/maps", try_open("/proc/1/maps", O_RDONLY), -EACCES);
	}
	return 0;
}

static int private_ns(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("unshare(CLONE_NEWNS): %s", strerror(errno));
	return 0;
}

static int mounts(void *arg)
{
	struct account *a = arg;

	while (running()) {
		expect(a, "mount tmpfs", as_err(mount("tmpfs", DIR "/mnt/a", "tmpfs", 0, NULL)), 0);
		expect(a, "umount tmpfs", as_err(umount(DIR "/mnt/a")), 0);
		expect(a, "mount proc", as_err(mount("proc", DIR "/mnt/a", "proc", 0, NULL)),
		       -EPERM);
		expect(a, "mount tmpfs elsewhere",
		       as_err(mount("tmpfs", DIR "/other", "tmpfs", 0, NULL)), -EPERM);
	}
	return 0;
}

static int flood(void *arg)
{
	struct account *a = arg;

	while (running())
		expect(a, "open flood", try_open(DIR "/flood", O_RDONLY), -EACCES);
	return 0;
}

static int (*const confined_fns[NR_CONFINED])(void *) = { files, exec_dev, mounts, flood };

/* Host side: each churner on its own connection. */
static int replace(void *arg)
{
	struct account *a = arg;
	struct cgf_conn c;
	unsigned int n = 0;

	if (cgf_conn_open(&c))
		return 1;
	while (running()) {
		/* Rule 7 in or out: the generation moves, the verdicts must not. */
		expect(a, "replace", cgf_profile_load_spec(&c, BOX_PROFILE, CGFENCE_MODE_ENFORCE,
							   CGFENCE_EFFECT_ALLOW, box_rules,
							   ARRAY_SIZE(box_rules) - (n++ & 1)), 0);
	}
	cgf_conn_close(&c);
	return 0;
}

static int churn(void *arg)
{
	struct account *a = arg;
	struct cgf_conn c;
	char dir[80];
	unsigned int n = 0;
	__u64 id;

	if (cgf_conn_open(&c))
		return 1;
	while (running()) {
		snprintf(dir, sizeof(dir), CGROUP_ROOT "/t_stress.churn.%u", n % 8);
		expect(a, "mkdir cgroup", mkdir_p(dir), 0);
		id = cgroup_id_of(dir);
		if (n % 3 == 2)
			expect(a, "attach on exec", cgf_attach_on_exec(&c, id, BOX_PROFILE), 0);
		else
			expect(a, "attach", cgf_attach(&c, id, BOX_PROFILE), 0);
		/* Every fourth cgroup goes away still attached: the module must let it go. */
		if (n % 4)
			expect(a, "detach", cgf_detach(&c, id), 0);
		expect(a, "rmdir cgroup", as_err(rmdir(dir)), 0);
		n++;
	}
	cgf_conn_close(&c);
	return 0;
}

static int other(void *arg)
{
	static const struct cgf_rule_spec rule = {
		.id = 1, .kind = CGFENCE_RULE_FILE, .effect = DENY, .perms = R, .path = "/x/**",
	};
	struct account *a = arg;
	struct cgf_conn c;

	if (cgf_conn_open(&c))
		return 1;
	while (running()) {
		expect(a, "load", cgf_profile_load_spec(&c, OTHER_PROFILE, CGFENCE_MODE_ENFORCE,
							CGFENCE_EFFECT_DENY, &rule, 1), 0);
		expect(a, "complain", cgf_profile_set_mode(&c, OTHER_PROFILE, CGFENCE_MODE_COMPLAIN),
		       0);
		expect(a, "remove", cgf_profile_remove(&c, OTHER_PROFILE, false), 0);
	}
	cgf_conn_close(&c);
	return 0;
}

static int count_msg(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(unsigned long *)arg)++;
	return 0;
}

/* Dumps of every kind while the store changes (NLM_F_DUMP_INTR is an answer, not an error). */
static int reader(void *arg)
{
	static const __u8 cmds[] = {
		CGFENCE_CMD_PROFILE_GET, CGFENCE_CMD_ATTACH_GET, CGFENCE_CMD_DENIAL,
	};
	static const char *const what[] = { "profile dump", "attachment dump", "denial dump" };
	struct account *a = arg;
	struct genl_reply r;
	struct cgf_status st;
	struct genl_msg m;
	struct cgf_conn c;
	unsigned long msgs = 0, interrupted = 0;
	unsigned int i;

	if (cgf_conn_open(&c))
		return 1;
	while (running()) {
		for (i = 0; i < ARRAY_SIZE(cmds); i++) {
			cgf_msg_init(&c, &m, cmds[i]);
			m.nlh.nlmsg_flags = NLM_F_REQUEST;
			expect(a, what[i], genl_dump(&c.s, &m, &r, count_msg, &msgs), 0);
			interrupted += r.dump_intr;
		}
		expect(a, "status", cgf_status_send(&c.s, c.family, &st, NULL, 0), 0);
	}
	cgf_conn_close(&c);
	tap_diag("reader: %lu messages dumped, %lu dumps said the store changed meanwhile",
		 msgs, interrupted);
	return 0;
}

static void hear(struct heard *h, const struct nlmsghdr *nlh)
{
	struct cgf_denial_rec r;

	if (cgf_denial_from_msg(nlh, &r)) {
		h->malformed++;
		return;
	}
	if (!h->records++)
		h->first_seq = r.seq;
	else if (r.seq > h->last_seq + 1)
		h->seq_gaps += r.seq - h->last_seq - 1;
	h->last_seq = r.seq;
	h->lost_sum += r.lost;
	if (r.cgroup_id == h->flood_cgroup_id) {
		h->flood_records++;
		h->flood_lost += r.lost;
	}
}

/*
 * Every record the module sends, from before the first confined task starts until the
 * drain: the parent accounts for each denial with them. A record dropped by the rate limit
 * is a lost count carried by the container's next one; one the sender fell too far behind
 * for is a gap in the seq numbers (the module counts both as dropped).
 */
static int listen_denials(void *arg)
{
	static struct genl_reply buf;
	struct heard *h = arg;
	struct timeval tick = { .tv_sec = 1 };
	int group = cgf_denials_group(), rcvbuf = 4 << 20;
	unsigned int quiet = 0;
	struct nlmsghdr *nlh;
	struct genl_sock s;
	ssize_t n;

	if (group <= 0 || genl_open(&s)) {
		h->joined = -EPROTO;
		return 1;
	}
	setsockopt(s.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	if (setsockopt(s.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group))) {
		h->joined = -errno;
		genl_close(&s);
		return 1;
	}
	h->joined = 1;
	while (!sh->drain || quiet < tap_seconds(2)) {
		n = recv(s.fd, buf.buf, sizeof(buf.buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS)
				h->overruns++;
			quiet += errno == EAGAIN;
			continue;
		}
		quiet = 0;
		for (nlh = &buf.nlh; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n))
			hear(h, nlh);
	}
	genl_close(&s);
	return 0;
}

/* One more refused open in @dir, a second after the rest: it carries what is still owed. */
static int flush_open(void *path)
{
	return try_open(path, O_RDONLY) == -EACCES ? 0 : 1;
}

static int (*const host_fns[NR_HOST])(void *) = { replace, churn, other, reader };

static long meminfo_kb(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = atol(line + strlen(key) + 1);
	fclose(f);
	return v;
}

static int setup_files(void)
{
	return mkdir_p(DIR "/w") || mkdir_p(DIR "/mnt/a") || mkdir_p(DIR "/other") ||
	       make_file(DIR "/ok", "ok\n", 0644) || make_file(DIR "/secret", "s\n", 0644) ||
	       make_file(DIR "/ro", "ro\n", 0644) || make_file(DIR "/flood", "f\n", 0644) ||
	       make_file(DIR "/true", "#!/bin/sh\nexit 0\n", 0755) ||
	       make_file(DIR "/noexec", "#!/bin/sh\nexit 0\n", 0755) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct box box = { .created = false }, fbox = { .created = false };
	pid_t confined[NR_CONFINED], host[NR_HOST], listener;
	struct heard *h;
	__u64 dropped0 = 0;
	int wait_ms;
	long avail0, slab0, avail1, slab1;
	unsigned int i, seconds = DEFAULT_SECONDS;
	struct cgf_snapshot s;
	struct cgf_status st;
	const char *env = getenv("STRESS_SECONDS");
	bool ok;
	int err;

	tap_init(argc, argv);
	tap_plan(7 + NR_CONFINED + NR_HOST);
	if (env && atoi(env) > 0)
		seconds = atoi(env);
	sh = shared_alloc(sizeof(*sh));
	if (!sh)
		return 1;

	avail0 = meminfo_kb("MemAvailable");
	slab0 = meminfo_kb("Slab");
	err = cgf_load();
	tap_result(!err, "insmod cgfence.ko");
	if (err)
		return tap_done();
	remove_tree(DIR);
	err = setup_files() ||
	      box_make_spec(&box, "t_stress.box", BOX_PROFILE, CGFENCE_MODE_ENFORCE,
			    CGFENCE_EFFECT_ALLOW, box_rules, ARRAY_SIZE(box_rules)) ||
	      box_make_spec(&fbox, "t_stress.flood", FLOOD_PROFILE, CGFENCE_MODE_ENFORCE,
			    CGFENCE_EFFECT_ALLOW, flood_rules, ARRAY_SIZE(flood_rules));
	tap_result(!err, "two containers confined: %s (files, devices, mounts) and %s",
		   BOX_PROFILE, FLOOD_PROFILE);
	if (err)
		return tap_done();

	h = &sh->heard;
	h->flood_cgroup_id = cgroup_id_of(fbox.dir);
	listener = start_in_cgroup(NULL, NULL, listen_denials, h);
	for (wait_ms = 0; listener > 0 && !h->joined && wait_ms < 5000; wait_ms += 10)
		usleep(10000);
	err = h->joined != 1 || cgf_status_query(&st);
	dropped0 = st.denials_lost;
	tap_result(!err, "a listener joined the denials group (dropped counter at %llu)",
		   (unsigned long long)dropped0);

	deadline = time(NULL) + seconds;
	for (i = 0; i < NR_CONFINED; i++)
		confined[i] = start_in_cgroup(i == FLOOD ? fbox.dir : box.dir,
					      i == MOUNTS ? private_ns : NULL, confined_fns[i],
					      &sh->confined[i]);
	for (i = 0; i < NR_HOST; i++)
		host[i] = start_in_cgroup(NULL, NULL, host_fns[i], &sh->host[i]);
	sleep(seconds);
	sh->stop = 1;

	for (i = 0; i < NR_CONFINED; i++) {
		struct account *a = &sh->confined[i];

		err = confined[i] > 0 ? finish_child(confined[i]) : -1;
		if (a->wrong)
			tap_diag("first wrong answer: %s", a->first_wrong);
		tap_result(!err && a->ops > 0 && !a->wrong, "confined, %s: %lu operations, %lu wrong",
			   confined_names[i], a->ops, a->wrong);
	}
	for (i = 0; i < NR_HOST; i++) {
		struct account *a = &sh->host[i];

		err = host[i] > 0 ? finish_child(host[i]) : -1;
		if (a->wrong)
			tap_diag("first wrong answer: %s", a->first_wrong);
		tap_result(!err && a->ops > 0 && !a->wrong, "host, %s: %lu operations, %lu wrong",
			   host_names[i], a->ops, a->wrong);
	}

	/* Each container's bucket owes the lost count of its last refusals to a next record. */
	sleep(1);
	err = run_in_cgroup(box.dir, NULL, flush_open, DIR "/secret") ||
	      run_in_cgroup(fbox.dir, NULL, flush_open, DIR "/flood");
	sh->drain = 1;
	if (listener <= 0 || finish_child(listener))
		err = -1;
	err = err || cgf_status_query(&st);
	tap_diag("records: %lu heard (seq %llu..%llu, %llu gaps), %llu lost counts carried;"
		 " the module's dropped counter %llu -> %llu", h->records,
		 (unsigned long long)h->first_seq, (unsigned long long)h->last_seq,
		 (unsigned long long)h->seq_gaps, (unsigned long long)h->lost_sum,
		 (unsigned long long)dropped0, (unsigned long long)st.denials_lost);
	tap_result(!err && h->records && !h->malformed && !h->overruns &&
		   h->last_seq - h->first_seq + 1 == h->records + h->seq_gaps &&
		   st.denials_lost - dropped0 == h->lost_sum + h->seq_gaps,
		   "every record kept was heard once, whole; dropped counter grew by the lost"
		   " counts + gaps (%llu), %lu malformed, %lu socket overruns",
		   (unsigned long long)(st.denials_lost - dropped0), h->malformed, h->overruns);
	tap_result(!err && h->flood_records + h->flood_lost == sh->confined[FLOOD].ops + 1,
		   "flood: records kept + records dropped = the denials made (%lu + %llu = %lu)",
		   h->flood_records, (unsigned long long)h->flood_lost,
		   sh->confined[FLOOD].ops + 1);

	err = cgf_status_query(&st) || cgf_snapshot_take(&s);
	ok = !err && st.profiles == s.nr_profiles && st.attachments == s.nr_attachments;
	if (!err)
		tap_diag("after %u s: %u profiles, %u attachments (the churn's detached cgroups"
			 " that went away attached are gone too)", seconds, s.nr_profiles,
			 s.nr_attachments);
	tap_result(ok && s.nr_attachments == 2,
		   "afterwards STATUS and the dumps agree, and only the two containers are attached");

	box_drop(&box);
	box_drop(&fbox);
	remove_tree(DIR);
	err = cgf_unload();
	avail1 = meminfo_kb("MemAvailable");
	slab1 = meminfo_kb("Slab");
	tap_diag("memory: MemAvailable %ld -> %ld kB, Slab %ld -> %ld kB (before the load, after"
		 " the unload)", avail0, avail1, slab0, slab1);
	tap_result(!err, "rmmod cgfence after the load");
	return tap_done();
}
