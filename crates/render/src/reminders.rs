//! A reminder digest as the e-mail a worker reads: a subject that says how much is due, and a
//! plain-text body listing overdue evaluations, windows open or opening soon and tomorrow's
//! group sessions — case numbers and labels in the worker's language, days first, no names.

use traject_app::reminders::Digest;
use traject_i18n::{date, say};

/// The most moments one list of a digest names (a coordinator of a large office is told how
/// many more there are).
const LINES_PER_LIST: usize = 50;

/// (subject, body) of `d`.
pub fn message(d: &Digest) -> (String, String) {
    let l = d.lang;
    let subject = subject(d);
    let mut body = format!("{} {},\n", say(l, "Dag", "Bonjour", "Hello"), d.user);
    let window = say(l, "venster", "fenêtre", "window");
    let moment_lines = |entries: &[traject_app::calendar::Entry]| -> String {
        let more = entries.len().saturating_sub(LINES_PER_LIST);
        let mut lines: String = entries
            .iter()
            .take(LINES_PER_LIST)
            .map(|e| {
                format!(
                    "  - {} {} — {} ({window} {} – {})\n",
                    say(l, "Dossier", "Dossier", "Case"),
                    e.case,
                    e.label.first_of(&[l, e.fallback]),
                    date(e.from, l),
                    date(e.to, l)
                )
            })
            .collect();
        if more > 0 {
            let rest = match l {
                traject_i18n::Lang::Nl => {
                    format!("  … en nog {more}: zie de werklijst in traject\n")
                }
                traject_i18n::Lang::Fr => {
                    format!("  … et encore {more} : voir le tableau de bord dans traject\n")
                }
                traject_i18n::Lang::En => {
                    format!("  … and {more} more: see the board in traject\n")
                }
            };
            lines.push_str(&rest);
        }
        lines
    };
    if !d.overdue.is_empty() {
        body.push_str(&format!(
            "\n{}\n{}",
            say(
                l,
                "Te laat (het evaluatievenster is voorbij):",
                "En retard (la fenêtre d'évaluation est passée) :",
                "Overdue (the evaluation window has passed):"
            ),
            moment_lines(&d.overdue)
        ));
    }
    if !d.opening.is_empty() {
        let head = match l {
            traject_i18n::Lang::Nl => format!(
                "Evaluatievensters die open zijn of binnen {} dagen openen:",
                d.days
            ),
            traject_i18n::Lang::Fr => format!(
                "Fenêtres d'évaluation ouvertes ou qui s'ouvrent dans les {} jours :",
                d.days
            ),
            traject_i18n::Lang::En => {
                format!("Evaluation windows open or opening within {} days:", d.days)
            }
        };
        body.push_str(&format!("\n{head}\n{}", moment_lines(&d.opening)));
    }
    body.push_str(&sessions(d));
    body.push_str(&format!(
        "\n{}\n",
        say(
            l,
            "Open traject voor de dossiers. Deze e-mail noemt geen namen, enkel dossiernummers.\nGeen herinneringen meer? Maak je e-mailadres leeg op je accountpagina.",
            "Ouvrez traject pour les dossiers. Cet e-mail ne cite aucun nom, seulement des numéros de dossier.\nPlus de rappels ? Videz votre adresse e-mail sur votre page de compte.",
            "Open traject for the cases. This e-mail names no one, only case numbers.\nNo more reminders? Empty your e-mail address on your account page."
        )
    ));
    (
        traject_i18n::typography(&subject, l),
        traject_i18n::typography(&body, l),
    )
}

/// "traject — due on 01/06/2024: 3 evaluations, 1 group sessions tomorrow".
fn subject(d: &Digest) -> String {
    let l = d.lang;
    let day = date(d.on, l);
    let moments = d.overdue.len() + d.opening.len();
    let subject = match l {
        traject_i18n::Lang::Nl => format!(
            "traject — te doen op {day}: {moments} evaluaties, {} groepssessies morgen",
            d.tomorrow.len()
        ),
        traject_i18n::Lang::Fr => format!(
            "traject — à faire le {day} : {moments} évaluations, {} séances de groupe demain",
            d.tomorrow.len()
        ),
        traject_i18n::Lang::En => format!(
            "traject — due on {day}: {moments} evaluations, {} group sessions tomorrow",
            d.tomorrow.len()
        ),
    };
    subject
}

/// Tomorrow's group sessions, each at its time with its module and group.
fn sessions(d: &Digest) -> String {
    let l = d.lang;
    let mut body = String::new();
    if !d.tomorrow.is_empty() {
        body.push_str(&format!(
            "\n{}\n",
            say(
                l,
                "Groepssessies morgen:",
                "Séances de groupe demain :",
                "Group sessions tomorrow:"
            )
        ));
        for s in &d.tomorrow {
            let at = s
                .at_minute
                .map(|m| format!("{} ", traject_app::sessions::clock_time(m)))
                .unwrap_or_default();
            body.push_str(&format!(
                "  - {at}{} · {}\n",
                s.module.first_of(&[l, s.fallback]),
                s.group
            ));
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use traject_app::calendar::Entry;
    use traject_model::text::{Label, Lang};

    #[test]
    fn a_long_list_names_fifty_and_counts_the_rest() {
        let day: chrono::NaiveDate = "2024-06-01".parse().unwrap();
        let entry = |case| Entry {
            case,
            program: "p".into(),
            evaluation: "e".into(),
            label: Label::single(Lang::Nl, "Tussentijdse evaluatie"),
            programme: Label::single(Lang::Nl, "P"),
            fallback: Lang::Nl,
            from: day,
            to: day,
            overdue: true,
        };
        let d = Digest {
            user: "an".into(),
            email: "an@ocmw.example.be".into(),
            lang: Lang::Nl,
            on: day,
            days: 7,
            overdue: (1..=70).map(entry).collect(),
            opening: Vec::new(),
            tomorrow: Vec::new(),
        };
        let (subject, body) = message(&d);
        assert!(subject.contains("70 evaluaties"), "{subject}");
        assert_eq!(body.matches("  - Dossier ").count(), 50);
        assert!(
            body.contains("… en nog 20: zie de werklijst in traject"),
            "{body}"
        );
    }
}
