import type { Button, KnownBlock } from '@slack/types';
import { formatUsd } from '../../bedrock/pricing.js';
import type { Deployment, Throughput } from '../../jobs/client.js';
import type { JobListPage } from '../../jobs/listing.js';
import type { JobChange } from '../../jobs/poller.js';
import { baseOfCustomModel, type Job, modelIdOf, STAGES, type StageStatus } from '../../jobs/types.js';
import { button, clip, LIMITS } from '../kit/limits.js';
import { type SlackMessage, slackMessage } from '../kit/message.js';
import { escapeMrkdwn } from '../kit/mrkdwn.js';

export const JOB_ACTIONS = {
  details: 'finetune_details',
  more: 'finetune_more',
  watch: 'finetune_watch',
  unwatch: 'finetune_unwatch',
  refresh: 'finetune_refresh',
  stop: 'finetune_stop',
  compare: 'finetune_compare',
  deploy: 'finetune_deploy',
  deleteDeployment: 'finetune_delete_deployment',
} as const;

/** Marks job-change replies, so a poller recovering from a crash can tell whether one was posted. */
export const JOB_CHANGE_EVENT = 'bedrock_slack_job_change';

const STATUS_ICON: Record<string, string> = {
  InProgress: ':hourglass_flowing_sand:',
  Completed: ':white_check_mark:',
  Failed: ':x:',
  Stopping: ':octagonal_sign:',
  Stopped: ':black_square_for_stop:',
  NotStarted: ':white_circle:',
};

const TYPE_LABEL: Record<string, string> = {
  FINE_TUNING: 'Fine-tuning',
  CONTINUED_PRE_TRAINING: 'Continued pre-training',
  DISTILLATION: 'Distillation',
  REINFORCEMENT_FINE_TUNING: 'Reinforcement fine-tuning',
};

export const typeLabel = (type: string) => TYPE_LABEL[type] ?? type;
const icon = (status: string) => STATUS_ICON[status] ?? ':grey_question:';

/** Slack shows the date in each reader's own time zone. */
function when(isoTime: string | undefined): string {
  if (!isoTime) return '–';
  const epoch = Math.floor(Date.parse(isoTime) / 1000);
  return `<!date^${epoch}^{date_short_pretty} {time}|${isoTime}>`;
}

function duration(fromIso: string, toIso: string | undefined, now = Date.now()): string {
  const ms = Math.max(0, (toIso ? Date.parse(toIso) : now) - Date.parse(fromIso));
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, LIMITS.sectionText) },
});
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, LIMITS.sectionText) }],
});

function elapsed(job: Job, now: number): string {
  return job.endedAt
    ? `took ${duration(job.createdAt, job.endedAt)}`
    : `running for ${duration(job.createdAt, undefined, now)}`;
}

function summaryLine(job: Job, now: number): string {
  const custom = job.customModelName ? ` → \`${escapeMrkdwn(job.customModelName)}\`` : '';
  return [
    `${icon(job.status)} *${escapeMrkdwn(job.name)}* · ${job.status}`,
    `${typeLabel(job.type)} of \`${escapeMrkdwn(modelIdOf(job.baseModelArn))}\`${custom}`,
    `started ${when(job.createdAt)} · ${elapsed(job, now)}`,
  ].join('\n');
}

/** A page of the job list; `moreCursor` makes a More button for the next page. */
export function jobListMessage({ jobs, filter, moreCursor }: JobListPage, now = Date.now()): SlackMessage {
  const filterLabel = [
    filter.status,
    filter.nameContains ? `name contains “${filter.nameContains}”` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clip(`Customization jobs${filterLabel ? ` · ${filterLabel}` : ''}`, 150),
      },
    },
  ];
  if (jobs.length === 0) blocks.push(section('_No customization jobs match._'));
  for (const job of jobs.slice(0, 40)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(summaryLine(job, now), LIMITS.sectionText) },
      accessory: button('Details', JOB_ACTIONS.details, job.arn),
    });
  }
  if (moreCursor) blocks.push({ type: 'actions', elements: [button('More', JOB_ACTIONS.more, moreCursor)] });
  blocks.push(
    context(
      '`/finetune-status <job>` for one job · filters: `running` `completed` `failed` `stopped` `name:<part>`',
    ),
  );
  return slackMessage({ text: `Customization jobs${filterLabel ? ` (${filterLabel})` : ''}`, blocks });
}

