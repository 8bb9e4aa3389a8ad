// SPDX-License-Identifier: GPL-2.0
/* Where the rule behind a denial was written: each profile's rules read once per generation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "origins.h"

struct cgf_origin_profile {
	char name[CGFENCE_MAX_NAME];
	uint64_t generation;		/* the one last asked about */
	bool current;			/* rules are of that generation */
	struct cgf_rule_listing rules;
};

void cgf_origins_init(struct cgf_origins *o, struct cgf_client *cl)
{
	memset(o, 0, sizeof(*o));
	o->use = cl;
}

void cgf_origins_free(struct cgf_origins *o)
{
	size_t i;

	for (i = 0; i < o->nr_profiles; i++)
		cgf_rule_listing_free(&o->profiles[i].rules);
	free(o->profiles);
	if (o->use == &o->cl)
		cgf_client_close(&o->cl);
	memset(o, 0, sizeof(*o));
}

static struct cgf_origin_profile *profile_entry(struct cgf_origins *o, const char *name)
{
	struct cgf_origin_profile *p;
	size_t i;

	for (i = 0; i < o->nr_profiles; i++)
		if (!strcmp(o->profiles[i].name, name))
			return &o->profiles[i];
	p = realloc(o->profiles, (o->nr_profiles + 1) * sizeof(*p));
	if (!p)
		return NULL;
	o->profiles = p;
	p = &o->profiles[o->nr_profiles++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

/* The rules of @p at @generation, read when this generation is new to us. */
static bool read_rules(struct cgf_origins *o, struct cgf_origin_profile *p, uint64_t generation)
{
	char errmsg[256];

	if (p->generation == generation)
		return p->current;
	p->generation = generation;
	p->current = false;
	cgf_rule_listing_free(&p->rules);
	if (!o->use && !o->unavailable) {
		if (cgf_client_open(&o->cl, errmsg, sizeof(errmsg)))
			o->unavailable = true;
		else
			o->use = &o->cl;
	}
	if (!o->use || cgf_client_rules(o->use, p->name, &p->rules))
		return false;
	/* Replaced since the record was made: its rule ids may mean other rules now. */
	p->current = p->rules.generation == generation;
	return p->current;
}

static const struct cgf_policy_rule *find_rule(const struct cgf_rule_listing *l, uint32_t id)
{
	size_t lo = 0, hi = l->nr_rules, mid;

	/* Ids increase through a profile: the module refuses them otherwise. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->rules[mid].id == id)
			return &l->rules[mid];
		if (l->rules[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *cgf_origins_lookup(struct cgf_origins *o, const char *profile, uint64_t generation,
			       uint32_t rule_id)
{
	struct cgf_origin_profile *p;
	const struct cgf_policy_rule *r;

	if (!rule_id || !generation || !profile)
		return NULL;
	p = profile_entry(o, profile);
	if (!p || !read_rules(o, p, generation))
		return NULL;
	r = find_rule(&p->rules, rule_id);
	if (!r || !r->src_file)
		return NULL;
	if (r->src_line > 0)
		snprintf(o->text, sizeof(o->text), "%s:%d:%d", r->src_file, r->src_line,
			 r->src_col);
	else
		snprintf(o->text, sizeof(o->text), "%s", r->src_file);
	return o->text;
}
