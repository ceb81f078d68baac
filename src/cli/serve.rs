//! `databank serve`: open (or create) the index, load the seed data on first start, serve.

use std::net::SocketAddr;
use std::sync::Arc;

use clap::Args;

use super::Cli;
use crate::engine::Databank;

/// Options of `databank serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, env = "DATABANK_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Start with an empty index instead of loading the seed data on first start.
    #[arg(long, env = "DATABANK_NO_SEED")]
    pub no_seed: bool,
    /// The staff token for writes (without one, writes answer 403).
    #[arg(long, env = "DATABANK_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Read the staff token from this file (first line).
    #[arg(long, env = "DATABANK_ADMIN_TOKEN_FILE")]
    pub admin_token_file: Option<std::path::PathBuf>,
    /// Largest bulk body, in bytes.
    #[arg(long, env = "DATABANK_BULK_LIMIT", default_value_t = crate::api::DEFAULT_BULK_LIMIT)]
    pub bulk_limit: usize,
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(cli: &Cli, args: &ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let index_dir = cli.index_dir();
    crate::engine::databank::finish_interrupted_swap(&index_dir)?;
    let fresh = !index_dir.join("meta.json").exists();
    let databank = Arc::new(Databank::open(&index_dir, cli.catalog()?)?);
    if fresh && !args.no_seed {
        let started = std::time::Instant::now();
        let loaded = databank.load_seed()?;
        tracing::info!(
            loaded,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "seed data loaded"
        );
    }
    tracing::info!(documents = databank.len(), dir = %index_dir.display(), "index open");
    let admin_token = match &args.admin_token_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|err| format!("--admin-token-file {}: {err}", path.display()))?
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string(),
        ),
        None => args.admin_token.clone(),
    };
    if admin_token.as_deref().is_none_or(|token| token.is_empty()) {
        tracing::warn!(
            "no admin token configured: writes are disabled (set DATABANK_ADMIN_TOKEN or --admin-token-file)"
        );
    }
    let config = crate::api::ApiConfig {
        admin_token,
        bulk_limit: args.bulk_limit,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr).await?;
        let local = listener.local_addr()?;
        // Tests and scripts read this line to find the port.
        println!("databank listening on http://{local}");
        tracing::info!(%local, "listening");
        crate::api::serve(listener, databank, config, shutdown_signal()).await
    })?;
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
