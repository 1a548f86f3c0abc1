//! The engine's refusals in Dutch and French, for the social worker who reads them on a page
//! or in a terminal set to their language. Commands, flags, ids and codes stay as they are
//! typed (`start`, `--track`, `long`); the sentence around them is translated. English is
//! the `Display` of `CaseError`.

use super::error::CaseError;
use crate::lifecycle::CaseState;
use traject_i18n::{date, nl_fr, Lang};
use traject_model::diag::meant;
use traject_model::program::model::ExitKind;

impl CaseError {
    /// The refusal worded for a reader of `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        self.record_words(lang)
            .or_else(|| self.choice_words(lang))
            .or_else(|| self.pause_words(lang))
            .unwrap_or_else(|| self.to_string())
    }

    /// Refusals about the case's dates, its referral and its state.
    fn record_words(&self, lang: Lang) -> Option<String> {
        use CaseError::*;
        let d = |day| date(day, lang);
        Some(match self {
            NotFound { id } => nl_fr(
                lang,
                format!("er is geen dossier {id}"),
                format!("il n'y a pas de dossier {id}"),
            ),
            BeforeLatest { id, on, latest } => nl_fr(
                lang,
                format!("dossier {id} heeft een gebeurtenis op {}: er kan niets voor worden vastgelegd op {}, een eerdere dag — controleer --as-of", d(*latest), d(*on)),
                format!("le dossier {id} a un événement le {} : rien ne peut y être enregistré le {}, un jour antérieur — vérifiez --as-of", d(*latest), d(*on)),
            ),
            AlreadyPresent { id, dossier } => nl_fr(
                lang,
                format!("referentie {dossier} heeft in dit programma al dossier {id}, met dezelfde aanmelding: niets toe te voegen"),
                format!("la référence {dossier} a déjà le dossier {id} dans ce programme, avec la même orientation : rien à ajouter"),
            ),
            Conflict { id, dossier } => nl_fr(
                lang,
                format!("referentie {dossier} heeft in dit programma al dossier {id}, met een andere aanmelding: niets gewijzigd — verbeter de referentie, of werk dossier {id} bij"),
                format!("la référence {dossier} a déjà le dossier {id} dans ce programme, avec une autre orientation : rien n'a changé — corrigez la référence, ou mettez à jour le dossier {id}"),
            ),
            BeforeReferral { on, referral_date } => nl_fr(
                lang,
                format!("de aanmelding is gedateerd op {}: er kan geen dossier voor worden aangemaakt op {}, een eerdere dag — controleer --as-of of de aanmeldingsdatum", d(*referral_date), d(*on)),
                format!("l'orientation est datée du {} : aucun dossier ne peut être créé le {}, un jour antérieur — vérifiez --as-of ou la date d'orientation", d(*referral_date), d(*on)),
            ),
            Refused { id, state, action, gate_only } => {
                let allowed = allowed_in(*state, lang);
                nl_fr(
                    lang,
                    format!("dossier {id} is {}: `{action}` kan niet. Nu mogelijk: {allowed}{}", state.word(lang), if *gate_only { " (vóór de start enkel de poortevaluaties van het traject)" } else { "" }),
                    format!("le dossier {id} est {} : `{action}` n'est pas possible. Possible maintenant : {allowed}{}", state.word(lang), if *gate_only { " (avant le démarrage, seulement les évaluations d'accès du parcours)" } else { "" }),
                )
            }
            Ineligible { id } => nl_fr(
                lang,
                format!("dossier {id} werd bij de aanmelding niet toelaatbaar bevonden; het kan niet starten (zie `traject case show {id}`)"),
                format!("le dossier {id} a été jugé non admissible à l'orientation ; il ne peut pas démarrer (voir `traject case show {id}`)"),
            ),
            GateNotPassed { id, step, evaluation, decision } => nl_fr(
                lang,
                format!("dossier {id} kan nog niet starten: stap '{step}' vraagt evaluatie '{evaluation}' met beslissing '{decision}' — leg die vast met `traject case evaluate {id} --evaluation {evaluation} --decision {decision}`"),
                format!("le dossier {id} ne peut pas encore démarrer : l'étape «\u{a0}{step}\u{a0}» demande l'évaluation «\u{a0}{evaluation}\u{a0}» avec la décision «\u{a0}{decision}\u{a0}» — enregistrez-la avec `traject case evaluate {id} --evaluation {evaluation} --decision {decision}`"),
            ),
            WrongProgramme { case_program, given } => nl_fr(
                lang,
                format!("dit dossier hoort bij programma '{case_program}', niet bij '{given}'"),
                format!("ce dossier appartient au programme «\u{a0}{case_program}\u{a0}», pas à «\u{a0}{given}\u{a0}»"),
            ),
            VersionGone { program, version } => nl_fr(
                lang,
                format!("programma '{program}' heeft versie '{version}' niet meer, waaraan dit dossier vastligt"),
                format!("le programme «\u{a0}{program}\u{a0}» n'a plus la version «\u{a0}{version}\u{a0}» à laquelle ce dossier est lié"),
            ),
            Referral(e) => e.in_lang(lang),
            Store(e) => e.in_lang(lang),
            _ => return None,
        })
    }

    /// Refusals of an id that the version does not have: tracks, evaluations, decisions,
    /// exits, modules and extensions.
    fn choice_words(&self, lang: Lang) -> Option<String> {
        use CaseError::*;
        let list = |known: &[String]| join_or_none(known, lang);
        Some(match self {
            ChooseTrack { version, known } => nl_fr(
                lang,
                format!("versie {version} heeft meerdere trajecttypes: kies er een met --track ({})", list(known)),
                format!("la version {version} a plusieurs types de trajet : choisissez-en un avec --track ({})", list(known)),
            ),
            UnknownTrack { version, given, suggestion, known } => nl_fr(
                lang,
                format!("versie {version} heeft geen trajecttype '{given}'{}; trajecttypes: {}", meant(suggestion.as_deref(), lang), list(known)),
                format!("la version {version} n'a pas de type de trajet «\u{a0}{given}\u{a0}»{} ; types de trajet : {}", meant(suggestion.as_deref(), lang), list(known)),
            ),
            UnknownEvaluation { version, given, suggestion, known } => nl_fr(
                lang,
                format!("versie {version} heeft geen evaluatie '{given}'{}; evaluaties: {}", meant(suggestion.as_deref(), lang), list(known)),
                format!("la version {version} n'a pas d'évaluation «\u{a0}{given}\u{a0}»{} ; évaluations : {}", meant(suggestion.as_deref(), lang), list(known)),
            ),
            DecisionNotAllowed { evaluation, given, suggestion, known } => nl_fr(
                lang,
                format!("evaluatie '{evaluation}' kan niet '{given}' beslissen{}; haar beslissingen: {}", meant(suggestion.as_deref(), lang), list(known)),
                format!("l'évaluation «\u{a0}{evaluation}\u{a0}» ne peut pas décider «\u{a0}{given}\u{a0}»{} ; ses décisions : {}", meant(suggestion.as_deref(), lang), list(known)),
            ),
            UnknownExit { version, kind, given, suggestion, known } => nl_fr(
                lang,
                format!("'{given}' is geen {} van versie {version}{}; kies uit: {}", exit_word(*kind, lang), meant(suggestion.as_deref(), lang), list(known)),
                format!("«\u{a0}{given}\u{a0}» n'est pas {} de la version {version}{} ; choisissez parmi : {}", exit_word(*kind, lang), meant(suggestion.as_deref(), lang), list(known)),
            ),
            NotEnrollable { id, state } => nl_fr(
                lang,
                format!("dossier {id} is {}: enkel een actief dossier kan aan een module deelnemen", state.word(lang)),
                format!("le dossier {id} est {} : seul un dossier actif peut rejoindre un module", state.word(lang)),
            ),
            UnknownModule { version, given, suggestion, known } => nl_fr(
                lang,
                format!("versie {version} heeft geen module '{given}'{}; modules: {}", meant(suggestion.as_deref(), lang), list(known)),
                format!("la version {version} n'a pas de module «\u{a0}{given}\u{a0}»{} ; modules : {}", meant(suggestion.as_deref(), lang), list(known)),
            ),
            AlreadyEnrolled { id, module, since } => nl_fr(
                lang,
                format!("dossier {id} volgt module '{module}' al (sinds {since})"),
                format!("le dossier {id} suit déjà le module «\u{a0}{module}\u{a0}» (depuis le {since})"),
            ),
            NotEnrolled { id, module } => nl_fr(
                lang,
                format!("dossier {id} volgt module '{module}' niet"),
                format!("le dossier {id} ne suit pas le module «\u{a0}{module}\u{a0}»"),
            ),
            NotExtendable { track, version } => nl_fr(
                lang,
                format!("trajecttype '{track}' is niet verlengbaar in versie {version}"),
                format!("le type de trajet «\u{a0}{track}\u{a0}» n'est pas prolongeable dans la version {version}"),
            ),
            ExtensionLengthMissing => nl_fr(
                lang,
                "hoe lang duurt de verlenging? Geef --extend-by (bv. \"3 months\"); het programma vermeldt geen duur voor een verlenging".to_string(),
                "quelle est la durée de la prolongation ? Indiquez --extend-by (p. ex. \"3 months\") ; le programme n'indique pas de durée de prolongation".to_string(),
            ),
            BadExtension { given } => nl_fr(
                lang,
                format!("'{given}' is geen vaste duur zoals \"3 months\""),
                format!("«\u{a0}{given}\u{a0}» n'est pas une durée fixe comme \"3 months\""),
            ),
            DestinationMissing => nl_fr(
                lang,
                "beslissing close vraagt --destination (een uitstroom van het programma)".to_string(),
                "la décision close demande --destination (une sortie du programme)".to_string(),
            ),
            _ => return None,
        })
    }

    /// Refusals of pausing, resuming and re-opening, and of a version without that policy.
    fn pause_words(&self, lang: Lang) -> Option<String> {
        use CaseError::*;
        Some(match self {
            NoPolicy { version, key, .. } => {
                let (nl, fr) = match *key {
                    "pause" => ("het pauzeren van een dossier", "la mise en pause d'un dossier"),
                    _ => ("het heropenen van een dossier", "la réouverture d'un dossier"),
                };
                nl_fr(
                    lang,
                    format!("versie {version} zegt niets over {nl}: voeg aan de versie een `{key}:`-regeling toe (met haar bron) om het toe te laten"),
                    format!("la version {version} ne dit rien sur {fr} : ajoutez à la version une règle `{key}:` (avec sa source) pour l'autoriser"),
                )
            }
            PauseLimit { id, taken, max, version } => nl_fr(
                lang,
                format!("dossier {id} werd al {taken} keer gepauzeerd; versie {version} laat er {max} toe"),
                format!("le dossier {id} a déjà été mis en pause {taken} fois ; la version {version} en permet {max}"),
            ),
            PauseUntil { until, on, max } => nl_fr(
                lang,
                format!("--until {}: een pauze vanaf {} moet na die dag eindigen en duurt hoogstens {max}", date(*until, lang), date(*on, lang)),
                format!("--until {} : une pause commençant le {} doit finir après ce jour et dure au plus {max}", date(*until, lang), date(*on, lang)),
            ),
            NoPlaceToResume { id, capacity } => nl_fr(
                lang,
                format!("dossier {id} kan nog niet hervatten: zijn plaats kwam vrij tijdens de pauze en alle {capacity} plaatsen zijn bezet; het blijft gepauzeerd — hervat het wanneer een plaats vrijkomt (binnen de pauze), of sluit het af als afgehaakt met een reden"),
                format!("le dossier {id} ne peut pas encore reprendre : sa place a été libérée pendant la pause et les {capacity} places sont prises ; il reste en pause — reprenez-le quand une place se libère (pendant la pause), ou enregistrez un abandon avec une raison"),
            ),
            PauseTooLong { id, since, max } => nl_fr(
                lang,
                format!("dossier {id} is gepauzeerd sinds {since}, langer dan de {max} die een pauze mag duren: sluit het af als afgehaakt met een reden, en heropen het als het programma dat toelaat"),
                format!("le dossier {id} est en pause depuis le {since}, plus longtemps que les {max} que peut durer une pause : enregistrez un abandon avec une raison, et rouvrez-le si le programme le permet"),
            ),
            ReopenTooLate { id, ended, within, version } => nl_fr(
                lang,
                format!("dossier {id} eindigde op {ended}; versie {version} laat heropenen enkel toe binnen {within} — meld de cliënt opnieuw aan als een nieuw dossier"),
                format!("le dossier {id} s'est terminé le {ended} ; la version {version} ne permet de le rouvrir que dans les {within} — orientez à nouveau le client comme un nouveau dossier"),
            ),
            _ => return None,
        })
    }
}

