//! Public-API tests of iamwatch-model: one test binary, one module per area (in `suite/`).
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests and their helpers fail the test on bad fixtures"
)]

#[path = "suite/export.rs"]
mod export;
#[path = "suite/import_gaad.rs"]
mod import_gaad;
#[path = "suite/import_other.rs"]
mod import_other;
#[path = "suite/join.rs"]
mod join;
#[path = "suite/synthetic.rs"]
mod synthetic;

use std::path::{Path, PathBuf};

use iamwatch_model::import::{ImportError, ImportOptions, ImportedFile, import_file};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn options() -> ImportOptions {
    ImportOptions::default().taken_at("2024-05-01T00:00:00Z".parse().unwrap())
}

pub fn import(name: &str) -> ImportedFile {
    import_file(&fixture(name), &options()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn import_err(name: &str) -> ImportError {
    match import_file(&fixture(name), &options()) {
        Ok(imported) => panic!("{name} imported: {imported:?}"),
        Err(e) => e,
    }
}
