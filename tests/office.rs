//! Office files through the real binary: the same referrals as YAML, as a Belgian CSV (semicolon,
//! Windows-1252, CRLF, day-first dates, ja/nee, Dutch wording), as UTF-8 with a BOM, and as an
//! `.xlsx` workbook made by a spreadsheet library (date, number and yes/no cells) get exactly the
//! same verdicts; results go to CSV or `.xlsx` with formula-like cells written as text; an
//! ambiguous date, an impossible date, a bad byte and a mapped Dutch export are located.

use std::path::Path;

use assert_cmd::Command;
use calamine::Reader;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").expect("binary builds");
    // Messages in English whatever the machine's locale; tests of other languages ask.
    c.env("LC_ALL", "C");
    c.current_dir(root());
    c
}

/// One referral, as the fields traject reads and as an office would write it.
struct Person {
    id: &'static str,
    referral: (u32, u32, i32),
    birth: (u32, u32, i32),
    nationality: &'static str,
    status: (&'static str, &'static str),
    ocmw: &'static str,
    income: (&'static str, &'static str),
    art60: bool,
    civic: Option<bool>,
    motivated: bool,
    fits: Option<bool>,
}

const PEOPLE: [Person; 6] = [
    Person {
        id: "D-1",
        referral: (10, 1, 2023),
        birth: (1, 5, 1990),
        nationality: "SY",
        status: ("recognised_refugee", "erkend vluchteling"),
        ocmw: "antwerpen",
        income: ("leefloon", "leefloon"),
        art60: false,
        civic: Some(true),
        motivated: true,
        fits: Some(true),
    },
    Person {
        id: "D-2",
        referral: (3, 2, 2023),
        birth: (12, 4, 2006),
        nationality: "AF",
        status: ("subsidiary_protection", "subsidiaire bescherming"),
        ocmw: "antwerpen",
        income: ("leefloon", "leefloon"),
        art60: false,
        civic: Some(true),
        motivated: true,
        fits: Some(true),
    },
    Person {
        id: "D-3",
        referral: (15, 3, 2023),
        birth: (30, 11, 1985),
        nationality: "RO",
        status: ("other", "ander statuut"),
        ocmw: "antwerpen",
        income: ("equivalent_leefloon", "equivalent leefloon"),
        art60: false,
        civic: Some(true),
        motivated: true,
        fits: Some(true),
    },
    Person {
        id: "D-4",
        referral: (1, 6, 2023),
        birth: (2, 2, 1979),
        nationality: "ER",
        status: ("recognised_refugee", "erkend"),
        ocmw: "mortsel",
        income: ("leefloon", "leefloon"),
        art60: false,
        civic: Some(true),
        motivated: true,
        fits: Some(true),
    },
    Person {
        id: "D-5",
        referral: (20, 9, 2023),
        birth: (9, 9, 1999),
        nationality: "SO",
        status: ("recognised_refugee", "erkend vluchteling"),
        ocmw: "antwerpen",
        income: ("leefloon", "leefloon"),
        art60: false,
        civic: None,
        motivated: true,
        fits: None,
    },
    Person {
        id: "D-6",
        referral: (29, 2, 2024),
        birth: (29, 2, 1996),
        nationality: "IQ",
        status: ("family_reunification", "gezinshereniging"),
        ocmw: "antwerpen",
        income: ("leefloon", "leefloon"),
        art60: false,
        civic: Some(false),
        motivated: false,
        fits: Some(true),
    },
];

fn iso((d, m, y): (u32, u32, i32)) -> String {
    format!("{y}-{m:02}-{d:02}")
}

fn belgian((d, m, y): (u32, u32, i32)) -> String {
    format!("{d:02}/{m:02}/{y}")
}

fn ja(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nee"
    }
}

