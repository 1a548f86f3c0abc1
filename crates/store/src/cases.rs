//! The case lifecycle's store (`traject_cases::CaseStore`) on both back ends: every read and
//! write a transition makes, as SQL, inside the writer's transaction.

use chrono::NaiveDate;

use traject_cases::event::{Event, EventKind};
use traject_cases::store::{
    CaseRecord, CaseStore, CaseTx, Due, NewCase, ProgrammeIn, Recorded, SnapshotRecord,
};
use traject_rules::Verdict;

use crate::bulk::{Dossiers, ProgrammeKey, Told, CASE_ROW, DUE_ROW, EVENT_ROW, SNAPSHOT_ROW};
use crate::queries::{due_from_row, stored_event};
use crate::sql::{args, placeholders, FirstRead, Row, Sql, ToValue, Tx, IN_LIST};
use crate::{Store, StoreError};

impl CaseStore for Store {
    fn in_transaction<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&dyn CaseTx) -> Result<T, E>,
    ) -> Result<T, E> {
        // The lifecycle's transactions lock the programme and dossier numbers they work on
        // (see `Tx::lock_programme`), not the whole store.
        self.write_holding(crate::postgres::Lock::AsNeeded, |tx| f(tx))
    }

    fn checkpoint(&self) -> Result<(), StoreError> {
        Store::checkpoint(self)
    }
}

const RECORD_SELECT: &str = "SELECT id, program, version, version_hash, state, verdict, track, started_on, ends_on, queue_seq, outcome, updated_on, place_freed, \
    (SELECT MAX(on_date) FROM events WHERE case_id = cases.id), \
    (SELECT COALESCE(MAX(seq), 0) FROM events WHERE case_id = cases.id), org FROM cases";

/// The lock of the programme `program` in the organisation `org` (SQL expressions: parameters
/// in `Tx::lock_programme`, a case's columns in `case`, which must take the same lock).
/// Without an organisation it is the programme's lock of earlier builds, so that a server not
/// yet upgraded and an upgraded one sharing the store still exclude each other.
fn programme_lock(program: &str, org: &str) -> String {
    format!(
        "SELECT pg_advisory_xact_lock(hashtextextended('programme:' || {program} || COALESCE(':' || {org}, ''), 0))"
    )
}

/// The cases of programme `?1` in organisation `?2`, by the key of the index
/// `cases_in_organisation` (migration `cases_by_list_key`; a store without organisations is
/// one, `''`). Every statement a start makes under its programme's lock finds its rows by
/// this key, which no other index has, so that no plan has a cheaper way than that index,
/// whatever the statistics say (a plan made while the store was small walked every case of
/// the programme for each start, until the table was analysed again).
const IN_ORGANISATION: &str = "program || ':' || COALESCE(org, '') = ?1 || ':' || COALESCE(?2, '')";

/// The places programme `?1` holds in organisation `?2`: running cases and paused ones that
/// kept theirs. A count per state, each a range of the index: a single OR over states makes
/// the planners scan every case of the programme, and so may a list of states (`IN`), which a
/// PostgreSQL plan made while the store was small checked case by case (1,400 buffers read per
/// start at 1,700 cases).
fn places_held_sql() -> String {
    format!(
        "(SELECT COUNT(*) FROM cases WHERE {IN_ORGANISATION} AND state = 'active') \
         + (SELECT COUNT(*) FROM cases WHERE {IN_ORGANISATION} AND state = 'extended') \
         + (SELECT COUNT(*) FROM cases WHERE {IN_ORGANISATION} AND state = 'paused' AND place_freed = 0)"
    )
}

