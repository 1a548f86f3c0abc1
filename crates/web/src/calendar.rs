//! `GET /calendar/{token}.ics`: a user's agenda as an iCalendar feed for their calendar
//! program, reached without a session (calendar programs have none) through the secret
//! address made on the account page. An address that is no one's answers 404 and says
//! nothing more; the feed holds no personal data (see `traject_app::calendar`).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use traject_app::calendar;

use crate::auth::blocking;
use crate::failure::Failure;
use crate::Shared;

pub async fn feed(State(s): State<Shared>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics").map(str::to_string) else {
        return Failure::not_found().into_response();
    };
    let server = s.clone();
    let done = blocking(move || {
        let store = server.store()?;
        let Some(user) = calendar::holder_of(&store, &token)? else {
            return Err(Failure::not_found());
        };
        let agenda = calendar::agenda_for(
            &store,
            &server.programmes(&user),
            &user,
            &server.clock,
            server.today(),
        )?;
        Ok(traject_render::calendar::ics(&agenda, chrono::Utc::now()))
    })
    .await;
    match done {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            text,
        )
            .into_response(),
        Err(f) if f.status == StatusCode::FORBIDDEN => Failure::not_found().into_response(),
        Err(f) => f.into_response(),
    }
}

/// The address of a calendar feed as a calendar program needs it: the public URL's origin
/// when one is configured, else the one this request came in on.
pub fn feed_address(server: &crate::Server, headers: &HeaderMap, token: &str) -> String {
    let origin = server.origins.public.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let scheme = if server.origins.https {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    });
    format!("{origin}/calendar/{token}.ics")
}
