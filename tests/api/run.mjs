#!/usr/bin/env node
// run.mjs - Sounding's API contract test.
//
//   1. docs/openapi.json is a valid OpenAPI 3.1 document
//      (@seriousme/openapi-schema-validator);
//   2. the real collector answers every route and status it can be made to
//      give, and each answer (status, Content-Type, body) is checked against
//      what the document says for that route and status (ajv, JSON Schema
//      2020-12); a mismatch is reported with the JSON path at fault;
//   3. every path + method of the document not marked
//      `x-sounding-status: planned` was exercised.
//
// Self-contained: makes a temp dir with keys and links (`collector keygen`,
// `collector issue`), starts `collector serve` on a free loopback port with a
// fresh database and tests/data/forms/all-types.json (one question of each
// type) and closed.json, and prints `N passed, M failed` last (exit 1 on a
// failure).
//
// Env (ctest sets them; the defaults suit a run from the source tree):
//   SND_COLLECTOR  the collector binary      (default <src>/build/collector)
//   SND_SOURCE_DIR the source tree           (default ../.. from this file)
//   SND_KEEP=1     keep the temp dir (keys, db, collector log)
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let Validator, Ajv2020, addFormats;
try {
  ({ Validator } = await import('@seriousme/openapi-schema-validator'));
  ({ default: Ajv2020 } = await import('ajv/dist/2020.js'));
  ({ default: addFormats } = await import('ajv-formats'));
} catch (e) {
  console.log(`api tests: cannot load the validators (${e.code || e.message}); run \`npm ci\` in ${here}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const SRC = process.env.SND_SOURCE_DIR || path.resolve(here, '..', '..');
const COLLECTOR = process.env.SND_COLLECTOR || path.join(SRC, 'build', 'collector');
const DOC_FILE = path.join(SRC, 'docs', 'openapi.json');
const FORM_FILE = path.join(SRC, 'tests', 'data', 'forms', 'all-types.json');
const CLOSED_FILE = path.join(SRC, 'tests', 'data', 'forms', 'closed.json');
const QID = 'all-types';
const API = `/api/v1/questionnaires/${QID}`;
const MAX_BODY = 65536; // the collector's default --max-body

const DOC = JSON.parse(fs.readFileSync(DOC_FILE, 'utf8'));
const FORM_BYTES = fs.readFileSync(FORM_FILE);

// ------------------------------------------------------------ helpers

const log = (...a) => console.log(...a);

function runCollector(args) {
  return execFileSync(COLLECTOR, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// RFC 4180, enough for `collector issue` output.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r') { i++; continue; }
    if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += c; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k]])));
}

// The claims of a v4.public token: the payload is the message before the
// 64-byte Ed25519 signature.
function claims(token) {
  const raw = Buffer.from(token.split('.')[2], 'base64url');
  return JSON.parse(raw.subarray(0, raw.length - 64).toString('utf8'));
}

// RFC 8785 for the values answers hold.
function jcs(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(jcs).join(',') + ']';
  return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + jcs(v[k])).join(',') + '}';
}

// One HTTP request with node's http client (full control of the framing:
// Content-Length, chunked, Expect: 100-continue).  Resolves to
// {status, headers, text}.
function request(method, urlPath, { token, body, type, headers = {}, chunked = false, expect = false } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (token !== undefined) h.authorization = `Bearer ${token}`;
    const buf = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    if (buf) {
      h['content-type'] = type === undefined ? 'application/json' : type;
      if (h['content-type'] === null) delete h['content-type'];
      if (!chunked) h['content-length'] = buf.length;
    }
    if (expect) h.expect = '100-continue';
    const req = http.request({ host: '127.0.0.1', port: state.port, method, path: urlPath, headers: h, agent: false });
    req.setTimeout(20000, () => req.destroy(new Error('timeout')));
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (buf && expect) req.on('continue', () => req.end(buf));
    else if (buf) req.end(buf);
    else req.end();
  });
}

// ------------------------------------------------------------ the document

// ajv sees the components' schemas as one schema `urn:sounding:openapi`
// (its $defs), with every "#/components/schemas/X" rewritten to point there.
const ROOT = 'urn:sounding:openapi';
function rewriteRefs(v) {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v === null || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v))
    out[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/components/schemas/')
      ? `${ROOT}#/$defs/${x.slice('#/components/schemas/'.length)}` : rewriteRefs(x);
  return out;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true, discriminator: true });
addFormats(ajv);
ajv.addKeyword({ keyword: 'x-sounding-status', schemaType: 'string' });
let ajvReady = false;
function setupAjv() {
  if (ajvReady) return;
  ajv.addSchema({ $id: ROOT, $defs: rewriteRefs(DOC.components.schemas) });
  ajvReady = true;
}

