/**
 * Every Redis key Storyline writes, in one place. All keys start with the
 * configured prefix so a run can be isolated (demo, tests) and cleared.
 *
 * Redis Cluster: records are addressed one key at a time, except the merge
 * stage's atomic MULTI, which touches story, index and assignment keys
 * together, and the scripts that touch several keys (events, audit, feed
 * registry; docs/scaling.md lists them). Giving the prefix a hash tag (`{storyline}`) puts every key in one
 * slot, which keeps MULTI legal at the price of one shard; see docs/design.md.
 */
export function keyspace(prefix: string) {
  const k = (...parts: string[]) => [prefix, ...parts].join(':');
  return {
    prefix,
    /** Hash feedId → FeedConfig JSON. */
    feeds: k('feeds'),
    /**
     * Hash feedId → ISO time of `storyline feeds remove`: a configured feed removed at run time is not seeded
     * again when workers restart (syncFeedSchedulers) until `storyline feeds add` registers it again.
     */
    feedsRemoved: k('feeds', 'removed'),
    /** Hash of per-feed polling state. */
    feedState: (feedId: string) => k('feed', feedId, 'state'),
    item: (articleId: string) => k('item', articleId),
    articleFeeds: (articleId: string) => k('article', articleId, 'feeds'),
    /** Raw HTML (gzip), kept only for a while: extraction can be replayed within the TTL. */
    html: (articleId: string) => k('html', articleId),
    fetched: (articleId: string) => k('fetched', articleId),
    article: (articleId: string) => k('article', articleId),
    tagged: (articleId: string) => k('tagged', articleId),
    /**
     * The article's text analysis for merging (src/merge/text-analysis.ts): written by tag, deleted by the
     * merge commit that uses it (at the latest it expires with the HTML). Merge data: on a split keyspace
     * it belongs with the merge keys (docs/scaling.md).
     */
    textAnalysis: (articleId: string) => k('analysis', articleId),
    /**
     * Merge index (see src/store/merge-store.ts). Document count and df hash of the current generation, and of
     * the previous one (MergeOptions.dfGenerationSize): df = current + previous.
     */
    mergeDocCount: k('merge', 'docs'),
    mergeDf: k('merge', 'df'),
    mergePrevDocCount: k('merge', 'docs', 'prev'),
    mergePrevDf: k('merge', 'df', 'prev'),
    /** Token of the last merge commit: a merge worker trusts its in-memory mirror only while the token is its own. */
    mergeEpoch: k('merge', 'epoch'),
    mergeState: (storyId: string) => k('merge', 'state', storyId),
    mergeEntityIndex: (entityId: string) => k('merge', 'idx', 'e', entityId),
    mergeTermIndex: (term: string) => k('merge', 'idx', 't', term),
    /**
     * Story repair: absorbed story id → surviving story id, one string key per absorbed story with the
     * record TTL (a redirect is only useful while the absorbed story's record and events can be asked about).
     */
    mergedInto: (storyId: string) => k('merge', 'merged', storyId),
    assignment: (articleId: string) => k('merge', 'assign', articleId),
    story: (storyId: string) => k('story', storyId),
    storyVersion: (storyId: string, version: number) => k('story', storyId, 'v', String(version)),
    /** Sorted set of story ids by last update (ms). */
    stories: k('stories'),
    /** Secondary indexes for the API's filters: story ids by last update (ms), per entity / per outlet (lower-cased name). */
    storiesByEntity: (entityId: string) => k('stories', 'entity', entityId),
    storiesBySource: (source: string) => k('stories', 'source', source.trim().toLowerCase()),
    /** List of compact version entries (JSON), oldest first. */
    storyVersions: (storyId: string) => k('story', storyId, 'versions'),
    /** Pipeline metrics shared by every process (src/metrics). */
    metricsCounters: k('metrics', 'counters'),
    metricsHistograms: k('metrics', 'histograms'),
    metricsMinute: (stage: string, minute: number) => k('metrics', 'minute', stage, String(minute)),
    /** Accounting (src/audit): ZSET entry id → first-seen ms; HASH entry id → outcome; HASH id → failure JSON; per-item marker (TTL). */
    auditSeen: k('audit', 'seen'),
    auditOutcome: k('audit', 'outcome'),
    auditFailure: k('audit', 'failure'),
    auditItem: (itemId: string) => k('audit', 'item', itemId),
    events: (stream: string) => k(stream),
    eventSeen: (eventId: string) => k('event-seen', eventId),
  };
}

export type Keyspace = ReturnType<typeof keyspace>;
