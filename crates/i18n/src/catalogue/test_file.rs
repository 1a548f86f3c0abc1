//! Programme test files and forecast scenario files: keys, shapes and values.

use traject_model::problem::{KeyList, ScenarioProblem as S, TestProblem as T};

use super::{m, meant, q, Wording};
use crate::Lang;

pub(super) fn words(p: &T, l: Lang) -> Wording {
    match p {
        T::NotAMapping { keys } => Wording::new(
            m(
                l,
                "verwacht een mapping (regels sleutel: waarde)",
                "une table est attendue (lignes clé : valeur)",
                "expected a mapping (key: value lines)",
            ),
            m(l, "sleutels: ", "clés : ", "keys: ") + keys.join(", ").as_str(),
        ),
        T::UnknownKey {
            key,
            list,
            allowed,
            nearest,
        } => {
            let mean = meant(nearest.as_deref(), l);
            let (what, all) = match list {
                KeyList::Keys => (m(l, "sleutel", "clé", "key"), m(l, "sleutels", "clés", "keys")),
                KeyList::StepKeys => (
                    m(l, "stapsleutel", "clé d'étape", "step key"),
                    m(l, "stapsleutels", "clés d'étape", "step keys"),
                ),
                KeyList::Expectations => (
                    m(l, "verwachting", "attente", "expectation"),
                    m(l, "verwachtingen", "attentes", "expectations"),
                ),
            };
            let unknown = m(l, "onbekende", "inconnue", "unknown");
            let message = match l {
                Lang::Fr => format!("{what} {unknown} {}{mean}", q(l, key)),
                _ => format!("{unknown} {what} {}{mean}", q(l, key)),
            };
            Wording::new(message, format!("{all}: {}", allowed.join(", ")))
        }
        T::MissingKey { key } => Wording::new(
            m(
                l,
                format!("sleutel {} ontbreekt", q(l, key)),
                format!("clé {} manquante", q(l, key)),
                format!("missing key {}", q(l, key)),
            ),
            m(l, "voeg toe: ", "ajoutez : ", "add ") + format!("`{key}:`").as_str(),
        ),
        T::ProgramNotText => Wording::new(
            m(
                l,
                "`program:` is het pad naar het programmabestand (vanaf dit bestand) of de id van een meegeleverd programma",
                "`program:` est le chemin du fichier de programme (depuis ce fichier) ou l'id d'un programme fourni",
                "`program:` must be a path to the programme file (relative to this file) or a bundled id",
            ),
            m(l, "bv. ", "p. ex. ", "e.g. ") + "program: ../my-programme.yaml",
        ),
        T::TestsNotList => Wording::new(
            m(
                l,
                "`tests:` is een lijst van tests",
                "`tests:` est une liste de tests",
                "`tests:` must be a list of tests",
            ),
            m(
                l,
                "elke test: name, source, referral, expect",
                "chaque test : name, source, referral, expect",
                "each test: name, source, referral, expect",
            ),
        ),
        T::NoSource => Wording::new(
            m(
                l,
                "elke test vermeldt de bronzin die hij vastlegt",
                "chaque test cite la phrase source qu'il encode",
                "every test cites the seed sentence it encodes",
            ),
            m(l, "bv. ", "p. ex. ", "e.g. ") + "source: \"000:31\"",
        ),
        T::OptionsNotMap => Wording::new(
            m(
                l,
                "`options:` is een mapping optie: keuze",
                "`options:` est une table option : choix",
                "`options:` is a mapping option: choice",
            ),
            m(l, "bv. ", "p. ex. ", "e.g. ") + "options: {art60_exclusion_2022: dropped}",
        ),
        T::NotAVerdict { given } => Wording::new(
            m(
                l,
                format!("{} is geen beslissing", q(l, given)),
                format!("{} n'est pas une décision", q(l, given)),
                format!("{} is not a verdict", q(l, given)),
            ),
            m(
                l,
                "gebruik eligible, ineligible of needs_assessment",
                "utilisez eligible, ineligible ou needs_assessment",
                "use eligible, ineligible or needs_assessment",
            ),
        ),
        T::Option(p) => super::load::words(p, l),
        T::TrajectoriesNotList => Wording::new(
            m(
                l,
                "`trajectories:` is een lijst",
                "`trajectories:` est une liste",
                "`trajectories:` must be a list",
            ),
            m(
                l,
                "elk: name, source, steps",
                "chacun : name, source, steps",
                "each: name, source, steps",
            ),
        ),
        T::TrajectoryNeeds { key } => Wording::new(
            m(
                l,
                format!("een traject heeft `{key}:` nodig"),
                format!("un parcours a besoin de `{key}:`"),
                format!("trajectory needs `{key}:`"),
            ),
            m(
                l,
                "elk traject: name, source (de bronregel), steps",
                "chaque parcours : name, source (la ligne source), steps",
                "each trajectory: name, source (the seed line), steps",
            ),
        ),
        T::StepNotMapping => Wording::bare(m(
            l,
            "een stap is een mapping",
            "une étape est une table",
            "a step is a mapping",
        )),
        T::StepWithoutDate => Wording::new(
            m(
                l,
                "elke stap heeft `on:` met een echte datum (JJJJ-MM-DD) nodig",
                "chaque étape a besoin de `on:` avec une vraie date (AAAA-MM-JJ)",
                "every step needs `on:` with a real date (YYYY-MM-DD)",
            ),
            m(
                l,
                "de stap loopt op die dag",
                "l'étape se déroule ce jour-là",
                "the step runs on that day",
            ),
        ),
        T::Step { detail } => Wording::bare(detail.clone()),
        T::CannotRead { reason } => Wording::bare(m(
            l,
            format!("kan niet lezen: {reason}"),
            format!("lecture impossible : {reason}"),
            format!("cannot read: {reason}"),
        )),
        T::NoSuchPath => Wording::bare(m(
            l,
            "bestand of map bestaat niet",
            "fichier ou dossier introuvable",
            "no such file or folder",
        )),
    }
}

