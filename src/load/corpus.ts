/**
 * A scaled-up demo corpus for load and fault runs: the 66 hand-written demo
 * articles repeated as `replicas` independent "seasons" of news.
 *
 * Each replica is the same 11 events moved `REPLICA_SPACING_DAYS` further into
 * the past. The spacing is far beyond the merge window plus several decay
 * lengths, so a replica's articles can only join stories of their own replica:
 * ground truth stays "one story per (event, replica)" without inventing text.
 * Slugs carry the replica number, so every replica has its own URLs and
 * article ids.
 */
import { DEMO_ARTICLES, DEMO_EVENTS, DEMO_OUTLETS, type DemoArticle, type DemoOutlet } from '../demo/corpus';

/** Demo corpus span (about 80 days) + window (3 d) + many decay lengths (2 d each). */
export const REPLICA_SPACING_DAYS = 120;
const DAY_MS = 24 * 3600_000;

export interface LoadArticle extends DemoArticle {
  /** Ground truth: `{event}@{replica}` (never read by the pipeline). */
  event: string;
  replica: number;
}

export interface LoadCorpus {
  articles: LoadArticle[];
  outlets: DemoOutlet[];
  /** Number of distinct ground-truth events (stories a perfect merge makes). */
  events: number;
}

/** Replicas needed for at least `articles` articles. */
export function replicasFor(articles: number): number {
  return Math.max(1, Math.ceil(articles / DEMO_ARTICLES.length));
}

/**
 * At least `minArticles` articles (whole replicas: 66 per replica), newest
 * replica first. Deterministic: the same size always yields the same corpus.
 */
export function generateLoadCorpus(minArticles: number): LoadCorpus {
  const replicas = replicasFor(minArticles);
  const articles: LoadArticle[] = [];
  for (let r = 0; r < replicas; r++) {
    for (const a of DEMO_ARTICLES) {
      const shifted = new Date(Date.parse(a.publishedAt) - r * REPLICA_SPACING_DAYS * DAY_MS).toISOString();
      articles.push({
        ...a,
        slug: r === 0 ? a.slug : `${a.slug}-r${r}`,
        publishedAt: shifted.replace('.000Z', 'Z'),
        event: `${a.event}@${r}`,
        replica: r,
      });
    }
  }
  return { articles, outlets: DEMO_OUTLETS, events: DEMO_EVENTS.length * replicas };
}
