import { CloudEvent } from 'cloudevents';
import type { Article, ArticleEntity, AssignmentReason, Story, StoryMergedData } from '../types';
import { validateEvent } from './schemas';

/*
 * CloudEvents 1.0, structured JSON mode. The `cloudevents` SDK validates the
 * envelope (spec version, required attributes) so we do not hand-roll it.
 * Event ids are stable per (article), per (story, version) and per story
 * merge: a consumer can deduplicate on `id`, and a retried publish cannot mint
 * a second id.
 */

export const EVENT_TYPES = {
  articleEnriched: 'article.enriched.v1',
  storyCreated: 'story.created.v1',
  storyUpdated: 'story.updated.v1',
  storyMerged: 'story.merged.v1',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

export interface StreamEvent {
  id: string;
  type: EventType;
  /** The whole CloudEvent as JSON (structured mode). */
  json: string;
}

export interface ArticleEnrichedData {
  article: Omit<Article, 'text'> & { textLength: number };
  entities: Array<Pick<ArticleEntity, 'entityId' | 'name' | 'type' | 'kind' | 'salience'>>;
  storyId: string;
  assignment: AssignmentReason;
}

export function articleEventId(articleId: string): string {
  return `article-${articleId}`;
}

export function storyEventId(storyId: string, version: number): string {
  return `story-${storyId}-v${version}`;
}

/**
 * A story is absorbed at most once (story repair deletes its merge state, so it
 * is never a candidate again), by one version of one survivor: the id names
 * all three and stays the same on every retry of that publish. It ends in
 * -v{n} like the other story event ids.
 */
export function storyMergedEventId(absorbedStoryId: string, survivorStoryId: string, survivorVersion: number): string {
  return `story-${absorbedStoryId}-into-${survivorStoryId}-v${survivorVersion}`;
}

/**
 * Envelope check by the SDK, then the whole event against the schema of its
 * type (src/publish/schemas.ts, the source of schemas/*.json): an event that
 * does not match what we publish as the contract is never appended.
 */
function toStreamEvent<T>(ce: CloudEvent<T>): StreamEvent {
  // The SDK's envelope check already ran in the constructor (strict mode, its default): not again here.
  const json = JSON.stringify(ce.toJSON());
  // Validate the serialised form: that is what consumers receive (undefined fields dropped).
  validateEvent(JSON.parse(json));
  return { id: ce.id, type: ce.type as EventType, json };
}

export function buildArticleEvent(source: string, article: Article, entities: ArticleEntity[], assignment: AssignmentReason): StreamEvent {
  const { text, ...rest } = article;
  const data: ArticleEnrichedData = {
    article: { ...rest, textLength: text.length },
    entities: entities.map(({ entityId, name, type, kind, salience }) => ({ entityId, name, type, kind, salience })),
    storyId: assignment.storyId,
    assignment,
  };
  return toStreamEvent(
    new CloudEvent<ArticleEnrichedData>({
      specversion: '1.0',
      id: articleEventId(article.id),
      source,
      type: EVENT_TYPES.articleEnriched,
      subject: article.id,
      time: article.fetch.fetchedAt,
      datacontenttype: 'application/json',
      data,
    }),
  );
}

export function buildStoryEvent(source: string, story: Story, created: boolean): StreamEvent {
  return toStreamEvent(
    new CloudEvent<Story>({
      specversion: '1.0',
      id: storyEventId(story.id, story.version),
      source,
      type: created ? EVENT_TYPES.storyCreated : EVENT_TYPES.storyUpdated,
      subject: story.id,
      time: story.updatedAt,
      datacontenttype: 'application/json',
      data: story,
    }),
  );
}

/**
 * story.merged.v1 for one story absorbed by `survivor` (the snapshot of the
 * version that absorbed it). `absorbed` is the absorbed story's last record,
 * when it is still stored; its fields are then included.
 */
export function buildStoryMergedEvent(
  source: string,
  survivor: Story,
  absorbedStoryId: string,
  bridgingArticleId: string,
  absorbed?: Story,
): StreamEvent {
  const data: StoryMergedData = {
    absorbedStoryId,
    ...(absorbed ? { absorbedVersion: absorbed.version, title: absorbed.title, articleIds: absorbed.articles.map((a) => a.id) } : {}),
    survivorStoryId: survivor.id,
    survivorVersion: survivor.version,
    bridgingArticleId,
  };
  return toStreamEvent(
    new CloudEvent<StoryMergedData>({
      specversion: '1.0',
      id: storyMergedEventId(absorbedStoryId, survivor.id, survivor.version),
      source,
      type: EVENT_TYPES.storyMerged,
      subject: absorbedStoryId,
      time: survivor.updatedAt,
      datacontenttype: 'application/json',
      data,
    }),
  );
}
