//! A semantic difference between programme versions as people read it: per rule, module or
//! evaluation the changed facts by their names in the reader's language, values by their
//! labels, and what the later version declares as its reason.

use serde_json::Value;

use traject_i18n::{field_label, number, ui, value_label, Key, LabelIn, Lang};
use traject_model::program::model::Schedule;
use traject_rollout::diff::Diff;

use crate::words;

/// (key, nl, fr, en): the names of the facts a diff shows.
const FACTS: &[(&str, &str, &str, &str)] = &[
    ("mode", "toepassing", "portée", "mode"),
    ("test", "toets", "critère", "test"),
    ("kind", "soort", "type", "kind"),
    ("field", "gegeven", "donnée", "fact"),
    ("value", "waarde", "valeur", "value"),
    ("any_of", "een van", "l'un de", "any of"),
    ("all_of", "alle", "tous", "all of"),
    ("exceptions", "uitzonderingen", "exceptions", "exceptions"),
    ("duration", "duur", "durée", "duration"),
    ("extendable", "verlengbaar", "prolongeable", "extendable"),
    ("extension", "verlenging", "prolongation", "extension"),
    ("modules", "modules", "modules", "modules"),
    ("after", "na", "après", "after"),
    ("gate", "voorwaarde", "condition", "gate"),
    ("optional", "facultatief", "facultatif", "optional"),
    (
        "before_start",
        "vóór de start",
        "avant le démarrage",
        "before the start",
    ),
    ("delivery_language", "taal", "langue", "language"),
    ("entry", "instap", "entrée", "entry"),
    ("schedule", "ritme", "rythme", "schedule"),
    (
        "group_size",
        "groepsgrootte",
        "taille des groupes",
        "group size",
    ),
    (
        "staff_per_group",
        "begeleiders per groep",
        "encadrants par groupe",
        "staff per group",
    ),
    (
        "routing",
        "groepsindeling",
        "répartition en groupes",
        "routing",
    ),
    ("interpretation", "tolken", "interprétation", "interpreting"),
    ("on_request", "op vraag", "sur demande", "on request"),
    ("mandatory", "verplicht", "obligatoire", "mandatory"),
    ("phases", "fasen", "phases", "phases"),
    ("partners", "partners", "partenaires", "partners"),
    ("anchor", "vanaf", "à partir de", "from"),
    ("module", "module", "module", "module"),
    ("at", "na", "après", "at"),
    ("window", "tussen", "entre", "between"),
    ("every", "om de", "tous les", "every"),
    ("tracks", "trajecten", "trajets", "tracks"),
    ("instrument", "instrument", "instrument", "instrument"),
    ("decisions", "beslissingen", "décisions", "decisions"),
    ("participants", "deelnemers", "participants", "participants"),
    ("fte", "VTE", "ETP", "FTE"),
    ("fte_from", "VTE vanaf", "ETP à partir du", "FTE from"),
    ("persons", "personen", "personnes", "persons"),
    (
        "counts_for_caseload",
        "telt voor de caseload",
        "compte pour la charge",
        "counts for the caseload",
    ),
    ("funded_by", "betaald door", "payé par", "paid by"),
    ("eligible_if", "enkel voor", "uniquement pour", "only for"),
    ("shares", "verdeling", "répartition", "shares"),
    (
        "caseload_per_fte",
        "cliënten per VTE",
        "clients par ETP",
        "clients per FTE",
    ),
    ("capacity", "capaciteit", "capacité", "capacity"),
    ("total", "totaal", "total", "total"),
    (
        "waiting_list",
        "wachtlijst",
        "liste d'attente",
        "waiting list",
    ),
    ("ocmw", "OCMW", "CPAS", "OCMW"),
    (
        "society_language",
        "taal van de samenleving",
        "langue de la société",
        "society language",
    ),
    ("times", "keer", "fois", "times"),
    ("per", "per", "par", "per"),
    ("session", "sessie", "séance", "session"),
    ("period", "periode", "période", "period"),
    ("min", "minimum", "minimum", "minimum"),
    ("max", "maximum", "maximum", "maximum"),
    ("from", "van", "de", "from"),
    ("to", "tot", "à", "to"),
    ("script", "script", "script", "script"),
    ("params", "instellingen", "paramètres", "settings"),
    ("evaluation", "evaluatie", "évaluation", "evaluation"),
    ("decision", "beslissing", "décision", "decision"),
    ("funder", "financier", "financeur", "funder"),
    ("percent", "procent", "pour cent", "percent"),
];

