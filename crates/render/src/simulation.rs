//! A simulation, a forecast and its calibration as people read them: text in the reader's
//! language, CSV for spreadsheets, an HTML page with SVG charts, and the `demand:` block a
//! calibration suggests as YAML.

use std::fmt::Write as _;

use traject_i18n::vocabulary::count;
use traject_i18n::{number, say, typography, Lang};
use traject_sim::history::Calibration;
use traject_sim::report::{ProgrammeReport, SolveReport};
use traject_sim::Summary;

/// How a report is read: the language, and the programme's name in it.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub lang: Lang,
    pub name: &'a str,
}

impl Reader<'_> {
    fn say(&self, nl: &'static str, fr: &'static str, en: &'static str) -> &'static str {
        say(self.lang, nl, fr, en)
    }

    fn n(&self, x: f64) -> String {
        number(x, self.lang)
    }

    /// "75%" (French typography adds its space when the text is finished).
    fn pct(&self, x: f64) -> String {
        format!("{}%", self.n((x * 100.0).round()))
    }

    fn date(&self, d: chrono::NaiveDate) -> String {
        traject_i18n::date(d, self.lang)
    }

    /// A calendar month `2024-05` as the reader writes it: `05/2024` in Dutch and French.
    fn month(&self, ym: &str) -> String {
        match (self.lang, ym.split_once('-')) {
            (Lang::Nl | Lang::Fr, Some((y, m))) => format!("{m}/{y}"),
            _ => ym.to_string(),
        }
    }

    fn days(&self, x: f64) -> String {
        count(x, "day", self.lang)
    }
}

/// The first line of a simulation's text: programme, version, staff, capacity, runs.
fn headline(r: &ProgrammeReport, w: Reader) -> String {
    let s = &r.summary;
    format!(
        "{} {} {} — {} {}, {} {} — {} {} × {} ({} {})\n",
        w.name,
        w.say("versie", "version", "version"),
        r.version,
        w.n(r.fte),
        w.say("VTE", "ETP", "FTE"),
        w.say("capaciteit", "capacité", "capacity"),
        count(f64::from(s.capacity), "case", w.lang),
        w.n(s.runs as f64),
        w.say("simulaties", "simulations", "runs"),
        count(s.months as f64, "month", w.lang),
        w.say("startgetal", "graine", "seed"),
        r.seed
    )
}

pub fn text(r: &ProgrammeReport, w: Reader) -> String {
    let s = &r.summary;
    let mut out = headline(r, w);
    if let Some(start) = &r.start {
        let _ = writeln!(
            out,
            "  {} {} {}: {} {}, {} {}",
            w.say("vertrek op", "départ le", "starting on"),
            w.date(start.on),
            w.say(
                "uit het dossierbestand",
                "depuis les dossiers",
                "from the case store"
            ),
            start.active,
            w.say("actief", "actifs", "active"),
            start.waiting,
            w.say("wachtend", "en attente", "waiting"),
        );
    }
    if let Some(c) = &r.calibration {
        out.push_str(&calibration_text(c, w));
    }
    out.push_str(&later_and_reliability(r, w));
    let _ = writeln!(
        out,
        "  {}: {} {}, p90 {}, {} {} {}; {} {}",
        w.say("wachttijd", "attente", "wait"),
        w.say("mediaan", "médiane", "median"),
        w.days(s.wait_days_p50),
        w.days(s.wait_days_p90),
        w.say("gemiddeld", "moyenne", "mean"),
        w.days(s.mean_wait_days),
        w.say(
            "voor wie startte",
            "pour ceux qui ont commencé",
            "for those who started"
        ),
        w.pct(s.prob_wait),
        w.say("moest wachten", "ont dû attendre", "had to wait"),
    );
    let _ = writeln!(
        out,
        "  {} {}, {} {} {} {}",
        w.say("bezetting", "occupation", "utilisation"),
        w.pct(s.utilisation),
        w.say(
            "gemiddeld een wachtlijst in",
            "en moyenne une liste d'attente pendant",
            "on average a waiting list in"
        ),
        w.n(s.months_over_capacity),
        w.say("van de", "des", "of"),
        count(s.months as f64, "month", w.lang),
    );
    let per = |x: u64| w.n((x as f64 / s.runs as f64 * 10.0).round() / 10.0);
    let _ = writeln!(
        out,
        "  {}: {} {}, {} {}, {} {}, {} {}",
        w.say("per simulatie", "par simulation", "per run"),
        per(s.referred),
        w.say("doorverwezen", "orientés", "referred"),
        per(s.not_started),
        w.say("nooit gestart", "jamais commencés", "never started"),
        per(s.reneged),
        w.say(
            "haakten af tijdens het wachten",
            "ont renoncé en attendant",
            "gave up waiting"
        ),
        per(s.still_waiting_at_end),
        w.say(
            "wachten nog op het einde",
            "attendent encore à la fin",
            "still waiting at the end"
        ),
    );
    monthly_table(s, w, &mut out);
    typography(&out, w.lang)
}

