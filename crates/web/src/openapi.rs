//! The description of `/api/` for other systems, OpenAPI 3.1, generated from the handlers'
//! annotations and the types they take and answer with (utoipa), served at
//! `/api/openapi.json`. The tests validate it and fuzz the running server against it.

use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref};
use utoipa::{Modify, OpenApi};

use super::api;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "traject",
        description = "The team application's API: check referrals, make and move cases, read caseload figures and simulate. Log in with POST /api/session (the session cookie comes back); every write must be declared `Content-Type: application/json`. Failures answer with `{\"error\": …, \"diagnostics\": […]}`."
    ),
    paths(
        api::login,
        api::logout,
        api::check,
        api::create,
        api::case,
        api::act,
        api::export,
        api::erase,
        api::person_export,
        api::person_erase,
        api::caseload,
        api::rollup,
        api::simulate
    ),
    components(schemas(traject_cases::Action, super::failure::Body)),
    modifiers(&SessionCookie, &Failures),
    tags(
        (name = "session", description = "Logging in and out"),
        (name = "referrals", description = "Eligibility, criterion by criterion"),
        (name = "cases", description = "Cases of the user's team"),
        (name = "rights", description = "The client's rights: access and erasure (coordinators)"),
        (name = "figures", description = "Caseload figures and simulations, never a person")
    )
)]
pub struct Description;

/// The session cookie, as the security scheme every operation but the login names.
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::auth::COOKIE,
                "The session cookie POST /api/session sets",
            ))),
        );
    }
}

/// Every failure an operation of the API can answer, worded once; all answer with `Body`.
const FAILURES: [(u16, &str); 10] = [
    (400, "The body does not read (JSON syntax, unknown keys)"),
    (401, "Not logged in"),
    (403, "The role may not do this, or the request does not come from traject's pages and is not declared JSON"),
    (404, "No such case, programme or address"),
    (409, "The case is not in a state that allows this"),
    (413, "The body is over 1 MiB"),
    (415, "The body is not declared as JSON"),
    (422, "A value is wrong or out of range (located problems in `diagnostics`)"),
    (429, "Too many failed logins from this address: wait `Retry-After` seconds"),
    (503, "The server is busy: try again after `Retry-After` seconds"),
];

/// The failures each operation (by its id, the handler's name) can answer.
const FAILURES_OF: [(&str, &[u16]); 13] = [
    ("login", &[400, 401, 403, 413, 415, 422, 429]),
    ("logout", &[401, 403]),
    ("check", &[400, 401, 403, 404, 413, 415, 422]),
    ("create", &[400, 401, 403, 404, 409, 413, 415, 422]),
    ("case", &[401, 403, 404]),
    ("act", &[400, 401, 403, 404, 409, 413, 415, 422]),
    ("export", &[401, 403, 404]),
    ("erase", &[400, 401, 403, 404, 409, 413, 415, 422]),
    ("person_export", &[400, 401, 403, 404, 413, 415, 422]),
    ("person_erase", &[400, 401, 403, 404, 409, 413, 415, 422]),
    ("caseload", &[401, 403]),
    ("rollup", &[401, 403]),
    ("simulate", &[400, 401, 403, 404, 413, 415, 422, 503]),
];

/// The failure answers of every operation, from the two tables above.
struct Failures;

impl Modify for Failures {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.post, &mut item.delete];
            for op in operations.into_iter().flatten() {
                let codes = FAILURES_OF
                    .iter()
                    .find(|(id, _)| op.operation_id.as_deref() == Some(*id))
                    .map_or(&[][..], |(_, codes)| *codes);
                for (code, what) in FAILURES.iter().filter(|(c, _)| codes.contains(c)) {
                    let body = ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Body")))
                        .build();
                    let response = ResponseBuilder::new()
                        .description(*what)
                        .content("application/json", body);
                    op.responses
                        .responses
                        .insert(code.to_string(), response.into());
                }
            }
        }
    }
}

/// The description as JSON.
pub fn json() -> String {
    Description::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_its_failures_and_every_failure_its_words() {
        let doc = Description::openapi();
        for (path, item) in &doc.paths.paths {
            for op in [&item.get, &item.post, &item.delete].into_iter().flatten() {
                let id = op.operation_id.as_deref().unwrap_or_default();
                assert!(
                    FAILURES_OF.iter().any(|(o, _)| *o == id),
                    "{path} ({id}) has no failures listed"
                );
                assert!(
                    op.responses.responses.contains_key("401") || id == "login",
                    "{id}"
                );
            }
        }
        for (_, codes) in FAILURES_OF {
            for code in codes {
                assert!(FAILURES.iter().any(|(c, _)| c == code), "{code} worded");
            }
        }
    }
}
