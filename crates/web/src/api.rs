//! The JSON API under `/api/`, for other systems and scripts: the same use cases, roles and
//! refusals as the pages and the command line. `POST /api/check` answers exactly what
//! `traject check --format json` prints, and `GET /api/caseload` what `traject caseload
//! --format json` prints. Request bodies are read strictly: unknown keys are errors, and a
//! referral's problems point at line and column in the body.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use traject_app::{cases, forecast, referrals, users, Need, Programs};
use traject_i18n::Lang;
use traject_model::referral::Referral;
use traject_rules::CompiledProgram;

use super::auth::{self, as_allowed, as_user, require_json};
use super::failure::Failure;
use super::Shared;

fn answer<T: serde::Serialize>(r: Result<(StatusCode, T), Failure>) -> Response {
    match r {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(f) => f.into_response(),
    }
}

/// Parse a JSON request body into `T`, or say where it is wrong.
fn body<T: DeserializeOwned>(headers: &HeaderMap, bytes: &Bytes) -> Result<T, Failure> {
    require_json(headers)?;
    serde_json::from_slice(bytes).map_err(|e| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            format!("request body, line {} column {}: {e}", e.line(), e.column()),
        )
    })
}

/// The referral inside a request body, read with positions so that a bad field is reported at
/// its line and column (`request body:3:20`).
fn referral_in(bytes: &Bytes) -> Result<Referral, Failure> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Failure::new(StatusCode::BAD_REQUEST, "the request body is not UTF-8"))?;
    let file = "request body";
    let doc = traject_model::yaml::parse(file, text).map_err(|d| rows(vec![d]))?;
    let value = doc.value.get("referral").cloned().unwrap_or_default();
    traject_model::referral::from_value(file, &value, &doc.index, "/referral").map_err(rows)
}

fn rows(diagnostics: Vec<traject_model::diag::Diagnostic>) -> Failure {
    Failure::from(traject_app::AppError::Rows(traject_app::rows(diagnostics)))
}

/// The answer to a case action: how a start went, or which case took a freed place (only
/// when the actor may see that case).
#[derive(serde::Serialize, utoipa::ToSchema, Default)]
pub struct ActionAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<traject_cases::StartOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_started: Option<i64>,
}

/// The caseload of each programme the user's organisation has cases in.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CaseloadAnswer {
    pub programs: Vec<cases::CaseloadRow>,
}

/// Cases per organisation, programme and state.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RollupAnswer {
    pub organisations: Vec<cases::OrganisationRow>,
}

/// A user name and password.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    /// The second factor's code (six digits) or a recovery code, for users who have one.
    #[serde(default)]
    pub totp: Option<String>,
}

#[utoipa::path(post, path = "/api/session", tag = "session",
    request_body = Credentials,
    responses(
        (status = 200, description = "Logged in: the session cookie is set", body = users::SessionUser)
    ))]
pub async fn login(
    State(s): State<Shared>,
    axum::Extension(client): axum::Extension<crate::guard::ClientAddress>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let opened = match body::<Credentials>(&headers, &bytes) {
        Ok(c) => auth::open_session(&s, &client, c.username, c.password, c.totp).await,
        Err(f) => Err(f),
    };
    match opened {
        Ok(o) => (
            [(
                header::SET_COOKIE,
                auth::session_cookie(&o.token, o.expires_in_secs, s.secure_cookies()),
            )],
            Json(&o.user),
        )
            .into_response(),
        Err(f) => f.into_response(),
    }
}

#[utoipa::path(delete, path = "/api/session", tag = "session",
    responses(
        (status = 204, description = "Logged out: the session has ended")
    ),
    security(("session" = [])))]
pub async fn logout(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let token = auth::token(&headers).unwrap_or_default();
    let done = as_user(&s, &headers, move |_, _, store| {
        Ok(users::logout(store, &token)?)
    })
    .await;
    match done {
        Ok(()) => (
            StatusCode::NO_CONTENT,
            [(header::SET_COOKIE, auth::cleared_cookie(s.secure_cookies()))],
        )
            .into_response(),
        Err(f) => f.into_response(),
    }
}

/// A referral to check or to make a case of, for a served programme.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralRequest {
    /// The programme's id (`GET /programmes` lists them).
    pub program: String,
    /// The referral's fields, as `traject check` reads them (read again with positions).
    #[allow(dead_code)]
    #[schema(value_type = Object)]
    pub referral: serde_json::Value,
    /// The language of the explanation's labels (default: the programme's society language).
    pub lang: Option<Lang>,
}

