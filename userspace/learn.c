// SPDX-License-Identifier: GPL-2.0
/* cgfence learn: a minimal profile from the would-deny records of a profile in complain mode. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cgfence.h"
#include "denials.h"
#include "learn.h"
#include "output.h"
#include "policy.h"
#include "policy_int.h"
#include "util.h"

/*
 * The module keeps at most 255 bytes of an object's name and ends a longer one with
 * "..." (CGF_EVENT_OBJECT_MAX in module/events.h); nothing else in the record says
 * that it was cut, so a name of exactly that shape is taken as cut.
 */
#define CUT_NAME_LEN	255

/* Names a glob comment lists before it says "...". */
#define GLOB_NAMES_SHOWN	5

enum mount_class {
	MOUNT_NEW,		/* FSTYPE -> TARGET */
	MOUNT_PAIR,		/* SOURCE -> TARGET */
	MOUNT_TARGET,		/* TARGET */
};

struct file_entry {
	const char *pattern;	/* the name escaped, or a kind such as "pipe:" */
	const char *dir;	/* the pattern's directory; NULL for a kind or "/" */
	const char *base;	/* the pattern's last component */
	const char *name;	/* the last component as recorded (escaped) */
	const char *comment;	/* for a library's family: the versions it stands for */
	uint32_t perms;
	bool ctrl;		/* a control byte of the name became '?' */
	bool proc;		/* a pid under /proc became '*' */
	bool lib;		/* a library's version became '*' */
	bool globbed;
};

struct dev_entry {
	uint8_t type;
	uint32_t major, minor;
	uint8_t access;
};

struct mount_entry {
	const char *target;	/* as recorded */
	enum mount_class class;
	uint32_t ops;
};

/* A rule ready to print, with the comment that goes above it. */
struct out_rule {
	struct cgf_policy_rule rule;
	const char *comment;
};

struct learner {
	struct cgf_arena arena;
	const struct cgf_learn_request *req;
	struct cgf_learn_stats *st;
	struct file_entry *files;
	size_t nr_files;
	struct dev_entry *devs;
	size_t nr_devs;
	struct mount_entry *mounts;
	size_t nr_mounts;
	const char **notes;	/* what could not be learned, one line each */
	size_t nr_notes, notes_cap;
	struct out_rule *rules;	/* files, then devices, then mounts */
	size_t nr_rules;
	uint64_t first_seq, last_seq;
	bool failed;		/* out of memory */
};

static void *alloc(struct learner *l, size_t size)
{
	void *p = cgf_arena_alloc(&l->arena, size ? size : 1);

	if (!p)
		l->failed = true;
	return p;
}

/* Text composed with open_memstream(@buf, @len), copied into the arena once @f is closed. */
static const char *text_end(struct learner *l, FILE *f, char **buf, size_t *len)
{
	const char *copy = NULL;

	if (fclose(f) == 0 && *buf)
		copy = cgf_arena_strndup(&l->arena, *buf, *len);
	free(*buf);
	if (!copy)
		l->failed = true;
	return copy;
}

/* A note on what could not be learned: the operation, the object (escaped), @why. */
static void note(struct learner *l, const struct cgf_denial *d, enum cgf_learn_gap gap,
		 const char *why)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	l->st->gaps[gap]++;
	if (l->nr_notes >= l->notes_cap)
		return;
	f = open_memstream(&buf, &len);
	if (!f) {
		l->failed = true;
		return;
	}
	cgf_plain_string(f, d->op ? d->op : "?");
	if (d->object && d->object[0]) {
		fputc(' ', f);
		cgf_plain_string(f, d->object);
	}
	fprintf(f, ": %s", why);
	l->notes[l->nr_notes] = text_end(l, f, &buf, &len);
	if (l->notes[l->nr_notes])
		l->nr_notes++;
}

static bool name_was_cut(const char *name)
{
	size_t len = strlen(name);

	return len == CUT_NAME_LEN && !strcmp(name + len - 3, "...");
}

