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

# (`bare` is left out: its `service::call` is inlined, so callgrind never enters it to collect.)
IMPLEMENTATIONS = ["floor", "ours", "live", "tower-http"]
SCENARIOS = ["no_origin", "simple_allowed", "preflight_allowed", "exact_10000", "subdomain_pattern"]

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
quick = os.path.realpath(os.path.join(target, "release", "quick"))


def atomic_addresses(base):
    """Addresses of the binary's atomic instructions, the binary loaded at `base`."""
    disassembly = subprocess.run(
        ["objdump", "-d", "-C", "--no-show-raw-insn", quick], capture_output=True, text=True
    ).stdout
    atomic = {}
    every = set()
    function = "?"
    for line in disassembly.splitlines():
        m = re.match(r"[0-9a-f]+ <(.*)>:", line)
        if m:
            function = m.group(1)
            continue
        m = re.match(r"\s*([0-9a-f]+):\s+(.*)", line)
        if not m:
            continue
        address = int(m.group(1), 16) + base
        every.add(address)
        text = m.group(2)
        if text.startswith("lock ") or (text.startswith("xchg") and "(" in text):
            atomic[address] = short(function)
    return atomic, every


def short(function):
    """A function's name without its generic arguments' paths, for the table."""
    name = re.sub(r"<[^<>]*>", "", function)
    while name != (name := re.sub(r"<[^<>]*>", "", name)):
        pass
    return name.split("::")[-1] if name.count("::") > 2 else name


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
    # Valgrind maps a position-independent executable at its link address if it has one, else at
    # 0x108000: take the base under which the executed addresses are instructions.
    probe = executed(scenarios[0], "ours", 10)
    candidates = [atomic_addresses(base) for base in (0, 0x108000)]
    atomic, every = max(candidates, key=lambda c: sum(a in c[1] for a in probe))
    print("| scenario | " + " | ".join(IMPLEMENTATIONS) + " |")
    print("|---|" + "---|" * len(IMPLEMENTATIONS))
    for scenario in scenarios:
        cells = []
        for implementation in IMPLEMENTATIONS:
            counts = executed(scenario, implementation, n)
            unknown = [a for a in counts if a not in every]
            if len(unknown) > len(counts) // 100:
                sys.exit(f"{len(unknown)} of {len(counts)} addresses are not in the disassembly")
            # Ir of an instruction is its execution count.
            by_function = {}
            for address, c in counts.items():
                if address in atomic:
                    by_function[atomic[address]] = by_function.get(atomic[address], 0) + c
            total = sum(by_function.values()) / n
            detail = ", ".join(f"`{f}` {c / n:g}" for f, c in sorted(by_function.items()))
            cells.append(f"{total:g}" + (f" ({detail})" if detail else ""))
        print(f"| `{scenario}` | " + " | ".join(cells) + " |")


main()
