//! A coordinator reads what is wrong with a programme file in their own language: every file of
//! the broken corpus, validated with `--lang nl` or `--lang fr` (or under a Dutch or French
//! locale), gets its located problem and its hint worded in that language, with the same
//! place as in English; French has its typography and keeps `code` copyable.

use std::path::Path;

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with no locale of its own, so that only what a test sets decides.
fn traject() -> Command {
    let mut c = Command::cargo_bin("traject").expect("binary builds");
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .current_dir(root());
    c
}

struct Said {
    /// `file:line:col`
    place: String,
    message: String,
    help: Option<String>,
}

/// The first diagnostic of `validate FILE`, split at the frame words of `lang`.
fn first_problem(file: &str, lang: &str, envs: &[(&str, &str)]) -> Said {
    let mut cmd = traject();
    cmd.arg("validate").arg(file);
    if !lang.is_empty() {
        cmd.args(["--lang", lang]);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{file} --lang {lang}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let (error, help) = match lang {
        "nl" => (": fout: ", "= tip: "),
        "fr" => (": erreur\u{a0}: ", "= aide\u{a0}: "),
        _ => (": error: ", "= help: "),
    };
    let headline = stderr
        .lines()
        .find(|l| l.contains(error))
        .unwrap_or_else(|| panic!("{file} ({lang}): no '{error}' line in\n{stderr}"));
    let (place, message) = headline.split_once(error).unwrap();
    // The help of the first diagnostic: the first help line before the next headline.
    let after: Vec<&str> = stderr
        .lines()
        .skip_while(|l| *l != headline)
        .skip(1)
        .collect();
    let help = after
        .iter()
        .take_while(|l| !l.contains(error))
        .find_map(|l| l.trim_start().strip_prefix(help))
        .map(str::to_string);
    Said {
        place: place.to_string(),
        message: message.to_string(),
        help,
    }
}

fn broken_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/broken"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| format!("tests/broken/{n}"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_broken_file_is_explained_in_dutch_and_in_french_at_the_same_place() {
    let files = broken_files();
    assert!(files.len() >= 40, "the corpus shrank: {}", files.len());
    for file in &files {
        let en = first_problem(file, "en", &[]);
        for lang in ["nl", "fr"] {
            let local = first_problem(file, lang, &[]);
            assert_eq!(local.place, en.place, "{file} ({lang}): another place");
            assert_ne!(
                local.message, en.message,
                "{file} ({lang}): the message is still English"
            );
            match (&en.help, &local.help) {
                (Some(e), Some(l)) => {
                    assert_ne!(l, e, "{file} ({lang}): the help is still English")
                }
                (None, None) => {}
                (e, l) => panic!("{file} ({lang}): help {e:?} in English but {l:?}"),
            }
        }
    }
}

#[test]
fn french_puts_a_non_breaking_space_before_high_punctuation_outside_code() {
    for file in broken_files() {
        let fr = first_problem(&file, "fr", &[]);
        let text = format!("{} {}", fr.message, fr.help.unwrap_or_default());
        for (i, part) in text.split('`').enumerate() {
            if i % 2 == 1 {
                continue; // code, as it is written in the file
            }
            for bad in [" :", " ;", " ?", " !"] {
                assert!(
                    !part.contains(bad),
                    "{file}: ordinary space before '{}' in «{part}»",
                    &bad[1..]
                );
            }
            assert!(!part.contains("' "), "{file}: English quotes in «{part}»");
        }
    }
    // Code keeps its own spacing, so it can be copied back into the file.
    let missing = first_problem("tests/broken/22_missing_required.yaml", "fr", &[]);
    assert!(
        missing
            .help
            .as_deref()
            .unwrap_or_default()
            .starts_with("ajoutez `waiting_list:` ici."),
        "{:?}",
        missing.help
    );
}

#[test]
fn the_locale_decides_when_no_lang_is_given_and_lang_overrides_it() {
    let file = "tests/broken/01_misspelt_top_key.yaml";
    let fr = first_problem(file, "fr", &[("LANG", "fr_BE.UTF-8")]);
    assert!(fr.message.contains("clé inconnue"), "{}", fr.message);
    let out = traject()
        .args(["validate", file])
        .env("LANG", "nl_BE.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            ": fout: onbekende sleutel 'society_langauge' (bedoelde je 'society_language'?)"
        ),
        "{stderr}"
    );
    // LC_ALL wins over LANG, as in every other program.
    let out = traject()
        .args(["validate", file])
        .env("LANG", "nl_BE.UTF-8")
        .env("LC_ALL", "fr_BE.UTF-8")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(": erreur\u{a0}: "));
    // --lang wins over the locale.
    let en = first_problem(file, "en", &[("LANG", "fr_BE.UTF-8")]);
    assert!(en.message.starts_with("unknown key"), "{}", en.message);
    // Without a Dutch or French locale: English.
    let out = traject().args(["validate", file]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(": error: unknown key"));
}

