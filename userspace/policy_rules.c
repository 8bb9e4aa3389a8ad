// SPDX-License-Identifier: GPL-2.0
/* Grammar of the rules: file, mount and device rules, from allow or deny to the semicolon. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_tree.h"

static int parse_effect(struct parser *p, struct cgf_policy_rule *r)
{
	r->effect = pf_is_word(&p->tok, "allow") ? CGFENCE_EFFECT_ALLOW : CGFENCE_EFFECT_DENY;
	r->src_file = p->file->name;
	r->src_line = p->tok.line;
	r->src_col = p->tok.col;
	return pf_next(p);
}

/* A path pattern, or for a mount source (@name_ok) also a device or filesystem name. */
static int parse_pattern(struct parser *p, const char *what, bool name_ok, const char **out)
{
	const struct cgf_tok *t = &p->tok;
	const char *why;
	size_t off;
	char *s;

	if ((t->type != CGF_TOK_WORD && t->type != CGF_TOK_STRING) ||
	    (t->type == CGF_TOK_WORD && pf_is_word(t, "->")))
		return pf_expected(p, what);
	/*
	 * The lexer ends a word at '{'; one right behind a pattern is an attempt at
	 * alternation ("/etc/{a,b}"), which would otherwise be reported as a missing ';'.
	 */
	if (t->type == CGF_TOK_WORD && p->lx.pos < p->lx.len && p->lx.buf[p->lx.pos] == '{')
		return pf_err(p, p->lx.line, p->lx.col,
			      "'{' in a pattern: there is no alternation, write one rule per path (to match a '{', escape it as '\\{' or quote the pattern)");
	if (name_ok && (!t->len || t->text[0] != '/'))
		why = cgf_policy_check_source_name(t->text, t->len, &off);
	else
		why = cgf_policy_check_path_pattern(t->text, t->len, &off);
	if (why)
		return pf_err(p, t->line, pf_tok_col(t, off), "%s", why);
	s = pf_tok_strdup(p);
	if (!s)
		return -1;
	*out = s;
	return pf_next(p);
}

static int parse_file_perms(struct parser *p, uint32_t *perms)
{
	static const char letters[] = CGF_FILE_PERM_LETTERS;
	const struct cgf_tok *t = &p->tok;
	const char *pos;
	uint32_t bit;
	size_t i;

	if (t->type != CGF_TOK_WORD || (t->len && t->text[0] == '/') || pf_is_word(t, "->"))
		return pf_expected(p,
				   "file permissions (letters from rwaxcdnlst, or 'all') before the pattern");
	if (pf_is_word(t, "all")) {
		*perms = CGFENCE_FILE_ALL;
		return pf_next(p);
	}
	*perms = 0;
	for (i = 0; i < t->len; i++) {
		pos = memchr(letters, t->text[i], sizeof(letters) - 1);
		if (!pos) {
			char q[64];

			cgf_quote_text(t->text + i, 1, q, sizeof(q));
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "unknown file permission %s (expected letters from rwaxcdnlst, or 'all')",
				      q);
		}
		bit = 1u << (pos - letters);
		if (*perms & bit)
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "file permission '%c' is given twice", t->text[i]);
		*perms |= bit;
	}
	/* Writing includes appending, so a deny of 'w' cannot be side-stepped with O_APPEND. */
	if (*perms & CGFENCE_FILE_WRITE)
		*perms |= CGFENCE_FILE_APPEND;
	return pf_next(p);
}

/* Objects with no nameable path are judged by kind (see CGFENCE_OBJECT_* in the uapi). */
static const char *const object_kinds[] = {
	CGFENCE_OBJECT_UNREACHABLE, CGFENCE_OBJECT_PIPE, CGFENCE_OBJECT_SOCKET,
	CGFENCE_OBJECT_ANON_INODE, CGFENCE_OBJECT_MEMFD, CGFENCE_OBJECT_NSFS,
	CGFENCE_OBJECT_MQUEUE, CGFENCE_OBJECT_ABSTRACT,
};