/// What may be done now in a state, as a list for a sentence.
fn allowed_in(state: CaseState, lang: Lang) -> String {
    let ok = state.allowed_text(lang);
    if ok.is_empty() {
        nl_fr(
            lang,
            "niets (het dossier is afgelopen)".to_string(),
            "rien (le dossier est terminé)".to_string(),
        )
    } else {
        ok.join(", ")
    }
}

fn join_or_none(known: &[String], lang: Lang) -> String {
    if known.is_empty() {
        nl_fr(lang, "geen".to_string(), "aucun".to_string())
    } else {
        known.join(", ")
    }
}

/// The kind of exit with its article, for "… is not a destination".
fn exit_word(kind: ExitKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ExitKind::Destination, Lang::Fr) => "une destination",
        (ExitKind::DropOut, Lang::Fr) => "un motif d'abandon",
        (ExitKind::NotStarted, Lang::Fr) => "un motif de non-démarrage",
        (ExitKind::Destination, _) => "uitstroombestemming",
        (ExitKind::DropOut, _) => "reden van afhaken",
        (ExitKind::NotStarted, _) => "reden om niet te starten",
    }
}

impl crate::StoreError {
    /// The problem worded for a reader of `lang`; the database's own report stays as the
    /// database words it.
    pub fn in_lang(&self, lang: Lang) -> String {
        use crate::StoreError;
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            StoreError::Create { path, reason } => nl_fr(lang, format!("{path}: kan de databank niet aanmaken: {reason}"), format!("{path} : impossible de créer la base de données : {reason}")),
            StoreError::Open { path, reason } => nl_fr(lang, format!("{path}: kan de databank niet openen: {reason}"), format!("{path} : impossible d'ouvrir la base de données : {reason}")),
            StoreError::NotTraject { path, reason } => nl_fr(lang, format!("{path}: {reason} — is dit een traject-databank?"), format!("{path} : {reason} — est-ce une base de données traject ?")),
            StoreError::TooNew { path, found, known } => nl_fr(lang, format!("{path}: schemaversie {found} van de databank is nieuwer dan deze traject kent ({known}); gebruik een nieuwere traject"), format!("{path} : la version de schéma {found} de la base de données est plus récente que ce que connaît ce traject ({known}) ; utilisez un traject plus récent")),
            StoreError::Database(e) => nl_fr(lang, format!("databank: {e}"), format!("base de données : {e}")),
            StoreError::Connect { target, reason } => nl_fr(lang, format!("{target}: geen verbinding met de PostgreSQL-server: {reason} — controleer het adres, de gebruiker en of de server draait"), format!("{target} : connexion au serveur PostgreSQL impossible : {reason} — vérifiez l'adresse, l'utilisateur et que le serveur tourne")),
            StoreError::Column { index, expected, found } => nl_fr(lang, format!("databank: kolom {index} bevat {found}, verwacht {expected} — is dit een traject-databank?"), format!("base de données : la colonne {index} contient {found}, attendu {expected} — est-ce une base de données traject ?")),
            StoreError::NoRow => nl_fr(lang, "databank: een rij die de opvraging nodig heeft ontbreekt".to_string(), "base de données : une ligne nécessaire à la requête manque".to_string()),
            StoreError::CopyTargetNotEmpty { target } => nl_fr(lang, format!("{target}: het doel bevat al dossiers, gebruikers of een audit-spoor; kopieer naar een lege databank"), format!("{target} : la cible contient déjà des dossiers, des utilisateurs ou une piste d'audit ; copiez vers une base de données vide")),
            StoreError::CopyRowsDiffer { table, read, found } => nl_fr(lang, format!("{table}: {read} rijen gelezen maar {found} gevonden in het doel na het kopiëren"), format!("{table} : {read} lignes lues mais {found} trouvées dans la cible après la copie")),
            StoreError::CopyDigestDiffers => nl_fr(lang, "de dossiers en gebeurtenissen in het doel verschillen na het kopiëren van de bron".to_string(), "les dossiers et événements de la cible diffèrent de la source après la copie".to_string()),
            StoreError::BadDatabaseName { .. } => self.to_string(),
            StoreError::CopyToItself { store } => nl_fr(lang, format!("{store}: de bron en het doel zijn dezelfde databank"), format!("{store} : la source et la cible sont la même base de données")),
            StoreError::CopyNoSource { path } => nl_fr(lang, format!("{path}: er is geen databankbestand om uit te kopiëren"), format!("{path} : aucun fichier de base de données à copier")),
        }
    }
}
