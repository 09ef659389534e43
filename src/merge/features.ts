/**
 * The one place an article becomes scoring features, shared by the in-memory
 * clusterer and the Redis merge worker so both see the same vectors.
 */

import type { ArticleFeatures } from './score';
import { articleVectors } from './terms';

export interface FeatureInput {
  id: string;
  title: string;
  text: string;
  /** ISO 8601; missing or unparseable dates disable time decay for the article. */
  publishedAt?: string | null;
  entities: Array<{ entityId: string; salience: number }>;
}

/** `vectors`: articleVectors(title, text) when the caller has them already (a stored text analysis). */
export function articleFeatures(
  input: FeatureInput,
  vectors?: { terms: Map<string, number>; signature: Map<string, number> },
): ArticleFeatures {
  const publishedAt = input.publishedAt ? Date.parse(input.publishedAt) : NaN;
  const { terms, signature } = vectors ?? articleVectors(input.title, input.text);
  return {
    id: input.id,
    terms,
    signature,
    entities: input.entities.map((e) => ({ entityId: e.entityId, salience: e.salience })),
    publishedAt: Number.isNaN(publishedAt) ? undefined : publishedAt,
  };
}
