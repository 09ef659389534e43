/**
 * Name heuristics: which token of a person's name is the surname, and a small
 * rule-based recogniser for people and organisations the gazetteer lacks.
 * Precision matters more than recall here: a wrong entity pollutes story
 * clustering and entity cards, a missed one only loses a little signal.
 */
import type { EntityType } from '../types';
import { normalizeWord, tokenize, type Token } from './tokenize';

/** Family names written first in Chinese and Korean order ("Xi Jinping", "Lee Jae-yong"). */
const FAMILY_NAME_FIRST = new Set(
  (
    'wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song tang ' +
    'han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lu ding ren shen yao cui ' +
    'zhong tan fan jin shi liao jia xia fu fang bai zou meng xiong qin qiu yin xue yan duan lei hou tao gu mao hao ' +
    'gong shao wan qian dai mo kong xiang xi kang niu qi ni ou zhan wen ge geng bao miao yi ji ning pei ruan shang ' +
    'sheng tong zuo lee kim park choi chey jung cho yoon jang lim shin seo kwon hwang ahn yoo hong jeon ko moon'
  ).split(' '),
);

/** Words that introduce or describe a person: "chief executive Lin Wenhao", "Mr Lin", "Lin Wenhao, an analyst". */
const ROLE_WORDS = new Set(
  (
    'mr mrs ms dr prof professor ceo cfo cto coo chief executive officer president chairman chairwoman chair ' +
    'founder cofounder minister premier secretary analyst spokesperson spokesman spokeswoman director economist ' +
    'researcher scientist engineer investor senator governor ambassador official lawyer attorney commissioner ' +
    'manager strategist adviser advisor head fellow producer consultant partner author editor lecturer'
  ).split(' '),
);

/** Function words: never part of a name, and often the capitalised first word of a sentence. */
const FUNCTION_WORDS = new Set(
  (
    'the a an and but or nor so yet for of in on at by to from with as if then than that this these those there ' +
    'here when while after before since until because although though however meanwhile also still even just ' +
    'only both either neither each every all some many most more few several such its it he she they we i you ' +
    'his her their our my your who whom whose which what where why how not no yes last next earlier later now ' +
    'today yesterday tomorrow under over about against between into through during without within among across ' +
    'per via despite instead according unlike like'
  ).split(' '),
);

/** Words that end an appositive phrase: a clause or a new subject starts. */
const CLAUSE_WORDS = new Set('who whom whose which that where when while and but or its their his her our'.split(' '));

/** Capitalised words that mark a sequence as an institution, place, event or product rather than a person. */
const NON_PERSON_WORDS = new Set(
  (
    'house street court department ministry commission agency bureau office council committee congress senate ' +
    'parliament party university institute college school academy bank fund research securities partners ' +
    'associates advisers advisors analytics consulting markets media news times journal post wire press daily ' +
    'review summit conference forum expo index exchange valley province city county state republic kingdom ' +
    'island islands sea river bay park road avenue center centre foundation association union authority ' +
    'administration act law bill plan initiative project program programme day week month year january february ' +
    'march april may june july august september october november december jan feb mar apr jun jul aug sep sept ' +
    'oct nov dec monday tuesday wednesday thursday friday saturday sunday north south east west new ' +
    'international global national federal american european asian pacific atlantic cloud tech technology ' +
    'technologies systems software semiconductor semiconductors electronics network networks platform platforms ' +
    'intelligence lab labs holdings capital ventures group inc corp ltd limited company co motors energy series ' +
    'model models chip chips infrastructure computing data digital games entertainment music studio studios ' +
    'hotel airport station tower square hall stadium museum hospital prize award awards cup league festival'
  ).split(' '),
);

/** Final words that make a capitalised sequence an organisation ("Zhipu Technologies", "Rhodium Group"). */
const ORG_SUFFIXES = new Set('inc corp corporation ltd limited group technologies labs holdings capital ventures'.split(' '));

