// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a denial record as the module sends it (a dump reply or a multicast
 * message), decoded by the tool. The first byte picks the generic netlink command, the rest
 * is the attribute payload after the headers. What decodes is rendered both ways, and its
 * --json line and lost note must read back (denial_json.c) as the same record.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cgfence.h>

#include "denial_json.h"
#include "denials.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* One line as @render writes it for @d, without its newline, read back into @l. */
static int read_back(void (*render)(FILE *f, const struct cgf_denial *d),
		     const struct cgf_denial *d, struct cgf_denial_line *l, char **text)
{
	size_t len = 0;
	FILE *f;
	int err;

	*text = NULL;
	f = open_memstream(text, &len);
	if (!f)
		abort();
	render(f, d);
	if (fclose(f) || !len || (*text)[len - 1] != '\n' || memchr(*text, '\n', len - 1)) {
		fprintf(stderr, "not one line: %s\n", *text ? *text : "");
		abort();
	}
	err = cgf_denial_line_parse(*text, len - 1, l);
	if (err && err != -ENOMEM)
		abort();
	return err;
}

static void render_lost_json(FILE *f, const struct cgf_denial *d)
{
	cgf_denial_render_lost(f, true, d);
}

/*
 * learn --from reads what denials --json wrote. The reader may refuse a record only for names
 * it does not know (the module is newer, or the record is garbage); anything else is a line
 * the writer made that the reader cannot take.
 */
static void check_json_reads_back(const struct cgf_denial *d)
{
	static const char *const unknown[] = {
		"an unknown verdict", "an unknown kind", "an unknown operation", "operation \"",
	};
	struct cgf_denial_line l;
	bool refused_name = false;
	char *text;
	size_t i;

	if (read_back(cgf_denial_render_json, d, &l, &text))
		goto out;
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		refused_name |= !strncmp(l.why, unknown[i], strlen(unknown[i]));
	if (l.type == CGF_LINE_BAD && !refused_name) {
		fprintf(stderr, "the reader refuses the writer's line: %s\n%s", l.why, text);
		abort();
	}
	/* Strings may differ: a byte that is not UTF-8 comes back as CGF_JSON_UNKNOWN_BYTE. */
	if (l.type == CGF_LINE_DENIAL &&
	    (l.rec.seq != d->seq || l.rec.time_ns != d->time_ns ||
	     l.rec.cgroup_id != d->cgroup_id || l.rec.rule_id != d->rule_id ||
	     l.rec.requested != d->requested || l.rec.denied != d->denied ||
	     l.rec.pid != d->pid || l.rec.lost != d->lost ||
	     l.rec.verdict != d->verdict || l.rec.kind != d->kind || strcmp(l.rec.op, d->op))) {
		fprintf(stderr, "read back, the record differs:\n%s", text);
		abort();
	}
	cgf_denial_release(&l.rec);
	free(text);

	if (read_back(render_lost_json, d, &l, &text))
		goto out;
	if (l.type != CGF_LINE_LOST || l.rec.seq != d->seq || l.rec.cgroup_id != d->cgroup_id ||
	    l.rec.lost != d->lost) {
		fprintf(stderr, "the lost note does not read back: %s\n%s", l.why, text);
		abort();
	}
	cgf_denial_release(&l.rec);
out:
	free(text);
}

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
		check_json_reads_back(&d);
		/* The module sends no origin; denials adds it from the profile's rules. */
		d.origin = d.object;
		cgf_denial_render_plain(devnull, &d);
		check_json_reads_back(&d);
		d.origin = NULL;
		cgf_denial_release(&d);
	}
	free(nlh);
	return 0;
}
