//! The access export (GDPR art. 15) as the client reads it: the referral's facts by their
//! names, the eligibility check rule by rule, every event in words, the evaluation moments by
//! their names, who read the file, the erasure date, the client's rights and the programme
//! text the case was judged under. One view in the reader's language, written as JSON (the
//! stored values kept beside the words), plain text or HTML.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use traject_app::cases::{Export, Reader};
use traject_cases::records::CaseRow;
use traject_cases::store::Due;
use traject_cases::EventRecord;
use traject_i18n::{colon, say, LabelIn, Lang};
use traject_model::text::Label;

use crate::explain::{
    mark, mode_words, source_words, value_in_words, view_in, ExplanationView, RuleView,
};

/// One fact of the referral: the field's name in words and its value as written.
#[derive(Debug, Serialize)]
pub struct Fact {
    pub field: String,
    pub name: String,
    pub value: String,
}

/// One event: the stored record and what it says in words.
#[derive(Debug, Serialize)]
pub struct EventLine<'a> {
    #[serde(flatten)]
    pub record: &'a EventRecord,
    pub in_words: String,
}

/// One evaluation moment with its name.
#[derive(Debug, Serialize)]
pub struct Moment<'a> {
    #[serde(flatten)]
    pub due: &'a Due,
    pub name: String,
}

/// The access export in one language.
#[derive(Debug, Serialize)]
pub struct AccessView<'a> {
    pub lang: Lang,
    pub case: &'a CaseRow,
    pub program_name: String,
    pub referral: &'a serde_json::Value,
    /// The referral's facts by name; empty once erased.
    pub facts: Vec<Fact>,
    pub erased: bool,
    pub eligibility: Option<ExplanationView>,
    pub events: Vec<EventLine<'a>>,
    pub evaluations: Vec<Moment<'a>>,
    pub readers: &'a [Reader],
    pub erase_on: Option<chrono::NaiveDate>,
    pub rights: Vec<&'static str>,
    pub programme_text: Option<&'a str>,
}

/// The export `x` in `lang`.
pub fn view(x: &Export, lang: Lang) -> AccessView<'_> {
    let fallback = Lang::En;
    let erased = x
        .referral
        .as_object()
        .is_none_or(|f| f.contains_key("erased_on"));
    let facts = match x.referral.as_object() {
        Some(fields) if !erased => fields
            .iter()
            .map(|(k, v)| Fact {
                field: k.clone(),
                name: traject_i18n::vocabulary::field_label(k, lang),
                value: fact_value(k, v, lang),
            })
            .collect(),
        _ => Vec::new(),
    };
    let name_of = |id: &str| {
        x.labels
            .get(id)
            .map_or_else(|| id.to_string(), |l| l.get(lang, fallback).to_string())
    };
    AccessView {
        lang,
        case: &x.case,
        program_name: x.program_name.get(lang, fallback).to_string(),
        referral: &x.referral,
        facts,
        erased,
        eligibility: x.eligibility.as_ref().map(|e| view_in(e, lang, lang)),
        events: x
            .events
            .iter()
            .map(|e| EventLine {
                record: e,
                in_words: event_words(e, &x.labels, lang),
            })
            .collect(),
        evaluations: x
            .evaluations
            .iter()
            .map(|d| Moment {
                due: d,
                name: name_of(&d.evaluation),
            })
            .collect(),
        readers: &x.readers,
        erase_on: x.erase_on,
        rights: RIGHTS
            .iter()
            .map(|(nl, fr, en)| say(lang, *nl, *fr, *en))
            .collect(),
        programme_text: x.programme_text.as_deref(),
    }
}

