//! Plain-text output of the command line: what a person reads in a terminal. JSON goes out as
//! serde gives it; the library renders the larger texts (summaries, reports, explanations).

use std::fmt::Write as _;

use traject::app::cases::{CaseView, CaseloadRow, Export};
use traject::app::programmes::{RolledOut, Validation};
use traject::engine::CaseState;
use traject::i18n::Lang;
use traject::sim::report::MmcReport;
use traject::store::{CaseRow, DueRow, EventRow};

use super::Done;

pub fn validation(v: &Validation) {
    for d in &v.missing {
        eprint!("{}", d.render(None));
    }
    for r in &v.files {
        if r.ok {
            let versions: Vec<String> = r
                .versions
                .iter()
                .map(|(id, h)| format!("{id} ({h})"))
                .collect();
            println!(
                "ok   {}: {} — versions {}",
                r.file,
                r.program.as_deref().unwrap_or(""),
                versions.join(", ")
            );
        } else {
            eprintln!("FAIL {}: {} problem(s)", r.file, r.diagnostics.len());
            eprint!("{}", r.rendered);
        }
    }
    let invalid = v.files.iter().filter(|r| !r.ok).count();
    println!(
        "{} file(s) checked, {} valid, {} invalid",
        v.files.len(),
        v.files.len() - invalid,
        invalid + v.missing.len()
    );
}

/// A progress bar on stderr, only when a person watches it.
pub fn progress(done: usize, total: usize) {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) || (done % 25 != 0 && done != total) {
        return;
    }
    let width = 30;
    let filled = done * width / total.max(1);
    eprint!(
        "\r  [{}{}] {done}/{total} runs",
        "#".repeat(filled),
        " ".repeat(width - filled)
    );
    if done == total {
        eprintln!();
    }
}

pub fn mmc_line(r: &MmcReport) -> String {
    let unstable = |x: Option<f64>| x.map_or("unstable".into(), |x| x.to_string());
    format!(
        "M/M/{}, λ={}/month, μ={}/month: mean wait {} days (Erlang C {}), P(wait) {} (Erlang C {}) over {} customers",
        r.servers,
        r.arrival_rate,
        r.service_rate,
        r.mean_wait_days,
        unstable(r.erlang_c_mean_wait_days),
        r.prob_wait,
        unstable(r.erlang_c_prob_wait),
        r.customers
    )
}

/// What `traject new` wrote, whether it validates, and the TODO list.
pub fn rolled_out(r: &RolledOut) -> Done {
    let tests = r
        .tests
        .as_ref()
        .map(|t| format!(" and {}", t.display()))
        .unwrap_or_default();
    println!("wrote {}{tests}", r.programme.display());
    if !r.check.ok {
        eprint!("{}", r.check.rendered);
        eprintln!("the new programme does not validate yet: fix the problems above");
        return Done::Failed;
    }
    println!("the new programme validates");
    println!("TODO, to decide locally:");
    for t in &r.todo {
        println!("  - {t}");
    }
    Done::Success
}

pub fn case_line(r: &CaseRow) {
    let pos = r.position.map(|p| format!(" #{p}")).unwrap_or_default();
    println!(
        "{:>6}  {:<10} {:<6} {:<12}{pos:<5} {:<18} referred {}",
        r.id, r.program, r.version, r.state, r.verdict, r.referral_date
    );
}

/// `case show`: the state explained, and what is due next.
pub fn case_view(view: &CaseView) -> String {
    let c = &view.case;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "case {} — {} version {} (hash {})",
        c.id, c.program, c.version, c.version_hash
    );
    let _ = writeln!(
        out,
        "  referred {} · eligibility verdict: {}",
        c.referral_date, c.verdict
    );
    let _ = writeln!(out, "  state: {}", state_text(c));
    let allowed = c.state.allowed_text();
    let _ = writeln!(
        out,
        "  allowed now: {}",
        if allowed.is_empty() {
            "nothing (finished)".to_string()
        } else {
            allowed.join(", ")
        }
    );
    if !view.schedule.is_empty() {
        let _ = writeln!(out, "  evaluation moments:");
        for (e, from, to, held) in &view.schedule {
            let when = if from == to {
                from.clone()
            } else {
                format!("{from} – {to}")
            };
            let status = held
                .as_ref()
                .map(|h| format!("held {h}"))
                .unwrap_or_else(|| "to do".into());
            let _ = writeln!(out, "    {e:<16} {when:<25} {status}");
        }
    }
    out
}

fn state_text(c: &CaseRow) -> String {
    let or_unknown = |x: &Option<String>| x.clone().unwrap_or_else(|| "?".into());
    match c.state {
        CaseState::Referred => "referred, not started yet".to_string(),
        CaseState::Waiting => format!("on the waiting list, position {}", c.position.unwrap_or(0)),
        CaseState::Active => format!(
            "active since {} on track {}{}",
            or_unknown(&c.started_on),
            c.track.as_deref().unwrap_or("—"),
            c.ends_on
                .as_deref()
                .map(|e| format!(", until {e}"))
                .unwrap_or_default()
        ),
        CaseState::Extended => format!("extended, until {}", or_unknown(&c.ends_on)),
        CaseState::Closed => format!("closed — destination {}", or_unknown(&c.outcome)),
        CaseState::Dropped => format!("dropped — reason {}", or_unknown(&c.outcome)),
        CaseState::NotStarted => format!("did not start — reason {}", or_unknown(&c.outcome)),
        CaseState::Paused => format!(
            "paused since {} (keeps its place; dates move on resuming)",
            c.updated_on
        ),
    }
}

