#!/usr/bin/env node
// Strict OCPP CSMS test peer for ocppfleet integration tests.
//
// A real, independent OCPP-J implementation (ocpp-rpc) in strict mode, so every frame
// our simulator sends is checked against the official JSON schemas by code we did not
// write. Driven by a parent process (tests/support/node_csms_peer.cpp):
//   argv[2]  one JSON object with options (see README.md)
//   stdout   JSON lines: events, each {"event": ..., ..., "t": <ms since epoch>}
//   stdin    JSON lines: commands, each with a numeric "req"; answered by a "result" event
// The process exits when stdin closes (so a crashed parent never leaks it), on SIGTERM/
// SIGINT, or on the "shutdown" command. Odd input (bad JSON, unknown commands, garbage
// frames, malformed upgrade URLs) is reported as events, never allowed to crash it.
'use strict';

const { RPCServer, createRPCError, NOREPLY } = require('ocpp-rpc');
const fs = require('fs');
const http = require('http');
const https = require('https');
const readline = require('readline');

const MAX_RAW_TEXT = 2000; // keep events small even if a peer floods us with huge frames

// ---------------------------------------------------------------- output ----------

let stdoutBroken = false;
process.stdout.on('error', () => {
  // Parent went away: nothing left to report to, so leave quietly.
  stdoutBroken = true;
  shutdown(0);
});

function emit(event, fields) {
  if (stdoutBroken) return;
  let line;
  try {
    line = JSON.stringify({ event, ...fields, t: Date.now() });
  } catch (err) {
    // Circular or BigInt data must not take the peer down; report what we can.
    line = JSON.stringify({ event, serialization_error: String(err && err.message), t: Date.now() });
  }
  process.stdout.write(line + '\n');
}

function truncate(text, max = MAX_RAW_TEXT) {
  if (typeof text !== 'string') text = String(text);
  return text.length > max ? text.slice(0, max) + `...(${text.length - max} more chars)` : text;
}

function errorInfo(err) {
  if (!err) return { code: 'Unknown', message: '' };
  // ocpp-rpc's TimeoutError does not set .name, so fall back to the class name.
  const className = err.constructor && err.constructor.name !== 'Error' ? err.constructor.name : null;
  const info = {
    code: err.rpcErrorCode || className || err.name || 'Error',
    message: String(err.message ?? ''),
  };
  if (err.details && typeof err.details === 'object' && Object.keys(err.details).length > 0) {
    info.details = err.details;
  }
  return info;
}

process.on('uncaughtException', (err) => {
  emit('internal_error', { kind: 'uncaughtException', error: String(err && err.stack || err) });
});
process.on('unhandledRejection', (err) => {
  // e.g. ocpp-rpc's async upgrade handler throwing on a malformed %-escape in the URL
  emit('internal_error', { kind: 'unhandledRejection', error: String(err && err.stack || err) });
});

// ---------------------------------------------------------------- options ---------

let options;
try {
  options = process.argv[2] ? JSON.parse(process.argv[2]) : {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error('options must be a JSON object');
  }
} catch (err) {
  emit('fatal', { error: `bad options argument: ${err.message}` });
  process.exitCode = 2;
  return; // top-level return is allowed in CommonJS
}

const config = {
  protocols: Array.isArray(options.protocols) && options.protocols.length ? options.protocols : ['ocpp1.6'],
  port: Number.isInteger(options.port) ? options.port : 0,
  bootSequence: ['Accepted'],
  heartbeatInterval: Number.isInteger(options.heartbeat_interval) ? options.heartbeat_interval : 300,
  bootRetryInterval: Number.isInteger(options.boot_retry_interval) ? options.boot_retry_interval : 1,
  basicAuthPassword: typeof options.basic_auth_password === 'string' ? options.basic_auth_password : null,
  invalidIdTags: new Set(Array.isArray(options.invalid_id_tags) ? options.invalid_id_tags.map(String) : []),
  rejectNoSubprotocol: options.reject_no_subprotocol !== false,
  logMessages: options.log_messages === true,
};

