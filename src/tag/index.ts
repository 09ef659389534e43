/** Entity tagging: gazetteer linking, name recognition, coreference and salience. */
export { tagEntities, entityById, getDefaultGazetteer, type TagOptions } from './tagger';
export { loadGazetteer, SHARED_ALIASES, COMMON_WORD_ALIASES, type LoadedGazetteer } from './gazetteer';
export { tokenize, wordTokens, normalizeWord, type Token } from './tokenize';
export { slugify, surnameOf } from './names';
