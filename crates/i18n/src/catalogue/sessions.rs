//! Group sessions not planned, found or recorded, in the reader's language.

use traject_app::sessions::SessionError as E;

use super::{m, meant, q};
use crate::{date, Lang};

pub fn session_error(e: &E, l: Lang) -> String {
    match e {
        E::Unknown { id } => m(
            l,
            format!("er is geen groepssessie {id}: kies een sessie uit de lijst van groepssessies"),
            format!("il n'y a pas de séance de groupe {id} : choisissez une séance dans la liste des séances de groupe"),
            format!("there is no group session {id}: choose one from the list of group sessions"),
        ),
        E::Exists { module, group, on } => m(
            l,
            format!("groep {} van module {} heeft op {} al een sessie op dat uur: kies een ander uur of een andere dag", q(l, group), q(l, module), date(*on, l)),
            format!("le groupe {} du module {} a déjà une séance le {} à cette heure : choisissez une autre heure ou un autre jour", q(l, group), q(l, module), date(*on, l)),
            format!("group {} of module {} has a session on {} at that time already: choose another time or day", q(l, group), q(l, module), date(*on, l)),
        ),
        E::UnknownModule { program, given, suggestion, known } => m(
            l,
            format!("programma {program} heeft geen module {}{}; modules: {}", q(l, given), meant(suggestion.as_deref(), l), known.join(", ")),
            format!("le programme {program} n'a pas de module {}{} ; modules : {}", q(l, given), meant(suggestion.as_deref(), l), known.join(", ")),
            format!("programme {program} has no module {}{}; modules: {}", q(l, given), meant(suggestion.as_deref(), l), known.join(", ")),
        ),
        E::BadGroup { chars, max } => m(
            l,
            format!("de naam van de groep telt {chars} tekens: geef een naam van 1 tot {max} tekens (bv. \"Arabisch 2\")"),
            format!("le nom du groupe compte {chars} caractères : donnez un nom de 1 à {max} caractères (p. ex. «\u{a0}Arabe 2\u{a0}»)"),
            format!("the group's name has {chars} characters: give a name of 1 to {max} characters (e.g. \"Arabic 2\")"),
        ),
        E::Minutes { given, max } => m(
            l,
            format!("een sessie duurt 1 tot {max} minuten, niet {given}: geef de duur in minuten (een halve dag is bv. 180)"),
            format!("une séance dure de 1 à {max} minutes, pas {given} : indiquez la durée en minutes (une demi-journée fait p. ex. 180)"),
            format!("a session lasts 1 to {max} minutes, not {given}: give its length in minutes (half a day is e.g. 180)"),
        ),
        E::NoWeeklyRhythm { module } => m(
            l,
            format!("module {} heeft geen wekelijks ritme (`schedule: {{times: N, per: week}}`) om sessies uit te plannen: voeg de sessies één voor één toe, of geef de module een ritme", q(l, module)),
            format!("le module {} n'a pas de rythme hebdomadaire (`schedule: {{times: N, per: week}}`) pour planifier des séances : ajoutez les séances une à une, ou donnez un rythme au module", q(l, module)),
            format!("module {} has no weekly rhythm (`schedule: {{times: N, per: week}}`) to plan sessions from: add the sessions one by one, or give the module a rhythm", q(l, module)),
        ),
        E::Period { from, to, max_days } => m(
            l,
            format!("de periode van {} tot {} loopt achteruit of duurt langer dan {max_days} dagen: plan hoogstens een jaar tegelijk", date(*from, l), date(*to, l)),
            format!("la période du {} au {} va à rebours ou dure plus de {max_days} jours : planifiez au plus un an à la fois", date(*from, l), date(*to, l)),
            format!("the period from {} to {} runs backwards or lasts longer than {max_days} days: plan at most a year at a time", date(*from, l), date(*to, l)),
        ),
        E::NoMarks => m(
            l,
            "er is geen enkele aanwezigheid aangeduid: duid voor minstens één deelnemer aanwezig, verwittigd afwezig of afwezig aan",
            "aucune présence n'est indiquée : indiquez présent, absent excusé ou absent pour au moins un participant",
            "no attendance is marked: mark at least one participant present, excused or absent",
        ),
        E::MarkedTwice { case } => m(
            l,
            format!("dossier {case} is twee keer aangeduid: geef elke deelnemer één aanwezigheid"),
            format!("le dossier {case} est indiqué deux fois : donnez une seule présence à chaque participant"),
            format!("case {case} is marked twice: give each participant one mark"),
        ),
        E::NotAParticipant { case, session } => m(
            l,
            format!("dossier {case} zit niet in de groep van sessie {session} (of niet in uw team): duid enkel de deelnemers van de lijst aan"),
            format!("le dossier {case} n'est pas dans le groupe de la séance {session} (ou pas dans votre équipe) : n'indiquez que les participants de la liste"),
            format!("case {case} is not in the group of session {session} (or not in your team): mark only the participants listed"),
        ),
    }
}
