// SPDX-License-Identifier: GPL-2.0
/* e2e: the cgfence generic netlink family, its STATUS command and who may call it (raw netlink). */

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "e2e.h"
#include "genl.h"
#include "tap.h"

#define CAP(c) (1ULL << (c))

static struct genl_reply reply;

/* Opens a socket and resolves the family; diagnoses what went wrong. */
static int open_family(struct genl_sock *s, __u16 *family)
{
	struct genl_family_info fam;
	int err;

	err = genl_open(s);
	if (err)
		return tap_fail("netlink socket: %s", errname(err));
	err = genl_resolve(s, CGFENCE_GENL_NAME, &fam);
	if (err) {
		genl_close(s);
		return tap_fail("resolve %s: %s", CGFENCE_GENL_NAME, errname(err));
	}
	*family = fam.id;
	return 0;
}

/* The family as nlctrl sees it from this task's network namespace. */
static int family_lookup(const char *name, struct genl_family_info *fam)
{
	struct genl_sock s;
	int err;

	err = genl_open(&s);
	if (err)
		return tap_fail("netlink socket: %s", errname(err));
	err = genl_resolve(&s, name, fam);
	genl_close(&s);
	return err;
}

/* STATUS on a fresh socket: the kernel's answer, the extack message in @extack. */
static int status_errno(char *extack, size_t size)
{
	struct cgf_status st;
	struct genl_sock s;
	__u16 family;
	int err;

	if (open_family(&s, &family))
		return -EPROTO;
	err = cgf_status_send(&s, family, &st, extack, size);
	genl_close(&s);
	return err;
}

static int case_absent(void *arg)
{
	struct genl_family_info fam;
	int err;

	(void)arg;
	/* Control: the lookup itself works, so ENOENT below means "no such family". */
	err = family_lookup("nlctrl", &fam);
	if (expect_err("resolve nlctrl", err, 0))
		return -1;
	if (fam.id != GENL_ID_CTRL)
		return tap_fail("nlctrl has id %u, want %u", fam.id, GENL_ID_CTRL);
	return expect_err("resolve " CGFENCE_GENL_NAME, family_lookup(CGFENCE_GENL_NAME, &fam),
			  -ENOENT);
}

static int case_load(void *arg)
{
	(void)arg;
	if (expect_err("finit_module(cgfence.ko)", cgf_load(), 0))
		return -1;
	if (!cgf_loaded())
		return tap_fail("/sys/module/cgfence is missing after a successful load");
	return 0;
}

static int case_family(void *arg)
{
	struct genl_family_info fam;

	(void)arg;
	if (expect_err("resolve " CGFENCE_GENL_NAME, family_lookup(CGFENCE_GENL_NAME, &fam), 0))
		return -1;
	if (fam.version != CGFENCE_GENL_VERSION || fam.maxattr != CGFENCE_A_MAX ||
	    fam.hdrsize != 0)
		return tap_fail("family: version %u maxattr %u hdrsize %u, want %u %u 0",
				fam.version, fam.maxattr, fam.hdrsize,
				CGFENCE_GENL_VERSION, CGFENCE_A_MAX);
	tap_diag("family %s has id %u", CGFENCE_GENL_NAME, fam.id);
	return 0;
}

static int case_status_root(void *arg)
{
	struct cgf_status st;
	int err;

	(void)arg;
	err = cgf_status_query(&st);
	if (expect_err("STATUS as root", err, 0))
		return -1;
	tap_diag("version %s backend %u hooks %u/%u profiles %u attachments %u locked %u",
		 st.version, st.backend, st.hooks_attached, st.hooks_total, st.profiles,
		 st.attachments, st.locked);
	if (strcmp(st.version, CGFENCE_VERSION))
		return tap_fail("version \"%s\", want \"%s\"", st.version, CGFENCE_VERSION);
	if (st.backend != CGFENCE_BACKEND_FTRACE)
		return tap_fail("backend %u, want CGFENCE_BACKEND_FTRACE (%u)", st.backend,
				CGFENCE_BACKEND_FTRACE);
	if (st.hooks_total < 1 || st.hooks_attached != st.hooks_total)
		return tap_fail("hooks %u of %u attached, want all and at least 1",
				st.hooks_attached, st.hooks_total);
	if (st.profiles || st.attachments || st.locked)
		return tap_fail("a fresh module must have no profile, no attachment, no lock");
	return 0;
}

