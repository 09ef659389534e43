import type { DemoEvent, DemoOutlet } from './types';

/** Fictional outlets. Mixed feed formats on purpose: the demo exercises every parser path. */
export const DEMO_OUTLETS: DemoOutlet[] = [
  { id: 'pacific-ledger', name: 'The Pacific Ledger', feedFormat: 'rss2', lang: 'en' },
  { id: 'silicon-courier', name: 'Silicon Courier', feedFormat: 'atom', lang: 'en' },
  { id: 'harbour-tech', name: 'Harbour Tech Daily', feedFormat: 'rdf', lang: 'en' },
  { id: 'meridian-wire', name: 'Meridian Wire', feedFormat: 'jsonfeed', lang: 'en' },
  { id: 'capital-review', name: 'Capital Markets Review', feedFormat: 'rss-noversion', lang: 'en' },
  { id: 'asia-compute', name: 'Asia Compute Weekly', feedFormat: 'atom', lang: 'en' },
  { id: 'policy-desk', name: 'The Policy Desk', feedFormat: 'rss2', lang: 'en' },
];

/**
 * Real-world-style events, all fictional in their details (dates in 2026).
 * The first is the demo's headline story; several others are distractors that
 * share its entities (Tencent, Nvidia, China) but not its event.
 */
export const DEMO_EVENTS: DemoEvent[] = [
  { id: 'tencent-domestic-chips', label: 'Tencent Cloud adapts its AI infrastructure to domestic Chinese chips' },
  { id: 'china-ai-gap', label: 'China narrows the AI gap with the United States (earlier related piece)' },
  { id: 'nvidia-earnings', label: 'Nvidia quarterly earnings (distractor: shares Nvidia)' },
  { id: 'tencent-games', label: 'Tencent games launch and gaming revenue (distractor: shares Tencent)' },
  { id: 'nvidia-antitrust', label: 'Chinese regulator SAMR antitrust finding against Nvidia (distractor: shares Nvidia, China)' },
  { id: 'openai-model', label: 'OpenAI releases a new flagship model' },
  { id: 'tsmc-arizona', label: 'TSMC starts volume production at a second Arizona fab' },
  { id: 'us-export-rules', label: 'US Commerce Department tightens AI chip export rules' },
  { id: 'anthropic-funding', label: 'Anthropic raises a new funding round' },
  { id: 'huawei-ascend', label: 'Huawei unveils its next Ascend AI chip roadmap' },
  { id: 'meta-open-model', label: 'Meta releases an open-weights model' },
];