static bool is_kind(const char *name)
{
	static const char *const kinds[] = {
		CGFENCE_OBJECT_UNREACHABLE, CGFENCE_OBJECT_PIPE, CGFENCE_OBJECT_SOCKET,
		CGFENCE_OBJECT_ANON_INODE, CGFENCE_OBJECT_MEMFD, CGFENCE_OBJECT_NSFS,
		CGFENCE_OBJECT_MQUEUE, CGFENCE_OBJECT_ABSTRACT,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(name, kinds[i]))
			return true;
	return false;
}

/* A usable object name, or NULL after a note saying why there is none. */
static const char *object_name(struct learner *l, const struct cgf_denial *d)
{
	const char *o = d->object ? d->object : "";

	if (!o[0]) {
		note(l, d, CGF_LEARN_GAP_MALFORMED, "the record names no object");
		return NULL;
	}
	if (!strcmp(o, "(name too long)")) {
		note(l, d, CGF_LEARN_GAP_TOO_LONG,
		     "the name was too long for the module to judge it, so it was refused whatever the profile says");
		return NULL;
	}
	if (name_was_cut(o)) {
		note(l, d, CGF_LEARN_GAP_CUT, "the module cut the name short: write a rule for it by hand");
		return NULL;
	}
	return o;
}

/*
 * A recorded name as a pattern that matches exactly that name: wildcards and
 * backslashes are escaped. A control byte cannot be written in a policy at all; it
 * becomes '?', which matches it (and any other single byte), and *@ctrl is set.
 */
static char *name_pattern(struct learner *l, const char *name, bool *ctrl)
{
	size_t len = strlen(name), n = 0, i;
	char *p = alloc(l, 2 * len + 1);

	if (!p)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c == '*' || c == '?' || c == '\\') {
			p[n++] = '\\';
			p[n++] = c;
		} else if (c < ' ' || c == 0x7f) {
			p[n++] = '?';
			*ctrl = true;
		} else {
			p[n++] = c;
		}
	}
	p[n] = '\0';
	return p;
}

/*
 * A component of @s made only of digits becomes '*', in place; *@done is set. Returns
 * where the component ends, or NULL when it is not a number.
 */
static char *star_number(char *s, bool *done)
{
	size_t digits = strspn(s, "0123456789");

	if (!digits || (s[digits] && s[digits] != '/'))
		return NULL;
	s[0] = '*';
	memmove(s + 1, s + digits, strlen(s + digits) + 1);
	*done = true;
	return s + 1;
}

/*
 * The pattern for a recorded file name. /proc/PID (and /proc/PID/task/TID) names a
 * process, often the task itself through /proc/self: its pid differs from run to run,
 * so a rule for the pid recorded would never match again, and it becomes '*'.
 */
static char *file_pattern(struct learner *l, const char *name, bool *ctrl, bool *proc)
{
	char *p = name_pattern(l, name, ctrl), *rest;

	if (!p || strncmp(p, "/proc/", 6))
		return p;
	rest = star_number(p + 6, proc);
	if (rest && !strncmp(rest, "/task/", 6))
		star_number(rest + 6, proc);
	return p;
}

/* The pattern is one the module takes; a name that would not be stays out, with a note. */
static bool pattern_ok(struct learner *l, const char *pattern, const char *name)
{
	struct cgf_denial d = { .op = "file", .object = name };
	size_t off;

	if (pattern[0] != '/' || !cgf_policy_check_path_pattern(pattern, strlen(pattern), &off))
		return true;
	note(l, &d, CGF_LEARN_GAP_PATTERN, "no pattern can name it exactly");
	return false;
}

