//! Referrals: values, referral files, office tables, column mappings and batches.

use traject_model::problem::{
    BatchProblem as B, MappingProblem as M, ReferralProblem as R, TableProblem as T, Unreadable,
};
use traject_model::referral::{Holds, ValueError as V};

use super::schema::described;
use super::{m, meant, q, Wording};
use crate::{date, Lang};

fn holds(h: Holds, l: Lang) -> String {
    match h {
        Holds::Dates => m(l, "datums", "des dates", "dates"),
        Holds::YesNo => m(
            l,
            "ja/nee-antwoorden",
            "des réponses oui/non",
            "yes/no answers",
        ),
        Holds::Codes => m(l, "codes", "des codes", "codes"),
        Holds::CountryCodes => m(l, "landcodes", "des codes de pays", "country codes"),
        Holds::LanguageCodes => m(l, "taalcodes", "des codes de langue", "language codes"),
        Holds::LanguageLevels => m(l, "taalniveaus", "des niveaux de langue", "language levels"),
        Holds::OcmwNames => m(l, "OCMW-namen", "des noms de CPAS", "OCMW names"),
        Holds::Text => m(l, "tekst", "du texte", "text"),
    }
}

/// Why a value is not one its field takes, in the reader's language.
pub fn value_error(e: &V, l: Lang) -> String {
    let text = match e {
        V::NotRealDate(t) => m(l, format!("{} is geen bestaande datum", q(l, t)), format!("{} n'est pas une date réelle", q(l, t)), format!("{} is not a real date", q(l, t))),
        V::TwoDigitYear { text, year } => m(
            l,
            format!("{} heeft een jaartal met twee cijfers, dat 19{year} of 20{year} kan zijn: schrijf het jaar voluit (bv. 04/12/1990)", q(l, text)),
            format!("{} a une année à deux chiffres, qui peut être 19{year} ou 20{year} : écrivez l'année en entier (p. ex. 04/12/1990)", q(l, text)),
            format!("{} has a two-digit year, which could be 19{year} or 20{year}: write the year in full (e.g. 04/12/1990)", q(l, text)),
        ),
        V::ImpossibleDayFirst { text, day, month } => m(
            l,
            format!("{} is geen bestaande datum (dag {day} van maand {month}; datums worden dag eerst gelezen, als 12/04/2023)", q(l, text)),
            format!("{} n'est pas une date réelle (jour {day} du mois {month} ; les dates se lisent jour d'abord, comme 12/04/2023)", q(l, text)),
            format!("{} is not a real date (day {day} of month {month}; dates are read day first, as 12/04/2023)", q(l, text)),
        ),
        V::NotADate(t) => m(
            l,
            format!("{} is geen datum: schrijf ze als 12/04/2023 (dag eerst) of 2023-04-12", q(l, t)),
            format!("{} n'est pas une date : écrivez-la 12/04/2023 (jour d'abord) ou 2023-04-12", q(l, t)),
            format!("{} is not a date: write it as 12/04/2023 (day first) or 2023-04-12", q(l, t)),
        ),
        V::NotCountry(t) => m(
            l,
            format!("{} is geen ISO 3166-1-landcode (twee letters, bv. SY, AF, ER, RO)", q(l, t)),
            format!("{} n'est pas un code de pays ISO 3166-1 (deux lettres, p. ex. SY, AF, ER, RO)", q(l, t)),
            format!("{} is not an ISO 3166-1 alpha-2 country code (two letters, e.g. SY, AF, ER, RO)", q(l, t)),
        ),
        V::NotLanguage(t) => m(
            l,
            format!("{} is geen ISO 639-1-taalcode (twee kleine letters, bv. ar, ps, ti, fr)", q(l, t)),
            format!("{} n'est pas un code de langue ISO 639-1 (deux lettres minuscules, p. ex. ar, ps, ti, fr)", q(l, t)),
            format!("{} is not an ISO 639-1 language code (two lower-case letters, e.g. ar, ps, ti, fr)", q(l, t)),
        ),
        V::NotLevel(t) => m(
            l,
            format!("{} is geen taalniveau: schrijf \"1.1\", \"1.2\", … of A1, A2, B1, B2, C1, C2", q(l, t)),
            format!("{} n'est pas un niveau de langue : écrivez \"1.1\", \"1.2\", … ou A1, A2, B1, B2, C1, C2", q(l, t)),
            format!("{} is not a language level: write \"1.1\", \"1.2\", … or A1, A2, B1, B2, C1, C2", q(l, t)),
        ),
        V::NotYesNo { text, words } => m(l, format!("{} is geen ja/nee: schrijf {words}", q(l, text)), format!("{} n'est pas oui/non : écrivez {words}", q(l, text)), format!("{} is not yes/no: write {words}", q(l, text))),
        V::NotChoice { text, choices, nearest } => {
            let (list, mean) = (choices.join(", "), meant(nearest.as_deref(), l));
            m(
                l,
                format!("{} is niet een van: {list}{mean}", q(l, text)),
                format!("{} n'est pas l'une des valeurs : {list}{mean}", q(l, text)),
                format!("{} is not one of: {list}{mean}", q(l, text)),
            )
        }
        V::NotOcmw(t) => m(
            l,
            format!("{} is geen OCMW-naam: kleine letters, bv. zoals in `ocmw:` van het programma", q(l, t)),
            format!("{} n'est pas un nom de CPAS : en minuscules, p. ex. comme dans `ocmw:` du programme", q(l, t)),
            format!("{} is not an OCMW name: lower case, e.g. as in the programme's `ocmw:`", q(l, t)),
        ),
        V::DateCell { date: d, holds: h } => m(l, format!("een datum ({d}), maar deze kolom bevat {}", holds(*h, l)), format!("une date ({d}), mais cette colonne contient {}", holds(*h, l)), format!("a date ({d}), but this column holds {}", holds(*h, l))),
        V::YesNoCell { value, holds: h } => m(l, format!("een ja/nee-cel ({value}), maar deze kolom bevat {}", holds(*h, l)), format!("une cellule oui/non ({value}), mais cette colonne contient {}", holds(*h, l)), format!("a yes/no cell ({value}), but this column holds {}", holds(*h, l))),
        V::NumberNotDate(n) => m(
            l,
            format!("het getal {n} is geen datum: geef de kolom de opmaak datum, of schrijf 12/04/2023"),
            format!("le nombre {n} n'est pas une date : mettez la colonne au format date, ou écrivez 12/04/2023"),
            format!("the number {n} is not a date: format the column as a date, or write it as 12/04/2023"),
        ),
    };
    crate::prose(&text, l)
}

