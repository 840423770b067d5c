//! Reference data shipped with the product: UK councils and strategic
//! authorities (mySociety, CC BY 4.0), devolution footprints (mySociety plus
//! the 2024–25 changes in `footprint_changes.csv`) and the CPV 2008
//! vocabulary. Parsing is pure and unit-tested; [`load`] upserts it all in one
//! transaction with deterministic ids, so loading twice is the same as once.
use crate::server::changes::{self, Actor, Change};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::server::entities::{cpv_code, footprint, footprint_member, organisation};
use crate::types::FootprintKind;

const COUNCILS_CSV: &str =
    include_str!("../../../../reference-data/mysociety_uk_local_authorities.csv");
const FOOTPRINT_CHANGES_CSV: &str =
    include_str!("../../../../reference-data/footprint_changes.csv");
const CPV_CSV: &str = include_str!("../../../../reference-data/cpv2008_main_en.csv");

/// Namespace for the v5 ids of reference rows: the same GSS code always gets
/// the same id, on every machine and every load.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6c1f_4f0e_8d2a_4b7e_9a51_3c2d_7e90_1b44);

/// mySociety type codes of bodies that are councils (as opposed to combined
/// authorities and the GLA).
const COUNCIL_TYPES: &[&str] = &["CTY", "NMD", "UA", "MD", "LBO", "CC", "WPA", "SCO", "NID"];
/// mySociety type codes of strategic authorities that define a footprint.
const FOOTPRINT_TYPES: &[&str] = &["COMB", "SRA"];

/// Rows per INSERT: far below SQLite's bound-parameter limit for our widest table.
const CHUNK: usize = 400;

pub fn organisation_id(gss_code: &str) -> Uuid {
    Uuid::new_v5(&ID_NAMESPACE, format!("organisation/{gss_code}").as_bytes())
}

