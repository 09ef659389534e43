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
import type { AliasVariant, LoadedGazetteer } from './gazetteer';
import {
  addAntecedent,
  hasAppositiveRole,
  isDistinctiveWord,
  isFunctionWord,
  isRoleWord,
  LEGAL_FORMS,
  slugify,
  surnameOf,
  type RecognisedSpan,
} from './names';
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
const EXTRA_TITLE_WORDS = new Set(
  (
    'chancellor judge mayor representative rep sen gov treasurer leader speaker envoy commander major sheriff ' +
    'candidate actor actress astronaut singer rapper player striker chef designer artist comedian host anchor ' +
    'reporter journalist grandmaster'
  ).split(' '),
);
/** Nouns after a product name that show it is the product ("the Pixel Gemini assistant", "Rubin chips"). */
const PRODUCT_NOUNS = new Set(
  (
    'assistant assistants chip chips superchip superchips platform platforms system systems model models gpu gpus ' +
    'processor processors app apps rack racks server servers phone phones device devices architecture accelerator accelerators'
  ).split(' '),
);
/** Verbs that only a person does right after a name ("Rubin said"). */
const SPEECH_VERBS = new Set(
  'said says told tells added argued warned declined wrote writes noted insisted testified recalled replied acknowledged'.split(' '),
);
/** Capitalised words after a one-word product name that make a longer name of it ("Rubin Observatory"). */
const INSTITUTION_WORDS = new Set(
  (
    'observatory telescope prize award medal foundation institute university college school hospital museum center ' +
    'centre library street road avenue park hall building lab laboratory'
  ).split(' '),
);
/** Words before "Mrs. Doubtfire": a title of a work, not a person. */
const WORK_WORDS = new Set('film movie show musical series sitcom book novel play song album character'.split(' '));
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
 *    exactly the same words is not linked ("Washington said" is a person);
 *  - a product alias that ends a person's name is a surname ("Robert Rubin"),
 *    and a one-word product name gives way to a person where the text says
 *    so (dropSurnameProducts: "Judge Rubin", "Rubin said").
 * Returns the links that stand.
 */
