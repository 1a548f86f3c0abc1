//! Programme facts in a reader's words: durations ("3 maanden", "2 heures", "half a day") and
//! schedules ("1 fois par semaine, séances de 3 heures") with the plural forms of each language,
//! and programme terms by their labels, and when a group session is. Shared by `traject show`,
//! `traject diff`, reports and the group-session pages and commands.

use traject_i18n::vocabulary::{count, term, unit};
use traject_i18n::{LabelIn, Lang};
use traject_model::program::duration::{Duration, Unit};
use traject_model::program::model::Schedule;

fn unit_code(u: Unit) -> &'static str {
    match u {
        Unit::Hour => "hour",
        Unit::Day => "day",
        Unit::Week => "week",
        Unit::Month => "month",
        Unit::Year => "year",
    }
}

/// "3 months" → "3 maanden" / "3 mois"; "half day" → "halve dag"; "open" → "open (geen vaste duur)".
pub fn duration(d: Duration, lang: Lang) -> String {
    match d {
        Duration::Open => tr(
            lang,
            "open (geen vaste duur)",
            "ouvert (sans durée fixe)",
            "open (no fixed length)",
        )
        .into(),
        Duration::Fixed {
            amount: 0.5,
            unit: Unit::Day,
        } => tr(lang, "halve dag", "demi-journée", "half a day").into(),
        Duration::Fixed { amount, unit } => count(amount, unit_code(unit), lang),
    }
}

/// A duration as a file writes it, in words; a text that is no duration stays as written.
pub fn duration_text(text: &str, lang: Lang) -> String {
    Duration::parse(text).map_or_else(|_| text.to_string(), |d| duration(d, lang))
}

use traject_i18n::say as tr;

/// "per week" / "par semaine" / "a week" for a schedule's `per`.
fn per(p: &str, lang: Lang) -> String {
    let word = unit(p, false, lang);
    match lang {
        Lang::Nl => format!("per {word}"),
        Lang::Fr => format!("par {word}"),
        Lang::En => format!("a {word}"),
    }
}

/// "1 keer" / "1 fois" / "once", "twice", "3 times".
fn times(n: f64, lang: Lang) -> String {
    match lang {
        Lang::En if n == 1.0 => "once".into(),
        Lang::En if n == 2.0 => "twice".into(),
        _ => count(n, "time", lang),
    }
}

/// "om de 3 weken" / "toutes les 3 semaines" / "every 3 weeks".
pub fn every(text: Duration, lang: Lang) -> String {
    let d = duration(text, lang);
    match (lang, Ok::<_, ()>(text)) {
        (Lang::Nl | Lang::En, Ok(Duration::Fixed { amount: 1.0, unit })) => {
            let u = traject_i18n::vocabulary::unit(unit_code(unit), false, lang);
            // Dutch: "elke week", but "elk jaar" (het jaar).
            let each = match (lang, unit) {
                (Lang::Nl, Unit::Year) => "elk",
                (Lang::Nl, _) => "elke",
                _ => "every",
            };
            format!("{each} {u}")
        }
        (Lang::Nl, _) => format!("om de {d}"),
        (Lang::Fr, Ok(Duration::Fixed { amount, unit })) => {
            let feminine = matches!(unit, Unit::Week | Unit::Hour);
            let all = match (feminine, amount == 1.0) {
                (true, true) => "chaque",
                (false, true) => "chaque",
                (true, false) => "toutes les",
                (false, false) => "tous les",
            };
            if amount == 1.0 {
                format!(
                    "{all} {}",
                    traject_i18n::vocabulary::unit(unit_code(unit), false, lang)
                )
            } else {
                format!("{all} {d}")
            }
        }
        (Lang::Fr, _) => format!("tous les {d}"),
        (Lang::En, _) => format!("every {d}"),
    }
}

/// A schedule in words, e.g. "1 keer per week, sessies van 1 uur, woensdag en vrijdag om beurten".
pub fn schedule(s: &Schedule, lang: Lang, fallback: Lang) -> String {
    let mut parts = rhythm(s, lang);
    parts.extend(calendar(s, lang));
    if let Some(n) = &s.note {
        parts.push(format!("({})", n.get(lang, fallback)));
    }
    parts.join(", ")
}

/// How often and how long: times per unit, every so often, session length, counts, hours.
fn rhythm(s: &Schedule, lang: Lang) -> Vec<String> {
    let mut parts = Vec::new();
    if let (Some(t), Some(p)) = (&s.times, &s.per) {
        let n = t
            .as_f64()
            .or_else(|| t.as_str().and_then(|x| x.parse().ok()));
        let t = match n {
            Some(n) => times(n, lang),
            // A range such as "1-2" stays as written, with the unit's plural.
            None => format!(
                "{} {}",
                t.as_str().unwrap_or_default(),
                unit("time", true, lang)
            ),
        };
        parts.push(format!("{t} {}", per(p, lang)));
    }
    if let Some(e) = s.every {
        parts.push(every(e, lang));
    }
    if let Some(sess) = s.session {
        parts.push(session(sess, lang));
    }
    if let Some(n) = s.count {
        parts.push(count(f64::from(n), "session", lang));
    }
    if let Some(h) = s.min_hours_per_week {
        parts.push(format!(
            "≥ {} {}",
            count(h, "hour", lang),
            per("week", lang)
        ));
    }
    if let Some(d) = s.days_per_week {
        parts.push(format!("{} {}", count(d, "day", lang), per("week", lang)));
    }
    if let Some(m) = s.max_per_week {
        let at_most = tr(lang, "hoogstens", "au plus", "at most");
        parts.push(format!(
            "{at_most} {} {}",
            times(m, lang),
            per("week", lang)
        ));
    }
    parts
}