/// Where a client joins the waiting list of programme `?1` in organisation `?2`: the number
/// they take (after every number the programme gave, in any organisation: it only orders) and
/// their position. Every case on the list holds a smaller number than the end's, so the new
/// case's position is one behind all who wait: their number is kept by the store's triggers
/// (migration `waiting_count`), one row, where a count would walk the whole list. The highest
/// number is the first of the `(program, queue_seq)` index read backwards (an aggregate over
/// the programme may be planned as a walk over all of it).
const LIST_END: &str =
    "COALESCE((SELECT queue_seq FROM cases WHERE program = ?1 AND queue_seq IS NOT NULL \
     ORDER BY queue_seq DESC LIMIT 1), 0) + 1, \
    COALESCE((SELECT n FROM waiting_counts WHERE program = ?1 AND org = COALESCE(?2, '')), 0) + 1";

/// A case read under its programme's lock, and the number of its last event: on PostgreSQL
/// this transaction numbers the case's next events itself (every writer of a case's events
/// holds that lock, see `Tx::lock_programme`), so they can wait for the COMMIT.
fn locked_record_from_row(tx: &Tx, r: &Row) -> Result<CaseRecord, StoreError> {
    let record = record_from_row(r)?;
    let last: i64 = r.get(14)?;
    tx.pending(|p| p.last_event.insert(record.id, last));
    Ok(record)
}

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
        org: r.get(15)?,
    })
}

/// The statement that takes programme `key`'s lock (see `programme_lock`), with its values.
pub(crate) fn programme_lock_statement(key: &ProgrammeKey) -> (String, Vec<crate::sql::Value>) {
    (
        programme_lock("CAST(?1 AS TEXT)", "CAST(?2 AS TEXT)"),
        args![key.program, key.org].to_vec(),
    )
}

/// The case `?3` read under its programme's lock, taking first the lock of programme `?1` in
/// organisation `?2` (the one the transaction named), in one statement that can go with
/// BEGIN (migration `case_read_with_its_lock`): its columns are `RECORD_SELECT`'s, of which
/// `RECORD_INTEGERS` are integers.
const CASE_LOCKED: &str =
    "SELECT * FROM traject_case_locked(CAST(?1 AS TEXT), CAST(?2 AS TEXT), CAST(?3 AS BIGINT))";
const RECORD_INTEGERS: &[usize] = &[0, 9, 12, 14];

