/* SPDX-License-Identifier: GPL-2.0 */
/* The policy parser's syntax tree and context, shared by its grammar, includes and loader. */
#ifndef CGF_POLICY_TREE_H
#define CGF_POLICY_TREE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy_int.h"
#include "util.h"

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

/*
 * Records the first error as "FILE:LINE:COL: error: WHAT (included from ...)" (no
 * LINE:COL when @line is 0); later ones follow from it and are dropped. pf_ctx_error()
 * and pf_oom() return -1 for the caller to pass on.
 */
void pf_verr(struct pctx *c, const char *file, int line, int col, const char *fmt, va_list ap);
__printf(5, 6) int pf_ctx_error(struct pctx *c, const char *file, int line, int col,
				const char *fmt, ...);
int pf_oom(struct pctx *c, const char *file);

/* Grows an array of @size-byte elements to hold one more; false when memory ran out. */
bool pf_grow(void **array, size_t *cap, size_t nr, size_t size);

/* Parses one file's text into @f's profiles. Returns 0 or -1, the error recorded in @c. */
int pf_parse_text(struct pctx *c, struct pf_file *f, const char *text, size_t len);
struct pf_profile *pf_find_profile(struct pf_file *f, const char *name);

/* Opens and loads @path; -ENOENT is left for the caller to report or to look further. */
int pf_load_path(struct pctx *c, const char *path, struct pf_file **out);
/* Records "PATH: error: cannot read: STRERROR" and returns -1. */
int pf_cannot_read(struct pctx *c, const char *path, int err);

/*
 * Flattens @prof into its rule list, includes expanded, once however often it is
 * reached. @site is the include statement that reached it, NULL for a file's own.
 */
int pf_expand(struct pctx *c, struct pf_profile *prof, const struct pf_site *site);

/* The parser's token helpers, for the rule grammar. Failures return -1, the error recorded. */
__printf(4, 5) int pf_err(struct parser *p, int line, int col, const char *fmt, ...);
int pf_next(struct parser *p);
bool pf_is_word(const struct cgf_tok *t, const char *w);
bool pf_word_has_prefix(const struct cgf_tok *t, const char *prefix);
int pf_expected(struct parser *p, const char *what);
int pf_expect_semi(struct parser *p, const char *after);
/* Column of byte @off of the token's text: a string's text starts after its quote. */
int pf_tok_col(const struct cgf_tok *t, size_t off);
char *pf_tok_strdup(struct parser *p);

/* One rule each, from its 'allow' or 'deny' to its ';'. */
int pf_parse_file_rule(struct parser *p, struct cgf_policy_rule *r);
int pf_parse_mount_rule(struct parser *p, struct cgf_policy_rule *r);
int pf_parse_device_rule(struct parser *p, struct cgf_policy_rule *r);
int pf_parse_kernel_rule(struct parser *p, struct cgf_policy_rule *r);

/* The words cgf_kernel_op_names[] holds, as messages list them. */
#define CGF_KERNEL_OP_LIST \
	"module, kexec, reboot, bpf, perf, lockdown, quota, fanotify, tty_inject, ptrace, signal, syslog, time, sched or all"

#endif /* CGF_POLICY_TREE_H */
