import {
  type BedrockClient,
  CreateModelCustomizationJobCommand,
  type CreateModelCustomizationJobRequest,
  GetModelCustomizationJobCommand,
  ListModelCustomizationJobsCommand,
  ListProvisionedModelThroughputsCommand,
  type ProvisionedModelSummary,
  StopModelCustomizationJobCommand,
} from '@aws-sdk/client-bedrock';
import { type Job, type JobStatus, jobFromDetails, jobFromSummary } from './types.js';

export interface JobPage {
  jobs: Job[];
  nextToken?: string;
}

export interface Throughput {
  name: string;
  arn: string;
  modelArn: string;
  foundationModelArn: string;
  modelUnits: number;
  status: string;
  commitment?: string;
  commitmentEndsAt?: string;
}

/** Bedrock's model-customization API (control plane), returning plain data. */
export class JobsClient {
  constructor(private readonly client: BedrockClient) {}

  /** Newest first. */
  async list(
    filter: { status?: JobStatus; nameContains?: string; nextToken?: string; maxResults?: number } = {},
  ): Promise<JobPage> {
    const answer = await this.client.send(
      new ListModelCustomizationJobsCommand({
        statusEquals: filter.status,
        nameContains: filter.nameContains,
        nextToken: filter.nextToken,
        maxResults: filter.maxResults ?? 10,
        sortBy: 'CreationTime',
        sortOrder: 'Descending',
      }),
    );
    return {
      jobs: (answer.modelCustomizationJobSummaries ?? []).map(jobFromSummary),
      nextToken: answer.nextToken,
    };
  }

  /** By job name or ARN. */
  async get(identifier: string): Promise<Job> {
    return jobFromDetails(
      await this.client.send(new GetModelCustomizationJobCommand({ jobIdentifier: identifier })),
    );
  }

  async stop(identifier: string): Promise<void> {
    await this.client.send(new StopModelCustomizationJobCommand({ jobIdentifier: identifier }));
  }

  async create(request: CreateModelCustomizationJobRequest, signal?: AbortSignal): Promise<string> {
    const answer = await this.client.send(new CreateModelCustomizationJobCommand(request), {
      abortSignal: signal,
    });
    return answer.jobArn ?? '';
  }

  async throughputs(modelArn?: string): Promise<Throughput[]> {
    const answer = await this.client.send(
      new ListProvisionedModelThroughputsCommand({ modelArnEquals: modelArn, maxResults: 100 }),
    );
    return (answer.provisionedModelSummaries ?? []).map((summary: ProvisionedModelSummary) => ({
      name: summary.provisionedModelName ?? '',
      arn: summary.provisionedModelArn ?? '',
      modelArn: summary.modelArn ?? '',
      foundationModelArn: summary.foundationModelArn ?? '',
      modelUnits: summary.modelUnits ?? 0,
      status: summary.status ?? 'Unknown',
      commitment: summary.commitmentDuration,
      commitmentEndsAt: summary.commitmentExpirationTime?.toISOString(),
    }));
  }
}
