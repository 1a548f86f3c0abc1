//! Referrals in batches: a CSV or `.xlsx` table (see `table`) whose columns are the referral
//! fields — or local headers a column mapping names — lists separated by `;`, empty cells
//! meaning "not known". The header is checked once (unknown columns get "did you mean",
//! `referral_date` is required); each row is then read on its own, so a bad row is reported
//! with its row and column and the cell's text, and the batch goes on.

use std::io::Read;

use super::mapping::{ColumnMapping, Target};
use super::table::{Cell, CsvSource, Dialect, Source};
use super::{FieldType, Holds, Referral, ValueError, FIELDS};
use crate::diag::{suggestion_in, suggestion_suffix, Diagnostic, Pos};
use traject_i18n::vocabulary::fold;
use traject_i18n::Lang;

/// An open batch (`'m`: how long its source may borrow its input).
pub struct Batch<'m> {
    file: String,
    source: Box<dyn Source + 'm>,
    /// Per column: the field it holds, or `None` for a column the mapping ignores.
    columns: Vec<Option<(&'static str, FieldType)>>,
    mapping: Option<ColumnMapping>,
    row: usize,
}

/// One row: its number (1 = first data row), its line or sheet row, and the referral or its
/// problems.
pub struct Row {
    pub row: usize,
    pub line: u64,
    /// The dossier number as written, even when the row has problems (to name it in results).
    pub id: Option<String>,
    pub referral: Result<Referral, Vec<Diagnostic>>,
}

/// The field a header names without a mapping: the field itself, in any case, with spaces
/// or hyphens for underscores ("Referral date" → referral_date).
fn field_named(header: &str) -> Option<(&'static str, FieldType)> {
    let f = fold(header).replace(' ', "_");
    FIELDS.iter().find(|(n, _)| *n == f).copied()
}

