//! The command line's own wording of errors: where the catalogue (`traject_i18n::catalogue`)
//! says what to do in general, the command line names the flag or the command that does it
//! (`--as-of`, `--track`, `traject case show 7`). Every other error is worded by the catalogue.
//! Flags are named here and in `args` only.

use traject_app::users::AuthError;
use traject_app::{AppError, RowProblem, Setting, SettingError};
use traject_cases::CaseError;
use traject_i18n::catalogue::{self, q, Wording};
use traject_i18n::diagnostics::DiagnosticView;
use traject_i18n::{date, say, Lang};
use traject_model::diag::{Diagnostic, LoadError, Located};
use traject_model::problem::{BatchProblem, LoadProblem, Problem, TableProblem};
use traject_report::ReportError;
use traject_rollout::RolloutError;
use traject_web::ServeError;

/// One of three wordings (nl, fr, en) as text.
fn m(l: Lang, nl: impl Into<String>, fr: impl Into<String>, en: impl Into<String>) -> String {
    say(l, nl.into(), fr.into(), en.into())
}

/// An application error as the command line says it.
pub fn app_error(e: &AppError, l: Lang) -> String {
    let own = match e {
        AppError::Case(c) => case_error(c, l),
        AppError::Setting(s) => setting_error(s, l),
        AppError::Rollout(r) => rollout_error(r, l),
        AppError::Report(ReportError::Backwards { from, to }) => Some(m(
            l,
            format!("--to {to} ligt vóór --from {from}"),
            format!("--to {to} précède --from {from}"),
            format!("--to {to} is before --from {from}"),
        )),
        AppError::Auth(a) => auth_error(a, l),
        AppError::Exists(path) => {
            let p = path.display();
            Some(m(
                l,
                format!("{p}: het bestand bestaat al; kies een andere --out of verwijder het eerst"),
                format!("{p} : le fichier existe déjà ; choisissez un autre --out ou supprimez-le d'abord"),
                format!("{p}: the file exists already; choose another --out or remove it first"),
            ))
        }
        AppError::WholeStore { what, org } => {
            let (nl, fr, en) = catalogue::whole_store(*what);
            Some(m(
                l,
                format!("{nl} gaat over elke organisatie in de databank; enkel een gebruiker over alle organisaties heen mag het (werk zonder --org {org})"),
                format!("{fr} concerne toutes les organisations de la base de données ; seul un utilisateur commun à toutes les organisations peut le faire (agissez sans --org {org})"),
                format!("{en} covers every organisation in the store; only a user across organisations may do it (act without --org {org})"),
            ))
        }
        _ => None,
    };
    match own {
        Some(text) => traject_i18n::prose(&text, l),
        None => catalogue::app_error(e, l),
    }
}

