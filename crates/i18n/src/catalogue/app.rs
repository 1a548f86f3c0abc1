//! The application's own errors: settings out of range, files, roles and organisations,
//! logins and users, and the simulation, report and roll-out errors they pass on. Where a
//! setting is named, it is by the word the front end gave (the command line's flag, a
//! page's field). The command line words some of these with its flags (`traject` binary).

use traject_app::sign_on::SignOnError;
use traject_app::users::{AuthError, MIN_PASSWORD_CHARS};
use traject_app::{
    AppError, HistoryError, Need, Role, RowProblem, Setting, SettingError, WholeStore,
};
use traject_report::ReportError;
use traject_rollout::new_version::Unwritable;
use traject_rollout::RolloutError;
use traject_sim::ModelError;

use super::{m, q};
use crate::{date, Lang};

/// A role as a person reads it.
pub fn role_word(role: Role, l: Lang) -> &'static str {
    match role {
        Role::Coordinator => crate::say(l, "coördinator", "coordinateur·rice", "coordinator"),
        Role::SocialWorker => crate::say(
            l,
            "maatschappelijk werker",
            "assistant·e social·e",
            "social worker",
        ),
        Role::Auditor => crate::say(l, "auditor", "auditeur·rice", "auditor"),
        Role::CommandLine => crate::say(l, "opdrachtregel", "ligne de commande", "command line"),
    }
}

/// What a role may not do, after "may not".
fn need_words(need: Need, l: Lang) -> &'static str {
    match need {
        Need::Persons => crate::say(
            l,
            "de aanmeldingen of dossiers van personen zien",
            "voir les orientations ou les dossiers de personnes",
            "see people's referrals or cases",
        ),
        Need::ChangeCases => crate::say(
            l,
            "dossiers wijzigen",
            "modifier des dossiers",
            "change cases",
        ),
        Need::Figures => crate::say(
            l,
            "deze cijfers zien",
            "voir ces chiffres",
            "see these figures",
        ),
        Need::EditProgrammes => crate::say(
            l,
            "programma's wijzigen",
            "modifier des programmes",
            "change programmes",
        ),
        Need::Erase => crate::say(
            l,
            "de persoonsgegevens van een cliënt wissen",
            "effacer les données personnelles d'un client",
            "erase a client's personal data",
        ),
        Need::ManageUsers => crate::say(
            l,
            "gebruikers beheren",
            "gérer les utilisateurs",
            "manage users",
        ),
    }
}

