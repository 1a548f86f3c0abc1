//! Attendance at group sessions: for one session of a module's group, which participants
//! came, were excused or stayed away. Each mark is an event of the participant's case (dated
//! the day it was recorded; the session's own day is in the event) and the latest mark per
//! session and case is kept beside the sessions, so a correction replaces it. The whole group
//! is recorded in one transaction, or nothing when one mark is refused.

use chrono::NaiveDate;

use crate::event::{Attended, Event, Presence};
use crate::{load_on, CaseError, CaseStore, Ctx};

/// The session being recorded, as the store has it.
#[derive(Debug, Clone)]
pub struct SessionRef<'a> {
    pub id: i64,
    pub program: &'a str,
    pub module: &'a str,
    pub group: &'a str,
    pub on: NaiveDate,
    pub minutes: Option<u32>,
}

/// Record the marks of one session, each for a case that attends the session's group of its
/// module on the session's day.
pub fn record_attendance(
    store: &mut impl CaseStore,
    session: &SessionRef,
    marks: &[(i64, Presence)],
    ctx: &Ctx,
) -> Result<(), CaseError> {
    store.in_transaction(|tx| {
        for &(id, presence) in marks {
            let c = load_on(tx, id, ctx)?;
            let in_group = c.program == session.program
                && tx.in_group_on(id, session.module, session.group, session.on)?;
            if !in_group {
                return Err(CaseError::NotInGroup {
                    id,
                    module: session.module.to_string(),
                    group: session.group.to_string(),
                    on: session.on,
                });
            }
            let event = Event::Attended(Attended {
                session: session.id,
                module: session.module.to_string(),
                group: session.group.to_string(),
                presence,
                minutes: session.minutes,
            });
            tx.append(id, ctx.on, &event, &ctx.actor, &c.version_hash)?;
            tx.mark_attendance(session.id, id, presence)?;
        }
        Ok(())
    })
}