function deref(obj) {
  while (obj && obj.$ref) {
    const parts = obj.$ref.replace(/^#\//, '').split('/');
    obj = parts.reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], DOC);
  }
  return obj;
}

// Operations of the document: "METHOD /path" -> {op, planned}.
function operations() {
  const out = new Map();
  for (const [p, item] of Object.entries(DOC.paths))
    for (const m of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'])
      if (item[m]) out.set(`${m.toUpperCase()} ${p}`, { op: item[m], planned: item[m]['x-sounding-status'] === 'planned' });
  return out;
}
const OPS = operations();

const validators = new Map();
function validatorFor(key, status, mediaType, schema) {
  const k = `${key} ${status} ${mediaType}`;
  if (!validators.has(k)) validators.set(k, ajv.compile(rewriteRefs(schema)));
  return validators.get(k);
}

const exercised = new Set();   // "METHOD /path"
const statuses = new Map();    // "METHOD /path" -> Set of statuses seen

// Checks one answer against the document: the operation exists, the status is
// documented (and not planned), the Content-Type is one it names, the headers
// it names are there, and the body matches the schema.  Returns the parsed body.
function conform(method, template, res) {
  setupAjv();
  const key = `${method} ${template}`;
  const o = OPS.get(key);
  assert.ok(o, `${key} is not in docs/openapi.json`);
  assert.ok(!o.planned, `${key} is marked planned but the server answered it`);
  exercised.add(key);
  if (!statuses.has(key)) statuses.set(key, new Set());
  statuses.get(key).add(res.status);
  const resp = deref(o.op.responses[String(res.status)]);
  assert.ok(resp, `${key}: status ${res.status} is not documented (body: ${res.text.slice(0, 300)})`);
  assert.notEqual(resp['x-sounding-status'], 'planned', `${key}: status ${res.status} is marked planned but was served`);
  checkHeaders(`${key} ${res.status}`, resp, res);
  return checkBody(`${key} ${res.status}`, resp, res);
}

// The headers a response object marks required are there, and match their schema.
function checkHeaders(what, resp, res) {
  for (const [h, spec] of Object.entries(resp.headers || {})) {
    const v = res.headers[h.toLowerCase()];
    if (v === undefined) {
      assert.ok(!spec.required, `${what}: header ${h} is required by the document but missing`);
      continue;
    }
    if (spec.schema) {
      const val = spec.schema.type === 'integer' && /^\d+$/.test(v) ? Number(v) : v;
      const check = validatorFor('header', h, what, spec.schema);
      assert.ok(check(val), `${what}: header ${h}: ${JSON.stringify(v)} does not match ${JSON.stringify(spec.schema)}`);
    }
  }
}

// The body's Content-Type is one the response object names, and the body
// matches that media type's schema.  Returns the (parsed) body.
function checkBody(what, resp, res) {
  const key = what;
  if (!resp.content) {
    assert.equal(res.text, '', `${what}: documented without a body but has one`);
    return null;
  }
  const ctype = (res.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  const media = resp.content[ctype];
  assert.ok(media, `${key}: Content-Type ${ctype || '(none)'} is not one of ${Object.keys(resp.content).join(', ')}`);
  let body = res.text;
  if (ctype === 'application/json') {
    try { body = JSON.parse(res.text); } catch (e) { assert.fail(`${key}: the body is not JSON: ${e.message}`); }
  }
  if (media.schema) {
    const v = validatorFor('body', key, ctype, media.schema);
    if (!v(body)) {
      const errs = v.errors.slice(0, 8).map((e) => `  $${jsonPath(e.instancePath)}: ${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''} (schema ${e.schemaPath})`);
      assert.fail(`${key}: the body does not match the document:\n${errs.join('\n')}`);
    }
  }
  return body;
}

// "/questions/3/options/0/id" -> ".questions[3].options[0].id"
function jsonPath(ptr) {
  if (!ptr) return '';
  return ptr.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => /^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`).join('');
}

// ------------------------------------------------------------ the fixture

const state = { tmp: null, server: null, port: 0, log: '', db: '', tokens: {}, jti: {} };

async function setup() {
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snd-api-'));
  const keys = path.join(state.tmp, 'keys'), other = path.join(state.tmp, 'other-keys');
  runCollector(['keygen', '--out', keys]);
  runCollector(['keygen', '--out', other]);
  const csv = (name, rows) => {
    const p = path.join(state.tmp, name);
    fs.writeFileSync(p, rows.map((r) => r.join(',')).join('\n') + '\n');
    return p;
  };
  const dels = csv('delegates.csv', [['id', 'entity', 'category', 'sg', 'region'],
    ['d1', 'Ruritania', 'administration', 'sg17', 'europe'],
    ['d2', 'Ruritania', 'administration', 'sg13', 'europe'],
    ['d3', 'Freedonia', 'sector_member', 'sg2', 'americas'],
    ['fresh', 'Qumar', 'administration', 'sg5', 'arab'],
    ['gone', 'Borduria', 'administration', 'sg3', 'asia_pacific']]);
  const chairs = csv('chairs.csv', [['id', 'entity'], ['chair', 'TSAG']]);
  const issue = (key, form, list, role, ...more) => parseCsv(runCollector(['issue', '--key', path.join(key, 'issuer.secret'),
    '--form', form, '--delegates', list, '--role', role, '--base-url', 'http://127.0.0.1', ...more]));
  for (const r of issue(keys, FORM_FILE, dels, 'delegate')) { state.tokens[r.id] = r.token; state.jti[r.id] = claims(r.token).jti; }
  state.tokens.chair = issue(keys, FORM_FILE, chairs, 'chair')[0].token;
  state.tokens.foreign = issue(other, FORM_FILE, dels, 'delegate')[0].token;
  const nextYear = new Date(Date.now() + 365 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  state.tokens.closed = issue(keys, CLOSED_FILE, dels, 'delegate', '--expires', nextYear)[0].token;
  assert.ok(Object.values(state.tokens).every((t) => /^v4\.public\./.test(t)), 'issue wrote v4.public tokens');

  state.log = path.join(state.tmp, 'collector.log');
  state.db = path.join(state.tmp, 'sounding.db');
  const args = ['serve', '--form', FORM_FILE, '--form', CLOSED_FILE, '--db', state.db,
    '--issuer-pub', path.join(keys, 'issuer.public'), '--receipt-key', path.join(keys, 'receipt.secret'),
    '--listen', '127.0.0.1:0', '--threads', '2', '--summary-interval', '0'];
  if (process.getuid && process.getuid() === 0) args.push('--allow-root');
  const child = spawn(COLLECTOR, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const out = fs.createWriteStream(state.log);
  let seen = '';
  state.port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the collector did not start within 15 s')), 15000);
    child.stderr.on('data', (d) => {
      out.write(d);
      if (state.port) return;
      seen += d.toString();
      const m = /listening on https?:\/\/[^\s]*:(\d+)/.exec(seen);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the collector exited (${code}):\n${seen}`)); });
  });
  child.removeAllListeners('exit');
  state.server = child;
}