static int parse_object_kind(struct parser *p, const char **out)
{
	const struct cgf_tok *t = &p->tok;
	char *s;
	size_t i;

	for (i = 0; i < sizeof(object_kinds) / sizeof(object_kinds[0]); i++) {
		if (t->type == CGF_TOK_WORD && pf_is_word(t, object_kinds[i])) {
			s = pf_tok_strdup(p);
			if (!s)
				return -1;
			*out = s;
			return pf_next(p);
		}
	}
	if (t->type == CGF_TOK_WORD && t->len && t->text[t->len - 1] == ':')
		return pf_err(p, t->line, pf_tok_col(t, 0),
			      "unknown object kind (expected unreachable:, pipe:, socket:, anon_inode:, memfd:, nsfs:, mqueue: or abstract:)");
	return 1;
}

int pf_parse_file_rule(struct parser *p, struct cgf_policy_rule *r)
{
	int ret;

	r->kind = CGFENCE_RULE_FILE;
	if (parse_effect(p, r) || parse_file_perms(p, &r->file_perms))
		return -1;
	ret = parse_object_kind(p, &r->path);
	if (ret < 0 ||
	    (ret > 0 && parse_pattern(p, "a path pattern or an object kind after the permissions",
				      false, &r->path)))
		return -1;
	return pf_expect_semi(p, "the file rule");
}

/* The group of an operation decides how its rule is written. */
enum op_shape { SHAPE_NEW, SHAPE_PAIR, SHAPE_TARGET };

static enum op_shape op_shape(uint32_t op)
{
	if (op & CGFENCE_MOUNT_NEW)
		return SHAPE_NEW;
	if (op & CGF_MOUNT_OPS_PAIR)
		return SHAPE_PAIR;
	return SHAPE_TARGET;
}

static const char *const shape_syntax[] = {
	[SHAPE_NEW] = "FSTYPE [SOURCE] -> TARGET",
	[SHAPE_PAIR] = "SOURCE -> TARGET",
	[SHAPE_TARGET] = "TARGET",
};

static uint32_t lowest_op(uint32_t ops)
{
	return ops & ~(ops - 1);
}

static const char *op_name(uint32_t op)
{
	const struct cgf_name_bit *n;

	for (n = cgf_mount_op_names; n->name; n++)
		if (n->bit == op)
			return n->name;
	return "?";
}

/* "bind" or "bind,rbind": operations written the same way may share a rule. */
static int parse_mount_ops(struct parser *p, uint32_t *ops)
{
	const struct cgf_tok *t = &p->tok;
	uint32_t first = 0, bit;
	size_t i = 0, end;
	char q[200];

	*ops = 0;
	while (i <= t->len) {
		for (end = i; end < t->len && t->text[end] != ','; end++)
			;
		bit = cgf_name_bit_find(cgf_mount_op_names, t->text + i, end - i);
		if (!bit) {
			cgf_quote_text(t->text + i, end - i, q, sizeof(q));
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "unknown mount operation %s (expected mount, bind, rbind, move, remount, umount, propagation or pivot_root)",
				      q);
		}
		if (*ops & bit)
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "mount operation '%s' is given twice", op_name(bit));
		if (first && op_shape(first) != op_shape(bit))
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "mount operations '%s' and '%s' cannot share a rule ('%s' takes %s, '%s' takes %s)",
				      op_name(first), op_name(bit), op_name(first),
				      shape_syntax[op_shape(first)], op_name(bit),
				      shape_syntax[op_shape(bit)]);
		if (!first)
			first = bit;
		*ops |= bit;
		i = end + 1;
	}
	return pf_next(p);
}

/* "tmpfs->/tmp" is one word to the lexer; say so rather than judge it as a name. */
static int glued_arrow(struct parser *p)
{
	const struct cgf_tok *t = &p->tok;
	const char *arrow;

	if (t->type != CGF_TOK_WORD || pf_is_word(t, "->"))
		return 0;
	arrow = memmem(t->text, t->len, "->", 2);
	if (!arrow)
		return 0;
	return pf_err(p, t->line, pf_tok_col(t, arrow - t->text),
		      "'->' must stand apart, with a space on each side");
}

