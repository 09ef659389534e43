/**
 * Near-duplicates: wire copies and syndicated reprints. Several outlets
 * carrying one agency story are one report, not several independent sources.
 * Pure and deterministic; no Redis, no I/O.
 *
 * Method: the body text is normalised (Unicode NFKC, lower case, words only:
 * punctuation, quote styles and spacing vanish) and cut into 5-word shingles
 * within each paragraph; the shingles are hashed (FNV-1a over word hashes,
 * 32 bits) into a sorted set, the signature. Two texts are near-duplicates when
 *
 *   - Jaccard(shingles) ≥ 0.7 (a copy with a different headline, a dateline
 *     or credit line changed, a boilerplate line added, a few words edited), or
 *   - containment ≥ 0.9 of the shorter in the longer, when the shorter has at
 *     least 20 shingles (a reprint trimmed to its first paragraphs: its Jaccard
 *     falls with the share cut, but almost all of it is in the original).
 *
 * Why these numbers: with k = 5 one edited word breaks at most 5 shingles, so a
 * copy with about one edit per 30 words still reaches Jaccard 0.7, while two
 * independent write-ups of the same event share almost no 5-word runs (names
 * and short quotes only). On the demo corpus (66 articles, 11 events, up to 7
 * outlets each) the highest Jaccard between two different articles is 0.03
 * and the highest containment 0.07. On the ECB+ dev stream (772 real news
 * articles, ../shared/corpus/clustering-dev) the rules flag 26 pairs, every
 * one a copy of one agency story within one event (full, or trimmed to its
 * first paragraphs: Jaccard 0.17-0.6 but containment 0.91-1.0), none across
 * events; rewrites of a wire story under their own lead (Jaccard 0.15-0.6,
 * containment below 0.9) stay independent reports. Shorter shingles (3 words)
 * let stock phrases ("said on Wednesday that the") creep into independent
 * texts; longer ones (8) make light edits cost too much.
 *
 * Why exact Jaccard and not MinHash: the merge worker compares at most the
 * BRIEFING_MEMBERS newest members of one story with each other (≤ 300 pairs of
 * a few hundred hashes, a merge walk each; a few milliseconds per merge
 * job for 25 demo-sized articles, signatures included, most of it tokenising).
 * MinHash pays off only when a signature has to be compared with very many
 * stored ones or stored compactly; neither applies here, and exact sets have
 * no estimation error near the threshold.
 */

/** Words per shingle. */
export const SHINGLE_WORDS = 5;
/** Jaccard of the shingle sets at or above which two texts are copies of one report. */
export const DUPLICATE_JACCARD = 0.7;
/** Share of the shorter text's shingles found in the longer one that makes it a (trimmed) copy. */
export const DUPLICATE_CONTAINMENT = 0.9;
/** Containment only counts when the shorter text has this many shingles (a few lines cannot be told from a shared quote). */
export const MIN_CONTAINMENT_SHINGLES = 20;
/** Texts with fewer shingles than this are too short to judge: never near-duplicates. */
export const MIN_SHINGLES = 8;

/** Sorted, distinct 32-bit hashes of a text's shingles. */
export type ShingleSignature = Uint32Array;

const WORD = /[\p{L}\p{N}]+/gu;

/** Normalised words of one paragraph. */
function words(block: string): string[] {
  return block.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/** FNV-1a over the UTF-16 code units of s (32 bits, unsigned). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The shingle signature of a body text (paragraphs separated by blank lines or
 * newlines). Shingles do not cross paragraphs, so an inserted or dropped
 * paragraph costs only its own shingles; a paragraph shorter than a shingle
 * (bylines, "Advertisement", credit lines) contributes nothing. Each word is
 * hashed once and a shingle's hash combines its words' hashes in order (FNV
 * style), so no shingle string is built.
 */
export function shingleSignature(text: string, k: number = SHINGLE_WORDS): ShingleSignature {
  const hashes = new Set<number>();
  for (const block of text.split(/\n+/)) {
    const w = words(block).map(fnv1a);
    for (let i = 0; i + k <= w.length; i++) {
      let h = 0x811c9dc5;
      for (let j = i; j < i + k; j++) h = Math.imul(h ^ w[j], 0x01000193);
      hashes.add(h >>> 0);
    }
  }
  return Uint32Array.from(hashes).sort();
}

/** Shared shingles of two signatures (merge walk over the sorted arrays). */
function intersectionSize(a: ShingleSignature, b: ShingleSignature): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return shared;
}

