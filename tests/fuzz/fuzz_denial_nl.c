// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a denial record as the module sends it (a dump reply or a multicast
 * message), decoded by the tool. The first byte picks the generic netlink command, the rest
 * is the attribute payload after the headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cgfence.h>

#include "denials.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static FILE *devnull;
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN + (size ? size - 1 : 0);
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	struct cgf_denial d;

	if (!size || len > 65536)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	/* Exactly the message's bytes: ASan sees any read past its end. */
	nlh = malloc(len);
	if (!nlh)
		return 0;
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = 1;
	nlh->nlmsg_pid = 0;
	g = (struct genlmsghdr *)((char *)nlh + NLMSG_HDRLEN);
	g->cmd = data[0] % 4 ? CGFENCE_CMD_DENIAL : data[0] >> 2;
	g->version = 1;
	g->reserved = 0;
	memcpy((char *)g + GENL_HDRLEN, data + 1, size - 1);
	memset(&d, 0, sizeof(d));
	if (!cgf_denial_parse(nlh, &d)) {
		cgf_denial_render_plain(devnull, &d);
		cgf_denial_render_json(devnull, &d);
		cgf_denial_release(&d);
	}
	free(nlh);
	return 0;
}