static int case_nobody(void *arg)
{
	char extack[256];
	int err;

	(void)arg;
	err = become_user(NOBODY, NOBODY);
	if (err)
		return tap_fail("become nobody: %s", errname(err));
	err = status_errno(extack, sizeof(extack));
	if (expect_err("STATUS as nobody", err, -EPERM))
		return -1;
	tap_diag("extack: %s", extack);
	if (!strstr(extack, "CAP_MAC_ADMIN"))
		return tap_fail("the extack message must name CAP_MAC_ADMIN");
	return 0;
}

static __u64 all_caps(void)
{
	__u64 eff, prm;

	if (caps_get(&eff, &prm))
		return 0;
	return prm;
}

static int case_root_without_mac_admin(void *arg)
{
	__u64 caps = all_caps() & ~CAP(CAP_MAC_ADMIN);
	int err;

	(void)arg;
	err = caps_set(caps, caps);
	if (err)
		return tap_fail("capset: %s", errname(err));
	return expect_err("STATUS as uid 0 without CAP_MAC_ADMIN", status_errno(NULL, 0), -EPERM);
}

static int case_only_mac_admin(void *arg)
{
	struct cgf_status st;
	int err;

	(void)arg;
	err = caps_set(CAP(CAP_MAC_ADMIN), CAP(CAP_MAC_ADMIN));
	if (err)
		return tap_fail("capset: %s", errname(err));
	return expect_err("STATUS with CAP_MAC_ADMIN alone", cgf_status_query(&st), 0);
}

/*
 * netlink_capable() also checks the socket's opener (for messages sent without an explicit
 * address, as write() on a socket handed to a privileged program would): privilege gained
 * after opening does not count.
 */
static int case_opener_unprivileged(void *arg)
{
	__u64 all = all_caps();
	struct cgf_status st;
	struct genl_sock s;
	__u16 family;
	int err;

	(void)arg;
	err = caps_set(all & ~CAP(CAP_MAC_ADMIN), all);
	if (err)
		return tap_fail("capset: %s", errname(err));
	if (open_family(&s, &family))
		return -1;
	err = caps_set(all, all);
	if (err)
		return tap_fail("capset: %s", errname(err));
	err = cgf_status_send(&s, family, &st, NULL, 0);
	genl_close(&s);
	return expect_err("STATUS on a socket opened without CAP_MAC_ADMIN", err, -EPERM);
}

/* ...and the sender: a privileged opener cannot hand its socket to an unprivileged task. */
static int case_sender_unprivileged(void *arg)
{
	__u64 all = all_caps();
	struct cgf_status st;
	struct genl_sock s;
	__u16 family;
	int err;

	(void)arg;
	if (open_family(&s, &family))
		return -1;
	err = caps_set(all & ~CAP(CAP_MAC_ADMIN), all);
	if (err)
		return tap_fail("capset: %s", errname(err));
	err = cgf_status_send(&s, family, &st, NULL, 0);
	genl_close(&s);
	return expect_err("STATUS sent without CAP_MAC_ADMIN", err, -EPERM);
}

/* Root of a user namespace holds CAP_MAC_ADMIN only there, not in the initial namespace. */
static int case_userns_root(void *arg)
{
	__u64 eff, prm;
	int err;

	(void)arg;
	if (unshare(CLONE_NEWUSER))
		return tap_fail("unshare(CLONE_NEWUSER): %s", errname(-errno));
	err = caps_get(&eff, &prm);
	if (err || !(eff & CAP(CAP_MAC_ADMIN)))
		return tap_fail("no CAP_MAC_ADMIN in the new user namespace: nothing to test");
	return expect_err("STATUS as root of a user namespace", status_errno(NULL, 0), -EPERM);
}

