//! Every use case's error in the reader's language: the front ends show `in_lang` (the
//! command line in the locale's or `--lang`'s language, pages in the user's), and the layers
//! below word their own errors. Flags, ids and codes stay as they are typed.

use super::error::{AppError, SettingError};
use super::users::{AuthError, MIN_PASSWORD_CHARS};
use super::{Need, Role};
use traject_i18n::{date, nl_fr, say, Lang};
use traject_report::ReportError;
use traject_rollout::RolloutError;
use traject_sim::ModelError;

impl AppError {
    /// The error worded for a reader of `lang`: located problems with their place, one per
    /// line, the others as one sentence.
    pub fn in_lang(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let headlines = |ds: &[traject_model::diag::Diagnostic]| {
            ds.iter()
                .map(|d| d.in_lang(lang).headline())
                .collect::<Vec<_>>()
                .join("\n")
        };
        match self {
            AppError::Load(e) => headlines(&e.diagnostics),
            AppError::Rows(ds) => headlines(ds),
            AppError::Version(e) => e.in_lang(lang),
            AppError::Referral(e) => e.in_lang(lang),
            AppError::Case(e) => e.in_lang(lang),
            AppError::Store(e) => e.in_lang(lang),
            AppError::Model(e) => model_words(e, lang),
            AppError::Setting(e) => setting_words(e, lang),
            AppError::Rollout(e) => rollout_words(e, lang),
            AppError::Report(e) => report_words(e, lang),
            AppError::Auth(e) => e.in_lang(lang),
            _ => self.other_words(lang),
        }
    }

    /// The errors of the application layer itself: files, roles and organisations.
    fn other_words(&self, lang: Lang) -> String {
        match self {
            AppError::Exists(path) => nl_fr(
                lang,
                format!("{}: het bestand bestaat al; kies een andere --out of verwijder het eerst", path.display()),
                format!("{} : le fichier existe déjà ; choisissez un autre --out ou supprimez-le d'abord", path.display()),
            ),
            AppError::TempDir(why) => nl_fr(
                lang,
                format!("kan geen tijdelijke map aanmaken: {why}"),
                format!("impossible de créer un dossier temporaire : {why}"),
            ),
            AppError::Watch { path, message } => nl_fr(
                lang,
                format!("kan {} niet in het oog houden: {message}", path.display()),
                format!("impossible de surveiller {} : {message}", path.display()),
            ),
            AppError::Forbidden { role, need } => nl_fr(
                lang,
                format!("een {} mag niet {}", role.word(lang), need_words(*need, lang)),
                format!("un·e {} ne peut pas {}", role.word(lang), need_words(*need, lang)),
            ),
            AppError::WholeStore { org, .. } => nl_fr(
                lang,
                format!("dit gaat over elke organisatie in de databank; enkel een gebruiker over alle organisaties heen mag het (werk zonder --org {org})"),
                format!("ceci concerne toutes les organisations de la base de données ; seul un utilisateur commun à toutes les organisations peut le faire (agissez sans --org {org})"),
            ),
            _ => self.to_string(),
        }
    }
}

impl Role {
    /// The role as a person reads it in `lang`.
    pub fn word(self, lang: Lang) -> &'static str {
        match self {
            Role::Coordinator => say(lang, "coördinator", "coordinateur·rice", "coordinator"),
            Role::SocialWorker => say(
                lang,
                "maatschappelijk werker",
                "assistant·e social·e",
                "social worker",
            ),
            Role::Auditor => say(lang, "auditor", "auditeur·rice", "auditor"),
        }
    }
}

/// "an auditor", "a coordinator": the English role with its article.
pub(super) fn with_article(role: Role) -> &'static str {
    match role {
        Role::Coordinator => "a coordinator",
        Role::SocialWorker => "a social worker",
        Role::Auditor => "an auditor",
    }
}