/// An application error in the reader's language; located problems one per line
/// (`file:line:col: error: message`).
pub fn app_error(e: &AppError, l: Lang) -> String {
    let text = match e {
        AppError::Load(e) => crate::diagnostics::headlines(&e.diagnostics, l),
        AppError::Rows(ds) => ds
            .iter()
            .map(|d| crate::diagnostics::headline(d, &row_problem(&d.problem, l).message, l))
            .collect::<Vec<_>>()
            .join("\n"),
        AppError::Config(es) => es
            .iter()
            .map(|e| super::config_error(e, l))
            .collect::<Vec<_>>()
            .join("\n"),
        AppError::TombstonesOfAnotherStore { source } => m(
            l,
            format!("{source}: deze grafstenen horen bij een andere databank dan de back-up (andere dossiernummers): ze zouden de verkeerde personen wissen; er is niets hersteld — geef de grafstenen van de databank waarvan deze back-up komt"),
            format!("{source} : ces pierres tombales appartiennent à une autre base de données que la sauvegarde (d'autres numéros de dossier) : elles effaceraient les mauvaises personnes ; rien n'a été restauré — donnez les pierres tombales de la base dont vient cette sauvegarde"),
            format!("{source}: these tombstones belong to another store than the backup (other case numbers): they would erase the wrong people; nothing was restored — give the tombstones of the store this backup comes from"),
        ),
        AppError::Version(e) => super::version_error(e, l),
        AppError::Referral(e) => super::eval_error(e, l),
        AppError::Case(e) => super::case_error(e, l),
        AppError::Store(e) => super::store_error(e, l),
        AppError::Model(e) => model_error(e, l),
        AppError::Setting(e) => setting_error(e, l),
        AppError::Rollout(e) => rollout_error(e, l),
        AppError::Report(e) => report_error(e, l),
        AppError::Auth(e) => auth_error(e, l),
        AppError::History(e) => history_error(e, l),
        AppError::Session(e) => super::session_error(e, l),
        AppError::Mail(traject_app::mail::MailProblem::NotConfigured) => m(
            l,
            "er is geen mailserver ingesteld: zet mail.host en mail.from in de instellingen (of TRAJECT_MAIL_HOST en TRAJECT_MAIL_FROM), of bekijk de herinneringen eerst zonder ze te versturen",
            "aucun serveur de courrier n'est configuré : indiquez mail.host et mail.from dans les réglages (ou TRAJECT_MAIL_HOST et TRAJECT_MAIL_FROM), ou consultez d'abord les rappels sans les envoyer",
            "no mail server is set: put mail.host and mail.from in the settings (or TRAJECT_MAIL_HOST and TRAJECT_MAIL_FROM), or look at the reminders first without sending them",
        ),
        AppError::Mail(traject_app::mail::MailProblem::Failed { host, reason, failed }) => m(
            l,
            format!("{failed} herinneringen niet verstuurd, mailserver {host}: {reason}; ze worden de volgende keer opnieuw geprobeerd, de verstuurde niet"),
            format!("{failed} rappels non envoyés, serveur de courrier {host} : {reason} ; ils seront réessayés la prochaine fois, pas ceux déjà envoyés"),
            format!("{failed} reminders not sent, mail server {host}: {reason}; they are tried again next time, the ones sent are not"),
        ),
        AppError::FutureDay { field, given, today } => m(
            l,
            format!("`{field}`: {} ligt nog in de toekomst; vandaag is {}: geef de dag waarop het plaatsvond", crate::date(*given, Lang::Nl), crate::date(*today, Lang::Nl)),
            format!("`{field}` : le {} est encore à venir ; nous sommes le {} : indiquez le jour où cela a eu lieu", crate::date(*given, Lang::Fr), crate::date(*today, Lang::Fr)),
            format!("`{field}`: {given} has not come yet; today is {today}: give the day it took place"),
        ),
        AppError::Exists(path) => {
            let p = path.display();
            m(
                l,
                format!("{p}: het bestand bestaat al; kies een ander of verwijder het eerst"),
                format!(
                    "{p} : le fichier existe déjà ; choisissez-en un autre ou supprimez-le d'abord"
                ),
                format!("{p}: the file exists already; choose another or remove it first"),
            )
        }
        AppError::TempDir(why) => m(
            l,
            format!("kan geen tijdelijke map aanmaken: {why}"),
            format!("impossible de créer un dossier temporaire : {why}"),
            format!("cannot create a temporary folder: {why}"),
        ),
        AppError::Watch { path, message } => {
            let p = path.display();
            m(
                l,
                format!("kan {p} niet in het oog houden: {message}"),
                format!("impossible de surveiller {p} : {message}"),
                format!("cannot watch {p}: {message}"),
            )
        }
        AppError::Forbidden { role, need } => m(
            l,
            format!(
                "een {} mag niet {}",
                role_word(*role, l),
                need_words(*need, l)
            ),
            format!(
                "un·e {} ne peut pas {}",
                role_word(*role, l),
                need_words(*need, l)
            ),
            format!("{} may not {}", with_article(*role), need_words(*need, l)),
        ),
        AppError::WholeStore { what, org } => {
            let (nl, fr, en) = whole_store(*what);
            m(
                l,
                format!("{nl} gaat over elke organisatie in de databank; enkel een gebruiker over alle organisaties heen mag het (niet een van {org})"),
                format!("{fr} concerne toutes les organisations de la base de données ; seul un utilisateur commun à toutes les organisations peut le faire (pas un de {org})"),
                format!("{en} covers every organisation in the store; only a user across organisations may do it (not one of {org})"),
            )
        }
    };
    crate::prose(&text, l)
}

/// What covers the whole store.
pub fn whole_store(w: WholeStore) -> (&'static str, &'static str, &'static str) {
    match w {
        WholeStore::Copy => (
            "een databank kopiëren",
            "copier une base de données",
            "copying a store",
        ),
    }
}

