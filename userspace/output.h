/* SPDX-License-Identifier: GPL-2.0 */
/* Rendering of command results as aligned text or one-line JSON, kept apart from netlink. */
#ifndef CGF_OUTPUT_H
#define CGF_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

struct cgf_status;

/* "ftrace" or "lsm"; NULL for a value this tool does not know. */
const char *cgf_backend_name(uint32_t backend);

/*
 * Writes @s as a quoted JSON string (null for NULL). Bytes that are not valid
 * UTF-8 become U+FFFD: kernel strings such as paths are bytes, JSON is text.
 */
void cgf_json_string(FILE *f, const char *s);

/* Writes @s with control characters and backslashes escaped, so it cannot drive the terminal. */
void cgf_plain_string(FILE *f, const char *s);

/*
 * Writes @s with control bytes escaped (\xNN) but backslashes as they are: messages
 * quote policy text and file names, and a '\*' in a pattern must read as written.
 */
void cgf_safe_text(FILE *f, const char *s);

void cgf_status_render_plain(FILE *f, const struct cgf_status *st);
void cgf_status_render_json(FILE *f, const struct cgf_status *st);

#endif /* CGF_OUTPUT_H */
