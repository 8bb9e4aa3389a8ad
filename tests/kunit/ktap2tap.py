#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Flattens the KTAP a KUnit kernel printed into the one-level TAP that tests/summary.sh counts.
"""Usage: ktap2tap.py CONSOLE_LOG KUNIT_EXIT_STATUS > kunit.tap

Every leaf result becomes one line named suite.case (suite.case.parameter for a
parameterised case). Nothing may look better than it was:

- a group (suite, parameterised case) that printed fewer results than its plan,
  or never printed its own result line (the kernel died), adds a "not ok";
- a group that says "not ok" while all its children passed adds a "not ok";
- a skipped leaf is "ok ... # SKIP reason". Linux 6.1 prints no directive on
  parameter lines, so when a case's statistics report skipped parameters, every
  parameter of that case that said "ok" is reported as skipped (never as a pass);
- no KTAP at all, or kunit.py failing while every result passed, is a "not ok".
Diagnostics printed before a failing result follow its "not ok" line.
"""

import re
import sys

KTAP_START = re.compile(r'(K?TAP) version [0-9]+\s*$')
KTAP_END = re.compile(r'List of all partitions:|Kernel panic - not syncing|'
                      r'reboot: System halted')
RESULT = re.compile(r'(not ok|ok) ([0-9]+)(?: - | |$)(.*)$')
DIRECTIVE = re.compile(r'\s*#\s*(SKIP|TODO)\b\s*(.*)$', re.IGNORECASE)
PLAN = re.compile(r'1\.\.([0-9]+)\s*$')
SUBTEST = re.compile(r'# Subtest: (.*?)\s*$')
STATS = re.compile(r'# (.*?): pass:([0-9]+) fail:([0-9]+) skip:([0-9]+) total:([0-9]+)\s*$')
INDENT = 4


class Group:
    """A KTAP (sub)test that has children: the run, a suite, a parameterised case."""

    def __init__(self, depth, name=None):
        self.depth = depth
        self.name = name
        self.plan = None
        self.seen = 0
        self.skip_stat = 0      # skips its own statistics line reports
        self.skip_lines = 0     # results at its level that carried a SKIP directive
        self.leaves = []        # [ok, name, directive, diagnostics], flattened
        self.direct = []        # the leaves that are this group's own results


def leaf(ok, name, directive='', diags=None):
    return [ok, name.replace('#', '(hash)'), directive, diags or []]


def is_skip(directive):
    return directive.upper().startswith('SKIP')


def full_name(stack, name):
    return '.'.join([g.name for g in stack if g.name] + [name])


def extract(lines):
    """The KTAP part of a console log, with the console prefix removed."""
    prefix = None
    for line in lines:
        line = line.rstrip('\r\n')
        if prefix is None:
            m = KTAP_START.search(line)
            if m:
                prefix = m.start()
                yield line[prefix:]
            continue
        if KTAP_END.search(line):
            return
        yield line[prefix:]


