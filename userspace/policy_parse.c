// SPDX-License-Identifier: GPL-2.0
/* Parser of the cgfence policy language: syntax, semantic checks, includes, rule expansion. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_int.h"
#include "util.h"

/* Far above any real policy (100,000 rules take about 4 MiB), far below trouble. */
#define POLICY_FILE_MAX	(64 * 1024 * 1024)

/* An include statement, kept until the whole file is read: it may name a later profile. */
struct pf_include {
	const char *name;
	uint8_t kind;		/* 0: every section */
};

struct pf_item {
	bool is_include;
	int line, col;
	union {
		struct cgf_policy_rule rule;
		struct pf_include inc;
	};
};

enum pf_state { PF_NEW, PF_BUSY, PF_DONE };

struct pf_file;

struct pf_profile {
	const char *name;
	struct pf_file *file;
	int line, col;
	uint8_t mode, file_default;
	int mode_line, mode_col, default_line, default_col;
	struct pf_item *items;
	size_t nr_items, cap_items;
	/* The expansion, computed once however often the profile is included. */
	enum pf_state state;
	const struct cgf_policy_rule **rules;
	size_t nr_rules, cap_rules;
};

struct pf_file {
	const char *name;	/* as messages and rule origins show it */
	const char *dir;	/* where its includes are looked up first; NULL: nowhere */
	bool has_id;
	dev_t dev;
	ino_t ino;
	struct pf_profile **profiles;
	size_t nr_profiles, cap_profiles;
	struct pf_file *next;
};

/* Where an include statement stands, for "(included from ...)". */
struct pf_site {
	const char *file;
	int line, col;
};

struct pctx {
	struct cgf_arena *arena;	/* what the result keeps */
	struct cgf_arena scratch;	/* the syntax tree */
	char *err;
	size_t err_len;
	bool failed;
	struct pf_file *files;
	/* Include statements being expanded, outermost first, and the profiles they reached. */
	struct pf_site *sites;
	struct pf_profile **busy;
	size_t nr_sites, nr_busy, cap_stack;
	/* The include statement whose file is being read, not yet on the stack. */
	const struct pf_site *pending;
};

struct parser {
	struct pctx *c;
	struct pf_file *file;
	struct cgf_lexer lx;
	struct cgf_tok tok;
	struct cgf_tok prev;
};

