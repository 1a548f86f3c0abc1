//! Cutting one version out of a model programme's text: the version's own keys, the sections
//! it takes from earlier versions (copied from where they are written, with their comments),
//! the options it still uses, the file's other top-level keys — and the model's tests for
//! that version, re-dated to the roll-out. Works on lines at the positions the loader
//! recorded, so nothing is re-emitted and every comment and `source:` stays as written.

use chrono::{Datelike, Months, NaiveDate};

use traject_model::program::load::INHERITED_SECTIONS;
use traject_model::program::model::Version;
use traject_model::program::Program;
use traject_model::yaml::SpanIndex;

/// 1-based inclusive line ranges for entries starting at `starts` (sorted), the last one
/// ending at `end`. Comment lines right above an entry belong to it.
pub(crate) fn spans(lines: &[&str], starts: &[usize], end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(starts.len());
    let mut floor = 0;
    let mut adjusted: Vec<usize> = Vec::with_capacity(starts.len());
    for &s in starts {
        let mut first = s;
        while first > floor + 1 && first >= 2 && lines[first - 2].trim_start().starts_with('#') {
            first -= 1;
        }
        adjusted.push(first);
        floor = s;
    }
    for (i, &first) in adjusted.iter().enumerate() {
        let last = adjusted.get(i + 1).map_or(end, |next| next - 1);
        out.push((first, last));
    }
    out
}