/// A referral value as a person reads it: codes by their labels, dates day first.
fn fact_value(field: &str, v: &serde_json::Value, lang: Lang) -> String {
    match v {
        serde_json::Value::String(s) => {
            if let Ok(d) = s.parse::<chrono::NaiveDate>() {
                traject_i18n::date(d, lang)
            } else {
                traject_i18n::vocabulary::field_value_label(field, s, lang)
            }
        }
        serde_json::Value::Bool(true) => say(lang, "ja", "oui", "yes").to_string(),
        serde_json::Value::Bool(false) => say(lang, "nee", "non", "no").to_string(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| fact_value(field, i, lang))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// "gestart door an — traject: Lang traject" — the kind, the actor and the details, with the
/// programme's ids replaced by their labels.
fn event_words(e: &EventRecord, labels: &BTreeMap<String, Label>, lang: Lang) -> String {
    let kind = e.event.kind().as_str();
    let kind = traject_i18n::vocabulary::term("event", kind, lang).unwrap_or(kind);
    let details = details_in_words(e, labels, lang);
    let by = say(lang, "door", "par", "by");
    if details.is_empty() {
        format!("{kind} {by} {}", e.actor)
    } else {
        format!("{kind} {by} {} — {details}", e.actor)
    }
}

/// What an event recorded, in words, the programme's ids by their labels.
pub fn details_in_words(e: &EventRecord, labels: &BTreeMap<String, Label>, lang: Lang) -> String {
    payload_in_words(&e.event.details(), labels, lang)
}

/// Details stored as JSON (an event's, or a result shaped like one), with the programme's ids
/// by their labels, in words.
pub fn payload_in_words(
    payload: &serde_json::Value,
    labels: &BTreeMap<String, Label>,
    lang: Lang,
) -> String {
    let mut details = payload.clone();
    relabel(&mut details, labels, lang);
    traject_i18n::events::details(&details, lang)
}

/// Replace every string that is a programme id by its label, in place.
fn relabel(v: &mut serde_json::Value, labels: &BTreeMap<String, Label>, lang: Lang) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(l) = labels.get(s.as_str()) {
                *s = l.get(lang, Lang::En).to_string();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| relabel(i, labels, lang)),
        serde_json::Value::Object(m) => m.values_mut().for_each(|i| relabel(i, labels, lang)),
        _ => {}
    }
}

/// The client's rights under the GDPR (arts. 15–21, 77), as the export states them.
const RIGHTS: [(&str, &str, &str); 6] = [
    (
        "inzage in uw gegevens (dit document)",
        "accès à vos données (ce document)",
        "access to your data (this document)",
    ),
    (
        "verbetering van onjuiste gegevens",
        "rectification des données inexactes",
        "rectification of inaccurate data",
    ),
    (
        "wissing van uw gegevens",
        "effacement de vos données",
        "erasure of your data",
    ),
    (
        "beperking van de verwerking",
        "limitation du traitement",
        "restriction of processing",
    ),
    (
        "bezwaar tegen de verwerking",
        "opposition au traitement",
        "objection to processing",
    ),
    (
        "klacht bij de Gegevensbeschermingsautoriteit",
        "plainte auprès de l'Autorité de protection des données",
        "a complaint to the Data Protection Authority",
    ),
];

/// The headings of the export, in the reader's language.
struct Headings {
    referral: &'static str,
    eligibility: &'static str,
    events: &'static str,
    evaluations: &'static str,
    readers: &'static str,
    retention: &'static str,
    rights: &'static str,
    programme_text: &'static str,
}

fn headings(lang: Lang) -> Headings {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    Headings {
        referral: w(
            "Gegevens van de doorverwijzing",
            "Données de l'orientation",
            "Referral data",
        ),
        eligibility: w(
            "Toelating, criterium per criterium",
            "Admissibilité, critère par critère",
            "Eligibility, criterion by criterion",
        ),
        events: w("Gebeurtenissen", "Événements", "Events"),
        evaluations: w(
            "Evaluatiemomenten",
            "Moments d'évaluation",
            "Evaluation moments",
        ),
        readers: w(
            "Wie het dossier las, exporteerde of wijzigde",
            "Qui a lu, exporté ou modifié le dossier",
            "Who read, exported or changed the file",
        ),
        retention: w("Bewaring", "Conservation", "Retention"),
        rights: w("Uw rechten", "Vos droits", "Your rights"),
        programme_text: w(
            "Programmatekst waaronder het dossier beoordeeld werd",
            "Texte du programme sous lequel le dossier a été évalué",
            "Programme text the case was judged under",
        ),
    }
}

