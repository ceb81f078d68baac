//! Analysis throughput: the fused language tokenizer against the chain it replaced.
//!
//! `cargo bench --bench analysis` (size: `BENCH_DOCS`, default 5000). Tokenises the title,
//! summary and description of synthetic documents with their language's analyzer, once with
//! `SimpleTokenizer → LowerCaser → LanguageNormalizer` and once with the fused
//! `LanguageTokenizer` (both on a warm stem cache), and prints nanoseconds per token.

use std::time::Instant;

use databank::engine::analysis::language_tokenizer::LanguageTokenizer;
use databank::engine::analysis::normalizer::LanguageNormalizer;
use databank::engine::analysis::Analysis;
use databank::engine::Catalog;
use databank::synthetic::Generator;
use frostem::Algorithm;
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer, TokenStream};

fn main() {
    let docs: usize = std::env::var("BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let catalog = Catalog::embedded().expect("catalog");
    let analysis = Analysis::new(&catalog);
    let max_bytes = catalog.schema.analyzers.max_token_bytes;
    let mut generator = Generator::new(&catalog, 42);
    // (stemmer, text) pairs.
    let mut texts: Vec<(Option<Algorithm>, String)> = Vec::new();
    for n in 0..docs {
        let document = generator.document(n);
        let language = document["language"].as_str().unwrap_or("en");
        let stemmer = Algorithm::from_name(analysis.analyzer_for(language)).ok();
        for field in ["title", "summary", "description"] {
            if let Some(text) = document[field].as_str() {
                texts.push((stemmer, text.to_string()));
            }
        }
    }
    let chain = |stemmer| {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(LanguageNormalizer::new(stemmer, max_bytes))
            .build()
    };
    let fused = |stemmer| TextAnalyzer::from(LanguageTokenizer::new(stemmer, max_bytes));
    for (label, make) in [
        (
            "chain",
            &chain as &dyn Fn(Option<Algorithm>) -> TextAnalyzer,
        ),
        ("fused", &fused),
    ] {
        let mut analyzers: std::collections::HashMap<Option<Algorithm>, TextAnalyzer> =
            std::collections::HashMap::new();
        let mut best = f64::MAX;
        let mut tokens = 0usize;
        // The first round warms the stem cache; the best of the others is reported.
        for _ in 0..4 {
            tokens = 0;
            let started = Instant::now();
            for (stemmer, text) in &texts {
                let analyzer = analyzers.entry(*stemmer).or_insert_with(|| make(*stemmer));
                let mut stream = analyzer.token_stream(text);
                while stream.advance() {
                    tokens += stream.token().text.len().min(1);
                }
            }
            best = best.min(started.elapsed().as_secs_f64());
        }
        println!(
            "{label}: {tokens} tokens from {docs} synthetic docs: {:.0} ns/token (best of 3 warm rounds)",
            best * 1e9 / tokens as f64
        );
    }
}
