//! Case actions refused or failed, and the case store's own problems. Commands and codes stay
//! as they are typed (`start`, `long`); front ends add their own hints (the command line names
//! its flags).

use traject_cases::{Action, CaseError as E, CaseState, StoreError as S};
use traject_model::program::model::ExitKind;

use super::{m, meant, q};
use crate::{date, Lang};

/// A case state as a person reads it (the vocabulary's label, as pages and reports show it);
/// English sentences keep the code, as the command line writes it.
pub fn state_word(state: CaseState, l: Lang) -> String {
    match l {
        Lang::En => state.as_str().to_string(),
        _ => crate::vocabulary::term("state", state.as_str(), l)
            .unwrap_or(state.as_str())
            .to_string(),
    }
}

/// The actions a state allows, as a list for a sentence (glossed where restricted).
pub fn allowed_words(state: CaseState, l: Lang) -> String {
    let ok: Vec<String> = state
        .allowed()
        .iter()
        .map(|a| match (state, a) {
            (CaseState::Referred, Action::Evaluate) => m(
                l,
                "evaluate (poortevaluaties)",
                "evaluate (évaluations d'accès)",
                "evaluate (gate evaluations)",
            ),
            _ => a.as_str().to_string(),
        })
        .collect();
    if ok.is_empty() {
        m(
            l,
            "niets (het dossier is afgelopen)",
            "rien (le dossier est terminé)",
            "nothing (the case is finished)",
        )
    } else {
        ok.join(", ")
    }
}

fn list(known: &[String], l: Lang) -> String {
    if known.is_empty() {
        m(l, "geen", "aucun", "none")
    } else {
        known.join(", ")
    }
}

/// A refused or failed case action in the reader's language.
pub fn case_error(e: &E, l: Lang) -> String {
    let text = record(e, l)
        .or_else(|| choice(e, l))
        .or_else(|| continuity(e, l))
        .or_else(|| rejudging(e, l))
        .unwrap_or_else(|| format!("{e:?}"));
    crate::prose(&text, l)
}

