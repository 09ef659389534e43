/**
 * Turns the statistical recogniser's spans (./ner) into tagger spans:
 * gazetteer links take precedence, recognised names get stable ids
 * (`person~lin-wenhao`, `org~rhodium-labs`, `place~lunar-bay`,
 * `topic~world-cup`), and short forms join the entity they shorten.
 *
 * Type mapping: PER person, ORG org, LOC place, MISC topic. A MISC name of
 * one word that looks like a nationality or language ("Chinese", "British")
 * is dropped: it would link every China story to every other.
 */
import type { EntityType } from '../types';
import type { LoadedGazetteer } from './gazetteer';
import { addAntecedent, isDistinctiveWord, isRoleWord, LEGAL_FORMS, slugify, surnameOf, type RecognisedSpan } from './names';
import type { NerSpan, NerType } from './ner';
import type { Token } from './tokenize';

export interface ModelSpan extends RecognisedSpan {
  kind: 'linked' | 'recognised';
  start: number;
  end: number;
}

interface LinkedSpan {
  first: number;
  last: number;
  entityId: string;
  type: EntityType;
}

const TYPES: Readonly<Record<NerType, EntityType>> = { PER: 'person', ORG: 'org', LOC: 'place', MISC: 'topic' };
/** Final words that make a name an organisation whatever the model said ("Orvane Bank", "Kestrel Robotics"). */
const ORG_FINAL_WORDS = new Set(
  (
    'bank banks systems group holdings capital ventures partners technologies technology labs inc corp ltd corporation ' +
    'company co plc llc fund securities networks software semiconductor semiconductors electronics motors energy ' +
    'robotics dynamics analytics research media airlines airways pharmaceuticals therapeutics biotech insurance ' +
    'investments industries solutions studios games foundation institute university'
  ).split(' '),
);
/** Final words that make a recognised place an organisation ("Stanford University"); not "bank" ("West Bank"). */
const ORG_FINAL_FOR_PLACES = new Set(
  'university institute college academy school foundation company corporation inc corp ltd plc llc group'.split(' '),
);
/** Words before a name that only a person takes ("Mr. Sunak", "Dr Li"). */
const HONORIFICS = new Set('mr mrs ms miss mx dr prof'.split(' '));
/** Titles the model may include in a person's span ("Treasury Secretary Robert Rubin"): role words and a few more. */
const EXTRA_TITLE_WORDS = new Set('chancellor judge mayor representative rep sen gov treasurer'.split(' '));
/** Titles that are never a given name, though a person's id may keep them ("King Sihanouk", "Cardinal Bernardin"). */
const STYLE_WORDS = new Set(
  (
    'king queen prince princess pope cardinal bishop archbishop rabbi imam sheikh emperor sultan lord lady sir dame saint ' +
    'st general gen colonel col captain capt lieutenant sergeant admiral coach'
  ).split(' '),
);
/** Given names the model missed before a one-word person span ("Chancellor Friedrich Merz" → "Merz"): at most this many. */
const MAX_GIVEN_NAMES = 2;
const DEMONYM_RE = /(?:an|ese|ish|ch|i|ic|sh)$/;
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Context rules for gazetteer links, decided by the recogniser:
 *  - a longer name containing one linked organisation, place or person is
 *    its own entity ("U.S. Open", "Tencent Music Entertainment Group"),
 *    unless the extra words are role words ("Tencent Cloud Vice President
 *    ...") or hold another link ("Huawei Ascend 910C");
 *  - a place alias the recogniser reads as a person or organisation on
 *    exactly the same words is not linked ("Washington said" is a person).
 * Returns the links that stand.
 */
export function linksThatStand<T extends LinkedSpan>(linked: T[], nerSpans: NerSpan[], tokens: Token[]): T[] {
  const dropped = new Set<T>();
  let j = 0;
  for (const ner of nerSpans) {
    const [first, last] = tokenRange(tokens, ner.start, ner.end);
    if (last < first) continue;
    while (j < linked.length && linked[j].last < first) j++;
    const inside: T[] = [];
    let crosses = false;
    for (let k = j; k < linked.length && linked[k].first <= last; k++) {
      if (linked[k].first < first || linked[k].last > last) crosses = true;
      else inside.push(linked[k]);
    }
    if (crosses || inside.length === 0) continue;
    const exact = inside.length === 1 && inside[0].first === first && inside[0].last === last;
    if (exact) {
      // Only places give way: a model trained on 1996 news knows "Washington" the person and "New York" the team,
      // but not Huawei, so it may not relabel a linked company.
      if (inside[0].type === 'place' && (ner.type === 'PER' || ner.type === 'ORG')) dropped.add(inside[0]);
      continue;
    }
    // A product name that a longer name ends with or holds is a surname or part of that name: "Robert Rubin"
    // and "Vera C. Rubin Observatory" are not Nvidia's Rubin ("Rubin Ultra", "Ascend 910D" start with theirs).
    if (inside.length === 1 && inside[0].type === 'product' && inside[0].first > first && !hasDigits(tokens, first, last)) {
      dropped.add(inside[0]);
      continue;
    }
    // One linked organisation, place or person inside, nothing else linked: "Huawei Ascend 910C" stays two links.
    if (inside.length !== 1 || !['person', 'org', 'place'].includes(inside[0].type)) continue;
    let extraRole = false;
    for (let k = first; k <= last; k++) {
      if (!inside.some((span) => span.first <= k && k <= span.last) && isRoleWord(tokens[k].norm)) extraRole = true;
    }
    if (!extraRole) for (const span of inside) dropped.add(span);
  }
  return dropped.size === 0 ? linked : linked.filter((span) => !dropped.has(span));
}

function hasDigits(tokens: Token[], first: number, last: number): boolean {
  for (let k = first; k <= last; k++) if (/\d/.test(tokens[k].surface)) return true;
  return false;
}

/** Inclusive range of the tagger tokens lying inside [start, end); last < first when there are none. */
function tokenRange(tokens: Token[], start: number, end: number): [number, number] {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  let last = lo - 1;
  while (last + 1 < tokens.length && tokens[last + 1].end <= end) last++;
  return [lo, last];
}

export function recognisedWithModel(
  doc: string,
  tokens: Token[],
  nerSpans: NerSpan[],
  covered: Uint8Array,
  linked: LinkedSpan[],
  gazetteer: LoadedGazetteer,
  firstBodyToken: number,
): ModelSpan[] {
  const spans: ModelSpan[] = [];
  const inNerSpan = new Uint8Array(tokens.length);
  for (const ner of nerSpans) {
    const [first, last] = tokenRange(tokens, ner.start, ner.end);
    for (let k = first; k <= last; k++) inNerSpan[k] = 1;
  }
  for (const ner of nerSpans) {
    const [nerFirst, last] = tokenRange(tokens, ner.start, ner.end);
    let first = nerFirst;
    if (last < first) continue;
    if (CJK_RE.test(doc.slice(ner.start, ner.end)) || anyCovered(covered, first, last)) continue;
    // An alias the gazetteer chose not to link here ("Apple pie"), except a place the recogniser reads as a person or team.
    if (isGazetteerAlias(tokens, first, last, gazetteer) && !(ner.type !== 'LOC' && isPlaceAlias(tokens, first, last, gazetteer))) continue;
    if (ner.type === 'MISC' && first === last && DEMONYM_RE.test(tokens[first].norm)) continue;
    let type = TYPES[ner.type];
    // Greedy decoding cannot revise "Orvane" as a first name once "Bank" arrives; the last word settles it.
    if (ner.type === 'PER' && last > first && ORG_FINAL_WORDS.has(tokens[last].norm)) type = 'org';
    else if (ner.type === 'LOC' && last > first && ORG_FINAL_FOR_PLACES.has(tokens[last].norm)) type = 'org';
    else if (ner.type !== 'PER' && last - first < 3 && afterHonorific(tokens, first) && !ORG_FINAL_WORDS.has(tokens[last].norm))
      type = 'person';
    if (type === 'person') {
      first = afterTitles(tokens, first, last);
      if (first === last) first = withGivenNames(doc, tokens, first, covered, inNerSpan);
    }
    let idEnd = last;
    if (type === 'org') while (idEnd > first && LEGAL_FORMS.has(tokens[idEnd].norm)) idEnd--;
    const slug = slugify(doc.slice(tokens[first].start, tokens[idEnd].end));
    if (!slug) continue;
    const start = first === nerFirst ? ner.start : tokens[first].start;
    spans.push({
      first,
      last,
      start,
      end: ner.end,
      name: doc.slice(start, ner.end),
      type,
      entityId: `${type}~${slug}`,
      kind: 'recognised',
    });
  }
  harmoniseTypes(spans);
  const resolved = resolveShortForms(spans, tokens, linked, gazetteer, firstBodyToken);
  // A recognised name in the headline needs the body to confirm it: title case makes any phrase look like a name.
  const inBody = new Set(resolved.filter((span) => span.first >= firstBodyToken).map((span) => span.entityId));
  for (const span of linked) inBody.add(span.entityId);
  return resolved.filter((span) => span.first >= firstBodyToken || span.kind === 'linked' || inBody.has(span.entityId));
}

/** "Mr. Sunak", "Dr Li": the word before the span is an honorific in the same sentence. */
function afterHonorific(tokens: Token[], first: number): boolean {
  if (first === 0) return false;
  const before = tokens[first - 1];
  // The tokeniser reads "Mr." as ending a sentence, so the span itself may look sentence-initial.
  return HONORIFICS.has(before.norm) && /^\p{Lu}/u.test(before.surface);
}

/** The first token after any titles inside a person span: "Treasury Secretary Robert Rubin" → "Robert Rubin". */
function afterTitles(tokens: Token[], first: number, last: number): number {
  let lastTitle = -1;
  for (let k = first; k < last; k++) {
    if (isRoleWord(tokens[k].norm) || EXTRA_TITLE_WORDS.has(tokens[k].norm) || HONORIFICS.has(tokens[k].norm)) lastTitle = k;
  }
  return lastTitle >= 0 ? lastTitle + 1 : first;
}

/**
 * A one-word person span may have lost its given names to the model:
 * "German Chancellor Friedrich Merz" came back as "Merz". Capitalised words
 * right before it, mid-sentence, that no link or other span covers and that
 * are not function, role or institution words, join it.
 */
function withGivenNames(doc: string, tokens: Token[], first: number, covered: Uint8Array, inNerSpan: Uint8Array): number {
  let k = first;
  while (k > 0 && first - k < MAX_GIVEN_NAMES && !tokens[k].sentenceStart) {
    const before = tokens[k - 1];
    const fits =
      /^\p{Lu}\p{Ll}+$/u.test(before.surface) &&
      !before.possessive &&
      !covered[k - 1] &&
      !inNerSpan[k - 1] &&
      !EXTRA_TITLE_WORDS.has(before.norm) &&
      !HONORIFICS.has(before.norm) &&
      !STYLE_WORDS.has(before.norm) &&
      isDistinctiveWord(before.norm) &&
      doc.slice(before.end, tokens[k].start) === ' ';
    if (!fits) break;
    k--;
  }
  return k;
}

/** One type per recognised name in a document: the one the model chose most often (first on a tie). */
function harmoniseTypes(spans: ModelSpan[]): void {
  const votes = new Map<string, Map<EntityType, number>>();
  const slugOf = (span: ModelSpan) => span.entityId.slice(span.entityId.indexOf('~') + 1);
  for (const span of spans) {
    const tally = votes.get(slugOf(span)) ?? new Map<EntityType, number>();
    tally.set(span.type, (tally.get(span.type) ?? 0) + 1);
    votes.set(slugOf(span), tally);
  }
  for (const span of spans) {
    const tally = votes.get(slugOf(span));
    if (!tally || tally.size < 2) continue;
    let best = span.type;
    for (const [type, count] of tally) if (count > (tally.get(best) ?? 0)) best = type;
    span.type = best;
    span.entityId = `${best}~${slugOf(span)}`;
  }
}

interface Referent {
  entityId: string;
  type: EntityType;
  kind: 'linked' | 'recognised';
  name: string;
  /** Body short forms resolve only after this offset (the end of the full mention). */
  availableFrom: number;
}

/**
 * "Huang" after "Jensen Huang", "Rhodium" after "Rhodium Labs Ltd": a one-word
 * person name that is the surname of exactly one person named in full so far
 * joins that person (a headline may point forward); if several people share
 * it, or the full name only comes later, the short form is dropped rather than
 * made a person of its own. An organisation name that begins a longer one
 * joins it the same way.
 */
function resolveShortForms(
  spans: ModelSpan[],
  tokens: Token[],
  linked: LinkedSpan[],
  gazetteer: LoadedGazetteer,
  firstBodyToken: number,
): ModelSpan[] {
  const bySurname = new Map<string, Referent[]>();
  const addPerson = (surname: string | undefined, referent: Referent) => addAntecedent(bySurname, surname, referent);
  for (const span of linked) {
    if (span.type !== 'person') continue;
    const name = gazetteer.byId.get(span.entityId)?.name ?? span.entityId;
    addPerson(gazetteer.surnames.get(span.entityId), { ...span, kind: 'linked', name, availableFrom: tokens[span.last].end });
  }
  for (const span of spans) {
    if (span.type === 'person' && span.last > span.first) addPerson(surnameOf(span.name), { ...span, availableFrom: span.end });
  }

  const out: ModelSpan[] = [];
  for (const span of spans) {
    const inTitle = span.first < firstBodyToken;
    const available = (r: Referent) => inTitle || r.availableFrom <= span.start;
    if (span.type === 'person' && span.first === span.last) {
      const candidates = bySurname.get(tokens[span.first].norm) ?? [];
      if (candidates.length > 0) {
        const open = candidates.filter(available);
        if (open.length === 1 && candidates.length === 1) out.push(join(span, open[0]));
        continue;
      }
    }
    // "Kestrel" after "Kestrel Robotics", whichever type the model gave the short form.
    if (span.type === 'org' || (span.type === 'person' && span.first === span.last)) {
      const longer = spans.filter(
        (other) =>
          other.type === 'org' &&
          other.entityId !== span.entityId &&
          other.last - other.first > span.last - span.first &&
          startsWith(tokens, other, span) &&
          (inTitle || other.end <= span.start),
      );
      const ids = new Set(longer.map((other) => other.entityId));
      if (ids.size === 1) {
        out.push(join(span, { ...longer[0], availableFrom: 0 }));
        continue;
      }
    }
    out.push(span);
  }
  return out;
}

function join(span: ModelSpan, referent: Referent): ModelSpan {
  return { ...span, entityId: referent.entityId, type: referent.type, kind: referent.kind, name: referent.name };
}

function startsWith(tokens: Token[], longer: ModelSpan, shorter: ModelSpan): boolean {
  for (let k = 0; k <= shorter.last - shorter.first; k++) {
    if (tokens[longer.first + k].norm !== tokens[shorter.first + k].norm) return false;
  }
  return true;
}

/** The exact token sequence is a gazetteer alias (which the gazetteer chose not to link here). */
function isGazetteerAlias(tokens: Token[], first: number, last: number, gazetteer: LoadedGazetteer): boolean {
  let node = gazetteer.trie;
  for (let k = first; k <= last; k++) {
    const child = node.children.get(tokens[k].norm);
    if (!child) return false;
    node = child;
  }
  return node.variants.length > 0;
}

function isPlaceAlias(tokens: Token[], first: number, last: number, gazetteer: LoadedGazetteer): boolean {
  let node = gazetteer.trie;
  for (let k = first; k <= last; k++) node = node.children.get(tokens[k].norm) ?? node;
  return node.variants.length > 0 && node.variants.every((variant) => gazetteer.byId.get(variant.entityId)?.type === 'place');
}

function anyCovered(covered: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k <= to; k++) if (covered[k]) return true;
  return false;
}
