import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startApi, type ApiServer } from '../../src/api/server';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { parsePrometheus, type Family } from '../helpers/prometheus';
import { cleanup, testConfig, uniquePrefix } from '../helpers/redis';

/*
 * docs/prometheus/storyline-alerts.yml against the real /metrics of the API
 * (a fresh keyspace: every family is present before the first job), and,
 * where promtool is installed (Debian: apt-get install prometheus), promtool's
 * own syntax check and the rules' unit tests.
 */
const DIR = path.resolve(__dirname, '../../docs/prometheus');
const RULES = path.join(DIR, 'storyline-alerts.yml');
const RULE_TESTS = path.join(DIR, 'storyline-alerts.test.yml');
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const hasPromtool = spawnSync(PROMTOOL, ['--version'], { stdio: 'ignore' }).status === 0;

const prefix = uniquePrefix('alert-rules');
let rt: Runtime;
let api: ApiServer;
let families: Map<string, Family>;

beforeAll(async () => {
  rt = await openRuntime(testConfig(prefix));
  api = await startApi(rt, { host: '127.0.0.1', port: 0 });
  const res = await fetch(`${api.url}/metrics`);
  expect(res.status).toBe(200);
  families = parsePrometheus(await res.text());
});

afterAll(async () => {
  await api?.close();
  await rt?.close();
  await cleanup(prefix);
});

/** A histogram's series (`_bucket`, `_sum`, `_count`) belong to its family. */
function familyOf(series: string): Family | undefined {
  return families.get(series) ?? families.get(series.replace(/_(bucket|sum|count)$/, ''));
}

test('every metric the rules and their texts name is served by the API', () => {
  const text = readFileSync(RULES, 'utf8');
  const named = new Set(text.match(/\bstoryline_[a-z_]+\b/g));
  expect(named.size).toBeGreaterThanOrEqual(8);
  const missing = [...named].filter((name) => !familyOf(name));
  expect(missing).toEqual([]);
});

test('every label value a rule selects on exists in the served series', () => {
  const text = readFileSync(RULES, 'utf8');
  const problems: string[] = [];
  let selectors = 0;
  for (const [, series, matchers] of text.matchAll(/\b(storyline_[a-z_]+)\{([^}]*)\}/g)) {
    const family = familyOf(series);
    if (!family) continue; // reported by the test above
    for (const [, label, op, pattern] of matchers.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
      selectors++;
      const values = new Set(family.samples.map((s) => s.labels[label]).filter((v) => v !== undefined));
      if (values.size === 0) problems.push(`${series}: no label ${label}`);
      // Literal alternatives ("waiting|prioritized"): each must be a value the API serves.
      for (const value of pattern.split('|')) if (!values.has(value)) problems.push(`${series}{${label}${op}"${value}"}: not served`);
    }
  }
  expect(selectors).toBeGreaterThanOrEqual(8);
  expect(problems).toEqual([]);
});

test('the webhooks queue is watched only where subscriptions are configured', async () => {
  const queuesIn = (f: Map<string, Family>) => new Set(f.get('storyline_queue_workers')?.samples.map((x) => x.labels.queue));
  expect(queuesIn(families).has('webhooks')).toBe(false);
  const ownPrefix = `${prefix}-webhooks`;
  const withHooks = await openRuntime(
    testConfig(ownPrefix, (raw) => {
      raw.webhooks.subscriptions = [
        {
          id: 'receiver',
          url: 'http://127.0.0.1:9/hook',
          events: ['story.created.v1'],
          secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
        },
      ];
    }),
  );
  const hooksApi = await startApi(withHooks, { host: '127.0.0.1', port: 0 });
  try {
    const served = parsePrometheus(await (await fetch(`${hooksApi.url}/metrics`)).text());
    expect(queuesIn(served).has('webhooks')).toBe(true);
    const states = served
      .get('storyline_queue_jobs')
      ?.samples.filter((x) => x.labels.queue === 'webhooks')
      .map((x) => x.labels.state);
    expect(states).toEqual(expect.arrayContaining(['waiting', 'failed']));
  } finally {
    await hooksApi.close();
    await withHooks.close();
    await cleanup(ownPrefix);
  }
});

(hasPromtool ? test : test.skip)('promtool accepts the rules and their unit tests pass', () => {
  const check = execFileSync(PROMTOOL, ['check', 'rules', RULES], { encoding: 'utf8' });
  expect(check).toMatch(/SUCCESS: \d+ rules found/);
  const run = spawnSync(PROMTOOL, ['test', 'rules', RULE_TESTS], { encoding: 'utf8', cwd: DIR });
  expect(`${run.stdout}${run.stderr}`).toMatch(/SUCCESS/);
  expect(run.status).toBe(0);
});
