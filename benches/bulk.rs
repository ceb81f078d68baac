//! Bulk loading over HTTP while searches run.
//!
//! `cargo bench --bench bulk` (size: `BENCH_DOCS`, default 100000; batch: `BENCH_BATCH`, default
//! 1000; concurrent connections posting batches: `BENCH_CONNECTIONS`, default 1, one batch after
//! the other). Starts the real router on a loopback port over a fresh index, posts the synthetic
//! corpus as NDJSON batches (each answer comes after the batch is committed and searchable), and
//! meanwhile runs searches from another thread. Prints documents/s end to end and the search
//! latency during the load.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use databank::api::{router, ApiConfig};
use databank::engine::{Catalog, Databank};
use databank::synthetic::Generator;

const TOKEN: &str = "bench-token";

fn main() {
    let docs: usize = std::env::var("BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let batch: usize = std::env::var("BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let catalog = Catalog::embedded().expect("catalog");
    let mut generator = Generator::new(&catalog, 42);
    let bodies: Vec<String> = (0..docs)
        .map(|n| generator.document(n).to_string())
        .collect::<Vec<_>>()
        .chunks(batch)
        .map(|chunk| chunk.join("\n"))
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let databank = Arc::new(Databank::open(dir.path(), catalog).expect("open"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let app = router(
        databank,
        ApiConfig {
            admin_token: Some(TOKEN.into()),
            // The searching thread is one client asking 50 times a second.
            rate_limit: None,
            ..ApiConfig::default()
        },
    );
    runtime.spawn(async move { axum::serve(listener, app).await });

    let done = Arc::new(AtomicBool::new(false));
    let searcher = {
        let done = done.clone();
        let base = base.clone();
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::new();
            let queries = [
                "escuela jardín",
                "children council",
                "participació ciutadana",
                "éducation populaire",
                "학교 마을",
                "Schule Garten",
            ];
            let mut times = Vec::new();
            let mut n = 0;
            while !done.load(Ordering::Relaxed) {
                let q = queries[n % queries.len()];
                n += 1;
                let started = Instant::now();
                let response = client
                    .get(format!("{base}/v1/search"))
                    .query(&[("q", q), ("country", "ES")])
                    .send()
                    .expect("search");
                assert!(response.status().is_success());
                let _ = response.bytes();
                times.push(started.elapsed());
                std::thread::sleep(Duration::from_millis(20));
            }
            times
        })
    };
    let connections: usize = std::env::var("BENCH_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    // Each connection posts the next batch not yet taken, and waits for its answer.
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..connections {
            scope.spawn(|| {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(600))
                    .build()
                    .expect("client");
                while let Some(body) = bodies.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let response = client
                        .post(format!("{base}/v1/initiatives/bulk"))
                        .bearer_auth(TOKEN)
                        .header("content-type", "application/x-ndjson")
                        .body(body.clone())
                        .send()
                        .expect("bulk");
                    assert!(
                        response.status().is_success(),
                        "{}",
                        response.text().unwrap_or_default()
                    );
                }
            });
        }
    });
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let mut times = searcher.join().expect("searcher");
    times.sort();
    let at = |q: f64| {
        times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e3
    };
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "bulk over HTTP: {docs} docs in batches of {batch}, {connections} connection(s): {:.1} s = {:.0} docs/s (acknowledged = committed and searchable)",
        elapsed.as_secs_f64(),
        docs as f64 / elapsed.as_secs_f64()
    );
    println!(
        "searches during the load: {} searches, median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
