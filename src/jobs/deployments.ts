import { createHash } from 'node:crypto';
import { classifyBedrockError, isOutage } from '../bedrock/errors.js';
import { failed, ok, type Problem, problem, type Result } from '../result.js';
import type { Asker, JobAccess } from './access.js';
import type { Deployment, JobsClient } from './client.js';
import { findJob } from './lookup.js';
import { type Job, modelIdOf } from './types.js';

/**
 * Which custom models can be served on demand (CreateCustomModelDeployment) rather than through
 * Provisioned Throughput. Source: Amazon Bedrock user guide, "Deploy a custom model for on-demand
 * inference" (checked 2026-12): Amazon Nova Micro, Lite and Pro bases, customized on or after
 * 2025-07-16, in US East (N. Virginia) and US West (Oregon).
 */
const ON_DEMAND_DEPLOYMENT = {
  bases: [
    { prefix: 'amazon.nova-micro-v1', name: 'Nova Micro' },
    { prefix: 'amazon.nova-lite-v1', name: 'Nova Lite' },
    { prefix: 'amazon.nova-pro-v1', name: 'Nova Pro' },
  ],
  regions: ['us-east-1', 'us-west-2'],
  customizedSince: '2025-07-16',
} as const;

/** Whether a customization of this base can be served on demand (where the Region offers it). */
export function deploysOnDemand(baseModelId: string): boolean {
  return ON_DEMAND_DEPLOYMENT.bases.some((entry) => baseModelId.startsWith(entry.prefix));
}

/** Whether this Region offers on-demand custom models at all. */
export function offersOnDemandDeployment(region: string): boolean {
  return (ON_DEMAND_DEPLOYMENT.regions as readonly string[]).includes(region);
}

/** Whether the job's custom model may be deployed on demand in `region`, or why not (said before any call). */
export function onDemandEligibility(job: Job, region: string): Result<void> {
  const base = modelIdOf(job.baseModelArn);
  const { bases, regions, customizedSince } = ON_DEMAND_DEPLOYMENT;
  const names = bases.map((entry) => entry.name).join(', ');
  if (!deploysOnDemand(base))
    return failed(
      problem(
        'invalid',
        `A custom model of \`${base}\` can’t be deployed on demand: Bedrock serves only customized ${names} that way. It needs Provisioned Throughput.`,
      ),
    );
  if (!offersOnDemandDeployment(region))
    return failed(
      problem(
        'invalid',
        `Bedrock offers on-demand custom models only in ${regions.join(' and ')}, and this app runs in ${region}. Use Provisioned Throughput here, or customize the model in one of those Regions.`,
      ),
    );
  if (job.createdAt.slice(0, 10) < customizedSince)
    return failed(
      problem(
        'invalid',
        `*${job.name}* was customized before ${customizedSince}, and only models customized since then can be deployed on demand. It needs Provisioned Throughput.`,
      ),
    );
  return ok(undefined);
}

/** Bedrock's names for deployments: letters, digits and single hyphens, up to 63 characters. */
function deploymentName(job: Job): string {
  const base = (job.customModelName ?? job.name).replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base.slice(0, 56) || 'custom'}-od`;
}

const NOT_A_STOPPER = problem(
  'forbidden',
  'You may not deploy or delete custom models. Ask whoever runs this app (FINETUNE_STOPPERS).',
);

/** Custom models served on demand: deploy a finished job's model, list deployments, delete one. */
export class CustomDeployments {
  constructor(
    private readonly jobs: JobsClient,
    private readonly access: JobAccess,
    private readonly region: string,
  ) {}

  /** Whether a person may deploy this job's model on demand here (a stopper, an eligible model). */
  async mayDeploy(job: Job, who: Asker): Promise<boolean> {
    return (
      job.status === 'Completed' &&
      onDemandEligibility(job, this.region).ok &&
      (await this.access.mayStop(who))
    );
  }

  /**
   * Deploys the custom model of a completed job, for a person FINETUNE_STOPPERS allows (a deployment
   * costs money once used). Everything the app can check is checked before Bedrock is called; a
   * model already deployed is named instead of deployed twice.
   */
  async deploy(job: string, who: Asker): Promise<Result<{ job: Job; deploymentArn: string; name: string }>> {
    if (!(await this.access.mayStop(who))) return failed(NOT_A_STOPPER);
    const found = await findJob(this.jobs, job);
    if (!found.ok) return found;
    const { value } = found;
    if (value.status !== 'Completed' || !value.customModelArn)
      return failed(
        problem(
          'conflict',
          `*${value.name}* is ${value.status}: only a completed job has a model to deploy.`,
        ),
      );
    const eligible = onDemandEligibility(value, this.region);
    if (!eligible.ok) return eligible;
    const name = deploymentName(value);
    const modelArn = value.customModelArn;
    try {
      const serving = (await this.jobs.deployments(modelArn)).find((entry) => entry.status !== 'Failed');
      if (serving)
        return failed(
          problem(
            'conflict',
            `*${value.customModelName ?? value.name}* is already deployed on demand as \`${serving.name}\` (${serving.status}). \`/finetune-status deployments\` lists it.`,
          ),
        );
      // Two clicks within the same ten minutes are one request to Bedrock; a deploy after a delete is new.
      const window = Math.floor(Date.now() / 600_000);
      const deploymentArn = await this.jobs.deploy({
        name,
        modelArn,
        token: createHash('sha256').update(`${modelArn}|${window}`).digest('hex').slice(0, 32),
        description: `On-demand deployment of ${value.customModelName ?? value.name}, from Slack`,
      });
      return ok({ job: value, deploymentArn, name });
    } catch (error) {
      return failed(refusal(error, `deploy *${value.customModelName ?? value.name}*`));
    }
  }

  async list(): Promise<Result<Deployment[]>> {
    try {
      return ok(await this.jobs.deployments());
    } catch (error) {
      return failed(refusal(error, 'list the custom model deployments'));
    }
  }

  /** Deletes a deployment; Bedrock's refusal (one still being created, say) is told as it gave it. */
  async delete(deploymentArn: string, who: Asker): Promise<Result<Deployment>> {
    if (!(await this.access.mayStop(who))) return failed(NOT_A_STOPPER);
    let deployment: Deployment;
    try {
      deployment = await this.jobs.deployment(deploymentArn);
      await this.jobs.deleteDeployment(deploymentArn);
    } catch (error) {
      return failed(refusal(error, `delete the deployment \`${deploymentArn}\``));
    }
    return ok(deployment);
  }
}

/** Bedrock said no: its own words, with what was being done. */
function refusal(error: unknown, doing: string): Problem {
  const { kind, message, detail } = classifyBedrockError(error);
  if (kind === 'access-denied')
    return problem(
      'unavailable',
      `The app’s AWS role may not ${doing.replace(/\*/g, '')}: it needs the bedrock:*CustomModelDeployment* actions (see the README).`,
    );
  if (kind === 'not-found')
    return problem('invalid', `Bedrock could not ${doing}: ${detail ?? 'not found'}.`);
  if (kind === 'conflict' || kind === 'validation')
    return problem('conflict', `Bedrock refused to ${doing}: ${detail ?? message}`);
  return isOutage(kind)
    ? problem('unavailable', `Bedrock did not answer: ${message}`)
    : problem('invalid', `Bedrock could not ${doing}: ${detail ?? message}`);
}
