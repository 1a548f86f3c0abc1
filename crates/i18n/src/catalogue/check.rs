//! The semantic checks of a programme.

use traject_model::problem::{CheckProblem as P, Entry};
use traject_model::program::terms::Decision;

use super::{m, meant, q, Wording};
use crate::{date, number, Lang};

/// How a kind of entry is named: the English word, and the Dutch and French word, plural and
/// whether an adjective agrees as with "het" (Dutch) or a feminine noun (French).
struct Noun {
    en: &'static str,
    nl: &'static str,
    nl_plural: &'static str,
    nl_neuter: bool,
    fr: &'static str,
    fr_plural: &'static str,
    fr_feminine: bool,
}

fn noun(e: Entry) -> Noun {
    let n = |en, nl, nl_plural, nl_neuter, fr, fr_plural, fr_feminine| Noun {
        en,
        nl,
        nl_plural,
        nl_neuter,
        fr,
        fr_plural,
        fr_feminine,
    };
    match e {
        Entry::Rule => n("rule", "regel", "regels", false, "règle", "règles", true),
        Entry::Track => n(
            "track",
            "traject",
            "trajecten",
            true,
            "parcours",
            "parcours",
            false,
        ),
        Entry::Module => n(
            "module", "module", "modules", false, "module", "modules", false,
        ),
        Entry::Evaluation => n(
            "evaluation",
            "evaluatie",
            "evaluaties",
            false,
            "évaluation",
            "évaluations",
            true,
        ),
        Entry::Step => n("step", "stap", "stappen", false, "étape", "étapes", true),
        Entry::Exit => n(
            "exit",
            "uitstroom",
            "uitstromen",
            false,
            "sortie",
            "sorties",
            true,
        ),
        Entry::Partner => n(
            "partner",
            "partner",
            "partners",
            false,
            "partenaire",
            "partenaires",
            false,
        ),
        Entry::Phase => n("phase", "fase", "fasen", false, "phase", "phases", true),
        Entry::Funder => n(
            "funder",
            "financier",
            "financiers",
            false,
            "financeur",
            "financeurs",
            false,
        ),
        Entry::Role => n(
            "role",
            "functie",
            "functies",
            false,
            "fonction",
            "fonctions",
            true,
        ),
        Entry::Option => n(
            "option", "optie", "opties", false, "option", "options", true,
        ),
        Entry::Version => n(
            "version", "versie", "versies", false, "version", "versions", true,
        ),
        Entry::NotStartedExit => n(
            "not-started exit",
            "uitstroom zonder start",
            "uitstromen zonder start",
            false,
            "sortie sans démarrage",
            "sorties sans démarrage",
            true,
        ),
    }
}

