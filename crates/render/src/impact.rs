//! A proposed programme change's impact as people read it: what changes in the programme (the
//! semantic diff), how many referrals change verdict or funding and by which criteria, who —
//! by case and dossier number, for those who may see it — and, from the store, the waiting
//! list, the wait and the staffing under both versions. The table of who flips is written as
//! CSV or a workbook by the front end.

use std::fmt::Write as _;

use traject_app::impact::{Flip, Impact};
use traject_i18n::{date, number, say, LabelIn, Lang};
use traject_rules::eval::{Outcome, Verdict};

use crate::table::Table;

fn verdict_word(v: Verdict, lang: Lang) -> &'static str {
    traject_i18n::vocabulary::term("verdict", v.as_str(), lang).unwrap_or(v.as_str())
}

fn outcome_word(o: Option<Outcome>, lang: Lang) -> &'static str {
    match o {
        Some(Outcome::Pass) => say(lang, "voldaan", "remplie", "met"),
        Some(Outcome::Fail) => say(lang, "niet voldaan", "non remplie", "not met"),
        Some(Outcome::Unknown) => say(lang, "nog te beoordelen", "à évaluer", "to be assessed"),
        None => say(
            lang,
            "niet in deze versie",
            "absent de cette version",
            "not in this version",
        ),
    }
}

/// Who a flip is: the case and its dossier number, or the batch row.
fn who(f: &Flip, lang: Lang) -> String {
    match (f.case, &f.dossier, f.row) {
        (Some(id), Some(d), _) => format!("{} {id} ({d})", say(lang, "dossier", "dossier", "case")),
        (Some(id), None, _) => format!("{} {id}", say(lang, "dossier", "dossier", "case")),
        (None, _, Some(row)) => format!("{} {row}", say(lang, "rij", "ligne", "row")),
        _ => "-".to_string(),
    }
}

/// The criteria of a flip, one phrase each: label — before → after (source).
fn criteria_words(f: &Flip, lang: Lang, society: Lang) -> Vec<String> {
    f.criteria
        .iter()
        .map(|c| {
            format!(
                "{}: {} → {} ({})",
                c.label.get(lang, society),
                outcome_word(c.before, lang),
                outcome_word(c.after, lang),
                c.source
            )
        })
        .collect()
}