static int parse_fstype(struct parser *p, struct cgf_policy_rule *r)
{
	const struct cgf_tok *t = &p->tok;
	const char *why;
	size_t off;
	char q[200];

	if (t->type != CGF_TOK_WORD || pf_is_word(t, "->"))
		return pf_expected(p, "a filesystem type (or '*' for any)");
	if (pf_is_word(t, "*")) {
		r->fstype = NULL;
		return pf_next(p);
	}
	why = cgf_policy_check_fstype(t->text, t->len, &off);
	if (why) {
		cgf_quote_text(t->text, t->len, q, sizeof(q));
		if (glued_arrow(p))
			return -1;
		if (t->text[0] == '/')
			return pf_err(p, t->line, t->col,
				      "expected a filesystem type, found the path %s (a new mount is written 'FSTYPE [SOURCE] -> TARGET', a bind mount 'bind SOURCE -> TARGET')",
				      q);
		return pf_err(p, t->line, pf_tok_col(t, off), "invalid filesystem type %s: %s", q,
			      why);
	}
	r->fstype = pf_tok_strdup(p);
	if (!r->fstype)
		return -1;
	return pf_next(p);
}

static int expect_arrow(struct parser *p, const char *after)
{
	char what[120];

	if (pf_is_word(&p->tok, "->"))
		return pf_next(p);
	if (glued_arrow(p))
		return -1;
	snprintf(what, sizeof(what), "'->' after %s", after);
	return pf_expected(p, what);
}

/* The names people reach for that are the other sense of an option this language has. */
static const struct {
	const char *name;
	const char *hint;
} opt_hints[] = {
	{ "rw", "to forbid read-only, write forbid=ro" },
	{ "suid", "to forbid setuid, write options=nosuid" },
	{ "dev", "to forbid device files, write options=nodev" },
	{ "exec", "to forbid execution, write options=noexec" },
	{ "async", "to forbid synchronous writes, write forbid=sync" },
	{ "atime", "write forbid=noatime" },
	{ "diratime", "write forbid=nodiratime" },
	{ "norelatime", "write forbid=relatime" },
	{ "nostrictatime", "write forbid=strictatime" },
};

static int parse_mount_opts(struct parser *p, size_t start, uint32_t *set, uint32_t other)
{
	const struct cgf_tok *t = &p->tok;
	size_t i = start, end, h;
	uint32_t bit;
	char q[200];

	if (start == t->len)
		return pf_err(p, t->line, pf_tok_col(t, start),
			      "expected mount option names after '=' (no spaces: options=nosuid,nodev)");
	while (i <= t->len) {
		for (end = i; end < t->len && t->text[end] != ','; end++)
			;
		if (end == i)
			return pf_err(p, t->line, pf_tok_col(t, i), "empty mount option name");
		bit = cgf_name_bit_find(cgf_mount_opt_names, t->text + i, end - i);
		if (!bit) {
			cgf_quote_text(t->text + i, end - i, q, sizeof(q));
			for (h = 0; h < ARRAY_SIZE(opt_hints); h++)
				if (strlen(opt_hints[h].name) == end - i &&
				    !memcmp(opt_hints[h].name, t->text + i, end - i))
					return pf_err(p, t->line, pf_tok_col(t, i),
						      "unknown mount option %s (%s)", q,
						      opt_hints[h].hint);
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "unknown mount option %s (expected ro, nosuid, nodev, noexec, noatime, nodiratime, relatime, strictatime or sync)",
				      q);
		}
		cgf_quote_text(t->text + i, end - i, q, sizeof(q));
		if (*set & bit)
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "mount option %s is listed twice", q);
		if (other & bit)
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "mount option %s is both required (options=) and forbidden (forbid=)",
				      q);
		*set |= bit;
		i = end + 1;
	}
	return pf_next(p);
}

