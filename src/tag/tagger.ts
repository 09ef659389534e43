/**
 * Pure entity tagger: gazetteer linking, coreference of surnames, a
 * conservative recogniser for unlisted names, and per-entity salience.
 *
 * Offsets in the result index into the combined document
 * `title ? title + '\n\n' + text : text`, as TagResult documents, so a
 * mention's text is always `combined.slice(start, end)`.
 *
 * Passes, all over one tokenisation:
 *  1. leftmost-longest alias matching against the gazetteer trie;
 *  2. resolving shared aliases and dropping unconfirmed common-word matches;
 *  3. the statistical recogniser (./ner, PER/ORG/LOC/MISC) for names the
 *     gazetteer lacks; a recognised name never overrides a linked one, and a
 *     short form of a name ("Huang", "Rhodium") joins the entity it shortens;
 *  4. the rule-based recogniser (./names) for people introduced by a role that
 *     the model missed ("Tencent Cloud Vice President Wang Haoran");
 *  5. coreference: "Jensen Huang ... Huang said", "Zhipu Technologies ... Zhipu".
 * Between 2 and 3, new versions of listed products ("GPT-6" after "GPT-5", ./versions).
 */
import { GAZETTEER } from '../../config/entities';
import type { ArticleEntity, EntityMention, EntityType, GazetteerEntity, TagResult } from '../types';
import { loadGazetteer, type AliasVariant, type LoadedGazetteer, type TrieNode } from './gazetteer';
import { addAntecedent, isCapitalised, isDistinctiveWord, isNameWord, recogniseNames, surnameOf, type RecognisedSpan } from './names';
import { recogniseSpans } from './ner';
import { linksThatStand, recognisedWithModel, type ModelSpan } from './recognised';
import { tokenize, type Token } from './tokenize';
import { recogniseVersions } from './versions';

export interface TagOptions {
  /** Article title; mentions in it weigh most for salience. */
  title?: string;
  /** Defaults to the bundled gazetteer in config/entities. */
  gazetteer?: LoadedGazetteer;
  /**
   * Recogniser for names the gazetteer lacks: 'model' (default) runs the
   * statistical recogniser and then the role rules; 'rules' only the rules;
   * 'off' links gazetteer entities only.
   */
  recogniser?: 'model' | 'rules' | 'off';
}

type MentionKind = EntityMention['kind'];

/** A mention as an inclusive token range. */
interface Span {
  first: number;
  last: number;
  entityId: string;
  type: EntityType;
  kind: MentionKind;
  /** Character offsets when they differ from the tokens' ("Acme Inc." keeps its period). */
  start?: number;
  end?: number;
}

interface AliasMatch {
  first: number;
  last: number;
  /** More than one only for aliases in SHARED_ALIASES, preferred first. */
  entityIds: string[];
  commonWord: boolean;
}

/** An entity that a short form ("Huang", "Zhipu") can point back to. */
interface Antecedent {
  entityId: string;
  type: EntityType;
  kind: MentionKind;
  /** Body mentions of the short form count only from here on: the end of the first full mention. */
  availableFrom: number;
}

const TITLE_WEIGHT = 1;
const LEAD_WEIGHT = 0.75;
/** Weight of body mentions after the lead falls linearly from this to LATE_WEIGHT at the end. */
const EARLY_BODY_WEIGHT = 0.6;
const LATE_WEIGHT = 0.1;
/** The lead is the first paragraph, capped for bodies that arrive as one block. */
const LEAD_MAX_CHARS = 600;
/** Salience = PROMINENCE_SHARE * best position weight + the rest * saturating frequency. */
const PROMINENCE_SHARE = 0.6;
/** Summed position weight at which the frequency term reaches 1 - 1/e. */
const FREQUENCY_SCALE = 2;

let defaultGazetteer: LoadedGazetteer | undefined;

/** The bundled gazetteer, validated and compiled on first use. */
export function getDefaultGazetteer(): LoadedGazetteer {
  defaultGazetteer ??= loadGazetteer(GAZETTEER);
  return defaultGazetteer;
}

/** Looks up a bundled gazetteer entity, e.g. for entity cards. */
export function entityById(id: string): GazetteerEntity | undefined {
  return getDefaultGazetteer().byId.get(id);
}

