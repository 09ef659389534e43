import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildStoryEvent, buildStoryMergedEvent, EVENT_TYPES } from '../../src/publish/events';
import { renderAsyncApi, renderSchemaFiles } from '../../src/publish/generate-schemas';
import { EVENT_SCHEMAS, EventValidationError, validateEvent } from '../../src/publish/schemas';
import type { Story } from '../../src/types';

const SCHEMAS_DIR = path.resolve(__dirname, '../../schemas');

const story: Story = {
  schemaVersion: 1,
  id: 's0123456789abcdef',
  version: 2,
  title: 'Tencent Cloud moves to domestic chips',
  createdAt: '2025-03-01T10:00:00.000Z',
  updatedAt: '2025-03-01T12:00:00.000Z',
  articles: [{ id: 'a1', title: 'T', source: 'Outlet', url: 'https://example.com/a1', publishedAt: '2025-03-01T09:00:00.000Z' }],
  sources: ['Outlet'],
  entities: [{ entityId: 'org:tencent-cloud', name: 'Tencent Cloud', type: 'org', count: 3 }],
  briefing: {
    whatHappened: ['Something happened.'],
    whatThePapersSay: [{ source: 'Outlet', articleId: 'a1', url: 'https://example.com/a1', line: 'A line.' }],
    howWeGotHere: [],
    entityCards: [{ entityId: 'org:tencent-cloud', name: 'Tencent Cloud', type: 'org', count: 3 }],
    timeline: [{ id: 'a1', title: 'T', source: 'Outlet', url: 'https://example.com/a1' }],
  },
};

/** The committed JSON Schema of an event type, compiled (formats checked). */
function committedSchema(type: string) {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS_DIR, `${type}.json`), 'utf8')));
}

test('the committed schemas/ files are exactly what `npm run schemas` generates', () => {
  const expected = renderSchemaFiles();
  const committed = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json'));
  expect(committed.sort()).toEqual(Object.keys(expected).sort());
  for (const [name, text] of Object.entries(expected)) {
    // On failure: run `npm run schemas` and commit the result.
    expect(readFileSync(path.join(SCHEMAS_DIR, name), 'utf8')).toBe(text);
  }
});

test('one JSON Schema per event type, each compiling under an independent validator (ajv, draft 2020-12)', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const type of Object.keys(EVENT_SCHEMAS)) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, `${type}.json`), 'utf8'));
    expect(schema.$id).toBe(`urn:storyline:schema:${type}`);
    expect(schema.properties.type.const).toBe(type);
    ajv.compile(schema);
  }
});

test('a built event passes both the zod check and the committed JSON Schema', () => {
  const ev = buildStoryEvent('urn:storyline:test', story, false);
  const json = JSON.parse(ev.json);
  expect(json).toMatchObject({
    specversion: '1.0',
    id: 'story-s0123456789abcdef-v2',
    type: 'story.updated.v1',
    source: 'urn:storyline:test',
  });
  const validate = committedSchema('story.updated.v1');
  expect(validate.errors ?? validate(json)).toBe(true);
});

test('every event type publish emits has a schema, and every schema an event type', () => {
  expect(Object.keys(EVENT_SCHEMAS).sort()).toEqual(Object.values(EVENT_TYPES).sort());
});

test('story.merged.v1 names the absorbed and the surviving story, and passes the committed JSON Schema', () => {
  const absorbed: Story = { ...story, id: 's00000000000000ab', version: 3, title: 'Tencent Cloud and Chinese chips' };
  const validate = committedSchema('story.merged.v1');

  const ev = buildStoryMergedEvent('urn:storyline:test', story, absorbed.id, 'a42', absorbed);
  const json = JSON.parse(ev.json);
  expect(json).toEqual({
    specversion: '1.0',
    id: 'story-s00000000000000ab-into-s0123456789abcdef-v2',
    source: 'urn:storyline:test',
    type: 'story.merged.v1',
    subject: 's00000000000000ab',
    time: story.updatedAt,
    datacontenttype: 'application/json',
    data: {
      absorbedStoryId: 's00000000000000ab',
      absorbedVersion: 3,
      title: 'Tencent Cloud and Chinese chips',
      articleIds: ['a1'],
      survivorStoryId: 's0123456789abcdef',
      survivorVersion: 2,
      bridgingArticleId: 'a42',
    },
  });
  expect(validate.errors ?? validate(json)).toBe(true);
  // The id is stable: a retried publish builds the same one. The absorbed record may be gone: ids only then.
  expect(buildStoryMergedEvent('urn:storyline:test', story, absorbed.id, 'a42', absorbed).json).toBe(ev.json);
  const bare = JSON.parse(buildStoryMergedEvent('urn:storyline:test', story, absorbed.id, 'a42').json);
  expect(bare.data).toEqual({ absorbedStoryId: absorbed.id, survivorStoryId: story.id, survivorVersion: 2, bridgingArticleId: 'a42' });
  expect(validate(bare)).toBe(true);
  // Ids keep the story-…-v{n} form of the other story events.
  expect(ev.id).toMatch(/^story-.+-v\d+$/);
});

test('the near-duplicate fields are optional additions to story.*.v1', () => {
  const validate = committedSchema('story.updated.v1');
  const withCopies: Story = {
    ...story,
    independentSources: 1,
    articles: [...story.articles, { id: 'a2', title: 'T2', source: 'Other', url: 'https://example.org/a2', duplicateOf: 'a1' }],
    sources: ['Other', 'Outlet'],
    briefing: {
      ...story.briefing,
      whatThePapersSay: [{ ...story.briefing.whatThePapersSay[0], alsoCarriedBy: ['Other'] }],
    },
  };
  for (const s of [story, withCopies]) {
    const json = JSON.parse(buildStoryEvent('urn:storyline:test', s, false).json);
    expect(validate.errors ?? validate(json)).toBe(true);
  }
});

test('publish refuses an event that does not match its schema', () => {
  // A field the schema does not name: the schema would fall behind the code.
  expect(() => buildStoryEvent('urn:storyline:test', { ...story, extra: 1 } as Story, true)).toThrow(EventValidationError);
  // A wrong type inside data.
  expect(() => buildStoryEvent('urn:storyline:test', { ...story, version: 'two' } as unknown as Story, true)).toThrow(/data\.version/);
  expect(() => validateEvent({ id: 'x', type: 'story.deleted.v1' })).toThrow(/unknown event type/);
});

test('the AsyncAPI 3 document describes the stream channel and the webhook deliveries for every type', () => {
  const doc = renderAsyncApi() as any;
  expect(doc.asyncapi).toBe('3.0.0');
  expect(Object.keys(doc.channels)).toEqual(['events', 'webhookDeliveries']);
  expect(doc.channels.events.address).toBe('{prefix}:{stream}');
  for (const op of Object.values(doc.operations) as any[]) {
    expect(op.action).toBe('send');
    expect(op.messages).toHaveLength(Object.keys(EVENT_SCHEMAS).length);
    // Every $ref resolves inside the document.
    for (const m of op.messages) expect(resolve(doc, m.$ref)).toBeDefined();
    expect(resolve(doc, op.channel.$ref)).toBeDefined();
  }
  const webhookMessage = resolve(doc, doc.channels.webhookDeliveries.messages.storyCreatedV1.$ref);
  expect(webhookMessage.headers.required).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  expect(resolve(doc, webhookMessage.payload.$ref).properties.type.const).toBe('story.created.v1');
});

function resolve(doc: any, ref: string): any {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node, part) => node?.[part], doc);
}