pub(super) fn words(p: &P, l: Lang) -> Wording {
    match p {
        P::MissingSocietyText { language: lang } => Wording::new(
            m(
                l,
                format!("tekst ontbreekt in de taal van de samenleving '{lang}'"),
                format!("le texte manque dans la langue de la société «\u{a0}{lang}\u{a0}»"),
                format!("text is missing in the society language '{lang}'"),
            ),
            m(
                l,
                format!("voeg `{lang}: …` toe aan dit label; andere talen vallen erop terug"),
                format!("ajoutez `{lang}: …` à ce libellé ; les autres langues s'y replient"),
                format!("add `{lang}: …` to this label; other languages fall back to it"),
            ),
        ),
        P::DuplicateId {
            entry,
            id,
            first_line: line,
        } => {
            let n = noun(*entry);
            Wording::new(
                m(
                    l,
                    format!(
                        "id '{id}' van {} komt twee keer voor (eerst op regel {line})",
                        n.nl
                    ),
                    format!(
                        "l'id «\u{a0}{id}\u{a0}» ({}) figure deux fois (d'abord à la ligne {line})",
                        n.fr
                    ),
                    format!("duplicate {} id '{id}' (first used on line {line})", n.en),
                ),
                m(
                    l,
                    "geef elk element een eigen id",
                    "donnez à chaque entrée son propre id",
                    "give each entry its own id",
                ),
            )
        }
        P::UnknownReference { entry, id, known } => {
            let n = noun(*entry);
            let mean = meant(known.nearest.as_deref(), l);
            let list = known.ids.join(", ");
            let nl_unknown = if n.nl_neuter { "onbekend" } else { "onbekende" };
            let fr_unknown = if n.fr_feminine { "inconnue" } else { "inconnu" };
            let fr_none = if n.fr_feminine { "aucune" } else { "aucun" };
            Wording::new(
                m(
                    l,
                    format!("{nl_unknown} {} '{id}'{mean}", n.nl),
                    format!("{} {fr_unknown} «\u{a0}{id}\u{a0}»{mean}", n.fr),
                    format!("unknown {} '{id}'{mean}", n.en),
                ),
                if known.ids.is_empty() {
                    m(
                        l,
                        format!("deze versie heeft geen {}", n.nl_plural),
                        format!("cette version ne définit {fr_none} {}", n.fr),
                        format!("this version defines no {}s", n.en),
                    )
                } else {
                    m(
                        l,
                        format!("{} in deze versie: {list}", n.nl_plural),
                        format!("{} de cette version : {list}", n.fr_plural),
                        format!("{}s defined in this version: {list}", n.en),
                    )
                },
            )
        }
        P::RangeBackwards { range: t } => Wording::new(
            m(
                l,
                format!("bereik '{t}' loopt achterstevoren"),
                format!("l'intervalle «\u{a0}{t}\u{a0}» est à l'envers"),
                format!("range '{t}' runs backwards"),
            ),
            m(
                l,
                "schrijf het kleinste getal eerst, bv. \"1-2\"",
                "écrivez le plus petit nombre d'abord, p. ex. \"1-2\"",
                "write the smaller number first, e.g. \"1-2\"",
            ),
        ),
        P::TimesWithoutPer => Wording::new(
            m(
                l,
                "`times:` heeft `per:` nodig (day, week, month, quarter of year)",
                "`times:` demande `per:` (day, week, month, quarter ou year)",
                "`times:` needs `per:` (day, week, month, quarter or year)",
            ),
            m(
                l,
                "bv. {times: 2, per: week}",
                "p. ex. {times: 2, per: week}",
                "e.g. {times: 2, per: week}",
            ),
        ),
        P::AnyOfAndAllOf => Wording::new(
            m(
                l,
                "een regel heeft `any_of:` of `all_of:`, niet beide",
                "une règle a `any_of:` ou `all_of:`, pas les deux",
                "a rule has either `any_of:` or `all_of:`, not both",
            ),
            m(
                l,
                "zet de ene groep als aparte regel in de andere",
                "imbriquez un groupe dans l'autre comme règle distincte",
                "nest one group inside the other as a separate rule",
            ),
        ),
        P::KindAndGroup => Wording::new(
            m(
                l,
                "een regel heeft `kind:` of een groep (`any_of:` / `all_of:`), niet beide",
                "une règle a `kind:` ou un groupe (`any_of:` / `all_of:`), pas les deux",
                "a rule has either `kind:` or a group (`any_of:` / `all_of:`), not both",
            ),
            m(
                l,
                "verplaats de eigen toets van de regel naar de groep",
                "déplacez le test propre de la règle dans le groupe",
                "move the rule's own test into the group",
            ),
        ),
        P::NoKindNorGroup { rule, kinds } => {
            let kinds = kinds.join(", ");
            Wording::new(
                m(
                    l,
                    format!("regel '{rule}' heeft geen `kind:` en geen `any_of:`/`all_of:`"),
                    format!("la règle «\u{a0}{rule}\u{a0}» n'a ni `kind:` ni `any_of:`/`all_of:`"),
                    format!("rule '{rule}' has neither `kind:` nor `any_of:`/`all_of:`"),
                ),
                m(
                    l,
                    format!("voeg `kind:` toe ({kinds})"),
                    format!("ajoutez `kind:` ({kinds})"),
                    format!("add `kind:` ({kinds})"),
                ),
            )
        }
        P::UnknownScript {
            name,
            available,
            nearest,
        } => {
            let mean = meant(nearest.as_deref(), l);
            let list = available.join(", ");
            Wording::new(
                m(
                    l,
                    format!("onbekend script '{name}'{mean}"),
                    format!("script inconnu «\u{a0}{name}\u{a0}»{mean}"),
                    format!("unknown script '{name}'{mean}"),
                ),
                m(
                    l,
                    format!("zet het script in scripts/{name}.rhai; beschikbaar: {list}"),
                    format!("placez le script dans scripts/{name}.rhai ; disponibles : {list}"),
                    format!("put the script in scripts/{name}.rhai; available: {list}"),
                ),
            )
        }
        P::ValidToBeforeFrom { from, to } => Wording::new(
            m(
                l,
                format!(
                    "valid_to {} valt vóór valid_from {}",
                    date(*to, l),
                    date(*from, l)
                ),
                format!(
                    "valid_to {} précède valid_from {}",
                    date(*to, l),
                    date(*from, l)
                ),
                format!("valid_to {to} is before valid_from {from}"),
            ),
            m(
                l,
                "een versie eindigt op of na de dag waarop ze begint",
                "une version se termine le jour où elle commence ou après",
                "a version ends on or after the day it starts",
            ),
        ),
        P::ExtensionNotExtendable => Wording::new(
            m(
                l,
                "`extension:` staat er, maar het traject is niet `extendable: true`",
                "`extension:` est donné mais le parcours n'est pas `extendable: true`",
                "`extension:` given but the track is not `extendable: true`",
            ),
            m(
                l,
                "zet `extendable: true` of verwijder `extension:`",
                "mettez `extendable: true` ou supprimez `extension:`",
                "set `extendable: true` or remove `extension:`",
            ),
        ),
        P::GroupMinAboveMax { min: lo, max: hi } => Wording::new(
            m(
                l,
                format!("groepsgrootte min {lo} is groter dan max {hi}"),
                format!("la taille de groupe min {lo} dépasse max {hi}"),
                format!("group size min {lo} is larger than max {hi}"),
            ),
            m(
                l,
                "min is hoogstens max",
                "min ne peut dépasser max",
                "min must be at most max",
            ),
        ),
        P::TemporaryLimitBackwards { from, to } => Wording::new(
            m(
                l,
                format!(
                    "tijdelijke grens eindigt ({}) voor ze begint ({})",
                    date(*to, l),
                    date(*from, l)
                ),
                format!(
                    "la limite temporaire finit ({}) avant de commencer ({})",
                    date(*to, l),
                    date(*from, l)
                ),
                format!("temporary limit ends ({to}) before it begins ({from})"),
            ),
            m(
                l,
                "`from` is de eerste en `to` de laatste dag waarop de grens geldt",
                "`from` est le premier et `to` le dernier jour où la limite s'applique",
                "`from` is the first day and `to` the last day the limit applies",
            ),
        ),
        other => more(other, l),
    }
}

