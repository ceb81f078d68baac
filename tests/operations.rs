//! Running in public, on a real server process: rate limit (429, then recovery), client IP from
//! a trusted proxy only, request timeout, search concurrency cap, CORS, ETag/304, compression,
//! request ids, Prometheus metrics, the OpenAPI document, the TOML configuration, snapshots
//! restored to exactly the batches acknowledged before them, and SIGTERM during a load.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use common::{document, Server};
use serde_json::Value;

const TOKEN: &str = "operations-token";

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// A server on the seed data with extra serve flags.
fn seeded(extra: &[&str]) -> Server {
    Server::start_with(tempfile::tempdir().expect("dir"), extra, Some(TOKEN))
}

fn batch(prefix: &str, size: usize) -> Vec<u8> {
    (0..size)
        .map(|n| {
            let doc = document(
                &format!("{prefix}-{n}"),
                Some("en"),
                &format!("Walking school bus {prefix} {n}"),
                "Parents and volunteers walk children to school along safe routes every morning.",
            );
            format!("{doc}\n")
        })
        .collect::<String>()
        .into_bytes()
}

fn load(base: &str, prefix: &str, size: usize) -> reqwest::Result<reqwest::blocking::Response> {
    client()
        .post(format!("{base}/v1/initiatives/bulk"))
        .header("content-type", "application/x-ndjson")
        .bearer_auth(TOKEN)
        .body(batch(prefix, size))
        .send()
}

/// Runs `databank --data-dir DATA_DIR ARGS...` and returns its output.
fn databank_cli(data_dir: &std::path::Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_databank"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("run databank")
}

/// The statuses of `GET` on the first and the last document of a batch.
fn ends(server: &Server, prefix: &str, size: usize) -> (u16, u16) {
    let status = |n: usize| server.get(&format!("/v1/initiatives/{prefix}-{n}")).0;
    (status(0), status(size - 1))
}

/// The value of one metric line (`name{labels} value`), 0 when absent.
fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (name, value) = line.rsplit_once(' ')?;
            (name == series).then(|| value.parse().ok())?
        })
        .unwrap_or(0.0)
}

/// The value of one metric of a running server.
fn scraped(base: &str, series: &str) -> f64 {
    let text = client()
        .get(format!("{base}/metrics"))
        .send()
        .expect("GET")
        .text()
        .expect("text");
    metric(&text, series)
}

#[test]
fn rate_limit_answers_429_with_retry_after_then_recovers() {
    let server = seeded(&["--rate-limit", "2", "--rate-limit-burst", "3"]);
    let url = format!("{}/v1/suggest?q=hu", server.base);
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..6 {
        let response = client().get(&url).send().expect("GET");
        statuses.push(response.status().as_u16());
        if response.status().as_u16() == 429 {
            retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse::<u64>().ok());
            let body: Value = response.json().expect("json");
            assert_eq!(body["error"]["code"], "rate_limited", "{body}");
        }
    }
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let wait = retry_after.expect("429 carries Retry-After");
    assert!((1..=2).contains(&wait), "Retry-After {wait}");
    // Probes are not limited.
    assert_eq!(server.get("/healthz").0, 200);
    std::thread::sleep(Duration::from_secs(wait));
    let response = client().get(&url).send().expect("GET");
    assert_eq!(
        response.status().as_u16(),
        200,
        "recovered after Retry-After"
    );
}

