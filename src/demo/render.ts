/**
 * Pure renderers for the demo server: realistic article pages (with the
 * boilerplate an extractor has to see past) and feeds in every format the
 * pipeline parses. Output is deterministic for a given input, so ETags and
 * test expectations stay stable.
 */
import type { DemoArticle, DemoFeedFormat, DemoOutlet } from './corpus/types';

export interface RelatedLink {
  title: string;
  url: string;
}

export interface FeedEntry {
  article: DemoArticle;
  url: string;
}

export interface RenderedFeed {
  body: string;
  contentType: string;
}

// ---------------------------------------------------------------------------
// Escaping

// C0 controls (other than TAB, LF, CR) are illegal in XML and meaningless in HTML.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** Text or attribute value for HTML and XML (the same five characters matter in both). */
export function escapeMarkup(text: string): string {
  return text
    .replace(CONTROL_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Plain text for a feed field that readers treat as HTML (RSS title and
 * description, Atom type="html"): escaped once to become HTML, once more for
 * XML. "AT&T" becomes "AT&amp;amp;T", and "<b>" stays text.
 */
function xmlHtmlField(text: string): string {
  return escapeMarkup(escapeMarkup(text));
}

/** CDATA section; "]]>" inside the text is split across two sections. */
function cdata(text: string): string {
  return `<![CDATA[${text.replace(CONTROL_CHARS, '').replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** JSON for a <script> block: "<", ">" and "&" escaped so "</script>" in data cannot end it. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

// ---------------------------------------------------------------------------
// Dates

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "16 September 2026, 09:40 UTC": fixed format and zone, no locale data involved. */
function humanDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

function isoDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('.000Z', 'Z');
}

/** RFC 822 date as RSS wants it, e.g. "Wed, 16 Sep 2026 09:40:00 GMT". */
function rfc822Date(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toUTCString();
}

/** Newest publication date among the items; a fixed epoch for an empty feed keeps output deterministic. */
function newestDate(items: FeedEntry[]): string {
  const newest = items
    .map((item) => item.article.publishedAt)
    .sort()
    .pop();
  return newest ?? '1970-01-01T00:00:00Z';
}

// ---------------------------------------------------------------------------
// Article page

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The outlet's front page on the demo server: /{outlet}/ on the article's origin. */
function outletHome(articleUrl: string, outlet: DemoOutlet): string {
  try {
    return new URL(`/${outlet.id}/`, articleUrl).href;
  } catch {
    return `/${outlet.id}/`;
  }
}

const SECTIONS = ['World', 'Business', 'Technology', 'Markets', 'Science', 'Opinion'];

function renderSiteHeader(outlet: DemoOutlet, home: string): string {
  const sectionLinks = SECTIONS.map(
    (section) => `        <li><a href="${escapeMarkup(`${home}${slugify(section)}/`)}">${escapeMarkup(section)}</a></li>`,
  ).join('\n');
  return `  <header class="site-header">
    <div class="masthead">
      <a class="logo" href="${escapeMarkup(home)}">${escapeMarkup(outlet.name)}</a>
      <a class="subscribe" href="${escapeMarkup(`${home}subscribe/`)}">Subscribe</a>
      <a class="sign-in" href="${escapeMarkup(`${home}account/sign-in`)}">Sign in</a>
    </div>
    <nav class="site-nav" aria-label="Sections">
      <ul>
        <li><a href="${escapeMarkup(home)}">Home</a></li>
${sectionLinks}
      </ul>
    </nav>
  </header>`;
}

function renderShareBar(article: DemoArticle, url: string): string {
  const encodedUrl = encodeURIComponent(url);
  const encodedTitle = encodeURIComponent(article.title);
  const targets: Array<[string, string]> = [
    ['Share on X', `https://x.com/intent/post?url=${encodedUrl}&text=${encodedTitle}`],
    ['Share on Facebook', `https://www.facebook.com/sharer/sharer.php?u=${encodedUrl}`],
    ['Share on LinkedIn', `https://www.linkedin.com/sharing/share-offsite/?url=${encodedUrl}`],
    ['Share by email', `mailto:?subject=${encodedTitle}&body=${encodedUrl}`],
  ];
  const links = targets
    .map(([label, href]) => `      <li><a class="share-link" href="${escapeMarkup(href)}" rel="noopener">${label}</a></li>`)
    .join('\n');
  return `    <div class="share-bar" aria-label="Share this article">
    <ul>
${links}
      <li><button type="button" class="copy-link" data-url="${escapeMarkup(url)}">Copy link</button></li>
    </ul>
    </div>`;
}

function renderFigure(article: DemoArticle, outlet: DemoOutlet, home: string): string {
  if (!article.caption) return '';
  const imageUrl = `${home}images/${article.slug}.jpg`;
  return `
      <figure class="lead-image">
        <img src="${escapeMarkup(imageUrl)}" alt="${escapeMarkup(article.caption)}" width="1200" height="675" loading="eager">
        <figcaption>${escapeMarkup(article.caption)} <span class="credit">Photo: ${escapeMarkup(outlet.name)}</span></figcaption>
      </figure>`;
}

function renderRelated(related: RelatedLink[]): string {
  if (related.length === 0) return '';
  const items = related.map((link) => `        <li><a href="${escapeMarkup(link.url)}">${escapeMarkup(link.title)}</a></li>`).join('\n');
  return `
    <aside class="related" aria-labelledby="related-heading">
      <h2 id="related-heading">Related</h2>
      <ul>
${items}
      </ul>
    </aside>`;
}

function renderNewsletter(outlet: DemoOutlet, home: string): string {
  return `
    <section class="newsletter-signup" aria-labelledby="newsletter-heading">
      <h2 id="newsletter-heading">The morning briefing from ${escapeMarkup(outlet.name)}</h2>
      <p>The day's most important stories, in your inbox before breakfast. Free, every weekday.</p>
      <form action="${escapeMarkup(`${home}newsletters/subscribe`)}" method="post">
        <label for="newsletter-email">Email address</label>
        <input id="newsletter-email" type="email" name="email" placeholder="you@example.com" required>
        <button type="submit">Sign up</button>
      </form>
      <p class="small-print">By signing up you agree to our terms. You can unsubscribe at any time.</p>
    </section>`;
}

function renderFooter(outlet: DemoOutlet, home: string, year: number): string {
  const links = ['About us', 'Contact', 'Corrections', 'Privacy policy', 'Terms of use', 'Cookie settings']
    .map((label) => `        <li><a href="${escapeMarkup(`${home}${slugify(label)}/`)}">${escapeMarkup(label)}</a></li>`)
    .join('\n');
  return `  <footer class="site-footer">
    <nav aria-label="Footer">
      <ul>
${links}
      </ul>
    </nav>
    <p>&copy; ${year} ${escapeMarkup(outlet.name)}. A fictional outlet for the Storyline demo; all articles are invented.</p>
  </footer>`;
}

const PAGE_STYLE = `    body { font-family: Georgia, serif; margin: 0; color: #1a1a1a; }
    .site-header, .site-footer { font-family: Helvetica, Arial, sans-serif; background: #f4f1ea; padding: 0.75rem 1.5rem; }
    .site-nav ul, .share-bar ul, .site-footer ul { list-style: none; display: flex; gap: 1rem; padding: 0; }
    main { max-width: 42rem; margin: 0 auto; padding: 1rem; }
    .byline, .share-bar, figcaption { font-family: Helvetica, Arial, sans-serif; font-size: 0.875rem; color: #555; }
    .newsletter-signup { border: 1px solid #ccc; padding: 1rem; margin-top: 2rem; }`;

/** A full article page, as a news site would serve it. */
export function renderArticlePage(article: DemoArticle, outlet: DemoOutlet, opts: { url: string; related: RelatedLink[] }): string {
  const home = outletHome(opts.url, outlet);
  const published = isoDate(article.publishedAt);
  const headline = escapeMarkup(article.title);
  const authorUrl = `${home}authors/${slugify(article.author)}/`;
  const imageUrl = article.caption ? `${home}images/${article.slug}.jpg` : undefined;
  const year = new Date(article.publishedAt).getUTCFullYear() || 2026;

  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.title,
    description: article.summary,
    datePublished: published,
    dateModified: published,
    inLanguage: outlet.lang,
    url: opts.url,
    mainEntityOfPage: { '@type': 'WebPage', '@id': opts.url },
    author: [{ '@type': 'Person', name: article.author, url: authorUrl }],
    publisher: { '@type': 'Organization', name: outlet.name, url: home },
    ...(imageUrl ? { image: [imageUrl] } : {}),
  };

  const paragraphs = article.paragraphs.map((paragraph) => `        <p>${escapeMarkup(paragraph)}</p>`).join('\n');

  return `<!DOCTYPE html>
<html lang="${escapeMarkup(outlet.lang)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${headline} | ${escapeMarkup(outlet.name)}</title>
  <meta name="description" content="${escapeMarkup(article.summary)}">
  <meta name="author" content="${escapeMarkup(article.author)}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="${headline}">
  <meta property="og:description" content="${escapeMarkup(article.summary)}">
  <meta property="og:site_name" content="${escapeMarkup(outlet.name)}">
  <meta property="og:url" content="${escapeMarkup(opts.url)}">
${imageUrl ? `  <meta property="og:image" content="${escapeMarkup(imageUrl)}">\n` : ''}  <meta property="article:published_time" content="${escapeMarkup(published)}">
  <meta property="article:author" content="${escapeMarkup(authorUrl)}">
  <meta name="twitter:card" content="summary_large_image">
  <link rel="canonical" href="${escapeMarkup(opts.url)}">
  <script type="application/ld+json">
${jsonForScript(jsonLd)}
  </script>
  <style>
${PAGE_STYLE}
  </style>
</head>
<body>
  <a class="skip-link" href="#main">Skip to content</a>
${renderSiteHeader(outlet, home)}
  <main id="main">
${renderShareBar(article, opts.url)}
    <article class="story">
      <header class="story-header">
        <h1>${headline}</h1>
        <p class="standfirst">${escapeMarkup(article.summary)}</p>
        <p class="byline">By <a rel="author" href="${escapeMarkup(authorUrl)}">${escapeMarkup(article.author)}</a>
          &middot; <time datetime="${escapeMarkup(published)}">${escapeMarkup(humanDate(article.publishedAt))}</time></p>
      </header>${renderFigure(article, outlet, home)}
      <div class="story-body">
${paragraphs}
      </div>
    </article>${renderRelated(opts.related)}${renderNewsletter(outlet, home)}
  </main>
${renderFooter(outlet, home, year)}
</body>
</html>
`;
}

