//! An HTTP `CONNECT` proxy on loopback, as a corporate network's: it records each tunnel's
//! target (`host:port`) and opens it to that port on loopback, or answers `502` for a host it was
//! not told to carry.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The largest request head read: 8 KiB.
const MAX_HEAD: usize = 8 * 1024;

/// A `CONNECT` proxy; stops when dropped.
#[derive(Debug)]
pub struct ConnectProxy {
    address: SocketAddr,
    targets: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl ConnectProxy {
    /// Starts the proxy on `127.0.0.1:<ephemeral>`; it opens tunnels to hosts ending in one of
    /// `carried` (to `127.0.0.1` and the requested port), and refuses the rest with `502`.
    pub async fn start(carried: Vec<String>) -> io::Result<Self> {
        let listener = TcpListener::bind(crate::EPHEMERAL).await?;
        let address = listener.local_addr()?;
        let targets: Arc<Mutex<Vec<String>>> = Arc::default();
        let recorded = Arc::clone(&targets);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (recorded, carried) = (Arc::clone(&recorded), carried.clone());
                tokio::spawn(async move {
                    let _ = tunnel(client, &recorded, &carried).await;
                });
            }
        });
        Ok(Self {
            address,
            targets,
            task,
        })
    }

    /// The proxy's address (`http://<address>` as a proxy URL).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Every tunnel asked for, in order: `host:port`.
    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn tunnel(
    mut client: TcpStream,
    recorded: &Mutex<Vec<String>>,
    carried: &[String],
) -> io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.ends_with(b"\r\n\r\n") {
        let n = client.read(&mut buf).await?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut first = head.lines().next().unwrap_or_default().split(' ');
    let (Some("CONNECT"), Some(target)) = (first.next(), first.next()) else {
        return client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            .await;
    };
    recorded.lock().unwrap().push(target.to_owned());
    let port = target.rsplit_once(':').and_then(|(host, port)| {
        carried
            .iter()
            .any(|suffix| host == suffix || host.ends_with(&format!(".{suffix}")))
            .then(|| port.parse::<u16>().ok())
            .flatten()
    });
    let Some(port) = port else {
        return client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
    };
    let mut upstream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?;
    // A tunnel forwards each piece as it comes (the peers' own sockets say why).
    let _ = (client.set_nodelay(true), upstream.set_nodelay(true));
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}
