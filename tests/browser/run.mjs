#!/usr/bin/env node
// run.mjs - Sounding's browser tests: the real collector, driven in Debian's
// Chromium through playwright-core, with axe-core on every page.
//
// Self-contained: makes a temp dir with keys, delegate and chair links
// (`collector keygen`, `collector issue`), starts `collector serve` on a free
// port, launches /usr/bin/chromium (never a downloaded browser), runs the
// tests in order and prints `N passed, M failed` last (exit 1 on a failure).
//
// Env (ctest sets them; the defaults suit a run from the source tree):
//   SND_COLLECTOR  the collector binary      (default <src>/build/collector)
//   SND_SOURCE_DIR the source tree           (default ../.. from this file)
//   SND_ARTEFACTS  screenshots + axe report  (default tests/browser/artefacts)
//   SND_CHROMIUM   the browser               (default /usr/bin/chromium)
//   SND_KEEP=1     keep the temp dir (keys, db, collector log)
//   SND_ONLY=REGEX run only the tests whose names match
//
// Waits are Playwright's (navigation, selectors, waitForFunction) bounded by
// generous timeouts; nothing asserts how long anything took.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
if (Number(process.versions.node.split(".")[0]) < 18) {
  console.log(`browser tests: Node.js ${process.versions.node} is too old; playwright-core needs 18 or later`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log(`browser tests: cannot load playwright-core (${e.code || e.message}); run \`npm ci\` in ${here}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const SRC = process.env.SND_SOURCE_DIR || path.resolve(here, '..', '..');
const COLLECTOR = process.env.SND_COLLECTOR || path.join(SRC, 'build', 'collector');
const ARTEFACTS = process.env.SND_ARTEFACTS || path.join(here, 'artefacts');
const CHROMIUM = process.env.SND_CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.log(`browser tests: no browser at ${CHROMIUM} (Debian: apt-get install chromium; or set SND_CHROMIUM)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const LSG_FILE = path.join(SRC, 'forms', 'lsg-review.json');
const EXAMPLE_FILE = path.join(SRC, 'forms', 'example-minimal.json');
const CLOSED_FILE = path.join(SRC, 'tests', 'data', 'forms', 'closed.json');
const REG_R1_FILE = path.join(SRC, 'tests', 'data', 'forms', 'register-r1.json');
const REG_R2_FILE = path.join(SRC, 'tests', 'data', 'forms', 'register-r2.json');
const AXE_SOURCE = fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const LSG = JSON.parse(fs.readFileSync(LSG_FILE, 'utf8'));
const EXAMPLE = JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));

// The flags NOTES.md records as working here (as root, closed network).
// Playwright itself adds a fresh, empty --user-data-dir for each launch.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 390, height: 844 };
const WAIT_MS = 15000;        // ordinary waits (navigation, an element)
const CHAIR_WAIT_MS = 40000;  // the chair page refreshes every 10 s (routes.c)
const TEST_MS = 120000;       // one test, at most

// ------------------------------------------------------------ small helpers

function log(...a) { console.log(...a); }

function runCollector(args, opts = {}) {
  return execFileSync(COLLECTOR, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
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

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// RFC 8785 for the values answers hold (strings, integers, null, arrays,
// objects): ECMAScript number and string serialisation, keys sorted by
// UTF-16 code units, which is what Array.prototype.sort does.
function jcs(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(jcs).join(',') + ']';
  return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + jcs(v[k])).join(',') + '}';
}
const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

function questions(form) { return form.sections.flatMap((s) => s.questions); }
function label(l, lang, form) {
  if (typeof l === 'string') return l;
  return l[lang] ?? l[form.languages[0]];
}
function optId(o) { return typeof o === 'string' ? o : o.id; }

// Which answers the server keeps: a show_if question whose condition is not
// met is dropped (spec/interface.md); an empty reason is not a reason.
function expectedStored(form, answers) {
  const out = {};
  for (const q of questions(form)) {
    if (!(q.id in answers)) continue;
    if (q.show_if) {
      const got = answers[q.show_if.question];
      const vals = got == null ? [] : Array.isArray(got) ? got : typeof got === 'object' ? [got.position] : [String(got)];
      if (!vals.some((v) => q.show_if.any_of.includes(v))) continue;
    }
    let a = answers[q.id];
    if (q.type === 'position') a = a.reason ? { position: a.position, reason: a.reason } : { position: a.position };
    out[q.id] = a;
  }
  return out;
}
function normStored(ans) {
  const out = structuredClone(ans);
  for (const [k, v] of Object.entries(out))
    if (v && typeof v === 'object' && !Array.isArray(v) && 'position' in v && !v.reason) delete v.reason;
  return out;
}

// ------------------------------------------------------------ the fixture

const state = {
  tmp: null, server: null, port: 0, base: '', log: '',
  tokens: {},            // delegate id -> token (LSG), plus 'chair', 'example', ...
  reg: null,             // the two-round collector (register tests), once started
  current: '',           // the test running
  browser: null,
  pages: [],             // every page checked: {name, url}
  csp: [],               // CSP violations: {page, text}
  pageErrors: [],        // uncaught exceptions in pages
  dialogs: [],           // dialogs seen (all accepted or dismissed)
  axe: [],               // {name, violations: [...]}
  shot: 0,
};

const DELEGATES = [
  ['en-js', 'Ruritania', 'administration', 'sg17', 'europe'],
  ['en-nojs', 'Freedonia', 'administration', 'sg13', 'americas'],
  ['ar', 'Qumar', 'administration', 'sg2', 'arab'],
  ['err422', 'Acme Networks', 'sector_member', 'sg15', 'europe'],
  ['rev', 'Syldavia', 'administration', 'sg5', 'europe'],
  ['late', 'Borduria', 'administration', 'sg11', 'asia_pacific'],
  ['forbidden', 'Elbonia', 'administration', 'sg3', 'africa'],
  ['keys', 'Latveria', 'administration', 'sg12', 'europe'],
  ['mail', 'Gondor', 'administration', 'sg20', 'americas'],
  ['draft', 'Arcadia', 'administration', 'sg9', 'europe'],
  ['victim', 'Zembla', 'administration', 'sg17', 'europe'],   // a crafted link is sent to
  ['crafted', 'Kakania', 'administration', 'sg13', 'europe'], // the link someone crafts with
  ['limits', 'Carpania', 'administration', 'sg2', 'europe'],  // the 429 pages (own collectors)
];

async function setup() {
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snd-browser-'));
  fs.mkdirSync(ARTEFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTEFACTS)) // only what an earlier run wrote
    if (/^\d{2,}-[a-z0-9-]+-(desktop|phone)\.png$|^axe\.json$|^chair-print\.pdf$/.test(f)) fs.rmSync(path.join(ARTEFACTS, f));
  const keys = path.join(state.tmp, 'keys');
  runCollector(['keygen', '--out', keys]);
  const csv = writeCsv;
  const dels = csv('delegates.csv', [['id', 'entity', 'category', 'sg', 'region'], ...DELEGATES]);
  const issue = issueLinks;
  for (const r of issue(LSG_FILE, dels, 'delegate')) state.tokens[r.id] = r.token;
  const chairs = csv('chairs.csv', [['id', 'entity'], ['chair-wp2', 'TSAG WP2']]);
  state.tokens.chair = issue(LSG_FILE, chairs, 'chair')[0].token;
  const ex = csv('example.csv', [['id', 'entity'], ['ex-1', 'Ruritania']]);
  state.tokens.example = issue(EXAMPLE_FILE, ex, 'delegate')[0].token;
  const nextYear = new Date(Date.now() + 365 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  state.tokens.closed = issue(CLOSED_FILE, ex, 'delegate', '--expires', nextYear)[0].token;
  state.tokens.revoked = issue(LSG_FILE, csv('revoked.csv', [['id', 'entity'], ['gone', 'Ruritania']]), 'delegate')[0].token;
  assert.ok(Object.values(state.tokens).every((t) => /^v4\.public\./.test(t)), 'issue wrote v4.public tokens');

  const main = await startCollector('sounding.db', 'collector.log');
  Object.assign(state, { server: main.child, port: main.port, base: main.base, log: main.log });

  state.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Writes a CSV file into the temp dir; returns its path.
function writeCsv(name, rows) {
  const p = path.join(state.tmp, name);
  fs.writeFileSync(p, rows.map((r) => r.join(',')).join('\n') + '\n');
  return p;
}

// `collector issue` for a form and a CSV of people: [{id, token, ...}].
function issueLinks(form, list, role, ...more) {
  return parseCsv(runCollector(['issue', '--key', path.join(state.tmp, 'keys', 'issuer.secret'),
    '--form', form, '--delegates', list, '--role', role, '--base-url', 'http://127.0.0.1', ...more]));
}

// Starts `collector serve` on a free port with the forms (by default the
// three of the main collector), its own database and log (files in the
// temp dir) and `more` serve options.
// Returns { child, port, base, log } once /healthz answers.
async function startCollector(db, logName, more = [], forms = [LSG_FILE, EXAMPLE_FILE, CLOSED_FILE]) {
  const keys = path.join(state.tmp, 'keys');
  const logFile = path.join(state.tmp, logName);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const args = ['serve', ...forms.flatMap((f) => ['--form', f]),
      '--db', path.join(state.tmp, db),
      '--issuer-pub', path.join(keys, 'issuer.public'),
      '--receipt-key', path.join(keys, 'receipt.secret'),
      '--listen', `127.0.0.1:${port}`, '--threads', '2', ...more];
    if (process.getuid && process.getuid() === 0) args.push('--allow-root');
    const out = fs.openSync(logFile, 'a');
    const child = spawn(COLLECTOR, args, { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    let exited = false;
    child.once('exit', () => { exited = true; });
    const deadline = Date.now() + 15000;
    while (!exited && Date.now() < deadline) {
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.status === 200) return { child, port, base, log: logFile };
      } catch { /* not listening yet */ }
      await new Promise((res) => setTimeout(res, 50));
    }
    if (!exited) child.kill('SIGKILL');
  }
  throw new Error(`the collector did not start; log:\n${fs.readFileSync(logFile, 'utf8')}`);
}

async function stopCollector(child) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise((res) => child.once('exit', (code) => res(code)));
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), 10000))]);
  if (code === 'timeout') child.kill('SIGKILL');
  return code;
}

