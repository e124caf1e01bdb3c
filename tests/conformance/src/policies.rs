//! The policies the adversarial tests and the fuzz targets run against, each built both ways the
//! crate offers: `PolicyBuilder` at run time and `#[derive(Cors)]` at compile time.

use std::sync::OnceLock;

use checked_cors::{Cors, CorsPolicy, Policy};

use crate::model::{Names, Origins, Spec};

/// A policy, how it was written, and how it was built.
#[derive(Debug)]
pub struct Case {
    /// A short name for messages.
    pub name: &'static str,
    /// The policy as written, for the model.
    pub spec: Spec,
    /// The policy as `checked-cors` serves it.
    pub policy: Policy<'static>,
    /// Whether `vectors/adversarial-origins.txt` is written for it: every vector must be refused.
    pub refuses_vectors: bool,
}

/// Only `https://example.com`.
pub const EXACT: &[&str] = &["https://example.com"];
/// Only `https://*.example.com`.
pub const SUBDOMAINS: &[&str] = &["https://*.example.com"];
/// The pair the shared adversarial vectors are written for.
pub const BOTH: &[&str] = &["https://example.com", "https://*.example.com"];
/// Only `http://localhost:*`.
pub const PORTS: &[&str] = &["http://localhost:*"];
/// The list with credentials the vector file is written for: [`BOTH`], the `foo.com`/`bar.com` pair
/// of jub0bs/cors GHSA-vhxv-fg4m-p2w8 (shared-suffix insertion) and [`PORTS`].
pub const VECTORS_LIST: &[&str] = &[
    "https://example.com",
    "https://*.example.com",
    "https://foo.com",
    "https://bar.com",
    "http://localhost:*",
];
/// A richer list with credentials for the fuzzer: every kind of entry, IP hosts, ports.
pub const LIST: &[&str] = &[
    "https://example.com",
    "https://*.example.com",
    "https://foo.com",
    "https://bar.com",
    "http://localhost:*",
    "https://app.example.org:8443",
    "http://127.0.0.1:3000",
    "http://[::1]:*",
    "https://*.api.example.net:*",
    "https://xn--bcher-kva.example",
];

#[derive(Cors)]
#[cors(origins = ["https://example.com"])]
struct DerivedExact;

#[derive(Cors)]
#[cors(origins = ["https://*.example.com"])]
struct DerivedSubdomains;

#[derive(Cors)]
#[cors(origins = ["https://example.com", "https://*.example.com"], credentials)]
struct DerivedBoth;

#[derive(Cors)]
#[cors(origins = ["http://localhost:*"])]
struct DerivedPorts;

#[derive(Cors)]
#[cors(
    origins = [
        "https://example.com",
        "https://*.example.com",
        "https://foo.com",
        "https://bar.com",
        "http://localhost:*",
    ],
    credentials
)]
struct DerivedVectorsList;

#[derive(Cors)]
#[cors(origins = "*", methods = [GET, PUT], headers = "*", expose = "*", max_age = 60)]
struct DerivedAny;

#[derive(Cors)]
#[cors(
    origins = ["https://example.com"],
    write_origins = ["https://idp.example.net", "https://*.partner.example"],
    credentials
)]
struct DerivedWrites;

#[derive(Cors)]
#[cors(origins = ["https://example.com"], dangerously_allow_cross_origin_writes)]
struct DerivedOpenWrites;

#[derive(Cors)]
#[cors(
    origins = [
        "https://example.com",
        "https://*.example.com",
        "https://foo.com",
        "https://bar.com",
        "http://localhost:*",
        "https://app.example.org:8443",
        "http://127.0.0.1:3000",
        "http://[::1]:*",
        "https://*.api.example.net:*",
        "https://xn--bcher-kva.example",
    ],
    methods = [GET, POST, PUT, DELETE, "PURGE", PATCH],
    headers = ["content-type", "x-api-key", "authorization"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600,
    private_network,
)]
struct DerivedList;

fn methods(names: &[&str]) -> Names {
    Names::list(names)
}

fn names(names: &[&str]) -> Names {
    Names::List(names.iter().map(|n| (*n).to_owned()).collect())
}

/// The `origins = "*"` policy (no credentials: the rules refuse them together).
pub fn any_spec() -> Spec {
    Spec {
        origins: Origins::Any,
        methods: methods(&["GET", "PUT"]),
        headers: Names::Any,
        expose: Names::Any,
        credentials: false,
        max_age: Some(60),
        private_network: false,
        write_origins: Vec::new(),
        cross_origin_writes: false,
    }
}

/// [`EXACT`] with credentials, trusting an identity provider and a partner's subdomains for
/// cross-origin writes.
pub fn writes_spec() -> Spec {
    Spec {
        credentials: true,
        write_origins: ["https://idp.example.net", "https://*.partner.example"]
            .map(String::from)
            .to_vec(),
        ..Spec::origins(EXACT)
    }
}