/* netnsok = false: a container with its own network namespace does not see the family. */
static int case_netns(void *arg)
{
	struct genl_family_info fam;
	struct cgf_status st;
	struct genl_sock s;
	__u16 family;
	int err;

	(void)arg;
	err = family_lookup(CGFENCE_GENL_NAME, &fam);
	if (expect_err("resolve in the initial network namespace", err, 0))
		return -1;
	family = fam.id;
	if (unshare(CLONE_NEWNET))
		return tap_fail("unshare(CLONE_NEWNET): %s", errname(-errno));
	err = family_lookup("nlctrl", &fam);
	if (expect_err("resolve nlctrl in the new network namespace", err, 0))
		return -1;
	err = family_lookup(CGFENCE_GENL_NAME, &fam);
	if (expect_err("resolve in the new network namespace", err, -ENOENT))
		return -1;
	err = genl_open(&s);
	if (err)
		return tap_fail("netlink socket: %s", errname(err));
	err = cgf_status_send(&s, family, &st, NULL, 0);
	genl_close(&s);
	return expect_err("STATUS by family id from the new network namespace", err, -ENOENT);
}

/* Sends one hand-made request on a fresh socket; the kernel's answer and extack in reply. */
static int send_raw(struct genl_msg *m)
{
	struct genl_sock s;
	__u16 family;
	int err;

	if (open_family(&s, &family))
		return -EPROTO;
	m->nlh.nlmsg_type = family;
	err = genl_transact(&s, m, &reply);
	genl_close(&s);
	return err;
}

static int case_unknown_cmd(void *arg)
{
	static const __u8 cmds[] = { CGFENCE_CMD_UNSPEC, CGFENCE_CMD_MAX + 1, 255 };
	struct genl_msg m;
	char what[64];
	unsigned int i;

	(void)arg;
	/* genl_family_rcv_msg(): a command the family does not define is EOPNOTSUPP. */
	for (i = 0; i < sizeof(cmds); i++) {
		genl_msg_init(&m, 0, NLM_F_REQUEST | NLM_F_ACK, cmds[i], CGFENCE_GENL_VERSION);
		snprintf(what, sizeof(what), "command %u", cmds[i]);
		if (expect_err(what, send_raw(&m), -EOPNOTSUPP))
			return -1;
	}
	return 0;
}

static int status_with_attr(__u16 type, const char *what)
{
	struct genl_msg m;

	genl_msg_init(&m, 0, NLM_F_REQUEST | NLM_F_ACK, CGFENCE_CMD_STATUS, CGFENCE_GENL_VERSION);
	genl_put_u32(&m, type, 1);
	if (expect_err(what, send_raw(&m), -EINVAL))
		return -1;
	tap_diag("extack: %s", reply.extack);
	if (!reply.extack[0])
		return tap_fail("the kernel gave no extack message for the rejected attribute");
	return 0;
}

static int case_unknown_attr(void *arg)
{
	(void)arg;
	return status_with_attr(CGFENCE_A_MAX + 1, "STATUS with attribute CGFENCE_A_MAX + 1");
}

/* STATUS takes no input: a known attribute it does not declare is rejected, not ignored. */
static int case_undeclared_attr(void *arg)
{
	(void)arg;
	return status_with_attr(CGFENCE_A_STATUS_VERSION, "STATUS with attribute STATUS_VERSION");
}

