import type { GetModelCustomizationJobResponse, ModelCustomizationJobSummary } from '@aws-sdk/client-bedrock';
import { z } from 'zod';

export const JOB_STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type StageStatus = JobStatus | 'NotStarted';

interface JobStage {
  status: StageStatus;
  startedAt?: string;
  updatedAt?: string;
}

/** One model-customization job, as plain data (stored, compared and rendered). Times are ISO strings. */
export interface Job {
  arn: string;
  name: string;
  status: JobStatus;
  type: string;
  baseModelArn: string;
  customModelName?: string;
  customModelArn?: string;
  createdAt: string;
  updatedAt?: string;
  endedAt?: string;
  stages: { validation?: JobStage; dataProcessing?: JobStage; training?: JobStage };
  /** Only from GetModelCustomizationJob: */
  roleArn?: string;
  hyperParameters?: Record<string, string>;
  trainingS3?: string;
  validationS3?: string[];
  outputS3?: string;
  trainingLoss?: number;
  validationLoss?: number;
  failureMessage?: string;
  detailed: boolean;
}

export const FINISHED: ReadonlySet<JobStatus> = new Set(['Completed', 'Failed', 'Stopped']);

export const STAGES = [
  ['validation', 'Validation'],
  ['dataProcessing', 'Data processing'],
  ['training', 'Training'],
] as const;

/** `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0:128k` → `amazon.nova-micro-v1:0:128k`. */
export function modelIdOf(arn: string): string {
  return arn.includes('/') ? arn.slice(arn.lastIndexOf('/') + 1) : arn;
}

/**
 * What a watcher is told about: the status and each stage's status. Two polls that see the same
 * signature have nothing new to say.
 */
export function signatureOf(job: Job): string {
  const stages = STAGES.map(([key]) => job.stages[key]?.status ?? '-').join(',');
  return `${job.status}|${stages}`;
}

const iso = (date: Date | undefined) => date?.toISOString();

function stage(details: { status?: string; creationTime?: Date; lastModifiedTime?: Date } | undefined) {
  if (!details?.status) return undefined;
  return {
    status: details.status as StageStatus,
    startedAt: iso(details.creationTime),
    updatedAt: iso(details.lastModifiedTime),
  };
}

type Summary = ModelCustomizationJobSummary | GetModelCustomizationJobResponse;

function common(source: Summary) {
  const statusDetails = source.statusDetails;
  return {
    arn: source.jobArn ?? '',
    name: source.jobName ?? '',
    status: (source.status ?? 'InProgress') as JobStatus,
    type: source.customizationType ?? 'FINE_TUNING',
    baseModelArn: source.baseModelArn ?? '',
    createdAt: iso(source.creationTime) ?? new Date(0).toISOString(),
    updatedAt: iso(source.lastModifiedTime),
    endedAt: iso(source.endTime),
    stages: {
      validation: stage(statusDetails?.validationDetails),
      dataProcessing: stage(statusDetails?.dataProcessingDetails),
      training: stage(statusDetails?.trainingDetails),
    },
  };
}

export function jobFromSummary(summary: ModelCustomizationJobSummary): Job {
  return {
    ...common(summary),
    customModelName: summary.customModelName,
    customModelArn: summary.customModelArn,
    detailed: false,
  };
}

export function jobFromDetails(details: GetModelCustomizationJobResponse): Job {
  const validationLosses = (details.validationMetrics ?? [])
    .map((metric) => metric.validationLoss)
    .filter((loss): loss is number => loss !== undefined);
  return {
    ...common(details),
    customModelName: details.outputModelName,
    customModelArn: details.outputModelArn,
    roleArn: details.roleArn,
    hyperParameters: details.hyperParameters,
    trainingS3: details.trainingDataConfig?.s3Uri,
    validationS3: details.validationDataConfig?.validators?.map((validator) => validator.s3Uri ?? ''),
    outputS3: details.outputDataConfig?.s3Uri,
    trainingLoss: details.trainingMetrics?.trainingLoss,
    validationLoss: validationLosses.at(-1),
    failureMessage: details.failureMessage,
    detailed: true,
  };
}

/**
 * A custom model served by a provisioned throughput or an on-demand deployment (exactly one of the
 * two ARNs), to compare with its base model.
 */
export const customCompareTargetSchema = z
  .object({
    throughputArn: z.string().optional(),
    deploymentArn: z.string().optional(),
    baseModelId: z.string(),
    customName: z.string(),
  })
  .refine((target) => Boolean(target.throughputArn) !== Boolean(target.deploymentArn));

/**
 * `…:custom-model/amazon.nova-micro-v1:0:128k/abc123` → `amazon.nova-micro-v1:0:128k`: a custom
 * model's ARN names its base.
 */
export function baseOfCustomModel(customModelArn: string): string | undefined {
  return customModelArn.match(/:custom-model\/(.+)\/[^/]+$/)?.[1];
}
export type CustomCompareTarget = z.infer<typeof customCompareTargetSchema>;
