/* SPDX-License-Identifier: GPL-2.0 */
/* The commands that change or read the module's policy: load, unload, attach, detach, ... */
#ifndef CGF_CMD_ADMIN_H
#define CGF_CMD_ADMIN_H

#include <stddef.h>

#include "args.h"

struct cgf_client;
struct cgf_inv;
struct cgf_policy;
struct cgf_policy_profile;

/* Argument checks, run by the parser: a failure is a usage error (exit status 2). */
int cgf_check_load(const struct cgf_inv *inv, char *err, size_t len);
int cgf_check_name(const struct cgf_inv *inv, char *err, size_t len);
int cgf_check_attach(const struct cgf_inv *inv, char *err, size_t len);
int cgf_check_detach(const struct cgf_inv *inv, char *err, size_t len);
int cgf_check_mode(const struct cgf_inv *inv, char *err, size_t len);
int cgf_check_lock(const struct cgf_inv *inv, char *err, size_t len);
int cgf_check_apply(const struct cgf_inv *inv, char *err, size_t len);

/*
 * Reports a change the kernel refused and returns the exit status. EPERM is what the
 * module answers both to a caller without privilege and to any change once policy is
 * locked; a locked module is asked for its status to tell which, and exits 1, not 4.
 */
int cgf_report_change(struct cgf_client *cl, const char *what, int err, const char *errmsg);

/*
 * Loads @profile over @cl as one transaction: PROFILE_BEGIN, PROFILE_ADD in chunks,
 * PROFILE_COMMIT. Returns the exit status with any failure reported (a rule the
 * module refused by its FILE:LINE:COL); on failure the profile is not loaded and a
 * profile of that name already loaded is unchanged.
 */
int cgf_load_profile(struct cgf_client *cl, const struct cgf_policy_profile *profile);

/*
 * Files loaded together must not disagree on what a name means: reports the first name
 * two profiles share (file:line:col of both) and returns -1; 0 when all differ.
 */
int cgf_policy_check_duplicates(struct cgf_policy *pols, int n);

int cgf_cmd_load(const struct cgf_inv *inv);
int cgf_cmd_apply(const struct cgf_inv *inv);
int cgf_cmd_unload(const struct cgf_inv *inv);
int cgf_cmd_attach(const struct cgf_inv *inv);
int cgf_cmd_detach(const struct cgf_inv *inv);
int cgf_cmd_mode(const struct cgf_inv *inv);
int cgf_cmd_lock(const struct cgf_inv *inv);
int cgf_cmd_list(const struct cgf_inv *inv);
int cgf_cmd_show(const struct cgf_inv *inv);

#endif /* CGF_CMD_ADMIN_H */
