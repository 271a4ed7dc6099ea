//! A small builder so a test reads as input → args → expectations:
//! `Run::new().file("a.csv", "...").args(["report", "a.csv"]).run()`.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub(crate) struct Run {
    pub dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    program: Option<String>,
}

pub(crate) struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub dir: PathBuf,
}

impl Run {
    pub(crate) fn new() -> Run {
        Run {
            dir: tempfile::tempdir().expect("temp dir"),
            args: Vec::new(),
            env: Vec::new(),
            program: None,
        }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Write an input file into the run's folder.
    pub(crate) fn file(self, name: &str, bytes: impl AsRef<[u8]>) -> Run {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, bytes).expect("write fixture");
        self
    }

    /// Copy a file from tests/fixtures into the run's folder.
    pub(crate) fn fixture(self, name: &str) -> Run {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let bytes =
            std::fs::read(&src).unwrap_or_else(|e| panic!("fixture {}: {e}", src.display()));
        self.file(name, bytes)
    }

    pub(crate) fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Run {
        self.args
            .extend(args.into_iter().map(|s| s.as_ref().to_string()));
        self
    }

    pub(crate) fn env(mut self, k: &str, v: &str) -> Run {
        self.env.push((k.into(), v.into()));
        self
    }

    /// Run another program (a shell that sets limits, then runs kpilens) instead of
    /// kpilens itself.
    pub(crate) fn program(mut self, program: &str) -> Run {
        self.program = Some(program.into());
        self
    }

    pub(crate) fn run(self) -> (Outcome, tempfile::TempDir) {
        let program = self
            .program
            .clone()
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_kpilens").into());
        let out = Command::new(program)
            .current_dir(self.dir.path())
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run kpilens");
        (
            Outcome {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                dir: self.dir.path().to_path_buf(),
            },
            self.dir,
        )
    }

    /// `report <inputs> --json out.json -o out.xlsx`, expecting success; returns the JSON.
    pub(crate) fn report_json(
        self,
        inputs: &[&str],
        extra: &[&str],
    ) -> (Value, Outcome, tempfile::TempDir) {
        let mut args = vec!["report".to_string()];
        args.extend(inputs.iter().map(std::string::ToString::to_string));
        args.extend(["--json", "out.json", "-o", "out.xlsx", "--quiet"].map(String::from));
        args.extend(extra.iter().map(std::string::ToString::to_string));
        let (o, dir) = self.args(args).run();
        assert_eq!(o.code, 0, "kpilens failed: {}\n{}", o.stderr, o.stdout);
        let text = std::fs::read_to_string(o.dir.join("out.json")).expect("json written");
        (serde_json::from_str(&text).expect("valid json"), o, dir)
    }
}

/// The KPI object named `name` in a results JSON.
pub(crate) fn kpi<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["kpis"]
        .as_array()
        .expect("kpis array")
        .iter()
        .find(|k| k["name"] == name)
        .unwrap_or_else(|| {
            panic!(
                "KPI {name} not in {:?}",
                json["kpis"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k["name"].clone())
                    .collect::<Vec<_>>()
            )
        })
}

/// The names of the KPIs in a results JSON, in order.
pub(crate) fn kpi_names(json: &Value) -> Vec<&str> {
    json["kpis"]
        .as_array()
        .expect("kpis array")
        .iter()
        .map(|k| k["name"].as_str().expect("name"))
        .collect()
}

/// (period, value) pairs of a KPI's series, observed values only.
pub(crate) fn values(json: &Value, name: &str) -> Vec<(String, f64)> {
    kpi(json, name)["series"]
        .as_array()
        .expect("series")
        .iter()
        .filter(|p| !p["value"].is_null())
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_string(),
                p["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// Finding codes in a results JSON.
pub(crate) fn codes(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The findings of `code` in a results JSON, in its order.
pub(crate) fn findings_of<'a>(json: &'a Value, code: &str) -> Vec<&'a Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

pub(crate) fn finding<'a>(json: &'a Value, code: &str) -> &'a Value {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no finding {code} in {:?}", codes(json)))
}

/// Rewrite the parts of a zip archive (an xlsx, an ods) with `edit(name, text)`.
pub(crate) fn rezip(bytes: &[u8], edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let data = match String::from_utf8(data) {
            Ok(text) => edit(&name, text).into_bytes(),
            Err(e) => e.into_bytes(),
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A zip archive of `(name, bytes)` parts, in order.
pub(crate) fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}
