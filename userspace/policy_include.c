// SPDX-License-Identifier: GPL-2.0
/* Includes of policy profiles: finding the file, cycles, and expanding them into rules. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy_tree.h"

struct search_path {
	char **dirs;
	size_t nr;
};

static void search_path_free(struct search_path *sp)
{
	size_t i;

	for (i = 0; i < sp->nr; i++)
		free(sp->dirs[i]);
	free(sp->dirs);
}

static int search_path_add(struct search_path *sp, const char *dir, size_t len)
{
	char **dirs;
	size_t i;

	/* A directory listed twice would only be searched, and named in errors, twice. */
	for (i = 0; i < sp->nr; i++)
		if (strlen(sp->dirs[i]) == len && !memcmp(sp->dirs[i], dir, len))
			return 0;
	dirs = realloc(sp->dirs, (sp->nr + 1) * sizeof(*dirs));
	if (!dirs)
		return -1;
	sp->dirs = dirs;
	sp->dirs[sp->nr] = strndup(dir, len);
	if (!sp->dirs[sp->nr])
		return -1;
	sp->nr++;
	return 0;
}

/* The including file's directory, then CGFENCE_POLICY_PATH, then the system directory. */
static int search_path_build(struct search_path *sp, const struct pf_file *from)
{
	const char *env = getenv(CGF_POLICY_PATH_ENV);
	const char *s, *colon;

	memset(sp, 0, sizeof(*sp));
	if (from->dir && search_path_add(sp, from->dir, strlen(from->dir)))
		return -1;
	for (s = env; s && *s; s = colon + 1) {
		colon = strchrnul(s, ':');
		/* An empty entry would mean the current directory by accident; skip it. */
		if (colon > s && search_path_add(sp, s, colon - s))
			return -1;
		if (!*colon)
			break;
	}
	return search_path_add(sp, CGF_POLICY_SYSTEM_DIR, strlen(CGF_POLICY_SYSTEM_DIR));
}

static char *include_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	char *path;

	if (asprintf(&path, "%s%s%s%s", dir, dl && dir[dl - 1] != '/' ? "/" : "", name,
		     CGF_POLICY_SUFFIX) < 0)
		return NULL;
	return path;
}

static int resolve_in_path(struct pctx *c, const struct pf_profile *from,
			   const struct pf_item *it, struct pf_profile **out)
{
	const char *name = it->inc.name;
	struct pf_site site = { from->file->name, it->line, it->col };
	struct search_path sp;
	struct pf_file *f = NULL;
	char *path = NULL, *list = NULL;
	size_t i, n = 0;
	int ret = -ENOENT;

	if (search_path_build(&sp, from->file))
		goto nomem;
	for (i = 0; i < sp.nr && ret == -ENOENT; i++) {
		free(path);
		path = include_path(sp.dirs[i], name);
		if (!path)
			goto nomem;
		c->pending = &site;
		ret = pf_load_path(c, path, &f);
		if (ret && ret != -ENOENT && ret != -ENOTDIR && !c->failed)
			pf_cannot_read(c, path, ret);
		c->pending = NULL;
		if (ret == -ENOTDIR)
			ret = -ENOENT;
	}
	if (!ret) {
		*out = pf_find_profile(f, name);
		if (!*out)
			pf_ctx_error(c, from->file->name, it->line, it->col,
				     "%s does not define profile '%s'", path, name);
	} else if (ret == -ENOENT) {
		for (i = 0; i < sp.nr; i++)
			n += strlen(sp.dirs[i]) + 2;
		list = calloc(1, n + 1);
		if (!list)
			goto nomem;
		for (i = 0; i < sp.nr; i++) {
			strcat(list, i ? ", " : "");
			strcat(list, sp.dirs[i][0] ? sp.dirs[i] : ".");
		}
		pf_ctx_error(c, from->file->name, it->line, it->col,
			     "no profile '%s' in %s, and no %s%s in the search path (%s)", name,
			     from->file->name, name, CGF_POLICY_SUFFIX, list);
	}
	free(list);
	free(path);
	search_path_free(&sp);
	return c->failed ? -1 : 0;
nomem:
	free(path);
	search_path_free(&sp);
	return pf_oom(c, from->file->name);
}

