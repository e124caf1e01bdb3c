//! The scenarios: a policy, the requests sent, and the services that answer them: the bare
//! handler, this project's layer, tower-http's and the `lean` sketch over it, and an actix app
//! alone, behind actix-cors and behind this project's actix middleware.

use checked_cors::{CorsLayer, CorsPolicy, CorsService, Policy};
use http::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use http::{Method, Request, Response};
use tower_http::cors::Cors;
use tower_layer::Layer;

use crate::actix::{self, ActixApp};
use crate::lean::LeanCors;
use crate::origins::{tenant_origin, SIZES};
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
    /// This project's layer with its preflight answers cloned from templates, sketched in
    /// [`crate::lean`].
    pub lean: LeanCors<Bare>,
    /// An actix-web app with the same kind of handler, alone.
    pub actix_bare: ActixApp,
    /// The same app wrapped in actix-cors.
    pub actix: ActixApp,
    /// The same app wrapped in this project's actix middleware, `checked_cors::actix::Cors`.
    pub actix_ours: ActixApp,
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
        tower_http: tower_http::cors::CorsLayer,
        actix_cors: actix_cors::Cors,
    ) -> Self {
        let requests = Requests::new(templates);
        let preflight = requests.templates()[0].method() == Method::OPTIONS;
        Scenario {
            name: name.into(),
            preflight,
            allowed,
            requests,
            policy: P::policy(),
            bare: Bare,
            ours: CorsLayer::<P>::new().layer(Bare),
            tower_http: tower_http.layer(Bare),
            lean: LeanCors::new(P::policy(), Bare),
            actix_bare: ActixApp::bare(),
            actix: ActixApp::with(actix_cors),
            actix_ours: ActixApp::with_ours::<P>(),
            composed: || Composed {
                deferring: CorsLayer::<P>::new().defer_to_inner().layer(Bare),
                nested: CorsLayer::<P>::new()
                    .defer_to_inner()
                    .layer(CorsLayer::<P>::new().layer(Bare)),
                plain: CorsLayer::<P>::new().layer(Bare),
            },
        }
    }

    /// Every scenario, in the order they are reported.
    pub fn all() -> Vec<Scenario> {
        let fixed = || tower_http_list(FIXED_ORIGINS);
        let actix_fixed = || actix::cors_list(FIXED_ORIGINS);
        let mut all = vec![
            Scenario::new::<Fixed>("no_origin", false, vec![get(None)], fixed(), actix_fixed()),
            Scenario::new::<Fixed>(
                "simple_allowed",
                true,
                vec![get(Some("https://admin.example.com"))],
                fixed(),
                actix_fixed(),
            ),
            Scenario::new::<Fixed>(
                "simple_refused",
                false,
                vec![get(Some("https://evil.example.net"))],
                fixed(),
                actix_fixed(),
            ),
            Scenario::new::<Fixed>(
                "preflight_allowed",
                true,
                vec![preflight("https://admin.example.com")],
                fixed(),
                actix_fixed(),
            ),
            Scenario::new::<Fixed>(
                "preflight_refused",
                false,
                vec![preflight("https://evil.example.net")],
                fixed(),
                actix_fixed(),
            ),
        ];
        for n in SIZES {
            all.push(exact(n));
        }
        all.push(Scenario::new::<Subdomains>(
            "subdomain_pattern",
            true,
            [
                "https://shop.example.com",
                "https://eu.shop.example.com",
                "https://tenant00042.example.com",
            ]
            .map(|origin| get(Some(origin)))
            .to_vec(),
            tower_http_subdomains(),
            actix::cors_subdomains(),
        ));
        all
    }

    /// Sends every template through the three layers and checks that they agree with each other
    /// and with [`Scenario::allowed`]: a benchmark of policies that differ would compare nothing.
    /// The sketch in [`crate::lean`] must answer exactly as this project's layer does.
    pub fn check(&mut self) -> Result<(), String> {
        for template in self.requests.templates().to_vec() {
            let ours = call(&mut self.ours, template.clone());
            let lean = call(&mut self.lean, template.clone());
            if (lean.status(), lean.headers()) != (ours.status(), ours.headers()) {
                return Err(format!(
                    "{}: the lean sketch answered {:?} {:?}, checked-cors {:?} {:?}",
                    self.name,
                    lean.status(),
                    lean.headers(),
                    ours.status(),
                    ours.headers()
                ));
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

fn exact(n: usize) -> Scenario {
    // Up to 16 distinct origins, evenly spread over the list.
    let asked = n.min(16);
    let templates = (0..asked)
        .map(|k| get(Some(&tenant_origin(k * n / asked + n / (2 * asked)))))
        .collect();
    let name = format!("exact_{n}");
    let tower = tower_http_list((0..n).map(tenant_origin));
    let actix = actix::cors_list((0..n).map(tenant_origin));
    match n {
        3 => Scenario::new::<Exact3>(name, true, templates, tower, actix),
        100 => Scenario::new::<Exact100>(name, true, templates, tower, actix),
        1_000 => Scenario::new::<Exact1000>(name, true, templates, tower, actix),
        10_000 => Scenario::new::<Exact10000>(name, true, templates, tower, actix),
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
