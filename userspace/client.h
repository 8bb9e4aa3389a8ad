/* SPDX-License-Identifier: GPL-2.0 */
/* The tool's client of the cgfence family: one typed call per request, replies as rows. */
#ifndef CGF_CLIENT_H
#define CGF_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/netlink.h>

#include "cgfence.h"
#include "nl.h"
#include "policy.h"

struct cgf_client_events;
struct cgf_denial;

/* Longer version strings are treated as a malformed reply, not cut short. */
#define CGF_VERSION_MAX		64

/* A dump the kernel marks inconsistent (NLM_F_DUMP_INTR) is read again, this many times. */
#define CGF_DUMP_TRIES		5

/* Room for the sentence that says why a reply could not be used. */
#define CGF_PROBLEM_MAX		96

struct cgf_status {
	char module_version[CGF_VERSION_MAX];
	uint32_t backend;		/* enum cgfence_hook_backend */
	uint32_t hooks_attached;
	uint32_t hooks_total;
	uint32_t profiles;
	uint32_t attachments;
	bool locked;
	/* On-exec attachments and the tasks they leave pending; absent from older modules. */
	bool has_on_exec;
	uint32_t on_exec;
	uint32_t pending;
	/* Records the module dropped since it was loaded; absent from older modules. */
	bool has_denials_lost;
	uint64_t denials_lost;
};

/* Kinds of refusal the module counts apart: enum cgfence_denial_kind, 1 to this. */
#define CGF_DENIAL_KINDS	CGFENCE_DENIAL_KERNEL

/* What the module counted (CGFENCE_A_COUNTERS); absent from older modules. */
struct cgf_counters_row {
	bool present;
	uint64_t decisions;
	uint64_t denied[CGF_DENIAL_KINDS];	/* by enum cgfence_denial_kind - 1 */
	uint64_t would_deny[CGF_DENIAL_KINDS];
	uint64_t dropped;
};

struct cgf_profile_row {
	char name[CGFENCE_MAX_NAME];
	uint8_t mode;			/* enum cgfence_mode */
	uint32_t rules;
	uint32_t attachments;
	uint64_t generation;
	/* Only in the reply to one profile: its device rules as the module compiled them. */
	struct cgf_policy_rule *devices;
	size_t nr_devices;
	bool devices_truncated;
	uint32_t kernel_allow;		/* CGFENCE_KERNEL_* the profile allows */
	struct cgf_counters_row counters;	/* since it was loaded */
	/* Complain mode's learned records (LEARNED_GET), when the profile keeps them. */
	bool learning;
	uint32_t learned, learned_capacity;
	uint64_t learned_missed;		/* refusals not kept: the set was full */
};

struct cgf_attach_row {
	uint64_t cgroup_id;
	char *path;			/* as the module names it, from its cgroup root */
	char profile[CGFENCE_MAX_NAME];
	bool on_exec;			/* tasks are judged from their next execve */
	uint32_t pending;		/* tasks that have not exec'd since */
	struct cgf_counters_row counters;	/* since it was made */
};

struct cgf_listing {
	struct cgf_profile_row *profiles;
	size_t nr_profiles;
	struct cgf_attach_row *attachments;
	size_t nr_attachments;
};

void cgf_listing_free(struct cgf_listing *listing);

struct cgf_arena;

/* A profile's rules as the module keeps them (RULE_GET), origins included. */
struct cgf_rule_listing {
	uint64_t generation;
	struct cgf_policy_rule *rules;
	size_t nr_rules;
	struct cgf_arena *arena;	/* the rules' strings */
};

void cgf_rule_listing_free(struct cgf_rule_listing *l);

/*
 * Decoders of single replies, kept apart so the unit tests can feed them crafted
 * messages. Each returns 0, -ENODATA when an attribute is missing, -EBADMSG when one
 * is malformed or the message cannot be parsed, -EPROTO for a reply to another
 * command (rows only), -ENOMEM.
 */
int cgf_status_parse(struct nlmsghdr *nlh, struct cgf_status *st);
int cgf_profile_row_parse(struct nlmsghdr *nlh, struct cgf_profile_row *row);
int cgf_attach_row_parse(struct nlmsghdr *nlh, struct cgf_attach_row *row);
/* Reads CGFENCE_A_DEVICE_RULES into @row; frees nothing it did not allocate. */
int cgf_device_rules_parse(struct nlattr *nest, struct cgf_profile_row *row);
/* The reply to a PROFILE_GET of one profile: its row and its device rules. */
int cgf_profile_parse(struct nlmsghdr *nlh, struct cgf_profile_row *row);
/* Append the row of one PROFILE_GET or ATTACH_GET dump reply to @l. */
int cgf_listing_add_profile(struct cgf_listing *l, struct nlmsghdr *nlh);
int cgf_listing_add_attach(struct cgf_listing *l, struct nlmsghdr *nlh);
/*
 * Append the rules of one RULE_GET dump reply to @l. Every message of a dump must name
 * the same generation: another is -EBADMSG.
 */
int cgf_rule_listing_add(struct cgf_rule_listing *l, struct nlmsghdr *nlh);

struct cgf_client;

/*
 * Sends @msg (and frees it), hands every reply to @handler, fills cl->ack. Returns 0
 * or a negative errno, as cgf_nl_request_ack().
 */
typedef int (*cgf_client_transact_fn)(struct cgf_client *cl, struct nl_msg *msg,
				      cgf_nl_handler handler, void *arg);

