import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  to: string[];
  messageId: string;
  subject: string;
  text: string;
}

export interface SinkOptions {
  /**
   * Runs after a message's DATA arrived and before the server answers it: the sender waits while
   * this is pending, and gets an SMTP 550 if it throws.
   */
  beforeAccept?: (mail: ReceivedMail) => Promise<void>;
}

/** A real SMTP server in the test process: the mailer is never mocked. */
export async function startSmtpSink(options: SinkOptions = {}) {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          const mail = {
            to: session.envelope.rcptTo.map((r) => r.address),
            messageId: parsed.messageId ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          };
          await options.beforeAccept?.(mail);
          messages.push(mail);
        })
        .then(
          () => callback(),
          (err: Error) => callback(Object.assign(err, { responseCode: 550 })),
        );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs = 15_000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching email within ${timeoutMs} ms; got ${messages.length}: ${messages.map((m) => m.subject).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;
