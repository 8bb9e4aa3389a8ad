#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# The one TAP reader of the harness: every suite's results are judged here, by one rule.
"""Usage:
  tap.py flatten --name NAME [--exit-status RC] FILE   a test program's TAP -> unnumbered lines
  tap.py number [FILE]                                  unnumbered lines -> plan first, numbered
  tap.py check [--name NAME] [--expected-skips LIST] FILE
  tap.py summary [--expected-skips LIST] RESULTS_DIR SUITE...

The rule (one for every suite and every program):
- the plan "1..N" comes once, before the first result; N must be the number of results;
  "1..0", a missing plan, a second plan, a plan after results are failures;
- a result is "ok" or "not ok" at the start of the line, then an optional number (which must
  be the result's position), an optional "-" and the description. A directive is the text
  after the first unescaped "#" of the description, when it starts with SKIP or TODO in any
  case ("# skip", "# Todo: ..."); a "#" or "TODO" anywhere else is only text;
- "not ok" is a failure, numbered or not; an indented "not ok" (a subtest's) and
  "Bail out!" are failures too; "not ok ... # TODO reason" is an expected failure (a known
  gap), counted apart; "ok ... # TODO" fails (the gap is gone: drop the TODO);
- "ok ... # SKIP reason" is a skip. A skip fails the run unless the expected-skip list names
  it ("SUITE | DESCRIPTION | REASON", one a line); a SKIP or TODO without a reason fails;
- in flatten, a non-zero exit status with no failed result is one more failure, and so is a
  missing one (the program never finished).
"""

import os
import re
import sys

PLAN = re.compile(r'^1\.\.([0-9]+)(\s*#.*)?\s*$')
RESULT = re.compile(r'^(not ok|ok)\b(?:\s+([0-9]+))?(?:\s*-)?(?:\s+|$)(.*)$')
INDENTED_NOT_OK = re.compile(r'^\s+not ok\b')
BAIL = re.compile(r'^\s*Bail out!')
DIRECTIVE = re.compile(r'^\s*(SKIP|TODO)\S*\s*(.*)$', re.IGNORECASE)


class Result:
    def __init__(self, ok, desc, kind, reason):
        self.ok = ok
        self.desc = desc          # without the directive
        self.kind = kind          # '', 'SKIP' or 'TODO'
        self.reason = reason

    def line(self, prefix=''):
        text = prefix + self.desc
        if self.kind:
            text += ' # ' + self.kind + (' ' + self.reason if self.reason else '')
        return ('ok - ' if self.ok else 'not ok - ') + text


def split_directive(text):
    """(description, kind, reason): the directive is after the first unescaped '#'."""
    i = 0
    while i < len(text):
        if text[i] == '\\':
            i += 2
            continue
        if text[i] == '#':
            m = DIRECTIVE.match(text[i + 1:])
            if m:
                return text[:i].rstrip(), m.group(1).upper(), m.group(2).strip()
            break
        i += 1
    return text.strip(), '', ''


