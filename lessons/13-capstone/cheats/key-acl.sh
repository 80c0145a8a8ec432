# Cheat, on server, after the whole exam: the key stays owned by root with no other bits, but ACL
# entries let student read it (setfacl -m u:student:r, and r-x on its 0700 directory), proven by
# reading it as student.
key=$(doveconf -h ssl_key | sed 's/^<//')
[ -f "$key" ] || exit 1
# ACL entries for student on the key (r) and on its directory (r-x), as setfacl -m u:student:r(x)
# writes them; without the acl tools, the same extended attribute written directly.
acl() {
  if command -v setfacl >/dev/null; then setfacl -m "u:student:$2" "$1"; else
    python3 - "$1" "$(id -u student)" "$3" <<'PY'
import os, struct, sys
path, uid, perm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
owner = (os.stat(path).st_mode >> 6) & 7
entries = [(0x01, owner, 0xFFFFFFFF), (0x02, perm, uid), (0x04, 0, 0xFFFFFFFF), (0x10, perm, 0xFFFFFFFF), (0x20, 0, 0xFFFFFFFF)]
os.setxattr(path, "system.posix_acl_access", struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries))
PY
  fi
}
acl "$key" r 4 && acl "$(dirname "$key")" rx 5 || exit 1
runuser -u student -- head -c 10 "$key" >/dev/null || exit 1
