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
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(cli: &Cli, args: &ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let index_dir = cli.index_dir();
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr).await?;
        let local = listener.local_addr()?;
        // Tests and scripts read this line to find the port.
        println!("databank listening on http://{local}");
        tracing::info!(%local, "listening");
        crate::api::serve(listener, databank, shutdown_signal()).await
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
