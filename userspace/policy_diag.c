// SPDX-License-Identifier: GPL-2.0
/* Error messages of the policy parser: the first error, where it stands, how it was included. */
#include <stdarg.h>
#include <stdio.h>

#include "policy_tree.h"

static __printf(3, 4) void err_append(struct pctx *c, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= c->err_len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(c->err + *n, c->err_len - *n, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n += r;
}

static void err_site(struct pctx *c, size_t *n, const struct pf_site *s, bool *first)
{
	err_append(c, n, "%s%s:%d:%d", *first ? " (included from " : ", ", s->file, s->line,
		   s->col);
	*first = false;
}

void pf_verr(struct pctx *c, const char *file, int line, int col, const char *fmt,
	     va_list ap)
{
	bool first = true;
	size_t n = 0, i;
	int r;

	/* The first error is the one to fix; whatever follows from it is noise. */
	if (c->failed)
		return;
	c->failed = true;
	if (!c->err || !c->err_len)
		return;
	c->err[0] = '\0';
	if (line > 0)
		err_append(c, &n, "%s:%d:%d: error: ", file, line, col);
	else
		err_append(c, &n, "%s: error: ", file);
	if (n < c->err_len) {
		r = vsnprintf(c->err + n, c->err_len - n, fmt, ap);
		if (r > 0)
			n += r;
	}
	if (c->pending)
		err_site(c, &n, c->pending, &first);
	for (i = c->nr_sites; i > 0; i--)
		err_site(c, &n, &c->sites[i - 1], &first);
	if (!first)
		err_append(c, &n, ")");
}

__printf(5, 6) int pf_ctx_error(struct pctx *c, const char *file, int line, int col,
				const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pf_verr(c, file, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int pf_oom(struct pctx *c, const char *file)
{
	return pf_ctx_error(c, file, 0, 0, "out of memory");
}

/* Grows an array of @size-byte elements to hold one more; false when memory ran out. */
