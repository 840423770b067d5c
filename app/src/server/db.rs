//! Opening the database and bringing its schema up to date.
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use super::Config;

/// Connects to the configured database, creating the SQLite directory if needed.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            DbErr::Custom(format!(
                "cannot create data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
    }
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    Database::connect(options).await
}

/// Begins a transaction that will write: every service's change starts
/// here. On SQLite it takes the write lock at `BEGIN` (`BEGIN IMMEDIATE`),
/// so a second writer waits its turn (the busy timeout). A transaction
/// begun the default way reads first and asks for the lock at its first
/// write; if another connection has written in between, SQLite cannot
/// upgrade its now stale snapshot and fails at once with "database is
/// locked" instead of waiting. PostgreSQL ignores the mode.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Reverts `steps` migrations (all of them when `None`).
pub async fn rollback(db: &DatabaseConnection, steps: Option<u32>) -> Result<(), DbErr> {
    Migrator::down(db, steps).await
}

/// The unique key a failed write ran into, as `table_column[_column…]`
/// (e.g. `framework_reference`, `lot_framework_id_number`), whichever
/// backend raised it; `None` for any other error.
///
/// SQLite names the columns ("UNIQUE constraint failed: lot.framework_id,
/// lot.number"); PostgreSQL names the constraint, which the migrations call
/// `{table}_{column}_key` (column constraints) or `ix_{table}_{columns}`
/// (unique indexes). Both map to the same key, so services match one name.
pub fn unique_violation(err: &DbErr) -> Option<String> {
    match err.sql_err()? {
        sea_orm::SqlErr::UniqueConstraintViolation(message) => Some(unique_key(&message)),
        _ => None,
    }
}

fn unique_key(message: &str) -> String {
    if let Some(columns) = message.split("UNIQUE constraint failed: ").nth(1) {
        let mut table = None;
        let mut parts = Vec::new();
        for qualified in columns.split(',').map(str::trim) {
            let (t, column) = qualified.split_once('.').unwrap_or(("", qualified));
            table.get_or_insert(t.to_owned());
            parts.push(column.to_owned());
        }
        return format!("{}_{}", table.unwrap_or_default(), parts.join("_"));
    }
    let constraint = message.split('"').nth(1).unwrap_or(message);
    let constraint = constraint.strip_prefix("ix_").unwrap_or(constraint);
    constraint
        .strip_suffix("_key")
        .unwrap_or(constraint)
        .to_owned()
}

/// Writes a consistent copy of an SQLite database to `target` while it
/// stays in use (`VACUUM INTO`: one read transaction, no lock on writers
/// longer than a normal read). PostgreSQL has `pg_dump` for this.
pub async fn backup_sqlite(db: &DatabaseConnection, target: &std::path::Path) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Err(DbErr::Custom(
            "backup works on SQLite; for PostgreSQL use pg_dump (see the README)".into(),
        ));
    }
    if target.exists() {
        return Err(DbErr::Custom(format!(
            "{} already exists: choose a new file",
            target.display()
        )));
    }
    let path = target.to_string_lossy().replace('\'', "''");
    db.execute_raw(Statement::from_string(
        DatabaseBackend::Sqlite,
        format!("VACUUM INTO '{path}'"),
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::unique_key;

    #[test]
    fn both_backends_name_the_same_unique_key() {
        assert_eq!(
            unique_key("UNIQUE constraint failed: framework.reference"),
            "framework_reference"
        );
        assert_eq!(
            unique_key(
                "duplicate key value violates unique constraint \"framework_reference_key\""
            ),
            "framework_reference"
        );
        assert_eq!(
            unique_key("UNIQUE constraint failed: lot.framework_id, lot.number"),
            "lot_framework_id_number"
        );
        assert_eq!(
            unique_key(
                "duplicate key value violates unique constraint \"ix_lot_framework_id_number\""
            ),
            "lot_framework_id_number"
        );
    }
}