/// Refusals about the case's dates, its referral and its state.
fn record(e: &E, l: Lang) -> Option<String> {
    let d = |day| date(day, l);
    Some(match e {
        E::NotFound { id } => m(l, format!("er is geen dossier {id}"), format!("il n'y a pas de dossier {id}"), format!("there is no case {id}")),
        E::BeforeLatest { id, on, latest } => m(
            l,
            format!("dossier {id} heeft een gebeurtenis op {}: er kan niets voor worden vastgelegd op {}, een eerdere dag", d(*latest), d(*on)),
            format!("le dossier {id} a un événement le {} : rien ne peut y être enregistré le {}, un jour antérieur", d(*latest), d(*on)),
            format!("case {id} has an event on {latest}: nothing can be recorded for it on {on}, an earlier day"),
        ),
        E::AlreadyPresent { id, dossier } => m(
            l,
            format!("referentie {dossier} heeft in dit programma al dossier {id}, met dezelfde aanmelding: niets toe te voegen"),
            format!("la référence {dossier} a déjà le dossier {id} dans ce programme, avec la même orientation : rien à ajouter"),
            format!("dossier {dossier} already has case {id} in this programme, with the same referral: nothing to add"),
        ),
        E::Conflict { id, dossier } => m(
            l,
            format!("referentie {dossier} heeft in dit programma al dossier {id}, met een andere aanmelding: niets gewijzigd — verbeter de referentie, of werk dossier {id} bij"),
            format!("la référence {dossier} a déjà le dossier {id} dans ce programme, avec une autre orientation : rien n'a changé — corrigez la référence, ou mettez à jour le dossier {id}"),
            format!("dossier {dossier} already has case {id} in this programme, with a different referral: nothing changed — correct the dossier number, or update case {id}"),
        ),
        E::ErasedDossier { dossier, erased_on } => m(
            l,
            format!("de gegevens van referentie {dossier} werden op {} gewist (een verzoek tot wissing): een nieuwe aanmelding kan enkel als een coördinator zegt waarom", d(*erased_on)),
            format!("les données de la référence {dossier} ont été effacées le {} (une demande d'effacement) : une nouvelle orientation n'est possible que si un·e coordinateur·rice dit pourquoi", d(*erased_on)),
            format!("the data of dossier {dossier} was erased on {erased_on} (an erasure request): a new referral is possible only with a coordinator's reason"),
        ),
        E::DossierElsewhere { dossier } => m(
            l,
            format!("referentie {dossier} wordt al opgevolgd, niet door uw team: vraag het uw coördinator"),
            format!("la référence {dossier} est déjà suivie, pas par votre équipe : demandez à votre coordinateur·rice"),
            format!("dossier {dossier} is followed already, not by your team: ask your coordinator"),
        ),
        E::NoDossier { dossier } => m(
            l,
            format!("er is geen dossier met referentie {dossier}"),
            format!("il n'y a pas de dossier avec la référence {dossier}"),
            format!("there is no case with dossier number {dossier}"),
        ),
        E::ContactMinutes { given, max } => m(
            l,
            format!("een contact duurt 1 tot {max} minuten, niet {given}: geef de duur in minuten (een contact van een hele dag is {max})"),
            format!("un contact dure de 1 à {max} minutes, pas {given} : indiquez la durée en minutes (un contact d'une journée entière fait {max})"),
            format!("a contact lasts 1 to {max} minutes, not {given}: give its length in minutes (a whole day's contact is {max})"),
        ),
        E::NoteTooLong { chars, max } => m(
            l,
            format!("de notitie telt {chars} tekens, meer dan de {max} van een korte notitie: kort ze in (een verslag hoort in het dossier zelf)"),
            format!("la note compte {chars} caractères, plus que les {max} d'une note courte : raccourcissez-la (un rapport a sa place dans le dossier lui-même)"),
            format!("the note has {chars} characters, more than the {max} a note may hold: make it briefer (a report belongs in the file itself)"),
        ),
        E::ErasedCase { id, erased_on } => m(
            l,
            format!("de persoonsgegevens van dossier {id} werden op {} gewist: er wordt niets nieuws meer over deze cliënt vastgelegd", d(*erased_on)),
            format!("les données personnelles du dossier {id} ont été effacées le {} : plus rien de nouveau n'est enregistré sur ce client", d(*erased_on)),
            format!("the personal data of case {id} was erased on {erased_on}: nothing new is recorded about this client any more"),
        ),
        E::AlreadyErased { id, erased_on } => m(
            l,
            format!("de persoonsgegevens van dossier {id} werden al op {} gewist: er is niets meer te wissen", d(*erased_on)),
            format!("les données personnelles du dossier {id} ont déjà été effacées le {} : il n'y a plus rien à effacer", d(*erased_on)),
            format!("the personal data of case {id} was erased on {erased_on} already: there is nothing left to erase"),
        ),
        E::BeforeReferral { on, referral_date } => m(
            l,
            format!("de aanmelding is gedateerd op {}: er kan geen dossier voor worden aangemaakt op {}, een eerdere dag — controleer de aanmeldingsdatum", d(*referral_date), d(*on)),
            format!("l'orientation est datée du {} : aucun dossier ne peut être créé le {}, un jour antérieur — vérifiez la date d'orientation", d(*referral_date), d(*on)),
            format!("the referral is dated {referral_date}: a case cannot be created for it on {on}, an earlier day — check the referral date"),
        ),
        E::Refused { id, state, action, gate_only } => {
            let (allowed, word) = (allowed_words(*state, l), state_word(*state, l));
            m(
                l,
                format!("dossier {id} is {word}: `{action}` kan niet. Nu mogelijk: {allowed}{}", if *gate_only { " (vóór de start enkel de poortevaluaties van het traject)" } else { "" }),
                format!("le dossier {id} est {word} : `{action}` n'est pas possible. Possible maintenant : {allowed}{}", if *gate_only { " (avant le démarrage, seulement les évaluations d'accès du parcours)" } else { "" }),
                format!("case {id} is {word}: `{action}` is not possible. Allowed now: {allowed}{}", if *gate_only { " (before the start only the pathway's gate evaluations)" } else { "" }),
            )
        }
        E::Ineligible { id } => m(
            l,
            format!("dossier {id} werd niet toelaatbaar bevonden (bij de aanmelding of een latere beoordeling); het kan niet starten"),
            format!("le dossier {id} a été jugé non admissible (à l'orientation ou lors d'une évaluation ultérieure) ; il ne peut pas démarrer"),
            format!("case {id} was judged ineligible (on referral or at a later assessment); it cannot start"),
        ),
        E::GateNotPassed { id, step, evaluation, decision } => m(
            l,
            format!("dossier {id} kan nog niet starten: stap '{step}' vraagt evaluatie '{evaluation}' met beslissing '{decision}'"),
            format!("le dossier {id} ne peut pas encore démarrer : l'étape «\u{a0}{step}\u{a0}» demande l'évaluation «\u{a0}{evaluation}\u{a0}» avec la décision «\u{a0}{decision}\u{a0}»"),
            format!("case {id} cannot start yet: step '{step}' needs evaluation '{evaluation}' with decision '{decision}'"),
        ),
        E::WrongProgramme { case_program, given } => m(
            l,
            format!("dit dossier hoort bij programma '{case_program}', niet bij '{given}'"),
            format!("ce dossier appartient au programme «\u{a0}{case_program}\u{a0}», pas à «\u{a0}{given}\u{a0}»"),
            format!("this case belongs to programme '{case_program}', not '{given}'"),
        ),
        E::VersionGone { program, version } => m(
            l,
            format!("programma '{program}' heeft versie '{version}' niet meer, waaraan dit dossier vastligt"),
            format!("le programme «\u{a0}{program}\u{a0}» n'a plus la version «\u{a0}{version}\u{a0}» à laquelle ce dossier est lié"),
            format!("programme '{program}' no longer has version '{version}' that this case was pinned to"),
        ),
        E::Referral(e) => super::rule::eval_error(e, l),
        E::Store(e) => store_error(e, l),
        _ => return None,
    })
}

