//! traject's built-in rules against GoRules ZEN on the same 1,000,000 generated referrals and
//! the same Antwerp 2022-2024 rules (benches/zen/antwerpen_2022.json: one expression node, the
//! default readings of programs/antwerpen.yaml), every verdict compared, both measured in this
//! run. Target: traject ≥ 10× ZEN's evaluations per second.
//!
//! ZEN is handed each referral as a ready `Variable` with the age already worked out (traject
//! works it out from the two dates inside its evaluation, and also assigns the funders), so the
//! comparison leans towards ZEN.

#[path = "../../support/antwerp_referrals.rs"]
mod antwerp_referrals;

use std::time::Instant;

use antwerp_referrals::{cells, to_referral, Rng, N};
use serde_json::{json, Value};
use traject_model::program::LoadOptions;
use traject_rules::Verdict;
use zen_engine::model::DecisionContent;
use zen_engine::DecisionEngine;

fn zen_input(r: &traject_model::referral::Referral) -> Value {
    json!({
        "age": r.age(),
        "nationality": r.nationality,
        "civic_orientation_completed": r.flag("civic_orientation_completed"),
        "income_support": r.income_support,
        "residence_ocmw": r.residence_ocmw,
        "in_art60": r.flag("in_art60"),
        "motivated": r.flag("motivated"),
        "help_request_fits": r.flag("help_request_fits"),
    })
}

fn main() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let referrals: Vec<_> = (0..N).map(|i| to_referral(&cells(&mut rng, i))).collect();

    let program = traject_model::program::open("antwerpen", &LoadOptions::default()).expect("bundled");
    let compiled = traject_rules::compile_loaded(program).expect("compiles");
    let t = Instant::now();
    let ours: Vec<(Verdict, usize)> = referrals
        .iter()
        .map(|r| {
            let e = compiled.evaluate(r).expect("in force");
            (e.verdict, e.funding.len())
        })
        .collect();
    let ours_secs = t.elapsed().as_secs_f64();

    let content: DecisionContent =
        serde_json::from_str(include_str!("../antwerpen_2022.json")).expect("JDM graph");
    let engine = DecisionEngine::default();
    let mut decision = engine.create_decision(content.into()).expect("ZEN decision");
    decision.compile();
    let inputs: Vec<_> = referrals.iter().map(|r| zen_input(r).into()).collect::<Vec<zen_engine::Variable>>();
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let t = Instant::now();
    let theirs: Vec<Value> = rt.block_on(async {
        let mut out = Vec::with_capacity(N);
        for input in inputs {
            let response = decision.evaluate(input).await.expect("ZEN evaluates");
            out.push(response.result.to_value());
        }
        out
    });
    let zen_secs = t.elapsed().as_secs_f64();

    let word = |v: Verdict| match v {
        Verdict::Eligible => "eligible",
        Verdict::Ineligible => "ineligible",
        Verdict::NeedsAssessment => "needs_assessment",
    };
    let mut counts = [0usize; 3];
    for (i, ((v, funders), z)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(z["verdict"], word(*v), "referral {i}: traject and ZEN disagree");
        assert_eq!(z["funders"].as_u64(), Some(*funders as u64), "referral {i}: funders");
        counts[*v as usize] += 1;
    }
    let (ours_rate, zen_rate) = (N as f64 / ours_secs, N as f64 / zen_secs);
    println!("{N} referrals, same verdicts (eligible/ineligible/needs assessment = {counts:?})");
    println!("traject built-in rules: {ours_secs:.3} s = {ours_rate:.0} referrals/s");
    println!("GoRules ZEN expression node: {zen_secs:.3} s = {zen_rate:.0} referrals/s");
    let ratio = ours_rate / zen_rate;
    println!(
        "ratio traject / ZEN: {ratio:.1}× (target ≥ 10×: {})",
        if ratio >= 10.0 { "met" } else { "MISSED" }
    );
}
