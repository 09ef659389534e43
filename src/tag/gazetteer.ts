/**
 * Validates the gazetteer and compiles it into a token trie for the tagger.
 *
 * Case rule: an alias matches only where the text has a capital letter at
 * every position where the alias has one. "Nvidia" matches "Nvidia",
 * "NVIDIA" and "Nvidia's" but not "nvidia"; "Apple" never matches "apple pie";
 * "US" never matches "us". Lowercase aliases ("export controls") also match
 * capitalised words, but only where capitals carry no meaning (see the
 * tagger's variantFits).
 */
import type { EntityType, GazetteerEntity } from '../types';
import { surnameOf } from './names';
import { tokenize } from './tokenize';

/**
 * Aliases deliberately shared by several entities, keyed by alias. When the
 * document mentions one of the entities unambiguously elsewhere, that one
 * wins; otherwise the first id listed does.
 */
export const SHARED_ALIASES: Readonly<Record<string, readonly string[]>> = {
  // Chip news means the chipmaker far more often than the conglomerate.
  Samsung: ['org:samsung-electronics', 'org:samsung-group'],
};

/**
 * Single-word aliases that are also ordinary English words. Capitalisation
 * proves nothing at the start of a sentence or in a title-case headline, so
 * there they count only if the entity is mentioned unambiguously elsewhere
 * in the document ("Meta-analysis shows ..." is not about Meta).
 */
export const COMMON_WORD_ALIASES: ReadonlySet<string> = new Set([
  'Alphabet',
  'Amazon',
  'Apple',
  'Arm',
  'Ascend',
  'Azure',
  'Cadence',
  'Claude',
  'Cohere',
  'Gemini',
  'Honor',
  'Hopper',
  'Instinct',
  'Llama',
  'Meta',
  'Micron',
  'Mistral',
  'Moonshot',
  'Oracle',
  'Perplexity',
]);

const ENTITY_TYPES: ReadonlySet<EntityType> = new Set(['person', 'org', 'place', 'product', 'topic']);
const ID_RE = /^(person|org|place|product|topic):[a-z0-9]+(?:-[a-z0-9]+)*$/;
const WIKIDATA_RE = /^Q[1-9][0-9]*$/;

export interface AliasToken {
  /** Offsets within the token that must be capitals in the text. */
  capitals: readonly number[];
  possessive: boolean;
}

export interface AliasVariant {
  entityId: string;
  alias: string;
  tokens: readonly AliasToken[];
  commonWord: boolean;
}

export interface TrieNode {
  children: Map<string, TrieNode>;
  /** Aliases ending here, ordered so the preferred entity of a shared alias comes first. */
  variants: AliasVariant[];
}

export interface LoadedGazetteer {
  readonly entities: readonly GazetteerEntity[];
  readonly byId: ReadonlyMap<string, GazetteerEntity>;
  readonly trie: TrieNode;
  /** Person id -> normalised surname, for "Jensen Huang ... Huang said". */
  readonly surnames: ReadonlyMap<string, string>;
}

