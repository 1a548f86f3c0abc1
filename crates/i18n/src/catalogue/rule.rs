//! Rules and scripts: compiling a programme's rules, Rhai scripts that fail, routing scripts
//! whose answer does not fit the cohort, and referrals that cannot be judged.

use traject_model::problem::{
    IdList, Placed, RoutingProblem as P, RuleProblem as R, ScriptFailure as F, UsedBy,
};
use traject_rules::eval::EvalError;
use traject_rules::plugins::routing::RoutingNote;

use super::{m, meant, q, Wording};
use crate::Lang;

/// Why a script stopped or failed.
pub fn script_failure(f: &F, l: Lang) -> String {
    let setting = |name: &str, value: Option<String>| {
        value
            .map(|v| format!(" ({name} = {v})"))
            .unwrap_or_default()
    };
    match f {
        F::TooManyOperations { limit } => {
            let s = setting("max_operations", limit.map(|x| x.to_string()));
            m(
                l,
                format!("gestopt: de grens op het aantal bewerkingen overschreden{s} — een eindeloze lus?"),
                format!("arrêté : la limite d'opérations est dépassée{s} — une boucle sans fin ?"),
                format!("stopped: exceeded the limit on operations{s} — an endless loop?"),
            )
        }
        F::TimedOut { limit_ms } => {
            let s = setting("max_time_ms", limit_ms.map(|x| x.to_string()));
            m(
                l,
                format!("gestopt: de tijdsgrens overschreden{s} — een waarde die onbeperkt groeit, of een eindeloze lus?"),
                format!("arrêté : la limite de temps est dépassée{s} — une valeur qui grandit sans fin, ou une boucle sans fin ?"),
                format!("stopped: exceeded the limit on time{s} — a value growing without bound, or an endless loop?"),
            )
        }
        F::TooDeep { limit } => {
            let s = setting("max_call_levels", limit.map(|x| x.to_string()));
            m(
                l,
                format!("gestopt: de grens op de aanroepdiepte overschreden{s} — eindeloze recursie?"),
                format!("arrêté : la limite de profondeur d'appel est dépassée{s} — une récursion sans fin ?"),
                format!("stopped: exceeded the limit on call depth{s} — endless recursion?"),
            )
        }
        F::TooLarge { what, limit } => {
            let s = limit
                .as_ref()
                .map(|(name, value)| format!(" ({name} = {value})"))
                .unwrap_or_default();
            m(
                l,
                format!("gestopt: {what} overschreed zijn groottegrens{s}"),
                format!("arrêté : {what} a dépassé sa limite de taille{s}"),
                format!("stopped: {what} exceeded its size limit{s}"),
            )
        }
        F::UnknownVariable { name } => m(
            l,
            format!("onbekende variabele {}", q(l, name)),
            format!("variable inconnue {}", q(l, name)),
            format!("unknown variable {}", q(l, name)),
        ),
        F::NotBoolean { found } => m(
            l,
            format!("uitdrukking gaf {found}, niet true of false"),
            format!("l'expression a donné {found}, et non true ou false"),
            format!("expression gave {found}, not true or false"),
        ),
        F::Other { detail } => detail.clone(),
    }
}

fn used_by(u: &UsedBy, l: Lang) -> String {
    match u {
        UsedBy::Rule { id, at } => m(
            l,
            format!("gebruikt door regel '{id}' in {at}"),
            format!("utilisé par la règle «\u{a0}{id}\u{a0}» dans {at}"),
            format!("used by rule '{id}' in {at}"),
        ),
        UsedBy::Module { id, at } => m(
            l,
            format!("gebruikt door module '{id}' in {at}"),
            format!("utilisé par le module «\u{a0}{id}\u{a0}» dans {at}"),
            format!("used by module '{id}' in {at}"),
        ),
    }
}

fn fields(list: &[String], l: Lang) -> String {
    let list = list.join(", ");
    m(
        l,
        format!("velden van de aanmelding: {list}"),
        format!("champs de l'orientation : {list}"),
        format!("referral fields: {list}"),
    )
}

