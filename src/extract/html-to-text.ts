/**
 * Block-aware DOM → text conversion. Unlike `textContent`, this keeps paragraph
 * structure (blocks separated by a blank line) and never glues the last word of
 * one block to the first word of the next.
 */

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/** Elements that start and end a block of text. */
const BLOCK_ELEMENTS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'section',
  'summary',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
]);

/** Table cells sit side by side: separate them by a space, not a block break. */
const CELL_ELEMENTS = new Set(['td', 'th']);

/** Elements whose content is never reader-visible prose. */
const SKIPPED_ELEMENTS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'title',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'canvas',
  'video',
  'audio',
  'select',
  'option',
  'textarea',
  'button',
  'input',
]);

/** Collapses every whitespace run (incl. NBSP and line breaks) to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * JSON-LD and meta values sometimes carry HTML entities ("&#8217;"). The text is
 * parsed as the content of an inert element with every "<" escaped, so no markup
 * can form; this works alike on jsdom and linkedom (whose <textarea> does not
 * decode).
 */
export function decodeEntities(doc: Document, text: string): string {
  if (!/&(?:#\d+|#x[\da-f]+|\w+);/i.test(text)) return text;
  const holder = doc.createElement('div');
  holder.innerHTML = text.replace(/</g, '&lt;');
  return holder.textContent ?? text;
}

/** Normalises already-plain text (e.g. JSON-LD articleBody): one block per non-empty line. */
export function plainTextToBlocks(text: string): string {
  return text
    .split(/\r?\n|\r/)
    .map(collapseWhitespace)
    .filter(Boolean)
    .join('\n\n');
}

/**
 * Text of `root` with block elements (p, h1–h6, li, blockquote, pre, div, tr, …)
 * as paragraphs joined by "\n\n". Inline whitespace collapses to one space, and
 * only where the source had whitespace: `one<b>two</b>` stays `onetwo`, as a
 * browser renders it. A single <br> is a line break; two in a row end the block.
 */
export function htmlToText(root: Node): string {
  const blocks: string[] = [];
  let lines: string[] = [];
  let inline = '';

  const endLine = (): void => {
    const line = collapseWhitespace(inline);
    inline = '';
    if (line) lines.push(line);
  };
  const endBlock = (): void => {
    endLine();
    if (lines.length > 0) blocks.push(lines.join('\n'));
    lines = [];
  };

  // Iterative walk: hostile pages nest deeply enough to overflow a recursive one.
  type Step = { node: Node; leaving: boolean };
  const stack: Step[] = [{ node: root, leaving: false }];
  while (stack.length > 0) {
    const { node, leaving } = stack.pop() as Step;
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      inline += node.nodeValue ?? '';
      continue;
    }
    const tag = node.nodeType === ELEMENT_NODE ? (node as Element).localName : '';
    if (leaving) {
      if (BLOCK_ELEMENTS.has(tag)) endBlock();
      else if (CELL_ELEMENTS.has(tag)) inline += ' ';
      continue;
    }
    if (SKIPPED_ELEMENTS.has(tag)) continue;
    if (tag === 'br') {
      const lineWasEmpty = collapseWhitespace(inline) === '';
      if (lineWasEmpty && lines.length > 0) endBlock();
      else endLine();
      continue;
    }
    if (tag === 'pre') {
      endBlock();
      const pre = preformattedText(node);
      if (pre) blocks.push(pre);
      continue;
    }
    if (BLOCK_ELEMENTS.has(tag)) endBlock();
    else if (CELL_ELEMENTS.has(tag)) inline += ' ';
    stack.push({ node, leaving: true });
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], leaving: false });
  }
  endBlock();
  return blocks.join('\n\n');
}

/** <pre> keeps its line structure; only trailing spaces and blank edges go. */
function preformattedText(pre: Node): string {
  return (pre.textContent ?? '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}
