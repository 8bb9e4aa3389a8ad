// SPDX-License-Identifier: GPL-2.0
/* e2e: random and mutated netlink messages, as root and as a user, while a confined task works. */

#include <errno.h>
#include <fcntl.h>
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
 * How long each phase mutates, in seconds; NLFUZZ_SECONDS (the stress run) multiplies
 * them. Under QEMU's emulation a message costs about a millisecond.
 */
#define ROOT_SECONDS	12
#define USER_SECONDS	4
#define NR_SOCKETS	3
#define KEEP_PROFILE	"nlf-keep"
#define OK_FILE		"/tmp/t_nl_fuzz.ok"
#define NO_FILE		"/tmp/t_nl_fuzz.no"
#define NR_BOXES	2

static const char *const names[] = { "nlf-a", "nlf-b", "nlf-c", "nlf-d" };
static const char *const patterns[] = {
	"/tmp/**", "/tmp/t_nl_fuzz.*", "/a/*/b", "/", "pipe:", "/x/**/y", "/\\*", "/??",
};

/* The empty cgroups the fuzzer may attach: attaching them confines no task. */
static __u64 box_ids[NR_BOXES];
static __u16 family;
static unsigned int seed;

/* What the confined worker reports back. */
struct worker_result {
	unsigned long rounds, wrong;
	int first_ok_err, first_no_err;
	volatile int stop;
};

/* Per phase: messages sent, answers by kind, for the figures. */
struct tally {
	unsigned long sent, acked, refused, silent, dumps, reopened, cut_dumps;
	unsigned long mutating_ok;	/* the user phase must keep this at 0 */
};

static unsigned int rnd(unsigned int n)
{
	seed = seed * 1103515245 + 12345;
	return n ? (seed >> 8) % n : 0;
}

static int open_sock(struct genl_sock *s)
{
	int err = genl_open(s);

	/*
	 * The kernel answers a request within send(), and makes each further part of a dump
	 * within recv(): an answer not there within a moment is not coming.
	 */
	if (!err)
		err = genl_set_timeout(s, 50);
	return err;
}

static size_t put_attr(char *buf, size_t off, size_t cap, __u16 type, const void *data,
		       size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + off);

	if (off + NLA_HDRLEN + NLA_ALIGN(len) > cap)
		return off;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memmove(buf + off + NLA_HDRLEN, data, len);
	memset(buf + off + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return off + NLA_HDRLEN + NLA_ALIGN(len);
}

static size_t put_u32(char *b, size_t off, size_t cap, __u16 type, __u32 v)
{
	return put_attr(b, off, cap, type, &v, sizeof(v));
}

static size_t put_u8(char *b, size_t off, size_t cap, __u16 type, __u8 v)
{
	return put_attr(b, off, cap, type, &v, sizeof(v));
}

static size_t put_str(char *b, size_t off, size_t cap, __u16 type, const char *s)
{
	return put_attr(b, off, cap, type, s, strlen(s) + 1);
}

/* One rule of a random kind, mostly well formed. */
static size_t put_rule(char *b, size_t off, size_t cap)
{
	size_t start = off, inner;
	__u8 kind = 1 + rnd(4);

	if (off + NLA_HDRLEN > cap)
		return off;
	inner = off + NLA_HDRLEN;
	inner = put_u32(b, inner, cap, CGFENCE_RULE_A_ID, 1 + rnd(6));
	inner = put_u8(b, inner, cap, CGFENCE_RULE_A_KIND, kind);
	inner = put_u8(b, inner, cap, CGFENCE_RULE_A_EFFECT, 1 + rnd(2));
	switch (kind) {
	case CGFENCE_RULE_FILE:
		inner = put_u32(b, inner, cap, CGFENCE_RULE_A_FILE_PERMS, 1 + rnd(CGFENCE_FILE_ALL));
		inner = put_str(b, inner, cap, CGFENCE_RULE_A_FILE_PATH,
				patterns[rnd(ARRAY_SIZE(patterns))]);
		break;
	case CGFENCE_RULE_MOUNT:
		inner = put_u32(b, inner, cap, CGFENCE_RULE_A_MOUNT_OPS, 1 + rnd(CGFENCE_MOUNT_ALL));
		if (rnd(2))
			inner = put_str(b, inner, cap, CGFENCE_RULE_A_MOUNT_FSTYPE, "tmpfs");
		if (rnd(2))
			inner = put_str(b, inner, cap, CGFENCE_RULE_A_MOUNT_TARGET, "/mnt/**");
		break;
	case CGFENCE_RULE_DEVICE:
		inner = put_u8(b, inner, cap, CGFENCE_RULE_A_DEV_TYPE, 1 + rnd(2));
		inner = put_u32(b, inner, cap, CGFENCE_RULE_A_DEV_MAJOR, rnd(2) ? 1 : CGFENCE_DEV_ANY);
		inner = put_u32(b, inner, cap, CGFENCE_RULE_A_DEV_MINOR, rnd(9));
		inner = put_u8(b, inner, cap, CGFENCE_RULE_A_DEV_ACCESS, 1 + rnd(7));
		break;
	default:
		inner = put_u32(b, inner, cap, CGFENCE_RULE_A_KERNEL_OPS, 1 + rnd(CGFENCE_KERNEL_ALL));
		break;
	}
	if (rnd(4) == 0)
		inner = put_str(b, inner, cap, CGFENCE_RULE_A_ORIGIN, "fuzz.cgf:1:1");
	((struct nlattr *)(b + start))->nla_type = CGFENCE_RULE_A_RULE | NLA_F_NESTED;
	((struct nlattr *)(b + start))->nla_len = inner - start;
	return inner;
}