/// The month-by-month table (active, waiting, waits of those who start) and the group seats.
fn monthly_table(s: &Summary, w: Reader, out: &mut String) {
    let _ = writeln!(
        out,
        "  {:>7}  {:<20}  {:<21}  {}",
        w.say("maand", "mois", "month"),
        w.say(
            "actief p10/p50/p90",
            "actifs p10/p50/p90",
            "active p10/p50/p90"
        ),
        w.say(
            "wachtend p10/p50/p90",
            "en attente p10/p50/p90",
            "waiting p10/p50/p90"
        ),
        w.say(
            "wachttijd van wie start p10/p50/p90 (dagen)",
            "attente de ceux qui commencent p10/p50/p90 (jours)",
            "wait of starters p10/p50/p90 (days)"
        ),
    );
    for m in &s.monthly {
        let label = m
            .calendar
            .as_deref()
            .map_or_else(|| m.month.to_string(), |c| w.month(c));
        let _ = writeln!(
            out,
            "  {label:>7}  {:>5} {:>5} {:>5}   {:>7} {:>5} {:>5}   {:>7} {:>5} {:>5}",
            w.n(m.active_p10),
            w.n(m.active_p50),
            w.n(m.active_p90),
            w.n(m.waiting_p10),
            w.n(m.waiting_p50),
            w.n(m.waiting_p90),
            w.n(m.wait_days_p10),
            w.n(m.wait_days_p50),
            w.n(m.wait_days_p90)
        );
    }
    for g in &s.groups {
        let _ = writeln!(
            out,
            "  {} {}: {} {}, {} {}; {} {} {}, p90 {}, {} {}; {} p50 {} p90 {}",
            w.say("groepsmodule", "module de groupe", "group module"),
            g.module,
            w.n(f64::from(g.seats)),
            w.say("plaatsen", "places", "seats"),
            w.n(g.seated_per_run),
            w.say(
                "geplaatst per run",
                "placés par simulation",
                "seated per run"
            ),
            w.say(
                "wachten op een plaats",
                "attente d'une place",
                "wait for a seat"
            ),
            w.say("mediaan", "médiane", "median"),
            w.days(g.seat_wait_days_p50),
            w.days(g.seat_wait_days_p90),
            w.say("gemiddeld", "moyenne", "mean"),
            w.days(g.mean_seat_wait_days),
            w.say(
                "wachtrij voor een plaats op het einde",
                "file d'attente à la fin",
                "seat queue at the end"
            ),
            w.n(g.queue_p50.last().copied().unwrap_or(0.0)),
            w.n(g.queue_p90.last().copied().unwrap_or(0.0))
        );
    }
}

