/**
 * The agent gateway's part of access: a remote agent's handshake (`{ key, name, protocol,
 * client? }`) names an agentKey principal when its key exists, is not revoked and was
 * issued for that name. The gateway sends the typed refusal back as its connect error.
 */
import { AGENT_PROTOCOL_VERSION, AgentHandshake, describeIssues, type HandshakeRefusalCode } from '@arena/shared';
import type { Principal } from './principal.ts';

/** What the check needs of the key store: a key's record by its secret (compared by hash there). */
export interface AgentKeyLookup {
  find(key: string): Promise<{ id: string; name: string; revokedAt: number | null } | null>;
}

export type AgentAdmission =
  | { ok: true; principal: Extract<Principal, { kind: 'agentKey' }>; client: string | null }
  | { ok: false; code: HandshakeRefusalCode; reason: string };

const versionRefusal = (protocol: number): AgentAdmission => ({
  ok: false,
  code: 'protocol-version',
  reason: `this server speaks agent protocol ${AGENT_PROTOCOL_VERSION}, the client ${protocol}: update the client`,
});

/** Checks a handshake: its shape, the protocol version, and the key for the name given. */
export async function admitAgent(auth: unknown, keys: AgentKeyLookup): Promise<AgentAdmission> {
  const parsed = AgentHandshake.safeParse(auth);
  if (!parsed.success) {
    const protocol = (auth as { protocol?: unknown } | undefined)?.protocol;
    if (typeof protocol === 'number' && protocol !== AGENT_PROTOCOL_VERSION) return versionRefusal(protocol);
    return { ok: false, code: 'bad-handshake', reason: `auth must be { key, name, protocol }: ${describeIssues(parsed.error)}` };
  }
  const { key, name, protocol, client } = parsed.data;
  if (protocol !== AGENT_PROTOCOL_VERSION) return versionRefusal(protocol);
  const found = await keys.find(key);
  if (!found) return { ok: false, code: 'bad-key', reason: 'this key is not known here' };
  if (found.revokedAt !== null) return { ok: false, code: 'key-revoked', reason: 'this key was revoked; ask the researcher for a new one' };
  if (found.name !== name) return { ok: false, code: 'wrong-name', reason: `this key is for the agent "${found.name}", not "${name}"` };
  return { ok: true, principal: { kind: 'agentKey', name, keyId: found.id }, client: client ?? null };
}
