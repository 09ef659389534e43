import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import type { Keyspace } from '../store/keys';
import type { StageName } from '../types';
import { STAGES } from '../types';
import { FETCH_OUTCOMES, PROCESSING_BUCKETS, WAIT_BUCKETS, labelKey } from './recorder';

/*
 * The API process's /metrics: prom-client's registry with the default process
 * metrics of this process, plus metric families read from Redis at scrape
 * time (queue job counts, workers, and the counters and histograms that the
 * worker processes write, see ./recorder.ts). Every family is always present,
 * with zero series for known label sets, so dashboards and alerts see the
 * metric before the first job runs.
 */

export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

export interface MetricsDeps {
  redis: Redis;
  store: { keys: Keyspace };
  queues: Record<StageName, Queue> & { webhooks?: Queue };
  cfg: { publish: { stream: string }; webhooks?: { subscriptions: unknown[] } };
}

/** The stage queues, and the webhook delivery queue where subscriptions are configured (else nobody serves it). */
type MonitoredQueue = StageName | 'webhooks';

interface Snapshot {
  counters: Record<string, string>;
  histograms: Record<string, string>;
  jobCounts: Partial<Record<MonitoredQueue, Record<string, number>>>;
  /** Absent where the count could not be read: a 0 would claim that no worker runs. */
  workers: Partial<Record<MonitoredQueue, number>>;
  streamLength: number;
  stories: number;
}

type Labels = Record<string, string>;
interface Value {
  metricName?: string;
  labels: Labels;
  value: number;
}

const stageLabels = STAGES.map((stage) => ({ stage }));

const COUNTERS: Array<{ name: string; help: string; known: Labels[] }> = [
  { name: 'storyline_articles_total', help: 'Articles extracted and stored by the extract stage.', known: [{}] },
  {
    name: 'storyline_stories_total',
    help: 'Story versions written by the merge stage: kind="created" for a new story, "updated" when an article joined one.',
    known: [{ kind: 'created' }, { kind: 'updated' }],
  },
  { name: 'storyline_events_total', help: 'CloudEvents appended to the events stream by the publish stage.', known: [{}] },
  {
    name: 'storyline_fetch_outcomes_total',
    help: 'HTTP fetches of feeds (kind="feed") and article pages (kind="page") by outcome class: ok, 304, 4xx, 5xx, timeout, blocked (SSRF guard or scheme), error (network, size, type).',
    known: (['feed', 'page'] as const).flatMap((kind) => FETCH_OUTCOMES.map((outcome) => ({ kind, outcome }))),
  },
  {
    name: 'storyline_stage_jobs_total',
    help: 'Jobs finished per stage, by outcome (failed counts every failed attempt).',
    known: STAGES.flatMap((stage) => [
      { stage, outcome: 'completed' },
      { stage, outcome: 'failed' },
    ]),
  },
];

const HISTOGRAMS: Array<{ name: string; help: string; buckets: number[] }> = [
  {
    name: 'storyline_stage_processing_seconds',
    help: 'Time a stage spent processing one job (finishedOn - processedOn).',
    buckets: PROCESSING_BUCKETS,
  },
  {
    name: 'storyline_stage_wait_seconds',
    help: 'Time a job waited in its queue before a worker picked it up (processedOn - added, minus any delay).',
    buckets: WAIT_BUCKETS,
  },
];

