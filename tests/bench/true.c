// SPDX-License-Identifier: GPL-2.0
/* The smallest static program: what opbench's exec operation runs. No libc, one system call. */
void _start(void);

void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	__builtin_unreachable();
}
