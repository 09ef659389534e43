import { DEMO_ARTICLES } from '../../src/demo/corpus';
import {
  DUPLICATE_JACCARD,
  groupDuplicates,
  independentSourceCount,
  isNearDuplicate,
  resemblance,
  shingleSignature,
} from '../../src/merge/near-duplicates';

const byslug = (slug: string) => {
  const a = DEMO_ARTICLES.find((d) => d.slug === slug);
  if (!a) throw new Error(`no demo article ${slug}`);
  return a;
};
/** The wire story: Meridian Wire on Tencent Cloud's domestic chips. */
const wire = byslug('tencent-cloud-domestic-chip-compatibility');
const wireText = wire.paragraphs.join('\n\n');

const dup = (x: string, y: string) => isNearDuplicate(shingleSignature(x), shingleSignature(y));

describe('near-duplicates: copies of one report', () => {
  test('an exact copy (another outlet, another URL) is a near-duplicate', () => {
    expect(resemblance(shingleSignature(wireText), shingleSignature(wireText)).jaccard).toBe(1);
    expect(dup(wireText, wireText)).toBe(true);
  });

  test('a reprint with its own headline, dateline, credit and boilerplate lines is a near-duplicate', () => {
    // The headline is not part of the body text; the outlet changes the dateline and adds its own lines.
    const reprint = [
      wire.paragraphs[0].replace('SHENZHEN, Sept 16 (Meridian Wire) -', 'SHENZHEN, China —'),
      ...wire.paragraphs.slice(1),
      'This story was first published by Meridian Wire and is republished here under licence.',
      'Sign up for our morning newsletter to get the day’s technology news in your inbox.',
    ].join('\n\n');
    expect(dup(wireText, reprint)).toBe(true);
    // Typography and spacing are normalised away: curly quotes, non-breaking spaces, case.
    const restyled = wireText.replace(/"/g, '“').replace(/ - /g, ' – ').replace(/ /g, '\u00a0').toUpperCase();
    expect(dup(wireText, restyled)).toBe(true);
  });

  test('a lightly edited copy (house style, a few words changed, one sentence cut) is a near-duplicate', () => {
    const edited = wireText
      .replace('Sept 16', 'September 16')
      .replace('artificial intelligence', 'AI')
      .replace('vice-president', 'vice president')
      .replace('more than 10,000', 'over 10,000')
      .replace(' The Hang Seng Tech index rose 0.8%.', '')
      .replace('licence', 'license');
    const r = resemblance(shingleSignature(wireText), shingleSignature(edited));
    expect(r.jaccard).toBeGreaterThanOrEqual(DUPLICATE_JACCARD);
    expect(r.jaccard).toBeLessThan(1);
    expect(dup(wireText, edited)).toBe(true);
  });

  test('a reprint trimmed to its first paragraphs is a near-duplicate (containment)', () => {
    const trimmed = wire.paragraphs.slice(0, 4).join('\n\n');
    const r = resemblance(shingleSignature(wireText), shingleSignature(trimmed));
    expect(r.jaccard).toBeLessThan(DUPLICATE_JACCARD);
    expect(r.containment).toBe(1);
    expect(dup(trimmed, wireText)).toBe(true);
  });

  test('the same event written independently is not a near-duplicate', () => {
    // Every other demo article on the same event (same facts, names, quotes in places), and every pair in the corpus.
    const sameEvent = DEMO_ARTICLES.filter((d) => d.event === wire.event && d.slug !== wire.slug);
    expect(sameEvent.length).toBeGreaterThan(3);
    for (const other of sameEvent) expect(dup(wireText, other.paragraphs.join('\n\n'))).toBe(false);
    const sigs = DEMO_ARTICLES.map((d) => shingleSignature(d.paragraphs.join('\n\n')));
    let worst = 0;
    for (let i = 0; i < sigs.length; i++) {
      for (let j = i + 1; j < sigs.length; j++) {
        expect(isNearDuplicate(sigs[i], sigs[j])).toBe(false);
        worst = Math.max(worst, resemblance(sigs[i], sigs[j]).jaccard);
      }
    }
    // Far from the threshold, not just below it.
    expect(worst).toBeLessThan(0.1);
  });

  test('a rewrite of the wire story under its own lead and wording is not a near-duplicate', () => {
    const rewrite = [
      'Tencent Cloud says it can now run its AI platforms on Chinese-made chips, a shift driven by US export curbs on Nvidia.',
      "The company told its AI Infrastructure Summit in Shenzhen that Huawei's Ascend 910C, Cambricon's Siyuan 590 and Hygon's DCU accelerators are all supported for training and inference.",
      '"We have completed compatibility work with the mainstream domestic chips on the market," vice-president Wang Haoran said.',
      'Tencent has trained models on clusters of over 10,000 local accelerators and shifted some Hunyuan inference onto them, it said. Its shares gained 1.2% in Hong Kong.',
    ].join('\n\n');
    expect(dup(wireText, rewrite)).toBe(false);
  });

  test('texts too short to judge are never near-duplicates', () => {
    expect(dup('Tencent Cloud supports domestic chips.', 'Tencent Cloud supports domestic chips.')).toBe(false);
    expect(dup('', '')).toBe(false);
  });
});

describe('groupDuplicates', () => {
  const sig = (t: string) => shingleSignature(t);
  const other = byslug('tencent-domestic-chip-pivot-investors').paragraphs.join('\n\n');

  test('copies point to the earliest member they copy; groups are flat', () => {
    const out = groupDuplicates([
      { id: 'c', publishedAt: '2026-09-16T10:00:00Z', signature: sig(wireText) },
      { id: 'a', publishedAt: '2026-09-16T08:00:00Z', signature: sig(wireText) },
      { id: 'x', publishedAt: '2026-09-16T09:00:00Z', signature: sig(other) },
      { id: 'b', publishedAt: '2026-09-16T09:30:00Z', signature: sig(wireText + '\n\nRepublished with permission of Meridian Wire.') },
    ]);
    expect(Object.fromEntries(out)).toEqual({ a: undefined, x: undefined, b: 'a', c: 'a' });
  });

  test('an original that arrives late (earlier publication time) becomes the original', () => {
    const first = groupDuplicates([{ id: 'copy', publishedAt: '2026-09-16T10:00:00Z', signature: sig(wireText) }]);
    expect(first.get('copy')).toBeUndefined();
    const later = groupDuplicates([
      { id: 'copy', publishedAt: '2026-09-16T10:00:00Z', signature: sig(wireText) },
      { id: 'orig', publishedAt: '2026-09-16T07:55:00Z', signature: sig(wireText) },
    ]);
    expect(later.get('copy')).toBe('orig');
    expect(later.get('orig')).toBeUndefined();
  });

  test('members without a signature keep their earlier verdict, and so do copies of them', () => {
    const out = groupDuplicates([
      { id: 'old-orig', publishedAt: '2026-09-01T00:00:00Z' },
      { id: 'old-copy', publishedAt: '2026-09-02T00:00:00Z', duplicateOf: 'old-orig' },
      { id: 'new-copy', publishedAt: '2026-09-16T00:00:00Z', duplicateOf: 'old-orig', signature: sig(wireText) },
      { id: 'gone', publishedAt: '2026-09-03T00:00:00Z', duplicateOf: 'not-a-member' },
      { id: 'fresh', publishedAt: '2026-09-17T00:00:00Z', signature: sig(other) },
    ]);
    expect(Object.fromEntries(out)).toEqual({
      'old-orig': undefined,
      'old-copy': 'old-orig',
      'new-copy': 'old-orig',
      gone: undefined,
      fresh: undefined,
    });
  });

  test('a stale verdict that the texts now contradict is recomputed', () => {
    const out = groupDuplicates([
      { id: 'a', publishedAt: '2026-09-16T08:00:00Z', signature: sig(wireText) },
      { id: 'b', publishedAt: '2026-09-16T09:00:00Z', duplicateOf: 'a', signature: sig(other) },
    ]);
    expect(out.get('b')).toBeUndefined();
  });

  test('independent sources count outlets with an original report', () => {
    expect(
      independentSourceCount([
        { source: 'Meridian Wire' },
        { source: 'The Pacific Ledger', duplicateOf: 'a' },
        { source: 'Silicon Courier', duplicateOf: 'a' },
        { source: 'Silicon Courier' },
        { source: 'Meridian Wire' },
      ]),
    ).toBe(2);
  });
});
