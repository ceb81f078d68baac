//! The server's connections: accepted up to `max_connections` at once (the next ones wait in the
//! kernel's backlog until one closes), served by hyper with a header-read timeout, and drained
//! on shutdown.
//!
//! A connection must send a complete request head within [`HEADER_READ_TIMEOUT`] of being
//! accepted or of its previous answer, else it is closed: this covers a socket that sends
//! nothing, one that sends half a request head and stops, and an idle keep-alive connection.
//! A request's body and its handling are bounded by the request timeout and the body limit,
//! not here. (axum's own `serve` sets no timer, so hyper's header-read timeout never ran: a
//! client holding silent or half-open sockets kept them for as long as it liked, and with a
//! cap on connections that would have locked everyone else out.)

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt};

/// How long a connection may take to send a request head (from its accept, or from its
/// previous answer on a kept-alive connection).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(20);

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting, lets the open
/// connections finish their requests, and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    max_connections: usize,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    let slots = Arc::new(Semaphore::new(max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    tokio::pin!(shutdown);
    loop {
        // The semaphore is never closed: acquiring only waits for a free slot.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors, or a connection reset before it was accepted: wait a
                    // moment rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(router) = make_service.call(peer).await;
        let service = TowerToHyperService::new(
            router.map_request(|request: Request<Incoming>| request.map(axum::body::Body::new)),
        );
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection's error (a reset, a timed-out head) concerns that client alone.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
