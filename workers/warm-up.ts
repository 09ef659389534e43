import type { StageName } from '../src/types';
import { DEMO_ARTICLES, DEMO_OUTLETS, demoArticlePath } from '../src/demo/corpus';
import { renderArticlePage } from '../src/demo/render';
import { tagEntities } from '../src/tag';
import type { StorylineConfig } from '../config';
import { extractPoolFor } from './extract';

/*
 * Work a stage does once before it takes its first job, so the first
 * articles after a start or a deploy are not the ones that pay for it:
 * extraction threads are spawned lazily and each loads jsdom and Readability
 * on its first page (about a second of CPU per thread, at the threads' lower
 * priority), and the tagger's model and gazetteer load on first use. Without
 * this, the articles of a run's first seconds waited up to 2.7 s in the extract
 * queue and were the whole of the bench's p99 (docs/benchmarks.md). One bundled
 * demo page per thread, rendered in memory: nothing is fetched or stored.
 */
export async function warmUpStages(stages: readonly StageName[], cfg: StorylineConfig): Promise<{ ms: number }> {
  const started = Date.now();
  const article = DEMO_ARTICLES[0];
  const outlet = DEMO_OUTLETS.find((o) => o.id === article.outlet) ?? DEMO_OUTLETS[0];
  const url = `http://warm-up.invalid${demoArticlePath(article)}`;
  if (stages.includes('extract')) {
    const pool = extractPoolFor(cfg);
    const html = renderArticlePage(article, outlet, { url, related: [] });
    // As many pages as threads at once: the pool spawns every thread for them.
    await Promise.all(Array.from({ length: Math.max(1, pool.size) }, () => pool.extract(html, url, { dom: cfg.extract.dom })));
  }
  if (stages.includes('tag')) tagEntities(article.paragraphs.join('\n\n'), { title: article.title });
  return { ms: Date.now() - started };
}
