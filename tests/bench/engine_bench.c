// SPDX-License-Identifier: GPL-2.0
/*
 * Engine microbenchmark, no VM: the kernel's own module/engine_*.c and module/path_glob.c
 * built as a normal program against tests/bench/shim, timing cgf_file_check() (ns per
 * verdict) against the number of rules and the length of the path, and
 * cgf_profile_build() (compile time and size) against the number of rules.
 *
 * Usage: engine_bench PROFILE_DIR   (the files tests/bench/gen_profiles.py writes)
 *        engine_bench --count PROFILE_DIR FILE PATH   (for callgrind, see count_mode())
 * Prints "engine ..." lines that tests/bench/report.py turns into a table.
 *
 * It reads the subset of the policy language the generator writes: "mode", "default",
 * and one "allow|deny PERMS PATTERN;" per line inside "file { }" (mount and device
 * sections are skipped: the verdict measured is the file verdict).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uapi/cgfence.h>

#include "engine.h"
#include "engine_internal.h"

#define SAMPLES 11
#define SAMPLE_NS 20000000ULL	/* aim for 20 ms per sample */

struct rules {
	struct cgf_rule *v;
	u32 nr, cap;
	struct cgf_profile_spec spec;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static u32 parse_perms(const char *s)
{
	static const char letters[] = "rwaxcdnlst";
	u32 perms = 0;
	const char *p;

	if (!strcmp(s, "all"))
		return CGFENCE_FILE_ALL;
	for (; *s; s++) {
		p = strchr(letters, *s);
		if (!p) {
			fprintf(stderr, "engine_bench: unknown permission '%c'\n", *s);
			exit(2);
		}
		perms |= 1U << (p - letters);
	}
	return perms;
}

static void read_profile(const char *file, struct rules *r)
{
	char line[8192], word[16], perms[16], pat[4200];
	enum { TOP, FILE_SECTION, OTHER_SECTION } where = TOP;
	FILE *f = fopen(file, "r");
	struct cgf_rule *rule;

	if (!f) {
		fprintf(stderr, "engine_bench: %s: %s\n", file, strerror(errno));
		exit(2);
	}
	memset(r, 0, sizeof(*r));
	r->spec.mode = CGFENCE_MODE_ENFORCE;
	r->spec.file_default = CGFENCE_EFFECT_DENY;
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");

		if (*s == '#' || *s == '\n')
			continue;
		if (!strncmp(s, "default allow", 13))
			r->spec.file_default = CGFENCE_EFFECT_ALLOW;
		if (!strncmp(s, "file {", 6)) {
			where = FILE_SECTION;
			continue;
		}
		if (!strncmp(s, "mount {", 7) || !strncmp(s, "device {", 8)) {
			where = OTHER_SECTION;
			continue;
		}
		if (*s == '}') {
			where = TOP;
			continue;
		}
		if (where != FILE_SECTION)
			continue;
		if (sscanf(s, "%15s %15s %4199[^;];", word, perms, pat) != 3) {
			fprintf(stderr, "engine_bench: %s: cannot read: %s", file, s);
			exit(2);
		}
		if (r->nr == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			r->v = realloc(r->v, r->cap * sizeof(*r->v));
			if (!r->v)
				exit(3);
		}
		rule = &r->v[r->nr++];
		memset(rule, 0, sizeof(*rule));
		rule->id = r->nr;
		rule->kind = CGFENCE_RULE_FILE;
		rule->effect = !strcmp(word, "deny") ? CGFENCE_EFFECT_DENY : CGFENCE_EFFECT_ALLOW;
		rule->file.perms = parse_perms(perms);
		rule->file.path = strdup(pat);
		rule->file.path_len = strlen(pat);
	}
	fclose(f);
}