export interface Resemblance {
  /** |A ∩ B| / |A ∪ B| */
  jaccard: number;
  /** |A ∩ B| / min(|A|, |B|): how much of the shorter text is in the longer one. */
  containment: number;
}

export function resemblance(a: ShingleSignature, b: ShingleSignature): Resemblance {
  if (!a.length || !b.length) return { jaccard: 0, containment: 0 };
  const shared = intersectionSize(a, b);
  return { jaccard: shared / (a.length + b.length - shared), containment: shared / Math.min(a.length, b.length) };
}

/** Whether two texts (by signature) are copies of one report. Symmetric. */
export function isNearDuplicate(a: ShingleSignature, b: ShingleSignature): boolean {
  const shorter = Math.min(a.length, b.length);
  const longer = Math.max(a.length, b.length);
  if (shorter < MIN_SHINGLES) return false;
  // Cheap bounds first: Jaccard ≤ shorter/longer, and containment needs a long enough shorter side.
  const containmentPossible = shorter >= MIN_CONTAINMENT_SHINGLES;
  if (!containmentPossible && shorter / longer < DUPLICATE_JACCARD) return false;
  const r = resemblance(a, b);
  return r.jaccard >= DUPLICATE_JACCARD || (containmentPossible && r.containment >= DUPLICATE_CONTAINMENT);
}

export interface DuplicateCandidate {
  id: string;
  publishedAt?: string;
  /** The verdict kept from an earlier run (used when the signature is unknown). */
  duplicateOf?: string;
  /** Unknown when the member's text is not at hand (outside the members whose text was loaded, or expired). */
  signature?: ShingleSignature;
}

function timeOf(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? Infinity : t; // undated last
}

/** Earliest first: publication time, then id. */
export function earliestFirst<T extends { id: string; publishedAt?: string }>(x: T, y: T): number {
  const tx = timeOf(x.publishedAt);
  const ty = timeOf(y.publishedAt);
  return tx !== ty ? (tx < ty ? -1 : 1) : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

/**
 * Groups a story's members into reports: member id → id of the earliest member
 * it copies (undefined for an original). Groups are flat: a copy of a copy
 * points to the group's original, the earliest member (publication time, then
 * id). Members without a signature keep their earlier verdict, as does a
 * member whose earlier original has no signature now (it cannot be
 * re-checked); a verdict naming a non-member is dropped.
 */
export function groupDuplicates(members: DuplicateCandidate[]): Map<string, string | undefined> {
  const ordered = [...members].sort(earliestFirst);
  const ids = new Set(ordered.map((m) => m.id));
  const hasSignature = new Set(ordered.filter((m) => m.signature).map((m) => m.id));
  const out = new Map<string, string | undefined>();
  const rootOf = (id: string): string => {
    // Flatten chains left by earlier verdicts; the hop bound guards against a cycle in stored data.
    let r = id;
    for (let hops = 0; hops < ordered.length; hops++) {
      const next = out.get(r);
      if (!next || next === r) break;
      r = next;
    }
    return r;
  };
  // Only members with a signature are compared, earliest first: O(n) plus pairs among those.
  const earlier: Array<{ id: string; signature: ShingleSignature }> = [];
  for (const m of ordered) {
    const kept = m.duplicateOf && m.duplicateOf !== m.id && ids.has(m.duplicateOf) ? m.duplicateOf : undefined;
    if (!m.signature || (kept && !hasSignature.has(kept))) {
      out.set(m.id, kept);
      continue;
    }
    const sig = m.signature;
    const match = earlier.find((e) => isNearDuplicate(sig, e.signature));
    out.set(m.id, match ? rootOf(match.id) : undefined);
    earlier.push({ id: m.id, signature: sig });
  }
  // Kept verdicts may name a member that is now itself a copy: point them at the root.
  for (const [id, dup] of out) {
    if (!dup) continue;
    const root = rootOf(dup);
    out.set(id, root === id ? undefined : root);
  }
  return out;
}

/** Outlets with at least one original report among the members (copies do not count). */
export function independentSourceCount(members: Array<{ source: string; duplicateOf?: string }>): number {
  return new Set(members.filter((m) => !m.duplicateOf).map((m) => m.source)).size;
}