/** Legal forms dropped from recognised ids so "Zhipu Technologies Ltd" and "Zhipu Technologies" agree. */
export const LEGAL_FORMS: ReadonlySet<string> = new Set('inc corp corporation ltd limited co plc llc'.split(' '));

const MAX_NAME_TOKENS = 4;
const MAX_ORG_TOKENS = 5;
/** How far after "Lin Wenhao," an appositive role word may appear ("Lin Wenhao, a semiconductor analyst"). */
const APPOSITIVE_WINDOW = 6;

const UPPER_START_RE = /^\p{Lu}/u;
const HAS_LOWER_RE = /\p{Ll}/u;

export interface RecognisedSpan {
  first: number;
  last: number;
  entityId: string;
  type: EntityType;
  name: string;
}

/**
 * Adds a possible antecedent of a short name (a surname, an organisation's
 * first words) under `key`: one entry per entity, keeping the earliest offset
 * from which it may be referred to. Both coreference passes (model spans in
 * ./recognised, linked and recognised names in ./tagger) build their maps
 * with it.
 */
export function addAntecedent<T extends { entityId: string; availableFrom: number }>(
  byKey: Map<string, T[]>,
  key: string | undefined,
  antecedent: T,
): void {
  if (!key) return;
  const list = byKey.get(key) ?? [];
  const existing = list.find((a) => a.entityId === antecedent.entityId);
  if (existing) existing.availableFrom = Math.min(existing.availableFrom, antecedent.availableFrom);
  else list.push(antecedent);
  byKey.set(key, list);
}

/**
 * The surname of a person's full name: the first word for a two-word name in
 * Chinese or Korean order, else the last word. Undefined for single words and
 * for surnames that are also English function words ("He Lifeng"), which
 * cannot be resolved safely on their own.
 */
export function surnameOf(name: string): string | undefined {
  const words = name.trim().split(/\s+/);
  if (words.length < 2) return undefined;
  const familyFirst = words.length === 2 && FAMILY_NAME_FIRST.has(normalizeWord(words[0]));
  const tokens = tokenize(familyFirst ? words[0] : words[words.length - 1]);
  const surname = tokens[tokens.length - 1]?.norm;
  return surname && !FUNCTION_WORDS.has(surname) ? surname : undefined;
}

/** Lowercase ASCII slug: "Lin Wénhao" -> "lin-wenhao". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function isNameWord(token: Token): boolean {
  return !token.cjk && UPPER_START_RE.test(token.surface) && HAS_LOWER_RE.test(token.surface);
}

export function isCapitalised(token: Token): boolean {
  return !token.cjk && UPPER_START_RE.test(token.surface);
}

/** "chief", "president", "analyst": words that introduce a person rather than belong to a name. */
export function isRoleWord(norm: string): boolean {
  return ROLE_WORDS.has(norm);
}

/** Articles, prepositions, pronouns and the like ("at", "after", "the"). */
export function isFunctionWord(norm: string): boolean {
  return FUNCTION_WORDS.has(norm);
}

/** A word that can be part of a name or stand for one ("Zhipu", "Lin"): not a function, role, institution or suffix word. */
export function isDistinctiveWord(norm: string): boolean {
  return !FUNCTION_WORDS.has(norm) && !ROLE_WORDS.has(norm) && !NON_PERSON_WORDS.has(norm) && !ORG_SUFFIXES.has(norm);
}

/**
 * Finds person and organisation names in body tokens not linked to the
 * gazetteer. A capitalised run that overlaps a gazetteer match is left alone
 * ("Tencent Music Entertainment Group" must not become "Music Entertainment
 * Group"), except that a person's name may follow linked words through a role
 * ("Tencent Cloud Vice President Wang Haoran").
 */
