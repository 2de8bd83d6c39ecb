//! `iamwatch schema`: the store's views and their columns.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iamwatch_store::schema::{SCHEMA_VERSION, TABLES, VIEWS, ViewDoc, view_doc};
use serde_json::json;

use crate::output::{emit, pretty_json};

/// Print the views of the store and their columns.
///
/// The views without a prefix give the latest state of every account (for each kind of data,
/// its newest snapshot); the `history_*` views have the same columns over every snapshot.
/// `snapshots` and `imports` record the history itself.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  iamwatch schema\n  iamwatch schema roles\n  iamwatch \
                        schema --format markdown > views.md"
)]
pub struct SchemaArgs {
    /// Only this view (or table).
    #[arg(value_name = "VIEW")]
    view: Option<String>,

    /// Output format. `markdown` is the reference section of docs/store.md.
    #[arg(long, value_enum, default_value_t = SchemaFormat::Text)]
    format: SchemaFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SchemaFormat {
    Text,
    Json,
    Markdown,
}

pub fn run(args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    let docs: Vec<&ViewDoc> = match &args.view {
        Some(name) => vec![view_doc(name).ok_or_else(|| {
            anyhow::anyhow!(
                "no view `{name}` in the store\n  help: `iamwatch schema` lists them: {}",
                VIEWS
                    .iter()
                    .chain(TABLES)
                    .map(|v| v.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?],
        None => VIEWS.iter().chain(TABLES).collect(),
    };
    let text = match args.format {
        SchemaFormat::Text => text(&docs),
        SchemaFormat::Markdown => markdown(&docs),
        SchemaFormat::Json => pretty_json(&json!({
            "schema_version": SCHEMA_VERSION,
            "views": docs.iter().map(|doc| json!({
                "name": doc.name,
                "history": doc.history,
                "about": doc.about,
                "columns": doc.columns.iter().map(|c| json!({
                    "name": c.name,
                    "type": c.kind,
                    "about": c.about,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        }))?,
    };
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn text(docs: &[&ViewDoc]) -> String {
    let mut out = String::new();
    for doc in docs {
        out.push_str(doc.name);
        if let Some(history) = doc.history {
            out.push_str(&format!(" (history: {history})"));
        }
        out.push('\n');
        out.push_str(&format!("  {}\n", doc.about));
        let width = doc.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for column in doc.columns {
            let line = format!(
                "    {:width$}  {:9}  {}",
                column.name, column.kind, column.about
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The reference section of docs/store.md (a test checks that the file holds it).
pub fn markdown(docs: &[&ViewDoc]) -> String {
    let mut out = String::new();
    for doc in docs {
        out.push_str(&format!("### `{}`", doc.name));
        if let Some(history) = doc.history {
            out.push_str(&format!(" (history: `{history}`)"));
        }
        out.push_str("\n\n");
        out.push_str(doc.about);
        out.push_str("\n\n| column | type | meaning |\n|---|---|---|\n");
        for column in doc.columns {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                column.name,
                column.kind,
                column.about.replace('|', "\\|")
            ));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
