//! Faults an OCMW's IT department will meet, on a PostgreSQL cluster of the test's own (the
//! other tests share theirs and must not see it restart): the database server restarted under
//! write load, and stopped for a while. The server must answer 503 with Retry-After while the
//! database is away — never a 500, never a stuck state — succeed again within seconds once it
//! is back, without a restart of traject, and hold every write it acknowledged, once. Also:
//! `kill -9` of the server on either store; the SQLite volume full; one connection broken
//! mid-request (a proxy cuts it), retried once when nothing was saved, reported when a commit
//! is in doubt.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{add_user_on, own_postgres_cluster, serve_on, Served, ELIGIBLE};

/// What the writers saw.
#[derive(Default)]
struct Seen {
    /// (dossier, case id) of every create answered 201.
    acknowledged: Vec<(String, i64)>,
    /// Creates answered 409 after an earlier attempt of the same dossier met a 503: the
    /// earlier one may have committed.
    repeated: usize,
    /// When each 201 came (for the recovery time).
    successes: Vec<Instant>,
    unavailable: usize,
    /// Answers that are not allowed: 500s, no answer, a 503 without Retry-After.
    wrong: Vec<String>,
}

fn create(agent: &ureq::Agent, s: &Served, cookie: &str, dossier: &str) -> (u16, String, bool) {
    let referral = ELIGIBLE.replacen('{', &format!(r#"{{"id": "{dossier}", "#), 1);
    let body = format!(r#"{{"program": "antwerpen", "referral": {referral}}}"#);
    let result = agent
        .post(&s.url("/api/cases"))
        .set("Cookie", cookie)
        .set("Content-Type", "application/json")
        .send_string(&body);
    crate::common::answer_of(result)
}

/// Four writers creating cases until `stop`; a dossier is sent again after a 503 until it is
/// answered otherwise.
fn writers(s: &Served, cookie: &str, prefix: &str, stop: &AtomicBool, seen: &Mutex<Seen>) {
    std::thread::scope(|scope| {
        for w in 0..4 {
            scope.spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(30))
                    .build();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let dossier = format!("{prefix}-{w}-{n}");
                    let mut retried = false;
                    loop {
                        let (status, body, retry) = create(&agent, s, cookie, &dossier);
                        let mut seen = seen.lock().unwrap();
                        match status {
                            201 => {
                                let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
                                    .as_i64()
                                    .unwrap();
                                seen.acknowledged.push((dossier.clone(), id));
                                seen.successes.push(Instant::now());
                                break;
                            }
                            409 if retried => {
                                seen.repeated += 1;
                                break;
                            }
                            503 if retry => {
                                seen.unavailable += 1;
                                retried = true;
                                drop(seen);
                                std::thread::sleep(Duration::from_millis(100));
                                if stop.load(Ordering::Relaxed) {
                                    break;
                                }
                            }
                            _ => {
                                seen.wrong
                                    .push(format!("{status}: {}", &body[..body.len().min(200)]));
                                break;
                            }
                        }
                    }
                }
            });
        }
    });
}

/// The first success after `at`, in seconds from it.
fn recovered_after(seen: &Seen, at: Instant) -> Option<f64> {
    seen.successes
        .iter()
        .filter(|t| **t > at)
        .map(|t| t.duration_since(at).as_secs_f64())
        .reduce(f64::min)
}

