import type { DemoArticle } from './types';

/**
 * Demo corpus, part B: six events (OpenAI model launch, TSMC Arizona, US export
 * rules, Anthropic funding, Huawei Ascend roadmap, Meta open-weights model).
 * All articles are fictional and were written for this project.
 */
export const ARTICLES_B: DemoArticle[] = [
  // ---------------------------------------------------------------------------
  // openai-model: OpenAI releases GPT-6 (2026-10-06 .. 2026-10-07)
  // ---------------------------------------------------------------------------
  {
    outlet: 'meridian-wire',
    event: 'openai-model',
    slug: 'openai-launches-gpt-6-flagship-model',
    title: 'OpenAI launches GPT-6, its new flagship AI model',
    author: 'Dana Whitcombe',
    publishedAt: '2026-10-06T17:55:00Z',
    summary:
      'OpenAI on Tuesday released GPT-6, a flagship model it says can carry out long, multi-step tasks, with API pricing of $6 per million input tokens.',
    paragraphs: [
      `SAN FRANCISCO, Oct 6 - OpenAI on Tuesday released GPT-6, the latest version of the large language model behind ChatGPT, saying it can plan and complete multi-step work with less human supervision than earlier systems.`,
      `Chief Executive Sam Altman introduced the model in a livestreamed presentation from the company's San Francisco headquarters. "GPT-6 is the first model we have shipped that feels like a colleague rather than a tool," Altman said.`,
      `The model is available immediately to paying ChatGPT subscribers on the Plus, Pro, Business and Enterprise plans, the company said. Free users will get access with lower usage limits within two weeks.`,
      `Developers can use GPT-6 through OpenAI's API at $6 per million input tokens and $24 per million output tokens. A smaller GPT-6 mini costs $0.50 and $2 respectively. Both support a context window of 1 million tokens.`,
      `Microsoft, OpenAI's largest backer, said GPT-6 was available on its Azure AI Foundry platform from Tuesday and would reach Microsoft 365 Copilot in the coming weeks.`,
      `OpenAI said the model scored 83.7% on the SWE-bench Verified coding benchmark and 90.2% on the GPQA Diamond science test, according to its own evaluations. The figures could not be independently verified.`,
      `The company published a 62-page system card alongside the release. It said it treated GPT-6 as a "High" capability model in biology and, for the first time, in cybersecurity under its Preparedness Framework, and had deployed additional safeguards as a result.`,
    ],
  },
  {
    outlet: 'pacific-ledger',
    event: 'openai-model',
    slug: 'gpt-6-arrives-as-openai-bets-on-agents',
    title: 'With GPT-6, OpenAI bets that AI can finish the job on its own',
    author: 'Marisol Keane',
    publishedAt: '2026-10-06T18:40:00Z',
    summary:
      'OpenAI unveiled GPT-6 on Tuesday, pitching it as a model that can work for hours on a task; the launch comes with new safety commitments and a same-day rollout on Microsoft Azure.',
    caption: 'Sam Altman speaks during the GPT-6 launch livestream in San Francisco on Oct 6, 2026.',
    paragraphs: [
      `For three years, the pitch for chatbots has been that they answer questions. On Tuesday, OpenAI made a different promise: that its newest model, GPT-6, can take on a project and see it through.`,
      `"We think of this as the start of agents that can actually finish work," Sam Altman, OpenAI's chief executive, said during a livestreamed event in San Francisco. In one demonstration, the model spent close to four hours building and testing a small accounting application, checking in with an engineer only twice.`,
      `The release is OpenAI's most significant since GPT-5 in August 2025, and it lands in a crowded field. Google, Anthropic and several Chinese laboratories have all shipped competitive systems this year, and the gap between the leaders on public benchmarks has narrowed.`,
      `OpenAI says GPT-6 leads on several of them, including a score of 83.7% on SWE-bench Verified, a widely watched test of software engineering. Altman acknowledged that benchmarks "only tell part of the story" and said the real test would be how businesses use it.`,
      `Safety was a recurring theme. The company said GPT-6 was tested for roughly five months by more than 400 outside red-teamers, as well as by the US Center for AI Standards and Innovation and the UK AI Security Institute. OpenAI classified the model as "High" capability in biology and cybersecurity, triggering tighter monitoring of some requests.`,
      `Microsoft, which has invested more than $13 billion in OpenAI, made the model available on Azure the same day. ChatGPT's paying subscribers can use it now; free users will have to wait up to two weeks.`,
    ],
  },
  {
    outlet: 'silicon-courier',
    event: 'openai-model',
    slug: 'gpt-6-benchmarks-pricing-api-details',
    title: 'GPT-6 by the numbers: 1M-token context, $6 input pricing and an 83.7% SWE-bench score',
    author: 'Theo Brandvold',
    publishedAt: '2026-10-06T19:15:00Z',
    summary:
      "OpenAI's GPT-6 ships with a 1-million-token context window, a cheaper mini variant and benchmark claims that put it ahead of rivals on coding tasks. Here is what developers need to know.",
    paragraphs: [
      `OpenAI's GPT-6 went live on the API within minutes of Tuesday's keynote, and the developer documentation tells a more detailed story than the stage show did.`,
      `Start with pricing. GPT-6 costs $6 per million input tokens and $24 per million output tokens, a modest increase over GPT-5's launch rates. Cached input is billed at a 90% discount. GPT-6 mini, which OpenAI positions as the default for high-volume workloads, comes in at $0.50 and $2. Both models accept up to 1 million tokens of context.`,
      `On benchmarks, OpenAI reports 83.7% on SWE-bench Verified, 90.2% on GPQA Diamond, 46.1% on Humanity's Last Exam without tools and 38% on ARC-AGI-2. Those are company-run numbers; independent leaderboards typically lag a launch by a week or two.`,
      `The bigger change may be in how the model handles tools. GPT-6 can run what OpenAI calls "long-horizon sessions" that persist for hours, calling code interpreters, browsers and customer-defined functions. Sam Altman said on stage that internal teams had used GPT-6 to close out engineering tickets "end to end" since the summer.`,
      `For enterprise buyers, Microsoft Azure AI Foundry offers GPT-6 from day one, with data residency in the US and EU regions at launch and additional regions promised by the end of October.`,
      `Developers should read the 62-page system card before building anything that touches security tooling. OpenAI says it has tightened classifiers on requests involving exploit development, and some legitimate penetration-testing prompts may be refused unless organizations enroll in a trusted-access program.`,
    ],
  },
  {
    outlet: 'harbour-tech',
    event: 'openai-model',
    slug: 'chatgpt-gpt-6-what-changes-for-users',
    title: 'GPT-6 is in ChatGPT now. Here is who gets it, and when',
    author: 'Priya Ellingham',
    publishedAt: '2026-10-07T08:00:00Z',
    summary:
      'Paying ChatGPT subscribers can switch to GPT-6 today, while free users get a limited version within two weeks. We explain the tiers, limits and new features.',
    paragraphs: [
      `If you pay for ChatGPT, you probably already have GPT-6. OpenAI began rolling out the model to Plus, Pro, Business and Enterprise accounts on Tuesday, Oct 6, shortly after Sam Altman's launch presentation.`,
      `Plus subscribers, who pay $20 a month, get GPT-6 with a weekly message cap that OpenAI has not published in full; the company says it is "several times higher" than the GPT-5 Thinking limits at launch. Pro users, at $200 a month, get effectively unlimited access and the longest-running agent sessions.`,
      `Free users are not left out entirely. OpenAI says they will be moved to GPT-6 within two weeks, though heavy users will be switched to GPT-6 mini once they hit a daily limit.`,
      `What will you notice? The headline feature is a task mode that lets GPT-6 work in the background for hours, for instance to research a trip, reconcile a spreadsheet or draft and test a small app. You can close the tab and come back to a summary. Altman called it "the first model that feels like a colleague."`,
      `There are guardrails. OpenAI's safety testing classified GPT-6 as "High" risk in biology and cybersecurity, so expect more refusals on some technical questions than you saw before.`,
      `Using Microsoft Copilot instead? Microsoft says GPT-6 will reach Microsoft 365 Copilot "in the coming weeks," after a same-day launch on its Azure cloud for developers.`,
    ],
  },
  {
    outlet: 'capital-review',
    event: 'openai-model',
    slug: 'gpt-6-pricing-microsoft-azure-margin-question',
    title: 'GPT-6 pricing tests how much businesses will pay for AI agents',
    author: 'Gregory Ashdown',
    publishedAt: '2026-10-07T13:30:00Z',
    summary:
      'OpenAI priced GPT-6 above its predecessor, a sign it sees room to charge more for agentic work; Microsoft shares rose 1.4% after the model launched on Azure.',
    paragraphs: [
      `OpenAI's decision to price GPT-6 higher than its predecessor says as much about the company's finances as about the model itself.`,
      `The new flagship, unveiled Tuesday, costs developers $6 per million input tokens and $24 per million output tokens, up from GPT-5's launch pricing. Analysts said the increase signals confidence that corporate customers will pay a premium for models that can complete multi-hour tasks.`,
      `"The industry spent two years racing prices to the floor," said Helena Forsgren, a software analyst at Northgate Securities. "OpenAI is betting that agents are a different product with different economics. If enterprises accept these rates, it resets expectations across the sector."`,
      `Microsoft, which hosts the model on Azure AI Foundry and receives a share of OpenAI's revenue under their restructured partnership, closed up 1.4% on Tuesday. Investors have watched Azure's AI contribution closely since the company said in July that AI services added 16 percentage points to cloud growth.`,
      `OpenAI is burning through capital to build data centers, and Sam Altman has said the company expects revenue to exceed $30 billion this year. GPT-6 mini, priced at $0.50 and $2, is intended to protect volume at the low end, where Chinese open models and Google's Gemini have pressured prices.`,
      `The cost of safety is also rising. OpenAI said GPT-6 underwent five months of external red-teaming, and analysts at Northgate estimate that safeguards and monitoring now add 3% to 5% to inference costs for frontier models.`,
    ],
  },
  {
    outlet: 'asia-compute',
    event: 'openai-model',
    slug: 'gpt-6-launch-asia-availability-rivals',
    title: 'GPT-6 reaches Asia via Azure as Chinese labs weigh their response',
    author: 'Kenji Moriyama',
    publishedAt: '2026-10-07T04:20:00Z',
    summary:
      "OpenAI's GPT-6 became available to developers in Japan, Korea and Singapore through Microsoft Azure, while analysts in Beijing said Chinese rivals would struggle to match its context length soon.",
    paragraphs: [
      `OpenAI's GPT-6, released in San Francisco late on Tuesday Asian time, was available to enterprise developers in Tokyo, Seoul and Singapore by Wednesday morning through Microsoft's Azure AI Foundry, though regional data residency will only arrive later this month.`,
      `Microsoft said its Japan East and Southeast Asia regions would host GPT-6 inference "before the end of October," a commitment closely watched by banks and insurers in the region that cannot send customer data overseas.`,
      `Sam Altman, OpenAI's chief executive, described the model as a step toward agents that can "actually finish work." OpenAI reports a score of 83.7% on the SWE-bench Verified coding benchmark, ahead of the best published results from Chinese developers such as DeepSeek and Alibaba's Qwen team.`,
      `"The gap on coding is real, but it is months, not years," said Lin Shuwen, a research director at a Shanghai-based technology consultancy. She noted that GPT-6's 1-million-token context window and multi-hour task sessions demand large inference clusters that Chinese labs, constrained by US export controls on Nvidia hardware, find harder to deploy at scale.`,
      `OpenAI's consumer app ChatGPT remains unavailable in mainland China. In Japan, where OpenAI opened a Tokyo office in 2024, the company said GPT-6 handles Japanese business documents with fewer errors than GPT-5 did, without giving figures.`,
      `API pricing is the same worldwide: $6 per million input tokens and $24 per million output tokens for the full model.`,
    ],
  },

  // ---------------------------------------------------------------------------
  // tsmc-arizona: TSMC starts volume production at its second Arizona fab
  // (2026-10-21 .. 2026-10-22)
  // ---------------------------------------------------------------------------
  {
    outlet: 'meridian-wire',
    event: 'tsmc-arizona',
    slug: 'tsmc-second-arizona-fab-volume-production-3nm',
    title: 'TSMC starts volume production at second Arizona fab',
    author: 'Ruth Okonkwo',
    publishedAt: '2026-10-21T06:10:00Z',
    summary:
      'Taiwan Semiconductor Manufacturing Co said on Wednesday its second Arizona plant had begun volume production of 3-nanometer chips, more than a year ahead of its original schedule.',
    paragraphs: [
      `HSINCHU, Taiwan, Oct 21 - Taiwan Semiconductor Manufacturing Co (TSMC) said on Wednesday that its second chip plant in Arizona had begun volume production using its 3-nanometer (N3) process, bringing some of the world's most advanced manufacturing to US soil.`,
      `The fab, part of TSMC's Fab 21 complex in north Phoenix, had originally been scheduled to start production in 2028. TSMC pulled the timeline forward last year after strong demand from US customers.`,
      `"Arizona is no longer an experiment. It is a production site," Chairman and Chief Executive C.C. Wei said in a statement. "Our customers asked us to move faster, and our teams in Phoenix delivered."`,
      `The world's largest contract chipmaker did not name customers for the new plant, but Apple, Nvidia and AMD have all said publicly that they will source chips from TSMC's Arizona operations.`,
      `The company said the second fab would start at about 15,000 wafers a month and ramp toward 30,000 by the end of 2027. A third fab, designed for the 2-nanometer (N2) and A16 processes, is under construction on the same site, with production targeted for 2028.`,
      `TSMC has committed a total of $165 billion to Arizona, including six fabs, two advanced packaging plants and a research center. It was awarded $6.6 billion in direct funding under the US CHIPS and Science Act in 2024.`,
      `TSMC shares rose 1.8% in Taipei on Wednesday.`,
    ],
  },
  {
    outlet: 'pacific-ledger',
    event: 'tsmc-arizona',
    slug: 'tsmc-arizona-second-fab-phoenix-desert',
    title: "In the Arizona desert, TSMC's second fab flips the switch on 3-nanometer chips",
    author: 'Colin Ferreira',
    publishedAt: '2026-10-21T15:30:00Z',
    summary:
      "TSMC's second Phoenix fab is now producing 3-nanometer chips for customers such as Apple and Nvidia, a milestone for the CHIPS Act and for a project that was once dogged by delays.",
    caption: "Workers in cleanroom suits at TSMC's Fab 21 complex in north Phoenix.",
    paragraphs: [
      `Four years ago, the patch of desert north of Phoenix where Taiwan Semiconductor Manufacturing Co now runs two chip factories was mostly creosote bushes and dirt roads. On Wednesday, TSMC said the second of those factories had begun volume production of 3-nanometer chips, among the most advanced processors made anywhere.`,
      `The milestone matters well beyond Arizona. The United States has spent the better part of a decade worrying about its dependence on Taiwan for cutting-edge semiconductors, and the CHIPS and Science Act, signed in 2022, was written largely with projects like this in mind. TSMC received $6.6 billion in direct grants under the law.`,
      `It has not always been smooth. TSMC's first Arizona fab was delayed by labor shortages and disputes over construction practices, and executives once complained openly about US costs. C.C. Wei, TSMC's chairman, struck a different tone this week. "Arizona is no longer an experiment," he said. "It is a production site."`,
      `The plant employs about 3,800 people, many of them local hires trained in Taiwan. Its early output is expected to go to Apple, Nvidia and AMD, which have all committed to buying Arizona-made chips.`,
      `In Taiwan, the reaction was more measured. The Ministry of Economic Affairs noted that TSMC's newest 2-nanometer process remains in volume production only on the island, a point Taiwanese officials make often as debate continues over how much of the industry should move abroad.`,
    ],
  },
  {
    outlet: 'harbour-tech',
    event: 'tsmc-arizona',
    slug: 'tsmc-arizona-fab-2-n3-what-it-makes',
    title: "What TSMC's second Arizona fab will actually make",
    author: 'Jonah Petrakis',
    publishedAt: '2026-10-21T12:05:00Z',
    summary:
      "The new Phoenix fab runs TSMC's N3 process, the same family used for recent iPhone and Mac chips and for Nvidia and AMD accelerators. N2 comes later, in a third fab.",
    paragraphs: [
      `TSMC's announcement on Wednesday that its second Arizona fab has entered volume production raises an obvious question for anyone who owns a phone or a laptop: what is it building?`,
      `The answer is chips on N3, TSMC's 3-nanometer family. That includes the variants used in recent Apple A-series and M-series processors, and in data-center accelerators from Nvidia and AMD. The first Arizona fab, which started production in late 2024, runs the older N4 process.`,
      `TSMC hasn't said which products are coming off the new line first. Apple has said publicly that it will be the first and largest customer at TSMC Arizona, and Nvidia has said some of its Blackwell and Rubin-generation chips will be fabricated in Phoenix.`,
      `One caveat: a wafer made in Arizona still has to be packaged. Advanced packaging, which stitches GPU dies to high-bandwidth memory, mostly happens in Taiwan for now. TSMC's two planned Arizona packaging plants are not expected to open until 2028.`,
      `Capacity is small by TSMC standards, starting at about 15,000 wafers per month and ramping to 30,000 by the end of 2027. Its Taiwan fabs produce several times that on N3 alone.`,
      `The next big step is N2, TSMC's 2-nanometer process, which is already in volume production in Taiwan. A third Arizona fab for N2 and the A16 node is under construction, with output targeted for 2028. C.C. Wei, TSMC's chief executive, said this week the company would "keep closing the gap" between Taiwan and Arizona.`,
    ],
  },
  {
    outlet: 'capital-review',
    event: 'tsmc-arizona',
    slug: 'tsmc-arizona-ramp-gross-margin-dilution',
    title: "TSMC's faster Arizona ramp comes with a margin bill",
    author: 'Nadia Sorensen',
    publishedAt: '2026-10-21T20:45:00Z',
    summary:
      "TSMC's second Arizona fab entered volume production on Wednesday; analysts expect overseas plants to dilute gross margin by 2 to 3 percentage points, partly offset by higher pricing for US-made wafers.",
    paragraphs: [
      `Taiwan Semiconductor Manufacturing Co's announcement that its second Arizona fab has entered volume production on the N3 process was welcomed by investors, with the stock closing up 1.8% in Taipei and its US-listed shares gaining 2.3% in New York. The harder question is what Arizona does to profitability.`,
      `TSMC has guided that overseas fabs will dilute gross margin by 2 to 3 percentage points in the early years of production, narrowing to 3 to 4 points later in the decade as its Japan, Germany and US sites scale. Chief Financial Officer Wendell Huang has repeatedly said the company will use pricing and manufacturing efficiency to hold long-term gross margins above 53%.`,
      `"Customers are paying more for US-made wafers, and that is the key to the model," said Oliver Tanaka, a semiconductor analyst at Crestline Partners. He estimates Arizona N3 wafers carry a premium of 10% to 15% over those made in Taiwan.`,
      `Funding is another cushion. TSMC was awarded $6.6 billion in CHIPS Act grants and up to $5 billion in loans. The US Commerce Department said on Wednesday it had released a $1.2 billion milestone payment tied to the start of production at the second fab.`,
      `The company's total Arizona commitment stands at $165 billion. Analysts at Crestline expect capital expenditure of $48 billion to $50 billion for 2026 and a similar figure next year.`,
      `C.C. Wei, TSMC's chairman and chief executive, told a ceremony in Phoenix that demand from Apple, Nvidia and AMD justified the accelerated timeline.`,
    ],
  },
  {
    outlet: 'asia-compute',
    event: 'tsmc-arizona',
    slug: 'taiwan-reacts-tsmc-arizona-n3-silicon-shield',
    title: 'Taiwan weighs "silicon shield" as TSMC Arizona starts 3nm output',
    author: 'Chen Yi-hsuan',
    publishedAt: '2026-10-22T03:15:00Z',
    summary:
      'Taiwanese officials stressed that TSMC\'s most advanced processes remain on the island after the chipmaker began N3 volume production in Arizona, while opposition lawmakers renewed concerns over industry "hollowing out".',
    paragraphs: [
      `TAIPEI - The start of 3-nanometer volume production at TSMC's second Arizona fab drew a carefully worded response in Taipei on Thursday, as officials sought to reassure the public that Taiwan's most valuable company was not moving its crown jewels abroad.`,
      `Taiwan's Ministry of Economic Affairs said in a statement that TSMC's overseas plants would continue to trail its domestic fabs by at least one technology generation, a principle often described locally as "N-1". The 2-nanometer (N2) process, in volume production in Hsinchu and Kaohsiung since late 2025, remains exclusive to Taiwan.`,
      `Not everyone was convinced. Several opposition Kuomintang legislators said the accelerated Arizona timeline, together with a third fab planned for N2 by 2028, showed the gap was shrinking. "Each year the distance gets shorter," one lawmaker said at a committee hearing in the Legislative Yuan.`,
      `The debate taps into a long-running idea that Taiwan's dominance in chips, sometimes called the "silicon shield," gives major powers a stake in its security. Analysts in Taipei said the Arizona capacity is still small, starting at around 15,000 wafers a month against several hundred thousand in Taiwan.`,
      `C.C. Wei, TSMC's chairman, addressed the issue indirectly in Phoenix, saying research and development "stays at home in Taiwan" and that the company's Arizona investment of $165 billion was driven by customer demand from Apple, Nvidia and AMD.`,
      `Suppliers are following. At least a dozen Taiwanese materials and equipment firms now operate near the Phoenix site.`,
    ],
  },
  {
    outlet: 'policy-desk',
    event: 'tsmc-arizona',
    slug: 'chips-act-milestone-tsmc-arizona-second-fab',
    title: "CHIPS Act notches a milestone as TSMC's second Arizona fab enters production",
    author: 'Eleanor Baptiste',
    publishedAt: '2026-10-22T14:00:00Z',
    summary:
      'The Commerce Department released a $1.2 billion payment to TSMC after its second Arizona fab reached volume production, and officials cast the project as proof that the CHIPS Act is working.',
    paragraphs: [
      `The US Commerce Department on Wednesday released a $1.2 billion milestone payment to Taiwan Semiconductor Manufacturing Co (TSMC) after the company confirmed that its second fab in Phoenix had begun volume production of 3-nanometer chips.`,
      `The payment is part of the $6.6 billion in direct funding TSMC was awarded under the CHIPS and Science Act in November 2024. CHIPS grants are disbursed in tranches as companies hit construction and production milestones, a structure that Congress built into the law to limit the risk to taxpayers.`,
      `Commerce Secretary Howard Lutnick said in a statement that the fab showed "the most advanced chips in the world can be made in America." The administration has pressed chipmakers to expand US investment further, and TSMC raised its Arizona commitment to $165 billion in 2025.`,
      `Policy analysts said the milestone strengthens the case for the program, which has faced criticism over slow disbursement. "This is the outcome CHIPS was designed to deliver: leading-edge logic, at scale, on US soil," said Marcus Feld, a fellow at the Lindgren Institute for Technology Policy.`,
      `Open questions remain. Advanced packaging for many Arizona-made chips still takes place in Taiwan, and workforce shortages continue to constrain construction across the industry. TSMC says its site employs about 3,800 people.`,
      `C.C. Wei, TSMC's chief executive, thanked federal and Arizona officials at a ceremony in Phoenix. Customers including Apple, Nvidia and AMD are expected to take the bulk of the fab's early output.`,
    ],
  },

  // ---------------------------------------------------------------------------
  // us-export-rules: BIS tightens AI chip and tool export rules (2026-11-03 .. 2026-11-04)
  // ---------------------------------------------------------------------------
  {
    outlet: 'meridian-wire',
    event: 'us-export-rules',
    slug: 'us-commerce-tightens-ai-chip-export-rules-china',
    title: 'US tightens export rules on AI chips and chipmaking tools to China',
    author: 'Samuel Achterberg',
    publishedAt: '2026-11-03T16:20:00Z',
    summary:
      'The US Commerce Department on Tuesday lowered the performance threshold for AI chips that need a license to ship to China and widened controls on chipmaking equipment, adding 31 Chinese entities to its trade blacklist.',
    paragraphs: [
      `WASHINGTON, Nov 3 - The US Commerce Department on Tuesday tightened export controls on advanced artificial intelligence chips and semiconductor manufacturing equipment bound for China, closing gaps that officials said had allowed reduced-performance chips to keep flowing.`,
      `The department's Bureau of Industry and Security (BIS) issued an interim final rule that lowers the total processing performance threshold at which AI accelerators require a license. Shipments to China and Macau above the new threshold will face a presumption of denial.`,
      `The rule also expands controls on certain deposition and etch tools, restricts servicing and spare parts for advanced lithography systems already installed in China, and broadens the foreign direct product rule to cover more equipment made outside the United States with US technology.`,
      `BIS added 31 Chinese entities to its Entity List, including memory makers, server manufacturers and cloud computing providers, the department said.`,
      `"American technology should not power the military modernization of our adversaries," Commerce Secretary Howard Lutnick said in a statement.`,
      `The rule takes effect on Dec. 3, with a 60-day public comment period. Nvidia said it would comply with the rule. AMD said it was reviewing the changes.`,
      `China's Ministry of Commerce said it firmly opposed the measures and would take "necessary measures" to protect the rights of Chinese companies.`,
    ],
  },
  {
    outlet: 'policy-desk',
    event: 'us-export-rules',
    slug: 'bis-interim-final-rule-ai-chips-explained',
    title: 'Inside the new BIS rule: lower thresholds, servicing bans and a longer reach',
    author: 'Eleanor Baptiste',
    publishedAt: '2026-11-03T21:10:00Z',
    summary:
      "The Bureau of Industry and Security's interim final rule rewrites the performance test for controlled AI chips and, for the first time, restricts servicing of lithography tools already in Chinese fabs. A look at what changed.",
    paragraphs: [
      `The Bureau of Industry and Security (BIS) published a 214-page interim final rule on Tuesday that amounts to the most significant revision of US semiconductor export controls since the framework first took shape in October 2022.`,
      `The centerpiece is a lower threshold for total processing performance (TPP), the metric BIS uses to decide whether an AI accelerator is controlled. Officials said chipmakers had designed China-specific products that sat just under the previous line while still performing well for AI training and inference. The new threshold, combined with a revised performance-density test, brings those chips into the licensing regime.`,
      `On equipment, the rule goes further than earlier rounds. Beyond adding new categories of deposition and etch tools, it restricts US persons and foreign firms using US-origin technology from servicing and supplying spare parts for advanced deep-ultraviolet immersion lithography systems already operating in China. That targets the installed base, not only new sales.`,
      `The foreign direct product rule was also broadened, extending US jurisdiction to more equipment made abroad. That raises questions for the Netherlands and Japan, whose governments have their own controls and have historically preferred to move in parallel with Washington rather than under its rules.`,
      `Jeffrey Kessler, the Commerce Department's under secretary for industry and security, told reporters the agency had consulted allies "extensively" before publication.`,
      `The rule takes effect on Dec. 3. Comments are due within 60 days, and trade lawyers expect heavy industry input, particularly on how the servicing restrictions apply to existing contracts.`,
    ],
  },
  {
    outlet: 'capital-review',
    event: 'us-export-rules',
    slug: 'chip-equipment-stocks-fall-export-rules',
    title: 'Chip-equipment stocks slide as Washington widens China controls',
    author: 'Gregory Ashdown',
    publishedAt: '2026-11-03T22:05:00Z',
    summary:
      'Applied Materials, Lam Research and ASML fell on Tuesday after the US tightened export rules; Applied estimated a $700 million hit to fiscal 2027 revenue.',
    paragraphs: [
      `Shares of semiconductor equipment makers fell on Tuesday after the US Commerce Department unveiled tighter export rules on chipmaking tools and advanced AI chips destined for China.`,
      `Applied Materials dropped 5.2%, Lam Research lost 4.7% and KLA slipped 3.1%. ASML's US-listed shares fell 3.8% in after-hours trading following the close in Amsterdam. Nvidia eased 1.3%, while AMD declined 2.0%.`,
      `Applied Materials said in a filing that it expected the rule to reduce revenue in its 2027 fiscal year by about $700 million, primarily from restrictions on servicing and spare parts for tools already installed at Chinese customers. The company said the effect on fiscal 2026, which ended in late October, would be minimal.`,
      `China has been the largest market for most toolmakers since 2023, at times accounting for more than 40% of sales as Chinese fabs stockpiled equipment ahead of expected restrictions. "Investors knew the China tailwind would fade. They did not expect servicing to be pulled into scope," said Valeria Moss, an analyst at Harrowgate Research.`,
      `For Nvidia, the financial exposure is smaller. The company has said China represents a low-single-digit percentage of its data-center revenue after earlier restrictions. An Nvidia spokesperson said the company would comply with the rule and that it "continues to face competition in China from domestic suppliers."`,
      `The Bureau of Industry and Security's rule takes effect Dec. 3. Analysts said Beijing's response, including any move on rare earth export licensing, would shape the next leg of the trade.`,
    ],
  },
  {
    outlet: 'asia-compute',
    event: 'us-export-rules',
    slug: 'beijing-responds-us-chip-export-controls-mofcom',
    title: 'Beijing vows countermeasures after US widens chip export curbs',
    author: 'Wang Jiaqi',
    publishedAt: '2026-11-04T07:30:00Z',
    summary:
      'China\'s commerce ministry said on Wednesday it "firmly opposes" the new US restrictions on AI chips and chipmaking tools, while industry analysts in Shanghai said domestic equipment makers stood to benefit.',
    paragraphs: [
      `BEIJING - China's Ministry of Commerce on Wednesday condemned the latest US export controls on advanced AI chips and semiconductor manufacturing tools, calling them an "abuse of export control measures" that would disrupt global supply chains.`,
      `"China firmly opposes this," a ministry spokesperson told a regular briefing in Beijing. "We will take necessary measures to resolutely safeguard the legitimate rights and interests of Chinese enterprises." The spokesperson did not say what those measures might be.`,
      `The rule, issued on Tuesday by the US Commerce Department's Bureau of Industry and Security, lowers the performance level at which AI chips need a license and restricts servicing of advanced lithography equipment already installed in Chinese fabs. It also adds 31 Chinese entities to the US Entity List.`,
      `The servicing restriction is the part that worries Chinese chipmakers most. Fabs in Shanghai, Beijing and Shenzhen rely on foreign engineers and imported spare parts to keep immersion lithography tools from ASML running at high yields. "Without service, the tools slowly degrade," said Zhou Minghao, a semiconductor analyst at a Shanghai brokerage. "It is a clock, not a switch."`,
      `Shares of Chinese equipment makers such as Naura and AMEC rose in Shanghai trading on expectations of faster domestic substitution. Beijing has already directed state-backed fabs to favor local suppliers where possible.`,
      `In Taipei and Seoul, chipmakers were studying whether the broadened foreign direct product rule would affect their own shipments to Chinese customers.`,
    ],
  },
  {
    outlet: 'silicon-courier',
    event: 'us-export-rules',
    slug: 'nvidia-amd-china-chips-new-tpp-threshold',
    title: 'New US threshold catches China-market chips from Nvidia and AMD',
    author: 'Inés Valdaro',
    publishedAt: '2026-11-04T01:45:00Z',
    summary:
      "The Commerce Department's lower TPP threshold sweeps in the cut-down accelerators Nvidia and AMD built for Chinese customers, forcing both to rethink their China product lines.",
    paragraphs: [
      `For three years, Nvidia and AMD have played a careful game in China: design an accelerator that falls just below Washington's performance limits, ship it, and redesign when the limits move. The rule the US Commerce Department released on Tuesday makes that game much harder.`,
      `The Bureau of Industry and Security lowered the total processing performance (TPP) threshold for controlled chips and added a tighter performance-density test. People familiar with both companies' product lines said the new numbers capture the China-specific parts that Nvidia and AMD currently sell, as well as versions under development.`,
      `That leaves few good options. A chip far enough below the new line would offer limited value against domestic rivals such as Huawei's Ascend family. Memory bandwidth, which BIS did not directly cap in earlier rules, is now part of the calculation for certain products.`,
      `Nvidia said in a statement that it would comply with all applicable regulations and that "the China market is increasingly served by local competitors." AMD said it was reviewing the rule and did not expect a material effect on its fourth-quarter results.`,
      `The tool side matters as much to the AI race. New controls cover certain atomic layer deposition and etch systems, and servicing for advanced lithography tools from ASML and others. ASML said it was assessing the rule and would provide an update with its next quarterly results.`,
      `The changes take effect on Dec. 3. Companies can apply for licenses, but BIS said applications for China and Macau above the threshold will face a presumption of denial.`,
    ],
  },
  {
    outlet: 'pacific-ledger',
    event: 'us-export-rules',
    slug: 'export-curbs-ai-chips-china-washington-escalates',
    title: 'Washington escalates the chip fight with China, reaching into factories already built',
    author: 'Marisol Keane',
    publishedAt: '2026-11-04T12:00:00Z',
    summary:
      'New US export rules target not only the AI chips China can buy but the upkeep of the machines it already owns, a shift that could slow Chinese chipmaking and draw a sharp response from Beijing.',
    caption: 'A semiconductor lithography system on display at a trade fair in Shanghai.',
    paragraphs: [
      `The United States has spent four years trying to keep China from buying the most advanced tools to make computer chips. With a rule published on Tuesday, it is now trying to keep the tools China already has from working as well.`,
      `The regulation, issued by the Commerce Department's Bureau of Industry and Security, bars companies from servicing or supplying parts for certain advanced lithography machines installed in Chinese factories, unless they obtain a license. It also lowers the bar at which AI chips, such as those made by Nvidia and AMD, need government approval to be sold to China, and adds 31 Chinese companies and institutions to a trade blacklist.`,
      `Howard Lutnick, the commerce secretary, framed the move as a national security necessity. Critics in the industry argue it will mainly accelerate China's efforts to build its own equipment. Applied Materials estimated the rule would cost it about $700 million in revenue next fiscal year; ASML, the Dutch maker of lithography machines, said it was still assessing the impact.`,
      `Beijing's response came quickly. On Wednesday, China's Ministry of Commerce said it "firmly opposes" the measures and promised "necessary measures," language it has used before announcing restrictions on exports of rare earths and other critical minerals.`,
      `The timing is delicate. Trade negotiators from both countries have met several times this year, and a partial truce on tariffs remains in place. Whether the new rule unsettles that truce may be clearer once the restrictions take effect on Dec. 3.`,
    ],
  },

  // ---------------------------------------------------------------------------
  // anthropic-funding: Anthropic raises $25B at a $420B valuation
  // (2026-10-28 .. 2026-10-29)
  // ---------------------------------------------------------------------------
  {
    outlet: 'meridian-wire',
    event: 'anthropic-funding',
    slug: 'anthropic-raises-25-billion-420-billion-valuation',
    title: 'Anthropic raises $25 billion at $420 billion valuation',
    author: 'Dana Whitcombe',
    publishedAt: '2026-10-28T14:05:00Z',
    summary:
      'Anthropic said on Wednesday it had raised $25 billion in a Series G round valuing the Claude developer at $420 billion, with Amazon and Google among the investors.',
    paragraphs: [
      `SAN FRANCISCO, Oct 28 - Anthropic, the developer of the Claude family of AI models, said on Wednesday it had raised $25 billion in new funding at a post-money valuation of $420 billion, more than doubling its value in just over a year.`,
      `The Series G round was led by ICONIQ, with Fidelity Management & Research and Lightspeed Venture Partners as co-leads, the company said. Amazon and Google, Anthropic's two largest strategic backers, also participated.`,
      `Anthropic was valued at $183 billion in a $13 billion round in September 2025.`,
      `The San Francisco-based company said its annualized revenue run rate had passed $21 billion, up from about $9 billion at the end of 2025, driven by business customers and its Claude Code programming tool. It said it now serves more than 500,000 business customers.`,
      `"Demand for Claude has outrun every forecast we have made," Chief Executive Dario Amodei said in a statement. "This capital lets us build the compute and the research to keep up with it responsibly."`,
      `Anthropic said most of the proceeds would go toward computing capacity. The company trains and runs its models on Google's tensor processing units, Amazon's Trainium chips and Nvidia graphics processors.`,
      `The company also said it would offer employees a tender at the same valuation. It did not disclose the size.`,
    ],
  },
  {
    outlet: 'capital-review',
    event: 'anthropic-funding',
    slug: 'anthropic-series-g-valuation-revenue-multiple',
    title: "Anthropic's $420 billion price tag rests on a revenue curve few have matched",
    author: 'Nadia Sorensen',
    publishedAt: '2026-10-28T17:40:00Z',
    summary:
      'At $420 billion, Anthropic is valued at about 20 times its $21 billion revenue run rate, a multiple investors justify with growth that has more than doubled in ten months.',
    paragraphs: [
      `Anthropic's $25 billion Series G, announced Wednesday, values the company at $420 billion post-money, about 20 times its stated annualized revenue run rate of more than $21 billion.`,
      `That is a rich multiple by any conventional yardstick, but investors in the round point to the trajectory. Anthropic's run rate stood near $9 billion at the end of 2025 and about $1 billion at the start of that year. Few software companies in history have added revenue at that pace.`,
      `"You are not paying for this year's revenue. You are paying for the probability that enterprise AI spending consolidates around two or three vendors, and Anthropic is one of them," said Rafael Dunmore, a partner at Ashgrove Capital, which did not invest in the round.`,
      `The round was led by ICONIQ, with Fidelity and Lightspeed co-leading. Amazon, which has committed at least $8 billion to Anthropic since 2023, and Google both added to their stakes. Amazon shares were little changed; Alphabet rose 0.6%.`,
      `The bear case centers on costs. Anthropic spends heavily on compute, and gross margins for model developers remain well below those of traditional software companies. Anthropic does not disclose profitability, but Chief Executive Dario Amodei has said the company aims to be cash-flow positive by 2028.`,
      `The deal also sets a new reference point for private AI valuations ahead of any initial public offerings. Anthropic has said it has no immediate plans to list.`,
    ],
  },
  {
    outlet: 'silicon-courier',
    event: 'anthropic-funding',
    slug: 'anthropic-funding-compute-tpu-trainium-gigawatts',
    title: "Where Anthropic's $25 billion goes: chips, power and more chips",
    author: 'Theo Brandvold',
    publishedAt: '2026-10-28T19:20:00Z',
    summary:
      'Anthropic says most of its new Series G money will fund compute across Google TPUs, Amazon Trainium and Nvidia GPUs, with a target of 3.5 gigawatts of capacity by 2028.',
    paragraphs: [
      `Anthropic's new $25 billion round is, in large part, a compute budget.`,
      `The company said on Wednesday that the majority of the Series G proceeds, raised at a $420 billion valuation, will go toward training and inference capacity. Anthropic now targets 3.5 gigawatts of available compute by the end of 2028, up from a little over 1 gigawatt today, according to a person familiar with its plans.`,
      `Anthropic has deliberately spread its bets across three chip platforms. Google agreed in 2025 to supply up to 1 million tensor processing units; Amazon's Project Rainier cluster in Indiana runs hundreds of thousands of Trainium chips; and Anthropic has committed to buy Azure capacity powered by Nvidia hardware. The company says its engineers can move workloads among them depending on price and availability.`,
      `"Being multi-platform is not a hedge for us, it is a capability," Dario Amodei, Anthropic's chief executive, told Silicon Courier in a brief interview. "It means we are never waiting on one supplier to serve customers."`,
      `The demand side is coming from coding and agents. Claude Code, the company's command-line programming assistant, now has an annualized run rate above $4 billion on its own, Anthropic said. Total run-rate revenue has passed $21 billion.`,
      `Investors Amazon and Google are also among Anthropic's biggest suppliers, which means a meaningful share of the round will flow back to them as cloud revenue, a circularity that has drawn scrutiny across the AI industry.`,
    ],
  },
  {
    outlet: 'pacific-ledger',
    event: 'anthropic-funding',
    slug: 'anthropic-funding-round-claude-growth',
    title: 'Anthropic, once the cautious upstart, is now worth $420 billion',
    author: 'Colin Ferreira',
    publishedAt: '2026-10-29T10:00:00Z',
    summary:
      'Founded by former OpenAI researchers who worried about AI safety, Anthropic raised $25 billion this week, cementing its place among the most valuable private companies in the world.',
    caption: "Dario Amodei, Anthropic's chief executive, at a technology conference earlier this year.",
    paragraphs: [
      `When Dario Amodei and a small group of colleagues left OpenAI in 2021 to found Anthropic, their pitch was that someone needed to build powerful AI carefully. Five years later, the company that made caution its brand is growing faster than almost anyone in the industry.`,
      `On Wednesday, Anthropic said it had raised $25 billion at a valuation of $420 billion, placing it among the most valuable private companies in the world. Investors included ICONIQ, Fidelity, Lightspeed, Amazon and Google.`,
      `The numbers behind the round are striking. Anthropic says Claude, its AI model, now generates revenue at an annual rate of more than $21 billion, most of it from businesses that use Claude for programming, customer service and analysis. More than 500,000 companies pay for it.`,
      `Amodei has said growth should not come at the expense of safety. The company publishes a Responsible Scaling Policy that commits it to specific safeguards as models become more capable, and it has supported some state and federal AI legislation that rivals opposed.`,
      `"We think we can show that a company can be at the frontier and still take these risks seriously," Amodei said in an interview with the Pacific Ledger on Thursday. "If anything, customers are asking us for more of that, not less."`,
      `The money will mostly be spent on computing power, a race that has pushed the entire industry into deals for chips and electricity measured in gigawatts.`,
    ],
  },
  {
    outlet: 'harbour-tech',
    event: 'anthropic-funding',
    slug: 'anthropic-new-funding-what-it-means-claude-users',
    title: 'Anthropic just raised $25 billion. What does it mean for Claude users?',
    author: 'Priya Ellingham',
    publishedAt: '2026-10-29T08:30:00Z',
    summary:
      "Anthropic's new round at a $420 billion valuation should ease the capacity crunches Claude users have complained about, and the company hinted at higher usage limits.",
    paragraphs: [
      `If you use Claude regularly, you've probably hit a usage limit or a "service overloaded" message at some point this year. Anthropic's new $25 billion funding round, announced on Wednesday, is meant in large part to fix that.`,
      `The company, now valued at $420 billion, said most of the money will be spent on compute. Anthropic told Harbour Tech that additional capacity coming online over the next six months should allow it to raise limits for Pro and Max subscribers, though it did not give figures.`,
      `Claude Code users are likely to feel the difference first. The coding assistant has become one of Anthropic's fastest-growing products, with a revenue run rate above $4 billion, and heavy users have been the most likely to run into weekly caps.`,
      `Dario Amodei, the chief executive, said in a statement that demand had "outrun every forecast" the company made. Total run-rate revenue has passed $21 billion, up from about $9 billion at the end of last year.`,
      `Will prices change? Anthropic says it has no plans to raise subscription prices. Funding rounds rarely translate into cheaper plans, but more capacity usually means fewer throttling headaches.`,
      `One thing that won't change: Claude remains available through Amazon Bedrock and Google Cloud's Vertex AI, both run by investors in this round, as well as through Anthropic's own apps and API.`,
    ],
  },
  {
    outlet: 'policy-desk',
    event: 'anthropic-funding',
    slug: 'anthropic-raise-big-tech-stakes-scrutiny',
    title: "Anthropic's mega-round renews questions about Big Tech's grip on AI labs",
    author: 'Hugo Lindqvist',
    publishedAt: '2026-10-29T15:15:00Z',
    summary:
      'Amazon and Google both added to their Anthropic stakes in the $25 billion round, as competition regulators in the US, UK and EU continue to examine investments in AI developers.',
    paragraphs: [
      `Anthropic's $25 billion Series G, which values the company at $420 billion, was led by financial investors. But the participation of Amazon and Google, which together have committed well over $10 billion to the company since 2023, is likely to draw attention from competition authorities.`,
      `Both companies have said their stakes are minority, non-controlling investments without board seats. The UK Competition and Markets Authority cleared Amazon's and Google's earlier Anthropic investments in 2024, concluding that neither gave the tech giants material influence. The US Federal Trade Commission studied the same arrangements in a 2025 staff report that raised concerns about access to sensitive information but stopped short of enforcement.`,
      `"Each new round resets the question," said Anita Rosewall, a former antitrust official who now advises companies on merger reviews. "Regulators will want to know whether compute contracts and cloud distribution deals give these investors leverage that an equity stake alone would not."`,
      `Anthropic says it remains independent. Its governance includes a Long-Term Benefit Trust that elects a growing share of its board, a structure Dario Amodei, the chief executive, has cited as a safeguard against any single investor's influence.`,
      `The company has also been an active participant in AI policy debates, supporting transparency requirements for frontier developers. Its revenue run rate of more than $21 billion gives it a louder voice in Washington and Brussels than it had as a smaller lab.`,
      `Neither the FTC nor the European Commission commented on the round.`,
    ],
  },

  // ---------------------------------------------------------------------------
  // huawei-ascend: Huawei unveils its Ascend roadmap (2026-11-10 .. 2026-11-11)
  // ---------------------------------------------------------------------------
  {
    outlet: 'meridian-wire',
    event: 'huawei-ascend',
    slug: 'huawei-unveils-ascend-ai-chip-roadmap-shenzhen',
    title: 'Huawei unveils Ascend AI chip roadmap through 2029',
    author: 'Ruth Okonkwo',
    publishedAt: '2026-11-10T05:40:00Z',
    summary:
      'Huawei on Tuesday laid out plans for three new generations of Ascend AI chips through 2029 and a cluster linking more than 1 million of them, as it seeks to offset manufacturing limits with scale.',
    paragraphs: [
      `SHENZHEN, China, Nov 10 - Huawei Technologies on Tuesday unveiled a roadmap for its Ascend artificial intelligence chips through 2029, including a new Ascend 980 processor and a computing cluster designed to connect more than 1 million chips.`,
      `Rotating Chairman Eric Xu presented the plans at the company's Ascend Computing Summit 2026 in Shenzhen. He said the Ascend 950DT, which began shipping in the fourth quarter, would be followed by the Ascend 960 in the fourth quarter of 2027, the Ascend 970 in late 2028 and the Ascend 980 in 2029.`,
      `"Since we cannot match single-chip performance on process technology, we will win on system scale," Xu told the audience.`,
      `Huawei said the Ascend 960 would deliver 2 petaflops of FP8 computing power and 4 petaflops at FP4, double that of the 950 series. It will use HiZQ 3.0, a third generation of Huawei's self-developed high-bandwidth memory (HBM), with bandwidth of up to 8 terabytes per second per chip.`,
      `The company also announced the Atlas 960 SuperPoD, which links 15,488 Ascend chips, and the Atlas 980 SuperCluster, designed to connect more than 1 million chips using its UnifiedBus interconnect.`,
      `Huawei did not say who manufactures the chips. Analysts believe they are made by Semiconductor Manufacturing International Corp (SMIC), China's largest contract chipmaker.`,
      `Huawei has been on a US trade blacklist since 2019.`,
    ],
  },
  {
    outlet: 'asia-compute',
    event: 'huawei-ascend',
    slug: 'eric-xu-ascend-960-970-980-supernode-keynote',
    title: "Eric Xu's Ascend keynote: supernodes first, single-chip speed second",
    author: 'Chen Yi-hsuan',
    publishedAt: '2026-11-10T09:50:00Z',
    summary:
      'At the Ascend Computing Summit in Shenzhen, Huawei rotating chairman Eric Xu doubled down on a cluster-first strategy, unveiling Ascend 960, 970 and 980 chips alongside supernode systems built around its UnifiedBus interconnect.',
    caption: 'Eric Xu presents the Ascend roadmap at the Ascend Computing Summit 2026 in Shenzhen.',
    paragraphs: [
      `Huawei's rotating chairman Eric Xu (Xu Zhijun) rarely speaks at length in public about chips. On Tuesday in Shenzhen he spent nearly an hour on little else, setting out the company's most detailed Ascend roadmap yet.`,
      `The core message was unchanged from last year, but more explicit. Huawei's processors are built on older manufacturing processes than Nvidia's, so it will compensate by linking far more of them together. "Our answer to the process gap is the supernode," Xu said.`,
      `The numbers are large. The Atlas 960 SuperPoD, due in the fourth quarter of 2027, houses 15,488 Ascend 960 chips across 176 cabinets. A new Atlas 980 SuperCluster, announced for 2029, is designed to scale past 1 million chips. Both rely on UnifiedBus, Huawei's in-house interconnect protocol, which it has published as an open specification.`,
      `On individual chips, Huawei quoted 2 petaflops of FP8 compute for the Ascend 960 and 4 petaflops for the Ascend 970 in 2028. Memory is a priority. The 960 and 970 will use HiZQ 3.0, Huawei's own high-bandwidth memory, reaching 8 terabytes per second.`,
      `Xu acknowledged constraints. "Process technology will limit us for some years," he said, a rare admission. Industry analysts believe Semiconductor Manufacturing International Corp (SMIC) produces Ascend dies on its N+3 process, a 5-nanometer-class technology achieved without extreme ultraviolet lithography.`,
      `Huawei also said its CANN software stack, now fully open source, has more than 150 partner organizations contributing code.`,
    ],
  },
  {
    outlet: 'silicon-courier',
    event: 'huawei-ascend',
    slug: 'ascend-960-specs-hizq-hbm-unifiedbus',
    title: 'Ascend 960 specs: 4 PFLOPS FP4, in-house HBM and a 15,488-chip SuperPoD',
    author: 'Inés Valdaro',
    publishedAt: '2026-11-10T14:30:00Z',
    summary:
      "Huawei's Ascend 960 doubles compute over the 950 series and introduces HiZQ 3.0 memory. We break down the specs, and what they leave out.",
    paragraphs: [
      `Huawei put numbers on its next three generations of Ascend accelerators on Tuesday. Taken at face value, they describe a company closing the gap with Nvidia at the system level while staying behind chip for chip.`,
      `The Ascend 960, slated for the fourth quarter of 2027, is rated at 2 petaflops FP8 and 4 petaflops FP4, double the Ascend 950 series. Interconnect bandwidth rises to 2.2 terabytes per second per chip. The Ascend 970, due late 2028, doubles FP4 throughput again, to 8 petaflops.`,
      `Memory is where Huawei is spending most of its engineering effort. Because access to foreign HBM from SK Hynix and Samsung is restricted, Huawei has developed its own stacks. HiZQ 3.0, debuting with the 960, offers up to 8 terabytes per second of bandwidth and 288 gigabytes of capacity, according to Huawei's slides.`,
      `What the slides omit: power, die size and yields. Those matter. Analysts believe the chips are made by SMIC using deep-ultraviolet multi-patterning, which tends to raise costs and cut yields compared with TSMC's EUV-based processes. Eric Xu, Huawei's rotating chairman, conceded that "process technology will limit us for some years."`,
      `The system story is stronger. The Atlas 960 SuperPoD joins 15,488 chips into a single logical machine over UnifiedBus, and Huawei claims it outperforms Nvidia's planned rack-scale systems in aggregate FP4 compute. The comparison relies on far more chips and power, a trade-off China's state-backed data centers appear willing to make.`,
      `The new Ascend 980, announced for 2029, came with no specifications.`,
    ],
  },
  {
    outlet: 'pacific-ledger',
    event: 'huawei-ascend',
    slug: 'huawei-ascend-roadmap-china-chip-self-reliance',
    title: "Huawei's chip roadmap is a bet that China can out-build US restrictions",
    author: 'Marisol Keane',
    publishedAt: '2026-11-10T19:00:00Z',
    summary:
      'Huawei promised three new generations of Ascend AI processors and clusters of more than a million chips, a plan that leans on scale and Chinese manufacturing to work around US export controls.',
    paragraphs: [
      `Huawei has a simple argument for why US export controls will not stop China's AI industry: if you cannot make the best chip, make a great many good ones and wire them together.`,
      `That argument was on full display on Tuesday in Shenzhen, where Eric Xu, one of the company's rotating chairmen, unveiled plans for three new generations of Ascend AI processors through 2029. The Ascend 960 will arrive in late 2027 and the Ascend 970 a year later; a new Ascend 980 was promised for 2029.`,
      `Each will slot into what Huawei calls supernodes, cabinets full of chips networked so tightly that they act like one machine. The largest design, the Atlas 980 SuperCluster, is meant to connect more than 1 million chips.`,
      `Huawei has little choice. Since 2019, US restrictions have cut it off from TSMC, the Taiwanese manufacturer that makes Nvidia's chips, and from the most advanced chipmaking equipment. Its processors are believed to be made by SMIC, a Chinese foundry that has improved its technology despite lacking the most advanced lithography tools.`,
      `Beijing is a willing customer. Government guidance has pushed state-funded data centers toward domestic chips, and Chinese internet companies have been told to reduce their reliance on Nvidia.`,
      `"Computing power is the foundation of AI, and we are building it in China," Xu said. Whether the strategy can keep pace with Nvidia, which is also building bigger systems every year, is a question the next three years will answer.`,
    ],
  },
  {
    outlet: 'harbour-tech',
    event: 'huawei-ascend',
    slug: 'huawei-ascend-summit-2026-key-announcements',
    title: 'Huawei Ascend Computing Summit 2026: the five biggest announcements',
    author: 'Jonah Petrakis',
    publishedAt: '2026-11-11T07:15:00Z',
    summary:
      'From the Ascend 980 to a million-chip cluster and open-source CANN, here is what Huawei announced at its Ascend Computing Summit in Shenzhen.',
    paragraphs: [
      `Huawei packed a lot into Tuesday's Ascend Computing Summit 2026 in Shenzhen. If you missed Eric Xu's keynote, these are the announcements that matter.`,
      `1. A roadmap through 2029. The Ascend 950DT is shipping now, Ascend 960 follows in the fourth quarter of 2027, Ascend 970 in late 2028 and a brand-new Ascend 980 in 2029. Huawei says it will keep to a roughly one-chip-per-year cadence.`,
      `2. Homegrown memory. Huawei's HiZQ 3.0 high-bandwidth memory debuts with the Ascend 960, promising up to 8 terabytes per second. Designing its own HBM is Huawei's workaround for restrictions on buying it from Korean suppliers.`,
      `3. Bigger supernodes. The Atlas 960 SuperPoD connects 15,488 chips. Huawei said orders for its predecessor, the Atlas 950 SuperPoD, had come from more than 30 customers, mostly telecom operators and internet companies in China.`,
      `4. A million-chip cluster. The Atlas 980 SuperCluster is designed to link more than 1 million Ascend chips using UnifiedBus. Huawei gave a 2029 target but no power figure; independent estimates put such a system well above 1 gigawatt.`,
      `5. Software. CANN, the programming toolkit that plays the role of Nvidia's CUDA for Ascend, is now fully open source, and Huawei said its MindSpore framework and major open models such as DeepSeek and Qwen run on Ascend out of the box.`,
      `Xu summed up the strategy plainly: Huawei will "win on system scale" because it cannot yet win on manufacturing process.`,
    ],
  },
  {
    outlet: 'policy-desk',
    event: 'huawei-ascend',
    slug: 'huawei-ascend-roadmap-export-control-implications',
    title: "What Huawei's Ascend roadmap tells Washington about export controls",
    author: 'Hugo Lindqvist',
    publishedAt: '2026-11-11T16:40:00Z',
    summary:
      "Huawei's plan for million-chip clusters built on SMIC-made processors and in-house HBM tests the assumptions behind US chip controls, analysts say.",
    paragraphs: [
      `Huawei's Ascend roadmap, unveiled in Shenzhen on Tuesday, was aimed at Chinese customers. It will be read closely in Washington.`,
      `Eric Xu, Huawei's rotating chairman, laid out plans for Ascend 960, 970 and 980 processors through 2029, and an Atlas 980 SuperCluster designed to connect more than 1 million chips. He also detailed HiZQ 3.0, Huawei's third generation of self-developed high-bandwidth memory.`,
      `Each element touches a pillar of US export policy. Controls on extreme ultraviolet lithography were meant to cap China's chip manufacturing, yet analysts believe SMIC is producing Ascend dies on a 5-nanometer-class process without EUV. Restrictions on HBM exports, added in December 2024, were meant to starve Chinese accelerators of memory; Huawei now says it makes its own.`,
      `"The controls are raising China's costs, which is what they were designed to do. What they are not doing is stopping progress," said Claire Dunaway, a senior fellow at the Harland Center for Strategic Technology. "Huawei's answer is brute-force scale, and that shifts the bottleneck to power and yield."`,
      `Others caution against reading a slide deck as a shipping product. Huawei gave no yield or volume figures, and SMIC's advanced-node capacity is believed to be limited. Xu himself said process technology would "limit us for some years."`,
      `The timing adds weight. The roadmap came a week after the US Commerce Department tightened rules on AI chips and servicing of chipmaking tools in China, measures Beijing said it "firmly opposes."`,
    ],
  },

  // ---------------------------------------------------------------------------
  // meta-open-model: Meta releases Llama 5 open weights (2026-11-24 .. 2026-11-25)
  // ---------------------------------------------------------------------------
  {
    outlet: 'pacific-ledger',
    event: 'meta-open-model',
    slug: 'meta-releases-llama-5-open-weights',
    title: 'Meta releases Llama 5, renewing its wager on open AI',
    author: 'Colin Ferreira',
    publishedAt: '2026-11-24T18:30:00Z',
    summary:
      'Meta on Tuesday released Llama 5, a family of open-weights AI models built by its Meta Superintelligence Labs, as Mark Zuckerberg argued that the best open model should be American.',
    caption: 'Mark Zuckerberg introduces Llama 5 in a video posted to his social media accounts.',
    paragraphs: [
      `Meta on Tuesday released Llama 5, a new family of artificial intelligence models that anyone can download, modify and run, reaffirming a strategy that sets the company apart from OpenAI and Google.`,
      `The models come in three sizes, with 12 billion, 90 billion and 560 billion parameters. They are the first major release from Meta Superintelligence Labs, the unit Mark Zuckerberg created in mid-2025 and staffed with researchers hired from rival labs, some with pay packages worth hundreds of millions of dollars.`,
      `"We want the best open model in the world to be an American one, and we want anyone to be able to build on it," Zuckerberg said in a video posted to his Facebook and Instagram accounts.`,
      `The release comes after a difficult stretch. Llama 4, released in April 2025, drew a lukewarm response from developers, and Chinese companies such as DeepSeek and Alibaba, with its Qwen models, came to dominate downloads of open models. Meta says Llama 5's largest version beats the latest from both on most coding and reasoning tests.`,
      `Open is not quite the same as open source. Meta releases the model weights, but its license restricts some uses and requires companies with more than 700 million monthly users to seek permission. Critics say that falls short of the definition maintained by the Open Source Initiative.`,
      `Meta has also not ruled out keeping its most powerful future models private. Alexandr Wang, its chief AI officer, said on Tuesday the company would "release openly wherever it makes sense."`,
    ],
  },
  {
    outlet: 'silicon-courier',
    event: 'meta-open-model',
    slug: 'llama-5-architecture-moe-benchmarks-deepseek-qwen',
    title: 'Llama 5 deep dive: a 560B mixture-of-experts model takes aim at DeepSeek-V4 and Qwen 3.5',
    author: 'Theo Brandvold',
    publishedAt: '2026-11-24T20:10:00Z',
    summary:
      "Meta's Llama 5 flagship activates about 38 billion of its 560 billion parameters per token and supports a 1-million-token context. Meta's benchmarks put it ahead of DeepSeek-V4 and Qwen 3.5; independent numbers are closer.",
    paragraphs: [
      `Meta's Llama 5 landed on Hugging Face on Tuesday with three checkpoints: a 12-billion-parameter dense model, a 90-billion-parameter dense model and a 560-billion-parameter mixture-of-experts (MoE) flagship that activates about 38 billion parameters per token.`,
      `The flagship and the 90B model support a 1-million-token context window. All three are natively multimodal, accepting images and video frames as well as text. Meta Superintelligence Labs says the family was trained on roughly 40 trillion tokens on clusters of Nvidia GB200 systems.`,
      `Meta's headline claim is that Llama 5 560B beats DeepSeek-V4 and Alibaba's Qwen 3.5 flagship on coding and reasoning. Meta reports 78.4% on SWE-bench Verified, against 74.9% for DeepSeek-V4 and 73.2% for Qwen 3.5, and leads on LiveCodeBench and GPQA Diamond.`,
      `Early independent runs tell a tighter story. The OpenBench Collective, a volunteer evaluation group, measured Llama 5 560B about two points ahead of DeepSeek-V4 on its coding suite and roughly level with Qwen 3.5 on math. On multilingual tasks, particularly Chinese, Qwen still leads.`,
      `Inference cost could decide adoption. With 38 billion active parameters, Llama 5 560B is cheaper to serve than its size suggests, though it still needs a full eight-GPU node in FP8. Meta published official FP8 and 4-bit quantized weights on launch day, a first for the Llama line.`,
      `Licensing is a sticking point for some developers. DeepSeek and Qwen ship under permissive MIT and Apache 2.0 licenses; Llama 5 uses a custom community license with usage restrictions.`,
    ],
  },
  {
    outlet: 'harbour-tech',
    event: 'meta-open-model',
    slug: 'how-to-run-llama-5-locally-and-in-the-cloud',
    title: 'Llama 5 is out: where to get it and which size to pick',
    author: 'Priya Ellingham',
    publishedAt: '2026-11-25T09:00:00Z',
    summary:
      "Meta's Llama 5 comes in 12B, 90B and 560B versions. Here is which one fits a laptop, which needs a server, and what the license lets you do.",
    paragraphs: [
      `Meta released Llama 5 on Tuesday, Nov 24, and the weights are already available on Hugging Face, Meta's own Llama site and most major cloud platforms. Here is a practical guide.`,
      `Llama 5 12B is the one most people can run at home. In a 4-bit quantized version it fits in about 8 gigabytes of memory, which means a recent laptop with 16GB of RAM or a mid-range gaming GPU will do. It handles chat, summarization and light coding well.`,
      `Llama 5 90B needs serious hardware: roughly 50GB at 4-bit, so a workstation with a pair of high-end GPUs or a Mac with 64GB or more of unified memory. This is the sweet spot for small companies that want to run a capable model privately.`,
      `Llama 5 560B is a data-center model. Unless you have a rack of GPUs, you will use it through a cloud provider. Meta says AWS, Google Cloud, Microsoft Azure and several inference startups offered it from day one.`,
      `What can you do with it? The Llama 5 Community License lets you use and modify the models commercially, and Meta has dropped the old rule that derivative models must include "Llama" in their names. Very large platforms, with over 700 million monthly users, still need a separate license, and the acceptable use policy bans certain applications.`,
      `Mark Zuckerberg pitched the release as a challenge to Chinese rivals DeepSeek and Qwen, which have been the default open models for many developers this year. Whether Llama 5 wins them back will depend on how it performs in your own tests, not on Meta's charts.`,
    ],
  },
  {
    outlet: 'capital-review',
    event: 'meta-open-model',
    slug: 'meta-shares-llama-5-superintelligence-spending',
    title: 'Llama 5 gives Meta investors a first look at the return on its AI talent spree',
    author: 'Gregory Ashdown',
    publishedAt: '2026-11-24T21:20:00Z',
    summary:
      "Meta shares rose 2.1% after the release of Llama 5, the first major model from Meta Superintelligence Labs, as investors weighed the payoff from the company's heavy AI spending.",
    paragraphs: [
      `Meta Platforms shares rose 2.1% on Tuesday after the company released Llama 5, a family of open-weights models that analysts described as the first tangible product of its costly effort to rebuild its AI research operation.`,
      `Meta Superintelligence Labs, the division Mark Zuckerberg formed in 2025 after Meta invested about $14.3 billion in Scale AI and brought in its founder, Alexandr Wang, as chief AI officer, built the models. The company then recruited dozens of researchers from OpenAI, Google DeepMind and Apple with packages reported to run into nine figures.`,
      `"This was the release that had to land," said Melanie Okafor, an internet analyst at Brightwater Securities. "The market has been underwriting enormous capital spending on the promise of frontier-level models. Llama 5 suggests the team can deliver."`,
      `Meta has said capital expenditures in 2026 would be notably larger than 2025's roughly $70 billion, much of it on data centers and Nvidia hardware. Investors have at times punished the stock when spending guidance rose faster than revenue.`,
      `Because the models are given away, the return is indirect. Meta uses Llama internally to power Meta AI, its assistant, which it says has more than 1 billion monthly users, and in advertising tools that generate images and copy for advertisers.`,
      `Analysts also noted the competitive angle. Chinese open models from DeepSeek and Alibaba's Qwen gained share among developers over the past year. Zuckerberg has framed Llama 5 as an effort to make an American model the default, a message that resonates with policymakers in Washington.`,
    ],
  },
  {
    outlet: 'asia-compute',
    event: 'meta-open-model',
    slug: 'llama-5-challenge-deepseek-qwen-asia-developers',
    title: "Llama 5 lands in Asia's open-model market, where DeepSeek and Qwen rule",
    author: 'Wang Jiaqi',
    publishedAt: '2026-11-25T03:45:00Z',
    summary:
      "Meta's Llama 5 claims benchmark wins over DeepSeek-V4 and Qwen 3.5, but developers in China and Southeast Asia say licensing, language support and cost will decide whether they switch.",
    paragraphs: [
      `HONG KONG - For much of the past 18 months, the default open-weights model for developers across Asia has been Chinese: DeepSeek for reasoning and coding, Alibaba's Qwen for almost everything else. Meta's Llama 5, released on Tuesday in California, is a direct attempt to change that.`,
      `Meta says the largest Llama 5 model, a 560-billion-parameter mixture-of-experts system, beats DeepSeek-V4 and Qwen 3.5 on coding and reasoning benchmarks. Developers in the region were quick to test those claims.`,
      `"On English coding tasks it is slightly better. On Chinese legal and financial documents, Qwen is still ahead," said Tan Wei Ling, chief technology officer of a Singapore fintech startup that runs open models on its own servers. "And Qwen's Apache license is simpler for our lawyers."`,
      `Meta's Llama 5 Community License still requires companies with more than 700 million monthly active users to obtain separate permission, a clause that would apply to a handful of large Asian platforms. Meta said Llama 5 supports 34 languages, up from 12 in Llama 4, including Japanese, Korean, Vietnamese, Thai and Indonesian.`,
      `In mainland China, where Meta's services are blocked, developers downloaded Llama 5 weights through mirrors within hours. Chinese labs were unfazed in public. A DeepSeek researcher, writing on social media, congratulated Meta and said "competition makes everyone faster."`,
      `Mark Zuckerberg has framed the release in national terms, saying he wants the best open model to be American. In Asia, the contest is likely to be decided on cost per token and local-language quality.`,
    ],
  },
  {
    outlet: 'policy-desk',
    event: 'meta-open-model',
    slug: 'llama-5-license-open-source-definition-eu-ai-act',
    title: 'Llama 5\'s license loosens some terms, but "open source" debate continues',
    author: 'Eleanor Baptiste',
    publishedAt: '2026-11-25T14:50:00Z',
    summary:
      "Meta's new Llama 5 Community License drops a naming requirement and expands EU availability, but keeps a 700-million-user threshold that critics say keeps it from being truly open source.",
    paragraphs: [
      `Meta's release of Llama 5 on Tuesday came with a revised license that the company says is "the most permissive in Llama's history." Open-source advocates agree it is an improvement. They do not agree that it is open source.`,
      `The Llama 5 Community License removes a requirement, present since Llama 3, that derivative models include "Llama" at the start of their names. It also makes the multimodal versions of the model available to companies based in the European Union, reversing a restriction Meta imposed on some earlier releases amid regulatory uncertainty.`,
      `The 700 million monthly active user threshold remains. Companies above that size, a group that includes most of Meta's direct competitors, must request a license that Meta may grant or refuse. An acceptable use policy continues to bar certain military and surveillance uses.`,
      `"Those are meaningful restrictions on who can use the software and for what. Under the Open Source AI Definition, that is not open source," said Joaquín Restrepo, a licensing lawyer who has advised open-source foundations.`,
      `The label has regulatory consequences. The EU AI Act exempts some open-source models from parts of its obligations, but the exemption does not extend to general-purpose models with systemic risk. Meta said Llama 5 560B would be treated as such and that it had signed the EU's code of practice for general-purpose AI. Meta declined to sign the code in 2025; a spokesperson said the company had revisited the decision after changes to the text.`,
      `In Washington, Mark Zuckerberg's pitch that the leading open model should be American aligns with administration policy that encourages US open-weights development.`,
    ],
  },
];