/// Refusals of an id the version does not have: tracks, evaluations, decisions, exits,
/// modules and extensions.
fn choice(e: &E, l: Lang) -> Option<String> {
    let mean = |s: &Option<String>| meant(s.as_deref(), l);
    Some(match e {
        E::ChooseTrack { version, known } => m(
            l,
            format!("versie {version} heeft meerdere trajecttypes: kies er een ({})", list(known, l)),
            format!("la version {version} a plusieurs types de trajet : choisissez-en un ({})", list(known, l)),
            format!("version {version} has several tracks: choose one ({})", list(known, l)),
        ),
        E::UnknownTrack { version, given, suggestion, known } => m(
            l,
            format!("versie {version} heeft geen trajecttype '{given}'{}; trajecttypes: {}", mean(suggestion), list(known, l)),
            format!("la version {version} n'a pas de type de trajet «\u{a0}{given}\u{a0}»{} ; types de trajet : {}", mean(suggestion), list(known, l)),
            format!("version {version} has no track '{given}'{}; tracks: {}", mean(suggestion), list(known, l)),
        ),
        E::UnknownEvaluation { version, given, suggestion, known } => m(
            l,
            format!("versie {version} heeft geen evaluatie '{given}'{}; evaluaties: {}", mean(suggestion), list(known, l)),
            format!("la version {version} n'a pas d'évaluation «\u{a0}{given}\u{a0}»{} ; évaluations : {}", mean(suggestion), list(known, l)),
            format!("version {version} has no evaluation '{given}'{}; evaluations: {}", mean(suggestion), known.join(", ")),
        ),
        E::DecisionNotAllowed { evaluation, given, suggestion, known } => m(
            l,
            format!("evaluatie '{evaluation}' kan niet '{given}' beslissen{}; haar beslissingen: {}", mean(suggestion), list(known, l)),
            format!("l'évaluation «\u{a0}{evaluation}\u{a0}» ne peut pas décider «\u{a0}{given}\u{a0}»{} ; ses décisions : {}", mean(suggestion), list(known, l)),
            format!("evaluation '{evaluation}' cannot decide '{given}'{}; its decisions: {}", mean(suggestion), known.join(", ")),
        ),
        E::UnknownExit { version, kind, given, suggestion, known } => m(
            l,
            format!("'{given}' is geen {} van versie {version}{}; kies uit: {}", exit_word(*kind, l), mean(suggestion), list(known, l)),
            format!("«\u{a0}{given}\u{a0}» n'est pas {} de la version {version}{} ; choisissez parmi : {}", exit_word(*kind, l), mean(suggestion), list(known, l)),
            format!("'{given}' is not a {} of version {version}{}; choose one of: {}", exit_word(*kind, l), mean(suggestion), known.join(", ")),
        ),
        E::NotEnrollable { id, state } => m(
            l,
            format!("dossier {id} is {}: enkel een actief dossier kan aan een module deelnemen (een aangemeld dossier enkel aan een module van een stap vóór de start)", state_word(*state, l)),
            format!("le dossier {id} est {} : seul un dossier actif peut rejoindre un module (un dossier orienté, seulement un module d'une étape avant le démarrage)", state_word(*state, l)),
            format!("case {id} is {state}: only an active case can join a module (a referred one only a module of a step before the start)"),
        ),
        E::UnknownModule { version, given, suggestion, known } => m(
            l,
            format!("versie {version} heeft geen module '{given}'{}; modules: {}", mean(suggestion), list(known, l)),
            format!("la version {version} n'a pas de module «\u{a0}{given}\u{a0}»{} ; modules : {}", mean(suggestion), list(known, l)),
            format!("version {version} has no module '{given}'{}; modules: {}", mean(suggestion), known.join(", ")),
        ),
        E::AppointmentPast { day, today } => m(
            l,
            format!("een afspraak op {} ligt voor vandaag ({}): plan een afspraak vandaag of later, of leg een contact dat plaatsvond vast als contact", date(*day, l), date(*today, l)),
            format!("un rendez-vous le {} est antérieur à aujourd'hui ({}) : planifiez un rendez-vous aujourd'hui ou plus tard, ou enregistrez un contact qui a eu lieu comme contact", date(*day, l), date(*today, l)),
            format!("an appointment on {} is before today ({}): plan one today or later, or record a contact that took place as a contact", date(*day, l), date(*today, l)),
        ),
        E::NotInGroup { id, module, group, on } => m(
            l,
            format!("dossier {id} zat op {} niet in groep '{group}' van module '{module}': schrijf het eerst in die groep in, of noteer de aanwezigheid bij de sessie van zijn eigen groep", date(*on, l)),
            format!("le dossier {id} n'était pas dans le groupe «\u{a0}{group}\u{a0}» du module «\u{a0}{module}\u{a0}» le {} : inscrivez-le d'abord dans ce groupe, ou notez sa présence à la séance de son propre groupe", date(*on, l)),
            format!("case {id} was not in group '{group}' of module '{module}' on {}: enrol it in that group first, or record its attendance at its own group's session", date(*on, l)),
        ),
        E::AlreadyEnrolled { id, module, since } => m(
            l,
            format!("dossier {id} volgt module '{module}' al (sinds {since})"),
            format!("le dossier {id} suit déjà le module «\u{a0}{module}\u{a0}» (depuis le {since})"),
            format!("case {id} already attends module '{module}' (since {since})"),
        ),
        E::GroupFull { module, group, max, source } => m(
            l,
            format!("groep '{group}' van module '{module}' is vol: hoogstens {max} deelnemers (bron {source}); kies een andere groep of wacht tot er iemand vertrekt"),
            format!("le groupe «\u{a0}{group}\u{a0}» du module «\u{a0}{module}\u{a0}» est complet : {max} participants au plus (source {source}) ; choisissez un autre groupe ou attendez un départ"),
            format!("group '{group}' of module '{module}' is full: at most {max} participants (source {source}); choose another group or wait until someone leaves"),
        ),
        E::NotEnrolled { id, module } => m(
            l,
            format!("dossier {id} volgt module '{module}' niet"),
            format!("le dossier {id} ne suit pas le module «\u{a0}{module}\u{a0}»"),
            format!("case {id} does not attend module '{module}'"),
        ),
        E::NotExtendable { track, version } => m(
            l,
            format!("trajecttype '{track}' is niet verlengbaar in versie {version}"),
            format!("le type de trajet «\u{a0}{track}\u{a0}» n'est pas prolongeable dans la version {version}"),
            format!("track '{track}' is not extendable in version {version}"),
        ),
        E::ExtensionLengthMissing => m(
            l,
            "hoe lang duurt de verlenging? Geef de duur op (bv. \"3 months\"); het programma vermeldt geen duur voor een verlenging",
            "quelle est la durée de la prolongation ? Indiquez-la (p. ex. \"3 months\") ; le programme n'indique pas de durée de prolongation",
            "how long is the extension? give its length (e.g. \"3 months\"); the programme states no extension length",
        ),
        E::BadExtension { given } => m(
            l,
            format!("'{given}' is geen vaste duur zoals \"3 months\""),
            format!("«\u{a0}{given}\u{a0}» n'est pas une durée fixe comme \"3 months\""),
            format!("'{given}' is not a fixed length such as \"3 months\""),
        ),
        E::DestinationMissing => m(
            l,
            "beslissing close vraagt een uitstroombestemming (een uitstroom van het programma)",
            "la décision close demande une destination (une sortie du programme)",
            "decision close needs a destination (an exit of the programme)",
        ),
        _ => return None,
    })
}

