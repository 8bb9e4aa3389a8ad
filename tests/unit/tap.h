/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP producer for the tool's unit tests: the plan first; run.sh renumbers across programs. */
#ifndef CGF_TAP_H
#define CGF_TAP_H

#include <stdbool.h>

#include "util.h"

/* The number of results the program will print: call it before the first one. */
void tap_plan(int n);
/* Each returns whether the test passed, so a caller can stop a dependent sequence. */
__printf(2, 3) bool tap_ok(bool cond, const char *fmt, ...);
__printf(3, 4) bool tap_is_int(long got, long want, const char *fmt, ...);
__printf(3, 4) bool tap_is_str(const char *got, const char *want, const char *fmt, ...);
__printf(2, 3) void tap_skip(const char *reason, const char *fmt, ...);
__printf(1, 2) void tap_diag(const char *fmt, ...);

/* The exit status: 0 only when every test passed and their number is the plan. */
int tap_done(void);

#endif /* CGF_TAP_H */
