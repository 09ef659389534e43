/**
 * Everything the merge stage needs from an article's own text, computed
 * without the merge index: the scoring vectors (articleFeatures), the shingle
 * signature (near-duplicates) and the briefing's text analysis
 * (prepareBriefingText).
 *
 * Why it exists: the merge stage is the pipeline's serial section (one writer,
 * docs/scaling.md), so whatever it spends per article caps the whole
 * pipeline. None of this depends on other articles, so the tag stage, which
 * scales out, computes it and hands it over as a record; the merge worker
 * only parses it. The record rebuilds the very same maps, sets and arrays (key
 * order included, numbers exact through JSON), so decisions and briefings do
 * not change; when it is missing (expired, or written by an older release)
 * the merge worker computes it itself.
 */

import { prepareBriefingText, type PreparedText } from './briefing';
import { shingleSignature, type ShingleSignature } from './near-duplicates';
import { articleVectors } from './terms';

/** Bumped whenever the analysis changes shape or meaning: a record of another version is recomputed, not read. */
export const TEXT_ANALYSIS_VERSION = 1;

export interface TextAnalysis {
  /** termVector(title, text): articleFeatures' `terms`, and the briefing's vector. */
  terms: Map<string, number>;
  /** signatureVector(text): articleFeatures' `signature`. */
  signature: Map<string, number>;
  shingles: ShingleSignature;
  prepared: PreparedText;
}

/** TextAnalysis as JSON: maps as entry lists (in order), the shingles as base64 of their little-endian bytes. */
export interface TextAnalysisRecord {
  v: number;
  terms: Array<[string, number]>;
  signature: Array<[string, number]>;
  shingles: string;
  titleVector: Array<[string, number]>;
  titleTerms: string[];
  sentences: Array<[text: string, terms: string[], quotable: boolean]>;
}

export function analyseText(title: string, text: string): TextAnalysis {
  const { terms, signature } = articleVectors(title, text);
  return { terms, signature, shingles: shingleSignature(text), prepared: prepareBriefingText(title, text, terms) };
}

export function textAnalysisRecord(a: TextAnalysis): TextAnalysisRecord {
  const bytes = Buffer.from(a.shingles.buffer, a.shingles.byteOffset, a.shingles.byteLength);
  return {
    v: TEXT_ANALYSIS_VERSION,
    terms: [...a.terms],
    signature: [...a.signature],
    shingles: bytes.toString('base64'),
    titleVector: [...a.prepared.titleVector],
    titleTerms: [...a.prepared.titleTerms],
    sentences: a.prepared.sentences.map((s) => [s.text, [...s.terms], s.quotable]),
  };
}

/** The analysis a stored record (JSON) holds, or undefined if there is none, or it is of another version or malformed (the caller recomputes). */
export function parseTextAnalysis(json: string | null | undefined): TextAnalysis | undefined {
  if (!json) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    return undefined;
  }
  return textAnalysisFrom(record);
}

/** The analysis a record holds, or undefined if it is of another version or malformed. */
export function textAnalysisFrom(record: unknown): TextAnalysis | undefined {
  const r = record as Partial<TextAnalysisRecord> | null | undefined;
  if (!r || r.v !== TEXT_ANALYSIS_VERSION) return undefined;
  if (!Array.isArray(r.terms) || !Array.isArray(r.signature) || typeof r.shingles !== 'string') return undefined;
  if (!Array.isArray(r.titleVector) || !Array.isArray(r.titleTerms) || !Array.isArray(r.sentences)) return undefined;
  const bytes = Buffer.from(r.shingles, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  // Copied into an aligned buffer of its own; the byte order is the platform's, as written (little-endian everywhere Node runs).
  const shingles = new Uint32Array(bytes.length / 4);
  new Uint8Array(shingles.buffer).set(bytes);
  const terms = new Map(r.terms);
  return {
    terms,
    signature: new Map(r.signature),
    shingles,
    prepared: {
      vector: terms,
      titleVector: new Map(r.titleVector),
      titleTerms: new Set(r.titleTerms),
      sentences: r.sentences.map(([text, sentenceTerms, quotable]) => ({ text, terms: new Set(sentenceTerms), quotable })),
    },
  };
}