/// Refusals of pausing, resuming and re-opening, and of a version without that policy.
fn continuity(e: &E, l: Lang) -> Option<String> {
    Some(match e {
        E::NoPolicy { version, key, .. } => {
            let (nl, fr, en) = match *key {
                "pause" => ("het pauzeren van een dossier", "la mise en pause d'un dossier", "pausing a case"),
                _ => ("het heropenen van een dossier", "la réouverture d'un dossier", "re-opening a case"),
            };
            m(
                l,
                format!("versie {version} zegt niets over {nl}: voeg aan de versie een `{key}:`-regeling toe (met haar bron) om het toe te laten"),
                format!("la version {version} ne dit rien sur {fr} : ajoutez à la version une règle `{key}:` (avec sa source) pour l'autoriser"),
                format!("version {version} says nothing about {en}: add a `{key}:` policy to the version (with its source) to allow it"),
            )
        }
        E::PauseLimit { id, taken, max, version } => m(
            l,
            format!("dossier {id} werd al {taken} keer gepauzeerd; versie {version} laat er {max} toe"),
            format!("le dossier {id} a déjà été mis en pause {taken} fois ; la version {version} en permet {max}"),
            format!("case {id} has been paused {taken} times already; version {version} allows {max}"),
        ),
        E::PauseUntil { until, on, max } => m(
            l,
            format!("een pauze tot {} vanaf {} moet na die dag eindigen en duurt hoogstens {max}", date(*until, l), date(*on, l)),
            format!("une pause jusqu'au {} commençant le {} doit finir après ce jour et dure au plus {max}", date(*until, l), date(*on, l)),
            format!("a pause until {until} starting {on} ends after that day and lasts at most {max}"),
        ),
        E::NoPlaceToResume { id, capacity } => m(
            l,
            format!("dossier {id} kan nog niet hervatten: zijn plaats kwam vrij tijdens de pauze en alle {capacity} plaatsen zijn bezet; het blijft gepauzeerd — hervat het wanneer een plaats vrijkomt (binnen de pauze), of sluit het af als afgehaakt met een reden"),
            format!("le dossier {id} ne peut pas encore reprendre : sa place a été libérée pendant la pause et les {capacity} places sont prises ; il reste en pause — reprenez-le quand une place se libère (pendant la pause), ou enregistrez un abandon avec une raison"),
            format!("case {id} cannot resume yet: its place was freed while it was paused and all {capacity} places are taken; it stays paused — resume it when a place frees up (within its pause), or drop it with a reason"),
        ),
        E::PauseTooLong { id, since, max } => m(
            l,
            format!("dossier {id} is gepauzeerd sinds {since}, langer dan de {max} die een pauze mag duren: sluit het af als afgehaakt met een reden, en heropen het als het programma dat toelaat"),
            format!("le dossier {id} est en pause depuis le {since}, plus longtemps que les {max} que peut durer une pause : enregistrez un abandon avec une raison, et rouvrez-le si le programme le permet"),
            format!("case {id} was paused on {since}, longer than the {max} a pause may last: drop it with a reason, and re-open it if the programme allows"),
        ),
        E::ReopenNotStarted { id, version } => m(
            l,
            format!("dossier {id} is nooit gestart; versie {version} laat enkel afgesloten of afgehaakte dossiers heropenen — meld de cliënt opnieuw aan als een nieuw dossier"),
            format!("le dossier {id} n'a jamais commencé ; la version {version} ne permet de rouvrir que des dossiers clôturés ou abandonnés — orientez à nouveau le client comme un nouveau dossier"),
            format!("case {id} never started; version {version} re-opens only closed or dropped cases — refer the client again as a new case"),
        ),
        E::ReopenTooLate { id, ended, within, version } => m(
            l,
            format!("dossier {id} eindigde op {ended}; versie {version} laat heropenen enkel toe binnen {within} — meld de cliënt opnieuw aan als een nieuw dossier"),
            format!("le dossier {id} s'est terminé le {ended} ; la version {version} ne permet de le rouvrir que dans les {within} — orientez à nouveau le client comme un nouveau dossier"),
            format!("case {id} ended on {ended}; version {version} allows re-opening within {within} only — refer the client again as a new case"),
        ),
        _ => return None,
    })
}

