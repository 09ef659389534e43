import type { QueueOverview, StoryDetail, StorySummary } from '../api/queries';

/*
 * Server-rendered story pages: plain HTML and inline CSS, readable without
 * JavaScript. Every piece of text from feeds or pages goes through esc(), and
 * every outbound link through safeUrl() (http and https only). The index's
 * queue table refreshes itself with a few lines of script when JavaScript is
 * on; the numbers are already in the HTML.
 */

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function safeUrl(url: string | undefined): string {
  if (!url) return '#';
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '#';
  } catch {
    return '#';
  }
}

export function formatDate(iso: string | undefined, withTime = true): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  if (!withTime) return date;
  return `${date}, ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })} UTC`;
}

function time(iso: string | undefined, withTime = true): string {
  const text = formatDate(iso, withTime);
  return text ? `<time datetime="${esc(iso)}">${esc(text)}</time>` : '';
}

const CSS = `
:root { --ink:#1d1d1f; --muted:#5f6368; --line:#e3e3e6; --bg:#fbfbf8; --card:#fff; --accent:#0b5cad; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:17px/1.6 Georgia, "Times New Roman", serif; }
a { color:var(--accent); text-decoration-thickness:1px; text-underline-offset:2px; }
header.site, footer.site { font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
header.site { border-bottom:1px solid var(--line); background:var(--card); }
header.site .inner { max-width:64rem; margin:0 auto; padding:.8rem 1.2rem; display:flex; gap:1rem; align-items:baseline; }
header.site .brand { font-weight:700; font-size:18px; color:var(--ink); text-decoration:none; letter-spacing:.02em; }
header.site .tag { color:var(--muted); }
main { max-width:64rem; margin:0 auto; padding:1.2rem; }
h1 { font-size:2rem; line-height:1.2; margin:.6rem 0 .4rem; }
h2 { font:600 13px/1.4 system-ui, sans-serif; text-transform:uppercase; letter-spacing:.08em; color:var(--muted); margin:2rem 0 .6rem; border-top:1px solid var(--line); padding-top:1rem; }
.meta { font:14px/1.5 system-ui, sans-serif; color:var(--muted); }
.lead p:first-child { font-size:1.15rem; }
ul.plain, ol.plain { list-style:none; padding:0; margin:0; }
.papers li { padding:.55rem 0; border-bottom:1px solid var(--line); }
.papers .outlet { font:600 14px/1.4 system-ui, sans-serif; }
.papers .line { display:block; }
.timeline li { display:grid; grid-template-columns:11rem 1fr; gap:.8rem; padding:.35rem 0; }
.timeline .when { font:13px/1.6 system-ui, sans-serif; color:var(--muted); }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(15rem, 1fr)); gap:.8rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.8rem .9rem; }
.card h3 { margin:0 0 .2rem; font-size:1.05rem; }
.card p { margin:.3rem 0 0; font-size:.95rem; }
.badge { display:inline-block; font:600 11px/1.6 system-ui, sans-serif; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); border:1px solid var(--line); border-radius:4px; padding:0 .35rem; }
.stories li { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.9rem 1rem; margin-bottom:.8rem; }
.stories h3 { margin:0 0 .3rem; font-size:1.2rem; line-height:1.3; }
.stories p { margin:.3rem 0; }
.layout { display:grid; grid-template-columns:minmax(0,1fr) 23rem; gap:1.6rem; align-items:start; }
aside h2 { border-top:0; margin-top:1.1rem; padding-top:0; }
@media (max-width: 52rem) { .layout { grid-template-columns:1fr; } .timeline li { grid-template-columns:1fr; gap:0; } }
table.queues { width:100%; border-collapse:collapse; font:13px/1.4 system-ui, sans-serif; background:var(--card); border:1px solid var(--line); }
table.queues th, table.queues td { padding:.3rem .4rem; text-align:right; border-bottom:1px solid var(--line); }
table.queues th:first-child, table.queues td:first-child { text-align:left; }
.muted { color:var(--muted); }
footer.site { max-width:64rem; margin:2rem auto; padding:0 1.2rem; color:var(--muted); }
`;

export function layout(title: string, body: string, opts: { nonce?: string; script?: string } = {}): string {
  const script = opts.script && opts.nonce ? `<script nonce="${esc(opts.nonce)}">${opts.script}</script>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="site"><div class="inner"><a class="brand" href="/">Storyline</a><span class="tag">news, merged into stories</span></div></header>
<main>
${body}
</main>
<footer class="site">Storyline · <a href="/api/stories">JSON API</a> · <a href="/metrics">metrics</a></footer>
${script}
</body>
</html>
`;
}

function storyItem(s: StorySummary): string {
  const sources = s.sources.length > 3 ? `${s.sources.slice(0, 3).join(', ')} and ${s.sources.length - 3} more` : s.sources.join(', ');
  return `<li>
<h3><a href="/stories/${esc(s.id)}">${esc(s.title)}</a></h3>
${s.lead ? `<p>${esc(s.lead)}</p>` : ''}
<div class="meta">${s.articles} article${s.articles === 1 ? '' : 's'} from ${esc(sources)} · updated ${time(s.updatedAt)}</div>
</li>`;
}