export function linksThatStand<T extends LinkedSpan>(
  linked: T[],
  nerSpans: NerSpan[],
  tokens: Token[],
  gazetteer?: LoadedGazetteer,
  doc?: string,
): T[] {
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
    // A product name that ends a person's name is a surname: "Robert Rubin" is not Nvidia's Rubin. Only there:
    // in "Grace Blackwell superchip" or "Amazon Bedrock Claude models" the product is what is named.
    if (
      inside.length === 1 &&
      inside[0].type === 'product' &&
      ner.type === 'PER' &&
      inside[0].first > first &&
      inside[0].last === last &&
      !hasDigits(tokens, first, last) &&
      !productNounAfter(tokens, last)
    ) {
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
  dropSurnameProducts(linked, nerSpans, tokens, dropped, gazetteer, doc);
  return dropped.size === 0 ? linked : linked.filter((span) => !dropped.has(span));
}

/**
 * A one-word product name that is also a surname ("Rubin", "Hopper") means the person where the text says
 * so: right after an honorific or title ("Judge Rubin", "Mr. Hopper"), or where a person of that surname is
 * named in full in the document ("Robert Rubin ... Rubin said"). Full names are the recogniser's person spans
 * whose words before the surname are not linked to anything ("Nvidia Rubin" is no person), and the linked
 * people's surnames.
 */
function dropSurnameProducts<T extends LinkedSpan>(
  linked: T[],
  nerSpans: NerSpan[],
  tokens: Token[],
  dropped: Set<T>,
  gazetteer: LoadedGazetteer | undefined,
  doc: string | undefined,
): void {
  const products = linked.filter((span) => span.type === 'product' && span.first === span.last && !dropped.has(span));
  if (products.length === 0) return;
  const surnames = new Set<string>();
  for (const ner of nerSpans) {
    if (ner.type !== 'PER') continue;
    const [first, last] = tokenRange(tokens, ner.start, ner.end);
    if (last <= first || productNounAfter(tokens, last)) continue;
    if (linked.some((span) => span.first < last && span.last >= first)) continue;
    surnames.add(tokens[last].norm);
  }
  for (const span of linked) {
    const surname = span.type === 'person' ? gazetteer?.surnames.get(span.entityId) : undefined;
    if (surname) surnames.add(surname);
  }
  for (const span of products) {
    const k = span.first;
    const next = k + 1 < tokens.length && !tokens[k + 1].sentenceStart ? tokens[k + 1] : undefined;
    const titled = k > 0 && !tokens[k].sentenceStart && isTitleWord(tokens[k - 1].norm);
    const speaks = next !== undefined && SPEECH_VERBS.has(next.surface);
    const described = doc !== undefined && hasAppositiveRole(doc, tokens, k);
    const institution = next !== undefined && /^\p{Lu}/u.test(next.surface) && INSTITUTION_WORDS.has(next.norm);
    if (productNounAfter(tokens, k)) continue;
    if (titled || speaks || described || institution || surnames.has(tokens[k].norm)) dropped.add(span);
  }
}

/** "the Pixel Gemini assistant", "Rubin chips": a product noun right after the name, in the same sentence. */
function productNounAfter(tokens: Token[], last: number): boolean {
  const next = tokens[last + 1];
  return next !== undefined && !next.sentenceStart && PRODUCT_NOUNS.has(next.surface);
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
  // Each span's tagger tokens, found once (a binary search per span).
  const ranges = nerSpans.map((ner) => tokenRange(tokens, ner.start, ner.end));
  const inNerSpan = new Uint8Array(tokens.length);
  for (const [first, last] of ranges) for (let k = first; k <= last; k++) inNerSpan[k] = 1;
  for (const [index, ner] of nerSpans.entries()) {
    const [nerFirst, nerLast] = ranges[index];
    let first = nerFirst;
    if (nerLast < first) continue;
    // A name is capitalised words, joined at most by connectors ("University of Texas", "Alex de Minaur"):
    // "and Diego Schwartzman", "Disney Channel and other", "Hood said." and "Wild could sense the win" are
    // cut back to their names ("Song-ho" and "iPad" are words of a name).
    const [nameFirst, last] = nameWithin(doc, tokens, first, nerLast);
    if (last < nameFirst) continue;
    first = nameFirst;
    const end = last === nerLast ? ner.end : tokens[last].end;
    if (CJK_RE.test(doc.slice(ner.start, ner.end)) || anyCovered(covered, first, last)) continue;
    // An alias the gazetteer chose not to link here ("Apple pie"), except a place the recogniser reads as a person
    // or team, and a product name that is a person's surname here ("Judge Rubin": dropSurnameProducts).
    if (
      isGazetteerAlias(tokens, first, last, gazetteer) &&
      !(ner.type !== 'LOC' && isPlaceAlias(tokens, first, last, gazetteer)) &&
      !(ner.type === 'PER' && isProductAlias(tokens, first, last, gazetteer))
    )
      continue;
    if (ner.type === 'MISC' && first === last && DEMONYM_RE.test(tokens[first].norm)) continue;
    let type = TYPES[ner.type];
    // Greedy decoding cannot revise "Orvane" as a first name once "Bank" arrives; the last word settles it.
    if (ner.type === 'PER' && last > first && ORG_FINAL_WORDS.has(tokens[last].norm)) type = 'org';
    else if (ner.type === 'LOC' && last > first && ORG_FINAL_FOR_PLACES.has(tokens[last].norm)) type = 'org';
    else if (ner.type !== 'PER' && last - first < 3 && afterHonorific(tokens, first, last) && !ORG_FINAL_WORDS.has(tokens[last].norm))
      type = 'person';
    if (type === 'person') {
      // "Chief Financial Officer" alone is a title, not a name ("Aaron Judge" is: judge is no role word).
      if (isRoleWord(tokens[last].norm)) continue;
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
      end,
      name: doc.slice(start, end),
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

/** Lower-case words that may join the words of a name ("Bank of the West", "Ludwig van Beethoven"). */
const CONNECTORS = new Set(
  'of the and for on in at upon de des del della der den ten ter van von la le les al el bin ibn da di du dos das y zu'.split(' '),
);

/**
 * The capitalised name inside a recogniser span: leading function words ("and Diego Schwartzman") go, and the
 * span ends before the first separate lower-case word that is not a connector followed by more of the name.
 * Returns [first, last]; last < first when nothing is left.
 */
function nameWithin(doc: string, tokens: Token[], first: number, last: number): [number, number] {
  const gapBefore = (k: number) => (k === 0 ? ' ' : doc.slice(tokens[k - 1].end, tokens[k].start));
  // A lower-case word apart from the one before it (a space or a dash between them: "ISIS—killed"). Not
  // "iPad", "eShop", or an elided particle ("d'Ivoire", "d’Orsay"): those are words of the name.
  const separateLowerCase = (k: number) => {
    const word = tokens[k].surface;
    if (!/^\p{Ll}/u.test(word) || /^\p{Ll}{1,3}['\u2019]?\p{Lu}/u.test(word)) return false;
    if (word.length <= 2 && /^['\u2019]/.test(doc.slice(tokens[k].end, tokens[k].end + 1))) return false;
    return /[\s\u2013-\u2015]/.test(gapBefore(k));
  };
  // An acronym that spells a function word ("WHO") is a name.
  const functionWord = (k: number) => isFunctionWord(tokens[k].norm) && !/^\p{Lu}{2,}$/u.test(tokens[k].surface);
  while (first <= last && separateLowerCase(first) && functionWord(first)) first++;
  // "Queen 's Park" (a clitic after a spaced apostrophe, as CoNLL writes it) joins like a connector.
  const joins = (j: number) => CONNECTORS.has(tokens[j].norm) || /['\u2019]\s*$/.test(gapBefore(j));
  let end = last;
  for (let k = first + 1; k <= last; k++) {
    if (!separateLowerCase(k)) continue;
    let next = k;
    while (next <= last && separateLowerCase(next) && joins(next)) next++;
    // ... and a clitic may end the name ("Lord 's").
    if (next > last && joins(last) && !CONNECTORS.has(tokens[last].norm)) break;
    // Connectors count only between capitalised words of the span.
    if (next > k && next <= last && !separateLowerCase(next)) {
      k = next;
      continue;
    }
    end = k - 1;
    break;
  }
  // "“And I", "When": function words alone, capitalised at a sentence start, are no name.
  let onlyFunctionWords = true;
  for (let k = first; k <= end && onlyFunctionWords; k++) onlyFunctionWords = functionWord(k);
  return onlyFunctionWords ? [first, first - 1] : [first, end];
}

/** "Mr. Sunak", "Dr Li": the word before the span is an honorific in the same sentence. */
function afterHonorific(tokens: Token[], first: number, last: number): boolean {
  if (first === 0) return false;
  const before = tokens[first - 1];
  if (!HONORIFICS.has(before.norm) || !/^\p{Lu}/u.test(before.surface)) return false;
  // "the film Mrs. Doubtfire" is a work; "Dr. Kim of Seoul" is a name and a place.
  if (first >= 2 && WORK_WORDS.has(tokens[first - 2].norm)) return false;
  for (let k = first; k <= last; k++) if (tokens[k].norm === 'of') return false;
  return true;
}

function isTitleWord(norm: string): boolean {
  return isRoleWord(norm) || EXTRA_TITLE_WORDS.has(norm) || HONORIFICS.has(norm);
}

/**
 * The first token after the titles of a person span: "Treasury Secretary Robert Rubin" → "Robert Rubin",
 * "Secretary Blinken" → "Blinken". Words before the last title go too when a full name (two words or more)
 * remains; a single word remains only when everything before it is a title, so "Keurig Dr Pepper" stays whole.
 */
function afterTitles(tokens: Token[], first: number, last: number): number {
  let lastTitle = -1;
  for (let k = first; k < last; k++) if (isTitleWord(tokens[k].norm)) lastTitle = k;
  if (lastTitle < 0) return first;
  if (last - lastTitle >= 2) return lastTitle + 1;
  for (let k = first; k < lastTitle; k++) if (!isTitleWord(tokens[k].norm)) return first;
  return lastTitle + 1;
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
    // "At Wimbledon Alcaraz", "After Easter Modi": a capitalised word after a preposition is a place or a day.
    const afterFunctionWord = k >= 2 && isFunctionWord(tokens[k - 2].norm);
    const fits =
      !before.sentenceStart &&
      !afterFunctionWord &&
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

/** The gazetteer variants whose alias is exactly this token sequence (none when it is no alias). */
function exactAliasVariants(tokens: Token[], first: number, last: number, gazetteer: LoadedGazetteer): readonly AliasVariant[] {
  let node = gazetteer.trie;
  for (let k = first; k <= last; k++) {
    const child = node.children.get(tokens[k].norm);
    if (!child) return [];
    node = child;
  }
  return node.variants;
}

/** The exact token sequence is a gazetteer alias (which the gazetteer chose not to link here). */
function isGazetteerAlias(tokens: Token[], first: number, last: number, gazetteer: LoadedGazetteer): boolean {
  return exactAliasVariants(tokens, first, last, gazetteer).length > 0;
}

function isProductAlias(tokens: Token[], first: number, last: number, gazetteer: LoadedGazetteer): boolean {
  const variants = exactAliasVariants(tokens, first, last, gazetteer);
  return variants.length > 0 && variants.every((variant) => gazetteer.byId.get(variant.entityId)?.type === 'product');
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
