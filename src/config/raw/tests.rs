use super::*;

#[test]
fn unknown_key_names_nearest() {
    let (line, msg) = parse_str("[[kpi]]\nname = \"A\"\ntragte = 5\n").unwrap_err();
    assert_eq!(line, Some(3));
    assert!(msg.contains("unknown field `tragte`"), "{msg}");
    assert!(msg.ends_with("did you mean `target`?"), "{msg}");
}

#[test]
fn type_errors_name_the_key_in_plain_words() {
    let (line, msg) = parse_str("[report]\nwindow = \"x\"\n").unwrap_err();
    assert_eq!(line, Some(2));
    assert!(msg.starts_with("`window`: "), "{msg}");
    assert!(msg.contains("a whole number"), "{msg}");
}

#[test]
fn semantic_errors_find_the_line_of_their_key() {
    let text = "[report]\nwindow = 0\n\n[[kpi]]\nname = \"A\"\ntarget_min = 1\n\n\
                [[kpi]]\nname = \"B\"\n  target_min = 5 # too high\ntarget_max = 2\n\
                [email]\ntarget_min = 3\n[[input]]\nfile = \"a.csv\"\nlayout = \"tall\"\n";
    assert_eq!(line_of(text, Section::Report, "window"), Some(2));
    assert_eq!(line_of(text, Section::Kpi(0), "target_min"), Some(6));
    assert_eq!(line_of(text, Section::Kpi(1), "target_min"), Some(10));
    assert_eq!(line_of(text, Section::Kpi(1), "target_max"), Some(11));
    assert_eq!(line_of(text, Section::Input(0), "layout"), Some(16));
    // A key that starts like another is not it; a key set nowhere has no line.
    assert_eq!(line_of(text, Section::Kpi(1), "target"), None);
    assert_eq!(line_of(text, Section::Kpi(2), "name"), None);
}
