//! `iamwatch query`: read-only SQL over the store's views, as a table, CSV or JSON.
//!
//! Also home of what the store commands share: the `--db` flag, diagnostics as text, and the
//! table, CSV and JSON writers.

use std::cell::RefCell;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use iamwatch_store::{ReadOnlyStore, SqlValue};
use serde_json::Value;

/// The store every store command reads or writes.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// The store (an SQLite file).
    #[arg(
        long,
        env = "IAMWATCH_DB",
        default_value = iamwatch_store::DEFAULT_PATH,
        value_name = "PATH"
    )]
    pub db: PathBuf,
}

impl DbArgs {
    pub fn open_read_only(&self) -> anyhow::Result<ReadOnlyStore> {
        ReadOnlyStore::open(&self.db).map_err(|error| anyhow::anyhow!(diagnostic_text(&error)))
    }
}

/// An error with its help line, as the CLI prints it.
pub fn diagnostic_text(error: &(dyn miette::Diagnostic + Send + Sync + 'static)) -> String {
    match error.help() {
        Some(help) => format!("{error}\n  help: {help}"),
        None => error.to_string(),
    }
}

/// Run read-only SQL over the store.
///
/// The store's views (`roles`, `policies`, `statements`, `trust_policies`, `credential_report`,
/// …) give the latest state of every account; `history_*` views give every snapshot. `iamwatch
/// schema` lists them with their columns, and docs/store.md has example queries. The store is
/// opened read-only: statements that would change it are refused.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch query \"SELECT account_id, name FROM roles WHERE \
                        last_used IS NULL\"\n  iamwatch query --format csv \"SELECT * FROM \
                        credential_report WHERE mfa_active = 0\" > no-mfa.csv\n\n\
                        Exit codes: 0 the query ran (whatever the number of rows); 2 the SQL is \
                        invalid, would write, or the store cannot be opened."
)]
pub struct QueryArgs {
    /// One SQL statement (SELECT, or WITH … SELECT).
    #[arg(value_name = "SQL")]
    sql: String,

    /// Output format. Tables shorten long values (to 80 characters); CSV and JSON keep them
    /// whole.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,

    #[command(flatten)]
    db: DbArgs,
}

/// How rows are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned columns for people.
    Table,
    /// RFC 4180 CSV with a header row; NULL is an empty field.
    Csv,
    /// A JSON array of objects, one per row, keyed by column name.
    Json,
}

