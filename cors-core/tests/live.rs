//! `CorsLayer::live`: replacements checked, applied atomically, one policy per request.
#![cfg(all(feature = "tower", feature = "live"))]

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use checked_cors::{CorsLayer, LivePolicy, Policy, PolicyBuilder};
use cors_test_support::service::{now, Handler};
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

/// `https://a.example` may `PUT` with `x-a`.
fn policy_a() -> Policy<'static> {
    PolicyBuilder::new()
        .allow_origins(["https://a.example"])
        .allow_methods(["GET", "PUT"])
        .allow_headers(["x-a"])
        .max_age(600)
        .build()
        .unwrap()
}

/// Both origins may `DELETE` with `x-b`, with credentials.
fn policy_b() -> Policy<'static> {
    PolicyBuilder::new()
        .allow_origins(["https://a.example", "https://b.example"])
        .allow_methods(["GET", "DELETE"])
        .allow_headers(["x-b"])
        .expose_headers(["x-total"])
        .allow_credentials()
        .build()
        .unwrap()
}

/// The requests each thread sends, each answered differently by the two policies.
fn requests() -> Vec<Request<()>> {
    let preflight = |origin: &str, method: &str, headers: &str| {
        Request::builder()
            .method("OPTIONS")
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", headers)
            .body(())
            .unwrap()
    };
    let actual = |origin: &str| {
        Request::builder()
            .method("GET")
            .header("origin", origin)
            .body(())
            .unwrap()
    };
    vec![
        preflight("https://a.example", "PUT", "x-a"),
        preflight("https://a.example", "DELETE", "x-b"),
        preflight("https://b.example", "DELETE", "x-b"),
        actual("https://a.example"),
        actual("https://b.example"),
    ]
}