/** One sentence on the usual causes of a failed job, matched on Bedrock's message. */
export function failureHint(message: string): string | undefined {
  if (/s3|access ?denied|permission|not authorized|forbidden|bucket/i.test(message)) {
    return 'This usually means the service role cannot read the training data or write the output: give it s3:GetObject and s3:ListBucket on the input bucket and s3:PutObject on the output, in the job’s region, and check the bucket policy and KMS key.';
  }
  if (/format|json|schema|record|line \d+|invalid|malformed|token/i.test(message)) {
    return 'This usually means the data is not in the format the base model expects: one JSON object per line (JSONL) with the fields its fine-tuning guide lists, within its record and token limits.';
  }
  if (/quota|limit|exceed|capacity/i.test(message)) {
    return 'This usually means an account quota was reached: see Service Quotas → Amazon Bedrock (customization jobs, training records), or try again when other jobs have finished.';
  }
  return undefined;
}

function stageLines(job: Job): string[] {
  return STAGES.flatMap(([key, label]) => {
    const stage = job.stages[key];
    if (!stage) return [];
    const times = stage.startedAt ? ` · started ${when(stage.startedAt)}` : '';
    const ended =
      stage.status !== 'InProgress' && stage.status !== 'NotStarted' && stage.updatedAt
        ? ` · ended ${when(stage.updatedAt)}`
        : '';
    return [`${icon(stage.status)} ${label}: ${stage.status}${times}${ended}`];
  });
}

/** Final losses only: a running job's metrics, when Bedrock sends any, are placeholders such as 0. */
function losses(job: Job): string | undefined {
  if (job.status !== 'Completed') return undefined;
  const parts = [
    job.trainingLoss !== undefined ? `training loss ${job.trainingLoss.toFixed(4)}` : undefined,
    job.validationLoss !== undefined ? `validation loss ${job.validationLoss.toFixed(4)}` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

export function jobDetailsMessage(
  job: Job,
  options: { watching: boolean; mayStop: boolean; mayDeploy?: boolean },
  now = Date.now(),
): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(job.name, LIMITS.headerText) } },
    section(summaryLine(job, now)),
  ];
  const stages = stageLines(job);
  if (stages.length) blocks.push(section(`*Stages*\n${stages.join('\n')}`));
  if (job.hyperParameters && Object.keys(job.hyperParameters).length > 0) {
    const entries = Object.entries(job.hyperParameters).map(
      ([name, value]) => `\`${name}\` ${escapeMrkdwn(value)}`,
    );
    blocks.push(section(`*Hyperparameters*\n${entries.join(' · ')}`));
  }
  const data = [
    job.trainingS3 ? `Training: \`${escapeMrkdwn(job.trainingS3)}\`` : undefined,
    ...(job.validationS3 ?? []).map((uri) => `Validation: \`${escapeMrkdwn(uri)}\``),
    job.outputS3 ? `Output: \`${escapeMrkdwn(job.outputS3)}\`` : undefined,
    job.roleArn ? `Service role: \`${escapeMrkdwn(job.roleArn)}\`` : undefined,
  ].filter(Boolean);
  if (data.length) blocks.push(section(`*Data and role*\n${data.join('\n')}`));
  const output = [
    job.customModelName ? `Custom model: *${escapeMrkdwn(job.customModelName)}*` : undefined,
    job.customModelArn ? `ARN: \`${escapeMrkdwn(job.customModelArn)}\`` : undefined,
    losses(job),
  ].filter(Boolean);
  if (output.length) blocks.push(section(`*Output*\n${output.join('\n')}`));
  // A message on a job that has not failed is a leftover of a retried step, not its outcome.
  if (job.status === 'Failed' && job.failureMessage) blocks.push(...failureBlocks(job.failureMessage));
  const buttons = [
    options.watching
      ? button('Unwatch', JOB_ACTIONS.unwatch, job.arn)
      : button(':eyes: Watch', JOB_ACTIONS.watch, job.arn, 'primary'),
    button(':arrows_counterclockwise: Refresh', JOB_ACTIONS.refresh, job.arn),
  ];
  if (options.mayStop && job.status === 'InProgress') {
    buttons.push({
      ...button('Stop job', JOB_ACTIONS.stop, job.arn, 'danger'),
      confirm: {
        title: { type: 'plain_text', text: 'Stop this job?' },
        text: {
          type: 'mrkdwn',
          text: clip(
            `*${escapeMrkdwn(job.name)}* stops for good; the training done so far is billed and no model is produced.`,
            300,
          ),
        },
        confirm: { type: 'plain_text', text: 'Stop job' },
        deny: { type: 'plain_text', text: 'Keep running' },
        style: 'danger',
      },
    });
  }
  if (options.mayDeploy && job.status === 'Completed') buttons.push(deployButton(job));
  blocks.push({ type: 'actions', elements: buttons });
  return slackMessage({ text: `${job.name}: ${job.status}`, blocks: blocks.slice(0, LIMITS.blocks) });
}

