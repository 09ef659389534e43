import path from 'node:path';
import { ensureBuilt, ROOT } from '../helpers/cli';

/* The compiled package entry (package.json "exports") offers the stage functions. */
jest.setTimeout(60_000);

test('the package main export offers parseFeed, extractArticle, tagEntities and createStoryClusterer', async () => {
  ensureBuilt();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require(path.join(ROOT, 'package.json')) as { exports: { '.': { default: string } } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require(path.join(ROOT, pkg.exports['.'].default));
  for (const name of ['parseFeed', 'extractArticle', 'tagEntities', 'createStoryClusterer']) {
    expect(typeof lib[name]).toBe('function');
  }

  const feed = await lib.parseFeed(
    '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Hello</title><link>https://example.com/a</link></item></channel></rss>',
    { url: 'https://example.com/feed' },
  );
  expect(feed.items[0].title).toBe('Hello');

  const tags = lib.tagEntities('Jensen Huang said Nvidia would keep selling to Tencent. Huang added that demand was strong.');
  expect(tags.entities.map((e: { entityId: string }) => e.entityId)).toEqual(
    expect.arrayContaining(['person:jensen-huang', 'org:nvidia', 'org:tencent']),
  );

  const clusterer = lib.createStoryClusterer();
  const a = clusterer.add({
    id: 'x1',
    title: 'Tencent Cloud adapts to domestic chips',
    text: 'Tencent Cloud said its AI infrastructure now supports domestic Chinese chips from Huawei and Cambricon.',
  });
  const b = clusterer.add({
    id: 'x2',
    title: 'Tencent Cloud supports Chinese AI chips',
    text: 'Tencent Cloud said its AI infrastructure supports domestic chips from Huawei and Cambricon, its cloud unit said.',
  });
  expect(b).toBe(a);
});
