import { performance } from 'node:perf_hooks';
import { tagEntities } from '../../src/tag';
import { decodeModel, getNerModel, nerTokenize, recogniseSpans } from '../../src/tag/ner';
import modelFile from '../../src/tag/model/ner-model.json';

const spansOf = (text: string) => recogniseSpans(text).spans.map((s) => [text.slice(s.start, s.end), s.type]);
const recognisedOf = (text: string) =>
  tagEntities(text)
    .entities.filter((e) => e.kind === 'recognised')
    .map((e) => [e.entityId, e.type]);

describe('statistical recogniser: model', () => {
  it('decodes the bundled model in well under a second', () => {
    const started = performance.now();
    const model = decodeModel(modelFile);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(model.gazetteer.size).toBeGreaterThan(5000);
    expect(getNerModel().bits).toBe(model.bits);
  });

  it('tokenises like CoNLL: abbreviations keep their period, possessives and punctuation split off', () => {
    expect(nerTokenize('Nvidia\'s U.S. unit, Acme Inc., said "no".').map((t) => t.text)).toEqual([
      'Nvidia',
      "'s",
      'U.S.',
      'unit',
      ',',
      'Acme',
      'Inc.',
      ',',
      'said',
      '"',
      'no',
      '"',
      '.',
    ]);
    const conll = 'EU rejects German call to boycott British lamb .\nPeter Blackburn';
    expect(nerTokenize(conll).map((t) => t.text)).toEqual(conll.split(/\s+/));
    expect(
      nerTokenize(conll)
        .filter((t) => t.sentenceStart)
        .map((t) => t.text),
    ).toEqual(['EU', 'Peter']);
  });

  it('finds people, organisations and places it has never seen', () => {
    expect(spansOf('Shares of Kestrel Robotics Inc rose after Marisol Quenby joined the board in Tromsdal.')).toEqual([
      ['Kestrel Robotics Inc', 'ORG'],
      ['Marisol Quenby', 'PER'],
      ['Tromsdal', 'LOC'],
    ]);
  });

  it('settles a name by its last word where greedy decoding guessed a person', () => {
    const result = tagEntities('Marisol Quenby, a former engineer at Orvane Bank, joined the board.');
    expect(result.mentions.map((m) => [m.text, m.entityId])).toEqual([
      ['Marisol Quenby', 'person~marisol-quenby'],
      ['Orvane Bank', 'org~orvane-bank'],
    ]);
  });

  it('reads an all-capitals headline with help from the rest of the document', () => {
    const text = 'BRUSSELS 1996-08-22\nThe European Commission said on Thursday it disagreed with the plan.';
    expect(spansOf(text)).toEqual([
      ['BRUSSELS', 'LOC'],
      ['European Commission', 'ORG'],
    ]);
  });
});

describe('statistical recogniser in tagEntities', () => {
  it('gives unseen names stable ids, so two articles agree', () => {
    const a = recognisedOf('Marisol Quenby, chief executive of Kestrel Robotics, spoke in Tromsdal.');
    const b = recognisedOf('Investors cheered as Kestrel Robotics Ltd named Marisol Quenby chair.');
    expect(a).toEqual(
      expect.arrayContaining([
        ['person~marisol-quenby', 'person'],
        ['org~kestrel-robotics', 'org'],
      ]),
    );
    expect(b).toEqual(
      expect.arrayContaining([
        ['person~marisol-quenby', 'person'],
        ['org~kestrel-robotics', 'org'],
      ]),
    );
  });

  it('resolves later short forms of recognised people and organisations', () => {
    const result = tagEntities('Marisol Quenby runs Kestrel Robotics. Quenby said Kestrel would hire.');
    const byEntity = (id: string) => result.mentions.filter((m) => m.entityId === id).map((m) => m.text);
    expect(byEntity('person~marisol-quenby')).toEqual(['Marisol Quenby', 'Quenby']);
    expect(byEntity('org~kestrel-robotics')).toEqual(['Kestrel Robotics', 'Kestrel']);
  });

  it('links gazetteer names first and never turns them into recognised ones', () => {
    const result = tagEntities('Nvidia chief executive Jensen Huang met Sam Altman in Taipei. Huang said demand was strong.');
    expect(result.mentions.map((m) => [m.text, m.entityId, m.kind])).toEqual([
      ['Nvidia', 'org:nvidia', 'linked'],
      ['Jensen Huang', 'person:jensen-huang', 'linked'],
      ['Sam Altman', 'person:sam-altman', 'linked'],
      ['Taipei', 'place:taipei', 'linked'],
      ['Huang', 'person:jensen-huang', 'linked'],
    ]);
  });

  it('settles ambiguous names from context', () => {
    // A place alias the recogniser reads as a person is not the city.
    const person = tagEntities('George Washington crossed the river. Washington said the army would wait.');
    expect(person.mentions.some((m) => m.entityId === 'place:washington-dc')).toBe(false);
    // A common-word alias the gazetteer rejected stays rejected.
    expect(tagEntities('Apple pie is popular.').mentions).toEqual([]);
    // A surname shared by two people in the document resolves to neither.
    const ma = tagEntities('Pony Ma met Jack Ma in Hangzhou. Ma said nothing.');
    expect(ma.mentions.map((m) => m.text)).toEqual(['Pony Ma', 'Jack Ma', 'Hangzhou']);
  });

  it('keeps abbreviation periods inside mentions and maps other names to topics, without nationalities', () => {
    const result = tagEntities('The U.S. team won the Davis Cup, the Chinese press said.');
    expect(result.mentions.map((m) => [m.text, m.entityId])).toEqual([
      ['U.S.', 'place:united-states'],
      ['Davis Cup', 'topic~davis-cup'],
    ]);
  });
});
