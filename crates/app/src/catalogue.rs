//! Where programmes come from, behind one trait (`Programs`) the use cases ask through:
//! `FilePrograms` reads a file or a bundled id when asked (the command line, which also finds
//! a stored case's programme in `programs/`), and `Catalogue` holds the programmes a
//! long-running front end (the web server) serves — every `*.yaml` in a folder, or the
//! bundled programmes, compiled once. `refresh` re-reads a file whose modification time
//! changed; a broken save never replaces the last good programme — it is kept, and the problem
//! (located, as `validate` prints it) is shown beside it until the file is fixed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use traject_model::program::{self, bundled, LoadError, LoadOptions, Program};
use traject_rules::{self as rules, CompiledProgram};

pub trait Programs {
    /// A programme named by a person: a path to a file, or an id.
    fn load(&self, arg: &str, opts: &LoadOptions) -> Result<Program, LoadError>;

    /// The same, with its rules and scripts compiled.
    fn open(&self, arg: &str, opts: &LoadOptions) -> Result<Arc<CompiledProgram>, LoadError> {
        let loaded = self.load(arg, opts)?;
        rules::compile_loaded(loaded).map(Arc::new)
    }

    /// The programme a stored case (or a caseload row) belongs to, by its id.
    fn for_case(&self, program_id: &str) -> Result<Arc<CompiledProgram>, LoadError>;
}

/// Programmes on disk beside the bundled ones: a path as given, else `<dir>/<id>.yaml`, else
/// the bundled programme with that id. `explicit` makes every case use one named programme
/// (`--program` on case commands, for a programme kept elsewhere).
#[derive(Debug, Clone)]
pub struct FilePrograms {
    pub dir: PathBuf,
    pub explicit: Option<String>,
}

impl FilePrograms {
    /// `programs/` in the working directory, as the CLI uses it.
    pub fn here() -> FilePrograms {
        FilePrograms {
            dir: PathBuf::from("programs"),
            explicit: None,
        }
    }

    pub fn with_explicit(mut self, program: Option<String>) -> FilePrograms {
        self.explicit = program;
        self
    }
}

impl Programs for FilePrograms {
    fn load(&self, arg: &str, opts: &LoadOptions) -> Result<Program, LoadError> {
        program::open(arg, opts)
    }

    fn for_case(&self, program_id: &str) -> Result<Arc<CompiledProgram>, LoadError> {
        let opts = LoadOptions::default();
        if let Some(p) = &self.explicit {
            return self.open(p, &opts);
        }
        let local = self.dir.join(format!("{program_id}.yaml"));
        if local.exists() {
            return self.open(&local.to_string_lossy(), &opts);
        }
        self.open(program_id, &opts)
    }
}

struct Entry {
    file: Option<PathBuf>,
    modified: Option<SystemTime>,
    /// The last good programme (absent when the file never loaded).
    compiled: Option<Arc<CompiledProgram>>,
    /// Why the file as it is now does not load (rendered in the reader's language).
    problem: Option<Arc<LoadError>>,
    /// The number of the saved text (`traject program save`) this programme comes from: a
    /// saved text is the programme from then on, whatever its file does.
    saved: Option<i64>,
}

/// An organisation's saved text: its number in the history, compiled.
type OrgText = (i64, Arc<CompiledProgram>);

pub struct Catalogue {
    dir: Option<PathBuf>,
    entries: RwLock<BTreeMap<String, Entry>>,
    /// Programme texts saved for one organisation of a shared store, by (organisation,
    /// programme): served to that organisation's users in place of the common programme.
    by_org: RwLock<BTreeMap<(String, String), OrgText>>,
    /// The highest number of the store's programme history seen (see `follow`).
    history_mark: std::sync::atomic::AtomicI64,
}

