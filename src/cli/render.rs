//! Plain-text output of the command line: what a person reads in a terminal. JSON goes out as
//! serde gives it; the library renders the larger texts (summaries, reports, explanations).

use std::fmt::Write as _;

use serde::Serialize;
use traject_app::cases::{CaseView, CaseloadRow};
use traject_app::programmes::{FileResult, RolledOut, Validation};
use traject_cases::CaseState;
use traject_cases::EventRecord;
use traject_i18n::diagnostics::DiagnosticView;
use traject_i18n::{LabelIn, Lang};
use traject_sim::report::MmcReport;
use traject_store::{CaseRow, DueRow};

use super::{words, Done};

pub fn validation(v: &Validation, lang: Lang) {
    let say = |nl, fr, en| traject_i18n::say(lang, nl, fr, en);
    for d in &v.missing {
        eprint!("{}", words::diagnostic(d, None, lang));
    }
    for r in &v.files {
        if r.ok {
            let versions: Vec<String> = r
                .versions
                .iter()
                .map(|(id, h)| format!("{id} ({h})"))
                .collect();
            println!(
                "ok   {}: {} — {} {}",
                r.file,
                r.program.as_deref().unwrap_or(""),
                say("versies", "versions", "versions"),
                versions.join(", ")
            );
        } else {
            let n = r.diagnostics.len();
            let problems = match (lang, n) {
                (Lang::Nl, 1) => "1 probleem".to_string(),
                (Lang::Nl, n) => format!("{n} problemen"),
                (Lang::Fr, 1) => "1 problème".to_string(),
                (Lang::Fr, n) => format!("{n} problèmes"),
                (Lang::En, n) => format!("{n} problem(s)"),
            };
            let colon = say(":", "\u{a0}:", ":");
            eprintln!(
                "{} {}{colon} {problems}",
                say("FOUT", "ÉCHEC", "FAIL"),
                r.file
            );
            eprint!("{}", file_problems(r, lang));
        }
    }
    let invalid = v.files.iter().filter(|r| !r.ok).count();
    let (checked, valid, bad) = (
        v.files.len(),
        v.files.len() - invalid,
        invalid + v.missing.len(),
    );
    println!(
        "{}",
        match lang {
            Lang::Nl => format!("{checked} bestand(en) nagekeken, {valid} geldig, {bad} ongeldig"),
            Lang::Fr =>
                format!("{checked} fichier(s) vérifié(s), {valid} valide(s), {bad} invalide(s)"),
            Lang::En => format!("{checked} file(s) checked, {valid} valid, {bad} invalid"),
        }
    );
}

/// A file's problems with their source lines (a file that did not load).
pub fn file_problems(r: &FileResult, lang: Lang) -> String {
    r.error
        .as_ref()
        .map(|e| words::load_error(e, lang))
        .unwrap_or_default()
}

/// One programme file checked, as `--format json` shows it.
#[derive(Serialize)]
struct FileView<'a> {
    file: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    program: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    versions: &'a [(String, String)],
    diagnostics: Vec<DiagnosticView>,
}

/// Every file checked and the paths that named nothing, as `--format json` shows them.
#[derive(Serialize)]
pub struct ValidationView<'a> {
    ok: bool,
    files: Vec<FileView<'a>>,
    errors: Vec<DiagnosticView>,
}

