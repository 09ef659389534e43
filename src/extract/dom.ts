/**
 * The pluggable DOM under the extractor. linkedom (the default) builds a page
 * about ten times faster than jsdom and Readability scores the same on it;
 * jsdom is the spec-exact reference and stays supported.
 *
 * Neither runs page scripts or fetches anything: jsdom gets no `runScripts` and
 * no resource loader, linkedom implements neither.
 */

import { JSDOM, VirtualConsole } from 'jsdom';
import { parseHTML } from 'linkedom';

export const DOM_NAMES = ['linkedom', 'jsdom'] as const;
export type DomName = (typeof DOM_NAMES)[number];
export const DEFAULT_DOM: DomName = 'linkedom';

export interface ParsedPage {
  document: Document;
  /** Frees the page (jsdom keeps a window with timers; linkedom has nothing to free). */
  close(): void;
}

export function parsePage(html: string, url: string, dom: DomName): ParsedPage {
  if (dom === 'jsdom') {
    const page = new JSDOM(html, { url, virtualConsole: new VirtualConsole() });
    return { document: page.window.document, close: () => page.window.close() };
  }
  return { document: parseWithLinkedom(html), close: () => undefined };
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
/** Elements that belong in <head> when they turn up outside it. */
const HEAD_TAGS = new Set(['title', 'meta', 'link', 'base', 'style', 'script', 'noscript', 'template']);

/**
 * linkedom uses htmlparser2, not the HTML5 tree builder: a page without <html>
 * gets its first element as documentElement, and content after a stray </body>
 * or </html> ends up outside <body>. Readability and our walkers read
 * `document.body`, so the tree is repaired to html > head + body first.
 */
function parseWithLinkedom(html: string): Document {
  let doc = parseHTML(html).document as unknown as Document;
  if (doc.documentElement?.localName !== 'html') {
    const withoutPrologue = html.replace(/^\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype[^>]*>)?/i, '');
    doc = parseHTML(`<!DOCTYPE html><html>${withoutPrologue}</html>`).document as unknown as Document;
  }
  repairTree(doc);
  return doc;
}

function repairTree(doc: Document): void {
  const root = doc.documentElement;
  // linkedom's head/body getters create (and insert) the element when missing.
  const head = doc.head;
  const bodyExisted = Array.from(root.children).some((el) => el.localName === 'body');
  const body = doc.body;
  const beforeBody: Node[] = [];
  let seenBody = false;
  for (const node of Array.from(root.childNodes)) {
    if (node === head) continue;
    if (node === body) {
      // A body the getter just created sits right after <head>, before the content it should hold.
      seenBody = bodyExisted;
      continue;
    }
    if (!seenBody && node.nodeType === ELEMENT_NODE && HEAD_TAGS.has((node as Element).localName)) head.appendChild(node);
    else if (seenBody) body.appendChild(node);
    else beforeBody.push(node);
  }
  if (beforeBody.length > 0) body.prepend(...beforeBody);
  // Anything after </html> (trailing scripts, a second body's worth of markup).
  for (const node of Array.from(doc.childNodes)) {
    if (node === root) continue;
    if (node.nodeType === ELEMENT_NODE || node.nodeType === TEXT_NODE) body.appendChild(node);
  }
}
