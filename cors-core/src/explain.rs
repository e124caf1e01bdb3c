//! A human-readable account of a decision, for logs and the `checked-cors-cli` tool.

use core::fmt::{self, Display, Formatter};

use crate::decision::Decision;
use crate::origins::{Allowed, Origins, Unmatched, MAX_ORIGIN_LEN};
use crate::policy::{HeaderList, Policy};
use crate::refusal::{Malformed, Refusal};
use crate::request::{CorsRequest, Header};
use crate::request_headers::find_refused;

/// Where the header checks of a preflight stood when a name was reached.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Every name so far passed.
    Passed,
    /// A check before refused the preflight: this name was not looked at.
    Unchecked,
}

/// A requested header's verdict, as recorded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allowed,
    Refused,
    NotChecked,
}

/// Why a [`Policy`] answers a [`CorsRequest`] as it does, one check per line; see [`Policy::explain`].
///
/// Holds only references and the [`Decision`]: nothing is computed or allocated until it is
/// formatted, and then only written to the formatter.
#[derive(Clone, Copy, Debug)]
pub struct Explanation<'p, 'r> {
    policy: &'p Policy<'p>,
    request: CorsRequest<'r>,
    decision: Decision<'p, 'r>,
}

impl<'p> Policy<'p> {
    /// Explains how the policy answers `request`: whether it is a CORS request or a preflight, what
    /// the origin matched or why nothing did, the method and each requested header, credentials,
    /// the headers to send and the verdict. The verdict is [`Policy::evaluate`]'s own.
    ///
    /// ```
    /// use checked_cors::{Header, PolicyBuilder, CorsRequest};
    ///
    /// let policy = PolicyBuilder::new()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods(["GET", "PUT"])
    ///     .build()?;
    /// let request = CorsRequest {
    ///     method: b"OPTIONS",
    ///     origin: Header::One(b"https://app.example.com"),
    ///     request_method: Header::One(b"PUT"),
    ///     request_headers: Header::One(b"x-api-key"),
    ///     ..CorsRequest::default()
    /// };
    /// let explanation = policy.explain(&request);
    /// assert!(!explanation.decision().is_allowed());
    /// assert_eq!(
    ///     explanation.to_string(),
    ///     "\
    /// request: OPTIONS, origin `https://app.example.com`, access-control-request-method `PUT`, access-control-request-headers `x-api-key`
    /// kind: preflight (`OPTIONS` with `origin` and `access-control-request-method`)
    /// origin: `https://app.example.com` is allowed: it is listed
    /// method: `PUT` is allowed (the policy allows GET, PUT)
    /// header `x-api-key`: not allowed (the policy allows no request header)
    /// credentials: not allowed: requests with cookies or HTTP authentication cannot read responses
    /// response headers:
    ///   vary: origin, access-control-request-method, access-control-request-headers
    /// verdict: refused (header x-api-key not allowed): the preflight is answered with 403 Forbidden and no CORS headers"
    /// );
    /// # Ok::<(), checked_cors::BuildError>(())
    /// ```
    pub fn explain<'r>(&'p self, request: &CorsRequest<'r>) -> Explanation<'p, 'r> {
        Explanation {
            policy: self,
            request: *request,
            decision: self.evaluate(request),
        }
    }
}

impl<'p, 'r> Explanation<'p, 'r> {
    /// The decision explained, as [`Policy::evaluate`] returns it.
    pub fn decision(&self) -> Decision<'p, 'r> {
        self.decision
    }
}

/// Request bytes as text, with anything that is not printable ASCII escaped.
struct Bytes<'a>(&'a [u8]);

impl Display for Bytes<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        Display::fmt(&self.0.escape_ascii(), f)
    }
}

