//! Shared test helpers: loading the golden vectors, comparing numbers with
//! tolerances, locating the real survey files and splitting CSV text.
//!
//! The golden vectors (`golden/vectors.json`) are written by the independent
//! oracle `golden/gen_vectors.py`; the schema is described in
//! `golden/README.md`. The same file is read by the C and Python suites.

use std::path::PathBuf;
use std::sync::OnceLock;

use nps_core::{Error, ErrorKind};
pub use serde_json::Value;

/// Path of the golden-vector file.
pub fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/vectors.json")
}

/// The parsed golden-vector file (loaded once per process).
///
/// Panics with a clear message if the file is missing or malformed: the
/// golden tests cannot run without it.
pub fn golden() -> &'static Value {
    static GOLDEN: OnceLock<Value> = OnceLock::new();
    GOLDEN.get_or_init(|| {
        let path = golden_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
    })
}

/// The vectors of one section (`"tallies"`, `"intervals"`, ...).
pub fn section(name: &str) -> &'static [Value] {
    golden()[name]
        .as_array()
        .unwrap_or_else(|| panic!("golden file has no array section `{name}`"))
}

/// A vector's name, for failure messages.
pub fn name_of(v: &Value) -> &str {
    v["name"].as_str().unwrap_or("<unnamed>")
}

/// A JSON number as `f64`; the string `"NaN"` is NaN (the schema's spelling
/// of a missing value).
pub fn num(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| format!("not an f64: {n}")),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        other => Err(format!("expected a number, got {other}")),
    }
}

/// A JSON array of numbers (or `"NaN"`) as `Vec<f64>`.
pub fn nums(v: &Value) -> Result<Vec<f64>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected an array, got {v}"))?
        .iter()
        .map(num)
        .collect()
}

/// A JSON unsigned integer.
pub fn uint(v: &Value) -> Result<u64, String> {
    v.as_u64()
        .ok_or_else(|| format!("expected an unsigned integer, got {v}"))
}

/// A JSON array of signed integers.
pub fn ints(v: &Value) -> Result<Vec<i64>, String> {
    v.as_array()
        .ok_or_else(|| format!("expected an array, got {v}"))?
        .iter()
        .map(|x| {
            x.as_i64()
                .ok_or_else(|| format!("expected an integer, got {x}"))
        })
        .collect()
}

/// A `[D, Pa, P]` array of category counts.
pub fn triple(v: &Value) -> Result<[u64; 3], String> {
    let a = v
        .as_array()
        .filter(|a| a.len() == 3)
        .ok_or_else(|| format!("expected [D, Pa, P], got {v}"))?;
    Ok([uint(&a[0])?, uint(&a[1])?, uint(&a[2])?])
}

/// `|actual − expected| <= tol`, with a message naming `what` otherwise.
pub fn check_close(what: &str, actual: f64, expected: f64, tol: f64) -> Result<(), String> {
    if actual.is_finite() && (actual - expected).abs() <= tol {
        Ok(())
    } else {
        Err(format!(
            "{what}: got {actual:?}, expected {expected:?} (tol {tol:e}, off by {:e})",
            (actual - expected).abs()
        ))
    }
}

/// Relative closeness: `|actual − expected| <= rtol·|expected|`.
pub fn check_rel(what: &str, actual: f64, expected: f64, rtol: f64) -> Result<(), String> {
    if actual.is_finite() && (actual - expected).abs() <= rtol * expected.abs() {
        Ok(())
    } else {
        Err(format!(
            "{what}: got {actual:?}, expected {expected:?} (relative tol {rtol:e})"
        ))
    }
}

/// Checks an nps-core error against an `"error": {"kind", "index"?}` object,
/// comparing kinds through [`ErrorKind::name`].
pub fn check_error(what: &str, err: &Error, expected: &Value) -> Result<(), String> {
    let kind = expected["kind"]
        .as_str()
        .ok_or_else(|| format!("{what}: error without kind"))?;
    if err.kind().name() != kind {
        return Err(format!(
            "{what}: got error kind {} ({err}), expected {kind}",
            err.kind().name()
        ));
    }
    if let Some(index) = expected.get("index").and_then(Value::as_u64) {
        if err.index() != Some(index as usize) {
            return Err(format!(
                "{what}: got error index {:?} ({err}), expected {index}",
                err.index()
            ));
        }
    }
    Ok(())
}