/// The verdict of each person checked one by one from a YAML file.
fn verdicts_from_yaml(dir: &Path) -> Vec<String> {
    PEOPLE
        .iter()
        .map(|p| {
            let mut yaml = format!(
                "id: {}\nreferral_date: {}\nbirth_date: {}\nnationality: {}\nresidence_status: {}\nresidence_ocmw: {}\nincome_support: {}\nin_art60: {}\nmotivated: {}\n",
                p.id, iso(p.referral), iso(p.birth), p.nationality, p.status.0, p.ocmw, p.income.0, p.art60, p.motivated
            );
            if let Some(c) = p.civic {
                yaml.push_str(&format!("civic_orientation_completed: {c}\n"));
            }
            if let Some(f) = p.fits {
                yaml.push_str(&format!("help_request_fits: {f}\n"));
            }
            let file = dir.join(format!("{}.yaml", p.id));
            std::fs::write(&file, yaml).unwrap();
            let out = traject()
                .args(["check", "--program", "antwerpen", file.to_str().unwrap(), "--format", "json"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
            let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            j["verdict"].as_str().unwrap().to_string()
        })
        .collect()
}

/// The Belgian export as text: semicolons, day-first dates, ja/nee, Dutch wording, CRLF.
fn belgian_csv() -> String {
    let mut text = String::from("id;referral_date;birth_date;nationality;residence_status;residence_ocmw;income_support;in_art60;civic_orientation_completed;motivated;help_request_fits;mother_tongue\r\n");
    for p in &PEOPLE {
        text.push_str(&format!(
            "{};{};{};{};{};{};{};{};{};{};{};{}\r\n",
            p.id,
            belgian(p.referral),
            belgian(p.birth),
            p.nationality,
            p.status.1,
            if p.ocmw == "antwerpen" {
                "Antwerpen"
            } else {
                "Mortsel"
            },
            p.income.1,
            ja(p.art60),
            p.civic.map_or("", ja),
            ja(p.motivated),
            p.fits.map_or("", ja),
            "ar",
        ));
    }
    text
}

fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// `check --batch` on `file`: the verdict column of its CSV results, by id.
fn batch_verdicts(file: &Path, extra: &[&str]) -> Vec<String> {
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            file.to_str().unwrap(),
        ])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (id, verdict) = (col("id"), col("verdict"));
    let rows: Vec<(String, String)> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[id].to_string(), rec[verdict].to_string())
        })
        .collect();
    assert_eq!(
        rows.iter().map(|(i, _)| i.as_str()).collect::<Vec<_>>(),
        PEOPLE.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    rows.into_iter().map(|(_, v)| v).collect()
}

#[test]
fn belgian_csv_utf8_with_bom_and_xlsx_give_the_verdicts_of_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let expected = verdicts_from_yaml(dir.path());
    assert!(
        ["eligible", "ineligible", "needs_assessment"]
            .iter()
            .all(|v| expected.iter().any(|e| e == v)),
        "the sample covers every verdict: {expected:?}"
    );

    // Excel's "CSV (;)" on a Belgian PC: Windows-1252, CRLF, with an accented header note.
    let text = belgian_csv();
    let cp1252 = dir.path().join("aanmeldingen.csv");
    // A remark column with Windows-1252 accents proves the decoding; it is mapped to `ignore`.
    let bytes = windows_1252(
        &text
            .replace("\r\n", ";\r\n")
            .replacen("mother_tongue;", "mother_tongue;Opmerking", 1)
            .replace(";ar;", ";ar;Renée, Zoë"),
    );
    std::fs::write(&cp1252, &bytes).unwrap();
    let mapping = dir.path().join("m.yaml");
    std::fs::write(&mapping, "columns:\n  Opmerking: ignore\n").unwrap();
    assert!(bytes.contains(&0xE9), "the file really is Windows-1252");
    assert_eq!(
        batch_verdicts(&cp1252, &["--columns", mapping.to_str().unwrap()]),
        expected
    );

    // The same as UTF-8 with a byte-order mark.
    let bom = dir.path().join("bom.csv");
    std::fs::write(&bom, [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()).unwrap();
    assert_eq!(batch_verdicts(&bom, &[]), expected);

    // A workbook: dates as date cells, yes/no as boolean cells, the id of one as a number.
    let xlsx = dir.path().join("aanmeldingen.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Aanmeldingen").unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let heads = [
        "id",
        "referral_date",
        "birth_date",
        "nationality",
        "residence_status",
        "residence_ocmw",
        "income_support",
        "in_art60",
        "civic_orientation_completed",
        "motivated",
        "help_request_fits",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, p) in PEOPLE.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, p.id).unwrap();
        for (c, (d, m, y)) in [(1u16, p.referral), (2, p.birth)] {
            let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(y as u16, m as u8, d as u8).unwrap();
            ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
        }
        ws.write_string(r, 3, p.nationality).unwrap();
        ws.write_string(r, 4, p.status.1).unwrap();
        ws.write_string(r, 5, p.ocmw).unwrap();
        ws.write_string(r, 6, p.income.1).unwrap();
        ws.write_boolean(r, 7, p.art60).unwrap();
        if let Some(c) = p.civic {
            ws.write_boolean(r, 8, c).unwrap();
        }
        ws.write_string(r, 9, ja(p.motivated)).unwrap();
        if let Some(f) = p.fits {
            ws.write_number(r, 10, if f { 1.0 } else { 0.0 }).unwrap();
        }
    }
    book.save(&xlsx).unwrap();
    assert_eq!(
        batch_verdicts(&xlsx, &["--sheet", "Aanmeldingen"]),
        expected
    );

    // A sheet that is not there is named with the sheets that are.
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            xlsx.to_str().unwrap(),
            "--sheet",
            "Aanmelding",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no sheet 'Aanmelding' (did you mean 'Aanmeldingen'?)"));
}

