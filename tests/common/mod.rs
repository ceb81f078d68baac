//! Test harness: the real `databank` binary on an ephemeral loopback port, a real index in a
//! temporary directory, real HTTP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use databank::engine::{Catalog, Databank, OnError, SubmittedRow};
use serde_json::Value;

/// A running server; killed on drop.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The data directory (kept alive as long as the server).
    pub dir: tempfile::TempDir,
    client: reqwest::blocking::Client,
}

impl Server {
    /// A server on a fresh data directory: it loads the seed data on first start.
    pub fn with_seed() -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        Server::start(dir, &[])
    }

    /// A server whose index holds exactly `documents` (loaded through the engine first).
    pub fn with_documents(documents: &[Value]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        preload(&dir.path().join("index"), documents);
        Server::start(dir, &["--no-seed"])
    }

    /// A server on an existing data directory.
    pub fn start(dir: tempfile::TempDir, extra: &[&str]) -> Server {
        Server::start_with(dir, extra, None)
    }

    /// A server with an empty index that accepts writes with `token`.
    pub fn empty_with_token(token: &str) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        Server::start_with(dir, &["--no-seed"], Some(token))
    }

    /// A server on `dir` with extra `serve` arguments and an optional admin token.
    pub fn start_with(dir: tempfile::TempDir, extra: &[&str], token: Option<&str>) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_databank"));
        command.env_remove("DATABANK_ADMIN_TOKEN");
        // Tests send requests faster than any browser: no rate limit unless the test sets one.
        if !extra
            .iter()
            .any(|arg| arg.starts_with("--rate-limit") || *arg == "--config")
        {
            command.env("DATABANK_RATE_LIMIT", "0");
        }
        if let Some(token) = token {
            command.env("DATABANK_ADMIN_TOKEN", token);
        }
        let mut child = command
            .arg("--data-dir")
            .arg(dir.path())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("DATABANK_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn databank");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("databank listening on ") {
                    let _ = sender.send(url.to_string());
                }
            }
        });
        let base = receiver
            .recv_timeout(Duration::from_secs(120))
            .expect("server did not start");
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        Server {
            child,
            base,
            dir,
            client,
        }
    }

    /// GET a path; status and JSON body.
    pub fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .expect("GET");
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }

    /// GET a search and expect 200.
    pub fn search(&self, query: &str) -> Value {
        let (status, body) = self.get(&format!("/v1/search?{query}"));
        assert_eq!(status, 200, "search {query}: {body}");
        body
    }

    /// POST a JSON body; status and JSON body.
    pub fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .expect("POST");
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }

    /// POST a raw body with a content type and an optional bearer token.
    pub fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().expect("POST");
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }

    /// DELETE a path with an optional bearer token.
    pub fn delete(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self.client.delete(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().expect("DELETE");
        let status = response.status().as_u16();
        (status, response.json().unwrap_or(Value::Null))
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Server {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The HTTP client the server's helpers use.
    pub fn client(&self) -> &reqwest::blocking::Client {
        &self.client
    }

    /// Sends SIGTERM and waits (at most `limit`) for the process to exit; its exit code
    /// (`None` when it did not exit in time or died of a signal) and the data directory.
    pub fn terminate(mut self, limit: Duration) -> (Option<i32>, tempfile::TempDir) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success(), "kill -TERM failed");
        let started = std::time::Instant::now();
        let mut code = None;
        while started.elapsed() < limit {
            if let Ok(Some(exit)) = self.child.try_wait() {
                code = exit.code();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("temp dir"));
        (code, dir)
    }

    /// SIGKILLs the server and hands back its data directory.
    pub fn kill(mut self) -> (tempfile::TempDir, bool) {
        let killed = self.child.kill().is_ok();
        let _ = self.child.wait();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("temp dir"));
        (dir, killed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes documents into a new index through the engine (then releases it).
pub fn preload(index_dir: &Path, documents: &[Value]) {
    let databank = Databank::open(index_dir, Catalog::embedded().expect("catalog")).expect("open");
    let rows = documents
        .iter()
        .enumerate()
        .map(|(index, document)| SubmittedRow {
            line: index + 1,
            value: Ok(document.clone()),
        })
        .collect();
    let summary = databank.load(rows, OnError::Abort, false).expect("load");
    assert!(
        summary.rejected.is_empty(),
        "fixture rejected: {:?}",
        summary.rejected
    );
}

/// The repository's seed data, every document of every `seed-data/*.ndjson`.
pub fn seed_documents() -> Vec<Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seed-data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("seed-data")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ndjson"))
        .collect();
    files.sort();
    let mut documents = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read seed");
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("{}:{}: {err}", file.display(), number + 1));
            documents.push(value);
        }
    }
    documents
}

/// The ids of a search response's hits, in order.
pub fn ids(response: &Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["id"].as_str().expect("id").to_string())
        .collect()
}

/// A facet of a response as (value as string, count).
pub fn facet(response: &Value, name: &str) -> Vec<(String, u64)> {
    response["facets"][name]
        .as_array()
        .unwrap_or_else(|| panic!("facet {name} in {response}"))
        .iter()
        .map(|entry| {
            let value = match &entry["value"] {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (value, entry["count"].as_u64().expect("count"))
        })
        .collect()
}

/// A minimal valid document.
pub fn document(id: &str, language: Option<&str>, title: &str, description: &str) -> Value {
    let mut document = serde_json::json!({
        "id": id,
        "title": title,
        "description": description,
        "city": "Testville",
        "country": "ES",
        "themes": ["environment"],
        "updated_at": "2024-01-01T00:00:00Z"
    });
    if let Some(language) = language {
        document["language"] = Value::from(language);
    }
    document
}
