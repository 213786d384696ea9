import type { FoundationModelSummary, InferenceProfileSummary, InferenceType } from '@aws-sdk/client-bedrock';
import { buildCatalog, Catalog } from '../../src/bedrock/catalog.js';

// A fixed catalog, as ListFoundationModels and ListInferenceProfiles would list it in us-east-1, for
// specs that need models to resolve without the Bedrock emulator.

const arn = (modelId: string) => `arn:aws:bedrock:us-east-1::foundation-model/${modelId}`;

function summary(
  modelId: string,
  modelName: string,
  more: Partial<FoundationModelSummary> = {},
): FoundationModelSummary {
  return {
    modelId,
    modelArn: arn(modelId),
    modelName,
    providerName: modelId.startsWith('amazon') ? 'Amazon' : modelId.startsWith('meta') ? 'Meta' : 'Anthropic',
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND'],
    responseStreamingSupported: true,
    modelLifecycle: { status: 'ACTIVE' },
    ...more,
  };
}

/** A system-defined profile per geography, routing to the model, as ListInferenceProfiles lists them. */
function profiles(modelId: string, geographies: string[]): InferenceProfileSummary[] {
  return geographies.map((geography) => ({
    inferenceProfileId: `${geography}.${modelId}`,
    inferenceProfileName: `${geography} ${modelId}`,
    inferenceProfileArn: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${geography}.${modelId}`,
    models: [{ modelArn: arn(modelId) }],
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
    createdAt: undefined,
  }));
}

export const SONNET_OLD = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
export const SONNET_NEW = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
export const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';

// Bedrock lists profile-only models as INFERENCE_PROFILE, a value the SDK's InferenceType does not name.
const PROFILE_ONLY = ['INFERENCE_PROFILE' as InferenceType];

const SUMMARIES: FoundationModelSummary[] = [
  summary('amazon.nova-micro-v1:0', 'Nova Micro'),
  // The fine-tuning base of Nova Micro: same alias, served only through provisioned throughput.
  summary('amazon.nova-micro-v1:0:128k', 'Nova Micro', { inferenceTypesSupported: ['PROVISIONED'] }),
  summary('amazon.nova-lite-v1:0', 'Nova Lite', { inputModalities: ['TEXT', 'IMAGE'] }),
  summary('amazon.titan-embed-text-v2:0', 'Titan Text Embeddings V2', { outputModalities: ['EMBEDDING'] }),
  summary(SONNET_OLD, 'Claude 3.5 Sonnet', { modelLifecycle: { status: 'LEGACY' } }),
  summary(SONNET_NEW, 'Claude 3.5 Sonnet v2', { inferenceTypesSupported: PROFILE_ONLY }),
  summary(HAIKU, 'Claude 3.5 Haiku', { inferenceTypesSupported: PROFILE_ONLY }),
  summary('meta.llama3-70b-instruct-v1:0', 'Llama 3 70B Instruct'),
];

const PROFILES = [
  ...profiles(SONNET_NEW, ['eu', 'us']),
  ...profiles(HAIKU, ['us']),
  ...profiles('amazon.nova-micro-v1:0', ['us']),
];

/** The catalog the app builds from the lists above, in `region`. */
export const fixedCatalog = (region = 'us-east-1') => new Catalog(buildCatalog(SUMMARIES, PROFILES, region));