/// (rule kind, nl, fr, en): what a rule's `value` is, by the rule's kind.
const RULE_VALUES: &[(&str, &str, &str, &str)] = &[
    ("min_age", "minimumleeftijd", "âge minimum", "minimum age"),
    ("max_age", "maximumleeftijd", "âge maximum", "maximum age"),
    (
        "nationality_in",
        "nationaliteiten",
        "nationalités",
        "nationalities",
    ),
    (
        "nationality_not_in",
        "uitgesloten nationaliteiten",
        "nationalités exclues",
        "excluded nationalities",
    ),
    (
        "residence_status_in",
        "aanvaard verblijfsstatuut",
        "statuts de séjour acceptés",
        "accepted residence status",
    ),
    (
        "residence_ocmw_in",
        "OCMW van verblijf",
        "CPAS de résidence",
        "OCMW of residence",
    ),
    (
        "income_support_in",
        "aanvaard inkomen",
        "revenus acceptés",
        "accepted income",
    ),
    (
        "language_level_at_least",
        "minimumtaalniveau",
        "niveau de langue minimum",
        "minimum language level",
    ),
    (
        "language_level_at_most",
        "maximumtaalniveau",
        "niveau de langue maximum",
        "maximum language level",
    ),
    (
        "education_in",
        "opleidingsniveaus",
        "niveaux d'études",
        "education levels",
    ),
    ("expr", "uitdrukking", "expression", "expression"),
    ("script", "script", "script", "script"),
];

fn pick(
    table: &[(&str, &'static str, &'static str, &'static str)],
    key: &str,
    lang: Lang,
) -> Option<&'static str> {
    table.iter().find(|t| t.0 == key).map(|t| match lang {
        Lang::Nl => t.1,
        Lang::Fr => t.2,
        Lang::En => t.3,
    })
}

fn fact_name(key: &str, kind: Option<&str>, section: &str, lang: Lang) -> String {
    if key == "value" {
        if let Some(name) = kind.and_then(|k| pick(RULE_VALUES, k, lang)) {
            return name.to_string();
        }
    }
    if key == "kind" && section == "eligibility" {
        return pick(FACTS, "test", lang).unwrap_or("test").to_string();
    }
    pick(FACTS, key, lang).map_or_else(|| key.replace('_', " "), str::to_string)
}

/// The vocabulary list a fact's codes come from, by the fact and the section it is in.
fn term_list(key: &str, section: &str) -> Option<&'static str> {
    Some(match (key, section) {
        ("mode", _) => "mode",
        ("kind", "eligibility") => "rule_kind",
        ("kind", "modules") => "module_kind",
        ("kind", "exits") => "exit_kind",
        ("kind", "funders") => "funder_kind",
        ("kind", "pathway") => "pathway_kind",
        ("entry", _) => "entry",
        ("anchor", _) => "anchor",
        ("instrument", _) => "instrument",
        ("decisions", _) | ("decision", _) => "decision",
        ("participants", _) => "participant",
        ("delivery_language", _) => "delivery_language",
        ("waiting_list", _) => "waiting_list",
        ("period", _) => "period",
        ("category", _) => "split_category",
        _ => return None,
    })
}

