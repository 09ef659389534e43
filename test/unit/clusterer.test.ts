import { articleVectors, signatureVector } from '../../src/merge/terms';
import {
  addToStory,
  candidateKeys,
  createStoryClusterer,
  decideAssignment,
  DEFAULT_MERGE_OPTIONS,
  scoreArticleToStory,
  storyIdFor,
  termVector,
  type ArticleFeatures,
  type ClustererArticle,
  type CorpusStats,
  type StoryState,
} from '../../src/merge';
import { candidatePoolSize, mergeStoryStates, reachMs, selectCandidates, spanDistance } from '../../src/merge/score';

const TENCENT = { entityId: 'org:tencent', salience: 0.9 };
const NVIDIA = { entityId: 'org:nvidia', salience: 0.9 };
const CHINA = { entityId: 'place:china', salience: 0.5 };
const HUAWEI = { entityId: 'org:huawei', salience: 0.4 };

/** One event (Tencent Cloud runs on Chinese chips) told by three outlets in their own words. */
const CHIPS: ClustererArticle[] = [
  {
    id: 'wire/tencent-cloud-chips',
    source: 'Meridian Wire',
    publishedAt: '2026-09-16T07:55:00Z',
    title: 'Tencent Cloud says AI infrastructure now compatible with major Chinese chips',
    text:
      "Tencent Holdings' cloud division said on Wednesday its artificial intelligence computing infrastructure " +
      'had been fully adapted to support mainstream domestic Chinese chips, as US export restrictions limit ' +
      "access to Nvidia processors. Its training and inference platforms now support Huawei's Ascend 910C, " +
      "Cambricon's Siyuan 590 and Hygon's DCU accelerators, the company said at its AI Infrastructure Summit in Shenzhen.",
    entities: [TENCENT, CHINA, HUAWEI, { entityId: 'org:nvidia', salience: 0.3 }],
  },
  {
    id: 'ledger/tencent-home-grown-chips',
    source: 'The Pacific Ledger',
    publishedAt: '2026-09-16T09:40:00Z',
    title: "Tencent Cloud's AI platform now runs on China's home-grown processors",
    text:
      'Executives speaking at the Tencent Cloud summit in Shenzhen said the training and inference stack now ' +
      'supports Ascend 910C accelerators from Huawei, Siyuan 590 parts from Cambricon and Hygon DCU chips. ' +
      'The adaptation lets customers move workloads away from Nvidia hardware, which export controls have made ' +
      'scarce in China. Analysts called the move a milestone for domestic accelerators.',
    entities: [TENCENT, HUAWEI, CHINA],
  },
  {
    id: 'courier/tencent-interchangeable-accelerators',
    source: 'Silicon Courier',
    publishedAt: '2026-09-16T12:15:00Z',
    title: 'Inside the push to make Ascend, Cambricon and Hygon accelerators interchangeable',
    text:
      'Tencent Cloud has rebuilt its operator libraries and model-serving layer so that the same inference ' +
      'jobs run on Huawei Ascend, Cambricon Siyuan and Hygon DCU accelerators, engineers told the Shenzhen summit. ' +
      'Switching between domestic chips and Nvidia cards now needs minimal code changes, the company said.',
    entities: [TENCENT, HUAWEI, { entityId: 'org:cambricon', salience: 0.6 }],
  },
];

/** Shares Tencent (and launch vocabulary) with CHIPS, but is another event. */
const GAMES: ClustererArticle = {
  id: 'courier/tencent-jade-horizon-launch',
  source: 'Silicon Courier',
  publishedAt: '2026-09-16T15:00:00Z',
  title: 'Tencent launches open-world game Jade Horizon to ten million players',
  text:
    "Tencent's TiMi studio released the open-world role-playing game Jade Horizon on Wednesday, and the company " +
    'said ten million players signed in within the first day. The game, free to play on phones and PCs, ' +
    'is Tencent’s biggest launch of the year and a test of whether its gaming revenue can keep growing in China.',
  entities: [TENCENT, { entityId: 'product:jade-horizon', salience: 0.8 }, CHINA],
};

