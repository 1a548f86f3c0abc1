//! Bulk work on PostgreSQL without a round trip per row. Inside a write transaction, rows of
//! a few kinds (a case, a due moment, an event, a programme snapshot) may wait and go to the
//! server together — one multi-row INSERT per kind — before the next statement that reads or
//! writes anything else, and at commit. Case numbers come from the table's own sequence,
//! reserved ahead when the caller says how many cases it will add; a new case's events are
//! numbered here; dossier numbers asked about ahead are answered from memory. Nothing read
//! can miss a waiting row: every other statement sends them first.
//!
//! The same holds for a few single-row writes whose answer nobody waits for (a case's new
//! state): they wait too, after the rows, and the last of them go with the COMMIT.
//!
//! SQLite needs none of this (its statements are calls in the same process): there a waiting
//! row is written at once.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::sql::Value;
use traject_cases::store::ProgrammeIn;

/// A kind of row that may wait: its table and columns, and where it goes among the kinds
/// when they are sent (a case before the rows that name it).
pub(crate) struct RowKind {
    rank: u8,
    table: &'static str,
    columns: &'static str,
    width: usize,
    /// What follows the VALUES list (a conflict clause), or nothing.
    tail: &'static str,
}

pub(crate) const SNAPSHOT_ROW: RowKind = RowKind {
    rank: 0,
    table: "snapshots",
    columns: "hash, program, version, file, text, options, recorded_on, scripts",
    width: 8,
    tail: " ON CONFLICT (hash) DO NOTHING",
};

/// A case with the number reserved for it.
pub(crate) const CASE_ROW: RowKind = RowKind {
    rank: 1,
    table: "cases",
    columns: "id, program, version, version_hash, state, verdict, referral_date, referral, updated_on, dossier, team, org",
    width: 12,
    tail: "",
};

pub(crate) const DUE_ROW: RowKind = RowKind {
    rank: 2,
    table: "due",
    columns: "case_id, evaluation, due_from, due_to",
    width: 4,
    tail: " ON CONFLICT DO NOTHING",
};

pub(crate) const EVENT_ROW: RowKind = RowKind {
    rank: 3,
    table: "events",
    columns: "case_id, seq, on_date, recorded_at, kind, payload, actor, version_hash",
    width: 8,
    tail: "",
};

/// PostgreSQL takes at most 65,535 parameters in a statement; a batch stays well under.
const MAX_PARAMETERS: usize = 30_000;

/// Rows held at most before they are sent, so that a transaction's memory stays bounded.
const MAX_WAITING: usize = 2_000;

impl RowKind {
    /// The statement inserting `rows` rows of this kind, in the shared `?1` syntax.
    pub(crate) fn insert(&self, rows: usize) -> String {
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.table, self.columns);
        for r in 0..rows {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..self.width {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("?{}", r * self.width + c + 1));
            }
            sql.push(')');
        }
        sql.push_str(self.tail);
        sql
    }
}

/// A statement to send: its text in the shared `?1` syntax, its values, and the statement of
/// one row whose parameter types the values follow (the same statement when `rows` is 1).
pub(crate) struct Outgoing {
    pub sql: String,
    pub args: Vec<Value>,
    pub one_row: String,
    pub rows: usize,
}

/// What a PostgreSQL write transaction holds back or knows ahead.
#[derive(Default)]
pub(crate) struct Pending {
    /// Waiting rows per kind, in the order the kinds must be sent.
    waiting: BTreeMap<u8, (&'static RowKind, Vec<Value>)>,
    /// Single-row writes that wait, in order, after the rows.
    writes: Vec<(&'static str, Vec<Value>)>,
    count: usize,
    /// Case numbers taken from the sequence for cases still to be added.
    pub reserved: VecDeque<i64>,
    /// Cases whose last event number this transaction knows (added in it, or read under
    /// their programme's lock, which every writer of their events holds): their events are
    /// numbered here and wait like other rows.
    pub last_event: HashMap<i64, i64>,
    /// Snapshots written in this transaction (by hash).
    pub kept: HashSet<String>,
    /// Dossier numbers looked up ahead (see `Dossiers`).
    pub dossiers: Option<Dossiers>,
    /// What the statement just sent told of a programme beside its first waiting client (see
    /// `first_waiting`): any other statement or write forgets it.
    pub told: Option<Told>,
    /// Programmes (in an organisation) whose lock this transaction holds.
    pub locked: HashSet<ProgrammeKey>,
    /// The programme the transaction named (`CaseTx::working_on`) before it sent anything:
    /// its lock goes with the first message, together with the case read when that comes
    /// first (see `Tx::case`).
    pub named: Option<ProgrammeKey>,
    /// The transaction will ask for the named programme's places and waiting list
    /// (`CaseTx::will_read_places`): they are read ahead with the case.
    pub read_places: bool,
    /// The transaction will add a case after looking up its dossier
    /// (`CaseTx::will_add_case`): its number is taken in the look-up's message.
    pub number_ahead: bool,
}

/// A programme in an organisation, owned (`ProgrammeIn` borrows): a lock a transaction holds,
/// the programme a statement told of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ProgrammeKey {
    pub program: String,
    pub org: Option<String>,
}

impl ProgrammeKey {
    pub fn of(at: ProgrammeIn<'_>) -> ProgrammeKey {
        ProgrammeKey {
            program: at.program.to_string(),
            org: at.org.map(str::to_string),
        }
    }

