#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns the raw output of make bench into markdown tables (stdout).

Usage: report.py ENGINE_RAW BENCH_RAW [MACHINE_TXT]

For the VM: each measurement is the ratio of its median to the median of the baseline
(the module absent) of the same phase, operation and boot, pooled over all rounds; the
spread is the min-max of the per-round ratios (each round has its own baseline); "added"
is the difference of the pooled medians in ns per operation. Nothing is asserted: the
targets section says which goals the numbers meet.
"""
import re
import statistics
import sys
from collections import defaultdict

OP_NAMES = {
    "open": "open+close",
    "openmany": "open+close, 256 files in turn",
    "stat": "stat",
    "exec": "fork+exec+wait",
    "mmap": "mmap PROT_EXEC+munmap",
    "mkdir": "mkdir+rmdir",
    "mount": "tmpfs mount+umount",
}
OPS = ["open", "openmany", "stat", "exec", "mmap", "mkdir", "mount"]
MAIN_CONFIGS = [
    ("loaded", "(2) loaded, no policy"),
    ("host", "(3) policies attached, task on host"),
    ("confined", "(4) confined, allowed"),
    ("denied", "(5) confined, denied"),
]


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_ns(x):
    if x != x:
        return "n/a"
    if abs(x) >= 100000:
        return "%.0f µs" % (x / 1000)
    if abs(x) >= 10000:
        return "%.1f µs" % (x / 1000)
    return "%.0f ns" % x


def fmt_bytes(x):
    if x >= 1 << 20:
        return "%.1f MiB" % (x / (1 << 20))
    if x >= 1 << 10:
        return "%.1f KiB" % (x / (1 << 10))
    return "%d B" % x


def fmt_added(x):
    if x != x:
        return "n/a"
    sign = "+" if x >= 0 else "−"
    return sign + fmt_ns(abs(x))


class Bench:
    def __init__(self):
        # samples[(phase, config, op)][round] = [ns...]
        self.samples = defaultdict(lambda: defaultdict(list))
        self.lat = defaultdict(dict)      # lat[kind][round] = dict
        self.runs = defaultdict(dict)     # runs[kind][round] = n
        self.par = defaultdict(dict)      # par[(config, jobs)][round] = [opens per second...]
        self.times = defaultdict(list)    # times[what] = [ms...]
        self.comments = []
        self.failed = []

    def read(self, path):
        with open(path, errors="replace") as f:
            for line in f:
                w = line.split()
                if not w:
                    continue
                if w[0] == "R" and len(w) >= 4:
                    phase, config, rnd = w[1].split(":")
                    self.samples[(phase, config, w[2])][int(rnd)] += [float(x) for x in w[3:]]
                elif w[0] == "L" and len(w) == 8:
                    _, kind, rnd = w[1].split(":")
                    keys = ("count", "p50", "p90", "p99", "p999", "max")
                    self.lat[kind][int(rnd)] = dict(zip(keys, map(int, w[2:])))
                elif w[0] == "P" and len(w) == 5:
                    _, config, rnd = w[1].split(":")
                    self.par[(config, int(w[2]))].setdefault(int(rnd), []).append(
                        int(w[3]) * 1000 / int(w[4]))
                elif w[0] == "C" and len(w) == 3:
                    _, kind, rnd = w[1].split(":")
                    self.runs[kind][int(rnd)] = int(w[2])
                elif w[0] == "T" and len(w) >= 3:
                    self.times[" ".join(w[1:-1])].append(int(w[-1]))
                elif w[0] == "#":
                    self.comments.append(line.rstrip("\n"))
                    if "FAILED" in line:
                        self.failed.append(line.strip())

    def has(self, phase, config, op):
        return (phase, config, op) in self.samples

    def pooled(self, phase, config, op):
        rounds = self.samples.get((phase, config, op), {})
        return med([x for r in rounds.values() for x in r])

    def compare(self, phase, config, op, base="absent"):
        """(ratio, lo, hi, added, base_ns, ns) against the baseline of the same phase."""
        b = self.samples.get((phase, base, op), {})
        c = self.samples.get((phase, config, op), {})
        if not b or not c:
            return None
        pb, pc = self.pooled(phase, base, op), self.pooled(phase, config, op)
        per_round = [med(c[r]) / med(b[r]) for r in c if r in b]
        return (pc / pb, min(per_round), max(per_round), pc - pb, pb, pc)


def p99_ratios(b, kind):
    """Per round: the p99 of KIND's window over the steady window's p99."""
    steady, ws = b.lat.get("steady", {}), b.lat.get(kind, {})
    return [ws[r]["p99"] / steady[r]["p99"] for r in ws if r in steady]


def par_rate(b, config, jobs):
    """Per round: the median of the opens per second of JOBS tasks in CONFIG."""
    return {r: med(xs) for r, xs in b.par.get((config, jobs), {}).items()}


def par_scaling(b, config):
    """Per round: opens per second of two tasks over one task's, in CONFIG."""
    one, two = par_rate(b, config, 1), par_rate(b, config, 2)
    return {r: two[r] / one[r] for r in two if r in one}


