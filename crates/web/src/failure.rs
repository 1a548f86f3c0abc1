//! How a refusal or an error reaches a browser or an API client: one status per kind of
//! `AppError`, decided here alone, and a body that says what went wrong and what to do —
//! JSON under `/api/`, a page elsewhere. Database faults are logged (they carry no personal
//! data) and answered without detail.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use traject_app::users::AuthError;
use traject_app::AppError;
use traject_cases::CaseError;
use traject_i18n::Lang;
use traject_model::diag::Diagnostic;

#[derive(Debug, Serialize)]
pub struct Failure {
    #[serde(skip)]
    pub status: StatusCode,
    pub error: String,
    /// The error in Dutch and French, for pages (the API answers in English).
    #[serde(skip)]
    pub local: Option<[String; 2]>,
    /// The language of the user it happened to, when known: the page that shows it.
    #[serde(skip)]
    pub lang: Option<Lang>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip)]
    pub retry_after: Option<i64>,
}

impl Failure {
    pub fn new(status: StatusCode, error: impl Into<String>) -> Failure {
        Failure {
            status,
            error: error.into(),
            local: None,
            lang: None,
            diagnostics: Vec::new(),
            retry_after: None,
        }
    }

    pub fn unauthorized() -> Failure {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "not logged in: POST /api/session with a user name and password, or log in at /login",
        )
    }

    /// A failure worded by the server itself, in English, Dutch and French.
    pub fn worded(
        status: StatusCode,
        en: impl Into<String>,
        nl: impl Into<String>,
        fr: impl Into<String>,
    ) -> Failure {
        let mut f = Failure::new(status, en);
        f.local = Some([nl.into(), traject_i18n::prose(&fr.into(), Lang::Fr)]);
        f
    }

    pub fn csrf() -> Failure {
        Failure::worded(
            StatusCode::FORBIDDEN,
            "the form's security token does not match your session: reload the page and try again",
            "het veiligheidsbewijs van het formulier past niet bij je sessie: herlaad de pagina en probeer opnieuw",
            "le jeton de sécurité du formulaire ne correspond pas à votre session\u{a0}: rechargez la page et réessayez",
        )
    }
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Forbidden { .. } | AppError::WholeStore { .. } => StatusCode::FORBIDDEN,
        AppError::Auth(AuthError::BadCredentials) => StatusCode::UNAUTHORIZED,
        AppError::Auth(AuthError::Throttled { .. }) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Auth(AuthError::Exists { .. }) => StatusCode::CONFLICT,
        AppError::Auth(AuthError::Unknown { .. }) => StatusCode::NOT_FOUND,
        AppError::Auth(AuthError::Hash(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        AppError::Auth(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Case(CaseError::NotFound { .. }) => StatusCode::NOT_FOUND,
        AppError::Case(_) => StatusCode::CONFLICT,
        AppError::Store(_) | AppError::Watch { .. } | AppError::Exists(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        let status = status_of(&e);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "request failed");
            return Failure::worded(
                status,
                "the server could not do this; its log says why",
                "de server kon dit niet doen; zijn log zegt waarom",
                "le serveur n'a pas pu le faire\u{a0}; son journal dit pourquoi",
            );
        }
        let mut f = Failure::new(status, e.to_string());
        f.local = Some([e.in_lang(Lang::Nl), e.in_lang(Lang::Fr)]);
        match e {
            AppError::Load(load) => f.diagnostics = load.diagnostics,
            AppError::Rows(diags) => f.diagnostics = diags,
            AppError::Auth(AuthError::Throttled { retry_after_secs }) => {
                f.retry_after = Some(retry_after_secs)
            }
            _ => {}
        }
        f
    }
}

impl Failure {
    /// The error as a reader of `lang` reads it.
    pub fn text(&self, lang: Lang) -> &str {
        match (&self.local, lang) {
            (Some([nl, _]), Lang::Nl) => nl,
            (Some([_, fr]), Lang::Fr) => fr,
            _ => &self.error,
        }
    }
}

/// The JSON form, for `/api/`.
impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(&self)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, secs.into());
        }
        response
    }
}
