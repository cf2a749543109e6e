#!/usr/bin/env python3
"""Compare `flowdist classify` with ref.py (an independent reading of
SPEC.md) row by row, on generated frames and on given captures.

  run.py --flowdist BIN --frames N --seed S --config C [C ...] [--pcap P ...]
         [--ingress-port N ...]

Exit 0 when every row, and every exit status, agrees; 1 with the first
differences (frame hex, both rows, the reference's reason) otherwise.
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402
import ref  # noqa: E402

SHOW = 5


def read_ref(path):
    """(exit status, frames) as ref.py reads the capture: the frames before
    a problem, and the problem's exit status."""
    frames = []
    try:
        with open(path, "rb") as f:
            frames.extend(ref.read_frames(f.read()))
    except ref.CaptureError as ex:
        return ex.code, frames
    return 0, frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flowdist", required=True)
    ap.add_argument("--frames", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--config", nargs="+", required=True)
    ap.add_argument("--pcap", nargs="*", default=[])
    ap.add_argument("--ingress-port", type=int, nargs="*", default=[0])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="spec_ref") as tmp:
        return compare(a, os.path.join(tmp, "generated.pcap"))


def compare(a, generated):
    """Writes a.frames frames to `generated`, compares there and on a.pcap;
    returns the exit status."""
    g = gen.G(a.seed)
    with open(generated, "wb") as f:
        f.write(gen.pcap([g.frame() for _ in range(a.frames)]))
    # Read once: only the decisions depend on the config and ingress port.
    captures = {p: read_ref(p) for p in [generated] + a.pcap}
    compared, bad = 0, []
    for c in a.config:
        t = subprocess.run([a.flowdist, "table", "--config", c, "--format", "csv"], capture_output=True, text=True)
        if t.returncode != 0:
            sys.exit("flowdist table --config %s failed: %s" % (c, t.stderr.strip()))
        cfg = ref.Config(c, t.stdout)
        for p, (rc, frames) in captures.items():
            for ingress in a.ingress_port:
                where = "%s, %s, ingress %d" % (os.path.basename(p), os.path.basename(c), ingress)
                out = subprocess.run([a.flowdist, "classify", "--config", c, "--pcap", p, "--format", "csv",
                                      "--ingress-port", str(ingress)], capture_output=True, text=True)
                decided = [ref.classify(cfg, fr, ingress) for fr in frames]
                rows = [r.csv(i) for i, r in enumerate(decided, 1)]
                # Both print the header first; a capture that is not one
                # (exit 2 before any frame) may print nothing at all.
                got = [ln for ln in out.stdout.split("\n")[1:] if ln]
                if (out.returncode == 0) != (rc == 0) or "panicked" in out.stderr:
                    bad.append("%s: flowdist exit %d (%s), reference exit %d"
                               % (where, out.returncode, out.stderr.strip()[:200], rc))
                if len(got) != len(rows):
                    bad.append("%s: flowdist %d rows, reference %d" % (where, len(got), len(rows)))
                for i, (x, y) in enumerate(zip(got, rows)):
                    if x != y:
                        # why: the reference's early exit, if it took one
                        bad.append("%s, frame %d%s\n  frame     %s\n  flowdist  %s\n  reference %s"
                                   % (where, i + 1, " (%s)" % decided[i].why if decided[i].why else "", frames[i].hex(), x, y))
                compared += min(len(got), len(rows))
    if bad:
        print("spec_ref: %d differences in %d rows; the first:" % (len(bad), compared))
        print("\n".join(bad[:SHOW]))
        return 1
    captured = sum(len(captures[p][1]) for p in a.pcap)
    print("spec_ref: %d rows agree: %d generated frames, %d frames in %d captures; %d configs x ingress ports %s"
          % (compared, len(captures[generated][1]), captured, len(a.pcap), len(a.config), a.ingress_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