impl Tx<'_> {
    /// On PostgreSQL, hold programme `program`'s lock until the transaction ends: every
    /// lifecycle transaction that reads a case or a programme's capacity takes it first, so
    /// that the capacity check and the start that depends on it cannot interleave with
    /// another writer's, while other programmes' writers go on. SQLite serialises every
    /// writer anyway.
    fn lock_programme(&self, at: ProgrammeIn<'_>) -> Result<(), StoreError> {
        if self.pending(|p| p.named.as_ref().is_some_and(|k| k.is(at))) == Some(true) {
            return self.open();
        }
        if self.pending(|p| p.locked.insert(ProgrammeKey::of(at))) == Some(true) {
            let asked = std::time::Instant::now();
            self.lock(
                &programme_lock("CAST(?1 AS TEXT)", "CAST(?2 AS TEXT)"),
                args![at.program, at.org],
            )?;
            self.programme_locked(asked);
        }
        Ok(())
    }

    /// What the statement just sent told of `at`, as `take` takes it (see `Told`).
    fn told<T>(&self, at: ProgrammeIn<'_>, take: impl FnOnce(&mut Told) -> Option<T>) -> Option<T> {
        self.pending(|p| p.told.as_mut().filter(|t| t.at.is(at)).and_then(take))
            .flatten()
    }

    /// On PostgreSQL, lock dossier numbers about to be added to `program` in `org`, in sorted
    /// order (two writers adding overlapping sets wait for each other instead of deadlocking),
    /// so that no other writer adds the same dossier meanwhile.
    fn lock_dossiers(
        &self,
        program: &str,
        org: Option<&str>,
        dossiers: &[&str],
    ) -> Result<(), StoreError> {
        if self.dialect() != crate::sql::Dialect::Postgres {
            return Ok(());
        }
        let mut sorted = dossiers.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for chunk in sorted.chunks(IN_LIST) {
            let mut params = vec![program.to_value(), org.to_value()];
            params.extend(chunk.iter().map(ToValue::to_value));
            self.lock(&dossier_lock_sql(chunk.len()), &params)?;
        }
        Ok(())
    }

    /// The look-up of `dossier` (`DOSSIER_CASE`) as the transaction's first message, with
    /// BEGIN and after the dossier's lock, and — when the transaction will add a case
    /// (`CaseTx::will_add_case`) — the case's number taken from the sequence, so that the case
    /// waits for the COMMIT: a referral made in two round trips instead of four. `None` when
    /// the transaction sent something or named a programme: the caller goes the usual way.
    fn dossier_in_first_message(
        &self,
        program: &str,
        org: Option<&str>,
        dossier: &str,
    ) -> Result<Option<Option<(i64, String)>>, StoreError> {
        if self.pending(|p| p.named.is_none()) != Some(true) {
            return Ok(None);
        }
        let lock = dossier_lock_sql(1);
        let values = args![program, org, dossier];
        let mut statements = vec![
            FirstRead {
                sql: &lock,
                args: values,
                ints: &[],
                kept_as: Some("traject_dossier_lock"),
            },
            FirstRead {
                sql: DOSSIER_CASE,
                args: values,
                ints: &[0],
                kept_as: Some("traject_dossier_case"),
            },
        ];
        let number = self.pending(|p| std::mem::take(&mut p.number_ahead)) == Some(true);
        if number {
            statements.push(FirstRead {
                sql: "SELECT nextval(pg_get_serial_sequence('cases', 'id'))",
                args: &[],
                ints: &[0],
                kept_as: None,
            });
        }
        let Some(results) = self.first_read(&statements)? else {
            return Ok(None);
        };
        if let Some(r) = results.get(2).and_then(|rows| rows.first()) {
            let id: i64 = r.get(0)?;
            self.pending(|p| p.reserved.push_back(id));
        }
        results
            .get(1)
            .and_then(|rows| rows.first())
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .transpose()
            .map(Some)
    }

    /// The case `id` read in the transaction's first message, under the lock of the programme
    /// `named` (and its own), with — when the transaction said it will ask — the first who
    /// waits in `named`, the places held and the list's end read ahead (see `Told`). `None`
    /// when the first message went already (or its values cannot be written in).
    fn case_with_its_lock(
        &self,
        named: &ProgrammeKey,
        id: i64,
    ) -> Result<Option<Option<CaseRecord>>, StoreError> {
        let case_args = args![named.program, named.org, id];
        let mut statements = vec![FirstRead {
            sql: CASE_LOCKED,
            args: case_args,
            ints: RECORD_INTEGERS,
            kept_as: None,
        }];
        let first_waiting = (self.pending(|p| p.read_places) == Some(true)).then(first_waiting_sql);
        let places_args = args![named.program, named.org];
        if let Some(sql) = &first_waiting {
            statements.push(FirstRead {
                sql,
                args: places_args,
                ints: FIRST_WAITING_INTEGERS,
                kept_as: Some("traject_first_waiting"),
            });
        }
        let Some(results) = self.first_read(&statements)? else {
            return Ok(None);
        };
        if let Some(r) = results.get(1).and_then(|rows| rows.first()) {
            let at = ProgrammeIn {
                program: &named.program,
                org: named.org.as_deref(),
            };
            let (first, mut told) = first_waiting_from_row(self, at, r)?;
            told.first = Some(first);
            self.pending(|p| p.told = Some(told));
        }
        let Some(r) = results.first().and_then(|rows| rows.first()) else {
            return Ok(Some(None));
        };
        let c = locked_record_from_row(self, r)?;
        self.pending(|p| p.locked.insert(ProgrammeKey::of(c.programme_in())));
        Ok(Some(Some(c)))
    }
}