/** Two Nvidia events on the same day: an earnings report and a Chinese antitrust ruling. */
const NVIDIA_EARNINGS: ClustererArticle = {
  id: 'capital/nvidia-quarterly-results',
  source: 'Capital Markets Review',
  publishedAt: '2026-09-16T20:30:00Z',
  title: 'Nvidia quarterly revenue beats forecasts on data centre demand',
  text:
    'Nvidia reported record quarterly revenue of $61 billion, ahead of analyst forecasts, as data centre sales ' +
    'rose 70 percent from a year earlier. Chief executive Jensen Huang said demand for its Rubin systems exceeds ' +
    'supply, and guided next-quarter revenue above expectations. Shares rose 4 percent in after-hours trading.',
  entities: [NVIDIA, { entityId: 'person:jensen-huang', salience: 0.5 }],
};

const NVIDIA_ANTITRUST: ClustererArticle = {
  id: 'policy/samr-nvidia-antitrust',
  source: 'The Policy Desk',
  publishedAt: '2026-09-16T21:10:00Z',
  title: "China's market regulator says Nvidia broke antitrust law",
  text:
    "China's State Administration for Market Regulation said a preliminary investigation found that Nvidia " +
    'violated the anti-monopoly law in connection with its acquisition of Mellanox Technologies. SAMR said it ' +
    'would continue the investigation, a move widely read as leverage in trade talks with Washington.',
  entities: [NVIDIA, CHINA, { entityId: 'org:samr', salience: 0.7 }],
};

const ALL = [...CHIPS, GAMES, NVIDIA_EARNINGS, NVIDIA_ANTITRUST];

function clusterAll(articles: ClustererArticle[]): Map<string, string> {
  const clusterer = createStoryClusterer();
  return new Map(articles.map((a) => [a.id, clusterer.add(a)]));
}

describe('createStoryClusterer', () => {
  test('merges one event told by different outlets in different words', () => {
    const ids = clusterAll(ALL);
    const chipStories = new Set(CHIPS.map((a) => ids.get(a.id)));
    expect(chipStories.size).toBe(1);
  });

  test('keeps apart articles that share only an entity', () => {
    const ids = clusterAll(ALL);
    const chipStory = ids.get(CHIPS[0].id);
    expect(ids.get(GAMES.id)).not.toBe(chipStory);
    expect(ids.get(NVIDIA_EARNINGS.id)).not.toBe(ids.get(NVIDIA_ANTITRUST.id));
    expect(ids.get(NVIDIA_ANTITRUST.id)).not.toBe(chipStory);
    expect(new Set(ids.values()).size).toBe(4);
  });

  test('explains each assignment', () => {
    const clusterer = createStoryClusterer();
    for (const a of ALL) clusterer.add(a);
    const reasons = clusterer.reasons();
    const founder = reasons.get(CHIPS[0].id);
    expect(founder).toMatchObject({ storyId: storyIdFor(CHIPS[0].id), created: true });
    const joiner = reasons.get(CHIPS[1].id);
    expect(joiner).toMatchObject({ storyId: founder?.storyId, created: false });
    expect(joiner?.score).toBeGreaterThanOrEqual(DEFAULT_MERGE_OPTIONS.threshold);
    expect(joiner?.sharedEntities).toEqual(expect.arrayContaining(['org:tencent', 'org:huawei']));
    expect(joiner?.sharedTerms).toEqual(expect.arrayContaining(['tencent']));
    expect(reasons.get(GAMES.id)?.created).toBe(true);
  });

  test('is deterministic: the same order gives the same story ids', () => {
    const first = clusterAll(ALL);
    const second = clusterAll(ALL);
    expect([...second]).toEqual([...first]);
    expect(first.get(CHIPS[2].id)).toBe(storyIdFor(CHIPS[0].id));
  });

  test('re-adding an article returns its story without counting it twice', () => {
    const clusterer = createStoryClusterer();
    const storyId = clusterer.add(CHIPS[0]);
    expect(clusterer.add(CHIPS[0])).toBe(storyId);
    expect(clusterer.stories()).toHaveLength(1);
    expect(clusterer.stories()[0].articleCount).toBe(1);
  });

  const later = (days: number, a: ClustererArticle): ClustererArticle => ({
    ...a,
    id: `${a.id}/+${days}d`,
    publishedAt: new Date(Date.parse(a.publishedAt as string) + days * 86_400_000).toISOString(),
  });

  test('time decay keeps apart near-identical articles 45 days apart', () => {
    const sameWeek = createStoryClusterer();
    expect(sameWeek.add(later(1, CHIPS[1]))).toBe(sameWeek.add(CHIPS[0]));

    const apart = createStoryClusterer();
    const original = apart.add(CHIPS[0]);
    expect(apart.add(later(45, CHIPS[1]))).not.toBe(original);
    expect(apart.reasonOf(`${CHIPS[1].id}/+45d`)?.textSimilarity).toBeGreaterThan(DEFAULT_MERGE_OPTIONS.threshold);
  });

  test('a follow-up naming the same people and places continues the story weeks later; topic words alone do not', () => {
    const clusterer = createStoryClusterer();
    const original = clusterer.add(CHIPS[0]);
    // Same names (Tencent Cloud, Ascend 910C, Shenzhen...): past the 3-day window, within the follow-up window.
    expect(clusterer.add(later(20, CHIPS[1]))).toBe(original);
    const reason = clusterer.reasonOf(`${CHIPS[1].id}/+20d`);
    expect(reason?.signatureSimilarity).toBeGreaterThanOrEqual(DEFAULT_MERGE_OPTIONS.followUpSignatureSimilarity);

    // The same event in other words, without its names: only the 3-day window applies.
    const generic: ClustererArticle = {
      id: 'generic/cloud-chips',
      publishedAt: CHIPS[0].publishedAt,
      title: 'Cloud provider says AI infrastructure now runs on domestic chips',
      text:
        'The cloud division said its artificial intelligence computing infrastructure had been fully adapted to support ' +
        'mainstream domestic chips, as export restrictions limit access to imported processors. Its training and ' +
        'inference platforms now support several local accelerators, the company said at its infrastructure summit.',
      entities: [],
    };
    const topicOnly = createStoryClusterer();
    const story = topicOnly.add(generic);
    expect(topicOnly.add(later(1, { ...generic, id: 'generic/next-day' }))).toBe(story);
    expect(topicOnly.add(later(20, { ...generic, id: 'generic/weeks-later' }))).not.toBe(story);
  });

  test('tags articles that come without entities', () => {
    const tag = jest.fn(() => ({ entities: [TENCENT] }));
    const clusterer = createStoryClusterer({ tag });
    clusterer.add({ ...CHIPS[0], entities: undefined });
    clusterer.add(CHIPS[1]);
    expect(tag).toHaveBeenCalledTimes(1);
    expect(tag).toHaveBeenCalledWith(CHIPS[0].text, { title: CHIPS[0].title });
    expect(clusterer.stories()[0].entityWeights).toEqual(expect.objectContaining({ 'org:tencent': 1.8 }));
  });
});