static void free_rules(struct rules *r)
{
	u32 i;

	for (i = 0; i < r->nr; i++)
		free((void *)r->v[i].file.path);
	free(r->v);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static volatile u32 sink;

/* ns per cgf_file_check(): median, min and max of SAMPLES samples. */
static void time_check(const struct cgf_profile *p, const char *path, u32 requested,
		       double *med, double *lo, double *hi, struct cgf_verdict *v)
{
	size_t len = strlen(path);
	u64 iters = 1, t0, dt, s[SAMPLES];
	int i;
	u64 k;

	/* Calibrate: enough iterations for about SAMPLE_NS per sample. */
	for (;;) {
		t0 = now_ns();
		for (k = 0; k < iters; k++) {
			cgf_file_check(p, path, len, requested, v);
			sink += v->denied;
		}
		dt = now_ns() - t0;
		if (dt >= SAMPLE_NS / 4 || iters >= (1ULL << 32))
			break;
		iters *= 4;
	}
	iters = iters * SAMPLE_NS / (dt ? dt : 1) + 1;
	for (i = 0; i < SAMPLES; i++) {
		t0 = now_ns();
		for (k = 0; k < iters; k++) {
			cgf_file_check(p, path, len, requested, v);
			sink += v->denied;
		}
		s[i] = now_ns() - t0;
	}
	qsort(s, SAMPLES, sizeof(s[0]), cmp_u64);
	*med = (double)s[SAMPLES / 2] / iters;
	*lo = (double)s[0] / iters;
	*hi = (double)s[SAMPLES - 1] / iters;
}

static struct cgf_profile *build(const char *dir, const char *file, struct rules *r,
				 double *build_ms)
{
	struct cgf_build_error err = { 0 };
	struct cgf_profile *p;
	char name[4096];
	u64 t0;

	snprintf(name, sizeof(name), "%s/%s", dir, file);
	read_profile(name, r);
	t0 = now_ns();
	p = cgf_profile_build(&r->spec, r->v, r->nr, GFP_KERNEL, &err);
	*build_ms = (now_ns() - t0) / 1e6;
	if (IS_ERR(p)) {
		fprintf(stderr, "engine_bench: %s: build failed: %ld: rule %d: %s\n", name,
			PTR_ERR(p), err.rule_index, err.msg ? err.msg : "?");
		exit(1);
	}
	return p;
}

static void measure(const char *what, const char *profile, u32 nr_rules, const char *path,
		    u32 requested, const struct cgf_profile *p, u32 expect_denied)
{
	struct cgf_verdict v;
	double med, lo, hi;
	const char *c;
	int depth = 0;

	for (c = path; *c; c++)
		depth += *c == '/';
	time_check(p, path, requested, &med, &lo, &hi, &v);
	if (v.denied != expect_denied) {
		fprintf(stderr, "engine_bench: %s %s: verdict denied=0x%x, expected 0x%x\n",
			profile, path, v.denied, expect_denied);
		exit(1);
	}
	printf("engine verdict %s profile=%s rules=%u depth=%d bytes=%zu verdict=%s ns=%.1f min=%.1f max=%.1f steps=%u path=%s\n",
	       what, profile, nr_rules, depth, strlen(path), v.denied ? "deny" : "allow",
	       med, lo, hi, cgf_file_match_cost(p, path, strlen(path)), path);
	fflush(stdout);
}

/*
 * The worst a container can make of a glob-heavy profile: deny rules "/data", "**", "*TAIL<N>"
 * (as components; one rule per N) all apply below /data, and a path of 255-byte names that end almost, but
 * not quite, like each tail makes every glob try every split of every name. Without a
 * bound such a lookup took 313 ms with 1,000 rules and 250-byte tails; the budget
 * (CGF_FILE_MATCH_BUDGET) cuts it off and fails closed.
 */
static void measure_worst(const char *name, u32 nr_rules, u32 tail_len)
{
	struct cgf_build_error err = { 0 };
	struct cgf_profile_spec spec = {
		.mode = CGFENCE_MODE_ENFORCE, .file_default = CGFENCE_EFFECT_ALLOW,
	};
	struct cgf_rule *rules = calloc(nr_rules, sizeof(*rules));
	struct cgf_profile *p;
	char path[4096], *pat;
	struct cgf_verdict v;
	double med, lo, hi;
	size_t len = 0;
	u32 i, steps;
	int c;

	if (!rules)
		exit(3);
	for (i = 0; i < nr_rules; i++) {
		pat = malloc(tail_len + 32);
		if (!pat)
			exit(3);
		len = sprintf(pat, "/data/**/*");
		memset(pat + len, 'a', tail_len);
		sprintf(pat + len + tail_len, "%u", i);
		rules[i].id = i + 1;
		rules[i].kind = CGFENCE_RULE_FILE;
		rules[i].effect = CGFENCE_EFFECT_DENY;
		rules[i].file.perms = CGFENCE_FILE_READ;
		rules[i].file.path = pat;
		rules[i].file.path_len = strlen(pat);
	}
	p = cgf_profile_build(&spec, rules, nr_rules, GFP_KERNEL, &err);
	if (IS_ERR(p)) {
		fprintf(stderr, "engine_bench: %s: build failed: %s\n", name, err.msg);
		exit(1);
	}
	len = sprintf(path, "/data");
	for (c = 0; c < 15; c++) {
		path[len++] = '/';
		memset(path + len, 'a', 255);
		len += 255;
	}
	path[len] = '\0';
	time_check(p, path, CGFENCE_FILE_READ, &med, &lo, &hi, &v);
	steps = cgf_file_match_cost(p, path, len);
	printf("engine worst profile=%s rules=%u tail=%u depth=16 bytes=%zu verdict=%s ns=%.1f min=%.1f max=%.1f steps=%u budget=%u cut_off=%s\n",
	       name, nr_rules, tail_len, len, v.denied ? "deny" : "allow", med, lo, hi, steps,
	       CGF_FILE_MATCH_BUDGET, steps >= CGF_FILE_MATCH_BUDGET ? "yes" : "no");
	fflush(stdout);
	cgf_profile_free(p);
	for (i = 0; i < nr_rules; i++)
		free((void *)rules[i].file.path);
	free(rules);
}

/*
 * engine_bench --count DIR FILE PATH: builds one profile and calls cgf_file_check() on
 * PATH COUNT_CALLS times, untimed: run under callgrind --toggle-collect=cgf_file_check,
 * the instructions per verdict are the collected total / COUNT_CALLS.
 */
#define COUNT_CALLS 1000

static int count_mode(const char *dir, const char *file, const char *path)
{
	struct cgf_verdict v;
	struct cgf_profile *p;
	struct rules r;
	double ms;
	int i;

	p = build(dir, file, &r, &ms);
	for (i = 0; i < COUNT_CALLS; i++) {
		cgf_file_check(p, path, strlen(path), CGFENCE_FILE_READ, &v);
		sink += v.denied;
	}
	printf("engine count file=%s calls=%d denied=%u path=%s\n", file, COUNT_CALLS, v.denied,
	       path);
	cgf_profile_free(p);
	free_rules(&r);
	return 0;
}

/*
 * What the kernel sets aside for a kvzalloc() of @size bytes (mm/util.c, mm/slab_common.c
 * of 6.1 and 6.12, 4 KiB pages): a kmalloc size class up to 8 KiB, whole power-of-two
 * page blocks up to 4 MiB (kmalloc_large(), while such a block is free: vmalloc'ed whole
 * pages otherwise, so this is the upper bound), whole vmalloc'ed pages above.
 */
static size_t kvmalloc_footprint(size_t size)
{
	static const size_t classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048,
					  4096, 8192 };
	size_t block = 4096;
	unsigned int i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (size <= classes[i])
			return classes[i];
	if (size <= (size_t)4 << 20) {
		while (block < size)
			block <<= 1;
		return block;
	}
	return (size + 4095) & ~(size_t)4095;
}

