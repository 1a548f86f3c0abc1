//! Semantic checks the schema cannot express: ids unique and references resolving, dates
//! ordered and versions not overlapping, funding shares summing to 100, min ≤ max, labels in
//! the society language, rule kinds and their parameters. All problems are collected.

use std::collections::{BTreeSet, HashMap};

use super::duration::Duration;
use super::kinds;
use super::load::Program;
use super::model::*;
use super::scripts;
use crate::diag::{suggestion_suffix, Diagnostic};
use crate::i18n::Label;

struct Checker<'a> {
    program: &'a Program,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn err(&mut self, ptr: &str, message: impl Into<String>, help: impl Into<String>) {
        let place = self.program.index.locate(ptr);
        self.out.push(
            Diagnostic::error(&self.program.file, place.value, message)
                .with_width(place.width)
                .with_help(help),
        );
    }

    fn label(&mut self, ptr: &str, label: &Label) {
        let lang = self.program.spec.society_language;
        if !label.has(lang) {
            self.err(
                ptr,
                format!("text is missing in the society language '{lang}'"),
                format!("add `{lang}: …` to this label; other languages fall back to it"),
            );
        }
    }

    fn opt_label(&mut self, ptr: &str, label: &Option<Label>) {
        if let Some(l) = label {
            self.label(ptr, l);
        }
    }

    /// Ids in one list must be unique.
    fn unique<'i>(
        &mut self,
        what: &str,
        items: impl IntoIterator<Item = (&'i str, &'i str)>,
    ) -> BTreeSet<String> {
        let mut seen: HashMap<String, String> = HashMap::new();
        for (id, ptr) in items {
            if let Some(first) = seen.get(id) {
                let line = self.program.pos(first).line;
                self.err(
                    &format!("{ptr}/id"),
                    format!("duplicate {what} id '{id}' (first used on line {line})"),
                    "give each entry its own id",
                );
            } else {
                seen.insert(id.to_string(), ptr.to_string());
            }
        }
        seen.into_keys().collect()
    }

    fn reference(&mut self, ptr: &str, what: &str, id: &str, known: &BTreeSet<String>) {
        if !known.contains(id) {
            self.err(
                ptr,
                format!(
                    "unknown {what} '{id}'{}",
                    suggestion_suffix(id, known.iter().map(String::as_str))
                ),
                if known.is_empty() {
                    format!("this version defines no {what}s")
                } else {
                    format!(
                        "{what}s defined in this version: {}",
                        known.iter().cloned().collect::<Vec<_>>().join(", ")
                    )
                },
            );
        }
    }

    fn duration(&mut self, ptr: &str, text: &str) -> Option<Duration> {
        match Duration::parse(text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(ptr, e, "write a number and a unit, e.g. \"3 months\"");
                None
            }
        }
    }

    fn schedule(&mut self, s: &Schedule) {
        for (key, d) in [
            ("every", &s.every),
            ("session", &s.session),
            ("intensive_start", &s.intensive_start),
        ] {
            if let Some(d) = d {
                self.duration(&format!("{}/{key}", s.ptr), d);
            }
        }
        if let Some(t) = s.times.as_ref().and_then(|t| t.as_str()) {
            if let Some((a, b)) = t.split_once('-') {
                let (a, b): (f64, f64) = (a.parse().unwrap_or(0.0), b.parse().unwrap_or(0.0));
                if a > b {
                    self.err(
                        &format!("{}/times", s.ptr),
                        format!("range '{t}' runs backwards"),
                        "write the smaller number first, e.g. \"1-2\"",
                    );
                }
            }
        }
        if s.times.is_some() && s.per.is_none() {
            self.err(
                &format!("{}/times", s.ptr),
                "`times:` needs `per:` (day, week, month, quarter or year)",
                "e.g. {times: 2, per: week}",
            );
        }
        self.opt_label(&format!("{}/note", s.ptr), &s.note);
    }

    fn condition(&mut self, c: &Condition, rule_ids: &mut Vec<(String, String)>) {
        rule_ids.push((c.id.clone(), c.ptr.clone()));
        self.label(&format!("{}/label", c.ptr), &c.label);
        self.opt_label(&format!("{}/note", c.ptr), &c.note);
        let group = if c.any_of.is_empty() {
            &c.all_of
        } else {
            &c.any_of
        };
        if !c.any_of.is_empty() && !c.all_of.is_empty() {
            self.err(
                &format!("{}/all_of", c.ptr),
                "a rule has either `any_of:` or `all_of:`, not both",
                "nest one group inside the other as a separate rule",
            );
        }
        match (&c.kind, group.is_empty()) {
            (Some(_), false) => self.err(
                &c.ptr,
                "a rule has either `kind:` or a group (`any_of:` / `all_of:`), not both",
                "move the rule's own test into the group",
            ),
            (None, true) => self.err(
                &c.ptr,
                format!(
                    "rule '{}' has neither `kind:` nor `any_of:`/`all_of:`",
                    c.id
                ),
                format!("add `kind:` ({})", kinds::KINDS.join(", ")),
            ),
            (Some(kind), true) => {
                if let Err(msg) = kinds::check_params(kind, c.field.as_deref(), c.value.as_ref()) {
                    let at = if !kinds::KINDS.contains(&kind.as_str()) {
                        "kind"
                    } else if msg.contains("field")
                        || (c.field.is_some() && msg.contains("referral field"))
                    {
                        "field"
                    } else {
                        "value"
                    };
                    let ptr = format!("{}/{at}", c.ptr);
                    let ptr = if self.program.index.get(&ptr).is_some() {
                        ptr
                    } else {
                        format!("{}/kind", c.ptr)
                    };
                    self.err(
                        &ptr,
                        msg,
                        "see `traject schema` or the README's rule kinds table",
                    );
                } else if kind == "script" {
                    let name = c
                        .value
                        .as_ref()
                        .and_then(|v| v.as_str())
                        .unwrap_or_default();
                    self.script(&format!("{}/value", c.ptr), name);
                }
            }
            (None, false) => {
                for alt in group {
                    self.condition(alt, rule_ids);
                }
            }
        }
    }

    fn script(&mut self, ptr: &str, name: &str) {
        if self.program.scripts.contains_key(name) {
            return;
        }
        let available = scripts::available(&self.program.file);
        if !available.iter().any(|s| s == name) {
            self.err(
                ptr,
                format!(
                    "unknown script '{name}'{}",
                    suggestion_suffix(name, available.iter().map(String::as_str))
                ),
                format!(
                    "put the script in scripts/{name}.rhai; available: {}",
                    available.join(", ")
                ),
            );
        }
    }

    fn version(&mut self, v: &Version) {
        self.opt_label(&format!("{}/label", v.ptr), &v.label);
        self.opt_label(&format!("{}/note", v.ptr), &v.note);
        if let Some(to) = v.valid_to {
            if to < v.valid_from {
                self.err(
                    &format!("{}/valid_to", v.ptr),
                    format!("valid_to {to} is before valid_from {}", v.valid_from),
                    "a version ends on or after the day it starts",
                );
            }
        }

        self.eligibility(v);
        let (track_ids, module_ids) = self.tracks_and_modules(v);
        let eval_ids = self.evaluations(v, &track_ids, &module_ids);
        self.pathway(v, &module_ids, &eval_ids);
        self.cycles(v);
        self.demand(v, &track_ids);
        self.continuity(v);
        let _ = self.unique(
            "exit",
            v.exits.iter().map(|e| (e.id.as_str(), e.ptr.as_str())),
        );
        for e in &v.exits {
            self.label(&format!("{}/label", e.ptr), &e.label);
        }

        self.staffing_and_funding(v);
    }

    /// Eligibility rules: each condition checked, ids unique across rules and exceptions.
    fn eligibility(&mut self, v: &Version) {
        let mut rule_ids = Vec::new();
        for r in &v.eligibility.rules {
            self.condition(&r.as_condition(), &mut rule_ids);
            for e in &r.exceptions {
                self.condition(e, &mut rule_ids);
            }
        }
        self.unique(
            "rule",
            rule_ids.iter().map(|(a, b)| (a.as_str(), b.as_str())),
        );
    }

    /// Tracks, partners, modules and phases; returns the track and module ids for references.
    fn tracks_and_modules(&mut self, v: &Version) -> (BTreeSet<String>, BTreeSet<String>) {
        let track_ids = self.unique(
            "track",
            v.tracks.iter().map(|t| (t.id.as_str(), t.ptr.as_str())),
        );
        for t in &v.tracks {
            self.label(&format!("{}/label", t.ptr), &t.label);
            self.opt_label(&format!("{}/selection", t.ptr), &t.selection);
            self.duration(&format!("{}/duration", t.ptr), &t.duration);
            if let Some(e) = &t.extension {
                self.duration(&format!("{}/extension", t.ptr), e);
                if !t.extendable {
                    self.err(
                        &format!("{}/extension", t.ptr),
                        "`extension:` given but the track is not `extendable: true`",
                        "set `extendable: true` or remove `extension:`",
                    );
                }
            }
        }
        let partner_ids = self.unique(
            "partner",
            v.partners.iter().map(|p| (p.id.as_str(), p.ptr.as_str())),
        );
        for p in &v.partners {
            self.opt_label(&format!("{}/role", p.ptr), &p.role);
        }
        let module_ids = self.unique(
            "module",
            v.modules.iter().map(|m| (m.id.as_str(), m.ptr.as_str())),
        );
        let mut phases: Vec<&Phase> = v.phases.iter().collect();
        for m in &v.modules {
            self.module(m, &partner_ids);
            phases.extend(m.phases.iter());
        }
        self.unique(
            "phase",
            v.phases.iter().map(|p| (p.id.as_str(), p.ptr.as_str())),
        );
        for p in phases {
            self.phase(p, &track_ids);
        }

        (track_ids, module_ids)
    }

    /// One module: labels, goals, schedule, duration, group size, partners, routing script.
    fn module(&mut self, m: &Module, partner_ids: &BTreeSet<String>) {
        self.label(&format!("{}/label", m.ptr), &m.label);
        self.opt_label(&format!("{}/note", m.ptr), &m.note);
        for (i, g) in m.goals.iter().enumerate() {
            self.label(&format!("{}/goals/{i}", m.ptr), g);
        }
        if let Some(s) = &m.schedule {
            self.schedule(s);
        }
        if let Some(d) = &m.duration {
            self.duration(&format!("{}/duration", m.ptr), d);
        }
        if let Some(GroupSize {
            min: Some(lo),
            max: Some(hi),
            ptr,
            ..
        }) = &m.group_size
        {
            if lo > hi {
                self.err(
                    &format!("{ptr}/min"),
                    format!("group size min {lo} is larger than max {hi}"),
                    "min must be at most max",
                );
            }
        }
        for t in m.group_size.iter().flat_map(|g| g.temporary.iter()) {
            if t.from > t.to {
                self.err(
                    &format!("{}/to", t.ptr),
                    format!(
                        "temporary limit ends ({}) before it begins ({})",
                        t.to, t.from
                    ),
                    "`from` is the first day and `to` the last day the limit applies",
                );
            }
            self.opt_label(&format!("{}/note", t.ptr), &t.note);
        }
        for (i, p) in m.partners.iter().enumerate() {
            self.reference(
                &format!("{}/partners/{i}", m.ptr),
                "partner",
                p,
                partner_ids,
            );
        }
        if let Some(r) = &m.routing {
            self.script(&format!("{}/script", r.ptr), &r.script);
        }
        if let Some(i) = &m.interpretation {
            self.opt_label(&format!("{}/note", i.ptr), &i.note);
        }
    }

    /// One phase (of the version or of a module): labels, goals, tracks, contact schedule.
    fn phase(&mut self, p: &Phase, track_ids: &BTreeSet<String>) {
        self.label(&format!("{}/label", p.ptr), &p.label);
        for (i, g) in p.goals.iter().enumerate() {
            self.label(&format!("{}/goals/{i}", p.ptr), g);
        }
        for (i, t) in p.tracks.iter().enumerate() {
            self.reference(&format!("{}/tracks/{i}", p.ptr), "track", t, track_ids);
        }
        if let Some(s) = &p.contact {
            self.schedule(s);
        }
    }

    /// Evaluation moments: one timing each, durations, windows in order, references.
    fn evaluations(
        &mut self,
        v: &Version,
        track_ids: &BTreeSet<String>,
        module_ids: &BTreeSet<String>,
    ) -> BTreeSet<String> {
        let eval_ids = self.unique(
            "evaluation",
            v.evaluations
                .iter()
                .map(|e| (e.id.as_str(), e.ptr.as_str())),
        );
        for e in &v.evaluations {
            self.label(&format!("{}/label", e.ptr), &e.label);
            self.opt_label(&format!("{}/note", e.ptr), &e.note);
            let timings = [e.at.is_some(), e.window.is_some(), e.every.is_some()]
                .iter()
                .filter(|b| **b)
                .count();
            if timings > 1 {
                self.err(
                    &e.ptr,
                    format!(
                        "evaluation '{}' has more than one of `at`, `window`, `every`",
                        e.id
                    ),
                    "keep one timing per evaluation moment",
                );
            }
            if let Some(a) = &e.at {
                self.duration(&format!("{}/at", e.ptr), a);
            }
            if let Some(a) = &e.every {
                self.duration(&format!("{}/every", e.ptr), a);
            }
            if let Some(w) = &e.window {
                let from = self
                    .duration(&format!("{}/from", w.ptr), &w.from)
                    .and_then(Duration::days);
                let to = self
                    .duration(&format!("{}/to", w.ptr), &w.to)
                    .and_then(Duration::days);
                if let (Some(a), Some(b)) = (from, to) {
                    if a > b {
                        self.err(
                            &format!("{}/from", w.ptr),
                            format!("window opens ({}) after it closes ({})", w.from, w.to),
                            "write the earlier offset under `from:`",
                        );
                    }
                }
            }
            for (i, t) in e.tracks.iter().enumerate() {
                self.reference(&format!("{}/tracks/{i}", e.ptr), "track", t, track_ids);
            }
            if let Some(m) = &e.module {
                self.reference(&format!("{}/module", e.ptr), "module", m, module_ids);
            }
            if matches!(e.anchor, Anchor::ModuleStart | Anchor::ModuleEnd) && e.module.is_none() {
                self.err(
                    &format!("{}/anchor", e.ptr),
                    format!("anchor '{}' needs `module:`", e.anchor),
                    "name the module whose start or end the timing counts from",
                );
            }
        }

        eval_ids
    }

    /// Pathway steps: modules, order and gates resolve.
    fn pathway(&mut self, v: &Version, module_ids: &BTreeSet<String>, eval_ids: &BTreeSet<String>) {
        let step_ids = self.unique(
            "step",
            v.pathway
                .steps
                .iter()
                .map(|s| (s.id.as_str(), s.ptr.as_str())),
        );
        self.opt_label(&format!("{}/note", v.pathway.ptr), &v.pathway.note);
        for s in &v.pathway.steps {
            self.opt_label(&format!("{}/label", s.ptr), &s.label);
            for (i, m) in s.modules.iter().enumerate() {
                self.reference(&format!("{}/modules/{i}", s.ptr), "module", m, module_ids);
            }
            for (i, a) in s.after.iter().enumerate() {
                if a == &s.id {
                    self.err(
                        &format!("{}/after/{i}", s.ptr),
                        format!("step '{}' cannot come after itself", s.id),
                        "remove it from `after:`",
                    );
                } else {
                    self.reference(&format!("{}/after/{i}", s.ptr), "step", a, &step_ids);
                }
            }
            if let Some(g) = &s.gate {
                if eval_ids.contains(&g.evaluation) {
                    let e = v
                        .evaluations
                        .iter()
                        .find(|e| e.id == g.evaluation)
                        .expect("id checked");
                    if !e.decisions.iter().any(|d| d == &g.decision) {
                        self.err(
                            &format!("{}/decision", g.ptr),
                            format!("evaluation '{}' cannot decide '{}'", e.id, g.decision),
                            format!("its decisions: {}", Decision::list(&e.decisions)),
                        );
                    }
                } else {
                    self.reference(
                        &format!("{}/evaluation", g.ptr),
                        "evaluation",
                        &g.evaluation,
                        eval_ids,
                    );
                }
            }
        }
        if v.pathway.kind == PathwayKind::Gated && v.pathway.steps.iter().all(|s| s.gate.is_none())
        {
            self.err(
                &format!("{}/kind", v.pathway.ptr),
                "a gated pathway needs at least one step with `gate:`",
                "add a gate, or choose kind sequential",
            );
        }
    }

    /// Staffing, capacity and funding: references, a norm with staff behind it, shares summing to 100.
    fn staffing_and_funding(&mut self, v: &Version) {
        let funder_ids = self.unique(
            "funder",
            v.funding
                .funders
                .iter()
                .map(|f| (f.id.as_str(), f.ptr.as_str())),
        );
        let _ = self.unique(
            "role",
            v.staffing.iter().map(|r| (r.id.as_str(), r.ptr.as_str())),
        );
        for r in &v.staffing {
            self.label(&format!("{}/label", r.ptr), &r.label);
            self.opt_label(&format!("{}/note", r.ptr), &r.note);
            for (i, f) in r.funded_by.iter().enumerate() {
                self.reference(
                    &format!("{}/funded_by/{i}", r.ptr),
                    "funder",
                    f,
                    &funder_ids,
                );
            }
        }
        self.opt_label(&format!("{}/note", v.capacity.ptr), &v.capacity.note);
        if v.capacity.caseload_per_fte.is_some()
            && v.capacity.total.is_none()
            && v.caseload_fte() <= 0.0
        {
            self.err(
                &format!("{}/caseload_per_fte", v.capacity.ptr),
                "a caseload norm per FTE needs staff that count for it",
                "mark the guiding roles with `counts_for_caseload: true`",
            );
        }
        let mut rules_for_funders = Vec::new();
        for f in &v.funding.funders {
            self.label(&format!("{}/label", f.ptr), &f.label);
            for c in &f.eligible_if {
                self.condition(c, &mut rules_for_funders);
            }
        }
        self.opt_label(&format!("{}/note", v.funding.ptr), &v.funding.note);
        self.funding_split(v, &funder_ids);
    }

    /// Each cost category split once, its shares adding up to 100, each funder once.
    fn funding_split(&mut self, v: &Version, funder_ids: &BTreeSet<String>) {
        let mut categories: HashMap<&str, &str> = HashMap::new();
        for s in &v.funding.split {
            self.opt_label(&format!("{}/note", s.ptr), &s.note);
            if let Some(first) = categories.insert(s.category.as_str(), s.ptr.as_str()) {
                let line = self.program.pos(first).line;
                self.err(
                    &format!("{}/category", s.ptr),
                    format!(
                        "cost category '{}' is split twice (first on line {line})",
                        s.category
                    ),
                    "merge the two entries",
                );
            }
            let total: f64 = s.shares.iter().map(|sh| sh.percent).sum();
            if (total - 100.0).abs() > 1e-6 {
                self.err(
                    &format!("{}/shares", s.ptr),
                    format!("shares of '{}' sum to {total}, not 100", s.category),
                    "the percentages of one cost category must add up to exactly 100",
                );
            }
            let mut seen = BTreeSet::new();
            for sh in &s.shares {
                self.reference(
                    &format!("{}/funder", sh.ptr),
                    "funder",
                    &sh.funder,
                    funder_ids,
                );
                if !seen.insert(sh.funder.as_str()) {
                    self.err(
                        &format!("{}/funder", sh.ptr),
                        format!("funder '{}' appears twice in this split", sh.funder),
                        "merge its shares",
                    );
                }
            }
        }
    }

    /// Pause and re-open policies: fixed lengths, translated notes.
    fn continuity(&mut self, v: &Version) {
        let fixed = |c: &mut Self, ptr: String, text: &str| {
            if let Some(Duration::Open) = c.duration(&ptr, text) {
                c.err(&ptr, "this must be a fixed length", "e.g. \"3 months\"");
            }
        };
        if let Some(p) = &v.pause {
            fixed(self, format!("{}/max_length", p.ptr), &p.max_length);
            self.opt_label(&format!("{}/note", p.ptr), &p.note);
        }
        if let Some(r) = &v.reopen {
            fixed(self, format!("{}/within", r.ptr), &r.within);
            self.opt_label(&format!("{}/note", r.ptr), &r.note);
        }
    }

    /// Group modules in the demand: a module of the version with a group size and a fixed
    /// length, so that its seats can be simulated.
    fn demand_modules(&mut self, v: &Version, d: &Demand) {
        let ids: BTreeSet<String> = v.modules.iter().map(|m| m.id.clone()).collect();
        for m in &d.modules {
            let at = format!("{}/module", m.ptr);
            let Some(module) = v.module(&m.module) else {
                self.reference(&at, "module", &m.module, &ids);
                continue;
            };
            if module.group_size.as_ref().and_then(|g| g.max).is_none() {
                self.err(
                    &at,
                    format!(
                        "module '{}' has no `group_size: {{max: …}}`: its seats are unknown",
                        m.module
                    ),
                    "give the module a maximum group size, or leave it out of `demand.modules`",
                );
            }
            let fixed = module
                .duration
                .as_deref()
                .and_then(|t| Duration::parse(t).ok())
                .and_then(Duration::days);
            if fixed.is_none() {
                self.err(
                    &at,
                    format!(
                        "module '{}' has no fixed `duration:`: how long a seat is taken is unknown",
                        m.module
                    ),
                    "give the module a duration such as \"3 months\"",
                );
            }
        }
    }

    fn demand(&mut self, v: &Version, track_ids: &BTreeSet<String>) {
        let Some(d) = &v.demand else { return };
        self.opt_label(&format!("{}/note", d.ptr), &d.note);
        self.demand_modules(v, d);
        if !d.track_mix.is_empty() {
            let total: f64 = d.track_mix.values().sum();
            if (total - 1.0).abs() > 1e-6 {
                self.err(
                    &format!("{}/track_mix", d.ptr),
                    format!("track shares sum to {total}, not 1"),
                    "the shares of all tracks together are 1 (e.g. short: 0.4, long: 0.6)",
                );
            }
            for t in d.track_mix.keys() {
                self.reference(&format!("{}/track_mix/{t}", d.ptr), "track", t, track_ids);
            }
        } else if !v.tracks.is_empty() && v.tracks.len() > 1 {
            self.err(
                &d.ptr,
                "this version has several tracks: give `track_mix:`",
                "e.g. track_mix: {short: 0.5, long: 0.5}",
            );
        }
        if v.tracks.is_empty() && d.stay.is_none() {
            self.err(
                &d.ptr,
                "this version has no tracks: give `stay:`, how long a trajectory lasts",
                "e.g. stay: \"9 months\" with its source",
            );
        }
        for (key, value) in [("stay", &d.stay), ("extension", &d.extension)] {
            if let Some(t) = value {
                if let Some(Duration::Open) = self.duration(&format!("{}/{key}", d.ptr), t) {
                    self.err(
                        &format!("{}/{key}", d.ptr),
                        format!("`{key}` must be a fixed length for the simulation"),
                        "e.g. \"9 months\"",
                    );
                }
            }
        }
        if d.extension_rate.is_some_and(|r| r > 0.0) && d.extension.is_none() {
            self.err(
                &format!("{}/extension_rate", d.ptr),
                "an extension rate needs `extension:` (how long an extension lasts)",
                "e.g. extension: \"3 months\"",
            );
        }
        if let Some(r) = &d.reneging {
            self.duration(&format!("{}/after", r.ptr), &r.after);
        }
        let not_started: BTreeSet<String> = v
            .exits
            .iter()
            .filter(|e| e.kind == ExitKind::NotStarted)
            .map(|e| e.id.clone())
            .collect();
        for (i, reason) in d.not_started_reasons.iter().enumerate() {
            self.reference(
                &format!("{}/not_started_reasons/{i}", d.ptr),
                "not-started exit",
                reason,
                &not_started,
            );
        }
        match (v.capacity.caseload_per_fte, d.caseload_per_fte) {
            (Some(_), Some(_)) => self.err(
                &format!("{}/caseload_per_fte", d.ptr),
                "the version states a caseload norm; the demand profile may not assume another",
                "remove caseload_per_fte from demand:",
            ),
            (None, None) if v.capacity.total.is_none() => self.err(
                &d.ptr,
                "the version states no caseload norm: give `caseload_per_fte:` as a cited assumption for the simulation",
                "e.g. caseload_per_fte: 20 with a source saying where the figure comes from",
            ),
            _ => {}
        }
    }

    /// `after:` links between steps must not form a loop.
    fn cycles(&mut self, v: &Version) {
        let index: HashMap<&str, &Step> =
            v.pathway.steps.iter().map(|s| (s.id.as_str(), s)).collect();
        for start in &v.pathway.steps {
            let mut stack: Vec<&str> = start.after.iter().map(String::as_str).collect();
            let mut seen = BTreeSet::new();
            while let Some(id) = stack.pop() {
                if id == start.id {
                    self.err(
                        &format!("{}/after", start.ptr),
                        format!(
                            "step '{}' ends up after itself (a loop in `after:`)",
                            start.id
                        ),
                        "remove one of the `after:` links in the loop",
                    );
                    break;
                }
                if seen.insert(id) {
                    if let Some(s) = index.get(id) {
                        stack.extend(s.after.iter().map(String::as_str));
                    }
                }
            }
        }
    }
}