/// A refused case action, where the command line knows the flag or command that helps.
fn case_error(e: &CaseError, l: Lang) -> Option<String> {
    let d = |day| date(day, l);
    Some(match e {
        CaseError::BeforeLatest { id, on, latest } => m(
            l,
            format!("dossier {id} heeft een gebeurtenis op {}: er kan niets voor worden vastgelegd op {}, een eerdere dag — controleer --as-of", d(*latest), d(*on)),
            format!("le dossier {id} a un événement le {} : rien ne peut y être enregistré le {}, un jour antérieur — vérifiez --as-of", d(*latest), d(*on)),
            format!("case {id} has an event on {latest}: nothing can be recorded for it on {on}, an earlier day — check --as-of"),
        ),
        CaseError::BeforeReferral { on, referral_date } => m(
            l,
            format!("de aanmelding is gedateerd op {}: er kan geen dossier voor worden aangemaakt op {}, een eerdere dag — controleer --as-of of de aanmeldingsdatum", d(*referral_date), d(*on)),
            format!("l'orientation est datée du {} : aucun dossier ne peut être créé le {}, un jour antérieur — vérifiez --as-of ou la date d'orientation", d(*referral_date), d(*on)),
            format!("the referral is dated {referral_date}: a case cannot be created for it on {on}, an earlier day — check --as-of or the referral date"),
        ),
        CaseError::ErasedDossier { dossier, erased_on } => m(
            l,
            format!("de gegevens van referentie {dossier} werden op {} gewist (een verzoek tot wissing): neem de aanmelding enkel op met --after-erasure \"de reden\" (een coördinator; het wordt in het audit-spoor bewaard)", d(*erased_on)),
            format!("les données de la référence {dossier} ont été effacées le {} (une demande d'effacement) : n'acceptez l'orientation qu'avec --after-erasure \"la raison\" (un·e coordinateur·rice ; c'est noté dans la piste d'audit)", d(*erased_on)),
            format!("the data of dossier {dossier} was erased on {erased_on} (an erasure request): take the referral in only with --after-erasure \"the reason\" (a coordinator; it is kept in the audit trail)"),
        ),
        CaseError::Ineligible { id } => m(
            l,
            format!("dossier {id} werd bij de aanmelding niet toelaatbaar bevonden; het kan niet starten (zie `traject case show {id}`)"),
            format!("le dossier {id} a été jugé non admissible à l'orientation ; il ne peut pas démarrer (voir `traject case show {id}`)"),
            format!("case {id} was judged ineligible on referral; it cannot start (see `traject case show {id}`)"),
        ),
        CaseError::GateNotPassed { id, step, evaluation, decision } => {
            let command = format!("`traject case evaluate {id} --evaluation {evaluation} --decision {decision}`");
            m(
                l,
                format!("dossier {id} kan nog niet starten: stap '{step}' vraagt evaluatie '{evaluation}' met beslissing '{decision}' — leg die vast met {command}"),
                format!("le dossier {id} ne peut pas encore démarrer : l'étape «\u{a0}{step}\u{a0}» demande l'évaluation «\u{a0}{evaluation}\u{a0}» avec la décision «\u{a0}{decision}\u{a0}» — enregistrez-la avec {command}"),
                format!("case {id} cannot start yet: step '{step}' needs evaluation '{evaluation}' with decision '{decision}' — record it with {command}"),
            )
        }
        CaseError::ChooseTrack { version, known } => {
            let list = known.join(", ");
            m(
                l,
                format!("versie {version} heeft meerdere trajecttypes: kies er een met --track ({list})"),
                format!("la version {version} a plusieurs types de trajet : choisissez-en un avec --track ({list})"),
                format!("version {version} has several tracks: choose one with --track ({list})"),
            )
        }
        CaseError::ExtensionLengthMissing => m(
            l,
            "hoe lang duurt de verlenging? Geef --extend-by (bv. \"3 months\"); het programma vermeldt geen duur voor een verlenging",
            "quelle est la durée de la prolongation ? Indiquez --extend-by (p. ex. \"3 months\") ; le programme n'indique pas de durée de prolongation",
            "how long is the extension? give --extend-by (e.g. \"3 months\"); the programme states no extension length",
        ),
        CaseError::DestinationMissing => m(
            l,
            "beslissing close vraagt --destination (een uitstroom van het programma)",
            "la décision close demande --destination (une sortie du programme)",
            "decision close needs --destination (an exit of the programme)",
        ),
        CaseError::PauseUntil { until, on, max } => {
            let max = traject_render::words::duration(*max, l);
            m(
                l,
                format!("--until {}: een pauze vanaf {} moet na die dag eindigen en duurt hoogstens {max}", d(*until), d(*on)),
                format!("--until {} : une pause commençant le {} doit finir après ce jour et dure au plus {max}", d(*until), d(*on)),
                format!("--until {until}: a pause starting {on} ends after that day and lasts at most {max}"),
            )
        }
        _ => return None,
    })
}

fn setting_error(e: &SettingError, l: Lang) -> Option<String> {
    Some(match e {
        SettingError::SimulationSize => m(
            l,
            "--months en --runs moeten minstens 1 zijn en --quantile tussen 0 en 1",
            "--months et --runs doivent valoir au moins 1 et --quantile être entre 0 et 1",
            "--months and --runs must be at least 1 and --quantile between 0 and 1",
        ),
        SettingError::QueueRates => m(
            l,
            "--arrival-rate en --service-rate moeten boven 0 liggen en --servers minstens 1 zijn",
            "--arrival-rate et --service-rate doivent être supérieurs à 0 et --servers valoir au moins 1",
            "--arrival-rate and --service-rate must be above 0 and --servers at least 1",
        ),
        SettingError::OutOfRange {
            setting,
            given,
            min,
            max,
        } => {
            let flag = match setting {
                Setting::Fte => "--fte",
                Setting::DemandFactor => "--demand-factor",
                Setting::Norm => "--norm",
            };
            m(
                l,
                format!("{flag} {given}: geef een getal van {min} tot {max}"),
                format!("{flag} {given} : donnez un nombre de {min} à {max}"),
                format!("{flag} {given}: give a number from {min} to {max}"),
            )
        }
        SettingError::TooMuchWork { estimate, limit } => m(
            l,
            format!("deze simulatie rekent ongeveer {estimate} doorverwezen cliënten door, meer dan de grens van {limit}: kies minder --runs of --months, of verhoog de grens met --max-work"),
            format!("cette simulation calcule environ {estimate} orientations, plus que la limite de {limit} : choisissez moins de --runs ou de --months, ou relevez la limite avec --max-work"),
            format!("this simulation would compute about {estimate} referrals, more than the limit of {limit}: choose fewer --runs or --months, or raise the limit with --max-work"),
        ),
        SettingError::OptionSyntax { given } => m(
            l,
            format!("--option {}: schrijf ID=KEUZE, bv. --option art60_exclusion_2022=dropped", q(l, given)),
            format!("--option {} : écrivez ID=CHOIX, p. ex. --option art60_exclusion_2022=dropped", q(l, given)),
            format!("--option {}: write ID=CHOICE, e.g. --option art60_exclusion_2022=dropped", q(l, given)),
        ),
        SettingError::WhatIfSize { .. }
        | SettingError::DeadlinePassed { .. }
        | SettingError::NothingToBacktest { .. } => return None,
    })
}

