// A cookie-keeping client for the server-rendered pages, for tests that check what a browser
// would be sent without driving one (the browser tests are in test/e2e).
export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
}

export class PageClient {
  readonly cookies = new Map<string, string>();
  /** `headers`: sent with every request, e.g. X-Forwarded-For to speak for another client address */
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  private keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): Record<string, string> {
    return { ...this.headers, ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}) };
  }

  async get(path: string): Promise<PageResponse> {
    const res = await fetch(`${this.baseUrl}${path}`, { redirect: 'manual', headers: { accept: 'text/html', ...this.cookieHeader() } });
    this.keep(res);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** A form as a browser posts it; a list is a field sent once per value (ticked check boxes). */
  async post(path: string, form: Record<string, string | string[]>): Promise<PageResponse> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...this.cookieHeader() },
      body: body.toString(),
    });
    this.keep(res);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** A multipart form (a file upload), as a browser sends one. */
  async postMultipart(path: string, form: FormData): Promise<PageResponse> {
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { accept: 'text/html', ...this.cookieHeader() }, body: form });
    this.keep(res);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** The form token of a page, as its forms carry it. */
  static csrfOf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m?.[1]) throw new Error('the page has no form token');
    return m[1];
  }

  /** The value of a page's first hidden field of that name, as a browser would post it back. */
  static hiddenOf(html: string, name: string): string {
    const m = new RegExp(`<input type="hidden"(?: id="[^"]*")? name="${name}" value="([^"]*)"`).exec(html);
    if (m?.[1] === undefined) throw new Error(`the page has no hidden field ${name}`);
    return m[1].replaceAll('&#34;', '"').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  }

  /** Signs in through the sign-in page, as a person would. */
  async signIn(email: string, password = 'Test-password-1'): Promise<void> {
    const page = await this.get('/login');
    const res = await this.post('/login', { _csrf: PageClient.csrfOf(page.text), email, password, next: '/' });
    if (res.status !== 303) throw new Error(`sign-in of ${email} failed: ${res.status}`);
  }
}
