use crate::matcher::{OriginPattern, OriginTable};

/// A complete CORS policy: which origins may read responses, with which methods and headers.
///
/// A `Policy` is plain data that can live in a `static`: `#[derive(Cors)]` emits one per type with
/// every list pre-rendered, so that answering a request copies nothing and allocates nothing. Build
/// one at run time with [`PolicyBuilder`](crate::PolicyBuilder) (feature `alloc`), which applies the
/// same rules as the macro.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'a> {
    pub(crate) origins: Origins<'a>,
    pub(crate) methods: &'a [&'a str],
    pub(crate) allow_methods: &'a str,
    pub(crate) headers: HeaderList<'a>,
    pub(crate) expose: HeaderList<'a>,
    pub(crate) credentials: bool,
    pub(crate) max_age: Option<&'a str>,
    pub(crate) private_network: bool,
}

/// Which origins a [`Policy`] allows.
#[derive(Clone, Copy, Debug)]
pub enum Origins<'a> {
    /// Every origin, answered with `Access-Control-Allow-Origin: *` (never with credentials).
    Any,
    /// Exact origins, patterns, and possibly `null`; the answer echoes the request's origin.
    List {
        /// The exact origins.
        exact: OriginTable<'a>,
        /// `https://*.example.com` and `http://localhost:*` patterns.
        patterns: &'a [OriginPattern<'a>],
        /// Whether the opaque origin `null` is allowed.
        null: bool,
    },
}

/// The request headers a preflight may ask for, or the response headers scripts may read.
#[derive(Clone, Copy, Debug)]
pub enum HeaderList<'a> {
    /// Any header (`*`; never with credentials).
    Any,
    /// These names, in lower case, and the same list rendered as one header value.
    Names {
        /// Lower-case names.
        names: &'a [&'a str],
        /// `names` joined with `", "`.
        rendered: &'a str,
    },
}

impl<'a> HeaderList<'a> {
    /// No header at all.
    pub const NONE: HeaderList<'static> = HeaderList::Names {
        names: &[],
        rendered: "",
    };

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, HeaderList::Names { names: [], .. })
    }
}

impl<'a> Policy<'a> {
    /// Assembles a policy from parts the caller has already validated and rendered.
    ///
    /// This is what `#[derive(Cors)]` and [`PolicyBuilder`](crate::PolicyBuilder) call; it does not
    /// check the rules, so prefer them.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __from_parts(
        origins: Origins<'a>,
        methods: &'a [&'a str],
        allow_methods: &'a str,
        headers: HeaderList<'a>,
        expose: HeaderList<'a>,
        credentials: bool,
        max_age: Option<&'a str>,
        private_network: bool,
    ) -> Self {
        Policy {
            origins,
            methods,
            allow_methods,
            headers,
            expose,
            credentials,
            max_age,
            private_network,
        }
    }

    /// The allowed origins.
    pub fn origins(&self) -> &Origins<'a> {
        &self.origins
    }

    /// The allowed methods, exactly as matched against `Access-Control-Request-Method`.
    pub fn methods(&self) -> &'a [&'a str] {
        self.methods
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
    pub fn max_age(&self) -> Option<&'a str> {
        self.max_age
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
}