def convert(lines, kunit_status):
    stack = [Group(0)]
    diags = []
    started = False

    def close(group, result):
        """Pops @group, closed by its own @result line (None if it never came)."""
        nonlocal diags
        stack.pop()
        parent = stack[-1]
        label = full_name(stack, group.name or result and result[1] or '(unnamed)')
        if result is not None:
            parent.seen += 1
            parent.skip_lines += is_skip(result[2])
        short = group.plan is not None and group.seen < group.plan
        count = '%d of %s results' % (group.seen, group.plan if group.plan is not None else '?')
        if result is None:
            group.leaves.append(leaf(False, label + ': stopped after ' + count +
                                     ' (the kernel died or timed out)', '', diags[-20:]))
            diags = []
            parent.leaves.extend(group.leaves)
            return
        if short and result[0]:
            group.leaves.append(leaf(False, label + ': says ok after only ' + count))
        if not group.leaves:
            group.leaves.append(leaf(result[0], label, result[2], result[3]))
        else:
            # Skips the statistics count but no result line admits to: parameters, on 6.1.
            unexplained = group.skip_stat - group.skip_lines
            why = result[2] if is_skip(result[2]) else ''
            if unexplained > 0 and not why:
                why = 'SKIP %d of %d parameters skipped; Linux 6.1 does not say which' % (
                    group.skip_stat, len(group.direct))
            if why:
                for d in group.direct:
                    if d[0] and not d[2]:
                        d[2] = why
            if not result[0] and all(d[0] for d in group.leaves):
                group.leaves.append(leaf(False, label + ': reported failure', '', result[3]))
        parent.leaves.extend(group.leaves)

    for line in extract(lines):
        started = True
        body = line.lstrip(' ')
        depth = (len(line) - len(body)) // INDENT
        if not body:
            continue
        if not any(r.match(body) for r in (KTAP_START, SUBTEST, PLAN, STATS, RESULT)):
            # Failure messages (their indentation is not KTAP's) and whatever else the kernel
            # printed: kept for the next "not ok".
            diags.append(body if body.startswith('#') else '# ' + body)
            continue
        # Anything deeper than one level below this line never got its result line.
        while len(stack) > 1 and stack[-1].depth > depth + 1:
            close(stack[-1], None)
        top = stack[-1]

        if KTAP_START.match(body):
            # The run's own header, or the header of a group its "# Subtest:" line just opened.
            fresh = len(stack) > 1 and top.depth == depth and top.seen == 0 and top.plan is None
            if not fresh and not (depth == 0 and len(stack) == 1):
                stack.append(Group(depth))
            continue
        m = SUBTEST.match(body)
        if m:
            if top.depth == depth and top.name is None and len(stack) > 1:
                top.name = m.group(1)
            else:
                stack.append(Group(depth, m.group(1)))
            continue
        m = PLAN.match(body)
        if m:
            if top.depth == depth and top.plan is None:
                top.plan = int(m.group(1))
            continue
        m = STATS.match(body)
        if m:
            if top.depth == depth + 1 and m.group(1) == top.name:
                top.skip_stat = int(m.group(4))
            continue
        m = RESULT.match(body)
        if m:
            ok = m.group(1) == 'ok'
            name, directive = m.group(3), ''
            d = DIRECTIVE.search(name)
            if d:
                name, directive = name[:d.start()], (d.group(1).upper() + ' ' + d.group(2)).strip()
            name = name.strip() or '(unnamed)'
            result = [ok, name, directive, diags if not ok else []]
            diags = []
            if top.depth == depth + 1 and len(stack) > 1:
                close(top, result)
            else:
                top.seen += 1
                top.skip_lines += is_skip(directive)
                r = leaf(ok, full_name(stack, name), directive, result[3])
                top.leaves.append(r)
                top.direct.append(r)
            continue

    while len(stack) > 1:
        close(stack[-1], None)
    root = stack[0]
    out = root.leaves
    if not started:
        out.append(leaf(False, 'kunit run: the kernel printed no KTAP'))
    elif root.plan is not None and root.seen < root.plan:
        out.append(leaf(False, 'kunit run: %d of %d suites reported' % (root.seen, root.plan)))
    elif not out:
        out.append(leaf(False, 'kunit run: no test results'))
    if kunit_status != 0 and all(r[0] for r in out):
        out.append(leaf(False, 'kunit run: kunit.py exited with status %d' % kunit_status))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], errors='replace') as f:
        results = convert(f, int(sys.argv[2]))
    print('1..%d' % len(results))
    for i, (ok, name, directive, diags) in enumerate(results, 1):
        print('%s %d - %s%s' % ('ok' if ok else 'not ok', i, name,
                                ' # ' + directive if directive else ''))
        for d in diags:
            print(d)
    sys.exit(0 if all(r[0] or r[2].upper().startswith('TODO') for r in results) else 1)


if __name__ == '__main__':
    main()
