import { DEMO_ARTICLES } from '../../src/demo/corpus';
import { articleFeatures, buildBriefing, prepareBriefingText } from '../../src/merge';
import { shingleSignature } from '../../src/merge/near-duplicates';
import { analyseText, parseTextAnalysis, textAnalysisRecord, TEXT_ANALYSIS_VERSION } from '../../src/merge/text-analysis';

const ARTICLES = DEMO_ARTICLES.slice(0, 12).map((a) => ({ title: a.title, text: a.paragraphs.join('\n\n') }));

describe('text analysis handed from tag to merge', () => {
  test('a stored record gives back the very maps, sets and shingles the merge stage would compute (order and bits included)', () => {
    for (const a of ARTICLES) {
      const fresh = analyseText(a.title, a.text);
      const stored = parseTextAnalysis(JSON.stringify(textAnalysisRecord(fresh)));
      expect(stored).toBeDefined();
      const features = articleFeatures({ id: 'x', ...a, entities: [] });
      // Same entries in the same order (iteration order feeds float sums), same numbers to the bit.
      expect([...stored!.terms]).toEqual([...features.terms]);
      expect([...stored!.signature]).toEqual([...features.signature!]);
      expect(Array.from(stored!.shingles)).toEqual(Array.from(shingleSignature(a.text)));
      expect(stored!.prepared).toEqual(prepareBriefingText(a.title, a.text));
      expect(stored!.prepared.sentences.map((s) => [...s.terms])).toEqual(
        prepareBriefingText(a.title, a.text).sentences.map((s) => [...s.terms]),
      );
    }
  });

  test('a briefing built from stored analyses equals one built from the texts', () => {
    const members = DEMO_ARTICLES.slice(0, 5).map((a, i) => ({
      id: `a${i}`,
      title: a.title,
      text: a.paragraphs.join('\n\n'),
      source: a.outlet,
      url: `https://example.test/${i}`,
      publishedAt: a.publishedAt,
      entities: [],
    }));
    const input = { related: [], cardFor: () => undefined };
    const fromStored = members.map((m) => ({
      ...m,
      prepared: parseTextAnalysis(JSON.stringify(textAnalysisRecord(analyseText(m.title, m.text))))!.prepared,
    }));
    expect(buildBriefing({ ...input, articles: fromStored })).toEqual(buildBriefing({ ...input, articles: members }));
  });

  test('records of another version, malformed ones and missing ones are not used', () => {
    const record = textAnalysisRecord(analyseText(ARTICLES[0].title, ARTICLES[0].text));
    expect(parseTextAnalysis(JSON.stringify({ ...record, v: TEXT_ANALYSIS_VERSION + 1 }))).toBeUndefined();
    expect(parseTextAnalysis(JSON.stringify({ ...record, shingles: 'abc' }))).toBeUndefined(); // 2 bytes: not whole hashes
    expect(parseTextAnalysis(JSON.stringify({ ...record, sentences: undefined }))).toBeUndefined();
    expect(parseTextAnalysis('{not json')).toBeUndefined();
    expect(parseTextAnalysis(null)).toBeUndefined();
  });
});
