// A built lab image proves itself before any lab uses it: a throw-away lab boots with the systemd
// flags chosen for this engine, the contract in containers/CONTRACT.md holds, postfix and dovecot
// start, and one message goes desktop -> server and is read over POP3S from the grader. The verdict
// is kept per image id (self-test-store.ts), so this runs once per image (about 10 s), and a failure
// names its step with the output that shows why.
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../errors.ts';
import type { HostName, LabRuntime } from './runtime.ts';

export interface SelfTestStep {
  name: string;
  ok: boolean;
  /** What the step printed, cut to the last lines; the reason when it failed. */
  output: string;
  ms: number;
}

export interface SelfTestResult {
  image: string;
  imageId: string;
  passed: boolean;
  steps: SelfTestStep[];
  /** ISO time the test ran. */
  at: string;
}

interface StepSpec {
  name: string;
  host: HostName;
  script: string;
  timeoutMs?: number;
}

/** Every guarantee of CONTRACT.md a lesson relies on, one line each, so a failure names the broken one. */
const CONTRACT = `
fail=0
want() { local what=$1; shift; if "$@" >/dev/null 2>&1; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi; }
want "users student jerry kelly li exist, with homes" bash -c 'for u in student jerry kelly li; do [ -d "$(getent passwd $u | cut -d: -f6)" ] || exit 1; done'
want "/var/log/maillog exists" test -f /var/log/maillog
want "the journal is kept in /var/log/journal" bash -c 'ls /var/log/journal/*/system.journal'
want "mail is s-nail" bash -c 'readlink -f "$(command -v mail)" | grep -q s-nail || mail -V 2>&1 | grep -qi s-nail'
want "postfix is not chrooted" bash -c '! postconf -F "*/*/chroot" | grep -q "= y$"'
want "compatibility_level = 2" bash -c '[ "$(postconf -h compatibility_level)" = 2 ]'
want "inet_protocols = ipv4" bash -c '[ "$(postconf -h inet_protocols)" = ipv4 ]'
want "postfix check is clean" bash -c '[ -z "$(postfix check 2>&1)" ]'
want "/var/spool/mail and /var/mail are the same place" bash -c '[ "$(readlink -f /var/spool/mail)" = "$(readlink -f /var/mail)" ]'
want "/etc/pki/dovecot has certs/ and private/" test -d /etc/pki/dovecot/certs -a -d /etc/pki/dovecot/private
want "postfix's TLS key was made at this host's boot, readable by root alone" bash -c '[ "$(stat -c %a:%U:%G /etc/pki/tls/private/postfix.key)" = 600:root:root ] && openssl x509 -in /etc/pki/tls/certs/postfix.pem -noout'
want "/etc/sasl2/smtpd.conf uses saslauthd" grep -q 'pwcheck_method: *saslauthd' /etc/sasl2/smtpd.conf
want "postfix, dovecot, saslauthd, firewalld start disabled" bash -c '! systemctl is-enabled postfix dovecot saslauthd firewalld 2>/dev/null | grep -qx enabled'
want "nc is nmap's ncat" bash -c 'nc --version 2>&1 | grep -qi ncat'
want "passwd --stdin sets a password" bash -c 'echo redhat | passwd --stdin jerry'
want "tools: mutt fetchmail procmail telnet swaks openssl curl dig host ss firewall-cmd" bash -c 'for t in mutt fetchmail procmail telnet swaks openssl curl dig host ss firewall-cmd; do command -v $t || exit 1; done'
exit $fail
`;

