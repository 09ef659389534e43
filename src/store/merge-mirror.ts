import { randomUUID } from 'node:crypto';
import { DenseTermTable } from '../merge/term-table';
import { ExpiringLru } from '../util/expiring-lru';

/*
 * A merge worker's in-memory copy of the parts of the merge index it reads on
 * every job (story states, document frequencies, story records, repair
 * redirects), so a warm worker reads none of them back from Redis.
 *
 * Why this is safe: Redis stays the only source of truth, and the mirror is
 * only trusted while nobody else has written the merge index. Every merge
 * commit swaps a random token in `merge:epoch` (SET … GET, inside the commit's
 * MULTI). A worker remembers the token it wrote; a job starts by reading the
 * token, and if it is not this worker's (another merge process committed, the
 * keys were flushed, Redis came back from an older AOF) the mirror is dropped
 * and refilled from Redis as it is read. The commit's GET tells whether
 * someone committed between the check and the commit; if so the mirror is
 * dropped too. Random tokens (not a counter) mean two Redis servers or two
 * prefixes can never be mistaken for each other.
 *
 * Expiry: Redis expires states and stories a TTL after their last update. The
 * mirror forgets them a minute earlier, so it never serves what Redis no
 * longer has (it re-reads instead). Sizes are bounded (least recently used
 * first); an evicted entry is simply read from Redis again.
 */

export interface MergeMirrorLimits {
  states: number;
  stories: number;
  terms: number;
  /** Posting lists (index keys) kept. */
  postings: number;
}

const DEFAULT_LIMITS: MergeMirrorLimits = { states: 5_000, stories: 2_000, terms: 500_000, postings: 50_000 };

export class MergeMirror<State, Story> {
  /** The token this worker last wrote to `merge:epoch`; undefined: nothing mirrored is trusted yet. */
  private token?: string;
  readonly states: ExpiringLru<State>;
  readonly stories: ExpiringLru<Story>;
  /** Story repair redirects (absorbed → survivor), and known non-redirects (null); they expire as the Redis keys do. */
  readonly merged: ExpiringLru<string | null>;
  /**
   * Posting lists of the candidate index: index key → story id → touch time
   * (the sorted set's members and scores); an empty map for a key Redis does
   * not have. Kept exactly as the commit's script leaves them (touch, trim to
   * the limit, expiry), see MergeStore.
   */
  readonly postings: ExpiringLru<Map<string, number>>;
  /** Document frequencies of the terms read or written so far (set through setDf), and the document count. */
  private readonly dfByTerm = new Map<string, number>();
  get df(): ReadonlyMap<string, number> {
    return this.dfByTerm;
  }
  /**
   * The same frequencies by dense term id, for scoring (CorpusStats.terms):
   * a cosine walks typed arrays instead of looking up every centroid term.
   * Replaced, not emptied, with `df`, so centroid arrays cached against the
   * old table are never reused (src/merge/score.ts checks the table).
   */
  terms = new DenseTermTable();
  docCount?: number;
  /** How often the mirror was found stale and dropped (tests and logs). */
  invalidations = 0;
  /** Bumped whenever `df` is emptied, which voids every dfHolds() mark. */
  private dfGeneration = 0;
  /** Objects (story states) whose terms all had an entry in `df`, by the generation they were marked in. */
  private readonly dfMarks = new WeakMap<object, number>();

  constructor(private readonly limits: MergeMirrorLimits = DEFAULT_LIMITS) {
    this.states = new ExpiringLru(limits.states);
    this.stories = new ExpiringLru(limits.stories);
    this.merged = new ExpiringLru(limits.stories);
    this.postings = new ExpiringLru(limits.postings);
  }

  /** Called with the token read from Redis at the start of a job: drops everything if it is not ours. */
  validate(tokenInRedis: string | null): void {
    if (this.token !== undefined && tokenInRedis === this.token) return;
    this.clear();
  }

  /** A fresh token for the next commit. */
  nextToken(): string {
    return randomUUID();
  }

  /**
   * After a commit that swapped `previous` (what Redis held) for `written`:
   * the mirror stays trusted only if `previous` was our own last token.
   * Returns false if the mirror had to be dropped.
   */
  committed(previous: string | null, written: string): boolean {
    const intact = this.token !== undefined && previous === this.token;
    if (!intact) this.clear();
    this.token = written;
    return intact;
  }

  /**
   * Whether every term of `owner` (a story state, which never changes once
   * built) was in `df` when markDfHeld(owner) was called and `df` has not been
   * emptied since: the merge plan then need not look its terms up again.
   */
  dfHolds(owner: object): boolean {
    return this.dfMarks.get(owner) === this.dfGeneration;
  }

  markDfHeld(owner: object): void {
    this.dfMarks.set(owner, this.dfGeneration);
  }

  /** A term's document frequency as Redis has it (read, or after our own commit). */
  setDf(term: string, df: number): void {
    this.dfByTerm.set(term, df);
    this.terms.setDf(term, df);
  }

  /** Keeps the vocabulary bounded: past the limit, start over (terms are re-read from Redis). */
  trimTerms(): void {
    if (Math.max(this.dfByTerm.size, this.terms.size) > this.limits.terms) this.dropDf();
  }

  /** Forgets every document frequency and the count (they are read again from Redis as needed). */
  dropDf(): void {
    this.dfByTerm.clear();
    this.terms = new DenseTermTable();
    this.docCount = undefined;
    this.dfGeneration++;
  }

  clear(): void {
    if (this.token !== undefined) this.invalidations++;
    this.token = undefined;
    this.states.clear();
    this.stories.clear();
    this.merged.clear();
    this.postings.clear();
    this.dropDf();
  }
}
