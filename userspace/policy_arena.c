// SPDX-License-Identifier: GPL-2.0
/* Memory of parsed policies: one arena per policy, freed at once, and growing arrays. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy_tree.h"

/* Big enough that a 100,000-rule profile needs a few hundred chunks, not a million mallocs. */
#define ARENA_CHUNK	(64 * 1024)

struct cgf_arena_chunk {
	struct cgf_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *cgf_arena_alloc(struct cgf_arena *arena, size_t size)
{
	struct cgf_arena_chunk *c = arena->head;
	size_t align = sizeof(max_align_t);
	void *p;

	size = (size + align - 1) / align * align;
	if (!c || c->size - c->used < size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->size = cap;
		c->used = 0;
		/* A big allocation goes behind the current chunk so its free room stays usable. */
		if (arena->head && cap > ARENA_CHUNK) {
			c->next = arena->head->next;
			arena->head->next = c;
		} else {
			c->next = arena->head;
			arena->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *cgf_arena_strndup(struct cgf_arena *arena, const char *s, size_t len)
{
	char *p = cgf_arena_alloc(arena, len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

void cgf_arena_release(struct cgf_arena *arena)
{
	struct cgf_arena_chunk *c, *next;

	for (c = arena->head; c; c = next) {
		next = c->next;
		free(c);
	}
	arena->head = NULL;
}

void cgf_policy_free(struct cgf_policy *policy)
{
	if (!policy)
		return;
	if (policy->arena) {
		cgf_arena_release(policy->arena);
		free(policy->arena);
	}
	memset(policy, 0, sizeof(*policy));
}

/* Grows an array of @size-byte elements to hold one more; false when memory ran out. */
bool pf_grow(void **array, size_t *cap, size_t nr, size_t size)
{
	size_t new_cap;
	void *p;

	if (nr < *cap)
		return true;
	new_cap = *cap ? *cap * 2 : 16;
	p = realloc(*array, new_cap * size);
	if (!p)
		return false;
	*array = p;
	*cap = new_cap;
	return true;
}
