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
import { addAntecedent, isRoleWord, LEGAL_FORMS, slugify, surnameOf, type RecognisedSpan } from './names';
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
const DEMONYM_RE = /(?:an|ese|ish|ch|i|ic|sh)$/;

/**
 * Nouns that name a kind of product. The model knows only people,
 * organisations, places and "misc" (CoNLL-2003), so a new game or chip it has
 * never seen ("Jade Horizon", "Rubin") comes out as a person. The sentence
 * often says what it is: "Jade Horizon, an open-world role-playing game",
 * "the new RPG Jade Horizon", "Blackwell and Rubin systems".
 */
const PRODUCT_NOUNS = new Set(
  (
    'game games rpg mmo app apps smartphone smartphones phone phones handset handsets console consoles chatbot ' +
    'chatbots model models llm chip chips processor processors cpu cpus gpu gpus accelerator accelerators ' +
    'drug drugs vaccine vaccines film movie album novel browser headset headsets laptop laptops tablet tablets ' +
    'robot robots satellite satellites rocket rockets aircraft jet jets suv sedan'
  ).split(' '),
);
/** Product nouns that may also follow the name they classify ("Rubin systems", "Rubin chips"). */
const PRODUCT_FOLLOWERS = new Set('chip chips gpu gpus processor processors accelerator accelerators systems servers'.split(' '));
/** Words that end an appositive's noun phrase: its head noun is the word before. */
const PHRASE_END_WORDS = new Set(
  (
    'of in on at by to from with for that which who whom whose where when while and but or as than after before ' +
    'since until into over under about against between through during without within among across per via is was ' +
    'are were has have had will would could can'
  ).split(' '),
);
const DETERMINERS = new Set('a an the its their his her our this that'.split(' '));
/** How many words an appositive's noun phrase may run ("its most expensive mobile game to date"). */
const APPOSITIVE_PHRASE_WORDS = 8;
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
  for (const ner of nerSpans) {
    const range = tokenRange(tokens, ner.start, ner.end);
    let first = range[0];
    const last = range[1];
    if (last < first) continue;
    // "RPG Jade Horizon": a capitalised product noun the model took into the name says what the rest is.
    const productNoun = last > first && PRODUCT_NOUNS.has(tokens[first].norm);
    if (productNoun) first++;
    const start = tokens[first].start;
    const name = doc.slice(start, ner.end);
    if (CJK_RE.test(name) || anyCovered(covered, first, last)) continue;
    // An alias the gazetteer chose not to link here ("Apple pie"), except a place the recogniser reads as a person or team.
    if (isGazetteerAlias(tokens, first, last, gazetteer) && !(ner.type !== 'LOC' && isPlaceAlias(tokens, first, last, gazetteer))) continue;
    if (ner.type === 'MISC' && first === last && DEMONYM_RE.test(tokens[first].norm)) continue;
    // Greedy decoding cannot revise "Orvane" as a first name once "Bank" arrives; the last word settles it.
    const type = productNoun
      ? 'product'
      : ner.type === 'PER' && last > first && ORG_FINAL_WORDS.has(tokens[last].norm)
        ? 'org'
        : TYPES[ner.type];
    let idEnd = last;
    if (type === 'org') while (idEnd > first && LEGAL_FORMS.has(tokens[idEnd].norm)) idEnd--;
    const slug = slugify(doc.slice(tokens[first].start, tokens[idEnd].end));
    if (!slug) continue;
    spans.push({ first, last, start, end: ner.end, name, type, entityId: `${type}~${slug}`, kind: 'recognised' });
  }
  retypeProducts(doc, spans, tokens);
  harmoniseTypes(spans);
  const resolved = resolveShortForms(spans, tokens, linked, gazetteer, firstBodyToken);
  // A recognised name in the headline needs the body to confirm it: title case makes any phrase look like a name.
  const inBody = new Set(resolved.filter((span) => span.first >= firstBodyToken).map((span) => span.entityId));
  for (const span of linked) inBody.add(span.entityId);
  return resolved.filter((span) => span.first >= firstBodyToken || span.kind === 'linked' || inBody.has(span.entityId));
}

/**
 * A recognised name the document describes as a product at least once (see
 * PRODUCT_NOUNS) is a product in every mention: the appositive after it has a
 * product noun as its head, or a product noun stands right before it, or (for
 * chips and systems) right after it. A role word anywhere in the appositive
 * keeps a person a person ("Lin Wenhao, a chip analyst").
 */
function retypeProducts(doc: string, spans: ModelSpan[], tokens: Token[]): void {
  const products = new Set<string>();
  const slugOf = (span: ModelSpan) => span.entityId.slice(span.entityId.indexOf('~') + 1);
  for (const span of spans) {
    if (products.has(slugOf(span))) continue;
    if (span.type === 'product') {
      products.add(slugOf(span));
      continue;
    }
    const before = tokens[span.first - 1];
    const after = tokens[span.last + 1];
    const premodified = before && !tokens[span.first].sentenceStart && tokens[span.first].joinsPrevious && PRODUCT_NOUNS.has(before.norm);
    const followed =
      after && !after.sentenceStart && after.joinsPrevious && !tokens[span.last].possessive && PRODUCT_FOLLOWERS.has(after.norm);
    if (premodified || followed || appositiveNamesProduct(doc, tokens, span.last)) products.add(slugOf(span));
  }
  if (!products.size) return;
  for (const span of spans) {
    const slug = slugOf(span);
    if (!products.has(slug)) continue;
    span.type = 'product';
    span.entityId = `product~${slug}`;
  }
}

/** "Jade Horizon, its most expensive mobile game to date": the head of the phrase after the comma is a product noun. */
function appositiveNamesProduct(doc: string, tokens: Token[], nameLast: number): boolean {
  const next = nameLast + 1;
  if (next >= tokens.length || tokens[next].sentenceStart) return false;
  if (doc.slice(tokens[nameLast].end, tokens[next].start).trim() !== ',') return false;
  let k = next;
  if (!DETERMINERS.has(tokens[k].norm)) return false;
  k++;
  let head: Token | undefined;
  for (; k < tokens.length && k <= next + APPOSITIVE_PHRASE_WORDS; k++) {
    const token = tokens[k];
    if (!token.joinsPrevious || PHRASE_END_WORDS.has(token.norm)) break;
    if (isRoleWord(token.norm)) return false;
    head = token;
    if (token.possessive) break;
  }
  return head !== undefined && PRODUCT_NOUNS.has(head.norm);
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