/// A named fact's value in words: codes by the label of their list, durations and schedules
/// in the reader's units, a referral field by its name, anything else as `words`.
fn fact_words(key: &str, v: &Value, section: &str, lang: Lang) -> String {
    let each = |f: &dyn Fn(&str) -> String| match v {
        Value::String(x) => f(x),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| words(x, section, lang), f))
            .collect::<Vec<_>>()
            .join(", "),
        other => words(other, section, lang),
    };
    if let Some(list) = term_list(key, section) {
        return each(&|code| words::term_or_code(list, code, lang));
    }
    match key {
        // Ids of the programme's own modules, tracks, steps and funders: shown as written.
        "modules" | "after" | "tracks" | "module" | "funded_by" | "funder" => {
            each(&|id| id.to_string())
        }
        "field" => each(&|f| field_label(f, lang)),
        "duration" | "at" | "every" | "extension" | "session" | "max_length" | "within" => {
            each(&|d| words::duration_text(d, lang))
        }
        "window" => match (
            v.get("from").and_then(Value::as_str),
            v.get("to").and_then(Value::as_str),
        ) {
            (Some(a), Some(b)) => format!(
                "{} – {}",
                words::duration_text(a, lang),
                words::duration_text(b, lang)
            ),
            _ => words(v, section, lang),
        },
        "schedule" | "contact" => serde_json::from_value::<Schedule>(v.clone())
            .map(|s| words::schedule(&s, lang, lang))
            .unwrap_or_else(|_| words(v, section, lang)),
        _ => words(v, section, lang),
    }
}

/// A fact's value in words: codes by their labels, lists joined, objects as `name: value`.
fn words(v: &Value, section: &str, lang: Lang) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => ui(Key::Yes, lang).into(),
        Value::Bool(false) => ui(Key::No, lang).into(),
        Value::Number(n) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |x| number(x, lang)),
        Value::String(s) => value_label(s, lang),
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::Object(m) => {
                    let id = m.get("id").and_then(Value::as_str).map(str::to_string);
                    let rest = object_words(m, section, lang, &["id"]);
                    match (id, rest.is_empty()) {
                        (Some(id), true) => id,
                        (Some(id), false) => format!("{id} ({rest})"),
                        (None, _) => rest,
                    }
                }
                other => words(other, section, lang),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(m) => object_words(m, section, lang, &[]),
    }
}

/// The facts of an item in a stable, readable order: what it is first, then the rest.
fn ordered_keys(m: &serde_json::Map<String, Value>) -> Vec<&String> {
    const FIRST: &[&str] = &["mode", "kind", "field", "value"];
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by_key(|k| {
        (
            FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len()),
            k.to_string(),
        )
    });
    keys
}

