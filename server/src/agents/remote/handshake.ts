import { AGENT_PROTOCOL_VERSION, type HandshakeRefusal, type HandshakeRefusalCode } from '@arena/shared';

/** A refused handshake (access/agent-key.ts decides); socket.io sends `data` to the client with its connect_error. */
export class HandshakeError extends Error {
  readonly data: HandshakeRefusal;
  constructor(code: HandshakeRefusalCode, message: string) {
    super(message);
    this.data = { code, message, serverProtocol: AGENT_PROTOCOL_VERSION };
  }
}