def par_relative_scaling(b):
    """Per round: the confined scaling over the module absent's scaling of the same round."""
    a, c = par_scaling(b, "absent"), par_scaling(b, "confined")
    return [c[r] / a[r] for r in c if r in a]


def par_ratios(b, jobs):
    """Per round: confined throughput over the module absent's, with JOBS tasks."""
    a, c = par_rate(b, "absent", jobs), par_rate(b, "confined", jobs)
    return [c[r] / a[r] for r in c if r in a]


def fmt_spread(xs):
    return "%.2f [%.2f–%.2f]" % (med(xs), min(xs), max(xs)) if xs else "n/a"


def fmt_cmp(c):
    if not c:
        return "n/a"
    ratio, lo, hi, added, _, _ = c
    return "%.3f [%.3f–%.3f] %s" % (ratio, lo, hi, fmt_added(added))


def fmt_verdict(v, instr):
    cell = "%s ns [%s–%s]" % (v["ns"], v["min"], v["max"])
    n = instr.get((v["profile"], v["path"]))
    return cell + (", %d instr." % n if n is not None else "")


def engine_tables(path, out):
    builds, verdicts, instr, worst = {}, [], {}, []
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) < 2 or w[0] != "engine":
                    continue
                kv = dict(x.split("=", 1) for x in w[2:] if "=" in x)
                if w[1] == "instructions":
                    instr[(kv["profile"], kv["path"])] = int(kv["per_verdict"])
                elif w[1] == "build":
                    builds[kv["profile"]] = kv
                elif w[1] == "worst":
                    worst.append(kv)
                else:
                    kv["what"] = w[2]
                    verdicts.append(kv)
    except OSError:
        return
    if not verdicts:
        return
    out.append("## Engine alone (userspace build of `module/engine_*.c`, no VM)\n")
    out.append("`cgf_file_check()` on the host CPU: ns per verdict, median of 11 samples of "
               "about 20 ms [min–max]%s; compile = `cgf_profile_build()`.\n" % (
                   ", and instructions per verdict (callgrind)" if instr else ""))
    out.append("| file rules | compile | compiled size | per rule | kernel allocation (per rule) "
               "| /srv/app0/data/file0.conf (allowed) | same, last app dir (allowed) "
               "| miss in app0 (denied) |")
    out.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for prof in ("r10", "r100", "r1000", "r10000", "r100000", "typical"):
        b = builds.get(prof)
        if not b:
            continue
        cells = []
        for what in ("rules", "rules-last", "rules-miss"):
            v = [x for x in verdicts if x["profile"] == prof and x["what"] == what]
            cells.append(fmt_verdict(v[0], instr) if v else "n/a")
        size, rules = int(b["bytes"]), int(b["rules"])
        kernel = int(b.get("kernel_bytes", 0))
        out.append("| %s | %s ms | %s | %.0f B | %s | %s |" % (
            b["rules"] if prof != "typical" else "%s (`typical`)" % b["rules"], b["ms"],
            fmt_bytes(size), size / rules,
            "%s (%.0f B)" % (fmt_bytes(kernel), kernel / rules) if kernel else "n/a",
            " | ".join(cells) if prof != "typical" else "– | – | –"))
    out.append("")
    out.append("Compiled size: the profile's one allocation (`cgf_profile_size()`); kernel "
               "allocation: what `kvzalloc()` of that size sets aside on 6.1 and 6.12 (a "
               "kmalloc class up to 8 KiB, a power-of-two block of pages up to 4 MiB while "
               "one is free, whole vmalloc pages beyond): an upper bound.\n")
    out.append("| path in profile `typical` | components | bytes | verdict | per verdict | steps |")
    out.append("|---|---:|---:|---|---:|---:|")
    for v in verdicts:
        if v["profile"] == "typical":
            out.append("| `%s` | %s | %s | %s | %s | %s |" % (
                v["path"] if len(v["path"]) < 40 else v["path"][:24] + "…" + v["path"][-6:],
                v["depth"], v["bytes"], v["verdict"], fmt_verdict(v, instr),
                v.get("steps", "n/a")))
    out.append("")
    if worst:
        out.append("Worst case: deny rules `/data/**/*TAIL<N>` (one per N), default allow, and "
                   "a %s-byte path of 255-byte names of `a`: no rule matches, every glob tries "
                   "every split of every name. Steps are `cgf_file_match_cost()`; a lookup "
                   "stops at %s steps and fails closed (denied, rule 0).\n" % (
                       worst[0]["bytes"], worst[0]["budget"]))
        out.append("| rules | tail | verdict | per lookup | steps | cut off |")
        out.append("|---:|---:|---|---:|---:|---|")
        for v in worst:
            out.append("| %s | %s bytes | %s | %.2f ms [%.2f–%.2f] | %s | %s |" % (
                v["rules"], v["tail"], v["verdict"], float(v["ns"]) / 1e6,
                float(v["min"]) / 1e6, float(v["max"]) / 1e6, v["steps"], v["cut_off"]))
        out.append("")


