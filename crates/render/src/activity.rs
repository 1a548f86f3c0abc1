//! The activity report as people read it (figures by their names, programme exits by their
//! labels), as CSV and as an HTML table.

use traject_report::activity::{ActivityReport, Figure, Unit};

use super::funding::Labels;
use super::table::Table;

/// A figure's name for a reader: the fixed figures by their wording, "exit: art60" and the
/// like by the programme's label of the exit or reason.
fn figure_name(figure: &str, l: &Labels) -> String {
    let (head, code) = match figure.split_once(": ") {
        Some((h, c)) => (h, Some(c)),
        None => (figure, None),
    };
    let head = match head {
        "referred" => l.say("doorverwezen", "orientés", "referred"),
        "eligible on referral" => l.say(
            "toelaatbaar bij doorverwijzing",
            "admissibles à l'orientation",
            "eligible on referral",
        ),
        "needs assessment on referral" => l.say(
            "beoordeling nodig bij doorverwijzing",
            "à évaluer à l'orientation",
            "needs assessment on referral",
        ),
        "ineligible on referral" => l.say(
            "niet toelaatbaar bij doorverwijzing",
            "non admissibles à l'orientation",
            "ineligible on referral",
        ),
        "started" => l.say("gestart", "commencés", "started"),
        "waiting now" => l.say("nu wachtend", "en attente maintenant", "waiting now"),
        "active now" => l.say("nu actief", "actifs maintenant", "active now"),
        "extended" => l.say("verlengd", "prolongés", "extended"),
        "finished (closed)" => l.say(
            "afgerond (afgesloten)",
            "terminés (clôturés)",
            "finished (closed)",
        ),
        "finished" => l.say("afgerond", "terminés", "finished"),
        "exit" => l.say("uitstroom", "sortie", "exit"),
        "dropped" => l.say("uitgevallen", "abandons", "dropped"),
        "not started" => l.say("niet gestart", "non commencés", "not started"),
        "evaluations held" => l.say(
            "evaluaties gehouden",
            "évaluations tenues",
            "evaluations held",
        ),
        "evaluations due so far" => l.say(
            "evaluaties tot nu toe te doen",
            "évaluations prévues jusqu'ici",
            "evaluations due so far",
        ),
        other => match weeks_head(other, l) {
            Some(head) => head,
            None => return other.to_string(),
        },
    };
    match code {
        Some("group_sessions") => format!(
            "{head}: {}",
            l.say("groepssessies", "séances de groupe", "group sessions")
        ),
        Some(c) => format!("{head}: {}", l.code(c)),
        None => head.to_string(),
    }
}

/// The names of the figures of what filled the weeks (sessions, attendance, guidance).
fn weeks_head(head: &str, l: &Labels) -> Option<&'static str> {
    Some(match head {
        "sessions held" => l.say(
            "groepssessies gehouden",
            "séances de groupe tenues",
            "group sessions held",
        ),
        "sessions planned so far" => l.say(
            "groepssessies tot nu toe gepland",
            "séances de groupe prévues jusqu'ici",
            "group sessions planned so far",
        ),
        "attendance" => l.say("aanwezigheid", "présence", "attendance"),
        "attendance marks" => l.say(
            "aanduidingen van aanwezigheid",
            "présences indiquées",
            "attendance marks",
        ),
        "guidance hours" => l.say(
            "uren begeleiding",
            "heures d'accompagnement",
            "hours of guidance",
        ),
        "participants guided" => l.say(
            "begeleide deelnemers",
            "participants accompagnés",
            "participants guided",
        ),
        "participants" => l.say("deelnemers", "participants", "participants"),
        "participants by kind" => l.say(
            "deelnemers per soort ondersteuning",
            "participants par type de soutien",
            "participants by kind of support",
        ),
        "participants in a module" => l.say(
            "deelnemers aan een module",
            "participants à un module",
            "participants in a module",
        ),
        _ => return None,
    })
}

/// A figure's share as a reader writes it: "12,5%", or hours each ("3,5 u per deelnemer").
fn share_text(f: &Figure, l: &Labels) -> String {
    let lang = l.lang;
    match f.unit {
        Unit::Share => format!(
            "{}%",
            traject_i18n::number((f.share * 1000.0).round() / 10.0, lang)
        ),
        Unit::HoursEach => format!(
            "{} {}",
            traject_i18n::number(f.share, lang),
            l.say("u per deelnemer", "h par participant", "h each")
        ),
    }
}

/// The count as a reader reads it: minutes are said to be minutes.
fn count_text(f: &Figure, l: &Labels) -> String {
    match f.unit {
        Unit::Share => f.count.to_string(),
        Unit::HoursEach => format!("{} {}", f.count, l.say("min.", "min", "min")),
    }
}