/// The access-request document: what traject holds about the client, in `export.lang`.
pub fn export(x: &Export) -> String {
    let words = |nl, fr, en| in_lang(x.lang, nl, fr, en);
    let c = &x.case;
    let mut out = format!(
        "{} {} — {} {} {}\n",
        words("Dossier", "Dossier", "Case"),
        c.id,
        c.program,
        words("versie", "version", "version"),
        c.version
    );
    export_referral(&mut out, x);
    export_eligibility(&mut out, x);
    let _ = writeln!(out, "\n{}", words("Gebeurtenissen", "Événements", "Events"));
    for e in &x.events {
        let by = words("door", "par", "by");
        let (on, kind, actor) = (&e.on_date, &e.kind, &e.actor);
        let _ = writeln!(out, "  {on}  {kind:<10} {by} {actor}  {}", e.payload);
    }
    let heading = words(
        "Evaluatiemomenten",
        "Moments d'évaluation",
        "Evaluation moments",
    );
    let _ = writeln!(out, "\n{heading}");
    for (e, from, to, held) in &x.evaluations {
        let held = held.as_deref().unwrap_or("—");
        let word = words("gehouden", "tenu", "held");
        let _ = writeln!(out, "  {e:<16} {from} – {to}  {word}: {held}");
    }
    out
}

/// The same words in Dutch, French or English.
fn in_lang(lang: Lang, nl: &'static str, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::Fr => fr,
        _ => en,
    }
}

/// The referral's facts as stored, or that they were erased.
fn export_referral(out: &mut String, x: &Export) {
    let heading = in_lang(
        x.lang,
        "Gegevens van de doorverwijzing",
        "Données de l'orientation",
        "Referral data",
    );
    let _ = writeln!(out, "\n{heading}");
    match x.referral.as_object() {
        Some(fields) if !fields.contains_key("erased_on") => {
            for (k, v) in fields {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                let _ = writeln!(out, "  {k}: {v}");
            }
        }
        _ => {
            let _ = writeln!(out, "  {}", in_lang(x.lang, "gewist", "effacées", "erased"));
        }
    }
}

/// The eligibility check: verdict, then every rule with its outcome and source.
fn export_eligibility(out: &mut String, x: &Export) {
    let heading = in_lang(
        x.lang,
        "Toelating, criterium per criterium",
        "Admissibilité, critère par critère",
        "Eligibility, criterion by criterion",
    );
    let _ = writeln!(out, "\n{heading}");
    let Some(e) = &x.eligibility else {
        out.push_str("  —\n");
        return;
    };
    let _ = writeln!(out, "  {} · {}", e.verdict, e.version);
    for r in &e.rules {
        let mark = traject::rules::explain::mark(r.mode, r.outcome);
        let _ = writeln!(out, "  {mark:<8} {} ({}) · {}", r.label, r.id, r.source);
    }
}

pub fn event_line(e: &EventRow) {
    println!(
        "{:>3}  {}  {:<10} by {:<10} {}  [recorded {}, version {}]",
        e.seq, e.on_date, e.kind, e.actor, e.payload, e.recorded_at, e.version_hash
    );
}

pub fn due(rows: &[DueRow], on: chrono::NaiveDate) {
    for r in rows {
        let window = if r.due_from == r.due_to {
            r.due_from.clone()
        } else {
            format!("{} – {}", r.due_from, r.due_to)
        };
        println!(
            "{}  case {:>6}  {:<10} {:<16} {window}",
            if r.overdue { "OVERDUE" } else { "due    " },
            r.case_id,
            r.program,
            r.evaluation
        );
    }
    println!(
        "{} due, {} overdue on {on}",
        rows.iter().filter(|r| !r.overdue).count(),
        rows.iter().filter(|r| r.overdue).count()
    );
}

pub fn caseload_line(r: &CaseloadRow) {
    println!(
        "{:<12} version {:<6} capacity {:>6}  active {:>5}  waiting {:>5}",
        r.program,
        r.version,
        r.capacity.map_or("—".to_string(), |c| c.to_string()),
        r.active,
        r.waiting
    );
    for m in &r.modules {
        let group = m
            .group
            .as_deref()
            .map(|g| format!(" group {g}"))
            .unwrap_or_default();
        println!("    module {}{group}: {} enrolled", m.module, m.enrolled);
    }
}

/// A routed and enrolled cohort: each group with its cases, then who waits.
pub fn cohort(c: &traject::app::cases::Cohort) {
    println!(
        "{} version {}, module {}:",
        c.program, c.version, c.routing.module
    );
    for g in &c.routing.groups {
        println!("  {}: cases {}", g.id, g.members.join(", "));
    }
    if !c.waiting.is_empty() {
        let ids: Vec<String> = c.waiting.iter().map(i64::to_string).collect();
        println!(
            "  not placed (not enrolled, wait for a next group): {}",
            ids.join(", ")
        );
    }
    for n in &c.routing.notes {
        println!("  note: {n}");
    }
}
