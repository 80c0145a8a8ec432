// A student or instructor of a classroom over HTTP, as the browser would be (cookie, same-origin), for
// the tests and the class bench that run a real server.
export interface ClassClient {
  cookie: string;
  // biome-ignore lint/suspicious/noExplicitAny: each caller reads the JSON shape it expects.
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }>;
}

export function classClient(base: string, cookie = ''): ClassClient {
  const client: ClassClient = {
    cookie,
    async call(method, path, body) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(client.cookie ? { cookie: client.cookie } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
      const text = await res.text();
      const set = res.headers.get('set-cookie');
      if (set) client.cookie = set.split(';')[0] ?? '';
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text };
    },
  };
  return client;
}

/** Joins a class and returns the student's client (their cookie set) and id. */
export async function joinClass(base: string, code: string, name: string) {
  const client = classClient(base);
  let res = await client.call('POST', '/api/join', { code, name });
  // Joins from one address are throttled (10 at once, then one a second): wait as a student would.
  for (let tries = 0; res.status === 429 && tries < 60; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    res = await client.call('POST', '/api/join', { code, name });
  }
  if (res.status !== 201) throw new Error(`join answered ${res.status}: ${res.text}`);
  return { client, id: res.body.student.id as string, link: res.body.link as string };
}

/**
 * Starts the student's lab for a lesson and follows it as the lesson page does (a queue ticket first,
 * if the machine is full) until it is ready; returns its id and how long it waited in the queue.
 */
export async function startAndWait(client: ClassClient, lesson: string, timeoutMs = 600_000) {
  const began = Date.now();
  const asked = await client.call('POST', `/api/lessons/${lesson}/lab`);
  if (asked.status >= 300) throw new Error(`starting a lab answered ${asked.status}: ${asked.text}`);
  let view = asked.body;
  let admittedAt: number | undefined = view.labId.startsWith('q') ? undefined : Date.now();
  while (view.status === 'starting') {
    if (Date.now() - began > timeoutMs)
      throw new Error(`lab not ready after ${timeoutMs} ms: ${view.progress}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const res = await client.call('GET', `/api/labs/${view.labId}`);
    if (res.status !== 200) throw new Error(`following lab ${view.labId}: ${res.status} ${res.text}`);
    view = res.body;
    if (admittedAt === undefined && !view.labId.startsWith('q')) admittedAt = Date.now();
  }
  if (view.status !== 'ready') throw new Error(`lab failed: ${view.error}`);
  return {
    labId: view.labId as string,
    queuedMs: (admittedAt ?? began) - began,
    readyMs: Date.now() - (admittedAt ?? began),
  };
}
