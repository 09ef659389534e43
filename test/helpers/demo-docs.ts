import type { DemoArticle } from '../../src/demo/corpus';
import { tagEntities } from '../../src/tag';

/** An article as the merge tests feed it to either clusterer path: text, date and the tagger's entities. */
export interface StreamDoc {
  id: string;
  title: string;
  text: string;
  publishedAt?: string;
  entities: Array<{ entityId: string; salience: number }>;
}

/** A bundled demo article as a StreamDoc, id `outlet/slug`. */
export function demoStreamDoc(a: DemoArticle): StreamDoc {
  const text = a.paragraphs.join('\n\n');
  return {
    id: `${a.outlet}/${a.slug}`,
    title: a.title,
    text,
    publishedAt: a.publishedAt,
    entities: tagEntities(text, { title: a.title }).entities,
  };
}