/// "cell C12, " for a workbook's cell, in the reader's words; nothing for CSV, whose line and
/// column locate it.
fn cell(c: &Option<String>, l: Lang) -> String {
    match c {
        None => String::new(),
        Some(name) => m(
            l,
            format!("cel {name}, "),
            format!("cellule {name}, "),
            format!("cell {name}, "),
        ),
    }
}

pub(super) fn words(p: &R, l: Lang) -> Wording {
    match p {
        R::NotAMapping => Wording::new(
            m(l, "een aanmelding bestaat uit regels `veld: waarde`", "une orientation se compose de lignes `champ: valeur`", "a referral is a mapping of `field: value` lines"),
            m(l, "bv. referral_date: 2023-01-10, birth_date: 1990-05-01, nationality: SY", "p. ex. referral_date: 2023-01-10, birth_date: 1990-05-01, nationality: SY", "e.g. referral_date: 2023-01-10, birth_date: 1990-05-01, nationality: SY"),
        ),
        R::NoReferralDate => Wording::new(
            m(l, "veld 'referral_date' ontbreekt", "le champ «\u{a0}referral_date\u{a0}» manque", "missing field 'referral_date'"),
            m(l, "voeg referral_date: JJJJ-MM-DD toe; de programmaversie en de leeftijd gelden op die datum", "ajoutez referral_date: AAAA-MM-JJ ; la version du programme et l'âge se prennent à cette date", "add referral_date: YYYY-MM-DD; the programme version and the age are taken on that date"),
        ),
        R::UnknownField { key, nearest } => {
            let mean = meant(nearest.as_deref(), l);
            Wording::new(
                m(l, format!("onbekend veld van de aanmelding '{key}'{mean}"), format!("champ d'orientation inconnu «\u{a0}{key}\u{a0}»{mean}"), format!("unknown referral field '{key}'{mean}")),
                m(l, "zie schemas/referral.schema.json voor de velden van een aanmelding", "voir schemas/referral.schema.json pour les champs d'une orientation", "see schemas/referral.schema.json for the referral fields"),
            )
        }
        R::NotYesNo { key } => Wording::bare(m(
            l,
            format!("'{key}' moet ja of nee zijn (true/false, ja/nee, oui/non)"),
            format!("«\u{a0}{key}\u{a0}» doit être oui ou non (true/false, ja/nee, oui/non)"),
            format!("'{key}' must be yes or no (true/false, ja/nee, oui/non)"),
        )),
        R::NotLanguageCodes { key } => Wording::bare(m(
            l,
            format!("'{key}' moet een lijst van taalcodes zijn"),
            format!("«\u{a0}{key}\u{a0}» doit être une liste de codes de langue"),
            format!("'{key}' must be a list of language codes"),
        )),
        R::UnquotedLevel { key, level: n } => Wording::new(
            m(l, format!("taalniveau {n} moet tussen aanhalingstekens staan"), format!("le niveau de langue {n} doit être écrit entre guillemets"), format!("language level {n} must be written in quotes")),
            m(l, format!("schrijf {key}: \"{n}\" zodat 1.10 en 1.1 verschillend blijven"), format!("écrivez {key}: \"{n}\" pour que 1.10 et 1.1 restent différents"), format!("write {key}: \"{n}\" so that 1.10 and 1.1 stay different")),
        ),
        R::WrongType { key, found } => Wording::new(
            m(
                l,
                format!("'{key}' heeft het verkeerde type: {}", described(found, l)),
                format!("«\u{a0}{key}\u{a0}» n'a pas le bon type : {}", described(found, l)),
                format!("'{key}' has the wrong type: {}", described(found, l)),
            ),
            m(l, "schrijf de waarde als tekst", "écrivez la valeur comme texte", "write the value as text"),
        ),
        R::CannotRead { reason } => Wording::new(
            m(l, format!("kan de aanmelding niet lezen: {reason}"), format!("impossible de lire l'orientation : {reason}"), format!("cannot read referral: {reason}")),
            m(l, "kijk het pad na", "vérifiez le chemin", "check the path"),
        ),
        R::Value { cell: c, field, error } => {
            let e = value_error(error, l);
            Wording::bare(match field {
                None => e,
                Some(name) => m(
                    l,
                    format!("{}kolom '{name}': {e}", cell(c, l)),
                    format!("{}colonne «\u{a0}{name}\u{a0}» : {e}", cell(c, l)),
                    format!("{}column '{name}': {e}", cell(c, l)),
                ),
            })
        }
        R::BornAfter { cell: c, birth, referral } => Wording::bare(m(
            l,
            format!("{}birth_date {} valt na referral_date {}", cell(c, l), date(*birth, l), date(*referral, l)),
            format!("{}birth_date {} est postérieure à referral_date {}", cell(c, l), date(*birth, l), date(*referral, l)),
            format!("{}birth_date {birth} is after referral_date {referral}", cell(c, l)),
        )),
        R::EmptyDate { cell: c } => Wording::new(
            m(
                l,
                format!("{}kolom 'referral_date' is leeg", cell(c, l)),
                format!("{}la colonne «\u{a0}referral_date\u{a0}» est vide", cell(c, l)),
                format!("{}column 'referral_date' is empty", cell(c, l)),
            ),
            m(l, "elke aanmelding heeft haar datum nodig", "chaque orientation a besoin de sa date", "every referral needs its date"),
        ),
    }
}

