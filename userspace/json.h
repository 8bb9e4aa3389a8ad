/* SPDX-License-Identifier: GPL-2.0 */
/* A strict JSON reader (RFC 8259) for OCI state and config: tokens with their byte offsets. */
#ifndef CGF_JSON_H
#define CGF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cgf_json_type {
	CGF_JSON_OBJECT,
	CGF_JSON_ARRAY,
	CGF_JSON_STRING,
	CGF_JSON_NUMBER,
	CGF_JSON_TRUE,
	CGF_JSON_FALSE,
	CGF_JSON_NULL,
};

/*
 * One value, in document order. A string's start and end exclude its quotes; every
 * other value spans its text ('{' to '}' included for containers). An object's
 * children alternate key (a string) and value.
 */
struct cgf_json_tok {
	enum cgf_json_type type;
	size_t start, end;
	int parent;		/* index of the containing object or array, -1 for the top */
	int children;		/* direct children: 2 per member of an object */
	int next;		/* index of the next sibling, or -1: skips a whole subtree */
};

/* Deeper than this is refused: no real OCI document nests more than a few levels. */
#define CGF_JSON_MAX_DEPTH	64

struct cgf_json {
	const char *text;
	size_t len;
	struct cgf_json_tok *toks;
	int nr_toks;
	/* On failure: where and what, e.g. "expected ':' after a key". */
	size_t err_offset;
	const char *err;
};

/*
 * Parses @text (@len bytes, need not be NUL-terminated): exactly one value, whitespace
 * around it allowed. Returns 0, -EINVAL with @j->err and @j->err_offset set, or
 * -ENOMEM. Release with cgf_json_free().
 */
int cgf_json_parse(struct cgf_json *j, const char *text, size_t len);
void cgf_json_free(struct cgf_json *j);

/* The value of member @key of object @obj, or -1 (the last one if a key repeats). */
int cgf_json_member(const struct cgf_json *j, int obj, const char *key);

/*
 * String token @tok decoded (escapes, \u pairs to UTF-8) into @buf. Returns its length,
 * or -ENAMETOOLONG when it does not fit with its NUL, -EINVAL if it holds a NUL.
 */
int cgf_json_decode(const struct cgf_json *j, int tok, char *buf, size_t size);

/*
 * cgf_json_string() writes each byte of a name that is not UTF-8 as the escape \ufffd (a
 * U+FFFD in the name itself stays raw): the byte is lost. This decodes that escape as the
 * one byte CGF_JSON_UNKNOWN_BYTE, a control byte, which whoever matches names must take
 * as "some byte"; otherwise as cgf_json_decode().
 */
#define CGF_JSON_UNKNOWN_BYTE	0x7f
int cgf_json_decode_name(const struct cgf_json *j, int tok, char *buf, size_t size);

/* Whether number token @tok is an integer in [@min, @max]; *@out gets it. */
bool cgf_json_int(const struct cgf_json *j, int tok, int64_t min, int64_t max, int64_t *out);

/* Line and column (from 1, in bytes) of byte @offset, for messages. */
void cgf_json_where(const char *text, size_t offset, unsigned int *line, unsigned int *col);

#endif /* CGF_JSON_H */
