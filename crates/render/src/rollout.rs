//! A roll-out's to-do list as the coordinator reads it: what the new OCMW must still decide,
//! item by item, in the coordinator's language.

use traject_i18n::{self as i18n, Lang};
use traject_rollout::Todo;

/// One item of the to-do list in `lang`.
pub fn todo_text(todo: &Todo, lang: Lang) -> String {
    use Lang::*;
    let n = |x: f64| i18n::number(x, lang);
    let people = |k: u32, lang: Lang| i18n::vocabulary::count(f64::from(k), "person", lang);
    match (todo, lang) {
            (Todo::Period { model, from, town }, Nl) => format!("versie en datum: één versie overgenomen van {model}, geldig vanaf {} zonder einddatum; controleer het label en de periode voor {town}", i18n::date(*from, lang)),
            (Todo::Period { model, from, town }, Fr) => format!("version et date : une version reprise de {model}, en vigueur à partir du {} sans date de fin ; vérifiez son libellé et sa période pour {town}", i18n::date(*from, lang)),
            (Todo::Period { model, from, town }, En) => format!("version and date: one version copied from {model} and in force from {from} with an open end; check the version's label and its period for {town}"),
            (Todo::NewLanguage { lang: l }, Nl) => format!("elk label heeft een tekst nodig in '{l}', de nieuwe taal van de samenleving (traject validate somt de ontbrekende op)"),
            (Todo::NewLanguage { lang: l }, Fr) => format!("chaque libellé doit avoir un texte en «\u{a0}{l}\u{a0}», la nouvelle langue de la société (traject validate liste ceux qui manquent)"),
            (Todo::NewLanguage { lang: l }, En) => format!("every label needs a text in '{l}', the new society language (traject validate lists the missing ones)"),
            (Todo::ResidenceLabel { version, ocmw }, Nl) => format!("versie {version}: de verblijfsregel noemt nu {ocmw}, maar het label spreekt nog over de stad van het model — herschrijf het"),
            (Todo::ResidenceLabel { version, ocmw }, Fr) => format!("version {version} : la règle de résidence nomme maintenant {ocmw}, mais son libellé parle encore de la ville du modèle — reformulez-le"),
            (Todo::ResidenceLabel { version, ocmw }, En) => format!("version {version}: the residence rule now names {ocmw}, but its label still speaks of the model's city — reword it"),
            (Todo::CapacityTotal { version, total, town }, Nl) => format!("versie {version}: het capaciteitstotaal {total} is dat van het model — stel dat van {town} in of verwijder het om VTE × norm te gebruiken"),
            (Todo::CapacityTotal { version, total, town }, Fr) => format!("version {version} : la capacité totale {total} est celle du modèle — indiquez celle de {town} ou supprimez-la pour utiliser ETP × norme"),
            (Todo::CapacityTotal { version, total, town }, En) => format!("version {version}: capacity total {total} is the model's — set {town}'s or remove it to use FTE × norm"),
            (Todo::LocalFunder { version, town }, Nl) => format!("versie {version}: de lokale financier is nu OCMW {town} — bevestig wie het lokale deel betaalt"),
            (Todo::LocalFunder { version, town }, Fr) => format!("version {version} : le financeur local est maintenant le CPAS {town} — confirmez qui paie la part locale"),
            (Todo::LocalFunder { version, town }, En) => format!("version {version}: the local funder is now OCMW {town} — confirm who pays the local share"),
            (Todo::Partners { version, names }, Nl) => format!("versie {version}: de partners zijn die van het model ({names}) — vervang ze door lokale"),
            (Todo::Partners { version, names }, Fr) => format!("version {version} : les partenaires sont ceux du modèle ({names}) — remplacez-les par des partenaires locaux"),
            (Todo::Partners { version, names }, En) => format!("version {version}: partners are the model's ({names}) — replace them with local ones"),
            (Todo::Staffing { version, fte, town }, Nl) => format!("versie {version}: personeel overgenomen van het model ({} VTE) — stel dat van {town} in", n(*fte)),
            (Todo::Staffing { version, fte, town }, Fr) => format!("version {version} : personnel repris du modèle ({} ETP) — indiquez celui de {town}", n(*fte)),
            (Todo::Staffing { version, fte, town }, En) => format!("version {version}: staffing copied from the model ({fte} FTE) — set {town}'s own"),
            (Todo::RoleSetToZero { version, role, fte, town }, Nl) => format!("versie {version}: functie '{role}' ({} VTE in het model) op 0 gezet — beslis of {town} er een heeft", n(*fte)),
            (Todo::RoleSetToZero { version, role, fte, town }, Fr) => format!("version {version} : fonction «\u{a0}{role}\u{a0}» ({} ETP dans le modèle) mise à 0 — décidez si {town} en a une", n(*fte)),
            (Todo::RoleSetToZero { version, role, fte, town }, En) => format!("version {version}: role '{role}' ({fte} FTE in the model) set to 0 — decide whether {town} has one"),
            (Todo::Persons { version, role, persons, town }, Nl) => format!("versie {version}: functie '{role}' vermeldt nog {} zoals in het model — stel dat van {town} in", people(*persons, Nl)),
            (Todo::Persons { version, role, persons, town }, Fr) => format!("version {version} : la fonction «\u{a0}{role}\u{a0}» indique encore {} comme dans le modèle — indiquez le nombre pour {town}", people(*persons, Fr)),
            (Todo::Persons { version, role, persons, town }, En) => format!("version {version}: role '{role}' still says {} as in the model — set {town}'s", people(*persons, En)),
            (Todo::Tests { version, model, months, town }, Nl) => format!("tests: de tests van versie {version} van {model} overgenomen, met de twee OCMW's omgewisseld en de data {months} maanden verschoven naar de start; voeg tests toe voor de eigen regels van {town}"),
            (Todo::Tests { version, model, months, town }, Fr) => format!("tests : les tests de la version {version} de {model} repris, les deux CPAS échangés et les dates décalées de {months} mois jusqu'au démarrage ; ajoutez des tests pour les règles propres à {town}"),
            (Todo::Tests { version, model: _, months, town }, En) => format!("tests: the model's tests of version {version} copied with the two OCMWs swapped and their dates moved {months} months to the roll-out; add tests for {town}'s own rules"),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_persons_takes_its_plural_in_every_language() {
        let persons = |persons| Todo::Persons {
            version: "2022".into(),
            role: "worker".into(),
            persons,
            town: "Mortsel".into(),
        };
        assert!(todo_text(&persons(1), Lang::Nl).contains("nog 1 persoon zoals"));
        assert!(todo_text(&persons(3), Lang::Nl).contains("nog 3 personen zoals"));
        assert!(todo_text(&persons(1), Lang::Fr).contains("encore 1 personne comme"));
        assert!(todo_text(&persons(2), Lang::Fr).contains("encore 2 personnes comme"));
        assert!(todo_text(&persons(1), Lang::En).contains("says 1 person as"));
        assert!(todo_text(&persons(2), Lang::En).contains("says 2 people as"));
    }
}
