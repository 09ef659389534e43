import { ARTICLES_A } from './articles-a';
import { ARTICLES_B } from './articles-b';
import { DEMO_EVENTS, DEMO_OUTLETS } from './outlets';
import type { DemoArticle } from './types';

export * from './types';
export { DEMO_EVENTS, DEMO_OUTLETS };

export const DEMO_ARTICLES: DemoArticle[] = [...ARTICLES_A, ...ARTICLES_B];

/** Path of an article on the demo server: /{outlet}/{yyyy}/{mm}/{dd}/{slug}. */
export function demoArticlePath(a: DemoArticle): string {
  const d = a.publishedAt.slice(0, 10).replace(/-/g, '/');
  return `/${a.outlet}/${d}/${a.slug}`;
}

export function demoFeedPath(outletId: string): string {
  return `/${outletId}/feed`;
}
