//! Semantic checks the schema cannot express: ids unique and references resolving, dates
//! ordered and versions not overlapping, funding shares summing to 100, min ≤ max, labels in
//! the society language, rule kinds and their parameters. All problems are collected.

use std::collections::{BTreeSet, HashMap};

use super::duration::Duration;
use super::kinds;
use super::load::Program;
use super::model::*;
use super::scripts;
use crate::diag::{suggestion_in, Diagnostic};
use traject_i18n::Label;
use traject_i18n::{date, number, Lang};

struct Checker<'a> {
    program: &'a Program,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// A problem at `ptr` in the programme file, in English; `say` adds Dutch and French.
    fn located(
        &self,
        ptr: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        let place = self.program.index.locate(ptr);
        Diagnostic::error(&self.program.file, place.value, message)
            .with_width(place.width)
            .with_help(help)
    }

    /// A problem worded in English, Dutch and French: `[en, nl, fr]` message and help.
    fn say(&mut self, ptr: &str, message: [String; 3], help: [String; 3]) {
        let [m_en, m_nl, m_fr] = message;
        let [h_en, h_nl, h_fr] = help;
        let d = self.located(ptr, m_en, h_en).nl(m_nl, h_nl).fr(m_fr, h_fr);
        self.out.push(d);
    }

    fn label(&mut self, ptr: &str, label: &Label) {
        let lang = self.program.spec.society_language;
        if !label.has(lang) {
            self.say(
                ptr,
                [
                    format!("text is missing in the society language '{lang}'"),
                    format!("tekst ontbreekt in de taal van de samenleving '{lang}'"),
                    format!("le texte manque dans la langue de la société «\u{a0}{lang}\u{a0}»"),
                ],
                [
                    format!("add `{lang}: …` to this label; other languages fall back to it"),
                    format!("voeg `{lang}: …` toe aan dit label; andere talen vallen erop terug"),
                    format!("ajoutez `{lang}: …` à ce libellé ; les autres langues s'y replient"),
                ],
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
                self.say(
                    &format!("{ptr}/id"),
                    [
                        format!("duplicate {what} id '{id}' (first used on line {line})"),
                        format!(
                            "id '{id}' van {} komt twee keer voor (eerst op regel {line})",
                            noun(what, Lang::Nl)
                        ),
                        format!(
                            "l'id «\u{a0}{id}\u{a0}» ({}) figure deux fois (d'abord à la ligne {line})",
                            noun(what, Lang::Fr)
                        ),
                    ],
                    [
                        "give each entry its own id".into(),
                        "geef elk element een eigen id".into(),
                        "donnez à chaque entrée son propre id".into(),
                    ],
                );
            } else {
                seen.insert(id.to_string(), ptr.to_string());
            }
        }
        seen.into_keys().collect()
    }

    fn reference(&mut self, ptr: &str, what: &str, id: &str, known: &BTreeSet<String>) {
        if !known.contains(id) {
            let list = known.iter().cloned().collect::<Vec<_>>().join(", ");
            let mean = |lang| suggestion_in(id, known.iter().map(String::as_str), lang);
            let n = noun_forms(what);
            let nl_unknown = if n.nl_neuter { "onbekend" } else { "onbekende" };
            let fr_unknown = if n.fr_feminine { "inconnue" } else { "inconnu" };
            let fr_none = if n.fr_feminine { "aucune" } else { "aucun" };
            self.say(
                ptr,
                [
                    format!("unknown {what} '{id}'{}", mean(Lang::En)),
                    format!("{nl_unknown} {} '{id}'{}", n.nl, mean(Lang::Nl)),
                    format!("{} {fr_unknown} «\u{a0}{id}\u{a0}»{}", n.fr, mean(Lang::Fr)),
                ],
                if known.is_empty() {
                    [
                        format!("this version defines no {what}s"),
                        format!("deze versie heeft geen {}", n.nl_plural),
                        format!("cette version ne définit {fr_none} {}", n.fr),
                    ]
                } else {
                    [
                        format!("{what}s defined in this version: {list}"),
                        format!("{} in deze versie: {list}", n.nl_plural),
                        format!("{} de cette version : {list}", n.fr_plural),
                    ]
                },
            );
        }
    }

    fn duration(&mut self, ptr: &str, text: &str) -> Option<Duration> {
        match Duration::parse(text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.say(
                    ptr,
                    [
                        e,
                        format!("'{text}' is geen geldige duur"),
                        format!("«\u{a0}{text}\u{a0}» n'est pas une durée valide"),
                    ],
                    [
                        "write a number and a unit, e.g. \"3 months\"".into(),
                        "schrijf een getal en een eenheid zoals in het bestand, bv. \"3 months\" (hours, days, weeks, months, years of \"open\")".into(),
                        "écrivez un nombre et une unité comme dans le fichier, p. ex. \"3 months\" (hours, days, weeks, months, years ou \"open\")".into(),
                    ],
                );
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
                    self.say(
                        &format!("{}/times", s.ptr),
                        [
                            format!("range '{t}' runs backwards"),
                            format!("bereik '{t}' loopt achterstevoren"),
                            format!("l'intervalle «\u{a0}{t}\u{a0}» est à l'envers"),
                        ],
                        [
                            "write the smaller number first, e.g. \"1-2\"".into(),
                            "schrijf het kleinste getal eerst, bv. \"1-2\"".into(),
                            "écrivez le plus petit nombre d'abord, p. ex. \"1-2\"".into(),
                        ],
                    );
                }
            }
        }
        if s.times.is_some() && s.per.is_none() {
            self.say(
                &format!("{}/times", s.ptr),
                [
                    "`times:` needs `per:` (day, week, month, quarter or year)".into(),
                    "`times:` heeft `per:` nodig (day, week, month, quarter of year)".into(),
                    "`times:` demande `per:` (day, week, month, quarter ou year)".into(),
                ],
                [
                    "e.g. {times: 2, per: week}".into(),
                    "bv. {times: 2, per: week}".into(),
                    "p. ex. {times: 2, per: week}".into(),
                ],
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
            self.say(
                &format!("{}/all_of", c.ptr),
                [
                    "a rule has either `any_of:` or `all_of:`, not both".into(),
                    "een regel heeft `any_of:` of `all_of:`, niet beide".into(),
                    "une règle a `any_of:` ou `all_of:`, pas les deux".into(),
                ],
                [
                    "nest one group inside the other as a separate rule".into(),
                    "zet de ene groep als aparte regel in de andere".into(),
                    "imbriquez un groupe dans l'autre comme règle distincte".into(),
                ],
            );
        }
        match (&c.kind, group.is_empty()) {
            (Some(_), false) => self.say(
                &c.ptr,
                [
                    "a rule has either `kind:` or a group (`any_of:` / `all_of:`), not both".into(),
                    "een regel heeft `kind:` of een groep (`any_of:` / `all_of:`), niet beide"
                        .into(),
                    "une règle a `kind:` ou un groupe (`any_of:` / `all_of:`), pas les deux".into(),
                ],
                [
                    "move the rule's own test into the group".into(),
                    "verplaats de eigen toets van de regel naar de groep".into(),
                    "déplacez le test propre de la règle dans le groupe".into(),
                ],
            ),
            (None, true) => {
                let kinds = kinds::KINDS.join(", ");
                self.say(
                    &c.ptr,
                    [
                        format!(
                            "rule '{}' has neither `kind:` nor `any_of:`/`all_of:`",
                            c.id
                        ),
                        format!(
                            "regel '{}' heeft geen `kind:` en geen `any_of:`/`all_of:`",
                            c.id
                        ),
                        format!(
                            "la règle «\u{a0}{}\u{a0}» n'a ni `kind:` ni `any_of:`/`all_of:`",
                            c.id
                        ),
                    ],
                    [
                        format!("add `kind:` ({kinds})"),
                        format!("voeg `kind:` toe ({kinds})"),
                        format!("ajoutez `kind:` ({kinds})"),
                    ],
                )
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
        let check = |lang| kinds::check_params(kind, c.field.as_deref(), c.value.as_ref(), lang);
        if let Err(msg) = check(Lang::En) {
            let at = if !kinds::KINDS.contains(&kind) {
                "kind"
            } else if msg.contains("field") || (c.field.is_some() && msg.contains("referral field"))
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
            let worded = |lang| check(lang).err().unwrap_or_default();
            self.say(
                &ptr,
                [msg, worded(Lang::Nl), worded(Lang::Fr)],
                [
                    "see `traject schema` or the README's rule kinds table".into(),
                    "zie `traject schema` of de tabel met regelsoorten in de README".into(),
                    "voir `traject schema` ou le tableau des sortes de règles dans le README"
                        .into(),
                ],
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

    fn script(&mut self, ptr: &str, name: &str) {
        if self.program.scripts.contains_key(name) {
            return;
        }
        let available = scripts::available(&self.program.file);
        if !available.iter().any(|s| s == name) {
            let mean = |lang| suggestion_in(name, available.iter().map(String::as_str), lang);
            let list = available.join(", ");
            self.say(
                ptr,
                [
                    format!("unknown script '{name}'{}", mean(Lang::En)),
                    format!("onbekend script '{name}'{}", mean(Lang::Nl)),
                    format!("script inconnu «\u{a0}{name}\u{a0}»{}", mean(Lang::Fr)),
                ],
                [
                    format!("put the script in scripts/{name}.rhai; available: {list}"),
                    format!("zet het script in scripts/{name}.rhai; beschikbaar: {list}"),
                    format!("placez le script dans scripts/{name}.rhai ; disponibles : {list}"),
                ],
            );
        }
    }

    fn version(&mut self, v: &Version) {
        self.opt_label(&format!("{}/label", v.ptr), &v.label);
        self.opt_label(&format!("{}/note", v.ptr), &v.note);
        if let Some(to) = v.valid_to {
            if to < v.valid_from {
                self.say(
                    &format!("{}/valid_to", v.ptr),
                    [
                        format!("valid_to {to} is before valid_from {}", v.valid_from),
                        format!(
                            "valid_to {} valt vóór valid_from {}",
                            date(to, Lang::Nl),
                            date(v.valid_from, Lang::Nl)
                        ),
                        format!(
                            "valid_to {} précède valid_from {}",
                            date(to, Lang::Fr),
                            date(v.valid_from, Lang::Fr)
                        ),
                    ],
                    [
                        "a version ends on or after the day it starts".into(),
                        "een versie eindigt op of na de dag waarop ze begint".into(),
                        "une version se termine le jour où elle commence ou après".into(),
                    ],
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
                    self.say(
                        &format!("{}/extension", t.ptr),
                        [
                            "`extension:` given but the track is not `extendable: true`".into(),
                            "`extension:` staat er, maar het traject is niet `extendable: true`"
                                .into(),
                            "`extension:` est donné mais le parcours n'est pas `extendable: true`"
                                .into(),
                        ],
                        [
                            "set `extendable: true` or remove `extension:`".into(),
                            "zet `extendable: true` of verwijder `extension:`".into(),
                            "mettez `extendable: true` ou supprimez `extension:`".into(),
                        ],
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
                self.say(
                    &format!("{ptr}/min"),
                    [
                        format!("group size min {lo} is larger than max {hi}"),
                        format!("groepsgrootte min {lo} is groter dan max {hi}"),
                        format!("la taille de groupe min {lo} dépasse max {hi}"),
                    ],
                    [
                        "min must be at most max".into(),
                        "min is hoogstens max".into(),
                        "min ne peut dépasser max".into(),
                    ],
                );
            }
        }
        for t in m.group_size.iter().flat_map(|g| g.temporary.iter()) {
            if t.from > t.to {
                self.say(
                    &format!("{}/to", t.ptr),
                    [
                        format!(
                            "temporary limit ends ({}) before it begins ({})",
                            t.to, t.from
                        ),
                        format!(
                            "tijdelijke grens eindigt ({}) voor ze begint ({})",
                            date(t.to, Lang::Nl),
                            date(t.from, Lang::Nl)
                        ),
                        format!(
                            "la limite temporaire finit ({}) avant de commencer ({})",
                            date(t.to, Lang::Fr),
                            date(t.from, Lang::Fr)
                        ),
                    ],
                    [
                        "`from` is the first day and `to` the last day the limit applies".into(),
                        "`from` is de eerste en `to` de laatste dag waarop de grens geldt".into(),
                        "`from` est le premier et `to` le dernier jour où la limite s'applique"
                            .into(),
                    ],
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
            self.evaluation(e, track_ids, module_ids);
        }

        eval_ids
    }

    /// One evaluation moment: labels, a single timing, its durations and references.
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
            self.say(
                &e.ptr,
                [
                    format!(
                        "evaluation '{}' has more than one of `at`, `window`, `every`",
                        e.id
                    ),
                    format!(
                        "evaluatie '{}' heeft meer dan één van `at`, `window`, `every`",
                        e.id
                    ),
                    format!(
                        "l'évaluation «\u{a0}{}\u{a0}» a plus d'un de `at`, `window`, `every`",
                        e.id
                    ),
                ],
                [
                    "keep one timing per evaluation moment".into(),
                    "houd één tijdstip per evaluatiemoment".into(),
                    "gardez un seul moment par évaluation".into(),
                ],
            );
        }
        if let Some(a) = &e.at {
            self.duration(&format!("{}/at", e.ptr), a);
        }
        if let Some(a) = &e.every {
            self.duration(&format!("{}/every", e.ptr), a);
        }
        if let Some(w) = &e.window {
            self.window(w);
        }
        for (i, t) in e.tracks.iter().enumerate() {
            self.reference(&format!("{}/tracks/{i}", e.ptr), "track", t, track_ids);
        }
        if let Some(m) = &e.module {
            self.reference(&format!("{}/module", e.ptr), "module", m, module_ids);
        }
        if matches!(e.anchor, Anchor::ModuleStart | Anchor::ModuleEnd) && e.module.is_none() {
            self.say(
                &format!("{}/anchor", e.ptr),
                [
                    format!("anchor '{}' needs `module:`", e.anchor),
                    format!("ankerpunt '{}' heeft `module:` nodig", e.anchor),
                    format!("l'ancrage «\u{a0}{}\u{a0}» demande `module:`", e.anchor),
                ],
                [
                    "name the module whose start or end the timing counts from".into(),
                    "noem de module vanaf wiens begin of einde geteld wordt".into(),
                    "nommez le module dont le début ou la fin sert de point de départ".into(),
                ],
            );
        }
    }

    /// An evaluation window: two durations, the earlier one first.
    fn window(&mut self, w: &Window) {
        let from = self
            .duration(&format!("{}/from", w.ptr), &w.from)
            .and_then(Duration::days);
        let to = self
            .duration(&format!("{}/to", w.ptr), &w.to)
            .and_then(Duration::days);
        if let (Some(a), Some(b)) = (from, to) {
            if a > b {
                self.say(
                    &format!("{}/from", w.ptr),
                    [
                        format!("window opens ({}) after it closes ({})", w.from, w.to),
                        format!("venster opent ({}) na het sluit ({})", w.from, w.to),
                        format!(
                            "la fenêtre s'ouvre ({}) après sa fermeture ({})",
                            w.from, w.to
                        ),
                    ],
                    [
                        "write the earlier offset under `from:`".into(),
                        "zet de vroegste termijn onder `from:`".into(),
                        "mettez le délai le plus court sous `from:`".into(),
                    ],
                );
            }
        }
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
                    self.say(
                        &format!("{}/after/{i}", s.ptr),
                        [
                            format!("step '{}' cannot come after itself", s.id),
                            format!("stap '{}' kan niet na zichzelf komen", s.id),
                            format!(
                                "l'étape «\u{a0}{}\u{a0}» ne peut pas suivre elle-même",
                                s.id
                            ),
                        ],
                        [
                            "remove it from `after:`".into(),
                            "haal ze weg uit `after:`".into(),
                            "retirez-la de `after:`".into(),
                        ],
                    );
                } else {
                    self.reference(&format!("{}/after/{i}", s.ptr), "step", a, &step_ids);
                }
            }
            if let Some(g) = &s.gate {
                self.gate(v, g, eval_ids);
            }
        }
        if v.pathway.kind == PathwayKind::Gated && v.pathway.steps.iter().all(|s| s.gate.is_none())
        {
            self.say(
                &format!("{}/kind", v.pathway.ptr),
                [
                    "a gated pathway needs at least one step with `gate:`".into(),
                    "een traject met poorten heeft minstens één stap met `gate:` nodig".into(),
                    "un parcours à portes demande au moins une étape avec `gate:`".into(),
                ],
                [
                    "add a gate, or choose kind sequential".into(),
                    "voeg een poort toe, of kies kind sequential".into(),
                    "ajoutez une porte, ou choisissez kind sequential".into(),
                ],
            );
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
                let list = Decision::list(&e.decisions);
                self.say(
                    &format!("{}/decision", g.ptr),
                    [
                        format!("evaluation '{}' cannot decide '{}'", e.id, g.decision),
                        format!("evaluatie '{}' kan niet '{}' beslissen", e.id, g.decision),
                        format!(
                            "l'évaluation «\u{a0}{}\u{a0}» ne peut pas décider «\u{a0}{}\u{a0}»",
                            e.id, g.decision
                        ),
                    ],
                    [
                        format!("its decisions: {list}"),
                        format!("haar beslissingen: {list}"),
                        format!("ses décisions : {list}"),
                    ],
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
            self.say(
                &format!("{}/caseload_per_fte", v.capacity.ptr),
                [
                    "a caseload norm per FTE needs staff that count for it".into(),
                    "een caseloadnorm per VTE vraagt personeel dat ervoor telt".into(),
                    "une norme de charge par ETP demande du personnel qui compte pour elle".into(),
                ],
                [
                    "mark the guiding roles with `counts_for_caseload: true`".into(),
                    "duid de begeleidende functies aan met `counts_for_caseload: true`".into(),
                    "marquez les fonctions d'accompagnement par `counts_for_caseload: true`".into(),
                ],
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
                let c = &s.category;
                self.say(
                    &format!("{}/category", s.ptr),
                    [
                        format!("cost category '{c}' is split twice (first on line {line})"),
                        format!("kostensoort '{c}' is twee keer verdeeld (eerst op regel {line})"),
                        format!(
                            "la catégorie de coûts «\u{a0}{c}\u{a0}» est répartie deux fois (d'abord à la ligne {line})"
                        ),
                    ],
                    [
                        "merge the two entries".into(),
                        "voeg de twee samen".into(),
                        "fusionnez les deux entrées".into(),
                    ],
                );
            }
            let total: f64 = s.shares.iter().map(|sh| sh.percent).sum();
            if (total - 100.0).abs() > 1e-6 {
                let c = &s.category;
                self.say(
                    &format!("{}/shares", s.ptr),
                    [
                        format!("shares of '{c}' sum to {total}, not 100"),
                        format!(
                            "de aandelen van '{c}' tellen op tot {}, niet 100",
                            number(total, Lang::Nl)
                        ),
                        format!(
                            "les parts de «\u{a0}{c}\u{a0}» totalisent {}, et non 100",
                            number(total, Lang::Fr)
                        ),
                    ],
                    [
                        "the percentages of one cost category must add up to exactly 100".into(),
                        "de percentages van één kostensoort tellen op tot precies 100".into(),
                        "les pourcentages d'une catégorie de coûts doivent totaliser exactement 100".into(),
                    ],
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
                    let f = &sh.funder;
                    self.say(
                        &format!("{}/funder", sh.ptr),
                        [
                            format!("funder '{f}' appears twice in this split"),
                            format!("financier '{f}' komt twee keer voor in deze verdeling"),
                            format!("le financeur «\u{a0}{f}\u{a0}» figure deux fois dans cette répartition"),
                        ],
                        [
                            "merge its shares".into(),
                            "voeg zijn aandelen samen".into(),
                            "fusionnez ses parts".into(),
                        ],
                    );
                }
            }
        }
    }

    /// Pause and re-open policies: fixed lengths, translated notes.
    fn continuity(&mut self, v: &Version) {
        let fixed = |c: &mut Self, ptr: String, text: &str| {
            if let Some(Duration::Open) = c.duration(&ptr, text) {
                c.say(
                    &ptr,
                    [
                        "this must be a fixed length".into(),
                        "dit moet een vaste duur zijn".into(),
                        "ceci doit être une durée fixe".into(),
                    ],
                    [
                        "e.g. \"3 months\"".into(),
                        "bv. \"3 months\"".into(),
                        "p. ex. \"3 months\"".into(),
                    ],
                );
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
                let id = &m.module;
                self.say(
                    &at,
                    [
                        format!("module '{id}' has no `group_size: {{max: …}}`: its seats are unknown"),
                        format!("module '{id}' heeft geen `group_size: {{max: …}}`: het aantal plaatsen is onbekend"),
                        format!(
                            "le module «\u{a0}{id}\u{a0}» n'a pas de `group_size: {{max: …}}` : ses places sont inconnues"
                        ),
                    ],
                    [
                        "give the module a maximum group size, or leave it out of `demand.modules`".into(),
                        "geef de module een grootste groepsgrootte, of laat hem weg uit `demand.modules`".into(),
                        "donnez au module une taille de groupe maximale, ou retirez-le de `demand.modules`".into(),
                    ],
                );
            }
            let fixed = module
                .duration
                .as_deref()
                .and_then(|t| Duration::parse(t).ok())
                .and_then(Duration::days);
            if fixed.is_none() {
                let id = &m.module;
                self.say(
                    &at,
                    [
                        format!("module '{id}' has no fixed `duration:`: how long a seat is taken is unknown"),
                        format!("module '{id}' heeft geen vaste `duration:`: hoe lang een plaats bezet is, is onbekend"),
                        format!(
                            "le module «\u{a0}{id}\u{a0}» n'a pas de `duration:` fixe : la durée d'occupation d'une place est inconnue"
                        ),
                    ],
                    [
                        "give the module a duration such as \"3 months\"".into(),
                        "geef de module een duur zoals \"3 months\"".into(),
                        "donnez au module une durée comme \"3 months\"".into(),
                    ],
                );
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
                self.say(
                    &format!("{}/track_mix", d.ptr),
                    [
                        format!("track shares sum to {total}, not 1"),
                        format!("de aandelen van de trajecten tellen op tot {}, niet 1", number(total, Lang::Nl)),
                        format!("les parts des parcours totalisent {}, et non 1", number(total, Lang::Fr)),
                    ],
                    [
                        "the shares of all tracks together are 1 (e.g. short: 0.4, long: 0.6)".into(),
                        "de aandelen van alle trajecten samen zijn 1 (bv. short: 0.4, long: 0.6)".into(),
                        "les parts de tous les parcours font 1 ensemble (p. ex. short: 0.4, long: 0.6)".into(),
                    ],
                );
            }
            for t in d.track_mix.keys() {
                self.reference(&format!("{}/track_mix/{t}", d.ptr), "track", t, track_ids);
            }
        } else if !v.tracks.is_empty() && v.tracks.len() > 1 {
            self.say(
                &d.ptr,
                [
                    "this version has several tracks: give `track_mix:`".into(),
                    "deze versie heeft meerdere trajecten: geef `track_mix:`".into(),
                    "cette version a plusieurs parcours : donnez `track_mix:`".into(),
                ],
                [
                    "e.g. track_mix: {short: 0.5, long: 0.5}".into(),
                    "bv. track_mix: {short: 0.5, long: 0.5}".into(),
                    "p. ex. track_mix: {short: 0.5, long: 0.5}".into(),
                ],
            );
        }
        if v.tracks.is_empty() && d.stay.is_none() {
            self.say(
                &d.ptr,
                [
                    "this version has no tracks: give `stay:`, how long a trajectory lasts".into(),
                    "deze versie heeft geen trajecten: geef `stay:`, hoe lang een traject duurt"
                        .into(),
                    "cette version n'a pas de parcours : donnez `stay:`, la durée d'un parcours"
                        .into(),
                ],
                [
                    "e.g. stay: \"9 months\" with its source".into(),
                    "bv. stay: \"9 months\" met de bron".into(),
                    "p. ex. stay: \"9 months\" avec sa source".into(),
                ],
            );
        }
    }

    /// Lengths the simulation needs fixed: stay, extension, and the reneging delay.
    fn demand_lengths(&mut self, d: &Demand) {
        for (key, value) in [("stay", &d.stay), ("extension", &d.extension)] {
            if let Some(t) = value {
                if let Some(Duration::Open) = self.duration(&format!("{}/{key}", d.ptr), t) {
                    self.say(
                        &format!("{}/{key}", d.ptr),
                        [
                            format!("`{key}` must be a fixed length for the simulation"),
                            format!("`{key}` moet een vaste duur zijn voor de simulatie"),
                            format!("`{key}` doit être une durée fixe pour la simulation"),
                        ],
                        [
                            "e.g. \"9 months\"".into(),
                            "bv. \"9 months\"".into(),
                            "p. ex. \"9 months\"".into(),
                        ],
                    );
                }
            }
        }
        if d.extension_rate.is_some_and(|r| r > 0.0) && d.extension.is_none() {
            self.say(
                &format!("{}/extension_rate", d.ptr),
                [
                    "an extension rate needs `extension:` (how long an extension lasts)".into(),
                    "een verlengingskans vraagt `extension:` (hoe lang een verlenging duurt)"
                        .into(),
                    "un taux de prolongation demande `extension:` (la durée d'une prolongation)"
                        .into(),
                ],
                [
                    "e.g. extension: \"3 months\"".into(),
                    "bv. extension: \"3 months\"".into(),
                    "p. ex. extension: \"3 months\"".into(),
                ],
            );
        }
        if let Some(r) = &d.reneging {
            self.duration(&format!("{}/after", r.ptr), &r.after);
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
            self.reference(
                &format!("{}/not_started_reasons/{i}", d.ptr),
                "not-started exit",
                reason,
                &not_started,
            );
        }
        match (v.capacity.caseload_per_fte, d.caseload_per_fte) {
            (Some(_), Some(_)) => self.say(
                &format!("{}/caseload_per_fte", d.ptr),
                [
                    "the version states a caseload norm; the demand profile may not assume another".into(),
                    "de versie noemt een caseloadnorm; het vraagprofiel mag geen andere aannemen".into(),
                    "la version fixe une norme de charge ; le profil de demande ne peut en supposer une autre".into(),
                ],
                [
                    "remove caseload_per_fte from demand:".into(),
                    "haal caseload_per_fte weg uit demand:".into(),
                    "retirez caseload_per_fte de demand:".into(),
                ],
            ),
            (None, None) if v.capacity.total.is_none() => self.say(
                &d.ptr,
                [
                    "the version states no caseload norm: give `caseload_per_fte:` as a cited assumption for the simulation".into(),
                    "de versie noemt geen caseloadnorm: geef `caseload_per_fte:` als aanname met bron voor de simulatie".into(),
                    "la version ne fixe pas de norme de charge : donnez `caseload_per_fte:` comme hypothèse sourcée pour la simulation".into(),
                ],
                [
                    "e.g. caseload_per_fte: 20 with a source saying where the figure comes from".into(),
                    "bv. caseload_per_fte: 20 met een bron die zegt waar het cijfer vandaan komt".into(),
                    "p. ex. caseload_per_fte: 20 avec une source qui dit d'où vient le chiffre".into(),
                ],
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
                    let id = &start.id;
                    self.say(
                        &format!("{}/after", start.ptr),
                        [
                            format!("step '{id}' ends up after itself (a loop in `after:`)"),
                            format!("stap '{id}' komt uiteindelijk na zichzelf (een lus in `after:`)"),
                            format!("l'étape «\u{a0}{id}\u{a0}» finit par se suivre elle-même (une boucle dans `after:`)"),
                        ],
                        [
                            "remove one of the `after:` links in the loop".into(),
                            "verwijder een van de `after:`-verwijzingen in de lus".into(),
                            "supprimez un des liens `after:` de la boucle".into(),
                        ],
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
    retention_and_levels(&mut c, spec);
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
    overlaps(&mut c, spec);
    c.out.sort_by_key(|d| (d.line, d.col));
    c.out.dedup();
    c.out
}

/// The retention period is a fixed length; each NT2 level maps to one CEFR level.
fn retention_and_levels(c: &mut Checker, spec: &crate::program::model::ProgramSpec) {
    if let Some(r) = &spec.retention {
        c.opt_label(&format!("{}/note", r.ptr), &r.note);
        if let Some(Duration::Open) = c.duration(&format!("{}/erase_after", r.ptr), &r.erase_after)
        {
            c.say(
                &format!("{}/erase_after", r.ptr),
                [
                    "`erase_after` must be a fixed length".into(),
                    "`erase_after` moet een vaste duur zijn".into(),
                    "`erase_after` doit être une durée fixe".into(),
                ],
                [
                    "e.g. \"5 years\"".into(),
                    "bv. \"5 years\"".into(),
                    "p. ex. \"5 years\"".into(),
                ],
            );
        }
    }
    let mut mapped: HashMap<String, String> = HashMap::new();
    for e in &spec.level_equivalences {
        for (i, n) in e.nt2.iter().enumerate() {
            if let Some(first) = mapped.insert(n.clone(), e.cefr.clone()) {
                c.say(
                    &format!("{}/nt2/{i}", e.ptr),
                    [
                        format!("NT2 level {n} is already mapped to {first}"),
                        format!("NT2-niveau {n} staat al gelijk met {first}"),
                        format!("le niveau NT2 {n} correspond déjà à {first}"),
                    ],
                    [
                        "map each NT2 level to one CEFR level".into(),
                        "stel elk NT2-niveau gelijk met één ERK-niveau".into(),
                        "faites correspondre chaque niveau NT2 à un seul niveau CECR".into(),
                    ],
                );
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
            let end = |lang| {
                a.valid_to.map_or(
                    traject_i18n::say(lang, "open einde", "sans fin", "open end").to_string(),
                    |d| date(d, lang),
                )
            };
            let (nl, fr) = (Lang::Nl, Lang::Fr);
            c.say(
                &format!("{}/valid_from", b.ptr),
                [
                    format!(
                        "version '{}' (from {}) overlaps version '{}' ({} to {})",
                        b.id,
                        b.valid_from,
                        a.id,
                        a.valid_from,
                        a.valid_to.map_or("open end".into(), |d| d.to_string())
                    ),
                    format!(
                        "versie '{}' (vanaf {}) overlapt met versie '{}' ({} tot {})",
                        b.id,
                        date(b.valid_from, nl),
                        a.id,
                        date(a.valid_from, nl),
                        end(nl)
                    ),
                    format!(
                        "la version «\u{a0}{}\u{a0}» (dès le {}) chevauche la version «\u{a0}{}\u{a0}» (du {} au {})",
                        b.id,
                        date(b.valid_from, fr),
                        a.id,
                        date(a.valid_from, fr),
                        end(fr)
                    ),
                ],
                [
                    format!(
                        "end version '{}' the day before {} or start this one later",
                        a.id, b.valid_from
                    ),
                    format!(
                        "laat versie '{}' eindigen de dag vóór {} of laat deze later beginnen",
                        a.id,
                        date(b.valid_from, nl)
                    ),
                    format!(
                        "terminez la version «\u{a0}{}\u{a0}» la veille du {} ou commencez celle-ci plus tard",
                        a.id,
                        date(b.valid_from, fr)
                    ),
                ],
            );
        }
    }
}

/// How Dutch and French name a kind of entry in messages about ids: the word, its plural and
/// whether an adjective agrees as with "het" (Dutch) or a feminine noun (French).
struct Noun {
    nl: &'static str,
    nl_plural: &'static str,
    nl_neuter: bool,
    fr: &'static str,
    fr_plural: &'static str,
    fr_feminine: bool,
}

fn noun(what: &str, lang: Lang) -> &str {
    let n = noun_forms(what);
    match lang {
        Lang::Nl => n.nl,
        Lang::Fr => n.fr,
        Lang::En => what,
    }
}

fn noun_forms(what: &str) -> Noun {
    let n = |nl, nl_plural, nl_neuter, fr, fr_plural, fr_feminine| Noun {
        nl,
        nl_plural,
        nl_neuter,
        fr,
        fr_plural,
        fr_feminine,
    };
    match what {
        "rule" => n("regel", "regels", false, "règle", "règles", true),
        "track" => n("traject", "trajecten", true, "parcours", "parcours", false),
        "module" => n("module", "modules", false, "module", "modules", false),
        "evaluation" => n(
            "evaluatie",
            "evaluaties",
            false,
            "évaluation",
            "évaluations",
            true,
        ),
        "step" => n("stap", "stappen", false, "étape", "étapes", true),
        "exit" => n("uitstroom", "uitstromen", false, "sortie", "sorties", true),
        "partner" => n(
            "partner",
            "partners",
            false,
            "partenaire",
            "partenaires",
            false,
        ),
        "phase" => n("fase", "fasen", false, "phase", "phases", true),
        "funder" => n(
            "financier",
            "financiers",
            false,
            "financeur",
            "financeurs",
            false,
        ),
        "role" => n("functie", "functies", false, "fonction", "fonctions", true),
        "option" => n("optie", "opties", false, "option", "options", true),
        "version" => n("versie", "versies", false, "version", "versions", true),
        "not-started exit" => n(
            "uitstroom zonder start",
            "uitstromen zonder start",
            false,
            "sortie sans démarrage",
            "sorties sans démarrage",
            true,
        ),
        _ => n("element", "elementen", true, "élément", "éléments", false),
    }
}
