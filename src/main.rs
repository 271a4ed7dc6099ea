//! kpilens command-line entry point: parse arguments, run, map errors to exit codes.
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    kpilens::memory::configure();
    let cli = kpilens::cli::Cli::parse();
    // Panics are caught where they happen (a reader at the file boundary, or here) and
    // reported once, in our words; the default hook would print a raw backtrace note.
    panic::set_hook(Box::new(|_| {}));
    match panic::catch_unwind(AssertUnwindSafe(|| kpilens::run(cli))) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(err)) => {
            eprintln!("kpilens: error: {err}");
            ExitCode::from(err.exit_code())
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            eprintln!("kpilens: internal error: {what} — this is a bug in kpilens; please report it with the command you ran and, if you can, the input");
            ExitCode::from(1)
        }
    }
}
