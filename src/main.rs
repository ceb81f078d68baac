//! The `databank` binary: parse the command line, set up logging, run the command.

use clap::Parser;
use databank::cli::{self, Cli, Command};

fn main() {
    let mut cli = Cli::parse();
    if let Err(error) = cli.read_config() {
        eprintln!("databank: {error}");
        std::process::exit(2);
    }
    let filter = tracing_subscriber::EnvFilter::try_from_env("DATABANK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter);
    match cli.log_format() {
        cli::config::LogFormat::Json => logs.json().flatten_event(true).init(),
        cli::config::LogFormat::Human => logs.init(),
    }
    let result = match &cli.command {
        Command::Serve(args) => cli::serve::run(&cli, args),
        Command::Search(args) => cli::search::run(&cli, args),
        Command::Analyze(args) => cli::analyze::run(&cli, args),
        Command::Import(args) => cli::transfer::import(&cli, args),
        Command::Export => cli::transfer::export(&cli),
        Command::Reindex(args) => cli::transfer::reindex(&cli, args),
        Command::Backup(args) => cli::backup::backup(&cli, args),
        Command::Restore(args) => cli::backup::restore(&cli, args),
    };
    if let Err(error) = result {
        // Output piped into `head` that stopped reading: nothing went wrong.
        if error
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        {
            return;
        }
        eprintln!("databank: {error}");
        std::process::exit(1);
    }
}
