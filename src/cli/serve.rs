//! `databank serve`: open (or create) the index, load the seed data on first start, serve.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::config::{self, defaults, pick, FileSettings, ServeSettings};
use super::Cli;
use crate::api::ApiConfig;

/// Options of `databank serve`. Each can also come from its environment variable or from the
/// `--config` TOML file (key = the flag's name with `_`), in that order of precedence.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed)
    /// [default: 127.0.0.1:3000].
    #[arg(long, env = "DATABANK_ADDR")]
    pub addr: Option<SocketAddr>,
    /// Start with an empty index instead of loading the seed data on first start.
    #[arg(long, env = "DATABANK_NO_SEED", num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_seed: Option<bool>,
    /// The staff token for writes (without one, writes answer 403). Prefer the environment
    /// variable or --admin-token-file: a flag shows in the process list.
    #[arg(long, env = "DATABANK_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Read the staff token from this file (first line).
    #[arg(long, env = "DATABANK_ADMIN_TOKEN_FILE")]
    pub admin_token_file: Option<PathBuf>,
    /// Largest bulk body, in bytes [default: 67108864 (64 MiB)].
    #[arg(long, env = "DATABANK_BULK_LIMIT")]
    pub bulk_limit: Option<usize>,
    /// An origin allowed to call the API from browsers (CORS), like https://example.org, or `*`;
    /// repeat it, or separate with commas [default: none].
    #[arg(
        long = "cors-origin",
        env = "DATABANK_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Requests per second allowed to one client IP on public endpoints; 0 turns the limit
    /// off [default: 50].
    #[arg(long, env = "DATABANK_RATE_LIMIT")]
    pub rate_limit: Option<u32>,
    /// Requests one client IP may send at once after a quiet spell [default: 100].
    #[arg(long, env = "DATABANK_RATE_LIMIT_BURST")]
    pub rate_limit_burst: Option<u32>,
    /// A reverse proxy (IP or CIDR) whose X-Forwarded-For names the client; repeat it, or
    /// separate with commas [default: none: X-Forwarded-For is ignored].
    #[arg(
        long = "trusted-proxy",
        env = "DATABANK_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// A public request running longer than this is answered 503 and logged [default: 10000].
    #[arg(long, env = "DATABANK_REQUEST_TIMEOUT_MS")]
    pub request_timeout_ms: Option<u64>,
    /// Searches running at once [default: the number of cores].
    #[arg(long, env = "DATABANK_MAX_CONCURRENT_SEARCHES")]
    pub max_concurrent_searches: Option<usize>,
    /// Searches waiting for a slot before more are refused with 503 [default: 256].
    #[arg(long, env = "DATABANK_MAX_QUEUED_SEARCHES")]
    pub max_queued_searches: Option<usize>,
    /// Connections open at once; more wait until one closes (a connection silent for 20 s
    /// after connecting is closed) [default: 1000].
    #[arg(long, env = "DATABANK_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Cache-Control max-age of read answers, in seconds; clients revalidate with the ETag
    /// after it [default: 0].
    #[arg(long, env = "DATABANK_CACHE_MAX_AGE")]
    pub cache_max_age: Option<u64>,
    /// After SIGTERM, how long requests in flight may take to finish [default: 20].
    #[arg(long, env = "DATABANK_SHUTDOWN_GRACE_SECS")]
    pub shutdown_grace_secs: Option<u64>,
    /// Where POST /v1/admin/snapshot writes [default: DATA_DIR/snapshots].
    #[arg(long, env = "DATABANK_SNAPSHOT_DIR")]
    pub snapshot_dir: Option<PathBuf>,
    /// Once the index has gone this many seconds without a write, its segments are merged
    /// into one in the background (searches get faster); 0 never does [default: 30].
    #[arg(long, env = "DATABANK_COMPACT_AFTER_SECS")]
    pub compact_after_secs: Option<u64>,
}