/// What a role may not do, after "may not".
pub(super) fn need_words(need: Need, lang: Lang) -> &'static str {
    match need {
        Need::Persons => say(
            lang,
            "de aanmeldingen of dossiers van personen zien",
            "voir les orientations ou les dossiers de personnes",
            "see people's referrals or cases",
        ),
        Need::ChangeCases => say(
            lang,
            "dossiers wijzigen",
            "modifier des dossiers",
            "change cases",
        ),
        Need::Figures => say(
            lang,
            "deze cijfers zien",
            "voir ces chiffres",
            "see these figures",
        ),
        Need::EditProgrammes => say(
            lang,
            "programma's wijzigen",
            "modifier des programmes",
            "change programmes",
        ),
        Need::Erase => say(
            lang,
            "de persoonsgegevens van een cliënt wissen",
            "effacer les données personnelles d'un client",
            "erase a client's personal data",
        ),
        Need::ManageUsers => say(
            lang,
            "gebruikers beheren",
            "gérer les utilisateurs",
            "manage users",
        ),
    }
}

impl AuthError {
    /// The refusal worded for a reader of `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            AuthError::BadCredentials => nl_fr(lang, "verkeerde gebruikersnaam of wachtwoord".into(), "nom d'utilisateur ou mot de passe incorrect".into()),
            AuthError::Throttled { retry_after_secs: s } => nl_fr(
                lang,
                format!("te veel mislukte aanmeldingen voor deze gebruiker; probeer opnieuw over {s} seconden"),
                format!("trop de connexions manquées pour cet utilisateur ; réessayez dans {s} secondes"),
            ),
            AuthError::Exists { name } => nl_fr(
                lang,
                format!("er is al een gebruiker '{name}'; kies een andere naam of gebruik `user passwd`"),
                format!("il y a déjà un utilisateur «\u{a0}{name}\u{a0}» ; choisissez un autre nom ou utilisez `user passwd`"),
            ),
            AuthError::Unknown { name } => nl_fr(
                lang,
                format!("er is geen gebruiker '{name}'; `traject user list` toont wie er is"),
                format!("il n'y a pas d'utilisateur «\u{a0}{name}\u{a0}» ; `traject user list` montre qui existe"),
            ),
            AuthError::WeakPassword => nl_fr(
                lang,
                format!("een wachtwoord heeft minstens {MIN_PASSWORD_CHARS} tekens nodig"),
                format!("un mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères"),
            ),
            AuthError::BadName { name } => nl_fr(
                lang,
                format!("een gebruikersnaam is 1 tot 64 letters, cijfers, '.', '-' of '_'; '{name}' is dat niet"),
                format!("un nom d'utilisateur compte 1 à 64 lettres, chiffres, «\u{a0}.\u{a0}», «\u{a0}-\u{a0}» ou «\u{a0}_\u{a0}» ; «\u{a0}{name}\u{a0}» ne l'est pas"),
            ),
            AuthError::TeamMissing => nl_fr(
                lang,
                "een maatschappelijk werker hoort bij een team: voeg --team TEAM toe".into(),
                "un·e assistant·e social·e appartient à une équipe : ajoutez --team TEAM".into(),
            ),
            AuthError::Hash(why) => nl_fr(
                lang,
                format!("kan het wachtwoord niet hashen: {why}"),
                format!("impossible de hacher le mot de passe : {why}"),
            ),
            AuthError::OtherOrganisation { org } => nl_fr(
                lang,
                format!("je mag enkel gebruikers toevoegen aan je eigen organisatie, niet aan {org:?}"),
                format!("vous ne pouvez ajouter des utilisateurs qu'à votre propre organisation, pas à {org:?}"),
            ),
        }
    }
}

