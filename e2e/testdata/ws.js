// A WebSocket session like k6 v0.32's samples/websocket.js, against the
// echo server the Go test starts (WS_URL): open → send, a ping and a
// message every 50 ms, close after 300 ms.
import ws from 'k6/ws';
import { check } from 'k6';

export const options = {
  vus: 2,
  iterations: 4,
  thresholds: {
    ws_sessions: ['count==4'],
    ws_connecting: ['p(95)<2000'],
    ws_msgs_sent: ['count>=12'],
    'ws_msgs_received{my_tag:hello}': ['count>=12'],
    ws_ping: ['count>=4', 'max<2000'],
    ws_session_duration: ['min>=250'],
    checks: ['rate==1'],
  },
};

export default function () {
  const params = { tags: { my_tag: 'hello' } };
  let opened = false;
  let texts = 0;
  let binary = '';
  let pongs = 0;
  let code = null;

  const res = ws.connect(__ENV.WS_URL, params, function (socket) {
    socket.on('open', function () {
      opened = true;
      socket.send(`hello from VU ${__VU}`);
      socket.sendBinary(new Uint8Array([1, 2, 3]).buffer);
      socket.setInterval(function () {
        socket.ping();
        socket.send(`${Date.now()}`);
      }, 50);
    });
    socket.on('message', function () { texts++; });
    socket.on('binaryMessage', function (b) { binary = new Uint8Array(b).join(','); });
    socket.on('pong', function () { pongs++; });
    socket.on('close', function (c) { code = c; });
    socket.on('error', function (e) { console.error(`ws error: ${e.error()}`); });
    socket.setTimeout(function () { socket.close(); }, 300);
  });

  check(res, {
    'status is 101': (r) => r && r.status === 101,
    'status text': (r) => r.status_text === '101 Switching Protocols',
    'no error': (r) => r.error === '',
  });
  check(null, {
    'opened': () => opened,
    'text echoes': () => texts >= 2,
    'binary echo': () => binary === '1,2,3',
    'pongs': () => pongs >= 1,
    'closed with 1001': () => code === 1001,
  });
}