/// "an auditor", "a coordinator": the English role with its article.
fn with_article(role: Role) -> &'static str {
    match role {
        Role::Coordinator => "a coordinator",
        Role::SocialWorker => "a social worker",
        Role::Auditor => "an auditor",
        Role::CommandLine => "the command line",
    }
}

/// A located problem of the application (a model problem, a case refused at a row, …).
pub fn row_problem(p: &RowProblem, l: Lang) -> super::Wording {
    let bare = |message: String| super::Wording {
        message: crate::prose(&message, l),
        help: None,
    };
    match p {
        RowProblem::Input(p) => super::problem(p, l),
        RowProblem::Case(e) => bare(super::case_error(e, l)),
        RowProblem::Unjudged(e) => super::Wording {
            message: super::eval_error(e, l),
            help: Some(crate::prose(
                &m(l, "kijk referral_date na tegenover de versies van het programma", "vérifiez referral_date par rapport aux versions du programme", "check referral_date against the programme's versions"),
                l,
            )),
        },
        RowProblem::HistoryWithout { column, needs } => super::Wording {
            message: crate::prose(&m(l, format!("kolom {column} is ingevuld zonder {needs}"), format!("la colonne {column} est remplie sans {needs}"), format!("column {column} is filled in without {needs}")), l),
            help: Some(crate::prose(&m(l, format!("vul {needs} in op dezelfde rij, of laat {column} leeg"), format!("remplissez {needs} sur la même ligne, ou laissez {column} vide"), format!("fill in {needs} on the same row, or leave {column} empty")), l)),
        },
        RowProblem::HistoryBackwards { column, on, earlier, earlier_on } => super::Wording {
            message: crate::prose(&m(
                l,
                format!("{column} ({}) valt vóór {earlier} ({})", crate::date(*on, l), crate::date(*earlier_on, l)),
                format!("{column} ({}) précède {earlier} ({})", crate::date(*on, l), crate::date(*earlier_on, l)),
                format!("{column} ({}) comes before {earlier} ({})", crate::date(*on, l), crate::date(*earlier_on, l)),
            ), l),
            help: Some(crate::prose(&m(l, "een dossier loopt vooruit in de tijd: kijk de data van deze rij na", "un dossier avance dans le temps : vérifiez les dates de cette ligne", "a case runs forward in time: check this row's dates"), l)),
        },
        RowProblem::HistoryAfterToday { column, on } => bare(m(
            l,
            format!("{column} ({}) ligt na vandaag: een geschiedenis vermeldt wat al gebeurde", crate::date(*on, l)),
            format!("{column} ({}) est postérieur à aujourd'hui : un historique indique ce qui s'est déjà passé", crate::date(*on, l)),
            format!("{column} ({}) is after today: a history records what has happened", crate::date(*on, l)),
        )),
        RowProblem::DossierTwice { dossier, first } => bare(m(
            l,
            format!("referentie {dossier} staat twee keer in dit bestand (eerst op regel {first})"),
            format!("la référence {dossier} figure deux fois dans ce fichier (d'abord à la ligne {first})"),
            format!("dossier {dossier} appears twice in this file (first on line {first})"),
        )),
        RowProblem::IdTwice { id, first } => super::Wording {
            message: crate::prose(&m(l, format!("id {} wordt twee keer gebruikt (eerst op regel {first})", q(l, id)), format!("l'id {} est utilisé deux fois (d'abord à la ligne {first})", q(l, id)), format!("id {} is used twice (first on line {first})", q(l, id))), l),
            help: Some(crate::prose(&m(l, "geef elke aanmelding een eigen id", "donnez à chaque orientation son propre id", "give every referral its own id"), l)),
        },
        RowProblem::CaseErased { case } => bare(m(
            l,
            format!("dossier {case} heeft geen gegevens van de aanmelding meer (gewist): het kan niet verdeeld worden"),
            format!("le dossier {case} n'a plus de données d'orientation (effacées) : il ne peut pas être réparti"),
            format!("case {case} holds no referral facts any more (erased): it cannot be routed"),
        )),
        RowProblem::NoCases => bare(m(l, "geen dossiers gegeven: noem de dossiers om te verdelen", "aucun dossier donné : nommez les dossiers à répartir", "no cases given: name the cases to route")),
        RowProblem::CohortVersion(e) => bare(super::version_error(e, l)),
        RowProblem::CohortUnjudged { id, error } => super::Wording {
            message: crate::prose(&m(l, format!("aanmelding {}: {}", q(l, id), super::eval_error(error, l)), format!("orientation {} : {}", q(l, id), super::eval_error(error, l)), format!("referral {}: {}", q(l, id), super::eval_error(error, l))), l),
            help: Some(crate::prose(&m(l, "verdeel onder een gekozen versie", "répartissez sous une version choisie", "route under a chosen version"), l)),
        },
        RowProblem::MixedVersions => super::Wording {
            message: crate::prose(&m(l, "de aanmeldingen vallen onder verschillende programmaversies", "les orientations relèvent de versions différentes du programme", "the referrals fall under different programme versions"), l),
            help: Some(crate::prose(&m(l, "verdeel één versie tegelijk, of kies er een", "répartissez une version à la fois, ou choisissez-en une", "route one version at a time, or choose one"), l)),
        },
        RowProblem::EmptyCohort => super::Wording {
            message: crate::prose(&m(l, "het bestand bevat geen aanmeldingen", "le fichier ne contient aucune orientation", "the CSV holds no referrals"), l),
            help: Some(crate::prose(&m(l, "voeg rijen toe onder de kop", "ajoutez des lignes sous l'en-tête", "add rows under the header"), l)),
        },
        RowProblem::NotRouted { module, version, exists, nearest, routed } => {
            let message = if *exists {
                m(l, format!("module '{module}' van versie {version} heeft geen routering"), format!("le module «\u{a0}{module}\u{a0}» de la version {version} n'a pas de répartition"), format!("module '{module}' of version {version} has no routing"))
            } else {
                let mean = super::meant(nearest.as_deref(), l);
                m(l, format!("versie {version} heeft geen module '{module}'{mean}"), format!("la version {version} n'a pas de module «\u{a0}{module}\u{a0}»{mean}"), format!("version {version} has no module '{module}'{mean}"))
            };
            let list = if routed.is_empty() { m(l, "geen", "aucun", "none") } else { routed.join(", ") };
            super::Wording {
                message: crate::prose(&message, l),
                help: Some(crate::prose(&m(l, format!("modules met routering in deze versie: {list}"), format!("modules avec répartition dans cette version : {list}"), format!("modules with routing in this version: {list}")), l)),
            }
        }
        RowProblem::CannotWriteResults { reason } => bare(m(l, format!("kan de resultaten niet schrijven: {reason}"), format!("impossible d'écrire les résultats : {reason}"), format!("cannot write results: {reason}"))),
    }
}

