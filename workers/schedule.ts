import type { Queue } from 'bullmq';
import type { StorylineConfig } from '../config';
import type { RecordStore } from '../src/store/records';
import type { FeedConfig } from '../src/types';

export function schedulerIdFor(feedId: string): string {
  return `feed-${feedId}`;
}

/**
 * One BullMQ job scheduler per feed. upsertJobScheduler is idempotent, so
 * every process that runs the feeds stage may call this at start.
 */
export async function scheduleFeed(queue: Queue, cfg: StorylineConfig, feed: FeedConfig): Promise<void> {
  await queue.upsertJobScheduler(
    schedulerIdFor(feed.id),
    { every: feed.pollIntervalMs ?? cfg.feeds.pollIntervalMs },
    { name: 'poll', data: { feedId: feed.id } },
  );
}

export async function unscheduleFeed(queue: Queue, feedId: string): Promise<void> {
  await queue.removeJobScheduler(schedulerIdFor(feedId));
}

/** Seeds the registry with the configured feeds and (re)creates a scheduler for every registered feed. */
export async function syncFeedSchedulers(
  queue: Queue,
  store: RecordStore,
  cfg: StorylineConfig,
  feeds: FeedConfig[] = cfg.feeds.list,
): Promise<FeedConfig[]> {
  for (const feed of feeds) await store.upsertFeed(feed);
  const registered = await store.listFeeds();
  for (const feed of registered) await scheduleFeed(queue, cfg, feed);
  return registered;
}
