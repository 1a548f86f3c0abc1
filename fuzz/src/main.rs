//! An in-process mutation fuzzer for traject's input parsers (see crates/rules/src/fuzz.rs): each
//! execution takes a seed (a bundled programme, a broken file, a referral, a CSV in some
//! dialect, a workbook), applies a few random mutations — bit flips, deleted or repeated
//! chunks, splices from another seed, tokens that parsers find hard (quotes, tabs, `&a`,
//! Windows-1252 bytes, impossible dates) — and runs the target, catching panics and timing it.
//! Inputs that give a new kind of answer join the corpus. Every panic, hang (over a second)
//! or error without a location is saved under tests/fuzz_regressions/<target>/.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use traject_rules::fuzz::{Target, TARGETS};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b":", b": ", b"\n", b"\r\n", b"\t", b"\"", b"'", b";", b",", b"{", b"}", b"[", b"]", b"- ",
    b"&a ", b"*a", b"!!str ", b"? ", b"|\n", b">\n", b"#", b"---\n", b"...\n", b"\xEF\xBB\xBF",
    b"\xe9", b"\x81", b"\xff", b"\x00", b"31/02/2023", b"04/12/90", b"2023-02-30", b"12.04.2023",
    b"=HYPERLINK(\"x\")", b"+SUM(1;2)", b"null", b"~", b"true", b"ja", b"1e999", b"-0", b"9999999999999999999",
    b"based_on: ", b"option: ", b"kind: expr", b"value: ", b"id: ", b"changes:\n", b"source: \"", b"\xe2\x80\xaf",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next() as u8;
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                out.splice(i..i, t.iter().copied());
            }
            3 if len > 1 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                out.drain(a..b);
            }
            4 if len > 1 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let chunk: Vec<u8> = out[a..b].to_vec();
                let i = rng.below(len + 1);
                out.splice(i..i, chunk);
            }
            5 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = (a + 1 + rng.below(256)).min(other.len());
                    let i = rng.below(len + 1);
                    out.splice(i..i, other[a..b].iter().copied());
                }
            }
            _ if len > 2 => {
                // Truncate: files cut off in the middle.
                out.truncate(rng.below(len));
            }
            _ => out.push(rng.next() as u8),
        }
    }
    out
}

/// An xlsx seed mutated inside: one XML part of the archive mutated, the archive rebuilt.
fn mutate_xlsx(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    if rng.below(2) == 0 {
        return mutate(rng, input, corpus);
    }
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(input)) else {
        return mutate(rng, input, corpus);
    };
    let victim = rng.below(archive.len());
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let Ok(mut f) = archive.by_index(i) else { continue };
        let name = f.name().to_string();
        let mut body = Vec::new();
        if f.read_to_end(&mut body).is_err() {
            continue;
        }
        if i == victim {
            body = mutate(rng, &body, &[]);
        }
        let opts = zip::write::SimpleFileOptions::default();
        if out.start_file(name, opts).is_err() || out.write_all(&body).is_err() {
            return mutate(rng, input, corpus);
        }
    }
    out.finish().map(|c| c.into_inner()).unwrap_or_else(|_| input.to_vec())
}

fn files(dir: &Path, ends: &[&str]) -> Vec<Vec<u8>> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| ends.iter().any(|e| p.to_string_lossy().ends_with(e)))
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .collect();
    out.sort();
    out.into_iter().map(|(_, b)| b).collect()
}

fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let _ = match (cell.parse::<f64>(), *cell) {
                (Ok(n), _) => ws.write_number(r, c, n).map(|_| ()),
                (_, "TRUE") => ws.write_boolean(r, c, true).map(|_| ()),
                (_, d) if d.len() == 10 && d.as_bytes()[4] == b'-' => {
                    let y = d[..4].parse().unwrap_or(2023);
                    let m = d[5..7].parse().unwrap_or(1);
                    let dd = d[8..].parse().unwrap_or(1);
                    match rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, dd) {
                        Ok(dt) => ws.write_datetime(r, c, &dt).map(|_| ()),
                        Err(_) => ws.write_string(r, c, d).map(|_| ()),
                    }
                }
                (_, s) => ws.write_string(r, c, s).map(|_| ()),
            };
        }
    }
    book.save_to_buffer().unwrap_or_default()
}

