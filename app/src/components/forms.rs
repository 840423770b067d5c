//! GOV.UK form components: error summary, text inputs, text areas, dates,
//! radios, checkboxes and selects. Each takes the form's [`SubmittedForm`],
//! so a failed submission shows the entered value and its error inline.
use leptos::prelude::*;

use crate::types::{FieldError, FormOption, SubmittedForm};

/// The hidden anti-forgery field every form carries.
#[component]
pub fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf_token" value=token /> }
}

/// "There is a problem", with a link to each field in error.
#[component]
pub fn FormErrorSummary(errors: Vec<FieldError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        let items = errors
            .into_iter()
            .map(|e| {
                // The token error has no field to jump to: point at the button.
                let target = if e.field == "csrf_token" {
                    "submit".to_owned()
                } else {
                    e.field
                };
                view! { <li><a href=format!("#{target}")>{e.message}</a></li> }
            })
            .collect_view();
        view! {
            <div class="govuk-error-summary" data-module="govuk-error-summary">
                <div role="alert">
                    <h2 class="govuk-error-summary__title">"There is a problem"</h2>
                    <div class="govuk-error-summary__body">
                        <ul class="govuk-list govuk-error-summary__list">{items}</ul>
                    </div>
                </div>
            </div>
        }
    })
}

/// "Error: …" under a label, and the ids that tie it to the input.
fn error_message(name: &str, form: &SubmittedForm) -> (Option<AnyView>, bool) {
    match form.error(name) {
        Some(message) => (
            Some(
                view! {
                    <p id=format!("{name}-error") class="govuk-error-message">
                        <span class="govuk-visually-hidden">"Error: "</span>
                        {message.to_owned()}
                    </p>
                }
                .into_any(),
            ),
            true,
        ),
        None => (None, false),
    }
}

fn group_class(has_error: bool) -> &'static str {
    if has_error {
        "govuk-form-group govuk-form-group--error"
    } else {
        "govuk-form-group"
    }
}

fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, kind)| format!("{name}-{kind}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn hint_view(name: &str, hint: Option<&'static str>) -> Option<AnyView> {
    hint.map(|text| {
        view! { <div id=format!("{name}-hint") class="govuk-hint">{text}</div> }.into_any()
    })
}

/// A file upload (GOV.UK file upload); its form must be multipart.
#[component]
pub fn FileField(
    name: &'static str,
    label: &'static str,
    form: SubmittedForm,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "")] accept: &'static str,
) -> impl IntoView {
    let (error, has_error) = error_message(name, &form);
    let class = if has_error {
        "govuk-file-upload govuk-file-upload--error"
    } else {
        "govuk-file-upload"
    };
    view! {
        <div class=group_class(has_error)>
            <label class="govuk-label" for=name>{label}</label>
            {hint_view(name, hint)}
            {error}
            <input
                class=class
                id=name
                name=name
                type="file"
                accept=(!accept.is_empty()).then_some(accept)
                aria-describedby=described_by(name, hint.is_some(), has_error)
            />
        </div>
    }
}

#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    form: SubmittedForm,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(default = "govuk-input")] class: &'static str,
    #[prop(default = false)] label_is_heading: bool,
    #[prop(default = true)] keep_value: bool,
) -> impl IntoView {
    let (error, has_error) = error_message(name, &form);
    let value = if keep_value {
        form.value(name).unwrap_or_default().to_owned()
    } else {
        String::new()
    };
    let input_class = if has_error {
        format!("{class} govuk-input--error")
    } else {
        class.to_owned()
    };
    let label_view = if label_is_heading {
        view! { <h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for=name>{label}</label></h1> }.into_any()
    } else {
        view! { <label class="govuk-label" for=name>{label}</label> }.into_any()
    };
    view! {
        <div class=group_class(has_error)>
            {label_view}
            {hint_view(name, hint)}
            {error}
            <input
                class=input_class
                id=name
                name=name
                type=input_type
                value=value
                autocomplete=autocomplete
                spellcheck=(input_type == "email" || input_type == "password").then_some("false")
                aria-describedby=described_by(name, hint.is_some(), has_error)
            />
        </div>
    }
}