async function teardown() {
  if (state.browser) await state.browser.close().catch(() => {});
  if (state.reg) {
    const code = await stopCollector(state.reg.child);
    if (code !== 0) log(`# rounds collector exited with ${code} on SIGTERM`);
  }
  if (state.server && (state.server.exitCode !== null || state.server.signalCode !== null)) {
    log(`# the collector had stopped by itself (exit ${state.server.exitCode}, signal ${state.server.signalCode})`);
  } else if (state.server) {
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

// A browser context with our watchers.  js=false is a browser with
// JavaScript off (the pages must work without it).
async function newContext({ js = true, locale = 'en-GB' } = {}) {
  const ctx = await state.browser.newContext({ javaScriptEnabled: js, locale, viewport: DESKTOP });
  ctx.setDefaultTimeout(WAIT_MS);
  ctx.setDefaultNavigationTimeout(WAIT_MS);
  // Page-side record of CSP violations (console messages catch them too,
  // and also work with JavaScript off).
  if (js)
    await ctx.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window.__sndCsp = window.__sndCsp || []).push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
  ctx.on('page', (p) => watch(p));
  if (!js) noJs.add(ctx);
  return ctx;
}

function watch(page) {
  page.on('console', (m) => {
    const t = m.text();
    if (/Content Security Policy|Content-Security-Policy/i.test(t)) state.csp.push({ page: page.url(), text: t });
  });
  page.on('pageerror', (e) => state.pageErrors.push({ page: page.url(), text: String(e) }));
  // The form asks before leaving with unsaved changes (sounding.js); the
  // tests leave such pages on purpose.
  page.on('dialog', (d) => {
    state.dialogs.push({ page: page.url(), type: d.type(), test: state.current });
    (d.type() === 'beforeunload' ? d.accept() : d.dismiss()).catch(() => {});
  });
}

async function cspOnPage(page, name) {
  let inPage = [];
  try { inPage = await page.evaluate(() => window.__sndCsp || []); } catch { /* JS off */ }
  for (const t of inPage) state.csp.push({ page: name, text: t });
  const mine = state.csp.filter((c) => c.page === name || c.page === page.url());
  assert.equal(mine.length, 0, `CSP violations on ${name}: ${JSON.stringify(mine)}`);
}

// axe-core in the page as it stands, evaluated through DevTools (which the
// page's CSP, script-src 'self', does not govern).  A page shown with
// JavaScript off cannot run axe (its timers never fire there), so axe runs
// on a copy: the same DOM, served at the same URL (so the same stylesheet
// applies) into an audit context, without the page's script.
const noJs = new WeakSet();
let auditCtx = null;

async function axeIn(page) {
  await page.evaluate(AXE_SOURCE + '\n;0');
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5), count: v.nodes.length }));
  });
}

async function axeOnCopy(page) {
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  if (!auditCtx) {
    auditCtx = await state.browser.newContext({ javaScriptEnabled: true, locale: 'en-GB' });
    auditCtx.setDefaultTimeout(WAIT_MS);
  }
  const copy = await auditCtx.newPage();
  try {
    await copy.setViewportSize(page.viewportSize() || DESKTOP);
    const url = page.url();
    await copy.route((u) => u.href === url, (r) => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.goto(url);
    return await axeIn(copy);
  } finally { await copy.close(); }
}

async function audit(page, name) {
  const res = noJs.has(page.context()) ? await axeOnCopy(page) : await axeIn(page);
  state.axe.push({ name, url: page.url(), violations: res });
  for (const v of res)
    if (v.impact !== 'serious' && v.impact !== 'critical')
      log(`#   axe ${name}: ${v.impact} ${v.id} (${v.count}): ${v.help} [${v.nodes.join(', ')}]`);
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(bad.length, 0, `axe on ${name}: ${bad.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`).join('; ')}`);
}

async function screenshot(page, name, suffix) {
  state.shot++;
  const file = path.join(ARTEFACTS, `${String(state.shot).padStart(2, '0')}-${name}-${suffix}.png`);
  // From the top: a full-page capture of a scrolled page leaves Chromium's
  // input coordinates off by the scroll offset (the next click misses).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
}

// Layout that a screenshot shows but axe does not judge: nothing wider than
// the window (no sideways scrolling of the whole page), and the turnout
// tables of the chair page side by side without running into each other.
async function checkLayout(page, name) {
  const r = await page.evaluate(() => {
    const de = document.documentElement;
    const boxes = [...document.querySelectorAll('.tgrid > *')].map((e) => e.getBoundingClientRect());
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps.push([i, j]);
      }
    // The outermost elements that stick out on the right (left in RTL).
    const wide = [];
    const walk = (e) => {
      const b = e.getBoundingClientRect();
      if (b.width > 0 && (b.right > de.clientWidth + 1 || b.left < -1)) {
        wide.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.classList.length ? '.' + [...e.classList].join('.') : ''} (${Math.round(b.left)}..${Math.round(b.right)})`);
        return;
      }
      if (getComputedStyle(e).overflowX === 'visible') for (const c of e.children) walk(c);
    };
    walk(document.body);
    return { scroll: de.scrollWidth, width: de.clientWidth, overlaps, wide: wide.slice(0, 5) };
  });
  assert.ok(r.scroll <= r.width, `${name}: the page is ${r.scroll}px wide in a ${r.width}px window: ${r.wide.join(', ')}`);
  assert.deepEqual(r.overlaps, [], `${name}: turnout tables overlap`);
}

// Every page the tests land on: screenshots (a phone one too for forms),
// axe and layout (at both widths for forms), and no CSP violation.
async function visit(page, name, { phone = false } = {}) {
  state.pages.push({ name, url: page.url() });
  await page.waitForLoadState('load');
  await screenshot(page, name, 'desktop');
  await audit(page, name);
  await checkLayout(page, name);
  if (phone) {
    await page.setViewportSize(PHONE);
    await screenshot(page, name, 'phone');
    await audit(page, `${name} (phone)`);
    await checkLayout(page, `${name} (phone)`);
    await page.setViewportSize(DESKTOP);
  }
  await cspOnPage(page, name);
}

async function htmlAttrs(page) {
  return page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
}

async function api(pathname, token) {
  const r = await fetch(state.base + pathname, { headers: { Authorization: `Bearer ${token}` } });
  const body = await r.text();
  let json = null;
  try { json = JSON.parse(body); } catch { /* not JSON */ }
  return { status: r.status, json, body };
}

// ------------------------------------------------------------ the questionnaire

// A whole LSG answer set: every question type the form has, with the show_if
// question "why_authoritative" (after choosing "authoritative") and
// "unclear_points" (after a clarity of 1 or 2).
function lsgAnswers(tag, lang = 'en') {
  const ar = lang === 'ar';
  return {
    now: 'authoritative',
    why_authoritative: ar ? `مثال ${tag}: قررت لجنة الدراسات 17 توزيع العمل.` : `Example ${tag}: SG17 decided where identity work goes.`,
    should: ['coordination', 'authoritative', 'communication'],
    clear: 2,
    unclear_points: ar ? 'ليس واضحاً من يقرر.' : `Who decides (${tag})?\nAnd how?`,
    avoid_duplication: 4,
    coordinate_cross_sg: 3,
    consistent_recs: null,
    timely_recs: 5,
    per_sg: { sg2: 4, sg3: null, sg5: 3, sg11: 2, sg12: 5, sg13: 1, sg15: 4, sg17: 5, sg20: 3 },
    mech_communication: 'fully',
    mech_coordination: 'partly',
    mech_authoritative: 'no',
    cross_sg_focus: { position: 'support' },
    max_per_sg: { position: 'object', reason: ar ? `العدد يعتمد على الموضوع (${tag}).` : `The number depends on the topic (${tag}).` },
    short_descriptions: { position: 'live_with' },
    exclusions: { position: 'abstain' },
    harmonise_before_wtsa: { position: 'support', reason: ar ? 'مع ملاحظة' : 'With a note <b>&amp; "quotes"</b>' },
    rgwm_process: { position: 'live_with' },
    max_lsg: 5,
    recurrent_meetings: { position: 'support' },
    comments: ar ? `تعليق ${tag}` : `Thanks (${tag}). Ünïcödé – “quotes” & <tags>`,
  };
}

const sel = (qid, rest) => `#f-${qid}${rest === undefined ? '' : '-' + rest}`;