static bool learn_file(struct learner *l, const struct cgf_denial *d)
{
	uint32_t perms = (d->requested ? d->requested : d->denied) & CGFENCE_FILE_ALL;
	const char *name = object_name(l, d);
	struct file_entry *e;
	char *pattern, *slash;
	bool ctrl = false, proc = false;

	if (!name)
		return false;
	if (name[0] != '/' && !is_kind(name)) {
		note(l, d, CGF_LEARN_GAP_MALFORMED, "not a path nor a kind a file rule can name");
		return false;
	}
	if (!perms) {
		note(l, d, CGF_LEARN_GAP_MALFORMED, "the record names no permission");
		return false;
	}
	pattern = file_pattern(l, name, &ctrl, &proc);
	if (!pattern || !pattern_ok(l, pattern, name))
		return false;
	/* 'w' covers appending too; saying so keeps the rule as the parser will read it. */
	if (perms & CGFENCE_FILE_WRITE)
		perms |= CGFENCE_FILE_APPEND;
	e = &l->files[l->nr_files++];
	e->pattern = pattern;
	e->perms = perms;
	e->ctrl = ctrl;
	e->proc = proc;
	/* An escaped name has no "\/": its last '/' separates the directory. */
	if (pattern[0] == '/' && pattern[1]) {
		slash = strrchr(pattern, '/');
		e->dir = slash == pattern ? "/" :
			 cgf_arena_strndup(&l->arena, pattern, slash - pattern);
		e->base = slash + 1;
		e->name = e->base;
		if (!e->dir)
			l->failed = true;
	}
	return true;
}

/* "c MAJ:MIN" or "b MAJ:MIN", as the module writes a device. */
static bool parse_device(const char *s, struct dev_entry *e)
{
	unsigned long major, minor;
	char *end;

	if ((s[0] != 'c' && s[0] != 'b') || s[1] != ' ' || s[2] < '0' || s[2] > '9')
		return false;
	major = strtoul(s + 2, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	minor = strtoul(end + 1, &end, 10);
	if (*end || major > CGF_DEV_MAJOR_MAX || minor > CGF_DEV_MINOR_MAX)
		return false;
	e->type = s[0] == 'c' ? CGFENCE_DEV_CHAR : CGFENCE_DEV_BLOCK;
	e->major = (uint32_t)major;
	e->minor = (uint32_t)minor;
	return true;
}

static bool learn_device(struct learner *l, const struct cgf_denial *d)
{
	uint32_t mask = CGFENCE_DEV_READ | CGFENCE_DEV_WRITE | CGFENCE_DEV_MKNOD;
	uint32_t access = (d->requested ? d->requested : d->denied) & mask;
	struct dev_entry e;

	if (!d->object || !parse_device(d->object, &e)) {
		note(l, d, CGF_LEARN_GAP_MALFORMED, "not a device as 'c MAJ:MIN' or 'b MAJ:MIN'");
		return false;
	}
	if (!access) {
		note(l, d, CGF_LEARN_GAP_MALFORMED, "the record names no access");
		return false;
	}
	e.access = (uint8_t)access;
	l->devs[l->nr_devs++] = e;
	return true;
}

static bool learn_mount(struct learner *l, const struct cgf_denial *d)
{
	static const struct {
		uint32_t ops;
		enum mount_class class;
	} classes[] = {
		{ CGFENCE_MOUNT_NEW, MOUNT_NEW },
		{ CGF_MOUNT_OPS_PAIR, MOUNT_PAIR },
		{ CGF_MOUNT_OPS_TARGET, MOUNT_TARGET },
	};
	uint32_t ops = d->requested & CGFENCE_MOUNT_ALL;
	const char *target;
	size_t i;

	/* fspick, open_tree and mount_setattr: the module refuses them before any rule. */
	if (!ops) {
		note(l, d, CGF_LEARN_GAP_NO_RULE,
		     "refused to confined tasks whatever the profile says; mount(2) does the same jobs under the rules");
		return false;
	}
	target = object_name(l, d);
	if (!target)
		return false;
	if (target[0] != '/') {
		note(l, d, CGF_LEARN_GAP_MALFORMED, "the mount target is not a path");
		return false;
	}
	/* One operation per record; a record with several gets one entry per shape. */
	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		struct mount_entry *e;

		if (!(ops & classes[i].ops))
			continue;
		e = &l->mounts[l->nr_mounts++];
		e->target = target;
		e->class = classes[i].class;
		e->ops = ops & classes[i].ops;
	}
	return true;
}