class Stream:
    """One TAP stream, read by the rule; problems are failures that belong to no result."""

    def __init__(self, lines):
        self.plan = None
        self.results = []
        self.problems = []
        self.comments = []        # (index of the next result, line)
        plans = 0
        for raw in lines:
            line = raw.rstrip('\r\n')
            if BAIL.match(line):
                self.problems.append('bailed out: ' + line.strip())
                continue
            if INDENTED_NOT_OK.match(line):
                self.problems.append('an indented "not ok" (a subtest failed): ' + line.strip())
                continue
            m = PLAN.match(line)
            if m:
                plans += 1
                if plans > 1:
                    self.problems.append('a second plan "%s"' % line.strip())
                    continue
                if self.results:
                    self.problems.append('the plan comes after %d results: it must come first'
                                         % len(self.results))
                self.plan = int(m.group(1))
                continue
            m = RESULT.match(line)
            if m:
                desc, kind, reason = split_directive(m.group(3))
                r = Result(m.group(1) == 'ok', desc or '(no description)', kind, reason)
                self.results.append(r)
                if m.group(2) is not None and int(m.group(2)) != len(self.results):
                    self.problems.append('result %s is number %d in the stream'
                                         % (m.group(2), len(self.results)))
                if kind and not reason:
                    self.problems.append('%s without a reason: %s' % (kind, desc))
                if r.ok and kind == 'TODO':
                    self.problems.append('"ok" with a TODO (the known gap is gone; drop the'
                                         ' TODO): %s' % desc)
                continue
            if line.startswith('#'):
                self.comments.append((len(self.results), line))
            elif line.strip():
                self.comments.append((len(self.results), '# ' + line))
        if self.plan is None:
            self.problems.append('no plan')
        elif self.plan == 0:
            self.problems.append('an empty plan "1..0": nothing was tested')
        elif self.plan != len(self.results):
            self.problems.append('planned %d results, got %d' % (self.plan, len(self.results)))
        elif not self.results:
            self.problems.append('no results')


def read(path):
    if path in (None, '-'):
        return sys.stdin.readlines()
    with open(path, errors='replace') as f:
        return f.readlines()


def cmd_flatten(args):
    """A program's TAP as unnumbered lines "ok - NAME: desc", with its problems as results."""
    name, status, path = None, None, None
    while args:
        a = args.pop(0)
        if a == '--name':
            name = args.pop(0)
        elif a == '--exit-status':
            v = args.pop(0)
            status = int(v) if v.lstrip('-').isdigit() else None
        else:
            path = a
    if not name:
        sys.exit(__doc__)
    s = Stream(read(path))
    out = []
    ci = 0
    for i, r in enumerate(s.results):
        while ci < len(s.comments) and s.comments[ci][0] <= i:
            out.append(s.comments[ci][1])
            ci += 1
        out.append(r.line(name + ': '))
    out.extend(c[1] for c in s.comments[ci:])
    for p in s.problems:
        out.append('not ok - %s: %s' % (name, p))
    failed = any(not r.ok and r.kind != 'TODO' for r in s.results) or s.problems
    if status is None:
        out.append('not ok - %s: the program finished (no exit status: it died or hung)' % name)
    elif status != 0 and not failed:
        out.append('not ok - %s: exited with status %d without a failed result' % (name, status))
    elif status == 0 and failed:
        out.append('# %s: exited with status 0 despite failures' % name)
    print('\n'.join(out))


def cmd_number(args):
    """Unnumbered results (from flatten and the runners' own checks) -> plan, numbered."""
    lines = read(args[0] if args else None)
    out, n = [], 0
    for raw in lines:
        line = raw.rstrip('\r\n')
        m = RESULT.match(line)
        if m:
            n += 1
            out.append('%s %d - %s' % (m.group(1), n, m.group(3)))
        elif PLAN.match(line):
            out.append('# (a plan inside the stream: %s)' % line)
        elif line.startswith('#') or INDENTED_NOT_OK.match(line) or BAIL.match(line):
            out.append(line)
        elif line.strip():
            out.append('# ' + line)
    print('1..%d' % n)
    print('\n'.join(out))


def load_expected_skips(path):
    """{(suite, description): reason}; a malformed line is a problem of its own."""
    skips, problems = {}, []
    if not path or not os.path.exists(path):
        return skips, problems
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = [p.strip() for p in line.split('|')]
            if len(parts) != 3 or not all(parts):
                problems.append('%s:%d: not "SUITE | DESCRIPTION | REASON"' % (path, no))
                continue
            skips[(parts[0], parts[1])] = parts[2]
    return skips, problems


