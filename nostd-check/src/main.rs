//! Links `checked-cors` into a binary with no `std` at all: building it fails if the crate (without
//! default features) needs `std` or an allocator.
#![no_std]
#![no_main]

use core::panic::PanicInfo;
use checked_cors::{Cors, CorsPolicy, Header, CorsRequest};

// The derive's static tables need neither `std` nor an allocator.
#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com", "https://*.example.com"],
    methods = [GET, PUT],
    credentials,
    max_age = 600
)]
struct Api;

#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let request = CorsRequest {
        method: b"OPTIONS",
        origin: Header::One(b"https://api.example.com"),
        request_method: Header::One(b"PUT"),
        ..CorsRequest::default()
    };
    let decision = Api::policy().evaluate(&request);
    let count = decision.headers().count() as i32;
    if decision.is_allowed() {
        count
    } else {
        -1
    }
}

// The C library provides the program's entry point and `memcpy`-style symbols; Rust's `std` is
// what must be absent.
#[link(name = "c")]
extern "C" {}

// The precompiled `core` references the unwinding personality even though this binary aborts on
// panic and never unwinds.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}
