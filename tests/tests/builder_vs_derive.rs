//! Builder-made and derived policies answer identically: each policy below is derived from its
//! attribute and built by `PolicyBuilder` from the same attribute text (`stringify!`), and both
//! evaluate a corpus of requests (the shared hostile origins of `cors-test-support` and their
//! mutations, methods, header lists, Private Network Access) to equal `Decision`s.

mod attribute;

use cors_test_support::adversarial_origins;

use checked_cors::{Cors, CorsPolicy, CorsRequest, Decision, Header, Policy};

/// Derives each policy and pairs it with its `PolicyBuilder` twin, built from the same tokens.
macro_rules! twins {
    ($($name:ident ( $($attr:tt)* ))*) => {
        $(
            #[derive(Cors)]
            #[cors($($attr)*)]
            struct $name;
        )*

        fn twins() -> Vec<(&'static str, &'static Policy<'static>, Policy<'static>)> {
            vec![$((
                stringify!($name),
                $name::policy(),
                attribute::builder(stringify!($($attr)*))
                    .build()
                    .unwrap_or_else(|e| panic!("{}: {e}", stringify!($name))),
            )),*]
        }
    };
}

twins! {
    Full(
        origins = ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
        methods = [GET, POST, PUT, "PURGE"],
        headers = ["Content-Type", "x-api-key", "Authorization"],
        expose = ["X-Request-Id"],
        credentials,
        max_age = 600,
        private_network,
    )
    Defaults(origins = ["https://example.com"])
    Public(origins = "*", headers = "*", expose = "*", max_age = 0)
    Patterns(
        origins = [
            "null",
            "https://*.example.com:8443",
            "https://*.dev.example.com:*",
            "http://[::1]:*",
            "http://127.0.0.1:8080",
            "https://example.com",
        ],
        dangerously_allow_null_origin,
        methods = ["PATCH", DELETE, "patchy"],
        headers = "*",
    )
    SharedSuffixes(
        origins = [
            "https://foo.com",
            "https://bar.com",
            "https://barfoo.com",
            "https://oo.com",
            "https://example.com",
            "https://www.example.com",
            "https://api.example.com",
            "https://example.co",
            "https://example.com:8443",
            "http://example.com",
            "wss://example.com",
            "https://xn--exmple-4nf.com",
            "https://a.b.c.d.example.org",
            "http://localhost:3000",
            "http://[::1]:3000",
        ],
        credentials,
        dangerously_allow_insecure_origins,
        expose = ["x-a", "x-b"],
    )
    Writes(
        origins = ["https://app.example.com"],
        write_origins = ["https://idp.example.net", "https://*.example.com"],
        credentials,
    )
    OpenWrites(origins = ["https://app.example.com"], dangerously_allow_cross_origin_writes)
    AnyMethod(
        origins = ["https://app.example.com", "https://ex_am-ple.com:3999", "https://example.com."],
        methods = "*",
        headers = "*",
        credentials,
    )
    AnyMethodNoCredentials(origins = "*", methods = "*", headers = ["*", "authorization"])
    SafelistedAside(
        origins = ["https://*.example.com", "https://*.example.org."],
        methods = [PUT],
        headers = ["x-api-key"],
    )
    Dangerous(
        origins = ["http://intranet.example", "https://*.github.io", "https://*.example.com"],
        credentials,
        dangerously_allow_insecure_origins,
        dangerously_allow_public_suffix_wildcards,
        private_network,
    )
}

/// Origins of every kind: the shared hostile list, values the policies allow, and mutations of
/// both that browsers never send.
fn origins() -> Vec<Vec<u8>> {
    let mut base: Vec<String> = adversarial_origins()
        .into_iter()
        .filter_map(|origin| String::from_utf8(origin).ok())
        .collect();
    assert!(base.len() > 30, "the hostile list lost its values");
    base.extend(
        [
            "https://example.com",
            "https://app.example.com",
            "https://api.example.com",
            "https://a.example.com",
            "https://a.b.example.com",
            "https://x.example.com:8443",
            "https://x.dev.example.com",
            "https://x.dev.example.com:3000",
            "https://a_b.example.com",
            "https://a.example.com.",
            "https://example.com.",
            "https://a.example.org.",
            "https://a.example.org",
            "https://ex_am-ple.com:3999",
            "https://ex_am-ple.com",
            "http://localhost",
            "http://localhost:3000",
            "http://localhost:65535",
            "http://[::1]",
            "http://[::1]:8080",
            "http://127.0.0.1:8080",
            "https://foo.com",
            "https://bar.com",
            "https://barfoo.com",
            "https://foobar.com",
            "https://foo.bar.com",
            "https://oo.com",
            "https://www.example.com",
            "https://example.com:8443",
            "wss://example.com",
            "https://xn--exmple-4nf.com",
            "https://a.b.c.d.example.org",
            "https://b.c.d.example.org",
            "http://intranet.example",
            "https://user.github.io",
            "https://github.io",
            "null",
            "",
        ]
        .map(str::to_owned),
    );
    let mut all: Vec<Vec<u8>> = Vec::new();
    for origin in &base {
        all.push(origin.clone().into_bytes());
        for mutated in [
            origin.to_ascii_uppercase(),
            format!("{origin}/"),
            format!("{origin}:443"),
            format!("{origin}."),
            format!(" {origin}"),
            format!("{origin}\0"),
            origin.replacen("://", "://x.", 1),
            origin.replacen("https", "http", 1),
        ] {
            all.push(mutated.into_bytes());
        }
    }
    all.push(b"https://a.example.com\xff".to_vec());
    all.push(format!("https://{}.example.com", "a".repeat(600)).into_bytes());
    all.sort();
    all.dedup();
    all
}

