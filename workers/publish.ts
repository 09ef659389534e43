import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { recordPublished } from '../src/audit';
import { buildArticleEvent, buildStoryEvent, buildStoryMergedEvent, type StreamEvent } from '../src/publish/events';
import { EventValidationError } from '../src/publish/schemas';
import { appendEventOnce } from '../src/publish/stream';
import { disabledSubscriptions, subscriptionsFor, webhookJobId, type WebhookJobData } from '../src/publish/webhooks';
import { MissingRecordError } from '../src/store/records';
import type { AssignmentReason, PublishJobData } from '../src/types';
import type { StageContext } from './context';

/**
 * publish stage: append `article.enriched.v1` and `story.created|updated.v1`
 * for the story version this article produced, then one `story.merged.v1` per
 * story that version absorbed (story repair, `AssignmentReason.merged`).
 * At-least-once delivery with exactly-once appends per event id.
 */
export async function processPublishJob(job: Job<PublishJobData>, ctx: StageContext): Promise<{ appended: number }> {
  const { articleId, storyId, storyVersion, created } = job.data;
  const log = ctx.logger.child({ queue: 'publish', jobId: job.id, articleId, storyId });
  const [article, entities, story, assignmentRaw] = await Promise.all([
    ctx.store.getArticle(articleId),
    ctx.store.getTagged(articleId),
    ctx.store.getStoryVersion(storyId, storyVersion),
    ctx.redis.get(ctx.store.keys.assignment(articleId)),
  ]);
  if (!story) throw new MissingRecordError(`story ${storyId} v${storyVersion}`);
  if (!assignmentRaw) throw new MissingRecordError(`assignment of ${articleId}`);
  const assignment = (JSON.parse(assignmentRaw) as { reason: AssignmentReason }).reason;
  const source = ctx.cfg.publish.source;
  // The absorbed stories' records are never written again after the merge, so a retry reads the same ones.
  const absorbedIds = (assignment.merged ?? []).filter((id) => id !== storyId);
  const absorbed = await Promise.all(absorbedIds.map((id) => ctx.store.getStory(id)));
  let events: StreamEvent[];
  try {
    events = [
      buildArticleEvent(source, article, entities, assignment),
      buildStoryEvent(source, story, created),
      ...absorbedIds.map((id, i) => buildStoryMergedEvent(source, story, id, articleId, absorbed[i])),
    ];
  } catch (err) {
    // An event that breaks its published schema will not mend on retry: fail now, visibly.
    if (err instanceof EventValidationError) throw new UnrecoverableError(err.message);
    throw err;
  }
  let appended = 0;
  for (const event of events) {
    const res = await appendEventOnce(
      ctx.redis,
      { seen: ctx.store.keys.eventSeen(event.id), stream: ctx.store.keys.events(ctx.cfg.publish.stream) },
      event,
      { maxLen: ctx.cfg.retention.streamMaxLen, dedupeTtlSec: ctx.cfg.retention.recordTtlSec },
    );
    if (res.appended) appended++;
  }
  const deliveries = await enqueueWebhooks(ctx, events);
  await recordPublished(ctx.redis, ctx.store.keys, articleId);
  log.debug({ appended, deliveries, storyVersion }, 'events published');
  return { appended };
}

/**
 * One delivery job per (matching subscription, event). Enqueued for every
 * event of the job, appended now or by an earlier attempt: a crash between
 * append and enqueue must not lose deliveries, and the deterministic job id
 * keeps a retry from adding a second one while the first exists.
 */
async function enqueueWebhooks(ctx: StageContext, events: StreamEvent[]): Promise<number> {
  const subs = ctx.cfg.webhooks.subscriptions;
  if (!subs.length) return 0;
  const disabled = await disabledSubscriptions(
    ctx.redis,
    ctx.cfg.redis.prefix,
    subs.map((s) => s.id),
  );
  const jobs = events.flatMap((event) =>
    subscriptionsFor(event.type, subs)
      .filter((sub) => !disabled.has(sub.id))
      .map((sub) => ({
        name: event.type,
        data: { subscriptionId: sub.id, eventId: event.id, eventType: event.type, event: event.json } satisfies WebhookJobData,
        opts: { jobId: webhookJobId(sub.id, event.id) },
      })),
  );
  if (jobs.length) await ctx.queues.webhooks.addBulk(jobs);
  return jobs.length;
}
