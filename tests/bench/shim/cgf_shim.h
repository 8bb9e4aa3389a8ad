/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim for the cgfence engine benchmark: the few kernel APIs that
 * module/engine_*.c and module/path_glob.c use, so that those files compile unchanged
 * in a normal process. Every linux/<x>.h in this directory includes this one header.
 *
 * Fidelity notes: memchr() and memcmp() are the kernel's own lib/string.c versions
 * (shim.c), because the verdict path calls them per component; allocation is
 * malloc(); sort() is qsort() (build time only, never on the verdict path).
 */
#ifndef _CGF_BENCH_SHIM_H
#define _CGF_BENCH_SHIM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned int gfp_t;

#define __rcu
#define __user
#define __init
#define __exit
#define __ro_after_init
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define notrace
#define noinline __attribute__((noinline))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define fallthrough __attribute__((fallthrough))
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)

#define U8_MAX ((u8)~0U)
#define U16_MAX ((u16)~0U)
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)
#define S32_MAX ((s32)(U32_MAX >> 1))

/* The kernel's static_assert() takes an optional message. */
#undef static_assert
#define static_assert(expr, ...) __cgf_static_assert(expr, ##__VA_ARGS__, #expr)
#define __cgf_static_assert(expr, msg, ...) _Static_assert(expr, msg)
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)

#define BIT(nr) (1UL << (nr))
#define BITS_PER_LONG 64
#define ALIGN(x, a) (((x) + ((typeof(x))(a) - 1)) & ~((typeof(x))(a) - 1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define min(x, y) ({ typeof(x) _x = (x); typeof(y) _y = (y); _x < _y ? _x : _y; })
#define max(x, y) ({ typeof(x) _x = (x); typeof(y) _y = (y); _x > _y ? _x : _y; })
#define min_t(t, x, y) ({ t _x = (x); t _y = (y); _x < _y ? _x : _y; })
#define max_t(t, x, y) ({ t _x = (x); t _y = (y); _x > _y ? _x : _y; })
#define swap(a, b) do { typeof(a) _t = (a); (a) = (b); (b) = _t; } while (0)

/* err.h */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }

/* overflow.h */
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)
static inline size_t array_size(size_t a, size_t b)
{
	size_t bytes;

	return check_mul_overflow(a, b, &bytes) ? SIZE_MAX : bytes;
}

static inline size_t size_add(size_t a, size_t b)
{
	size_t bytes;

	return check_add_overflow(a, b, &bytes) ? SIZE_MAX : bytes;
}
#define struct_size(p, member, count) \
	size_add(sizeof(*(p)), array_size(count, sizeof(*(p)->member)))

/* slab.h / mm.h: plain malloc. kvmalloc() refuses more than INT_MAX, as the kernel's does. */
#define GFP_KERNEL 0x1u
#define GFP_KERNEL_ACCOUNT 0x3u
#define __GFP_NOWARN 0x4u
#define __GFP_ZERO 0x8u
static inline void *kvmalloc(size_t size, gfp_t gfp)
{
	if (size > INT_MAX)
		return NULL;
	return (gfp & __GFP_ZERO) ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
}
static inline void *kvzalloc(size_t size, gfp_t gfp) { return kvmalloc(size, gfp | __GFP_ZERO); }
static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return kvmalloc(array_size(n, size), gfp);
}
static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kvzalloc(array_size(n, size), gfp);
}
static inline void kvfree(const void *p) { free((void *)p); }
#define kmalloc kvmalloc
#define kzalloc kvzalloc
#define kmalloc_array kvmalloc_array
#define kcalloc kvcalloc
#define kfree kvfree
/* No reader outlives a benchmark's profile: free at once. */
#define kvfree_rcu(ptr, ...) kvfree(ptr)

/* rcupdate.h: only the type; the engine never takes the read lock itself. */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)

/* sched.h */
#define cond_resched() do { } while (0)

/* atomic.h: the profile serial counter. */
typedef struct {
	s64 counter;
} atomic64_t;
#define ATOMIC64_INIT(i) { (i) }
static inline s64 atomic64_inc_return(atomic64_t *v)
{
	return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
}

/* sort.h: build time only; qsort() sorts as well as the kernel's heapsort. */
static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *),
			void (*swap_fn)(void *, void *, int))
{
	(void)swap_fn;
	qsort(base, num, size, cmp);
}

/* bits / bitops */
static inline unsigned long cgf_shim_next_bit(const unsigned long *addr, unsigned long size,
					      unsigned long from)
{
	for (; from < size; from++)
		if (addr[from / BITS_PER_LONG] & (1UL << (from % BITS_PER_LONG)))
			return from;
	return size;
}
#define for_each_set_bit(bit, addr, size)					\
	for ((bit) = cgf_shim_next_bit((addr), (size), 0); (bit) < (size);	\
	     (bit) = cgf_shim_next_bit((addr), (size), (bit) + 1))
static inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}
static inline bool test_bit(long nr, const unsigned long *addr)
{
	return addr[nr / BITS_PER_LONG] & (1UL << (nr % BITS_PER_LONG));
}

/* kdev_t.h */
#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev) & MINORMASK))
#define MKDEV(ma, mi) (((ma) << MINORBITS) | (mi))

/* string.h: the kernel's lib/string.c memchr() and memcmp() (shim.c). */
void *cgf_kernel_memchr(const void *s, int c, size_t n);
int cgf_kernel_memcmp(const void *cs, const void *ct, size_t count);
#define memchr cgf_kernel_memchr
#define memcmp cgf_kernel_memcmp

#endif /* _CGF_BENCH_SHIM_H */
