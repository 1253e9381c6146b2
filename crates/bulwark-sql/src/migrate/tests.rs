//! DDL snapshots per dialect for a small schema, and the pieces migrations are made of.

use bulwark_core::schema::{FieldDef, FieldType, ModelDef, OnDelete, Schema};

use super::*;

fn schema() -> Schema {
    Schema::new(vec![
        ModelDef::new("member")
            .field(
                FieldDef::new("userId", FieldType::String)
                    .required()
                    .references("user", "id"),
            )
            .field(
                FieldDef::new("teamId", FieldType::String)
                    .references("team", "id")
                    .on_delete(OnDelete::SetNull),
            )
            .index("member_user_team_uidx", &["userId", "teamId"], true),
        ModelDef::new("user")
            .field(
                FieldDef::new("email", FieldType::String)
                    .required()
                    .unique()
                    .case_insensitive(),
            )
            .field(FieldDef::new("emailVerified", FieldType::Boolean).required())
            .field(FieldDef::new("age", FieldType::Number).index())
            .field(FieldDef::new("score", FieldType::Float))
            .field(FieldDef::new("createdAt", FieldType::Date).column("created_at"))
            .field(FieldDef::new("meta", FieldType::Json))
            .field(FieldDef::new("tags", FieldType::StringList)),
        ModelDef::new("team").table("teams"),
    ])
    .unwrap()
}

fn ddl(dialect: Dialect) -> String {
    generate_ddl(dialect, &schema()).join(";\n")
}

#[test]
fn sqlite_ddl() {
    insta::assert_snapshot!(ddl(Dialect::Sqlite), @r#"
    CREATE TABLE "user" ( "id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "emailVerified" INTEGER NOT NULL, "age" INTEGER, "score" REAL, "created_at" TEXT, "meta" TEXT, "tags" TEXT );
    CREATE UNIQUE INDEX "user_email_key" ON "user" ("email");
    CREATE INDEX "user_email_lower_idx" ON "user" (lower("email"));
    CREATE INDEX "user_age_idx" ON "user" ("age");
    CREATE TABLE "teams" ( "id" TEXT NOT NULL PRIMARY KEY );
    CREATE TABLE "member" ( "id" TEXT NOT NULL PRIMARY KEY, "userId" TEXT NOT NULL, "teamId" TEXT, FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("teamId") REFERENCES "teams" ("id") ON DELETE SET NULL );
    CREATE UNIQUE INDEX "member_user_team_uidx" ON "member" ("userId", "teamId")
    "#);
}

#[test]
fn postgres_ddl() {
    insta::assert_snapshot!(ddl(Dialect::Postgres), @r#"
    CREATE TABLE "user" ( "id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "emailVerified" BOOLEAN NOT NULL, "age" BIGINT, "score" DOUBLE PRECISION, "created_at" TIMESTAMPTZ(3), "meta" JSONB, "tags" JSONB );
    CREATE UNIQUE INDEX "user_email_key" ON "user" ("email");
    CREATE INDEX "user_email_lower_idx" ON "user" ((LOWER("email")));
    CREATE INDEX "user_age_idx" ON "user" ("age");
    CREATE TABLE "teams" ( "id" TEXT NOT NULL PRIMARY KEY );
    CREATE TABLE "member" ( "id" TEXT NOT NULL PRIMARY KEY, "userId" TEXT NOT NULL, "teamId" TEXT, CONSTRAINT "member_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE, CONSTRAINT "member_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "teams" ("id") ON DELETE SET NULL );
    CREATE UNIQUE INDEX "member_user_team_uidx" ON "member" ("userId", "teamId")
    "#);
}

#[test]
fn mysql_ddl() {
    insta::assert_snapshot!(ddl(Dialect::Mysql), @r#"
    CREATE TABLE `user` ( `id` VARCHAR(255) NOT NULL PRIMARY KEY, `email` VARCHAR(255) NOT NULL, `emailVerified` TINYINT(1) NOT NULL, `age` BIGINT, `score` DOUBLE, `created_at` DATETIME(3), `meta` JSON, `tags` JSON, `email_lower` VARCHAR(255) GENERATED ALWAYS AS (LOWER(`email`)) VIRTUAL ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
    CREATE UNIQUE INDEX `user_email_key` ON `user` (`email`);
    CREATE INDEX `user_email_lower_idx` ON `user` (`email_lower`);
    CREATE INDEX `user_age_idx` ON `user` (`age`);
    CREATE TABLE `teams` ( `id` VARCHAR(255) NOT NULL PRIMARY KEY ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
    CREATE TABLE `member` ( `id` VARCHAR(255) NOT NULL PRIMARY KEY, `userId` VARCHAR(255) NOT NULL, `teamId` VARCHAR(255), CONSTRAINT `member_userId_fkey` FOREIGN KEY (`userId`) REFERENCES `user` (`id`) ON DELETE CASCADE, CONSTRAINT `member_teamId_fkey` FOREIGN KEY (`teamId`) REFERENCES `teams` (`id`) ON DELETE SET NULL ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
    CREATE UNIQUE INDEX `member_user_team_uidx` ON `member` (`userId`, `teamId`)
    "#);
}

#[test]
fn referenced_tables_come_first() {
    let schema = schema();
    let order: Vec<&str> = ordered(&schema).iter().map(|m| m.name.as_str()).collect();
    assert_eq!(order, ["user", "team", "member"]);
}

#[test]
fn long_names_are_shortened_stably() {
    let long = "a".repeat(80);
    let name = object_name(&[&long, "b", "idx"]);
    assert_eq!(name.len(), 63);
    assert_eq!(name, object_name(&[&long, "b", "idx"]));
    assert_ne!(name, object_name(&[&long, "c", "idx"]));
    assert_eq!(object_name(&["user", "email", "key"]), "user_email_key");
}

#[test]
fn existing_indexes_cover_by_name_or_columns() {
    let existing = |name: &str, columns: &[Option<&str>], unique: bool| ExistingIndex {
        name: name.to_owned(),
        columns: columns.iter().map(|c| c.map(str::to_owned)).collect(),
        unique,
    };
    let wanted = |parts: Vec<Part>, unique: bool| WantedIndex {
        name: "wanted".to_owned(),
        parts,
        unique,
    };
    let email = || vec![Part::Column("email".to_owned())];
    // A unique constraint created inline by another tool covers our unique index.
    let inline = [existing("sqlite_autoindex_user_1", &[Some("email")], true)];
    assert!(wanted(email(), true).is_covered_by(&inline));
    // A non-unique index does not make a column unique, but does serve lookups.
    let plain = [existing("by_email", &[Some("email"), Some("name")], false)];
    assert!(!wanted(email(), true).is_covered_by(&plain));
    assert!(wanted(email(), false).is_covered_by(&plain));
    // Expression indexes are recognised by name only.
    let lower = vec![Part::Lower("email".to_owned())];
    assert!(!wanted(lower.clone(), false).is_covered_by(&[existing("other", &[None], false)]));
    assert!(wanted(lower, false).is_covered_by(&[existing("wanted", &[None], false)]));
}