/* A profile of the same file wins over any file: a file's meaning never depends on $PATHs. */
static int resolve(struct pctx *c, const struct pf_profile *from, const struct pf_item *it,
		   struct pf_profile **out)
{
	*out = pf_find_profile(from->file, it->inc.name);
	if (*out)
		return 0;
	return resolve_in_path(c, from, it, out);
}

static int cycle_error(struct pctx *c, const struct pf_profile *from, const struct pf_item *it,
		       const struct pf_profile *target)
{
	bool files_differ = false;
	size_t i, start = 0, n = 0, len = 0;
	char *chain;

	if (target == from)
		return pf_ctx_error(c, from->file->name, it->line, it->col,
				    "profile '%s' includes itself", from->name);
	for (i = 0; i < c->nr_busy; i++) {
		if (c->busy[i] == target)
			start = i;
		if (c->busy[i]->file != target->file)
			files_differ = true;
	}
	for (i = start; i < c->nr_busy; i++)
		len += strlen(c->busy[i]->name) + strlen(c->busy[i]->file->name) + 8;
	len += strlen(target->name) + strlen(target->file->name) + 8;
	chain = malloc(len);
	if (!chain)
		return pf_oom(c, from->file->name);
	for (i = start; i <= c->nr_busy; i++) {
		const struct pf_profile *pr = i < c->nr_busy ? c->busy[i] : target;

		n += sprintf(chain + n, "%s%s", i > start ? " -> " : "", pr->name);
		if (files_differ)
			n += sprintf(chain + n, " (%s)", pr->file->name);
	}
	pf_ctx_error(c, from->file->name, it->line, it->col, "include cycle: %s", chain);
	free(chain);
	return -1;
}

static bool push(struct pctx *c, struct pf_profile *prof, const struct pf_site *site)
{
	size_t need = c->nr_busy + 1;

	if (need > c->cap_stack) {
		size_t cap = c->cap_stack ? c->cap_stack * 2 : 16;
		struct pf_profile **busy = realloc(c->busy, cap * sizeof(*busy));
		struct pf_site *sites;

		if (!busy)
			return false;
		c->busy = busy;
		sites = realloc(c->sites, cap * sizeof(*sites));
		if (!sites)
			return false;
		c->sites = sites;
		c->cap_stack = cap;
	}
	c->busy[c->nr_busy++] = prof;
	if (site)
		c->sites[c->nr_sites++] = *site;
	return true;
}

static int add_rule(struct pctx *c, struct pf_profile *prof, const struct pf_item *it,
		    const struct cgf_policy_rule *rule)
{
	if (prof->nr_rules == CGFENCE_MAX_RULES)
		return pf_ctx_error(c, prof->file->name, it->line, it->col,
				    "profile '%s' has more than %d rules, the limit per profile (counted after include expansion)",
				    prof->name, CGFENCE_MAX_RULES);
	if (!pf_grow((void **)&prof->rules, &prof->cap_rules, prof->nr_rules, sizeof(rule)))
		return pf_oom(c, prof->file->name);
	prof->rules[prof->nr_rules++] = rule;
	return 0;
}

/*
 * Flattens @prof into its rule list, recursively and once. A profile reached again while
 * it is still being flattened is a cycle, however harmless the sections involved.
 */
int pf_expand(struct pctx *c, struct pf_profile *prof, const struct pf_site *site)
{
	struct pf_profile *target;
	struct pf_item *it;
	size_t i, j;

	if (prof->state == PF_DONE)
		return 0;
	prof->state = PF_BUSY;
	if (!push(c, prof, site))
		return pf_oom(c, prof->file->name);
	for (i = 0; i < prof->nr_items; i++) {
		it = &prof->items[i];
		if (!it->is_include) {
			if (add_rule(c, prof, it, &it->rule))
				return -1;
			continue;
		}
		if (resolve(c, prof, it, &target))
			return -1;
		if (target->state == PF_BUSY)
			return cycle_error(c, prof, it, target);
		if (target->state != PF_DONE) {
			struct pf_site here = { prof->file->name, it->line, it->col };

			if (pf_expand(c, target, &here))
				return -1;
		}
		for (j = 0; j < target->nr_rules; j++) {
			if (it->inc.kind && target->rules[j]->kind != it->inc.kind)
				continue;
			if (add_rule(c, prof, it, target->rules[j]))
				return -1;
		}
	}
	c->nr_busy--;
	if (site)
		c->nr_sites--;
	prof->state = PF_DONE;
	return 0;
}
