import type { TermTable } from './score';

/**
 * Document frequencies by dense term id (CorpusStats.terms): typed arrays, so
 * a centroid walk touches no strings. The in-memory clusterer counts its
 * documents here; the merge worker's mirror (src/store/merge-mirror.ts) sets
 * the frequencies it reads from Redis.
 */
export class DenseTermTable implements TermTable {
  /**
   * Term → id. A null-prototype object, not a Map: with a few hundred thousand
   * terms V8 looks a fresh string up about twice as fast in a dictionary-mode
   * object (the lookup internalises the string once, then compares pointers).
   */
  private readonly ids: Record<string, number | undefined> = Object.create(null) as Record<string, number | undefined>;
  private count = 0;
  /** The current article's terms: a small, cache-warm map consulted before the big one. */
  private recent = new Map<string, number>();
  /** Document frequency over both generations (what idf reads). */
  private dfs = new Int32Array(1024);
  /** Of which in the current generation (countDocument only; see rotateGeneration). */
  private currentDfs = new Int32Array(1024);
  logDf = new Float64Array(1024);
  query = new Float64Array(1024);
  sigQuery = new Float64Array(1024);

  id(term: string): number {
    let id = this.recent.get(term);
    if (id !== undefined) return id;
    id = this.ids[term];
    if (id === undefined) {
      this.ids[term] = id = this.count++;
      if (id >= this.dfs.length) this.grow();
    }
    return id;
  }

  /** Distinct terms that have an id. */
  get size(): number {
    return this.count;
  }

  df(term: string): number {
    const id = this.recent.get(term) ?? this.ids[term];
    return id === undefined ? 0 : this.dfs[id];
  }

  /** One more document has these terms (distinct); they become the recent terms. */
  countDocument(terms: Iterable<string>): void {
    const recent = new Map<string, number>();
    for (const term of terms) {
      const id = this.id(term);
      this.logDf[id] = Math.log(++this.dfs[id] + 1);
      this.currentDfs[id]++;
      recent.set(term, id);
    }
    this.recent = recent;
  }

  /**
   * The current generation of counted documents becomes the previous one and
   * the one before it is forgotten (MergeOptions.dfGenerationSize): every
   * df becomes its count in the generation just ended. Term ids stay, so
   * arrays indexed by them stay valid. One pass over the vocabulary.
   */
  rotateGeneration(): void {
    for (let id = 0; id < this.count; id++) {
      const df = this.currentDfs[id];
      this.dfs[id] = df;
      this.logDf[id] = Math.log(df + 1);
      this.currentDfs[id] = 0;
    }
  }

  /**
   * Sets a term's document frequency (as read from elsewhere: the merge mirror). Such a table keeps no
   * generations of its own (the current generation's counts are not set), so it is never turned.
   */
  setDf(term: string, df: number): void {
    const id = this.id(term);
    this.dfs[id] = df;
    this.logDf[id] = Math.log(df + 1);
  }

  /**
   * Counts one more document with these terms (distinct) until the returned
   * function is called, which puts every count back as it was: the merge
   * plan scores an article with itself counted, before its commit.
   */
  countTentatively(terms: Iterable<string>): () => void {
    const counted: number[] = [];
    for (const term of terms) {
      const id = this.id(term);
      this.logDf[id] = Math.log(++this.dfs[id] + 1);
      counted.push(id);
    }
    return () => {
      for (const id of counted) this.logDf[id] = Math.log(--this.dfs[id] + 1);
    };
  }

  private grow(): void {
    const size = this.dfs.length * 2;
    const grown = <T extends Int32Array | Float64Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.dfs = grown(this.dfs, new Int32Array(size));
    this.currentDfs = grown(this.currentDfs, new Int32Array(size));
    this.logDf = grown(this.logDf, new Float64Array(size));
    this.query = grown(this.query, new Float64Array(size));
    this.sigQuery = grown(this.sigQuery, new Float64Array(size));
  }
}