def vm_tables(b, name, out):
    out.append("## Boot '%s': %s\n" % (name, BOOT_TITLES.get(name, "")))
    if name == "icount":
        out.append("In this boot the guest clock advances 1 ns per guest instruction: read every "
                   "\"ns\" and \"ms\" below as instructions (and millions of them).\n")
    if b.failed:
        out.append("**The guest reported failures:** " + "; ".join(b.failed) + "\n")
    iters = [m.groups() for m in (re.match(r"# iterations per sample: (\w+) (\d+)", c)
                                  for c in b.comments) if m]
    if iters:
        out.append("Iterations per sample (calibrated at boot for the sample length): " +
                   ", ".join("%s %s" % i for i in iters) + ".\n")
    if b.has("main", "absent", "open"):
        out.append("### System calls: ratio to the module absent (config 1)\n")
        out.append("Each cell: ratio of medians [min–max of the per-round ratios] and the "
                   "added time per operation. Config 1 column: the baseline itself.\n")
        out.append("| operation | (1) absent | " + " | ".join(n for _, n in MAIN_CONFIGS) + " |")
        out.append("|---|---:|" + "---:|" * len(MAIN_CONFIGS))
        for op in OPS:
            if not b.has("main", "absent", op):
                continue
            cells = [fmt_cmp(b.compare("main", c, op)) for c, _ in MAIN_CONFIGS]
            out.append("| %s | %s | %s |" % (OP_NAMES[op], fmt_ns(b.pooled("main", "absent", op)),
                                              " | ".join(cells)))
        out.append("")
        out.append("Denied column: open, openmany, exec and mmap fail with EACCES, mkdir with "
                   "EACCES (no rmdir follows), mount with EPERM (no umount follows); stat is not "
                   "mediated, so its denied path succeeds.\n")

    if b.has("rules", "absent", "openmany"):
        out.append("### Rules per profile (open+close of `/srv/app0/data/f0.part` .. `f255.part` "
                   "in turn, confined: every open walks the trie, the verdict cache keeps 64)\n")
        out.append("| file rules | ratio [spread] | added | `cgfence load` time in the VM |")
        out.append("|---:|---:|---:|---:|")
        for n in (10, 1000, 10000, 100000):
            c = b.compare("rules", "r%d" % n, "openmany")
            load = b.times.get("load r%d" % n, [])
            out.append("| %d | %s | %s | %s |" % (
                n, "%.3f [%.3f–%.3f]" % c[:3] if c else "n/a", fmt_added(c[3]) if c else "n/a",
                "%d ms (median of %d)" % (med(load), len(load)) if load else "n/a"))
        out.append("")

    if b.has("containers", "absent", "open"):
        out.append("### Attached containers (open+close, confined in one of them)\n")
        out.append("| attached cgroups | ratio [spread] | added |")
        out.append("|---:|---:|---:|")
        for n in (1, 100, 1000, 10000):
            c = b.compare("containers", "n%d" % n, "open")
            out.append("| %d | %s | %s |" % (n, "%.3f [%.3f–%.3f]" % c[:3] if c else "n/a",
                                            fmt_added(c[3]) if c else "n/a"))
        att = b.times.get("attach-many 1000-10000", [])
        if att:
            out.append("\nAttaching 9,000 more cgroups through netlink took %d ms "
                       "(median of %d) in the VM.\n" % (med(att), len(att)))
        else:
            out.append("")

    if b.has("depth1", "absent", "open"):
        out.append("### Path depth (open+close, confined by `typical`: `allow r /depthN/**`)\n")
        out.append("| components | absent | confined | ratio [spread] | added |")
        out.append("|---:|---:|---:|---:|---:|")
        for d in (1, 5, 10, 30):
            c = b.compare("depth%d" % d, "confined", "open")
            if c:
                out.append("| %d | %s | %s | %.3f [%.3f–%.3f] | %s |" % (
                    d, fmt_ns(c[4]), fmt_ns(c[5]), c[0], c[1], c[2], fmt_added(c[3])))
        out.append("")

    if b.lat:
        out.append("### Policy reload under load (open+close latency of a confined task)\n")
        out.append("Windows of 2 s, the three kinds side by side in each of %d rounds; per "
                   "window the task records every open+close. Latencies: median over rounds "
                   "[min–max]; p99 ratio: the window's p99 over the steady window's of the same "
                   "round, median [min–max]; max: the largest single latency of all windows of "
                   "the kind.\n" % len(b.lat.get("steady", {})))
        out.append("| window | ops per window | p50 | p99 | p99 ratio to steady | p99.9 | max "
                   "| tool runs per window |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        names = {"steady": "steady (nothing else)",
                 "check": "`cgfence check` loop (control)",
                 "reload": "`cgfence load` loop (replace)"}
        for kind in ("steady", "check", "reload"):
            ws = b.lat.get(kind)
            if not ws:
                continue

            def col(key):
                xs = [w[key] for w in ws.values()]
                return "%s [%s–%s]" % (fmt_ns(med(xs)), fmt_ns(min(xs)), fmt_ns(max(xs)))
            runs = list(b.runs.get(kind, {}).values())
            ratios = p99_ratios(b, kind)
            out.append("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
                names[kind], med([w["count"] for w in ws.values()]), col("p50"), col("p99"),
                "%.2f [%.2f–%.2f]" % (med(ratios), min(ratios), max(ratios)) if ratios else "–",
                col("p999"), fmt_ns(max(w["max"] for w in ws.values())),
                "%d" % med(runs) if runs else "–"))
        out.append("")

    if b.par:
        out.append("### Contention: tasks opening files side by side, one per vCPU\n")
        out.append("`opbench par`: 1 or 2 processes, each pinned to its own vCPU, open+close "
                   "their own file (`/bench/ro/par<i>`, allowed by `typical`'s `allow r "
                   "/bench/ro/**`) for 2 s from a common start, twice per task count and "
                   "configuration in each of %d rounds (median [min–max] over rounds). "
                   "Scaling: two tasks' opens per second over one task's, in the same round; "
                   "relative scaling: the confined scaling over the module-absent one of the "
                   "same round. A lock every confined open takes exclusively would pull it "
                   "below 1.\n" % len(b.par.get(("absent", 1), {})))
        out.append("| configuration | opens/s, 1 task | opens/s, 2 tasks | scaling 2 / 1 |")
        out.append("|---|---:|---:|---:|")
        for config, label in (("absent", "(1) module absent"), ("confined", "(4) confined by "
                                                                "`typical`")):
            cols = [list(par_rate(b, config, j).values()) for j in (1, 2)]
            out.append("| %s | %s | %s | %s |" % (
                label, *("%.0f" % med(c) if c else "n/a" for c in cols),
                fmt_spread(list(par_scaling(b, config).values()))))
        out.append("\nRelative scaling %s. Confined over absent, opens per second: 1 task %s, "
                   "2 tasks %s.\n" % (fmt_spread(par_relative_scaling(b)),
                                       fmt_spread(par_ratios(b, 1)),
                                       fmt_spread(par_ratios(b, 2))))

    other = ["insmod", "rmmod", "load typical"]
    cells = ["%s %d ms" % (w, med(b.times[w])) for w in other if b.times.get(w)]
    if cells:
        out.append("Control-plane steps in the VM (median): " + ", ".join(cells) + ".\n")


