import type { Queue } from 'bullmq';
import { recentThroughput } from '../metrics/recorder';
import type { RecordStore } from '../store/records';
import { entityById } from '../tag';
import type { Article, ArticleEntity, EntityType, StageName, Story } from '../types';
import { SCHEMA_VERSION, STAGES } from '../types';
import { badParameter, notFound } from './errors';

/*
 * Read-side queries for the HTTP API and the story pages. Stories are listed
 * from sorted sets scored by last update (ms): `{prefix}:stories` for all,
 * `{prefix}:stories:entity:{entityId}` and `{prefix}:stories:source:{outlet}`
 * per filter, maintained by the merge stage (MergeStore.writeStory).
 *
 * Story repair: a story absorbed into another is no longer live. The merge
 * stage takes it out of those sorted sets and records absorbed id → survivor
 * id in `{prefix}:merge:merged:{absorbed}` (record TTL); listings skip any id found there
 * (stories absorbed before the sets were cleaned), and the detail routes
 * redirect it to the survivor (survivorOf).
 */

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;
/**
 * Upper bound of index entries one list request examines. Index entries are
 * re-checked against the story (it may have expired or moved on), so a page
 * can need more entries than it returns; past this bound the page is returned
 * short, with a cursor to continue.
 */
export const MAX_SCAN = 2_000;

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ENTITY_ID_PATTERN = /^[a-z]+[:~][A-Za-z0-9._~-]{1,120}$/;

export interface StoryListParams {
  since?: number;
  entity?: string;
  source?: string;
  limit: number;
  cursor?: Cursor;
}

interface Cursor {
  s: number;
  id: string;
}

export interface StorySummary {
  id: string;
  title: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  articles: number;
  sources: string[];
  entities: Array<{ entityId: string; name: string; type: EntityType; count: number }>;
  lead?: string;
  href: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.s, c.id])).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string' && ID_PATTERN.test(v[1])) {
      return { s: v[0] as number, id: v[1] };
    }
  } catch {
    // fall through
  }
  throw badParameter('cursor is not one this API returned');
}

/** Query-string parameters: a single string value or nothing (repeated parameters are refused). */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badParameter(`${name} must be given once`);
  return v;
}

export function parseStoryListParams(query: Record<string, unknown>): StoryListParams {
  const known = new Set(['since', 'entity', 'source', 'limit', 'cursor']);
  for (const k of Object.keys(query))
    if (!known.has(k)) throw badParameter(`unknown parameter ${k} (use since, entity, source, limit, cursor)`);
  const out: StoryListParams = { limit: DEFAULT_PAGE };
  const limit = single(query, 'limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!/^\d+$/.test(limit) || n < 1 || n > MAX_PAGE) throw badParameter(`limit must be an integer from 1 to ${MAX_PAGE}`);
    out.limit = n;
  }
  const since = single(query, 'since');
  if (since !== undefined) {
    const ms = /^\d+$/.test(since) ? Number(since) : /^\d{4}-\d{2}-\d{2}/.test(since) ? Date.parse(since) : NaN;
    if (!Number.isFinite(ms)) throw badParameter('since must be an ISO 8601 date-time (2025-01-31T12:00:00Z) or epoch milliseconds');
    out.since = ms;
  }
  const entity = single(query, 'entity');
  if (entity !== undefined) {
    if (!ENTITY_ID_PATTERN.test(entity)) throw badParameter('entity must be an entity id such as org:nvidia');
    out.entity = entity;
  }
  const source = single(query, 'source');
  if (source !== undefined) {
    if (!source.trim() || source.length > 200) throw badParameter('source must be an outlet name (1 to 200 characters)');
    out.source = source.trim();
  }
  const cursor = single(query, 'cursor');
  if (cursor !== undefined) out.cursor = decodeCursor(cursor);
  return out;
}

export function summarize(s: Story): StorySummary {
  return {
    id: s.id,
    title: s.title,
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    articles: s.articles.length,
    sources: s.sources,
    entities: s.entities.slice(0, 5),
    lead: s.briefing.whatHappened[0],
    href: `/api/stories/${s.id}`,
  };
}

function parseStory(raw: string | null): Story | undefined {
  if (!raw) return undefined;
  const s = JSON.parse(raw) as Story;
  return s.schemaVersion === SCHEMA_VERSION ? s : undefined;
}