export function recogniseNames(text: string, tokens: Token[], covered: Uint8Array, firstBodyToken: number): RecognisedSpan[] {
  const spans: RecognisedSpan[] = [];
  let i = firstBodyToken;
  while (i < tokens.length) {
    if (!isRunMember(tokens[i], covered[i])) {
      i++;
      continue;
    }
    let last = i;
    while (
      last + 1 < tokens.length &&
      !tokens[last].possessive &&
      tokens[last + 1].joinsPrevious &&
      !tokens[last + 1].sentenceStart &&
      isRunMember(tokens[last + 1], covered[last + 1])
    ) {
      last++;
    }
    const span = recogniseOrg(text, tokens, covered, i, last) ?? recognisePerson(text, tokens, covered, i, last);
    if (span) spans.push(span);
    i = last + 1;
  }
  return spans;
}

function isRunMember(token: Token, covered: number): boolean {
  return !token.cjk && (covered === 1 || isNameWord(token));
}

function recogniseOrg(text: string, tokens: Token[], covered: Uint8Array, runFirst: number, runLast: number): RecognisedSpan | undefined {
  let first = runFirst;
  while (first < runLast && FUNCTION_WORDS.has(tokens[first].norm)) first++;
  const length = runLast - first + 1;
  if (length < 2 || length > MAX_ORG_TOKENS || !ORG_SUFFIXES.has(tokens[runLast].norm)) return undefined;
  if (anyCovered(covered, first, runLast) || ROLE_WORDS.has(tokens[first].norm)) return undefined;
  let idEnd = runLast;
  while (idEnd > first && LEGAL_FORMS.has(tokens[idEnd].norm)) idEnd--;
  const slug = slugify(text.slice(tokens[first].start, tokens[idEnd].end));
  if (!slug) return undefined;
  return { first, last: runLast, entityId: `org~${slug}`, type: 'org', name: text.slice(tokens[first].start, tokens[runLast].end) };
}

function recognisePerson(
  text: string,
  tokens: Token[],
  covered: Uint8Array,
  runFirst: number,
  runLast: number,
): RecognisedSpan | undefined {
  let lastRole = -1;
  for (let k = runFirst; k <= runLast; k++) if (ROLE_WORDS.has(tokens[k].norm)) lastRole = k;
  let first = lastRole >= 0 ? lastRole + 1 : runFirst;
  while (first < runLast && FUNCTION_WORDS.has(tokens[first].norm)) first++;
  const length = runLast - first + 1;
  if (length < 2 || length > MAX_NAME_TOKENS || anyCovered(covered, first, runLast)) return undefined;
  for (let k = first; k <= runLast; k++) {
    const norm = tokens[k].norm;
    if (!isNameWord(tokens[k]) || !isDistinctiveWord(norm)) return undefined;
  }
  const precededByRole = lastRole >= 0 || (runFirst > 0 && !tokens[runFirst].sentenceStart && ROLE_WORDS.has(tokens[runFirst - 1].norm));
  if (!precededByRole && !hasAppositiveRole(text, tokens, runLast)) return undefined;
  const name = text.slice(tokens[first].start, tokens[runLast].end);
  // Ids are ASCII slugs; a name in another script has none and is left alone.
  const slug = slugify(name);
  return slug ? { first, last: runLast, entityId: `person~${slug}`, type: 'person', name } : undefined;
}

/**
 * "Lin Wenhao, a semiconductor analyst at ...": a role word in the unbroken
 * phrase after the comma. The phrase stops where a clause starts, so
 * "Goldman Sachs, whose chief executive ..." is not a person.
 */
export function hasAppositiveRole(text: string, tokens: Token[], nameLast: number): boolean {
  const next = nameLast + 1;
  if (next >= tokens.length || tokens[next].sentenceStart) return false;
  if (!text.slice(tokens[nameLast].end, tokens[next].start).includes(',')) return false;
  for (let k = next; k < tokens.length && k <= nameLast + APPOSITIVE_WINDOW; k++) {
    const norm = tokens[k].norm;
    if (k > next && !tokens[k].joinsPrevious) return false;
    if (ROLE_WORDS.has(norm)) return true;
    if (CLAUSE_WORDS.has(norm)) return false;
  }
  return false;
}

function anyCovered(covered: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k <= to; k++) if (covered[k]) return true;
  return false;
}