static void learn_record(struct learner *l, const struct cgf_denial *d)
{
	bool used = false;

	switch (d->kind) {
	case CGFENCE_DENIAL_FILE:
		used = learn_file(l, d);
		break;
	case CGFENCE_DENIAL_DEVICE:
		used = learn_device(l, d);
		break;
	case CGFENCE_DENIAL_MOUNT:
		used = learn_mount(l, d);
		break;
	case CGFENCE_DENIAL_CGROUP:
		note(l, d, CGF_LEARN_GAP_NO_RULE,
		     "a container may never leave its cgroup subtree; no rule allows it");
		break;
	case CGFENCE_DENIAL_KERNEL:
		/* Reaching the kernel is a decision for a person, never a default to learn. */
		note(l, d, CGF_LEARN_GAP_KERNEL,
		     "the kernel itself, or a task outside the container: not learned; if the workload must, write the kernel rule by hand (policy/README.md, kernel rules)");
		break;
	default:
		note(l, d, CGF_LEARN_GAP_UNKNOWN, "a kind of record this tool does not know");
		break;
	}
	if (used)
		l->st->used++;
	else
		l->st->not_learned++;
	if (!l->first_seq || d->seq < l->first_seq)
		l->first_seq = d->seq;
	if (d->seq > l->last_seq)
		l->last_seq = d->seq;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Pattern, then the name recorded: the versions of a library's family in a stable order. */
static int cmp_file_name(const void *a, const void *b)
{
	const struct file_entry *x = a, *y = b;
	int c = cmp_str(x->pattern, y->pattern);

	return c ? c : cmp_str(x->name, y->name);
}

/* Directory, then permissions, then name: the files a glob could cover stand together. */
static int cmp_file_dir(const void *a, const void *b)
{
	const struct file_entry *x = *(const struct file_entry *const *)a;
	const struct file_entry *y = *(const struct file_entry *const *)b;
	int c = cmp_str(x->dir, y->dir);

	if (c)
		return c;
	if (x->perms != y->perms)
		return x->perms < y->perms ? -1 : 1;
	return cmp_str(x->pattern, y->pattern);
}

static int cmp_dev(const void *a, const void *b)
{
	const struct dev_entry *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return 0;
}

static int cmp_mount(const void *a, const void *b)
{
	const struct mount_entry *x = a, *y = b;
	int c = cmp_str(x->target, y->target);

	if (c)
		return c;
	return x->class == y->class ? 0 : x->class < y->class ? -1 : 1;
}

/* Two globs of one directory (one per permission set) share a path: permissions decide. */
static int cmp_rule(const void *a, const void *b)
{
	const struct out_rule *x = a, *y = b;
	int c = cmp_str(x->rule.path, y->rule.path);

	if (c)
		return c;
	return x->rule.file_perms == y->rule.file_perms ? 0 :
	       x->rule.file_perms < y->rule.file_perms ? -1 : 1;
}

static struct out_rule *add_rule(struct learner *l, uint8_t kind)
{
	struct out_rule *r = &l->rules[l->nr_rules++];

	memset(r, 0, sizeof(*r));
	r->rule.kind = kind;
	r->rule.effect = CGFENCE_EFFECT_ALLOW;
	return r;
}

static const char *ctrl_comment = "'?' stands for a control character in the name";
static const char *pair_comment =
	"mount(2) tells the module no source of a bind or move: this only allows move_mount(2)";

/* What a rule's pattern says less exactly than the names it came from. */
static const char *flag_comment(bool ctrl, bool proc)
{
	if (ctrl && proc)
		return "'?' stands for a control character in the name, '*' for a pid";
	if (proc)
		return "'*' stands for the pid in /proc, which differs from run to run";
	return ctrl ? ctrl_comment : NULL;
}

/* Whether [@s, @end) is a version: numbers with one dot between each two. */
static bool is_version(const char *s, const char *end)
{
	bool digit = false;

	if (s >= end)
		return false;
	for (; s < end; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && digit)
			digit = false;
		else
			return false;
	}
	return digit;
}

