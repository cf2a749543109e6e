//! Engine 2: the emitted Verilog (`flowdist verilog`), built with Verilator
//! into a shared library with the C++ harness `sim/verilator/harness.cpp`
//! and loaded into this process; the Rust driver calls it once per cycle.
//!
//! Build: `verilator --cc --exe --build -O3` with `-fPIC` and `-shared`
//! (the "executable" is the library), TOOLCHAIN.md's warning flags, and the
//! C++ at `-O2` (Verilator's default `-Os` runs the model markedly slower).
//! `--trace` only for a [`Tracing::On`] build: a VCD is wanted only when a
//! mismatch is re-run, and tracing code slows every cycle. The library is
//! cached under the cargo target folder
//! (`<target>/flowdist-verilator/<hash>/`, the hash covering the Verilog,
//! the harness, the flags and Verilator's version), so a design is built
//! once; `FLOWDIST_VERILATOR_CACHE` names another folder.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use crate::engine::{CoreIn, CoreOut, Engine, EngineError};

const HARNESS: &str = include_str!("../verilator/harness.cpp");
/// The top module the harness expects (`flowdist verilog` names it so).
const TOP: &str = "flowdist_core";
const LIBRARY: &str = "libflowdist_core.so";
const FLAGS: &[&str] = &[
    "--cc",
    "--exe",
    "--build",
    "-j",
    "2",
    "-O3",
    "-Wno-WIDTH",
    "-Wno-SYMRSVDWORD",
    "-Wno-fatal",
    "-MAKEFLAGS",
    "OPT_FAST=-O2",
    "-CFLAGS",
    "-fPIC",
    "-LDFLAGS",
    "-shared",
];

/// Whether the model can write a VCD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tracing {
    Off,
    On,
}

impl Tracing {
    fn flags(self) -> &'static [&'static str] {
        match self {
            Tracing::Off => &[],
            Tracing::On => &["--trace"],
        }
    }
}

fn err(msg: impl Into<String>) -> EngineError {
    EngineError(msg.into())
}

/// Verilator's version line, or the error that names the package to install.
pub fn verilator_version() -> Result<String, EngineError> {
    let missing = || {
        err("verilator is not installed: the Verilator engine needs the Debian package `verilator` (apt-get install verilator)")
    };
    let out = Command::new("verilator").arg("--version").output().map_err(|_| missing())?;
    if !out.status.success() {
        return Err(missing());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// FNV-1a, 64 bits: a cache key stable across Rust versions.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for p in parts {
        for &b in p.iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The cargo target folder this program runs from (it holds `CACHEDIR.TAG`).
fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("FLOWDIST_VERILATOR_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("flowdist-verilator");
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(target) = exe.ancestors().find(|d| d.join("CACHEDIR.TAG").is_file()) {
            return target.join("flowdist-verilator");
        }
    }
    std::env::temp_dir().join("flowdist-verilator")
}

/// Builds in flight or done in this process, by cache key: one build per
/// design even when tests ask for it from several threads.
fn builds() -> &'static Mutex<HashMap<u64, std::sync::Arc<OnceLock<Result<PathBuf, EngineError>>>>> {
    static BUILDS: OnceLock<Mutex<HashMap<u64, std::sync::Arc<OnceLock<Result<PathBuf, EngineError>>>>>> = OnceLock::new();
    BUILDS.get_or_init(Default::default)
}

/// The shared library for `verilog` (module `flowdist_core`), built or
/// taken from the cache. `log` is told when a build starts (it takes a
/// minute or more).
pub fn build(verilog: &str, tracing: Tracing, log: &mut dyn FnMut(&str)) -> Result<PathBuf, EngineError> {
    let version = verilator_version()?;
    if !verilog.contains(&format!("module {TOP}")) {
        return Err(err(format!("the Verilog has no module `{TOP}` (generate it with `flowdist verilog`)")));
    }
    let flags = [FLAGS, tracing.flags()].concat();
    let key = fnv1a(&[verilog.as_bytes(), HARNESS.as_bytes(), flags.join(" ").as_bytes(), version.as_bytes()]);
    let cell = builds().lock().expect("no build panicked").entry(key).or_default().clone();
    cell.get_or_init(|| {
        let dir = cache_root().join(format!("{key:016x}"));
        let lib = dir.join(LIBRARY);
        if lib.is_file() {
            return Ok(lib);
        }
        log(&format!("building the Verilator model in {} (once per design)", dir.display()));
        build_into(&dir, verilog, &flags)
    })
    .clone()
}