pub fn setting_error(e: &SettingError, l: Lang) -> String {
    match e {
        SettingError::SimulationSize => m(
            l,
            "het aantal maanden en runs moet minstens 1 zijn en het kwantiel tussen 0 en 1",
            "le nombre de mois et de passages doit valoir au moins 1 et le quantile être entre 0 et 1",
            "months and runs must be at least 1 and the quantile between 0 and 1",
        ),
        SettingError::QueueRates => m(
            l,
            "aankomst- en bedieningsritme moeten boven 0 liggen en er moet minstens 1 loket zijn",
            "les taux d'arrivée et de service doivent être supérieurs à 0 et il faut au moins 1 guichet",
            "the arrival and service rates must be above 0 and there must be at least 1 server",
        ),
        SettingError::OutOfRange { setting, given, min, max } => {
            let setting = setting_word(*setting, l);
            m(l, format!("{setting} moet een getal van {min} tot {max} zijn (gegeven: {given})"), format!("{setting} doit être un nombre de {min} à {max} (donné\u{a0}: {given})"), format!("{setting} must be a number from {min} to {max} (given: {given})"))
        }
        SettingError::TooMuchWork { estimate, limit } => m(
            l,
            format!("deze simulatie zou ongeveer {estimate} doorverwezen cliënten doorrekenen, meer dan de grens van {limit} per aanvraag: kies minder runs of maanden of een kleinere vraagfactor"),
            format!("cette simulation calculerait environ {estimate} orientations, plus que la limite de {limit} par demande\u{a0}: choisissez moins de passages ou de mois, ou un facteur de demande plus petit"),
            format!("this simulation would compute about {estimate} referrals, more than the limit of {limit} per request: choose fewer runs or months, or a smaller demand factor"),
        ),
        SettingError::DeadlinePassed { secs } => m(
            l,
            format!("de berekening is na {secs} seconden gestopt: vraag minder runs of maanden"),
            format!("le calcul a été arrêté après {secs} secondes\u{a0}: demandez moins de passages ou de mois"),
            format!("the computation was stopped after {secs} seconds: ask for fewer runs or months"),
        ),
        SettingError::WhatIfSize { runs, months } => m(
            l,
            format!("een wat-als rekent hoogstens {runs} runs van hoogstens {months} maanden"),
            format!("une simulation «\u{a0}et si\u{a0}» compte au plus {runs} passages d'au plus {months} mois"),
            format!("a what-if runs at most {runs} runs of at most {months} months"),
        ),
        SettingError::OptionSyntax { given } => m(
            l,
            format!("optie {}: schrijf ID=KEUZE, bv. art60_exclusion_2022=dropped", q(l, given)),
            format!("option {} : écrivez ID=CHOIX, p. ex. art60_exclusion_2022=dropped", q(l, given)),
            format!("option {}: write ID=CHOICE, e.g. art60_exclusion_2022=dropped", q(l, given)),
        ),
        SettingError::NothingToBacktest { from, to, history } => {
            let (from, to) = (crate::date(*from, l), crate::date(*to, l));
            match history {
                Some((first, last)) => {
                    let (first, last) = (crate::date(*first, l), crate::date(*last, l));
                    m(
                        l,
                        format!("geen maand om te toetsen van {from} tot {to}: de geschiedenis in het dossierbestand loopt van {first} tot {last}, en een voorspelling heeft minstens drie maanden geschiedenis vóór zich en één maand erna nodig"),
                        format!("aucun mois à tester du {from} au {to} : l'historique des dossiers va du {first} au {last}, et une prévision demande au moins trois mois d'historique avant elle et un mois après"),
                        format!("no month to test from {from} to {to}: the case store's history runs from {first} to {last}, and a forecast needs at least three months of history before it and one month after"),
                    )
                }
                None => m(
                    l,
                    "het dossierbestand heeft nog geen dossiers van dit programma: er valt niets terug te toetsen".to_string(),
                    "les dossiers ne contiennent encore aucun dossier de ce programme : il n'y a rien à tester".to_string(),
                    "the case store holds no case of this programme yet: there is nothing to test against".to_string(),
                ),
            }
        }
    }
}

