import { DenseTermTable } from '../../src/merge/term-table';

describe('DenseTermTable', () => {
  test('ids are dense, stable and never reused; df and log(df + 1) follow the counted documents', () => {
    const table = new DenseTermTable();
    table.countDocument(['tencent', 'chip', 'cloud']);
    table.countDocument(['chip', 'nvidia']);
    expect(['tencent', 'chip', 'cloud', 'nvidia'].map((t) => table.id(t))).toEqual([0, 1, 2, 3]);
    expect(table.size).toBe(4);
    expect(table.df('chip')).toBe(2);
    expect(table.df('tencent')).toBe(1);
    expect(table.df('unseen')).toBe(0);
    expect(table.logDf[table.id('chip')]).toBeCloseTo(Math.log(3), 12);
    // Looking a term up gives it an id (df 0); asking again gives the same one.
    expect(table.id('unseen')).toBe(4);
    expect(table.id('unseen')).toBe(4);
    expect(table.df('unseen')).toBe(0);
  });

  test("terms named like Object.prototype's members, or like array indices, are ordinary terms", () => {
    const table = new DenseTermTable();
    // Terms are lower case: of Object.prototype's names only these two could collide in a plain object.
    const odd = ['constructor', '__proto__', '2008', '0', '01', '4294967295'];
    table.countDocument(odd);
    table.countDocument(['constructor', '2008']);
    expect(odd.map((t) => table.id(t))).toEqual(odd.map((_, i) => i));
    expect(odd.map((t) => table.df(t))).toEqual([2, 1, 2, 1, 1, 1]);
    expect(table.size).toBe(odd.length);
  });

  test('grows past its initial capacity and undoes tentative counts exactly', () => {
    const table = new DenseTermTable();
    const terms = Array.from({ length: 5000 }, (_, i) => `t${i}`);
    table.countDocument(terms);
    expect(table.logDf.length).toBeGreaterThanOrEqual(5000);
    expect(table.df('t4999')).toBe(1);
    const undo = table.countTentatively(['t1', 'fresh']);
    expect([table.df('t1'), table.df('fresh')]).toEqual([2, 1]);
    undo();
    expect([table.df('t1'), table.df('fresh')]).toEqual([1, 0]);
    expect(table.logDf[table.id('t1')]).toBe(Math.log(2));
  });

  test('a generation turn keeps the counts of the generation just ended, ids and all (dfGenerationSize)', () => {
    const table = new DenseTermTable();
    table.countDocument(['chip', 'tencent']);
    table.countDocument(['chip']);
    table.rotateGeneration(); // generation 1 (2 documents) is now the previous one
    expect([table.df('chip'), table.df('tencent')]).toEqual([2, 1]);
    table.countDocument(['chip', 'nvidia']);
    // Both generations count: chip 2 + 1.
    expect([table.df('chip'), table.df('tencent'), table.df('nvidia')]).toEqual([3, 1, 1]);
    table.rotateGeneration(); // generation 1 is forgotten, generation 2 (1 document) is the previous one
    expect([table.df('chip'), table.df('tencent'), table.df('nvidia')]).toEqual([1, 0, 1]);
    expect(table.logDf[table.id('tencent')]).toBe(0);
    expect(table.logDf[table.id('chip')]).toBe(Math.log(2));
    expect(['chip', 'tencent', 'nvidia'].map((t) => table.id(t))).toEqual([0, 1, 2]);
    // A tentative count is not part of any generation.
    const undo = table.countTentatively(['tencent']);
    undo();
    table.rotateGeneration();
    expect([table.df('chip'), table.df('tencent'), table.df('nvidia')]).toEqual([0, 0, 0]);
  });
});
