//! A backtest as people read it: per horizon month, how often what happened fell inside the
//! forecast's p10–p90 band and how far the median was off; then every forecast's points. CSV
//! for spreadsheets, one row per point.

use std::fmt::Write as _;

use traject_app::backtest::Backtest;
use traject_i18n::{date, number, say, Lang};

/// The backtest in the reader's language.
pub fn text(b: &Backtest, lang: Lang, name: &str) -> String {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let n = |x: f64| number((x * 10.0).round() / 10.0, lang);
    let pct = |x: f64| format!("{}%", number((x * 100.0).round(), lang));
    let mut out = format!(
        "{name} — {} {} {} {} {} {} {} ({} {}, {} {})\n",
        w("terugtoets", "test rétrospectif", "backtest"),
        b.origins.len(),
        w("voorspellingen", "prévisions", "forecasts"),
        w("van", "du", "from"),
        b.origins
            .first()
            .map_or_else(String::new, |o| date(o.from, lang)),
        w("tot", "au", "to"),
        b.origins
            .last()
            .map_or_else(String::new, |o| date(o.from, lang)),
        b.runs,
        w("simulaties elk", "simulations chacune", "runs each"),
        w("geschiedenis tot", "historique jusqu'au", "history up to"),
        date(b.history_to, lang),
    );
    let _ = writeln!(
        out,
        "  {:<8} {:>7} {:>16} {:>12} {:>10} {:>16} {:>12} {:>10}",
        w("maand", "mois", "month"),
        w("punten", "points", "points"),
        w("actief in band", "actifs en bande", "active in band"),
        w("afwijking", "écart", "error"),
        w("bias", "biais", "bias"),
        w("wachtend in band", "attente en bande", "waiting in band"),
        w("afwijking", "écart", "error"),
        w("bias", "biais", "bias"),
    );
    let overall = &b.overall;
    let rows = b.by_month.iter().map(|s| {
        (
            format!("+{}", s.month + 1),
            s.points,
            (s.active_coverage, s.active_mae, s.active_bias),
            (s.waiting_coverage, s.waiting_mae, s.waiting_bias),
        )
    });
    for (month, points, a, q) in rows {
        let _ = writeln!(
            out,
            "  {month:<8} {points:>7} {:>16} {:>12} {:>10} {:>16} {:>12} {:>10}",
            pct(a.0),
            n(a.1),
            n(a.2),
            pct(q.0),
            n(q.1),
            n(q.2)
        );
    }
    let _ = writeln!(
        out,
        "  {}: {} {}; {} {}, {} {}; {} {}, {} {} ({})",
        w("samen", "ensemble", "overall"),
        overall.points,
        w("punten", "points", "points"),
        w("actief in band", "actifs en bande", "active in band"),
        pct(overall.active_coverage),
        w("afwijking", "écart", "error"),
        n(overall.active_mae),
        w("wachtend in band", "attente en bande", "waiting in band"),
        pct(overall.waiting_coverage),
        w("afwijking", "écart", "error"),
        n(overall.waiting_mae),
        w("nominaal 80%", "nominal 80%", "nominal 80%"),
    );
    traject_i18n::typography(&out, lang)
}

/// One row per forecast and horizon month: what happened and the forecast's band.
pub fn csv(b: &Backtest) -> String {
    let mut out = String::from(
        "forecast_day,version,month,observed_on,active,active_p10,active_p50,active_p90,waiting,waiting_p10,waiting_p50,waiting_p90\n",
    );
    for o in &b.origins {
        for p in &o.points {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                o.from,
                o.version,
                p.month,
                p.on,
                p.active,
                p.active_p10,
                p.active_p50,
                p.active_p90,
                p.waiting,
                p.waiting_p10,
                p.waiting_p50,
                p.waiting_p90
            );
        }
    }
    out
}
