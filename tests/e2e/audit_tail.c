// SPDX-License-Identifier: GPL-2.0
/* audit_tail: print every kernel audit record as "type=N TEXT" lines, from audit's read-only multicast group. */

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * The multicast group sees every record whether an audit daemon runs or not, and unlike
 * the console it is not rate limited, so a test sees each record its actions caused.
 */
int main(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1),
	};
	static char buf[1 << 16];
	struct nlmsghdr *nlh;
	ssize_t n;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "audit_tail: cannot join the audit log group: %s\n", strerror(errno));
		return 1;
	}
	/* The caller waits for this line: records from now on are seen. */
	printf("audit_tail: listening\n");
	fflush(stdout);
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "audit_tail: recv: %s\n", strerror(errno));
			return 1;
		}
		/*
		 * One record per datagram. Audit sets nlmsg_len to the text's length alone (the
		 * header not counted), so the datagram's size is what bounds the text.
		 */
		if (n < NLMSG_HDRLEN)
			continue;
		nlh = (struct nlmsghdr *)buf;
		printf("type=%u %.*s\n", nlh->nlmsg_type,
		       (int)strnlen(buf + NLMSG_HDRLEN, n - NLMSG_HDRLEN), buf + NLMSG_HDRLEN);
		fflush(stdout);
	}
}
