/* assets.c - the collector's static assets (interface in pages.h): the
 * stylesheet (core's chart styles, then ours) and the optional script,
 * served from /static/ so the Content-Security-Policy can stay 'self'.
 *
 * Invariants:
 *   1. Constant text only: nothing here depends on a request.
 *   2. The full stylesheet is built once (pthread_once) and never freed;
 *      out of memory at that moment, page_css still serves our own rules.
 */
#include "pages.h"

#include <pthread.h>
#include <stddef.h>

/* Ours comes after snd_report_css so that our page rules (base size,
 * logical alignment) win over the report's where they overlap. */
static const char css_pages[] =
	"/* sounding.css - pages of the Sounding collector. */\n"
	":root{--fg:#111;--bg:#fff;--muted:#4a4a4a;--line:#6b6b6b;--soft:#e6e6e6;"
	"--accent:#0a4f96;--err:#b3001b;--ok:#136b36;--warn:#7a4d00;--focus:#ffbf00}\n"
	"*,*::before,*::after{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
	"body{margin:0 auto;padding:0;max-width:none;color:var(--fg);background:var(--bg);"
	"font:1.0625rem/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\","
	"\"Noto Sans Arabic\",\"Noto Sans CJK SC\",\"Noto Sans SC\",sans-serif}\n"
	"main,.top{max-width:46rem;margin-inline:auto;padding-inline:1rem}\n"
	"main{padding-block:0 3rem}\n"
	"h1{font-size:1.75rem;line-height:1.25;margin-block:1rem .75rem}\n"
	"h2{font-size:1.375rem;line-height:1.3;margin-block:2.5rem 1rem;padding-block-end:.25rem;"
	"border-bottom:0;border-block-end:3px solid var(--accent)}\n"
	"a{color:var(--accent);text-underline-offset:.15em}\n"
	"a:hover{text-decoration-thickness:3px}\n"
	":focus-visible{outline:3px solid var(--fg);outline-offset:2px;"
	"box-shadow:0 0 0 6px var(--focus)}\n"
	"input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible"
	"{outline:3px solid var(--fg);outline-offset:2px;box-shadow:0 0 0 6px var(--focus)}\n"
	"[hidden]{display:none!important}\n"
	".vh{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
	"clip:rect(0,0,0,0);clip-path:inset(50%);white-space:nowrap;border:0}\n"
	".skip{position:absolute;inset-inline-start:.5rem;top:-10rem;background:var(--bg);"
	"padding:.75rem 1rem;z-index:10}\n.skip:focus{top:.5rem}\n"
	/* language switcher */
	".langs ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:0;"
	"padding:.5rem 0;border-block-end:1px solid var(--soft)}\n"
	".langs a,.langs .current{display:inline-block;padding:.5rem .25rem;min-height:44px}\n"
	".langs .current{font-weight:700;border-block-end:3px solid var(--fg)}\n"
	/* notices */
	".notice{border-inline-start:6px solid var(--accent);background:#eef3fa;"
	"padding:.75rem 1rem;margin-block:1rem}\n"
	".notice.draft{border-color:var(--warn);background:#fff5e0}\n"
	".notice.saved{border-color:var(--ok);background:#eaf6ee}\n"
	".closes,.who,.form-title,.explain,.updated{color:var(--muted)}\n"
	".form-title{margin-block:1rem 0;font-weight:600}\n"
	".intro-p,.help-p{margin-block:.5rem}\n"
	/* error summary and field errors: a thick border and words, not only colour */
	".error-summary{border:4px solid var(--err);padding:1rem 1.25rem;margin-block:1.5rem}\n"
	".error-summary h2{margin-block:0 .5rem;border:0;color:var(--err)}\n"
	".error-summary ul{padding-inline-start:1.25rem}\n"
	".error-summary a{color:var(--err);font-weight:600}\n"
	".field-error{color:var(--err);font-weight:700;margin-block:.5rem}\n"
	".q.has-error{border-inline-start:5px solid var(--err);padding-inline-start:1rem}\n"
	"[aria-invalid=true]{border-color:var(--err)}\n"
	/* questions */
	".sec{margin-block-end:2rem}\n"
	".q{border:0;margin:0 0 1.5rem;padding:1.25rem 0 0;min-inline-size:0;"
	"border-block-start:1px solid var(--soft)}\n"
	/* A floated legend is laid out in the flow like a heading instead of
	 * straddling the fieldset's top border. */
	".q>legend{float:left;width:100%;padding:0;margin-block-end:.5rem;"
	"font-size:1.125rem;font-weight:650;line-height:1.4}\n"
	".q>legend+*{clear:both}\n"
	".qnum{color:var(--muted);font-variant-numeric:tabular-nums}\n"
	".req{display:inline-block;font-size:.8125rem;font-weight:700;line-height:1.4;"
	"border:2px solid currentColor;border-radius:.25rem;padding:0 .4em;margin-inline-start:.35em;"
	"vertical-align:.1em;text-transform:uppercase;letter-spacing:.02em}\n"
	".cond{font-style:italic;color:var(--muted);border-inline-start:3px solid var(--soft);"
	"padding-inline-start:.75rem;margin-block:.25rem .75rem}\n"
	".help{color:var(--muted)}.hint{color:var(--muted);margin-block:.25rem .75rem}\n"
	/* quotation marks around chosen answers in show_if notes, per language
	 * (CSS escapes keep this file ASCII) */
	"q:lang(ar),q:lang(fr),q:lang(es),q:lang(ru){quotes:\"\\00AB\" \"\\00BB\" \"\\201C\" \"\\201D\"}\n"
	"q:lang(zh){quotes:\"\\201C\" \"\\201D\" \"\\2018\" \"\\2019\"}\n"
	".choices{display:flex;flex-direction:column;gap:.25rem}\n"
	".choice{display:flex;align-items:flex-start;gap:.75rem;min-height:44px;padding-block:.25rem}\n"
	".choice label{flex:1;padding-block:.15rem;cursor:pointer}\n"
	"input[type=radio],input[type=checkbox]{width:1.5rem;height:1.5rem;margin:0;margin-block-start:.1rem;"
	"flex:none;accent-color:var(--accent);cursor:pointer}\n"
	".help-p:first-child{margin-block-start:0}\n"
	".pt{font-weight:700;font-variant-numeric:tabular-nums}\n"
	"@media (min-width:40rem){.scale{flex-direction:row;flex-wrap:wrap;gap:.5rem}"
	".scale .choice{flex:1 1 0;min-width:5.5rem;flex-direction:column;align-items:center;"
	"text-align:center;border:1px solid var(--soft);border-radius:.35rem;padding:.5rem .25rem}"
	".scale .choice label{display:flex;flex-direction:column}}\n"
	"textarea,input[type=number],select{font:inherit;font-size:max(1rem,16px);color:var(--fg);"
	"background:var(--bg);border:2px solid var(--line);border-radius:.3rem;padding:.5rem .6rem;"
	"max-width:100%;min-height:44px}\n"
	"textarea{width:100%;display:block;line-height:1.45}\n"
	"input[type=number]{width:10rem}\n"
	".reason{margin-block-start:.75rem}.reason label,label.block{display:block;font-weight:600;"
	"margin-block-end:.25rem}\n"
	/* rank: option text above its place on phones; place first on wide screens */
	".rank{display:flex;flex-direction:column;gap:.75rem}\n"
	".rank-item{display:flex;flex-direction:column;align-items:flex-start;gap:.25rem}\n"
	".rank-item select{min-width:9rem}\n"
	"@media (min-width:40rem){.rank-item{flex-direction:row;align-items:center;gap:.75rem}"
	".rank-item select{order:-1;flex:none}}\n"
	/* matrix: a table on wide screens, one block per row on phones */
	".matrix-wrap{overflow-x:auto}\n"
	"table.matrix{border-collapse:collapse;width:100%;margin:.5rem 0}\n"
	".matrix th,.matrix td{border:0;border-block-end:1px solid var(--soft);padding:.5rem .35rem;"
	"text-align:center;background:none;vertical-align:middle}\n"
	".matrix thead th{font-weight:600;font-size:.9rem;vertical-align:bottom}\n"
	".matrix thead .pt-label{display:block;font-weight:400;color:var(--muted)}\n"
	".matrix th[scope=row]{text-align:start;font-weight:600}\n"
	".matrix td input{margin:0}\n"
	"@media (min-width:40rem){.mx-label{position:absolute!important;width:1px;height:1px;"
	"overflow:hidden;clip:rect(0,0,0,0);clip-path:inset(50%);white-space:nowrap}}\n"
	"@media (max-width:39.99rem){.matrix thead{position:absolute;width:1px;height:1px;"
	"overflow:hidden;clip:rect(0,0,0,0)}"
	".matrix,.matrix tbody,.matrix tr,.matrix th,.matrix td{display:block;width:100%}"
	".matrix tr{border:1px solid var(--soft);border-radius:.35rem;margin-block-end:.75rem;"
	"padding:.25rem .75rem}.matrix th[scope=row]{border:0;padding:.5rem 0}"
	".matrix td{display:flex;align-items:center;gap:.75rem;text-align:start;border:0;"
	"padding:.35rem 0;min-height:44px}.matrix td input{flex:none}"
	".mx-label{cursor:pointer;flex:1}}\n"
	/* buttons */
	"button,.button{display:inline-block;font:inherit;font-weight:700;padding:.75rem 1.5rem;"
	"min-height:48px;border:2px solid var(--accent);background:var(--accent);color:#fff;"
	"border-radius:.35rem;cursor:pointer;text-decoration:none;line-height:1.3}\n"
	"button:hover,.button:hover{background:#083b70}\n"
	".button.secondary,button.secondary{background:var(--bg);color:var(--accent)}\n"
	".actions{margin-block:2rem;padding-block-start:1rem;border-block-start:1px solid var(--soft)}\n"
	".actions button{width:100%}\n"
	"@media (min-width:40rem){.actions button{width:auto}}\n"
	/* receipt */
	".answers dt{font-weight:650;margin-block-start:1rem}\n"
	".answers dd{margin-inline-start:0;margin-block-start:.25rem;padding-inline-start:.75rem;"
	"border-inline-start:3px solid var(--soft)}\n"
	".answers ul,.answers ol{margin:0;padding-inline-start:1.25rem}\n"
	".free{white-space:pre-wrap;overflow-wrap:anywhere}\n"
	".facts div{display:flex;flex-wrap:wrap;gap:0 .5rem;margin-block:.25rem}\n"
	".facts dt{font-weight:650}.facts dt::after{content:\":\"}.facts dd{margin:0}\n"
	".hash,.token,pre{font-family:ui-monospace,\"SFMono-Regular\",Menlo,Consolas,monospace;"
	"font-size:.875rem;overflow-wrap:anywhere;word-break:break-all}\n"
	".token{direction:ltr;text-align:left}\n"
	"pre{direction:ltr;text-align:left;white-space:pre-wrap;background:#f4f4f4;"
	"border:1px solid var(--soft);padding:.75rem;border-radius:.3rem}\n"
	".copy{margin-block-start:.5rem}\n"
	".status-code{color:var(--muted);font-size:.875rem}\n"
	/* chair dashboard: large type for a projector */
	".page-chair main,.page-chair .top{max-width:96rem;padding-inline:2rem}\n"
	".projector{font-size:1.375rem}\n"
	".projector h1{font-size:2.25rem}.projector h2{font-size:1.75rem}\n"
	/* a chair's phone is no projector: ordinary type, and long option
	 * labels in the pairwise table may break so it fits the screen */
	"@media (max-width:40rem){.page-chair main,.page-chair .top{padding-inline:1rem}"
	".projector{font-size:1rem}.projector h1{font-size:1.5rem}.projector h2{font-size:1.25rem}"
	".page-chair .snd-pairwise th{overflow-wrap:anywhere}}\n"
	".controls fieldset{border:1px solid var(--soft);border-radius:.35rem;display:flex;"
	"flex-wrap:wrap;gap:.75rem 1.5rem;align-items:flex-end;padding:.75rem 1rem}\n"
	".controls legend{font-weight:700;padding-inline:.25rem}\n"
	".control label{display:block;font-size:.9em;font-weight:600}\n"
	".downloads .label{font-weight:600}.downloads a{margin-inline-end:1rem}\n"
	/* the objection register reads as text, row by row: words start-aligned */
	"section.snd-register table th,section.snd-register table td{text-align:start;"
	"vertical-align:top}\n"
	".stats{display:flex;flex-wrap:wrap;gap:1rem 3rem;margin-block:1rem}\n"
	".stat{margin:0}.stat-n{display:block;font-size:3.5rem;font-weight:800;line-height:1.05;"
	"font-variant-numeric:tabular-nums}.stat-l{font-weight:600;color:var(--muted)}\n"
	/* Each turnout table as wide as it needs (flex, not fixed grid tracks,
	 * which its projector-size text overflowed), wrapping to the next
	 * line, and scrolling inside its own box on a narrow screen. */
	".tgrid{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}\n"
	".tgrid>.table-wrap{flex:1 1 auto;max-width:100%}\n"
	".table-wrap{overflow-x:auto}\n"
	"table.data{border-collapse:collapse;margin-block:.75rem;min-width:100%}\n"
	"table.data caption{text-align:start;font-weight:700;color:var(--fg);font-size:1em;"
	"padding-block:.25rem}\n"
	".data th,.data td{border:0;border-block-end:1px solid var(--line);padding:.4rem .75rem;"
	"text-align:end;background:none;font-variant-numeric:tabular-nums}\n"
	".data th:first-child,.data th[scope=row]{text-align:start}\n"
	".data thead th{border-block-end:3px solid var(--fg);vertical-align:bottom}\n"
	".consensus th[scope=row]{font-weight:500;max-width:40rem}\n"
	".cons-yes{font-weight:800;color:var(--ok)}.cons-no{font-weight:800;color:var(--err)}\n"
	".objection-block h4{font-size:1em;margin-block:1rem .25rem}\n"
	".objections{margin:0;padding-inline-start:1.25rem}.objections li{margin-block:.35rem}\n"
	".ent{font-weight:700}\n"
	".none{font-style:italic;color:var(--muted)}\n"
	".group{border:1px solid var(--soft);border-radius:.35rem;padding:.5rem 1rem;margin-block:.75rem}\n"
	".group summary{cursor:pointer;font-weight:700;min-height:44px;padding-block:.5rem}\n"
	".page-chair .snd-q{border-color:var(--line)}\n"
	/* the report's charts are sized for a document; scale them up for the room */
	".page-chair .snd-q h3{font-size:1.15em}\n"
	".page-chair .snd-chart{width:100%;max-width:56rem}\n"
	".page-chair .snd-meta,.page-chair .snd-explain{font-size:.8em;color:var(--muted)}\n"
	"@media (forced-colors:active){.req,.notice,.error-summary,.q.has-error{border-color:CanvasText}"
	":focus-visible{outline:3px solid Highlight}}\n"
	"@media print{body{font-size:11pt;color:#000;background:#fff}"
	".projector{font-size:11pt}.projector h1{font-size:18pt}.projector h2{font-size:14pt}"
	".langs,.skip,.controls,.downloads,.actions,.copy,.refresh-note{display:none!important}"
	"main,.page-chair main{max-width:none;padding:0}a{color:#000;text-decoration:none}"
	".stat-n{font-size:24pt}.q,tr,.objection-block,.stat{break-inside:avoid}"
	"h2,h3,h4{break-after:avoid}"
	":focus-visible{box-shadow:none;outline:0}}\n";