pub(super) fn scenario_words(p: &S, l: Lang) -> Wording {
    let eg = m(l, "bv. ", "p. ex. ", "e.g. ");
    match p {
        S::NoScenarios => Wording::new(
            m(
                l,
                "verwacht `scenarios:`, een lijst van scenario's",
                "`scenarios:` attendu, une liste de scénarios",
                "expected `scenarios:`, a list of scenarios",
            ),
            m(
                l,
                "elk: name, en eventueel fte_change, demand_factor, norm",
                "chacun : name, et au choix fte_change, demand_factor, norm",
                "each: name, and any of fte_change, demand_factor, norm",
            ),
        ),
        S::NotAMapping => Wording::new(
            m(
                l,
                "een scenario is een mapping",
                "un scénario est une table",
                "a scenario is a mapping",
            ),
            eg + "{name: more staff, fte_change: {2024-06-01: 3}}",
        ),
        S::UnknownKey {
            key,
            allowed,
            nearest,
        } => Wording::new(
            m(
                l,
                format!(
                    "onbekende sleutel {}{}",
                    q(l, key),
                    meant(nearest.as_deref(), l)
                ),
                format!("clé inconnue {}{}", q(l, key), meant(nearest.as_deref(), l)),
                format!("unknown key {}{}", q(l, key), meant(nearest.as_deref(), l)),
            ),
            m(
                l,
                "scenariosleutels: ",
                "clés de scénario : ",
                "scenario keys: ",
            ) + allowed.join(", ").as_str(),
        ),
        S::NoName => Wording::new(
            m(
                l,
                "elk scenario heeft een `name:` nodig",
                "chaque scénario a besoin d'un `name:`",
                "every scenario needs a `name:`",
            ),
            eg + m(
                l,
                "name: een halve VTE minder",
                "name: un demi-ETP de moins",
                "name: half an FTE less",
            )
            .as_str(),
        ),
        S::FteChangeNotMap => Wording::new(
            m(
                l,
                "`fte_change` is een mapping DATUM: VTE",
                "`fte_change` est une table DATE : ETP",
                "`fte_change` is a mapping DATE: FTE",
            ),
            eg + "fte_change: {2024-06-01: 1.5}",
        ),
        S::BadFteChange { day, fte } => Wording::new(
            m(
                l,
                format!("{} is geen DATUM: VTE", q(l, &format!("{day}: {fte}"))),
                format!("{} n'est pas DATE : ETP", q(l, &format!("{day}: {fte}"))),
                format!("{} is not DATE: FTE", q(l, &format!("{day}: {fte}"))),
            ),
            m(
                l,
                "bv. 2024-06-01: 1.5 (vanaf die dag tellen 1,5 VTE)",
                "p. ex. 2024-06-01: 1.5 (à partir de ce jour, 1,5 ETP)",
                "e.g. 2024-06-01: 1.5 (from that day, 1.5 FTE count)",
            ),
        ),
        S::BadFactor { key } => Wording::new(
            m(
                l,
                format!("`{key}` moet een getal boven 0 zijn"),
                format!("`{key}` doit être un nombre supérieur à 0"),
                format!("`{key}` must be a number above 0"),
            ),
            eg + "1.2",
        ),
    }
}