#[test]
fn formula_like_ids_come_back_as_text_in_csv_and_in_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "id;referral_date;birth_date;nationality;residence_ocmw\n\"=HYPERLINK(\"\"http://evil.example\"\",\"\"klik\"\")\";10/01/2023;01/05/1990;SY;antwerpen\n+SUM(1;2);10/01/2023;01/05/1990;SY;antwerpen\n-12;10/01/2023;01/05/1990;SY;antwerpen\n",
    )
    .unwrap();
    // The second row's `+SUM(1;2)` has a semicolon: it splits the row, so it must be quoted to
    // stay one id; written unquoted it is a located error on its row.
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            input.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("in.csv:3:"), "{stderr}");
    std::fs::write(
        &input,
        "id;referral_date;birth_date;nationality;residence_ocmw\n\"=HYPERLINK(\"\"http://evil.example\"\",\"\"klik\"\")\";10/01/2023;01/05/1990;SY;antwerpen\n\"+SUM(1;2)\";10/01/2023;01/05/1990;SY;antwerpen\n-12;10/01/2023;01/05/1990;SY;antwerpen\n",
    )
    .unwrap();
    let csv_out = dir.path().join("out.csv");
    let xlsx_out = dir.path().join("out.xlsx");
    for out in [&csv_out, &xlsx_out] {
        traject()
            .args([
                "check",
                "--program",
                "antwerpen",
                "--batch",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .assert()
            .code(0);
    }
    let mut r = csv::Reader::from_path(&csv_out).unwrap();
    let ids: Vec<String> = r.records().map(|x| x.unwrap()[1].to_string()).collect();
    assert_eq!(
        ids,
        [
            "'=HYPERLINK(\"http://evil.example\",\"klik\")",
            "'+SUM(1;2)",
            "-12"
        ],
        "formula-like cells are marked as text; a number stays a number"
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_out).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let cell = |r: usize| range.get((r, 1)).cloned().unwrap();
    assert_eq!(
        cell(1),
        calamine::Data::String("=HYPERLINK(\"http://evil.example\",\"klik\")".into())
    );
    assert_eq!(cell(2), calamine::Data::String("+SUM(1;2)".into()));
    assert_eq!(cell(3), calamine::Data::Float(-12.0));
    assert!(
        book.worksheet_formula("results")
            .unwrap()
            .used_cells()
            .next()
            .is_none(),
        "no formula anywhere in the workbook"
    );
}

#[test]
fn ambiguous_and_impossible_dates_and_bad_bytes_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("d.csv");
    let mut bytes = b"id;referral_date;birth_date;nationality\r\nA;10/01/2023;04/12/90;SY\r\nB;31/02/2023;01/01/1990;SY\r\nC;10/01/2023;01/01/1990;S\xe9\r\n".to_vec();
    std::fs::write(&input, &bytes).unwrap();
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            input.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("d.csv:2:3: error: column 'birth_date': '04/12/90' has a two-digit year"),
        "{err}"
    );
    assert!(
        err.contains("d.csv:3:2: error: column 'referral_date': '31/02/2023' is not a real date"),
        "{err}"
    );
    assert!(
        err.contains("d.csv:4:4: error: column 'nationality': 'Sé' is not an ISO 3166-1"),
        "Windows-1252 read as such: {err}"
    );
    // A byte that is text in neither encoding.
    bytes = b"id;referral_date\r\nA;10/01/2023\r\nB\x81;10/01/2023\r\n".to_vec();
    std::fs::write(&input, &bytes).unwrap();
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            input.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "d.csv:3:1: error: byte 0x81 in column 1 is not text in UTF-8 or Windows-1252"
        ),
        "{err}"
    );
}