/// The versions taking over within the horizon, and how well forecasts from this store did.
fn later_and_reliability(r: &ProgrammeReport, w: Reader) -> String {
    let mut out = String::new();
    for x in &r.later_versions {
        let capacity = x.capacity.map_or_else(
            || {
                w.say(
                    "geen caseloadnorm",
                    "pas de norme de charge",
                    "no caseload norm",
                )
                .to_string()
            },
            |c| count(f64::from(c), "case", w.lang),
        );
        let _ = writeln!(
            out,
            "  {} {} {} {} ({} {capacity}; {})",
            w.say("versie", "version", "version"),
            x.version,
            w.say("geldt vanaf", "en vigueur dès le", "in force from"),
            w.date(x.from),
            w.say("capaciteit", "capacité", "capacity"),
            w.say(
                "haar vraagprofiel neemt over",
                "son profil de demande prend le relais",
                "its demand profile takes over"
            ),
        );
    }
    if let Some(b) = &r.reliability {
        let _ = writeln!(
            out,
            "  {} ({} {}, {} {}): {} {} {}, {} {}",
            w.say(
                "betrouwbaarheid volgens de recentste terugtoets",
                "fiabilité selon le dernier test rétrospectif",
                "reliability by the latest backtest"
            ),
            b.origins,
            w.say("voorspellingen", "prévisions", "forecasts"),
            b.points,
            w.say("punten", "points", "points"),
            w.pct(b.waiting_coverage),
            w.say(
                "van de wachtlijsten binnen de p10–p90-band",
                "des listes d'attente dans la bande p10–p90",
                "of waiting lists inside the p10–p90 band"
            ),
            w.say("(nominaal 80%)", "(nominal 80%)", "(nominal 80%)"),
            w.say(
                "gemiddelde afwijking van de mediaan",
                "écart moyen de la médiane",
                "mean error of the median"
            ),
            w.n((b.waiting_mae * 10.0).round() / 10.0),
        );
    }
    out
}

/// The learnt figures as (name, value, observations, where from).
fn calibration_rows(c: &Calibration, w: Reader) -> Vec<(&'static str, String, u64, String)> {
    let f = |x: f64| w.n((x * 1000.0).round() / 1000.0);
    let mix: Vec<String> = c
        .track_mix
        .value
        .iter()
        .map(|(t, x)| format!("{t} {}", f(*x)))
        .collect();
    let shape: Vec<String> = c
        .shape
        .value
        .iter()
        .map(|x| w.n((x * 100.0).round() / 100.0))
        .collect();
    let figure =
        |words: (&'static str, &'static str, &'static str), value: String, n: u64, from: &str| {
            (w.say(words.0, words.1, words.2), value, n, from.to_string())
        };
    vec![
        figure(
            (
                "doorverwijzingen in een gemiddelde maand",
                "orientations dans un mois moyen",
                "referrals in an average month",
            ),
            f(c.referrals_per_month.value),
            c.referrals_per_month.observations,
            c.referrals_per_month.from,
        ),
        figure(
            (
                "seizoen (januari tot december)",
                "saisons (janvier à décembre)",
                "seasons (January to December)",
            ),
            shape.join(" "),
            c.shape.observations,
            c.shape.from,
        ),
        figure(
            ("nooit gestart", "jamais commencés", "never started"),
            f(c.not_started_share.value),
            c.not_started_share.observations,
            c.not_started_share.from,
        ),
        figure(
            (
                "verdeling over trajecten",
                "répartition des trajets",
                "track mix",
            ),
            mix.join(", "),
            c.track_mix.observations,
            c.track_mix.from,
        ),
        figure(
            ("verlengd", "prolongés", "extended"),
            f(c.extension_rate.value),
            c.extension_rate.observations,
            c.extension_rate.from,
        ),
        figure(
            ("uitgevallen", "abandons", "dropped out"),
            f(c.dropout_rate.value),
            c.dropout_rate.observations,
            c.dropout_rate.from,
        ),
        figure(
            (
                "haakten af tijdens het wachten",
                "ont renoncé en attendant",
                "gave up waiting",
            ),
            f(c.reneging_share.value),
            c.reneging_share.observations,
            c.reneging_share.from,
        ),
    ]
}

