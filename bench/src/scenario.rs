//! The scenarios: a policy, the requests sent, and the services that answer them: the bare
//! handler, this project's layer (derived and live), the floor and tower-http's over it, and an
//! actix app alone, behind actix-cors and behind this project's actix middleware.

use checked_cors::{CorsLayer, CorsPolicy, CorsService, LivePolicy, Policy, PolicyBuilder};
use http::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use http::{Method, Request, Response};
use tower_http::cors::Cors;
use tower_layer::Layer;

use crate::actix::{self, ActixApp};
use crate::floor::{Floor, FloorLayer};
use crate::origins::tenant_origin;
use crate::policies::{
    tower_http_list, tower_http_subdomains, Exact100, Exact1000, Exact10000, Exact3, Fixed,
    Subdomains, FIXED_ORIGINS,
};
use crate::service::{call, Bare};

/// Request templates, handed out in turn: a scenario over a long origin list asks with origins
/// spread along it, so that a list scanned in order is measured at its average, not its best.
#[derive(Clone, Debug)]
pub struct Requests {
    templates: Vec<Request<()>>,
    next: usize,
}

impl Requests {
    fn new(templates: Vec<Request<()>>) -> Self {
        assert!(
            !templates.is_empty(),
            "a scenario sends at least one request"
        );
        Requests { templates, next: 0 }
    }

    /// The next request to send (a copy of the next template).
    pub fn next_request(&mut self) -> Request<()> {
        let request = self.templates[self.next].clone();
        self.next = (self.next + 1) % self.templates.len();
        request
    }

    /// Every template, in the order they are handed out.
    pub fn templates(&self) -> &[Request<()>] {
        &self.templates
    }
}

/// One benchmark case.
pub struct Scenario {
    /// A short name, used as the criterion group and the quick-mode row.
    pub name: String,
    /// Whether the requests are preflights: every layer answers those itself, so the bare handler
    /// is not a baseline to subtract, and a layer's cost is its whole time.
    pub preflight: bool,
    /// Whether the policy allows the requests (checked against every layer by [`Scenario::check`]).
    pub allowed: bool,
    /// The requests.
    pub requests: Requests,
    /// This project's policy, for [`Policy::evaluate`] alone.
    pub policy: &'static Policy<'static>,
    /// The handler alone.
    pub bare: Bare,
    /// This project's `CorsLayer` over the handler.
    pub ours: CorsService<Bare>,
    /// tower-http's `CorsLayer` over the handler.
    pub tower_http: Cors<Bare>,
    /// This project's layer over a [`LivePolicy`] holding the same policy, built at start-up.
    pub live: CorsService<Bare>,
    /// The floor ([`crate::floor`]): only the work no layer can avoid.
    pub floor: Floor<Bare>,
    /// An actix-web app with the same kind of handler, alone.
    pub actix_bare: ActixApp,
    /// The same app wrapped in actix-cors.
    pub actix: ActixApp,
    /// The same app wrapped in this project's actix middleware, `checked_cors::actix::Cors`.
    pub actix_ours: ActixApp,
    /// `actix_ours` with an origin lookup that refuses at once: made only when measured.
    pub actix_ours_lookup: fn() -> ActixApp,
    /// This project's layers composed (`CorsLayer::defer_to_inner`): made only when measured,
    /// since making a deferring layer turns on the composition checks of every plain one in the
    /// process (which `ours` must be measured without).
    pub composed: fn() -> Composed,
}

/// This project's layers composed with the scenario's policy, for the composition's figures.
pub struct Composed {
    /// A deferring (global) layer alone over the handler: a route without its own layer.
    pub deferring: CorsService<Bare>,
    /// A deferring layer over a plain one over the handler: a route with its own layer.
    pub nested: CorsService<CorsService<Bare>>,
    /// A plain layer alone, in a process where a deferring layer exists.
    pub plain: CorsService<Bare>,
}