function failureBlocks(message: string): KnownBlock[] {
  const hint = failureHint(message);
  const quoted = clip(message, 2500)
    .split('\n')
    .map((line) => `>${escapeMrkdwn(line)}`)
    .join('\n');
  return [section(`*Failure*\n${quoted}`), ...(hint ? [context(`:bulb: ${hint}`)] : [])];
}

/** The message that opens a watch thread. */
export function watchCardMessage(job: Job, userId: string, now = Date.now()): SlackMessage {
  return slackMessage(
    {
      text: `Watching ${job.name}`,
      blocks: [
        section(summaryLine(job, now)),
        context(
          `:eyes: <@${userId}> is watching this job: every status and stage change is posted in this thread.`,
        ),
      ],
    },
    [userId],
  );
}

const statusOfSignature = (signature: string) => {
  const [status = '', stages = ''] = signature.split('|');
  return { status, stages: stages.split(',') as (StageStatus | '-')[] };
};

export interface ChangeContext {
  region: string;
  /** Whether the finished model may be compared with its base (a throughput or deployment serves it). */
  compareValue?: string;
  /** What serves it, for saying so. */
  servedBy?: 'provisioned throughput' | 'on-demand deployment';
  /** Whether the finished model may be deployed on demand, or why not. */
  onDemand?: { ok: true } | { ok: false; why: string };
  /** Provisioned Throughput's hourly price per model unit for the base, when the price table knows it. */
  provisionedPerHourUsd?: number;
}

function noCommitmentPrice(perHourUsd: number | undefined, units: number): string {
  return perHourUsd === undefined
    ? 'no commitment'
    : `no commitment, ${formatUsd(perHourUsd * units)} an hour`;
}

/** A button that asks first, in Slack's own confirm dialog (title ≤ 100, text ≤ 300 characters). */
function confirmed(base: Button, title: string, text: string, yes: string): Button {
  return {
    ...base,
    confirm: {
      title: { type: 'plain_text', text: clip(title, 100) },
      text: { type: 'mrkdwn', text: clip(text, 300) },
      confirm: { type: 'plain_text', text: clip(yes, 30) },
      deny: { type: 'plain_text', text: 'Cancel' },
      ...(base.style === 'danger' ? { style: 'danger' as const } : {}),
    },
  };
}

/** Deploy on demand, asking first what it creates and costs. */
function deployButton(job: Job): Button {
  return confirmed(
    button(':rocket: Deploy on demand', JOB_ACTIONS.deploy, job.arn, 'primary'),
    'Deploy on demand?',
    `Creates an on-demand deployment of *${escapeMrkdwn(job.customModelName ?? job.name)}*. It costs nothing while idle; each request to it is billed per token.`,
    'Deploy',
  );
}

/** What Provisioned Throughput commits to, from the price table when it knows the base's hourly price. */
function hourlyCommitment(perHourUsd: number | undefined): string {
  if (perHourUsd === undefined)
    return 'Its hourly price is not in this app’s price table (`provisionedPerHourUsd` in PRICES_FILE): see aws.amazon.com/bedrock/pricing before you buy.';
  return `One model unit costs ${formatUsd(perHourUsd)} an hour (${formatUsd(perHourUsd * 24 * 30)} a 30-day month), billed while it exists, used or not.`;
}

