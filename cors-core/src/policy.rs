use crate::origins::Origins;
use crate::storage::{Table, Text};

/// A complete CORS policy: which origins may read responses, with which methods and headers.
///
/// `#[derive(Cors)]` emits one per type as a `static`, every list pre-rendered and the exact
/// origins in a hash table built at compile time, so that answering a request copies nothing and
/// allocates nothing. [`PolicyBuilder`](crate::PolicyBuilder) (feature `alloc`) builds one at run
/// time under the same rules; that policy owns its tables and frees them when dropped. Both are
/// evaluated by the same code.
#[derive(Clone, Debug)]
pub struct Policy<'a> {
    pub(crate) origins: Origins<'a>,
    pub(crate) methods: Table<'a, Text<'a>>,
    /// `methods = "*"` (`methods` is then empty and `allow_methods` is `*`).
    pub(crate) any_method: bool,
    pub(crate) allow_methods: Text<'a>,
    pub(crate) headers: HeaderList<'a>,
    pub(crate) expose: HeaderList<'a>,
    pub(crate) credentials: bool,
    pub(crate) max_age: Option<Text<'a>>,
    pub(crate) private_network: bool,
    /// Origins trusted for cross-origin writes only.
    pub(crate) write_origins: Origins<'a>,
    /// `dangerously_allow_cross_origin_writes`.
    pub(crate) cross_origin_writes: bool,
}

/// The request headers a preflight may ask for, or the response headers scripts may read.
#[derive(Clone, Debug)]
pub enum HeaderList<'a> {
    /// Any header but `authorization` (`"*"`): the requested names are echoed, so it works with
    /// credentials too.
    Any,
    /// Any header, `authorization` included (`headers = ["*", "authorization"]`; request headers
    /// only).
    AnyWithAuthorization,
    /// These names, in lower case, and the same list rendered as one header value.
    Names {
        /// Lower-case names.
        names: Table<'a, Text<'a>>,
        /// `names` joined with `", "`.
        rendered: Text<'a>,
    },
}

impl<'a> HeaderList<'a> {
    /// No header at all.
    pub const NONE: HeaderList<'static> = HeaderList::Names {
        names: Table::Static(&[]),
        rendered: Text::Static(""),
    };

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, HeaderList::Names { names, .. } if names.is_empty())
    }

    /// The names, or `None` for any header.
    pub fn names(&self) -> Option<&[Text<'a>]> {
        match self {
            HeaderList::Any | HeaderList::AnyWithAuthorization => None,
            HeaderList::Names { names, .. } => Some(names),
        }
    }
}

impl<'a> Policy<'a> {
    /// The allowed origins.
    pub fn origins(&self) -> &Origins<'a> {
        &self.origins
    }

    /// The listed methods, exactly as matched against `Access-Control-Request-Method` (empty for
    /// `methods = "*"`). The CORS-safelisted `GET`, `HEAD` and `POST` pass a preflight whether
    /// listed or not, as browsers never check them: forbidding one is the router's job.
    pub fn methods(&self) -> &[Text<'a>] {
        &self.methods
    }

    /// Whether any method is allowed (`methods = "*"`).
    pub fn allows_any_method(&self) -> bool {
        self.any_method
    }

    /// Whether a preflight asking for `method` (exact bytes: methods are case-sensitive) passes
    /// the method check: a CORS-safelisted method always does (Fetch, "CORS-preflight fetch").
    pub fn allows_method(&self, method: &[u8]) -> bool {
        // The list first: a browser asks about a safelisted method only when a header needs the
        // preflight, and most preflights are for the listed `PUT`, `DELETE` or `PATCH`.
        self.any_method
            || self
                .methods
                .iter()
                .any(|m| crate::origins::short_eq(m.as_bytes(), method))
            || matches!(method, b"GET" | b"HEAD" | b"POST")
    }

    /// The request headers a preflight may ask for.
    pub fn allowed_headers(&self) -> &HeaderList<'a> {
        &self.headers
    }

    /// The response headers scripts may read.
    pub fn exposed_headers(&self) -> &HeaderList<'a> {
        &self.expose
    }

    /// Whether responses may be read by requests with credentials (cookies, HTTP authentication).
    pub fn allows_credentials(&self) -> bool {
        self.credentials
    }

    /// How long, in seconds, a browser may cache a preflight answer, as sent.
    pub fn max_age(&self) -> Option<&str> {
        self.max_age.as_deref()
    }

    /// Whether Private Network Access preflights are answered.
    pub fn allows_private_network(&self) -> bool {
        self.private_network
    }

    /// Whether the answer depends on the request's `Origin`, so that every response must carry
    /// `Vary: Origin` for shared caches.
    pub fn varies_on_origin(&self) -> bool {
        !matches!(self.origins, Origins::Any)
    }

    /// Whether unsafe requests (`POST`, `PUT`, ...) that a browser marks as cross-origin reach the
    /// handler from origins the policy does not list (`dangerously_allow_cross_origin_writes`).
    /// By default they are answered `403` before the handler runs.
    pub fn allows_cross_origin_writes(&self) -> bool {
        self.cross_origin_writes
    }

    /// The origins trusted to send cross-origin writes without being allowed to read
    /// (`write_origins`).
    pub fn write_origins(&self) -> &Origins<'a> {
        &self.write_origins
    }

    /// Whether the policy allows `origin` (the `Origin` header's exact bytes).
    pub fn allows_origin(&self, origin: &[u8]) -> bool {
        self.origins.match_origin(origin).is_ok()
    }
}
