# Tertulia's English sentences. Keep es.ftl in step (a test checks the keys).
# { $name } is filled in by the program; an indented line continues a message.

## Login
login-title = Tertulia
login-subtitle = Chat with everyone in the lab
login-server = Server (address or address:port)
login-login = Login
login-password = Password
login-log-in = Log in
login-create-account = Create account
login-no-account = First time here?
login-cancel = Cancel
login-retry = Retry
login-need-login = Type your login.
login-need-password = Type your password.
login-plain = Connect without encryption
login-plain-hint = Only for a server started with --plain: your password and messages then travel readable by anyone on the network.

## Signup
signup-title = Create your account
signup-first-names = First names
signup-last-names = Last names
signup-login-hint = 3–32 letters a–z, digits, _ - . — this is how others see you
signup-confirm = Repeat the password
signup-age = Age
signup-gender = Gender
signup-choose = Choose…
signup-back = Back to log in
signup-mismatch = The two passwords differ.
signup-age-number = Type your age as a number.
signup-choose-gender = Choose an option ("Prefer not to say" is fine).
gender-female = Female
gender-male = Male
gender-non-binary = Non-binary
gender-other = Other
gender-prefer-not-to-say = Prefer not to say

## Servers on the LAN, hosting
servers-title = Chats on this network
servers-looking = Looking for chats on this network…
servers-none-found = No chat found on this network yet. Check that this computer is on the same network as the server, and that the firewalls let through TCP port 7878 and UDP port 5353 (mDNS). You can also type the server's address in the form.
servers-encrypted = encrypted
servers-not-encrypted = not encrypted
servers-not-seen = used before, not heard right now
servers-online-one = 1 person online
servers-online-many = { $n } people online
servers-host = Host a chat on this computer
servers-host-hint = Starts a chat server here that everyone on this network can find and join; then create your account or log in like everyone else.
servers-starting = Starting the chat server…
servers-hosting = This computer hosts “{ $name }”. Others find it in their list, or type:
host-hosting = Hosting “{ $name }” · { $connected } connected
host-hosting-at = Hosting “{ $name }” on { $address } · { $connected } connected
host-close-title = Stop the chat for everyone?
host-close-one = 1 other person is connected to the chat this computer hosts. Closing the window stops it for everyone.
host-close-many = { $others } other people are connected to the chat this computer hosts. Closing the window stops it for everyone.
host-keep = Keep hosting
host-close = Close anyway

## Trusting a server's certificate
trust-first-title = Is this the right server?
trust-first = This is the first time this computer connects to { $server }. The server identifies itself with this fingerprint:
trust-first-how = Compare it with the one the person running the server reads out (the server prints it when it starts). If they are the same, trust it: this computer will remember it.
trust-trust = Trust and connect
trust-changed-title = Warning: the server's identity has changed
trust-changed = { $server } now identifies itself with a different certificate than the one you trusted before. The server may have been reinstalled or given a new certificate — or someone on the network may be pretending to be it, to read your password and messages.
trust-changed-how = Do not continue unless the person running the server confirms the new fingerprint.
trust-before = Trusted before:
trust-now = Now:
trust-trust-new = Trust the new certificate

## Chat screen
chat-message = Message
chat-send = Send
chat-hint = Write to { $room }, or type a # command (#help lists them)
chat-today = Today
chat-yesterday = Yesterday
rooms-heading = Rooms
rooms-new = New room
rooms-new-name = Name of the new room
rooms-create = Create
rooms-delete = Delete room
rooms-confirm-delete = Delete?
rooms-you-are-here = You are here
rooms-click-to-join = Click to enter this room
users-heading = People
users-online-in = online in
users-offline = offline
users-click = Click to send a private message
users-alone = Nobody else has an account yet.
private-title = Private: { $with }
private-title-new = Private: { $with } ({ $unread } new)
private-to = To { $with }
private-you = you
private-empty = No messages yet. Only the two of you see this conversation.

## Status bar and View menu
status-connected = Connected to
status-encrypted = encrypted
status-encrypted-hint = Passwords and messages travel encrypted (TLS).
status-not-encrypted = not encrypted
status-not-encrypted-hint = Plain text: anyone on the network can read your password and messages.
status-reconnecting-in = Connection lost — reconnecting in { $secs } s
status-room = Room:
status-server-time = Server time
status-not-synced = not synchronised yet
status-unread = unread private
view-view = View
view-system = Theme as the system
view-light = Light theme
view-dark = Dark theme
view-bigger = Bigger text
view-smaller = Smaller text
view-normal = Normal size
view-size = Text size: { $percent }%
view-language-system = Language as the system

## Progress and notices
app-connecting = Connecting to { $server }…
app-reconnecting = Reconnecting to { $server } (attempt { $attempt })…
app-lost = { $message } Reconnecting in { $secs } s…
app-account-created = Account created.
app-not-trusted = Not connected: you did not trust the server's certificate.
session-back = Connected again to { $server }.
session-private-to = Private message to { $to }: { $text }
session-queued-for = { $to } is offline; they will get it when they log in.
session-away-one = 1 private message arrived while you were away.
session-away-many = { $count } private messages arrived while you were away.
session-room-gone = The room { $room } no longer exists (the server was restarted); you are in { $here }.
notice-welcome = Welcome, { $login }! You are in { $room } with { $people }. Type #help to see the commands.
notice-joined = { $login } joined { $room }.
notice-left = { $login } left { $room }.
notice-created = { $creator } created the room { $room }.
notice-you-deleted-back = You deleted the room { $room }; you are back in { $home }.
notice-deleted-back = The room { $room } was deleted by its creator; you are back in { $home }.
notice-closed-back = The room { $room } was closed because its creator left; you are back in { $home }.
notice-you-are-in = You are in { $room } with { $people }.
notice-back-in = You are back in { $room }.
notice-already-in = You are already in { $room }, the default room.
notice-you-deleted = You deleted the room { $room }.
notice-nobody = nobody else yet
notice-two = { $a } and { $b }
notice-others = { $n } others
notice-rooms = Rooms:
notice-users = Users:
notice-person = 1 person
notice-people = { $n } people
notice-default-room = (default room)
notice-by = (by { $creator })
notice-online-in = online in { $room }
notice-offline = offline
chat-help = Commands (a line that starts with ## sends a #):
chat-help-cr = create a room and move into it
chat-help-gr = go to a room
chat-help-er = leave the room, back to the default room
chat-help-lr = list rooms with their number of participants
chat-help-dr = delete a room you created
chat-help-show = list every user of the system
chat-help-private = send a private message
chat-help-net = connection, latency and clock offset
chat-help-help = this list
chat-help-exit = disconnect from the server

## Server errors, by code (the server's own English sentence is used in English)
error-bad-credentials = Wrong login or password.
error-login-taken = That login is taken; choose another one.
error-room-exists = A room with that name (or one that looks the same) already exists.
error-room-not-found = There is no room with that name. Type #lR to see the rooms.
error-not-room-owner = Only the creator of a room can delete it.
error-cannot-delete-default-room = The default room cannot be deleted.
error-already-in-room = You are already in that room.
error-user-not-found = There is no user with that login.
error-rate-limited = Too many in a row; wait a moment and try again.
error-too-many-rooms = You already have as many rooms as allowed; delete one (#dR) first.
error-too-many-attempts = Too many failed logins; wait a little and try again.
error-busy = The server is busy; try again in a moment.
error-server-full = The server is full; try again later.
error-too-many-connections = Too many connections from this computer.
error-not-authenticated = Log in first.
error-internal = The server could not do that; try again.
