// SPDX-License-Identifier: GPL-2.0
/*
 * opbench: the guest side of make bench. A static program that times one operation in a
 * loop with clock_gettime(CLOCK_MONOTONIC), and the bulk helpers the benchmark needs
 * (many cgroups, many attachments) that would take minutes as shell loops under TCG.
 *
 *   opbench run [-g CGROUP] [-n ITERS] [-s SAMPLES] [-e ERRNO] LABEL OP PATH
 *	Moves itself into CGROUP first (a cgroup2 directory), warms up with ITERS/2
 *	operations, then times SAMPLES samples of ITERS operations and prints
 *	"R LABEL OP ns/op ns/op ...". Every operation's
 *	result is checked: ERRNO 0 (default) means it must succeed, else it must fail with
 *	that errno. OP: open (open+close), openmany (open+close of 256 files in turn, PATH
 *	with its "%u", or its end, replaced by 0 .. 255: more names than cgfence's verdict
 *	cache keeps, so each open is matched again), stat, exec (fork+execve+waitpid),
 *	mmap (mmap of PATH with PROT_READ|PROT_EXEC + munmap; PATH opened once, read-only),
 *	mkdir (mkdir+rmdir), mount (tmpfs mount+umount).
 *   opbench calib OP PATH MS
 *	Prints how many iterations of OP take about MS milliseconds.
 *   opbench lat [-g CGROUP] [-e ERRNO] LABEL MS PATH
 *	open+close of PATH for MS milliseconds, each timed on its own; prints
 *	"L LABEL count p50 p90 p99 p999 max" in ns.
 *   opbench par [-g CGROUP] -j JOBS LABEL MS PREFIX
 *	JOBS processes, the i-th pinned to CPU i, open+close PREFIX<i> for MS ms from a
 *	common start (every result checked: must succeed); prints "P LABEL JOBS OPS MS" (OPS
 *	of all of them together): throughput when confined tasks open files side by side.
 *	Each has its own file so that what they share is cgfence's state, not one dentry.
 *   opbench mkcg DIR N	creates DIR and DIR/c0 .. DIR/c<N-1>
 *   opbench attach PROFILE DIR FROM TO	attaches PROFILE to DIR/c<FROM> .. DIR/c<TO-1>
 *   opbench detach DIR FROM TO		detaches them
 *   opbench now				prints CLOCK_MONOTONIC in ns (busybox date has no %N)
 *
 * Exit status: 0, 1 on a failed operation or check (with a message on stderr), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uapi/cgfence.h>

typedef uint64_t u64;

static const char *prog = "opbench";

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static void die(const char *fmt, const char *a, int err)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, a);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(1);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* --- The operations. Each returns 0 or the errno of the first call that failed. --- */

enum op { OP_OPEN, OP_OPEN_MANY, OP_STAT, OP_EXEC, OP_MMAP, OP_MKDIR, OP_MOUNT };

static const char *const op_names[] = {
	[OP_OPEN] = "open", [OP_OPEN_MANY] = "openmany", [OP_STAT] = "stat",
	[OP_EXEC] = "exec", [OP_MMAP] = "mmap", [OP_MKDIR] = "mkdir", [OP_MOUNT] = "mount",
};

/* Files openmany takes in turn: four times the slots of cgfence's verdict cache. */
#define OPEN_MANY_FILES 256

struct target {
	enum op op;
	const char *path;
	int fd;			/* OP_MMAP: the file, opened once */
	char (*many)[256];	/* OP_OPEN_MANY: PATH0 .. PATH255 */
};

