//! What a programme change does to the money: the funding report of the impact's period (from
//! the day the change would take effect, over the forecast's months) under the programme in
//! force and under the proposed text, each with the store's cases a conditional funder may be
//! charged for judged by that text — and the difference per funder and cost category, exact to
//! the cent. Staffing and splits come from each text's versions in the period; a period in
//! which one of them has no version has no report to compare (said, not guessed).

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::impact::Proposal;
use super::reports::{funding_of, FundingRequest};
use super::{AppError, Ctx, Need};
use traject_model::text::Label;
use traject_report::{FundingReport, ReportError};
use traject_rules::CompiledProgram;
use traject_store::Store;

/// One funder's chargeable amount for one cost category, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct MoneyLine {
    pub funder: String,
    /// The funder's label, from the proposed text (else the current one).
    pub label: Option<Label>,
    pub category: String,
    pub before_cents: i64,
    pub after_cents: i64,
}

/// The funding report's difference between the two texts over one period.
#[derive(Debug, Clone, Serialize)]
pub struct FundingDifference {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cost_per_fte_month_cents: i64,
    pub lines: Vec<MoneyLine>,
    /// Cost no funder may be charged for (no split stated, or cases outside a funder's
    /// conditions), before and after.
    pub unallocated_before_cents: i64,
    pub unallocated_after_cents: i64,
}

/// The funding report of `c` over the period, with the store's cases judged by `c` (`None`
/// when `c` has no version in the period).
fn report_of(
    c: &CompiledProgram,
    store: &Store,
    (from, to): (NaiveDate, NaiveDate),
    cost: i64,
    ctx: &Ctx,
) -> Result<Option<FundingReport>, AppError> {
    let ask = FundingRequest {
        program: c.program.spec.id.clone(),
        from,
        to,
        cost_per_fte_month_cents: cost,
        materials_cents: None,
    };
    match funding_of(&c.program, Some((c, store)), &ask, ctx) {
        Err(AppError::Report(ReportError::NoVersion { .. })) => Ok(None),
        done => done.map(Some),
    }
}

/// A funder's label as the text's latest version writes it.
pub fn funder_label(c: &CompiledProgram, funder: &str) -> Option<Label> {
    c.program
        .spec
        .versions
        .iter()
        .rev()
        .flat_map(|v| &v.funding.funders)
        .find(|f| f.id == funder)
        .map(|f| f.label.clone())
}

/// The difference per funder and cost category, or `None` when one of the texts has no
/// version in the period. Figures only: everyone who sees figures may ask.
pub fn funding_difference(
    proposal: &Proposal,
    store: &Store,
    months: u32,
    cost_per_fte_month_cents: i64,
    ctx: &Ctx,
) -> Result<Option<FundingDifference>, AppError> {
    ctx.require(Need::Figures)?;
    let from = proposal.on;
    let to = from
        .checked_add_months(Months::new(months.max(1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(from);
    let period = (from, to);
    let cost = cost_per_fte_month_cents;
    let (Some(before), Some(after)) = (
        report_of(proposal.current, store, period, cost, ctx)?,
        report_of(proposal.proposed, store, period, cost, ctx)?,
    ) else {
        return Ok(None);
    };
    let mut lines: Vec<MoneyLine> = Vec::new();
    for (r, is_after) in [(&before, false), (&after, true)] {
        for l in &r.lines {
            for a in &l.allocations {
                let chargeable = a.cents - a.not_chargeable_cents;
                let line = match lines
                    .iter_mut()
                    .position(|m| m.funder == a.funder && m.category == l.category)
                {
                    Some(i) => &mut lines[i],
                    None => {
                        lines.push(MoneyLine {
                            funder: a.funder.clone(),
                            label: funder_label(proposal.proposed, &a.funder)
                                .or_else(|| funder_label(proposal.current, &a.funder)),
                            category: l.category.clone(),
                            before_cents: 0,
                            after_cents: 0,
                        });
                        lines.last_mut().expect("just pushed")
                    }
                };
                if is_after {
                    line.after_cents += chargeable;
                } else {
                    line.before_cents += chargeable;
                }
            }
        }
    }
    Ok(Some(FundingDifference {
        from,
        to,
        cost_per_fte_month_cents,
        lines,
        unallocated_before_cents: before.unallocated_cents,
        unallocated_after_cents: after.unallocated_cents,
    }))
}
