import {
  articleFeatures,
  buildBriefing,
  prepareBriefingText,
  splitSentences,
  type BriefingArticle,
  type BriefingInput,
} from '../../src/merge';
import type { ArticleEntity, EntityType } from '../../src/types';

function entity(entityId: string, name: string, type: EntityType, salience: number): ArticleEntity {
  return { entityId, name, type, kind: 'linked', mentions: [{ start: 0, end: name.length }], salience };
}

const TENCENT = entity('org:tencent', 'Tencent', 'org', 0.9);
const HUAWEI = entity('org:huawei', 'Huawei', 'org', 0.5);
const NVIDIA = entity('org:nvidia', 'Nvidia', 'org', 0.3);
const US = entity('place:us', 'United States', 'place', 0.3);

const ARTICLES: BriefingArticle[] = [
  {
    id: 'ledger-1',
    source: 'The Pacific Ledger',
    url: 'https://ledger.example/tencent-chips',
    publishedAt: '2026-09-16T09:40:00Z',
    title: 'Tencent Cloud now runs its AI platform on Chinese chips',
    text:
      'Tencent Cloud now runs its AI platform on Chinese chips.\n\n' +
      'Tencent Cloud said on Wednesday that its AI training and inference platform now runs on domestic chips from Huawei, Cambricon and Hygon. ' +
      'The company made the announcement at its infrastructure summit in Shenzhen. ' +
      'U.S. export controls have limited its access to Nvidia processors since 2022.\n\n' +
      'Mr. Li, a vice president, said customers could switch between Chinese chips and Nvidia cards with minimal code changes.',
    entities: [TENCENT, HUAWEI, NVIDIA, US],
  },
  {
    id: 'wire-1',
    source: 'Meridian Wire',
    url: 'https://wire.example/tencent-cloud',
    publishedAt: '2026-09-16T07:55:00Z',
    title: 'Tencent Cloud says AI platform supports domestic chips from Huawei',
    text:
      "SHENZHEN (Meridian Wire) - Tencent's cloud unit said its AI platform supports domestic chips from Huawei and Cambricon. " +
      'The shift follows U.S. restrictions on sales of advanced Nvidia processors to China. ' +
      'Tencent shares rose 2.5 percent in Hong Kong after the announcement.',
    entities: [TENCENT, HUAWEI, NVIDIA],
  },
  {
    id: 'review-1',
    source: 'Capital Markets Review',
    url: 'https://review.example/tencent-margins',
    publishedAt: '2026-09-16T18:30:00Z',
    title: "What Tencent's domestic-chip pivot means for cloud margins",
    text:
      'Analysts said moving the AI platform onto domestic chips could squeeze Tencent Cloud margins for a year. ' +
      'Huawei Ascend accelerators cost less than Nvidia parts but need more engineering work per deployment, one analyst said.',
    entities: [TENCENT, HUAWEI],
  },
];

const CARDS: Record<string, { name: string; type: EntityType; description: string }> = {
  'org:tencent': { name: 'Tencent Holdings', type: 'org', description: 'Chinese technology conglomerate.' },
  'org:huawei': { name: 'Huawei', type: 'org', description: 'Chinese telecoms and chip maker.' },
};

const INPUT: BriefingInput = {
  articles: ARTICLES,
  related: [
    { storyId: 's-later', title: 'US tightens AI chip export rules', date: '2026-09-01T00:00:00Z' },
    { storyId: 's-earlier', title: 'China narrows the AI gap', date: '2026-08-20T00:00:00Z' },
  ],
  cardFor: (id) => CARDS[id],
};

describe('splitSentences', () => {
  test('does not split at abbreviations, initials, acronyms or decimals', () => {
    expect(
      splitSentences(
        'Mr. Smith met Dr. J. Doe in the U.S. capital on Tuesday. Shares rose 2.5 percent! Did they? ' +
          '"Yes," she said. The U.K. government, e.g. its treasury, agreed.',
      ),
    ).toEqual([
      'Mr. Smith met Dr. J. Doe in the U.S. capital on Tuesday.',
      'Shares rose 2.5 percent!',
      'Did they?',
      '"Yes," she said.',
      'The U.K. government, e.g. its treasury, agreed.',
    ]);
  });

  test('treats line breaks as boundaries and drops blank lines', () => {
    expect(splitSentences('Headline without a period\n\nFirst sentence. Second one\n')).toEqual([
      'Headline without a period',
      'First sentence.',
      'Second one',
    ]);
  });
});

