/**
 * New versions of listed products: the gazetteer knows "GPT-5", "Grok 4" and
 * "Sora 2", and a story about the next release names "GPT-6", which neither
 * the gazetteer nor the statistical recogniser (trained on 1996 news, with no
 * product type) would find. A product alias that ends in a number defines a
 * family (its words before the number); the family's words followed by
 * another number, where nothing else was linked, are a product of their own
 * (`product~gpt-6`). Where the family's words are themselves an alias
 * ("Llama" in "Llama 5"), the link to that entity stands and this adds nothing.
 */
import type { LoadedGazetteer } from './gazetteer';
import { isCapitalised, slugify, type RecognisedSpan } from './names';
import { tokenize, type Token } from './tokenize';

const NUMBER_RE = /^\d+$/;
/** Family words: at most this many before the number ("GPT", "Ascend"). */
const MAX_FAMILY_WORDS = 3;

/** Family words (normalised, space-joined) of the gazetteer's numbered product aliases. */
const familiesByGazetteer = new WeakMap<LoadedGazetteer, Set<string>>();

function familiesOf(gazetteer: LoadedGazetteer): Set<string> {
  let families = familiesByGazetteer.get(gazetteer);
  if (families) return families;
  families = new Set();
  for (const entity of gazetteer.entities) {
    if (entity.type !== 'product') continue;
    for (const alias of [entity.name, ...entity.aliases]) {
      const words = tokenize(alias);
      const n = words.length;
      if (n < 2 || n > MAX_FAMILY_WORDS + 1 || !NUMBER_RE.test(words[n - 1].norm)) continue;
      if (words.slice(0, -1).some((word) => NUMBER_RE.test(word.norm))) continue;
      families.add(
        words
          .slice(0, -1)
          .map((word) => word.norm)
          .join(' '),
      );
    }
  }
  familiesByGazetteer.set(gazetteer, families);
  return families;
}

/** Unlinked "family words + number" runs, as recognised products. */
export function recogniseVersions(doc: string, tokens: Token[], covered: Uint8Array, gazetteer: LoadedGazetteer): RecognisedSpan[] {
  const families = familiesOf(gazetteer);
  if (!families.size) return [];
  const spans: RecognisedSpan[] = [];
  for (let first = 0; first < tokens.length; first++) {
    if (covered[first] || !isCapitalised(tokens[first])) continue;
    let key = '';
    for (let last = first; last < first + MAX_FAMILY_WORDS && last + 1 < tokens.length; last++) {
      if (covered[last] || (last > first && !tokens[last].joinsPrevious)) break;
      key = last === first ? tokens[last].norm : `${key} ${tokens[last].norm}`;
      const number = tokens[last + 1];
      if (!families.has(key) || covered[last + 1] || !number.joinsPrevious || number.sentenceStart || !NUMBER_RE.test(number.norm))
        continue;
      // "GPT-4.5": the decimal belongs to the version (tokens split at the point).
      let end = last + 1;
      const decimal = tokens[end + 1];
      if (
        decimal &&
        !covered[end + 1] &&
        decimal.start === tokens[end].end + 1 &&
        doc[tokens[end].end] === '.' &&
        NUMBER_RE.test(decimal.norm)
      )
        end++;
      const name = doc.slice(tokens[first].start, tokens[end].end);
      spans.push({ first, last: end, entityId: `product~${slugify(name)}`, type: 'product', name });
      first = end;
      break;
    }
  }
  return spans;
}
