// SPDX-License-Identifier: GPL-2.0
/* cgfence unix socket hooks: connecting and sending to a named socket is writing to it. */

#include <linux/cgroup.h>
#include <linux/net.h>
#include <net/af_unix.h>
#include <net/sock.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "judge.h"
#include "store.h"

/*
 * A socket bound in the abstract namespace has no file: its name lives in the network
 * namespace, which a container sharing the host's network shares with every host
 * service. A peer bound by a task outside the container (its socket was made in a
 * cgroup no attachment of the caller covers) is judged as the kind "abstract:", which
 * nothing is granted unless a rule names it. Peers inside the container are not judged.
 */
struct cgf_abstract_request {
	struct cgf_judgement j;
	struct cgroup *peer_cgrp;
};

static bool cgf_abstract_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
				const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	struct cgf_abstract_request *req = container_of(j, struct cgf_abstract_request, j);

	if (cgroup_is_descendant(req->peer_cgrp, att->cgrp))
		return false;
	cgf_file_check(profile, CGFENCE_OBJECT_ABSTRACT, strlen(CGFENCE_OBJECT_ABSTRACT),
		       j->requested, verdict);
	return verdict->denied;
}

static int cgf_judge_abstract_peer(enum cgf_op op, struct sock *peer)
{
	struct cgf_abstract_request req = {
		.j = {
			.op = op,
			.deny_errno = -EACCES,
			.requested = CGFENCE_FILE_WRITE,
			.object = CGFENCE_OBJECT_ABSTRACT,
			.decide = cgf_abstract_decide,
		},
		.peer_cgrp = sock_cgroup_ptr(&peer->sk_cgrp_data),
	};

	return cgf_judge(&req.j);
}

/*
 * The peer a confined task connects or sends to, under the peer's state lock. A socket
 * bound to a path is a file: reaching it needs w on that path (the kernel asks
 * MAY_WRITE of the same inode), by every name the task's namespace shows it under, since
 * the hook sees where the server bound it and not the name the client typed. A socket
 * the host bound and bind-mounted into the container is named where the container sees
 * it; one shown nowhere in its namespace is "unreachable:". Unnamed peers (a socketpair)
 * are only reachable through a descriptor, judged when it was received.
 */
static int cgf_judge_unix_peer(enum cgf_op op, struct sock *peer)
{
	struct unix_sock *u = unix_sk(peer);
	struct unix_address *addr;

	if (u->path.dentry)
		return cgf_judge_dentry_view(op, u->path.dentry, CGFENCE_FILE_WRITE);
	/* Pairs with the smp_store_release() with which bind(2) publishes the address. */
	addr = smp_load_acquire(&u->addr);
	if (addr && addr->len > offsetof(struct sockaddr_un, sun_path) && !addr->name->sun_path[0])
		return cgf_judge_abstract_peer(op, peer);
	return 0;
}

int cgf_hook_unix_stream_connect(struct sock *sock, struct sock *other, struct sock *newsk)
{
	return cgf_judge_unix_peer(CGF_OP_UNIX_CONNECT, other);
}

/* Datagrams: connect(2) and every send, to the connected peer or to an address. */
int cgf_hook_unix_may_send(struct socket *sock, struct socket *other)
{
	return cgf_judge_unix_peer(CGF_OP_UNIX_SEND, other->sk);
}
