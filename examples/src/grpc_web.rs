//! gRPC-web from browsers: a tonic service behind tonic-web's translation and `CorsLayer`, served
//! by tonic's own server with HTTP/1.1 on (browsers speak gRPC-web over whichever HTTP they have).
//!
//! The service, `notes.Notes/Get`, is written by hand over prost messages, as `tonic-build`
//! would generate it, so that the example needs no `protoc`.
//!
//! Order matters: `CorsLayer` goes before (outside) `GrpcWebLayer`. tonic-web answers an HTTP/1.1
//! request that is not gRPC-web, such as a preflight, `400 Bad Request`; outside it, the CORS
//! layer answers preflights first, and decorates the translated response.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use checked_cors::{Cors, CorsLayer};
use http::{Request, Response};
use tonic::body::Body;
use tonic::server::{Grpc, NamedService};
use tonic::transport::server::TcpIncoming;
use tonic::Status;
use tonic_prost::ProstCodec;
use tonic_web::GrpcWebLayer;
use tower::service_fn;

use crate::observe::{Calls, Refusals};

/// The policy a gRPC-web client needs (README, "Recipes"): the headers grpc-web's JavaScript
/// clients send, and the ones its scripts must read. A call that fails before any message is a
/// "trailers-only" response whose `grpc-status` and `grpc-message` are HTTP headers, so without
/// `expose` the client sees every error as an unknown one.
#[derive(Cors)]
#[cors(
    origins = ["https://notes.example.com", "http://localhost:*"],
    // gRPC-web sends every call as a `POST`, preflighted since its content type is not one a
    // form can send.
    methods = [POST],
    headers = ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout"],
    expose = ["grpc-status", "grpc-message", "grpc-status-details-bin"],
    max_age = 600,
)]
pub struct GrpcWeb;

/// `notes.GetNote`: which note.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetNote {
    /// The note's number.
    #[prost(uint64, tag = "1")]
    pub id: u64,
}

/// `notes.Note`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Note {
    /// The note's number.
    #[prost(uint64, tag = "1")]
    pub id: u64,
    /// What it says.
    #[prost(string, tag = "2")]
    pub text: String,
}

/// The path of the one method.
pub const GET: &str = "/notes.Notes/Get";

/// The one note there is: the others are `NOT_FOUND`.
pub const NOTE: (u64, &str) = (1, "buy milk");

/// The `notes.Notes` service: `Get` answers note 1 and `NOT_FOUND` for any other, recording
/// `"get"` in `calls` each time it runs.
#[derive(Clone, Debug)]
pub struct NotesServer {
    calls: Calls,
}

impl NotesServer {
    /// The service, recording its calls in `calls`.
    pub fn new(calls: Calls) -> Self {
        NotesServer { calls }
    }
}

impl NamedService for NotesServer {
    const NAME: &'static str = "notes.Notes";
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

impl tower::Service<Request<Body>> for NotesServer {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> BoxFuture {
        if request.uri().path() != GET {
            return Box::pin(async { Ok(Status::unimplemented("no such method").into_http()) });
        }
        let calls = self.calls.clone();
        let get = service_fn(move |request: tonic::Request<GetNote>| {
            calls.record("get");
            let id = request.into_inner().id;
            async move {
                if id == NOTE.0 {
                    let text = NOTE.1.to_owned();
                    Ok(tonic::Response::new(Note { id, text }))
                } else {
                    Err(Status::not_found(format!("no note {id}")))
                }
            }
        });
        Box::pin(async move {
            let mut grpc = Grpc::new(ProstCodec::<Note, GetNote>::default());
            Ok(grpc.unary(get, request).await)
        })
    }
}

/// Serves `notes.Notes` to browsers on `listener` until the process ends: gRPC-web over HTTP/1.1
/// (and gRPC over HTTP/2), under [`GrpcWeb`]'s policy. Handlers record their calls in `calls`,
/// refusals go to `refusals`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    calls: Calls,
    refusals: Refusals,
) -> Result<(), tonic::transport::Error> {
    let cors = CorsLayer::<GrpcWeb>::new().on_refusal(move |refusal, request| {
        let origin = request.headers.get(http::header::ORIGIN);
        let origin = origin.map(http::HeaderValue::as_bytes);
        refusals.push(refusal, request.method.as_str(), request.uri.path(), origin);
    });
    tonic::transport::Server::builder()
        .accept_http1(true)
        .layer(cors)
        .layer(GrpcWebLayer::new())
        .add_service(NotesServer::new(calls))
        .serve_with_incoming(TcpIncoming::from(listener))
        .await
}