/*
 * The family of a versioned library's name: NAME.so.VERSION (libfoo.so.1.2.3,
 * ld-linux-x86-64.so.2) becomes NAME.so.*, NAME-VERSION.so (libc-2.31.so) becomes
 * NAME-*.so. NULL for any other name. @base is escaped already; a version is not.
 */
static char *lib_family(struct learner *l, const char *base)
{
	size_t len = strlen(base);
	const char *so = base, *dash;
	char *family;

	if (!len)
		return NULL;
	/* From the second byte on: NAME is not empty. */
	while ((so = strstr(so + 1, ".so."))) {
		if (!is_version(so + 4, base + len))
			continue;
		family = alloc(l, so - base + sizeof(".so.*"));
		if (family)
			sprintf(family, "%.*s.so.*", (int)(so - base), base);
		return family;
	}
	if (len < 4 || strcmp(base + len - 3, ".so"))
		return NULL;
	dash = memrchr(base, '-', len - 3);
	if (!dash || dash == base || !is_version(dash + 1, base + len - 3))
		return NULL;
	family = alloc(l, dash - base + sizeof("-*.so"));
	if (family)
		sprintf(family, "%.*s-*.so", (int)(dash - base), base);
	return family;
}

/*
 * A library's file becomes its family's: the same image updated carries libssl.so.3.0.14
 * where the workload read libssl.so.3.0.13, and a rule for the old name would refuse it.
 * Only for names that were read or mapped: a name the workload writes is its data, and a
 * star there would let it write names it never did.
 */
static void lib_entry(struct learner *l, struct file_entry *e)
{
	char *family, *pattern;

	if (!e->dir || e->perms & ~(CGFENCE_FILE_READ | CGFENCE_FILE_EXEC))
		return;
	family = lib_family(l, e->base);
	if (!family)
		return;
	pattern = alloc(l, strlen(e->dir) + strlen(family) + 2);
	if (!pattern)
		return;
	sprintf(pattern, "%s%s%s", e->dir, strcmp(e->dir, "/") ? "/" : "", family);
	e->pattern = pattern;
	e->base = family;
	e->lib = true;
}

/* For a family's rule, from its run @run[0..@n): the versions seen, in order. */
static const char *lib_comment(struct learner *l, const struct file_entry *run, size_t n,
			       const char *extra)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f) {
		l->failed = true;
		return NULL;
	}
	fputs("'*' stands for the version of", f);
	/* Names as the pattern writes them: a control byte is a '?' there already. */
	for (i = 0; i < n && i < GLOB_NAMES_SHOWN; i++) {
		fputs(i ? ", " : " ", f);
		cgf_safe_text(f, run[i].name);
	}
	if (n > GLOB_NAMES_SHOWN)
		fputs(", ...", f);
	if (extra)
		fprintf(f, " (%s)", extra);
	return text_end(l, f, &buf, &len);
}

/*
 * One entry per pattern, with every permission any of its entries asked for. Returns
 * the number of entries left in l->files, sorted by pattern.
 */
static size_t merge_files(struct learner *l, size_t nr)
{
	size_t i, j, n = 0;

	qsort(l->files, nr, sizeof(*l->files), cmp_file_name);
	for (i = 0; i < nr; i = j) {
		struct file_entry e = l->files[i];

		for (j = i + 1; j < nr && !strcmp(l->files[j].pattern, e.pattern); j++) {
			e.perms |= l->files[j].perms;
			e.ctrl |= l->files[j].ctrl;
			e.proc |= l->files[j].proc;
			e.lib |= l->files[j].lib;
		}
		if (e.lib)
			e.comment = lib_comment(l, l->files + i, j - i,
						flag_comment(e.ctrl, e.proc));
		l->files[n++] = e;
	}
	return n;
}

