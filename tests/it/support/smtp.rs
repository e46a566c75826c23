//! A real SMTP server for the tests: aiosmtpd (Debian's python3-aiosmtpd) on a loopback port,
//! storing what it receives in a Maildir the tests read and parse.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn python() -> String {
    std::env::var("TEST_SMTPD_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        SmtpServer::start_on(free_port())
    }

    pub fn start_on(port: u16) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("Maildir");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "the SMTP server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer { port, dir, child }
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut v = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.dir.path().join("Maildir").join(sub)) {
                v.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()));
            }
        }
        v.sort();
        v
    }

    /// The raw messages received so far.
    pub fn raw(&self) -> Vec<Vec<u8>> {
        self.files()
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    }

    /// Waits until at least `n` messages arrived (the server writes them asynchronously).
    pub fn wait_for(&self, n: usize) -> Vec<Vec<u8>> {
        let started = Instant::now();
        loop {
            let raw = self.raw();
            if raw.len() >= n || started.elapsed() > Duration::from_secs(10) {
                return raw;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
