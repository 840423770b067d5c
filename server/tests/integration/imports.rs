//! Open data in: the importers write real and hand-made notices through the
//! one change path — idempotently, newest release winning, one transaction
//! per file (a broken file writes nothing, good files in the same run still
//! import), joint buyers, call-offs matched to the catalogue, bodies that
//! are not councils kept, identifiers and provenance recorded. The CLI is
//! run as an operator runs it (exit status, summary line, standard input).
use std::process::{Command, Stdio};

use app::server::changes::Actor;
use app::server::entities::{
    audit_event, contract, contract_buyer, contract_supplier, identifier, organisation,
    planned_purchase, search_outbox, supplier,
};
use app::server::import::{Source, bundled, ocds};
use app::server::services::imports::{ImportContext, import_file};
use app::server::services::seed::reference::organisation_id;
use app::types::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::fixture::{created_id, framework_form};
use crate::harness::{TestApp, TestDatabase};

async fn count<E: EntityTrait>(app: &TestApp, _: E) -> u64
where
    E::Model: Sync,
{
    E::find().count(&app.db).await.expect("count")
}

/// One release as JSON, with the parts the tests vary.
fn release(ocid: &str, id: &str, date: &str, buyer: &str, title: &str, amount: &str) -> String {
    format!(
        r#"{{"ocid":"{ocid}","id":"{id}","date":"{date}","tag":["award"],
        "tender":{{"title":"{title}","classification":{{"scheme":"CPV","id":"90611000"}}}},
        "buyer":{{"name":"{buyer}"}},
        "parties":[{{"id":"GB-COH-09876543","name":"Sweepers Ltd","identifier":{{"scheme":"GB-COH","id":"9876543"}},"details":{{"scale":"sme"}},"roles":["supplier"]}}],
        "awards":[{{"id":"a","status":"active","value":{{"amount":{amount},"currency":"GBP"}},
          "suppliers":[{{"id":"GB-COH-09876543","name":"Sweepers Ltd"}}],
          "contractPeriod":{{"startDate":"2025-04-01T00:00:00Z","endDate":"2028-03-31T00:00:00Z"}}}}]}}"#
    )
    .replace('\n', " ")
}