describe('buildBriefing', () => {
  const built = buildBriefing(INPUT);

  test('titles the story with the member headline the others share most', () => {
    expect(ARTICLES.map((a) => a.title)).toContain(built.title);
    expect(built.title).toBe('Tencent Cloud says AI platform supports domestic chips from Huawei');
  });

  test('what happened: the lead of the article closest to the others, verbatim', () => {
    expect(built.briefing.whatHappened).toEqual([
      "SHENZHEN (Meridian Wire) - Tencent's cloud unit said its AI platform supports domestic chips from Huawei and Cambricon.",
      'The shift follows U.S. restrictions on sales of advanced Nvidia processors to China.',
      'Tencent shares rose 2.5 percent in Hong Kong after the announcement.',
    ]);
  });

  test('what happened skips a headline repeated in the body and stops at three sentences', () => {
    const { whatHappened } = buildBriefing({ ...INPUT, articles: [ARTICLES[0]] }).briefing;
    expect(whatHappened).toHaveLength(3);
    expect(whatHappened[0]).toMatch(/^Tencent Cloud said on Wednesday/);
    expect(whatHappened[2]).toBe('U.S. export controls have limited its access to Nvidia processors since 2022.');
  });

  test('what the papers say: one verbatim, attributed, dated line per outlet, none repeating what happened', () => {
    const lines = built.briefing.whatThePapersSay;
    expect(lines.map((l) => l.source)).toEqual(['Meridian Wire', 'The Pacific Ledger', 'Capital Markets Review']);
    for (const line of lines) {
      const article = ARTICLES.find((a) => a.id === line.articleId);
      expect(article?.source).toBe(line.source);
      expect(`${article?.title}\n${article?.text}`).toContain(line.line);
      expect(line).toMatchObject({ url: article?.url, date: article?.publishedAt });
      expect(built.briefing.whatHappened).not.toContain(line.line);
    }
  });

  test('entity cards: most-covered entities first, described from the gazetteer', () => {
    expect(built.entities.map((e) => [e.entityId, e.count])).toEqual([
      ['org:tencent', 3],
      ['org:huawei', 3],
      ['org:nvidia', 2],
      ['place:us', 1],
    ]);
    expect(built.briefing.entityCards[0]).toEqual({
      entityId: 'org:tencent',
      name: 'Tencent Holdings',
      type: 'org',
      description: 'Chinese technology conglomerate.',
      count: 3,
    });
    expect(built.briefing.entityCards[3]).toMatchObject({ name: 'United States', description: undefined });
  });

  test('timeline and how we got here are in date order', () => {
    expect(built.briefing.timeline.map((r) => r.id)).toEqual(['wire-1', 'ledger-1', 'review-1']);
    expect(built.briefing.timeline[0]).toEqual({
      id: 'wire-1',
      title: ARTICLES[1].title,
      source: 'Meridian Wire',
      url: ARTICLES[1].url,
      publishedAt: ARTICLES[1].publishedAt,
    });
    expect(built.briefing.howWeGotHere.map((r) => r.storyId)).toEqual(['s-earlier', 's-later']);
  });

  test('does not depend on the order articles are given in', () => {
    expect(buildBriefing({ ...INPUT, articles: [...ARTICLES].reverse() })).toEqual(built);
  });

  test('text prepared once per article (as the merge worker caches it) gives the same briefing', () => {
    const prepared = ARTICLES.map((a) => ({ ...a, prepared: prepareBriefingText(a.title, a.text) }));
    expect(buildBriefing({ ...INPUT, articles: prepared })).toEqual(built);
    // The merge worker hands over the scoring features' term vector instead of a second pass.
    const fromFeatures = ARTICLES.map((a) => ({
      ...a,
      prepared: prepareBriefingText(a.title, a.text, articleFeatures({ ...a, entities: [] }).terms),
    }));
    expect(fromFeatures.map((a) => a.prepared)).toEqual(prepared.map((a) => a.prepared));
    expect(buildBriefing({ ...INPUT, articles: fromFeatures })).toEqual(built);
    // The prepared analysis is what is read: a stale one would show.
    const stale = prepared.map((a, i) => (i === 0 ? { ...a, prepared: prepareBriefingText(a.title, ARTICLES[2].text) } : a));
    expect(buildBriefing({ ...INPUT, articles: stale }).briefing).not.toEqual(built.briefing);
  });

  test('a one-article story still gets every section', () => {
    const single = buildBriefing({ ...INPUT, articles: [ARTICLES[2]], related: [] });
    expect(single.title).toBe(ARTICLES[2].title);
    expect(single.briefing.whatHappened).toEqual(splitSentences(ARTICLES[2].text));
    expect(single.briefing.whatThePapersSay).toHaveLength(1);
    expect(single.briefing.timeline).toHaveLength(1);
  });
});

