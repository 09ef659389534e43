import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { applyQueuePolicies, closeQueues, jobIdFor, openQueues, QUEUE_NAMES, workerOptions } from '../../queues';
import { DEMO_ARTICLES } from '../../src/demo/corpus';
import { demoArticleRecord } from '../../src/demo/records';
import { analyseText, parseTextAnalysis, textAnalysisRecord } from '../../src/merge/text-analysis';
import { RecordStore } from '../../src/store/records';
import { clearPrefix } from '../../src/store/redis';
import { tagEntities } from '../../src/tag';
import type { ArticleJobData } from '../../src/types';
import { createLogger } from '../../src/util/logger';
import { processMergeJob } from '../../workers/merge';
import { processTagJob } from '../../workers/tag';
import type { StageContext } from '../../workers/context';
import { testConfig, uniquePrefix } from '../helpers/redis';

/**
 * Two merge workers (separate BullMQ Workers, own connections, concurrency 4
 * each as if misconfigured) race over the demo corpus. The queue's global
 * concurrency 1 hands out one merge job at a time, so no event is split into
 * two stories and no story mixes events.
 */
test('two merge workers never split one event into two stories', async () => {
  const prefix = uniquePrefix('merge-conc');
  const cfg = testConfig(prefix);
  const redis = new Redis(cfg.redis.url);
  const queues = openQueues(cfg);
  const store = new RecordStore(redis, prefix, { recordTtlSec: 3600, htmlTtlSec: 3600 });
  const workers: Worker[] = [];
  try {
    await applyQueuePolicies(queues);
    const eventOf = new Map<string, string>();
    const articles = [...DEMO_ARTICLES].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.slug.localeCompare(b.slug));
    for (const [i, d] of articles.entries()) {
      const id = `a${String(i).padStart(20, '0')}`;
      eventOf.set(id, d.event);
      const text = d.paragraphs.join('\n\n');
      await store.saveArticle(demoArticleRecord(id, d));
      // Half come with the tag stage's text analysis, half without (merge computes it): both paths race.
      const analysis = i % 2 ? textAnalysisRecord(analyseText(d.title, text)) : undefined;
      await store.saveTagged(id, tagEntities(text, { title: d.title }).entities, analysis);
    }

    const done = new Set<string>();
    let inFlight = 0;
    let maxInFlight = 0;
    for (const name of ['w1', 'w2']) {
      const connection = new Redis(cfg.redis.url);
      const ctx: StageContext = {
        cfg,
        redis: connection,
        store: new RecordStore(connection, prefix, { recordTtlSec: 3600, htmlTtlSec: 3600 }),
        queues,
        http: undefined as never, // merge does no HTTP
        logger: createLogger('silent', { worker: name }),
      };
      const worker = new Worker<ArticleJobData>(
        QUEUE_NAMES.merge,
        async (job: Job<ArticleJobData>) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            return await processMergeJob(job, ctx);
          } finally {
            inFlight--;
            done.add(job.data.articleId);
          }
        },
        { ...workerOptions(cfg, 'merge'), concurrency: 4 },
      );
      worker.on('closed', () => ctx.redis.disconnect());
      workers.push(worker);
    }
    await queues.merge.addBulk(
      [...eventOf.keys()].map((articleId) => ({ name: 'merge', data: { articleId }, opts: { jobId: jobIdFor('merge', articleId) } })),
    );
    for (const w of workers) void w.run();
    const deadline = Date.now() + 25_000;
    while (done.size < eventOf.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(done.size).toBe(eventOf.size);
    expect(maxInFlight).toBe(1);

    const storyOfEvent = new Map<string, Set<string>>();
    const eventsOfStory = new Map<string, Set<string>>();
    for (const [articleId, event] of eventOf) {
      const raw = await redis.get(store.keys.assignment(articleId));
      const storyId = (JSON.parse(raw as string) as { reason: { storyId: string } }).reason.storyId;
      storyOfEvent.set(event, (storyOfEvent.get(event) ?? new Set()).add(storyId));
      eventsOfStory.set(storyId, (eventsOfStory.get(storyId) ?? new Set()).add(event));
    }
    expect([...storyOfEvent].filter(([, s]) => s.size > 1)).toEqual([]);
    expect([...eventsOfStory].filter(([, e]) => e.size > 1)).toEqual([]);
    // Each merge commit deleted the analysis it used.
    expect(await redis.keys(`${prefix}:analysis:*`)).toEqual([]);
    // Every story record lists exactly its event's articles.
    for (const [event, ids] of storyOfEvent) {
      const story = await store.getStory([...ids][0]);
      expect(story?.articles.length).toBe([...eventOf.values()].filter((e) => e === event).length);
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await closeQueues(queues);
    await clearPrefix(redis, prefix);
    redis.disconnect();
  }
});

/**
 * The tag stage writes the text analysis merge would otherwise compute; merge
 * scores with what is stored (a planted term shows up in the story's state)
 * and deletes it in its commit.
 */
test('tag hands merge the text analysis, merge scores with it and deletes it', async () => {
  const prefix = uniquePrefix('analysis');
  const cfg = testConfig(prefix);
  const redis = new Redis(cfg.redis.url);
  const queues = openQueues(cfg);
  const store = new RecordStore(redis, prefix, { recordTtlSec: 3600, htmlTtlSec: 3600 });
  const ctx: StageContext = { cfg, redis, store, queues, http: undefined as never, logger: createLogger('silent') };
  try {
    const d = DEMO_ARTICLES[0];
    const text = d.paragraphs.join('\n\n');
    await store.saveArticle(demoArticleRecord('a1', d));
    await processTagJob({ id: 't1', data: { articleId: 'a1' } } as Job<ArticleJobData>, ctx);
    const raw = await redis.get(store.keys.textAnalysis('a1'));
    expect(parseTextAnalysis(raw)).toEqual(analyseText(d.title, text));

    const planted = JSON.parse(raw!) as { terms: Array<[string, number]> };
    planted.terms.push(['zzplanted', 1]);
    await redis.set(store.keys.textAnalysis('a1'), JSON.stringify(planted));
    const published = await processMergeJob({ id: 'm1', data: { articleId: 'a1' } } as Job<ArticleJobData>, ctx);
    const state = await redis.get(store.keys.mergeState(published.storyId));
    expect(state).toContain('zzplanted');
    expect(await redis.exists(store.keys.textAnalysis('a1'))).toBe(0);
  } finally {
    await closeQueues(queues);
    await clearPrefix(redis, prefix);
    redis.disconnect();
  }
});