#[test]
fn forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
    let limited = |server: &Server, forwarded: &str| {
        (0..4)
            .map(|_| {
                client()
                    .get(format!("{}/v1/suggest?q=ca", server.base))
                    .header("x-forwarded-for", forwarded)
                    .send()
                    .expect("GET")
                    .status()
                    .as_u16()
            })
            .collect::<Vec<_>>()
    };
    let behind_proxy = seeded(&[
        "--rate-limit",
        "1",
        "--rate-limit-burst",
        "2",
        "--trusted-proxy",
        "127.0.0.1",
    ]);
    assert!(limited(&behind_proxy, "198.51.100.1").contains(&429));
    // Another client behind the same proxy has its own bucket.
    assert_eq!(&limited(&behind_proxy, "198.51.100.2")[..2], &[200, 200]);
    // A forged hop on the left does not help: the proxy appended the real client.
    assert!(limited(&behind_proxy, "203.0.113.77, 198.51.100.1").contains(&429));

    let direct = seeded(&["--rate-limit", "1", "--rate-limit-burst", "2"]);
    let started = std::time::Instant::now();
    let first = limited(&direct, "198.51.100.1");
    let second = limited(&direct, "198.51.100.2");
    // Without a trusted proxy the header is ignored: same peer, one bucket for both "clients":
    // the burst of 2 plus what the rate refilled meanwhile (two buckets would give 2 + 2).
    let accepted = first.iter().chain(&second).filter(|&&status| status == 200);
    let refilled = started.elapsed().as_secs();
    assert!(
        (accepted.count() as u64) <= 2 + refilled,
        "{first:?} {second:?} in {refilled} s"
    );
    assert!(second.contains(&429), "{second:?}");
}

