//! Index build and search latency, in-process, on the seed data and on a synthetic corpus.
//!
//! `cargo bench --bench search` (synthetic size: `BENCH_DOCS`, default 100000; documents per
//! committed batch: `BENCH_BUILD_BATCH`, default 10000; `BENCH_BUILD_ONLY=1` stops after the
//! builds; the segments a build leaves are merged into one before searching, as the server does
//! once writes go quiet, unless `BENCH_COMPACT=0`). Prints, per corpus: build time, docs/s and the CPU time the process spent building
//! (steadier than wall-clock time on a shared machine), index size, and median / p99 latency of
//! * `engine`: `Databank::search` — a 2-word query, two filters selected, the 4 default facets
//!   counted disjunctively, 20 hits with highlights;
//! * `api`: the whole HTTP answer through the axum router (parse, search, JSON), in-process.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use databank::engine::{Catalog, Databank, OnError, SearchRequest, SubmittedRow};
use databank::synthetic::{Generator, Rng};
use serde_json::Value;
use tower::ServiceExt;

/// Documents per committed batch while building (`BENCH_BUILD_BATCH`, default 10000).
fn build_batch() -> usize {
    std::env::var("BENCH_BUILD_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn main() {
    let synthetic_docs: usize = std::env::var("BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    println!(
        "machine: {} cores; corpus sizes: seed, {synthetic_docs} synthetic",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let catalog = Catalog::embedded().expect("catalog");

    let seed: Vec<Value> = databank::resources::seed_files()
        .into_iter()
        .flat_map(|(_, text)| {
            text.lines()
                .filter_map(|line| serde_json::from_str(line).ok())
                .collect::<Vec<_>>()
        })
        .collect();
    run_corpus("seed", seed, &catalog);

    let mut generator = Generator::new(&catalog, 42);
    let synthetic: Vec<Value> = (0..synthetic_docs).map(|n| generator.document(n)).collect();
    run_corpus("synthetic", synthetic, &catalog);
}

fn run_corpus(name: &str, documents: Vec<Value>, catalog: &Catalog) {
    let dir = tempfile::tempdir().expect("temp dir");
    let databank = Databank::open(dir.path(), catalog.clone()).expect("open");
    let count = documents.len();
    let words: usize = documents
        .iter()
        .map(|d| {
            d["description"]
                .as_str()
                .map_or(0, |t| t.split_whitespace().count())
                + d["title"]
                    .as_str()
                    .map_or(0, |t| t.split_whitespace().count())
                + d["summary"]
                    .as_str()
                    .map_or(0, |t| t.split_whitespace().count())
        })
        .sum();
    let queries = queries(&documents);
    let cpu_before = process_cpu_seconds();
    let started = Instant::now();
    let batch = build_batch();
    // As `databank import` loads: each batch validated while the previous one is indexed.
    let mut rows = documents
        .into_iter()
        .enumerate()
        .map(|(index, document)| SubmittedRow {
            line: index + 1,
            value: Ok(document),
        });
    let batches = std::iter::from_fn(|| {
        let chunk: Vec<SubmittedRow> = rows.by_ref().take(batch).collect();
        (!chunk.is_empty()).then_some(chunk)
    });
    databank
        .load_batches(batches, OnError::Abort, |summary| {
            assert!(summary.rejected.is_empty(), "{:?}", &summary.rejected[..1]);
        })
        .expect("load");
    let build = started.elapsed();
    let cpu = process_cpu_seconds() - cpu_before;
    println!(
        "\n[{name}] {count} docs (~{} words each): build {:.2} s = {:.0} docs/s (batches of {batch}, each committed; {cpu:.1} s of CPU); index size {:.1} MiB",
        words / count.max(1),
        build.as_secs_f64(),
        count as f64 / build.as_secs_f64(),
        dir_size(dir.path()) as f64 / (1024.0 * 1024.0)
    );
    if std::env::var("BENCH_BUILD_ONLY").is_ok_and(|v| v == "1") {
        return;
    }
    // What the server does once writes go quiet (`--compact-after-secs`); `BENCH_COMPACT=0`
    // searches the segments the build left.
    if std::env::var("BENCH_COMPACT").map_or(true, |v| v != "0") {
        let started = Instant::now();
        let segments = databank.segment_count();
        databank.compact().expect("compact");
        println!(
            "[{name}] {segments} segments merged into {} in {:.2} s",
            databank.segment_count(),
            started.elapsed().as_secs_f64()
        );
    }
    println!("[{name}] segments searched: {}", databank.segment_count());

    let requests: Vec<SearchRequest> = queries
        .iter()
        .map(|(q, country, theme)| {
            let mut request = SearchRequest {
                q: q.clone(),
                ..SearchRequest::default()
            };
            request
                .filters
                .insert("country".into(), vec![country.clone()]);
            request.filters.insert("theme".into(), vec![theme.clone()]);
            request
        })
        .collect();
    let plain: Vec<SearchRequest> = queries
        .iter()
        .map(|(q, _, _)| SearchRequest {
            q: q.clone(),
            facets: Some(vec![]),
            per_page: 10,
            ..SearchRequest::default()
        })
        .collect();
    let total_hits: u64 = requests
        .iter()
        .map(|request| databank.search(request).expect("search").total)
        .sum();
    let plain_hits: u64 = plain
        .iter()
        .map(|request| databank.search(request).expect("search").total)
        .sum();
    report(
        &format!(
            "[{name}] engine: 2-word query, top 10, no facets, no highlights (avg {} hits)",
            plain_hits / plain.len() as u64
        ),
        measure(&plain, |request| {
            databank.search(request).expect("search");
        }),
    );
    let bare: Vec<SearchRequest> = requests
        .iter()
        .map(|request| SearchRequest {
            highlight: false,
            ..request.clone()
        })
        .collect();
    report(&format!("[{name}] engine: 2-word query + 2 filters + 4 disjunctive facets, top 20 without highlights (avg {} hits)", total_hits / requests.len() as u64), measure(&bare, |request| {
        databank.search(request).expect("search");
    }));
    let plain_bare: Vec<SearchRequest> = bare
        .iter()
        .map(|request| SearchRequest {
            typos: false,
            cross_language: false,
            ..request.clone()
        })
        .collect();
    report(
        &format!("[{name}] engine: same, typo tolerance and cross-language expansion OFF"),
        measure(&plain_bare, |request| {
            databank.search(request).expect("search");
        }),
    );
    // The same searches with a typo in the first word (a letter dropped from its middle).
    let misspelled: Vec<SearchRequest> = bare
        .iter()
        .map(|request| {
            let mut words: Vec<String> = request.q.split_whitespace().map(str::to_string).collect();
            if let Some(first) = words.first_mut() {
                let chars: Vec<char> = first.chars().collect();
                if chars.len() >= 5 {
                    let middle = chars.len() / 2;
                    *first = chars
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != middle)
                        .map(|(_, c)| *c)
                        .collect();
                }
            }
            SearchRequest {
                q: words.join(" "),
                ..request.clone()
            }
        })
        .collect();
    let misspelled_hits: u64 = misspelled
        .iter()
        .map(|request| databank.search(request).expect("search").total)
        .sum();
    report(&format!("[{name}] engine: same with a typo in the first word, typos and cross-language ON (avg {} hits)", misspelled_hits / misspelled.len() as u64), measure(&misspelled, |request| {
        databank.search(request).expect("search");
    }));
    let misspelled_off: Vec<SearchRequest> = misspelled
        .iter()
        .map(|request| SearchRequest {
            typos: false,
            cross_language: false,
            ..request.clone()
        })
        .collect();
    report(
        &format!("[{name}] engine: same with a typo in the first word, both OFF"),
        measure(&misspelled_off, |request| {
            databank.search(request).expect("search");
        }),
    );
    report(&format!("[{name}] engine: 2-word query + 2 filters + 4 disjunctive facets + 20 highlighted hits (avg {} hits)", total_hits / requests.len() as u64), measure(&requests, |request| {
        databank.search(request).expect("search");
    }));

    let databank = Arc::new(databank);
    let config = databank::api::ApiConfig {
        rate_limit: None,
        ..databank::api::ApiConfig::default()
    };
    let router = databank::api::router(databank.clone(), config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let uris: Vec<String> = queries
        .iter()
        .map(|(q, country, theme)| {
            let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
            format!("/v1/search?q={q}&country={country}&theme={theme}")
        })
        .collect();
    report(
        &format!("[{name}] api: whole HTTP answer (router, JSON) for the same searches"),
        measure(&uris, |uri| {
            let router = router.clone();
            runtime.block_on(async move {
                let response = router
                    .oneshot(
                        axum::http::Request::builder()
                            .uri(uri.as_str())
                            .body(axum::body::Body::empty())
                            .expect("request"),
                    )
                    .await
                    .expect("response");
                assert_eq!(response.status(), 200);
                axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .expect("body");
            });
        }),
    );
}

/// Two-word queries from the corpus's own titles, each with a country and theme it has.
fn queries(documents: &[Value]) -> Vec<(String, String, String)> {
    let mut rng = Rng::new(7);
    let mut queries = Vec::new();
    while queries.len() < 200 {
        let document = &documents[rng.below(documents.len())];
        let words: Vec<&str> = document["title"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .filter(|w| w.chars().count() > 3)
            .collect();
        if words.len() < 2 {
            continue;
        }
        let first = rng.below(words.len());
        let second = (first + 1 + rng.below(words.len() - 1)) % words.len();
        queries.push((
            format!("{} {}", words[first], words[second]),
            document["country"].as_str().unwrap_or("ES").to_string(),
            document["themes"][0]
                .as_str()
                .unwrap_or("environment")
                .to_string(),
        ));
    }
    queries
}

fn measure<T>(inputs: &[T], mut run: impl FnMut(&T)) -> Vec<Duration> {
    for input in inputs.iter().take(20) {
        run(input);
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        for input in inputs {
            let started = Instant::now();
            run(input);
            times.push(started.elapsed());
        }
    }
    times.sort();
    times
}

fn report(label: &str, times: Vec<Duration>) {
    let at = |q: f64| {
        times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e3
    };
    println!(
        "{label}: median {:.3} ms, p99 {:.3} ms ({} runs)",
        at(0.5),
        at(0.99),
        times.len()
    );
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| {
                    entry.metadata().map_or(0, |m| {
                        if m.is_dir() {
                            dir_size(&entry.path())
                        } else {
                            m.len()
                        }
                    })
                })
                .sum()
        })
        .unwrap_or(0)
}

/// User + system CPU seconds of this process so far (Linux `/proc`; 0 elsewhere).
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name (which may hold spaces) close with ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields
        .get(11..13)
        .map(|both| both.iter().filter_map(|t| t.parse::<f64>().ok()).sum())
        .unwrap_or(0.0);
    ticks / 100.0
}