export function tagEntities(text: string, opts: TagOptions = {}): TagResult {
  const gazetteer = opts.gazetteer ?? getDefaultGazetteer();
  const doc = opts.title ? `${opts.title}\n\n${text}` : text;
  const bodyStart = opts.title ? opts.title.length + 2 : 0;
  const tokens = tokenize(doc);
  let firstBodyToken = tokens.findIndex((token) => token.start >= bodyStart);
  if (firstBodyToken < 0) firstBodyToken = tokens.length;
  const covered = new Uint8Array(tokens.length);
  const names = new Map<string, string>();

  const mode = opts.recogniser ?? 'model';
  const ner = mode === 'model' ? recogniseSpans(doc) : undefined;
  let linked = resolveLinked(matchAliases(tokens, gazetteer.trie, firstBodyToken), tokens, gazetteer, firstBodyToken);
  if (ner) linked = linksThatStand(linked, ner.spans, tokens, gazetteer, doc);
  for (const span of linked) names.set(span.entityId, gazetteer.byId.get(span.entityId)?.name ?? span.entityId);
  markCovered(covered, linked);

  // "GPT-6" after the gazetteer's "GPT-5": before the recogniser, which would not find it (./versions).
  const versions = mode === 'off' ? [] : recogniseVersions(doc, tokens, covered, gazetteer);
  for (const span of versions) if (!names.has(span.entityId)) names.set(span.entityId, span.name);
  const versionSpans = versions.map((span): Span => ({ ...span, kind: 'recognised' }));
  markCovered(covered, versionSpans);

  let modelSpans: ModelSpan[] = [];
  const abbreviationEnds = new Set<number>();
  if (ner) {
    for (const token of ner.tokens) if (token.text.length > 1 && token.text.endsWith('.')) abbreviationEnds.add(token.end);
    modelSpans = recognisedWithModel(doc, tokens, ner.spans, covered, linked, gazetteer, firstBodyToken);
    for (const span of modelSpans) if (span.kind === 'recognised' && !names.has(span.entityId)) names.set(span.entityId, span.name);
    markCovered(covered, modelSpans);
  }

  const ruleNames = mode === 'off' ? [] : recogniseNames(doc, tokens, covered, firstBodyToken);
  const recognised = ruleNames.map((span): Span => ({ ...span, kind: 'recognised' }));
  for (const span of ruleNames) if (!names.has(span.entityId)) names.set(span.entityId, span.name);
  markCovered(covered, recognised);

  const recognisedNames = [...modelSpans.filter((span) => span.kind === 'recognised'), ...ruleNames];
  const antecedents = collectAntecedents(tokens, linked, recognisedNames, gazetteer);
  const coreferent = resolveCoreference(tokens, covered, antecedents, bodyStart);

  const spans = [...linked, ...versionSpans, ...modelSpans, ...recognised, ...coreferent].sort((a, b) => a.first - b.first);
  // "U.S." and "Acme Inc.": keep an abbreviation's period inside the mention.
  for (const span of spans) {
    const end = span.end ?? tokens[span.last].end;
    if (doc[end] === '.' && abbreviationEnds.has(end + 1)) span.end = end + 1;
  }
  return assemble(doc, bodyStart, tokens, spans, names);
}

function matchAliases(tokens: Token[], trie: TrieNode, firstBodyToken: number): AliasMatch[] {
  const matches: AliasMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const match = longestMatchAt(tokens, i, trie, i < firstBodyToken);
    if (match) {
      matches.push(match);
      i = match.last + 1;
    } else {
      i++;
    }
  }
  return matches;
}

function longestMatchAt(tokens: Token[], first: number, trie: TrieNode, inTitle: boolean): AliasMatch | undefined {
  let node = trie;
  let best: AliasMatch | undefined;
  for (let k = first; k < tokens.length; k++) {
    if (k > first && !tokens[k].joinsPrevious) break;
    const child = node.children.get(tokens[k].norm);
    if (!child) break;
    node = child;
    if (node.variants.length === 0) continue;
    const fitting = node.variants.filter((variant) => variantFits(variant, tokens, first, inTitle));
    if (fitting.length > 0) {
      best = {
        first,
        last: k,
        entityIds: [...new Set(fitting.map((variant) => variant.entityId))],
        commonWord: fitting.every((variant) => variant.commonWord),
      };
    }
  }
  return best;
}

/**
 * Capitals where the alias has them; possessives only where the alias has
 * them, except at the end. A lowercase alias word matches a capitalised one
 * only where capitals say nothing (title, sentence start, all caps): mid-
 * sentence, "Azure AI Foundry" and "Open Source AI Definition" are names, not
 * the topics "foundry" and "open-source AI".
 */