pub(super) fn words(p: &R, l: Lang) -> Wording {
    match p {
        R::ScriptNotFound { script } => Wording::new(
            m(l, format!("script '{script}' niet gevonden"), format!("script «\u{a0}{script}\u{a0}» introuvable"), format!("script '{script}' not found")),
            m(l, "zet het in scripts/<naam>.rhai", "placez-le dans scripts/<nom>.rhai", "put it in scripts/<name>.rhai"),
        ),
        R::ScriptSyntax { detail, used_by: u } => Wording::new(
            m(l, format!("Rhai-script compileert niet: {detail}"), format!("le script Rhai ne compile pas : {detail}"), format!("Rhai script does not compile: {detail}")),
            used_by(u, l),
        ),
        R::ScriptFailed { failure, used_by: u } => Wording::new(script_failure(failure, l), used_by(u, l)),
        R::Routing { problem, used_by: u } => Wording::new(routing_words(problem, l).message, used_by(u, l)),
        R::RoutingParamRepeats { key } => Wording::new(
            m(l, format!("routeringsparameter '{key}' herhaalt een instelling van de module"), format!("le paramètre de répartition «\u{a0}{key}\u{a0}» répète un réglage du module"), format!("routing parameter '{key}' repeats a module setting")),
            m(l, "stel hem één keer in, op de module (bv. group_size: {max: …})", "réglez-le une seule fois, sur le module (p. ex. group_size: {max: …})", "set it once, on the module (e.g. group_size: {max: …})"),
        ),
        R::ExprSyntax { detail } => Wording::new(
            m(l, format!("Rhai-uitdrukking compileert niet: {detail}"), format!("l'expression Rhai ne compile pas : {detail}"), format!("Rhai expression does not compile: {detail}")),
            m(
                l,
                "een expr-regel is één Rhai-uitdrukking die true of false geeft, bv. \"age >= 18 && !in_art60\"",
                "une règle expr est une seule expression Rhai qui donne true ou false, p. ex. \"age >= 18 && !in_art60\"",
                "an expr rule is one Rhai expression giving true or false, e.g. \"age >= 18 && !in_art60\"",
            ),
        ),
        R::ExprUnknownName { name, nearest, fields: list } => {
            let mean = meant(nearest.as_deref(), l);
            Wording::new(
                m(
                    l,
                    format!("uitdrukking leest '{name}', dat geen veld van de aanmelding is{mean}"),
                    format!("l'expression lit «\u{a0}{name}\u{a0}», qui n'est pas un champ de l'orientation{mean}"),
                    format!("expression reads '{name}', which is not a referral field{mean}"),
                ),
                fields(list, l),
            )
        }
        R::ExprFailed { failure, fields: list } => Wording::new(script_failure(failure, l), fields(list, l)),
        R::NotBoolean { found } => Wording::new(
            m(l, format!("uitdrukking geeft {found}, niet true of false"), format!("l'expression donne {found}, et non true ou false"), format!("expression gives {found}, not true or false")),
            m(l, "vergelijk waarden, bv. age >= 18", "comparez des valeurs, p. ex. age >= 18", "compare values, e.g. age >= 18"),
        ),
        R::AboveCeiling { key, value, max } => Wording::new(
            m(l, format!("{key} {value} ligt boven het plafond van {max}"), format!("{key} {value} dépasse le plafond de {max}"), format!("{key} {value} is above the ceiling of {max}")),
            m(l, "scripts krijgen nooit meer dan het vaste plafond van de engine", "les scripts ne reçoivent jamais plus que le plafond fixe du moteur", "scripts may not be given more than the engine's hard ceiling"),
        ),
    }
}

/// What a routing script must return.
fn shape(l: Lang) -> String {
    let shape =
        "#{groups: [#{id, language, interpreter, members: [ids]}], waiting: [ids], notes: [text]}";
    m(
        l,
        format!("route() moet {shape} teruggeven"),
        format!("route() doit renvoyer {shape}"),
        format!("route() must return {shape}"),
    )
}

fn list(x: &IdList, l: Lang) -> String {
    match x {
        IdList::MembersOf(g) => m(
            l,
            format!("de leden van groep '{g}'"),
            format!("les membres du groupe «\u{a0}{g}\u{a0}»"),
            format!("members of group '{g}'"),
        ),
        IdList::Waiting => m(l, "de wachtlijst", "la liste d'attente", "waiting"),
    }
}

pub(super) fn routing_words(p: &P, l: Lang) -> Wording {
    match p {
        P::Syntax { detail } => Wording::new(
            m(l, format!("Rhai-script compileert niet: {detail}"), format!("le script Rhai ne compile pas : {detail}"), format!("Rhai script does not compile: {detail}")),
            m(
                l,
                "imports, eval en toegang tot bestanden of de omgeving zijn niet beschikbaar voor scripts",
                "les imports, eval et l'accès aux fichiers ou à l'environnement ne sont pas disponibles pour les scripts",
                "imports, eval and file or environment access are not available to scripts",
            ),
        ),
        P::NoRouteFunction => Wording::new(
            m(l, "routeringsscript definieert geen `fn route(people, settings)`", "le script de répartition ne définit pas `fn route(people, settings)`", "routing script does not define `fn route(people, settings)`"),
            m(
                l,
                "definieer fn route(people, settings) die #{groups: [...], waiting: [...], notes: [...]} teruggeeft",
                "définissez fn route(people, settings) qui renvoie #{groups: [...], waiting: [...], notes: [...]}",
                "define fn route(people, settings) returning #{groups: [...], waiting: [...], notes: [...]}",
            ),
        ),
        P::Failed { script, failure } => Wording::new(
            m(
                l,
                format!("routeringsscript '{script}': {}", script_failure(failure, l)),
                format!("script de répartition «\u{a0}{script}\u{a0}» : {}", script_failure(failure, l)),
                format!("routing script '{script}': {}", script_failure(failure, l)),
            ),
            m(
                l,
                "er werd niets vastgelegd; verbeter het script of verhoog de `limits:` van het programma (binnen het plafond)",
                "rien n'a été enregistré ; corrigez le script ou relevez les `limits:` du programme (sous le plafond)",
                "nothing was written; fix the script or raise the programme's `limits:` (within the ceiling)",
            ),
        ),
        other => Wording::new(answer(other, l), shape(l)),
    }
}

