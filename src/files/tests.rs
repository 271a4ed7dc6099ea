use std::io::Write;
use std::path::Path;

use super::*;

#[test]
fn files_folders_and_devices_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.csv");
    std::fs::write(&file, "date,value\n").unwrap();
    assert_eq!(kind(&file), Kind::File);
    assert_eq!(kind(dir.path()), Kind::Folder);
    assert_eq!(kind(&dir.path().join("none.csv")), Kind::Missing);
    assert_eq!(kind(Path::new("/dev/null")), Kind::CharDevice);
    assert!(Kind::CharDevice.is_stream() && Kind::Pipe.is_stream());
    assert!(!Kind::File.is_stream() && !Kind::OtherDevice.is_stream());
}

#[test]
fn a_device_that_never_ends_is_refused_without_reading_it() {
    for device in ["/dev/zero", "/dev/urandom"] {
        let e = read(Path::new(device)).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        assert_eq!(
            e.to_string(),
            "it is a device, not a file; give kpilens a file or a folder"
        );
    }
}

#[test]
fn a_pipe_is_read_to_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("export.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    assert_eq!(kind(&fifo), Kind::Pipe);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut w = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            w.write_all(b"date,value\n2024-01-01,5\n").unwrap();
        })
    };
    assert_eq!(read(&fifo).unwrap(), b"date,value\n2024-01-01,5\n");
    writer.join().unwrap();
}

#[test]
fn a_symlinked_output_goes_where_the_link_points() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("report.xlsx");
    std::fs::write(&real, "x").unwrap();
    let link = dir.path().join("latest.xlsx");
    std::os::unix::fs::symlink("report.xlsx", &link).unwrap();
    assert_eq!(destination(&link), real.canonicalize().unwrap());
    // Not written yet: where the link points, beside the link.
    let dangling = dir.path().join("next.xlsx");
    std::os::unix::fs::symlink("out/next.xlsx", &dangling).unwrap();
    assert_eq!(destination(&dangling), dir.path().join("out/next.xlsx"));
    let plain = dir.path().join("new.xlsx");
    assert_eq!(destination(&plain), plain);
}