/// A forecast setting by its name on a page.
pub fn setting_word(s: Setting, l: Lang) -> &'static str {
    match s {
        Setting::Fte => crate::say(l, "het aantal VTE", "le nombre d'ETP", "the FTE"),
        Setting::DemandFactor => crate::say(
            l,
            "de vraagfactor",
            "le facteur de demande",
            "the demand factor",
        ),
        Setting::Norm => crate::say(
            l,
            "de caseloadnorm",
            "la norme de charge",
            "the caseload norm",
        ),
    }
}

pub fn model_error(e: &ModelError, l: Lang) -> String {
    match e {
        ModelError::NoDemand { version } => m(l, format!("versie {version} heeft geen `demand:`-profiel om te simuleren"), format!("la version {version} n'a pas de profil `demand:` à simuler"), format!("version {version} has no `demand:` profile to simulate")),
        ModelError::NoNorm { version } => m(
            l,
            format!("versie {version} vermeldt geen caseloadnorm en haar vraagprofiel neemt er geen aan"),
            format!("la version {version} n'indique pas de norme de charge et son profil de demande n'en suppose aucune"),
            format!("version {version} states no caseload norm and its demand profile assumes none"),
        ),
    }
}

pub fn rollout_error(e: &RolloutError, l: Lang) -> String {
    match e {
        RolloutError::Ocmw { given } => m(
            l,
            format!("OCMW {}: gebruik de naam in kleine letters zoals aanmeldingen hem als residence_ocmw schrijven (bv. zoals in `ocmw:` van het nieuwe programma)", q(l, given)),
            format!("CPAS {} : utilisez le nom en minuscules tel que les orientations l'écrivent dans residence_ocmw (p. ex. comme dans `ocmw:` du nouveau programme)", q(l, given)),
            format!("OCMW {}: use the lower-case name referrals write as residence_ocmw (e.g. as in the new programme's `ocmw:`)", q(l, given)),
        ),
        RolloutError::Language { given } => m(l, format!("taal van de samenleving {}: gebruik nl of fr", q(l, given)), format!("langue de la société {} : utilisez nl ou fr", q(l, given)), format!("society language {}: use nl or fr", q(l, given))),
        RolloutError::Version(e) => super::version_error(e, l),
        RolloutError::TooEarly { given, version, starts } => m(
            l,
            format!("begin {}: versie '{version}' begint op {}; een uitrol kan niet beginnen vóór de versie die hij kopieert", date(*given, l), date(*starts, l)),
            format!("début {} : la version «\u{a0}{version}\u{a0}» commence le {} ; un déploiement ne peut pas commencer avant la version qu'il copie", date(*given, l), date(*starts, l)),
            format!("start {given}: version '{version}' starts on {starts}; a roll-out cannot start before the version it copies"),
        ),
    }
}

