//! An agenda as an iCalendar feed (RFC 5545) that calendar programs subscribe to: one
//! all-day event per evaluation window, from the day it opens to the day it closes, named by
//! the case's internal number and the moment's label in the user's language. Lines end in
//! CRLF and are folded at 75 octets; text is escaped; each event's UID stays the same from
//! one fetch to the next, so a calendar updates a moment instead of adding it again. Group
//! sessions come at their time (in UTC), named by module and group.

use chrono::{DateTime, NaiveDate, Utc};
use traject_app::calendar::{Agenda, AppointmentEntry, Entry, SessionEntry};
use traject_i18n::{say, Lang};

/// The feed of `agenda`, stamped `now`.
pub fn ics(agenda: &Agenda, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let title = say(
        agenda.lang,
        "traject — evaluaties",
        "traject — évaluations",
        "traject — evaluations",
    );
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//traject//agenda//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", text(title)),
    ] {
        push(&mut out, &line);
    }
    for e in &agenda.entries {
        event(&mut out, e, agenda.lang, &stamp);
    }
    for s in &agenda.sessions {
        session(&mut out, s, agenda.lang, &stamp);
    }
    for a in &agenda.appointments {
        appointment(&mut out, a, agenda.lang, &stamp);
    }
    push(&mut out, "END:VCALENDAR");
    out
}

fn event(out: &mut String, e: &Entry, lang: Lang, stamp: &str) {
    let case = say(lang, "Dossier", "Dossier", "Case");
    let summary = format!(
        "{case} {} — {}",
        e.case,
        e.label.first_of(&[lang, e.fallback])
    );
    let window = say(lang, "Venster", "Fenêtre", "Window");
    let late = if e.overdue {
        say(lang, " (te laat)", " (en retard)", " (overdue)")
    } else {
        ""
    };
    let description = format!(
        "{}: {window} {} – {}{late}",
        e.programme.first_of(&[lang, e.fallback]),
        traject_i18n::date(e.from, lang),
        traject_i18n::date(e.to, lang)
    );
    for line in [
        "BEGIN:VEVENT".to_string(),
        format!("UID:case-{}-{}@traject", e.case, text(&e.evaluation)),
        format!("DTSTAMP:{stamp}"),
        format!("DTSTART;VALUE=DATE:{}", day(e.from)),
        // The end of an all-day event is the day after its last.
        format!("DTEND;VALUE=DATE:{}", day(e.to.succ_opt().unwrap_or(e.to))),
        format!("SUMMARY:{}", text(&summary)),
        format!("DESCRIPTION:{}", text(&description)),
        "TRANSP:TRANSPARENT".to_string(),
        "END:VEVENT".to_string(),
    ] {
        push(out, &line);
    }
}

/// A group session: at its time when it has one (in UTC), else all day.
fn session(out: &mut String, s: &SessionEntry, lang: Lang, stamp: &str) {
    let word = say(lang, "Groepssessie", "Séance de groupe", "Group session");
    let summary = format!(
        "{word} — {} · {}",
        s.module.first_of(&[lang, s.fallback]),
        s.group
    );
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:session-{}@traject", s.id),
        format!("DTSTAMP:{stamp}"),
    ];
    lines.extend(times(s.on, s.starts, s.ends));
    lines.extend([
        format!("SUMMARY:{}", text(&summary)),
        format!(
            "DESCRIPTION:{}",
            text(s.programme.first_of(&[lang, s.fallback]))
        ),
        "END:VEVENT".to_string(),
    ]);
    for line in lines {
        push(out, &line);
    }
}

/// A planned contact: "Afspraak — Dossier 12 — huisbezoek", at its time when it has one.
fn appointment(out: &mut String, a: &AppointmentEntry, lang: Lang, stamp: &str) {
    let summary = format!(
        "{} — {} {} — {}",
        say(lang, "Afspraak", "Rendez-vous", "Appointment"),
        say(lang, "Dossier", "Dossier", "Case"),
        a.case,
        traject_i18n::vocabulary::term("contact_kind", a.kind.as_str(), lang)
            .unwrap_or(a.kind.as_str())
    );
    let at = a.at_minute.map_or("day".to_string(), |m| m.to_string());
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:appointment-{}-{}-{at}@traject", a.case, day(a.on)),
        format!("DTSTAMP:{stamp}"),
    ];
    lines.extend(times(a.on, a.starts, a.ends));
    lines.extend([
        format!("SUMMARY:{}", text(&summary)),
        "END:VEVENT".to_string(),
    ]);
    for line in lines {
        push(out, &line);
    }
}

/// DTSTART and DTEND of an event on `on`: at its moments (UTC) when it has a time, else the
/// whole day.
fn times(on: NaiveDate, starts: Option<DateTime<Utc>>, ends: Option<DateTime<Utc>>) -> Vec<String> {
    match starts {
        Some(t) => std::iter::once(format!("DTSTART:{}", moment(t)))
            .chain(ends.map(|e| format!("DTEND:{}", moment(e))))
            .collect(),
        None => vec![
            format!("DTSTART;VALUE=DATE:{}", day(on)),
            format!("DTEND;VALUE=DATE:{}", day(on.succ_opt().unwrap_or(on))),
        ],
    }
}

fn moment(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A TEXT value escaped (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded so that no line is longer than 75 octets (never inside a
/// character), ended by CRLF.
fn push(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character_and_text_is_escaped() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", text(&"é, ;".repeat(40)));
        push(&mut out, &line);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert!(line.contains("é\\, \\;"));
    }
}
