import { z } from 'zod';
import type { Article, ArticleEntity, AssignmentReason, Story, StoryMergedData } from '../types';

/*
 * The one definition of every event we emit. Publish validates each event
 * against these zod schemas before appending it, and `npm run schemas` turns
 * the same schemas into the JSON Schema files in schemas/ (z.toJSONSchema), so
 * the published contract and the checked one cannot drift. Objects are strict
 * (additionalProperties: false): a field the code emits but the schema does
 * not name fails publish, so the schema cannot fall behind the code either.
 *
 * The type assertions at the bottom fail the build when src/types.ts and these
 * schemas disagree.
 */

const isoDateTime = z.iso.datetime({ offset: true });
const entityType = z.enum(['person', 'org', 'place', 'product', 'topic']);
const schemaVersion = z.literal(1);

export const fetchFactsSchema = z.strictObject({
  status: z.number().int(),
  finalUrl: z.string(),
  bytes: z.number().int().nonnegative(),
  contentType: z.string().optional(),
  redirects: z.number().int().nonnegative(),
  fetchedAt: isoDateTime,
  timings: z.strictObject({ totalMs: z.number().nonnegative() }),
});

export const assignmentReasonSchema = z
  .strictObject({
    storyId: z.string().min(1),
    created: z.boolean(),
    score: z.number(),
    textSimilarity: z.number(),
    entityOverlap: z.number(),
    sharedEntities: z.array(z.string()),
    sharedTerms: z.array(z.string()),
    signatureSimilarity: z
      .number()
      .optional()
      .meta({ description: 'Cosine of the event signatures (names, numbers), when both sides have one.' }),
    threshold: z.number().optional().meta({ description: 'The score this article needed (length-adapted).' }),
    merged: z
      .array(z.string())
      .optional()
      .meta({ description: 'Story repair: stories merged into storyId because this article bridged them.' }),
  })
  .meta({ description: 'Why the article joined (or started) its story.' });

export const eventArticleSchema = z
  .strictObject({
    schemaVersion,
    id: z.string().min(1),
    url: z.string(),
    canonicalUrl: z.string(),
    source: z.string().meta({ description: 'Outlet name.' }),
    sourceDomain: z.string(),
    feedIds: z.array(z.string()),
    title: z.string(),
    byline: z.string().optional(),
    authors: z.array(z.string()),
    publishedAt: isoDateTime.optional(),
    modifiedAt: isoDateTime.optional(),
    lang: z.string().optional(),
    leadImage: z.string().optional(),
    excerpt: z.string(),
    wordCount: z.number().int().nonnegative(),
    extraction: z.strictObject({ method: z.enum(['readability', 'json-ld', 'density', 'feed-summary']), readerable: z.boolean() }),
    fetch: fetchFactsSchema,
    textLength: z.number().int().nonnegative().meta({ description: 'Length of the body text, which events do not carry.' }),
  })
  .meta({ description: 'The enriched article without its body text.' });

export const eventEntitySchema = z.strictObject({
  entityId: z.string().min(1),
  name: z.string(),
  type: entityType,
  kind: z.enum(['linked', 'recognised']),
  salience: z.number().min(0).max(1),
});

export const articleEnrichedDataSchema = z.strictObject({
  article: eventArticleSchema,
  entities: z.array(eventEntitySchema),
  storyId: z.string().min(1),
  assignment: assignmentReasonSchema,
});

const storyArticleRefSchema = z.strictObject({
  id: z.string().min(1),
  title: z.string(),
  source: z.string(),
  url: z.string(),
  publishedAt: isoDateTime.optional(),
  duplicateOf: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Near-duplicate (wire copy, syndicated reprint) of this earlier member article: not an independent report.' }),
});

const entityCardSchema = z.strictObject({
  entityId: z.string().min(1),
  name: z.string(),
  type: entityType,
  description: z.string().optional(),
  count: z.number().int().nonnegative(),
});

export const storySchema = z
  .strictObject({
    schemaVersion,
    id: z.string().min(1),
    version: z.number().int().positive(),
    title: z.string(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    articles: z.array(storyArticleRefSchema),
    sources: z.array(z.string()),
    independentSources: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .meta({ description: 'Outlets with at least one independent report; copies of another member (duplicateOf) do not count.' }),
    entities: z.array(
      z.strictObject({ entityId: z.string().min(1), name: z.string(), type: entityType, count: z.number().int().nonnegative() }),
    ),
    briefing: z.strictObject({
      whatHappened: z.array(z.string()),
      whatThePapersSay: z.array(
        z.strictObject({
          source: z.string(),
          date: z.string().optional(),
          articleId: z.string(),
          url: z.string(),
          line: z.string(),
          alsoCarriedBy: z.array(z.string()).optional().meta({
            description:
              'Other outlets that carried a copy of a report by this outlet (near-duplicates), named here instead of on a line of their own.',
          }),
        }),
      ),
      howWeGotHere: z.array(z.strictObject({ storyId: z.string(), title: z.string(), date: z.string().optional() })),
      entityCards: z.array(entityCardSchema),
      timeline: z.array(storyArticleRefSchema),
    }),
  })
  .meta({ description: 'The story at this version.' });

export const storyMergedDataSchema = z
  .strictObject({
    absorbedStoryId: z
      .string()
      .min(1)
      .meta({ description: 'The story that was merged away; its id is no longer used (also the event subject).' }),
    absorbedVersion: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The last version of the absorbed story (its last story.created/updated event).' }),
    title: z.string().optional().meta({ description: 'The last title of the absorbed story.' }),
    articleIds: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: 'Articles of the absorbed story, now members of the surviving story.' }),
    survivorStoryId: z.string().min(1).meta({ description: 'The story that absorbed it.' }),
    survivorVersion: z
      .number()
      .int()
      .positive()
      .meta({ description: 'The version of the surviving story that absorbed it (event id story-{survivorStoryId}-v{survivorVersion}).' }),
    bridgingArticleId: z.string().min(1).meta({ description: 'The article whose arrival merged the two stories (story repair).' }),
  })
  .meta({ description: 'Story repair: one story merged into another.' });

