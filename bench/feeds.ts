/**
 * npm run bench:feeds
 *  1. items/s parsing a 500-item feed (RSS 2.0, Atom 1.0, JSON Feed), median of 7 runs after warm-up;
 *  2. peak RSS parsing a 100,000-item RSS feed (short items, ~20 MiB), each run in a fresh process,
 *     median of 3: with the pipeline's item cap (feeds.maxItemsPerPoll) and,
 *     for comparison, with no cap.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { DEFAULTS } from '../config/defaults';
import { parseFeed } from '../src/feeds/parse';

const para = 'The committee met on Tuesday to discuss the budget, the schedule &amp; the next steps for the programme. ';

function rssItems(n: number): string {
  return Array.from(
    { length: n },
    (_, i) =>
      `<item><title>Item ${i}: markets &amp; politics</title><link>https://news.example/2026/01/${i}/story-${i}?utm_source=rss</link>` +
      `<guid isPermaLink="false">id-${i}</guid><pubDate>Tue, 10 Jun 2025 04:${String(i % 60).padStart(2, '0')}:00 GMT</pubDate>` +
      `<dc:creator>Reporter ${i % 17}</dc:creator><category>World</category>` +
      `<description><![CDATA[<p>${para.repeat(2)}</p>]]></description>` +
      `<content:encoded><![CDATA[<p>${para.repeat(6)}</p><p>${para.repeat(4)}</p>]]></content:encoded></item>`,
  ).join('');
}

function rss(n: number): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">' +
    `<channel><title>Bench</title><link>https://news.example/</link>${rssItems(n)}</channel></rss>`
  );
}

function atom(n: number): string {
  const entries = Array.from(
    { length: n },
    (_, i) =>
      `<entry><title>Item ${i}</title><link href="/2026/01/${i}"/><id>tag:news.example,2026:${i}</id><updated>2025-06-10T04:00:00Z</updated>` +
      `<author><name>Reporter ${i % 17}</name></author><summary>${para}</summary><content type="html">&lt;p&gt;${para.repeat(8)}&lt;/p&gt;</content></entry>`,
  ).join('');
  return `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/"><title>Bench</title>${entries}</feed>`;
}

function jsonFeed(n: number): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'Bench',
    home_page_url: 'https://news.example/',
    items: Array.from({ length: n }, (_, i) => ({
      id: String(i),
      url: `https://news.example/2026/01/${i}`,
      title: `Item ${i}`,
      date_published: '2025-06-10T04:00:00Z',
      content_html: `<p>${para.repeat(8)}</p>`,
      authors: [{ name: `Reporter ${i % 17}` }],
    })),
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function throughput(name: string, doc: string, items: number): Promise<void> {
  const body = Buffer.from(doc);
  for (let i = 0; i < 3; i++) await parseFeed(body, { maxItems: items });
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const feed = await parseFeed(body, { maxItems: items });
    times.push(performance.now() - t0);
    if (feed.items.length !== items) throw new Error(`${name}: expected ${items} items, got ${feed.items.length}`);
  }
  const ms = median(times);
  console.log(
    `${name.padEnd(12)} ${items} items, ${(body.length / 1024).toFixed(0)} KiB: median ${ms.toFixed(1)} ms → ${Math.round((items * 1000) / ms)} items/s`,
  );
}

/** A long feed as they come: short items (title, link, guid, date, a one-line description). */
function longRss(n: number): string {
  const items = Array.from(
    { length: n },
    (_, i) =>
      `<item><title>Item ${i}</title><link>https://news.example/${i}</link><guid>https://news.example/${i}</guid>` +
      `<pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate><description>Short summary of item ${i} &amp; more.</description></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Long</title><link>https://news.example/</link>${items.join('')}</channel></rss>`;
}

/** Child mode: parse one 100,000-item feed and print peak RSS (MiB) and time. */
async function rssChild(maxItems: number): Promise<void> {
  const body = Buffer.from(longRss(100_000));
  const t0 = performance.now();
  // Baseline: the process with the document in memory, before parsing.
  const baseMiB = process.resourceUsage().maxRSS / 1024;
  const feed = await parseFeed(body, { maxItems });
  const ms = performance.now() - t0;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ items: feed.items.length, docMiB: body.length / 1048576, baseMiB, peakMiB, ms }));
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--rss-child');
  if (child !== -1) return rssChild(Number(process.argv[child + 1]));

  console.log(`feeds bench — Node ${process.version}, ${os.cpus().length} CPUs, ${new Date().toISOString().slice(0, 10)}`);
  await throughput('RSS 2.0', rss(500), 500);
  await throughput('Atom 1.0', atom(500), 500);
  await throughput('JSON Feed', jsonFeed(500), 500);

  for (const [label, cap] of [
    [`capped at ${DEFAULTS.feeds.maxItemsPerPoll} (maxItemsPerPoll)`, DEFAULTS.feeds.maxItemsPerPoll],
    ['uncapped (for comparison)', 100_000],
  ] as const) {
    const runs = Array.from(
      { length: 3 },
      () =>
        JSON.parse(execFileSync(process.execPath, [__filename, '--rss-child', String(cap)], { encoding: 'utf8' })) as {
          items: number;
          docMiB: number;
          baseMiB: number;
          peakMiB: number;
          ms: number;
        },
    );
    const peak = median(runs.map((r) => r.peakMiB));
    console.log(
      `100,000-item RSS (${runs[0]!.docMiB.toFixed(1)} MiB), ${label}: ${runs[0]!.items} items, peak RSS median ${peak.toFixed(0)} MiB ` +
        `(runs ${runs.map((r) => r.peakMiB.toFixed(0)).join(', ')}; ${median(runs.map((r) => r.baseMiB)).toFixed(0)} MiB before parsing), ` +
        `parse median ${median(runs.map((r) => r.ms)).toFixed(0)} ms`,
    );
  }
}

void main();