fn object_words(
    m: &serde_json::Map<String, Value>,
    section: &str,
    lang: Lang,
    skip: &[&str],
) -> String {
    let kind = m.get("kind").and_then(Value::as_str);
    ordered_keys(m)
        .into_iter()
        .filter(|k| !skip.contains(&k.as_str()))
        .map(|k| {
            format!(
                "{}: {}",
                fact_name(k, kind, section, lang),
                fact_words(k, &m[k.as_str()], section, lang)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn section_title(section: &str, lang: Lang) -> String {
    let key = match section {
        "identity" => {
            return pick(SECTIONS, "identity", lang)
                .unwrap_or("identity")
                .into()
        }
        "pathway steps" => {
            return pick(SECTIONS, "pathway steps", lang)
                .unwrap_or(section)
                .into()
        }
        "funding split" => {
            return pick(SECTIONS, "funding split", lang)
                .unwrap_or(section)
                .into()
        }
        "eligibility" => Key::Eligibility,
        "tracks" => Key::Tracks,
        "pathway" => Key::Pathway,
        "modules" => Key::Modules,
        "evaluations" => Key::Evaluations,
        "staffing" => Key::Staffing,
        "capacity" => Key::Capacity,
        "funders" => Key::Funders,
        "exits" => Key::Exits,
        other => return other.to_string(),
    };
    ui(key, lang).to_string()
}

const SECTIONS: &[(&str, &str, &str, &str)] = &[
    ("identity", "Identiteit", "Identité", "Identity"),
    (
        "pathway steps",
        "Stappen van het traject",
        "Étapes du parcours",
        "Pathway steps",
    ),
    (
        "funding split",
        "Verdeling van de kosten",
        "Répartition des coûts",
        "Funding split",
    ),
];

/// The diff for a reader in `lang`: per section, each added, removed or changed item by its
/// label, a changed item field by field (`accepted income: leefloon → leefloon, equivalent
/// leefloon`), and why, when the version says so.
pub fn render_text(d: &Diff, lang: Lang) -> String {
    let mut out = format!("--- {}\n+++ {}\n", d.a, d.b);
    let mut section = "";
    for ch in &d.changes {
        if ch.section != section {
            section = ch.section;
            out.push_str(&format!("\n{}\n", section_title(section, lang)));
        }
        let name = match &ch.label {
            Some(l) => format!("{} ({})", l.get(lang, d.society_language), ch.id),
            None => fact_name(&ch.id, None, section, lang),
        };
        match ch.change {
            "added" => out.push_str(&format!("  + {name}{}\n", summary(&ch.to, section, lang))),
            "removed" => out.push_str(&format!("  - {name}{}\n", summary(&ch.from, section, lang))),
            _ => match (&ch.from, &ch.to) {
                (Value::Object(a), Value::Object(b)) => {
                    out.push_str(&format!("  ~ {name}\n"));
                    let kind = b
                        .get("kind")
                        .or_else(|| a.get("kind"))
                        .and_then(Value::as_str);
                    let mut both = a.clone();
                    both.extend(b.clone());
                    for k in ordered_keys(&both) {
                        let (x, y) = (
                            a.get(k).unwrap_or(&Value::Null),
                            b.get(k).unwrap_or(&Value::Null),
                        );
                        if x != y {
                            out.push_str(&format!(
                                "      {}: {} → {}\n",
                                fact_name(k, kind, section, lang),
                                fact_words(k, x, section, lang),
                                fact_words(k, y, section, lang)
                            ));
                        }
                    }
                }
                (a, b) => out.push_str(&format!(
                    "  ~ {name}: {} → {}\n",
                    fact_words(&ch.id, a, section, lang),
                    fact_words(&ch.id, b, section, lang)
                )),
            },
        }
        if let Some(dc) = &ch.declared {
            out.push_str(&format!(
                "      {}: {} [{} {}]\n",
                pick(WHY, "why", lang).unwrap_or("why"),
                dc.reason.get(lang, d.society_language),
                ui(Key::Source, lang),
                dc.source
            ));
        }
    }
    if d.changes.is_empty() {
        out.push_str(pick(WHY, "none", lang).unwrap_or("no differences"));
        out.push('\n');
    }
    traject_i18n::typography(&out, lang)
}

const WHY: &[(&str, &str, &str, &str)] = &[
    ("why", "waarom", "pourquoi", "why"),
    (
        "none",
        "geen verschillen",
        "aucune différence",
        "no differences",
    ),
];

fn summary(v: &Value, section: &str, lang: Lang) -> String {
    let w = words(v, section, lang);
    if w.is_empty() {
        String::new()
    } else {
        format!(": {w}")
    }
}

/// A programme's history as people read it: each save with its number, time, author, hash and
/// versions, then what it changed against the save before it.
pub fn history_text(entries: &[traject_app::programme_history::Entry], lang: Lang) -> String {
    use std::fmt::Write as _;
    let w = |nl, fr, en| traject_i18n::say(lang, nl, fr, en);
    let mut out = String::new();
    for e in entries {
        let s = &e.saved;
        let _ = writeln!(
            out,
            "{} {}  {}  {}  {}  {} {}",
            w("nummer", "numéro", "number"),
            s.seq,
            s.saved_at,
            s.author,
            &s.hash[..12.min(s.hash.len())],
            w("versies", "versions", "versions"),
            e.versions.join(", ")
        );
        if !e.added_versions.is_empty() {
            let _ = writeln!(
                out,
                "  {}: {}",
                w("nieuwe versies", "nouvelles versions", "new versions"),
                e.added_versions.join(", ")
            );
        }
        for d in &e.changes {
            for line in render_text(d, lang).lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    out
}
