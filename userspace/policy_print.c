// SPDX-License-Identifier: GPL-2.0
/* Printing of rules and profiles as policy text that parses back to the same rules. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"
#include "util.h"

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
