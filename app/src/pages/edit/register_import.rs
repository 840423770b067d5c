//! Import a council's contract register from a CSV file: choose the file,
//! see what each row would do (added, changed, unchanged, refused with the
//! reasons), then confirm. Works without JavaScript: the file goes up as a
//! multipart form, the preview comes back as the page, and the
//! confirmation posts the same rows back; nothing is written before it.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

use crate::api::editing::register_import_form;
use crate::components::forms::{CsrfField, FileField, FormErrorSummary, form_title};
use crate::components::layout::Main;
use crate::components::status::loaded;
use crate::types::{
    AppError, FormPage, RegisterImportPage, RegisterPreview, RegisterUpload, RowOutcome,
    register_field,
};

/// `/councils/:gss/contracts/import`; after a confirmed import,
/// `?added=N&changed=N` shows what was written.
#[component]
pub fn RegisterImportFormPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.with(|p| p.get("gss")),
        |gss| async move {
            let gss = gss.ok_or_else(|| AppError::NotFound("Council".into()))?;
            register_import_form(gss).await
        },
    );
    let query = use_query_map();
    let done = move || {
        query.with_untracked(|q| {
            let number = |key: &str| q.get(key).and_then(|v| v.parse::<usize>().ok());
            number("added").zip(number("changed"))
        })
    };
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<RegisterImportPage>| {
                let FormPage { csrf_token, form, data } = page;
                let heading = "Import contracts from your register";
                view! {
                    <leptos_meta::Title text=form_title(heading, !form.errors.is_empty()) />
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-full">
                            <FormErrorSummary errors=form.errors.clone() />
                            {done().map(|(added, changed)| view! {
                                <div class="govuk-panel govuk-panel--confirmation">
                                    <h2 class="govuk-panel__title">"Register imported"</h2>
                                    <div class="govuk-panel__body">{format!("{added} contracts added, {changed} changed")}</div>
                                </div>
                            })}
                            <span class="govuk-caption-l">{data.council_name.clone()}</span>
                            <h1 class="govuk-heading-l">{heading}</h1>
                            {match data.upload.clone() {
                                Some(upload) => view! { <Preview upload csrf_token=csrf_token.clone() action=action() /> }.into_any(),
                                None => ().into_any(),
                            }}
                            <p class="govuk-body">
                                "Choose your council's contract register as published under the Local Government Transparency Code (a CSV file). "
                                "Each row needs a reference and a title; the other columns are read when present: description, department, supplier, "
                                "supplier's Companies House number, SME, VCSE, start date, end date, value, CPV codes and procurement process. "
                                "You will see what each row would do before anything is saved."
                            </p>
                            <form method="post" action=action() enctype="multipart/form-data" novalidate>
                                <CsrfField token=csrf_token />
                                <FileField name=register_field::FILE label="Contract register (CSV)" hint="UTF-8 CSV, up to 4 MB, gzip accepted" accept=".csv,.gz,text/csv" form=form />
                                <button type="submit" class="govuk-button" data-module="govuk-button">"Check the file"</button>
                            </form>
                            <p class="govuk-body"><a class="govuk-link" href=format!("/councils/{}", data.gss_code)>{format!("Back to {}", data.council_name)}</a></p>
                        </div>
                    </div>
                }
            })}
        </Main>
    }
}

fn outcome_tag(outcome: RowOutcome) -> impl IntoView {
    let class = match outcome {
        RowOutcome::Add => "govuk-tag govuk-tag--green",
        RowOutcome::Change => "govuk-tag govuk-tag--blue",
        RowOutcome::Unchanged => "govuk-tag govuk-tag--grey",
        RowOutcome::Refused => "govuk-tag govuk-tag--red",
    };
    view! { <strong class=class>{outcome.label()}</strong> }
}

/// The rows of a sent file and the confirmation form.
#[component]
fn Preview(upload: RegisterUpload, csrf_token: String, action: String) -> impl IntoView {
    let RegisterUpload { preview, csv } = upload;
    let counts = |p: &RegisterPreview| {
        [
            RowOutcome::Add,
            RowOutcome::Change,
            RowOutcome::Unchanged,
            RowOutcome::Refused,
        ]
        .map(|o| (o.label(), p.count(o)))
    };
    let summary = counts(&preview)
        .into_iter()
        .map(|(label, n)| {
            view! {
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">{label}</dt>
                    <dd class="govuk-summary-list__value">{n}</dd>
                </div>
            }
        })
        .collect_view();
    let to_write = preview.count(RowOutcome::Add) + preview.count(RowOutcome::Change);
    let rows = preview
        .rows
        .iter()
        .map(|r| view! {
            <tr class="govuk-table__row">
                <td class="govuk-table__cell govuk-table__cell--numeric">{r.line}</td>
                <td class="govuk-table__cell">{r.reference.clone()}</td>
                <td class="govuk-table__cell">{r.title.clone()}</td>
                <td class="govuk-table__cell">{outcome_tag(r.outcome)}</td>
                <td class="govuk-table__cell">
                    {(!r.notes.is_empty()).then(|| view! {
                        <ul class="govuk-list">{r.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                    })}
                </td>
            </tr>
        })
        .collect_view();
    view! {
        <h2 class="govuk-heading-m">{format!("What {} would do", preview.file_name)}</h2>
        <dl class="govuk-summary-list">{summary}</dl>
        <table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--s">"Every row of the file"</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Line"</th>
                    <th scope="col" class="govuk-table__header">"Reference"</th>
                    <th scope="col" class="govuk-table__header">"Title"</th>
                    <th scope="col" class="govuk-table__header">"What happens"</th>
                    <th scope="col" class="govuk-table__header">"Notes"</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">{rows}</tbody>
        </table>
        {if to_write > 0 {
            view! {
                <form method="post" action=action novalidate>
                    <CsrfField token=csrf_token />
                    <input type="hidden" name=register_field::FILE_NAME value=preview.file_name.clone() />
                    <input type="hidden" name=register_field::CSV value=csv />
                    <p class="govuk-body">"Refused rows are not imported. Fix them in your file and send it again to import them."</p>
                    <button type="submit" class="govuk-button" data-module="govuk-button">{format!("Import {to_write} contracts")}</button>
                </form>
                <h2 class="govuk-heading-m">"Or check another file"</h2>
            }.into_any()
        } else {
            view! {
                <p class="govuk-body">"Nothing in this file would change your register."</p>
                <h2 class="govuk-heading-m">"Check another file"</h2>
            }.into_any()
        }}
    }
}
