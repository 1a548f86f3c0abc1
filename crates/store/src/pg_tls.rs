//! TLS to PostgreSQL, with libpq's connection-string words: `sslmode=disable|prefer|require|
//! verify-ca|verify-full` and `sslrootcert=FILE` (PEM; `system` for the operating system's
//! authorities). rustls with the ring provider does the work, so no C toolchain or OpenSSL is
//! needed. As in libpq: `prefer` (the default) and `require` encrypt without checking the
//! server's certificate — unless `sslrootcert` is given, when they check it as `verify-ca`
//! does; `verify-ca` checks that a trusted authority signed it; `verify-full` checks that too
//! and that it names the host connected to.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use traject_cases::store::TlsSetting;

use super::StoreError;

/// The authorities Debian (and most Linux systems) trust, for `sslrootcert=system`.
const SYSTEM_ROOTS: &str = "/etc/ssl/certs/ca-certificates.crt";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// A connection: the URL as the PostgreSQL client reads it (TLS words it does not know
/// replaced), and how to wrap the socket.
pub(super) struct Plan {
    pub url: String,
    pub tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
}

/// Read the TLS words of `url`; `shown` (the masked URL) names the target in errors.
pub(super) fn plan(url: &str, shown: &str) -> Result<Plan, StoreError> {
    let fail = |problem| StoreError::ConnectTls {
        target: shown.to_string(),
        problem,
    };
    let (mode, root_cert, url) = words(url).map_err(fail)?;
    if mode == Mode::Disable {
        return Ok(Plan { url, tls: None });
    }
    let roots = match &root_cert {
        Some(path) => Some(read_roots(path).map_err(fail)?),
        None if matches!(mode, Mode::VerifyCa | Mode::VerifyFull) => {
            let mode = if mode == Mode::VerifyCa {
                "verify-ca"
            } else {
                "verify-full"
            };
            return Err(fail(TlsSetting::NeedsRootCert {
                mode: mode.to_string(),
            }));
        }
        None => None,
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let authorities = match roots {
        None => None,
        Some(roots) => Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| {
                    fail(TlsSetting::RootCert {
                        path: root_cert.clone().unwrap_or_default(),
                        reason: e.to_string(),
                    })
                })?,
        ),
    };
    let verifier = Arc::new(Checks {
        provider: provider.clone(),
        authorities,
        name: mode == Mode::VerifyFull,
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Plan {
        url,
        tls: Some(tokio_postgres_rustls::MakeRustlsConnect::new(config)),
    })
}

/// The URL's `sslmode` and `sslrootcert`, and the URL as the client reads it: those two
/// taken out, and `sslmode` put back as one of the client's three (verification is ours).
fn words(url: &str) -> Result<(Mode, Option<String>, String), TlsSetting> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = Mode::Prefer;
    let mut root_cert = None;
    let mut kept: Vec<&str> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=').unwrap_or((pair, "")) {
            ("sslmode", value) => {
                mode = match value {
                    "disable" => Mode::Disable,
                    "prefer" => Mode::Prefer,
                    "require" => Mode::Require,
                    "verify-ca" => Mode::VerifyCa,
                    "verify-full" => Mode::VerifyFull,
                    other => {
                        return Err(TlsSetting::UnknownMode {
                            given: other.to_string(),
                        })
                    }
                }
            }
            ("sslrootcert", value) => root_cert = Some(value.to_string()),
            _ => kept.push(pair),
        }
    }
    kept.push(match mode {
        Mode::Disable => "sslmode=disable",
        Mode::Prefer => "sslmode=prefer",
        _ => "sslmode=require",
    });
    Ok((mode, root_cert, format!("{base}?{}", kept.join("&"))))
}

/// The authorities in a PEM file (or the system's).
fn read_roots(path: &str) -> Result<RootCertStore, TlsSetting> {
    let file = if path == "system" { SYSTEM_ROOTS } else { path };
    let problem = |reason: String| TlsSetting::RootCert {
        path: file.to_string(),
        reason,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(file)
        .map_err(|e| problem(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| problem(e.to_string()))?;
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(problem("no certificate in it".to_string()));
    }
    Ok(roots)
}

/// What is checked of the server's certificate. The handshake's signatures are always
/// checked; without authorities (`prefer` and `require`, as libpq) any certificate is taken;
/// with them, it must chain to one, and with `name` (`verify-full`) name the host too.
#[derive(Debug)]
struct Checks {
    provider: Arc<CryptoProvider>,
    authorities: Option<Arc<WebPkiServerVerifier>>,
    name: bool,
}

impl ServerCertVerifier for Checks {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(authorities) = &self.authorities else {
            return Ok(ServerCertVerified::assertion());
        };
        let checked = authorities.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match checked {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Connect to the server at `url` as `plan` says.
pub(super) fn connect(url: &str, shown: &str) -> Result<postgres::Client, StoreError> {
    let plan = plan(url, shown)?;
    let connected = match plan.tls {
        Some(tls) => postgres::Client::connect(&plan.url, tls),
        None => postgres::Client::connect(&plan.url, postgres::NoTls),
    };
    connected.map_err(|e| StoreError::Connect {
        target: shown.to_string(),
        reason: super::postgres::describe(&e),
    })
}