function servingBlocks(job: Job, contextInfo: ChangeContext): KnownBlock[] {
  const customArn = job.customModelArn ?? '';
  const name = `${(job.customModelName ?? job.name).slice(0, 50)}-pt`;
  const command = `\`\`\`aws bedrock create-provisioned-model-throughput --region ${contextInfo.region} --model-units 1 --provisioned-model-name ${name} --model-id ${customArn}\`\`\``;
  const commitment = context(`:moneybag: ${hourlyCommitment(contextInfo.provisionedPerHourUsd)}`);
  if (contextInfo.onDemand?.ok) {
    return [
      section(
        ':rocket: This model can be served *on demand*: billed per token, nothing while idle. *Deploy on demand* creates the deployment and tells this thread when it is ready.',
      ),
      { type: 'actions', elements: [deployButton(job)] },
      section(
        `For steady heavy traffic, Provisioned Throughput is the other way, one model unit without commitment:\n${command}`,
      ),
      commitment,
    ];
  }
  return [
    section(
      `:warning: A custom model needs *Provisioned Throughput* before it can answer. To buy one model unit without commitment:\n${command}`,
    ),
    commitment,
    ...(contextInfo.onDemand && !contextInfo.onDemand.ok
      ? [context(`Not on demand: ${contextInfo.onDemand.why}`)]
      : []),
  ];
}

export function jobChangeMessage(job: Job, change: JobChange, contextInfo: ChangeContext): SlackMessage {
  const before = change.previous ? statusOfSignature(change.previous) : undefined;
  const after = statusOfSignature(change.current);
  const lines: string[] = [];
  if (!before || before.status !== after.status) {
    lines.push(
      `${icon(job.status)} *${escapeMrkdwn(job.name)}*: ${before ? `${before.status} → ` : ''}*${after.status}*`,
    );
  } else lines.push(`${icon(job.status)} *${escapeMrkdwn(job.name)}* is ${job.status}`);
  STAGES.forEach(([, label], index) => {
    const was = before?.stages[index];
    const now = after.stages[index];
    if (now && now !== '-' && was !== now)
      lines.push(`${icon(now)} ${label}: ${was && was !== '-' ? `${was} → ` : ''}${now}`);
  });
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  if (job.status === 'Completed') {
    const done = [
      job.customModelName ? `Custom model *${escapeMrkdwn(job.customModelName)}*` : undefined,
      job.customModelArn ? `\`${escapeMrkdwn(job.customModelArn)}\`` : undefined,
      losses(job),
      job.endedAt ? `total ${duration(job.createdAt, job.endedAt)}` : undefined,
    ].filter(Boolean);
    blocks.push(section(done.join('\n')));
    if (job.customModelArn && !contextInfo.compareValue) blocks.push(...servingBlocks(job, contextInfo));
    if (contextInfo.compareValue) {
      const servedBy = contextInfo.servedBy ?? 'provisioned throughput';
      blocks.push(context(`A ${servedBy} serves this model: compare it with its base model.`), {
        type: 'actions',
        elements: [
          button(
            ':scales: Compare with base model',
            JOB_ACTIONS.compare,
            contextInfo.compareValue,
            'primary',
          ),
        ],
      });
    }
  }
  if (job.status === 'Failed' && job.failureMessage) blocks.push(...failureBlocks(job.failureMessage));
  return slackMessage({
    text: clip(lines[0]?.replace(/\*/g, '') ?? job.name, LIMITS.fallbackText),
    blocks,
    metadata: { event_type: JOB_CHANGE_EVENT, event_payload: { job: job.arn, change: change.current } },
  });
}

const DEPLOYMENT_ICON: Record<Deployment['status'], string> = {
  Creating: ':hourglass_flowing_sand:',
  Active: ':white_check_mark:',
  Failed: ':x:',
};

/** A reply in the thread where a deployment was started: its new status, and a compare once it is Active. */
export function deploymentChangeMessage(
  deployment: Deployment,
  previous: string | undefined,
  compareValue: string | undefined,
): SlackMessage {
  const line = `${DEPLOYMENT_ICON[deployment.status]} On-demand deployment *${escapeMrkdwn(deployment.name)}*: ${previous ? `${previous} → ` : ''}*${deployment.status}*`;
  const blocks: KnownBlock[] = [section(`${line}\n\`${escapeMrkdwn(deployment.arn)}\``)];
  if (deployment.status === 'Active') {
    blocks.push(
      context('It answers on demand through its ARN, billed per token: compare it with its base model.'),
    );
    if (compareValue)
      blocks.push({
        type: 'actions',
        elements: [button(':scales: Compare with base model', JOB_ACTIONS.compare, compareValue, 'primary')],
      });
  }
  if (deployment.status === 'Failed')
    blocks.push(
      section(`*Failure*\n>${escapeMrkdwn(deployment.failureMessage ?? 'Bedrock gave no reason.')}`),
    );
  return slackMessage({
    text: clip(line.replace(/\*/g, ''), LIMITS.fallbackText),
    blocks,
    metadata: {
      event_type: JOB_CHANGE_EVENT,
      event_payload: { job: deployment.arn, change: deployment.status },
    },
  });
}