    /// Whether this is `at`.
    pub fn is(&self, at: ProgrammeIn<'_>) -> bool {
        self.program == at.program && self.org.as_deref() == at.org
    }
}

/// A programme's places held in an organisation and the end of its waiting list there, as one
/// statement told them, each to be taken once.
pub(crate) struct Told {
    pub at: ProgrammeKey,
    pub places: Option<i64>,
    /// The number a client joining the list takes, and their position.
    pub list_end: Option<(i64, i64)>,
    /// The first who waits, when read ahead with a case (see `Tx::case`).
    pub first: Option<Option<traject_cases::store::CaseRecord>>,
}

/// Dossier numbers of one programme and organisation looked up ahead: the first case of each,
/// if any (its number and stored referral), kept up to date with the cases added since.
pub(crate) struct Dossiers {
    pub program: String,
    pub org: Option<String>,
    pub known: HashMap<String, Option<(i64, String)>>,
}

impl Dossiers {
    /// The answer for `dossier` when it was looked up ahead in this scope.
    pub fn answer(
        &self,
        program: &str,
        org: Option<&str>,
        dossier: &str,
    ) -> Option<Option<(i64, String)>> {
        if self.program != program || self.org.as_deref() != org {
            return None;
        }
        self.known.get(dossier).cloned()
    }
}

impl Pending {
    /// Hold a row; `true` when enough are waiting that they should be sent now.
    pub fn hold(&mut self, kind: &'static RowKind, args: &[Value]) -> bool {
        debug_assert_eq!(args.len(), kind.width);
        self.waiting
            .entry(kind.rank)
            .or_insert_with(|| (kind, Vec::new()))
            .1
            .extend_from_slice(args);
        self.told = None;
        self.count += 1;
        self.count >= MAX_WAITING
    }

    /// Hold a single-row write `sql` whose answer nobody needs (it must not change what a
    /// waiting row depends on: the rows go first); `true` when enough wait that they should be
    /// sent now.
    pub fn hold_write(&mut self, sql: &'static str, args: &[Value]) -> bool {
        self.writes.push((sql, args.to_vec()));
        self.told = None;
        self.count += 1;
        self.count >= MAX_WAITING
    }

    /// The statements that write every waiting row and then every waiting write, in order;
    /// nothing waits afterwards.
    pub fn take_statements(&mut self) -> Vec<Outgoing> {
        self.count = 0;
        let mut out = Vec::new();
        for (_, (kind, values)) in std::mem::take(&mut self.waiting) {
            let per = (MAX_PARAMETERS / kind.width).max(1);
            for chunk in values.chunks(per * kind.width) {
                let rows = chunk.len() / kind.width;
                out.push(Outgoing {
                    sql: kind.insert(rows),
                    args: chunk.to_vec(),
                    one_row: kind.insert(1),
                    rows,
                });
            }
        }
        out.extend(
            std::mem::take(&mut self.writes)
                .into_iter()
                .map(|(sql, args)| Outgoing {
                    sql: sql.to_string(),
                    args,
                    one_row: sql.to_string(),
                    rows: 1,
                }),
        );
        out
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Case `id` was added: its dossier number, if looked up ahead, now has a case.
    pub fn note_dossier(&mut self, id: i64, c: &traject_cases::store::NewCase) {
        if let (Some(d), Some(dossier)) = (self.dossiers.as_mut(), c.dossier) {
            if d.program == c.program && d.org.as_deref() == c.org {
                d.known
                    .entry(dossier.to_string())
                    .or_insert(None)
                    .get_or_insert_with(|| (id, c.referral.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_rows_go_out_kind_by_kind_in_dependency_order() {
        let mut p = Pending::default();
        let event = vec![Value::Int(1); EVENT_ROW.width];
        let case = vec![Value::Int(2); CASE_ROW.width];
        const SAVE: &str = "UPDATE cases SET state = ?2 WHERE id = ?1";
        assert!(!p.hold_write(SAVE, &[Value::Int(2), Value::Text("active".into())]));
        assert!(!p.hold(&EVENT_ROW, &event));
        assert!(!p.hold(&CASE_ROW, &case));
        assert!(!p.hold(&EVENT_ROW, &event));
        let out = p.take_statements();
        assert_eq!(out.len(), 3);
        // The write held first goes last: the rows it might name go before it.
        assert_eq!((out[2].sql.as_str(), out[2].one_row.as_str()), (SAVE, SAVE));
        assert_eq!((out[2].args.len(), out[2].rows), (2, 1));
        assert!(out[0].sql.starts_with("INSERT INTO cases (id, "));
        assert_eq!((out[0].args.len(), out[0].rows), (CASE_ROW.width, 1));
        assert!(out[1].sql.starts_with("INSERT INTO events "));
        assert!(out[1]
            .sql
            .ends_with("(?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"));
        assert_eq!(out[1].args.len(), 2 * EVENT_ROW.width);
        assert_eq!(out[1].one_row, EVENT_ROW.insert(1));
        assert!(p.is_empty() && p.take_statements().is_empty());
    }

    #[test]
    fn a_large_batch_is_split_under_the_parameter_limit() {
        let mut p = Pending::default();
        let due = vec![Value::Int(1); DUE_ROW.width];
        let asked: Vec<bool> = (0..10_000).map(|_| p.hold(&DUE_ROW, &due)).collect();
        assert!(!asked[MAX_WAITING - 2] && asked[MAX_WAITING - 1]);
        let out = p.take_statements();
        let rows: usize = out.iter().map(|o| o.rows).sum();
        assert_eq!(rows, 10_000);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|o| o.args.len() <= MAX_PARAMETERS));
        assert_eq!(
            DUE_ROW.insert(1),
            "INSERT INTO due (case_id, evaluation, due_from, due_to) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"
        );
    }
}