// Fills the form with real clicks, selects and typing, in form order (so a
// show_if question has been revealed, with JS on, by the time it is
// reached: Playwright waits for a control to be visible and enabled).
async function fillForm(page, form, answers, { type = false } = {}) {
  for (const q of questions(form)) {
    if (!(q.id in answers)) continue;
    const a = answers[q.id];
    switch (q.type) {
      case 'single':
        await page.locator(sel(q.id, a)).check();
        break;
      case 'multi':
        for (const o of q.options.map(optId)) {
          const box = page.locator(sel(q.id, o));
          if (a.includes(o)) await box.check(); else await box.uncheck();
        }
        break;
      case 'scale':
        await page.locator(sel(q.id, a === null ? 'none' : a)).check();
        break;
      case 'matrix':
        for (const [row, v] of Object.entries(a)) await page.locator(sel(q.id, `${row}-${v === null ? 'none' : v}`)).check();
        break;
      case 'rank':
        for (const o of q.options.map(optId)) {
          const k = a.indexOf(o);
          await page.locator(sel(q.id, o)).selectOption(k < 0 ? '' : String(k + 1));
        }
        break;
      case 'position':
        await page.locator(sel(q.id, a.position)).check();
        await page.locator(sel(q.id, 'reason')).fill(a.reason || '');
        break;
      case 'number':
        await page.locator(sel(q.id)).fill(a === null ? '' : String(a));
        break;
      case 'text': {
        const box = page.locator(sel(q.id));
        if (type) { await box.fill(''); await box.pressSequentially(a); } else await box.fill(a);
        break;
      }
      default:
        throw new Error(`no filler for question type ${q.type}`);
    }
  }
}

// Asserts that the form shows exactly these answers (prefill after a 422
// or on a revisit): checked radios and boxes, selects, numbers and texts.
async function checkFilled(page, form, answers) {
  for (const q of questions(form)) {
    if (!(q.id in answers)) continue;
    const a = answers[q.id];
    const checked = (s) => page.locator(s).isChecked();
    switch (q.type) {
      case 'single':
      case 'multi':
        for (const o of q.options.map(optId))
          assert.equal(await checked(sel(q.id, o)), Array.isArray(a) ? a.includes(o) : a === o, `${q.id}: option ${o}`);
        break;
      case 'scale':
        assert.equal(await checked(sel(q.id, a === null ? 'none' : a)), true, `${q.id} = ${a}`);
        break;
      case 'matrix':
        for (const [row, v] of Object.entries(a))
          assert.equal(await checked(sel(q.id, `${row}-${v === null ? 'none' : v}`)), true, `${q.id}.${row} = ${v}`);
        break;
      case 'rank':
        for (const o of q.options.map(optId)) {
          const k = a.indexOf(o);
          assert.equal(await page.locator(sel(q.id, o)).inputValue(), k < 0 ? '' : String(k + 1), `${q.id}: place of ${o}`);
        }
        break;
      case 'position':
        assert.equal(await checked(sel(q.id, a.position)), true, `${q.id} = ${a.position}`);
        assert.equal(await page.locator(sel(q.id, 'reason')).inputValue(), a.reason || '', `${q.id}.reason`);
        break;
      case 'number':
        assert.equal(await page.locator(sel(q.id)).inputValue(), a === null ? '' : String(a), q.id);
        break;
      case 'text':
        assert.equal(await page.locator(sel(q.id)).inputValue(), a, q.id);
        break;
      default:
        break;
    }
  }
}

// Clicks submit and returns the status of the POST's answer (303 -> the
// receipt, or 422 -> the form again) once the next page has loaded.
async function submit(page, formId) {
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/q/${formId}`),
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('form.questionnaire button[type=submit].primary').click(),
  ]);
  return resp.status();
}

// The receipt page and what the server stored agree with each other, with
// the answers given, with the hash rule (SHA-256 of RFC 8785 JSON) and with
// the receipt key's signature.
async function checkReceipt(page, { form, token, sub, answers, rev, lang = 'en' }) {
  assert.match(new URL(page.url()).pathname, new RegExp(`^/q/${form.id}/receipt$`));
  const attrs = await htmlAttrs(page);
  assert.equal(attrs.lang, lang);
  assert.equal(attrs.dir, lang === 'ar' ? 'rtl' : 'ltr');
  const facts = await page.locator('dl.facts dd').allInnerTexts();
  assert.equal(facts[0].trim(), String(rev), 'revision on the receipt page');
  const shown = (await page.locator('code.hash').allInnerTexts()).map((t) => t.trim());
  const hash = shown[0];
  assert.match(hash, /^[0-9a-f]{64}$/, 'hash is 64 lowercase hex digits');
  const salt = shown[1];
  assert.match(salt, /^[0-9a-f]{32}$/, 'the salt is 32 lowercase hex digits');
  const receipt = (await page.locator('#receipt-token').inputValue()).trim();
  assert.match(receipt, /^v4\.public\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$/, 'receipt token shown');
  assert.ok((await page.locator('pre code').innerText()).includes(receipt), 'verify command shows the token');

  const me = await api(`/api/v1/questionnaires/${form.id}/responses/me`, token);
  assert.equal(me.status, 200, `responses/me: ${me.body}`);
  assert.equal(me.json.revision, rev);
  assert.equal(me.json.hash, hash, 'the page shows the stored hash');
  assert.equal(me.json.receipt, receipt, 'the page shows the stored receipt');
  assert.deepEqual(normStored(me.json.answers), expectedStored(form, answers), 'stored answers are those given');
  assert.equal(me.json.salt, salt, 'the page shows the stored salt');
  assert.equal(createHash('sha256').update(Buffer.concat([Buffer.from(salt, 'hex'),
    Buffer.from(jcs(me.json.answers), 'utf8')])).digest('hex'), hash,
  'hash = SHA-256 of the salt bytes and the JCS answers');

  const v = JSON.parse(runCollector(['token', 'verify', '--pub', path.join(state.tmp, 'keys', 'receipt.public'), receipt]));
  const payload = typeof v.payload === 'string' ? JSON.parse(v.payload) : v.payload;
  assert.equal(payload.aud, form.id);
  assert.equal(payload.sub, sub);
  assert.equal(Number(payload.rev), rev);
  assert.equal(payload.hash, hash);
  assert.equal(payload.salt, salt);

  // Every answered question is listed under "What was recorded".
  const dts = await page.locator('dl.answers > dt').count();
  assert.equal(dts, Object.keys(me.json.answers).length, 'one <dt> per recorded answer');
  return { hash, receipt };
}

async function openLink(page, token, query = '') {
  const resp = await page.goto(`${state.base}/t/${token}${query}`);
  assert.equal(resp.status(), 200, `following the link: ${page.url()}`);
  return resp;
}

function textOf(q, lang, form = LSG) { return label(q.text, lang, form); }
const Q = Object.fromEntries(questions(LSG).map((q) => [q.id, q]));

// ------------------------------------------------------------ the tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('delegate answers the whole LSG questionnaire in English, JavaScript on', async () => {
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    await openLink(page, state.tokens['en-js']);
    assert.equal(new URL(page.url()).pathname, '/q/lsg-review', 'the link lands on the form');
    assert.deepEqual(await htmlAttrs(page), { lang: 'en', dir: 'ltr' });
    assert.equal(await page.locator('h1').innerText(), LSG.title.en);
    assert.match(await page.locator('p.who').innerText(), /en-js.*Ruritania/);
    await visit(page, 'form-en', { phone: true });

    // show_if: hidden (and disabled, so never posted) until "authoritative".
    const why = page.locator('#q-why_authoritative');
    const unclear = page.locator('#q-unclear_points');
    assert.equal(await why.isHidden(), true, 'why_authoritative hidden before an answer');
    assert.equal(await unclear.isHidden(), true, 'unclear_points hidden before an answer');
    await page.locator('#f-now-communication').check();
    assert.equal(await why.isHidden(), true, 'why_authoritative hidden after "communication"');
    await page.locator('label[for="f-now-authoritative"]').click(); // a click on the label text
    await why.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#f-why_authoritative').isEnabled(), true);

    const answers = lsgAnswers('en-js');
    await fillForm(page, LSG, answers, { type: true });
    assert.equal(await unclear.isVisible(), true, 'unclear_points shown after a clarity of 2');
    await visit(page, 'form-en-filled');
    assert.equal(await submit(page, 'lsg-review'), 303);
    await checkReceipt(page, { form: LSG, token: state.tokens['en-js'], sub: 'en-js', answers, rev: 1 });
    // The receipt speaks in the form's words, not ids.
    const recorded = await page.locator('dl.answers').innerText();
    assert.ok(recorded.includes(label(Q.now.options[2].label, 'en', LSG)), 'chosen option label on the receipt');
    assert.ok(recorded.includes(answers.why_authoritative), 'show_if answer on the receipt');
    assert.ok(recorded.includes(answers.comments), 'free text (with markup characters) shown as text');
    await visit(page, 'receipt-en');
  } finally { await ctx.close(); }
});

test('the same with JavaScript off: show_if questions visible with their note', async () => {
  const ctx = await newContext({ js: false });
  try {
    const page = await ctx.newPage();
    await openLink(page, state.tokens['en-nojs']);
    assert.equal(new URL(page.url()).pathname, '/q/lsg-review');
    await visit(page, 'form-en-nojs', { phone: true });
    for (const [qid, cond] of [['why_authoritative', 'now'], ['unclear_points', 'clear']]) {
      assert.equal(await page.locator(`#q-${qid}`).isVisible(), true, `${qid} visible without JS`);
      assert.equal(await page.locator(`#f-${qid}`).isEnabled(), true, `${qid} usable without JS`);
      const note = await page.locator(`#q-${qid}-if`).innerText();
      assert.match(note, /Answer this only if you chose/, `${qid} has its condition note`);
      assert.ok(note.includes(String(questions(LSG).findIndex((q) => q.id === cond) + 1)), `${qid} note names question ${cond}`);
    }
    assert.ok((await page.locator('#q-why_authoritative-if').innerText()).includes(label(Q.now.options[2].label, 'en', LSG)));

    // Clarity 4: unclear_points does not apply, so what is typed there is dropped.
    const answers = { ...lsgAnswers('en-nojs'), clear: 4, unclear_points: 'typed although it does not apply' };
    await fillForm(page, LSG, answers);
    assert.equal(await submit(page, 'lsg-review'), 303);
    await checkReceipt(page, { form: LSG, token: state.tokens['en-nojs'], sub: 'en-nojs', answers, rev: 1 });
    assert.ok(!(await page.locator('dl.answers').innerText()).includes('typed although'), 'a non-applicable answer is not recorded');
    await visit(page, 'receipt-en-nojs');
  } finally { await ctx.close(); }
});