def target_rows(b):
    """{goal: (met or None, text)} for one boot."""
    rows = {}
    host = [(op, b.compare("main", "host", op)) for op in OPS if b.has("main", "host", op)]
    if host:
        worst = max(host, key=lambda x: x[1][0])
        rows[G_HOST] = (all(c[0] <= 1.01 for _, c in host),
                        "worst %s %+.1f%%; all: %s" % (
                            OP_NAMES[worst[0]], (worst[1][0] - 1) * 100,
                            ", ".join("%s %+.1f%%" % (op, (c[0] - 1) * 100) for op, c in host)))
    conf = [(op, b.compare("main", "confined", op)) for op in ("open", "openmany", "stat")
            if b.has("main", "confined", op)]
    if conf:
        rows[G_CONF] = (all(c[0] <= 1.05 for _, c in conf),
                        ", ".join("%s %+.1f%% (%s)" % (OP_NAMES[op], (c[0] - 1) * 100,
                                                      fmt_added(c[3])) for op, c in conf))
    r10, r10k = b.compare("rules", "r10", "openmany"), b.compare("rules", "r10000", "openmany")
    if r10 and r10k:
        pp = (r10k[0] - r10[0]) * 100
        rows[G_RULES] = (pp <= 1, "%+.1f pp (%+.1f%% → %+.1f%%; %s → %s)" % (
            pp, (r10[0] - 1) * 100, (r10k[0] - 1) * 100, fmt_added(r10[3]), fmt_added(r10k[3])))
    r100k = b.compare("rules", "r100000", "openmany")
    if b.has("rules", "absent", "openmany"):
        ok = bool(r100k is not None and b.times.get("load r100000") and
                  any("r100000 allows" in c and c.endswith("ok") for c in b.comments))
        rows[G_100K] = (ok, "`cgfence load` %d ms; allowed path %+.1f%% (%s); unlisted path "
                        "EACCES" % (med(b.times["load r100000"]), (r100k[0] - 1) * 100,
                                    fmt_added(r100k[3])) if ok else "see the log")
    d5, d30 = b.compare("depth5", "confined", "open"), b.compare("depth30", "confined", "open")
    if d5 and d30:
        rows[G_DEPTH] = (d30[3] <= 2 * d5[3], "%s vs %s: %.2f×" % (
            fmt_added(d30[3]), fmt_added(d5[3]), d30[3] / d5[3] if d5[3] > 0 else float("nan")))
    if b.lat.get("steady") and b.lat.get("reload"):
        rr = p99_ratios(b, "reload")
        r_ratio = med(rr)
        smax = max(w["max"] for w in b.lat["steady"].values())
        rmax = max(w["max"] for w in b.lat["reload"].values())
        text = "p99 during reloads %+.0f%% of the same round's steady window (median of %d " \
            "rounds, %+.0f%% to %+.0f%%)" % ((r_ratio - 1) * 100, len(rr), (min(rr) - 1) * 100,
                                            (max(rr) - 1) * 100)
        cmax = smax
        if b.lat.get("check"):
            cr = p99_ratios(b, "check")
            cmax = max(smax, max(w["max"] for w in b.lat["check"].values()))
            vs = [b.lat["reload"][r]["p99"] / b.lat["check"][r]["p99"]
                  for r in b.lat["reload"] if r in b.lat["check"]]
            text += "; the control loop (no kernel change) %+.0f%%, so reloads vs control " \
                "%+.0f%%" % ((med(cr) - 1) * 100, (med(vs) - 1) * 100)
        # A stall: a single open far slower than anything the windows without a replace
        # show (same machine, same competition for the CPUs).
        stall = rmax > 2 * cmax and rmax > 10_000_000
        text += "; longest open %s during reloads, %s without%s" % (
            fmt_ns(rmax), fmt_ns(cmax), " (a stall)" if stall else "")
        rows[G_RELOAD] = ((not stall) and r_ratio <= 1.10, text)
    relative = par_relative_scaling(b)
    if relative:
        # Collapse: two confined openers gain clearly less from the second CPU than two
        # unconfined ones of the same round (10% of slack for wall-time noise under TCG).
        rows[G_CONTENTION] = (med(relative) >= 0.9, "relative scaling %s (2 confined tasks "
                              "%.2f× one, absent %.2f×); confined over absent %s with 1 task, "
                              "%s with 2" % (
                                  fmt_spread(relative),
                                  med(list(par_scaling(b, "confined").values())),
                                  med(list(par_scaling(b, "absent").values())),
                                  fmt_spread(par_ratios(b, 1)), fmt_spread(par_ratios(b, 2))))
    return rows