pub fn report_error(e: &ReportError, l: Lang) -> String {
    match e {
        ReportError::Backwards { from, to } => m(l, format!("het einde {} ligt vóór het begin {}", date(*to, l), date(*from, l)), format!("la fin {} précède le début {}", date(*to, l), date(*from, l)), format!("the end {to} is before the start {from}")),
        ReportError::NoVersion { program, from, to } => m(
            l,
            format!("geen versie van '{program}' is van kracht tussen {} en {}", date(*from, l), date(*to, l)),
            format!("aucune version de «\u{a0}{program}\u{a0}» n'est en vigueur entre le {} et le {}", date(*from, l), date(*to, l)),
            format!("no version of '{program}' is in force between {from} and {to}"),
        ),
        ReportError::Amount { setting, given } => m(
            l,
            format!("{setting}: '{given}' is geen bedrag in euro (bv. 4000 of 3333.33)"),
            format!("{setting} : «\u{a0}{given}\u{a0}» n'est pas un montant en euros (p. ex. 4000 ou 3333.33)"),
            format!("{setting}: '{given}' is not an amount in euros (e.g. 4000 or 3333.33)"),
        ),
        ReportError::Spreadsheet(why) => m(l, format!("kan het rekenblad niet schrijven: {why}"), format!("impossible d'écrire le classeur : {why}"), format!("cannot write the spreadsheet: {why}")),
    }
}

/// Why a programme text is not saved, or not in the history.
pub fn history_error(e: &HistoryError, l: Lang) -> String {
    match e {
        HistoryError::Unchanged { program, seq } => m(
            l,
            format!("{program}: deze tekst is dezelfde als de laatst bewaarde (nummer {seq}); er is niets bewaard"),
            format!("{program} : ce texte est celui enregistré en dernier (numéro {seq}) ; rien n'a été enregistré"),
            format!("{program}: this text is the one saved last (number {seq}); nothing was saved"),
        ),
        HistoryError::NothingSaved { program } => m(
            l,
            format!("{program}: er is nog geen tekst van dit programma bewaard; bewaar er een met `traject program save`"),
            format!("{program} : aucun texte de ce programme n'est encore enregistré ; enregistrez-en un avec `traject program save`"),
            format!("{program}: no text of this programme is saved yet; save one with `traject program save`"),
        ),
        HistoryError::NoEntry { program, seq } => m(
            l,
            format!("{program}: er is geen bewaarde tekst met nummer {seq}; `traject program history {program}` toont ze"),
            format!("{program} : aucun texte enregistré ne porte le numéro {seq} ; `traject program history {program}` les montre"),
            format!("{program}: no saved text has number {seq}; `traject program history {program}` lists them"),
        ),
        HistoryError::Unwritable(u) => unwritable(u, l),
        HistoryError::TooManyChoices { choices, limit } => m(
            l,
            format!("deze tekst heeft {choices} optiekeuzes om te controleren, meer dan de {limit} die de pagina per keer controleert: controleer hem met `traject validate`"),
            format!("ce texte a {choices} choix d'option à vérifier, plus que les {limit} que la page vérifie à la fois : vérifiez-le avec `traject validate`"),
            format!("this text has {choices} option choices to check, more than the {limit} the page checks at once: check it with `traject validate`"),
        ),
    }
}