pub(crate) fn text_of(lines: &[&str], (a, b): (usize, usize)) -> String {
    let mut out = String::new();
    for l in &lines[a - 1..b.min(lines.len())] {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Where each entry directly under `ptr` is written: (name, span).
pub(crate) fn entries(
    index: &SpanIndex,
    lines: &[&str],
    ptr: &str,
    end: usize,
) -> Vec<(String, (usize, usize))> {
    let children = index.children(ptr);
    let starts: Vec<usize> = children.iter().map(|(_, l)| *l).collect();
    children
        .into_iter()
        .map(|(k, _)| k)
        .zip(spans(lines, &starts, end))
        .collect()
}

/// The position of a version in the model's list.
pub(crate) fn version_index(model: &Program, id: &str) -> Option<usize> {
    model.spec.versions.iter().position(|v| v.id == id)
}

/// The model's text as lines, with the spans of its top-level keys and of its versions.
pub(crate) struct Layout<'t> {
    pub(crate) lines: Vec<&'t str>,
    pub(crate) top: Vec<(String, (usize, usize))>,
    pub(crate) items: Vec<(String, (usize, usize))>,
    pub(crate) versions_end: usize,
}

impl<'t> Layout<'t> {
    /// The layout of `text`, the text `model` was loaded from; `None` without `versions:`.
    pub(crate) fn of(model: &Program, text: &'t str) -> Option<Layout<'t>> {
        let lines: Vec<&str> = text.lines().collect();
        let top = entries(&model.index, &lines, "", lines.len());
        let vpos = top.iter().position(|(k, _)| k == "versions")?;
        let versions_end = top[vpos].1 .1;
        let items = entries(&model.index, &lines, "/versions", versions_end);
        Some(Layout {
            lines,
            top,
            items,
            versions_end,
        })
    }

    pub(crate) fn item_span(&self, i: usize) -> Option<(usize, usize)> {
        self.items
            .iter()
            .find(|(k, _)| *k == i.to_string())
            .map(|(_, s)| *s)
    }

    /// The keys version `i` writes, with their spans.
    fn own_keys(&self, model: &Program, i: usize) -> Vec<(String, (usize, usize))> {
        let end = self.item_span(i).map_or(self.versions_end, |s| s.1);
        entries(&model.index, &self.lines, &format!("/versions/{i}"), end)
    }

    fn text(&self, span: (usize, usize)) -> String {
        text_of(&self.lines, span)
    }
}

/// The version's block: its banner, the new id and date, its own keys, then every section it
/// takes from the versions it is based on, copied from where they are written.
pub(crate) fn version_body(
    model: &Program,
    l: &Layout,
    vi: usize,
    version: &Version,
    new_id: &str,
    valid_from: NaiveDate,
) -> String {
    let mut body = String::new();
    let keys = l.own_keys(model, vi);
    let first_key = model
        .index
        .children(&format!("/versions/{vi}"))
        .first()
        .map(|c| c.1);
    if let (Some(item), Some(key_line)) = (l.item_span(vi), first_key) {
        if item.0 < key_line {
            body.push_str(&l.text((item.0, key_line - 1)));
        }
    }
    body.push_str(&format!("  - id: \"{new_id}\"\n"));
    if !keys.iter().any(|(k, _)| k == "label") {
        body.push_str(&format!("    valid_from: {valid_from}\n"));
    }
    let skip = ["id", "valid_from", "valid_to", "based_on", "changes"];
    for (k, span) in keys.iter().filter(|(k, _)| !skip.contains(&k.as_str())) {
        body.push_str(&unlist(&l.text(*span)));
        if k == "label" {
            body.push_str(&format!("    valid_from: {valid_from}\n"));
        }
    }
    for section in INHERITED_SECTIONS {
        if keys.iter().any(|(k, _)| k == section) {
            continue;
        }
        let mut base = version.based_on.clone();
        while let Some(b) = base {
            let Some(bi) = version_index(model, &b) else {
                break;
            };
            if let Some((_, span)) = l
                .own_keys(model, bi)
                .into_iter()
                .find(|(k, _)| k == section)
            {
                body.push_str(&unlist(&l.text(span)));
                break;
            }
            base = model.spec.versions[bi].based_on.clone();
        }
    }
    body
}

/// The text of the model (as `edited`) reduced to `version`, renamed `new_id` and in force
/// from `valid_from` with an open end.
pub fn cut(
    model: &Program,
    edited: &str,
    version: &Version,
    new_id: &str,
    valid_from: NaiveDate,
) -> String {
    let (Some(l), Some(vi)) = (Layout::of(model, edited), version_index(model, &version.id)) else {
        return edited.to_string();
    };
    let body = version_body(model, &l, vi, version, new_id, valid_from);
    // The file's opening lines (editor hint, header comments) above its first key.
    let mut out = match l.top.first() {
        Some((_, (a, _))) if *a > 1 => l.text((1, a - 1)),
        _ => String::new(),
    };
    let key_line = |name: &str, fallback: usize| {
        model
            .index
            .children("")
            .iter()
            .find(|(c, _)| c == name)
            .map_or(fallback, |c| c.1)
    };
    for (k, span) in &l.top {
        match k.as_str() {
            "versions" => {
                out.push_str(&l.text((span.0, key_line("versions", span.0))));
                out.push_str(&body);
            }
            "options" => {
                // Options the version or the file's other keys (e.g. level equivalences) use.
                let mut users = body.clone();
                for (other, other_span) in l
                    .top
                    .iter()
                    .filter(|(o, _)| o != "options" && o != "versions")
                {
                    let _ = other;
                    users.push_str(&l.text(*other_span));
                }
                out.push_str(&used_options(model, &l.lines, *span, &users));
            }
            _ => out.push_str(&l.text(*span)),
        }
    }
    out
}

/// A section copied from a list item's first key would start with `- `: make it a plain key.
fn unlist(text: &str) -> String {
    match text.find("  - ") {
        Some(0) => format!("    {}", &text[4..]),
        _ => text.to_string(),
    }
}

/// The `options:` block with only the options the copied version still refers to (an option
/// none of its entries is marked with would mean nothing in the new programme).
fn used_options(
    model: &Program,
    lines: &[&str],
    span: (usize, usize),
    version_text: &str,
) -> String {
    let items = entries(&model.index, lines, "/options", span.1);
    let used: Vec<&(String, (usize, usize))> = items
        .iter()
        .filter(|(i, _)| {
            let id = i
                .parse::<usize>()
                .ok()
                .and_then(|i| model.spec.options.get(i))
                .map(|o| o.id.as_str());
            id.is_some_and(|id| version_text.contains(&format!("{id}=")))
        })
        .collect();
    if used.is_empty() {
        return String::new();
    }
    let key_line = model
        .index
        .children("")
        .iter()
        .find(|(c, _)| c == "options")
        .map_or(span.0, |c| c.1);
    let mut out = text_of(lines, (span.0, key_line));
    for (_, s) in used {
        out.push_str(&text_of(lines, *s));
    }
    out
}

/// Whole months from `from` to `to`, rounded up, so dates of the model's period move into
/// the roll-out's.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let months = if to.day() > from.day() {
        months + 1
    } else {
        months
    };
    months.max(0) as u32
}

