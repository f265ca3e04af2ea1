"""awsmock's runtime for Node.js functions, as an ES module the engine writes into an execution
environment's runtime directory and runs with the local ``node``.

It behaves as AWS's Node.js runtime does: ``_HANDLER`` is ``path/file.export`` (the file a
``.js``, ``.mjs`` or ``.cjs`` under ``LAMBDA_TASK_ROOT``; CommonJS or ES module as Node decides
from the extension and the nearest ``package.json``); async handlers, handlers returning a
promise and callback-style handlers; the context object (``awsRequestId``, ``functionName``,
``functionVersion``, ``invokedFunctionArn``, ``memoryLimitInMB``, ``logGroupName``,
``logStreamName``, ``getRemainingTimeInMillis()``, ``clientContext``, ``identity``,
``callbackWaitsForEmptyEventLoop``); ``console`` lines formatted as AWS's
(``<time>\\t<request id>\\tINFO\\t<message>``); errors reported as ``{errorType, errorMessage,
trace}`` with ``Runtime.ImportModuleError``, ``Runtime.HandlerNotFound``,
``Runtime.UserCodeSyntaxError``, ``Runtime.MalformedHandlerName`` at init.
"""

from __future__ import annotations

SOURCE = r"""
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const API = '/2018-06-01/runtime';
const [apiHost, apiPort] = (() => {
  const address = process.env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001';
  const i = address.lastIndexOf(':');
  return [address.slice(0, i) || '127.0.0.1', Number(address.slice(i + 1))];
})();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let currentRequestId = undefined;

function call(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: apiPort, method, path: urlPath, agent, headers: headers || {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body); else req.end();
  });
}

function post(urlPath, body, extra) {
  const data = Buffer.from(body, 'utf8');
  return call('POST', urlPath, data, Object.assign({ 'Content-Type': 'application/json', 'Content-Length': data.length }, extra || {}));
}

// console, as AWS's runtime formats it: one log event per call, newlines kept inside it
const write = (level, args) => {
  const message = util.format(...args).replace(/\n/g, '\r');
  process.stdout.write(`${new Date().toISOString()}\t${currentRequestId || 'undefined'}\t${level}\t${message}\n`);
};
console.log = (...a) => write('INFO', a);
console.info = (...a) => write('INFO', a);
console.warn = (...a) => write('WARN', a);
console.error = (...a) => write('ERROR', a);
console.debug = (...a) => write('DEBUG', a);
console.trace = (...a) => write('TRACE', a);
console.fatal = (...a) => write('FATAL', a);

class Fault extends Error {
  constructor(type, message, cause) {
    super(message);
    this.name = type;
    this.cause = cause;
  }
}

function errorDoc(err) {
  if (err instanceof Error) {
    return {
      errorType: err.name || 'Error',
      errorMessage: String(err.message ?? ''),
      trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
    };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

function logError(doc, requestId) {
  const text = JSON.stringify(doc);
  process.stdout.write(`${new Date().toISOString()}\t${requestId || 'undefined'}\tERROR\t${doc.errorType === 'Runtime.UnhandledPromiseRejection' ? '' : 'Invoke Error \t'}${text}\n`);
}

function isModulePackage(dir) {
  let current = dir;
  for (;;) {
    const pkg = path.join(current, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module';
      } catch (e) {
        return false;
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return false;
    current = parent;
  }
}

async function loadModule(root, moduleName) {
  const base = path.resolve(root, moduleName);
  const require = createRequire(path.join(root, 'index.js'));
  let file = undefined;
  for (const ext of ['.js', '.mjs', '.cjs']) {
    if (fs.existsSync(base + ext)) { file = base + ext; break; }
  }
  try {
    if (file === undefined) {
      // a module of node_modules or NODE_PATH, as require finds it
      try {
        file = require.resolve(moduleName);
      } catch (e) {
        throw new Fault('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'\nRequire stack:\n- /var/runtime/index.mjs`);
      }
    }
    const esm = file.endsWith('.mjs') || (file.endsWith('.js') && isModulePackage(path.dirname(file)));
    if (esm) return await import(pathToFileURL(file).href);
    try {
      return require(file);
    } catch (e) {
      if (e && e.code === 'ERR_REQUIRE_ESM') return await import(pathToFileURL(file).href);
      throw e;
    }
  } catch (e) {
    if (e instanceof Fault) throw e;
    if (e instanceof SyntaxError) throw new Fault('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`, e);
    if (e && e.code === 'MODULE_NOT_FOUND') throw new Fault('Runtime.ImportModuleError', `Error: ${e.message}`, e);
    throw e;
  }
}

async function loadHandler() {
  const spec = process.env._HANDLER || '';
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot < 0) throw new Fault('Runtime.MalformedHandlerName', 'Bad handler');
  const moduleName = spec.slice(0, dot);
  const handlerPath = spec.slice(dot + 1);
  const mod = await loadModule(root, moduleName);
  let fn = mod;
  for (const part of handlerPath.split('.')) {
    fn = fn === undefined || fn === null ? undefined : fn[part];
  }
  if (fn === undefined && mod && mod.default && typeof mod.default === 'object') {
    fn = handlerPath.split('.').reduce((o, p) => (o === undefined || o === null ? undefined : o[p]), mod.default);
  }
  if (fn === undefined || fn === null) {
    throw new Fault('Runtime.HandlerNotFound', `${path.basename(moduleName)}.${handlerPath} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new Fault('Runtime.HandlerNotFound', `${path.basename(moduleName)}.${handlerPath} is not a function`);
  }
  return fn;
}

function parseHeader(value) {
  if (!value) return undefined;
  try { return JSON.parse(value); } catch (e) { return undefined; }
}

function runHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err, data) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err); else resolve(data);
    };
    context.done = done;
    context.succeed = (data) => done(null, data);
    context.fail = (err) => done(err ?? 'handled');
    try {
      const returned = handler(event, context, done);
      if (returned && typeof returned.then === 'function') {
        returned.then((data) => done(null, data), (err) => done(err ?? new Error('undefined')));
      } else if (handler.length < 3) {
        done(null, returned);
      }
    } catch (e) {
      done(e);
    }
  });
}

let inFlight = undefined;

async function invoke(handler, res) {
  const requestId = res.headers['lambda-runtime-aws-request-id'];
  const deadline = Number(res.headers['lambda-runtime-deadline-ms'] || 0);
  currentRequestId = requestId;
  inFlight = requestId;
  if (res.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = res.headers['lambda-runtime-trace-id'];
  else delete process.env._X_AMZN_TRACE_ID;
  const env = process.env;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    awsRequestId: requestId,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: res.headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseHeader(res.headers['lambda-runtime-client-context']),
    identity: parseHeader(res.headers['lambda-runtime-cognito-identity']),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
  let event;
  try {
    event = res.body.length ? JSON.parse(res.body.toString('utf8')) : null;
  } catch (e) {
    return post(`${API}/invocation/${requestId}/error`, JSON.stringify({ errorType: 'Runtime.UnmarshalError', errorMessage: `Unable to unmarshal input: ${e.message}`, trace: [] }), { 'Lambda-Runtime-Function-Error-Type': 'Runtime.UnmarshalError' });
  }
  try {
    const result = await runHandler(handler, event, context);
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
      if (body === undefined) body = 'null';
    } catch (e) {
      throw new Fault('Runtime.MarshalError', `Unable to stringify response body: ${e.message}`);
    }
    inFlight = undefined;
    await post(`${API}/invocation/${requestId}/response`, body);
  } catch (err) {
    const doc = errorDoc(err);
    logError(doc, requestId);
    inFlight = undefined;
    await post(`${API}/invocation/${requestId}/error`, JSON.stringify(doc), { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
  }
}

async function fatal(err) {
  const doc = errorDoc(err);
  logError(doc, inFlight);
  try {
    if (inFlight !== undefined) {
      await post(`${API}/invocation/${inFlight}/error`, JSON.stringify(doc), { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
    }
  } finally {
    process.exit(129);
  }
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', (reason) => {
  const err = new Fault('Runtime.UnhandledPromiseRejection', `${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`);
  fatal(err);
});

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    const doc = errorDoc(err);
    logError(doc, undefined);
    await post(`${API}/init/error`, JSON.stringify(doc), { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
    process.exit(1);
  }
  for (;;) {
    const res = await call('GET', `${API}/invocation/next`);
    if (res.status !== 200) process.exit(1);
    await invoke(handler, res);
  }
}

main();
"""
