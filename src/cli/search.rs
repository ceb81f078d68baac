//! `databank search "query"`: one search from the terminal, as a table or `--json`.

use std::collections::BTreeMap;
use std::io::Write;

use clap::Args;

use super::Cli;
use crate::engine::search::{SearchRequest, SearchResponse, Sort};
use crate::engine::Databank;

/// Options of `databank search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query (words, "phrases", -exclusions).
    #[arg(default_value = "")]
    pub query: String,
    /// Country filter (ISO 3166-1 alpha-2), repeatable or a comma list.
    #[arg(long, value_delimiter = ',')]
    pub country: Vec<String>,
    /// Theme filter, repeatable or a comma list.
    #[arg(long, value_delimiter = ',')]
    pub theme: Vec<String>,
    /// SDG filter (1-17), repeatable or a comma list.
    #[arg(long, value_delimiter = ',')]
    pub sdg: Vec<String>,
    /// Language filter (ISO 639-1), repeatable or a comma list.
    #[arg(long, value_delimiter = ',')]
    pub language: Vec<String>,
    /// Target-group filter, repeatable or a comma list.
    #[arg(long, value_delimiter = ',')]
    pub target_group: Vec<String>,
    /// Charter principle filter (1-20), repeatable or a comma list.
    #[arg(long, value_delimiter = ',')]
    pub principle: Vec<String>,
    /// Started in or after this year.
    #[arg(long)]
    pub year_from: Option<i64>,
    /// Started in or before this year.
    #[arg(long)]
    pub year_to: Option<i64>,
    /// relevance, newest or start_year.
    #[arg(long)]
    pub sort: Option<String>,
    /// Page (1-based).
    #[arg(long, default_value_t = 1)]
    pub page: usize,
    /// Hits per page.
    #[arg(long, default_value_t = 10)]
    pub per_page: usize,
    /// Locale of labels and shown text.
    #[arg(long, default_value = "en")]
    pub locale: String,
    /// Print the API's JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs the search against the data directory (read-only: works while a server runs).
pub fn run(cli: &Cli, args: &SearchArgs) -> Result<(), Box<dyn std::error::Error>> {
    let databank = Databank::open_read_only(&cli.index_dir(), cli.catalog()?)?;
    if !databank.term_format_is_current()? {
        eprintln!(
            "warning: this index was written by an older build and finds too little; \
             run `databank reindex` (or start `databank serve`, which rebuilds it)"
        );
    }
    let mut filters = BTreeMap::new();
    for (name, values) in [
        ("country", &args.country),
        ("theme", &args.theme),
        ("sdg", &args.sdg),
        ("language", &args.language),
        ("target_group", &args.target_group),
        ("principle", &args.principle),
    ] {
        // As the API reads a comma list: `ES,` and `ES,,FR` have no empty value.
        let values: Vec<String> = values
            .iter()
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
            .map(str::to_string)
            .collect();
        if !values.is_empty() {
            filters.insert(name.to_string(), values);
        }
    }
    let request = SearchRequest {
        q: args.query.clone(),
        filters,
        year_from: args.year_from,
        year_to: args.year_to,
        sort: args.sort.as_deref().map(Sort::parse).transpose()?,
        page: args.page,
        per_page: args.per_page,
        locale: args.locale.clone(),
        facets: None,
        highlight: args.json,
        typos: true,
        cross_language: true,
    };
    let response = databank.search(&request)?;
    // Written, not printed: output piped into `head` ends quietly instead of panicking.
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&response)?)?;
    } else {
        write!(out, "{}", table(&response))?;
    }
    Ok(())
}

/// The response as a plain-text table.
pub fn table(response: &SearchResponse) -> String {
    let mut out = format!(
        "{} result(s) for {:?} ({:.1} ms), page {}\n\n",
        response.total, response.query, response.took_ms, response.page
    );
    if response.hits.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "{:>3}  {:<44}  {:<22}  {:<4}  {}\n",
        "#", "title", "city", "lang", "themes"
    ));
    let first = (response.page - 1) * response.per_page;
    for (index, hit) in response.hits.iter().enumerate() {
        out.push_str(&format!(
            "{:>3}  {:<44}  {:<22}  {:<4}  {}\n",
            first + index + 1,
            clip(&hit.title, 44),
            clip(&format!("{} ({})", hit.city, hit.country), 22),
            hit.shown_language,
            hit.themes.join(", ")
        ));
    }
    out
}

fn clip(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_string();
    }
    let mut clipped: String = text.chars().take(width - 1).collect();
    clipped.push('…');
    clipped
}