/// A request as readable text for a failure message.
fn show(request: &CorsRequest<'_>) -> String {
    let field = |h: Header<'_>| match h {
        Header::Absent => "absent".to_owned(),
        Header::Many => "several".to_owned(),
        Header::One(v) => format!("`{}`", v.escape_ascii()),
    };
    format!(
        "{} origin {} method {} headers {} private network {}",
        request.method.escape_ascii(),
        field(request.origin),
        field(request.request_method),
        field(request.request_headers),
        field(request.request_private_network)
    )
}

fn header(value: &[u8]) -> Header<'_> {
    Header::One(value)
}

#[test]
fn builder_and_derive_decide_alike() {
    let origins = origins();
    let methods: [&[u8]; 12] = [
        b"GET", b"HEAD", b"POST", b"PUT", b"PATCH", b"patch", b"PURGE", b"DELETE", b"OPTIONS", b"",
        b"GE T", b"CONNECT",
    ];
    let flood = ",".repeat(100);
    let long = "x".repeat(4097);
    let header_lists: [Header<'_>; 13] = [
        Header::Absent,
        Header::Many,
        header(b""),
        header(b"content-type"),
        header(b"Content-Type,X-API-KEY"),
        header(b"x-api-key, content-type"),
        header(b"authorization"),
        header(b"x-other"),
        header(b",,,"),
        header(b"a b"),
        header(b"x-a,\tx-b "),
        header(flood.as_bytes()),
        header(long.as_bytes()),
    ];
    let private_network = [
        Header::Absent,
        header(b"true"),
        header(b"false"),
        Header::Many,
    ];
    let origin_headers = origins
        .iter()
        .map(|o| header(o))
        .chain([Header::Absent, Header::Many]);
    let mut requests = Vec::new();
    for origin in origin_headers {
        for &method in &methods {
            requests.push(CorsRequest {
                method,
                origin,
                ..CorsRequest::default()
            });
            // Writes, as browsers mark them, to a host that is and is not the origin's.
            for (sec_fetch_site, host) in [
                (header(b"cross-site"), Header::Absent),
                (header(b"same-site"), header(b"app.example.com")),
                (Header::Absent, header(b"app.example.com")),
                (Header::Absent, header(b"api.example.com")),
            ] {
                requests.push(CorsRequest {
                    method,
                    origin,
                    sec_fetch_site,
                    host,
                    ..CorsRequest::default()
                });
            }
            for request_headers in header_lists {
                for request_private_network in private_network {
                    requests.push(CorsRequest {
                        method: b"OPTIONS",
                        origin,
                        request_method: if method.is_empty() {
                            Header::Many
                        } else {
                            header(method)
                        },
                        request_headers,
                        request_private_network,
                        ..CorsRequest::default()
                    });
                }
            }
        }
    }
    let mut compared = 0;
    for (name, derived, built) in twins() {
        let (mut allowed, mut refused) = (0, 0);
        for request in &requests {
            let (d, b): (Decision, Decision) = (derived.evaluate(request), built.evaluate(request));
            assert_eq!(d, b, "{name}: {}", show(request));
            if d.is_allowed() {
                allowed += 1;
            } else {
                refused += 1;
            }
            compared += 1;
        }
        // A corpus that only ever refuses (or only allows) would prove little.
        assert!(
            allowed >= 10 && refused >= 10,
            "{name}: {allowed} allowed, {refused} refused"
        );
    }
    assert!(compared > 1_000_000, "{compared} requests");
}

/// Hostile origins are refused by both twins of the policy the shared list is written for.
#[test]
fn the_hostile_list_is_refused_by_both() {
    let twins = twins();
    let (_, derived, built) = twins.iter().find(|(name, ..)| *name == "Full").unwrap();
    for origin in adversarial_origins() {
        // The list targets `https://example.com`, `https://*.example.com` and
        // `http://localhost:*`; `Full` allows them but `https://example.com` itself.
        let shown = String::from_utf8_lossy(&origin);
        assert!(!derived.allows_origin(&origin), "{shown}");
        assert!(!built.allows_origin(&origin), "{shown}");
    }
}
