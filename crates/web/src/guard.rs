//! What every request passes before a handler sees it: the client's address (from the
//! connection, or from `X-Forwarded-For` only when the connection comes from a configured
//! trusted proxy), and for every request that may change something — forms, JSON, empty
//! bodies, login, logout — a check that it comes from the server's own pages: `Origin` (or,
//! without it, `Sec-Fetch-Site`) must name this server. Browsers send one of them on every
//! cross-site POST; a request with neither is a script, accepted only under `/api/` and only
//! declared as JSON (which no cross-site form can send), where the handler then needs a
//! session.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::failure::Failure;
use super::Shared;

/// The peer of a connection, plain or TLS (the connect info every request carries).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Peer {
        Peer(*stream.remote_addr())
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, super::tls::Listener>>
    for Peer
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, super::tls::Listener>) -> Peer {
        Peer(*stream.remote_addr())
    }
}

/// The address a request comes from, as the login throttling counts it.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

/// The server's own origin and the proxies it trusts.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// `scheme://host[:port]` of the public URL, when configured; else the request's `Host`
    /// with the scheme the server listens with.
    pub public: Option<String>,
    pub https: bool,
    pub trusted_proxies: Vec<IpAddr>,
}

impl Origins {
    /// The origin of a public URL (`https://traject.ocmw.example/` → its scheme and host), or
    /// `None` when it is not an http(s) URL.
    pub fn origin_of(url: &str) -> Option<String> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let host = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
        (!host.is_empty() && !host.contains('@')).then(|| format!("{scheme}://{host}"))
    }

    /// Whether `origin` is this server's.
    fn is_own(&self, origin: &str, headers: &HeaderMap) -> bool {
        let origin = origin.to_ascii_lowercase();
        match &self.public {
            Some(public) => origin == *public,
            None => {
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_ascii_lowercase);
                let scheme = if self.https { "https" } else { "http" };
                host.is_some_and(|h| origin == format!("{scheme}://{h}"))
            }
        }
    }

    /// The client's address: the peer's, or — when the peer is a trusted proxy — the last
    /// address in `X-Forwarded-For` that is not itself a trusted proxy.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> String {
        let Some(peer) = peer else {
            return "unknown".into();
        };
        if !self.trusted_proxies.contains(&peer) {
            return peer.to_string();
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse().ok())
            .collect();
        forwarded
            .into_iter()
            .rev()
            .find(|a| !self.trusted_proxies.contains(a))
            .unwrap_or(peer)
            .to_string()
    }
}

/// Whether a request may change something (everything but reading).
fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn declared_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

/// Why a write is refused as coming from elsewhere, if it is.
fn foreign(origins: &Origins, path: &str, headers: &HeaderMap) -> Option<Failure> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let refused = || {
        Failure::worded(
            StatusCode::FORBIDDEN,
            "this request does not come from traject's own pages: open the page in traject and send it from there",
            "deze aanvraag komt niet van de eigen pagina's van traject: open de pagina in traject en verstuur ze van daaruit",
            "cette demande ne vient pas des pages de traject : ouvrez la page dans traject et envoyez-la de là",
        )
    };
    // Under `Referrer-Policy: no-referrer` browsers send `Origin: null` with a form: then
    // `Sec-Fetch-Site` says where the request comes from.
    if let Some(origin) = text(header::ORIGIN).filter(|o| *o != "null") {
        return (!origins.is_own(origin, headers)).then(refused);
    }
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return (site != "same-origin").then(refused);
    }
    // Neither header: not a browser. Scripts use the API, with JSON.
    if path.starts_with("/api/") && declared_json(headers) {
        return None;
    }
    Some(refused())
}

/// The middleware: the client's address for the handlers, and the origin check for writes.
pub async fn guard(
    State(s): State<Shared>,
    mut request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<Peer>>()
        .map(|c| c.0 .0.ip());
    let client = s.origins.client(peer, request.headers());
    request.extensions_mut().insert(ClientAddress(client));
    // A body declared over the limit is refused at once, before a byte of it is read.
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > super::BODY_LIMIT as u64) {
        let path = request.uri().path().to_string();
        let refused = super::failure::of_status(StatusCode::PAYLOAD_TOO_LARGE);
        return super::pages::failure_response(&path, request.headers(), refused);
    }
    if is_write(request.method()) {
        let path = request.uri().path().to_string();
        if let Some(f) = foreign(&s.origins, &path, request.headers()) {
            return super::pages::failure_response(&path, request.headers(), f);
        }
    }
    next.run(request).await
}

/// Answers of 400 and above that a handler did not word (the framework's own rejections, in
/// plain text) are replaced by traject's: JSON under `/api/`, a page in the reader's language
/// elsewhere — so every failure has the shape the API description and the pages promise.
pub async fn worded_rejections(request: Request<axum::body::Body>, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let ours = kind.starts_with("application/json") || kind.starts_with("text/html");
    if status.as_u16() < 400 || ours {
        return response;
    }
    let mut worded =
        super::pages::failure_response(&path, &headers, super::failure::of_status(status));
    // Keep what the framework said about the method (`Allow`) and the like.
    if let Some(allow) = response.headers().get(header::ALLOW) {
        worded.headers_mut().insert(header::ALLOW, allow.clone());
    }
    worded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn writes_from_another_origin_or_without_one_outside_the_api_are_refused() {
        let o = Origins::default();
        let own = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(foreign(&o, "/cases/1/start", &own).is_none());
        let evil = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example"),
        ]);
        assert!(foreign(&o, "/api/cases/1/start", &evil).is_some());
        let same_site = headers(&[("host", "h"), ("sec-fetch-site", "same-site")]);
        assert!(foreign(&o, "/login", &same_site).is_some());
        let form = headers(&[
            ("host", "h"),
            ("content-type", "application/x-www-form-urlencoded"),
        ]);
        assert!(foreign(&o, "/api/cases/27/start", &form).is_some());
        let null_same = headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]);
        assert!(foreign(&o, "/login", &null_same).is_none());
        let null_cross = headers(&[("origin", "null"), ("sec-fetch-site", "cross-site")]);
        assert!(foreign(&o, "/login", &null_cross).is_some());
        let null_alone = headers(&[("origin", "null")]);
        assert!(foreign(&o, "/login", &null_alone).is_some());
        let script = headers(&[("host", "h"), ("content-type", "application/json")]);
        assert!(foreign(&o, "/api/cases/27/start", &script).is_none());
        assert!(foreign(&o, "/logout", &script).is_some());
    }

    #[test]
    fn a_public_url_fixes_the_origin_and_forwarded_addresses_count_only_from_trusted_proxies() {
        let o = Origins {
            public: Origins::origin_of("https://traject.ocmw.example/app"),
            https: true,
            trusted_proxies: vec!["10.0.0.1".parse().unwrap()],
        };
        let spoofed_host = headers(&[("host", "evil.example"), ("origin", "https://evil.example")]);
        assert!(foreign(&o, "/login", &spoofed_host).is_some());
        let own = headers(&[("origin", "https://traject.ocmw.example")]);
        assert!(foreign(&o, "/login", &own).is_none());
        let xff = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.1")]);
        assert_eq!(
            o.client(Some("10.0.0.1".parse().unwrap()), &xff),
            "203.0.113.9"
        );
        assert_eq!(
            o.client(Some("192.0.2.1".parse().unwrap()), &xff),
            "192.0.2.1"
        );
        assert_eq!(Origins::origin_of("ftp://x"), None);
    }
}
