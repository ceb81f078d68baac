//! Load: the release server under a realistic request mix over real HTTP (wrk), against the same
//! mix run in-process on as many threads as the server's search ceiling; and the server's memory.
//!
//! `cargo bench --bench load` — needs `wrk` (`apt-get install wrk`). Environment:
//! `BENCH_DOCS` (synthetic initiatives, default 100000), `BENCH_SECONDS` (per run, default 20),
//! `BENCH_CONNECTIONS` (wrk connections, default 16), `BENCH_THREADS` (in-process threads and
//! the server's `--max-concurrent-searches`, default: the number of cores), `BENCH_DATA_DIR`
//! (keep the data directory there and reuse its index; it also holds the mix as `paths.txt` and
//! the wrk script as `mix.lua`, to run wrk by hand).
//!
//! The mix (2,000 requests cycled): 40% plain 2-word searches, 30% searches with 1-3 filters, both
//! with the default facets and highlights; 20% suggest on a 3-5 letter prefix; 10% document
//! fetches. In-process runs the same parameter parsing and engine calls as the handlers, without
//! HTTP and JSON encoding (the strict baseline), and once more with the JSON encoding.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use databank::api::params;
use databank::engine::{Catalog, Databank, OnError, SubmittedRow};
use databank::synthetic::{Generator, Rng};
use serde_json::Value;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let docs = env_number("BENCH_DOCS", 100_000);
    let seconds = env_number("BENCH_SECONDS", 20) as u64;
    let connections = env_number("BENCH_CONNECTIONS", 16);
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = env_number("BENCH_THREADS", cores);
    println!(
        "machine: {cores} cores; corpus: {docs} synthetic initiatives; {threads} search threads; {seconds} s per run"
    );
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk is not installed: apt-get install wrk");
        std::process::exit(2);
    }
    let catalog = Catalog::embedded().expect("catalog");
    let dir = tempfile::tempdir().expect("temp dir");
    // BENCH_DATA_DIR keeps the data directory (and reuses its index) between runs.
    let data_dir = std::env::var_os("BENCH_DATA_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().to_path_buf());
    let index_dir = data_dir.join("index");
    let mut generator = Generator::new(&catalog, 42);
    let documents: Vec<Value> = (0..docs).map(|n| generator.document(n)).collect();
    let mix = request_mix(&documents);
    if !index_dir.join("meta.json").exists() {
        let started = Instant::now();
        let databank = Databank::open(&index_dir, catalog.clone()).expect("open");
        for (chunk_number, chunk) in documents.chunks(10_000).enumerate() {
            let rows = chunk
                .iter()
                .enumerate()
                .map(|(n, document)| SubmittedRow {
                    line: chunk_number * 10_000 + n + 1,
                    value: Ok(document.clone()),
                })
                .collect();
            databank.load(rows, OnError::Abort, false).expect("load");
        }
        // What the server does once writes go quiet: one segment.
        databank.compact().expect("compact");
        databank.close().expect("close");
        println!("index built in {:.1} s", started.elapsed().as_secs_f64());
    }
    drop(documents);

    let in_process = {
        let databank =
            Arc::new(Databank::open_read_only(&index_dir, catalog.clone()).expect("open"));
        let engine = run_in_process(&databank, &mix, threads, seconds, false);
        report("in-process (engine)", &engine);
        let with_json = run_in_process(&databank, &mix, threads, seconds, true);
        report("in-process (engine + JSON)", &with_json);
        engine
    };

    let (mut server, base) = start_server(&data_dir, threads);
    let paths_file = data_dir.join("paths.txt");
    std::fs::write(&paths_file, mix.join("\n")).expect("paths");
    let script = data_dir.join("mix.lua");
    std::fs::write(&script, WRK_SCRIPT).expect("script");
    // Warm up (page cache, suggesters), then measure.
    run_wrk(&base, &script, &paths_file, connections, 3);
    let http = run_wrk(&base, &script, &paths_file, connections, seconds);
    report("HTTP (wrk)", &http);
    let memory = memory_of(server.id());
    let _ = server.kill();
    let _ = server.wait();

    println!();
    println!(
        "HTTP / in-process throughput: {:.2} (target ≥ 0.75)",
        http.per_second / in_process.per_second
    );
    println!(
        "HTTP p99 / p50: {:.1} (target ≤ 4)",
        http.p99_ms / http.p50_ms.max(f64::EPSILON)
    );
    println!(
        "server memory after the run: RSS {} MB (anonymous {} MB, mapped index files {} MB), peak RSS {} MB (target ≤ 400)",
        memory.rss_kb / 1024,
        memory.anon_kb / 1024,
        memory.file_kb / 1024,
        memory.peak_kb / 1024
    );
}