impl ServeArgs {
    /// The settings after precedence: flag, environment, `--config` file, default.
    pub fn settings(&self, file: &FileSettings) -> Result<ServeSettings, String> {
        let admin_token_file = self
            .admin_token_file
            .clone()
            .or_else(|| file.admin_token_file.clone());
        if admin_token_file.is_some() && self.admin_token.is_some() {
            // Both given: the file wins; say so rather than lock the other token out silently.
            tracing::warn!(
                "both DATABANK_ADMIN_TOKEN and an admin token file are set: the file's token is used"
            );
        }
        let admin_token = match (&admin_token_file, &self.admin_token) {
            (Some(path), _) => Some(
                std::fs::read_to_string(path)
                    .map_err(|err| format!("--admin-token-file {}: {err}", path.display()))?
                    // Notepad saves "UTF-8" with a byte-order mark: no client types one.
                    .trim_start_matches('\u{feff}')
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            ),
            (None, token) => token.clone(),
        };
        let cors_origins = if self.cors_origins.is_empty() {
            file.cors_origins.clone().unwrap_or_default()
        } else {
            self.cors_origins.clone()
        };
        let trusted_proxies = if self.trusted_proxies.is_empty() {
            file.trusted_proxies.clone().unwrap_or_default()
        } else {
            self.trusted_proxies.clone()
        };
        let base = ApiConfig::default();
        let rate = pick(self.rate_limit, file.rate_limit, || {
            base.rate_limit.map_or(0, |limit| limit.per_second)
        });
        let burst = pick(self.rate_limit_burst, file.rate_limit_burst, || {
            base.rate_limit.map_or(1, |limit| limit.burst)
        });
        let request_timeout = match self.request_timeout_ms.or(file.request_timeout_ms) {
            Some(millis) => {
                Duration::from_millis(within("request-timeout-ms", millis, 1, 3_600_000)?)
            }
            None => base.request_timeout,
        };
        if rate > 0 {
            within("rate-limit-burst", u64::from(burst), 1, u64::from(u32::MAX))?;
        }
        let addr = match self.addr.or(file.addr) {
            Some(addr) => addr,
            None => defaults::ADDR
                .parse()
                .map_err(|err| format!("default address: {err}"))?,
        };
        let compact_after = pick(self.compact_after_secs, file.compact_after_secs, || {
            defaults::COMPACT_AFTER_SECS
        });
        Ok(ServeSettings {
            addr,
            no_seed: pick(self.no_seed, file.no_seed, || false),
            shutdown_grace: Duration::from_secs(pick(
                self.shutdown_grace_secs,
                file.shutdown_grace_secs,
                || defaults::SHUTDOWN_GRACE_SECS,
            )),
            api: ApiConfig {
                admin_token,
                bulk_limit: within(
                    "bulk-limit",
                    pick(self.bulk_limit, file.bulk_limit, || base.bulk_limit) as u64,
                    1_024,
                    u64::MAX,
                )? as usize,
                cors_origins: config::cors_origins(&cors_origins)?,
                rate_limit: config::rate_limit(rate, burst),
                trusted_proxies: config::trusted_proxies(&trusted_proxies)?,
                request_timeout,
                // Each is a thread: a few hundred at most.
                max_concurrent_searches: within(
                    "max-concurrent-searches",
                    pick(
                        self.max_concurrent_searches,
                        file.max_concurrent_searches,
                        || base.max_concurrent_searches,
                    ) as u64,
                    1,
                    MAX_SEARCH_THREADS,
                )? as usize,
                max_queued_searches: pick(
                    self.max_queued_searches,
                    file.max_queued_searches,
                    || base.max_queued_searches,
                ),
                max_connections: within(
                    "max-connections",
                    pick(self.max_connections, file.max_connections, || {
                        base.max_connections
                    }) as u64,
                    1,
                    1_000_000,
                )? as usize,
                cache_max_age: pick(self.cache_max_age, file.cache_max_age, || {
                    base.cache_max_age
                }),
                snapshot_dir: self
                    .snapshot_dir
                    .clone()
                    .or_else(|| file.snapshot_dir.clone()),
                compact_after: (compact_after > 0).then(|| Duration::from_secs(compact_after)),
            },
        })
    }
}