function parseLabels(s: string): Labels {
  const out: Labels = {};
  if (!s) return out;
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

function family(name: string, help: string, type: 'counter' | 'gauge' | 'histogram', values: () => Value[]): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: () => Promise.resolve({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => undefined,
  };
  return metric as unknown as Metric;
}

export interface MetricsEndpoint {
  registry: Registry;
  contentType: string;
  /** Reads Redis and renders the Prometheus text exposition. */
  render(): Promise<string>;
}

export function createMetricsEndpoint(deps: MetricsDeps): MetricsEndpoint {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let snap: Snapshot = { counters: {}, histograms: {}, jobCounts: {}, workers: {}, streamLength: 0, stories: 0 };
  const monitored: MonitoredQueue[] =
    deps.queues.webhooks && (deps.cfg.webhooks?.subscriptions.length ?? 0) > 0 ? [...STAGES, 'webhooks'] : [...STAGES];
  const queueOf = (name: MonitoredQueue): Queue => (name === 'webhooks' ? (deps.queues.webhooks as Queue) : deps.queues[name]);

  registry.registerMetric(
    family('storyline_queue_jobs', 'Jobs in each stage queue (and the webhooks queue, when configured) by state.', 'gauge', () =>
      monitored.flatMap((queue) => JOB_STATES.map((state) => ({ labels: { queue, state }, value: snap.jobCounts[queue]?.[state] ?? 0 }))),
    ),
  );
  registry.registerMetric(
    family(
      'storyline_queue_workers',
      'Workers registered on each stage queue and the webhooks queue when configured (BullMQ getWorkersCount; no sample when the count cannot be read).',
      'gauge',
      () =>
        monitored.flatMap((queue) => {
          const value = snap.workers[queue];
          return value === undefined ? [] : [{ labels: { queue }, value }];
        }),
    ),
  );
  registry.registerMetric(
    family('storyline_events_stream_length', 'Entries currently in the events stream (XLEN; capped by MAXLEN).', 'gauge', () => [
      { labels: {}, value: snap.streamLength },
    ]),
  );
  registry.registerMetric(
    family('storyline_stories', 'Stories currently listed (members of the stories sorted set).', 'gauge', () => [
      { labels: {}, value: snap.stories },
    ]),
  );

  for (const c of COUNTERS) {
    registry.registerMetric(
      family(c.name, c.help, 'counter', () => {
        const values = new Map<string, Value>();
        for (const labels of c.known) values.set(labelKey(labels), { labels, value: 0 });
        for (const [field, raw] of Object.entries(snap.counters)) {
          const [name, labelStr = ''] = field.split('|');
          if (name !== c.name) continue;
          values.set(labelStr, { labels: parseLabels(labelStr), value: Number(raw) || 0 });
        }
        return [...values.values()];
      }),
    );
  }

  for (const h of HISTOGRAMS) {
    registry.registerMetric(
      family(h.name, h.help, 'histogram', () => {
        const series = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();
        const get = (labelStr: string) => {
          let s = series.get(labelStr);
          if (!s) {
            s = { labels: parseLabels(labelStr), buckets: new Array<number>(h.buckets.length + 1).fill(0), sum: 0, count: 0 };
            series.set(labelStr, s);
          }
          return s;
        };
        for (const labels of stageLabels) get(labelKey(labels));
        for (const [field, raw] of Object.entries(snap.histograms)) {
          const [name, labelStr = '', slot] = field.split('|');
          if (name !== h.name || slot === undefined) continue;
          const s = get(labelStr);
          if (slot === 'sum') s.sum = Number(raw) || 0;
          else if (slot === 'count') s.count = Number(raw) || 0;
          else if (Number(slot) >= 0 && Number(slot) <= h.buckets.length) s.buckets[Number(slot)] = Number(raw) || 0;
        }
        const values: Value[] = [];
        for (const s of series.values()) {
          let cumulative = 0;
          h.buckets.forEach((le, i) => {
            cumulative += s.buckets[i];
            values.push({ metricName: `${h.name}_bucket`, labels: { ...s.labels, le: String(le) }, value: cumulative });
          });
          cumulative += s.buckets[h.buckets.length];
          values.push({ metricName: `${h.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: cumulative });
          values.push({ metricName: `${h.name}_sum`, labels: s.labels, value: s.sum });
          values.push({ metricName: `${h.name}_count`, labels: s.labels, value: s.count });
        }
        return values;
      }),
    );
  }

  async function refresh(): Promise<void> {
    const keys = deps.store.keys;
    const [counters, histograms, streamLength, stories] = await Promise.all([
      deps.redis.hgetall(keys.metricsCounters),
      deps.redis.hgetall(keys.metricsHistograms),
      deps.redis.xlen(keys.events(deps.cfg.publish.stream)),
      deps.redis.zcard(keys.stories),
    ]);
    const jobCounts: Snapshot['jobCounts'] = {};
    const workers: Snapshot['workers'] = {};
    await Promise.all(
      monitored.map(async (name) => {
        const q = queueOf(name);
        jobCounts[name] = await q.getJobCounts(...JOB_STATES);
        // CLIENT LIST may be refused (ACLs, managed Redis): then there is no sample, not a false 0.
        const count = await q.getWorkersCount().catch(() => undefined);
        if (count !== undefined) workers[name] = count;
      }),
    );
    snap = { counters, histograms, jobCounts, workers, streamLength, stories };
  }

  return {
    registry,
    contentType: registry.contentType,
    async render() {
      await refresh();
      return registry.metrics();
    },
  };
}

/** A registry with the default process metrics only, for `storyline worker --metrics-port`. */
export function createProcessRegistry(labels: Labels = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}
