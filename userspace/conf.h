/* SPDX-License-Identifier: GPL-2.0 */
/* The "key = value" line format of cgfence's configuration files, read one entry at a time. */
#ifndef CGF_CONF_H
#define CGF_CONF_H

#include <stdbool.h>
#include <stddef.h>

/* One "key = value" line; blanks around both are not part of them. */
struct cgf_conf_entry {
	unsigned int line;	/* 1-based */
	const char *line_start;
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
};

/* Where the reader stands in a file's text (NUL-terminated). */
struct cgf_conf_reader {
	const char *path;
	const char *next;
	unsigned int line;
};

void cgf_conf_init(struct cgf_conf_reader *r, const char *path, const char *text);

/*
 * The next entry, skipping blank lines and "#" comments. Returns 1 with @e filled, 0 at
 * the end, -EINVAL with "path:line:col: why" in @err for a line that is not "key = value".
 */
int cgf_conf_next(struct cgf_conf_reader *r, struct cgf_conf_entry *e, char *err, size_t len);

bool cgf_conf_key_is(const struct cgf_conf_entry *e, const char *key);

/* The 1-based column of @p in @e's line, for "path:line:col" reports. */
size_t cgf_conf_col(const struct cgf_conf_entry *e, const char *p);

/* Writes "path:line:col: " + the formatted text to @err; returns -EINVAL. */
int cgf_conf_error(const struct cgf_conf_reader *r, const struct cgf_conf_entry *e,
		   const char *at, char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A yes/no value: 1 or 0, -1 for anything else. */
int cgf_conf_bool(const struct cgf_conf_entry *e);

/*
 * Reads all of @fd (or the file @path), at most @max bytes, NUL-terminated. Returns the
 * buffer (free() it), or NULL with errno set (EFBIG when there is more).
 */
char *cgf_read_fd(int fd, size_t max, size_t *len);
char *cgf_read_path(const char *path, size_t max, size_t *len);

#endif
