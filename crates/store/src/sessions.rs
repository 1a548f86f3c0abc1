//! Group sessions and attendance: planning sessions for a module's group (with their audit
//! line, in one transaction), reading them back, a session's participants with their marks,
//! the board's absence streaks, and the participation figures of the activity report. Each
//! read is scoped to the organisation (and team) the reader may see.

use chrono::NaiveDate;

use traject_cases::event::ContactKind;
use traject_cases::event::Presence;
use traject_cases::records::{
    AbsenceStreak, AppointmentRow, NewSession, Participant, ParticipationCounts, Reach, Scope,
    SessionRow,
};

use crate::queries::reach;
use crate::sql::{args, Row, Sql};
use crate::users::{insert_audit, AuditRow};
use crate::{Store, StoreError};

const SESSION_SELECT: &str =
    "SELECT s.id, s.org, s.program, s.module, s.grp, s.on_day, s.at_minute, s.minutes, \
    (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id) FROM group_sessions s";

/// A case that is still followed, or ended on or after the day that follows (a client whose
/// case closed is no longer in their group's later sessions, though still in the earlier).
const STILL_THERE_ON: &str =
    "c.state NOT IN ('closed', 'dropped', 'not_started') OR c.updated_on >= ";

fn session_from_row(r: &Row) -> Result<SessionRow, StoreError> {
    Ok(SessionRow {
        id: r.get(0)?,
        org: r.get(1)?,
        program: r.get(2)?,
        module: r.get(3)?,
        group: r.get(4)?,
        on: r.get(5)?,
        at_minute: r.get(6)?,
        minutes: r.get(7)?,
        marked: r.get(8)?,
    })
}