/** Stories by last update, newest first, filtered and paginated with an opaque cursor. */
export async function listStories(store: RecordStore, p: StoryListParams): Promise<{ stories: StorySummary[]; nextCursor?: string }> {
  const { redis, keys } = store;
  const key = p.entity ? keys.storiesByEntity(p.entity) : p.source ? keys.storiesBySource(p.source) : keys.stories;
  const max = p.cursor ? String(p.cursor.s) : '+inf';
  const min = p.since !== undefined ? String(p.since) : '-inf';
  const source = p.source?.toLowerCase();
  const found: Array<{ story: Story; score: number }> = [];
  const batch = Math.min(Math.max(p.limit * 2, 50), 500);
  let offset = 0;
  let last: Cursor | undefined;
  let exhausted = false;
  while (found.length <= p.limit && offset < MAX_SCAN) {
    const flat = await redis.zrevrangebyscore(key, max, min, 'WITHSCORES', 'LIMIT', offset, batch);
    const pairs: Cursor[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push({ id: flat[i], s: Number(flat[i + 1]) });
    offset += pairs.length;
    // Entries at the cursor's score come in reverse member order: skip up to and including the cursor.
    const after = pairs.filter((e) => !p.cursor || e.s < p.cursor.s || e.id < p.cursor.id);
    const [raw, merged] = after.length
      ? await Promise.all([redis.mget(...after.map((e) => keys.story(e.id))), redis.mget(...after.map((e) => keys.mergedInto(e.id)))])
      : [[], []];
    after.forEach((e, i) => {
      if (found.length > p.limit) return;
      last = e;
      if (merged[i]) return; // absorbed by story repair: the survivor is listed instead
      const story = parseStory(raw[i]);
      if (!story) return; // expired: the index entry outlived the record
      if (p.entity && !story.entities.some((x) => x.entityId === p.entity)) return;
      if (source && !story.sources.some((x) => x.toLowerCase() === source)) return;
      found.push({ story, score: e.s });
    });
    if (pairs.length < batch) {
      exhausted = true;
      break;
    }
  }
  const page = found.slice(0, p.limit);
  let nextCursor: string | undefined;
  if (found.length > p.limit) {
    const tail = page[page.length - 1];
    nextCursor = encodeCursor({ s: tail.score, id: tail.story.id });
  } else if (!exhausted && last) {
    nextCursor = encodeCursor(last); // scan bound reached: continue from the last entry examined
  }
  return { stories: page.map((f) => f.story).map(summarize), nextCursor };
}

/** Most merge hops followed (a chain forms when a survivor is itself absorbed later). */
const MAX_MERGE_HOPS = 100;

/**
 * The story an absorbed story now lives in (following later merges), or
 * undefined when `id` is not a merged-away story.
 */
export async function survivorOf(store: RecordStore, id: string): Promise<string | undefined> {
  if (!ID_PATTERN.test(id)) return undefined;
  let current = id;
  for (let hops = 0; hops < MAX_MERGE_HOPS; hops++) {
    const next = await store.redis.get(store.keys.mergedInto(current));
    if (!next || next === current) break;
    current = next;
  }
  return current === id ? undefined : current;
}

export interface ArticleSummary {
  id: string;
  title: string;
  source: string;
  sourceDomain?: string;
  url: string;
  publishedAt?: string;
  byline?: string;
  excerpt?: string;
  wordCount?: number;
  lang?: string;
  /** False when the article record has expired; the fields come from the story's reference. */
  available: boolean;
  href: string;
}

export interface EntityCardView {
  entityId: string;
  name: string;
  type: EntityType;
  description?: string;
  wikidata?: string;
  aliases?: string[];
  count: number;
  href: string;
}

export interface StoryVersionEntry {
  version: number;
  updatedAt: string;
  articleId: string;
  articles: number;
  title: string;
  /** The immutable snapshot of this version, while it is kept (7 days). */
  snapshot?: string;
}

export interface StoryDetail {
  story: Story;
  members: ArticleSummary[];
  entityCards: EntityCardView[];
  versions: StoryVersionEntry[];
}

function parseArticle(raw: string | null): Article | undefined {
  if (!raw) return undefined;
  const a = JSON.parse(raw) as Article;
  return a.schemaVersion === SCHEMA_VERSION ? a : undefined;
}

export async function getStoryDetail(store: RecordStore, id: string): Promise<StoryDetail> {
  if (!ID_PATTERN.test(id)) throw notFound(`no story ${id}`);
  const story = await store.getStory(id);
  if (!story) throw notFound(`no story ${id}`);
  const { redis, keys } = store;
  const [rawArticles, rawVersions] = await Promise.all([
    story.articles.length ? redis.mget(...story.articles.map((a) => keys.article(a.id))) : Promise.resolve([] as Array<string | null>),
    redis.lrange(keys.storyVersions(id), 0, -1),
  ]);
  const members: ArticleSummary[] = story.articles.map((ref, i) => {
    const a = parseArticle(rawArticles[i]);
    return a
      ? {
          id: a.id,
          title: a.title,
          source: a.source,
          sourceDomain: a.sourceDomain,
          url: a.canonicalUrl,
          publishedAt: a.publishedAt,
          byline: a.byline,
          excerpt: a.excerpt,
          wordCount: a.wordCount,
          lang: a.lang,
          available: true,
          href: `/api/articles/${a.id}`,
        }
      : {
          id: ref.id,
          title: ref.title,
          source: ref.source,
          url: ref.url,
          publishedAt: ref.publishedAt,
          available: false,
          href: `/api/articles/${ref.id}`,
        };
  });
  const entries = rawVersions.map((r) => JSON.parse(r) as Omit<StoryVersionEntry, 'snapshot'>);
  const pipe = redis.pipeline();
  for (const v of entries) pipe.exists(keys.storyVersion(id, v.version));
  const exists = entries.length ? ((await pipe.exec()) ?? []) : [];
  const versions = entries.map((v, i) => ({
    ...v,
    snapshot: exists[i]?.[1] === 1 ? `/api/stories/${id}/versions/${v.version}` : undefined,
  }));
  return { story, members, entityCards: entityCards(story), versions };
}

export function entityCards(story: Story): EntityCardView[] {
  return story.briefing.entityCards.map((c) => {
    const g = entityById(c.entityId);
    return {
      entityId: c.entityId,
      name: c.name,
      type: c.type,
      description: c.description ?? g?.description,
      wikidata: g?.wikidata,
      aliases: g?.aliases,
      count: c.count,
      href: `/api/entities/${encodeURIComponent(c.entityId)}`,
    };
  });
}

export async function getStoryVersion(store: RecordStore, id: string, version: string): Promise<Story> {
  if (!ID_PATTERN.test(id)) throw notFound(`no story ${id}`);
  if (!/^[1-9]\d{0,8}$/.test(version)) throw badParameter('version must be a positive integer');
  const s = await store.getStoryVersion(id, Number(version));
  if (!s) throw notFound(`no snapshot of story ${id} version ${version} (snapshots are kept 7 days)`);
  return s;
}

export interface ArticleDetail extends Article {
  entities: ArticleEntity[];
  story?: { storyId: string; storyVersion: number; href: string };
}

export async function getArticleDetail(store: RecordStore, id: string): Promise<ArticleDetail> {
  if (!ID_PATTERN.test(id)) throw notFound(`no article ${id}`);
  const { redis, keys } = store;
  const [rawArticle, rawTags, rawAssign] = await redis.mget(keys.article(id), keys.tagged(id), keys.assignment(id));
  const article = parseArticle(rawArticle);
  if (!article) throw notFound(`no article ${id}`);
  const entities = rawTags ? (JSON.parse(rawTags) as ArticleEntity[]) : [];
  const assign = rawAssign ? (JSON.parse(rawAssign) as { reason: { storyId: string }; storyVersion: number }) : undefined;
  return {
    ...article,
    entities,
    story: assign
      ? { storyId: assign.reason.storyId, storyVersion: assign.storyVersion, href: `/api/stories/${assign.reason.storyId}` }
      : undefined,
  };
}

export interface EntityDetail {
  entityId: string;
  name: string;
  type: EntityType;
  description?: string;
  wikidata?: string;
  aliases: string[];
  /** gazetteer: a known entity; recognised: a name the tagger found in stories but the gazetteer lacks. */
  kind: 'gazetteer' | 'recognised';
  recentStories: StorySummary[];
}

export async function getEntityDetail(store: RecordStore, id: string, limit = 10): Promise<EntityDetail> {
  if (!ENTITY_ID_PATTERN.test(id)) throw notFound(`no entity ${id}`);
  const { stories } = await listStories(store, { entity: id, limit });
  const g = entityById(id);
  if (g) {
    return {
      entityId: g.id,
      name: g.name,
      type: g.type,
      description: g.description,
      wikidata: g.wikidata,
      aliases: g.aliases,
      kind: 'gazetteer',
      recentStories: stories,
    };
  }
  const seen = stories.flatMap((s) => s.entities).find((e) => e.entityId === id);
  let name = seen?.name;
  let type = seen?.type;
  if (!name && stories.length) {
    const full = await store.getStory(stories[0].id);
    const e = full?.entities.find((x) => x.entityId === id);
    name = e?.name;
    type = e?.type;
  }
  if (!name || !type) throw notFound(`no entity ${id}`);
  return { entityId: id, name, type, aliases: [], kind: 'recognised', recentStories: stories };
}

export interface QueueOverview {
  stages: Array<{
    stage: StageName;
    waiting: number;
    active: number;
    delayed: number;
    failed: number;
    completed: number;
    workers: number;
    perMinute: number;
  }>;
  windowMinutes: number;
  at: string;
}

/** Queue depth and throughput (jobs completed per minute over the last few minutes) for the index page. */
export async function queueOverview(store: RecordStore, queues: Record<StageName, Queue>, windowMinutes = 5): Promise<QueueOverview> {
  const throughput = await recentThroughput({ redis: store.redis, store }, STAGES, windowMinutes);
  const stages = await Promise.all(
    STAGES.map(async (stage) => {
      const c = await queues[stage].getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
      const workers = await queues[stage].getWorkersCount().catch(() => 0);
      return {
        stage,
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        completed: c.completed ?? 0,
        workers,
        perMinute: Math.round(((throughput[stage] ?? 0) / (windowMinutes + 1)) * 10) / 10,
      };
    }),
  );
  return { stages, windowMinutes, at: new Date().toISOString() };
}
