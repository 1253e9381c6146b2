//! Conformance cases: a transaction's writes are visible to itself at once and to others only after
//! commit; rollback and drop discard them.

use bulwark_core::adapter::{Create, Find, FindMany, Transaction, Update};
use bulwark_core::{AdapterErrorKind, Row, Where};

use super::{create, ids, person};
use crate::TestDb;

#[expect(
    clippy::panic,
    reason = "a failing adapter call fails the conformance case"
)]
async fn begin(db: &TestDb) -> Box<dyn Transaction> {
    match db.adapter().begin().await {
        Ok(tx) => tx,
        Err(e) => panic!("begin failed: {e} ({:?})", e.kind()),
    }
}

async fn tx_create(db: &TestDb, tx: &dyn Transaction, row: Row) -> Result<(), AdapterErrorKind> {
    let schema = db.schema();
    tx.create(Create {
        schema,
        model: "person",
        data: row,
    })
    .await
    .map(drop)
    .map_err(|e| e.kind())
}

async fn tx_ids(db: &TestDb, tx: &dyn Transaction) -> Result<Vec<String>, AdapterErrorKind> {
    let schema = db.schema();
    let all = Where::all();
    let query = FindMany {
        schema,
        model: "person",
        filter: &all,
        sort: &[],
        limit: None,
        offset: None,
    };
    let rows = tx.find_many(query).await.map_err(|e| e.kind())?;
    Ok(rows.iter().map(super::id_of).collect())
}

/// Writes inside a transaction are visible to it at once, invisible outside until commit, and visible to
/// everyone after.
pub async fn transaction_commit_makes_writes_visible(db: &TestDb) {
    create(db, "person", person("p01", "before")).await;
    let tx = begin(db).await;
    assert_eq!(
        tx_create(db, tx.as_ref(), person("p02", "inside")).await,
        Ok(())
    );
    let schema = db.schema();
    let p01 = Where::eq("id", "p01");
    let renamed = tx
        .update(Update {
            schema,
            model: "person",
            filter: &p01,
            data: Row::new().with("name", "renamed"),
        })
        .await;
    assert!(renamed.is_ok_and(|row| row.is_some()));
    assert_eq!(
        tx_ids(db, tx.as_ref()).await,
        Ok(vec!["p01".to_owned(), "p02".to_owned()])
    );
    assert_eq!(
        ids(db, "person", &Where::all()).await,
        ["p01"],
        "uncommitted writes are invisible outside"
    );
    assert_eq!(
        ids(db, "person", &Where::eq("name", "before")).await,
        ["p01"]
    );
    assert_eq!(tx.commit().await.map_err(|e| e.kind()), Ok(()));
    assert_eq!(ids(db, "person", &Where::all()).await, ["p01", "p02"]);
    assert_eq!(
        ids(db, "person", &Where::eq("name", "renamed")).await,
        ["p01"]
    );
}

/// `rollback` discards every write of the transaction.
///
/// upstream: packages/test-utils/src/adapter/suites/transactions.ts › transactions › transaction - should rollback failing transaction
pub async fn transaction_rollback_discards_writes(db: &TestDb) {
    create(db, "person", person("p01", "before")).await;
    let tx = begin(db).await;
    assert_eq!(
        tx_create(db, tx.as_ref(), person("p02", "inside")).await,
        Ok(())
    );
    let schema = db.schema();
    let all = Where::all();
    let deleted = tx
        .delete_many(Find {
            schema,
            model: "person",
            filter: &all,
        })
        .await;
    assert_eq!(deleted.map_err(|e| e.kind()), Ok(2));
    assert_eq!(tx_ids(db, tx.as_ref()).await, Ok(Vec::new()));
    assert_eq!(tx.rollback().await.map_err(|e| e.kind()), Ok(()));
    assert_eq!(ids(db, "person", &Where::all()).await, ["p01"]);
    create(db, "person", person("p03", "after")).await;
    assert_eq!(ids(db, "person", &Where::all()).await, ["p01", "p03"]);
}

/// Dropping a transaction without committing rolls it back, including after a failed statement.
pub async fn dropping_a_transaction_rolls_back(db: &TestDb) {
    create(db, "person", person("p01", "before")).await;
    let tx = begin(db).await;
    assert_eq!(
        tx_create(db, tx.as_ref(), person("p02", "inside")).await,
        Ok(())
    );
    drop(tx);
    assert_eq!(ids(db, "person", &Where::all()).await, ["p01"]);

    let tx = begin(db).await;
    assert_eq!(
        tx_create(db, tx.as_ref(), person("p03", "inside")).await,
        Ok(())
    );
    assert_eq!(
        tx_create(db, tx.as_ref(), person("p01", "duplicate")).await,
        Err(AdapterErrorKind::UniqueViolation)
    );
    drop(tx);
    assert_eq!(ids(db, "person", &Where::all()).await, ["p01"]);
    create(db, "person", person("p04", "after")).await;
    assert_eq!(ids(db, "person", &Where::all()).await, ["p01", "p04"]);
}
