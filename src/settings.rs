//! Settings: what the configuration file, the command line and the environment say, resolved
//! into the values the checking core takes.
//!
//! Today's date is read here (the core reads no clock): `LYNC_LINT_TODAY` when set (tests use
//! it), else the local date, looked up only when a waiver has an expiry date.

use lync_lint_core::engine::CheckOptions;
use lync_lint_core::vocab::is_date;
use lync_lint_core::waiver::Today;

/// The local date, computed once per process.
fn local_today() -> String {
    static TODAY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TODAY.get_or_init(|| jiff::ZonedDateTime::now().date().to_string()).clone()
}

/// Today's date for waiver expiry: `LYNC_LINT_TODAY` when set, else the local date.
///
/// # Errors
/// When `LYNC_LINT_TODAY` is not a valid date.
pub fn today() -> Result<Today, String> {
    match std::env::var("LYNC_LINT_TODAY") {
        Ok(d) if is_date(&d) => Ok(Today::date(d)),
        Ok(d) => Err(format!("LYNC_LINT_TODAY=`{d}` is not a date (`YYYY-MM-DD`)")),
        Err(_) => Ok(Today::clock(local_today)),
    }
}

/// Today's date as a date, `LYNC_LINT_TODAY` when it is valid (for waiver quick fixes).
#[must_use]
pub fn today_date() -> String {
    today().unwrap_or_else(|_| Today::clock(local_today)).get()
}

/// The check options every command starts from: syntax errors explained by the `kdl` crate
/// ([`crate::syntax::explain`]), no target, no rule overrides, no waiver expired.
#[must_use]
pub fn check_options() -> CheckOptions {
    CheckOptions { explain: crate::syntax::explain, ..CheckOptions::default() }
}