/// The rest of the checks: evaluations, pathways, funding, continuity, demand, versions.
fn more(p: &P, l: Lang) -> Wording {
    match p {
        P::SeveralTimings { evaluation: e } => Wording::new(
            m(
                l,
                format!("evaluatie '{e}' heeft meer dan één van `at`, `window`, `every`"),
                format!("l'évaluation «\u{a0}{e}\u{a0}» a plus d'un de `at`, `window`, `every`"),
                format!("evaluation '{e}' has more than one of `at`, `window`, `every`"),
            ),
            m(
                l,
                "houd één tijdstip per evaluatiemoment",
                "gardez un seul moment par évaluation",
                "keep one timing per evaluation moment",
            ),
        ),
        P::AnchorNeedsModule { anchor } => Wording::new(
            m(
                l,
                format!("ankerpunt '{anchor}' heeft `module:` nodig"),
                format!("l'ancrage «\u{a0}{anchor}\u{a0}» demande `module:`"),
                format!("anchor '{anchor}' needs `module:`"),
            ),
            m(
                l,
                "noem de module vanaf wiens begin of einde geteld wordt",
                "nommez le module dont le début ou la fin sert de point de départ",
                "name the module whose start or end the timing counts from",
            ),
        ),
        P::WindowBackwards { from, to } => Wording::new(
            m(
                l,
                format!("venster opent ({from}) na het sluit ({to})"),
                format!("la fenêtre s'ouvre ({from}) après sa fermeture ({to})"),
                format!("window opens ({from}) after it closes ({to})"),
            ),
            m(
                l,
                "zet de vroegste termijn onder `from:`",
                "mettez le délai le plus court sous `from:`",
                "write the earlier offset under `from:`",
            ),
        ),
        P::StepAfterItself { step } => Wording::new(
            m(
                l,
                format!("stap '{step}' kan niet na zichzelf komen"),
                format!("l'étape «\u{a0}{step}\u{a0}» ne peut pas suivre elle-même"),
                format!("step '{step}' cannot come after itself"),
            ),
            m(l, "haal ze weg uit `after:`", "retirez-la de `after:`", "remove it from `after:`"),
        ),
        P::StepLoop { step: id } => Wording::new(
            m(
                l,
                format!("stap '{id}' komt uiteindelijk na zichzelf (een lus in `after:`)"),
                format!("l'étape «\u{a0}{id}\u{a0}» finit par se suivre elle-même (une boucle dans `after:`)"),
                format!("step '{id}' ends up after itself (a loop in `after:`)"),
            ),
            m(
                l,
                "verwijder een van de `after:`-verwijzingen in de lus",
                "supprimez un des liens `after:` de la boucle",
                "remove one of the `after:` links in the loop",
            ),
        ),
        P::GatedWithoutGate => Wording::new(
            m(
                l,
                "een traject met poorten heeft minstens één stap met `gate:` nodig",
                "un parcours à portes demande au moins une étape avec `gate:`",
                "a gated pathway needs at least one step with `gate:`",
            ),
            m(
                l,
                "voeg een poort toe, of kies kind sequential",
                "ajoutez une porte, ou choisissez kind sequential",
                "add a gate, or choose kind sequential",
            ),
        ),
        P::GateDecision {
            evaluation: e,
            decision: d,
            decisions,
        } => {
            let list = Decision::list(decisions);
            Wording::new(
                m(
                    l,
                    format!("evaluatie '{e}' kan niet '{d}' beslissen"),
                    format!("l'évaluation «\u{a0}{e}\u{a0}» ne peut pas décider «\u{a0}{d}\u{a0}»"),
                    format!("evaluation '{e}' cannot decide '{d}'"),
                ),
                m(
                    l,
                    format!("haar beslissingen: {list}"),
                    format!("ses décisions : {list}"),
                    format!("its decisions: {list}"),
                ),
            )
        }
        P::NormWithoutStaff => Wording::new(
            m(
                l,
                "een caseloadnorm per VTE vraagt personeel dat ervoor telt",
                "une norme de charge par ETP demande du personnel qui compte pour elle",
                "a caseload norm per FTE needs staff that count for it",
            ),
            m(
                l,
                "duid de begeleidende functies aan met `counts_for_caseload: true`",
                "marquez les fonctions d'accompagnement par `counts_for_caseload: true`",
                "mark the guiding roles with `counts_for_caseload: true`",
            ),
        ),
        P::CategorySplitTwice {
            category: c,
            first_line: line,
        } => Wording::new(
            m(
                l,
                format!("kostensoort '{c}' is twee keer verdeeld (eerst op regel {line})"),
                format!("la catégorie de coûts «\u{a0}{c}\u{a0}» est répartie deux fois (d'abord à la ligne {line})"),
                format!("cost category '{c}' is split twice (first on line {line})"),
            ),
            m(l, "voeg de twee samen", "fusionnez les deux entrées", "merge the two entries"),
        ),
        P::SharesNot100 { category: c, total } => Wording::new(
            m(
                l,
                format!("de aandelen van '{c}' tellen op tot {}, niet 100", number(*total, l)),
                format!("les parts de «\u{a0}{c}\u{a0}» totalisent {}, et non 100", number(*total, l)),
                format!("shares of '{c}' sum to {total}, not 100"),
            ),
            m(
                l,
                "de percentages van één kostensoort tellen op tot precies 100",
                "les pourcentages d'une catégorie de coûts doivent totaliser exactement 100",
                "the percentages of one cost category must add up to exactly 100",
            ),
        ),
        P::FunderTwiceInSplit { funder: f } => Wording::new(
            m(
                l,
                format!("financier '{f}' komt twee keer voor in deze verdeling"),
                format!("le financeur «\u{a0}{f}\u{a0}» figure deux fois dans cette répartition"),
                format!("funder '{f}' appears twice in this split"),
            ),
            m(l, "voeg zijn aandelen samen", "fusionnez ses parts", "merge its shares"),
        ),
        P::NotFixedLength => Wording::new(
            m(l, "dit moet een vaste duur zijn", "ceci doit être une durée fixe", "this must be a fixed length"),
            m(l, "bv. \"3 months\"", "p. ex. \"3 months\"", "e.g. \"3 months\""),
        ),
        other => demand(other, l),
    }
}

