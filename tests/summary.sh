#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Adds up the TAP results of every suite in a results directory into one closing line.
#
# Each suite writes DIR/<suite>.tap and the Makefile DIR/<suite>.rc, its runner's exit status.
# tests/tap.py judges every suite by one rule (see its header): a missing or empty suite, a
# plan that does not match, an unexpected skip, a runner that exited non-zero, a narrowed run
# (DIR/narrowed) each count as a failure. The last line is "N passed, N failed[, N skipped]".
set -u
dir=${1:?usage: summary.sh RESULTS_DIR [SUITE...]}
shift
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -gt 0 ] || set -- harness unit kunit fuzz e2e system package
exec python3 "$top/tests/tap.py" summary --expected-skips "$top/tests/expected-skips" "$dir" "$@"
