//! Group sessions and attendance, for the team: planning the dated sessions of a module's
//! group (one at a time, or a period's worth from the module's weekly rhythm), the attendance
//! sheet of a session (its participants the actor may see, with their marks), recording the
//! whole group's attendance at once, and the participants whose absences the board flags.
//! Sessions hold no personal data; their participants do, so an auditor sees neither (only
//! the participation figures of the activity report).

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::{AppError, Ctx, Need, Programs};
use traject_cases::event::Presence;
use traject_cases::records::{NewSession, Participant, SessionRow};
use traject_cases::SessionRef;
use traject_model::diag::did_you_mean;
use traject_model::program::duration::{Duration, Unit};
use traject_model::program::model::Module;
use traject_rules::CompiledProgram;
use traject_store::sessions::SessionFilter;
use traject_store::Store;

/// The longest session counted as one: a working day.
pub const MAX_SESSION_MINUTES: u32 = 600;
/// The longest group name (a label such as "Arabisch 2", not a description).
pub const MAX_GROUP_CHARS: usize = 60;
/// The longest period planned at once: a year.
pub const MAX_PLAN_DAYS: i64 = 366;
/// The most sessions a list shows.
pub const MAX_LISTED: usize = 500;

/// Why a session is not planned, found or recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    /// No session with this number (that the actor may see).
    Unknown { id: i64 },
    /// The group has a session on that day (at that time) already.
    Exists {
        module: String,
        group: String,
        on: NaiveDate,
    },
    /// The programme has no module with this id (in any version).
    UnknownModule {
        program: String,
        given: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    /// A group name that is empty or longer than a name.
    BadGroup { chars: usize, max: usize },
    /// A session of no length or longer than a working day.
    Minutes { given: u32, max: u32 },
    /// Planning needs a weekly rhythm (`schedule: {times: N, per: week}`) in the module.
    NoWeeklyRhythm { module: String },
    /// A period that ends before it starts, or is longer than a year.
    Period {
        from: NaiveDate,
        to: NaiveDate,
        max_days: i64,
    },
    /// An attendance sheet without a single mark.
    NoMarks,
    /// A case marked twice on one sheet.
    MarkedTwice { case: i64 },
    /// A case that is not a participant of the session (for this actor).
    NotAParticipant { case: i64, session: i64 },
}

impl From<SessionError> for AppError {
    fn from(e: SessionError) -> Self {
        AppError::Session(e)
    }
}

/// One session to plan.
#[derive(Debug, Clone)]
pub struct SessionInput {
    pub program: String,
    pub module: String,
    pub group: String,
    pub on: NaiveDate,
    /// Minutes after midnight, local time.
    pub at_minute: Option<u32>,
    pub minutes: Option<u32>,
}

/// A period's sessions to plan from the module's weekly rhythm.
#[derive(Debug, Clone)]
pub struct PlanInput {
    pub program: String,
    pub module: String,
    pub group: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub at_minute: Option<u32>,
    pub minutes: Option<u32>,
}

/// What a plan did: the sessions added, and the days that had one already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub added: Vec<(i64, NaiveDate)>,
    pub skipped: Vec<NaiveDate>,
    /// The session length used (given, or the module's when in hours).
    pub minutes: Option<u32>,
}

/// A session with the participants the actor may see.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub session: SessionRow,
    pub participants: Vec<Participant>,
}

/// A participant the board flags: absent without excuse this many times in a row, at or above
/// their programme version's threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceFlag {
    pub case: i64,
    pub program: String,
    pub absences: i64,
    pub threshold: u32,
}

/// "09:30" as minutes after midnight; `None` for anything else.
pub fn minute_of_day(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && text.trim().len() <= 5).then_some(h * 60 + m)
}