// Optional wss (security profiles 2 and 3). PEM files are read once at startup so a bad
// path is a clean `fatal` instead of a failure on the first connection.
function loadTls(spec) {
  if (spec === undefined || spec === null) return null;
  if (typeof spec !== 'object' || Array.isArray(spec)) throw new Error("'tls' must be an object");
  if (typeof spec.cert !== 'string' || typeof spec.key !== 'string') {
    throw new Error("'tls' needs 'cert' and 'key' (PEM file paths)");
  }
  if (spec.ca !== undefined && typeof spec.ca !== 'string') throw new Error("'tls.ca' must be a PEM file path");
  const read = (what, path) => {
    try {
      return fs.readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read tls.${what} '${path}': ${err.message}`);
    }
  };
  const requestCert = spec.request_client_cert === true;
  if (requestCert && spec.ca === undefined) throw new Error("'tls.request_client_cert' needs 'tls.ca'");
  return {
    cert: read('cert', spec.cert),
    key: read('key', spec.key),
    ...(spec.ca !== undefined ? { ca: read('ca', spec.ca) } : {}),
    requestCert,
    // Profile 3: a client without a certificate signed by `ca` fails the handshake itself.
    rejectUnauthorized: requestCert,
  };
}

try {
  config.tls = loadTls(options.tls);
} catch (err) {
  emit('fatal', { error: `bad tls option: ${err.message}` });
  process.exitCode = 2;
  return;
}

const VALID_BOOT_STATUSES = new Set(['Accepted', 'Pending', 'Rejected']);

function sanitizeSequence(seq) {
  if (!Array.isArray(seq) || seq.length === 0) return null;
  if (!seq.every((s) => VALID_BOOT_STATUSES.has(s))) return null;
  return seq.slice();
}

if (options.boot_sequence !== undefined) {
  const seq = sanitizeSequence(options.boot_sequence);
  if (!seq) {
    emit('fatal', { error: 'boot_sequence must be a non-empty array of Accepted|Pending|Rejected' });
    process.exitCode = 2;
    return;
  }
  config.bootSequence = seq;
}

// ---------------------------------------------------------------- state -----------

const clientsByIdentity = new Map(); // latest connection per identity (a reconnect replaces it)
const allClients = new Set();        // every open connection, including superseded duplicates
const bootCounts = new Map();        // identity -> BootNotifications answered so far
const identityBootSequences = new Map();
const overrides = new Map();         // `${identity}\u0000${action}` or `*\u0000${action}` -> spec
const callsByAction = {};
let violationCount = 0;
let badMessageCount = 0;
let nextTransactionId = 1;
let shuttingDown = false;

const nowIso = () => new Date().toISOString();

function nextBootStatus(identity) {
  const seq = identityBootSequences.get(identity) || config.bootSequence;
  const n = bootCounts.get(identity) || 0;
  bootCounts.set(identity, n + 1);
  return seq[Math.min(n, seq.length - 1)];
}

function bootResponse(identity) {
  const status = nextBootStatus(identity);
  return {
    status,
    currentTime: nowIso(),
    interval: status === 'Accepted' ? config.heartbeatInterval : config.bootRetryInterval,
  };
}

const idTagStatus = (tag) => (tag !== undefined && config.invalidIdTags.has(String(tag)) ? 'Invalid' : 'Accepted');

// Default answers. Every one must satisfy the negotiated protocol's .conf schema, or
// ocpp-rpc would replace it with an InternalError (and we would report a violation).
const DEFAULT_HANDLERS = {
  'ocpp1.6': {
    BootNotification: (ctx) => bootResponse(ctx.identity),
    Heartbeat: () => ({ currentTime: nowIso() }),
    StatusNotification: () => ({}),
    Authorize: ({ params }) => ({ idTagInfo: { status: idTagStatus(params && params.idTag) } }),
    StartTransaction: ({ params }) => ({
      transactionId: nextTransactionId++,
      idTagInfo: { status: idTagStatus(params && params.idTag) },
    }),
    StopTransaction: ({ params }) => ({ idTagInfo: { status: idTagStatus(params && params.idTag) } }),
    MeterValues: () => ({}),
    DataTransfer: () => ({ status: 'Accepted' }),
    DiagnosticsStatusNotification: () => ({}),
    FirmwareStatusNotification: () => ({}),
    // OCPP 1.6 security whitepaper messages with empty confirmations.
    SecurityEventNotification: () => ({}),
    LogStatusNotification: () => ({}),
    SignedFirmwareStatusNotification: () => ({}),
  },
  'ocpp2.0.1': {
    BootNotification: (ctx) => bootResponse(ctx.identity),
    Heartbeat: () => ({ currentTime: nowIso() }),
    StatusNotification: () => ({}),
    Authorize: ({ params }) => ({
      idTokenInfo: { status: idTagStatus(params && params.idToken && params.idToken.idToken) },
    }),
    // 2.0.1 requires idTokenInfo in the response whenever the request carried an idToken.
    TransactionEvent: ({ params }) => (params && params.idToken
      ? { idTokenInfo: { status: idTagStatus(params.idToken.idToken) } }
      : {}),
    MeterValues: () => ({}),
    NotifyReport: () => ({}),
    NotifyEvent: () => ({}),
    DataTransfer: () => ({ status: 'Accepted' }),
    SecurityEventNotification: () => ({}),
    FirmwareStatusNotification: () => ({}),
    LogStatusNotification: () => ({}),
  },
};

function findOverride(identity, action) {
  const key = overrides.has(`${identity}\u0000${action}`) ? `${identity}\u0000${action}` : `*\u0000${action}`;
  const spec = overrides.get(key);
  if (!spec) return null;
  if (spec.once) overrides.delete(key);
  return spec;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function makeHandler(client, action) {
  return async ({ params, messageId }) => {
    const identity = client.identity;
    const spec = findOverride(identity, action);
    if (spec && Number.isFinite(spec.delay_ms) && spec.delay_ms > 0) await sleep(spec.delay_ms);
    if (spec && spec.no_reply) {
      // No CALLRESULT will be sent, so ocpp-rpc emits no 'response'; report it ourselves.
      const pending = client.__takeInflight(messageId);
      if (pending) callsByAction[action] = (callsByAction[action] || 0) + 1;
      emit('call', {
        identity, action, message_id: messageId, params: pending ? pending.params : params,
        ok: null, no_reply: true, response: null,
      });
      return NOREPLY;
    }
    if (spec && spec.error) {
      throw createRPCError(spec.error.code || 'GenericError', spec.error.message || '', spec.error.details || {});
    }
    if (spec && spec.response !== undefined) return spec.response;
    const table = DEFAULT_HANDLERS[client.protocol] || {};
    const fn = table[action];
    if (!fn) throw createRPCError('NotImplemented', `Unable to handle '${action}' calls`, {});
    return fn({ identity, params });
  };
}

// Only register actions we answer (defaults + overrides). Unknown actions then get
// ocpp-rpc's own NotImplemented, which (unlike a wildcard handler) skips validation.
function registerHandlers(client) {
  const actions = new Set(Object.keys(DEFAULT_HANDLERS[client.protocol] || {}));
  for (const key of overrides.keys()) actions.add(key.split('\u0000')[1]);
  for (const action of actions) client.handle(action, makeHandler(client, action));
}

// ---------------------------------------------------------------- server ----------

let server;
try {
  server = new RPCServer({
    protocols: config.protocols,
    strictMode: true,
    callTimeoutMs: Number.isInteger(options.call_timeout_ms) ? options.call_timeout_ms : 30000,
    pingIntervalMs: Number.isInteger(options.ping_interval_ms) ? options.ping_interval_ms : 30000,
    maxBadMessages: Number.isInteger(options.max_bad_messages) ? options.max_bad_messages : Infinity,
    respondWithDetailedErrors: options.respond_with_detailed_errors === true,
  });
} catch (err) {
  emit('fatal', { error: `cannot create RPCServer: ${err.message}` });
  process.exitCode = 2;
  return;
}

const ourRejections = new WeakSet(); // upgrade requests we refused (reported as auth_rejected)

server.auth((accept, reject, handshake) => {
  const identity = handshake.identity;
  const refuse = (status, reason, extra) => {
    ourRejections.add(handshake.request);
    emit('auth_rejected', { identity, reason, status, ...extra });
    reject(status, reason);
  };

  if (!identity) {
    refuse(400, 'missing_identity');
    return;
  }

  const offered = Array.from(handshake.protocols || []);
  // Without an agreed subprotocol ocpp-rpc silently turns strict validation off for the
  // connection, which would defeat the point of this peer; refuse instead.
  if (config.rejectNoSubprotocol && !config.protocols.some((p) => handshake.protocols.has(p))) {
    refuse(400, 'no_common_subprotocol', { offered });
    return;
  }

  if (config.basicAuthPassword !== null) {
    const hasHeader = typeof handshake.headers.authorization === 'string';
    if (!hasHeader) {
      refuse(401, 'missing_credentials');
      return;
    }
    if (handshake.password === undefined) {
      // ocpp-rpc leaves password undefined when the header is malformed or its
      // username is not the identity.
      refuse(401, 'malformed_credentials_or_username_mismatch');
      return;
    }
    if (!handshake.password.equals(Buffer.from(config.basicAuthPassword, 'utf8'))) {
      refuse(401, 'wrong_password');
      return;
    }
  }
  accept({});
});

server.on('upgradeAborted', ({ error, request, identity }) => {
  if (request && ourRejections.has(request)) return;
  emit('upgrade_aborted', { identity, error: String(error && error.message || error) });
});

server.on('error', (err) => emit('server_error', { error: String(err && err.message || err) }));

server.on('client', (client) => {
  const identity = client.identity;
  const hs = client.handshake || {};
  const headers = hs.headers || {};
  const previous = clientsByIdentity.get(identity);
  clientsByIdentity.set(identity, client);
  allClients.add(client);
  client.__inflight = new Map(); // message id -> [{action, params}] of unanswered inbound CALLs

  const tlsFields = {};
  if (config.tls) {
    // Read before anything else can tear the socket down; {} when the client sent none.
    const socket = hs.request && hs.request.socket;
    const cert = socket && typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
    tlsFields.client_cert_cn = cert && cert.subject && cert.subject.CN !== undefined ? String(cert.subject.CN) : null;
  }

  emit('connected', {
    identity,
    protocol: client.protocol || null,
    endpoint: hs.endpoint,
    query: hs.query ? hs.query.toString() : '',
    remote_address: hs.remoteAddress,
    remote_port: hs.request && hs.request.socket ? hs.request.socket.remotePort : null,
    replaced_existing: previous !== undefined,
    headers: {
      // Presence only: the test must never see (or log) the password itself.
      authorization: typeof headers.authorization === 'string',
      'sec-websocket-protocol': headers['sec-websocket-protocol'] ?? null,
      'user-agent': headers['user-agent'] ?? null,
      host: headers.host ?? null,
    },
    ...tlsFields,
  });

  registerHandlers(client);

  client.on('call', ({ outbound, payload }) => {
    if (outbound || !Array.isArray(payload)) return;
    // A list per id: a charger may reuse an id while the first CALL is pending; ocpp-rpc
    // then answers the newest one first (RpcFrameworkError), so answers are matched LIFO.
    const list = client.__inflight.get(payload[1]) || [];
    list.push({ action: payload[2], params: payload[3] });
    client.__inflight.set(payload[1], list);
  });
  const takeInflight = (messageId) => {
    const list = client.__inflight.get(messageId);
    if (!list) return undefined;
    const entry = list.pop();
    if (list.length === 0) client.__inflight.delete(messageId);
    return entry;
  };
  client.__takeInflight = takeInflight;

  // The outbound 'response' is the one place that sees every answer we give, including
  // NotImplemented and the automatic CALLERRORs of strict validation.
  client.on('response', ({ outbound, payload }) => {
    if (!outbound || !Array.isArray(payload)) return;
    const messageId = payload[1];
    const pending = takeInflight(messageId);
    const action = pending ? pending.action : null;
    if (action !== null) callsByAction[action] = (callsByAction[action] || 0) + 1;
    const base = { identity, action, message_id: messageId, params: pending ? pending.params : null };
    if (payload[0] === 3) {
      emit('call', { ...base, ok: true, response: payload[2] });
    } else {
      emit('call', {
        ...base, ok: false, response: null,
        error: { code: payload[2], message: payload[3], details: payload[4] },
      });
    }
  });

  client.on('strictValidationFailure', (ev) => {
    violationCount++;
    const err = ev.error || {};
    const details = err.details || {};
    emit('strict_violation', {
      identity,
      // Relative to this CSMS: "inbound" = sent by the charger, "outbound" = sent by us.
      direction: ev.outbound ? 'outbound' : 'inbound',
      outbound: !!ev.outbound,
      is_call: !!ev.isCall,
      kind: ev.isCall ? 'CALL' : 'CALLRESULT',
      action: ev.method,
      message_id: ev.messageId,
      params: ev.params,
      result: ev.result ?? null,
      error: String(err.message ?? err),
      error_code: err.rpcErrorCode || null,
      errors: Array.isArray(details.errors)
        ? details.errors.map((e) => ({
          instancePath: e.instancePath, keyword: e.keyword, message: e.message, params: e.params,
        }))
        : [],
    });
  });

  client.on('badMessage', ({ buffer, error, response }) => {
    badMessageCount++;
    let text;
    try { text = Buffer.isBuffer(buffer) ? buffer.toString('utf8') : String(buffer); } catch { text = '<unprintable>'; }
    emit('bad_message', {
      identity,
      message: truncate(text),
      error: String(error && error.message || error),
      error_code: error && error.rpcErrorCode || null,
      response: response ?? null,
    });
  });

  if (config.logMessages) {
    client.on('message', ({ message, outbound }) => {
      emit('message', { identity, direction: outbound ? 'out' : 'in', data: truncate(String(message)) });
    });
  }

  client.on('socketError', (err) => emit('socket_error', { identity, error: String(err && err.message || err) }));

  client.once('disconnect', ({ code, reason }) => {
    allClients.delete(client);
    if (clientsByIdentity.get(identity) === client) clientsByIdentity.delete(identity);
    emit('disconnected', { identity, code, reason: reason == null ? '' : String(reason) });
  });
});

// ---------------------------------------------------------------- commands --------

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise.then((v) => ({ done: true, value: v })),
    new Promise((resolve) => { timer = setTimeout(() => resolve({ done: false }), ms); }),
  ]).finally(() => clearTimeout(timer));
}

class CommandError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

function requireClient(identity) {
  const client = clientsByIdentity.get(identity);
  if (!client) throw new CommandError('UnknownIdentity', `no connected charger with identity '${identity}'`);
  return client;
}

async function closeClients(clients, cmd) {
  const code = Number.isInteger(cmd.code) ? cmd.code : 1000;
  const reason = typeof cmd.reason === 'string' ? cmd.reason : '';
  const closes = clients.map((c) => c.close({ code, reason, force: cmd.terminate === true }).catch(() => undefined));
  // A charger that never answers the close frame must not wedge the command.
  const settled = await withTimeout(Promise.all(closes), Number.isInteger(cmd.timeout_ms) ? cmd.timeout_ms : 5000);
  return { closed: clients.length, completed: settled.done };
}

const COMMANDS = {
  async call(cmd) {
    if (typeof cmd.action !== 'string') throw new CommandError('BadCommand', "'action' must be a string");
    const client = requireClient(cmd.identity);
    const timeout = Number.isInteger(cmd.timeout_ms) ? cmd.timeout_ms : 30000;
    return await client.call(cmd.action, cmd.params ?? {}, { callTimeoutMs: timeout });
  },
  async close_all(cmd) {
    return await closeClients(Array.from(allClients), cmd);
  },
  async close(cmd) {
    return await closeClients([requireClient(cmd.identity)], cmd);
  },
  async raw(cmd) {
    const client = requireClient(cmd.identity);
    const data = typeof cmd.data === 'string' ? cmd.data : JSON.stringify(cmd.data);
    client.sendRaw(data);
    return { sent: data.length };
  },
  async set_boot_sequence(cmd) {
    const seq = sanitizeSequence(cmd.sequence);
    if (!seq) throw new CommandError('BadCommand', "'sequence' must be a non-empty array of Accepted|Pending|Rejected");
    if (typeof cmd.identity === 'string') {
      identityBootSequences.set(cmd.identity, seq);
      if (cmd.reset_counts !== false) bootCounts.delete(cmd.identity);
    } else {
      config.bootSequence = seq;
      identityBootSequences.clear();
      if (cmd.reset_counts !== false) bootCounts.clear();
    }
    return { sequence: seq };
  },
  async configure(cmd) {
    if (Number.isInteger(cmd.heartbeat_interval)) config.heartbeatInterval = cmd.heartbeat_interval;
    if (Number.isInteger(cmd.boot_retry_interval)) config.bootRetryInterval = cmd.boot_retry_interval;
    if (Array.isArray(cmd.invalid_id_tags)) config.invalidIdTags = new Set(cmd.invalid_id_tags.map(String));
    return {
      heartbeat_interval: config.heartbeatInterval,
      boot_retry_interval: config.bootRetryInterval,
      invalid_id_tags: Array.from(config.invalidIdTags),
    };
  },
  async set_response(cmd) {
    if (typeof cmd.action !== 'string') throw new CommandError('BadCommand', "'action' must be a string");
    const spec = {
      response: cmd.response,
      error: cmd.error && typeof cmd.error === 'object' ? cmd.error : undefined,
      no_reply: cmd.no_reply === true,
      delay_ms: cmd.delay_ms,
      once: cmd.once === true,
    };
    const key = `${typeof cmd.identity === 'string' ? cmd.identity : '*'}\u0000${cmd.action}`;
    overrides.set(key, spec);
    for (const client of allClients) client.handle(cmd.action, makeHandler(client, cmd.action));
    return { key: key.replace('\u0000', '/') };
  },
  async clear_responses() {
    const n = overrides.size;
    overrides.clear();
    return { cleared: n };
  },
  async stats() {
    return {
      connected: allClients.size,
      identities: Array.from(clientsByIdentity.keys()),
      calls_by_action: { ...callsByAction },
      violations: violationCount,
      bad_messages: badMessageCount,
      boots_by_identity: Object.fromEntries(bootCounts),
    };
  },
  async shutdown() {
    setImmediate(() => shutdown(0));
    return { shutting_down: true };
  },
};

async function runCommand(line) {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (err) {
    emit('result', { req: null, ok: false, error: { code: 'BadCommand', message: `invalid JSON: ${err.message}` } });
    return;
  }
  if (cmd === null || typeof cmd !== 'object' || Array.isArray(cmd)) {
    emit('result', { req: null, ok: false, error: { code: 'BadCommand', message: 'command must be a JSON object' } });
    return;
  }
  const req = typeof cmd.req === 'number' ? cmd.req : null;
  const handler = Object.prototype.hasOwnProperty.call(COMMANDS, cmd.cmd) ? COMMANDS[cmd.cmd] : null;
  if (!handler) {
    emit('result', { req, cmd: cmd.cmd ?? null, ok: false, error: { code: 'UnknownCommand', message: `unknown cmd '${cmd.cmd}'` } });
    return;
  }
  try {
    const result = await handler(cmd);
    emit('result', { req, cmd: cmd.cmd, ok: true, result: result === undefined ? null : result });
  } catch (err) {
    const info = err instanceof CommandError ? { code: err.code, message: err.message } : errorInfo(err);
    emit('result', { req, cmd: cmd.cmd, ok: false, error: info });
  }
}

// ---------------------------------------------------------------- lifecycle -------

// Our own HTTP server instead of server.listen(): ocpp-rpc decodes the identity outside
// its try block, so a malformed %-escape would leave the upgrade hanging forever (and
// raise an unhandled rejection). We answer those with 400 before ocpp-rpc sees them.
const notFound = (req, res) => {
  res.statusCode = 404;
  res.end();
};
const httpServer = config.tls ? https.createServer(config.tls, notFound) : http.createServer(notFound);
if (config.tls) {
  // Refused handshakes (no or untrusted client certificate, a client that does not trust
  // us) never reach the upgrade: this event is the only trace of them. Node rejects an
  // untrusted client certificate only after the handshake, by closing the socket without
  // an alert; that close arrives here as "socket hang up" with authorizationError set.
  httpServer.on('tlsClientError', (err, socket) => {
    const authorizationError = socket && socket.authorizationError ? String(socket.authorizationError) : null;
    emit('tls_client_error', {
      error: authorizationError
        ? `client certificate rejected: ${authorizationError}`
        : String(err && err.message || err).trim(),
      code: authorizationError || (err && err.code) || null,
      authorization_error: authorizationError,
      remote_address: socket ? socket.remoteAddress ?? null : null, // null once torn down
    });
  });
}
httpServer.on('upgrade', (request, socket, head) => {
  let identity = null;
  try {
    const url = new URL('http://localhost' + (request.url || '/'));
    identity = decodeURIComponent(url.pathname.split('/').pop());
  } catch (err) {
    emit('auth_rejected', { identity: null, reason: 'malformed_url', status: 400, url: truncate(String(request.url), 200) });
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  server.handleUpgrade(request, socket, head);
});
httpServer.on('clientError', (err, socket) => {
  // Garbage instead of HTTP on the listening port: drop it, keep serving.
  socket.destroy();
});

async function shutdown(exitCode) {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    // force: the parent is tearing the test down; do not wait for polite close handshakes.
    await withTimeout(server.close({ code: 1001, force: true }), 2000);
    await withTimeout(new Promise((resolve) => httpServer.close(resolve)), 1000);
  } catch (err) {
    // closing failed; exiting anyway is the only sensible thing left
  }
  if (stdoutBroken) process.exit(exitCode);
  // Exit only once stdout is flushed so the parent sees every event.
  process.stdout.write('', () => process.exit(exitCode));
}

process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  runCommand(line).catch((err) => emit('internal_error', { kind: 'command', error: String(err && err.stack || err) }));
});
rl.on('close', () => shutdown(0));
process.stdin.on('error', () => shutdown(0));

(async () => {
  try {
    await new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen({ port: config.port, host: '127.0.0.1' }, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    httpServer.on('error', (err) => emit('server_error', { error: String(err && err.message || err) }));
    emit('listening', { port: httpServer.address().port, protocols: config.protocols, scheme: config.tls ? 'wss' : 'ws' });
  } catch (err) {
    emit('fatal', { error: `listen failed: ${err.message}` });
    process.exitCode = 1;
    shutdown(1);
  }
})();