/// The seeds of a target, from the repository (`root`).
fn seeds(target: &str, root: &Path) -> Vec<Vec<u8>> {
    let csv_rows = "id,referral_date,birth_date,nationality,residence_status,residence_ocmw,income_support,in_art60,language_level,contact_languages\nA-1,2023-01-10,1990-05-01,SY,recognised_refugee,antwerpen,leefloon,false,1.2,ar;fr\n";
    match target {
        "programme" => [
            files(&root.join("programs"), &[".yaml"]),
            files(&root.join("tests/broken"), &[".yaml"]),
            files(&root.join("tests/fixtures"), &[".yaml"]),
        ]
        .concat(),
        "referral" => files(&root.join("tests/fixtures/referrals"), &[".yaml", ".json"]),
        "csv" => vec![
            csv_rows.as_bytes().to_vec(),
            csv_rows.replace(',', ";").replace('\n', "\r\n").replace("recognised_refugee", "erkend vluchteling").into_bytes(),
            [b"\xEF\xBB\xBF".as_slice(), csv_rows.replace(',', "\t").replace("2023-01-10", "10/01/2023").as_bytes()].concat(),
            b"id;referral_date;birth_date;naam\r\n7;10/01/2023;01.05.1990;Ren\xe9e\r\n\"8;x\";12-04-2023;04/12/90;\"Zo\xeb\"\r\n".to_vec(),
        ],
        "xlsx" => vec![
            workbook(&[&["id", "referral_date", "birth_date", "nationality", "in_art60"], &["A-1", "2023-01-10", "1990-05-01", "SY", "TRUE"], &["12345", "2023-02-01", "1985-03-04", "AF", "nee"]]),
            workbook(&[&["referral_date"], &["10/01/2023"]]),
        ],
        "mapping" => files(&root.join("examples"), &[".yaml"]),
        _ => vec![],
    }
}

/// What kind of answer an input got, to keep inputs that find new ones.
fn signature(r: &Result<(), String>, panicked: bool) -> String {
    match (panicked, r) {
        (true, _) => "panic".into(),
        (false, Ok(())) => "ok".into(),
        (false, Err(e)) => e.chars().take(40).collect(),
    }
}

struct Stats {
    execs: u64,
    panics: u64,
    hangs: u64,
    unlocated: u64,
    slowest: Duration,
    elapsed: Duration,
    corpus: usize,
}

fn save(root: &Path, target: &str, kind: &str, input: &[u8]) {
    let dir = root.join("tests/fuzz_regressions").join(target);
    let _ = std::fs::create_dir_all(&dir);
    let hash: String = Sha256::digest(input).iter().take(8).map(|b| format!("{b:02x}")).collect();
    let _ = std::fs::write(dir.join(format!("{kind}-{hash}.bin")), input);
}

fn run(root: &Path, name: &str, target: Target, execs: u64, seed: u64) -> Stats {
    let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let mut corpus = seeds(name, root);
    assert!(!corpus.is_empty(), "no seeds for target {name}");
    let mut seen = std::collections::HashSet::new();
    let mut stats = Stats { execs: 0, panics: 0, hangs: 0, unlocated: 0, slowest: Duration::ZERO, elapsed: Duration::ZERO, corpus: 0 };
    let start = Instant::now();
    for i in 0..execs {
        let base = &corpus[rng.below(corpus.len())];
        let input = if name == "xlsx" { mutate_xlsx(&mut rng, base, &corpus) } else { mutate(&mut rng, base, &corpus) };
        let t = Instant::now();
        let result = std::panic::catch_unwind(|| target(&input));
        let took = t.elapsed();
        stats.execs += 1;
        stats.slowest = stats.slowest.max(took);
        let (r, panicked) = match result {
            Ok(r) => (r, false),
            Err(_) => (Ok(()), true),
        };
        if panicked {
            stats.panics += 1;
            save(root, name, "panic", &input);
        } else if let Err(e) = &r {
            stats.unlocated += 1;
            if stats.unlocated <= 20 {
                eprintln!("{name}: {e}");
            }
            save(root, name, "unlocated", &input);
        }
        if took > Duration::from_secs(1) {
            stats.hangs += 1;
            save(root, name, "hang", &input);
        }
        if corpus.len() < 4000 && seen.insert(signature(&r, panicked)) {
            corpus.push(input);
        }
        if i > 0 && i % 200_000 == 0 {
            eprintln!("{name}: {i} executions, {:.0} s", start.elapsed().as_secs_f64());
        }
    }
    stats.elapsed = start.elapsed();
    stats.corpus = corpus.len();
    stats
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let execs: u64 = arg("--execs").and_then(|x| x.parse().ok()).unwrap_or(1_000_000);
    let seed: u64 = arg("--seed").and_then(|x| x.parse().ok()).unwrap_or(1);
    let only = arg("--target");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("fuzz/ sits in the repository").to_path_buf();
    // Panics are caught and counted; their default message would flood the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let chosen: Vec<(&str, Target)> = TARGETS.iter().copied().filter(|(n, _)| only.as_deref().is_none_or(|o| o == *n)).collect();
    let handles: Vec<_> = chosen
        .into_iter()
        .map(|(name, target)| {
            let root = root.clone();
            std::thread::spawn(move || (name, run(&root, name, target, execs, seed)))
        })
        .collect();
    println!("target      executions   seconds   exec/s   panics  hangs  unlocated  slowest (ms)  corpus");
    let mut bad = 0;
    for h in handles {
        let (name, s) = h.join().expect("a target thread");
        bad += s.panics + s.hangs + s.unlocated;
        println!(
            "{name:<10} {:>11} {:>9.1} {:>8.0} {:>8} {:>6} {:>10} {:>13.1} {:>7}",
            s.execs,
            s.elapsed.as_secs_f64(),
            s.execs as f64 / s.elapsed.as_secs_f64(),
            s.panics,
            s.hangs,
            s.unlocated,
            s.slowest.as_secs_f64() * 1000.0,
            s.corpus
        );
    }
    std::process::exit(if bad == 0 { 0 } else { 1 });
}