fn workbook(why: &Unreadable, l: Lang) -> String {
    match why {
        Unreadable::NotXlsx { detail } => m(l, format!("geen leesbare .xlsx-werkmap: {detail}"), format!("pas un classeur .xlsx lisible : {detail}"), format!("not a readable .xlsx workbook: {detail}")),
        Unreadable::NoSheets => m(l, "de werkmap heeft geen bladen", "le classeur n'a pas de feuilles", "the workbook has no sheets"),
        Unreadable::Sheet { sheet, detail } => m(l, format!("blad '{sheet}' kan niet gelezen worden: {detail}"), format!("la feuille «\u{a0}{sheet}\u{a0}» ne peut pas être lue : {detail}"), format!("sheet '{sheet}' cannot be read: {detail}")),
        Unreadable::TooManyCells { sheet, max } => m(
            l,
            format!("blad '{sheet}' heeft meer dan {max} cellen: splits het, of exporteer het als CSV (rij per rij gelezen)"),
            format!("la feuille «\u{a0}{sheet}\u{a0}» a plus de {max} cellules : scindez-la, ou exportez-la en CSV (lue ligne par ligne)"),
            format!("sheet '{sheet}' has more than {max} cells: split it, or export it as CSV (read row by row)"),
        ),
    }
}

pub(super) fn table_words(p: &T, l: Lang) -> Wording {
    match p {
        T::CannotRead { reason } => Wording::bare(m(l, format!("kan niet lezen: {reason}"), format!("lecture impossible : {reason}"), format!("cannot read: {reason}"))),
        T::CannotOpen { reason } => Wording::new(
            m(l, format!("kan niet lezen: {reason}"), format!("lecture impossible : {reason}"), format!("cannot read: {reason}")),
            m(l, "kijk het pad na", "vérifiez le chemin", "check the path"),
        ),
        T::EmptyCsv => Wording::new(
            m(l, "het bestand is leeg", "le fichier est vide", "the file is empty"),
            m(l, "de eerste regel noemt de kolommen, bv. id;referral_date;birth_date", "la première ligne nomme les colonnes, p. ex. id;referral_date;birth_date", "the first line names the columns, e.g. id;referral_date;birth_date"),
        ),
        T::NotUtf8Byte { byte, column } => Wording::new(
            m(
                l,
                format!("byte 0x{byte:02X} in kolom {column} is geen UTF-8-tekst, hoewel het bestand als UTF-8 begint"),
                format!("l'octet 0x{byte:02X} de la colonne {column} n'est pas du texte UTF-8, alors que le fichier commence en UTF-8"),
                format!("byte 0x{byte:02X} in column {column} is not UTF-8 text, although the file starts as UTF-8"),
            ),
            m(
                l,
                "bewaar het hele bestand in één codering: in Excel \"CSV UTF-8 (door komma's gescheiden)\"",
                "enregistrez tout le fichier dans un seul encodage : dans Excel, \"CSV UTF-8 (délimité par des virgules)\"",
                "save the whole file in one encoding: in Excel, \"CSV UTF-8 (comma delimited)\"",
            ),
        ),
        T::Not1252Byte { byte, column } => Wording::new(
            m(
                l,
                format!("byte 0x{byte:02X} in kolom {column} is geen tekst in UTF-8 of Windows-1252"),
                format!("l'octet 0x{byte:02X} de la colonne {column} n'est pas du texte en UTF-8 ni en Windows-1252"),
                format!("byte 0x{byte:02X} in column {column} is not text in UTF-8 or Windows-1252"),
            ),
            m(
                l,
                "het bestand is noch UTF-8 noch Windows-1252: bewaar het opnieuw als \"CSV UTF-8\"",
                "le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le à nouveau en \"CSV UTF-8\"",
                "the file is neither UTF-8 nor Windows-1252: save it again as \"CSV UTF-8\"",
            ),
        ),
        T::Csv { detail } => Wording::new(
            m(l, format!("CSV: {detail}"), format!("CSV : {detail}"), format!("CSV: {detail}")),
            m(l, "kijk de aanhalingstekens op deze regel na", "vérifiez les guillemets sur cette ligne", "check the quotes on this line"),
        ),
        T::Workbook(why) => Wording::new(
            workbook(why, l),
            m(
                l,
                "bewaar de werkmap als .xlsx (Excel of LibreOffice), of exporteer het blad als CSV",
                "enregistrez le classeur en .xlsx (Excel ou LibreOffice), ou exportez la feuille en CSV",
                "save the workbook as .xlsx (Excel or LibreOffice), or export the sheet as CSV",
            ),
        ),
        T::NoSuchSheet { sheet, sheets, nearest } => {
            let (mean, list) = (meant(nearest.as_deref(), l), sheets.join(", "));
            Wording::new(
                m(l, format!("de werkmap heeft geen blad '{sheet}'{mean}"), format!("le classeur n'a pas de feuille «\u{a0}{sheet}\u{a0}»{mean}"), format!("the workbook has no sheet '{sheet}'{mean}")),
                m(l, format!("bladen: {list}"), format!("feuilles : {list}"), format!("sheets: {list}")),
            )
        }
        T::EmptySheet { sheet } => Wording::new(
            m(l, format!("blad '{sheet}' is leeg"), format!("la feuille «\u{a0}{sheet}\u{a0}» est vide"), format!("sheet '{sheet}' is empty")),
            m(l, "de eerste rij noemt de kolommen, bv. id, referral_date, birth_date", "la première ligne nomme les colonnes, p. ex. id, referral_date, birth_date", "the first row names the columns, e.g. id, referral_date, birth_date"),
        ),
        T::BeyondLastColumn { cell: c, last } => Wording::new(
            m(
                l,
                format!("cel {c} ligt voorbij kolom {last}: een tabel met aanmeldingen heeft enkele tientallen kolommen"),
                format!("la cellule {c} dépasse la colonne {last} : un tableau d'orientations a quelques dizaines de colonnes"),
                format!("cell {c} is beyond column {last}: a table of referrals has a few dozen columns"),
            ),
            m(l, "verwijder wat ver rechts staat, of kopieer de tabel naar een nieuw blad", "supprimez ce qui se trouve loin à droite, ou copiez le tableau dans une nouvelle feuille", "delete what stands far to the right, or copy the table to a new sheet"),
        ),
        T::SheetOfCsv => Wording::new(
            m(l, "een blad kiezen kan alleen bij .xlsx-werkmappen", "le choix d'une feuille ne s'applique qu'aux classeurs .xlsx", "a sheet can only be chosen in .xlsx workbooks"),
            m(l, "noem geen blad voor een CSV-bestand", "ne nommez pas de feuille pour un fichier CSV", "name no sheet for a CSV file"),
        ),
    }
}