/// A case number from the path; anything else is no address of ours.
pub fn case_id(given: &str) -> Result<i64, Failure> {
    given
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(Failure::not_found)
}

/// A referral request's envelope and its referral (read with positions), or why not.
fn referral_request(
    headers: &HeaderMap,
    bytes: &Bytes,
) -> Result<(ReferralRequest, Referral), Failure> {
    let req = body::<ReferralRequest>(headers, bytes)?;
    Ok((req, referral_in(bytes)?))
}

/// A served programme by id (a located "did you mean" when there is none).
pub fn served(
    server: &super::Server,
    user: &traject_app::users::SessionUser,
    id: &str,
) -> Result<std::sync::Arc<CompiledProgram>, Failure> {
    server
        .programmes(user)
        .open(id, &Default::default())
        .map_err(|e| {
            // The catalogue's only refusal: no programme with this id is served.
            let mut f = Failure::from(traject_app::AppError::from(e));
            f.status = StatusCode::NOT_FOUND;
            f
        })
}

#[utoipa::path(post, path = "/api/check", tag = "referrals",
    request_body = ReferralRequest,
    responses(
        (status = 200, description = "The verdict, criterion by criterion", body = traject_render::explain::ExplanationView)
    ),
    security(("session" = [])))]
pub async fn check(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    answer(
        as_allowed(
            &s,
            &headers.clone(),
            Need::Persons,
            move |server, user, _| {
                let (req, r) = referral_request(&headers, &bytes)?;
                let compiled = served(server, user, &req.program)?;
                let explanation = referrals::check(&compiled, &r, &user.ctx(server.today()))?;
                let lang = req.lang.unwrap_or(compiled.program.spec.society_language);
                let view = traject_render::explain::view(&compiled, &explanation, lang);
                Ok((StatusCode::OK, view))
            },
        )
        .await,
    )
}

#[utoipa::path(post, path = "/api/cases", tag = "cases",
    request_body = ReferralRequest,
    responses(
        (status = 201, description = "The case was made", body = cases::Created)
    ),
    security(("session" = [])))]
pub async fn create(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    answer(
        as_allowed(
            &s,
            &headers.clone(),
            Need::ChangeCases,
            move |server, user, store| {
                let (req, r) = referral_request(&headers, &bytes)?;
                let compiled = served(server, user, &req.program)?;
                let created = cases::new_case(store, &compiled, &r, &user.ctx(server.today()))?;
                Ok((StatusCode::CREATED, created))
            },
        )
        .await,
    )
}

#[utoipa::path(get, path = "/api/cases/{id}", tag = "cases",
    params(("id" = i64, Path, minimum = 1, description = "The case number")),
    responses(
        (status = 200, description = "The case and its evaluation moments (the read is audited)", body = cases::CaseView)
    ),
    security(("session" = [])))]
pub async fn case(State(s): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    answer(
        as_allowed(&s, &headers, Need::Persons, move |server, user, store| {
            let view = cases::show(store, case_id(&id)?, &user.ctx(server.today()))?;
            Ok((StatusCode::OK, view))
        })
        .await,
    )
}

/// The body of a case action: what each action needs (unused keys are refused by the action).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    pub track: Option<String>,
    pub evaluation: Option<String>,
    pub decision: Option<String>,
    #[serde(default)]
    pub goals: Vec<String>,
    pub score: Option<f64>,
    pub extend_by: Option<String>,
    pub destination: Option<String>,
    pub exit: Option<String>,
    /// Why a case pauses, and until when.
    pub reason: Option<String>,
    pub until: Option<chrono::NaiveDate>,
    /// A contact: how (intake, individual_guidance, home_visit, phone, group), how many
    /// minutes, a short note, and the day (today when none is given).
    pub kind: Option<String>,
    pub minutes: Option<u32>,
    pub note: Option<String>,
    pub on: Option<chrono::NaiveDate>,
    /// An appointment's time of day, "HH:MM" (with `kind`, `on` and `minutes`).
    pub at: Option<String>,
}