/* One rule for every file of a directory, for the run @run[0..@n) of one permission set. */
static void glob_rule(struct learner *l, struct file_entry **run, size_t n)
{
	const char *dir = run[0]->dir, *extra;
	bool ctrl = false, proc = false;
	char *pattern, *buf = NULL;
	struct out_rule *r;
	size_t len = 0, i;
	FILE *f;

	pattern = alloc(l, strlen(dir) + 3);
	if (!pattern)
		return;
	sprintf(pattern, "%s%s", dir, strcmp(dir, "/") ? "/*" : "*");
	for (i = 0; i < n; i++) {
		ctrl |= run[i]->ctrl;
		proc |= run[i]->proc;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		l->failed = true;
		return;
	}
	cgf_plain_string(f, pattern);
	fprintf(f, ": %zu files with the same permissions:", n);
	if (ctrl)
		l->st->ctrl_rules++;
	for (i = 0; i < n && i < GLOB_NAMES_SHOWN; i++) {
		fputs(i ? ", " : " ", f);
		cgf_plain_string(f, run[i]->base);
	}
	if (n > GLOB_NAMES_SHOWN)
		fputs(", ...", f);
	extra = flag_comment(ctrl, proc);
	if (extra)
		fprintf(f, " (%s)", extra);
	r = add_rule(l, CGFENCE_RULE_FILE);
	r->rule.file_perms = run[0]->perms;
	r->rule.path = pattern;
	r->comment = text_end(l, f, &buf, &len);
	for (i = 0; i < n; i++)
		run[i]->globbed = true;
	l->st->globs++;
}

static void file_rules(struct learner *l)
{
	struct file_entry **by_dir;
	size_t i, j, n, first = l->nr_rules;

	/* Permissions merge per name first: a library written to is not read-only. */
	n = merge_files(l, l->nr_files);
	for (i = 0; i < n; i++)
		lib_entry(l, &l->files[i]);
	n = merge_files(l, n);
	l->nr_files = n;

	by_dir = alloc(l, n * sizeof(*by_dir));
	if (!by_dir)
		return;
	for (i = 0; i < n; i++)
		by_dir[i] = &l->files[i];
	qsort(by_dir, n, sizeof(*by_dir), cmp_file_dir);
	for (i = 0; i < n; i = j) {
		const struct file_entry *e = by_dir[i];

		for (j = i + 1; j < n && e->dir && !cmp_str(by_dir[j]->dir, e->dir) &&
		     by_dir[j]->perms == e->perms; j++)
			;
		if (e->dir && j - i >= CGF_LEARN_GLOB_MIN)
			glob_rule(l, by_dir + i, j - i);
	}

	for (i = 0; i < n; i++) {
		struct file_entry *e = &l->files[i];
		struct out_rule *r;

		if (e->globbed)
			continue;
		r = add_rule(l, CGFENCE_RULE_FILE);
		r->rule.file_perms = e->perms;
		r->rule.path = e->pattern;
		r->comment = e->lib ? e->comment : flag_comment(e->ctrl, e->proc);
		l->st->libs += e->lib;
		l->st->ctrl_rules += e->ctrl;
	}
	qsort(l->rules + first, l->nr_rules - first, sizeof(*l->rules), cmp_rule);
	l->st->file_rules = l->nr_rules - first;
}

static void device_rules(struct learner *l)
{
	size_t i, n = 0;

	qsort(l->devs, l->nr_devs, sizeof(*l->devs), cmp_dev);
	for (i = 0; i < l->nr_devs; i++) {
		if (n && !cmp_dev(&l->devs[n - 1], &l->devs[i]))
			l->devs[n - 1].access |= l->devs[i].access;
		else
			l->devs[n++] = l->devs[i];
	}
	for (i = 0; i < n; i++) {
		struct out_rule *r = add_rule(l, CGFENCE_RULE_DEVICE);

		r->rule.dev_type = l->devs[i].type;
		r->rule.dev_major = l->devs[i].major;
		r->rule.dev_minor = l->devs[i].minor;
		r->rule.dev_access = l->devs[i].access;
	}
	l->st->device_rules = n;
}