/// The learnt demand, one figure per line with where it comes from.
pub fn calibration_text(c: &Calibration, w: Reader) -> String {
    let mut out = format!(
        "  {} {} {} {} ({}: {}):\n",
        w.say(
            "vraag geleerd van",
            "demande apprise du",
            "demand learnt from"
        ),
        w.date(c.window_from),
        w.say("tot", "au", "to"),
        w.date(c.window_to),
        w.say(
            "maanden met dossiers",
            "mois avec des dossiers",
            "months with cases"
        ),
        c.months_observed
    );
    let rows = calibration_rows(c, w);
    for (name, value, n, src) in rows {
        let from = match src.as_str() {
            "case store" => w.say("dossierbestand", "dossiers", "case store"),
            _ => w.say("programma", "programme", "programme"),
        };
        let _ = writeln!(out, "    {name:<30} {value:<24} {from} (n = {n})");
    }
    out
}

/// The learnt demand as a `demand:` block for the programme file, with its source. Figures
/// the store could not give are left for the programme's own values (commented).
pub fn calibration_yaml(c: &Calibration) -> String {
    let monthly: Vec<String> = c
        .shape
        .value
        .iter()
        .map(|x| ((c.referrals_per_month.value * x * 10.0).round() / 10.0).to_string())
        .collect();
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let mut out = String::from("demand:\n");
    let _ = writeln!(out, "  referrals_per_month: [{}]", monthly.join(", "));
    let _ = writeln!(
        out,
        "  not_started_share: {}",
        round(c.not_started_share.value)
    );
    if c.track_mix.value.len() > 1 {
        let mix: Vec<String> = c
            .track_mix
            .value
            .iter()
            .map(|(t, x)| format!("{t}: {}", round(*x)))
            .collect();
        let _ = writeln!(out, "  track_mix: {{{}}}", mix.join(", "));
    }
    let _ = writeln!(out, "  extension_rate: {}", round(c.extension_rate.value));
    let _ = writeln!(out, "  dropout_rate: {}", round(c.dropout_rate.value));
    let thin: Vec<&str> = [
        ("referrals_per_month", c.referrals_per_month.from),
        ("not_started_share", c.not_started_share.from),
        ("track_mix", c.track_mix.from),
        ("extension_rate", c.extension_rate.from),
        ("dropout_rate", c.dropout_rate.from),
    ]
    .into_iter()
    .filter(|(_, from)| *from != "case store")
    .map(|(name, _)| name)
    .collect();
    let thin = if thin.is_empty() {
        String::new()
    } else {
        format!(
            "; too few cases for {}, kept from the programme",
            thin.join(", ")
        )
    };
    let _ = writeln!(
        out,
        "  source: \"case store, {}..{}, n={} referrals over {} months{thin}\"",
        c.window_from.format("%Y-%m"),
        c.window_to.format("%Y-%m"),
        c.not_started_share.observations,
        c.months_observed
    );
    out
}