/// "Dossier 3 (D-1) — AMIE, versie 2022".
pub fn title(v: &AccessView, lang: Lang) -> String {
    let dossier = v
        .referral
        .get("id")
        .and_then(|d| d.as_str())
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    format!(
        "{} {}{dossier} — {}, {} {}",
        say(lang, "Dossier", "Dossier", "Case"),
        v.case.id,
        v.program_name,
        say(lang, "versie", "version", "version"),
        v.case.version
    )
}

fn retention_line(v: &AccessView) -> String {
    let lang = v.lang;
    match v.erase_on {
        Some(day) => format!(
            "{} {}",
            say(
                lang,
                "de persoonsgegevens worden gewist op",
                "les données personnelles seront effacées le",
                "the personal data is erased on"
            ),
            traject_i18n::date(day, lang)
        ),
        None => say(
            lang,
            "geen wisdatum (gewist, of het dossier loopt nog zonder regel)",
            "pas de date d'effacement (effacé, ou dossier en cours sans règle)",
            "no erasure date (erased, or an open case without a rule)",
        )
        .to_string(),
    }
}

/// "✓ Adult (18 or older) · source 000:25", with the mode, the value and the exception that
/// applied in words.
fn rule_line(r: &RuleView, lang: Lang) -> String {
    let mode = mode_words(r.mode, lang)
        .map(|m| format!(" [{m}]"))
        .unwrap_or_default();
    let value = r
        .value
        .as_deref()
        .map(|v| format!(" · {}", value_in_words(v, &r.field, lang)))
        .unwrap_or_default();
    let exception = r
        .exception
        .as_ref()
        .map(|x| format!(" · {} ({})", x.label, source_words(&x.source, lang)))
        .unwrap_or_default();
    format!(
        "{} {}{mode}{value}{exception} · {} {}",
        mark(r.mode, r.outcome),
        r.label,
        say(lang, "bron", "source", "source"),
        source_words(&r.source, lang)
    )
}

fn erased_word(lang: Lang) -> &'static str {
    say(lang, "gewist", "effacées", "erased")
}

fn held_line(m: &Moment, lang: Lang) -> String {
    let held = m
        .due
        .held_on
        .map_or_else(|| "—".to_string(), |h| traject_i18n::date(h, lang));
    format!(
        "{} – {}, {}{}{held}",
        traject_i18n::date(m.due.due_from, lang),
        traject_i18n::date(m.due.due_to, lang),
        say(lang, "gehouden", "tenu", "held"),
        colon(lang)
    )
}

/// "05/12/2026 22:42 UTC — an (coördinator): read".
fn reader_line(r: &Reader, lang: Lang) -> String {
    let at = chrono::DateTime::parse_from_rfc3339(&r.at).map_or_else(
        |_| r.at.clone(),
        |t| {
            let t = t.with_timezone(&chrono::Utc);
            format!(
                "{} {} UTC",
                traject_i18n::date(t.date_naive(), lang),
                t.format("%H:%M")
            )
        },
    );
    let command_line = traject_app::Role::CommandLine;
    let role = traject_app::Role::parse(&r.role)
        .or((r.role == command_line.as_str()).then_some(command_line))
        .map_or(r.role.as_str(), |role| {
            traject_i18n::catalogue::role_word(role, lang)
        });
    format!("{at} — {} ({role}){}{}", r.actor, colon(lang), r.action)
}

/// The verdict by its word.
fn verdict_word(code: &str, lang: Lang) -> &str {
    traject_i18n::vocabulary::term("verdict", code, lang).unwrap_or(code)
}

