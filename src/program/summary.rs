//! `traject show`: a readable summary of one programme version in the reader's language —
//! pathway, tracks, modules, phases, evaluation moments, eligibility, staffing, capacity,
//! funding — with the seed reference behind each fact.

use std::fmt::Write as _;

use super::duration::{Duration, Unit};
use super::load::Program;
use super::model::*;
use crate::i18n::{ui, Key, Label, Lang};

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

    fn duration(&self, text: &str) -> String {
        match Duration::parse(text) {
            Ok(Duration::Open) => self.k(Key::Open).to_string(),
            Ok(Duration::Fixed { amount, unit })
                if text == "half day" && unit == Unit::Day && amount == 0.5 =>
            {
                self.k(Key::HalfDay).to_string()
            }
            Ok(Duration::Fixed { amount, unit }) => {
                let word = self.k(match unit {
                    Unit::Hour => Key::Hour,
                    Unit::Day => Key::Day,
                    Unit::Week => Key::Week,
                    Unit::Month => Key::Month,
                    Unit::Year => Key::Year,
                });
                format!("{} {word}", trim_number(amount))
            }
            Err(_) => text.to_string(),
        }
    }

    fn schedule(&self, s: &Schedule) -> String {
        let mut parts = Vec::new();
        if let (Some(t), Some(per)) = (&s.times, &s.per) {
            let t = t.as_str().map_or_else(|| t.to_string(), str::to_string);
            let unit = self.k(match per.as_str() {
                "day" => Key::Day,
                "week" => Key::Week,
                "month" => Key::Month,
                "quarter" => Key::Month,
                _ => Key::Year,
            });
            let unit = if per == "quarter" {
                format!("3 {unit}")
            } else {
                unit.to_string()
            };
            parts.push(format!("{t}× {} {unit}", self.k(Key::Per)));
        }
        if let Some(e) = &s.every {
            parts.push(format!("{} {}", self.k(Key::Every), self.duration(e)));
        }
        if let Some(sess) = &s.session {
            parts.push(self.duration(sess));
        }
        if let Some(n) = s.count {
            parts.push(format!("{n}×"));
        }
        if let Some(h) = s.min_hours_per_week {
            parts.push(format!(
                "≥ {} {} {} {}",
                trim_number(h),
                self.k(Key::Hour),
                self.k(Key::Per),
                self.k(Key::Week)
            ));
        }
        if let Some(d) = s.days_per_week {
            parts.push(format!(
                "{} {} {} {}",
                trim_number(d),
                self.k(Key::Day),
                self.k(Key::Per),
                self.k(Key::Week)
            ));
        }
        if let Some(m) = s.max_per_week {
            parts.push(format!(
                "max {}× {} {}",
                trim_number(m),
                self.k(Key::Per),
                self.k(Key::Week)
            ));
        }
        if !s.weekdays.is_empty() {
            parts.push(s.weekdays.join(if s.alternating { "/" } else { ", " }));
        }
        if let Some(p) = &s.period {
            parts.push(p.replace('_', " "));
        }
        if let Some(i) = &s.intensive_start {
            parts.push(format!("+ {} intensive start", self.duration(i)));
        }
        if let Some(n) = &s.note {
            parts.push(format!("({})", self.l(n)));
        }
        parts.join(", ")
    }

    fn condition(&mut self, c: &Condition, depth: usize) {
        let pad = "  ".repeat(depth);
        let what = match (&c.kind, c.any_of.is_empty(), c.all_of.is_empty()) {
            (Some(k), _, _) => {
                let val = c
                    .value
                    .as_ref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default();
                let field = c
                    .field
                    .as_ref()
                    .map(|f| format!(" {f}"))
                    .unwrap_or_default();
                format!("{k}{field}{val}")
            }
            (None, false, _) => "any_of".to_string(),
            _ => "all_of".to_string(),
        };
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
        let to = v.valid_to.map_or("…".to_string(), |d| d.to_string());
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
            v.valid_from,
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
                super::changes::ChangeKind::Added => "+",
                super::changes::ChangeKind::Removed => "-",
                super::changes::ChangeKind::Changed => "~",
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
            v.pathway.kind,
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
                .map(|g| format!(" [gate: {} = {}]", g.evaluation, g.decision))
                .unwrap_or_default();
            let _ = writeln!(
                self.out,
                "  {}. {}: {label} → {}{after}{gate} {}",
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
        let mut facts = vec![m.kind.clone()];
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
            facts.push(format!("{} staff/group", trim_number(s)));
        }
        if let Some(l) = &m.delivery_language {
            facts.push(l.replace('_', " "));
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
            facts.push(format!("routing: {}", r.script));
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
                    Decision::list(&e.decisions)
                )
            };
            let _ = writeln!(
                self.out,
                "  - {}: {} — {when}{tracks}{module}; {}{dec} {}",
                e.id,
                self.l(&e.label),
                e.instrument,
                self.src(&e.source)
            );
        }
    }

    /// When an evaluation moment falls: after, in a window or every so long, from its anchor.
    fn evaluation_when(&self, e: &Evaluation) -> String {
        if let Some(a) = &e.at {
            format!("{} {} {}", self.k(Key::After), self.duration(a), e.anchor)
        } else if let Some(w) = &e.window {
            format!(
                "{} {} – {} ({})",
                self.k(Key::Window),
                self.duration(&w.from),
                self.duration(&w.to),
                e.anchor
            )
        } else if let Some(x) = &e.every {
            format!("{} {} ({})", self.k(Key::Every), self.duration(x), e.anchor)
        } else {
            e.anchor.to_string()
        }
    }

    /// Eligibility rules with their mode and exceptions.
    fn eligibility(&mut self, v: &Version) {
        self.heading(Key::Eligibility);
        for r in &v.eligibility.rules {
            let _ = write!(self.out, "  [{}] ", r.mode.as_str());
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

    /// Staff roles and the capacity they give against the caseload norm.
    fn staffing_and_capacity(&mut self, v: &Version) {
        self.heading(Key::Staffing);
        for r in &v.staffing {
            let persons = r
                .persons
                .map(|n| format!(", {n} pers."))
                .unwrap_or_default();
            let _ = writeln!(
                self.out,
                "  - {}: {} FTE{persons} {}",
                self.l(&r.label),
                trim_number(r.fte),
                self.src(&r.source)
            );
        }

        self.heading(Key::Capacity);
        let cap = match (v.capacity.caseload_per_fte, v.capacity_limit()) {
            (Some(norm), Some(limit)) => format!(
                "{limit} {} ({} FTE × {} {}), {}: {}",
                self.k(Key::Clients),
                trim_number(v.caseload_fte()),
                trim_number(norm),
                self.k(Key::Perfte),
                self.k(Key::WaitingList),
                v.capacity.waiting_list
            ),
            (None, Some(limit)) => format!("{limit} {}", self.k(Key::Clients)),
            _ => format!(
                "{}; {}: {}",
                self.k(Key::NoNorm),
                self.k(Key::WaitingList),
                v.capacity.waiting_list
            ),
        };
        let _ = writeln!(self.out, "  {cap} {}", self.src(&v.capacity.source));
        if let Some(p) = &v.pause {
            let _ = writeln!(
                self.out,
                "  {}: {} × {} {}",
                self.k(Key::Pause),
                p.max_pauses,
                p.max_length,
                self.src(&p.source)
            );
        }
        if let Some(r) = &v.reopen {
            let _ = writeln!(
                self.out,
                "  {}: {} {}",
                self.k(Key::Reopen),
                r.within,
                self.src(&r.source)
            );
        }
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
                .map(|sh| format!("{} {}%", sh.funder, trim_number(sh.percent)))
                .collect();
            let _ = writeln!(
                self.out,
                "  {}: {} {}",
                s.category,
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
                e.kind,
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

fn trim_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
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
    let region = spec.policy_region.clone().unwrap_or_default();
    let _ = writeln!(
        w.out,
        "{}: {} · {}: {region} · ocmw: {}",
        w.k(Key::SocietyLanguage),
        spec.society_language,
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
                v.valid_from,
                v.valid_to.map_or("…".into(), |d| d.to_string())
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !spec.options.is_empty() {
        w.heading(Key::Options);
        for o in &spec.options {
            let chosen = program.options.get(&o.id).cloned().unwrap_or_default();
            let choices: Vec<String> = o
                .choices
                .iter()
                .map(|c| {
                    let mark = if c.id == chosen { "●" } else { "○" };
                    format!("{mark} {} [{}]", c.id, c.source)
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
    w.out
}