/// A case action by name, as the pages and the API name them.
pub fn act_on(
    server: &super::Server,
    user: &users::SessionUser,
    store: &mut traject_store::Store,
    id: i64,
    action: &str,
    b: ActionBody,
) -> Result<ActionAnswer, Failure> {
    let ctx = user.ctx(server.today());
    // Whether this person may act on cases at all, before anything about the action is said.
    ctx.require(Need::ChangeCases)?;
    let programs: &dyn Programs = &server.programmes(user);
    let missing = |what: &str| {
        Failure::worded(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("`{action}` needs `{what}`"),
            format!("`{action}` vraagt `{what}`"),
            format!("`{action}` demande `{what}`"),
        )
    };
    let freed = |next_started| ActionAnswer {
        next_started,
        ..Default::default()
    };
    let mut ending = |e| -> Result<ActionAnswer, Failure> {
        let exit = b.exit.clone().ok_or_else(|| missing("exit"))?;
        let done = cases::finish(store, programs, id, e, &exit, &ctx)?;
        Ok(freed(done.next_started))
    };
    match action {
        "start" => {
            let outcome = cases::start(store, programs, id, b.track.as_deref(), &ctx)?;
            Ok(ActionAnswer {
                outcome: Some(outcome),
                ..Default::default()
            })
        }
        "evaluate" => {
            let input = cases::EvaluationInput {
                evaluation: b.evaluation.clone().ok_or_else(|| missing("evaluation"))?,
                decision: b.decision.clone(),
                goals: b.goals.clone(),
                score: b.score,
                extend_by: b.extend_by.clone(),
                destination: b.destination.clone(),
                reason: b.reason.clone(),
            };
            let done = cases::evaluate(store, programs, id, &input, &ctx)?;
            Ok(freed(done.and_then(|f| f.next_started)))
        }
        "pause" | "resume" | "reopen" => {
            let what = match action {
                "pause" => cases::Continuity::Pause,
                "resume" => cases::Continuity::Resume,
                _ => cases::Continuity::Reopen,
            };
            let done =
                cases::continuity(store, programs, id, what, b.reason.as_deref(), b.until, &ctx)?;
            Ok(freed(done.next_started))
        }
        "contact" => {
            cases::contact(store, id, &contact_input(&b, missing)?, &ctx)?;
            Ok(ActionAnswer::default())
        }
        "appoint" => {
            cases::appoint(store, id, &appointment(&b, missing)?, &ctx)?;
            Ok(ActionAnswer::default())
        }
        "close" => ending(cases::Ending::Close),
        "drop" => ending(cases::Ending::Drop),
        "not-start" => ending(cases::Ending::NotStart),
        other => Err(Failure::new(
            StatusCode::NOT_FOUND,
            format!("no case action '{other}': use start, evaluate, close, drop, not-start, pause, resume, reopen, contact or appoint"),
        )),
    }
}

/// A contact moment as the API and the case file's form send it; `missing` words an absent
/// field.
fn contact_input(
    b: &ActionBody,
    missing: impl Fn(&str) -> Failure,
) -> Result<cases::ContactInput, Failure> {
    Ok(cases::ContactInput {
        kind: contact_kind(b, &missing)?,
        minutes: b.minutes.ok_or_else(|| missing("minutes"))?,
        note: b.note.clone(),
        on: b.on,
    })
}

/// How a contact is (to be) made, as the API and the forms send it.
fn contact_kind(
    b: &ActionBody,
    missing: &impl Fn(&str) -> Failure,
) -> Result<traject_cases::event::ContactKind, Failure> {
    use traject_cases::event::ContactKind;
    let kind = b.kind.as_deref().ok_or_else(|| missing("kind"))?;
    ContactKind::parse(kind).ok_or_else(|| {
        let kinds: Vec<&str> = ContactKind::ALL.iter().map(|k| k.as_str()).collect();
        let kinds = kinds.join(", ");
        Failure::worded(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("`kind` is one of {kinds}"),
            format!("`kind` is een van {kinds}"),
            format!("`kind` est l'un de {kinds}"),
        )
    })
}

/// A planned contact as the API and the case file's form send it: kind, day, and optionally
/// the time ("HH:MM") and length.
fn appointment(
    b: &ActionBody,
    missing: impl Fn(&str) -> Failure,
) -> Result<traject_cases::event::Appointed, Failure> {
    let at_minute = match b.at.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => Some(traject_app::sessions::minute_of_day(a).ok_or_else(|| {
            Failure::worded(
                StatusCode::UNPROCESSABLE_ENTITY,
                "`at` needs a time of day, HH:MM",
                "`at` vraagt een uur, UU:MM",
                "`at` demande une heure, HH:MM",
            )
        })?),
        None => None,
    };
    Ok(traject_cases::event::Appointed {
        kind: contact_kind(b, &missing)?,
        day: b.on.ok_or_else(|| missing("on"))?,
        at_minute,
        minutes: b.minutes,
    })
}

