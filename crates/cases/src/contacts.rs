//! Contact moments: a worker records that they saw or spoke with a client — how (intake,
//! individual guidance, home visit, phone, group), for how long, and a short note for the
//! case's team. Each is an event of the case, in any state, on the day given; the note is
//! free text about the client and goes when the case's personal data is erased (after which
//! no contact is recorded any more).

use crate::event::{Appointed, ContactKind, Contacted, Event, EventKind};
use crate::store::{CaseRecord, CaseTx};
use crate::{load_on, CaseError, CaseStore, Ctx};

/// The longest contact recorded as one: a working day.
pub const MAX_CONTACT_MINUTES: u32 = 600;
/// The longest note: a few sentences, not a report (reports are documents of their own).
pub const MAX_NOTE_CHARS: usize = 500;

/// What a worker records about one contact.
#[derive(Debug, Clone)]
pub struct Contact {
    pub kind: ContactKind,
    pub minutes: u32,
    pub note: Option<String>,
}

/// Case `id`, to be changed on `ctx.on`, unless its client's personal data was erased.
fn not_erased(tx: &dyn CaseTx, id: i64, ctx: &Ctx) -> Result<CaseRecord, CaseError> {
    let c = load_on(tx, id, ctx)?;
    match tx.events(id, EventKind::Erased)?.first() {
        Some(erased) => Err(CaseError::ErasedCase {
            id,
            erased_on: erased.on,
        }),
        None => Ok(c),
    }
}

/// Record a contact with the client of case `id` on `ctx.on`; its event's number.
pub fn record_contact(
    store: &mut impl CaseStore,
    id: i64,
    contact: &Contact,
    ctx: &Ctx,
) -> Result<i64, CaseError> {
    if !(1..=MAX_CONTACT_MINUTES).contains(&contact.minutes) {
        return Err(CaseError::ContactMinutes {
            given: contact.minutes,
            max: MAX_CONTACT_MINUTES,
        });
    }
    let note = contact
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if let Some(n) = note {
        let chars = n.chars().count();
        if chars > MAX_NOTE_CHARS {
            return Err(CaseError::NoteTooLong {
                chars,
                max: MAX_NOTE_CHARS,
            });
        }
    }
    store.in_transaction(|tx| {
        let c = not_erased(tx, id, ctx)?;
        let event = Event::Contacted(Contacted {
            kind: contact.kind,
            minutes: contact.minutes,
            note: note.map(str::to_string),
            redacted: false,
        });
        Ok(tx.append(id, ctx.on, &event, &ctx.actor, &c.version_hash)?)
    })
}

/// Plan a contact with the client of case `id` (an appointment on `appointment.day`, today or
/// later): an event of the case, and an entry in its team's agenda.
pub fn plan_contact(
    store: &mut impl CaseStore,
    id: i64,
    appointment: &Appointed,
    ctx: &Ctx,
) -> Result<i64, CaseError> {
    if appointment.day < ctx.on {
        return Err(CaseError::AppointmentPast {
            day: appointment.day,
            today: ctx.on,
        });
    }
    if let Some(m) = appointment.minutes {
        if !(1..=MAX_CONTACT_MINUTES).contains(&m) {
            return Err(CaseError::ContactMinutes {
                given: m,
                max: MAX_CONTACT_MINUTES,
            });
        }
    }
    store.in_transaction(|tx| {
        let c = not_erased(tx, id, ctx)?;
        let event = Event::Appointed(appointment.clone());
        let seq = tx.append(id, ctx.on, &event, &ctx.actor, &c.version_hash)?;
        tx.add_appointment(id, appointment)?;
        Ok(seq)
    })
}
