#[test]
fn the_progress_template_is_valid() {
    assert!(indicatif::ProgressStyle::with_template(super::PROGRESS_TEMPLATE).is_ok());
}

#[test]
fn a_growing_count_is_shown_beside_its_stage() {
    assert_eq!(
        super::counted("reading 1 input", 2_400_000, "row"),
        "reading 1 input: 2,400,000 rows"
    );
    assert_eq!(
        super::counted("reading 2 inputs", 1, "row"),
        "reading 2 inputs: 1 row"
    );
    // Nothing counted yet: the stage alone.
    assert_eq!(
        super::counted("reading 1 input", 0, "row"),
        "reading 1 input"
    );
}
