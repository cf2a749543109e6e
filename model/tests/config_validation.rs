//! Config: SPEC's example parses; every mistake is named.

use model::config::{parse_mac, Config};

const SPEC_EXAMPLE: &str = r#"
group_mac = "02:00:5e:00:01:01"
rss_key = "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa"
bridge_port = 0
control_port = 7
fragment_port = 7
malformed_port = 7

[[tmm]]
id = 0
port = 1
[[tmm]]
id = 1
port = 2

[[group]]
fixed_tmm = 0
weights = { "0" = 1, "1" = 1 }
[[group]]
fixed_tmm = 1
weights = { "1" = 1 }

[[rule]]
port = 443
group = 1

[[ingress]]
port = 3
forward_to = 0
"#;

fn error_of(text: &str) -> String {
    Config::from_toml(text).expect_err("config should be rejected").0
}

fn spec_with(from: &str, to: &str) -> String {
    assert!(SPEC_EXAMPLE.contains(from), "{from}");
    SPEC_EXAMPLE.replacen(from, to, 1)
}

#[test]
fn config_spec_example_parses() {
    let c = Config::from_toml(SPEC_EXAMPLE).unwrap();
    assert_eq!(c.group_mac, parse_mac("02:00:5e:00:01:01"));
    assert_eq!(c.rss_key, model::DEFAULT_RSS_KEY.to_vec());
    assert_eq!((c.tmms.len(), c.groups.len(), c.rules.len(), c.ingress.len()), (2, 2, 1, 1));
    assert_eq!(c.groups[1].weights, vec![(1, 1.0)]);
    assert!(c.unknown_keys.is_empty());
    let builtin = Config::builtin();
    assert_eq!(builtin.tmms.len(), 4);
}

#[test]
fn config_errors_name_the_problem() {
    let cases = [
        (spec_with("weights = { \"1\" = 1 }", "weights = { \"5\" = 1 }"), "TMM 5, which no [[tmm]] defines"),
        (spec_with("id = 1\n", "id = 0\n"), "duplicate TMM id 0"),
        (spec_with("weights = { \"1\" = 1 }", ""), "group 1 has no weights"),
        (spec_with("group = 1", "group = 2"), "group 2 does not exist"),
        (spec_with("\"02:00:5e:00:01:01\"", "\"02:00:5e:00:01\""), "group_mac"),
        (spec_with("rss_key = \"6d5a", "rss_key = \"zz5a"), "rss_key: not hex"),
        (spec_with("6a42b73bbeac01fa", "6a42b73bbeac01f"), "odd number"),
        (spec_with("port = 443", "port = 70000"), "port = 70000 is out of range 0-65535"),
        (spec_with("port = 2\n", "port = 256\n"), "port = 256 is out of range 0-255"),
        (spec_with("control_port = 7\n", ""), "control_port is missing"),
        (spec_with("fixed_tmm = 1", "fixed_tmm = 9"), "fixed_tmm = 9"),
        (spec_with("weights = { \"0\" = 1, \"1\" = 1 }", "weights = { \"0\" = 0 }"), "no TMM has a positive weight"),
        (spec_with("weights = { \"0\" = 1, \"1\" = 1 }", "weights = { \"0\" = -2, \"1\" = 1 }"), "weights must be finite and not negative"),
        (spec_with("weights = { \"0\" = 1, \"1\" = 1 }", "weights = { \"x\" = 1 }"), "not a TMM id"),
        (spec_with("forward_to = 0", "forward_to = -1"), "forward_to = -1 is out of range"),
        ("bridge_port = [".to_string(), "not valid config TOML"),
        ("bridge_port = 0".to_string(), "no [[tmm]]"),
    ];
    for (text, needle) in cases {
        let e = error_of(&text);
        assert!(e.contains(needle), "expected {needle:?} in {e:?}");
    }
    let short_key = spec_with("rss_key = \"6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa\"", "rss_key = \"6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae\"");
    assert!(error_of(&short_key).contains("rss_key has 21 bytes"), "{}", error_of(&short_key));
}

#[test]
fn config_profiles_and_unknown_keys() {
    let text = spec_with("weights = { \"0\" = 1, \"1\" = 1 }", "profile = \"gaussian\"\nsigma = 1.5\ncolour = \"red\"");
    let c = Config::from_toml(&text).unwrap();
    assert_eq!(c.groups[0].weights.len(), 2);
    assert_eq!(c.unknown_keys, vec!["group 0.colour".to_string()]);
    assert!(error_of(&spec_with("weights = { \"0\" = 1, \"1\" = 1 }", "profile = \"zipf\"")).contains("not uniform, gaussian or rayleigh"));
    assert!(error_of(&spec_with("weights = { \"0\" = 1, \"1\" = 1 }", "profile = \"uniform\"\nweights = { \"0\" = 1 }")).contains("not both"));
}
