//! Paths that are not plain files. A device given as an input is refused before a byte
//! is read (`/dev/zero` never ends); a pipe is read to its end; `/dev/null`, a pipe
//! or a terminal as an output is written into, never replaced by a file; a symlinked
//! report is updated where it points.
#![cfg(unix)]
use std::io::{Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use calamine::Reader;

use crate::support::{finding, values, Run};

const GOOD: &str = "Date,KPI,Value\n2024-01-01,A,1\n2024-02-01,A,2\n2024-03-01,A,4\n";

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[test]
fn a_device_as_an_input_or_config_is_exit_4_without_reading_it() {
    for device in ["/dev/zero", "/dev/urandom"] {
        let (o, _d) = Run::new().args(["report", device, "-q"]).run();
        assert_eq!(o.code, 4, "{}", o.stderr);
        assert_eq!(
            o.stderr,
            format!("kpilens: error: could not read {device}: it is a device, not a file; give kpilens a file or a folder\n")
        );
    }
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "-c", "/dev/zero", "-q"])
        .run();
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "kpilens: error: could not read /dev/zero: it is a device, not a file; give kpilens a file or a folder (the config file given with -c)\n"
    );
    // Beside a good file, the device is a finding and the report is written.
    let (json, _o, _d) = Run::new()
        .file("a.csv", GOOD)
        .report_json(&["a.csv", "/dev/zero"], &[]);
    assert_eq!(values(&json, "A").len(), 3);
    let f = finding(&json, "unreadable_file");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "/dev/zero");
}

#[test]
fn a_pipe_is_read_as_an_input() {
    let run = Run::new();
    let fifo = run.path("export.csv");
    mkfifo(&fifo);
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
        w.write_all(GOOD.as_bytes()).unwrap();
    });
    let (json, _o, _d) = run.report_json(&["export.csv"], &[]);
    writer.join().unwrap();
    let got: Vec<f64> = values(&json, "A").into_iter().map(|(_, v)| v).collect();
    assert_eq!(got, [1.0, 2.0, 4.0]);
}

#[test]
fn dev_null_and_a_pipe_as_outputs_are_written_into_without_force() {
    // /dev/null exists and is no kpilens file, yet needs no --force: nothing is
    // replaced, and it stays the device it was.
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args([
            "report",
            "a.csv",
            "-o",
            "/dev/null",
            "--json",
            "r.json",
            "-q",
        ])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.dir.join("r.json").is_file());
    let null = std::fs::metadata("/dev/null").unwrap();
    assert!(null.file_type().is_char_device());

    // A named pipe receives the workbook itself.
    let run = Run::new().file("a.csv", GOOD);
    let fifo = run.path("report.xlsx");
    mkfifo(&fifo);
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::fs::File::open(fifo)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        bytes
    });
    let (o, _d) = run
        .args(["report", "a.csv", "-o", "report.xlsx", "-q"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let bytes = reader.join().unwrap();
    let book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("Summary"));
    assert!(names.iter().any(|n| n == "A"), "{names:?}");
    assert!(o
        .dir
        .join("report.xlsx")
        .metadata()
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn a_stream_output_that_fails_or_cannot_be_attached_is_refused() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "-o", "/dev/full", "-q"])
        .run();
    assert_eq!(o.code, 5, "{}", o.stderr);
    // A device has no previous file to keep, so the message does not promise one.
    assert_eq!(
        o.stderr,
        "kpilens: error: could not write /dev/full: the disk is full\n"
    );
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "-o", "/dev/null", "--eml", "r.eml", "-q"])
        .run();
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "kpilens: error: --eml and --send attach the workbook, so -o must name a file, not /dev/null\n"
    );
    assert!(!o.dir.join("r.eml").exists());
}

#[test]
fn a_symlinked_report_is_updated_where_it_points() {
    let run = Run::new().file("a.csv", GOOD);
    let dir = run.dir.path().to_path_buf();
    let (o, keep) = run
        .args(["report", "a.csv", "-o", "shared/report.xlsx", "-q"])
        .run();
    assert_eq!(o.code, 0, "{}", o.stderr);
    let first = std::fs::read(dir.join("shared/report.xlsx")).unwrap();
    std::os::unix::fs::symlink("shared/report.xlsx", dir.join("latest.xlsx")).unwrap();
    // New data, written through the link (ours, so no --force).
    std::fs::write(dir.join("a.csv"), format!("{GOOD}2024-04-01,A,8\n")).unwrap();
    // Later runs in the same folder, writing the report to `out`.
    let report_to = |out: &str| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_kpilens"))
            .current_dir(&dir)
            .args(["report", "a.csv", "-o", out, "-q"])
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(0), "report -o {out}");
    };
    report_to("latest.xlsx");
    let link = std::fs::symlink_metadata(dir.join("latest.xlsx")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link itself was replaced"
    );
    let second = std::fs::read(dir.join("shared/report.xlsx")).unwrap();
    assert_ne!(first, second, "the file the link points to was not updated");
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("shared"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["report.xlsx"]);
    // A link to a report not written yet: the report goes where it points.
    std::os::unix::fs::symlink("shared/next.xlsx", dir.join("next.xlsx")).unwrap();
    report_to("next.xlsx");
    let link = std::fs::symlink_metadata(dir.join("next.xlsx")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link itself was replaced"
    );
    assert_eq!(std::fs::read(dir.join("shared/next.xlsx")).unwrap(), second);
    drop(keep);
}

#[test]
fn an_output_ending_in_a_slash_names_a_folder_even_before_it_exists() {
    let (o, _d) = Run::new()
        .file("a.csv", GOOD)
        .args(["report", "a.csv", "-o", "reports/", "-q"])
        .run();
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "kpilens: error: could not write reports/: it names a folder; give a file name such as kpi-report.xlsx\n"
    );
    assert!(!o.dir.join("reports").exists());
}

#[test]
fn a_dash_reads_the_export_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kpilens"))
        .current_dir(dir.path())
        .args(["report", "-", "-o", "r.xlsx", "--json", "r.json", "-q"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(GOOD.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let got: Vec<f64> = values(&json, "A").into_iter().map(|(_, v)| v).collect();
    assert_eq!(got, [1.0, 2.0, 4.0]);
    assert_eq!(json["inputs"][0]["path"], "-");
}
