/*!
kpilens turns exported KPI history into an annotated Excel workbook.

The run is one pipeline, one module per stage:

```text
ingest  →  model  →  analysis  →  report
(files)    (tidy series +   (pure functions:     (workbook, JSON,
            KPI definitions) numbers in,          terminal)
                             findings out)
```

`config` turns flags and `kpis.toml` into one validated `RunConfig`; `run` dispatches
the subcommands. Analysis never reads files or writes cells; report never computes
statistics.
*/
pub mod analysis;
pub mod cli;
mod commands;
pub mod config;
pub mod error;
mod files;
pub mod ingest;
pub mod memory;
pub mod model;
mod output;
pub mod report;

use analysis::Results;
use cli::{Cli, Command};
use config::RunConfig;
use error::Result;

/// The tool's version, as written into reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Run one command; returns the process exit code on success.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Report(args) => commands::report(&args),
        Command::Check(args) => commands::check(&args),
        Command::Init(args) => commands::init(&args),
    }
}

/// Read every input and analyse it: the whole pipeline short of writing.
pub fn analyse(inputs: &[std::path::PathBuf], cfg: &RunConfig) -> Result<Results> {
    let dataset = ingest::read_inputs(inputs, &cfg.read)?;
    analysis::analyse(dataset, &cfg.analysis)
}

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
