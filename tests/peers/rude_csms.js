#!/usr/bin/env node
// A deliberately misbehaving CSMS for robustness tests and measurements (issue 12). Not an
// OCPP implementation: it answers the WebSocket upgrade in one scripted bad way.
//   node rude_csms.js '{"mode": "...", ...}'
// Modes:
//   hangup        accept the upgrade (echoing the offered subprotocol), close at once with
//                 `close_code` (default 1000)
//   boot_hangup   accept, answer BootNotification Accepted, then close with `close_code`
//   http_status   answer every upgrade with HTTP `status` (e.g. 404, 500, 302 + Location)
//   silent        accept TCP, never answer the upgrade
//   flood         accept, answer BootNotification Accepted, then send one text frame of
//                 `bytes` characters (an oversized frame)
// stdout: {"event":"listening","port":N} first, then {"event":"connection"} per TCP accept and
// {"event":"upgrade"} per completed upgrade; exits when stdin closes.
'use strict';

const http = require('http');
const { WebSocketServer } = require('ws');

const options = JSON.parse(process.argv[2] || '{}');
const mode = options.mode || 'hangup';
const closeCode = Number.isInteger(options.close_code) ? options.close_code : 1000;
const emit = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');

const server = http.createServer((req, res) => {
  res.writeHead(426);
  res.end();
});
const wss = new WebSocketServer({
  noServer: true,
  maxPayload: 64 << 20,
  handleProtocols: (protocols) => protocols.values().next().value || false,
});

server.on('connection', () => emit('connection'));
server.on('upgrade', (req, socket, head) => {
  if (mode === 'silent') return; // the socket stays open, unanswered
  if (mode === 'http_status') {
    const status = options.status || 500;
    const location = status >= 300 && status < 400 ? `Location: ${options.location || 'ws://127.0.0.1:1/'}\r\n` : '';
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] || 'Status'}\r\n${location}Content-Length: 0\r\n` +
      'Connection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    emit('upgrade');
    if (mode === 'hangup') {
      ws.close(closeCode, 'bye');
      return;
    }
    ws.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!Array.isArray(frame) || frame[0] !== 2) return;
      if (frame[2] === 'BootNotification') {
        ws.send(JSON.stringify([3, frame[1], { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }]));
        if (mode === 'boot_hangup') ws.close(closeCode, 'bye');
        if (mode === 'flood') ws.send('x'.repeat(options.bytes || (2 << 20)));
      } else {
        ws.send(JSON.stringify([3, frame[1], {}]));
      }
    });
  });
});

server.listen(options.port || 0, '127.0.0.1', () => emit('listening', { port: server.address().port }));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