fn setting_words(e: &SettingError, lang: Lang) -> String {
    match e {
        SettingError::SimulationSize => nl_fr(
            lang,
            "--months en --runs moeten minstens 1 zijn en --quantile tussen 0 en 1".into(),
            "--months et --runs doivent valoir au moins 1 et --quantile être entre 0 et 1".into(),
        ),
        SettingError::QueueRates => nl_fr(
            lang,
            "--arrival-rate en --service-rate moeten boven 0 liggen en --servers minstens 1 zijn".into(),
            "--arrival-rate et --service-rate doivent être supérieurs à 0 et --servers valoir au moins 1".into(),
        ),
        SettingError::NotPositive { setting } => nl_fr(
            lang,
            format!("{setting} moet een getal boven 0 zijn"),
            format!("{setting} doit être un nombre supérieur à 0"),
        ),
        SettingError::WhatIfSize { runs, months } => nl_fr(
            lang,
            format!("een wat-als rekent hoogstens {runs} runs van hoogstens {months} maanden"),
            format!("une simulation «\u{a0}et si\u{a0}» compte au plus {runs} passages d'au plus {months} mois"),
        ),
        SettingError::OptionSyntax { given } => nl_fr(
            lang,
            format!("--option '{given}': schrijf ID=KEUZE, bv. --option art60_exclusion_2022=dropped"),
            format!("--option «\u{a0}{given}\u{a0}» : écrivez ID=CHOIX, p. ex. --option art60_exclusion_2022=dropped"),
        ),
    }
}

fn model_words(e: &ModelError, lang: Lang) -> String {
    match e {
        ModelError::NoDemand { version } => nl_fr(
            lang,
            format!("versie {version} heeft geen `demand:`-profiel om te simuleren"),
            format!("la version {version} n'a pas de profil `demand:` à simuler"),
        ),
        ModelError::NoNorm { version } => nl_fr(
            lang,
            format!("versie {version} vermeldt geen caseloadnorm en haar vraagprofiel neemt er geen aan"),
            format!("la version {version} n'indique pas de norme de charge et son profil de demande n'en suppose aucune"),
        ),
    }
}

fn rollout_words(e: &RolloutError, lang: Lang) -> String {
    match e {
        RolloutError::Ocmw { given } => nl_fr(
            lang,
            format!("--ocmw '{given}': gebruik de naam in kleine letters zoals aanmeldingen hem als residence_ocmw schrijven (bv. zoals in `ocmw:` van het nieuwe programma)"),
            format!("--ocmw «\u{a0}{given}\u{a0}» : utilisez le nom en minuscules tel que les orientations l'écrivent dans residence_ocmw (p. ex. comme dans `ocmw:` du nouveau programme)"),
        ),
        RolloutError::Language { given } => nl_fr(
            lang,
            format!("--society-language '{given}': gebruik nl of fr"),
            format!("--society-language «\u{a0}{given}\u{a0}» : utilisez nl ou fr"),
        ),
        RolloutError::Version(e) => e.in_lang(lang),
        RolloutError::TooEarly { given, version, starts } => nl_fr(
            lang,
            format!("--valid-from {given}: versie '{version}' begint op {}; een uitrol kan niet beginnen vóór de versie die hij kopieert", date(*starts, lang)),
            format!("--valid-from {given} : la version «\u{a0}{version}\u{a0}» commence le {} ; un déploiement ne peut pas commencer avant la version qu'il copie", date(*starts, lang)),
        ),
    }
}

fn report_words(e: &ReportError, lang: Lang) -> String {
    match e {
        ReportError::Backwards { from, to } => nl_fr(
            lang,
            format!("--to {to} ligt vóór --from {from}"),
            format!("--to {to} précède --from {from}"),
        ),
        ReportError::NoVersion { program, from, to } => nl_fr(
            lang,
            format!("geen versie van '{program}' is van kracht tussen {} en {}", date(*from, lang), date(*to, lang)),
            format!("aucune version de «\u{a0}{program}\u{a0}» n'est en vigueur entre le {} et le {}", date(*from, lang), date(*to, lang)),
        ),
        ReportError::Amount { setting, given } => nl_fr(
            lang,
            format!("{setting}: '{given}' is geen bedrag in euro (bv. 4000 of 3333.33)"),
            format!("{setting} : «\u{a0}{given}\u{a0}» n'est pas un montant en euros (p. ex. 4000 ou 3333.33)"),
        ),
        ReportError::Spreadsheet(why) => nl_fr(
            lang,
            format!("kan het rekenblad niet schrijven: {why}"),
            format!("impossible d'écrire le classeur : {why}"),
        ),
    }
}