test('the same in Arabic (?lang=ar): right to left, Arabic labels, submit works', async () => {
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    await openLink(page, state.tokens.ar, '?lang=ar');
    const u = new URL(page.url());
    assert.equal(u.pathname + u.search, '/q/lsg-review?lang=ar');
    assert.deepEqual(await htmlAttrs(page), { lang: 'ar', dir: 'rtl' });
    assert.equal(await page.locator('h1').innerText(), LSG.title.ar);
    assert.ok((await page.locator('#q-now-legend').innerText()).includes(Q.now.text.ar), 'question text in Arabic');
    assert.equal((await page.locator('label[for="f-now-coordination"]').innerText()).trim(), Q.now.options[1].label.ar);
    assert.equal((await page.locator('label[for="f-cross_sg_focus-support"]').innerText()).trim(), 'تأييد');
    assert.equal((await page.locator('form.questionnaire button[type=submit].primary').innerText()).trim(), 'إرسال الإجابات');
    assert.equal(await page.locator('input[name=_lang]').inputValue(), 'ar');
    // The form lays out right to left.
    const box = await page.locator('#f-now-coordination').boundingBox();
    const lab = await page.locator('label[for="f-now-coordination"]').boundingBox();
    assert.ok(box.x > lab.x, 'the radio sits to the right of its label');
    await visit(page, 'form-ar', { phone: true });

    const answers = lsgAnswers('ar', 'ar');
    await fillForm(page, LSG, answers);
    assert.equal(await submit(page, 'lsg-review'), 303);
    assert.equal(new URL(page.url()).search, '?lang=ar', 'the receipt stays in Arabic');
    await checkReceipt(page, { form: LSG, token: state.tokens.ar, sub: 'ar', answers, rev: 1, lang: 'ar' });
    assert.equal((await page.locator('h1').innerText()).trim(), 'تم تسجيل إجاباتك');
    assert.ok((await page.locator('dl.answers').innerText()).includes(Q.now.options[2].label.ar));
    await visit(page, 'receipt-ar');
  } finally { await ctx.close(); }
});

test('the other languages (fr, es, zh, ru): language, title, draft notice, submit label', async () => {
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    await openLink(page, state.tokens.keys);
    for (const lang of LSG.languages.filter((l) => l !== 'en' && l !== 'ar')) {
      await page.goto(`${state.base}/q/lsg-review?lang=${lang}`);
      assert.deepEqual(await htmlAttrs(page), { lang, dir: 'ltr' });
      assert.equal(await page.locator('h1').innerText(), LSG.title[lang]);
      assert.equal((await page.locator('label[for="f-now-coordination"]').innerText()).trim(), Q.now.options[1].label[lang]);
      if ((LSG.drafts || []).includes(lang))
        assert.equal(await page.locator('.notice.draft a[hreflang=en]').count(), 1, `${lang}: draft notice links to the English original`);
      assert.equal(await page.locator('.langs .current').getAttribute('lang'), lang, `${lang}: the switcher marks the current language`);
      const submitLabel = { fr: 'Envoyer les réponses', es: 'Enviar respuestas', zh: '提交答复', ru: 'Отправить ответы' }[lang];
      if (submitLabel) assert.equal((await page.locator('form.questionnaire button[type=submit].primary').innerText()).trim(), submitLabel);
      await visit(page, `form-${lang}`);
    }
  } finally { await ctx.close(); }
});

test('422 round trip: errors beside their fields, answers kept; fixed and resubmitted', async () => {
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    await openLink(page, state.tokens.err422);
    const answers = lsgAnswers('err422');
    delete answers.clear;            // required, left out
    delete answers.unclear_points;   // (only applies after clarity 1 or 2)
    answers.max_per_sg = { position: 'object' };   // an objection without a reason
    await fillForm(page, LSG, answers);
    assert.equal(await submit(page, 'lsg-review'), 422);
    assert.equal(new URL(page.url()).pathname, '/q/lsg-review');
    assert.match(await page.title(), /^Error:/);

    const summary = page.locator('#error-summary');
    assert.equal(await summary.isVisible(), true, 'error summary shown');
    assert.match(await summary.innerText(), /Nothing has been saved yet/);
    assert.equal(await summary.locator('li').count(), 2, 'two errors listed');
    assert.equal(await summary.locator('a[href="#f-clear-1"]').count(), 1, 'summary links to the missing question');
    assert.equal(await summary.locator('a[href="#f-max_per_sg-support"]').count(), 1, 'summary links to the objection');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'error-summary', 'focus on the summary');
    for (const qid of ['clear', 'max_per_sg']) {
      const err = page.locator(`#q-${qid}-err`);
      assert.equal(await err.isVisible(), true, `${qid}: error beside the field`);
      assert.match(await page.locator(`#q-${qid}`).getAttribute('class'), /has-error/);
      assert.match(await page.locator(`#q-${qid}`).getAttribute('aria-describedby'), new RegExp(`q-${qid}-err`));
    }
    assert.match(await page.locator('#q-clear-err').innerText(), /required/);
    assert.match(await page.locator('#q-max_per_sg-err').innerText(), /reason/);
    assert.equal(await page.locator('.field-error').count(), 2, 'no other field marked');
    await checkFilled(page, LSG, answers);
    const me = await api('/api/v1/questionnaires/lsg-review/responses/me', state.tokens.err422);
    assert.equal(me.status, 404, 'nothing stored by a 422');
    await visit(page, 'form-422', { phone: true });

    // Following a summary link brings the field into view.
    await summary.locator('a[href="#f-clear-1"]').click();
    assert.equal(new URL(page.url()).hash, '#f-clear-1');
    assert.equal(await page.locator('#f-clear-1').isVisible(), true);

    const fixed = { ...answers, clear: 3, max_per_sg: { position: 'object', reason: 'Four is too few for SG17.' } };
    await page.locator('#f-clear-3').check();
    await page.locator('#f-max_per_sg-reason').fill(fixed.max_per_sg.reason);
    assert.equal(await submit(page, 'lsg-review'), 303);
    await checkReceipt(page, { form: LSG, token: state.tokens.err422, sub: 'err422', answers: fixed, rev: 1 });
  } finally { await ctx.close(); }
});

test('receipt page: revision increments on a second submission, prefilled form, new hash', async () => {
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    const tok = state.tokens.rev;
    await openLink(page, tok);
    assert.equal(await page.locator('p.notice.saved').count(), 0, 'no "saved" notice before a first answer');
    const first = lsgAnswers('rev');
    await fillForm(page, LSG, first);
    assert.equal(await submit(page, 'lsg-review'), 303);
    const r1 = await checkReceipt(page, { form: LSG, token: tok, sub: 'rev', answers: first, rev: 1 });
    assert.match(await page.locator('p.notice.saved').innerText(), /Revision 1, recorded on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\)/);

    // "Change your answers" -> the form, prefilled with revision 1.
    await Promise.all([page.waitForNavigation(), page.locator('main a.button.secondary').click()]);
    assert.equal(new URL(page.url()).pathname, '/q/lsg-review');
    assert.match(await page.locator('p.notice.saved').innerText(), /revision 1/);
    await checkFilled(page, LSG, expectedStored(LSG, first));
    await visit(page, 'form-prefilled');

    const second = { ...first, mech_authoritative: 'partly', comments: 'Second thoughts.', max_lsg: 7 };
    await fillForm(page, LSG, { mech_authoritative: second.mech_authoritative, comments: second.comments, max_lsg: second.max_lsg });
    assert.equal(await submit(page, 'lsg-review'), 303);
    const r2 = await checkReceipt(page, { form: LSG, token: tok, sub: 'rev', answers: second, rev: 2 });
    assert.match(await page.locator('p.notice.saved').innerText(), /Revision 2/);
    assert.notEqual(r2.hash, r1.hash, 'new answers, new hash');
    assert.notEqual(r2.receipt, r1.receipt, 'a new receipt');
    await visit(page, 'receipt-rev2');

    // The receipt page is copyable: with JS on a copy button appears, and
    // copies the receipt token.
    assert.equal(await page.locator('button.copy').count(), 1, 'copy button added by sounding.js');
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: state.base });
    await page.locator('button.copy').click();
    await page.locator('button.copy', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), r2.receipt, 'the token is on the clipboard');
  } finally { await ctx.close(); }
});

