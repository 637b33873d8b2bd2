import { joinRefusalOf } from '@arena/shared';

/**
 * What to tell a person whose join was refused: by the refusal's typed code (see
 * shared/src/protocol/join.ts), never by parsing the message.
 */
export function joinErrorMessage(err: unknown): string {
  const refusal = joinRefusalOf(err);
  if (!refusal) {
    const message = err instanceof Error ? err.message : String(err);
    return `Could not join: ${message || 'the server is unreachable'}`;
  }
  const { code, message } = refusal;
  switch (code) {
    case 'seat-not-yours':
      return `${message}. Open the exact link you were given for this seat.`;
    case 'seat-taken':
      return `${message}. Someone else has this seat; ask for your own link, or watch as an observer.`;
    case 'agent-seat':
      return `${message}: nobody can take it. Watch as an observer instead.`;
    case 'no-such-debate':
      return `${message}. The link may be mistyped, or the debate was created on another server.`;
    case 'no-such-seat':
      return `${message}. The link may be mistyped.`;
    case 'not-public':
      return 'This debate is private: only its participants and researchers can watch it.';
    case 'protocol-version':
      return `${message}. Reload the page to get the current version.`;
    case 'malformed':
      return `The link is not valid (${message}).`;
    case 'too-many-connections':
      return `${message}. Close other tabs of this server, or try again later.`;
    case 'server-error':
      return `The server could not let you in (${message}); try again in a moment.`;
  }
}
