/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence path glob matcher: the reference semantics of path patterns in policies. */

#ifndef _CGFENCE_PATH_GLOB_H
#define _CGFENCE_PATH_GLOB_H

#include <linux/types.h>

/**
 * DOC: path patterns
 *
 * A path rule names objects by a pattern over the resolved absolute path, as the
 * container sees it. These two matchers define what a pattern means; the policy
 * compiler and the trie built from its output must agree with them exactly.
 *
 * (Below, a ``**`` next to a slash is written as a separate literal, as in
 * ``/a/``\ ``**``: a C comment cannot hold the character pairs that open or
 * close a comment. The pattern itself is ``/a/`` immediately followed by ``**``.)
 *
 * Paths. A path is absolute and resolved: it starts with ``/`` and has no ``.``
 * or ``..`` component, no empty component and no trailing slash. The root ``/``
 * is the path with no components at all. A path that does not start with ``/``
 * (the empty string included) matches no pattern.
 *
 * Patterns. A pattern starts with ``/`` and is split into components at every
 * ``/`` that is not escaped; a pattern that does not start with ``/`` (the empty
 * pattern included) matches nothing. ``/`` alone matches only the root. Within a
 * component:
 *
 * - ``?`` matches exactly one character other than ``/``.
 * - ``*`` matches zero or more characters other than ``/``. It never leaves its
 *   component: ``/a/b*`` does not match ``/a/bc/d``.
 * - ``\`` makes the next character literal (``\*``, ``\?``, ``\\``). A lone
 *   ``\`` at the end of the pattern matches nothing. ``\/`` is a slash inside a
 *   component, which no component contains: it matches nothing.
 * - Any other byte matches itself. Matching is byte-exact: case-sensitive, no
 *   locale, no character classes, and names starting with a dot are not special.
 *
 * A component that is exactly ``**`` matches zero or more whole components:
 *
 * - ``/a/``\ ``**`` matches ``/a`` itself and everything below it (``/a/b``,
 *   ``/a/b/c``), but not ``/ab``; ``/etc/``\ ``**`` does not match ``/etcd/x``.
 * - ``/``\ ``**`` matches every path, the root ``/`` included.
 * - ``/a/``\ ``**``\ ``/b`` matches ``/a/b``, ``/a/x/b`` and ``/a/x/y/b``.
 *
 * A ``**`` that is not a whole component (``/a/b**c``, ``***``) is plain ``*``.
 * The policy compiler rejects such patterns; the matcher still defines them.
 *
 * Patterns are matched as written, without normalisation. An empty component
 * (``/a//b``) or a trailing slash (``/a/``) is an empty component, which matches
 * only an empty component of the path: never in a resolved path. The compiler
 * rejects such patterns too.
 *
 * Lengths are explicit: neither pattern nor path needs a NUL terminator, and no
 * length is limited beyond what the caller passes (PATH_MAX is the caller's).
 *
 * Cost. Matching is iterative, allocation-free and non-recursive, so it is safe
 * in a non-sleeping hook on a small kernel stack. Whatever the pattern, the time
 * is O(pattern length * path length): no pair of pattern position and path
 * position is compared twice.
 */

/**
 * cgf_glob_match_component() - match one path component against a component pattern
 * @pat: component pattern, without ``/`` separators (``**`` here is plain ``*``)
 * @pat_len: length of @pat in bytes
 * @name: a single path component
 * @name_len: length of @name in bytes
 *
 * A @name that contains ``/`` is not a component and matches nothing.
 *
 * Return: true if @name matches @pat.
 */
bool cgf_glob_match_component(const char *pat, size_t pat_len,
			      const char *name, size_t name_len);

/**
 * cgf_glob_match_component_bounded() - cgf_glob_match_component() within a work budget
 * @pat: component pattern, as for cgf_glob_match_component()
 * @pat_len: length of @pat in bytes
 * @name: a single path component, which the caller guarantees holds no ``/``
 * @name_len: length of @name in bytes
 * @budget: steps left; each step compares one pattern position with one name position
 *
 * The container chooses its names, so a lookup's cost must not be left to them: a
 * caller with preemption off spends from one budget for the whole lookup.
 *
 * Return: as cgf_glob_match_component(), or false with *@budget 0 when it ran out (the
 * answer is then unknown and the caller must fail closed).
 */
bool cgf_glob_match_component_bounded(const char *pat, size_t pat_len,
				      const char *name, size_t name_len, u32 *budget);

/**
 * cgf_glob_match() - match a resolved absolute path against a path pattern
 * @pat: path pattern, starting with ``/``
 * @pat_len: length of @pat in bytes
 * @path: resolved absolute path
 * @path_len: length of @path in bytes
 *
 * Return: true if @path matches @pat.
 */
bool cgf_glob_match(const char *pat, size_t pat_len,
		    const char *path, size_t path_len);

#endif /* _CGFENCE_PATH_GLOB_H */
