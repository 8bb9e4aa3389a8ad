// SPDX-License-Identifier: GPL-2.0
/* e2e: a container's flood of denials is rate limited, counted, bounded, and spares others. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

/*
 * 200,000 denied opens take about 10 s under QEMU's emulation (TCG); the module's
 * accounting must hold for every one of them. A kernel E2E_SLOW times slower (make
 * stress) gets that many times fewer, so that the flood still ends before the records
 * its rate admits fill the ring.
 */
#define FLOOD_OPENS	200000
#define QUIET_OPENS	5
#define WARMUP_OPENS	2000
#define FLOOD_FILE	"/tmp/t_denials_flood.flood"
#define QUIET_FILE	"/tmp/t_denials_flood.quiet"
#define RATE_PARAM	"/sys/module/cgfence/parameters/denials_per_second"
/* The ring the module keeps: records past it overwrite the oldest. */
#define RING_SIZE	1024
/* A leak of one record per denial would be 100 MiB here; the ring itself is preallocated. */
#define SLAB_SLACK_KB	(4 * 1024)
#define AVAIL_SLACK_KB	(16 * 1024)

struct rec {
	__u64 seq, time_ns, cgroup_id;
	__u32 rule_id, requested, denied, pid, lost;
	__u8 kind, verdict;
	char cgroup[256], profile[CGFENCE_MAX_NAME], op[32], object[256], comm[32];
};

/* What the flooding child reports back. */
struct flood_result {
	unsigned long done, wrong;
	int first_wrong;
	pid_t pid;
};

struct opens {
	const char *path;
	unsigned long n;
	unsigned int gap_us;		/* pause between opens */
	struct flood_result *res;	/* may be NULL */
};

static struct genl_reply reply;

static bool attr_u64(const struct nlattr *a, __u64 *v)
{
	if (!a || genl_attr_len(a) != 8)
		return false;
	memcpy(v, genl_attr_data(a), 8);
	return true;
}

static bool attr_u32(const struct nlattr *a, __u32 *v)
{
	if (!a || genl_attr_len(a) != 4)
		return false;
	memcpy(v, genl_attr_data(a), 4);
	return true;
}

static bool attr_u8(const struct nlattr *a, __u8 *v)
{
	if (!a || genl_attr_len(a) != 1)
		return false;
	*v = *(const __u8 *)genl_attr_data(a);
	return true;
}

static bool attr_str(const struct nlattr *a, char *buf, size_t size)
{
	unsigned int len;

	if (!a)
		return false;
	len = genl_attr_len(a);
	if (!len || len > size || ((const char *)genl_attr_data(a))[len - 1])
		return false;
	memcpy(buf, genl_attr_data(a), len);
	return true;
}

struct dump {
	struct rec *recs;
	unsigned int max, n;
	int bad;
};

static int denial_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct dump *d = arg;
	struct rec r;
	unsigned int unknown;

	memset(&r, 0, sizeof(r));
	if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) < 0 ||
	    !attr_u64(tb[CGFENCE_A_DENIAL_SEQ], &r.seq) ||
	    !attr_u64(tb[CGFENCE_A_DENIAL_TIME], &r.time_ns) ||
	    !attr_u64(tb[CGFENCE_A_CGROUP_ID], &r.cgroup_id) ||
	    !attr_u32(tb[CGFENCE_A_DENIAL_RULE_ID], &r.rule_id) ||
	    !attr_u32(tb[CGFENCE_A_DENIAL_REQUESTED], &r.requested) ||
	    !attr_u32(tb[CGFENCE_A_DENIAL_DENIED], &r.denied) ||
	    !attr_u32(tb[CGFENCE_A_DENIAL_PID], &r.pid) ||
	    !attr_u32(tb[CGFENCE_A_DENIAL_LOST], &r.lost) ||
	    !attr_u8(tb[CGFENCE_A_DENIAL_KIND], &r.kind) ||
	    !attr_u8(tb[CGFENCE_A_DENIAL_VERDICT], &r.verdict) ||
	    !attr_str(tb[CGFENCE_A_CGROUP_PATH], r.cgroup, sizeof(r.cgroup)) ||
	    !attr_str(tb[CGFENCE_A_PROFILE_NAME], r.profile, sizeof(r.profile)) ||
	    !attr_str(tb[CGFENCE_A_DENIAL_OP], r.op, sizeof(r.op)) ||
	    !attr_str(tb[CGFENCE_A_DENIAL_OBJECT], r.object, sizeof(r.object)) ||
	    !attr_str(tb[CGFENCE_A_DENIAL_COMM], r.comm, sizeof(r.comm))) {
		d->bad++;
		return 0;
	}
	if (d->n < d->max)
		d->recs[d->n] = r;
	d->n++;
	return 0;
}