/* resv_start_op covers STATUS: the core checks the header strictly (genl_header_check()). */
static int case_reserved_header(void *arg)
{
	struct genl_msg m;

	(void)arg;
	genl_msg_init(&m, 0, NLM_F_REQUEST | NLM_F_ACK, CGFENCE_CMD_STATUS, CGFENCE_GENL_VERSION);
	genl_msg_genlhdr(&m)->reserved = 1;
	if (expect_err("STATUS with genlmsghdr.reserved = 1", send_raw(&m), -EINVAL))
		return -1;

	genl_msg_init(&m, 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE, CGFENCE_CMD_STATUS,
		      CGFENCE_GENL_VERSION);
	return expect_err("STATUS with NLM_F_REPLACE", send_raw(&m), -EINVAL);
}

static int case_unload(void *arg)
{
	(void)arg;
	if (expect_err("delete_module(cgfence)", cgf_unload(), 0))
		return -1;
	if (cgf_loaded())
		return tap_fail("/sys/module/cgfence is still there after unload");
	return 0;
}

/* After rmmod neither the name nor a remembered family id reaches anything. */
static int case_gone(void *arg)
{
	struct genl_family_info fam;
	struct genl_sock s;
	__u16 old_id = *(__u16 *)arg;
	struct cgf_status st;
	int err;

	if (!old_id)
		return tap_fail("the family id was never known: nothing to test");
	err = family_lookup(CGFENCE_GENL_NAME, &fam);
	if (expect_err("resolve after rmmod", err, -ENOENT))
		return -1;
	err = genl_open(&s);
	if (err)
		return tap_fail("netlink socket: %s", errname(err));
	err = cgf_status_send(&s, old_id, &st, NULL, 0);
	genl_close(&s);
	return expect_err("STATUS to the old family id after rmmod", err, -ENOENT);
}

int main(int argc, char **argv)
{
	struct genl_family_info fam = { 0 };

	tap_init(argc, argv);
	tap_plan(17);
	tap_case("family unknown before insmod: GETFAMILY cgfence is ENOENT (nlctrl resolves)",
		 case_absent, NULL);
	tap_case("insmod cgfence.ko", case_load, NULL);
	tap_case("family resolves: version, maxattr CGFENCE_A_MAX, no user header",
		 case_family, NULL);
	/* Remembered for the after-rmmod case. */
	family_lookup(CGFENCE_GENL_NAME, &fam);
	tap_case("STATUS as root: all attributes, uapi version, ftrace, all hooks, empty, unlocked",
		 case_status_root, NULL);
	tap_case("STATUS as nobody (65534:65534): EPERM, extack names CAP_MAC_ADMIN",
		 case_nobody, NULL);
	tap_case("STATUS as uid 0 without CAP_MAC_ADMIN (effective and permitted): EPERM",
		 case_root_without_mac_admin, NULL);
	tap_case("STATUS as uid 0 with CAP_MAC_ADMIN and no other capability: success",
		 case_only_mac_admin, NULL);
	tap_case("STATUS on a socket opened without CAP_MAC_ADMIN, sent with it: EPERM",
		 case_opener_unprivileged, NULL);
	tap_case("STATUS on a socket opened with CAP_MAC_ADMIN, sent without it: EPERM",
		 case_sender_unprivileged, NULL);
	tap_case("STATUS as root of a new user namespace: EPERM", case_userns_root, NULL);
	tap_case("new network namespace: family not visible, STATUS by id is ENOENT",
		 case_netns, NULL);
	tap_case("unknown commands (UNSPEC, CGFENCE_CMD_MAX + 1, 255): EOPNOTSUPP",
		 case_unknown_cmd, NULL);
	tap_case("STATUS with an unknown attribute: EINVAL with extack (strict validation)",
		 case_unknown_attr, NULL);
	tap_case("STATUS with an attribute it does not take: EINVAL with extack",
		 case_undeclared_attr, NULL);
	tap_case("STATUS with genlmsghdr.reserved set or NLM_F_REPLACE: EINVAL",
		 case_reserved_header, NULL);
	tap_case("rmmod cgfence", case_unload, NULL);
	tap_case("after rmmod: GETFAMILY cgfence and STATUS to the old id are ENOENT",
		 case_gone, &fam.id);
	return tap_done();
}