#[utoipa::path(post, path = "/api/cases/{id}/{action}", tag = "cases",
    params(
        ("id" = i64, Path, minimum = 1, description = "The case number"),
        ("action" = traject_cases::Action, Path, description = "What to do with the case")
    ),
    request_body(content = ActionBody, description = "What the action needs; may be empty for start, resume and reopen"),
    responses(
        (status = 200, description = "Done", body = ActionAnswer)
    ),
    security(("session" = [])))]
pub async fn act(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    bytes: Bytes,
) -> Response {
    answer(
        as_allowed(
            &s,
            &headers.clone(),
            Need::ChangeCases,
            move |server, user, store| {
                let id = case_id(&id)?;
                let b = if bytes.is_empty() {
                    ActionBody::default()
                } else {
                    body::<ActionBody>(&headers, &bytes)?
                };
                Ok((StatusCode::OK, act_on(server, user, store, id, &action, b)?))
            },
        )
        .await,
    )
}

#[utoipa::path(post, path = "/api/cases/{id}/export", tag = "rights",
    params(("id" = i64, Path, minimum = 1, description = "The case number")),
    responses(
        (status = 200, description = "Everything held about the client of this case (an access request, GDPR art. 15): the referral, the eligibility check, every event and evaluation moment, who read the file, the programme text it was judged under and the erasure date. Coordinators only; the export is audited.", content_type = "application/json")
    ),
    security(("session" = [])))]
pub async fn export(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(
        as_allowed(&s, &headers, Need::Erase, move |server, user, store| {
            let x = cases::export(
                store,
                &server.programmes(user),
                case_id(&id)?,
                &user.ctx(server.today()),
            )?;
            Ok((StatusCode::OK, x))
        })
        .await,
    )
}

/// Why a client's personal data is erased (an erasure request, GDPR art. 17).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseBody {
    pub reason: String,
}

/// Why the data is erased, trimmed; a blank reason is refused.
fn erasure_reason(reason: &str) -> Result<&str, Failure> {
    match reason.trim() {
        "" => Err(Failure::worded(
            StatusCode::UNPROCESSABLE_ENTITY,
            "say why the data is erased (`reason`)",
            "zeg waarom de gegevens gewist worden (`reason`)",
            "dites pourquoi les données sont effacées (`reason`)",
        )),
        given => Ok(given),
    }
}

/// The case whose personal data was erased.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Erased {
    pub erased: i64,
}

#[utoipa::path(post, path = "/api/cases/{id}/erase", tag = "rights",
    params(("id" = i64, Path, minimum = 1, description = "The case number")),
    request_body = EraseBody,
    responses(
        (status = 200, description = "The client's personal data is erased; dates, states and decisions stay, so figures do not change. Coordinators only; audited.", body = Erased)
    ),
    security(("session" = [])))]
pub async fn erase(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    answer(
        as_allowed(
            &s,
            &headers.clone(),
            Need::Erase,
            move |server, user, store| {
                let id = case_id(&id)?;
                let b = body::<EraseBody>(&headers, &bytes)?;
                let reason = erasure_reason(&b.reason)?;
                cases::erase(store, id, reason, &user.ctx(server.today()))?;
                Ok((StatusCode::OK, Erased { erased: id }))
            },
        )
        .await,
    )
}

/// One person, named by their dossier number (the referral's `id`), in the body so that it
/// never appears in an address or a log line.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    #[schema(min_length = 1, max_length = 64)]
    pub dossier: String,
}

/// One person to erase, and why.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonEraseBody {
    #[schema(min_length = 1, max_length = 64)]
    pub dossier: String,
    pub reason: String,
}

/// The cases of the person whose personal data was erased (those erased before excepted).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PersonErased {
    pub erased: Vec<i64>,
}

#[utoipa::path(post, path = "/api/persons/export", tag = "rights",
    request_body = PersonBody,
    responses(
        (status = 200, description = "Everything held about one person across programmes: the access export of every case of the dossier number in the organisation, as one answer. Coordinators only; every case's export is audited.", content_type = "application/json")
    ),
    security(("session" = [])))]