/* Every record from seq @from on. 0, or -1 after a diagnostic. */
static int dump_denials(__u64 from, struct dump *d)
{
	struct cgf_conn c;
	struct genl_msg m;
	int err;

	d->n = 0;
	d->bad = 0;
	if (cgf_conn_open(&c))
		return -1;
	cgf_msg_init(&c, &m, CGFENCE_CMD_DENIAL);
	genl_put_u64(&m, CGFENCE_A_DENIAL_SEQ, from);
	err = genl_dump(&c.s, &m, &reply, denial_cb, d);
	cgf_conn_close(&c);
	if (err)
		return tap_fail("DENIAL dump: %s (%s)", errname(err), reply.extack);
	if (d->bad)
		return tap_fail("DENIAL dump: %d malformed records", d->bad);
	if (d->n > d->max)
		return tap_fail("DENIAL dump: %u records, more than the ring holds", d->n);
	return 0;
}

/* The module's count of records dropped since it was loaded. */
static int status_lost(__u64 *lost)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	unsigned int unknown;
	struct cgf_conn c;
	struct genl_msg m;
	int err;

	if (cgf_conn_open(&c))
		return -1;
	cgf_msg_init(&c, &m, CGFENCE_CMD_STATUS);
	err = genl_transact(&c.s, &m, &reply);
	cgf_conn_close(&c);
	if (err)
		return tap_fail("STATUS: %s (%s)", errname(err), reply.extack);
	if (!reply.n_msgs || genl_parse(&reply.nlh, tb, CGFENCE_A_MAX, &unknown) < 0 ||
	    !attr_u64(tb[CGFENCE_A_STATUS_DENIALS_LOST], lost))
		return tap_fail("STATUS: no u64 CGFENCE_A_STATUS_DENIALS_LOST in the reply");
	return 0;
}

#define MEMINFO	"/proc/meminfo"

/* MemAvailable and Slab, in kB. */
static int memory_use(long *avail_kb, long *slab_kb)
{
	char line[128];
	FILE *f = fopen(MEMINFO, "r");
	long v;

	*avail_kb = *slab_kb = -1;
	if (!f)
		return tap_fail("%s: %s", MEMINFO, errname(-errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemAvailable: %ld kB", &v) == 1)
			*avail_kb = v;
		if (sscanf(line, "Slab: %ld kB", &v) == 1)
			*slab_kb = v;
	}
	fclose(f);
	if (*avail_kb < 0 || *slab_kb < 0)
		return tap_fail("%s: no MemAvailable or Slab", MEMINFO);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* @n opens of @path for reading, each of which must fail with EACCES. */
static int opens_fn(void *arg)
{
	struct opens *o = arg;
	unsigned long i, wrong = 0;
	int err, first = 0;

	for (i = 0; i < o->n; i++) {
		err = try_open(o->path, O_RDONLY);
		if (err != -EACCES && !wrong++)
			first = err;
		if (o->gap_us)
			usleep(o->gap_us);
	}
	if (o->res) {
		o->res->done = i;
		o->res->wrong = wrong;
		o->res->first_wrong = first;
		o->res->pid = getpid();
	}
	if (wrong)
		return tap_fail("%lu of %lu opens of %s were not EACCES (first: %s)", wrong, o->n,
				o->path, errname(first));
	return 0;
}

/* The flood runs longer than run_in_cgroup()'s 20 s alarm would let it: its own child. */
static pid_t start_flood(const char *dir, struct opens *o)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (pid == 0) {
		alarm(tap_seconds(50));
		if (cgroup_move(dir, 0))
			_exit(2);
		_exit(opens_fn(o) ? 1 : 0);
	}
	return pid;
}

/* Once the child's bucket is empty and a token is back, one more record carries its losses. */
static int flush_lost(const struct box *b)
{
	struct opens one = { .path = FLOOD_FILE, .n = 1 };

	usleep(300000);
	return run_in_cgroup(b->dir, NULL, opens_fn, &one);
}

struct listen {
	int group;
	__u64 other_id;		/* the container whose records must stay out of reach */
	int join_err;		/* 0 or -errno of NETLINK_ADD_MEMBERSHIP */
	int heard;		/* records of the other container received */
};

/*
 * A confined task that holds every capability joins the denials group and listens for
 * records of another container, which the parent makes meanwhile.
 */
static int listen_fn(void *arg)
{
	struct listen *l = arg;
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct timeval tv = { .tv_sec = 3 };
	unsigned int unknown;
	struct genl_sock s;
	struct nlmsghdr *nlh;
	__u64 id;
	ssize_t n;

	if (genl_open(&s))
		return tap_fail("netlink socket in the container: %s", errname(-errno));
	l->join_err = setsockopt(s.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &l->group,
				 sizeof(l->group)) ? -errno : 0;
	setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (!l->join_err && (n = recv(s.fd, reply.buf, sizeof(reply.buf), 0)) > 0) {
		for (nlh = &reply.nlh; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n))
			if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) >= 0 &&
			    attr_u64(tb[CGFENCE_A_CGROUP_ID], &id) && id == l->other_id)
				l->heard++;
		if (l->heard)
			break;
	}
	genl_close(&s);
	return 0;
}