/// A routing script's answer that does not fit.
fn answer(p: &P, l: Lang) -> String {
    match p {
        P::NotAMap { script: s, found } => m(l, format!("routeringsscript '{s}' gaf {found} terug, geen map"), format!("le script de répartition «\u{a0}{s}\u{a0}» a renvoyé {found}, pas un tableau"), format!("routing script '{s}' returned {found}, not a map")),
        P::NoGroups { script: s } => m(l, format!("routeringsscript '{s}' gaf geen `groups` terug"), format!("le script de répartition «\u{a0}{s}\u{a0}» n'a pas renvoyé de `groups`"), format!("routing script '{s}' returned no `groups`")),
        P::GroupsNotArray { script: s, found } => m(l, format!("routeringsscript '{s}': groups is {found}, geen lijst"), format!("script de répartition «\u{a0}{s}\u{a0}» : groups est {found}, pas une liste"), format!("routing script '{s}': groups is {found}, not an array")),
        P::GroupNotMap { script: s, group, found } => m(l, format!("routeringsscript '{s}': groep {group} is {found}, geen map"), format!("script de répartition «\u{a0}{s}\u{a0}» : le groupe {group} est {found}, pas un tableau"), format!("routing script '{s}': group {group} is {found}, not a map")),
        P::NotIds { script: s, list: x, found } => m(l, format!("routeringsscript '{s}': {} is {found}, geen lijst van ids", list(x, l)), format!("script de répartition «\u{a0}{s}\u{a0}» : {} est {found}, pas une liste d'ids", list(x, l)), format!("routing script '{s}': {} is {found}, not an array of ids", list(x, l))),
        P::NotAnId { script: s, list: x, found } => m(l, format!("routeringsscript '{s}': {} bevat een {found}, geen id", list(x, l)), format!("script de répartition «\u{a0}{s}\u{a0}» : {} contient un {found}, pas un id", list(x, l)), format!("routing script '{s}': {} holds a {found}, not an id", list(x, l))),
        P::UnknownId { script: s, id, placed } => {
            let into = match placed {
                Placed::InGroup(g) => m(l, format!("in groep '{g}'"), format!("dans le groupe «\u{a0}{g}\u{a0}»"), format!("in group '{g}'")),
                Placed::OnWaitingList => m(l, "op de wachtlijst", "sur la liste d'attente", "on the waiting list"),
            };
            m(l, format!("routeringsscript '{s}' zette onbekend id '{id}' {into}"), format!("le script de répartition «\u{a0}{s}\u{a0}» a placé l'id inconnu «\u{a0}{id}\u{a0}» {into}"), format!("routing script '{s}' put unknown id '{id}' {into}"))
        }
        P::PlacedTwice { script: s, id } => m(l, format!("routeringsscript '{s}' plaatste '{id}' twee keer"), format!("le script de répartition «\u{a0}{s}\u{a0}» a placé «\u{a0}{id}\u{a0}» deux fois"), format!("routing script '{s}' placed '{id}' twice")),
        other => format!("{other:?}"),
    }
}

/// Why a referral could not be judged.
pub fn eval_error(e: &EvalError, l: Lang) -> String {
    match e {
        EvalError::NoVersion(v) => super::load::version_error(v, l),
        EvalError::MissingDate => m(
            l,
            "de aanmelding heeft geen referral_date",
            "l'orientation n'a pas de referral_date",
            "the referral has no referral_date",
        ),
        EvalError::Script(s) => {
            let why = script_failure(&s.failure, l);
            let rule = &s.rule;
            crate::prose(
                &m(
                    l,
                    format!("regel '{rule}': {why}"),
                    format!("règle «\u{a0}{rule}\u{a0}» : {why}"),
                    format!("rule '{rule}': {why}"),
                ),
                l,
            )
        }
    }
}

/// A note on a routing.
pub fn routing_note(n: &RoutingNote, l: Lang) -> String {
    match n {
        RoutingNote::Overflow { group, had, max, waiting } => m(
            l,
            format!("groep '{group}' telde {had} personen, meer dan het maximum van {max}: {waiting} wachten"),
            format!("le groupe «\u{a0}{group}\u{a0}» comptait {had} personnes, plus que le maximum de {max} : {waiting} attendent"),
            format!("group '{group}' had {had} people, more than the maximum of {max}: {waiting} wait"),
        ),
        RoutingNote::NotPlaced { count } => m(
            l,
            format!("{count} personen werden niet geplaatst door het script en wachten"),
            format!("{count} personnes n'ont pas été placées par le script et attendent"),
            format!("{count} people were not placed by the script and wait"),
        ),
        RoutingNote::Script(text) => text.clone(),
    }
}
