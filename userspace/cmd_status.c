// SPDX-License-Identifier: GPL-2.0
/* The status command: what the loaded module reports about itself. */
#include <stdio.h>

#include "cli.h"
#include "client.h"
#include "cmd_status.h"
#include "output.h"

int cgf_cmd_status(const struct cgf_inv *inv)
{
	struct cgf_client cl;
	struct cgf_status st;
	int rc, err;

	rc = cgf_connect(&cl);
	if (rc)
		return rc;
	err = cgf_client_status(&cl, &st);
	cgf_client_close(&cl);
	if (cl.problem[0]) {
		cgf_err("%s\n", cl.problem);
		return CGF_EXIT_FAIL;
	}
	if (err)
		return cgf_report("status", err, cl.ack.msg);

	if (cgf_opt_set(inv, CGF_OPT_JSON))
		cgf_status_render_json(stdout, &st);
	else
		cgf_status_render_plain(stdout, &st);
	return CGF_EXIT_OK;
}