#[test]
fn a_database_restart_or_stop_under_write_load_heals_without_restarting_traject() {
    let Some(cluster) = own_postgres_cluster("faults") else {
        return;
    };
    let url = traject_store::create_database(&cluster.url, "traject_faults").unwrap();
    add_user_on(&url, "ann", "social-worker", Some("north"), None);
    let s = serve_on(&url, tempfile::tempdir().unwrap(), &[]);
    let ann = s.login("ann");
    let stop = AtomicBool::new(false);
    let seen = Mutex::new(Seen::default());
    let (restarted, halted, started) = std::thread::scope(|scope| {
        scope.spawn(|| writers(&s, &ann, "F", &stop, &seen));
        std::thread::sleep(Duration::from_secs(2));
        cluster.run("restart");
        let restarted = Instant::now();
        std::thread::sleep(Duration::from_secs(6));
        cluster.run("halt");
        let halted = Instant::now();
        std::thread::sleep(Duration::from_secs(2));
        stopped_database_is_reported(&s, &ann);
        std::thread::sleep(Duration::from_secs(8));
        let during_stop = seen
            .lock()
            .unwrap()
            .successes
            .iter()
            .filter(|t| **t > halted)
            .count();
        assert_eq!(
            during_stop, 0,
            "no write succeeds while the database is stopped"
        );
        cluster.run("start");
        let started = Instant::now();
        std::thread::sleep(Duration::from_secs(6));
        stop.store(true, Ordering::Relaxed);
        (restarted, halted, started)
    });
    let (status, ready) = s.get(None, "/readyz");
    assert_eq!(
        (status, &ready["store"]),
        (200, &Value::from("ok")),
        "{ready}"
    );
    let seen = seen.into_inner().unwrap();
    let after_restart = recovered_after(&seen, restarted);
    let after_start = recovered_after(&seen, started);
    eprintln!(
        "faults: {} creates acknowledged, {} answered 503 with Retry-After, {} repeated after a 503; first success {:?} s after the restart, {:?} s after the database came back ({:.0} s stopped)",
        seen.acknowledged.len(),
        seen.unavailable,
        seen.repeated,
        after_restart,
        after_start,
        started.duration_since(halted).as_secs_f64()
    );
    assert!(
        seen.wrong.is_empty(),
        "{:?}",
        &seen.wrong[..seen.wrong.len().min(5)]
    );
    assert!(
        seen.unavailable > 0,
        "the stop was noticed (503 with Retry-After)"
    );
    assert!(
        after_restart.is_some_and(|t| t <= 5.0),
        "healed after the restart: {after_restart:?}"
    );
    assert!(
        after_start.is_some_and(|t| t <= 5.0),
        "healed after the stop: {after_start:?}"
    );
    // Every acknowledged write is there, once; nothing else was written but the repeats.
    let store = traject_store::Store::connect(&traject_store::DbTarget::Postgres(url)).unwrap();
    for (dossier, id) in &seen.acknowledged {
        assert!(
            store.case(*id).unwrap().is_some(),
            "case {id} ({dossier}) acknowledged and gone"
        );
    }
    let cases = store.count(traject_store::Table::Cases).unwrap() as usize;
    assert!(
        cases >= seen.acknowledged.len() && cases <= seen.acknowledged.len() + seen.repeated,
        "{cases} cases for {} acknowledged creates and {} repeats",
        seen.acknowledged.len(),
        seen.repeated
    );
}

/// While the database is stopped: `/readyz` says so, `/healthz` still answers, and a 503 gives
/// the request id that the server's log names it by.
fn stopped_database_is_reported(s: &Served, cookie: &str) {
    let (status, ready) = s.get(None, "/readyz");
    assert_eq!(
        (status, &ready["store"]),
        (503, &Value::from("unreachable")),
        "{ready}"
    );
    assert_eq!(s.get(None, "/healthz").0, 200);
    let resp = match ureq::get(&s.url("/api/caseload"))
        .set("Cookie", cookie)
        .call()
    {
        Err(ureq::Error::Status(503, r)) => r,
        other => panic!("503 while the database is stopped: {other:?}"),
    };
    assert!(resp.header("retry-after").is_some());
    let id = resp.header("x-request-id").unwrap().to_string();
    let body: Value = serde_json::from_str(&resp.into_string().unwrap()).unwrap();
    assert_eq!(body["request_id"], Value::from(id.as_str()), "{body}");
    // The log line is written as the answer goes out.
    std::thread::sleep(Duration::from_millis(200));
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(
        log.lines().any(|l| l.contains(&id) && l.contains("WARN")),
        "the log names request {id}"
    );
}

