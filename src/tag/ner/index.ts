/**
 * The bundled statistical recogniser: loads src/tag/model/ner-model.json
 * (trained by `npm run train:ner`) on first use.
 */
import modelFile from '../model/ner-model.json';
import { decodeModel, recognise, type ModelFile, type NerModel, type NerSpan } from './model';
import type { NerToken } from './tokenize';

export { nerTokenize, type NerToken } from './tokenize';
export { recognise, decodeModel, encodeModel, type NerModel, type NerSpan } from './model';
export type { NerType } from './features';

let bundled: NerModel | undefined;

/** The bundled model, decoded on first use (about 100 ms). */
export function getNerModel(): NerModel {
  bundled ??= decodeModel(modelFile as ModelFile);
  return bundled;
}

/** PER/ORG/LOC/MISC spans in raw text, with the bundled model. */
export function recogniseSpans(text: string): { tokens: NerToken[]; spans: NerSpan[] } {
  return recognise(text, getNerModel());
}
