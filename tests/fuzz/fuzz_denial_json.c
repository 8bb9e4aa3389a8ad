// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: a line of a saved 'cgfence denials --json' stream, as learn --from reads it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denial_json.h"
#include "denials.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static FILE *devnull;
	struct cgf_denial_line l;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	memset(&l, 0, sizeof(l));
	/*
	 * No NUL after the bytes: the reader takes a length, and learn --from passes getline()'s
	 * line without its newline, so nothing ends the text where the line ends. ASan reports
	 * any read past it.
	 */
	if (cgf_denial_line_parse((const char *)data, size, &l))
		return 0;
	if (l.type == CGF_LINE_DENIAL) {
		cgf_denial_render_plain(devnull, &l.rec);
		cgf_denial_render_json(devnull, &l.rec);
	}
	cgf_denial_release(&l.rec);
	return 0;
}
