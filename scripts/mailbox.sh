#!/usr/bin/env bash
# A local support mailbox for the demo, to try replies by email by hand: a Dovecot IMAP server on
# 127.0.0.1 (plain IMAP, loopback only) with one mailbox, soutien@guichet.example, in
# data/mailbox/. The demo server (scripts/run.sh) polls it every 10 seconds once it is started.
#
#   scripts/mailbox.sh start                       start the mailbox; configures the demo to poll it
#   scripts/mailbox.sh reply FILE FROM TEXT...     answer a notification (an .eml of data/mail/) as
#                                                  FROM, the way a mail client does, into the mailbox
#   scripts/mailbox.sh deliver FILE                put any raw message into the mailbox
#   scripts/mailbox.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(pwd)/data/mailbox"
user=soutien@guichet.example
maildir="$dir/home/$user/Maildir"

deliver() { # raw message on stdin, written as a mail delivery agent does (tmp, then new)
  local name="$(date +%s).$$.$RANDOM.guichet-demo"
  cat > "$maildir/tmp/$name"
  chmod 666 "$maildir/tmp/$name"
  mv "$maildir/tmp/$name" "$maildir/new/$name"
  echo "Delivered to $user; Guichet picks it up within 10 seconds."
}

case "${1:-}" in
start)
  if [ ! -x /usr/sbin/dovecot ]; then
    [ "$(id -u)" = 0 ] || { echo "Dovecot is missing: apt-get install dovecot-imapd" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
  fi
  mkdir -p "$maildir"/{new,cur,tmp}
  chmod -R 777 "$dir/home"
  if [ ! -f "$dir/password" ]; then
    python3 -c 'import secrets; print(secrets.token_urlsafe(18))' > "$dir/password"
  fi
  password=$(cat "$dir/password")
  port=${MAILBOX_PORT:-1143}
  printf '%s:{PLAIN}%s\n' "$user" "$password" > "$dir/passwd"
  if [ "$(id -u)" = 0 ]; then
    internal=dovecot login=dovenull uid=65534 gid=65534
  else
    internal=$(id -un) login=$(id -un) uid=$(id -u) gid=$(id -g)
  fi
  cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_internal_user = $internal
default_login_user = $login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
CONF
  if [ -f "$dir/run/master.pid" ] && kill -0 "$(cat "$dir/run/master.pid")" 2>/dev/null; then
    /usr/sbin/dovecot -c "$dir/dovecot.conf" reload
  else
    /usr/sbin/dovecot -c "$dir/dovecot.conf"
  fi
  # The settings that make the demo poll this mailbox (scripts/run.sh adds them too).
  cat > "$dir/settings.toml" <<TOML
# The local demo mailbox (scripts/mailbox.sh).
imap_host = "127.0.0.1"
imap_port = $port
imap_security = "none"
imap_username = "$user"
imap_password = "$password"
imap_poll_seconds = 10
TOML
  if [ -f data/guichet.toml ] && ! grep -q '^imap_host' data/guichet.toml; then
    cat "$dir/settings.toml" >> data/guichet.toml
    echo "data/guichet.toml now polls this mailbox: restart scripts/run.sh if it is running."
  fi
  echo "Mailbox $user on 127.0.0.1:$port (password in $dir/password)."
  ;;
reply)
  [ $# -ge 4 ] || { echo "usage: $0 reply NOTIFICATION.eml FROM TEXT..." >&2; exit 64; }
  file=$2 from=$3
  shift 3
  python3 - "$file" "$from" "$*" <<'PY' | deliver
import email, email.policy, email.utils, sys
from email.message import EmailMessage
original = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
text = sys.argv[3].replace('\\n', '\n')
quoted = original.get_body(('plain',))
quoted = quoted.get_content() if quoted else ''
reply = EmailMessage()
reply['From'] = sys.argv[2]
reply['To'] = original['Reply-To'] or original['From']
reply['Subject'] = 'RE: ' + str(original['Subject'])
reply['Date'] = email.utils.formatdate(localtime=True)
reply['Message-ID'] = email.utils.make_msgid(domain='client.guichet.example')
reply['In-Reply-To'] = original['Message-ID']
reply['References'] = ' '.join(x for x in [original.get('References'), original['Message-ID']] if x)
when = original['Date'] or ''
reply.set_content(text + '\n\nLe ' + when + ', ' + str(original['From']) + ' a écrit :\n'
                  + '\n'.join('> ' + l for l in quoted.splitlines()) + '\n')
sys.stdout.buffer.write(reply.as_bytes())
PY
  ;;
deliver)
  [ $# -eq 2 ] || { echo "usage: $0 deliver MESSAGE.eml" >&2; exit 64; }
  deliver < "$2"
  ;;
stop)
  [ -f "$dir/run/master.pid" ] && kill "$(cat "$dir/run/master.pid")" && echo "Mailbox stopped." || echo "Not running."
  ;;
*)
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 64
  ;;
esac
