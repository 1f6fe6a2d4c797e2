export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

type Json = Record<string, unknown>;

/** A small JSON client for the API under test, with the caller's token. */
export class Api {
  constructor(readonly baseUrl: string) {}

  async request<T = Json>(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: RequestInit['body'] } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: RequestInit['body'] = opts.raw;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const full = /^\/(api|healthz|readyz|openapi|docs)/.test(path) ? path : `/api/v1${path}`;
    const res = await fetch(`${this.baseUrl}${full}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = Json>(path: string, token?: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, { token, headers });
  }
  post<T = Json>(path: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { token, body, headers });
  }
  patch<T = Json>(path: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, { token, body, headers });
  }
  delete<T = Json>(path: string, token?: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, { token, headers });
  }

  async login(email: string, password = 'Test-password-1'): Promise<string> {
    const res = await this.post<{ token: string }>('/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token;
  }
}