/// Which sessions a list shows: one programme's (or all), in a period.
#[derive(Debug, Clone, Copy)]
pub struct SessionFilter<'a> {
    pub program: Option<&'a str>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Store {
    /// Plan `sessions` with one audit line, all or none: each new session's number, `None`
    /// for one that was planned already (same group, day and time).
    pub fn add_sessions(
        &mut self,
        sessions: &[NewSession],
        created_by: &str,
        audit: &AuditRow,
    ) -> Result<Vec<Option<i64>>, StoreError> {
        self.write(|tx| {
            let mut ids = Vec::with_capacity(sessions.len());
            for s in sessions {
                ids.push(tx.query_opt(
                    "INSERT INTO group_sessions (org, program, module, grp, on_day, at_minute, minutes, created_by) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING RETURNING id",
                    args![s.org, s.program, s.module, s.group, s.on, s.at_minute.map(i64::from), s.minutes.map(i64::from), created_by],
                    |r| r.get::<i64>(0),
                )?);
            }
            if ids.iter().any(Option::is_some) {
                insert_audit(tx, audit)?;
            }
            Ok(ids)
        })
    }

    /// Session `id`, when it is of an organisation within `org`.
    pub fn session(&self, id: i64, org: Reach) -> Result<Option<SessionRow>, StoreError> {
        let (all, one_org) = reach(org);
        self.query_opt(
            &format!("{SESSION_SELECT} WHERE s.id = ?1 AND (?2 OR s.org IS NOT DISTINCT FROM ?3)"),
            args![id, all, one_org],
            session_from_row,
        )
    }

    /// The sessions of a period, by day and time, at most `limit`.
    pub fn sessions(
        &self,
        filter: SessionFilter,
        org: Reach,
        limit: usize,
    ) -> Result<Vec<SessionRow>, StoreError> {
        let (all, one_org) = reach(org);
        self.query_map(
            &format!(
                "{SESSION_SELECT} WHERE s.on_day BETWEEN ?1 AND ?2 AND (CAST(?3 AS TEXT) IS NULL OR s.program = ?3) \
                 AND (?4 OR s.org IS NOT DISTINCT FROM ?5) ORDER BY s.on_day, COALESCE(s.at_minute, -1), s.program, s.module, s.grp LIMIT ?6"
            ),
            args![filter.from, filter.to, filter.program, all, one_org, limit as i64],
            session_from_row,
        )
    }

    /// The sessions from `from` to `to` of groups with a participant the reader may see, by
    /// day and time, at most `limit` (a worker's agenda).
    pub fn sessions_of_participants(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        within: Scope,
        limit: usize,
    ) -> Result<Vec<SessionRow>, StoreError> {
        let (a, b) = reach(within.org);
        let (c, d) = reach(within.team);
        self.query_map(
            &format!(
                "{SESSION_SELECT} WHERE s.on_day BETWEEN ?1 AND ?2 AND EXISTS (SELECT 1 FROM enrolments e JOIN cases c ON c.id = e.case_id \
                 WHERE e.module = s.module AND e.grp = s.grp AND e.enrolled_on <= s.on_day AND (e.left_on IS NULL OR e.left_on >= s.on_day) \
                 AND ({STILL_THERE_ON}s.on_day) \
                 AND c.program = s.program AND c.org IS NOT DISTINCT FROM s.org \
                 AND (?3 OR c.org IS NOT DISTINCT FROM ?4) AND (?5 OR c.team IS NOT DISTINCT FROM ?6)) \
                 ORDER BY s.on_day, COALESCE(s.at_minute, -1), s.id LIMIT ?7"
            ),
            args![from, to, a, b, c, d, limit as i64],
            session_from_row,
        )
    }

    /// The planned contacts from `from` to `to` of the running cases the reader may see, by
    /// day and time, at most `limit`.
    pub fn appointments(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        within: Scope,
        limit: usize,
    ) -> Result<Vec<AppointmentRow>, StoreError> {
        let (a, b) = reach(within.org);
        let (c, d) = reach(within.team);
        self.query_map(
            "SELECT p.case_id, p.kind, p.on_day, p.at_minute, p.minutes FROM appointments p JOIN cases c ON c.id = p.case_id \
             WHERE p.on_day BETWEEN ?1 AND ?2 AND c.state NOT IN ('closed', 'dropped', 'not_started') \
             AND (?3 OR c.org IS NOT DISTINCT FROM ?4) AND (?5 OR c.team IS NOT DISTINCT FROM ?6) \
             ORDER BY p.on_day, COALESCE(p.at_minute, -1), p.case_id LIMIT ?7",
            args![from, to, a, b, c, d, limit as i64],
            |r| {
                let kind: String = r.get(1)?;
                Ok(AppointmentRow {
                    case: r.get(0)?,
                    kind: ContactKind::parse(&kind).ok_or(StoreError::Column {
                        index: 1,
                        expected: "a kind of contact",
                        found: kind.clone(),
                    })?,
                    on: r.get(2)?,
                    at_minute: r.get(3)?,
                    minutes: r.get(4)?,
                })
            },
        )
    }

    /// The participants of a session the reader may see: the cases of its programme and
    /// organisation in its group on its day, by case number, with their marks.
    pub fn session_participants(
        &self,
        session: &SessionRow,
        within: Scope,
    ) -> Result<Vec<Participant>, StoreError> {
        let (all_teams, team) = reach(within.team);
        self.query_map(
            &format!(
                "SELECT c.id, a.presence FROM enrolments e JOIN cases c ON c.id = e.case_id \
             LEFT JOIN attendance a ON a.session_id = ?1 AND a.case_id = c.id \
             WHERE e.module = ?2 AND e.grp = ?3 AND e.enrolled_on <= ?4 AND (e.left_on IS NULL OR e.left_on >= ?4) \
             AND ({STILL_THERE_ON}?4) \
             AND c.program = ?5 AND c.org IS NOT DISTINCT FROM ?6 AND (?7 OR c.team IS NOT DISTINCT FROM ?8) \
             ORDER BY c.id"
            ),
            args![session.id, session.module, session.group, session.on, session.program, session.org, all_teams, team],
            |r| {
                let presence: Option<String> = r.get(1)?;
                Ok(Participant {
                    case: r.get(0)?,
                    presence: presence.as_deref().and_then(Presence::parse),
                })
            },
        )
    }

    /// Running cases whose marks since their last session attended or excused are all
    /// absences without excuse (at least one), with how many.
    pub fn absence_streaks(
        &self,
        program: Option<&str>,
        within: Scope,
    ) -> Result<Vec<AbsenceStreak>, StoreError> {
        let (a, b) = reach(within.org);
        let (c, d) = reach(within.team);
        self.query_map(
            "SELECT c.id, c.program, c.version, COUNT(*) FROM attendance a \
             JOIN group_sessions s ON s.id = a.session_id JOIN cases c ON c.id = a.case_id \
             WHERE a.presence = 'absent' AND c.state IN ('active', 'extended') \
             AND (?1 OR c.org IS NOT DISTINCT FROM ?2) AND (?3 OR c.team IS NOT DISTINCT FROM ?4) \
             AND (CAST(?5 AS TEXT) IS NULL OR c.program = ?5) AND s.on_day > COALESCE((SELECT MAX(s2.on_day) FROM attendance a2 JOIN group_sessions s2 ON s2.id = a2.session_id \
                 WHERE a2.case_id = a.case_id AND a2.presence <> 'absent'), '') \
             GROUP BY c.id, c.program, c.version ORDER BY c.id",
            args![a, b, c, d, program],
            |r| {
                Ok(AbsenceStreak {
                    case: r.get(0)?,
                    program: r.get(1)?,
                    version: r.get(2)?,
                    absences: r.get(3)?,
                })
            },
        )
    }

    /// What filled `program`'s weeks from `from` to `to` (sessions up to `as_of`); `kinds`
    /// maps each module to its kind of support.
    pub fn participation_counts(
        &self,
        program: &str,
        (from, to, as_of): (NaiveDate, NaiveDate, NaiveDate),
        org: Reach,
        kinds: &[(String, String)],
    ) -> Result<ParticipationCounts, StoreError> {
        let (all, one_org) = reach(org);
        let until = to.min(as_of);
        let sessions = "FROM group_sessions s WHERE s.program = ?1 AND s.on_day BETWEEN ?2 AND ?3 AND (?4 OR s.org IS NOT DISTINCT FROM ?5)";
        let marks = String::from("FROM attendance a JOIN group_sessions s ON s.id = a.session_id WHERE s.program = ?1 AND s.on_day BETWEEN ?2 AND ?3 AND (?4 OR s.org IS NOT DISTINCT FROM ?5)");
        let one = |sql: &str| -> Result<i64, StoreError> {
            self.one(sql, args![program, from, until, all, one_org])
        };
        let presence = |p: Presence| {
            one(&format!(
                "SELECT COUNT(*) {marks} AND a.presence = '{}'",
                p.as_str()
            ))
        };
        let kind = self.dialect().json_text("e.payload", "kind");
        let minutes = self.dialect().json_text("e.payload", "minutes");
        // Contacts of the programme's cases recorded in the period (the event's day).
        let contacts = "FROM events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'contacted' AND c.program = ?1 \
             AND e.on_date BETWEEN ?2 AND ?3 AND (?4 OR c.org IS NOT DISTINCT FROM ?5)";
        let enrolled = "FROM enrolments e JOIN cases c ON c.id = e.case_id WHERE c.program = ?1 AND e.enrolled_on <= ?3 \
             AND (e.left_on IS NULL OR e.left_on >= ?2) AND (?4 OR c.org IS NOT DISTINCT FROM ?5)";
        Ok(ParticipationCounts {
            sessions_planned: one(&format!("SELECT COUNT(*) {sessions}"))?,
            sessions_held: one(&format!(
                "SELECT COUNT(*) {sessions} AND EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id)"
            ))?,
            present: presence(Presence::Present)?,
            excused: presence(Presence::Excused)?,
            absent: presence(Presence::Absent)?,
            group_minutes: one(&format!(
                "SELECT CAST(COALESCE(SUM(COALESCE(s.minutes, 0)), 0) AS BIGINT) {marks} AND a.presence = 'present'"
            ))?,
            contact_minutes: self.query_map(
                &format!("SELECT {kind}, CAST(COALESCE(SUM(CAST({minutes} AS BIGINT)), 0) AS BIGINT) {contacts} GROUP BY {kind} ORDER BY {kind}"),
                args![program, from, to, all, one_org],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?,
            guided: one(&format!(
                "SELECT COUNT(*) FROM (SELECT e.case_id {contacts} UNION SELECT a.case_id {marks} AND a.presence = 'present') g"
            ))?,
            enrolled_per_module: self.query_map(
                &format!("SELECT e.module, COUNT(DISTINCT e.case_id) {enrolled} GROUP BY e.module ORDER BY e.module"),
                args![program, from, to, all, one_org],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?,
            enrolled: self.one(
                &format!("SELECT COUNT(DISTINCT e.case_id) {enrolled}"),
                args![program, from, to, all, one_org],
            )?,
            enrolled_per_kind: self.per_kind(enrolled, (program, from, to), org, kinds)?,
        })
    }

    /// Cases enrolled (`enrolled`: the enrolments of the period) per kind of support, each
    /// case once per kind however many of its modules it attends.
    fn per_kind(
        &self,
        enrolled: &str,
        (program, from, to): (&str, NaiveDate, NaiveDate),
        org: Reach,
        kinds: &[(String, String)],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let (all, one_org) = reach(org);
        let mut values = args![program, from, to, all, one_org].to_vec();
        let mut case = String::from("CASE e.module");
        for (module, kind) in kinds {
            case.push_str(&format!(
                " WHEN ?{} THEN ?{}",
                values.len() + 1,
                values.len() + 2
            ));
            values.extend(args![module, kind].iter().cloned());
        }
        case.push_str(" END");
        self.query_map(
            &format!(
                "SELECT k, COUNT(DISTINCT case_id) FROM (SELECT CAST({case} AS TEXT) AS k, e.case_id {enrolled}) m \
                 WHERE k IS NOT NULL GROUP BY k ORDER BY k"
            ),
            &values,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}