/// `kill -9` of the server under four writers, `trials` times on the store `db`: every create
/// it acknowledged is in the store afterwards, and the store passes `db verify`.
fn killed_under_write_load_loses_nothing(db: &str, trials: usize) -> (usize, usize) {
    let mut acknowledged_total = 0;
    for trial in 0..trials {
        let mut s = serve_on(db, tempfile::tempdir().unwrap(), &[]);
        let ann = s.login("ann");
        let stop = AtomicBool::new(false);
        let seen = Mutex::new(Seen::default());
        let pid = s.child.id().to_string();
        std::thread::scope(|scope| {
            let prefix = format!("K{trial}");
            let (s, ann, stop, seen) = (&s, &ann, &stop, &seen);
            scope.spawn(move || writers(s, ann, &prefix, stop, seen));
            std::thread::sleep(Duration::from_millis(1500));
            // SIGKILL: no shutdown, no flush beyond what each commit already made durable.
            let killed = std::process::Command::new("kill")
                .args(["-9", &pid])
                .status()
                .unwrap();
            assert!(killed.success());
            std::thread::sleep(Duration::from_millis(200));
            stop.store(true, Ordering::Relaxed);
        });
        s.child.wait().unwrap();
        let seen = seen.into_inner().unwrap();
        let target = if db.starts_with("postgres://") {
            traject_store::DbTarget::Postgres(db.to_string())
        } else {
            traject_store::DbTarget::File(db.into())
        };
        let store = traject_store::Store::connect(&target).unwrap();
        for (dossier, id) in &seen.acknowledged {
            assert!(
                store.case(*id).unwrap().is_some(),
                "trial {trial}: case {id} ({dossier}) acknowledged and lost"
            );
        }
        assert!(
            store.integrity_problems().unwrap().is_empty(),
            "trial {trial}"
        );
        assert!(
            store.event_order_problems().unwrap().is_empty(),
            "trial {trial}"
        );
        acknowledged_total += seen.acknowledged.len();
        // The writers ran into the dead server: only "no answer" there, nothing else wrong.
        assert!(
            seen.wrong.iter().all(|w| w.starts_with("0:")),
            "trial {trial}: {:?}",
            &seen.wrong[..seen.wrong.len().min(3)]
        );
    }
    (trials, acknowledged_total)
}

#[test]
fn killing_the_server_under_write_load_loses_no_acknowledged_write_on_either_store() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("cases.db");
    crate::common::add_user(&sqlite, "ann", "social-worker", Some("north"));
    let (trials, acknowledged) = killed_under_write_load_loses_nothing(sqlite.to_str().unwrap(), 3);
    eprintln!("kill -9 on SQLite: {trials} trials, {acknowledged} acknowledged creates, 0 lost");
    if let Some(url) = crate::common::postgres_database("traject_kill") {
        add_user_on(&url, "ann", "social-worker", Some("north"), None);
        let (trials, acknowledged) = killed_under_write_load_loses_nothing(&url, 3);
        eprintln!(
            "kill -9 on PostgreSQL: {trials} trials, {acknowledged} acknowledged creates, 0 lost"
        );
    }
}

/// A small file system of its own (tmpfs) mounted on a temporary folder, unmounted when
/// dropped; `None` when this process may not mount (neither root nor password-less sudo).
struct SmallVolume {
    dir: tempfile::TempDir,
    sudo: bool,
}