/// The lock of `n` dossier numbers (`?3`…) of programme `?1` in organisation `?2`.
fn dossier_lock_sql(n: usize) -> String {
    let values = (3..3 + n)
        .map(|i| format!("(CAST(?{i} AS TEXT))"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT pg_advisory_xact_lock(hashtextextended('dossier:' || CAST(?1 AS TEXT) || ':' || COALESCE(CAST(?2 AS TEXT), '') || ':' || d.x, 0)) \
         FROM (VALUES {values}) AS d(x)"
    )
}

/// The first case of programme `?1` in organisation `?2` holding dossier `?3`, and its
/// referral as stored.
pub(crate) const DOSSIER_CASE: &str = "SELECT id, referral FROM cases WHERE program = ?1 AND org IS NOT DISTINCT FROM ?2 AND dossier = ?3 ORDER BY id LIMIT 1";

/// Who waits first in programme `?1` in organisation `?2`, with the places held and the list's
/// end (see `first_waiting`): `RECORD_SELECT`'s columns (all empty when nobody waits), then
/// those three (`FIRST_WAITING_INTEGERS`: the integers, for rows read as text).
pub(crate) fn first_waiting_sql() -> String {
    format!(
        "SELECT w.*, {}, {LIST_END} FROM (SELECT 1) AS one LEFT JOIN \
         ({RECORD_SELECT} WHERE {IN_ORGANISATION} AND state = 'waiting' \
          ORDER BY queue_seq LIMIT 1) AS w ON 1 = 1",
        places_held_sql()
    )
}
const FIRST_WAITING_INTEGERS: &[usize] = &[0, 9, 12, 14, 16, 17, 18];

/// A row of `first_waiting_sql`: who waits first, and what it told of `at`.
fn first_waiting_from_row(
    tx: &Tx,
    at: ProgrammeIn<'_>,
    r: &Row,
) -> Result<(Option<CaseRecord>, Told), StoreError> {
    let first = match r.get::<Option<i64>>(0)? {
        Some(_) => Some(locked_record_from_row(tx, r)?),
        None => None,
    };
    let told = Told {
        at: ProgrammeKey::of(at),
        places: Some(r.get(16)?),
        list_end: Some((r.get(17)?, r.get(18)?)),
        first: None,
    };
    Ok((first, told))
}

impl CaseTx for Tx<'_> {
    fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError> {
        let read = || {
            self.query_opt(&format!("{RECORD_SELECT} WHERE id = ?1"), args![id], |r| {
                locked_record_from_row(self, r)
            })
        };
        if self.dialect() == crate::sql::Dialect::Postgres {
            // The first statement of a transaction that named its programme: that lock, the
            // case's own when it is another's, and the case, in one message with BEGIN.
            if let Some(k) = self.pending(|p| p.named.clone()).flatten() {
                if let Some(c) = self.case_with_its_lock(&k, id)? {
                    return Ok(c);
                }
            }
            // Under a programme's lock already (`working_on`), the case is read at once; one of
            // another programme is read again under its own.
            if self.pending(|p| !p.locked.is_empty()) == Some(true) {
                let held = |c: &CaseRecord| {
                    self.pending(|p| p.locked.contains(&ProgrammeKey::of(c.programme_in())))
                };
                match read()? {
                    None => return Ok(None),
                    Some(c) if held(&c) == Some(true) => return Ok(Some(c)),
                    Some(_) => {}
                }
            }
            // The programme's lock before the case is read (a case never changes programme or
            // organisation), taken in the statement that finds them.
            let lock = programme_lock("program", "org");
            let asked = std::time::Instant::now();
            let key = self.query_opt(
                &format!("SELECT program, org, ({lock}) FROM cases WHERE id = ?1"),
                args![id],
                |r| {
                    Ok(ProgrammeKey {
                        program: r.get(0)?,
                        org: r.get(1)?,
                    })
                },
            )?;
            if let Some(key) = key {
                self.programme_locked(asked);
                self.pending(|p| p.locked.insert(key));
            }
        }
        read()
    }

    fn save(&self, c: &CaseRecord) -> Result<(), StoreError> {
        // Nobody waits for its answer, and it leaves the dossier number alone.
        self.write_later(
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
        // The row's values, in `CASE_ROW`'s column order after its number.
        let row = args![
            c.program,
            c.version,
            c.version_hash,
            "referred",
            c.verdict,
            c.referral_date,
            c.referral,
            c.created_on,
            c.dossier,
            c.team,
            c.org
        ];
        if let Some(Some(id)) = self.pending(|p| p.reserved.pop_front()) {
            let numbered: Vec<_> = std::iter::once(id.to_value())
                .chain(row.iter().cloned())
                .collect();
            self.insert_later(&CASE_ROW, &numbered)?;
            self.pending(|p| {
                p.last_event.insert(id, 0);
                p.note_dossier(id, c);
            });
            return Ok(id);
        }
        let id = self.one(
            "INSERT INTO cases (program, version, version_hash, state, verdict, referral_date, referral, updated_on, dossier, team, org) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
            row,
        )?;
        // A case no other transaction can see yet: its events are numbered here.
        self.pending(|p| {
            p.last_event.insert(id, 0);
            p.note_dossier(id, c);
        });
        Ok(id)
    }

    fn dossier_case(
        &self,
        program: &str,
        org: Option<&str>,
        dossier: &str,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let ahead = self.pending(|p| {
            p.dossiers
                .as_ref()
                .and_then(|d| d.answer(program, org, dossier))
        });
        if let Some(Some(answer)) = ahead {
            return Ok(answer);
        }
        if self.dialect() == crate::sql::Dialect::Postgres {
            if let Some(found) = self.dossier_in_first_message(program, org, dossier)? {
                return Ok(found);
            }
        }
        self.lock_dossiers(program, org, &[dossier])?;
        self.query_opt(DOSSIER_CASE, args![program, org, dossier], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }

    fn look_up_dossiers(
        &self,
        program: &str,
        org: Option<&str>,
        dossiers: &[&str],
    ) -> Result<(), StoreError> {
        if self.dialect() != crate::sql::Dialect::Postgres || dossiers.is_empty() {
            return Ok(());
        }
        self.lock_dossiers(program, org, dossiers)?;
        let mut known: std::collections::HashMap<String, Option<(i64, String)>> =
            dossiers.iter().map(|d| (d.to_string(), None)).collect();
        for chunk in dossiers.chunks(IN_LIST) {
            let mut params = vec![program.to_value(), org.to_value()];
            params.extend(chunk.iter().map(ToValue::to_value));
            let found = self.query_map(
                &format!(
                    "SELECT dossier, id, referral FROM cases WHERE program = ?1 AND org IS NOT DISTINCT FROM ?2 \
                     AND dossier IN ({}) ORDER BY id",
                    placeholders(3, chunk.len())
                ),
                &params,
                |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?, r.get::<String>(2)?)),
            )?;
            for (dossier, id, referral) in found {
                known
                    .entry(dossier)
                    .or_insert(None)
                    .get_or_insert((id, referral));
            }
        }
        self.pending(|p| {
            p.dossiers = Some(Dossiers {
                program: program.to_string(),
                org: org.map(str::to_string),
                known,
            })
        });
        Ok(())
    }

    fn reserve_case_numbers(&self, n: usize) -> Result<(), StoreError> {
        if self.dialect() != crate::sql::Dialect::Postgres || n == 0 {
            return Ok(());
        }
        let ids: Vec<i64> = self.query_map(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, CAST(?1 AS BIGINT))",
            args![n as i64],
            |r| r.get(0),
        )?;
        self.pending(|p| p.reserved.extend(ids));
        Ok(())
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
        if self.snapshot_known(s.hash) {
            return Ok(());
        }
        self.insert_later(
            &SNAPSHOT_ROW,
            args![
                s.hash,
                s.program,
                s.version,
                s.file,
                s.text,
                s.options,
                s.recorded_on,
                s.scripts
            ],
        )?;
        self.pending(|p| p.kept.insert(s.hash.to_string()));
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
        let recorded_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let kind = event.kind();
        let payload = event.details().to_string();
        // A case whose last event number this transaction knows: its events are numbered
        // here, and wait.
        let known = self.pending(|p| {
            p.last_event.get_mut(&id).map(|last| {
                *last += 1;
                *last
            })
        });
        let seq = if let Some(Some(seq)) = known {
            self.insert_later(
                &EVENT_ROW,
                args![id, seq, on, recorded_at, kind, payload, actor, version_hash],
            )?;
            seq
        } else {
            self.one(
                "INSERT INTO events (case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash) \
                 SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7 FROM events WHERE case_id = ?1 RETURNING seq",
                args![id, on, recorded_at, kind, payload, actor, version_hash],
            )?
        };
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

    fn will_read_places(&self) {
        self.pending(|p| p.read_places = true);
    }

    fn will_add_case(&self) {
        self.pending(|p| p.number_ahead = true);
    }

    fn working_on(&self, at: ProgrammeIn<'_>) -> Result<(), StoreError> {
        if self.name_programme(ProgrammeKey::of(at)) {
            return Ok(());
        }
        self.lock_programme(at)
    }

    fn places_held(&self, at: ProgrammeIn<'_>) -> Result<i64, StoreError> {
        self.lock_programme(at)?;
        if let Some(n) = self.told(at, |t| t.places.take()) {
            return Ok(n);
        }
        self.one(
            &format!("SELECT {}", places_held_sql()),
            args![at.program, at.org],
        )
    }

    fn waiting_list_end(&self, at: ProgrammeIn<'_>) -> Result<(i64, i64), StoreError> {
        self.lock_programme(at)?;
        if let Some(end) = self.told(at, |t| t.list_end.take()) {
            return Ok(end);
        }
        self.query_row(
            &format!("SELECT {LIST_END}"),
            args![at.program, at.org],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn first_waiting(&self, at: ProgrammeIn<'_>) -> Result<Option<CaseRecord>, StoreError> {
        self.lock_programme(at)?;
        // Read ahead with the case, and nothing written since.
        if let Some(first) = self.told(at, |t| t.first.take()) {
            return Ok(first);
        }
        // The places held and the list's end come in the same statement: whoever asks who
        // waits first asks next whether there is room for them (see `places_held`), and, when
        // there is not, where a new client joins the list (`waiting_list_end`).
        let (first, told) =
            self.query_row(&first_waiting_sql(), args![at.program, at.org], |r| {
                first_waiting_from_row(self, at, r)
            })?;
        self.pending(|p| p.told = Some(told));
        Ok(first)
    }

    fn schedule(
        &self,
        id: i64,
        evaluation: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(), StoreError> {
        self.insert_later(&DUE_ROW, args![id, evaluation, from, to])
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

    fn in_group_on(
        &self,
        id: i64,
        module: &str,
        group: &str,
        on: NaiveDate,
    ) -> Result<bool, StoreError> {
        let n: i64 = self.one(
            "SELECT COUNT(*) FROM enrolments WHERE case_id = ?1 AND module = ?2 AND grp = ?3 \
             AND enrolled_on <= ?4 AND (left_on IS NULL OR left_on >= ?4)",
            args![id, module, group, on],
        )?;
        Ok(n > 0)
    }

    fn add_appointment(
        &self,
        id: i64,
        a: &traject_cases::event::Appointed,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO appointments (case_id, kind, on_day, at_minute, minutes) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![id, a.kind.as_str(), a.day, a.at_minute.map(i64::from), a.minutes.map(i64::from)],
        )?;
        Ok(())
    }

    fn mark_attendance(
        &self,
        session: i64,
        id: i64,
        presence: traject_cases::event::Presence,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO attendance (session_id, case_id, presence) VALUES (?1, ?2, ?3) \
             ON CONFLICT (session_id, case_id) DO UPDATE SET presence = excluded.presence",
            args![session, id, presence.as_str()],
        )?;
        Ok(())
    }
}
