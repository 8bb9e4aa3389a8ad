/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence operations, one a line: CGF_OP(ENUM_SUFFIX, "name in denial records", record kind). */

/*
 * Included with CGF_OP defined by the includer (ops.h for the enum, ops.c for the names
 * and kinds), as the kernel's lsm_hook_defs.h is: one list, nothing to keep in step.
 * Names are part of the interface (tools match on them): an existing one never changes.
 * The kind is the CGFENCE_DENIAL_* suffix of the operation's records.
 */
CGF_OP(OPEN, "open", FILE)
CGF_OP(EXEC, "exec", FILE)
CGF_OP(MMAP, "mmap", FILE)
CGF_OP(MPROTECT, "mprotect", FILE)
CGF_OP(MKNOD, "mknod", FILE)
CGF_OP(MKDIR, "mkdir", FILE)
CGF_OP(RMDIR, "rmdir", FILE)
CGF_OP(UNLINK, "unlink", FILE)
CGF_OP(SYMLINK, "symlink", FILE)
CGF_OP(LINK, "link", FILE)
CGF_OP(RENAME, "rename", FILE)
CGF_OP(TRUNCATE, "truncate", FILE)
CGF_OP(CHMOD, "chmod", FILE)
CGF_OP(CHOWN, "chown", FILE)
CGF_OP(CREATE, "create", FILE)
CGF_OP(CGROUP_MIGRATE, "cgroup_migrate", CGROUP)
CGF_OP(CLONE_INTO_CGROUP, "clone_into_cgroup", CGROUP)
CGF_OP(MOUNT, "mount", MOUNT)
CGF_OP(UMOUNT, "umount", MOUNT)
CGF_OP(PIVOT_ROOT, "pivot_root", MOUNT)
CGF_OP(MOVE_MOUNT, "move_mount", MOUNT)
CGF_OP(FSPICK, "fspick", MOUNT)
CGF_OP(OPEN_TREE, "open_tree", MOUNT)
CGF_OP(MOUNT_SETATTR, "mount_setattr", MOUNT)
CGF_OP(DEVICE_OPEN, "device_open", DEVICE)
CGF_OP(DEVICE_MKNOD, "device_mknod", DEVICE)
CGF_OP(DEVICE_MOUNT, "device_mount", DEVICE)