/// The impact in the reader's language. `name` is the programme's name, `society` the
/// language its labels are surely written in.
pub fn text(i: &Impact, lang: Lang, name: &str, society: Lang) -> String {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let mut out = format!(
        "{name} — {} {} {} {} ({} {})\n",
        w(
            "gevolgen van de voorgestelde versie",
            "effets de la version proposée",
            "impact of the proposed version"
        ),
        i.proposed_version,
        w(
            "tegenover versie",
            "par rapport à la version",
            "against version"
        ),
        i.current_version,
        i.referrals,
        w(
            "aanmeldingen beoordeeld",
            "orientations jugées",
            "referrals judged"
        ),
    );
    if i.unjudged > 0 {
        let _ = writeln!(
            out,
            "  {} {}",
            i.unjudged,
            w(
                "aanmeldingen konden niet beoordeeld worden (onleesbaar of gewist) en tellen niet mee",
                "orientations n'ont pas pu être jugées (illisibles ou effacées) et ne comptent pas",
                "referrals could not be judged (unreadable or erased) and are left out"
            )
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        w(
            "Wat verandert in het programma",
            "Ce qui change dans le programme",
            "What changes in the programme"
        )
    );
    for line in crate::diff::render_text(&i.diff, lang).lines() {
        let _ = writeln!(out, "  {line}");
    }
    counts_text(&mut out, i, lang, society);
    flips_text(&mut out, i, lang, society);
    if let Some(f) = &i.forecast {
        forecast_text(&mut out, f, lang);
    }
    if let Some(m) = &i.money {
        money_text(&mut out, m, lang, society);
    }
    traject_i18n::typography(&out, lang)
}

/// The funding report's difference per funder and cost category, before → after (change).
fn money_text(
    out: &mut String,
    m: &traject_app::impact_money::FundingDifference,
    lang: Lang,
    society: Lang,
) {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let eur = |c: i64| crate::funding::money(c, lang);
    let signed = |c: i64| {
        if c > 0 {
            format!("+{}", eur(c))
        } else {
            eur(c)
        }
    };
    let _ = writeln!(
        out,
        "\n{} {} {} {} ({} {} {})",
        w(
            "Financiering per financier en kostensoort, van",
            "Financement par financeur et catégorie de coûts, du",
            "Funding per funder and cost category, from"
        ),
        date(m.from, lang),
        w("tot", "au", "to"),
        date(m.to, lang),
        w("personeel aan", "personnel à", "personnel at"),
        eur(m.cost_per_fte_month_cents),
        w("per VTE-maand", "par mois-ETP", "per FTE-month"),
    );
    for l in &m.lines {
        let funder = l
            .label
            .as_ref()
            .map_or(l.funder.as_str(), |x| x.get(lang, society));
        let category = traject_i18n::vocabulary::term("split_category", &l.category, lang)
            .unwrap_or(&l.category);
        let _ = writeln!(
            out,
            "  {funder} · {category}: {} → {} ({})",
            eur(l.before_cents),
            eur(l.after_cents),
            signed(l.after_cents - l.before_cents)
        );
    }
    let _ = writeln!(
        out,
        "  {}: {} → {}",
        w("niet toegewezen", "non attribué", "unallocated"),
        eur(m.unallocated_before_cents),
        eur(m.unallocated_after_cents)
    );
}

/// How many change, per transition, per criterion and per funder.
fn counts_text(out: &mut String, i: &Impact, lang: Lang, society: Lang) {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let _ = writeln!(
        out,
        "\n{}: {} / {}",
        w(
            "Aanmeldingen waarvan het oordeel of de financiering verandert",
            "Orientations dont le verdict ou le financement change",
            "Referrals whose verdict or funding changes"
        ),
        i.changed,
        i.referrals
    );
    for t in &i.transitions {
        let (before, after) = (verdict_word(t.before, lang), verdict_word(t.after, lang));
        let _ = writeln!(out, "  {before} → {after}: {}", t.referrals);
    }
    if !i.criteria.is_empty() {
        let heading = w(
            "Criteria achter de veranderingen",
            "Critères à l'origine des changements",
            "Criteria behind the changes",
        );
        let _ = writeln!(out, "\n{heading}");
        for c in &i.criteria {
            let label = c.label.get(lang, society);
            let _ = writeln!(out, "  {label} ({}): {}", c.source, c.referrals);
        }
    }
    if !i.funding.is_empty() {
        let heading = w(
            "Financiering (aanmeldingen per financier, voor → na)",
            "Financement (orientations par financeur, avant → après)",
            "Funding (referrals per funder, before → after)",
        );
        let _ = writeln!(out, "\n{heading}");
        for f in &i.funding {
            let name = f
                .label
                .as_ref()
                .map_or(f.funder.as_str(), |l| l.get(lang, society));
            let _ = writeln!(out, "  {name}: {} → {}", f.before, f.after);
        }
    }
}

/// Who changes, with the criteria that change them — or why the reader is not told.
fn flips_text(out: &mut String, i: &Impact, lang: Lang, society: Lang) {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let Some(flips) = &i.flips else {
        let _ = writeln!(
            out,
            "\n{}",
            w(
                "Wie verandert, ziet alleen wie het programma mag wijzigen (coördinatoren).",
                "Qui change, seuls ceux qui peuvent modifier le programme le voient (coordinateurs).",
                "Who changes is shown only to those who may change the programme (coordinators)."
            )
        );
        return;
    };
    if flips.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", w("Wie verandert", "Qui change", "Who changes"));
    for f in flips {
        let (before, after) = (verdict_word(f.before, lang), verdict_word(f.after, lang));
        let _ = writeln!(out, "  {}: {before} → {after}", who(f, lang));
        for c in criteria_words(f, lang, society) {
            let _ = writeln!(out, "      {c}");
        }
        if f.funding_before != f.funding_after {
            let _ = writeln!(
                out,
                "      {}: {} → {}",
                w("financiering", "financement", "funding"),
                f.funding_before.join(", "),
                f.funding_after.join(", ")
            );
        }
    }
}

fn forecast_text(out: &mut String, f: &traject_app::impact::ForecastImpact, lang: Lang) {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let n = |x: f64| number((x * 10.0).round() / 10.0, lang);
    let from = f.current.from.map_or_else(String::new, |d| date(d, lang));
    let _ = writeln!(
        out,
        "\n{} {from}, {} {}, {} {} ({})",
        w(
            "Voorspelling vanaf",
            "Prévision à partir du",
            "Forecast from"
        ),
        f.current.summary.months,
        w("maanden", "mois", "months"),
        f.current.summary.runs,
        w("simulaties", "simulations", "runs"),
        w(
            "dezelfde toevalsgetallen voor beide",
            "mêmes nombres aléatoires pour les deux",
            "the same random numbers for both"
        ),
    );
    let _ = writeln!(
        out,
        "  {}: × {} ({} {} → {})",
        w(
            "aanmeldingen per maand",
            "orientations par mois",
            "referrals per month"
        ),
        n(f.demand_factor),
        w(
            "toegelaten aanmeldingen in de databank",
            "orientations admises dans la base",
            "stored referrals admitted"
        ),
        f.admitted_before,
        f.admitted_after
    );
    waiting_table(out, f, lang);
    let _ = writeln!(
        out,
        "  {}: {} → {} {}",
        w("wachttijd p90", "attente p90", "p90 wait"),
        n(f.current.summary.wait_days_p90),
        n(f.proposed.summary.wait_days_p90),
        w("dagen", "jours", "days")
    );
    let fte = |x: Option<f64>| {
        x.map_or_else(
            || w("niet gevonden", "introuvable", "not found").to_string(),
            n,
        )
    };
    let _ = writeln!(
        out,
        "  {} {} {}: {} → {}",
        w(
            "VTE nodig om de wachttijd p90 binnen",
            "ETP nécessaires pour garder l'attente p90 sous",
            "FTE needed to keep the p90 wait within"
        ),
        n(f.max_wait_days),
        w("dagen te houden", "jours", "days"),
        fte(f.fte_needed_before),
        fte(f.fte_needed_after)
    );
}

/// Who flips, one row each, for a spreadsheet: case, dossier or row, verdicts, funding and the
/// criteria that changed.
pub fn table(i: &Impact, lang: Lang, society: Lang) -> Table {
    let header = match lang {
        Lang::Nl => [
            "dossier",
            "dossiernummer",
            "rij",
            "oordeel nu",
            "oordeel voorstel",
            "financiering nu",
            "financiering voorstel",
            "criteria",
        ],
        Lang::Fr => [
            "dossier",
            "numéro de dossier",
            "ligne",
            "verdict actuel",
            "verdict proposé",
            "financement actuel",
            "financement proposé",
            "critères",
        ],
        Lang::En => [
            "case",
            "dossier",
            "row",
            "verdict now",
            "verdict proposed",
            "funding now",
            "funding proposed",
            "criteria",
        ],
    };
    let mut t = Table::new(&header);
    for f in i.flips.iter().flatten() {
        t.push(vec![
            f.case.map(|c| c.to_string()).unwrap_or_default(),
            f.dossier.clone().unwrap_or_default(),
            f.row.map(|r| r.to_string()).unwrap_or_default(),
            verdict_word(f.before, lang).to_string(),
            verdict_word(f.after, lang).to_string(),
            f.funding_before.join(", "),
            f.funding_after.join(", "),
            criteria_words(f, lang, society).join("; "),
        ]);
    }
    t
}

/// The waiting list month by month under both versions (p50 / p90).
fn waiting_table(out: &mut String, f: &traject_app::impact::ForecastImpact, lang: Lang) {
    let w = |nl, fr, en| say(lang, nl, fr, en);
    let n = |x: f64| number((x * 10.0).round() / 10.0, lang);
    let _ = writeln!(
        out,
        "  {:<8} {:>24} {:>24}",
        w("maand", "mois", "month"),
        w(
            "wachtlijst nu p50/p90",
            "attente actuelle p50/p90",
            "waiting now p50/p90"
        ),
        w(
            "wachtlijst voorstel p50/p90",
            "attente proposée p50/p90",
            "waiting proposed p50/p90"
        ),
    );
    for (a, b) in f
        .current
        .summary
        .monthly
        .iter()
        .zip(&f.proposed.summary.monthly)
    {
        let _ = writeln!(
            out,
            "  {:<8} {:>24} {:>24}",
            a.calendar.clone().unwrap_or_else(|| a.month.to_string()),
            format!("{} / {}", n(a.waiting_p50), n(a.waiting_p90)),
            format!("{} / {}", n(b.waiting_p50), n(b.waiting_p90)),
        );
    }
}