impl Scenario {
    fn new<P: CorsPolicy + 'static>(
        name: impl Into<String>,
        allowed: bool,
        templates: Vec<Request<()>>,
        peers: Peers,
    ) -> Self {
        let Peers {
            tower_http,
            actix_cors,
            live,
        } = peers;
        let requests = Requests::new(templates);
        let preflight = requests.templates()[0].method() == Method::OPTIONS;
        // The floor allows what the scenario sends if it is allowed, else the 3-origin policy's
        // origin that `simple_allowed` sends, so that a refused request costs one comparison too.
        let floor_origins: Vec<String> = if allowed {
            requests
                .templates()
                .iter()
                .map(|r| r.headers()[ORIGIN].to_str().unwrap().to_owned())
                .collect()
        } else {
            vec![ALLOWED.to_owned()]
        };
        Scenario {
            name: name.into(),
            preflight,
            allowed,
            requests,
            policy: P::policy(),
            bare: Bare,
            ours: CorsLayer::<P>::new().layer(Bare),
            tower_http: tower_http.layer(Bare),
            live: CorsLayer::live(&LivePolicy::new(
                live.build().expect("the benchmark's policy is valid"),
            ))
            .layer(Bare),
            floor: FloorLayer::new(floor_origins).layer(Bare),
            actix_bare: ActixApp::bare(),
            actix: ActixApp::with(actix_cors),
            actix_ours: ActixApp::with_ours::<P>(),
            actix_ours_lookup: ActixApp::with_ours_lookup::<P>,
            composed: || Composed {
                deferring: CorsLayer::<P>::new().defer_to_inner().layer(Bare),
                nested: CorsLayer::<P>::new()
                    .defer_to_inner()
                    .layer(CorsLayer::<P>::new().layer(Bare)),
                plain: CorsLayer::<P>::new().layer(Bare),
            },
        }
    }

    /// Every scenario's name, in the order they are reported.
    pub const NAMES: [&'static str; 10] = [
        "no_origin",
        "simple_allowed",
        "simple_refused",
        "preflight_allowed",
        "preflight_refused",
        "exact_3",
        "exact_100",
        "exact_1000",
        "exact_10000",
        "subdomain_pattern",
    ];

    /// Every scenario, in the order they are reported.
    pub fn all() -> Vec<Scenario> {
        Self::NAMES
            .iter()
            .map(|name| Scenario::named(name).expect("every name is a scenario"))
            .collect()
    }

    /// The scenario called `name` (one of [`Scenario::NAMES`]), alone: profiling one needs no
    /// other set up.
    pub fn named(name: &str) -> Option<Scenario> {
        let fixed = || Peers::list(FIXED_ORIGINS);
        let refused = "https://evil.example.net";
        Some(match name {
            "no_origin" => Scenario::new::<Fixed>(name, false, vec![get(None)], fixed()),
            "simple_allowed" => {
                Scenario::new::<Fixed>(name, true, vec![get(Some(ALLOWED))], fixed())
            }
            "simple_refused" => {
                Scenario::new::<Fixed>(name, false, vec![get(Some(refused))], fixed())
            }
            "preflight_allowed" => {
                Scenario::new::<Fixed>(name, true, vec![preflight(ALLOWED)], fixed())
            }
            "preflight_refused" => {
                Scenario::new::<Fixed>(name, false, vec![preflight(refused)], fixed())
            }
            "exact_3" => exact(3),
            "exact_100" => exact(100),
            "exact_1000" => exact(1_000),
            "exact_10000" => exact(10_000),
            "subdomain_pattern" => Scenario::new::<Subdomains>(
                name,
                true,
                [
                    "https://shop.example.com",
                    "https://eu.shop.example.com",
                    "https://tenant00042.example.com",
                ]
                .map(|origin| get(Some(origin)))
                .to_vec(),
                Peers {
                    tower_http: tower_http_subdomains(),
                    actix_cors: actix::cors_subdomains(),
                    live: policy_builder(["https://*.example.com"]),
                },
            ),
            _ => return None,
        })
    }

    /// Sends every template through every implementation and checks that they agree with each
    /// other and with [`Scenario::allowed`]: a benchmark of policies that differ would compare
    /// nothing. The floor and the live layer must answer exactly as this project's layer does
    /// (status and every header).
    pub fn check(&mut self) -> Result<(), String> {
        for template in self.requests.templates().to_vec() {
            let ours = call(&mut self.ours, template.clone());
            for (what, other) in [
                ("the floor", call(&mut self.floor, template.clone())),
                ("the live layer", call(&mut self.live, template.clone())),
            ] {
                if (other.status(), other.headers()) != (ours.status(), ours.headers()) {
                    return Err(format!(
                        "{}: {what} answered {:?} {:?}, checked-cors {:?} {:?}",
                        self.name,
                        other.status(),
                        other.headers(),
                        ours.status(),
                        ours.headers()
                    ));
                }
            }
            let theirs = call(&mut self.tower_http, template.clone());
            let actix = actix::allow_origin(&self.actix.send(actix::request(&template)));
            let actix_ours = actix::allow_origin(&self.actix_ours.send(actix::request(&template)));
            let (ours, theirs) = (allow_origin(&ours), allow_origin(&theirs));
            let expected = self
                .allowed
                .then(|| template.headers().get(ORIGIN).cloned())
                .flatten();
            let expected_bytes = expected.as_ref().map(|v| v.as_bytes().to_vec());
            if ours != expected
                || theirs != expected
                || actix != expected_bytes
                || actix_ours != expected_bytes
            {
                return Err(format!(
                    "{}: expected Access-Control-Allow-Origin {expected:?}, checked-cors sent \
                     {ours:?}, tower-http sent {theirs:?}, actix-cors sent {actix:?}, \
                     checked-cors's actix middleware sent {actix_ours:?}",
                    self.name
                ));
            }
        }
        Ok(())
    }
}

