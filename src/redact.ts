/** What replaces a secret wherever a server echoed it back into text we keep. */
export const REDACTED = '[redacted]';

/**
 * Returns `text` with every occurrence of each secret replaced by `[redacted]`. Used on server-sent
 * strings (`error_description`) before they enter an error, because a server may echo the request.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Short values cannot be told apart from ordinary words; tokens and keys are long.
    if (secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  return result;
}
