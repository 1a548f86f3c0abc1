//! Single sign-on against a real OpenID provider: the certified `oidc-provider` npm package
//! (installed by `.ci/run` into `target/oidc`, run with the machine's Node.js by
//! `tests/oidc/provider.mjs`). A person logs in through it in headless Chromium and lands on
//! the board with the role and team the provider's claims map to; replaying the provider's
//! answer opens nothing; a person the provider gives no role is refused. Forged ID tokens —
//! another key, another audience, expired, another issuer, another nonce, an unknown key id,
//! a symmetric algorithm — are refused against the provider's real discovery document and
//! published keys, next to a well-made token that is accepted (so the refusals mean something).

use crate::browser::{browser, click, free_port, screenshot, text_of, until};
use crate::common;

use std::path::PathBuf;
use std::process::{Child, Command};

use fantoccini::Locator;
use serde_json::{json, Value};
use traject_app::sign_on::{SignOnError, SignOnSettings};

/// A running test provider, stopped when dropped.
pub struct OidcProvider {
    child: Child,
    pub issuer: String,
    _dir: tempfile::TempDir,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OidcProvider {
    /// A token signed as asked (`key`: "provider" or "other"), through the script's `/forge`.
    fn forge(&self, claims: Value, key: &str, kid: &str, alg: &str) -> String {
        let ask = json!({"claims": claims, "key": key, "kid": kid, "alg": alg});
        ureq::post(&format!("{}/forge", self.issuer))
            .send_json(ask)
            .unwrap()
            .into_string()
            .unwrap()
    }
}

/// The folder holding `node_modules/oidc-provider`: `TRAJECT_OIDC_PROVIDER`, else
/// `target/oidc`; `None` (skipped) when absent — never under CI.
fn provider_modules(test: &str) -> Option<PathBuf> {
    common::tool_at(
        test,
        ("TRAJECT_OIDC_PROVIDER", "oidc"),
        |dir| {
            dir.join("node_modules/oidc-provider/package.json")
                .is_file()
        },
        |dir| {
            format!(
                "no oidc-provider in {}: run .ci/run, or `npm install --prefix {0} oidc-provider@9.13.3`",
                dir.display()
            )
        },
    )
}

/// Start the provider with one client (`traject`, its redirect URI under `public_url`) and
/// these accounts.
pub fn start_provider(test: &str, public_url: &str, accounts: Value) -> Option<OidcProvider> {
    let modules = provider_modules(test)?;
    let dir = tempfile::tempdir().unwrap();
    // ES modules resolve packages from the script's own folder: the script runs beside them.
    // One copy per start: tests run side by side in one process, and each removes its own copy
    // once its provider has started (one copy per process was once removed by one test before
    // the other test's Node.js had read it).
    static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let nth = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let script = modules.join(format!("provider-{}-{nth}.mjs", std::process::id()));
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/provider.mjs"),
        &script,
    )
    .unwrap();
    let config = dir.path().join("provider.json");
    let client = json!({
        "client_id": "traject",
        "client_secret": "the client secret of the test",
        "redirect_uris": [format!("{public_url}/login/oidc/callback")],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    });
    std::fs::write(
        &config,
        json!({"clients": [client], "accounts": accounts}).to_string(),
    )
    .unwrap();
    // Its output goes to files (a pipe no one reads any more would stop it at its next line).
    let out = dir.path().join("provider.out");
    let mut child = Command::new("node")
        .arg(&script)
        .arg(&config)
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(dir.path().join("provider.log")).unwrap())
        .spawn()
        .expect("node runs (Node.js is needed for the OpenID provider)");
    // Node starting the provider takes a second alone, and many seconds on two cores busy with
    // the rest of the tests: it has a minute, and a provider that stops says why at once.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let issuer = loop {
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        let issuer = text.lines().find_map(|l| {
            serde_json::from_str::<Value>(l).ok()?["issuer"]
                .as_str()
                .map(String::from)
        });
        if let Some(issuer) = issuer {
            break issuer;
        }
        let log = || std::fs::read_to_string(dir.path().join("provider.log")).unwrap_or_default();
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the OpenID provider stopped ({status}) before printing its issuer: {}",
                log()
            );
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the OpenID provider printed no issuer within 60 s: {}",
            log()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let _ = std::fs::remove_file(&script);
    Some(OidcProvider {
        child,
        issuer,
        _dir: dir,
    })
}