/// Refusals of an assessment or a correction recorded after the referral.
fn rejudging(e: &E, l: Lang) -> Option<String> {
    let field = |f: &str| q(l, &crate::vocabulary::field_label(f, l));
    Some(match e {
        E::OutsideWindow { id, evaluation, from, to, on } => {
            let (from, to, on) = (date(*from, l), date(*to, l), date(*on, l));
            m(
                l,
                format!("evaluatie '{evaluation}' van dossier {id} valt van {from} tot {to}, niet op {on}: geef een reden om ze toch vast te leggen"),
                format!("l'évaluation «\u{a0}{evaluation}\u{a0}» du dossier {id} tombe du {from} au {to}, pas le {on} : donnez une raison pour l'enregistrer quand même"),
                format!("evaluation '{evaluation}' of case {id} falls from {from} to {to}, not on {on}: give a reason to record it anyway"),
            )
        }
        E::RejudgeEnded { id, state } => m(
            l,
            format!("dossier {id} is {}: een beoordeling of correctie wordt enkel vastgelegd voor een dossier dat nog loopt", state_word(*state, l)),
            format!("le dossier {id} est {} : une évaluation ou une correction ne s'enregistre que pour un dossier en cours", state_word(*state, l)),
            format!("case {id} is {state}: an assessment or correction is recorded only for a case still running"),
        ),
        E::CorrectionWithoutReason { id } => m(
            l,
            format!("een correctie van dossier {id} heeft een reden nodig (voor de audit): zeg waarom het gegeven fout was"),
            format!("une correction du dossier {id} demande une raison (pour l'audit) : dites pourquoi la donnée était erronée"),
            format!("a correction of case {id} needs a reason (for the audit): say why the fact was wrong"),
        ),
        E::NoFacts { id } => m(
            l,
            format!("niets vast te leggen voor dossier {id}: geef minstens één gegeven met zijn waarde (bv. motivated=ja)"),
            format!("rien à enregistrer pour le dossier {id} : donnez au moins une donnée avec sa valeur (p. ex. motivated=oui)"),
            format!("nothing to record for case {id}: give at least one fact with its value (e.g. motivated=yes)"),
        ),
        E::ReferralErased { id } => m(
            l,
            format!("de persoonsgegevens van dossier {id} zijn gewist: er valt niets opnieuw te beoordelen"),
            format!("les données personnelles du dossier {id} sont effacées : il n'y a rien à réévaluer"),
            format!("the personal data of case {id} were erased: there is nothing to judge again"),
        ),
        E::BadFact { field: f, problem } => m(
            l,
            format!("{}: {}", field(f), super::referral::value_error(problem, l)),
            format!("{} : {}", field(f), super::referral::value_error(problem, l)),
            format!("{}: {}", field(f), super::referral::value_error(problem, l)),
        ),
        E::UnknownFact { given, suggestion } => m(
            l,
            format!("{} is geen gegeven van een aanmelding{}", q(l, given), meant(suggestion.as_deref(), l)),
            format!("{} n'est pas une donnée d'une orientation{}", q(l, given), meant(suggestion.as_deref(), l)),
            format!("{} is not a referral fact{}", q(l, given), meant(suggestion.as_deref(), l)),
        ),
        E::FixedFact { field: f } => m(
            l,
            format!("{} wordt achteraf niet gewijzigd: meld de cliënt opnieuw aan als het fout was", field(f)),
            format!("{} ne se modifie pas après coup : orientez à nouveau le client s'il était erroné", field(f)),
            format!("{} is not changed afterwards: refer the client again if it was wrong", field(f)),
        ),
        E::NotAssessed { field: f, version, assessed } => {
            let list = |l| {
                let words: Vec<String> = assessed.iter().map(|a| field(a)).collect();
                if words.is_empty() {
                    m(l, "geen".to_string(), "aucune".to_string(), "none".to_string())
                } else {
                    words.join(", ")
                }
            };
            m(
                l,
                format!("geen beoordeelde regel van versie {version} leest {}: een feit wordt gecorrigeerd, met een reden (`case correct`); beoordeeld worden: {}", field(f), list(l)),
                format!("aucune règle évaluée de la version {version} ne lit {} : un fait se corrige, avec une raison (`case correct`) ; sont évaluées : {}", field(f), list(l)),
                format!("no assessed rule of version {version} reads {}: a fact is corrected, with a reason (`case correct`); assessed are: {}", field(f), list(l)),
            )
        }
        _ => return None,
    })
}