pub fn run(args: &QueryArgs) -> anyhow::Result<ExitCode> {
    let store = args.db.open_read_only()?;
    let stdout = std::io::stdout().lock();
    let sink = RefCell::new(RowSink::new(args.format, BufWriter::new(stdout)));
    let result = store.reader().query(
        &args.sql,
        |columns| sink.borrow_mut().columns(columns),
        |row| sink.borrow_mut().row(row),
    );
    let count = result.map_err(|error| anyhow::anyhow!(diagnostic_text(&error)))?;
    sink.into_inner().finish(count)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes rows as they come in the chosen format (tables are written at the end, to align).
pub struct RowSink<W: Write> {
    format: TableFormat,
    out: W,
    columns: Vec<String>,
    /// Table rows kept for alignment.
    table: Vec<Vec<String>>,
    rows: u64,
    /// The first write error; later rows are dropped.
    error: Option<std::io::Error>,
}

/// Longest value a table cell shows.
const CELL_WIDTH: usize = 80;

impl<W: Write> RowSink<W> {
    pub fn new(format: TableFormat, out: W) -> Self {
        Self {
            format,
            out,
            columns: Vec::new(),
            table: Vec::new(),
            rows: 0,
            error: None,
        }
    }

    pub fn columns(&mut self, columns: &[String]) {
        self.columns = columns.to_vec();
        if self.format == TableFormat::Csv {
            let line = csv_line(columns.iter().map(|c| Some(c.as_str())));
            self.write(&line);
        }
    }

    pub fn row(&mut self, row: &[SqlValue]) -> ControlFlow<()> {
        match self.format {
            TableFormat::Table => self.table.push(row.iter().map(cell_text).collect()),
            TableFormat::Csv => {
                let texts: Vec<Option<String>> = row.iter().map(plain_text).collect();
                let line = csv_line(texts.iter().map(Option::as_deref));
                self.write(&line);
            }
            TableFormat::Json => {
                let mut object = serde_json::Map::new();
                for (column, value) in self.columns.iter().zip(row) {
                    object.insert(column.clone(), json_value(value));
                }
                let separator = if self.rows == 0 { "[\n  " } else { ",\n  " };
                let text = format!("{separator}{}", Value::Object(object));
                self.write(&text);
            }
        }
        self.rows += 1;
        if self.error.is_some() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    fn write(&mut self, text: &str) {
        if self.error.is_none() {
            if let Err(error) = self.out.write_all(text.as_bytes()) {
                self.error = Some(error);
            }
        }
    }

    pub fn finish(mut self, count: u64) -> anyhow::Result<()> {
        match self.format {
            TableFormat::Table => {
                let text = render_table(&self.columns, &self.table);
                self.write(&text);
                let footer = format!("({count} row{})\n", if count == 1 { "" } else { "s" });
                self.write(&footer);
            }
            TableFormat::Csv => {}
            TableFormat::Json => {
                let end = if self.rows == 0 { "[]\n" } else { "\n]\n" };
                self.write(end);
            }
        }
        if self.error.is_none() {
            if let Err(error) = self.out.flush() {
                self.error = Some(error);
            }
        }
        match self.error {
            Some(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Some(error) => Err(error).context("cannot write to standard output"),
            None => Ok(()),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A value as CSV text; NULL is `None`.
fn plain_text(value: &SqlValue) -> Option<String> {
    match value {
        SqlValue::Null => None,
        SqlValue::Integer(i) => Some(i.to_string()),
        SqlValue::Real(f) => Some(f.to_string()),
        SqlValue::Text(text) => Some(text.clone()),
        SqlValue::Blob(bytes) => Some(hex(bytes)),
    }
}

/// A value for a table cell: one line, at most [`CELL_WIDTH`] characters.
fn cell_text(value: &SqlValue) -> String {
    let Some(text) = plain_text(value) else {
        return String::new();
    };
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > CELL_WIDTH {
        let mut short: String = one_line.chars().take(CELL_WIDTH - 1).collect();
        short.push('…');
        short
    } else {
        one_line
    }
}

fn json_value(value: &SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::from(*i),
        SqlValue::Real(f) => Value::from(*f),
        SqlValue::Text(text) => Value::String(text.clone()),
        SqlValue::Blob(bytes) => Value::String(hex(bytes)),
    }
}

/// One CSV record with its line ending (RFC 4180: quote fields holding `,`, `"` or line
/// breaks, doubling the quotes).
fn csv_line<'a>(fields: impl Iterator<Item = Option<&'a str>>) -> String {
    let mut line = String::new();
    for (index, field) in fields.enumerate() {
        if index > 0 {
            line.push(',');
        }
        let field = field.unwrap_or("");
        if field.contains([',', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line.push_str("\r\n");
    line
}

/// Columns aligned on the widest cell, a rule under the header.
pub fn render_table(columns: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (index, (cell, width)) in cells.zip(&widths).enumerate() {
            if index > 0 {
                out.push_str("  ");
            }
            out.push_str(cell);
            let pad = width.saturating_sub(cell.chars().count());
            out.extend(std::iter::repeat_n(' ', pad));
        }
        text.push_str(out.trim_end());
        text.push('\n');
    };
    line(&mut columns.iter().map(String::as_str));
    let rules: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut rules.iter().map(String::as_str));
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(
            csv_line([Some("a"), None, Some("b,c"), Some("say \"hi\"")].into_iter()),
            "a,,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        );
    }

    #[test]
    fn tables_align_and_shorten() {
        let long = SqlValue::Text("x".repeat(100));
        assert_eq!(cell_text(&long).chars().count(), CELL_WIDTH);
        let table = render_table(
            &["id".into(), "name".into()],
            &[
                vec!["1".into(), "alice".into()],
                vec!["22".into(), "b".into()],
            ],
        );
        assert_eq!(table, "id  name\n--  -----\n1   alice\n22  b\n");
    }
}