impl Display for Explanation<'_, '_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let request = &self.request;
        self.request_line(f)?;
        let Header::One(origin) = request.origin else {
            if request.origin == Header::Absent && self.decision.is_blocked() {
                f.write_str("\nkind: actual request, marked cross-origin by `sec-fetch-site`, without `origin`")?;
                self.write(f)?;
                self.response_headers(f)?;
                return self.verdict(f);
            }
            if request.origin == Header::Absent && self.decision.is_allowed() {
                f.write_str("\nkind: not a CORS request (no `origin`)")?;
                self.response_headers(f)?;
                return f.write_str("\nverdict: not a CORS request: the handler answers as usual, with `access-control-allow-origin: *`, as on every response of a policy allowing any origin (so that a cached copy passes a later CORS check)");
            }
            if request.origin == Header::Absent {
                f.write_str("\nkind: not a CORS request (no `origin`)")?;
                self.response_headers(f)?;
                return f.write_str("\nverdict: not a CORS request: the handler answers as usual");
            }
            f.write_str("\nkind: malformed (several `origin` headers)")?;
            self.response_headers(f)?;
            return self.verdict(f);
        };
        let preflight = request.is_preflight();
        f.write_str(match (preflight, request.method) {
            (true, _) => "\nkind: preflight (`OPTIONS` with `origin` and `access-control-request-method`)",
            (false, b"OPTIONS") => "\nkind: actual request (`OPTIONS` without `access-control-request-method` is not a preflight)",
            (false, _) => "\nkind: actual request, cross-origin (it has an `origin`)",
        })?;
        self.origin(f, origin)?;
        if preflight {
            self.method(f)?;
            self.request_headers(f)?;
            self.private_network(f)?;
        } else {
            write!(
                f,
                "\nmethod: `{}` is not checked on an actual request (a preflight checks it when one is needed)",
                Bytes(request.method)
            )?;
            self.write(f)?;
        }
        f.write_str(if self.policy.credentials {
            "\ncredentials: allowed (`access-control-allow-credentials: true`)"
        } else {
            "\ncredentials: not allowed: requests with cookies or HTTP authentication cannot read responses"
        })?;
        self.response_headers(f)?;
        self.verdict(f)
    }
}

