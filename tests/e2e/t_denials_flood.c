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
/*
 * KASAN keeps freed objects in a quarantine (up to 1/32 of memory) and Slab counts them
 * until it recycles them, so there every transient allocation of a denial shows as growth
 * (5.4 MB for 12,500 denials on make stress's kernel). That kernel's leak check is
 * kmemleak; the slab check still catches a leak of a record per denial.
 */
#define KASAN_SLACK_KB_PER_DENIAL	1
#define AVAIL_SLACK_KB	(16 * 1024)

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

struct dump {
	struct cgf_denial_rec *recs;
	unsigned int max, n;
	int bad;
};

static int denial_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump *d = arg;
	struct cgf_denial_rec r;

	if (cgf_denial_from_msg(nlh, &r)) {
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
	struct cgf_status st;

	if (cgf_status_query(&st))
		return tap_fail("STATUS failed");
	*lost = st.denials_lost;
	return 0;
}

#define MEMINFO	"/proc/meminfo"

/* MemAvailable and Slab, in kB. */
/* A kernel built with KASAN has its quarantine's functions (root reads their names). */
static bool kernel_has_kasan(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " kasan_quarantine_put") != NULL;
	fclose(f);
	return found;
}

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
	struct timeval tv = { .tv_sec = 3 };
	struct cgf_denial_rec r;
	struct genl_sock s;
	struct nlmsghdr *nlh;
	ssize_t n;

	if (genl_open(&s))
		return tap_fail("netlink socket in the container: %s", errname(-errno));
	l->join_err = setsockopt(s.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &l->group,
				 sizeof(l->group)) ? -errno : 0;
	setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (!l->join_err && (n = recv(s.fd, reply.buf, sizeof(reply.buf), 0)) > 0) {
		for (nlh = &reply.nlh; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n))
			if (!cgf_denial_from_msg(nlh, &r) && r.cgroup_id == l->other_id)
				l->heard++;
		if (l->heard)
			break;
	}
	genl_close(&s);
	return 0;
}

/* One record of the quiet container's denied opens, every field as it must be. */
static bool quiet_record_ok(const struct cgf_denial_rec *r, const struct box *b, pid_t pid)
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
	long avail0, slab0, avail1, slab1, slab_slack;
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
		const struct cgf_denial_rec *r = &d.recs[i];

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
	slab_slack = SLAB_SLACK_KB;
	if (kernel_has_kasan())
		slab_slack += KASAN_SLACK_KB_PER_DENIAL * (long)flood.n;
	tap_diag("slab slack %ld kB%s", slab_slack, slab_slack > SLAB_SLACK_KB ?
		 " (KASAN's quarantine keeps freed objects counted)" : "");
	tap_result(slab1 - slab0 < slab_slack && avail0 - avail1 < AVAIL_SLACK_KB,
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
