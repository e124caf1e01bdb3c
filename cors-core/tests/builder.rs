//! `PolicyBuilder` calls that mix "any" with a list: reported by the rules in either order, never
//! resolved by dropping one of the two.

use checked_cors::{HeaderList, PolicyBuilder};

fn app() -> PolicyBuilder {
    PolicyBuilder::new().allow_origins(["https://app.example.com"])
}

#[test]
fn any_and_a_list_are_a_mistake_in_either_order() {
    for builder in [
        app().allow_any_header().allow_headers(["x-a"]),
        app().allow_headers(["x-a"]).allow_any_header(),
    ] {
        let error = builder.build().unwrap_err();
        assert_eq!(error.violations().len(), 1, "{error}");
        assert!(error.to_string().starts_with("headers"), "{error}");
    }
    for builder in [
        app().allow_any_method().allow_methods(["PUT"]),
        app().allow_methods(["PUT"]).allow_any_method(),
    ] {
        let error = builder.build().unwrap_err();
        assert!(error.to_string().starts_with("methods"), "{error}");
    }
}

#[test]
fn any_header_with_authorization_is_the_same_in_either_order() {
    for builder in [
        app().allow_any_header().allow_headers(["authorization"]),
        app().allow_headers(["authorization"]).allow_any_header(),
    ] {
        let policy = builder.build().unwrap();
        assert!(
            matches!(policy.allowed_headers(), HeaderList::AnyWithAuthorization),
            "{:?}",
            policy.allowed_headers()
        );
    }
}
