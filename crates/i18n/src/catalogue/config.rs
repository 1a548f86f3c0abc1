//! The service's settings: a problem in `traject.toml` or a `TRAJECT_…` variable, at its place
//! (`file:line:col:` or the variable's name), in the reader's language.

use traject_app::config::{ConfigError, ConfigProblem, Expected, Place};

use super::{m, q};
use crate::Lang;

/// Where a setting was found, as the start of a problem's line (`traject.toml:3:1:`).
pub fn place_words(p: &Place, l: Lang) -> String {
    match p {
        Place::File { file, line, col } => format!("{file}:{line}:{col}:"),
        Place::Env { name } => m(
            l,
            format!("omgevingsvariabele {name}:"),
            format!("variable d'environnement {name}\u{a0}:"),
            format!("environment variable {name}:"),
        ),
        Place::Default => m(
            l,
            "standaardwaarde:",
            "valeur par défaut\u{a0}:",
            "default:",
        ),
    }
}

/// One settings problem on one line: its place, "error:", what is wrong and what to do.
pub fn config_error(e: &ConfigError, l: Lang) -> String {
    let key = q(l, &e.key);
    let message = match &e.problem {
        ConfigProblem::Unreadable { reason } => m(
            l,
            format!("kan het instellingenbestand niet lezen: {reason}"),
            format!("impossible de lire le fichier de paramètres : {reason}"),
            format!("cannot read the settings file: {reason}"),
        ),
        ConfigProblem::Syntax { message } => m(
            l,
            format!("geen geldige TOML: {message}"),
            format!("TOML non valide : {message}"),
            format!("not valid TOML: {message}"),
        ),
        ConfigProblem::UnknownKey { nearest } => {
            let head = m(
                l,
                format!("onbekende instelling {key}"),
                format!("paramètre inconnu {key}"),
                format!("unknown setting {key}"),
            );
            if nearest.is_some() {
                with_nearest(head, nearest.as_deref(), l)
            } else {
                let known = traject_app::config::keys().collect::<Vec<_>>().join(", ");
                m(
                    l,
                    format!("{head}; de instellingen zijn: {known}"),
                    format!("{head} ; les paramètres sont : {known}"),
                    format!("{head}; the settings are: {known}"),
                )
            }
        }
        ConfigProblem::Invalid { expected } => {
            let takes = expected_words(expected, l);
            m(
                l,
                format!("{key} vraagt {takes}"),
                format!("{key} attend {takes}"),
                format!("{key} takes {takes}"),
            )
        }
        ConfigProblem::Needs { other } => m(
            l,
            format!("{key} vraagt ook {}", q(l, other)),
            format!("{key} demande aussi {}", q(l, other)),
            format!("{key} needs {} too", q(l, other)),
        ),
        ConfigProblem::Without { other } => m(
            l,
            format!(
                "{key} staat er zonder {}: geef ze allebei, of geen van beide",
                q(l, other)
            ),
            format!(
                "{key} est donné sans {} : donnez les deux, ou aucun",
                q(l, other)
            ),
            format!(
                "{key} is given without {}: give both, or neither",
                q(l, other)
            ),
        ),
    };
    let error = crate::say(l, "fout:", "erreur\u{a0}:", "error:");
    // The place is the file's name and numbers as they are: French typography is for the words.
    format!(
        "{} {error} {}",
        place_words(&e.place, l),
        crate::prose(&message, l)
    )
}

