//! The funding report as people read it: per funder and cost category, amounts exact to the
//! cent with the reader's decimal comma; and as CSV.

use traject_i18n::LabelIn;
use traject_report::{euros, CategoryLine, FundingReport};

/// What a report reader sees instead of codes: the language, the programme's name, and the
/// labels of its exits, funders, tracks and modules (the latest version's wording).
#[derive(Debug, Clone)]
pub struct Labels {
    pub lang: traject_i18n::Lang,
    pub name: String,
    codes: std::collections::BTreeMap<String, String>,
}

impl Labels {
    pub fn of(p: &traject_model::program::Program, lang: traject_i18n::Lang) -> Labels {
        let society = p.spec.society_language;
        let mut codes = std::collections::BTreeMap::new();
        for v in &p.spec.versions {
            for e in &v.exits {
                codes.insert(e.id.clone(), e.label.get(lang, society).to_string());
            }
            for f in &v.funding.funders {
                codes.insert(f.id.clone(), f.label.get(lang, society).to_string());
            }
            for t in &v.tracks {
                codes.insert(t.id.clone(), t.label.get(lang, society).to_string());
            }
            for m in &v.modules {
                codes.insert(m.id.clone(), m.label.get(lang, society).to_string());
            }
        }
        Labels {
            lang,
            name: p.spec.name.get(lang, society).to_string(),
            codes,
        }
    }

    /// Codes only, for a report without its programme at hand.
    pub fn plain(lang: traject_i18n::Lang, name: &str) -> Labels {
        Labels {
            lang,
            name: name.to_string(),
            codes: Default::default(),
        }
    }

    /// The label of a programme code (exit, funder, track, module), else the vocabulary's, else
    /// the code.
    pub fn code(&self, code: &str) -> String {
        self.codes
            .get(code)
            .cloned()
            .unwrap_or_else(|| traject_i18n::value_label(code, self.lang))
    }

    pub fn say(&self, nl: &'static str, fr: &'static str, en: &'static str) -> &'static str {
        traject_i18n::say(self.lang, nl, fr, en)
    }
}

/// An amount of cents as the reader writes money: `€ 1.234,56` in Dutch, `1 234,56 €` in
/// French, `€1,234.56` in English.
pub fn money(cents: i64, lang: traject_i18n::Lang) -> String {
    use traject_i18n::Lang;
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.abs();
    let units = (c / 100).to_string();
    let group = match lang {
        Lang::Nl => '.',
        Lang::Fr => '\u{202f}',
        Lang::En => ',',
    };
    let mut grouped = String::new();
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(ch);
    }
    let cents = format!("{:02}", c % 100);
    match lang {
        Lang::Nl => format!("{sign}€ {grouped},{cents}"),
        Lang::Fr => format!("{sign}{grouped},{cents}\u{a0}€"),
        Lang::En => format!("{sign}€{grouped}.{cents}"),
    }
}

/// One cost category of one version: its total and how the funders share it.
fn category_text(line: &CategoryLine, l: &Labels, out: &mut String) {
    let lang = l.lang;
    let m = |c: i64| money(c, lang);
    let category = traject_i18n::vocabulary::term("split_category", &line.category, lang)
        .unwrap_or(&line.category);
    out.push_str(&format!(
        "  {} {} · {:<14} {} · {} {} · {} {:>14}\n",
        l.say("versie", "version", "version"),
        line.version,
        category,
        traject_i18n::vocabulary::count((line.months * 1000.0).round() / 1000.0, "month", lang),
        traject_i18n::number(line.fte, lang),
        l.say("VTE", "ETP", "FTE"),
        l.say("totaal", "total", "total"),
        m(line.total_cents)
    ));
    if line.allocations.is_empty() {
        out.push_str(&format!(
            "      {}\n",
            l.say(
                "verdeling niet vermeld in de bronnen: niet toegewezen",
                "répartition non indiquée dans les sources : non attribué",
                "split not stated in the sources: unallocated"
            )
        ));
    }
    for a in &line.allocations {
        let not = if a.not_chargeable_cents > 0 {
            format!(
                "   ({} {} {})",
                l.say("waarvan", "dont", "of which"),
                m(a.not_chargeable_cents),
                l.say(
                    "niet aanrekenbaar: dossiers buiten de voorwaarden",
                    "non imputables : dossiers hors conditions",
                    "not chargeable: cases outside its conditions"
                )
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "      {:<32} {:>5}%  {:>14}{not}\n",
            l.code(&a.funder),
            traject_i18n::number(a.percent, lang),
            m(a.cents)
        ));
    }
}