/* A well-formed request of a random command (never LOCK: it would end the test's world). */
static size_t build(char *b, size_t cap, __u8 *cmd_out, __u16 *flags)
{
	static const __u8 cmds[] = {
		CGFENCE_CMD_STATUS, CGFENCE_CMD_PROFILE_BEGIN, CGFENCE_CMD_PROFILE_ADD,
		CGFENCE_CMD_PROFILE_ADD, CGFENCE_CMD_PROFILE_COMMIT, CGFENCE_CMD_PROFILE_ABORT,
		CGFENCE_CMD_PROFILE_REMOVE, CGFENCE_CMD_PROFILE_GET, CGFENCE_CMD_PROFILE_MODE,
		CGFENCE_CMD_ATTACH, CGFENCE_CMD_DETACH, CGFENCE_CMD_ATTACH_GET,
		CGFENCE_CMD_DENIAL, CGFENCE_CMD_RULE_GET, CGFENCE_CMD_LEARNED_GET,
	};
	struct nlmsghdr *nlh = (struct nlmsghdr *)b;
	struct genlmsghdr *g = (struct genlmsghdr *)(b + NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN, nest;
	__u8 cmd = cmds[rnd(ARRAY_SIZE(cmds))];
	const char *name = names[rnd(ARRAY_SIZE(names))];
	__u64 id;
	unsigned int i, n;

	memset(b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	*flags = NLM_F_REQUEST | NLM_F_ACK;
	switch (cmd) {
	case CGFENCE_CMD_PROFILE_BEGIN:
		off = put_str(b, off, cap, CGFENCE_A_PROFILE_NAME, name);
		off = put_u8(b, off, cap, CGFENCE_A_PROFILE_MODE, 1 + rnd(2));
		off = put_u8(b, off, cap, CGFENCE_A_PROFILE_FILE_DEFAULT, 1 + rnd(2));
		off = put_u32(b, off, cap, CGFENCE_A_PROFILE_RULE_COUNT, rnd(6));
		break;
	case CGFENCE_CMD_PROFILE_ADD:
		nest = off;
		off += NLA_HDRLEN;
		n = 1 + rnd(4);
		for (i = 0; i < n; i++)
			off = put_rule(b, off, cap);
		((struct nlattr *)(b + nest))->nla_type = CGFENCE_A_RULES | NLA_F_NESTED;
		((struct nlattr *)(b + nest))->nla_len = off - nest;
		break;
	case CGFENCE_CMD_PROFILE_REMOVE:
		off = put_str(b, off, cap, CGFENCE_A_PROFILE_NAME, name);
		if (rnd(2))
			off = put_attr(b, off, cap, CGFENCE_A_FORCE, NULL, 0);
		break;
	case CGFENCE_CMD_PROFILE_GET:
	case CGFENCE_CMD_RULE_GET:
	case CGFENCE_CMD_LEARNED_GET:
		if (cmd != CGFENCE_CMD_PROFILE_GET || rnd(2))
			off = put_str(b, off, cap, CGFENCE_A_PROFILE_NAME, name);
		if (cmd != CGFENCE_CMD_PROFILE_GET || rnd(2))
			*flags |= NLM_F_DUMP;
		break;
	case CGFENCE_CMD_PROFILE_MODE:
		off = put_str(b, off, cap, CGFENCE_A_PROFILE_NAME, name);
		off = put_u8(b, off, cap, CGFENCE_A_PROFILE_MODE, 1 + rnd(2));
		break;
	case CGFENCE_CMD_ATTACH:
	case CGFENCE_CMD_DETACH:
		id = box_ids[rnd(NR_BOXES)];
		off = put_attr(b, off, cap, CGFENCE_A_CGROUP_ID, &id, sizeof(id));
		if (cmd == CGFENCE_CMD_ATTACH) {
			off = put_str(b, off, cap, CGFENCE_A_PROFILE_NAME, name);
			if (rnd(3) == 0)
				off = put_attr(b, off, cap, CGFENCE_A_ATTACH_ON_EXEC, NULL, 0);
		}
		break;
	case CGFENCE_CMD_ATTACH_GET:
		*flags |= NLM_F_DUMP;
		break;
	case CGFENCE_CMD_DENIAL:
		*flags |= NLM_F_DUMP;
		if (rnd(2)) {
			id = rnd(50);
			off = put_attr(b, off, cap, CGFENCE_A_DENIAL_SEQ, &id, sizeof(id));
		}
		break;
	default:
		break;
	}
	nlh->nlmsg_len = off;
	nlh->nlmsg_type = family;
	g->cmd = cmd;
	g->version = 1;
	*cmd_out = cmd;
	return off;
}

/* The attributes after the genl header, walked as the kernel walks them. */
static struct nlattr *nth_attr(char *b, size_t len, unsigned int want)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlattr *a;
	unsigned int i = 0;

	while (off + NLA_HDRLEN <= len) {
		a = (struct nlattr *)(b + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > len)
			return NULL;
		if (i++ == want)
			return a;
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/* Zero to three corruptions; returns the number of bytes to send. */
static size_t mutate(char *b, size_t len, size_t cap)
{
	unsigned int k, n = rnd(4);
	struct nlattr *a;

	for (k = 0; k < n; k++) {
		switch (rnd(9)) {
		case 0:		/* a random byte anywhere after the netlink header */
			if (len > NLMSG_HDRLEN)
				b[NLMSG_HDRLEN + rnd(len - NLMSG_HDRLEN)] ^= 1 << rnd(8);
			break;
		case 1:		/* an attribute's length: zero, short, long, huge */
			a = nth_attr(b, len, rnd(4));
			if (a) {
				static const __u16 lens[] = { 0, 1, 3, 4, 5, 7, 0xffff };

				a->nla_len = rnd(2) ? lens[rnd(ARRAY_SIZE(lens))] :
					     a->nla_len + rnd(9) - 4;
			}
			break;
		case 2:		/* an attribute's type, with or without the nested flag */
			a = nth_attr(b, len, rnd(4));
			if (a)
				a->nla_type = rnd(CGFENCE_A_MAX + 4) | (rnd(2) ? NLA_F_NESTED : 0);
			break;
		case 3:		/* truncated: the header still says the full length */
			if (len > NLMSG_HDRLEN)
				len = NLMSG_HDRLEN + rnd(len - NLMSG_HDRLEN + 1);
			break;
		case 4:		/* truncated, and the header agrees */
			if (len > NLMSG_HDRLEN)
				len = NLMSG_HDRLEN + rnd(len - NLMSG_HDRLEN + 1);
			((struct nlmsghdr *)b)->nlmsg_len = len;
			break;
		case 5:		/* a garbage attribute appended */
			len = put_attr(b, NLA_ALIGN(len), cap, rnd(CGFENCE_A_MAX + 4),
				       b + NLMSG_HDRLEN, rnd(24));
			((struct nlmsghdr *)b)->nlmsg_len = len;
			break;
		case 6:		/* another command, dump flag or not */
			((struct genlmsghdr *)(b + NLMSG_HDRLEN))->cmd = rnd(CGFENCE_CMD_MAX + 3);
			if (rnd(2))
				((struct nlmsghdr *)b)->nlmsg_flags ^= NLM_F_DUMP;
			break;
		case 7:		/* the header's length: shorter or longer than sent */
			((struct nlmsghdr *)b)->nlmsg_len = rnd(2) ? rnd(len + 1) : len + rnd(64);
			break;
		default:	/* a genl version or reserved field */
			((struct genlmsghdr *)(b + NLMSG_HDRLEN))->version = rnd(4);
			((struct genlmsghdr *)(b + NLMSG_HDRLEN))->reserved = rnd(3);
			break;
		}
	}
	return len;
}

/*
 * Whatever the corruption did, the message must not lock the module, reach a cgroup
 * other than the empty boxes, touch the worker's profile or, past a header that became
 * shorter, carry a second message to another family: the fuzzer would then change the
 * world the test stands in, not find a bug. Returns the bytes to send.
 */
static size_t fence(char *b, size_t len)
{
	struct genlmsghdr *g = (struct genlmsghdr *)(b + NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN, said = ((struct nlmsghdr *)b)->nlmsg_len;
	struct nlattr *a;
	char *data;
	__u64 id;

	if (said >= NLMSG_HDRLEN && NLMSG_ALIGN(said) + NLMSG_HDRLEN <= len)
		len = NLMSG_ALIGN(said);
	if (len < NLMSG_HDRLEN + GENL_HDRLEN)
		return len;
	if (g->cmd == CGFENCE_CMD_LOCK)
		g->cmd = CGFENCE_CMD_STATUS;
	while (off + NLA_HDRLEN <= len) {
		a = (struct nlattr *)(b + off);
		if (a->nla_len < NLA_HDRLEN)
			break;
		data = b + off + NLA_HDRLEN;
		if ((a->nla_type & NLA_TYPE_MASK) == CGFENCE_A_CGROUP_ID &&
		    off + NLA_HDRLEN + 8 <= len) {
			id = box_ids[rnd(NR_BOXES)];
			memcpy(data, &id, sizeof(id));
		}
		if ((a->nla_type & NLA_TYPE_MASK) == CGFENCE_A_PROFILE_NAME &&
		    off + NLA_HDRLEN + sizeof(KEEP_PROFILE) - 1 <= len &&
		    !strncmp(data, KEEP_PROFILE, sizeof(KEEP_PROFILE) - 1))
			data[0] = 'X';
		off += NLA_ALIGN(a->nla_len);
	}
	return len;
}

/* What an unprivileged sender must never see acknowledged. */
static bool changes_state(__u8 cmd)
{
	switch (cmd) {
	case CGFENCE_CMD_STATUS:
	case CGFENCE_CMD_PROFILE_GET:
	case CGFENCE_CMD_ATTACH_GET:
	case CGFENCE_CMD_DENIAL:
	case CGFENCE_CMD_RULE_GET:
	case CGFENCE_CMD_LEARNED_GET:
		return false;
	default:
		return true;
	}
}

/*
 * Sends and reads what comes back until the ack, the end of a dump or a quiet socket;
 * a dump may be cut after its first message (the socket then closes mid-dump).
 */
static void exchange(struct genl_sock *s, char *b, size_t len, __u8 cmd, struct tally *t,
		     bool cut_dumps)
{
	static char rx[32768];
	struct nlmsghdr *nlh;
	bool done = false;
	ssize_t n;
	int msgs = 0;

	while (recv(s->fd, rx, sizeof(rx), MSG_DONTWAIT) > 0)
		;
	((struct nlmsghdr *)b)->nlmsg_seq = ++s->seq;
	if (send(s->fd, b, len, 0) < 0)
		return;
	t->sent++;
	while (!done) {
		n = recv(s->fd, rx, sizeof(rx), msgs ? 0 : MSG_DONTWAIT);
		if (n <= 0) {
			t->silent++;
			return;
		}
		for (nlh = (struct nlmsghdr *)rx; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error) {
					t->refused++;
				} else {
					t->acked++;
					if (changes_state(cmd))
						t->mutating_ok++;
				}
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				t->dumps++;
				done = true;
			} else if (++msgs == 1 && cut_dumps && rnd(4) == 0) {
				/*
				 * Closed mid-dump, or left half read while other sockets
				 * change the store: the next use of this socket reads on.
				 */
				t->cut_dumps++;
				if (rnd(2)) {
					genl_close(s);
					open_sock(s);
				}
				return;
			}
		}
	}
}

/* The fuzzing loop of one phase, on its own sockets, for @seconds. */
static void fuzz(unsigned int seconds, struct tally *t, bool cut_dumps)
{
	static char b[8192];
	struct genl_sock socks[NR_SOCKETS];
	time_t end = time(NULL) + seconds;
	unsigned int i;
	__u16 flags;
	size_t len;
	__u8 cmd;

	for (i = 0; i < NR_SOCKETS; i++)
		open_sock(&socks[i]);
	while (time(NULL) < end) {
		struct genl_sock *s = &socks[rnd(NR_SOCKETS)];

		/* A socket closed mid-transaction: its pending profile must go with it. */
		if (rnd(40) == 0) {
			genl_close(s);
			open_sock(s);
			t->reopened++;
		}
		if (s->fd < 0)
			continue;
		len = build(b, sizeof(b) - 64, &cmd, &flags);
		((struct nlmsghdr *)b)->nlmsg_flags = flags;
		if (rnd(5))
			len = mutate(b, len, sizeof(b) - 64);
		len = fence(b, len);
		exchange(s, b, len, ((struct genlmsghdr *)(b + NLMSG_HDRLEN))->cmd, t, cut_dumps);
	}
	for (i = 0; i < NR_SOCKETS; i++)
		genl_close(&socks[i]);
}

static struct worker_result *worker;

/* The confined task: every round, the file its profile allows opens and the other is refused. */
static int work(void *arg)
{
	int ok_err, no_err;

	(void)arg;
	while (!worker->stop) {
		ok_err = try_open(OK_FILE, O_RDONLY);
		no_err = try_open(NO_FILE, O_RDONLY);
		if (ok_err || no_err != -EACCES) {
			if (!worker->wrong++) {
				worker->first_ok_err = ok_err;
				worker->first_no_err = no_err;
			}
		}
		worker->rounds++;
	}
	return 0;
}

static int be_user(void *arg)
{
	struct tally *t = arg;

	if (become_user(NOBODY, NOBODY))
		return 1;
	fuzz(USER_SECONDS, t, false);
	return 0;
}

/* STATUS against the dumps: counts, and every attachment's profile loaded and counted. */
static int consistent(const struct cgf_snapshot *s)
{
	unsigned int i, j, n;
	int bad = 0;

	if (s->st.profiles != s->nr_profiles)
		bad |= tap_fail("STATUS says %u profiles, the dump lists %u", s->st.profiles,
				s->nr_profiles);
	if (s->st.attachments != s->nr_attachments)
		bad |= tap_fail("STATUS says %u attachments, the dump lists %u",
				s->st.attachments, s->nr_attachments);
	for (i = 0; i < s->nr_profiles; i++) {
		for (j = 0, n = 0; j < s->nr_attachments; j++)
			n += !strcmp(s->attachments[j].profile, s->profiles[i].name);
		if (n != s->profiles[i].attachments)
			bad |= tap_fail("profile %s counts %u attachments, %u name it",
					s->profiles[i].name, s->profiles[i].attachments, n);
	}
	for (j = 0; j < s->nr_attachments; j++) {
		for (i = 0; i < s->nr_profiles; i++)
			if (!strcmp(s->attachments[j].profile, s->profiles[i].name))
				break;
		if (i == s->nr_profiles)
			bad |= tap_fail("attachment %llu names %s, which is not loaded",
					(unsigned long long)s->attachments[j].cgroup_id,
					s->attachments[j].profile);
	}
	return bad ? -1 : 0;
}

static unsigned int scaled(unsigned int seconds)
{
	const char *f = getenv("NLFUZZ_SECONDS");

	return f && atoi(f) > 0 ? seconds * atoi(f) / ROOT_SECONDS : seconds;
}

int main(int argc, char **argv)
{
	static const struct cgf_file_rule keep_rule = {
		.id = 1, .effect = CGFENCE_EFFECT_DENY, .perms = CGFENCE_FILE_READ, .path = NO_FILE,
	};
	struct cgf_snapshot before, after, end;
	struct box keep = { .created = false };
	struct tally *root_t, *user_t;
	char dir[64];
	struct cgf_conn c;
	unsigned int i;
	pid_t pid;
	int err;

	tap_init(argc, argv);
	tap_plan(9);
	seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	tap_diag("seed %u", seed);
	worker = shared_alloc(sizeof(*worker));
	user_t = shared_alloc(sizeof(*user_t));
	root_t = calloc(1, sizeof(*root_t));
	if (!worker || !user_t || !root_t)
		return 1;

	err = cgf_load();
	tap_result(!err, "insmod cgfence.ko");
	if (err)
		return tap_done();
	err = make_file(OK_FILE, "ok\n", 0644) || make_file(NO_FILE, "no\n", 0644);
	for (i = 0; i < NR_BOXES && !err; i++) {
		snprintf(dir, sizeof(dir), CGROUP_ROOT "/t_nl_fuzz.%u", i);
		err = mkdir_p(dir);
		box_ids[i] = err ? 0 : cgroup_id_of(dir);
		err = err || !box_ids[i];
	}
	err = err || cgf_conn_open(&c);
	family = err ? 0 : c.family;
	err = err || box_make(&keep, "t_nl_fuzz.keep", KEEP_PROFILE, CGFENCE_MODE_ENFORCE,
			      CGFENCE_EFFECT_ALLOW, &keep_rule, 1);
	pid = err ? -1 : start_in_cgroup(keep.dir, NULL, work, NULL);
	tap_result(!err && pid > 0, "a confined worker runs beside the fuzzer (profile %s)",
		   KEEP_PROFILE);
	if (err || pid <= 0)
		return tap_done();

	fuzz(scaled(ROOT_SECONDS), root_t, true);
	tap_diag("as root: %lu sent, %lu acked, %lu refused, %lu unanswered, %lu dumps ended, "
		 "%lu cut or left half read, %lu sockets closed mid-way", root_t->sent, root_t->acked,
		 root_t->refused, root_t->silent, root_t->dumps, root_t->cut_dumps,
		 root_t->reopened);
	tap_result(root_t->sent > 100 && root_t->acked > 0 && root_t->refused > 0,
		   "as root: %lu messages, some taken, some refused", root_t->sent);

	err = cgf_snapshot_take(&before);
	tap_result(!err && !consistent(&before),
		   "after the root phase: STATUS, the profile dump and the attachment dump agree");

	err = run_child(be_user, user_t);
	tap_diag("as nobody: %lu sent, %lu acked, %lu refused, %lu unanswered", user_t->sent,
		 user_t->acked, user_t->refused, user_t->silent);
	tap_result(!err && user_t->sent > 10 && !user_t->mutating_ok,
		   "as nobody: %lu messages, no change acknowledged", user_t->sent);
	err = cgf_snapshot_take(&after);
	tap_result(!err && !cgf_snapshot_compare(&before, &after),
		   "as nobody: the module's state is exactly as before");

	worker->stop = 1;
	err = finish_child(pid);
	tap_diag("worker: %lu rounds, %lu wrong (first: ok file %s, refused file %s)",
		 worker->rounds, worker->wrong, errname(worker->first_ok_err),
		 errname(worker->first_no_err));
	tap_result(!err && worker->rounds > 0 && !worker->wrong,
		   "the confined worker: its file opened and the other refused, every round (%lu)",
		   worker->rounds);

	/*
	 * Everything the fuzzer left: detach the boxes, remove every profile but the
	 * worker's (corrupted names load too), then the worker's box.
	 */
	for (i = 0; i < NR_BOXES; i++)
		cgf_detach(&c, box_ids[i]);
	err = cgf_snapshot_take(&end);
	if (!err)
		tap_diag("the fuzzer left %u profiles besides the worker's", end.nr_profiles - 1);
	for (i = 0; !err && i < end.nr_profiles; i++) {
		if (strcmp(end.profiles[i].name, KEEP_PROFILE))
			err = cgf_profile_remove(&c, end.profiles[i].name, true);
	}
	cgf_snapshot_free(&end);
	box_drop(&keep);
	err = err || cgf_snapshot_take(&end);
	tap_result(!err && !consistent(&end) && end.nr_profiles == 0 && end.nr_attachments == 0,
		   "cleaned up: no profile and no attachment left (%u, %u)", end.nr_profiles,
		   end.nr_attachments);
	cgf_conn_close(&c);
	for (i = 0; i < NR_BOXES; i++) {
		snprintf(dir, sizeof(dir), CGROUP_ROOT "/t_nl_fuzz.%u", i);
		rmdir(dir);
	}
	unlink(OK_FILE);
	unlink(NO_FILE);

	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	return tap_done();
}
