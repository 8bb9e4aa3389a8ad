/* SPDX-License-Identifier: GPL-2.0 */
/* The denials and learn commands: read the module's denial records, follow them, learn rules. */
#ifndef CGF_CMD_DENIALS_H
#define CGF_CMD_DENIALS_H

#include <stddef.h>

#include "args.h"

struct cgf_inv;

#define CGF_CMD_DENIALS_HELP \
	"Prints the denial records the module keeps (the newest 1024), one line each:\n" \
	"  TIME seq=N VERDICT cgroup=PATH profile=NAME rule=ID op=OP object=OBJECT\n" \
	"    requested=BITS denied=BITS pid=PID comm=COMM\n" \
	"TIME is UTC with milliseconds; VERDICT is denied, or would-deny for a profile\n" \
	"in complain mode; rule 0 means no rule decided (the default, or no allow rule);\n" \
	"BITS are file permission letters (rwaxcdnlst), mount operation names or device\n" \
	"access letters (rwm). Spaces, backslashes and control characters in values are\n" \
	"escaped (\\x20, \\\\, \\xNN). Before a record whose container lost records to the\n" \
	"rate limit: \"# N records of PATH were dropped here (rate limit)\". At the end,\n" \
	"when not zero, the records the module dropped since it was loaded and any gap\n" \
	"in the seq numbers read. With --follow, new records are printed as they come\n" \
	"until SIGINT or SIGTERM (exit 0); joining the module's multicast group needs\n" \
	"CAP_SYS_ADMIN. With --json, one object per line: {\"type\":\"denial\",...} with\n" \
	"every field (numbers as numbers, bits also as text in requested_text and\n" \
	"denied_text), {\"type\":\"lost\",\"seq\":N,\"cgroup\":P,\"cgroup_id\":I,\"profile\":N,\n" \
	"\"count\":N} and {\"type\":\"summary\",\"dropped\":N,\"missing\":N,\"gaps\":[[A,B],...]}."

#define CGF_CMD_LEARN_HELP \
	"Writes a policy for profile NAME from its would-deny records (a profile in\n" \
	"complain mode reports what it would deny): profile NAME in enforce mode,\n" \
	"default deny, with one allow rule per path that was used (the permissions\n" \
	"its operations asked for, merged), a DIR/* rule where 3 or more files of one\n" \
	"directory share their permissions (/proc/PID becomes /proc/*: pids change),\n" \
	"and the devices and mount targets used; a library read or mapped under a\n" \
	"versioned name gets one rule for all its versions (libfoo.so.*, libfoo-*.so).\n" \
	"A header says what could not be learned and whether records were dropped;\n" \
	"stderr sums it up. Review the rules and merge them into the profile;\n" \
	"'cgfence check' accepts the output as it is. Denials in enforce mode are\n" \
	"counted, not learned. With --from FILE (repeatable; - is standard input) the\n" \
	"records come from what 'cgfence denials --json' saved, merged, not from the\n" \
	"module (none is needed); lines that are not its records are skipped, the first\n" \
	"5 named as FILE:LINE; the output does not depend on the order of the files.\n" \
	"Exits 1 when there is no would-deny record of NAME, or a FILE cannot be read."

int cgf_check_denials(const struct cgf_inv *inv, char *err, size_t len);
int cgf_check_learn(const struct cgf_inv *inv, char *err, size_t len);
int cgf_cmd_denials(const struct cgf_inv *inv);
int cgf_cmd_learn(const struct cgf_inv *inv);

#endif /* CGF_CMD_DENIALS_H */