// ---------------------------------------------------------------------------
// Feeds

function articleHtml(article: DemoArticle): string {
  return article.paragraphs.map((paragraph) => `<p>${escapeMarkup(paragraph)}</p>`).join('\n');
}

const CONTENT_TYPES: Record<DemoFeedFormat, string> = {
  rss2: 'application/rss+xml; charset=utf-8',
  'rss-noversion': 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  rdf: 'application/rdf+xml; charset=utf-8',
  jsonfeed: 'application/feed+json; charset=utf-8',
};

function feedDescription(outlet: DemoOutlet): string {
  return `Latest news from ${outlet.name}`;
}

/** RSS 2.0; `withVersion: false` gives the legacy `<rss>` without a version attribute. */
function renderRss(outlet: DemoOutlet, items: FeedEntry[], opts: FeedUrls, withVersion: boolean): string {
  const entries = items
    .map(
      ({ article, url }) => `    <item>
      <title>${xmlHtmlField(article.title)}</title>
      <link>${escapeMarkup(url)}</link>
      <guid isPermaLink="true">${escapeMarkup(url)}</guid>
      <pubDate>${rfc822Date(article.publishedAt)}</pubDate>
      <dc:creator>${escapeMarkup(article.author)}</dc:creator>
      <description>${xmlHtmlField(article.summary)}</description>
      <content:encoded>${cdata(articleHtml(article))}</content:encoded>
    </item>`,
    )
    .join('\n');
  const version = withVersion ? ' version="2.0"' : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss${version} xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escapeMarkup(outlet.name)}</title>
    <link>${escapeMarkup(opts.siteUrl)}</link>
    <description>${escapeMarkup(feedDescription(outlet))}</description>
    <language>${escapeMarkup(outlet.lang)}</language>
    <atom:link href="${escapeMarkup(opts.feedUrl)}" rel="self" type="application/rss+xml"/>
    <lastBuildDate>${rfc822Date(newestDate(items))}</lastBuildDate>