#[test]
fn a_dutch_headed_export_reads_through_the_example_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    std::fs::write(
        &input,
        windows_1252("Dossiernummer;Naam;Datum aanmelding;Geboortedatum;Nationaliteit;Verblijfsstatuut;OCMW;Inkomen;Art. 60;MO gevolgd;Taalniveau NT2;Geslacht;Moedertaal;Gemotiveerd;Hulpvraag past;Adres\r\n\
         D-1;Renée;10/01/2023;01/05/1990;SY;Erkend;Antwerpen;LL;nee;ja;1,2;v;ar;ja;ja;Kerkstraat 1\r\n\
         D-2;Zoë;10/01/2023;01/05/1990;RO;Gezinshereniging;Antwerpen;Equiv. LL;nee;ja;1,1;m;ro;ja;ja;Kerkstraat 2\r\n"),
    )
    .unwrap();
    let mapping = root().join("examples/columns-nl.yaml");
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            input.to_str().unwrap(),
            "--columns",
            mapping.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1,D-1,2022,eligible,"), "{stdout}");
    assert!(stdout.contains("2,D-2,2022,ineligible,non_eu"), "{stdout}");
    assert!(
        !stdout.contains("Renée") && !stdout.contains("Kerkstraat"),
        "ignored columns are not read"
    );
    // Without the mapping the unknown headers are named, with the way out.
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            input.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("export.csv:1:1: error: unknown column 'Dossiernummer'")
            && err.contains("--columns"),
        "{err}"
    );
    // A mistake in a mapping is located in the mapping.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "columns:\n  Dossiernummer: dossier\n").unwrap();
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            input.to_str().unwrap(),
            "--columns",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.yaml:2:18: error: 'dossier' is not a referral field"),
        "{err}"
    );
}

#[test]
fn a_workbook_claiming_a_far_corner_is_refused_at_once_not_read_as_a_rectangle() {
    // Found by fuzzing: a sheet whose cell sits at XFD1048576 made the reader ask for room for
    // 17 billion cells and abort. Cells are now read one by one.
    let dir = tempfile::tempdir().unwrap();
    let far = dir.path().join("far.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "referral_date").unwrap();
    ws.write_string(1, 0, "2023-01-10").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&far).unwrap();
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            far.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("far.xlsx:1048576:16384: error: cell XFD1048576 is beyond column IV"),
        "{err}"
    );
    // A far row in a narrow table is fine: only the cells that are there are read.
    let deep = dir.path().join("deep.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "referral_date").unwrap();
    ws.write_string(1, 0, "2023-01-10").unwrap();
    ws.write_string(1_000_000, 0, "2023-01-11").unwrap();
    book.save(&deep).unwrap();
    let out = traject()
        .args([
            "check",
            "--program",
            "antwerpen",
            "--batch",
            deep.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        3,
        "a header and two rows"
    );
}