fn build_into(dir: &Path, verilog: &str, flags: &[&str]) -> Result<PathBuf, EngineError> {
    // Built beside and renamed: an interrupted build leaves no library.
    let tmp = dir.with_extension(format!("tmp{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let io = |e: std::io::Error| err(format!("{}: {e}", tmp.display()));
    std::fs::create_dir_all(&tmp).map_err(io)?;
    std::fs::write(tmp.join("flowdist_core.v"), verilog).map_err(io)?;
    std::fs::write(tmp.join("harness.cpp"), HARNESS).map_err(io)?;
    let out = Command::new("verilator")
        .current_dir(&tmp)
        .args(flags)
        .args(["-o", LIBRARY, "--Mdir", "obj", "--top-module", TOP, "flowdist_core.v", "harness.cpp"])
        .output()
        .map_err(|e| err(format!("running verilator: {e}")))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(err(format!("verilator failed (build folder {}):\n{}", tmp.display(), tail.join("\n"))));
    }
    std::fs::rename(tmp.join("obj").join(LIBRARY), tmp.join(LIBRARY)).map_err(io)?;
    let _ = std::fs::remove_dir_all(tmp.join("obj"));
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    if std::fs::rename(&tmp, dir).is_err() {
        // Another process finished the same build first: use its library.
        let _ = std::fs::remove_dir_all(&tmp);
    }
    let lib = dir.join(LIBRARY);
    if lib.is_file() {
        Ok(lib)
    } else {
        Err(err(format!("{}: missing after the build", lib.display())))
    }
}

/// `fd_trace_open`'s answer in a model built without `--trace`.
const NOT_TRACED: c_int = -2;

type SizesFn = unsafe extern "C" fn(*mut u32, *mut u32);
type NewFn = unsafe extern "C" fn() -> *mut c_void;
type FreeFn = unsafe extern "C" fn(*mut c_void);
type TraceOpenFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type TraceCloseFn = unsafe extern "C" fn(*mut c_void);
type CycleFn = unsafe extern "C" fn(*mut c_void, *const CoreIn, *mut CoreOut);

/// A loaded library: its entry points. Never unloaded (Verilator's runtime
/// keeps process-wide state), so the functions stay valid.
#[derive(Clone, Copy)]
struct Library {
    new: NewFn,
    free: FreeFn,
    trace_open: TraceOpenFn,
    trace_close: TraceCloseFn,
    cycle: CycleFn,
}

fn dl_error() -> String {
    // SAFETY: dlerror returns null or a C string valid until the next dl call.
    unsafe {
        let e = libc::dlerror();
        if e.is_null() {
            "unknown error".into()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    }
}

fn load(path: &Path) -> Result<Library, EngineError> {
    let cpath = CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| err("library path with a NUL byte"))?;
    // SAFETY: dlopen/dlsym with valid C strings; each symbol is cast to the
    // signature harness.cpp defines for it (fd_sizes checks the structs).
    unsafe {
        let handle = libc::dlopen(cpath.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL);
        if handle.is_null() {
            return Err(err(format!("loading {}: {}", path.display(), dl_error())));
        }
        let sym = |name: &str| -> Result<*mut c_void, EngineError> {
            let c = CString::new(name).expect("symbol names have no NUL");
            let p = libc::dlsym(handle, c.as_ptr());
            if p.is_null() {
                Err(err(format!("{}: no symbol {name}: {}", path.display(), dl_error())))
            } else {
                Ok(p)
            }
        };
        let sizes: SizesFn = std::mem::transmute(sym("fd_sizes")?);
        let (mut i, mut o) = (0u32, 0u32);
        sizes(&mut i, &mut o);
        if (i as usize, o as usize) != (std::mem::size_of::<CoreIn>(), std::mem::size_of::<CoreOut>()) {
            return Err(err(format!("{}: harness structs of {i}/{o} bytes, Rust's differ", path.display())));
        }
        Ok(Library {
            new: std::mem::transmute::<*mut c_void, NewFn>(sym("fd_new")?),
            free: std::mem::transmute::<*mut c_void, FreeFn>(sym("fd_free")?),
            trace_open: std::mem::transmute::<*mut c_void, TraceOpenFn>(sym("fd_trace_open")?),
            trace_close: std::mem::transmute::<*mut c_void, TraceCloseFn>(sym("fd_trace_close")?),
            cycle: std::mem::transmute::<*mut c_void, CycleFn>(sym("fd_cycle")?),
        })
    }
}

/// One instance of the Verilated core, at power-up.
pub struct VerilatorEngine {
    lib: Library,
    handle: *mut c_void,
    core: crate::CoreKind,
}

impl VerilatorEngine {
    /// An instance of the library built by [`build`] from `core`'s Verilog.
    pub fn open(library: &Path, core: crate::CoreKind) -> Result<Self, EngineError> {
        let lib = load(library)?;
        // SAFETY: fd_new returns a fresh model owned by this engine.
        let handle = unsafe { (lib.new)() };
        if handle.is_null() {
            return Err(err("the harness could not create the model"));
        }
        Ok(VerilatorEngine { lib, handle, core })
    }
}

impl Drop for VerilatorEngine {
    fn drop(&mut self) {
        // SAFETY: the handle came from fd_new and is freed once.
        unsafe { (self.lib.free)(self.handle) }
    }
}

impl Engine for VerilatorEngine {
    fn name(&self) -> &'static str {
        "verilator"
    }

    fn cycle(&mut self, inputs: &CoreIn) -> Result<CoreOut, EngineError> {
        let mut out = CoreOut::default();
        // SAFETY: both structs have the harness's layout (checked at load).
        unsafe { (self.lib.cycle)(self.handle, inputs, &mut out) };
        Ok(out)
    }

    fn start_trace(&mut self, path: &Path) -> Result<(), EngineError> {
        let c = CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| err("VCD path with a NUL byte"))?;
        // SAFETY: a valid handle and C string.
        match unsafe { (self.lib.trace_open)(self.handle, c.as_ptr()) } {
            0 => Ok(()),
            NOT_TRACED => Err(err("this Verilator model was built without --trace (open the engine with Tracing::On)")),
            _ => Err(err(format!("{}: cannot write the VCD", path.display()))),
        }
    }

    fn stop_trace(&mut self) -> Result<(), EngineError> {
        // SAFETY: a valid handle.
        unsafe { (self.lib.trace_close)(self.handle) };
        Ok(())
    }

    fn core(&self) -> crate::CoreKind {
        self.core
    }
}
