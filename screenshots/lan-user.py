#!/usr/bin/env python3
# A second user of the hosted chat in screenshots/lan.sh: registers over TLS
# (and with a third argument, logs in, says hello and stays a while).
import json, socket, ssl, sys
port = int(sys.argv[1]); login = sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
f = s.makefile("rwb")
def req(i, **r):
    r["id"] = i; f.write((json.dumps(r) + "\n").encode()); f.flush()
    while True:
        m = json.loads(f.readline())
        if m.get("id") == i: return m
print(req(1, type="hello", version=1, client="shot")["type"])
print(req(2, type="register", login=login, first_names="Luis", last_names="Gil", password="contraseña-1", age=20, gender="male")["type"])
if len(sys.argv) > 3:
    print(req(3, type="login", login=login, password="contraseña-1")["type"])
    print(req(4, type="say", text="¡Hola! Ya estoy en el aula de Ana")["type"])
    import time; time.sleep(30)
