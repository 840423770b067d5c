//! The audit log, for platform admins.
use leptos::prelude::*;
use leptos_meta::Title;

use super::catalogue::page_param;
use crate::api::account::audit_log;
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::pagination::Pagination;
use crate::components::status::loaded;
use crate::types::{AuditEntry, Page};

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let page_number = page_param();
    let page = Resource::new(move || page_number.get(), audit_log);
    view! {
        <Title text="Audit log" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Your account".into(), "/account".into())] />
        <Main>
            <h1 class="govuk-heading-l">"Audit log"</h1>
            {loaded(page, "Loading the audit log…", |page: Page<AuditEntry>| {
                let rows = page.items.iter().map(|e| view! {
                    <tr class="govuk-table__row">
                        <td class="govuk-table__cell">{e.occurred_at.clone()}</td>
                        <td class="govuk-table__cell">{e.actor.clone().unwrap_or_else(|| "System".into())}</td>
                        <td class="govuk-table__cell">{e.action.clone()}</td>
                        <td class="govuk-table__cell">{format!("{} {}", e.entity, e.entity_id)}</td>
                        <td class="govuk-table__cell"><pre class="pc-audit-summary">{e.change_summary.clone()}</pre></td>
                    </tr>
                }).collect_view();
                view! {
                    <p class="govuk-body">{format!("{} events, newest first.", page.total_items)}</p>
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-visually-hidden">"Audit events"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header">"When (UTC)"</th>
                                <th scope="col" class="govuk-table__header">"Who"</th>
                                <th scope="col" class="govuk-table__header">"What"</th>
                                <th scope="col" class="govuk-table__header">"Record"</th>
                                <th scope="col" class="govuk-table__header">"Before and after"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body">{rows}</tbody>
                    </table>
                    <Pagination path="/admin/audit" query=Vec::new() current=page.page last=page.total_pages() />
                }
            })}
        </Main>
    }
}