pub fn text(r: &ActivityReport, l: &Labels) -> String {
    let lang = l.lang;
    let mut out = format!(
        "{} — {} {} {} {}, {} {}\n",
        l.name,
        l.say(
            "cohorte doorverwezen van",
            "cohorte orientée du",
            "cohort referred"
        ),
        traject_i18n::date(r.cohort_from, lang),
        l.say("tot", "au", "to"),
        traject_i18n::date(r.cohort_to, lang),
        l.say("toestand op", "état au", "states on"),
        traject_i18n::date(r.as_of, lang)
    );
    for f in &r.figures {
        if f.figure == "sessions held" {
            out.push_str(&format!(
                "{} {} {} {}:\n",
                l.say(
                    "Groepssessies, aanwezigheid en begeleiding van alle dossiers van het programma van",
                    "Séances de groupe, présences et accompagnement de tous les dossiers du programme du",
                    "Group sessions, attendance and guidance of all the programme's cases from"
                ),
                traject_i18n::date(r.cohort_from, lang),
                l.say("tot", "au", "to"),
                traject_i18n::date(r.cohort_to.min(r.as_of), lang)
            ));
        }
        out.push_str(&format!(
            "  {:<44} {:>9} {} {:>6} {:<30} {:>7}\n",
            figure_name(&f.figure, l),
            count_text(f, l),
            l.say("van", "sur", "of"),
            f.denominator,
            figure_name(&f.of, l),
            share_text(f, l)
        ));
    }
    traject_i18n::typography(&out, lang)
}

/// The report's figures as a table (the CSV and workbook columns).
pub fn table(r: &ActivityReport) -> Table {
    let mut t = Table::new(&[
        "program",
        "cohort_from",
        "cohort_to",
        "as_of",
        "figure",
        "count",
        "denominator",
        "of",
        "share",
        "unit",
    ]);
    for f in &r.figures {
        let unit = match f.unit {
            Unit::Share => "share",
            Unit::HoursEach => "hours_each",
        };
        t.push(vec![
            r.program.clone(),
            r.cohort_from.to_string(),
            r.cohort_to.to_string(),
            r.as_of.to_string(),
            f.figure.clone(),
            f.count.to_string(),
            f.denominator.to_string(),
            f.of.clone(),
            f.share.to_string(),
            unit.to_string(),
        ]);
    }
    t
}

/// The figures as a reader's table: names and numbers in the reader's language (the period
/// is said above the table, day first).
pub fn reader_table(r: &ActivityReport, l: &Labels) -> Table {
    let mut t = Table::new(&[
        l.say("cijfer", "chiffre", "figure"),
        l.say("aantal", "nombre", "count"),
        l.say("van", "sur", "of"),
        l.say("noemer", "dénominateur", "denominator"),
        l.say("aandeel of uren", "part ou heures", "share or hours"),
    ]);
    for f in &r.figures {
        t.push(vec![
            figure_name(&f.figure, l),
            count_text(f, l),
            f.denominator.to_string(),
            figure_name(&f.of, l),
            share_text(f, l),
        ]);
    }
    t
}

pub fn csv(r: &ActivityReport) -> String {
    table(r).csv()
}

pub fn html(r: &ActivityReport, l: &Labels) -> String {
    let lang = l.lang;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let rows: String = r
        .figures
        .iter()
        .map(|f| {
            format!(
                "<tr><td style=\"text-align:left\">{}</td><td>{}</td><td>{}</td><td style=\"text-align:left\">{}</td><td>{}</td></tr>\n",
                esc(&figure_name(&f.figure, l)),
                esc(&count_text(f, l)),
                f.denominator,
                esc(&figure_name(&f.of, l)),
                esc(&share_text(f, l))
            )
        })
        .collect();
    let heads = [
        l.say("cijfer", "chiffre", "figure"),
        l.say("aantal", "nombre", "count"),
        l.say("van", "sur", "of"),
        l.say("noemer", "dénominateur", "denominator"),
        l.say("aandeel", "part", "share"),
    ];
    let ths: String = heads
        .iter()
        .map(|h| format!("<th>{}</th>", esc(h)))
        .collect();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>traject — {what} {p}</title><style>body{{font-family:sans-serif;max-width:760px;margin:2em auto}}td,th{{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}}</style></head><body>\n<h1>{p} — {what}</h1><p>{cohort} {a} {to} {b}; {states} {c}.</p>\n<table><tr>{ths}</tr>\n{rows}</table></body></html>\n",
        code = lang.code(),
        what = esc(l.say("activiteitenverslag", "rapport d'activité", "activity")),
        p = esc(&l.name),
        cohort = esc(l.say("Cohorte doorverwezen van", "Cohorte orientée du", "Cohort referred")),
        to = l.say("tot", "au", "to"),
        states = esc(l.say("toestand op", "état au", "states on")),
        a = traject_i18n::date(r.cohort_from, lang),
        b = traject_i18n::date(r.cohort_to, lang),
        c = traject_i18n::date(r.as_of, lang)
    );
    traject_i18n::typography(&page, lang)
}