/// The export as plain text.
pub fn text(v: &AccessView) -> String {
    let lang = v.lang;
    let h = headings(lang);
    let mut out = format!("{}\n", title(v, lang));
    let _ = writeln!(out, "\n{}", h.referral);
    if v.erased {
        let _ = writeln!(out, "  {}", erased_word(lang));
    }
    for f in &v.facts {
        let _ = writeln!(out, "  {}{}{}", f.name, colon(lang), f.value);
    }
    let _ = writeln!(out, "\n{}", h.eligibility);
    match &v.eligibility {
        Some(e) => {
            let _ = writeln!(out, "  {} · {}", verdict_word(e.verdict, lang), e.version);
            for r in &e.rules {
                let _ = writeln!(out, "  {}", rule_line(r, lang));
            }
        }
        None => out.push_str("  —\n"),
    }
    let _ = writeln!(out, "\n{}", h.events);
    for e in &v.events {
        let day = traject_i18n::date(e.record.on_date, lang);
        let _ = writeln!(out, "  {day}  {}", e.in_words);
    }
    let _ = writeln!(out, "\n{}", h.evaluations);
    for m in &v.evaluations {
        let _ = writeln!(out, "  {}{}{}", m.name, colon(lang), held_line(m, lang));
    }
    let _ = writeln!(out, "\n{}", h.readers);
    for r in v.readers {
        let _ = writeln!(out, "  {}", reader_line(r, lang));
    }
    let _ = writeln!(out, "\n{}\n  {}", h.retention, retention_line(v));
    let _ = writeln!(out, "\n{}", h.rights);
    for r in &v.rights {
        let _ = writeln!(out, "  - {r}");
    }
    let _ = writeln!(out, "\n{}", h.programme_text);
    match v.programme_text {
        Some(t) => t.lines().for_each(|l| {
            let _ = writeln!(out, "  | {l}");
        }),
        None => out.push_str("  —\n"),
    }
    out
}

/// The export as an HTML fragment (an `article`), for the web page and `--format html`.
pub fn html(v: &AccessView) -> String {
    let lang = v.lang;
    let h = headings(lang);
    let e = crate::escape_html;
    let mut out = format!(
        "<article class=\"access\">\n<h2>{}</h2>\n",
        e(&title(v, lang))
    );
    let _ = writeln!(out, "<h3>{}</h3>", e(h.referral));
    if v.erased {
        let _ = writeln!(out, "<p>{}</p>", e(erased_word(lang)));
    } else {
        out.push_str("<dl>\n");
        for f in &v.facts {
            let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", e(&f.name), e(&f.value));
        }
        out.push_str("</dl>\n");
    }
    let _ = writeln!(out, "<h3>{}</h3>", e(h.eligibility));
    match &v.eligibility {
        Some(x) => {
            let verdict = verdict_word(x.verdict, lang);
            let _ = writeln!(out, "<p>{} · {}</p>\n<ul>", e(verdict), e(&x.version));
            for r in &x.rules {
                let _ = writeln!(out, "<li>{}</li>", e(&rule_line(r, lang)));
            }
            out.push_str("</ul>\n");
        }
        None => out.push_str("<p>—</p>\n"),
    }
    let _ = writeln!(out, "<h3>{}</h3>\n<ol>", e(h.events));
    for ev in &v.events {
        let day = traject_i18n::date(ev.record.on_date, lang);
        let _ = writeln!(out, "<li>{} — {}</li>", e(&day), e(&ev.in_words));
    }
    let _ = writeln!(out, "</ol>\n<h3>{}</h3>\n<ul>", e(h.evaluations));
    for m in &v.evaluations {
        let line = format!("{}{}{}", m.name, colon(lang), held_line(m, lang));
        let _ = writeln!(out, "<li>{}</li>", e(&line));
    }
    let _ = writeln!(out, "</ul>\n<h3>{}</h3>\n<ul>", e(h.readers));
    for r in v.readers {
        let _ = writeln!(out, "<li>{}</li>", e(&reader_line(r, lang)));
    }
    let _ = writeln!(
        out,
        "</ul>\n<h3>{}</h3>\n<p>{}</p>\n<h3>{}</h3>\n<ul>",
        e(h.retention),
        e(&retention_line(v)),
        e(h.rights)
    );
    for r in &v.rights {
        let _ = writeln!(out, "<li>{}</li>", e(r));
    }
    let _ = writeln!(out, "</ul>\n<h3>{}</h3>", e(h.programme_text));
    match v.programme_text {
        Some(t) => {
            let _ = writeln!(out, "<pre>{}</pre>", e(t));
        }
        None => out.push_str("<p>—</p>\n"),
    }
    out.push_str("</article>\n");
    out
}

/// A stand-alone HTML page holding `articles` (one per case of the person).
pub fn page(title: &str, articles: &[String], lang: Lang) -> String {
    let e = crate::escape_html;
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body><main>\n<h1>{}</h1>\n{}</main></body></html>\n",
        lang.code(),
        e(title),
        e(title),
        articles.concat()
    )
}