/// Scenarios side by side: waits, the waiting list at the end, months with a waiting list.
pub fn compare_text(reports: &[ProgrammeReport], w: Reader) -> String {
    let mut out = format!(
        "{:<33} {:>10}  {:>9}  {:>9}  {:>27}  {}\n",
        w.say("scenario", "scénario", "scenario"),
        w.say("capaciteit", "capacité", "capacity"),
        w.say("wacht p50", "attente p50", "wait p50"),
        w.say("wacht p90", "attente p90", "wait p90"),
        w.say(
            "wachtlijst op het einde p50/p90",
            "liste d'attente à la fin p50/p90",
            "waiting at the end p50/p90"
        ),
        w.say(
            "maanden met een wachtlijst",
            "mois avec une liste d'attente",
            "months with a waiting list"
        ),
    );
    for r in reports {
        let s = &r.summary;
        let last = s.monthly.last();
        let _ = writeln!(
            out,
            "{:<33} {:>10}  {:>9}  {:>9}  {:>13} / {:<11}  {}",
            r.scenario.as_deref().unwrap_or("—"),
            s.capacity,
            w.n(s.wait_days_p50),
            w.n(s.wait_days_p90),
            w.n(last.map_or(0.0, |m| m.waiting_p50)),
            w.n(last.map_or(0.0, |m| m.waiting_p90)),
            s.months_over_capacity
        );
    }
    typography(&out, w.lang)
}

/// The monthly figures as a table (the CSV and workbook columns).
pub fn table(r: &ProgrammeReport) -> crate::table::Table {
    let mut t = crate::table::Table::new(&[
        "month",
        "active_p10",
        "active_p50",
        "active_p90",
        "waiting_p50",
        "waiting_p90",
        "capacity",
        "waiting_p10",
        "wait_days_p10",
        "wait_days_p50",
        "wait_days_p90",
        "calendar",
    ]);
    for m in &r.summary.monthly {
        t.push(vec![
            m.month.to_string(),
            m.active_p10.to_string(),
            m.active_p50.to_string(),
            m.active_p90.to_string(),
            m.waiting_p50.to_string(),
            m.waiting_p90.to_string(),
            m.capacity.to_string(),
            m.waiting_p10.to_string(),
            m.wait_days_p10.to_string(),
            m.wait_days_p50.to_string(),
            m.wait_days_p90.to_string(),
            m.calendar.clone().unwrap_or_default(),
        ]);
    }
    t
}

pub fn csv(r: &ProgrammeReport) -> String {
    table(r).csv()
}

pub fn solve_text(r: &SolveReport, w: Reader) -> String {
    let q = r.quantile * 100.0;
    let mut out = format!(
        "{} {} {}: {} p{q:.0} {} {} ({} × {})\n",
        w.name,
        w.say("versie", "version", "version"),
        r.version,
        w.say(
            "kleinste VTE met de wachttijd",
            "plus petit ETP avec l'attente",
            "smallest FTE with the"
        ),
        w.say("onder", "sous", "wait under"),
        w.days(r.max_wait_days),
        count(r.runs as f64, "run", w.lang),
        count(r.months as f64, "month", w.lang),
    );
    let _ = writeln!(
        out,
        "  {:>5}  {:>10}  p{q:.0} {}",
        w.say("VTE", "ETP", "FTE"),
        w.say("capaciteit", "capacité", "capacity"),
        w.say("wachttijd (dagen)", "attente (jours)", "wait (days)"),
    );
    for p in &r.curve {
        let _ = writeln!(
            out,
            "  {:>5}  {:>10}  {:>10}{}",
            w.n((p.fte * 10.0).round() / 10.0),
            p.capacity,
            w.n((p.wait_days * 10.0).round() / 10.0),
            if p.meets { "  ✓" } else { "" }
        );
    }
    let answer = w.say("antwoord", "réponse", "answer");
    match r.fte {
        Some(f) => {
            let _ = writeln!(
                out,
                "{answer}: {} {}",
                w.n((f * 10.0).round() / 10.0),
                w.say("VTE", "ETP", "FTE")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{answer}: {}",
                w.say(
                    "geen, tot de grootste gezochte VTE",
                    "aucune, jusqu'au plus grand ETP cherché",
                    "none up to the largest FTE searched"
                )
            );
        }
    }
    typography(&out, w.lang)
}

use crate::escape_html as escape;

/// The smallest of 1, 2 or 5 times a power of ten that is at least `rough` (a whole number).
fn nice_step(rough: f64) -> f64 {
    let power = 10f64.powf(rough.max(1.0).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power)
}

