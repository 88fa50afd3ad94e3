# Las frases de Tertulia en español. Mantén en.ftl al día (un test compara las claves).
# { $name } lo rellena el programa; una línea sangrada continúa un mensaje.

## Entrar
login-title = Tertulia
login-subtitle = Charla con todo el laboratorio
login-server = Servidor (dirección o dirección:puerto)
login-login = Usuario
login-password = Contraseña
login-log-in = Entrar
login-create-account = Crear cuenta
login-no-account = ¿Es tu primera vez?
login-cancel = Cancelar
login-retry = Reintentar
login-need-login = Escribe tu usuario.
login-need-password = Escribe tu contraseña.
login-plain = Conectar sin cifrado
login-plain-hint = Solo para un servidor iniciado con --plain: tu contraseña y tus mensajes viajan entonces legibles para cualquiera en la red.

## Crear cuenta
signup-title = Crea tu cuenta
signup-first-names = Nombres
signup-last-names = Apellidos
signup-login-hint = 3–32 letras a–z, cifras, _ - . — así te verán los demás
signup-confirm = Repite la contraseña
signup-age = Edad
signup-gender = Género
signup-choose = Elige…
signup-back = Volver a entrar
signup-mismatch = Las dos contraseñas no coinciden.
signup-age-number = Escribe tu edad con cifras.
signup-choose-gender = Elige una opción («Prefiero no decirlo» vale).
gender-female = Mujer
gender-male = Hombre
gender-non-binary = No binario
gender-other = Otro
gender-prefer-not-to-say = Prefiero no decirlo

## Servidores en la red, alojar
servers-title = Charlas en esta red
servers-looking = Buscando charlas en esta red…
servers-none-found = Todavía no se encuentra ninguna charla en esta red. Comprueba que este ordenador está en la misma red que el servidor y que los cortafuegos dejan pasar el puerto TCP 7878 y el UDP 5353 (mDNS). También puedes escribir la dirección del servidor en el formulario.
servers-encrypted = cifrada
servers-not-encrypted = sin cifrar
servers-not-seen = usada antes, no se oye ahora
servers-online-one = 1 persona conectada
servers-online-many = { $n } personas conectadas
servers-host = Alojar una charla en este ordenador
servers-host-hint = Inicia aquí un servidor que todos en esta red pueden encontrar y al que pueden unirse; después crea tu cuenta o entra como los demás.
servers-starting = Iniciando el servidor…
servers-hosting = Este ordenador aloja «{ $name }». Los demás la encuentran en su lista, o escriben:
host-hosting = Alojando «{ $name }» · { $connected } conectados
host-hosting-at = Alojando «{ $name }» en { $address } · { $connected } conectados
host-close-title = ¿Terminar la charla para todos?
host-close-one = Hay 1 persona más conectada a la charla que aloja este ordenador. Cerrar la ventana la termina para todos.
host-close-many = Hay { $others } personas más conectadas a la charla que aloja este ordenador. Cerrar la ventana la termina para todos.
host-keep = Seguir alojando
host-close = Cerrar de todos modos

## Confiar en el certificado de un servidor
trust-first-title = ¿Es este el servidor correcto?
trust-first = Es la primera vez que este ordenador se conecta a { $server }. El servidor se identifica con esta huella:
trust-first-how = Compárala con la que lee en voz alta quien lleva el servidor (el servidor la muestra al arrancar). Si son iguales, confía en él: este ordenador lo recordará.
trust-trust = Confiar y conectar
trust-changed-title = Atención: la identidad del servidor ha cambiado
trust-changed = { $server } se identifica ahora con un certificado distinto del que aceptaste antes. Puede que el servidor se haya reinstalado o tenga un certificado nuevo, o que alguien en la red se esté haciendo pasar por él para leer tu contraseña y tus mensajes.
trust-changed-how = No continúes a menos que quien lleva el servidor confirme la huella nueva.
trust-before = Aceptada antes:
trust-now = Ahora:
trust-trust-new = Confiar en el certificado nuevo

## Pantalla de charla
chat-message = Mensaje
chat-send = Enviar
chat-hint = Escribe a { $room }, o un comando # (#help los muestra)
chat-today = Hoy
chat-yesterday = Ayer
rooms-heading = Salas
rooms-new = Sala nueva
rooms-new-name = Nombre de la sala nueva
rooms-create = Crear
rooms-delete = Borrar la sala
rooms-confirm-delete = ¿Borrar?
rooms-you-are-here = Estás aquí
rooms-click-to-join = Haz clic para entrar en esta sala
users-heading = Personas
users-online-in = conectado en
users-offline = desconectado
users-click = Haz clic para enviar un mensaje privado
users-alone = Nadie más tiene cuenta todavía.
private-title = Privado: { $with }
private-title-new = Privado: { $with } ({ $unread } nuevos)
private-to = Para { $with }
private-you = tú
private-empty = Aún no hay mensajes. Solo vosotros dos veis esta conversación.

