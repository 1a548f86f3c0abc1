//! Programmes edited through traject: a coordinator saves a programme text (`traject program
//! save`) once it loads without a problem under every option choice — a version that changes
//! another says so in its `changes:` entries, as the loader requires — and the store keeps it,
//! whole, with its hash, author and time, in an append-only history per organisation, audited.
//! The latest saved text is the programme from then on (the server's catalogue serves it); the
//! history lists every save with what it changed; `export` gives a text back, or one version
//! of it cut out as a programme of its own.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::HistoryError;
use super::{AppError, Ctx, Need};
use traject_rollout::diff::Diff;
use traject_store::users::ProgrammeText;
use traject_store::Store;

/// A text just saved.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub program: String,
    pub seq: i64,
    pub hash: String,
    pub versions: Vec<String>,
}

/// One save in a programme's history, with what it changed against the save before it (per
/// version present in both, by the semantic diff) and the versions it added.
#[derive(Debug, Serialize)]
pub struct Entry {
    #[serde(flatten)]
    pub saved: ProgrammeText,
    pub versions: Vec<String>,
    pub added_versions: Vec<String>,
    pub changes: Vec<Diff>,
}

fn hash_of(text: &str) -> String {
    super::users::hex(&Sha256::digest(text.as_bytes()))
}

/// Save a programme text named `file`: checked first (every problem at its place, nothing
/// saved), refused when it is the text saved last. Coordinators only.
pub fn save(store: &mut Store, file: &str, text: &str, ctx: &Ctx) -> Result<Saved, AppError> {
    ctx.require(Need::EditProgrammes)?;
    let compiled = super::programmes::checked_bytes(file, text.as_bytes())?;
    let program = compiled.program.spec.id.clone();
    let hash = hash_of(text);
    if let Some(last) = store.programme_texts(&program, ctx.org.as_deref())?.pop() {
        if last.hash == hash {
            return Err(HistoryError::Unchanged {
                program,
                seq: last.seq,
            }
            .into());
        }
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let row = ProgrammeText {
        seq: 0,
        org: ctx.org.clone(),
        program: program.clone(),
        file: file.to_string(),
        text: text.to_string(),
        hash: hash.clone(),
        author: ctx.actor.clone(),
        saved_at: now,
    };
    let audit = ctx.audit(
        &format!("save programme text {}", &hash[..12]),
        format!("programme:{program}"),
    );
    let seq = store.save_programme_text(&row, &audit)?;
    Ok(Saved {
        program,
        seq,
        hash,
        versions: compiled
            .program
            .spec
            .versions
            .iter()
            .map(|v| v.id.clone())
            .collect(),
    })
}

/// A saved text, loaded (it loaded when it was saved; a later traject may read it otherwise).
fn load_saved(
    t: &ProgrammeText,
) -> Result<traject_model::program::Program, traject_model::diag::LoadError> {
    traject_model::program::load_bytes(
        &t.file,
        t.text.as_bytes(),
        &traject_model::program::LoadOptions::default(),
    )
}

/// The saves of a programme, oldest first, each with what it changed. Everyone may read it
/// (a programme holds no personal data).
pub fn history(store: &Store, program: &str, ctx: &Ctx) -> Result<Vec<Entry>, AppError> {
    ctx.require(Need::Figures)?;
    let texts = store.programme_texts(program, ctx.org.as_deref())?;
    if texts.is_empty() {
        return Err(HistoryError::NothingSaved {
            program: program.to_string(),
        }
        .into());
    }
    let mut out: Vec<Entry> = Vec::new();
    let mut previous: Option<traject_model::program::Program> = None;
    for t in texts {
        let loaded = load_saved(&t).ok();
        let versions: Vec<String> = loaded
            .as_ref()
            .map(|p| p.spec.versions.iter().map(|v| v.id.clone()).collect())
            .unwrap_or_default();
        let (mut added_versions, mut changes) = (Vec::new(), Vec::new());
        if let (Some(before), Some(now)) = (&previous, &loaded) {
            for v in &now.spec.versions {
                match before.version(&v.id) {
                    Some(old) => {
                        let d = traject_rollout::diff::diff(before, old, now, v);
                        if !d.changes.is_empty() {
                            changes.push(d);
                        }
                    }
                    None => added_versions.push(v.id.clone()),
                }
            }
        }
        out.push(Entry {
            saved: t,
            versions,
            added_versions,
            changes,
        });
        previous = loaded;
    }
    Ok(out)
}

/// A saved text (the latest, or save number `seq`), or — given a version — that version cut
/// out of it as a programme of its own.
pub fn export(
    store: &Store,
    program: &str,
    version: Option<&str>,
    seq: Option<i64>,
    ctx: &Ctx,
) -> Result<String, AppError> {
    ctx.require(Need::Figures)?;
    let texts = store.programme_texts(program, ctx.org.as_deref())?;
    let chosen = match seq {
        Some(n) => texts
            .into_iter()
            .find(|t| t.seq == n)
            .ok_or(HistoryError::NoEntry {
                program: program.to_string(),
                seq: n,
            })?,
        None => texts.into_iter().last().ok_or(HistoryError::NothingSaved {
            program: program.to_string(),
        })?,
    };
    let Some(id) = version else {
        return Ok(chosen.text);
    };
    let loaded = load_saved(&chosen)?;
    let v = loaded.pick_version(Some(id))?;
    Ok(traject_rollout::one_version::cut(
        &loaded,
        &chosen.text,
        v,
        &v.id,
        v.valid_from,
    ))
}
