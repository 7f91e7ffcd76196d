//! The README stays true where a check can tell (its code is compiled as doc tests,
//! `ReadmeDoctests` in `src/lib.rs`): every table row has its header's number of cells; every
//! setting the settings tables name is a method of the builder they name; every test a promise
//! cites exists; no install snippet names a version the CHANGELOG has not released. The same
//! checks run over SECURITY.md's tables and test names.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The cells of a table row: split on `|` outside code spans, `\|` kept.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    let (mut cells, mut cell, mut code) = (Vec::new(), String::new(), false);
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '`' => {
                code = !code;
                cell.push(c);
            }
            '|' if !code => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_owned());
    cells
}

/// Every table of `markdown` outside code blocks, as (line number of the header, rows of cells).
fn tables(markdown: &str) -> Vec<(usize, Vec<Vec<String>>)> {
    let (mut tables, mut current, mut fenced) = (Vec::new(), None::<(usize, Vec<_>)>, false);
    for (number, line) in markdown.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        let is_row = !fenced && line.trim_start().starts_with('|');
        match (&mut current, is_row) {
            (Some((_, rows)), true) => rows.push(cells(line)),
            (None, true) => current = Some((number + 1, vec![cells(line)])),
            (_, false) => tables.extend(current.take()),
        }
    }
    tables.extend(current);
    tables
}

/// Every code span of `markdown`.
fn code_spans(markdown: &str) -> Vec<&str> {
    markdown.split('`').skip(1).step_by(2).collect()
}

/// Every `.rs` file of the repository (not the build output).
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_table_row_has_its_headers_cells() {
    for document in ["README.md", "SECURITY.md", "BENCHMARKS.md"] {
        for (line, rows) in tables(&read(document)) {
            let width = rows[0].len();
            for (offset, row) in rows.iter().enumerate() {
                assert_eq!(
                    row.len(),
                    width,
                    "{document}: the table at line {line}, row {}: {row:?}",
                    offset + 1
                );
            }
        }
    }
}

/// The settings tables' first column names methods (`name(..)`, or several in code spans): each is
/// a method of the builder the table's heading names.
#[test]
fn every_setting_in_the_settings_tables_is_a_builder_method() {
    let readme = read("README.md");
    let sources = [
        ("PrivateLink::builder()", "src/builder.rs"),
        (
            "CacheConfig::builder()",
            "crates/privatelink-discovery/src/cache/timing.rs",
        ),
        (
            "RewriteConfig::builder()",
            "crates/privatelink-core/src/config.rs",
        ),
    ];
    let mut checked = 0;
    for (builder, file) in sources {
        let source = read(file);
        let heading = readme
            .lines()
            .position(|l| l.starts_with('#') && l.contains(&format!("(`{builder}`)")))
            .unwrap_or_else(|| panic!("README has no section for `{builder}`"));
        let table: Vec<&str> = readme
            .lines()
            .skip(heading + 1)
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .collect();
        assert!(!table.is_empty(), "no table under `{builder}`");
        for row in table {
            for span in code_spans(&cells(row)[0]) {
                let name = span.split('(').next().unwrap();
                assert!(
                    source.contains(&format!("pub fn {name}(")),
                    "README's `{builder}` table names `{name}`, which {file} does not define"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} settings found");
}

/// A test named in a promise (a code span of four or more snake_case words) is a function of
/// the repository.
#[test]
fn every_test_a_promise_names_exists() {
    let mut files = Vec::new();
    rust_files(&root(), &mut files);
    let sources: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    for document in ["README.md", "SECURITY.md"] {
        let text = read(document);
        let mut named = 0;
        for span in code_spans(&text) {
            let words = span.split('_').count();
            let snake = span
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            // Metric names are not functions.
            if !snake || words < 4 || span.starts_with("privatelink_") {
                continue;
            }
            named += 1;
            assert!(
                sources.contains(&format!("fn {span}(")),
                "{document} names `{span}`, which no function of the repository is"
            );
        }
        assert!(named > 10, "{document}: only {named} test names found");
    }
}

/// A `version = "…"` for a privatelink crate in the README's snippets is a released version.
#[test]
fn install_snippets_name_only_released_versions() {
    let changelog = read("CHANGELOG.md");
    for line in read("README.md").lines() {
        if line.starts_with("privatelink") && line.contains("version = \"") {
            let version = line.split("version = \"").nth(1).unwrap();
            let version = version.split('"').next().unwrap();
            assert!(
                changelog.contains(&format!("## [{version}")),
                "README installs privatelink {version}, which CHANGELOG.md has not released: {line}"
            );
        }
    }
}
