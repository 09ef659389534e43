import { DenseTermTable } from '../../src/merge/term-table';
import { MergeMirror } from '../../src/store/merge-mirror';
import { ExpiringLru } from '../../src/util/expiring-lru';

describe('ExpiringLru', () => {
  test('evicts the least recently used entry past its capacity', () => {
    const lru = new ExpiringLru<number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  test('forgets an entry a minute before the Redis key would expire, and never when the key has no TTL', () => {
    const lru = new ExpiringLru<string>(10);
    const now = 1_000_000;
    lru.set('short', 'x', 600, now);
    lru.set('forever', 'y', undefined, now);
    expect(lru.get('short', now + 539_000)).toBe('x');
    expect(lru.get('short', now + 540_000)).toBeUndefined();
    expect(lru.get('forever', now + 10 ** 12)).toBe('y');
    // A TTL under the margin is never served from memory at all.
    lru.set('tiny', 'z', 30, now);
    expect(lru.get('tiny', now)).toBeUndefined();
  });

  test('keeps a null value apart from a missing one (a known "no redirect")', () => {
    const lru = new ExpiringLru<string | null>(10);
    lru.set('k', null);
    expect(lru.get('k')).toBeNull();
    expect(lru.has('k')).toBe(true);
    expect(lru.has('missing')).toBe(false);
    expect(lru.get('missing')).toBeUndefined();
  });
});

describe('MergeMirror trust', () => {
  test('is trusted only while the token in Redis is the one it wrote last', () => {
    const m = new MergeMirror<string, string>();
    m.validate(null);
    const t1 = m.nextToken();
    expect(m.committed(null, t1)).toBe(false); // nothing was trusted before the first commit
    m.states.set('s', 'state');
    m.setDf('term', 3);
    const table = m.terms;
    expect(table.df('term')).toBe(3);
    m.validate(t1);
    expect(m.states.get('s')).toBe('state');
    const t2 = m.nextToken();
    expect(m.committed(t1, t2)).toBe(true);
    // Another worker committed: everything goes.
    m.validate('someone-else');
    expect(m.states.get('s')).toBeUndefined();
    expect(m.df.size).toBe(0);
    expect(m.terms).not.toBe(table); // a new table: centroid arrays cached against the old one are not reused
    expect(m.terms.df('term')).toBe(0);
    expect(m.invalidations).toBe(1);
  });

  test('a commit that replaced somebody else’s token drops what was mirrored before it', () => {
    const m = new MergeMirror<string, string>();
    const t1 = m.nextToken();
    m.committed(null, t1);
    m.states.set('s', 'state');
    m.validate(t1);
    const t2 = m.nextToken();
    expect(m.committed('written-in-between', t2)).toBe(false);
    expect(m.states.get('s')).toBeUndefined();
    m.validate(t2); // the new token is ours: trusted again from here
    m.states.set('s2', 'fresh');
    m.validate(t2);
    expect(m.states.get('s2')).toBe('fresh');
  });

  test('a state marked as having all its terms in df stops being so once df is emptied', () => {
    const m = new MergeMirror<object, string>({ states: 10, stories: 10, terms: 2, postings: 10 });
    const state = {};
    expect(m.dfHolds(state)).toBe(false);
    m.markDfHeld(state);
    expect(m.dfHolds(state)).toBe(true);
    m.setDf('a', 1);
    m.setDf('b', 1);
    m.trimTerms(); // at the limit: kept
    expect(m.dfHolds(state)).toBe(true);
    m.setDf('c', 1);
    m.trimTerms(); // past it: df emptied
    expect(m.df.size).toBe(0);
    expect(m.dfHolds(state)).toBe(false);
    m.markDfHeld(state);
    m.clear();
    expect(m.dfHolds(state)).toBe(false);
  });
});

describe('DenseTermTable for the mirror', () => {
  test('setDf and a tentative count give the bits df() lookups give, and the count is undone exactly', () => {
    const t = new DenseTermTable();
    t.setDf('a', 4);
    t.setDf('b', 0);
    const before = Float64Array.from(t.logDf.subarray(0, 3));
    const undo = t.countTentatively(['a', 'b', 'new']);
    expect(t.logDf[t.id('a')]).toBe(Math.log(4 + 1 + 1));
    expect(t.logDf[t.id('b')]).toBe(Math.log(0 + 1 + 1));
    expect(t.logDf[t.id('new')]).toBe(Math.log(0 + 1 + 1));
    expect(t.df('a')).toBe(5);
    undo();
    expect(Array.from(t.logDf.subarray(0, 3))).toEqual(Array.from(before));
    expect([t.df('a'), t.df('b'), t.df('new')]).toEqual([4, 0, 0]);
  });

  test('ids survive the arrays growing', () => {
    const t = new DenseTermTable();
    for (let i = 0; i < 3000; i++) t.setDf(`t${i}`, i);
    expect(t.size).toBe(3000);
    expect(t.logDf[t.id('t2999')]).toBe(Math.log(3000));
    expect(t.df('t1234')).toBe(1234);
  });
});