${entries}
  </channel>
</rss>
`;
}

/** Atom ids are tag URIs (RFC 4151), so a consumer sees an id that is not the link. */
function atomEntryId(article: DemoArticle): string {
  return `tag:${article.outlet}.storyline.invalid,${article.publishedAt.slice(0, 10)}:${article.slug}`;
}

function renderAtom(outlet: DemoOutlet, items: FeedEntry[], opts: FeedUrls): string {
  const entries = items
    .map(
      ({ article, url }) => `  <entry>
    <title type="html">${xmlHtmlField(article.title)}</title>
    <id>${escapeMarkup(atomEntryId(article))}</id>
    <link rel="alternate" type="text/html" href="${escapeMarkup(url)}"/>
    <published>${isoDate(article.publishedAt)}</published>
    <updated>${isoDate(article.publishedAt)}</updated>
    <author><name>${escapeMarkup(article.author)}</name></author>
    <summary type="html">${xmlHtmlField(article.summary)}</summary>
    <content type="html">${escapeMarkup(articleHtml(article))}</content>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeMarkup(outlet.lang)}">
  <title>${escapeMarkup(outlet.name)}</title>
  <subtitle>${escapeMarkup(feedDescription(outlet))}</subtitle>
  <id>${escapeMarkup(opts.feedUrl)}</id>
  <link rel="self" type="application/atom+xml" href="${escapeMarkup(opts.feedUrl)}"/>
  <link rel="alternate" type="text/html" href="${escapeMarkup(opts.siteUrl)}"/>
  <updated>${isoDate(newestDate(items))}</updated>