impl<'m> Batch<'m> {
    /// A CSV batch read from `input` (dialect and encoding detected), without a mapping.
    pub fn open<R: Read + 'm>(file: &str, input: R) -> Result<Self, Vec<Diagnostic>> {
        let source = CsvSource::open(file, input).map_err(|d| vec![d])?;
        Batch::new(file, Box::new(source), None)
    }

    /// Check the header of `source` (through `mapping` when given).
    pub fn new(
        file: &str,
        source: Box<dyn Source + 'm>,
        mapping: Option<ColumnMapping>,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut columns = Vec::with_capacity(source.header().len());
        let mut errors = Vec::new();
        let at = |i: usize| Pos::new(1, i + 1);
        for (i, h) in source.header().iter().enumerate() {
            let name = h.trim().trim_start_matches('\u{feff}');
            let target = mapping
                .as_ref()
                .and_then(|m| m.column(name))
                .or_else(|| field_named(name).map(|(n, t)| Target::Field(n, t)));
            match target {
                Some(Target::Ignore) => columns.push(None),
                Some(Target::Field(n, t)) => {
                    if columns.iter().flatten().any(|(c, _)| *c == n) {
                        errors.push(
                            Diagnostic::error(file, at(i), format!("column '{name}' is field '{n}' a second time"))
                                .with_help("keep one column per field")
                                .nl(format!("kolom '{name}' is een tweede keer veld '{n}'"), "houd één kolom per veld")
                                .fr(
                                    format!("la colonne «\u{a0}{name}\u{a0}» est une seconde fois le champ «\u{a0}{n}\u{a0}»"),
                                    "gardez une colonne par champ",
                                ),
                        );
                    }
                    columns.push(Some((n, t)));
                }
                None if name.is_empty() => errors.push(
                    Diagnostic::error(file, at(i), format!("column {} has no header", i + 1))
                        .with_help("name every column, or delete the empty one")
                        .nl(format!("kolom {} heeft geen kop", i + 1), "geef elke kolom een naam, of verwijder de lege")
                        .fr(format!("la colonne {} n'a pas d'en-tête", i + 1), "nommez chaque colonne, ou supprimez la colonne vide"),
                ),
                None => errors.push(
                    Diagnostic::error(
                        file,
                        at(i),
                        format!(
                            "unknown column '{name}'{}",
                            suggestion_suffix(name, FIELDS.iter().map(|(n, _)| *n))
                        ),
                    )
                    .with_help(if mapping.is_some() {
                        "add it to the mapping's `columns:` (as a field, or `ignore`)".to_string()
                    } else {
                        "columns are the referral fields of schemas/referral.schema.json; for an export with its own headers, map them with --columns mapping.yaml (see examples/columns-nl.yaml)".to_string()
                    })
                    .nl(
                        format!(
                            "onbekende kolom '{name}'{}",
                            suggestion_in(name, FIELDS.iter().map(|(n, _)| *n), Lang::Nl)
                        ),
                        if mapping.is_some() {
                            "voeg ze toe aan `columns:` van de koppeling (als veld, of `ignore`)"
                        } else {
                            "kolommen zijn de velden van de aanmelding uit schemas/referral.schema.json; koppel de koppen van een eigen export met --columns mapping.yaml (zie examples/columns-nl.yaml)"
                        },
                    )
                    .fr(
                        format!(
                            "colonne inconnue «\u{a0}{name}\u{a0}»{}",
                            suggestion_in(name, FIELDS.iter().map(|(n, _)| *n), Lang::Fr)
                        ),
                        if mapping.is_some() {
                            "ajoutez-la aux `columns:` de la correspondance (comme champ, ou `ignore`)"
                        } else {
                            "les colonnes sont les champs de l'orientation de schemas/referral.schema.json ; pour un export aux en-têtes propres, faites-les correspondre avec --columns mapping.yaml (voir examples/columns-nl.yaml)"
                        },
                    ),
                ),
            }
        }
        if !columns.iter().flatten().any(|(n, _)| *n == "referral_date") {
            errors.push(
                Diagnostic::error(file, Pos::new(1, 1), "missing column 'referral_date'")
                    .with_help(
                        "every referral needs its date: add a referral_date column (e.g. 12/04/2023 or 2023-04-12)",
                    )
                    .nl(
                        "kolom 'referral_date' ontbreekt",
                        "elke aanmelding heeft haar datum nodig: voeg een kolom referral_date toe (bv. 12/04/2023 of 2023-04-12)",
                    )
                    .fr(
                        "la colonne «\u{a0}referral_date\u{a0}» manque",
                        "chaque orientation a besoin de sa date : ajoutez une colonne referral_date (p. ex. 12/04/2023 ou 2023-04-12)",
                    ),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Batch {
            file: file.to_string(),
            source,
            columns,
            mapping,
            row: 0,
        })
    }

    /// What the table was found to be (delimiter and encoding, or a workbook).
    pub fn dialect(&self) -> Dialect {
        self.source.dialect()
    }

    /// The next row, or `None` at the end of the table.
    pub fn next_row(&mut self) -> Option<Row> {
        let step = self.source.advance()?;
        self.row += 1;
        Some(match step {
            Err(d) => Row {
                row: self.row,
                line: d.line as u64,
                id: None,
                referral: Err(vec![d]),
            },
            Ok(line) => Row {
                row: self.row,
                line,
                id: self.id_cell(),
                referral: self.convert(),
            },
        })
    }

    fn id_cell(&self) -> Option<String> {
        let i = self
            .columns
            .iter()
            .position(|c| c.is_some_and(|(n, _)| n == "id"))?;
        match self.source.cell(i) {
            Cell::Text(t) => Some(t.trim().to_string()),
            Cell::Number(n) if n.fract() == 0.0 => Some(format!("{}", n as i64)),
            Cell::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn convert(&self) -> Result<Referral, Vec<Diagnostic>> {
        let src = &*self.source;
        let width = src.width();
        let extra = (self.columns.len()..width).any(|i| src.cell(i) != Cell::Empty);
        if extra || (src.strict_width() && width != self.columns.len()) {
            let (pos, _) = src.place(width.min(self.columns.len()));
            return Err(vec![width_mismatch(
                &self.file,
                pos,
                width,
                self.columns.len(),
            )]);
        }
        let mut errors = Vec::new();
        let mut r = Referral::default();
        for (i, column) in self.columns.iter().enumerate() {
            let Some((name, ty)) = column else { continue };
            let cell = src.cell(i);
            if cell == Cell::Empty {
                continue;
            }
            if let Err(e) = self.set(&mut r, name, *ty, &cell) {
                let (pos, place) = src.place(i);
                errors.push(cell_problem(&self.file, pos, place.as_deref(), name, &e));
            }
        }
        let place_of = |field: &str| {
            let i = self
                .columns
                .iter()
                .position(|c| c.is_some_and(|(n, _)| n == field))
                .unwrap_or(0);
            src.place(i)
        };
        if r.referral_date.is_none() && errors.is_empty() {
            let (pos, place) = place_of("referral_date");
            errors.push(empty_date(&self.file, pos, place.as_deref()));
        }
        if let (Some(b), Some(d)) = (r.birth_date, r.referral_date) {
            if b > d {
                let (pos, place) = place_of("birth_date");
                errors.push(super::born_after(
                    &self.file,
                    pos,
                    |lang| cell_name(place.as_deref(), lang),
                    b,
                    d,
                ));
            }
        }
        if errors.is_empty() {
            Ok(r)
        } else {
            Err(errors)
        }
    }

    /// One cell into its field: text through the mapping's wordings, then as any text; typed
    /// cells of a workbook (dates, numbers, yes/no) where the field takes them.
    fn set(
        &self,
        r: &mut Referral,
        name: &str,
        ty: FieldType,
        cell: &Cell,
    ) -> Result<(), ValueError> {
        match (cell, ty) {
            (Cell::Empty, _) => Ok(()),
            (Cell::Text(t), _) => {
                let t = self
                    .mapping
                    .as_ref()
                    .map_or(t.as_ref(), |m| m.value(name, t));
                r.set_text(name, ty, t)
            }
            (Cell::Date(d), FieldType::Date) => r.set_text(name, ty, &d.to_string()),
            (Cell::Date(d), _) => Err(ValueError::DateCell {
                date: d.to_string(),
                holds: what(ty),
            }),
            (Cell::Bool(b), FieldType::Bool) => r.set_text(name, ty, &b.to_string()),
            (Cell::Bool(b), _) => Err(ValueError::YesNoCell {
                value: *b,
                holds: what(ty),
            }),
            (Cell::Number(n), FieldType::Date) => Err(ValueError::NumberNotDate(n.to_string())),
            (Cell::Number(n), FieldType::Bool) if *n == 0.0 || *n == 1.0 => {
                r.set_text(name, ty, &(*n == 1.0).to_string())
            }
            (Cell::Number(n), _) => {
                // A number where text is expected (a dossier number, a level such as 1.2).
                let text = if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n}")
                };
                let text = self
                    .mapping
                    .as_ref()
                    .map_or(text.as_str(), |m| m.value(name, &text))
                    .to_string();
                r.set_text(name, ty, &text)
            }
        }
    }

    /// Whether the source gave up after an error it cannot read past.
    pub fn stopped(&self) -> bool {
        self.source.stopped()
    }
}