function variantFits(variant: AliasVariant, tokens: Token[], first: number, inTitle: boolean): boolean {
  const lastIndex = variant.tokens.length - 1;
  for (let k = 0; k <= lastIndex; k++) {
    const aliasToken = variant.tokens[k];
    const token = tokens[first + k];
    if (k < lastIndex && aliasToken.possessive !== token.possessive) return false;
    if (aliasToken.capitals.length === 0) {
      const capitalsExplained = inTitle || (k === 0 && token.sentenceStart) || isAllCaps(token.surface);
      if (!capitalsExplained && token.surface !== token.norm) return false;
      continue;
    }
    for (const offset of aliasToken.capitals) {
      const char = token.surface[offset];
      if (char === undefined || char === char.toLowerCase()) return false;
    }
  }
  return true;
}

function isAllCaps(surface: string): boolean {
  return surface === surface.toUpperCase();
}

function resolveLinked(matches: AliasMatch[], tokens: Token[], gazetteer: LoadedGazetteer, firstBodyToken: number): Span[] {
  const unambiguous = new Set(matches.filter((m) => m.entityIds.length === 1).map((m) => m.entityIds[0]));
  const isWeak = (m: AliasMatch) => m.commonWord && (m.first < firstBodyToken || tokens[m.first].sentenceStart);
  const resolved = matches.map((match) => ({
    match,
    entityId: match.entityIds.find((id) => unambiguous.has(id)) ?? match.entityIds[0],
  }));
  const confirmed = new Set(resolved.filter(({ match }) => !isWeak(match)).map(({ entityId }) => entityId));
  return resolved
    .filter(({ match, entityId }) => !isWeak(match) || confirmed.has(entityId))
    .map(({ match, entityId }) => ({
      first: match.first,
      last: match.last,
      entityId,
      type: gazetteer.byId.get(entityId)?.type ?? 'topic',
      kind: 'linked',
    }));
}

function markCovered(covered: Uint8Array, spans: Span[]): void {
  for (const span of spans) covered.fill(1, span.first, span.last + 1);
}

/**
 * Short forms that may refer back to entities in the document, keyed by
 * normalised tokens: surnames of linked and recognised people, full names of
 * recognised entities, and the distinctive first word of recognised
 * organisations. Linked organisations need no entry: their short forms are
 * gazetteer aliases. Each entity keeps its earliest availability per key.
 */
function collectAntecedents(
  tokens: Token[],
  linked: Span[],
  recognised: RecognisedSpan[],
  gazetteer: LoadedGazetteer,
): Map<string, Antecedent[]> {
  const antecedents = new Map<string, Antecedent[]>();
  const add = (key: string | undefined, antecedent: Antecedent) => addAntecedent(antecedents, key, antecedent);

  for (const span of linked) {
    if (span.type !== 'person') continue;
    const { entityId, type, kind } = span;
    add(gazetteer.surnames.get(entityId), { entityId, type, kind, availableFrom: tokens[span.last].end });
  }
  for (const span of recognised) {
    const { entityId, type } = span;
    if (type !== 'person' && type !== 'org') continue;
    const fullKey = tokens
      .slice(span.first, span.last + 1)
      .map((token) => token.norm)
      .join(' ');
    add(fullKey, { entityId, type, kind: 'recognised', availableFrom: 0 });
    const shortKey = type === 'person' ? surnameOf(span.name) : tokens[span.first].norm;
    if (shortKey && isDistinctiveWord(shortKey)) {
      add(shortKey, { entityId, type, kind: 'recognised', availableFrom: tokens[span.last].end });
    }
  }
  return antecedents;
}

function resolveCoreference(tokens: Token[], covered: Uint8Array, antecedents: Map<string, Antecedent[]>, bodyStart: number): Span[] {
  if (antecedents.size === 0) return [];
  let longestKey = 1;
  for (const key of antecedents.keys()) longestKey = Math.max(longestKey, key.split(' ').length);

  const spans: Span[] = [];
  let i = 0;
  while (i < tokens.length) {
    const span = coreferentAt(tokens, covered, antecedents, bodyStart, i, longestKey);
    if (span) {
      spans.push(span);
      i = span.last + 1;
    } else {
      i++;
    }
  }
  return spans;
}