/** CloudEvents 1.0 structured-mode envelope around `data`, for one event type. */
function cloudEvent<T extends string, D extends z.ZodType>(type: T, data: D, description: string) {
  return z
    .strictObject({
      specversion: z.literal('1.0'),
      id: z.string().min(1).meta({ description: 'Stable per article / per story version / per story merge: deduplicate on (source, id).' }),
      source: z.string().min(1).meta({ description: 'URI-reference naming the emitting Storyline deployment.' }),
      type: z.literal(type),
      subject: z.string().min(1).meta({ description: 'Article id or story id.' }),
      time: isoDateTime,
      datacontenttype: z.literal('application/json'),
      data,
    })
    .meta({ title: type, description });
}

export const EVENT_SCHEMAS = {
  'article.enriched.v1': cloudEvent(
    'article.enriched.v1',
    articleEnrichedDataSchema,
    'An article was fetched, extracted, tagged and assigned to a story.',
  ),
  'story.created.v1': cloudEvent('story.created.v1', storySchema, 'A new story started (version 1).'),
  'story.updated.v1': cloudEvent('story.updated.v1', storySchema, 'A story gained an article: a new version.'),
  'story.merged.v1': cloudEvent(
    'story.merged.v1',
    storyMergedDataSchema,
    'Story repair: a story was merged into another (the survivor). The absorbed story id is no longer used; its articles are in the survivor.',
  ),
} as const;

export type SchemaEventType = keyof typeof EVENT_SCHEMAS;
export type ArticleEnrichedEvent = z.infer<(typeof EVENT_SCHEMAS)['article.enriched.v1']>;
export type StoryEvent = z.infer<(typeof EVENT_SCHEMAS)['story.created.v1']>;
export type StoryMergedEvent = z.infer<(typeof EVENT_SCHEMAS)['story.merged.v1']>;

export class EventValidationError extends Error {
  constructor(
    readonly eventId: string,
    readonly issues: string[],
  ) {
    super(`event ${eventId} does not match its schema: ${issues.slice(0, 3).join('; ')}`);
    this.name = 'EventValidationError';
  }
}

/** Validates a CloudEvent (as plain JSON) against the schema of its type; throws EventValidationError. */
export function validateEvent(event: unknown): void {
  const e = event as { id?: unknown; type?: unknown };
  const id = typeof e?.id === 'string' ? e.id : '(no id)';
  const schema = typeof e?.type === 'string' ? EVENT_SCHEMAS[e.type as SchemaEventType] : undefined;
  if (!schema) throw new EventValidationError(id, [`unknown event type ${String(e?.type)}`]);
  const res = schema.safeParse(event);
  if (!res.success)
    throw new EventValidationError(
      id,
      res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
}

/** The JSON Schema id of an event type, as written into schemas/{type}.json. */
export function schemaIdFor(type: string): string {
  return `urn:storyline:schema:${type}`;
}

/** JSON Schema (draft 2020-12) for one event type, generated from the zod schema above. */
export function jsonSchemaFor(type: SchemaEventType): Record<string, unknown> {
  const generated = z.toJSONSchema(EVENT_SCHEMAS[type], { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: schemaIdFor(type), ...rest };
}

// ---- build-time drift checks between src/types.ts and the schemas ----
// Identity, not mutual assignability: an optional field added on one side only must fail too.
type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type Flatten<T> = { [K in keyof T]: T[K] };
type EventArticle = Flatten<Omit<Article, 'text'> & { textLength: number }>;
export type SchemaDriftChecks = [
  Assert<Exact<z.infer<typeof storySchema>, Story>>,
  Assert<Exact<z.infer<typeof assignmentReasonSchema>, AssignmentReason>>,
  Assert<Exact<z.infer<typeof eventArticleSchema>, EventArticle>>,
  Assert<Exact<z.infer<typeof storyMergedDataSchema>, StoryMergedData>>,
  Assert<Exact<z.infer<typeof eventEntitySchema>, Flatten<Pick<ArticleEntity, 'entityId' | 'name' | 'type' | 'kind' | 'salience'>>>>,
];
