//! The send log of reminder e-mails: one digest per user and day, whichever server (or
//! `traject remind`) gets to it first. A sender claims the user's day before sending and marks
//! it sent afterwards, with its audit line, in one transaction; a failed send gives the claim
//! back, so a later run tries again; a claim left by a sender that stopped mid-send is taken
//! over once it is older than the given moment.

use chrono::NaiveDate;

use crate::sql::{args, Sql};
use crate::users::{insert_audit, AuditRow};
use crate::{Store, StoreError};

impl Store {
    /// Claim `user`'s digest of `day` at `now` (seconds): true when this sender is to send it;
    /// false when it was sent, or another sender claimed it after `stale_before`.
    pub fn claim_reminder(
        &mut self,
        user: &str,
        day: NaiveDate,
        now: i64,
        stale_before: i64,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let claimed: Option<String> = tx.query_opt(
                "INSERT INTO reminders_sent (\"user\", day, state, claimed_at) VALUES (?1, ?2, 'sending', ?3) \
                 ON CONFLICT (\"user\", day) DO UPDATE SET claimed_at = excluded.claimed_at \
                 WHERE reminders_sent.state = 'sending' AND reminders_sent.claimed_at < ?4 RETURNING \"user\"",
                args![user, day, now, stale_before],
                |r| r.get(0),
            )?;
            Ok(claimed.is_some())
        })
    }

    /// Mark `user`'s digest of `day` sent, with its audit line.
    pub fn reminder_sent(
        &mut self,
        user: &str,
        day: NaiveDate,
        audit: &AuditRow,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE reminders_sent SET state = 'sent' WHERE \"user\" = ?1 AND day = ?2",
                args![user, day],
            )?;
            insert_audit(tx, audit)
        })
    }

    /// Give back the claim on `user`'s digest of `day` (its send failed).
    pub fn release_reminder(&mut self, user: &str, day: NaiveDate) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM reminders_sent WHERE \"user\" = ?1 AND day = ?2 AND state = 'sending'",
                args![user, day],
            )?;
            Ok(())
        })
    }

    /// Whether `user`'s digest of `day` was sent.
    pub fn reminder_was_sent(&self, user: &str, day: NaiveDate) -> Result<bool, StoreError> {
        let n: i64 = self.one(
            "SELECT COUNT(*) FROM reminders_sent WHERE \"user\" = ?1 AND day = ?2 AND state = 'sent'",
            args![user, day],
        )?;
        Ok(n > 0)
    }
}