/**
 * A short form resolves when exactly one entity could be meant at that point:
 * "Huang" after "Jensen Huang" is Jensen Huang until another Huang appears.
 * Headlines often use a surname before the body introduces the full name, so
 * a title mention may point forward.
 */
function coreferentAt(
  tokens: Token[],
  covered: Uint8Array,
  antecedents: Map<string, Antecedent[]>,
  bodyStart: number,
  first: number,
  longestKey: number,
): Span | undefined {
  const start = tokens[first].start;
  const inTitle = start < bodyStart;
  let key = '';
  let candidate: Span | undefined;
  for (let k = first; k < tokens.length && k < first + longestKey; k++) {
    const token = tokens[k];
    if (covered[k] || !isCapitalised(token) || (k > first && !token.joinsPrevious)) break;
    key = k === first ? token.norm : `${key} ${token.norm}`;
    const available = (antecedents.get(key) ?? []).filter((a) => inTitle || a.availableFrom <= start);
    if (available.length !== 1) continue;
    if (k === first && !inTitle && !standsAlone(tokens, covered, first)) continue;
    const { entityId, type, kind } = available[0];
    candidate = { first, last: k, entityId, type, kind };
  }
  return candidate;
}

/** "Huang said" resolves; "Huang Lei said" or "Richard Huang" is someone else. */
function standsAlone(tokens: Token[], covered: Uint8Array, index: number): boolean {
  const isNameNeighbour = (k: number) => !covered[k] && isNameWord(tokens[k]) && isDistinctiveWord(tokens[k].norm);
  const token = tokens[index];
  if (index > 0 && token.joinsPrevious && !tokens[index - 1].possessive && isNameNeighbour(index - 1)) return false;
  const next = tokens[index + 1];
  return !(next && next.joinsPrevious && !token.possessive && isNameNeighbour(index + 1));
}

interface Layout {
  bodyStart: number;
  leadEnd: number;
  length: number;
}

function assemble(doc: string, bodyStart: number, tokens: Token[], spans: Span[], names: Map<string, string>): TagResult {
  const paragraphEnd = doc.indexOf('\n\n', bodyStart);
  const layout: Layout = {
    bodyStart,
    leadEnd: Math.min(paragraphEnd < 0 ? doc.length : paragraphEnd, bodyStart + LEAD_MAX_CHARS),
    length: doc.length,
  };

  const mentions: EntityMention[] = [];
  const byEntity = new Map<string, ArticleEntity>();
  const weights = new Map<string, number[]>();
  for (const span of spans) {
    const start = span.start ?? tokens[span.first].start;
    const end = span.end ?? tokens[span.last].end;
    mentions.push({ start, end, text: doc.slice(start, end), entityId: span.entityId, type: span.type, kind: span.kind });
    let entity = byEntity.get(span.entityId);
    if (!entity) {
      const name = names.get(span.entityId) ?? span.entityId;
      entity = { entityId: span.entityId, name, type: span.type, kind: span.kind, mentions: [], salience: 0 };
      byEntity.set(span.entityId, entity);
      weights.set(span.entityId, []);
    }
    entity.mentions.push({ start, end });
    weights.get(span.entityId)?.push(positionWeight(start, layout));
  }

  const entities = [...byEntity.values()];
  for (const entity of entities) entity.salience = salience(weights.get(entity.entityId) ?? []);
  entities.sort((a, b) => b.salience - a.salience || a.mentions[0].start - b.mentions[0].start || a.entityId.localeCompare(b.entityId));
  return { mentions, entities };
}

function positionWeight(start: number, layout: Layout): number {
  if (start < layout.bodyStart) return TITLE_WEIGHT;
  if (start < layout.leadEnd) return LEAD_WEIGHT;
  const afterLead = (start - layout.leadEnd) / Math.max(1, layout.length - layout.leadEnd);
  return LATE_WEIGHT + (EARLY_BODY_WEIGHT - LATE_WEIGHT) * (1 - afterLead);
}

/** Prominence (best position) plus a saturating frequency term; 0..1, three decimals for stable output. */
function salience(weights: number[]): number {
  const prominence = Math.max(...weights);
  const frequency = 1 - Math.exp(-weights.reduce((sum, w) => sum + w, 0) / FREQUENCY_SCALE);
  const value = PROMINENCE_SHARE * prominence + (1 - PROMINENCE_SHARE) * frequency;
  return Math.round(Math.min(1, value) * 1000) / 1000;
}
