//! The server sends the day's reminder e-mails itself, once the configured time of day
//! (`mail.reminders_at`, local time) has come: each minute it looks whether today's are done;
//! the store's send log makes sure that each user gets one digest a day however many servers
//! share the store. When the mail server fails, the server tries again a quarter of an hour
//! later (the digests sent already are not sent again). The log names how many, never whom.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use traject_app::mail::MailSettings;
use traject_app::reminders::{self, Outcome};
use traject_app::{AppError, Ctx, Role};

use crate::Server;

/// How often the server looks whether the day's reminders are due.
const LOOK_EVERY: Duration = Duration::from_secs(60);
/// How long it waits after a failed send before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(15 * 60);

pub async fn daily(server: Arc<Server>, mail: MailSettings) {
    let Some(at) = mail.reminders_at else { return };
    let mut done: Option<NaiveDate> = None;
    loop {
        let today = server.today();
        let mut wait = LOOK_EVERY;
        if done != Some(today) && server.clock.minute_now() >= at {
            let (s, m) = (server.clone(), mail.clone());
            match tokio::task::spawn_blocking(move || send_all(&s, &m, today)).await {
                Ok(Ok((sent, 0))) => {
                    tracing::info!(sent, "reminder e-mails of the day sent");
                    done = Some(today);
                }
                Ok(Ok((sent, failed))) => {
                    tracing::warn!(
                        sent,
                        failed,
                        "reminder e-mails not all sent: trying again later"
                    );
                    wait = RETRY_AFTER;
                }
                Ok(Err(e)) => {
                    tracing::warn!(error = %traject_i18n::catalogue::app_error(&e, traject_i18n::Lang::En), "reminder e-mails not sent: trying again later");
                    wait = RETRY_AFTER;
                }
                Err(_) => wait = RETRY_AFTER,
            }
        }
        tokio::time::sleep(wait).await;
    }
}

/// Send today's digests: (sent, failed).
fn send_all(
    server: &Server,
    mail: &MailSettings,
    today: NaiveDate,
) -> Result<(usize, usize), AppError> {
    let mut store = server.store()?;
    // The server acts on its own, with the rights of whoever holds the store.
    let ctx = Ctx {
        on: today,
        actor: "traject serve".to_string(),
        role: Role::CommandLine,
        team: None,
        org: None,
    };
    let programs = server.catalogue.served_to(None);
    let digests = reminders::digests(&store, &programs, &server.clock, mail.days(), &ctx)?;
    let (mut sent, mut failed) = (0, 0);
    for d in &digests {
        let (subject, body) = traject_render::reminders::message(d);
        match reminders::send_once(&mut store, mail, d, &subject, &body, &ctx)? {
            Outcome::Sent => sent += 1,
            Outcome::AlreadySent => {}
            Outcome::Failed(_) => failed += 1,
        }
    }
    Ok((sent, failed))
}