/** Validates entities (throwing one Error that lists every problem) and builds the matcher. */
export function loadGazetteer(entities: readonly GazetteerEntity[]): LoadedGazetteer {
  const problems = validate(entities);
  if (problems.length > 0) {
    throw new Error(`Invalid gazetteer (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
  const byId = new Map(entities.map((entity) => [entity.id, entity]));
  const trie: TrieNode = { children: new Map(), variants: [] };
  const surnames = new Map<string, string>();
  for (const entity of entities) {
    for (const alias of namesOf(entity)) insert(trie, entity.id, alias);
    const surname = entity.type === 'person' ? surnameOf(entity.name) : undefined;
    if (surname) surnames.set(entity.id, surname);
  }
  orderSharedVariants(trie);
  return { entities, byId, trie, surnames };
}

/** The name is matched like any alias; duplicates (same string) are dropped. */
function namesOf(entity: GazetteerEntity): string[] {
  return [...new Set([entity.name, ...entity.aliases])];
}

/** Normalised form used to detect clashes: "Nvidia's" and "NVIDIA" both become "nvidia". */
function aliasKey(alias: string): string {
  return tokenize(alias)
    .map((token) => token.norm)
    .join(' ');
}

function validate(entities: readonly GazetteerEntity[]): string[] {
  const problems: string[] = [];
  const seenIds = new Set<string>();
  const owners = new Map<string, { alias: string; ids: Set<string> }>();

  for (const entity of entities) {
    const id = typeof entity.id === 'string' ? entity.id : '';
    const label = id ? `"${id}"` : `entity named "${String(entity.name)}"`;
    if (!id) problems.push(`${label}: id is empty`);
    else if (seenIds.has(id)) problems.push(`duplicate id "${id}"`);
    seenIds.add(id);

    if (!ENTITY_TYPES.has(entity.type)) problems.push(`${label}: unknown type "${String(entity.type)}"`);
    else if (id && !(ID_RE.test(id) && id.startsWith(`${entity.type}:`))) {
      problems.push(`${label}: id must be "${entity.type}:" followed by kebab-case`);
    }
    if (!isFilled(entity.name)) problems.push(`${label}: name is empty`);
    if (!isFilled(entity.description)) problems.push(`${label}: description is empty`);
    else if (/[\r\n]/.test(entity.description)) problems.push(`${label}: description must be one line`);
    if (entity.wikidata !== undefined && !WIKIDATA_RE.test(entity.wikidata)) {
      problems.push(`${label}: wikidata "${entity.wikidata}" is not a Q-id`);
    }
    if (!Array.isArray(entity.aliases) || entity.aliases.length === 0) {
      problems.push(`${label}: aliases is empty`);
      continue;
    }

    for (const alias of namesOf(entity)) {
      if (!isFilled(alias)) {
        problems.push(`${label}: has an empty alias`);
        continue;
      }
      const key = aliasKey(alias);
      if (!key) {
        problems.push(`${label}: alias "${alias}" has no letters or digits`);
        continue;
      }
      // Bare surnames are resolved by coreference, never listed: "Ma" or "Su" alone would be noise.
      if (entity.type === 'person' && !key.includes(' ')) {
        problems.push(`${label}: person alias "${alias}" is a single word; surnames resolve by coreference`);
      }
      const owner = owners.get(key) ?? { alias, ids: new Set<string>() };
      owner.ids.add(id);
      owners.set(key, owner);
    }
  }

  const allowed = new Map(Object.entries(SHARED_ALIASES).map(([alias, ids]) => [aliasKey(alias), new Set(ids)]));
  for (const [key, { alias, ids }] of owners) {
    if (ids.size < 2) continue;
    const allowedIds = allowed.get(key);
    if (allowedIds && [...ids].every((id) => allowedIds.has(id))) continue;
    problems.push(`alias "${alias}" is shared by ${[...ids].join(', ')}; list it in SHARED_ALIASES if that is intended`);
  }
  return problems;
}

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function insert(trie: TrieNode, entityId: string, alias: string): void {
  const tokens = tokenize(alias);
  let node = trie;
  for (const token of tokens) {
    let child = node.children.get(token.norm);
    if (!child) {
      child = { children: new Map(), variants: [] };
      node.children.set(token.norm, child);
    }
    node = child;
  }
  node.variants.push({
    entityId,
    alias,
    tokens: tokens.map((token) => ({ capitals: capitalOffsets(token.surface), possessive: token.possessive })),
    commonWord: COMMON_WORD_ALIASES.has(alias),
  });
}

function capitalOffsets(surface: string): number[] {
  const offsets: number[] = [];
  for (let i = 0; i < surface.length; i++) {
    const char = surface[i];
    if (char !== char.toLowerCase()) offsets.push(i);
  }
  return offsets;
}

/** Puts the allowlist's preferred entity first wherever several entities share an alias. */
function orderSharedVariants(node: TrieNode): void {
  if (node.variants.length > 1) {
    const preference = sharedPreference(node.variants[0].alias);
    const rank = (id: string) => {
      const index = preference.indexOf(id);
      return index < 0 ? preference.length : index;
    };
    node.variants.sort((a, b) => rank(a.entityId) - rank(b.entityId));
  }
  for (const child of node.children.values()) orderSharedVariants(child);
}

function sharedPreference(alias: string): readonly string[] {
  const key = aliasKey(alias);
  for (const [listed, ids] of Object.entries(SHARED_ALIASES)) if (aliasKey(listed) === key) return ids;
  return [];
}
