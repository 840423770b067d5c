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
    let mut page = support::form_page(Vec::new(), ())?;
    let checked = (!page.form.values.is_empty() && page.form.errors.is_empty())
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
