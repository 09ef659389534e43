/**
 * Story title and briefing, built extractively: every sentence and title in
 * the output is copied verbatim from a member article, so nothing is invented.
 * Pure and deterministic (ties fall back to date, then id).
 *
 * Near-duplicates (`duplicateOf`, see near-duplicates.ts) are one report: a
 * wire story carried by five outlets must not outweigh an independent report,
 * so copies are left out of the centroid, the title and the lead, and get no
 * line of their own in "what the papers say"; their outlets are named on the
 * original outlet's line (`alsoCarriedBy`).
 */

import type { ArticleEntity, Briefing, EntityCard, EntityType, Story, StoryArticleRef } from '../types';
import { termVector, tokenize } from './terms';

export interface BriefingArticle {
  id: string;
  title: string;
  text: string;
  source: string;
  url: string;
  publishedAt?: string;
  entities: ArticleEntity[];
  /** Id of the earlier member this article is a copy of (wire copy, syndicated reprint). */
  duplicateOf?: string;
  /**
   * prepareBriefingText(title, text), when the caller keeps it with the
   * article: a story's briefing is rebuilt each time an article joins, over
   * up to 25 members whose text has not changed, so a worker that caches its
   * members need not split and tokenise them again. Must match title and text.
   */
  prepared?: PreparedText;
}

/** What the briefing needs of one article's text, computed once per article (see BriefingArticle.prepared). */
export interface PreparedText {
  /** termVector(title, text). */
  vector: Map<string, number>;
  /** termVector(title, ''). */
  titleVector: Map<string, number>;
  /** tokenize(title) as a set. */
  titleTerms: Set<string>;
  /** splitSentences(text), each with its token set and whether it is quotable. */
  sentences: Array<{ text: string; terms: Set<string>; quotable: boolean }>;
}

/**
 * `vector`: termVector(title, text) when the caller already has it (the merge
 * worker does: articleFeatures(...).terms is that very map), saving a pass.
 */
export function prepareBriefingText(title: string, text: string, vector?: Map<string, number>): PreparedText {
  return {
    vector: vector ?? termVector(title, text),
    titleVector: termVector(title, ''),
    titleTerms: new Set(tokenize(title)),
    sentences: splitSentences(text).map((sentence) => ({
      text: sentence,
      terms: new Set(tokenize(sentence)),
      quotable: quotable(sentence),
    })),
  };
}

function preparedOf(a: BriefingArticle): PreparedText {
  return a.prepared ?? prepareBriefingText(a.title, a.text);
}

export interface BriefingInput {
  /** Member articles; their headlines are the title candidates. */
  articles: BriefingArticle[];
  /** Earlier related stories, shown as "how we got here". */
  related: Array<{ storyId: string; title: string; date?: string }>;
  /** Gazetteer lookup for entity cards. */
  cardFor: (entityId: string) => { name: string; type: EntityType; description?: string } | undefined;
}

export interface BuiltBriefing {
  title: string;
  briefing: Briefing;
  entities: Story['entities'];
}

const MAX_LEAD_SENTENCES = 3;
/** Stop adding lead sentences once this many characters are in. */
const LEAD_CHARS = 320;
/** Sentences outside this range are datelines, captions or run-ons, not quotable lines. */
const MIN_SENTENCE_WORDS = 6;
const MAX_SENTENCE_WORDS = 50;
/** Share of terms two sentences must have in common to count as the same sentence. */
const NEAR_DUPLICATE_JACCARD = 0.6;
const MAX_ENTITY_CARDS = 6;

