//! Logs, request ids and metrics. JSON logs in production, readable ones locally. Log lines name
//! the route pattern (`/api/v1/cases/{id}`), never the raw path or query string: those carry
//! personal data and tokens.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::Instrument;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::platform::config::{LogFormat, LogSettings, SpanEvents};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Installs the global subscriber once; later calls (tests start many apps) do nothing.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_new(&settings.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let span_events = match settings.span_events {
        SpanEvents::None => FmtSpan::NONE,
        SpanEvents::Close => FmtSpan::CLOSE,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(span_events)
        .with_writer(std::io::stderr);
    let _ = match settings.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            // The chain request → area service → store on every line: one request's path.
            .with_span_list(true)
            .try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// How often recorded histogram samples are folded into their buckets.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// What each series means, as the `# HELP` line a scraper shows beside it.
fn describe_metrics() {
    use metrics::Unit;
    metrics::describe_counter!(
        "http_requests_total",
        "HTTP requests answered, by method, route pattern and status"
    );
    metrics::describe_histogram!(
        "http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by method, route pattern and status"
    );
    metrics::describe_counter!(
        "notification_sends_total",
        "Outbox rows handled by the dispatcher, by notification kind and outcome"
    );
    metrics::describe_gauge!(
        "notification_outbox_depth",
        "Outbox rows waiting to be sent"
    );
    metrics::describe_gauge!(
        "notification_outbox_oldest_pending_seconds",
        "Age of the oldest outbox row waiting to be sent"
    );
    metrics::describe_gauge!(
        "staff_alerts_open",
        "Promises to the insured falling due soon or already broken, over every insurer"
    );
}

/// The process-wide Prometheus recorder (metrics are process-global by nature).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".to_owned()),
                    &[
                        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                        10.0,
                    ],
                )
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (a test binary embedding us): then our
            // handle renders what we record through it, which is nothing, but nothing breaks.
            let _ = metrics::set_global_recorder(recorder);
            describe_metrics();
            // Histogram samples wait in a queue until they are folded into the buckets: by a
            // scrape, or here, so that they do not pile up where nothing scrapes.
            let upkeep = handle.clone();
            let _ = std::thread::Builder::new()
                .name("metrics-upkeep".to_owned())
                .spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP_EVERY);
                        upkeep.run_upkeep();
                    }
                });
            handle
        })
        .clone()
}

/// The id of the request being served, also returned as `X-Request-Id` (shared, not copied:
/// the outage guard reads it on every request it guards).
#[derive(Debug, Clone)]
pub struct RequestId(pub std::sync::Arc<str>);

/// Accepts a caller's `X-Request-Id` when it is a short token of safe characters (so it cannot
/// forge log lines), otherwise makes one.
fn request_id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .map(str::to_owned)
        .unwrap_or_else(new_request_id)
}

/// A request id made here: a random prefix drawn once per process, then a counter (a UUID v4 per
/// request would read the kernel's random source every time).
fn new_request_id() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        let mut random = uuid::Uuid::new_v4().simple().to_string();
        random.truncate(16);
        random
    });
    format!("{prefix}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

type Handles = Vec<(Method, u16, metrics::Counter, metrics::Histogram)>;

thread_local! {
    /// This thread's handles of the request metrics, by route, method and status: registered
    /// once each, instead of building and looking up their labelled keys on every request.
    static REQUEST_METRICS: RefCell<HashMap<String, Handles>> = RefCell::new(HashMap::new());
}

fn record_request(method: &Method, route: &str, status: u16, elapsed: Duration) {
    REQUEST_METRICS.with_borrow_mut(|routes| {
        if !routes.contains_key(route) {
            routes.insert(route.to_owned(), Vec::new());
        }
        let Some(handles) = routes.get_mut(route) else {
            return;
        };
        let at = match handles
            .iter()
            .position(|(m, s, _, _)| m == method && *s == status)
        {
            Some(at) => at,
            None => {
                let labels = [
                    ("method", method.to_string()),
                    ("route", route.to_owned()),
                    ("status", status.to_string()),
                ];
                handles.push((
                    method.clone(),
                    status,
                    metrics::counter!("http_requests_total", &labels),
                    metrics::histogram!("http_request_duration_seconds", &labels),
                ));
                handles.len() - 1
            }
        };
        let (_, _, counter, histogram) = &handles[at];
        counter.increment(1);
        histogram.record(elapsed.as_secs_f64());
    });
}

/// One span per request, the request id on every response, and the request metrics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id: std::sync::Arc<str> = request_id_of(&req).into();
    let method = req.method().clone();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    // The route is known cheaply once the request was routed (before that, naming it means
    // matching the path against every route's pattern once more): recorded on the way out.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %method,
        route = tracing::field::Empty,
    );
    // Handlers' errors are already responses here (actix converts them at the resource); an
    // inner middleware's error (the outage guard's refusal of a request already routed, which
    // carries the request id itself) is rendered by the server: logged and counted here.
    let mut response = match next.call(req).instrument(span.clone()).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            let elapsed = started.elapsed();
            let status = error.as_response_error().status_code().as_u16();
            // The route's pattern went with the request: counted under "routed".
            record_request(&method, "routed", status, elapsed);
            span.in_scope(|| {
                let millis = elapsed.as_secs_f64() * 1000.0;
                tracing::error!(status, millis, %error, "served");
            });
            return Err(error);
        }
    };
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    span.record("route", route.as_str());
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    record_request(&method, &route, status, elapsed);
    span.in_scope(|| {
        let millis = elapsed.as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::error!(status, millis, "served");
        } else if route.starts_with("/health") || route == "/metrics" {
            // Probes and scrapes arrive every few seconds: not worth an info line each.
            tracing::debug!(status, millis, "served");
        } else {
            tracing::info!(status, millis, "served");
        }
    });
    Ok(response)
}