fn rollout_error(e: &RolloutError, l: Lang) -> Option<String> {
    Some(match e {
        RolloutError::Ocmw { given } => m(
            l,
            format!("--ocmw {}: gebruik de naam in kleine letters zoals aanmeldingen hem als residence_ocmw schrijven (bv. zoals in `ocmw:` van het nieuwe programma)", q(l, given)),
            format!("--ocmw {} : utilisez le nom en minuscules tel que les orientations l'écrivent dans residence_ocmw (p. ex. comme dans `ocmw:` du nouveau programme)", q(l, given)),
            format!("--ocmw {}: use the lower-case name referrals write as residence_ocmw (e.g. as in the new programme's `ocmw:`)", q(l, given)),
        ),
        RolloutError::Language { given } => m(
            l,
            format!("--society-language {}: gebruik nl of fr", q(l, given)),
            format!("--society-language {} : utilisez nl ou fr", q(l, given)),
            format!("--society-language {}: use nl or fr", q(l, given)),
        ),
        RolloutError::TooEarly { given, version, starts } => m(
            l,
            format!("--valid-from {given}: versie '{version}' begint op {}; een uitrol kan niet beginnen vóór de versie die hij kopieert", date(*starts, l)),
            format!("--valid-from {given} : la version «\u{a0}{version}\u{a0}» commence le {} ; un déploiement ne peut pas commencer avant la version qu'il copie", date(*starts, l)),
            format!("--valid-from {given}: version '{version}' starts on {starts}; a roll-out cannot start before the version it copies"),
        ),
        RolloutError::Version(_) => return None,
    })
}

fn auth_error(e: &AuthError, l: Lang) -> Option<String> {
    Some(match e {
        AuthError::Exists { name } => m(
            l,
            format!("er is al een gebruiker '{name}'; kies een andere naam of gebruik `user passwd`"),
            format!("il y a déjà un utilisateur «\u{a0}{name}\u{a0}» ; choisissez un autre nom ou utilisez `user passwd`"),
            format!("there is already a user '{name}'; choose another name or use `user passwd`"),
        ),
        AuthError::Unknown { name } => m(
            l,
            format!("er is geen gebruiker '{name}'; `traject user list` toont wie er is"),
            format!("il n'y a pas d'utilisateur «\u{a0}{name}\u{a0}» ; `traject user list` montre qui existe"),
            format!("there is no user '{name}'; `traject user list` shows who there is"),
        ),
        AuthError::TeamMissing => m(
            l,
            "een maatschappelijk werker hoort bij een team: voeg --team TEAM toe",
            "un·e assistant·e social·e appartient à une équipe : ajoutez --team TEAM",
            "a social worker belongs to a team: add --team TEAM",
        ),
        _ => return None,
    })
}

/// Why the web server did not start or stopped.
pub fn serve_error(e: &ServeError, l: Lang) -> String {
    let text = match e {
        ServeError::Listen { addr, message } => m(
            l,
            format!("kan niet luisteren op {addr}: {message}; kies een ander adres met --listen"),
            format!("impossible d'écouter sur {addr} : {message} ; choisissez une autre adresse avec --listen"),
            format!("cannot listen on {addr}: {message}; choose another address with --listen"),
        ),
        ServeError::Stopped(why) => m(
            l,
            format!("de webserver is gestopt: {why}"),
            format!("le serveur web s'est arrêté : {why}"),
            format!("the web server stopped: {why}"),
        ),
        ServeError::App(e) => return app_error(e, l),
        ServeError::SignOnWithoutPublicUrl => m(
            l,
            "[oidc] vraagt ook public_url: het adres waarop mensen traject openen, waaronder de identiteitsprovider hen terugstuurt (/login/oidc/callback)",
            "[oidc] demande aussi public_url : l'adresse où l'on ouvre traject, sous laquelle le fournisseur d'identité renvoie (/login/oidc/callback)",
            "[oidc] needs public_url too: the address people open traject at, under which the identity provider sends them back (/login/oidc/callback)",
        ),
        ServeError::PublicUrl(url) => m(
            l,
            format!("--public-url {url}: geef het adres zoals mensen het openen, met http:// of https://, bv. https://traject.ocmw.example"),
            format!("--public-url {url} : donnez l'adresse telle qu'on l'ouvre, avec http:// ou https://, p. ex. https://traject.cpas.example"),
            format!("--public-url {url}: give the address as people open it, with http:// or https://, e.g. https://traject.ocmw.example"),
        ),
        ServeError::Tls(traject_web::tls::TlsError::Read { file, message }) => m(
            l,
            format!("--tls-cert/--tls-key {}: {message}; geef PEM-bestanden (certificaatketen en sleutel)", file.display()),
            format!("--tls-cert/--tls-key {} : {message} ; donnez des fichiers PEM (chaîne de certificats et clé)", file.display()),
            format!("--tls-cert/--tls-key {}: {message}; give PEM files (certificate chain and key)", file.display()),
        ),
        ServeError::Tls(traject_web::tls::TlsError::Refused(why)) => m(
            l,
            format!("het certificaat en de sleutel passen niet samen: {why}"),
            format!("le certificat et la clé ne vont pas ensemble : {why}"),
            format!("the certificate and key do not go together: {why}"),
        ),
    };
    traject_i18n::prose(&text, l)
}

