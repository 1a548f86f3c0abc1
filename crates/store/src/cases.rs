//! The case lifecycle's store (`traject_cases::CaseStore`) on both back ends: every read and
//! write a transition makes, as SQL, inside the writer's transaction.

use chrono::NaiveDate;

use traject_cases::event::{Event, EventKind};
use traject_cases::store::{CaseRecord, CaseStore, CaseTx, Due, NewCase, Recorded, SnapshotRecord};
use traject_rules::Verdict;

use crate::queries::{due_from_row, stored_event};
use crate::sql::{args, Row, Sql, Tx};
use crate::{Store, StoreError};

impl CaseStore for Store {
    fn in_transaction<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&dyn CaseTx) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write(|tx| f(tx))
    }

    fn checkpoint(&self) -> Result<(), StoreError> {
        Store::checkpoint(self)
    }
}

const RECORD_SELECT: &str = "SELECT id, program, version, version_hash, state, verdict, track, started_on, ends_on, queue_seq, outcome, updated_on, place_freed, \
    (SELECT MAX(on_date) FROM events WHERE case_id = cases.id) FROM cases";

fn record_from_row(r: &Row) -> Result<CaseRecord, StoreError> {
    Ok(CaseRecord {
        id: r.get(0)?,
        program: r.get(1)?,
        version: r.get(2)?,
        version_hash: r.get(3)?,
        state: r.get(4)?,
        verdict: r.get(5)?,
        track: r.get(6)?,
        started_on: r.get(7)?,
        ends_on: r.get(8)?,
        queue_seq: r.get(9)?,
        outcome: r.get(10)?,
        updated_on: r.get(11)?,
        place_freed: r.get(12)?,
        latest: r.get(13)?,
    })
}