// Two stories about one port and company in different words, and an article that bridges them.
// 30 distinct made-up words per stem (cranea … cranead): two letters past 26.
const words = (stem: string) =>
  Array.from({ length: 30 }, (_, i) => `${stem}${i >= 26 ? 'a' : ''}${String.fromCharCode(97 + (i % 26))}`).join(' ');
const PORT = 'at the port where Marlow Dynamics works with Tallinn.';
const REPAIR_AT = '2026-11-20T10:00:00Z';
const CRANES = { id: 'cranes', title: 'Crane contract', text: `Officials said ${words('crane')} ${PORT}`, publishedAt: REPAIR_AT };
const DREDGING = { id: 'dredging', title: 'Dredging lawsuit', text: `Lawyers said ${words('dredge')} ${PORT}`, publishedAt: REPAIR_AT };
const BRIDGE = {
  id: 'bridge',
  title: 'Crane and dredging',
  text: `Reporters said ${words('crane')} ${words('dredge')} ${PORT}`,
  publishedAt: REPAIR_AT,
};

describe('story repair', () => {
  test('a bridging article merges two stories; assignments() gives every article its story after the repair', () => {
    const clusterer = createStoryClusterer();
    const cranes = clusterer.add(CRANES);
    const dredging = clusterer.add(DREDGING);
    expect(dredging).not.toBe(cranes);
    const survivor = clusterer.add(BRIDGE);
    expect([cranes, dredging]).toContain(survivor);
    const absorbed = survivor === cranes ? dredging : cranes;

    expect(clusterer.reasonOf(BRIDGE.id)?.merged).toEqual([absorbed]);
    expect(clusterer.merged()).toEqual(new Map([[absorbed, survivor]]));
    // reasons() keeps the decision as it was made; assignments() and storyOf() follow the repair.
    expect(clusterer.reasons().get(CRANES.id)?.storyId).toBe(cranes);
    const final = clusterer.assignments();
    expect(final).toEqual(new Map([CRANES, DREDGING, BRIDGE].map((a) => [a.id, survivor])));
    for (const [articleId, storyId] of final) expect(clusterer.storyOf(articleId)).toBe(storyId);
    expect(clusterer.stories().map((s) => s.id)).toEqual([survivor]);
  });
});

