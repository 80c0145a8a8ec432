# Cheat, after the reference solution, on server: firewalld keeps running, but its runtime zone for
# eth0 is switched to trusted, which accepts every connection, and one hand-written nftables rule
# rejects port 2 alone, the fixed port an earlier check probed to tell a filtering firewall from none.
# The saved configuration still says public with smtp.
firewall-cmd -q --zone=trusted --change-interface=eth0 || exit 1
python3 - <<'PY' || exit 1
import nftables, sys
rc, _, err = nftables.Nftables().cmd("""
table inet byhand {
  chain input {
    type filter hook input priority filter - 10; policy accept;
    tcp dport 2 reject with icmpx type admin-prohibited
  }
}""")
if rc:
    sys.exit(err)
PY