export function buildBriefing(input: BriefingInput): BuiltBriefing {
  const articles = [...input.articles].sort(byDateThenId);
  if (articles.length === 0) throw new Error('buildBriefing needs at least one article');
  const originalOf = originals(articles);
  const copiesOnly = articles.every((a) => originalOf.has(a.id)); // only with cyclic duplicateOf in stored data
  const reports = copiesOnly ? articles : articles.filter((a) => !originalOf.has(a.id));

  const prepared = new Map(reports.map((a) => [a, preparedOf(a)]));
  const vectors = reports.map((a) => prepared.get(a)!.vector);
  const centroid = sumVectors(vectors);
  const centroidNorm = squaredNorm(centroid);
  const title = mostRepresentativeTitle(reports, prepared, vectors, centroid, centroidNorm);

  const used: Array<Set<string>> = [];
  const central = mostCentralArticle(reports, vectors, centroid, centroidNorm);
  const whatHappened = leadSentences(prepared.get(central)!, used);
  const entities = countEntities(articles, input.cardFor);

  return {
    title,
    entities,
    briefing: {
      whatHappened,
      whatThePapersSay: linePerOutlet(reports, prepared, articles, originalOf, centroid, centroidNorm, used),
      howWeGotHere: [...input.related].sort((x, y) => compareDates(x.date, y.date)),
      entityCards: entities.slice(0, MAX_ENTITY_CARDS).map(({ entityId, name, type, count }): EntityCard => ({
        entityId,
        name,
        type,
        description: input.cardFor(entityId)?.description,
        count,
      })),
      timeline: articles.map(({ id, title, source, url, publishedAt, duplicateOf }): StoryArticleRef => ({
        id,
        title,
        source,
        url,
        publishedAt,
        ...(duplicateOf ? { duplicateOf } : {}),
      })),
    },
  };
}

/**
 * Copy id → id of the report it copies, for the articles whose `duplicateOf`
 * leads (through copies) to another of these articles. A copy whose original
 * is not among them stands for the report itself.
 */
function originals(articles: BriefingArticle[]): Map<string, string> {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const out = new Map<string, string>();
  for (const a of articles) {
    let root = a;
    for (let hops = 0; hops < articles.length; hops++) {
      const next = root.duplicateOf !== undefined ? byId.get(root.duplicateOf) : undefined;
      if (!next || next === a) break;
      root = next;
    }
    if (root !== a) out.set(a.id, root.id);
  }
  return out;
}