impl Explanation<'_, '_> {
    fn request_line(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "request: {}", Bytes(self.request.method))?;
        let headers = [
            ("origin", self.request.origin),
            ("access-control-request-method", self.request.request_method),
            (
                "access-control-request-headers",
                self.request.request_headers,
            ),
            (
                "access-control-request-private-network",
                self.request.request_private_network,
            ),
            ("sec-fetch-site", self.request.sec_fetch_site),
            ("host", self.request.host),
        ];
        for (name, value) in headers {
            match value {
                Header::Absent => {}
                Header::One(value) => write!(f, ", {name} `{}`", Bytes(value))?,
                Header::Many => write!(f, ", several `{name}` headers")?,
            }
        }
        Ok(())
    }

    /// What the origin check recorded: the entry that allowed the origin, or why none did.
    fn origin(&self, f: &mut Formatter<'_>, origin: &[u8]) -> fmt::Result {
        let shown = Bytes(origin);
        if self.decision.refusal() == Some(Refusal::Malformed(Malformed::Origin))
            || !origin.iter().all(|b| b.is_ascii_graphic())
        {
            return write!(
                f,
                "\norigin: `{shown}` is malformed: serialized origins are visible ASCII"
            );
        }
        let matched = match self.decision.matched {
            Some(matched) => matched,
            // A blocked write: the write check found the origin neither allowed nor trusted.
            None => Err(Unmatched::NoEntry),
        };
        match matched {
            Ok(Allowed::Any) => write!(
                f,
                "\norigin: `{shown}` is allowed: the policy allows any origin (answered with `*`)"
            ),
            Ok(Allowed::Listed(..)) => write!(f, "\norigin: `{shown}` is allowed: it is listed"),
            Ok(Allowed::Null) => {
                f.write_str("\norigin: `null` is allowed (`dangerously_allow_null_origin`)")
            }
            Ok(Allowed::Pattern(index)) => {
                let Origins::List { patterns, .. } = &self.policy.origins else {
                    return Ok(());
                };
                match patterns.get(index) {
                    Some(pattern) => write!(
                        f,
                        "\norigin: `{shown}` is allowed: it matches the pattern `{pattern}`"
                    ),
                    None => write!(f, "\norigin: `{shown}` is allowed: it matches a pattern"),
                }
            }
            Ok(Allowed::Dynamic) => write!(
                f,
                "\norigin: `{shown}` is allowed: the service's dynamic origins allow it"
            ),
            Err(Unmatched::TooLong) => write!(
                f,
                "\norigin: `{shown}` is not allowed: it is longer than {MAX_ORIGIN_LEN} bytes, which no browser sends"
            ),
            Err(Unmatched::Null) => f.write_str(
                "\norigin: `null` is not allowed: sandboxed pages and `file:` documents send it, and so can anyone",
            ),
            Err(Unmatched::NoEntry) => {
                write!(
                    f,
                    "\norigin: `{shown}` is not allowed: it is neither listed nor matched by a pattern"
                )?;
                // A value no browser sends is most likely a typo in the request being explained.
                if let Some(Err(violation)) = core::str::from_utf8(origin)
                    .ok()
                    .map(checked_cors_rules::check_origin)
                {
                    write!(f, "; besides, {violation}")?;
                }
                Ok(())
            }
        }
    }

    /// Whether the origin check let the preflight go on to its method, headers and private
    /// network checks.
    fn origin_passed(&self) -> bool {
        matches!(self.decision.matched, Some(Ok(_)))
    }

    fn method(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let allowed = &self.policy.allow_methods;
        let method = match self.request.request_method {
            Header::One(m) => m,
            Header::Many => {
                return f.write_str(
                    "\nmethod: malformed: several `access-control-request-method` headers",
                )
            }
            // Not a preflight then, and `fmt` does not ask.
            Header::Absent => return f.write_str("\nmethod: none asked"),
        };
        let shown = Bytes(method);
        if !self.origin_passed() {
            return write!(
                f,
                "\nmethod: `{shown}` is not checked: the origin is refused first"
            );
        }
        match self.decision.refusal() {
            Some(Refusal::Malformed(Malformed::RequestMethod)) => {
                write!(f, "\nmethod: `{shown}` is malformed: not a method")
            }
            Some(Refusal::MethodNotAllowed(_)) => {
                write!(
                    f,
                    "\nmethod: `{shown}` is not allowed (the policy allows {allowed})"
                )?;
                // A hint, not a check: the same method in another case is listed.
                let other_case = self
                    .policy
                    .methods
                    .iter()
                    .find(|m| m.as_bytes().eq_ignore_ascii_case(method));
                if let Some(listed) = other_case {
                    write!(
                        f,
                        "; methods are case-sensitive, and the policy allows `{listed}`"
                    )?;
                }
                Ok(())
            }
            // Allowed: say by which rule.
            _ if self.policy.any_method => write!(
                f,
                "\nmethod: `{shown}` is allowed (the policy allows any method)"
            ),
            _ if self.policy.methods.iter().any(|m| m.as_bytes() == method) => write!(
                f,
                "\nmethod: `{shown}` is allowed (the policy allows {allowed})"
            ),
            _ => write!(
                f,
                "\nmethod: `{shown}` is allowed: it is CORS-safelisted, which browsers never check against the policy's methods ({allowed})"
            ),
        }
    }

    /// Every requested header, in the order of the request (read by the same bounded parser as
    /// `Policy::evaluate`), with the verdict `evaluate` recorded: each name before the refused
    /// one passed, the refused one did not, and the rest were not checked.
    fn request_headers(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let value = match self.request.request_headers {
            Header::Absent => return f.write_str("\nheaders: none asked"),
            Header::Many => {
                return f.write_str(
                    "\nheaders: malformed: several `access-control-request-headers` headers",
                )
            }
            Header::One(value) => value,
        };
        let refusal = self.decision.refusal();
        match refusal {
            Some(Refusal::Malformed(Malformed::RequestHeadersTooLong)) => {
                return write!(
                    f,
                    "\nheaders: malformed: `access-control-request-headers` is longer than {} bytes",
                    crate::MAX_REQUEST_HEADERS_LEN
                )
            }
            Some(Refusal::Malformed(Malformed::TooManyRequestHeaders)) => {
                return write!(
                    f,
                    "\nheaders: malformed: `access-control-request-headers` lists more than {} names",
                    crate::MAX_REQUEST_HEADERS
                )
            }
            Some(Refusal::Malformed(Malformed::RequestHeaders)) => {
                return f.write_str(
                    "\nheaders: malformed: `access-control-request-headers` is not a list of header names",
                )
            }
            _ => {}
        }
        let checked = self.origin_passed()
            && !matches!(
                refusal,
                Some(Refusal::MethodNotAllowed(_) | Refusal::Malformed(Malformed::RequestMethod))
            );
        let refused = match refusal {
            Some(Refusal::HeaderNotAllowed(name)) => Some(name),
            _ => None,
        };
        // Listing the names, not judging them: `find_refused` is the parser `evaluate` used.
        let mut state = if checked {
            Stage::Passed
        } else {
            Stage::Unchecked
        };
        let mut written = Ok(());
        let mut any = false;
        let _ = find_refused(value, |name| {
            // `find_refused` asks about malformed elements too; the listing stops at the first,
            // where the parser does.
            if !crate::decision::is_token(name) {
                return false;
            }
            any = true;
            if written.is_ok() {
                let verdict = match state {
                    Stage::Passed if refused.is_some_and(|r| r.as_bytes() == name) => {
                        state = Stage::Unchecked;
                        Verdict::Refused
                    }
                    Stage::Passed => Verdict::Allowed,
                    Stage::Unchecked => Verdict::NotChecked,
                };
                written = self.header(f, name, verdict);
            }
            true
        });
        written?;
        if !any {
            return f.write_str("\nheaders: none asked");
        }
        Ok(())
    }

    fn header(&self, f: &mut Formatter<'_>, name: &[u8], verdict: Verdict) -> fmt::Result {
        let shown = Bytes(name);
        let verdict = match verdict {
            Verdict::NotChecked => return write!(f, "\nheader `{shown}`: not checked"),
            Verdict::Allowed => "allowed",
            Verdict::Refused => "not allowed",
        };
        match &self.policy.headers {
            // `*` refuses one name only: Fetch's `*` never covers `authorization`.
            HeaderList::Any if verdict == "not allowed" => write!(
                f,
                "\nheader `{shown}`: not allowed (`*` never covers `authorization`: list it)"
            ),
            HeaderList::Any => write!(f, "\nheader `{shown}`: allowed (any header)"),
            HeaderList::AnyWithAuthorization => write!(
                f,
                "\nheader `{shown}`: allowed (any header, `authorization` included)"
            ),
            HeaderList::Names { names, .. } if names.is_empty() => write!(
                f,
                "\nheader `{shown}`: {verdict} (the policy allows no request header)"
            ),
            HeaderList::Names { rendered, .. } => write!(
                f,
                "\nheader `{shown}`: {verdict} (the policy allows {rendered})"
            ),
        }
    }

    fn private_network(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match (self.request.request_private_network, self.decision.refusal()) {
            (Header::Absent, _) => Ok(()),
            (Header::Many, _) => f.write_str(
                "\nprivate network: malformed: several `access-control-request-private-network` headers",
            ),
            (_, Some(Refusal::PrivateNetworkNotAllowed)) => {
                f.write_str("\nprivate network: not allowed (the policy has no `private_network`)")
            }
            (Header::One(b"true"), _) if self.decision.allow_private_network => {
                f.write_str("\nprivate network: allowed (`private_network`)")
            }
            (Header::One(b"true"), _) => f.write_str("\nprivate network: not checked"),
            (Header::One(other), _) => write!(
                f,
                "\nprivate network: `{}` is ignored: only `true` asks",
                Bytes(other)
            ),
        }
    }

    fn response_headers(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut headers = self.decision.headers().peekable();
        if headers.peek().is_none() {
            return f.write_str("\nresponse headers: none");
        }
        f.write_str("\nresponse headers:")?;
        for (name, value) in headers {
            write!(f, "\n  {}: {}", name.as_str(), Bytes(value.as_bytes()))?;
        }
        Ok(())
    }

    /// For an unsafe method, whether the decision blocked it as a forged cross-origin write.
    fn write(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let request = &self.request;
        if request.is_safe_method() {
            return Ok(());
        }
        let method = Bytes(request.method);
        if self.decision.is_blocked() {
            write!(
                f,
                "\nwrite: `{method}` can change state, the browser marks it cross-origin ("
            )?;
            match request.sec_fetch_site {
                Header::One(site) => write!(f, "`sec-fetch-site: {}`", Bytes(site))?,
                Header::Many => f.write_str("several `sec-fetch-site` headers")?,
                Header::Absent => f.write_str("an `origin` that is not the request's host")?,
            }
            f.write_str(
                "), and the policy neither allows nor trusts its origin for writes: a page on another site may have forged it",
            )
        } else if self.policy.cross_origin_writes {
            write!(
                f,
                "\nwrite: `{method}` can change state; cross-origin writes are let through (`dangerously_allow_cross_origin_writes`)"
            )
        } else {
            write!(
                f,
                "\nwrite: `{method}` can change state, and is not a forged cross-origin write (same origin, typed by the user, from a trusted origin, or not from a browser)"
            )
        }
    }

    fn verdict(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let decision = &self.decision;
        if decision.is_blocked() {
            return f.write_str(
                "\nverdict: refused (cross-origin write from an unlisted origin): answered with 403 Forbidden before the handler runs",
            );
        }
        match (decision.is_preflight(), decision.refusal()) {
            (true, None) => f.write_str(
                "\nverdict: allowed: the preflight is answered with 204 No Content, without calling the handler",
            ),
            (true, Some(refusal)) => write!(
                f,
                "\nverdict: refused ({}): the preflight is answered with 403 Forbidden and no CORS headers",
                refusal
            ),
            (false, None) => f.write_str(
                "\nverdict: allowed: the handler runs and its response gets the headers above",
            ),
            (false, Some(refusal)) => write!(
                f,
                "\nverdict: refused ({}): the handler runs, but without CORS headers the browser hides the response from the script",
                refusal
            ),
        }
    }
}

#[cfg(test)]
mod tests;