/// Minutes after midnight as a clock shows them: "09:30".
pub fn clock_time(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn checked_group(group: &str) -> Result<String, SessionError> {
    let g = group.trim();
    let chars = g.chars().count();
    if chars == 0 || chars > MAX_GROUP_CHARS {
        return Err(SessionError::BadGroup {
            chars,
            max: MAX_GROUP_CHARS,
        });
    }
    Ok(g.to_string())
}

fn checked_minutes(minutes: Option<u32>) -> Result<Option<u32>, SessionError> {
    match minutes {
        Some(m) if !(1..=MAX_SESSION_MINUTES).contains(&m) => Err(SessionError::Minutes {
            given: m,
            max: MAX_SESSION_MINUTES,
        }),
        _ => Ok(minutes),
    }
}

/// The module of that id in the version in force on `on` (else the latest that has it).
fn module_of<'a>(
    compiled: &'a CompiledProgram,
    module: &str,
    on: NaiveDate,
) -> Result<&'a Module, SessionError> {
    let versions = &compiled.program.spec.versions;
    let in_force = versions
        .iter()
        .filter(|v| v.in_force_on(on))
        .chain(versions.iter().rev());
    for v in in_force {
        if let Some(m) = v.module(module) {
            return Ok(m);
        }
    }
    let mut known: Vec<String> = versions
        .iter()
        .flat_map(|v| v.modules.iter().map(|m| m.id.clone()))
        .collect();
    known.sort();
    known.dedup();
    Err(SessionError::UnknownModule {
        program: compiled.program.spec.id.clone(),
        suggestion: did_you_mean(module, known.iter().map(String::as_str)).map(str::to_string),
        given: module.to_string(),
        known,
    })
}

/// Plan one session of a module's group.
pub fn add(
    store: &mut Store,
    programs: &dyn Programs,
    input: &SessionInput,
    ctx: &Ctx,
) -> Result<i64, AppError> {
    ctx.require(Need::ChangeCases)?;
    let group = checked_group(&input.group)?;
    let minutes = checked_minutes(input.minutes)?;
    let compiled = programs.for_case(&input.program)?;
    let module = module_of(&compiled, &input.module, input.on)?;
    let new = NewSession {
        org: ctx.org.clone(),
        program: compiled.program.spec.id.clone(),
        module: module.id.clone(),
        group: group.clone(),
        on: input.on,
        at_minute: input.at_minute,
        minutes,
    };
    let audit = ctx.audit("plan group session", format!("module:{}", module.id));
    match store.add_sessions(&[new], &ctx.actor, &audit)?.first() {
        Some(Some(id)) => Ok(*id),
        _ => Err(SessionError::Exists {
            module: module.id.clone(),
            group,
            on: input.on,
        }
        .into()),
    }
}