pub fn semantic_checks(program: &Program) -> Vec<Diagnostic> {
    let mut c = Checker {
        program,
        out: Vec::new(),
    };
    let spec = &program.spec;
    c.label("/name", &spec.name);
    c.label("/organisation", &spec.organisation);
    c.opt_label("/summary", &spec.summary);
    if let Some(r) = &spec.retention {
        c.opt_label(&format!("{}/note", r.ptr), &r.note);
        if let Some(Duration::Open) = c.duration(&format!("{}/erase_after", r.ptr), &r.erase_after)
        {
            c.err(
                &format!("{}/erase_after", r.ptr),
                "`erase_after` must be a fixed length",
                "e.g. \"5 years\"",
            );
        }
    }
    let mut mapped: HashMap<String, String> = HashMap::new();
    for e in &spec.level_equivalences {
        for (i, n) in e.nt2.iter().enumerate() {
            if let Some(first) = mapped.insert(n.clone(), e.cefr.clone()) {
                c.err(
                    &format!("{}/nt2/{i}", e.ptr),
                    format!("NT2 level {n} is already mapped to {first}"),
                    "map each NT2 level to one CEFR level",
                );
            }
        }
        c.opt_label(&format!("{}/note", e.ptr), &e.note);
    }
    for o in &spec.options {
        c.label(&format!("{}/label", o.ptr), &o.label);
        for ch in &o.choices {
            c.label(&format!("{}/label", ch.ptr), &ch.label);
        }
    }
    let _ = c.unique(
        "option",
        spec.options.iter().map(|o| (o.id.as_str(), o.ptr.as_str())),
    );
    let _ = c.unique(
        "version",
        spec.versions
            .iter()
            .map(|v| (v.id.as_str(), v.ptr.as_str())),
    );
    for v in &spec.versions {
        c.version(v);
    }
    // Versions must not overlap in time.
    let mut sorted: Vec<&Version> = spec.versions.iter().collect();
    sorted.sort_by_key(|v| v.valid_from);
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.valid_to.is_none_or(|to| to >= b.valid_from) {
            c.err(
                &format!("{}/valid_from", b.ptr),
                format!(
                    "version '{}' (from {}) overlaps version '{}' ({} to {})",
                    b.id,
                    b.valid_from,
                    a.id,
                    a.valid_from,
                    a.valid_to.map_or("open end".into(), |d| d.to_string())
                ),
                format!(
                    "end version '{}' the day before {} or start this one later",
                    a.id, b.valid_from
                ),
            );
        }
    }
    c.out.sort_by_key(|d| (d.line, d.col));
    c.out.dedup();
    c.out
}