pub fn validation_json(v: &Validation, lang: Lang) -> ValidationView<'_> {
    let views = |ds: &[traject_model::diag::Diagnostic]| {
        ds.iter().map(|d| words::view(d, lang)).collect::<Vec<_>>()
    };
    ValidationView {
        ok: v.ok,
        files: v
            .files
            .iter()
            .map(|r| FileView {
                file: &r.file,
                ok: r.ok,
                program: r.program.as_deref(),
                versions: &r.versions,
                diagnostics: views(&r.diagnostics),
            })
            .collect(),
        errors: views(&v.missing),
    }
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
pub fn rolled_out(r: &RolledOut, lang: Option<Lang>) -> Done {
    let lang = lang.unwrap_or(r.society_language);
    let say = |nl, fr, en| traject_i18n::say(lang, nl, fr, en);
    let tests = r
        .tests
        .as_ref()
        .map(|t| format!(" {} {}", say("en", "et", "and"), t.display()))
        .unwrap_or_default();
    println!(
        "{} {}{tests}",
        say("geschreven:", "écrit :", "wrote"),
        r.programme.display()
    );
    if !r.check.ok {
        eprint!("{}", file_problems(&r.check, lang));
        eprintln!(
            "{}",
            say(
                "het nieuwe programma is nog niet geldig: los de problemen hierboven op",
                "le nouveau programme n'est pas encore valide : corrigez les problèmes ci-dessus",
                "the new programme does not validate yet: fix the problems above"
            )
        );
        return Done::Failed;
    }
    println!(
        "{}",
        say(
            "het nieuwe programma is geldig",
            "le nouveau programme est valide",
            "the new programme validates"
        )
    );
    let mut out = format!(
        "{}\n",
        say(
            "TODO, lokaal te beslissen:",
            "TODO, à décider localement :",
            "TODO, to decide locally:"
        )
    );
    for t in &r.todo {
        out.push_str(&format!(
            "  - {}\n",
            traject_render::rollout::todo_text(t, lang)
        ));
    }
    print!("{}", traject_i18n::typography(&out, lang));
    Done::Success
}

/// How the command line speaks to a reader: their language, and the programmes' own labels
/// for evaluation moments, exits and tracks (loaded once per programme id).
pub struct Words {
    pub lang: Lang,
    programs: std::cell::RefCell<
        std::collections::HashMap<String, Option<traject_model::program::Program>>,
    >,
}

impl Words {
    /// `lang`, else the society language of `program` (when it loads), else English.
    pub fn new(lang: Option<Lang>, program: Option<&str>) -> Words {
        let w = Words {
            lang: lang.unwrap_or(Lang::En),
            programs: Default::default(),
        };
        match (lang, program) {
            (Some(_), _) | (None, None) => w,
            (None, Some(p)) => {
                let society = w.with_program(p, |p| p.spec.society_language);
                Words {
                    lang: society.unwrap_or(Lang::En),
                    ..w
                }
            }
        }
    }

    fn with_program<T>(
        &self,
        id: &str,
        f: impl FnOnce(&traject_model::program::Program) -> T,
    ) -> Option<T> {
        use traject_app::Programs;
        let mut cache = self.programs.borrow_mut();
        let entry = cache.entry(id.to_string()).or_insert_with(|| {
            traject_app::FilePrograms::here()
                .load(id, &traject_model::program::LoadOptions::default())
                .ok()
        });
        entry.as_ref().map(f)
    }

    pub fn say(&self, nl: &'static str, fr: &'static str, en: &'static str) -> &'static str {
        traject_i18n::say(self.lang, nl, fr, en)
    }

    /// A stored ISO date as the reader writes it.
    /// A day, day first in Dutch and French.
    pub fn day(&self, d: chrono::NaiveDate) -> String {
        traject_i18n::date(d, self.lang)
    }

    fn term(&self, list: &str, code: &str) -> String {
        traject_i18n::vocabulary::term(list, code, self.lang)
            .map_or_else(|| code.to_string(), str::to_string)
    }

    /// The label of an evaluation moment, an exit or a track of `program`, by its id.
    fn label(&self, program: &str, id: &str) -> String {
        let lang = self.lang;
        self.with_program(program, |p| {
            let society = p.spec.society_language;
            p.spec.versions.iter().rev().find_map(|v| {
                v.evaluations
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| e.label.get(lang, society).to_string())
                    .or_else(|| {
                        v.exits
                            .iter()
                            .find(|e| e.id == id)
                            .map(|e| e.label.get(lang, society).to_string())
                    })
                    .or_else(|| {
                        v.tracks
                            .iter()
                            .find(|t| t.id == id)
                            .map(|t| t.label.get(lang, society).to_string())
                    })
            })
        })
        .flatten()
        .unwrap_or_else(|| id.to_string())
    }

    fn program_name(&self, program: &str) -> String {
        let lang = self.lang;
        self.with_program(program, |p| {
            p.spec.name.get(lang, p.spec.society_language).to_string()
        })
        .unwrap_or_else(|| program.to_string())
    }

    /// Print `text` with the reader's typography.
    pub fn print(&self, text: &str) {
        print!("{}", traject_i18n::typography(text, self.lang));
    }
}