/// The kind of exit with its article, for "… is not a destination".
fn exit_word(kind: ExitKind, l: Lang) -> &'static str {
    match (kind, l) {
        (ExitKind::Destination, Lang::Fr) => "une destination",
        (ExitKind::DropOut, Lang::Fr) => "un motif d'abandon",
        (ExitKind::NotStarted, Lang::Fr) => "un motif de non-démarrage",
        (ExitKind::Destination, Lang::Nl) => "uitstroombestemming",
        (ExitKind::DropOut, Lang::Nl) => "reden van afhaken",
        (ExitKind::NotStarted, Lang::Nl) => "reden om niet te starten",
        (ExitKind::Destination, Lang::En) => "destination",
        (ExitKind::DropOut, Lang::En) => "drop out",
        (ExitKind::NotStarted, Lang::En) => "not started",
    }
}

/// A problem with the case store itself; the database's own report stays as it words it.
pub fn store_error(e: &S, l: Lang) -> String {
    let text = match e {
        S::Create { path, reason } => m(l, format!("{path}: kan de databank niet aanmaken: {reason}"), format!("{path} : impossible de créer la base de données : {reason}"), format!("{path}: cannot create the database: {reason}")),
        S::Open { path, reason } => m(l, format!("{path}: kan de databank niet openen: {reason}"), format!("{path} : impossible d'ouvrir la base de données : {reason}"), format!("{path}: cannot open the database: {reason}")),
        S::NotTraject { path, reason } => m(l, format!("{path}: {reason} — is dit een traject-databank?"), format!("{path} : {reason} — est-ce une base de données traject ?"), format!("{path}: {reason} — is this a traject database?")),
        S::TooNew { path, found, known } => m(l, format!("{path}: schemaversie {found} van de databank is nieuwer dan deze traject kent ({known}); gebruik een nieuwere traject"), format!("{path} : la version de schéma {found} de la base de données est plus récente que ce que connaît ce traject ({known}) ; utilisez un traject plus récent"), format!("{path}: database schema version {found} is newer than this traject knows ({known}); use a newer traject")),
        S::Database(reason) => m(l, format!("databank: {reason}"), format!("base de données : {reason}"), format!("database: {reason}")),
        S::Unavailable { reason } => m(l, format!("de databank is nu niet bereikbaar ({reason}): probeer zo dadelijk opnieuw"), format!("la base de données est injoignable pour l'instant ({reason}) : réessayez dans un instant"), format!("the database cannot be reached just now ({reason}): try again in a moment")),
        S::Full { reason } => m(l, format!("de schijf van de databank is vol ({reason}): er is niets bewaard; vraag de IT-dienst om ruimte te maken en probeer dan opnieuw"), format!("le disque de la base de données est plein ({reason}) : rien n'a été enregistré ; demandez au service informatique de faire de la place, puis réessayez"), format!("the database's disk is full ({reason}): nothing was saved; ask the IT department to make room, then try again")),
        S::CommitUnknown { reason } => m(l, format!("de verbinding met de databank brak af tijdens het bewaren ({reason}): de wijziging is misschien bewaard; kijk het na voor u ze opnieuw stuurt"), format!("la connexion à la base de données a été coupée pendant l'enregistrement ({reason}) : la modification a peut-être été enregistrée ; vérifiez avant de l'envoyer à nouveau"), format!("the connection to the database broke while saving ({reason}): the change may have been saved; check before sending it again")),
        S::Busy { reason } => m(l, format!("de databank is bezet door andere schrijvers ({reason}): er is niets bewaard; probeer zo dadelijk opnieuw"), format!("la base de données est occupée par d'autres écritures ({reason}) : rien n'a été enregistré ; réessayez dans un instant"), format!("the database is busy with other writers ({reason}): nothing was saved; try again in a moment")),
        S::Connect { target, reason } => m(l, format!("{target}: geen verbinding met de PostgreSQL-server: {reason} — controleer het adres, de gebruiker en of de server draait"), format!("{target} : connexion au serveur PostgreSQL impossible : {reason} — vérifiez l'adresse, l'utilisateur et que le serveur tourne"), format!("{target}: cannot connect to the PostgreSQL server: {reason} — check the address, the user and that the server runs")),
        S::ConnectTls { target, problem } => tls_setting(target, problem, l),
        S::Column { index, expected, found } => m(l, format!("databank: kolom {index} bevat {found}, verwacht {expected} — is dit een traject-databank?"), format!("base de données : la colonne {index} contient {found}, attendu {expected} — est-ce une base de données traject ?"), format!("database: column {index} holds {found}, expected {expected} — is this a traject database?")),
        S::NoRow => m(l, "databank: een rij die de opvraging nodig heeft ontbreekt", "base de données : une ligne nécessaire à la requête manque", "database: a row the query needs is missing"),
        S::CopyTargetNotEmpty { target } => m(l, format!("{target}: het doel bevat al dossiers, gebruikers of een audit-spoor; kopieer naar een lege databank"), format!("{target} : la cible contient déjà des dossiers, des utilisateurs ou une piste d'audit ; copiez vers une base de données vide"), format!("{target}: the target already holds cases, users or an audit trail; copy into an empty database")),
        S::CopyRowsDiffer { table, read, found } => m(l, format!("{table}: {read} rijen gelezen maar {found} gevonden in het doel na het kopiëren"), format!("{table} : {read} lignes lues mais {found} trouvées dans la cible après la copie"), format!("{table}: {read} rows read but {found} found in the target after the copy")),
        S::CopyDigestDiffers => m(l, "de dossiers en gebeurtenissen in het doel verschillen na het kopiëren van de bron", "les dossiers et événements de la cible diffèrent de la source après la copie", "the cases and events in the target differ from the source after the copy"),
        S::CopyToItself { store } => m(l, format!("{store}: de bron en het doel zijn dezelfde databank"), format!("{store} : la source et la cible sont la même base de données"), format!("{store}: the source and the target are the same store")),
        S::CopyNoSource { path } => m(l, format!("{path}: er is geen databankbestand om uit te kopiëren"), format!("{path} : aucun fichier de base de données à copier"), format!("{path}: no such database file to copy from")),
        S::BadDatabaseName { name } => m(l, format!("{name:?}: een databanknaam van a-z, 0-9 en _"), format!("{name:?} : un nom de base de données fait de a-z, 0-9 et _"), format!("{name:?}: a database name of a-z, 0-9 and _")),
    };
    crate::prose(&text, l)
}

