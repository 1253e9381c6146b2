//! Tests against shared database servers (`db::postgres::`, `db::mysql::`); CI selects them by
//! these module paths.

mod mysql;
mod postgres;
