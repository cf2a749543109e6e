//! `board_verilog BOARD CONFIG OUT.v`: the portable part of a board top as
//! Verilog (the Makefile's `bit` target runs it). Errors: exit 2, one line.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, board, config, out] = &args[..] else {
        eprintln!("usage: board_verilog BOARD CONFIG OUT.v   (BOARD: colorlight-5a-75b, kcu105)");
        return ExitCode::from(2);
    };
    let result = model::Config::load(config.as_ref())
        .map_err(|e| e.0)
        .and_then(|c| match board.as_str() {
            "colorlight-5a-75b" => flowdist_boards::colorlight_5a_75b::verilog(&c),
            "kcu105" => flowdist_boards::kcu105::verilog(&c),
            b => Err(format!("unknown board {b} (colorlight-5a-75b, kcu105)")),
        })
        .and_then(|v| std::fs::write(out, v).map_err(|e| format!("{out}: {e}")));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("board_verilog: {e}");
            ExitCode::from(2)
        }
    }
}
