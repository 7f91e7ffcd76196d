//! A stand-in for the ECS agent's task metadata endpoint.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An ECS agent stand-in: serves one HTTP answer (`status`, JSON `body`) on a loopback port;
/// returns the task metadata base URI (`ECS_CONTAINER_METADATA_URI_V4`) and the request line it
/// got.
pub async fn ecs_agent(status: &str, body: &str) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!(
        "http://{}/v4/0123456789abcdef-1234567890",
        listener.local_addr().unwrap()
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.ends_with(b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "client closed early");
            request.extend_from_slice(&buf[..n]);
        }
        stream.write_all(response.as_bytes()).await.unwrap();
        String::from_utf8(request)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned()
    });
    (base, server)
}
