//! Run-time checks that a derived policy holds exactly what its attribute says.

use checked_cors::{Cors, CorsPolicy, HeaderList, Origins};

fn names<'a>(list: &'a HeaderList<'_>) -> (Vec<&'a str>, &'a str) {
    match list {
        HeaderList::Names { names, rendered } => {
            (names.iter().map(|n| n.as_str()).collect(), rendered)
        }
        HeaderList::Any | HeaderList::AnyWithAuthorization => {
            panic!("expected a list of names, found `*`")
        }
    }
}

/// The exact origins, the patterns as written, and whether `null` is allowed.
fn list<'a>(origins: &'a Origins<'_>) -> (Vec<&'a str>, Vec<String>, bool) {
    match origins {
        Origins::List {
            exact,
            patterns,
            null,
        } => (
            exact.origins().iter().map(|o| o.as_str()).collect(),
            patterns.iter().map(|p| p.to_string()).collect(),
            *null,
        ),
        Origins::Any => panic!("expected a list of origins, found `*`"),
    }
}

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    methods = [GET, POST, PUT, "PURGE"],
    headers = ["Content-Type", "x-api-key"],
    expose = ["X-Request-Id"],
    credentials,
    max_age = 600,
    private_network,
)]
pub struct Full;

#[test]
fn every_key_is_carried_over() {
    let policy = Full::policy();
    let (exact, patterns, null) = list(policy.origins());
    assert_eq!(exact, ["https://app.example.com"]);
    assert_eq!(patterns, ["https://*.example.com", "http://localhost:*"]);
    assert!(!null);
    assert_eq!(policy.methods(), ["GET", "POST", "PUT", "PURGE"]);
    // Header names compare ignoring case and are sent in lower case.
    assert_eq!(
        names(policy.allowed_headers()),
        (vec!["content-type", "x-api-key"], "content-type, x-api-key")
    );
    assert_eq!(
        names(policy.exposed_headers()),
        (vec!["x-request-id"], "x-request-id")
    );
    assert!(policy.allows_credentials());
    assert_eq!(policy.max_age(), Some("600"));
    assert!(policy.allows_private_network());
    assert!(policy.varies_on_origin());
}

#[test]
fn origins_match_as_written() {
    let policy = Full::policy();
    for allowed in [
        "https://app.example.com",
        "https://a.example.com",
        "http://localhost:8080",
        "http://localhost",
    ] {
        assert!(policy.allows_origin(allowed.as_bytes()), "{allowed}");
    }
    for refused in [
        "https://app.example.com/",
        "https://APP.example.com",
        "https://example.com",
        "https://.example.com",
        "http://app.example.com",
        "https://app.example.com.evil.com",
        "https://evilexample.com",
        "http://localhost:0",
        "http://localhost:080",
        "null",
        "",
    ] {
        assert!(!policy.allows_origin(refused.as_bytes()), "{refused}");
    }
}

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"])]
struct Defaults;

#[test]
fn omitted_keys_take_their_defaults() {
    let policy = Defaults::policy();
    assert_eq!(policy.methods(), ["GET", "HEAD", "POST"]);
    assert_eq!(names(policy.allowed_headers()), (vec![], ""));
    assert_eq!(names(policy.exposed_headers()), (vec![], ""));
    assert!(!policy.allows_credentials());
    assert_eq!(policy.max_age(), None);
    assert!(!policy.allows_private_network());
}

#[derive(Cors)]
#[cors(origins = "*", headers = "*", expose = "*")]
struct Public;

#[test]
fn wildcards_stay_wildcards() {
    let policy = Public::policy();
    assert!(matches!(policy.origins(), Origins::Any));
    assert!(!policy.varies_on_origin());
    assert!(matches!(policy.allowed_headers(), HeaderList::Any));
    assert!(matches!(policy.exposed_headers(), HeaderList::Any));
    assert!(policy.allows_origin(b"https://anyone.example"));
}

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com", "https://ex_am-ple.com:3999", "https://example.com."],
    methods = "*",
    headers = "*",
    credentials
)]
struct AnyMethodAnyHeader;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], headers = ["*", "Authorization"])]
struct EveryHeader;

#[test]
fn any_method_and_any_header_with_credentials() {
    let policy = AnyMethodAnyHeader::policy();
    assert!(policy.allows_any_method());
    assert!(policy.methods().is_empty());
    assert!(matches!(policy.allowed_headers(), HeaderList::Any));
    assert!(policy.allows_credentials());
    assert!(policy.allows_origin(b"https://ex_am-ple.com:3999"));
    assert!(policy.allows_origin(b"https://example.com."));
    assert!(!policy.allows_origin(b"https://example.com"));
    assert!(matches!(
        EveryHeader::policy().allowed_headers(),
        HeaderList::AnyWithAuthorization
    ));
}