/// Every `YYYY-MM-DD` in `text` moved `months` months later (the end of a shorter month is
/// clamped, as calendars do).
fn shift_dates(text: &str, months: u32) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let candidate = b.len() >= i + 10
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit())
            && b[i + 4] == b'-'
            && b[i + 7] == b'-'
            && b[i..i + 10]
                .iter()
                .enumerate()
                .all(|(k, c)| k == 4 || k == 7 || c.is_ascii_digit());
        if candidate {
            if let Some(d) = NaiveDate::parse_from_str(&text[i..i + 10], "%Y-%m-%d")
                .ok()
                .and_then(|d| d.checked_add_months(Months::new(months)))
            {
                out.push_str(&d.to_string());
                i += 10;
                continue;
            }
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn in_period(v: &Version, date: Option<&str>) -> bool {
    date.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .is_some_and(|d| v.in_force_on(d))
}

/// The model's tests that judge `version` (referrals and trajectories dated in its period),
/// moved `shift` months later and naming the new version id.
pub fn tests_for(text: &str, version: &Version, new_id: &str, shift: u32) -> String {
    let Ok(doc) = traject_model::yaml::parse("tests", text) else {
        return text.to_string();
    };
    let lines: Vec<&str> = text.lines().collect();
    let top = entries(&doc.index, &lines, "", lines.len());
    let mut out = top.first().map_or_else(String::new, |(_, (a, _))| {
        if *a > 1 {
            text_of(&lines, (1, a - 1))
        } else {
            String::new()
        }
    });
    for (k, span) in &top {
        let key_line = doc
            .index
            .children("")
            .iter()
            .find(|(c, _)| c == k)
            .map_or(span.0, |c| c.1);
        let picked: Vec<String> = match k.as_str() {
            "tests" | "trajectories" => entries(&doc.index, &lines, &format!("/{k}"), span.1)
                .into_iter()
                .filter(|(i, _)| {
                    let item = &doc.value[k.as_str()][i.parse::<usize>().unwrap_or(usize::MAX)];
                    let date = if k == "tests" {
                        item["referral"]["referral_date"].as_str()
                    } else {
                        item["steps"][0]["on"].as_str()
                    };
                    in_period(version, date)
                })
                .map(|(_, s)| text_of(&lines, s))
                .collect(),
            _ => {
                out.push_str(&text_of(&lines, *span));
                continue;
            }
        };
        if picked.is_empty() {
            if k == "tests" {
                out.push_str("tests: []\n");
            }
            continue;
        }
        out.push_str(&text_of(&lines, (span.0, key_line)));
        for p in picked {
            let moved = shift_dates(&p, shift).replace(
                &format!("version: \"{}\"", version.id),
                &format!("version: \"{new_id}\""),
            );
            out.push_str(&moved);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_by_whole_months_and_other_numbers_stay() {
        assert_eq!(
            shift_dates("on: 2022-01-31, src 002:289, 12345-01-01", 36),
            "on: 2025-01-31, src 002:289, 12345-01-01"
        );
        assert_eq!(shift_dates("2023-01-31", 1), "2023-02-28");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(months_between(d("2022-01-01"), d("2025-01-01")), 36);
        assert_eq!(months_between(d("2022-01-01"), d("2025-01-15")), 37);
    }
}