/// Most searches run at once (each on a thread of its own).
const MAX_SEARCH_THREADS: u64 = 256;

/// `value` of setting `name` when it lies in `min..=max`; else a message saying the range.
fn within(name: &str, value: u64, min: u64, max: u64) -> Result<u64, String> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else if max == u64::MAX {
        Err(format!("--{name} must be at least {min}, not {value}"))
    } else {
        Err(format!(
            "--{name} must be between {min} and {max}, not {value}"
        ))
    }
}

/// Runs the server until SIGTERM or Ctrl-C; then stops accepting connections, lets requests in
/// flight finish (at most the grace period) and exits. A bulk load in flight either commits
/// whole before the process ends or leaves nothing.
pub fn run(cli: &Cli, args: &ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let settings = args.settings(&cli.file)?;
    let index_dir = cli.index_dir();
    crate::engine::databank::finish_interrupted_swap(&index_dir)?;
    // Present while the seed data loads: a first start cut short (a SIGTERM, a crash) leaves
    // an index that exists but was never seeded, and the next start seeds it.
    let seeding = index_dir.with_file_name("seeding-in-progress");
    let fresh = !index_dir.join("meta.json").exists() || seeding.exists();
    if fresh && !settings.no_seed {
        if let Some(data_dir) = seeding.parent() {
            std::fs::create_dir_all(data_dir)?;
        }
        std::fs::write(&seeding, b"the seed data is being loaded\n")?;
    }
    let (databank, rebuilt) = crate::engine::databank::open_upgraded(&index_dir, cli.catalog()?)?;
    if let Some(count) = rebuilt {
        tracing::info!(count, "index rebuilt in the current term format");
    }
    let databank = Arc::new(databank);
    if fresh && !settings.no_seed {
        let started = std::time::Instant::now();
        let loaded = databank.load_seed()?;
        std::fs::remove_file(&seeding)?;
        tracing::info!(
            loaded,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "seed data loaded"
        );
    }
    tracing::info!(documents = databank.len(), dir = %index_dir.display(), "index open");
    {
        // Suggestions are built from the whole index; build them now rather than for the first
        // user who types.
        let databank = databank.clone();
        std::thread::spawn(move || {
            if let Err(error) = databank.warm_suggestions() {
                tracing::warn!(%error, "could not build the suggestions");
            }
        });
    }
    if settings
        .api
        .admin_token
        .as_deref()
        .is_none_or(|token| token.trim().is_empty())
    {
        tracing::warn!(
            "no admin token configured: writes are disabled (set DATABANK_ADMIN_TOKEN or --admin-token-file)"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let grace = settings.shutdown_grace;
    let overran = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(settings.addr).await?;
        let local = listener.local_addr()?;
        // Tests and scripts read this line to find the port.
        println!("databank listening on http://{local}");
        tracing::info!(%local, "listening");
        let (stopping, mut stop_requested) = tokio::sync::watch::channel(false);
        let signal = async move {
            shutdown_signal().await;
            let _ = stopping.send(true);
        };
        let server = crate::api::serve(listener, databank, settings.api, signal);
        tokio::pin!(server);
        tokio::select! {
            result = &mut server => result.map(|()| false),
            _ = async {
                let _ = stop_requested.wait_for(|stop| *stop).await;
                tokio::time::sleep(grace).await;
            } => Ok(true),
        }
    })?;
    if overran {
        // A load still running was not acknowledged (its connection is closed): it is left
        // behind as a SIGKILL would leave it — never half-written (a commit is atomic), and the
        // next start opens the index as it was. Waiting for it held the index for as long as
        // the load took (41 s with a 1 s grace).
        tracing::warn!(
            grace_secs = grace.as_secs(),
            "requests still running after the grace period; exiting without them (nothing they wrote was acknowledged)"
        );
        runtime.shutdown_background();
        tracing::info!("stopped");
        return Ok(());
    }
    // Dropping the runtime waits for engine work already started (a commit finishes whole).
    drop(runtime);
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
