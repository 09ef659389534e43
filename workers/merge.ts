import type { Job } from 'bullmq';
import type { StorylineConfig } from '../config';
import { jobIdFor } from '../queues';
import { buildBriefing } from '../src/merge/briefing';
import { groupDuplicates, independentSourceCount, type ShingleSignature } from '../src/merge/near-duplicates';
import { resolveMergeOptions, type MergeOptions } from '../src/merge/score';
import { articleFeatures } from '../src/merge/features';
import { storyMember, type StoryMember } from '../src/merge/compose-story';
import { analyseText, parseTextAnalysis, type TextAnalysis } from '../src/merge/text-analysis';
import { MergeStore, type MergeIndexMirror } from '../src/store/merge-store';
import { MergeMirror } from '../src/store/merge-mirror';
import { connectionScoped } from '../src/store/redis';
import { ExpiringLru } from '../src/util/expiring-lru';
import { entityById } from '../src/tag';
import type { Article, ArticleEntity, ArticleJobData, Briefing, PublishJobData, Story, StoryArticleRef } from '../src/types';
import { SCHEMA_VERSION } from '../src/types';
import type { StageContext } from './context';

/** Members whose text feeds the briefing; older members stay in the timeline. */
const BRIEFING_MEMBERS = 25;
const MAX_RELATED = 5;
/*
 * A related earlier story shares several salient entities and some wording,
 * but scored below the merge threshold. Chosen by looking at the demo corpus;
 * the storylines issue tunes these on data.
 */
const RELATED_MIN_SHARED_ENTITIES = 2;
const RELATED_MIN_ENTITY_OVERLAP = 0.25;
const RELATED_MIN_TEXT_SIMILARITY = 0.05;

/*
 * Every article that joins a story re-reads the story's newest members to
 * rebuild its briefing: without a cache that is up to 25 article reads, JSON
 * parses, shingle signatures and sentence splits per job, the merge stage's biggest cost.
 * Extracted articles do not change (a replayed extraction of the same article
 * is not re-merged: its assignment stands), so a bounded per-process cache is
 * safe; the worker stays stateless, a new process just starts cold.
 */
const MEMBER_CACHE_SIZE = 2_000;
const memberCache = new ExpiringLru<StoryMember>(MEMBER_CACHE_SIZE);

/** `analysis`: the article's text analysis when at hand (the tag stage's record); else computed here. */
function rememberMember(a: Article, entities: ArticleEntity[], analysis?: TextAnalysis): StoryMember {
  const m = storyMember(a, entities, analysis);
  memberCache.set(m.id, m);
  return m;
}

/*
 * The merge index as this process last wrote it (src/store/merge-mirror.ts):
 * one per Redis connection and prefix, trusted only while this process is the
 * last to have committed. Saves reading and parsing story states, document
 * frequencies and story records back on every job.
 */
const mirrors = connectionScoped<MergeIndexMirror>();
function mirrorFor(ctx: StageContext): MergeIndexMirror {
  return mirrors(ctx.redis, ctx.store.keys.prefix, () => new MergeMirror());
}

export function mergeOptionsFrom(cfg: StorylineConfig): MergeOptions {
  return resolveMergeOptions({
    threshold: cfg.merge.threshold,
    timeWindowMs: cfg.merge.windowHours * 3600_000,
    dfGenerationSize: cfg.merge.dfGenerationArticles,
  });
}

/**
 * merge stage: assign the article to a story (single writer, see
 * src/store/merge-store.ts), rebuild the story's briefing, and hand the new
 * story version to publish. Members whose text is a copy of an earlier
 * member's (wire copies, syndicated reprints; src/merge/near-duplicates.ts)
 * are marked `duplicateOf` and do not count as independent reports. Stories
 * absorbed by story repair leave the read-side indexes in the same MULTI, so
 * the API no longer lists them (it redirects their ids via `merge:merged:{id}`).
 */
