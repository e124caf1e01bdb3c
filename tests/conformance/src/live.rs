//! The check of the `live` fuzz target: random changes to a tenant set (`OriginSet`) and
//! requests through a policy using it, synchronously (`Policy::evaluate_with`) and through the
//! tower layer's asynchronous lookup (`CorsLayer::with_origins_async`), each decision compared
//! with the reference model of the policy plus the set's members.

use std::cell::RefCell;
use std::future::ready;
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock};

use checked_cors::{CorsLayer, CorsRequest, Header, OriginSet, SerializedOrigin};
use cors_test_support::service::{now, Handler};
use http::{HeaderValue, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::model::{self, AllowOrigin, Origins, Reason, Spec, Verdict};
use crate::policies::{self, Case};
use crate::FIELD_SEPARATOR;

/// At most this many operations are decoded from one input, so that every input stays cheap.
pub const MAX_OPS: usize = 16;

/// Entries and patterns a tenant set meets, valid and not: the fuzzer picks them by index and
/// may put its own bytes in place of each `*`.
pub const TENANTS: &[&str] = &[
    "https://initech.example.net",
    "https://*.hooli.example.org",
    "https://example.com",
    "https://*.example.com",
    "http://localhost:*",
    "http://127.0.0.1:8080",
    "http://[::1]:*",
    "https://*.a.example.net:*",
    "https://app.example.org:8443",
    "https://xn--bcher-kva.example",
    "https://*.xn--bcher-kva.example",
    "https://example.com.",
    "https://*.example.com.",
    "http://intranet.example",
    "https://*.co.uk",
    "https://*.github.io",
    "null",
    "*",
    "https://tenant.example/",
    "https://Tenant.example",
    "https://tenant.example:443",
    "https://tenant_1.example",
    "https://*",
];

/// One decoded operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `OriginSet::insert`.
    Insert(String),
    /// `OriginSet::remove`.
    Remove(String),
    /// A request from this `Origin` (`None`: two of them), of this [`Kind`].
    Request(Option<Vec<u8>>, Kind),
}

/// The requests a lookup operation sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `GET`.
    Get,
    /// A preflight for `PUT`.
    PreflightPut,
    /// A preflight for `GET` with `content-type`.
    PreflightHeaders,
    /// A `POST` marked `Sec-Fetch-Site: cross-site`: a write the policy may block.
    CrossSitePost,
}

fn adversarial() -> &'static [Vec<u8>] {
    static VECTORS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    VECTORS.get_or_init(crate::adversarial_origins)
}

/// Decodes a fuzz input: byte 0 picks the policy of [`policies::all`]; then operations, each an
/// opcode byte and a field ended by [`FIELD_SEPARATOR`]. The opcode's bits 0-1 are the operation
/// (insert, remove, request, request), bits 2-3 where its origin comes from (the field's bytes;
/// the adversarial vector numbered by the field's first byte; the [`TENANTS`] entry numbered so;
/// that entry with each `*` replaced by the rest of the field), bits 4-5 the request [`Kind`], bit
/// 6 two `Origin`s instead of one.
pub fn decode_live_input(data: &[u8]) -> (usize, Vec<Op>) {
    let (selector, mut rest) = match data {
        [selector, rest @ ..] => (*selector, rest),
        [] => (0, &[][..]),
    };
    let mut ops = Vec::new();
    while let [opcode, tail @ ..] = rest {
        if ops.len() == MAX_OPS {
            break;
        }
        let end = tail
            .iter()
            .position(|&b| b == FIELD_SEPARATOR)
            .unwrap_or(tail.len());
        let field = &tail[..end];
        rest = tail.get(end + 1..).unwrap_or_default();
        let origin = match (opcode >> 2) & 3 {
            0 => field.to_vec(),
            1 => {
                let vectors = adversarial();
                let index = field.first().map_or(0, |&i| usize::from(i));
                vectors[index % vectors.len()].clone()
            }
            source => {
                let index = field.first().map_or(0, |&i| usize::from(i));
                let entry = TENANTS[index % TENANTS.len()];
                if source == 2 {
                    entry.as_bytes().to_vec()
                } else {
                    let label = field.get(1..).unwrap_or_default();
                    let mut out = Vec::new();
                    for (i, part) in entry.as_bytes().split(|&b| b == b'*').enumerate() {
                        if i > 0 {
                            out.extend_from_slice(label);
                        }
                        out.extend_from_slice(part);
                    }
                    out
                }
            }
        };
        let text = || String::from_utf8_lossy(&origin).into_owned();
        ops.push(match opcode & 3 {
            0 => Op::Insert(text()),
            1 => Op::Remove(text()),
            _ => {
                let kind = match (opcode >> 4) & 3 {
                    0 => Kind::Get,
                    1 => Kind::PreflightPut,
                    2 => Kind::PreflightHeaders,
                    _ => Kind::CrossSitePost,
                };
                let origin = (opcode & 0x40 == 0).then_some(origin);
                Op::Request(origin, kind)
            }
        });
    }
    (usize::from(selector) % policies::all().len(), ops)
}

