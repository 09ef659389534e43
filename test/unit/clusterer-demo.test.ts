import { createStoryClusterer } from '../../src/merge';
import { DEMO_ARTICLES } from '../../src/demo/corpus';

/** The bundled demo corpus (66 articles, 11 events) clusters exactly, in time order, with the real tagger. */
describe('clusterer on the demo corpus', () => {
  const articles = [...DEMO_ARTICLES].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.slug.localeCompare(b.slug));

  function run(withTagger: boolean): Map<string, string> {
    const c = createStoryClusterer(withTagger ? {} : { tag: () => ({ entities: [] }) });
    const storyOf = new Map<string, string>();
    for (const a of articles) {
      const id = `${a.outlet}/${a.slug}`;
      storyOf.set(id, c.add({ id, title: a.title, text: a.paragraphs.join('\n\n'), publishedAt: a.publishedAt, source: a.outlet }));
    }
    return storyOf;
  }

  test.each([true, false])('one story per event (tagger %s)', (withTagger) => {
    const storyOf = run(withTagger);
    const eventToStories = new Map<string, Set<string>>();
    const storyToEvents = new Map<string, Set<string>>();
    for (const a of articles) {
      const s = storyOf.get(`${a.outlet}/${a.slug}`) as string;
      eventToStories.set(a.event, (eventToStories.get(a.event) ?? new Set()).add(s));
      storyToEvents.set(s, (storyToEvents.get(s) ?? new Set()).add(a.event));
    }
    const split = [...eventToStories].filter(([, s]) => s.size > 1).map(([e]) => e);
    const mixed = [...storyToEvents].filter(([, e]) => e.size > 1).map(([, e]) => [...e].join('+'));
    expect({ split, mixed }).toEqual({ split: [], mixed: [] });
  });
});
