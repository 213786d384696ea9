/**
 * A rough token count. English prose runs about 4 characters a token; 3 leaves room for code and
 * other languages, because underestimating makes Bedrock reject the whole request.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}