export function queueTable(o: QueueOverview): string {
  const rows = o.stages
    .map(
      (q) =>
        `<tr><td>${esc(q.stage)}</td>${(['waiting', 'active', 'delayed', 'failed', 'workers', 'perMinute'] as const)
          .map((k) => `<td data-q="${esc(q.stage)}-${k}">${esc(q[k])}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table class="queues" aria-label="Queue depth and throughput">
<thead><tr><th>stage</th><th>waiting</th><th>active</th><th>delayed</th><th>failed</th><th>workers</th><th>jobs/min</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="meta">Jobs per minute over the last ${o.windowMinutes} minutes. As of <span data-q="at">${esc(formatDate(o.at))}</span>.</p>`;
}

const REFRESH_SCRIPT = `
(function () {
  var keys = ['waiting', 'active', 'delayed', 'failed', 'workers', 'perMinute'];
  function refresh() {
    fetch('/api/queues', { headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (o) {
        if (!o) return;
        o.stages.forEach(function (q) {
          keys.forEach(function (k) {
            var el = document.querySelector('[data-q="' + q.stage + '-' + k + '"]');
            if (el) el.textContent = String(q[k]);
          });
        });
        var at = document.querySelector('[data-q="at"]');
        if (at) at.textContent = new Date(o.at).toUTCString();
      })
      .catch(function () {});
  }
  setInterval(refresh, 5000);
})();
`;

export function renderIndex(stories: StorySummary[], overview: QueueOverview, nonce: string): string {
  const list = stories.length
    ? `<ul class="plain stories">${stories.map(storyItem).join('\n')}</ul>`
    : '<p class="muted">No stories yet. Start the workers and register some feeds.</p>';
  const body = `<div class="layout">
<section id="latest" aria-labelledby="latest-h">
<h1 id="latest-h">Latest stories</h1>
${list}
</section>
<aside id="pipeline" aria-labelledby="pipeline-h">
<h2 id="pipeline-h">Pipeline</h2>
${queueTable(overview)}
</aside>
</div>`;
  return layout('Storyline: latest stories', body, { nonce, script: REFRESH_SCRIPT });
}

export interface RelatedLink {
  storyId: string;
  title: string;
  date?: string;
  /** False when the related story is no longer stored: shown without a link. */
  exists: boolean;
}

export function renderStory(detail: StoryDetail, related: RelatedLink[]): string {
  const s = detail.story;
  const b = s.briefing;
  const what = b.whatHappened.map((p) => `<p>${esc(p)}</p>`).join('\n');
  const papers = b.whatThePapersSay
    .map(
      (p) => `<li><span class="outlet">${esc(p.source)}</span>${p.date ? ` <span class="meta">· ${time(p.date)}</span>` : ''}
<span class="line">“${esc(p.line)}” <a href="${esc(safeUrl(p.url))}" rel="noopener nofollow">read at ${esc(p.source)}</a></span>${
        p.alsoCarriedBy?.length ? `\n<span class="meta">also carried by ${esc(p.alsoCarriedBy.join(', '))}</span>` : ''
      }</li>`,
    )
    .join('\n');
  const how = related.length
    ? `<ul>${related
        .map(
          (r) =>
            `<li>${r.exists ? `<a href="/stories/${esc(r.storyId)}">${esc(r.title)}</a>` : esc(r.title)}${r.date ? ` <span class="meta">· ${time(r.date, false)}</span>` : ''}</li>`,
        )
        .join('\n')}</ul>`
    : '<p class="muted">No earlier related stories: this is where the thread starts.</p>';
  const cards = detail.entityCards.length
    ? `<div class="cards">${detail.entityCards
        .map(
          (
            c,
          ) => `<div class="card"><h3>${esc(c.name)}</h3><span class="badge">${esc(c.type)}</span> <span class="meta">in ${c.count} article${c.count === 1 ? '' : 's'}</span>
${c.description ? `<p>${esc(c.description)}</p>` : ''}</div>`,
        )
        .join('\n')}</div>`
    : '<p class="muted">No entities recognised.</p>';
  const timeline = [...b.timeline]
    .sort((x, y) => (x.publishedAt ?? '').localeCompare(y.publishedAt ?? ''))
    .map(
      (a) =>
        `<li><span class="when">${time(a.publishedAt) || 'undated'}</span><span><strong>${esc(a.source)}</strong>: <a href="${esc(safeUrl(a.url))}" rel="noopener nofollow">${esc(a.title)}</a>${a.duplicateOf ? ' <span class="meta">(a copy of an earlier report)</span>' : ''}</span></li>`,
    )
    .join('\n');
  const body = `<article>
<h1>${esc(s.title)}</h1>
<div class="meta">Updated ${time(s.updatedAt)} · ${s.articles.length} article${s.articles.length === 1 ? '' : 's'} from ${s.sources.length} outlet${s.sources.length === 1 ? '' : 's'}${
    s.independentSources !== undefined && s.independentSources < s.sources.length
      ? ` (${s.independentSources} reporting independently)`
      : ''
  } · version ${s.version}</div>
<section id="what-happened" aria-labelledby="what-happened-h"><h2 id="what-happened-h">What happened</h2><div class="lead">${what}</div></section>
<section id="what-the-papers-say" aria-labelledby="papers-h"><h2 id="papers-h">What the papers say</h2><ul class="plain papers">${papers}</ul></section>
<section id="how-we-got-here" aria-labelledby="how-h"><h2 id="how-h">How we got here</h2>${how}</section>
<section id="entities" aria-labelledby="entities-h"><h2 id="entities-h">Who and what</h2>${cards}</section>
<section id="timeline" aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2><ol class="plain timeline">${timeline}</ol></section>
<p class="meta"><a href="/api/stories/${esc(s.id)}">This story as JSON</a></p>
</article>`;
  return layout(`${s.title} · Storyline`, body);
}

export function renderMessage(title: string, message: string): string {
  return layout(`${title} · Storyline`, `<h1>${esc(title)}</h1><p>${esc(message)}</p><p><a href="/">Latest stories</a></p>`);
}