async function teardown() {
  if (state.server) {
    const exited = new Promise((res) => state.server.once('exit', (code) => res(code)));
    state.server.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), 10000))]);
    if (code === 'timeout') state.server.kill('SIGKILL');
    else if (code !== 0) log(`# collector exited with ${code} on SIGTERM`);
  }
  if (state.tmp) {
    if (process.env.SND_KEEP) log(`# kept ${state.tmp}`);
    else fs.rmSync(state.tmp, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------ the tests

const R_FORM = '/api/v1/questionnaires/{qid}';
const R_RESP = '/api/v1/questionnaires/{qid}/responses';
const R_ME = '/api/v1/questionnaires/{qid}/responses/me';
const R_SUM = '/api/v1/questionnaires/{qid}/summary';
const R_DRAFT = '/api/v1/questionnaires/{qid}/draft';

const FULL = {
  colour: 'blue', why_blue: 'It is calm.', tools: ['email', 'chat'], clear: 4,
  per_sg: { sg2: 5, sg3: null }, order: ['beta', 'alpha'],
  proposal: { position: 'object', reason: 'Too early.' }, how_many: 7, comments: 'None.',
};

function errorCode(body, code) {
  assert.equal(body.error.code, code, `error code ${body.error.code}, wanted ${code}`);
}

async function expectError(method, template, url, opts, status, code) {
  const r = await request(method, url, opts);
  assert.equal(r.status, status, `${method} ${url}: status ${r.status}, wanted ${status}: ${r.text.slice(0, 300)}`);
  const b = conform(method, template, r);
  if (code) errorCode(b, code);
  return { r, b };
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('docs/openapi.json is a valid OpenAPI 3.1 document', async () => {
  const v = new Validator();
  const res = await v.validate(DOC);
  if (!res.valid) assert.fail(`not a valid OpenAPI document:\n${JSON.stringify(res.errors, null, 2).slice(0, 4000)}`);
  assert.equal(v.version, '3.1', `OpenAPI version ${v.version}, wanted 3.1`);
  setupAjv(); // compiles every component schema: a schema ajv refuses fails here
  for (const name of Object.keys(DOC.components.schemas)) ajv.getSchema(`${ROOT}#/$defs/${name}`);
});

// The schemas are not vacuous: answers the server must never give fail them.
test('the schemas refuse what the server must not send', () => {
  setupAjv();
  const v = (name) => ajv.getSchema(`${ROOT}#/$defs/${name}`);
  const q = { id: 'clear', type: 'scale', answered: 1, distribution: { 1: 1 }, no_view: 0, mean: 1, median: 1, consensus: 1, leik: 0, agreement: 1 };
  const sum = { questionnaire: 'x', weight: 'delegate', responses: 1, questions: [q] };
  assert.ok(v('Summary')(sum), JSON.stringify(v('Summary').errors));
  const bad = [
    ['Summary', { ...sum, extra: 1 }],
    ['Summary', { ...sum, weight: 'heavy' }],
    ['Summary', { ...sum, questions: [{ ...q, distribution: undefined }] }],
    ['Summary', { ...sum, questions: [{ ...q, type: 'single' }] }],
    ['QuestionSummary', { id: 'p', type: 'position', answered: 1, support: 1, live_with: 0, object: 0, abstain: 0, consensus: 'yes', objections: [] }],
    ['Error', { error: { code: 'x', message: 'm' } }],
    ['Error', { error: { code: 'x', message: 'm', fields: { a: 1 } } }],
    ['Submitted', { receipt: 'v4.public.abc', revision: 0, hash: 'a'.repeat(64) }],
    ['Submitted', { receipt: 'v4.local.abc', revision: 1, hash: 'a'.repeat(64) }],
    ['MyResponse', { answers: {}, revision: 1, hash: 'a'.repeat(64), receipt: 'v4.public.abc', submitted_at: 'yesterday' }],
    ['PositionAnswer', { position: 'object', reason: 'r', extra: 1 }],
    ['PositionAnswer', { position: 'maybe' }],
    ['ResponseBody', { answer: {} }],
  ];
  for (const [name, value] of bad)
    assert.ok(!v(name)(JSON.parse(JSON.stringify(value))), `${name} accepts ${JSON.stringify(value)}`);
});

test('every operation is documented once, with an operationId and a 2xx answer', () => {
  const ids = new Set();
  for (const [key, { op }] of OPS) {
    assert.ok(op.operationId, `${key} has no operationId`);
    assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} is used twice`);
    ids.add(op.operationId);
    assert.ok(Object.keys(op.responses).some((s) => /^2/.test(s)), `${key} has no 2xx response`);
  }
});

test('GET /api/v1/openapi.json: this document, byte for byte', async () => {
  const r = await request('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  conform('GET', '/api/v1/openapi.json', r);
  assert.equal(r.text, fs.readFileSync(path.join(SRC, 'docs', 'openapi.json'), 'utf8'));
});

test('GET /healthz', async () => {
  const r = await request('GET', '/healthz');
  assert.equal(r.status, 200);
  conform('GET', '/healthz', r);
});

test('GET the form definition: the file as loaded', async () => {
  const r = await request('GET', API);
  assert.equal(r.status, 200);
  conform('GET', R_FORM, r);
  assert.equal(r.text, FORM_BYTES.toString('utf8'), 'the form definition is the file byte for byte');
  const c = await request('GET', '/api/v1/questionnaires/closed-form');
  assert.equal(c.status, 200);
  conform('GET', R_FORM, c);
});

test('404 for an unknown questionnaire, on every route', async () => {
  await expectError('GET', R_FORM, '/api/v1/questionnaires/no-such-form', {}, 404, 'not_found');
  await expectError('POST', R_RESP, '/api/v1/questionnaires/no-such-form/responses', { token: state.tokens.d1, body: { answers: {} } }, 404, 'not_found');
  await expectError('GET', R_ME, '/api/v1/questionnaires/no-such-form/responses/me', { token: state.tokens.d1 }, 404, 'not_found');
  await expectError('GET', R_SUM, '/api/v1/questionnaires/no-such-form/summary', { token: state.tokens.chair }, 404, 'not_found');
});

test('GET responses/me before any answer: 404', async () => {
  await expectError('GET', R_ME, `${API}/responses/me`, { token: state.tokens.fresh }, 404, 'not_found');
});

test('POST responses: 201 with receipt, revision and hash; revisions count up', async () => {
  let r = await request('POST', `${API}/responses`, { token: state.tokens.d1, body: { answers: FULL } });
  assert.equal(r.status, 201, r.text);
  let b = conform('POST', R_RESP, r);
  assert.equal(b.revision, 1);
  const expect = b.salt ? createHash('sha256').update(Buffer.concat([Buffer.from(b.salt, 'hex'), Buffer.from(jcs(FULL))])).digest('hex')
    : createHash('sha256').update(jcs(FULL)).digest('hex');
  assert.equal(b.hash, expect, 'hash is SHA-256 of the canonical answers');
  r = await request('POST', `${API}/responses`, { token: state.tokens.d1, body: { answers: { ...FULL, colour: 'red', clear: null } } });
  assert.equal(r.status, 201, r.text);
  b = conform('POST', R_RESP, r);
  assert.equal(b.revision, 2);
  // more delegates, so the summary has fractions, ties, objections and comments
  for (const [who, answers] of [
    ['d2', { colour: 'green', tools: ['wiki'], clear: 2, per_sg: { sg2: 1 }, order: ['gamma', 'beta', 'alpha'], proposal: { position: 'support' }, how_many: 3.0 }],
    ['d3', { colour: 'red', proposal: { position: 'live_with', reason: '  ' }, comments: 'Fine by us.' }],
  ]) {
    r = await request('POST', `${API}/responses`, { token: state.tokens[who], body: { answers } });
    assert.equal(r.status, 201, `${who}: ${r.text}`);
    conform('POST', R_RESP, r);
  }
});

test('POST responses: members other than answers are ignored', async () => {
  const r = await request('POST', `${API}/responses`, { token: state.tokens.d3, body: { answers: { colour: 'red', proposal: { position: 'abstain' } }, note: 'x' } });
  assert.equal(r.status, 201, r.text);
  conform('POST', R_RESP, r);
});

test('GET responses/me: the latest revision as stored', async () => {
  const r = await request('GET', `${API}/responses/me`, { token: state.tokens.d1 });
  assert.equal(r.status, 200, r.text);
  const b = conform('GET', R_ME, r);
  assert.equal(b.revision, 2);
  assert.equal(b.answers.colour, 'red');
  assert.ok(!('why_blue' in b.answers), 'an answer to a question that does not apply is dropped');
});

test('400: malformed bodies', async () => {
  const t = state.tokens.d2;
  for (const body of ['{"answers":{', '', '[1,2]', '{"answers":[]}', '{"answers":3}', '{"answers":{"colour":"red"},"answers":{}}'])
    await expectError('POST', R_RESP, `${API}/responses`, { token: t, body }, 400, 'bad_request');
  await expectError('POST', R_RESP, `${API}/responses`, { token: t, body: { answers: { colour: 'red' } }, type: 'text/plain' }, 400, 'bad_request');
  await expectError('POST', R_RESP, `${API}/responses`, { token: t, body: { answers: { colour: 'red' } }, type: null }, 400, 'bad_request');
  await expectError('POST', R_RESP, `${API}/responses`, { token: t, body: Buffer.from('{"answers":{"comments":"\xff"}}', 'latin1') }, 400, 'bad_request');
});

test('401: missing, malformed, foreign, wrong-questionnaire and revoked tokens', async () => {
  const body = { answers: { colour: 'red', proposal: { position: 'support' } } };
  await expectError('POST', R_RESP, `${API}/responses`, { body }, 401, 'token_missing');
  await expectError('POST', R_RESP, `${API}/responses`, { body, headers: { authorization: 'Basic dXNlcjpwYXNz' } }, 401, 'token_invalid');
  await expectError('POST', R_RESP, `${API}/responses`, { token: 'not-a-token', body }, 401, 'token_invalid');
  await expectError('POST', R_RESP, `${API}/responses`, { token: state.tokens.foreign, body }, 401, 'token_invalid');
  await expectError('POST', R_RESP, `${API}/responses`, { token: state.tokens.closed, body }, 401, 'token_wrong_questionnaire');
  await expectError('GET', R_ME, `${API}/responses/me`, {}, 401, 'token_missing');
  await expectError('GET', R_ME, `${API}/responses/me`, { token: state.tokens.d1.slice(0, -4) + 'AAAA' }, 401, 'token_invalid');
  await expectError('GET', R_SUM, `${API}/summary`, {}, 401, 'token_missing');
  await expectError('GET', R_SUM, `${API}/summary`, { token: state.tokens.foreign }, 401, 'token_invalid');
  assert.ok(state.jti.gone, 'the token has a jti');
  runCollector(['revoke', '--db', state.db, '--jti', state.jti.gone]);
  await expectError('POST', R_RESP, `${API}/responses`, { token: state.tokens.gone, body }, 401, 'token_revoked');
  await expectError('GET', R_ME, `${API}/responses/me`, { token: state.tokens.gone }, 401, 'token_revoked');
});

test('403: a delegate token on the summary, a chair token on answers', async () => {
  await expectError('GET', R_SUM, `${API}/summary`, { token: state.tokens.d1 }, 403, 'forbidden');
  await expectError('POST', R_RESP, `${API}/responses`, { token: state.tokens.chair, body: { answers: { colour: 'red' } } }, 403, 'forbidden');
  await expectError('GET', R_ME, `${API}/responses/me`, { token: state.tokens.chair }, 403, 'forbidden');
});

// A method a path does not take is not an operation of the document; its
// answer is components.responses.MethodNotAllowed.
test('405: a method a route does not answer, with Allow', async () => {
  setupAjv();
  const resp = DOC.components.responses.MethodNotAllowed;
  for (const [method, url, template, allow] of [
    ['GET', `${API}/responses`, R_RESP, 'POST'], ['POST', `${API}/summary`, R_SUM, 'GET, HEAD'],
    ['POST', `${API}/responses/me`, R_ME, 'GET, HEAD'], ['POST', API, R_FORM, 'GET, HEAD'], ['DELETE', `${API}/responses`, R_RESP, 'POST']]) {
    assert.ok(!OPS.has(`${method} ${template}`), `${method} ${template} is documented`);
    const r = await request(method, url, { token: state.tokens.d1, body: method === 'POST' ? {} : undefined });
    assert.equal(r.status, 405, `${method} ${url}: ${r.status}`);
    checkHeaders(`${method} ${url} 405`, resp, r);
    errorCode(checkBody(`${method} ${url} 405`, resp, r), 'method_not_allowed');
    assert.equal(r.headers.allow, allow);
  }
});

test('409: a questionnaire that has closed', async () => {
  const { b } = await expectError('POST', R_RESP, '/api/v1/questionnaires/closed-form/responses',
    { token: state.tokens.closed, body: { answers: { proposal: { position: 'support' } } } }, 409, 'not_open');
  assert.match(b.error.message, /closed/);
});

test('413: a body over the limit, announced or chunked', async () => {
  const big = JSON.stringify({ answers: { comments: 'x'.repeat(MAX_BODY + 100) } });
  await expectError('POST', R_RESP, `${API}/responses`, { token: state.tokens.d2, body: big, expect: true }, 413, 'too_large');
  await expectError('POST', R_RESP, `${API}/responses`, { token: state.tokens.d2, body: big, chunked: true }, 413, 'too_large');
});

test('422: invalid answers of each type, with a reason per question', async () => {
  const bad = {
    colour: 'purple', tools: ['email', 'email'], clear: 9, per_sg: { sg9: 1 }, order: ['alpha', 'nope'],
    proposal: { position: 'object' }, how_many: 2.5, comments: 42, nosuch: 1,
  };
  const { b } = await expectError('POST', R_RESP, `${API}/responses`, { token: state.tokens.fresh, body: { answers: bad } }, 422, 'invalid_answers');
  for (const q of Object.keys(bad)) assert.ok(q in b.error.fields, `fields names ${q}: ${JSON.stringify(b.error.fields)}`);
  const r2 = await expectError('POST', R_RESP, `${API}/responses`, { token: state.tokens.fresh, body: { answers: {} } }, 422, 'invalid_answers');
  assert.ok('colour' in r2.b.error.fields && 'proposal' in r2.b.error.fields, 'required questions are named');
  const r3 = await expectError('POST', R_RESP, `${API}/responses`,
    { token: state.tokens.fresh, body: { answers: { colour: 'red', proposal: { position: 'support', extra: 1 } } } }, 422, 'invalid_answers');
  assert.ok('proposal' in r3.b.error.fields);
});

test('GET summary: the tally JSON, with an ETag and 304', async () => {
  const r = await request('GET', `${API}/summary`, { token: state.tokens.chair });
  assert.equal(r.status, 200, r.text);
  const b = conform('GET', R_SUM, r);
  assert.equal(b.questionnaire, QID);
  assert.deepEqual(b.questions.map((q) => q.id), ['colour', 'why_blue', 'tools', 'clear', 'per_sg', 'order', 'proposal', 'how_many', 'comments']);
  assert.equal(b.responses, 3);
  const etag = r.headers.etag;
  assert.match(etag, /^"v\d+-[0-9a-f]{32}"$/);
  const nm = await request('GET', `${API}/summary`, { token: state.tokens.chair, headers: { 'if-none-match': etag } });
  assert.equal(nm.status, 304);
  conform('GET', R_SUM, nm);
  assert.equal(nm.headers.etag, etag);
  const stale = await request('GET', `${API}/summary`, { token: state.tokens.chair, headers: { 'if-none-match': '"v0-0"' } });
  assert.equal(stale.status, 200);
  conform('GET', R_SUM, stale);
});

test('GET summary: weight=entity, by=region and by=entity', async () => {
  for (const q of ['?weight=entity', '?by=region', '?by=entity&weight=entity', '?weight=delegate&format=json']) {
    const r = await request('GET', `${API}/summary${q}`, { token: state.tokens.chair });
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    const b = conform('GET', R_SUM, r);
    if (q.includes('by=')) assert.ok(b.groups && Object.keys(b.groups).length > 0, `${q}: groups`);
    else assert.ok(!('groups' in b), `${q}: no groups without by`);
  }
});

test('GET summary?format=csv: CSV', async () => {
  const r = await request('GET', `${API}/summary?format=csv`, { token: state.tokens.chair });
  assert.equal(r.status, 200, r.text);
  conform('GET', R_SUM, r);
  assert.ok(r.text.length > 0);
});

test('GET summary: 400 for bad parameters', async () => {
  await expectError('GET', R_SUM, `${API}/summary?weight=bogus`, { token: state.tokens.chair }, 400, 'bad_request');
  await expectError('GET', R_SUM, `${API}/summary?format=xml`, { token: state.tokens.chair }, 400, 'bad_request');
  await expectError('GET', R_SUM, `${API}/summary?by=a%20b`, { token: state.tokens.chair }, 400, 'bad_request');
});

const R_DISP = '/api/v1/questionnaires/{qid}/dispositions';
const R_OUT = '/api/v1/questionnaires/{qid}/outcomes';
const R_RES = '/api/v1/questionnaires/{qid}/results';

test('the chair\'s record: dispositions and outcomes, 201 and the latest per key', async () => {
  let r = await request('POST', `${API}/dispositions`, { token: state.tokens.chair,
    body: { question: 'proposal', entity: 'ADM-A', status: 'open', note: 'to discuss' } });
  assert.equal(r.status, 201, r.text);
  let b = conform('POST', R_DISP, r);
  assert.equal(b.status, 'open');
  r = await request('POST', `${API}/dispositions`, { token: state.tokens.chair,
    body: { question: 'proposal', entity: 'ADM-A', status: 'addressed' } });
  assert.equal(r.status, 201, r.text);
  conform('POST', R_DISP, r);
  r = await request('POST', `${API}/outcomes`, { token: state.tokens.chair, body: { question: 'proposal', text: 'Agreed.' } });
  assert.equal(r.status, 201, r.text);
  conform('POST', R_OUT, r);
  r = await request('GET', `${API}/dispositions`, { token: state.tokens.chair });
  assert.equal(r.status, 200, r.text);
  b = conform('GET', R_DISP, r);
  assert.equal(b.dispositions.length, 1);
  assert.equal(b.dispositions[0].status, 'addressed');
  r = await request('GET', `${API}/outcomes`, { token: state.tokens.chair });
  assert.equal(r.status, 200, r.text);
  assert.equal(conform('GET', R_OUT, r).outcomes[0].text, 'Agreed.');
  r = await request('GET', `${API}/summary`, { token: state.tokens.chair });
  assert.equal(r.status, 200, r.text);
  b = conform('GET', R_SUM, r);
  assert.equal(b.dispositions.length, 1);
  assert.equal(b.outcomes.length, 1);
});

test('the chair\'s record: 400, 401, 403, 404, 422', async () => {
  await expectError('POST', R_DISP, `${API}/dispositions`, { token: state.tokens.chair, body: [1] }, 400, 'bad_request');
  await expectError('POST', R_OUT, `${API}/outcomes`, { token: state.tokens.chair, body: { question: 'nope', text: 'x' } }, 422, 'invalid_record');
  await expectError('POST', R_DISP, `${API}/dispositions`, { token: state.tokens.chair, body: { question: 'proposal', entity: 'X', status: 'shelved' } }, 422, 'invalid_record');
  await expectError('POST', R_DISP, `${API}/dispositions`, { token: state.tokens.d1, body: { question: 'proposal', entity: 'X', status: 'open' } }, 403, 'forbidden');
  await expectError('POST', R_OUT, `${API}/outcomes`, { token: state.tokens.d1, body: { question: 'proposal', text: 'x' } }, 403, 'forbidden');
  await expectError('GET', R_DISP, `${API}/dispositions`, { token: state.tokens.d1 }, 403, 'forbidden');
  await expectError('GET', R_OUT, `${API}/outcomes`, {}, 401, 'token_missing');
  await expectError('POST', R_OUT, `${API}/outcomes`, {}, 401, 'token_missing');
  await expectError('POST', R_DISP, '/api/v1/questionnaires/no-such-form/dispositions', { token: state.tokens.chair, body: {} }, 404, 'not_found');
  await expectError('GET', R_DISP, '/api/v1/questionnaires/no-such-form/dispositions', { token: state.tokens.chair }, 404, 'not_found');
  await expectError('GET', R_OUT, '/api/v1/questionnaires/no-such-form/outcomes', { token: state.tokens.chair }, 404, 'not_found');
});

test('results: 403 with "chairs", 200 once closed with "after_close", no entities', async () => {
  await expectError('GET', R_RES, `${API}/results`, { token: state.tokens.d1 }, 403, 'results_not_available');
  await expectError('GET', R_RES, `${API}/results`, {}, 401, 'token_missing');
  await expectError('GET', R_RES, `${API}/results`, { token: state.tokens.chair }, 403, 'forbidden');
  await expectError('GET', R_RES, '/api/v1/questionnaires/no-such-form/results', { token: state.tokens.d1 }, 404, 'not_found');
  const r = await request('GET', '/api/v1/questionnaires/closed-form/results', { token: state.tokens.closed });
  assert.equal(r.status, 200, r.text);
  const b = conform('GET', R_RES, r);
  assert.ok(!r.text.includes('"entity"'), 'no entity in results');
  assert.equal(b.questionnaire, 'closed-form');
});

// Last of the POSTs: it uses up d3's revision rate (serve's default, 30 a
// minute with a burst of 30).
test('POST responses: past the revision rate, 429 rate_limited with Retry-After', async () => {
  const answers = { colour: 'red', proposal: { position: 'live_with' } };
  let r;
  for (let i = 0; i < 40; i++) {
    r = await request('POST', `${API}/responses`, { token: state.tokens.d3, body: { answers } });
    if (r.status !== 201) break;
  }
  assert.equal(r.status, 429, r.text);
  errorCode(conform('POST', R_RESP, r), 'rate_limited');
  assert.ok(Number(r.headers['retry-after']) >= 1, `Retry-After: ${r.headers['retry-after']}`);
});

test('drafts: POST keeps partial answers (200 saved_at), GET returns them, 404 without one', async () => {
  await expectError('GET', R_DRAFT, `${API}/draft`, { token: state.tokens.fresh }, 404, 'not_found');
  const partial = { colour: 'green', tools: ['wiki'], proposal: { position: 'object' } };
  let r = await request('POST', `${API}/draft`, { token: state.tokens.fresh, body: { answers: partial } });
  assert.equal(r.status, 200, r.text);
  const saved = conform('POST', R_DRAFT, r);
  r = await request('GET', `${API}/draft`, { token: state.tokens.fresh });
  assert.equal(r.status, 200, r.text);
  const b = conform('GET', R_DRAFT, r);
  assert.deepEqual(b.answers, { colour: 'green', tools: ['wiki'], proposal: { position: 'object' } });
  assert.equal(b.saved_at, saved.saved_at);
  // a draft is not a revision
  await expectError('GET', R_ME, `${API}/responses/me`, { token: state.tokens.fresh }, 404, 'not_found');
});

test('drafts: 422 for an invalid value, 400, 401, 403, 409, 413', async () => {
  const { b } = await expectError('POST', R_DRAFT, `${API}/draft`, { token: state.tokens.fresh, body: { answers: { colour: 'purple' } } }, 422, 'invalid_answers');
  assert.ok(b.error.fields.colour, 'the 422 names the question');
  await expectError('POST', R_DRAFT, `${API}/draft`, { token: state.tokens.fresh, body: [1] }, 400, 'bad_request');
  await expectError('POST', R_DRAFT, `${API}/draft`, { body: { answers: {} } }, 401, 'token_missing');
  await expectError('GET', R_DRAFT, `${API}/draft`, {}, 401, 'token_missing');
  await expectError('POST', R_DRAFT, `${API}/draft`, { token: state.tokens.chair, body: { answers: {} } }, 403, 'forbidden');
  await expectError('GET', R_DRAFT, `${API}/draft`, { token: state.tokens.chair }, 403, 'forbidden');
  await expectError('POST', R_DRAFT, '/api/v1/questionnaires/closed-form/draft', { token: state.tokens.closed, body: { answers: {} } }, 409, 'not_open');
  const big = { answers: { comments: 'x'.repeat(MAX_BODY) } };
  await expectError('POST', R_DRAFT, `${API}/draft`, { token: state.tokens.fresh, body: big, expect: true }, 413, 'too_large');
});

test('every operation not marked planned was exercised', () => {
  const missing = [...OPS].filter(([k, o]) => !o.planned && !exercised.has(k)).map(([k]) => k);
  assert.deepEqual(missing, [], `not exercised: ${missing.join(', ')}`);
  for (const [k, o] of OPS) {
    if (o.planned) continue;
    const documented = Object.entries(o.op.responses).filter(([, r]) => deref(r)['x-sounding-status'] !== 'planned').map(([s]) => Number(s));
    const seen = statuses.get(k) || new Set();
    const unseen = documented.filter((s) => !seen.has(s));
    if (unseen.length) log(`# ${k}: documented but not provoked here: ${unseen.join(', ')}`);
  }
});

// ------------------------------------------------------------ runner

let passed = 0, failed = 0;
try {
  await setup();
} catch (e) {
  log(`setup failed: ${e.stack || e}`);
  await teardown();
  log('0 passed, 1 failed');
  process.exit(1);
}
for (const t of tests) {
  try {
    await t.fn();
    passed++;
    log(`ok   ${t.name}`);
  } catch (e) {
    failed++;
    log(`FAIL ${t.name}\n     ${String(e.message || e).split('\n').join('\n     ')}`);
  }
}
await teardown();
if (failed && fs.existsSync(state.log)) log('# see the collector log with SND_KEEP=1');
log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
