// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's memchr() and memcmp() (lib/string.c of 6.1, as built for x86-64 with
 * CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS), so the engine's verdict path costs here
 * what it costs in the kernel rather than what glibc's vectorised versions cost.
 */
#include <stddef.h>
#include <string.h>

void *cgf_kernel_memchr(const void *s, int c, size_t n);
int cgf_kernel_memcmp(const void *cs, const void *ct, size_t count);

void *cgf_kernel_memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	while (n-- != 0) {
		if ((unsigned char)c == *p++)
			return (void *)(p - 1);
	}
	return NULL;
}

static unsigned long cgf_get_unaligned(const void *p)
{
	unsigned long v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

int cgf_kernel_memcmp(const void *cs, const void *ct, size_t count)
{
	const unsigned char *su1, *su2;
	int res = 0;

	if (count >= sizeof(unsigned long)) {
		const unsigned long *u1 = cs;
		const unsigned long *u2 = ct;

		do {
			if (cgf_get_unaligned(u1) != cgf_get_unaligned(u2))
				break;
			u1++;
			u2++;
			count -= sizeof(unsigned long);
		} while (count >= sizeof(unsigned long));
		cs = u1;
		ct = u2;
	}
	for (su1 = cs, su2 = ct; 0 < count; ++su1, ++su2, count--)
		if ((res = *su1 - *su2) != 0)
			break;
	return res;
}