/// Demand profiles, retention, levels and versions.
fn demand(p: &P, l: Lang) -> Wording {
    match p {
        P::GroupModuleWithoutMax { module: id } => Wording::new(
            m(
                l,
                format!("module '{id}' heeft geen `group_size: {{max: …}}`: het aantal plaatsen is onbekend"),
                format!("le module «\u{a0}{id}\u{a0}» n'a pas de `group_size: {{max: …}}` : ses places sont inconnues"),
                format!("module '{id}' has no `group_size: {{max: …}}`: its seats are unknown"),
            ),
            m(
                l,
                "geef de module een grootste groepsgrootte, of laat hem weg uit `demand.modules`",
                "donnez au module une taille de groupe maximale, ou retirez-le de `demand.modules`",
                "give the module a maximum group size, or leave it out of `demand.modules`",
            ),
        ),
        P::GroupModuleWithoutDuration { module: id } => Wording::new(
            m(
                l,
                format!("module '{id}' heeft geen vaste `duration:`: hoe lang een plaats bezet is, is onbekend"),
                format!("le module «\u{a0}{id}\u{a0}» n'a pas de `duration:` fixe : la durée d'occupation d'une place est inconnue"),
                format!("module '{id}' has no fixed `duration:`: how long a seat is taken is unknown"),
            ),
            m(
                l,
                "geef de module een duur zoals \"3 months\"",
                "donnez au module une durée comme \"3 months\"",
                "give the module a duration such as \"3 months\"",
            ),
        ),
        P::TrackSharesNot1 { total } => Wording::new(
            m(
                l,
                format!("de aandelen van de trajecten tellen op tot {}, niet 1", number(*total, l)),
                format!("les parts des parcours totalisent {}, et non 1", number(*total, l)),
                format!("track shares sum to {total}, not 1"),
            ),
            m(
                l,
                "de aandelen van alle trajecten samen zijn 1 (bv. short: 0.4, long: 0.6)",
                "les parts de tous les parcours font 1 ensemble (p. ex. short: 0.4, long: 0.6)",
                "the shares of all tracks together are 1 (e.g. short: 0.4, long: 0.6)",
            ),
        ),
        P::TrackMixMissing => Wording::new(
            m(
                l,
                "deze versie heeft meerdere trajecten: geef `track_mix:`",
                "cette version a plusieurs parcours : donnez `track_mix:`",
                "this version has several tracks: give `track_mix:`",
            ),
            m(
                l,
                "bv. track_mix: {short: 0.5, long: 0.5}",
                "p. ex. track_mix: {short: 0.5, long: 0.5}",
                "e.g. track_mix: {short: 0.5, long: 0.5}",
            ),
        ),
        P::StayMissing => Wording::new(
            m(
                l,
                "deze versie heeft geen trajecten: geef `stay:`, hoe lang een traject duurt",
                "cette version n'a pas de parcours : donnez `stay:`, la durée d'un parcours",
                "this version has no tracks: give `stay:`, how long a trajectory lasts",
            ),
            m(
                l,
                "bv. stay: \"9 months\" met de bron",
                "p. ex. stay: \"9 months\" avec sa source",
                "e.g. stay: \"9 months\" with its source",
            ),
        ),
        P::DemandLengthOpen { key } => Wording::new(
            m(
                l,
                format!("`{key}` moet een vaste duur zijn voor de simulatie"),
                format!("`{key}` doit être une durée fixe pour la simulation"),
                format!("`{key}` must be a fixed length for the simulation"),
            ),
            m(l, "bv. \"9 months\"", "p. ex. \"9 months\"", "e.g. \"9 months\""),
        ),
        P::ExtensionRateWithoutExtension => Wording::new(
            m(
                l,
                "een verlengingskans vraagt `extension:` (hoe lang een verlenging duurt)",
                "un taux de prolongation demande `extension:` (la durée d'une prolongation)",
                "an extension rate needs `extension:` (how long an extension lasts)",
            ),
            m(l, "bv. extension: \"3 months\"", "p. ex. extension: \"3 months\"", "e.g. extension: \"3 months\""),
        ),
        P::NormTwice => Wording::new(
            m(
                l,
                "de versie noemt een caseloadnorm; het vraagprofiel mag geen andere aannemen",
                "la version fixe une norme de charge ; le profil de demande ne peut en supposer une autre",
                "the version states a caseload norm; the demand profile may not assume another",
            ),
            m(
                l,
                "haal caseload_per_fte weg uit demand:",
                "retirez caseload_per_fte de demand:",
                "remove caseload_per_fte from demand:",
            ),
        ),
        P::NormMissing => Wording::new(
            m(
                l,
                "de versie noemt geen caseloadnorm: geef `caseload_per_fte:` als aanname met bron voor de simulatie",
                "la version ne fixe pas de norme de charge : donnez `caseload_per_fte:` comme hypothèse sourcée pour la simulation",
                "the version states no caseload norm: give `caseload_per_fte:` as a cited assumption for the simulation",
            ),
            m(
                l,
                "bv. caseload_per_fte: 20 met een bron die zegt waar het cijfer vandaan komt",
                "p. ex. caseload_per_fte: 20 avec une source qui dit d'où vient le chiffre",
                "e.g. caseload_per_fte: 20 with a source saying where the figure comes from",
            ),
        ),
        P::BeforeStartAfterStart { step, after } => Wording::new(
            m(
                l,
                format!("stap '{step}' valt vóór de start, maar komt na stap '{after}', die pas na de start valt"),
                format!("l'étape «\u{a0}{step}\u{a0}» a lieu avant le démarrage, mais suit l'étape «\u{a0}{after}\u{a0}», qui a lieu après"),
                format!("step '{step}' comes before the start but follows step '{after}', which comes after it"),
            ),
            m(
                l,
                format!("zet `before_start: true` ook bij '{after}', of haal het weg bij '{step}'"),
                format!("mettez aussi `before_start: true` à «\u{a0}{after}\u{a0}», ou retirez-le de «\u{a0}{step}\u{a0}»"),
                format!("mark '{after}' `before_start: true` too, or take it off '{step}'"),
            ),
        ),
        P::InferenceRefuses { rule } => Wording::new(
            m(
                l,
                format!("regel '{rule}' kan een cliënt weigeren, maar haar bron is een afleiding: een afleiding weigert nooit op zichzelf"),
                format!("la règle «\u{a0}{rule}\u{a0}» peut refuser un client, mais sa source est une déduction : une déduction ne refuse jamais à elle seule"),
                format!("rule '{rule}' can refuse a client but its source is an inference: an inference never refuses on its own"),
            ),
            m(
                l,
                "maak de regel `soft` (getoond, niet beslissend), of geef een bron die het zegt",
                "rendez la règle `soft` (affichée, non décisive), ou donnez une source qui le dit",
                "make the rule `soft` (shown, not decisive), or give a source that says it",
            ),
        ),
        P::RetentionOpen => Wording::new(
            m(
                l,
                "`erase_after` moet een vaste duur zijn",
                "`erase_after` doit être une durée fixe",
                "`erase_after` must be a fixed length",
            ),
            m(l, "bv. \"5 years\"", "p. ex. \"5 years\"", "e.g. \"5 years\""),
        ),
        P::Nt2Twice { level: n, first } => Wording::new(
            m(
                l,
                format!("NT2-niveau {n} staat al gelijk met {first}"),
                format!("le niveau NT2 {n} correspond déjà à {first}"),
                format!("NT2 level {n} is already mapped to {first}"),
            ),
            m(
                l,
                "stel elk NT2-niveau gelijk met één ERK-niveau",
                "faites correspondre chaque niveau NT2 à un seul niveau CECR",
                "map each NT2 level to one CEFR level",
            ),
        ),
        P::VersionsOverlap {
            version,
            from,
            other,
            other_from,
            other_to,
        } => {
            let end = other_to.map_or_else(|| m(l, "open einde", "sans fin", "open end"), |d| date(d, l));
            let (b, a) = (q(l, version), q(l, other));
            let (from, other_from) = (date(*from, l), date(*other_from, l));
            Wording::new(
                m(
                    l,
                    format!("versie {b} (vanaf {from}) overlapt met versie {a} ({other_from} tot {end})"),
                    format!("la version {b} (dès le {from}) chevauche la version {a} (du {other_from} au {end})"),
                    format!("version {b} (from {from}) overlaps version {a} ({other_from} to {end})"),
                ),
                m(
                    l,
                    format!("laat versie {a} eindigen de dag vóór {from} of laat deze later beginnen"),
                    format!("terminez la version {a} la veille du {from} ou commencez celle-ci plus tard"),
                    format!("end version {a} the day before {from} or start this one later"),
                ),
            )
        }
        P::FteStepOutOfPlace {
            role,
            from,
            version_from,
            version_to,
        } => {
            let end = version_to.map_or_else(|| m(l, "open einde", "sans fin", "open end"), |d| date(d, l));
            let (r, from, start) = (q(l, role), date(*from, l), date(*version_from, l));
            Wording::new(
                m(
                    l,
                    format!("de personeelsstap van rol {r} vanaf {from} valt niet binnen de versie ({start} tot {end}) of niet na de stap ervoor"),
                    format!("l'étape d'effectif du rôle {r} dès le {from} ne tombe pas dans la version (du {start} au {end}) ou pas après l'étape précédente"),
                    format!("the staffing step of role {r} from {from} is not within the version ({start} to {end}) or not after the step before it"),
                ),
                m(
                    l,
                    "geef de stappen in volgorde, elk op een dag binnen de periode van de versie",
                    "donnez les étapes dans l'ordre, chacune à un jour dans la période de la version",
                    "list the steps in order, each on a day within the version's period",
                ),
            )
        }
        // Worded in `words` or `more`, which hand on only what they do not word.
        other => Wording::bare(format!("{other:?}")),
    }
}
