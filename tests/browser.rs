//! The pages in a real browser: starts the real server (seed data, an admin token) and runs
//! `tests/browser/e2e.mjs` with Node.js, which drives Debian's headless Chromium through
//! playwright-core and checks every page with axe-core. It searches, ticks a country (the other
//! countries keep their counts), opens an initiative, switches its language, follows a similar
//! initiative, goes back to the same results; switches the interface language; uploads a CSV
//! with a bad row in the staff page, sees the row reported, commits the fixed file and finds it
//! by search. Screenshots of the search page go to `docs/`.
//!
//! Needs `/usr/bin/chromium` (or `$CHROMIUM`) and Node.js; `npm ci` is run in `tests/browser/`
//! when its `node_modules` is missing. A missing browser fails the test: it never passes without
//! having run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "browser-test-token";

/// The whole run, browser start included, on a slow shared machine.
const LIMIT: Duration = Duration::from_secs(20 * 60);

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "no Chromium at {}: install Debian's package (`apt-get install chromium`, as .ci/run does) \
         or point $CHROMIUM at a Chromium binary",
        path.display()
    );
    path
}

fn node_modules(dir: &Path) {
    if dir.join("node_modules/playwright-core").exists()
        && dir.join("node_modules/axe-core").exists()
    {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .status()
        .unwrap_or_else(|err| panic!("`npm ci` in {} could not start: {err}", dir.display()));
    assert!(status.success(), "`npm ci` in {} failed", dir.display());
}

#[test]
fn search_initiative_and_admin_pages_work_in_headless_chromium() {
    let chromium = chromium();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = root.join("tests/browser");
    node_modules(&browser_dir);

    let server =
        common::Server::start_with(tempfile::tempdir().expect("temp dir"), &[], Some(TOKEN));
    let mut child = Command::new("node")
        .arg(browser_dir.join("e2e.mjs"))
        .arg(&server.base)
        .arg(TOKEN)
        .arg(root.join("docs"))
        .env("CHROMIUM", &chromium)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node could not start (is Node.js installed?)");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    println!("{stdout}");
    if !stderr.trim().is_empty() {
        println!("stderr:\n{stderr}");
    }
    let status = status.unwrap_or_else(|| panic!("the browser test ran over {LIMIT:?}"));
    assert!(
        status.success(),
        "the browser test failed ({status}):\n{stdout}\n{stderr}"
    );
    for name in ["search-desktop.png", "search-phone.png"] {
        assert!(
            root.join("docs").join(name).exists(),
            "docs/{name} not written"
        );
    }
}
