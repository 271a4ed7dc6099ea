#[test]
fn the_progress_template_is_valid() {
    assert!(indicatif::ProgressStyle::with_template(super::PROGRESS_TEMPLATE).is_ok());
}
