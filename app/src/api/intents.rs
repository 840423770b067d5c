//! Joint buying intents (see `services::intents`): the list, one intent,
//! the registration form with its similar-purchase check, and the join,
//! lead and status forms.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use super::support;
use crate::types::{
    AppError, FormPage, IntentActionOptions, IntentFormOptions, IntentSummary, IntentView,
};

/// Every intent, or one footprint's (`footprint` is its code).
#[server(endpoint = "intents", input = GetUrl)]
pub async fn intents(footprint: Option<String>) -> Result<Vec<IntentSummary>, AppError> {
    let state = super::state()?;
    crate::server::services::intents::list(&state.db, footprint.as_deref()).await
}

#[server(endpoint = "intents/one", input = GetUrl)]
pub async fn intent(id: Uuid) -> Result<IntentView, AppError> {
    let state = super::state()?;
    crate::server::services::intents::page(&state, support::viewer().as_ref(), id).await
}

/// The registration form of a council (`gss`). Shown again after a
/// submission that passed its checks (no errors), it carries the similar
/// purchases found for the need entered.
#[server(endpoint = "intents/form", input = GetUrl)]
pub async fn intent_form(gss: String) -> Result<FormPage<IntentFormOptions>, AppError> {
    use crate::types::commands::{Command, IntentDetails};
    use crate::types::validate::Input;
    let state = super::state()?;
    let viewer = support::viewer();
    // A submission shown again (after a check) is what gets checked; a
    // plain visit may come pre-filled from a suggested joint purchase.
    let submitted = leptos::prelude::use_context::<crate::types::SubmittedForm>().is_some();
    let mut page = support::form_page(prefill_from_query(), ())?;
    let checked = (submitted && page.form.errors.is_empty())
        .then(|| IntentDetails::parse(&Input(&page.form.values)).ok())
        .flatten();
    let options = crate::server::services::intents::form_options(
        &state,
        viewer.as_ref(),
        &gss,
        checked.as_ref(),
    )
    .await?;
    if page.form.values.is_empty()
        && let [(code, _)] = options.footprints.as_slice()
    {
        // The only footprint the council is in is the answer.
        page.form.values.push((
            crate::types::commands::intent::FOOTPRINT.to_owned(),
            code.clone(),
        ));
    }
    Ok(FormPage {
        csrf_token: page.csrf_token,
        form: page.form,
        data: options,
    })
}

/// The join (`action` = "join"), lead ("lead") or status ("status") form.
#[server(endpoint = "intents/action-form", input = GetUrl)]
pub async fn intent_action_form(
    id: Uuid,
    action: String,
) -> Result<FormPage<IntentActionOptions>, AppError> {
    use crate::server::services::intents::{IntentAction, action_options};
    let state = super::state()?;
    let action = match action.as_str() {
        "join" => IntentAction::Join,
        "lead" => IntentAction::Lead,
        "status" => IntentAction::Status,
        _ => return Err(AppError::NotFound("Page".into())),
    };
    let (options, initial) = action_options(&state, support::viewer().as_ref(), id, action).await?;
    support::form_page(initial, options)
}

/// The registration form's fields given in the page's own query string (a
/// suggested joint purchase links to the form with them filled in).
#[cfg(feature = "ssr")]
fn prefill_from_query() -> Vec<(String, String)> {
    use crate::types::commands::intent as field;
    let query = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.uri.query().map(str::to_owned))
        .unwrap_or_default();
    let mut names = vec![
        field::TITLE.to_owned(),
        field::DESCRIPTION.to_owned(),
        field::CPV_CODES.to_owned(),
        field::VALUE.to_owned(),
        field::FOOTPRINT.to_owned(),
    ];
    for date in [field::WINDOW_START, field::WINDOW_END] {
        for part in ["day", "month", "year"] {
            names.push(format!("{date}-{part}"));
        }
    }
    form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| names.iter().any(|n| n == name))
        .map(|(name, value)| (name.into_owned(), value.chars().take(10_000).collect()))
        .collect()
}
