import { buildBriefing, prepareBriefingText, type BriefingArticle } from './briefing';
import { groupDuplicates, independentSourceCount, shingleSignature, type ShingleSignature } from './near-duplicates';
import type { TextAnalysis } from './text-analysis';
import { entityById } from '../tag';
import { SCHEMA_VERSION, type Article, type ArticleEntity, type Story, type StoryArticleRef } from '../types';

/** A story member held in memory: what the briefing needs and its near-duplicate signature. */
export type StoryMember = BriefingArticle & { signature: ShingleSignature };

/**
 * An article as a story member. `analysis`: its text analysis when at hand
 * (the tag stage's record); else the signature and the briefing's text
 * analysis are computed here.
 */
export function storyMember(a: Article, entities: ArticleEntity[], analysis?: TextAnalysis): StoryMember {
  return {
    id: a.id,
    title: a.title,
    text: a.text,
    source: a.source,
    url: a.canonicalUrl,
    publishedAt: a.publishedAt,
    entities,
    signature: analysis?.shingles ?? shingleSignature(a.text),
    prepared: analysis?.prepared ?? prepareBriefingText(a.title, a.text),
  };
}

/**
 * The story record publish sends, composed in memory from its members, as
 * the merge worker does after an assignment: near-duplicates over the members,
 * the briefing over the newest 25, sources and timeline. Without storylines
 * (no related stories) and with `now` for both timestamps; the stages-alone
 * benchmark and the workers' warm-up use it, the merge worker composes its
 * record from what it keeps in Redis (workers/merge.ts).
 */
export function composeStory(storyId: string, version: number, members: StoryMember[], now = new Date().toISOString()): Story {
  const newest = [...members].sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '')).slice(0, 25);
  const duplicateOf = groupDuplicates(members.map((m) => ({ ...m, signature: newest.includes(m) ? m.signature : undefined })));
  const built = buildBriefing({
    articles: newest.map((m) => ({ ...m, duplicateOf: duplicateOf.get(m.id) })),
    related: [],
    cardFor: (id) => entityById(id),
  });
  const refs: StoryArticleRef[] = members
    .map((m) => ({
      id: m.id,
      title: m.title,
      source: m.source,
      url: m.url,
      publishedAt: m.publishedAt,
      duplicateOf: duplicateOf.get(m.id),
    }))
    .map((r) => (r.duplicateOf ? r : (({ duplicateOf: _, ...rest }) => rest)(r)))
    .sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? ''));
  return {
    schemaVersion: SCHEMA_VERSION,
    id: storyId,
    version,
    title: built.title,
    createdAt: now,
    updatedAt: now,
    articles: refs,
    sources: [...new Set(refs.map((m) => m.source))].sort(),
    independentSources: independentSourceCount(refs),
    entities: built.entities,
    briefing: { ...built.briefing, timeline: refs },
  };
}