#[component]
pub fn TextArea(
    name: &'static str,
    label: &'static str,
    form: SubmittedForm,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = 5)] rows: u32,
) -> impl IntoView {
    let (error, has_error) = error_message(name, &form);
    let value = form.value(name).unwrap_or_default().to_owned();
    let class = if has_error {
        "govuk-textarea govuk-textarea--error"
    } else {
        "govuk-textarea"
    };
    view! {
        <div class=group_class(has_error)>
            <label class="govuk-label" for=name>{label}</label>
            {hint_view(name, hint)}
            {error}
            <textarea class=class id=name name=name rows=rows aria-describedby=described_by(name, hint.is_some(), has_error)>
                {value}
            </textarea>
        </div>
    }
}

/// The GOV.UK date input: day, month and year fields named `{name}-day` etc.
#[component]
pub fn DateField(
    name: &'static str,
    legend: &'static str,
    form: SubmittedForm,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let (error, has_error) = error_message(name, &form);
    let part = move |suffix: &'static str, label: &'static str, width: &'static str| {
        let field = format!("{name}-{suffix}");
        // The day input carries the field's own id, so error links land on it.
        let id = if suffix == "day" {
            name.to_owned()
        } else {
            field.clone()
        };
        let value = form.value(&field).unwrap_or_default().to_owned();
        let class = if has_error {
            format!("govuk-input govuk-date-input__input {width} govuk-input--error")
        } else {
            format!("govuk-input govuk-date-input__input {width}")
        };
        view! {
            <div class="govuk-date-input__item">
                <div class="govuk-form-group">
                    <label class="govuk-label govuk-date-input__label" for=id.clone()>{label}</label>
                    <input class=class id=id name=field type="text" inputmode="numeric" value=value />
                </div>
            </div>
        }
    };
    view! {
        <div class=group_class(has_error)>
            <fieldset class="govuk-fieldset" role="group" aria-describedby=described_by(name, hint.is_some(), has_error)>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
                {hint_view(name, hint)}
                {error}
                <div class="govuk-date-input">
                    {part("day", "Day", "govuk-input--width-2")}
                    {part("month", "Month", "govuk-input--width-2")}
                    {part("year", "Year", "govuk-input--width-4")}
                </div>
            </fieldset>
        </div>
    }
}

/// Radios or checkboxes: one fieldset, one input per option.
#[component]
pub fn Choices(
    name: &'static str,
    legend: &'static str,
    options: Vec<FormOption>,
    form: SubmittedForm,
    #[prop(default = false)] multiple: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = false)] small: bool,
) -> impl IntoView {
    let (error, has_error) = error_message(name, &form);
    let chosen: Vec<String> = form.values_of(name).map(str::to_owned).collect();
    let (kind, base) = if multiple {
        ("checkbox", "govuk-checkboxes")
    } else {
        ("radio", "govuk-radios")
    };
    let container = if small {
        format!("{base} {base}--small")
    } else {
        base.to_owned()
    };
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, option)| {
            // The first input carries the field's id, so error links land on it.
            let id = if i == 0 { name.to_owned() } else { format!("{name}-{}", i + 1) };
            let checked = chosen.contains(&option.value);
            view! {
                <div class=format!("{base}__item")>
                    <input class=format!("{base}__input") id=id.clone() name=name type=kind value=option.value checked=checked />
                    <label class=format!("govuk-label {base}__label") for=id>{option.label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <div class=group_class(has_error)>
            <fieldset class="govuk-fieldset" aria-describedby=described_by(name, hint.is_some(), has_error)>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
                {hint_view(name, hint)}
                {error}
                <div class=container>{items}</div>
            </fieldset>
        </div>
    }
}

#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    options: Vec<FormOption>,
    form: SubmittedForm,
    #[prop(optional)] empty_label: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let (error, has_error) = error_message(name, &form);
    let chosen = form.value(name).unwrap_or_default().to_owned();
    let class = if has_error {
        "govuk-select govuk-select--error"
    } else {
        "govuk-select"
    };
    let empty = empty_label
        .map(|text| view! { <option value="" selected=chosen.is_empty()>{text}</option> });
    let items = options
        .into_iter()
        .map(|o| {
            let selected = o.value == chosen;
            view! { <option value=o.value selected=selected>{o.label}</option> }
        })
        .collect_view();
    view! {
        <div class=group_class(has_error)>
            <label class="govuk-label" for=name>{label}</label>
            {hint_view(name, hint)}
            {error}
            <select class=class id=name name=name aria-describedby=described_by(name, hint.is_some(), has_error)>
                {empty}
                {items}
            </select>
        </div>
    }
}