export async function processMergeJob(job: Job<ArticleJobData>, ctx: StageContext): Promise<PublishJobData> {
  const { articleId } = job.data;
  const log = ctx.logger.child({ queue: 'merge', jobId: job.id, articleId });
  const mergeStore = new MergeStore(ctx.redis, ctx.store.keys, mergeOptionsFrom(ctx.cfg), ctx.cfg.retention.recordTtlSec, mirrorFor(ctx));
  const getStory = (id: string) => mergeStore.getStory(id, (x) => ctx.store.getStory(x));

  // Everything the job starts from in one round trip: an earlier assignment, the article, its
  // entities, and the merge epoch (whether this process's mirror is still trusted).
  const keys = ctx.store.keys;
  const [assignmentRaw, articleRaw, taggedRaw, analysisRaw, epoch] = await ctx.redis.mget(
    keys.assignment(articleId),
    keys.article(articleId),
    keys.tagged(articleId),
    keys.textAnalysis(articleId),
    keys.mergeEpoch,
  );
  // A retry after a crash between commit and enqueue: the assignment stands, just hand it on.
  const known = MergeStore.parseAssignment(assignmentRaw);
  if (known) {
    const data: PublishJobData = {
      articleId,
      storyId: known.reason.storyId,
      storyVersion: known.storyVersion,
      created: known.reason.created,
    };
    await ctx.queues.publish.add('publish', data, { jobId: jobIdFor('publish', articleId) });
    return data;
  }

  const article = ctx.store.parseArticleText(articleId, articleRaw);
  const entities = ctx.store.parseTagged(articleId, taggedRaw);
  const publishedAt = article.publishedAt ? Date.parse(article.publishedAt) : NaN;
  // The tag stage's text analysis; computed here when it has expired or is of another version.
  const analysis = parseTextAnalysis(analysisRaw) ?? analyseText(article.title, article.text);
  const features = articleFeatures(
    { id: articleId, title: article.title, text: article.text, publishedAt: article.publishedAt, entities },
    analysis,
  );
  const plan = await mergeStore.plan(features, { epoch });

  const previous = plan.created ? undefined : await getStory(plan.storyId);
  const ref: StoryArticleRef = {
    id: article.id,
    title: article.title,
    source: article.source,
    url: article.canonicalUrl,
    publishedAt: article.publishedAt,
  };
  // Story repair: the articles of stories this one absorbed join it (their records stay, pointing nowhere new).
  const absorbed = (await Promise.all(plan.merged.map((id) => getStory(id)))).filter((s): s is Story => !!s);
  const memberById = new Map<string, StoryArticleRef>();
  for (const a of [...(previous?.articles ?? []), ...absorbed.flatMap((s) => s.articles)]) if (a.id !== articleId) memberById.set(a.id, a);
  let members = [...memberById.values(), ref];

  // Member texts for the briefing: the newest ones, this article included.
  const briefingIds = [...members]
    .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''))
    .slice(0, BRIEFING_MEMBERS)
    .map((m) => m.id);
  const memberArticles = await Promise.all(
    briefingIds.map(async (id): Promise<StoryMember | undefined> => {
      if (id === articleId) return rememberMember(article, entities, analysis);
      const cached = memberCache.get(id); // a hit counts as a use
      if (cached) return cached;
      try {
        const [a, e] = await Promise.all([ctx.store.getArticleText(id), ctx.store.getTagged(id)]);
        return rememberMember(a, e);
      } catch {
        return undefined; // expired member: it stays in the timeline, not in the briefing
      }
    }),
  );

  const loaded = memberArticles.filter((m): m is StoryMember => !!m);

  // Near-duplicates among the members whose text is at hand; the others keep their earlier verdict.
  const signatures = new Map<string, ShingleSignature>(loaded.map((m) => [m.id, m.signature]));
  const duplicateOf = groupDuplicates(members.map((m) => ({ ...m, signature: signatures.get(m.id) })));
  members = members.map((m) => {
    const original = duplicateOf.get(m.id);
    const updated: StoryArticleRef = { ...m, duplicateOf: original };
    if (!original) delete updated.duplicateOf;
    return updated;
  });

  const related = await relatedStories(
    getStory,
    mergeStore,
    plan.storyId,
    plan.others,
    previous?.briefing.howWeGotHere ?? [],
    ctx.cfg,
    publishedAt,
  );
  const built = buildBriefing({
    articles: loaded.map((m) => ({ ...m, duplicateOf: duplicateOf.get(m.id) })),
    related,
    cardFor: (id) => entityById(id),
  });

  const now = new Date().toISOString();
  const story: Story = {
    schemaVersion: SCHEMA_VERSION,
    id: plan.storyId,
    version: (previous?.version ?? 0) + 1,
    title: built.title,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    articles: members.sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? '')),
    sources: [...new Set(members.map((m) => m.source))].sort(),
    independentSources: independentSourceCount(members),
    entities: built.entities,
    briefing: { ...built.briefing, timeline: members },
  };

  await plan.commit(ctx.redis, (multi) => {
    MergeStore.writeStory(
      multi,
      keys,
      story,
      { reason: plan.reason, storyVersion: story.version },
      articleId,
      {
        recordTtlSec: ctx.cfg.retention.recordTtlSec,
        // Snapshots only need to outlive the publish job that reads them (retries included).
        snapshotTtlSec: Math.min(ctx.cfg.retention.recordTtlSec, 7 * 24 * 3600),
      },
      previous, // the per-entity/per-outlet indexes drop what the story no longer has
    );
    // The text analysis has served its purpose: a retry from here on finds the assignment and needs none.
    multi.unlink(keys.textAnalysis(articleId));
    // Absorbed stories are no longer live: out of the listings. Their records stay (the API redirects
    // their ids to the survivor through merge:merged:{id}, which the plan writes), and publish reads them.
    for (const gone of absorbed) {
      if (gone.id === story.id) continue;
      multi.zrem(keys.stories, gone.id);
      for (const e of gone.entities) multi.zrem(keys.storiesByEntity(e.entityId), gone.id);
      for (const src of gone.sources) multi.zrem(keys.storiesBySource(src), gone.id);
    }
  });
  mergeStore.rememberStory(story, ctx.cfg.retention.recordTtlSec);
  const data: PublishJobData = { articleId, storyId: story.id, storyVersion: story.version, created: plan.created };
  await ctx.queues.publish.add('publish', data, { jobId: jobIdFor('publish', articleId) });
  log.info(
    {
      storyId: story.id,
      storyVersion: story.version,
      created: plan.created,
      score: Number(plan.reason.score.toFixed(3)),
      sharedTerms: plan.reason.sharedTerms.slice(0, 5),
      ...(plan.merged.length ? { merged: plan.merged } : {}),
      ...(duplicateOf.get(articleId) ? { duplicateOf: duplicateOf.get(articleId) } : {}),
    },
    plan.created ? 'story created' : 'article joined story',
  );
  return data;
}