/// Encodes operations for [`decode_live_input`] (to write seed inputs), each origin as the
/// field's own bytes.
pub fn encode_live_input(policy: u8, ops: &[Op]) -> Vec<u8> {
    let mut out = vec![policy];
    for op in ops {
        let (opcode, field): (u8, &[u8]) = match op {
            Op::Insert(text) => (0, text.as_bytes()),
            Op::Remove(text) => (1, text.as_bytes()),
            Op::Request(origin, kind) => {
                let kind = match kind {
                    Kind::Get => 0,
                    Kind::PreflightPut => 1,
                    Kind::PreflightHeaders => 2,
                    Kind::CrossSitePost => 3,
                };
                let twice = if origin.is_some() { 0 } else { 0x40 };
                (2 | kind << 4 | twice, origin.as_deref().unwrap_or_default())
            }
        };
        out.push(opcode);
        out.extend_from_slice(field);
        out.push(FIELD_SEPARATOR);
    }
    out
}

/// The check of the `live` fuzz target. Panics on the first disagreement.
pub fn fuzz_check_live(data: &[u8]) {
    if let Err(problem) = try_fuzz_check_live(data) {
        panic!("{problem}");
    }
}

/// What the layers' lookups were asked, in order.
type Asked = Rc<RefCell<Vec<Vec<u8>>>>;

/// What their `on_refusal` hooks were told.
type Told = Arc<Mutex<Vec<String>>>;

type Layered = checked_cors::CorsService<
    Handler,
    checked_cors::Lookup<
        Box<dyn Fn(SerializedOrigin) -> std::future::Ready<Result<bool, &'static str>>>,
    >,
>;

/// A layer over `case`'s policy whose lookup answers `answer(origin)`, recording what it is asked
/// and what its hook is told.
fn layer(
    case: &Case,
    answer: impl Fn(&str) -> Result<bool, &'static str> + 'static,
) -> (Layered, Asked, Told) {
    let asked = Asked::default();
    let told = Told::default();
    let (asked_by, told_to) = (asked.clone(), told.clone());
    let lookup: Box<dyn Fn(SerializedOrigin) -> _> = Box::new(move |origin: SerializedOrigin| {
        asked_by
            .borrow_mut()
            .push(origin.as_str().as_bytes().to_vec());
        ready(answer(origin.as_str()))
    });
    let service = CorsLayer::from_policy(case.policy.clone())
        .on_refusal(move |refusal, _| told_to.lock().unwrap().push(refusal.to_string()))
        .with_origins_async(lookup)
        .layer(Handler(Arc::default()));
    (service, asked, told)
}

