//! The schema of each back end, as the `.sql` migrations under `migrations/<back end>/`, applied
//! in order and counted in the store (SQLite's `user_version`, PostgreSQL's `traject_schema`).
//! SQLite's list is the store's history since its first version; PostgreSQL's starts from the
//! SQLite schema of the day it was added. A test holds both to the same tables and columns.

macro_rules! migration {
    ($dir:literal, $file:literal) => {
        (
            $file,
            include_str!(concat!("../migrations/", $dir, "/", $file)),
        )
    };
}

/// SQLite's migrations, oldest first: (file name, statements).
pub const SQLITE: &[(&str, &str)] = &[
    migration!("sqlite", "0001_cases_events_due.sql"),
    migration!("sqlite", "0002_dossier.sql"),
    migration!("sqlite", "0003_snapshots.sql"),
    migration!("sqlite", "0004_enrolments.sql"),
    migration!("sqlite", "0005_team_application.sql"),
    migration!("sqlite", "0006_erasure_redaction.sql"),
    migration!("sqlite", "0007_organisations.sql"),
    migration!("sqlite", "0008_snapshot_scripts.sql"),
    migration!("sqlite", "0009_place_freed.sql"),
    migration!("sqlite", "0010_login_throttle.sql"),
    migration!("sqlite", "0011_tombstones.sql"),
    migration!("sqlite", "0012_second_factor_and_single_sign_on.sql"),
    migration!("sqlite", "0013_programme_history.sql"),
    migration!("sqlite", "0014_case_list_order.sql"),
    migration!("sqlite", "0015_user_email.sql"),
    migration!("sqlite", "0016_calendar_token.sql"),
    migration!("sqlite", "0017_group_sessions.sql"),
    migration!("sqlite", "0018_reminders_sent.sql"),
    migration!("sqlite", "0019_appointments.sql"),
    migration!("sqlite", "0020_waiting_list_end.sql"),
    migration!("sqlite", "0021_waiting_count.sql"),
    migration!("sqlite", "0022_places_in_organisation.sql"),
    migration!("sqlite", "0023_cases_by_list_key.sql"),
];

/// PostgreSQL's migrations, oldest first.
pub const POSTGRES: &[(&str, &str)] = &[
    migration!("postgres", "0001_schema.sql"),
    migration!("postgres", "0002_snapshot_scripts.sql"),
    migration!("postgres", "0003_place_freed.sql"),
    migration!("postgres", "0004_login_throttle.sql"),
    migration!("postgres", "0005_tombstones.sql"),
    migration!("postgres", "0006_second_factor_and_single_sign_on.sql"),
    migration!("postgres", "0007_programme_history.sql"),
    migration!("postgres", "0008_case_list_order.sql"),
    migration!("postgres", "0009_user_email.sql"),
    migration!("postgres", "0010_calendar_token.sql"),
    migration!("postgres", "0011_group_sessions.sql"),
    migration!("postgres", "0012_reminders_sent.sql"),
    migration!("postgres", "0013_appointments.sql"),
    migration!("postgres", "0014_waiting_list_end.sql"),
    migration!("postgres", "0015_waiting_count.sql"),
    migration!("postgres", "0016_places_in_organisation.sql"),
    migration!("postgres", "0017_case_read_with_its_lock.sql"),
    migration!("postgres", "0018_dossier_cases_in_order.sql"),
    migration!("postgres", "0019_cases_by_list_key.sql"),
];