/// An unknown state name (a damaged store, a bad filter).
pub fn unknown_state(given: &str, l: Lang) -> String {
    let states = "referred, waiting, active, extended, paused, closed, dropped, not_started";
    crate::prose(
        &m(
            l,
            format!(
                "{} is geen dossiertoestand; toestanden: {states}",
                q(l, given)
            ),
            format!(
                "{} n'est pas un état de dossier ; états : {states}",
                q(l, given)
            ),
            format!("{} is not a case state; states: {states}", q(l, given)),
        ),
        l,
    )
}

/// A connection string whose TLS words cannot be honoured.
fn tls_setting(target: &str, p: &traject_cases::store::TlsSetting, l: Lang) -> String {
    use traject_cases::store::TlsSetting as T;
    match p {
        T::UnknownMode { given } => m(
            l,
            format!("{target}: sslmode={given} bestaat niet; kies disable, prefer, require, verify-ca of verify-full"),
            format!("{target} : sslmode={given} n'existe pas ; choisissez disable, prefer, require, verify-ca ou verify-full"),
            format!("{target}: there is no sslmode={given}; choose disable, prefer, require, verify-ca or verify-full"),
        ),
        T::NeedsRootCert { mode } => m(
            l,
            format!("{target}: sslmode={mode} vraagt sslrootcert=BESTAND (het certificaat van de autoriteit die dat van de server ondertekende, PEM) of sslrootcert=system"),
            format!("{target} : sslmode={mode} demande sslrootcert=FICHIER (le certificat de l'autorité qui a signé celui du serveur, PEM) ou sslrootcert=system"),
            format!("{target}: sslmode={mode} needs sslrootcert=FILE (the certificate of the authority that signed the server's, PEM) or sslrootcert=system"),
        ),
        T::RootCert { path, reason } => m(
            l,
            format!("{target}: kan de certificaten in {path} (sslrootcert) niet gebruiken: {reason}"),
            format!("{target} : impossible d'utiliser les certificats de {path} (sslrootcert) : {reason}"),
            format!("{target}: cannot use the certificates in {path} (sslrootcert): {reason}"),
        ),
    }
}