static void mount_rules(struct learner *l)
{
	size_t i, n = 0;

	qsort(l->mounts, l->nr_mounts, sizeof(*l->mounts), cmp_mount);
	for (i = 0; i < l->nr_mounts; i++) {
		if (n && !cmp_mount(&l->mounts[n - 1], &l->mounts[i]))
			l->mounts[n - 1].ops |= l->mounts[i].ops;
		else
			l->mounts[n++] = l->mounts[i];
	}
	for (i = 0; i < n; i++) {
		struct mount_entry *e = &l->mounts[i];
		bool ctrl = false;
		struct out_rule *r;
		char *target = name_pattern(l, e->target, &ctrl);

		if (!target || !pattern_ok(l, target, e->target))
			continue;
		r = add_rule(l, CGFENCE_RULE_MOUNT);
		r->rule.mount_ops = e->ops;
		r->rule.target = target;
		if (ctrl) {
			r->comment = ctrl_comment;
			l->st->ctrl_rules++;
		}
		/* The record has neither type nor options: any type, any options. */
		if (e->class == MOUNT_PAIR) {
			/*
			 * The record has no source either, and the grammar needs one. Against
			 * mount(2) this rule does not help: the module never learns that source
			 * (docs/semantics.md, known gaps), and an allow naming one never matches.
			 */
			r->rule.source = "/**";
			r->comment = pair_comment;
		}
		l->st->mount_rules++;
	}
}