/// Rows printed one line each, in `lang` or the society language of `program` (else of the
/// first row's programme).
pub fn print_rows<T>(
    lang: Option<Lang>,
    program: Option<&str>,
    rows: &[T],
    program_of: impl Fn(&T) -> &str,
    line: impl Fn(&Words, &T) -> String,
) {
    let w = Words::new(lang, program.or(rows.first().map(&program_of)));
    let text: String = rows.iter().map(|r| line(&w, r)).collect();
    w.print(&text);
}

pub fn case_line(w: &Words, r: &CaseRow) -> String {
    let pos = r.position.map(|p| format!(" #{p}")).unwrap_or_default();
    let state = format!("{}{pos}", w.term("state", r.state.as_str()));
    format!(
        "{:>6}  {:<10} {:<6} {state:<19} {:<20} {} {}\n",
        r.id,
        r.program,
        r.version,
        w.term("verdict", r.verdict.as_str()),
        w.say("doorverwezen", "orienté le", "referred"),
        w.day(r.referral_date)
    )
}

/// `case show`: the state explained, and what is due next.
pub fn case_view(w: &Words, view: &CaseView) -> String {
    let c = &view.case;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} — {} {} {} (hash {})",
        w.say("dossier", "dossier", "case"),
        c.id,
        w.program_name(&c.program),
        w.say("versie", "version", "version"),
        c.version,
        c.version_hash
    );
    let _ = writeln!(
        out,
        "  {} {} · {}: {}",
        w.say("doorverwezen op", "orienté le", "referred"),
        w.day(c.referral_date),
        w.say(
            "besluit over de toelating",
            "décision d'admissibilité",
            "eligibility verdict"
        ),
        w.term("verdict", c.verdict.as_str())
    );
    let _ = writeln!(
        out,
        "  {}: {}",
        w.say("toestand", "état", "state"),
        state_text(w, c)
    );
    let allowed = if c.state.allowed().is_empty() {
        w.say("niets (afgelopen)", "rien (terminé)", "nothing (finished)")
            .to_string()
    } else {
        traject_i18n::catalogue::allowed_words(c.state, w.lang)
    };
    let _ = writeln!(
        out,
        "  {}: {allowed}",
        w.say("nu mogelijk", "possible maintenant", "allowed now"),
    );
    if !view.schedule.is_empty() {
        let _ = writeln!(
            out,
            "  {}:",
            w.say(
                "evaluatiemomenten",
                "moments d'évaluation",
                "evaluation moments"
            )
        );
        for d in &view.schedule {
            let (e, from, to) = (&d.evaluation, d.due_from, d.due_to);
            let when = if from == to {
                w.day(from)
            } else {
                format!("{} – {}", w.day(from), w.day(to))
            };
            let status = d
                .held_on
                .map(|h| format!("{} {}", w.say("gehouden op", "tenu le", "held"), w.day(h)))
                .unwrap_or_else(|| w.say("te doen", "à faire", "to do").into());
            let _ = writeln!(
                out,
                "    {:<34} {when:<25} {status}",
                w.label(&c.program, e)
            );
        }
    }
    out
}