impl SmallVolume {
    fn mount(size: &str) -> Option<SmallVolume> {
        let dir = tempfile::tempdir().ok()?;
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
        let mut mount = if root {
            std::process::Command::new("mount")
        } else {
            let mut c = std::process::Command::new("sudo");
            c.args(["-n", "mount"]);
            c
        };
        let done = mount
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=1777"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        done.then_some(SmallVolume { dir, sudo: !root })
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for SmallVolume {
    fn drop(&mut self) {
        let mut umount = if self.sudo {
            let mut c = std::process::Command::new("sudo");
            c.args(["-n", "umount", "-l"]);
            c
        } else {
            let mut c = std::process::Command::new("umount");
            c.arg("-l");
            c
        };
        let _ = umount.arg(self.dir.path()).status();
    }
}

/// Sets the flag when dropped: the writers stop when the test's own thread ends, by a failed
/// assertion too (the scope would otherwise wait for them forever).
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Fill the file system `dir` is on with a ballast file until no byte more fits.
fn fill(dir: &std::path::Path) -> std::path::PathBuf {
    use std::io::Write;
    let ballast = dir.join("ballast");
    let mut file = std::fs::File::create(&ballast).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    // The last bytes that fit, a few at a time.
    while file.write_all(&chunk[..512]).is_ok() {}
    let _ = file.sync_all();
    ballast
}

#[test]
fn a_full_disk_under_write_load_answers_503_keeps_the_store_whole_and_work_resumes() {
    let test = "a_full_disk_under_write_load_answers_503_keeps_the_store_whole_and_work_resumes";
    let Some(volume) = SmallVolume::mount("24m") else {
        if std::env::var_os("CI").is_some() {
            panic!("CI: {test} mounts a small tmpfs: run as root or with password-less sudo");
        }
        crate::common::skipped(
            test,
            "cannot mount a tmpfs (not root, no password-less sudo)",
        );
        return;
    };
    let db = volume.path().join("cases.db");
    crate::common::add_user(&db, "ann", "social-worker", Some("north"));
    let mut s = serve_on(db.to_str().unwrap(), tempfile::tempdir().unwrap(), &[]);
    let ann = s.login("ann");
    let stop = AtomicBool::new(false);
    let seen = Mutex::new(Seen::default());
    let (mut full_answer, mut freed_at) = (String::new(), None);
    std::thread::scope(|scope| {
        let (s, ann, stop, seen) = (&s, &ann, &stop, &seen);
        scope.spawn(move || writers(s, ann, "F", stop, seen));
        // The writers stop however this ends (a failed assertion too).
        let _stop = StopOnDrop(stop);
        std::thread::sleep(Duration::from_millis(1000));
        let ballast = fill(volume.path());
        // Writes fail now (each commit needs room in the write-ahead log or the file).
        let agent = ureq::AgentBuilder::new().build();
        let deadline = Instant::now() + Duration::from_secs(30);
        for n in 0.. {
            let (status, body, retry) = create(&agent, s, ann, &format!("probe-{n}"));
            if status == 503 && retry && body.contains("disk is full") {
                full_answer = body;
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no full-disk answer: last {status} {body}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // The server stays up and says the store is reachable (reading a case would write
        // its audit entry, and fails as every write does).
        assert_eq!(s.get(None, "/readyz").0, 200);
        std::thread::sleep(Duration::from_millis(1000));
        std::fs::remove_file(&ballast).unwrap();
        let freed = Instant::now();
        freed_at = Some(freed);
        let deadline = freed + Duration::from_secs(10);
        while recovered_after(&seen.lock().unwrap(), freed).is_none() {
            assert!(
                Instant::now() < deadline,
                "no write succeeded after room was made"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(500));
        stop.store(true, Ordering::Relaxed);
    });
    s.child.kill().unwrap();
    s.child.wait().unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.wrong.is_empty(),
        "{:?}",
        &seen.wrong[..seen.wrong.len().min(3)]
    );
    assert!(
        full_answer.contains("ask the IT department"),
        "{full_answer}"
    );
    let store = traject_store::Store::open(&db).unwrap();
    for (dossier, id) in &seen.acknowledged {
        assert!(
            store.case(*id).unwrap().is_some(),
            "case {id} ({dossier}) acknowledged and lost"
        );
    }
    assert!(store.integrity_problems().unwrap().is_empty());
    assert!(store.event_order_problems().unwrap().is_empty());
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(log.contains("disk is full"), "the operator's log says why");
    eprintln!(
        "full disk on SQLite: {} acknowledged creates, {} answers 503 while full, first write {:.3} s after room was made, 0 lost, integrity ok",
        seen.acknowledged.len(),
        seen.unavailable,
        recovered_after(&seen, freed_at.unwrap()).unwrap()
    );
}

/// What the cutting proxy does to the next message a client sends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cut {
    Nothing,
    /// Close the connection instead of passing on the next statement (the connection check,
    /// an empty query, still passes): the connection breaks after the pool found it good.
    NextStatement,
    /// Pass on the next COMMIT, then close the connection before its answer comes back.
    AfterCommit,
}

/// A TCP proxy in front of PostgreSQL that breaks one connection when told to.
struct CuttingProxy {
    port: u16,
    cut: std::sync::Arc<Mutex<Cut>>,
}

impl CuttingProxy {
    fn start(upstream: std::net::SocketAddr) -> CuttingProxy {
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = std::sync::Arc::new(Mutex::new(Cut::Nothing));
        let armed = cut.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let (mut from_server, mut to_client) =
                    (server.try_clone().unwrap(), client.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from_server, &mut to_client);
                    let _ = to_client.shutdown(Shutdown::Both);
                });
                let (mut from_client, mut to_server) = (client, server);
                let armed = armed.clone();
                std::thread::spawn(move || {
                    const CONNECTION_CHECK: &[u8] = b"Q\0\0\0\x05\0";
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = match from_client.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        let chunk = &buf[..n];
                        // Decide under the lock, act after it: the other connections'
                        // pumps must not wait while this one holds the server open.
                        let action = {
                            let mut cut = armed.lock().unwrap();
                            let commit = chunk.windows(6).any(|w| w == b"COMMIT");
                            let action = match *cut {
                                Cut::NextStatement if chunk != CONNECTION_CHECK => *cut,
                                Cut::AfterCommit if commit => *cut,
                                _ => Cut::Nothing,
                            };
                            if action != Cut::Nothing {
                                *cut = Cut::Nothing;
                            }
                            action
                        };
                        match action {
                            Cut::NextStatement => break,
                            Cut::AfterCommit => {
                                // The client is cut off first, so it never hears back; then
                                // the server, whose side stays open a while, gets the COMMIT
                                // and commits.
                                let _ = from_client.shutdown(Shutdown::Both);
                                let _ = to_server.write_all(chunk);
                                std::thread::sleep(Duration::from_secs(5));
                                break;
                            }
                            Cut::Nothing => {}
                        }
                        if to_server.write_all(chunk).is_err() {
                            break;
                        }
                    }
                    let _ = from_client.shutdown(Shutdown::Both);
                    let _ = to_server.shutdown(Shutdown::Both);
                });
            }
        });
        CuttingProxy { port, cut }
    }

    fn arm(&self, cut: Cut) {
        *self.cut.lock().unwrap() = cut;
    }

    fn armed(&self) -> Cut {
        *self.cut.lock().unwrap()
    }
}