static int cmp_note(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void write_header(FILE *f, struct learner *l)
{
	const struct cgf_learn_request *req = l->req;
	const struct cgf_learn_stats *st = l->st;
	size_t i, j;

	fprintf(f, "# Learned by 'cgfence learn' from %zu would-deny record%s of profile %s",
		st->used + st->not_learned, st->used + st->not_learned == 1 ? "" : "s",
		req->profile);
	if (req->container && strcmp(req->container, "/")) {
		fputs(" in containers at or below ", f);
		cgf_plain_string(f, req->container);
	}
	fprintf(f, " (seq %" PRIu64 "..%" PRIu64 ").\n", l->first_seq, l->last_seq);
	fprintf(f, "# Review every rule: each allows what the container did while %s was in\n"
		"# complain mode. Merge them into profile %s; loaded as it is, this profile\n"
		"# replaces %s and allows nothing else.\n", req->profile, req->profile,
		req->profile);
	if (st->lost) {
		fprintf(f, "# Warning: the rate limit dropped %" PRIu64 " record%s", st->lost,
			st->lost == 1 ? "" : "s");
		fputs(" of these containers, so they did\n", f);
		fputs("# more than this shows: run the workload again, slower, and learn again.\n",
		      f);
	}
	if (req->missing)
		fprintf(f,
			"# Warning: %" PRIu64 " record%s (of any container) %s missing from the recording.\n",
			req->missing, req->missing == 1 ? "" : "s",
			req->missing == 1 ? "was" : "were");
	if (st->enforced)
		fprintf(f,
			"# %zu denial%s of %s in enforce mode %s not used: only would-deny records are.\n",
			st->enforced, st->enforced == 1 ? "" : "s", req->profile,
			st->enforced == 1 ? "is" : "are");
	if (!l->nr_notes)
		return;
	qsort(l->notes, l->nr_notes, sizeof(*l->notes), cmp_note);
	fputs("# Not learned:\n", f);
	for (i = 0; i < l->nr_notes; i = j) {
		for (j = i + 1; j < l->nr_notes && !strcmp(l->notes[i], l->notes[j]); j++)
			;
		fprintf(f, "#   %s", l->notes[i]);
		if (j - i > 1)
			fprintf(f, " (%zu records)", j - i);
		fputc('\n', f);
	}
}

static int write_rule(FILE *f, const struct out_rule *r)
{
	size_t need = cgf_policy_format_rule(NULL, 0, &r->rule) + 1;
	char *text = malloc(need);

	if (!text)
		return -ENOMEM;
	cgf_policy_format_rule(text, need, &r->rule);
	if (r->comment)
		fprintf(f, "\t\t# %s\n", r->comment);
	fprintf(f, "\t\t%s\n", text);
	free(text);
	return 0;
}

static int write_profile(FILE *f, struct learner *l)
{
	uint8_t open_kind = 0;
	size_t i;

	write_header(f, l);
	fprintf(f, "profile %s {\n\tmode enforce;\n\tdefault deny;\n", l->req->profile);
	for (i = 0; i < l->nr_rules; i++) {
		const struct out_rule *r = &l->rules[i];

		if (r->rule.kind != open_kind) {
			if (open_kind)
				fputs("\t}\n", f);
			fprintf(f, "\t%s {\n", cgf_policy_kind_name(r->rule.kind));
			open_kind = r->rule.kind;
		}
		if (write_rule(f, r))
			return -ENOMEM;
	}
	if (open_kind)
		fputs("\t}\n", f);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

int cgf_learn_write(FILE *f, const struct cgf_denial *recs, size_t n,
		    const struct cgf_learn_request *req, struct cgf_learn_stats *stats)
{
	struct cgf_denial_filter filter = { .container = req->container, .profile = req->profile };
	struct learner l = { .req = req, .st = stats };
	size_t i;
	int err = 0;

	memset(stats, 0, sizeof(*stats));
	/*
	 * A record adds one file or device entry, or up to one mount entry per shape, and at
	 * most one note; each entry, and each glob, becomes at most one rule or one note.
	 */
	l.files = alloc(&l, n * sizeof(*l.files));
	l.devs = alloc(&l, n * sizeof(*l.devs));
	l.mounts = alloc(&l, n * 3 * sizeof(*l.mounts));
	l.notes_cap = 6 * n + 1;
	l.notes = alloc(&l, l.notes_cap * sizeof(*l.notes));
	l.rules = alloc(&l, (6 * n + 1) * sizeof(*l.rules));
	if (l.failed)
		goto out;

	for (i = 0; i < n && !l.failed; i++) {
		const struct cgf_denial *d = &recs[i];

		if (!cgf_denial_match(&filter, d)) {
			if (!d->verdict)
				continue;
			if (strcmp(d->profile ? d->profile : "", req->profile))
				stats->other_profile++;
			else
				stats->other_container++;
			continue;
		}
		stats->lost += d->lost;
		if (d->verdict == CGFENCE_VERDICT_DENIED)
			stats->enforced++;
		else if (d->verdict == CGFENCE_VERDICT_WOULD_DENY)
			learn_record(&l, d);
	}
	if (!l.failed && !stats->used && !stats->not_learned) {
		err = -ENOENT;
		goto out;
	}
	file_rules(&l);
	device_rules(&l);
	mount_rules(&l);
	if (!l.failed)
		err = write_profile(f, &l);
out:
	if (l.failed)
		err = -ENOMEM;
	cgf_arena_release(&l.arena);
	return err;
}

void cgf_learn_report(FILE *f, const char *name, const struct cgf_learn_stats *st)
{
	static const char *const what[CGF_LEARN_GAP_COUNT] = {
		[CGF_LEARN_GAP_CUT] = "names the module cut at 255 bytes",
		[CGF_LEARN_GAP_TOO_LONG] = "names too long for the module to judge",
		[CGF_LEARN_GAP_PATTERN] = "names no pattern can match exactly",
		[CGF_LEARN_GAP_NO_RULE] = "operations no rule can allow (leaving the cgroup, fspick, open_tree, mount_setattr)",
		[CGF_LEARN_GAP_KERNEL] = "uses of the kernel or of tasks outside the container (kernel rules are written by hand)",
		[CGF_LEARN_GAP_UNKNOWN] = "records of a kind this tool does not know",
		[CGF_LEARN_GAP_MALFORMED] = "records that name no usable object, permission or device",
	};
	size_t i;

	for (i = 0; i < CGF_LEARN_GAP_COUNT; i++)
		if (st->gaps[i])
			fprintf(f, "%s: learn: not in the profile (see its header): %s: %zu\n", name,
				what[i], st->gaps[i]);
	if (st->ctrl_rules)
		fprintf(f, "%s: learn: rules with '?' for a control byte or a byte that is not UTF-8 (it matches any byte there): %zu\n",
			name, st->ctrl_rules);
}