/// Every problem of a programme or file that does not load, with its source lines.
pub fn load_error(e: &LoadError, l: Lang) -> String {
    e.diagnostics
        .iter()
        .map(|d| diagnostic(d, e.source_of(&d.file), l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A located problem of the application (a row of a file, a file that cannot be written).
pub fn row(d: &Located<RowProblem>, l: Lang) -> String {
    let wording = match &*d.problem {
        RowProblem::Input(p) => return diagnostic(&d.clone().map(|_| p.clone()), None, l),
        RowProblem::Case(e) => match case_error(e, l) {
            Some(text) => Wording {
                message: traject_i18n::prose(&text, l),
                help: None,
            },
            None => catalogue::row_problem(&d.problem, l),
        },
        other => catalogue::row_problem(other, l),
    };
    traject_i18n::diagnostics::rendered(d, &wording, None, l)
}

/// A located problem as the command line shows it: an option given with `--option`, a sheet
/// or column mapping chosen with its flag.
pub fn diagnostic(d: &Diagnostic, source: Option<&str>, l: Lang) -> String {
    let (located, w) = worded(d, l);
    traject_i18n::diagnostics::rendered(&located, &w, source, l)
}

/// A located problem as `--format json` shows it.
pub fn view(d: &Diagnostic, l: Lang) -> DiagnosticView {
    let (located, w) = worded(d, l);
    traject_i18n::diagnostics::view_of(&located, w, l)
}

/// The problem's wording on the command line, and the problem with its option choice (if any)
/// moved into that wording.
fn worded(d: &Diagnostic, l: Lang) -> (Diagnostic, Wording) {
    let mut w = catalogue::problem(&d.problem, l);
    match &*d.problem {
        Problem::Load(p)
            if p.given_choice().is_some() && !matches!(p, LoadProblem::NotServed { .. }) =>
        {
            w.message = format!("--option {}", w.message);
        }
        Problem::Table(TableProblem::SheetOfCsv) => {
            w.message = m(
                l,
                "--sheet geldt alleen voor .xlsx-werkmappen",
                "--sheet ne s'applique qu'aux classeurs .xlsx",
                "--sheet applies to .xlsx workbooks only",
            );
            w.help = Some(m(
                l,
                "laat --sheet weg voor een CSV-bestand",
                "omettez --sheet pour un fichier CSV",
                "leave out --sheet for a CSV file",
            ));
        }
        Problem::Batch(BatchProblem::UnknownColumn { mapped: false, .. }) => {
            w.help = Some(m(
                l,
                "kolommen zijn de velden van de aanmelding uit schemas/referral.schema.json; koppel de koppen van een eigen export met --columns mapping.yaml (zie examples/columns-nl.yaml)",
                "les colonnes sont les champs de l'orientation de schemas/referral.schema.json ; pour un export aux en-têtes propres, faites-les correspondre avec --columns mapping.yaml (voir examples/columns-nl.yaml)",
                "columns are the referral fields of schemas/referral.schema.json; for an export with its own headers, map them with --columns mapping.yaml (see examples/columns-nl.yaml)",
            ));
        }
        _ => {}
    }
    let under = d.under_option.as_deref().map(|(option, choice)| {
        m(
            l,
            format!("met --option {option}={choice}: "),
            format!("avec --option {option}={choice} : "),
            format!("with --option {option}={choice}: "),
        )
    });
    let located = Located {
        under_option: None,
        ..d.clone()
    };
    if let Some(prefix) = under {
        w.message = format!("{prefix}{}", w.message);
    }
    w.message = traject_i18n::prose(&w.message, l);
    w.help = w.help.map(|h| traject_i18n::prose(&h, l));
    (located, w)
}