fn clone_request(request: &Request<()>) -> Request<()> {
    let mut copy = Request::new(());
    *copy.method_mut() = request.method().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// Status, handler run or not, and every response header, sorted: the whole answer.
type Answer = (u16, Vec<(String, String)>);

fn answer<S>(service: &mut S, request: &Request<()>) -> Answer
where
    S: Service<Request<()>, Response = Response<String>, Error = Infallible>,
{
    let response = now(service.call(clone_request(request))).unwrap();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (response.status().as_u16(), headers)
}

#[test]
fn a_refused_reload_keeps_the_policy_in_force() {
    let live = LivePolicy::new(policy_a());
    let mut service = CorsLayer::live(&live).layer(Handler(Arc::default()));
    let request = &requests()[0];
    let before = answer(&mut service, request);
    assert_eq!(before.0, 204);
    let error = live
        .reload(
            PolicyBuilder::new()
                .allow_origins(["https://b.example/", "*"])
                .allow_methods(["TRACE"]),
        )
        .unwrap_err();
    let shown: Vec<String> = error.violations().iter().map(|v| v.to_string()).collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(shown[0].starts_with("origins[0] `https://b.example/`: an origin has no trailing `/`"));
    assert!(shown[1].starts_with("origins[1] `*`"));
    assert!(shown[2].starts_with("methods[0] `TRACE`"));
    assert_eq!(answer(&mut service, request), before);

    live.reload(PolicyBuilder::new().allow_origins(["https://b.example"]))
        .unwrap();
    let after = answer(&mut service, request);
    assert_eq!(after.0, 403, "the new policy refuses what the old allowed");
}

/// A layer over a `'static` handle answers as one over a clone of it, before and after a
/// reload, through clones of its service (as axum makes per request).
#[test]
fn a_static_handle_serves_as_a_cloned_one() {
    let live: &'static LivePolicy = Box::leak(Box::new(LivePolicy::new(policy_a())));
    let mut cloned = CorsLayer::live(live).layer(Handler(Arc::default()));
    let fixed = CorsLayer::live_static(live).layer(Handler(Arc::default()));
    for round in 0..2 {
        for request in &requests() {
            let mut service = fixed.clone();
            assert_eq!(
                answer(&mut service, request),
                answer(&mut cloned, request),
                "round {round}: {request:?}"
            );
        }
        live.reload(PolicyBuilder::new().allow_origins(["https://b.example"]))
            .unwrap();
    }
    let mut service = fixed.clone();
    assert_eq!(
        answer(&mut service, &requests()[0]).0,
        403,
        "the reload is in force"
    );
}

#[test]
fn every_answer_comes_whole_from_one_policy_while_policies_swap() {
    let requests = requests();
    // What each policy answers, served by a fixed layer.
    let expected: Vec<[Answer; 2]> = {
        let mut a = CorsLayer::from_policy(policy_a()).layer(Handler(Arc::default()));
        let mut b = CorsLayer::from_policy(policy_b()).layer(Handler(Arc::default()));
        requests
            .iter()
            .map(|r| [answer(&mut a, r), answer(&mut b, r)])
            .collect()
    };
    for (request, [a, b]) in requests.iter().zip(&expected) {
        assert_ne!(a, b, "the two policies must differ on {request:?}");
    }

    let live = LivePolicy::new(policy_a());
    let stop = Arc::new(AtomicBool::new(false));
    let (prepared_a, prepared_b) = (policy_a(), policy_b());
    let swapper = {
        let (live, stop) = (live.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut swaps = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let next = if swaps % 2 == 0 {
                    &prepared_b
                } else {
                    &prepared_a
                };
                live.replace(next.clone());
                swaps += 1;
            }
            swaps
        })
    };
    let seen = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (live, requests, expected, seen) = (
                live.clone(),
                requests.clone_list(),
                expected.clone(),
                seen.clone(),
            );
            std::thread::spawn(move || {
                let mut service = CorsLayer::live(&live).layer(Handler(Arc::default()));
                for round in 0..20_000 {
                    let i = round % requests.len();
                    let got = answer(&mut service, &requests[i]);
                    let which = expected[i]
                        .iter()
                        .position(|e| *e == got)
                        .unwrap_or_else(|| panic!("an answer of neither policy: {got:?}"));
                    seen[which].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    let [a, b] = [0, 1].map(|i| seen[i].load(Ordering::Relaxed));
    assert!(swaps > 100, "{swaps} swaps");
    // With both policies swapped in while requests ran, both must have answered.
    assert!(
        a > 0 && b > 0,
        "answers: {a} from A, {b} from B, {swaps} swaps"
    );
}

trait CloneList {
    fn clone_list(&self) -> Vec<Request<()>>;
}

impl CloneList for Vec<Request<()>> {
    fn clone_list(&self) -> Vec<Request<()>> {
        self.iter().map(clone_request).collect()
    }
}

mod tenants {
    use super::*;
    use checked_cors::{Cors, CorsPolicy, OriginSet};
    use std::sync::Mutex;

    #[derive(Cors)]
    #[cors(
        origins = ["https://app.example.com"],
        methods = [GET, PUT],
        headers = ["content-type"],
        credentials,
        max_age = 600
    )]
    struct Api;

    fn get(origin: &str) -> Request<()> {
        Request::builder()
            .header("origin", origin)
            .body(())
            .unwrap()
    }

    #[test]
    fn a_tenant_set_changes_what_the_layer_allows_while_it_serves() {
        let tenants = OriginSet::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let mut service = CorsLayer::<Api>::new()
            .with_origins(tenants.clone())
            .layer(Handler(calls.clone()));
        let allow_origin = |answer: &Answer| {
            answer
                .1
                .iter()
                .find(|(n, _)| n == "access-control-allow-origin")
                .map(|(_, v)| v.clone())
        };
        let initech = "https://initech.example.net";
        assert_eq!(allow_origin(&answer(&mut service, &get(initech))), None);
        tenants.insert(initech).unwrap();
        let allowed = answer(&mut service, &get(initech));
        assert_eq!(allow_origin(&allowed).as_deref(), Some(initech));
        // The policy's own keys apply to tenants: credentials, and its preflight answer.
        assert!(allowed
            .1
            .contains(&("access-control-allow-credentials".into(), "true".into())));
        let preflight = Request::builder()
            .method("OPTIONS")
            .header("origin", initech)
            .header("access-control-request-method", "PUT")
            .body(())
            .unwrap();
        let answered = answer(&mut service, &preflight);
        assert_eq!(answered.0, 204);
        assert!(answered
            .1
            .contains(&("access-control-max-age".into(), "600".into())));
        // Patterns, and removal.
        tenants.insert("https://*.hooli.example.org").unwrap();
        assert!(
            allow_origin(&answer(&mut service, &get("https://eu.hooli.example.org"))).is_some()
        );
        assert!(tenants.remove(initech));
        assert_eq!(allow_origin(&answer(&mut service, &get(initech))), None);
        // The policy's own origins still work.
        assert!(allow_origin(&answer(&mut service, &get("https://app.example.com"))).is_some());
        // A tenant's cross-site form post is no forged write.
        let post = Request::builder()
            .method("POST")
            .header("origin", "https://eu.hooli.example.org")
            .header("sec-fetch-site", "cross-site")
            .body(())
            .unwrap();
        assert_eq!(answer(&mut service, &post).0, 200);
    }

    #[test]
    fn a_malformed_tenant_is_refused_with_the_rule_and_its_fix() {
        let tenants = OriginSet::new();
        for (origin, message) in [
            (
                "https://initech.example.com/",
                "`https://initech.example.com/`: an origin has no trailing `/`, so this one would never match (remove the trailing `/`)",
            ),
            ("*", "`*`: `\"*\"` inside a list is not a pattern; it would allow every origin"),
            ("null", "`null`: the `null` origin is sent by sandboxed iframes"),
            ("https://*.co.uk", "`https://*.co.uk`: this wildcard covers a public suffix"),
            ("http://intranet.example", "`http://intranet.example`: a plain `http://` origin can be impersonated"),
        ] {
            let error = tenants.insert(origin).unwrap_err().to_string();
            assert!(error.starts_with(message), "{error}");
        }
        assert!(tenants.is_empty());
        let intranet = OriginSet::new().dangerously_allow_insecure_origins();
        intranet.insert("http://intranet.example").unwrap();
        assert_eq!(intranet.len(), 1);
    }

    #[test]
    fn the_predicate_only_sees_serialized_origins() {
        let asked = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = asked.clone();
        let mut service = CorsLayer::<Api>::new()
            .with_origins(move |origin: &str| {
                seen.lock().unwrap().push(origin.to_owned());
                origin.ends_with(".tenant.example")
            })
            .layer(Handler(Arc::default()));
        let long = format!("https://{}.tenant.example", "a".repeat(64 * 1024));
        for origin in [
            "https://x.tenant.example/",
            "https://X.tenant.example",
            "https://x.tenant.example:443",
            "null",
            "https://x.tenant.example\t",
            long.as_str(),
            "https://app.example.com",
            "https://x.tenant.example",
        ] {
            let Ok(value) = http::HeaderValue::from_str(origin) else {
                continue;
            };
            let mut request = Request::new(());
            request.headers_mut().insert("origin", value);
            let _ = answer(&mut service, &request);
        }
        // Only the one serialized origin the policy does not list itself.
        assert_eq!(*asked.lock().unwrap(), ["https://x.tenant.example"]);
    }

    #[test]
    fn ten_thousand_tenants_are_found_and_nothing_else() {
        let tenants = OriginSet::new();
        for i in 0..10_000 {
            tenants
                .insert(&format!("https://tenant{i}.example.net"))
                .unwrap();
        }
        assert_eq!(tenants.len(), 10_000);
        for i in (0..10_000).step_by(997) {
            assert!(tenants.contains(&format!("https://tenant{i}.example.net")));
        }
        for refused in [
            "https://tenant10000.example.net",
            "https://tenant1.example.net.evil.com",
            "http://tenant1.example.net",
            "https://tenant1.example.net:443",
        ] {
            assert!(!tenants.contains(refused), "{refused}");
        }
        let request = checked_cors::CorsRequest {
            method: b"GET",
            origin: checked_cors::Header::One(b"https://tenant42.example.net"),
            ..checked_cors::CorsRequest::default()
        };
        assert!(Api::policy()
            .evaluate_with(&request, Some(&tenants))
            .is_allowed());
    }
}