struct cgf_client {
	struct cgf_nl nl;
	/* The kernel's words with its last answer: extack message, offset, dump_intr. */
	struct cgf_nl_ack ack;
	/*
	 * "" unless the last call failed over a reply this tool could not use, or a dump
	 * that never held still, rather than over the kernel's errno: then what went wrong.
	 */
	char problem[CGF_PROBLEM_MAX];
	/* The socket by default; the unit tests put a fake module in its place. */
	cgf_client_transact_fn transact;
	struct cgf_client_events *events;	/* a subscriber's, else NULL */
};

/*
 * Connects to the cgfence family. Returns 0, -ENOENT when no family "cgfence" is
 * registered (the module is not loaded, or this task is not in the initial network
 * namespace), or another negative errno with libnl's words in @errmsg.
 */
int cgf_client_open(struct cgf_client *cl, char *errmsg, size_t len);
/* A client that sends through @transact; family is the number its messages carry. */
void cgf_client_init(struct cgf_client *cl, int family, cgf_client_transact_fn transact);
void cgf_client_close(struct cgf_client *cl);

/*
 * Every call below returns 0 or a negative errno: the kernel's refusal, with its
 * message in cl->ack.msg, or the tool's own (-ENOMEM; -EBADMSG and cl->problem set
 * when a reply could not be used).
 */
int cgf_client_status(struct cgf_client *cl, struct cgf_status *st);

int cgf_client_unload(struct cgf_client *cl, const char *name, bool force);
int cgf_client_set_mode(struct cgf_client *cl, const char *name, uint8_t mode);
/* Confine the subtree's tasks from their next execve, not at once. */
#define CGF_ATTACH_ON_EXEC	0x1
/*
 * @flags: 0 or CGF_ATTACH_ON_EXEC. No CGFENCE_A_PAD before the id: the module's strict
 * policies do not accept one.
 */
int cgf_client_attach(struct cgf_client *cl, const char *name, uint64_t cgroup_id,
		      unsigned int flags);
int cgf_client_detach(struct cgf_client *cl, uint64_t cgroup_id);
int cgf_client_lock(struct cgf_client *cl);

/*
 * Fills @l with the profiles (when @profiles) and the attachments, all read again
 * while the kernel says they changed underway (at most CGF_DUMP_TRIES times). On
 * failure @l is empty.
 */
int cgf_client_listing(struct cgf_client *cl, bool profiles, struct cgf_listing *l);

/* One profile with its device rules; release row->devices with free(). */
int cgf_client_profile(struct cgf_client *cl, const char *name, struct cgf_profile_row *row);

/*
 * Every rule of profile @name as it was loaded, read again while the profile changed
 * underway (at most CGF_DUMP_TRIES times). -ENOENT: no such profile. On failure @l is
 * empty.
 */
int cgf_client_rules(struct cgf_client *cl, const char *name, struct cgf_rule_listing *l);

/*
 * Called for every denial record. A negative return stops the dump and becomes the
 * call's result.
 */
typedef int (*cgf_denial_fn)(const struct cgf_denial *d, void *arg);

/* Dumps the records from @since on (1: all the module keeps) to @fn. */
int cgf_client_denials(struct cgf_client *cl, uint64_t since, cgf_denial_fn fn, void *arg);
/*
 * Dumps profile @profile's learned records (each distinct would-deny its complain mode
 * saw, as denial records) to @fn. -ENOENT: no such profile; -ENODATA: it keeps none;
 * -EAGAIN: it was replaced or unloaded underway (what @fn got is of the old set).
 */
int cgf_client_learned(struct cgf_client *cl, const char *profile, cgf_denial_fn fn, void *arg);

/*
 * Loading one profile is a transaction the module ties to this socket: begin, add
 * every rule in order, commit (which ends it whatever the outcome), or abort.
 */
int cgf_client_load_begin(struct cgf_client *cl, const struct cgf_policy_profile *p);
/*
 * Sends as many of @p's rules from index @first on as fit one message, their number
 * in *@count. Returns -E2BIG, nothing sent, when rule @first alone does not fit. When
 * the module refuses, *@bad_rule is the index of the rule it pointed at, else -1.
 */
int cgf_client_load_add(struct cgf_client *cl, const struct cgf_policy_profile *p, size_t first,
			size_t *count, long *bad_rule);
int cgf_client_load_commit(struct cgf_client *cl);
int cgf_client_load_abort(struct cgf_client *cl);

/* What a subscriber to the denials group is told; cgf_client_receive() calls it. */
struct cgf_client_events {
	void (*record)(const struct cgf_denial *d, void *arg);
	void *arg;
	int bad_records;		/* multicast messages that were no usable record */
	bool gone;			/* the family was unregistered: the module was unloaded */
};

/* Which step of cgf_client_subscribe() failed. */
enum cgf_subscribe_step {
	CGF_SUB_OPEN,			/* a socket of its own */
	CGF_SUB_GROUP,			/* the module's denials group */
	CGF_SUB_JOIN,			/* membership: needs privilege */
	CGF_SUB_NONBLOCK,
};

/*
 * Opens @ev as a socket of its own, joins the denials group (and nlctrl's, to hear
 * of an unload) and makes it non-blocking, records to @events. Returns 0, or a
 * negative errno with *@step set and libnl's words, if any, in @errmsg.
 */
int cgf_client_subscribe(struct cgf_client *ev, struct cgf_client_events *events,
			 enum cgf_subscribe_step *step, char *errmsg, size_t len);
/* The descriptor to poll() for multicast messages. */
int cgf_client_fd(const struct cgf_client *ev);
/*
 * Reads what is queued on @ev, passing records on. Returns 0 when there may be more,
 * -EAGAIN when nothing is left, -ENOBUFS when the kernel dropped messages for lack of
 * room, another negative errno with libnl's words in @errmsg.
 */
int cgf_client_receive(struct cgf_client *ev, char *errmsg, size_t len);

#endif /* CGF_CLIENT_H */