static __printf(3, 4) void err_append(struct pctx *c, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= c->err_len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(c->err + *n, c->err_len - *n, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n += r;
}

static void err_site(struct pctx *c, size_t *n, const struct pf_site *s, bool *first)
{
	err_append(c, n, "%s%s:%d:%d", *first ? " (included from " : ", ", s->file, s->line,
		   s->col);
	*first = false;
}

static void verr(struct pctx *c, const char *file, int line, int col, const char *fmt,
		 va_list ap)
{
	bool first = true;
	size_t n = 0, i;
	int r;

	/* The first error is the one to fix; whatever follows from it is noise. */
	if (c->failed)
		return;
	c->failed = true;
	if (!c->err || !c->err_len)
		return;
	c->err[0] = '\0';
	if (line > 0)
		err_append(c, &n, "%s:%d:%d: error: ", file, line, col);
	else
		err_append(c, &n, "%s: error: ", file);
	if (n < c->err_len) {
		r = vsnprintf(c->err + n, c->err_len - n, fmt, ap);
		if (r > 0)
			n += r;
	}
	if (c->pending)
		err_site(c, &n, c->pending, &first);
	for (i = c->nr_sites; i > 0; i--)
		err_site(c, &n, &c->sites[i - 1], &first);
	if (!first)
		err_append(c, &n, ")");
}

static __printf(5, 6) int perr(struct pctx *c, const char *file, int line, int col,
				const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(c, file, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

static int oom(struct pctx *c, const char *file)
{
	return perr(c, file, 0, 0, "out of memory");
}

/* Grows an array of @size-byte elements to hold one more; false when memory ran out. */
static bool grow(void **array, size_t *cap, size_t nr, size_t size)
{
	size_t new_cap;
	void *p;

	if (nr < *cap)
		return true;
	new_cap = *cap ? *cap * 2 : 16;
	p = realloc(*array, new_cap * size);
	if (!p)
		return false;
	*array = p;
	*cap = new_cap;
	return true;
}

/* ---- syntax ---- */

static __printf(4, 5) int p_error(struct parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(p->c, p->file->name, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

static int next(struct parser *p)
{
	p->prev = p->tok;
	if (cgf_lex_next(&p->lx, &p->tok))
		return p_error(p, p->lx.err_line, p->lx.err_col, "%s", p->lx.err);
	return 0;
}

static bool is_word(const struct cgf_tok *t, const char *w)
{
	return t->type == CGF_TOK_WORD && t->len == strlen(w) && !memcmp(t->text, w, t->len);
}

static bool word_has_prefix(const struct cgf_tok *t, const char *prefix)
{
	size_t n = strlen(prefix);

	return t->type == CGF_TOK_WORD && t->len >= n && !memcmp(t->text, prefix, n);
}

/* Reports "expected WHAT, found TOKEN" at the current token. */
static int err_expected(struct parser *p, const char *what)
{
	char found[200];

	cgf_tok_describe(&p->tok, found, sizeof(found));
	return p_error(p, p->tok.line, p->tok.col, "expected %s, found %s", what, found);
}

/*
 * A missing ';' is reported where it belongs, just past the statement, not at whatever
 * the next line starts with.
 */
static int expect_semi(struct parser *p, const char *after)
{
	char found[200];

	if (p->tok.type == CGF_TOK_SEMI)
		return next(p);
	cgf_tok_describe(&p->tok, found, sizeof(found));
	if (p->prev.type == CGF_TOK_WORD && p->prev.len >= 2 &&
	    !memcmp(p->prev.text + p->prev.len - 2, "\\;", 2))
		return p_error(p, p->prev.end_line, p->prev.end_col - 2,
			       "expected ';' after %s, found %s (the ';' here is escaped by the '\\' before it)",
			       after, found);
	return p_error(p, p->prev.end_line, p->prev.end_col, "expected ';' after %s, found %s",
		       after, found);
}

/* Column of byte @off of the current token's text: a string's text starts after its quote. */
static int tok_col(const struct cgf_tok *t, size_t off)
{
	return t->col + (int)off + (t->type == CGF_TOK_STRING ? 1 : 0);
}

static char *tok_strdup(struct parser *p)
{
	char *s = cgf_arena_strndup(p->c->arena, p->tok.text, p->tok.len);

	if (!s)
		oom(p->c, p->file->name);
	return s;
}

static struct pf_item *new_item(struct parser *p, struct pf_profile *prof, bool is_include)
{
	struct pf_item *it;

	if (!grow((void **)&prof->items, &prof->cap_items, prof->nr_items, sizeof(*it))) {
		oom(p->c, p->file->name);
		return NULL;
	}
	it = &prof->items[prof->nr_items++];
	memset(it, 0, sizeof(*it));
	it->is_include = is_include;
	return it;
}

static int parse_include(struct parser *p, struct pf_profile *prof, uint8_t kind)
{
	int line = p->tok.line, col = p->tok.col;
	struct pf_item *it;
	const char *why;
	char q[200];
	size_t off;

	if (next(p))
		return -1;
	if (p->tok.type != CGF_TOK_WORD)
		return err_expected(p, "a profile name after 'include'");
	why = cgf_policy_check_profile_name(p->tok.text, p->tok.len, &off);
	if (why) {
		cgf_quote_text(p->tok.text, p->tok.len, q, sizeof(q));
		return p_error(p, p->tok.line, tok_col(&p->tok, off), "invalid profile name %s: %s",
			       q, why);
	}
	it = new_item(p, prof, true);
	if (!it)
		return -1;
	it->line = line;
	it->col = col;
	it->inc.kind = kind;
	it->inc.name = tok_strdup(p);
	if (!it->inc.name || next(p))
		return -1;
	return expect_semi(p, "'include NAME'");
}

static int parse_effect(struct parser *p, struct cgf_policy_rule *r)
{
	r->effect = is_word(&p->tok, "allow") ? CGFENCE_EFFECT_ALLOW : CGFENCE_EFFECT_DENY;
	r->src_file = p->file->name;
	r->src_line = p->tok.line;
	r->src_col = p->tok.col;
	return next(p);
}

/* A path pattern, or for a mount source (@name_ok) also a device or filesystem name. */
static int parse_pattern(struct parser *p, const char *what, bool name_ok, const char **out)
{
	const struct cgf_tok *t = &p->tok;
	const char *why;
	size_t off;
	char *s;

	if ((t->type != CGF_TOK_WORD && t->type != CGF_TOK_STRING) ||
	    (t->type == CGF_TOK_WORD && is_word(t, "->")))
		return err_expected(p, what);
	/*
	 * The lexer ends a word at '{'; one right behind a pattern is an attempt at
	 * alternation ("/etc/{a,b}"), which would otherwise be reported as a missing ';'.
	 */
	if (t->type == CGF_TOK_WORD && p->lx.pos < p->lx.len && p->lx.buf[p->lx.pos] == '{')
		return p_error(p, p->lx.line, p->lx.col,
			       "'{' in a pattern: there is no alternation, write one rule per path (to match a '{', escape it as '\\{' or quote the pattern)");
	if (name_ok && (!t->len || t->text[0] != '/'))
		why = cgf_policy_check_source_name(t->text, t->len, &off);
	else
		why = cgf_policy_check_path_pattern(t->text, t->len, &off);
	if (why)
		return p_error(p, t->line, tok_col(t, off), "%s", why);
	s = tok_strdup(p);
	if (!s)
		return -1;
	*out = s;
	return next(p);
}

static int parse_file_perms(struct parser *p, uint32_t *perms)
{
	static const char letters[] = CGF_FILE_PERM_LETTERS;
	const struct cgf_tok *t = &p->tok;
	const char *pos;
	uint32_t bit;
	size_t i;

	if (t->type != CGF_TOK_WORD || (t->len && t->text[0] == '/') || is_word(t, "->"))
		return err_expected(p,
				    "file permissions (letters from rwaxcdnlst, or 'all') before the pattern");
	if (is_word(t, "all")) {
		*perms = CGFENCE_FILE_ALL;
		return next(p);
	}
	*perms = 0;
	for (i = 0; i < t->len; i++) {
		pos = memchr(letters, t->text[i], sizeof(letters) - 1);
		if (!pos) {
			char q[64];

			cgf_quote_text(t->text + i, 1, q, sizeof(q));
			return p_error(p, t->line, tok_col(t, i),
				       "unknown file permission %s (expected letters from rwaxcdnlst, or 'all')",
				       q);
		}
		bit = 1u << (pos - letters);
		if (*perms & bit)
			return p_error(p, t->line, tok_col(t, i),
				       "file permission '%c' is given twice", t->text[i]);
		*perms |= bit;
	}
	/* Writing includes appending, so a deny of 'w' cannot be side-stepped with O_APPEND. */
	if (*perms & CGFENCE_FILE_WRITE)
		*perms |= CGFENCE_FILE_APPEND;
	return next(p);
}

/* Objects with no nameable path are judged by kind (see CGFENCE_OBJECT_* in the uapi). */
static const char *const object_kinds[] = {
	CGFENCE_OBJECT_UNREACHABLE, CGFENCE_OBJECT_PIPE, CGFENCE_OBJECT_SOCKET,
	CGFENCE_OBJECT_ANON_INODE, CGFENCE_OBJECT_MEMFD,
};

static int parse_object_kind(struct parser *p, const char **out)
{
	const struct cgf_tok *t = &p->tok;
	char *s;
	size_t i;

	for (i = 0; i < sizeof(object_kinds) / sizeof(object_kinds[0]); i++) {
		if (t->type == CGF_TOK_WORD && is_word(t, object_kinds[i])) {
			s = tok_strdup(p);
			if (!s)
				return -1;
			*out = s;
			return next(p);
		}
	}
	if (t->type == CGF_TOK_WORD && t->len && t->text[t->len - 1] == ':')
		return p_error(p, t->line, tok_col(t, 0),
			       "unknown object kind (expected unreachable:, pipe:, socket:, anon_inode: or memfd:)");
	return 1;
}

static int parse_file_rule(struct parser *p, struct cgf_policy_rule *r)
{
	int ret;

	r->kind = CGFENCE_RULE_FILE;
	if (parse_effect(p, r) || parse_file_perms(p, &r->file_perms))
		return -1;
	ret = parse_object_kind(p, &r->path);
	if (ret < 0 || (ret > 0 && parse_pattern(p, "a path pattern or an object kind after the permissions",
						  false, &r->path)))
		return -1;
	return expect_semi(p, "the file rule");
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
			return p_error(p, t->line, tok_col(t, i),
				       "unknown mount operation %s (expected mount, bind, rbind, move, remount, umount, propagation or pivot_root)",
				       q);
		}
		if (*ops & bit)
			return p_error(p, t->line, tok_col(t, i),
				       "mount operation '%s' is given twice", op_name(bit));
		if (first && op_shape(first) != op_shape(bit))
			return p_error(p, t->line, tok_col(t, i),
				       "mount operations '%s' and '%s' cannot share a rule ('%s' takes %s, '%s' takes %s)",
				       op_name(first), op_name(bit), op_name(first),
				       shape_syntax[op_shape(first)], op_name(bit),
				       shape_syntax[op_shape(bit)]);
		if (!first)
			first = bit;
		*ops |= bit;
		i = end + 1;
	}
	return next(p);
}

/* "tmpfs->/tmp" is one word to the lexer; say so rather than judge it as a name. */
static int glued_arrow(struct parser *p)
{
	const struct cgf_tok *t = &p->tok;
	const char *arrow;

	if (t->type != CGF_TOK_WORD || is_word(t, "->"))
		return 0;
	arrow = memmem(t->text, t->len, "->", 2);
	if (!arrow)
		return 0;
	return p_error(p, t->line, tok_col(t, arrow - t->text),
		       "'->' must stand apart, with a space on each side");
}

static int parse_fstype(struct parser *p, struct cgf_policy_rule *r)
{
	const struct cgf_tok *t = &p->tok;
	const char *why;
	size_t off;
	char q[200];

	if (t->type != CGF_TOK_WORD || is_word(t, "->"))
		return err_expected(p, "a filesystem type (or '*' for any)");
	if (is_word(t, "*")) {
		r->fstype = NULL;
		return next(p);
	}
	why = cgf_policy_check_fstype(t->text, t->len, &off);
	if (why) {
		cgf_quote_text(t->text, t->len, q, sizeof(q));
		if (glued_arrow(p))
			return -1;
		if (t->text[0] == '/')
			return p_error(p, t->line, t->col,
				       "expected a filesystem type, found the path %s (a new mount is written 'FSTYPE [SOURCE] -> TARGET', a bind mount 'bind SOURCE -> TARGET')",
				       q);
		return p_error(p, t->line, tok_col(t, off), "invalid filesystem type %s: %s", q,
			       why);
	}
	r->fstype = tok_strdup(p);
	if (!r->fstype)
		return -1;
	return next(p);
}

static int expect_arrow(struct parser *p, const char *after)
{
	char what[120];

	if (is_word(&p->tok, "->"))
		return next(p);
	if (glued_arrow(p))
		return -1;
	snprintf(what, sizeof(what), "'->' after %s", after);
	return err_expected(p, what);
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
		return p_error(p, t->line, tok_col(t, start),
			       "expected mount option names after '=' (no spaces: options=nosuid,nodev)");
	while (i <= t->len) {
		for (end = i; end < t->len && t->text[end] != ','; end++)
			;
		if (end == i)
			return p_error(p, t->line, tok_col(t, i), "empty mount option name");
		bit = cgf_name_bit_find(cgf_mount_opt_names, t->text + i, end - i);
		if (!bit) {
			cgf_quote_text(t->text + i, end - i, q, sizeof(q));
			for (h = 0; h < ARRAY_SIZE(opt_hints); h++)
				if (strlen(opt_hints[h].name) == end - i &&
				    !memcmp(opt_hints[h].name, t->text + i, end - i))
					return p_error(p, t->line, tok_col(t, i),
						       "unknown mount option %s (%s)", q,
						       opt_hints[h].hint);
			return p_error(p, t->line, tok_col(t, i),
				       "unknown mount option %s (expected ro, nosuid, nodev, noexec, noatime, nodiratime, relatime, strictatime or sync)",
				       q);
		}
		cgf_quote_text(t->text + i, end - i, q, sizeof(q));
		if (*set & bit)
			return p_error(p, t->line, tok_col(t, i),
				       "mount option %s is listed twice", q);
		if (other & bit)
			return p_error(p, t->line, tok_col(t, i),
				       "mount option %s is both required (options=) and forbidden (forbid=)",
				       q);
		*set |= bit;
		i = end + 1;
	}
	return next(p);
}

static int parse_mount_params(struct parser *p, struct cgf_policy_rule *r)
{
	bool have_opts = false, have_forbid = false;
	const struct cgf_tok *t = &p->tok;
	char found[200];

	for (;;) {
		if (word_has_prefix(t, "options=")) {
			if (have_opts)
				return p_error(p, t->line, t->col, "'options=' is given twice");
			have_opts = true;
			if (parse_mount_opts(p, strlen("options="), &r->mount_require,
					     r->mount_forbid))
				return -1;
		} else if (word_has_prefix(t, "forbid=")) {
			if (have_forbid)
				return p_error(p, t->line, t->col, "'forbid=' is given twice");
			have_forbid = true;
			if (parse_mount_opts(p, strlen("forbid="), &r->mount_forbid,
					     r->mount_require))
				return -1;
		} else if (t->type == CGF_TOK_SEMI) {
			return next(p);
		} else if (is_word(t, "options") || is_word(t, "forbid")) {
			return p_error(p, t->line, t->col,
				       "write the option list right after '=', without spaces: options=nosuid,nodev");
		} else {
			cgf_tok_describe(t, found, sizeof(found));
			if (is_word(t, "->") && op_shape(r->mount_ops) == SHAPE_TARGET)
				return p_error(p, t->line, t->col,
					       "unexpected '->': '%s' takes only a TARGET",
					       op_name(lowest_op(r->mount_ops)));
			return p_error(p, p->prev.end_line, p->prev.end_col,
				       "expected 'options=', 'forbid=' or ';' after the mount rule, found %s",
				       found);
		}
	}
}

static int parse_mount_rule(struct parser *p, struct cgf_policy_rule *r)
{
	const struct cgf_tok *t = &p->tok;
	enum op_shape shape;

	r->kind = CGFENCE_RULE_MOUNT;
	if (parse_effect(p, r))
		return -1;
	if (t->type != CGF_TOK_WORD || is_word(t, "->"))
		return err_expected(p, "a mount operation or a filesystem type");
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
		if (!is_word(t, "->")) {
			if (t->type != CGF_TOK_WORD && t->type != CGF_TOK_STRING)
				return err_expected(p,
						    "a mount source or '->' after the filesystem type");
			if (glued_arrow(p) ||
			    parse_pattern(p, "a mount source", true, &r->source) ||
			    expect_arrow(p, "the mount source"))
				return -1;
		} else if (next(p)) {
			return -1;
		}
	} else if (shape == SHAPE_PAIR) {
		const char *op = op_name(lowest_op(r->mount_ops));
		char what[120];

		if (glued_arrow(p))
			return -1;
		if ((t->type == CGF_TOK_WORD || t->type == CGF_TOK_STRING) && !is_word(t, "->") &&
		    (!t->len || t->text[0] != '/'))
			return p_error(p, t->line, t->col,
				       "the source of '%s' is a path pattern, starting with '/' (a new mount is written 'mount FSTYPE SOURCE -> TARGET')",
				       op);
		snprintf(what, sizeof(what), "a source path pattern ('%s' takes [SOURCE] -> TARGET)",
			 op);
		/*
		 * The source may be left out: any source. mount(2) hands the module its bind
		 * and move sources as strings it cannot resolve, so only such a rule can allow
		 * them (docs/semantics.md).
		 */
		if (is_word(t, "->")) {
			if (next(p))
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
		return p_error(p, t->line, tok_col(t, start),
			       "expected MAJOR:MINOR, each a number or '*', found an empty device %s",
			       what);
	for (i = start; i < end; i++) {
		if (t->text[i] < '0' || t->text[i] > '9')
			return p_error(p, t->line, tok_col(t, i),
				       "invalid device %s %s (expected a decimal number or '*')",
				       what, q);
		v = v * 10 + (t->text[i] - '0');
		if (v > max)
			return p_error(p, t->line, tok_col(t, start),
				       "device %s %s is out of range (0..%u, or '*')", what, q,
				       max);
	}
	*out = v;
	return 0;
}

static int parse_device_rule(struct parser *p, struct cgf_policy_rule *r)
{
	static const char letters[] = CGF_DEV_ACCESS_LETTERS;
	const struct cgf_tok *t = &p->tok;
	const char *colon, *pos;
	size_t i, mid;
	uint8_t bit;

	r->kind = CGFENCE_RULE_DEVICE;
	if (parse_effect(p, r))
		return -1;
	if (is_word(t, "c"))
		r->dev_type = CGFENCE_DEV_CHAR;
	else if (is_word(t, "b"))
		r->dev_type = CGFENCE_DEV_BLOCK;
	else if (is_word(t, "*"))
		r->dev_type = CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK;
	else
		return err_expected(p, "a device type 'c', 'b' or '*'");
	if (next(p))
		return -1;

	colon = t->type == CGF_TOK_WORD ? memchr(t->text, ':', t->len) : NULL;
	if (!colon)
		return err_expected(p, "MAJOR:MINOR after the device type (each a number or '*')");
	mid = colon - t->text;
	if (parse_devnum(p, 0, mid, CGF_DEV_MAJOR_MAX, "major", &r->dev_major) ||
	    parse_devnum(p, mid + 1, t->len, CGF_DEV_MINOR_MAX, "minor", &r->dev_minor) ||
	    next(p))
		return -1;

	if (t->type != CGF_TOK_WORD)
		return err_expected(p, "device access letters (from rwm) after MAJOR:MINOR");
	for (i = 0; i < t->len; i++) {
		pos = memchr(letters, t->text[i], sizeof(letters) - 1);
		if (!pos) {
			char q[64];

			cgf_quote_text(t->text + i, 1, q, sizeof(q));
			return p_error(p, t->line, tok_col(t, i),
				       "unknown device access %s (expected letters from rwm)", q);
		}
		bit = 1u << (pos - letters);
		if (r->dev_access & bit)
			return p_error(p, t->line, tok_col(t, i),
				       "device access '%c' is given twice", t->text[i]);
		r->dev_access |= bit;
	}
	if (next(p))
		return -1;
	return expect_semi(p, "the device rule");
}

/* "allow OPERATION...;": words from the kernel operations, each once, or "all" alone. */
static int parse_kernel_rule(struct parser *p, struct cgf_policy_rule *r)
{
	const struct cgf_tok *t = &p->tok;
	uint32_t bit;
	char q[200];

	r->kind = CGFENCE_RULE_KERNEL;
	if (parse_effect(p, r))
		return -1;
	if (t->type != CGF_TOK_WORD)
		return err_expected(p, "a kernel operation (module, kexec, reboot, bpf, perf, lockdown, quota, fanotify, tty_inject, ptrace, signal, syslog, time, sched or all)");
	while (t->type == CGF_TOK_WORD) {
		cgf_quote_text(t->text, t->len, q, sizeof(q));
		bit = is_word(t, "all") ? CGFENCE_KERNEL_ALL :
		      cgf_name_bit_find(cgf_kernel_op_names, t->text, t->len);
		if (!bit)
			return p_error(p, t->line, t->col,
				       "unknown kernel operation %s (expected module, kexec, reboot, bpf, perf, lockdown, quota, fanotify, tty_inject, ptrace, signal, syslog, time, sched or all)",
				       q);
		if (r->kernel_ops & bit)
			return p_error(p, t->line, t->col,
				       "kernel operation %s is given twice in one rule", q);
		r->kernel_ops |= bit;
		if (next(p))
			return -1;
	}
	return expect_semi(p, "the kernel rule");
}

static int parse_section(struct parser *p, struct pf_profile *prof, uint8_t kind)
{
	const char *name = cgf_policy_kind_name(kind);
	int line = p->tok.line, col = p->tok.col;
	struct pf_item *it;
	char what[200];
	int ret;

	if (next(p))
		return -1;
	if (p->tok.type != CGF_TOK_LBRACE) {
		snprintf(what, sizeof(what), "'{' after '%s'", name);
		return err_expected(p, what);
	}
	if (next(p))
		return -1;
	for (;;) {
		if (p->tok.type == CGF_TOK_RBRACE)
			return next(p);
		if (p->tok.type == CGF_TOK_EOF) {
			snprintf(what, sizeof(what),
				 "'}' to close the %s section (opened at %d:%d)", name, line, col);
			return err_expected(p, what);
		}
		if (is_word(&p->tok, "include")) {
			ret = parse_include(p, prof, kind);
		} else if (is_word(&p->tok, "allow") || is_word(&p->tok, "deny")) {
			it = new_item(p, prof, false);
			if (!it)
				return -1;
			it->line = p->tok.line;
			it->col = p->tok.col;
			if (kind == CGFENCE_RULE_FILE)
				ret = parse_file_rule(p, &it->rule);
			else if (kind == CGFENCE_RULE_MOUNT)
				ret = parse_mount_rule(p, &it->rule);
			else if (kind == CGFENCE_RULE_DEVICE)
				ret = parse_device_rule(p, &it->rule);
			else
				ret = parse_kernel_rule(p, &it->rule);
		} else {
			snprintf(what, sizeof(what),
				 "'allow', 'deny', 'include' or '}' in the %s section", name);
			return err_expected(p, what);
		}
		if (ret)
			return -1;
	}
}

/* "mode enforce;" and "default deny;": a keyword, one of two values, once per profile. */
static int parse_setting(struct parser *p, struct pf_profile *prof, const char *key,
			 const char *v1, uint8_t val1, const char *v2, uint8_t val2,
			 uint8_t *value, int *set_line, int *set_col)
{
	int line = p->tok.line, col = p->tok.col;
	char what[120];

	if (*value)
		return p_error(p, line, col, "'%s' is already set for profile '%s' (at %d:%d)",
			       key, prof->name, *set_line, *set_col);
	if (next(p))
		return -1;
	if (is_word(&p->tok, v1)) {
		*value = val1;
	} else if (is_word(&p->tok, v2)) {
		*value = val2;
	} else {
		snprintf(what, sizeof(what), "'%s' or '%s' after '%s'", v1, v2, key);
		return err_expected(p, what);
	}
	*set_line = line;
	*set_col = col;
	snprintf(what, sizeof(what), "'%s %s'", key, *value == val1 ? v1 : v2);
	if (next(p))
		return -1;
	return expect_semi(p, what);
}

static struct pf_profile *find_profile(struct pf_file *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nr_profiles; i++)
		if (!strcmp(f->profiles[i]->name, name))
			return f->profiles[i];
	return NULL;
}

static int parse_profile(struct parser *p)
{
	struct pf_file *f = p->file;
	struct pf_profile *prof, *dup;
	int line = p->tok.line, col = p->tok.col;
	const char *why;
	char q[200], what[200];
	size_t off;
	int ret;

	if (f->nr_profiles == CGFENCE_MAX_PROFILES)
		return p_error(p, line, col, "more than %d profiles in one file",
			       CGFENCE_MAX_PROFILES);
	if (next(p))
		return -1;
	if (p->tok.type != CGF_TOK_WORD)
		return err_expected(p, "a profile name after 'profile'");
	why = cgf_policy_check_profile_name(p->tok.text, p->tok.len, &off);
	if (why) {
		cgf_quote_text(p->tok.text, p->tok.len, q, sizeof(q));
		return p_error(p, p->tok.line, tok_col(&p->tok, off), "invalid profile name %s: %s",
			       q, why);
	}
	prof = cgf_arena_alloc(&p->c->scratch, sizeof(*prof));
	if (!prof)
		return oom(p->c, f->name);
	prof->name = tok_strdup(p);
	if (!prof->name)
		return -1;
	dup = find_profile(f, prof->name);
	if (dup)
		return p_error(p, p->tok.line, p->tok.col,
			       "profile '%s' is already defined at %s:%d:%d", prof->name, f->name,
			       dup->line, dup->col);
	prof->file = f;
	prof->line = line;
	prof->col = col;
	if (!grow((void **)&f->profiles, &f->cap_profiles, f->nr_profiles, sizeof(prof)))
		return oom(p->c, f->name);
	f->profiles[f->nr_profiles++] = prof;

	if (next(p))
		return -1;
	if (p->tok.type != CGF_TOK_LBRACE) {
		snprintf(what, sizeof(what), "'{' after 'profile %s'", prof->name);
		return err_expected(p, what);
	}
	if (next(p))
		return -1;
	for (;;) {
		const struct cgf_tok *t = &p->tok;

		if (t->type == CGF_TOK_RBRACE)
			break;
		if (t->type == CGF_TOK_EOF) {
			snprintf(what, sizeof(what), "'}' to close profile '%s' (opened at %d:%d)",
				 prof->name, line, col);
			return err_expected(p, what);
		}
		if (is_word(t, "mode")) {
			ret = parse_setting(p, prof, "mode", "enforce", CGFENCE_MODE_ENFORCE,
					    "complain", CGFENCE_MODE_COMPLAIN, &prof->mode,
					    &prof->mode_line, &prof->mode_col);
		} else if (is_word(t, "default")) {
			ret = parse_setting(p, prof, "default", "allow", CGFENCE_EFFECT_ALLOW,
					    "deny", CGFENCE_EFFECT_DENY, &prof->file_default,
					    &prof->default_line, &prof->default_col);
		} else if (is_word(t, "include")) {
			ret = parse_include(p, prof, 0);
		} else if (is_word(t, "file")) {
			ret = parse_section(p, prof, CGFENCE_RULE_FILE);
		} else if (is_word(t, "mount")) {
			ret = parse_section(p, prof, CGFENCE_RULE_MOUNT);
		} else if (is_word(t, "device")) {
			ret = parse_section(p, prof, CGFENCE_RULE_DEVICE);
		} else if (is_word(t, "kernel")) {
			ret = parse_section(p, prof, CGFENCE_RULE_KERNEL);
		} else if (is_word(t, "allow") || is_word(t, "deny")) {
			return p_error(p, t->line, t->col,
				       "a rule belongs in a 'file { }', 'mount { }', 'device { }' or 'kernel { }' section");
		} else {
			snprintf(what, sizeof(what),
				 "'mode', 'default', 'include', 'file', 'mount', 'device', 'kernel' or '}' in profile '%s'",
				 prof->name);
			return err_expected(p, what);
		}
		if (ret)
			return -1;
	}
	/* Enforcing by accident is as bad as complaining by accident: it is never implied. */
	if (!prof->mode)
		return p_error(p, line, col,
			       "profile '%s' has no 'mode' statement (add 'mode enforce;' or 'mode complain;')",
			       prof->name);
	if (!prof->file_default)
		prof->file_default = CGFENCE_EFFECT_DENY;
	return next(p);
}

static int parse_text(struct pctx *c, struct pf_file *f, const char *text, size_t len)
{
	struct parser p = { .c = c, .file = f };

	cgf_lex_init(&p.lx, text, len);
	if (next(&p))
		return -1;
	while (p.tok.type != CGF_TOK_EOF) {
		if (!is_word(&p.tok, "profile"))
			return err_expected(&p, "'profile'");
		if (parse_profile(&p))
			return -1;
	}
	if (!f->nr_profiles)
		return err_expected(&p, "'profile' (a policy file defines at least one profile)");
	return 0;
}

/* ---- files ---- */

static struct pf_file *new_file(struct pctx *c, const char *name, const char *dir)
{
	struct pf_file *f = cgf_arena_alloc(&c->scratch, sizeof(*f));

	if (!f)
		goto fail;
	f->name = cgf_arena_strndup(c->arena, name, strlen(name));
	f->dir = dir ? cgf_arena_strndup(&c->scratch, dir, strlen(dir)) : NULL;
	if (!f->name || (dir && !f->dir))
		goto fail;
	f->next = c->files;
	c->files = f;
	return f;
fail:
	oom(c, name);
	return NULL;
}

/* The directory part of @path as written: "" for a bare file name. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup("");
	if (slash == path)
		return strdup("/");
	return strndup(path, slash - path);
}

static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL, *bigger;
	ssize_t r;

	for (;;) {
		if (n == cap) {
			if (cap >= POLICY_FILE_MAX) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 16384;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				return -ENOMEM;
			}
			buf = bigger;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			return r;
		}
		if (!r)
			break;
		n += r;
	}
	*text = buf;
	*len = n;
	return 0;
}

/*
 * Reads and parses an open file, or returns the one already parsed when @fd is a file
 * seen before: a file included twice is one file, and the main file included from
 * elsewhere is the main file again, which is what makes a cycle through it visible.
 */
static int load_fd(struct pctx *c, int fd, const char *name, struct pf_file **out)
{
	struct pf_file *f;
	char *text = NULL, *dir;
	struct stat st;
	size_t len = 0;
	int ret;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	for (f = c->files; f; f = f->next) {
		if (f->has_id && f->dev == st.st_dev && f->ino == st.st_ino) {
			*out = f;
			return 0;
		}
	}
	ret = read_all(fd, &text, &len);
	if (ret)
		return ret;
	dir = dir_of(name);
	f = dir ? new_file(c, name, dir) : NULL;
	free(dir);
	if (!f) {
		free(text);
		return c->failed ? -EINVAL : -ENOMEM;
	}
	/* Only a regular file has a stable identity: a pipe read twice is two texts. */
	f->has_id = S_ISREG(st.st_mode);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	ret = parse_text(c, f, text, len);
	free(text);
	*out = f;
	return ret ? -EINVAL : 0;
}

/* Opens and loads @path; -ENOENT is left for the caller to report or to look further. */
static int load_path(struct pctx *c, const char *path, struct pf_file **out)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = load_fd(c, fd, path, out);
	close(fd);
	return ret;
}

static int cannot_read(struct pctx *c, const char *path, int err)
{
	if (err == -ENOMEM)
		return oom(c, path);
	return perr(c, path, 0, 0, "cannot read: %s", strerror(-err));
}

/* ---- includes ---- */

struct search_path {
	char **dirs;
	size_t nr;
};

static void search_path_free(struct search_path *sp)
{
	size_t i;

	for (i = 0; i < sp->nr; i++)
		free(sp->dirs[i]);
	free(sp->dirs);
}

static int search_path_add(struct search_path *sp, const char *dir, size_t len)
{
	char **dirs;
	size_t i;

	/* A directory listed twice would only be searched, and named in errors, twice. */
	for (i = 0; i < sp->nr; i++)
		if (strlen(sp->dirs[i]) == len && !memcmp(sp->dirs[i], dir, len))
			return 0;
	dirs = realloc(sp->dirs, (sp->nr + 1) * sizeof(*dirs));
	if (!dirs)
		return -1;
	sp->dirs = dirs;
	sp->dirs[sp->nr] = strndup(dir, len);
	if (!sp->dirs[sp->nr])
		return -1;
	sp->nr++;
	return 0;
}

/* The including file's directory, then CGFENCE_POLICY_PATH, then the system directory. */
static int search_path_build(struct search_path *sp, const struct pf_file *from)
{
	const char *env = getenv(CGF_POLICY_PATH_ENV);
	const char *s, *colon;

	memset(sp, 0, sizeof(*sp));
	if (from->dir && search_path_add(sp, from->dir, strlen(from->dir)))
		return -1;
	for (s = env; s && *s; s = colon + 1) {
		colon = strchrnul(s, ':');
		/* An empty entry would mean the current directory by accident; skip it. */
		if (colon > s && search_path_add(sp, s, colon - s))
			return -1;
		if (!*colon)
			break;
	}
	return search_path_add(sp, CGF_POLICY_SYSTEM_DIR, strlen(CGF_POLICY_SYSTEM_DIR));
}

static char *include_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	char *path;

	if (asprintf(&path, "%s%s%s%s", dir, dl && dir[dl - 1] != '/' ? "/" : "", name,
		     CGF_POLICY_SUFFIX) < 0)
		return NULL;
	return path;
}

static int resolve_in_path(struct pctx *c, const struct pf_profile *from,
			   const struct pf_item *it, struct pf_profile **out)
{
	const char *name = it->inc.name;
	struct pf_site site = { from->file->name, it->line, it->col };
	struct search_path sp;
	struct pf_file *f = NULL;
	char *path = NULL, *list = NULL;
	size_t i, n = 0;
	int ret = -ENOENT;

	if (search_path_build(&sp, from->file))
		goto nomem;
	for (i = 0; i < sp.nr && ret == -ENOENT; i++) {
		free(path);
		path = include_path(sp.dirs[i], name);
		if (!path)
			goto nomem;
		c->pending = &site;
		ret = load_path(c, path, &f);
		if (ret && ret != -ENOENT && ret != -ENOTDIR && !c->failed)
			cannot_read(c, path, ret);
		c->pending = NULL;
		if (ret == -ENOTDIR)
			ret = -ENOENT;
	}
	if (!ret) {
		*out = find_profile(f, name);
		if (!*out)
			perr(c, from->file->name, it->line, it->col,
			     "%s does not define profile '%s'", path, name);
	} else if (ret == -ENOENT) {
		for (i = 0; i < sp.nr; i++)
			n += strlen(sp.dirs[i]) + 2;
		list = calloc(1, n + 1);
		if (!list)
			goto nomem;
		for (i = 0; i < sp.nr; i++) {
			strcat(list, i ? ", " : "");
			strcat(list, sp.dirs[i][0] ? sp.dirs[i] : ".");
		}
		perr(c, from->file->name, it->line, it->col,
		     "no profile '%s' in %s, and no %s%s in the search path (%s)", name,
		     from->file->name, name, CGF_POLICY_SUFFIX, list);
	}
	free(list);
	free(path);
	search_path_free(&sp);
	return c->failed ? -1 : 0;
nomem:
	free(path);
	search_path_free(&sp);
	return oom(c, from->file->name);
}

/* A profile of the same file wins over any file: a file's meaning never depends on $PATHs. */
static int resolve(struct pctx *c, const struct pf_profile *from, const struct pf_item *it,
		   struct pf_profile **out)
{
	*out = find_profile(from->file, it->inc.name);
	if (*out)
		return 0;
	return resolve_in_path(c, from, it, out);
}

static int cycle_error(struct pctx *c, const struct pf_profile *from, const struct pf_item *it,
		       const struct pf_profile *target)
{
	bool files_differ = false;
	size_t i, start = 0, n = 0, len = 0;
	char *chain;

	if (target == from)
		return perr(c, from->file->name, it->line, it->col,
			    "profile '%s' includes itself", from->name);
	for (i = 0; i < c->nr_busy; i++) {
		if (c->busy[i] == target)
			start = i;
		if (c->busy[i]->file != target->file)
			files_differ = true;
	}
	for (i = start; i < c->nr_busy; i++)
		len += strlen(c->busy[i]->name) + strlen(c->busy[i]->file->name) + 8;
	len += strlen(target->name) + strlen(target->file->name) + 8;
	chain = malloc(len);
	if (!chain)
		return oom(c, from->file->name);
	for (i = start; i <= c->nr_busy; i++) {
		const struct pf_profile *pr = i < c->nr_busy ? c->busy[i] : target;

		n += sprintf(chain + n, "%s%s", i > start ? " -> " : "", pr->name);
		if (files_differ)
			n += sprintf(chain + n, " (%s)", pr->file->name);
	}
	perr(c, from->file->name, it->line, it->col, "include cycle: %s", chain);
	free(chain);
	return -1;
}

static bool push(struct pctx *c, struct pf_profile *prof, const struct pf_site *site)
{
	size_t need = c->nr_busy + 1;

	if (need > c->cap_stack) {
		size_t cap = c->cap_stack ? c->cap_stack * 2 : 16;
		struct pf_profile **busy = realloc(c->busy, cap * sizeof(*busy));
		struct pf_site *sites;

		if (!busy)
			return false;
		c->busy = busy;
		sites = realloc(c->sites, cap * sizeof(*sites));
		if (!sites)
			return false;
		c->sites = sites;
		c->cap_stack = cap;
	}
	c->busy[c->nr_busy++] = prof;
	if (site)
		c->sites[c->nr_sites++] = *site;
	return true;
}

static int add_rule(struct pctx *c, struct pf_profile *prof, const struct pf_item *it,
		    const struct cgf_policy_rule *rule)
{
	if (prof->nr_rules == CGFENCE_MAX_RULES)
		return perr(c, prof->file->name, it->line, it->col,
			    "profile '%s' has more than %d rules, the limit per profile (counted after include expansion)",
			    prof->name, CGFENCE_MAX_RULES);
	if (!grow((void **)&prof->rules, &prof->cap_rules, prof->nr_rules, sizeof(rule)))
		return oom(c, prof->file->name);
	prof->rules[prof->nr_rules++] = rule;
	return 0;
}

/*
 * Flattens @prof into its rule list, recursively and once. A profile reached again while
 * it is still being flattened is a cycle, however harmless the sections involved.
 */
static int expand(struct pctx *c, struct pf_profile *prof, const struct pf_site *site)
{
	struct pf_profile *target;
	struct pf_item *it;
	size_t i, j;

	if (prof->state == PF_DONE)
		return 0;
	prof->state = PF_BUSY;
	if (!push(c, prof, site))
		return oom(c, prof->file->name);
	for (i = 0; i < prof->nr_items; i++) {
		it = &prof->items[i];
		if (!it->is_include) {
			if (add_rule(c, prof, it, &it->rule))
				return -1;
			continue;
		}
		if (resolve(c, prof, it, &target))
			return -1;
		if (target->state == PF_BUSY)
			return cycle_error(c, prof, it, target);
		if (target->state != PF_DONE) {
			struct pf_site here = { prof->file->name, it->line, it->col };

			if (expand(c, target, &here))
				return -1;
		}
		for (j = 0; j < target->nr_rules; j++) {
			if (it->inc.kind && target->rules[j]->kind != it->inc.kind)
				continue;
			if (add_rule(c, prof, it, target->rules[j]))
				return -1;
		}
	}
	c->nr_busy--;
	if (site)
		c->nr_sites--;
	prof->state = PF_DONE;
	return 0;
}

/* ---- the result ---- */

static int build_result(struct pctx *c, const struct pf_file *main_file, struct cgf_policy *out)
{
	struct cgf_policy_profile *dst;
	const struct pf_profile *src;
	struct cgf_policy_rule *r;
	size_t i, j;

	out->nr_profiles = main_file->nr_profiles;
	out->profiles = cgf_arena_alloc(c->arena, out->nr_profiles * sizeof(*out->profiles));
	if (!out->profiles)
		return oom(c, main_file->name);
	for (i = 0; i < main_file->nr_profiles; i++) {
		src = main_file->profiles[i];
		dst = &out->profiles[i];
		strcpy(dst->name, src->name);
		dst->mode = src->mode;
		dst->file_default = src->file_default;
		dst->src_file = main_file->name;
		dst->src_line = src->line;
		dst->src_col = src->col;
		dst->nr_rules = src->nr_rules;
		dst->rules = cgf_arena_alloc(c->arena, (src->nr_rules ?: 1) * sizeof(*dst->rules));
		if (!dst->rules)
			return oom(c, main_file->name);
		for (j = 0; j < src->nr_rules; j++) {
			r = &dst->rules[j];
			*r = *src->rules[j];
			/* Ids follow the expanded order: the same text gives the same ids. */
			r->id = j + 1;
			if (r->kind == CGFENCE_RULE_FILE)
				dst->nr_file++;
			else if (r->kind == CGFENCE_RULE_MOUNT)
				dst->nr_mount++;
			else if (r->kind == CGFENCE_RULE_DEVICE)
				dst->nr_device++;
			else
				dst->nr_kernel++;
		}
	}
	return 0;
}

static void pctx_release(struct pctx *c)
{
	struct pf_file *f;
	size_t i;

	for (f = c->files; f; f = f->next) {
		for (i = 0; i < f->nr_profiles; i++) {
			free(f->profiles[i]->items);
			free(f->profiles[i]->rules);
		}
		free(f->profiles);
	}
	free(c->busy);
	free(c->sites);
	cgf_arena_release(&c->scratch);
}

static int pctx_init(struct pctx *c, struct cgf_policy *out, char *err, size_t err_len)
{
	memset(c, 0, sizeof(*c));
	memset(out, 0, sizeof(*out));
	c->err = err;
	c->err_len = err_len;
	if (err && err_len)
		err[0] = '\0';
	c->arena = calloc(1, sizeof(*c->arena));
	return c->arena ? 0 : -ENOMEM;
}

static int finish(struct pctx *c, struct pf_file *main_file, int ret, struct cgf_policy *out)
{
	size_t i;

	for (i = 0; !ret && i < main_file->nr_profiles; i++)
		if (expand(c, main_file->profiles[i], NULL))
			ret = -EINVAL;
	if (!ret && build_result(c, main_file, out))
		ret = -ENOMEM;
	pctx_release(c);
	if (ret) {
		cgf_arena_release(c->arena);
		free(c->arena);
		memset(out, 0, sizeof(*out));
		return ret;
	}
	out->arena = c->arena;
	return 0;
}

int cgf_policy_parse_file(const char *path, struct cgf_policy *out, char *err, size_t err_len)
{
	struct pf_file *f = NULL;
	struct pctx c;
	int ret;

	if (pctx_init(&c, out, err, err_len))
		return -ENOMEM;
	ret = load_path(&c, path, &f);
	if (ret && !c.failed) {
		cannot_read(&c, path, ret);
		pctx_release(&c);
		cgf_arena_release(c.arena);
		free(c.arena);
		return ret;
	}
	if (ret) {
		pctx_release(&c);
		cgf_arena_release(c.arena);
		free(c.arena);
		return -EINVAL;
	}
	return finish(&c, f, 0, out);
}

int cgf_policy_parse_buffer(const char *display_name, const char *text, size_t len,
			    const char *include_dir, struct cgf_policy *out,
			    char *err, size_t err_len)
{
	struct pf_file *f;
	struct pctx c;
	int ret;

	if (pctx_init(&c, out, err, err_len))
		return -ENOMEM;
	f = new_file(&c, display_name, include_dir);
	ret = f ? parse_text(&c, f, text, len) : -1;
	if (ret) {
		pctx_release(&c);
		cgf_arena_release(c.arena);
		free(c.arena);
		return -EINVAL;
	}
	return finish(&c, f, 0, out);
}

int cgf_policy_parse_string(const char *display_name, const char *text, const char *include_dir,
			    struct cgf_policy *out, char *err, size_t err_len)
{
	return cgf_policy_parse_buffer(display_name, text, strlen(text), include_dir, out, err,
				       err_len);
}
