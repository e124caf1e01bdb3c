#!/usr/bin/env python3
"""Atomic read-modify-write instructions executed per request, by implementation and scenario.

A `lock`-prefixed instruction (or an `xchg` with memory, locked implicitly) is a write to memory
that every core must agree on: on a value all threads share, such as a reference count or a lock,
it is what stops a layer from scaling with cores. Callgrind records every instruction address
executed inside `cors_bench::service::call` (the request's path, harness excluded); this matches
them against the binary's disassembly and counts the atomic ones.

bench/atomics.py [N] [scenario ...]   (default 1000 requests; needs valgrind and objdump; run
after `cargo build --release -p cors-bench --bin quick`)
"""

import os
import re
import subprocess
import sys
import tempfile

IMPLEMENTATIONS = ["bare", "floor", "ours", "live", "tower-http"]
SCENARIOS = ["no_origin", "simple_allowed", "preflight_allowed", "exact_10000", "subdomain_pattern"]

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
quick = os.path.realpath(os.path.join(target, "release", "quick"))


def atomic_addresses():
    """Addresses of the binary's atomic instructions, as valgrind loads it."""
    header = subprocess.run(["readelf", "-h", quick], capture_output=True, text=True).stdout
    # Valgrind maps a position-independent executable at 0x108000 on amd64.
    base = 0x108000 if "DYN" in header else 0
    disassembly = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", quick], capture_output=True, text=True
    ).stdout
    atomic = {}
    every = set()
    for line in disassembly.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(.*)", line)
        if not m:
            continue
        address = int(m.group(1), 16) + base
        every.add(address)
        text = m.group(2)
        if text.startswith("lock ") or (text.startswith("xchg") and "(" in text):
            atomic[address] = text
    return atomic, every


def executed(scenario, implementation, n):
    """Instruction address -> executions, inside `service::call`, in the binary itself."""
    with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
        subprocess.run(
            [
                "valgrind", "--tool=callgrind", "--dump-instr=yes", "--dump-line=no",
                "--compress-pos=no", "--compress-strings=no", "--collect-atstart=no",
                "--toggle-collect=cors_bench::service::call*",
                f"--callgrind-out-file={out.name}", quick, "repeat", scenario, implementation,
                str(n),
            ],
            check=True, capture_output=True,
        )
        counts = {}
        in_binary = False
        skip_next = False
        with open(out.name) as f:
            for line in f:
                if line.startswith("ob="):
                    in_binary = os.path.realpath(line[3:].strip()) == quick
                    continue
                if line.startswith("calls="):
                    # The next line is the call's inclusive cost, not an instruction's own.
                    skip_next = True
                    continue
                if skip_next:
                    skip_next = False
                    continue
                if not in_binary or not line.startswith("0x"):
                    continue
                address, cost = line.split()[:2]
                counts[int(address, 16)] = counts.get(int(address, 16), 0) + int(cost)
        return counts


def main():
    args = sys.argv[1:]
    n = int(args[0]) if args and args[0].isdigit() else 1000
    scenarios = [a for a in args if not a.isdigit()] or SCENARIOS
    atomic, every = atomic_addresses()
    print("| scenario | " + " | ".join(IMPLEMENTATIONS) + " |")
    print("|---|" + "---|" * len(IMPLEMENTATIONS))
    for scenario in scenarios:
        cells = []
        for implementation in IMPLEMENTATIONS:
            counts = executed(scenario, implementation, n)
            unknown = [a for a in counts if a not in every]
            if len(unknown) > len(counts) // 100:
                sys.exit(f"{len(unknown)} of {len(counts)} addresses are not in the disassembly")
            hits = sum(c for a, c in counts.items() if a in atomic)
            # One request's worth: Ir of an instruction at a cost line is its execution count.
            cells.append(f"{hits / n:.1f}")
        print(f"| `{scenario}` | " + " | ".join(cells) + " |")


main()