/* The optional script: progressive enhancement only.  The form posts and
 * validates without it; show_if questions are then merely marked. */
static const char js_text[] =
	"/* sounding.js - optional enhancements for the Sounding collector's pages.\n"
	" * Everything works without it. */\n"
	"(function () {\n"
	"'use strict';\n"
	"\n"
	"/* Values currently chosen for question qid: checked radios/checkboxes named\n"
	" * qid, or, for rank selects named qid.opt, the ranked options. */\n"
	"function chosen(form, qid) {\n"
	"  var out = [], i, el, els = form.elements;\n"
	"  for (i = 0; i < els.length; i++) {\n"
	"    el = els[i];\n"
	"    if (el.disabled) continue;\n"
	"    if (el.name === qid && (el.type === 'radio' || el.type === 'checkbox')) {\n"
	"      if (el.checked) out.push(el.value);\n"
	"    } else if (el.tagName === 'SELECT' && el.name.indexOf(qid + '.') === 0 && el.value) {\n"
	"      out.push(el.name.slice(qid.length + 1));\n"
	"    }\n"
	"  }\n"
	"  return out;\n"
	"}\n"
	"\n"
	"/* Hides (and disables, so nothing is posted) each show_if question whose\n"
	" * condition is not met; document order makes chained conditions work. */\n"
	"function applyShowIf(form) {\n"
	"  var qs = form.querySelectorAll('fieldset[data-show-if]'), i, fs, want, got, show, j;\n"
	"  for (i = 0; i < qs.length; i++) {\n"
	"    fs = qs[i];\n"
	"    want = (fs.getAttribute('data-show-values') || '').split(' ');\n"
	"    got = chosen(form, fs.getAttribute('data-show-if'));\n"
	"    show = false;\n"
	"    for (j = 0; j < got.length; j++) if (want.indexOf(got[j]) >= 0) show = true;\n"
	"    if (fs.classList.contains('has-error')) show = true;\n"
	"    fs.hidden = !show;\n"
	"    fs.disabled = !show;\n"
	"  }\n"
	"}\n"
	"\n"
	"function setupForm(form) {\n"
	"  var dirty = false;\n"
	"  applyShowIf(form);\n"
	"  form.addEventListener('change', function () { dirty = true; applyShowIf(form); });\n"
	"  form.addEventListener('input', function () { dirty = true; });\n"
	"  form.addEventListener('submit', function () { dirty = false; });\n"
	"  window.addEventListener('beforeunload', function (e) {\n"
	"    if (dirty) { e.preventDefault(); e.returnValue = ''; }\n"
	"  });\n"
	"  var sum = document.getElementById('error-summary');\n"
	"  if (sum) sum.focus();\n"
	"}\n"
	"\n"
	"function setupCopy(ta) {\n"
	"  var b = document.createElement('button');\n"
	"  b.type = 'button';\n"
	"  b.className = 'secondary copy';\n"
	"  b.textContent = ta.getAttribute('data-copy-label') || 'Copy';\n"
	"  b.addEventListener('click', function () {\n"
	"    ta.focus();\n"
	"    ta.select();\n"
	"    var done = function () { b.textContent = ta.getAttribute('data-copied-label') || 'Copied'; };\n"
	"    if (navigator.clipboard && navigator.clipboard.writeText)\n"
	"      navigator.clipboard.writeText(ta.value).then(done, function () {});\n"
	"    else if (document.execCommand && document.execCommand('copy')) done();\n"
	"  });\n"
	"  ta.parentNode.insertBefore(b, ta.nextSibling);\n"
	"}\n"
	"\n"
	"/* The chair page: fetch a fresh copy of this very page and swap #live in\n"
	" * one step, so nothing flashes and the charts stay the server's.  Open\n"
	" * <details> stay open; nothing is fetched while the tab is hidden.  The\n"
	" * copy is asked for with the last one's ETag: 304 means no new answers\n"
	" * since, and costs neither the server nor this page any work. */\n"
	"function setupLive(live, secs) {\n"
	"  var busy = false, etag = null;\n"
	"  function tick() {\n"
	"    if (busy || document.hidden || !window.fetch || !window.DOMParser) return;\n"
	"    busy = true;\n"
	"    var h = { 'Accept': 'text/html' };\n"
	"    if (etag) h['If-None-Match'] = etag;\n"
	"    fetch(location.href, { credentials: 'same-origin', cache: 'no-store', headers: h })\n"
	"      .then(function (r) {\n"
	"        if (r.status === 304) return null;\n"
	"        if (!r.ok) throw new Error(r.status);\n"
	"        etag = r.headers.get('ETag');\n"
	"        return r.text();\n"
	"      })\n"
	"      .then(function (html) {\n"
	"        if (html === null) return;\n"
	"        var doc = new DOMParser().parseFromString(html, 'text/html');\n"
	"        var fresh = doc.getElementById('live');\n"
	"        var cur = document.getElementById('live');\n"
	"        if (!fresh || !cur) return;\n"
	"        var open = cur.querySelectorAll('details[open]'), i, d;\n"
	"        for (i = 0; i < open.length; i++) {\n"
	"          d = fresh.querySelector('#' + open[i].id);\n"
	"          if (d) d.open = true;\n"
	"        }\n"
	"        cur.replaceWith(document.importNode(fresh, true));\n"
	"      })\n"
	/* Blocked (a CSP without connect-src 'self') or offline: fall back to
	 * what the <noscript> refresh does for pages without script. */
	"      .catch(function () { location.reload(); })\n"
	"      .then(function () { busy = false; });\n"
	"  }\n"
	"  setInterval(tick, secs * 1000);\n"
	"}\n"
	"\n"
	"function init() {\n"
	"  var forms = document.querySelectorAll('form.questionnaire'), i;\n"
	"  for (i = 0; i < forms.length; i++) setupForm(forms[i]);\n"
	"  var tas = document.querySelectorAll('textarea[data-copy-label]');\n"
	"  for (i = 0; i < tas.length; i++) setupCopy(tas[i]);\n"
	"  var live = document.getElementById('live');\n"
	"  var secs = parseInt(document.body.getAttribute('data-refresh') || '0', 10);\n"
	"  if (live && secs > 0) setupLive(live, secs);\n"
	"}\n"
	"\n"
	"if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);\n"
	"else init();\n"
	"})();\n";

static pthread_once_t css_once = PTHREAD_ONCE_INIT;
static char *css_all;
static size_t css_all_len;

/* Built once: the report's CSS (the chair page shows its charts) followed
 * by ours.  Never freed; it lives as long as the process serves it. */
static void css_build(void)
{
	struct snd_buf b;
	const char *rc = snd_report_css();
	snd_buf_init(&b, 0);
	snd_buf_puts(&b, "/* charts (core/report.c) */\n");
	snd_buf_puts(&b, rc ? rc : "");
	snd_buf_puts(&b, css_pages);
	css_all = snd_buf_steal(&b, &css_all_len);
	snd_buf_free(&b);
}

const char *page_css(size_t *len)
{
	pthread_once(&css_once, css_build);
	if (css_all == NULL) {
		/* Out of memory at first use: still serve our own rules. */
		if (len)
			*len = sizeof css_pages - 1;
		return css_pages;
	}
	if (len)
		*len = css_all_len;
	return css_all;
}

const char *page_js(size_t *len)
{
	if (len)
		*len = sizeof js_text - 1;
	return js_text;
}