G_HOST = "host tasks with policies loaded: within 1% of no module"
G_CONF = "confined, typical profile (54 rules): open+close and stat within 5%"
G_RULES = "10 → 10,000 rules: overhead grows at most 1 percentage point"
G_100K = "100,000 rules: loads and matches"
G_DEPTH = "path depth 30: at most twice the overhead (added time) of depth 5"
G_RELOAD = "reload under load: no stall, p99 open latency within 10% of steady state"
G_CONTENTION = "2 confined openers on 2 vCPUs: no throughput collapse (relative scaling at " \
    "least 0.9)"
GOALS = [G_HOST, G_CONF, G_RULES, G_100K, G_DEPTH, G_RELOAD, G_CONTENTION]
BOOT_TITLES = {
    "icount": "guest time counts instructions (-icount shift=0: 1 ns = 1 instruction), one vCPU",
    "wall": "guest time is host wall time under TCG, two vCPUs",
}


def targets_section(boots, out):
    per_boot = [(name, target_rows(b)) for name, b in boots]
    if not any(rows for _, rows in per_boot):
        return
    out.append("## Targets (goals, not asserted)\n")
    out.append("Judged on the icount boot where it measured the goal (its spread is a few "
               "tenths of a percent), else on wall time.\n")
    names = [n for n, _ in per_boot]
    out.append("| goal | status | " + " | ".join("measured, boot '%s'" % n for n in names) + " |")
    out.append("|---|---|" + "---|" * len(names))
    for goal in GOALS:
        cells = [rows.get(goal) for _, rows in per_boot]
        if not any(cells):
            continue
        judge = next(c for c in cells if c)
        status = {True: "**met**", False: "**missed**", None: "n/a"}[judge[0]]
        out.append("| %s | %s | %s |" % (goal, status,
                                         " | ".join(c[1] if c else "–" for c in cells)))
    out.append("")


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: report.py ENGINE_RAW MACHINE_TXT [NAME=BENCH_RAW...]")
    out = ["# cgfence benchmark results\n"]
    try:
        with open(sys.argv[2]) as f:
            out += ["- " + line.rstrip() for line in f if line.strip()]
        out.append("")
    except OSError:
        pass
    boots = []
    for arg in sys.argv[3:]:
        name, path = arg.split("=", 1)
        b = Bench()
        b.read(path)
        boots.append((name, b))
    targets_section(boots, out)
    engine_tables(sys.argv[1], out)
    for name, b in boots:
        vm_tables(b, name, out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
