// SPDX-License-Identifier: GPL-2.0
/* cgfence learn --from: the denial records of streams that 'cgfence denials --json' saved. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "denial_json.h"
#include "denials.h"
#include "learn_from.h"
#include "output.h"

void cgf_stream_init(struct cgf_stream *s, FILE *err, const char *prefix)
{
	memset(s, 0, sizeof(*s));
	s->err = err;
	s->prefix = prefix;
}

void cgf_stream_free(struct cgf_stream *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		cgf_denial_release(&s->recs[i]);
	free(s->recs);
	s->recs = NULL;
	s->n = 0;
	s->cap = 0;
}

/* Takes @d, and its strings, into the list; on failure releases it. */
static int keep(struct cgf_stream *s, struct cgf_denial *d)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct cgf_denial *recs = realloc(s->recs, cap * sizeof(*recs));

		if (!recs) {
			cgf_denial_release(d);
			return -ENOMEM;
		}
		s->recs = recs;
		s->cap = cap;
	}
	s->recs[s->n++] = *d;
	return 0;
}

static void report_skipped(struct cgf_stream *s, const char *name, size_t line, bool cut,
			   const char *why)
{
	if (s->skipped++ >= CGF_STREAM_SHOWN)
		return;
	fprintf(s->err, "%s: ", s->prefix);
	cgf_safe_text(s->err, name);
	fprintf(s->err, ":%zu: skipped: %s", line,
		cut ? "cut short (no newline at its end): " : "");
	cgf_safe_text(s->err, why);
	fputc('\n', s->err);
}

int cgf_stream_read(struct cgf_stream *s, FILE *in, const char *name)
{
	struct cgf_denial note = { .seq = 0 };
	struct cgf_denial_line l;
	bool have_note = false;
	char *buf = NULL;
	size_t size = 0, line = 0;
	ssize_t len;
	int err = 0;

	while ((len = getline(&buf, &size, in)) >= 0) {
		bool cut = !len || buf[len - 1] != '\n';

		line++;
		s->lines++;
		if (!cut)
			len--;
		err = cgf_denial_line_parse(buf, len, &l);
		if (err)
			break;
		/*
		 * denials prints a lost note just before the record that carries the same
		 * count, so the two are one loss; a note without its record is a loss of its own.
		 */
		if (have_note && !(l.type == CGF_LINE_DENIAL && l.rec.seq == note.seq &&
				   l.rec.lost == note.lost)) {
			err = keep(s, &note);
			if (err)
				break;
		} else if (have_note) {
			cgf_denial_release(&note);
		}
		have_note = false;
		switch (l.type) {
		case CGF_LINE_DENIAL:
			err = keep(s, &l.rec);
			break;
		case CGF_LINE_LOST:
			note = l.rec;
			have_note = true;
			break;
		case CGF_LINE_SUMMARY:
			s->missing += l.missing;
			break;
		case CGF_LINE_BAD:
			report_skipped(s, name, line, cut, l.why);
			break;
		}
		if (err)
			break;
	}
	if (!err && ferror(in))
		err = errno ? -errno : -EIO;
	if (have_note) {
		if (!err)
			err = keep(s, &note);
		else
			cgf_denial_release(&note);
	}
	free(buf);
	return err;
}

static int cmp_num(uint64_t a, uint64_t b)
{
	return a == b ? 0 : a < b ? -1 : 1;
}

/* Every field: records equal here are one record saved twice. */
static int cmp_record(const void *a, const void *b)
{
	const struct cgf_denial *x = a, *y = b;
	int c;

	c = strcmp(x->profile, y->profile) ?: strcmp(x->cgroup, y->cgroup) ?:
	    cmp_num(x->seq, y->seq) ?: cmp_num(x->time_ns, y->time_ns) ?:
	    cmp_num(x->cgroup_id, y->cgroup_id) ?: cmp_num(x->verdict, y->verdict) ?:
	    cmp_num(x->kind, y->kind) ?: strcmp(x->op, y->op) ?: strcmp(x->object, y->object);
	if (c)
		return c;
	return cmp_num(x->requested, y->requested) ?: cmp_num(x->denied, y->denied) ?:
	       cmp_num(x->rule_id, y->rule_id) ?: cmp_num(x->pid, y->pid) ?:
	       strcmp(x->comm, y->comm) ?: cmp_num(x->lost, y->lost);
}

void cgf_stream_finish(struct cgf_stream *s)
{
	size_t i, n = 0;

	qsort(s->recs, s->n, sizeof(*s->recs), cmp_record);
	for (i = 0; i < s->n; i++) {
		if (n && !cmp_record(&s->recs[n - 1], &s->recs[i])) {
			cgf_denial_release(&s->recs[i]);
			s->duplicates++;
		} else {
			s->recs[n++] = s->recs[i];
		}
	}
	s->n = n;
}

/*
 * The cgroup of the container @path is in: its shortest leading part that names the same
 * container (a container's own sub-cgroups belong to it). False when none does.
 */
static bool container_cgroup(const char *path, struct cgf_container *c, char *buf, size_t len)
{
	struct cgf_container part;
	size_t i, n = strlen(path);

	if (!cgf_container_of(path, c) || n >= len)
		return false;
	for (i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		memcpy(buf, path, i);
		buf[i] = '\0';
		if (cgf_container_of(buf, &part) && !strcmp(part.runtime, c->runtime) &&
		    !strcmp(part.id, c->id))
			return true;
	}
	return false;
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cgf_stream_container(const struct cgf_stream *s, const char *mount, const char *arg,
			 char *buf, size_t len)
{
	struct cgf_denial_filter by_path = { .container = buf };
	char cgroup[PATH_MAX], **found;
	struct cgf_container c;
	size_t i, nr = 0, n = 0, out = 0;
	int err = 0;

	if (cgf_denial_container_arg(mount, arg, buf, len))
		return -ENAMETOOLONG;
	for (i = 0; i < s->n; i++)
		if (cgf_denial_match(&by_path, &s->recs[i]))
			return 0;
	if (!cgf_container_is_id_prefix(arg) || !s->n)
		return 0;
	/* "RUNTIME ID CGROUP" of each container whose id starts so, once each. */
	found = calloc(s->n, sizeof(*found));
	if (!found)
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		if (!container_cgroup(s->recs[i].cgroup, &c, cgroup, sizeof(cgroup)) ||
		    strncmp(c.id, arg, strlen(arg)))
			continue;
		if (asprintf(&found[nr], "%s %s %s", c.runtime, c.id, cgroup) < 0) {
			err = -ENOMEM;
			goto out;
		}
		nr++;
	}
	qsort(found, nr, sizeof(*found), cmp_text);
	for (i = 0; i < nr; i++)
		if (!n || strcmp(found[n - 1], found[i]))
			found[n++] = found[i];
		else
			free(found[i]);
	nr = n;
	if (nr == 1) {
		/* The cgroup follows the runtime and the id, which hold no space. */
		const char *path = strchr(strchr(found[0], ' ') + 1, ' ') + 1;

		if (snprintf(buf, len, "%s", path) >= (int)len)
			err = -ENAMETOOLONG;
	} else if (nr > 1) {
		for (i = 0; i < nr; i++)
			out += snprintf(out < len ? buf + out : NULL, out < len ? len - out : 0,
					"%s%s", i ? "\n" : "", found[i]);
		err = -EEXIST;
	}
	/* With no such container the path stays, and no record is of it. */
out:
	for (i = 0; i < nr; i++)
		free(found[i]);
	free(found);
	return err;
}
