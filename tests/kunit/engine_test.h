/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the engine KUnit suites: rule constructors and test-managed profiles. */
#ifndef _CGFENCE_ENGINE_TEST_H
#define _CGFENCE_ENGINE_TEST_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/string.h>

#include <uapi/cgfence.h>

#include "engine.h"

#define ALLOW CGFENCE_EFFECT_ALLOW
#define DENY CGFENCE_EFFECT_DENY

static inline struct cgf_rule cgf_test_file(u32 id, u8 effect, u32 perms, const char *path)
{
	struct cgf_rule rule = {
		.id = id,
		.kind = CGFENCE_RULE_FILE,
		.effect = effect,
		.file.perms = perms,
		.file.path = path,
		.file.path_len = path ? strlen(path) : 0,
	};

	return rule;
}

static inline struct cgf_rule cgf_test_device(u32 id, u8 effect, u8 type, u32 major, u32 minor,
					      u8 access)
{
	struct cgf_rule rule = {
		.id = id,
		.kind = CGFENCE_RULE_DEVICE,
		.effect = effect,
		.device.type = type,
		.device.major = major,
		.device.minor = minor,
		.device.access = access,
	};

	return rule;
}

/* NULL strings stay absent (any); lengths come from strlen(). */
static inline struct cgf_rule cgf_test_mount(u32 id, u8 effect, u32 ops, const char *fstype,
					     const char *source, const char *target,
					     u32 require, u32 forbid)
{
	struct cgf_rule rule = {
		.id = id,
		.kind = CGFENCE_RULE_MOUNT,
		.effect = effect,
		.mount.ops = ops,
		.mount.require = require,
		.mount.forbid = forbid,
		.mount.fstype = fstype,
		.mount.fstype_len = fstype ? strlen(fstype) : 0,
		.mount.source = source,
		.mount.source_len = source ? strlen(source) : 0,
		.mount.target = target,
		.mount.target_len = target ? strlen(target) : 0,
	};

	return rule;
}

static inline struct cgf_rule cgf_test_kernel(u32 id, u8 effect, u32 ops)
{
	struct cgf_rule rule = {
		.id = id,
		.kind = CGFENCE_RULE_KERNEL,
		.effect = effect,
		.kernel.ops = ops,
	};

	return rule;
}

static inline int cgf_test_profile_init(struct kunit_resource *res, void *profile)
{
	res->data = profile;
	return 0;
}

static inline void cgf_test_profile_release(struct kunit_resource *res)
{
	cgf_profile_free(res->data);
}

/* Builds a profile that must build; it is freed when the test case ends, even on failure. */
static inline struct cgf_profile *cgf_test_build(struct kunit *test, u8 mode, u8 file_default,
						 const struct cgf_rule *rules, u32 nr_rules)
{
	const struct cgf_profile_spec spec = { .mode = mode, .file_default = file_default };
	struct cgf_build_error err = { .rule_index = -2 };
	struct cgf_profile *profile;

	profile = cgf_profile_build(&spec, rules, nr_rules, GFP_KERNEL, &err);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(profile), "build failed (%ld): rule %d: %s",
			       PTR_ERR(profile), err.rule_index, err.msg ? err.msg : "(none)");
	if (!kunit_alloc_resource(test, cgf_test_profile_init, cgf_test_profile_release,
				  GFP_KERNEL, profile)) {
		cgf_profile_free(profile);
		KUNIT_ASSERT_FAILURE(test, "out of memory for a test resource");
	}
	return profile;
}

#endif /* _CGFENCE_ENGINE_TEST_H */
