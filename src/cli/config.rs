//! Settings: each one from a command-line flag, a `DATABANK_*` environment variable or the
//! optional TOML file given by `--config` (in that order of precedence), else a safe default
//! (bind 127.0.0.1, writes disabled without a token, no CORS origin, no trusted proxy).
//!
//! clap reads flags and environment variables (so `databank serve --help` lists both); this
//! module reads the file and fills what clap left empty. The README's settings table lists them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::{ApiConfig, RateLimit, TrustedProxies};

/// Log output: lines for humans, or one JSON object per event for log collectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Human,
    /// One JSON object per line.
    Json,
}

/// The TOML file: the same names as the flags, with `_` for `-`. Unknown keys are an error.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub data_dir: Option<PathBuf>,
    pub schema_dir: Option<PathBuf>,
    pub log_format: Option<LogFormat>,
    pub addr: Option<SocketAddr>,
    pub no_seed: Option<bool>,
    pub admin_token_file: Option<PathBuf>,
    pub bulk_limit: Option<usize>,
    pub cors_origins: Option<Vec<String>>,
    pub rate_limit: Option<u32>,
    pub rate_limit_burst: Option<u32>,
    pub trusted_proxies: Option<Vec<String>>,
    pub request_timeout_ms: Option<u64>,
    pub max_concurrent_searches: Option<usize>,
    pub max_queued_searches: Option<usize>,
    pub max_connections: Option<usize>,
    pub cache_max_age: Option<u64>,
    pub shutdown_grace_secs: Option<u64>,
    pub snapshot_dir: Option<PathBuf>,
    pub compact_after_secs: Option<u64>,
}

impl FileSettings {
    /// Reads the TOML file at `path`.
    pub fn read(path: &Path) -> Result<FileSettings, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("--config {}: {err}", path.display()))?;
        toml::from_str(&text).map_err(|err| format!("--config {}: {err}", path.display()))
    }
}

/// Defaults of the server's own settings; the API's are [`ApiConfig::default`].
pub mod defaults {
    /// `--addr`.
    pub const ADDR: &str = "127.0.0.1:3000";
    /// `--shutdown-grace-secs`.
    pub const SHUTDOWN_GRACE_SECS: u64 = 20;
    /// `--compact-after-secs`.
    pub const COMPACT_AFTER_SECS: u64 = 30;
}

/// The first of: the flag or environment value, the file's value, the default.
pub fn pick<T>(given: Option<T>, file: Option<T>, default: impl FnOnce() -> T) -> T {
    given.or(file).unwrap_or_else(default)
}

/// The serve settings after precedence, as the API takes them, plus the server's own.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Whether a fresh data directory stays empty.
    pub no_seed: bool,
    /// The API's configuration.
    pub api: ApiConfig,
    /// How long in-flight requests may finish after SIGTERM.
    pub shutdown_grace: Duration,
}

/// Parses the trusted proxy list (`10.0.0.1`, `10.0.0.0/8`, `::1`).
pub fn trusted_proxies(values: &[String]) -> Result<TrustedProxies, String> {
    let mut networks = Vec::new();
    for value in values
        .iter()
        .map(|value| value.trim())
        .filter(|v| !v.is_empty())
    {
        let network = match value.parse::<ipnet::IpNet>() {
            Ok(network) => network,
            Err(_) => value
                .parse::<std::net::IpAddr>()
                .map(ipnet::IpNet::from)
                .map_err(|_| {
                    format!("trusted proxy {value:?} is neither an IP address nor a CIDR network")
                })?,
        };
        networks.push(network);
    }
    Ok(TrustedProxies::new(networks))
}

/// Checks the CORS origins (`https://example.org`, or `*` for any).
pub fn cors_origins(values: &[String]) -> Result<Vec<String>, String> {
    let mut origins = Vec::new();
    for value in values
        .iter()
        .map(|value| value.trim())
        .filter(|v| !v.is_empty())
    {
        if value == "*" {
            origins.push(value.to_string());
            continue;
        }
        let url = url::Url::parse(value)
            .map_err(|err| format!("CORS origin {value:?} is not a URL: {err}"))?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(format!(
                "CORS origin {value:?} must be a scheme and host (and port), like https://example.org"
            ));
        }
        // As browsers send it: lowercase, without a default port or a trailing slash.
        origins.push(url.origin().ascii_serialization());
    }
    Ok(origins)
}

/// A rate limit, or none when `per_second` is 0.
pub fn rate_limit(per_second: u32, burst: u32) -> Option<RateLimit> {
    (per_second > 0).then(|| RateLimit {
        per_second,
        burst: burst.max(1),
    })
}
