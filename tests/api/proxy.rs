//! A TCP proxy that can cut a dependency off and bring it back on the same port, or freeze it:
//! stopping (or SIGSTOPping) a shared PostgreSQL or Redis would break the tests running beside
//! this one. Cut means what a stopped server means to a client: live connections are dropped
//! and new ones are refused. Frozen means what a stopped process (SIGSTOP) means: connections
//! are accepted and kept, and not a byte moves either way until it thaws.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinSet;

pub struct FaultProxy {
    pub port: u16,
    upstream: SocketAddr,
    running: Arc<Mutex<Option<JoinSet<()>>>>,
    frozen: watch::Sender<bool>,
}

/// Copies one direction, holding still while frozen.
async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mut frozen: watch::Receiver<bool>) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        if frozen.wait_for(|f| !*f).await.is_err() {
            return;
        }
        let read = tokio::select! {
            read = from.read(&mut buffer) => read,
            // Frozen while waiting: stop reading until it thaws.
            _ = frozen.wait_for(|f| *f) => continue,
        };
        let n = match read {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if frozen.wait_for(|f| !*f).await.is_err() {
            return;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let proxy = Self {
            port,
            upstream,
            running: Arc::default(),
            frozen: watch::Sender::new(false),
        };
        proxy.serve(listener).await;
        proxy
    }

    async fn serve(&self, listener: TcpListener) {
        let mut tasks = JoinSet::new();
        let upstream = self.upstream;
        let frozen = self.frozen.subscribe();
        // Owned by the accept task: aborting it drops the set, which aborts every relayed
        // connection with it.
        let accepted = Arc::new(Mutex::new(JoinSet::new()));
        tasks.spawn(async move {
            loop {
                let Ok((inbound, _)) = listener.accept().await else {
                    continue;
                };
                let frozen = frozen.clone();
                accepted.lock().await.spawn(async move {
                    let Ok(outbound) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (in_read, in_write) = inbound.into_split();
                    let (out_read, out_write) = outbound.into_split();
                    tokio::join!(
                        pump(in_read, out_write, frozen.clone()),
                        pump(out_read, in_write, frozen),
                    );
                });
            }
        });
        *self.running.lock().await = Some(tasks);
    }

    /// Drops every relayed connection and closes the port.
    pub async fn cut(&self) {
        if let Some(mut tasks) = self.running.lock().await.take() {
            tasks.abort_all();
            while tasks.join_next().await.is_some() {}
        }
    }

    /// Listens on the same port again.
    pub async fn restore(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("rebind the proxy port");
        self.serve(listener).await;
    }

    /// Holds every byte where it is: the server seems alive (connections open) but answers
    /// nothing, as a stopped process.
    pub fn freeze(&self) {
        self.frozen.send_replace(true);
    }

    pub fn thaw(&self) {
        self.frozen.send_replace(false);
    }
}