/// [`EXACT`] with cross-origin writes let through.
pub fn open_writes_spec() -> Spec {
    Spec {
        cross_origin_writes: true,
        ..Spec::origins(EXACT)
    }
}

/// The list with credentials, [`LIST`].
pub fn list_spec() -> Spec {
    Spec {
        methods: methods(&["GET", "POST", "PUT", "DELETE", "PURGE", "PATCH"]),
        headers: names(&["content-type", "x-api-key", "authorization"]),
        expose: names(&["x-request-id"]),
        credentials: true,
        max_age: Some(600),
        private_network: true,
        ..Spec::origins(LIST)
    }
}

/// Many exact origins (a large hashed table) plus `null`.
pub fn many_spec() -> Spec {
    let mut origins: Vec<String> = (0..300)
        .map(|i| format!("https://site{i}.example.net"))
        .collect();
    origins.extend(LIST.iter().map(|o| (*o).to_owned()));
    origins.push("null".to_owned());
    Spec {
        methods: methods(&["GET", "PUT"]),
        headers: names(&["content-type"]),
        ..Spec::origins(origins)
    }
}

fn built(name: &'static str, spec: Spec) -> Case {
    let policy = spec
        .build()
        .unwrap_or_else(|e| panic!("policy {name} does not build: {e}"));
    derived(name, spec, policy)
}

fn derived(name: &'static str, spec: Spec, policy: Policy<'static>) -> Case {
    let refuses_vectors = match &spec.origins {
        Origins::List(list) => list.iter().all(|o| VECTORS_LIST.contains(&o.as_str())),
        Origins::Any => false,
    };
    Case {
        name,
        spec,
        policy,
        refuses_vectors,
    }
}

/// Exact hosts with `_` and a final `.`, a pattern on a fully qualified base, any method and any
/// header with credentials (echoed, never `*`).
pub const CORNERS: &[&str] = &[
    "http://ex_am-ple.com:3999",
    "https://example.com.",
    "https://*.example.org.",
    "https://*.example.com",
];

/// [`CORNERS`] with `methods = "*"`, `headers = "*"` and credentials.
pub fn any_method_spec() -> Spec {
    Spec {
        methods: Names::Any,
        headers: Names::Any,
        credentials: true,
        ..Spec::origins(CORNERS)
    }
}

/// `origins = "*"`, `methods = [PUT]` (safelisted methods pass anyway) and
/// `headers = ["*", "authorization"]`.
pub fn every_header_spec() -> Spec {
    Spec {
        origins: Origins::Any,
        methods: methods(&["PUT"]),
        headers: names(&["*", "authorization"]),
        ..Spec::origins(CORNERS)
    }
}

/// The list the vectors are written for, with credentials.
pub fn vectors_list_spec() -> Spec {
    Spec {
        credentials: true,
        ..Spec::origins(VECTORS_LIST)
    }
}

/// Every policy shape, built at run time and derived at compile time.
pub fn all() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let both = Spec {
            credentials: true,
            ..Spec::origins(BOTH)
        };
        let derived_any = any_spec();
        vec![
            built("exact", Spec::origins(EXACT)),
            built("subdomains", Spec::origins(SUBDOMAINS)),
            built("both with credentials", both.clone()),
            built("port pattern", Spec::origins(PORTS)),
            built("any origin", any_spec()),
            built("vectors list with credentials", vectors_list_spec()),
            built("list with credentials", list_spec()),
            built("many origins", many_spec()),
            built("write origins", writes_spec()),
            built("open writes", open_writes_spec()),
            derived(
                "derived exact",
                Spec::origins(EXACT),
                DerivedExact::policy().clone(),
            ),
            derived(
                "derived subdomains",
                Spec::origins(SUBDOMAINS),
                DerivedSubdomains::policy().clone(),
            ),
            derived("derived both", both, DerivedBoth::policy().clone()),
            derived(
                "derived ports",
                Spec::origins(PORTS),
                DerivedPorts::policy().clone(),
            ),
            derived(
                "derived vectors list",
                vectors_list_spec(),
                DerivedVectorsList::policy().clone(),
            ),
            derived("derived any", derived_any, DerivedAny::policy().clone()),
            derived("derived list", list_spec(), DerivedList::policy().clone()),
            derived(
                "derived write origins",
                writes_spec(),
                DerivedWrites::policy().clone(),
            ),
            derived(
                "derived open writes",
                open_writes_spec(),
                DerivedOpenWrites::policy().clone(),
            ),
            built("any method with credentials", any_method_spec()),
            built("every header", every_header_spec()),
        ]
    })
}