/// The origin `simple_allowed` and `preflight_allowed` send, listed by [`Fixed`].
const ALLOWED: &str = "https://admin.example.com";

/// The same policy for the other implementations.
struct Peers {
    tower_http: tower_http::cors::CorsLayer,
    actix_cors: actix_cors::Cors,
    live: PolicyBuilder,
}

impl Peers {
    fn list<I: IntoIterator<Item = S> + Clone, S: AsRef<str>>(origins: I) -> Self {
        Peers {
            tower_http: tower_http_list(origins.clone()),
            actix_cors: actix::cors_list(origins.clone()),
            live: policy_builder(origins),
        }
    }
}

/// The benchmark's policy over `origins`, built at start-up (for the live layer).
fn policy_builder<I: IntoIterator<Item = S>, S: AsRef<str>>(origins: I) -> PolicyBuilder {
    PolicyBuilder::new()
        .allow_origins(origins)
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers(["content-type", "authorization", "x-api-key"])
        .expose_headers(["x-request-id"])
        .allow_credentials()
        .max_age(600)
}

fn exact(n: usize) -> Scenario {
    // Up to 16 distinct origins, evenly spread over the list.
    let asked = n.min(16);
    let templates = (0..asked)
        .map(|k| get(Some(&tenant_origin(k * n / asked + n / (2 * asked)))))
        .collect();
    let name = format!("exact_{n}");
    let peers = Peers::list((0..n).map(tenant_origin).collect::<Vec<_>>());
    match n {
        3 => Scenario::new::<Exact3>(name, true, templates, peers),
        100 => Scenario::new::<Exact100>(name, true, templates, peers),
        1_000 => Scenario::new::<Exact1000>(name, true, templates, peers),
        10_000 => Scenario::new::<Exact10000>(name, true, templates, peers),
        _ => unreachable!("build.rs derives policies for `SIZES` only"),
    }
}

fn allow_origin(response: &Response<String>) -> Option<HeaderValue> {
    response.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).cloned()
}

/// A `GET` as a browser sends it for `fetch(url, { credentials: "include" })`.
fn get(origin: Option<&str>) -> Request<()> {
    let mut request = Request::get("https://api.example.com/v1/items")
        .header("accept", "application/json")
        .header("user-agent", "bench")
        .body(())
        .expect("a valid request");
    if let Some(origin) = origin {
        request.headers_mut().insert(ORIGIN, header_value(origin));
    }
    request
}

/// A preflight for a `PUT` with a JSON body and an API key.
fn preflight(origin: &str) -> Request<()> {
    let mut request = Request::builder()
        .method(Method::OPTIONS)
        .uri("https://api.example.com/v1/items")
        .header("accept", "*/*")
        .header("user-agent", "bench")
        .body(())
        .expect("a valid request");
    let headers = request.headers_mut();
    headers.insert(ORIGIN, header_value(origin));
    headers.insert(
        ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("PUT"),
    );
    headers.insert(
        ACCESS_CONTROL_REQUEST_HEADERS,
        HeaderValue::from_static("content-type,x-api-key"),
    );
    request
}

fn header_value(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).expect("benchmark header values are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_gets_the_same_answer_from_every_layer() {
        for mut scenario in Scenario::all() {
            scenario.check().unwrap();
        }
    }

    #[test]
    fn spread_requests_cover_the_list() {
        let scenario = exact(10_000);
        let origins: Vec<_> = scenario
            .requests
            .templates()
            .iter()
            .map(|r| r.headers()[ORIGIN].clone())
            .collect();
        assert_eq!(origins.len(), 16);
        assert_eq!(origins[0], tenant_origin(312).as_str());
        assert_eq!(origins[15], tenant_origin(9_687).as_str());
    }
}
