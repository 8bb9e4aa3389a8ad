/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by the policy lexer, parser and printer; not part of the policy API. */
#ifndef CGF_POLICY_INT_H
#define CGF_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/*
 * Everything a parsed policy points to lives in one arena, so a rule can share strings
 * with the rules it was expanded from and the whole policy goes with one free.
 */
struct cgf_arena_chunk;

struct cgf_arena {
	struct cgf_arena_chunk *head;
};

/* Both return NULL only when memory ran out. */
void *cgf_arena_alloc(struct cgf_arena *arena, size_t size);
char *cgf_arena_strndup(struct cgf_arena *arena, const char *s, size_t len);
void cgf_arena_release(struct cgf_arena *arena);

enum cgf_tok_type {
	CGF_TOK_EOF,
	CGF_TOK_WORD,		/* a run of bytes up to a space, brace, ';' or '"' */
	CGF_TOK_STRING,		/* "...": text is what stands between the quotes */
	CGF_TOK_LBRACE,
	CGF_TOK_RBRACE,
	CGF_TOK_SEMI,
};

/*
 * Backslashes stay in the text of words and strings: they are the pattern escapes the
 * module interprets, and the lexer only has to know that the next byte belongs to them.
 */
struct cgf_tok {
	enum cgf_tok_type type;
	const char *text;
	size_t len;
	int line, col;			/* of the first byte (the quote of a string) */
	int end_line, end_col;		/* just past the last byte */
};

struct cgf_lexer {
	const char *buf;
	size_t len;
	size_t pos;
	int line, col;
	/* Set when cgf_lex_next() fails. */
	int err_line, err_col;
	char err[160];
};

void cgf_lex_init(struct cgf_lexer *lx, const char *buf, size_t len);
/* Returns 0, or -1 with err, err_line and err_col set. */
int cgf_lex_next(struct cgf_lexer *lx, struct cgf_tok *tok);
/* Renders @tok for "found ..." in a message: 'word', "string", '{', end of file. */
void cgf_tok_describe(const struct cgf_tok *tok, char *buf, size_t len);
/* Copies @len bytes of @s quoted in single quotes, shortened and with unprintables escaped. */
void cgf_quote_text(const char *s, size_t len, char *buf, size_t buf_len);

/* Permission letters, each at the position of its bit in CGFENCE_FILE_* and CGFENCE_DEV_*. */
#define CGF_FILE_PERM_LETTERS	"rwaxcdnlst"
#define CGF_DEV_ACCESS_LETTERS	"rwm"

struct cgf_name_bit {
	const char *name;
	uint32_t bit;
};

extern const struct cgf_name_bit cgf_mount_op_names[];
extern const struct cgf_name_bit cgf_mount_opt_names[];
extern const struct cgf_name_bit cgf_kernel_op_names[];
/* Looks @len bytes of @name up in a NULL-terminated table; returns the bit or 0. */
uint32_t cgf_name_bit_find(const struct cgf_name_bit *table, const char *name, size_t len);

/* The operations written "SOURCE -> TARGET", and those written "TARGET". */
#define CGF_MOUNT_OPS_PAIR	(CGFENCE_MOUNT_BIND | CGFENCE_MOUNT_RBIND | CGFENCE_MOUNT_MOVE)
#define CGF_MOUNT_OPS_TARGET	(CGFENCE_MOUNT_REMOUNT | CGFENCE_MOUNT_UMOUNT | \
				 CGFENCE_MOUNT_PROPAGATION | CGFENCE_MOUNT_PIVOT_ROOT)

/* The kernel's dev_t split: 12 bits of major, 20 of minor. */
#define CGF_DEV_MAJOR_MAX	4095u
#define CGF_DEV_MINOR_MAX	1048575u

#endif /* CGF_POLICY_INT_H */