/// Why the editor cannot write a new version, or its change entries, into a programme text.
fn unwritable(u: &Unwritable, l: Lang) -> String {
    match u {
        Unwritable::StartsTooEarly { base, base_from } => {
            let day = crate::date(*base_from, l);
            m(
                l,
                format!("een nieuwe versie moet beginnen na versie {base} (die begint op {day}): kies een latere datum"),
                format!("une nouvelle version doit commencer après la version {base} (qui commence le {day}) : choisissez une date ultérieure"),
                format!("a new version must start after version {base} (which starts on {day}): choose a later date"),
            )
        }
        Unwritable::Exists { version } => m(
            l,
            format!("er is al een versie {version}: kies een andere naam voor de nieuwe versie"),
            format!("une version {version} existe déjà : choisissez un autre nom pour la nouvelle version"),
            format!("there is a version {version} already: choose another name for the new version"),
        ),
        Unwritable::NotOnOwnLines { version } => m(
            l,
            format!("de data of sleutels van versie {version} staan niet elk op een eigen regel: schrijf de nieuwe versie of de wijzigingen zelf in de tekst"),
            format!("les dates ou les clés de la version {version} ne sont pas chacune sur sa ligne : écrivez vous-même la nouvelle version ou les modifications dans le texte"),
            format!("the dates or keys of version {version} are not each on a line of their own: write the new version or the changes into the text yourself"),
        ),
        Unwritable::Unreadable => m(
            l,
            "de tekst is geen leesbare YAML: verbeter eerst de fout die de controle aanwijst".to_string(),
            "le texte n'est pas du YAML lisible : corrigez d'abord l'erreur que la vérification indique".to_string(),
            "the text is not readable YAML: first mend the error the check points out".to_string(),
        ),
        Unwritable::NoSuchVersion { version } => m(
            l,
            format!("de tekst heeft geen versie {version}"),
            format!("le texte n'a pas de version {version}"),
            format!("the text has no version {version}"),
        ),
    }
}

