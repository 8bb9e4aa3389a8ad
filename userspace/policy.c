// SPDX-License-Identifier: GPL-2.0
/* cgfence policy: pattern checks, names, the arena and rule printing shared by parser and tool. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"
#include "util.h"

/* Big enough that a 100,000-rule profile needs a few hundred chunks, not a million mallocs. */
#define ARENA_CHUNK	(64 * 1024)

struct cgf_arena_chunk {
	struct cgf_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *cgf_arena_alloc(struct cgf_arena *arena, size_t size)
{
	struct cgf_arena_chunk *c = arena->head;
	size_t align = sizeof(max_align_t);
	void *p;

	size = (size + align - 1) / align * align;
	if (!c || c->size - c->used < size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->size = cap;
		c->used = 0;
		/* A big allocation goes behind the current chunk so its free room stays usable. */
		if (arena->head && cap > ARENA_CHUNK) {
			c->next = arena->head->next;
			arena->head->next = c;
		} else {
			c->next = arena->head;
			arena->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *cgf_arena_strndup(struct cgf_arena *arena, const char *s, size_t len)
{
	char *p = cgf_arena_alloc(arena, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

void cgf_arena_release(struct cgf_arena *arena)
{
	struct cgf_arena_chunk *c, *next;

	for (c = arena->head; c; c = next) {
		next = c->next;
		free(c);
	}
	arena->head = NULL;
}

void cgf_policy_free(struct cgf_policy *policy)
{
	if (!policy)
		return;
	if (policy->arena) {
		cgf_arena_release(policy->arena);
		free(policy->arena);
	}
	memset(policy, 0, sizeof(*policy));
}

const struct cgf_name_bit cgf_mount_op_names[] = {
	{ "mount", CGFENCE_MOUNT_NEW },
	{ "bind", CGFENCE_MOUNT_BIND },
	{ "rbind", CGFENCE_MOUNT_RBIND },
	{ "remount", CGFENCE_MOUNT_REMOUNT },
	{ "move", CGFENCE_MOUNT_MOVE },
	{ "propagation", CGFENCE_MOUNT_PROPAGATION },
	{ "umount", CGFENCE_MOUNT_UMOUNT },
	{ "pivot_root", CGFENCE_MOUNT_PIVOT_ROOT },
	{ NULL, 0 },
};

const struct cgf_name_bit cgf_mount_opt_names[] = {
	{ "ro", CGFENCE_MOPT_RO },
	{ "nosuid", CGFENCE_MOPT_NOSUID },
	{ "nodev", CGFENCE_MOPT_NODEV },
	{ "noexec", CGFENCE_MOPT_NOEXEC },
	{ "noatime", CGFENCE_MOPT_NOATIME },
	{ "nodiratime", CGFENCE_MOPT_NODIRATIME },
	{ "relatime", CGFENCE_MOPT_RELATIME },
	{ "strictatime", CGFENCE_MOPT_STRICTATIME },
	{ "sync", CGFENCE_MOPT_SYNC },
	{ NULL, 0 },
};

/* In bit order: the order `cgfence show` and the rule printer use. */
const struct cgf_name_bit cgf_kernel_op_names[] = {
	{ "module", CGFENCE_KERNEL_MODULE },
	{ "kexec", CGFENCE_KERNEL_KEXEC },
	{ "reboot", CGFENCE_KERNEL_REBOOT },
	{ "bpf", CGFENCE_KERNEL_BPF },
	{ "perf", CGFENCE_KERNEL_PERF },
	{ "lockdown", CGFENCE_KERNEL_LOCKDOWN },
	{ "quota", CGFENCE_KERNEL_QUOTA },
	{ "fanotify", CGFENCE_KERNEL_FANOTIFY },
	{ "tty_inject", CGFENCE_KERNEL_TTY_INJECT },
	{ "ptrace", CGFENCE_KERNEL_PTRACE },
	{ "signal", CGFENCE_KERNEL_SIGNAL },
	{ "syslog", CGFENCE_KERNEL_SYSLOG },
	{ "time", CGFENCE_KERNEL_TIME },
	{ "sched", CGFENCE_KERNEL_SCHED },
	{ NULL, 0 },
};

const char *cgf_policy_kernel_op_name(uint32_t bit)
{
	const struct cgf_name_bit *n;

	for (n = cgf_kernel_op_names; n->name; n++)
		if (n->bit == bit)
			return n->name;
	return NULL;
}

uint32_t cgf_name_bit_find(const struct cgf_name_bit *table, const char *name, size_t len)
{
	for (; table->name; table++)
		if (strlen(table->name) == len && !memcmp(table->name, name, len))
			return table->bit;
	return 0;
}

const char *cgf_policy_kind_name(uint8_t kind)
{
	switch (kind) {
	case CGFENCE_RULE_FILE:
		return "file";
	case CGFENCE_RULE_MOUNT:
		return "mount";
	case CGFENCE_RULE_DEVICE:
		return "device";
	case CGFENCE_RULE_KERNEL:
		return "kernel";
	}
	return NULL;
}

const char *cgf_policy_mode_name(uint8_t mode)
{
	switch (mode) {
	case CGFENCE_MODE_ENFORCE:
		return "enforce";
	case CGFENCE_MODE_COMPLAIN:
		return "complain";
	}
	return NULL;
}

const char *cgf_policy_effect_name(uint8_t effect)
{
	switch (effect) {
	case CGFENCE_EFFECT_ALLOW:
		return "allow";
	case CGFENCE_EFFECT_DENY:
		return "deny";
	}
	return NULL;
}

/*
 * A component that can only ever match "." or "..": a resolved path never has one, so
 * such a rule would be dead text. Escaped dots are still dots.
 */
static bool is_dot_component(const char *c, size_t len)
{
	size_t i, dots = 0;

	for (i = 0; i < len; i++) {
		if (c[i] == '\\' && i + 1 < len)
			i++;
		if (c[i] != '.')
			return false;
		dots++;
	}
	return dots == 1 || dots == 2;
}

/* Stores where the problem is and says what it is. */
static const char *at(size_t *off, size_t pos, const char *why)
{
	*off = pos;
	return why;
}

/* Escapes and stars inside the component from @start to @end. */
static const char *check_component(const char *pat, size_t start, size_t end, size_t *off)
{
	size_t i = start;

	while (i < end) {
		if (pat[i] == '\\') {
			if (i + 1 == end) {
				*off = i;
				return "'\\' at the end of the pattern has nothing to escape";
			}
			if (pat[i + 1] == '/') {
				*off = i;
				return "'\\/' can never match: a path component has no '/' in it";
			}
			i += 2;
			continue;
		}
		if (pat[i] == '*' && i + 1 < end && pat[i + 1] == '*') {
			if (i != start || i + 2 != end) {
				*off = i;
				return "'**' must be a whole path component";
			}
			i += 2;
			continue;
		}
		i++;
	}
	return NULL;
}

/* As the module splits: a '\\' takes the next byte with it, even a '/'. */
static size_t component_end(const char *pat, size_t len, size_t i)
{
	while (i < len && pat[i] != '/')
		i += pat[i] == '\\' ? 2 : 1;
	return i < len ? i : len;
}

const char *cgf_policy_check_path_pattern(const char *pat, size_t len, size_t *off)
{
	const char *why;
	size_t i, end;

	*off = 0;
	if (!len)
		return "empty path pattern";
	if (pat[0] != '/')
		return "a path pattern must start with '/'";
	if (len >= CGFENCE_MAX_PATTERN) {
		*off = CGFENCE_MAX_PATTERN - 1;
		return "path pattern too long (the limit is 4095 bytes)";
	}
	if (len == 1)
		return NULL;
	for (i = 1; ; i = end + 1) {
		end = component_end(pat, len, i);
		if (end == i) {
			if (i == len)
				return at(off, i - 1,
					  "trailing '/' (write '/a' for the directory itself, '/a/**' for it and everything below)");
			return at(off, i - 1, "empty path component ('//')");
		}
		why = check_component(pat, i, end, off);
		if (why)
			return why;
		if (is_dot_component(pat + i, end - i))
			return at(off, i,
				  "'.' and '..' components never match: paths are resolved before matching");
		if (end == len)
			return NULL;
	}
}

const char *cgf_policy_check_source_name(const char *name, size_t len, size_t *off)
{
	size_t i;

	*off = 0;
	if (!len)
		return "empty mount source";
	if (len >= CGFENCE_MAX_PATTERN) {
		*off = CGFENCE_MAX_PATTERN - 1;
		return "mount source too long (the limit is 4095 bytes)";
	}
	for (i = 0; i < len; i++) {
		if (name[i] == '/')
			return at(off, i,
				  "a mount source is a path pattern starting with '/' or a name without any '/'");
		/* The module compares a name byte for byte: a '*' would only match a '*'. */
		if (name[i] == '*' || name[i] == '?' || name[i] == '\\')
			return at(off, i,
				  "a source name is compared exactly, without wildcards or escapes (leave the source out to allow any)");
	}
	return NULL;
}

const char *cgf_policy_check_profile_name(const char *name, size_t len, size_t *off)
{
	size_t i;

	*off = 0;
	if (!len)
		return "empty profile name";
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
			*off = i;
			return "a profile name has only letters, digits, '_', '.' and '-'";
		}
	}
	if (len >= CGFENCE_MAX_NAME) {
		*off = CGFENCE_MAX_NAME - 1;
		return "profile name too long (the limit is 63 characters)";
	}
	return NULL;
}

const char *cgf_policy_check_fstype(const char *fstype, size_t len, size_t *off)
{
	size_t i;

	*off = 0;
	if (!len)
		return "empty filesystem type";
	for (i = 0; i < len; i++) {
		unsigned char c = fstype[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return at(off, i,
				  "a filesystem type has only lowercase letters, digits, '_', '.' and '-' (or is '*' for any)");
	}
	if (len >= CGFENCE_MAX_FSTYPE) {
		*off = CGFENCE_MAX_FSTYPE - 1;
		return "filesystem type too long (the limit is 63 characters)";
	}
	return NULL;
}

/* snprintf() semantics over a sequence of appends: the total is known even when cut short. */
struct sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

static void sb_putc(struct sbuf *sb, char c)
{
	if (sb->pos + 1 < sb->len)
		sb->buf[sb->pos] = c;
	sb->pos++;
}

static void sb_puts(struct sbuf *sb, const char *s)
{
	while (*s)
		sb_putc(sb, *s++);
}

static __printf(2, 3) void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sb_puts(sb, tmp);
}

static bool is_special(unsigned char c)
{
	return c <= ' ' || c == 0x7f || c == '{' || c == '}' || c == ';' || c == '"';
}

/*
 * Patterns keep their escapes, so most print as they were written. One that holds a byte
 * the lexer would stop at goes in quotes, where only a bare '"' needs an escape; a control
 * byte cannot be written at all and prints as the '?' that matches it.
 */
static void sb_pattern(struct sbuf *sb, const char *s)
{
	bool quote = !*s || *s == '#' || !strcmp(s, "->");
	const char *p;

	for (p = s; *p && !quote; p++) {
		if (*p == '\\' && (unsigned char)p[1] > ' ' && p[1] != 0x7f)
			p++;
		else if (is_special(*p))
			quote = true;
	}
	if (!quote) {
		sb_puts(sb, s);
		return;
	}
	sb_putc(sb, '"');
	for (p = s; *p; p++) {
		unsigned char c = *p;

		if (c == '\\' && p[1] && !(p[1] < ' ' || p[1] == 0x7f)) {
			sb_putc(sb, c);
			sb_putc(sb, *++p);
		} else if (c == '"') {
			sb_puts(sb, "\\\"");
		} else if (c < ' ' || c == 0x7f) {
			sb_putc(sb, '?');
		} else {
			sb_putc(sb, c);
		}
	}
	sb_putc(sb, '"');
}

static void sb_file_perms(struct sbuf *sb, uint32_t perms)
{
	int i;

	if ((perms & CGFENCE_FILE_ALL) == CGFENCE_FILE_ALL) {
		sb_puts(sb, "all");
		return;
	}
	for (i = 0; CGF_FILE_PERM_LETTERS[i]; i++) {
		/* 'w' includes append, so "wa" would only repeat it. */
		if ((1u << i) == CGFENCE_FILE_APPEND && (perms & CGFENCE_FILE_WRITE))
			continue;
		if (perms & (1u << i))
			sb_putc(sb, CGF_FILE_PERM_LETTERS[i]);
	}
}

static void sb_names(struct sbuf *sb, const struct cgf_name_bit *table, uint32_t bits)
{
	bool first = true;

	for (; table->name; table++) {
		if (!(bits & table->bit))
			continue;
		if (!first)
			sb_putc(sb, ',');
		sb_puts(sb, table->name);
		first = false;
	}
}

static void sb_mount(struct sbuf *sb, const struct cgf_policy_rule *r)
{
	sb_names(sb, cgf_mount_op_names, r->mount_ops);
	if (r->mount_ops & CGFENCE_MOUNT_NEW) {
		sb_putc(sb, ' ');
		sb_puts(sb, r->fstype ? r->fstype : "*");
	}
	if (r->mount_ops & (CGFENCE_MOUNT_NEW | CGF_MOUNT_OPS_PAIR)) {
		/* No source: any source, written by leaving it out. */
		if (r->source) {
			sb_putc(sb, ' ');
			sb_pattern(sb, r->source);
		}
		sb_puts(sb, " ->");
	}
	sb_putc(sb, ' ');
	if (r->target)
		sb_pattern(sb, r->target);
	else
		sb_puts(sb, "/**");
	if (r->mount_require) {
		sb_puts(sb, " options=");
		sb_names(sb, cgf_mount_opt_names, r->mount_require);
	}
	if (r->mount_forbid) {
		sb_puts(sb, " forbid=");
		sb_names(sb, cgf_mount_opt_names, r->mount_forbid);
	}
}

static void sb_devnum(struct sbuf *sb, uint32_t n)
{
	if (n == CGFENCE_DEV_ANY)
		sb_putc(sb, '*');
	else
		sb_printf(sb, "%u", n);
}

static void sb_device(struct sbuf *sb, const struct cgf_policy_rule *r)
{
	int i;

	if (r->dev_type == CGFENCE_DEV_CHAR)
		sb_putc(sb, 'c');
	else if (r->dev_type == CGFENCE_DEV_BLOCK)
		sb_putc(sb, 'b');
	else
		sb_putc(sb, '*');
	sb_putc(sb, ' ');
	sb_devnum(sb, r->dev_major);
	sb_putc(sb, ':');
	sb_devnum(sb, r->dev_minor);
	sb_putc(sb, ' ');
	for (i = 0; CGF_DEV_ACCESS_LETTERS[i]; i++)
		if (r->dev_access & (1u << i))
			sb_putc(sb, CGF_DEV_ACCESS_LETTERS[i]);
}

/* Operation words separated by spaces, "all" for every one. */
static void sb_kernel(struct sbuf *sb, uint32_t ops)
{
	const struct cgf_name_bit *n;
	bool first = true;

	if (ops == CGFENCE_KERNEL_ALL) {
		sb_puts(sb, "all");
		return;
	}
	for (n = cgf_kernel_op_names; n->name; n++) {
		if (!(ops & n->bit))
			continue;
		if (!first)
			sb_putc(sb, ' ');
		sb_puts(sb, n->name);
		first = false;
	}
}

size_t cgf_policy_format_rule(char *buf, size_t len, const struct cgf_policy_rule *rule)
{
	struct sbuf sb = { buf, len, 0 };
	const char *effect = cgf_policy_effect_name(rule->effect);

	sb_puts(&sb, effect ? effect : "?");
	sb_putc(&sb, ' ');
	switch (rule->kind) {
	case CGFENCE_RULE_FILE:
		sb_file_perms(&sb, rule->file_perms);
		sb_putc(&sb, ' ');
		sb_pattern(&sb, rule->path ? rule->path : "");
		break;
	case CGFENCE_RULE_MOUNT:
		sb_mount(&sb, rule);
		break;
	case CGFENCE_RULE_DEVICE:
		sb_device(&sb, rule);
		break;
	case CGFENCE_RULE_KERNEL:
		sb_kernel(&sb, rule->kernel_ops);
		break;
	default:
		sb_printf(&sb, "<rule kind %u>", rule->kind);
		break;
	}
	sb_putc(&sb, ';');
	if (len)
		buf[sb.pos < len ? sb.pos : len - 1] = '\0';
	return sb.pos;
}

int cgf_policy_write_profile(FILE *f, const struct cgf_policy_profile *profile,
			     unsigned int flags)
{
	const struct cgf_policy_rule *r;
	uint8_t open_kind = 0;
	char *text = NULL;
	size_t cap = 0, need, i;

	fprintf(f, "profile %s {\n\tmode %s;\n\tdefault %s;\n", profile->name,
		cgf_policy_mode_name(profile->mode) ?: "?",
		cgf_policy_effect_name(profile->file_default) ?: "?");
	for (i = 0; i < profile->nr_rules; i++) {
		r = &profile->rules[i];
		if (r->kind != open_kind) {
			if (open_kind)
				fputs("\t}\n", f);
			fprintf(f, "\t%s {\n", cgf_policy_kind_name(r->kind) ?: "?");
			open_kind = r->kind;
		}
		need = cgf_policy_format_rule(text, cap, r) + 1;
		if (need > cap) {
			char *bigger = realloc(text, need);

			if (!bigger) {
				free(text);
				return -1;
			}
			text = bigger;
			cap = need;
			cgf_policy_format_rule(text, cap, r);
		}
		fprintf(f, "\t\t%s", text);
		if (flags & CGF_POLICY_WRITE_ORIGIN)
			fprintf(f, "\t# id %u %s:%d:%d", r->id, r->src_file ?: "?", r->src_line,
				r->src_col);
		fputc('\n', f);
	}
	free(text);
	if (open_kind)
		fputs("\t}\n", f);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}
