//! The `lianzheng` binary: see `lianzheng --help`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = lianzheng::cli::Cli::parse();
    match lianzheng::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
