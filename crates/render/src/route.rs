//! A routing as text: the module, each group with its members (language, interpreter), who
//! waits, and the notes on what was done with the script's answer.

use traject_app::route::RouteOutput;
use traject_i18n::{catalogue::routing_note, say, Lang};
use traject_rules::plugins::routing::RoutingNote;

/// The routing of `out` as terminal text in `lang`.
pub fn route_text(out: &RouteOutput, lang: Lang) -> String {
    let (version, module) = say(
        lang,
        ("versie", "module"),
        ("version", "module"),
        ("version", "module"),
    );
    let mut s = format!(
        "{} — {version} {} — {module} {}\n",
        out.program, out.version, out.routing.module
    );
    let interpreter = say(lang, " + tolk", " + interprète", " + interpreter");
    for g in &out.routing.groups {
        let language = g
            .language
            .as_deref()
            .map(|l| format!(" [{l}]"))
            .unwrap_or_default();
        let interp = if g.interpreter { interpreter } else { "" };
        s.push_str(&format!(
            "  {}{language}{interp} ({}): {}\n",
            g.id,
            g.members.len(),
            g.members.join(", ")
        ));
    }
    s.push_str(&format!(
        "  {} ({}): {}\n",
        say(lang, "wachtend", "en attente", "waiting"),
        out.routing.waiting.len(),
        out.routing.waiting.join(", ")
    ));
    let note = say(lang, "opmerking", "remarque", "note");
    for n in &out.routing.notes {
        s.push_str(&format!("  {note}: {}\n", routing_note(n, lang)));
    }
    s
}

/// The routing of `out` as `--format json` and the API show it: the notes worded in `lang`.
pub fn route_json(out: &RouteOutput, lang: Lang) -> serde_json::Value {
    let mut value = serde_json::to_value(out).unwrap_or_default();
    value["notes"] = notes_json(&out.routing.notes, lang);
    value
}

/// Routing notes as JSON text in `lang`.
pub fn notes_json(notes: &[RoutingNote], lang: Lang) -> serde_json::Value {
    let worded: Vec<String> = notes.iter().map(|n| routing_note(n, lang)).collect();
    serde_json::json!(worded)
}