pub(super) fn mapping_words(p: &M, l: Lang) -> Wording {
    let see = || {
        m(
            l,
            "zie examples/columns-nl.yaml",
            "voir examples/columns-nl.yaml",
            "see examples/columns-nl.yaml",
        )
    };
    match p {
        M::NotAMapping => Wording::new(
            m(
                l,
                "een kolomkoppeling is een mapping met `columns:` en `values:`",
                "une correspondance de colonnes est un tableau avec `columns:` et `values:`",
                "a column mapping is a mapping with `columns:` and `values:`",
            ),
            see(),
        ),
        M::UnknownKey { key, nearest } => {
            let mean = meant(nearest.as_deref(), l);
            Wording::new(
                m(l, format!("onbekende sleutel '{key}'{mean}"), format!("clé inconnue «\u{a0}{key}\u{a0}»{mean}"), format!("unknown key '{key}'{mean}")),
                m(
                    l,
                    "een koppeling heeft `columns:` (kop: veld) en `values:` (veld: {lokaal: code})",
                    "une correspondance a `columns:` (en-tête: champ) et `values:` (champ: {local: code})",
                    "a mapping has `columns:` (header: field) and `values:` (field: {local: code})",
                ),
            )
        }
        M::ColumnsNotMap => Wording::bare(m(
            l,
            "`columns:` koppelt koppen aan velden: `Koptekst: veld`",
            "`columns:` fait correspondre des en-têtes à des champs : `Texte d'en-tête: champ`",
            "`columns:` maps headers to fields: `Header text: field`",
        )),
        M::ValuesNotMap => Wording::bare(m(
            l,
            "`values:` koppelt velden aan {lokale benaming: code}",
            "`values:` fait correspondre des champs à {libellé local: code}",
            "`values:` maps fields to {local wording: code}",
        )),
        M::ColumnNotText { header } => Wording::bare(m(
            l,
            format!("kolom '{header}': schrijf het veld dat ze bevat, of `ignore`"),
            format!(
                "colonne «\u{a0}{header}\u{a0}» : écrivez le champ qu'elle contient, ou `ignore`"
            ),
            format!("column '{header}': write the field it holds, or `ignore`"),
        )),
        M::FieldTwice { field, first } => Wording::new(
            m(
                l,
                format!("veld '{field}' is al de kolom '{first}'"),
                format!("le champ «\u{a0}{field}\u{a0}» est déjà la colonne «\u{a0}{first}\u{a0}»"),
                format!("field '{field}' is already the column '{first}'"),
            ),
            m(
                l,
                "koppel elk veld aan één kolom",
                "faites correspondre chaque champ à une seule colonne",
                "map each field from one column",
            ),
        ),
        M::NotAField {
            name,
            nearest,
            in_columns,
        } => {
            let mean = meant(nearest.as_deref(), l);
            let message = m(
                l,
                format!("'{name}' is geen veld van de aanmelding{mean}"),
                format!("«\u{a0}{name}\u{a0}» n'est pas un champ de l'orientation{mean}"),
                format!("'{name}' is not a referral field{mean}"),
            );
            if *in_columns {
                Wording::new(
                    message,
                    m(
                        l,
                        "de velden staan in schemas/referral.schema.json; `ignore` laat een kolom ongelezen",
                        "les champs figurent dans schemas/referral.schema.json ; `ignore` laisse une colonne non lue",
                        "the fields are listed in schemas/referral.schema.json; `ignore` leaves a column unread",
                    ),
                )
            } else {
                Wording::bare(message)
            }
        }
        M::WordingsNotMap { field } => Wording::bare(m(
            l,
            format!("waarden van '{field}': schrijf regels `lokale benaming: code`"),
            format!("valeurs de «\u{a0}{field}\u{a0}» : écrivez des lignes `libellé local: code`"),
            format!("values of '{field}': write `local wording: code` lines"),
        )),
        M::CodeNotText { local, found } => Wording::bare(m(
            l,
            format!(
                "'{local}': de code moet tekst zijn, geen {}",
                described(found, l)
            ),
            format!(
                "«\u{a0}{local}\u{a0}» : le code doit être du texte, pas {}",
                described(found, l)
            ),
            format!(
                "'{local}': the code must be text, not {}",
                described(found, l)
            ),
        )),
        M::BadCode { local, error } => {
            let e = value_error(error, l);
            Wording::bare(m(
                l,
                format!("'{local}' → {e}"),
                format!("«\u{a0}{local}\u{a0}» → {e}"),
                format!("'{local}' → {e}"),
            ))
        }
    }
}

