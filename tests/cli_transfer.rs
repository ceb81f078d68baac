//! `databank import`, `export` and `reindex` on real data directories and a real server.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use common::{document, ids, Server};
use serde_json::Value;

fn databank(data_dir: &Path, args: &[&str]) -> Output {
    databank_with_token(data_dir, args, None)
}

/// Runs the CLI with `DATABANK_ADMIN_TOKEN` set (an import into a server), or without.
fn databank_with_token(data_dir: &Path, args: &[&str], token: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_databank"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("DATABANK_LOG", "warn");
    if let Some(token) = token {
        command.env("DATABANK_ADMIN_TOKEN", token);
    }
    command.output().expect("run databank")
}

fn by_id(ndjson: &str) -> BTreeMap<String, Value> {
    ndjson
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap();
            (value["id"].as_str().unwrap().to_string(), value)
        })
        .collect()
}

#[test]
fn import_files_into_a_data_directory_then_serve_them() {
    let files = tempfile::tempdir().unwrap();
    let ndjson = files.path().join("batch.ndjson");
    std::fs::write(
        &ndjson,
        format!(
            "{}\n{}\n",
            document(
                "imp-1",
                Some("en"),
                "Repair café in the library",
                "Volunteers fix bikes and toasters with residents."
            ),
            document(
                "imp-2",
                Some("fr"),
                "Café réparation à la médiathèque",
                "Des bénévoles réparent vélos et grille-pain."
            ),
        ),
    )
    .unwrap();
    let csv = files.path().join("sheet.csv");
    std::fs::write(&csv, "id;title;description;city;country;themes\nimp-3;Bibliothèque de graines;Échange de semences entre voisins.;Lyon;FR;environment\n").unwrap();
    let data = tempfile::tempdir().unwrap();
    let output = databank(
        data.path(),
        &["import", ndjson.to_str().unwrap(), csv.to_str().unwrap()],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("3 created"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("rows processed"),
        "plain progress lines off a terminal: {stderr}"
    );

    let server = Server::start(data, &["--no-seed"]);
    assert_eq!(server.search("facets=")["total"], 3);
    assert_eq!(ids(&server.search("q=graines")), ["imp-3"]);
}

#[test]
fn import_with_a_bad_row_writes_nothing_and_fails() {
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("bad.ndjson");
    let mut bad = document("bad-1", Some("en"), "Bad", "Bad row");
    bad["sdgs"] = serde_json::json!([19]);
    std::fs::write(
        &path,
        format!(
            "{}\n{}\n",
            document("good-1", Some("en"), "Good", "Good row"),
            bad
        ),
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let output = databank(data.path(), &["import", path.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.ndjson:2: bad-1: sdgs[1]: 19 is not an SDG"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("nothing written"));
    let server = Server::start(data, &["--no-seed"]);
    assert_eq!(server.search("facets=")["total"], 0);

    // --on-error skip writes the good row and still fails the command.
    let data = tempfile::tempdir().unwrap();
    let output = databank(
        data.path(),
        &["import", "--on-error", "skip", path.to_str().unwrap()],
    );
    assert!(!output.status.success());
    let server = Server::start(data, &["--no-seed"]);
    assert_eq!(ids(&server.search("facets=")), ["good-1"]);
}

#[test]
fn import_in_small_batches_writes_each_in_order() {
    // Seven rows in batches of two: the fourth batch rewrites a document of the first, and the
    // third holds an invalid row. Batches are validated ahead of the one being written, yet each
    // is written after the previous one is committed: the rewrite counts as an update, and with
    // --on-error skip the invalid row is the only one missing.
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("rows.ndjson");
    let mut bad = document("batch-5", Some("en"), "Bad", "An SDG that does not exist");
    bad["sdgs"] = serde_json::json!([18]);
    let rows = [
        document("batch-1", Some("en"), "Seed library", "First version"),
        document(
            "batch-2",
            Some("en"),
            "Tool library",
            "Lend and borrow tools",
        ),
        document(
            "batch-3",
            Some("en"),
            "Street games",
            "Close streets for play",
        ),
        document(
            "batch-4",
            Some("en"),
            "Walking bus",
            "Children walk to school together",
        ),
        bad,
        document(
            "batch-6",
            Some("en"),
            "Reading club",
            "Grandparents read with children",
        ),
        document(
            "batch-1",
            Some("en"),
            "Seed library",
            "Second version with seed swaps",
        ),
    ];
    let ndjson: String = rows.iter().map(|row| format!("{row}\n")).collect();
    std::fs::write(&path, ndjson).unwrap();
    let data = tempfile::tempdir().unwrap();
    // A dry run says what a load would do, and writes nothing.
    let dry_run = |expected: &str| {
        let output = databank(
            data.path(),
            &[
                "import",
                "--dry-run",
                "--on-error",
                "skip",
                path.to_str().unwrap(),
            ],
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains(expected), "{stdout}");
    };
    dry_run("7 row(s): 5 created, 0 updated, 0 unchanged, 1 rejected — nothing written");
    let output = databank(
        data.path(),
        &[
            "import",
            "--batch-size",
            "2",
            "--on-error",
            "skip",
            path.to_str().unwrap(),
        ],
    );
    assert!(!output.status.success(), "a rejected row fails the command");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("7 row(s): 5 created, 1 updated, 0 unchanged, 1 rejected"),
        "{stdout}"
    );
    assert!(
        stderr.contains("rows.ndjson:5: batch-5: sdgs[1]"),
        "{stderr}"
    );
    // The first batch-1 row is not written (the last one is): the import says so.
    assert!(
        stderr.contains("rows.ndjson:1: batch-1: superseded by line 7 (same id)"),
        "{stderr}"
    );
    let progress: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("rows processed"))
        .collect();
    assert!(progress.len() >= 2, "{stderr}");
    assert!(progress.last().unwrap().contains("7/7"), "{stderr}");
    dry_run("7 row(s): 0 created, 0 updated, 5 unchanged, 1 rejected — nothing written");

    let server = Server::start(data, &["--no-seed"]);
    let mut written = ids(&server.search("facets="));
    written.sort();
    assert_eq!(
        written,
        ["batch-1", "batch-2", "batch-3", "batch-4", "batch-6"]
    );
    assert_eq!(
        server.get("/v1/initiatives/batch-1").1["description"],
        "Second version with seed swaps"
    );
}

#[test]
fn import_into_a_running_server() {
    let server = Server::empty_with_token("import-token");
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("remote.ndjson");
    std::fs::write(
        &path,
        format!(
            "{}\n",
            document(
                "remote-1",
                Some("en"),
                "Walking bus to school",
                "Parents walk children to school."
            )
        ),
    )
    .unwrap();
    let other = tempfile::tempdir().unwrap();
    let output = databank_with_token(
        other.path(),
        &["import", "--server", &server.base, path.to_str().unwrap()],
        Some("import-token"),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(ids(&server.search("q=walking+bus")), ["remote-1"]);
    // A file larger than the server takes in one request goes in batches, its check too.
    let small = Server::start_with(
        tempfile::tempdir().unwrap(),
        &["--no-seed", "--bulk-limit", "1500"],
        Some("import-token"),
    );
    let path = files.path().join("many.ndjson");
    let rows: String = (1..=12)
        .map(|n| {
            format!(
                "{}\n",
                document(
                    &format!("many-{n}"),
                    Some("en"),
                    "Walking bus to school",
                    "Parents take turns to walk a group of children to school."
                )
            )
        })
        .collect();
    assert!(rows.len() > 1500);
    std::fs::write(&path, rows).unwrap();
    let output = databank_with_token(
        other.path(),
        &[
            "import",
            "--server",
            &small.base,
            "--batch-size",
            "3",
            path.to_str().unwrap(),
        ],
        Some("import-token"),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(small.search("q=walking+bus")["total"], 12);
    // Importing into the server's own data directory directly is refused with a hint.
    let output = databank(server.data_dir(), &["import", path.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--server"));
}

#[test]
fn export_then_import_round_trips_identical_documents() {
    let server = Server::with_seed();
    let output = databank(server.data_dir(), &["export"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let exported = String::from_utf8(output.stdout).unwrap();
    let first = by_id(&exported);
    assert_eq!(
        first.len() as u64,
        server.search("facets=")["total"].as_u64().unwrap()
    );
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("all.ndjson");
    std::fs::write(&path, &exported).unwrap();
    let data = tempfile::tempdir().unwrap();
    let output = databank(data.path(), &["import", path.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = databank(data.path(), &["export"]);
    let second = by_id(&String::from_utf8(output.stdout).unwrap());
    assert_eq!(first, second);
    // Imported back into the databank it came from, the export changes nothing: the
    // documents whose language the server detected (the export holds `language_detected`,
    // which their submission did not) included.
    assert!(
        first
            .values()
            .any(|document| document["language_detected"] == true),
        "the seed data has documents without a language"
    );
    let (_, seed_dir) = server.terminate(std::time::Duration::from_secs(10));
    let output = databank(seed_dir.path(), &["import", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "0 created, 0 updated, {} unchanged, 0 rejected",
            first.len()
        )),
        "{stdout}"
    );
}

#[test]
fn reindex_rebuilds_the_same_databank() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data, &[]);
    let before = server.search("q=huertos&per_page=50");
    let (dir, _) = server.kill();
    let output = databank(dir.path(), &["reindex"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = Server::start(dir, &[]);
    let after = server.search("q=huertos&per_page=50");
    assert_eq!(before["total"], after["total"]);
    let mut before_ids = ids(&before);
    let mut after_ids = ids(&after);
    before_ids.sort();
    after_ids.sort();
    assert_eq!(before_ids, after_ids);

    // A row sent again unchanged after the reindex (a spreadsheet row: no updated_at, which
    // the server set) is still unchanged, and keeps its updated_at.
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("row.csv");
    std::fs::write(
        &path,
        "id;title;description;city;country;themes\nrow-1;Biblioteca de semillas;Intercambio de semillas entre vecinos.;Sevilla;ES;environment\n",
    )
    .unwrap();
    let (dir, _) = server.kill();
    let import = |dir: &Path| {
        let output = databank(dir, &["import", path.to_str().unwrap()]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(import(dir.path()).contains("1 created"));
    let stored = |dir: &Path| -> String {
        let output = databank(dir, &["export"]);
        by_id(&String::from_utf8(output.stdout).unwrap())["row-1"]["updated_at"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = stored(dir.path());
    assert!(databank(dir.path(), &["reindex"]).status.success());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = import(dir.path());
    assert!(again.contains("0 updated, 1 unchanged"), "{again}");
    assert_eq!(stored(dir.path()), first);
}

#[test]
fn a_running_server_reindexes_while_searches_go_on() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let server = Arc::new(Server::start_with(dir, &[], Some("reindex-token")));
    let before = server.search("q=school&per_page=100&facets=country");
    let stop = Arc::new(AtomicBool::new(false));
    let searches = {
        let server = server.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut answered = 0;
            while !stop.load(Ordering::Relaxed) {
                let (status, body) = server.get("/v1/search?q=school&facets=");
                assert_eq!(status, 200, "{body}");
                answered += 1;
            }
            answered
        })
    };
    let (status, report) = server.post_raw(
        "/v1/admin/reindex",
        "application/json",
        Vec::new(),
        Some("reindex-token"),
    );
    stop.store(true, Ordering::Relaxed);
    assert_eq!(status, 200, "{report}");
    assert!(searches.join().unwrap() > 0);
    assert_eq!(
        report["reindexed"].as_u64().unwrap() as usize,
        common::seed_documents().len()
    );
    let after = server.search("q=school&per_page=100&facets=country");
    assert_eq!(before["total"], after["total"]);
    assert_eq!(before["facets"], after["facets"]);
    // Writes go to the new index and survive a restart.
    let body = format!(
        "{}\n",
        document(
            "after-reindex",
            Some("en"),
            "Written after the reindex",
            "A new initiative."
        )
    );
    let (status, _) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        body.into_bytes(),
        Some("reindex-token"),
    );
    assert_eq!(status, 200);
    let server = Arc::try_unwrap(server).ok().expect("no other owner");
    let (dir, _) = server.kill();
    let server = Server::start(dir, &[]);
    assert_eq!(
        ids(&server.search("q=written+after+the+reindex")),
        ["after-reindex"]
    );
    assert_eq!(
        server.search("facets=")["total"].as_u64().unwrap() as usize,
        common::seed_documents().len() + 1
    );
}

/// An index written by an older build (its commits carry no term format) is rebuilt from its
/// stored documents when a server opens it; until then `databank search` warns.
#[test]
fn an_index_from_an_older_build_is_rebuilt_on_start() {
    let files = tempfile::tempdir().unwrap();
    let ndjson = files.path().join("batch.ndjson");
    std::fs::write(
        &ndjson,
        format!(
            "{}\n",
            document(
                "old-1",
                Some("es"),
                "Huertos escolares en el barrio",
                "Las escuelas cultivan huertos con las familias."
            )
        ),
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let output = databank(data.path(), &["import", ndjson.to_str().unwrap()]);
    assert!(output.status.success());
    // Commit again the way older builds did: the payload is the time alone.
    {
        let index = tantivy::Index::open_in_dir(data.path().join("index")).unwrap();
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload("2026-01-01T00:00:00Z");
        prepared.commit().unwrap();
    }
    let output = databank(data.path(), &["search", "huerto"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("databank reindex"), "{stderr}");

    let server = Server::start(data, &["--no-seed"]);
    assert_eq!(ids(&server.search("q=huerto")), ["old-1"]);
    let (_, facets) = server.get("/v1/facets");
    assert_ne!(facets["last_commit"], "2026-01-01T00:00:00Z", "{facets}");
}

#[test]
fn mistakes_on_the_command_line_get_messages_that_say_what_to_do() {
    // A mistyped data directory is not reindexed into a new empty index.
    let data = tempfile::tempdir().unwrap();
    let missing = data.path().join("typo");
    let output = databank(&missing, &["reindex"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no index in"));
    assert!(!missing.exists(), "nothing created");
    // A server address without its scheme, and a server that is down, say so.
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("one.ndjson");
    std::fs::write(
        &path,
        format!("{}\n", document("one", Some("en"), "One", "A document.")),
    )
    .unwrap();
    let import = |server: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_databank"))
            .args(["import", path.to_str().unwrap(), "--server", server])
            .env("DATABANK_ADMIN_TOKEN", "token")
            .env("DATABANK_LOG", "warn")
            .output()
            .expect("run databank");
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    assert!(import("localhost:9").contains("must be an http(s) URL"));
    // A limit out of its range is refused before the server starts (100,000 search threads
    // exhausted the machine's threads and aborted).
    for (flag, value, says) in [
        ("--max-concurrent-searches", "100000", "between 1 and 256"),
        ("--request-timeout-ms", "0", "between 1 and"),
        ("--bulk-limit", "0", "at least 1024"),
    ] {
        let output = databank(
            data.path(),
            &["serve", "--no-seed", "--addr", "127.0.0.1:0", flag, value],
        );
        assert!(!output.status.success(), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{flag} {value}: {stderr}");
    }
    let refused = import("http://127.0.0.1:9");
    assert!(refused.to_lowercase().contains("refused"), "{refused}");
    // A restore from a directory that holds no snapshot.
    let output = databank(data.path(), &["restore", missing.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a snapshot"));
}

/// A first start cut short while the seed data loads (a SIGTERM, a crash) leaves an index that
/// exists but was never seeded: the next start seeds it, instead of serving an empty databank
/// for good.
#[test]
fn a_first_start_cut_short_while_seeding_seeds_on_the_next() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let empty = files.path().join("empty.ndjson");
    std::fs::write(&empty, "").unwrap();
    // An index that exists, empty, and the mark a seeding start leaves until it is done.
    let output = databank(data.path(), &["import", empty.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(data.path().join("seeding-in-progress"), "").unwrap();
    let server = Server::start(data, &[]);
    assert_eq!(server.search("facets=")["total"], 339);
    assert!(!server.data_dir().join("seeding-in-progress").exists());
}
