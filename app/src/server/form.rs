//! How a form submission can fail: field errors to show on the form again, or
//! a refusal (not signed in, not allowed, not found) that ends the request.
use crate::types::{AppError, FieldErrors};

#[derive(Debug)]
pub enum FormError {
    Fields(FieldErrors),
    Refused(AppError),
}

impl From<AppError> for FormError {
    fn from(error: AppError) -> Self {
        FormError::Refused(error)
    }
}

impl From<sea_orm::DbErr> for FormError {
    fn from(error: sea_orm::DbErr) -> Self {
        FormError::Refused(error.into())
    }
}

/// Maps a write's unique-constraint violation on `key` (see
/// [`crate::server::db::unique_violation`]) to an error on `field`, so the
/// database, not a check-then-insert race, decides what is a duplicate.
/// Any other error passes through unchanged.
pub fn unique_field(
    key: &'static str,
    field: &'static str,
    message: &'static str,
) -> impl FnOnce(sea_orm::DbErr) -> FormError {
    move |error| match crate::server::db::unique_violation(&error) {
        Some(found) if found == key => field_error(field, message),
        _ => error.into(),
    }
}

impl From<FieldErrors> for FormError {
    fn from(errors: FieldErrors) -> Self {
        FormError::Fields(errors)
    }
}

impl FieldErrors {
    /// `Err` with these errors when there are any.
    pub fn into_result(self) -> Result<(), FormError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(FormError::Fields(self))
        }
    }
}

/// One field error as a failed submission.
pub fn field_error(field: &str, message: impl Into<String>) -> FormError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    FormError::Fields(errors)
}