/// "sessies van 3 uur" / "séances d'une heure" / "sessions of half a day".
fn session(sess: Duration, lang: Lang) -> String {
    let d = duration(sess, lang);
    let written = sess.to_string();
    match lang {
        Lang::Nl if written == "half day" => "sessies van een halve dag".to_string(),
        Lang::Nl => format!("sessies van {d}"),
        Lang::Fr => match written.as_str() {
            "1 hour" => "séances d'une heure".to_string(),
            "1 day" => "séances d'une journée".to_string(),
            "half day" => "séances d'une demi-journée".to_string(),
            _ => format!("séances de {d}"),
        },
        Lang::En => format!("sessions of {d}"),
    }
}

/// When: weekdays, the period of the year, an intensive start.
fn calendar(s: &Schedule, lang: Lang) -> Vec<String> {
    let mut parts = Vec::new();
    if !s.weekdays.is_empty() {
        let days: Vec<String> = s
            .weekdays
            .iter()
            .map(|d| term("weekday", d, lang).map_or_else(|| d.clone(), str::to_string))
            .collect();
        let and = tr(lang, " en ", " et ", " and ");
        let joined = match days.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{}{and}{last}", rest.join(", ")),
            _ => days.join(""),
        };
        parts.push(if s.alternating {
            format!(
                "{joined} {}",
                tr(lang, "om beurten", "en alternance", "alternately")
            )
        } else {
            joined
        });
    }
    if let Some(p) = &s.period {
        parts.push(term("period", p, lang).map_or_else(|| p.replace('_', " "), str::to_string));
    }
    if let Some(i) = &s.intensive_start {
        let d = duration(*i, lang);
        parts.push(match lang {
            Lang::Nl => format!("intensieve start van {d}"),
            Lang::Fr => format!("démarrage intensif de {d}"),
            Lang::En => format!("intensive start of {d}"),
        });
    }
    parts
}

/// A programme term by its label (`module_kind`, `anchor`, `waiting_list`, …), the code when
/// the vocabulary lacks it.
pub fn term_or_code(list: &str, code: &str, lang: Lang) -> String {
    term(list, code, lang).map_or_else(|| code.replace('_', " "), str::to_string)
}

/// When a group session is: its day, day first, and its time when it has one
/// ("12/11/2026 09:30").
pub fn session_when(
    on: chrono::NaiveDate,
    at_minute: Option<u32>,
    lang: traject_i18n::Lang,
) -> String {
    let day = traject_i18n::date(on, lang);
    match at_minute {
        Some(m) => format!("{day} {}", traject_app::sessions::clock_time(m)),
        None => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sched(json: serde_json::Value) -> Schedule {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn schedules_read_naturally_in_three_languages() {
        let s = sched(
            serde_json::json!({"times": 1, "per": "week", "session": "3 hours", "weekdays": ["wed", "fri"], "alternating": true}),
        );
        assert_eq!(
            schedule(&s, Lang::Fr, Lang::Nl),
            "1 fois par semaine, séances de 3 heures, mercredi et vendredi en alternance"
        );
        assert_eq!(
            schedule(&s, Lang::Nl, Lang::Nl),
            "1 keer per week, sessies van 3 uur, woensdag en vrijdag om beurten"
        );
        assert_eq!(
            schedule(&s, Lang::En, Lang::Nl),
            "once a week, sessions of 3 hours, Wednesday and Friday alternately"
        );
        let s = sched(serde_json::json!({"every": "3 weeks", "max_per_week": 1}));
        assert_eq!(
            schedule(&s, Lang::Fr, Lang::Fr),
            "toutes les 3 semaines, au plus 1 fois par semaine"
        );
        assert_eq!(
            schedule(&s, Lang::Nl, Lang::Fr),
            "om de 3 weken, hoogstens 1 keer per week"
        );
        let s = sched(serde_json::json!({"times": 1, "per": "week", "session": "1 hour"}));
        assert_eq!(
            schedule(&s, Lang::Fr, Lang::Fr),
            "1 fois par semaine, séances d'une heure"
        );
        assert_eq!(duration_text("6 months", Lang::Nl), "6 maanden");
        assert_eq!(duration_text("1 year", Lang::Fr), "1 an");
        assert_eq!(duration_text("half day", Lang::Fr), "demi-journée");
    }
}
