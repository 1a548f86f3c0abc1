//! The description of `/api/` for other systems, OpenAPI 3.1, generated from the handlers'
//! annotations and the types they take and answer with (utoipa), served at
//! `/api/openapi.json`. The tests validate it and fuzz the running server against it.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
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
        api::caseload,
        api::rollup,
        api::simulate
    ),
    components(schemas(api::CaseAction)),
    modifiers(&SessionCookie),
    tags(
        (name = "session", description = "Logging in and out"),
        (name = "referrals", description = "Eligibility, criterion by criterion"),
        (name = "cases", description = "Cases of the user's team"),
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

/// The description as JSON.
pub fn json() -> String {
    Description::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into())
}