static int op_open(const struct target *t)
{
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int op_open_many(const struct target *t)
{
	static unsigned int next;
	int fd = open(t->many[next++ % OPEN_MANY_FILES], O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int op_stat(const struct target *t)
{
	struct stat st;

	return stat(t->path, &st) ? errno : 0;
}

/* The child reports execve()'s errno as its exit status; the binary exits 0. */
static int op_exec(const struct target *t)
{
	char *const argv[] = { (char *)t->path, NULL };
	char *const envp[] = { NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return errno;
	if (!pid) {
		execve(t->path, argv, envp);
		_exit(errno & 0xff);
	}
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	if (!WIFEXITED(status))
		return EINTR;
	return WEXITSTATUS(status);
}

static int op_mmap(const struct target *t)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, t->fd, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, 4096);
	return 0;
}

static int op_mkdir(const struct target *t)
{
	if (mkdir(t->path, 0700))
		return errno;
	return rmdir(t->path) ? errno : 0;
}

static int op_mount(const struct target *t)
{
	if (mount("none", t->path, "tmpfs", 0, NULL))
		return errno;
	return umount2(t->path, 0) ? errno : 0;
}

static int (*const op_fns[])(const struct target *) = {
	[OP_OPEN] = op_open, [OP_OPEN_MANY] = op_open_many, [OP_STAT] = op_stat,
	[OP_EXEC] = op_exec, [OP_MMAP] = op_mmap, [OP_MKDIR] = op_mkdir, [OP_MOUNT] = op_mount,
};

static void target_init(struct target *t, const char *op, const char *path)
{
	unsigned int i;

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (!strcmp(op, op_names[i]))
			break;
	if (i == sizeof(op_names) / sizeof(op_names[0]))
		die("unknown operation %s", op, 0);
	t->op = i;
	t->path = path;
	t->fd = -1;
	t->many = NULL;
	if (t->op == OP_OPEN_MANY) {
		const char *mark = strstr(path, "%u");
		const char *tail = mark ? mark + 2 : "";
		int head = mark ? (int)(mark - path) : (int)strlen(path);

		t->many = calloc(OPEN_MANY_FILES, sizeof(*t->many));
		if (!t->many)
			die("out of memory for %s", path, ENOMEM);
		for (i = 0; i < OPEN_MANY_FILES; i++)
			if (snprintf(t->many[i], sizeof(t->many[i]), "%.*s%u%s", head, path, i,
				     tail) >= (int)sizeof(t->many[i]))
				die("path too long: %s", path, ENAMETOOLONG);
	}
	if (t->op == OP_MMAP) {
		t->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (t->fd < 0)
			die("open %s", path, errno);
	}
}

static void check_result(const struct target *t, int got, int want)
{
	if (got == want)
		return;
	fprintf(stderr, "%s: %s %s: expected %s, ", prog, op_names[t->op], t->path,
		want ? strerror(want) : "success");
	fprintf(stderr, "got %s\n", got ? strerror(got) : "success");
	exit(1);
}

/* Times @iters operations; ns per operation. */
static double run_sample(const struct target *t, u64 iters, int want)
{
	int (*fn)(const struct target *) = op_fns[t->op];
	int got, first_bad = -1;
	u64 i, t0, dt;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		got = fn(t);
		if (got != want && first_bad < 0)
			first_bad = got;
	}
	dt = now_ns() - t0;
	if (first_bad >= 0)
		check_result(t, first_bad, want);
	return (double)dt / (double)iters;
}

static void enter_cgroup(const char *dir)
{
	char file[4096];
	int fd;

	snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("open %s", file, errno);
	if (write(fd, "0\n", 2) != 2)
		die("write %s", file, errno);
	close(fd);
}

static int cmd_run(int argc, char **argv)
{
	u64 iters = 1000;
	int samples = 5, want = 0, opt, i;
	const char *cgroup = NULL;
	struct target t;

	while ((opt = getopt(argc, argv, "g:n:s:e:")) != -1) {
		switch (opt) {
		case 'g':
			cgroup = optarg;
			break;
		case 'n':
			iters = strtoull(optarg, NULL, 10);
			break;
		case 's':
			samples = atoi(optarg);
			break;
		case 'e':
			want = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 3 || !iters || samples < 1)
		return 2;
	target_init(&t, argv[optind + 1], argv[optind + 2]);
	if (cgroup)
		enter_cgroup(cgroup);
	/*
	 * One checked operation, then an untimed half sample: under TCG the first runs of a
	 * code path (new ftrace trampolines after insmod, say) pay for translation, and the
	 * allocators settle.
	 */
	check_result(&t, op_fns[t.op](&t), want);
	run_sample(&t, iters / 2 + 1, want);
	printf("R %s %s", argv[optind], op_names[t.op]);
	for (i = 0; i < samples; i++)
		printf(" %.1f", run_sample(&t, iters, want));
	printf("\n");
	return 0;
}

static int cmd_calib(int argc, char **argv)
{
	u64 iters = 1, target_ns;
	struct target t;
	double ns;

	if (argc != 4)
		return 2;
	target_init(&t, argv[1], argv[2]);
	target_ns = strtoull(argv[3], NULL, 10) * 1000000ULL;
	check_result(&t, op_fns[t.op](&t), 0);
	for (;;) {
		ns = run_sample(&t, iters, 0) * (double)iters;
		if (ns >= (double)target_ns / 8 || iters >= (1ULL << 30))
			break;
		iters *= 4;
	}
	iters = (u64)((double)iters * (double)target_ns / ns) + 1;
	printf("%llu\n", (unsigned long long)iters);
	return 0;
}

static int cmd_lat(int argc, char **argv)
{
	const char *cgroup = NULL;
	u64 *lat, n = 0, cap = 1 << 22, t0, t1, end;
	int want = 0, opt, got;
	struct target t;

	while ((opt = getopt(argc, argv, "g:e:")) != -1) {
		switch (opt) {
		case 'g':
			cgroup = optarg;
			break;
		case 'e':
			want = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 3)
		return 2;
	target_init(&t, "open", argv[optind + 2]);
	lat = malloc(cap * sizeof(*lat));
	if (!lat)
		die("%s", "out of memory", ENOMEM);
	if (cgroup)
		enter_cgroup(cgroup);
	check_result(&t, op_open(&t), want);
	end = now_ns() + strtoull(argv[optind + 1], NULL, 10) * 1000000ULL;
	t0 = now_ns();
	while (n < cap && t0 < end) {
		got = op_open(&t);
		t1 = now_ns();
		if (got != want)
			check_result(&t, got, want);
		lat[n++] = t1 - t0;
		t0 = t1;
	}
	if (!n)
		die("%s", "no operation completed in the window", 0);
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("L %s %llu %llu %llu %llu %llu %llu\n", argv[optind], (unsigned long long)n,
	       (unsigned long long)lat[n / 2], (unsigned long long)lat[n * 9 / 10],
	       (unsigned long long)lat[n * 99 / 100], (unsigned long long)lat[n * 999 / 1000],
	       (unsigned long long)lat[n - 1]);
	free(lat);
	return 0;
}

static int cmd_mkcg(int argc, char **argv)
{
	char dir[4096];
	long i, n;

	if (argc != 3)
		return 2;
	n = atol(argv[2]);
	if (mkdir(argv[1], 0755) && errno != EEXIST)
		die("mkdir %s", argv[1], errno);
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/c%ld", argv[1], i);
		if (mkdir(dir, 0755) && errno != EEXIST)
			die("mkdir %s", dir, errno);
	}
	return 0;
}

/* --- Generic netlink: just ATTACH and DETACH, one acknowledged request at a time. --- */

struct nl {
	int fd;
	uint32_t seq;
	uint16_t family;
};

struct nlmsg {
	struct nlmsghdr nlh;
	struct genlmsghdr g;
	char attrs[256];
};

static void put_attr(struct nlmsg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->nlh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void msg_init(struct nl *nl, struct nlmsg *m, uint16_t type, uint8_t cmd, uint8_t version)
{
	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->nlh.nlmsg_seq = ++nl->seq;
	m->g.cmd = cmd;
	m->g.version = version;
}

/*
 * Sends @m and reads until its acknowledgement. Returns 0 or the negative errno the
 * kernel answered; with @family, takes CTRL_ATTR_FAMILY_ID from a reply on the way.
 */
static int transact(struct nl *nl, struct nlmsg *m, uint16_t *family)
{
	char buf[8192];
	struct nlmsghdr *h;
	ssize_t len;

	if (send(nl->fd, m, m->nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		len = recv(nl->fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (family && h->nlmsg_type == GENL_ID_CTRL) {
				struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
				int rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

				for (; rem >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
				       a->nla_len <= rem;
				     rem -= NLA_ALIGN(a->nla_len),
				     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
					if (a->nla_type == CTRL_ATTR_FAMILY_ID)
						memcpy(family, (char *)a + NLA_HDRLEN, 2);
			}
		}
	}
}

static void nl_open(struct nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsg m;
	int err;

	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0 || bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("%s", "netlink socket", errno);
	msg_init(nl, &m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, CGFENCE_GENL_NAME, sizeof(CGFENCE_GENL_NAME));
	nl->family = 0;
	err = transact(nl, &m, &nl->family);
	if (err || !nl->family)
		die("%s", "resolve the cgfence netlink family (module not loaded?)", -err);
}

static int cmd_attach_detach(int argc, char **argv, int attach)
{
	const char *profile = attach ? argv[1] : NULL;
	char dir[4096];
	struct nlmsg m;
	struct stat st;
	struct nl nl;
	long i, from, to;
	uint64_t id;
	int err;

	if (argc != (attach ? 5 : 4))
		return 2;
	argv += attach;
	from = atol(argv[2]);
	to = atol(argv[3]);
	nl_open(&nl);
	for (i = from; i < to; i++) {
		snprintf(dir, sizeof(dir), "%s/c%ld", argv[1], i);
		if (stat(dir, &st))
			die("stat %s", dir, errno);
		id = st.st_ino;
		msg_init(&nl, &m, nl.family, attach ? CGFENCE_CMD_ATTACH : CGFENCE_CMD_DETACH,
			 CGFENCE_GENL_VERSION);
		put_attr(&m, CGFENCE_A_CGROUP_ID, &id, sizeof(id));
		if (attach)
			put_attr(&m, CGFENCE_A_PROFILE_NAME, profile, strlen(profile) + 1);
		err = transact(&nl, &m, NULL);
		if (err)
			die(attach ? "attach %s" : "detach %s", dir, -err);
	}
	close(nl.fd);
	return 0;
}

/*
 * One of cmd_par()'s workers: pins itself and opens once, says on @out_fd whether it is
 * ready ('r') or not ('x'), waits for the start, counts opens for @ms, reports the count.
 */
static void par_worker(const struct target *t, int cpu, int start_fd, int out_fd, u64 ms)
{
	u64 ops = 0, end;
	cpu_set_t set;
	int err = 0;
	char go;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		err = errno;
	else
		err = op_open(t);
	if (write(out_fd, err ? "x" : "r", 1) != 1 || err) {
		fprintf(stderr, "%s: worker on CPU %d: pin or first open of %s: %s\n", prog, cpu,
			t->path, strerror(err));
		_exit(1);
	}
	if (read(start_fd, &go, 1) != 0)
		die("%s", "start pipe", errno);
	end = now_ns() + ms * 1000000ULL;
	while (now_ns() < end) {
		int got = op_open(t);

		if (got)
			check_result(t, got, 0);
		ops++;
	}
	if (write(out_fd, &ops, sizeof(ops)) != sizeof(ops))
		die("%s", "result pipe", errno);
	_exit(0);
}

static int cmd_par(int argc, char **argv)
{
	int jobs = 0, opt, start[2], result[2], i, status, failed = 0;
	const char *cgroup = NULL;
	u64 ms, ops, total = 0;
	char path[4096];
	struct target t;

	while ((opt = getopt(argc, argv, "g:j:")) != -1) {
		switch (opt) {
		case 'g':
			cgroup = optarg;
			break;
		case 'j':
			jobs = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 3 || jobs < 1 || jobs > CPU_SETSIZE)
		return 2;
	ms = strtoull(argv[optind + 1], NULL, 10);
	if (cgroup)
		enter_cgroup(cgroup);
	if (pipe(start) || pipe(result))
		die("%s", "pipe", errno);
	for (i = 0; i < jobs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("%s", "fork", errno);
		if (!pid) {
			snprintf(path, sizeof(path), "%s%d", argv[optind + 2], i);
			target_init(&t, "open", path);
			close(start[1]);
			close(result[0]);
			par_worker(&t, i, start[0], result[1], ms);
		}
	}
	close(start[0]);
	close(result[1]);
	for (i = 0; i < jobs; i++) {
		char ready;

		if (read(result[0], &ready, 1) != 1 || ready != 'r')
			failed = 1;
	}
	/* Every worker is pinned and has opened once: closing the pipe starts them together. */
	close(start[1]);
	for (i = 0; i < jobs; i++) {
		if (read(result[0], &ops, sizeof(ops)) != sizeof(ops))
			failed = 1;
		else
			total += ops;
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	if (failed)
		die("%s", "a worker failed", 0);
	printf("P %s %d %llu %llu\n", argv[optind], jobs, (unsigned long long)total,
	       (unsigned long long)ms);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc >= 2) {
		const char *cmd = argv[1];

		argc--;
		argv++;
		if (!strcmp(cmd, "run"))
			ret = cmd_run(argc, argv);
		else if (!strcmp(cmd, "calib"))
			ret = cmd_calib(argc, argv);
		else if (!strcmp(cmd, "lat"))
			ret = cmd_lat(argc, argv);
		else if (!strcmp(cmd, "par"))
			ret = cmd_par(argc, argv);
		else if (!strcmp(cmd, "mkcg"))
			ret = cmd_mkcg(argc, argv);
		else if (!strcmp(cmd, "attach"))
			ret = cmd_attach_detach(argc, argv, 1);
		else if (!strcmp(cmd, "detach"))
			ret = cmd_attach_detach(argc, argv, 0);
		else if (!strcmp(cmd, "now") && argc == 1)
			ret = printf("%llu\n", (unsigned long long)now_ns()) < 0;
	}
	if (ret == 2)
		fprintf(stderr, "usage: see the comment at the top of tests/bench/opbench.c\n");
	fflush(stdout);
	return ret;
}
