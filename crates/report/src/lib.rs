//! Reports for the annual financial and content report to the EU: the funding ledger
//! (personnel and material costs per funder per cost category, exact to the cent) and the
//! activity report from the case store (every figure with its denominator, cohort and period).

pub mod activity;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use traject_model::program::model::Version;
use traject_model::program::Program;

#[derive(Debug, Clone, Serialize)]
pub struct Allocation {
    pub funder: String,
    pub percent: f64,
    /// Amount in cents.
    pub cents: i64,
    /// Part of `cents` that may not be charged to this funder because some cases fall outside
    /// its conditions (e.g. AMIF pays only for non-EU participants); left unallocated.
    #[serde(skip_serializing_if = "is_zero")]
    pub not_chargeable_cents: i64,
}

fn is_zero(x: &i64) -> bool {
    *x == 0
}

/// For a funder with conditions: how many of the programme's cases in the period meet them.
#[derive(Debug, Clone, Serialize)]
pub struct Fundable {
    pub funder: String,
    pub fundable: i64,
    pub cases: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryLine {
    pub version: String,
    pub category: String,
    /// Months of the period this version covers (days counted per calendar month).
    pub months: f64,
    pub fte: f64,
    pub total_cents: i64,
    /// Empty when the sources state no split for this category.
    pub allocations: Vec<Allocation>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundingReport {
    pub program: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cost_per_fte_month_cents: i64,
    pub lines: Vec<CategoryLine>,
    /// Per funder over all lines (chargeable amounts).
    pub totals: Vec<(String, i64)>,
    pub unallocated_cents: i64,
    /// Case counts behind the chargeable shares, when the case store was consulted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fundable: Vec<Fundable>,
}

/// Split `total` cents by percentages, exactly: floor every share, then give the remaining
/// cents to the largest remainders (ties: the order the funders are written in).
pub fn split_cents(total: i64, percents: &[f64]) -> Vec<i64> {
    let raw: Vec<f64> = percents.iter().map(|p| total as f64 * p / 100.0).collect();
    let mut cents: Vec<i64> = raw.iter().map(|r| r.floor() as i64).collect();
    let mut left = total - cents.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by(|&a, &b| {
        (raw[b] - raw[b].floor())
            .total_cmp(&(raw[a] - raw[a].floor()))
            .then(a.cmp(&b))
    });
    for i in order.into_iter().cycle().take(raw.len().max(1) * 2) {
        if left <= 0 || raw.is_empty() {
            break;
        }
        cents[i] += 1;
        left -= 1;
    }
    cents
}

/// A version's share of the period: its months in force, and each role's FTE-months (its
/// FTE on each day, dated staffing steps included).
struct VersionPeriod {
    index: usize,
    months: f64,
    fte_months: Vec<f64>,
}

/// Months of [from, to] in force for each version: each day counts 1/(days in its month).
fn months_per_version(p: &Program, from: NaiveDate, to: NaiveDate) -> Vec<VersionPeriod> {
    let mut acc: Vec<VersionPeriod> = p
        .spec
        .versions
        .iter()
        .enumerate()
        .map(|(index, v)| VersionPeriod {
            index,
            months: 0.0,
            fte_months: vec![0.0; v.staffing.len()],
        })
        .collect();
    let mut d = from;
    while d <= to {
        if let Some(i) = p.spec.versions.iter().position(|v| v.in_force_on(d)) {
            let share = 1.0 / days_in_month(d) as f64;
            acc[i].months += share;
            for (r, role) in p.spec.versions[i].staffing.iter().enumerate() {
                acc[i].fte_months[r] += role.fte_on(d) * share;
            }
        }
        d = d.succ_opt().expect("dates stay in range");
    }
    acc.retain(|v| v.months > 0.0);
    acc
}

fn days_in_month(d: NaiveDate) -> u32 {
    let first = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("valid");
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .expect("valid");
    (next - first).num_days() as u32
}

/// The cost category a role's FTE count in: guiding staff are personnel; other roles go to
/// a category of their own when the version splits one (a coordinator paid by the
/// city), else to personnel.
fn category_of(v: &Version, role: &traject_model::program::model::Role) -> &'static str {
    if !role.counts_for_caseload && v.funding.split.iter().any(|s| s.category == "coordinator") {
        "coordinator"
    } else {
        "personnel"
    }
}

/// Only fundable cases count for a funder with conditions: its share of every line is charged
/// in proportion to the cases that meet them; the rest stays unallocated and is reported.
pub fn apply_fundable(r: &mut FundingReport, fundable: Vec<Fundable>) {
    for l in &mut r.lines {
        for a in &mut l.allocations {
            if let Some(f) = fundable.iter().find(|f| f.funder == a.funder) {
                if f.cases > 0 {
                    let chargeable =
                        (a.cents as i128 * f.fundable as i128 / f.cases as i128) as i64;
                    a.not_chargeable_cents = a.cents - chargeable;
                }
            }
        }
    }
    r.fundable = fundable;
    totals(r);
}

fn totals(r: &mut FundingReport) {
    let mut totals: Vec<(String, i64)> = Vec::new();
    let mut unallocated = 0;
    for l in &r.lines {
        if l.allocations.is_empty() {
            unallocated += l.total_cents;
        }
        for a in &l.allocations {
            unallocated += a.not_chargeable_cents;
            let chargeable = a.cents - a.not_chargeable_cents;
            match totals.iter_mut().find(|(f, _)| *f == a.funder) {
                Some(t) => t.1 += chargeable,
                None => totals.push((a.funder.clone(), chargeable)),
            }
        }
    }
    r.totals = totals;
    r.unallocated_cents = unallocated;
}

/// Per cost category of a version over its period: (category, mean FTE, cost in cents) from
/// its roles' FTE-months; materials (their share of the period) as a category of their own.
fn category_costs(
    v: &Version,
    period: &VersionPeriod,
    cost_per_fte_month_cents: i64,
    materials_cents: Option<i64>,
) -> Vec<(String, f64, i64)> {
    let mut categories: Vec<(&str, f64)> = Vec::new();
    for (r, fte_months) in v.staffing.iter().zip(&period.fte_months) {
        let c = category_of(v, r);
        match categories.iter_mut().find(|(n, _)| *n == c) {
            Some(x) => x.1 += fte_months,
            None => categories.push((c, *fte_months)),
        }
    }
    let mut costs: Vec<(String, f64, i64)> = categories
        .into_iter()
        .map(|(c, fte_months)| {
            let cents = (fte_months * cost_per_fte_month_cents as f64).round() as i64;
            let fte = (fte_months / period.months * 1000.0).round() / 1000.0;
            (c.to_string(), fte, cents)
        })
        .collect();
    if let Some(m) = materials_cents {
        costs.push(("materials".into(), 0.0, m));
    }
    costs
}

/// One category's cost split over the funders the version names for it (none: unallocated).
fn category_line(v: &Version, category: String, months: f64, fte: f64, total: i64) -> CategoryLine {
    let split = v.funding.split.iter().find(|s| s.category == category);
    let allocations = match split {
        Some(s) => {
            let percents: Vec<f64> = s.shares.iter().map(|x| x.percent).collect();
            s.shares
                .iter()
                .zip(split_cents(total, &percents))
                .map(|(sh, c)| Allocation {
                    funder: sh.funder.clone(),
                    percent: sh.percent,
                    cents: c,
                    not_chargeable_cents: 0,
                })
                .collect()
        }
        None => Vec::new(),
    };
    CategoryLine {
        version: v.id.clone(),
        category,
        months: (months * 1000.0).round() / 1000.0,
        fte,
        total_cents: total,
        allocations,
        source: split.map(|s| s.source.clone()),
    }
}

pub fn funding(
    p: &Program,
    from: NaiveDate,
    to: NaiveDate,
    cost_per_fte_month_cents: i64,
    materials_cents: Option<i64>,
) -> Result<FundingReport, ReportError> {
    if to < from {
        return Err(ReportError::Backwards { from, to });
    }
    let periods = months_per_version(p, from, to);
    if periods.is_empty() {
        return Err(ReportError::NoVersion {
            program: p.spec.id.clone(),
            from,
            to,
        });
    }
    let total_months: f64 = periods.iter().map(|v| v.months).sum();
    let mut lines = Vec::new();
    for period in &periods {
        let v = &p.spec.versions[period.index];
        let months = period.months;
        let materials = materials_cents.map(|m| (m as f64 * months / total_months).round() as i64);
        for (category, fte, total) in category_costs(v, period, cost_per_fte_month_cents, materials)
        {
            lines.push(category_line(v, category, months, fte, total));
        }
    }
    let mut r = FundingReport {
        program: p.spec.id.clone(),
        from,
        to,
        cost_per_fte_month_cents,
        lines,
        totals: Vec::new(),
        unallocated_cents: 0,
        fundable: Vec::new(),
    };
    totals(&mut r);
    Ok(r)
}

pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// Why a report cannot be made for the period or amounts asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportError {
    Backwards {
        from: NaiveDate,
        to: NaiveDate,
    },
    NoVersion {
        program: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    Amount {
        setting: &'static str,
        given: String,
    },
    Spreadsheet(String),
}

/// Parse an amount like "4000" or "3333.33" into cents; `setting` names it in the error.
pub fn parse_euros(setting: &'static str, s: &str) -> Result<i64, ReportError> {
    let bad = || ReportError::Amount {
        setting,
        given: s.to_string(),
    };
    let t = s.trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    Ok(w * 100 + f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_exact_to_the_cent() {
        assert_eq!(
            split_cents(7_999_992, &[75.0, 15.0, 10.0]),
            vec![5_999_994, 1_199_999, 799_999]
        );
        let c = split_cents(100, &[33.3, 33.3, 33.4]);
        assert_eq!(c.iter().sum::<i64>(), 100);
        assert_eq!(parse_euros("materials", "3333.33").unwrap(), 333_333);
        assert!(parse_euros("materials", "12,345.6.7").is_err());
    }
}
