//! A store looked at as a whole: rows per table, and the database's own integrity checks —
//! for copies, backups and the tests that check a change left nothing half done.

use std::collections::BTreeMap;

use crate::sql::{Dialect, Sql};
use crate::{Store, StoreError};

/// The tables of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Cases,
    Events,
    Due,
    Snapshots,
    Enrolments,
    Tombstones,
    Users,
    Sessions,
    LoginThrottle,
    RecoveryCodes,
    LoginRoundTrips,
    ProgrammeTexts,
    Audit,
}

impl Table {
    pub const ALL: [Table; 13] = [
        Table::Cases,
        Table::Events,
        Table::Due,
        Table::Snapshots,
        Table::Enrolments,
        Table::Tombstones,
        Table::Users,
        Table::Sessions,
        Table::LoginThrottle,
        Table::RecoveryCodes,
        Table::LoginRoundTrips,
        Table::ProgrammeTexts,
        Table::Audit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Cases => "cases",
            Table::Events => "events",
            Table::Due => "due",
            Table::Snapshots => "snapshots",
            Table::Enrolments => "enrolments",
            Table::Tombstones => "tombstones",
            Table::Users => "users",
            Table::Sessions => "sessions",
            Table::LoginThrottle => "login_throttle",
            Table::RecoveryCodes => "recovery_codes",
            Table::LoginRoundTrips => "login_round_trips",
            Table::ProgrammeTexts => "programme_texts",
            Table::Audit => "audit",
        }
    }
}

impl Store {
    /// Rows in `table`.
    pub fn count(&self, table: Table) -> Result<i64, StoreError> {
        self.one(&format!("SELECT COUNT(*) FROM {}", table.name()), &[])
    }

    /// What the database's own checks find wrong (empty when nothing): SQLite's
    /// `integrity_check` and `foreign_key_check` (PostgreSQL enforces both as it writes), and
    /// on both a number the store's triggers keep that differs from what it counts.
    pub fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let kept = self.waiting_count_problems()?;
        if self.dialect() == Dialect::Postgres {
            return Ok(kept);
        }
        let mut problems: Vec<String> = self
            .query_map("PRAGMA integrity_check", &[], |r| r.get(0))?
            .into_iter()
            .filter(|s: &String| s != "ok")
            .collect();
        let broken: Vec<(String, i64)> = self.query_map(
            "SELECT \"table\", rowid FROM pragma_foreign_key_check",
            &[],
            |r| Ok((r.get(0)?, r.get::<Option<i64>>(1)?.unwrap_or_default())),
        )?;
        problems.extend(
            broken
                .into_iter()
                .map(|(t, row)| format!("{t}: row {row} refers to a missing row")),
        );
        problems.extend(kept);
        Ok(problems)
    }

    /// Programmes (in an organisation) whose number of waiting clients, as the triggers keep
    /// it (`waiting_counts`), differs from a count of the cases that wait.
    fn waiting_count_problems(&self) -> Result<Vec<String>, StoreError> {
        self.query_map(
            "SELECT p.program, p.org, COALESCE(k.n, 0), COALESCE(c.n, 0) \
             FROM (SELECT program, org FROM waiting_counts \
                   UNION SELECT program, COALESCE(org, '') FROM cases) AS p \
             LEFT JOIN waiting_counts AS k ON k.program = p.program AND k.org = p.org \
             LEFT JOIN (SELECT program, COALESCE(org, '') AS org, COUNT(*) AS n FROM cases \
                        WHERE state = 'waiting' AND queue_seq IS NOT NULL \
                        GROUP BY program, COALESCE(org, '')) AS c \
                    ON c.program = p.program AND c.org = p.org \
             WHERE COALESCE(k.n, 0) <> COALESCE(c.n, 0) ORDER BY p.program, p.org",
            &[],
            |r| {
                let org: String = r.get(1)?;
                Ok(format!(
                    "waiting_counts: programme {}{} is kept at {} waiting, but {} wait",
                    r.get::<String>(0)?,
                    if org.is_empty() {
                        String::new()
                    } else {
                        format!(" of {org}")
                    },
                    r.get::<i64>(2)?,
                    r.get::<i64>(3)?
                ))
            },
        )
    }

    /// What is wrong with the event log's order (empty when nothing): each case's events are
    /// numbered without gaps, and their days never go back.
    pub fn event_order_problems(&self) -> Result<Vec<String>, StoreError> {
        let gaps: Vec<i64> = self.query_map(
            "SELECT case_id FROM events GROUP BY case_id \
             HAVING COUNT(*) <> MAX(seq) - MIN(seq) + 1 ORDER BY case_id",
            &[],
            |r| r.get(0),
        )?;
        let back: Vec<i64> = self.query_map(
            "SELECT DISTINCT a.case_id FROM events a JOIN events b \
             ON b.case_id = a.case_id AND b.seq = a.seq + 1 \
             WHERE b.on_date < a.on_date ORDER BY a.case_id",
            &[],
            |r| r.get(0),
        )?;
        Ok(gaps
            .into_iter()
            .map(|c| format!("case {c}: events are not numbered without gaps"))
            .chain(
                back.into_iter()
                    .map(|c| format!("case {c}: an event is dated before the one it follows")),
            )
            .collect())
    }

    /// Run `f` on one consistent view of the store (a read transaction: SQLite's snapshot in
    /// WAL mode, PostgreSQL's repeatable read), whatever others write meanwhile.
    pub fn in_snapshot<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let begin = match self.dialect() {
            Dialect::Sqlite => "BEGIN",
            Dialect::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        self.execute(begin, &[])?;
        // A read transaction takes its snapshot at the first read, not at BEGIN.
        self.one::<i64>("SELECT COUNT(*) FROM cases", &[])?;
        let result = f(self);
        let end = self.execute("COMMIT", &[]);
        let value = result?;
        end?;
        Ok(value)
    }

    /// Every table of the schema with its columns, as the database describes itself (names
    /// only, sorted): so that the SQLite and PostgreSQL migrations can be compared.
    pub fn columns(&self) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
        let pairs: Vec<(String, String)> = match self.dialect() {
            Dialect::Sqlite => self.query_map(
                "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
                &[],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?,
            Dialect::Postgres => self.query_map(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema()",
                &[],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?,
        };
        let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (table, column) in pairs {
            tables.entry(table).or_default().push(column);
        }
        tables.values_mut().for_each(|c| c.sort());
        Ok(tables)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sqlite_schema_holds_every_table_the_store_names() {
        let store = Store::in_memory().unwrap();
        let tables = store.columns().unwrap();
        for t in Table::ALL {
            assert!(
                tables.contains_key(t.name()),
                "{} missing: {tables:?}",
                t.name()
            );
        }
        assert!(tables["cases"].contains(&"state".to_string()));
    }
}
