#!/usr/bin/env python3
"""Merge weight files from several runs of the same benchmark: every figure the runs measured
(each `Weight::from_parts(ref_time, proof_size)`, each "Minimum execution time") becomes the
largest of the runs. The runs must come from one command (same template, same components), so
their files differ in figures only; anything else is refused.

A machine whose results swing between runs is charged at its slowest run: for a linear weight
`a + b·n`, the merged `max(a) + max(b)·n` is above every run's line for every `n >= 0`.

Usage: max-weights.py RUN1.rs RUN2.rs ... > MERGED.rs
"""
import re
import sys

FIGURE = re.compile(r"(Weight::from_parts\()([0-9_]+), ([0-9_]+)(\))|(Minimum execution time: )([0-9_]+)( picoseconds)")


def figures(text):
    out = []
    for m in FIGURE.finditer(text):
        if m.group(1):
            out.append((int(m.group(2).replace("_", "")), int(m.group(3).replace("_", ""))))
        else:
            out.append((int(m.group(6).replace("_", "")),))
    return out


def like(n, original):
    """`n` written as the runs wrote it: grouped by thousands where they grouped."""
    return f"{n:_}" if "_" in original else str(n)


def main(paths):
    texts = [open(p).read() for p in paths]
    # Comments (the header's date and output path, standard errors) may differ between runs;
    # the code may not, but for its figures.
    shapes = {FIGURE.sub("#", re.sub(r"(?m)^\s*//.*$", "", t)) for t in texts}
    if len(shapes) != 1:
        sys.exit("the runs differ in more than their figures (another command or component range?)")
    runs = [figures(t) for t in texts]
    merged = [tuple(max(col) for col in zip(*column)) for column in zip(*runs)]
    it = iter(merged)

    def replace(m):
        best = next(it)
        if m.group(1):
            return f"{m.group(1)}{like(best[0], m.group(2))}, {like(best[1], m.group(3))}{m.group(4)}"
        return f"{m.group(5)}{like(best[0], m.group(6))}{m.group(7)}"

    text = FIGURE.sub(replace, texts[0])
    note = f"//! EACH FIGURE: the largest of {len(paths)} runs of the command below (scripts/max-weights.py)."
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("//! DATE:")), None)
    if at is None:
        at = next((i for i, line in enumerate(lines) if line.startswith("//!")), 0)
    lines.insert(at + 1, note)
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
