//! How a refusal or an error reaches a browser or an API client: one status per kind of
//! `AppError`, decided here alone, and a body that says what went wrong and what to do —
//! JSON under `/api/`, a page elsewhere. Database faults are logged (they carry no personal
//! data) and answered without detail.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use traject_app::sessions::SessionError;
use traject_app::sign_on::SignOnError;
use traject_app::users::AuthError;
use traject_app::{AppError, RowProblem};
use traject_cases::CaseError;
use traject_i18n::catalogue::{app_error, row_problem};
use traject_i18n::diagnostics::{view_of, DiagnosticView};
use traject_i18n::Lang;
use traject_model::diag::Located;
use traject_store::StoreError;

/// How long a client waits before it tries again when the database cannot be reached.
pub const DATABASE_RETRY_SECS: i64 = 2;

/// Requests answered 503 because the database could not be reached (for `/metrics`).
/// How long a client is asked to wait when the database's disk is full (someone must act).
const DISK_FULL_RETRY_SECS: i64 = 30;

pub static DATABASE_UNAVAILABLE: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    /// The error in English (the API's language).
    pub error: String,
    /// The error in Dutch and French, for pages (the API answers in English).
    pub local: Option<Box<[String; 2]>>,
    /// The language of the user it happened to, when known: the page that shows it.
    pub lang: Option<Lang>,
    /// The person it happened to, when logged in: the page keeps their navigation.
    pub viewer: Option<Box<traject_app::users::SessionUser>>,
    /// The located problems behind the error, worded where they are shown.
    pub problems: Vec<Located<RowProblem>>,
    pub retry_after: Option<i64>,
    /// The database could not be reached and nothing was saved: the server may run the same
    /// request once more on a fresh connection (`ops::retry_once`).
    pub retry_safe: bool,
}

/// The JSON body of every failure under `/api/`: what went wrong and what to do, and the
/// located problems behind it (a referral's fields, with line and column in the body).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Body<'a> {
    pub error: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<DiagnosticView>,
    /// On a server error: the id the server's log names the request by (also in the
    /// `X-Request-Id` header of every answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Failure {
    pub fn new(status: StatusCode, error: impl Into<String>) -> Failure {
        Failure {
            status,
            error: error.into(),
            local: None,
            lang: None,
            viewer: None,
            problems: Vec::new(),
            retry_after: None,
            retry_safe: false,
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
        f.local = Some(Box::new([
            nl.into(),
            traject_i18n::prose(&fr.into(), Lang::Fr),
        ]));
        f
    }

    /// No such page, case or file (bad path parameters too: nothing of them is repeated).
    pub fn not_found() -> Failure {
        Failure::worded(
            StatusCode::NOT_FOUND,
            "there is nothing at this address: go back to the board and follow the links from there",
            "op dit adres staat niets: ga terug naar de werklijst en volg van daar de links",
            "il n'y a rien à cette adresse : revenez au tableau de bord et suivez les liens à partir de là",
        )
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
        // The database restarts or is busy: the same request may succeed in a moment.
        AppError::Store(
            StoreError::Unavailable { .. }
            | StoreError::Busy { .. }
            | StoreError::Connect { .. }
            | StoreError::CommitUnknown { .. },
        ) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Forbidden { .. } | AppError::WholeStore { .. } => StatusCode::FORBIDDEN,
        AppError::Auth(AuthError::BadCredentials | AuthError::SecondFactorMissing) => {
            StatusCode::UNAUTHORIZED
        }
        AppError::Auth(AuthError::SecondFactorNotEnrolled) => StatusCode::FORBIDDEN,
        AppError::Auth(AuthError::SignOn(SignOnError::Unreachable { .. })) => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        AppError::Auth(AuthError::SignOn(
            SignOnError::NoName
            | SignOnError::NoRole
            | SignOnError::NoTeam
            | SignOnError::NotRegistered
            | SignOnError::NameTaken
            | SignOnError::Disabled,
        )) => StatusCode::FORBIDDEN,
        AppError::Auth(AuthError::SignOn(_)) => StatusCode::UNAUTHORIZED,
        AppError::Auth(AuthError::Throttled { .. }) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Auth(AuthError::Exists { .. }) => StatusCode::CONFLICT,
        AppError::Auth(AuthError::Unknown { .. }) => StatusCode::NOT_FOUND,
        AppError::Auth(AuthError::Hash(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        AppError::Auth(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Case(CaseError::NotFound { .. } | CaseError::NoDossier { .. })
        | AppError::Session(SessionError::Unknown { .. }) => StatusCode::NOT_FOUND,
        AppError::Session(SessionError::Exists { .. }) => StatusCode::CONFLICT,
        // What was written cannot be recorded as it stands (an assessment or correction).
        AppError::Case(
            CaseError::NoFacts { .. }
            | CaseError::BadFact { .. }
            | CaseError::UnknownFact { .. }
            | CaseError::FixedFact { .. }
            | CaseError::NotAssessed { .. }
            | CaseError::CorrectionWithoutReason { .. }
            | CaseError::ContactMinutes { .. }
            | CaseError::AppointmentPast { .. }
            | CaseError::NoteTooLong { .. },
        ) => StatusCode::UNPROCESSABLE_ENTITY,
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
        if let AppError::Store(StoreError::CommitUnknown { .. }) = &e {
            tracing::warn!(error = %app_error(&e, Lang::En), "commit outcome unknown");
            DATABASE_UNAVAILABLE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut f = Failure::worded(
                StatusCode::SERVICE_UNAVAILABLE,
                "the connection to the database broke while saving: the change may have been saved; check before sending it again",
                "de verbinding met de databank brak af tijdens het bewaren: de wijziging is misschien bewaard; kijk het na voor u ze opnieuw stuurt",
                "la connexion à la base de données a été coupée pendant l'enregistrement\u{a0}: la modification a peut-être été enregistrée\u{a0}; vérifiez avant de l'envoyer à nouveau",
            );
            f.retry_after = Some(DATABASE_RETRY_SECS);
            return f;
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // Store errors name no row values: fit for the log an operator reads.
            tracing::warn!(error = %app_error(&e, Lang::En), "database unavailable");
            DATABASE_UNAVAILABLE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut f = Failure::worded(
                status,
                "the database cannot be reached just now: try again in a moment",
                "de databank is nu niet bereikbaar: probeer zo dadelijk opnieuw",
                "la base de données est injoignable pour l'instant : réessayez dans un instant",
            );
            f.retry_after = Some(DATABASE_RETRY_SECS);
            f.retry_safe = matches!(e, AppError::Store(StoreError::Unavailable { .. }));
            return f;
        }
        if let AppError::Store(StoreError::Full { .. }) = &e {
            // The IT department must act (make room); the request may be sent again after.
            tracing::error!(error = %app_error(&e, Lang::En), "the database's disk is full");
            let mut f = Failure::worded(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database's disk is full: nothing was saved; ask the IT department to make room, then try again",
                "de schijf van de databank is vol: er is niets bewaard; vraag de IT-dienst om ruimte te maken en probeer dan opnieuw",
                "le disque de la base de données est plein\u{a0}: rien n'a été enregistré\u{a0}; demandez au service informatique de faire de la place, puis réessayez",
            );
            f.retry_after = Some(DISK_FULL_RETRY_SECS);
            return f;
        }
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %app_error(&e, Lang::En), "request failed");
            return Failure::worded(
                status,
                "the server could not do this; its log says why",
                "de server kon dit niet doen; zijn log zegt waarom",
                "le serveur n'a pas pu le faire\u{a0}; son journal dit pourquoi",
            );
        }
        let mut f = Failure::new(status, app_error(&e, Lang::En));
        f.local = Some(Box::new([app_error(&e, Lang::Nl), app_error(&e, Lang::Fr)]));
        match e {
            AppError::Load(load) => f.problems = traject_app::rows(load.diagnostics),
            AppError::Rows(problems) => f.problems = problems,
            AppError::Auth(AuthError::Throttled { retry_after_secs }) => {
                f.retry_after = Some(retry_after_secs)
            }
            _ => {}
        }
        f
    }
}

impl Failure {
    /// The located problems as a reader of `lang` reads them.
    pub fn views(&self, lang: Lang) -> Vec<DiagnosticView> {
        let view = |d: &Located<RowProblem>| view_of(d, row_problem(&d.problem, lang), lang);
        self.problems.iter().map(view).collect()
    }

    /// The error as a reader of `lang` reads it.
    pub fn text(&self, lang: Lang) -> &str {
        match (self.local.as_deref(), lang) {
            (Some([nl, _]), Lang::Nl) => nl,
            (Some([_, fr]), Lang::Fr) => fr,
            _ => &self.error,
        }
    }
}

/// The JSON form, for `/api/`.
impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = Body {
            error: &self.error,
            diagnostics: self.views(Lang::En),
            request_id: self
                .status
                .is_server_error()
                .then(super::ops::request_id)
                .flatten(),
        };
        let response = (self.status, axum::Json(body)).into_response();
        self.marked(response)
    }
}

