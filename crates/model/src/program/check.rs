//! Semantic checks the schema cannot express: ids unique and references resolving, dates
//! ordered and versions not overlapping, funding shares summing to 100, min ≤ max, labels in
//! the society language, rule kinds and their parameters. All problems are collected.

use std::collections::{BTreeSet, HashMap};

use super::duration::Duration;
use super::kinds;
use super::load::Program;
use super::model::*;
use super::scripts;
use crate::diag::{did_you_mean, Diagnostic};
use crate::problem::{CheckProblem, Entry, Known, Problem};
use crate::text::Label;

struct Checker<'a> {
    program: &'a Program,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// A problem at `ptr` in the programme file.
    fn report(&mut self, ptr: &str, problem: impl Into<Problem>) {
        let place = self.program.index.locate(ptr);
        let d = Diagnostic::error(&self.program.file, place.value, problem).with_width(place.width);
        self.out.push(d);
    }

    fn label(&mut self, ptr: &str, label: &Label) {
        let language = self.program.spec.society_language;
        if !label.has(language) {
            self.report(ptr, CheckProblem::MissingSocietyText { language });
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
        entry: Entry,
        items: impl IntoIterator<Item = (&'i str, &'i str)>,
    ) -> BTreeSet<String> {
        let mut seen: HashMap<String, String> = HashMap::new();
        for (id, ptr) in items {
            if let Some(first) = seen.get(id) {
                let first_line = self.program.pos(first).line;
                let problem = CheckProblem::DuplicateId {
                    entry,
                    id: id.to_string(),
                    first_line,
                };
                self.report(&format!("{ptr}/id"), problem);
            } else {
                seen.insert(id.to_string(), ptr.to_string());
            }
        }
        seen.into_keys().collect()
    }

    fn reference(&mut self, ptr: &str, entry: Entry, id: &str, known: &BTreeSet<String>) {
        if !known.contains(id) {
            let problem = CheckProblem::UnknownReference {
                entry,
                id: id.to_string(),
                known: Known::of(id, known.iter().map(String::as_str)),
            };
            self.report(ptr, problem);
        }
    }

    /// A length that must be fixed (not "open").
    fn fixed(&mut self, ptr: &str, d: Duration, problem: CheckProblem) {
        if !d.is_fixed() {
            self.report(ptr, problem);
        }
    }

    fn schedule(&mut self, s: &Schedule) {
        if let Some(t) = s.times.as_ref().and_then(|t| t.as_str()) {
            if let Some((a, b)) = t.split_once('-') {
                let (a, b): (f64, f64) = (a.parse().unwrap_or(0.0), b.parse().unwrap_or(0.0));
                if a > b {
                    let problem = CheckProblem::RangeBackwards {
                        range: t.to_string(),
                    };
                    self.report(&format!("{}/times", s.ptr), problem);
                }
            }
        }
        if s.times.is_some() && s.per.is_none() {
            self.report(&format!("{}/times", s.ptr), CheckProblem::TimesWithoutPer);
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
            self.report(&format!("{}/all_of", c.ptr), CheckProblem::AnyOfAndAllOf);
        }
        match (&c.kind, group.is_empty()) {
            (Some(_), false) => self.report(&c.ptr, CheckProblem::KindAndGroup),
            (None, true) => {
                let problem = CheckProblem::NoKindNorGroup {
                    rule: c.id.clone(),
                    kinds: kinds::KINDS.iter().map(|k| k.to_string()).collect(),
                };
                self.report(&c.ptr, problem);
            }
            (Some(kind), true) => self.rule_kind(c, kind),
            (None, false) => {
                for alt in group {
                    self.condition(alt, rule_ids);
                }
            }
        }
    }

    /// A rule with its own `kind:`: the kind's parameters, and the script it names.
    fn rule_kind(&mut self, c: &Condition, kind: &str) {
        if let Err(problem) = kinds::check_params(kind, c.field.as_deref(), c.value.as_ref()) {
            let ptr = format!("{}/{}", c.ptr, problem.key());
            let ptr = if self.program.index.get(&ptr).is_some() {
                ptr
            } else {
                format!("{}/kind", c.ptr)
            };
            self.report(&ptr, problem);
        } else if kind == "script" {
            let name = c
                .value
                .as_ref()
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            self.script(&format!("{}/value", c.ptr), name);
        }
    }

    fn script(&mut self, ptr: &str, name: &str) {
        if self.program.scripts.contains_key(name) {
            return;
        }
        let available = scripts::available(&self.program.file);
        if !available.iter().any(|s| s == name) {
            let problem = CheckProblem::UnknownScript {
                name: name.to_string(),
                nearest: did_you_mean(name, available.iter().map(String::as_str))
                    .map(str::to_string),
                available,
            };
            self.report(ptr, problem);
        }
    }

    fn version(&mut self, v: &Version) {
        self.opt_label(&format!("{}/label", v.ptr), &v.label);
        self.opt_label(&format!("{}/note", v.ptr), &v.note);
        if let Some(to) = v.valid_to {
            if to < v.valid_from {
                let problem = CheckProblem::ValidToBeforeFrom {
                    from: v.valid_from,
                    to,
                };
                self.report(&format!("{}/valid_to", v.ptr), problem);
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
            Entry::Exit,
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
            // An inference never refuses a client on its own.
            let inferred = r.source.contains("(inference)") || r.source.starts_with("inference:");
            if inferred && matches!(r.mode, Mode::Hard | Mode::Assessed) {
                let problem = CheckProblem::InferenceRefuses { rule: r.id.clone() };
                self.report(&format!("{}/source", r.ptr), problem);
            }
            self.condition(&r.as_condition(), &mut rule_ids);
            for e in &r.exceptions {
                self.condition(e, &mut rule_ids);
            }
        }
        self.unique(
            Entry::Rule,
            rule_ids.iter().map(|(a, b)| (a.as_str(), b.as_str())),
        );
    }

    /// Tracks, partners, modules and phases; returns the track and module ids for references.
    fn tracks_and_modules(&mut self, v: &Version) -> (BTreeSet<String>, BTreeSet<String>) {
        let track_ids = self.unique(
            Entry::Track,
            v.tracks.iter().map(|t| (t.id.as_str(), t.ptr.as_str())),
        );
        for t in &v.tracks {
            self.label(&format!("{}/label", t.ptr), &t.label);
            self.opt_label(&format!("{}/selection", t.ptr), &t.selection);
            if t.extension.is_some() && !t.extendable {
                let ptr = format!("{}/extension", t.ptr);
                self.report(&ptr, CheckProblem::ExtensionNotExtendable);
            }
        }
        let partner_ids = self.unique(
            Entry::Partner,
            v.partners.iter().map(|p| (p.id.as_str(), p.ptr.as_str())),
        );
        for p in &v.partners {
            self.opt_label(&format!("{}/role", p.ptr), &p.role);
        }
        let module_ids = self.unique(
            Entry::Module,
            v.modules.iter().map(|m| (m.id.as_str(), m.ptr.as_str())),
        );
        let mut phases: Vec<&Phase> = v.phases.iter().collect();
        for m in &v.modules {
            self.module(m, &partner_ids);
            phases.extend(m.phases.iter());
        }
        self.unique(
            Entry::Phase,
            v.phases.iter().map(|p| (p.id.as_str(), p.ptr.as_str())),
        );
        for p in phases {
            self.phase(p, &track_ids);
        }

        (track_ids, module_ids)
    }

    /// One module: labels, goals, schedule, group size, partners, routing script.
    fn module(&mut self, m: &Module, partner_ids: &BTreeSet<String>) {
        self.label(&format!("{}/label", m.ptr), &m.label);
        self.opt_label(&format!("{}/note", m.ptr), &m.note);
        for (i, g) in m.goals.iter().enumerate() {
            self.label(&format!("{}/goals/{i}", m.ptr), g);
        }
        if let Some(s) = &m.schedule {
            self.schedule(s);
        }
        if let Some(GroupSize {
            min: Some(lo),
            max: Some(hi),
            ptr,
            ..
        }) = &m.group_size
        {
            if lo > hi {
                let problem = CheckProblem::GroupMinAboveMax { min: *lo, max: *hi };
                self.report(&format!("{ptr}/min"), problem);
            }
        }
        for t in m.group_size.iter().flat_map(|g| g.temporary.iter()) {
            if t.from > t.to {
                let problem = CheckProblem::TemporaryLimitBackwards {
                    from: t.from,
                    to: t.to,
                };
                self.report(&format!("{}/to", t.ptr), problem);
            }
            self.opt_label(&format!("{}/note", t.ptr), &t.note);
        }
        for (i, p) in m.partners.iter().enumerate() {
            let ptr = format!("{}/partners/{i}", m.ptr);
            self.reference(&ptr, Entry::Partner, p, partner_ids);
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
            self.reference(&format!("{}/tracks/{i}", p.ptr), Entry::Track, t, track_ids);
        }
        if let Some(s) = &p.contact {
            self.schedule(s);
        }
    }

    /// Evaluation moments: one timing each, windows in order, references.
    fn evaluations(
        &mut self,
        v: &Version,
        track_ids: &BTreeSet<String>,
        module_ids: &BTreeSet<String>,
    ) -> BTreeSet<String> {
        let eval_ids = self.unique(
            Entry::Evaluation,
            v.evaluations
                .iter()
                .map(|e| (e.id.as_str(), e.ptr.as_str())),
        );
        for e in &v.evaluations {
            self.evaluation(e, track_ids, module_ids);
        }
        eval_ids
    }

    /// One evaluation moment: labels, a single timing, its window and references.
    fn evaluation(
        &mut self,
        e: &Evaluation,
        track_ids: &BTreeSet<String>,
        module_ids: &BTreeSet<String>,
    ) {
        self.label(&format!("{}/label", e.ptr), &e.label);
        self.opt_label(&format!("{}/note", e.ptr), &e.note);
        let timings = [e.at.is_some(), e.window.is_some(), e.every.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if timings > 1 {
            let problem = CheckProblem::SeveralTimings {
                evaluation: e.id.clone(),
            };
            self.report(&e.ptr, problem);
        }
        if let Some(w) = &e.window {
            self.window(w);
        }
        for (i, t) in e.tracks.iter().enumerate() {
            self.reference(&format!("{}/tracks/{i}", e.ptr), Entry::Track, t, track_ids);
        }
        if let Some(m) = &e.module {
            self.reference(&format!("{}/module", e.ptr), Entry::Module, m, module_ids);
        }
        if matches!(e.anchor, Anchor::ModuleStart | Anchor::ModuleEnd) && e.module.is_none() {
            let problem = CheckProblem::AnchorNeedsModule { anchor: e.anchor };
            self.report(&format!("{}/anchor", e.ptr), problem);
        }
    }

    /// An evaluation window: the earlier offset first.
    fn window(&mut self, w: &Window) {
        if let (Some(a), Some(b)) = (w.from.days(), w.to.days()) {
            if a > b {
                let problem = CheckProblem::WindowBackwards {
                    from: w.from,
                    to: w.to,
                };
                self.report(&format!("{}/from", w.ptr), problem);
            }
        }
    }

    /// Pathway steps: modules, order and gates resolve.
    fn pathway(&mut self, v: &Version, module_ids: &BTreeSet<String>, eval_ids: &BTreeSet<String>) {
        let step_ids = self.unique(
            Entry::Step,
            v.pathway
                .steps
                .iter()
                .map(|s| (s.id.as_str(), s.ptr.as_str())),
        );
        self.opt_label(&format!("{}/note", v.pathway.ptr), &v.pathway.note);
        for s in &v.pathway.steps {
            self.opt_label(&format!("{}/label", s.ptr), &s.label);
            for (i, m) in s.modules.iter().enumerate() {
                let ptr = format!("{}/modules/{i}", s.ptr);
                self.reference(&ptr, Entry::Module, m, module_ids);
            }
            for (i, a) in s.after.iter().enumerate() {
                let ptr = format!("{}/after/{i}", s.ptr);
                let earlier = v.pathway.steps.iter().find(|e| &e.id == a);
                if s.before_start && earlier.is_some_and(|e| !e.before_start) {
                    let problem = CheckProblem::BeforeStartAfterStart {
                        step: s.id.clone(),
                        after: a.clone(),
                    };
                    self.report(&ptr, problem);
                }
                if a == &s.id {
                    let problem = CheckProblem::StepAfterItself { step: s.id.clone() };
                    self.report(&ptr, problem);
                } else {
                    self.reference(&ptr, Entry::Step, a, &step_ids);
                }
            }
            if let Some(g) = &s.gate {
                self.gate(v, g, eval_ids);
            }
        }
        if v.pathway.kind == PathwayKind::Gated && v.pathway.steps.iter().all(|s| s.gate.is_none())
        {
            let ptr = format!("{}/kind", v.pathway.ptr);
            self.report(&ptr, CheckProblem::GatedWithoutGate);
        }
    }

    /// A step's gate: an evaluation of this version that can take the decision.
    fn gate(&mut self, v: &Version, g: &Gate, eval_ids: &BTreeSet<String>) {
        if eval_ids.contains(&g.evaluation) {
            let e = v
                .evaluations
                .iter()
                .find(|e| e.id == g.evaluation)
                .expect("id checked");
            if !e.decisions.iter().any(|d| d == &g.decision) {
                let problem = CheckProblem::GateDecision {
                    evaluation: e.id.clone(),
                    decision: g.decision,
                    decisions: e.decisions.clone(),
                };
                self.report(&format!("{}/decision", g.ptr), problem);
            }
        } else {
            let ptr = format!("{}/evaluation", g.ptr);
            self.reference(&ptr, Entry::Evaluation, &g.evaluation, eval_ids);
        }
    }

    /// Staffing, capacity and funding: references, a norm with staff behind it, shares summing to 100.
    fn staffing_and_funding(&mut self, v: &Version) {
        let funder_ids = self.unique(
            Entry::Funder,
            v.funding
                .funders
                .iter()
                .map(|f| (f.id.as_str(), f.ptr.as_str())),
        );
        let _ = self.unique(
            Entry::Role,
            v.staffing.iter().map(|r| (r.id.as_str(), r.ptr.as_str())),
        );
        for r in &v.staffing {
            self.label(&format!("{}/label", r.ptr), &r.label);
            self.opt_label(&format!("{}/note", r.ptr), &r.note);
            for (i, f) in r.funded_by.iter().enumerate() {
                let ptr = format!("{}/funded_by/{i}", r.ptr);
                self.reference(&ptr, Entry::Funder, f, &funder_ids);
            }
            let mut previous = None;
            for (i, step) in r.fte_from.iter().enumerate() {
                if !v.in_force_on(step.from) || previous.is_some_and(|p| step.from <= p) {
                    let problem = CheckProblem::FteStepOutOfPlace {
                        role: r.id.clone(),
                        from: step.from,
                        version_from: v.valid_from,
                        version_to: v.valid_to,
                    };
                    self.report(&format!("{}/fte_from/{i}/from", r.ptr), problem);
                }
                previous = Some(step.from);
            }
        }
        self.opt_label(&format!("{}/note", v.capacity.ptr), &v.capacity.note);
        if v.capacity.caseload_per_fte.is_some()
            && v.capacity.total.is_none()
            && v.caseload_fte() <= 0.0
        {
            let ptr = format!("{}/caseload_per_fte", v.capacity.ptr);
            self.report(&ptr, CheckProblem::NormWithoutStaff);
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
                let problem = CheckProblem::CategorySplitTwice {
                    category: s.category.clone(),
                    first_line: self.program.pos(first).line,
                };
                self.report(&format!("{}/category", s.ptr), problem);
            }
            let total: f64 = s.shares.iter().map(|sh| sh.percent).sum();
            if (total - 100.0).abs() > 1e-6 {
                let problem = CheckProblem::SharesNot100 {
                    category: s.category.clone(),
                    total,
                };
                self.report(&format!("{}/shares", s.ptr), problem);
            }
            let mut seen = BTreeSet::new();
            for sh in &s.shares {
                let ptr = format!("{}/funder", sh.ptr);
                self.reference(&ptr, Entry::Funder, &sh.funder, funder_ids);
                if !seen.insert(sh.funder.as_str()) {
                    let problem = CheckProblem::FunderTwiceInSplit {
                        funder: sh.funder.clone(),
                    };
                    self.report(&ptr, problem);
                }
            }
        }
    }

    /// Pause and re-open policies: fixed lengths, translated notes.
    fn continuity(&mut self, v: &Version) {
        if let Some(p) = &v.pause {
            let ptr = format!("{}/max_length", p.ptr);
            self.fixed(&ptr, p.max_length, CheckProblem::NotFixedLength);
            self.opt_label(&format!("{}/note", p.ptr), &p.note);
        }
        if let Some(r) = &v.reopen {
            let ptr = format!("{}/within", r.ptr);
            self.fixed(&ptr, r.within, CheckProblem::NotFixedLength);
            self.opt_label(&format!("{}/note", r.ptr), &r.note);
        }
        if let Some(a) = &v.attendance {
            self.opt_label(&format!("{}/note", a.ptr), &a.note);
        }
    }

    /// Group modules in the demand: a module of the version with a group size and a fixed
    /// length, so that its seats can be simulated.
    fn demand_modules(&mut self, v: &Version, d: &Demand) {
        let ids: BTreeSet<String> = v.modules.iter().map(|m| m.id.clone()).collect();
        for m in &d.modules {
            let at = format!("{}/module", m.ptr);
            let Some(module) = v.module(&m.module) else {
                self.reference(&at, Entry::Module, &m.module, &ids);
                continue;
            };
            if module.group_size.as_ref().and_then(|g| g.max).is_none() {
                let problem = CheckProblem::GroupModuleWithoutMax {
                    module: m.module.clone(),
                };
                self.report(&at, problem);
            }
            if module.duration.and_then(Duration::days).is_none() {
                let problem = CheckProblem::GroupModuleWithoutDuration {
                    module: m.module.clone(),
                };
                self.report(&at, problem);
            }
        }
    }

    fn demand(&mut self, v: &Version, track_ids: &BTreeSet<String>) {
        let Some(d) = &v.demand else { return };
        self.opt_label(&format!("{}/note", d.ptr), &d.note);
        self.demand_modules(v, d);
        self.demand_tracks(v, d, track_ids);
        self.demand_lengths(d);
        self.demand_norm(v, d);
    }

    /// The track mix of the demand profile, or its length of stay without tracks.
    fn demand_tracks(&mut self, v: &Version, d: &Demand, track_ids: &BTreeSet<String>) {
        if !d.track_mix.is_empty() {
            let total: f64 = d.track_mix.values().sum();
            if (total - 1.0).abs() > 1e-6 {
                let ptr = format!("{}/track_mix", d.ptr);
                self.report(&ptr, CheckProblem::TrackSharesNot1 { total });
            }
            for t in d.track_mix.keys() {
                let ptr = format!("{}/track_mix/{t}", d.ptr);
                self.reference(&ptr, Entry::Track, t, track_ids);
            }
        } else if !v.tracks.is_empty() && v.tracks.len() > 1 {
            self.report(&d.ptr, CheckProblem::TrackMixMissing);
        }
        if v.tracks.is_empty() && d.stay.is_none() {
            self.report(&d.ptr, CheckProblem::StayMissing);
        }
    }

    /// Lengths the simulation needs fixed: stay and extension; an extension for a rate.
    fn demand_lengths(&mut self, d: &Demand) {
        for (key, value) in [("stay", d.stay), ("extension", d.extension)] {
            if let Some(t) = value {
                let problem = CheckProblem::DemandLengthOpen {
                    key: key.to_string(),
                };
                self.fixed(&format!("{}/{key}", d.ptr), t, problem);
            }
        }
        if d.extension_rate.is_some_and(|r| r > 0.0) && d.extension.is_none() {
            let ptr = format!("{}/extension_rate", d.ptr);
            self.report(&ptr, CheckProblem::ExtensionRateWithoutExtension);
        }
    }

    /// Never-started reasons that name exits, and one caseload norm: the version's or the
    /// profile's assumption.
    fn demand_norm(&mut self, v: &Version, d: &Demand) {
        let not_started: BTreeSet<String> = v
            .exits
            .iter()
            .filter(|e| e.kind == ExitKind::NotStarted)
            .map(|e| e.id.clone())
            .collect();
        for (i, reason) in d.not_started_reasons.iter().enumerate() {
            let ptr = format!("{}/not_started_reasons/{i}", d.ptr);
            self.reference(&ptr, Entry::NotStartedExit, reason, &not_started);
        }
        match (v.capacity.caseload_per_fte, d.caseload_per_fte) {
            (Some(_), Some(_)) => {
                let ptr = format!("{}/caseload_per_fte", d.ptr);
                self.report(&ptr, CheckProblem::NormTwice);
            }
            (None, None) if v.capacity.total.is_none() => {
                self.report(&d.ptr, CheckProblem::NormMissing);
            }
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
                    let problem = CheckProblem::StepLoop {
                        step: start.id.clone(),
                    };
                    self.report(&format!("{}/after", start.ptr), problem);
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
    retention_and_levels(&mut c, spec);
    for o in &spec.options {
        c.label(&format!("{}/label", o.ptr), &o.label);
        for ch in &o.choices {
            c.label(&format!("{}/label", ch.ptr), &ch.label);
        }
    }
    let _ = c.unique(
        Entry::Option,
        spec.options.iter().map(|o| (o.id.as_str(), o.ptr.as_str())),
    );
    let _ = c.unique(
        Entry::Version,
        spec.versions
            .iter()
            .map(|v| (v.id.as_str(), v.ptr.as_str())),
    );
    for v in &spec.versions {
        c.version(v);
    }
    overlaps(&mut c, spec);
    c.out.sort_by_key(|d| (d.line, d.col));
    c.out.dedup();
    c.out
}

/// The retention period is a fixed length; each NT2 level maps to one CEFR level.
fn retention_and_levels(c: &mut Checker, spec: &crate::program::model::ProgramSpec) {
    if let Some(r) = &spec.retention {
        c.opt_label(&format!("{}/note", r.ptr), &r.note);
        let ptr = format!("{}/erase_after", r.ptr);
        c.fixed(&ptr, r.erase_after, CheckProblem::RetentionOpen);
        if let Some(u) = &r.unended {
            let ptr = format!("{}/erase_after", u.ptr);
            c.fixed(&ptr, u.erase_after, CheckProblem::RetentionOpen);
        }
    }
    let mut mapped: HashMap<String, String> = HashMap::new();
    for e in &spec.level_equivalences {
        for (i, n) in e.nt2.iter().enumerate() {
            if let Some(first) = mapped.insert(n.clone(), e.cefr.clone()) {
                let problem = CheckProblem::Nt2Twice {
                    level: n.clone(),
                    first,
                };
                c.report(&format!("{}/nt2/{i}", e.ptr), problem);
            }
        }
        c.opt_label(&format!("{}/note", e.ptr), &e.note);
    }
}

/// Versions must not overlap in time.
fn overlaps(c: &mut Checker, spec: &crate::program::model::ProgramSpec) {
    let mut sorted: Vec<&Version> = spec.versions.iter().collect();
    sorted.sort_by_key(|v| v.valid_from);
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.valid_to.is_none_or(|to| to >= b.valid_from) {
            let problem = CheckProblem::VersionsOverlap {
                version: b.id.clone(),
                from: b.valid_from,
                other: a.id.clone(),
                other_from: a.valid_from,
                other_to: a.valid_to,
            };
            c.report(&format!("{}/valid_from", b.ptr), problem);
        }
    }
}
