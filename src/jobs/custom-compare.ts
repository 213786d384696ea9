import type { CatalogSource, ResolvedModel } from '../bedrock/catalog.js';
import { failed, ok, problem, type Result } from '../result.js';
import type { Asker, JobAccess } from './access.js';
import type { JobsClient } from './client.js';
import type { CustomCompareTarget } from './types.js';

/** "Compare with base model": a finished custom model, through its provisioned throughput, beside its base. */
export class CustomModelCompare {
  constructor(
    private readonly access: JobAccess,
    private readonly catalog: CatalogSource,
    private readonly jobs: JobsClient,
  ) {}

  /**
   * The models to run: the provisioned custom model and its base, or why not. The throughput must be
   * one this account has provisioned: any other "throughput" would run some other model under the
   * custom model's name.
   */
  async models(target: CustomCompareTarget, who: Asker): Promise<Result<ResolvedModel[]>> {
    const admitted = await this.access.admit(who);
    if (!admitted.ok) return admitted;
    const [catalog, served] = await Promise.all([this.catalog.load(), this.served(target)]);
    if (!served.ok) return served;
    const base = catalog.findInvocable(target.baseModelId);
    if (!base) {
      return failed(
        problem(
          'gone',
          `I can’t find the base model \`${target.baseModelId}\` in the catalog to compare with.`,
        ),
      );
    }
    const custom: ResolvedModel = {
      model: { ...base.model, name: `${target.customName} (custom)`, lifecycle: 'ACTIVE' },
      invokeId: served.value,
    };
    return ok([custom, base]);
  }

  /** The ARN to invoke, once it is known to be this account's and ready to answer. */
  private async served(target: CustomCompareTarget): Promise<Result<string>> {
    if (target.deploymentArn) {
      const arn = target.deploymentArn;
      const deployment = await this.jobs.deployment(arn).catch(() => undefined);
      if (deployment?.status === 'Active') return ok(arn);
      return failed(
        problem(
          deployment ? 'conflict' : 'forbidden',
          deployment
            ? `The deployment *${deployment.name}* is ${deployment.status}, not Active, so it can’t answer yet.`
            : `\`${arn}\` is not a deployment of this account, so I won’t run it. \`/finetune-status deployments\` lists them.`,
        ),
      );
    }
    const arn = target.throughputArn ?? '';
    if ((await this.jobs.throughputs()).some((throughput) => throughput.arn === arn)) return ok(arn);
    return failed(
      problem(
        'forbidden',
        `\`${arn}\` is not a provisioned throughput of this account, so I won’t run it. \`/finetune-status throughput\` lists them.`,
      ),
    );
  }
}
