#!/usr/bin/env python3
"""One table of every synthesis result that scripts/synth.py left.

    scripts/synth_report.py [build/synth]

Reads <dir>/<target>/<design>.json and prints a Markdown table: design,
target, LUTs (Yosys cells: LUT4 on ECP5/iCE40, LUT1-6 on Xilinx), carry
cells, FFs, block RAMs, the placed logic cells (nextpnr), Fmax against the
goal. Figures include the synthesis wrapper's shift registers (column
"wrapper": FFs/LUTs it adds).
"""

import json
import sys
from pathlib import Path

ORDER = ["ecp5-25f", "ecp5-85f", "ice40-hx8k", "xilinx"]


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "build/synth")
    rows = []
    for f in sorted(root.glob("*/*.json")):
        if f.name.endswith(".netlist.json"):
            continue
        try:
            r = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError) as e:
            print(f"synth_report: skipping {f}: {e}", file=sys.stderr)
            continue
        rows.append(r)
    if not rows:
        print(f"synth_report: no results under {root} (run make synth or make synth-block first)", file=sys.stderr)
        return 1
    rows.sort(key=lambda r: (r["design"], ORDER.index(r["target"]) if r["target"] in ORDER else 99))
    print("| design | target | LUT | carry | FF | BRAM | placed logic cells | Fmax MHz (goal) | wrapper FF/LUT |")
    print("|---|---|---:|---:|---:|---:|---:|---|---:|")
    for r in rows:
        placed = r.get("placed", {})
        cells = placed.get("TRELLIS_COMB", placed.get("ICESTORM_LC", ""))
        if "fmax_mhz" in r:
            fmax = f"{r['fmax_mhz']:.1f} ({r['goal_mhz']:g}{'' if r['meets_goal'] else ' MISSED'})"
        else:
            fmax = "no P&R (estimate only)"
        print(
            f"| {r['design']} | {r['target']} | {r['lut']} | {r['carry']} | {r['ff']} | {r['bram']} | {cells} | {fmax} "
            f"| {r['wrapper_ffs']}/{r['wrapper_luts']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