test('a link opened from another site (webmail) lands on the form, with and without JS', async () => {
  // SameSite=Strict: the cookie is not sent on a navigation that started on
  // another site, so the collector cannot see whether a session exists; the
  // link answers with a page that reloads itself from its own origin
  // (request.c cross_site_reload), and only that same-origin request sets
  // the cookie (login CSRF, docs/security.md) and lands on the form.
  for (const js of [true, false]) {
    const ctx = await newContext({ js });
    try {
      const page = await ctx.newPage();
      const mail = 'http://webmail.example/inbox';
      await page.route(mail, (r) => r.fulfill({ contentType: 'text/html',
        body: `<!doctype html><title>Inbox</title><p><a id="l" href="${state.base}/t/${state.tokens.mail}">Your link</a></p>` }));
      await page.goto(mail);
      let formLoads = 0, linkLoads = 0;
      page.on('response', (r) => {
        const p = new URL(r.url()).pathname;
        if (p === '/q/lsg-review') formLoads++;
        if (p.startsWith('/t/')) linkLoads++;
      });
      await page.locator('#l').click();
      await page.waitForURL(`${state.base}/q/lsg-review`);
      await page.locator('form.questionnaire').waitFor();
      assert.match(await page.locator('p.who').innerText(), /Answering as mail for Gondor/, `JS ${js ? 'on' : 'off'}: the delegate's form`);
      assert.equal(linkLoads, 2, 'the cross-site link reloaded itself once, from our origin');
      assert.equal(formLoads, 1, 'then the form came with the session cookie');
      await cspOnPage(page, `webmail-link-${js ? 'js' : 'nojs'}`);
    } finally { await ctx.close(); }
  }
});

test('a crafted link does not replace the session until "Continue" is pressed', async () => {
  // Login CSRF (docs/security.md): someone sends a delegate a link of their
  // own (or of anyone's); following it, from another site or typed in, must
  // not silently make the delegate answer as someone else.  The collector
  // asks first (page_session.c page_switch); the old session stays until
  // its button's POST, which another site cannot make.
  const victim = state.tokens.victim, crafted = state.tokens.crafted;
  const cookieOf = async (ctx) => {
    const c = (await ctx.cookies(state.base)).find((k) => k.name === 'snd_session');
    return c && c.value;
  };
  for (const js of [true, false]) {
    const tag = js ? 'js' : 'nojs';
    const ctx = await newContext({ js });
    try {
      const page = await ctx.newPage();
      await openLink(page, victim);
      assert.match(await page.locator('p.who').innerText(), /Answering as victim for Zembla/);
      assert.equal(await cookieOf(ctx), victim);

      // The crafted link on another site, and a form there posting to it.
      const evil = 'http://evil.example/page';
      await page.route(evil, (r) => r.fulfill({ contentType: 'text/html',
        body: `<!doctype html><title>Agenda</title><p><a id="l" href="${state.base}/t/${crafted}">Agenda</a></p>` +
          `<form id="f" method="post" action="${state.base}/t/${crafted}"><input type="hidden" name="_csrf" value="0123456789abcdef0123456789abcdef"><button>Go</button></form>` }));
      await page.goto(evil);
      await page.locator('#l').click();
      // (the cross-site navigation first reloads itself from our origin)
      await page.locator('form.switch').waitFor();
      assert.equal(new URL(page.url()).pathname, `/t/${crafted}`, 'still at the link: nothing was set');
      const main = await page.locator('main').innerText();
      assert.match(main, /signed in as victim \(delegate\)/, `${tag}: names who is signed in`);
      assert.match(main, /link you opened is for crafted \(delegate\)/, `${tag}: names who the link is for`);
      assert.equal((await page.content()).includes(crafted), false, 'no token on the page');
      assert.equal(await page.locator('form.switch').getAttribute('action'), null, 'the form posts back to the link');
      assert.equal(await cookieOf(ctx), victim, `${tag}: the crafted link did not replace the session`);
      assert.equal((await api('/api/v1/questionnaires/lsg-review/responses/me', crafted)).status, 404);
      await visit(page, `switch-${tag}`, { phone: js });

      // Another site's post to the link is refused (its Origin), session kept.
      await page.goto(evil);
      const [resp] = await Promise.all([page.waitForNavigation(), page.locator('#f button').click()]);
      assert.equal(resp.status(), 403, `${tag}: a post from another site`);
      assert.match(await page.locator('main').innerText(), /sent from another site/);
      assert.equal(await cookieOf(ctx), victim, `${tag}: still the victim's session after the foreign post`);
      if (js) await visit(page, 'error-403-cross-origin');

      // "Stay signed in as victim": back to the victim's form.
      await page.goto(`${state.base}/t/${crafted}`);
      const stay = page.locator('form.switch a.button.secondary');
      assert.match(await stay.innerText(), /Stay signed in as victim/);
      await Promise.all([page.waitForNavigation(), stay.click()]);
      assert.equal(new URL(page.url()).pathname, '/q/lsg-review');
      assert.match(await page.locator('p.who').innerText(), /Answering as victim for Zembla/);
      assert.equal(await cookieOf(ctx), victim);

      // The same question in Arabic when the link asks for it.
      await page.goto(`${state.base}/t/${crafted}?lang=ar`);
      assert.deepEqual(await htmlAttrs(page), { lang: 'ar', dir: 'rtl' });
      if (js) await visit(page, 'switch-ar');

      // Only pressing "Continue as crafted" switches.
      await page.goto(`${state.base}/t/${crafted}`);
      const go = page.locator('form.switch button[type=submit]');
      assert.match(await go.innerText(), /Continue as crafted/);
      const [post] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/t/${crafted}`),
        page.waitForNavigation({ waitUntil: 'load' }),
        go.click(),
      ]);
      assert.equal(post.status(), 303, `${tag}: the button's post`);
      assert.equal(new URL(page.url()).pathname, '/q/lsg-review');
      assert.match(await page.locator('p.who').innerText(), /Answering as crafted for Kakania/);
      assert.equal(await cookieOf(ctx), crafted, `${tag}: now the new session`);
      await cspOnPage(page, `switch-continued-${tag}`);
    } finally { await ctx.close(); }
  }
});

test('keyboard: skip link, arrow keys in a radio group, typing; leaving unsaved answers asks first', async () => {
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    await openLink(page, state.tokens.keys);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip', 'first Tab stop: the skip link');
    const box = await page.locator('a.skip').boundingBox();
    assert.ok(box && box.y >= 0, 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.equal(new URL(page.url()).hash, '#questions');
    // Into the first radio group and along it with the arrow keys.
    await page.locator('#f-now-communication').focus();
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#f-now-communication').isChecked(), true, 'Space checks the focused radio');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#f-now-authoritative').isChecked(), true, 'arrow keys move the choice');
    await page.locator('#q-why_authoritative').waitFor({ state: 'visible' });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '#q-now', 'Tab: the note\'s link back to question 1');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-why_authoritative', 'Tab: the question just shown');
    await page.keyboard.type('Typed with the keyboard.');
    assert.equal(await page.locator('#f-why_authoritative').inputValue(), 'Typed with the keyboard.');

    const before = state.dialogs.length;
    await page.goto(`${state.base}/healthz`);
    const asked = state.dialogs.slice(before).filter((d) => d.type === 'beforeunload');
    assert.equal(asked.length, 1, 'leaving a form with unsaved answers asks first');
    assert.equal((await api('/api/v1/questionnaires/lsg-review/responses/me', state.tokens.keys)).status, 404, 'nothing saved by leaving');
  } finally { await ctx.close(); }
});

function responsesOf(text) {
  const m = /Responses: (\d+)/.exec(text);
  assert.ok(m, `"Responses: N" in ${JSON.stringify(text)}`);
  return Number(m[1]);
}