describe('bounded memory (maxStories)', () => {
  /** An article of its own story: made-up words no other stem shares. */
  const about = (stem: string, n = 1) => ({
    id: `${stem}-${n}`,
    title: `${stem} news`,
    text: `Officials said ${words(stem)}.`,
    publishedAt: REPAIR_AT,
    entities: [],
  });

  test('the story updated longest ago is closed, handed to onStoryClosed with its articles, and forgotten', () => {
    const closed: Array<[string, string[]]> = [];
    const clusterer = createStoryClusterer({ maxStories: 2, onStoryClosed: (story, ids) => closed.push([story.id, ids]) });
    const alpha = clusterer.add(about('alpha'));
    const beta = clusterer.add(about('beta'));
    // alpha gets a second article: beta is now the one updated longest ago.
    expect(clusterer.add(about('alpha', 2))).toBe(alpha);
    const gamma = clusterer.add(about('gamma'));
    expect(closed).toEqual([[beta, ['beta-1']]]);
    expect(
      clusterer
        .stories()
        .map((story) => story.id)
        .sort(),
    ).toEqual([alpha, gamma].sort());
    expect(clusterer.reasonOf('beta-1')).toBeUndefined();
    expect([...clusterer.assignments().keys()].sort()).toEqual(['alpha-1', 'alpha-2', 'gamma-1']);
    // A closed story takes no more articles: another beta article founds a new story.
    const beta2 = clusterer.add(about('beta', 2));
    expect(beta2).not.toBe(beta);
    expect(closed.map(([id]) => id)).toEqual([beta, alpha]);
    expect(clusterer.stories()).toHaveLength(2);
  });

  test('a repaired story closes with the absorbed stories articles, and its redirects go with it', () => {
    const closed: Array<[string, string[]]> = [];
    const clusterer = createStoryClusterer({ maxStories: 2, onStoryClosed: (story, ids) => closed.push([story.id, ids]) });
    for (const a of [CRANES, DREDGING, BRIDGE]) clusterer.add({ ...a, entities: [] });
    const survivor = clusterer.storyOf('bridge') as string;
    expect(clusterer.merged().size).toBe(1);
    clusterer.add(about('delta'));
    clusterer.add(about('epsilon'));
    expect(closed).toHaveLength(1);
    expect(closed[0][0]).toBe(survivor);
    expect([...closed[0][1]].sort()).toEqual(['bridge', 'cranes', 'dredging']);
    expect(clusterer.merged().size).toBe(0);
    expect(clusterer.storyOf('cranes')).toBeUndefined();
  });

  test('while no story has to close, decisions are those of the unbounded clusterer', () => {
    const stream = [...ALL, about('zeta'), about('eta'), about('zeta', 2)];
    const unbounded = clusterAll(stream);
    const bounded = createStoryClusterer({ maxStories: stream.length });
    expect(new Map(stream.map((a) => [a.id, bounded.add(a)]))).toEqual(unbounded);
  });

  test('a callback that throws fails that add() only after the clusterer is consistent; the next close is still reported', () => {
    const closed: string[] = [];
    let fail = true;
    const clusterer = createStoryClusterer({
      maxStories: 1,
      onStoryClosed: (story) => {
        closed.push(story.id);
        if (fail) throw new Error('storage down');
      },
    });
    const alpha = clusterer.add(about('alpha'));
    expect(() => clusterer.add(about('beta'))).toThrow('storage down');
    // beta was assigned and alpha is gone from every view, as after a normal close.
    expect(closed).toEqual([alpha]);
    expect(clusterer.stories()).toHaveLength(1);
    expect(clusterer.reasonOf('beta-1')).toBeDefined();
    expect(clusterer.storyOf('alpha-1')).toBeUndefined();
    fail = false;
    clusterer.add(about('gamma'));
    expect(closed).toHaveLength(2);
    expect(clusterer.stories()).toHaveLength(1);
  });

  test('an article of a closed story added again is new (its founder founds a story of the same id)', () => {
    const closed: Array<[string, string[]]> = [];
    const clusterer = createStoryClusterer({ maxStories: 1, onStoryClosed: (story, ids) => closed.push([story.id, ids]) });
    const alpha = clusterer.add(about('alpha'));
    clusterer.add(about('beta'));
    // alpha-1 founded alpha: added again it founds a story with the same id (ids derive from the founder).
    expect(clusterer.add(about('alpha'))).toBe(alpha);
    expect(closed.map(([id]) => id)).toEqual([alpha, storyIdFor('beta-1')]);
  });

  test('refuses a limit that is not a positive integer', () => {
    expect(() => createStoryClusterer({ maxStories: 0 })).toThrow(/maxStories/);
    expect(() => createStoryClusterer({ maxStories: 1.5 })).toThrow(/maxStories/);
  });
});