impl CaseTx for Tx<'_> {
    fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError> {
        self.query_opt(
            &format!("{RECORD_SELECT} WHERE id = ?1"),
            args![id],
            record_from_row,
        )
    }

    fn save(&self, c: &CaseRecord) -> Result<(), StoreError> {
        self.execute(
            "UPDATE cases SET version = ?2, version_hash = ?3, state = ?4, track = ?5, started_on = ?6, ends_on = ?7, \
             queue_seq = ?8, outcome = ?9, updated_on = ?10, place_freed = ?11 WHERE id = ?1",
            args![
                c.id,
                c.version,
                c.version_hash,
                c.state,
                c.track,
                c.started_on,
                c.ends_on,
                c.queue_seq,
                c.outcome,
                c.updated_on,
                i64::from(c.place_freed)
            ],
        )?;
        Ok(())
    }

    fn insert(&self, c: &NewCase) -> Result<i64, StoreError> {
        self.one(
            "INSERT INTO cases (program, version, version_hash, state, verdict, referral_date, referral, updated_on, dossier, team, org) \
             VALUES (?1, ?2, ?3, 'referred', ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            args![
                c.program,
                c.version,
                c.version_hash,
                c.verdict,
                c.referral_date,
                c.referral,
                c.created_on,
                c.dossier,
                c.team,
                c.org
            ],
        )
    }

    fn dossier_case(
        &self,
        program: &str,
        org: Option<&str>,
        dossier: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        self.query_opt(
            "SELECT id, referral FROM cases WHERE program = ?1 AND dossier = ?2 AND org IS NOT DISTINCT FROM ?3 ORDER BY id LIMIT 1",
            args![program, dossier, org],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn referral(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.query_opt("SELECT referral FROM cases WHERE id = ?1", args![id], |r| {
            r.get(0)
        })
    }

    fn set_referral(&self, id: i64, referral: &str, verdict: Verdict) -> Result<(), StoreError> {
        self.execute(
            "UPDATE cases SET referral = ?2, verdict = ?3 WHERE id = ?1",
            args![id, referral, verdict],
        )?;
        Ok(())
    }

    fn erase_referral(&self, id: i64, erased_on: NaiveDate) -> Result<(), StoreError> {
        // The tombstone first, while the dossier number is still there to be hashed.
        let (program, org, dossier): (String, Option<String>, Option<String>) = self.query_row(
            "SELECT program, org, dossier FROM cases WHERE id = ?1",
            args![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let key = crate::tombstones::store_key(self)?;
        let mac = dossier.map(|d| crate::tombstones::dossier_mac(&key, org.as_deref(), &d));
        self.execute(
            "INSERT INTO tombstones (case_id, program, dossier_mac, erased_on) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (case_id) DO NOTHING",
            args![id, program, mac, erased_on],
        )?;
        let erased = serde_json::json!({ "erased_on": erased_on }).to_string();
        self.execute(
            "UPDATE cases SET referral = ?2, dossier = NULL WHERE id = ?1",
            args![id, erased],
        )?;
        Ok(())
    }

    fn keep_snapshot(&self, s: &SnapshotRecord) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO snapshots (hash, program, version, file, text, options, recorded_on, scripts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (hash) DO NOTHING",
            args![s.hash, s.program, s.version, s.file, s.text, s.options, s.recorded_on, s.scripts],
        )?;
        Ok(())
    }

    fn append(
        &self,
        id: i64,
        on: NaiveDate,
        event: &Event,
        actor: &str,
        version_hash: &str,
    ) -> Result<i64, StoreError> {
        let seq: i64 = self.one(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE case_id = ?1",
            args![id],
        )?;
        let recorded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let kind = event.kind();
        self.execute(
            "INSERT INTO events (case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            args![id, seq, on, recorded_at, kind, event.details().to_string(), actor, version_hash],
        )?;
        tracing::debug!(case = id, seq, kind = kind.as_str(), "event appended");
        Ok(seq)
    }

    fn events(&self, id: i64, kind: EventKind) -> Result<Vec<Recorded>, StoreError> {
        self.query_map(
            "SELECT seq, on_date, payload FROM events WHERE case_id = ?1 AND kind = ?2 ORDER BY seq",
            args![id, kind],
            |r| {
                Ok(Recorded {
                    seq: r.get(0)?,
                    on: r.get(1)?,
                    event: stored_event(kind, &r.get::<String>(2)?, 2)?,
                })
            },
        )
    }

    fn redact(&self, id: i64, seq: i64, redacted: &Event) -> Result<(), StoreError> {
        self.execute(
            "UPDATE events SET payload = ?3 WHERE case_id = ?1 AND seq = ?2",
            args![id, seq, redacted.details().to_string()],
        )?;
        Ok(())
    }

    fn places_held(&self, program: &str) -> Result<i64, StoreError> {
        // Two counts, each answered from the (program, state) index: a single OR over states
        // makes the planners scan every case of the programme, on every start.
        self.one(
            "SELECT (SELECT COUNT(*) FROM cases WHERE program = ?1 AND state IN ('active', 'extended')) \
                  + (SELECT COUNT(*) FROM cases WHERE program = ?1 AND state = 'paused' AND place_freed = 0)",
            args![program],
        )
    }

    fn anyone_waiting(&self, program: &str) -> Result<bool, StoreError> {
        self.one(
            "SELECT EXISTS(SELECT 1 FROM cases WHERE program = ?1 AND state = 'waiting')",
            args![program],
        )
    }

    fn next_queue_seq(&self, program: &str) -> Result<i64, StoreError> {
        self.one(
            "SELECT COALESCE(MAX(queue_seq), 0) + 1 FROM cases WHERE program = ?1",
            args![program],
        )
    }

    fn waiting_position(&self, program: &str, queue_seq: i64) -> Result<i64, StoreError> {
        self.one(
            "SELECT COUNT(*) FROM cases WHERE program = ?1 AND state = 'waiting' AND queue_seq <= ?2",
            args![program, queue_seq],
        )
    }

    fn first_waiting(&self, program: &str) -> Result<Option<CaseRecord>, StoreError> {
        self.query_opt(
            &format!(
                "{RECORD_SELECT} WHERE program = ?1 AND state = 'waiting' ORDER BY queue_seq LIMIT 1"
            ),
            args![program],
            record_from_row,
        )
    }

    fn schedule(
        &self,
        id: i64,
        evaluation: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO due (case_id, evaluation, due_from, due_to) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            args![id, evaluation, from, to],
        )?;
        Ok(())
    }

    fn due(&self, id: i64) -> Result<Vec<Due>, StoreError> {
        self.query_map(
            "SELECT evaluation, due_from, due_to, held_on FROM due WHERE case_id = ?1 ORDER BY due_from, evaluation",
            args![id],
            due_from_row,
        )
    }

    fn hold(
        &self,
        id: i64,
        evaluation: &str,
        due_from: NaiveDate,
        on: NaiveDate,
    ) -> Result<(), StoreError> {
        self.execute(
            "UPDATE due SET held_on = ?4 WHERE case_id = ?1 AND evaluation = ?2 AND due_from = ?3",
            args![id, evaluation, due_from, on],
        )?;
        Ok(())
    }

    fn reschedule(
        &self,
        id: i64,
        moved: &Due,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), StoreError> {
        self.execute(
            "UPDATE due SET due_from = ?4, due_to = ?5 WHERE case_id = ?1 AND evaluation = ?2 AND due_from = ?3",
            args![id, moved.evaluation, moved.due_from, from, to],
        )?;
        Ok(())
    }

    fn unschedule_open(&self, id: i64, evaluation: Option<&str>) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM due WHERE case_id = ?1 AND held_on IS NULL AND (CAST(?2 AS TEXT) IS NULL OR evaluation = ?2)",
            args![id, evaluation],
        )?;
        Ok(())
    }

    fn enrolled_since(&self, id: i64, module: &str) -> Result<Option<NaiveDate>, StoreError> {
        self.query_opt(
            "SELECT enrolled_on FROM enrolments WHERE case_id = ?1 AND module = ?2 AND left_on IS NULL",
            args![id, module],
            |r| r.get(0),
        )
    }

    fn group_members(&self, id: i64, module: &str, group: &str) -> Result<i64, StoreError> {
        self.one(
            "SELECT COUNT(*) FROM enrolments e JOIN cases c ON c.id = e.case_id JOIN cases me ON me.id = ?1 \
             WHERE e.module = ?2 AND e.grp = ?3 AND e.left_on IS NULL AND c.program = me.program \
             AND c.org IS NOT DISTINCT FROM me.org AND c.state IN ('active', 'extended', 'paused')",
            args![id, module, group],
        )
    }

    fn enrol(
        &self,
        id: i64,
        module: &str,
        group: Option<&str>,
        on: NaiveDate,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO enrolments (case_id, module, grp, enrolled_on) VALUES (?1, ?2, ?3, ?4)",
            args![id, module, group, on],
        )?;
        Ok(())
    }

    fn leave(&self, id: i64, module: &str, on: NaiveDate) -> Result<(), StoreError> {
        self.execute(
            "UPDATE enrolments SET left_on = ?3 WHERE case_id = ?1 AND module = ?2 AND left_on IS NULL",
            args![id, module, on],
        )?;
        Ok(())
    }
}
