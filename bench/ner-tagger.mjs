// TAGGER adapter for ../shared/tools/ner-score.mjs (ES module): runs the
// compiled tagEntities (dist/) on the raw text and maps our types to CoNLL's.
//   person -> PER, org -> ORG, place -> LOC, product -> MISC,
//   recognised topics (the recogniser's MISC) -> MISC; linked topics
//   ("export controls", "AI") are concepts, not names, and are left out.
// NER_RECOGNISER=rules|off scores the other recogniser settings.
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const { tagEntities } = require('../dist/src/tag/index.js');
const recogniser = process.env.NER_RECOGNISER || 'model';
const TYPES = { person: 'PER', org: 'ORG', place: 'LOC', product: 'MISC' };

export function init() {
  // Load the gazetteer and the model before timing starts.
  tagEntities('Warm-up text from Reuters in London .', { recogniser });
}

export function tag(text) {
  const spans = [];
  for (const mention of tagEntities(text, { recogniser }).mentions) {
    const type = TYPES[mention.type] ?? (mention.type === 'topic' && mention.kind === 'recognised' ? 'MISC' : undefined);
    if (type) spans.push({ start: mention.start, end: mention.end, type });
  }
  return spans;
}
