//! Tests against real databases, one module per backend (`db::postgres::…`, `db::mysql::…`,
//! `db::sqlite::…`). They skip locally when their database URL is unset and fail under CI.

pub(crate) mod sqlite {
    use bulwark_test_support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_user_creates_give_one_user() {
        crate::users::concurrent_creates_on(Backend::Sqlite).await;
    }
}

pub(crate) mod postgres {
    use bulwark_test_support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_user_creates_give_one_user() {
        crate::users::concurrent_creates_on(Backend::Postgres).await;
    }
}

pub(crate) mod mysql {
    use bulwark_test_support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_user_creates_give_one_user() {
        crate::users::concurrent_creates_on(Backend::Mysql).await;
    }
}
