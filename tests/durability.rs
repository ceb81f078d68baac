//! Durability and concurrency on a real server process: SIGKILL mid-load loses no acknowledged
//! batch; searches answer during a load; concurrent loads are serialised; a second process on
//! the same data directory is refused.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{document, Server};
use serde_json::Value;

const TOKEN: &str = "durability-token";

fn batch(prefix: &str, size: usize) -> Vec<u8> {
    (0..size)
        .map(|n| {
            let doc = document(
                &format!("{prefix}-{n}"),
                Some("en"),
                &format!("Neighbourhood learning circle {prefix} {n}"),
                "Residents meet weekly in the library to learn from each other: languages, repairs, cooking, digital skills.",
            );
            format!("{doc}\n")
        })
        .collect::<String>()
        .into_bytes()
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

#[test]
fn sigkill_mid_load_loses_no_acknowledged_batch() {
    let mut dir = tempfile::tempdir().unwrap();
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..5 {
        let server = Server::start_with(dir, &["--no-seed"], Some(TOKEN));
        // Everything acknowledged so far survived the previous kill.
        for prefix in &acknowledged {
            let (status, _) = server.get(&format!("/v1/initiatives/{prefix}-0"));
            assert_eq!(status, 200, "round {round}: batch {prefix} lost");
            let (status, _) = server.get(&format!("/v1/initiatives/{prefix}-199"));
            assert_eq!(status, 200, "round {round}: batch {prefix} half there");
        }
        let total = server.search("facets=")["total"].as_u64().unwrap();
        assert!(
            total as usize >= acknowledged.len() * 200,
            "round {round}: {total}"
        );
        assert_eq!(
            total % 200,
            0,
            "round {round}: a batch is half-written ({total})"
        );
        let base = server.base.clone();
        let done = Arc::new(Mutex::new(Vec::new()));
        let loader = {
            let done = done.clone();
            std::thread::spawn(move || {
                let client = client();
                for n in 0..1000 {
                    let prefix = format!("r{round}b{n}");
                    let response = client
                        .post(format!("{base}/v1/initiatives/bulk"))
                        .header("content-type", "application/x-ndjson")
                        .bearer_auth(TOKEN)
                        .body(batch(&prefix, 200))
                        .send();
                    match response {
                        Ok(response) if response.status().is_success() => {
                            done.lock().unwrap().push(prefix)
                        }
                        _ => return,
                    }
                }
            })
        };
        std::thread::sleep(Duration::from_millis(600 + 250 * round as u64));
        let (kept_dir, child_killed) = server.kill();
        assert!(child_killed);
        let _ = loader.join();
        acknowledged.extend(done.lock().unwrap().drain(..));
        dir = kept_dir;
    }
    assert!(
        acknowledged.len() >= 3,
        "too few batches acknowledged to prove anything: {}",
        acknowledged.len()
    );
    let server = Server::start_with(dir, &["--no-seed"], Some(TOKEN));
    for prefix in &acknowledged {
        assert_eq!(
            server.get(&format!("/v1/initiatives/{prefix}-0")).0,
            200,
            "{prefix} lost"
        );
        assert_eq!(
            server.get(&format!("/v1/initiatives/{prefix}-199")).0,
            200,
            "{prefix} half there"
        );
    }
}

#[test]
fn searches_answer_while_ten_thousand_documents_load() {
    let server = Arc::new(Server::empty_with_token(TOKEN));
    let stop = Arc::new(AtomicBool::new(false));
    let searcher = {
        let server = server.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut answered = 0;
            while !stop.load(Ordering::Relaxed) {
                let response = server.search("q=learning+circle&per_page=5");
                assert!(response["hits"].is_array());
                answered += 1;
            }
            answered
        })
    };
    let client = client();
    for n in 0..10 {
        let response = client
            .post(format!("{}/v1/initiatives/bulk", server.base))
            .header("content-type", "application/x-ndjson")
            .bearer_auth(TOKEN)
            .body(batch(&format!("load{n}"), 1000))
            .send()
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }
    stop.store(true, Ordering::Relaxed);
    let answered = searcher.join().unwrap();
    assert!(
        answered > 10,
        "only {answered} searches answered during the load"
    );
    assert_eq!(server.search("facets=")["total"], 10_000);
}

#[test]
fn concurrent_loads_are_serialised_not_failed() {
    let server = Arc::new(Server::empty_with_token(TOKEN));
    let handles: Vec<_> = (0..4)
        .map(|n| {
            let base = server.base.clone();
            std::thread::spawn(move || {
                let response = client()
                    .post(format!("{base}/v1/initiatives/bulk"))
                    .header("content-type", "application/x-ndjson")
                    .bearer_auth(TOKEN)
                    // Every load also re-sends the same shared batch: one of them creates it.
                    .body([batch(&format!("own{n}"), 300), batch("shared", 100)].concat())
                    .send()
                    .unwrap();
                assert_eq!(response.status().as_u16(), 200);
                response.json::<Value>().unwrap()
            })
        })
        .collect();
    let reports: Vec<Value> = handles
        .into_iter()
        .map(|handle| handle.join().unwrap())
        .collect();
    let created: u64 = reports.iter().map(|r| r["created"].as_u64().unwrap()).sum();
    let unchanged: u64 = reports
        .iter()
        .map(|r| r["unchanged"].as_u64().unwrap())
        .sum();
    assert_eq!(created, 4 * 300 + 100);
    assert_eq!(unchanged, 3 * 100);
    assert_eq!(server.search("facets=")["total"], 1300);
}

#[test]
fn a_second_process_on_the_same_data_directory_is_refused() {
    let server = Server::empty_with_token(TOKEN);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_databank"))
        .arg("--data-dir")
        .arg(server.data_dir())
        .args(["serve", "--addr", "127.0.0.1:0", "--no-seed"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("in use by another process"), "{stderr}");
    // The first server is unharmed.
    assert_eq!(server.get("/readyz").0, 200);
}