test('chair view updates after a new submission (in place with JS, meta refresh without)', async () => {
  const jsCtx = await newContext();
  const noJsCtx = await newContext({ js: false });
  const delCtx = await newContext();
  try {
    const chair = await jsCtx.newPage();
    await openLink(chair, state.tokens.chair);
    assert.equal(new URL(chair.url()).pathname, '/chair/lsg-review', 'a chair link lands on the dashboard');
    const n0 = responsesOf(await chair.locator('#live p.updated').innerText());
    const d0 = Number(await chair.locator('#live .stat-n').first().innerText());
    const every = await chair.getAttribute('body', 'data-refresh');
    assert.match(every || '', /^[1-9][0-9]*$/, 'the page says how often it refreshes');
    await visit(chair, 'chair-en', { phone: true });

    const plain = await noJsCtx.newPage();
    await openLink(plain, state.tokens.chair);
    assert.equal(responsesOf(await plain.locator('#live p.updated').innerText()), n0);
    const meta = plain.locator('head meta[http-equiv="refresh"]');
    assert.equal(await meta.count(), 1, 'meta refresh present without JS');
    assert.equal(await meta.getAttribute('content'), every, 'same interval as data-refresh');
    await visit(plain, 'chair-nojs');

    // With JS: same document, #live swapped.  Mark the document and count
    // main-frame navigations from here on.
    let navigations = 0;
    chair.on('framenavigated', (f) => { if (f === chair.mainFrame()) navigations++; });
    await chair.evaluate(() => { window.__sndMarker = 'still here'; document.getElementById('live').dataset.old = '1'; });
    let plainReloads = 0;
    plain.on('framenavigated', (f) => { if (f === plain.mainFrame()) plainReloads++; });

    // Another delegate answers, in another browser context.
    const del = await delCtx.newPage();
    await openLink(del, state.tokens.late);
    const answers = lsgAnswers('late');
    answers.exclusions = { position: 'object', reason: 'Exclusions make roles rigid (late).' };
    await fillForm(del, LSG, answers);
    assert.equal(await submit(del, 'lsg-review'), 303);

    await chair.waitForFunction((n) => {
      const p = document.querySelector('#live p.updated');
      const m = p && /Responses: (\d+)/.exec(p.textContent);
      return m && Number(m[1]) === n;
    }, n0 + 1, { timeout: CHAIR_WAIT_MS, polling: 250 });
    assert.equal(navigations, 0, 'the chair page updated without a navigation');
    assert.equal(await chair.evaluate(() => window.__sndMarker), 'still here', 'same document');
    assert.equal(await chair.evaluate(() => document.getElementById('live').dataset.old), undefined, '#live was swapped');
    assert.equal(Number(await chair.locator('#live .stat-n').first().innerText()), d0 + 1, 'turnout counts the new delegate');
    const objections = await chair.locator('#live').innerText();
    assert.ok(objections.includes('Exclusions make roles rigid (late).'), 'the new objection is shown');
    assert.ok(objections.includes('Borduria'), 'with its entity');

    // Without JS the meta refresh reloads the page, which (at the latest
    // on the first reload after the submission) shows the new count.
    const deadline = Date.now() + CHAIR_WAIT_MS;
    for (;;) {
      await plain.waitForLoadState('load');
      if (plainReloads > 0 && responsesOf(await plain.locator('#live p.updated').innerText()) === n0 + 1) break;
      const left = deadline - Date.now();
      assert.ok(left > 0, `the page without JS did not reload to ${n0 + 1} responses (${plainReloads} reloads)`);
      await plain.waitForEvent('framenavigated', { timeout: left });
    }

    // The download links work with the session cookie alone.
    const [dl] = await Promise.all([chair.waitForEvent('download'), chair.locator('.downloads a[type="text/csv"]').click()]);
    assert.equal(dl.suggestedFilename(), 'lsg-review-summary.csv');
    const csvText = fs.readFileSync(await dl.path(), 'utf8');
    assert.ok(csvText.includes('max_per_sg') && csvText.includes('exclusions'), 'CSV summary names the questions');
    const jsonHref = await chair.locator('.downloads a[type="application/json"]').getAttribute('href');
    const sum = await jsCtx.request.get(state.base + jsonHref);
    assert.equal(sum.status(), 200, 'JSON summary with the session cookie');
    assert.equal((await sum.json()).responses, n0 + 1);

    // Printable: the controls, language links and downloads stay off paper.
    await chair.emulateMedia({ media: 'print' });
    for (const hidden of ['.controls', '.langs', '.downloads', '.refresh-note'])
      assert.equal(await chair.locator(hidden).first().isHidden(), true, `${hidden} not printed`);
    await chair.pdf({ path: path.join(ARTEFACTS, 'chair-print.pdf'), format: 'A4', printBackground: true });
    await chair.emulateMedia({ media: 'screen' });

    // A breakdown, in Arabic, for the audit.
    await chair.goto(`${state.base}/chair/lsg-review?by=region&lang=ar`);
    assert.deepEqual(await htmlAttrs(chair), { lang: 'ar', dir: 'rtl' });
    assert.ok(await chair.locator('section.groups details.group').count() >= 1, 'a group per region');
    await visit(chair, 'chair-ar-by-region');

    // One question's full list of objections (the dashboard shows at most 20
    // per list, linking here), in Arabic, for the audit.
    await chair.goto(`${state.base}/chair/lsg-review?list=max_per_sg&lang=ar`);
    assert.deepEqual(await htmlAttrs(chair), { lang: 'ar', dir: 'rtl' });
    assert.ok(await chair.locator('ol.objections li').count() >= 1, 'the objections are listed');
    await visit(chair, 'chair-ar-list');
  } finally {
    await Promise.all([jsCtx.close(), noJsCtx.close(), delCtx.close()]);
  }
});

test('a second form, answered on a phone: every type including multi', async () => {
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    await openLink(page, state.tokens.example);
    assert.equal(new URL(page.url()).pathname, `/q/${EXAMPLE.id}`);
    assert.equal(await page.locator('#q-why_blue').isHidden(), true);
    const answers = { colour: 'blue', why_blue: 'Like the sea.', tools: ['email', 'chat'], clear: 5,
      per_sg: { sg2: 3, sg3: null }, order: ['gamma', 'alpha'], proposal: { position: 'live_with' }, how_many: 12 };
    // Answered on a phone: the matrix stacks, one block per row, and each
    // point has its own visible label to tap.
    await page.setViewportSize(PHONE);
    assert.equal(await page.locator('label[for="f-per_sg-sg2-3"]').isVisible(), true, 'matrix point labels shown on a phone');
    await page.locator('label[for="f-per_sg-sg2-3"]').click();
    await fillForm(page, EXAMPLE, answers);
    await page.setViewportSize(DESKTOP);
    const wide = await page.locator('label[for="f-per_sg-sg2-3"]').boundingBox();
    assert.ok(wide.width <= 1 && wide.height <= 1, 'and visually hidden in the table on a wide screen');
    await visit(page, 'form-example', { phone: true });
    assert.equal(await submit(page, EXAMPLE.id), 303);
    await checkReceipt(page, { form: EXAMPLE, token: state.tokens.example, sub: 'ex-1', answers, rev: 1 });
    await visit(page, 'receipt-example');
  } finally { await ctx.close(); }
});

test('revision limits: the 429 pages (rate, then total), nothing stored, the way back', async () => {
  // Collectors of their own with tight limits (serve --revision-rate and
  // --max-revisions), so the main one keeps its defaults for the others.
  const tok = state.tokens.limits;
  for (const [kind, more] of [['rate', ['--revision-rate', '1', '--max-revisions', '0']],
                              ['total', ['--revision-rate', '0', '--max-revisions', '1']]]) {
    const srv = await startCollector(`limits-${kind}.db`, `limits-${kind}.log`, more);
    const ctx = await newContext();
    try {
      const page = await ctx.newPage();
      const r0 = await page.goto(`${srv.base}/t/${tok}`);
      assert.equal(r0.status(), 200);
      const answers = lsgAnswers(`limits-${kind}`);
      await fillForm(page, LSG, answers);
      assert.equal(await submit(page, 'lsg-review'), 303, `${kind}: the first revision is stored`);
      await Promise.all([page.waitForNavigation(), page.locator('main a.button.secondary').click()]);
      await page.locator('#f-comments').fill(`A second thought (${kind}).`);
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/q/lsg-review'),
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('form.questionnaire button[type=submit].primary').click(),
      ]);
      assert.equal(resp.status(), 429, `${kind}: the second revision`);
      const retry = Number(await resp.headerValue('retry-after'));
      if (kind === 'rate') assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      else assert.equal(retry, 86400, 'over the total, waiting does not help');
      assert.match(await page.locator('h1').innerText(), /too many revisions/);
      const me = await fetch(`${srv.base}/api/v1/questionnaires/lsg-review/responses/me`, { headers: { Authorization: `Bearer ${tok}` } });
      assert.equal((await me.json()).revision, 1, `${kind}: nothing stored by the 429`);
      await visit(page, `limit-429-${kind}`, { phone: kind === 'rate' });
      const back = page.locator('main a').last();
      await Promise.all([page.waitForNavigation(), back.click()]);
      assert.equal(new URL(page.url()).pathname, kind === 'rate' ? '/q/lsg-review' : '/q/lsg-review/receipt', `${kind}: the way back`);
    } finally {
      await ctx.close();
      const code = await stopCollector(srv.child);
      if (code !== 0) log(`# limits-${kind} collector exited with ${code} on SIGTERM`);
    }
  }
});

test('error pages: bad, cut, revoked links 401, no session 401, CSRF and chair 403, 404s, closed 409', async () => {
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    // Revoked while the collector runs: refused from the next request on.
    const claims = JSON.parse(runCollector(['token', 'verify', '--pub', path.join(state.tmp, 'keys', 'issuer.public'), state.tokens.revoked]));
    const jti = (typeof claims.payload === 'string' ? JSON.parse(claims.payload) : claims.payload).jti;
    runCollector(['revoke', '--db', path.join(state.tmp, 'sounding.db'), '--jti', jti]);
    const cases = [
      ['error-401-bad-link', '/t/v4.public.not-a-token', 401, /link/i],
      ['error-401-cut-link', `/t/${state.tokens.late.slice(0, 60)}`, 401, /link/i],
      ['error-401-no-session', '/q/lsg-review', 401, null],
      ['error-404-no-form', '/q/no-such-form', 404, null],
      ['error-401-revoked', `/t/${state.tokens.revoked}`, 401, /revoked|withdrawn|no longer/i],
      ['error-409-closed', `/t/${state.tokens.closed}`, 409, /closed/i],
      ['error-401-no-session-ar', '/q/lsg-review?lang=ar', 401, null],
    ];
    for (const [name, p, status, re] of cases) {
      const r = await page.goto(state.base + p);
      assert.equal(r.status(), status, `${p}: status`);
      assert.equal((await r.headerValue('content-type')).split(';')[0], 'text/html', `${p}: an HTML page`);
      assert.ok((await page.locator('h1').innerText()).trim().length > 0, `${p}: a heading`);
      if (re) assert.match(await page.locator('main').innerText(), re, `${p}: says why`);
      // Every page is in one language: an English heading only on an English page.
      const [pageLang, h1Lang] = await page.evaluate(() => [document.documentElement.lang, document.querySelector('h1').closest('[lang]').lang]);
      if (/^[\x20-\x7e]*$/.test(await page.locator('h1').innerText())) assert.equal(h1Lang, 'en', `${p}: English heading marked as English (page: ${pageLang})`);
      await visit(page, name);
    }
    // A delegate's session on the chair's page, and on a receipt before answering.
    // (The closed link above left a session: a new link would ask before
    // replacing it, request.c; this is a fresh browser.)
    await ctx.clearCookies();
    await openLink(page, state.tokens.forbidden);
    let r = await page.goto(`${state.base}/chair/lsg-review`);
    assert.equal(r.status(), 403, 'a delegate cannot see the chair page');
    await visit(page, 'error-403-chair');
    r = await page.goto(`${state.base}/q/lsg-review/receipt`);
    assert.equal(r.status(), 404, 'no receipt before a first answer');
    await visit(page, 'error-404-no-receipt');
    // A form whose anti-CSRF field is not this session's: 403, nothing stored.
    await page.goto(`${state.base}/q/lsg-review`);
    await page.locator('#f-now-coordination').check();
    await page.locator('input[name=_csrf]').evaluate((e) => { e.value = 'forged'; });
    assert.equal(await submit(page, 'lsg-review'), 403);
    assert.match(await page.locator('main').innerText(), /did not come from this site|out of date/);
    assert.equal((await api('/api/v1/questionnaires/lsg-review/responses/me', state.tokens.forbidden)).status, 404, 'nothing stored');
    await visit(page, 'error-403-csrf');
  } finally { await ctx.close(); }
});

