//! sea-orm entities, one module per table, mirroring the migrations in the
//! `migrations` crate column for column. Only tables the services use so far
//! have an entity; the rest are added as their services arrive.
pub mod app_user;
pub mod audit_event;
pub mod buying_intent;
pub mod buying_intent_cpv;
pub mod contract;
pub mod contract_buyer;
pub mod contract_cpv;
pub mod contract_supplier;
pub mod cpv_code;
pub mod demand_follow;
pub mod email_outbox;
pub mod email_token;
pub mod footprint;
pub mod footprint_member;
pub mod framework;
pub mod framework_eligibility;
pub mod identifier;
pub mod intent_participant;
pub mod lot;
pub mod lot_cpv;
pub mod lot_supplier;
pub mod membership;
pub mod offer;
pub mod offer_cpv;
pub mod offer_footprint;
pub mod offer_lot;
pub mod organisation;
pub mod planned_purchase;
pub mod planned_purchase_cpv;
pub mod search_outbox;
pub mod shortlist;
pub mod shortlist_item;
pub mod supplier;
pub mod supplier_access_request;
pub mod user_session;
