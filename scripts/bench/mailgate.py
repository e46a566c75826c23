"""Delivers N messages through `guichet mailgate`, 4 at a time, as a mail server's pipe transport
does (one process per message): half replies to the given requests, half new requests.
Usage: mailgate.py BIN URL N NUMBERS (comma-separated request numbers). Prints the rate."""
import subprocess, sys, time, concurrent.futures as cf
bin_, url, n, numbers = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(x) for x in sys.argv[4].split(",")]
def message(i):
    if i % 2:
        number = numbers[i % len(numbers)]
        return (f"From: Karim Benali <tech.ti@guichet.example>\r\nTo: soutien@guichet.example\r\n"
                f"Subject: RE: [DS-{number:06d}] Suivi\r\nMessage-ID: <gate-{i}@bench.test>\r\n"
                f"In-Reply-To: <ds-{number:06d}@127.0.0.1>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                f"J'ai commandé la pièce (message {i}).\r\n\r\nDe\u00a0: Guichet <guichet@localhost>\r\n"
                f"Envoyé\u00a0: 7 décembre 2026 09:00\r\nÀ\u00a0: Karim\r\nObjet\u00a0: Suivi\r\n\r\nBonjour\r\n").encode()
    return (f"From: Sophie Roy <sophie.roy@guichet.example>\r\nTo: soutien@guichet.example\r\n"
            f"Subject: Projecteur du local {i}\r\nMessage-ID: <gate-{i}@bench.test>\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\nLe projecteur ne s'allume plus (message {i}).\r\n").encode()
def deliver(i):
    t = time.perf_counter()
    r = subprocess.run([bin_, "mailgate", "--url", url, "--token", "bench-inbound-token"],
                       input=message(i), capture_output=True)
    return time.perf_counter() - t, r.returncode
start = time.perf_counter()
with cf.ThreadPoolExecutor(4) as pool:
    results = list(pool.map(deliver, range(n)))
elapsed = time.perf_counter() - start
lat = sorted(d for d, _ in results)
failed = sum(1 for _, rc in results if rc != 0)
pct = lambda p: f"{lat[min(len(lat) - 1, int(p * len(lat)))] * 1000:.1f}ms"
print(f"{n / elapsed:.0f} messages/s, p50 {pct(0.5)}, p99 {pct(0.99)}; {failed} failed")
