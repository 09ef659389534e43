import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EVENT_SCHEMAS, jsonSchemaFor, type SchemaEventType } from './schemas';
import { WEBHOOK_CONTENT_TYPE } from './webhooks';

/*
 * Renders schemas/*.json from the zod schemas the publish stage validates
 * with. `npm run schemas` writes them; test/unit/event-schemas.test.ts fails
 * when the committed files differ from what this renders, so nobody can edit
 * one side only.
 */

const TYPES = Object.keys(EVENT_SCHEMAS) as SchemaEventType[];

function messageKey(type: string): string {
  // article.enriched.v1 → articleEnrichedV1
  return type.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

/** AsyncAPI's default schema format is a superset of JSON Schema draft-07: embed that form. */
function draft7(type: SchemaEventType): Record<string, unknown> {
  const schema = z.toJSONSchema(EVENT_SCHEMAS[type], { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

const webhookHeaders = {
  type: 'object',
  required: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  properties: {
    'webhook-id': { type: 'string', description: 'The CloudEvent id; the same on every retry of this delivery. Deduplicate on it.' },
    'webhook-timestamp': { type: 'string', pattern: '^[0-9]+$', description: 'Unix seconds when this attempt was signed.' },
    'webhook-signature': {
      type: 'string',
      pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$',
      description:
        'Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256>` over `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of the subscription secret after `whsec_`.',
    },
    'content-type': { type: 'string', const: WEBHOOK_CONTENT_TYPE },
  },
};

export function renderAsyncApi(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const streamRefs: Record<string, unknown> = {};
  const webhookRefs: Record<string, unknown> = {};
  for (const type of TYPES) {
    const key = messageKey(type);
    const schema = EVENT_SCHEMAS[type];
    const description = (z.globalRegistry.get(schema)?.description as string | undefined) ?? type;
    messages[key] = {
      name: type,
      title: type,
      summary: description,
      contentType: 'application/cloudevents+json',
      payload: { $ref: `#/components/schemas/${key}` },
    };
    messages[`${key}Webhook`] = {
      name: type,
      title: `${type} (webhook delivery)`,
      summary: description,
      contentType: WEBHOOK_CONTENT_TYPE,
      headers: webhookHeaders,
      payload: { $ref: `#/components/schemas/${key}` },
    };
    streamRefs[key] = { $ref: `#/components/messages/${key}` };
    webhookRefs[key] = { $ref: `#/components/messages/${key}Webhook` };
  }
  return {
    asyncapi: '3.0.0',
    id: 'urn:storyline:events',
    info: {
      title: 'Storyline events',
      version: '1.0.0',
      description:
        'CloudEvents 1.0 (structured JSON) emitted by the Storyline publish stage: appended once per event id to a Redis Stream and delivered to webhook subscriptions. Delivery is at least once on both channels: deduplicate on the event `id` (with `source`). JSON Schemas: schemas/{type}.json. See docs/events.md.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      redis: {
        host: 'localhost:6379',
        protocol: 'redis',
        description: 'The Redis Storyline runs on (REDIS_URL).',
      },
      webhookReceiver: {
        host: 'receiver.example.com',
        protocol: 'https',
        description: 'Each webhook subscription names its own URL (STORYLINE_WEBHOOKS); the host here is a placeholder.',
      },
    },
    channels: {
      events: {
        address: '{prefix}:{stream}',
        title: 'Events stream',
        description:
          'A Redis Stream bounded with XADD MAXLEN ~ (STORYLINE_STREAM_MAXLEN). Each entry has the fields `id` (event id), `type` (event type) and `event` (the CloudEvent as JSON, the message payload below). Read it with a consumer group (XREADGROUP), acknowledge after handling; `storyline consume --group NAME` is the reference consumer.',
        servers: [{ $ref: '#/servers/redis' }],
        parameters: {
          prefix: { description: 'Key prefix (STORYLINE_PREFIX).', default: 'storyline' },
          stream: { description: 'Stream name (STORYLINE_EVENTS_STREAM).', default: 'events' },
        },
        messages: streamRefs,
      },
      webhookDeliveries: {
        address: null,
        title: 'Webhook deliveries',
        description:
          'HTTP POST of one CloudEvent to each subscription whose event types include it, signed per Standard Webhooks. Any 2xx acknowledges; other answers are retried with exponential backoff over about a day (Retry-After honoured); 410 Gone disables the subscription.',
        servers: [{ $ref: '#/servers/webhookReceiver' }],
        messages: webhookRefs,
      },
    },
    operations: {
      appendEvents: {
        action: 'send',
        title: 'Append events to the stream',
        channel: { $ref: '#/channels/events' },
        messages: TYPES.map((t) => ({ $ref: `#/channels/events/messages/${messageKey(t)}` })),
      },
      deliverWebhooks: {
        action: 'send',
        title: 'POST events to webhook subscriptions',
        channel: { $ref: '#/channels/webhookDeliveries' },
        messages: TYPES.map((t) => ({ $ref: `#/channels/webhookDeliveries/messages/${messageKey(t)}` })),
      },
    },
    components: {
      messages,
      schemas: Object.fromEntries(TYPES.map((t) => [messageKey(t), draft7(t)])),
    },
  };
}

/** Every file of schemas/, by file name, as it must be committed. */
export function renderSchemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const type of TYPES) files[`${type}.json`] = JSON.stringify(jsonSchemaFor(type), null, 2) + '\n';
  files['asyncapi.json'] = JSON.stringify(renderAsyncApi(), null, 2) + '\n';
  return files;
}

export function writeSchemaFiles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = renderSchemaFiles();
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return Object.keys(files);
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? 'schemas');
  for (const name of writeSchemaFiles(dir)) process.stdout.write(`wrote ${path.join(dir, name)}\n`);
}