/// A line chart: series of (x, y) with a style; optional band between two series.
fn svg_chart(
    title: &str,
    months: usize,
    y_max: f64,
    band: Option<(&[f64], &[f64])>,
    lines: &[(&str, &[f64], &str)],
) -> String {
    let (w, h, left, bottom, top) = (720.0, 260.0, 50.0, 30.0, 30.0);
    let plot_w = w - left - 20.0;
    let plot_h = h - bottom - top;
    // Gridlines at round numbers (1, 2 or 5 times a power of ten), the top one above the data.
    let step = nice_step(if y_max <= 0.0 { 1.0 } else { y_max } / 4.0);
    let ticks = ((if y_max <= 0.0 { 1.0 } else { y_max }) / step)
        .ceil()
        .max(1.0) as usize;
    let y_max = step * ticks as f64;
    let x = |m: usize| left + plot_w * (m as f64) / (months.max(2) - 1) as f64;
    let y = |v: f64| top + plot_h * (1.0 - v / y_max);
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title><rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>"##,
        t = escape(title)
    );
    let _ = write!(
        svg,
        r##"<text x="{left}" y="18" font-size="14" font-family="sans-serif">{}</text>"##,
        escape(title)
    );
    for i in 0..=ticks {
        let v = step * i as f64;
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="4" y="{}" font-size="11" font-family="sans-serif">{:.0}</text>"##,
            w - 20.0,
            y(v) + 4.0,
            v,
            y = y(v)
        );
    }
    for m in (0..months).step_by((months / 12).max(1)) {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="11" font-family="sans-serif" text-anchor="middle">{}</text>"##,
            x(m),
            h - 10.0,
            m + 1
        );
    }
    if let Some((lo, hi)) = band {
        let mut d = String::new();
        for (m, v) in hi.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if m == 0 { "M" } else { "L" },
                x(m),
                y(*v)
            );
        }
        for (m, v) in lo.iter().enumerate().rev() {
            let _ = write!(d, "L{:.1},{:.1} ", x(m), y(*v));
        }
        let _ = write!(
            svg,
            r##"<path d="{d}Z" fill="#9ecae1" fill-opacity="0.5" stroke="none"><title>p10–p90</title></path>"##
        );
    }
    for (name, values, style) in lines {
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(m, v)| format!("{:.1},{:.1}", x(m), y(*v)))
            .collect();
        let _ = write!(
            svg,
            r##"<polyline points="{}" fill="none" {style}><title>{}</title></polyline>"##,
            pts.join(" "),
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn svg_histogram(title: &str, buckets: &[(String, f64)]) -> String {
    let (w, h) = (720.0, 240.0);
    let bar_w = (w - 60.0) / buckets.len().max(1) as f64;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title><rect width="{w}" height="{h}" fill="#fff"/><text x="50" y="18" font-size="14" font-family="sans-serif">{t}</text>"##,
        t = escape(title)
    );
    let max = buckets.iter().map(|b| b.1).fold(0.0, f64::max).max(1e-9);
    for (i, (label, share)) in buckets.iter().enumerate() {
        let bh = (h - 70.0) * share / max;
        let x = 50.0 + i as f64 * bar_w;
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#3182bd"><title>{}: {:.1}%</title></rect><text x="{:.1}" y="{}" font-size="11" font-family="sans-serif" text-anchor="middle">{}</text><text x="{:.1}" y="{:.1}" font-size="11" font-family="sans-serif" text-anchor="middle">{:.0}%</text>"##,
            x + 4.0,
            h - 40.0 - bh,
            bar_w - 8.0,
            bh,
            escape(label),
            share * 100.0,
            x + bar_w / 2.0,
            h - 24.0,
            escape(label),
            x + bar_w / 2.0,
            h - 44.0 - bh,
            share * 100.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Active cases per month (median, p10–p90 band) against capacity.
fn active_chart(s: &Summary, title: &str, lang: Lang) -> String {
    let months = s.monthly.len();
    let p10: Vec<f64> = s.monthly.iter().map(|m| m.active_p10).collect();
    let p50: Vec<f64> = s.monthly.iter().map(|m| m.active_p50).collect();
    let p90: Vec<f64> = s.monthly.iter().map(|m| m.active_p90).collect();
    let cap: Vec<f64> = s.monthly.iter().map(|m| m.capacity as f64).collect();
    let active_max = p90
        .iter()
        .chain(&cap)
        .copied()
        .fold(s.capacity as f64, f64::max);
    svg_chart(
        title,
        months,
        active_max,
        Some((&p10, &p90)),
        &[
            (
                say(lang, "capaciteit", "capacité", "capacity"),
                &cap,
                r##"stroke="#d62728" stroke-width="2" stroke-dasharray="6 4""##,
            ),
            (
                say(lang, "actief p50", "actifs p50", "active p50"),
                &p50,
                r##"stroke="#08519c" stroke-width="2""##,
            ),
        ],
    )
}

/// The waiting list at each month end (median, p10–p90 band).
fn waiting_chart(s: &Summary, title: &str, lang: Lang) -> String {
    let w10: Vec<f64> = s.monthly.iter().map(|m| m.waiting_p10).collect();
    let w50: Vec<f64> = s.monthly.iter().map(|m| m.waiting_p50).collect();
    let w90: Vec<f64> = s.monthly.iter().map(|m| m.waiting_p90).collect();
    let waiting_max = w90.iter().copied().fold(1.0, f64::max);
    svg_chart(
        title,
        s.monthly.len(),
        waiting_max,
        Some((&w10, &w90)),
        &[(
            say(lang, "wachtend p50", "en attente p50", "waiting p50"),
            &w50,
            r##"stroke="#e6550d" stroke-width="2""##,
        )],
    )
}

/// The cumulative wait histogram as labelled buckets ("no wait", "≤ 7 d", …, "> 365 d").
fn wait_buckets(histogram: &[(f64, f64)], lang: Lang) -> Vec<(String, f64)> {
    let mut buckets = Vec::new();
    let mut prev = 0.0;
    let mut prev_label = "0".to_string();
    let d = say(lang, "d", "j", "d");
    for (i, (bound, cum)) in histogram.iter().enumerate() {
        let label = if i == 0 {
            say(lang, "geen wachttijd", "sans attente", "no wait").to_string()
        } else if bound.is_infinite() {
            format!("> {prev_label} {d}")
        } else {
            format!("≤ {bound:.0} {d}")
        };
        buckets.push((label, cum - prev));
        prev = *cum;
        prev_label = format!("{bound:.0}");
    }
    buckets
}

/// The charts' titles in `lang`.
pub fn chart_titles(lang: Lang) -> [&'static str; 3] {
    [
        say(
            lang,
            "Actieve dossiers per maand (mediaan, band p10–p90) en capaciteit",
            "Dossiers actifs par mois (médiane, bande p10–p90) et capacité",
            "Active cases per month (median, p10–p90 band) and capacity",
        ),
        say(
            lang,
            "Wachtlijst op het einde van elke maand (mediaan, band p10–p90)",
            "Liste d'attente à la fin de chaque mois (médiane, bande p10–p90)",
            "Waiting list at the end of each month (median, p10–p90 band)",
        ),
        say(
            lang,
            "Hoe lang doorverwezen personen wachten (dagen)",
            "Durée d'attente des personnes orientées (jours)",
            "How long referrals wait (days)",
        ),
    ]
}

/// The three charts of a simulation as SVG (active against capacity, waiting list, waits)
/// in `lang`.
pub fn charts(r: &ProgrammeReport, lang: Lang) -> [String; 3] {
    let s = &r.summary;
    let titles = chart_titles(lang);
    [
        active_chart(s, titles[0], lang),
        waiting_chart(s, titles[1], lang),
        svg_histogram(titles[2], &wait_buckets(&s.histogram, lang)),
    ]
}

/// The self-contained HTML report (no scripts, no external files), in the reader's language.
pub fn html(r: &ProgrammeReport, w: Reader) -> String {
    let s = &r.summary;
    let [active, waiting, hist] = charts(r, w.lang);
    let head = [
        w.say("mediane wachttijd", "attente médiane", "median wait"),
        w.say("wachttijd p90", "attente p90", "p90 wait"),
        w.say(
            "gemiddelde wachttijd (gestart)",
            "attente moyenne (commencés)",
            "mean wait (started)",
        ),
        w.say("moest wachten", "ont dû attendre", "had to wait"),
        w.say("bezetting", "occupation", "utilisation"),
        w.say(
            "maanden met een wachtlijst",
            "mois avec une liste d'attente",
            "months with a waiting list",
        ),
    ];
    let ths: String = head
        .iter()
        .map(|h| format!("<th>{}</th>", escape(h)))
        .collect();
    let intro = format!(
        "{} {}, {} {} — {} × {}, {} {}.",
        w.n(r.fte),
        w.say("VTE", "ETP", "FTE"),
        w.say("capaciteit", "capacité", "capacity"),
        count(f64::from(s.capacity), "case", w.lang),
        count(s.runs as f64, "run", w.lang),
        count(s.months as f64, "month", w.lang),
        w.say("startgetal", "graine", "seed"),
        r.seed
    );
    let page = format!(
        r##"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>traject — {p} {v} — {what}</title>
<style>body{{font-family:sans-serif;max-width:760px;margin:2em auto;color:#222}}table{{border-collapse:collapse}}td,th{{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}}</style></head>
<body>
<h1>{p} — {version} {v}</h1>
<p>{intro}</p>
<table><tr>{ths}</tr>
<tr><td>{p50w}</td><td>{p90w}</td><td>{mw}</td><td>{pw}</td><td>{u}</td><td>{moc} / {months}</td></tr></table>
<figure id="active">{active}</figure>
<figure id="waiting">{waiting}</figure>
<figure id="waits">{hist}</figure>
<p><small>{foot}</small></p>
</body></html>
"##,
        lang = w.lang.code(),
        p = escape(w.name),
        v = escape(&r.version),
        what = escape(w.say("caseloadsimulatie", "simulation de la charge de travail", "caseload simulation")),
        version = w.say("versie", "version", "version"),
        intro = escape(&intro),
        p50w = escape(&w.days(s.wait_days_p50)),
        p90w = escape(&w.days(s.wait_days_p90)),
        mw = escape(&w.days(s.mean_wait_days)),
        pw = escape(&w.pct(s.prob_wait)),
        u = escape(&w.pct(s.utilisation)),
        moc = s.months_over_capacity,
        months = s.months,
        foot = escape(w.say(
            "Gemaakt met traject simulate. Vraag, duur en capaciteit komen uit het programmabestand; cijfers die de bronnen niet geven, staan daar als aannames.",
            "Produit par traject simulate. La demande, les durées et la capacité viennent du fichier du programme ; les chiffres que les sources ne donnent pas y sont indiqués comme hypothèses.",
            "Generated by traject simulate. Demand, durations and capacity come from the programme file; figures the seeds do not give are marked there as assumptions.",
        )),
    );
    typography(&page, w.lang)
}

#[cfg(test)]
mod grid_tests {
    use super::nice_step;

    #[test]
    fn gridlines_fall_on_round_numbers() {
        assert_eq!(nice_step(12.5), 20.0);
        assert_eq!(nice_step(2.5), 5.0);
        assert_eq!(nice_step(0.3), 1.0);
        assert_eq!(nice_step(40.0), 50.0);
        assert_eq!(nice_step(100.0), 100.0);
    }
}
