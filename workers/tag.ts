import type { Job } from 'bullmq';
import { jobIdFor } from '../queues';
import { analyseText, textAnalysisRecord } from '../src/merge/text-analysis';
import { tagEntities } from '../src/tag';
import type { ArticleJobData } from '../src/types';
import type { StageContext } from './context';

/**
 * tag stage: link gazetteer entities and recognise other names; and analyse the text for
 * merging (src/merge/text-analysis.ts), which scales out here rather than in the single merge writer.
 */
export async function processTagJob(job: Job<ArticleJobData>, ctx: StageContext): Promise<{ entities: number }> {
  const { articleId } = job.data;
  const article = await ctx.store.getArticleText(articleId);
  const { entities } = tagEntities(article.text, { title: article.title });
  // The merge stage's per-article text work, done here because merge is the pipeline's single writer.
  const analysis = textAnalysisRecord(analyseText(article.title, article.text));
  await ctx.store.saveTagged(articleId, entities, analysis);
  await ctx.queues.merge.add('merge', { articleId }, { jobId: jobIdFor('merge', articleId) });
  ctx.logger.debug(
    { queue: 'tag', jobId: job.id, articleId, entities: entities.length, top: entities.slice(0, 3).map((e) => e.entityId) },
    'article tagged',
  );
  return { entities: entities.length };
}