fn width_mismatch(file: &str, pos: Pos, width: usize, columns: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        format!("row has {width} fields but the header has {columns} columns"),
    )
    .with_help("check for a missing or extra separator, or an unclosed quote, on this line")
    .nl(
        format!("rij heeft {width} velden maar de kop heeft {columns} kolommen"),
        "kijk deze regel na op een ontbrekend of extra scheidingsteken, of een niet gesloten aanhalingsteken",
    )
    .fr(
        format!("la ligne a {width} champs mais l'en-tête a {columns} colonnes"),
        "vérifiez sur cette ligne un séparateur manquant ou en trop, ou un guillemet non fermé",
    )
}

fn cell_problem(
    file: &str,
    pos: Pos,
    place: Option<&str>,
    name: &str,
    e: &ValueError,
) -> Diagnostic {
    let at = |lang| cell_name(place, lang);
    Diagnostic::error(file, pos, format!("{}column '{name}': {e}", at(Lang::En)))
        .nl(
            format!("{}kolom '{name}': {}", at(Lang::Nl), e.in_lang(Lang::Nl)),
            "",
        )
        .fr(
            format!(
                "{}colonne «\u{a0}{name}\u{a0}» : {}",
                at(Lang::Fr),
                e.in_lang(Lang::Fr)
            ),
            "",
        )
}

fn empty_date(file: &str, pos: Pos, place: Option<&str>) -> Diagnostic {
    let at = |lang| cell_name(place, lang);
    Diagnostic::error(
        file,
        pos,
        format!("{}column 'referral_date' is empty", at(Lang::En)),
    )
    .with_help("every referral needs its date")
    .nl(
        format!("{}kolom 'referral_date' is leeg", at(Lang::Nl)),
        "elke aanmelding heeft haar datum nodig",
    )
    .fr(
        format!(
            "{}la colonne «\u{a0}referral_date\u{a0}» est vide",
            at(Lang::Fr)
        ),
        "chaque orientation a besoin de sa date",
    )
}

/// "cell C12, " for a sheet's cell, in the reader's words; nothing for CSV, whose line and
/// column locate it.
fn cell_name(place: Option<&str>, lang: Lang) -> String {
    let Some(p) = place else {
        return String::new();
    };
    let name = p.strip_prefix("cell ").unwrap_or(p);
    match lang {
        Lang::En => format!("{p}, "),
        Lang::Nl => format!("cel {name}, "),
        Lang::Fr => format!("cellule {name}, "),
    }
}

fn what(ty: FieldType) -> Holds {
    match ty {
        FieldType::Date => Holds::Dates,
        FieldType::Bool => Holds::YesNo,
        FieldType::Choice(_) => Holds::Codes,
        FieldType::Country => Holds::CountryCodes,
        FieldType::Language | FieldType::LanguageList => Holds::LanguageCodes,
        FieldType::Level => Holds::LanguageLevels,
        FieldType::OcmwName => Holds::OcmwNames,
        FieldType::Text => Holds::Text,
    }
}

/// Where a batch comes from: a file, which sheet of a workbook, which column mapping.
#[derive(Debug, Clone, Default)]
pub struct BatchInput {
    pub path: std::path::PathBuf,
    pub sheet: Option<String>,
    pub columns: Option<std::path::PathBuf>,
}

impl BatchInput {
    /// Open the file (CSV or `.xlsx`) and its mapping; problems are located diagnostics.
    pub fn open(&self) -> Result<(String, Batch<'static>), Vec<Diagnostic>> {
        let mapping = match &self.columns {
            Some(p) => Some(ColumnMapping::read(p).map_err(|e| e.diagnostics)?),
            None => None,
        };
        let (shown, source) =
            super::table::open_path(&self.path, self.sheet.as_deref()).map_err(|d| vec![d])?;
        let batch = Batch::new(&shown, source, mapping)?;
        Ok((shown, batch))
    }
}
