//! A rule's kind and its parameters.

use traject_model::problem::{KindProblem as P, ListOf, ValueOf};

use super::{m, meant, Wording};
use crate::Lang;

fn list_of(of: &ListOf, l: Lang) -> String {
    match of {
        ListOf::CountryCodes => m(
            l,
            "ISO 3166-1-alpha-2-codes of EU, bv. [EU] of [SY, AF]",
            "codes ISO 3166-1 alpha-2 ou EU, p. ex. [EU] ou [SY, AF]",
            "ISO 3166-1 alpha-2 codes or EU, e.g. [EU] or [SY, AF]",
        ),
        ListOf::OcmwNames => m(
            l,
            "OCMW-namen in kleine letters, zoals aanmeldingen residence_ocmw schrijven",
            "noms de CPAS en minuscules, comme les orientations écrivent residence_ocmw",
            "lower-case OCMW names as referrals write residence_ocmw",
        ),
        ListOf::Codes(codes) => codes.join(", "),
    }
}

fn value_of(of: ValueOf, l: Lang) -> String {
    match of {
        ValueOf::Years => m(
            l,
            "als een geheel aantal jaren, bv. 18",
            "en nombre entier d'années, p. ex. 18",
            "as a whole number of years, e.g. 18",
        ),
        ValueOf::LanguageLevel => m(
            l,
            "als taalniveau tussen aanhalingstekens: \"1.1\", \"1.2\", … of \"A1\", \"A2\", …",
            "comme niveau de langue entre guillemets : \"1.1\", \"1.2\", … ou \"A1\", \"A2\", …",
            "as a language level in quotes: \"1.1\", \"1.2\", … or \"A1\", \"A2\", …",
        ),
        ValueOf::Expression => m(
            l,
            "met een Rhai-uitdrukking, bv. \"age >= 18\"",
            "avec une expression Rhai, p. ex. \"age >= 18\"",
            "with a Rhai expression, e.g. \"age >= 18\"",
        ),
        ValueOf::ScriptName => m(
            l,
            "met de naam van een script uit scripts/ (zonder .rhai)",
            "avec le nom d'un script de scripts/ (sans .rhai)",
            "with a script name from scripts/ (without .rhai)",
        ),
    }
}

fn message(p: &P, l: Lang) -> String {
    match p {
        P::Unknown { kind, nearest } => {
            let mean = meant(nearest.as_deref(), l);
            m(
                l,
                format!("onbekende regelsoort '{kind}'{mean}"),
                format!("sorte de règle inconnue «\u{a0}{kind}\u{a0}»{mean}"),
                format!("unknown rule kind '{kind}'{mean}"),
            )
        }
        P::NeedsField { kind } => m(
            l,
            format!("regelsoort '{kind}' heeft `field:` nodig (een ja/nee-veld van de aanmelding, zoals in_art60)"),
            format!("la sorte de règle «\u{a0}{kind}\u{a0}» demande `field:` (un champ oui/non de l'orientation, comme in_art60)"),
            format!("rule kind '{kind}' needs `field:` (a yes/no referral field such as in_art60)"),
        ),
        P::TakesNoField { kind } => m(
            l,
            format!("regelsoort '{kind}' neemt geen `field:`"),
            format!("la sorte de règle «\u{a0}{kind}\u{a0}» ne prend pas de `field:`"),
            format!("rule kind '{kind}' takes no `field:`"),
        ),
        P::NotYesNoField { field: f, nearest } => {
            let mean = meant(nearest.as_deref(), l);
            m(
                l,
                format!("'{f}' is geen ja/nee-veld van de aanmelding{mean}"),
                format!("«\u{a0}{f}\u{a0}» n'est pas un champ oui/non de l'orientation{mean}"),
                format!("'{f}' is not a yes/no referral field{mean}"),
            )
        }
        P::TakesNoValue { kind } => m(
            l,
            format!("regelsoort '{kind}' neemt geen `value:`"),
            format!("la sorte de règle «\u{a0}{kind}\u{a0}» ne prend pas de `value:`"),
            format!("rule kind '{kind}' takes no `value:`"),
        ),
        P::NeedsValue { kind, of } => {
            let what = value_of(*of, l);
            m(
                l,
                format!("regelsoort '{kind}' heeft `value:` nodig {what}"),
                format!("la sorte de règle «\u{a0}{kind}\u{a0}» demande `value:` {what}"),
                format!("rule kind '{kind}' needs `value:` {what}"),
            )
        }
        P::NeedsList { kind, of } => {
            let what = list_of(of, l);
            m(
                l,
                format!("regelsoort '{kind}' heeft `value:` nodig als lijst van {what}"),
                format!("la sorte de règle «\u{a0}{kind}\u{a0}» demande `value:` sous forme de liste de {what}"),
                format!("rule kind '{kind}' needs `value:` as a list of {what}"),
            )
        }
        P::EmptyList { kind, of } => {
            let what = list_of(of, l);
            m(
                l,
                format!("regelsoort '{kind}' heeft een niet-lege lijst van {what} nodig"),
                format!("la sorte de règle «\u{a0}{kind}\u{a0}» demande une liste non vide de {what}"),
                format!("rule kind '{kind}' needs a non-empty list of {what}"),
            )
        }
        P::ItemNotAccepted { kind, item, of } => {
            let what = list_of(of, l);
            m(
                l,
                format!("{item} wordt niet aanvaard door '{kind}': gebruik {what}"),
                format!("{item} n'est pas accepté par «\u{a0}{kind}\u{a0}» : utilisez {what}"),
                format!("{item} is not accepted by '{kind}': use {what}"),
            )
        }
    }
}

pub(super) fn words(p: &P, l: Lang) -> Wording {
    Wording::new(
        message(p, l),
        m(
            l,
            "zie `traject schema` of de tabel met regelsoorten in de README",
            "voir `traject schema` ou le tableau des sortes de règles dans le README",
            "see `traject schema` or the README's rule kinds table",
        ),
    )
}
