# A name server for one lab (Podman only), run by systemd on the hidden grader: A and PTR answers from
# the grader's /etc/hosts, read per query, leaving out the grader's own names and address; names it does
# not know get SERVFAIL, as from an engine DNS whose upstream is unreachable, so postfix defers mail to
# foreign domains instead of bouncing it.
# Streamed in by server/runtime/docker-runtime.ts; needs only python3's standard library.
import socket, struct, sys
def table():
    # Never the grader's own names or address: no name in a lab may lead a student to the checker.
    me = {socket.gethostname().lower().rstrip('.'), 'grader.example.com', 'grader'}
    rows = []
    for line in open('/etc/hosts'):
        f = line.split('#')[0].split()
        if len(f) >= 2 and ':' not in f[0]:
            rows.append((f[0], [n.lower().rstrip('.') for n in f[1:]]))
    hidden = {ip for ip, ns in rows if me & set(ns)}
    names, addrs = {}, {}
    for ip, ns in rows:
        if ip in hidden:
            continue
        for n in ns:
            names.setdefault(n, ip)
        addrs.setdefault(ip, ns[0])
    return names, addrs
def encode(name):
    return b''.join(bytes([len(p)]) + p.encode() for p in name.rstrip('.').split('.')) + b'\0'
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# Bound to the grader's own address (argv[1]), so answers come from the address the hosts ask: the
# judge moves the subnet route's source to a fresh probe address per Check, and answers from that one
# are dropped by the asking resolver ("communications error ... timed out").
s.bind((sys.argv[1] if len(sys.argv) > 1 else '0.0.0.0', 53))
while True:
    q, peer = s.recvfrom(4096)
    try:
        qid, flags = struct.unpack('>HH', q[:4])
        i, labels = 12, []
        while q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode('ascii', 'replace'))
            i += q[i] + 1
        qtype = struct.unpack('>H', q[i + 1:i + 3])[0]
        question = q[12:i + 5]
        names, addrs = table()
    except Exception:
        continue
    name = '.'.join(labels).lower()
    rcode, answer = 2, b''
    if name.endswith('.in-addr.arpa'):
        ip = '.'.join(reversed(name[:-len('.in-addr.arpa')].split('.')))
        rcode = 0 if ip in addrs else 3
        if ip in addrs and qtype in (12, 255):
            rdata = encode(addrs[ip])
            answer = b'\xc0\x0c' + struct.pack('>HHIH', 12, 1, 5, len(rdata)) + rdata
    elif name in names:
        rcode = 0
        if qtype in (1, 255):
            answer = b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 5, 4) + socket.inet_aton(names[name])
    header = struct.pack('>HHHHHH', qid, 0x8480 | (flags & 0x0100) | rcode, 1, 1 if answer else 0, 0, 0)
    s.sendto(header + question + answer, peer)
