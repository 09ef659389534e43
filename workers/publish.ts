import type { Job } from 'bullmq';
import { buildArticleEvent, buildStoryEvent } from '../src/publish/events';
import { appendEventOnce } from '../src/publish/stream';
import { MissingRecordError } from '../src/store/records';
import type { AssignmentReason, PublishJobData } from '../src/types';
import type { StageContext } from './context';

/**
 * publish stage: append `article.enriched.v1` and `story.created|updated.v1`
 * for the story version this article produced. At-least-once delivery with
 * exactly-once appends per event id.
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
  const events = [buildArticleEvent(source, article, entities, assignment), buildStoryEvent(source, story, created)];
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
  log.debug({ appended, storyVersion }, 'events published');
  return { appended };
}
