//! `docs/policy.schema.json` must match the schema derived from the code.
//! Regenerate with `NPS_UPDATE_SCHEMA=1 cargo test -p nps-core --test schema`.

use nps_core::policy::Policy;

#[test]
fn policy_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/policy.schema.json");
    let fresh = Policy::json_schema() + "\n";
    if std::env::var_os("NPS_UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &fresh).expect("write docs/policy.schema.json");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/policy.schema.json is out of date: run \
         `NPS_UPDATE_SCHEMA=1 cargo test -p nps-core --test schema` and commit it"
    );
}

#[test]
fn schema_documents_every_top_level_field() {
    let schema: serde_json::Value = serde_json::from_str(&Policy::json_schema()).unwrap();
    let props = schema["properties"].as_object().unwrap();
    let default: serde_json::Value = serde_json::from_str(&Policy::default().to_json()).unwrap();
    for key in default.as_object().unwrap().keys() {
        let p = &props[key];
        assert!(p.is_object(), "field `{key}` missing from the schema");
        let described =
            p.get("description").is_some() || p.get("$ref").is_some() || p.get("anyOf").is_some();
        assert!(described, "field `{key}` has no description");
    }
}
