//! `traject show`: a readable summary of one programme version in the reader's language —
//! pathway, tracks, modules, phases, evaluation moments, eligibility, staffing, capacity,
//! funding — with the seed reference behind each fact.

use std::fmt::Write as _;

use traject_i18n::{ui, Key, Label, LabelIn, Lang};
use traject_model::program::duration::Duration;
use traject_model::program::model::*;
use traject_model::program::Program;

struct Writer {
    lang: Lang,
    fallback: Lang,
    out: String,
}

impl Writer {
    fn l<'b>(&self, label: &'b Label) -> &'b str {
        label.get(self.lang, self.fallback)
    }

    fn k(&self, key: Key) -> &'static str {
        ui(key, self.lang)
    }

    fn heading(&mut self, key: Key) {
        let _ = writeln!(self.out, "\n{}", self.k(key));
    }

    fn src(&self, source: &str) -> String {
        format!("[{} {source}]", self.k(Key::Source))
    }

    fn duration(&self, d: &Duration) -> String {
        super::words::duration(*d, self.lang)
    }

    fn schedule(&self, s: &Schedule) -> String {
        super::words::schedule(s, self.lang, self.fallback)
    }

    fn term(&self, list: &str, code: &str) -> String {
        super::words::term_or_code(list, code, self.lang)
    }

    /// A rule's test in words: what it checks and the values it accepts, by their labels.
    fn test_words(&self, c: &Condition) -> String {
        let Some(kind) = &c.kind else {
            return if c.any_of.is_empty() {
                traject_i18n::say(
                    self.lang,
                    "alle voorwaarden",
                    "toutes les conditions",
                    "all of",
                )
                .to_string()
            } else {
                traject_i18n::say(self.lang, "één van", "l'une des conditions", "any of")
                    .to_string()
            };
        };
        let label = self.term("rule_kind", kind);
        let values = |v: &serde_json::Value| -> String {
            match v {
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| {
                        x.as_str().map_or_else(
                            || x.to_string(),
                            |s| traject_i18n::value_label(s, self.lang),
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            }
        };
        match (kind.as_str(), &c.field, &c.value) {
            ("flag_true" | "flag_false", Some(f), _) => {
                format!("{}: {label}", traject_i18n::field_label(f, self.lang))
            }
            (_, _, Some(v)) => format!("{label}: {}", values(v)),
            _ => label,
        }
    }

    fn condition(&mut self, c: &Condition, depth: usize) {
        let pad = "  ".repeat(depth);
        let what = self.test_words(c);
        let _ = writeln!(
            self.out,
            "{pad}- {}: {} — {what} {}",
            c.id,
            self.l(&c.label),
            self.src(&c.source)
        );
        for sub in c.any_of.iter().chain(c.all_of.iter()) {
            self.condition(sub, depth + 2);
        }
    }

    fn version(&mut self, v: &Version) {
        self.version_header(v);
        self.changes(v);
        self.pathway(v);
        self.tracks(v);
        self.modules(v);
        self.phases(v);
        self.evaluations(v);
        self.eligibility(v);
        self.staffing_and_capacity(v);
        self.funding(v);
        self.exits_and_partners(v);
    }

    /// Id, period, label, content hash and funding call.
    fn version_header(&mut self, v: &Version) {
        let to = v
            .valid_to
            .map_or("…".to_string(), |d| traject_i18n::date(d, self.lang));
        let label = v
            .label
            .as_ref()
            .map(|l| format!(" — {}", self.l(l)))
            .unwrap_or_default();
        let _ = writeln!(
            self.out,
            "{} {}{label}: {} {} {to}  (hash {}) {}",
            self.k(Key::Version),
            v.id,
            traject_i18n::date(v.valid_from, self.lang),
            self.k(Key::Until),
            v.hash,
            self.src(&v.source)
        );
        if let Some(call) = &v.funding_call {
            let _ = writeln!(self.out, "AMIF: {call}");
        }
    }

    /// What the version changes against the one it is based on, with sources and reasons.
    fn changes(&mut self, v: &Version) {
        let Some(base) = &v.based_on else {
            return;
        };
        let title = match self.lang {
            Lang::Nl => format!("Wijzigingen tegenover versie {base}"),
            Lang::Fr => format!("Changements par rapport à la version {base}"),
            Lang::En => format!("Changes from version {base}"),
        };
        let _ = writeln!(self.out, "\n{title}");
        if v.changes.is_empty() {
            let _ = writeln!(self.out, "  {}", self.k(Key::None));
        }
        for c in &v.changes {
            let mark = match c.change {
                traject_model::program::changes::ChangeKind::Added => "+",
                traject_model::program::changes::ChangeKind::Removed => "-",
                traject_model::program::changes::ChangeKind::Changed => "~",
            };
            let what = super::words::term_or_code("change_section", c.section.as_str(), self.lang);
            let _ = writeln!(
                self.out,
                "  {mark} {what}: {} — {} {}",
                c.ids().join(", "),
                self.l(&c.reason),
                self.src(&c.source)
            );
        }
    }

    /// The pathway's steps in order, with what each comes after and its gate.
    fn pathway(&mut self, v: &Version) {
        self.heading(Key::Pathway);
        let _ = writeln!(
            self.out,
            "  ({}) {}",
            self.term("pathway_kind", &v.pathway.kind.to_string()),
            self.src(&v.pathway.source)
        );
        for (i, s) in v.pathway.steps.iter().enumerate() {
            let label = s
                .label
                .as_ref()
                .map(|l| self.l(l).to_string())
                .unwrap_or_default();
            let after = if s.after.is_empty() {
                String::new()
            } else {
                format!(" ← {}", s.after.join(", "))
            };
            let gate = s
                .gate
                .as_ref()
                .map(|g| {
                    format!(
                        " [{}: {} = {}]",
                        traject_i18n::say(self.lang, "voorwaarde", "condition", "gate"),
                        g.evaluation,
                        self.term("decision", g.decision.as_str())
                    )
                })
                .unwrap_or_default();
            let before = if s.before_start {
                traject_i18n::say(
                    self.lang,
                    " (vóór de start)",
                    " (avant le démarrage)",
                    " (before the start)",
                )
            } else {
                ""
            };
            let _ = writeln!(
                self.out,
                "  {}. {}: {label}{before} → {}{after}{gate} {}",
                i + 1,
                s.id,
                s.modules.join(" + "),
                self.src(&s.source)
            );
        }
    }

    /// Tracks with their length and whether they can be extended.
    fn tracks(&mut self, v: &Version) {
        if !v.tracks.is_empty() {
            self.heading(Key::Tracks);
            for t in &v.tracks {
                let ext = if t.extendable {
                    format!(", {}", self.k(Key::Extendable))
                } else {
                    String::new()
                };
                let sel = t
                    .selection
                    .as_ref()
                    .map(|s| format!(" — {}", self.l(s)))
                    .unwrap_or_default();
                let _ = writeln!(
                    self.out,
                    "  - {}: {} ({}{ext}){sel} {}",
                    t.id,
                    self.l(&t.label),
                    self.duration(&t.duration),
                    self.src(&t.source)
                );
            }
        }
    }

    /// Modules with their facts and phases.
    fn modules(&mut self, v: &Version) {
        self.heading(Key::Modules);
        for m in &v.modules {
            let facts = self.module_facts(m);
            let _ = writeln!(
                self.out,
                "  - {}: {} ({}) {}",
                m.id,
                self.l(&m.label),
                facts.join("; "),
                self.src(&m.source)
            );
            for ph in &m.phases {
                self.phase(ph, 4);
            }
        }
    }

    /// Schedule, duration, group, staff, language, entry, routing — what a module is like.
    fn module_facts(&self, m: &Module) -> Vec<String> {
        let mut facts = vec![self.term("module_kind", &m.kind)];
        if let Some(s) = &m.schedule {
            facts.push(self.schedule(s));
        }
        if let Some(d) = &m.duration {
            facts.push(self.duration(d));
        }
        if let Some(g) = &m.group_size {
            let range = match (g.min, g.max) {
                (Some(a), Some(b)) => format!("{a}–{b}"),
                (None, Some(b)) => format!("≤ {b}"),
                (Some(a), None) => format!("≥ {a}"),
                _ => String::new(),
            };
            facts.push(format!("{} {range}", self.k(Key::GroupSize)));
        }
        if let Some(s) = m.staff_per_group {
            facts.push(format!(
                "{} {}",
                traject_i18n::number(s, self.lang),
                traject_i18n::say(
                    self.lang,
                    "begeleiders per groep",
                    "encadrants par groupe",
                    "staff per group"
                )
            ));
        }
        if let Some(l) = &m.delivery_language {
            facts.push(self.term("delivery_language", l));
        }
        if m.interpretation.as_ref().is_some_and(|i| i.interpreters) {
            facts.push(self.k(Key::Interpreters).to_string());
        }
        match m.entry.as_deref() {
            Some("rolling") => facts.push(self.k(Key::Rolling).into()),
            Some("cohort") => facts.push(self.k(Key::Cohort).into()),
            Some("once") => facts.push(self.k(Key::Once).into()),
            _ => {}
        }
        if m.on_request {
            facts.push(self.k(Key::OnRequest).into());
        }
        if let Some(r) = &m.routing {
            facts.push(format!(
                "{}: {}",
                traject_i18n::say(
                    self.lang,
                    "groepsindeling",
                    "répartition en groupes",
                    "routing"
                ),
                r.script
            ));
        }
        facts.retain(|f| !f.is_empty());
        facts
    }

    /// The version's own phases.
    fn phases(&mut self, v: &Version) {
        if !v.phases.is_empty() {
            self.heading(Key::Phases);
            for ph in &v.phases {
                self.phase(ph, 2);
            }
        }
    }

    /// Evaluation moments: when, for which tracks and modules, with which decisions.
    fn evaluations(&mut self, v: &Version) {
        self.heading(Key::Evaluations);
        for e in &v.evaluations {
            let when = self.evaluation_when(e);
            let tracks = if e.tracks.is_empty() {
                String::new()
            } else {
                format!(" [{}]", e.tracks.join(", "))
            };
            let module = e
                .module
                .as_ref()
                .map(|m| format!(" [{m}]"))
                .unwrap_or_default();
            let dec = if e.decisions.is_empty() {
                String::new()
            } else {
                format!(
                    "; {}: {}",
                    self.k(Key::Decisions),
                    e.decisions
                        .iter()
                        .map(|d| self.term("decision", d.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(
                self.out,
                "  - {}: {} — {when}{tracks}{module}; {}{dec} {}",
                e.id,
                self.l(&e.label),
                self.term("instrument", &e.instrument),
                self.src(&e.source)
            );
        }
    }

    /// When an evaluation moment falls: after, in a window or every so long, from its anchor.
    fn evaluation_when(&self, e: &Evaluation) -> String {
        let anchor = self.term("anchor", e.anchor.as_str());
        let and = traject_i18n::say(self.lang, "en", "et", "and");
        if let Some(a) = &e.at {
            format!("{} {} {anchor}", self.k(Key::After), self.duration(a))
        } else if let Some(w) = &e.window {
            format!(
                "{} {} {and} {} ({anchor})",
                self.k(Key::Window),
                self.duration(&w.from),
                self.duration(&w.to),
            )
        } else if let Some(x) = &e.every {
            format!("{} ({anchor})", super::words::every(*x, self.lang))
        } else {
            anchor
        }
    }

    /// Eligibility rules with their mode and exceptions.
    fn eligibility(&mut self, v: &Version) {
        self.heading(Key::Eligibility);
        for r in &v.eligibility.rules {
            let _ = write!(self.out, "  [{}] ", self.term("mode", r.mode.as_str()));
            let mut c = r.as_condition();
            c.id = r.id.clone();
            let before = self.out.len();
            self.condition(&c, 0);
            // Keep the mode marker and the rule on one line.
            let line = self.out.split_off(before);
            self.out.push_str(line.trim_start_matches("- "));
            for e in &r.exceptions {
                let _ = write!(self.out, "      ∨ ");
                let before = self.out.len();
                self.condition(e, 0);
                let line = self.out.split_off(before);
                self.out.push_str(line.trim_start_matches("- "));
            }
        }
    }

    /// A role's dated staffing steps, a line each.
    fn staffing_steps(&mut self, r: &traject_model::program::model::Role, fte_word: &str) {
        for step in &r.fte_from {
            let _ = writeln!(
                self.out,
                "      {} {}: {} {fte_word} {}",
                traject_i18n::say(self.lang, "vanaf", "dès le", "from"),
                traject_i18n::date(step.from, self.lang),
                traject_i18n::number(step.fte, self.lang),
                self.src(&step.source)
            );
        }
    }

    /// Staff roles and the capacity they give against the caseload norm.
    fn staffing_and_capacity(&mut self, v: &Version) {
        self.heading(Key::Staffing);
        for r in &v.staffing {
            let persons = r
                .persons
                .map(|n| {
                    format!(
                        ", {}",
                        traject_i18n::vocabulary::count(f64::from(n), "person", self.lang)
                    )
                })
                .unwrap_or_default();
            let fte_word = traject_i18n::say(self.lang, "VTE", "ETP", "FTE");
            let _ = writeln!(
                self.out,
                "  - {}: {} {fte_word}{persons} {}",
                self.l(&r.label),
                traject_i18n::number(r.fte, self.lang),
                self.src(&r.source)
            );
            self.staffing_steps(r, fte_word);
        }

        self.heading(Key::Capacity);
        let cap = match (v.capacity.caseload_per_fte, v.capacity_limit()) {
            (Some(norm), Some(limit)) => format!(
                "{limit} {} ({} {} × {} {}), {}",
                self.k(Key::Clients),
                traject_i18n::number(v.caseload_fte(), self.lang),
                traject_i18n::say(self.lang, "VTE", "ETP", "FTE"),
                traject_i18n::number(norm, self.lang),
                self.k(Key::Perfte),
                self.term("waiting_list", &v.capacity.waiting_list.to_string())
            ),
            (None, Some(limit)) => format!("{limit} {}", self.k(Key::Clients)),
            _ => format!(
                "{}; {}",
                self.k(Key::NoNorm),
                self.term("waiting_list", &v.capacity.waiting_list.to_string())
            ),
        };
        let _ = writeln!(self.out, "  {cap} {}", self.src(&v.capacity.source));
        self.policies(v);
    }

    /// A version's pause, re-opening and attendance rules, each with its source.
    fn policies(&mut self, v: &Version) {
        if let Some(p) = &v.pause {
            let _ = writeln!(
                self.out,
                "  {}: {} × {} {}",
                self.k(Key::Pause),
                p.max_pauses,
                self.duration(&p.max_length),
                self.src(&p.source)
            );
        }
        if let Some(r) = &v.reopen {
            let never_started = if r.not_started {
                traject_i18n::say(
                    self.lang,
                    " (ook een dossier dat nooit startte)",
                    " (aussi un dossier jamais commencé)",
                    " (also a case that never started)",
                )
            } else {
                ""
            };
            let _ = writeln!(
                self.out,
                "  {}: {}{never_started} {}",
                self.k(Key::Reopen),
                self.duration(&r.within),
                self.src(&r.source)
            );
        }
        if let Some(a) = &v.attendance {
            let n = a.absences_in_a_row;
            let rule = match self.lang {
                traject_i18n::Lang::Nl => format!(
                    "aanwezigheid: gemeld na {n} keer na elkaar afwezig zonder verwittiging"
                ),
                traject_i18n::Lang::Fr => {
                    format!("présence : signalé après {n} absences sans excuse d'affilée")
                }
                traject_i18n::Lang::En => {
                    format!("attendance: flagged after {n} absences without excuse in a row")
                }
            };
            let _ = writeln!(
                self.out,
                "  {} {}",
                traject_i18n::prose(&rule, self.lang),
                self.src(&a.source)
            );
        }
    }

    /// How long personal data is kept: after the end, and for cases that never end.
    fn retention(&mut self, r: &traject_model::program::model::Retention) {
        let unended = match &r.unended {
            Some(u) => format!(
                "{}: {} {} {}",
                self.k(Key::RetentionUnended),
                self.duration(&u.erase_after),
                self.k(Key::RetentionAfterLastEvent),
                self.src(&u.source)
            ),
            None => format!(
                "{}: {}",
                self.k(Key::RetentionUnended),
                self.k(Key::RetentionKeptUntilEnded)
            ),
        };
        let _ = writeln!(
            self.out,
            "{}: {} {} {}; {unended}",
            self.k(Key::Retention),
            self.duration(&r.erase_after),
            self.k(Key::RetentionAfterEnd),
            self.src(&r.source)
        );
    }

    /// Funders with their conditions, and the split of costs.
    fn funding(&mut self, v: &Version) {
        self.heading(Key::Funding);
        for f in &v.funding.funders {
            let cond = if f.eligible_if.is_empty() {
                String::new()
            } else {
                format!(
                    " — {}: {}",
                    self.k(Key::FundedIf),
                    f.eligible_if
                        .iter()
                        .map(|c| self.l(&c.label))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(
                self.out,
                "  - {} ({}){cond} {}",
                self.l(&f.label),
                f.id,
                self.src(&f.source)
            );
        }
        if v.funding.split.is_empty() {
            let _ = writeln!(self.out, "  {}", self.k(Key::NotStated));
        }
        for s in &v.funding.split {
            let shares: Vec<String> = s
                .shares
                .iter()
                .map(|sh| {
                    format!(
                        "{} {}%",
                        sh.funder,
                        traject_i18n::number(sh.percent, self.lang)
                    )
                })
                .collect();
            let _ = writeln!(
                self.out,
                "  {}: {} {}",
                self.term("split_category", &s.category),
                shares.join(" · "),
                self.src(&s.source)
            );
        }
        if let Some(n) = &v.funding.note {
            let _ = writeln!(self.out, "  ({})", self.l(n));
        }
    }

    /// Exits by kind, and partners with their roles.
    fn exits_and_partners(&mut self, v: &Version) {
        self.heading(Key::Exits);
        for e in &v.exits {
            let _ = writeln!(
                self.out,
                "  - [{}] {}: {} {}",
                self.term("exit_kind", &e.kind.to_string()),
                e.id,
                self.l(&e.label),
                self.src(&e.source)
            );
        }
        if !v.partners.is_empty() {
            self.heading(Key::Partners);
            for p in &v.partners {
                let role = p
                    .role
                    .as_ref()
                    .map(|r| format!(" — {}", self.l(r)))
                    .unwrap_or_default();
                let _ = writeln!(self.out, "  - {}{role} {}", p.name, self.src(&p.source));
            }
        }
    }

    fn phase(&mut self, ph: &Phase, indent: usize) {
        let pad = " ".repeat(indent);
        let contact = ph
            .contact
            .as_ref()
            .map(|s| format!(" ({})", self.schedule(s)))
            .unwrap_or_default();
        let tracks = if ph.tracks.is_empty() {
            String::new()
        } else {
            format!(" [{}]", ph.tracks.join(", "))
        };
        let _ = writeln!(
            self.out,
            "{pad}- {}: {}{contact}{tracks} {}",
            ph.id,
            self.l(&ph.label),
            self.src(&ph.source)
        );
        for g in &ph.goals {
            let _ = writeln!(self.out, "{pad}    · {}", self.l(g));
        }
    }
}

/// Render `version` (or every version when `None`) of `program` in `lang`.
pub fn render(program: &Program, version: Option<&Version>, lang: Lang) -> String {
    let spec = &program.spec;
    let mut w = Writer {
        lang,
        fallback: spec.society_language,
        out: String::new(),
    };
    let _ = writeln!(
        w.out,
        "{} — {}  ({})",
        w.l(&spec.name),
        w.l(&spec.organisation),
        program.file
    );
    if let Some(s) = &spec.summary {
        let _ = writeln!(w.out, "{}", w.l(s));
    }
    let region = spec
        .policy_region
        .as_deref()
        .map(|r| super::words::term_or_code("region", r, lang))
        .unwrap_or_default();
    let _ = writeln!(
        w.out,
        "{}: {} · {}: {region} · ocmw: {}",
        w.k(Key::SocietyLanguage),
        super::words::term_or_code("delivery_language", spec.society_language.code(), lang),
        w.k(Key::Region),
        spec.ocmw
    );
    let _ = writeln!(
        w.out,
        "{}: {}",
        w.k(Key::Versions),
        spec.versions
            .iter()
            .map(|v| format!(
                "{} ({} – {})",
                v.id,
                traject_i18n::date(v.valid_from, lang),
                v.valid_to
                    .map_or("…".into(), |d| traject_i18n::date(d, lang))
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(r) = &spec.retention {
        w.retention(r);
    }
    if !spec.options.is_empty() {
        w.heading(Key::Options);
        for o in &spec.options {
            let chosen = program.options.get(&o.id).cloned().unwrap_or_default();
            let choices: Vec<String> = o
                .choices
                .iter()
                .map(|c| {
                    let mark = if c.id == chosen { "●" } else { "○" };
                    format!("{mark} {} ({}) [{}]", w.l(&c.label), c.id, c.source)
                })
                .collect();
            let _ = writeln!(
                w.out,
                "  - {}: {} — {}",
                o.id,
                w.l(&o.label),
                choices.join("  ")
            );
        }
    }
    let versions: Vec<&Version> = match version {
        Some(v) => vec![v],
        None => spec.versions.iter().collect(),
    };
    for v in versions {
        let _ = writeln!(w.out, "\n{}", "=".repeat(72));
        w.version(v);
    }
    traject_i18n::typography(&w.out, lang)
}

/// Render a programme as shown by `traject_app::programmes::show`: the version named, or
/// every version.
pub fn render_shown(program: &Program, version: Option<&str>, lang: Lang) -> String {
    let version = version.and_then(|id| program.spec.versions.iter().find(|v| v.id == id));
    render(program, version, lang)
}