const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof sr jr st mt ft gen gov sen rep lt col sgt capt cmdr adm supt insp det rev hon pres ' +
    'inc corp ltd co bros vs etc no nos fig approx dept est ave blvd ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec'
  ).split(' '),
);
/** Candidate sentence ends: terminal punctuation, closing quotes or brackets, then space. */
const SENTENCE_END = /[.!?]+["'”’)\]]*\s+/g;
/** What a new sentence may start with. */
const SENTENCE_START = /^["'“‘([]?[\p{Lu}\p{N}]/u;

/**
 * Splits text into sentences. Lines are always boundaries; inside a line a
 * period ends a sentence unless it closes an abbreviation ("Mr.", "Gen."), an
 * initial or a dotted acronym ("J.", "U.S."), or the next word starts in
 * lowercase. Decimals ("3.5") never split because no space follows the point.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/\n+/)) {
    let start = 0;
    for (const match of line.matchAll(SENTENCE_END)) {
      const end = (match.index ?? 0) + match[0].length;
      if (end >= line.length || !SENTENCE_START.test(line.slice(end))) continue;
      if (match[0].startsWith('.') && !match[0].startsWith('..') && isAbbreviation(line, match.index ?? 0)) continue;
      pushTrimmed(sentences, line.slice(start, end));
      start = end;
    }
    pushTrimmed(sentences, line.slice(start));
  }
  return sentences;
}

function isAbbreviation(line: string, periodIndex: number): boolean {
  const word = /(?:^|[\s("'“‘])([\p{L}.]+)$/u.exec(line.slice(0, periodIndex))?.[1] ?? '';
  if (word.length === 1) return true; // an initial: "J. Smith"
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) return true; // "U.S", "e.g"
  return ABBREVIATIONS.has(word.toLowerCase());
}

function pushTrimmed(out: string[], s: string): void {
  const trimmed = s.trim();
  if (trimmed) out.push(trimmed);
}

function wordCount(sentence: string): number {
  return sentence.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

function quotable(sentence: string): boolean {
  const words = wordCount(sentence);
  return words >= MIN_SENTENCE_WORDS && words <= MAX_SENTENCE_WORDS;
}

function isNearDuplicate(terms: Set<string>, used: Array<Set<string>>): boolean {
  return used.some((other) => jaccard(terms, other) >= NEAR_DUPLICATE_JACCARD);
}

/** The headline whose words the other members' coverage shares most. */
function mostRepresentativeTitle(
  articles: BriefingArticle[],
  prepared: Map<BriefingArticle, PreparedText>,
  vectors: Array<Map<string, number>>,
  centroid: Map<string, number>,
  centroidNorm: number,
): string {
  if (articles.length === 1) return articles[0].title;
  return pickBest(articles, (a, i) => cosineToRest(prepared.get(a)!.titleVector, centroid, centroidNorm, vectors[i])).title;
}

/** The member closest to the rest of the story. */
function mostCentralArticle(
  articles: BriefingArticle[],
  vectors: Array<Map<string, number>>,
  centroid: Map<string, number>,
  centroidNorm: number,
): BriefingArticle {
  if (articles.length === 1) return articles[0];
  return pickBest(articles, (_, i) => cosineToRest(vectors[i], centroid, centroidNorm, vectors[i]));
}

/** The first quotable sentences of the article, without repeats of its headline or of each other. */
function leadSentences(article: PreparedText, used: Array<Set<string>>): string[] {
  const seen = [article.titleTerms];
  const lead: string[] = [];
  let chars = 0;
  for (const { text: sentence, terms, quotable } of article.sentences) {
    if (lead.length === MAX_LEAD_SENTENCES || chars >= LEAD_CHARS) break;
    if (!quotable || isNearDuplicate(terms, seen)) continue;
    lead.push(sentence);
    seen.push(terms);
    used.push(terms);
    chars += sentence.length;
  }
  // A body of only short or headline-like lines still yields its first sentence.
  if (lead.length === 0) {
    const first = article.sentences[0];
    if (first) {
      lead.push(first.text);
      used.push(first.terms);
    }
  }
  return lead;
}

/**
 * One line per outlet with an independent report, outlets in order of first
 * publication: the outlet's sentence closest to the story centroid that no
 * earlier section already says. An outlet with no quotable sentence is
 * represented by its headline. Outlets that carried a copy of one of the
 * outlet's reports are named on its line (in order of publication), not given
 * a line of their own for it.
 */
function linePerOutlet(
  reports: BriefingArticle[],
  prepared: Map<BriefingArticle, PreparedText>,
  all: BriefingArticle[],
  originalOf: Map<string, string>,
  centroid: Map<string, number>,
  centroidNorm: number,
  used: Array<Set<string>>,
): Briefing['whatThePapersSay'] {
  const bySource = new Map<string, BriefingArticle[]>();
  for (const a of reports) bySource.set(a.source, [...(bySource.get(a.source) ?? []), a]);
  const sourceOf = new Map(reports.map((a) => [a.id, a.source]));
  const carriers = new Map<string, string[]>();
  for (const c of all) {
    const origin = sourceOf.get(originalOf.get(c.id) ?? '');
    if (!origin || c.source === origin) continue;
    const list = carriers.get(origin) ?? [];
    if (!list.includes(c.source)) list.push(c.source);
    carriers.set(origin, list);
  }

  const lines: Briefing['whatThePapersSay'] = [];
  for (const [source, outletArticles] of bySource) {
    let best: { article: BriefingArticle; sentence: string; terms: Set<string>; score: number } | undefined;
    for (const article of outletArticles) {
      for (const { text: sentence, terms, quotable } of prepared.get(article)!.sentences) {
        if (!quotable || isNearDuplicate(terms, used)) continue;
        const score = setCosine(terms, centroid, centroidNorm);
        // Strictly greater keeps the earliest sentence on ties.
        if (!best || score > best.score) best = { article, sentence, terms, score };
      }
    }
    const article = best?.article ?? outletArticles[0];
    const line = best?.sentence ?? article.title;
    used.push(best?.terms ?? new Set(tokenize(line)));
    const alsoCarriedBy = carriers.get(source);
    lines.push({
      source,
      date: article.publishedAt,
      articleId: article.id,
      url: article.url,
      line,
      ...(alsoCarriedBy ? { alsoCarriedBy } : {}),
    });
  }
  return lines;
}

/** Entities by the number of member articles naming them, then total salience, then id. */
function countEntities(articles: BriefingArticle[], cardFor: BriefingInput['cardFor']): Story['entities'] {
  const tally = new Map<string, { entity: ArticleEntity; count: number; salience: number }>();
  for (const article of articles) {
    const seen = new Set<string>();
    for (const entity of article.entities) {
      if (seen.has(entity.entityId)) continue;
      seen.add(entity.entityId);
      const entry = tally.get(entity.entityId) ?? { entity, count: 0, salience: 0 };
      entry.count++;
      entry.salience += entity.salience;
      tally.set(entity.entityId, entry);
    }
  }
  return [...tally.values()]
    .sort(
      (x, y) =>
        y.count - x.count ||
        y.salience - x.salience ||
        (x.entity.entityId < y.entity.entityId ? -1 : x.entity.entityId > y.entity.entityId ? 1 : 0),
    )
    .map(({ entity, count }) => {
      const card = cardFor(entity.entityId);
      return { entityId: entity.entityId, name: card?.name ?? entity.name, type: card?.type ?? entity.type, count };
    });
}

/** Highest score wins; on ties the earlier element (articles are sorted by date, then id). */
function pickBest<T>(items: T[], score: (item: T, index: number) => number): T {
  let bestIndex = 0;
  let bestScore = -Infinity;
  items.forEach((item, i) => {
    const s = score(item, i);
    if (s > bestScore) {
      bestScore = s;
      bestIndex = i;
    }
  });
  return items[bestIndex];
}

function timeOf(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? Infinity : t; // undated last
}

function compareDates(x: string | undefined, y: string | undefined): number {
  const tx = timeOf(x);
  const ty = timeOf(y);
  return tx === ty ? 0 : tx < ty ? -1 : 1;
}

function byDateThenId(x: BriefingArticle, y: BriefingArticle): number {
  return compareDates(x.publishedAt, y.publishedAt) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}

function sumVectors(vectors: Array<Map<string, number>>): Map<string, number> {
  const sum = new Map<string, number>();
  for (const v of vectors) for (const [t, w] of v) sum.set(t, (sum.get(t) ?? 0) + w);
  return sum;
}

/** The centroid's weight of term t once `member` is taken out (terms it alone carried drop to 0). */
function restWeight(centroid: Map<string, number>, member: Map<string, number>, t: string): number {
  const rest = (centroid.get(t) ?? 0) - (member.get(t) ?? 0);
  return rest > 1e-9 ? rest : 0;
}

/**
 * cosine(x, centroid − member): how close x is to the rest of the story.
 * Computed without copying the centroid: its squared norm is adjusted on the
 * member's terms only.
 */
function cosineToRest(x: Map<string, number>, centroid: Map<string, number>, centroidNorm: number, member: Map<string, number>): number {
  let dot = 0;
  for (const [t, w] of x) dot += w * restWeight(centroid, member, t);
  if (dot === 0) return 0;
  let restNorm = centroidNorm;
  for (const t of member.keys()) {
    const c = centroid.get(t) ?? 0;
    const r = restWeight(centroid, member, t);
    restNorm += r * r - c * c;
  }
  return dot / Math.sqrt(squaredNorm(x) * Math.max(restNorm, 0));
}

/** Cosine of a sentence's terms (each weight 1) with the centroid, whose squared norm is given. */
function setCosine(terms: Set<string>, centroid: Map<string, number>, centroidNorm: number): number {
  let dot = 0;
  for (const t of terms) dot += centroid.get(t) ?? 0;
  if (dot === 0) return 0;
  return dot / Math.sqrt(terms.size * centroidNorm);
}

function squaredNorm(v: Map<string, number>): number {
  let s = 0;
  for (const w of v.values()) s += w * w;
  return s;
}

function jaccard(x: Set<string>, y: Set<string>): number {
  if (x.size === 0 && y.size === 0) return 1;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
}