pub fn auth_error(e: &AuthError, l: Lang) -> String {
    match e {
        AuthError::BadCredentials => m(l, "verkeerde gebruikersnaam of wachtwoord", "nom d'utilisateur ou mot de passe incorrect", "wrong user name or password"),
        AuthError::Throttled { retry_after_secs: s } => m(
            l,
            format!("te veel mislukte aanmeldingen voor deze gebruiker; probeer opnieuw over {s} seconden"),
            format!("trop de connexions manquées pour cet utilisateur ; réessayez dans {s} secondes"),
            format!("too many failed logins for this user; try again in {s} seconds"),
        ),
        AuthError::Exists { name } => m(l, format!("er is al een gebruiker '{name}'; kies een andere naam"), format!("il y a déjà un utilisateur «\u{a0}{name}\u{a0}» ; choisissez un autre nom"), format!("there is already a user '{name}'; choose another name")),
        AuthError::Unknown { name } => m(l, format!("er is geen gebruiker '{name}'"), format!("il n'y a pas d'utilisateur «\u{a0}{name}\u{a0}»"), format!("there is no user '{name}'")),
        AuthError::WeakPassword => m(
            l,
            format!("een wachtwoord heeft minstens {MIN_PASSWORD_CHARS} tekens nodig"),
            format!("un mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères"),
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ),
        AuthError::BadName { name } => m(
            l,
            format!("een gebruikersnaam is 1 tot 64 letters, cijfers, '.', '-' of '_'; '{name}' is dat niet"),
            format!("un nom d'utilisateur compte 1 à 64 lettres, chiffres, «\u{a0}.\u{a0}», «\u{a0}-\u{a0}» ou «\u{a0}_\u{a0}» ; «\u{a0}{name}\u{a0}» ne l'est pas"),
            format!("a user name is 1 to 64 letters, digits, '.', '-' or '_'; '{name}' is not"),
        ),
        AuthError::BadEmail => m(
            l,
            "dat is geen e-mailadres dat een mailserver aanneemt: schrijf het als naam@domein.be, zonder spaties",
            "ce n'est pas une adresse e-mail qu'un serveur de courrier accepte : écrivez-la comme nom@domaine.be, sans espaces",
            "that is not an e-mail address a mail server takes: write it as name@domain.be, without spaces",
        ),
        AuthError::TeamMissing => m(l, "een maatschappelijk werker hoort bij een team", "un·e assistant·e social·e appartient à une équipe", "a social worker belongs to a team"),
        AuthError::Hash(why) => m(l, format!("kan het wachtwoord niet hashen: {why}"), format!("impossible de hacher le mot de passe : {why}"), format!("cannot hash the password: {why}")),
        AuthError::OtherOrganisation { org } => m(
            l,
            format!("je mag enkel gebruikers toevoegen aan je eigen organisatie, niet aan {org:?}"),
            format!("vous ne pouvez ajouter des utilisateurs qu'à votre propre organisation, pas à {org:?}"),
            format!("you may add users to your own organisation only, not to {org:?}"),
        ),
        AuthError::SecondFactorMissing => m(
            l,
            "geef ook de code van je authenticator-app (of een herstelcode)",
            "indiquez aussi le code de votre application d'authentification (ou un code de secours)",
            "give the code from your authenticator app too (or a recovery code)",
        ),
        AuthError::SecondFactorNotEnrolled => m(
            l,
            "jouw rol meldt zich aan met een tweede factor en je hebt er nog geen: vraag de beheerder om `traject user totp enroll`",
            "votre rôle se connecte avec un second facteur et vous n'en avez pas encore : demandez à l'administrateur `traject user totp enroll`",
            "your role logs in with a second factor and you have none yet: ask the administrator for `traject user totp enroll`",
        ),
        AuthError::SignOn(e) => sign_on_error(e, l),
    }
}

/// Why a login through the OpenID provider failed: the person is told what they can do; the
/// server log has the technical reason.
pub fn sign_on_error(e: &SignOnError, l: Lang) -> String {
    match e {
        SignOnError::NoRoundTrip | SignOnError::StateMismatch => m(
            l,
            "deze aanmelding is verlopen of al gebruikt: meld je opnieuw aan",
            "cette connexion a expiré ou a déjà servi : reconnectez-vous",
            "this login has expired or was used already: log in again",
        ),
        SignOnError::Provider { .. } => m(
            l,
            "de identiteitsprovider heeft de aanmelding niet toegestaan",
            "le fournisseur d'identité n'a pas autorisé la connexion",
            "the identity provider did not allow the login",
        ),
        SignOnError::Unreachable { .. } => m(
            l,
            "de identiteitsprovider is nu niet bereikbaar: probeer zo dadelijk opnieuw",
            "le fournisseur d'identité est injoignable : réessayez dans un instant",
            "the identity provider cannot be reached: try again in a moment",
        ),
        SignOnError::NoName | SignOnError::NoRole | SignOnError::NoTeam => m(
            l,
            "de identiteitsprovider geeft je geen rol of team in traject: vraag de IT-dienst om je toe te voegen",
            "le fournisseur d'identité ne vous donne pas de rôle ou d'équipe dans traject : demandez au service informatique de vous ajouter",
            "the identity provider gives you no role or team in traject: ask IT to add you",
        ),
        SignOnError::NotRegistered | SignOnError::NameTaken | SignOnError::Disabled => m(
            l,
            "er is geen (actieve) gebruiker in traject voor jouw account: vraag de coördinator",
            "il n'y a pas d'utilisateur (actif) dans traject pour votre compte : demandez au coordinateur",
            "there is no (active) traject user for your account: ask the coordinator",
        ),
        _ => m(
            l,
            "het bewijs van de identiteitsprovider is niet geldig; de serverlog zegt waarom",
            "la preuve du fournisseur d'identité n'est pas valable ; le journal du serveur indique pourquoi",
            "the identity provider's proof is not valid; the server log says why",
        ),
    }
}
