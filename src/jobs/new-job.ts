import type { CreateModelCustomizationJobRequest, CustomizationType } from '@aws-sdk/client-bedrock';
import type { CatalogModel, CatalogSource } from '../bedrock/catalog.js';
import { classifyBedrockError } from '../bedrock/errors.js';
import { failed, ok, type Result } from '../result.js';
import type { Asker, JobAccess } from './access.js';
import type { JobsClient } from './client.js';
import { checkHyperparameters, parseHyperparameters } from './hyperparameters.js';

/** The fields of a new job, as typed into the form. */
export interface NewJobForm {
  type: string;
  base: string;
  custom_name: string;
  job_name: string;
  training: string;
  validation?: string;
  output: string;
  role: string;
  hyperparameters?: string;
  teacher?: string;
}

export type NewJobErrors = Partial<Record<keyof NewJobForm, string>>;

// Bedrock's own patterns (CreateModelCustomizationJob): names of 1–63 characters.
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9+\-.])*$/;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const ROLE_ARN = /^arn:aws(-[a-z-]+)?:iam::\d{12}:role\/[\w+=,.@\-/]+$/;

function checkName(value: string, what: string): string | undefined {
  if (value.length === 0 || value.length > 63) return `The ${what} must be 1–63 characters.`;
  if (!NAME.test(value))
    return `The ${what} may hold letters, digits, hyphens, dots and plus signs, starting with a letter or digit.`;
  return undefined;
}

const checkS3 = (value: string) =>
  S3_URI.test(value) ? undefined : 'Give an S3 URI such as s3://my-bucket/path/train.jsonl.';

/**
 * Checks a new job before it is submitted, with one message per field, or builds the request. Ranges
 * come from the base model's documented hyperparameters, types from its catalog entry.
 */
function checkNewJob(
  form: NewJobForm,
  baseModel: CatalogModel | undefined,
): Result<CreateModelCustomizationJobRequest, NewJobErrors> {
  const errors: NewJobErrors = {};
  if (!baseModel) errors.base = 'Choose a base model from the list.';
  else if (!baseModel.customizations.includes(form.type)) {
    errors.base = `${baseModel.name} supports ${baseModel.customizations.map((type) => type.toLowerCase().replace(/_/g, ' ')).join(', ') || 'no customization'}, not ${form.type.toLowerCase().replace(/_/g, ' ')}.`;
  }
  const customName = checkName(form.custom_name, 'custom model name');
  if (customName) errors.custom_name = customName;
  const jobName = checkName(form.job_name, 'job name');
  if (jobName) errors.job_name = jobName;
  const training = checkS3(form.training);
  if (training) errors.training = training;
  if (form.validation) {
    const validation = checkS3(form.validation);
    if (validation) errors.validation = validation;
  }
  const output = checkS3(form.output);
  if (output) errors.output = output;
  if (!ROLE_ARN.test(form.role))
    errors.role = 'Give an IAM role ARN such as arn:aws:iam::123456789012:role/BedrockCustomization.';
  let hyperParameters: Record<string, string> = {};
  if (form.hyperparameters) {
    const parsed = parseHyperparameters(form.hyperparameters);
    if (!parsed.ok) errors.hyperparameters = parsed.problem.message;
    else {
      hyperParameters = parsed.value;
      const outOfRange = baseModel ? checkHyperparameters(baseModel.modelId, parsed.value) : undefined;
      if (outOfRange) errors.hyperparameters = outOfRange;
    }
  }
  if (form.type === 'DISTILLATION' && !form.teacher) errors.teacher = 'Distillation needs a teacher model.';
  if (Object.keys(errors).length > 0 || !baseModel) return failed(errors);
  return ok({
    jobName: form.job_name,
    customModelName: form.custom_name,
    roleArn: form.role,
    baseModelIdentifier: baseModel.modelArn,
    customizationType: form.type as CustomizationType,
    trainingDataConfig: { s3Uri: form.training },
    validationDataConfig: form.validation ? { validators: [{ s3Uri: form.validation }] } : undefined,
    outputDataConfig: { s3Uri: form.output },
    hyperParameters: Object.keys(hyperParameters).length ? hyperParameters : undefined,
    customizationConfig:
      form.type === 'DISTILLATION' && form.teacher
        ? { distillationConfig: { teacherModelConfig: { teacherModelIdentifier: form.teacher } } }
        : undefined,
  });
}

/** Starting a customization job from the new-job form. */
export class NewJobs {
  constructor(
    private readonly access: JobAccess,
    private readonly catalog: CatalogSource,
    private readonly jobs: JobsClient,
  ) {}

  /** The base models this account can customize, each with the types it supports. */
  async bases(): Promise<CatalogModel[]> {
    return (await this.catalog.load()).models.filter((model) => model.customizations.length > 0);
  }

  /** The new job's ARN, or the errors to show beside the form's fields (Bedrock's refusal too). */
  async submit(form: NewJobForm, who: Asker, signal: AbortSignal): Promise<Result<string, NewJobErrors>> {
    const admitted = await this.access.admit(who);
    if (!admitted.ok) return failed({ job_name: admitted.problem.message });
    const catalog = await this.catalog.load();
    const checked = checkNewJob(
      form,
      catalog.models.find((model) => model.modelId === form.base),
    );
    if (!checked.ok) return checked;
    try {
      return ok(await this.jobs.create(checked.value, signal));
    } catch (error) {
      const failure = classifyBedrockError(error);
      return failed({ job_name: `Bedrock refused the job: ${failure.detail ?? failure.message}` });
    }
  }
}
