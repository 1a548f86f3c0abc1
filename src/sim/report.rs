//! Simulation output: JSON for tools, text and CSV for people and spreadsheets, and a
//! self-contained HTML report with SVG charts (active cases with their p10–p90 band against the
//! capacity line, the waiting list, and the distribution of waits).

use std::fmt::Write as _;

use serde::Serialize;

use super::history::{Calibration, Snapshot};
use super::Summary;

#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeReport {
    pub program: String,
    pub version: String,
    pub fte: f64,
    pub seed: u64,
    /// The scenario's name, in a comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The first day simulated, when the forecast starts from the case store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<chrono::NaiveDate>,
    /// The caseload on that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Snapshot>,
    /// The demand learnt from the case store, figure by figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    #[serde(flatten)]
    pub summary: Summary,
}

/// One point of the FTE solver's search.
#[derive(Debug, Clone, Serialize)]
pub struct FtePoint {
    pub fte: f64,
    pub capacity: u32,
    pub wait_days: f64,
    pub meets: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SolveReport {
    pub program: String,
    pub version: String,
    pub max_wait_days: f64,
    pub quantile: f64,
    pub runs: usize,
    pub months: usize,
    pub seed: u64,
    /// The smallest FTE (0.1 steps) that keeps the quantile wait under the maximum.
    pub fte: Option<f64>,
    pub curve: Vec<FtePoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MmcReport {
    pub model: &'static str,
    pub arrival_rate: f64,
    pub service_rate: f64,
    pub servers: u32,
    pub utilisation_offered: f64,
    pub runs: usize,
    pub months: usize,
    pub warmup_months: usize,
    pub seed: u64,
    pub customers: u64,
    pub mean_wait_days: f64,
    pub prob_wait: f64,
    pub erlang_c_mean_wait_days: Option<f64>,
    pub erlang_c_prob_wait: Option<f64>,
    pub events: u64,
}

pub fn text(r: &ProgrammeReport) -> String {
    let s = &r.summary;
    let mut out = format!(
        "{} version {} — {} FTE, capacity {} active cases — {} runs × {} months (seed {})\n",
        r.program, r.version, r.fte, s.capacity, s.runs, s.months, r.seed
    );
    if let Some(start) = &r.start {
        let _ = writeln!(
            out,
            "  starting on {} from the case store: {} active, {} waiting",
            start.on, start.active, start.waiting
        );
    }
    if let Some(c) = &r.calibration {
        out.push_str(&calibration_text(c));
    }
    let _ = writeln!(
        out,
        "  wait (days): median {}, p90 {}, mean {} for those who started; {:.0}% had to wait",
        s.wait_days_p50,
        s.wait_days_p90,
        s.mean_wait_days,
        s.prob_wait * 100.0
    );
    let _ = writeln!(
        out,
        "  utilisation {:.0}%, waiting list in {} of {} months on average",
        s.utilisation * 100.0,
        s.months_over_capacity,
        s.months
    );
    let _ = writeln!(out, "  per run: {:.1} referred, {:.1} never started, {:.1} gave up waiting, {:.1} still waiting at the end", s.referred as f64 / s.runs as f64, s.not_started as f64 / s.runs as f64, s.reneged as f64 / s.runs as f64, s.still_waiting_at_end as f64 / s.runs as f64);
    let _ = writeln!(
        out,
        "  month    active p10/p50/p90   waiting p10/p50/p90   wait of starters p10/p50/p90 (days)"
    );
    for m in &s.monthly {
        let label = m.calendar.clone().unwrap_or_else(|| m.month.to_string());
        let _ = writeln!(
            out,
            "  {label:>7}  {:>5} {:>5} {:>5}   {:>7} {:>5} {:>5}   {:>7} {:>5} {:>5}",
            m.active_p10,
            m.active_p50,
            m.active_p90,
            m.waiting_p10,
            m.waiting_p50,
            m.waiting_p90,
            m.wait_days_p10,
            m.wait_days_p50,
            m.wait_days_p90
        );
    }
    for g in &s.groups {
        let _ = writeln!(
            out,
            "  group module {}: {} seats, {} seated per run; wait for a seat median {} days, p90 {}, mean {}; seat queue at the end p50 {} p90 {}",
            g.module,
            g.seats,
            g.seated_per_run,
            g.seat_wait_days_p50,
            g.seat_wait_days_p90,
            g.mean_seat_wait_days,
            g.queue_p50.last().copied().unwrap_or(0.0),
            g.queue_p90.last().copied().unwrap_or(0.0)
        );
    }
    out
}

/// The learnt demand, one figure per line with where it comes from.
pub fn calibration_text(c: &Calibration) -> String {
    let mut out = format!(
        "  demand learnt from {} to {} (months with cases: {}):\n",
        c.window_from, c.window_to, c.months_observed
    );
    let mut line = |name: &str, value: String, n: u64, from: &str| {
        let _ = writeln!(out, "    {name:<22} {value:<24} {from} (n = {n})");
    };
    let f = |x: f64| format!("{}", (x * 1000.0).round() / 1000.0);
    line(
        "referrals per month",
        f(c.referrals_per_month.value),
        c.referrals_per_month.observations,
        c.referrals_per_month.from,
    );
    line(
        "never started",
        f(c.not_started_share.value),
        c.not_started_share.observations,
        c.not_started_share.from,
    );
    let mix: Vec<String> = c
        .track_mix
        .value
        .iter()
        .map(|(t, x)| format!("{t} {}", f(*x)))
        .collect();
    line(
        "track mix",
        mix.join(", "),
        c.track_mix.observations,
        c.track_mix.from,
    );
    line(
        "extended",
        f(c.extension_rate.value),
        c.extension_rate.observations,
        c.extension_rate.from,
    );
    line(
        "dropped out",
        f(c.dropout_rate.value),
        c.dropout_rate.observations,
        c.dropout_rate.from,
    );
    line(
        "gave up waiting",
        f(c.reneging_share.value),
        c.reneging_share.observations,
        c.reneging_share.from,
    );
    out
}

/// The learnt demand as a `demand:` block for the programme file, with its source. Figures
/// the store could not give are left for the programme's own values (commented).
pub fn calibration_yaml(c: &Calibration) -> String {
    let rate = (c.referrals_per_month.value * 10.0).round() / 10.0;
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let mut out = String::from("demand:\n");
    let _ = writeln!(
        out,
        "  referrals_per_month: [{}]",
        vec![rate.to_string(); 12].join(", ")
    );
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
pub fn compare_text(reports: &[ProgrammeReport]) -> String {
    let mut out = String::from(
        "scenario                          capacity  wait p50  wait p90  waiting at the end p50/p90  months with a waiting list\n",
    );
    for r in reports {
        let s = &r.summary;
        let last = s.monthly.last();
        let _ = writeln!(
            out,
            "{:<33} {:>8}  {:>8}  {:>8}  {:>13} / {:<10}  {}",
            r.scenario.as_deref().unwrap_or("—"),
            s.capacity,
            s.wait_days_p50,
            s.wait_days_p90,
            last.map_or(0.0, |m| m.waiting_p50),
            last.map_or(0.0, |m| m.waiting_p90),
            s.months_over_capacity
        );
    }
    out
}

pub fn csv(r: &ProgrammeReport) -> String {
    let mut out = String::from(
        "month,active_p10,active_p50,active_p90,waiting_p50,waiting_p90,capacity,waiting_p10,wait_days_p10,wait_days_p50,wait_days_p90,calendar\n",
    );
    for m in &r.summary.monthly {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            m.month,
            m.active_p10,
            m.active_p50,
            m.active_p90,
            m.waiting_p50,
            m.waiting_p90,
            m.capacity,
            m.waiting_p10,
            m.wait_days_p10,
            m.wait_days_p50,
            m.wait_days_p90,
            m.calendar.as_deref().unwrap_or("")
        );
    }
    out
}

pub fn solve_text(r: &SolveReport) -> String {
    let mut out = format!(
        "{} version {}: smallest FTE with the p{:.0} wait under {} days ({} runs × {} months)\n",
        r.program,
        r.version,
        r.quantile * 100.0,
        r.max_wait_days,
        r.runs,
        r.months
    );
    let _ = writeln!(
        out,
        "    FTE  capacity  p{:.0} wait (days)",
        r.quantile * 100.0
    );
    for p in &r.curve {
        let _ = writeln!(
            out,
            "  {:>5.1}  {:>8}  {:>10.1}{}",
            p.fte,
            p.capacity,
            p.wait_days,
            if p.meets { "  ✓" } else { "" }
        );
    }
    match r.fte {
        Some(f) => {
            let _ = writeln!(out, "answer: {f:.1} FTE");
        }
        None => {
            let _ = writeln!(out, "answer: none up to the largest FTE searched");
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
    let y_max = if y_max <= 0.0 { 1.0 } else { y_max * 1.1 };
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
    for i in 0..=4 {
        let v = y_max / 1.1 * i as f64 / 4.0;
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
fn active_chart(s: &Summary, title: &str) -> String {
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
                "capacity",
                &cap,
                r##"stroke="#d62728" stroke-width="2" stroke-dasharray="6 4""##,
            ),
            ("active p50", &p50, r##"stroke="#08519c" stroke-width="2""##),
        ],
    )
}

/// The waiting list at each month end (median, p10–p90 band).
fn waiting_chart(s: &Summary, title: &str) -> String {
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
            "waiting p50",
            &w50,
            r##"stroke="#e6550d" stroke-width="2""##,
        )],
    )
}

/// The cumulative wait histogram as labelled buckets ("no wait", "≤ 7 d", …, "> 365 d").
fn wait_buckets(histogram: &[(f64, f64)]) -> Vec<(String, f64)> {
    let mut buckets = Vec::new();
    let mut prev = 0.0;
    let mut prev_label = "0".to_string();
    for (i, (bound, cum)) in histogram.iter().enumerate() {
        let label = if i == 0 {
            "no wait".to_string()
        } else if bound.is_infinite() {
            format!("> {prev_label} d")
        } else {
            format!("≤ {bound:.0} d")
        };
        buckets.push((label, cum - prev));
        prev = *cum;
        prev_label = format!("{bound:.0}");
    }
    buckets
}

/// The charts' titles in English.
pub const CHART_TITLES: [&str; 3] = [
    "Active cases per month (median, p10–p90 band) and capacity",
    "Waiting list at the end of each month (median, p10–p90 band)",
    "How long referrals wait (days)",
];

/// The three charts of a simulation as SVG (active against capacity, waiting list, waits),
/// with the titles given (the web pages translate them).
pub fn charts(r: &ProgrammeReport, titles: [&str; 3]) -> [String; 3] {
    let s = &r.summary;
    [
        active_chart(s, titles[0]),
        waiting_chart(s, titles[1]),
        svg_histogram(titles[2], &wait_buckets(&s.histogram)),
    ]
}

/// The self-contained HTML report (no scripts, no external files).
pub fn html(r: &ProgrammeReport) -> String {
    let s = &r.summary;
    let [active, waiting, hist] = charts(r, CHART_TITLES);
    format!(
        r##"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>traject — {p} {v} — caseload simulation</title>
<style>body{{font-family:sans-serif;max-width:760px;margin:2em auto;color:#222}}table{{border-collapse:collapse}}td,th{{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}}</style></head>
<body>
<h1>{p} — version {v}</h1>
<p>{fte} FTE, capacity {cap} active cases; {runs} runs × {months} months, seed {seed}.</p>
<table><tr><th>median wait</th><th>p90 wait</th><th>mean wait (started)</th><th>had to wait</th><th>utilisation</th><th>months with a waiting list</th></tr>
<tr><td>{p50w} d</td><td>{p90w} d</td><td>{mw} d</td><td>{pw:.0}%</td><td>{u:.0}%</td><td>{moc} / {months}</td></tr></table>
<figure id="active">{active}</figure>
<figure id="waiting">{waiting}</figure>
<figure id="waits">{hist}</figure>
<p><small>Generated by traject simulate. Demand, durations and capacity come from the programme file; figures the seeds do not give are marked there as assumptions.</small></p>
</body></html>
"##,
        p = escape(&r.program),
        v = escape(&r.version),
        fte = r.fte,
        cap = s.capacity,
        runs = s.runs,
        months = s.months,
        seed = r.seed,
        p50w = s.wait_days_p50,
        p90w = s.wait_days_p90,
        mw = s.mean_wait_days,
        pw = s.prob_wait * 100.0,
        u = s.utilisation * 100.0,
        moc = s.months_over_capacity,
    )
}
