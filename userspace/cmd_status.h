/* SPDX-License-Identifier: GPL-2.0 */
/* The status command: what the loaded module reports about itself. */
#ifndef CGF_CMD_STATUS_H
#define CGF_CMD_STATUS_H

struct cgf_inv;

int cgf_cmd_status(const struct cgf_inv *inv);

#endif /* CGF_CMD_STATUS_H */
