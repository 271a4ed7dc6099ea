use super::*;

#[test]
fn values_are_valid_toml_and_comments_line_up() {
    let mut t = TomlText::default();
    t.line("[[kpi]]");
    t.key("name", "Cost \"net\" \\ EMEA", Comment::None);
    t.key("window", 24, Comment::At(24, "periods"));
    t.key("target", number(1_450_000.0), Comment::After("a target"));
    t.key("tolerance", number(0.35), Comment::None);
    let text = t.into_string();
    assert_eq!(
        text,
        "[[kpi]]\nname = 'Cost \"net\" \\ EMEA'\nwindow = 24             # periods\n\
         target = 1450000   # a target\ntolerance = 0.35\n"
    );
    let back: toml::Table = toml::from_str(&text).expect("valid TOML");
    assert_eq!(
        back["kpi"][0]["name"].as_str(),
        Some("Cost \"net\" \\ EMEA")
    );
}