static int parse_mount_params(struct parser *p, struct cgf_policy_rule *r)
{
	bool have_opts = false, have_forbid = false;
	const struct cgf_tok *t = &p->tok;
	char found[200];

	for (;;) {
		if (pf_word_has_prefix(t, "options=")) {
			if (have_opts)
				return pf_err(p, t->line, t->col, "'options=' is given twice");
			have_opts = true;
			if (parse_mount_opts(p, strlen("options="), &r->mount_require,
					     r->mount_forbid))
				return -1;
		} else if (pf_word_has_prefix(t, "forbid=")) {
			if (have_forbid)
				return pf_err(p, t->line, t->col, "'forbid=' is given twice");
			have_forbid = true;
			if (parse_mount_opts(p, strlen("forbid="), &r->mount_forbid,
					     r->mount_require))
				return -1;
		} else if (t->type == CGF_TOK_SEMI) {
			return pf_next(p);
		} else if (pf_is_word(t, "options") || pf_is_word(t, "forbid")) {
			return pf_err(p, t->line, t->col,
				      "write the option list right after '=', without spaces: options=nosuid,nodev");
		} else {
			cgf_tok_describe(t, found, sizeof(found));
			if (pf_is_word(t, "->") && op_shape(r->mount_ops) == SHAPE_TARGET)
				return pf_err(p, t->line, t->col,
					      "unexpected '->': '%s' takes only a TARGET",
					      op_name(lowest_op(r->mount_ops)));
			return pf_err(p, p->prev.end_line, p->prev.end_col,
				      "expected 'options=', 'forbid=' or ';' after the mount rule, found %s",
				      found);
		}
	}
}

int pf_parse_mount_rule(struct parser *p, struct cgf_policy_rule *r)
{
	const struct cgf_tok *t = &p->tok;
	enum op_shape shape;

	r->kind = CGFENCE_RULE_MOUNT;
	if (parse_effect(p, r))
		return -1;
	if (t->type != CGF_TOK_WORD || pf_is_word(t, "->"))
		return pf_expected(p, "a mount operation or a filesystem type");
	/* A filesystem type never has a ',', so a list is always operations. */
	if (memchr(t->text, ',', t->len) ||
	    cgf_name_bit_find(cgf_mount_op_names, t->text, t->len)) {
		if (parse_mount_ops(p, &r->mount_ops))
			return -1;
	} else {
		r->mount_ops = CGFENCE_MOUNT_NEW;
	}
	shape = op_shape(r->mount_ops);
	if (shape == SHAPE_NEW) {
		if (parse_fstype(p, r))
			return -1;
		if (!pf_is_word(t, "->")) {
			if (t->type != CGF_TOK_WORD && t->type != CGF_TOK_STRING)
				return pf_expected(p,
						   "a mount source or '->' after the filesystem type");
			if (glued_arrow(p) ||
			    parse_pattern(p, "a mount source", true, &r->source) ||
			    expect_arrow(p, "the mount source"))
				return -1;
		} else if (pf_next(p)) {
			return -1;
		}
	} else if (shape == SHAPE_PAIR) {
		const char *op = op_name(lowest_op(r->mount_ops));
		char what[120];

		if (glued_arrow(p))
			return -1;
		if ((t->type == CGF_TOK_WORD || t->type == CGF_TOK_STRING) &&
		    !pf_is_word(t, "->") && (!t->len || t->text[0] != '/'))
			return pf_err(p, t->line, t->col,
				      "the source of '%s' is a path pattern, starting with '/' (a new mount is written 'mount FSTYPE SOURCE -> TARGET')",
				      op);
		snprintf(what, sizeof(what), "a source path pattern ('%s' takes [SOURCE] -> TARGET)",
			 op);
		/*
		 * The source may be left out: any source. mount(2) hands the module its bind
		 * and move sources as strings it cannot resolve, so only such a rule can allow
		 * them (docs/semantics.md).
		 */
		if (pf_is_word(t, "->")) {
			if (pf_next(p))
				return -1;
		} else if (parse_pattern(p, what, false, &r->source) ||
			   expect_arrow(p, "the mount source")) {
			return -1;
		}
	}
	if (parse_pattern(p, "a target path pattern", false, &r->target))
		return -1;
	return parse_mount_params(p, r);
}