function stepsFor(nonce: string): StepSpec[] {
  return [
    { name: 'the image contract holds on server (containers/CONTRACT.md)', host: 'server', script: CONTRACT },
    {
      name: 'postfix starts on server, receiving for example.com, with STARTTLS on its own key',
      host: 'server',
      script: `postconf -e 'inet_interfaces = all' 'mydestination = $myhostname, localhost.$mydomain, localhost, $mydomain'
systemctl enable --now postfix 2>&1 && systemctl is-active postfix || { systemctl status postfix --no-pager 2>&1 | tail -n 15; exit 1; }
served=$(openssl s_client -starttls smtp -connect 127.0.0.1:25 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256)
[ -n "$served" ] && [ "$served" = "$(openssl x509 -in /etc/pki/tls/certs/postfix.pem -noout -fingerprint -sha256)" ] || { echo "STARTTLS does not serve postfix.pem: \${served:-no certificate}"; exit 1; }`,
    },
    {
      name: 'postfix starts on desktop',
      host: 'desktop',
      script: `systemctl start postfix 2>&1 && systemctl is-active postfix || { systemctl status postfix --no-pager 2>&1 | tail -n 15; exit 1; }`,
    },
    {
      name: 'dovecot starts on server with TLS (dovecot-init makes its certificate)',
      host: 'server',
      script: `sed -i -E 's|^#?mail_location =.*|mail_location = mbox:~/mail:INBOX=/var/mail/%u|; s|^#?mail_privileged_group =.*|mail_privileged_group = mail|' /etc/dovecot/conf.d/10-mail.conf
systemctl enable --now dovecot 2>&1 && systemctl is-active dovecot && test -s /etc/pki/dovecot/certs/dovecot.pem || { systemctl status dovecot dovecot-init --no-pager 2>&1 | tail -n 15; exit 1; }`,
    },
    {
      name: 'mail sent on desktop with mail(1) reaches student on server',
      host: 'desktop',
      script: `echo "${nonce}" | mail -s "maillab self-test ${nonce}" student@server.example.com 2>&1 || exit 1
for _ in $(seq 1 60); do [ -z "$(find /var/spool/postfix/{maildrop,incoming,active,deferred} -type f 2>/dev/null)" ] && exit 0; sleep 0.25; done
mailq; tail -n 5 /var/log/maillog; exit 1`,
      timeoutMs: 30_000,
    },
    {
      name: 'the message is in /var/spool/mail/student and in /var/log/maillog on server',
      host: 'server',
      script: `for _ in $(seq 1 60); do grep -qs "${nonce}" /var/spool/mail/student && break; sleep 0.25; done
grep -qs "${nonce}" /var/spool/mail/student || { echo "not in /var/spool/mail/student"; tail -n 8 /var/log/maillog; exit 1; }
for _ in $(seq 1 20); do grep -q 'status=sent (delivered to mailbox)' /var/log/maillog && exit 0; sleep 0.25; done
echo "no delivery line in /var/log/maillog"; tail -n 8 /var/log/maillog; exit 1`,
      timeoutMs: 30_000,
    },
    {
      name: 'the grader reads it over POP3S',
      host: 'grader',
      script: `out=$(curl -sS --insecure --max-time 10 -u student:student pop3s://server.example.com/1 2>&1)
grep -q "${nonce}" <<<"$out" && echo "read the message over POP3S" || { echo "$out" | tail -n 8; exit 1; }`,
    },
  ];
}

const tail = (text: string) => text.trim().split('\n').slice(-12).join('\n').slice(-1500);

/** Runs the self-test in a lab of its own, always removed afterwards. */
export async function selfTestImage(
  runtime: LabRuntime,
  image: string,
  imageId: string,
  onProgress: (message: string) => void = () => {},
): Promise<SelfTestResult> {
  const labId = `selftest${randomBytes(6).toString('hex')}`;
  const nonce = `ml${randomBytes(8).toString('hex')}`;
  const steps: SelfTestStep[] = [];
  const result = (): SelfTestResult => ({
    image,
    imageId,
    passed: steps.length > 0 && steps.every((s) => s.ok),
    steps,
    at: new Date().toISOString(),
  });
  let started = Date.now();
  onProgress(
    `self-test of ${image}: booting a lab (server, desktop, grader) with this engine's systemd flags`,
  );
  try {
    await runtime.createLab({
      labId,
      lesson: 'self-test',
      owner: 'maillab-self-test',
      token: randomBytes(24).toString('base64url'),
      hosts: ['server', 'desktop'],
      image,
    });
    steps.push({
      name: 'systemd boots every host unprivileged',
      ok: true,
      output: '',
      ms: Date.now() - started,
    });
    for (const spec of stepsFor(nonce)) {
      started = Date.now();
      onProgress(`self-test: ${spec.name}`);
      const run = await runtime.exec(labId, spec.host, ['/bin/bash', '-c', spec.script], {
        timeoutMs: spec.timeoutMs ?? 20_000,
      });
      const ok = run.exitCode === 0;
      steps.push({
        name: spec.name,
        ok,
        output: tail(`${run.stdout}\n${run.stderr}`),
        ms: Date.now() - started,
      });
      if (!ok) break;
    }
  } catch (err) {
    steps.push({
      name: 'systemd boots every host unprivileged',
      ok: false,
      output: errorMessage(err),
      ms: Date.now() - started,
    });
  } finally {
    await runtime.destroyLab(labId).catch(() => {});
  }
  const done = result();
  const failed = done.steps.find((s) => !s.ok);
  onProgress(
    failed ? `self-test FAILED at "${failed.name}"` : `self-test passed (${done.steps.length} steps)`,
  );
  return done;
}

/** One line for messages: which step failed and what it printed. */
export function describeFailure(result: SelfTestResult): string {
  const failed = result.steps.find((s) => !s.ok);
  if (!failed) return `${result.image} passed its self-test`;
  const output = failed.output
    .split('\n')
    .filter((l) => !l.startsWith('ok '))
    .slice(-6)
    .join(' | ');
  return `${result.image} failed its self-test at "${failed.name}"${output ? `: ${output}` : ''}`;
}