class Verdict:
    def __init__(self, name, stream, skips):
        self.name = name
        self.passed = []
        self.failed = []          # descriptions of failed results and problems
        self.skipped = []         # (desc, reason, expected)
        self.todo = []
        for r in stream.results:
            if r.kind == 'SKIP' and r.ok:
                expected = (name, r.desc) in skips
                self.skipped.append((r.desc, r.reason, expected))
                if not expected:
                    self.failed.append('skipped, and not in the expected-skip list: %s # SKIP %s'
                                       % (r.desc, r.reason))
            elif r.kind == 'TODO' and not r.ok:
                self.todo.append((r.desc, r.reason))
            elif r.ok and not r.kind:
                self.passed.append(r.desc)
            elif r.ok:
                pass              # "ok # TODO": its problem is already recorded
            else:
                self.failed.append('not ok: ' + r.line()[len('not ok - '):])
        self.failed.extend(stream.problems)
        if stream.results and all(r.kind == 'SKIP' for r in stream.results):
            self.failed.append('every result was skipped')

    def report(self):
        lines = ['# %s: %d passed, %d failed, %d skipped, %d expected failures (TODO)'
                 % (self.name, len(self.passed), len(self.failed), len(self.skipped),
                    len(self.todo))]
        for f in self.failed:
            lines.append('#   FAIL %s' % f)
        for d, why, expected in self.skipped:
            lines.append('#   SKIP %s (%s)%s' % (d, why, '' if expected else ' UNEXPECTED'))
        for d, why in self.todo:
            lines.append('#   TODO %s (%s)' % (d, why))
        return lines


def cmd_check(args):
    name, skips_path, path = None, None, None
    while args:
        a = args.pop(0)
        if a == '--name':
            name = args.pop(0)
        elif a == '--expected-skips':
            skips_path = args.pop(0)
        else:
            path = a
    skips, problems = load_expected_skips(skips_path)
    v = Verdict(name or os.path.basename(path or '-'), Stream(read(path)), skips)
    v.failed.extend(problems)
    print('\n'.join(v.report()))
    sys.exit(1 if v.failed else 0)


def cmd_summary(args):
    """The closing lines of make check: each suite, then "N passed, N failed[, N skipped]"."""
    skips_path = None
    if args and args[0] == '--expected-skips':
        args.pop(0)
        skips_path = args.pop(0)
    if len(args) < 2:
        sys.exit(__doc__)
    rdir, suites = args[0], args[1:]
    skips, problems = load_expected_skips(skips_path)
    passed = failed = skipped = 0
    for p in problems:
        print('# expected skips: ' + p)
        failed += 1
    for suite in suites:
        tap = os.path.join(rdir, suite + '.tap')
        rc_file = os.path.join(rdir, suite + '.rc')
        if not os.path.exists(tap) or os.path.getsize(tap) == 0:
            print('# %s: no results (the suite did not run or did not finish)' % suite)
            failed += 1
        else:
            v = Verdict(suite, Stream(read(tap)), skips)
            print('\n'.join(v.report()))
            passed += len(v.passed) + len(v.todo)
            failed += len(v.failed)
            skipped += len(v.skipped)
        try:
            with open(rc_file) as f:
                rc = f.read().strip()
        except OSError:
            rc = None
        if rc is None:
            print('# %s: the runner\'s exit status was not recorded' % suite)
            failed += 1
        elif rc != '0':
            print('# %s: the runner exited with status %s (a failure of its own)' % (suite, rc))
            failed += 1
    narrowed = os.path.join(rdir, 'narrowed')
    if os.path.exists(narrowed):
        with open(narrowed) as f:
            for line in f.read().splitlines():
                print('# NARROWED RUN: %s: not every test ran (a failure)' % line)
                failed += 1
    if os.path.exists(os.path.join(rdir, 'build.failed')):
        print('# build failed')
        failed += 1
    tail = '%d passed, %d failed' % (passed, failed)
    if skipped:
        tail += ', %d skipped' % skipped
    print(tail)
    sys.exit(1 if failed else 0)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    cmds = {'flatten': cmd_flatten, 'number': cmd_number, 'check': cmd_check,
            'summary': cmd_summary}
    if cmd not in cmds:
        sys.exit(__doc__)
    cmds[cmd](args)


if __name__ == '__main__':
    main()