/// One programme as the catalogue holds it, for listing.
#[derive(Clone)]
pub struct Listed {
    pub id: String,
    pub compiled: Option<Arc<CompiledProgram>>,
    pub problem: Option<Arc<LoadError>>,
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn compile_file(path: &Path) -> Result<CompiledProgram, LoadError> {
    let loaded = program::load_path(path, &LoadOptions::default())?;
    rules::compile_loaded(loaded)
}

/// A programme text saved in the store, compiled as the catalogue serves it.
fn compile_saved(t: &traject_store::users::ProgrammeText) -> Result<CompiledProgram, LoadError> {
    program::load_bytes(&t.file, t.text.as_bytes(), &LoadOptions::default())
        .and_then(rules::compile_loaded)
}

impl Catalogue {
    /// Every programme in `dir`, or the bundled ones without a folder.
    pub fn open(dir: Option<&Path>) -> Catalogue {
        let catalogue = Catalogue {
            dir: dir.map(Path::to_path_buf),
            entries: RwLock::new(BTreeMap::new()),
            by_org: RwLock::new(BTreeMap::new()),
            history_mark: std::sync::atomic::AtomicI64::new(0),
        };
        if dir.is_none() {
            let mut entries = catalogue.write();
            for id in bundled::program_ids() {
                let compiled = bundled::program(id).map(|(file, text)| {
                    program::load_bytes(file, text.as_bytes(), &LoadOptions::default())
                        .and_then(rules::compile_loaded)
                });
                let (compiled, problem) = match compiled {
                    Some(Ok(c)) => (Some(Arc::new(c)), None),
                    Some(Err(e)) => (None, Some(Arc::new(e))),
                    None => (None, None),
                };
                entries.insert(
                    id.to_string(),
                    Entry {
                        file: None,
                        modified: None,
                        compiled,
                        problem,
                        saved: None,
                    },
                );
            }
        }
        catalogue.refresh();
        catalogue
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<String, Entry>> {
        self.entries.write().unwrap_or_else(|p| p.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Entry>> {
        self.entries.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Re-read files that are new or changed since the last look.
    pub fn refresh(&self) {
        let Some(dir) = &self.dir else { return };
        let Ok(listing) = std::fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<PathBuf> = listing
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        let stale: Vec<PathBuf> = {
            let entries = self.read();
            files
                .into_iter()
                .filter(|f| {
                    let known = entries.values().find(|e| e.file.as_deref() == Some(f));
                    known.is_none_or(|e| e.modified != modified(f))
                })
                .collect()
        };
        for file in stale {
            self.reload(&file);
        }
    }

    fn reload(&self, file: &Path) {
        let stamp = modified(file);
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let result = compile_file(file);
        let mut entries = self.write();
        let id = match &result {
            Ok(c) => c.program.spec.id.clone(),
            Err(_) => entries
                .iter()
                .find(|(_, e)| e.file.as_deref() == Some(file))
                .map(|(id, _)| id.clone())
                .unwrap_or(stem),
        };
        let entry = entries.entry(id).or_insert(Entry {
            file: Some(file.to_path_buf()),
            modified: None,
            compiled: None,
            problem: None,
            saved: None,
        });
        entry.modified = stamp;
        if let Some(seq) = entry.saved {
            tracing::info!(file = %file.display(), seq, "programme file changed; the saved text stays in force");
            return;
        }
        match result {
            Ok(c) => {
                tracing::info!(file = %file.display(), "programme loaded");
                entry.compiled = Some(Arc::new(c));
                entry.problem = None;
            }
            Err(e) => {
                tracing::warn!(file = %file.display(), "programme does not load; the last good version stays");
                entry.problem = Some(Arc::new(e));
            }
        }
    }

    /// Take in the programme texts saved in the store since the last look (one cheap query
    /// when nothing was saved): the latest text of each programme is served from then on —
    /// to everyone when it was saved for a store of one organisation, to that organisation's
    /// users when it was saved for one organisation of a shared store (`served_to`).
    pub fn follow(&self, store: &traject_store::Store) {
        if let Ok(mark) = store.programme_history_mark() {
            self.follow_from(store, mark);
        }
    }

    /// The same, the history's mark read already (with the session: `users::session_and_mark`).
    pub fn follow_from(&self, store: &traject_store::Store, mark: i64) {
        use std::sync::atomic::Ordering;
        if mark == self.history_mark.load(Ordering::Relaxed) {
            return;
        }
        let Ok(texts) = store.latest_programme_texts() else {
            return;
        };
        for t in texts {
            if let Some(org) = &t.org {
                self.follow_org(org, &t);
                continue;
            }
            match compile_saved(&t) {
                Ok(c) => {
                    let id = c.program.spec.id.clone();
                    let mut entries = self.write();
                    let entry = entries.entry(id).or_insert(Entry {
                        file: None,
                        modified: None,
                        compiled: None,
                        problem: None,
                        saved: None,
                    });
                    if entry.saved != Some(t.seq) {
                        tracing::info!(program = %t.program, seq = t.seq, "saved programme text in force");
                        entry.compiled = Some(Arc::new(c));
                        entry.problem = None;
                        entry.saved = Some(t.seq);
                    }
                }
                Err(_) => {
                    tracing::warn!(program = %t.program, seq = t.seq, "a saved programme text does not load here; the programme in force stays")
                }
            }
        }
        self.history_mark.store(mark, Ordering::Relaxed);
    }

    /// A text saved for one organisation, compiled and served to its users.
    fn follow_org(&self, org: &str, t: &traject_store::users::ProgrammeText) {
        let key = (org.to_string(), t.program.clone());
        let known = self
            .by_org
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .map(|e| e.0);
        if known == Some(t.seq) {
            return;
        }
        match compile_saved(t) {
            Ok(c) => {
                tracing::info!(program = %t.program, seq = t.seq, "an organisation's saved programme text in force for it");
                self.by_org
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(key, (t.seq, Arc::new(c)));
            }
            Err(_) => {
                tracing::warn!(program = %t.program, seq = t.seq, "an organisation's saved programme text does not load here; the programme in force stays")
            }
        }
    }

    /// The programmes as one organisation's users see them (`None`: a store of one
    /// organisation, or someone who acts for none): its own saved texts in place of the
    /// common programmes.
    pub fn served_to<'a>(&'a self, org: Option<&'a str>) -> ServedTo<'a> {
        ServedTo {
            catalogue: self,
            org,
        }
    }

    /// Every programme, with its problem if the file does not load now.
    pub fn list(&self) -> Vec<Listed> {
        self.read()
            .iter()
            .map(|(id, e)| Listed {
                id: id.clone(),
                compiled: e.compiled.clone(),
                problem: e.problem.clone(),
            })
            .collect()
    }

    pub fn get(&self, id: &str) -> Option<Arc<CompiledProgram>> {
        self.read().get(id).and_then(|e| e.compiled.clone())
    }

    /// The file a programme is read from, when it comes from a folder (not bundled).
    pub fn file_of(&self, id: &str) -> Option<PathBuf> {
        self.read().get(id).and_then(|e| e.file.clone())
    }

    /// The error for a programme the catalogue does not serve, with the nearest id.
    pub fn unknown(&self, id: &str) -> LoadError {
        let ids: Vec<String> = self.read().keys().cloned().collect();
        let problem = traject_model::problem::LoadProblem::NotServed {
            given: id.to_string(),
            nearest: traject_model::diag::did_you_mean(id, ids.iter().map(String::as_str))
                .map(str::to_string),
            served: ids,
        };
        LoadError::from(traject_model::diag::Diagnostic::error(
            id,
            traject_model::diag::Pos::new(1, 1),
            problem,
        ))
    }
}

impl Programs for Catalogue {
    fn load(&self, arg: &str, _opts: &LoadOptions) -> Result<Program, LoadError> {
        self.get(arg)
            .map(|c| c.program.clone())
            .ok_or_else(|| self.unknown(arg))
    }

    fn open(&self, arg: &str, _opts: &LoadOptions) -> Result<Arc<CompiledProgram>, LoadError> {
        self.get(arg).ok_or_else(|| self.unknown(arg))
    }

    fn for_case(&self, program_id: &str) -> Result<Arc<CompiledProgram>, LoadError> {
        self.open(program_id, &LoadOptions::default())
    }
}

/// The catalogue as one organisation's users see it.
#[derive(Clone, Copy)]
pub struct ServedTo<'a> {
    catalogue: &'a Catalogue,
    org: Option<&'a str>,
}

impl ServedTo<'_> {
    fn own(&self, id: &str) -> Option<Arc<CompiledProgram>> {
        let org = self.org?;
        let by_org = self
            .catalogue
            .by_org
            .read()
            .unwrap_or_else(|p| p.into_inner());
        by_org
            .get(&(org.to_string(), id.to_string()))
            .map(|e| e.1.clone())
    }

    pub fn get(&self, id: &str) -> Option<Arc<CompiledProgram>> {
        self.own(id).or_else(|| self.catalogue.get(id))
    }

    /// Every programme (the organisation's own text where it saved one).
    pub fn list(&self) -> Vec<Listed> {
        let mut listed = self.catalogue.list();
        for l in &mut listed {
            if let Some(own) = self.own(&l.id) {
                l.compiled = Some(own);
                l.problem = None;
            }
        }
        listed
    }

    pub fn catalogue(&self) -> &Catalogue {
        self.catalogue
    }
}

impl Programs for ServedTo<'_> {
    fn load(&self, arg: &str, _opts: &LoadOptions) -> Result<Program, LoadError> {
        self.get(arg)
            .map(|c| c.program.clone())
            .ok_or_else(|| self.catalogue.unknown(arg))
    }

    fn open(&self, arg: &str, _opts: &LoadOptions) -> Result<Arc<CompiledProgram>, LoadError> {
        self.get(arg).ok_or_else(|| self.catalogue.unknown(arg))
    }

    fn for_case(&self, program_id: &str) -> Result<Arc<CompiledProgram>, LoadError> {
        self.open(program_id, &LoadOptions::default())
    }
}