/* One record of the quiet container's denied opens, every field as it must be. */
static bool quiet_record_ok(const struct rec *r, const struct box *b, pid_t pid)
{
	char dir[300];

	/* The module names the container from the cgroup root. */
	snprintf(dir, sizeof(dir), "%s%s", CGROUP_ROOT, r->cgroup);
	if (!strcmp(r->profile, "t_quiet") && r->rule_id == 1 && !strcmp(r->op, "open") &&
	    r->kind == CGFENCE_DENIAL_FILE && !strcmp(r->object, QUIET_FILE) &&
	    r->verdict == CGFENCE_VERDICT_DENIED && r->requested == CGFENCE_FILE_READ &&
	    r->denied == CGFENCE_FILE_READ && r->pid == (__u32)pid && !r->lost &&
	    !strcmp(dir, b->dir) && !strcmp(r->comm, "t_denials_flood"))
		return true;
	tap_diag("quiet record seq %llu: cgroup %s profile %s rule %u op %s object %s",
		 (unsigned long long)r->seq, r->cgroup, r->profile, r->rule_id, r->op, r->object);
	tap_diag("... verdict %u pid %u (want %d) comm %s lost %u", r->verdict, r->pid, pid,
		 r->comm, r->lost);
	return false;
}

/* The tool's view of the same records: lost notes and the closing summary. */
static int tool_check(const char *container, __u64 since, __u64 want_lost_sum, __u64 dropped)
{
	char cmd[512], line[2048];
	unsigned long long count, sum = 0, got_dropped = ~0ULL;
	unsigned int notes = 0, records = 0;
	const char *p;
	FILE *f;
	int rc;

	snprintf(cmd, sizeof(cmd), "/bin/cgfence denials --json --container %s --since %llu",
		 container, (unsigned long long)since);
	f = popen(cmd, "r");
	if (!f)
		return tap_fail("popen %s: %s", cmd, errname(-errno));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "{\"type\":\"denial\"", 16))
			records++;
		if (!strncmp(line, "{\"type\":\"lost\"", 14)) {
			notes++;
			p = strstr(line, "\"count\":");
			if (p && sscanf(p, "\"count\":%llu", &count) == 1)
				sum += count;
		}
		if (!strncmp(line, "{\"type\":\"summary\"", 17)) {
			p = strstr(line, "\"dropped\":");
			if (p)
				sscanf(p, "\"dropped\":%llu", &got_dropped);
			tap_diag("%s", line);
		}
	}
	rc = pclose(f);
	tap_diag("cgfence denials: %u records, %u lost notes adding up to %llu", records, notes,
		 sum);
	tap_diag("cgfence denials: summary dropped=%llu", got_dropped);
	if (rc)
		return tap_fail("%s: exit status %d", cmd, rc);
	if (sum != want_lost_sum || got_dropped != dropped)
		return tap_fail("want lost notes adding up to %llu and dropped=%llu",
				(unsigned long long)want_lost_sum, (unsigned long long)dropped);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct cgf_file_rule flood_rule = {
		.id = 1, .effect = CGFENCE_EFFECT_DENY, .perms = CGFENCE_FILE_READ,
		.path = FLOOD_FILE,
	};
	static const struct cgf_file_rule quiet_rule = {
		.id = 1, .effect = CGFENCE_EFFECT_DENY, .perms = CGFENCE_FILE_READ,
		.path = QUIET_FILE,
	};
	struct opens warm = { .path = FLOOD_FILE, .n = WARMUP_OPENS };
	struct opens quiet = { .path = QUIET_FILE, .n = QUIET_OPENS, .gap_us = 20000 };
	struct opens flood = { .path = FLOOD_FILE, .n = FLOOD_OPENS / tap_seconds(1) };
	struct flood_result *fres, *qres;
	struct listen *lis;
	__u64 s0 = 0, l0 = 0, l1 = 0, lost_sum = 0, max_flood_seq = 0, max_quiet_seq = 0;
	unsigned int i, nr_flood = 0, nr_quiet = 0, quiet_ok = 0, gaps = 0;
	long avail0, slab0, avail1, slab1;
	struct box fbox = { .created = false }, qbox = { .created = false };
	struct dump d = { .max = RING_SIZE };
	double t0, t1, waited;
	char rate_text[32];
	unsigned int rate;
	bool ok;
	pid_t pid;
	int err;

	tap_init(argc, argv);
	tap_plan(18);
	d.recs = calloc(RING_SIZE, sizeof(*d.recs));
	fres = shared_alloc(sizeof(*fres));
	qres = shared_alloc(sizeof(*qres));
	lis = shared_alloc(sizeof(*lis));
	if (!d.recs || !fres || !qres || !lis)
		return 1;
	flood.res = fres;
	quiet.res = qres;

	err = cgf_load();
	tap_result(!err, "insmod cgfence.ko");
	if (err) {
		tap_diag("finit_module: %s", errname(err));
		return tap_done();
	}
	make_file(FLOOD_FILE, "flood\n", 0644);
	make_file(QUIET_FILE, "quiet\n", 0644);
	ok = !read_file(RATE_PARAM, rate_text, sizeof(rate_text)) &&
	     sscanf(rate_text, "%u", &rate) == 1;
	tap_result(ok && rate == 20, "denials_per_second is 20 by default (burst: 5 s worth)");
	if (!ok)
		rate = 20;

	ok = !box_make(&fbox, "flood", "t_flood", CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_ALLOW,
		       &flood_rule, 1) &&
	     !box_make(&qbox, "quiet", "t_quiet", CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_ALLOW,
		       &quiet_rule, 1);
	tap_result(ok, "two containers, each with a profile denying reads of its own file");
	if (!ok)
		goto out;

	/* Lazily made kernel objects (dentries, the worker's buffers) before the baseline. */
	ok = !run_in_cgroup(fbox.dir, NULL, opens_fn, &warm) && !flush_lost(&fbox) &&
	     !dump_denials(1, &d) && !status_lost(&l0) && !memory_use(&avail0, &slab0);
	for (i = 0; ok && i < d.n && i < d.max; i++)
		s0 = d.recs[i].seq > s0 ? d.recs[i].seq : s0;
	tap_result(ok && l0 > 0 && d.n > 0 && d.n < RING_SIZE,
		   "warm-up: %d denied opens, %u records kept, %llu dropped", WARMUP_OPENS, d.n,
		   (unsigned long long)l0);
	if (!ok)
		goto out;

	t0 = now_s();
	pid = start_flood(fbox.dir, &flood);
	if (pid < 0)
		goto out;
	/* The other container's denials go in while the flood is being throttled. */
	for (waited = 0; waited < 20; waited += 0.05) {
		if (status_lost(&l1) || l1 > l0 + 1000)
			break;
		usleep(50000);
	}
	tap_result(l1 > l0 + 1000, "the flood is being throttled (dropped %llu after %.1f s)",
		   (unsigned long long)(l1 - l0), waited);
	err = run_in_cgroup(qbox.dir, NULL, opens_fn, &quiet);
	tap_result(!err, "the other container: %d opens denied with EACCES during the flood",
		   QUIET_OPENS);
	err = finish_child(pid);
	t1 = now_s();
	tap_diag("flood: %lu opens in %.1f s (%.0f per second)", fres->done, t1 - t0,
		 fres->done / (t1 - t0));
	tap_result(!err && fres->done == flood.n && !fres->wrong,
		   "flood: %lu opens, every one denied with EACCES", flood.n);

	ok = !flush_lost(&fbox) && !memory_use(&avail1, &slab1) && !status_lost(&l1) &&
	     !dump_denials(s0 + 1, &d);
	if (!ok) {
		tap_result(false, "read the records and counters after the flood");
		goto out;
	}
	for (i = 0; i < d.n; i++) {
		const struct rec *r = &d.recs[i];

		if (r->seq != s0 + 1 + i)
			gaps++;
		if (r->cgroup_id == fbox.id) {
			nr_flood++;
			lost_sum += r->lost;
			max_flood_seq = r->seq;
		} else if (r->cgroup_id == qbox.id) {
			nr_quiet++;
			max_quiet_seq = r->seq;
			quiet_ok += quiet_record_ok(r, &qbox, qres->pid);
		}
	}
	tap_diag("after seq %llu: %u records (%u of the flood, %u of the other container)",
		 (unsigned long long)s0, d.n, nr_flood, nr_quiet);
	tap_diag("dropped: %llu -> %llu", (unsigned long long)l0, (unsigned long long)l1);
	tap_result(nr_quiet == QUIET_OPENS && quiet_ok == QUIET_OPENS,
		   "the other container's %d records are all there, complete, none lost",
		   QUIET_OPENS);
	tap_result(max_flood_seq > max_quiet_seq,
		   "they went in while the flood went on (flood records after them)");
	tap_result(l1 > l0, "the module's dropped counter grew (by %llu)",
		   (unsigned long long)(l1 - l0));
	tap_result(lost_sum == l1 - l0,
		   "it grew by exactly the lost counts the flood's records carry (%llu)",
		   (unsigned long long)lost_sum);
	tap_result(nr_flood + lost_sum == flood.n + 1,
		   "records kept + records dropped = the %lu denials made (%u + %llu)",
		   flood.n + 1, nr_flood, (unsigned long long)lost_sum);
	tap_result(nr_flood <= rate * 5 + rate * (t1 - t0 + 1) + 2,
		   "the flood kept no more than its burst and rate allow (%u in %.1f s at %u/s)",
		   nr_flood, t1 - t0, rate);
	tap_result(!gaps, "seq numbers after the flood have no gap");
	tap_diag("Slab %ld -> %ld kB, MemAvailable %ld -> %ld kB", slab0, slab1, avail0, avail1);
	tap_result(slab1 - slab0 < SLAB_SLACK_KB && avail0 - avail1 < AVAIL_SLACK_KB,
		   "memory stays bounded: slab grew %ld kB, available memory fell %ld kB",
		   slab1 - slab0, avail0 - avail1);

	err = tool_check("/", s0 + 1, lost_sum, l1);
	tap_result(!err,
		   "cgfence denials --json: lost notes add up, summary shows the dropped counter");

	/*
	 * The multicast group's own flag asks only CAP_SYS_ADMIN; the module refuses the
	 * join to a confined task in genl_bind(), as the dump refuses it.
	 */
	lis->group = cgf_denials_group();
	lis->other_id = fbox.id;
	if (lis->group > 0) {
		pid = start_in_cgroup(qbox.dir, NULL, listen_fn, lis);
		usleep(500000);
		flush_lost(&fbox);
		err = pid < 0 ? -1 : finish_child(pid);
		tap_diag("confined listener: join %s, %d record(s) of the other container heard",
			 errname(lis->join_err), lis->heard);
		tap_result(!err && lis->join_err == -EPERM && !lis->heard,
			   "a confined task, even with CAP_SYS_ADMIN, cannot join the denials group");
	} else {
		tap_result(false, "resolve the denials multicast group");
	}
out:
	box_drop(&qbox);
	box_drop(&fbox);
	unlink(FLOOD_FILE);
	unlink(QUIET_FILE);
	err = cgf_unload();
	tap_result(!err, "rmmod cgfence");
	return tap_done();
}
