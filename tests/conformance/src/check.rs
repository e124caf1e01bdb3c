//! The checks every test and fuzz target applies to a decision: invariants that hold for any policy,
//! and agreement with the reference model.

use checked_cors::{CorsRequest, Decision, Header, Policy, Refusal, ResponseHeader};

use crate::model::{self, AllowOrigin, Reason, Spec, Verdict};

fn header(decision: &Decision<'_, '_>, name: ResponseHeader) -> Option<Vec<u8>> {
    decision.header(name).map(|v| v.as_bytes().to_vec())
}

fn list(value: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(value)
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// What must hold for every policy and every request, whatever the model says.
pub fn invariants(
    policy: &Policy<'_>,
    request: &CorsRequest<'_>,
    decision: &Decision<'_, '_>,
) -> Result<(), String> {
    let acao = header(decision, ResponseHeader::AllowOrigin);
    let acac = header(decision, ResponseHeader::AllowCredentials);
    let fail = |what: &str| Err(format!("{what}: {request:?} -> {decision:?}"));

    if decision.is_preflight() != model::is_preflight(request) {
        return fail("preflight misclassified");
    }
    // The CORS check accepts exactly the request's origin or `*` (Fetch, "CORS check").
    if let Some(acao) = &acao {
        let echoed = matches!(request.origin, Header::One(o) if o == acao.as_slice());
        if acao.as_slice() != b"*" && !echoed {
            return fail("allow-origin is neither `*` nor the request's origin");
        }
        if acao.as_slice() == b"*" && acac.is_some() {
            return fail("`*` with credentials");
        }
    }
    if acac.as_ref().is_some_and(|v| v.as_slice() != b"true") {
        return fail("allow-credentials other than `true`");
    }
    if decision.is_allowed() != acao.is_some() {
        return fail("is_allowed disagrees with allow-origin");
    }
    if decision.refusal().is_some() && acao.is_some() {
        return fail("a refusal with allow-origin");
    }
    if acao.is_none() {
        // A refused or non-CORS request gets no permission of any kind.
        let granted: Vec<_> = decision
            .headers()
            .filter(|(n, _)| *n != ResponseHeader::Vary)
            .collect();
        if !granted.is_empty() {
            return fail("access-control-* headers without allow-origin");
        }
    }
    let status = decision.status();
    let expected_status = match (decision.is_preflight(), acao.is_some()) {
        (false, _) if decision.is_blocked() => Some(403),
        (false, _) => None,
        (true, true) => Some(204),
        (true, false) => Some(403),
    };
    if status != expected_status {
        return fail("wrong status");
    }
    if decision.is_blocked() != matches!(decision.refusal(), Some(Refusal::CrossOriginWrite)) {
        return fail("blocked without the forged-write reason, or that reason without a block");
    }
    if decision.is_blocked() && request.is_safe_method() {
        return fail("a safe method blocked");
    }
    if decision.is_preflight() && acao.is_none() && decision.refusal().is_none() {
        return fail("a preflight neither allowed nor refused");
    }
    let vary = header(decision, ResponseHeader::Vary)
        .map(|v| list(&v))
        .unwrap_or_default();
    // Fetch, "CORS protocol and HTTP caches": an answer that depends on `Origin` must say so on
    // every response, with or without `Origin`, allowed or not.
    if policy.varies_on_origin() && !vary.iter().any(|v| v == "origin") {
        return fail("no `Vary: origin`");
    }
    if decision.is_preflight() {
        for name in [
            "access-control-request-method",
            "access-control-request-headers",
        ] {
            if !vary.iter().any(|v| v == name) {
                return fail("a preflight answer not varying on what it was asked");
            }
        }
    } else {
        for name in [
            ResponseHeader::AllowMethods,
            ResponseHeader::AllowHeaders,
            ResponseHeader::MaxAge,
            ResponseHeader::AllowPrivateNetwork,
        ] {
            if decision.header(name).is_some() {
                return fail("preflight headers on an actual response");
            }
        }
    }
    if decision.is_preflight() && acao.is_some() {
        preflight_grants(request, decision)?;
    }
    Ok(())
}

/// An allowed preflight answer passes the browser's CORS-preflight check for what it was asked.
fn preflight_grants(request: &CorsRequest<'_>, decision: &Decision<'_, '_>) -> Result<(), String> {
    let fail = |what: &str| Err(format!("{what}: {request:?} -> {decision:?}"));
    let methods = header(decision, ResponseHeader::AllowMethods).unwrap_or_default();
    let Header::One(method) = request.request_method else {
        return fail("allowed a preflight without one method");
    };
    // Browsers read `*` as any method without credentials only, and never check a safelisted one.
    let credentials = header(decision, ResponseHeader::AllowCredentials).is_some();
    let listed = String::from_utf8_lossy(&methods)
        .split(',')
        .any(|m| m.trim().as_bytes() == method || (m.trim() == "*" && !credentials));
    if !listed && !model::is_safelisted_method(method) {
        return fail("the requested method is not in allow-methods");
    }
    if let Header::One(value) = request.request_headers {
        let Some(names) = model::request_header_names(value) else {
            return fail("allowed a malformed request-headers list");
        };
        let allowed = header(decision, ResponseHeader::AllowHeaders)
            .map(|v| list(&v))
            .unwrap_or_default();
        let covered = |n: &String| {
            allowed
                .iter()
                .any(|a| a == "*" || a.eq_ignore_ascii_case(n))
        };
        if !names.iter().all(covered) {
            return fail("a requested header is not in allow-headers");
        }
    }
    if request.request_private_network == Header::One(b"true")
        && header(decision, ResponseHeader::AllowPrivateNetwork).as_deref() != Some(b"true")
    {
        return fail("private network access asked, allowed, and not granted");
    }
    Ok(())
}

/// `decision` agrees with the reference model of `spec`, and every invariant holds.
pub fn against_model(
    spec: &Spec,
    policy: &Policy<'_>,
    request: &CorsRequest<'_>,
    decision: &Decision<'_, '_>,
) -> Result<(), String> {
    invariants(policy, request, decision)?;
    let verdict = model::evaluate(spec, request);
    let acao = header(decision, ResponseHeader::AllowOrigin);
    let acac = header(decision, ResponseHeader::AllowCredentials).is_some();
    let refusal = decision.refusal().map(|r| Reason::of(&r));
    let agrees = match verdict {
        Verdict::NotCors => acao.is_none() && refusal.is_none(),
        Verdict::Refused(reason) => acao.is_none() && refusal == Some(Some(reason)),
        Verdict::Allowed(allow) => {
            let expected: &[u8] = match (allow, request.origin) {
                (AllowOrigin::Any, _) => b"*",
                (AllowOrigin::Echo, Header::One(origin)) => origin,
                (AllowOrigin::Echo, _) => b"",
            };
            acao.as_deref() == Some(expected) && refusal.is_none() && acac == spec.credentials
        }
    };
    if agrees {
        Ok(())
    } else {
        Err(format!(
            "model says {verdict:?}: {request:?} -> {decision:?}\npolicy: {spec:?}"
        ))
    }
}

/// Evaluates `request` under `policy` and checks it against the model of `spec`.
pub fn evaluate_and_check(
    spec: &Spec,
    policy: &Policy<'_>,
    request: &CorsRequest<'_>,
) -> Result<(), String> {
    let decision = policy.evaluate(request);
    against_model(spec, policy, request, &decision)
}
