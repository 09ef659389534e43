import { checkCredentials, issueCsrfToken, validCsrfToken } from '../../src/api/dashboard';
import { decodeCursor, encodeCursor } from '../../src/api/queries';
import { classifyFetch } from '../../src/metrics/recorder';
import { FetchError } from '../../src/fetch/http';
import { esc, renderStory, safeUrl } from '../../src/pages/render';
import type { Story } from '../../src/types';

const evil = '<script>alert("x")</script>';

function story(): Story {
  const ref = { id: 'a1', title: evil, source: `Outlet ${evil}`, url: 'javascript:alert(1)', publishedAt: '2025-03-01T10:00:00Z' };
  return {
    schemaVersion: 1,
    id: 's1',
    version: 2,
    title: `Title ${evil}`,
    createdAt: '2025-03-01T10:00:00Z',
    updatedAt: '2025-03-01T11:00:00Z',
    articles: [ref],
    sources: [ref.source],
    entities: [{ entityId: 'org:x', name: evil, type: 'org', count: 1 }],
    briefing: {
      whatHappened: [`Lead ${evil}`],
      whatThePapersSay: [
        { source: ref.source, date: ref.publishedAt, articleId: 'a1', url: 'https://ok.example/a?x=1&y="2"', line: `Line ${evil}` },
      ],
      howWeGotHere: [],
      entityCards: [{ entityId: 'org:x', name: evil, type: 'org', description: evil, count: 1 }],
      timeline: [ref],
    },
  };
}

test('story pages escape every text and refuse non-http links', () => {
  const s = story();
  const html = renderStory(
    {
      story: s,
      members: [],
      versions: [],
      entityCards: [{ entityId: 'org:x', name: evil, type: 'org', description: evil, count: 1, href: '/api/entities/org%3Ax' }],
    },
    [{ storyId: 's0', title: evil, exists: true }],
  );
  expect(html).not.toContain('<script>');
  expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  expect(html).not.toContain('javascript:');
  expect(html).toContain('href="https://ok.example/a?x=1&amp;y=%222%22"');
  expect(esc(`'"&<>`)).toBe('&#39;&quot;&amp;&lt;&gt;');
  expect(safeUrl('data:text/html,hi')).toBe('#');
});

test('story pages name the outlets that only carried a copy, and count independent reports', () => {
  const s = story();
  const copy = { id: 'a2', title: 'Reprint', source: 'Valley Courier', url: 'https://vc.example/r', duplicateOf: 'a1' };
  const withCopy: Story = {
    ...s,
    articles: [...s.articles, copy],
    sources: [...s.sources, copy.source],
    independentSources: 1,
    briefing: {
      ...s.briefing,
      whatThePapersSay: s.briefing.whatThePapersSay.map((p) => ({ ...p, alsoCarriedBy: ['Valley <Courier>'] })),
      timeline: [...s.briefing.timeline, copy],
    },
  };
  const html = renderStory({ story: withCopy, members: [], versions: [], entityCards: [] }, []);
  expect(html).toContain('also carried by Valley &lt;Courier&gt;');
  expect(html).toContain('2 outlets (1 reporting independently)');
  expect(html).toContain('(a copy of an earlier report)');
  // Without copies neither note appears.
  const plain = renderStory({ story: s, members: [], versions: [], entityCards: [] }, []);
  expect(plain).not.toContain('also carried by');
  expect(plain).not.toContain('reporting independently');
  expect(plain).not.toContain('a copy of an earlier report');
});

test('dashboard credentials: basic and bearer, nothing else', () => {
  const cfg = { user: 'ops', password: 'pw:with:colons', token: 'a-long-bearer-token-123', mode: 'read-only' as const };
  const b = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  expect(checkCredentials(cfg, b('ops:pw:with:colons'))).toBe(true);
  expect(checkCredentials(cfg, b('ops:pw'))).toBe(false);
  expect(checkCredentials(cfg, b('root:pw:with:colons'))).toBe(false);
  expect(checkCredentials(cfg, 'Bearer a-long-bearer-token-123')).toBe(true);
  expect(checkCredentials(cfg, 'Bearer a-long-bearer-token-124')).toBe(false);
  expect(checkCredentials(cfg, undefined)).toBe(false);
  expect(checkCredentials({ ...cfg, token: '' }, 'Bearer ')).toBe(false);
  expect(checkCredentials({ ...cfg, user: '', password: '' }, b(':'))).toBe(false);
  const token = issueCsrfToken(cfg);
  expect(validCsrfToken(cfg, token)).toBe(true);
  expect(validCsrfToken({ ...cfg, password: 'other' }, token)).toBe(false);
  expect(validCsrfToken(cfg, `${token.split('.')[0]}.forged`)).toBe(false);
});

test('cursors round-trip and refuse tampering', () => {
  expect(decodeCursor(encodeCursor({ s: 1700000000000, id: 'sabc' }))).toEqual({ s: 1700000000000, id: 'sabc' });
  expect(() => decodeCursor('%%%')).toThrow(/cursor/);
});

test('fetch outcomes are classified', () => {
  expect(classifyFetch({ status: 200, notModified: false })).toBe('ok');
  expect(classifyFetch({ status: 304, notModified: true })).toBe('304');
  expect(classifyFetch(new FetchError('http_status', '404', false, 404))).toBe('4xx');
  expect(classifyFetch(new FetchError('http_status', '503', true, 503))).toBe('5xx');
  expect(classifyFetch(new FetchError('timeout', 't', true))).toBe('timeout');
  expect(classifyFetch(new FetchError('blocked', 'b', false))).toBe('blocked');
  expect(classifyFetch(new FetchError('network', 'n', true))).toBe('error');
  expect(classifyFetch(new Error('x'))).toBe('error');
});

test('dashboard configuration: both halves of basic auth, a long enough token', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfig } = require('../../config') as typeof import('../../config');
  expect(() => loadConfig(undefined, { STORYLINE_DASHBOARD_USER: 'ops' })).toThrow(/api\.dashboard/);
  expect(() => loadConfig(undefined, { STORYLINE_DASHBOARD_TOKEN: 'short' })).toThrow(/api\.dashboard/);
  expect(() => loadConfig(undefined, { STORYLINE_DASHBOARD_MODE: 'open' })).toThrow(/api\.dashboard\.mode/);
  const cfg = loadConfig(undefined, {
    STORYLINE_DASHBOARD_USER: 'ops',
    STORYLINE_DASHBOARD_PASSWORD: 'pw',
    STORYLINE_DASHBOARD_MODE: 'read-write',
  });
  expect(cfg.api.dashboard).toEqual({ user: 'ops', password: 'pw', token: '', mode: 'read-write' });
  expect(loadConfig(undefined, {}).api.dashboard.mode).toBe('read-only');
});
