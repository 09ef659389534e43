import { GAZETTEER } from '../../config/entities';
import { loadGazetteer } from '../../src/tag';
import type { GazetteerEntity } from '../../src/types';

const entity = (overrides: Partial<GazetteerEntity> & Pick<GazetteerEntity, 'id'>): GazetteerEntity => ({
  name: 'Example',
  type: 'org',
  aliases: ['Example Inc'],
  description: 'An example.',
  ...overrides,
});

const REQUIRED_IDS = [
  'org:tencent',
  'org:tencent-cloud',
  'org:nvidia',
  'org:huawei',
  'org:alibaba',
  'org:alibaba-cloud',
  'org:baidu',
  'org:smic',
  'org:cambricon',
  'org:hygon',
  'org:tsmc',
  'org:openai',
  'org:anthropic',
  'org:google-deepmind',
  'org:google',
  'org:alphabet',
  'org:meta',
  'org:xai',
  'org:microsoft',
  'org:amazon',
  'org:aws',
  'org:apple',
  'org:amd',
  'org:intel',
  'org:asml',
  'org:applied-materials',
  'org:samsung-electronics',
  'org:sk-hynix',
  'org:micron',
  'org:arm',
  'org:qualcomm',
  'org:broadcom',
  'org:deepseek',
  'org:moonshot-ai',
  'org:bytedance',
  'org:xiaomi',
  'org:mistral-ai',
  'org:meta-superintelligence-labs',
  'person:sam-altman',
  'person:dario-amodei',
  'person:jensen-huang',
  'person:demis-hassabis',
  'person:elon-musk',
  'person:mark-zuckerberg',
  'person:geoffrey-hinton',
  'person:peter-thiel',
  'person:ray-kurzweil',
  'person:pony-ma',
  'person:martin-lau',
  'person:eric-xu',
  'person:cc-wei',
  'person:lisa-su',
  'person:satya-nadella',
  'person:sundar-pichai',
  'person:liang-wenfeng',
  'person:jack-ma',
  'person:robin-li',
  'person:ren-zhengfei',
  'person:donald-trump',
  'person:xi-jinping',
  'person:howard-lutnick',
  'place:china',
  'place:united-states',
  'place:taiwan',
  'place:japan',
  'place:south-korea',
  'place:netherlands',
  'place:european-union',
  'place:arizona',
  'place:beijing',
  'place:shenzhen',
  'place:washington-dc',
  'org:us-commerce-department',
  'org:bis',
  'org:samr',
  'org:mofcom',
  'org:nppa',
  'org:ftc',
  'org:european-commission',
  'product:ascend',
  'product:h20',
  'product:blackwell',
  'product:hopper',
  'product:cuda',
  'product:chatgpt',
  'product:claude',
  'product:gemini',
  'product:llama',
  'product:qwen',
  'product:honor-of-kings',
  'topic:export-controls',
  'topic:antitrust',
  'topic:generative-ai',
  'topic:large-language-models',
  'topic:high-bandwidth-memory',
];

describe('bundled gazetteer', () => {
  it('has at least 150 entities and every required one', () => {
    expect(GAZETTEER.length).toBeGreaterThanOrEqual(150);
    const ids = new Set(GAZETTEER.map((e) => e.id));
    expect(REQUIRED_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('passes validation', () => {
    const loaded = loadGazetteer(GAZETTEER);
    expect(loaded.byId.size).toBe(GAZETTEER.length);
    expect(loaded.surnames.get('person:jensen-huang')).toBe('huang');
    expect(loaded.surnames.get('person:xi-jinping')).toBe('xi');
    expect(loaded.surnames.get('person:lisa-su')).toBe('su');
  });

  it('carries the Chinese names and common variants', () => {
    const aliasesOf = (id: string) => GAZETTEER.find((e) => e.id === id)?.aliases ?? [];
    expect(aliasesOf('org:tencent')).toEqual(expect.arrayContaining(['Tencent Holdings', '腾讯']));
    expect(aliasesOf('org:nvidia')).toEqual(expect.arrayContaining(['NVIDIA', 'Nvidia Corp', 'NVDA']));
    expect(aliasesOf('org:huawei')).toContain('华为');
    expect(aliasesOf('org:alibaba')).toContain('阿里巴巴');
    expect(aliasesOf('org:baidu')).toContain('百度');
    expect(aliasesOf('org:smic')).toContain('中芯国际');
    expect(aliasesOf('org:cambricon')).toContain('寒武纪');
    expect(aliasesOf('person:pony-ma')).toEqual(expect.arrayContaining(['Ma Huateng', '马化腾']));
    expect(aliasesOf('org:us-commerce-department')).toEqual(expect.arrayContaining(['Commerce Department', 'Department of Commerce']));
  });
});

describe('loadGazetteer validation', () => {
  it('rejects duplicate ids, naming the id', () => {
    const entities = [entity({ id: 'org:example' }), entity({ id: 'org:example', aliases: ['Other Example'] })];
    expect(() => loadGazetteer(entities)).toThrow(/duplicate id "org:example"/);
  });

  it('rejects an alias shared by two entities, naming the alias and both ids', () => {
    const entities = [
      entity({ id: 'org:first', name: 'First', aliases: ['Acme'] }),
      entity({ id: 'org:second', name: 'Second', aliases: ['ACME'] }),
    ];
    expect(() => loadGazetteer(entities)).toThrow(/alias "Acme" is shared by org:first, org:second/);
  });

  it('accepts a shared alias on the allowlist and prefers the first listed entity', () => {
    const loaded = loadGazetteer([
      entity({ id: 'org:samsung-group', name: 'Samsung Group', aliases: ['Samsung'] }),
      entity({ id: 'org:samsung-electronics', name: 'Samsung Electronics', aliases: ['Samsung'] }),
    ]);
    const node = loaded.trie.children.get('samsung');
    expect(node?.variants.map((v) => v.entityId)).toEqual(['org:samsung-electronics', 'org:samsung-group']);
  });

  it('rejects empty fields, malformed ids and bare surnames, in one error', () => {
    const entities = [
      entity({ id: 'org:blank', name: ' ', description: '' }),
      entity({ id: 'Org_Bad', name: 'Bad', aliases: ['Bad Corp'] }),
      entity({ id: 'org:no-aliases', name: 'Lonely', aliases: [] }),
      entity({ id: 'person:jensen-huang', type: 'person', name: 'Jensen Huang', aliases: ['Huang'] }),
    ];
    let message = '';
    try {
      loadGazetteer(entities);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/"org:blank": name is empty/);
    expect(message).toMatch(/"org:blank": description is empty/);
    expect(message).toMatch(/"Org_Bad": id must be "org:" followed by kebab-case/);
    expect(message).toMatch(/"org:no-aliases": aliases is empty/);
    expect(message).toMatch(/person alias "Huang" is a single word/);
  });

  it('rejects a multi-line description and a malformed wikidata id', () => {
    const entities = [entity({ id: 'org:example', description: 'one\ntwo', wikidata: 'Tencent' })];
    expect(() => loadGazetteer(entities)).toThrow(/description must be one line[\s\S]*wikidata "Tencent" is not a Q-id/);
  });
});