pub(super) fn batch_words(p: &B, l: Lang) -> Wording {
    match p {
        B::ColumnTwice { column, field } => Wording::new(
            m(l, format!("kolom '{column}' is een tweede keer veld '{field}'"), format!("la colonne «\u{a0}{column}\u{a0}» est une seconde fois le champ «\u{a0}{field}\u{a0}»"), format!("column '{column}' is field '{field}' a second time")),
            m(l, "houd één kolom per veld", "gardez une colonne par champ", "keep one column per field"),
        ),
        B::NoHeader { column } => Wording::new(
            m(l, format!("kolom {column} heeft geen kop"), format!("la colonne {column} n'a pas d'en-tête"), format!("column {column} has no header")),
            m(l, "geef elke kolom een naam, of verwijder de lege", "nommez chaque colonne, ou supprimez la colonne vide", "name every column, or delete the empty one"),
        ),
        B::UnknownColumn { column, nearest, mapped } => {
            let mean = meant(nearest.as_deref(), l);
            Wording::new(
                m(l, format!("onbekende kolom '{column}'{mean}"), format!("colonne inconnue «\u{a0}{column}\u{a0}»{mean}"), format!("unknown column '{column}'{mean}")),
                if *mapped {
                    m(l, "voeg ze toe aan `columns:` van de koppeling (als veld, of `ignore`)", "ajoutez-la aux `columns:` de la correspondance (comme champ, ou `ignore`)", "add it to the mapping's `columns:` (as a field, or `ignore`)")
                } else {
                    m(
                        l,
                        "kolommen zijn de velden van de aanmelding uit schemas/referral.schema.json; koppel de koppen van een eigen export met een kolomkoppeling (zie examples/columns-nl.yaml)",
                        "les colonnes sont les champs de l'orientation de schemas/referral.schema.json ; pour un export aux en-têtes propres, faites-les correspondre avec une correspondance de colonnes (voir examples/columns-nl.yaml)",
                        "columns are the referral fields of schemas/referral.schema.json; for an export with its own headers, map them with a column mapping (see examples/columns-nl.yaml)",
                    )
                },
            )
        }
        B::NoDateColumn => Wording::new(
            m(l, "kolom 'referral_date' ontbreekt", "la colonne «\u{a0}referral_date\u{a0}» manque", "missing column 'referral_date'"),
            m(
                l,
                "elke aanmelding heeft haar datum nodig: voeg een kolom referral_date toe (bv. 12/04/2023 of 2023-04-12)",
                "chaque orientation a besoin de sa date : ajoutez une colonne referral_date (p. ex. 12/04/2023 ou 2023-04-12)",
                "every referral needs its date: add a referral_date column (e.g. 12/04/2023 or 2023-04-12)",
            ),
        ),
        B::WidthMismatch { width, columns } => Wording::new(
            m(l, format!("rij heeft {width} velden maar de kop heeft {columns} kolommen"), format!("la ligne a {width} champs mais l'en-tête a {columns} colonnes"), format!("row has {width} fields but the header has {columns} columns")),
            m(
                l,
                "kijk deze regel na op een ontbrekend of extra scheidingsteken, of een niet gesloten aanhalingsteken",
                "vérifiez sur cette ligne un séparateur manquant ou en trop, ou un guillemet non fermé",
                "check for a missing or extra separator, or an unclosed quote, on this line",
            ),
        ),
    }
}