pub fn funding_text(r: &FundingReport, l: &Labels) -> String {
    let lang = l.lang;
    let m = |c: i64| money(c, lang);
    let mut out = format!(
        "{} — {} {} {} {} ({} {} {})\n",
        l.name,
        l.say("financiering van", "financement du", "funding"),
        traject_i18n::date(r.from, lang),
        l.say("tot", "au", "to"),
        traject_i18n::date(r.to, lang),
        l.say("personeel aan", "personnel à", "personnel at"),
        m(r.cost_per_fte_month_cents),
        l.say("per VTE-maand", "par mois-ETP", "per FTE-month"),
    );
    for line in &r.lines {
        category_text(line, l, &mut out);
    }
    for f in &r.fundable {
        out.push_str(&format!(
            "  {} {} {} {} {} {}\n",
            l.code(&f.funder),
            l.say(
                "mag aangerekend worden voor",
                "peut être imputé pour",
                "may be charged for"
            ),
            f.fundable,
            l.say("van de", "des", "of"),
            f.cases,
            l.say(
                "dossiers in de periode",
                "dossiers de la période",
                "cases in the period"
            ),
        ));
    }
    out.push_str(&format!(
        "  {}:\n",
        l.say(
            "per financier (aanrekenbaar)",
            "par financeur (imputable)",
            "per funder (chargeable)"
        )
    ));
    for (f, c) in &r.totals {
        out.push_str(&format!("      {:<32} {:>14}\n", l.code(f), m(*c)));
    }
    if r.unallocated_cents > 0 {
        out.push_str(&format!(
            "      {:<32} {:>14}\n",
            l.say("niet toegewezen", "non attribué", "unallocated"),
            m(r.unallocated_cents)
        ));
    }
    traject_i18n::typography(&out, lang)
}

/// The report's lines as a table (the CSV and workbook columns): one row per funder's share,
/// or one row with the total where a line has no split.
pub fn funding_table(r: &FundingReport) -> crate::table::Table {
    let mut t = crate::table::Table::new(&[
        "program", "version", "category", "months", "fte", "funder", "percent", "amount",
    ]);
    for l in &r.lines {
        let line = |funder: String, percent: String, cents: i64| {
            vec![
                r.program.clone(),
                l.version.clone(),
                l.category.clone(),
                l.months.to_string(),
                l.fte.to_string(),
                funder,
                percent,
                euros(cents),
            ]
        };
        if l.allocations.is_empty() {
            t.push(line(String::new(), String::new(), l.total_cents));
        }
        for a in &l.allocations {
            t.push(line(a.funder.clone(), a.percent.to_string(), a.cents));
        }
    }
    t
}

/// The funding lines as a reader's table: versions, categories and funders by their words,
/// months and FTE with the reader's decimal comma, amounts as money.
pub fn reader_table(r: &FundingReport, l: &Labels) -> crate::table::Table {
    let lang = l.lang;
    let mut t = crate::table::Table::new(&[
        l.say("versie", "version", "version"),
        l.say("kostensoort", "catégorie de coût", "cost category"),
        l.say("maanden", "mois", "months"),
        l.say("VTE", "ETP", "FTE"),
        l.say("financier", "financeur", "funder"),
        l.say("aandeel", "part", "share"),
        l.say("bedrag", "montant", "amount"),
    ]);
    for line in &r.lines {
        let category = traject_i18n::vocabulary::term("split_category", &line.category, lang)
            .unwrap_or(&line.category)
            .to_string();
        let row = |funder: String, percent: String, cents: i64| {
            vec![
                line.version.clone(),
                category.clone(),
                traject_i18n::number((line.months * 100.0).round() / 100.0, lang),
                traject_i18n::number(line.fte, lang),
                funder,
                percent,
                money(cents, lang),
            ]
        };
        if line.allocations.is_empty() {
            let none = l.say("niet toegewezen", "non attribué", "unallocated");
            t.push(row(none.to_string(), String::new(), line.total_cents));
        }
        for a in &line.allocations {
            let percent = format!("{}%", traject_i18n::number(a.percent, lang));
            t.push(row(l.code(&a.funder), percent, a.cents));
        }
    }
    t
}

pub fn funding_csv(r: &FundingReport) -> String {
    funding_table(r).csv()
}
