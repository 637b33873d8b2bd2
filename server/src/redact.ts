/** Masks bearer tokens and `token=…` values in a line of text (log lines must not carry secrets). */
export function redactSecrets(text: string): string {
  return text.replace(/(bearer\s+|token["']?\s*[=:]\s*["']?)[A-Za-z0-9._~+/-]{8,}/gi, '$1[redacted]');
}
