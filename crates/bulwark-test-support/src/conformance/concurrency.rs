//! Conformance cases: atomic `consume_one` and `increment_one` under concurrent callers. Run them on a
//! multi-threaded runtime so the callers really overlap.

use std::sync::Arc;

use bulwark_core::adapter::{Find, Increment, Op};
use bulwark_core::{Row, Schema, Value, Where};
use tokio::task::JoinSet;

use super::{create, find};
use crate::TestDb;

/// Runs `tasks` concurrent `increment_one` calls on counter `c1` with `filter` and returns how many found
/// their row.
#[expect(
    clippy::panic,
    reason = "a failing adapter call fails the conformance case"
)]
async fn concurrent_increments(db: &TestDb, tasks: usize, filter: Where) -> usize {
    let schema: Arc<Schema> = Arc::new(db.schema().clone());
    let filter = Arc::new(filter);
    let mut set = JoinSet::new();
    for _ in 0..tasks {
        let (adapter, schema, filter) = (db.adapter(), Arc::clone(&schema), Arc::clone(&filter));
        set.spawn(async move {
            let query = Increment {
                schema: &schema,
                model: "counter",
                filter: &filter,
                field: "count",
                by: 1,
                set: Row::new(),
            };
            adapter.increment_one(query).await.map(|row| row.is_some())
        });
    }
    let mut successes = 0;
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(found)) => successes += usize::from(found),
            Ok(Err(e)) => panic!("increment_one failed: {e} ({:?})", e.kind()),
            Err(e) => panic!("increment task failed: {e}"),
        }
    }
    successes
}

async fn count_of(db: &TestDb) -> Option<Value> {
    find(db, "counter", &Where::eq("id", "c1"))
        .await
        .and_then(|r| r.get("count").cloned())
}

/// Two callers consuming the same single-use row at once: exactly one gets it.
#[expect(
    clippy::panic,
    reason = "a failing adapter call fails the conformance case"
)]
pub async fn consume_one_is_single_use(db: &TestDb) {
    const TOKENS: usize = 10;
    for i in 0..TOKENS {
        create(
            db,
            "token",
            Row::new()
                .with("id", format!("t{i:02}"))
                .with("value", format!("v{i}")),
        )
        .await;
    }
    let schema: Arc<Schema> = Arc::new(db.schema().clone());
    let mut set = JoinSet::new();
    for i in 0..TOKENS {
        for _ in 0..2 {
            let (adapter, schema) = (db.adapter(), Arc::clone(&schema));
            set.spawn(async move {
                let filter = Where::eq("value", format!("v{i}"));
                let consumed = adapter
                    .consume_one(Find {
                        schema: &schema,
                        model: "token",
                        filter: &filter,
                    })
                    .await;
                (i, consumed.map(|row| row.map(|r| super::id_of(&r))))
            });
        }
    }
    let mut winners = vec![0_usize; TOKENS];
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, Ok(Some(id)))) => {
                assert_eq!(id, format!("t{i:02}"));
                if let Some(count) = winners.get_mut(i) {
                    *count += 1;
                }
            }
            Ok((_, Ok(None))) => {}
            Ok((_, Err(e))) => panic!("consume_one failed: {e} ({:?})", e.kind()),
            Err(e) => panic!("consume task failed: {e}"),
        }
    }
    assert_eq!(
        winners,
        vec![1; TOKENS],
        "each token is consumed exactly once"
    );
    assert_eq!(
        super::ids(db, "token", &Where::all()).await,
        Vec::<String>::new()
    );
}

/// 50 concurrent increments guarded by `count < 20`: exactly 20 succeed and the count ends at exactly 20.
pub async fn conditional_increments_stop_at_the_limit(db: &TestDb) {
    create(
        db,
        "counter",
        Row::new().with("id", "c1").with("count", 0_i64),
    )
    .await;
    let guard = Where::eq("id", "c1").and(Where::cmp("count", Op::Lt, 20_i64));
    assert_eq!(concurrent_increments(db, 50, guard).await, 20);
    assert_eq!(count_of(db).await, Some(Value::Int(20)));
}

/// 50 concurrent unconditional increments lose no update.
pub async fn concurrent_increments_lose_nothing(db: &TestDb) {
    create(
        db,
        "counter",
        Row::new().with("id", "c1").with("count", 0_i64),
    )
    .await;
    assert_eq!(
        concurrent_increments(db, 50, Where::eq("id", "c1")).await,
        50
    );
    assert_eq!(count_of(db).await, Some(Value::Int(50)));
}