/// Marks an answer whose request may be run once more (see `Failure::retry_safe`).
#[derive(Debug, Clone, Copy)]
pub struct RetrySafe;

impl Failure {
    /// The answer with this failure's Retry-After and, when safe, the mark for one retry.
    pub fn marked(&self, mut response: Response) -> Response {
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, secs.into());
        }
        if self.retry_safe {
            response.extensions_mut().insert(RetrySafe);
        }
        response
    }
}

/// A refusal the framework made before a handler ran (a body over the limit, a query that
/// does not read, a method the address does not take), worded as traject words its own.
pub fn of_status(status: StatusCode) -> Failure {
    let (en, nl, fr) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "the request is too large: send at most 1 MiB",
            "de aanvraag is te groot: stuur hoogstens 1 MiB",
            "la demande est trop grande : envoyez au plus 1 Mio",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "this address does not take this kind of request",
            "dit adres neemt dit soort aanvraag niet aan",
            "cette adresse n'accepte pas ce type de demande",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "send the request body as JSON with `Content-Type: application/json` (forms: as the page sends them)",
            "stuur de inhoud als JSON met `Content-Type: application/json` (formulieren: zoals de pagina ze stuurt)",
            "envoyez le contenu en JSON avec `Content-Type: application/json` (formulaires : comme la page les envoie)",
        ),
        StatusCode::NOT_FOUND => return Failure::not_found(),
        _ => (
            "the request does not read: check the address and the values in it, or send the form from its page again",
            "de aanvraag is niet te lezen: controleer het adres en de waarden erin, of verstuur het formulier opnieuw van zijn pagina",
            "la demande est illisible : vérifiez l'adresse et ses valeurs, ou renvoyez le formulaire depuis sa page",
        ),
    };
    Failure::worded(status, en, nl, fr)
}
