//! The API's description, `/api/openapi.json`: valid OpenAPI (openapi-spec-validator), naming
//! every route under `/api/`, and true of the running server — Schemathesis fuzzes each
//! operation from it as a coordinator, a social worker and an auditor and finds no 5xx and no
//! answer (status, content type, headers, body) the description does not allow. Both tools
//! come from pip, installed by `.ci/run` into a virtual environment (`target/ci-venv`, or
//! `TRAJECT_TEST_VENV`).

use std::process::Command;

use serde_json::Value;

use crate::common::{python_tools, serve, ELIGIBLE};

#[test]
fn the_api_description_is_valid_openapi_and_names_every_api_route() {
    let s = serve();
    let (status, text, _) = crate::common::call("GET", &s.url("/api/openapi.json"), None, None);
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let routes = [
        ("/api/session", "post"),
        ("/api/session", "delete"),
        ("/api/check", "post"),
        ("/api/cases", "post"),
        ("/api/cases/{id}", "get"),
        ("/api/cases/{id}/{action}", "post"),
        ("/api/caseload", "get"),
        ("/api/rollup", "get"),
        ("/api/simulate", "post"),
    ];
    for (path, method) in routes {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
    }
    let Some(bin) = python_tools(
        "the_api_description_is_valid_openapi",
        &["openapi-spec-validator"],
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &text).unwrap();
    let out = Command::new(bin.join("openapi-spec-validator"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Examples per operation and phase: enough to reach every branch of the bodies' shapes,
/// few enough that three roles run in well under a minute on two cores.
const EXAMPLES_PER_OPERATION: &str = "60";

#[test]
fn schemathesis_finds_no_server_error_and_no_answer_outside_the_description_for_any_role() {
    let Some(bin) = python_tools("schemathesis", &["schemathesis"]) else {
        return;
    };
    let s = serve();
    let ann = s.login("ann");
    // Cases to find: numbers 1 and 2 exist, so generated ids hit real cases too.
    s.create(&ann, ELIGIBLE);
    s.create(&ann, ELIGIBLE);
    for user in ["coord", "ann", "audrey"] {
        let cookie = s.login(user);
        let work = tempfile::tempdir().unwrap();
        let out = Command::new(bin.join("schemathesis"))
            .current_dir(work.path())
            .args([
                "run",
                &s.url("/api/openapi.json"),
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance",
                "--max-examples",
                EXAMPLES_PER_OPERATION,
                "--seed",
                "1",
                // Logging out would end the session the rest of the run uses; logout has
                // tests of its own.
                "--exclude-method",
                "DELETE",
                "--header",
                &format!("Cookie: {cookie}"),
                "--no-color",
            ])
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "as {user}:\n{report}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let generated = report
            .lines()
            .find(|l| l.contains(" generated, "))
            .unwrap_or_else(|| panic!("a summary line: {report}"));
        eprintln!("schemathesis as {user}: {}", generated.trim());
    }
}