/// What a key takes, after "takes".
fn expected_words(e: &Expected, l: Lang) -> String {
    match e {
        Expected::Text => m(
            l,
            "een tekst tussen aanhalingstekens",
            "un texte entre guillemets",
            "a text in quotes",
        ),
        Expected::Path => m(
            l,
            "het pad van een bestand of map, tussen aanhalingstekens",
            "le chemin d'un fichier ou d'un dossier, entre guillemets",
            "the path of a file or folder, in quotes",
        ),
        Expected::Address => m(
            l,
            "een adres met poort, bijvoorbeeld \"127.0.0.1:8080\"",
            "une adresse avec port, par exemple \"127.0.0.1:8080\"",
            "an address with a port, for example \"127.0.0.1:8080\"",
        ),
        Expected::HttpUrl => m(
            l,
            "een adres dat begint met http:// of https://, bijvoorbeeld \"https://traject.ocmw.example\"",
            "une adresse commençant par http:// ou https://, par exemple \"https://traject.cpas.example\"",
            "an address starting with http:// or https://, for example \"https://traject.ocmw.example\"",
        ),
        Expected::IpAddresses => m(
            l,
            "een lijst van IP-adressen, bijvoorbeeld [\"127.0.0.1\"] (in de omgeving: gescheiden door komma's)",
            "une liste d'adresses IP, par exemple [\"127.0.0.1\"] (dans l'environnement : séparées par des virgules)",
            "a list of IP addresses, for example [\"127.0.0.1\"] (in the environment: separated by commas)",
        ),
        Expected::TimeZone { nearest } => {
            let zone = m(
                l,
                "een tijdzone van de IANA-databank, zoals \"Europe/Brussels\"",
                "un fuseau horaire de la base IANA, comme \"Europe/Brussels\"",
                "a time zone of the IANA database, such as \"Europe/Brussels\"",
            );
            with_nearest(zone, nearest.as_deref(), l)
        }
        Expected::OneOf(words) => {
            let words = words.join(", ");
            m(
                l,
                format!("een van: {words}"),
                format!("l'une des valeurs : {words}"),
                format!("one of: {words}"),
            )
        }
        Expected::Between { min, max } => m(
            l,
            format!("een geheel getal van {min} tot {max}"),
            format!("un nombre entier de {min} à {max}"),
            format!("a whole number from {min} to {max}"),
        ),
        Expected::Flag => m(l, "true of false", "true ou false", "true or false"),
        Expected::Texts => m(
            l,
            "een lijst van teksten, bijvoorbeeld [\"openid\", \"profile\"] (met \"openid\" erin; in de omgeving: gescheiden door komma's)",
            "une liste de textes, par exemple [\"openid\", \"profile\"] (avec \"openid\" ; dans l'environnement : séparés par des virgules)",
            "a list of texts, for example [\"openid\", \"profile\"] (with \"openid\" in it; in the environment: separated by commas)",
        ),
        Expected::ClockTime => m(
            l,
            "een uur van de dag als \"UU:MM\", bijvoorbeeld \"07:30\"",
            "une heure de la journée au format \"HH:MM\", par exemple \"07:30\"",
            "a time of day as \"HH:MM\", for example \"07:30\"",
        ),
        Expected::EmailAddress => m(
            l,
            "een e-mailadres, bijvoorbeeld \"traject@ocmw.example.be\"",
            "une adresse e-mail, par exemple \"traject@cpas.example.be\"",
            "an e-mail address, for example \"traject@ocmw.example.be\"",
        ),
        Expected::PemCertificates => m(
            l,
            "het pad van een leesbaar bestand met certificaten in PEM-vorm (\"-----BEGIN CERTIFICATE-----\")",
            "le chemin d'un fichier lisible de certificats au format PEM (\"-----BEGIN CERTIFICATE-----\")",
            "the path of a readable file of PEM certificates (\"-----BEGIN CERTIFICATE-----\")",
        ),
        Expected::Roles => m(
            l,
            "een lijst van rollen uit coordinator, social_worker, auditor, bijvoorbeeld [\"coordinator\", \"auditor\"]",
            "une liste de rôles parmi coordinator, social_worker, auditor, par exemple [\"coordinator\", \"auditor\"]",
            "a list of roles among coordinator, social_worker, auditor, for example [\"coordinator\", \"auditor\"]",
        ),
    }
}

/// A message and, when there is a close name, "did you mean" it.
fn with_nearest(head: String, nearest: Option<&str>, l: Lang) -> String {
    match nearest {
        Some(n) => m(
            l,
            format!("{head} — bedoelt u {}?", q(l, n)),
            format!("{head} — vouliez-vous dire {} ?", q(l, n)),
            format!("{head} — did you mean {}?", q(l, n)),
        ),
        None => head,
    }
}