describe('buildBriefing with near-duplicates (wire copies, syndicated reprints)', () => {
  const wire = ARTICLES[1];
  const copy = (id: string, source: string, publishedAt: string, title: string): BriefingArticle => ({
    ...wire,
    id,
    source,
    publishedAt,
    title,
    url: `https://${id}.example/tencent`,
    text: wire.text.replace('SHENZHEN (Meridian Wire) -', 'SHENZHEN -') + '\n\nThis story was first published by Meridian Wire.',
    duplicateOf: wire.id,
  });
  const COPIES = [
    copy('courier-copy', 'Silicon Courier', '2026-09-16T08:30:00Z', 'Tencent backs Chinese AI chips'),
    copy('harbour-copy', 'Harbour Tech Daily', '2026-09-16T08:10:00Z', 'Tencent Cloud moves to Huawei, Cambricon chips'),
    // An outlet with a report of its own that also ran the wire copy.
    copy('ledger-copy', 'The Pacific Ledger', '2026-09-16T08:05:00Z', 'Tencent Cloud embraces domestic chips'),
  ];
  const built = buildBriefing(INPUT);
  const withCopies = buildBriefing({ ...INPUT, articles: [...ARTICLES, ...COPIES] });

  test('what the papers say: one line per independent report; copies are named on the original outlet’s line', () => {
    const lines = withCopies.briefing.whatThePapersSay;
    expect(lines.map((l) => l.source)).toEqual(['Meridian Wire', 'The Pacific Ledger', 'Capital Markets Review']);
    // In order of publication; the Ledger carried the copy too, besides its own report.
    expect(lines[0].alsoCarriedBy).toEqual(['The Pacific Ledger', 'Harbour Tech Daily', 'Silicon Courier']);
    expect(lines[1].alsoCarriedBy).toBeUndefined();
    expect(lines.map(({ alsoCarriedBy: _, ...rest }) => rest)).toEqual(built.briefing.whatThePapersSay);
  });

  test('copies do not weigh on the title or the lead, and no sentence is picked twice', () => {
    expect(withCopies.title).toBe(built.title);
    expect(withCopies.briefing.whatHappened).toEqual(built.briefing.whatHappened);
    const picked = [...withCopies.briefing.whatHappened, ...withCopies.briefing.whatThePapersSay.map((l) => l.line)];
    const normalised = picked.map((s) => s.replace(/\(Meridian Wire\) /, '').toLowerCase());
    expect(new Set(normalised).size).toBe(picked.length);
  });

  test('unmarked, the same copies would each get a line of their own', () => {
    const unmarked = buildBriefing({ ...INPUT, articles: [...ARTICLES, ...COPIES.map(({ duplicateOf: _, ...c }) => c)] });
    expect(unmarked.briefing.whatThePapersSay.map((l) => l.source)).toHaveLength(5);
  });

  test('the timeline lists every article, copies marked with their original', () => {
    expect(withCopies.briefing.timeline).toHaveLength(6);
    expect(withCopies.briefing.timeline.filter((r) => r.duplicateOf).map((r) => [r.id, r.duplicateOf])).toEqual([
      ['ledger-copy', 'wire-1'],
      ['harbour-copy', 'wire-1'],
      ['courier-copy', 'wire-1'],
    ]);
    expect(withCopies.briefing.timeline.find((r) => r.id === 'wire-1')).not.toHaveProperty('duplicateOf');
  });

  test('a copy whose original is not among the articles stands for the report', () => {
    const orphan = buildBriefing({ ...INPUT, articles: [ARTICLES[0], COPIES[0]] });
    expect(orphan.briefing.whatThePapersSay.map((l) => l.source)).toEqual(['Silicon Courier', 'The Pacific Ledger']);
    expect(orphan.briefing.whatThePapersSay.every((l) => !l.alsoCarriedBy)).toBe(true);
    // The verdict itself is kept: the original is just not at hand.
    expect(orphan.briefing.timeline.find((r) => r.id === 'courier-copy')?.duplicateOf).toBe('wire-1');
  });
});