pub fn footprint_id(code: &str) -> Uuid {
    Uuid::new_v5(&ID_NAMESPACE, format!("footprint/{code}").as_bytes())
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrganisationRow {
    pub gss_code: String,
    pub register_code: String,
    pub name: String,
    pub short_name: String,
    pub category: &'static str,
    pub org_type: String,
    pub org_type_name: String,
    pub region: Option<String>,
    pub nation: String,
    pub parent_county_gss: Option<String>,
    pub start_date: Option<Date>,
    pub population: Option<i32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FootprintRow {
    pub code: String,
    pub gss_code: String,
    pub name: String,
    pub short_name: String,
    pub kind: FootprintKind,
    pub start_date: Option<Date>,
    pub source_note: Option<String>,
    /// GSS codes of member councils.
    pub members: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CpvRow {
    pub code: String,
    pub check_digit: String,
    pub label: String,
    pub level: i16,
    pub division: String,
    pub parent_code: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ReferenceData {
    /// Current councils and strategic authorities, counties before districts.
    pub organisations: Vec<OrganisationRow>,
    pub footprints: Vec<FootprintRow>,
    pub cpv: Vec<CpvRow>,
}

#[derive(serde::Deserialize)]
struct MySocietyRow {
    #[serde(rename = "local-authority-code")]
    code: String,
    #[serde(rename = "official-name")]
    official_name: String,
    #[serde(rename = "nice-name")]
    nice_name: String,
    #[serde(rename = "gss-code")]
    gss_code: String,
    #[serde(rename = "start-date")]
    start_date: String,
    #[serde(rename = "end-date")]
    end_date: String,
    nation: String,
    region: String,
    #[serde(rename = "local-authority-type")]
    la_type: String,
    #[serde(rename = "local-authority-type-name")]
    la_type_name: String,
    #[serde(rename = "county-la")]
    county_la: String,
    #[serde(rename = "combined-authority")]
    combined_authority: String,
    #[serde(rename = "pop-2020")]
    population: String,
}

#[derive(serde::Deserialize)]
struct FootprintChange {
    action: String,
    code: String,
    gss_code: String,
    name: String,
    short_name: String,
    kind: String,
    start_date: String,
    members: String,
    source: String,
}

#[derive(serde::Deserialize)]
struct CpvCsvRow {
    code8: String,
    check_digit: String,
    label_en: String,
    level: i16,
    division: String,
    parent_code: String,
}

const NAME_LOOKUP_CSV: &str =
    include_str!("../../../../reference-data/mysociety_lookup_name_to_registry.csv");

/// A council that no longer exists (merged or abolished), as mySociety
/// lists it: notices from before the change still name it.
#[derive(Clone, Debug, PartialEq)]
pub struct FormerCouncil {
    pub register_code: String,
    pub gss_code: Option<String>,
    pub name: String,
    pub short_name: String,
    pub org_type: String,
    pub org_type_name: String,
    pub region: Option<String>,
    pub nation: String,
    pub end_date: Option<Date>,
}

/// Every former council in the bundled mySociety file.
pub fn former_councils() -> Result<Vec<FormerCouncil>, String> {
    let mut found = Vec::new();
    for (index, row) in csv::Reader::from_reader(COUNCILS_CSV.as_bytes())
        .deserialize::<MySocietyRow>()
        .enumerate()
    {
        let row = row.map_err(|e| format!("councils file, line {}: {e}", index + 2))?;
        if row.end_date.trim().is_empty() || !COUNCIL_TYPES.contains(&row.la_type.trim()) {
            continue;
        }
        found.push(FormerCouncil {
            register_code: row.code.trim().to_owned(),
            gss_code: non_empty(&row.gss_code),
            name: row.official_name.trim().to_owned(),
            short_name: row.nice_name.trim().to_owned(),
            org_type: row.la_type.trim().to_owned(),
            org_type_name: format!("{} (former)", row.la_type_name.trim()),
            region: non_empty(&row.region),
            nation: row.nation.trim().to_owned(),
            end_date: parse_date("end-date", &row.end_date)?,
        });
    }
    Ok(found)
}

/// mySociety's name variants: (name as published, register code), e.g.
/// ("BURNLEY BOROUGH COUNCIL", "BUR").
pub fn name_variants() -> Result<Vec<(String, String)>, String> {
    let mut found = Vec::new();
    for (i, row) in csv::Reader::from_reader(NAME_LOOKUP_CSV.as_bytes())
        .records()
        .enumerate()
    {
        let row = row.map_err(|e| format!("name lookup file, line {}: {e}", i + 2))?;
        found.push((row[0].trim().to_owned(), row[1].trim().to_owned()));
    }
    Ok(found)
}

/// Parses the data files bundled into the binary.
pub fn bundled() -> Result<ReferenceData, String> {
    parse(COUNCILS_CSV, FOOTPRINT_CHANGES_CSV, CPV_CSV)
}

fn parse_date(field: &str, value: &str) -> Result<Option<Date>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(value, format)
        .map(Some)
        .map_err(|e| format!("{field}: {value:?} is not a YYYY-MM-DD date ({e})"))
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Parses the three CSV files. Errors name the file and the line.
pub fn parse(
    councils_csv: &str,
    changes_csv: &str,
    cpv_csv: &str,
) -> Result<ReferenceData, String> {
    let mut current = Vec::new();
    for (index, row) in csv::Reader::from_reader(councils_csv.as_bytes())
        .deserialize::<MySocietyRow>()
        .enumerate()
    {
        let line = index + 2;
        let row = row.map_err(|e| format!("councils file, line {line}: {e}"))?;
        if !row.end_date.trim().is_empty() {
            continue;
        }
        current.push((line, row));
    }

    let mut changes = Vec::new();
    for (index, row) in csv::Reader::from_reader(changes_csv.as_bytes())
        .deserialize::<FootprintChange>()
        .enumerate()
    {
        changes.push(row.map_err(|e| format!("footprint changes file, line {}: {e}", index + 2))?);
    }
    let retired: Vec<&str> = changes
        .iter()
        .filter(|c| c.action == "retire")
        .map(|c| c.code.as_str())
        .collect();

    let gss_by_register: HashMap<&str, &str> = current
        .iter()
        .map(|(_, r)| (r.code.as_str(), r.gss_code.as_str()))
        .collect();
    let mut organisations = Vec::new();
    let mut footprints = Vec::new();
    // Members of each mySociety combined-authority code, in file order.
    let mut members_by_ca: BTreeMap<&str, Vec<String>> = BTreeMap::new();

    for (line, row) in &current {
        let context = |field: &str| format!("councils file, line {line}, {field}");
        if retired.contains(&row.code.as_str()) {
            continue;
        }
        let is_council = COUNCIL_TYPES.contains(&row.la_type.as_str());
        let is_footprint = FOOTPRINT_TYPES.contains(&row.la_type.as_str());
        if !is_council && !is_footprint {
            return Err(format!(
                "{}: unknown type {:?}",
                context("local-authority-type"),
                row.la_type
            ));
        }
        let parent_county_gss = match non_empty(&row.county_la) {
            None => None,
            Some(code) => Some(
                gss_by_register
                    .get(code.as_str())
                    .map(|g| g.to_string())
                    .ok_or_else(|| {
                        format!(
                            "{}: no current council has code {code:?}",
                            context("county-la")
                        )
                    })?,
            ),
        };
        let combined_authority = row.combined_authority.trim();
        if is_council && !combined_authority.is_empty() && !retired.contains(&combined_authority) {
            members_by_ca
                .entry(combined_authority)
                .or_default()
                .push(row.gss_code.trim().to_owned());
        }
        let start_date = parse_date(&context("start-date"), &row.start_date)?;
        organisations.push(OrganisationRow {
            gss_code: row.gss_code.trim().to_owned(),
            register_code: row.code.trim().to_owned(),
            name: row.official_name.trim().to_owned(),
            short_name: row.nice_name.trim().to_owned(),
            category: if is_council {
                organisation::CATEGORY_COUNCIL
            } else {
                organisation::CATEGORY_STRATEGIC_AUTHORITY
            },
            org_type: row.la_type.trim().to_owned(),
            org_type_name: row.la_type_name.trim().to_owned(),
            region: non_empty(&row.region),
            nation: row.nation.trim().to_owned(),
            parent_county_gss,
            start_date,
            population: row
                .population
                .trim()
                .parse::<f64>()
                .ok()
                .map(|p| p.round() as i32),
        });
        if is_footprint {
            let kind = if row.la_type == "SRA" {
                FootprintKind::StrategicAuthority
            } else if row.official_name.contains("Combined County Authority") {
                FootprintKind::CombinedCountyAuthority
            } else {
                FootprintKind::CombinedAuthority
            };
            footprints.push(FootprintRow {
                code: row.gss_code.trim().to_owned(),
                gss_code: row.gss_code.trim().to_owned(),
                name: row.official_name.trim().to_owned(),
                short_name: row.nice_name.trim().to_owned(),
                kind,
                start_date,
                source_note: None,
                members: Vec::new(),
            });
            // Remember which mySociety code maps to this footprint.
            members_by_ca.entry(row.code.as_str()).or_default();
        }
    }
    for fp in &mut footprints {
        let register = organisations
            .iter()
            .find(|o| o.gss_code == fp.gss_code)
            .map(|o| o.register_code.clone());
        if let Some(members) = register.and_then(|r| members_by_ca.get(r.as_str())) {
            fp.members = members.clone();
        }
    }

    let gss_of = |code: &str| gss_by_register.get(code).map(|g| g.to_string());
    for (index, change) in changes.iter().enumerate() {
        let line = index + 2;
        if change.action == "retire" {
            continue;
        }
        if change.action != "add" {
            return Err(format!(
                "footprint changes file, line {line}, action: expected add or retire, got {:?}",
                change.action
            ));
        }
        let kind = FootprintKind::parse(&change.kind).ok_or_else(|| {
            format!(
                "footprint changes file, line {line}, kind: unknown kind {:?}",
                change.kind
            )
        })?;
        let members = change
            .members
            .split(';')
            .map(|code| gss_of(code.trim()).ok_or_else(|| format!("footprint changes file, line {line}, members: no current council has code {code:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        let start_date = parse_date(
            &format!("footprint changes file, line {line}, start_date"),
            &change.start_date,
        )?;
        let region = members
            .first()
            .and_then(|gss| organisations.iter().find(|o| &o.gss_code == gss))
            .and_then(|o| o.region.clone());
        organisations.push(OrganisationRow {
            gss_code: change.gss_code.clone(),
            register_code: change.code.clone(),
            name: change.name.clone(),
            short_name: change.short_name.clone(),
            category: organisation::CATEGORY_STRATEGIC_AUTHORITY,
            org_type: "COMB".to_owned(),
            org_type_name: kind.label().to_owned(),
            region,
            nation: "England".to_owned(),
            parent_county_gss: None,
            start_date,
            population: None,
        });
        footprints.push(FootprintRow {
            code: change.gss_code.clone(),
            gss_code: change.gss_code.clone(),
            name: change.name.clone(),
            short_name: change.short_name.clone(),
            kind,
            start_date,
            source_note: non_empty(&change.source),
            members,
        });
    }
    // Counties first, so a district's parent row always exists when it is inserted.
    organisations.sort_by_key(|o| (o.parent_county_gss.is_some(), o.gss_code.clone()));
    footprints.sort_by(|a, b| a.name.cmp(&b.name));

    let mut cpv = Vec::new();
    for (index, row) in csv::Reader::from_reader(cpv_csv.as_bytes())
        .deserialize::<CpvCsvRow>()
        .enumerate()
    {
        let row = row.map_err(|e| format!("CPV file, line {}: {e}", index + 2))?;
        cpv.push(CpvRow {
            code: row.code8,
            check_digit: row.check_digit,
            label: row.label_en,
            level: row.level,
            division: row.division,
            // The file's parent carries a check digit ("03000000-1"); we key on the 8 digits.
            parent_code: non_empty(&row.parent_code).map(|p| p.chars().take(8).collect()),
        });
    }
    // Parents before children, so every parent exists when its children arrive.
    cpv.sort_by(|a, b| (a.level, &a.code).cmp(&(b.level, &b.code)));

    Ok(ReferenceData {
        organisations,
        footprints,
        cpv,
    })
}

/// What [`load`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadReport {
    pub organisations: usize,
    pub footprints: usize,
    pub footprint_members: usize,
    pub cpv_codes: usize,
}

/// Upserts the reference data in one transaction: all of it or none of it.
pub async fn load(db: &DatabaseConnection, data: &ReferenceData) -> Result<LoadReport, DbErr> {
    let now = OffsetDateTime::now_utc();
    let txn = crate::server::db::begin_write(db).await?;

    for chunk in data.cpv.chunks(CHUNK) {
        let models = chunk.iter().map(|row| cpv_code::ActiveModel {
            code: Set(row.code.clone()),
            check_digit: Set(row.check_digit.clone()),
            label: Set(row.label.clone()),
            level: Set(row.level),
            division: Set(row.division.clone()),
            parent_code: Set(row.parent_code.clone()),
        });
        cpv_code::Entity::insert_many(models)
            .on_conflict(
                OnConflict::column(cpv_code::Column::Code)
                    .update_columns([
                        cpv_code::Column::CheckDigit,
                        cpv_code::Column::Label,
                        cpv_code::Column::Level,
                        cpv_code::Column::Division,
                        cpv_code::Column::ParentCode,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }

    for chunk in data.organisations.chunks(CHUNK) {
        let models = chunk.iter().map(|row| organisation::ActiveModel {
            id: Set(organisation_id(&row.gss_code)),
            gss_code: Set(Some(row.gss_code.clone())),
            register_code: Set(Some(row.register_code.clone())),
            name: Set(row.name.clone()),
            short_name: Set(row.short_name.clone()),
            category: Set(row.category.to_owned()),
            org_type: Set(row.org_type.clone()),
            org_type_name: Set(row.org_type_name.clone()),
            region: Set(row.region.clone()),
            nation: Set(row.nation.clone()),
            parent_county_id: Set(row.parent_county_gss.as_deref().map(organisation_id)),
            start_date: Set(row.start_date),
            end_date: Set(None),
            website: Set(None),
            population: Set(row.population),
            created_at: Set(now),
            updated_at: Set(now),
        });
        organisation::Entity::insert_many(models)
            .on_conflict(
                OnConflict::column(organisation::Column::GssCode)
                    .update_columns([
                        organisation::Column::RegisterCode,
                        organisation::Column::Name,
                        organisation::Column::ShortName,
                        organisation::Column::Category,
                        organisation::Column::OrgType,
                        organisation::Column::OrgTypeName,
                        organisation::Column::Region,
                        organisation::Column::Nation,
                        organisation::Column::ParentCountyId,
                        organisation::Column::StartDate,
                        organisation::Column::EndDate,
                        organisation::Column::Population,
                        organisation::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }

    let models = data.footprints.iter().map(|row| footprint::ActiveModel {
        id: Set(footprint_id(&row.code)),
        code: Set(row.code.clone()),
        gss_code: Set(Some(row.gss_code.clone())),
        name: Set(row.name.clone()),
        short_name: Set(row.short_name.clone()),
        kind: Set(row.kind.as_str().to_owned()),
        organisation_id: Set(Some(organisation_id(&row.gss_code))),
        start_date: Set(row.start_date),
        end_date: Set(None),
        description: Set(None),
        source_note: Set(row.source_note.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    });
    footprint::Entity::insert_many(models)
        .on_conflict(
            OnConflict::column(footprint::Column::Code)
                .update_columns([
                    footprint::Column::GssCode,
                    footprint::Column::Name,
                    footprint::Column::ShortName,
                    footprint::Column::Kind,
                    footprint::Column::OrganisationId,
                    footprint::Column::StartDate,
                    footprint::Column::EndDate,
                    footprint::Column::SourceNote,
                    footprint::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;

    // Membership of the statutory footprints is exactly what the data says:
    // replace it wholesale so a council that left a footprint disappears from it.
    let ids: Vec<Uuid> = data
        .footprints
        .iter()
        .map(|f| footprint_id(&f.code))
        .collect();
    footprint_member::Entity::delete_many()
        .filter(footprint_member::Column::FootprintId.is_in(ids))
        .exec(&txn)
        .await?;
    let members: Vec<_> = data
        .footprints
        .iter()
        .flat_map(|f| {
            f.members
                .iter()
                .map(move |gss| footprint_member::ActiveModel {
                    footprint_id: Set(footprint_id(&f.code)),
                    organisation_id: Set(organisation_id(gss)),
                    joined_on: Set(None),
                    left_on: Set(None),
                })
        })
        .collect();
    let member_count = members.len();
    for chunk in members.chunks(CHUNK) {
        footprint_member::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }

    let report = LoadReport {
        organisations: data.organisations.len(),
        footprints: data.footprints.len(),
        footprint_members: member_count,
        cpv_codes: data.cpv.len(),
    };
    // One summary event per load. No search documents are queued: reference
    // rows are not documents, and the upsert leaves every record's id, so
    // documents that show a council's name pick it up at the next reindex.
    changes::record(
        &txn,
        Actor::System,
        Change::new("reference_data.loaded", "reference_data", "bundled").after(json!({
            "organisations": report.organisations,
            "footprints": report.footprints,
            "footprint_members": report.footprint_members,
            "cpv_codes": report.cpv_codes,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// Parses and loads the bundled reference data.
pub async fn load_bundled(db: &DatabaseConnection) -> Result<LoadReport, DbErr> {
    let data = bundled().map_err(DbErr::Custom)?;
    load(db, &data).await
}

/// Whether anything has been loaded yet (used by health and start-up logs).
pub async fn is_loaded<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(organisation::Entity::find().one(db).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ReferenceData {
        bundled().expect("bundled reference data parses")
    }

    fn footprint<'a>(data: &'a ReferenceData, gss: &str) -> &'a FootprintRow {
        data.footprints
            .iter()
            .find(|f| f.gss_code == gss)
            .unwrap_or_else(|| panic!("footprint {gss}"))
    }

    #[test]
    fn every_current_uk_council_is_present() {
        let data = data();
        let councils: Vec<_> = data
            .organisations
            .iter()
            .filter(|o| o.category == "council")
            .collect();
        assert_eq!(councils.len(), 382);
        let by_nation = |n: &str| councils.iter().filter(|o| o.nation == n).count();
        assert_eq!(
            (
                by_nation("England"),
                by_nation("Wales"),
                by_nation("Scotland"),
                by_nation("Northern Ireland")
            ),
            (317, 22, 32, 11)
        );
        let manchester = councils.iter().find(|o| o.gss_code == "E08000003").unwrap();
        assert_eq!(manchester.register_code, "MAN");
        assert_eq!(manchester.org_type_name, "Metropolitan district");
        assert_eq!(manchester.region.as_deref(), Some("North West"));
    }

    #[test]
    fn districts_point_at_their_county() {
        let data = data();
        let adur = data
            .organisations
            .iter()
            .find(|o| o.register_code == "ADU")
            .unwrap();
        let west_sussex = data
            .organisations
            .iter()
            .find(|o| o.register_code == "WSX")
            .unwrap();
        assert_eq!(
            adur.parent_county_gss.as_deref(),
            Some(west_sussex.gss_code.as_str())
        );
        // Counties sort before districts so inserts never hit a missing parent.
        let first_child = data
            .organisations
            .iter()
            .position(|o| o.parent_county_gss.is_some())
            .unwrap();
        assert!(
            data.organisations[first_child..]
                .iter()
                .all(|o| o.parent_county_gss.is_some())
        );
    }

    #[test]
    fn footprints_reflect_the_2024_and_2025_changes() {
        let data = data();
        assert_eq!(data.footprints.len(), 16);
        assert!(
            data.footprints
                .iter()
                .all(|f| f.gss_code != "E47000010" && f.gss_code != "E47000011")
        );
        let north_east = footprint(&data, "E47000014");
        assert_eq!(north_east.members.len(), 7);
        assert_eq!(footprint(&data, "E47000001").members.len(), 10);
        assert_eq!(footprint(&data, "E61000001").members.len(), 33);
        assert_eq!(
            footprint(&data, "E61000001").kind,
            FootprintKind::StrategicAuthority
        );
        assert_eq!(footprint(&data, "E47000015").members.len(), 2);
        assert_eq!(footprint(&data, "E47000018").members.len(), 3);
        assert_eq!(
            footprint(&data, "E47000013").kind,
            FootprintKind::CombinedCountyAuthority
        );
        // A council belongs to at most one statutory footprint.
        let mut seen = std::collections::HashSet::new();
        for member in data.footprints.iter().flat_map(|f| &f.members) {
            assert!(seen.insert(member), "{member} is in two footprints");
        }
    }

    #[test]
    fn cpv_codes_form_a_tree() {
        let data = data();
        assert_eq!(data.cpv.len(), 9454);
        let codes: std::collections::HashSet<_> =
            data.cpv.iter().map(|c| c.code.as_str()).collect();
        for row in &data.cpv {
            match &row.parent_code {
                None => assert_eq!(row.level, 1, "{} has no parent", row.code),
                Some(parent) => assert!(
                    codes.contains(parent.as_str()),
                    "{} has unknown parent {parent}",
                    row.code
                ),
            }
        }
        let refuse = data.cpv.iter().find(|c| c.code == "90511000").unwrap();
        assert_eq!(refuse.label, "Refuse collection services");
    }

    #[test]
    fn bad_rows_are_reported_with_file_and_line() {
        let header = "local-authority-code,official-name,nice-name,gss-code,start-date,end-date,nation,region,local-authority-type,local-authority-type-name,county-la,combined-authority,pop-2020\n";
        let bad_date = format!(
            "{header}MAN,Manchester City Council,Manchester,E08000003,1st April,,England,North West,MD,Metropolitan district,,,1\n"
        );
        let err = parse(
            &bad_date,
            "action,code,gss_code,name,short_name,kind,start_date,members,source\n",
            "code8,check_digit,label_en,level,division,parent_code\n",
        )
        .unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("start-date"),
            "{err}"
        );

        let bad_county = format!(
            "{header}ADU,Adur District Council,Adur,E07000223,,,England,South East,NMD,Non-metropolitan district,WSX,,1\n"
        );
        let err = parse(
            &bad_county,
            "action,code,gss_code,name,short_name,kind,start_date,members,source\n",
            "code8,check_digit,label_en,level,division,parent_code\n",
        )
        .unwrap_err();
        assert!(err.contains("county-la") && err.contains("WSX"), "{err}");

        let err = parse(header, "action,code,gss_code,name,short_name,kind,start_date,members,source\nadd,X,E47000099,X,X,combined_authority,,NOPE,x\n", "code8,check_digit,label_en,level,division,parent_code\n").unwrap_err();
        assert!(
            err.contains("footprint changes file, line 2, members"),
            "{err}"
        );
    }
}