#[derive(Cors)]
#[cors(origins = ["null", "https://*.example.com:8443", "https://*.dev.example.com:*"], dangerously_allow_null_origin)]
struct Sandboxed;

#[test]
fn null_and_port_patterns() {
    let policy = Sandboxed::policy();
    let (exact, patterns, null) = list(policy.origins());
    assert_eq!(exact, [] as [&str; 0]);
    assert!(null);
    assert_eq!(
        patterns,
        ["https://*.example.com:8443", "https://*.dev.example.com:*"]
    );
    assert!(policy.allows_origin(b"null"));
    assert!(policy.allows_origin(b"https://a.example.com:8443"));
    assert!(!policy.allows_origin(b"https://a.example.com"));
    assert!(policy.allows_origin(b"https://a.dev.example.com:3000"));
}

/// Two hundred exact origins: every one is found in the macro-built hash table, and near misses
/// (another tenant's suffix, a shared prefix) are not.
#[derive(Cors)]
#[cors(origins = [
    "https://tenant0.example.com",
    "https://tenant1.example.com",
    "https://tenant2.example.com",
    "https://tenant3.example.com",
    "https://tenant4.example.com",
    "https://tenant5.example.com",
    "https://tenant6.example.com",
    "https://tenant7.example.com",
    "https://tenant8.example.com",
    "https://tenant9.example.com",
    "https://tenant10.example.com",
    "https://tenant11.example.com",
    "https://tenant12.example.com",
    "https://tenant13.example.com",
    "https://tenant14.example.com",
    "https://tenant15.example.com",
    "https://tenant16.example.com",
    "https://tenant17.example.com",
    "https://tenant18.example.com",
    "https://tenant19.example.com",
    "https://tenant20.example.com",
    "https://tenant21.example.com",
    "https://tenant22.example.com",
    "https://tenant23.example.com",
    "https://tenant24.example.com",
    "https://tenant25.example.com",
    "https://tenant26.example.com",
    "https://tenant27.example.com",
    "https://tenant28.example.com",
    "https://tenant29.example.com",
    "https://tenant30.example.com",
    "https://tenant31.example.com",
    "https://tenant32.example.com",
    "https://tenant33.example.com",
    "https://tenant34.example.com",
    "https://tenant35.example.com",
    "https://tenant36.example.com",
    "https://tenant37.example.com",
    "https://tenant38.example.com",
    "https://tenant39.example.com",
    "https://tenant40.example.com",
    "https://tenant41.example.com",
    "https://tenant42.example.com",
    "https://tenant43.example.com",
    "https://tenant44.example.com",
    "https://tenant45.example.com",
    "https://tenant46.example.com",
    "https://tenant47.example.com",
    "https://tenant48.example.com",
    "https://tenant49.example.com",
    "https://tenant50.example.com",
    "https://tenant51.example.com",
    "https://tenant52.example.com",
    "https://tenant53.example.com",
    "https://tenant54.example.com",
    "https://tenant55.example.com",
    "https://tenant56.example.com",
    "https://tenant57.example.com",
    "https://tenant58.example.com",
    "https://tenant59.example.com",
    "https://tenant60.example.com",
    "https://tenant61.example.com",
    "https://tenant62.example.com",
    "https://tenant63.example.com",
    "https://tenant64.example.com",
    "https://tenant65.example.com",
    "https://tenant66.example.com",
    "https://tenant67.example.com",
    "https://tenant68.example.com",
    "https://tenant69.example.com",
    "https://tenant70.example.com",
    "https://tenant71.example.com",
    "https://tenant72.example.com",
    "https://tenant73.example.com",
    "https://tenant74.example.com",
    "https://tenant75.example.com",
    "https://tenant76.example.com",
    "https://tenant77.example.com",
    "https://tenant78.example.com",
    "https://tenant79.example.com",
    "https://tenant80.example.com",
    "https://tenant81.example.com",
    "https://tenant82.example.com",
    "https://tenant83.example.com",
    "https://tenant84.example.com",
    "https://tenant85.example.com",
    "https://tenant86.example.com",
    "https://tenant87.example.com",
    "https://tenant88.example.com",
    "https://tenant89.example.com",
    "https://tenant90.example.com",
    "https://tenant91.example.com",
    "https://tenant92.example.com",
    "https://tenant93.example.com",
    "https://tenant94.example.com",
    "https://tenant95.example.com",
    "https://tenant96.example.com",
    "https://tenant97.example.com",
    "https://tenant98.example.com",
    "https://tenant99.example.com",
    "https://tenant100.example.com",
    "https://tenant101.example.com",
    "https://tenant102.example.com",
    "https://tenant103.example.com",
    "https://tenant104.example.com",
    "https://tenant105.example.com",
    "https://tenant106.example.com",
    "https://tenant107.example.com",
    "https://tenant108.example.com",
    "https://tenant109.example.com",
    "https://tenant110.example.com",
    "https://tenant111.example.com",
    "https://tenant112.example.com",
    "https://tenant113.example.com",
    "https://tenant114.example.com",
    "https://tenant115.example.com",
    "https://tenant116.example.com",
    "https://tenant117.example.com",
    "https://tenant118.example.com",
    "https://tenant119.example.com",
    "https://tenant120.example.com",
    "https://tenant121.example.com",
    "https://tenant122.example.com",
    "https://tenant123.example.com",
    "https://tenant124.example.com",
    "https://tenant125.example.com",
    "https://tenant126.example.com",
    "https://tenant127.example.com",
    "https://tenant128.example.com",
    "https://tenant129.example.com",
    "https://tenant130.example.com",
    "https://tenant131.example.com",
    "https://tenant132.example.com",
    "https://tenant133.example.com",
    "https://tenant134.example.com",
    "https://tenant135.example.com",
    "https://tenant136.example.com",
    "https://tenant137.example.com",
    "https://tenant138.example.com",
    "https://tenant139.example.com",
    "https://tenant140.example.com",
    "https://tenant141.example.com",
    "https://tenant142.example.com",
    "https://tenant143.example.com",
    "https://tenant144.example.com",
    "https://tenant145.example.com",
    "https://tenant146.example.com",
    "https://tenant147.example.com",
    "https://tenant148.example.com",
    "https://tenant149.example.com",
    "https://tenant150.example.com",
    "https://tenant151.example.com",
    "https://tenant152.example.com",
    "https://tenant153.example.com",
    "https://tenant154.example.com",
    "https://tenant155.example.com",
    "https://tenant156.example.com",
    "https://tenant157.example.com",
    "https://tenant158.example.com",
    "https://tenant159.example.com",
    "https://tenant160.example.com",
    "https://tenant161.example.com",
    "https://tenant162.example.com",
    "https://tenant163.example.com",
    "https://tenant164.example.com",
    "https://tenant165.example.com",
    "https://tenant166.example.com",
    "https://tenant167.example.com",
    "https://tenant168.example.com",
    "https://tenant169.example.com",
    "https://tenant170.example.com",
    "https://tenant171.example.com",
    "https://tenant172.example.com",
    "https://tenant173.example.com",
    "https://tenant174.example.com",
    "https://tenant175.example.com",
    "https://tenant176.example.com",
    "https://tenant177.example.com",
    "https://tenant178.example.com",
    "https://tenant179.example.com",
    "https://tenant180.example.com",
    "https://tenant181.example.com",
    "https://tenant182.example.com",
    "https://tenant183.example.com",
    "https://tenant184.example.com",
    "https://tenant185.example.com",
    "https://tenant186.example.com",
    "https://tenant187.example.com",
    "https://tenant188.example.com",
    "https://tenant189.example.com",
    "https://tenant190.example.com",
    "https://tenant191.example.com",
    "https://tenant192.example.com",
    "https://tenant193.example.com",
    "https://tenant194.example.com",
    "https://tenant195.example.com",
    "https://tenant196.example.com",
    "https://tenant197.example.com",
    "https://tenant198.example.com",
    "https://tenant199.example.com",
])]
struct Tenants;

#[test]
fn a_long_list_is_a_hash_table_that_finds_every_origin() {
    let policy = Tenants::policy();
    let (exact, patterns, _) = list(policy.origins());
    assert_eq!(exact.len(), 200);
    assert!(patterns.is_empty());
    for (i, listed) in exact.iter().enumerate() {
        let origin = format!("https://tenant{i}.example.com");
        assert_eq!(*listed, origin);
        assert!(policy.allows_origin(origin.as_bytes()), "{origin}");
    }
    for refused in [
        "https://tenant200.example.com",
        "https://tenant1.example.co",
        "https://tenant1tenant2.example.com",
        "https://tenant1.example.com:443",
        "https://tenant.example.com",
    ] {
        assert!(!policy.allows_origin(refused.as_bytes()), "{refused}");
    }
}
