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
    const [catalog, throughputs] = await Promise.all([this.catalog.load(), this.jobs.throughputs()]);
    if (!throughputs.some((throughput) => throughput.arn === target.throughputArn)) {
      return failed(
        problem(
          'forbidden',
          `\`${target.throughputArn}\` is not a provisioned throughput of this account, so I won’t run it. \`/finetune-status throughput\` lists them.`,
        ),
      );
    }
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
      invokeId: target.throughputArn,
    };
    return ok([custom, base]);
  }
}
