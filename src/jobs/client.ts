import {
  type BedrockClient,
  CreateCustomModelDeploymentCommand,
  CreateModelCustomizationJobCommand,
  type CreateModelCustomizationJobRequest,
  type CustomModelDeploymentSummary,
  DeleteCustomModelDeploymentCommand,
  GetCustomModelDeploymentCommand,
  GetModelCustomizationJobCommand,
  ListCustomModelDeploymentsCommand,
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

/** A custom model deployment: a custom model served on demand through its own ARN. Times are ISO strings. */
export interface Deployment {
  arn: string;
  name: string;
  modelArn: string;
  status: 'Creating' | 'Active' | 'Failed';
  createdAt: string;
  updatedAt?: string;
  failureMessage?: string;
}

function deploymentOf(summary: CustomModelDeploymentSummary & { modelDeploymentName?: string }): Deployment {
  return {
    arn: summary.customModelDeploymentArn ?? '',
    name: summary.customModelDeploymentName ?? summary.modelDeploymentName ?? '',
    modelArn: summary.modelArn ?? '',
    status: summary.status ?? 'Creating',
    createdAt: (summary.createdAt ?? new Date(0)).toISOString(),
    updatedAt: summary.lastUpdatedAt?.toISOString(),
    failureMessage: summary.failureMessage,
  };
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

  /**
   * Starts serving a custom model on demand; the token makes a repeated request (a retried click)
   * answer the same deployment instead of creating a second.
   */
  async deploy(request: {
    name: string;
    modelArn: string;
    token: string;
    description?: string;
  }): Promise<string> {
    const answer = await this.client.send(
      new CreateCustomModelDeploymentCommand({
        modelDeploymentName: request.name,
        modelArn: request.modelArn,
        description: request.description,
        clientRequestToken: request.token,
      }),
    );
    return answer.customModelDeploymentArn ?? '';
  }

  async deployment(identifier: string): Promise<Deployment> {
    const answer = await this.client.send(
      new GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: identifier }),
    );
    return deploymentOf({ ...answer, customModelDeploymentName: answer.modelDeploymentName });
  }

  /** Newest first; only those serving `modelArn` when given. */
  async deployments(modelArn?: string): Promise<Deployment[]> {
    const answer = await this.client.send(
      new ListCustomModelDeploymentsCommand({
        modelArnEquals: modelArn,
        sortBy: 'CreationTime',
        sortOrder: 'Descending',
        maxResults: 100,
      }),
    );
    return (answer.modelDeploymentSummaries ?? []).map((summary) => deploymentOf(summary));
  }

  async deleteDeployment(identifier: string): Promise<void> {
    await this.client.send(
      new DeleteCustomModelDeploymentCommand({ customModelDeploymentIdentifier: identifier }),
    );
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
