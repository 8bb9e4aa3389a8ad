#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Parses a file of Prometheus text with the Prometheus client's parser; prints what it found.
"""Usage: prom_check.py FILE: exit 0 and one line per family when the text parses."""
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    families = list(text_string_to_metric_families(text))
    for fam in families:
        if not fam.documentation or fam.type not in ("counter", "gauge"):
            print(f"{fam.name}: no HELP, or type {fam.type}")
            return 1
        print(f"{fam.name} {fam.type} {len(fam.samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