${entries}
</feed>
`;
}

/** RSS 1.0: items are siblings of <channel>, listed in its rdf:Seq; dates in dc:date. */
function renderRdf(outlet: DemoOutlet, items: FeedEntry[], opts: FeedUrls): string {
  const sequence = items.map(({ url }) => `          <rdf:li rdf:resource="${escapeMarkup(url)}"/>`).join('\n');
  const entries = items
    .map(
      ({ article, url }) => `  <item rdf:about="${escapeMarkup(url)}">
    <title>${xmlHtmlField(article.title)}</title>
    <link>${escapeMarkup(url)}</link>
    <description>${xmlHtmlField(article.summary)}</description>
    <dc:creator>${escapeMarkup(article.author)}</dc:creator>
    <dc:date>${isoDate(article.publishedAt)}</dc:date>
    <content:encoded>${cdata(articleHtml(article))}</content:encoded>
  </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="${escapeMarkup(opts.feedUrl)}">
    <title>${escapeMarkup(outlet.name)}</title>
    <link>${escapeMarkup(opts.siteUrl)}</link>
    <description>${escapeMarkup(feedDescription(outlet))}</description>
    <dc:language>${escapeMarkup(outlet.lang)}</dc:language>
    <dc:date>${isoDate(newestDate(items))}</dc:date>
    <items>
      <rdf:Seq>
${sequence}
      </rdf:Seq>
    </items>
  </channel>
${entries}
</rdf:RDF>
`;
}

function renderJsonFeed(outlet: DemoOutlet, items: FeedEntry[], opts: FeedUrls): string {
  const document = {
    version: 'https://jsonfeed.org/version/1.1',
    title: outlet.name,
    home_page_url: opts.siteUrl,
    feed_url: opts.feedUrl,
    description: feedDescription(outlet),
    language: outlet.lang,
    items: items.map(({ article, url }) => ({
      id: url,
      url,
      title: article.title,
      summary: article.summary,
      content_html: articleHtml(article),
      date_published: isoDate(article.publishedAt),
      authors: [{ name: article.author }],
      language: outlet.lang,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

interface FeedUrls {
  feedUrl: string;
  siteUrl: string;
}

/** The outlet's feed in its own format (`outlet.feedFormat`), newest first as given. */
export function renderFeed(outlet: DemoOutlet, items: FeedEntry[], opts: FeedUrls): RenderedFeed {
  const format = outlet.feedFormat;
  let body: string;
  switch (format) {
    case 'rss2':
      body = renderRss(outlet, items, opts, true);
      break;
    case 'rss-noversion':
      body = renderRss(outlet, items, opts, false);
      break;
    case 'atom':
      body = renderAtom(outlet, items, opts);
      break;
    case 'rdf':
      body = renderRdf(outlet, items, opts);
      break;
    case 'jsonfeed':
      body = renderJsonFeed(outlet, items, opts);
      break;
    default: {
      const unknown: never = format;
      throw new Error(`renderFeed: unknown feed format ${String(unknown)}`);
    }
  }
  return { body, contentType: CONTENT_TYPES[format] };
}
