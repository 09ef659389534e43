import { DEMO_ARTICLES } from '../../src/demo/corpus';
import { createClusterer } from '../../src/merge/harness';

/**
 * The shared clustering scorer (../shared/tools/clustering-score/evaluate.mjs)
 * loads a module's createClusterer(), feeds {id, title, text, publishedAt,
 * lang}, keeps String(add(doc)) as the online id and reads assignments() as
 * a Map of article id → final story id. This drives the harness module the
 * same way, without the scorer itself (bench:stories runs the scorer).
 */
describe('the clusterer as the shared scorer loads it', () => {
  const articles = [...DEMO_ARTICLES].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.slug.localeCompare(b.slug));

  const doc = (a: (typeof articles)[number], publishedAt: string | null | undefined) => ({
    id: `${a.outlet}/${a.slug}`,
    title: a.title,
    text: a.paragraphs.join('\n\n'),
    publishedAt,
    lang: 'en',
  });
  /** Feeds the corpus as the scorer does; returns the online ids and the final assignments. */
  async function score(date: (a: (typeof articles)[number]) => string | null | undefined) {
    const clusterer = createClusterer();
    const online = new Map<string, string>();
    for (const a of articles) {
      const d = doc(a, date(a));
      // The scorer's documents carry a lang field the clusterer does not read.
      const story: unknown = await clusterer.add(d);
      expect(typeof story).toBe('string');
      online.set(d.id, String(story));
    }
    const final: unknown = await clusterer.assignments();
    expect(final).toBeInstanceOf(Map);
    return { online, final: final as Map<string, unknown> };
  }

  test('string ids from add(); assignments() maps every document to its story, one story per event', async () => {
    const { online, final } = await score((a) => a.publishedAt);
    expect([...final.keys()].sort()).toEqual([...online.keys()].sort());
    const storiesByEvent = new Map<string, Set<string>>();
    for (const a of articles) {
      const storyId = final.get(`${a.outlet}/${a.slug}`);
      expect(typeof storyId).toBe('string');
      storiesByEvent.set(a.event, (storiesByEvent.get(a.event) ?? new Set()).add(storyId as string));
    }
    expect([...storiesByEvent.values()].map((s) => s.size)).toEqual(Array(storiesByEvent.size).fill(1));
    expect(new Set(final.values()).size).toBe(storiesByEvent.size);
  });

  test('the clusterer takes a null date as no date: the same stories as an absent one', async () => {
    const withNull = await score(() => null);
    const absent = await score(() => undefined);
    expect(withNull.online).toEqual(absent.online);
    expect(withNull.final).toEqual(absent.final);
    // Without dates the time evidence is gone: events apart only in time may share a story, none is split.
    for (const event of new Set(articles.map((a) => a.event))) {
      const stories = new Set(articles.filter((a) => a.event === event).map((a) => withNull.final.get(`${a.outlet}/${a.slug}`)));
      expect([event, stories.size]).toEqual([event, 1]);
    }
    expect(new Set(withNull.final.values()).size).toBeGreaterThan(1);
  });
});
