//! Links `cors-core` into a binary with no `std` at all: building it fails if the crate (without
//! default features) needs `std` or an allocator.
#![no_std]
#![no_main]

use core::panic::PanicInfo;
use cors_core::{Header, HeaderList, OriginPattern, OriginTable, Origins, Policy, Request};

static PATTERNS: [OriginPattern<'static>; 1] = [OriginPattern::subdomains("https", "example.com")];
static POLICY: Policy<'static> = Policy::__from_parts(
    Origins::List { exact: OriginTable::linear(&["https://app.example.com"]), patterns: &PATTERNS, null: false },
    &["GET", "PUT"],
    "GET, PUT",
    HeaderList::NONE,
    HeaderList::NONE,
    true,
    Some("600"),
    false,
);

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let request = Request {
        method: b"OPTIONS",
        origin: Header::One(b"https://api.example.com"),
        request_method: Header::One(b"PUT"),
        ..Request::default()
    };
    let decision = POLICY.evaluate(&request);
    let count = decision.headers().count() as i32;
    if decision.is_allowed() { count } else { -1 }
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}
