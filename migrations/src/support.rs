//! Small builders shared by the migrations so each table reads as a list of columns.
use sea_orm_migration::{prelude::*, schema::*};

/// A foreign key from `table.column` to `target.target_column`. `cascade`
/// deletes dependants with their parent; otherwise the parent cannot be
/// deleted while referenced.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    target_column: &'static str,
    cascade: bool,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, target_column)
        .on_delete(if cascade {
            ForeignKeyAction::Cascade
        } else {
            ForeignKeyAction::Restrict
        })
        .to_owned()
}

/// A non-unique index named after its table and columns.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        statement.col(*column);
    }
    statement.to_owned()
}

/// `created_at` / `updated_at`, set by the services (not by database defaults,
/// which differ between SQLite and PostgreSQL).
pub fn timestamps(table: &mut TableCreateStatement) {
    table
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"));
}

/// A many-to-many link table whose rows vanish with either side. The second
/// side may be a CPV code, whose key is the code itself.
pub fn link_table(
    table: &'static str,
    (left, left_table): (&'static str, &'static str),
    (right, right_table): (&'static str, &'static str),
) -> TableCreateStatement {
    let right_column = if right_table == "cpv_code" {
        string_len(right, 8)
    } else {
        uuid(right)
    };
    let right_target = if right_table == "cpv_code" {
        "code"
    } else {
        "id"
    };
    Table::create()
        .table(table)
        .col(uuid(left))
        .col(right_column)
        .primary_key(Index::create().col(left).col(right))
        .foreign_key(&mut fk(table, left, left_table, "id", true))
        .foreign_key(&mut fk(
            table,
            right,
            right_table,
            right_target,
            right_table != "cpv_code",
        ))
        .to_owned()
}

/// Drops tables in the order given (dependants first).
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).to_owned())
            .await?;
    }
    Ok(())
}

/// Adds `columns` to `table`, one ALTER each (SQLite takes one at a time).
pub async fn add_columns(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    for column in columns {
        manager
            .alter_table(Table::alter().table(table).add_column(column).to_owned())
            .await?;
    }
    Ok(())
}

/// Drops `columns` (as [`add_columns`] added them) from `table`.
pub async fn drop_columns(
    manager: &SchemaManager<'_>,
    table: &'static str,
    columns: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    for column in columns {
        let name = column.get_column_name();
        manager
            .alter_table(
                Table::alter()
                    .table(table)
                    .drop_column(Alias::new(name))
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}