async fn import(
    app: &TestApp,
    ctx: &mut ImportContext,
    name: &str,
    json: &str,
) -> app::server::services::imports::FileReport {
    let read = ocds::read(name, json.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    import_file(&app.db, ctx, Actor::System, Source::Ocds, name, &read)
        .await
        .expect("import")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_notices_import_and_importing_them_again_changes_nothing() {
    let app = TestApp::new().await;
    let mut ctx = ImportContext::load(&app.db, false).await.unwrap();
    let files: Vec<_> = bundled::FILES
        .iter()
        .filter(|f| f.source == Source::Ocds || f.name.contains("substance_misuse"))
        .collect();
    let mut first = Vec::new();
    for file in &files {
        let read = file.read().unwrap_or_else(|e| panic!("{e}"));
        first.push(
            import_file(
                &app.db,
                &mut ctx,
                Actor::System,
                file.source,
                file.name,
                &read,
            )
            .await
            .unwrap(),
        );
    }
    assert!(first.iter().all(|r| r.error.is_none()));
    let written: usize = first.iter().map(|r| r.new).sum();
    let contracts = count(&app, contract::Entity).await;
    let plans = count(&app, planned_purchase::Entity).await;
    assert_eq!(contracts + plans, written as u64);
    // The real files' counts: 612 OCDS releases (94 processes published in
    // two files, some in several releases) and 539 Contracts Finder rows.
    assert_eq!((contracts, plans), (779, 242));
    // The Scottish releases have no release id: kept, keyed by ocid and date.
    let scottish = planned_purchase::Entity::find()
        .filter(planned_purchase::Column::Ocid.starts_with("ocds-r6ebe6-"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(scottish.len(), 90);
    assert!(
        scottish
            .iter()
            .all(|p| p.release_id.as_deref().is_some_and(|r| r.contains('@')))
    );

    let audit = count(&app, audit_event::Entity).await;
    let outbox = count(&app, search_outbox::Entity).await;
    let mut fresh = ImportContext::load(&app.db, false).await.unwrap();
    for file in &files {
        let read = file.read().unwrap();
        let again = import_file(
            &app.db,
            &mut fresh,
            Actor::System,
            file.source,
            file.name,
            &read,
        )
        .await
        .unwrap();
        assert_eq!((again.new, again.updated), (0, 0), "{}", file.name);
    }
    assert_eq!(count(&app, contract::Entity).await, contracts);
    assert_eq!(
        count(&app, audit_event::Entity).await,
        audit,
        "no audit event for no change"
    );
    assert_eq!(count(&app, search_outbox::Entity).await, outbox);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_release_updates_the_contract_and_an_older_one_does_not() {
    let app = TestApp::new().await;
    let mut ctx = ImportContext::load(&app.db, false).await.unwrap();
    let old = release(
        "ocds-t-1",
        "r1",
        "2025-01-01T00:00:00Z",
        "Leeds City Council",
        "Street sweeping",
        "100000",
    );
    let new = release(
        "ocds-t-1",
        "r2",
        "2025-06-01T00:00:00Z",
        "Leeds City Council",
        "Street sweeping (extended)",
        "150000",
    );
    assert_eq!(import(&app, &mut ctx, "old.json", &old).await.new, 1);
    let updated = import(&app, &mut ctx, "new.json", &new).await;
    assert_eq!((updated.new, updated.updated), (0, 1));
    let stale = import(&app, &mut ctx, "old.json", &old).await;
    assert_eq!((stale.updated, stale.unchanged), (0, 1));
    let stored = contract::Entity::find()
        .filter(contract::Column::Ocid.eq("ocds-t-1"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.title, "Street sweeping (extended)");
    assert_eq!(stored.value_pence, Some(15_000_000));
    assert_eq!(stored.release_id.as_deref(), Some("r2"));
    assert_eq!(stored.buyer_organisation_id, organisation_id("E08000035"));
    assert!(stored.raw_provenance.unwrap().contains("new.json"));
    // Two releases of one process in one file: only the newest is written.
    let both = format!("{old}\n{new}\n").replace("ocds-t-1", "ocds-t-2");
    let report = import(&app, &mut ctx, "both.jsonl", &both).await;
    assert_eq!((report.new, report.superseded, report.unchanged), (1, 1, 1));

    // The supplier: one record by Companies House number, SME as the notice says.
    let sweepers = supplier::Entity::find()
        .filter(supplier::Column::CompaniesHouseNumber.eq("09876543"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(sweepers.len(), 1);
    assert!(sweepers[0].is_sme);
    let seen = identifier::Entity::find()
        .filter(identifier::Column::SubjectId.eq(sweepers[0].id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(seen.iter().any(|i| i.scheme == "GB-COH"
        && i.value == "09876543"
        && i.first_seen.contains("old.json")));
    let page = app.get(&format!("/suppliers/{}", sweepers[0].id)).await;
    page.assert_contains("09876543");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joint_buyers_call_offs_and_bodies_that_are_not_councils() {
    let app = TestApp::new().await;
    let admin = app.actor("admin", Some((Role::PlatformAdmin, None))).await;
    let gmca = organisation_id("E47000001").to_string();
    let framework = created_id(
        &app.post_form(
            "/frameworks/new",
            Some(&admin),
            &framework_form("RM6187", &gmca),
        )
        .await,
        "/frameworks/",
    );
    let mut ctx = ImportContext::load(&app.db, false).await.unwrap();
    let joint = release(
        "ocds-t-joint",
        "j1",
        "2025-01-01T00:00:00Z",
        "Chorley Council and South Ribble Borough Council",
        "Management consultancy call-off under RM6187",
        "50000",
    )
    .replace(r#""tag":["award"]"#, r#""tag":["award"],"relatedProcesses":[{"id":"1","relationship":["framework"],"title":"Management Consultancy Framework Three (RM6187)","scheme":"ocid","identifier":"ocds-b5fd17-rm6187"}]"#);
    let nhs = release(
        "ocds-t-nhs",
        "n1",
        "2025-01-01T00:00:00Z",
        "Midlands Partnership NHS Foundation Trust",
        "Home care",
        "1000",
    );
    let unknown = release(
        "ocds-t-unk",
        "u1",
        "2025-01-01T00:00:00Z",
        "Leeds City Council",
        "Rock salt from the ESPO 509_23 framework",
        "1000",
    )
    .replace(
        r#""tender":{"#,
        r#""tender":{"procurementMethodDetails":"Call-off from a framework agreement","#,
    );
    let report = import(
        &app,
        &mut ctx,
        "mixed.jsonl",
        &format!("{joint}\n{nhs}\n{unknown}\n"),
    )
    .await;
    assert_eq!(report.new, 3);
    assert_eq!(report.new_organisations, 1);

    let joint = contract::Entity::find()
        .filter(contract::Column::Ocid.eq("ocds-t-joint"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(joint.framework_id, Some(framework));
    assert!(joint.is_call_off);
    let mut buyers: Vec<_> = contract_buyer::Entity::find()
        .filter(contract_buyer::Column::ContractId.eq(joint.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.organisation_id)
        .collect();
    buyers.sort();
    let mut expected = vec![organisation_id("E07000118"), organisation_id("E07000126")];
    expected.sort();
    assert_eq!(buyers, expected, "Chorley and South Ribble");

    let unknown = contract::Entity::find()
        .filter(contract::Column::Ocid.eq("ocds-t-unk"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(unknown.is_call_off);
    assert_eq!(
        unknown.framework_id, None,
        "ESPO 509_23 is not in the catalogue"
    );
    assert_eq!(unknown.call_off_reference.as_deref(), Some("ESPO 509_23"));

    let trust = organisation::Entity::find()
        .filter(organisation::Column::Name.eq("Midlands Partnership NHS Foundation Trust"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the trust is kept as an organisation");
    assert_eq!(
        (trust.category.as_str(), trust.org_type.as_str()),
        ("public_body", "NHS")
    );
    // It never shows as a council.
    app.get("/councils")
        .await
        .assert_lacks("Midlands Partnership");
    let suppliers = contract_supplier::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(suppliers, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_file_writes_nothing_and_the_good_files_still_import() {
    let database = TestDatabase::create().await;
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    let good = release(
        "ocds-good-1",
        "g1",
        "2025-01-01T00:00:00Z",
        "Leeds City Council",
        "Gritting",
        "1000",
    );
    let first = release(
        "ocds-bad-1",
        "b1",
        "2025-01-01T00:00:00Z",
        "Leeds City Council",
        "Fine on its own",
        "1000",
    );
    let broken = release(
        "ocds-bad-2",
        "b2",
        "2025-01-01T00:00:00Z",
        "Leeds City Council",
        "Wrong type",
        r#""a lot""#,
    );
    std::fs::write(dir.join("a_good.json"), &good).unwrap();
    std::fs::write(dir.join("b_broken.jsonl"), format!("{first}\n{broken}\n")).unwrap();
    std::fs::write(dir.join("c_not_json.json"), "{\"releases\": [").unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["import", "ocds"])
        .arg(&dir)
        .env("DATABASE_URL", &database.url)
        .env("DATA_DIR", data.path())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "b_broken.jsonl, line 2, /awards/0/value/amount: expected a number, found text"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("c_not_json.json, line 1: not valid JSON"),
        "{stderr}"
    );
    assert_eq!(
        stdout.trim(),
        "3 file(s), 1 notice(s) read: 1 new, 0 updated, 0 unchanged, 2 file(s) failed, 0 warning(s)"
    );
    let ocids: Vec<Option<String>> = contract::Entity::find()
        .all(&database.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.ocid)
        .collect();
    assert_eq!(
        ocids,
        [Some("ocds-good-1".to_owned())],
        "nothing from the broken files"
    );

    // Standard input, gzip, twice: the second run changes nothing and exits 0.
    let gz = {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(first.as_bytes()).unwrap();
        encoder.finish().unwrap()
    };
    for expected in [
        "1 new, 0 updated, 0 unchanged",
        "0 new, 0 updated, 1 unchanged",
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["import", "ocds", "-"])
            .env("DATABASE_URL", &database.url)
            .env("DATA_DIR", data.path())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&gz).unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains(expected), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_finder_and_ted_csv_rows_become_contracts_and_planned_purchases() {
    let app = TestApp::new().await;
    let mut ctx = ImportContext::load(&app.db, false).await.unwrap();
    let header = "Notice Identifier,Notice Type,Organisation Name,Status,Published Date,Title,Description,Cpv Codes,Value Low,Value High,Awarded Date,Awarded Value,Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE],Contract start date,Contract end date,Start Date,End Date,Closing Date,OJEU Procedure Type";
    let csv = format!(
        "{header}\n\
         CF-1,Contract,Dudley MBC,Awarded,2020-10-02T17:30:36Z,Refuse collection vehicles,Six RCVs,34144512,0,1,28/09/2020,1200000,[Dennis Eagle Ltd|Leamington|COMPANIES_HOUSE|2008787|No|No],01/10/2020,30/09/2027,,,,Open\n\
         CF-2,Pipeline,Leeds City Council,Open,2025-11-07T16:56:46Z,Winter gritting,,34927100 99999999,70000,90000,,,,,,01/12/2025,28/02/2026,21/11/2025,\n"
    );
    let read = app::server::import::contracts_finder::read("cf.csv", csv.as_bytes()).unwrap();
    let report = import_file(
        &app.db,
        &mut ctx,
        Actor::System,
        Source::ContractsFinderCsv,
        "cf.csv",
        &read,
    )
    .await
    .unwrap();
    assert_eq!((report.new, report.planned), (2, 1));
    assert_eq!(
        report.warnings,
        ["cf.csv, line 3: CPV code 99999999 is not in the CPV 2008 vocabulary; left out"]
    );
    let rcv = contract::Entity::find()
        .filter(contract::Column::SourceId.eq("CF-1"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rcv.buyer_organisation_id,
        organisation_id("E08000027"),
        "Dudley MBC is Dudley"
    );
    assert_eq!(rcv.value_pence, Some(120_000_000));
    let plan = planned_purchase::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (plan.title.as_str(), plan.status.as_str()),
        ("Winter gritting", "open")
    );
    assert_eq!(
        (plan.value_min_pence, plan.value_max_pence),
        (Some(7_000_000), Some(9_000_000))
    );

    // TED: one contract per notice, a range kept as a range and shown as one.
    let ted = "SUPPLIER_NAME,SUPPLIER_ID,CONTRACT_BUYER,CONTRACT_TITLE,CONTRACT_DATE,CONTRACT_DESC,CONTRACT_URL,CONTRACT_VALUE,CONTRACT_CURRENCY\n\
               A Ltd,,Kent County Council,Vans,20200104,,http://ted.europa.eu/udl?uri=TED:NOTICE:001500-2020:TEXT:EN:HTML,1000000-4000000,GBP\n\
               B Ltd,,Kent County Council,Vans,20200104,,http://ted.europa.eu/udl?uri=TED:NOTICE:001500-2020:TEXT:EN:HTML,1000000-4000000,GBP\n";
    let read = app::server::import::ted::read("ted.csv", ted.as_bytes()).unwrap();
    let report = import_file(
        &app.db,
        &mut ctx,
        Actor::System,
        Source::TedCsv,
        "ted.csv",
        &read,
    )
    .await
    .unwrap();
    assert_eq!(report.new, 1);
    let vans = contract::Entity::find()
        .filter(contract::Column::SourceId.eq("001500-2020"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(vans.value_pence, None);
    assert_eq!(
        (vans.value_min_pence, vans.value_max_pence),
        (Some(100_000_000), Some(400_000_000))
    );
    let page = app.get(&format!("/contracts/{}", vans.id)).await;
    page.assert_contains("Published as a range: £1,000,000 to £4,000,000");
    page.assert_contains("A TED contract award notice");

    // A row the CSV reader cannot read: the file is refused, naming the line.
    // (Empty fields past the header's are tolerated; text there is not.)
    let broken =
        format!("{header}\nCF-3,Contract,Leeds City Council,Awarded,,T,,,,,,,,,,,,,,,,stray\n");
    let err =
        app::server::import::contracts_finder::read("bad.csv", broken.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("bad.csv, line 2: this row has 22 fields where the header has 19"),
        "{err}"
    );
    let missing =
        app::server::import::contracts_finder::read("bad.csv", b"Title\nx\n").unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("lacks the column(s) Notice Identifier, Organisation Name, Status")
    );
}

/// The web import of a council's register: preview (nothing written), the
/// refused rows and their reasons, confirmation in the buyer's name, a
/// second identical file changing nothing, and every other visitor refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_council_buyer_previews_then_confirms_their_register() {
    use crate::fixture::{MANCHESTER, World};
    let world = World::build().await;
    let app = &world.app;
    let path = format!("/councils/{MANCHESTER}/contracts/import");
    let register = "Contract Reference,Title of Agreement,Supplier Name,Company Number,SME,Start Date,End Date,Total Value (£),Organisation\n\
                    MCR-1,Highways maintenance,Roadworks Ltd,01234567,Yes,01/04/2025,31/03/2029,\"2,500,000\",Manchester City Council\n\
                    MCR-2,Library books,,,,,,,Manchester\n\
                    MCR-3,Gritting,Salt Ltd,,,,,,Leeds City Council\n\
                    MCR-4,,,,,,,lots,\n";

    let page = app.get_as(&path, Some(&world.buyer)).await;
    assert_eq!(page.status, 200);
    page.assert_contains(r#"enctype="multipart/form-data""#);

    let before = app.snapshot().await;
    let preview = app
        .post_file(
            &path,
            Some(&world.buyer),
            &[],
            ("register", "register.csv", register.as_bytes()),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(app.snapshot().await, before, "a preview writes nothing");
    preview.assert_text_contains("Will be added");
    preview.assert_contains("Highways maintenance");
    preview.assert_text_contains(
        "Organisation names Leeds City Council, not Manchester City Council: a council imports only its own register",
    );
    preview.assert_text_contains("Title of Agreement is empty");
    preview.assert_contains("Import 2 contracts");

    // Another council's buyer, someone with no role, and nobody: refused, nothing written.
    for (actor, status) in [
        (Some(&world.other_buyer), 403),
        (Some(&world.no_role), 403),
        (None, 401),
    ] {
        let refused = app
            .post_file(
                &path,
                actor,
                &[],
                ("register", "register.csv", register.as_bytes()),
            )
            .await;
        assert_eq!(refused.status, status, "{}", refused.body);
        let confirm = app
            .post_form(
                &path,
                actor,
                &[("file_name", "register.csv"), ("register_csv", register)],
            )
            .await;
        assert_eq!(confirm.status, status);
        assert_eq!(app.snapshot().await, before);
    }

    let confirmed = app
        .post_form(
            &path,
            Some(&world.buyer),
            &[("file_name", "register.csv"), ("register_csv", register)],
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    assert_eq!(
        confirmed.header("location"),
        Some(format!("{path}?added=2&changed=0").as_str())
    );
    let highways = contract::Entity::find()
        .filter(contract::Column::SourceId.eq(format!("{MANCHESTER}/MCR-1")))
        .one(&app.db)
        .await
        .unwrap()
        .expect("imported");
    assert_eq!(highways.source, "transparency_csv");
    assert_eq!(highways.value_pence, Some(250_000_000));
    assert_eq!(highways.buyer_organisation_id, organisation_id(MANCHESTER));
    let newest = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("import.file"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].actor_user_id, Some(world.buyer.user_id));
    let council = app.get(&format!("/councils/{MANCHESTER}")).await;
    council.assert_contains("Highways maintenance");
    // Its own GSS code is reference data, not an identifier "first seen" in the file.
    let gss_rows = identifier::Entity::find()
        .filter(identifier::Column::Scheme.eq("GB-GSS"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(gss_rows, 0);
    let done = app
        .get_as(&format!("{path}?added=2&changed=0"), Some(&world.buyer))
        .await;
    done.assert_text_contains("2 contracts added, 0 changed");

    // The same file again: every row unchanged, nothing to confirm.
    let again = app
        .post_file(
            &path,
            Some(&world.buyer),
            &[],
            ("register", "register.csv", register.as_bytes()),
        )
        .await;
    again.assert_text_contains("No change");
    again.assert_text_contains("Nothing in this file would change your register.");
    let audit = count(app, audit_event::Entity).await;
    let repeat = app
        .post_form(
            &path,
            Some(&world.buyer),
            &[("file_name", "register.csv"), ("register_csv", register)],
        )
        .await;
    assert_eq!(
        repeat.header("location"),
        Some(format!("{path}?added=0&changed=0").as_str())
    );
    assert_eq!(count(app, audit_event::Entity).await, audit);

    // A gzip file that would expand past 4 MB is refused without being expanded.
    let bomb = {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b'a'; 64 * 1024 * 1024]).unwrap();
        encoder.finish().unwrap()
    };
    let refused = app
        .post_file(
            &path,
            Some(&world.buyer),
            &[],
            ("register", "bomb.csv.gz", &bomb),
        )
        .await;
    assert_eq!(refused.status, 422);
    refused.assert_field_error("register", "The file must be 4 MB or smaller");

    // A file without the required columns is refused on the file field.
    let bad = app
        .post_file(
            &path,
            Some(&world.buyer),
            &[],
            ("register", "bad.csv", b"Supplier,Value\nA,1\n"),
        )
        .await;
    assert_eq!(bad.status, 422);
    bad.assert_field_error("register", "bad.csv, line 1: the header row lacks the column(s) reference (for example \"reference number\"), title (for example \"title of agreement\")");
}

/// On a terminal the import shows a progress bar with rate and ETA (run
/// under `script`, which gives it a pseudo-terminal); the summary line
/// follows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_the_import_shows_a_progress_bar() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("one.json");
    std::fs::write(
        &file,
        release(
            "ocds-tty-1",
            "t1",
            "2025-01-01T00:00:00Z",
            "Leeds City Council",
            "Gritting",
            "1000",
        ),
    )
    .unwrap();
    let command = format!(
        "{} import ocds {}",
        env!("CARGO_BIN_EXE_server"),
        file.display()
    );
    let output = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/tty.db?mode=rwc", data.path().display()),
        )
        .env("DATA_DIR", data.path())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs the import on a pseudo-terminal");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("1/1 notices"), "{shown}");
    assert!(shown.contains("ETA"), "{shown}");
    assert!(shown.contains("/s"), "{shown}");
    assert!(
        shown.contains("1 file(s), 1 notice(s) read: 1 new"),
        "{shown}"
    );
}
