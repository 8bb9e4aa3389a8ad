/* SPDX-License-Identifier: GPL-2.0 */
/* Generic netlink transport to the cgfence family: requests, replies, kernel error messages. */
#ifndef CGF_NL_H
#define CGF_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>

/* Room for one extended ACK message; the kernel's are short sentences. */
#define CGF_ERRMSG_MAX	256

struct cgf_nl {
	struct nl_sock *sk;
	int family;
};

/*
 * Called for every reply message of a request. Returns 0, or a negative errno
 * that cgf_nl_request() hands back once the kernel has finished answering, so
 * the socket stays in step for the next request.
 */
typedef int (*cgf_nl_handler)(struct nl_msg *msg, void *arg);

/*
 * Returns 0, -ENOENT when no generic netlink family "cgfence" is registered
 * (the module is not loaded, or this task is not in the initial network
 * namespace), or another negative errno when the socket cannot be set up.
 */
int cgf_nl_open(struct cgf_nl *nl, char *errmsg, size_t len);
/* The same for any family: the unit tests talk to the kernel's own "nlctrl". */
int cgf_nl_open_family(struct cgf_nl *nl, const char *name, char *errmsg, size_t len);
void cgf_nl_close(struct cgf_nl *nl);

/*
 * A request for @cmd of @family with the generic netlink header filled in, room for
 * @payload bytes of attributes (0: libnl's default); NULL when out of memory. The one
 * place a request header is built.
 */
struct nl_msg *cgf_genl_msg(int family, uint8_t cmd, int flags, size_t payload);
/* The same for @nl's family, with the default room. */
struct nl_msg *cgf_nl_msg(const struct cgf_nl *nl, uint8_t cmd, int flags);

/*
 * Sends @msg (and frees it), passes every reply to @handler and waits for the
 * kernel's final ACK, error or end of dump. Returns 0 or a negative errno: the
 * kernel's own errno when it refused, @handler's when a reply was unusable, an
 * approximation of libnl's error otherwise. @errmsg receives the kernel's
 * extended ACK message or libnl's description, "" when there is none.
 */
int cgf_nl_request(struct cgf_nl *nl, struct nl_msg *msg, cgf_nl_handler handler, void *arg,
		   char *errmsg, size_t len);

/* Everything the kernel said besides the errno, for callers that point at what was wrong. */
struct cgf_nl_ack {
	char msg[CGF_ERRMSG_MAX];	/* extended ACK message, "" when none */
	/* NLMSGERR_ATTR_OFFS: the refused attribute, in bytes from the request's nlmsghdr. */
	long offset;			/* -1 when the kernel named none */
	/* A dump reply had NLM_F_DUMP_INTR: the kernel's data changed while it was dumped. */
	bool dump_intr;
};

/* cgf_nl_request() that also reports the bad attribute's offset and dump consistency. */
int cgf_nl_request_ack(struct cgf_nl *nl, struct nl_msg *msg, cgf_nl_handler handler, void *arg,
		       struct cgf_nl_ack *ack);

/*
 * Copies the extended ACK message of an NLMSG_ERROR or NLMSG_DONE message into
 * @buf. Returns 0, -ENOENT when the message carries none, -EBADMSG when its
 * TLVs are malformed. @nlh must be readable for nlh->nlmsg_len bytes.
 */
int cgf_nl_extack_msg(const struct nlmsghdr *nlh, char *buf, size_t len);

/*
 * The same, and *@offset becomes the NLMSGERR_ATTR_OFFS value (-1 when absent).
 * Returns 0 when either is present, -ENOENT when neither is, -EBADMSG as above.
 */
int cgf_nl_extack_parse(const struct nlmsghdr *nlh, char *buf, size_t len, long *offset);

/* libnl's NLE_* codes are not errnos; this maps them back (positive in, negative out). */
int cgf_nle_to_errno(int nle);

#endif /* CGF_NL_H */
