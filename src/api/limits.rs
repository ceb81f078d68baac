//! What keeps a public API standing: who the client is (its IP, read from `X-Forwarded-For`
//! only behind a trusted proxy), a per-IP rate limit (429 with `Retry-After`), a pool of search
//! threads with a bounded queue (503 when full), and a request timeout (503).
//!
//! The limits on one request's size (query length, filter values, page depth) are the engine's
//! own validation (`engine::search`), answered as 400s.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::error::ApiError;
use super::SharedState;

/// Requests per second and burst allowed to one client IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_second: u32,
    /// Requests allowed at once after a quiet spell.
    pub burst: u32,
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Trusts these networks.
    pub fn new(networks: Vec<ipnet::IpNet>) -> Self {
        TrustedProxies(networks)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the right-most
    /// address of `X-Forwarded-For` that is not itself a trusted proxy (addresses further left
    /// were written by the client and prove nothing).
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let chain: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        let mut client = peer;
        for hop in chain.iter().rev() {
            let Some(address) = parse_hop(hop) else {
                break;
            };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client
    }
}

/// IPv4-mapped IPv6 addresses compare as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `::1` or `[::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    hop.parse::<SocketAddr>()
        .ok()
        .map(|socket| canonical(socket.ip()))
}

/// The client of a request, set by [`identify_client`].
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// Middleware: works out the client IP once and leaves it in the request's extensions.
pub async fn identify_client(
    State(state): State<SharedState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let client = state.trusted_proxies.client_ip(peer, request.headers());
    request.extensions_mut().insert(ClientIp(client));
    next.run(request).await
}

/// Per-IP token buckets.
pub struct RateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl RateLimiter {
    /// A limiter allowing `limit` to every IP.
    pub fn new(limit: RateLimit) -> Self {
        let per_second = NonZeroU32::new(limit.per_second).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limit.burst).unwrap_or(per_second);
        RateLimiter {
            limiter: governor::RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    /// `Ok` when `client` may go on, else how long it should wait.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        // Forget idle clients now and then so the table does not grow without bound.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(&rate_key(client))
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// The bucket of a client: its IPv4 address, or its IPv6 /64 — one host (one home, one
/// server) is given a whole /64, and would otherwise get a fresh bucket per address.
fn rate_key(client: IpAddr) -> IpAddr {
    match client {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(std::net::Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

/// Middleware on public routes: 429 with `Retry-After` when the client is over its rate.
pub async fn rate_limit(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    if let (Some(limiter), Some(ClientIp(client))) =
        (&state.rate_limiter, request.extensions().get::<ClientIp>())
    {
        if let Err(wait) = limiter.check(*client) {
            metrics::counter!("databank_rate_limited_total").increment(1);
            return ApiError::TooManyRequests {
                retry_after: wait.as_secs().max(1),
            }
            .into_response();
        }
    }
    next.run(request).await
}

/// Middleware on public routes: a request that takes longer than the configured timeout is
/// answered 503 and logged. (Engine work already started finishes on its search thread, and
/// work still queued is dropped, so a flood of slow queries cannot pile up unbounded.)
pub async fn timeout(State(state): State<SharedState>, request: Request, next: Next) -> Response {
    let uri = request.uri().clone();
    match tokio::time::timeout(state.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            metrics::counter!("databank_requests_timed_out_total").increment(1);
            let path = uri.path();
            let query: String = uri.query().unwrap_or_default().chars().take(200).collect();
            tracing::warn!(
                %path,
                %query,
                timeout_ms = state.request_timeout.as_millis() as u64,
                "request timed out"
            );
            ApiError::Timeout(format!(
                "the request took longer than {} ms and was stopped; narrow it, or try again",
                state.request_timeout.as_millis()
            ))
            .into_response()
        }
    }
}

/// A job for the search pool.
type Job = Box<dyn FnOnce() + Send>;

/// The threads that run engine reads: at most N at once (one per thread), up to M more waiting
/// in a queue, beyond that 503. A worker takes the next job as soon as it finishes one, so the
/// cores never idle while searches wait; a job whose request has gone (timed out, client
/// disconnected) is skipped instead of run.
pub struct SearchPool {
    queue: std::sync::mpsc::SyncSender<Job>,
}

impl SearchPool {
    /// `running` worker threads, `queued` jobs waiting at most.
    pub fn new(running: usize, queued: usize) -> Self {
        let (queue, jobs) = std::sync::mpsc::sync_channel::<Job>(queued);
        let jobs = Arc::new(std::sync::Mutex::new(jobs));
        for number in 0..running.max(1) {
            let jobs = jobs.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("search-{number}"))
                .spawn(move || loop {
                    let next = match jobs.lock() {
                        Ok(jobs) => jobs.recv(),
                        Err(_) => return,
                    };
                    match next {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a search thread");
            }
        }
        SearchPool { queue }
    }

    /// Runs `work` on a search thread and waits for its answer; 503 when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if answer.is_closed() {
                return;
            }
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .unwrap_or_else(|_| Err(ApiError::Internal("a search panicked".into())));
            let _ = answer.send(result);
        });
        match self.queue.try_send(job) {
            Ok(()) => {}
            Err(std::sync::mpsc::TrySendError::Full(_)) => {
                metrics::counter!("databank_searches_refused_total").increment(1);
                return Err(ApiError::Busy(
                    "too many searches are waiting; try again in a moment".into(),
                ));
            }
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => {
                return Err(ApiError::Internal("the search threads have stopped".into()));
            }
        }
        answered
            .await
            .map_err(|_| ApiError::Internal("a search thread dropped its answer".into()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_limited_by_its_64_prefix() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 1,
            burst: 2,
        });
        let address = |n: u16| IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, n));
        assert!(limiter.check(address(1)).is_ok());
        assert!(limiter.check(address(2)).is_ok());
        assert!(limiter.check(address(3)).is_err(), "same /64, same bucket");
        let elsewhere = IpAddr::V6(std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1));
        assert!(limiter.check(elsewhere).is_ok());
    }
    use axum::http::HeaderValue;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|net| net.parse().expect("net")).collect())
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn forwarded_for_is_ignored_from_untrusted_peers() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let peer: IpAddr = "203.0.113.9".parse().expect("ip");
        assert_eq!(trusted.client_ip(peer, &forwarded("1.2.3.4")), peer);
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let peer: IpAddr = "10.0.0.2".parse().expect("ip");
        let headers = forwarded("6.6.6.6, 198.51.100.7, 10.0.0.5");
        let expected: IpAddr = "198.51.100.7".parse().expect("ip");
        assert_eq!(trusted.client_ip(peer, &headers), expected);
        let expected: IpAddr = "198.51.100.7".parse().expect("ip");
        assert_eq!(
            trusted.client_ip(peer, &forwarded("198.51.100.7:4711")),
            expected
        );
        // Garbage ends the walk at the last good hop.
        assert_eq!(trusted.client_ip(peer, &forwarded("nonsense")), peer);
    }
}