/// The days of a weekly rhythm of `times` sessions a week from `from` to `to`. Named weekdays
/// take turns when there are more of them than sessions a week (once a week on Wednesday or
/// Friday: Wednesday, then Friday the next week). Without names, the working days Monday to
/// Friday are spread evenly (twice a week: Monday and Wednesday; three times: Monday, Tuesday,
/// Thursday) — an assumption where the programme names no weekdays.
fn rhythm_days(times: u32, weekdays: &[Weekday], from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let working = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let per_week = times.clamp(1, 7) as usize;
    let spread: Vec<Weekday> = (0..per_week.min(5))
        .map(|i| working[i * 5 / per_week.min(5)])
        .collect();
    let names = if weekdays.is_empty() {
        &spread[..]
    } else {
        weekdays
    };
    let first_monday = from - Days::new(u64::from(from.weekday().num_days_from_monday()));
    let mut days = Vec::new();
    let mut day = from;
    while day <= to {
        let week = ((day - first_monday).num_days() / 7) as usize;
        let turn: Vec<Weekday> = (0..per_week.min(names.len()))
            .map(|i| names[(week * per_week + i) % names.len()])
            .collect();
        if turn.contains(&day.weekday()) {
            days.push(day);
        }
        match day.checked_add_days(Days::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    days
}

fn weekday_of(word: &str) -> Option<Weekday> {
    word.get(..3)?.parse().ok()
}

/// Plan a period's sessions from the module's weekly rhythm (`schedule: {times, per: week}`);
/// days that have a session already are skipped, not doubled.
pub fn plan(
    store: &mut Store,
    programs: &dyn Programs,
    input: &PlanInput,
    ctx: &Ctx,
) -> Result<Planned, AppError> {
    ctx.require(Need::ChangeCases)?;
    let group = checked_group(&input.group)?;
    let given_minutes = checked_minutes(input.minutes)?;
    if input.to < input.from || (input.to - input.from).num_days() >= MAX_PLAN_DAYS {
        return Err(SessionError::Period {
            from: input.from,
            to: input.to,
            max_days: MAX_PLAN_DAYS,
        }
        .into());
    }
    let compiled = programs.for_case(&input.program)?;
    let module = module_of(&compiled, &input.module, input.from)?;
    let no_rhythm = || SessionError::NoWeeklyRhythm {
        module: module.id.clone(),
    };
    let schedule = module.schedule.as_ref().ok_or_else(no_rhythm)?;
    let times = schedule
        .times
        .as_ref()
        .and_then(serde_json::Value::as_u64)
        .filter(|t| (1..=7).contains(t))
        .ok_or_else(no_rhythm)?;
    if schedule.per.as_deref() != Some("week") {
        return Err(no_rhythm().into());
    }
    let weekdays: Vec<Weekday> = schedule
        .weekdays
        .iter()
        .filter_map(|w| weekday_of(w))
        .collect();
    // The module's session length counts when given in hours; a "half day" is not turned
    // into hours without the team saying how long it is.
    let minutes = given_minutes.or(match schedule.session {
        Some(Duration::Fixed {
            amount,
            unit: Unit::Hour,
        }) => {
            Some((amount * 60.0).round() as u32).filter(|m| (1..=MAX_SESSION_MINUTES).contains(m))
        }
        _ => None,
    });
    let days = rhythm_days(times as u32, &weekdays, input.from, input.to);
    let new: Vec<NewSession> = days
        .iter()
        .map(|&on| NewSession {
            org: ctx.org.clone(),
            program: compiled.program.spec.id.clone(),
            module: module.id.clone(),
            group: group.clone(),
            on,
            at_minute: input.at_minute,
            minutes,
        })
        .collect();
    let audit = ctx.audit("plan group sessions", format!("module:{}", module.id));
    let ids = store.add_sessions(&new, &ctx.actor, &audit)?;
    let mut planned = Planned {
        added: Vec::new(),
        skipped: Vec::new(),
        minutes,
    };
    for (id, on) in ids.into_iter().zip(days) {
        match id {
            Some(id) => planned.added.push((id, on)),
            None => planned.skipped.push(on),
        }
    }
    Ok(planned)
}

/// The sessions of a period (of one programme, or all) in the actor's organisation.
pub fn list(
    store: &Store,
    program: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    ctx: &Ctx,
) -> Result<Vec<SessionRow>, AppError> {
    ctx.require(Need::Persons)?;
    let filter = SessionFilter { program, from, to };
    Ok(store.sessions(filter, ctx.org_reach(), MAX_LISTED)?)
}

/// Session `id` with the participants the actor may see and their marks.
pub fn sheet(store: &Store, id: i64, ctx: &Ctx) -> Result<Sheet, AppError> {
    ctx.require(Need::Persons)?;
    let session = store
        .session(id, ctx.org_reach())?
        .ok_or(SessionError::Unknown { id })?;
    let participants = store.session_participants(&session, ctx.scope())?;
    Ok(Sheet {
        session,
        participants,
    })
}

/// Record the attendance of session `id`: each mark for a participant the actor may see, the
/// session held today or before. All marks in one transaction, or none.
pub fn record(
    store: &mut Store,
    id: i64,
    marks: &[(i64, Presence)],
    ctx: &Ctx,
) -> Result<usize, AppError> {
    ctx.require(Need::ChangeCases)?;
    let sheet = sheet(store, id, ctx)?;
    if sheet.session.on > ctx.on {
        return Err(AppError::FutureDay {
            field: "session",
            given: sheet.session.on,
            today: ctx.on,
        });
    }
    if marks.is_empty() {
        return Err(SessionError::NoMarks.into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for &(case, _) in marks {
        if !seen.insert(case) {
            return Err(SessionError::MarkedTwice { case }.into());
        }
        if !sheet.participants.iter().any(|p| p.case == case) {
            return Err(SessionError::NotAParticipant { case, session: id }.into());
        }
    }
    let s = &sheet.session;
    let session = SessionRef {
        id: s.id,
        program: &s.program,
        module: &s.module,
        group: &s.group,
        on: s.on,
        minutes: s.minutes,
    };
    traject_cases::record_attendance(store, &session, marks, &ctx.lifecycle())?;
    Ok(marks.len())
}

/// The running cases the actor may see whose absences without excuse in a row reach their
/// programme version's `attendance.absences_in_a_row` (no flag where the version sets none).
pub fn absence_flags(
    store: &Store,
    programs: &dyn Programs,
    program: Option<&str>,
    ctx: &Ctx,
) -> Result<Vec<AbsenceFlag>, AppError> {
    ctx.require(Need::Persons)?;
    let mut flags = Vec::new();
    for streak in store.absence_streaks(program, ctx.scope())? {
        // A programme that no longer loads flags nothing here; its cases say why elsewhere.
        let Ok(compiled) = programs.for_case(&streak.program) else {
            continue;
        };
        let threshold = compiled
            .program
            .version(&streak.version)
            .and_then(|v| v.attendance.as_ref())
            .map(|a| a.absences_in_a_row);
        if let Some(threshold) = threshold.filter(|t| streak.absences >= i64::from(*t)) {
            flags.push(AbsenceFlag {
                case: streak.case,
                program: streak.program,
                absences: streak.absences,
                threshold,
            });
        }
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn clock_times_read_and_write_back() {
        assert_eq!(minute_of_day("09:30"), Some(570));
        assert_eq!(minute_of_day("9:05"), Some(545));
        assert_eq!(minute_of_day("24:00"), None);
        assert_eq!(minute_of_day("09:60"), None);
        assert_eq!(minute_of_day("half ten"), None);
        assert_eq!(clock_time(570), "09:30");
    }

    #[test]
    fn a_weekly_rhythm_spreads_over_the_working_days() {
        // 2026-11-02 is a Monday.
        let twice = rhythm_days(2, &[], day("2026-11-02"), day("2026-11-15"));
        let names: Vec<Weekday> = twice.iter().map(|d| d.weekday()).collect();
        assert_eq!(
            names,
            [Weekday::Mon, Weekday::Wed, Weekday::Mon, Weekday::Wed]
        );
        let thrice = rhythm_days(3, &[], day("2026-11-02"), day("2026-11-08"));
        assert_eq!(
            thrice.iter().map(|d| d.weekday()).collect::<Vec<_>>(),
            [Weekday::Mon, Weekday::Tue, Weekday::Thu]
        );
        let named = rhythm_days(1, &[Weekday::Fri], day("2026-11-02"), day("2026-11-30"));
        assert_eq!(named.len(), 4);
        let alternating = rhythm_days(
            1,
            &[Weekday::Wed, Weekday::Fri],
            day("2026-11-02"),
            day("2026-11-22"),
        );
        assert_eq!(
            alternating,
            [day("2026-11-04"), day("2026-11-13"), day("2026-11-18")]
        );
        assert!(rhythm_days(2, &[], day("2026-11-07"), day("2026-11-08")).is_empty());
    }
}