test('drafts with JavaScript off: save a partial draft, reload, leave, come back from another device', async () => {
  const tok = state.tokens.draft;
  const partial = { now: 'coordination', clear: 4, max_lsg: 3, comments: 'Half done; back after the coffee break.' };
  const saveDraft = async (page) => {
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/q/lsg-review'),
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('form.questionnaire button[name=_draft]').click(),
    ]);
    return resp.status();
  };
  let ctx = await newContext({ js: false });
  try {
    const page = await ctx.newPage();
    await openLink(page, tok);
    await fillForm(page, LSG, partial);
    // 19 required questions unanswered: a draft keeps what is there anyway.
    assert.equal(await saveDraft(page), 303);
    assert.equal(new URL(page.url()).pathname, '/q/lsg-review', 'back on the form');
    assert.match(await page.locator('.notice.unsent').innerText(), /Draft saved on \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\) — not yet submitted/);
    await checkFilled(page, LSG, partial);
    await visit(page, 'form-draft-saved', { phone: true });
    await page.reload();
    await checkFilled(page, LSG, partial);
    assert.equal((await api('/api/v1/questionnaires/lsg-review/responses/me', tok)).status, 404, 'a draft is not a revision');
    const d = await api('/api/v1/questionnaires/lsg-review/draft', tok);
    assert.equal(d.status, 200);
    assert.deepEqual(d.json.answers, partial);
  } finally { await ctx.close(); }
  // Another device (a fresh browser) with the same link: the draft is there.
  ctx = await newContext({ js: false, locale: 'fr-FR' });
  try {
    const page = await ctx.newPage();
    await openLink(page, tok, '?lang=fr');
    await checkFilled(page, LSG, partial);
    assert.match(await page.locator('.notice.unsent').innerText(), /Brouillon enregistré le/);
    // Complete it and submit: the draft is gone, the revision counts.
    const answers = lsgAnswers('draft');
    await fillForm(page, LSG, answers);
    assert.equal(await submit(page, 'lsg-review'), 303);
    assert.equal((await api('/api/v1/questionnaires/lsg-review/draft', tok)).status, 404, 'submitting deleted the draft');
    await page.goto(`${state.base}/q/lsg-review?lang=fr`);
    assert.equal(await page.locator('.notice.unsent').count(), 0, 'no draft notice after submitting');
  } finally { await ctx.close(); }
});

// ------------------------------------------------------------ rounds

// A collector of its own serving a round-1 and a round-2 form of one series
// (tests/data/forms/register-r{1,2}.json) on one database, with designed
// answers given through the API, so that the register of round 2 has one
// entry of each status but "silent":
//   Zembla   objects in both rounds (one of its two delegates in round 2:
//            an entity objects when any of its delegates does) -> sustained
//   Borduria supports in round 1, objects in round 2               -> new
//   Arcadia  objects in round 1, lives with it in round 2          -> withdrawn
// The names sort the other way round, so the order checked is the status's.
// Round 1 is closed (`collector close`) before round 2 is answered.
const REG = {
  q: 'lsg_concept',
  r1: { 'zem-1': { position: 'object', reason: 'Too many groups.' },
        'arc-1': { position: 'object', reason: 'The mandate is unclear.' },
        'bor-1': { position: 'support' } },
  r2: { 'zem-1': { position: 'object', reason: 'Still too many groups.' },
        'zem-2': { position: 'support' },
        'arc-1': { position: 'live_with' },
        'bor-1': { position: 'object', reason: 'The revision dropped the review clause.' } },
  entity: { 'zem-1': 'Zembla', 'zem-2': 'Zembla', 'arc-1': 'Arcadia', 'bor-1': 'Borduria' },
  expected: [['sustained', 'Zembla'], ['new', 'Borduria'], ['withdrawn', 'Arcadia']],
};

async function regFixture() {
  if (state.reg) return state.reg;
  const people = writeCsv('register-delegates.csv', [['id', 'entity'], ...Object.entries(REG.entity)]);
  const tok = { r1: {}, r2: {} };
  for (const r of issueLinks(REG_R1_FILE, people, 'delegate')) tok.r1[r.id] = r.token;
  for (const r of issueLinks(REG_R2_FILE, people, 'delegate')) tok.r2[r.id] = r.token;
  const chairs = writeCsv('register-chairs.csv', [['id', 'entity'], ['chair-reg', 'TSAG']]);
  tok.chair = issueLinks(REG_R2_FILE, chairs, 'chair')[0].token;
  const srv = await startCollector('register.db', 'register.log', [], [REG_R1_FILE, REG_R2_FILE]);
  state.reg = { ...srv, tok, db: path.join(state.tmp, 'register.db') };
  const post = async (qid, token, answers) => {
    const r = await fetch(`${srv.base}/api/v1/questionnaires/${qid}/responses`, {
      method: 'POST', body: JSON.stringify({ answers }),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
    return { status: r.status, body: await r.text() };
  };
  for (const [id, a] of Object.entries(REG.r1)) {
    const r = await post('register-r1', tok.r1[id], { [REG.q]: a });
    assert.equal(r.status, 201, `round 1, ${id}: ${r.body}`);
  }
  runCollector(['close', '--db', state.reg.db, '--form', 'register-r1']);
  const late = await post('register-r1', tok.r1['zem-2'], { [REG.q]: { position: 'support' } });
  assert.equal(late.status, 409, `round 1 is closed: ${late.body}`);
  for (const [id, a] of Object.entries(REG.r2)) {
    const r = await post('register-r2', tok.r2[id], { [REG.q]: a });
    assert.equal(r.status, 201, `round 2, ${id}: ${r.body}`);
  }
  return state.reg;
}

// The register's rows as [status class, status word, proposal, entity, round 1, round 2, ...].
async function registerRows(page) {
  const reg = page.locator('#live section.snd-register');
  assert.equal(await reg.count(), 1, 'the chair page has the objection register');
  return reg.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [
    tr.className.replace(/^snd-reg-/, ''), ...[...tr.children].map((c) => c.innerText.trim())]));
}