/// Throughput and latency of one run.
struct Outcome {
    requests: u64,
    errors: u64,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn report(name: &str, outcome: &Outcome) {
    println!(
        "{name:<28} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {} errors)",
        outcome.per_second, outcome.p50_ms, outcome.p99_ms, outcome.requests, outcome.errors
    );
}

/// The request mix, as URL paths with query strings.
fn request_mix(documents: &[Value]) -> Vec<String> {
    let mut rng = Rng::new(11);
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let mut mix = Vec::new();
    while mix.len() < 2_000 {
        let document = &documents[rng.below(documents.len())];
        let words: Vec<&str> = document["title"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .filter(|word| word.chars().count() > 3)
            .collect();
        if words.len() < 2 {
            continue;
        }
        let first = words[rng.below(words.len())];
        let second = words[rng.below(words.len())];
        let kind = rng.below(10);
        let path = match kind {
            0..=3 => format!("/v1/search?q={}", encode(&format!("{first} {second}"))),
            4..=6 => {
                let mut path = format!(
                    "/v1/search?q={}&country={}",
                    encode(first),
                    document["country"].as_str().unwrap_or("ES")
                );
                if rng.below(3) > 0 {
                    path.push_str(&format!(
                        "&theme={}",
                        document["themes"][0].as_str().unwrap_or("environment")
                    ));
                }
                if rng.below(3) == 0 {
                    path.push_str(&format!(
                        "&sdg={}",
                        document["sdgs"][0].as_u64().unwrap_or(4)
                    ));
                }
                path
            }
            7 | 8 => {
                let prefix: String = first.chars().take(3 + rng.below(3)).collect();
                format!("/v1/suggest?q={}", encode(&prefix))
            }
            _ => format!(
                "/v1/initiatives/{}",
                documents[rng.below(documents.len())]["id"]
                    .as_str()
                    .unwrap_or_default()
            ),
        };
        mix.push(path);
    }
    mix
}

/// One request of the mix, the way the handlers run it (minus HTTP).
fn execute(databank: &Databank, path: &str, encode: bool) -> bool {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let raw = params::from_query_string(query);
    let bytes = match route {
        "/v1/search" => {
            let Ok(request) = params::search_request(&raw) else {
                return false;
            };
            match databank.search(&request) {
                Ok(response) if encode => serde_json::to_vec(&response).map(|b| b.len()).ok(),
                Ok(response) => Some(response.hits.len()),
                Err(_) => None,
            }
        }
        "/v1/suggest" => {
            let q = raw
                .get("q")
                .and_then(|v| v.last())
                .cloned()
                .unwrap_or_default();
            match databank.suggest(&q, None) {
                Ok(suggestions) if encode => serde_json::to_vec(&suggestions).map(|b| b.len()).ok(),
                Ok(suggestions) => Some(suggestions.len()),
                Err(_) => None,
            }
        }
        document => {
            let id = document.trim_start_matches("/v1/initiatives/");
            match databank.get(id) {
                Ok(stored) if encode => serde_json::to_vec(&stored).map(|b| b.len()).ok(),
                Ok(stored) => Some(stored.len()),
                Err(_) => None,
            }
        }
    };
    bytes.is_some()
}

fn run_in_process(
    databank: &Arc<Databank>,
    mix: &[String],
    threads: usize,
    seconds: u64,
    encode: bool,
) -> Outcome {
    // Warm-up pass.
    for path in mix.iter().take(200) {
        execute(databank, path, encode);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|thread| {
            let (databank, stop, mix) = (databank.clone(), stop.clone(), mix.to_vec());
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut errors = 0u64;
                let mut n = thread * mix.len() / threads.max(1);
                while !stop.load(Ordering::Relaxed) {
                    let began = Instant::now();
                    if !execute(&databank, &mix[n % mix.len()], encode) {
                        errors += 1;
                    }
                    latencies.push(began.elapsed());
                    n += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (mut times, failed) = worker.join().expect("worker");
        latencies.append(&mut times);
        errors += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Outcome {
        requests: latencies.len() as u64,
        errors,
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
    }
}

fn start_server(data_dir: &Path, threads: usize) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_databank"))
        .arg("--data-dir")
        .arg(data_dir)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--no-seed",
            "--rate-limit",
            "0",
        ])
        .args(["--max-concurrent-searches", &threads.to_string()])
        .env("DATABANK_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn databank");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(url) = line.strip_prefix("databank listening on ") {
                    break url.to_string();
                }
            }
            _ => panic!("the server did not start"),
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

const WRK_SCRIPT: &str = r#"
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local next_thread = 0
setup = function(thread)
  thread:set("offset", next_thread * 997)
  next_thread = next_thread + 1
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[((offset or 0) + n) % #paths + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %d %f %f %f\n", summary.requests, errors,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"#;

fn run_wrk(base: &str, script: &Path, paths: &Path, connections: usize, seconds: u64) -> Outcome {
    let output = Command::new("wrk")
        .args([
            "-t",
            "2",
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
        ])
        .arg("-s")
        .arg(script)
        .arg(base)
        .env("BENCH_PATHS", paths)
        .output()
        .expect("wrk");
    let text = String::from_utf8_lossy(&output.stdout);
    let result = text
        .lines()
        .find_map(|line| line.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("wrk printed no result: {text}"));
    let fields: Vec<f64> = result
        .split_whitespace()
        .filter_map(|field| field.parse().ok())
        .collect();
    let _ = std::io::stdout().flush();
    Outcome {
        requests: fields[0] as u64,
        errors: fields[1] as u64,
        per_second: fields[0] / fields[2],
        p50_ms: fields[3],
        p99_ms: fields[4],
    }
}

struct Memory {
    rss_kb: u64,
    anon_kb: u64,
    file_kb: u64,
    peak_kb: u64,
}

fn memory_of(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse().ok())
            .unwrap_or(0)
    };
    Memory {
        rss_kb: field("VmRSS:"),
        anon_kb: field("RssAnon:"),
        file_kb: field("RssFile:"),
        peak_kb: field("VmHWM:"),
    }
}
