//! `flowdist`: the command line over the golden model.
//!
//! Every subcommand lives in `cmd/<name>.rs`; errors are one line on
//! stderr naming the file and the reason, exit code 2, never a panic.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

#[derive(Parser)]
#[command(name = "flowdist", version, about = "Stateless, connection-symmetric traffic distributor: golden model and tools")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    Classify(cmd::classify::Args),
    Table(cmd::table::Args),
    Hash(cmd::hash::Args),
    Which(cmd::which::Args),
    Split(cmd::split::Args),
    Demo(cmd::demo::Args),
    SnatPort(cmd::snat_port::Args),
    SnatTable(cmd::snat_table::Args),
    System(cmd::system::Args),
    Verilog(cmd::verilog::Args),
    Sim(cmd::sim::Args),
    Load(cmd::load::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => cmd::demo::run(&cmd::demo::Args::default()),
        Some(Command::Classify(a)) => cmd::classify::run(&a),
        Some(Command::Table(a)) => cmd::table::run(&a),
        Some(Command::Hash(a)) => cmd::hash::run(&a),
        Some(Command::Which(a)) => cmd::which::run(&a),
        Some(Command::Split(a)) => cmd::split::run(&a),
        Some(Command::Demo(a)) => cmd::demo::run(&a),
        Some(Command::SnatPort(a)) => cmd::snat_port::run(&a),
        Some(Command::SnatTable(a)) => cmd::snat_table::run(&a),
        Some(Command::System(a)) => cmd::system::run(&a),
        Some(Command::Verilog(a)) => cmd::verilog::run(&a),
        Some(Command::Sim(a)) => cmd::sim::run(&a),
        Some(Command::Load(a)) => cmd::load::run(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if !e.msg.is_empty() {
                eprintln!("flowdist: {e}");
            }
            ExitCode::from(e.code)
        }
    }
}
