//! The mail server reminders go through (`[mail]` in the settings) and sending one message
//! through it with `lettre`: STARTTLS on the submission port by default, TLS from the first
//! byte (`security = "tls"`, port 465), or none for a relay on the same host; credentials when
//! the server asks for them. The message is plain text, UTF-8, and holds no personal data.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};

use crate::config::Expected;

/// How the connection to the mail server is protected, as the settings write it.
pub const SECURITY_WORDS: &[&str] = &["starttls", "tls", "none"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (required): the submission port, 587.
    #[default]
    StartTls,
    /// TLS from the first byte: port 465.
    Tls,
    /// No encryption: only for a relay on the same host or a test server.
    None,
}

/// The mail server and the reminders' schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailSettings {
    pub host: String,
    /// The port (default: 587 with STARTTLS, 465 with TLS, 25 without).
    pub port: Option<u16>,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<String>,
    /// Certificates (PEM) of a CA to trust besides the system's: an office's own mail relay.
    pub ca_file: Option<std::path::PathBuf>,
    /// Their contents, read when the settings are (a bad file is a settings problem).
    pub ca_pem: Option<Vec<u8>>,
    /// The sender's address.
    pub from: String,
    /// When the server sends the day's reminders (minutes after midnight, local time);
    /// `None`: only `traject remind` sends them.
    pub reminders_at: Option<u32>,
    /// How many days ahead a digest looks for evaluation windows opening (default
    /// `DEFAULT_REMINDER_DAYS`).
    pub reminder_days: Option<u32>,
}

/// The days ahead a digest looks when the settings do not say: a working week and a weekend.
pub const DEFAULT_REMINDER_DAYS: u32 = 7;

/// Why reminders were not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailProblem {
    /// No mail server in the settings (`mail.host` and `mail.from`).
    NotConfigured,
    /// The mail server failed for some digests (tried again on the next run).
    Failed {
        host: String,
        reason: String,
        failed: usize,
    },
}

impl From<MailProblem> for crate::AppError {
    fn from(p: MailProblem) -> Self {
        crate::AppError::Mail(p)
    }
}

/// Why a message was not sent (the mail server's words, which name no person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub host: String,
    pub reason: String,
}

impl MailSettings {
    /// Set one `mail.` key from its text or number, or say what it takes.
    pub(crate) fn set(
        &mut self,
        key: &str,
        text: Option<&str>,
        number: Option<u64>,
        expected: Expected,
    ) -> Result<(), Expected> {
        let text = || text.filter(|t| !t.is_empty()).map(str::to_string);
        match key {
            "mail.host" => self.host = text().ok_or(expected)?,
            "mail.port" => {
                self.port = Some(
                    number
                        .and_then(|n| u16::try_from(n).ok())
                        .filter(|p| *p > 0)
                        .ok_or(expected)?,
                )
            }
            "mail.security" => {
                self.security = match text().as_deref() {
                    Some("starttls") => Security::StartTls,
                    Some("tls") => Security::Tls,
                    Some("none") => Security::None,
                    _ => return Err(expected),
                }
            }
            "mail.user" => self.user = Some(text().ok_or(expected)?),
            "mail.ca_file" => {
                let path = std::path::PathBuf::from(text().ok_or(Expected::PemCertificates)?);
                let pem = std::fs::read(&path)
                    .ok()
                    .filter(|pem| {
                        let marker: &[u8] = b"-----BEGIN CERTIFICATE-----";
                        pem.windows(marker.len()).any(|w| w == marker)
                            && Certificate::from_pem(pem).is_ok()
                    })
                    .ok_or(Expected::PemCertificates)?;
                self.ca_file = Some(path);
                self.ca_pem = Some(pem);
            }
            "mail.password" => self.password = Some(text().ok_or(expected)?),
            "mail.from" => {
                let from = text().filter(|f| f.parse::<Mailbox>().is_ok());
                self.from = from.ok_or(Expected::EmailAddress)?;
            }
            "mail.reminders_at" => {
                let at = text().and_then(|t| crate::sessions::minute_of_day(&t));
                self.reminders_at = Some(at.ok_or(Expected::ClockTime)?);
            }
            "mail.reminder_days" => {
                self.reminder_days =
                    Some(number.and_then(|n| u32::try_from(n).ok()).ok_or(expected)?);
            }
            _ => return Err(expected),
        }
        Ok(())
    }

    /// How many days ahead a digest looks.
    pub fn days(&self) -> u32 {
        self.reminder_days.unwrap_or(DEFAULT_REMINDER_DAYS)
    }

    /// The port: the one set, else the usual one for the security.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        })
    }

    /// Send one plain-text message to `to`.
    pub fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), SendError> {
        let failed = |reason: String| SendError {
            host: self.host.clone(),
            reason,
        };
        let from: Mailbox = self.from.parse().map_err(|e| failed(format!("{e}")))?;
        let to: Mailbox = to.parse().map_err(|e| failed(format!("{e}")))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| failed(e.to_string()))?;
        let tls = || {
            let mut params = TlsParameters::builder(self.host.clone());
            if let Some(pem) = &self.ca_pem {
                let ca = Certificate::from_pem(pem).map_err(|e| failed(e.to_string()))?;
                params = params.add_root_certificate(ca);
            }
            params.build_rustls().map_err(|e| failed(e.to_string()))
        };
        let mut transport = SmtpTransport::builder_dangerous(&self.host)
            .port(self.port())
            .timeout(Some(Duration::from_secs(30)));
        transport = match self.security {
            Security::StartTls => transport.tls(Tls::Required(tls()?)),
            Security::Tls => transport.tls(Tls::Wrapper(tls()?)),
            Security::None => transport.tls(Tls::None),
        };
        if let (Some(user), Some(password)) = (&self.user, &self.password) {
            transport = transport.credentials(Credentials::new(user.clone(), password.clone()));
        }
        transport
            .build()
            .send(&message)
            .map(|_| ())
            .map_err(|e| failed(e.to_string()))
    }
}
