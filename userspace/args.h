/* SPDX-License-Identifier: GPL-2.0 */
/* Values the command line gives: PIDs, record numbers, profile names. */
#ifndef CGF_ARGS_H
#define CGF_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A PID as the command line gives it: decimal, positive. Returns 0 or -EINVAL. */
int cgf_parse_pid(const char *s, pid_t *pid);

/* A record number as the command line gives it: decimal. Returns 0 or -EINVAL. */
int cgf_parse_seq(const char *s, uint64_t *seq);

/* A profile name the module would accept: 0, or -1 with the reason in @err. */
int cgf_check_profile_arg(const char *name, char *err, size_t len);

#endif /* CGF_ARGS_H */
