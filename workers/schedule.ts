import type { Queue } from 'bullmq';
import type { StorylineConfig } from '../config';
import type { RecordStore } from '../src/store/records';
import type { FeedConfig } from '../src/types';
import type { Logger } from '../src/util/logger';

export function schedulerIdFor(feedId: string): string {
  return `feed-${feedId}`;
}

/**
 * One BullMQ job scheduler per feed. upsertJobScheduler is idempotent, so
 * every process that runs the feeds stage may call this at start.
 *
 * Poll jobs get one attempt: a failed poll is retried by the schedule, after
 * the backoff or Retry-After the feeds worker records (workers/feeds.ts), not
 * by BullMQ's quick retries, which would hammer a server that asked us to wait.
 */
export async function scheduleFeed(queue: Queue, cfg: StorylineConfig, feed: FeedConfig): Promise<void> {
  await queue.upsertJobScheduler(
    schedulerIdFor(feed.id),
    { every: feed.pollIntervalMs ?? cfg.feeds.pollIntervalMs },
    { name: 'poll', data: { feedId: feed.id }, opts: { attempts: 1 } },
  );
}

export async function unscheduleFeed(queue: Queue, feedId: string): Promise<void> {
  await queue.removeJobScheduler(schedulerIdFor(feedId));
}

/**
 * Seeds the registry with the configured feeds and (re)creates a scheduler for
 * every registered feed, except disabled ones (`storyline feeds enable` brings
 * those back). A configured feed that was removed with `storyline feeds
 * remove` is not seeded again: a restart must not undo an operator's removal
 * (`storyline feeds add` brings it back).
 */
export async function syncFeedSchedulers(
  queue: Queue,
  store: RecordStore,
  cfg: StorylineConfig,
  feeds: FeedConfig[] = cfg.feeds.list,
  log?: Logger,
): Promise<FeedConfig[]> {
  for (const feed of feeds) {
    if (!(await store.seedFeed(feed))) {
      log?.warn({ feedId: feed.id }, 'configured feed was removed with `storyline feeds remove`: not seeded again');
    }
  }
  const registered = await store.listFeeds();
  for (const feed of registered) {
    if ((await store.getFeedState(feed.id)).disabledAt) await unscheduleFeed(queue, feed.id);
    else await scheduleFeed(queue, cfg, feed);
  }
  // A feed removed while this ran may still have got a scheduler above; so may one removed while another
  // process ran this. Drop schedulers of feeds no longer registered (their jobs would find no feed).
  const scheduled = new Set(registered.map((f) => schedulerIdFor(f.id)));
  const feedPrefix = schedulerIdFor('');
  for (const { key } of await queue.getJobSchedulers()) {
    if (!key.startsWith(feedPrefix) || scheduled.has(key)) continue;
    const feedId = key.slice(feedPrefix.length);
    // Registered since listFeeds() (another process's `feeds add`): keep it.
    if (await store.getFeed(feedId)) continue;
    await unscheduleOrphan(queue, store, cfg, feedId);
  }
  return registered;
}

/**
 * Drops the scheduler of a feed that is no longer registered. `feeds add` registers before it schedules, so
 * one that landed between the caller's check and the removal has just lost its scheduler: it gets it back.
 * Returns whether the feed turned out to be registered (and schedulable) after all.
 */
export async function unscheduleOrphan(queue: Queue, store: RecordStore, cfg: StorylineConfig, feedId: string): Promise<boolean> {
  await unscheduleFeed(queue, feedId);
  const added = await store.getFeed(feedId);
  if (!added || (await store.getFeedState(feedId)).disabledAt) return false;
  await scheduleFeed(queue, cfg, added);
  return true;
}