/// [`fuzz_check_live`], returning the disagreement instead of panicking.
pub fn try_fuzz_check_live(data: &[u8]) -> Result<(), String> {
    let (index, ops) = decode_live_input(data);
    let case = &policies::all()[index];
    let set = OriginSet::new();
    // The members as the model keeps them: every accepted insertion, once, until removed.
    let mut members: Vec<String> = Vec::new();
    let tenants = set.clone();
    let (mut looked_up, asked, told) = layer(case, move |origin| Ok(tenants.contains(origin)));
    let (mut failing, asked_failing, told_failing) = layer(case, |_| Err("database down"));
    for (step, op) in ops.iter().enumerate() {
        let at = |problem: String| format!("policy {:?}, op {step} {op:?}: {problem}", case.name);
        match op {
            Op::Insert(text) => {
                let accepted = set.insert(text).is_ok();
                if accepted && !model::may_be_tenant(text) {
                    return Err(at("the set accepted what is no origin or pattern".into()));
                }
                if accepted && !members.contains(text) {
                    members.push(text.clone());
                }
            }
            Op::Remove(text) => {
                let was = members.iter().position(|m| m == text);
                if set.remove(text) != was.is_some() {
                    return Err(at(format!("remove disagrees: member {}", was.is_some())));
                }
                if let Some(position) = was {
                    members.remove(position);
                }
            }
            Op::Request(origin, kind) => {
                let request = cors_request(origin.as_deref(), *kind);
                let with_set = case.spec.with_tenants(&members);
                if let Header::One(origin) = request.origin {
                    let expected = with_set.allows_origin(origin)
                        && !matches!(with_set.origins, Origins::Any)
                        && !case.spec.allows_origin(origin);
                    let contains = std::str::from_utf8(origin).is_ok_and(|o| set.contains(o));
                    // `contains` has no length bound of its own: the evaluation applies it first.
                    if expected && !contains {
                        return Err(at(format!("the set lacks a member's origin {members:?}")));
                    }
                }
                let decision = case.policy.evaluate_with(&request, Some(&set));
                crate::check::against_model(&with_set, &case.policy, &request, &decision)
                    .map_err(|problem| at(format!("with the set {members:?}: {problem}")))?;
                let Some(http_request) = http_request(&request) else {
                    // Bytes `http` cannot carry never reach a layer.
                    continue;
                };
                let lookup = Lookup {
                    case,
                    request: &request,
                };
                let response = serve(&mut looked_up, &http_request);
                lookup
                    .check(&with_set, &response, &asked, &told, false)
                    .map_err(|problem| at(format!("looked up in {members:?}: {problem}")))?;
                let response = serve(&mut failing, &http_request);
                lookup
                    .check(&case.spec, &response, &asked_failing, &told_failing, true)
                    .map_err(|problem| at(format!("failing lookup: {problem}")))?;
            }
        }
        if set.len() != members.len() {
            return Err(at(format!(
                "{} members, the model has {members:?}",
                set.len()
            )));
        }
    }
    Ok(())
}

fn cors_request(origin: Option<&[u8]>, kind: Kind) -> CorsRequest<'_> {
    let origin = origin.map_or(Header::Many, Header::One);
    let request = CorsRequest {
        origin,
        ..CorsRequest::default()
    };
    match kind {
        Kind::Get => CorsRequest {
            method: b"GET",
            ..request
        },
        Kind::PreflightPut => CorsRequest {
            method: b"OPTIONS",
            request_method: Header::One(b"PUT"),
            ..request
        },
        Kind::PreflightHeaders => CorsRequest {
            method: b"OPTIONS",
            request_method: Header::One(b"GET"),
            request_headers: Header::One(b"content-type"),
            ..request
        },
        Kind::CrossSitePost => CorsRequest {
            method: b"POST",
            sec_fetch_site: Header::One(b"cross-site"),
            ..request
        },
    }
}

/// The same request as the `http` crate's, or `None` if its header values cannot be one.
fn http_request(request: &CorsRequest<'_>) -> Option<Request<()>> {
    let mut builder = Request::builder().method(request.method);
    let mut add = |name: &str, header: Header<'_>| -> Option<()> {
        match header {
            Header::Absent => {}
            Header::One(value) => {
                let value = HeaderValue::from_bytes(value).ok()?;
                builder = std::mem::take(&mut builder).header(name, value);
            }
            // Only `Origin` is ever sent twice here.
            Header::Many => {
                let value = HeaderValue::from_static("https://example.com");
                builder = std::mem::take(&mut builder)
                    .header(name, value.clone())
                    .header(name, value);
            }
        }
        Some(())
    };
    add("origin", request.origin)?;
    add("access-control-request-method", request.request_method)?;
    add("access-control-request-headers", request.request_headers)?;
    add("sec-fetch-site", request.sec_fetch_site)?;
    builder.body(()).ok()
}