int main(int argc, char **argv)
{
	static const u32 sweep[] = { 10, 100, 1000, 10000, 100000 };
	static const char *const depths[] = { "depth1", "depth5", "depth10", "depth30" };
	char file[64], name[64], key[64], path[4200], paths_file[4096], mid[128];
	struct cgf_profile *p;
	struct rules r;
	double ms;
	FILE *f;
	unsigned int i;

	if (argc == 5 && !strcmp(argv[1], "--count"))
		return count_mode(argv[2], argv[3], argv[4]);
	if (argc != 2) {
		fprintf(stderr, "usage: engine_bench PROFILE_DIR | --count PROFILE_DIR FILE PATH\n");
		return 2;
	}

	for (i = 0; i < sizeof(sweep) / sizeof(sweep[0]); i++) {
		snprintf(file, sizeof(file), "rules-%u.cgf", sweep[i]);
		snprintf(name, sizeof(name), "r%u", sweep[i]);
		p = build(argv[1], file, &r, &ms);
		printf("engine build profile=%s rules=%u ms=%.1f bytes=%zu kernel_bytes=%zu\n", name,
		       r.nr, ms, cgf_profile_size(p), kvmalloc_footprint(cgf_profile_size(p)));
		measure("rules", name, r.nr, "/srv/app0/data/file0.conf", CGFENCE_FILE_READ, p, 0);
		/* The same file in the last application directory, and a miss in the first. */
		snprintf(mid, sizeof(mid), "/srv/app%u/data/file0.conf", (r.nr - 1) / 10);
		measure("rules-last", name, r.nr, mid, CGFENCE_FILE_READ, p, 0);
		measure("rules-miss", name, r.nr, "/srv/app0/data/nofile.conf", CGFENCE_FILE_READ,
			p, CGFENCE_FILE_READ);
		cgf_profile_free(p);
		free_rules(&r);
	}

	p = build(argv[1], "typical.cgf", &r, &ms);
	printf("engine build profile=typical rules=%u ms=%.1f bytes=%zu kernel_bytes=%zu\n", r.nr,
	       ms, cgf_profile_size(p), kvmalloc_footprint(cgf_profile_size(p)));
	snprintf(paths_file, sizeof(paths_file), "%s/paths.txt", argv[1]);
	f = fopen(paths_file, "r");
	if (!f) {
		fprintf(stderr, "engine_bench: %s: %s\n", paths_file, strerror(errno));
		return 2;
	}
	while (fscanf(f, "%63[^=]=%4199s\n", key, path) == 2) {
		for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++)
			if (!strcmp(key, depths[i]))
				measure("depth", "typical", r.nr, path, CGFENCE_FILE_READ, p, 0);
		if (!strcmp(key, "open"))
			measure("typical-open", "typical", r.nr, path, CGFENCE_FILE_READ, p, 0);
		if (!strcmp(key, "open_denied"))
			measure("typical-denied", "typical", r.nr, path, CGFENCE_FILE_READ, p,
				CGFENCE_FILE_READ);
	}
	fclose(f);
	cgf_profile_free(p);
	free_rules(&r);

	measure_worst("glob10", 10, 8);
	measure_worst("glob100", 100, 8);
	measure_worst("glob1000", 1000, 8);
	measure_worst("glob1000-long", 1000, 250);
	return 0;
}