/// The settings file of a server that logs people in through `issuer`, creating users with
/// the roles and team the provider's claims give.
fn settings_file(dir: &std::path::Path, issuer: &str) -> PathBuf {
    let path = dir.join("traject.toml");
    std::fs::write(
        &path,
        format!(
            "[oidc]\nissuer = \"{issuer}\"\nclient_id = \"traject\"\n\
             client_secret = \"the client secret of the test\"\nlabel = \"Test provider\"\n\
             scopes = [\"openid\", \"profile\", \"traject\"]\nusers = \"create\"\n\
             team_claim = \"team\"\n\
             [oidc.roles]\ncoordinator = \"traject-coordinator\"\n\
             social_worker = \"traject-social-worker\"\nauditor = \"traject-auditor\"\n"
        ),
    )
    .unwrap();
    path
}

/// The provider's own pages, as `account`: its login form (the development login takes any
/// password), then its consent.
async fn through_the_provider(c: &fantoccini::Client, account: &str) {
    use crate::browser::fill;
    until(c, "the provider's login form", || async {
        c.find(Locator::Css("input[name=login]")).await.is_ok()
    })
    .await;
    fill(c, "login", account).await;
    fill(c, "password", "anything the development login takes").await;
    click(c, "button[type=submit]").await;
    until(c, "the provider's consent", || async {
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("/interaction/")
            // The consent form, not the login form still on its way out.
            && c.find(Locator::Css("input[name=prompt][value=consent]")).await.is_ok()
    })
    .await;
    click(c, "button[type=submit]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_logs_in_through_a_real_openid_provider_and_lands_on_the_board_with_the_mapped_role_and_team(
) {
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let accounts = json!({
        "olga": {"roles": ["traject-social-worker", "staff"], "team": "west", "locale": "nl-BE"},
        "nobody": {"roles": ["staff"]},
    });
    let Some(provider) = start_provider("sign_on", &public_url, accounts) else {
        return;
    };
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    common::add_user(&db, "coord", "coordinator", None);
    let config = settings_file(dir.path(), &provider.issuer);
    let served = common::serve_at(
        db.to_str().unwrap(),
        dir,
        &format!("127.0.0.1:{port}"),
        &[
            "--config",
            config.to_str().unwrap(),
            "--public-url",
            &public_url,
        ],
    );

    // The login page offers the provider beside the password form.
    c.goto(&served.url("/login?lang=en")).await.unwrap();
    let offered = text_of(&c, "main").await;
    assert!(offered.contains("Log in with Test provider"), "{offered}");
    click(&c, "a[href^='/login/oidc']").await;
    through_the_provider(&c, "olga").await;
    until(&c, "the board, logged in", || async {
        c.current_url().await.unwrap().path() == "/board"
            && c.find(Locator::Css("main")).await.is_ok()
    })
    .await;
    screenshot(&c, "oidc-board").await;
    let page = text_of(&c, "body").await;
    assert!(page.contains("olga"), "the board names the person: {page}");
    // Dutch from the provider's locale claim; the role and team from its claims.
    assert!(page.contains("maatschappelijk werker"), "{page}");
    assert!(page.contains("west"), "{page}");
    let trail = common::traject()
        .args([
            "audit",
            "--user",
            "olga",
            "--db",
            served.db.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let trail = String::from_utf8_lossy(&trail.stdout).to_string();
    assert!(
        trail.contains("on first login through the OpenID provider"),
        "{trail}"
    );
    assert!(
        trail.contains("log in through the OpenID provider"),
        "{trail}"
    );
    let listed = common::traject()
        .args([
            "user",
            "list",
            "--db",
            served.db.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let users: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let olga = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "olga")
        .unwrap();
    assert_eq!(olga["role"], "social_worker");
    assert_eq!(olga["team"], "west");

    // The provider's answer again — the same code and state, in the same browser: the round
    // trip is gone and the code used, so no session comes of it.
    let sessions = || {
        let store =
            traject_store::Store::connect(&traject_store::DbTarget::File(served.db.clone()))
                .unwrap();
        store.count(traject_store::Table::Sessions).unwrap()
    };
    assert_eq!(sessions(), 1);
    let answer = ureq::get(&format!("{}/last-redirect", provider.issuer))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        answer.starts_with(&format!("{public_url}/login/oidc/callback?code=")),
        "{answer}"
    );
    c.goto(&answer).await.unwrap();
    let refused = text_of(&c, "main").await;
    assert!(
        refused.contains("verlopen of al gebruikt")
            || refused.contains("expired or was used already"),
        "{refused}"
    );
    assert_eq!(sessions(), 1, "a replayed answer opens no session");
    // Logging out ends the session opened through the provider, as any other.
    c.goto(&served.url("/board")).await.unwrap();
    click(&c, "form.logout button").await;
    until(&c, "the login page", || async {
        c.current_url().await.unwrap().path() == "/login"
    })
    .await;
    assert_eq!(sessions(), 0);

    // Someone the provider gives no traject role: refused, nothing created. (Clearing the
    // cookies ends the provider's session too: both are on 127.0.0.1.)
    c.delete_all_cookies().await.unwrap();
    c.goto(&served.url("/login?lang=en")).await.unwrap();
    click(&c, "a[href^='/login/oidc']").await;
    through_the_provider(&c, "nobody").await;
    until(&c, "traject's refusal", || async {
        c.current_url().await.unwrap().path() == "/login/oidc/callback"
    })
    .await;
    let refused = text_of(&c, "main").await;
    assert!(refused.contains("gives you no role"), "{refused}");
    let listed = common::traject()
        .args(["user", "list", "--db", served.db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("nobody"));
    let log = std::fs::read_to_string(&served.log).unwrap();
    assert!(log.contains("NoRole"), "the log says why, for IT");
    // Never the provider's code or the round trip's state (the access log names routes).
    let code = answer
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let state = answer
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert!(
        !log.contains(code) && !log.contains(state),
        "no code or state in the log"
    );
    c.close().await.unwrap();
}

/// A token for the test client, as the provider would make it, with `change` applied.
fn claims(issuer: &str, nonce: &str, now: i64, change: Value) -> Value {
    let mut c = json!({
        "iss": issuer, "aud": "traject", "sub": "subject-olga", "nonce": nonce,
        "iat": now, "exp": now + 300, "preferred_username": "olga",
    });
    for (k, v) in change.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

#[test]
fn forged_id_tokens_are_refused_against_the_real_providers_published_keys() {
    let Some(provider) = start_provider("sign_on", "http://127.0.0.1:9", json!({})) else {
        return;
    };
    let settings = SignOnSettings::new(&provider.issuer, "traject", "secret");
    let checker = traject_web::sign_on::Provider::new(settings, "http://127.0.0.1:9");
    let now = chrono::Utc::now().timestamp();
    let nonce = "the nonce of this round trip";
    let iss = provider.issuer.clone();
    let well_made = provider.forge(
        claims(&iss, nonce, now, json!({})),
        "provider",
        "key-1",
        "RS256",
    );
    let accepted = checker
        .verify(&well_made, nonce, now)
        .expect("a well-made token passes");
    assert_eq!(accepted["sub"], "subject-olga");

    let cases: Vec<(&str, String, SignOnError)> = vec![
        (
            "signed with another key under the provider's key id",
            provider.forge(
                claims(&iss, nonce, now, json!({})),
                "other",
                "key-1",
                "RS256",
            ),
            SignOnError::BadSignature,
        ),
        (
            "for another client",
            provider.forge(
                claims(&iss, nonce, now, json!({"aud": "another-app"})),
                "provider",
                "key-1",
                "RS256",
            ),
            SignOnError::WrongAudience,
        ),
        (
            "expired an hour ago",
            provider.forge(
                claims(
                    &iss,
                    nonce,
                    now,
                    json!({"exp": now - 3600, "iat": now - 7200}),
                ),
                "provider",
                "key-1",
                "RS256",
            ),
            SignOnError::Expired,
        ),
        (
            "from an unknown issuer",
            provider.forge(
                claims(&iss, nonce, now, json!({"iss": "https://idp.evil.example"})),
                "provider",
                "key-1",
                "RS256",
            ),
            SignOnError::WrongIssuer,
        ),
        (
            "with another round trip's nonce (replayed)",
            provider.forge(
                claims(&iss, "an earlier nonce", now, json!({})),
                "provider",
                "key-1",
                "RS256",
            ),
            SignOnError::WrongNonce,
        ),
        (
            "signed with a key the provider never published",
            provider.forge(
                claims(&iss, nonce, now, json!({})),
                "other",
                "key-9",
                "RS256",
            ),
            SignOnError::UnknownKey,
        ),
    ];
    for (what, token, expected) in cases {
        assert_eq!(
            checker.verify(&token, nonce, now).unwrap_err(),
            expected,
            "a token {what}"
        );
    }
    // A symmetric algorithm (anyone with the client secret could make it) and no algorithm.
    let header = |alg: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!(r#"{{"alg":"{alg}","kid":"key-1"}}"#))
    };
    let body = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(claims(&iss, nonce, now, json!({})).to_string())
    };
    for alg in ["HS256", "none"] {
        let token = format!("{}.{body}.c2lnbmF0dXJl", header(alg));
        assert!(
            matches!(
                checker.verify(&token, nonce, now),
                Err(SignOnError::Malformed { .. })
            ),
            "alg {alg} is refused"
        );
    }
}

#[test]
fn a_login_round_trip_finishes_once_and_only_with_its_own_state() {
    let dir = tempfile::tempdir().unwrap();
    let target = traject_store::DbTarget::File(dir.path().join("cases.db"));
    let mut store = traject_store::Store::connect(&target).unwrap();
    let settings = SignOnSettings::new("https://idp.example", "traject", "secret");
    let now = 1_800_000_000;
    let lang = "fr";
    let begun = traject_app::sign_on::begin(
        &mut store,
        &settings,
        "https://idp.example/auth",
        "https://t.example/login/oidc/callback",
        lang,
        now,
    )
    .unwrap();
    let url = &begun.authorize_url;
    assert!(
        url.starts_with("https://idp.example/auth?response_type=code&client_id=traject&"),
        "{url}"
    );
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(
        url.contains("redirect_uri=https%3A%2F%2Ft.example%2Flogin%2Foidc%2Fcallback"),
        "{url}"
    );
    let state = url
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let wrong = traject_app::sign_on::resume(&mut store, &begun.cookie_id, "another state", now);
    assert!(matches!(
        wrong,
        Err(traject_app::AppError::Auth(
            traject_app::users::AuthError::SignOn(SignOnError::StateMismatch)
        ))
    ));
    // A wrong state used the round trip up too: it cannot be tried again with the right one.
    let again = traject_app::sign_on::resume(&mut store, &begun.cookie_id, state, now);
    assert!(matches!(
        again,
        Err(traject_app::AppError::Auth(
            traject_app::users::AuthError::SignOn(SignOnError::NoRoundTrip)
        ))
    ));
    let second = traject_app::sign_on::begin(
        &mut store,
        &settings,
        "https://idp.example/auth",
        "https://t.example/cb",
        lang,
        now,
    )
    .unwrap();
    let state = second
        .authorize_url
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let late = now + traject_app::sign_on::ROUND_TRIP_SECS + 1;
    assert!(
        traject_app::sign_on::resume(&mut store, &second.cookie_id, &state, late).is_err(),
        "expired"
    );
    let third = traject_app::sign_on::begin(
        &mut store,
        &settings,
        "https://idp.example/auth",
        "https://t.example/cb",
        lang,
        now,
    )
    .unwrap();
    let state = third
        .authorize_url
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let trip = traject_app::sign_on::resume(&mut store, &third.cookie_id, &state, now).unwrap();
    assert_eq!(trip.kept, "fr");
    assert!(third
        .authorize_url
        .contains(&traject_app::sign_on::pkce_challenge(&trip.verifier)));
    assert!(
        traject_app::sign_on::resume(&mut store, &third.cookie_id, &state, now).is_err(),
        "once"
    );
}

#[test]
fn only_registered_users_log_in_unless_creation_is_configured_and_a_name_stays_with_its_subject() {
    use traject_app::sign_on::{self, Admission};
    use traject_app::users::AuthError;
    use traject_app::AppError;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cases.db");
    common::add_user(&db, "ann", "social-worker", Some("north"));
    let mut store = traject_store::Store::open(&db).unwrap();
    let mut settings = SignOnSettings::new("https://idp.example", "traject", "secret");
    settings.team_claim = Some("team".into());
    let claims = |sub: &str, name: &str, roles: Value| {
        json!({"iss": "https://idp.example", "sub": sub, "preferred_username": name, "roles": roles})
            .as_object()
            .unwrap()
            .clone()
    };
    let now = 1_800_000_000;
    let refused = |r: Result<traject_app::users::Opened, AppError>| match r {
        Err(AppError::Auth(AuthError::SignOn(e))) => e,
        other => panic!("expected a refusal, got {:?}", other.map(|o| o.user.name)),
    };
    // Registered only (the default): someone the store does not know is refused, not added.
    let stranger = claims("s-zoe", "zoe@ocmw.example", json!(["social_worker"]));
    assert_eq!(
        refused(sign_on::finish(&mut store, &settings, &stranger, now)),
        SignOnError::NotRegistered
    );
    // A registered user is bound to the provider's subject on the first login; without a role
    // or team claim she keeps hers.
    let ann = claims("s-ann", "ann@ocmw.example", json!([]));
    let opened = sign_on::finish(&mut store, &settings, &ann, now).unwrap();
    assert_eq!(
        (opened.user.name.as_str(), opened.user.team.as_deref()),
        ("ann", Some("north"))
    );
    // Another subject with her name is not her.
    let impostor = claims("s-other", "ann", json!(["coordinator"]));
    assert_eq!(
        refused(sign_on::finish(&mut store, &settings, &impostor, now)),
        SignOnError::NameTaken
    );
    // Her subject under another name is still her.
    let renamed = claims("s-ann", "ann.peeters", json!([]));
    assert_eq!(
        sign_on::finish(&mut store, &settings, &renamed, now)
            .unwrap()
            .user
            .name,
        "ann"
    );
    // With creation configured, a person with a role and team claim is added; without a team, a
    // social worker is not.
    settings.admission = Admission::Create;
    let mut zoe = stranger.clone();
    zoe.insert("team".into(), json!("south"));
    let opened = sign_on::finish(&mut store, &settings, &zoe, now).unwrap();
    assert_eq!(
        (opened.user.name.as_str(), opened.user.team.as_deref()),
        ("zoe", Some("south"))
    );
    let teamless = claims("s-yves", "yves", json!(["social_worker"]));
    assert_eq!(
        refused(sign_on::finish(&mut store, &settings, &teamless, now)),
        SignOnError::NoTeam
    );
    assert!(store.users().unwrap().iter().all(|u| u.name != "yves"));
}
