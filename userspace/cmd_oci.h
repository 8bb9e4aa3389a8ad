/* SPDX-License-Identifier: GPL-2.0 */
/* The commands container runtimes run: the OCI hook and the bundle preparation for Docker. */
#ifndef CGF_CMD_OCI_H
#define CGF_CMD_OCI_H

#include <stddef.h>

struct cgf_inv;

int cgf_cmd_oci_hook(const struct cgf_inv *inv);
int cgf_check_oci_prepare(const struct cgf_inv *inv, char *err, size_t len);
int cgf_cmd_oci_prepare(const struct cgf_inv *inv);

#endif /* CGF_CMD_OCI_H */