test('rounds: the chair page lists the objection register, sustained first (English, French)', async () => {
  const reg = await regFixture();
  const ctx = await newContext();
  try {
    const page = await ctx.newPage();
    const resp = await page.goto(`${reg.base}/t/${reg.tok.chair}`);
    assert.equal(resp.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/chair/register-r2', 'the round-2 chair link lands on its dashboard');
    const words = { en: { sustained: 'sustained', new: 'new', withdrawn: 'withdrawn', head: 'Objection register',
                          object: 'object', support: 'support', live_with: 'can live with', round: 'round' },
                    fr: { sustained: 'maintenue', new: 'nouvelle', withdrawn: 'retirée', head: 'Registre des objections',
                          object: 'objection', support: 'soutien', live_with: 'peut accepter', round: 'tour' } };
    for (const lang of ['en', 'fr']) {
      if (lang !== 'en') await page.goto(`${reg.base}/chair/register-r2?lang=${lang}`);
      assert.equal((await htmlAttrs(page)).lang, lang);
      const w = words[lang];
      assert.equal((await page.locator('#reg-h').innerText()).trim(), w.head);
      const heads = await page.locator('section.snd-register thead th').allInnerTexts();
      assert.deepEqual(heads.slice(3).map((h) => h.trim()), [`${w.round} 1`, `${w.round} 2`], `${lang}: one column per round`);
      const rows = await registerRows(page);
      assert.deepEqual(rows.map((r) => [r[0], r[3]]), REG.expected, `${lang}: sustained first, then new, then withdrawn`);
      assert.deepEqual(rows.map((r) => r[1]), REG.expected.map(([st]) => w[st]), `${lang}: the status words`);
      const proposal = lang === 'en' ? 'Adopt the revised LSG concept.' : 'Adopter le concept de LSG révisé.';
      assert.ok(rows.every((r) => r[2] === proposal), `${lang}: the proposal, as round 2 words it`);
      // Each round's position and reason side by side.
      const [zem, bor, arc] = rows;
      assert.ok(zem[4].includes('Too many groups.') && zem[5].includes('Still too many groups.'), `Zembla's reasons: ${zem}`);
      assert.ok(!bor[4].includes('groups') && bor[5].includes('The revision dropped the review clause.'), `Borduria: ${bor}`);
      assert.ok(arc[4].includes('The mandate is unclear.'), `Arcadia: ${arc}`);
      assert.ok(zem[4].startsWith(w.object) && zem[5].startsWith(w.object), `Zembla objects in both rounds: ${zem}`);
      assert.equal(bor[4], w.support, `Borduria supported in round 1: ${bor}`);
      assert.equal(arc[5], w.live_with, `Arcadia can live with it in round 2: ${arc}`);
      await visit(page, `chair-register-${lang}`);
    }
  } finally { await ctx.close(); }
});

test('rounds: a disposition and an outcome recorded with JavaScript off, shown and stored', async () => {
  const reg = await regFixture();
  const note = 'Addressed by the revised text (§2) <b>& "quoted"</b>.';
  const outcome = 'Agreed with one sustained objection; the chair will consult Zembla.';
  const ctx = await newContext({ js: false });
  try {
    const page = await ctx.newPage();
    const resp = await page.goto(`${reg.base}/t/${reg.tok.chair}`);
    assert.equal(resp.status(), 200);
    // The dashboard links to the record page.
    await Promise.all([page.waitForNavigation(), page.locator('p.record-link a').click()]);
    assert.equal(new URL(page.url()).pathname, '/chair/register-r2/record');
    assert.equal(await page.locator('head meta[http-equiv="refresh"]').count(), 0, 'the record page does not refresh');
    const items = page.locator('li.rec-disp');
    const ents = (await items.locator('bdi.ent').allInnerTexts()).map((t) => t.trim()).sort();
    assert.deepEqual(ents, ['Borduria', 'Zembla'], 'the entities objecting in round 2, each with a form');
    await visit(page, 'record-nojs');

    // A normal form POST: the CSRF field, 303 back with a notice.
    const zem = items.filter({ has: page.locator('bdi.ent', { hasText: 'Zembla' }) });
    assert.match(await zem.locator('input[name=_csrf]').inputValue(), /^[A-Za-z0-9_-]{16,}$/, 'the form carries the CSRF value');
    await zem.locator('select[name=status]').selectOption('addressed');
    await zem.locator('textarea[name=note]').fill(note);
    const postIt = async (button) => {
      const [r] = await Promise.all([
        page.waitForResponse((x) => x.request().method() === 'POST' && new URL(x.url()).pathname === '/chair/register-r2/record'),
        page.waitForNavigation({ waitUntil: 'load' }),
        button.click(),
      ]);
      assert.equal(r.status(), 303, 'the record POST answers 303');
      assert.equal(new URL(page.url()).pathname, '/chair/register-r2/record', 'back on the record page');
      assert.equal((await page.locator('.notice.saved').innerText()).trim(), 'Recorded.');
    };
    await postIt(zem.locator('button[type=submit]'));
    const zemNow = (await zem.locator('p').first().innerText()).replace(/\s+/g, ' ');
    assert.ok(zemNow.includes(`Addressed — ${note}`), `the disposition on the record page: ${zemNow}`);
    assert.match(zemNow, /recorded by chair-reg on \d{4}-\d\d-\d\d/);
    assert.equal(await zem.locator('select[name=status]').inputValue(), 'addressed', 'the form shows the current status');
    assert.equal(await zem.locator('textarea[name=note]').inputValue(), note);

    // The outcome statement of the question.
    const sec = page.locator('section.rec-question').first();
    await sec.locator('.rec-outcome textarea[name=text]').fill(outcome);
    await postIt(sec.locator('.rec-outcome button[type=submit]'));
    assert.ok((await sec.locator('.rec-outcome .rec-current').innerText()).includes(outcome), 'the outcome on the record page');
    await visit(page, 'record-saved-nojs');

    // The chair page shows them next to the objection and the question.
    // The dashboard may lag by one tally (tally_cache.c, invariant 1: a
    // stale view is recomputed in the background while the request gets
    // the current snapshot); its meta refresh (JavaScript is off) brings
    // the new one.
    await Promise.all([page.waitForNavigation(), page.locator('p.back a').click()]);
    assert.equal(new URL(page.url()).pathname, '/chair/register-r2', 'the record page links back to the dashboard');
    const deadline = Date.now() + CHAIR_WAIT_MS;
    for (;;) {
      await page.waitForLoadState('load');
      if (await page.locator('#live .snd-record p.outcome').count() > 0) break;
      const left = deadline - Date.now();
      assert.ok(left > 0, 'the dashboard did not show the record after its refreshes');
      await page.waitForEvent('framenavigated', { timeout: left });
    }
    const rec = page.locator('#live .snd-record').first();
    const disp = (await rec.locator('ul.dispositions li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    assert.equal(disp.length, 1, `one disposition: ${disp}`);
    assert.ok(disp[0].startsWith(`Zembla: addressed — ${note}`), `the disposition on the chair page: ${disp[0]}`);
    assert.ok((await rec.locator('p.outcome').innerText()).includes(outcome), 'the outcome on the chair page');
    const rows = await registerRows(page);
    assert.equal(rows[0][3], 'Zembla');
    const last = rows[0][rows[0].length - 1];
    assert.ok(last.includes(note), `the register's disposition column: ${last}`);
    assert.ok(rows.slice(1).every((r) => r[r.length - 1] === ''), 'no disposition for the others');
    await visit(page, 'chair-register-recorded-nojs');

    // Stored with the chair's id (the API, the chair's bearer token).
    const get = async (what) => {
      const r = await fetch(`${reg.base}/api/v1/questionnaires/register-r2/${what}`, { headers: { Authorization: `Bearer ${reg.tok.chair}` } });
      assert.equal(r.status, 200, `GET ${what}`);
      return (await r.json())[what];
    };
    const ds = await get('dispositions');
    assert.equal(ds.length, 1, JSON.stringify(ds));
    assert.deepEqual({ question: ds[0].question, entity: ds[0].entity, status: ds[0].status, note: ds[0].note, by: ds[0].by },
      { question: REG.q, entity: 'Zembla', status: 'addressed', note, by: 'chair-reg' });
    assert.match(ds[0].at, /^\d{4}-\d\d-\d\dT/);
    const os_ = await get('outcomes');
    assert.equal(os_.length, 1, JSON.stringify(os_));
    assert.deepEqual({ question: os_[0].question, text: os_[0].text, by: os_[0].by }, { question: REG.q, text: outcome, by: 'chair-reg' });
    // A delegate's token is refused.
    const del = await fetch(`${reg.base}/api/v1/questionnaires/register-r2/dispositions`, { headers: { Authorization: `Bearer ${reg.tok.r2['zem-1']}` } });
    assert.equal(del.status, 403, 'a delegate gets 403');
  } finally { await ctx.close(); }
});

test('no CSP violation, no script error, no unexpected dialog on any page', async () => {
  assert.ok(state.pages.length >= (process.env.SND_ONLY ? 1 : 20), `pages checked: ${state.pages.length}`);
  assert.deepEqual(state.csp, [], 'CSP violations');
  assert.deepEqual(state.pageErrors, [], 'uncaught page errors');
  // Only the keyboard test leaves unsaved answers; a submitted form never asks.
  assert.deepEqual(state.dialogs.filter((d) => !d.test.startsWith('keyboard')), [], 'unexpected dialogs');
});

// ------------------------------------------------------------ the runner

async function main() {
  const t0 = Date.now();
  const only = process.env.SND_ONLY ? new RegExp(process.env.SND_ONLY) : null;
  let passed = 0, failed = 0;
  const watchdog = setTimeout(() => {
    console.error('browser tests: still running after 8 minutes; giving up');
    teardown().finally(() => process.exit(1));
  }, 8 * 60 * 1000);
  try {
    await setup();
    log(`# collector ${state.base}, chromium ${state.browser.version()}, artefacts ${ARTEFACTS}`);
    for (const t of tests) {
      if (only && !only.test(t.name)) continue;
      const s = Date.now();
      state.current = t.name;
      try {
        let timer;
        await Promise.race([t.fn(), new Promise((_, rej) => {
          timer = setTimeout(() => rej(new Error(`test still running after ${TEST_MS / 1000} s`)), TEST_MS);
        })]).finally(() => clearTimeout(timer));
        passed++;
        log(`ok ${passed + failed} - ${t.name} (${((Date.now() - s) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed++;
        log(`not ok ${passed + failed} - ${t.name}`);
        log(String(e && e.stack || e).split('\n').map((l) => '#   ' + l).join('\n'));
      }
    }
  } catch (e) {
    failed++;
    log(`not ok - setup: ${e && e.stack || e}`);
  } finally {
    fs.writeFileSync(path.join(ARTEFACTS, 'axe.json'), JSON.stringify(state.axe, null, 2));
    if (failed && state.log && fs.existsSync(state.log)) {
      const lines = fs.readFileSync(state.log, 'utf8').trimEnd().split('\n');
      log('# collector log (last 20 lines):\n' + lines.slice(-20).map((l) => '#   ' + l).join('\n'));
    }
    await teardown();
    clearTimeout(watchdog);
  }
  log(`# ${state.pages.length} pages audited, ${state.shot} screenshots in ${ARTEFACTS}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