/** Posted where a deployment starts; its status changes follow in this message's thread. */
export function deploymentStartedMessage(
  modelName: string,
  deploymentName: string,
  userId: string,
): SlackMessage {
  return slackMessage(
    {
      text: `Deploying ${modelName} on demand`,
      blocks: [
        section(
          `:rocket: <@${userId}> is deploying *${escapeMrkdwn(modelName)}* on demand as \`${escapeMrkdwn(deploymentName)}\`. I’ll post in this thread when it is Active.`,
        ),
      ],
    },
    [userId],
  );
}

export function deploymentsMessage(deployments: Deployment[]): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'On-demand custom model deployments' } },
  ];
  if (deployments.length === 0)
    blocks.push(
      section(
        '_No custom model deployments in this account and region._ A completed Nova Micro, Lite or Pro job offers *Deploy on demand* in its watch thread, or `/finetune-status deploy <job>`.',
      ),
    );
  for (const deployment of deployments.slice(0, 45)) {
    const name = escapeMrkdwn(deployment.name);
    const base = baseOfCustomModel(deployment.modelArn);
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `${DEPLOYMENT_ICON[deployment.status]} *${name}* · ${deployment.status}\ncustom model \`${escapeMrkdwn(modelIdOf(deployment.modelArn))}\`${base ? ` of \`${escapeMrkdwn(base)}\`` : ''} · created ${when(deployment.createdAt)}`,
          LIMITS.sectionText,
        ),
      },
      accessory: confirmed(
        button('Delete', JOB_ACTIONS.deleteDeployment, deployment.arn, 'danger'),
        `Delete ${deployment.name}?`.slice(0, 100),
        `If anything still sends requests to *${name}* (a thread, a compare, another app), they fail from then on. Bedrock refuses while it is being created. This can’t be undone.`,
        'Delete',
      ),
    });
  }
  return slackMessage({ text: 'On-demand custom model deployments', blocks });
}

/**
 * `perHourUsd` is the price table's hourly price of one model unit of a base model, when it has one:
 * a throughput without commitment then shows what it costs an hour.
 */
export function throughputMessage(
  throughputs: Throughput[],
  perHourUsd: (baseModelId: string) => number | undefined = () => undefined,
): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Provisioned throughput' } },
  ];
  if (throughputs.length === 0) {
    blocks.push(
      section(
        '_No provisioned throughput in this account and region._ A custom model needs one before it can answer.',
      ),
    );
  }
  for (const throughput of throughputs.slice(0, 45)) {
    const commitment = throughput.commitment
      ? `${throughput.commitment}${throughput.commitmentEndsAt ? `, until ${when(throughput.commitmentEndsAt)}` : ''}`
      : noCommitmentPrice(perHourUsd(modelIdOf(throughput.foundationModelArn)), throughput.modelUnits);
    blocks.push(
      section(
        `${throughput.status === 'InService' ? ':large_green_circle:' : ':large_yellow_circle:'} *${escapeMrkdwn(throughput.name)}* · ${throughput.status}\nmodel \`${escapeMrkdwn(modelIdOf(throughput.modelArn))}\` · ${throughput.modelUnits} model unit${throughput.modelUnits === 1 ? '' : 's'} · ${commitment}`,
      ),
    );
  }
  return slackMessage({ text: 'Provisioned throughput', blocks });
}

export function jobsHelp(): SlackMessage {
  return slackMessage({
    text: 'How to use /finetune-status',
    blocks: [
      section(
        [
          '*/finetune-status* shows Bedrock model-customization jobs (fine-tuning, continued pre-training, distillation) and tells a thread when a watched job changes.',
          '• `/finetune-status` recent jobs, newest first; add `running`, `completed`, `failed`, `stopped` or `name:<part>` to filter',
          '• `/finetune-status <job name or ARN>` one job: stages, hyperparameters, data, output model, failure',
          '• `/finetune-status watch <job>` / `unwatch <job>` post every change in a thread here',
          '• `/finetune-status new` start a fine-tuning job from a form',
          '• `/finetune-status throughput` provisioned throughputs (a custom model needs one, or an on-demand deployment, to answer)',
          '• `/finetune-status deploy <job>` serve a completed job’s Nova model on demand; `deployments` lists them, with Delete',
        ].join('\n'),
      ),
    ],
  });
}