/// Checks a fallible statistic against an expected value that may be `null`
/// (= the library must report [`ErrorKind::NoData`]).
pub fn check_stat(
    what: &str,
    actual: nps_core::Result<f64>,
    expected: &Value,
    tol: f64,
) -> Result<(), String> {
    match (actual, expected) {
        (Err(e), Value::Null) if e.kind() == ErrorKind::NoData => Ok(()),
        (Err(e), Value::Null) => Err(format!(
            "{what}: expected no_data, got error {} ({e})",
            e.kind().name()
        )),
        (Ok(x), Value::Null) => Err(format!("{what}: expected no_data, got {x:?}")),
        (Err(e), _) => Err(format!(
            "{what}: unexpected error {} ({e})",
            e.kind().name()
        )),
        (Ok(x), exp) => check_close(what, x, num(exp)?, tol),
    }
}

/// Runs `check` on every vector of a section and panics with the name of
/// every failing vector (not just the first). Returns the number checked.
pub fn run_section(section_name: &str, check: impl Fn(&Value) -> Result<(), String>) -> usize {
    let vectors = section(section_name);
    assert!(
        !vectors.is_empty(),
        "golden section `{section_name}` is empty"
    );
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            let name = name_of(v);
            // A panic inside nps-core is a failure of this vector too.
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(v))) {
                Ok(Ok(())) => None,
                Ok(Err(msg)) => Some(format!("[{section_name}/{name}] {msg}")),
                Err(_) => Some(format!("[{section_name}/{name}] panicked")),
            }
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} `{section_name}` vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
    vectors.len()
}

/// The shared real-data directory (`../shared/data` next to the repository),
/// or `None` (with a note on stderr) when it is absent. With
/// `NPS_REQUIRE_DATA=1` (set by `.ci/run`, where the data is always beside
/// the clone) an absent directory fails the test instead of skipping it.
pub fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("NPS_REQUIRE_DATA").is_some_and(|v| v == "1") {
        panic!("{} is absent but NPS_REQUIRE_DATA=1", dir.display());
    } else {
        eprintln!(
            "note: {} is absent; skipping the real-data checks",
            dir.display()
        );
        None
    }
}

/// Decodes Latin-1 (ISO-8859-1) bytes: every byte is the code point of the
/// same value.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Splits CSV text into records of fields (RFC 4180): fields separated by
/// commas, records by LF or CRLF; a quoted field may contain commas,
/// newlines and doubled quotes (`""`). A trailing newline does not make an
/// empty record.
pub fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut any = false; // anything read in the current record
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => {
                in_quotes = true;
                any = true;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                any = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            _ => {
                field.push(c);
                any = true;
            }
        }
    }
    if any {
        record.push(field);
        records.push(record);
    }
    records
}

/// A CSV table: the header row and the data rows, with a column lookup.
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Data rows (each as long as the header; checked on construction).
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Splits `text` and checks every row has as many fields as the header.
    pub fn parse(text: &str) -> Result<Table, String> {
        let mut records = csv_records(text).into_iter();
        let header = records.next().ok_or("empty CSV")?;
        let rows: Vec<Vec<String>> = records.collect();
        for (i, r) in rows.iter().enumerate() {
            if r.len() != header.len() {
                return Err(format!(
                    "row {i} has {} fields, the header {}",
                    r.len(),
                    header.len()
                ));
            }
        }
        Ok(Table { header, rows })
    }

    /// Index of a column by name.
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column `{name}` in {:?}", self.header))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_newlines() {
        let text = "a,b,c\n1,\"x, y\",\"line1\nline2 \"\"q\"\"\"\r\n2,,NA\n";
        let r = csv_records(text);
        assert_eq!(r.len(), 3);
        assert_eq!(r[1], vec!["1", "x, y", "line1\nline2 \"q\""]);
        assert_eq!(r[2], vec!["2", "", "NA"]);
        assert_eq!(csv_records("a,b"), vec![vec!["a", "b"]]);
        assert!(csv_records("").is_empty());
    }

    #[test]
    fn latin1_decodes_every_byte() {
        assert_eq!(latin1(&[0x74, 0x72, 0xE8, 0x73, 0x90]), "tr\u{e8}s\u{90}");
    }
}
