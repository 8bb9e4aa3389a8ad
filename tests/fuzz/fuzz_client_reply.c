// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the module's replies to status, list and show (userspace/client_reply.c),
 * one message or a dump of several, decoded and their rules formatted as the tool prints them.
 *
 * Input: one byte choosing the decoder, then messages, each as its generic netlink command
 * (1 byte), the length of its attributes (2 bytes, little-endian) and the attributes; the last
 * message takes whatever is left when the length asks for more. A dump keeps its messages in
 * one listing, so the checks across messages (the rule dump's generation) are reached too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cgfence.h>

#include "client.h"
#include "policy.h"

#define MAX_MESSAGES	16

enum decoder {
	DEC_STATUS,
	DEC_PROFILE_ROW,
	DEC_ATTACH_ROW,
	DEC_PROFILE,		/* show NAME: the row and its device rules */
	DEC_LISTING,		/* list: profile and attachment dumps */
	DEC_RULES,		/* show NAME --rules: the rule dump */
	DEC_COUNT,
};

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/*
 * The header states both halves of the snprintf() contract; callers size their buffers from
 * the first call, so a length that disagrees with the text would cut or overrun it.
 */
static void format_rule(const struct cgf_policy_rule *r)
{
	size_t len = cgf_policy_format_rule(NULL, 0, r);
	char small[12], *text;

	text = malloc(len + 1);
	if (!text)
		return;
	if (cgf_policy_format_rule(text, len + 1, r) != len || strlen(text) != len) {
		fprintf(stderr, "cgf_policy_format_rule: announced %zu bytes, wrote %zu: %s\n", len,
			strlen(text), text);
		abort();
	}
	if (cgf_policy_format_rule(small, sizeof(small), r) != len ||
	    strncmp(small, text, sizeof(small) - 1) || strlen(small) > sizeof(small) - 1) {
		fprintf(stderr, "cgf_policy_format_rule: cut short, not a prefix of %s\n", text);
		abort();
	}
	free(text);
}

/* Exactly the message's bytes: ASan sees any read past its end. */
static struct nlmsghdr *message(unsigned char cmd, const unsigned char *attrs, size_t len)
{
	size_t total = NLMSG_HDRLEN + GENL_HDRLEN + len;
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;

	nlh = malloc(total);
	if (!nlh)
		return NULL;
	nlh->nlmsg_len = total;
	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = 1;
	nlh->nlmsg_pid = 0;
	g = (struct genlmsghdr *)((char *)nlh + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = CGFENCE_GENL_VERSION;
	g->reserved = 0;
	memcpy((char *)g + GENL_HDRLEN, attrs, len);
	return nlh;
}

/* Decodes one message into the state of @dec; a nonzero return ends the dump, as in client.c. */
static int decode(enum decoder dec, struct nlmsghdr *nlh, struct cgf_listing *listing,
		  struct cgf_rule_listing *rules)
{
	struct cgf_profile_row row;
	struct cgf_attach_row a;
	struct cgf_status st;
	size_t i;
	int err;

	switch (dec) {
	case DEC_STATUS:
		return cgf_status_parse(nlh, &st);
	case DEC_PROFILE_ROW:
		return cgf_profile_row_parse(nlh, &row);
	case DEC_ATTACH_ROW:
		err = cgf_attach_row_parse(nlh, &a);
		if (!err)
			free(a.path);
		return err;
	case DEC_PROFILE:
		/* A failure may leave device rules behind, as cmd_list.c knows. */
		err = cgf_profile_parse(nlh, &row);
		for (i = 0; !err && i < row.nr_devices; i++)
			format_rule(&row.devices[i]);
		free(row.devices);
		return err;
	case DEC_LISTING:
		if (((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd == CGFENCE_CMD_PROFILE_GET)
			return cgf_listing_add_profile(listing, nlh);
		return cgf_listing_add_attach(listing, nlh);
	case DEC_RULES:
		return cgf_rule_listing_add(rules, nlh);
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct cgf_rule_listing rules;
	struct cgf_listing listing;
	struct nlmsghdr *nlh;
	enum decoder dec;
	size_t len, i;
	int n, err = 0;

	if (!size)
		return 0;
	dec = data[0] % DEC_COUNT;
	data++;
	size--;
	memset(&listing, 0, sizeof(listing));
	memset(&rules, 0, sizeof(rules));
	for (n = 0; n < MAX_MESSAGES && size >= 3 && !err; n++) {
		len = data[1] | (size_t)data[2] << 8;
		if (len > size - 3)
			len = size - 3;
		nlh = message(data[0], data + 3, len);
		if (!nlh)
			break;
		err = decode(dec, nlh, &listing, &rules);
		free(nlh);
		data += 3 + len;
		size -= 3 + len;
	}
	for (i = 0; i < rules.nr_rules; i++)
		format_rule(&rules.rules[i]);
	cgf_rule_listing_free(&rules);
	cgf_listing_free(&listing);
	return 0;
}