#[test]
fn a_search_over_the_timeout_is_cut_with_503_and_the_server_goes_on() {
    let server = seeded(&["--request-timeout-ms", "1"]);
    let heavy = format!(
        "/v1/search?q={}&facets=country,theme,sdg,language,target_group,principle",
        "participacion ciudadana infantil escuela huerto jardin comunidad barrio educacion ciudad "
            .repeat(8)
            .trim()
    );
    let response = client()
        .get(format!("{}{heavy}", server.base))
        .send()
        .expect("GET");
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().expect("json");
    assert_eq!(body["error"]["code"], "timeout", "{body}");
    // The search page says the same, not "internal error".
    let page = client()
        .get(format!(
            "{}/{}",
            server.base,
            heavy.trim_start_matches("/v1/search")
        ))
        .send()
        .expect("GET page");
    assert_eq!(page.status().as_u16(), 503);
    let html = page.text().expect("html");
    assert!(html.contains(r#""code":"timeout""#), "{html}");
    assert!(!html.contains("internal error"), "{html}");
    assert_eq!(server.get("/healthz").0, 200);
    assert_eq!(server.get("/readyz").0, 200);
}

#[test]
fn a_flood_beyond_the_search_queue_is_refused_with_503_not_queued_forever() {
    let server = seeded(&[
        "--max-concurrent-searches",
        "1",
        "--max-queued-searches",
        "0",
    ]);
    let threads = 12;
    let barrier = Arc::new(Barrier::new(threads));
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..threads)
        .map(|n| {
            let (barrier, statuses, base) = (barrier.clone(), statuses.clone(), server.base.clone());
            std::thread::spawn(move || {
                let client = client();
                barrier.wait();
                for round in 0..3 {
                    let url = format!(
                        "{base}/v1/search?q=educacion+participacion+{n}+{round}&facets=country,theme,sdg,language,target_group,principle"
                    );
                    let response = client.get(url).send().expect("GET");
                    let status = response.status().as_u16();
                    if status == 503 {
                        let body: Value = response.json().expect("json");
                        assert_eq!(body["error"]["code"], "busy", "{body}");
                    }
                    statuses.lock().expect("lock").push(status);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker");
    }
    let statuses = statuses.lock().expect("lock").clone();
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(statuses.contains(&503), "nothing refused: {statuses:?}");
    assert!(
        statuses.iter().all(|status| matches!(status, 200 | 503)),
        "{statuses:?}"
    );
}

#[test]
fn cors_allows_configured_origins_only() {
    // Written as an operator might (uppercase, default port, a trailing slash): matched as
    // browsers send it.
    let server = seeded(&["--cors-origin", "HTTPS://www.EdCities.org:443/"]);
    let url = format!("{}/v1/search?q=huerto", server.base);
    let allowed = client()
        .get(&url)
        .header("origin", "https://www.edcities.org")
        .send()
        .expect("GET");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://www.edcities.org"
    );
    let other = client()
        .get(&url)
        .header("origin", "https://evil.example")
        .send()
        .expect("GET");
    assert!(!other.headers().contains_key("access-control-allow-origin"));
    let preflight = client()
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://www.edcities.org")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .expect("OPTIONS");
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .expect("methods");
    assert!(methods.contains("POST"), "{methods}");

    // No origin configured: no CORS headers at all.
    let closed = seeded(&[]);
    let response = client()
        .get(format!("{}/v1/search?q=huerto", closed.base))
        .header("origin", "https://www.edcities.org")
        .send()
        .expect("GET");
    assert_eq!(response.status().as_u16(), 200);
    assert!(!response
        .headers()
        .contains_key("access-control-allow-origin"));
}

#[test]
fn unchanged_index_answers_304_and_a_commit_makes_it_200_again() {
    let server = seeded(&[]);
    let url = format!("{}/v1/search?q=huerto&country=ES", server.base);
    let first = client().get(&url).send().expect("GET");
    assert_eq!(first.status().as_u16(), 200);
    let etag = first.headers()["etag"].to_str().expect("etag").to_string();
    assert!(first.headers()["cache-control"]
        .to_str()
        .expect("cache-control")
        .contains("must-revalidate"));
    let again = client()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .expect("GET");
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(again.headers()["etag"].to_str().expect("etag"), etag);
    assert!(again
        .headers()
        .get_all("vary")
        .iter()
        .any(|value| value == "accept-encoding"));
    // A revalidation runs no search: the search metrics do not move; a bad parameter is
    // still a 400, not a 304.
    let zero_results = || scraped(&server.base, "databank_search_zero_results_total");
    let before = zero_results();
    let nothing = format!("{}/v1/search?q=zzzzqqqqxx", server.base);
    for _ in 0..3 {
        let revalidated = client()
            .get(&nothing)
            .header("if-none-match", &etag)
            .send()
            .expect("GET");
        assert_eq!(revalidated.status().as_u16(), 304);
    }
    assert_eq!(zero_results(), before, "no search ran");
    let bad = client()
        .get(format!("{}/v1/search?q=huerto&per_page=0", server.base))
        .header("if-none-match", &etag)
        .send()
        .expect("GET");
    assert_eq!(bad.status().as_u16(), 400);

    // The document endpoint too.
    let doc_url = format!("{}/v1/initiatives/new-1-0", server.base);
    assert_eq!(
        client()
            .get(&doc_url)
            .send()
            .expect("GET")
            .status()
            .as_u16(),
        404
    );

    let response = load(&server.base, "new-1", 1).expect("load");
    assert_eq!(response.status().as_u16(), 200);
    let after = client()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .expect("GET");
    assert_eq!(after.status().as_u16(), 200, "a commit changes the ETag");
    let new_etag = after.headers()["etag"].to_str().expect("etag").to_string();
    assert_ne!(new_etag, etag);
    let document = client().get(&doc_url).send().expect("GET");
    assert_eq!(document.status().as_u16(), 200);
    assert_eq!(document.headers()["etag"].to_str().expect("etag"), new_etag);
    let cached = client()
        .get(&doc_url)
        .header("if-none-match", &new_etag)
        .send()
        .expect("GET");
    assert_eq!(cached.status().as_u16(), 304);
}

#[test]
fn did_you_mean_follows_a_load_within_moments() {
    // "did you mean" comes from the suggester, which a search does not wait for: the server
    // rebuilds it a second after writes go quiet (it used to wait for a zero-hit search 30 s
    // later), so an answer without the new words is short-lived.
    let server = seeded(&[]);
    assert_eq!(load(&server.base, "zorx", 1).expect("load").status(), 200);
    let url = format!("{}/v1/search?q=zorg", server.base);
    let waited = Instant::now();
    // The ETags of answers without and with the new word differ: a client holding the first
    // must not be told 304 once the second is what the server gives.
    let mut etags_without = Vec::new();
    loop {
        let response = client().get(&url).send().expect("GET");
        let etag = response.headers()["etag"]
            .to_str()
            .expect("etag")
            .to_string();
        let answer: Value = response.json().expect("json");
        assert_eq!(answer["total"], 0);
        if answer["did_you_mean"] == "zorx" {
            assert!(!etags_without.contains(&etag), "{etag} {etags_without:?}");
            break;
        }
        etags_without.push(etag);
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "no did_you_mean: {answer}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn segments_are_merged_once_writes_go_quiet_and_answers_stay_the_same() {
    let server = seeded(&["--compact-after-secs", "4"]);
    for prefix in ["quiet-a", "quiet-b", "quiet-c"] {
        assert_eq!(load(&server.base, prefix, 3).expect("load").status(), 200);
    }
    let segments = || scraped(&server.base, "databank_segments");
    // Each batch committed a segment of its own.
    assert!(segments() >= 3.0, "{} segments", segments());
    let url = format!(
        "{}/v1/search?q=walking%20school%20bus&per_page=50",
        server.base
    );
    let before = client().get(&url).send().expect("GET");
    let etag = before.headers()["etag"].to_str().expect("etag").to_string();
    let before: Value = before.json().expect("json");
    let total = before["total"].as_u64().expect("total");
    assert!(total >= 9, "{total}");

    let waited = Instant::now();
    while segments() > 1.0 {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "never merged: {} segments",
            segments()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // A merge may change scores (deleted documents leave the statistics), so the ETag
    // changes; here nothing was deleted, and the answer is the same.
    let revalidated = client()
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .expect("GET");
    assert_eq!(revalidated.status().as_u16(), 200);
    let mut after: Value = revalidated.json().expect("json");
    let mut before = before;
    for answer in [&mut before, &mut after] {
        answer["took_ms"] = Value::Null;
    }
    assert_eq!(after, before);
    // Writes go on after a merge.
    assert_eq!(
        load(&server.base, "quiet-d", 1).expect("load").status(),
        200
    );
    let changed: Value = client()
        .get(&url)
        .send()
        .expect("GET")
        .json()
        .expect("json");
    assert_eq!(changed["total"], total + 1);
}

/// Eight loads make tantivy merge the segments itself, in the background, after the last
/// commit: the searches must follow that merge too (they went on reading the merged-away
/// segments until the next write, and the quiet-time merge never ran).
#[test]
fn searches_follow_a_merge_tantivy_started_itself() {
    let server = seeded(&["--no-seed", "--compact-after-secs", "2"]);
    for batch in 0..8 {
        let prefix = format!("eight-{batch}");
        assert_eq!(load(&server.base, &prefix, 2).expect("load").status(), 200);
    }
    let waited = Instant::now();
    while scraped(&server.base, "databank_segments") > 1.0 {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "still {} segments",
            scraped(&server.base, "databank_segments")
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let url = format!(
        "{}/v1/search?q=walking%20school%20bus&per_page=50",
        server.base
    );
    let answer: Value = client()
        .get(&url)
        .send()
        .expect("GET")
        .json()
        .expect("json");
    assert_eq!(answer["total"], 16, "{answer}");
}

/// A connection that sends no complete request head within 20 s is closed — silent, half a
/// head, or idle after an answer — and at most `--max-connections` are open at once: sockets
/// held by one client took every file descriptor, and then the server answered nobody.
#[test]
fn silent_and_half_open_connections_are_capped_and_closed() {
    use std::io::{Read, Write};
    let server = seeded(&["--max-connections", "2"]);
    let address = server.base.trim_start_matches("http://").to_string();
    let silent = std::net::TcpStream::connect(&address).expect("connect");
    let mut half = std::net::TcpStream::connect(&address).expect("connect");
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .expect("half a head");
    std::thread::sleep(Duration::from_millis(300));
    let base = server.base.clone();
    let started = Instant::now();
    let request = std::thread::spawn(move || {
        client()
            .get(format!("{base}/healthz"))
            .timeout(Duration::from_secs(60))
            .send()
            .map(|response| response.status().as_u16())
    });
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        !request.is_finished(),
        "a third connection was served beside two"
    );
    // Both are closed by the server (a read reaches the end), then the third is served.
    for mut socket in [silent, half] {
        socket
            .set_read_timeout(Some(Duration::from_secs(40)))
            .expect("timeout");
        let mut rest = Vec::new();
        socket
            .read_to_end(&mut rest)
            .expect("closed, not timed out");
    }
    assert_eq!(request.join().expect("thread").expect("answer"), 200);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(15), "{waited:?}");
}

#[test]
fn answers_are_compressed_when_asked_and_carry_a_request_id() {
    let server = seeded(&[]);
    let response = client()
        .get(format!("{}/v1/search?per_page=50", server.base))
        .header("accept-encoding", "gzip")
        .send()
        .expect("GET");
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let id = response.headers()["x-request-id"]
        .to_str()
        .expect("id")
        .to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let bytes = response.bytes().expect("body");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "gzip magic");

    let brotli = client()
        .get(format!("{}/v1/search?per_page=50", server.base))
        .header("accept-encoding", "br")
        .send()
        .expect("GET");
    assert_eq!(brotli.headers()["content-encoding"], "br");

    // An id set by a proxy is kept and echoed, also on errors.
    let echoed = client()
        .get(format!("{}/v1/search?page=0", server.base))
        .header("x-request-id", "edge-42")
        .send()
        .expect("GET");
    assert_eq!(echoed.status().as_u16(), 400);
    assert_eq!(echoed.headers()["x-request-id"], "edge-42");
    // One a client made up to write into the logs is replaced.
    let forged = client()
        .get(format!("{}/healthz", server.base))
        .header("x-request-id", "x\" level=ERROR msg=\"pwned")
        .send()
        .expect("GET");
    let replaced = forged.headers()["x-request-id"].to_str().expect("id");
    assert_eq!(replaced.len(), 36, "{replaced}");
    let other = client()
        .get(format!("{}/healthz", server.base))
        .send()
        .expect("GET");
    assert_ne!(other.headers()["x-request-id"].to_str().expect("id"), id);
}

#[test]
fn metrics_move_after_a_search_and_after_a_load() {
    let server = seeded(&[]);
    let scrape = || {
        client()
            .get(format!("{}/metrics", server.base))
            .send()
            .expect("GET")
            .text()
            .expect("text")
    };
    let before = scrape();
    let searches = r#"databank_http_requests_total{route="/v1/search",method="GET",status="200"}"#;
    let zero = "databank_search_zero_results_total";
    let hits_count = "databank_search_hits_count";
    server.search("q=huerto");
    server.search("q=zzzqqqxxyy&typos=false&cross_language=false");
    let after_search = scrape();
    assert!(after_search.contains("# TYPE databank_http_requests_total counter"));
    assert_eq!(
        metric(&after_search, searches),
        metric(&before, searches) + 2.0
    );
    assert_eq!(metric(&after_search, zero), metric(&before, zero) + 1.0);
    assert_eq!(
        metric(&after_search, hits_count),
        metric(&before, hits_count) + 2.0
    );
    assert!(after_search.contains(
        r#"databank_http_request_duration_seconds_bucket{route="/v1/search",le="+Inf"}"#
    ));
    // Invented methods share one label: no series per request.
    for method in ["FOO1", "FOO2"] {
        client()
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                format!("{}/v1/search", server.base),
            )
            .send()
            .expect("request");
    }
    let after_methods = scrape();
    assert!(!after_methods.contains("FOO1"));
    assert_eq!(
        metric(
            &after_methods,
            r#"databank_http_requests_total{route="/v1/search",method="other",status="405"}"#
        ),
        2.0
    );
    assert_eq!(metric(&after_search, "databank_documents"), 339.0);

    let commit_before = metric(&after_search, "databank_last_commit_timestamp_seconds");
    std::thread::sleep(Duration::from_millis(1100));
    let mut body = batch("metrics", 3);
    body.extend_from_slice(b"{\"id\": \"broken\"}\n");
    let response = client()
        .post(format!("{}/v1/initiatives/bulk?on_error=skip", server.base))
        .header("content-type", "application/x-ndjson")
        .bearer_auth(TOKEN)
        .body(body)
        .send()
        .expect("POST");
    assert_eq!(response.status().as_u16(), 200);
    let after_load = scrape();
    let moved = |name: &str| metric(&after_load, name) - metric(&after_search, name);
    assert_eq!(moved("databank_bulk_rows_accepted_total"), 3.0);
    assert_eq!(moved("databank_bulk_rows_rejected_total"), 1.0);
    assert_eq!(moved("databank_documents_indexed_total"), 3.0);
    assert_eq!(metric(&after_load, "databank_documents"), 342.0);
    assert!(metric(&after_load, "databank_last_commit_timestamp_seconds") > commit_before);
}

#[test]
fn the_openapi_document_covers_every_route() {
    let server = seeded(&[]);
    let (status, document) = server.get("/openapi.json");
    assert_eq!(status, 200);
    assert!(document["openapi"]
        .as_str()
        .expect("version")
        .starts_with("3."));
    let paths = document["paths"].as_object().expect("paths");
    let expected = [
        ("/v1/search", "get"),
        ("/v1/search", "post"),
        ("/v1/initiatives/{id}", "get"),
        ("/v1/initiatives/{id}", "delete"),
        ("/v1/initiatives/{id}/similar", "get"),
        ("/v1/initiatives/bulk", "post"),
        ("/v1/suggest", "get"),
        ("/v1/facets", "get"),
        ("/v1/admin/reindex", "post"),
        ("/v1/admin/snapshot", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
        ("/openapi.json", "get"),
    ];
    for (path, method) in expected {
        let operation = &paths[path][method];
        assert!(
            operation.is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path} has no responses"
        );
        // Every route answers another method with 405, and a compressed body with 415.
        for status in ["405", "415"] {
            assert!(
                operation["responses"][status].is_object(),
                "{method} {path} does not document {status}"
            );
        }
    }
    // And nothing documented is missing from the server: every path answers something else than
    // the router's "no such route" 404.
    for path in paths.keys() {
        let concrete = path.replace("{id}", "es-barcelona-camins-escolars");
        let response = client()
            .get(format!("{}{concrete}", server.base))
            .send()
            .expect("GET");
        if response.status().as_u16() == 404 {
            let body: Value = response.json().expect("json");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(!message.contains("no such route"), "{path}: {body}");
        }
    }
    let search = &paths["/v1/search"]["get"];
    let names: BTreeSet<&str> = search["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|parameter| parameter["name"].as_str())
        .collect();
    for name in [
        "q",
        "country",
        "theme",
        "sdg",
        "language",
        "target_group",
        "principle",
        "year_from",
        "year_to",
        "sort",
        "page",
        "per_page",
        "locale",
        "facets",
    ] {
        assert!(names.contains(name), "search parameter {name} undocumented");
    }
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    for schema in [
        "SearchResponse",
        "Hit",
        "FacetValue",
        "ErrorBody",
        "BulkReport",
        "LoadSummary",
    ] {
        assert!(schemas.contains_key(schema), "schema {schema} missing");
    }
    // The document type has the contract's fields; every cacheable read route declares its
    // 304 and its 503 (busy or timed out).
    let fields = &schemas["InitiativeFields"]["properties"];
    for field in [
        "id",
        "title",
        "description",
        "city",
        "country",
        "themes",
        "sdgs",
    ] {
        assert!(
            fields[field].is_object(),
            "initiative field {field}: {fields}"
        );
    }
    for path in [
        "/v1/search",
        "/v1/initiatives/{id}",
        "/v1/initiatives/{id}/similar",
        "/v1/suggest",
        "/v1/facets",
    ] {
        let responses = &paths[path]["get"]["responses"];
        for status in ["200", "304", "429", "503"] {
            assert!(
                responses[status].is_object(),
                "GET {path}: {status} undocumented"
            );
        }
    }
}

#[test]
fn settings_come_from_flags_then_environment_then_the_toml_file() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("databank.toml");
    std::fs::write(
        &config,
        "rate_limit = 1\nrate_limit_burst = 1\ncors_origins = [\"https://from-file.example\"]\nno_seed = true\n",
    )
    .expect("write");
    let config_arg = config.to_string_lossy().to_string();
    // The file sets the rate (1/s) and no_seed; the flag's burst (3) wins over the file's (1).
    let server = Server::start_with(
        tempfile::tempdir().expect("dir"),
        &["--config", &config_arg, "--rate-limit-burst", "3"],
        None,
    );
    let (_, body) = server.get("/readyz");
    assert_eq!(body["documents"], 0, "no_seed from the file");
    let statuses: Vec<u16> = (0..5).map(|_| server.get("/v1/suggest?q=ba").0).collect();
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let response = client()
        .get(format!("{}/v1/facets", server.base))
        .header("origin", "https://from-file.example")
        .send()
        .expect("GET");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://from-file.example"
    );
    drop(server);

    // An unknown key is an error that names it, not a silent default.
    std::fs::write(&config, "rate_limt = 5\n").expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_databank"))
        .args(["--config", &config_arg, "serve", "--addr", "127.0.0.1:0"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("rate_limt"), "{stderr}");

    let help = std::process::Command::new(env!("CARGO_BIN_EXE_databank"))
        .args(["serve", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&help.stdout);
    for variable in [
        "DATABANK_ADDR",
        "DATABANK_RATE_LIMIT",
        "DATABANK_CORS_ORIGINS",
        "DATABANK_TRUSTED_PROXIES",
        "DATABANK_REQUEST_TIMEOUT_MS",
        "DATABANK_MAX_CONCURRENT_SEARCHES",
        "DATABANK_CONFIG",
    ] {
        assert!(help.contains(variable), "--help does not show {variable}");
    }
}

#[test]
fn a_snapshot_taken_during_a_load_restores_exactly_the_batches_acknowledged_before_it() {
    let server = Server::empty_with_token(TOKEN);
    let base = server.base.clone();
    // (prefix, sent at, acknowledged at)
    let batches = Arc::new(Mutex::new(Vec::<(String, Instant, Option<Instant>)>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let loader = {
        let (batches, stop, base) = (batches.clone(), stop.clone(), base.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let prefix = format!("snap{n}");
                let sent = Instant::now();
                let ok = load(&base, &prefix, 100)
                    .map(|response| response.status().is_success())
                    .unwrap_or(false);
                batches
                    .lock()
                    .expect("lock")
                    .push((prefix, sent, ok.then(Instant::now)));
                n += 1;
            }
        })
    };
    std::thread::sleep(Duration::from_millis(1500));
    let asked = Instant::now();
    let response = client()
        .post(format!("{base}/v1/admin/snapshot"))
        .bearer_auth(TOKEN)
        .send()
        .expect("snapshot");
    let answered = Instant::now();
    assert_eq!(response.status().as_u16(), 201);
    let info: Value = response.json().expect("json");
    std::thread::sleep(Duration::from_millis(800));
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    loader.join().expect("loader");
    let snapshot_path = info["path"].as_str().expect("path").to_string();
    let batches = batches.lock().expect("lock").clone();
    let before: Vec<&String> = batches
        .iter()
        .filter(|(_, _, acked)| acked.is_some_and(|at| at < asked))
        .map(|(prefix, _, _)| prefix)
        .collect();
    let after: Vec<&String> = batches
        .iter()
        .filter(|(_, sent, _)| *sent > answered)
        .map(|(prefix, _, _)| prefix)
        .collect();
    assert!(
        before.len() >= 2,
        "too few batches before the snapshot: {}",
        before.len()
    );
    assert!(!after.is_empty(), "no batch after the snapshot");
    let (dir, _) = server.kill();

    // Restore into a fresh data directory with the CLI, then serve it.
    let restored = tempfile::tempdir().expect("dir");
    let output = databank_cli(
        restored.path(),
        &["restore".as_ref(), snapshot_path.as_ref()],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    drop(dir);
    let server = Server::start_with(restored, &["--no-seed"], Some(TOKEN));
    let total = server.search("facets=&per_page=1")["total"]
        .as_u64()
        .expect("total");
    assert_eq!(Some(total), info["documents"].as_u64());
    assert_eq!(total % 100, 0, "half a batch in the snapshot: {total}");
    for prefix in &before {
        assert_eq!(
            ends(&server, prefix, 100),
            (200, 200),
            "{prefix} missing or half"
        );
    }
    for prefix in &after {
        assert_eq!(
            ends(&server, prefix, 100),
            (404, 404),
            "{prefix} from after"
        );
    }
    // Every batch is all or nothing.
    for (prefix, _, _) in &batches {
        let (first, last) = ends(&server, prefix, 100);
        assert_eq!(first, last, "{prefix} is half there");
    }
}

#[test]
fn backup_while_serving_and_restore_refused_while_the_server_runs() {
    let server = seeded(&[]);
    let target = tempfile::tempdir().expect("dir");
    let backup_dir = target.path().join("backup");
    let output = databank_cli(
        server.data_dir(),
        &["backup".as_ref(), backup_dir.as_os_str()],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("339 initiatives"));
    let output = databank_cli(
        server.data_dir(),
        &["restore".as_ref(), backup_dir.as_os_str()],
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("running server"));
    // A backup into an existing directory is refused rather than mixed.
    let again = databank_cli(
        server.data_dir(),
        &["backup".as_ref(), backup_dir.as_os_str()],
    );
    assert!(!again.status.success());
    // After the server stops, the restore goes through and serves the same documents.
    let (data_dir, _) = server.kill();
    assert!(load_into_dir_and_restore(&data_dir, &backup_dir));
    let server = Server::start_with(data_dir, &[], Some(TOKEN));
    assert_eq!(server.search("facets=")["total"], 339);
}

/// Adds a document offline, then restores the backup over it: the document is gone again.
fn load_into_dir_and_restore(data_dir: &tempfile::TempDir, backup: &std::path::Path) -> bool {
    common::preload(
        &data_dir.path().join("index"),
        &[document(
            "extra-1",
            Some("en"),
            "Extra",
            "An extra initiative added after the backup.",
        )],
    );
    let output = databank_cli(data_dir.path(), &["restore".as_ref(), backup.as_os_str()]);
    output.status.success()
}

#[test]
fn sigterm_during_a_load_exits_zero_and_loses_no_acknowledged_batch() {
    let server = Server::empty_with_token(TOKEN);
    let base = server.base.clone();
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let attempted = Arc::new(Mutex::new(Vec::new()));
    let loader = {
        let (acknowledged, attempted, base) =
            (acknowledged.clone(), attempted.clone(), base.clone());
        std::thread::spawn(move || {
            for n in 0..10_000 {
                let prefix = format!("term{n}");
                attempted.lock().expect("lock").push(prefix.clone());
                match load(&base, &prefix, 300) {
                    Ok(response) if response.status().is_success() => {
                        acknowledged.lock().expect("lock").push(prefix)
                    }
                    _ => return,
                }
            }
        })
    };
    std::thread::sleep(Duration::from_millis(1500));
    let (code, dir) = server.terminate(Duration::from_secs(60));
    loader.join().expect("loader");
    assert_eq!(code, Some(0), "databank did not exit 0 after SIGTERM");
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= 2,
        "too few batches: {}",
        acknowledged.len()
    );
    let server = Server::start_with(dir, &["--no-seed"], Some(TOKEN));
    for prefix in &acknowledged {
        assert_eq!(
            ends(&server, prefix, 300),
            (200, 200),
            "{prefix} lost or half"
        );
    }
    for prefix in attempted.lock().expect("lock").iter() {
        let (first, last) = ends(&server, prefix, 300);
        assert_eq!(first, last, "{prefix} is half there");
    }
    let total = server.search("facets=")["total"].as_u64().expect("total");
    assert_eq!(total % 300, 0, "half a batch: {total}");
}

#[test]
fn json_logs_carry_the_request_id_of_each_request() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("dir");
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_databank"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args([
            "--log-format",
            "json",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--no-seed",
        ])
        .env("DATABANK_LOG", "info")
        .env_remove("DATABANK_ADMIN_TOKEN")
        .stdout(std::process::Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("databank listening on ")
                .map(str::to_string)
        })
        .expect("listening line");
    let response = client()
        .get(format!("{base}/v1/search?q=anything"))
        .header("x-request-id", "trace-me-1")
        .send()
        .expect("GET");
    assert_eq!(response.headers()["x-request-id"], "trace-me-1");
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log_path).expect("log");
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(!lines.is_empty());
    let logged = lines
        .iter()
        .find(|line| line["span"]["request_id"] == "trace-me-1")
        .unwrap_or_else(|| panic!("no log line with the request id: {text}"));
    assert_eq!(logged["status"], 200, "{logged}");
    assert_eq!(logged["span"]["path"], "/v1/search", "{logged}");
}
