import { AGENT_PROTOCOL_VERSION, AgentHandshake, describeIssues, type HandshakeRefusal, type HandshakeRefusalCode } from '@arena/shared';
import type { AgentKeys } from '../../store/agent-keys.ts';

/** A refused handshake; socket.io sends `data` to the client with its connect_error. */
export class HandshakeError extends Error {
  readonly data: HandshakeRefusal;
  constructor(code: HandshakeRefusalCode, message: string) {
    super(message);
    this.data = { code, message, serverProtocol: AGENT_PROTOCOL_VERSION };
  }
}

const versionError = (protocol: number) =>
  new HandshakeError('protocol-version', `this server speaks agent protocol ${AGENT_PROTOCOL_VERSION}, the client ${protocol}: update the client`);

/**
 * Checks an agent's handshake `auth`: its shape, the protocol version, and a key that
 * exists, is not revoked and was issued for the name given. Throws HandshakeError with
 * a typed code; resolves with who connected.
 */
export async function checkHandshake(auth: unknown, keys: AgentKeys): Promise<{ name: string; keyId: string; client: string | null }> {
  const parsed = AgentHandshake.safeParse(auth);
  if (!parsed.success) {
    const protocol = (auth as { protocol?: unknown } | undefined)?.protocol;
    if (typeof protocol === 'number' && protocol !== AGENT_PROTOCOL_VERSION) throw versionError(protocol);
    throw new HandshakeError('bad-handshake', `auth must be { key, name, protocol }: ${describeIssues(parsed.error)}`);
  }
  const { key, name, protocol, client } = parsed.data;
  if (protocol !== AGENT_PROTOCOL_VERSION) throw versionError(protocol);
  const found = await keys.find(key);
  if (!found) throw new HandshakeError('bad-key', 'this key is not known here');
  if (found.revokedAt !== null) throw new HandshakeError('key-revoked', 'this key was revoked; ask the researcher for a new one');
  if (found.name !== name) throw new HandshakeError('wrong-name', `this key is for the agent "${found.name}", not "${name}"`);
  return { name, keyId: found.id, client: client ?? null };
}
