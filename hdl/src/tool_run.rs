//! External Verilog tools (iverilog, Verilator, yosys) for the tests that
//! check generated or hand-written Verilog: one way to run them, and a
//! failure that names the Debian package when a tool is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh scratch folder for one test (per process, so parallel test
/// binaries do not collide).
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowdist-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder is writable");
    dir
}

/// Run `program` in `dir` and return its standard output; panics (the test
/// fails) naming `package` when the program is missing, and with its output
/// when it fails.
pub fn run_tool(dir: &Path, program: &str, args: &[&str], package: &str) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): install the Debian package `{package}`"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Verilator's lint of `file` with the flags rust-hdl's output needs.
pub fn verilator_lint(dir: &Path, top: &str, file: &str) {
    run_tool(dir, "verilator", &["--lint-only", "-Wno-WIDTH", "-Wno-SYMRSVDWORD", "--top-module", top, file], "verilator");
}

/// Build `tb.v` (module `tb`) with `top.v` in `dir` under iverilog, run it,
/// and return the lines the bench wrote to `out.txt`.
pub fn iverilog_run(dir: &Path) -> Vec<String> {
    run_tool(dir, "iverilog", &["-g2005", "-o", "tb.vvp", "-s", "tb", "tb.v", "top.v"], "iverilog");
    run_tool(dir, "vvp", &["-n", "tb.vvp"], "iverilog");
    let out = std::fs::read_to_string(dir.join("out.txt")).expect("the bench writes out.txt");
    out.lines().map(str::to_owned).collect()
}

/// A clocked iverilog bench for a block's Verilog (`top.v`, module `top`
/// instantiated as `dut` in `decls`): each cycle reads one line of stimulus
/// into the inputs with `$fscanf(scan_format, scan_args)` (past the
/// stimulus `idle` runs instead), lets it settle, runs `sample` (a
/// statement that may `$fdisplay(g, …)` a line, `t` being the cycle), then
/// clocks.
pub struct StimBench<'a> {
    /// `reg`/`wire` declarations (besides `clock`) and the instance.
    pub decls: &'a str,
    pub scan_format: &'a str,
    pub scan_args: &'a str,
    pub idle: &'a str,
    pub sample: &'a str,
}

impl StimBench<'_> {
    /// Writes `stim` (one line per cycle) and the bench into `dir`, runs
    /// `cycles` cycles and returns the lines the bench wrote.
    pub fn run(&self, dir: &Path, stim: &str, cycles: usize) -> Vec<String> {
        let steps = stim.lines().count();
        let tb = format!(
            r#"module tb;
reg clock = 0;
{decls}
integer t, f, g, n;
initial begin
  f = $fopen("stim.txt", "r");
  g = $fopen("out.txt", "w");
  for (t = 0; t < {cycles}; t = t + 1) begin
    if (t < {steps}) n = $fscanf(f, "{scan_format}\n", {scan_args});
    else begin {idle} end
    #1 {sample}
    #1 clock = 1;
    #1 clock = 0;
  end
  $fclose(g);
  $finish;
end
endmodule
"#,
            decls = self.decls,
            scan_format = self.scan_format,
            scan_args = self.scan_args,
            idle = self.idle,
            sample = self.sample,
        );
        std::fs::write(dir.join("stim.txt"), stim).expect("scratch folder is writable");
        std::fs::write(dir.join("tb.v"), tb).expect("scratch folder is writable");
        iverilog_run(dir)
    }
}
