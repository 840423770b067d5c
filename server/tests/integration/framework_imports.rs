//! `server import frameworks`: framework lists in their published layouts
//! layer by authority (a less authoritative list only fills gaps), a
//! refused file writes nothing while the good ones import, importing again
//! changes nothing, and the framework page shows what was imported.
use std::process::{Command, Output, Stdio};

use app::server::entities::{audit_event, framework, identifier, lot, lot_supplier};
use app::server::services::framework_imports::{framework_id, lot_id};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::harness::TestApp;

fn import_frameworks(app: &TestApp, dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["import", "frameworks"])
        .arg(dir)
        .env("DATABASE_URL", app.database_url())
        .env("DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framework_lists_layer_by_authority_and_a_refused_file_writes_nothing() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    // Files are read in name order.
    write(
        "a_lots.csv",
        "\u{feff}framework_number,lot_number,lot_description\nRM9001,1,Vans\nRM9001,2,Cars\n",
    );
    // One supplier under two spellings: one place, by the identity rule.
    write(
        "b_places.csv",
        "framework_short_name,lot_number,salesforce_id,supplier_name\nRM9001,1,sf-1,Acme Vehicles Ltd\nRM9001,1,sf-2,ACME VEHICLES LIMITED\n",
    );
    write(
        "c_website.csv",
        "rm_number,title,lots,start_date,end_date,summary,description,benefits,how_to_buy,keywords,category\n\
         RM9001,Vehicle Purchase,\"[{'title': 'Vans', 'description': 'Value band Â£0-3m'}, {'title': 'Minibuses', 'description': None}]\",2024-01-01,2030-12-31,Buy vehicles.,<p>Cars &amp; vans</p>,Savings,Call us,\"vans, cars\",Fleet\n",
    );
    // Less authoritative than the website: fills only what is missing.
    write(
        "d_titles.csv",
        "reference,title,owner,start_date,end_date\nRM9001,Old title,CCS,2019-01-01,2020-01-01\nRM9002,Laundry,CCS,,\n",
    );
    // A place on a lot no list has: the whole file is refused.
    write(
        "e_unknown_lot.csv",
        "framework_number,lot_number,salesforce_id,supplier_name\nRM9001,1,sf-3,Bravo Ltd\nRM9001,9,sf-4,Charlie Ltd\n",
    );
    // The same reference under another owner: refused.
    write(
        "f_other_owner.csv",
        "reference,title,owner\nRM9003,Fine,CCS\nRM9001,Vehicles,ESPO\n",
    );
    write("g_not_a_list.csv", "name,value\nx,y\n");

    let output = import_frameworks(&app, dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    for expected in [
        "e_unknown_lot.csv: not imported: line 3: lot 9 of RM9001 is not in the catalogue (import its lots first)",
        "f_other_owner.csv: not imported: line 3: RM9001 is a framework of Crown Commercial Service, not of ESPO",
        "g_not_a_list.csv, line 1: the header row matches no framework layout",
        "c_website.csv, line 2: lot \"Minibuses\" of RM9001 has no number and matches none of its 2 numbered lot(s) by title; left out",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    // Read: 3 + 2 + 3 + 2 + 2 + 2 records. New: RM9001, its two lots, one
    // place, RM9002. Updated by the website: RM9001 and lot 1's description.
    // Unchanged: the second spelling's place, RM9001 in the titles file.
    assert_eq!(
        stdout.trim(),
        "7 file(s), 14 record(s) read: 5 new, 2 updated, 2 unchanged, 3 file(s) failed, 1 warning(s)"
    );

    let rm9001 = framework::Entity::find_by_id(framework_id("RM9001"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("RM9001");
    assert_eq!(rm9001.title.as_deref(), Some("Vehicle Purchase"));
    assert_eq!(rm9001.owner_name, "Crown Commercial Service");
    assert_eq!(rm9001.start_date, Some(time::macros::date!(2024 - 01 - 01)));
    assert_eq!(rm9001.description.as_deref(), Some("Cars & vans"));
    assert_eq!(rm9001.category.as_deref(), Some("Fleet"));
    assert_eq!(
        rm9001.source_layout.as_deref(),
        Some("CCS website agreements")
    );
    let vans = lot::Entity::find_by_id(lot_id("RM9001", "1"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("lot 1");
    assert_eq!(vans.description.as_deref(), Some("Value band £0-3m"));
    let lots = lot::Entity::find()
        .filter(lot::Column::FrameworkId.eq(rm9001.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(lots, 2, "Minibuses is left out, not guessed a number");
    let places = lot_supplier::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(places.len(), 1);
    // Both spellings' CCS Salesforce ids are recorded on the one supplier.
    let mut ids: Vec<(String, String)> = identifier::Entity::find()
        .filter(identifier::Column::SubjectId.eq(places[0].supplier_id))
        .filter(identifier::Column::Scheme.eq("CCS-SALESFORCE"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.value, i.first_seen))
        .collect();
    ids.sort();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids[0].0 == "sf-1" && ids[1].0 == "sf-2", "{ids:?}");
    assert!(ids[1].1.ends_with("b_places.csv, line 3"), "{ids:?}");
    // Nothing from the refused files: no Bravo, no RM9003.
    assert!(
        framework::Entity::find_by_id(framework_id("RM9003"))
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    let audit = || {
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("import.frameworks"))
            .count(&app.db)
    };
    assert_eq!(
        audit().await.unwrap(),
        4,
        "one event per file that changed something"
    );

    // Again: nothing changes, and the refused files are refused again.
    let again = import_frameworks(&app, dir.path());
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "7 file(s), 14 record(s) read: 0 new, 0 updated, 9 unchanged, 3 file(s) failed, 1 warning(s)"
    );
    assert_eq!(audit().await.unwrap(), 4);

    let page = app.get(&format!("/frameworks/{}", rm9001.id)).await;
    assert_eq!(page.status, 200);
    page.assert_contains("RM9001: Vehicle Purchase");
    page.assert_contains("Buy vehicles.");
    page.assert_contains("How to buy");
    page.assert_contains("Call us");
    page.assert_contains("vans, cars");
    page.assert_contains("Imported from");
    page.assert_contains("CCS website agreements; last changed by ");
    page.assert_contains(&format!("/lots/{}", lot_id("RM9001", "2")));
}