## Barra de estado y menú Ver
status-connected = Conectado a
status-encrypted = cifrado
status-encrypted-hint = Las contraseñas y los mensajes viajan cifrados (TLS).
status-not-encrypted = sin cifrar
status-not-encrypted-hint = Texto sin cifrar: cualquiera en la red puede leer tu contraseña y tus mensajes.
status-reconnecting-in = Conexión perdida — reconectando en { $secs } s
status-room = Sala:
status-server-time = Hora del servidor
status-not-synced = aún sin sincronizar
status-unread = privados sin leer
view-view = Ver
view-system = Tema del sistema
view-light = Tema claro
view-dark = Tema oscuro
view-bigger = Texto más grande
view-smaller = Texto más pequeño
view-normal = Tamaño normal
view-size = Tamaño del texto: { $percent }%
view-language-system = Idioma del sistema

## Progreso y avisos
app-connecting = Conectando con { $server }…
app-reconnecting = Reconectando con { $server } (intento { $attempt })…
app-lost = { $message } Reconectando en { $secs } s…
app-account-created = Cuenta creada.
app-not-trusted = Sin conexión: no aceptaste el certificado del servidor.
session-back = Conectado de nuevo a { $server }.
session-private-to = Mensaje privado para { $to }: { $text }
session-queued-for = { $to } no está conectado; lo recibirá cuando entre.
session-away-one = Llegó 1 mensaje privado mientras no estabas.
session-away-many = Llegaron { $count } mensajes privados mientras no estabas.
session-room-gone = La sala { $room } ya no existe (el servidor se reinició); estás en { $here }.
notice-welcome = ¡Hola, { $login }! Estás en { $room } con { $people }. Escribe #help para ver los comandos.
notice-joined = { $login } entró en { $room }.
notice-left = { $login } salió de { $room }.
notice-created = { $creator } creó la sala { $room }.
notice-you-deleted-back = Borraste la sala { $room }; vuelves a estar en { $home }.
notice-deleted-back = Quien creó la sala { $room } la ha borrado; vuelves a estar en { $home }.
notice-closed-back = La sala { $room } se cerró porque quien la creó se fue; vuelves a estar en { $home }.
notice-you-are-in = Estás en { $room } con { $people }.
notice-back-in = Vuelves a estar en { $room }.
notice-already-in = Ya estás en { $room }, la sala principal.
notice-you-deleted = Borraste la sala { $room }.
notice-nobody = nadie más todavía
notice-two = { $a } y { $b }
notice-others = { $n } personas más
notice-rooms = Salas:
notice-users = Usuarios:
notice-person = 1 persona
notice-people = { $n } personas
notice-default-room = (sala principal)
notice-by = (de { $creator })
notice-online-in = conectado en { $room }
notice-offline = desconectado
chat-help = Comandos (una línea que empieza por ## envía un #):
chat-help-cr = crear una sala y entrar en ella
chat-help-gr = ir a una sala
chat-help-er = salir de la sala, de vuelta a la principal
chat-help-lr = listar las salas con su número de participantes
chat-help-dr = borrar una sala que creaste
chat-help-show = listar todos los usuarios del sistema
chat-help-private = enviar un mensaje privado
chat-help-net = conexión, latencia y desfase del reloj
chat-help-help = esta lista
chat-help-exit = desconectarse del servidor

## Errores del servidor, por código
error-bad-credentials = Usuario o contraseña incorrectos.
error-login-taken = Ese usuario ya existe; elige otro.
error-room-exists = Ya existe una sala con ese nombre (o con uno que se ve igual).
error-room-not-found = No hay ninguna sala con ese nombre. Escribe #lR para ver las salas.
error-not-room-owner = Solo quien creó una sala puede borrarla.
error-cannot-delete-default-room = La sala principal no se puede borrar.
error-already-in-room = Ya estás en esa sala.
error-user-not-found = No hay ningún usuario con ese nombre.
error-rate-limited = Demasiados seguidos; espera un momento y vuelve a intentarlo.
error-too-many-rooms = Ya tienes todas las salas permitidas; borra una (#dR) antes.
error-too-many-attempts = Demasiados intentos fallidos; espera un poco y vuelve a intentarlo.
error-busy = El servidor está ocupado; inténtalo de nuevo en un momento.
error-server-full = El servidor está lleno; inténtalo más tarde.
error-too-many-connections = Demasiadas conexiones desde este ordenador.
error-not-authenticated = Primero tienes que entrar.
error-internal = El servidor no pudo hacerlo; inténtalo de nuevo.