/**
 * "How we got here": earlier stories this article touched but did not join,
 * sharing salient entities or some text, within the related-stories horizon.
 * A related story merged away since is shown as its survivor (and dropped if
 * that is this story).
 */
async function relatedStories(
  getStory: (id: string) => Promise<Story | undefined>,
  mergeStore: MergeStore,
  storyId: string,
  others: Array<{ storyId: string; textSimilarity: number; entityOverlap: number; sharedEntities: string[]; lastAt?: number }>,
  previous: Briefing['howWeGotHere'],
  cfg: StorylineConfig,
  articleTime: number,
): Promise<Briefing['howWeGotHere']> {
  const horizonMs = cfg.merge.relatedDays * 24 * 3600_000;
  const now = Number.isNaN(articleTime) ? Date.now() : articleTime;
  const picked = others
    .filter((o) => o.sharedEntities.length >= RELATED_MIN_SHARED_ENTITIES && o.entityOverlap >= RELATED_MIN_ENTITY_OVERLAP)
    .filter((o) => o.textSimilarity >= RELATED_MIN_TEXT_SIMILARITY)
    .filter((o) => o.lastAt === undefined || (o.lastAt <= now && now - o.lastAt <= horizonMs))
    .sort((a, b) => b.entityOverlap + b.textSimilarity - (a.entityOverlap + a.textSimilarity))
    .slice(0, MAX_RELATED);
  const candidates = await Promise.all(
    [...previous.map((p) => p.storyId), ...picked.map((o) => o.storyId)].map((id) => mergeStore.resolveStory(id)),
  );
  const ids = [...new Set(candidates)].filter((id) => id !== storyId).slice(0, MAX_RELATED);
  // Re-read each related story: its title changes as it grows.
  const out: Briefing['howWeGotHere'] = [];
  for (const id of ids) {
    const s = await getStory(id);
    if (s) out.push({ storyId: s.id, title: s.title, date: s.articles[0]?.publishedAt });
  }
  return out;
}