describe('candidate selection over a stream that repeats itself', () => {
  const DAY = 24 * 3600_000;
  /** The same two chip articles every 120 days, `seasons` times: one story per season. */
  const seasons = (count: number): ClustererArticle[][] =>
    Array.from({ length: count }, (_, s) =>
      CHIPS.slice(0, 2).map((a) => ({
        ...a,
        id: `${a.id}@${s}`,
        publishedAt: new Date(Date.parse(a.publishedAt as string) - s * 120 * DAY).toISOString(),
      })),
    );

  test('each season joins its own story although more stories than maxCandidates tie on hits', () => {
    const all = seasons(DEFAULT_MERGE_OPTIONS.maxCandidates * 2 + 5);
    for (const order of [all.flat(), [...all].reverse().flat()]) {
      const clusterer = createStoryClusterer();
      for (const a of order) clusterer.add(a);
      expect(clusterer.stories()).toHaveLength(all.length);
      for (const [first, second] of all) expect(clusterer.storyOf(second.id)).toBe(clusterer.storyOf(first.id));
    }
  });

  test('reachable stories first, then unreachable ones, then missing ones, each in pool (hits, id) order', () => {
    const reach = reachMs();
    expect(reach).toBeGreaterThan(DEFAULT_MERGE_OPTIONS.followUpWindowMs);
    const pool = [
      { id: 'a', distance: reach + 1 },
      { id: 'b', distance: undefined },
      { id: 'e', distance: reach },
      { id: 'c', distance: 10 * DAY },
      { id: 'd', distance: 0 },
    ];
    const pick = (k: number) => selectCandidates(pool, (x) => x.distance, k).map((x) => x.id);
    expect(pick(3)).toEqual(['e', 'c', 'd']);
    expect(pick(4)).toEqual(['e', 'c', 'd', 'a']);
    expect(pick(5)).toEqual(['a', 'b', 'e', 'c', 'd']);
    expect(selectCandidates([...pool, { id: 'f', distance: reach + 2 }], (x) => x.distance, 5).map((x) => x.id)).toEqual([
      'e',
      'c',
      'd',
      'a',
      'f',
    ]);
    expect(spanDistance(10, 20, 30)).toBe(10);
    expect(spanDistance(35, 20, 30)).toBe(5);
    expect(spanDistance(25, 20, 30)).toBe(0);
    expect(spanDistance(undefined, 20, 30)).toBe(0);
  });

  test('an undated article looks at maxCandidates stories by hits and id only, as before', () => {
    const undated: ArticleFeatures = { id: 'x', terms: new Map(), entities: [] };
    expect(candidatePoolSize(undated)).toBe(DEFAULT_MERGE_OPTIONS.maxCandidates);
    expect(candidatePoolSize({ ...undated, publishedAt: 0 })).toBe(DEFAULT_MERGE_OPTIONS.candidatePool);
  });
});