#[test]
fn json_diagnostics_and_the_summary_line_follow_the_language() {
    let file = "tests/broken/08_duplicate_module_id.yaml";
    let out = traject()
        .args(["validate", file, "--format", "json", "--lang", "nl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v["files"][0]["diagnostics"][0];
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("komt twee keer voor"),
        "{first}"
    );
    assert_eq!(first["line"], 21);
    let out = traject()
        .args(["validate", file, "--lang", "fr"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 fichier(s) vérifié(s), 0 valide(s), 1 invalide(s)"),
        "{stdout}"
    );
}

#[test]
fn a_referral_for_an_unknown_programme_is_refused_in_the_readers_language() {
    let out = traject()
        .args(["check", "--program", "antwerpn", "x.yaml", "--lang", "fr"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("aucun fichier de ce nom, ni programme fourni «\u{a0}antwerpn\u{a0}» (vouliez-vous dire «\u{a0}antwerpen\u{a0}»\u{a0}?)"),
        "{stderr}"
    );
}

#[test]
fn a_batch_of_referrals_is_refused_row_by_row_in_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("aanmeldingen.csv");
    std::fs::write(
        &csv,
        "id;referral_date;birth_date;gender;in_art60\nA1;12/04/2023;31/02/1990;v;ja\nA2;12/04/2023;04/12/90;vrouw;misschien\n",
    )
    .unwrap();
    let run = |lang: &str| {
        let out = traject()
            .args(["check", "--program", "antwerpen", "--batch"])
            .arg(&csv)
            .args(["--lang", lang])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{lang}");
        String::from_utf8(out.stderr).unwrap()
    };
    let nl = run("nl");
    assert!(nl.contains(":2:3: fout: kolom 'birth_date': '31/02/1990' is geen bestaande datum (dag 31 van maand 2;"), "{nl}");
    assert!(nl.contains(":3:3: fout: kolom 'birth_date': '04/12/90' heeft een jaartal met twee cijfers, dat 1990 of 2090 kan zijn"), "{nl}");
    assert!(
        nl.contains(":3:5: fout: kolom 'in_art60': 'misschien' is geen ja/nee"),
        "{nl}"
    );
    assert!(
        nl.contains("2 rijen: 0 toelaatbaar, 0 niet toelaatbaar, 0 te beoordelen, 2 met fouten"),
        "{nl}"
    );
    let fr = run("fr");
    assert!(
        fr.contains(":2:3: erreur\u{a0}: colonne «\u{a0}birth_date\u{a0}»\u{a0}: «\u{a0}31/02/1990\u{a0}» n'est pas une date réelle"),
        "{fr}"
    );
    assert!(fr.contains("2 lignes\u{a0}: 0 admissibles"), "{fr}");
    // The same rows in English, for the record: the places do not move.
    let en = run("en");
    assert!(
        en.contains(":2:3: error: column 'birth_date': '31/02/1990' is not a real date"),
        "{en}"
    );
}

#[test]
fn a_referral_file_with_an_unknown_field_is_refused_in_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aanmelding.yaml");
    std::fs::write(&file, "referral_date: 2023-04-12\nnationaliteit: SY\n").unwrap();
    let out = traject()
        .args(["check", "--program", "antwerpen"])
        .arg(&file)
        .env("LANG", "nl_BE.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(":2:1: fout: onbekend veld van de aanmelding 'nationaliteit' (bedoelde je 'nationality'?)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= tip: zie schemas/referral.schema.json"),
        "{stderr}"
    );
}

#[test]
fn a_refused_case_action_reads_in_the_locales_language_with_its_commands_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    let d = db.to_str().unwrap();
    let referral = dir.path().join("r.yaml");
    std::fs::write(
        &referral,
        "referral_date: 2023-03-01\nbirth_date: 1990-05-01\nnationality: SY\nresidence_ocmw: antwerpen\nincome_support: leefloon\nin_art60: false\ncivic_orientation_completed: true\nmotivated: true\nhelp_request_fits: true\n",
    )
    .unwrap();
    let run = |locale: &str, args: &[&str]| {
        let out = traject()
            .env("LC_ALL", locale)
            .args(args)
            .args(["--db", d])
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    let r = referral.to_str().unwrap();
    let new = [
        "case",
        "new",
        "--program",
        "antwerpen",
        r,
        "--as-of",
        "2023-03-05",
    ];
    assert_eq!(run("C", &new).0, Some(0));
    let start = [
        "case",
        "start",
        "1",
        "--track",
        "long",
        "--as-of",
        "2023-03-06",
    ];
    assert_eq!(run("C", &start).0, Some(0));

    // Starting again is refused: in English, Dutch and French, with the same commands.
    let (code, en) = run("C", &start);
    assert_eq!(code, Some(1));
    assert!(
        en.starts_with("error: case 1 is active: `start` is not possible. Allowed now: "),
        "{en}"
    );
    let (code, nl) = run("nl_BE.UTF-8", &start);
    assert_eq!(code, Some(1));
    assert!(
        nl.starts_with("fout: dossier 1 is actief: `start` kan niet. Nu mogelijk: "),
        "{nl}"
    );
    let (_, fr) = run("fr_BE.UTF-8", &start);
    assert!(
        fr.starts_with("erreur\u{a0}: le dossier 1 est actif\u{a0}: `start` n'est pas possible. Possible maintenant\u{a0}: "),
        "{fr}"
    );
    // The allowed actions are the commands to type, in every language.
    let allowed = |s: &str| s.rsplit(": ").next().unwrap().trim().to_string();
    assert_eq!(allowed(&nl), allowed(&en));

    // A day before the case's latest event: dates day-first in Dutch and French.
    let early = ["case", "pause", "1", "--as-of", "2023-03-04"];
    let (_, nl) = run("nl_BE.UTF-8", &early);
    assert!(
        nl.contains("06/03/2023") && nl.contains("04/03/2023"),
        "{nl}"
    );
    assert!(nl.contains("controleer --as-of"), "{nl}");

    // An import with a dossier number twice is refused row by row in the reader's words.
    let csv = dir.path().join("twice.csv");
    std::fs::write(&csv, "id;referral_date\nD-1;01/03/2023\nD-1;02/03/2023\n").unwrap();
    let import = [
        "case",
        "import",
        "--program",
        "antwerpen",
        csv.to_str().unwrap(),
    ];
    let (code, nl) = run("nl_BE.UTF-8", &import);
    assert_eq!(code, Some(1));
    assert!(
        nl.contains(
            "twice.csv:3:1: fout: referentie D-1 staat twee keer in dit bestand (eerst op regel 2)"
        ),
        "{nl}"
    );

    // `--lang` decides over the locale, for what was done and for what was refused.
    let with_lang = |args: &[&str]| {
        let out = traject()
            .env("LC_ALL", "C")
            .args(args)
            .args(["--db", d])
            .output()
            .unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (out.status.code(), text(out.stdout), text(out.stderr))
    };
    let (_, id, said) = with_lang(&[&new[..], &["--lang", "nl"]].concat());
    let id = id.trim();
    assert_eq!(said, format!("dossier {id} aangemaakt (toelaatbaar)\n"));
    let start2 = [
        "case",
        "start",
        id,
        "--track",
        "long",
        "--as-of",
        "2023-03-06",
        "--lang",
        "fr",
    ];
    let (code, said, _) = with_lang(&start2);
    assert_eq!((code, said), (Some(0), format!("dossier {id} démarré\n")));
    let (code, _, refused) = with_lang(&start2);
    assert_eq!(code, Some(1));
    assert!(
        refused.starts_with(&format!("erreur\u{a0}: le dossier {id} est actif\u{a0}:")),
        "{refused}"
    );

    // A case that does not exist.
    let (code, fr) = run("fr_BE.UTF-8", &["case", "show", "99"]);
    assert_eq!(code, Some(1));
    assert_eq!(fr.trim_end(), "erreur\u{a0}: il n'y a pas de dossier 99");
}

#[test]
fn every_schema_description_has_its_dutch_and_french() {
    // The descriptions are the hints of schema problems and an editor's help: a coordinator
    // who reads Dutch or French gets them in that language, none left in English only.
    fn walk(node: &serde_json::Value, path: &str, missing: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(en) = map.get("description").and_then(|d| d.as_str()) {
                    for lang in ["nl", "fr"] {
                        match map
                            .get(&format!("x-description-{lang}"))
                            .and_then(|d| d.as_str())
                        {
                            Some(t) if !t.is_empty() && t != en => {}
                            _ => missing.push(format!("{path} ({lang})")),
                        }
                    }
                }
                for (k, v) in map {
                    walk(v, &format!("{path}/{k}"), missing);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
    let mut described = 0;
    for file in [
        "schemas/program.schema.json",
        "schemas/referral.schema.json",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        described += text.matches("\"description\":").count();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut missing = Vec::new();
        walk(&schema, "", &mut missing);
        assert!(
            missing.is_empty(),
            "{file}: untranslated descriptions:\n{}",
            missing.join("\n")
        );
    }
    assert!(
        described > 100,
        "the walk sees the schemas' descriptions ({described})"
    );
}