fn serve(service: &mut Layered, request: &Request<()>) -> Response<String> {
    let mut copy = Request::new(());
    *copy.method_mut() = request.method().clone();
    *copy.headers_mut() = request.headers().clone();
    match now(service.call(copy)) {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// One request through a layer with a lookup.
struct Lookup<'a> {
    case: &'a Case,
    request: &'a CorsRequest<'a>,
}

impl Lookup<'_> {
    /// The layer answered as the model of `spec` says, asked its lookup about exactly the
    /// serialized origins the policy does not allow itself, and reported a failed lookup as
    /// such when `failing`.
    fn check(
        &self,
        spec: &Spec,
        response: &Response<String>,
        asked: &Asked,
        told: &Told,
        failing: bool,
    ) -> Result<(), String> {
        let request = self.request;
        let asked: Vec<Vec<u8>> = asked.borrow_mut().drain(..).collect();
        let told: Vec<String> = std::mem::take(&mut *told.lock().unwrap());
        let should_ask = match request.origin {
            Header::One(origin) => {
                !matches!(self.case.spec.origins, Origins::Any)
                    && model::is_serialized_origin(origin)
                    && !self.case.spec.allows_origin(origin)
            }
            _ => false,
        };
        let expected_asked: Vec<&[u8]> = match (should_ask, request.origin) {
            (true, Header::One(origin)) => vec![origin],
            _ => Vec::new(),
        };
        if asked != expected_asked {
            return Err(format!(
                "the lookup was asked {:?}, expected {:?}: {request:?}",
                asked
                    .iter()
                    .map(|a| a.escape_ascii().to_string())
                    .collect::<Vec<_>>(),
                expected_asked
                    .iter()
                    .map(|a| a.escape_ascii().to_string())
                    .collect::<Vec<_>>()
            ));
        }
        let verdict = model::evaluate(spec, request);
        let header = |name: &str| response.headers().get(name).map(|v| v.as_bytes().to_vec());
        let acao = header("access-control-allow-origin");
        let acac = header("access-control-allow-credentials").is_some();
        let preflight = model::is_preflight(request);
        let status = response.status().as_u16();
        let refused_status = if preflight { 403 } else { 200 };
        let fine = match verdict {
            Verdict::NotCors => acao.is_none() && status == 200,
            Verdict::Refused(Reason::ForgedWrite) => acao.is_none() && status == 403,
            Verdict::Refused(_) => acao.is_none() && status == refused_status,
            Verdict::Allowed(allow) => {
                let expected: &[u8] = match (allow, request.origin) {
                    (AllowOrigin::Any, _) => b"*",
                    (AllowOrigin::Echo, Header::One(origin)) => origin,
                    (AllowOrigin::Echo, _) => b"",
                };
                let status_ok = status == if preflight { 204 } else { 200 };
                acao.as_deref() == Some(expected) && acac == spec.credentials && status_ok
            }
        };
        if !fine {
            return Err(format!(
                "model says {verdict:?}, the layer answered {status} {:?}: {request:?}",
                response.headers()
            ));
        }
        let varies = header("vary")
            .map(|v| String::from_utf8_lossy(&v).contains("origin"))
            .unwrap_or(false);
        if self.case.policy.varies_on_origin() && !varies {
            return Err(format!("no `Vary: origin`: {:?}", response.headers()));
        }
        let failed = told.iter().any(|t| t.starts_with("origin lookup failed"));
        if failed != (failing && should_ask) {
            return Err(format!("the hook was told {told:?}: {request:?}"));
        }
        Ok(())
    }
}
