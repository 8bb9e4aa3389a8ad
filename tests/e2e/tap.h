/* SPDX-License-Identifier: GPL-2.0 */
/* TAP output and the per-case runner (a forked child in a fresh cgroup v2) for e2e tests. */
#ifndef _CGFENCE_E2E_TAP_H
#define _CGFENCE_E2E_TAP_H

#include <stdbool.h>

#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

/* A case: 0 to pass; on failure call tap_fail() (which returns -1) and return that. */
typedef int (*tap_case_fn)(void *arg);

void tap_init(int argc, char **argv);
/* Prints the plan: the number of results the program will print, before the first one. */
void tap_plan(unsigned int n);
/* A "# TODO reason" directive after the description marks a known gap: its failure does not
 * fail the program (and tests/tap.py counts it apart). */
void tap_result(bool ok, const char *fmt, ...) __printf(2, 3);
void tap_diag(const char *fmt, ...) __printf(1, 2);
int tap_fail(const char *fmt, ...) __printf(1, 2);

/*
 * tap_case() runs @fn in a forked child that sits alone in a new cgroup
 * /sys/fs/cgroup/<test>-<pid>, reports one result named @desc and removes the cgroup.
 * A child that crashes, hangs (30 s) or exits without a verdict fails the case.
 */
bool tap_case(const char *desc, tap_case_fn fn, void *arg);

/*
 * A time limit of @seconds, times E2E_SLOW (the guest's environment, from the kernel command
 * line): make stress runs the suite on a debug kernel several times slower.
 */
unsigned int tap_seconds(unsigned int seconds);

/* Returns the program's exit status: 0 only if every result passed and their number is the plan. */
int tap_done(void);

#endif /* _CGFENCE_E2E_TAP_H */