#[test]
fn a_connection_broken_mid_request_is_retried_once_when_nothing_was_saved_and_reported_when_a_commit_is_in_doubt(
) {
    let Some(url) = crate::common::postgres_database("traject_retry") else {
        return;
    };
    add_user_on(&url, "ann", "social-worker", Some("north"), None);
    // postgres://user@127.0.0.1:PORT/db → the same database through the proxy.
    let (head, tail) = url.rsplit_once('@').unwrap();
    let (host_port, db) = tail.split_once('/').unwrap();
    let proxy = CuttingProxy::start(host_port.parse().unwrap());
    let through = format!("{head}@127.0.0.1:{}/{db}", proxy.port);
    let s = serve_on(&through, tempfile::tempdir().unwrap(), &[]);
    let ann = s.login("ann");
    let id = {
        let agent = ureq::AgentBuilder::new().build();
        let (status, body, _) = create(&agent, &s, &ann, "retry-0");
        assert_eq!(status, 201, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()["id"]
            .as_i64()
            .unwrap()
    };

    // A read whose connection breaks after the pool's check: answered, not 503.
    proxy.arm(Cut::NextStatement);
    let (status, case) = s.get(Some(&ann), &format!("/api/cases/{id}"));
    assert!(proxy.armed() == Cut::Nothing, "the proxy cut a connection");
    assert_eq!(status, 200, "{case}");
    // A write likewise: created once.
    proxy.arm(Cut::NextStatement);
    let agent = ureq::AgentBuilder::new().build();
    let (status, body, _) = create(&agent, &s, &ann, "retry-1");
    assert!(proxy.armed() == Cut::Nothing);
    assert_eq!(status, 201, "{body}");
    let (status, again, _) = create(&agent, &s, &ann, "retry-1");
    assert_eq!(status, 409, "the dossier exists once: {again}");

    // A write whose COMMIT was sent but not answered: not run again, and it says so.
    proxy.arm(Cut::AfterCommit);
    let (status, body, retry) = create(&agent, &s, &ann, "retry-2");
    assert!(proxy.armed() == Cut::Nothing);
    let log = || std::fs::read_to_string(&s.log).unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(
        retry && body.contains("may have been saved"),
        "{body}\n{}",
        log()
    );
    let (status, again, _) = create(&agent, &s, &ann, "retry-2");
    assert_eq!(status, 409, "the server did commit it, once: {again}");

    let log = std::fs::read_to_string(&s.log).unwrap();
    assert_eq!(
        log.matches("running the request once more").count(),
        2,
        "{log}"
    );
}
