#!/usr/bin/env node
// Minimal scripted OCPP charger (ocpp-rpc RPCClient) used to self-test the CSMS peer and
// the C++ fixture: connects, performs a fixed list of calls/raw frames, optionally answers
// CSMS-initiated calls for a while, then closes and exits.
//
// argv[2]: JSON options
//   url        "ws://127.0.0.1:PORT" (required)      identity  "CP1" (required)
//   protocols  ["ocpp1.6"]                            password  Basic auth password (optional)
//   strict     false: the client does NOT validate, so tests can send invalid payloads
//   calls      [{"action": "BootNotification", "params": {...}}], default: one 1.6 boot
//   raw        ["frame text", ...] sent after the calls
//   handlers   {"Reset": {"status": "Accepted"}}  fixed answers to CSMS calls
//   silent     ["Reset"]  CSMS calls that are never answered (to provoke timeouts)
//   stay_ms    how long to stay connected after the scripted calls (default 200)
//   timeout_ms per call timeout (default 5000)
// stdout: JSON lines {"event": "open"|"response"|"inbound_call"|"message"|"closed"|"error", ...}
// Exit code 0 when connected and every call got an answer (CALLRESULT or CALLERROR),
// 3 when the connection failed, 4 when a call timed out, 2 on bad options.
'use strict';

const { RPCClient, NOREPLY } = require('ocpp-rpc');

const out = (event, fields) => process.stdout.write(JSON.stringify({ event, ...fields, t: Date.now() }) + '\n');

let opts;
try {
  opts = JSON.parse(process.argv[2] || '{}');
  if (!opts.url || !opts.identity) throw new Error("'url' and 'identity' are required");
} catch (err) {
  out('error', { stage: 'options', error: err.message });
  process.exitCode = 2;
  return;
}

const calls = Array.isArray(opts.calls) ? opts.calls : [{
  action: 'BootNotification',
  params: { chargePointVendor: 'ocppfleet', chargePointModel: 'test-client' },
}];

async function main() {
  const cli = new RPCClient({
    endpoint: opts.url,
    identity: opts.identity,
    protocols: Array.isArray(opts.protocols) ? opts.protocols : ['ocpp1.6'],
    password: typeof opts.password === 'string' ? opts.password : undefined,
    strictMode: opts.strict === true,
    reconnect: false,
    callTimeoutMs: Number.isInteger(opts.timeout_ms) ? opts.timeout_ms : 5000,
  });
  cli.on('message', ({ message, outbound }) => {
    if (!outbound) out('message', { data: String(message).slice(0, 2000) });
  });
  cli.on('badMessage', ({ error }) => out('bad_message', { error: String(error && error.message) }));
  cli.on('close', ({ code, reason }) => out('closed', { code, reason: String(reason ?? '') }));
  for (const [action, response] of Object.entries(opts.handlers || {})) {
    cli.handle(action, ({ params }) => {
      out('inbound_call', { action, params });
      return response;
    });
  }

  for (const action of Array.isArray(opts.silent) ? opts.silent : []) {
    cli.handle(action, ({ params }) => {
      out('inbound_call', { action, params, silent: true });
      return NOREPLY;
    });
  }

  try {
    await cli.connect();
  } catch (err) {
    out('error', { stage: 'connect', error: err.message, status: err.code ?? null });
    return 3;
  }
  out('open', { protocol: cli.protocol });

  let exitCode = 0;
  for (const c of calls) {
    try {
      const result = await cli.call(c.action, c.params ?? {});
      out('response', { action: c.action, ok: true, result });
    } catch (err) {
      const timedOut = err && err.constructor && err.constructor.name === 'TimeoutError';
      if (timedOut) exitCode = 4;
      out('response', {
        action: c.action, ok: false,
        error: {
          code: err.rpcErrorCode || (timedOut ? 'TimeoutError' : err.name),
          message: err.message, details: err.details ?? null,
        },
      });
    }
  }
  for (const frame of Array.isArray(opts.raw) ? opts.raw : []) {
    try { cli.sendRaw(frame); } catch (err) { out('error', { stage: 'raw', error: err.message }); }
  }
  // Stay for stay_ms, but leave as soon as the CSMS closes the connection.
  if (cli.state === RPCClient.OPEN) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, Number.isInteger(opts.stay_ms) ? opts.stay_ms : 200);
      cli.once('close', () => { clearTimeout(timer); resolve(); });
    });
  }
  if (cli.state === RPCClient.OPEN) await cli.close({ code: 1000, reason: 'done' });
  return exitCode;
}

main().then((code) => { process.exitCode = code; }, (err) => {
  out('error', { stage: 'main', error: String(err && err.stack || err) });
  process.exitCode = 1;
});
