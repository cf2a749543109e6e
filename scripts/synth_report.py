#!/usr/bin/env python3
"""One table of every synthesis result that scripts/synth.py left.

    scripts/synth_report.py [build/synth] [--design core --expect "ecp5-25f ecp5-85f ..."]
                            [--readme README.md]

Reads <dir>/<target>/<design>.json and prints a Markdown table: design,
target, LUTs (Yosys cells: LUT4 on ECP5/iCE40, LUT1-6 on Xilinx), carry
cells, FFs, LUT RAMs (ECP5 TRELLIS_DPR16X4: 16 x 4 bits each; Xilinx
RAM32/64 cells; blank for runs that did not count them), block RAMs, the placed logic cells (nextpnr), Fmax against the
goal, the critical path's first and last cell, and the commit the Verilog
came from. Figures include the synthesis wrapper's shift registers (column
"wrapper": FFs/LUTs it adds).

--expect lists the targets that should have a result for --design: a target
without one gets a row saying it was not measured (synth.py deletes the old
JSON before each run, so a failed or unfinished run never shows stale
figures). --readme rewrites the part of that file between the lines
`<!-- make report: begin -->` and `<!-- make report: end -->` with the table;
the file is left alone (exit 1) when the markers are missing.
"""

import argparse
import json
import sys
from pathlib import Path

ORDER = ["ecp5-25f", "ecp5-85f", "ice40-hx8k", "xilinx"]
BEGIN = "<!-- make report: begin -->"
END = "<!-- make report: end -->"


def load(root):
    rows = []
    for f in sorted(root.glob("*/*.json")):
        # Beside each result: yosys's netlist and nextpnr's timing report.
        if f.name.endswith((".netlist.json", ".timing.json")):
            continue
        try:
            rows.append(json.loads(f.read_text()))
        except (OSError, json.JSONDecodeError) as e:
            print(f"synth_report: skipping {f}: {e}", file=sys.stderr)
    return rows


def table(rows, missing, root):
    lines = [
        "| design | target | LUT | carry | FF | LUT RAM | BRAM | placed logic cells | Fmax MHz (goal) | critical path | wrapper FF/LUT | source |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|---|",
    ]
    for r in rows:
        placed = r.get("placed", {})
        cells = placed.get("TRELLIS_COMB", placed.get("ICESTORM_LC", ""))
        if "fmax_mhz" in r:
            fmax = f"{r['fmax_mhz']:.1f} ({r['goal_mhz']:g}{'' if r['meets_goal'] else ' MISSED'})"
            if "seed" in r:
                fmax += f", seed {r['seed']}"
            seeds = r.get("seeds", {})
            if len(seeds) > 1:
                # The best of several placements: say how wide they spread
                # (a result with an Fmax had at least one seed routed).
                routed = [f for f in seeds.values() if f]
                failed = len(seeds) - len(routed)
                fmax += f" of {len(seeds)} ({min(routed):.1f}–{max(routed):.1f}" + (f", {failed} failed)" if failed else ")")
        elif "pnr_error" in r:
            fmax = f"no P&R: {r['pnr_error'].replace('|', '/')}"
        else:
            fmax = "no P&R (estimate only)"
        path = f"{r['critical_from']} → {r['critical_to']}, {r['critical_ns']:.1f} ns" if "critical_from" in r else ""
        source = f"{r.get('commit', '?')}, {r.get('date', '?')}"
        lines.append(
            f"| {r['design']} | {r['target']} | {r['lut']} | {r['carry']} | {r['ff']} | {r.get('lutram', '')} | {r['bram']} "
            f"| {cells} | {fmax} "
            f"| {path} | {r['wrapper_ffs']}/{r['wrapper_luts']} | {source} |"
        )
    for design, target in missing:
        lines.append(
            f"| {design} | {target} | – | – | – | – | – | – | **not measured**: the run failed or did not finish "
            f"(logs: {root}/{target}/{design}.*.log) | | | |"
        )
    return "\n".join(lines)


def rewrite_readme(path, text):
    doc = path.read_text()
    if doc.count(BEGIN) != 1 or doc.count(END) != 1 or doc.index(BEGIN) > doc.index(END):
        print(f"synth_report: {path} needs one `{BEGIN}` line followed by one `{END}` line", file=sys.stderr)
        return False
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", default="build/synth", type=Path)
    ap.add_argument("--design", help="only this design's results")
    ap.add_argument("--expect", default="", help="targets (space or comma separated) that must have a result")
    ap.add_argument("--readme", type=Path, help="rewrite the marked region of this file with the table")
    args = ap.parse_args()
    rows = [r for r in load(args.dir) if args.design is None or r["design"] == args.design]
    have = {(r["design"], r["target"]) for r in rows}
    expect = [t for t in args.expect.replace(",", " ").split() if t]
    if expect and args.design is None:
        print("synth_report: --expect needs --design", file=sys.stderr)
        return 2
    missing = [(args.design, t) for t in expect if (args.design, t) not in have]
    if not rows and not missing:
        print(f"synth_report: no results under {args.dir} (run make synth or make synth-block first)", file=sys.stderr)
        return 1
    rank = lambda t: ORDER.index(t) if t in ORDER else 99
    rows.sort(key=lambda r: (r["design"], rank(r["target"])))
    missing.sort(key=lambda m: rank(m[1]))
    text = table(rows, missing, args.dir)
    print(text)
    if args.readme and not rewrite_readme(args.readme, text):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
