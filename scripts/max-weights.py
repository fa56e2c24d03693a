#!/usr/bin/env python3
"""Merge weight files from several runs of the same benchmark: every figure the runs measured
(each `Weight::from_parts(ref_time, proof_size)`, each "Minimum execution time") becomes the
largest of the runs. The runs must come from one command (same template, same components).

A machine whose results swing between runs is charged at its slowest run: for a linear weight
`a + b·n`, the merged `max(a) + max(b)·n` is above every run's line for every `n >= 0`.

The benchmark CLI leaves out a slope it measured as zero, so one run's function may lack a term
another run has. Functions are merged term by term: a term is a line of the function's code with
its figures taken out, told apart by component and by which of time and proof size it carries;
each function is written from the run that has every term any run has (one always does when the
runs differ only by slopes measured as zero: the run with the most terms is checked to hold
them all), each term's figures the largest over the runs that have it. Anything else is refused.

Usage: max-weights.py RUN1.rs RUN2.rs ... > MERGED.rs
"""
import re
import sys

FIGURE = re.compile(r"(Weight::from_parts\()([0-9_]+), ([0-9_]+)(\))|(Minimum execution time: )([0-9_]+)( picoseconds)")
FUNCTION = re.compile(r"(?m)^\tfn (\w+)\(")


def number(text):
    return int(text.replace("_", ""))


def like(n, original):
    """`n` written as the runs wrote it: grouped by thousands where they grouped."""
    return f"{n:_}" if "_" in original else str(n)


def key(line):
    """A line without its figures, marked by which figures are non-zero (a time slope and a
    proof-size slope of one component differ only there)."""
    def mark(m):
        if m.group(1):
            t, p = number(m.group(2)), number(m.group(3))
            return "W(" + ("t" if t else "") + ("p" if p else "") + ")"
        return "min"
    return FIGURE.sub(mark, line)


def figures(line):
    out = []
    for m in FIGURE.finditer(line):
        out.append((number(m.group(2)), number(m.group(3))) if m.group(1) else (number(m.group(6)),))
    return out


def split(text):
    """The text before the first function, and each function's name and lines (a function
    runs from its doc comments' end to the next function's start)."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if FUNCTION.match(line)]
    if not starts:
        return lines, []
    # A function's block starts after the previous one's closing `}` (its comments included).
    blocks = []
    head_end = starts[0]
    while head_end > 0 and lines[head_end - 1].startswith("\t//"):
        head_end -= 1
    bounds = []
    for n, start in enumerate(starts):
        begin = head_end if n == 0 else bounds[-1][1]
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        if n + 1 < len(starts):
            while end > start and lines[end - 1].startswith("\t//"):
                end -= 1
        bounds.append((begin, end))
    for (begin, end), start in zip(bounds, starts):
        blocks.append((FUNCTION.match(lines[start]).group(1), lines[begin:end]))
    return lines[:head_end], blocks


def keyed(lines):
    """`(key, occurrence)` of each line with figures, in order."""
    seen = {}
    out = []
    for line in lines:
        if not FIGURE.search(line):
            out.append(None)
            continue
        k = key(line)
        seen[k] = seen.get(k, 0) + 1
        out.append((k, seen[k]))
    return out


SIGNATURE = re.compile(r"\b_(\w+): u32")


def plain(lines):
    """The code lines without figures, parameters named without the `_` the CLI puts on a
    component measured with no slope, comments (dates, paths, errors) left out."""
    return [SIGNATURE.sub(r"\1: u32", line) for line in lines
            if not line.lstrip().startswith("//") and line.strip() and not FIGURE.search(line)]


def main(paths):
    texts = [open(p).read() for p in paths]
    parts = [split(t) for t in texts]
    names = [[name for name, _ in blocks] for _, blocks in parts]
    if any(n != names[0] for n in names):
        sys.exit("the runs benchmark different functions (another command?)")
    heads = {tuple(plain(head)) for head, _ in parts}
    if len(heads) != 1:
        sys.exit("the runs differ before their functions (another command or template?)")
    head, _ = parts[0]
    out = list(head)
    for index, name in enumerate(names[0]):
        runs = [blocks[index][1] for _, blocks in parts]
        if len({tuple(plain(lines)) for lines in runs}) != 1:
            sys.exit(f"`{name}`: the runs differ in more than their figures and zero slopes")
        # Each term's largest figures, and the text of each term from a run that has it.
        best, text = {}, {}
        for lines in runs:
            for line, k in zip(lines, keyed(lines)):
                if k is None:
                    continue
                figs = figures(line)
                best[k] = [tuple(max(a, b) for a, b in zip(old, new)) for old, new in zip(best[k], figs)] if k in best else figs
                text.setdefault(k, line)
        base = max(runs, key=lambda lines: sum(k is not None for k in keyed(lines)))
        missing = [k for k in text if k not in set(keyed(base)) and not k[0].lstrip().startswith("//")]
        # A component with a slope in any run is a named parameter.
        named = {m for lines in runs for line in lines if FUNCTION.match(line) for m in re.findall(r"\b(\w+): u32", line) if not m.startswith("_")}

        def write(line, k):
            it = iter(best[k])

            def replace(m):
                fig = next(it)
                if m.group(1):
                    return f"{m.group(1)}{like(fig[0], m.group(2))}, {like(fig[1], m.group(3))}{m.group(4)}"
                return f"{m.group(5)}{like(fig[0], m.group(6))}{m.group(7)}"

            return FIGURE.sub(replace, line)

        inserted = False
        for line, k in zip(base, keyed(base)):
            if FUNCTION.match(line):
                line = SIGNATURE.sub(lambda m: f"{m.group(1)}: u32" if m.group(1) in named else m.group(0), line)
            out.append(line if k is None else write(line, k))
            # Terms another run measured (a slope this run found zero) follow the base weight.
            if k is not None and not inserted and not line.lstrip().startswith("//"):
                out.extend(write(text[m], m) for m in missing)
                inserted = True
    note = f"//! EACH FIGURE: the largest of {len(paths)} runs of the command below (scripts/max-weights.py)."
    at = next((i for i, line in enumerate(out) if line.startswith("//! DATE:")), None)
    if at is None:
        at = next((i for i, line in enumerate(out) if line.startswith("//!")), 0)
    out.insert(at + 1, note)
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