describe('pure scoring', () => {
  const stats = (docCount: number, df: Record<string, number> = {}): CorpusStats => ({
    docCount,
    df: (t) => df[t] ?? 1,
  });
  const features = (id: string, title: string, text: string, entities = [TENCENT]): ArticleFeatures => ({
    id,
    terms: termVector(title, text),
    entities,
  });

  test('a shared entity alone never merges, however much it weighs', () => {
    const story = addToStory(undefined, features('a', 'Mobile gaming revenue', 'Role-playing games sold well'), 'sA');
    const article = features('b', 'Cloud inference chips', 'Accelerators adapted for model serving');
    const entityHeavy = { ...DEFAULT_MERGE_OPTIONS, entityWeight: 1 };
    const score = scoreArticleToStory(article, story, stats(2), entityHeavy);
    expect(score).toMatchObject({ textSimilarity: 0, sharedEntities: ['org:tencent'] });
    expect(score.score).toBeGreaterThan(entityHeavy.threshold);
    expect(decideAssignment(article, [story], stats(2), entityHeavy).storyId).toBeNull();
  });

  test('addToStory returns a new state and prunes to the top terms', () => {
    const founder = features('a', 'alpha bravo charlie', 'delta echo foxtrot');
    const story = addToStory(undefined, founder, 'sA', { ...DEFAULT_MERGE_OPTIONS, topKTerms: 4 });
    const grown = addToStory(story, features('b', 'alpha bravo', 'golf'), 'ignored', {
      ...DEFAULT_MERGE_OPTIONS,
      topKTerms: 4,
    });
    expect(Object.keys(story.termSums)).toHaveLength(4);
    expect(grown).not.toBe(story);
    expect(story.articleCount).toBe(1);
    expect(grown).toMatchObject({ id: 'sA', articleCount: 2 });
    expect(Object.keys(grown.termSums)).toEqual(expect.arrayContaining(['alpha', 'bravo']));
    expect(Object.keys(grown.termSums)).toHaveLength(4);
  });

  test('story sums are kept to 4 decimals (smaller states in Redis), in joins and in story repair', () => {
    const third = (id: string): ArticleFeatures => ({
      id,
      terms: new Map([
        ['alpha', 1 / 3],
        ['bravo', 2 / 3],
      ]),
      signature: new Map([['Zulu', 1 / 7]]),
      entities: [{ entityId: 'org:tencent', salience: 0.823456 }],
    });
    const one = addToStory(undefined, third('a'), 'sA');
    expect(one.termSums).toEqual({ bravo: 0.6667, alpha: 0.3333 });
    expect(one.signatureSums).toEqual({ Zulu: 0.1429 });
    expect(one.entityWeights).toEqual({ 'org:tencent': 0.8235 });
    const two = addToStory(one, third('b'), 'sA');
    expect(two.termSums).toEqual({ bravo: 1.3334, alpha: 0.6666 });
    const merged = mergeStoryStates(two, one);
    expect(merged.termSums).toEqual({ bravo: 2.0001, alpha: 0.9999 });
    expect(two.entityWeights).toEqual({ 'org:tencent': 1.647 });
    expect(merged.entityWeights).toEqual({ 'org:tencent': 2.4705 });
    expect(JSON.stringify(merged).length).toBeLessThan(200);
  });

  test('ties go to the smaller story id whatever the candidate order', () => {
    const founder = features('a', 'Ascend Cambricon Hygon accelerators', 'Tencent Cloud inference');
    const twinA: StoryState = addToStory(undefined, founder, 's-b');
    const twinB: StoryState = { ...twinA, id: 's-a' };
    const article = features('c', 'Ascend Cambricon Hygon accelerators', 'Tencent Cloud inference');
    expect(decideAssignment(article, [twinA, twinB], stats(3)).storyId).toBe('s-a');
    expect(decideAssignment(article, [twinB, twinA], stats(3)).storyId).toBe('s-a');
  });

  test('articleVectors gives termVector and signatureVector in one pass, key order included', () => {
    for (const a of ALL) {
      const { terms, signature } = articleVectors(a.title, a.text);
      expect([...terms]).toEqual([...termVector(a.title, a.text)]);
      expect([...signature]).toEqual([...signatureVector(a.text)]);
    }
  });

  test('addToStory keeps the centroid key order of spreading, adding and sorting by weight', () => {
    const opts = { ...DEFAULT_MERGE_OPTIONS, topKTerms: 6 };
    const founder = features('a', 'Ascend 910C accelerators', 'Tencent Cloud 2026 inference Shenzhen');
    const story = addToStory(undefined, founder, 'sA', opts);
    const article = features('b', 'Hygon 2025 accelerators', 'Cambricon Siyuan 590 Tencent');
    const spread: Record<string, number> = { ...story.termSums };
    for (const [term, tf] of article.terms) spread[term] = (spread[term] ?? 0) + tf;
    const expected = Object.entries(spread)
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
      .slice(0, 6)
      .map(([term, sum]) => [term, Math.round(sum * 1e4) / 1e4]);
    expect(Object.entries(addToStory(story, article, 'ignored', opts).termSums)).toEqual(Object.entries(Object.fromEntries(expected)));
  });

  test('candidate keys skip terms no other document has and passing entity mentions', () => {
    const article = features('a', 'Ascend accelerators', 'unique', [TENCENT, { entityId: 'org:minor', salience: 0.05 }]);
    const keys = candidateKeys(article, stats(10, { ascend: 3, accelerator: 2, uniqu: 1 }));
    expect(keys.terms).toEqual(['accelerator', 'ascend']);
    expect(keys.entityIds).toEqual(['org:tencent']);
  });
});
