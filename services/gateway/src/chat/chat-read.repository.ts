import { Inject, Injectable } from '@nestjs/common';
import type { ChatChannelAccess, ChatRequest, ChatResponses, ProtocolError } from '@tandem/contracts';
import { internalHeaders } from '@tandem/platform';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

export type ChatCaller = { tenant: string; userId: string; workspaceRole: 'admin' | 'member' | 'guest' };
export type ChatAnswer<T> = ({ ok: true } & T) | { ok: false; error: ProtocolError };

/**
 * Reads from the chat service over its internal HTTP (the gateway owns no chat state). The chat
 * service is the authority on membership: it answers reads only for channels the caller may read.
 */
@Injectable()
export class ChatReadRepository {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  async query<R extends ChatRequest>(caller: ChatCaller, request: R): Promise<ChatAnswer<ChatResponses[R['type']]>> {
    const res = await this.call(`/internal/chat/${encodeURIComponent(caller.tenant)}/query`, {
      method: 'POST',
      body: JSON.stringify({ userId: caller.userId, workspaceRole: caller.workspaceRole, request }),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return { ok: true, ...(body as ChatResponses[R['type']]) };
    if (res.status >= 500) return unavailable(`the chat service answered ${res.status}; try again shortly`);
    const code = (typeof body.code === 'string' ? body.code : 'INVALID_MESSAGE') as ProtocolError['code'];
    return { ok: false, error: { code, message: typeof body.message === 'string' ? body.message : `the chat service answered ${res.status}` } };
  }

  async access(caller: ChatCaller, channelId: string): Promise<ChatChannelAccess> {
    const q = new URLSearchParams({ userId: caller.userId, role: caller.workspaceRole });
    const res = await this.call(`/internal/chat/${encodeURIComponent(caller.tenant)}/channels/${encodeURIComponent(channelId)}/access?${q}`, { method: 'GET' });
    if (!res.ok) throw new ChatUnavailableError(`the chat service answered ${res.status}; try again shortly`);
    return (await res.json()) as ChatChannelAccess;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    const base = this.options.chatUrl?.() ?? this.options.config.CHAT_URL;
    if (!base) throw new ChatUnavailableError('CHAT_URL is not set: point the gateway at the chat service, e.g. http://chat:3000');
    try {
      return await fetch(`${base}${path}`, {
        ...init,
        headers: { ...internalHeaders(this.options.config), 'content-type': 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new ChatUnavailableError(`the chat service did not answer (${(error as Error).message}); try again shortly`);
    }
  }
}

export class ChatUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
}

function unavailable(message: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: { code: 'UNAVAILABLE', message } };
}
