//! Mappings several read services share (a council as a list row, counts
//! per key). A leaf module: it depends on no other service, so the read
//! services can use it without depending on each other.
use std::collections::HashMap;

use crate::server::entities::organisation;
use crate::types::CouncilSummary;

/// A council as a row in a list.
pub fn council(model: &organisation::Model) -> CouncilSummary {
    CouncilSummary {
        gss_code: model.gss_code.clone().unwrap_or_default(),
        name: model.name.clone(),
        short_name: model.short_name.clone(),
        org_type_name: model.org_type_name.clone(),
        region: model.region.clone(),
        nation: model.nation.clone(),
    }
}

/// How many times each key occurs (members per footprint, lots per framework).
pub fn count_by<K: std::hash::Hash + Eq>(keys: impl IntoIterator<Item = K>) -> HashMap<K, u64> {
    let mut counts = HashMap::new();
    for key in keys {
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}
