/**
 * `npm run bench:ner`: precision, recall and F1 per type and micro over
 * PER+ORG+LOC on CoNLL-2003 valid.txt, through tagEntities (bench/ner-tagger.mjs
 * scored by the shared ner-score.mjs), plus tokens/s on one core and the
 * model's load time. Runs the scorer RUNS times (default 3) and reports the
 * median speed.
 *
 * Environment: NER_DATA (default ../shared/corpus/ner), NER_SCORER (default
 * ../shared/tools/ner-score.mjs), RUNS, NER_RECOGNISER (model | rules | off).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(__dirname, '../..');
const data = process.env.NER_DATA ?? path.resolve(root, '../shared/corpus/ner');
const scorer = process.env.NER_SCORER ?? path.resolve(root, '../shared/tools/ner-score.mjs');
const runs = Number(process.env.RUNS ?? 3);

interface Report {
  speed: { tokensPerSecond: number; loadMs: number; tagMs: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function modelLoadMs(): number {
  // A fresh process: require the module, then decode the model.
  const script = `
    const t0 = performance.now();
    const ner = require(${JSON.stringify(path.join(root, 'dist/src/tag/ner/index.js'))});
    ner.getNerModel();
    process.stdout.write(String(performance.now() - t0));`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

function main(): void {
  const reportFile = path.join(root, '.tmp', 'ner-report.json');
  fs.mkdirSync(path.dirname(reportFile), { recursive: true });
  const speeds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const output = execFileSync(process.execPath, [scorer], {
      encoding: 'utf8',
      env: { ...process.env, HOLDOUT_NER: data, SPLIT: 'valid', TAGGER: path.join(root, 'bench/ner-tagger.mjs'), REPORT_JSON: reportFile },
    });
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
    speeds.push(report.speed.tokensPerSecond);
    if (run === 0) process.stdout.write(output);
    console.log(`run ${run + 1}: ${report.speed.tokensPerSecond} tokens/s (${((performance.now() - started) / 1000).toFixed(1)} s wall)`);
  }
  const loads = Array.from({ length: runs }, modelLoadMs);
  const modelFile = path.join(root, 'src/tag/model/ner-model.json');
  console.log(
    `median of ${runs}: ${median(speeds)} tokens/s through tagEntities (one core); ` +
      `model load ${median(loads).toFixed(0)} ms (require + decode, fresh process); ` +
      `model file ${(fs.statSync(modelFile).size / 1e6).toFixed(2)} MB`,
  );
}

main();