pub async fn person_export(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    answer(
        as_allowed(
            &s,
            &headers.clone(),
            Need::Erase,
            move |server, user, store| {
                let b = body::<PersonBody>(&headers, &bytes)?;
                let x = cases::person_export(
                    store,
                    &server.programmes(user),
                    b.dossier.trim(),
                    &user.ctx(server.today()),
                )?;
                Ok((StatusCode::OK, x))
            },
        )
        .await,
    )
}

#[utoipa::path(post, path = "/api/persons/erase", tag = "rights",
    request_body = PersonEraseBody,
    responses(
        (status = 200, description = "The personal data of every case of the dossier number is erased in one transaction; dates, states and decisions stay. Coordinators only; audited.", body = PersonErased)
    ),
    security(("session" = [])))]
pub async fn person_erase(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    answer(
        as_allowed(
            &s,
            &headers.clone(),
            Need::Erase,
            move |server, user, store| {
                let b = body::<PersonEraseBody>(&headers, &bytes)?;
                let reason = erasure_reason(&b.reason)?;
                let erased = cases::person_erase(
                    store,
                    b.dossier.trim(),
                    reason,
                    &user.ctx(server.today()),
                )?;
                Ok((StatusCode::OK, PersonErased { erased }))
            },
        )
        .await,
    )
}

#[utoipa::path(get, path = "/api/caseload", tag = "figures",
    responses(
        (status = 200, description = "Capacity against active and waiting cases, per programme", body = CaseloadAnswer)
    ),
    security(("session" = [])))]
pub async fn caseload(State(s): State<Shared>, headers: HeaderMap) -> Response {
    answer(
        as_user(&s, &headers, move |server, user, store| {
            let programs = cases::caseload(
                store,
                &server.programmes(user),
                None,
                &user.ctx(server.today()),
            )?;
            Ok((StatusCode::OK, CaseloadAnswer { programs }))
        })
        .await,
    )
}

/// Cases per organisation, programme and state (figures only; one's own organisation unless
/// the user works across organisations).
#[utoipa::path(get, path = "/api/rollup", tag = "figures",
    responses(
        (status = 200, description = "Cases per organisation, programme and state (figures only)", body = RollupAnswer)
    ),
    security(("session" = [])))]
pub async fn rollup(State(s): State<Shared>, headers: HeaderMap) -> Response {
    answer(
        as_user(&s, &headers, move |server, user, store| {
            let organisations = cases::rollup(store, &user.ctx(server.today()))?;
            Ok((StatusCode::OK, RollupAnswer { organisations }))
        })
        .await,
    )
}

/// A what-if: a programme version simulated with another staffing or demand.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    pub program: String,
    pub version: Option<String>,
    pub fte: Option<f64>,
    pub demand_factor: Option<f64>,
    pub months: Option<usize>,
    pub runs: Option<usize>,
    pub seed: Option<u64>,
}

impl SimulateRequest {
    pub fn settings(
        &self,
        limits: traject_app::Limits,
    ) -> (forecast::Forecast, forecast::Settings) {
        let ask = forecast::Forecast {
            version: self.version.clone(),
            fte: self.fte,
            scenario: forecast::Scenario {
                demand_factor: self.demand_factor,
                ..Default::default()
            },
        };
        let s = forecast::Settings {
            months: self.months.unwrap_or(24),
            runs: self.runs.unwrap_or(200),
            seed: self.seed.unwrap_or(1),
            limits,
        };
        (ask, s)
    }
}

#[utoipa::path(post, path = "/api/simulate", tag = "figures",
    request_body = SimulateRequest,
    responses(
        (status = 200, description = "The simulated caseload, waiting list and waits", body = traject_sim::report::ProgrammeReport)
    ),
    security(("session" = [])))]
pub async fn simulate(State(s): State<Shared>, headers: HeaderMap, bytes: Bytes) -> Response {
    let turn = match auth::computing(&s, &headers, Need::Figures).await {
        Ok(turn) => turn,
        Err(f) => return f.into_response(),
    };
    let done = as_allowed(
        &s,
        &headers.clone(),
        Need::Figures,
        move |server, user, _| {
            let req = body::<SimulateRequest>(&headers, &bytes)?;
            let compiled = served(server, user, &req.program)?;
            let (ask, settings) = req.settings(server.limits);
            let report = forecast::what_if(
                &compiled.program,
                &ask,
                &settings,
                &user.ctx(server.today()),
            )?;
            Ok((StatusCode::OK, report))
        },
    )
    .await;
    drop(turn);
    answer(done)
}
