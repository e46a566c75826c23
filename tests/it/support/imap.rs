//! A real IMAP server for the tests: Dovecot (Debian's dovecot-imapd) with a throwaway
//! configuration, one mailbox (`soutien@csss.test`), plain IMAP and implicit TLS with a
//! self-signed certificate made by openssl. Messages are delivered as an MDA does, by writing
//! them into the Maildir.

use super::smtp::free_port;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "soutien@csss.test";
pub const PASSWORD: &str = "boite-de-soutien";

pub struct ImapServer {
    pub port: u16,
    pub tls_port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

fn dovecot() -> String {
    std::env::var("TEST_DOVECOT").unwrap_or_else(|_| "/usr/sbin/dovecot".into())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn whoami() -> (String, String, String) {
    let out = |args: &[&str]| {
        Command::new("id")
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    (out(&["-un"]), out(&["-u"]), out(&["-g"]))
}

fn open_all(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o777)).unwrap();
}

impl ImapServer {
    pub fn start() -> ImapServer {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        open_all(d);
        let (port, tls_port) = (free_port(), free_port());
        // A certificate authority of our own, and the server's certificate it signs.
        let openssl = |args: &[&str]| {
            let status = Command::new("openssl")
                .current_dir(d)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl (apt-get install openssl)");
            assert!(status.success(), "openssl {args:?} failed");
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Guichet test CA",
            "-keyout",
            "ca-key.pem",
            "-out",
            "ca.pem",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ]);
        std::fs::write(
            d.join("ext.cnf"),
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca-key.pem",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "cert.pem",
        ]);
        // As root, Dovecot's own users run it and the mail belongs to nobody; otherwise,
        // everything runs as the current user.
        let (internal, login, uid, gid) = if is_root() {
            (
                "dovecot".to_string(),
                "dovenull".to_string(),
                "65534".to_string(),
                "65534".to_string(),
            )
        } else {
            let (name, uid, gid) = whoami();
            (name.clone(), name, uid, gid)
        };
        std::fs::write(d.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let home = d.join("home");
        std::fs::create_dir_all(&home).unwrap();
        open_all(&home);
        let conf = format!(
            r#"base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"#,
            d = d.display()
        );
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        let child = Command::new(dovecot())
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .arg("-F")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot (apt-get install dovecot-imapd)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err()
            || TcpStream::connect(("127.0.0.1", tls_port)).is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "Dovecot did not start: {}",
                std::fs::read_to_string(d.join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let server = ImapServer {
            port,
            tls_port,
            dir,
            child,
        };
        for sub in ["new", "cur", "tmp"] {
            let p = server.maildir().join(sub);
            std::fs::create_dir_all(&p).unwrap();
            open_all(&p);
        }
        open_all(&server.maildir());
        open_all(&home.join(USER));
        server
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("home").join(USER).join("Maildir")
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Delivers a message into the mailbox, as the mail server's delivery agent does.
    pub fn deliver(&self, raw: &[u8]) {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "{}.M{}P{}.guichet-test",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            N.fetch_add(1, Ordering::SeqCst),
            std::process::id()
        );
        let tmp = self.maildir().join("tmp").join(&name);
        std::fs::write(&tmp, raw).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o666)).unwrap();
        std::fs::rename(&tmp, self.maildir().join("new").join(&name)).unwrap();
    }

    /// Messages Dovecot has seen and marked read (`S` in the Maildir file name).
    pub fn seen(&self) -> usize {
        std::fs::read_dir(self.maildir().join("cur"))
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| {
                        let n = e.file_name().to_string_lossy().to_string();
                        n.rsplit_once(":2,")
                            .is_some_and(|(_, flags)| flags.contains('S'))
                    })
                    .count()
            })
            .unwrap_or(0)
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its children (and free the ports).
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}