/* A device number: decimal, within the kernel's dev_t split, or '*'. */
static int parse_devnum(struct parser *p, size_t start, size_t end, uint32_t max,
			const char *what, uint32_t *out)
{
	const struct cgf_tok *t = &p->tok;
	unsigned long v = 0;
	char q[200];
	size_t i;

	cgf_quote_text(t->text + start, end - start, q, sizeof(q));
	if (end - start == 1 && t->text[start] == '*') {
		*out = CGFENCE_DEV_ANY;
		return 0;
	}
	if (end == start)
		return pf_err(p, t->line, pf_tok_col(t, start),
			      "expected MAJOR:MINOR, each a number or '*', found an empty device %s",
			      what);
	for (i = start; i < end; i++) {
		if (t->text[i] < '0' || t->text[i] > '9')
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "invalid device %s %s (expected a decimal number or '*')",
				      what, q);
		v = v * 10 + (t->text[i] - '0');
		if (v > max)
			return pf_err(p, t->line, pf_tok_col(t, start),
				      "device %s %s is out of range (0..%u, or '*')", what, q,
				      max);
	}
	*out = v;
	return 0;
}

int pf_parse_device_rule(struct parser *p, struct cgf_policy_rule *r)
{
	static const char letters[] = CGF_DEV_ACCESS_LETTERS;
	const struct cgf_tok *t = &p->tok;
	const char *colon, *pos;
	size_t i, mid;
	uint8_t bit;

	r->kind = CGFENCE_RULE_DEVICE;
	if (parse_effect(p, r))
		return -1;
	if (pf_is_word(t, "c"))
		r->dev_type = CGFENCE_DEV_CHAR;
	else if (pf_is_word(t, "b"))
		r->dev_type = CGFENCE_DEV_BLOCK;
	else if (pf_is_word(t, "*"))
		r->dev_type = CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK;
	else
		return pf_expected(p, "a device type 'c', 'b' or '*'");
	if (pf_next(p))
		return -1;

	colon = t->type == CGF_TOK_WORD ? memchr(t->text, ':', t->len) : NULL;
	if (!colon)
		return pf_expected(p, "MAJOR:MINOR after the device type (each a number or '*')");
	mid = colon - t->text;
	if (parse_devnum(p, 0, mid, CGF_DEV_MAJOR_MAX, "major", &r->dev_major) ||
	    parse_devnum(p, mid + 1, t->len, CGF_DEV_MINOR_MAX, "minor", &r->dev_minor) ||
	    pf_next(p))
		return -1;

	if (t->type != CGF_TOK_WORD)
		return pf_expected(p, "device access letters (from rwm) after MAJOR:MINOR");
	for (i = 0; i < t->len; i++) {
		pos = memchr(letters, t->text[i], sizeof(letters) - 1);
		if (!pos) {
			char q[64];

			cgf_quote_text(t->text + i, 1, q, sizeof(q));
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "unknown device access %s (expected letters from rwm)", q);
		}
		bit = 1u << (pos - letters);
		if (r->dev_access & bit)
			return pf_err(p, t->line, pf_tok_col(t, i),
				      "device access '%c' is given twice", t->text[i]);
		r->dev_access |= bit;
	}
	if (pf_next(p))
		return -1;
	return pf_expect_semi(p, "the device rule");
}

/* "allow OPERATION...;": words from the kernel operations, each once, or "all". */
int pf_parse_kernel_rule(struct parser *p, struct cgf_policy_rule *r)
{
	const struct cgf_tok *t = &p->tok;
	uint32_t bit;
	char q[200];

	r->kind = CGFENCE_RULE_KERNEL;
	if (parse_effect(p, r))
		return -1;
	if (t->type != CGF_TOK_WORD)
		return pf_expected(p, "a kernel operation (" CGF_KERNEL_OP_LIST ")");
	while (t->type == CGF_TOK_WORD) {
		cgf_quote_text(t->text, t->len, q, sizeof(q));
		bit = pf_is_word(t, "all") ? CGFENCE_KERNEL_ALL :
		      cgf_name_bit_find(cgf_kernel_op_names, t->text, t->len);
		if (!bit)
			return pf_err(p, t->line, t->col,
				      "unknown kernel operation %s (expected " CGF_KERNEL_OP_LIST ")", q);
		if (r->kernel_ops & bit)
			return pf_err(p, t->line, t->col,
				      "kernel operation %s is given twice in one rule", q);
		r->kernel_ops |= bit;
		if (pf_next(p))
			return -1;
	}
	return pf_expect_semi(p, "the kernel rule");
}
