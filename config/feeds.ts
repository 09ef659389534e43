import type { FeedConfig } from '../src/types';

/**
 * Default production feeds, seeded into the Redis feed registry by the feeds
 * worker at start (`storyline feeds add` adds more at run time). Override the
 * whole list with STORYLINE_FEEDS_FILE=path/to/feeds.json ([{id, url, title}]).
 *
 * The demo does not use these: it serves its own bundled feeds on loopback.
 */
export const DEFAULT_FEEDS: FeedConfig[] = [
  { id: 'arstechnica', url: 'https://feeds.arstechnica.com/arstechnica/technology-lab', title: 'Ars Technica' },
  { id: 'theverge', url: 'https://www.theverge.com/rss/index.xml', title: 'The Verge' },
  { id: 'techcrunch-ai', url: 'https://techcrunch.com/category/artificial-intelligence/feed/', title: 'TechCrunch AI' },
  { id: 'scmp-tech', url: 'https://www.scmp.com/rss/36/feed', title: 'South China Morning Post: Tech' },
  { id: 'tomshardware', url: 'https://www.tomshardware.com/feeds/all', title: "Tom's Hardware" },
];
