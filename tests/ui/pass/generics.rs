use core::marker::PhantomData;
use checked_cors::{Cors, CorsPolicy};

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"])]
struct Api<'a, T: Clone, const N: usize>(PhantomData<&'a [T; N]>)
where
    T: Send;

fn main() {
    let a = Api::<'static, u8, 1>::policy();
    let b = Api::<'static, String, 2>::policy();
    // One static, whatever the parameters.
    assert!(core::ptr::eq(a, b));
    assert!(a.allows_origin(b"https://app.example.com"));
}
