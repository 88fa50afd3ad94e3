#!/usr/bin/env python3
"""Three hosts on one machine: the server in one network namespace, two
clients in two others, joined by a bridge. Chats both ways, takes a session
over from the other host, then cuts one client's link and checks that the
server takes it for gone (`members` says it left, its room deleted) within the idle
timeout, and that nothing said meanwhile is lost: when the host comes back,
the private messages sent to it arrive and the room messages it missed are
caught up, in order, each once.

    python3 .ci/three-hosts.py target/debug/tertulia-server target/debug/tertulia

The server announces itself on the bridge (mDNS); the first client host
finds it with `tertulia --list-servers`, without being told its address.

Needs root and `ip netns`; without them it says why and exits 0 having
tested nothing (it never pretends to pass). Namespaces, bridge and server
are removed whatever happens.

The clients are this same file run as an "agent" inside a namespace
(`three-hosts.py agent HOST PORT FINGERPRINT`): it speaks the protocol over
TLS, trusting the server's self-signed certificate only if its fingerprint
is the one the server printed (as a student compares it), and takes orders
on stdin, one JSON object a line, answering each on stdout.
"""

import hashlib
import json
import os
import re
import select
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

PREFIX = "tt3"
SUBNET = "10.77.3"
HOSTS = {"srv": 1, "c1": 2, "c2": 3}
PORT = 7878
IDLE = 4  # the server's --idle-timeout, seconds
HEARTBEAT = 1  # the agents' heartbeat, seconds (the real client: 15 s against 45)


# --- the agent: one protocol client, inside a namespace ----------------------

def fingerprint(der):
    digest = hashlib.sha256(der).hexdigest().upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def agent(host, port, expected):
    raw = socket.create_connection((host, int(port)), timeout=10)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # Trust on first use: any certificate, then compare its fingerprint.
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    sock = context.wrap_socket(raw, server_hostname=host)
    seen = fingerprint(sock.getpeercert(binary_form=True))
    if seen != expected:
        sys.exit(f"certificate fingerprint {seen}, expected {expected}")
    sock.setblocking(False)
    buffer = b""
    last_sent = time.monotonic()

    def send(message):
        nonlocal last_sent
        sock.setblocking(True)
        try:
            sock.sendall((json.dumps(message) + "\n").encode())
        except OSError:
            pass  # a cut link or a closed connection: the orders will tell
        sock.setblocking(False)
        last_sent = time.monotonic()

    def heartbeat():
        # What a real client does: a `time` request when it has been quiet.
        if time.monotonic() - last_sent >= HEARTBEAT:
            send({"type": "time"})

    def lines(deadline):
        nonlocal buffer
        while True:
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                yield json.loads(line)
            left = deadline - time.monotonic()
            if left <= 0:
                return
            # TLS may hold decrypted bytes the socket no longer shows.
            if not sock.pending():
                ready, _, _ = select.select([sock], [], [], min(left, HEARTBEAT))
                heartbeat()
                if not ready:
                    continue
            try:
                chunk = sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                continue
            except OSError:
                chunk = b""
            if not chunk:
                yield None  # closed
                return
            buffer += chunk

    def matches(message, wanted):
        if isinstance(wanted, dict):
            return isinstance(message, dict) and all(
                matches(message.get(k), v) for k, v in wanted.items())
        if isinstance(wanted, list):  # every item wanted is there
            return isinstance(message, list) and all(w in message for w in wanted)
        return message == wanted

    while True:
        ready, _, _ = select.select([sys.stdin], [], [], HEARTBEAT)
        heartbeat()
        if not ready:
            continue
        order = sys.stdin.readline()
        if not order:
            return
        order = json.loads(order)
        if order["cmd"] == "send":
            send(order["line"])
            answer = {"ok": True}
        elif order["cmd"] == "expect":
            answer = {"ok": False, "seen": []}
            for message in lines(time.monotonic() + order["timeout"]):
                if message is None:
                    answer["closed"] = True
                    break
                if matches(message, order["match"]):
                    answer = {"ok": True, "message": message, "seen": answer["seen"]}
                    break
                answer["seen"].append(message)
        elif order["cmd"] == "closed":
            answer = {"ok": False}
            for message in lines(time.monotonic() + order["timeout"]):
                if message is None:
                    answer = {"ok": True}
                    break
        print(json.dumps(answer), flush=True)


# --- the orchestrator --------------------------------------------------------

def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def ns(name):
    return f"{PREFIX}-{name}"


def teardown():
    for name in HOSTS:
        sh("ip", "netns", "del", ns(name), check=False)
        sh("ip", "link", "del", f"{PREFIX}v{name}", check=False)
    sh("ip", "link", "del", f"{PREFIX}br", check=False)


