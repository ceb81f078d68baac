//! `databank analyze --language ca "text"`: the tokens a text gives, to see what a language's
//! analyzer does (stemming, folding, CJK bigrams) before relying on it.

use std::io::Write;

use clap::Args;

use super::Cli;
use crate::engine::analysis::Analysis;

/// Options of `databank analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// ISO 639-1 code of the text's language.
    #[arg(long, default_value = "en")]
    pub language: String,
    /// The text.
    pub text: String,
}

/// Prints one line per token: position and text.
pub fn run(cli: &Cli, args: &AnalyzeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let analysis = Analysis::new(&cli.catalog()?);
    let analyzer = analysis.analyzer_for(&args.language);
    // Written, not printed: output piped into `head` ends quietly instead of panicking.
    let mut out = std::io::stdout().lock();
    writeln!(out, "analyzer: {analyzer}")?;
    for token in analysis.tokens(analyzer, &args.text) {
        writeln!(out, "{:>4}  {}", token.position, token.text)?;
    }
    Ok(())
}