fn state_text(w: &Words, c: &CaseRow) -> String {
    let or_unknown =
        |x: &Option<chrono::NaiveDate>| x.map_or_else(|| "?".to_string(), |d| w.day(d));
    let exit = |x: &Option<String>| {
        x.as_deref()
            .map_or_else(|| "?".to_string(), |o| w.label(&c.program, o))
    };
    match c.state {
        CaseState::Referred => w
            .say(
                "doorverwezen, nog niet gestart",
                "orienté, pas encore commencé",
                "referred, not started yet",
            )
            .to_string(),
        CaseState::Waiting => format!(
            "{} {}",
            w.say(
                "op de wachtlijst, plaats",
                "sur la liste d'attente, position",
                "on the waiting list, position"
            ),
            c.position.unwrap_or(0)
        ),
        CaseState::Active => format!(
            "{} {} {} {}{}",
            w.say("actief sinds", "actif depuis le", "active since"),
            or_unknown(&c.started_on),
            w.say("in traject", "dans le trajet", "on track"),
            c.track
                .as_deref()
                .map_or_else(|| "—".to_string(), |t| w.label(&c.program, t)),
            c.ends_on
                .map(|e| format!(", {} {}", w.say("tot", "jusqu'au", "until"), w.day(e)))
                .unwrap_or_default()
        ),
        CaseState::Extended => format!(
            "{} {}",
            w.say("verlengd tot", "prolongé jusqu'au", "extended, until"),
            or_unknown(&c.ends_on)
        ),
        CaseState::Closed => format!(
            "{} — {}",
            w.say("afgesloten", "clôturé", "closed"),
            exit(&c.outcome)
        ),
        CaseState::Dropped => format!(
            "{} — {}",
            w.say("uitgevallen", "abandon", "dropped"),
            exit(&c.outcome)
        ),
        CaseState::NotStarted => format!(
            "{} — {}",
            w.say("niet gestart", "non commencé", "did not start"),
            exit(&c.outcome)
        ),
        CaseState::Paused => format!(
            "{} {} ({})",
            w.say("gepauzeerd sinds", "en pause depuis le", "paused since"),
            w.day(c.updated_on),
            w.say(
                "houdt zijn plaats; de data schuiven op bij hervatten",
                "garde sa place ; les dates se décalent à la reprise",
                "keeps its place; dates move on resuming"
            )
        ),
    }
}

pub fn event_line(w: &Words, e: &EventRecord) -> String {
    format!(
        "{:>3}  {}  {:<10} {} {:<10} {}  [{} {}, {} {}]\n",
        e.seq,
        w.day(e.on_date),
        traject_i18n::vocabulary::term("event", e.event.kind().as_str(), w.lang)
            .unwrap_or(e.event.kind().as_str()),
        w.say("door", "par", "by"),
        e.actor,
        traject_i18n::events::details(&e.event.details(), w.lang),
        w.say("opgeslagen", "enregistré", "recorded"),
        e.recorded_at,
        w.say("versie", "version", "version"),
        e.version_hash
    )
}

pub fn due(w: &Words, rows: &[DueRow], on: chrono::NaiveDate) -> String {
    let mut out = String::new();
    for r in rows {
        let window = if r.due_from == r.due_to {
            w.day(r.due_from)
        } else {
            format!("{} – {}", w.day(r.due_from), w.day(r.due_to))
        };
        let _ = writeln!(
            out,
            "{:<11}  {} {:>6}  {:<10} {:<34} {window}",
            if r.overdue {
                w.say("TE LAAT", "EN RETARD", "OVERDUE")
            } else {
                w.say("te doen", "à faire", "due")
            },
            w.say("dossier", "dossier", "case"),
            r.case_id,
            r.program,
            w.label(&r.program, &r.evaluation)
        );
    }
    let (due, late) = (
        rows.iter().filter(|r| !r.overdue).count(),
        rows.iter().filter(|r| r.overdue).count(),
    );
    let _ = writeln!(
        out,
        "{due} {}, {late} {} {} {}",
        w.say("te doen", "à faire", "due"),
        w.say("te laat", "en retard", "overdue"),
        w.say("op", "le", "on"),
        traject_i18n::date(on, w.lang)
    );
    out
}

pub fn caseload_line(w: &Words, r: &CaseloadRow) -> String {
    let mut out = format!(
        "{:<16} {} {:<6} {} {:>6}  {} {:>5}  {} {:>5}\n",
        w.program_name(&r.program),
        w.say("versie", "version", "version"),
        r.version,
        w.say("capaciteit", "capacité", "capacity"),
        r.capacity.map_or("—".to_string(), |c| c.to_string()),
        w.say("actief", "actifs", "active"),
        r.active,
        w.say("wachtend", "en attente", "waiting"),
        r.waiting
    );
    for m in &r.modules {
        let group = m
            .group
            .as_deref()
            .map(|g| format!(" {} {g}", w.say("groep", "groupe", "group")))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    module {}{group}: {} {}",
            m.module,
            m.enrolled,
            w.say("ingeschreven", "inscrits", "enrolled")
        );
    }
    out
}

/// A routed and enrolled cohort: each group with its cases, then who waits.
pub fn cohort(c: &traject_app::cases::Cohort, lang: Lang) {
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
        println!("  note: {}", traject_i18n::catalogue::routing_note(n, lang));
    }
}
