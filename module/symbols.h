/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence kernel functions a loadable module cannot link against, resolved at load. */
#ifndef _CGFENCE_SYMBOLS_H
#define _CGFENCE_SYMBOLS_H

#include <linux/spinlock.h>

struct file_system_type;
struct path;

extern char *(*cgf_d_absolute_path)(const struct path *path, char *buf, int buflen);
/* The kernel's list of registered filesystem types, and the lock that guards it. */
extern struct file_system_type **cgf_file_systems;
extern rwlock_t *cgf_file_systems_lock;

/* Every symbol is required: a missing one fails the load. */
int cgf_symbols_init(void);

#endif /* _CGFENCE_SYMBOLS_H */