def setup():
    teardown()
    sh("ip", "link", "add", f"{PREFIX}br", "type", "bridge")
    sh("ip", "link", "set", f"{PREFIX}br", "up")
    for name, last in HOSTS.items():
        sh("ip", "netns", "add", ns(name))
        port = f"{PREFIX}v{name}"
        sh("ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns(name))
        sh("ip", "link", "set", port, "master", f"{PREFIX}br", "up")
        sh("ip", "-n", ns(name), "addr", "add", f"{SUBNET}.{last}/24", "dev", "eth0")
        sh("ip", "-n", ns(name), "link", "set", "eth0", "up")
        sh("ip", "-n", ns(name), "link", "set", "lo", "up")
        sh("ip", "-n", ns(name), "link", "set", "eth0", "multicast", "on")


class Host:
    """A protocol client running in a namespace."""

    def __init__(self, name, address=None):
        """`address` (`ip:port`): where to connect; by default the server's
        address, as if typed."""
        self.name = name
        host, port = (address or f"{SUBNET}.{HOSTS['srv']}:{PORT}").rsplit(":", 1)
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns(name), sys.executable, os.path.abspath(__file__),
             "agent", host, port, FINGERPRINT[0]],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.next_id = 1

    def order(self, **order):
        self.proc.stdin.write(json.dumps(order) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def request(self, request, timeout=10):
        """The result of `request`; the lines that came before it are kept
        in `self.before`."""
        request = dict(request, id=self.next_id)
        self.next_id += 1
        self.order(cmd="send", line=request)
        answer = self.order(cmd="expect", match={"id": request["id"]}, timeout=timeout)
        assert answer["ok"], f"{self.name}: no answer to {request}: {answer}"
        assert answer["message"]["type"] == "reply", f"{self.name}: {request} -> {answer}"
        self.before = answer["seen"]
        return answer["message"]["result"]

    def expect(self, match, timeout=10):
        answer = self.order(cmd="expect", match=match, timeout=timeout)
        assert answer["ok"], f"{self.name}: never saw {match}: {answer}"
        return answer["message"]

    def close(self):
        self.proc.kill()
        self.proc.wait()


# The server's certificate fingerprint, as it printed it at start.
FINGERPRINT = [""]
# The desktop client program (for its --list-servers).
CLIENT = [""]


def hello(host):
    host.request({"type": "hello", "version": 1, "client": f"three-hosts {host.name}"})


def sign_up(host, login):
    hello(host)
    host.request({"type": "register", "first_names": "Test", "last_names": "Host",
                  "login": login, "password": "contraseña-segura", "age": 20,
                  "gender": "other"})
    return log_in(host, login)


def log_in(host, login):
    return host.request({"type": "login", "login": login, "password": "contraseña-segura"})


def event(kind, **fields):
    return {"type": "event", "event": dict(fields, type=kind)}


def run(server_binary):
    work = tempfile.mkdtemp()
    server = subprocess.Popen(
        ["ip", "netns", "exec", ns("srv"), server_binary, "--bind", "0.0.0.0",
         "--port", str(PORT), "--bcrypt-cost", "4", "--db", f"{work}/accounts.db",
         "--idle-timeout", str(IDLE), "--keepalive", "1"],
        stderr=open(f"{work}/server.log", "w"))
    hosts = []
    try:
        for _ in range(100):
            probe = sh("ip", "netns", "exec", ns("c1"), sys.executable, "-c",
                       f"import socket; socket.create_connection(('{SUBNET}.1', {PORT}), 1)",
                       check=False)
            if probe.returncode == 0:
                break
            time.sleep(0.1)
        printed = re.search(r"to compare: ((?:[0-9A-F]{4} ){15}[0-9A-F]{4})",
                            open(f"{work}/server.log").read())
        assert printed, "the server did not print its certificate fingerprint"
        FINGERPRINT[0] = printed.group(1)
        # c1 finds the server on the LAN, as the client's server list does.
        found = sh("ip", "netns", "exec", ns("c1"), CLIENT[0], "--list-servers", "3")
        lines = [line.split("\t") for line in found.stdout.splitlines() if line]
        assert lines, f"no server found by mDNS: {found.stdout!r} {found.stderr!r}"
        name, address, announced = lines[0]
        assert address == f"{SUBNET}.{HOSTS['srv']}:{PORT}", lines
        assert announced == FINGERPRINT[0], (announced, FINGERPRINT[0])
        print(f"three hosts: c1 found “{name}” at {address} on the LAN (mDNS)")
        # Ana connects to what she found; Luis types the address.
        ana, luis = Host("c1", address), Host("c2")
        hosts += [ana, luis]
        sign_up(ana, "ana")
        sign_up(luis, "luis")
        # Like the GUI, Luis keeps a user list: he hears who comes and goes.
        luis.request({"type": "list_users"})

        # Chat both ways across the bridge.
        ana.request({"type": "say", "text": "hola desde c1"})
        luis.expect(event("message", **{"from": "ana", "text": "hola desde c1"}))
        luis.request({"type": "say", "text": "hola desde c2"})
        ana.expect(event("message", **{"from": "luis", "text": "hola desde c2"}))
        luis.request({"type": "private", "to": "ana", "text": "¿me oyes?"})
        ana.expect(event("private", **{"from": "luis", "text": "¿me oyes?"}))

        # Ana moves to the other host: her login there takes the session over…
        moved = Host("c2")
        hosts.append(moved)
        hello(moved)
        log_in(moved, "ana")
        ana.expect(event("session_replaced"))
        assert ana.order(cmd="closed", timeout=5)["ok"], "the replaced session was not closed"
        # …and back, the same way.
        ana = Host("c1")
        hosts.append(ana)
        hello(ana)
        log_in(ana, "ana")
        moved.expect(event("session_replaced"))
        ana.request({"type": "create_room", "room": "física"})
        luis.expect(event("room_created", room="física"))
        ana.request({"type": "leave_room"})
        luis.request({"type": "say", "text": "antes del corte"})
        last_seen = ana.expect(event("message", text="antes del corte"))["event"]["id"]

        # Ana's host loses its link (the cable is pulled): no FIN, no reset,
        # just silence. Luis goes on talking to the room and to her.
        sh("ip", "link", "set", f"{PREFIX}vc1", "down")
        cut = time.monotonic()
        said = [luis.request({"type": "say", "text": "durante el corte 1"})["message"]["id"]]
        privates = [luis.request({"type": "private", "to": "ana", "text": "¿sigues?"})]
        # Within the idle timeout the server takes her for gone: she leaves
        # and the room she created is deleted (told at once; her departure
        # comes with the next batch of arrivals and departures, 100 ms on).
        luis.expect(event("room_deleted", room="física", reason="creator_left"), timeout=3 * IDLE)
        luis.expect(event("presence", offline=["ana"]), timeout=5)
        noticed = time.monotonic() - cut
        assert noticed <= 2 * IDLE, f"noticed after {noticed:.1f} s"
        print(f"three hosts: a vanished host was noticed after {noticed:.1f} s "
              f"(idle timeout {IDLE} s)")
        # Luis is still served; what he sends Ana now waits for her.
        said.append(luis.request({"type": "say", "text": "durante el corte 2"})["message"]["id"])
        privates.append(luis.request({"type": "private", "to": "ana", "text": "te espero"}))
        assert privates[1]["queued"], f"not queued for the offline user: {privates[1]}"
        said.append(luis.request({"type": "say", "text": "durante el corte 3"})["message"]["id"])

        # The cable is back; Ana's client logs in again and catches up.
        sh("ip", "link", "set", f"{PREFIX}vc1", "up")
        ana.close()
        hosts.remove(ana)
        ana = Host("c1")
        hosts.append(ana)
        hello(ana)
        arrival = log_in(ana, "ana")
        queued = [m["event"] for m in ana.before
                  if m.get("type") == "event" and m["event"]["type"] == "private"]
        assert arrival.get("queued_privates") == len(queued) == 1, (arrival, queued)
        room = ana.request({"type": "history", "room": "lobby", "after_id": last_seen})
        assert [m["id"] for m in room["messages"]] == said, (room, said)
        caught = ana.request({"type": "private_history", "after_id": last_seen})
        got = {m["id"]: m["text"] for m in queued + caught["messages"]}
        assert got == {p["message"]["id"]: p["message"]["text"] for p in privates}, got
        print(f"three hosts: after the cut, {len(said)} room messages caught up in order "
              f"and {len(got)} private messages delivered (by id, as a client merges them)")
    finally:
        for host in hosts:
            host.close()
        server.kill()
        server.wait()
        log = open(f"{work}/server.log").read()
        shutil.rmtree(work, ignore_errors=True)
    return log


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "agent":
        agent(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("three hosts: SKIPPED, needs root and iproute2 (ip netns) to make hosts")
        return
    server_binary = os.path.abspath(sys.argv[1])
    CLIENT[0] = os.path.abspath(sys.argv[2])
    try:
        setup()
        run(server_binary)
    finally:
        teardown()
    print(f"three hosts: ok (TLS, certificate checked by its fingerprint {FINGERPRINT[0][:9]}…)")


if __name__ == "__main__":
    main()
