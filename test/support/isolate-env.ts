// Tests drive the app only through its environment: a developer's own AWS settings must not leak in.
// An empty AWS_BEARER_TOKEN_BEDROCK still switches the SDK to bearer auth, so these are removed, not blanked.
for (const name of ['AWS_BEARER_TOKEN_BEDROCK', 'AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) {
  delete process.env[name];
}
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