/// The submit button; `id="submit"` is where the expired-form error points.
#[component]
pub fn SubmitButton(
    label: &'static str,
    /// A destructive action (GOV.UK's red warning button).
    #[prop(default = false)]
    warning: bool,
) -> impl IntoView {
    let class = if warning {
        "govuk-button govuk-button--warning"
    } else {
        "govuk-button"
    };
    view! { <button type="submit" id="submit" class=class data-module="govuk-button">{label}</button> }
}

/// The page title: "Error: " first when the form has errors, as GOV.UK does.
pub fn form_title(text: &str, has_errors: bool) -> String {
    if has_errors {
        format!("Error: {text}")
    } else {
        text.to_owned()
    }
}

/// The frame every form page shares: the title ("Error: " first when the
/// submission failed), the error summary, an optional caption over the
/// heading and an optional introduction, then a POST form to `action` with
/// its anti-forgery token, the fields (`children`) and the submit button.
#[component]
pub fn FormFrame(
    heading: String,
    #[prop(default = None)] caption: Option<String>,
    #[prop(default = None)] intro: Option<&'static str>,
    errors: Vec<FieldError>,
    csrf_token: String,
    action: String,
    submit: &'static str,
    children: Children,
) -> impl IntoView {
    let title = form_title(&heading, !errors.is_empty());
    view! {
        <leptos_meta::Title text=title />
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                <FormErrorSummary errors />
                {caption.map(|c| view! { <span class="govuk-caption-l">{c}</span> })}
                <h1 class="govuk-heading-l">{heading}</h1>
                {intro.map(|text| view! { <p class="govuk-body">{text}</p> })}
                <form method="post" action=action novalidate>
                    <CsrfField token=csrf_token />
                    {children()}
                    <SubmitButton label=submit />
                </form>
            </div>
        </div>
    }
}

/// A confirmation page before a significant change (removing, disabling):
/// the question, what it will do, and a button that posts to this page's own
/// URL, with a way back. A refusal shows in the error summary above it.
#[component]
pub fn Confirmation(
    /// The question, also the page title: "Remove Lot 2: Hosting?"
    question: String,
    caption: String,
    explanation: &'static str,
    button: &'static str,
    /// Where "Cancel" goes.
    cancel: String,
    csrf_token: String,
    errors: Vec<FieldError>,
    /// A hidden field the action needs (name, value).
    #[prop(optional)]
    hidden: Option<(&'static str, &'static str)>,
    /// Red button for destructive actions.
    #[prop(default = true)]
    warning: bool,
) -> impl IntoView {
    let action = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let title = form_title(&question, !errors.is_empty());
    view! {
        <leptos_meta::Title text=title />
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-two-thirds">
                <FormErrorSummary errors />
                <span class="govuk-caption-l">{caption}</span>
                <h1 class="govuk-heading-l">{question}</h1>
                <p class="govuk-body">{explanation}</p>
                <form method="post" action=action novalidate>
                    <CsrfField token=csrf_token />
                    {hidden.map(|(name, value)| view! { <input type="hidden" name=name value=value /> })}
                    <div class="govuk-button-group">
                        <SubmitButton label=button warning />
                        <a class="govuk-link" href=cancel>"Cancel"</a>
                    </div>
                </form>
            </div>
        </div>
    }
}

/// Options from `(value, label)` pairs.
pub fn options(pairs: &[(&str, &str)]) -> Vec<FormOption> {
    pairs
        .iter()
        .map(|(value, label)| FormOption {
            value: (*value).to_owned(),
            label: (*label).to_owned(),
        })
        .collect()
}
