// SPDX-License-Identifier: GPL-2.0
/* cgfence path glob matcher: the reference matcher for path patterns, see path_glob.h. */

#include <linux/limits.h>

#include "path_glob.h"

/*
 * Both levels use the iterative "remember the last star" algorithm: bytes against '*' inside
 * a component, whole components against '**' across the path. On a mismatch, only the most
 * recent star is retried, one unit further on. That is enough: between two stars lies a run
 * of pattern units that each consume exactly one subject unit (a byte, or a component), and
 * placing such a run at its leftmost possible position never loses a match, since whatever
 * follows then has the most subject left to work with. Earlier stars therefore never move
 * again, each (pattern unit, subject unit) pair is compared at most once, and the cost is
 * bounded by the product of the lengths without recursion or memory.
 */

/*
 * Caller guarantees @name holds no '/': '?' and '*' may then take any byte. Each turn of
 * the loop spends one unit of *@budget; when none is left the answer is false with
 * *@budget 0, which only a bounded caller (the trie) can see, and fails closed on.
 */
static bool cgf_component_match(const char *pat, size_t pat_len,
				const char *name, size_t name_len, u32 *budget)
{
	size_t p = 0, n = 0;
	size_t star_p = 0, star_n = 0;
	bool star = false;

	for (;;) {
		if (!*budget)
			return false;
		--*budget;
		if (p < pat_len) {
			switch (pat[p]) {
			case '*':
				star = true;
				star_p = ++p;
				star_n = n;
				continue;
			case '?':
				if (n < name_len) {
					p++;
					n++;
					continue;
				}
				break;
			case '\\':
				/* Nothing can ever consume a trailing lone '\': no retry helps. */
				if (p + 1 == pat_len)
					return false;
				if (n < name_len && name[n] == pat[p + 1]) {
					p += 2;
					n++;
					continue;
				}
				break;
			default:
				if (n < name_len && name[n] == pat[p]) {
					p++;
					n++;
					continue;
				}
				break;
			}
		} else if (n == name_len) {
			return true;
		}
		/* Mismatch: the last star takes one more byte, and the rest is tried again. */
		if (!star || star_n == name_len)
			return false;
		p = star_p;
		n = ++star_n;
	}
}

/* More turns than any pair of lengths can take: (4095 + 1) * (4095 + 1) < 2^25. */
#define CGF_GLOB_UNBOUNDED U32_MAX

bool cgf_glob_match_component(const char *pat, size_t pat_len,
			      const char *name, size_t name_len)
{
	u32 budget = CGF_GLOB_UNBOUNDED;
	size_t i;

	/* Wildcards must never reach across a '/', so a name holding one matches nothing. */
	for (i = 0; i < name_len; i++)
		if (name[i] == '/')
			return false;
	return cgf_component_match(pat, pat_len, name, name_len, &budget);
}

bool cgf_glob_match_component_bounded(const char *pat, size_t pat_len,
				      const char *name, size_t name_len, u32 *budget)
{
	return cgf_component_match(pat, pat_len, name, name_len, budget);
}

/* End of the pattern component starting at @i: the next '/' that is not escaped. */
static size_t cgf_pat_component_end(const char *pat, size_t len, size_t i)
{
	while (i < len && pat[i] != '/')
		i += pat[i] == '\\' ? 2 : 1;
	return i < len ? i : len;
}

static size_t cgf_path_component_end(const char *path, size_t len, size_t i)
{
	while (i < len && path[i] != '/')
		i++;
	return i;
}

/*
 * Cursors hold the offset where the current component starts; one past the length means
 * "no component left". That encoding tells an empty last component ("/a/") from none ("/a").
 */
bool cgf_glob_match(const char *pat, size_t pat_len,
		    const char *path, size_t path_len)
{
	size_t p, s, pe, se;
	size_t star_p = 0, star_s = 0;
	bool star = false;
	u32 budget;

	if (!pat_len || pat[0] != '/' || !path_len || path[0] != '/')
		return false;

	/* The root has no components, not one empty component. */
	p = pat_len == 1 ? 2 : 1;
	s = path_len == 1 ? 2 : 1;

	for (;;) {
		if (p <= pat_len) {
			pe = cgf_pat_component_end(pat, pat_len, p);
			if (pe - p == 2 && pat[p] == '*' && pat[p + 1] == '*') {
				star = true;
				star_p = pe + 1;
				star_s = s;
				p = star_p;
				continue;
			}
			if (s <= path_len) {
				se = cgf_path_component_end(path, path_len, s);
				budget = CGF_GLOB_UNBOUNDED;
				if (cgf_component_match(pat + p, pe - p, path + s, se - s,
							&budget)) {
					p = pe + 1;
					s = se + 1;
					continue;
				}
			}
		} else if (s > path_len) {
			return true;
		}
		/* Mismatch: the last '**' takes one more component, and the rest is tried again. */
		if (!star || star_s > path_len)
			return false;
		star_s = cgf_path_component_end(path, path_len, star_s) + 1;
		s = star_s;
		p = star_p;
	}
}
