#!/usr/bin/env python3
# Another user for the screenshot scripts (lan.sh, spanish.sh), over TLS:
#   user.py PORT LOGIN [ACTION…]
# signs LOGIN up, then does each ACTION in turn: `say:TEXT` (logs in first),
# `private:TO:TEXT`, `stay` (stays connected for 30 s).
import json, socket, ssl, sys, time

port, login, actions = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
f = s.makefile("rwb")
ids = iter(range(1, 1000))
def req(**r):
    r["id"] = next(ids); f.write((json.dumps(r) + "\n").encode()); f.flush()
    while True:
        m = json.loads(f.readline())
        if m.get("id") == r["id"]: return m
req(type="hello", version=1, client="shot")
req(type="register", login=login, first_names=login.title(), last_names="Gil",
    password="contraseña-1", age=20, gender="prefer_not_to_say")
if actions:
    req(type="login", login=login, password="contraseña-1")
for action in actions:
    kind, _, rest = action.partition(":")
    if kind == "say":
        req(type="say", text=rest)
    elif kind == "private":
        to, _, text = rest.partition(":")
        req(type="private", to=to, text=text)
    elif kind == "stay":
        time.sleep(30)
